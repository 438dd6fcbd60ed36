"""The per-visit path, taken only when an export holds identical visits: count them, turn the
extra copies into invalid rows, then fold to facts like the fast path. Also the second read
that fetches the offending text of invalid rows, and the in-scope filter of the facts."""

from __future__ import annotations

import polars as pl

from takst_cli.models import Col
from takst_cli.pipeline.facts import KEYS
from takst_cli.pipeline.parse import DUPLICATE_CODE

# A visit is the same visit when all this is equal (its clock and minutes included).
_VISIT = [Col.BORGER, Col.DATO, *KEYS, Col.START, Col.MINUTTER]


def count_visits(parsed: pl.LazyFrame) -> pl.LazyFrame:
    """Identical visits counted (streaming). Invalid rows keep their own row number and stay
    one per group. Columns: the visit keys, antal, foerste_raekke, raekke (the last copy)."""
    return (
        parsed.with_columns(
            pl.when(pl.col(Col.ERROR_CODE) > 0).then(pl.col(Col.ROW)).alias(Col.ERROR_ROW),
        )
        .group_by(_VISIT)
        .agg(
            pl.len().alias(Col.N_VISITS),
            pl.col(Col.ROW).min().alias(Col.FIRST_ROW),
            pl.col(Col.ROW).max().alias(Col.ROW),
        )
    )


def split_copies(counts: pl.DataFrame) -> pl.DataFrame:
    """The extra copies of a visit become invalid rows ('dublet', at the row of the last copy,
    naming the row of the first); the rest stay as counted. Still coded."""
    has_copies = (
        (pl.col(Col.ERROR_CODE) == 0) & pl.col(Col.START).is_not_null() & (pl.col(Col.N_VISITS) > 1)
    )
    copies = counts.filter(has_copies).with_columns(
        pl.lit(DUPLICATE_CODE, dtype=pl.UInt8).alias(Col.ERROR_CODE),
        pl.format("samme besøg som række {}", Col.FIRST_ROW).alias(Col.ERROR_VALUE),
        pl.lit(0, dtype=pl.UInt8).alias(Col.REASON_CODE),
        (pl.col(Col.N_VISITS) - 1).alias(Col.N_VISITS),
    )
    kept = counts.with_columns(
        pl.when(has_copies)
        .then(1)
        .otherwise(pl.col(Col.N_VISITS))
        .cast(pl.UInt32)
        .alias(Col.N_VISITS),
        pl.lit(None, dtype=pl.String).alias(Col.ERROR_VALUE),
    )
    return pl.concat([kept, copies.select(kept.columns)], how="vertical_relaxed").drop(
        Col.ERROR_ROW, Col.FIRST_ROW
    )


def error_values(
    raw: pl.LazyFrame, facts: pl.DataFrame, errors: list[tuple[str, str | None]]
) -> pl.DataFrame:
    """Fill `fejlvaerdi` of invalid rows with the text of the field that failed, and give them
    their citizen, read again from the export for just those rows (only when there are any).
    Adds borger_id (null on valid facts); drops the error code."""
    wanted = (
        facts.filter(pl.col(Col.ERROR_ROW).is_not_null())
        .select(Col.ERROR_ROW, Col.ERROR_CODE)
        .unique(Col.ERROR_ROW)
    )
    if wanted.height == 0:
        return facts.drop(Col.ERROR_CODE).with_columns(
            pl.lit(None, dtype=pl.String).alias(Col.BORGER)
        )
    fields = {k: field for k, (_, field) in enumerate(errors, start=1) if field is not None}
    names = raw.collect_schema().names()
    present = [f for f in {*fields.values(), Col.BORGER} if f in names]
    rows = (
        raw.filter(pl.col(Col.ROW).is_in(wanted[Col.ERROR_ROW].to_list()))
        .select(Col.ROW, *present)
        .collect()
    )
    text = {r[Col.ROW]: r for r in rows.iter_rows(named=True)}
    found = wanted.with_columns(
        pl.Series(
            "_value",
            [text.get(row, {}).get(fields.get(code, ""), None) for row, code in wanted.iter_rows()],
            dtype=pl.String,
        ),
        pl.Series(
            Col.BORGER,
            [text.get(row, {}).get(Col.BORGER) for row, _ in wanted.iter_rows()],
            dtype=pl.String,
        ),
    ).drop(Col.ERROR_CODE)
    return (
        facts.join(found, on=Col.ERROR_ROW, how="left")
        .with_columns(pl.coalesce(Col.ERROR_VALUE, "_value").alias(Col.ERROR_VALUE))
        .drop("_value", Col.ERROR_CODE)
    )


def valid_in_scope(facts: pl.DataFrame) -> pl.DataFrame:
    """Delivered visits inside the model: valid, not cancelled, shift and paragraph in scope."""
    return facts.filter(pl.col(Col.ERROR).is_null() & pl.col(Col.REASON).is_null())
