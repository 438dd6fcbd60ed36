"""Funding models and budgets on the tiny municipality of conftest.py, worked by hand.

Delivered cost per team (see test_tiny.py for the visit prices):
  Nord: A 1 019,125 + B 315,00 + F 3 261,20 + G 30 min day 163,06 = 4 758,385
  Syd:  C 978,36 + 652,24 + D 326,12 + E 1 724,48 = 3 681,20
Course funding (weeks × rounded tariff):
  Nord: A 12 × 111,20 + B 2 × 111,20 + F (individual, own) 4 × 831,21 = 4 881,64
  Syd:  C 2 × 342,03 + 10 × 97,44 + D 2 × 342,03 + E 12 × 159,62 = 4 257,96
The period is 84 days of 2025: 84 / 365 of a year.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from takst_cli import calculate, fund
from takst_cli.money import round_parts
from takst_cli.pipeline.budget import month_shares
from takst_cli.report.funding import budget_tables, comparison_table, funding_tables

FUNDING = """
tildeling:
  teams:
    - {team: Nord, model: aktivitet, grundlag: leveret, ramme: 52000}
    - {team: Syd, model: ramme, ramme: 36500, demografiregulering: 0.02}
budget: {aar: 2026, demografi: 0.10}
"""


@pytest.fixture
def funded(tiny: Path):  # type: ignore[no-untyped-def]
    tiny.write_text(tiny.read_text() + FUNDING)
    return calculate(tiny).funding


def _team(funding, name):  # type: ignore[no-untyped-def]
    return next(t for t in funding.teams if t.team == name)


def test_pure_models_side_by_side(funded) -> None:  # type: ignore[no-untyped-def]
    nord, syd = _team(funded, "Nord"), _team(funded, "Syd")
    assert nord.cost == Decimal("4758.385")
    assert syd.cost == Decimal("3681.20")
    # delivered basis: activity = cost
    assert nord.activity == nord.cost and syd.activity == syd.cost
    assert nord.course == Decimal("4881.64")
    assert syd.course == Decimal("4257.96")
    # 52 000 × 84 / 365 = 11 967,1232..; 36 500 × 1,02 × 84 / 365 = 8 568
    assert nord.frame == Decimal(52000) * 84 / 365
    assert syd.frame == Decimal("8568.00")


def test_own_model_parts(funded) -> None:  # type: ignore[no-untyped-def]
    nord, syd = _team(funded, "Nord"), _team(funded, "Syd")
    assert nord.parts == {
        "ramme": 0,
        "aktivitet": Decimal("4758.385"),
        "forloeb": 0,
        "delegeret": 0,
    }
    assert syd.parts["ramme"] == Decimal("8568.00") and syd.funding == Decimal("8568.00")


def test_comparison_and_split_tables_reconcile(funded) -> None:  # type: ignore[no-untyped-def]
    cmp_ = comparison_table(funded.teams)
    nord, syd = cmp_.row("Nord"), cmp_.row("Syd")
    # Nord: cost 4 758,39 (rounded), course result 4 881,64 − 4 758,385 → 123,25 after rounding
    assert nord["Faktisk udgift"] == Decimal("4758.39") and nord["Resultat aktivitet"] == 0
    assert nord["Resultat forløb"] == Decimal("123.25")
    # no delegated nursing
    assert syd["Resultat ramme"] == Decimal("8568.00") - Decimal("3681.20")
    assert cmp_.total[cmp_.index("Faktisk udgift")] == Decimal("8439.59")  # 4 758,39 + 3 681,20
    split, _delegated = funding_tables(funded.teams, "sygeplejeramme")
    parts = ("Ramme", "Aktivitet", "Forløb", "Delegeret sygepleje")
    for r in split.records():
        assert sum((r[p] for p in parts), Decimal(0)) == r["Finansiering i alt"]
    total = split.index("Finansiering i alt")
    assert split.total[total] == sum(split.column("Finansiering i alt"), Decimal(0))


def test_combination_with_course_part(tiny: Path) -> None:
    tiny.write_text(
        tiny.read_text()
        + """
tildeling:
  standard: {model: kombination, fast_ramme: 3650, variabel: forloeb}
"""
    )
    funding = calculate(tiny).funding
    syd = _team(funding, "Syd")
    # fixed frame 3 650 × 84 / 365 = 840 + course 4 257,96
    assert syd.parts["ramme"] == Decimal(840)
    assert syd.parts["forloeb"] == Decimal("4257.96")
    assert syd.funding == Decimal("5097.96")


def test_budget_year_scales_caseload_and_months_add_up(funded) -> None:  # type: ignore[no-untyped-def]
    b = funded.budget
    assert b.year == 2026
    # scale = (1 + 10 %) / (84 / 365)
    assert b.scale == Decimal("1.1") / (Decimal(84) / 365)
    nord = next(t for t in b.teams if t.team == "Nord")
    assert nord.parts["aktivitet"] == Decimal("4758.385") * b.scale
    syd = next(t for t in b.teams if t.team == "Syd")
    assert syd.parts["ramme"] == Decimal(36500) * Decimal("1.02")  # a whole year's frame
    year, months, _caseload = budget_tables(b)
    names = [c.header for c in months.columns[1:13]]  # jan … dec
    for r in months.records():
        assert sum((r[m] for m in names), Decimal(0)) == r["I alt"]
    year_total = year.total[year.index("Budget i alt")]
    assert sum(year.column("Budget i alt"), Decimal(0)) == year_total
    assert year_total == months.total[months.index("I alt")]


def test_month_shares_follow_days_and_leap_years() -> None:
    assert abs(sum(month_shares(2026)) - 1) < Decimal("1e-30")
    assert month_shares(2026)[1] == Decimal(28) / 365
    assert month_shares(2028)[1] == Decimal(29) / 366


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.decimals(min_value=0, max_value=10**8, places=4), min_size=1, max_size=8),
    st.sampled_from([2025, 2028]),
)
def test_months_always_add_up_to_the_year(totals: list[Decimal], year: int) -> None:
    rounded = round_parts(totals)
    for total in rounded:
        months = round_parts([total * s for s in month_shares(year)], total)
        assert sum(months, Decimal(0)) == total


VISITS_WITH_CANCELLATIONS = """\
borger_id;dato;start;minutter;paragraf;faggruppe;team;status;aflyst_tidspunkt;aflyst_af
A;15-01-2025;09:00;60;SEL §83;SSH;Nord;leveret;;
A;16-01-2025;09:00;60;SEL §83;SSH;Nord;aflyst;15-01-2025 13:59;borger
A;17-01-2025;09:00;60;SEL §83;SSH;Nord;aflyst;16-01-2025 14:01;borger
A;20-01-2025;09:00;60;SEL §83;SSH;Nord;aflyst;17-01-2025 10:00;leverandør
A;21-01-2025;09:00;60;SEL §83;SSH;Nord;aflyst;21-01-2025 07:00;Borger
"""


def test_cancellation_deadline_favrskov_rule(tiny: Path) -> None:
    (tiny.parent / "leverancer.csv").write_text(VISITS_WITH_CANCELLATIONS, encoding="utf-8")
    tiny.write_text(
        tiny.read_text().replace("fra: 2025-01-06", "fra: 2025-01-06")
        + """
tildeling:
  aflysningsfrist: "14:00 dagen før"
  standard: {model: aktivitet}
  teams:
    - {team: Nord, model: aktivitet, grundlag: visiteret}
"""
    )
    nord = _team(calculate(tiny).funding, "Nord")
    # delivered 1 h = 326,12 (the cost). Cancelled by the citizen at 13:59 the day before:
    # deducted. At 14:01 the day before, by the provider, or the same morning: paid.
    assert nord.cost == Decimal("326.12")
    assert nord.activity == Decimal("326.12") * 4
    assert nord.parts["aktivitet"] == Decimal("1304.48")


def test_delegated_nursing_is_its_own_line(tiny: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    visits.write_text(visits.read_text() + "G;21-01-2025;10:00;60;SUL §138;SSH;Nord;leveret\n")
    tiny.write_text(tiny.read_text() + "tildeling: {delegeret_sygepleje: {kilde: myndighed}}\n")
    nord = _team(calculate(tiny).funding, "Nord")
    # SUL §138 by SSH (not nursing staff): 1 h × 326,12, settled apart from the activity part
    assert nord.delegated == Decimal("326.12")
    assert nord.parts["delegeret"] == Decimal("326.12")
    assert nord.parts["aktivitet"] == Decimal("4758.385")
    assert nord.funding == nord.cost
    _split, line = funding_tables([nord], "myndighed")
    assert line.row("Nord")["Betales af"] == "myndighedsbudgettet"


def test_delivered_activity_equals_cost_for_every_sample_team() -> None:
    root = Path(__file__).resolve().parent.parent
    funding = calculate(root / "configs" / "eksempel.yaml").funding
    for team in funding.teams:
        if team.rule.grundlag == "leveret":
            assert team.activity == team.cost, team.team
        else:  # granted basis pays late and provider cancellations on top
            assert team.activity > team.cost
        assert team.funding == sum(team.parts.values(), Decimal(0))
    # the cost of all teams is the priced in-scope delivered hours of the whole municipality
    assert sum((t.cost for t in funding.teams), Decimal(0)) == sum(
        (t.activity for t in funding.teams if t.rule.grundlag == "leveret"), Decimal(0)
    ) + next(t.cost for t in funding.teams if t.rule.grundlag == "visiteret")


def test_team_without_funding_model_is_an_error(tiny: Path) -> None:
    from takst_cli.errors import DataError

    tiny.write_text(tiny.read_text() + "tildeling:\n  teams:\n    - {team: Nord}\n")
    with pytest.raises(DataError, match="1 team\\(s\\) i data har ingen finansieringsmodel: Syd"):
        fund(calculate(tiny))
