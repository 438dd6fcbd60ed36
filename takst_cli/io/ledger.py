"""The settlement ledger (afregning.parquet): read with its columns checked, written atomically."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from takst_cli.errors import DataError
from takst_cli.io.writers import _locked, atomic_path, check_parent
from takst_cli.pipeline.settlement import LEDGER_SCHEMA, replace_months


def read_ledger(path: Path) -> pl.DataFrame | None:
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
    schema = dict(frame.schema)
    if schema != LEDGER_SCHEMA:
        want = ", ".join(f"{k} ({v})" for k, v in LEDGER_SCHEMA.items())
        got = ", ".join(f"{k} ({v})" for k, v in schema.items())
        raise DataError(
            f"{path}: er ikke et takst-regnskab; kolonnerne skal være {want}, fik {got}"
        )
    return frame


def update_ledger(path: Path, settled: pl.DataFrame) -> None:
    """Replace the settled months in the ledger in one move, under a lock: two runs settling
    different months at once each keep the other's month; a reader sees the old file or the
    new, never half."""
    check_parent(path)
    with _locked(path):
        ledger = replace_months(read_ledger(path), settled)
        with atomic_path(path, overwrite=True) as tmp:
            ledger.write_parquet(tmp)
