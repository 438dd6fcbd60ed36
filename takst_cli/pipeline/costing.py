"""Price summed minutes exactly: minutes × (kr per hour, rounded to øre) / 60, in Decimal."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat

import polars as pl

from takst_cli.config import ClinicConfig
from takst_cli.models import Col
from takst_cli.pipeline.hourly_price import HourlyPrice, minute_price_key

PRICE_KEYS = [Col.FAGGRUPPE, Col.VAGT, Col.KLINIK]
ZERO = Decimal(0)


@dataclass
class Cost:
    """Exact cost of a group of visits, with the nursing part kept apart for the clinic rule."""

    minutes: Decimal = ZERO
    cost: Decimal = ZERO  # kr
    nursing_minutes: Decimal = ZERO
    nursing_cost: Decimal = ZERO  # kr, as delivered (home and clinic)
    nursing_home_value: Decimal = ZERO  # kr, nursing minutes at the home day price
    minutes_by_group: dict[str, Decimal] = field(default_factory=dict)

    @property
    def hours(self) -> Decimal:
        return self.minutes / 60

    @property
    def nursing_hours(self) -> Decimal:
        return self.nursing_minutes / 60

    def add(self, other: Cost) -> None:
        self.minutes += other.minutes
        self.cost += other.cost
        self.nursing_minutes += other.nursing_minutes
        self.nursing_cost += other.nursing_cost
        self.nursing_home_value += other.nursing_home_value
        for k, v in other.minutes_by_group.items():
            self.minutes_by_group[k] = self.minutes_by_group.get(k, ZERO) + v

    def with_clinic_share(self, share: float | None, clinic_price: Decimal | None) -> Decimal:
        """Cost with nursing recomputed as hours × ((1 − k) × home price + k × clinic price)."""
        if share is None or clinic_price is None:
            return self.cost
        k = Decimal(repr(share))
        nursing = (1 - k) * self.nursing_home_value + k * clinic_price * self.nursing_hours
        return self.cost - self.nursing_cost + nursing


class Pricer:
    """Turns per-price-key minute sums into exact costs, and applies the clinic rule: one per
    set of prices (the run's, the budget year's, a takstblad's), built once and handed on."""

    def __init__(
        self,
        prices: list[HourlyPrice],
        clinic_price: Decimal | None,
        clinic_share: float | None = None,
    ) -> None:
        self.rates = minute_price_key(prices, clinic_price)
        self.nursing = {p.staff_group for p in prices if p.nursing}
        self.home = {p.staff_group: p.price for p in prices}
        self.clinic_price = clinic_price
        self.clinic_share = clinic_share

    @classmethod
    def of(cls, prices: list[HourlyPrice], clinic: ClinicConfig) -> Pricer:
        return cls(prices, clinic.timepris, clinic.andel)

    def basis(self, c: Cost | None) -> Decimal:
        """The clinic rule (klinik.andel): a group's cost with its nursing priced as
        (1 − k) × home price + k × clinic price; its plain cost without a share. The tariffs,
        the individual courses' own tariffs and r all price their cells through here."""
        if c is None:
            return ZERO
        return c.with_clinic_share(self.clinic_share, self.clinic_price)

    def price(self, grouped: pl.DataFrame, keys: list[str]) -> dict[tuple[Hashable, ...], Cost]:
        """`grouped` has `keys` + PRICE_KEYS + minutter; returns a Cost per key tuple."""
        out: dict[tuple[Hashable, ...], Cost] = {}
        columns = [grouped[c].to_list() for c in (*keys, *PRICE_KEYS, Col.MINUTTER)]
        key_columns = columns[: len(keys)]
        groups, shifts, clinics, minutes_sums = columns[len(keys) :]
        for key, group, shift, clinic, minutes in zip(
            zip(*key_columns, strict=True) if keys else repeat((), grouped.height),
            groups,
            shifts,
            clinics,
            minutes_sums,
            strict=True,
        ):
            m = Decimal(repr(float(minutes)))
            c = out.get(key)
            if c is None:
                c = out[key] = Cost()
            amount = m * self.rates[(group, shift, bool(clinic))] / 60
            c.minutes += m
            c.cost += amount
            c.minutes_by_group[group] = c.minutes_by_group.get(group, ZERO) + m
            if group in self.nursing:
                c.nursing_minutes += m
                c.nursing_cost += amount
                c.nursing_home_value += m * self.home[group] / 60
        return out

    def total(self, grouped: pl.DataFrame) -> Cost:
        total = Cost()
        for c in self.price(grouped.with_columns(pl.lit(0).alias("_all")), ["_all"]).values():
            total.add(c)
        return total


def sum_minutes(visits: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Minutes per keys and price key, ready for Pricer.price."""
    return (
        visits.group_by([*keys, *PRICE_KEYS])
        .agg(pl.col(Col.MINUTTER).sum())
        .sort([*keys, *PRICE_KEYS], nulls_last=True)
    )
