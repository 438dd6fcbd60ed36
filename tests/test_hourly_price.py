from decimal import Decimal

from takst_cli.config import StaffGroup
from takst_cli.models import Shift
from takst_cli.pipeline.hourly_price import hourly_price


def test_spec_example_326_12() -> None:
    # SPEC §4.1: 400 000 kr, 1 924 h, absence 15 %, indirect 25 %
    # F = 1924 × 0.85 = 1635.4; D = 1635.4 × 0.75 = 1226.55; 400000 / 1226.55 = 326.1180... → 326.12
    p = hourly_price(
        StaffGroup(
            navn="SSH",
            aarsloen=Decimal(400000),
            normtimer=Decimal(1924),
            fravaer_andel=0.15,
            indirekte_andele={"transport": 0.10, "dokumentation": 0.15},
        ),
        {Shift.AFTEN: 0.25, Shift.WEEKEND: 0.5},
    )
    assert p.attendance_hours == Decimal("1635.40")
    assert p.direct_share == Decimal("0.75")
    assert p.direct_hours == Decimal("1226.55")
    assert p.price == Decimal("326.12")
    # evening: 326.12 × 1.25 = 407.65; weekend: 326.12 × 1.5 = 489.18; no night supplement
    assert p.shift_prices[Shift.AFTEN] == Decimal("407.65")
    assert p.shift_prices[Shift.WEEKEND] == Decimal("489.18")
    assert p.shift_prices[Shift.NAT] == Decimal("326.12")


def test_cost_items_in_price_are_added_to_the_wage() -> None:
    # (400 000 + 10 000 + 2 000) / 1 226.55 = 335.9019... → 335.90
    p = hourly_price(
        StaffGroup(
            navn="SSH",
            aarsloen=Decimal(400000),
            normtimer=Decimal(1924),
            fravaer_andel=0.15,
            indirekte_andele={"transport": 0.25},
            omkostninger_pr_aarsvaerk={"koersel": Decimal(10000), "it": Decimal(2000)},
        ),
        {},
    )
    assert p.annual_cost == Decimal(412000)
    assert p.price == Decimal("335.90")


def test_price_given_directly() -> None:
    p = hourly_price(StaffGroup(navn="Terapeut", timepris=Decimal("495")), {Shift.AFTEN: 0.25})
    assert p.given and p.direct_hours is None
    assert p.price == Decimal("495.00")
    assert p.shift_prices[Shift.AFTEN] == Decimal("618.75")
