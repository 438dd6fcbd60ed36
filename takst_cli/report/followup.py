"""Follow-up and effect results → report tables (sheets Budgetopfølgning and Effekt)."""

from __future__ import annotations

import calendar
from decimal import Decimal

from takst_cli.money import round_parts
from takst_cli.pipeline.effect import EffectGroup, effect_groups
from takst_cli.pipeline.followup import Followup
from takst_cli.pipeline.run import RunResult
from takst_cli.tables import MONTHS, Chart, Column, ReportTable

ZERO = Decimal(0)
PCT = Decimal("0.000001")


def _pct(part: Decimal, whole: Decimal | None) -> Decimal | None:
    return None if not whole else (part / whole).quantize(PCT)


def followup_tables(f: Followup) -> list[ReportTable]:
    allowed = f.allowed.quantize(PCT)
    limit = f.allowed + Decimal(repr(f.tolerance)) / 100
    t = ReportTable(
        "budgetopfoelgning",
        "Budgetopfølgning",
        f"Budgetopfølgning pr. {f.date:%d-%m-%Y}",
        [
            Column("Team"),
            Column("Samlet budget hele året", "kr"),
            Column("Forbrug pr. dato", "kr"),
            Column("Forventet forbrug resten af året", "kr"),
            Column("Forventet afvigelse", "kr"),
            Column("Forbrug i %", "andel"),
            Column("Forbrugs% bør max være", "andel"),
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
    budgets = _rounded([r.budget for r in f.rows])
    spends = round_parts([r.spend for r in f.rows])
    expected = round_parts([r.expected for r in f.rows])
    for i, r in enumerate(f.rows):
        budget = budgets[i]
        share = _pct(spends[i], budget)
        if budget is None:
            remark: str | None = "intet budget"
        elif share is not None and r.spend / budget > limit:
            remark = "over forbrugsprocenten"
        else:
            remark = None
        t.rows.append(
            [
                r.team,
                budget,
                spends[i],
                expected[i],
                None if budget is None else budget - spends[i] - expected[i],
                share,
                allowed,
                remark,
                r.source,
            ]
        )
    total_budget = sum((b for b in budgets if b is not None), ZERO)
    total_spend = sum(spends, ZERO)
    total_expected = sum(expected, ZERO)
    with_budget = [row for row in t.rows if row[1] is not None]
    t.total = [
        "I alt",
        total_budget,
        total_spend,
        total_expected,
        sum((row[4] for row in with_budget), ZERO),
        _pct(sum((row[2] for row in with_budget), ZERO), total_budget),
        allowed,
        "over forbrugsprocenten"
        if total_budget and sum((row[2] for row in with_budget), ZERO) / total_budget > limit
        else None,
        None,
    ]
    return [t, _monthly_table(f, total_budget), _activity_table(f)]


def _rounded(values: list[Decimal | None]) -> list[Decimal | None]:
    present = iter(round_parts([v for v in values if v is not None]))
    return [None if v is None else next(present) for v in values]


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
                _pct(running, budget),
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
        ["team", "maaned"]
    ).iter_rows():
        t.rows.append([team, MONTHS[month - 1], citizens, _hours(granted), _hours(delivered)])
    return t


def _hours(x: float) -> Decimal:
    return Decimal(repr(round(x, 2))).quantize(Decimal("0.01"))


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
    used = None if r_used is None else Decimal(repr(round(r_used, 6)))
    for g in groups:
        n = Decimal(g.courses) if g.courses else None
        row = [
            g.team or "I alt",
            "alle" if g.level is None else str(g.level),
            g.courses,
            None if n is None else (g.left / n).quantize(PCT),
            None if n is None else (g.reduced / n).quantize(PCT),
            None if n is None else (g.same / n).quantize(PCT),
            _hours(g.hours_start),
            _hours(g.hours_after),
            _hours(g.hours_reduction),
            g.cost_reduction.quantize(Decimal("0.01")),
            None if g.r is None else Decimal(repr(round(g.r, 6))),
            used,
        ]
        if g.team is None:
            t.total = row
        else:
            t.rows.append(row)
    return t
