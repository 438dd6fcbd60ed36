"""Budget follow-up and effect on the tiny municipality, worked by hand.

Every team is activity-funded on delivered hours here, so spend from the deliveries = the
delivered cost. Nord up to 14-02-2025: A 1 019,125 (January) + G 163,06 (20-01) + B 315,00
(04-02) = 1 497,185; F's visit is in March. 14 February is day 45 of 365: 320 days remain.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from takst_cli import follow_up
from takst_cli.cli.app import app
from takst_cli.errors import DataError
from takst_cli.pipeline.effect import effect_groups
from takst_cli.report.followup import effect_table, followup_tables
from tests.helpers import run_model

BUDGET = "team;budget;forbrug_til_dato;aar\nNord;20000;;2025\nSyd;10000;5000;2025\nØst;3000;;2025\n"


def _followup(tiny: Path, date: dt.date, budget: str | None = BUDGET, **kw):  # type: ignore[no-untyped-def]
    path = None
    if budget is not None:
        path = tiny.parent / "budget.csv"
        path.write_text(budget, encoding="utf-8")
    return follow_up(tiny, date, budget_file=path, **kw).followup


def _rows(f):  # type: ignore[no-untyped-def]
    """The follow-up table's rows by team, each by its column headers."""
    t = followup_tables(f)[0]
    return {r[0]: t.row(r[0]) for r in t.rows}


def _cells(row, *headers):  # type: ignore[no-untyped-def]
    return [row[h] for h in headers]


H_BUDGET, SPEND, EXPECTED, DEVIATION = (
    "Samlet budget hele året",
    "Forbrug pr. dato",
    "Forventet forbrug resten af året",
    "Forventet afvigelse",
)


def test_mid_year_run_rate(tiny: Path) -> None:
    f = _followup(tiny, dt.date(2025, 2, 14))
    assert (f.elapsed_days, f.year_days) == (45, 365)
    nord = next(r for r in f.rows if r.team == "Nord")
    assert nord.spend == Decimal("1497.185")
    assert nord.expected == Decimal("1497.185") / 45 * 320  # 10 646,6488..
    rows = _rows(f)
    # shown: spend 1 497,19; expected 10 646,65; deviation 20 000 − 1 497,19 − 10 646,65
    assert _cells(rows["Nord"], H_BUDGET, SPEND, EXPECTED, DEVIATION) == [
        Decimal(20000),
        Decimal("1497.19"),
        Decimal("10646.65"),
        Decimal("7856.16"),
    ]
    assert rows["Nord"]["Forbrug i %"] == Decimal("0.074860")
    assert rows["Nord"]["Forbrugs% bør max være"] == Decimal("0.123288")
    assert rows["Nord"]["Bemærkning"] is None and rows["Nord"]["Forbrug fra"] == "leverancer"
    # Syd's spend comes from the accounts: 5 000 of 10 000 = 50 % > 12,3 %: flagged
    assert rows["Syd"][SPEND] == Decimal(5000) and rows["Syd"]["Forbrug fra"] == "budgetfil"
    assert rows["Syd"]["Bemærkning"] == "over forbrugsprocenten"
    # a team in the budget without any deliveries is reported with no spend
    assert _cells(rows["Øst"], SPEND, EXPECTED, DEVIATION) == [
        Decimal(0),
        Decimal(0),
        Decimal(3000),
    ]


def test_team_without_budget_is_reported(tiny: Path) -> None:
    f = _followup(tiny, dt.date(2025, 2, 14), "team;budget\nNord;20000\n")
    rows = _rows(f)
    assert rows["Syd"][H_BUDGET] is None and rows["Syd"]["Bemærkning"] == "intet budget"
    # all of Syd's visits fall before 14-02: 3 681,20 (see test_funding.py)
    assert rows["Syd"][SPEND] == Decimal("3681.20")


def test_last_day_of_the_year(tiny: Path) -> None:
    f = _followup(tiny, dt.date(2025, 12, 31))
    rows = _rows(f)
    # no rest of the year: forecast 0, deviation = budget − spend (all of Nord: 4 758,385)
    assert _cells(rows["Nord"], SPEND, EXPECTED, DEVIATION) == [
        Decimal("4758.39"),
        Decimal(0),
        Decimal("15241.61"),
    ]
    assert rows["Nord"]["Forbrugs% bør max være"] == Decimal(1)


def test_leap_year_has_366_days(tiny: Path) -> None:
    f = _followup(tiny, dt.date(2028, 3, 1), "team;budget\nNord;1000\n")
    assert (f.elapsed_days, f.year_days) == (61, 366)
    assert f.allowed == Decimal(61) / 366


def test_date_outside_the_budget_year(tiny: Path) -> None:
    with pytest.raises(DataError, match="budgettet gælder 2025, men datoen 15-01-2026"):
        _followup(tiny, dt.date(2026, 1, 15))
    tiny.write_text(tiny.read_text() + "budget: {aar: 2026}\n")
    with pytest.raises(DataError, match="uden for budgetåret 2026"):
        _followup(tiny, dt.date(2025, 6, 1), None)


def test_model_budgets_when_no_file(tiny: Path) -> None:
    tiny.write_text(tiny.read_text() + "budget: {aar: 2025}\n")
    f = _followup(tiny, dt.date(2025, 2, 14), None)
    nord = next(r for r in f.rows if r.team == "Nord")
    # the model's 2025 budget for Nord: its activity 4 758,385 scaled from 84 days to a year
    assert nord.budget == Decimal("4758.385") * 365 / 84


SEASON_VISITS = """\
borger_id;dato;start;minutter;paragraf;faggruppe;team
A;10-01-2024;10:00;60;SEL §83;SSH;Nord
A;10-07-2024;10:00;180;SEL §83;SSH;Nord
A;08-01-2025;10:00;60;SEL §83;SSH;Nord
"""


def test_seasonal_profile_from_last_year(tiny: Path) -> None:
    (tiny.parent / "leverancer.csv").write_text(SEASON_VISITS, encoding="utf-8")
    tiny.write_text(
        tiny.read_text()
        .replace("fra: 2025-01-06", "fra: 2024-01-01")
        .replace("til: 2025-03-30", "til: 2025-12-31")
    )
    budget = "team;budget\nNord;5000\n"
    # 2024: January 326,12, July 978,36: a quarter of the year's spend falls in January. At
    # 31-01-2025 the spend is 326,12, so the rest of the year is expected at 3 × 326,12.
    f = _followup(tiny, dt.date(2025, 1, 31), budget, seasonal=True)
    nord = next(r for r in f.rows if r.team == "Nord")
    assert nord.spend == Decimal("326.12")
    assert nord.expected == Decimal("978.36")
    # the run rate would say 326,12 / 31 × 334
    plain = _followup(tiny, dt.date(2025, 1, 31), budget)
    assert next(r for r in plain.rows if r.team == "Nord").expected == (
        Decimal("326.12") / 31 * 334
    )


def test_seasonal_needs_last_year(tiny: Path) -> None:
    with pytest.raises(DataError, match="sæsonprofilen kræver data for hele 2024"):
        _followup(tiny, dt.date(2025, 2, 14), seasonal=True)


def test_effect_of_development_courses(tiny: Path) -> None:
    # C: 1 h in the 2 weeks after period 1 = 0,5 h/week against 10 granted → reduced;
    # D: no help after → left. Weekly cost cut: (143,7067 − 0 + 143,7067 − 163,06) / 2 = 62,18
    result = run_model(tiny)
    groups = effect_groups(result.reduction)
    total = groups[-1]
    assert (total.courses, total.left, total.reduced, total.same) == (2, 1, 1, 0)
    assert total.hours_start == 10 and total.hours_after == pytest.approx(0.25)
    assert total.hours_reduction == pytest.approx(9.75)
    t3 = Decimal("1724.48") / 12
    assert total.cost_reduction == (t3 + t3 - Decimal("163.06")) / 2
    table = effect_table(groups, result.tariffs.reduction_used)
    assert table.total[3:6] == [Decimal("0.5"), Decimal("0.5"), Decimal(0)]
    assert table.total[9] == Decimal("62.18")
    assert [r[:3] for r in table.rows] == [["Syd", "3", 2], ["Syd", "alle", 2]]


def test_opfoelgning_cli_for_cron(tiny: Path, tmp_path: Path) -> None:
    (tiny.parent / "budget.csv").write_text(BUDGET, encoding="utf-8")
    out = tmp_path / "ud"
    args = [
        "opfoelgning",
        "--config",
        str(tiny),
        "--dato",
        "2025-02-14",
        "--budgetfil",
        str(tiny.parent / "budget.csv"),
        "--format",
        "csv",
        "--ud",
        str(out),
        "--stille",
    ]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    text = (out / "budgetopfoelgning.csv").read_text(encoding="utf-8")
    assert "Nord,20000.00,1497.19,10646.65,7856.16,0.074860,0.123288,,leverancer" in text
    assert (out / "forbrug_pr_maaned.csv").exists() and (out / "aktivitet_pr_maaned.csv").exists()
    res = CliRunner().invoke(app, [*args[:4], "31-13-2025"])  # no month 13: a usage error
    assert res.exit_code == 2
    res = CliRunner().invoke(app, ["effekt", "--config", str(tiny)])
    assert res.exit_code == 0 and "Effekt af udviklende forløb" in res.stdout
