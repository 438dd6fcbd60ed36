"""Funding and budget results → report tables (sheets Modelsammenligning, Finansiering,
Teambudgetter). Each column is rounded with largest remainder, so teams add up to the total
and each team's parts add up to its total, to the øre."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from takst_cli.format import format_number
from takst_cli.money import round_ore, round_parts
from takst_cli.pipeline.budget import BudgetResult, month_shares
from takst_cli.pipeline.funding import (
    PART_ACTIVITY,
    PART_COURSE,
    PART_FRAME,
    PARTS,
    TeamFundingResult,
)
from takst_cli.tables import MONTHS, Column, ReportTable

ZERO = Decimal(0)
MODEL_LABEL = {
    "aktivitet": "Aktivitet",
    "ramme": "Ramme",
    "forloeb": "Forløb",
    "kombination": "Kombination",
}
SOURCE_LABEL = {"sygeplejeramme": "sygeplejens ramme", "myndighed": "myndighedsbudgettet"}


def _cells(values: Sequence[Decimal]) -> list[Decimal]:
    """Each amount rounded on its own: equal exact amounts always show equal, so a team funded
    exactly at its cost shows a result of 0,00; totals are the sums of the shown cells."""
    return [round_ore(v) for v in values]


def _column(values: Sequence[Decimal | None]) -> list[Decimal | None]:
    """Round a column of quantities (weeks, hours, caseload amounts) so the shown values add up
    to the rounded exact total."""
    present = [v for v in values if v is not None]
    rounded = iter(round_parts(present))
    return [None if v is None else next(rounded) for v in values]


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def _model_label(t: TeamFundingResult) -> str:
    rule = t.rule
    label = MODEL_LABEL[rule.model]
    if rule.model == "kombination":
        label += f" (fast ramme + {MODEL_LABEL[rule.variabel].lower()})"
    if rule.model == "aktivitet" or (rule.model == "kombination" and rule.variabel == "aktivitet"):
        label += ", " + ("leverede timer" if rule.grundlag == "leveret" else "visiterede timer")
    return label


def comparison_table(teams: list[TeamFundingResult]) -> ReportTable:
    """What each pure model would have paid each team, against its actual cost."""
    t = ReportTable(
        "modelsammenligning",
        "Modelsammenligning",
        "Modelsammenligning pr. team (dataperioden)",
        [
            Column("Team"),
            Column("Model i dag"),
            Column("Faktisk udgift", "kr"),
            Column("Aktivitet", "kr"),
            Column("Resultat aktivitet", "kr"),
            Column("Ramme", "kr"),
            Column("Resultat ramme", "kr"),
            Column("Forløb", "kr"),
            Column("Resultat forløb", "kr"),
        ],
        note="Resultat = finansiering − faktisk udgift (positivt: overskud til teamet). "
        "Aktivitet på teamets eget grundlag; ramme = rammebeløb × (1 + demografiregulering) for "
        "perioden + delegeret sygepleje ('–' uden rammebeløb); forløb = borgeruger × "
        "forløbstakster + individuelle takster"
        + (
            " + aktivitet for faggrupper uden for forløbstypen."
            if any(x.course_activity for x in teams)
            else "."
        ),
    )
    cost = _cells([x.cost for x in teams])
    act = _cells([x.activity for x in teams])
    frame = [None if x.frame is None else round_ore(x.frame) for x in teams]
    course = _cells([x.course for x in teams])
    for i, x in enumerate(teams):
        f = frame[i]
        t.rows.append(
            [
                x.team,
                _model_label(x),
                cost[i],
                act[i],
                act[i] - cost[i],
                f,
                None if f is None else f - cost[i],
                course[i],
                course[i] - cost[i],
            ]
        )
    t.total = ["I alt", None, *[_sum([r[k] for r in t.rows]) for k in range(2, 9)]]
    return t


def model_tables(teams: list[TeamFundingResult], source: str) -> list[ReportTable]:
    """`takst fordeling`: the pure models side by side, then each team's own funding."""
    return [comparison_table(teams), *funding_tables(teams, source)]


def funding_tables(teams: list[TeamFundingResult], source: str) -> list[ReportTable]:
    """The split of each team's own funding into frame / activity / course parts, and the
    delegated nursing line with its source."""
    t = ReportTable(
        "finansiering",
        "Finansiering",
        "Finansiering pr. team efter teamets egen model",
        [
            Column("Team"),
            Column("Model"),
            Column("Ramme", "kr"),
            Column("Aktivitet", "kr"),
            Column("Forløb", "kr"),
            Column("Delegeret sygepleje", "kr"),
            Column("Finansiering i alt", "kr"),
            Column("Andel ramme", "andel"),
            Column("Andel aktivitet", "andel"),
            Column("Andel forløb", "andel"),
            Column("Faktisk udgift", "kr"),
            Column("Resultat", "kr"),
        ],
    )
    # Round each team's total once, then distribute its parts within it (largest remainder), so
    # the parts add up to the team and a team funded exactly at cost shows a result of 0,00.
    totals = _cells([x.funding for x in teams])
    cost = _cells([x.cost for x in teams])
    for i, x in enumerate(teams):
        row_parts = round_parts([x.parts[p] for p in PARTS], totals[i])
        shares = [
            _share(row_parts[PARTS.index(p)], totals[i])
            for p in (PART_FRAME, PART_ACTIVITY, PART_COURSE)
        ]
        t.rows.append(
            [x.team, _model_label(x), *row_parts, totals[i], *shares, cost[i], totals[i] - cost[i]]
        )  # type: ignore[operator]
    grand = sum(totals, ZERO)
    sums = [sum((r[2 + k] for r in t.rows), ZERO) for k in range(len(PARTS))]
    t.total = [
        "I alt",
        None,
        *sums,
        grand,
        *[_share(sums[PARTS.index(p)], grand) for p in (PART_FRAME, PART_ACTIVITY, PART_COURSE)],
        _sum(cost),
        grand - (_sum(cost) or ZERO),
    ]
    # in the workbook: the sums and shares as formulas of the parts (exact: the parts add up)
    t.row_formula("Finansiering i alt", "=SUM([[Ramme]]:[[Delegeret sygepleje]])")
    for part in ("ramme", "aktivitet", "forløb"):
        t.row_formula(
            f"Andel {part}",
            f'=IF([[Finansiering i alt]]=0,"",[[{part.capitalize()}]]/[[Finansiering i alt]])',
        )
    t.row_formula("Resultat", "=[[Finansiering i alt]]-[[Faktisk udgift]]")
    t.note = (
        "Andelene er af finansieringen i alt. Delegeret sygepleje "
        "(SUL §138 udført af hjemmeplejens personale) afregnes aktivitetsbaseret som egen "
        "linje; under forløbsfinansiering er den indeholdt i taksten."
    )
    d = ReportTable(
        "delegeret_sygepleje",
        "Delegeret sygepleje",  # one table per sheet: its own column widths and print titles
        "Delegeret sygepleje",
        [
            Column("Team"),
            Column("Timer", "timer"),
            Column("Beløb", "kr"),
            Column("Afregnes"),
            Column("Betales af"),
        ],
    )
    amounts = _column([x.delegated for x in teams])
    hours = _column([x.delegated_hours for x in teams])
    for i, x in enumerate(teams):
        course_paid = (x.rule.variabel if x.rule.model == "kombination" else x.rule.model) == (
            "forloeb"
        )
        d.rows.append(
            [
                x.team,
                hours[i],
                amounts[i],
                "i forløbstaksten" if course_paid else "aktivitetsbaseret",
                "–" if course_paid else SOURCE_LABEL[source],
            ]
        )
    d.total = ["I alt", _sum(hours), _sum(amounts), None, None]
    return [t, d]


def _share(part: Decimal | None, total: Decimal) -> Decimal | None:
    if part is None or not total:
        return None
    return (part / total).quantize(Decimal("0.000001"))


def budget_tables(budget: BudgetResult) -> list[ReportTable]:
    """Team budgets for the budget year, by part and by month; the expected caseload."""
    year = budget.year
    exact_totals = [b.total for b in budget.teams]
    totals = _cells(exact_totals)
    t = ReportTable(
        "teambudgetter",
        "Teambudgetter",
        f"Teambudgetter {year}",
        [
            Column("Team"),
            Column("Model"),
            Column("Forventede borgeruger", "uger"),
            Column("Ramme", "kr"),
            Column("Aktivitet", "kr"),
            Column("Forløb", "kr"),
            Column("Delegeret sygepleje", "kr"),
            Column("Budget i alt", "kr"),
        ],
        note=f"Observeret aktivitet og borgeruger skaleret til {year} × (1 + demografi): "
        f"faktor {_fmt(budget.scale)}. Rammer for hele året × (1 + demografiregulering)."
        + _indexed_note(budget),
    )
    m = ReportTable(
        "budget_pr_maaned",
        "Budget pr. måned",  # one table per sheet: its own column widths and print titles
        f"Budget pr. måned {year}",
        [
            Column("Team"),
            *[Column(x, "kr", file_header=f"{year}-{i:02d}") for i, x in enumerate(MONTHS, 1)],
            Column("I alt", "kr"),
        ],
        note="Fordelt efter dage i måneden.",
    )
    weeks = _column([b.weeks for b in budget.teams])
    shares = month_shares(year)
    for b, total, w in zip(budget.teams, totals, weeks, strict=True):
        parts = round_parts([b.parts[p] for p in PARTS], total)
        t.rows.append([b.team, MODEL_LABEL[b.model], w, *parts, total])
        months = round_parts([total * s for s in shares], total)
        m.rows.append([b.team, *months, total])
    t.total = [
        "I alt",
        None,
        _sum(weeks),
        *[_sum([r[3 + i] for r in t.rows]) for i in range(4)],
        sum(totals, ZERO),
    ]
    m.total = ["I alt", *[_sum([r[1 + i] for r in m.rows]) for i in range(12)], sum(totals, ZERO)]
    t.row_formula("Budget i alt", "=SUM([[Ramme]]:[[Delegeret sygepleje]])")
    m.row_formula("I alt", f"=SUM([[{MONTHS[0]}]]:[[{MONTHS[-1]}]])")
    c = ReportTable(
        "forventede_borgeruger",
        "Forventede borgeruger",  # one table per sheet: its own column widths and print titles
        f"Forventede borgeruger og forløbsbudget {year}",
        [
            Column("Team"),
            Column("Forløbstype"),
            Column("Fase"),
            Column("Niveau", "heltal"),
            Column("Borgeruger", "uger"),
            Column("Forløbsbudget", "kr"),
        ],
        note="Forventede borgeruger × takster for alle teams; beløbet indgår kun i "
        "budgettet for teams, der finansieres med forløbstakster.",
    )
    rows = list(budget.caseload.iter_rows())
    c_weeks = _column([r[4] for r in rows])
    c_amount = _column([r[5] for r in rows])
    for r, w, a in zip(rows, c_weeks, c_amount, strict=True):
        c.rows.append([r[0], budget.type_labels.get(r[1], r[1]), r[2], r[3], w, a])
    c.total = ["I alt", None, None, None, _sum(c_weeks), _sum(c_amount)]
    return [t, m, c]


def _indexed_note(budget: BudgetResult) -> str:
    """Where the budget is in the budget year's prices, say so and with which factors."""
    f = budget.factors
    if f is None:
        return ""
    return (
        f" Timepriser og takster fremskrevet fra {f.from_year} til {f.to_year}: lønfaktor "
        f"{format_number(f.wage, 4)}, prisfaktor {format_number(f.price, 4)} ({f.source})."
    )


def _fmt(x: Decimal) -> str:
    return f"{round_ore(x * 100) / 100:.4f}".replace(".", ",")
