"""Visits aggregated per citizen, day and price key: the one intermediate all outputs share.

Two stages: one streaming group-by over the whole export counts identical visits (so
duplicates fall out of the same pass), then an in-memory group-by folds them per day and
decodes the small integer codes the parser used.
"""

from __future__ import annotations

import polars as pl

from takst_cli.models import ERR_DUPLICATE, Col
from takst_cli.pipeline.parse import (
    ERROR_CODE,
    REASON_CODE,
    REASON_CODES,
    SHIFT_CODE,
    SHIFT_CODES,
    STATUS_CODE,
    STATUS_CODES,
)

# One row per citizen, day and everything a price or a count depends on.
DAILY_KEYS = [
    Col.BORGER,
    Col.DATO,
    Col.TEAM,
    Col.PARAGRAF,
    Col.FAGGRUPPE,
    Col.VAGT,
    Col.KLINIK,
    Col.STATUS,
    Col.TIMELY,
    Col.REASON,
    Col.ERROR,
    Col.ERROR_VALUE,
    Col.ERROR_ROW,
]
_CODED_DAY = [
    Col.BORGER,
    Col.DATO,
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
# A visit is the same visit when all this is equal (its clock and minutes included).
_VISIT = [*_CODED_DAY, Col.START, Col.MINUTTER]
FIRST_ROW = "foerste_raekke"


def count_visits(parsed: pl.LazyFrame) -> pl.LazyFrame:
    """Stage 1 (streaming): identical visits counted. Invalid rows keep their own row number
    (`fejlraekke`) and stay one per group. Columns: the visit keys, antal, foerste_raekke,
    raekke (the last copy's row)."""
    return (
        parsed.with_columns(
            pl.when(pl.col(ERROR_CODE) > 0).then(pl.col(Col.ROW)).alias(Col.ERROR_ROW),
        )
        .group_by(_VISIT)
        .agg(
            pl.len().alias(Col.N_VISITS),
            pl.col(Col.ROW).min().alias(FIRST_ROW),
            pl.col(Col.ROW).max().alias(Col.ROW),
        )
    )


def _decode(codes: list[str | None], column: str, name: str) -> pl.Expr:
    mapping = dict(enumerate(codes))
    return pl.col(column).replace_strict(mapping, return_dtype=pl.String).alias(name)


def fold_days(counts: pl.DataFrame, errors: list[tuple[str, str | None]]) -> pl.DataFrame:
    """Stage 2: the extra copies of a visit become invalid rows ('dublet', listed with the row
    of the first copy); the codes are decoded and the text keys become plain text again.

    Columns: DAILY_KEYS + minutter (minutes), antal (visits), fejlkode (for the error value)."""
    has_copies = (
        (pl.col(ERROR_CODE) == 0) & pl.col(Col.START).is_not_null() & (pl.col(Col.N_VISITS) > 1)
    )
    copies = counts.filter(has_copies).with_columns(
        pl.lit(len(errors) + 1, dtype=pl.UInt8).alias(ERROR_CODE),
        pl.col(Col.ROW).alias(Col.ERROR_ROW),
        pl.format("samme besøg som række {}", FIRST_ROW).alias(Col.ERROR_VALUE),
        pl.lit(0, dtype=pl.UInt8).alias(REASON_CODE),
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
    both = pl.concat([kept, copies.select(kept.columns)], how="vertical_relaxed")
    reasons = [why for why, _ in errors]
    return both.select(
        *[pl.col(c).cast(pl.String) for c in (Col.BORGER, Col.TEAM, Col.PARAGRAF,
                                                Col.FAGGRUPPE)],
        Col.DATO, Col.KLINIK, Col.TIMELY, ERROR_CODE, Col.ERROR_ROW, Col.ERROR_VALUE,
        (pl.col(Col.MINUTTER).fill_nan(None) * pl.col(Col.N_VISITS)).alias(Col.MINUTTER),
        Col.N_VISITS,
        _decode(SHIFT_CODES, SHIFT_CODE, Col.VAGT),  # type: ignore[arg-type]
        _decode(STATUS_CODES, STATUS_CODE, Col.STATUS),  # type: ignore[arg-type]
        _decode(REASON_CODES, REASON_CODE, Col.REASON),
        _decode([None, *reasons, ERR_DUPLICATE], ERROR_CODE, Col.ERROR),
    )


def error_values(
    raw: pl.LazyFrame, daily: pl.DataFrame, errors: list[tuple[str, str | None]]
) -> pl.DataFrame:
    """Fill `fejlvaerdi` of invalid rows with the text of the field that failed, read again from
    the export for just those rows (a second pass, only when there are invalid rows)."""
    wanted = daily.filter(
        pl.col(Col.ERROR_ROW).is_not_null() & pl.col(Col.ERROR_VALUE).is_null()
    ).select(Col.ERROR_ROW, ERROR_CODE)
    fields = {k: field for k, (_, field) in enumerate(errors, start=1) if field is not None}
    if wanted.height == 0 or not fields:
        return daily.drop(ERROR_CODE)
    present = [f for f in set(fields.values()) if f in raw.collect_schema().names()]
    rows = (
        raw.filter(pl.col(Col.ROW).is_in(wanted[Col.ERROR_ROW].to_list()))
        .select(Col.ROW, *present)
        .collect()
    )
    text = {r[Col.ROW]: r for r in rows.iter_rows(named=True)}
    values = [text.get(row, {}).get(fields.get(code, ""), None) for row, code in wanted.iter_rows()]
    found = wanted.with_columns(pl.Series("_value", values, dtype=pl.String))
    return (
        daily.join(found.drop(ERROR_CODE), on=Col.ERROR_ROW, how="left")
        .with_columns(pl.coalesce(Col.ERROR_VALUE, "_value").alias(Col.ERROR_VALUE))
        .drop("_value", ERROR_CODE)
    )


def valid_in_scope(daily: pl.DataFrame) -> pl.DataFrame:
    """Delivered visits inside the model: valid, not cancelled, shift and paragraph in scope."""
    return daily.filter(pl.col(Col.ERROR).is_null() & pl.col(Col.REASON).is_null())
