"""The whole calculation, from mapped inputs to results: one streaming pass folds the visits to
facts, the rest works on those."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from takst_cli.config import MISSING_PRICES, ModelConfig
from takst_cli.errors import ConfigError, DataError, Problem
from takst_cli.frames import column_rows
from takst_cli.io.readers import SourceTable, reading
from takst_cli.models import REASON_CANCELLED, YEAR_IN_HEADER, Col
from takst_cli.money import to_decimal
from takst_cli.pipeline import courses, quality, tariffs
from takst_cli.pipeline import facts as facts_mod
from takst_cli.pipeline.budget import BudgetResult, budget_year, compute_budget
from takst_cli.pipeline.costing import Pricer, sum_minutes
from takst_cli.pipeline.deviation import CellAmount, Decomposition, decompose
from takst_cli.pipeline.followup import (
    Followup,
    LedgerSpend,
    SpendSource,
    TeamBudgetLine,
    compute_followup,
)
from takst_cli.pipeline.funding import TeamFundingResult, compute_funding, segment_tariffs
from takst_cli.pipeline.hourly_price import HourlyPrice, compute_hourly_prices
from takst_cli.pipeline.indexation import (
    IndexFactors,
    index_factors,
    index_prices,
    indexed_overhead,
)
from takst_cli.pipeline.paragraphs import model_spellings, paragraph_forms
from takst_cli.pipeline.parse import (
    DENSE_TEXTS,
    ParsedVisits,
    parse_budgets,
    parse_date,
    parse_grants,
    parse_visits,
    sample_formats,
    sample_paragraphs,
    scope_paragraphs,
    trimmed,
    untidy,
)
from takst_cli.pipeline.plausibility import check_plausibility
from takst_cli.pipeline.pseudonym import pseudonym_key, pseudonymise
from takst_cli.pipeline.quality import InvalidRow, QualityLine
from takst_cli.pipeline.reduction import (
    WIN_END,
    WIN_START,
    ReductionEstimate,
    after_windows,
    estimate_reduction,
    window_candidates,
)
from takst_cli.pipeline.settlement import check_cells, frozen_tariffs, settle_months
from takst_cli.pipeline.visits import count_visits, error_values, split_copies, valid_in_scope

MAX_LISTED = 20


@dataclass(frozen=True)
class InputInfo:
    label: str
    name: str
    sha256: str
    rows: int


@dataclass(frozen=True)
class RunResult:
    cfg: ModelConfig
    period: tuple[dt.date, dt.date]
    prices: list[HourlyPrice]
    tariffs: tariffs.TariffResult
    reduction: ReductionEstimate
    configured_r: float | None
    quality: list[QualityLine]
    invalid: list[InvalidRow]
    inputs: list[InputInfo]
    segments: pl.DataFrame  # course segments with type, phase, level, days
    visits: pl.DataFrame  # facts of delivered in-scope visits: per segment, window, price key
    cancelled: pl.DataFrame  # cancelled visits inside the model's shifts and paragraphs
    cell_visits: pl.DataFrame  # in-course facts with their tariff cell (type, phase, level)
    parsed_visits: pl.LazyFrame  # the coded visits, for the follow-up's citizens per month
    warnings: list[str]  # the plausibility gate's causes for doubt (also in `quality`)
    # in-course facts by staff groups outside their course type (forloeb.<type>.faggrupper)
    staff_outside: pl.DataFrame | None = None


def data_period(cfg: ModelConfig, visits: SourceTable) -> tuple[dt.date, dt.date]:
    """The configured period; a missing end is the first or last valid visit date."""
    fra, til = cfg.periode.fra, cfg.periode.til
    if fra is None or til is None:
        with reading(visits.name):
            span = visits.frame.select(
                parse_date(Col.DATO).min().alias("a"), parse_date(Col.DATO).max().alias("b")
            ).collect(engine="streaming")
        lo, hi = span.row(0)
        if lo is None:
            raise DataError(f"{visits.name}: ingen gyldige datoer; perioden kan ikke bestemmes")
        fra, til = fra or lo, til or hi
    if til < fra:
        raise DataError(f"perioden {fra} til {til} er tom")
    return fra, til


def _stop_on_invalid(invalid: list[InvalidRow]) -> None:
    problems = [
        Problem(f"{r.source} række {r.row}", f"{r.reason}" + (f" ('{r.value}')" if r.value else ""))
        for r in invalid[:MAX_LISTED]
    ]
    more = f"; de første {MAX_LISTED} vises" if len(invalid) > MAX_LISTED else ""
    raise DataError(
        f"{len(invalid)} ugyldige rækker{more}. Ret dem i eksporten, eller kør med "
        "--udelad-ugyldige for at udelade og liste dem i datakvalitetsarket",
        problems,
    )


def _fold_visits(
    cfg: ModelConfig,
    visit_src: SourceTable,
    period: tuple[dt.date, dt.date],
    days: facts_mod.DayMap,
    months: bool,
    cutoff: dt.date | None,
    progress: Callable[[str], None],
) -> tuple[pl.DataFrame, ParsedVisits]:
    """The visits folded to decoded facts (with the offending text of invalid rows), and the
    parse they came from. Untrimmed first where the sample allows, trimmed where that was not
    enough; the per-visit path only where identical visits must be listed."""
    present = set(visit_src.headers)
    with reading(visit_src.name):
        formats = sample_formats(visit_src.frame, present)
        trim = any(formats[c].strip for c in DENSE_TEXTS if c in formats)
        # The model's paragraphs as this export spells them, first as its first rows do
        spellings = set(scope_paragraphs(cfg)) | model_spellings(
            sample_paragraphs(visit_src.frame), cfg, visit_src.name
        )
        megabytes = f"{visit_src.path.stat().st_size / 1e6:,.0f} MB".replace(",", ".")
        progress(f"Læser og summerer {visit_src.name} ({megabytes}) …")
        while True:
            formats = trimmed(formats) if trim else formats
            parsed = parse_visits(
                visit_src.frame, cfg, present, period, formats, trim, paragraphs=sorted(spellings)
            )
            fold = facts_mod.fold_to_facts(
                parsed.frame, days, months, cutoff, categories=parsed.categories
            )
            # a spelling the first rows did not show ('SEL 83' after row 5 000): fold again
            seen = parsed.categories[Col.PARAGRAF].to_series().drop_nulls().to_list()
            respelled = model_spellings(seen, cfg, visit_src.name) - spellings
            retrim = not trim and untidy(parsed, fold.facts[facts_mod.ERROR_CODE])
            if not respelled and not retrim:
                break
            spellings |= respelled
            trim = trim or retrim
            progress(
                f"Læser {visit_src.name} igen, med mellemrum omkring værdierne fjernet …"
                if retrim
                else f"Læser {visit_src.name} igen, med paragraffer skrevet på flere måder …"
            )
        facts = fold.facts
        if fold.may_have_copies:  # identical visits: count and list them
            progress(f"Finder ens besøg i {visit_src.name} …")
            counts = count_visits(parsed.frame).collect(engine="streaming")
            facts = facts_mod.fold_to_facts(
                split_copies(counts).lazy(),
                days,
                months,
                cutoff,
                count_copies=False,
            ).facts
            del counts
        decoded = facts_mod.decode_facts(facts, parsed.errors)
        # one spelling per paragraph from here on (few distinct values: cheap on the facts)
        forms = paragraph_forms(
            decoded[Col.PARAGRAF].drop_nulls().unique().to_list(), cfg, visit_src.name
        )
        decoded = decoded.with_columns(pl.col(Col.PARAGRAF).replace(forms))
        return error_values(visit_src.frame, decoded, parsed.errors), parsed


def _read_grants(grant_src: SourceTable, cfg: ModelConfig) -> pl.DataFrame:
    """The grant history typed (course types by the model's names and synonyms, function levels
    where a type groups by them), copies and unended revisions of a service marked invalid."""
    present = set(grant_src.headers)
    if Col.VISITERET_UGE not in present and not {Col.GANGE_UGE, Col.MINUTTER_GANG} <= present:
        raise DataError(
            f"{grant_src.name}: mangler den visiterede tid — en kolonne med minutter pr. uge "
            f"('{Col.VISITERET_UGE}'), eller både gange pr. uge ('{Col.GANGE_UGE}') og minutter "
            f"pr. gang ('{Col.MINUTTER_GANG}'); navngiv dem under kolonner.visitationer"
        )
    with reading(grant_src.name):
        grants = parse_grants(grant_src.frame, present, cfg.forloeb.type_words()).collect()
    if grants.height == 0:
        raise DataError(
            f"{grant_src.name}: filen har overskrifter, men ingen datarækker ({grant_src.label})"
        )
    return courses.read_function_levels(courses.mark_grant_copies(grants), cfg)


def run(
    cfg: ModelConfig,
    visit_src: SourceTable,
    grant_src: SourceTable,
    exclude_invalid: bool = False,
    months: bool = False,
    cutoff: dt.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> RunResult:
    """Hourly prices, course tariffs, r and data quality for one model and its inputs.

    The grants (small next to the visits) are read and formed into courses first; the visits
    are then folded to facts in one streaming pass. Only an export with identical visits takes
    the slower per-visit path, which lists the copies. `months`/`cutoff` add the month and 'on
    or before the date' to the facts, for the follow-up. `progress` is told each stage as it
    starts."""
    if not cfg.timepris.faggrupper:
        raise ConfigError(f"timepris: {MISSING_PRICES}")
    progress(f"Læser {grant_src.name} …")
    period = data_period(cfg, visit_src)
    grants = _read_grants(grant_src, cfg)
    formed = courses.build_courses(
        grants.filter(pl.col(Col.ERROR).is_null()), cfg, period, grant_src.name
    )
    # a long history is not kept through the visits' pass: only its invalid rows are listed
    grant_rows = grants.height
    grants = grants.filter(pl.col(Col.ERROR).is_not_null())
    segments = formed.segments
    candidates = window_candidates(segments, cfg, period[1])
    days = facts_mod.day_map(segments, candidates, WIN_START, WIN_END, period)

    facts, parsed = _fold_visits(cfg, visit_src, period, days, months, cutoff, progress)
    progress("Beregner timepriser, forløbstakster og r …")
    if int(facts[Col.N_VISITS].sum() or 0) == 0:
        raise DataError(
            f"{visit_src.name}: filen har overskrifter, men ingen datarækker ({visit_src.label})"
        )
    facts, grants = pseudonymise([facts, grants], pseudonym_key(cfg.pseudonymisering.noegle))

    invalid = quality.invalid_rows(grants, grant_src.name, Col.ROW) + quality.invalid_rows(
        facts, visit_src.name, Col.ERROR_ROW
    )
    if invalid and not exclude_invalid:
        _stop_on_invalid(invalid)

    prices = compute_hourly_prices(cfg)
    in_scope = valid_in_scope(facts)
    delivered = (
        in_scope.filter(pl.col(courses.SEGMENT_ID).is_not_null())
        .group_by(courses.SEGMENT_ID)
        .agg(pl.col(Col.MINUTTER).sum())
    )
    segments = courses.assign_levels(segments, delivered, cfg)
    cell_visits = tariffs.cell_visits(in_scope, segments, cfg)
    staff_out = tariffs.staff_outside(in_scope, segments, cfg)

    result = tariffs.compute_tariffs(segments, cell_visits, prices, cfg)
    estimate = estimate_reduction(
        after_windows(candidates, segments, cfg),
        in_scope,
        prices,
        result.stabilising_direct(),
        cfg,
    )
    configured = cfg.forloeb.udviklende.forventet_reduktion
    r, source = (configured, "modelfil") if configured is not None else (estimate.r, "estimeret")
    result = tariffs.apply_reduction(result, r, source, cfg)

    outside = in_scope.filter(pl.col(courses.SEGMENT_ID).is_null())
    in_course = in_scope.filter(pl.col(courses.SEGMENT_ID).is_not_null())
    n_staff = int(staff_out[Col.N_VISITS].sum() or 0)
    m_staff = float(staff_out[Col.MINUTTER].sum() or 0)
    # in a course, of a paragraph the course type does not cover (staff groups apart)
    n_type = (
        int(in_course[Col.N_VISITS].sum() or 0) - int(cell_visits[Col.N_VISITS].sum() or 0)
    ) - n_staff
    m_type = (
        float(in_course[Col.MINUTTER].sum() or 0) - float(cell_visits[Col.MINUTTER].sum() or 0)
    ) - m_staff
    n_out, m_out = int(outside[Col.N_VISITS].sum() or 0), float(outside[Col.MINUTTER].sum() or 0)
    lines = quality.visit_quality(
        facts,
        visit_src.name,
        (n_out, m_out / 60),
        (n_type, m_type / 60),
        (n_staff, m_staff / 60) if any(t.cfg.faggrupper for t in cfg.forloeb.types()) else None,
    ) + quality.grant_quality(grants, grant_rows, grant_src.name, formed)
    # the teams of the visits and of the courses (the grants kept here are the invalid rows)
    teams = {
        *facts.filter(pl.col(Col.ERROR).is_null())[Col.TEAM].drop_nulls().to_list(),
        *segments[Col.TEAM].drop_nulls().to_list(),
    }
    doubts = check_plausibility(cfg, facts, result.rows, teams, (n_out, m_out), (n_type, m_type))
    lines += quality.warning_lines(doubts, visit_src.name)
    inputs = [
        InputInfo(
            visit_src.label, visit_src.name, visit_src.sha256, int(facts[Col.N_VISITS].sum() or 0)
        ),
        InputInfo(grant_src.label, grant_src.name, grant_src.sha256, grant_rows),
    ]
    cancelled = facts.filter(pl.col(Col.ERROR).is_null() & (pl.col(Col.REASON) == REASON_CANCELLED))
    return RunResult(
        cfg,
        period,
        prices,
        result,
        estimate,
        configured,
        lines,
        invalid,
        inputs,
        segments,
        in_scope,
        cancelled,
        cell_visits,
        parsed.frame,
        [w.message for w in doubts],
        staff_out,
    )


@dataclass(frozen=True)
class FundingRun:
    teams: list[TeamFundingResult]
    budget: BudgetResult
    seg_tariffs: pl.DataFrame  # every course segment with the weekly tariff it is paid


def run_funding(r: RunResult) -> FundingRun:
    """Funding per team under each model (§4.4) and the budget year (§4.5)."""
    pricer = Pricer(r.prices, r.cfg.klinik.timepris)
    seg = segment_tariffs(r.segments, r.cell_visits, r.tariffs, pricer, r.cfg)
    teams = compute_funding(r.cfg, r.period, r.prices, seg, r.visits, r.cancelled, r.staff_outside)
    ix = indexed(r)
    if ix is None:
        return FundingRun(teams, compute_budget(r.cfg, r.period, teams, seg), seg)
    # the budget year's prices: the same caseload, priced with the brought-forward tariffs
    seg_i = segment_tariffs(
        r.segments, r.cell_visits, ix.tariffs, Pricer(ix.prices, r.cfg.klinik.timepris), r.cfg
    )
    teams_i = compute_funding(
        r.cfg, r.period, ix.prices, seg_i, r.visits, r.cancelled, r.staff_outside
    )
    budget = compute_budget(r.cfg, r.period, teams_i, seg_i)
    return FundingRun(teams, replace(budget, factors=ix.factors), seg)


@dataclass(frozen=True)
class IndexedTariffs:
    factors: IndexFactors
    prices: list[HourlyPrice]
    tariffs: tariffs.TariffResult


def indexed(r: RunResult) -> IndexedTariffs | None:
    """Hourly prices and tariffs brought forward to the budget year (fremskrivning), or None
    when the model file has no indices. The same visits and weeks, priced at the budget year's
    prices; the overhead's items each by their own wage share; the same r."""
    ix = r.cfg.fremskrivning
    if ix is None:
        return None
    f = index_factors(ix, r.period, budget_year(r.cfg, r.period))
    prices = index_prices(r.prices, r.cfg, f)
    base = tariffs.compute_tariffs(
        r.segments, r.cell_visits, prices, r.cfg, indexed_overhead(r.cfg, f)
    )
    res = tariffs.apply_reduction(base, r.tariffs.reduction_used, r.tariffs.reduction_source, r.cfg)
    return IndexedTariffs(f, prices, res)


def budget_lines(src: SourceTable, exclude_invalid: bool, date: dt.date) -> list[TeamBudgetLine]:
    """Team budgets (and spend to date) from a budget file for the follow-up at `date`. The
    file must be for the date's year wherever it says a year (an `aar` column, a header like
    'Budget 2026', the date the spend was taken) and its spend taken on the date itself:
    spend of another day would be projected as if it were today's."""
    with reading(src.name):
        rows = parse_budgets(src.frame, set(src.headers)).collect()
    if rows.height == 0:
        raise DataError(f"{src.name}: filen har overskrifter, men ingen datarækker (budget)")
    invalid = quality.invalid_rows(rows, src.name, Col.ROW)
    if invalid and not exclude_invalid:
        _stop_on_invalid(invalid)
    valid = rows.filter(pl.col(Col.ERROR).is_null())
    dupes = valid.group_by(Col.TEAM).len().filter(pl.col("len") > 1)[Col.TEAM].to_list()
    if dupes:
        raise DataError(f"{src.name}: teamet står flere gange: {', '.join(sorted(dupes))}")
    years: dict[int, list[Problem]] = {}  # each year other than the date's, and where
    budget_header = src.headers[Col.BUDGET]
    in_header = YEAR_IN_HEADER.search(budget_header)
    if in_header and int(in_header[1]) != date.year:
        where = Problem(f"{src.name}, kolonne '{budget_header}'", f"budget {in_header[1]}")
        years.setdefault(int(in_header[1]), []).append(where)
    taken_on: list[Problem] = []
    for row, year, taken in valid.select(Col.ROW, Col.YEAR, Col.SPEND_DATE).iter_rows():
        if year is not None and year != date.year:
            where = Problem(f"{src.name} række {row}", f"år {year:g}")
            years.setdefault(int(year), []).append(where)
        if taken is not None and taken.year != date.year:
            where = Problem(f"{src.name} række {row}", f"opgjort {taken:%d-%m-%Y}")
            years.setdefault(taken.year, []).append(where)
        elif taken is not None and taken != date:
            taken_on.append(Problem(f"{src.name} række {row}", f"opgjort {taken:%d-%m-%Y}"))
    if years:
        raise DataError(
            f"{src.name}: budgettet gælder {', '.join(map(str, sorted(years)))}, men datoen "
            f"{date:%d-%m-%Y} ligger i {date.year}; giv budgetfilen for {date.year}",
            [p for where in years.values() for p in where][:MAX_LISTED],
        )
    if taken_on:
        raise DataError(
            f"{src.name}: forbruget er opgjort på en anden dag end opfølgningens "
            f"{date:%d-%m-%Y} og kan ikke fremskrives fra den; kør med --dato for den dag, "
            "forbruget er opgjort, eller giv forbruget pr. datoen",
            taken_on[:MAX_LISTED],
        )
    return [
        TeamBudgetLine(team, to_decimal(budget), None if spend is None else to_decimal(spend))
        for team, budget, spend in valid.select(Col.TEAM, Col.BUDGET, Col.SPEND).iter_rows()
    ]


def run_followup(
    r: RunResult,
    fr: FundingRun,
    date: dt.date,
    budget_src: SourceTable | None,
    seasonal: bool = False,
    tolerance: float = 0.0,
    exclude_invalid: bool = False,
    ledger: LedgerSpend | None = None,
) -> Followup:
    """Budget follow-up at `date`: budgets from the file, or the model's budget year."""
    if budget_src is not None:
        lines = budget_lines(budget_src, exclude_invalid, date)
    else:
        year = fr.budget.year
        if date.year != year:
            raise DataError(
                f"datoen {date:%d-%m-%Y} ligger uden for budgetåret {year} (budget.aar i "
                f"modelfilen); giv en budgetfil for {date.year} med --budgetfil eller data.budget"
            )
        lines = [TeamBudgetLine(b.team, b.total) for b in fr.budget.teams]
    if facts_mod.MONTH not in r.visits.columns or facts_mod.UP_TO_DATE not in r.visits.columns:
        raise ValueError("run() must be called with months=True and the follow-up date")
    src = SpendSource(
        r.cfg,
        r.prices,
        r.segments,
        fr.seg_tariffs,
        r.visits,
        r.cancelled,
        facts_mod.citizens_by_month(r.parsed_visits, date),
        r.staff_outside,
    )
    if seasonal:
        prev = (dt.date(date.year - 1, 1, 1), dt.date(date.year - 1, 12, 31))
        if r.period[0] > prev[0] or r.period[1] < prev[1]:
            raise DataError(
                f"sæsonprofilen kræver data for hele {date.year - 1}; dataperioden er "
                f"{r.period[0]:%d-%m-%Y} til {r.period[1]:%d-%m-%Y}"
            )
    return compute_followup(src, date, lines, seasonal, tolerance, ledger)


def takstblad_parts(r: RunResult, model: Path) -> dict[str, Any]:
    """The takstblad of a run: the budget year's prices and tariffs (brought forward when the
    model file has indices), with the model file's and the inputs' SHA-256."""
    from takst_cli.io.takstblad import takstblad_document

    ix = indexed(r)
    prices, result = (r.prices, r.tariffs) if ix is None else (ix.prices, ix.tariffs)
    caseload = run_funding(r).budget.caseload  # the budget year's weeks, at these tariffs
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
    return takstblad_document(
        municipality=r.cfg.navn,
        budget_year=budget_year(r.cfg, r.period),
        period=r.period,
        model=model,
        inputs=[(i.label, i.name, i.sha256, i.rows) for i in r.inputs],
        factors=factors,
        prices=prices,
        clinic_price=r.cfg.klinik.timepris,
        tariffs=[(t.course_type, t.phase, t.level, t.tariff) for t in result.rows],
        overhead_per_week=result.overhead_per_week,
        reduction=result.reduction_used,
        reduction_source=result.reduction_source,
        threshold=r.cfg.forloeb.individual_threshold,
        caseload=[
            (team, t, f, n, weeks, amount)
            for team, t, f, n, weeks, amount in caseload.select(
                Col.TEAM, Col.TYPE, Col.PHASE, Col.LEVEL, "uger", "budget"
            ).iter_rows()
        ],
    )


def run_settlement(
    r: RunResult,
    prices: list[HourlyPrice],
    clinic_price: Decimal | None,
    cells: dict[tuple[str, str, int], Decimal | None],
    overhead: Decimal,
    months: list[str],
    sheet: str,
    sheet_sha: str,
) -> pl.DataFrame:
    """The months settled with the takstblad's frozen prices and tariffs (not the run's own):
    ledger rows per team, month and part (pipeline.settlement)."""
    if facts_mod.MONTH not in r.visits.columns:
        raise ValueError("run() must be called with months=True and the last day as cutoff")
    check_cells(r.segments, cells, r.cfg, sheet)
    pricer = Pricer(prices, clinic_price)
    seg = segment_tariffs(r.segments, r.cell_visits, frozen_tariffs(cells, overhead), pricer, r.cfg)
    src = SpendSource(
        r.cfg, prices, r.segments, seg, r.visits, r.cancelled, pl.DataFrame(), r.staff_outside
    )
    return settle_months(src, months, sheet_sha)


def run_deviation(
    r: RunResult,
    date: dt.date,
    prices: list[HourlyPrice],
    clinic_price: Decimal | None,
    cells: dict[tuple[str, str, int], Decimal | None],
    overhead: Decimal,
    caseload: dict[str, dict[tuple[str, str, int], tuple[Decimal, Decimal]]],
) -> list[Decomposition]:
    """Per course- or activity-funded team, the deviation of its course cells from 1 January
    to `date`: the budget's weeks and kr per cell (the takstblad's, × the share of the year
    elapsed) against the weeks in the data and what they cost — settled with the frozen tariffs
    for a course-funded team; its visits at the frozen hourly prices for an activity-funded
    one, whose budget per week is then the tariff without overhead."""
    start = dt.date(date.year, 1, 1)
    year_days = (dt.date(date.year + 1, 1, 1) - start).days
    share = Decimal((date - start).days + 1) / year_days
    pricer = Pricer(prices, clinic_price)
    seg = segment_tariffs(r.segments, r.cell_visits, frozen_tariffs(cells, overhead), pricer, r.cfg)
    bounds = r.segments.select(courses.SEGMENT_ID, courses.SEG_START, courses.SEG_END)
    weeks = (
        seg.drop(Col.DAYS)
        .join(bounds, on=courses.SEGMENT_ID)
        .with_columns(courses.overlap_days(start, date).alias(Col.DAYS))
        .filter(pl.col(Col.DAYS) > 0)
    )
    key = [Col.TEAM, *tariffs.CELL]
    in_year = r.cell_visits.filter(
        (pl.col(facts_mod.MONTH) >= pl.lit(start)) & pl.col(facts_mod.UP_TO_DATE)
    )
    visit_cost = pricer.price(sum_minutes(in_year, key), key)
    out = []
    for team in sorted(set(weeks[Col.TEAM].unique().to_list()) | set(caseload)):
        rule = r.cfg.tildeling.of(team)
        by_course = (rule.variabel if rule.model == "kombination" else rule.model) == "forloeb"
        if rule.model == "ramme":
            continue
        actual: dict[tuple[str, str, int], CellAmount] = {}
        for _, t, f, n, days, tariff in column_rows(
            weeks.filter(pl.col(Col.TEAM) == team),
            Col.TEAM,
            Col.TYPE,
            Col.PHASE,
            Col.LEVEL,
            Col.DAYS,
            "takst",
        ):
            c = actual.get((t, f, n), CellAmount(Decimal(0), Decimal(0)))
            w = Decimal(days) / 7
            paid = w * tariff if by_course and tariff is not None else Decimal(0)
            actual[(t, f, n)] = CellAmount(c.weeks + w, c.amount + paid)
        if not by_course:
            actual = {
                k: CellAmount(
                    c.weeks, visit_cost[(team, *k)].cost if (team, *k) in visit_cost else Decimal(0)
                )
                for k, c in actual.items()
            }
        budget = {
            k: CellAmount(w * share, a * share if by_course else (a - w * overhead) * share)
            for k, (w, a) in caseload.get(team, {}).items()
        }
        out.append(decompose(team, budget, actual))
    return out
