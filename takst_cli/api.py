"""The library's face: load a model, calculate, fund, budget, follow up, validate and write.
The CLI and the tests go through here; so can a notebook (`import takst_cli`). This is the one
place that wires files to the pipeline: it opens the exports (io/), hands the pipeline frames,
sizes, checksums and the environment's key, and turns results into tables (report/)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import polars as pl

from takst_cli.config import ModelConfig, Period, load_config
from takst_cli.errors import ConfigError, DataError, Problem, TakstError, mask_cpr
from takst_cli.io.readers import SourceTable, read_table, reading
from takst_cli.io.writers import data_and_total, table_frame, write_files, write_workbook
from takst_cli.models import (
    BUDGET_FIELDS,
    BUDGET_LOOKALIKES,
    BUDGET_SYNONYMS,
    LEVERANCER_FIELDS,
    VISITATIONER_FIELDS,
    Col,
    Takstblad,
)
from takst_cli.pipeline.budget import BudgetResult
from takst_cli.pipeline.followup import Followup, LedgerSpend, compute_followup
from takst_cli.pipeline.funding import TeamFundingResult
from takst_cli.pipeline.ingest import Export
from takst_cli.pipeline.parse import Notation
from takst_cli.pipeline.pseudonym import KEY_ENV
from takst_cli.pipeline.run import (
    FundingRun,
    RunResult,
    budget_lines,
    data_period,
    indexed,
    run,
    run_funding,
)
from takst_cli.tables import ReportTable, mask_tables

if TYPE_CHECKING:
    from takst_cli.config.overrides import Scenario
    from takst_cli.pipeline.scenario import Outcome

__all__ = [
    "Budget",
    "Calculation",
    "Effect",
    "Finding",
    "FollowUp",
    "Funding",
    "Model",
    "Results",
    "Validation",
    "budget",
    "calculate",
    "effect",
    "follow_up",
    "fund",
    "load_model",
    "validate",
    "write",
]

OUT_FORMATS = ("xlsx", "csv", "json", "parquet")


@dataclass(frozen=True, kw_only=True)
class Model:
    """A model file read and checked: its typed config and where it was read from (its data
    paths are absolute, relative to the file)."""

    config: ModelConfig
    path: Path


def load_model(path: str | Path) -> Model:
    """Read and validate a model file; every problem at once, with its key path."""
    path = Path(path)
    return Model(config=load_config(path), path=path)


def _model(model: Model | str | Path) -> Model:
    return model if isinstance(model, Model) else load_model(model)


@dataclass(frozen=True, kw_only=True)
class Exports:
    """The two exports a calculation reads, mapped to the model's columns."""

    visits: Export
    grants: Export


def _export(src: SourceTable) -> Export:
    """The reader's table as the pipeline takes it: the file's size, SHA-256 and read errors
    come from here (the pipeline never opens or stats a file)."""
    return Export(
        src.frame,
        src.headers,
        src.name,
        src.path.stat().st_size,
        label=src.label,
        digest=lambda: src.sha256,
        reading=partial(reading, src.name, src.path),
    )


def read_exports(model: Model, visits: Path | None = None, grants: Path | None = None) -> Exports:
    """The model's visits and grants (paths given here win over the model file's)."""
    cfg = model.config
    cols = cfg.kolonner
    visit_src = read_table(
        "leverancer",
        visits or cfg.data.leverancer,
        LEVERANCER_FIELDS,
        {f: cols.header("leverancer", f) for f in LEVERANCER_FIELDS},
        cfg.data.leverancer_ark,
    )
    grant_src = read_table(
        "visitationer",
        grants or cfg.data.visitationer,
        VISITATIONER_FIELDS,
        {f: cols.header("visitationer", f) for f in VISITATIONER_FIELDS},
        cfg.data.visitationer_ark,
    )
    return Exports(visits=_export(visit_src), grants=_export(grant_src))


def read_budget(model: Model, path: Path | None = None) -> Export | None:
    """The budget file given here or in the model file, if any."""
    cfg = model.config
    target = path or cfg.data.budget
    if target is None:
        return None
    headers = {f: cfg.kolonner.header("budget", f) for f in BUDGET_FIELDS}
    # Danish headers ('Forbrug til dato', 'År', 'Budget 2026') for the fields not mapped
    synonyms = {f: BUDGET_SYNONYMS[f] for f in BUDGET_FIELDS if f not in cfg.kolonner.budget}
    src = read_table(
        "budget", target, BUDGET_FIELDS, headers, cfg.data.budget_ark, synonyms, BUDGET_LOOKALIKES
    )
    return _export(src)


class Results:
    """A result with Danish tables: `report()` gives them as the CLI shows and writes them,
    `tables` as Polars frames by table key, as the files hold them (money and hours as exact
    Decimal columns; a total row apart under '<key>_i_alt'; CPR-shaped text masked)."""

    def report(self, run_time: dt.datetime | None = None) -> list[ReportTable]:
        raise NotImplementedError

    @cached_property
    def tables(self) -> Mapping[str, pl.DataFrame]:
        # built once, read-only like the result it belongs to
        return MappingProxyType(
            {
                key: table_frame(part)
                for t in mask_tables(self.report())
                if not t.workbook_only
                for key, part in data_and_total(t)
            }
        )


def _data_rows(table: ReportTable) -> pl.DataFrame:
    """A table's data rows as a frame (its total row, as in the files, apart)."""
    return table_frame(data_and_total(table)[0][1])


@dataclass(frozen=True, kw_only=True)
class Calculation(Results):
    """`takst beregn`: hourly prices, tariffs, r, the funding models, the budget, the effect
    and the data quality of one model over its exports. `run` holds the typed figures."""

    model: Model
    run: RunResult
    show_ids: bool = False  # list excluded rows with their (pseudonymised) citizen id
    # prices and tariffs for the funding and budget from this takstblad, not the run's own
    takstblad: Takstblad | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(self.run.warnings)

    @cached_property
    def funding(self) -> FundingRun:
        if self.takstblad is None:
            return run_funding(self.run)
        return frozen_funding(self.run, self.takstblad, self.takstblad.budget_year)

    def priced_tables(self) -> list[ReportTable]:
        """The hourly prices and tariffs: the takstblad's source and figures when it has one,
        else the run's."""
        from takst_cli.report.core import price_table, tariff_tables
        from takst_cli.report.cycle import frozen_tables

        if self.takstblad is not None:
            return frozen_tables(self.takstblad)
        return [price_table(self.run.prices), *tariff_tables(self.run)]

    @property
    def prices(self) -> pl.DataFrame:
        from takst_cli.report.core import price_table

        return _data_rows(price_table(self.run.prices))

    @property
    def tariffs(self) -> pl.DataFrame:
        from takst_cli.report.core import tariff_table

        return _data_rows(tariff_table(self.run))

    def money_tables(self) -> list[ReportTable]:
        """The funding, budget, effect (and free choice) tables of the run."""
        return list(self._money)

    @cached_property
    def _money(self) -> tuple[ReportTable, ...]:
        # built once: `beregn` shows them and writes them, and free choice is a pass of its own
        from takst_cli.report import followup as report_followup
        from takst_cli.report import funding as report_funding

        source = self.run.cfg.tildeling.delegeret_sygepleje.kilde
        tables = [
            *report_funding.model_tables(self.funding.teams, source),
            *report_funding.budget_tables(self.funding.budget),
            *report_followup.effect_tables(self.run),
        ]
        if self.run.cfg.frit_valg is not None:  # the workbook's Frit valg sheet
            from takst_cli.pipeline.free_choice import from_run
            from takst_cli.report.free_choice import free_choice_tables

            tables += free_choice_tables(from_run(self.run))
        return tuple(tables)

    def report(self, run_time: dt.datetime | None = None) -> list[ReportTable]:
        """Every table of `takst beregn`, in the workbook's sheet order."""
        from takst_cli.report.core import in_sheet_order, quality_tables, tariff_report

        if self.takstblad is not None:  # the computed prices' sheets would contradict it
            quality = quality_tables(self.run, self.show_ids)
            return in_sheet_order([*self.priced_tables(), *self.money_tables(), *quality])
        core = tariff_report(self.run, str(self.model.path), run_time, self.show_ids)
        return in_sheet_order([*core, *self._workbook_money])

    @cached_property
    def _workbook_money(self) -> tuple[ReportTable, ...]:
        # the money tables as formulas of tariffs and volumes, with Oversigt's teams,
        # Teamgrundlag and Forløbsfinansiering (report.workbook.funding_model attaches the
        # formulas to the tables beregn also shows): built once
        from takst_cli.report.workbook import funding_model

        return tuple(funding_model(self.run, self.funding, self.money_tables()))


def calculate(
    model: Model | str | Path,
    *,
    visits: Path | None = None,
    grants: Path | None = None,
    exclude_invalid: bool = False,
    months: bool = False,
    cutoff: dt.date | None = None,
    follow_up_date: dt.date | None = None,
    show_ids: bool = False,
    takstblad: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Calculation:
    """Run the model over its exports (or `visits`/`grants` instead of the model file's).
    `exclude_invalid`: list invalid rows in the data quality instead of stopping. `months` and
    `cutoff`: the month and 'on or before the date' on the facts (settlement, follow-up);
    `follow_up_date` sets both and counts the citizens per month for `follow_up`. The
    pseudonym key in the environment (TAKST_PSEUDONYM_NOEGLE) wins over the model file's.
    `takstblad`: the funding and budget priced with its frozen prices and tariffs (read
    before the calculation; it must be for the model's budget year)."""
    from takst_cli.io.takstblad import read_takstblad

    model = _model(model)
    sheet = None if takstblad is None else read_takstblad(takstblad)
    exports = read_exports(model, visits, grants)
    if follow_up_date is not None:
        months, cutoff = True, follow_up_date
    result = run(
        model.config,
        exports.visits,
        exports.grants,
        exclude_invalid,
        months,
        cutoff,
        progress,
        env_key=os.environ.get(KEY_ENV),
        citizens_to=follow_up_date,
    )
    return Calculation(model=model, run=result, show_ids=show_ids, takstblad=sheet)


def calculate_months(
    model: Model | str | Path,
    months: Sequence[str],
    *,
    visits: Path | None = None,
    grants: Path | None = None,
    exclude_invalid: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> Calculation:
    """The model run over whole months ('ÅÅÅÅ-MM', in order; its period replaced by them),
    with the month on every fact — for the settlement. The exports must cover every month."""
    from takst_cli.pipeline.settlement import month_bounds

    model = _model(model)
    first, last = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    exports = read_exports(model, visits, grants)
    # the model's periode is the tariffs' base period; the settlement's is the export's own
    cfg = model.config.model_copy(update={"periode": Period()})
    span = data_period(cfg, exports.visits)
    if span[0] > first or span[1] < last:
        which = months[0] if len(months) == 1 else f"{months[0]} til {months[-1]}"
        raise DataError(
            f"{exports.visits.name}: leverancerne går fra {span[0]:%d-%m-%Y} til "
            f"{span[1]:%d-%m-%Y} og dækker ikke hele {which} ({first:%d-%m-%Y} til "
            f"{last:%d-%m-%Y}); en måned afregnes kun fra en eksport, der rummer hele måneden"
        )
    cfg = cfg.model_copy(update={"periode": Period(fra=span[0], til=span[1])})
    result = run(
        cfg,
        exports.visits,
        exports.grants,
        exclude_invalid,
        True,
        last,
        progress,
        env_key=os.environ.get(KEY_ENV),
    )
    return Calculation(model=model, run=result)


def scenarios(
    model: Model | str | Path,
    scenarios: Sequence[Scenario],
    *,
    visits: Path | None = None,
    grants: Path | None = None,
    exclude_invalid: bool = False,
    date: dt.date | None = None,
    budget_file: Path | None = None,
    base_name: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> list[Outcome]:
    """The model and each scenario (config.overrides.load_scenarios) on the visits folded
    once (pipeline.scenario): prices, tariffs, funding, budget and, with `date`, the
    follow-up (budgets from `budget_file` or the model file's data.budget)."""
    from takst_cli.pipeline.scenario import BASE, run_scenarios

    model = _model(model)
    exports = read_exports(model, visits, grants)
    budget_src = read_budget(model, budget_file) if date is not None else None
    return run_scenarios(
        model.config,
        list(scenarios),
        exports.visits,
        exports.grants,
        exclude_invalid,
        date,
        budget_src,
        progress,
        base_name or BASE,
        env_key=os.environ.get(KEY_ENV),
    )


@dataclass(frozen=True, kw_only=True)
class Funding(Results):
    """`takst fordeling`: activity, frame and course funding per team, side by side."""

    teams: tuple[TeamFundingResult, ...]
    source: str  # where delegated nursing is paid from (tildeling.delegeret_sygepleje.kilde)

    def report(self, run_time: dt.datetime | None = None) -> list[ReportTable]:
        from takst_cli.report.funding import model_tables

        return model_tables(list(self.teams), self.source)


def fund(calculation: Calculation) -> Funding:
    """Funding per team under each model (§4.4)."""
    return Funding(
        teams=tuple(calculation.funding.teams),
        source=calculation.run.cfg.tildeling.delegeret_sygepleje.kilde,
    )


@dataclass(frozen=True, kw_only=True)
class Budget(Results):
    """`takst budget`: team budgets for the budget year, by part and by month; with indices in
    the model file, the prices brought forward beside the period's."""

    budget: BudgetResult
    index: ReportTable | None = None

    def report(self, run_time: dt.datetime | None = None) -> list[ReportTable]:
        from takst_cli.report.funding import budget_tables

        tables = budget_tables(self.budget)
        return tables if self.index is None else [self.index, *tables]


def budget(calculation: Calculation) -> Budget:
    """The budget year (§4.5) of a calculation."""
    from takst_cli.report.cycle import index_table

    r = calculation.run
    funding = calculation.funding
    ix = None if funding.prices is not None else indexed(r)  # a takstblad's are the year's
    index = None if ix is None else index_table(r.prices, ix.prices, ix.factors)
    return Budget(budget=funding.budget, index=index)


@dataclass(frozen=True, kw_only=True)
class Effect(Results):
    """`takst effekt`: the realised effect of development courses."""

    run: RunResult

    def report(self, run_time: dt.datetime | None = None) -> list[ReportTable]:
        from takst_cli.report.followup import effect_tables

        return effect_tables(self.run)


def effect(calculation: Calculation) -> Effect:
    return Effect(run=calculation.run)


@dataclass(frozen=True, kw_only=True)
class FollowUp(Results):
    """`takst opfoelgning`: budget, spend, expected spend and deviation per team on a date;
    with a takstblad, the course cells' deviation split into volume, mix and price."""

    followup: Followup
    deviation: ReportTable | None = None

    def report(self, run_time: dt.datetime | None = None) -> list[ReportTable]:
        from takst_cli.report.followup import followup_tables

        tables = followup_tables(self.followup)
        return tables if self.deviation is None else [*tables, self.deviation]


def ledger_spend(model: Model, date: dt.date, path: Path | None = None) -> LedgerSpend | None:
    """Spend per team from the settlement ledger: `path` (which must exist), else
    afregning.parquet beside the model file if there is one, else None."""
    from takst_cli.pipeline.settlement import ledger_spend as spend_of

    target = path or model.path.resolve().parent / "afregning.parquet"
    ledger = read_ledger(target)
    if ledger is None:
        if path is not None:
            raise DataError(f"{path}: regnskabet findes ikke; lav det med takst afregn")
        return None
    return spend_of(ledger, date, str(target))


def read_ledger(path: Path) -> pl.DataFrame | None:
    """The settlement ledger at `path`, or None when there is none yet; a file that is not a
    ledger stops the run."""
    from takst_cli.io.ledger import read_ledger as read
    from takst_cli.pipeline.settlement import LEDGER_SCHEMA

    return read(path, LEDGER_SCHEMA)


def record_settlement(path: Path, settled: pl.DataFrame) -> None:
    """The settled months into the ledger at `path`, replacing those months and keeping every
    other row, atomically and under a lock."""
    from takst_cli.io.ledger import update_ledger
    from takst_cli.pipeline.settlement import LEDGER_SCHEMA, replace_months

    update_ledger(path, LEDGER_SCHEMA, lambda ledger: replace_months(ledger, settled))


def follow_up_takstblad(path: Path, day: dt.date, alone: bool = False) -> Takstblad:
    """The takstblad for explaining the follow-up's deviation: for the date's year, with the
    budget's parts, and (not `alone`: a budget file without data) with the year's visits and
    grants to explain it from. Checked before any calculation."""
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


def follow_up(
    model: Model | str | Path,
    date: dt.date,
    *,
    calculation: Calculation | None = None,
    budget_file: Path | None = None,
    seasonal: bool = False,
    tolerance: float = 0.0,
    exclude_invalid: bool = False,
    ledger: LedgerSpend | None = None,
    takstblad: Takstblad | Path | None = None,
) -> FollowUp:
    """The budget follow-up at `date`: budgets from `budget_file` (or the model file's
    data.budget, or the model's budget year), spend from `ledger` (see `ledger_spend`) or the
    data. Without leverancer in the model file, a budget file alone. `calculation` must come
    from `calculate(..., follow_up_date=date)`; without one it is made here. With `takstblad`
    (see `follow_up_takstblad`) the spend is what the settlement pays — its prices and
    tariffs — and the deviation of every funded part is split into volume, mix and price."""
    model = _model(model)
    cfg = model.config
    alone = calculation is None and cfg.data.leverancer is None
    sheet = (
        follow_up_takstblad(takstblad, date, alone) if isinstance(takstblad, Path) else takstblad
    )
    deviation = None
    if alone:
        # a follow-up from a budget file alone: no visits, grants or hourly prices
        src = read_budget(model, budget_file)
        if src is None:
            raise ConfigError(
                f"{model.path}: uden leverancer bygger opfølgningen på en budgetfil; angiv "
                "data.budget i modelfilen eller --budgetfil"
            )
        lines = budget_lines(src, exclude_invalid, date, Notation.of(cfg))
        followup = compute_followup(None, date, lines, seasonal, tolerance, ledger)
    else:
        from takst_cli.pipeline.run import run_followup

        if calculation is None:
            calculation = calculate(model, exclude_invalid=exclude_invalid, follow_up_date=date)
        # the follow-up's year is the date's (checked above), not the model's budget year
        funding = (
            calculation.funding if sheet is None else frozen_funding(calculation.run, sheet, None)
        )
        followup = run_followup(
            calculation.run,
            funding,
            date,
            read_budget(model, budget_file),
            seasonal,
            tolerance,
            exclude_invalid,
            ledger,
        )
        if sheet is not None:
            deviation = _deviation(sheet, date, calculation.run)
    return FollowUp(followup=followup, deviation=deviation)


def _deviation(sheet: Takstblad, day: dt.date, r: RunResult) -> ReportTable:
    """The deviation of every funded part split into volume, mix and price (a frame apart)."""
    from takst_cli.pipeline.run import run_deviation
    from takst_cli.report.cycle import deviation_table

    assert sheet.parts is not None  # follow_up_takstblad refuses a takstblad without them
    rows = run_deviation(
        r,
        day,
        sheet.prices,
        sheet.clinic_price,
        sheet.tariffs,
        sheet.overhead_per_week,
        sheet.caseload,
        sheet.parts,
    )
    return deviation_table(rows, day)


def frozen_funding(r: RunResult, sheet: Takstblad, year: int | None) -> FundingRun:
    """Funding and the budget with the takstblad's frozen prices and tariffs; `year`, when
    given, must be the takstblad's (the model's budget year)."""
    from takst_cli.pipeline.run import run_funding_frozen

    return run_funding_frozen(
        r,
        sheet.prices,
        sheet.clinic_price,
        sheet.tariffs,
        sheet.overhead_per_week,
        year,
        sheet.path.name,
    )


def takstblad(calculation: Calculation) -> dict[str, Any]:
    """The takstblad of a calculation: the budget year's prices and tariffs (brought forward
    when the model file has indices), with the model file's and the inputs' SHA-256."""
    from takst_cli.io.takstblad import takstblad_document
    from takst_cli.pipeline.budget import budget_year
    from takst_cli.pipeline.run import takstblad_budget_parts, takstblad_rounded

    r = calculation.run
    ix = indexed(r)
    prices, result = (r.prices, r.tariffs) if ix is None else (ix.prices, ix.tariffs)
    fr = calculation.funding
    caseload = fr.budget.caseload  # the budget year's weeks, at these tariffs
    factors = None
    if ix is not None:
        f = ix.factors
        factors = {
            "fra_aar": f.from_year,
            "til_aar": f.to_year,
            "loenfaktor": str(f.wage),
            "prisfaktor": str(f.price),
            "kilde": f.source,
            "dato": f.published.isoformat(),
            "loenandele": dict(sorted(f.wage_shares.items())),
        }
    # each team's rows add up to its budget in øre (rounded together, not one by one)
    rows, parts = takstblad_rounded(
        fr.budget,
        [
            (team, t, f, n, weeks, amount)
            for team, t, f, n, weeks, amount in caseload.select(
                Col.TEAM, Col.TYPE, Col.PHASE, Col.LEVEL, Col.WEEKS, Col.AMOUNT
            ).iter_rows()
        ],
        takstblad_budget_parts(r, fr, r.pricer if ix is None else ix.pricer),
    )
    return takstblad_document(
        municipality=r.cfg.navn,
        budget_year=budget_year(r.cfg, r.period),
        period=r.period,
        model=calculation.model.path,
        inputs=[(i.label, i.name, i.sha256, i.rows) for i in r.inputs],
        factors=factors,
        prices=prices,
        clinic_price=r.cfg.klinik.timepris,
        tariffs=[(t.course_type, t.phase, t.level, t.tariff) for t in result.rows],
        overhead_per_week=result.overhead_per_week,
        reduction=result.reduction_used,
        reduction_source=result.reduction_source,
        threshold=r.cfg.forloeb.individual_threshold,
        caseload=rows,
        parts=parts,
    )


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One problem of one model file, where it is written."""

    file: str
    key: str
    line: int | None  # None: a problem of a data file, not of a line in the YAML
    column: int | None
    message: str  # CPR-shaped text masked
    severity: str  # "fejl" or "advarsel"


@dataclass(frozen=True, kw_only=True)
class Validation:
    """`takst valider`: every problem of one model file (and with data, its exports)."""

    path: Path
    findings: tuple[Finding, ...] = field(default=())
    config: ModelConfig | None = None  # the model when it has no errors

    @property
    def valid(self) -> bool:
        return not any(f.severity == "fejl" for f in self.findings)


def validate(
    path: str | Path, data: bool = False, *, strict: bool = False, today: dt.date | None = None
) -> Validation:
    """Every problem of a model file in one round — schema and meaning together, the
    warnings, and with `data` its exports — each with its key, line and column. `strict`:
    warnings count as errors."""
    from takst_cli.config import semantic_warnings
    from takst_cli.pipeline.free_choice import free_choice_warnings
    from takst_cli.pipeline.validate import data_problems, key_positions, locate

    path = Path(path)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    cfg: ModelConfig | None = None
    try:
        model = load_model(path)
        cfg = model.config
        if data:  # the model file and its exports, read once
            exports = read_exports(model)
            errors, warnings = data_problems(cfg, exports.visits, exports.grants)
        if cfg.scenarier:  # each of its scenarios validated like a model file
            from takst_cli.config.overrides import load_scenarios

            load_scenarios(path)
        day = today or dt.date.today()
        warnings = semantic_warnings(cfg) + free_choice_warnings(cfg, day) + warnings
    except TakstError as exc:
        errors = exc.problems or [Problem("", exc.message)]
    if strict:
        errors, warnings = errors + warnings, []
    try:
        positions = key_positions(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        positions = {"": (1, 1)}
    findings = []
    for severity, problems in (("fejl", errors), ("advarsel", warnings)):
        for p in problems:
            key, line, column = locate(p, positions)
            findings.append(
                Finding(
                    file=str(path),
                    key=key,
                    line=line,
                    column=column,
                    message=mask_cpr(str(p)),
                    severity=severity,
                )
            )
    return Validation(path=path, findings=tuple(findings), config=cfg if not errors else None)


def write(
    result: Results | Sequence[ReportTable],
    target: str | Path,
    format: str | None = None,
    *,
    overwrite: bool = False,
    dialect: str = "maskine",
    run_time: dt.datetime | None = None,
) -> list[Path]:
    """Write a result's tables: `format` 'xlsx' (a workbook; the default for a .xlsx target)
    or 'csv'/'json'/'parquet' (one file per table in the folder `target`; the default
    otherwise). Every table is masked for CPR-shaped text first. The workbook carries
    `run_time`; files never do, so the same inputs give byte-identical files. Returns the
    paths written."""
    target = Path(target)
    fmt = format or ("xlsx" if target.suffix.lower() == ".xlsx" else "csv")
    if fmt not in OUT_FORMATS:
        raise TakstError(f"ukendt format '{fmt}'; brug {', '.join(OUT_FORMATS)}")
    when = run_time if fmt == "xlsx" else None
    tables = result.report(when) if isinstance(result, Results) else list(result)
    if fmt == "xlsx":
        return write_workbook(target, mask_tables(tables), overwrite)
    return write_files(target, mask_tables(tables), fmt, overwrite, dialect)
