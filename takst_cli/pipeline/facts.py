"""The visits folded, in one streaming pass, to 'facts': minutes and visits per course segment,
observation window, price key, reason and error — the small table every output is made from.

Course segments and observation windows come from the (small) grants, so each visit's segment
is found in the stream: a join on the citizen gives the citizen's number, and the segment of
(citizen, day) is one look-up in a flat array over the citizens' days of the period (`DayMap`)
— the same cost however many grant rows a citizen has. No per-visit frame is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from takst_cli.models import ERR_DUPLICATE, Col
from takst_cli.pipeline.parse import (
    DUPLICATE_CODE,
    KEY_TEXTS,
    REASON_CODES,
    SHIFT_CODES,
    STATUS_CODES,
)

KEYS = [
    Col.TEAM,
    Col.PARAGRAF,
    Col.FAGGRUPPE,
    Col.SHIFT_CODE,
    Col.KLINIK,
    Col.STATUS_CODE,
    Col.TIMELY,
    Col.REASON_CODE,
    Col.ERROR_CODE,
    Col.ERROR_ROW,
]


@dataclass(frozen=True)
class DayMap:
    """For each citizen-day of the data period, its course segment and the development course
    whose after-window holds it (null: none), as flat arrays indexed by citizen number × days
    + day of the period."""

    citizens: pl.DataFrame  # borger_id (String), _borger_nr (UInt32)
    segment: pl.Series  # UInt32
    window: pl.Series  # UInt32
    first: dt.date
    days: int

    def max_ids(self) -> tuple[int, int]:
        return (int(self.segment.max() or 0), int(self.window.max() or 0))  # type: ignore[arg-type]


def _scatter(
    ranges: pl.DataFrame,
    citizens: pl.DataFrame,
    columns: tuple[str, str, str],
    first: dt.date,
    days: int,
    overlapping: bool,
) -> pl.Series:
    """A flat UInt32 array over the citizens' days, each range's id on its days (clipped to the
    period); where ranges may overlap, the later row of `ranges` wins."""
    start, end, ident = columns
    size = citizens.height * days
    out = np.full(size, np.iinfo(np.uint32).max, dtype=np.uint32)
    last = first + dt.timedelta(days=days - 1)
    r = (
        ranges.join(citizens, on=Col.BORGER)
        .select(
            Col.CITIZEN_NO,
            pl.max_horizontal(start, pl.lit(first)).alias("_a"),
            pl.min_horizontal(end, pl.lit(last)).alias("_b"),
            pl.col(ident).cast(pl.UInt32),
        )
        .filter(pl.col("_b") >= pl.col("_a"))
    )
    if r.height:
        lengths = ((r["_b"] - r["_a"]).dt.total_days() + 1).to_numpy().astype(np.int64)
        starts = r[Col.CITIZEN_NO].to_numpy().astype(np.int64) * days + (
            r["_a"] - first
        ).dt.total_days().to_numpy().astype(np.int64)
        ends = np.cumsum(lengths)
        idx = np.arange(ends[-1], dtype=np.int64) - np.repeat(ends - lengths - starts, lengths)
        values = np.repeat(r[ident].to_numpy(), lengths)
        if overlapping:  # the last occurrence of a day wins: unique keeps the first reversed
            _, last_seen = np.unique(idx[::-1], return_index=True)
            keep = len(idx) - 1 - last_seen
            idx, values = idx[keep], values[keep]
        out[idx] = values
    series = pl.Series(out)
    return pl.select(pl.when(series != np.iinfo(np.uint32).max).then(series)).to_series()


def day_map(
    segments: pl.DataFrame,
    windows: pl.DataFrame,
    window_start: str,
    window_end: str,
    period: tuple[dt.date, dt.date],
) -> DayMap:
    """The day map of course segments (never overlapping) and after-windows (where a citizen's
    windows overlap, the latest-starting one wins)."""
    first, last = period
    days = (last - first).days + 1
    citizens = (
        pl.concat([segments.select(Col.BORGER), windows.select(Col.BORGER)])
        .unique()
        .sort(Col.BORGER)
        .with_row_index(Col.CITIZEN_NO)
    )
    seg = _scatter(
        segments, citizens, (Col.SEG_START, Col.SEG_END, Col.SEGMENT_ID), first, days, False
    )
    win = _scatter(
        windows.sort(window_start),
        citizens,
        (window_start, window_end, Col.COURSE_ID),
        first,
        days,
        True,
    )
    return DayMap(citizens, seg, win, first, days)


def _with_lookups(
    visits: pl.LazyFrame,
    days: DayMap,
    months: bool,
    cutoff: dt.date | None,
) -> pl.LazyFrame:
    """Each coded visit with its segment, window, [month], [on or before the date], the row of
    an invalid one, its count and shown value."""
    schema = visits.collect_schema()
    n = pl.col(Col.N_VISITS) if Col.N_VISITS in schema else pl.lit(1, dtype=pl.UInt32)
    value = pl.col(Col.ERROR_VALUE) if Col.ERROR_VALUE in schema else pl.lit(None, dtype=pl.String)
    citizen = schema[Col.BORGER]
    if not isinstance(citizen, pl.Categorical):
        citizen = pl.Categorical()
    lf = visits.with_columns(
        pl.col(Col.BORGER).cast(citizen),
        pl.when(pl.col(Col.ERROR_CODE) > 0).then(pl.col(Col.ROW)).alias(Col.ERROR_ROW),
        n.alias(Col.N_VISITS),
        value.alias(Col.ERROR_VALUE),
    )
    if days.citizens.height:
        lookup = days.citizens.with_columns(pl.col(Col.BORGER).cast(citizen))
        lf = lf.join(lookup.lazy(), on=Col.BORGER, how="left")
        day = pl.col(Col.DATO).to_physical().cast(pl.Int64) - (days.first - _EPOCH).days
        index = pl.when((day >= 0) & (day < days.days)).then(
            pl.col(Col.CITIZEN_NO).cast(pl.Int64) * days.days + day
        )
        segment = pl.lit(days.segment).gather(index)
        window = pl.lit(days.window).gather(index).cast(pl.Int64)
    else:
        segment = pl.lit(None, dtype=pl.UInt32)
        window = pl.lit(None, dtype=pl.Int64)
    return lf.with_columns(
        segment.alias(Col.SEGMENT_ID),
        window.alias(Col.WINDOW_ID),
        *([pl.col(Col.DATO).dt.truncate("1mo").alias(Col.MONTH)] if months else []),
        *([(pl.col(Col.DATO) <= pl.lit(cutoff)).alias(Col.UP_TO_DATE)] if cutoff else []),
    ).drop(Col.CITIZEN_NO, strict=False)


_EPOCH = dt.date(1970, 1, 1)


AGGREGATIONS = [
    (pl.col(Col.MINUTTER).fill_nan(None) * pl.col(Col.N_VISITS)).sum().alias(Col.MINUTTER),
    pl.col(Col.N_VISITS).sum().alias(Col.N_VISITS),
]


def _mixed(z: pl.Expr) -> pl.Expr:
    """splitmix64's finaliser on 64-bit unsigned integers (polars wraps on overflow)."""
    for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
        z = (z ^ (z // (1 << shift))) * pl.lit(factor, dtype=pl.UInt64)
    return z ^ (z // (1 << 31))


def _visit_hashes(lf: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """A 64-bit hash per valid visit with a clock time, of its keys, citizen, day, clock and
    minutes. Identical visits hash alike, so fewer distinct hashes than visits is the only way
    copies show; a collision is a false alarm that costs the exact per-visit path, never a
    missed copy. (Citizen code, day and quarter minutes are cut to their low bits: that too
    can only make a false alarm.)"""
    start = pl.col(Col.START)
    u64 = pl.UInt64

    def low(e: pl.Expr, bits: int) -> pl.Expr:
        return e.cast(pl.Int64, strict=False).cast(u64, strict=False) % (1 << bits)

    visit = (
        low(pl.col(Col.BORGER).to_physical(), 24) * (1 << 38)
        + low(pl.col(Col.DATO).to_physical(), 15) * (1 << 23)
        + low(start.dt.hour().cast(pl.Int64) * 60 + start.dt.minute(), 11) * (1 << 12)
        + low((pl.col(Col.MINUTTER) * 4).round(), 12)
    )
    # One column per step: the mixer uses its input three times, so nested it would grow the
    # expression exponentially in the number of keys.
    hashed = lf.filter((pl.col(Col.ERROR_CODE) == 0) & start.is_not_null()).with_columns(
        visit.alias("_h")
    )
    for key in keys:
        code = pl.col(key).to_physical().cast(pl.Int64, strict=False).cast(u64, strict=False)
        hashed = hashed.with_columns(
            (_mixed(pl.col("_h")) + code.fill_null((1 << 64) - 1)).alias("_h")
        )
    return hashed.select(_mixed(pl.col("_h")).alias("_h"))


@dataclass(frozen=True)
class Fold:
    facts: pl.DataFrame
    may_have_copies: bool  # identical visits possible: list them by the per-visit path


def _collect(grouped: pl.LazyFrame, hashes: pl.LazyFrame | None) -> tuple[pl.DataFrame, bool]:
    """One streaming pass for the facts and, where asked, the visits' hashes."""
    if hashes is None:
        return grouped.collect(engine="streaming"), False
    facts, seen = pl.collect_all([grouped, hashes], engine="streaming")
    return facts, seen.height != seen["_h"].n_unique()


# The packed keys. K1: segment + 1 | window + 1 | month (months since the period's first);
# K2: team | paragraph | staff group (codes of their own categories) | on or before the date |
# shift | clinic | status | timely | reason. An invalid visit is K1 = its row, K2 = −its error
# code: it needs nothing else. A field of all ones is a missing value. Each field's width is
# derived from the values it holds (`field_bits`), and a layout wider than 63 bits is refused
# (the plain group-by runs instead): a key never wraps.
_K1, _K2 = "_k1", "_k2"
_TEXT_BITS = 16  # team, paragraph, staff group: checked against their categories after the pass
_KEY_BITS = 63


def field_bits(values: int) -> int:
    """Bits for codes 0 … values − 1 with all ones left free for 'missing'."""
    return values.bit_length()


_K2_FIELDS = [
    (Col.TEAM, _TEXT_BITS),
    (Col.PARAGRAF, _TEXT_BITS),
    (Col.FAGGRUPPE, _TEXT_BITS),
    (Col.UP_TO_DATE, field_bits(2)),
    (Col.SHIFT_CODE, field_bits(len(SHIFT_CODES))),
    (Col.KLINIK, field_bits(2)),
    (Col.STATUS_CODE, field_bits(len(STATUS_CODES))),
    (Col.TIMELY, field_bits(2)),
    (Col.REASON_CODE, field_bits(len(REASON_CODES))),
]


@dataclass(frozen=True)
class KeyLayout:
    """The packed keys' fields and widths for one run."""

    k1: list[tuple[str, int]]
    k2: list[tuple[str, int]]
    first_month: int  # year × 12 + month − 1 of the period's first day

    def fits(self) -> bool:
        return all(sum(b for _, b in k) <= _KEY_BITS for k in (self.k1, self.k2))


def key_layout(days: DayMap) -> KeyLayout:
    """Widths from this run's largest segment and window ids and the months of the period."""
    top_segment, top_window = days.max_ids()
    last = days.first + dt.timedelta(days=days.days - 1)
    months = (last.year - days.first.year) * 12 + last.month - days.first.month + 1
    k1 = [
        (Col.SEGMENT_ID, field_bits(top_segment + 2)),  # id + 1, and 0 for 'no segment'
        (Col.WINDOW_ID, field_bits(top_window + 2)),
        (Col.MONTH, field_bits(months)),
    ]
    return KeyLayout(k1, _K2_FIELDS, days.first.year * 12 + days.first.month - 1)


def _field_code(name: str, layout: KeyLayout) -> pl.Expr:
    """The field as a small non-negative integer (before the all-ones 'missing')."""
    col = pl.col(name)
    if name in (Col.SEGMENT_ID, Col.WINDOW_ID):
        return col.cast(pl.Int64) + 1  # 0 = no segment / window
    if name == Col.MONTH:
        month = col.dt.year().cast(pl.Int64) * 12 + col.dt.month().cast(pl.Int64) - 1
        return month - layout.first_month
    if name in KEY_TEXTS:
        return col.to_physical().cast(pl.Int64)
    return col.cast(pl.Int64)


def _pack(fields: list[tuple[str, int]], present: set[str], layout: KeyLayout) -> pl.Expr:
    key: pl.Expr = pl.lit(0, dtype=pl.Int64)
    for name, bits in fields:
        code = (
            _field_code(name, layout).fill_null((1 << bits) - 1) if name in present else pl.lit(0)
        )
        key = key * (1 << bits) + code
    return key


def _unpacked(
    facts: pl.DataFrame,
    dtypes: dict[str, pl.DataType],
    categories: Mapping[str, pl.Categories],
    layout: KeyLayout,
) -> pl.DataFrame:
    """The grouped packed keys back to the key columns (texts as plain strings)."""
    valid = pl.col(_K2) >= 0
    columns: list[pl.Expr] = []
    for key, fields in ((_K1, layout.k1), (_K2, layout.k2)):
        shift = 0
        for name, bits in reversed(fields):
            field = (pl.col(key) // (1 << shift)) % (1 << bits)
            shift += bits
            if name not in dtypes:
                continue
            code = pl.when(valid & (field != (1 << bits) - 1)).then(field)
            if name in (Col.SEGMENT_ID, Col.WINDOW_ID):
                columns.append(pl.when(code > 0).then(code - 1).cast(dtypes[name]).alias(name))
            elif name == Col.MONTH:
                month = code + layout.first_month
                columns.append(pl.date(month // 12, month % 12 + 1, 1).alias(name))
            elif name in categories:
                texts = categories[name].to_series()
                old = pl.Series(range(texts.len()), dtype=pl.Int64)
                columns.append(code.replace_strict(old, texts, default=None).alias(name))
            elif name == Col.REASON_CODE:
                columns.append(code.fill_null(0).cast(dtypes[name]).alias(name))
            else:
                columns.append(code.cast(dtypes[name]).alias(name))
    return facts.select(
        *columns,
        pl.when(valid).then(0).otherwise(-pl.col(_K2)).cast(pl.UInt8).alias(Col.ERROR_CODE),
        pl.when(valid).then(None).otherwise(pl.col(_K1)).alias(Col.ERROR_ROW),
        pl.lit(None, dtype=pl.String).alias(Col.ERROR_VALUE),
        pl.exclude(_K1, _K2),
    )


def fold_to_facts(
    visits: pl.LazyFrame,
    days: DayMap,
    months: bool = False,
    cutoff: dt.date | None = None,
    count_copies: bool = True,
    categories: Mapping[str, pl.Categories] | None = None,
) -> Fold:
    """Facts from coded visits (the parser's columns; `antal` and `fejlvaerdi` where a row
    stands for several visits or carries its value already), in one streaming pass; with
    `count_copies`, whether identical visits may be among them.

    Columns: segment_id, vindue_id, [maaned], [til_dato], team, paragraf, faggruppe, vagtkode,
    klinik, statuskode, rettidig_aflysning, aarsagskode, fejlkode, fejlraekke, fejlvaerdi,
    minutter (sum), antal (visits).

    Grouping on thirteen columns costs more than the parsing it follows, so where the visits
    are one per row and their text keys have categories of their own, the keys are packed into
    two integers and unpacked after; the plain group-by is the fallback (rows standing for
    several visits, more than 65 534 different teams, paragraphs or staff groups, or ids and
    months too many for 63 bits).
    """
    lf = _with_lookups(visits, days, months, cutoff)
    extra_keys = ([Col.MONTH] if months else []) + ([Col.UP_TO_DATE] if cutoff else [])
    keys = [Col.SEGMENT_ID, Col.WINDOW_ID, *extra_keys, *KEYS]
    one_per_row = Col.N_VISITS not in visits.collect_schema()
    layout = key_layout(days)
    if one_per_row and categories is not None and layout.fits():
        fold = _fold_packed(lf, keys, categories, count_copies, layout)
        if fold is not None:
            return fold
    grouped = lf.group_by([*keys, Col.ERROR_VALUE]).agg(*AGGREGATIONS)
    facts, copies = _collect(grouped, _visit_hashes(lf, keys) if count_copies else None)
    # As packed: an invalid visit keeps its row, code and value only.
    valid = pl.col(Col.ERROR_CODE) == 0
    blank = [k for k in keys if k not in (Col.ERROR_CODE, Col.ERROR_ROW, Col.REASON_CODE)]
    return Fold(facts.with_columns(pl.when(valid).then(pl.col(k)).alias(k) for k in blank), copies)


def _fold_packed(
    lf: pl.LazyFrame,
    keys: list[str],
    categories: Mapping[str, pl.Categories],
    count_copies: bool,
    layout: KeyLayout,
) -> Fold | None:
    """The fold grouped on the two packed keys; None when the texts outgrew their bits."""
    error = pl.col(Col.ERROR_CODE).cast(pl.Int64)
    with_keys = lf.with_columns(
        pl.when(error > 0)
        .then(pl.col(Col.ROW))
        .otherwise(_pack(layout.k1, set(keys), layout))
        .alias(_K1),
        pl.when(error > 0).then(-error).otherwise(_pack(layout.k2, set(keys), layout)).alias(_K2),
    )
    # one visit per row: the count is the group's length
    grouped = with_keys.group_by(_K1, _K2).agg(
        pl.col(Col.MINUTTER).fill_nan(None).sum(), pl.len().alias(Col.N_VISITS)
    )
    # K1 (segment, window, month) follows from the citizen and day the hash has already
    hashes = _visit_hashes(with_keys, [_K2]) if count_copies else None
    packed, copies = _collect(grouped, hashes)
    if any(categories[c].to_series().len() >= (1 << _TEXT_BITS) - 1 for c in KEY_TEXTS):
        return None
    schema = lf.collect_schema()
    dtypes = {k: schema[k] for k in keys if k not in (Col.ERROR_CODE, Col.ERROR_ROW)}
    names = [a.meta.output_name() for a in AGGREGATIONS]
    facts = _unpacked(packed, dtypes, categories, layout).select(*keys, Col.ERROR_VALUE, *names)
    return Fold(facts, copies)


def _decode(codes: list[str | None], column: str, name: str) -> pl.Expr:
    return pl.col(column).replace_strict(dict(enumerate(codes)), return_dtype=pl.String).alias(name)


def decode_facts(facts: pl.DataFrame, errors: list[tuple[str, str | None]]) -> pl.DataFrame:
    """Codes → the Danish words the reports use; text keys back to plain text."""
    reasons = [why for why, _ in errors]
    return facts.with_columns(
        *[pl.col(c).cast(pl.String) for c in (Col.TEAM, Col.PARAGRAF, Col.FAGGRUPPE)],
        _decode(SHIFT_CODES, Col.SHIFT_CODE, Col.VAGT),  # type: ignore[arg-type]
        _decode(STATUS_CODES, Col.STATUS_CODE, Col.STATUS),  # type: ignore[arg-type]
        _decode(REASON_CODES, Col.REASON_CODE, Col.REASON),
        pl.col(Col.ERROR_CODE)
        .replace_strict(
            {**dict(enumerate([None, *reasons])), DUPLICATE_CODE: ERR_DUPLICATE},
            return_dtype=pl.String,
        )
        .alias(Col.ERROR),
    ).drop(Col.SHIFT_CODE, Col.STATUS_CODE, Col.REASON_CODE)


def citizens_by_month(parsed: pl.LazyFrame, last: dt.date) -> pl.DataFrame:
    """Citizens with delivered visits inside the model, per team and month, up to `last`: a
    second, narrow streaming pass (distinct citizens do not add up across facts)."""
    return (
        parsed.filter(
            (pl.col(Col.ERROR_CODE) == 0)
            & (pl.col(Col.REASON_CODE) == 0)
            & (pl.col(Col.DATO) <= last)
        )
        .group_by(
            pl.col(Col.TEAM).cast(pl.String), pl.col(Col.DATO).dt.truncate("1mo").alias(Col.MONTH)
        )
        .agg(pl.col(Col.BORGER).n_unique().alias(Col.CITIZENS))
        .collect(engine="streaming")
    )
