"""Scenarios and model comparison as tables: each output figure under the base and under each
scenario, the difference in kr. and in per cent; the overrides each scenario made."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from takst_cli.config.overrides import Override
from takst_cli.config.values import SourceFloat
from takst_cli.money import round_ore
from takst_cli.pipeline.scenario import Figure, Outcome, figures
from takst_cli.tables import Column, ReportTable

SHEET = "Scenarier"


def _shown(value: Any) -> str:
    """A value as it would stand in the model file: a number as written, a list or table in
    YAML's one-line form."""
    if isinstance(value, SourceFloat) and value.text:
        return value.text
    if isinstance(value, list):
        return "[" + ", ".join(map(_shown, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def changes_table(
    overrides: dict[str, list[Override]], refolded: dict[str, bool], title: str = ""
) -> ReportTable:
    """Per scenario, each key it changes and the value written; and whether it needed its
    own pass over the visits."""
    t = ReportTable(
        "scenarie_aendringer",
        SHEET,
        title or "Scenariernes ændringer af modelfilen",
        [
            Column("Scenarie"),
            Column("Nøgle"),
            Column("Værdi"),
            Column("Egen gennemgang af leverancer"),
        ],
    )
    for name, items in overrides.items():
        for o in items:
            t.rows.append([name, o.path, _shown(o.value), "ja" if refolded[name] else "nej"])
    return t


def _key(f: Figure) -> tuple[str, str]:
    return (f.area, f.item)


def comparison_table(outcomes: list[Outcome], only_changed: bool = False) -> ReportTable:
    """Each figure of each scenario against the base (outcomes[0]): the base's value, the
    scenario's, the difference (scenario − base) in kr. and as a share of the base's value.
    Exact values are compared (the share is exact); each shown value is rounded to øre once and
    the shown difference is the shown values' difference, so every row adds up on the page. A
    figure only one side has (a tariff cell a scenario's bands make) shows '–' on the other
    side."""
    base, *rest = outcomes
    t = ReportTable(
        "scenarier",
        SHEET,
        f"Scenarier mod grundlaget ({base.name})",
        [
            Column("Scenarie"),
            Column("Område"),
            Column("Post"),
            Column("Enhed"),
            Column(base.name, "kr"),
            Column("Scenariet", "kr"),
            Column("Forskel", "kr"),
            Column("Forskel (%)", "andel"),
        ],
        note="Forskel = scenariet − grundlaget; forskel i % af grundlaget."
        + (" Kun de poster, scenariet ændrer, vises; filerne rummer alle." if only_changed else ""),
    )
    base_figs = {_key(f): f for f in figures(base)}
    for o in rest:
        figs = {_key(f): f for f in figures(o)}
        keys = list(base_figs) + [k for k in figs if k not in base_figs]
        for k in keys:
            a, b = base_figs.get(k), figs.get(k)
            va, vb = a.value if a else None, b.value if b else None
            diff = vb - va if va is not None and vb is not None else None
            shown = None if diff is None else _round(vb) - _round(va)  # type: ignore[operator]
            if only_changed and va == vb:
                continue
            share = diff / abs(va) if diff is not None and va else None  # + is up, also below 0
            unit = (a or b).unit  # type: ignore[union-attr]
            t.rows.append(
                [
                    o.name,
                    k[0],
                    k[1],
                    unit,
                    _round(va),
                    _round(vb),
                    shown,  # the shown values' difference: base + difference = scenario
                    None if share is None else share.quantize(Decimal("0.0001")),
                ]
            )
    return t


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_ore(value)
