"""Pipeline stages on small frames, each result worked by hand and compared whole with
polars.testing.assert_frame_equal (beside the end-to-end tests on the tiny municipality)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from polars.testing import assert_frame_equal

from takst_cli.config import CoursesConfig, FundingConfig
from takst_cli.models import Col, Part, Shift
from takst_cli.pipeline.costing import Pricer, sum_minutes
from takst_cli.pipeline.courses import overlap_days
from takst_cli.pipeline.funding import delegated_expr, segment_tariffs
from takst_cli.pipeline.hourly_price import HourlyPrice
from takst_cli.pipeline.settlement import LEDGER_SCHEMA, frozen_tariffs, replace_months


def _price(group: str, kr: str, nursing: bool = False) -> HourlyPrice:
    p = Decimal(kr)
    shifts = dict.fromkeys(Shift, p)
    return HourlyPrice(group, nursing, None, None, None, None, None, p, shifts, True)


def test_overlap_days_counts_both_ends_inside_the_window() -> None:
    """March 2025: 20 Feb-5 Mar has 1-5 Mar = 5 days; 10 Mar-10 Apr has 10-31 Mar = 22 days;
    2-30 Apr lies after: 31 Mar − 2 Apr + 1 = −1 (negative when apart)."""
    d = dt.date
    segments = pl.DataFrame(
        {
            Col.SEG_START: [d(2025, 2, 20), d(2025, 3, 10), d(2025, 4, 2)],
            Col.SEG_END: [d(2025, 3, 5), d(2025, 4, 10), d(2025, 4, 30)],
        }
    )
    got = segments.select(overlap_days(d(2025, 3, 1), d(2025, 3, 31)).alias(Col.DAYS))
    assert_frame_equal(got, pl.DataFrame({Col.DAYS: [5, 22, -1]}))


def test_sum_minutes_groups_by_key_and_price_key_sorted() -> None:
    """Nord: SSA dag 30 + 15 = 45, SSA aften 20; Syd: SSH dag at a clinic 60."""
    visits = pl.DataFrame(
        {
            Col.TEAM: ["Syd", "Nord", "Nord", "Nord"],
            Col.FAGGRUPPE: ["SSH", "SSA", "SSA", "SSA"],
            Col.VAGT: ["dag", "aften", "dag", "dag"],
            Col.KLINIK: [True, False, False, False],
            Col.MINUTTER: [60.0, 20.0, 30.0, 15.0],
        }
    )
    expected = pl.DataFrame(
        {
            Col.TEAM: ["Nord", "Nord", "Syd"],
            Col.FAGGRUPPE: ["SSA", "SSA", "SSH"],
            Col.VAGT: ["aften", "dag", "dag"],
            Col.KLINIK: [False, False, True],
            Col.MINUTTER: [20.0, 45.0, 60.0],
        }
    )
    assert_frame_equal(sum_minutes(visits, [Col.TEAM]), expected)


def test_delegated_nursing_is_sul_138_by_staff_that_is_not_nursing() -> None:
    """SUL §138 by SSH (not nursing) is delegated; by a nurse (SPL) it is not; SEL §83 never."""
    pricer = Pricer([_price("SSH", "400"), _price("SPL", "500", nursing=True)], None)
    visits = pl.DataFrame(
        {
            Col.PARAGRAF: ["SUL §138", "SUL §138", "SEL §83"],
            Col.FAGGRUPPE: ["SSH", "SPL", "SSH"],
        }
    )
    got = visits.select(delegated_expr(FundingConfig(), pricer).alias(Col.DELEGATED))
    assert_frame_equal(got, pl.DataFrame({Col.DELEGATED: [True, False, False]}))


def test_clinic_rule_prices_nursing_between_home_and_clinic() -> None:
    """90 min of SPL at 500 kr/h = 750 kr; share 0,4 at clinic price 300: nursing hours 1,5 ×
    (0,6 × 500 + 0,4 × 300) = 1,5 × 420 = 630 kr; plus 60 min SSH at 400 = 400 → 1 030 kr."""
    prices = [_price("SSH", "400"), _price("SPL", "500", nursing=True)]
    pricer = Pricer(prices, Decimal(300), 0.4)
    grouped = pl.DataFrame(
        {
            Col.FAGGRUPPE: ["SPL", "SSH"],
            Col.VAGT: ["dag", "dag"],
            Col.KLINIK: [False, False],
            Col.MINUTTER: [90.0, 60.0],
        }
    )
    cost = pricer.total(grouped)
    assert cost.cost == Decimal(1150)
    assert pricer.basis(cost) == Decimal(1030)
    assert Pricer(prices, Decimal(300)).basis(cost) == Decimal(1150)  # no share: as delivered


def test_replace_months_keeps_other_months_and_sorts_by_month_team_part() -> None:
    """February settled again (Nord activity 100,00 → 120,00) replaces only February; January
    stays; rows by month, team, then the parts' order (ramme before aktivitet)."""

    def ledger(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
        return pl.DataFrame(
            [(t, m, p, Decimal(a), "abc") for t, m, p, a in rows],
            schema=LEDGER_SCHEMA,
            orient="row",
        )

    old = ledger(
        [
            ("Nord", "2025-02", Part.ACTIVITY, "100.00"),
            ("Nord", "2025-01", Part.ACTIVITY, "90.00"),
        ]
    )
    settled = ledger(
        [
            ("Syd", "2025-02", Part.FRAME, "50.00"),
            ("Nord", "2025-02", Part.ACTIVITY, "120.00"),
            ("Nord", "2025-02", Part.FRAME, "10.00"),
        ]
    )
    expected = ledger(
        [
            ("Nord", "2025-01", Part.ACTIVITY, "90.00"),
            ("Nord", "2025-02", Part.FRAME, "10.00"),
            ("Nord", "2025-02", Part.ACTIVITY, "120.00"),
            ("Syd", "2025-02", Part.FRAME, "50.00"),
        ]
    )
    assert_frame_equal(replace_months(old, settled), expected)


def _individual_visit(segment: int, group: str, minutes: float) -> pl.DataFrame:
    """One day-shift home visit of an individual course's segment, as cell_visits has it."""
    return pl.DataFrame(
        {
            Col.SEGMENT_ID: pl.Series([segment], dtype=pl.UInt32),
            Col.TYPE: ["individuel"],
            Col.FAGGRUPPE: [group],
            Col.VAGT: ["dag"],
            Col.KLINIK: [False],
            Col.MINUTTER: [minutes],
        }
    )


def test_segment_tariffs_cell_tariff_or_an_individual_course_s_own() -> None:
    """Segment 1 (fastholdende, niveau 2) is paid its cell's 300,00 kr/week; segment 2
    (individuel, 14 days) its own cost per week: SSH 120 min at 400 kr/h = 800 kr, × 7 / 14 =
    400 + overhead 25 = 425,00; segment 3's cell has no tariff: None (paid 0, counted)."""
    kept = (Col.TEAM, Col.TYPE, Col.PHASE, Col.LEVEL, Col.DAYS)
    segments = pl.DataFrame(
        {
            Col.SEGMENT_ID: pl.Series([1, 2, 3], dtype=pl.UInt32),
            Col.TEAM: ["Nord", "Nord", "Syd"],
            Col.TYPE: ["fastholdende", "individuel", "udviklende"],
            Col.PHASE: ["hele forløbet", "hele forløbet", "periode 1"],
            Col.LEVEL: [2, 4, 1],
            Col.DAYS: [14, 14, 21],
        }
    )
    cell_visits = _individual_visit(2, "SSH", 120.0)
    tariffs = frozen_tariffs({("fastholdende", "hele forløbet", 2): Decimal("300.00")}, Decimal(25))
    got = segment_tariffs(
        segments, cell_visits, tariffs, Pricer([_price("SSH", "400")], None), CoursesConfig()
    )
    assert_frame_equal(got.select(Col.SEGMENT_ID, *kept), segments.select(Col.SEGMENT_ID, *kept))
    assert got[Col.TARIFF].to_list() == [Decimal("300.00"), Decimal("425.00"), None]


def test_an_individual_course_s_own_tariff_takes_the_pricer_s_clinic_rule() -> None:
    """One individual course of 14 days, SPL (nursing, 500 kr/h) 90 min = 750 kr. Without a
    clinic share: 750 × 7 / 14 = 375 + overhead 25 = 400,00. With share 0,4 at the pricer's
    clinic price 300: 1,5 h × (0,6 × 500 + 0,4 × 300) = 630 → 315 + 25 = 340,00 (the takstblad's
    clinic price when settling, the model file's when calculating: whichever the pricer has)."""
    segments = pl.DataFrame(
        {
            Col.SEGMENT_ID: pl.Series([7], dtype=pl.UInt32),
            Col.TEAM: ["Nord"],
            Col.TYPE: ["individuel"],
            Col.PHASE: ["hele forløbet"],
            Col.LEVEL: [4],
            Col.DAYS: [14],
        }
    )
    cell_visits = _individual_visit(7, "SPL", 90.0)
    prices = [_price("SPL", "500", nursing=True)]
    tariffs = frozen_tariffs({}, Decimal(25))
    plain, clinic = (
        segment_tariffs(segments, cell_visits, tariffs, pricer, CoursesConfig())[Col.TARIFF][0]
        for pricer in (Pricer(prices, Decimal(300)), Pricer(prices, Decimal(300), 0.4))
    )
    assert (plain, clinic) == (Decimal("400.00"), Decimal("340.00"))
