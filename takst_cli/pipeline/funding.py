"""Funding models per team (SPEC §4.4): what activity, frame and course funding would pay for
the data period, what the team's own model pays (its parts), and the team's actual cost."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from takst_cli.config import Amounts, CoursesConfig, FundingConfig, TeamFunding
from takst_cli.errors import DataError
from takst_cli.frames import column_rows, rows_frame
from takst_cli.models import Col, CourseType
from takst_cli.money import round_ore
from takst_cli.pipeline.costing import Cost, Pricer, sum_minutes
from takst_cli.pipeline.tariffs import TariffResult

ZERO = Decimal(0)


@dataclass(frozen=True)
class TeamFundingResult:
    """One team over the data period; all amounts exact kr (rounded in report.py)."""

    team: str
    rule: TeamFunding
    cost: Decimal  # delivered in-scope visits priced
    activity: Decimal  # pure activity on the team's basis, delegated nursing included
    frame: Decimal | None  # pure frame for the period + delegated line; None without an amount
    course: Decimal  # pure course funding: citizen-weeks × tariffs, individual tariffs, and
    # the activity line for staff groups outside their course type
    delegated: Decimal  # delegated nursing, activity-settled on delivered hours
    delegated_hours: Decimal
    parts: dict[str, Decimal]  # the team's own model's parts (Part.ALL)
    weeks: Decimal  # citizen-weeks of the team's courses
    untariffed_weeks: Decimal  # course weeks whose cell has no tariff (paid 0)
    # in-course visits by staff groups outside their course type (faggrupper), priced: the
    # activity line of a course-funded team; part of `course`
    course_activity: Decimal = ZERO

    @property
    def funding(self) -> Decimal:
        return sum(self.parts.values(), ZERO)


def year_share(start: dt.date, end: dt.date) -> Decimal:
    """The period's length in years: each day counts 1 / the days of its own year."""
    share = ZERO
    for year in range(start.year, end.year + 1):
        first = max(start, dt.date(year, 1, 1))
        last = min(end, dt.date(year, 12, 31))
        days_in_year = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        share += Decimal((last - first).days + 1) / days_in_year
    return share


def delegated_expr(funding: FundingConfig, pricer: Pricer) -> pl.Expr:
    """SUL §138 delivered by a staff group that is not nursing staff."""
    nursing = sorted(pricer.nursing)
    return (pl.col(Col.PARAGRAF) == funding.delegeret_sygepleje.paragraf) & ~pl.col(
        Col.FAGGRUPPE
    ).is_in(nursing)


def _priced_by_team(
    pricer: Pricer, visits: pl.DataFrame, delegated: pl.Expr
) -> dict[tuple[str, bool], Cost]:
    keyed = visits.with_columns(delegated.alias(Col.DELEGATED))
    return pricer.price(sum_minutes(keyed, [Col.TEAM, Col.DELEGATED]), [Col.TEAM, Col.DELEGATED])  # type: ignore[return-value]


def segment_tariffs(
    segments: pl.DataFrame,
    cell_visits: pl.DataFrame,
    tariffs: TariffResult,
    pricer: Pricer,
    courses: CoursesConfig,
) -> pl.DataFrame:
    """Each course segment with the weekly tariff it is paid: its cell's tariff, or for an
    individual course its own cost per week (clinic rule applied) + overhead, rounded to øre.
    Columns: segment_id, team, type, fase, niveau, dage, takst (Decimal kr/week or None)."""
    cell_tariff = {(r.course_type, r.phase, r.level): r.tariff for r in tariffs.rows}
    per_citizen = courses.names_of(CourseType.INDIVIDUEL)
    individual = cell_visits.filter(pl.col(Col.TYPE).is_in(per_citizen))
    own = pricer.price(sum_minutes(individual, [Col.SEGMENT_ID]), [Col.SEGMENT_ID])
    rows = []
    for seg_id, team, ctype, phase, level, days in column_rows(
        segments, Col.SEGMENT_ID, Col.TEAM, Col.TYPE, Col.PHASE, Col.LEVEL, Col.DAYS
    ):
        if ctype in per_citizen:
            basis = pricer.basis(own.get((seg_id,), Cost()))
            tariff: Decimal | None = round_ore(basis * 7 / days + tariffs.overhead_per_week)
        else:
            tariff = cell_tariff.get((ctype, phase, level))
        rows.append((seg_id, team, ctype, phase, level, days, tariff))
    return rows_frame(
        rows,
        {
            Col.SEGMENT_ID: pl.UInt32,
            Col.TEAM: pl.String,
            Col.TYPE: pl.String,
            Col.PHASE: pl.String,
            Col.LEVEL: pl.Int64,
            Col.DAYS: pl.Int64,
            Col.TARIFF: pl.Object,
        },
    )


def course_funding(
    seg_tariffs: pl.DataFrame, scale: Decimal = Decimal(1)
) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Per team: (Σ weeks × tariff × scale, weeks × scale, untariffed weeks × scale)."""
    out: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    for team, days, tariff in column_rows(seg_tariffs, Col.TEAM, Col.DAYS, Col.TARIFF):
        weeks = Decimal(days) / 7 * scale
        amount, total_weeks, missing = out.get(team, (ZERO, ZERO, ZERO))
        if tariff is None:
            out[team] = (amount, total_weeks + weeks, missing + weeks)
        else:
            out[team] = (amount + weeks * tariff, total_weeks + weeks, missing)
    return out


def _get(priced: dict[tuple[str, bool], Cost], team: str, is_delegated: bool) -> Cost:
    return priced.get((team, is_delegated), Cost())


def compute_funding(
    funding: FundingConfig,
    period: tuple[dt.date, dt.date],
    pricer: Pricer,
    seg_tariffs: pl.DataFrame,
    visits: pl.DataFrame,
    cancelled: pl.DataFrame,
    staff_outside: pl.DataFrame | None = None,
) -> list[TeamFundingResult]:
    """Every team's funding under each pure model and under its own, for the data period.

    Activity on the delivered basis = delivered in-scope hours × price (= the actual cost); on
    the granted basis planned visits count, less cancellations the citizen made before the
    deadline. Frames: amount per year × (1 + demographic regulation) × the period in years.
    `staff_outside`: in-course visits by staff groups outside their course type
    (tariffs.staff_outside), paid by activity where the team is paid by course.
    """
    delegated = delegated_expr(funding, pricer)
    outside = _priced_by_team(pricer, staff_outside, delegated) if staff_outside is not None else {}
    delivered = _priced_by_team(pricer, visits, delegated)
    paid_cancelled = _priced_by_team(pricer, cancelled.filter(~pl.col(Col.TIMELY)), delegated)
    courses = course_funding(seg_tariffs)
    years = year_share(*period)
    teams = sorted(
        {t for t, _ in delivered}
        | {t for t, _ in paid_cancelled}
        | set(courses)
        | {t.team for t in funding.teams if t.team}
    )
    unfunded = [t for t in teams if not funding.has_model(t)]
    if unfunded:
        raise DataError(
            f"{len(unfunded)} team(s) i data har ingen finansieringsmodel: {', '.join(unfunded)}; "
            "tilføj dem under tildeling.teams eller angiv tildeling.standard"
        )
    out = []
    for team in teams:
        rule = funding.of(team)
        home, deleg = _get(delivered, team, False), _get(delivered, team, True)
        cost = home.cost + deleg.cost
        activity_ex = home.cost
        if rule.grundlag == "visiteret":  # planned visits less the citizen's timely cancellations
            activity_ex += _get(paid_cancelled, team, False).cost
        # delegated nursing is its own line, settled on delivered hours under every basis
        activity_all = activity_ex + deleg.cost
        frame = rule.frame(years)
        course, weeks, missing = courses.get(team, (ZERO, ZERO, ZERO))
        course_activity = _get(outside, team, False).cost + _get(outside, team, True).cost
        out.append(
            TeamFundingResult(
                team=team,
                rule=rule,
                cost=cost,
                activity=activity_all,
                # a frame team is paid the delegated nursing line on top of its frame
                frame=None if frame is None else frame + deleg.cost,
                course=course + course_activity,
                delegated=deleg.cost,
                delegated_hours=deleg.hours,
                parts=rule.parts(Amounts(years, activity_ex, deleg.cost, course, course_activity)),
                weeks=weeks,
                untariffed_weeks=missing,
                course_activity=course_activity,
            )
        )
    return out
