"""Checks of a model file against the data it will run on (`takst valider --data`)."""

from __future__ import annotations

import difflib

import polars as pl

from takst_cli.config import ModelConfig
from takst_cli.errors import Problem
from takst_cli.io.readers import SourceTable, reading
from takst_cli.models import Col
from takst_cli.pipeline.paragraphs import paragraph_forms
from takst_cli.pipeline.parse import scope_paragraphs


def _values(src: SourceTable, column: str) -> dict[str, int]:
    with reading(src.name):
        counts = (
            src.frame.select(pl.col(column).str.strip_chars())
            .group_by(column)
            .len()
            .collect(engine="streaming")
        )
    return {v: n for v, n in counts.iter_rows() if v is not None}


def data_problems(
    cfg: ModelConfig, visits: SourceTable, grants: SourceTable
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
