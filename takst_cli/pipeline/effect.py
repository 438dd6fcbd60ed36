"""The realised effect of development courses (SPEC §4.7): per course, the weeks observed after
period 1 (the window of §4.3) against the citizen's granted weekly hours at the start."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from takst_cli.models import Col
from takst_cli.pipeline.reduction import ReductionEstimate

# Help counts as reduced when the weekly hours after the course are below this share of the
# granted hours at the start: delivered time scatters around the grant, so a band of 15 % is
# read as unchanged.
REDUCED_BELOW = 0.85

LEFT, REDUCED, SAME = "ophørt", "reduceret", "uændret eller øget"


@dataclass(frozen=True)
class EffectGroup:
    team: str | None  # None = all teams
    level: int | None  # None = all levels
    courses: int
    left: int
    reduced: int
    same: int
    hours_start: float  # mean granted hours/week at the start
    hours_after: float  # mean delivered hours/week after period 1
    cost_reduction: Decimal  # mean kr/week: stabilising tariff of the start level − cost after
    r: float | None  # 1 − Σ cost after / Σ counterfactual, for the group

    @property
    def hours_reduction(self) -> float:
        return self.hours_start - self.hours_after


def classify_courses(estimate: ReductionEstimate) -> pl.DataFrame:
    """Per course: weekly hours after, outcome (ophørt / reduceret / uændret eller øget)."""
    pc = estimate.per_course
    return pc.with_columns(
        (pl.col("timer_efter") / (pl.col(Col.DAYS) / 7)).alias("timer_uge_efter"),
    ).with_columns(
        pl.when(pl.col("timer_efter") == 0)
        .then(pl.lit(LEFT))
        .when(pl.col("timer_uge_efter") < REDUCED_BELOW * pl.col("timer_uge_start"))
        .then(pl.lit(REDUCED))
        .otherwise(pl.lit(SAME))
        .alias(Col.OUTCOME)
    )


def _mean(series: pl.Series) -> float:
    value = series.mean()
    return float(value) if isinstance(value, int | float) else 0.0


def _group(frame: pl.DataFrame, team: str | None, level: int | None) -> EffectGroup:
    n = frame.height
    outcomes = frame[Col.OUTCOME].to_list()
    cost = sum(frame["udgift_efter"].to_list(), Decimal(0))
    cf = sum(frame["kontrafaktisk"].to_list(), Decimal(0))
    weekly_cut = [
        (k - c) / (Decimal(d) / 7)
        for k, c, d in frame.select("kontrafaktisk", "udgift_efter", Col.DAYS).iter_rows()
    ]
    return EffectGroup(
        team=team,
        level=level,
        courses=n,
        left=outcomes.count(LEFT),
        reduced=outcomes.count(REDUCED),
        same=outcomes.count(SAME),
        hours_start=_mean(frame["timer_uge_start"]),
        hours_after=_mean(frame["timer_uge_efter"]),
        cost_reduction=sum(weekly_cut, Decimal(0)) / n if n else Decimal(0),
        r=float(1 - cost / cf) if cf else None,
    )


def effect_groups(estimate: ReductionEstimate) -> list[EffectGroup]:
    """Per team and start level, then per team, then all courses."""
    courses = classify_courses(estimate)
    out: list[EffectGroup] = []
    for (team,), by_team in courses.sort(Col.TEAM).group_by(Col.TEAM, maintain_order=True):
        for (level,), grp in by_team.sort(Col.LEVEL).group_by(Col.LEVEL, maintain_order=True):
            out.append(_group(grp, str(team), int(level)))  # type: ignore[call-overload]
        out.append(_group(by_team, str(team), None))
    out.append(_group(courses, None, None))
    return out
