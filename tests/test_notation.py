"""Values in the exports read as a Danish finance officer means them, or the run stops (issue 11
items 1, 3, 4 and 16; issue 12 item 4, the reading side).

All on the tiny municipality of conftest.py (worked by hand in test_tiny.py), whose figures the
tests hold: T(fastholdende, 1) = 1 334,125 / 14 + 700 / 44 = 111,20 kr; T(fastholdende, 3) =
1 724,48 / 12 + 15,909.. = 159,62 kr; udviklende period 1, level 3: 1 304,48 / 4 + 15,909.. =
342,03 kr; 44 citizen-weeks; r = 0,432663..
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from takst_cli.errors import DataError
from takst_cli.io.readers import read_table
from takst_cli.models import BUDGET_FIELDS, ERR_SHORT_YEAR, CourseType, Phase
from takst_cli.pipeline import parse
from takst_cli.pipeline.ingest import Export
from takst_cli.pipeline.parse import (
    ColumnFormat,
    Notation,
    cpr_column,
    detect_format,
    normal_ids,
    parse_date,
    parse_number,
)
from takst_cli.pipeline.pseudonym import pseudonymise
from takst_cli.pipeline.run import RunResult, budget_lines
from tests.conftest import TINY_GRANTS, TINY_MODEL, TINY_VISITS
from tests.helpers import run_model

# Fictitious CPR-shaped ids for the tiny citizens (never real ones); A, E and G have a day of
# 01-09, so a spreadsheet storing them as numbers drops their leading 0.
CPR = {
    "A": "010101-1234",
    "B": "150280-2345",
    "C": "200390-3456",
    "D": "311299-4567",
    "E": "050505-5678",
    "F": "121212-6789",
    "G": "070707-7890",
}


def _with_ids(text: str, form: dict[str, str]) -> str:
    """The export with each citizen letter at the start of a row replaced by `form[letter]`."""
    lines = text.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        head, rest = line.split(";", 1)
        out.append(f"{form.get(head, head)};{rest}")
    return "\n".join(out) + "\n"


def _model(folder: Path, visits: str, grants: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "leverancer.csv").write_text(visits, encoding="utf-8")
    (folder / "visitationer.csv").write_text(grants, encoding="utf-8")
    model = folder / "model.yaml"
    model.write_text(TINY_MODEL + extra, encoding="utf-8")
    return model


def _row(result: RunResult, course_type: CourseType, phase: Phase, level: int):  # type: ignore[no-untyped-def]
    return next(
        r
        for r in result.tariffs.rows
        if (r.course_type, r.phase, r.level) == (course_type.value, phase.value, level)
    )


def _tiny_figures(result: RunResult) -> None:
    """The tiny municipality's hand-worked figures (test_tiny.py)."""
    assert not result.invalid
    assert result.tariffs.total_weeks == Decimal(44)
    l1 = _row(result, CourseType.FASTHOLDENDE, Phase.HELE, 1)
    assert (l1.citizens, l1.weeks, l1.cost, l1.tariff) == (
        2,
        Decimal(14),
        Decimal("1334.125"),
        Decimal("111.20"),
    )
    l3 = _row(result, CourseType.FASTHOLDENDE, Phase.HELE, 3)
    assert (l3.cost, l3.tariff) == (Decimal("1724.48"), Decimal("159.62"))
    p1 = _row(result, CourseType.UDVIKLENDE, Phase.PERIODE_1, 3)
    assert (p1.citizens, p1.cost, p1.tariff) == (2, Decimal("1304.48"), Decimal("342.03"))
    assert result.reduction.r == pytest.approx(0.432663, abs=1e-6)


def _same(a: RunResult, b: RunResult) -> None:
    assert a.tariffs.rows == b.tariffs.rows
    assert a.tariffs.total_weeks == b.tariffs.total_weeks
    assert a.reduction.r == b.reduction.r
    assert [(q.category, q.reason, q.rows) for q in a.quality] == [
        (q.category, q.reason, q.rows) for q in b.quality
    ]


# ---- 1. citizen ids --------------------------------------------------------------------------


def test_cpr_with_dash_in_visits_and_without_in_grants_is_one_citizen(tmp_path: Path) -> None:
    """Visits with the dash, grants without, and a third of the visit rows (every third) with
    a space instead: the same courses find the same visits, so every tariff is the tiny one
    (T(fast, 1) = 111,20; T(fast, 3) = 159,62; udviklende P1 L3 = 342,03). Without the
    normalisation A, B, C, D, E, F would find no course and every course cost would be 0."""
    dashed = _model(tmp_path / "a", _with_ids(TINY_VISITS, CPR), _with_ids(TINY_GRANTS, CPR))
    bare = {k: v.replace("-", "") for k, v in CPR.items()}
    lines = _with_ids(TINY_VISITS, CPR).splitlines()
    for i in range(1, len(lines), 3):
        lines[i] = lines[i].replace("-", " ", 1)
    mixed = _model(tmp_path / "b", "\n".join(lines) + "\n", _with_ids(TINY_GRANTS, bare))
    assert " 1234;" in (tmp_path / "b" / "leverancer.csv").read_text()  # the space is there
    one, other = run_model(dashed), run_model(mixed)
    _tiny_figures(one)
    _same(one, other)


def _grants_xlsx(path: Path, ids: dict[str, object]) -> None:
    wb = Workbook()
    ws = wb.active
    for i, line in enumerate(TINY_GRANTS.splitlines()):
        cells: list[object] = line.split(";")
        if i:
            cells[0] = ids[str(cells[0])]
            cells[5] = int(str(cells[5]))
        ws.append(cells)
    wb.save(path)


def test_cpr_stored_as_a_number_gets_its_leading_zero_back(tmp_path: Path) -> None:
    """Grants in XLSX with the ids as number cells: 010101-1234 is stored as 101011234 (9
    digits), 150280-2345 as 1502802345. In a column of CPR numbers the 9-digit ones are CPRs
    (0101011234); the visits say `010101-1234`: one citizen, the tiny figures."""
    model = _model(tmp_path, _with_ids(TINY_VISITS, CPR), "")
    (tmp_path / "visitationer.csv").unlink()
    numbers = {k: int(v.replace("-", "")) for k, v in CPR.items()}
    assert numbers["A"] == 101011234
    _grants_xlsx(tmp_path / "visitationer.xlsx", numbers)
    model.write_text(
        model.read_text().replace("visitationer.csv", "visitationer.xlsx"), encoding="utf-8"
    )
    _tiny_figures(run_model(model))


def test_cpr_from_a_float_cell_is_the_same_citizen(tmp_path: Path) -> None:
    """A CPR written '101011234.0' (a float cell exported as text) is 0101011234."""
    floats = {k: str(int(v.replace("-", ""))) + ".0" for k, v in CPR.items()}
    assert floats["A"] == "101011234.0"
    model = _model(tmp_path, _with_ids(TINY_VISITS, CPR), _with_ids(TINY_GRANTS, floats))
    _tiny_figures(run_model(model))


def test_which_columns_are_cpr_columns() -> None:
    """A 9-digit number is a CPR only in a column of CPR numbers; ids like B000123 and other
    numbers stay as written."""
    assert cpr_column(pl.Series(["101011234", "1502802345"]))
    assert cpr_column(pl.Series(["101011234", "B000123", "010101-1234"]))  # substitute ids
    assert cpr_column(pl.Series(["101011234"]))  # a valid date when its 0 comes back
    assert not cpr_column(pl.Series(["B000123", "B000124"]))
    # 123456789 → 0123456789: month 34, no date: a column of other numbers
    assert not cpr_column(pl.Series(["123456789", "101011234"]))
    frame = pl.DataFrame({"borger_id": [" 010101-1234", "010101 1234", "101011234", "B000123"]})
    assert frame.select(normal_ids("borger_id", True)).to_series().to_list() == [
        "0101011234",
        "0101011234",
        "0101011234",
        "B000123",
    ]
    assert frame.select(normal_ids("borger_id", False)).to_series().to_list()[2] == "101011234"


def test_ids_like_b000123_are_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids already in normal form cost no second read of the visits."""
    from takst_cli.pipeline import ingest

    calls: list[object] = []
    real = ingest.parse_visits

    def spy(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(kwargs.get("ids"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "parse_visits", spy)
    run_model(_model(tmp_path / "a", TINY_VISITS, TINY_GRANTS))
    assert calls == [None]
    calls.clear()
    run_model(_model(tmp_path / "b", _with_ids(TINY_VISITS, CPR), _with_ids(TINY_GRANTS, CPR)))
    assert calls == [None, True]  # read again, ids normalised, in a column of CPR numbers


def test_cpr_with_a_space_is_pseudonymised_like_the_others() -> None:
    """`040443 1111` is CPR-shaped: the same pseudonym as `040443-1111` and `0404431111`."""
    forms = ["040443 1111", "040443-1111", "0404431111", "040443\u00a01111", "040443\u20111111"]
    frame = pl.DataFrame({"borger_id": [*forms, "B1"]})
    (out,) = pseudonymise([frame], b"noegle")
    ids = out["borger_id"].to_list()
    assert len(set(ids[:5])) == 1 and ids[0].startswith("P") and len(ids[0]) == 17
    assert ids[5] == "B1"
    normal = frame.select(normal_ids("borger_id", True)).to_series().to_list()
    assert normal == ["0404431111"] * 5 + ["B1"]


# ---- 2. Danish thousands separators ----------------------------------------------------------


def test_grant_minutes_with_thousands_point_in_a_decimal_comma_column(tmp_path: Path) -> None:
    """E's 600 minutes written '1.071' in a column that shows '150,0' (a decimal comma): the
    point is a thousands separator, 1 071 min/week = 17,85 h → level 4 (15-20 h), not 1,071
    minutes (level 1). E's cost 1 724,48 over 12 weeks moves from level 3 to level 4:
    1 724,48 / 12 + 15,909.. = 159,62."""
    grants = TINY_GRANTS.replace(";150\n", ";150,0\n").replace(
        "E;Syd;fastholdende;01-06-2024;;600", "E;Syd;fastholdende;01-06-2024;;1.071"
    )
    res = run_model(_model(tmp_path, TINY_VISITS, grants))
    l4 = _row(res, CourseType.FASTHOLDENDE, Phase.HELE, 4)
    assert (l4.citizens, l4.weeks, l4.cost, l4.tariff) == (
        1,
        Decimal(12),
        Decimal("1724.48"),
        Decimal("159.62"),
    )
    assert not [
        r for r in res.tariffs.rows if r.level == 3 and r.citizens and r.phase == "hele forløbet"
    ]


def test_thousands_point_without_a_clue_stops_and_asks_for_talformat(tmp_path: Path) -> None:
    """'1.071' in a column of whole numbers: 1 071 or 1,071 minutes? The run stops naming file,
    column, row and value; `talformat: dansk` reads it as 1 071 (level 4, as above)."""
    grants = TINY_GRANTS.replace(
        "E;Syd;fastholdende;01-06-2024;;600", "E;Syd;fastholdende;01-06-2024;;1.071"
    )
    model = _model(tmp_path, TINY_VISITS, grants)
    with pytest.raises(DataError) as err:
        run_model(model)
    message = err.value.message
    assert "visitationer.csv: kolonnen 'visiterede_minutter_uge' række 6: '1.071'" in message
    assert "1071 (data.talformat: dansk) eller 1,071 (data.talformat: international)" in message
    assert "data.talformat" in message
    model.write_text(
        TINY_MODEL.replace(
            "  visitationer: visitationer.csv\n",
            "  visitationer: visitationer.csv\n  talformat: dansk\n",
        ),
        encoding="utf-8",
    )
    res = run_model(model)
    assert _row(res, CourseType.FASTHOLDENDE, Phase.HELE, 4).cost == Decimal("1724.48")


def test_a_point_followed_by_one_or_two_digits_is_a_decimal_point() -> None:
    """A column with '22.5' is international: its '1.071' is 1,071 and its '1,071' is 1 071."""
    raw = pl.DataFrame({"raekke": [2, 3, 4, 5], "m": ["22.5", "1.071", "1,071", "15"]}).lazy()
    fmt = parse.whole_formats(raw, {"m": "number"}, Notation(), "f.csv")["m"]
    assert fmt.reading == "international"
    assert raw.select(parse_number("m", fmt)).collect().to_series().to_list() == [
        22.5,
        1.071,
        1071.0,
        15.0,
    ]


@pytest.mark.parametrize(
    "text,value",
    [
        ("1.071,5", 1071.5),
        ("1.234.567", 1234567.0),
        ("22,5", 22.5),
        ("0,125", 0.125),
        ("0.125", 0.125),
        ("1,071.5", 1071.5),
        ("15", 15.0),
        ("-30", -30.0),
        ("1 071,5", 1071.5),  # a space groups thousands in both conventions
        ("1\u00a0234\u00a0567", 1234567.0),  # a non-breaking space, as formatting gives
        ("1 071", 1071.0),
        ("1 07", None),
        ("1.071", None),  # both conventions, no clue: not a number
        ("1.07", 1.07),
        ("12.34.5", None),
        ("tre", None),
    ],
)
def test_each_value_read_by_the_convention_that_can_read_it(text: str, value: float | None) -> None:
    frame = pl.DataFrame({"m": [text]})
    assert frame.select(parse_number("m")).item() == value


def _budget_export(path: Path) -> Export:
    """The budget file as the budget stage takes it (read with its own headers)."""
    src = read_table("budget", path, BUDGET_FIELDS, {f: f for f in BUDGET_FIELDS})
    return Export(src.frame, src.headers, src.name)


def _budget(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "budget.csv"
    path.write_text("team;budget;forbrug_til_dato\n" + rows, encoding="utf-8")
    return path


def test_budget_in_danish_thousands(tmp_path: Path) -> None:
    """'700.000' in a column that also has '1.250.000,50': 700 000 kr, not 700 kr."""
    path = _budget(tmp_path, "Nord;700.000;300.000\nSyd;1.250.000,50;12.345,67\n")
    src = _budget_export(path)
    lines = budget_lines(src, False, dt.date(2025, 6, 30))
    assert [(b.team, b.budget, b.spend) for b in lines] == [
        ("Nord", Decimal("700000"), Decimal("300000")),
        ("Syd", Decimal("1250000.50"), Decimal("12345.67")),
    ]


def test_budget_quoted_empty_spend_and_date_are_empty(tmp_path: Path) -> None:
    """`""` in the spend and its date is no value, not an invalid one."""
    path = tmp_path / "budget.csv"
    path.write_text(
        'team;budget;forbrug_til_dato;opgjort_dato\nNord;700.000,00;"";""\n', encoding="utf-8"
    )
    src = _budget_export(path)
    lines = budget_lines(src, False, dt.date(2025, 6, 30))
    assert [(b.team, b.budget, b.spend) for b in lines] == [("Nord", Decimal("700000"), None)]


def test_budget_without_a_clue_stops_unless_talformat(tmp_path: Path) -> None:
    path = _budget(tmp_path, "Nord;700.000;\nSyd;500.000;\n")
    src = _budget_export(path)
    with pytest.raises(DataError, match=r"budget.csv: kolonnen 'budget' række 2: '700.000'"):
        budget_lines(src, False, dt.date(2025, 6, 30))
    lines = budget_lines(src, False, dt.date(2025, 6, 30), Notation(talformat="dansk"))
    assert [b.budget for b in lines] == [Decimal("700000"), Decimal("500000")]
    lines = budget_lines(src, False, dt.date(2025, 6, 30), Notation(talformat="international"))
    assert [b.budget for b in lines] == [Decimal("700"), Decimal("500")]


def test_visit_minutes_ambiguous_after_the_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole minutes in the sample, '1.500' further down (A's 60-minute day visit, row 2 → put
    at row 17): stop, naming row and value. With `talformat: international` it is 1,5 minutes:
    A's day visit costs 1,5 / 60 × 326,12 = 8,153 instead of 326,12, so T(fast, 1) =
    (1 334,125 − 326,12 + 8,153) / 14 + 15,909.. = 72,5834.. + 15,909.. = 88,49."""
    lines = TINY_VISITS.splitlines()
    first = lines.pop(1).replace(";60;", ";1.500;")
    visits = "\n".join([*lines, first]) + "\n"
    monkeypatch.setattr(parse, "SAMPLE_ROWS", 3)
    model = _model(tmp_path, visits, TINY_GRANTS)
    with pytest.raises(DataError, match=r"leverancer.csv: kolonnen 'minutter' række 17: '1.500'"):
        run_model(model)
    model.write_text(
        TINY_MODEL.replace(
            "  visitationer: visitationer.csv\n",
            "  visitationer: visitationer.csv\n  talformat: international\n",
        ),
        encoding="utf-8",
    )
    l1 = _row(run_model(model), CourseType.FASTHOLDENDE, Phase.HELE, 1)
    assert l1.cost == Decimal("1334.125") - Decimal("326.12") + Decimal("8.153")
    assert l1.tariff == Decimal("88.49")


# ---- 3. two-digit years ----------------------------------------------------------------------


def test_two_digit_year_is_refused_with_file_row_and_value(tmp_path: Path) -> None:
    visits = TINY_VISITS.replace("A;07-01-2025;16:00", "A;07-01-25;16:00")
    with pytest.raises(DataError) as err:
        run_model(_model(tmp_path, visits, TINY_GRANTS))
    assert [str(p) for p in err.value.problems] == [
        f"leverancer.csv række 3: {ERR_SHORT_YEAR} ('07-01-25')"
    ]


def test_two_digit_years_with_aarhundrede_give_the_tiny_figures(tmp_path: Path) -> None:
    """Every date in both files written dd-mm-yy, `aarhundrede: 2000`: 25 is 2025, 24 is 2024."""

    def short(text: str) -> str:
        return text.replace("-2025", "-25").replace("-2024", "-24")

    model = _model(
        tmp_path,
        short(TINY_VISITS),
        short(TINY_GRANTS),
    )
    model.write_text(
        TINY_MODEL.replace(
            "  visitationer: visitationer.csv\n",
            "  visitationer: visitationer.csv\n  aarhundrede: 2000\n",
        ),
        encoding="utf-8",
    )
    _tiny_figures(run_model(model))


def test_aarhundrede_must_be_a_whole_century(tiny: Path) -> None:
    from takst_cli.errors import ConfigError

    tiny.write_text(
        tiny.read_text().replace(
            "  visitationer: visitationer.csv\n",
            "  visitationer: visitationer.csv\n  aarhundrede: 2025\n",
        )
    )
    with pytest.raises(ConfigError) as err:
        run_model(tiny)
    assert "data.aarhundrede: skal være et helt århundrede som 1900 eller 2000, fik 2025" in [
        str(p) for p in err.value.problems
    ]


# ---- 4. formats past the sample --------------------------------------------------------------


def test_notations_after_the_sample_read_like_the_clean_file(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sample of 3 rows (whole minutes, dd-mm-yyyy dates); further down '22,5'-style minutes
    (written '60,0' and '45,00'), an ISO date, 'd-m-yyyy hh:mm', 'dd.mm.yyyy' and a quoted
    empty start time: all read as the clean file, no invalid rows."""
    clean = run_model(tiny)
    visits = (
        TINY_VISITS.replace("B;04-02-2025;09:00;45;", "B;04-02-2025;09:00;45,00;")
        .replace("C;15-01-2025;10:00;60;", "C;2025-01-15;10:00;60,0;")
        .replace("D;14-01-2025;10:00;", "D;14-1-2025 00:00;10:00;")
        .replace("E;05-02-2025;", "E;05.02.2025;")
        .replace("G;20-01-2025;10:00;", 'G;20-01-2025;"";')
    )
    monkeypatch.setattr(parse, "SAMPLE_ROWS", 3)
    res = run_model(_model(tmp_path, visits, TINY_GRANTS))
    _tiny_figures(res)
    _same(res, clean)


def test_a_decimal_comma_after_whole_minutes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'22,5' after a sample of whole minutes is 22,5 minutes, not an invalid row. G's 30
    minutes written '22,5': G is outside every course, so only its hours change; the quality
    line 'uden for ethvert forløb' holds 22,5 / 60 = 0,375 hours."""
    visits = TINY_VISITS.replace("G;20-01-2025;10:00;30;", "G;20-01-2025;10:00;22,5;")
    monkeypatch.setattr(parse, "SAMPLE_ROWS", 3)
    res = run_model(_model(tmp_path, visits, TINY_GRANTS))
    assert not res.invalid
    outside = next(q for q in res.quality if q.reason == "uden for ethvert forløb (kun aktivitet)")
    assert (outside.rows, outside.hours) == (1, pytest.approx(0.375))


def test_quoted_empty_end_date_is_an_open_grant(tmp_path: Path) -> None:
    grants = TINY_GRANTS.replace(
        "A;Nord;fastholdende;01-12-2024;;120", 'A;Nord;fastholdende;01-12-2024;"";120'
    )
    _tiny_figures(run_model(_model(tmp_path, TINY_VISITS, grants)))


def test_sampled_date_formats() -> None:
    """The sample's formats; a date with a time after a short date part is cut at the space."""
    fmt = detect_format(["1-1-2025 00:00", "02-01-2025"], "date")
    assert fmt.ragged and fmt.cut and fmt.formats[0] == "%d-%m-%Y"
    frame = pl.DataFrame({"d": ["1-1-2025 00:00", "2025-01-03T08:00:00", "", "01-02-25"]})
    assert frame.select(parse_date("d")).to_series().to_list() == [
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 3),
        None,
        None,  # a two-digit year: not the year 25
    ]
    century = ColumnFormat(parse._DATE_FORMATS, True, True, whole=True, century=2000)
    assert frame.select(parse_date("d", century)).to_series().to_list()[3] == dt.date(2025, 2, 1)


def test_a_point_in_a_decimal_comma_column_is_a_thousands_separator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample shows '60,0' (a decimal comma); '1.500' further down is then 1 500 minutes,
    which is more than maks_minutter_pr_besoeg (720): an invalid row naming it, never 1,5
    minutes read without a word."""
    visits = TINY_VISITS.replace(";60;", ";60,0;").replace(
        "G;20-01-2025;10:00;30;", "G;20-01-2025;10:00;1.500;"
    )
    monkeypatch.setattr(parse, "SAMPLE_ROWS", 3)
    with pytest.raises(DataError) as err:
        run_model(_model(tmp_path, visits, TINY_GRANTS))
    assert [str(p) for p in err.value.problems] == [
        "leverancer.csv række 17: urimeligt mange minutter ('1.500')"
    ]


def test_frequency_and_duration_read_by_their_columns(tmp_path: Path) -> None:
    """Granted time as times per week × minutes per time, each column in its own notation:
    E's 600 min/week written 7,5 × 80 (a decimal comma), F's 1 800 as 1.800 × 1 in a column
    that shows a decimal comma ('2,0'), the rest n × m with whole numbers: the tiny figures."""
    header = "borger_id;team;forloebstype;start_dato;slut_dato;gange_pr_uge;minutter_pr_gang"
    times = {"A": "2,0;60", "B": "5;30", "C": "10;60", "D": "6;100", "E": "7,5;80", "F": "1;1.800"}
    rows = [header]
    for line in TINY_GRANTS.splitlines()[1:]:
        cells = line.split(";")
        rows.append(";".join([*cells[:5], times[cells[0]]]))
    with pytest.raises(DataError, match=r"kolonnen 'minutter_pr_gang' række 7: '1.800'"):
        run_model(_model(tmp_path / "a", TINY_VISITS, "\n".join(rows) + "\n"))
    rows[1] = rows[1].replace(";60", ";60,0")  # now the minutes column shows its comma
    _tiny_figures(run_model(_model(tmp_path / "b", TINY_VISITS, "\n".join(rows) + "\n")))


@pytest.mark.parametrize("written", ["010101 1234", "101011234"])
def test_an_invalid_rows_cpr_is_listed_as_its_pseudonym(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    """A's id written with a space, or as a number that lost its 0, in the visits (one row with
    a bad date), `0101011234` in the grants: the excluded row is listed with the pseudonym
    every form of that CPR gets, never as written."""
    monkeypatch.setenv("TAKST_PSEUDONYM_NOEGLE", "hemmelig")
    visits = _with_ids(TINY_VISITS, {"A": written}).replace(
        f"{written};07-01-2025", f"{written};32-01-2025"
    )
    grants = _with_ids(TINY_GRANTS, {"A": "0101011234"})
    res = run_model(_model(tmp_path, visits, grants), exclude_invalid=True)
    (row,) = res.invalid
    (expected,) = pseudonymise([pl.DataFrame({"borger_id": ["0101011234"]})], b"hemmelig")
    assert (row.row, row.value) == (3, "32-01-2025")
    assert row.citizen == expected.item() and row.citizen.startswith("P")


def test_a_citizen_written_both_ways_across_files_stops_the_run(tmp_path: Path) -> None:
    """The grants hold A as 101011234 beside a test citizen 9999999999 (no date: day 99), so
    their column is not one of CPR numbers and A keeps 9 digits; the visits write A as
    010101-1234. Read alone each column is consistent, but A's visits would find no course:
    the run stops instead (1 citizen)."""
    grants = (
        _with_ids(TINY_GRANTS, {"A": "101011234"}) + "9999999999;Nord;fastholdende;01-01-2025;;60\n"
    )
    visits = _with_ids(TINY_VISITS, {"A": "010101-1234"})
    with pytest.raises(DataError) as err:
        run_model(_model(tmp_path, visits, grants))
    assert err.value.message.startswith(
        "1 borgere står som et tal med 9 cifre i den ene fil og som CPR-nummer i den anden "
        "(leverancer.csv, visitationer.csv)"
    )
    assert "1234" not in err.value.message


def test_ids_apart_counts_both_directions() -> None:
    assert parse.ids_apart(pl.Series(["101011234", "B1"]), pl.Series(["0101011234"])) == 1
    assert parse.ids_apart(pl.Series(["0101011234"]), pl.Series(["101011234", "B1"])) == 1
    assert parse.ids_apart(pl.Series(["123456789"]), pl.Series(["0123456789"])) == 0  # month 34
