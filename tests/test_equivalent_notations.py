"""The tiny municipality written in other, equivalent notations gives the same results as the
plain file (issue 11): citizen ids with a dash, a space, without, or stored as a number (leading
0 lost); minutes with a decimal comma and thousands points; other unambiguous date formats,
with a time part or a two-digit year where `aarhundrede` says the century; quoted fields and
quoted empties; spaces around values; shuffled rows; and a sample too short to see them all.
Results compared: every tariff row, citizen-weeks, r and the data-quality counts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takst_cli.pipeline import parse
from takst_cli.pipeline.run import RunResult
from tests.conftest import TINY_GRANTS, TINY_MODEL, TINY_VISITS
from tests.helpers import run_model
from tests.test_notation import CPR

DATE_FORMS = [
    "%d-%m-%Y",
    "d-m-Y",
    "d-m-Y 00:00",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y 00:00",
    "%Y-%m-%dT00:00:00",
]
SHORT = "%d-%m-%y"  # only with aarhundrede: 2000


def _date(text: str, form: str) -> str:
    day = dt.datetime.strptime(text, "%d-%m-%Y").date()
    if form.startswith("d-m-Y"):
        return f"{day.day}-{day.month}-{day.year}" + form[5:]
    return day.strftime(form)


def _id(letter: str, form: int) -> str:
    cpr = CPR[letter]
    bare = cpr.replace("-", "")
    forms = [cpr, bare, cpr.replace("-", " "), bare.lstrip("0"), bare.lstrip("0") + ".0"]
    return forms[form] if bare.startswith("0") or form < 3 else bare


def _number(value: int, form: int, column_has_comma: bool) -> str:
    """`value` as a whole number, with a decimal comma, with thousands points (bare only where
    the column shows a decimal comma elsewhere: else '1.800' is rightly ambiguous), or with
    non-breaking spaces between the thousands."""
    plain = str(value)
    grouped = f"{value:,}".replace(",", ".")
    spaced = f"{value:,}".replace(",", "\u00a0")  # a space groups thousands in both conventions
    forms = [plain, f"{plain},0", f"{grouped},00", grouped if column_has_comma else plain, spaced]
    return forms[form]


def _quoted(text: str, quote: bool) -> str:
    return f'"{text}"' if quote else text


@st.composite
def exports(draw: st.DrawFn) -> tuple[str, str, bool, int]:
    century = draw(st.booleans())
    forms = DATE_FORMS + ([SHORT] if century else [])

    def date(text: str) -> str:
        return _date(text, draw(st.sampled_from(forms)))

    def ident(letter: str) -> str:
        text = _id(letter, draw(st.integers(0, 4)))
        return draw(st.sampled_from([text, f" {text}", f"{text} "]))

    def lines(text: str) -> tuple[str, list[list[str]]]:
        rows = text.splitlines()
        return rows[0], [r.split(";") for r in rows[1:]]

    header, visits = lines(TINY_VISITS)
    comma = draw(st.booleans())  # the minutes column shows a decimal comma somewhere
    out = []
    for i, (who, day, start, minutes, paragraph, *rest) in enumerate(visits):
        form = draw(st.integers(0, 4)) if comma else draw(st.sampled_from([0, 4]))
        if comma and i == 0:
            form = 1
        out.append(
            ";".join(
                [
                    ident(who),
                    date(day),
                    start,
                    _number(int(minutes), form, comma),
                    _quoted(paragraph, draw(st.booleans())),
                    *rest,
                ]
            )
        )
    shuffled = draw(st.permutations(out))
    visit_text = "\n".join([header, *shuffled]) + "\n"

    header, grants = lines(TINY_GRANTS)
    out = []
    for i, (who, team, kind, start, end, minutes) in enumerate(grants):
        form = 1 if i == 0 else draw(st.integers(0, 4))  # '120,0': the column shows its comma
        out.append(
            ";".join(
                [
                    ident(who),
                    team,
                    kind,
                    date(start),
                    date(end) if end else draw(st.sampled_from(["", '""', " "])),
                    _number(int(minutes), form, True),
                ]
            )
        )
    grant_text = "\n".join([header, *draw(st.permutations(out))]) + "\n"
    return visit_text, grant_text, century, draw(st.sampled_from([3, 5000]))


def _run(folder: Path, visits: str, grants: str, century: bool) -> RunResult:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "leverancer.csv").write_text(visits, encoding="utf-8")
    (folder / "visitationer.csv").write_text(grants, encoding="utf-8")
    model = folder / "model.yaml"
    extra = "  aarhundrede: 2000\n" if century else ""
    model.write_text(
        TINY_MODEL.replace(
            "  visitationer: visitationer.csv\n", "  visitationer: visitationer.csv\n" + extra
        ),
        encoding="utf-8",
    )
    return run_model(model)


def _summary(result: RunResult) -> tuple[object, ...]:
    return (
        result.tariffs.rows,
        result.tariffs.total_weeks,
        result.reduction.r,
        [(q.source, q.category, q.reason, q.rows, round(q.hours or 0, 9)) for q in result.quality],
        result.invalid,
    )


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, ...]:
    """The tiny municipality with plain CPR ids (ten digits), dd-mm-yyyy and whole minutes."""
    ids = {k: v.replace("-", "") for k, v in CPR.items()}

    def with_ids(text: str) -> str:
        rows = text.splitlines()
        return "\n".join([rows[0], *[ids[r[0]] + r[1:] for r in rows[1:]]]) + "\n"

    return _summary(
        _run(tmp_path_factory.mktemp("plain"), with_ids(TINY_VISITS), with_ids(TINY_GRANTS), False)
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(export=exports())
def test_equivalent_notations_give_the_same_results(
    plain: tuple[object, ...], tmp_path: Path, export: tuple[str, str, bool, int]
) -> None:
    visits, grants, century, sample = export
    with patch.object(parse, "SAMPLE_ROWS", sample):
        result = _run(tmp_path / "x", visits, grants, century)
    assert _summary(result) == plain
