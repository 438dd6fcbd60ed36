"""The funding models as classes: a model is one class (its keys and its rules), registered in
config.funding.FUNDING_MODELS; the pipeline and the reports only ask it. A toy model defined
here runs through funding, budget and the report tables without touching any other module.

Tiny municipality (conftest.py, test_funding.py): Syd's delivered cost 3 681,20 kr, no delegated
nursing; the period is 84 days of 2025 (84 / 365 of a year); budget year 2026 with 10 %
growth, so the budget scale is 1,1 × 365 / 84.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import ClassVar, Literal

import pytest
from pydantic import TypeAdapter

from takst_cli.config import FUNDING_MODELS, Amounts, FundingRule, load_config
from takst_cli.config.funding import ZERO, entry_type
from takst_cli.config.overrides import load_scenarios
from takst_cli.config.values import Amount
from takst_cli.errors import ConfigError
from takst_cli.models import Part
from takst_cli.pipeline.run import run_funding
from takst_cli.report.funding import budget_tables, funding_tables
from tests.helpers import run_model


class CappedActivity(FundingRule):
    """Toy: activity, but never more than `loft` kr per year; delegated nursing on top."""

    model: Literal["loft"]
    label: ClassVar[str] = "Aktivitet med loft"
    loft: Amount

    def parts(self, a: Amounts) -> dict[str, Decimal]:
        paid = min(a.activity, self.loft * a.years)
        return {**dict.fromkeys(Part.ALL, ZERO), Part.ACTIVITY: paid, Part.DELEGATED: a.delegated}


FUNDING = """
tildeling:
  teams:
    - {team: Nord, model: aktivitet}
    - {team: Syd, model: ramme, ramme: 36500}
budget: {aar: 2026, demografi: 0.10}
"""


def test_a_registered_model_is_read_from_the_model_file_by_its_tag() -> None:
    """Registering the class is all the model file needs: the entry type built from the
    registry plus the toy reads `model: loft` as the toy, and the built-in models as before."""
    entry = TypeAdapter(entry_type((*FUNDING_MODELS, CappedActivity)))
    toy = entry.validate_python({"team": "Syd", "model": "loft", "loft": "10.000"})
    assert isinstance(toy, CappedActivity) and toy.loft == Decimal(10000)
    assert type(entry.validate_python({"team": "Nord"})).__name__ == "ActivityFunding"


def test_a_toy_model_runs_through_funding_budget_and_reports(tiny: Path) -> None:
    """Syd under the toy with loft 10 000 kr per year:
    period: cap 10 000 × 84 / 365 = 2 301,369863.. < activity 3 681,20 → paid 2 301,37 (shown),
    result 2 301,37 − 3 681,20 = −1 379,83;
    budget year: activity 3 681,20 × 1,1 × 365 / 84 = 17 595,3.. > cap 10 000 → 10 000,00."""
    tiny.write_text(tiny.read_text() + FUNDING)
    r = run_model(tiny)
    toy = CappedActivity(model="loft", team="Syd", loft=Decimal(10000))
    teams = [toy if t.team == "Syd" else t for t in r.cfg.tildeling.teams]
    # the config as a model file that registers the toy would give it (model_copy: no parsing)
    cfg = r.cfg.model_copy(
        update={"tildeling": r.cfg.tildeling.model_copy(update={"teams": teams})}
    )
    funding = run_funding(dataclasses.replace(r, cfg=cfg))
    syd = next(t for t in funding.teams if t.team == "Syd")
    assert syd.cost == Decimal("3681.20") and syd.delegated == 0
    assert syd.parts[Part.ACTIVITY] == Decimal(10000) * (Decimal(84) / 365)
    assert syd.funding == syd.parts[Part.ACTIVITY]
    split, delegated = funding_tables(funding.teams, "sygeplejeramme")
    row = next(x for x in split.rows if x[0] == "Syd")
    assert row[1] == "Aktivitet med loft"
    assert row[6] == Decimal("2301.37") and row[11] == Decimal("-1379.83")
    assert next(x for x in delegated.rows if x[0] == "Syd")[3] == "aktivitetsbaseret"
    budget = next(b for b in funding.budget.teams if b.team == "Syd")
    assert budget.parts[Part.ACTIVITY] == Decimal(10000) and budget.total == Decimal(10000)
    year, _months, _caseload = budget_tables(funding.budget)
    assert next(x for x in year.rows if x[0] == "Syd")[1] == "Aktivitet med loft"


@pytest.mark.parametrize(
    ("entry", "title", "parts"),
    [
        # activity 100, delegated 10, course 70 (+ 5 outside the type), 0,5 year
        (
            {"model": "aktivitet", "grundlag": "visiteret"},
            "Aktivitet, visiterede timer",
            (0, 100, 0, 10),
        ),
        ({"model": "ramme", "ramme": 1000, "demografiregulering": 0.1}, "Ramme", (550, 0, 0, 10)),
        ({"model": "forloeb"}, "Forløb", (0, 5, 70, 0)),
        (
            {"model": "kombination", "fast_ramme": 200, "variabel": "forloeb"},
            "Kombination (fast ramme + forløb)",
            (100, 5, 70, 0),
        ),
        (
            {"model": "kombination", "fast_ramme": 200},
            "Kombination (fast ramme + aktivitet), leverede timer",
            (100, 100, 0, 10),
        ),
    ],
)
def test_each_model_picks_its_parts(
    entry: dict[str, object], title: str, parts: tuple[int, ...]
) -> None:
    """Frame 1 000 × 1,1 × 0,5 = 550; fixed frame 200 × 0,5 = 100; course models get the
    activity of staff outside the type (5), not delegated nursing (it is in the tariff)."""
    rule = TypeAdapter(entry_type(FUNDING_MODELS)).validate_python(entry)
    a = Amounts(Decimal("0.5"), Decimal(100), Decimal(10), Decimal(70), Decimal(5))
    assert rule.title() == title
    assert [rule.parts(a)[p] for p in Part.ALL] == [Decimal(x) for x in parts]


SPELLINGS = [
    # block style, the default model left out, amounts as plain numbers
    "tildeling:\n  standard:\n    ramme: 36500\n  teams:\n"
    "    - team: Syd\n      model: ramme\n      ramme: 36500\n      demografiregulering: 0.02\n",
    # flow style, the default model named, Danish thousands and decimals
    "tildeling:\n  standard: {model: aktivitet, ramme: '36.500'}\n  teams:\n"
    "    - {team: Syd, model: ramme, ramme: '36.500,00', demografiregulering: 0.02}\n",
    # quoted text everywhere
    "tildeling:\n  standard: {model: 'aktivitet', ramme: '36500'}\n  teams:\n"
    "    - {team: 'Syd', model: 'ramme', ramme: '36500', demografiregulering: '0,02'}\n",
]


@pytest.mark.parametrize("spelling", SPELLINGS[1:])
def test_equivalent_spellings_of_the_funding_read_the_same(tiny: Path, spelling: str) -> None:
    """An entry without `model` is the activity model; 36500, '36.500', '36.500,00' are one
    amount: each spelling gives the same models, and the same funding for Syd (its frame
    36 500 × 1,02 × 84 / 365 = 8 568,00)."""
    base = tiny.read_text()
    tiny.write_text(base + SPELLINGS[0])
    first = load_config(tiny).tildeling
    tiny.write_text(base + spelling)
    other = load_config(tiny).tildeling
    assert other == first
    assert type(first.of("Nord")).__name__ == "ActivityFunding" and first.of("Nord").ramme == 36500
    syd = next(t for t in run_funding(run_model(tiny)).teams if t.team == "Syd")
    assert syd.funding == Decimal("8568.00")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "standard: {model: rame}",
            "tildeling.standard.model: ugyldig værdi 'rame'; forventet 'aktivitet', 'ramme', "
            "'forloeb' eller 'kombination'",
        ),
        (
            "teams:\n    - {team: Nord, model: ramme, ramme: mange}",
            "tildeling.teams[0].ramme: skal være et tal, fik 'mange'",
        ),
        (
            "teams:\n    - {team: Nord, model: ramme}",
            "tildeling.teams[0].ramme: rammemodellen kræver et rammebeløb pr. år",
        ),
        (
            "standard: {model: kombination, variabel: forloeb}",
            "tildeling.standard.fast_ramme: kombinationsmodellen kræver en fast ramme",
        ),
        (
            "teams:\n    - {team: Nord, model: forloeb, fast_ramme: 100}",
            "tildeling.teams[0].fast_ramme: har ingen virkning med model: forloeb; fast_ramme "
            "bruges kun med model: kombination",
        ),
    ],
)
def test_a_wrong_entry_stops_with_its_key_path_without_the_tag(
    tiny: Path, entry: str, message: str
) -> None:
    """The key path is the model file's (pydantic's tag of the union is not in it), and the
    message is Danish and names the value."""
    tiny.write_text(tiny.read_text() + "tildeling:\n  " + entry + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(tiny)
    text = "\n".join(info.value.lines())
    assert message in text
    assert not any(f".{tag}." in text for tag in ("aktivitet", "ramme", "forloeb", "kombination"))


@pytest.mark.parametrize(
    ("entry", "variable", "yearly", "fixed"),
    [
        ({"model": "aktivitet"}, Part.ACTIVITY, 0, False),
        ({"model": "ramme", "ramme": 1000, "demografiregulering": 0.1}, Part.FRAME, 1100, True),
        ({"model": "forloeb"}, Part.COURSE, 0, False),
        (
            {"model": "kombination", "fast_ramme": 200, "variabel": "forloeb"},
            Part.COURSE,
            200,
            False,
        ),
        ({"model": "kombination", "fast_ramme": 200}, Part.ACTIVITY, 200, False),
    ],
)
def test_what_the_follow_up_and_the_deviation_ask_a_model(
    entry: dict[str, object], variable: str, yearly: int, fixed: bool
) -> None:
    """The part that varies with what the team does (a pure frame: the frame), the frame for a
    whole year (1 000 × 1,1 = 1 100; a combination's fixed 200), and whether the budget is
    fixed (spend = cost in the follow-up, no deviation by cell)."""
    rule = TypeAdapter(entry_type(FUNDING_MODELS)).validate_python(entry)
    assert rule.variable_part == variable
    assert rule.pays_course == (variable == Part.COURSE)
    assert rule.yearly_frame() == Decimal(yearly)
    assert rule.fixed_budget is fixed


def test_a_scenario_reaches_any_funding_model_s_keys_and_is_held_to_its_own(tiny: Path) -> None:
    """A scenario may set a key of any funding model (Syd to a combination with its fixed
    frame); a key its entry's model does not read stops with the model file's message."""
    tiny.write_text(tiny.read_text() + FUNDING)
    sets = ["tildeling.teams[Syd].model=kombination", "tildeling.teams[Syd].fast_ramme=1000"]
    _, (s,) = load_scenarios(tiny, None, sets)
    syd = s.cfg.tildeling.of("Syd")
    assert syd.title() == "Kombination (fast ramme + aktivitet), leverede timer"
    assert syd.yearly_frame() == Decimal(1000)
    with pytest.raises(ConfigError) as info:
        load_scenarios(tiny, None, ["tildeling.teams[Nord].fast_ramme=1000"])
    assert (
        "scenarie '--saet', tildeling.teams[Nord].fast_ramme: har ingen virkning med model: "
        "aktivitet; fast_ramme bruges kun med model: kombination" in "\n".join(info.value.lines())
    )
