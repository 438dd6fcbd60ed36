"""Rewrite the sample municipality's figures in README.md from the golden files.

Run after regenerating tests/golden (see tests/test_golden.py):
    python docs/readme_tabeller.py
Each block between <!-- tal:NAME --> and <!-- /tal:NAME --> is replaced.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import polars as pl

from takst_cli.format import format_number

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def kr(v: str | None) -> str:
    return format_number(Decimal(v)) if v else "–"


def pct(v: str | None) -> str:
    return f"{format_number(Decimal(v) * 100, 1)} %" if v else "–"


def read(name: str) -> pl.DataFrame:
    return pl.read_csv(GOLDEN / name, infer_schema=False)


def row(frame: pl.DataFrame, first: str) -> dict[str, str]:
    return frame.filter(pl.col(frame.columns[0]) == first).row(0, named=True)


def block_data() -> str:
    q = read("datakvalitet.csv")
    n = row(q, "leverancer.csv")["Rækker"]
    grants = q.filter(pl.col(q.columns[0]) == "visitationer.xlsx")
    rows = grants.row(0, named=True)["Rækker"]
    courses = grants.filter(pl.col(q.columns[1]) == "i modellen").row(0, named=True)["Rækker"]
    return (
        f"`sample_data/` er en syntetisk kommune (250 borgere, 5 teams, "
        f"{format_number(int(n), 0)} besøg i 2025, lavet med\n`takst eksempel --borgere 250 "
        "--seed 2025 --tegnsaet cp1252`): besøgene som dansk CSV i\nWindows-1252, "
        f"visitationerne som XLSX i den form, et omsorgssystem eksporterer dem "
        f"({format_number(int(rows), 0)} rækker: én pr. indsats og revision, §83a-rækker i "
        f"de udviklende forløbs periode 1, ingen forløbstype), som takst samler til "
        f"{format_number(int(courses), 0)} forløb; budgetterne som CSV. "
        "`takst beregn --config configs/eksempel.yaml` viser:"
    )


def block_prices() -> str:
    t = read("timepriser.csv")
    out = [
        "| Faggruppe | Fremmødetimer | BTP | Direkte timer | Timepris dag | aften | weekend |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in t.iter_rows(named=True):
        name = r["Faggruppe"] + (" (angivet)" if r["Grundlag"] != "beregnet" else "")
        out.append(
            f"| {name} | {kr(r['Fremmødetimer'])} | {pct(r['BTP'])} | "
            f"{kr(r['Direkte timer'])} | {kr(r['Timepris dag'])} | "
            f"{kr(r['Timepris aften'])} | {kr(r['Timepris weekend'])} |"
        )
    return "\n".join(out)


def block_tariffs() -> str:
    t = read("forloebstakster.csv")
    out = [
        "| Forløbstype | Fase | Niveau | Borgere | Borgeruger | Faktisk udgift (kr.) | "
        "Takst pr. uge (kr.) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in t.iter_rows(named=True):
        out.append(
            f"| {r['Forløbstype']} | {r['Fase'] or ''} | {r['Niveau'] or ''} | "
            f"{r['Borgere']} | {kr(r['Borgeruger'])} | {kr(r['Faktisk udgift'])} | "
            f"{kr(r['Takst pr. uge'])} |"
        )
    total = row(t, "I alt")
    overhead = t.row(0, named=True)["Overhead pr. uge"]
    red = read("reduktion.csv").row(0, named=True)
    out += [
        "",
        f"Overhead (ledelse, administration, tilsyn, bygningsdrift: 3.800.000 kr.) / "
        f"{kr(total['Borgeruger'])} borgeruger = {kr(overhead)} kr. pr. uge, lagt på hver "
        f"takst. Efter periode 1 bruges r = 10 % fra modelfilen; estimeret fra data er r = "
        f"{pct(red['r estimeret'])} ({red['Forløb afsluttet i data']} udviklende forløb "
        f"afsluttet i 2025, {red['Heraf uden hjælp bagefter']} uden hjælp bagefter).",
    ]
    return "\n".join(out)


def block_comparison() -> str:
    c = read("modelsammenligning.csv")
    out = [
        "| Team | Model i dag | Faktisk udgift | Aktivitet | Resultat | Ramme | Resultat | "
        "Forløb | Resultat |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in c.iter_rows(named=True):
        out.append(
            f"| {r['Team']} | {r['Model i dag'] or ''} | {kr(r['Faktisk udgift'])} | "
            f"{kr(r['Aktivitet'])} | {kr(r['Resultat aktivitet'])} | {kr(r['Ramme'])} | "
            f"{kr(r['Resultat ramme'])} | {kr(r['Forløb'])} | "
            f"{kr(r['Resultat forløb'])} |"
        )
    teams = c.filter(pl.col("Team") != "I alt")
    syd = row(c, "Team Syd")
    deficit = [r["Team"] for r in teams.iter_rows(named=True) if Decimal(r["Resultat ramme"]) < 0]
    surplus = [r["Team"] for r in teams.iter_rows(named=True) if Decimal(r["Resultat ramme"]) >= 0]
    best = max(teams.iter_rows(named=True), key=lambda r: Decimal(r["Resultat forløb"]))
    overhead = read("forloebstakster.csv").row(0, named=True)["Overhead pr. uge"]
    out += [
        "",
        "Sådan læses den: under aktivitetsfinansiering på leverede timer er resultatet "
        "altid 0 — teamet\nfår præcis sin udgift, og intet tilskynder til rehabilitering. "
        "Team Syd afregnes på visiterede\ntimer og får også betaling for sene aflysninger og "
        f"leverandørens aflysninger (+{kr(syd['Resultat aktivitet'])} kr.).\nRammen giver "
        "teamet både risiko og gevinst: med de rammebeløb, modelfilen angiver, ville "
        f"{', '.join(deficit)} gå i underskud og {', '.join(surplus)} i overskud (delegeret "
        "sygepleje betales\noven i rammen). Forløbsfinansiering betaler alle teams mere end "
        "udgiften, fordi taksten også dækker\nledelse, administration, tilsyn og bygningsdrift "
        f"(overhead {kr(overhead)} kr. pr. borgeruge); forskellen mellem teams\nviser, hvem "
        "der leverer billigere end gennemsnittet for deres borgeres niveauer "
        f"({best['Team']}: +{kr(best['Resultat forløb'])} kr.).\nEt team med mange "
        "udviklende forløb tjener på forløbsmodellen, hvis borgerne faktisk bliver\nmere "
        "selvhjulpne, for taksten falder automatisk efter periode 1.",
    ]
    return "\n".join(out)


def block_budget() -> str:
    b = read("teambudgetter.csv")
    out = [
        "| Team | Model | Borgeruger | Ramme | Aktivitet | Forløb | Delegeret sygepleje | "
        "Budget i alt |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in b.iter_rows(named=True):
        out.append(
            f"| {r['Team']} | {r['Model'] or ''} | {kr(r['Forventede borgeruger'])} | "
            f"{kr(r['Ramme'])} | {kr(r['Aktivitet'])} | {kr(r['Forløb'])} | "
            f"{kr(r['Delegeret sygepleje'])} | {kr(r['Budget i alt'])} |"
        )
    return "\n".join(out)


def block_followup() -> str:
    f = read("opfoelgning/budgetopfoelgning.csv")
    out = [
        "| Team | Budget | Forbrug pr. dato | Forventet resten af året | Forventet afvigelse | "
        "Forbrug i % | Bør max være | |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in f.iter_rows(named=True):
        out.append(
            f"| {r['Team']} | {kr(r['Samlet budget hele året'])} | "
            f"{kr(r['Forbrug pr. dato'])} | {kr(r['Forventet forbrug resten af året'])} | "
            f"{kr(r['Forventet afvigelse'])} | {pct(r['Forbrug i %'])} | "
            f"{pct(r['Forbrugs% bør max være'])} | {r['Bemærkning'] or ''} |"
        )
    over = [r for r in f.filter(pl.col("Team") != "I alt").iter_rows(named=True) if r["Bemærkning"]]
    worst = min(
        f.filter(pl.col("Team") != "I alt").iter_rows(named=True),
        key=lambda r: Decimal(r["Forventet afvigelse"]),
    )
    out += [
        "",
        f"Dag 304 af 365: højst {pct(f.row(0, named=True)['Forbrugs% bør max være'])} "
        f"må være brugt. Over linjen: {', '.join(r['Team'] for r in over) or 'ingen'}. "
        f"Største forventede overskridelse: {worst['Team']} "
        f"({kr(worst['Forventet afvigelse'])} kr.).",
    ]
    return "\n".join(out)


def block_effect() -> str:
    tot = row(read("effekt.csv"), "I alt")
    return (
        f"{tot['Forløb']} forløb: {pct(tot['Ophørt med hjælp'])} ophørt, "
        f"{pct(tot['Reduceret hjælp'])} reduceret, {pct(tot['Uændret eller øget'])} "
        f"uændret eller øget; {kr(tot['Timer pr. uge ved start'])} → "
        f"{kr(tot['Timer pr. uge efter'])} timer pr. uge; udgiften "
        f"{kr(tot['Reduktion udgift pr. uge'])} kr. lavere pr. uge; realiseret r "
        f"{pct(tot['r realiseret'])} mod 10 % i taksten."
    )


def block_frit_valg() -> str:
    t = read("frit_valg_priser.csv").filter(pl.col("Ydelse") != "I alt")
    out = [
        "| Ydelse | Leverede timer | Direkte pr. time | Indirekte pr. time | Overhead pr. time "
        "| Afregningspris |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in t.iter_rows(named=True):
        out.append(
            f"| {r['Ydelse']} | {kr(r['Leverede timer'])} | {kr(r['Direkte pr. time'])} "
            f"| {kr(r['Indirekte pr. time'])} | {kr(r['Overhead pr. time'])} "
            f"({pct(r['Overheadsats'])}) | {kr(r['Afregningspris'])} |"
        )
    return "\n".join(out)


def block_structures() -> str:
    """The seven shipped price structures (configs/prisstruktur_kommune*.yaml): their levels as
    `takst niveauer -c …` prints them, [fra, til) in hours per week."""
    from takst_cli.config import load_config

    def h(x: float) -> str:
        return format_number(Decimal(repr(round(x, 2))), 2).removesuffix(",00")

    lines = [
        "| kommune | takster | niveauer (fra-til timer pr. uge; sidste åbent opad) |",
        "|---|---|---|",
    ]
    for k in range(1, 8):
        bands = load_config(ROOT / "configs" / f"prisstruktur_kommune{k}.yaml").niveauer.bands()
        text = " · ".join(
            f"{h(b.fra)}-{h(b.til)}" if b.til is not None else f"{h(b.fra)}+" for b in bands
        )
        lines.append(f"| {k} | {len(bands)} | {text} |")
    return "\n".join(lines)


BLOCKS = {
    "data": block_data,
    "prisstrukturer": block_structures,
    "timepriser": block_prices,
    "takster": block_tariffs,
    "modeller": block_comparison,
    "budget": block_budget,
    "opfoelgning": block_followup,
    "effekt": block_effect,
    "frit_valg": block_frit_valg,
}


def main() -> None:
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- tal:{name} -->\n).*?(\n<!-- /tal:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md mangler <!-- tal:{name} -->")
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), text)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
