"""Team budgets for the budget year (SPEC §4.5): the observed caseload scaled to a year and by
demographic growth, × tariffs, plus frames; split by month on days."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from takst_cli.config import Amounts, ModelConfig, TeamFunding
from takst_cli.frames import column_rows, rows_frame
from takst_cli.models import Col, Part
from takst_cli.money import to_decimal
from takst_cli.pipeline.funding import TeamFundingResult, year_share
from takst_cli.pipeline.indexation import IndexFactors

ZERO = Decimal(0)


@dataclass(frozen=True)
class TeamBudget:
    team: str
    rule: TeamFunding
    weeks: Decimal  # expected citizen-weeks in the budget year
    parts: dict[str, Decimal]  # exact kr per part (Part.ALL)

    @property
    def model(self) -> str:
        return self.rule.model

    @property
    def total(self) -> Decimal:
        return sum(self.parts.values(), ZERO)


@dataclass(frozen=True)
class BudgetResult:
    year: int
    scale: Decimal  # budget-year days / period days × (1 + growth)
    teams: list[TeamBudget]
    caseload: pl.DataFrame  # team, type, fase, niveau, forventede_uger (float), takst, budget
    type_labels: dict[str, str] = field(default_factory=dict)  # course type → its label
    factors: IndexFactors | None = None  # prices brought forward to the budget year, if so


def budget_year(cfg: ModelConfig, period: tuple[dt.date, dt.date]) -> int:
    return cfg.budget.aar or period[1].year + 1


def month_shares(year: int) -> list[Decimal]:
    """Each month's share of the year by days: 31/365, 28/365, …"""
    days = 366 if calendar.isleap(year) else 365
    return [Decimal(calendar.monthrange(year, m)[1]) / days for m in range(1, 13)]


def compute_budget(
    cfg: ModelConfig,
    period: tuple[dt.date, dt.date],
    funding: list[TeamFundingResult],
    seg_tariffs: pl.DataFrame,
) -> BudgetResult:
    """Per team: the period's course weeks, activity and delegated nursing scaled to the budget
    year and by growth; frames for the whole year (× (1 + regulation)); the team's own model
    picks the parts, as in the funding split."""
    year = budget_year(cfg, period)
    scale = (1 + to_decimal(cfg.budget.demografi)) / year_share(*period)
    caseload_rows = []
    for (team, ctype, phase, level), grp in seg_tariffs.group_by(
        [Col.TEAM, Col.TYPE, Col.PHASE, Col.LEVEL], maintain_order=True
    ):
        weeks = Decimal(int(grp[Col.DAYS].sum())) / 7 * scale
        amount = sum(
            (
                Decimal(d) / 7 * scale * t
                for d, t in column_rows(grp, Col.DAYS, Col.TARIFF)
                if t is not None
            ),
            ZERO,
        )
        caseload_rows.append((team, ctype, phase, level, weeks, amount))
    caseload = rows_frame(
        caseload_rows,
        {
            Col.TEAM: pl.String,
            Col.TYPE: pl.String,
            Col.PHASE: pl.String,
            Col.LEVEL: pl.Int64,
            Col.WEEKS: pl.Object,
            Col.AMOUNT: pl.Object,
        },
    ).sort([Col.TEAM, Col.TYPE, Col.PHASE, Col.LEVEL])
    by_team: dict[str, tuple[Decimal, Decimal]] = {}
    for team, weeks, amount in caseload.select(Col.TEAM, Col.WEEKS, Col.AMOUNT).iter_rows():
        w, a = by_team.get(team, (ZERO, ZERO))
        by_team[team] = (w + weeks, a + amount)
    teams = []
    for f in funding:
        rule = f.rule
        weeks, course = by_team.get(f.team, (ZERO, ZERO))
        # a whole year of the frames; the period's activity and delegated nursing scaled to it
        year_amounts = Amounts(
            Decimal(1),
            (f.activity - f.delegated) * scale,
            f.delegated * scale,
            course,
            f.course_activity * scale,
        )
        parts = rule.parts(year_amounts)
        teams.append(TeamBudget(f.team, rule, weeks, {k: parts[k] for k in Part.ALL}))
    labels = {t.name: t.label for t in cfg.forloeb.types()}
    return BudgetResult(year, scale, teams, caseload, labels)
