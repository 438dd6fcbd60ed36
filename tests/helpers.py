"""Helpers for tests: load and run a model the way the CLI does, without the CLI."""

from __future__ import annotations

from pathlib import Path

from takst_cli.cli.common import load
from takst_cli.pipeline.run import RunResult, run


def run_model(model: Path, exclude_invalid: bool = False) -> RunResult:
    cfg, visits, grants = load(model, None, None)
    return run(cfg, visits, grants, exclude_invalid=exclude_invalid)
