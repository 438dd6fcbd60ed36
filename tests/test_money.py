from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from takst_cli.money import round_ore, round_parts


def test_round_half_up() -> None:
    assert round_ore(Decimal("203.825")) == Decimal("203.83")
    assert round_ore(Decimal("-0.005")) == Decimal("-0.01")


def test_parts_add_up_to_rounded_total() -> None:
    # three thirds of 1 kr: 0.333.. each; total 1.00; the first part gets the extra øre
    parts = [Decimal(1) / 3] * 3
    assert round_parts(parts) == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]


@given(st.lists(st.decimals(min_value=0, max_value=10**9, places=6), min_size=1, max_size=40))
def test_rounded_parts_always_sum_to_rounded_total(parts: list[Decimal]) -> None:
    rounded = round_parts(parts)
    assert sum(rounded, Decimal(0)) == round_ore(sum(parts, Decimal(0)))
    assert all(abs(r - p) < Decimal("0.01") for r, p in zip(rounded, parts, strict=True))
