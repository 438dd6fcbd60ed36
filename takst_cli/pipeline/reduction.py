"""The reduction r after a development course, estimated against the counterfactual (SPEC §4.3).

For development courses (of every development-art course type) whose period 1 ended inside the
data, the citizen's in-scope cost in
the weeks observed after period 1 (at most the type's efterperiode_uger, default its period) is
compared with what the stabilising tariff of the start level would have paid over those weeks:
r = 1 − Σ cost after / Σ (T(fastholdende, start level) × weeks observed after).
Weeks without any help count as cost 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from takst_cli.config import ModelConfig
from takst_cli.frames import column_rows, rows_frame
from takst_cli.models import Col, CourseType, Phase
from takst_cli.pipeline.costing import Pricer, sum_minutes
from takst_cli.pipeline.courses import P1_END


@dataclass(frozen=True)
class ReductionEstimate:
    courses: int  # development courses observed after period 1
    left_help: int  # of those, citizens with no help at all in the window
    weeks: Decimal  # citizen-weeks observed after period 1
    cost_after: Decimal  # kr, delivered
    counterfactual: Decimal  # kr, stabilising tariff of the start level over the same weeks
    skipped_no_tariff: int  # courses whose start level has no stabilising tariff
    # forloeb_id, team, niveau, timer_uge_start (granted h/week at the start), dage (window),
    # timer_efter (delivered hours in the window), udgift_efter, kontrafaktisk (Decimal kr)
    per_course: pl.DataFrame

    @property
    def r(self) -> float | None:
        if not self.counterfactual:
            return None
        return float(1 - self.cost_after / self.counterfactual)


def window_candidates(
    segments: pl.DataFrame, cfg: ModelConfig, period_end: dt.date
) -> pl.DataFrame:
    """The observation window after period 1 of each development course that ended in the data,
    known from the grants before any visit is read. Columns: forloeb_id, borger_id, team,
    visiterede_minutter_uge, efter_start, efter_slut, dage."""
    dev = [t for t in cfg.forloeb.types() if t.art == CourseType.UDVIKLENDE]
    window_days = pl.col(Col.FORLOEBSTYPE).replace_strict(
        {t.name: 7 * t.window_weeks for t in dev}, default=0, return_dtype=pl.Int64
    )
    return (
        segments.filter(
            pl.col(Col.FORLOEBSTYPE).is_in([t.name for t in dev])
            & (pl.col(Col.PHASE) == Phase.PERIODE_1.value)
            & (pl.col(P1_END) < pl.lit(period_end))
        )
        .sort(Col.COURSE_ID, Col.SEG_START)
        .group_by(Col.COURSE_ID, maintain_order=True)
        .agg(pl.col(Col.BORGER, Col.TEAM, Col.START_MINUTES, P1_END, Col.FORLOEBSTYPE).first())
        .select(
            Col.COURSE_ID,
            Col.BORGER,
            Col.TEAM,
            pl.col(Col.START_MINUTES).alias(Col.VISITERET_UGE),
            (pl.col(P1_END) + pl.duration(days=1)).alias(Col.WIN_START),
            pl.min_horizontal(
                pl.col(P1_END) + pl.duration(days=window_days), pl.lit(period_end)
            ).alias(Col.WIN_END),
        )
        .with_columns(
            ((pl.col(Col.WIN_END) - pl.col(Col.WIN_START)).dt.total_days() + 1).alias(Col.DAYS)
        )
    )


def after_windows(
    candidates: pl.DataFrame, segments: pl.DataFrame, cfg: ModelConfig
) -> pl.DataFrame:
    """The candidates whose course is still a development course once levels are known (not
    individual), with its start level. Adds niveau."""
    start = (
        segments.filter(pl.col(Col.PHASE) == Phase.PERIODE_1.value)
        .sort(Col.COURSE_ID, Col.SEG_START)
        .group_by(Col.COURSE_ID, maintain_order=True)
        .agg(pl.col(Col.START_LEVEL).first().alias(Col.LEVEL), pl.col(Col.TYPE).first())
    )
    return (
        candidates.join(start, on=Col.COURSE_ID)
        .filter(pl.col(Col.TYPE).is_in(cfg.forloeb.names_of(CourseType.UDVIKLENDE)))
        .drop(Col.TYPE)
    )


def estimate_reduction(
    windows: pl.DataFrame,
    in_scope: pl.DataFrame,
    pricer: Pricer,
    stabilising: dict[int, Decimal],
) -> ReductionEstimate:
    """r from the windows (after_windows) and the in-scope delivered facts of each window."""
    known = windows.filter(pl.col(Col.LEVEL).is_in(list(stabilising)))
    skipped = windows.height - known.height
    visits = in_scope.filter(pl.col(Col.WINDOW_ID).is_in(known[Col.COURSE_ID].to_list())).rename(
        {Col.WINDOW_ID: Col.COURSE_ID}
    )
    costs = pricer.price(sum_minutes(visits, [Col.COURSE_ID]), [Col.COURSE_ID])
    rows = []
    total_cost = total_cf = total_weeks = Decimal(0)
    left = 0
    for course_id, team, level, granted, days in column_rows(
        known.sort(Col.COURSE_ID), Col.COURSE_ID, Col.TEAM, Col.LEVEL, Col.VISITERET_UGE, Col.DAYS
    ):
        weeks = Decimal(days) / 7
        c = costs.get((course_id,))
        cost = pricer.basis(c)
        cf = stabilising[level] * weeks
        left += c is None
        total_cost += cost
        total_cf += cf
        total_weeks += weeks
        rows.append(
            (course_id, team, level, granted / 60, days, float(c.hours) if c else 0.0, cost, cf)
        )
    per_course = rows_frame(
        rows,
        {
            Col.COURSE_ID: pl.Int64,
            Col.TEAM: pl.String,
            Col.LEVEL: pl.Int64,
            "timer_uge_start": pl.Float64,
            Col.DAYS: pl.Int64,
            "timer_efter": pl.Float64,
            "udgift_efter": pl.Object,
            "kontrafaktisk": pl.Object,
        },
    )
    return ReductionEstimate(
        known.height, left, total_weeks, total_cost, total_cf, skipped, per_course
    )
