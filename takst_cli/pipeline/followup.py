"""Budget follow-up (SPEC §4.6): budget, spend to a date, expected spend for the rest of the
year, deviation and the spend % the date allows; spend and activity by month."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from takst_cli.config import FundingConfig
from takst_cli.errors import DataError
from takst_cli.frames import rows_frame
from takst_cli.models import Col
from takst_cli.pipeline.costing import Pricer
from takst_cli.pipeline.courses import overlap_days
from takst_cli.pipeline.funding import TeamFundingResult, compute_funding

ZERO = Decimal(0)


@dataclass(frozen=True)
class TeamBudgetLine:
    """A team's budget for the year, and its spend to date when the accounts give it."""

    team: str
    budget: Decimal | None
    spend: Decimal | None = None


@dataclass(frozen=True)
class FollowupRow:
    team: str
    budget: Decimal | None
    spend: Decimal
    expected: Decimal  # rest of the year
    source: str  # where the spend comes from


@dataclass(frozen=True)
class Followup:
    date: dt.date
    year: int
    elapsed_days: int
    year_days: int
    method: str  # "løbende" (run rate by days) or "sæson" (last year's months)
    tolerance: float  # percentage points above the allowed spend % before a team is flagged
    rows: list[FollowupRow]
    monthly: list[tuple[int, Decimal]]  # (month, derived spend in the month), all teams
    activity: pl.DataFrame  # team, maaned, borgere, visiterede_timer_dag, leverede_timer_dag
    monthly_source: str = "leverancer"  # or "regnskab": the settled months

    @property
    def allowed(self) -> Decimal:
        """Forbrugs% bør max være: elapsed days / days in the year."""
        return Decimal(self.elapsed_days) / self.year_days


@dataclass(frozen=True)
class LedgerSpend:
    """Spend to date from the settlement ledger: per team, and per month for all teams."""

    teams: dict[str, Decimal]
    months: list[tuple[int, Decimal]]


@dataclass(frozen=True)
class SpendSource:
    """What spend derivation needs from a run: its pricer, tariffs per segment, visits."""

    funding: FundingConfig  # tildeling
    pricer: Pricer
    segments: pl.DataFrame  # course segments (seg_start, seg_end)
    seg_tariffs: pl.DataFrame
    visits: pl.DataFrame  # facts with maaned and til_dato (run with months and a cutoff)
    cancelled: pl.DataFrame
    citizens: pl.DataFrame  # team, maaned, borgere: citizens with delivered visits
    staff_outside: pl.DataFrame | None = None  # in-course visits of staff outside the type
    label: str = "leverancer"  # where the spend comes from, as the follow-up names it


def window_spend(src: SpendSource, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """Spend per team in [start, end] under its own model: what the model settles (activity,
    course weeks × tariffs, the fixed frame pro rata); a team whose model's budget is fixed
    (a frame) spends its cost.
    The window is a month, or a month up to the follow-up date (the facts carry both)."""
    teams = window_funding(src, start, end)
    return {t.team: t.cost if t.rule.fixed_budget else t.funding for t in teams}


def window_funding(src: SpendSource, start: dt.date, end: dt.date) -> list[TeamFundingResult]:
    """Every team's funding in [start, end] (a month, or a month up to the follow-up date):
    the segments' days inside the window, the window's visits, frames pro rata."""
    in_window = _month_window(start, end)
    bounds = src.segments.select(Col.SEGMENT_ID, Col.SEG_START, Col.SEG_END)
    seg = (
        src.seg_tariffs.drop(Col.DAYS)
        .join(bounds, on=Col.SEGMENT_ID)
        .with_columns(overlap_days(start, end).alias(Col.DAYS))
        .filter(pl.col(Col.DAYS) > 0)
    )
    return compute_funding(
        src.funding,
        (start, end),
        src.pricer,
        seg,
        src.visits.filter(in_window),
        src.cancelled.filter(in_window),
        None if src.staff_outside is None else src.staff_outside.filter(in_window),
    )


def _month_window(first: dt.date, last: dt.date) -> pl.Expr:
    """Facts of the month of `first`; only those up to the follow-up date if `last` is before
    the month's end (the follow-up date is the only such cut the facts know)."""
    month_end = dt.date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    in_month = pl.col(Col.MONTH) == pl.lit(dt.date(first.year, first.month, 1))
    return in_month & pl.col(Col.UP_TO_DATE) if last < month_end else in_month


def monthly_spend(src: SpendSource, year: int, last: dt.date) -> dict[int, dict[str, Decimal]]:
    """Spend per month (1-12) and team, up to and including `last`."""
    out: dict[int, dict[str, Decimal]] = {}
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        if first > last:
            break
        end = min(dt.date(year, month, calendar.monthrange(year, month)[1]), last)
        out[month] = window_spend(src, first, end)
    return out


def _elapsed_share(profile: list[Decimal], date: dt.date) -> Decimal:
    """The share of a year's monthly profile that lies up to and including `date`."""
    total = sum(profile, ZERO)
    if not total:
        return ZERO
    done = sum(profile[: date.month - 1], ZERO)
    month_days = calendar.monthrange(date.year, date.month)[1]
    done += profile[date.month - 1] * Decimal(date.day) / month_days
    return done / total


def activity_by_month(src: SpendSource, year: int, last: dt.date) -> pl.DataFrame:
    """Per team and month: citizens with delivered visits, granted and delivered hours per day."""
    rows = []
    teams = sorted(
        set(src.visits[Col.TEAM].unique().to_list())
        | set(src.segments[Col.TEAM].unique().to_list())
    )
    for month in range(1, last.month + 1):
        first = dt.date(year, month, 1)
        end = min(dt.date(year, month, calendar.monthrange(year, month)[1]), last)
        days = (end - first).days + 1
        visits = src.visits.filter(_month_window(first, end))
        citizens = dict(
            src.citizens.filter(pl.col(Col.MONTH) == pl.lit(first))
            .select(Col.TEAM, Col.CITIZENS)
            .iter_rows()
        )
        seg = src.segments.with_columns(
            overlap_days(first, end).clip(lower_bound=0).alias("_overlap")
        )
        for team in teams:
            tv = visits.filter(pl.col(Col.TEAM) == team)
            ts = seg.filter(pl.col(Col.TEAM) == team)
            granted = float((ts["_overlap"] * ts[Col.VISITERET_UGE]).sum() or 0) / 60 / 7
            rows.append(
                (
                    team,
                    month,
                    int(citizens.get(team, 0)),
                    granted / days,
                    float(tv[Col.MINUTTER].sum() or 0) / 60 / days,
                )
            )
    return rows_frame(
        rows,
        {
            Col.TEAM: pl.String,
            Col.MONTH: pl.Int64,
            Col.CITIZENS: pl.Int64,
            "visiterede_timer_dag": pl.Float64,
            "leverede_timer_dag": pl.Float64,
        },
    )


def compute_followup(
    src: SpendSource | None,
    date: dt.date,
    budgets: list[TeamBudgetLine],
    seasonal: bool,
    tolerance: float,
    ledger: LedgerSpend | None = None,
) -> Followup:
    """Follow-up at `date` for its year. Spend comes from the settlement ledger when there is
    one, else from the budget file where it has it, else from the deliveries (`src`; None for
    a follow-up from a budget file alone, which must then hold every team's spend); the
    forecast is the run rate by days or last year's monthly profile."""
    year = date.year
    start = dt.date(year, 1, 1)
    year_days = 366 if calendar.isleap(year) else 365
    elapsed = (date - start).days + 1
    remaining = year_days - elapsed
    if src is None:
        lacking = [
            b.team
            for b in budgets
            if b.spend is None and b.team not in (ledger.teams if ledger else {})
        ]
        if lacking:
            raise DataError(
                f"forbruget til dato mangler for {', '.join(sorted(lacking))}: uden leverancer "
                "kan det ikke udledes; giv det i budgetfilens kolonne forbrug_til_dato, "
                "afregn månederne med takst afregn, eller angiv data.leverancer"
            )
        if seasonal:
            raise DataError("--saeson kræver sidste års leverancer; angiv data.leverancer")
    months = monthly_spend(src, year, date) if src is not None else {}
    derived: dict[str, Decimal] = {}
    for by_team in months.values():
        for team, amount in by_team.items():
            derived[team] = derived.get(team, ZERO) + amount
    profiles: dict[str, list[Decimal]] = {}
    if seasonal and src is not None:
        last_year = monthly_spend(src, year - 1, dt.date(year - 1, 12, 31))
        for m in range(1, 13):
            for team, amount in last_year.get(m, {}).items():
                profiles.setdefault(team, [ZERO] * 12)[m - 1] += amount
    given = {b.team: b for b in budgets}
    rows = []
    for team in sorted(set(given) | set(derived) | set(ledger.teams if ledger else {})):
        line = given.get(team)
        from_file = line is not None and line.spend is not None
        spend = (
            line.spend
            if from_file and line is not None and line.spend is not None
            else (derived.get(team, ZERO))
        )
        source = "budgetfil" if from_file else src.label if src is not None else "leverancer"
        if ledger is not None:  # settled with the frozen tariffs: the accounts' own figure
            if team not in ledger.teams:
                raise DataError(
                    f"teamet {team} har budget, men står ikke i regnskabet; afregn månederne "
                    "igen med en modelfil, der finansierer teamet"
                )
            spend, source = ledger.teams[team], "regnskab"
        share = _elapsed_share(profiles.get(team, []), date) if seasonal else ZERO
        if seasonal and share > 0:
            expected = spend * (1 - share) / share
        else:
            expected = spend / elapsed * remaining
        rows.append(
            FollowupRow(
                team,
                line.budget if line else None,
                spend,
                expected,
                source,
            )
        )
    total_by_month = [(m, sum(v.values(), ZERO)) for m, v in months.items()]
    if ledger is not None:
        total_by_month = ledger.months
    return Followup(
        date,
        year,
        elapsed,
        year_days,
        "sæson" if seasonal else "løbende",
        tolerance,
        rows,
        total_by_month,
        activity_by_month(src, year, date) if src is not None else _no_activity(),
        "regnskab" if ledger is not None else src.label if src is not None else "leverancer",
    )


def _no_activity() -> pl.DataFrame:
    """The activity table of a follow-up without deliveries: its columns, no rows."""
    return rows_frame(
        [],
        {
            Col.TEAM: pl.String,
            Col.MONTH: pl.Int64,
            Col.CITIZENS: pl.Int64,
            "visiterede_timer_dag": pl.Float64,
            "leverede_timer_dag": pl.Float64,
        },
    )
