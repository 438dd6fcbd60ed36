"""Small frame helpers shared by the pipeline stages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import polars as pl


def rows_frame(rows: Iterable[Sequence[Any]], schema: Mapping[str, Any]) -> pl.DataFrame:
    """A frame from Python row tuples, built column by column: with Decimal (Object) columns
    that is some fifty times faster than polars' row orientation."""
    materialised = list(rows)
    columns = list(zip(*materialised, strict=True)) if materialised else [()] * len(schema)
    return pl.DataFrame(
        [
            pl.Series(name, list(values), dtype=dtype)
            for (name, dtype), values in zip(schema.items(), columns, strict=True)
        ]
    )


def column_rows(frame: pl.DataFrame, *columns: str) -> Iterator[tuple[Any, ...]]:
    """The rows of `columns` as tuples, read column by column: several times faster than
    DataFrame.iter_rows on the tens of thousands of course segments of a large municipality."""
    return zip(*(frame[c].to_list() for c in columns), strict=True)
