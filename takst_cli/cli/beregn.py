"""`takst beregn`: everything — a Resumé on screen, every table with --detaljer and in files."""

from __future__ import annotations

from typing import Annotated

import typer

from takst_cli.cli.common import (
    ConfigOpt,
    CsvDialect,
    DialectOpt,
    ExcludeOpt,
    FormatOpt,
    FrozenOpt,
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


def beregn(
    config: ConfigOpt,
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
    streng: StrictOpt = False,
    vis_borger_id: Annotated[
        bool,
        typer.Option(
            "--vis-borger-id", help="Vis borger-id (pseudonymiseret, hvis CPR) ved udeladte rækker."
        ),
    ] = False,
    detaljer: Annotated[
        bool,
        typer.Option(
            "--detaljer",
            help="Vis alle tabeller efter resuméet (projektmappen og filerne rummer dem altid).",
        ),
    ] = False,
    csv_dialekt: DialectOpt = CsvDialect.maskine,
    takstblad: FrozenOpt = None,
) -> None:
    """Beregn timepriser, forløbstakster og datakvalitet ud fra modelfil og eksporter."""
    with error_boundary(ud, format, overskriv, csv_dialekt):
        from takst_cli.report import core as report

        calc = calculate(
            config,
            leverancer,
            visitationer,
            udelad_ugyldige,
            streng,
            show_ids=vis_borger_id,
            takstblad=takstblad,  # prices and tariffs from the takstblad, not the data
        )
        result = calc.run
        tables = [
            *calc.priced_tables(),
            *calc.money_tables(),
            *report.quality_tables(result, vis_borger_id),
        ]
        # the headline numbers first; every table only when asked for (files hold them all)
        screen = [report.summary_table(tables, result.warnings), *(tables if detaljer else [])]
        emit(screen, calc.report, ud, format, overskriv, stille, csv_dialekt)
