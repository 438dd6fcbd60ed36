"""The year's cycle as report tables: the index factors beside the prices they bring forward,
the month's settlement, and the deviation split into volume, need mix and price."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl

from takst_cli.format import format_kr, format_number
from takst_cli.money import round_ore, round_parts
from takst_cli.pipeline.deviation import Decomposition
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


def _pct(r: float | None) -> str:
    return "ingen" if r is None else f"{r * 100:.1f} %".replace(".", ",")


def settlement_table(settled: pl.DataFrame) -> ReportTable:
    """The months just settled: per team and month the four parts and their total."""
    from takst_cli.pipeline.funding import PARTS

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
    for (month, team), grp in settled.group_by(["maaned", "team"], maintain_order=True):
        amounts = dict(zip(grp["del"].to_list(), grp["beloeb"].to_list(), strict=True))
        parts = [Decimal(amounts[p]) for p in PARTS]
        t.rows.append([month, team, *parts, sum(parts, Decimal(0))])
    t.total = ["I alt", None, *[sum((r[2 + i] for r in t.rows), Decimal(0)) for i in range(5)]]
    return t


_WHY = {
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


def explain(team: str, deviation: Decimal, parts: dict[str, Decimal], driver: str) -> str:
    """One sentence naming the team's largest driver, with its sign read out."""
    if not deviation and not any(parts.values()):
        return f"{team}: ingen afvigelse i forløbscellerne."
    part = parts[driver]
    return (
        f"{team}: afvigelsen på {format_kr(deviation)} skyldes mest {driver} "
        f"({format_kr(part)}): {_WHY[(driver, part < 0)]}."
    )


def deviation_table(rows: list[Decomposition], date: dt.date) -> ReportTable:
    """Budget and spend of the course cells to the date, the deviation and its three parts
    rounded so that they add up to it exactly (largest remainder), and the sentence."""
    t = ReportTable(
        "afvigelse",
        "Budgetopfølgning",
        f"Hvorfor afvigelsen: volumen, mix og pris pr. {date:%d-%m-%Y}",
        [
            Column("Team"),
            Column("Budget pr. dato (forløbsceller)", "kr"),
            Column("Forbrug pr. dato (forløbsceller)", "kr"),
            Column("Afvigelse", "kr"),
            Column("Heraf volumen", "kr"),
            Column("Heraf mix", "kr"),
            Column("Heraf pris", "kr"),
            Column("Forklaring"),
        ],
        note="Afvigelse = budget − forbrug for teamets borgere i forløb, fra 1. januar til "
        "datoen (negativ: overskridelse). Volumen: flere eller færre borgeruger; mix: "
        "fordelingen på forløbstyper og niveauer mod takstbladets budgetgrundlag; pris: "
        "udgift pr. borgeruge inden for samme type og niveau. Budgettet er takstbladets "
        "forventede borgeruger × den forløbne del af året.",
    )
    for d in rows:
        budget, spend = round_ore(d.budget), round_ore(d.spend)
        deviation = budget - spend
        volume, mix, price = round_parts([d.volume, d.mix, d.price], deviation)
        parts = {"volumen": volume, "mix": mix, "pris": price}
        t.rows.append(
            [
                d.team,
                budget,
                spend,
                deviation,
                volume,
                mix,
                price,
                explain(d.team, deviation, parts, d.largest()),
            ]
        )
    # the sentences in the note as well: a narrow terminal cuts a table's last column
    t.note = " ".join([t.note, *(row[-1] for row in t.rows)])
    return t
