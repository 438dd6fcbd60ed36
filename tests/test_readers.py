"""Each CSV dialect, XLSX and Parquet give the same parsed frame."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook
from polars.testing import assert_frame_equal

from takst_cli.errors import DataError
from takst_cli.io.readers import read_table
from takst_cli.models import VISITATIONER_FIELDS
from takst_cli.pipeline.parse import parse_grants

HEADERS = {f: f for f in VISITATIONER_FIELDS} | {
    "borger_id": "Borger ID",
    "forloebstype": "Forløbstype",
    "start_dato": "Startdato",
    "visiterede_minutter_uge": "Minutter pr. uge",
}
ROWS = [
    ["Borger ID", "team", "Forløbstype", "Startdato", "slut_dato", "Minutter pr. uge"],
    ["B1", "Team Øst", "udviklende", "06-01-2025", "", "90,5"],
    ["B2", "Team Syd", "fastholdende", "06.02.2025", "30-06-2025", "1200"],
    ["B3", "Team Øst", "Individuel", "2025-03-01", "", "1.800,0"],
]

EXPECTED = pl.DataFrame(
    {
        "borger_id": ["B1", "B2", "B3"],
        "team": ["Team Øst", "Team Syd", "Team Øst"],
        "forloebstype": ["udviklende", "fastholdende", "individuel"],
        "start_dato": [dt.date(2025, 1, 6), dt.date(2025, 2, 6), dt.date(2025, 3, 1)],
        "slut_dato": [None, dt.date(2025, 6, 30), None],
        "visiterede_minutter_uge": [90.5, 1200.0, 1800.0],
    }
)


def _parsed(path: Path, sheet: str | None = None) -> pl.DataFrame:
    src = read_table("visitationer", path, VISITATIONER_FIELDS, HEADERS, sheet)
    out = parse_grants(src.frame, set(src.headers)).collect()
    assert out["fejl"].null_count() == out.height
    return out.select(EXPECTED.columns)


def _csv(rows: list[list[str]], sep: str) -> str:
    return "\n".join(sep.join(r) for r in rows) + "\n"


@pytest.mark.parametrize(
    "encoding,sep",
    [
        ("utf-8-sig", ";"),
        ("cp1252", ";"),
        ("utf-8", ";"),
    ],
)
def test_danish_csv_dialects(tmp_path: Path, encoding: str, sep: str) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes(_csv(ROWS, sep).encode(encoding))
    assert_frame_equal(_parsed(path), EXPECTED)


def test_plain_comma_csv_with_point_decimals(tmp_path: Path) -> None:
    rows = ROWS[:1] + [r[:5] + [r[5].replace(".", "").replace(",", ".")] for r in ROWS[1:]]
    path = tmp_path / "v.csv"
    path.write_text(_csv(rows, ","), encoding="utf-8")
    assert_frame_equal(_parsed(path), EXPECTED)


def test_xlsx_with_real_dates_and_numbers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Visitationer"
    ws.append(ROWS[0])
    ws.append(["B1", "Team Øst", "udviklende", dt.date(2025, 1, 6), None, 90.5])
    ws.append(["B2", "Team Syd", "fastholdende", "06.02.2025", dt.datetime(2025, 6, 30), 1200])
    ws.append(["B3", "Team Øst", "Individuel", dt.date(2025, 3, 1), None, "1.800,0"])
    path = tmp_path / "v.xlsx"
    wb.save(path)
    assert_frame_equal(_parsed(path, "Visitationer"), EXPECTED)
    assert_frame_equal(_parsed(path), EXPECTED)  # first sheet by default


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "v.parquet"
    EXPECTED.rename(
        {
            "borger_id": "Borger ID",
            "forloebstype": "Forløbstype",
            "start_dato": "Startdato",
            "visiterede_minutter_uge": "Minutter pr. uge",
        }
    ).write_parquet(path)
    assert_frame_equal(_parsed(path), EXPECTED)


def test_headers_match_ignoring_case_and_spaces(tmp_path: Path) -> None:
    rows = [[" borger id", "TEAM", "forløbstype", "STARTDATO", "Slut_dato", "minutter pr. uge"]]
    path = tmp_path / "v.csv"
    path.write_text(_csv(rows + ROWS[1:], ";"), encoding="utf-8")
    assert_frame_equal(_parsed(path), EXPECTED)


def test_missing_columns_are_all_listed_with_those_found(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("Borger;team;x\nB1;Nord;1\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_table("visitationer", path, VISITATIONER_FIELDS, HEADERS)
    msg = err.value.message
    assert (
        "mangler kolonner 'Borger ID' (borger_id), 'Startdato' (start_dato), "
        "'Minutter pr. uge' (visiterede_minutter_uge)" in msg
    )
    assert "fundne kolonner: 'Borger', 'team', 'x'" in msg


@pytest.mark.parametrize(
    "content,suffix,expected",
    [
        (b"", ".csv", "filen er tom"),
        (b"\xef\xbb\xbf\n", ".csv", "filen er tom"),
        (b"not a zip", ".xlsx", "kan ikke læses som en XLSX-projektmappe"),
        (b"PAR1garbage", ".parquet", "kan ikke læses som Parquet"),
        (b"a;b", ".ods", "ukendt filtype '.ods'"),
    ],
)
def test_bad_files_give_a_clear_message(
    tmp_path: Path, content: bytes, suffix: str, expected: str
) -> None:
    path = tmp_path / f"v{suffix}"
    path.write_bytes(content)
    with pytest.raises(DataError, match=expected):
        read_table("visitationer", path, VISITATIONER_FIELDS, HEADERS)


def test_missing_file_and_missing_sheet(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="filen findes ikke"):
        read_table("visitationer", tmp_path / "nej.csv", VISITATIONER_FIELDS, HEADERS)
    wb = Workbook()
    wb.active.title = "Ark1"
    wb.save(tmp_path / "v.xlsx")
    with pytest.raises(DataError, match="arket 'Visitationer' findes ikke; arkene er 'Ark1'"):
        read_table(
            "visitationer", tmp_path / "v.xlsx", VISITATIONER_FIELDS, HEADERS, "Visitationer"
        )


def _tiny_tariffs(tiny: Path, visits: bytes) -> list[tuple[str, str, int, object]]:
    from tests.helpers import run_model

    (tiny.parent / "leverancer.csv").write_bytes(visits)
    result = run_model(tiny)
    return [(r.course_type, r.phase, r.level, r.tariff) for r in result.tariffs.rows]


def test_line_ends_and_utf16_read_as_written(tiny: Path) -> None:
    """The tiny visits with CR LF, with old Mac CR-only line ends and as UTF-16 with its BOM:
    the hand-worked tariffs of test_tiny (111,20 / 159,62 / 342,03 / 97,44 / 69,97 / 831,21)."""
    from tests.conftest import TINY_VISITS

    plain = _tiny_tariffs(tiny, TINY_VISITS.encode())
    assert {str(t[3]) for t in plain} >= {"111.20", "159.62", "342.03", "831.21"}
    for data in (
        TINY_VISITS.replace("\n", "\r\n").encode(),
        TINY_VISITS.replace("\n", "\r").encode(),
        TINY_VISITS.encode("utf-16"),
    ):
        assert _tiny_tariffs(tiny, data) == plain


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xef\xbb\xbf"
            + "Borger ID;Team;Startdato;Minutter pr. uge\nB1;Ærø;01-01-2025;60\n".encode("cp1252"),
            "begynder med et UTF-8-mærke (BOM), men linje 2",
        ),
        ("borger_id;dato\n".encode("utf-16-le"), "UTF-16 uden byte-ordensmærke"),
    ],
)
def test_a_file_of_mixed_or_unmarked_encoding_stops(
    tmp_path: Path, data: bytes, message: str
) -> None:
    from takst_cli.io.readers import reading

    path = tmp_path / "v.csv"
    path.write_bytes(data)
    with pytest.raises(DataError) as err, reading(path.name, path):  # noqa: PT012
        read_table("visitationer", path, VISITATIONER_FIELDS, HEADERS).frame.collect()
    assert message in str(err.value)


def test_a_no_break_space_in_a_header_is_a_space(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(
        "Borger\xa0ID;Team;Startdato;Minutter pr. uge\nB1;Nord;01-01-2025;60\n", encoding="utf-8"
    )
    src = read_table("visitationer", path, VISITATIONER_FIELDS, HEADERS)
    assert src.headers["borger_id"] == "Borger\xa0ID"


def test_rows_of_separators_only_are_skipped_and_counted(tiny: Path) -> None:
    """Two lines of nothing but ';' among the tiny visits and one among its grants: the
    hand-worked tariffs of test_tiny, the lines counted as skipped (not 'mangler borger-id')."""
    from tests.conftest import TINY_GRANTS, TINY_VISITS
    from tests.helpers import run_model

    plain = _tiny_tariffs(tiny, TINY_VISITS.encode())
    lines = TINY_VISITS.splitlines()
    lines.insert(5, ";;;;;;;")
    lines.append(";;;;;;;")
    grants = TINY_GRANTS.splitlines()
    grants.insert(3, ";;;;;")
    (tiny.parent / "visitationer.csv").write_text("\n".join(grants) + "\n", encoding="utf-8")
    assert _tiny_tariffs(tiny, ("\n".join(lines) + "\n").encode()) == plain
    skipped = {
        (q.source, q.rows) for q in run_model(tiny).quality if q.reason.startswith("tom række")
    }
    assert skipped == {("leverancer.csv", 2), ("visitationer.csv", 1)}
