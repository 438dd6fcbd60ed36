"""The year's cycle worked by hand: indexation, the takstblad, monthly settlement into the
ledger, the follow-up from the ledger or a budget file alone, and the deviation's split.

The cycle town (Cyklusby) has one staff group at a given 300 kr./hour, no supplements and no
overhead, and two citizens in stabilising courses at level 1 from 1 January 2025: A in Syd
(paid by course), B in Nord (paid by activity on delivered hours). Its takstblad is written
by hand: 300,00 kr./hour, fastholdende level 1 at 200,00 kr. a week.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from takst_cli.cli.app import app
from takst_cli.errors import ConfigError, DataError
from takst_cli.io.takstblad import read_takstblad
from takst_cli.money import round_ore
from takst_cli.pipeline.deviation import CellAmount, Decomposition, decompose, largest_driver
from takst_cli.pipeline.run import indexed
from takst_cli.report.cycle import deviation_table
from tests.conftest import TINY_MODEL
from tests.helpers import run_model

INDEXATION = """\
fremskrivning:
  kilde: KL pris- og lønskøn (syntetisk)
  dato: 15-06-2025
  indeks:
    2025: {loen: 100, pris: 100}
    2026: {loen: "104,0", pris: 101}
  loenandele: {SPL: 0.2, ledelse: 0.9}
"""

CYCLE_MODEL = """\
navn: Cyklusby
data:
  leverancer: leverancer.csv
  visitationer: visitationer.csv
timepris:
  faggrupper:
    - navn: SSH
      timepris: 300
tildeling:
  teams:
    - {team: Nord, model: aktivitet, grundlag: leveret}
    - {team: Syd, model: forloeb}
budget: {aar: 2025}
"""

CYCLE_VISITS = """\
borger_id;dato;start;minutter;paragraf;faggruppe;team;status
B;01-01-2025;10:00;60;SEL §83;SSH;Nord;leveret
B;01-02-2025;10:00;60;SEL §83;SSH;Nord;leveret
B;10-02-2025;10:00;30;SEL §83;SSH;Nord;leveret
A;03-02-2025;09:00;60;SEL §83;SSH;Syd;leveret
A;04-03-2025;09:00;60;SEL §83;SSH;Syd;leveret
B;31-03-2025;10:00;60;SEL §83;SSH;Nord;leveret
"""

CYCLE_GRANTS = """\
borger_id;team;forloebstype;start_dato;slut_dato;visiterede_minutter_uge
A;Syd;fastholdende;01-01-2025;;120
B;Nord;fastholdende;01-01-2025;;60
"""

CELL = {"forloebstype": "fastholdende", "fase": "hele forløbet", "niveau": 1}
SHEET = {
    "format": "takst-takstblad",
    "version": 1,
    "takst_version": "0.1.0",
    "kommune": "Cyklusby",
    "budgetaar": 2025,
    "dataperiode": {"fra": "2024-01-01", "til": "2024-12-31"},
    "modelfil": {"navn": "model.yaml", "sha256": "0" * 64},
    "inputfiler": [],
    "fremskrivning": None,
    "timepriser": [
        {
            "faggruppe": "SSH",
            "sygepleje": False,
            "timepris": "300.00",
            "vagter": {s: "300.00" for s in ("dag", "aften", "nat", "weekend")},
        }
    ],
    "klinik_timepris": None,
    "takster": [{**CELL, "takst": "200.00"}],
    "overhead_pr_uge": "0.00",
    "reduktion_r": None,
    "reduktion_kilde": "modelfil",
    "individuel_taerskel_timer_uge": 25,
    # 52 budgeted citizen-weeks a year for each team at 200 kr.
    "budget": [
        {"team": t, **CELL, "borgeruger": "52.000000", "beloeb": "10400.00"}
        for t in ("Nord", "Syd")
    ],
    # Nord (activity) budgets its visits in the cell at the same 200 kr. a week
    "budget_dele": [
        {
            "team": "Nord",
            "del": "aktivitet_forloeb",
            "celle": ["fastholdende", "hele forløbet", 1],
            "maengde": "52.000000",
            "beloeb": "10400.00",
        }
    ],
}

runner = CliRunner()


def _invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


@pytest.fixture
def cycle(tmp_path: Path) -> Path:
    (tmp_path / "leverancer.csv").write_text(CYCLE_VISITS, encoding="utf-8")
    (tmp_path / "visitationer.csv").write_text(CYCLE_GRANTS, encoding="utf-8")
    (tmp_path / "takstblad.json").write_text(json.dumps(SHEET), encoding="utf-8")
    model = tmp_path / "model.yaml"
    model.write_text(CYCLE_MODEL, encoding="utf-8")
    return model


@pytest.fixture
def indexed_tiny(tiny: Path) -> Path:
    tiny.write_text(TINY_MODEL + INDEXATION, encoding="utf-8")
    return tiny


def test_indexation_of_a_wage_heavy_and_a_price_heavy_cost(indexed_tiny: Path) -> None:
    """Wage index 100 → 104 (factor 1,04), price index 100 → 101 (1,01).
    SSH is all wage (årsløn 400 000, D = 1 924 × 0,85 × 0,75 = 1 226,55 h):
      2025: 400 000 / 1 226,55 = 326,12; 2026: 416 000 / 1 226,55 = 339,1627 → 339,16;
      evening (+25 %): 339,16 × 1,25 = 423,95.
    SPL's given price is mostly other costs (wage share 0,2): factor 0,2 × 1,04 + 0,8 × 1,01
      = 1,016; 420 × 1,016 = 426,72.
    Overhead ledelse 700, wage share 0,9: 0,9 × 1,04 + 0,1 × 1,01 = 1,037 → 725,90."""
    r = run_model(indexed_tiny)
    ix = indexed(r)
    assert ix is not None
    assert (ix.factors.wage, ix.factors.price) == (Decimal("1.04"), Decimal("1.01"))
    assert (ix.factors.from_year, ix.factors.to_year) == (2025, 2026)
    before = {p.staff_group: p.price for p in r.prices}
    after = {p.staff_group: p for p in ix.prices}
    assert before == {"SSH": Decimal("326.12"), "SPL": Decimal("420.00")}
    assert after["SSH"].price == Decimal("339.16")
    assert after["SSH"].shift_prices[
        next(s for s in after["SSH"].shift_prices if s == "aften")
    ] == (Decimal("423.95"))
    assert after["SPL"].price == Decimal("426.72")
    assert ix.tariffs.overhead_total == Decimal("725.900")
    # every tariff moved up, by no more than the wage factor and no less than the price factor
    for a, b in zip(r.tariffs.rows, ix.tariffs.rows, strict=True):
        if a.tariff:
            assert a.tariff * Decimal("1.01") - 1 <= b.tariff <= a.tariff * Decimal("1.04") + 1


def test_budget_shows_the_factors_beside_the_prices(indexed_tiny: Path) -> None:
    res = _invoke("budget", "-c", str(indexed_tiny))
    assert res.exit_code == 0, res.stderr
    assert "Lønfaktor 1,0400, prisfaktor 1,0100" in res.stdout
    assert "Timepris 2025" in res.stdout and "Timepris 2026" in res.stdout
    assert "339,16" in res.stdout and "426,72" in res.stdout
    # SSH 339,16 / 326,12 = 1,03998…; the budget sheet says it is in 2026 prices
    assert "1,0400" in res.stdout
    text = " ".join(res.stdout.split())  # notes wrap at the terminal's width
    assert "fremskrevet fra 2025 til 2026: lønfaktor 1,0400, prisfaktor 1,0100" in text


def test_a_cost_without_its_wage_share_is_refused(tiny: Path) -> None:
    tiny.write_text(TINY_MODEL + INDEXATION.replace("SPL: 0.2, ", ""), encoding="utf-8")
    res = _invoke("valider", str(tiny))
    assert res.exit_code == 1
    assert "fremskrivning.loenandele.SPL" in res.stderr and "lønandelen" in res.stderr


def test_a_year_without_an_index_stops_the_run(tiny: Path) -> None:
    tiny.write_text(
        TINY_MODEL + INDEXATION.replace('    2026: {loen: "104,0", pris: 101}\n', ""),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="mangler indeks for 2026"):
        indexed(run_model(tiny))


def test_takstblad_written_and_read_back(indexed_tiny: Path) -> None:
    out = indexed_tiny.parent / "takstblad_2026.json"
    res = _invoke("takstblad", "-c", str(indexed_tiny), "--ud", str(out), "--stille")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    model_sha = hashlib.sha256(indexed_tiny.read_bytes()).hexdigest()
    visits_sha = hashlib.sha256((indexed_tiny.parent / "leverancer.csv").read_bytes()).hexdigest()
    assert doc["modelfil"]["sha256"] == model_sha
    assert doc["inputfiler"][0]["sha256"] == visits_sha and doc["inputfiler"][0]["raekker"] == 16
    assert doc["fremskrivning"]["loenfaktor"] == "1.04" and doc["budgetaar"] == 2026
    # the published schema names every key written, and requires what the reader needs
    schema = json.loads(
        (Path(__file__).parent.parent / "docs" / "takstblad.schema.json").read_text()
    )
    assert set(schema["required"]) <= set(doc) <= set(schema["properties"])
    for key in ("timepriser", "takster", "budget", "inputfiler"):
        item = schema["properties"][key]["items"]
        for row in doc[key]:
            assert set(item["required"]) == set(row), key
    assert doc["budget"] and all(r["borgeruger"].count(".") == 1 for r in doc["budget"])
    sheet = read_takstblad(out)
    assert sheet.model_sha256 == model_sha and sheet.budget_year == 2026
    assert {p.staff_group: p.price for p in sheet.prices} == {
        "SSH": Decimal("339.16"),
        "SPL": Decimal("426.72"),
    }
    # the tariffs read back are the ones the run brought forward, to the øre
    ix = indexed(run_model(indexed_tiny))
    assert ix is not None
    assert sheet.tariffs == {(t.course_type, t.phase, t.level): t.tariff for t in ix.tariffs.rows}
    assert sheet.overhead_per_week == Decimal("16.50")  # 725,90 / 44 weeks = 16,4977
    # written again without --overskriv: refused, the file untouched
    again = _invoke("takstblad", "-c", str(indexed_tiny), "--ud", str(out), "--stille")
    assert again.exit_code == 1


def test_a_takstblad_with_a_misread_amount_is_refused(cycle: Path) -> None:
    bad = dict(SHEET, takster=[{**CELL, "takst": "200,00"}])
    path = cycle.parent / "takstblad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_takstblad(path)
    assert "takster[0].takst" in "\n".join(exc.value.lines()) and "'200,00'" in "\n".join(
        exc.value.lines()
    )


def test_a_takstblad_with_a_team_twice_in_a_cell_is_refused(cycle: Path) -> None:
    """Syd's cell written twice in `budget` (52 weeks, 10 400 kr., then 10 weeks, 2 000 kr.):
    the second would silently replace the first (Syd's budget 2 000 instead of 10 400 or
    12 400); refused, naming the second row."""
    second = {"team": "Syd", **CELL, "borgeruger": "10.000000", "beloeb": "2000.00"}
    bad = dict(SHEET, budget=[*SHEET["budget"], second])  # type: ignore[misc]
    path = cycle.parent / "takstblad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_takstblad(path)
    text = "\n".join(exc.value.lines())
    assert "budget[2].team: 'Syd' står to gange" in text, text


def _records(path: Path) -> list[dict[str, str]]:
    return json.loads(path.read_text(encoding="utf-8"))["raekker"]  # type: ignore[no-any-return]


def _ledger(model: Path) -> pl.DataFrame:
    return pl.read_parquet(model.parent / "afregning.parquet")


def _month(ledger: pl.DataFrame, month: str) -> dict[tuple[str, str], Decimal]:
    rows = ledger.filter(pl.col("maaned") == month).select("team", "del", "beloeb").iter_rows()
    return {(t, d): b for t, d, b in rows}


def _explained(cycle: Path, budget: Path, date: str = "2025-03-31") -> tuple[Any, Path]:
    """takst opfoelgning with the cycle town's takstblad, its tables as JSON in ud/."""
    out = cycle.parent / "ud"
    tb = str(cycle.parent / "takstblad.json")
    args = ["-c", str(cycle), "--dato", date, "--budgetfil", str(budget), "--takstblad", tb]
    return _invoke("opfoelgning", *args, "--ud", str(out), "--format", "json"), out


EXTRA_VISITS = (  # C without a course (two SSA hours), delegated nursing in Nord and Vest
    "C;15-01-2025;10:00;60;SEL §83;SSA;Nord;leveret\n"
    "C;16-01-2025;10:00;60;SEL §83;SSA;Nord;leveret\n"
    "B;20-02-2025;10:00;30;SUL §138;SSH;Nord;leveret\n"
    "D;06-01-2025;10:00;60;SUL §138;SSH;Vest;leveret\n"
)


def _every_part_model(nord: str = "leveret") -> str:
    """The cycle model with an SSA at 400 kr./h and Vest on a frame of 40 150 a year."""
    return (
        CYCLE_MODEL.replace(
            "      timepris: 300\n", "      timepris: 300\n    - navn: SSA\n      timepris: 400\n"
        )
        .replace("grundlag: leveret}", f"grundlag: {nord}}}")
        .replace(
            "    - {team: Syd, model: forloeb}\n",
            "    - {team: Syd, model: forloeb}\n    - {team: Vest, model: ramme, ramme: 40150}\n",
        )
        .replace("tildeling:\n", 'tildeling:\n  aflysningsfrist: "14:00 dagen før"\n')
    )


def test_two_months_settled_and_one_rerun(cycle: Path) -> None:
    """January (31 days) and February (28 days) settled together, then February again after
    B's 10-02 visit is corrected from 30 to 60 minutes.
      Nord (activity, 300 kr./h): January 60 min = 300,00; February 60 + 30 min = 450,00;
        after the correction 60 + 60 min = 600,00.
      Syd (course, 200 kr./week): January 31/7 × 200 = 885,714… → 885,71;
        February 28/7 × 200 = 800,00.
    One row per team, month and part (ramme, aktivitet, forloeb, delegeret)."""
    tb = str(cycle.parent / "takstblad.json")
    res = _invoke(
        "afregn", "-c", str(cycle), "--takstblad", tb, "--fra", "2025-01", "--til", "02-2025"
    )
    assert res.exit_code == 0, res.stderr
    ledger = _ledger(cycle)
    assert ledger.height == 2 * 2 * 4
    jan = _month(ledger, "2025-01")
    assert jan[("Nord", "aktivitet")] == Decimal("300.00")
    assert jan[("Syd", "forloeb")] == Decimal("885.71")
    assert jan[("Nord", "forloeb")] == jan[("Syd", "aktivitet")] == Decimal("0.00")
    assert _month(ledger, "2025-02")[("Nord", "aktivitet")] == Decimal("450.00")
    assert _month(ledger, "2025-02")[("Syd", "forloeb")] == Decimal("800.00")

    visits = cycle.parent / "leverancer.csv"
    visits.write_text(CYCLE_VISITS.replace("10-02-2025;10:00;30", "10-02-2025;10:00;60"))
    res = _invoke("afregn", "-c", str(cycle), "--takstblad", tb, "--maaned", "2025-02", "--stille")
    assert res.exit_code == 0, res.stderr
    after = _ledger(cycle)
    assert after.height == ledger.height
    assert _month(after, "2025-02")[("Nord", "aktivitet")] == Decimal("600.00")
    assert _month(after, "2025-02")[("Syd", "forloeb")] == Decimal("800.00")
    # January is as it was, row for row
    assert after.filter(pl.col("maaned") == "2025-01").equals(
        ledger.filter(pl.col("maaned") == "2025-01")
    )


def test_a_month_the_export_does_not_cover_is_refused(cycle: Path) -> None:
    tb = str(cycle.parent / "takstblad.json")
    res = _invoke("afregn", "-c", str(cycle), "--takstblad", tb, "--maaned", "2025-04")
    assert res.exit_code == 1
    assert "dækker ikke hele 2025-04" in res.stderr
    assert not (cycle.parent / "afregning.parquet").exists()


def test_a_takstblad_for_another_year_is_refused(cycle: Path) -> None:
    tb = str(cycle.parent / "takstblad.json")
    res = _invoke("afregn", "-c", str(cycle), "--takstblad", tb, "--maaned", "2026-01")
    assert res.exit_code == 1 and "takstbladet gælder 2025" in res.stderr


def test_a_month_is_written_as_yyyy_mm_only(cycle: Path) -> None:
    tb = str(cycle.parent / "takstblad.json")
    res = _invoke("afregn", "-c", str(cycle), "--takstblad", tb, "--maaned", "3-25")
    assert res.exit_code == 2


def test_followup_from_the_ledger(cycle: Path) -> None:
    """January to March settled: Nord 300,00 + 450,00 + 300,00 (31-03, 60 min) = 1 050,00;
    Syd 885,71 + 800,00 + 885,71 = 2 571,42. 31 March is day 90 of 365, 275 remain:
    Nord expects 1 050 / 90 × 275 = 3 208,33, deviation 4 000 − 1 050 − 3 208,33 = −258,33."""
    tb = str(cycle.parent / "takstblad.json")
    res = _invoke(
        "afregn",
        "-c",
        str(cycle),
        "--takstblad",
        tb,
        "--fra",
        "2025-01",
        "--til",
        "2025-03",
        "--stille",
    )
    assert res.exit_code == 0, res.stderr
    budget = cycle.parent / "budget.csv"
    budget.write_text("team;budget;aar\nNord;4000;2025\nSyd;8000;2025\n", encoding="utf-8")
    out = cycle.parent / "ud"
    res = _invoke(
        "opfoelgning",
        "-c",
        str(cycle),
        "--dato",
        "2025-03-31",
        "--budgetfil",
        str(budget),
        "--ud",
        str(out),
        "--format",
        "json",
        "--stille",
    )
    assert res.exit_code == 0, res.stderr
    rows = {r["Team"]: r for r in _records(out / "budgetopfoelgning.json")}
    assert rows["Nord"]["Forbrug pr. dato"] == "1050.00"
    assert rows["Nord"]["Forventet forbrug resten af året"] == "3208.33"
    assert rows["Nord"]["Forventet afvigelse"] == "-258.33"
    assert rows["Syd"]["Forbrug pr. dato"] == "2571.42"
    assert rows["Nord"]["Forbrug fra"] == rows["Syd"]["Forbrug fra"] == "regnskab"
    months = _records(out / "forbrug_pr_maaned.json")
    assert [m["Forbrug"] for m in months] == ["1185.71", "1250.00", "1185.71"]
    # a date inside a month cannot be followed up from whole settled months
    res = _invoke(
        "opfoelgning", "-c", str(cycle), "--dato", "2025-03-15", "--budgetfil", str(budget)
    )
    assert res.exit_code == 1 and "31-03-2025" in res.stderr


def test_followup_from_a_budget_file_alone(tmp_path: Path) -> None:
    """A model file with nothing but data.budget. 31 March: day 90 of 365.
    Nord: spend 3 000; expected 3 000 / 90 × 275 = 9 166,67; deviation 12 000 − 3 000 −
    9 166,67 = −166,67. Syd: 1 000 of 10 000; expected 1 000 / 90 × 275 = 3 055,5555…
    The column is rounded to add up to its total (12 222,22): the øre left over after rounding
    down (9 166,66 + 3 055,55 = 12 222,21) goes to the larger remainder, Nord's (0,666 øre
    against 0,555), so Syd shows 3 055,55 and its deviation 10 000 − 1 000 − 3 055,55 = 5 944,45."""
    (tmp_path / "budget.csv").write_text(
        "Team;Budget;Forbrug til dato;År\nNord;12.000,00;3.000,00;2025\nSyd;10000;1000,00;2025\n",
        encoding="utf-8",
    )
    model = tmp_path / "model.yaml"
    model.write_text("data:\n  budget: budget.csv\n", encoding="utf-8")
    assert _invoke("valider", str(model)).exit_code == 0
    out = tmp_path / "ud"
    res = _invoke(
        "opfoelgning",
        "-c",
        str(model),
        "--dato",
        "31-03-2025"[::-1] if False else "2025-03-31",
        "--ud",
        str(out),
        "--format",
        "json",
        "--stille",
    )
    assert res.exit_code == 0, res.stderr
    rows = {r["Team"]: r for r in _records(out / "budgetopfoelgning.json")}
    assert rows["Nord"]["Forventet forbrug resten af året"] == "9166.67"
    assert rows["Nord"]["Forventet afvigelse"] == "-166.67"
    assert rows["Syd"]["Forventet forbrug resten af året"] == "3055.55"
    assert rows["Syd"]["Forventet afvigelse"] == "5944.45"
    assert rows["Nord"]["Forbrug fra"] == "budgetfil"


def test_a_budget_file_alone_without_spend_is_refused(tmp_path: Path) -> None:
    (tmp_path / "budget.csv").write_text("team;budget;aar\nNord;12000;2025\n", encoding="utf-8")
    model = tmp_path / "model.yaml"
    model.write_text("data:\n  budget: budget.csv\n", encoding="utf-8")
    res = _invoke("opfoelgning", "-c", str(model), "--dato", "2025-03-31")
    assert res.exit_code == 1 and "forbruget til dato mangler for Nord" in res.stderr


def test_hourly_prices_are_still_required_to_read_visits(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_text("data:\n  leverancer: l.csv\n  visitationer: v.csv\n", encoding="utf-8")
    res = _invoke("valider", str(model))
    assert res.exit_code == 1 and "timepris" in res.stderr


def test_decomposition_worked_by_hand() -> None:
    """Budget: level 1 10 weeks × 200 = 2 000; level 2 10 weeks × 400 = 4 000: W_b = 20,
    B = 6 000, 300 a week on average. Actual: level 1 6 weeks at 210 = 1 260; level 2 19
    weeks at 400 = 7 600: W_a = 25, A = 8 860. Spend − budget = 2 860:
      volume (25 − 20) × 300 = 1 500;
      mix (6 − 25 × 0,5) × 200 + (19 − 25 × 0,5) × 400 = −1 300 + 2 600 = 1 300;
      price 6 × (210 − 200) + 19 × 0 = 60;  1 500 + 1 300 + 60 = 2 860.
    As the follow-up signs it (budget − spend): −1 500, −1 300, −60; deviation −2 860."""
    l1, l2 = ("fastholdende", "hele forløbet", 1), ("fastholdende", "hele forløbet", 2)
    d = decompose(
        "Syd",
        {l1: CellAmount(Decimal(10), Decimal(2000)), l2: CellAmount(Decimal(10), Decimal(4000))},
        {l1: CellAmount(Decimal(6), Decimal(1260)), l2: CellAmount(Decimal(19), Decimal(7600))},
    )
    assert d.volume == Decimal(-1500) and d.mix == Decimal(-1300) and d.price == Decimal(-60)
    assert d.volume + d.mix + d.price == d.deviation == Decimal(-2860)
    assert largest_driver([d]) == ("forloeb", "volumen")


def test_a_cell_new_to_the_budget_is_need_mix() -> None:
    """Budget 10 weeks at 200 = 2 000. Actual 10 weeks at 200 in the same cell plus 2 weeks of
    a cell the budget lacks at 500 = 1 000: W_a = 12, A = 3 000.
      volume (12 − 10) × 200 = 400; mix (10 − 12) × 200 + 2 × 500 = 600; price 0.
    400 + 600 = 1 000 = A − B; signed: −400, −600, 0; the largest driver is the mix."""
    l1, new = ("fastholdende", "hele forløbet", 1), ("udviklende", "periode 1", 3)
    d = decompose(
        "Nord",
        {l1: CellAmount(Decimal(10), Decimal(2000))},
        {l1: CellAmount(Decimal(10), Decimal(2000)), new: CellAmount(Decimal(2), Decimal(1000))},
    )
    assert (d.volume, d.mix, d.price) == (Decimal(-400), Decimal(-600), Decimal(0))
    assert largest_driver([d]) == ("forloeb", "mix")


def test_an_amount_without_quantity_is_volume() -> None:
    """Team B's visits in team A's course: B's cell has 0 weeks and 500 kr. Budget {A: 10 weeks,
    1 000}; actual {A: 10 weeks, 1 000; B: 0 weeks, 500}: W_b = W_a = 10, deviation
    1 000 − 1 500 = −500. Mix (10 − 10 × 1) × 100 + (0 − 0) × 0 = 0; price 10 × (100 − 100) +
    0 = 0; B has no kr per week, so volume is the remainder: 1 500 − 1 000 − 0 − 0 = 500, signed
    −500. Shown: −500,00 / 0,00 / 0,00, and the sentence names the volume (not "ingen
    afvigelse", as when the 500 dropped out of every part and was spread −166,67 / −166,67 /
    −166,66)."""
    a, b = ("fastholdende", "hele forløbet", 1), ("fastholdende", "hele forløbet", 2)
    d = decompose(
        "Syd",
        {a: CellAmount(Decimal(10), Decimal(1000))},
        {a: CellAmount(Decimal(10), Decimal(1000)), b: CellAmount(Decimal(0), Decimal(500))},
    )
    assert (d.volume, d.mix, d.price) == (Decimal(-500), Decimal(0), Decimal(0))
    assert d.deviation == Decimal(-500)
    t = deviation_table([d], dt.date(2026, 3, 31))
    row = t.rows[0]
    assert row[4:8] == [Decimal("-500.00"), Decimal("-500.00"), Decimal("0.00"), Decimal("0.00")]
    assert "skyldes mest volumen i forløb (-500,00 kr.)" in t.rows[-1][-1].replace("−", "-")


def test_parts_that_miss_the_deviation_stop_the_table() -> None:
    """Parts that do not add up to the deviation (1 000 − 1 500 = −500, parts 0) are an
    internal error, never spread over the parts by rounding."""
    d = Decomposition("Syd", Decimal(1000), Decimal(1500), Decimal(0), Decimal(0), Decimal(0))
    with pytest.raises(RuntimeError, match="intern fejl"):
        deviation_table([d], dt.date(2026, 3, 31))


def test_followup_explains_the_deviation(cycle: Path) -> None:
    """31 March, day 90 of 365; the takstblad budgets 52 weeks a year per team at 200 kr.:
    to date 52 × 90/365 = 12,8219 weeks, 10 400 × 90/365 = 2 564,38 kr.
    Syd (course): 90 days = 12,8571 weeks settled at 200 = 2 571,43; deviation −7,05, all
      volume: (12,8571 − 12,8219) × 200 = 7,045 more spent.
    Nord (activity): the same weeks, but its visits cost 60 + 60 + 30 + 60 min × 300 / 60 =
      1 050,00; deviation 2 564,38 − 1 050,00 = 1 514,38 = volume −7,05 + price 1 521,43
      (12,8571 × 200 − 1 050); mix 0 (one cell)."""
    budget = cycle.parent / "budget.csv"
    budget.write_text("team;budget;aar\nNord;4000;2025\nSyd;8000;2025\n", encoding="utf-8")
    res, out = _explained(cycle, budget)
    assert res.exit_code == 0, res.stderr
    rows = {(r["Team"], r["Del"]): r for r in _records(out / "afvigelse.json")}
    syd, nord = rows[("Syd", "Forløb")], rows[("Nord", "Aktivitet i forløbsceller")]
    assert (syd["Budget pr. dato"], syd["Forbrug pr. dato"]) == ("2564.38", "2571.43")
    assert (syd["Afvigelse"], syd["Heraf volumen"], syd["Heraf mix"], syd["Heraf pris"]) == (
        "-7.05",
        "-7.05",
        "0.00",
        "0.00",
    )
    assert (nord["Afvigelse"], nord["Heraf volumen"], nord["Heraf mix"], nord["Heraf pris"]) == (
        "1514.38",
        "-7.05",
        "0.00",
        "1521.43",
    )
    # no other part: one row per team and part, and the team's total carrying the sentence
    assert set(rows) == {
        ("Syd", "Forløb"),
        ("Syd", "I alt"),
        ("Nord", "Aktivitet i forløbsceller"),
        ("Nord", "I alt"),
    }
    assert rows[("Nord", "I alt")]["Afvigelse"] == "1514.38"
    assert syd["Heraf ramme (ikke delt)"] is None
    nord_why, syd_why = rows[("Nord", "I alt")]["Forklaring"], rows[("Syd", "I alt")]["Forklaring"]
    assert "skyldes mest pris i aktivitet i forløbsceller" in nord_why
    assert "lavere udgift pr. borgeruge" in nord_why
    assert "skyldes mest volumen i forløb" in syd_why and "flere borgeruger" in syd_why
    # without a ledger the follow-up's spend is derived with the takstblad's tariffs too (not
    # with tariffs computed on this year's visits): Syd 90/7 × 200 = 2 571,43, as explained
    followup = {r["Team"]: r for r in _records(out / "budgetopfoelgning.json")}
    for team in ("Nord", "Syd"):
        assert followup[team]["Forbrug fra"] == "leverancer (takstblad)"
        assert followup[team]["Forbrug pr. dato"] == rows[(team, "I alt")]["Forbrug pr. dato"]
    assert followup["Syd"]["Forbrug pr. dato"] == "2571.43"
    assert "skyldes mest volumen" in res.stdout


def test_every_funded_part_explained(cycle: Path) -> None:
    """The cycle town with every part: Nord (activity) also has C, a citizen without a course,
    seen twice by an SSA (400 kr./h) for 60 min, and 30 min of delegated nursing (SUL §138 by
    SSH); Vest is frame-funded (ramme 40 150 in the model file, 36 500 in the takstblad's
    budget) with 60 min of delegated nursing. To 31 March: day 90 of 365, share 90/365.
    Nord, activity outside the course cells (hours; budget SSH 36,5 h × 300 = 10 950 and
    SSA 36,5 h × 400 = 14 600 a year; to date 9 h = 2 700 and 9 h = 3 600: W_b = 18 h,
    B = 6 300, 350 kr./h on average). Actual SSA 2 h = 800: W_a = 2, A = 800.
      volume (2 − 18) × 350 = −5 600; mix (0 − 2 × ½) × 300 + (2 − 2 × ½) × 400 = 100;
      price 0 (frozen prices). Signed (budget − spend): 5 600, −100, 0; deviation 5 500.
    Nord, delegated (budget SSH 7,3 h × 300 = 2 190; to date 1,8 h = 540). Actual 0,5 h = 150:
      volume (0,5 − 1,8) × 300 = −390 → 390 = the deviation; mix and price 0.
    Nord in its course cell as before: 1 514,38 (volume −7,05, price 1 521,43); the team's
      total 1 514,38 + 5 500 + 390 = 7 404,38, mostly the activity's volume.
    Vest, frame: budget 36 500 × 90/365 = 9 000, settled 40 150 × 90/365 = 9 900: −900, not
      split. Delegated: budget 3,65 h × 300 = 1 095 a year, to date 0,9 h = 270; actual 1 h =
      300: volume (1 − 0,9) × 300 = 30 → −30. Vest's total −930, mostly the frame."""
    (cycle.parent / "leverancer.csv").write_text(CYCLE_VISITS + EXTRA_VISITS, encoding="utf-8")
    cycle.write_text(_every_part_model(), encoding="utf-8")

    def part(team: str, name: str, cell: list[object], hours: str | None, kr: str) -> dict:  # type: ignore[type-arg]
        return {"team": team, "del": name, "celle": cell, "maengde": hours, "beloeb": kr}

    ssa = {**SHEET["timepriser"][0], "faggruppe": "SSA", "timepris": "400.00"}  # type: ignore[index]
    ssa["vagter"] = {s: "400.00" for s in ("dag", "aften", "nat", "weekend")}
    sheet = dict(
        SHEET,
        timepriser=[*SHEET["timepriser"], ssa],  # type: ignore[list-item]
        budget_dele=[
            *SHEET["budget_dele"],  # type: ignore[list-item]
            part("Nord", "aktivitet", ["SSA", "dag"], "36.500000", "14600.00"),
            part("Nord", "aktivitet", ["SSH", "dag"], "36.500000", "10950.00"),
            part("Nord", "delegeret", ["SSH", "dag"], "7.300000", "2190.00"),
            part("Vest", "delegeret", ["SSH", "dag"], "3.650000", "1095.00"),
            part("Vest", "ramme", [], None, "36500.00"),
        ],
    )
    (cycle.parent / "takstblad.json").write_text(json.dumps(sheet), encoding="utf-8")
    budget = cycle.parent / "budget.csv"
    budget.write_text("team;budget;aar\nNord;4000;2025\nSyd;8000;2025\nVest;36500;2025\n")
    tb = str(cycle.parent / "takstblad.json")
    settle = ["afregn", "-c", str(cycle), "--takstblad", tb, "--fra", "2025-01", "--til", "2025-03"]
    assert _invoke(*settle, "--stille").exit_code == 0
    res, out = _explained(cycle, budget, "31-03-2025")
    assert res.exit_code == 0, res.stderr
    rows = {(r["Team"], r["Del"]): r for r in _records(out / "afvigelse.json")}
    cols = ("Budget pr. dato", "Forbrug pr. dato", "Afvigelse", "Heraf volumen", "Heraf mix")
    cols += ("Heraf pris", "Heraf ramme (ikke delt)")

    def row(team: str, name: str) -> tuple[str | None, ...]:
        return tuple(rows[(team, name)][c] for c in cols)

    assert row("Nord", "Aktivitet uden for forløbscellerne") == (
        "6300.00",
        "800.00",
        "5500.00",
        "5600.00",
        "-100.00",
        "0.00",
        None,
    )
    assert row("Nord", "Delegeret sygepleje") == (
        "540.00",
        "150.00",
        "390.00",
        "390.00",
        "0.00",
        "0.00",
        None,
    )
    assert row("Nord", "Aktivitet i forløbsceller")[2:6] == ("1514.38", "-7.05", "0.00", "1521.43")
    assert row("Nord", "I alt")[2:] == ("7404.38", "5982.95", "-100.00", "1521.43", None)
    # the frame is not split: blank volume, mix and price, its whole deviation in its column
    assert row("Vest", "Ramme") == ("9000.00", "9900.00", "-900.00", None, None, None, "-900.00")
    assert row("Vest", "Delegeret sygepleje")[2:6] == ("-30.00", "-30.00", "0.00", "0.00")
    assert row("Vest", "I alt")[2:] == ("-930.00", "-30.00", "0.00", "0.00", "-900.00")
    for team in ("Nord", "Syd", "Vest"):  # every row's parts add up to its deviation exactly
        for (t, _), r in rows.items():
            if t == team:
                parts = [Decimal(r[c] or 0) for c in cols[3:]]
                assert sum(parts) == Decimal(r["Afvigelse"])
    # each team's total spend is the ledger's to the date: the split explains the accounts —
    # but for the ledger's rounding of each month: Syd's 885,71 + 800,00 + 885,71 = 2 571,42
    # against 90/7 × 200 = 2 571,43 exact
    followup = _records(out / "budgetopfoelgning.json")
    ledger = {r["Team"]: r["Forbrug pr. dato"] for r in followup if r["Team"] != "I alt"}
    totals = {t: rows[(t, "I alt")]["Forbrug pr. dato"] for t in ("Nord", "Syd", "Vest")}
    assert ledger == {"Nord": totals["Nord"], "Syd": "2571.42", "Vest": totals["Vest"]}
    assert totals["Syd"] == "2571.43"
    nord_why = rows[("Nord", "I alt")]["Forklaring"]
    assert "skyldes mest volumen i aktivitet uden for forløbscellerne (5.600,00 kr.)" in nord_why
    assert "færre timer end budgetteret" in nord_why
    vest_why = rows[("Vest", "I alt")]["Forklaring"]
    assert "skyldes mest rammen (-900,00 kr.)" in vest_why and "større end" in vest_why


def test_a_takstblad_without_the_budget_parts_is_refused_for_the_deviation(cycle: Path) -> None:
    old = {k: v for k, v in SHEET.items() if k != "budget_dele"}
    (cycle.parent / "takstblad.json").write_text(json.dumps(old), encoding="utf-8")
    budget = cycle.parent / "budget.csv"
    budget.write_text("team;budget;aar\nNord;4000;2025\nSyd;8000;2025\n", encoding="utf-8")
    args = ["opfoelgning", "-c", str(cycle), "--dato", "2025-03-31", "--budgetfil", str(budget)]
    res = _invoke(*args, "--takstblad", str(cycle.parent / "takstblad.json"))
    assert res.exit_code == 1 and "ingen budget_dele" in res.stderr
    bad = dict(SHEET, budget_dele=[{**SHEET["budget_dele"][0], "celle": ["SSH", "dag"]}])  # type: ignore[index]
    (cycle.parent / "takstblad.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_takstblad(cycle.parent / "takstblad.json")
    assert "budget_dele[0].celle" in "\n".join(exc.value.lines())


@pytest.mark.parametrize("which", ["tiny", "sample"])
def test_the_takstblad_budget_parts_add_up_to_the_team_budgets(
    indexed_tiny: Path, tmp_path: Path, which: str
) -> None:
    """Per team, the takstblad's course cells (course-funded teams) and budget_dele add up to
    the team's budget (takst budget) rounded once, exactly: the rows are rounded together
    (largest remainder), not each alone (which may miss the total by some øre). On the sample:
    Team Øst (course) 12 971 591,41 from its cells alone, Team Vest (combination) frame
    900 000,00 + its cells 7 221 116,06 = 8 121 116,06."""
    from takst_cli.pipeline.run import run_funding

    model = (
        indexed_tiny
        if which == "tiny"
        else Path(__file__).parent.parent / "configs" / "eksempel.yaml"
    )
    out = tmp_path / "tb.json"
    assert _invoke("takstblad", "-c", str(model), "--ud", str(out), "--stille").exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    budget = run_funding(run_model(model)).budget
    assert doc["budget_dele"]
    for team in budget.teams:
        rows = [Decimal(b["beloeb"]) for b in doc["budget_dele"] if b["team"] == team.team]
        if team.rule.pays_course:  # a combination's course weeks too
            rows += [Decimal(b["beloeb"]) for b in doc["budget"] if b["team"] == team.team]
        assert sum(rows, Decimal(0)) == round_ore(team.total), team.team
    if which == "sample":
        totals = {t.team: round_ore(t.total) for t in budget.teams}
        assert totals["Team Øst"] == Decimal("12971591.41")
        assert totals["Team Vest"] == Decimal("8121116.06")


def _budgets(out: Path) -> dict[str, dict[str, str]]:
    return {r["Team"]: r for r in _records(out / "teambudgetter.json")}


def test_budget_from_the_takstblad_equals_the_run_that_wrote_it(indexed_tiny: Path) -> None:
    """The takstblad holds the budget year's (indexed) prices and tariffs to the øre; the
    budget priced with them is the one the model run computes, team by team and in total."""
    sheet = indexed_tiny.parent / "tb.json"
    assert (
        _invoke("takstblad", "-c", str(indexed_tiny), "--ud", str(sheet), "--stille").exit_code == 0
    )
    own, frozen = indexed_tiny.parent / "own", indexed_tiny.parent / "frozen"
    res = _invoke("budget", "-c", str(indexed_tiny), "--ud", str(own), "--format", "json")
    assert res.exit_code == 0, res.stderr
    res = _invoke(
        "budget",
        "-c",
        str(indexed_tiny),
        "--takstblad",
        str(sheet),
        "--ud",
        str(frozen),
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.stderr
    assert "Advarsel" not in res.stderr  # the model file is the one that wrote the takstblad
    assert _budgets(frozen) == _budgets(own)
    assert _records(frozen / "budget_pr_maaned.json") == _records(own / "budget_pr_maaned.json")
    source = {r["Oplysning"]: r["Værdi"] for r in _records(frozen / "takstblad.json")}
    assert source["Fil"] == "tb.json" and source["Budgetår"] == "2026"
    assert source["SHA-256"] == hashlib.sha256(sheet.read_bytes()).hexdigest()
    assert source["Version"].startswith("format 1, skrevet af takst ")


def test_an_edited_takstblad_changes_the_budget_by_hand(cycle: Path) -> None:
    """The cycle town, budget year 2025 from 1 January to 31 March (90 days): scale 365/90.
    Syd (course): 90/7 weeks × 365/90 = 365/7 = 52,142857 weeks × 200 = 10 428,57; with the
    tariff edited to 210: 10 950,00, 521,43 more (365/7 × 10 = 521,428…).
    Nord (activity): 3,5 h × 300 = 1 050 × 365/90 = 4 258,33; with SSH edited to 320 kr./h:
    1 120 × 365/90 = 4 542,22, 283,89 more."""
    tb = cycle.parent / "takstblad.json"
    first, second = cycle.parent / "a", cycle.parent / "b"
    res = _invoke(
        "budget", "-c", str(cycle), "--takstblad", str(tb), "--ud", str(first), "--format", "json"
    )
    assert res.exit_code == 0, res.stderr
    # the hand-written takstblad names another model file: said, not refused (as afregn does)
    assert "Advarsel: modelfilen er ændret" in res.stderr
    before = _budgets(first)
    assert before["Syd"]["Forløb"] == "10428.57" and before["Nord"]["Aktivitet"] == "4258.33"
    edited = dict(SHEET, takster=[{**CELL, "takst": "210.00"}])
    edited["timepriser"] = [
        {
            **SHEET["timepriser"][0],
            "timepris": "320.00",  # type: ignore[index]
            "vagter": {s: "320.00" for s in ("dag", "aften", "nat", "weekend")},
        }
    ]
    tb.write_text(json.dumps(edited), encoding="utf-8")
    res = _invoke(
        "budget",
        "-c",
        str(cycle),
        "--takstblad",
        str(tb),
        "--ud",
        str(second),
        "--format",
        "json",
        "--stille",
    )
    assert res.exit_code == 0, res.stderr
    after = _budgets(second)
    assert after["Syd"]["Forløb"] == "10950.00" and after["Nord"]["Aktivitet"] == "4542.22"
    assert Decimal(after["Syd"]["Budget i alt"]) - Decimal(before["Syd"]["Budget i alt"]) == (
        Decimal("521.43")
    )
    assert Decimal(after["Nord"]["Budget i alt"]) - Decimal(before["Nord"]["Budget i alt"]) == (
        Decimal("283.89")
    )


def test_beregn_with_a_takstblad_shows_its_prices_and_tariffs(cycle: Path) -> None:
    tb = cycle.parent / "takstblad.json"
    res = _invoke("beregn", "-c", str(cycle), "--takstblad", str(tb), "--detaljer")
    assert res.exit_code == 0, res.stderr
    lines = [" ".join(x.replace("│", " ").split()) for x in res.stdout.splitlines()]
    assert "Timepriser og takster fra takstbladet takstblad.json" in lines
    assert "Timepris dag, SSH 300,00 kr." in lines  # the takstblad's, not the data's
    assert "Takst pr. uge, fastholdende hele forløbet, niveau 1 200,00 kr." in lines
    assert "Teambudgetter 2025, budget i alt 14.686,90 kr." in lines  # 10 428,57 + 4 258,33
    assert "Timepriser og takster fra takstbladet takstblad.json" in " ".join(lines)


def test_a_takstblad_for_another_budget_year_is_refused_by_budget(cycle: Path) -> None:
    tb = cycle.parent / "takstblad.json"
    tb.write_text(json.dumps(dict(SHEET, budgetaar=2026)), encoding="utf-8")
    res = _invoke("budget", "-c", str(cycle), "--takstblad", str(tb))
    assert res.exit_code == 1
    assert "takstbladet gælder 2026, men modelfilens budgetår er 2025" in res.stderr


def test_fordeling_with_a_takstblad(cycle: Path) -> None:
    """The funding split priced with the takstblad: Syd's 90 days = 90/7 weeks × 200 =
    2 571,43 against its cost 2 × 60 min × 300 = 600,00, result 1 971,43; Nord paid by activity
    at 300 kr./h: 3,5 h = 1 050,00, its cost."""
    out = cycle.parent / "f"
    tb = str(cycle.parent / "takstblad.json")
    res = _invoke(
        "fordeling", "-c", str(cycle), "--takstblad", tb, "--ud", str(out), "--format", "json"
    )
    assert res.exit_code == 0, res.stderr
    rows = {r["Team"]: r for r in _records(out / "finansiering.json")}
    assert (rows["Syd"]["Forløb"], rows["Syd"]["Resultat"]) == ("2571.43", "1971.43")
    assert rows["Nord"]["Aktivitet"] == rows["Nord"]["Faktisk udgift"] == "1050.00"
    assert {r["Oplysning"]: r["Værdi"] for r in _records(out / "takstblad.json")}["Fil"] == (
        "takstblad.json"
    )


def test_takstblad_budget_parts_by_hand(cycle: Path) -> None:
    """The cycle town's takstblad for 2025 from January to March (90 days; scale 365/90),
    with Nord on the granted basis: C's two SSA hours outside any course (2 × 400 = 800), B's
    visit cancelled by B the same morning (after the deadline: paid, 1 h SSH = 300),
    30 min of delegated nursing (150); Vest a frame of 40 150 with 1 h delegated (300).
      Nord aktivitet [SSA, dag]: 2 h × 365/90 = 8,111111 h, 800 × 365/90 = 3 244,4444;
      Nord aktivitet [SSH, dag]: the late cancellation, 1 h → 4,055556 h, 1 216,6667;
      Nord aktivitet_forloeb: 90/7 weeks × 365/90 = 52,142857 weeks, 1 050 × 365/90 = 4 258,3333;
      Nord delegeret [SSH, dag]: 0,5 h → 2,027778 h, 608,3333;
      Vest delegeret [SSH, dag]: 4,055556 h, 1 216,6667; Vest ramme 40 150,00.
    Nord's budget is 2 300 × 365/90 = 9 327,7778 → 9 327,78; each row rounded alone would give
    3 244,44 + 1 216,67 + 4 258,33 + 608,33 = 9 327,77, an øre short. Rounded together (largest
    remainder): floors 3 244,44 + 1 216,66 + 4 258,33 + 608,33 = 9 327,76, the 2 øre left go
    to the largest remainders, 1 216,66 (0,0067) → 1 216,67 and 3 244,44 (0,0044) → 3 244,45:
    9 327,78. Vest: 1 216,6667 + 40 150 = 41 366,6667 → 41 366,67 = 1 216,67 + 40 150,00."""
    from takst_cli.pipeline.run import run_funding

    visits = (CYCLE_VISITS + EXTRA_VISITS).replace(
        ";status\n", ";status;aflyst_tidspunkt;aflyst_af\n"
    )
    lines = visits.splitlines()
    lines = [lines[0]] + [f"{x};;" for x in lines[1:]]
    lines.append("B;12-02-2025;10:00;60;SEL §83;SSH;Nord;aflyst;12-02-2025 07:00;borger")
    (cycle.parent / "leverancer.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cycle.write_text(_every_part_model("visiteret"), encoding="utf-8")
    out = cycle.parent / "tb.json"
    res = _invoke("takstblad", "-c", str(cycle), "--ud", str(out), "--stille")
    assert res.exit_code == 0, res.stderr
    parts = {
        (b["team"], b["del"], tuple(b["celle"])): (b["maengde"], b["beloeb"])
        for b in json.loads(out.read_text(encoding="utf-8"))["budget_dele"]
    }
    course = ("fastholdende", "hele forløbet", 1)
    assert parts == {
        ("Nord", "aktivitet_forloeb", course): ("52.142857", "4258.33"),
        ("Nord", "aktivitet", ("SSA", "dag")): ("8.111111", "3244.45"),
        ("Nord", "aktivitet", ("SSH", "dag")): ("4.055556", "1216.67"),
        ("Nord", "delegeret", ("SSH", "dag")): ("2.027778", "608.33"),
        ("Vest", "delegeret", ("SSH", "dag")): ("4.055556", "1216.67"),
        ("Vest", "ramme", ()): (None, "40150.00"),
    }
    teams = run_funding(run_model(cycle)).budget.teams
    budget = {b.team: round_ore(b.total) for b in teams if b.team in ("Nord", "Vest")}
    assert budget == {"Nord": Decimal("9327.78"), "Vest": Decimal("41366.67")}
    for team, total in budget.items():
        rows = [Decimal(kr) for (t, _, _), (_, kr) in parts.items() if t == team]
        assert sum(rows, Decimal(0)) == total, team
