"""Follow-up and effect results → report tables (sheets Budgetopfølgning and Effekt)."""

from __future__ import annotations

import calendar
from decimal import Decimal

from takst_cli.models import Col
from takst_cli.money import SHARE_PLACES, from_float, round_column, round_parts, share_of, to_places
from takst_cli.pipeline.effect import EffectGroup, effect_groups
from takst_cli.pipeline.followup import Followup
from takst_cli.pipeline.run import RunResult
from takst_cli.tables import MONTHS, Chart, Column, ReportTable

ZERO = Decimal(0)
PCT = SHARE_PLACES
BUDGET, SPEND, EXPECTED = (
    "Samlet budget hele året",
    "Forbrug pr. dato",
    "Forventet forbrug resten af året",
)
DEVIATION, SHARE, ALLOWED = "Forventet afvigelse", "Forbrug i %", "Forbrugs% bør max være"


def followup_tables(f: Followup) -> list[ReportTable]:
    allowed = f.allowed.quantize(PCT)
    limit = f.allowed + Decimal(repr(f.tolerance)) / 100
    t = ReportTable(
        "budgetopfoelgning",
        "Budgetopfølgning",
        f"Budgetopfølgning pr. {f.date:%d-%m-%Y}",
        [
            Column("Team"),
            Column(BUDGET, "kr"),
            Column(SPEND, "kr"),
            Column(EXPECTED, "kr"),
            Column(DEVIATION, "kr"),
            Column(SHARE, "andel"),
            Column(ALLOWED, "andel"),
            Column("Bemærkning"),
            Column("Forbrug fra"),
        ],
        note=f"Dag {f.elapsed_days} af {f.year_days}. Forventet forbrug: "
        + (
            "forbrug / forløbne dage × resterende dage."
            if f.method == "løbende"
            else f"sidste års månedsprofil ({f.year - 1})."
        )
        + " Afvigelse = budget − forbrug − forventet forbrug (negativ: overskridelse)."
        + (f" Tolerance: {f.tolerance:g} procentpoint." if f.tolerance else ""),
    )
    budgets = round_column([r.budget for r in f.rows])
    spends = round_parts([r.spend for r in f.rows])
    expected = round_parts([r.expected for r in f.rows])
    for i, r in enumerate(f.rows):
        budget = budgets[i]
        share = share_of(spends[i], budget)
        if budget is None:
            remark: str | None = "intet budget"
        elif share is not None and r.spend / budget > limit:
            remark = "over forbrugsprocenten"
        else:
            remark = None
        t.add(
            {
                "Team": r.team,
                BUDGET: budget,
                SPEND: spends[i],
                EXPECTED: expected[i],
                DEVIATION: None if budget is None else budget - spends[i] - expected[i],
                SHARE: share,
                ALLOWED: allowed,
                "Bemærkning": remark,
                "Forbrug fra": r.source,
            }
        )
    total_budget = sum((b for b in budgets if b is not None), ZERO)
    # the deviation and the spend % are of the teams with a budget only
    budgeted = [b is not None for b in t.column(BUDGET)]

    def of_budgeted(header: str) -> Decimal:
        return sum((v for v, b in zip(t.column(header), budgeted, strict=True) if b), ZERO)

    spent = of_budgeted(SPEND)
    t.set_total(
        {
            "Team": "I alt",
            BUDGET: total_budget,
            SPEND: sum(spends, ZERO),
            EXPECTED: sum(expected, ZERO),
            DEVIATION: sum(
                (v for v, b in zip(t.column(DEVIATION), budgeted, strict=True) if b), ZERO
            ),
            SHARE: share_of(spent, total_budget),
            ALLOWED: allowed,
            "Bemærkning": "over forbrugsprocenten"
            if total_budget and spent / total_budget > limit
            else None,
        }
    )
    return [t, _monthly_table(f, total_budget), _activity_table(f)]


def _monthly_table(f: Followup, budget: Decimal) -> ReportTable:
    t = ReportTable(
        "forbrug_pr_maaned",
        "Budgetopfølgning",
        f"Forbrug pr. måned (alle teams, fra {f.monthly_source})",
        [
            Column("Måned", month_year=f.year),
            Column("Forbrug", "kr"),
            Column("Akkumuleret", "kr"),
            Column("Forbrug i %", "andel"),
            Column("Forbrugs% bør max være", "andel"),
        ],
        chart=Chart("Forbrug mod tilladt forbrugsprocent", "Andel af årsbudget", (3, 4)),
    )
    amounts = round_parts([m for _, m in f.monthly])
    running = ZERO
    elapsed = 0
    for (month, _), amount in zip(f.monthly, amounts, strict=True):
        running += amount
        last_day = f.date.day if month == f.date.month else _days(f.year, month)
        elapsed += last_day
        t.rows.append(
            [
                MONTHS[month - 1],
                amount,
                running,
                share_of(running, budget),
                (Decimal(elapsed) / f.year_days).quantize(PCT),
            ]
        )
    return t


def _days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _activity_table(f: Followup) -> ReportTable:
    t = ReportTable(
        "aktivitet_pr_maaned",
        "Budgetopfølgning",
        "Aktivitet pr. måned",
        [
            Column("Team"),
            Column("Måned", month_year=f.year),
            Column("Borgere", "heltal"),
            Column("Visiterede timer pr. dag", "timer"),
            Column("Leverede timer pr. dag", "timer"),
        ],
    )
    for team, month, citizens, granted, delivered in f.activity.sort(
        [Col.TEAM, Col.MONTH]
    ).iter_rows():
        t.rows.append(
            [
                team,
                MONTHS[month - 1],
                citizens,
                from_float(granted, 2, fixed=True),
                from_float(delivered, 2, fixed=True),
            ]
        )
    return t


def effect_tables(result: RunResult) -> list[ReportTable]:
    """`takst effekt`: development courses' effect next to the r the tariffs use."""
    return [effect_table(effect_groups(result.reduction), result.tariffs.reduction_used)]


def effect_table(groups: list[EffectGroup], r_used: float | None) -> ReportTable:
    t = ReportTable(
        "effekt",
        "Effekt",
        "Effekt af udviklende forløb (afsluttet i data)",
        [
            Column("Team"),
            Column("Startniveau"),
            Column("Forløb", "heltal"),
            Column("Ophørt med hjælp", "andel"),
            Column("Reduceret hjælp", "andel"),
            Column("Uændret eller øget", "andel"),
            Column("Timer pr. uge ved start", "timer"),
            Column("Timer pr. uge efter", "timer"),
            Column("Reduktion timer pr. uge", "timer"),
            Column("Reduktion udgift pr. uge", "kr"),
            Column("r realiseret", "andel"),
            Column("r i taksten", "andel"),
        ],
        note="Efter periode 1 følges borgeren i samme vindue som ved estimeringen af r. "
        "Reduceret: mindst 15 % færre timer pr. uge end visiteret ved start. "
        "Udgiftsreduktion pr. uge: fastholdende takst for startniveauet − borgerens udgift "
        "pr. uge bagefter.",
    )
    used = None if r_used is None else from_float(r_used, 6)
    for g in groups:
        n = Decimal(g.courses) if g.courses else None
        row = [
            g.team or "I alt",
            "alle" if g.level is None else str(g.level),
            g.courses,
            None if n is None else (g.left / n).quantize(PCT),
            None if n is None else (g.reduced / n).quantize(PCT),
            None if n is None else (g.same / n).quantize(PCT),
            from_float(g.hours_start, 2, fixed=True),
            from_float(g.hours_after, 2, fixed=True),
            from_float(g.hours_reduction, 2, fixed=True),
            to_places(g.cost_reduction, 2),
            None if g.r is None else from_float(g.r, 6),
            used,
        ]
        if g.team is None:
            t.total = row
        else:
            t.rows.append(row)
    return t
