"""Courses: the grant history → courses → segments with days, type, phase, team and granted
minutes. (Visits find their segment in the facts fold, pipeline/facts.py.)

A course is a citizen's continuous stay in one course type, never a row: on each day the
citizen's granted minutes per week are the sum over the rows that cover the day, and
consecutive or overlapping rows of one course type form one course. The work is done on
'pieces' — the citizen's days cut at every row's start and end, so that the rows covering a
piece are the same on all its days — never day by day, so it costs the same whether a course
comes as one row or as two hundred revisions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from takst_cli.config import Band, LevelsConfig, ModelConfig, dev_paragraph_owners
from takst_cli.models import (
    ERR_FUNCTION,
    ERR_GRANT_COPY,
    ERR_GRANT_OVERLAP,
    ERR_NO_FUNCTION,
    Col,
    CourseType,
    Phase,
)
from takst_cli.pipeline.paragraphs import paragraph_forms

P1_END = "periode1_slut"
# development course takes the days it covers (the citizen's other services on those days count
# in it), then an individual course, then a stabilising one; between types of one art, the
# first in the model file (config.CourseSpec.code). Code 0: the rows say nothing (by rule).
_CODE = pl.Int16


def _codes(cfg: ModelConfig) -> dict[str, int]:
    return {t.name: t.code for t in cfg.forloeb.types()}


def read_function_levels(grants: pl.DataFrame, cfg: ModelConfig) -> pl.DataFrame:
    """The grants' function level (funktionsevne) as its level 0-4 — written as a number (3,
    "3,0") or a label (FSIII's names, or the model file's funktionsevne_etiketter) — where a
    course type groups by it; a row without a readable level is then invalid. Otherwise the
    column is left empty (null): it is not read."""
    if not cfg.uses_function_level():
        return grants.with_columns(pl.lit(None, dtype=pl.Int64).alias(Col.FUNKTIONSEVNE))
    labels: dict[str, int] = {}
    for t in cfg.forloeb.types():
        labels.update(cfg.levels_of(t.name).function_labels())
    text = pl.col(Col.FUNKTIONSEVNE).str.strip_chars()
    number = text.str.replace(r"^([0-4])(?:[.,]0+)?$", "$1")
    level = (
        pl.when(number.str.contains(r"^[0-4]$"))
        .then(number.cast(pl.Int64, strict=False))
        .otherwise(
            text.str.to_lowercase().replace_strict(labels, default=None, return_dtype=pl.Int64)
        )
    )
    ok = pl.col(Col.ERROR).is_null()
    missing = ok & (text.is_null() | (text == ""))
    unreadable = ok & ~missing & level.is_null()
    return grants.with_columns(
        pl.when(missing)
        .then(pl.lit(ERR_NO_FUNCTION))
        .when(unreadable)
        .then(pl.lit(ERR_FUNCTION))
        .otherwise(pl.col(Col.ERROR))
        .alias(Col.ERROR),
        pl.when(missing)
        .then(pl.lit(Col.FUNKTIONSEVNE))
        .when(unreadable)
        .then(pl.col(Col.FUNKTIONSEVNE))
        .otherwise(pl.col(Col.ERROR_VALUE))
        .alias(Col.ERROR_VALUE),
        level.alias(Col.FUNKTIONSEVNE),
    )


def _marked(grants: pl.DataFrame, bad: pl.DataFrame, why: str, how: str) -> pl.DataFrame:
    """`grants` with the rows of `bad` (row, _other) invalid for `why`, naming the other row."""
    if bad.height == 0:
        return grants
    hit = grants.join(bad, on=Col.ROW, how="left")
    found = pl.col("_other").is_not_null() & pl.col(Col.ERROR).is_null()
    return hit.with_columns(
        pl.when(found).then(pl.lit(why)).otherwise(pl.col(Col.ERROR)).alias(Col.ERROR),
        pl.when(found)
        .then(pl.format(how, "_other"))
        .otherwise(pl.col(Col.ERROR_VALUE))
        .alias(Col.ERROR_VALUE),
    ).drop("_other")


def mark_grant_copies(grants: pl.DataFrame) -> pl.DataFrame:
    """Mark identical grant rows (all fields but the row number) and, where the export names
    the service, rows overlapping an earlier row of the same service (an unended revision),
    as invalid rows naming the other row: a copy is not twice the grant.

    Both checks hash the row's fields to find candidates fast on a long history; a hash
    collision can only propose a pair, which is then compared field by field."""
    fields = [c for c in grants.columns if c not in (Col.ROW, Col.ERROR, Col.ERROR_VALUE)]
    valid = grants.filter(pl.col(Col.ERROR).is_null())
    # candidates on a few cheap fields first; a copy agrees on all of them
    cheap = [Col.BORGER, Col.START_DATO, Col.SLUT_DATO, Col.VISITERET_UGE]
    copies = valid.filter(pl.struct(cheap).hash().is_duplicated()).filter(
        pl.struct(fields).is_duplicated()
    )
    if copies.height:
        first = copies.group_by(fields).agg(pl.col(Col.ROW).min().alias("_other"))
        bad = copies.join(first, on=fields, nulls_equal=True).filter(
            pl.col(Col.ROW) != pl.col("_other")
        )
        grants = _marked(
            grants, bad.select(Col.ROW, "_other"), ERR_GRANT_COPY, "samme som række {}"
        )
    if grants[Col.INDSATS].drop_nulls().len() == 0:
        return grants
    service = [Col.BORGER, Col.INDSATS, Col.PARAGRAF, Col.FORLOEBSTYPE, Col.GIVEN_COURSE]
    rows = grants.filter(pl.col(Col.ERROR).is_null() & pl.col(Col.INDSATS).is_not_null())
    # Sorted by service and start, each service's rows get their own band of day numbers
    # (service number × 2^22 + day), so running maxima over the whole column stay inside a
    # service without a window per service: the row whose end reaches furthest so far is the
    # one a later row overlaps when it starts on or before that end.
    band = 1 << 22  # more than the days from 1970 to 9999
    day = pl.col(Col.START_DATO).cast(pl.Int64)
    end = pl.col(Col.SLUT_DATO).fill_null(dt.date.max).cast(pl.Int64)
    ordered = rows.select(
        Col.ROW, pl.struct(service).hash().alias("_h"), day.alias("_s"), end.alias("_e")
    ).sort("_h", "_s", Col.ROW)
    offset = (pl.col("_h") != pl.col("_h").shift(1)).fill_null(True).cum_sum() * band
    reach = (pl.col("_e") + offset).cum_max()
    candidates = (
        ordered.with_columns(offset.alias("_o"))
        .with_columns(reach.alias("_reach"))
        .with_columns(
            pl.when(pl.col("_e") + pl.col("_o") == pl.col("_reach"))
            .then(pl.col(Col.ROW))
            .forward_fill()
            .alias("_holder")
        )
        .with_columns(
            (pl.col("_h") == pl.col("_h").shift(1)).alias("_same"),
            pl.col("_reach").shift(1).alias("_prev_reach"),
            pl.col("_holder").shift(1).alias("_other"),
        )
        .filter(pl.col("_same") & (pl.col("_s") + pl.col("_o") <= pl.col("_prev_reach")))
        .select(Col.ROW, "_other")
    )
    keys = grants.select(Col.ROW, *service)
    bad = (
        candidates.join(keys, on=Col.ROW)
        .join(keys, left_on="_other", right_on=Col.ROW, suffix="_o")
        .filter(pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"{c}_o")) for c in service))
        .select(Col.ROW, "_other")
    )
    return _marked(grants, bad, ERR_GRANT_OVERLAP, "overlapper række {}")


@dataclass(frozen=True)
class Courses:
    """The course segments and what forming them did, for the data-quality report."""

    segments: pl.DataFrame
    courses: int  # courses with days in the data period
    joined: int  # rows that continued a course an earlier row began
    overlaps: int  # rows overlapping a row of another course type, resolved by priority
    bridged: int  # gaps of at most forloeb.sammenhaeng_dage days bridged


def _merge_revisions(rows: pl.DataFrame) -> pl.DataFrame:
    """Revisions that change nothing joined: a row that starts the day after the row before it
    ends, with the same citizen, team, course id, type and minutes, extends that row. Only
    strictly consecutive rows are joined (two concurrent equal services stay two), so every
    day's sum is unchanged — and the rest of the work is done on a history of the size of its
    changes, not of its reviews. Adds _n: the rows joined (the first keeps its row number)."""
    same = [Col.BORGER, Col.TEAM, Col.GIVEN_COURSE, "_prio", Col.VISITERET_UGE, Col.FUNKTIONSEVNE]
    ordered = rows.sort([*same, Col.START_DATO, "_end", Col.ROW], nulls_last=True)
    follows = pl.all_horizontal(
        *[pl.col(c).eq_missing(pl.col(c).shift(1)) for c in same],
        pl.col(Col.START_DATO) == pl.col("_end").shift(1) + pl.duration(days=1),
    ).fill_null(False)
    return (
        ordered.with_columns((~follows).cum_sum().alias("_g"))
        .group_by("_g", maintain_order=True)
        .agg(
            pl.col(Col.ROW).min(),
            pl.col(*same).first(),
            pl.col(Col.START_DATO).first(),
            pl.col("_end").last(),
            pl.len().alias("_n"),
        )
        .drop("_g")
    )


def _pieces(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The citizens' days cut at every row's start and day after its end: pieces (borger_id,
    _k, _a, _b: first and last day, both included) and which rows cover each piece (row, _k).
    A row covers a run of consecutive pieces, so the pairs are few."""
    day = pl.duration(days=1)
    bounds = (
        pl.concat(
            [
                rows.select(Col.BORGER, pl.col(Col.START_DATO).alias("_d")),
                rows.select(Col.BORGER, (pl.col("_end") + day).alias("_d")),
            ]
        )
        .unique()
        .sort(Col.BORGER, "_d")
        .with_columns(
            pl.int_range(pl.len()).over(Col.BORGER).alias("_k"),
            pl.col("_d").shift(-1).over(Col.BORGER).alias("_next"),
        )
    )
    pieces = bounds.filter(pl.col("_next").is_not_null()).select(
        Col.BORGER, "_k", pl.col("_d").alias("_a"), (pl.col("_next") - day).alias("_b")
    )
    at = bounds.select(Col.BORGER, "_d", "_k")
    pairs = (
        rows.with_columns((pl.col("_end") + day).alias("_after"))
        .join(at.rename({"_d": Col.START_DATO, "_k": "_k0"}), on=[Col.BORGER, Col.START_DATO])
        .join(at.rename({"_d": "_after", "_k": "_k1"}), on=[Col.BORGER, "_after"])
        .with_columns(pl.int_ranges("_k0", "_k1").alias("_k"))
        .explode("_k")
        .drop("_k0", "_k1", "_after")
    )
    return pieces, pairs


def build_courses(
    grants: pl.DataFrame,
    cfg: ModelConfig,
    period: tuple[dt.date, dt.date],
    source: str = "visitationer",
) -> Courses:
    """Courses from the grant history (valid rows), cut into segments inside the data period.

    On each piece of days the granted minutes per week are the sum over the rows covering it;
    its course type is the highest-priority type of those rows (a row of a development
    paragraph counts as a development row; a row without a type says nothing). Consecutive
    pieces of one type form a course — pieces saying nothing continue the course before them —
    until the type changes or the grants stop (gaps of at most `sammenhaeng_dage` bridged: the
    bridged days keep the grant of the day before). A mapped course id defines courses
    directly. A course that says nothing of its type is individual above the threshold on its
    first day, a development course when the citizen had no grant in the `ny_borger_dage`
    before it (and it starts in the period), else stabilising.

    A segment is a run of a course's days with one phase, team and granted minutes: a
    development course's period 1 is its first periode_uger × 7 days, the rest its
    after-phase. Columns: forloeb_nr, segment_id, borger_id, team, forloebstype, fase,
    start_dato (course start), periode1_slut, seg_start, seg_end (Date, both included), dage,
    visiterede_minutter_uge (granted minutes/week on the segment), start_minutter_uge (on the
    course's first day), funktionsevne and start_funktionsevne (the function level 0-4 of the
    winning row, on the segment and on the course's first day; null unless a course type
    groups by it — read_function_levels).
    """
    p_start, p_end = period
    fc = cfg.forloeb
    type_codes = _codes(cfg)
    owners = dev_paragraph_owners(fc)
    # the export's spellings of each development paragraph → the code of the type it makes
    spelled = paragraph_forms(grants[Col.PARAGRAF].drop_nulls().unique().to_list(), cfg, source)
    dev_rows = {p: type_codes[owners[form]] for p, form in spelled.items() if form in owners}
    given = pl.col(Col.FORLOEBSTYPE).replace_strict(type_codes, default=None, return_dtype=_CODE)
    rows = (
        grants.with_columns(
            pl.min_horizontal(pl.col(Col.SLUT_DATO).fill_null(p_end), pl.lit(p_end)).alias("_end"),
            pl.coalesce(
                given,
                pl.col(Col.PARAGRAF).replace_strict(dev_rows, default=None, return_dtype=_CODE),
                pl.lit(0, dtype=_CODE),
            ).alias("_prio"),
        )
        .filter(pl.col("_end") >= pl.col(Col.START_DATO))
        .select(
            Col.ROW,
            Col.BORGER,
            Col.TEAM,
            Col.GIVEN_COURSE,
            Col.START_DATO,
            "_end",
            "_prio",
            Col.VISITERET_UGE,
            Col.FUNKTIONSEVNE,
        )
    )
    # texts as integer codes while the history is sorted and grouped, decoded at the end
    texts = [Col.BORGER, Col.TEAM, Col.GIVEN_COURSE]
    decode = {c: rows[c].unique().drop_nulls().sort() for c in texts}  # code i → text i
    coded = rows
    for c in texts:
        numbered = pl.DataFrame({c: decode[c], "_code": pl.int_range(decode[c].len(), eager=True)})
        coded = coded.join(numbered, on=c, how="left").drop(c).rename({"_code": c})
    rows = _merge_revisions(
        coded.select(
            Col.ROW, *texts, Col.START_DATO, "_end", "_prio", Col.VISITERET_UGE, Col.FUNKTIONSEVNE
        )
    )
    pieces, pairs = _pieces(rows)
    # Per piece: the summed minutes; type, team, course id and function level of the row that
    # wins the day
    # (highest priority, then the latest start, then the first row).
    covered = (
        pairs.sort(
            [Col.BORGER, "_k", "_prio", Col.START_DATO, Col.ROW],
            descending=[False, False, True, True, False],
        )
        .group_by(Col.BORGER, "_k", maintain_order=True)
        .agg(
            pl.col(Col.VISITERET_UGE).sum(),
            pl.col("_prio").first(),
            pl.col(Col.TEAM).first(),
            pl.col(Col.GIVEN_COURSE).first(),
            pl.col(Col.FUNKTIONSEVNE).first(),
            pl.col("_prio").n_unique().alias("_kinds"),
        )
    )
    by_citizen = Col.BORGER
    p = pieces.join(covered, on=[Col.BORGER, "_k"], how="left").sort(Col.BORGER, "_k")
    gap = pl.col("_kinds").is_null()
    days = (pl.col("_b") - pl.col("_a")).dt.total_days() + 1
    prev_prio = pl.col("_prio").shift(1).over(by_citizen)
    next_prio = pl.col("_prio").shift(-1).over(by_citizen)
    same_ref = (
        pl.col(Col.GIVEN_COURSE)
        .shift(1)
        .over(by_citizen)
        .eq_missing(pl.col(Col.GIVEN_COURSE).shift(-1).over(by_citizen))
    )
    p = p.with_columns(
        (gap & (days <= fc.sammenhaeng_dage) & (prev_prio == next_prio) & same_ref).alias(
            "_bridged"
        )
    )
    bridged = int(p["_bridged"].sum())
    filled = [Col.VISITERET_UGE, "_prio", Col.TEAM, Col.GIVEN_COURSE, Col.FUNKTIONSEVNE]
    p = (
        p.with_columns(
            # a bridged gap keeps the grant of the day before it; covered pieces keep their own
            pl.when(pl.col("_bridged"))
            .then(pl.col(c).forward_fill().over(by_citizen))
            .otherwise(pl.col(c))
            for c in filled
        )
        .filter(~gap | pl.col("_bridged"))
        .with_columns(
            (pl.col("_a") != pl.col("_b").shift(1).over(by_citizen) + pl.duration(days=1))
            .fill_null(True)
            .alias("_new_stay")
        )
        .with_columns(pl.col("_new_stay").cum_sum().alias("_stay"))
        # a piece whose rows say nothing continues the type of the stay before it
        .with_columns(
            pl.when(pl.col("_prio") > 0)
            .then(pl.col("_prio"))
            .forward_fill()
            .over("_stay")
            .fill_null(0)
            .alias("_t")
        )
    )
    changed_type = pl.col("_t") != pl.col("_t").shift(1).over(by_citizen)
    changed_ref = pl.col(Col.GIVEN_COURSE).ne_missing(
        pl.col(Col.GIVEN_COURSE).shift(1).over(by_citizen)
    )
    new_course = (
        pl.when(pl.col(Col.GIVEN_COURSE).is_not_null())
        .then(changed_ref)
        .otherwise(pl.col("_new_stay") | changed_type | changed_ref)
        .fill_null(True)
    )
    # a course id of the export is one course wherever its days lie; other courses are runs
    run = pl.col("_nc").cum_sum()
    given = pl.col(Col.GIVEN_COURSE).is_not_null()
    key = pl.struct(
        pl.col(Col.BORGER).alias("c"),
        pl.when(given).then(pl.col(Col.GIVEN_COURSE)).cast(pl.Int64).alias("id"),
        pl.when(~given).then(run).cast(pl.Int64).alias("run"),
    )
    p = p.with_columns(new_course.alias("_nc")).with_columns(
        (key.rank("dense") - 1).cast(pl.Int64).alias(Col.COURSE_ID)
    )
    courses = _course_types(p, cfg, p_start)
    segments = _segments(p.join(courses, on=Col.COURSE_ID), cfg, period)
    for c in (Col.BORGER, Col.TEAM):
        codes = pl.Series(range(decode[c].len()), dtype=pl.Int64)
        segments = segments.with_columns(pl.col(c).replace_strict(codes, decode[c]))
    first_piece = pairs.group_by(Col.ROW).agg(pl.col(Col.BORGER).first(), pl.col("_k").min())
    starts = first_piece.join(p.select(Col.BORGER, "_k", Col.COURSE_ID), on=[Col.BORGER, "_k"])
    # a merged revision's later rows continued its first; its first row may continue a course
    joined = (
        int(rows["_n"].sum())
        - rows.height
        + (
            starts.join(rows.select(Col.ROW, Col.START_DATO), on=Col.ROW)
            .join(courses.select(Col.COURSE_ID, "_cstart"), on=Col.COURSE_ID)
            .filter(pl.col(Col.START_DATO) > pl.col("_cstart"))
            .height
        )
    )
    # the rows as exported (before revisions were joined) that cover a day of mixed types
    mixed = covered.filter(pl.col("_kinds") > 1).join(pieces, on=[Col.BORGER, "_k"])
    overlaps = (
        coded.select(Col.ROW, Col.BORGER, Col.START_DATO, "_end")
        .join(mixed.select(Col.BORGER, "_a", "_b"), on=Col.BORGER)
        .filter((pl.col(Col.START_DATO) <= pl.col("_b")) & (pl.col("_end") >= pl.col("_a")))[
            Col.ROW
        ]
        .n_unique()
    )
    return Courses(
        segments,
        segments[Col.COURSE_ID].n_unique(),
        joined,
        overlaps,
        bridged,
    )


def _course_types(pieces: pl.DataFrame, cfg: ModelConfig, p_start: dt.date) -> pl.DataFrame:
    """Per course: its start, first day's minutes and type (given, or by rule)."""
    fc = cfg.forloeb
    c = pieces.group_by(Col.COURSE_ID, maintain_order=True).agg(
        pl.col(Col.BORGER).first(),
        pl.col("_a").first().alias("_cstart"),
        pl.col("_b").last().alias("_cend"),
        pl.col(Col.VISITERET_UGE).first().alias(Col.START_MINUTES),
        pl.col(Col.FUNKTIONSEVNE).first().alias(Col.START_FUNCTION),
        pl.col("_t").max(),
    )
    prev_end = pl.col("_cend").shift(1).over(Col.BORGER)
    new_citizen = (pl.col("_cstart") >= pl.lit(p_start)) & (
        prev_end.is_null() | (prev_end < pl.col("_cstart") - pl.duration(days=fc.ny_borger_dage))
    )
    derived = (
        pl.when(pl.col(Col.START_MINUTES) > fc.individual_threshold * 60)
        .then(pl.lit(CourseType.INDIVIDUEL.value))
        .when(new_citizen)
        .then(pl.lit(CourseType.UDVIKLENDE.value))
        .otherwise(pl.lit(CourseType.FASTHOLDENDE.value))
    )
    type_of = {code: name for name, code in _codes(cfg).items()}
    return c.select(
        Col.COURSE_ID,
        "_cstart",
        Col.START_MINUTES,
        Col.START_FUNCTION,
        pl.when(pl.col("_t") > 0)
        .then(pl.col("_t").replace_strict(type_of, default=None, return_dtype=pl.String))
        .otherwise(derived)
        .alias(Col.FORLOEBSTYPE),
    )


def _segments(
    pieces: pl.DataFrame, cfg: ModelConfig, period: tuple[dt.date, dt.date]
) -> pl.DataFrame:
    """Pieces cut at the end of period 1, runs of equal phase, team and minutes joined, clipped
    to the data period."""
    p_start, p_end = period
    dev_types = [t for t in cfg.forloeb.types() if t.art == CourseType.UDVIKLENDE]
    p1_days = pl.col(Col.FORLOEBSTYPE).replace_strict(
        {t.name: 7 * t.weeks - 1 for t in dev_types}, default=0, return_dtype=pl.Int64
    )
    pieces = pieces.with_columns((pl.col("_cstart") + pl.duration(days=p1_days)).alias(P1_END))
    dev = pl.col(Col.FORLOEBSTYPE).is_in([t.name for t in dev_types])
    p1 = pieces.filter(dev & (pl.col("_a") <= pl.col(P1_END))).with_columns(
        pl.min_horizontal("_b", P1_END).alias("_b"), pl.lit(Phase.PERIODE_1.value).alias(Col.PHASE)
    )
    after = pieces.filter(dev & (pl.col("_b") > pl.col(P1_END))).with_columns(
        pl.max_horizontal("_a", pl.col(P1_END) + pl.duration(days=1)).alias("_a"),
        pl.lit(Phase.EFTER.value).alias(Col.PHASE),
    )
    whole = pieces.filter(~dev).with_columns(pl.lit(Phase.HELE.value).alias(Col.PHASE))
    cut = pl.concat([p1, after, whole]).sort(Col.COURSE_ID, "_a")
    same = [Col.COURSE_ID, Col.PHASE, Col.TEAM, Col.VISITERET_UGE, Col.FUNKTIONSEVNE]
    run_break = pl.any_horizontal(
        *[pl.col(c).ne_missing(pl.col(c).shift(1)) for c in same],
        pl.col("_a") != pl.col("_b").shift(1) + pl.duration(days=1),
    ).fill_null(True)
    runs = (
        cut.with_columns(run_break.cum_sum().alias("_run"))
        .group_by("_run", maintain_order=True)
        .agg(
            pl.col(Col.COURSE_ID, Col.BORGER, Col.TEAM, Col.FORLOEBSTYPE, Col.PHASE).first(),
            pl.col("_cstart").first().alias(Col.START_DATO),
            pl.col(P1_END).first(),
            pl.col("_a").first().alias(Col.SEG_START),
            pl.col("_b").last().alias(Col.SEG_END),
            pl.col(
                Col.VISITERET_UGE, Col.START_MINUTES, Col.FUNKTIONSEVNE, Col.START_FUNCTION
            ).first(),
        )
        .with_columns(
            pl.max_horizontal(Col.SEG_START, pl.lit(p_start)).alias(Col.SEG_START),
            pl.min_horizontal(Col.SEG_END, pl.lit(p_end)).alias(Col.SEG_END),
        )
        .with_columns(
            ((pl.col(Col.SEG_END) - pl.col(Col.SEG_START)).dt.total_days() + 1).alias(Col.DAYS)
        )
        .filter(pl.col(Col.DAYS) > 0)
    )
    return (
        runs.sort(Col.COURSE_ID, Col.SEG_START)
        .with_row_index(Col.SEGMENT_ID)
        .select(
            pl.col(Col.COURSE_ID).cast(pl.Int64),
            Col.SEGMENT_ID,
            Col.BORGER,
            Col.TEAM,
            Col.FORLOEBSTYPE,
            Col.PHASE,
            Col.START_DATO,
            P1_END,
            Col.SEG_START,
            Col.SEG_END,
            Col.DAYS,
            Col.VISITERET_UGE,
            Col.START_MINUTES,
            Col.FUNKTIONSEVNE,
            Col.START_FUNCTION,
        )
    )


def overlap_days(first: dt.date, last: dt.date) -> pl.Expr:
    """Days of a segment inside [first, last], both included (negative when apart)."""
    lo = pl.max_horizontal(Col.SEG_START, pl.lit(first))
    hi = pl.min_horizontal(Col.SEG_END, pl.lit(last))
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


def _hours(levels: LevelsConfig) -> tuple[pl.Expr, pl.Expr]:
    """Weekly hours of a segment and of its course's start under a grouping: granted (the
    segment's grant; function-level groupings keep the granted hours for the threshold and the
    normative method), or delivered per course week (the start: period 1's)."""
    if levels.grundlag != "leveret":
        return pl.col(Col.VISITERET_UGE) / 60, pl.col(Col.START_MINUTES) / 60
    p1 = pl.col(Col.PHASE) != Phase.EFTER.value
    p1_days = pl.col(Col.DAYS).filter(p1).sum().over(Col.COURSE_ID)
    p1_minutes = pl.col(Col.MINUTTER).filter(p1).sum().over(Col.COURSE_ID)
    return (
        pl.col(Col.MINUTTER) / 60 / (pl.col(Col.DAYS) / 7),
        pl.when(p1_days > 0).then(p1_minutes / 60 / (p1_days / 7)),
    )


def _level(levels: LevelsConfig, hours: pl.Expr, function: pl.Expr) -> pl.Expr:
    if levels.grundlag == "funktionsevne":
        return function
    return level_expr(hours, levels.bands())


def _by_type(
    cfg: ModelConfig, expr: Callable[[LevelsConfig], pl.Expr], by: str = Col.FORLOEBSTYPE
) -> pl.Expr:
    """`expr` of each course type's grouping, chosen by the segment's course type (column
    `by`); one expression when every type groups alike (the common case)."""
    types = cfg.forloeb.types()
    groupings = [cfg.levels_of(t.name) for t in types]
    if all(g == groupings[0] for g in groupings):
        return expr(groupings[0])
    out: pl.Expr = pl.lit(None)
    for t, g in zip(reversed(types), reversed(groupings), strict=True):
        out = pl.when(pl.col(by) == t.name).then(expr(g)).otherwise(out)
    return out


def assign_levels(
    segments: pl.DataFrame, delivered_minutes: pl.DataFrame, cfg: ModelConfig
) -> pl.DataFrame:
    """Weekly hours, level and effective course type per segment, by the grouping of the
    segment's course type (its own `niveauer`, or the model's).

    Granted basis: the segment's granted minutes per week / 60 (levels follow the grant day by
    day). Delivered basis: the in-scope delivered minutes of the segment per course week / 60.
    Function-level basis: the level is the function level (0-4) of the segment (the winning
    row's, day by day); hours are the granted ones. A development course's start level is the
    level of its first day (granted basis, function level) or of its period 1 (delivered
    basis); its after-phase keeps it. Above the individual threshold a segment of a
    non-individual-art type is individuel whatever its course type. `delivered_minutes` has
    segment_id, minutter. Adds timer_uge (hours/week), niveau, startniveau, type.
    """
    seg = segments.join(delivered_minutes, on=Col.SEGMENT_ID, how="left").with_columns(
        pl.col(Col.MINUTTER).fill_null(0.0)
    )
    p1 = pl.col(Col.PHASE) != Phase.EFTER.value
    seg = seg.with_columns(
        _by_type(cfg, lambda g: _hours(g)[0]).alias(Col.HOURS_WEEK),
        _by_type(cfg, lambda g: _hours(g)[1]).alias("_start_hours"),
    )
    seg = seg.with_columns(
        pl.when(p1)
        .then(pl.col(Col.HOURS_WEEK))
        .otherwise(pl.coalesce("_start_hours", Col.HOURS_WEEK))
        .alias(Col.HOURS_WEEK)
    )
    fc = cfg.forloeb
    individual = (pl.col(Col.HOURS_WEEK) > fc.individual_threshold) & ~pl.col(
        Col.FORLOEBSTYPE
    ).is_in(fc.names_of(CourseType.INDIVIDUEL))
    start_hours = pl.coalesce("_start_hours", Col.HOURS_WEEK)
    start_function = pl.coalesce(Col.START_FUNCTION, Col.FUNKTIONSEVNE)
    # the after-phase keeps the start level, by hours as by function level
    function = pl.when(p1).then(pl.col(Col.FUNKTIONSEVNE)).otherwise(start_function)
    return (
        seg.with_columns(
            pl.when(individual)
            .then(pl.lit(CourseType.INDIVIDUEL.value))
            .otherwise(pl.col(Col.FORLOEBSTYPE))
            .alias(Col.TYPE),
            # the start level is the course's own (r compares it with stabilising tariffs)
            _by_type(cfg, lambda g: _level(g, start_hours, start_function)).alias(Col.START_LEVEL),
        )
        .with_columns(
            # the level by the grouping of the tariff the segment is paid: a course above the
            # threshold is grouped as individual courses are
            _by_type(cfg, lambda g: _level(g, pl.col(Col.HOURS_WEEK), function), Col.TYPE).alias(
                Col.LEVEL
            ),
            # An individual course has no after-phase: its whole span is one segment's worth.
            pl.when(
                pl.col(Col.TYPE).is_in(fc.names_of(CourseType.INDIVIDUEL))
                & pl.col(Col.FORLOEBSTYPE).is_in(fc.names_of(CourseType.UDVIKLENDE))
            )
            .then(pl.lit(Phase.HELE.value))
            .otherwise(pl.col(Col.PHASE))
            .alias(Col.PHASE),
        )
        .drop("_start_hours", Col.MINUTTER)
    )
