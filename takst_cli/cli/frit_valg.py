"""`takst frit-valg`: settlement prices for free-choice providers and the supporting memo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from takst_cli.cli.common import (
    ConfigOpt,
    CsvDialect,
    DialectOpt,
    ExcludeOpt,
    FormatOpt,
    GrantsOpt,
    OutOpt,
    OverwriteOpt,
    QuietOpt,
    StrictOpt,
    VisitsOpt,
    calculate,
    emit,
    error_boundary,
)
from takst_cli.errors import ConfigError

MemoOpt = Annotated[
    Path | None,
    typer.Option("--notat", help="Skriv støttenotatet (Markdown) til denne fil, fx NOTAT.md."),
]


def require_free_choice(config: Path) -> None:
    """Stop before the (long) run when the model file has no frit_valg section."""
    from takst_cli.api import load_model

    if load_model(config).config.frit_valg is None:
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
    streng: StrictOpt = False,
    csv_dialekt: DialectOpt = CsvDialect.maskine,
) -> None:
    """Afregningspriser for frit valg (ældreloven § 19) på leverede timer, med opbygning."""
    with error_boundary(ud, format, overskriv, csv_dialekt):
        from takst_cli.io.writers import atomic_path, check_parent, check_writable
        from takst_cli.pipeline.free_choice import from_run
        from takst_cli.report.core import assumption_tables, quality_tables
        from takst_cli.report.free_choice import free_choice_tables, support_memo

        require_free_choice(config)
        result = calculate(config, leverancer, visitationer, udelad_ugyldige, streng).run
        prices = from_run(result)
        tables = free_choice_tables(prices)
        if notat is not None:  # before any output: no workbook without its memo
            check_writable(notat, overskriv)
            check_parent(notat)

        def full(run_time):  # type: ignore[no-untyped-def]
            # the data quality goes with the prices: rows left out with --udelad-ugyldige
            # are listed, never dropped silently
            return [
                *assumption_tables(result, str(config), run_time),
                *tables,
                *quality_tables(result),
            ]

        emit(tables, full, ud, format, overskriv, stille, csv_dialekt)
        if notat is not None:
            memo = support_memo(prices, result.cfg.navn, dt.date.today())
            with atomic_path(notat) as tmp:  # whole or not at all
                tmp.write_text(memo, encoding="utf-8", newline="\n")
            typer.echo(f"Skrev {notat}", err=True)
