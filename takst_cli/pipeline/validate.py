"""Checks of a model file against the data it will run on (`takst valider --data`)."""

from __future__ import annotations

import difflib
import re

import polars as pl

from takst_cli.config import ModelConfig
from takst_cli.errors import Problem
from takst_cli.models import Col
from takst_cli.pipeline.ingest import Export
from takst_cli.pipeline.paragraphs import paragraph_forms
from takst_cli.pipeline.parse import scope_paragraphs


def _values(src: Export, column: str) -> dict[str, int]:
    with src.reading():
        counts = (
            src.frame.select(pl.col(column).str.strip_chars())
            .group_by(column)
            .len()
            .collect(engine="streaming")
        )
    return {v: n for v, n in counts.iter_rows() if v is not None}


def data_problems(
    cfg: ModelConfig, visits: Export, grants: Export
) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings): teams without a funding model, teams in the model missing from the
    data, staff groups without a price; paragraphs outside the model (their visits will be
    counted as out of scope)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    staff = {g.navn for g in cfg.timepris.faggrupper}
    for group, n in sorted(_values(visits, Col.FAGGRUPPE).items()):
        if group not in staff:
            errors.append(
                Problem(
                    f"{visits.name}, kolonne {visits.headers[Col.FAGGRUPPE]}",
                    f"faggruppen '{group}' ({n} rækker) har ingen timepris i timepris.faggrupper",
                )
            )
    teams = set(_values(visits, Col.TEAM)) | set(_values(grants, Col.TEAM))
    for team in sorted(teams):
        if not cfg.tildeling.has_model(team):
            errors.append(
                Problem(
                    "tildeling.teams",
                    f"teamet '{team}' fra data har ingen finansieringsmodel (og "
                    "der er ingen tildeling.standard)",
                )
            )
    for i, entry in enumerate(cfg.tildeling.teams):
        if entry.team is not None and entry.team not in teams:
            errors.append(Problem(f"tildeling.teams[{i}].team", _missing_team(entry.team, teams)))
    # compared in normal form ('SEL 83' is 'SEL §83'); a paragraph listed in
    # forloeb.uden_for_model is outside on purpose and no cause for a warning
    known = set(scope_paragraphs(cfg)) | set(cfg.forloeb.uden_for_model)
    counts = _values(visits, Col.PARAGRAF)
    forms = paragraph_forms(counts, cfg, visits.name)
    for paragraph, n in sorted(counts.items()):
        if forms[paragraph] not in known:
            warnings.append(
                Problem(
                    f"{visits.name}, kolonne {visits.headers[Col.PARAGRAF]}",
                    f"paragraffen '{paragraph}' ({n} rækker) er hverken med i en forløbstype "
                    "eller i forloeb.uden_for_model og tælles som uden for modellen",
                )
            )
    return errors, warnings


def _missing_team(name: str, teams: set[str]) -> str:
    """A team named in the model but not in the data: misspelled, the real team would silently
    fall to the default model and this one get a row of zeros. The nearest name is suggested."""
    by_folded = {t.casefold(): t for t in teams}
    near = difflib.get_close_matches(name.casefold(), sorted(by_folded), n=1, cutoff=0.6)
    hint = (
        f"; mente du '{by_folded[near[0]]}'?"
        if near
        else f"; teams i data: {', '.join(sorted(teams)[:10])}"
        if teams
        else ""
    )
    return f"teamet '{name}' findes ikke i data (leverancer eller visitationer){hint}"


def key_positions(text: str) -> dict[str, tuple[int, int]]:
    """Every key path of a model file's YAML text ('timepris.faggrupper[0].fravaer_andel', the
    form every Problem names) → the 1-based line and column where it is written; '' is the
    top. Read with the model loader (no aliases, no deep nesting); a text that is not YAML
    gives no positions (its own error carries the line)."""
    import yaml

    from takst_cli.config import _ModelLoader

    out: dict[str, tuple[int, int]] = {"": (1, 1)}

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    sub = f"{path}.{key.value}" if path else str(key.value)
                    out.setdefault(sub, (key.start_mark.line + 1, key.start_mark.column + 1))
                    walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                sub = f"{path}[{i}]"
                out.setdefault(sub, (item.start_mark.line + 1, item.start_mark.column + 1))
                walk(item, sub)

    loader = _ModelLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            walk(node, "")
    except Exception:  # noqa: BLE001 — not YAML (or refused): the load error says where
        return {"": (1, 1)}
    finally:
        loader.dispose()
    return out


_WRITTEN_AT = re.compile(r"\(linje (\d+)(?:, kolonne (\d+))?\)")
_KEY_PATH = re.compile(r"[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])*")


def locate(
    problem: Problem, positions: dict[str, tuple[int, int]]
) -> tuple[str, int | None, int | None]:
    """(key path, line, column) of a problem: a line the problem names itself (a YAML syntax
    error, a duplicate key), else the key's own place, else its nearest written parent's (a
    missing key is reported where its table is). A problem of a data file ('leverancer.csv,
    kolonne paragraf') has no place in the YAML: line and column None."""
    text = f"{problem.where} {problem.why}"
    key = problem.where if problem.where != "(roden)" else ""
    if (m := _WRITTEN_AT.search(problem.where)) or (m := _WRITTEN_AT.search(text)):
        key = _WRITTEN_AT.sub("", key).strip()
        return key, int(m[1]), int(m[2] or 1)
    if key and not _KEY_PATH.fullmatch(key):
        return "", None, None
    path = key
    while path not in positions:
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    line, column = positions[path]
    return key, line, column
