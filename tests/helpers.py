"""Helpers for tests: load and run a model the way the CLI does, without the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from takst_cli.cli.common import load
from takst_cli.pipeline.run import RunResult, run


def run_model(
    model: Path, exclude_invalid: bool = False, cutoff: dt.date | None = None
) -> RunResult:
    """As the CLI runs it; with `cutoff`, as `takst opfoelgning --dato` does."""
    cfg, visits, grants = load(model, None, None)
    return run(cfg, visits, grants, exclude_invalid, months=cutoff is not None, cutoff=cutoff)
