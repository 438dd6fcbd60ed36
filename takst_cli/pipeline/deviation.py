"""Why the deviation: a team's deviation between budget and spend split into volume (citizen-
weeks), need mix (the weeks' distribution over course types, phases and levels against the
budget's) and price (spend per citizen-week within a cell against the budget's tariff)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)
Cell = tuple[str, str, int]  # course type, phase, level
DRIVERS = ("volumen", "mix", "pris")


@dataclass(frozen=True)
class CellAmount:
    weeks: Decimal  # citizen-weeks
    amount: Decimal  # kr


@dataclass(frozen=True)
class Decomposition:
    """All in exact kr, signed as the follow-up's deviation: budget − spend (negative: spent
    more than budgeted). volume + mix + price = deviation, exactly."""

    team: str
    budget: Decimal
    spend: Decimal
    volume: Decimal
    mix: Decimal
    price: Decimal

    @property
    def deviation(self) -> Decimal:
        return self.budget - self.spend

    def largest(self) -> str:
        """The driver with the largest absolute part ('volumen', 'mix' or 'pris'); ties go to
        the first, so the sentence is the same run after run."""
        parts = (self.volume, self.mix, self.price)
        return DRIVERS[max(range(3), key=lambda i: (abs(parts[i]), -i))]


def decompose(
    team: str, budget: dict[Cell, CellAmount], actual: dict[Cell, CellAmount]
) -> Decomposition:
    """With W the weeks, m_c a cell's share of them and p_c its kr per week (b budget, a
    actual), spend − budget = W_a Σ m_a p_a − W_b Σ m_b p_b splits into
      volume = (W_a − W_b) × Σ m_b p_b        (more weeks at the budget's mix and prices)
      mix    = W_a × Σ (m_a − m_b) × p_b      (the weeks' cells moved, at budget prices)
      price  = W_a × Σ m_a × (p_a − p_b)      (kr per week within each cell)
    and the parts here are those with the deviation's sign (budget − spend). A cell the budget
    lacks is priced at its actual price (its whole amount is mix); without budget weeks all is
    volume, as it is without actual weeks."""
    w_b = sum((c.weeks for c in budget.values()), ZERO)
    w_a = sum((c.weeks for c in actual.values()), ZERO)
    b_total = sum((c.amount for c in budget.values()), ZERO)
    a_total = sum((c.amount for c in actual.values()), ZERO)
    if not w_b or not w_a:
        return Decomposition(team, b_total, a_total, b_total - a_total, ZERO, ZERO)

    def per_week(c: CellAmount | None) -> Decimal:
        return c.amount / c.weeks if c is not None and c.weeks else ZERO

    p_b = {k: per_week(c) for k, c in budget.items()}
    p_a = {k: per_week(c) for k, c in actual.items()}
    for k in actual:
        if k not in budget or not budget[k].weeks:
            p_b[k] = p_a[k]
    avg_b = b_total / w_b
    volume = (w_a - w_b) * avg_b
    cells = sorted(set(budget) | set(actual))
    m_b = {k: (budget[k].weeks / w_b if k in budget else ZERO) for k in cells}
    # W_a × m_a = the actual weeks themselves: exact, no division
    mix = sum(
        (((actual[k].weeks if k in actual else ZERO) - w_a * m_b[k]) * p_b[k] for k in cells), ZERO
    )
    price = sum((c.weeks * (p_a[k] - p_b[k]) for k, c in actual.items()), ZERO)
    return Decomposition(team, b_total, a_total, -volume, -mix, -price)
