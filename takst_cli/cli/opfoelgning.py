"""`takst opfoelgning`: the monthly budget follow-up, made for cron."""

from __future__ import annotations

import datetime as dt
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
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
    streng: StrictOpt = False,
) -> None:
    """Budgetopfølgning pr. team på en dato: budget, forbrug, forventet forbrug og afvigelse."""
    day = _date(dato)
    with error_boundary(ud, format, overskriv):
        from takst_cli.cli.common import read_budget
        from takst_cli.pipeline.run import run_followup, run_funding
        from takst_cli.report_followup import followup_tables

        result = calculate(
            config, leverancer, visitationer, udelad_ugyldige, True, day, strict=streng
        )
        budget_src = read_budget(result.cfg, budgetfil)
        followup = run_followup(
            result, run_funding(result), day, budget_src, saeson, tolerance, udelad_ugyldige
        )
        tables = followup_tables(followup)
        emit(tables, lambda _t: tables, ud, format, overskriv, stille)
