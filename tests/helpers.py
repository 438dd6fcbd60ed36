"""Helpers for tests: load and run a model the way the CLI does, without the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from takst_cli import calculate
from takst_cli.pipeline.run import RunResult


def run_model(
    model: Path, exclude_invalid: bool = False, cutoff: dt.date | None = None
) -> RunResult:
    """As the CLI runs it; with `cutoff`, as `takst opfoelgning --dato` does."""
    return calculate(model, exclude_invalid=exclude_invalid, follow_up_date=cutoff).run
