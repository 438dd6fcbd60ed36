"""`takst frit-valg`: settlement prices for free-choice providers and the supporting memo."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from takst_cli.cli.common import (
    ConfigOpt,
    ExcludeOpt,
    FormatOpt,
    GrantsOpt,
    OutOpt,
    OverwriteOpt,
    QuietOpt,
    VisitsOpt,
    calculate,
    emit,
    error_boundary,
)
from takst_cli.errors import ConfigError, TakstError

MemoOpt = Annotated[
    Path | None,
    typer.Option("--notat", help="Skriv støttenotatet (Markdown) til denne fil, fx NOTAT.md."),
]


def check_text_target(path: Path, overwrite: bool) -> None:
    """Refuse a memo path that cannot be written before anything is written."""
    if path.is_dir():
        raise TakstError(f"{path}: er en mappe; angiv en fil, fx NOTAT.md")
    if path.exists() and not overwrite:
        raise TakstError(f"{path}: findes allerede; brug --overskriv for at erstatte den")
    if not path.parent.is_dir():
        raise TakstError(f"{path.parent}: mappen findes ikke")


def write_text_file(path: Path, text: str) -> None:
    """Write a text file whole or not at all: a temporary file beside it, then renamed."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise TakstError(f"{path}: kan ikke skrives ({exc.strerror})") from None


def require_free_choice(config: Path) -> None:
    """Stop before the (long) run when the model file has no frit_valg section."""
    from takst_cli.config import load_config

    if load_config(config).frit_valg is None:
        raise ConfigError(
            f"{config}: modelfilen har ingen frit_valg-sektion; se docs/frit_valg.md for, "
            "hvordan den skrives"
        )


def frit_valg(
    config: ConfigOpt,
    notat: MemoOpt = None,
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
) -> None:
    """Afregningspriser for frit valg (ældreloven § 19) på leverede timer, med opbygning."""
    with error_boundary():
        from takst_cli.pipeline.free_choice import from_run
        from takst_cli.report import assumption_tables, quality_tables
        from takst_cli.report_free_choice import free_choice_tables, support_memo

        require_free_choice(config)
        result = calculate(config, leverancer, visitationer, udelad_ugyldige)
        prices = from_run(result)
        tables = free_choice_tables(prices)
        if notat is not None:  # before any output: no workbook without its memo
            check_text_target(notat, overskriv)

        def full(run_time):  # type: ignore[no-untyped-def]
            # the data quality goes with the prices: rows left out with --udelad-ugyldige
            # are listed, never dropped silently
            return [
                *assumption_tables(result, str(config), run_time),
                *tables,
                *quality_tables(result),
            ]

        emit(tables, full, ud, format, overskriv, stille)
        if notat is not None:
            write_text_file(notat, support_memo(prices, result.cfg.navn, dt.date.today()))
            typer.echo(f"Skrev {notat}", err=True)
