"""Funding and budget results → report tables (sheets Modelsammenligning, Finansiering,
Teambudgetter). Each column is rounded with largest remainder, so teams add up to the total
and each team's parts add up to its total, to the øre."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from takst_cli.format import format_number
from takst_cli.models import Col, Part
from takst_cli.money import round_column, round_each, round_ore, round_parts, share_of
from takst_cli.pipeline.budget import BudgetResult, month_shares
from takst_cli.pipeline.funding import TeamFundingResult
from takst_cli.tables import MONTHS, Column, ReportTable

ZERO = Decimal(0)
PARTS = Part.ALL
SHARED = (Part.FRAME, Part.ACTIVITY, Part.COURSE)  # the parts the table gives a share of
# each part's column, in the funding and the budget tables
PART_HEADER = {
    Part.FRAME: "Ramme",
    Part.ACTIVITY: "Aktivitet",
    Part.COURSE: "Forløb",
    Part.DELEGATED: "Delegeret sygepleje",
}
SHARE_HEADER = {p: f"Andel {PART_HEADER[p].lower()}" for p in SHARED}
# a row's parts summed, as the workbook's formula
PARTS_SUM = f"=SUM([[{PART_HEADER[Part.ALL[0]]}]]:[[{PART_HEADER[Part.ALL[-1]]}]])"
SOURCE_LABEL = {"sygeplejeramme": "sygeplejens ramme", "myndighed": "myndighedsbudgettet"}


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def _model_label(t: TeamFundingResult) -> str:
    return t.rule.title()


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
    cost = round_each([x.cost for x in teams])
    act = round_each([x.activity for x in teams])
    frame = [None if x.frame is None else round_ore(x.frame) for x in teams]
    course = round_each([x.course for x in teams])
    for i, x in enumerate(teams):
        f = frame[i]
        t.add(
            {
                "Team": x.team,
                "Model i dag": _model_label(x),
                "Faktisk udgift": cost[i],
                "Aktivitet": act[i],
                "Resultat aktivitet": act[i] - cost[i],
                "Ramme": f,
                "Resultat ramme": None if f is None else f - cost[i],
                "Forløb": course[i],
                "Resultat forløb": course[i] - cost[i],
            }
        )
    t.set_total({"Team": "I alt", **{c.header: _sum(t.column(c.header)) for c in t.columns[2:]}})
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
            *[Column(PART_HEADER[p], "kr") for p in PARTS],
            Column("Finansiering i alt", "kr"),
            *[Column(SHARE_HEADER[p], "andel") for p in SHARED],
            Column("Faktisk udgift", "kr"),
            Column("Resultat", "kr"),
        ],
    )
    # Round each team's total once, then distribute its parts within it (largest remainder), so
    # the parts add up to the team and a team funded exactly at cost shows a result of 0,00.
    totals = round_each([x.funding for x in teams])
    cost = round_each([x.cost for x in teams])
    for i, x in enumerate(teams):
        shown = dict(zip(PARTS, round_parts([x.parts[p] for p in PARTS], totals[i]), strict=True))
        t.add(
            {
                "Team": x.team,
                "Model": _model_label(x),
                **{PART_HEADER[p]: shown[p] for p in PARTS},
                "Finansiering i alt": totals[i],
                **{SHARE_HEADER[p]: share_of(shown[p], totals[i]) for p in SHARED},
                "Faktisk udgift": cost[i],
                "Resultat": totals[i] - cost[i],
            }
        )
    grand = sum(totals, ZERO)
    sums = {p: sum(t.column(PART_HEADER[p]), ZERO) for p in PARTS}
    t.set_total(
        {
            "Team": "I alt",
            **{PART_HEADER[p]: sums[p] for p in PARTS},
            "Finansiering i alt": grand,
            **{SHARE_HEADER[p]: share_of(sums[p], grand) for p in SHARED},
            "Faktisk udgift": _sum(cost),
            "Resultat": grand - (_sum(cost) or ZERO),
        }
    )
    # in the workbook: the sums and shares as formulas of the parts (exact: the parts add up)
    t.row_formula("Finansiering i alt", PARTS_SUM)
    for p in SHARED:
        t.row_formula(
            SHARE_HEADER[p],
            f'=IF([[Finansiering i alt]]=0,"",[[{PART_HEADER[p]}]]/[[Finansiering i alt]])',
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
    amounts = round_column([x.delegated for x in teams])
    hours = round_column([x.delegated_hours for x in teams])
    for i, x in enumerate(teams):
        course_paid = x.rule.pays_course
        d.add(
            {
                "Team": x.team,
                "Timer": hours[i],
                "Beløb": amounts[i],
                "Afregnes": "i forløbstaksten" if course_paid else "aktivitetsbaseret",
                "Betales af": "–" if course_paid else SOURCE_LABEL[source],
            }
        )
    d.set_total({"Team": "I alt", "Timer": _sum(hours), "Beløb": _sum(amounts)})
    return [t, d]


def budget_tables(budget: BudgetResult) -> list[ReportTable]:
    """Team budgets for the budget year, by part and by month; the expected caseload."""
    year = budget.year
    exact_totals = [b.total for b in budget.teams]
    totals = round_each(exact_totals)
    t = ReportTable(
        "teambudgetter",
        "Teambudgetter",
        f"Teambudgetter {year}",
        [
            Column("Team"),
            Column("Model"),
            Column("Forventede borgeruger", "uger"),
            *[Column(PART_HEADER[p], "kr") for p in PARTS],
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
    weeks = round_column([b.weeks for b in budget.teams])
    shares = month_shares(year)
    for b, total, w in zip(budget.teams, totals, weeks, strict=True):
        parts = round_parts([b.parts[p] for p in PARTS], total)
        t.add(
            {
                "Team": b.team,
                "Model": b.rule.label,
                "Forventede borgeruger": w,
                **{PART_HEADER[p]: v for p, v in zip(PARTS, parts, strict=True)},
                "Budget i alt": total,
            }
        )
        months = round_parts([total * s for s in shares], total)
        m.add({"Team": b.team, **dict(zip(MONTHS, months, strict=True)), "I alt": total})
    t.set_total(
        {
            "Team": "I alt",
            "Forventede borgeruger": _sum(weeks),
            **{PART_HEADER[p]: _sum(t.column(PART_HEADER[p])) for p in PARTS},
            "Budget i alt": sum(totals, ZERO),
        }
    )
    m.set_total(
        {"Team": "I alt", **{x: _sum(m.column(x)) for x in MONTHS}, "I alt": sum(totals, ZERO)}
    )
    t.row_formula("Budget i alt", PARTS_SUM)
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
    cl = budget.caseload
    c_weeks = round_column(cl[Col.WEEKS].to_list())
    c_amount = round_column(cl[Col.AMOUNT].to_list())
    for (team, ctype, phase, level), w, a in zip(
        cl.select(Col.TEAM, Col.TYPE, Col.PHASE, Col.LEVEL).iter_rows(),
        c_weeks,
        c_amount,
        strict=True,
    ):
        c.add(
            {
                "Team": team,
                "Forløbstype": budget.type_labels.get(ctype, ctype),
                "Fase": phase,
                "Niveau": level,
                "Borgeruger": w,
                "Forløbsbudget": a,
            }
        )
    c.set_total({"Team": "I alt", "Borgeruger": _sum(c_weeks), "Forløbsbudget": _sum(c_amount)})
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
