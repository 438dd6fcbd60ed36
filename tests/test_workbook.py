"""The workbook as a model an auditor can trace (issue 14): formulas with cached values, named
assumptions, print settings — and, in LibreOffice, formulas that give takst's own figures, also
after an assumption is changed in the workbook."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from takst_cli.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "configs" / "eksempel.yaml"
# LibreOffice recalculates an .xlsx on load only when told to: "always" for OOXML and ODF
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _model(tmp: Path, wage: str = "400000", r: str = "0.10") -> Path:
    """The sample model file, data paths made absolute; the first staff group's wage and the
    expected reduction r as given."""
    text = SAMPLE.read_text(encoding="utf-8").replace("../sample_data/", f"{ROOT}/sample_data/")
    assert "aarsloen: 400000" in text and "forventet_reduktion: 0.10" in text
    text = text.replace("aarsloen: 400000", f"aarsloen: {wage}", 1)
    text = text.replace("forventet_reduktion: 0.10", f"forventet_reduktion: {r}")
    path = tmp / "model.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _beregn(model: Path, out: Path, *extra: str) -> None:
    res = CliRunner().invoke(
        app, ["beregn", "--config", str(model), "--ud", str(out), "--stille", *extra]
    )
    assert res.exit_code == 0, res.output


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample's workbook and its CSV folder (takst's own figures)."""
    tmp = tmp_path_factory.mktemp("bog")
    model = _model(tmp)
    _beregn(model, tmp / "r.xlsx")
    _beregn(model, tmp / "csv", "--format", "csv")
    return tmp / "r.xlsx", tmp / "csv"


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        reason = "LibreOffice (soffice) findes ikke; .ci/run installerer libreoffice-calc-nogui"
        print(reason)
        pytest.skip(reason)
    return found


def _recalculated(book: Path, tmp: Path) -> Path:
    """`book` opened, recalculated and saved again by LibreOffice headless."""
    profile = tmp / "lo_profil"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    out = tmp / "genberegnet"
    subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out / book.name


def _table(ws: Any, header_row: int = 2) -> list[dict[str, Any]]:
    """The first table of a sheet: header on row 2, rows until the first empty first cell."""
    headers = [c.value for c in ws[header_row]]
    rows = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] is None:
            break
        rows.append(dict(zip(headers, row, strict=False)))
    return rows


def _ore(x: float) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal("0.01"))


def _csv(folder: Path, name: str) -> list[dict[str, Any]]:
    return pl.read_csv(folder / f"{name}.csv", infer_schema=False).to_dicts()


def _assert_same_figures(book: Path, csv: Path) -> None:
    """Timepriser and Forløbstakster in the (recalculated) workbook equal takst's CSV files:
    the prices and tariffs to the øre exactly; the parts (costs, weeks, hours), which takst
    rounds as parts that add up (round_parts, largest remainder), within one øre."""
    wb = load_workbook(book, data_only=True)
    want_prices = _csv(csv, "timepriser")
    prices = _table(wb["Timepriser"])[: len(want_prices)]
    for got, want in zip(prices, want_prices, strict=True):
        for shift in ("dag", "aften", "weekend"):
            assert _ore(got[f"Timepris {shift} (kr.)"]) == Decimal(want[f"Timepris {shift}"])
    expected = [r for r in _csv(csv, "forloebstakster") if r["Forløbstype"] != "I alt"]
    tariffs = _table(wb["Forløbstakster"])[: len(expected) + 1]
    assert tariffs[-1]["Forløbstype"] == "I alt"
    for got, want in zip(tariffs, expected, strict=False):
        assert got["Forløbstype"] == want["Forløbstype"] and got["Fase"] == want["Fase"]
        if want["Takst pr. uge"] is None:
            assert got["Takst pr. uge (kr.)"] in (None, "")
        else:
            assert _ore(got["Takst pr. uge (kr.)"]) == Decimal(want["Takst pr. uge"])
        for col in ("Faktisk udgift", "Takstgrundlag"):
            assert abs(_ore(got[f"{col} (kr.)"]) - Decimal(want[col])) <= Decimal("0.01")
        for col in ("Borgeruger", "Timer", "Sygeplejetimer"):
            assert abs(_ore(got[col]) - Decimal(want[col])) <= Decimal("0.01")


_MONEY = (  # sheet / CSV file, the columns that name a row, the amounts compared
    ("Finansiering", "finansiering", ("Team",), ("Forløb", "Finansiering i alt", "Resultat")),
    ("Modelsammenligning", "modelsammenligning", ("Team",), ("Forløb", "Resultat forløb")),
    (
        "Forventede borgeruger",
        "forventede_borgeruger",
        ("Team", "Forløbstype", "Fase", "Niveau"),
        ("Borgeruger", "Forløbsbudget"),
    ),
    ("Teambudgetter", "teambudgetter", ("Team",), ("Forventede borgeruger", "Forløb")),
    ("Teambudgetter", "teambudgetter", ("Team",), ("Budget i alt",)),
    ("Budget pr. måned", "budget_pr_maaned", ("Team",), ("jan", "jun", "dec", "I alt")),
)


def _assert_same_money(book: Path, csv: Path, checks: tuple[Any, ...] = _MONEY) -> None:
    """The course funding per team, the expected citizen-weeks, the course budget, the team
    budgets and their months in the (recalculated) workbook equal takst's CSV files, row by
    row, within one øre (takst rounds parts with the largest remainder, the sheet each cell
    on its own)."""
    wb = load_workbook(book, data_only=True)
    for sheet, name, keys, amounts in checks:
        want_rows = _csv(csv, name)
        got_rows = _table(wb[sheet])[: len(want_rows) + 1]  # the note below is no row
        assert len(got_rows) == len(want_rows) + 1 and got_rows[-1][keys[0]] == "I alt", sheet
        for got, want in zip(got_rows, want_rows, strict=False):
            assert [str(got[k]) for k in keys] == [want[k] for k in keys], sheet
            for col in amounts:
                header = f"{col} (kr.)" if f"{col} (kr.)" in got else col
                theirs = want.get(col) or want[f"2026-{_MONTH[col]:02d}"]
                assert abs(_ore(got[header]) - Decimal(theirs)) <= Decimal("0.01"), (
                    sheet,
                    got[keys[0]],
                    col,
                    got[header],
                    theirs,
                )


_MONTH = {"jan": 1, "jun": 6, "dec": 12, "I alt": 0}


def test_the_workbook_is_a_model_with_named_assumptions(sample: tuple[Path, Path]) -> None:
    """Oversigt first; r_forventet is the typed number 0,10 on Forudsætninger; the first staff
    group's day price is a formula of its assumptions, its cached value takst's 332,23 kr.
    (400.000 + 4.000 + 3.500 = 407.500 kr.; 1.924 × 0,85 × 0,75 = 1.226,55 direct hours;
    407.500 / 1.226,55 = 332,2323… → 332,23); the after-phase tariff is fastholdende × (1 − r)."""
    book, _ = sample
    wb = load_workbook(book)
    assert wb.sheetnames[:9] == [
        "Oversigt",
        "Forudsætninger",
        "Inputfiler",
        "Modelfil",
        "Timepriser",
        "Grundlag",
        "Borgeruger",
        "Forløbstakster",
        "Reduktion",
    ]
    names = wb.defined_names
    for name in ("r_forventet", "r_anvendt", "aarsloen_1", "fravaer_1", "tillaeg_aften"):
        assert name in names, name
    sheet, cell = next(names["r_forventet"].destinations)
    assert sheet == "Forudsætninger" and wb[sheet][cell.replace("$", "")].value == 0.1
    ws = wb["Timepriser"]
    assert ws["G3"].value == "=ROUND($B$3/$F$3,2)"
    assert ws["B3"].value.startswith("=aarsloen_1+")
    cached = load_workbook(book, data_only=True)
    assert cached["Timepriser"]["G3"].value == 332.23
    tariffs = wb["Forløbstakster"]
    formulas = [c.value for c in tariffs["L"] if isinstance(c.value, str)]
    assert any("*(1-r_anvendt)" in f for f in formulas)
    assert wb.properties.title == "Takstberegning – Eksempel Kommune – 01-01-2025 til 31-12-2025"
    for sheet in ("Timepriser", "Grundlag", "Forløbstakster"):  # one table: header repeated
        assert wb[sheet].print_title_rows == "$2:$2"
    assert wb["Forløbstakster"].page_setup.orientation == "landscape"
    assert "Side &P af &N" in wb["Forløbstakster"].oddFooter.center.text
    assert "Eksempel Kommune" in wb["Forløbstakster"].oddHeader.left.text
    assert wb["Forløbstakster"].tables  # an Excel table with filters


def test_workbook_only_sheets_are_not_data_files(sample: tuple[Path, Path]) -> None:
    _, csv = sample
    names = {p.stem for p in csv.iterdir()}
    assert not names & {"oversigt", "antagelser", "grundlag", "grundlag_uger"}


def _tolerance(formula: str) -> Decimal:
    """One øre for a cell; for a column's SUM over n cells n øre: takst distributes a total
    over its parts with the largest remainder (money.round_parts), so each part may lie one
    øre from the spreadsheet's own rounding of the same exact amount, and n of them n øre."""
    import re

    whole = re.fullmatch(r"=SUM\(\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)\)", formula)
    if whole is None:
        return Decimal("0.01")
    rows = int(whole[4]) - int(whole[2]) + 1
    columns = ord(whole[3][-1]) - ord(whole[1][-1]) + 1  # within A-Z: the tables are narrow
    return Decimal("0.01") * rows * columns


def test_libreoffice_recalculates_takst_figures(sample: tuple[Path, Path], tmp_path: Path) -> None:
    """Every formula, recalculated by LibreOffice, gives the figure takst cached in it (within
    one øre: parts rounded to add up), and the prices and tariffs equal takst's CSV to the øre."""
    book, csv = sample
    again = _recalculated(book, tmp_path)
    formulas = load_workbook(book)
    cached = load_workbook(book, data_only=True)
    fresh = load_workbook(again, data_only=True)
    checked = 0
    for ws in formulas:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    want = cached[ws.title][c.coordinate].value
                    got = fresh[ws.title][c.coordinate].value
                    if want in (None, ""):  # a share of nothing, a tariff without weeks
                        assert got in (None, ""), (ws.title, c.coordinate, c.value, got)
                        continue
                    if isinstance(want, str):  # a flag ("Ja"/"Nej") of a formula
                        assert got == want, (ws.title, c.coordinate, c.value, got)
                        checked += 1
                        continue
                    assert isinstance(got, int | float), (ws.title, c.coordinate, c.value, got)
                    assert abs(_ore(got) - _ore(want)) <= _tolerance(c.value), (
                        ws.title,
                        c.coordinate,
                        c.value,
                        want,
                        got,
                    )
                    checked += 1
    assert checked > 500
    _assert_same_figures(again, csv)
    _assert_same_money(again, csv)


def test_changing_r_and_a_wage_in_the_workbook_is_takst_with_the_changed_model(
    sample: tuple[Path, Path], tmp_path: Path
) -> None:
    """r 10 % → 8 % and the first staff group's wage 400.000 → 420.000 kr., in the workbook's
    yellow cells; recalculated, every price and tariff equals takst run on the model file with
    the same change (the first day price: 427.500 / 1.226,55 = 348,5385… → 348,54 kr.)."""
    book, _ = sample
    wb = load_workbook(book)
    ws = wb["Forudsætninger"]
    for name, value in (("r_forventet", 0.08), ("aarsloen_1", 420000)):
        sheet, cell = next(wb.defined_names[name].destinations)
        ws[cell.replace("$", "")].value = value
    changed = tmp_path / "aendret.xlsx"
    wb.save(changed)  # openpyxl keeps no cached values: LibreOffice computes every formula
    again = _recalculated(changed, tmp_path)
    csv = tmp_path / "csv"
    _beregn(_model(tmp_path, wage="420000", r="0.08"), csv, "--format", "csv")
    _assert_same_figures(again, csv)
    # each team's cost and activity are formulas of the minutes on Teamgrundlag and the prices
    cost = ("Faktisk udgift", "Aktivitet", "Ramme")
    _assert_same_money(
        again,
        csv,
        (
            ("Modelsammenligning", "modelsammenligning", ("Team",), cost),
            ("Delegeret sygepleje", "delegeret_sygepleje", ("Team",), ("Timer", "Beløb")),
        ),
    )
    fresh = load_workbook(again, data_only=True)
    assert _ore(fresh["Timepriser"]["G3"].value) == Decimal("348.54")


def test_csv_for_danish_excel_has_the_same_numbers(
    sample: tuple[Path, Path], tmp_path: Path
) -> None:
    """--csv-dialekt dansk: a UTF-8 BOM, ';' between fields and a decimal comma (the first
    tariff 1.493,36 kr. is written '1493,36'); read back, every file holds exactly the values
    of the machine-readable CSV (',' and '.')."""
    book, machine = sample
    danish = tmp_path / "dansk"
    _beregn(_model(book.parent), danish, "--format", "csv", "--csv-dialekt", "dansk")
    assert sorted(p.name for p in danish.iterdir()) == sorted(p.name for p in machine.iterdir())
    raw = (danish / "forloebstakster.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfForl\xc3\xb8bstype;Fase;Niveau;")
    assert b";1493,36\n" in raw
    for path in machine.iterdir():
        want = pl.read_csv(path, infer_schema=False)
        text = (danish / path.name).read_text(encoding="utf-8-sig")
        got = pl.read_csv(text.encode(), separator=";", infer_schema=False)
        assert got.columns == want.columns, path.name
        for col in want.columns:
            for ours, theirs in zip(got[col].to_list(), want[col].to_list(), strict=True):
                # the same text, or the same number with a decimal comma
                assert ours == theirs or ours.replace(",", ".") == theirs, (path.name, col)


def test_months_are_iso_in_files_and_names_in_the_workbook(sample: tuple[Path, Path]) -> None:
    """The budget year 2026 by month: '2026-01' … '2026-12' in the CSV (a program sorts and
    joins them), 'jan (kr.)' … 'dec (kr.)' on the workbook's Budget pr. måned sheet."""
    book, csv = sample
    header = (csv / "budget_pr_maaned.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "Team," + ",".join(f"2026-{m:02d}" for m in range(1, 13)) + ",I alt"
    ws = load_workbook(book)["Budget pr. måned"]
    cells = {c.value for row in ws.iter_rows() for c in row}
    assert {"jan (kr.)", "dec (kr.)"} <= cells and "2026-01 (kr.)" not in cells


def test_changing_r_in_the_workbook_moves_the_money_as_takst_does(
    sample: tuple[Path, Path], tmp_path: Path
) -> None:
    """r 10 % → 6 % in the workbook: recalculated, the course funding per team (Σ weeks ×
    tariff on Forløbsfinansiering), the expected weeks and course budget, the team budgets and
    their months equal takst run with r = 0,06, each within one øre. They did move: the
    after-phase tariffs are fastholdende × (1 − r), so the course-funded teams (Team Øst,
    Team Vest) get more. (A wage is not changed here: an individual tariff is each citizen's
    own cost, a value in the workbook.)"""
    book, before = sample
    wb = load_workbook(book)
    sheet, cell = next(wb.defined_names["r_forventet"].destinations)
    wb[sheet][cell.replace("$", "")].value = 0.06
    changed = tmp_path / "r6.xlsx"
    wb.save(changed)
    again = _recalculated(changed, tmp_path)
    csv = tmp_path / "csv"
    _beregn(_model(tmp_path, r="0.06"), csv, "--format", "csv")
    _assert_same_figures(again, csv)
    _assert_same_money(again, csv)
    for team in ("Team Øst", "Team Vest"):
        old = next(r for r in _csv(before, "finansiering") if r["Team"] == team)
        new = next(r for r in _csv(csv, "finansiering") if r["Team"] == team)
        assert Decimal(new["Forløb"]) > Decimal(old["Forløb"]), team


def test_oversigt_shows_each_teams_result_and_budget_on_one_page(
    sample: tuple[Path, Path],
) -> None:
    """Oversigt has each team's funding, cost, result and budget, cached from takst's own
    Finansiering and Teambudgetter: Team Midtby 10.189.184,82 − 10.635.976,03 = −446.791,21
    kr., so 'Ja' and the line names it; the budget total 47.161.981,56 kr. is the one in
    teambudgetter_i_alt.csv. It prints on one page, with two charts (tariffs, results)."""
    import zipfile

    book, csv = sample
    wb = load_workbook(book, data_only=True)
    ws = wb["Oversigt"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    at = next(i for i, r in enumerate(cells) if r[0] == "Finansiering og budget pr. team")
    header = cells[at + 1]
    rows = {r[0]: dict(zip(header, r, strict=False)) for r in cells[at + 2 : at + 8]}
    midtby = rows["Team Midtby"]
    fin = next(r for r in _csv(csv, "finansiering") if r["Team"] == "Team Midtby")
    assert _ore(midtby["Finansiering (kr.)"]) == Decimal(fin["Finansiering i alt"])
    assert _ore(midtby["Faktisk udgift (kr.)"]) == Decimal(fin["Faktisk udgift"])
    assert _ore(midtby["Resultat (kr.)"]) == Decimal("-446791.21")
    assert midtby["Udgift over finansiering"] == "Ja" and rows["Team Nord"][header[5]] == "Nej"
    total = _csv(csv, "teambudgetter_i_alt")[0]["Budget i alt"]
    assert _ore(rows["I alt"]["Budget 2026 (kr.)"]) == Decimal(total) == Decimal("47161981.56")
    note = cells[at + 8][0]
    assert note.startswith("Teams med udgift over finansieringen i dataperioden: Team Midtby.")
    formulas = load_workbook(book)["Oversigt"]
    assert formulas.cell(at + 3, 4).value == f"=B{at + 3}-C{at + 3}".replace("B", "$B$").replace(
        "C", "$C$"
    )
    # fit to one page wide and (OOXML's default, left out) one high; other sheets: 0 = any
    assert formulas.sheet_properties.pageSetUpPr.fitToPage
    assert formulas.page_setup.fitToHeight in (None, 1)
    assert load_workbook(book)["Forløbstakster"].page_setup.fitToHeight == 0
    with zipfile.ZipFile(book) as z:
        assert z.read("xl/drawings/drawing1.xml").count(b"<c:chart ") == 2


def test_one_table_per_sheet(sample: tuple[Path, Path]) -> None:
    """Every sheet but Oversigt (the overview) and Forudsætninger (the run and the named
    assumptions) holds one table, so its column widths and print titles are its own."""
    book, _ = sample
    wb = load_workbook(book)
    for ws in wb:
        titles = [c.value for c in ws["A"] if c.font is not None and c.font.sz == 12 and c.font.b]
        if ws.title == "Oversigt":
            assert len(titles) == 3, titles
        elif ws.title == "Forudsætninger":
            assert len(titles) == 2, titles
        else:
            assert len(titles) == 1, (ws.title, titles)
            assert ws.print_title_rows == "$2:$2", ws.title
