"""The whole calculation, from mapped inputs to results: one streaming pass folds the visits to
facts, the rest works on those."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import polars as pl

from takst_cli.config import MISSING_PRICES, ModelConfig
from takst_cli.errors import ConfigError, DataError, Problem
from takst_cli.format import format_number
from takst_cli.models import REASON_CANCELLED, REASON_EMPTY, YEAR_IN_HEADER, Col, Part
from takst_cli.money import round_ore, round_parts, to_decimal
from takst_cli.pipeline import courses, quality, tariffs
from takst_cli.pipeline import facts as facts_mod
from takst_cli.pipeline.budget import BudgetResult, budget_year, compute_budget
from takst_cli.pipeline.costing import Pricer
from takst_cli.pipeline.deviation import (
    DEVIATION_PARTS,
    CellAmount,
    Decomposition,
    PartCells,
    decompose,
    frame_deviation,
    part_cells,
)
from takst_cli.pipeline.followup import (
    Followup,
    LedgerSpend,
    SpendSource,
    TeamBudgetLine,
    compute_followup,
)
from takst_cli.pipeline.funding import (
    TeamFundingResult,
    compute_funding,
    delegated_expr,
    segment_tariffs,
    year_share,
)
from takst_cli.pipeline.hourly_price import HourlyPrice, compute_hourly_prices
from takst_cli.pipeline.indexation import (
    IndexFactors,
    index_factors,
    index_prices,
    indexed_overhead,
)
from takst_cli.pipeline.ingest import Export, ingest_grants, ingest_visits
from takst_cli.pipeline.parse import (
    BUDGET_KINDS,
    Notation,
    ids_apart,
    parse_budgets,
    parse_date,
    whole_dates,
    whole_formats,
)
from takst_cli.pipeline.plausibility import check_plausibility
from takst_cli.pipeline.pseudonym import pseudonym_key, pseudonymise
from takst_cli.pipeline.quality import InvalidRow, QualityLine
from takst_cli.pipeline.reduction import (
    ReductionEstimate,
    after_windows,
    estimate_reduction,
    window_candidates,
)
from takst_cli.pipeline.settlement import check_cells, frozen_tariffs, settle_months
from takst_cli.pipeline.visits import valid_in_scope

MAX_LISTED = 20


@dataclass(frozen=True)
class InputInfo:
    label: str
    name: str
    sha256: str
    rows: int


@dataclass(frozen=True, kw_only=True)
class RunResult:
    """What `run` found: the prices, tariffs and r, the data's quality, and the facts the
    funding, budget and follow-up go on from (all pseudonymised)."""

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
    # citizens with delivered visits per team and month up to the follow-up's date (None
    # unless `run` was given `citizens_to`): distinct citizens do not add up across facts
    citizens: pl.DataFrame | None = None
    warnings: list[str]  # the plausibility gate's causes for doubt (also in `quality`)
    pricer: Pricer  # the run's prices and clinic rule: tariffs, r, funding, follow-up
    # in-course facts by staff groups outside their course type (forloeb.<type>.faggrupper)
    staff_outside: pl.DataFrame | None = None


def data_period(cfg: ModelConfig, visits: Export) -> tuple[dt.date, dt.date]:
    """The configured period; a missing end is the first or last valid visit date."""
    fra, til = cfg.periode.fra, cfg.periode.til
    if fra is None or til is None:
        with visits.reading():
            date = parse_date(Col.DATO, whole_dates(Notation.of(cfg)))
            span = visits.frame.select(date.min().alias("a"), date.max().alias("b")).collect(
                engine="streaming"
            )
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
        f"{format_number(len(invalid), 0)} ugyldige rækker{more}. Ret dem i eksporten, eller "
        "kør med --udelad-ugyldige for at udelade og liste dem i datakvalitetsarket",
        problems,
    )


@dataclass(frozen=True)
class Folded:
    """The fold stage's result: everything that depends on the data and on the fold-relevant
    parts of the model (period, paragraphs and shifts in scope, courses, bands and levels).
    The price stage (`price`) turns it into a RunResult for any model that folds the same."""

    period: tuple[dt.date, dt.date]
    facts: pl.DataFrame  # every visit fact, pseudonymised, with its error reason
    grants: pl.DataFrame  # the invalid grant rows (pseudonymised)
    grant_rows: int
    skipped: int  # grant lines of nothing but separators
    formed: courses.Courses
    candidates: pl.DataFrame  # after-phase windows' candidates
    segments: pl.DataFrame  # course segments with type, phase, level, days
    in_scope: pl.DataFrame
    cell_visits: pl.DataFrame
    staff_out: pl.DataFrame
    citizens: pl.DataFrame | None  # per team and month, when fold was given `citizens_to`
    invalid: list[InvalidRow]
    inputs: list[InputInfo]
    visit_name: str
    quality: list[QualityLine]  # the data quality of inputs and fold (no plausibility yet)
    teams: set[str]  # the teams of the visits and of the courses
    outside: tuple[int, float]  # in-scope visits and minutes outside every course
    other_type: tuple[int, float]  # in a course, of a paragraph its type does not cover
    cancelled: pl.DataFrame  # cancelled visits inside the model's shifts and paragraphs


def fold(
    cfg: ModelConfig,
    visit_src: Export,
    grant_src: Export,
    exclude_invalid: bool = False,
    months: bool = False,
    cutoff: dt.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
    *,
    env_key: str | None = None,
    citizens_to: dt.date | None = None,
) -> Folded:
    """The fold stage: grants formed into courses, the visits folded to facts in one streaming
    pass, levels assigned and the in-course facts given their tariff cell. Only an export with
    identical visits takes the slower per-visit path, which lists the copies. `months`/`cutoff`
    add the month and 'on or before the date' to the facts, for the follow-up. `env_key`: the
    pseudonym key the environment gives (it wins over the model file's). `citizens_to`: count
    the citizens per team and month up to that date, for the follow-up (a second, narrow pass
    over the visits)."""
    if not cfg.timepris.faggrupper:
        raise ConfigError(f"timepris: {MISSING_PRICES}")
    progress(f"Læser {grant_src.name} …")
    period = data_period(cfg, visit_src)
    with grant_src.reading():
        grants = ingest_grants(grant_src, cfg)
    grant_rows = grants.height
    empty = pl.col(Col.ERROR).eq_missing(REASON_EMPTY)
    skipped = grants.filter(empty).height  # lines of nothing but separators
    grants = grants.filter(~empty)
    formed = courses.build_courses(
        grants.filter(pl.col(Col.ERROR).is_null()), cfg, period, grant_src.name
    )
    # a long history is not kept through the visits' pass: only its invalid rows are listed
    grant_ids = grants[Col.BORGER].unique()
    grants = grants.filter(pl.col(Col.ERROR).is_not_null())
    segments = formed.segments
    candidates = window_candidates(segments, cfg, period[1])
    days = facts_mod.day_map(segments, candidates, Col.WIN_START, Col.WIN_END, period)

    with visit_src.reading():
        facts, parsed = ingest_visits(visit_src, cfg, period, days, months, cutoff, progress)
    apart = ids_apart(parsed.categories[Col.BORGER].to_series(), grant_ids)
    if apart:  # each file's column decided alone; a citizen written both ways must not be lost
        raise DataError(
            f"{apart} borgere står som et tal med 9 cifre i den ene fil og som CPR-nummer i den "
            f"anden ({visit_src.name}, {grant_src.name}): kolonnen blander CPR-numre med andre "
            "tal, så takst kan ikke afgøre, om tallet er et CPR-nummer, der har mistet sit "
            "foranstillede 0. Skriv borger-id'erne ens i de to filer (fx som tekst med 10 cifre)"
        )
    progress("Beregner timepriser, forløbstakster og r …")
    if int(facts[Col.N_VISITS].sum() or 0) == 0:
        raise DataError(
            f"{visit_src.name}: filen har overskrifter, men ingen datarækker ({visit_src.label})"
        )
    facts, grants = pseudonymise(
        [facts, grants], pseudonym_key(cfg.pseudonymisering.noegle, env_key)
    )

    invalid = quality.invalid_rows(grants, grant_src.name, Col.ROW) + quality.invalid_rows(
        facts, visit_src.name, Col.ERROR_ROW
    )
    if invalid and not exclude_invalid:
        _stop_on_invalid(invalid)

    in_scope = valid_in_scope(facts)
    delivered = (
        in_scope.filter(pl.col(Col.SEGMENT_ID).is_not_null())
        .group_by(Col.SEGMENT_ID)
        .agg(pl.col(Col.MINUTTER).sum())
    )
    segments = courses.assign_levels(segments, delivered, cfg)
    cell_visits = tariffs.cell_visits(in_scope, segments, cfg)
    staff_out = tariffs.staff_outside(in_scope, segments, cfg)

    # the data quality of the fold, the same for every model that folds the same
    outside = in_scope.filter(pl.col(Col.SEGMENT_ID).is_null())
    in_course = in_scope.filter(pl.col(Col.SEGMENT_ID).is_not_null())
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
    ) + quality.grant_quality(grants, grant_rows, grant_src.name, formed, skipped)
    # the teams of the visits and of the courses (the grants kept here are the invalid rows)
    teams = {
        *facts.filter(pl.col(Col.ERROR).is_null())[Col.TEAM].drop_nulls().to_list(),
        *segments[Col.TEAM].drop_nulls().to_list(),
    }
    cancelled = facts.filter(pl.col(Col.ERROR).is_null() & (pl.col(Col.REASON) == REASON_CANCELLED))
    inputs = [
        InputInfo(
            visit_src.label, visit_src.name, visit_src.digest(), int(facts[Col.N_VISITS].sum() or 0)
        ),
        InputInfo(grant_src.label, grant_src.name, grant_src.digest(), grant_rows),
    ]
    citizens = None
    if citizens_to is not None:
        with visit_src.reading():
            citizens = facts_mod.citizens_by_month(parsed.frame, citizens_to)
    return Folded(
        period,
        facts,
        grants,
        grant_rows,
        skipped,
        formed,
        candidates,
        segments,
        in_scope,
        cell_visits,
        staff_out,
        citizens,
        invalid,
        inputs,
        visit_src.name,
        lines,
        teams,
        (n_out, m_out),
        (n_type, m_type),
        cancelled,
    )


def _without_r(cfg: ModelConfig) -> Any:
    dev = cfg.forloeb.udviklende.model_copy(update={"forventet_reduktion": None})
    return cfg.forloeb.model_copy(update={"udviklende": dev})


def price(cfg: ModelConfig, fd: Folded, same_fold: RunResult | None = None) -> RunResult:
    """The price stage: hourly prices, course tariffs, r and data quality for a model on data
    folded by `fold` (with a model that folds the same). No pass over the visits.
    `same_fold`: a result priced on the same `fd`, whose estimate of r is taken when its
    inputs (prices, clinic, course types, the stabilising tariffs) are the same."""
    facts, segments, in_scope, cell_visits = fd.facts, fd.segments, fd.in_scope, fd.cell_visits
    staff_out, candidates, period = fd.staff_out, fd.candidates, fd.period
    prices = compute_hourly_prices(cfg)

    pricer = Pricer.of(prices, cfg.klinik)  # the run's one pricer: tariffs, r, funding
    result = tariffs.compute_tariffs(segments, cell_visits, pricer, cfg)
    stabilising = result.stabilising_direct()
    if (
        same_fold is not None
        and same_fold.prices == prices
        and same_fold.cfg.klinik == cfg.klinik
        and _without_r(same_fold.cfg) == _without_r(cfg)
        and same_fold.tariffs.stabilising_direct() == stabilising
    ):
        estimate = same_fold.reduction
    else:
        estimate = estimate_reduction(
            after_windows(candidates, segments, cfg), in_scope, pricer, stabilising
        )
    configured = cfg.forloeb.udviklende.forventet_reduktion
    r, source = (configured, "modelfil") if configured is not None else (estimate.r, "estimeret")
    result = tariffs.apply_reduction(result, r, source, cfg)

    doubts = check_plausibility(cfg, facts, result.rows, fd.teams, fd.outside, fd.other_type)
    lines = fd.quality + quality.warning_lines(doubts, fd.visit_name)
    return RunResult(
        cfg=cfg,
        period=period,
        prices=prices,
        tariffs=result,
        reduction=estimate,
        configured_r=configured,
        quality=lines,
        invalid=list(fd.invalid),
        inputs=list(fd.inputs),
        segments=segments,
        visits=in_scope,
        cancelled=fd.cancelled,
        cell_visits=cell_visits,
        citizens=fd.citizens,
        warnings=[w.message for w in doubts],
        pricer=pricer,
        staff_outside=staff_out,
    )


def run(
    cfg: ModelConfig,
    visit_src: Export,
    grant_src: Export,
    exclude_invalid: bool = False,
    months: bool = False,
    cutoff: dt.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
    *,
    env_key: str | None = None,
    citizens_to: dt.date | None = None,
) -> RunResult:
    """Hourly prices, course tariffs, r and data quality for one model and its inputs: the fold
    stage (one streaming pass over the visits) and the price stage composed. `progress` is told
    each stage as it starts; `env_key` and `citizens_to` as in `fold`."""
    folded = fold(
        cfg,
        visit_src,
        grant_src,
        exclude_invalid,
        months,
        cutoff,
        progress,
        env_key=env_key,
        citizens_to=citizens_to,
    )
    return price(cfg, folded)


@dataclass(frozen=True)
class FundingRun:
    teams: list[TeamFundingResult]
    budget: BudgetResult
    seg_tariffs: pl.DataFrame  # every course segment with the weekly tariff it is paid
    # from a takstblad (run_funding_frozen): its prices, and the pricer of them and its clinic
    # price (the model file's clinic price may have moved since the takstblad was frozen)
    prices: list[HourlyPrice] | None = None
    pricer: Pricer | None = None


def run_funding(r: RunResult) -> FundingRun:
    """Funding per team under each model (§4.4) and the budget year (§4.5)."""
    pricer = r.pricer
    funding = r.cfg.tildeling
    seg = segment_tariffs(r.segments, r.cell_visits, r.tariffs, pricer, r.cfg.forloeb)
    teams = compute_funding(funding, r.period, pricer, seg, r.visits, r.cancelled, r.staff_outside)
    ix = indexed(r)
    if ix is None:
        return FundingRun(teams, compute_budget(r.cfg, r.period, teams, seg), seg)
    # the budget year's prices: the same caseload, priced with the brought-forward tariffs
    seg_i = segment_tariffs(r.segments, r.cell_visits, ix.tariffs, ix.pricer, r.cfg.forloeb)
    teams_i = compute_funding(
        funding, r.period, ix.pricer, seg_i, r.visits, r.cancelled, r.staff_outside
    )
    budget = compute_budget(r.cfg, r.period, teams_i, seg_i)
    return FundingRun(teams, replace(budget, factors=ix.factors), seg)


def run_funding_frozen(
    r: RunResult,
    prices: list[HourlyPrice],
    clinic_price: Decimal | None,
    cells: dict[tuple[str, str, int], Decimal | None],
    overhead: Decimal,
    year: int | None,
    sheet: str,
) -> FundingRun:
    """Funding (§4.4) and the budget year (§4.5) with a takstblad's frozen prices and tariffs
    instead of the run's own: the same caseload, visits and frames, priced as the takstblad
    says (its prices are the budget year's already: nothing is brought forward again). The
    takstblad must be for the model's budget year and hold a tariff for every course cell."""
    own = budget_year(r.cfg, r.period)
    if year is not None and year != own:
        raise DataError(
            f"{sheet}: takstbladet gælder {year}, men modelfilens budgetår er {own} (budget.aar "
            "eller året efter dataperioden); brug takstbladet for budgetåret"
        )
    check_cells(r.segments, cells, r.cfg.forloeb, sheet, "dataperiodens")
    pricer = frozen_pricer(r, prices, clinic_price)
    frozen = frozen_tariffs(cells, overhead)
    seg = segment_tariffs(r.segments, r.cell_visits, frozen, pricer, r.cfg.forloeb)
    teams = compute_funding(
        r.cfg.tildeling, r.period, pricer, seg, r.visits, r.cancelled, r.staff_outside
    )
    return FundingRun(teams, compute_budget(r.cfg, r.period, teams, seg), seg, prices, pricer)


def frozen_pricer(r: RunResult, prices: list[HourlyPrice], clinic_price: Decimal | None) -> Pricer:
    """A takstblad's prices and clinic price, with the model's clinic share: the model file's
    clinic price may have moved since, and activity priced at it would not be what the
    takstblad froze."""
    return Pricer(prices, clinic_price, r.cfg.klinik.andel)


@dataclass(frozen=True)
class IndexedTariffs:
    factors: IndexFactors
    prices: list[HourlyPrice]
    tariffs: tariffs.TariffResult
    pricer: Pricer  # the budget year's prices


def indexed(r: RunResult) -> IndexedTariffs | None:
    """Hourly prices and tariffs brought forward to the budget year (fremskrivning), or None
    when the model file has no indices. The same visits and weeks, priced at the budget year's
    prices; the overhead's items each by their own wage share; the same r."""
    ix = r.cfg.fremskrivning
    if ix is None:
        return None
    f = index_factors(ix, r.period, budget_year(r.cfg, r.period))
    prices = index_prices(r.prices, r.cfg, f)
    pricer = Pricer.of(prices, r.cfg.klinik)
    base = tariffs.compute_tariffs(
        r.segments, r.cell_visits, pricer, r.cfg, indexed_overhead(r.cfg, f)
    )
    res = tariffs.apply_reduction(base, r.tariffs.reduction_used, r.tariffs.reduction_source, r.cfg)
    return IndexedTariffs(f, prices, res, pricer)


def budget_lines(
    src: Export, exclude_invalid: bool, date: dt.date, notation: Notation | None = None
) -> list[TeamBudgetLine]:
    """Team budgets (and spend to date) from a budget file for the follow-up at `date`. The
    file must be for the date's year wherever it says a year (an `aar` column, a header like
    'Budget 2026', the date the spend was taken) and its spend taken on the date itself:
    spend of another day would be projected as if it were today's. Amounts by their column's
    notation (`whole_formats`)."""
    with src.reading():
        kinds = {c: k for c, k in BUDGET_KINDS.items() if c in src.headers}
        formats = whole_formats(src.frame, kinds, notation or Notation(), src.name, src.headers)
        rows = parse_budgets(src.frame, set(src.headers), formats).collect()
    rows = rows.filter(pl.col(Col.ERROR).ne_missing(REASON_EMPTY))  # lines of separators only
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
    budget_src: Export | None,
    seasonal: bool = False,
    tolerance: float = 0.0,
    exclude_invalid: bool = False,
    ledger: LedgerSpend | None = None,
) -> Followup:
    """Budget follow-up at `date`: budgets from the file, or the model's budget year."""
    if budget_src is not None:
        lines = budget_lines(budget_src, exclude_invalid, date, Notation.of(r.cfg))
    else:
        year = fr.budget.year
        if date.year != year:
            raise DataError(
                f"datoen {date:%d-%m-%Y} ligger uden for budgetåret {year} (budget.aar i "
                f"modelfilen); giv en budgetfil for {date.year} med --budgetfil eller data.budget"
            )
        lines = [TeamBudgetLine(b.team, b.total) for b in fr.budget.teams]
    if (
        Col.MONTH not in r.visits.columns
        or Col.UP_TO_DATE not in r.visits.columns
        or r.citizens is None
    ):
        raise ValueError("run() must be called with months=True and the follow-up date")
    src = SpendSource(
        r.cfg.tildeling,
        fr.pricer or r.pricer,
        r.segments,
        fr.seg_tariffs,
        r.visits,
        r.cancelled,
        r.citizens,
        r.staff_outside,
        "leverancer" if fr.prices is None else "leverancer (takstblad)",
    )
    if seasonal:
        prev = (dt.date(date.year - 1, 1, 1), dt.date(date.year - 1, 12, 31))
        if r.period[0] > prev[0] or r.period[1] < prev[1]:
            raise DataError(
                f"sæsonprofilen kræver data for hele {date.year - 1}; dataperioden er "
                f"{r.period[0]:%d-%m-%Y} til {r.period[1]:%d-%m-%Y}"
            )
    return compute_followup(src, date, lines, seasonal, tolerance, ledger)


def takstblad_budget_parts(
    r: RunResult, fr: FundingRun, pricer: Pricer
) -> list[tuple[str, str, tuple[Any, ...], Decimal | None, Decimal]]:
    """The budget year's parts other than the course cells, by cell, for the takstblad: the
    data period's weeks, hours and kr at the budget year's prices (`pricer`) × the budget's scale
    (days and growth), and each team's frame for the year. Per team they add up, with its
    course cells, to the team's budget. Rows: (team, part, cell, quantity, kr)."""
    scale = fr.budget.scale
    cells = part_cells(
        r.cfg.tildeling,
        pricer,
        fr.seg_tariffs,
        tariffs.with_cells(r.visits, r.segments, r.cfg),
        r.cancelled,
        r.staff_outside,
        delegated_expr(r.cfg.tildeling, pricer),
    )
    rows: list[tuple[str, str, tuple[Any, ...], Decimal | None, Decimal]] = []
    for team in sorted(cells):
        for part in DEVIATION_PARTS:
            if part == Part.COURSE:  # the takstblad's `budget` (caseload) holds these
                continue
            for cell, c in sorted(cells[team].get(part, {}).items(), key=repr):
                rows.append((team, part, cell, c.quantity * scale, c.amount * scale))
    for b in fr.budget.teams:
        if b.parts[Part.FRAME]:
            rows.append((b.team, Part.FRAME, (), None, b.parts[Part.FRAME]))
    return sorted(rows, key=lambda x: (x[0], DEVIATION_PARTS.index(x[1])))


CaseloadRow = tuple[str, str, str, int, Decimal, Decimal]  # team, type, fase, niveau, weeks, kr
PartRow = tuple[str, str, tuple[Any, ...], Decimal | None, Decimal]  # team, part, cell, qty, kr


def takstblad_rounded(
    budget: BudgetResult, caseload: list[CaseloadRow], parts: list[PartRow]
) -> tuple[list[CaseloadRow], list[PartRow]]:
    """The takstblad's amounts in øre. A team's rows (its budget_dele, and its course cells when
    course weeks pay its variable part) are rounded together (money.round_parts) to the team's
    budget rounded once: rounded one by one they could miss it by some øre. A course cell of a
    team not paid by course weeks is no part of its budget (only the need mix's base): alone."""
    kr_case = [round_ore(row[5]) for row in caseload]
    kr_parts = [round_ore(row[4]) for row in parts]
    for b in budget.teams:
        mine_parts = [i for i, row in enumerate(parts) if row[0] == b.team]
        mine_case = (
            [i for i, row in enumerate(caseload) if row[0] == b.team] if b.rule.pays_course else []
        )
        exact = [parts[i][4] for i in mine_parts] + [caseload[i][5] for i in mine_case]
        rounded = round_parts(exact, b.total)
        for k, i in enumerate(mine_parts):
            kr_parts[i] = rounded[k]
        for k, i in enumerate(mine_case):
            kr_case[i] = rounded[len(mine_parts) + k]
    return (
        [(*row[:5], kr) for row, kr in zip(caseload, kr_case, strict=True)],  # type: ignore[misc]
        [(*row[:4], kr) for row, kr in zip(parts, kr_parts, strict=True)],  # type: ignore[misc]
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
    if Col.MONTH not in r.visits.columns:
        raise ValueError("run() must be called with months=True and the last day as cutoff")
    check_cells(r.segments, cells, r.cfg.forloeb, sheet)
    pricer = frozen_pricer(r, prices, clinic_price)
    seg = segment_tariffs(
        r.segments, r.cell_visits, frozen_tariffs(cells, overhead), pricer, r.cfg.forloeb
    )
    src = SpendSource(
        r.cfg.tildeling,
        pricer,
        r.segments,
        seg,
        r.visits,
        r.cancelled,
        pl.DataFrame(),
        r.staff_outside,
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
    budget_parts: PartCells,
) -> list[Decomposition]:
    """Per team and funded part, the deviation from 1 January to `date` (pipeline.deviation):
    the budget is the takstblad's (its weeks, hours and kr for the year × the share of the
    year elapsed); the spend what the settlement pays for the same days with the frozen
    prices and tariffs (course weeks × tariff, visits × hourly price, the frame pro rata).
    Rows in team order, each team's parts in DEVIATION_PARTS order."""
    start = dt.date(date.year, 1, 1)
    share = year_share(start, date)
    pricer = frozen_pricer(r, prices, clinic_price)
    seg = segment_tariffs(
        r.segments, r.cell_visits, frozen_tariffs(cells, overhead), pricer, r.cfg.forloeb
    )
    bounds = r.segments.select(Col.SEGMENT_ID, Col.SEG_START, Col.SEG_END)
    weeks = (
        seg.drop(Col.DAYS)
        .join(bounds, on=Col.SEGMENT_ID)
        .with_columns(courses.overlap_days(start, date).alias(Col.DAYS))
        .filter(pl.col(Col.DAYS) > 0)
    )
    in_year = (pl.col(Col.MONTH) >= pl.lit(start)) & pl.col(Col.UP_TO_DATE)
    actual = part_cells(
        r.cfg.tildeling,
        pricer,
        weeks,
        tariffs.with_cells(r.visits.filter(in_year), r.segments, r.cfg),
        r.cancelled.filter(in_year),
        None if r.staff_outside is None else r.staff_outside.filter(in_year),
        delegated_expr(r.cfg.tildeling, pricer),
    )
    budget: PartCells = {
        team: {part: dict(c) for part, c in parts.items()} for team, parts in budget_parts.items()
    }
    for team, by_cell in caseload.items():
        if r.cfg.tildeling.of(team).pays_course:
            budget.setdefault(team, {})[Part.COURSE] = {
                k: CellAmount(w, a) for k, (w, a) in by_cell.items()
            }
    out = []
    named = {t.team for t in r.cfg.tildeling.teams if t.team}  # a frame team may have no data
    for team in sorted(set(actual) | set(budget) | named):
        rule = r.cfg.tildeling.of(team)
        b_parts, a_parts = budget.get(team, {}), actual.get(team, {})
        for part in DEVIATION_PARTS[:-1]:
            if part in b_parts or part in a_parts:
                b = {
                    k: CellAmount(c.quantity * share, c.amount * share)
                    for k, c in b_parts.get(part, {}).items()
                }
                out.append(decompose(team, b, a_parts.get(part, {}), part))
        # the frame as the settlement pays it: the model file's, pro rata by days
        settled = rule.yearly_frame()
        planned = sum((c.amount for c in b_parts.get(Part.FRAME, {}).values()), Decimal(0))
        if settled or planned:
            out.append(frame_deviation(team, planned * share, settled * share))
    return out
