"""Data quality (SPEC §4.8): every row read is accounted for — in scope, out of scope by
reason, or invalid by reason — and invalid rows are listed with file and row number."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from takst_cli.errors import mask_cpr
from takst_cli.models import REASON_EMPTY, REASON_STAFF, Col
from takst_cli.pipeline.courses import Courses
from takst_cli.pipeline.plausibility import PlausibilityWarning

WARNING = "advarsel"


@dataclass(frozen=True)
class QualityLine:
    source: str  # file name
    category: str  # "læst", "i modellen", "uden for modellen", "ugyldig", "advarsel", ...
    reason: str
    rows: int | None
    hours: float | None


@dataclass(frozen=True)
class InvalidRow:
    source: str
    row: int
    reason: str
    value: str
    citizen: str | None = None  # (pseudonymised) id; shown only with --vis-borger-id


def visit_quality(
    facts: pl.DataFrame,
    source: str,
    outside_courses: tuple[int, float],
    outside_type: tuple[int, float],
    outside_staff: tuple[int, float] | None = None,
) -> list[QualityLine]:
    """Counts of the visit file: read, invalid by reason, out of scope by reason, in scope; of
    those in scope, the visits outside every course, of a paragraph outside the course type,
    and (when a course type lists its faggrupper) of a staff group outside it."""

    def lines(frame: pl.DataFrame, category: str, by: str) -> list[QualityLine]:
        grouped = (
            frame.group_by(by)
            .agg(pl.col(Col.N_VISITS).sum(), (pl.col(Col.MINUTTER).sum() / 60).alias("t"))
            .sort(by)
        )
        return [QualityLine(source, category, reason, n, t) for reason, n, t in grouped.iter_rows()]

    valid = facts.filter(pl.col(Col.ERROR).is_null())
    in_scope = valid.filter(pl.col(Col.REASON).is_null())
    n_in = int(in_scope[Col.N_VISITS].sum() or 0)
    h_in = float(in_scope[Col.MINUTTER].sum() or 0) / 60
    return [
        QualityLine(source, "læst", "rækker i alt", int(facts[Col.N_VISITS].sum() or 0), None),
        *lines(facts.filter(pl.col(Col.ERROR).is_not_null()), "ugyldig", Col.ERROR),
        *lines(valid.filter(pl.col(Col.REASON).is_not_null()), "uden for modellen", Col.REASON),
        QualityLine(source, "i modellen", "leverede besøg i modellen", n_in, h_in),
        QualityLine(source, "heraf", "uden for ethvert forløb (kun aktivitet)", *outside_courses),
        QualityLine(source, "heraf", "paragraf uden for forløbstypen", *outside_type),
        *(
            [QualityLine(source, "heraf", f"{REASON_STAFF} (aktivitet)", *outside_staff)]
            if outside_staff is not None
            else []
        ),
    ]


def grant_quality(
    invalid_grants: pl.DataFrame, rows: int, source: str, formed: Courses, skipped: int = 0
) -> list[QualityLine]:
    """The grant history: `rows` read, the invalid ones by reason, the empty ones `skipped`,
    and how the rows became courses."""
    invalid = invalid_grants.group_by(Col.ERROR).len().sort(Col.ERROR)
    return [
        QualityLine(source, "læst", "rækker i alt", rows, None),
        *[QualityLine(source, "ugyldig", r, n, None) for r, n in invalid.iter_rows()],
        *(
            [QualityLine(source, "uden for modellen", REASON_EMPTY, skipped, None)]
            if skipped
            else []
        ),
        QualityLine(source, "i modellen", "forløb med dage i perioden", formed.courses, None),
        QualityLine(
            source,
            "heraf",
            "forløbsafsnit (samme fase, team og visiterede minutter)",
            formed.segments.height,
            None,
        ),
        QualityLine(
            source,
            "forløb",
            "rækker lagt til et forløb, en tidligere række begyndte",
            formed.joined,
            None,
        ),
        QualityLine(
            source,
            "forløb",
            "rækker der overlapper en anden forløbstype (prioritet)",
            formed.overlaps,
            None,
        ),
        QualityLine(
            source, "forløb", "huller lagt sammen (sammenhaeng_dage)", formed.bridged, None
        ),
    ]


def warning_lines(warnings: list[PlausibilityWarning], source: str) -> list[QualityLine]:
    """The plausibility gate's warnings as lines of the data-quality table."""
    return [QualityLine(source, WARNING, w.message, w.rows, w.hours) for w in warnings]


def invalid_rows(frame: pl.DataFrame, source: str, row_col: str) -> list[InvalidRow]:
    bad = frame.filter(pl.col(Col.ERROR).is_not_null()).sort(row_col)
    return [
        InvalidRow(source, int(row), reason, "" if value is None else mask_cpr(str(value)), citizen)
        for row, reason, value, citizen in bad.select(
            row_col,
            Col.ERROR,
            Col.ERROR_VALUE,
            pl.col(Col.BORGER) if Col.BORGER in frame.columns else pl.lit(None, pl.String),
        ).iter_rows()
    ]
