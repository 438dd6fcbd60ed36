"""Scenarios: overrides of model-file keys (`timepris.faggrupper[Sygeplejerske].aarsloen: +4 %`)
applied to the model file's YAML before it is validated, and whether an override changes how
the visits are folded."""

from __future__ import annotations

import copy
import difflib
import re
import types
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from takst_cli.config.funding import FUNDING_MODELS
from takst_cli.config.model import ModelConfig
from takst_cli.config.values import SourceFloat, danish_number, read_number
from takst_cli.errors import ConfigError, Problem

# A relative change: a sign, a number (Danish or point decimal) and a per cent sign.
_RELATIVE = re.compile(r"^\s*([+-])\s*(\d+(?:[.,]\d+)?)\s*%\s*$")
_UNSIGNED_PERCENT = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*%\s*$")
_STEP = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]|(\.)")
# The fields a list item is named by: faggrupper and ydelser by navn, teams by team, ...
_NAME_FIELDS = ("navn", "team", "ydelsestype", "niveau")

# The keys a scenario may change without folding the visits again: prices, r, overhead,
# funding models and budget factors are read only after the fold (pipeline.run.price and
# later). Everything else (bands, shifts, paragraphs, course types, cancellation rules, ...)
# re-folds; a key missing here costs time, never a wrong figure. `[]` stands for any list item.
PRICE_ONLY_KEYS = (
    "navn",
    "timepris.faggrupper[].aarsloen",
    "timepris.faggrupper[].normtimer",
    "timepris.faggrupper[].fravaer_andel",
    "timepris.faggrupper[].indirekte_andele",
    "timepris.faggrupper[].omkostninger_pr_aarsvaerk",
    "timepris.faggrupper[].timepris",
    "timepris.tillaeg",
    "timepris.omkostninger_i_takst",
    "klinik",
    "takster",
    "forloeb.udviklende.forventet_reduktion",
    *(  # every key of every funding model (config.funding) but the team it applies to
        f"tildeling.{where}.{key}"
        for where in ("standard", "teams[]")
        for key in sorted({k for m in FUNDING_MODELS for k in m.model_fields} - {"team"})
    ),
    "budget",
    "fremskrivning",
    "frit_valg",
    "advarsel_andel",
)
# The inputs are read once for every scenario: a scenario cannot point at other files.
FIXED_KEYS = ("data", "kolonner", "scenarier")


@dataclass(frozen=True)
class Override:
    path: str  # as written
    value: Any  # as read from YAML (or --saet), before the relative change


def parse_path(path: str) -> list[str | tuple[str]]:
    """`a.b[Navn].c` → ['a', 'b', ('Navn',), 'c']: keys, and list items by name or number."""
    steps: list[str | tuple[str]] = []
    pos, dot = 0, True
    text = path.strip()
    while pos < len(text):
        m = _STEP.match(text, pos)
        if m is None or (m[1] is not None and not dot) or (m[3] and dot):
            raise ConfigError(f"'{path}': ugyldig nøglesti (skriv fx timepris.tillaeg.aften)")
        if m[1] is not None:
            steps.append(m[1].strip())
            dot = False
        elif m[2] is not None:
            if not steps or not m[2].strip():
                raise ConfigError(f"'{path}': ugyldig nøglesti (skriv fx timepris.tillaeg.aften)")
            steps.append((m[2].strip(),))
        else:
            dot = True
        pos = m.end()
    if not steps or dot and pos:
        raise ConfigError(f"'{path}': ugyldig nøglesti (skriv fx timepris.tillaeg.aften)")
    return steps


def pattern(path: str) -> str:
    """The path with each list item as `[]`, as PRICE_ONLY_KEYS writes it."""
    out = ""
    for step in parse_path(path):
        out += "[]" if isinstance(step, tuple) else (f".{step}" if out else step)
    return out


def refolds(paths: list[str]) -> bool:
    """Whether overrides of these keys change how the visits are folded (see PRICE_ONLY_KEYS)."""
    return any(
        not any(p == k or p.startswith(k + ".") or p.startswith(k + "[") for k in PRICE_ONLY_KEYS)
        for p in map(pattern, paths)
    )


class _AnyOf:
    """A place that holds one of several sections (a funding model's entry, picked by its
    `model`): a key of any of them is a key there; validating the result then holds the entry
    to its own model's keys (config.funding)."""

    def __init__(self, members: list[type[BaseModel]]) -> None:
        self.model_fields = {k: f for m in members for k, f in m.model_fields.items()}


Section = type[BaseModel] | _AnyOf


def _unwrap(annotation: Any) -> tuple[Section | None, str]:
    """A field's section model (or None for a plain value) and its container: '', 'list', 'dict'."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            members = [_unwrap(a) for a in args]
            sections = [m for m, c in members if isinstance(m, type) and c == ""]
            if len(args) > 1 and len(sections) == len(args):
                return _AnyOf(sections), ""
            annotation = args[0] if len(args) == 1 else Any
        else:
            break
    if origin is list:
        inner, _ = _unwrap(get_args(annotation)[0])
        return inner, "list"
    if origin is dict:
        inner, _ = _unwrap(get_args(annotation)[1])
        return inner, "dict"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, ""
    return None, ""


def _nearest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    if close:
        return f"; mente du '{close[0]}'?"
    return f"; mulige: {', '.join(sorted(choices))}" if choices else ""


def _item_name(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in _NAME_FIELDS:
            if key in item:
                return str(item[key])
    return None


# A value written with a plus and no per cent sign: YAML (and a reader) cannot tell a change
# from a new value. Never echo the number with a % added: '+0,05%' is a 0,05 % change.
SIGNED_WHY = (
    "er tvetydigt: en ændring eller en ny værdi? Skriv den nye værdi uden fortegn (fx 0,35) "
    "eller en relativ ændring i procent (fx +4 %)"
)


def _relative(old: Any, change: Decimal, where: str, written: str) -> Decimal:
    if isinstance(old, bool) or old is None:
        raise ConfigError(f"{where}: '{written}' er en relativ ændring, men nøglen har ingen værdi")
    try:
        number = read_number(old)
    except ValueError:
        number = None
    if not isinstance(number, int | float | Decimal):
        raise ConfigError(f"{where}: '{written}' er en relativ ændring, men værdien er ikke et tal")
    base = Decimal(old.text) if isinstance(old, SourceFloat) and old.text else Decimal(str(number))
    if abs(base) <= 1:
        # on a share, '+4 %' may be 4 per cent of it (0,30 → 0,312) or 4 percentage points
        # (0,30 → 0,34): a finance officer means either, so neither is taken
        raise ConfigError(
            f"{where}: '{written}' er tvetydigt for andelen {danish_number(base)}: "
            f"{_pct(base * (1 + change / 100))} eller {_pct(base + change / 100)} "
            "(procentpoint)? Skriv den nye andel, fx "
            f"{danish_number(base + change / 100)}"
        )
    return base * (1 + change / 100)


def _pct(share: Decimal) -> str:
    return f"{danish_number((share * 100).normalize())} %"


def _value(old: Any, value: Any, where: str) -> Any:
    """The new value: a relative change `+4 %` of the old one, or the value as written (read
    later by the model file's own readers). A plus without a per cent sign, or a bare `4 %`
    where the old value is no share, is ambiguous and stops."""
    text = value.text if isinstance(value, SourceFloat) and value.text else value
    if isinstance(text, str):
        m = _RELATIVE.match(text)
        if m:
            change = read_number(m[2])
            return _relative(old, Decimal(str(change)) * (-1 if m[1] == "-" else 1), where, text)
        stripped = text.strip()
        # a minus without % is a negative value (demografiregulering: -0,05), as in the model
        # file; nobody writes + before a value, so +0,05 can only mean a change
        if stripped[:1] == "+":
            if not stripped.endswith("%"):
                raise ConfigError(f"{where}: '{text}' {SIGNED_WHY}")
        if _UNSIGNED_PERCENT.match(text):
            try:
                big = old is not None and abs(Decimal(str(read_number(old)))) > 1
            except (ValueError, ArithmeticError):
                big = False
            if big:
                raise ConfigError(
                    f"{where}: '{text}' er tvetydigt for værdien {danish_number(old)}: skriv "
                    f"+{stripped} for en stigning eller -{stripped} for et fald"
                )
    return value


def apply_overrides(raw: dict[str, Any], overrides: list[Override], source: str) -> dict[str, Any]:
    """A copy of the model file's YAML with the overrides applied. Every key must exist in the
    file or be a key of the model file's schema at that place (a new course type or cost item
    is added in the model file itself, never by a typo); list items are named by their navn,
    team, ydelsestype or niveau (`niveauer.baand[3]` is niveau 3, never the fourth band); only
    a list of plain values is numbered, from 0. Errors name the key and the nearest key."""
    out = copy.deepcopy(raw)
    problems: list[Problem] = []
    for o in overrides:
        try:
            _apply_one(out, o)
        except ConfigError as exc:
            problems.append(Problem("", exc.message))
    if problems:
        raise ConfigError(f"{source}: scenariet er ugyldigt ({len(problems)} fejl)", problems)
    return out


def _apply_one(raw: dict[str, Any], o: Override) -> None:
    steps = parse_path(o.path)
    if isinstance(steps[0], str) and steps[0] in FIXED_KEYS:
        raise ConfigError(
            f"{o.path}: {steps[0]} kan ikke ændres i et scenarie; alle scenarier regner på de "
            "samme inputfiler"
        )
    node: Any = raw
    model: Section | None = ModelConfig
    container = ""
    shown = ""
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        if isinstance(step, tuple):
            (name,) = step
            if not isinstance(node, list):
                raise ConfigError(f"{shown}: er ikke en liste; [{name}] kan ikke vælges")
            names = [n for n in map(_item_name, node) if n is not None]
            if not names and name.isdigit():  # a list of plain values: by position
                index = int(name)
                if index >= len(node):
                    raise ConfigError(f"{shown}[{name}]: listen har {len(node)} elementer")
            else:
                hits = [j for j, item in enumerate(node) if _item_name(item) == name]
                if not hits:
                    raise ConfigError(f"{shown}[{name}]: findes ikke{_nearest(name, names)}")
                if len(hits) > 1:
                    raise ConfigError(f"{shown}[{name}]: står {len(hits)} gange i listen")
                index = hits[0]
            shown += f"[{name}]"
            container = ""
            if last and isinstance(node[index], dict):
                raise ConfigError(f"{shown}: angiv nøglen i elementet, fx {shown}.navn")
            if last:
                node[index] = _value(node[index], o.value, shown)
                return
            node = node[index]
            continue
        shown = f"{shown}.{step}" if shown else step
        if not isinstance(node, dict):
            raise ConfigError(f"{shown}: {shown.rsplit('.', 1)[0]} er ikke en tabel af nøgler")
        fields = dict(model.model_fields) if model is not None and container != "dict" else {}
        if step not in node and step not in fields:
            choices = [str(k) for k in node] + [f for f in fields if f not in node]
            raise ConfigError(f"{shown}: ukendt nøgle{_nearest(step, choices)}")
        if last:
            node[step] = _value(node.get(step), o.value, shown)
            return
        if container == "dict":
            container = ""
        elif step in fields:
            model, container = _unwrap(fields[step].annotation)
        else:
            model, container = None, ""
        if node.get(step) is None:
            node[step] = [] if container == "list" else {}
        node = node[step]


@dataclass(frozen=True)
class Scenario:
    name: str
    overrides: list[Override]
    cfg: ModelConfig  # the model file with the overrides, validated like a model file
    refold: bool  # the overrides change how the visits are folded


def _overrides(table: Any, where: str) -> list[Override]:
    if not isinstance(table, dict) or not table:
        raise ConfigError(
            f"{where}: et scenarie skal være en tabel af nøglestier og værdier, fx "
            "timepris.tillaeg.aften: 0,30"
        )
    return [Override(str(k), v) for k, v in table.items()]


def read_overrides_file(path: Path) -> dict[str, list[Override]]:
    """A scenario file: `scenarier: {navn: {nøglesti: værdi, ...}, ...}`, its values judged
    by the model file's YAML reader (an ambiguous 1.924 stops here too)."""
    from takst_cli.config.load import read_model_file

    raw, problems = read_model_file(path)
    if problems:
        raise ConfigError(f"{path}: scenariefilen er ugyldig ({len(problems)} fejl)", problems)
    if (
        not isinstance(raw, dict)
        or set(raw) != {"scenarier"}
        or not isinstance(raw["scenarier"], dict)
    ):
        raise ConfigError(
            f"{path}: en scenariefil har netop nøglen scenarier: en tabel af navngivne "
            "scenarier, hver en tabel af nøglestier og værdier"
        )
    _stop_on_signed(path)
    return {str(n): _overrides(t, f"{path}: scenarier.{n}") for n, t in raw["scenarier"].items()}


def _named(raw: Any, where: str) -> str:
    """A validation problem's key path with each numbered item of a named list written by its
    name, as a scenario addresses it: timepris.faggrupper[0] → timepris.faggrupper[SSH]."""
    node, out = raw, ""
    for m in re.finditer(r"([^.\[\]]+)|\[(\d+)\]|(\.)", where):
        if m[1] is not None:
            node = node.get(m[1]) if isinstance(node, dict) else None
            out += m[1]
        elif m[2] is not None:
            i = int(m[2])
            item = node[i] if isinstance(node, list) and i < len(node) else None
            name = _item_name(item)
            out += f"[{name}]" if name is not None else f"[{i}]"
            node = item
        else:
            out += "."
    return out


def _stop_on_signed(path: Path) -> None:
    signed = _signed_numbers(path.read_text(encoding="utf-8-sig"))
    if signed:
        raise ConfigError(
            f"{path}: fortegn uden procent: hver værdi {SIGNED_WHY}",
            [Problem(f"linje {line}", f"'{text}'") for line, text in signed],
        )


def _signed_numbers(text: str) -> list[tuple[int, str]]:
    """Plain scalars written with a + and no per cent sign (`+4`): YAML reads the number 4 and
    forgets the sign, so they are found in the node tree (the file has passed the strict
    reader already)."""
    import yaml

    out = []
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return []
    stack = [v for k, v in root.value if k.value == "scenarier"]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack += [v for _, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
        elif node is not None and node.style is None and node.value.startswith("+"):
            if not node.value.rstrip().endswith("%"):
                out.append((node.start_mark.line + 1, node.value))
    return sorted(out)


def read_set_option(items: list[str]) -> list[Override]:
    """`--saet NØGLE=VÆRDI`, each value read as the model file reads a value."""
    from takst_cli.config.load import read_model_yaml

    out = []
    for item in items:
        key, eq, text = item.partition("=")
        if not eq or not key.strip() or not text.strip():
            raise ConfigError(f"--saet '{item}': skriv NØGLE=VÆRDI, fx timepris.tillaeg.aften=0,30")
        if text.strip().startswith("+") and not text.strip().endswith("%"):
            raise ConfigError(f"--saet {key.strip()}: '{text.strip()}' {SIGNED_WHY}")
        value, problems = read_model_yaml(text.strip(), f"--saet {key.strip()}")
        if problems:
            raise ConfigError(f"--saet {key.strip()}: {problems[0].why}")
        out.append(Override(key.strip(), value))
    return out


def load_scenarios(
    model: Path, scenario_file: Path | None = None, sets: list[str] | None = None
) -> tuple[ModelConfig, list[Scenario]]:
    """The model file and its scenarios: those of its own `scenarier:` section, of a scenario
    file, and `--saet` as one more. Each is validated like a model file; every problem of every
    scenario is reported at once."""
    from takst_cli.config.load import parse_config, read_model_file, with_data_paths

    raw, problems = read_model_file(model)
    base = with_data_paths(parse_config(raw, str(model), problems), model)
    if raw.get("scenarier"):
        _stop_on_signed(model)
    named: dict[str, list[Override]] = {
        n: _overrides(t, f"{model}: scenarier.{n}") for n, t in raw.get("scenarier", {}).items()
    }
    if scenario_file is not None:
        for name, overrides in read_overrides_file(scenario_file).items():
            if name in named:
                raise ConfigError(
                    f"{scenario_file}: scenariet '{name}' findes også i {model}; giv det et "
                    "andet navn"
                )
            named[name] = overrides
    for name in named:  # a file's scenario may not take the base's or --saet's column
        if name.strip() in (BASE_NAME, SET_NAME):
            raise ConfigError(f"scenariet '{name}': navnet er forbeholdt; giv det et andet navn")
    if sets:
        named[SET_NAME] = read_set_option(sets)
    if not named:
        raise ConfigError(
            f"{model}: ingen scenarier; giv --scenarie FIL, --saet NØGLE=VÆRDI eller en "
            "scenarier:-sektion i modelfilen"
        )
    found: list[Problem] = []
    out = []
    for name, overrides in named.items():
        where = f"{model}, scenarie '{name}'"
        changed: Any = None
        try:
            changed = apply_overrides(raw, overrides, where)
            changed.pop("scenarier", None)
            cfg = with_data_paths(parse_config(changed, where), model)
        except ConfigError as exc:
            found += [
                Problem(
                    f"scenarie '{name}'" + (f", {_named(changed, p.where)}" if p.where else ""),
                    p.why,
                )
                for p in exc.problems or [Problem("", exc.message)]
            ]
            continue
        out.append(Scenario(name, overrides, cfg, refolds([o.path for o in overrides])))
    if found:
        raise ConfigError(f"{model}: scenarierne er ugyldige", found)
    return base, out


SET_NAME = "--saet"
BASE_NAME = "Grundlag"  # the base's column (pipeline.scenario.BASE)


_ABSENT = object()


def differences(a: Any, b: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """The key paths where two model files' YAML differ, with each side's value (None when a
    side lacks the key). Lists of named items (faggrupper, teams, bands) are compared item by
    item, by name; other lists as a whole. The `scenarier:` section is not part of a model."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in [*a, *(k for k in b if k not in a)]:
            if not path and k == "scenarier":
                continue
            sub = f"{path}.{k}" if path else str(k)
            out += differences(a.get(k, _ABSENT), b.get(k, _ABSENT), sub)
        return out
    if isinstance(a, list) and isinstance(b, list):
        names_a, names_b = [_item_name(x) for x in a], [_item_name(x) for x in b]
        named = all(n is not None for n in names_a + names_b)
        if named and len(set(names_a)) == len(a) and len(set(names_b)) == len(b):
            by_b = dict(zip(names_b, b, strict=True))
            out = []
            for n, x in zip(names_a, a, strict=True):
                out += differences(x, by_b.get(n, _ABSENT), f"{path}[{n}]")
            by_a = set(names_a)
            for n, y in zip(names_b, b, strict=True):
                if n not in by_a:
                    out += differences(_ABSENT, y, f"{path}[{n}]")
            return out
    if _same(a, b):
        return []
    return [(path, None if a is _ABSENT else a, None if b is _ABSENT else b)]


def _same(a: Any, b: Any) -> bool:
    """Equal as written: 0.10 and 0.1 are one value, 1 and true are not."""
    if type(a) is bool or type(b) is bool:
        return a is b
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal):
        return Decimal(str(a)) == Decimal(str(b))
    return bool(a == b)


def _files(cfg: ModelConfig) -> dict[str, Any]:
    """The data section with each path resolved: b/../leverancer.csv is leverancer.csv."""
    return {k: v.resolve() if isinstance(v, Path) else v for k, v in cfg.data.model_dump().items()}


def model_labels(a: Path, b: Path) -> tuple[str, str]:
    """The two models' column names: their file names, or 'A: path' and 'B: path' when the
    names are the same (a/model.yaml and b/model.yaml) — two columns never share a name."""
    if a.name != b.name:
        return a.name, b.name
    return f"A: {a}", f"B: {b}"


def compare_models(a: Path, b: Path) -> tuple[ModelConfig, Scenario]:
    """Model file A as the base and B as a scenario of it: the keys that differ (with B's
    value) as its overrides. Both read on A's inputs, so B must point at the same files."""
    from takst_cli.config.load import parse_config, read_model_file, with_data_paths

    raw_a, problems_a = read_model_file(a)
    raw_b, problems_b = read_model_file(b)
    cfg_a = with_data_paths(parse_config(raw_a, str(a), problems_a), a)
    cfg_b = with_data_paths(parse_config(raw_b, str(b), problems_b), b)
    if _files(cfg_a) != _files(cfg_b) or cfg_a.kolonner != cfg_b.kolonner:
        raise ConfigError(
            f"{b}: peger på andre inputfiler eller kolonner end {a}; sammenligningen regner "
            "begge modeller på de samme data – ret data og kolonner, så de er ens"
        )
    diff = [
        (p, vb)
        for p, _, vb in differences(raw_a, raw_b)
        if p.split(".")[0].split("[")[0] not in ("data", "kolonner")
    ]
    paths = [p for p, _ in diff]
    overrides = [Override(p, "–" if v is None else v) for p, v in diff]
    name = model_labels(a, b)[1]
    return cfg_a, Scenario(name, overrides, cfg_b, refolds(paths) if paths else False)
