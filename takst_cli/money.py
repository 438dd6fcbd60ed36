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
