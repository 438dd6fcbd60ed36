"""Course tariffs (SPEC §4.3): historical cost per citizen-week per course type, phase and level,
the reduced tariff after a development course, the clinic rule and the normative option."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import polars as pl

from takst_cli.config import LevelsConfig, ModelConfig
from takst_cli.models import Col, CourseType, Phase
from takst_cli.money import round_ore, to_decimal
from takst_cli.pipeline.costing import Cost, Pricer, sum_minutes

CELL = [Col.TYPE, Col.PHASE, Col.LEVEL]
IN_CELL = "i_celle"  # a visit the course tariff covers (with_cells)


@dataclass(frozen=True)
class TariffRow:
    """One tariff: kr per citizen-week. `cost` is what was delivered; `basis` is the cost after
    the clinic rule; `direct` = basis / weeks (or the formula for the after-phase)."""

    course_type: str
    phase: str
    level: int
    citizens: int
    courses: int
    weeks: Decimal
    hours: Decimal
    cost: Decimal
    nursing_hours: Decimal
    basis: Decimal
    direct: Decimal | None
    overhead: Decimal
    normative: Decimal | None
    method: str

    @property
    def tariff(self) -> Decimal | None:
        """The tariff, rounded to øre once."""
        base = self.normative if self.method == "normativ" else self.direct
        if base is None:
            return None
        return round_ore(base + self.overhead)


@dataclass(frozen=True)
class TariffResult:
    rows: list[TariffRow]
    overhead_total: Decimal  # kr, cost items placed in the tariff
    overhead_per_week: Decimal  # kr per citizen-week
    total_weeks: Decimal
    weighted_price: Decimal  # kr per hour at the observed staff mix
    reduction_used: float | None  # r behind the after-phase tariffs
    reduction_source: str  # "modelfil" or "estimeret"

    def stabilising_direct(self) -> dict[int, Decimal]:
        """Direct (overhead-free) stabilising tariff per level: the counterfactual for r."""
        return {
            r.level: r.direct
            for r in self.rows
            if r.course_type == CourseType.FASTHOLDENDE and r.direct is not None
        }


def _scope(cfg: ModelConfig) -> tuple[pl.Expr, pl.Expr]:
    """Whether a visit in a course is of a paragraph its course type covers, and whether it is
    of a staff group the type covers (every group, unless the type lists its faggrupper)."""
    paragraph: pl.Expr = pl.lit(False)
    staff: pl.Expr = pl.lit(False)
    for t in cfg.forloeb.types():
        is_type = pl.col(Col.TYPE) == t.name
        paragraph = paragraph | (is_type & pl.col(Col.PARAGRAF).is_in(t.cfg.paragraffer))
        groups = t.cfg.faggrupper
        staff = staff | (is_type & (pl.col(Col.FAGGRUPPE).is_in(groups) if groups else True))
    return paragraph, staff


def _in_course(assigned: pl.DataFrame, segments: pl.DataFrame) -> pl.DataFrame:
    seg = segments.select(Col.SEGMENT_ID, *CELL)
    return assigned.filter(pl.col(Col.SEGMENT_ID).is_not_null()).join(seg, on=Col.SEGMENT_ID)


def cell_visits(assigned: pl.DataFrame, segments: pl.DataFrame, cfg: ModelConfig) -> pl.DataFrame:
    """Visits inside a course with their cell, kept only where the paragraph and the staff group
    are in the course type's scope. Adds type, fase, niveau."""
    paragraph, staff = _scope(cfg)
    return _in_course(assigned, segments).filter(paragraph & staff)


def with_cells(assigned: pl.DataFrame, segments: pl.DataFrame, cfg: ModelConfig) -> pl.DataFrame:
    """Every visit with its course's cell (type, fase, niveau; null outside a course) and
    IN_CELL: whether the tariff covers it (the rows cell_visits keeps)."""
    paragraph, staff = _scope(cfg)
    seg = segments.select(Col.SEGMENT_ID, *CELL)
    return assigned.join(seg, on=Col.SEGMENT_ID, how="left").with_columns(
        (pl.col(Col.SEGMENT_ID).is_not_null() & paragraph & staff).fill_null(False).alias(IN_CELL)
    )


def staff_outside(assigned: pl.DataFrame, segments: pl.DataFrame, cfg: ModelConfig) -> pl.DataFrame:
    """Visits inside a course, of a paragraph the course type covers, by a staff group it does
    not cover (forloeb.<type>.faggrupper): outside the tariff, settled by activity (a
    therapist's training in a stabilising course, say). Adds type, fase, niveau."""
    paragraph, staff = _scope(cfg)
    return _in_course(assigned, segments).filter(paragraph & ~staff)


def _weeks(days: int) -> Decimal:
    return Decimal(days) / 7


def compute_tariffs(
    segments: pl.DataFrame,
    visits: pl.DataFrame,
    pricer: Pricer,
    cfg: ModelConfig,
    overhead_total: Decimal | None = None,
) -> TariffResult:
    """Tariff rows per (type, phase, level), from segments (with type, fase, niveau, dage) and
    cell visits (cell_visits). After-phase rows get their tariff from `apply_reduction`."""
    costs = pricer.price(sum_minutes(visits, CELL), CELL)
    sizes = (
        segments.group_by(CELL)
        .agg(
            pl.col(Col.BORGER).n_unique().alias(Col.CITIZENS),
            pl.col(Col.COURSE_ID).n_unique().alias("forloeb"),
            pl.col(Col.DAYS).sum().alias(Col.DAYS),
            pl.col(Col.HOURS_WEEK).mean().alias("mean_hours"),
        )
        .sort(CELL)
    )
    total_weeks = _weeks(int(segments[Col.DAYS].sum() or 0))
    if overhead_total is None:  # else brought forward to the budget year (indexation)
        overhead_total = sum(cfg.timepris.omkostninger_i_takst.values(), Decimal(0))
    overhead = overhead_total / total_weeks if total_weeks else Decimal(0)

    all_minutes = Cost()
    for c in costs.values():
        all_minutes.add(c)
    price_of = pricer.home
    weighted = (
        sum((m * price_of[g] for g, m in all_minutes.minutes_by_group.items()), Decimal(0))
        / all_minutes.minutes
        if all_minutes.minutes
        else Decimal(0)
    )
    band_hours = {
        t.name: _band_hours(cfg.levels_of(t.name), segments.filter(pl.col(Col.TYPE) == t.name))
        for t in cfg.forloeb.types()
    }
    base = cfg.takster.basistakst

    rows: list[TariffRow] = []
    for t, phase, level, citizens, n_courses, days, _mean in sizes.iter_rows():
        c = costs.get((t, phase, level), Cost())
        basis = pricer.basis(c)
        weeks = _weeks(days)
        is_after = phase == Phase.EFTER.value
        hours_l = band_hours.get(t, {}).get(level)
        rows.append(
            TariffRow(
                course_type=t,
                phase=phase,
                level=level,
                citizens=citizens,
                courses=n_courses,
                weeks=weeks,
                hours=c.hours,
                cost=c.cost,
                nursing_hours=c.nursing_hours,
                basis=basis,
                direct=None if is_after else (basis / weeks if weeks else None),
                overhead=overhead,
                normative=None if is_after or hours_l is None else base + hours_l * weighted,
                method=cfg.takster.metode,
            )
        )
    return TariffResult(rows, overhead_total, overhead, total_weeks, weighted, None, "")


def apply_reduction(
    result: TariffResult, r: float | None, source: str, cfg: ModelConfig
) -> TariffResult:
    """The after-phase tariffs with reduction r: T_after(L) = T(fastholdende, L) × (1 − r)."""
    rows = _with_after_phase(result.rows, r, result.overhead_per_week, cfg)
    return replace(result, rows=rows, reduction_used=r, reduction_source=source)


def _band_hours(levels: LevelsConfig, segments: pl.DataFrame) -> dict[int, Decimal]:
    """Hours per week of each level of one course type for the normative method: the band's
    midpoint, or the mean observed hours in an open-ended top band — and in every level of a
    grouping by function level, which has no hours of its own."""
    out: dict[int, Decimal] = {}
    observed = dict(segments.group_by(Col.LEVEL).agg(pl.col(Col.HOURS_WEEK).mean()).iter_rows())
    if levels.grundlag == "funktionsevne":
        return {
            int(level): to_decimal(round(hours, 6))
            for level, hours in observed.items()
            if hours is not None
        }
    for band in levels.bands():
        if band.til is not None:
            out[band.niveau] = (to_decimal(band.fra) + to_decimal(band.til)) / 2
        elif observed.get(band.niveau) is not None:
            out[band.niveau] = to_decimal(round(observed[band.niveau], 6))
    return out


def _with_after_phase(
    rows: list[TariffRow], r: float | None, overhead: Decimal, cfg: ModelConfig
) -> list[TariffRow]:
    """Give each development-art type's after-phase level the reduced tariff
    T(fastholdende, L) × (1 − r); levels with a stabilising tariff but no observed after-phase
    get a row too (for the built-in type always, for a further type when it has courses)."""
    fast = {x.level: x for x in rows if x.course_type == CourseType.FASTHOLDENDE}
    k = Decimal(1) - to_decimal(r if r is not None else 0.0)
    types = cfg.forloeb.types()
    dev = {t.name for t in types if t.art == CourseType.UDVIKLENDE}
    observed = {x.course_type for x in rows}
    out: list[TariffRow] = []
    seen: set[tuple[str, int]] = set()
    for x in rows:
        if x.course_type in dev and x.phase == Phase.EFTER.value:
            seen.add((x.course_type, x.level))
            out.append(_reduced(x, fast.get(x.level), k, r))
        else:
            out.append(x)
    for name in sorted(dev):
        if name != CourseType.UDVIKLENDE and name not in observed:
            continue
        for level, f in sorted(fast.items()):
            if (name, level) not in seen:
                empty = TariffRow(
                    name,
                    Phase.EFTER.value,
                    level,
                    0,
                    0,
                    Decimal(0),
                    Decimal(0),
                    Decimal(0),
                    Decimal(0),
                    Decimal(0),
                    None,
                    overhead,
                    None,
                    cfg.takster.metode,
                )
                out.append(_reduced(empty, f, k, r))
    order = {t.name: i for i, t in enumerate(types)}
    phases = {p.value: i for i, p in enumerate(Phase)}
    return sorted(out, key=lambda x: (order[x.course_type], phases[x.phase], x.level))


def _reduced(row: TariffRow, fast: TariffRow | None, k: Decimal, r: float | None) -> TariffRow:
    if fast is None or r is None:
        return row
    return replace(
        row,
        direct=fast.direct * k if fast.direct is not None else None,
        normative=fast.normative * k if fast.normative is not None else None,
    )
