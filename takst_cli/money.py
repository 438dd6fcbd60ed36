"""Exact money: Decimal kroner, rounded once to øre with one helper, parts that add up."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, getcontext

getcontext().prec = 34

ORE = Decimal("0.01")
ZERO = Decimal(0)


def to_decimal(value: float | int | str | Decimal) -> Decimal:
    """A rate or amount from config or data as Decimal, without binary float noise."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_ore(amount: Decimal) -> Decimal:
    """Round an amount to øre, half away from zero, as Danish accounts do."""
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def round_parts(parts: Sequence[Decimal], total: Decimal | None = None) -> list[Decimal]:
    """Round parts to øre so that they add up to the rounded total exactly.

    The total defaults to the exact sum of the parts. Øre left over after rounding
    every part down are given to the parts with the largest remainders (largest
    remainder method); ties go to the earlier part, so the result is deterministic.
    """
    if not parts:
        return []
    exact_total = sum(parts, ZERO) if total is None else total
    target = round_ore(exact_total)
    floors = [(p / ORE).to_integral_value(rounding="ROUND_FLOOR") * ORE for p in parts]
    leftover = int(((target - sum(floors, ZERO)) / ORE).to_integral_value())
    order = sorted(range(len(parts)), key=lambda i: (-(parts[i] - floors[i]), i))
    result = list(floors)
    step = ORE if leftover >= 0 else -ORE
    for k in range(abs(leftover)):
        result[order[k % len(parts)]] += step
    return result


def round_each(amounts: Sequence[Decimal]) -> list[Decimal]:
    """Each amount rounded to øre on its own: equal exact amounts always show equal (a team
    funded exactly at its cost shows a result of 0,00); a total is the sum of the shown cells."""
    return [round_ore(a) for a in amounts]


def round_column(values: Sequence[Decimal | None]) -> list[Decimal | None]:
    """A column's values rounded to øre so that the shown values add up to the rounded exact
    total (round_parts); an empty cell (None) stays empty and takes no part."""
    rounded = iter(round_parts([v for v in values if v is not None]))
    return [None if v is None else next(rounded) for v in values]


SHARE_PLACES = Decimal("0.000001")  # a share as the reports show it: 6 decimals (0,0001 %)


def share_of(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole to 6 decimals; None (an empty cell) without a part or a whole."""
    if part is None or not whole:
        return None
    return (part / whole).quantize(SHARE_PLACES)


def from_float(x: float, places: int, fixed: bool = False) -> Decimal:
    """A float measure (hours, a rate) as the Decimal of its value rounded to `places`, without
    binary noise (never 2.67499..); `fixed`: written with exactly `places` decimals (2.50)."""
    d = Decimal(repr(round(x, places)))
    return to_places(d, places) if fixed else d


def to_places(x: Decimal, places: int) -> Decimal:
    """A quantity (hours, kr per week) shown with exactly `places` decimals (context rounding,
    as the reports always have; money to øre goes through round_ore)."""
    return x.quantize(Decimal(1).scaleb(-places))
