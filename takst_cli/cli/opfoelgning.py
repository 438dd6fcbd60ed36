"""`takst opfoelgning`: the monthly budget follow-up, made for cron."""

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


def _date(text: str) -> dt.date:
    from takst_cli.cli.common import parse_date

    return parse_date(text)


def opfoelgning(
    config: ConfigOpt,
    dato: Annotated[
        str,
        typer.Option(
            "--dato", help="Opgørelsesdato, dd-mm-åååå eller åååå-mm-dd.", show_default=False
        ),
    ],
    budgetfil: Annotated[
        Path | None,
        typer.Option(
            "--budgetfil",
            help="Budget pr. team (team, budget [, forbrug_til_dato, aar]); "
            "erstatter data.budget. Uden: modelfilens budgetår.",
        ),
    ] = None,
    saeson: Annotated[
        bool,
        typer.Option(
            "--saeson",
            "--sæson",
            help="Forventet forbrug efter sidste års månedsprofil i stedet for "
            "løbende gennemsnit pr. dag.",
        ),
    ] = False,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance",
            min=0,
            max=100,
            help="Procentpoint over den tilladte forbrugsprocent før et team markeres.",
        ),
    ] = 0.0,
    regnskab: Annotated[
        Path | None,
        typer.Option(
            "--regnskab",
            help="Regnskabet fra takst afregn (Parquet); forbruget tages herfra. Uden: "
            "afregning.parquet ved siden af modelfilen, hvis den findes.",
        ),
    ] = None,
    takstblad: Annotated[
        Path | None,
        typer.Option(
            "--takstblad",
            help="Takstbladet (.json), budgettet blev lagt med: afvigelsen forklares som "
            "volumen, mix og pris mod dets borgeruger og takster.",
        ),
    ] = None,
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
    """Budgetopfølgning pr. team på en dato: budget, forbrug, forventet forbrug og afvigelse."""
    day = _date(dato)
    with error_boundary(ud, format, overskriv, csv_dialekt):
        from takst_cli import api
        from takst_cli.cli.common import warn_if_model_changed

        model = api.load_model(config)
        alone = leverancer is None and model.config.data.leverancer is None
        # the takstblad checked before the calculation: a wrong one stops the run at once
        sheet = None if takstblad is None else api.follow_up_takstblad(takstblad, day, alone)
        ledger = api.ledger_spend(model, day, regnskab)
        calc = None
        if not alone:
            calc = calculate(
                config, leverancer, visitationer, udelad_ugyldige, streng, follow_up_date=day
            )
            if takstblad is not None and sheet is not None:
                warn_if_model_changed(config, takstblad, sheet)
        result = api.follow_up(
            model,
            day,
            calculation=calc,
            budget_file=budgetfil,
            seasonal=saeson,
            tolerance=tolerance,
            exclude_invalid=udelad_ugyldige,
            ledger=ledger,
            takstblad=sheet,
        )
        tables = result.report()
        emit(tables, lambda _t: tables, ud, format, overskriv, stille, csv_dialekt)
