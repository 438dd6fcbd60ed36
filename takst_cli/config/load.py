"""YAML text → ModelConfig: a strict YAML reader (sizes, depth, YAML 1.1 traps), pydantic's
errors in Danish with their key path, then the checks across keys."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    ValidationError,
)

from takst_cli.config.checks import semantic_problems
from takst_cli.config.courses import COURSE_OPTION_HOME
from takst_cli.config.model import ModelConfig
from takst_cli.config.values import AMBIGUOUS_NUMBER, SourceFloat, danish_number
from takst_cli.errors import ConfigError, Problem
from takst_cli.format import format_number

_PYDANTIC_DA = {
    "missing": "mangler",
    "extra_forbidden": "ukendt nøgle",
    "float_parsing": "skal være et tal",
    "float_type": "skal være et tal",
    "decimal_parsing": "skal være et tal",
    "decimal_type": "skal være et tal",
    "decimal_max_digits": "har for mange cifre",
    "decimal_max_places": "har for mange decimaler",
    "decimal_whole_digits": "har for mange cifre før kommaet",
    "finite_number": "skal være et endeligt tal (ikke .nan eller .inf)",
    "int_parsing": "skal være et heltal",
    "int_parsing_size": "er et for stort tal",
    "int_type": "skal være et heltal",
    "int_from_float": "skal være et heltal",
    "bool_parsing": "skal være true eller false",
    "bool_type": "skal være true eller false",
    "date_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_inexact": "skal være en dato uden klokkeslæt",
    "date_type": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "time_parsing": "skal være et klokkeslæt (TT:MM)",
    "time_type": "skal være et klokkeslæt (TT:MM)",
    "string_type": "skal være tekst",
    "string_too_short": "må ikke være tom",
    "string_too_long": "er for lang",
    "string_unicode": "skal være tekst",
    "list_type": "skal være en liste",
    "too_short": "har for få elementer",
    "too_long": "har for mange elementer",
    "dict_type": "skal være en tabel af nøgler og værdier",
    "model_type": "skal være en tabel af nøgler og værdier",
    "model_attributes_type": "skal være en tabel af nøgler og værdier",
    "enum": "ugyldig værdi",
    "literal_error": "ugyldig værdi",
    "path_type": "skal være en sti",
    "frozen_instance": "kan ikke ændres",
    "recursion_loop": "henviser til sig selv",
    # the bounds: the value in ctx is filled in by _translate
    "greater_than": "skal være større end {}",
    "greater_than_equal": "skal være mindst {}",
    "less_than": "skal være mindre end {}",
    "less_than_equal": "må højst være {}",
}
_BOUND = {
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
}


def _course_option_problem(loc: list[Any]) -> str | None:
    """An option under a course type that does not use it: say where it belongs."""
    if len(loc) == 3 and loc[0] == "forloeb" and loc[2] in COURSE_OPTION_HOME:
        home = COURSE_OPTION_HOME[str(loc[2])]
        if loc[1] != home:
            return (
                f"har ingen virkning under forloeb.{loc[1]}; {loc[2]} bruges kun under "
                f"forloeb.{home}"
            )
    return None


def _translate(err: dict[str, Any]) -> Problem:
    loc = [p for p in err["loc"] if p != "[key]"]
    path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc)
    path = path.replace(".[", "[")
    kind = err["type"]
    why = _PYDANTIC_DA.get(kind)
    ctx = err.get("ctx", {})
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        why = f"ugyldig værdi {err.get('input')!r}; forventet {expected}".replace(" or ", " eller ")
    elif kind == "value_error":
        why = str(ctx.get("error", "ugyldig værdi"))
    elif kind in _BOUND:
        bound = _PYDANTIC_DA[kind].format(danish_number(ctx.get(_BOUND[kind])))
        why = f"{bound}, fik {danish_number(err.get('input'))}"
    elif kind == "string_type" and isinstance(err.get("input"), int | float):
        why = f'skal være tekst, fik {err["input"]!r}; sæt anførselstegn om: "{err["input"]}"'
    elif kind == "extra_forbidden":
        why = _course_option_problem(loc) or "ukendt nøgle"
    elif why is None:  # a kind not in the table: still Danish, never pydantic's English
        why = f"ugyldig værdi {err.get('input')!r}"
    elif kind != "missing":
        why = f"{why}, fik {err.get('input')!r}"
    return Problem(path or "(roden)", why)


def parse_config(
    raw: Any, source: str = "modelfil", read_problems: list[Problem] | None = None
) -> ModelConfig:
    """Validate a loaded YAML document; raise ConfigError listing every problem: those found
    while reading the YAML (`read_problems`), the schema's and the meaning's, at once."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: modelfilen skal være en YAML-tabel af nøgler og værdier")
    problems = list(read_problems or [])
    refused = {p.where for p in problems}  # a value refused while reading: reported once
    cfg: ModelConfig | None = None
    rest: ModelConfig | None = None
    try:
        cfg = rest = ModelConfig.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        schema = [p for p in (_translate(e) for e in errors) if p.where not in refused]  # type: ignore[arg-type]
        problems += schema
        refused |= {p.where for p in schema}
        rest = _without_errors(raw, errors)  # the meaning of the rest is checked too
    if rest is not None:
        problems += [
            p
            for p in semantic_problems(rest)
            if not any(p.where.startswith(w) or w.startswith(p.where) for w in refused)
        ]
    if problems or cfg is None:
        raise ConfigError(f"{source}: modelfilen er ugyldig ({len(problems)} fejl)", problems)
    return cfg


def _without_errors(raw: dict[str, Any], errors: Any) -> ModelConfig | None:
    """The config without the values the schema refused (each dropped back to its default, or
    its parent dropped when it has none), so every problem of meaning is reported in the same
    run; None when nothing valid is left."""
    rest = copy.deepcopy(raw)
    locs = [tuple(p for p in e["loc"] if p != "[key]") for e in errors]
    for _ in range(4):
        for loc in locs:
            _drop(rest, loc)
        try:
            return ModelConfig.model_validate(rest)
        except ValidationError as exc:
            locs = [tuple(p for p in e["loc"] if p != "[key]")[:-1] for e in exc.errors()]
            if not all(locs):
                return None
    return None


def _drop(node: Any, loc: tuple[Any, ...]) -> None:
    for i, step in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and step in node:
            if last:
                del node[step]
                return
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node) and not last:
            node = node[step]
        else:
            return


# A real model file is 3-5 kB. The pure-Python YAML reader (needed to refuse aliases before they
# expand) takes seconds for a few hundred kB of dense YAML, so the limit is well below 1 MB.
MAX_MODEL_BYTES = 256_000
_MAX_DEPTH = 30  # a model file nests four or five levels


class _Refused(Exception):
    def __init__(self, why: str, mark: Any) -> None:
        super().__init__(why)
        self.why = why
        self.mark = mark


class _ModelLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (a model file has no need of them, and an alias
    bomb expands through them) and deep nesting, both before anything is built."""

    _depth = 0

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        # The scanner reads ahead through nested [ and { before the composer sees them, in
        # time growing with the square of the depth: stop at the bracket itself.
        if self.flow_level >= _MAX_DEPTH:
            raise _Refused(self._too_deep(), self.get_mark())
        super().fetch_flow_collection_start(token_class)  # type: ignore[misc]

    @staticmethod
    def _too_deep() -> str:
        return f"modelfilen er indlejret mere end {_MAX_DEPTH} niveauer dybt"

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _Refused(
                "modelfilen bruger et YAML-alias (*navn); en modelfil har ikke brug for aliasser "
                "– skriv værdien ud hvert sted",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                raise _Refused(self._too_deep(), self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_TAG = "tag:yaml.org,2002:"
_NON_FINITE = re.compile(r"^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")  # YAML 1.1 reads 012 as octal 10


class _Reader:
    """The YAML node tree → plain values, with every scalar judged by its source text and every
    mapping checked for duplicate keys. Problems carry the key path; a refused value is kept
    as its text, so the rest of the file is still checked."""

    def __init__(self, loader: _ModelLoader) -> None:
        self.loader = loader
        self.problems: list[Problem] = []

    def value(self, node: yaml.Node, path: str) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(n, f"{path}[{i}]") for i, n in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _TAG + "merge" or not isinstance(key_node, yaml.ScalarNode):
                where = path or "(roden)"
                self.problems.append(
                    Problem(f"{where} (linje {line})", "en nøgle skal være et enkelt navn")
                )
                continue
            key = self.loader.construct_object(key_node)
            key_path = f"{path}.{key}" if path else str(key)
            if key in lines:
                self.problems.append(
                    Problem(
                        key_path,
                        f"står to gange (linje {lines[key]} og linje {line}); "
                        "slet den ene – ellers gælder kun den sidste",
                    )
                )
                continue
            lines[key] = line
            out[key] = self.value(value_node, key_path)
        return out

    def scalar(self, node: yaml.ScalarNode, path: str) -> Any:
        text, tag, plain = node.value, node.tag, node.style is None
        if plain and AMBIGUOUS_NUMBER.match(text):
            digits = text.replace(".", "")
            yaml_reading = (
                f"YAML læser det som {danish_number(float(text))}"
                if text.count(".") == 1
                else "YAML læser det som tekst"
            )
            self.problems.append(
                Problem(
                    path,
                    f"'{text}' er tvetydigt: {yaml_reading}, med dansk tusindtalspunktum er det "
                    f'{danish_number(int(digits))}; skriv {digits} (uden punktum) eller "{text},0"',
                )
            )
            return text
        if tag == _TAG + "int":
            if ":" in text:  # YAML 1.1 sexagesimal: 23:00 is 1380; keep it as written
                return text
            if _LEADING_ZERO.match(text):
                self.problems.append(
                    Problem(path, f"'{text}' har et foranstillet 0; skriv tallet uden det")
                )
                return text
        if tag == _TAG + "float":
            if _NON_FINITE.match(text):
                self.problems.append(
                    Problem(path, f"skal være et endeligt tal, ikke {text} (uendelig/ikke et tal)")
                )
                return text
            if ":" in text:
                return text
            number = SourceFloat(self.loader.construct_object(node))
            number.text = text
            return number
        if tag == _TAG + "timestamp":
            try:
                return self.loader.construct_object(node)
            except ValueError:
                self.problems.append(Problem(path, f"ugyldig dato '{text}' (den dag findes ikke)"))
                return text
        return self.loader.construct_object(node)


def read_model_yaml(text: str, source: str) -> tuple[Any, list[Problem]]:
    """The model file's YAML as plain values and the problems found reading it."""
    loader: _ModelLoader | None = None
    try:
        loader = _ModelLoader(text)  # checks the characters already
        node = loader.get_single_node()
        if node is None:
            return None, []
        reader = _Reader(loader)
        return reader.value(node, ""), reader.problems
    except _Refused as exc:
        mark = exc.mark
        raise ConfigError(
            f"{source} (linje {mark.line + 1}, kolonne {mark.column + 1}): {exc.why}"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        if isinstance(exc, yaml.reader.ReaderError):  # a control character: say which
            where = f" (tegn nr. {exc.position + 1}, kode {exc.character!r})"
        raise ConfigError(f"{source}{where}: modelfilen er ikke gyldig YAML") from None
    finally:
        if loader is not None:
            loader.dispose()


def _size(n: int) -> str:
    return f"{format_number(n / 1e6, 1)} MB" if n >= 1_000_000 else f"{n // 1000} kB"


def load_config(path: Path) -> ModelConfig:
    """Read and validate a model file; data paths become absolute, relative to the file."""
    raw, problems = read_model_file(path)
    return with_data_paths(parse_config(raw, str(path), problems), path)


def read_model_file(path: Path) -> tuple[Any, list[Problem]]:
    """A model file's YAML as plain values and the problems found reading it; not validated."""
    if not path.exists():
        raise ConfigError(f"{path}: modelfilen findes ikke")
    if path.is_dir():
        raise ConfigError(f"{path}: er en mappe; angiv selve modelfilen (en .yaml-fil)")
    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise ConfigError(
            f"{path}: filen fylder {_size(size)}; en modelfil fylder højst "
            f"{_size(MAX_MODEL_BYTES)} – er det den rigtige fil?"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: modelfilen er ikke gemt som UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: modelfilen kan ikke læses ({exc.strerror})") from None
    raw, problems = read_model_yaml(text, str(path))
    if raw is None:
        raise ConfigError(f"{path}: modelfilen er tom")
    return raw, problems


def with_data_paths(cfg: ModelConfig, path: Path) -> ModelConfig:
    """The model's data paths made absolute, relative to the model file at `path`."""
    base = path.resolve().parent
    data = cfg.data.model_copy(
        update={
            "leverancer": base / cfg.data.leverancer if cfg.data.leverancer else None,
            "visitationer": base / cfg.data.visitationer if cfg.data.visitationer else None,
            "budget": base / cfg.data.budget if cfg.data.budget else None,
        }
    )
    return cfg.model_copy(update={"data": data})
