"""Scenarios side by side: the base model and each scenario priced on the visits folded once
(a scenario re-folds only when its overrides change how the visits fold), and the output
figures each gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from takst_cli.config import ModelConfig
from takst_cli.config.overrides import BASE_NAME, Scenario
from takst_cli.money import round_each, round_ore, round_parts
from takst_cli.pipeline.followup import Followup
from takst_cli.pipeline.ingest import Export
from takst_cli.pipeline.run import FundingRun, RunResult, fold, price, run_followup, run_funding

BASE = BASE_NAME  # the model file itself, as the first column of every comparison


@dataclass(frozen=True)
class Outcome:
    """One model's results: the base (name BASE) or a scenario."""

    name: str
    result: RunResult
    funding: FundingRun
    followup: Followup | None
    refolded: bool  # its own pass over the visits (a fold-changing scenario)


@dataclass(frozen=True)
class Figure:
    """One output figure: area (Timepris, Forløbstakst, ...), item (a staff group, a cell, a
    team), unit ('kr/time', 'kr/uge', 'kr') and its exact value (None: no tariff)."""

    area: str
    item: str
    unit: str
    value: Decimal | None


def run_scenarios(
    base_cfg: ModelConfig,
    scenarios: list[Scenario],
    visit_src: Export,
    grant_src: Export,
    exclude_invalid: bool = False,
    date: dt.date | None = None,
    budget_src: Export | None = None,
    progress: Callable[[str], None] = lambda _: None,
    base_name: str = BASE,
    env_key: str | None = None,
) -> list[Outcome]:
    """The base and each scenario, in order. The visits are folded once for the base; a
    scenario whose overrides touch a fold-relevant key (Scenario.refold) folds them again with
    its own model. With `date`, each gets the budget follow-up at that date (budgets from
    `budget_src`, else the model's budget year). `env_key`: the environment's pseudonym key
    (see `fold`)."""
    months = date is not None
    folded = fold(
        base_cfg,
        visit_src,
        grant_src,
        exclude_invalid,
        months,
        date,
        progress,
        env_key=env_key,
        citizens_to=date,
    )
    out: list[Outcome] = []
    for name, cfg, refold in [(base_name, base_cfg, False)] + [
        (s.name, s.cfg, s.refold) for s in scenarios
    ]:
        progress(f"Beregner {name} …")
        fd = (
            fold(
                cfg,
                visit_src,
                grant_src,
                exclude_invalid,
                months,
                date,
                env_key=env_key,
                citizens_to=date,
            )
            if refold
            else folded
        )
        # the base's estimate of r, when nothing it rests on has changed
        result = price(cfg, fd, None if refold or not out else out[0].result)
        funding = run_funding(result)
        followup = None
        if date is not None:
            followup = run_followup(result, funding, date, budget_src, False, 0.0, exclude_invalid)
        out.append(Outcome(name, result, funding, followup, refold))
    return out


def _total(values: Iterable[Decimal]) -> Decimal:
    """A column's "I alt" as the tables show it: the sum of the rows rounded to øre, so the
    base's total is the budget or funding table's total to the øre (47.161.981,56, not the
    exact sum's ,57)."""
    return sum(round_each(list(values)), Decimal(0))


def figures(o: Outcome) -> list[Figure]:
    """The figures a scenario is compared by: hourly prices, tariffs, funding and result per
    team, team budgets and, with a follow-up, the expected spend of the year per team."""
    r = o.result
    labels = {ct.name: ct.label for ct in r.cfg.forloeb.types()}
    out = [Figure("Timepris", p.staff_group, "kr/time", p.price) for p in r.prices]
    out += [
        Figure(
            "Forløbstakst",
            f"{labels[t.course_type]}, {t.phase}, niveau {t.level}",
            "kr/uge",
            t.tariff,
        )
        for t in r.tariffs.rows
    ]
    teams = o.funding.teams
    out += [Figure("Finansiering", t.team, "kr", t.funding) for t in teams]
    out.append(Figure("Finansiering", "I alt", "kr", _total(t.funding for t in teams)))
    out += [
        Figure("Resultat", t.team, "kr", round_ore(t.funding) - round_ore(t.cost)) for t in teams
    ]
    out.append(
        Figure(
            "Resultat",
            "I alt",
            "kr",
            _total(round_ore(t.funding) - round_ore(t.cost) for t in teams),
        )
    )
    budget = o.funding.budget.teams
    out += [Figure(f"Teambudget {o.funding.budget.year}", b.team, "kr", b.total) for b in budget]
    out.append(
        Figure(
            f"Teambudget {o.funding.budget.year}",
            "I alt",
            "kr",
            _total(b.total for b in budget),
        )
    )
    if o.followup is not None:
        area = f"Forventet forbrug {o.followup.year}"
        rows = o.followup.rows
        # as Budgetopfølgning shows them: spend and expected each rounded as parts of their
        # column, so the base's figure is that table's spend + expected to the øre
        spends = round_parts([f.spend for f in rows])
        expected = round_parts([f.expected for f in rows])
        year = [s + e for s, e in zip(spends, expected, strict=True)]
        out += [Figure(area, f.team, "kr", y) for f, y in zip(rows, year, strict=True)]
        out.append(Figure(area, "I alt", "kr", sum(year, Decimal(0))))
    return out
