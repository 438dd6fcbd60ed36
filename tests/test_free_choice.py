"""Settlement prices for free-choice providers (ældreloven § 19), worked by hand on the tiny
municipality of conftest.py (SSH 326,12 kr/h day, 407,65 evening, 489,18 weekend; SPL 420).

Delivered in-scope visits (night, cancelled and §86 visits are out of scope):
  SEL §83, SSH, weekday day: A 60, C 120 + 60 + 60 + 60, D 60, E 240, F 600, G 30 minutes
      = 1 290 min = 21,5 h in 9 visits; direct 21,5 × 326,12 = 7 011,58 kr
  SEL §83, SSH, evening/weekend: A 30 min evening (0,5 × 407,65 = 203,825) and 60 min on a
      Saturday (1 × 489,18) = 1,5 h in 2 visits; direct 693,005 kr
  SUL §138 (SPL, 45 + 60 min = 1,75 h) is in no service.

Cost base (kr, data period), services "Pleje dag" (D) and "Pleje aften og weekend" (AW):
  loen       in the hourly price (post aarsloen)
  noedkald   460 direct to AW                          D 0       AW 460
  elever     230 by delivered hours 21,5 : 1,5 (of 23) D 215     AW 15
  ledelse  1 000 by fixed shares 0,75 : 0,25           D 750     AW 250
  klippekort 110 by visits 9 : 2 (of 11)               D 90      AW 20
  indirect                                             D 1 055   AW 745

Prices, fixed overhead rate 6,0 % (helhedspleje):
  D:  (7 011,58 + 1 055) / 21,5 = 375,189767.. kr/h; × 1,06 = 397,701153.. → 397,70
  AW: (693,005 + 745) / 1,5     = 958,67 kr/h;       × 1,06 = 1 016,1902   → 1 016,19
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from takst_cli.cli.app import app
from takst_cli.config import OverheadRate, load_config, parse_config
from takst_cli.errors import DataError
from takst_cli.format import format_number
from takst_cli.io.readers import read_table
from takst_cli.models import LEVERANDOERER_FIELDS
from takst_cli.money import ZERO
from takst_cli.pipeline.free_choice import (
    FreeChoiceResult,
    ProviderLine,
    ServicePrice,
    free_choice_warnings,
    from_run,
    provider_lines,
    read_amounts,
    recalculate,
)
from takst_cli.report.free_choice import (
    cost_table,
    course_week_table,
    price_table,
    recalculation_tables,
    support_memo,
)
from tests.conftest import TINY_GRANTS, TINY_MODEL, TINY_VISITS
from tests.helpers import run_model

runner = CliRunner()
HEADERS = {f: f for f in LEVERANDOERER_FIELDS}

FREE_CHOICE = """\
kolonner:
  leverandoerer:
    leverandoer: Leverandør
    maengde: Timer
    betalt_pris: Betalt pris
frit_valg:
  sidste_efterberegning: 2026-04-30
  overheadsatser:
    - ydelsestype: helhedspleje
      sats: 0.06
      gyldig_fra: 2025-01-01
      kilde: Udkast til bekendtgørelse (2025)
  ydelser:
    - navn: Pleje dag
      paragraffer: [SEL §83]
      vagter: [dag]
    - navn: Pleje aften og weekend
      paragraffer: [SEL §83]
      vagter: [aften, weekend]
  omkostninger:
    loen: {placering: timepris, post: aarsloen}
    noedkald: {beloeb: 460, placering: direkte, ydelser: [Pleje aften og weekend]}
    elever: {beloeb: 230, placering: fordelt, noegle: timer, begrundelse: elever i alle vagter}
    ledelse:
      beloeb: "1.000"
      placering: fordelt
      noegle: andele
      andele: {Pleje dag: "75 %", Pleje aften og weekend: 0.25}
      begrundelse: ledelsens tid pr. vagt
    klippekort: {beloeb: 110, placering: fordelt, noegle: besoeg, begrundelse: pr. besøg}
"""


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


@pytest.fixture
def fv_model(tiny: Path) -> Path:
    tiny.write_text(TINY_MODEL + FREE_CHOICE, encoding="utf-8")
    return tiny


@pytest.fixture
def year_model(fv_model: Path) -> Path:
    """The same model over the whole of 2025 (every visit is inside it), for a recalculation."""
    text = fv_model.read_text(encoding="utf-8")
    fv_model.write_text(
        text.replace("fra: 2025-01-06\n  til: 2025-03-30", "fra: 2025-01-01\n  til: 2025-12-31"),
        encoding="utf-8",
    )
    return fv_model


def test_cost_base_to_hourly_price_to_settlement_price(fv_model: Path) -> None:
    prices = from_run(run_model(fv_model))
    day, evening = prices.services
    assert (day.delivered_hours, day.visits, day.direct) == (
        Decimal("21.5"),
        9,
        Decimal("7011.58"),
    )
    assert (evening.delivered_hours, evening.visits, evening.direct) == (
        Decimal("1.5"),
        2,
        Decimal("693.005"),
    )
    assert (day.indirect, evening.indirect) == (Decimal(1055), Decimal(745))
    # A's cancelled 30 min (09-01, no cancellation time: not in time) is shown, not counted
    assert (day.late_cancelled_hours, day.hours) == (Decimal("0.5"), Decimal("21.5"))
    assert evening.cost_per_hour == Decimal("958.67")
    assert (day.price, evening.price) == (Decimal("397.70"), Decimal("1016.19"))
    assert prices.outside_hours == Decimal("1.75")  # SUL §138, in no service
    assert prices.price_date == dt.date(2025, 3, 31)  # the day after the period

    table = price_table(prices)
    for row in table.rows:  # the build-up adds up to the price, to the øre
        assert row[8] + row[9] + row[11] == row[12]
    # evening: 462,0033.. + 496,6666.. + 57,5202 = 1 016,1902 → 462,00 + 496,67 + 57,52
    assert table.rows[1][8:12] == [
        Decimal("462.00"),
        Decimal("496.67"),
        Decimal("0.06"),
        Decimal("57.52"),
    ]
    costs = cost_table(prices)
    assert costs.total[4:7] == [Decimal(1800), Decimal(1055), Decimal(745)]


def test_recalculation_against_providers_and_the_amount_owed(year_model: Path) -> None:
    """Hjemmehjælpen ApS: 1.200 h day paid 390,00 and 10,5 h evening paid 1.020,00;
    Omsorg I/S: 100,25 h day paid 400 kr.
      Hjemmehjælpen: paid 468 000 + 10 710 = 478 710,00;
        recalculated 1 200 × 397,70 = 477 240 + 10,5 × 1 016,19 = 10 669,995 → 487 910,00 (the
        half øre goes to the evening row: 10 670,00); owed 9 200,00 to the provider
        (rows 9 240,00 and −40,00)
      Omsorg: paid 40 100,00; recalculated 100,25 × 397,70 = 39 869,425 → 39 869,43;
        the provider repays 230,57
      In all: paid 518 810,00, recalculated 527 779,43, the municipality pays 9 200,00 and
        receives 230,57: net 8 969,43 = 527 779,43 − 518 810,00."""
    csv = year_model.parent / "leverandoerer.csv"
    csv.write_text(
        "Leverandør;ydelse;Timer;Betalt pris\n"
        "Hjemmehjælpen ApS;Pleje dag;1.200;390,00\n"
        "Hjemmehjælpen ApS;pleje aften og weekend;10,5;1.020,00\n"
        "Omsorg I/S;Pleje dag;100,25;400 kr.\n",
        encoding="utf-8",
    )
    out = year_model.parent / "ud"
    res = invoke(
        "efterberegning", "-c", str(year_model), "--aar", "2025", "--leverandoerer", str(csv),
        "--format", "csv", "--ud", str(out), "--stille",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    per = pl.read_csv(out / "efterberegning_leverandoerer.csv", infer_schema=False)
    assert per.rows() == [
        ("Hjemmehjælpen ApS", "478710.00", "487910.00", "9200.00", "0.00"),
        ("Omsorg I/S", "40100.00", "39869.43", "0.00", "230.57"),
    ]
    total = pl.read_csv(out / "efterberegning_leverandoerer_i_alt.csv", infer_schema=False)
    assert total.rows() == [("I alt", "518810.00", "527779.43", "9200.00", "230.57")]
    rows = pl.read_csv(out / "efterberegning.csv", infer_schema=False)
    assert rows["Difference"].to_list() == ["9240.00", "-40.00", "-230.57"]
    # 9.240,00 − 40,00 − 230,57 = 8.969,43, in the total row's own file
    total = pl.read_csv(out / "efterberegning_i_alt.csv", infer_schema=False)
    assert total["Difference"].to_list() == ["8969.43"]
    assert rows["Efterberegnet pris"].to_list()[:3] == ["397.70", "1016.19", "397.70"]


def test_recalculation_needs_the_whole_year(fv_model: Path) -> None:
    csv = fv_model.parent / "l.csv"
    csv.write_text("Leverandør;ydelse;Timer;Betalt pris\nA;Pleje dag;1;1\n", encoding="utf-8")
    res = invoke(
        "efterberegning", "-c", str(fv_model), "--aar", "2025", "--leverandoerer", str(csv)
    )
    assert res.exit_code == 1
    assert "kræver data for hele året" in res.stderr and "06-01-2025 til 30-03-2025" in res.stderr


def test_bad_provider_values_are_refused_with_file_and_row(year_model: Path) -> None:
    csv = year_model.parent / "lev.csv"
    csv.write_text(
        "Leverandør;ydelse;Timer;Betalt pris\n"
        "A;Pleje dag;12,5;400\n"
        "A;Pleje nat;1;400\n"  # row 3: no such service
        "B;Pleje dag;-3;400\n"  # row 4: negative hours
        ";Pleje dag;2;fire hundrede\n"  # row 5: no provider, price not a number
        "C;Pleje dag;2.5;412.50\n",  # row 6: 2.5 beside 12,5 in the hours column
        encoding="utf-8",
    )
    res = invoke(
        "efterberegning", "-c", str(year_model), "--aar", "2025", "--leverandoerer", str(csv)
    )
    assert res.exit_code == 1, res.output
    err = res.stderr
    assert "lev.csv: 6 ugyldige værdier" in err
    assert "lev.csv række 3: ukendt ydelse ('Pleje nat')" in err
    assert "lev.csv række 4: mængde er negativ ('-3')" in err
    assert "lev.csv række 5: mangler leverandør" in err
    assert "lev.csv række 5: betalt pris er ikke et tal ('fire hundrede')" in err
    mixed = "mængde blander decimalkomma og decimalpunktum i samme kolonne"
    assert f"lev.csv række 2: {mixed} ('12,5')" in err
    assert f"lev.csv række 6: {mixed} ('2.5')" in err
    assert "række 6: betalt pris" not in err  # 412.50: the price column has no commas


def test_mixed_and_ambiguous_notation_in_one_column() -> None:
    rows = [2, 3, 4]
    # CSV: Danish notation; the same number written three ways reads the same
    values, why = read_amounts(["1.071,50", "1071,5", "1 071,50 kr."], rows, "tekst")
    assert values == [Decimal("1071.50")] * 3 and not why
    values, why = read_amounts(["1.071", "1071", "kr. 1.071"], rows, "tekst")
    assert values == [Decimal(1071)] * 3 and not why
    # a decimal point next to a decimal comma, or 1.071 next to 412.5: never guessed
    _, why = read_amounts(["412,5", "412.5", "3"], rows, "tekst")
    assert why == {
        2: "blander decimalkomma og decimalpunktum i samme kolonne",
        3: "blander decimalkomma og decimalpunktum i samme kolonne",
    }
    _, why = read_amounts(["1.071", "412.5", "3"], rows, "tekst")
    assert why == {
        2: "er tvetydigt (tusindtalspunktum eller decimalpunktum?); skriv 1071 eller 1,071"
    }
    # a workbook's number cell 1.125 arrives as "1.125": refused without a comma to go by
    _, why = read_amounts(["1.125", "3", "7"], rows, "regneark")
    assert 2 in why
    values, why = read_amounts(["1.125", "3,5", "7"], rows, "regneark")
    assert values[0] == Decimal(1125) and not why
    # a Parquet file's own numbers: the point is a decimal point
    values, _ = read_amounts(["1.125", "-0.5", None], rows, "typet")
    assert values == [Decimal("1.125"), Decimal("-0.5"), None]


def test_provider_xlsx_numbers_and_text_read_the_same(year_model: Path) -> None:
    """A workbook with number cells (1200, 390.0) and one with Danish text ('1.200', '390,00')
    give the same recalculation."""
    from openpyxl import Workbook

    result = run_model(year_model)
    prices = from_run(result, dt.date(2025, 1, 1))
    totals = []
    for hours, paid, hours2, paid2 in (
        (1200, 390.0, 2.5, 400.5),
        ("1.200", "390,00", "2,5", "400,50"),
        ("1200", "390", "2,5", "400,5"),
    ):
        wb = Workbook()
        ws = wb.active
        ws.append(["leverandoer", "ydelse", "maengde", "betalt_pris"])
        ws.append(["A", "Pleje dag", hours, paid])
        ws.append(["A", "Pleje dag", hours2, paid2])
        path = year_model.parent / "p.xlsx"
        wb.save(path)
        src = read_table("leverandoerer", path, LEVERANDOERER_FIELDS, HEADERS)
        lines = provider_lines(src.frame.collect(), "p.xlsx", prices, 2025, "regneark")
        totals.append([(ln.volume, ln.paid) for ln in lines])
    assert totals[0] == totals[1] == totals[2]
    assert totals[0] == [(Decimal(1200), Decimal(390)), (Decimal("2.5"), Decimal("400.5"))]


def test_course_week_prices_from_the_tariffs(fv_model: Path) -> None:
    """Course-week prices: the tariff's direct part × (1 + indirect / direct of the covered
    services) × 1,06. Indirect / direct = 1 800 / (7 011,58 + 693,005) = 0,233626..
    Fastholdende level 3: direct 1 724,48 / 12 = 143,706666..; × 1,233626.. = 177,2806..;
    × 1,06 = 187,9174.. → 187,92."""
    text = fv_model.read_text(encoding="utf-8") + "  forloebsuger:\n    navn: Pleje pr. uge\n"
    fv_model.write_text(text, encoding="utf-8")
    prices = from_run(run_model(fv_model))
    assert prices.course_markup == Decimal(1800) / (Decimal("7011.58") + Decimal("693.005"))
    cell = next(w for w in prices.course_weeks if (w.course_type, w.level) == ("fastholdende", 3))
    assert cell.price == Decimal("187.92")
    assert {w.course_type for w in prices.course_weeks} == {"udviklende", "fastholdende"}


def test_frit_valg_command_and_memo(fv_model: Path) -> None:
    memo = fv_model.parent / "NOTAT.md"
    res = invoke("frit-valg", "-c", str(fv_model), "--notat", str(memo))
    assert res.exit_code == 0, res.output
    assert "Afregningspris" in res.stdout and "397,70" in res.stdout and "1.016,19" in res.stdout
    text = memo.read_text(encoding="utf-8")
    assert "Priserne hviler på leverede timer" in text
    assert "| Pleje dag | helhedspleje | 21,50 |" in text
    assert "Udkast til bekendtgørelse (2025)" in text and "ledelsens tid pr. vagt" in text
    out = fv_model.parent / "fv.xlsx"
    again = invoke("frit-valg", "-c", str(fv_model), "--notat", str(memo), "--ud", str(out))
    assert again.exit_code == 1 and "--overskriv" in again.stderr
    assert not out.exists()  # nothing written when the memo cannot be
    folder = fv_model.parent / "notater"
    folder.mkdir()
    res = invoke("frit-valg", "-c", str(fv_model), "--notat", str(folder), "--ud", str(out))
    assert res.exit_code == 1 and "er en mappe" in res.stderr and not out.exists()


def test_memo_says_when_prices_rest_on_granted_hours(fv_model: Path) -> None:
    """grundlag visiteret: the cancelled visit (A 09-01, 30 min day, no cancellation time: not
    in time) counts: Pleje dag rests on 21,5 + 0,5 = 22 hours; the elever key (hours) moves
    too, 230 × 22 / 23,5 = 215,3191.. for the day. Price (7 011,58 + 750 + 90 + 215,3191..)
    = 8 066,8991.. / 22 = 366,6772.. × 1,06 = 388,6778.. → 388,68."""
    text = fv_model.read_text(encoding="utf-8").replace(
        "frit_valg:\n", "frit_valg:\n  grundlag: visiteret\n"
    )
    fv_model.write_text(text, encoding="utf-8")
    prices = from_run(run_model(fv_model))
    day = prices.services[0]
    assert (day.delivered_hours, day.late_cancelled_hours) == (Decimal("21.5"), Decimal("0.5"))
    assert day.price == Decimal("388.68")
    memo = support_memo(prices, "Lilleby", dt.date(2026, 11, 30))
    assert "ikke på leverede timer" in memo


def test_valider_warns_on_brønderslev_aalborg_and_old_recalculation(fv_model: Path) -> None:
    cfg = load_config(fv_model)
    warnings = {p.where: p.why for p in free_choice_warnings(cfg, dt.date(2026, 11, 30))}
    assert "frit_valg.omkostninger.klippekort" not in warnings  # present and not zero
    assert "frit_valg.omkostninger.noedkald" not in warnings
    assert warnings["frit_valg.omkostninger.transport"] == "kategorien 'Transport' mangler"
    assert "frit_valg.sidste_efterberegning" not in warnings
    late = free_choice_warnings(cfg, dt.date(2027, 5, 1))
    assert any("over et år siden" in p.why for p in late)
    text = fv_model.read_text(encoding="utf-8")
    fv_model.write_text(
        text.replace("frit_valg:\n", "frit_valg:\n  grundlag: visiteret\n").replace(
            "noedkald: {beloeb: 460", "noedkald: {beloeb: 0"
        ),
        encoding="utf-8",
    )
    res = invoke("valider", str(fv_model))
    assert res.exit_code == 0
    assert "Aalborg, 2003" in res.stdout
    assert "kategorien 'Nødkald' er 0 kr." in res.stdout and "Brønderslev" in res.stdout
    assert invoke("valider", str(fv_model), "--streng").exit_code == 1


def test_model_problems_are_named_by_key(tiny: Path) -> None:
    import yaml

    raw = yaml.safe_load(TINY_MODEL + FREE_CHOICE)
    fv = raw["frit_valg"]
    fv["ydelser"].append({"navn": "Alt", "faggrupper": ["SSH"]})  # overlaps both
    fv["omkostninger"]["noedkald"]["ydelser"] = ["Nat"]
    fv["omkostninger"]["ledelse"]["andele"] = {"Pleje dag": 0.7, "Pleje aften og weekend": 0.2}
    fv["omkostninger"]["vikar"] = {"beloeb": 1, "placering": "fordelt", "noegle": "timer"}
    fv["overheadsatser"][0]["ydelsestype"] = "madlevering"
    fv["forloebsuger"] = {"navn": "pleje dag", "ydelsestype": "madlevering"}
    with pytest.raises(Exception) as exc:
        parse_config(raw)
    text = "\n".join(str(p) for p in exc.value.problems)  # type: ignore[attr-defined]
    assert "frit_valg.ydelser[2]: 'Alt' og 'Pleje dag' (ydelser[0]) dækker de samme besøg" in text
    assert "frit_valg.omkostninger.noedkald.ydelser: ukendt ydelse 'Nat'" in text
    assert "frit_valg.omkostninger.ledelse.andele: andelene skal tilsammen være 1, fik 0,9" in text
    assert "frit_valg.omkostninger.vikar: ukendt kategori" in text
    assert "frit_valg.ydelser[0].ydelsestype: ingen overheadsats for 'helhedspleje'" in text
    assert "frit_valg.forloebsuger.navn: 'pleje dag' er også en ydelse pr. time" in text
    assert "frit_valg.forloebsuger.ydelser: ingen ydelser med ydelsestype 'madlevering'" in text


def test_a_service_without_delivered_hours_stops_the_run(fv_model: Path) -> None:
    text = fv_model.read_text(encoding="utf-8").replace("vagter: [dag]", "vagter: [nat]")
    fv_model.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="ingen leverede timer i dataperioden for 'Pleje dag'"):
        from_run(run_model(fv_model))


def test_sample_prices_and_workbook_sheet(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "b.xlsx"
    res = invoke(
        "beregn", "-c", str(root / "configs" / "eksempel.yaml"), "--ud", str(out), "--stille"
    )
    assert res.exit_code == 0, res.output
    from openpyxl import load_workbook

    wb = load_workbook(out, read_only=True)
    assert "Frit valg" in wb.sheetnames


def test_docs_page_is_up_to_date() -> None:
    """docs/frit_valg.md is written by takst from the sample (python docs/frit_valg_eksempel.py)."""
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("frit", root / "docs" / "frit_valg_eksempel.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == (root / "docs" / "frit_valg.md").read_text(encoding="utf-8"), (
        "kør: python docs/frit_valg_eksempel.py"
    )


def test_course_week_rows_in_the_providers_file(year_model: Path) -> None:
    """A course-week row names its course type, phase and level (any case; the phase may be
    left out where a course type has only one); a development course row without its phase is
    refused, and a valid row gets its cell's price."""
    text = year_model.read_text(encoding="utf-8") + "  forloebsuger:\n    navn: Pleje pr. uge\n"
    year_model.write_text(text, encoding="utf-8")
    prices = from_run(run_model(year_model), dt.date(2025, 1, 1))
    frame = pl.DataFrame(
        {
            "raekke": [2, 3, 4],
            "leverandoer": ["A", "A", "A"],
            "ydelse": ["pleje pr. uge", "Pleje pr. uge", "Pleje pr. uge"],
            "maengde": ["10", "2,5", "1"],
            "betalt_pris": ["150,00", "300", "1"],
            "forloebstype": ["Fastholdende", "udviklende", "udviklende"],
            "fase": [None, "Periode 1", None],
            "niveau": ["3", "3", "3"],
        }
    )
    with pytest.raises(DataError) as exc:
        provider_lines(frame, "l.csv", prices, 2025, "tekst")
    assert [str(p) for p in exc.value.problems] == [
        "l.csv række 4: ugyldig eller manglende fase (''); skriv 'periode 1' eller "
        "'efter periode 1' for et udviklende forløb, ellers 'hele forløbet'"
    ]
    lines = provider_lines(frame[:2], "l.csv", prices, 2025, "tekst")
    assert [ln.cell for ln in lines] == [
        ("fastholdende", "hele forløbet", 3),
        ("udviklende", "periode 1", 3),
    ]
    assert [ln.volume for ln in lines] == [Decimal(10), Decimal("2.5")]
    week = {(w.course_type, w.phase, w.level): w.price for w in prices.course_weeks}
    settled = recalculate(prices, lines, 2025)
    assert settled.lines[0].recalculated == week[("fastholdende", "hele forløbet", 3)]


def test_service_paragraphs_in_any_notation_give_the_same_prices(fv_model: Path) -> None:
    """'SEL §83', 'sel 83' and 'Serviceloven § 83' name one paragraph: the prices are those
    worked out above (397,70 and 1 016,19)."""
    text = fv_model.read_text(encoding="utf-8")
    for written in ("sel 83", "Serviceloven § 83"):
        fv_model.write_text(text.replace("[SEL §83]", f"[{written}]"), encoding="utf-8")
        prices = from_run(run_model(fv_model))
        assert [s.price for s in prices.services] == [Decimal("397.70"), Decimal("1016.19")]


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_any_amount_written_the_danish_way_reads_back(amount: Decimal) -> None:
    """1.234.567,89 / 1234567,89 / 1 234 567,89 kr. all read as the amount they show."""
    danish = format_number(amount)
    texts = [danish, danish.replace(".", ""), danish.replace(".", " ") + " kr."]
    values, why = read_amounts(texts, [2, 3, 4], "tekst")
    assert not why and values == [amount] * 3


_rate = OverheadRate(
    ydelsestype="helhedspleje", sats=0.06, gyldig_fra=dt.date(2025, 1, 1), kilde="x"
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(["Dag", "Aften"]),
            st.decimals(min_value=0, max_value=5000, places=3),
            st.decimals(min_value=0, max_value=2000, places=2),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_recalculation_reconciles_to_the_øre(rows: list[tuple[str, str, Decimal, Decimal]]) -> None:
    """Rows add up to each provider, providers to the total; paid and owed both ways net to
    recalculated − paid, for any volumes and prices."""
    services = [
        ServicePrice(n, "helhedspleje", Decimal(h), ZERO, False, 1, Decimal(d), Decimal(i), _rate)
        for n, h, d, i in (("Dag", 7, "2491.13", "300.5"), ("Aften", 3, "1333.01", "97"))
    ]
    prices = FreeChoiceResult(
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31)), dt.date(2025, 1, 1), "leveret",
        services, [], None, [], None, [], ZERO, {}, {}, frozenset(),
    )  # fmt: skip
    lines = [ProviderLine(i + 2, p, s, v, paid, None) for i, (p, s, v, paid) in enumerate(rows)]
    per, detail = recalculation_tables(recalculate(prices, lines, 2025))
    for k in (8, 9, 10):
        assert sum(r[k] for r in detail.rows) == detail.total[k]
    for r in per.rows:
        mine = [d for d in detail.rows if d[0] == r[0]]
        assert sum(d[8] for d in mine) == r[1] and sum(d[9] for d in mine) == r[2]
        assert r[2] - r[1] == r[3] - r[4] and min(r[3], r[4]) == 0
    assert per.total[2] - per.total[1] == per.total[3] - per.total[4] == detail.total[10]


def test_frit_valg_workbook_explains_itself(fv_model: Path) -> None:
    """The workbook carries the assumptions and the data quality beside the prices."""
    from openpyxl import load_workbook

    out = fv_model.parent / "fv.xlsx"
    res = invoke("frit-valg", "-c", str(fv_model), "--ud", str(out), "--stille")
    assert res.exit_code == 0, res.output
    assert load_workbook(out, read_only=True).sheetnames == [
        "Forudsætninger",
        "Inputfiler",
        "Modelfil",
        "Frit valg",
        "Frit valg omkostninger",
        "Datakvalitet",
    ]


def test_a_repeated_row_or_a_provider_spelled_two_ways_is_refused(fv_model: Path) -> None:
    prices = from_run(run_model(fv_model), dt.date(2025, 1, 1))
    frame = pl.DataFrame(
        {
            "raekke": [2, 3, 4, 5],
            "leverandoer": ["Omsorg A/S", "Omsorg A/S", "OMSORG A/S", "Omsorg A/S"],
            "ydelse": ["Pleje dag", "pleje dag", "Pleje dag", "Pleje dag"],
            "maengde": ["10", "10,0", "1", "11"],
            "betalt_pris": ["400", "400,00", "400", "400"],
        }
    )
    with pytest.raises(DataError) as exc:
        provider_lines(frame, "l.csv", prices, 2025, "tekst")
    assert [str(p) for p in exc.value.problems] == [
        "l.csv række 3: samme leverandør, ydelse, mængde og pris som række 2; slet den ene, "
        "eller læg mængderne sammen",
        "l.csv række 4: leverandøren 'OMSORG A/S' står også som 'Omsorg A/S'; skriv navnet ens",
    ]


def test_valider_warns_when_a_cost_may_be_counted_twice(fv_model: Path) -> None:
    """A per-FTE cost in the hourly price, placed again on the services, would count twice."""
    text = fv_model.read_text(encoding="utf-8").replace(
        "indirekte_andele: {transport: 0.25}",
        "indirekte_andele: {transport: 0.25}\n      omkostninger_pr_aarsvaerk: {it: 3500}",
    )
    fv_model.write_text(
        text + "    it: {beloeb: 900, placering: fordelt, noegle: timer, begrundelse: x}\n",
        encoding="utf-8",
    )
    warnings = {
        p.where: p.why for p in free_choice_warnings(load_config(fv_model), dt.date(2026, 1, 1))
    }
    assert warnings["frit_valg.omkostninger.it"].startswith(
        "'it' er også en omkostning pr. årsværk i timeprisen (SSH)"
    )


def test_course_week_prices_for_a_course_type_of_the_model_file(tiny: Path) -> None:
    """A fourth course type ('kompleks', art fastholdende, test_course_types.py) gets its
    course-week price by default: direct = T(kompleks, 4)'s direct part 978,36 / 12 = 81,53;
    the providers' file may name it by its label 'Kompleks døgn'."""
    from tests.test_course_types import H_VISITS, KOMPLEKS

    (tiny.parent / "leverancer.csv").write_text(TINY_VISITS + H_VISITS, encoding="utf-8")
    (tiny.parent / "visitationer.csv").write_text(
        TINY_GRANTS + "H;Syd;Kompleks døgntilrettelæggelse;06-01-2025;;900\n", encoding="utf-8"
    )
    tiny.write_text(
        TINY_MODEL + KOMPLEKS + FREE_CHOICE + "  forloebsuger:\n    navn: Pleje pr. uge\n",
        encoding="utf-8",
    )
    prices = from_run(run_model(tiny))
    cell = next(w for w in prices.course_weeks if w.course_type == "kompleks")
    assert (cell.level, cell.direct) == (4, Decimal("978.36") / 12)
    frame = pl.DataFrame(
        {
            "raekke": [2],
            "leverandoer": ["A"],
            "ydelse": ["Pleje pr. uge"],
            "maengde": ["4"],
            "betalt_pris": ["100,00"],
            "forloebstype": ["Kompleks døgn"],
            "niveau": ["4"],
        }
    )
    (line,) = provider_lines(frame, "l.csv", prices, 2025, "tekst")
    assert line.cell == ("kompleks", "hele forløbet", 4)
    rows = course_week_table(prices).rows
    assert ["Kompleks døgn", "hele forløbet", 4] == rows[-1][:3]
