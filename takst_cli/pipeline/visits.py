"""Visits aggregated per citizen, day and price key: the one intermediate all outputs share."""

from __future__ import annotations

import polars as pl

from takst_cli.models import Col

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


def aggregate_visits(parsed: pl.LazyFrame) -> pl.LazyFrame:
    """Sum minutes and count visits per DAILY_KEYS.

    Invalid rows keep their own row number (`fejlraekke`) so they stay listable one by one;
    valid rows have it null and fold together. Columns: DAILY_KEYS + minutter (minutes),
    antal (visits).
    """
    return (
        parsed.with_columns(
            pl.when(pl.col(Col.ERROR).is_not_null()).then(pl.col(Col.ROW)).alias(Col.ERROR_ROW),
            pl.when(pl.col(Col.ERROR).is_not_null())
            .then(pl.col(Col.MINUTTER).fill_nan(None))
            .otherwise(pl.col(Col.MINUTTER))
            .alias(Col.MINUTTER),
        )
        .group_by(DAILY_KEYS)
        .agg(
            pl.col(Col.MINUTTER).sum().alias(Col.MINUTTER),
            pl.len().alias(Col.N_VISITS),
        )
    )


def valid_in_scope(daily: pl.DataFrame) -> pl.DataFrame:
    """Delivered visits inside the model: valid, not cancelled, shift and paragraph in scope."""
    return daily.filter(pl.col(Col.ERROR).is_null() & pl.col(Col.REASON).is_null())
