"""The plausibility gate (SPEC §3): after every run, a warning wherever the result looks like a
misreading — every tariff 0, a large share of the visits outside the model, a team on the
default model. Warnings are values; the CLI shows them, and `--streng` makes them fatal."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from takst_cli.config import FundingConfig, ModelConfig
from takst_cli.format import format_number, format_share
from takst_cli.models import REASON_EMPTY, REASON_PARAGRAPH, Col, Status
from takst_cli.pipeline.tariffs import TariffRow

OUTSIDE_COURSES = "uden for ethvert forløb"
OUTSIDE_TYPE = "paragraf uden for forløbstypen"
_SHOWN_PARAGRAPHS = 3


@dataclass(frozen=True)
class PlausibilityWarning:
    """One cause for doubt: a Danish sentence, and the visits (rows, hours) it concerns."""

    message: str
    rows: int | None = None
    hours: float | None = None


def _count(frame: pl.DataFrame) -> tuple[int, float]:
    return int(frame[Col.N_VISITS].sum() or 0), float(frame[Col.MINUTTER].sum() or 0)


def outside_share(
    cfg: ModelConfig,
    facts: pl.DataFrame,
    outside_courses: tuple[int, float],
    outside_type: tuple[int, float],
) -> PlausibilityWarning | None:
    """Delivered visits outside the model — shift or paragraph out of scope (not a paragraph
    listed in `forloeb.uden_for_model`), outside every course, or a paragraph outside its course
    type — above `advarsel_andel` of the delivered visits, by rows or by minutes.
    `outside_*` are (visits, minutes)."""
    # delivered: a cancelled visit outside the model's paragraphs has that as its reason
    valid = facts.filter(
        pl.col(Col.ERROR).is_null()
        & (pl.col(Col.STATUS) != Status.AFLYST)
        & pl.col(Col.REASON).ne_missing(REASON_EMPTY)
    )
    rows, minutes = _count(valid)
    if rows == 0:
        return None
    deliberate = pl.col(Col.PARAGRAF).is_in(cfg.forloeb.uden_for_model)
    out = valid.filter(
        pl.col(Col.REASON).is_not_null()
        & ~((pl.col(Col.REASON) == REASON_PARAGRAPH) & deliberate.fill_null(False))
    )
    parts: list[tuple[str, int, float]] = []
    for reason, n, m in (
        out.group_by(Col.REASON)
        .agg(pl.col(Col.N_VISITS).sum(), pl.col(Col.MINUTTER).sum())
        .sort(Col.REASON)
        .iter_rows()
    ):
        parts.append((str(reason), int(n), float(m or 0)))
    parts += [(OUTSIDE_COURSES, *outside_courses), (OUTSIDE_TYPE, *outside_type)]
    out_rows = sum(n for _, n, _ in parts)
    out_minutes = sum(m for _, _, m in parts)
    share_rows, share_minutes = out_rows / rows, (out_minutes / minutes if minutes else 0.0)
    limit = cfg.advarsel_andel
    if share_rows <= limit and share_minutes <= limit:
        return None
    named = ", ".join(f"{why} {format_number(n, 0)}" for why, n, _ in parts if n)
    paragraphs = (
        out.filter(pl.col(Col.REASON) == REASON_PARAGRAPH)
        .group_by(Col.PARAGRAF)
        .agg(pl.col(Col.N_VISITS).sum())
        .sort([Col.N_VISITS, Col.PARAGRAF], descending=[True, False])
        .head(_SHOWN_PARAGRAPHS)
    )
    seen = ", ".join(f"'{p}' {format_number(n, 0)}" for p, n in paragraphs.iter_rows())
    return PlausibilityWarning(
        f"{format_share(share_rows)} af de leverede besøg ({format_share(share_minutes)} af "
        f"minutterne) ligger uden for modellen, over grænsen på {format_share(limit)} "
        f"(advarsel_andel): {named}"
        + (f"; paragraffer uden for modellen: {seen}" if seen else "")
        + ". Kontrollér paragraffer (forloeb.*.paragraffer, forloeb.uden_for_model), vagternes "
        "klokkeslæt og borger-id'erne i de to filer",
        out_rows,
        out_minutes / 60,
    )


def all_tariffs_zero(rows: list[TariffRow]) -> PlausibilityWarning | None:
    """Every course tariff without a delivered krone behind it (overhead aside)."""
    if any(r.cost != 0 for r in rows):
        return None
    return PlausibilityWarning(
        "alle forløbstakster er 0 kr. (ud over overhead): ingen leverede besøg i modellen "
        "ligger i et forløb. Kontrollér paragraffer, vagternes klokkeslæt og at borger-id'erne "
        "er skrevet ens i leverancer og visitationer"
    )


def default_teams(
    funding: FundingConfig, facts: pl.DataFrame, teams: Iterable[str]
) -> list[PlausibilityWarning]:
    """Teams in the data that fall to the default model while `tildeling.teams` names others:
    most likely a misspelling on one side. Each names the nearest named team. (Without a
    default, such a team is an error wherever funding is computed.)"""
    named = [t.team for t in funding.teams if t.team]
    if not named or funding.standard is None:
        return []
    valid = facts.filter(pl.col(Col.ERROR).is_null())
    out = []
    for team in sorted(set(teams) - set(named)):
        rule = funding.of(team)
        nearest = difflib.get_close_matches(team, named, n=1, cutoff=0.0)
        n, minutes = _count(valid.filter(pl.col(Col.TEAM) == team))
        out.append(
            PlausibilityWarning(
                f"teamet '{team}' står ikke i tildeling.teams og får standardmodellen "
                f"({rule.model}, {rule.grundlag})"
                + (f"; nærmeste navn dér er '{nearest[0]}'" if nearest else "")
                + ". Ret stavningen, eller tilføj teamet under tildeling.teams",
                n,
                minutes / 60,
            )
        )
    return out


def check_plausibility(
    cfg: ModelConfig,
    facts: pl.DataFrame,
    tariff_rows: list[TariffRow],
    teams: Iterable[str],
    outside_courses: tuple[int, float],
    outside_type: tuple[int, float],
) -> list[PlausibilityWarning]:
    """Every warning of the gate, in a fixed order. `facts`: decoded visit facts; `teams`: the
    teams of the visits and the grants; `outside_*`: (visits, minutes) in scope but outside
    every course / outside their course type's paragraphs."""
    found = [
        all_tariffs_zero(tariff_rows),
        outside_share(cfg, facts, outside_courses, outside_type),
    ]
    return [w for w in found if w is not None] + default_teams(cfg.tildeling, facts, teams)
