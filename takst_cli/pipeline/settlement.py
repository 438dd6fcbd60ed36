"""Monthly settlement (afregning): each team's month under its own funding model with the frozen
tariffs of the takstblad, as ledger rows (one per team, month and part) that replace only the
months settled."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import polars as pl

from takst_cli.config import CoursesConfig
from takst_cli.errors import DataError, Problem
from takst_cli.models import Col, CourseType, Ledger, Part
from takst_cli.money import round_parts
from takst_cli.pipeline.followup import LedgerSpend, SpendSource, window_funding
from takst_cli.pipeline.tariffs import TariffResult, TariffRow

ZERO = Decimal(0)
# The ledger's columns (afregning.parquet): models.Ledger
LEDGER_SCHEMA: dict[str, pl.DataType] = {
    Ledger.TEAM: pl.String(),
    Ledger.MONTH: pl.String(),
    Ledger.PART: pl.String(),
    Ledger.AMOUNT: pl.Decimal(18, 2),
    Ledger.SHEET: pl.String(),
}


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """'2026-03' → (1 March, 31 March)."""
    year, m = int(month[:4]), int(month[5:7])
    return dt.date(year, m, 1), dt.date(year, m, calendar.monthrange(year, m)[1])


def frozen_tariffs(
    cells: dict[tuple[str, str, int], Decimal | None], overhead: Decimal
) -> TariffResult:
    """The takstblad's tariffs in the shape the funding stage prices with: each cell pays its
    frozen tariff as it stands (direct = the tariff, overhead already in it); an individual
    course pays its own cost per week + the frozen overhead."""
    rows = [
        TariffRow(t, f, n, 0, 0, ZERO, ZERO, ZERO, ZERO, ZERO, v, ZERO, None, "historisk")
        for (t, f, n), v in cells.items()
    ]
    return TariffResult(rows, ZERO, overhead, ZERO, ZERO, None, "takstblad")


def check_cells(
    segments: pl.DataFrame,
    cells: dict[tuple[str, str, int], Decimal | None],
    courses: CoursesConfig,
    sheet: str,
    scope: str = "månedens",
) -> None:
    """Every course week settled must have a frozen tariff: a type, phase and level the
    takstblad lacks (or holds without a tariff) would be paid 0 without a word."""
    per_citizen = set(courses.names_of(CourseType.INDIVIDUEL))
    seen = (
        segments.filter(~pl.col(Col.TYPE).is_in(sorted(per_citizen)))
        .group_by([Col.TYPE, Col.PHASE, Col.LEVEL])
        .agg(pl.col(Col.DAYS).sum())
        .sort([Col.TYPE, Col.PHASE, Col.LEVEL])
    )
    missing = [
        Problem(f"{sheet}: takster", f"{t}, {f}, niveau {n}: {d} borgerdage uden takst")
        for t, f, n, d in seen.iter_rows()
        if cells.get((t, f, n)) is None
    ]
    if missing:
        raise DataError(
            f"{sheet}: takstbladet har ingen takst for {len(missing)} af {scope} forløbsceller; "
            "de ville blive afregnet med 0 kr. Lav takstbladet for budgetåret med en "
            "modelfil, hvis data har disse typer, faser og niveauer",
            missing,
        )


def settle_months(src: SpendSource, months: list[str], sheet_sha: str) -> pl.DataFrame:
    """Ledger rows for each month: per team its own model's parts (ramme, aktivitet, forloeb,
    delegeret), exact kr rounded once to øre so that the parts add up to the team's rounded
    month total (largest remainder). Columns: LEDGER_SCHEMA."""
    rows: list[tuple[str, str, str, Decimal, str]] = []
    for month in months:
        first, last = month_bounds(month)
        for t in window_funding(src, first, last):
            exact = [t.parts[p] for p in Part.ALL]
            for part, amount in zip(Part.ALL, round_parts(exact), strict=True):
                rows.append((t.team, month, part, amount, sheet_sha))
    return pl.DataFrame(rows, schema=LEDGER_SCHEMA, orient="row")


def replace_months(ledger: pl.DataFrame | None, settled: pl.DataFrame) -> pl.DataFrame:
    """The ledger with the settled months replaced and every other row as it was; sorted by
    month, team and part so the file is the same whatever order months were settled in."""
    months = settled[Ledger.MONTH].unique().to_list()
    kept = ledger.filter(~pl.col(Ledger.MONTH).is_in(months)) if ledger is not None else None
    out = settled if kept is None else pl.concat([kept, settled])
    order = {p: i for i, p in enumerate(Part.ALL)}
    return (
        out.with_columns(
            pl.col(Ledger.PART).replace_strict(order, default=len(Part.ALL)).alias("_o")
        )
        .sort([Ledger.MONTH, Ledger.TEAM, "_o"])
        .drop("_o")
    )


def ledger_spend(ledger: pl.DataFrame, date: dt.date, source: str) -> LedgerSpend:
    """Spend per team from January to `date` from the ledger. `date` must be the last day of a
    settled month and every month of the year up to it settled: a month missing or a month
    cut in two would be projected as if it were the year's pace."""
    first, last = month_bounds(f"{date:%Y-%m}")
    if date != last:
        raise DataError(
            f"{source}: regnskabet holder hele måneder; opfølgningen fra regnskabet skal være "
            f"på en månedes sidste dag, fik {date:%d-%m-%Y} (brug {last:%d-%m-%Y})"
        )
    wanted = [f"{date.year}-{m:02d}" for m in range(1, date.month + 1)]
    have = set(ledger[Ledger.MONTH].unique().to_list())
    missing = [m for m in wanted if m not in have]
    if missing:
        raise DataError(
            f"{source}: måned(er) {', '.join(missing)} er ikke afregnet; kør takst afregn for "
            "dem før opfølgningen"
        )
    rows = ledger.filter(pl.col(Ledger.MONTH).is_in(wanted))
    teams = rows.group_by(Ledger.TEAM).agg(pl.col(Ledger.AMOUNT).sum())
    months = rows.group_by(Ledger.MONTH).agg(pl.col(Ledger.AMOUNT).sum()).sort(Ledger.MONTH)
    return LedgerSpend(
        {team: Decimal(amount) for team, amount in teams.iter_rows()},
        [(int(month[5:7]), Decimal(amount)) for month, amount in months.iter_rows()],
    )
