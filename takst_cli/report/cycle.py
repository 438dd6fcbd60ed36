"""The year's cycle as report tables: the index factors beside the prices they bring forward,
the month's settlement, and the deviation split into volume, need mix and price."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl

from takst_cli.format import format_kr, format_number
from takst_cli.models import WEEK_PARTS, Ledger, Part, Takstblad
from takst_cli.money import ORE, round_ore, round_parts
from takst_cli.pipeline.deviation import (
    PART_ACTIVITY_COURSE,
    Decomposition,
    largest_driver,
)
from takst_cli.pipeline.hourly_price import HourlyPrice
from takst_cli.pipeline.indexation import IndexFactors
from takst_cli.tables import Column, ReportTable


def index_table(
    before: list[HourlyPrice], after: list[HourlyPrice], f: IndexFactors
) -> ReportTable:
    """Each staff group's hourly price in the data year and the budget year, and the factor
    between them (the blend of wage and price index its cost base makes)."""
    t = ReportTable(
        "fremskrivning",
        "Fremskrivning",
        f"Timepriser fremskrevet fra {f.from_year} til {f.to_year}",
        [
            Column("Faggruppe"),
            Column(f"Timepris {f.from_year}", "kr"),
            Column("Faktor"),  # four decimals: the shared number kinds show two
            Column(f"Timepris {f.to_year}", "kr"),
        ],
        note=f"Lønfaktor {_fmt(f.wage)}, prisfaktor {_fmt(f.price)} ({f.source}, "
        f"{f.published:%d-%m-%Y}). Lønandelen af en omkostning følger lønindekset, resten "
        "prisindekset; takster og budget er regnet med timepriserne for budgetåret.",
    )
    for b, a in zip(before, after, strict=True):
        factor = _fmt(a.price / b.price) if b.price else None
        t.rows.append([b.staff_group, b.price, factor, a.price])
    return t


def _fmt(x: Decimal) -> str:
    return format_number(x, 4)


def takstblad_tables(doc: dict[str, Any]) -> list[ReportTable]:
    """The takstblad on the screen: prices and tariffs of the budget year, factors in the note."""
    year = doc["budgetaar"]
    f = doc["fremskrivning"]
    note = (
        f"Fremskrevet fra {f['fra_aar']} til {f['til_aar']}: lønfaktor "
        f"{_fmt(Decimal(f['loenfaktor']))}, prisfaktor {_fmt(Decimal(f['prisfaktor']))} "
        f"({f['kilde']})."
        if f
        else "Ikke fremskrevet: modelfilen har ingen fremskrivning; priserne er dataårets."
    )
    prices = ReportTable(
        "timepriser",
        "Takstblad",
        f"Takstblad {year}: timepriser",
        [Column("Faggruppe"), Column("Timepris", "kr")],
        note=note,
    )
    for p in doc["timepriser"]:
        prices.rows.append([p["faggruppe"], Decimal(p["timepris"])])
    tariffs = ReportTable(
        "forloebstakster",
        "Takstblad",
        f"Takstblad {year}: forløbstakster pr. borgeruge",
        [Column("Forløbstype"), Column("Fase"), Column("Niveau", "heltal"), Column("Takst", "kr")],
        note=f"Overhead pr. borgeruge {doc['overhead_pr_uge'].replace('.', ',')} kr. indeholdt; "
        f"r = {_pct(doc['reduktion_r'])} ({doc['reduktion_kilde']}).",
    )
    for t in doc["takster"]:
        value = None if t["takst"] is None else Decimal(t["takst"])
        tariffs.rows.append([t["forloebstype"], t["fase"], t["niveau"], value])
    return [prices, tariffs]


def frozen_tables(sheet: Takstblad) -> list[ReportTable]:
    """Where the prices and tariffs of a run with --takstblad came from (file, format and takst
    version, date, SHA-256), and those prices and tariffs, under the keys and headers of the
    computed ones (the Resumé reads them)."""
    source = ReportTable(
        "takstblad",
        "Takstblad",
        f"Timepriser og takster fra takstbladet {sheet.path.name}",
        [Column("Oplysning"), Column("Værdi")],
        note="Timepriser og forløbstakster er takstbladets faste (budgetårets priser), ikke "
        "beregnet på data; finansieringsmodeller, rammer, borgeruger og timer er modelfilens "
        "og dataperiodens.",
    )
    modified = "" if sheet.modified is None else f"{sheet.modified:%d-%m-%Y}"
    source.rows += [
        ["Fil", sheet.path.name],
        ["Version", f"format {sheet.format_version}, skrevet af takst {sheet.takst_version}"],
        ["Dato (filens)", modified],
        ["Budgetår", str(sheet.budget_year)],
        ["Kommune", sheet.municipality],
        ["SHA-256", sheet.sha256],
    ]
    prices = ReportTable(
        "timepriser",
        "Timepriser",
        f"Timepriser fra takstbladet {sheet.path.name}",
        [
            Column("Faggruppe"),
            Column("Timepris dag", "kr"),
            Column("Timepris aften", "kr"),
            Column("Timepris weekend", "kr"),
        ],
    )
    for p in sheet.prices:
        shift = {str(k): v for k, v in p.shift_prices.items()}
        prices.rows.append([p.staff_group, p.price, shift.get("aften"), shift.get("weekend")])
    tariffs = ReportTable(
        "forloebstakster",
        "Forløbstakster",
        f"Forløbstakster pr. borgeruge fra takstbladet {sheet.path.name}",
        [
            Column("Forløbstype"),
            Column("Fase"),
            Column("Niveau", "heltal"),
            Column("Takst pr. uge", "kr"),
        ],
        note=f"Overhead pr. borgeruge {format_kr(sheet.overhead_per_week)} indeholdt.",
    )
    for (t, f, n), v in sheet.tariffs.items():
        tariffs.rows.append([t, f, n, v])
    return [source, prices, tariffs]


def _pct(r: float | None) -> str:
    return "ingen" if r is None else f"{r * 100:.1f} %".replace(".", ",")


def settlement_table(settled: pl.DataFrame) -> ReportTable:
    """The months just settled: per team and month the four parts and their total."""
    t = ReportTable(
        "afregning",
        "Afregning",
        "Afregning med takstbladets takster",
        [
            Column("Måned"),
            Column("Team"),
            Column("Ramme", "kr"),
            Column("Aktivitet", "kr"),
            Column("Forløb", "kr"),
            Column("Delegeret sygepleje", "kr"),
            Column("I alt", "kr"),
        ],
        note="Hvert team under sin egen finansieringsmodel; delene summer til i alt.",
    )
    for (month, team), grp in settled.group_by([Ledger.MONTH, Ledger.TEAM], maintain_order=True):
        amounts = dict(zip(grp[Ledger.PART].to_list(), grp[Ledger.AMOUNT].to_list(), strict=True))
        parts = [Decimal(amounts[p]) for p in Part.ALL]
        t.rows.append([month, team, *parts, sum(parts, Decimal(0))])
    t.total = ["I alt", None, *[sum((r[2 + i] for r in t.rows), Decimal(0)) for i in range(5)]]
    return t


PART_LABELS = {
    Part.COURSE: "Forløb",
    PART_ACTIVITY_COURSE: "Aktivitet i forløbsceller",
    Part.ACTIVITY: "Aktivitet uden for forløbscellerne",
    Part.DELEGATED: "Delegeret sygepleje",
    Part.FRAME: "Ramme",
}
_WEEKS = {
    ("volumen", True): "flere borgeruger end budgetteret",
    ("volumen", False): "færre borgeruger end budgetteret",
    ("mix", True): "borgerne ligger i dyrere forløbstyper og niveauer end i budgettets grundlag",
    (
        "mix",
        False,
    ): "borgerne ligger i billigere forløbstyper og niveauer end i budgettets grundlag",
    ("pris", True): "højere udgift pr. borgeruge inden for samme forløbstype og niveau",
    ("pris", False): "lavere udgift pr. borgeruge inden for samme forløbstype og niveau",
}
_HOURS = {
    ("volumen", True): "flere timer end budgetteret",
    ("volumen", False): "færre timer end budgetteret",
    ("mix", True): "timerne ligger i dyrere faggrupper og vagter end i budgettets grundlag",
    ("mix", False): "timerne ligger i billigere faggrupper og vagter end i budgettets grundlag",
    ("pris", True): "højere udgift pr. time inden for samme faggruppe og vagt",
    ("pris", False): "lavere udgift pr. time inden for samme faggruppe og vagt",
}
_FRAME = {
    ("ramme", True): "rammen i modelfilen er større end i takstbladets budget",
    ("ramme", False): "rammen i modelfilen er mindre end i takstbladets budget",
}


def _why(part: str, driver: str, overspent: bool) -> str:
    table = _FRAME if part == Part.FRAME else _WEEKS if part in WEEK_PARTS else _HOURS
    return table[(driver, overspent)]


def explain(
    team: str, deviation: Decimal, parts: dict[tuple[str, str], Decimal], driver: tuple[str, str]
) -> str:
    """One sentence naming the team's largest driver (part and driver), its sign read out."""
    if not deviation and not any(parts.values()):
        return f"{team}: ingen afvigelse."
    part = parts[driver]
    label = PART_LABELS[driver[0]].lower()
    what = "rammen" if driver[0] == Part.FRAME else f"{driver[1]} i {label}"
    return (
        f"{team}: afvigelsen på {format_kr(deviation)} skyldes mest {what} "
        f"({format_kr(part)}): {_why(driver[0], driver[1], part < 0)}."
    )


_NOISE = Decimal("1e-9")  # kr: far below an øre, far above Decimal's rounding of a sum


def deviation_table(rows: list[Decomposition], date: dt.date) -> ReportTable:
    """Per team and funded part: budget and spend to the date, the deviation and its parts
    rounded so that they add up to it exactly (largest remainder); then the team's total,
    the sum of its rounded rows, with the sentence naming its largest driver."""
    t = ReportTable(
        "afvigelse",
        "Budgetopfølgning",
        f"Hvorfor afvigelsen: volumen, mix og pris pr. {date:%d-%m-%Y}",
        [
            Column("Team"),
            Column("Del"),
            Column("Budget pr. dato", "kr"),
            Column("Forbrug pr. dato", "kr"),
            Column("Afvigelse", "kr"),
            Column("Heraf volumen", "kr"),
            Column("Heraf mix", "kr"),
            Column("Heraf pris", "kr"),
            Column("Heraf ramme (ikke delt)", "kr"),
            Column("Forklaring"),
        ],
        note="Afvigelse = budget − forbrug fra 1. januar til datoen (negativ: overskridelse); "
        "budgettet er takstbladets × den forløbne del af året, forbruget afregnet med "
        "takstbladets takster og timepriser. Forløb og aktivitet i forløbsceller: volumen er "
        "borgeruger, mix fordelingen på forløbstyper, faser og niveauer, pris udgiften pr. "
        "borgeruge inden for samme celle. Aktivitet uden for forløbscellerne og delegeret "
        "sygepleje: volumen er timer, mix fordelingen på faggrupper og vagter, pris udgiften "
        "pr. time inden for samme faggruppe og vagt. En ramme reguleres ikke efter aktivitet "
        "og deles ikke: hele dens afvigelse står under ramme.",
    )
    sentences = []
    for team in dict.fromkeys(d.team for d in rows):
        mine = [d for d in rows if d.team == team]
        total: list[Decimal | None] = [None] * 7  # a column no part fills stays blank
        named: dict[tuple[str, str], Decimal] = {}
        for d in mine:
            budget, spend = round_ore(d.budget), round_ore(d.spend)
            deviation = budget - spend
            exact = list(d.drivers().values())
            # decompose's parts add up to the deviation by construction (up to Decimal's 28 digits);
            # parts that did not would be bent by round_parts to a target they do not make
            if abs(sum(exact, ORE * 0) - d.deviation) > _NOISE:
                raise RuntimeError(
                    f"intern fejl: afvigelsens dele for {team} ({d.part}) summer til "
                    f"{sum(exact, ORE * 0)}, ikke til afvigelsen {d.deviation}"
                )
            rounded = round_parts(exact, deviation)
            named.update({(d.part, k): v for k, v in zip(d.drivers(), rounded, strict=True)})
            split = rounded + [None] if d.split else [None, None, None, *rounded]
            t.rows.append([team, PART_LABELS[d.part], budget, spend, deviation, *split, None])
            for i, v in enumerate([budget, spend, deviation, *split]):
                if v is not None:
                    total[i] = (total[i] or ORE * 0) + v
        driver = largest_driver(mine)
        deviation = total[2] or ORE * 0
        sentence = (
            explain(team, deviation, named, driver) if driver else f"{team}: ingen afvigelse."
        )
        sentences.append(sentence)
        t.rows.append([team, "I alt", *total, sentence])
    # the sentences in the note as well: a narrow terminal cuts a table's last column
    t.note = " ".join([t.note, *sentences])
    return t
