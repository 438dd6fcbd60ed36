"""`takst opfoelgning`: the monthly budget follow-up, made for cron."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from takst_cli.io.takstblad import Takstblad
    from takst_cli.pipeline.followup import LedgerSpend
    from takst_cli.pipeline.run import FundingRun, RunResult
    from takst_cli.tables import ReportTable


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
    with error_boundary(ud, format, overskriv):
        from takst_cli.cli.common import read_budget
        from takst_cli.config import load_config
        from takst_cli.errors import ConfigError
        from takst_cli.pipeline.followup import compute_followup
        from takst_cli.pipeline.parse import Notation
        from takst_cli.pipeline.run import budget_lines, run_followup, run_funding
        from takst_cli.report.followup import followup_tables

        cfg = load_config(config)
        alone = leverancer is None and cfg.data.leverancer is None
        # the takstblad checked before the calculation: a wrong one stops the run at once
        sheet = None if takstblad is None else _sheet_for(takstblad, day, alone)
        ledger = _ledger_spend(config, regnskab, day)
        result: RunResult | None = None
        if alone:
            # a follow-up from a budget file alone: no visits, grants or hourly prices
            budget_src = read_budget(cfg, budgetfil)
            if budget_src is None:
                raise ConfigError(
                    f"{config}: uden leverancer bygger opfølgningen på en budgetfil; angiv "
                    "data.budget i modelfilen eller --budgetfil"
                )
            lines = budget_lines(budget_src, udelad_ugyldige, day, Notation.of(cfg))
            followup = compute_followup(None, day, lines, saeson, tolerance, ledger)
        else:
            result = calculate(
                config, leverancer, visitationer, udelad_ugyldige, True, day, strict=streng
            )
            budget_src = read_budget(result.cfg, budgetfil)
            # with a takstblad the spend is what the settlement pays: its prices and tariffs
            funding = (
                run_funding(result)
                if takstblad is None or sheet is None
                else _frozen_funding(config, takstblad, sheet, result)
            )
            followup = run_followup(
                result,
                funding,
                day,
                budget_src,
                saeson,
                tolerance,
                udelad_ugyldige,
                ledger,
            )
        tables = followup_tables(followup)
        if sheet is not None and result is not None:
            tables.append(_deviation(sheet, day, result))
        emit(tables, lambda _t: tables, ud, format, overskriv, stille, csv_dialekt)


def _ledger_spend(config: Path, given: Path | None, day: dt.date) -> LedgerSpend | None:
    """Spend per team from the settlement ledger: --regnskab (which must exist), else
    afregning.parquet beside the model file if there is one, else None."""
    from takst_cli.errors import DataError
    from takst_cli.io.ledger import read_ledger
    from takst_cli.pipeline.settlement import ledger_spend

    path = given or config.resolve().parent / "afregning.parquet"
    ledger = read_ledger(path)
    if ledger is None:
        if given is not None:
            raise DataError(f"{given}: regnskabet findes ikke; lav det med takst afregn")
        return None
    return ledger_spend(ledger, day, str(path))


def _frozen_funding(config: Path, path: Path, sheet: Takstblad, result: RunResult) -> FundingRun:
    """The year's funding priced with the takstblad: the spend the settlement would pay."""
    from takst_cli.cli.common import warn_if_model_changed
    from takst_cli.pipeline.run import run_funding_frozen

    warn_if_model_changed(config, path, sheet)
    return run_funding_frozen(
        result,
        sheet.prices,
        sheet.clinic_price,
        sheet.tariffs,
        sheet.overhead_per_week,
        None,  # the follow-up's year is the date's, checked before; not the model's budget year
        path.name,
    )


def _sheet_for(path: Path, day: dt.date, alone: bool) -> Takstblad:
    """The takstblad for explaining the deviation: for the date's year, with the budget's
    parts, and with the year's visits and grants to explain it from."""
    from takst_cli.errors import ConfigError
    from takst_cli.io.takstblad import read_takstblad

    if alone:
        raise ConfigError(
            f"--takstblad {path}: afvigelsen forklares ud fra årets borgeruger; angiv "
            "leverancer og visitationer (data.leverancer, data.visitationer)"
        )
    sheet = read_takstblad(path)
    if sheet.budget_year != day.year:
        raise ConfigError(
            f"--takstblad {path}: takstbladet gælder {sheet.budget_year}, men datoen "
            f"{day:%d-%m-%Y} ligger i {day.year}"
        )
    if sheet.parts is None:
        raise ConfigError(
            f"--takstblad {path}: takstbladet har ingen budget_dele (aktivitet, delegeret "
            "sygepleje og rammer pr. team) og er lavet med en ældre takst; afvigelsen kan ikke "
            "forklares for alle dele. Lav takstbladet igen med takst takstblad"
        )
    return sheet


def _deviation(sheet: Takstblad, day: dt.date, result: RunResult) -> ReportTable:
    """The deviation of every funded part split into volume, mix and price (a frame apart)."""
    from takst_cli.pipeline.run import run_deviation
    from takst_cli.report.cycle import deviation_table

    assert sheet.parts is not None  # _sheet_for refuses a takstblad without them
    rows = run_deviation(
        result,
        day,
        sheet.prices,
        sheet.clinic_price,
        sheet.tariffs,
        sheet.overhead_per_week,
        sheet.caseload,
        sheet.parts,
    )
    return deviation_table(rows, day)
