"""`takst scenarie` (named what-ifs against the model file, side by side) and `takst sammenlign`
(two model files: the keys that differ and each output figure under both)."""

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
    emit,
    error_boundary,
    parse_date,
)

if TYPE_CHECKING:
    from takst_cli.config import ModelConfig
    from takst_cli.config.overrides import Scenario
    from takst_cli.pipeline.scenario import Outcome
    from takst_cli.tables import ReportTable

DateOpt = Annotated[
    str | None,
    typer.Option(
        "--dato",
        metavar="dato",
        help="Tag budgetopfølgningens forventede forbrug pr. team på denne dato med "
        "(DD-MM-ÅÅÅÅ eller ÅÅÅÅ-MM-DD).",
        show_default=False,
    ),
]
BudgetOpt = Annotated[
    Path | None,
    typer.Option(
        "--budgetfil",
        help="Budgetfilen til opfølgningen (med --dato); uden: data.budget eller budgetåret.",
        show_default=False,
    ),
]


def scenarie(
    config: ConfigOpt,
    scenariefil: Annotated[
        Path | None,
        typer.Option(
            "--scenarie",
            metavar="sti",
            help="YAML-fil med navngivne scenarier: scenarier: {navn: {nøglesti: værdi}}.",
            show_default=False,
        ),
    ] = None,
    saet: Annotated[
        list[str] | None,
        typer.Option(
            "--saet",
            metavar="nøgle=værdi",
            help="NØGLE=VÆRDI, fx 'timepris.faggrupper[Sygeplejerske].aarsloen=+4 %' "
            "(kan gentages; ét scenarie).",
            show_default=False,
        ),
    ] = None,
    dato: DateOpt = None,
    budgetfil: BudgetOpt = None,
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
    """Scenarier side om side: timepriser, takster, finansiering, teambudgetter mod grundlaget."""
    day = None if dato is None else parse_date(dato)
    with error_boundary(ud, format, overskriv, csv_dialekt):
        from takst_cli.config.overrides import load_scenarios
        from takst_cli.report.scenario import changes_table

        base, scenarios = load_scenarios(config, scenariefil, saet)
        outcomes = _outcomes(
            config,
            base,
            scenarios,
            leverancer,
            visitationer,
            udelad_ugyldige,
            day,
            budgetfil,
            streng,
        )
        refolded = {o.name: o.refolded for o in outcomes}
        changes = changes_table({s.name: s.overrides for s in scenarios}, refolded)
        _emit(outcomes, changes, ud, format, overskriv, stille, csv_dialekt)


def sammenlign(
    model_a: Annotated[Path, typer.Argument(help="Modelfilen, der sammenlignes fra (A).")],
    model_b: Annotated[Path, typer.Argument(help="Modelfilen, der sammenlignes med (B).")],
    dato: DateOpt = None,
    budgetfil: BudgetOpt = None,
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
    """To modelfiler: nøglerne, der er forskellige, og hvert tal under A og under B."""
    day = None if dato is None else parse_date(dato)
    with error_boundary(ud, format, overskriv, csv_dialekt):
        from takst_cli.config.overrides import compare_models, model_labels
        from takst_cli.report.scenario import changes_table

        base, scenario = compare_models(model_a, model_b)
        label_a, label_b = model_labels(model_a, model_b)
        outcomes = _outcomes(
            model_a,
            base,
            [scenario],
            leverancer,
            visitationer,
            udelad_ugyldige,
            day,
            budgetfil,
            streng,
            label_a,
        )
        changes = changes_table(
            {scenario.name: scenario.overrides},
            {o.name: o.refolded for o in outcomes},
            f"Nøgler, der er forskellige i {label_b} og {label_a} (værdien i "
            f"{label_b}; '–': nøglen findes ikke)",
        )
        _emit(outcomes, changes, ud, format, overskriv, stille, csv_dialekt)


def _outcomes(
    path: Path,
    base: ModelConfig,
    scenarios: list[Scenario],
    visits: Path | None,
    grants: Path | None,
    exclude_invalid: bool,
    day: dt.date | None,
    budget_file: Path | None,
    strict: bool,
    base_name: str | None = None,
) -> list[Outcome]:
    from takst_cli import api
    from takst_cli.cli.render import make_console, working
    from takst_cli.errors import Problem, TakstError

    with working("Læser modelfil og eksporter …") as stage:
        outcomes = api.scenarios(
            api.Model(config=base, path=path),  # the base model, read from `path`
            scenarios,
            visits=visits,
            grants=grants,
            exclude_invalid=exclude_invalid,
            date=day,
            budget_file=budget_file,
            base_name=base_name,
            progress=stage,
        )
    warnings = [(o.name, w) for o in outcomes for w in o.result.warnings]
    if warnings and strict:
        raise TakstError(
            f"plausibilitetstjekket gav {len(warnings)} advarsel(er), og med --streng "
            "stopper kørslen; intet er skrevet",
            [Problem(name, w) for name, w in warnings],
        )
    console = make_console(stderr=True)
    for name, warning in warnings:
        console.print(f"Advarsel ({name}): {warning}", markup=False, soft_wrap=True)
    return outcomes


def _emit(
    outcomes: list[Outcome],
    changes: ReportTable,
    out: Path | None,
    fmt: object,
    overwrite: bool,
    quiet: bool,
    dialect: CsvDialect,
) -> None:
    from takst_cli.report.scenario import comparison_table

    screen = [changes, comparison_table(outcomes, only_changed=True)]
    full = [changes, comparison_table(outcomes)]
    emit(screen, lambda _t: full, out, fmt, overwrite, quiet, dialect)  # type: ignore[arg-type]
