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
    with error_boundary(ud, format, overskriv):
        from takst_cli.pipeline.run import run_funding
        from takst_cli.report import core as report
        from takst_cli.report import followup as report_followup
        from takst_cli.report import funding as report_funding

        result = calculate(config, leverancer, visitationer, udelad_ugyldige, strict=streng)
        frozen = None
        if takstblad is not None:  # prices and tariffs from the takstblad, not the data
            from takst_cli.cli.common import frozen_funding
            from takst_cli.report.cycle import frozen_tables

            sheet, funding = frozen_funding(config, takstblad, result)
            frozen = frozen_tables(sheet)
        else:
            funding = run_funding(result)
        source = result.cfg.tildeling.delegeret_sygepleje.kilde
        money = [
            *report_funding.model_tables(funding.teams, source),
            *report_funding.budget_tables(funding.budget),
            *report_followup.effect_tables(result),
        ]
        if result.cfg.frit_valg is not None:  # the workbook's Frit valg sheet
            from takst_cli.pipeline.free_choice import from_run
            from takst_cli.report.free_choice import free_choice_tables

            money += free_choice_tables(from_run(result))
        priced = frozen or [report.price_table(result.prices), *report.tariff_tables(result)]
        tables = [*priced, *money, *report.quality_tables(result, vis_borger_id)]
        # the headline numbers first; every table only when asked for (files hold them all)
        screen = [report.summary_table(tables, result.warnings), *(tables if detaljer else [])]

        shown = tables

        def full(run_time):  # type: ignore[no-untyped-def]
            if frozen is not None:  # the computed prices' sheets would contradict the takstblad
                return shown
            from takst_cli.report.workbook import funding_model

            tables = report.tariff_report(result, str(config), run_time, vis_borger_id)
            quality_at = next(i for i, t in enumerate(tables) if t.sheet == "Datakvalitet")
            return tables[:quality_at] + funding_model(result, funding, money) + tables[quality_at:]

        emit(screen, full, ud, format, overskriv, stille, csv_dialekt)
