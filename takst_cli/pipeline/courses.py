"""Courses: grant rows → course segments (period 1 / after-phase) with days, type and level.
(Visits find their segment in the facts fold, pipeline/facts.py.)"""

from __future__ import annotations

import datetime as dt

import polars as pl

from takst_cli.config import Band, ModelConfig
from takst_cli.models import Col, CourseType, Phase

SEG_START = "seg_start"
SEG_END = "seg_end"
P1_END = "periode1_slut"
SEGMENT_ID = "segment_id"


def derive_course_types(grants: pl.DataFrame, cfg: ModelConfig) -> pl.DataFrame:
    """Fill a missing course type by rule: above the individual threshold → individuel; a
    citizen's first grant that starts inside the data is a new citizen → udviklende; else
    fastholdende."""
    threshold_min = cfg.forloeb.individual_threshold * 60
    return grants.sort([Col.BORGER, Col.START_DATO, Col.ROW]).with_columns(
        pl.coalesce(
            pl.col(Col.FORLOEBSTYPE),
            pl.when(pl.col(Col.VISITERET_UGE) > threshold_min)
            .then(pl.lit(CourseType.INDIVIDUEL))
            .when(
                (pl.col(Col.BORGER).cum_count().over(Col.BORGER) == 1)
                & (pl.col(Col.START_DATO) >= pl.col("_period_start"))
            )
            .then(pl.lit(CourseType.UDVIKLENDE))
            .otherwise(pl.lit(CourseType.FASTHOLDENDE)),
        ).alias(Col.FORLOEBSTYPE)
    )


def build_segments(
    grants: pl.DataFrame, cfg: ModelConfig, period: tuple[dt.date, dt.date]
) -> pl.DataFrame:
    """One row per course segment inside the data period.

    A development course splits into period 1 (its first periode_uger × 7 days) and the
    after-phase; other courses are one segment. Open ends run to the period end.
    Columns: forloeb_id, segment_id, borger_id, team, forloebstype, fase, start_dato,
    periode1_slut, seg_start, seg_end (Date, both included), dage (days), visiterede_minutter_uge.
    """
    p_start, p_end = period
    p1_weeks = cfg.forloeb.udviklende.periode_uger
    courses = (
        derive_course_types(grants.with_columns(pl.lit(p_start).alias("_period_start")), cfg)
        .drop("_period_start")
        .with_columns(
            pl.col(Col.ROW).alias(Col.COURSE_ID),
            pl.coalesce(pl.col(Col.SLUT_DATO), pl.lit(p_end)).alias("_end"),
            (pl.col(Col.START_DATO) + pl.duration(days=7 * p1_weeks - 1)).alias(P1_END),
        )
    )
    dev = pl.col(Col.FORLOEBSTYPE) == CourseType.UDVIKLENDE
    p1 = courses.filter(dev).with_columns(
        pl.lit(Phase.PERIODE_1.value).alias(Col.PHASE),
        pl.col(Col.START_DATO).alias(SEG_START),
        pl.min_horizontal(P1_END, "_end").alias(SEG_END),
    )
    after = courses.filter(dev).with_columns(
        pl.lit(Phase.EFTER.value).alias(Col.PHASE),
        (pl.col(P1_END) + pl.duration(days=1)).alias(SEG_START),
        pl.col("_end").alias(SEG_END),
    )
    whole = courses.filter(~dev).with_columns(
        pl.lit(Phase.HELE.value).alias(Col.PHASE),
        pl.col(Col.START_DATO).alias(SEG_START),
        pl.col("_end").alias(SEG_END),
    )
    segments = (
        pl.concat([p1, after, whole])
        .with_columns(
            pl.max_horizontal(SEG_START, pl.lit(p_start)).alias(SEG_START),
            pl.min_horizontal(SEG_END, pl.lit(p_end)).alias(SEG_END),
        )
        .with_columns(((pl.col(SEG_END) - pl.col(SEG_START)).dt.total_days() + 1).alias(Col.DAYS))
        .filter(pl.col(Col.DAYS) > 0)
    )
    return (
        segments.sort([Col.COURSE_ID, SEG_START])
        .with_row_index(SEGMENT_ID)
        .select(
            Col.COURSE_ID,
            SEGMENT_ID,
            Col.BORGER,
            Col.TEAM,
            Col.FORLOEBSTYPE,
            Col.PHASE,
            Col.START_DATO,
            P1_END,
            SEG_START,
            SEG_END,
            Col.DAYS,
            Col.VISITERET_UGE,
        )
    )


def overlap_days(first: dt.date, last: dt.date) -> pl.Expr:
    """Days of a segment inside [first, last], both included (negative when apart)."""
    lo = pl.max_horizontal(SEG_START, pl.lit(first))
    hi = pl.min_horizontal(SEG_END, pl.lit(last))
    return (hi - lo).dt.total_days() + 1


def level_expr(hours: pl.Expr, bands: list[Band]) -> pl.Expr:
    """The level of weekly hours by the bands [fra, til)."""
    expr: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for band in reversed(bands):
        inside = hours >= band.fra
        if band.til is not None:
            inside = inside & (hours < band.til)
        expr = pl.when(inside).then(pl.lit(band.niveau, dtype=pl.Int64)).otherwise(expr)
    return expr


def assign_levels(
    segments: pl.DataFrame, delivered_minutes: pl.DataFrame, cfg: ModelConfig
) -> pl.DataFrame:
    """Weekly hours, level and effective course type per segment.

    Granted basis: the grant's minutes per week / 60. Delivered basis: the in-scope delivered
    minutes of the segment per course week / 60. A development course keeps the level of its
    period 1 in its after-phase (its start level). Above the individual threshold the course is
    individuel whatever its grant says. `delivered_minutes` has segment_id, minutter.
    Adds timer_uge (hours/week), niveau, type.
    """
    seg = segments.join(delivered_minutes, on=SEGMENT_ID, how="left").with_columns(
        pl.col(Col.MINUTTER).fill_null(0.0)
    )
    if cfg.niveauer.grundlag == "visiteret":
        hours = pl.col(Col.VISITERET_UGE) / 60
    else:
        hours = pl.col(Col.MINUTTER) / 60 / (pl.col(Col.DAYS) / 7)
    seg = seg.with_columns(hours.alias(Col.HOURS_WEEK))
    start_hours = seg.filter(pl.col(Col.PHASE) != Phase.EFTER.value).select(
        Col.COURSE_ID, pl.col(Col.HOURS_WEEK).alias("_start_hours")
    )
    seg = seg.join(start_hours, on=Col.COURSE_ID, how="left").with_columns(
        pl.coalesce("_start_hours", Col.HOURS_WEEK).alias(Col.HOURS_WEEK)
    )
    individual = pl.col(Col.HOURS_WEEK) > cfg.forloeb.individual_threshold
    return (
        seg.with_columns(
            level_expr(pl.col(Col.HOURS_WEEK), cfg.niveauer.bands()).alias(Col.LEVEL),
            pl.when(individual)
            .then(pl.lit(CourseType.INDIVIDUEL.value))
            .otherwise(pl.col(Col.FORLOEBSTYPE))
            .alias(Col.TYPE),
        )
        .with_columns(
            # An individual course has no after-phase: its whole span is one segment's worth.
            pl.when(
                (pl.col(Col.TYPE) == CourseType.INDIVIDUEL.value)
                & (pl.col(Col.FORLOEBSTYPE) == CourseType.UDVIKLENDE.value)
            )
            .then(pl.lit(Phase.HELE.value))
            .otherwise(pl.col(Col.PHASE))
            .alias(Col.PHASE)
        )
        .drop("_start_hours", Col.MINUTTER)
    )
