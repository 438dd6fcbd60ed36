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


# What makes two rows the same visit: same citizen, day, clock, staff group, paragraph, minutes…
_SAME_VISIT = [c for c in DAILY_KEYS if c not in (Col.ERROR, Col.ERROR_VALUE, Col.ERROR_ROW)]
DUP_COUNT = "dubletter"
DUP_FIRST = "foerste_raekke"


def duplicate_groups(parsed: pl.LazyFrame) -> pl.LazyFrame:
    """Valid rows that repeat a visit (same citizen, date, start time, staff group, paragraph,
    shift, minutes and status). Grouped on a 64-bit hash of the key to keep the table small.
    Columns: the daily keys, start, minutter (of one visit), dubletter (extra copies),
    foerste_raekke, raekke (the last copy's row)."""
    keys = [*_SAME_VISIT, Col.START, Col.MINUTTER]
    return (
        parsed.filter(pl.col(Col.ERROR).is_null() & pl.col(Col.START).is_not_null())
        .group_by(pl.struct(keys).hash().alias("_key"))
        .agg(
            *[pl.col(k).first() for k in keys],
            (pl.len() - 1).alias(DUP_COUNT),
            pl.col(Col.ROW).min().alias(DUP_FIRST),
            pl.col(Col.ROW).max().alias(Col.ROW),
        )
        .filter(pl.col(DUP_COUNT) > 0)
        .drop("_key")
    )


def move_duplicates(daily: pl.DataFrame, dups: pl.DataFrame, reason: str) -> pl.DataFrame:
    """Take the extra copies out of the valid daily rows and add them back as invalid rows, so
    they are counted and listed like any other invalid row (file and row number)."""
    if dups.height == 0:
        return daily
    extra = dups.group_by(_SAME_VISIT).agg(
        (pl.col(Col.MINUTTER) * pl.col(DUP_COUNT)).sum().alias("_m"),
        pl.col(DUP_COUNT).sum().alias("_n"),
    )
    kept = (
        daily.join(extra, on=_SAME_VISIT, how="left", nulls_equal=True)
        .with_columns(
            (pl.col(Col.MINUTTER) - pl.col("_m").fill_null(0)).alias(Col.MINUTTER),
            (pl.col(Col.N_VISITS) - pl.col("_n").fill_null(0)).cast(pl.UInt32).alias(Col.N_VISITS),
        )
        .drop("_m", "_n")
        .filter(pl.col(Col.N_VISITS) > 0)
    )
    invalid = dups.select(
        *[pl.col(k) for k in _SAME_VISIT],
        pl.lit(reason).alias(Col.ERROR),
        pl.format("samme besøg som række {}", DUP_FIRST).alias(Col.ERROR_VALUE),
        pl.col(Col.ROW).alias(Col.ERROR_ROW),
        (pl.col(Col.MINUTTER) * pl.col(DUP_COUNT)).alias(Col.MINUTTER),
        pl.col(DUP_COUNT).cast(pl.UInt32).alias(Col.N_VISITS),
    ).with_columns(pl.lit(None, dtype=pl.String).alias(Col.REASON))
    return pl.concat([kept, invalid.select(kept.columns)], how="vertical_relaxed")
