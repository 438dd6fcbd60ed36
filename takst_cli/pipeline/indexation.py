"""Price and wage indexation: tariffs brought from the data year to the budget year with dated
indices; the wage part of a cost follows the wage index, the rest the price index."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from takst_cli.config import WAGE_POST, Indexation, ModelConfig
from takst_cli.errors import ConfigError
from takst_cli.models import Shift
from takst_cli.money import round_ore, to_decimal
from takst_cli.pipeline.hourly_price import HourlyPrice

ZERO = Decimal(0)


@dataclass(frozen=True)
class IndexFactors:
    """The factors from `from_year` to `to_year`: index(to) / index(from), exact."""

    from_year: int
    to_year: int
    wage: Decimal
    price: Decimal
    source: str
    published: dt.date
    wage_shares: dict[str, float]

    def blended(self, wage_share: Decimal) -> Decimal:
        """The factor of a cost with this wage share: s × løn + (1 − s) × pris."""
        return wage_share * self.wage + (1 - wage_share) * self.price

    def of_cost(self, key: str) -> Decimal:
        if key == WAGE_POST:
            return self.wage
        return self.blended(to_decimal(self.wage_shares[key]))


def index_factors(ix: Indexation, period: tuple[dt.date, dt.date], to_year: int) -> IndexFactors:
    """Wage and price factors from the data year (fremskrivning.fra_aar, else the data period's
    year) to the budget year. A period over two years without fra_aar, or a year without an
    index, stops the run: the factor would be a guess."""
    from_year = ix.fra_aar
    if from_year is None:
        if period[0].year != period[1].year:
            raise ConfigError(
                f"fremskrivning.fra_aar: dataperioden {period[0]:%d-%m-%Y} til "
                f"{period[1]:%d-%m-%Y} går over to år; angiv hvilket års priser data er i"
            )
        from_year = period[1].year
    missing = [y for y in (from_year, to_year) if y not in ix.indeks]
    if missing:
        raise ConfigError(
            f"fremskrivning.indeks: mangler indeks for {', '.join(map(str, missing))} "
            f"(fremskrivning fra {from_year} til {to_year}); kendte år er "
            f"{', '.join(map(str, sorted(ix.indeks)))}"
        )
    a, b = ix.indeks[from_year], ix.indeks[to_year]
    return IndexFactors(
        from_year, to_year, b.loen / a.loen, b.pris / a.pris, ix.kilde, ix.dato, ix.loenandele
    )


def indexed_overhead(cfg: ModelConfig, f: IndexFactors) -> Decimal:
    """The cost items placed in the tariff, each brought forward by its own wage share (kr)."""
    return sum(
        (amount * f.of_cost(key) for key, amount in cfg.timepris.omkostninger_i_takst.items()),
        ZERO,
    )


def index_prices(prices: list[HourlyPrice], cfg: ModelConfig, f: IndexFactors) -> list[HourlyPrice]:
    """Hourly prices of the budget year: (årsløn × løn + Σ omkostning × blandet faktor) / D,
    rounded to øre once; a price given directly × its own blended factor. Shift prices follow
    as in hourly_price: price × (1 + tillæg)."""
    out = []
    for p, g in zip(prices, cfg.timepris.faggrupper, strict=True):
        if g.timepris is not None:
            price = round_ore(g.timepris * f.of_cost(g.navn))
            annual = None
        else:
            assert g.aarsloen is not None and p.direct_hours is not None
            annual = g.aarsloen * f.wage + sum(
                (v * f.of_cost(k) for k, v in g.omkostninger_pr_aarsvaerk.items()), ZERO
            )
            price = round_ore(annual / p.direct_hours)
        shift = {
            s: round_ore(price * (1 + to_decimal(cfg.timepris.tillaeg.get(s, 0.0)))) for s in Shift
        }
        out.append(replace(p, annual_cost=annual, price=price, shift_prices=shift))
    return out
