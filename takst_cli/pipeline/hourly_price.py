"""Hourly price per staff group (VIVE step 3) and the price of a minute in each shift."""

from __future__ import annotations

from decimal import Decimal

from takst_cli.config import ModelConfig, StaffGroup
from takst_cli.models import HourlyPrice, Shift
from takst_cli.money import round_ore, to_decimal


def hourly_price(group: StaffGroup, supplements: dict[Shift, float]) -> HourlyPrice:
    """F = normtimer × (1 − fravær); BTP = 1 − Σ indirekte; D = F × BTP;
    timepris = (årsløn + Σ omkostninger pr. årsværk) / D; vagt s: timepris × (1 + tillæg_s)."""
    if group.timepris is not None:
        price = round_ore(group.timepris)
        annual = attendance = share = direct = None
        norm = None
    else:
        assert group.aarsloen is not None and group.normtimer is not None  # checked in config
        annual = group.aarsloen + sum(group.omkostninger_pr_aarsvaerk.values(), Decimal(0))
        norm = group.normtimer
        attendance = norm * (1 - to_decimal(group.fravaer_andel))
        share = 1 - sum((to_decimal(v) for v in group.indirekte_andele.values()), Decimal(0))
        direct = attendance * share
        price = round_ore(annual / direct)
    shift_prices = {s: round_ore(price * (1 + to_decimal(supplements.get(s, 0.0)))) for s in Shift}
    return HourlyPrice(
        staff_group=group.navn,
        nursing=group.sygepleje,
        annual_cost=annual,
        norm_hours=norm,
        attendance_hours=attendance,
        direct_share=share,
        direct_hours=direct,
        price=price,
        shift_prices=shift_prices,
        given=group.timepris is not None,
    )


def compute_hourly_prices(cfg: ModelConfig) -> list[HourlyPrice]:
    """Hourly prices of all staff groups, in the model file's order."""
    return [hourly_price(g, cfg.timepris.tillaeg) for g in cfg.timepris.faggrupper]


def minute_price_key(
    prices: list[HourlyPrice], clinic_price: Decimal | None
) -> dict[tuple[str, str, bool], Decimal]:
    """kr per hour for each (staff group, shift, clinic). A clinic visit uses the clinic's price
    when the model names one, else the staff group's own price."""
    out: dict[tuple[str, str, bool], Decimal] = {}
    for p in prices:
        for shift, value in p.shift_prices.items():
            out[(p.staff_group, shift.value, False)] = value
            out[(p.staff_group, shift.value, True)] = (
                round_ore(clinic_price) if clinic_price is not None else value
            )
    return out
