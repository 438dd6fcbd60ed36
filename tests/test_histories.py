"""Courses from grant histories (issue: revisions, concurrent services, course ids).

The tiny municipality of conftest.py (worked by hand in test_tiny.py) with its grants written
the way care systems export them. Where the history says the same as the tidy file, every
tariff, citizen-week and r must be identical; where it says something else, the numbers are
worked by hand below. Row numbers count the header as row 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from takst_cli.errors import DataError
from takst_cli.models import Col, CourseType, Phase
from takst_cli.pipeline.run import RunResult
from tests.conftest import TINY_GRANTS, TINY_MODEL
from tests.helpers import run_model

HEADER = "borger_id;team;forloebstype;start_dato;slut_dato;visiterede_minutter_uge"


def _grants(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _tiny_rows() -> list[str]:
    return TINY_GRANTS.strip().splitlines()[1:]


def _run(tiny: Path, grants: str, extra: str = "", exclude: bool = False) -> RunResult:
    (tiny.parent / "visitationer.csv").write_text(grants, encoding="utf-8")
    tiny.write_text(TINY_MODEL + extra, encoding="utf-8")
    return run_model(tiny, exclude_invalid=exclude)


def _tariffs(result: RunResult) -> list[tuple[str, str, int, int, Decimal, Decimal, Decimal]]:
    return [
        (r.course_type, r.phase, r.level, r.citizens, r.weeks, r.cost, r.tariff)
        for r in result.tariffs.rows
    ]


def _same_as_tidy(tiny: Path, result: RunResult) -> None:
    (tiny.parent / "visitationer.csv").write_text(TINY_GRANTS, encoding="utf-8")
    tiny.write_text(TINY_MODEL, encoding="utf-8")
    tidy = run_model(tiny)
    assert _tariffs(result) == _tariffs(tidy)
    assert result.tariffs.total_weeks == tidy.tariffs.total_weeks == Decimal(44)
    assert result.reduction.r == tidy.reduction.r
    assert result.reduction.r == pytest.approx(1 - 326.12 / (1724.48 / 12 * 4))


def _courses(result: RunResult, citizen: str) -> pl.DataFrame:
    return result.segments.filter(pl.col(Col.BORGER) == citizen).sort(Col.COURSE_ID, "seg_start")


def _grant_line(result: RunResult, reason: str) -> int:
    return next(q.rows for q in result.quality if q.reason == reason)


def test_monthly_revisions_give_the_tidy_numbers(tiny: Path) -> None:
    """A's open grant re-exported as monthly revisions (the old row ended the day before);
    C's development course revised on 13-01 — inside its period 1 — and 02-02, same minutes.
    Period 1 still counts from C's first day (06-01..19-01), the after-phase is the rest."""
    rows = [r for r in _tiny_rows() if not r.startswith(("A;", "C;"))] + [
        "A;Nord;fastholdende;01-12-2024;31-12-2024;120",
        "A;Nord;fastholdende;01-01-2025;31-01-2025;120",
        "A;Nord;fastholdende;01-02-2025;28-02-2025;120",
        "A;Nord;fastholdende;01-03-2025;;120",
        "C;Syd;udviklende;06-01-2025;12-01-2025;600",
        "C;Syd;udviklende;13-01-2025;01-02-2025;600",
        "C;Syd;udviklende;02-02-2025;;600",
    ]
    result = _run(tiny, _grants(*rows))
    _same_as_tidy(tiny, result)
    assert _courses(result, "C")[Col.COURSE_ID].n_unique() == 1
    # 3 of A's rows and 2 of C's continue a course an earlier row began
    assert _grant_line(result, "rækker lagt til et forløb, en tidligere række begyndte") == 5


def test_concurrent_services_give_the_tidy_numbers(tiny: Path) -> None:
    """E's 600 min/week as personal care 400 + practical help 200, C's as a §83a training
    row 200 beside §83 care 400 (same dates): summed per day, the same courses."""
    header = HEADER + ";indsats;paragraf"
    rows = [f"{r};;" for r in _tiny_rows() if not r.startswith(("C;", "E;"))] + [
        "C;Syd;udviklende;06-01-2025;;200;Træning;SEL §83a",
        "C;Syd;udviklende;06-01-2025;;400;Personlig pleje;SEL §83",
        "E;Syd;fastholdende;01-06-2024;;400;Personlig pleje;SEL §83",
        "E;Syd;fastholdende;01-06-2024;;200;Praktisk hjælp;SEL §83",
    ]
    _same_as_tidy(tiny, _run(tiny, _grants(*rows, header=header)))


def test_times_per_week_by_minutes_per_time(tiny: Path) -> None:
    """Granted time as times per week × minutes per time: 2 × 60 = 120, 3 × 50 = 150,
    5 × 120 = 600, 10 × 180 = 1 800 — the tidy minutes."""
    header = "borger_id;team;forloebstype;start_dato;slut_dato;gange_pr_uge;minutter_pr_gang"
    rows = [
        "A;Nord;fastholdende;01-12-2024;;2;60",
        "B;Nord;fastholdende;03-02-2025;16-02-2025;3;50",
        "C;Syd;udviklende;06-01-2025;;5;120",
        "D;Syd;udviklende;13-01-2025;26-01-2025;5;120",
        "E;Syd;fastholdende;01-06-2024;;5;120",
        "F;Nord;fastholdende;03-03-2025;;10;180",
    ]
    _same_as_tidy(tiny, _run(tiny, _grants(*rows, header=header)))


def test_a_raised_grant_moves_the_level_from_that_day(tiny: Path) -> None:
    """E's 600 min/week (10 h, level 3) raised to 1 200 (20 h, level 5) from 03-03-2025.
    E at level 3: 06-01..02-03 = 56 days = 8 weeks, with both E visits (1 724,48 kr):
    T(fast, 3) = 1 724,48 / 8 = 215,56 + overhead 700 / 44 = 15,9090.. → 231,47.
    E at level 5: 03-03..30-03 = 4 weeks, no visits: 0 + 15,909.. → 15,91.
    r: counterfactual 215,56 × 4 weeks = 862,24; r = 1 − 326,12 / 862,24 = 0,621775.."""
    rows = [r for r in _tiny_rows() if not r.startswith("E;")] + [
        "E;Syd;fastholdende;01-06-2024;02-03-2025;600",
        "E;Syd;fastholdende;03-03-2025;;1200",
    ]
    result = _run(tiny, _grants(*rows))
    tariffs = {(r.course_type, r.phase, r.level): r for r in result.tariffs.rows}
    l3 = tariffs[(CourseType.FASTHOLDENDE.value, Phase.HELE.value, 3)]
    assert (l3.weeks, l3.cost, l3.tariff) == (Decimal(8), Decimal("1724.48"), Decimal("231.47"))
    l5 = tariffs[(CourseType.FASTHOLDENDE.value, Phase.HELE.value, 5)]
    assert (l5.citizens, l5.weeks, l5.cost, l5.tariff) == (1, Decimal(4), 0, Decimal("15.91"))
    assert result.tariffs.total_weeks == Decimal(44)
    assert result.reduction.r == pytest.approx(1 - 326.12 / 862.24)
    assert _courses(result, "E")[Col.COURSE_ID].n_unique() == 1


def test_a_team_change_gives_each_day_to_that_days_team(tiny: Path) -> None:
    """A moves from Nord to Syd on 03-02-2025: one course; Nord has its 06-01..02-02 days
    (28 = 4 weeks), Syd 03-02..30-03 (56 = 8 weeks); the tariffs do not change."""
    rows = [r for r in _tiny_rows() if not r.startswith("A;")] + [
        "A;Nord;fastholdende;01-12-2024;02-02-2025;120",
        "A;Syd;fastholdende;03-02-2025;;120",
    ]
    result = _run(tiny, _grants(*rows))
    a = _courses(result, "A")
    assert a[Col.COURSE_ID].n_unique() == 1
    assert dict(a.group_by(Col.TEAM).agg(pl.col(Col.DAYS).sum()).iter_rows()) == {
        "Nord": 28,
        "Syd": 56,
    }
    _same_as_tidy(tiny, result)


def test_a_gap_is_bridged_only_within_sammenhaeng_dage(tiny: Path) -> None:
    """B's grant 03-02..16-02 split with a two-day gap (09-02, 10-02). With
    sammenhaeng_dage: 2 it is one course of 14 days, as tidy. Without (default 0) two courses
    of 6 days each: B's weeks 12/7, the total 42 + 12/7 weeks."""
    rows = [r for r in _tiny_rows() if not r.startswith("B;")] + [
        "B;Nord;fastholdende;03-02-2025;08-02-2025;150",
        "B;Nord;fastholdende;11-02-2025;16-02-2025;150",
    ]
    bridged = _run(tiny, _grants(*rows), "  sammenhaeng_dage: 2\n")
    assert _courses(bridged, "B")[Col.COURSE_ID].n_unique() == 1
    assert _grant_line(bridged, "huller lagt sammen (sammenhaeng_dage)") == 1
    _same_as_tidy(tiny, bridged)

    apart = _run(tiny, _grants(*rows))
    b = _courses(apart, "B")
    assert (b[Col.COURSE_ID].n_unique(), b[Col.DAYS].sum()) == (2, 12)
    assert apart.tariffs.total_weeks == Decimal(42) + Decimal(12) / 7


def test_a_course_id_column_defines_the_courses(tiny: Path) -> None:
    """C's development grant as two rows with their own course ids, C1 06-01..19-01 and C2
    from 20-01: two development courses. C2's period 1 is 20-01..02-02 (the 21-01 visit,
    326,12), its after-phase 03-02..30-03 (8 weeks, the 10-02 visit).
    Period 1, level 3: C1 2 w (978,36) + C2 2 w (326,12) + D 2 w (326,12) = 6 w, 1 630,60."""
    header = HEADER + ";forloeb_id"
    rows = [f"{r};" for r in _tiny_rows() if not r.startswith("C;")] + [
        "C;Syd;udviklende;06-01-2025;19-01-2025;600;C1",
        "C;Syd;udviklende;20-01-2025;;600;C2",
    ]
    result = _run(tiny, _grants(*rows, header=header))
    assert _courses(result, "C")[Col.COURSE_ID].n_unique() == 2
    tariffs = {(r.course_type, r.phase, r.level): r for r in result.tariffs.rows}
    p1 = tariffs[(CourseType.UDVIKLENDE.value, Phase.PERIODE_1.value, 3)]
    assert (p1.citizens, p1.weeks, p1.cost) == (2, Decimal(6), Decimal("1630.60"))
    # the same two rows without their ids are one course: the tidy numbers
    plain = [r for r in _tiny_rows() if not r.startswith("C;")] + [
        "C;Syd;udviklende;06-01-2025;19-01-2025;600",
        "C;Syd;udviklende;20-01-2025;;600",
    ]
    _same_as_tidy(tiny, _run(tiny, _grants(*plain)))


def test_an_identical_grant_row_is_a_copy_not_twice_the_grant(tiny: Path) -> None:
    """B's row (row 3) exported twice (row 8): the run stops naming both rows; excluded, the
    numbers are the tidy ones (not B at 300 min/week)."""
    rows = [*_tiny_rows(), "B;Nord;fastholdende;03-02-2025;16-02-2025;150"]
    with pytest.raises(DataError) as err:
        _run(tiny, _grants(*rows))
    assert "række 8" in "\n".join(err.value.lines())
    assert "samme som række 3" in "\n".join(err.value.lines())
    _same_as_tidy(tiny, _run(tiny, _grants(*rows), exclude=True))


def test_an_unended_revision_of_a_service_is_refused(tiny: Path) -> None:
    """Two rows of the same service (indsats) for A that overlap — the old one not ended —
    would count A's care twice: the later row is invalid, naming the earlier."""
    header = HEADER + ";indsats"
    rows = [f"{r};Pleje" for r in _tiny_rows()] + [
        "A;Nord;fastholdende;01-02-2025;;180;Pleje",
    ]
    with pytest.raises(DataError) as err:
        _run(tiny, _grants(*rows, header=header))
    text = "\n".join(err.value.lines())
    assert "række 8" in text and "overlapper række 2" in text


def test_two_types_overlapping_resolved_by_priority(tiny: Path) -> None:
    """Beside C's development course, a stabilising §83 practical-help row of 120 min/week on
    the same days: the development course takes the days and the help counts in it (720
    min/week = 12 h, still level 3), so the courses and tariffs are the tidy ones; the two
    rows are counted as an overlap resolved."""
    rows = [*_tiny_rows(), "C;Syd;fastholdende;06-01-2025;;120"]
    result = _run(tiny, _grants(*rows))
    c = _courses(result, "C")
    assert c[Col.COURSE_ID].n_unique() == 1
    assert set(c[Col.FORLOEBSTYPE]) == {CourseType.UDVIKLENDE.value}
    assert set(c[Col.VISITERET_UGE]) == {720.0}
    assert _grant_line(result, "rækker der overlapper en anden forløbstype (prioritet)") == 2
    _same_as_tidy(tiny, result)


def test_course_types_by_rule_without_a_type_column(tiny: Path) -> None:
    """No type column. C: a §83a row (06-01..19-01, 200 min) beside §83 care (400 min, open):
    the §83a days are a development course, and the §83 days after it continue it as its
    after-phase — the tidy C. D: new in the period, no grant in the 90 days before → a
    development course by rule. B: new in the period, but A-like history: a grant that ended
    31-01 (within 90 days) → stabilising. F: 1 800 min/week > 25 h → individual."""
    header = "borger_id;team;start_dato;slut_dato;visiterede_minutter_uge;paragraf"
    rows = [
        "A;Nord;01-12-2024;;120;SEL §83",
        "B;Nord;01-11-2024;31-01-2025;150;SEL §83",
        "B;Nord;03-02-2025;16-02-2025;150;SEL §83",
        "C;Syd;06-01-2025;19-01-2025;200;SEL 83a",
        "C;Syd;06-01-2025;;400;SEL §83",
        "D;Syd;13-01-2025;26-01-2025;600;SEL §83",
        "E;Syd;01-06-2024;;600;SEL §83",
        "F;Nord;03-03-2025;;1800;SEL §83",
    ]
    result = _run(tiny, _grants(*rows, header=header))
    first_type = {
        citizen: course[Col.FORLOEBSTYPE][0]
        for citizen, course in ((c, _courses(result, c)) for c in ("A", "B", "C", "D", "E", "F"))
    }
    assert first_type == {
        "A": "fastholdende",
        "B": "fastholdende",
        "C": "udviklende",
        "D": "udviklende",
        "E": "fastholdende",
        "F": "individuel",
    }
    c = _courses(result, "C")
    assert c[Col.COURSE_ID].n_unique() == 1
    # C's period 1 at 600 min (level 3), its after-phase at 400 min but the start level (3)
    assert c.select(Col.PHASE, Col.VISITERET_UGE, Col.LEVEL).rows() == [
        (Phase.PERIODE_1.value, 600.0, 3),
        (Phase.EFTER.value, 400.0, 3),
    ]
    assert c[Col.DAYS].to_list() == [14, 70]


def test_period_1_counts_from_the_first_day_before_the_period(tiny: Path) -> None:
    """A development course that began 30-12-2024, a week before the period: its period 1
    (2 weeks) ends 12-01-2025, so only 06-01..12-01 (7 days) are period 1 in the data."""
    rows = [r for r in _tiny_rows() if not r.startswith("D;")] + [
        "D;Syd;udviklende;30-12-2024;26-01-2025;600",
    ]
    d = _courses(_run(tiny, _grants(*rows)), "D")
    assert d.select(Col.PHASE, "seg_start", Col.DAYS).rows() == [
        (Phase.PERIODE_1.value, dt.date(2025, 1, 6), 7),
        (Phase.EFTER.value, dt.date(2025, 1, 13), 14),
    ]


# The shipped sample's grants in four forms. The visits are the shipped ones; the grants are
# regenerated from the same seed (make_sample(250, 2025) is what `takst eksempel` wrote).
SAMPLE_TABLES = [
    "timepriser.csv",
    "forloebstakster.csv",
    "reduktion.csv",
    "modelsammenligning.csv",
    "finansiering.csv",
    "delegeret_sygepleje.csv",
    "teambudgetter.csv",
    "budget_pr_maaned.csv",
    "forventede_borgeruger.csv",
    "effekt.csv",
]


def _sample_forms() -> dict[str, pl.DataFrame]:
    import numpy as np

    from takst_cli.sample import make_grants, system_grants

    tidy = make_grants(np.random.default_rng(2025), 250)
    monthly = tidy.with_columns(
        pl.date_ranges(
            pl.col("start_dato"), pl.col("slut_dato").fill_null(dt.date(2025, 12, 31)), "1mo"
        ).alias("_s")
    )
    # tidy rows cut at each month's anniversary of their start, the old row ended the day before
    revisions = (
        monthly.with_row_index("_r")
        .explode("_s")
        .with_columns(
            (pl.col("_s").shift(-1).over("_r") - pl.duration(days=1)).alias("_e"),
        )
        .with_columns(
            pl.col("_s").alias("start_dato"),
            pl.coalesce("_e", "slut_dato").alias("slut_dato"),
        )
        .drop("_r", "_s", "_e")
    )
    care = (pl.col("visiterede_minutter_uge") * 2 / 3).round(0)
    concurrent = pl.concat(
        [
            tidy.with_columns(care.alias("visiterede_minutter_uge")),
            tidy.with_columns(pl.col("visiterede_minutter_uge") - care),
        ]
    )
    return {
        "ryddelig": tidy,
        "revisioner": revisions,
        "samtidige": concurrent,
        "system": system_grants(tidy, 30),
    }


def test_the_sample_in_every_form_gives_the_same_numbers(tmp_path: Path) -> None:
    """The sample's tidy grants (309 rows), the same re-exported as monthly revisions, as two
    concurrent services per grant (2/3 and 1/3 of the minutes), and as the care-system form
    (services, §83a rows, reviews, no type): identical tariffs, citizen-weeks, r, funding,
    budgets and effect — to the byte in the CSV output."""
    from typer.testing import CliRunner

    from takst_cli.cli.app import app

    root = Path(__file__).resolve().parent.parent
    model = (root / "configs" / "eksempel.yaml").read_text(encoding="utf-8")
    outputs = {}
    for name, grants in _sample_forms().items():
        folder = tmp_path / name
        folder.mkdir()
        grants.write_csv(folder / "visitationer.csv", separator=";", date_format="%d-%m-%Y")
        text = model.replace("../sample_data/visitationer.xlsx", "visitationer.csv")
        text = text.replace("../sample_data/", f"{root}/sample_data/")
        # the grants are written with the canonical field names
        text = text.replace("  visitationer:\n", "  visitationer_ubrugt:\n", 1)
        (folder / "model.yaml").write_text(_without_grant_mapping(text), encoding="utf-8")
        res = CliRunner().invoke(
            app,
            [
                "beregn",
                "-c",
                str(folder / "model.yaml"),
                "--format",
                "csv",
                "--ud",
                str(folder / "ud"),
                "--stille",
            ],
        )
        assert res.exit_code == 0, res.output
        outputs[name] = {t: (folder / "ud" / t).read_text(encoding="utf-8") for t in SAMPLE_TABLES}
    assert _sample_forms()["revisioner"].height > 2000
    for name in ("revisioner", "samtidige", "system"):
        for table in SAMPLE_TABLES:
            assert outputs[name][table] == outputs["ryddelig"][table], (name, table)
    golden = root / "tests" / "golden" / "forloebstakster.csv"
    assert outputs["ryddelig"]["forloebstakster.csv"] == golden.read_text(encoding="utf-8")


def _without_grant_mapping(model: str) -> str:
    """The model text with the `kolonner.visitationer` block removed."""
    lines = model.splitlines()
    start = lines.index("  visitationer_ubrugt:")
    end = start + 1
    while lines[end].startswith("    "):
        end += 1
    return "\n".join(lines[:start] + lines[end:]) + "\n"


def test_a_course_id_is_one_course_wherever_its_days_lie(tiny: Path) -> None:
    """C's rows with ids C1 (06-01..19-01), C2 (20-01..02-02) and C1 again (from 03-02): two
    courses. C1's period 1 is 06-01..19-01; its days from 03-02 are its after-phase (8 weeks);
    C2 is a course of its own (period 1 20-01..02-02). A row without an id after an id row is
    not taken into that id's course."""
    header = HEADER + ";forloeb_id"
    rows = [f"{r};" for r in _tiny_rows() if not r.startswith(("C;", "A;"))] + [
        "C;Syd;udviklende;06-01-2025;19-01-2025;600;C1",
        "C;Syd;udviklende;20-01-2025;02-02-2025;600;C2",
        "C;Syd;udviklende;03-02-2025;;600;C1",
        "A;Nord;fastholdende;01-12-2024;31-01-2025;120;A1",
        "A;Nord;fastholdende;01-02-2025;;120;",
    ]
    result = _run(tiny, _grants(*rows, header=header))
    c = _courses(result, "C")
    assert c[Col.COURSE_ID].n_unique() == 2
    by_course = {
        k[0]: grp.sort("seg_start").select(Col.PHASE, "seg_start", Col.DAYS).rows()
        for k, grp in c.group_by(Col.COURSE_ID)
    }
    assert sorted(by_course.values()) == sorted(
        [
            [
                (Phase.PERIODE_1.value, dt.date(2025, 1, 6), 14),
                (Phase.EFTER.value, dt.date(2025, 2, 3), 56),
            ],
            [(Phase.PERIODE_1.value, dt.date(2025, 1, 20), 14)],
        ]
    )
    assert _courses(result, "A")[Col.COURSE_ID].n_unique() == 2
