"""The visits folded, in one streaming pass, to 'facts': minutes and visits per course segment,
observation window, price key, reason and error — the small table every output is made from.

Course segments and observation windows come from the (small) grants, so each visit's segment
is found in the stream: a join on the citizen against a one-row-per-citizen table of their
segment ranges ('slots'), then a short chain of date tests. No per-visit frame is kept.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from takst_cli.models import ERR_DUPLICATE, Col
from takst_cli.pipeline.courses import SEG_END, SEG_START, SEGMENT_ID
from takst_cli.pipeline.parse import (
    DUPLICATE_CODE,
    ERROR_CODE,
    REASON_CODE,
    REASON_CODES,
    SHIFT_CODE,
    SHIFT_CODES,
    STATUS_CODE,
    STATUS_CODES,
)

WINDOW_ID = "vindue_id"  # the development course whose after-window holds the visit
MONTH = "maaned"  # first day of the visit's month
UP_TO_DATE = "til_dato"  # on or before the follow-up date
EXTRA_COPIES = "ekstra_kopier"  # identical visits beyond the first, found by hashing
_KEYS = [
    Col.TEAM,
    Col.PARAGRAF,
    Col.FAGGRUPPE,
    SHIFT_CODE,
    Col.KLINIK,
    STATUS_CODE,
    Col.TIMELY,
    REASON_CODE,
    ERROR_CODE,
    Col.ERROR_ROW,
]


def slots(ranges: pl.DataFrame, start: str, end: str, ident: str, prefix: str) -> pl.DataFrame:
    """One row per citizen with the ranges as columns {prefix}{i}a/b/id, highest priority
    first (the order of `ranges`)."""
    grouped = ranges.group_by(Col.BORGER, maintain_order=True).agg(
        pl.col(start), pl.col(end), pl.col(ident)
    )
    longest = grouped[ident].list.len().max()
    width = longest if isinstance(longest, int) else 0
    return grouped.select(
        pl.col(Col.BORGER).cast(pl.Categorical),
        *[
            pl.col(c).list.get(i, null_on_oob=True).alias(f"{prefix}{i}{tag}")
            for i in range(width)
            for c, tag in ((start, "a"), (end, "b"), (ident, "id"))
        ],
    )


def _pick(table: pl.DataFrame, prefix: str) -> pl.Expr:
    """The id of the first range (in priority order) that holds the visit's date."""
    width = sum(1 for c in table.columns if c.startswith(prefix) and c.endswith("id"))
    expr: pl.Expr = pl.lit(None, dtype=table.schema[f"{prefix}0id"] if width else pl.Int64)
    for i in reversed(range(width)):
        inside = pl.col(Col.DATO).is_between(pl.col(f"{prefix}{i}a"), pl.col(f"{prefix}{i}b"))
        expr = pl.when(inside).then(pl.col(f"{prefix}{i}id")).otherwise(expr)
    return expr


def segment_slots(segments: pl.DataFrame) -> pl.DataFrame:
    """Where a citizen's courses overlap, the latest-starting course wins."""
    ordered = segments.sort(
        [Col.BORGER, Col.START_DATO, Col.COURSE_ID, SEG_START],
        descending=[False, True, True, False],
    )
    return slots(ordered, SEG_START, SEG_END, SEGMENT_ID, "_s")


def window_slots(windows: pl.DataFrame, start: str, end: str) -> pl.DataFrame:
    ordered = windows.sort([Col.BORGER, start], descending=[False, True])
    return slots(ordered, start, end, Col.COURSE_ID, "_w")


def fold_to_facts(
    visits: pl.LazyFrame,
    seg_slots: pl.DataFrame,
    win_slots: pl.DataFrame,
    months: bool = False,
    cutoff: dt.date | None = None,
    count_copies: bool = True,
) -> pl.LazyFrame:
    """Facts from coded visits (the parser's columns; `antal` and `fejlvaerdi` where a row
    stands for several visits or carries its value already).

    Columns: segment_id, vindue_id, [maaned], [til_dato], team, paragraf, faggruppe, vagtkode,
    klinik, statuskode, rettidig_aflysning, aarsagskode, fejlkode, fejlraekke, fejlvaerdi,
    minutter (sum), antal (visits), ekstra_kopier (identical valid visits beyond the first).
    """
    schema = visits.collect_schema()
    n = pl.col(Col.N_VISITS) if Col.N_VISITS in schema else pl.lit(1, dtype=pl.UInt32)
    value = pl.col(Col.ERROR_VALUE) if Col.ERROR_VALUE in schema else pl.lit(None, dtype=pl.String)
    extra_keys = ([MONTH] if months else []) + ([UP_TO_DATE] if cutoff else [])
    lf = visits.with_columns(
        pl.col(Col.BORGER).cast(pl.Categorical),
        pl.when(pl.col(ERROR_CODE) > 0).then(pl.col(Col.ROW)).alias(Col.ERROR_ROW),
        n.alias(Col.N_VISITS),
        value.alias(Col.ERROR_VALUE),
    )
    # One join for both lookups: segments and windows side by side, one row per citizen.
    tables = [t for t in (seg_slots, win_slots) if t.width > 1]
    if tables:
        lookup = tables[0]
        for other in tables[1:]:
            lookup = lookup.join(other, on=Col.BORGER, how="full", coalesce=True)
        lf = lf.join(lookup.lazy(), on=Col.BORGER, how="left")
    lf = lf.with_columns(
        (_pick(seg_slots, "_s") if seg_slots.width > 1 else pl.lit(None, dtype=pl.UInt32)).alias(
            SEGMENT_ID
        ),
        (_pick(win_slots, "_w") if win_slots.width > 1 else pl.lit(None, dtype=pl.Int64)).alias(
            WINDOW_ID
        ),
        *([pl.col(Col.DATO).dt.truncate("1mo").alias(MONTH)] if months else []),
        *([(pl.col(Col.DATO) <= pl.lit(cutoff)).alias(UP_TO_DATE)] if cutoff else []),
    )
    aggs = [
        (pl.col(Col.MINUTTER).fill_nan(None) * pl.col(Col.N_VISITS)).sum().alias(Col.MINUTTER),
        pl.col(Col.N_VISITS).sum().alias(Col.N_VISITS),
    ]
    if count_copies:
        # Identical valid visits share every key here, and their citizen, day, clock and minutes.
        # Those four packed into one integer: equal visits always pack equal; the packing only
        # coarsens (quarter minutes, 24 bits of citizen), so a false alarm just sends the run
        # down the exact per-visit path, and a real duplicate is never missed.
        start = pl.col(Col.START)
        packed = (
            (pl.col(Col.BORGER).to_physical().cast(pl.UInt64) % (1 << 24)) * (1 << 38)
            + (pl.col(Col.DATO).cast(pl.Int32).cast(pl.UInt64) % (1 << 15)) * (1 << 23)
            + (start.dt.hour().cast(pl.UInt64) * 60 + start.dt.minute().cast(pl.UInt64)) * (1 << 12)
            + (pl.col(Col.MINUTTER) * 4).round().cast(pl.UInt64, strict=False) % (1 << 12)
        )
        visit = pl.when((pl.col(ERROR_CODE) == 0) & start.is_not_null()).then(packed)
        aggs.append((visit.count() - visit.drop_nulls().n_unique()).alias(EXTRA_COPIES))
    return lf.group_by([SEGMENT_ID, WINDOW_ID, *extra_keys, *_KEYS, Col.ERROR_VALUE]).agg(*aggs)


def _decode(codes: list[str | None], column: str, name: str) -> pl.Expr:
    return pl.col(column).replace_strict(dict(enumerate(codes)), return_dtype=pl.String).alias(name)


def decode_facts(facts: pl.DataFrame, errors: list[tuple[str, str | None]]) -> pl.DataFrame:
    """Codes → the Danish words the reports use; text keys back to plain text."""
    reasons = [why for why, _ in errors]
    return facts.with_columns(
        *[pl.col(c).cast(pl.String) for c in (Col.TEAM, Col.PARAGRAF, Col.FAGGRUPPE)],
        _decode(SHIFT_CODES, SHIFT_CODE, Col.VAGT),  # type: ignore[arg-type]
        _decode(STATUS_CODES, STATUS_CODE, Col.STATUS),  # type: ignore[arg-type]
        _decode(REASON_CODES, REASON_CODE, Col.REASON),
        pl.col(ERROR_CODE)
        .replace_strict(
            {**dict(enumerate([None, *reasons])), DUPLICATE_CODE: ERR_DUPLICATE},
            return_dtype=pl.String,
        )
        .alias(Col.ERROR),
    ).drop(SHIFT_CODE, STATUS_CODE, REASON_CODE)


def citizens_by_month(parsed: pl.LazyFrame, last: dt.date) -> pl.DataFrame:
    """Citizens with delivered visits inside the model, per team and month, up to `last`: a
    second, narrow streaming pass (distinct citizens do not add up across facts)."""
    return (
        parsed.filter(
            (pl.col(ERROR_CODE) == 0) & (pl.col(REASON_CODE) == 0) & (pl.col(Col.DATO) <= last)
        )
        .group_by(
            pl.col(Col.TEAM).cast(pl.String), pl.col(Col.DATO).dt.truncate("1mo").alias(MONTH)
        )
        .agg(pl.col(Col.BORGER).n_unique().alias("borgere"))
        .collect(engine="streaming")
    )
