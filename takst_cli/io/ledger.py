"""The settlement ledger (afregning.parquet): read with its columns checked, written atomically.
Its shape and how settled months replace old ones are the pipeline's (pipeline.settlement);
the api passes them in, so io/ knows the file, not what a month's settlement means."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import polars as pl

from takst_cli.errors import DataError
from takst_cli.io.writers import _locked, atomic_path, check_parent


def read_ledger(path: Path, schema: Mapping[str, pl.DataType]) -> pl.DataFrame | None:
    """The ledger, or None when there is none yet. A file with other columns or types is not
    taken for a ledger: its rows would be replaced or summed as if they were."""
    if not path.exists():
        return None
    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DataError(
            f"{path}: regnskabet kan ikke læses som Parquet ({exc.__class__.__name__})"
        ) from None
    found = dict(frame.schema)
    if found != dict(schema):
        want = ", ".join(f"{k} ({v})" for k, v in schema.items())
        got = ", ".join(f"{k} ({v})" for k, v in found.items())
        raise DataError(
            f"{path}: er ikke et takst-regnskab; kolonnerne skal være {want}, fik {got}"
        )
    return frame


def update_ledger(
    path: Path,
    schema: Mapping[str, pl.DataType],
    merge: Callable[[pl.DataFrame | None], pl.DataFrame],
) -> None:
    """Replace the ledger by `merge` of it (None when there is none yet) in one move, under a
    lock: two runs settling different months at once each keep the other's month; a reader
    sees the old file or the new, never half."""
    check_parent(path)
    with _locked(path):
        ledger = merge(read_ledger(path, schema))
        with atomic_path(path, overwrite=True) as tmp:
            ledger.write_parquet(tmp)
