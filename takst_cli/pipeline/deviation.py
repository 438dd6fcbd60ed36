"""Why the deviation: a team's deviation between budget and spend split, for each funded part,
into volume, mix and price — course cells by citizen-weeks over course types, phases and levels;
activity and delegated nursing by hours over staff groups and shifts; a frame not split."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from takst_cli.config import FundingConfig
from takst_cli.frames import column_rows
from takst_cli.models import (  # the parts and cells the takstblad (io/) also reads
    DEVIATION_PARTS,
    PART_ACTIVITY_COURSE,
    Cell,
    CellAmount,
    Col,
    Part,
    PartCells,
)
from takst_cli.pipeline.costing import Pricer, sum_minutes
from takst_cli.pipeline.tariffs import CELL, IN_CELL

ZERO = Decimal(0)
DRIVERS = ("volumen", "mix", "pris")
UNSPLIT = "ramme"  # the driver of a frame's deviation: not split


# Copies of the price keys that can be a cell: Pricer groups by the price keys themselves
_GROUP, _SHIFT = "_celle_faggruppe", "_celle_vagt"


@dataclass(frozen=True)
class Decomposition:
    """One team's part, in exact kr, signed as the follow-up's deviation: budget − spend
    (negative: spent more than budgeted). volume + mix + price + unsplit = deviation, exactly;
    `unsplit` is a frame's whole deviation (a frame has no volume to split by)."""

    team: str
    budget: Decimal
    spend: Decimal
    volume: Decimal
    mix: Decimal
    price: Decimal
    part: str = Part.COURSE
    unsplit: Decimal = ZERO

    @property
    def deviation(self) -> Decimal:
        return self.budget - self.spend

    @property
    def split(self) -> bool:
        return self.part != Part.FRAME

    def drivers(self) -> dict[str, Decimal]:
        """The part's drivers by name: volume, mix and price, or a frame's one unsplit part."""
        if not self.split:
            return {UNSPLIT: self.unsplit}
        return dict(zip(DRIVERS, (self.volume, self.mix, self.price), strict=True))


def largest_driver(parts: list[Decomposition]) -> tuple[str, str] | None:
    """A team's largest (part, driver) over all its parts, by absolute amount; ties go to the
    first part in DEVIATION_PARTS order and the first driver. None when all are zero."""
    best: tuple[Decimal, str, str] | None = None
    for d in sorted(parts, key=lambda d: DEVIATION_PARTS.index(d.part)):
        for driver, amount in d.drivers().items():
            if amount and (best is None or abs(amount) > best[0]):
                best = (abs(amount), d.part, driver)
    return None if best is None else (best[1], best[2])


def decompose(
    team: str,
    budget: dict[Cell, CellAmount],
    actual: dict[Cell, CellAmount],
    part: str = Part.COURSE,
) -> Decomposition:
    """With W the volume (weeks or hours), m_c a cell's share of it and p_c its kr per unit
    (b budget, a actual), spend − budget = W_a Σ m_a p_a − W_b Σ m_b p_b splits into
      volume = (W_a − W_b) × Σ m_b p_b        (more volume at the budget's mix and prices)
      mix    = W_a × Σ (m_a − m_b) × p_b      (the volume's cells moved, at budget prices)
      price  = W_a × Σ m_a × (p_a − p_b)      (kr per unit within each cell)
    and the parts here are those with the deviation's sign (budget − spend). A cell the budget
    lacks is priced at its actual price (its whole amount is mix); without budget volume all is
    volume, as it is without actual volume. Volume is taken as the remainder, spend − budget −
    mix − price: the same as the formula whenever every cell has a quantity, and an amount
    without one (another team's visits in this team's course: 0 weeks, some kr) has no kr per
    unit to split by, so it counts as volume — the parts always add up to the deviation."""
    w_b = sum((c.quantity for c in budget.values()), ZERO)
    w_a = sum((c.quantity for c in actual.values()), ZERO)
    b_total = sum((c.amount for c in budget.values()), ZERO)
    a_total = sum((c.amount for c in actual.values()), ZERO)
    if not w_b or not w_a:
        return Decomposition(team, b_total, a_total, b_total - a_total, ZERO, ZERO, part)

    def per_unit(c: CellAmount | None) -> Decimal:
        return c.amount / c.quantity if c is not None and c.quantity else ZERO

    p_b = {k: per_unit(c) for k, c in budget.items()}
    p_a = {k: per_unit(c) for k, c in actual.items()}
    for k in actual:
        if k not in budget or not budget[k].quantity:
            p_b[k] = p_a[k]
    cells = sorted(set(budget) | set(actual), key=repr)
    m_b = {k: (budget[k].quantity / w_b if k in budget else ZERO) for k in cells}
    # W_a × m_a = the actual volume itself: exact, no division
    mix = sum(
        (((actual[k].quantity if k in actual else ZERO) - w_a * m_b[k]) * p_b[k] for k in cells),
        ZERO,
    )
    price = sum((c.quantity * (p_a[k] - p_b[k]) for k, c in actual.items()), ZERO)
    volume = a_total - b_total - mix - price
    return Decomposition(team, b_total, a_total, -volume, -mix, -price, part)


def frame_deviation(team: str, budget: Decimal, spend: Decimal) -> Decomposition:
    """A frame is not adjusted for activity and has no volume to split by: its whole deviation
    (a frame in the model file other than the takstblad's budget) stands apart, unsplit."""
    return Decomposition(team, budget, spend, ZERO, ZERO, ZERO, Part.FRAME, budget - spend)


def part_cells(
    funding: FundingConfig,
    pricer: Pricer,
    seg_tariffs: pl.DataFrame,
    visits: pl.DataFrame,
    cancelled: pl.DataFrame,
    staff_outside: pl.DataFrame | None,
    delegated: pl.Expr,
) -> PartCells:
    """Each team's funded parts other than a frame, by cell, as its own model settles them
    (its funding model's parts, config.funding), over whatever window the inputs hold:
      forloeb            course-funded: per (type, fase, niveau) citizen-weeks and weeks × tariff;
      aktivitet_forloeb  activity-funded: per (type, fase, niveau) citizen-weeks and the cost of
                         the team's visits in the cell that are not delegated nursing;
      aktivitet          per (staff group, shift) hours and kr: an activity-funded team's other
                         visits (and, on the granted basis, the citizen's late cancellations); a
                         course-funded team's visits by staff groups outside its course type;
      delegeret          per (staff group, shift): delegated nursing, where not in a tariff.
    `visits` carries IN_CELL and the cell (tariffs.with_cells); `seg_tariffs` the segments'
    days in the window and their tariff."""
    out: PartCells = {}
    frames = [seg_tariffs, visits, cancelled, *([] if staff_outside is None else [staff_outside])]
    teams = {t for f in frames for t in f[Col.TEAM].drop_nulls().to_list()}
    # what pays each team's variable part: activity, course weeks or (a pure frame) nothing
    models = {t: funding.of(t).variable_part for t in teams}

    def add(team: str, part: str, cell: Cell, quantity: Decimal, amount: Decimal) -> None:
        cells = out.setdefault(team, {}).setdefault(part, {})
        c = cells.get(cell, CellAmount(ZERO, ZERO))
        cells[cell] = CellAmount(c.quantity + quantity, c.amount + amount)

    for team, t, f, n, days, tariff in column_rows(
        seg_tariffs, Col.TEAM, *CELL, Col.DAYS, Col.TARIFF
    ):
        weeks = Decimal(days) / 7
        if models.get(team) == Part.COURSE:
            add(team, Part.COURSE, (t, f, n), weeks, weeks * tariff if tariff is not None else ZERO)
        elif models.get(team) == Part.ACTIVITY:
            add(team, PART_ACTIVITY_COURSE, (t, f, n), weeks, ZERO)
    is_activity = pl.col(Col.TEAM).is_in([t for t, m in models.items() if m == Part.ACTIVITY])
    not_course = pl.col(Col.TEAM).is_in([t for t, m in models.items() if m != Part.COURSE])
    home = visits.filter(is_activity & ~delegated)
    key = [Col.TEAM, *CELL]
    for (team, t, f, n), c in pricer.price(
        sum_minutes(home.filter(pl.col(IN_CELL)), key), key
    ).items():
        add(str(team), PART_ACTIVITY_COURSE, (t, f, n), ZERO, c.cost)
    granted = [t for t in models if funding.of(t).grundlag == "visiteret"]
    late = cancelled.filter(
        is_activity & ~delegated & ~pl.col(Col.TIMELY) & pl.col(Col.TEAM).is_in(granted)
    )
    hour_groups = [
        (Part.ACTIVITY, home.filter(~pl.col(IN_CELL))),
        (Part.ACTIVITY, late),
        (Part.DELEGATED, visits.filter(not_course & delegated)),
    ]
    if staff_outside is not None:
        course_teams = [t for t, m in models.items() if m == Part.COURSE]
        outside = staff_outside.filter(pl.col(Col.TEAM).is_in(course_teams))
        hour_groups.append((Part.ACTIVITY, outside))
    for part, frame in hour_groups:
        _add_hours(pricer, frame, part, add)
    return out


def _add_hours(pricer: Pricer, frame: pl.DataFrame, part: str, add) -> None:  # type: ignore[no-untyped-def]
    keyed = frame.with_columns(
        pl.col(Col.FAGGRUPPE).cast(pl.String).alias(_GROUP),
        pl.col(Col.VAGT).cast(pl.String).alias(_SHIFT),
    )
    key = [Col.TEAM, _GROUP, _SHIFT]
    for (team, group, shift), c in pricer.price(sum_minutes(keyed, key), key).items():
        add(str(team), part, (group, shift), c.hours, c.cost)
