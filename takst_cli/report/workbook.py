"""The workbook as a model an auditor can trace (issue 14): the assumptions as typed, named
input cells, the facts the tariffs are made from (Grundlag), and the formulas that turn them
into hourly prices and tariffs exactly as takst computes them (hourly_price.py, costing.py,
tariffs.py). Each formula's value is takst's own figure, cached in the workbook."""

from __future__ import annotations

import calendar
import re
from decimal import Decimal
from typing import Any

import polars as pl

from takst_cli.config import TeamFunding
from takst_cli.frames import column_rows
from takst_cli.models import Col, CourseType, Part, Phase, Shift
from takst_cli.money import round_ore, to_decimal
from takst_cli.pipeline.costing import PRICE_KEYS, sum_minutes
from takst_cli.pipeline.funding import delegated_expr, year_share
from takst_cli.pipeline.run import FundingRun, RunResult
from takst_cli.pipeline.tariffs import CELL
from takst_cli.report.core import price_table, tariff_table
from takst_cli.tables import Chart, Column, Kind, ReportTable

VALUE_NOTE = "Værdi, ikke formel: "
ZERO = Decimal(0)


def _name(*parts: Any) -> str:
    """An Excel name: ASCII letters, digits and '_' (never a cell address: always a '_')."""
    text = "_".join(str(p) for p in parts)
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = text.replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def _d(x: float | Decimal) -> Decimal:
    return to_decimal(x)


class _Assumptions:
    """Rows of the Forudsætninger model table: Emne, Værdi, Enhed, Modelnøgle."""

    def __init__(self) -> None:
        self.table = ReportTable(
            "antagelser",
            "Forudsætninger",
            "Antagelser (de gule celler kan ændres; genberegn for at se virkningen)",
            [
                Column("Emne"),
                Column("Værdi", "tal"),
                Column("Enhed"),
                Column("Modelnøgle"),
                Column("Navn i formler"),
            ],
            workbook_only=True,
        )

    def add(
        self, label: str, value: Any, unit: str, key: str, name: str, kind: Kind, given: bool = True
    ) -> str:
        t = self.table
        i = len(t.rows)
        t.rows.append([label, value, unit, key, name])
        t.names[name] = (i, 1)
        t.cell_kinds[(i, 1)] = kind
        if given:
            t.inputs.add((i, 1))
        return name


def workbook_model(result: RunResult) -> list[ReportTable]:
    """Oversigt, the assumptions, Timepriser, Grundlag and Forløbstakster with formulas — in
    workbook order (Oversigt first). Replaces price_table/tariff_table in the workbook."""
    cfg = result.cfg
    a = _Assumptions()
    groups = cfg.timepris.faggrupper
    for s in Shift:
        if s != Shift.DAG:
            share = cfg.timepris.tillaeg.get(s, 0.0)
            a.add(
                f"Tillæg {s.value}",
                _d(share),
                "andel",
                f"timepris.tillaeg.{s.value}",
                _name("tillaeg", s.value),
                "andel",
            )
    for i, g in enumerate(groups, start=1):
        key = f"timepris.faggrupper[{i - 1}]"
        if g.timepris is not None:
            a.add(
                f"{g.navn}: timepris",
                g.timepris,
                "kr. pr. time",
                f"{key}.timepris",
                _name("timepris", i),
                "kr",
            )
            continue
        a.add(
            f"{g.navn}: årsløn",
            g.aarsloen,
            "kr. pr. årsværk",
            f"{key}.aarsloen",
            _name("aarsloen", i),
            "kr",
        )
        for k, v in g.omkostninger_pr_aarsvaerk.items():
            a.add(
                f"{g.navn}: {k}",
                v,
                "kr. pr. årsværk",
                f"{key}.omkostninger_pr_aarsvaerk.{k}",
                _name("omk", i, k),
                "kr",
            )
        a.add(
            f"{g.navn}: normtimer",
            g.normtimer,
            "timer pr. år",
            f"{key}.normtimer",
            _name("normtimer", i),
            "timer",
        )
        a.add(
            f"{g.navn}: fravær",
            _d(g.fravaer_andel),
            "andel",
            f"{key}.fravaer_andel",
            _name("fravaer", i),
            "andel",
        )
        for k, part in g.indirekte_andele.items():
            a.add(
                f"{g.navn}: indirekte tid, {k}",
                _d(part),
                "andel",
                f"{key}.indirekte_andele.{k}",
                _name("indirekte", i, k),
                "andel",
            )
    overhead_names = [
        a.add(
            f"Omkostning i taksten: {k}",
            v,
            "kr. i perioden",
            f"timepris.omkostninger_i_takst.{k}",
            _name("overhead", k),
            "kr",
        )
        for k, v in cfg.timepris.omkostninger_i_takst.items()
    ]
    clinic = cfg.klinik.andel is not None and cfg.klinik.timepris is not None
    if cfg.klinik.timepris is not None:
        a.add(
            "Klinikkens timepris",
            cfg.klinik.timepris,
            "kr. pr. time",
            "klinik.timepris",
            "klinik_timepris",
            "kr",
        )
    if cfg.klinik.andel is not None:
        a.add(
            "Klinikandel af sygeplejen",
            _d(cfg.klinik.andel),
            "andel",
            "klinik.andel",
            "klinik_andel",
            "andel",
        )
    tr = result.tariffs
    r_cfg = result.configured_r
    a.add(
        "Forventet reduktion r",
        None if r_cfg is None else _d(r_cfg),
        "andel",
        "forloeb.udviklende.forventet_reduktion",
        "r_forventet",
        "andel",
    )
    r_est = result.reduction.r
    a.add(
        "r estimeret fra data",
        None if r_est is None else _d(r_est),
        "andel",
        "",
        "r_estimeret",
        "andel",
        given=False,
    )
    t = a.table
    i_used = len(t.rows)
    r_used = tr.reduction_used
    a.add(
        "r anvendt i taksterne",
        None if r_used is None else _d(r_used),
        "andel",
        "",
        "r_anvendt",
        "andel",
        given=False,
    )
    if tr.reduction_source == "modelfil" and r_cfg is not None:
        t.formulas[(i_used, 1)] = "=r_forventet"
    else:
        t.comments[(i_used, 1)] = VALUE_NOTE + f"r er {tr.reduction_source}."
    # the citizen-weeks of all courses: the overhead is spread over them
    i_weeks = len(t.rows)
    a.add("Borgeruger i alt", tr.total_weeks, "uger", "", "borgeruger_i_alt", "uger", False)
    t.formulas[(i_weeks, 1)] = "=SUM(gu_uger)"
    i_oh = len(t.rows)
    a.add(
        "Omkostninger i taksten pr. borgeruge",
        tr.overhead_per_week,
        "kr. pr. uge",
        "",
        "overhead_pr_uge",
        "kr",
        False,
    )
    total = "+".join(overhead_names) or "0"
    t.formulas[(i_oh, 1)] = f"=IF(borgeruger_i_alt=0,0,({total})/borgeruger_i_alt)"
    # the budget year's citizen-weeks: the period's, scaled to a year and by growth
    growth = _d(cfg.budget.demografi)
    a.add("Demografisk vækst", growth, "andel", "budget.demografi", "demografi", "andel")
    years = year_share(*result.period)
    a.add("Dataperiodens længde", years, "år", "periode", "periode_aar", "tal", False)
    t.comments[(len(t.rows) - 1, 1)] = VALUE_NOTE + "hver dag tæller 1 / dagene i sit år."
    i_scale = len(t.rows)
    a.add("Budgetfaktor", (1 + growth) / years, "pr. år", "", "budget_faktor", "tal", False)
    t.formulas[(i_scale, 1)] = "=(1+demografi)/periode_aar"

    prices = _price_model(result)
    weeks, grundlag = _grundlag(result, clinic)
    tariffs = _tariff_model(result)
    return [_overview(result, tariffs), _headlines(result), t, prices, weeks, grundlag, tariffs]


def _price_model(result: RunResult) -> ReportTable:
    t = price_table(result.prices)
    t.note += " Formlerne bruger antagelserne på arket Forudsætninger."
    h = [c.header for c in t.columns]
    col = {x: h.index(x) for x in h}
    for i, g in enumerate(result.cfg.timepris.faggrupper, start=1):
        r = i - 1
        day = f"timepris_dag_{i}"
        t.names[day] = (r, col["Timepris dag"])
        t.names[f"timepris_aften_{i}"] = (r, col["Timepris aften"])
        t.names[f"timepris_weekend_{i}"] = (r, col["Timepris weekend"])
        f = t.formulas
        if g.timepris is not None:
            f[(r, col["Timepris dag"])] = f"=ROUND({_name('timepris', i)},2)"
        else:
            omk = "".join(f"+{_name('omk', i, k)}" for k in g.omkostninger_pr_aarsvaerk)
            ind = "+".join(_name("indirekte", i, k) for k in g.indirekte_andele) or "0"
            f[(r, col["Årlig udgift pr. årsværk"])] = f"={_name('aarsloen', i)}{omk}"
            f[(r, col["Normtimer"])] = f"={_name('normtimer', i)}"
            f[(r, col["Fremmødetimer"])] = f"=[[Normtimer]]*(1-{_name('fravaer', i)})"
            f[(r, col["BTP"])] = f"=1-({ind})"
            f[(r, col["Direkte timer"])] = "=[[Fremmødetimer]]*[[BTP]]"
            f[(r, col["Timepris dag"])] = "=ROUND([[Årlig udgift pr. årsværk]]/[[Direkte timer]],2)"
        for s in ("aften", "weekend"):
            f[(r, col[f"Timepris {s}"])] = f"=ROUND([[Timepris dag]]*(1+tillaeg_{s}),2)"
    return t


def _grundlag(result: RunResult, clinic: bool) -> tuple[ReportTable, ReportTable]:
    """Citizen-weeks per tariff cell, and minutes per cell, staff group, shift and clinic —
    the facts from data. Everything priced from them is a formula."""
    cfg = result.cfg
    labels = {ct.name: ct.label for ct in cfg.forloeb.types()}
    index = {g.navn: i for i, g in enumerate(cfg.timepris.faggrupper, start=1)}
    nursing = {g.navn for g in cfg.timepris.faggrupper if g.sygepleje}
    weeks = ReportTable(
        "grundlag_uger",
        "Borgeruger",
        "Borgeruger pr. forløbstype, fase og niveau (fra data)",
        [
            Column("Forløbstype"),
            Column("Fase"),
            Column("Niveau", "heltal"),
            Column("Dage i forløb", "heltal"),
            Column("Borgeruger", "uger"),
        ],
        note="Borgeruger = dage / 7.",
        column_names={"gu_type": 0, "gu_fase": 1, "gu_niveau": 2, "gu_uger": 4},
        workbook_only=True,
    )
    for r in result.tariffs.rows:
        days = int((r.weeks * 7).to_integral_value())
        i = len(weeks.rows)
        weeks.rows.append([labels[r.course_type], r.phase, r.level, days, r.weeks])
        weeks.formulas[(i, 4)] = "=[[Dage i forløb]]/7"
    minutes = sum_minutes(result.cell_visits, CELL)
    g = ReportTable(
        "grundlag",
        "Grundlag",
        "Leverede minutter pr. forløbstype, fase, niveau, faggruppe, vagt og sted (fra data)",
        [
            Column("Forløbstype"),
            Column("Fase"),
            Column("Niveau", "heltal"),
            Column("Faggruppe"),
            Column("Vagt"),
            Column("Klinik"),
            Column("Sygepleje"),
            Column("Minutter", "tal"),
            Column("Timepris", "kr"),
            Column("Udgift", "kr"),
            Column("Takstgrundlag", "kr"),
        ],
        note="Udgift = minutter × timepris / 60 (timepris for faggruppe og vagt, i klinik "
        "klinikkens). "
        + (
            "Takstgrundlag: sygepleje regnet som (1 − klinikandel) × hjemmets dagpris + "
            "klinikandel × klinikkens timepris."
            if clinic
            else "Takstgrundlag = udgift."
        ),
        column_names={
            "g_type": 0,
            "g_fase": 1,
            "g_niveau": 2,
            "g_sygepleje": 6,
            "g_minutter": 7,
            "g_udgift": 9,
            "g_grundlag": 10,
        },
        workbook_only=True,
    )
    rates = {p.staff_group: p for p in result.prices}
    clinic_price = cfg.klinik.timepris
    cols = minutes.select(*CELL, Col.FAGGRUPPE, Col.VAGT, Col.KLINIK, Col.MINUTTER).rows()
    for t_name, phase, level, group, shift, at_clinic, mins in cols:
        i = len(g.rows)
        m = Decimal(repr(float(mins)))
        p = rates[group]
        rate, rate_f = _rate(result, group, shift, at_clinic)
        cost = m * rate / 60
        is_nursing = group in nursing
        basis = cost
        basis_f = "=[[Udgift]]"
        if clinic and is_nursing:
            k = to_decimal(cfg.klinik.andel or 0.0)
            assert clinic_price is not None
            basis = m / 60 * ((1 - k) * p.price + k * clinic_price)
            basis_f = (
                f"=[[Minutter]]/60*((1-klinik_andel)*timepris_dag_{index[group]}"
                "+klinik_andel*klinik_timepris)"
            )
        g.rows.append(
            [
                labels[t_name],
                phase,
                level,
                group,
                shift,
                "Ja" if at_clinic else "Nej",
                "Ja" if is_nursing else "Nej",
                m,
                rate,
                round_ore(cost),
                round_ore(basis),
            ]
        )
        g.formulas[(i, 8)] = rate_f
        g.formulas[(i, 9)] = "=[[Minutter]]*[[Timepris]]/60"
        g.formulas[(i, 10)] = basis_f
    return weeks, g


def _rate(result: RunResult, group: str, shift: str, at_clinic: bool) -> tuple[Decimal, str]:
    """The price of a minute's price key (as Pricer prices it) and its formula: the staff
    group's shift price, or at a clinic the clinic's price."""
    clinic_price = result.cfg.klinik.timepris
    if at_clinic and clinic_price is not None:
        return round_ore(clinic_price), "=ROUND(klinik_timepris,2)"
    p = next(x for x in result.prices if x.staff_group == group)
    n = 1 + [g.navn for g in result.cfg.timepris.faggrupper].index(group)
    if shift == Shift.DAG:
        return p.shift_prices[Shift(shift)], f"=timepris_dag_{n}"
    return p.shift_prices[Shift(shift)], (
        f"=ROUND(timepris_dag_{n}*(1+{_name('tillaeg', shift)}),2)"
    )


def _tariff_model(result: RunResult) -> ReportTable:
    t = tariff_table(result)
    tr = result.tariffs
    h = {c.header: j for j, c in enumerate(t.columns)}
    cell = "[[Forløbstype]],gu_fase,[[Fase]],gu_niveau,[[Niveau]]"
    g_cell = "g_type,[[Forløbstype]],g_fase,[[Fase]],g_niveau,[[Niveau]]"
    fast = {r.level: i for i, r in enumerate(tr.rows) if r.course_type == CourseType.FASTHOLDENDE}
    dev = {ct.name for ct in result.cfg.forloeb.types() if ct.art == CourseType.UDVIKLENDE}
    normative = result.cfg.takster.metode == "normativ"
    for i, r in enumerate(tr.rows):
        f = t.formulas
        f[(i, h["Borgeruger"])] = f"=SUMIFS(gu_uger,gu_type,{cell})"
        f[(i, h["Timer"])] = f"=SUMIFS(g_minutter,{g_cell})/60"
        f[(i, h["Faktisk udgift"])] = f"=SUMIFS(g_udgift,{g_cell})"
        f[(i, h["Sygeplejetimer"])] = f'=SUMIFS(g_minutter,{g_cell},g_sygepleje,"Ja")/60'
        f[(i, h["Takstgrundlag"])] = f"=SUMIFS(g_grundlag,{g_cell})"
        f[(i, h["Overhead pr. uge"])] = "=overhead_pr_uge"
        t.names[_name("takst", i + 1)] = (i, h["Takst pr. uge"])
        j = h["Takst pr. uge"]
        if r.tariff is None:
            continue
        if normative:
            t.comments[(i, j)] = VALUE_NOTE + "normativ metode (basistakst + timer × vægtet pris)."
        elif r.course_type in dev and r.phase == Phase.EFTER.value:
            k = fast[r.level]
            f[(i, j)] = (
                f"=ROUND([[Takstgrundlag@{k}]]/[[Borgeruger@{k}]]*(1-r_anvendt)"
                "+[[Overhead pr. uge]],2)"
            )
        else:
            f[(i, j)] = "=ROUND([[Takstgrundlag]]/[[Borgeruger]]+[[Overhead pr. uge]],2)"
            if r.course_type == CourseType.INDIVIDUEL:
                t.comments[(i, j)] = (
                    "Gennemsnit: hver borger finansieres med sin egen udgift pr. uge (værdi)."
                )
    return t


def _headlines(result: RunResult) -> ReportTable:
    """Oversigt's key figures, each a reference to its cell on another sheet."""
    t = ReportTable(
        "noegletal",
        "Oversigt",
        "Nøgletal",
        [Column("Nøgletal"), Column("Værdi", "tal"), Column("Enhed")],
        workbook_only=True,
    )
    for i, p in enumerate(result.prices, start=1):
        t.formulas[(len(t.rows), 1)] = f"=timepris_dag_{i}"
        t.cell_kinds[(len(t.rows), 1)] = "kr"
        t.rows.append([f"Timepris dag, {p.staff_group}", p.price, "kr. pr. time"])
    tr = result.tariffs
    for label, name, value, kind in (
        ("r anvendt i taksterne", "r_anvendt", tr.reduction_used, "andel"),
        ("r estimeret fra data", "r_estimeret", result.reduction.r, "andel"),
        ("Omkostninger i taksten pr. borgeruge", "overhead_pr_uge", tr.overhead_per_week, "kr"),
    ):
        i = len(t.rows)
        t.cell_kinds[(i, 1)] = kind  # type: ignore[assignment]
        if value is not None:
            t.formulas[(i, 1)] = f"={name}"
        unit = "kr. pr. uge" if kind == "kr" else "andel"
        t.rows.append([label, None if value is None else _d(value), unit])
    return t


def _overview(result: RunResult, tariffs: ReportTable) -> ReportTable:
    """Headline tariffs: a row per course type and phase, a column per level, each a reference
    to its tariff on Forløbstakster; and a column chart of them."""
    tr = result.tariffs
    labels = {ct.name: ct.label for ct in result.cfg.forloeb.types()}
    levels = sorted({r.level for r in tr.rows})
    keys: list[tuple[str, str]] = []
    for r in tr.rows:
        if (r.course_type, r.phase) not in keys:
            keys.append((r.course_type, r.phase))
    t = ReportTable(
        "oversigt",
        "Oversigt",
        "Forløbstakster pr. borgeruge (kr.)",
        [Column("Forløbstype og fase")] + [Column(f"Niveau {lv}", "kr") for lv in levels],
        chart=Chart(  # low enough that Oversigt's figures and both charts fill one page
            "Takst pr. borgeruge", "kr. pr. uge", (), by_row=True, y_format="#,##0", height=220
        ),
        workbook_only=True,
    )
    at = {(r.course_type, r.phase, r.level): i for i, r in enumerate(tr.rows)}
    for ct, phase in keys:
        row: list[Any] = [f"{labels[ct]}, {phase}"]
        for j, lv in enumerate(levels, start=1):
            i = at.get((ct, phase, lv))
            value = None if i is None else tr.rows[i].tariff
            row.append(value)
            if value is not None:
                t.formulas[(len(t.rows), j)] = f"={_name('takst', i + 1)}"  # type: ignore[operator]
        t.rows.append(row)
    r_used = tr.reduction_used
    t.note = (
        "Hver takst er en formel på arket Forløbstakster; r anvendt = "
        + ("ukendt" if r_used is None else f"{r_used:.1%}".replace(".", ","))
        + f" ({tr.reduction_source}). Timepriser: se arket Timepriser."
    )
    return t


def funding_model(
    result: RunResult, funding: FundingRun, money: list[ReportTable]
) -> list[ReportTable]:
    """The money tables as formulas of tariffs and volumes (issue 14): a Teamgrundlag sheet
    (minutes per team and price key, priced by formula: each team's cost, activity and
    delegated nursing are its sums) and a Forløbsfinansiering sheet (per team and tariff cell:
    days, citizen-weeks = days / 7, the tariff from Forløbstakster, amount = weeks × tariff:
    each team's course part is its sum); the budget year's expected weeks = days ×
    budget_faktor / 7, the course budget = weeks × tariff, team budgets' parts and months as
    sums and shares of those; and on Oversigt each team's funding, result and budget.
    Attaches formulas to `money` (their values stay takst's) and returns the workbook's money
    tables in order. What is not a formula of the sheets (an individual tariff: each
    citizen's own cost; a budget at brought-forward prices; a frame) stays a value."""
    tables = {t.key: t for t in money}
    course = _course_funding(result, funding)
    basis = _team_basis(result)
    _funding_formulas(tables["finansiering"], tables["modelsammenligning"], funding)
    _delegated_formulas(tables["delegeret_sygepleje"])
    _budget_formulas(result, funding, tables)
    at = money.index(tables["teambudgetter"])
    overview = _team_overview(funding, tables["finansiering"], tables["teambudgetter"])
    return [overview, *money[:at], basis, course, *money[at:]]


def _team_overview(funding: FundingRun, fin: ReportTable, tb: ReportTable) -> ReportTable:
    """Oversigt: each team's funding, cost and result in the data period under its own model,
    its budget for the budget year, and whether it spent more than it was funded — each a
    reference to Finansiering and Teambudgetter — and a column chart of the results."""
    year = funding.budget.year
    t = ReportTable(
        "oversigt_teams",
        "Oversigt",
        "Finansiering og budget pr. team",
        [
            Column("Team"),
            Column("Finansiering", "kr"),
            Column("Faktisk udgift", "kr"),
            Column("Resultat", "kr"),
            Column(f"Budget {year}", "kr"),
            Column("Udgift over finansiering"),
        ],
        chart=Chart(
            "Resultat pr. team (dataperioden)", "kr.", (3,), bars=True, y_format="#,##0", height=220
        ),
        workbook_only=True,
    )
    h = {c.header: j for j, c in enumerate(fin.columns)}
    budgets = {r[0]: r[-1] for r in tb.rows}
    over = []
    for i, row in enumerate(fin.rows):
        team, amount, cost, result = (
            row[0],
            row[h["Finansiering i alt"]],
            row[h["Faktisk udgift"]],
            row[h["Resultat"]],
        )
        if result < 0:
            over.append(team)
        t.rows.append([team, amount, cost, result, budgets[team], "Ja" if result < 0 else "Nej"])
        f = t.formulas
        f[(i, 1)] = "=SUMIFS(fi_finansiering,fi_team,[[Team]])"
        f[(i, 2)] = "=SUMIFS(fi_udgift,fi_team,[[Team]])"
        f[(i, 3)] = "=[[Finansiering]]-[[Faktisk udgift]]"
        f[(i, 4)] = "=SUMIFS(tb_budget,tb_team,[[Team]])"
        f[(i, 5)] = '=IF([[Resultat]]<0,"Ja","Nej")'
    t.total = ["I alt", *[sum((r[j] for r in t.rows), ZERO) for j in (1, 2, 3, 4)], None]
    t.note = (
        (
            "Ingen teams har i dataperioden haft en udgift over deres finansiering."
            if not over
            else "Teams med udgift over finansieringen i dataperioden: " + ", ".join(over) + "."
        )
        + " Resultat = finansiering efter teamets egen model − faktisk udgift (se arket "
        "Finansiering). Forbruget mod årets budget følges med takst opfoelgning."
    )
    return t


DELIVERED, LATE, OUTSIDE = "leveret", "aflyst efter fristen", "uden for forløbstypen"


def _team_basis(result: RunResult) -> ReportTable:
    """Minutes per team, kind, delegated nursing or not, staff group, shift and place — the
    facts each team's cost and activity are priced from, as Grundlag is for the tariffs."""
    t = ReportTable(
        "grundlag_team",
        "Teamgrundlag",
        "Minutter pr. team, art, faggruppe, vagt og sted (fra data)",
        [
            Column("Team"),
            Column("Art"),
            Column("Delegeret sygepleje"),
            Column("Faggruppe"),
            Column("Vagt"),
            Column("Klinik"),
            Column("Minutter", "tal"),
            Column("Timepris", "kr"),
            Column("Udgift", "kr"),
        ],
        note=f"Art: {DELIVERED} (leverede besøg i modellen), {LATE} (betales på visiteret "
        f"grundlag), {OUTSIDE} (faggrupper uden for forløbstypen, betales som aktivitet). "
        "Udgift = minutter × timepris / 60.",
        column_names={
            "gt_team": 0,
            "gt_art": 1,
            "gt_delegeret": 2,
            "gt_minutter": 6,
            "gt_udgift": 8,
        },
        workbook_only=True,
    )
    delegated = delegated_expr(result.cfg.tildeling, result.pricer).alias(Col.DELEGATED)
    sources = [
        (DELIVERED, result.visits),
        (LATE, result.cancelled.filter(~pl.col(Col.TIMELY))),
        (OUTSIDE, result.staff_outside),
    ]
    for art, facts in sources:
        if facts is None:
            continue
        minutes = sum_minutes(facts.with_columns(delegated), [Col.TEAM, Col.DELEGATED])
        for team, deleg, group, shift, at_clinic, mins in minutes.select(
            Col.TEAM, Col.DELEGATED, *PRICE_KEYS, Col.MINUTTER
        ).rows():
            i = len(t.rows)
            m = Decimal(repr(float(mins)))
            rate, rate_f = _rate(result, group, shift, bool(at_clinic))
            yes_no = "Ja" if deleg else "Nej"
            clinic = "Ja" if at_clinic else "Nej"
            t.rows.append([team, art, yes_no, group, shift, clinic, m, rate, m * rate / 60])
            t.formulas[(i, 7)] = rate_f
            t.formulas[(i, 8)] = "=[[Minutter]]*[[Timepris]]/60"
    return t


def _gt(art: str, delegated: str | None = None) -> str:
    """A team's sum of Udgift on Teamgrundlag of one kind (delegated nursing or not)."""
    only = "" if delegated is None else f',gt_delegeret,"{delegated}"'
    return f'SUMIFS(gt_udgift,gt_team,[[Team]],gt_art,"{art}"{only})'


def _activity(rule: TeamFunding) -> str:
    """The activity line without delegated nursing: delivered, on the granted basis plus the
    cancellations made after the deadline."""
    late = f"+{_gt(LATE, 'Nej')}" if rule.grundlag == "visiteret" else ""
    return f"{_gt(DELIVERED, 'Nej')}{late}"


def _cell_names(result: RunResult) -> dict[tuple[str, str, int], str]:
    """Each tariff cell (type, phase, level) → the defined name of its tariff."""
    return {
        (r.course_type, r.phase, r.level): _name("takst", i + 1)
        for i, r in enumerate(result.tariffs.rows)
    }


def _course_funding(result: RunResult, funding: FundingRun) -> ReportTable:
    cfg = result.cfg
    labels = {ct.name: ct.label for ct in cfg.forloeb.types()}
    individual = set(cfg.forloeb.names_of(CourseType.INDIVIDUEL))
    names = _cell_names(result)
    t = ReportTable(
        "forloebsfinansiering",
        "Forløbsfinansiering",
        "Forløbsfinansiering pr. team og takstcelle (dataperioden)",
        [
            Column("Team"),
            Column("Forløbstype"),
            Column("Fase"),
            Column("Niveau", "heltal"),
            Column("Dage i forløb", "heltal"),
            Column("Borgeruger", "uger"),
            Column("Takst pr. uge", "kr"),
            Column("Beløb", "kr"),
        ],
        note="Beløb = borgeruger × takst pr. uge (taksten fra arket Forløbstakster). "
        "Teamets forløbsdel på arkene Finansiering og Modelsammenligning er summen af dets "
        "beløb; budgettets borgeruger er dagene × budget_faktor / 7.",
        column_names={
            "ff_team": 0,
            "ff_type": 1,
            "ff_fase": 2,
            "ff_niveau": 3,
            "ff_dage": 4,
            "ff_beloeb": 7,
        },
        workbook_only=True,
    )
    groups: dict[tuple[str, str, str, int], list[tuple[int, Decimal | None]]] = {}
    for team, ctype, phase, level, days, paid in column_rows(
        funding.seg_tariffs, Col.TEAM, Col.TYPE, Col.PHASE, Col.LEVEL, Col.DAYS, Col.TARIFF
    ):
        groups.setdefault((team, ctype, phase, level), []).append((days, paid))
    for (team, ctype, phase, level), segs in sorted(groups.items()):
        i = len(t.rows)
        days = sum(d for d, _ in segs)
        weeks = Decimal(days) / 7
        amount = sum((Decimal(d) / 7 * x for d, x in segs if x is not None), ZERO)
        if ctype in individual:
            tariff: Decimal | None = amount / weeks if weeks else None
            t.comments[(i, 6)] = VALUE_NOTE + "gennemsnit af borgernes egne takster."
            t.comments[(i, 7)] = VALUE_NOTE + "Σ hver borgers uger × sin egen takst."
        else:
            tariff = segs[0][1]
        if tariff is None:  # a cell without weeks in the tariff period: no tariff, paid 0
            t.comments[(i, 6)] = "Cellen har ingen takst: ingen borgeruger i takstgrundlaget."
        elif ctype not in individual:
            t.formulas[(i, 6)] = f"={names[(ctype, phase, level)]}"
            t.formulas[(i, 7)] = "=[[Borgeruger]]*[[Takst pr. uge]]"
        t.formulas[(i, 5)] = "=[[Dage i forløb]]/7"
        t.rows.append([team, labels[ctype], phase, level, days, weeks, tariff, amount])
    weeks_total = sum((r[5] for r in t.rows), ZERO)
    amount_total = sum((r[7] for r in t.rows), ZERO)
    t.total = [
        "I alt",
        None,
        None,
        None,
        sum(r[4] for r in t.rows),
        weeks_total,
        None,
        amount_total,
    ]
    for j, header in ((5, "Borgeruger"), (7, "Beløb")):
        t.formulas[(len(t.rows), j)] = f"=SUM([[{header}:]])"
    return t


def _team_sum(values: str, teams: str) -> str:
    """A team's sum of a named column of another table, rounded to øre as takst shows it."""
    return f"=ROUND(SUMIFS({values},{teams},[[Team]]),2)"


def _funding_formulas(fin: ReportTable, comp: ReportTable, funding: FundingRun) -> None:
    """The course part of each course-funded team, and each team's pure course funding, as
    the sums of its amounts on Forløbsfinansiering; the results as funding − cost."""
    h = {c.header: j for j, c in enumerate(fin.columns)}
    k = {c.header: j for j, c in enumerate(comp.columns)}
    for i, x in enumerate(funding.teams):
        rule = x.rule
        variable = rule.variable_part  # what pays what the team does (config.funding)
        f, c = fin.formulas, comp.formulas
        cost = f"=ROUND({_gt(DELIVERED)},2)"
        f[(i, h["Faktisk udgift"])] = c[(i, k["Faktisk udgift"])] = cost
        late = f"+{_gt(LATE, 'Nej')}" if rule.grundlag == "visiteret" else ""
        c[(i, k["Aktivitet"])] = f"=ROUND({_gt(DELIVERED)}{late},2)"
        c[(i, k["Forløb"])] = f"=ROUND(SUMIFS(ff_beloeb,ff_team,[[Team]])+{_gt(OUTSIDE)},2)"
        if x.frame is not None:
            regulated = f"{rule.ramme:f}*(1+{to_decimal(rule.demografiregulering)})"
            c[(i, k["Ramme"])] = f"=ROUND({regulated}*periode_aar+{_gt(DELIVERED, 'Ja')},2)"
            c[(i, k["Resultat ramme"])] = "=[[Ramme]]-[[Faktisk udgift]]"
            if variable == Part.FRAME:  # a pure frame: the regulated frame is its own part
                f[(i, h["Ramme"])] = f"=ROUND({regulated}*periode_aar,2)"
        if variable != Part.FRAME and rule.yearly_frame():  # a fixed frame beside the variable
            f[(i, h["Ramme"])] = f"=ROUND({rule.yearly_frame():f}*periode_aar,2)"
        if variable == Part.ACTIVITY:
            f[(i, h["Aktivitet"])] = f"=ROUND({_activity(rule)},2)"
        if variable == Part.COURSE:
            f[(i, h["Forløb"])] = _team_sum("ff_beloeb", "ff_team")
            f[(i, h["Aktivitet"])] = f"=ROUND({_gt(OUTSIDE)},2)"
        else:
            f[(i, h["Delegeret sygepleje"])] = f"=ROUND({_gt(DELIVERED, 'Ja')},2)"
    comp.row_formula("Resultat aktivitet", "=[[Aktivitet]]-[[Faktisk udgift]]")
    comp.row_formula("Resultat forløb", "=[[Forløb]]-[[Faktisk udgift]]")
    fin.column_names.update({"fi_team": 0, "fi_finansiering": h["Finansiering i alt"]})
    fin.column_names.update({"fi_udgift": h["Faktisk udgift"], "fi_resultat": h["Resultat"]})


def _delegated_formulas(d: ReportTable) -> None:
    """Delegated nursing per team: its hours and amount from Teamgrundlag."""
    delegated = f'gt_team,[[Team]],gt_art,"{DELIVERED}",gt_delegeret,"Ja"'
    for i in range(len(d.rows)):
        d.formulas[(i, 1)] = f"=SUMIFS(gt_minutter,{delegated})/60"
        d.formulas[(i, 2)] = f"=ROUND({_gt(DELIVERED, 'Ja')},2)"


def _budget_formulas(
    result: RunResult, funding: FundingRun, tables: dict[str, ReportTable]
) -> None:
    """Expected citizen-weeks = the period's days × budget_faktor / 7; the course budget =
    weeks × tariff (unless the budget is at brought-forward tariffs); team budgets' weeks and
    course part as sums of those; each month = the team's budget × the month's days / the
    year's."""
    budget = funding.budget
    cfg = result.cfg
    individual = set(cfg.forloeb.names_of(CourseType.INDIVIDUEL))
    names = _cell_names(result)
    c, tb, m = tables["forventede_borgeruger"], tables["teambudgetter"], tables["budget_pr_maaned"]
    c.column_names.update({"fb_team": 0, "fb_uger": 4, "fb_budget": 5})
    rows = list(column_rows(budget.caseload, Col.TEAM, Col.TYPE, Col.PHASE, Col.LEVEL))
    assert len(rows) == len(c.rows)
    for i, (_, ctype, phase, level) in enumerate(rows):
        c.formulas[(i, 4)] = (
            "=SUMIFS(ff_dage,ff_team,[[Team]],ff_type,[[Forløbstype]],ff_fase,[[Fase]],"
            "ff_niveau,[[Niveau]])*budget_faktor/7"
        )
        if ctype in individual:
            c.comments[(i, 5)] = VALUE_NOTE + "Σ hver borgers uger × sin egen takst."
        elif budget.factors is not None:
            c.comments[(i, 5)] = VALUE_NOTE + "borgeruger × takst fremskrevet til budgetåret."
        else:
            c.formulas[(i, 5)] = f"=[[Borgeruger]]*{names[(ctype, phase, level)]}"
    h = {col.header: j for j, col in enumerate(tb.columns)}
    tb.column_names.update({"tb_team": 0, "tb_budget": h["Budget i alt"]})
    tb.names["budget_i_alt"] = (len(tb.rows), h["Budget i alt"])
    for i, x in enumerate(funding.teams):
        rule = x.rule
        f = tb.formulas
        f[(i, h["Forventede borgeruger"])] = "=SUMIFS(fb_uger,fb_team,[[Team]])"
        variable = rule.variable_part  # what pays what the team does (config.funding)
        if budget.factors is not None:  # priced at the budget year's prices: values
            continue
        if variable == Part.ACTIVITY:
            f[(i, h["Aktivitet"])] = f"=ROUND(({_activity(rule)})*budget_faktor,2)"
        if variable == Part.COURSE:
            f[(i, h["Forløb"])] = _team_sum("fb_budget", "fb_team")
            f[(i, h["Aktivitet"])] = f"=ROUND({_gt(OUTSIDE)}*budget_faktor,2)"
        else:
            f[(i, h["Delegeret sygepleje"])] = f"=ROUND({_gt(DELIVERED, 'Ja')}*budget_faktor,2)"
    year_days = 366 if calendar.isleap(budget.year) else 365
    for j, month in enumerate(range(1, 13), start=1):
        days = calendar.monthrange(budget.year, month)[1]
        for i in range(len(m.rows)):
            m.formulas[(i, j)] = f"=SUMIFS(tb_budget,tb_team,[[Team]])*{days}/{year_days}"
