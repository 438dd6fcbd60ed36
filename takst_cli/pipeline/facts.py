"""The visits folded, in one streaming pass, to 'facts': minutes and visits per course segment,
observation window, price key, reason and error — the small table every output is made from.

Course segments and observation windows come from the (small) grants, so each visit's segment
is found in the stream: a join on the citizen against a one-row-per-citizen table of their
segment ranges ('slots'), then a short chain of date tests. No per-visit frame is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from takst_cli.models import ERR_DUPLICATE, Col
from takst_cli.pipeline.courses import SEG_END, SEG_START, SEGMENT_ID
from takst_cli.pipeline.parse import (
    DUPLICATE_CODE,
    ERROR_CODE,
    KEY_TEXTS,
    REASON_CODE,
    REASON_CODES,
    SHIFT_CODE,
    SHIFT_CODES,
    STATUS_CODE,
    STATUS_CODES,
)

WINDOW_ID = "vindue_id"  # the development course whose after-window holds the visit
MONTH = "maaned"  # first day of the visit's month
UP_TO_DATE = "til_dato"  # on or before the follow-up date
# What a fact is grouped by besides its segment, window and month: every key of a visit.
KEYS = [
    Col.TEAM,
    Col.PARAGRAF,
    Col.FAGGRUPPE,
    SHIFT_CODE,
    Col.KLINIK,
    STATUS_CODE,
    Col.TIMELY,
    REASON_CODE,
    ERROR_CODE,
    Col.ERROR_ROW,
]


def slots(ranges: pl.DataFrame, start: str, end: str, ident: str, prefix: str) -> pl.DataFrame:
    """One row per citizen with the ranges as columns {prefix}{i}a/b/id, highest priority
    first (the order of `ranges`)."""
    grouped = ranges.group_by(Col.BORGER, maintain_order=True).agg(
        pl.col(start), pl.col(end), pl.col(ident)
    )
    longest = grouped[ident].list.len().max()
    width = longest if isinstance(longest, int) else 0
    return grouped.select(
        pl.col(Col.BORGER).cast(pl.Categorical),
        *[
            pl.col(c).list.get(i, null_on_oob=True).alias(f"{prefix}{i}{tag}")
            for i in range(width)
            for c, tag in ((start, "a"), (end, "b"), (ident, "id"))
        ],
    )


def _pick(table: pl.DataFrame, prefix: str) -> pl.Expr:
    """The id of the first range (in priority order) that holds the visit's date."""
    width = sum(1 for c in table.columns if c.startswith(prefix) and c.endswith("id"))
    expr: pl.Expr = pl.lit(None, dtype=table.schema[f"{prefix}0id"] if width else pl.Int64)
    for i in reversed(range(width)):
        inside = pl.col(Col.DATO).is_between(pl.col(f"{prefix}{i}a"), pl.col(f"{prefix}{i}b"))
        expr = pl.when(inside).then(pl.col(f"{prefix}{i}id")).otherwise(expr)
    return expr


def segment_slots(segments: pl.DataFrame) -> pl.DataFrame:
    """Where a citizen's courses overlap, the latest-starting course wins."""
    ordered = segments.sort(
        [Col.BORGER, Col.START_DATO, Col.COURSE_ID, SEG_START],
        descending=[False, True, True, False],
    )
    return slots(ordered, SEG_START, SEG_END, SEGMENT_ID, "_s")


def window_slots(windows: pl.DataFrame, start: str, end: str) -> pl.DataFrame:
    ordered = windows.sort([Col.BORGER, start], descending=[False, True])
    return slots(ordered, start, end, Col.COURSE_ID, "_w")


def _with_lookups(
    visits: pl.LazyFrame,
    seg_slots: pl.DataFrame,
    win_slots: pl.DataFrame,
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
        pl.when(pl.col(ERROR_CODE) > 0).then(pl.col(Col.ROW)).alias(Col.ERROR_ROW),
        n.alias(Col.N_VISITS),
        value.alias(Col.ERROR_VALUE),
    )
    # One join for both lookups: segments and windows side by side, one row per citizen.
    tables = [t for t in (seg_slots, win_slots) if t.width > 1]
    if tables:
        lookup = tables[0]
        for other in tables[1:]:
            lookup = lookup.join(other, on=Col.BORGER, how="full", coalesce=True)
        lookup = lookup.with_columns(pl.col(Col.BORGER).cast(pl.String).cast(citizen))
        lf = lf.join(lookup.lazy(), on=Col.BORGER, how="left")
    return lf.with_columns(
        (_pick(seg_slots, "_s") if seg_slots.width > 1 else pl.lit(None, dtype=pl.UInt32)).alias(
            SEGMENT_ID
        ),
        (_pick(win_slots, "_w") if win_slots.width > 1 else pl.lit(None, dtype=pl.Int64)).alias(
            WINDOW_ID
        ),
        *([pl.col(Col.DATO).dt.truncate("1mo").alias(MONTH)] if months else []),
        *([(pl.col(Col.DATO) <= pl.lit(cutoff)).alias(UP_TO_DATE)] if cutoff else []),
    )


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
    hashed = lf.filter((pl.col(ERROR_CODE) == 0) & start.is_not_null()).with_columns(
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


# The packed keys. K1: segment + 1 | window + 1 | month (year × 12 + month − 1); K2: team |
# paragraph | staff group (codes of their own categories) | on or before the date | shift |
# clinic | status | timely | reason. Both stay below 2^63. An invalid visit is K1 = its row,
# K2 = −its error code: it needs nothing else. A field of all ones is a missing value.
_K1, _K2 = "_k1", "_k2"
_ID_BITS, _MONTH_BITS, _TEXT_BITS = 23, 17, 16
_K1_FIELDS = [(SEGMENT_ID, _ID_BITS), (WINDOW_ID, _ID_BITS), (MONTH, _MONTH_BITS)]
_K2_FIELDS = [
    (Col.TEAM, _TEXT_BITS),
    (Col.PARAGRAF, _TEXT_BITS),
    (Col.FAGGRUPPE, _TEXT_BITS),
    (UP_TO_DATE, 2),
    (SHIFT_CODE, 3),
    (Col.KLINIK, 2),
    (STATUS_CODE, 2),
    (Col.TIMELY, 2),
    (REASON_CODE, 3),
]


def _field_code(name: str) -> pl.Expr:
    """The field as a small non-negative integer (before the all-ones 'missing')."""
    col = pl.col(name)
    if name in (SEGMENT_ID, WINDOW_ID):
        return col.cast(pl.Int64) + 1  # 0 = no segment / window
    if name == MONTH:
        return (col.dt.year().cast(pl.Int64) * 12 + col.dt.month().cast(pl.Int64) - 1).clip(0)
    if name in KEY_TEXTS:
        return col.to_physical().cast(pl.Int64)
    return col.cast(pl.Int64)


def _pack(fields: list[tuple[str, int]], present: set[str]) -> pl.Expr:
    key: pl.Expr = pl.lit(0, dtype=pl.Int64)
    for name, bits in fields:
        code = _field_code(name).fill_null((1 << bits) - 1) if name in present else pl.lit(0)
        key = key * (1 << bits) + code
    return key


def _unpacked(
    facts: pl.DataFrame,
    dtypes: dict[str, pl.DataType],
    categories: Mapping[str, pl.Categories],
) -> pl.DataFrame:
    """The grouped packed keys back to the key columns (texts as plain strings)."""
    valid = pl.col(_K2) >= 0
    columns: list[pl.Expr] = []
    for key, fields in ((_K1, _K1_FIELDS), (_K2, _K2_FIELDS)):
        shift = 0
        for name, bits in reversed(fields):
            field = (pl.col(key) // (1 << shift)) % (1 << bits)
            shift += bits
            if name not in dtypes:
                continue
            code = pl.when(valid & (field != (1 << bits) - 1)).then(field)
            if name in (SEGMENT_ID, WINDOW_ID):
                columns.append(pl.when(code > 0).then(code - 1).cast(dtypes[name]).alias(name))
            elif name == MONTH:
                columns.append(pl.date(code // 12, code % 12 + 1, 1).alias(name))
            elif name in categories:
                texts = categories[name].to_series()
                old = pl.Series(range(texts.len()), dtype=pl.Int64)
                columns.append(code.replace_strict(old, texts, default=None).alias(name))
            elif name == REASON_CODE:
                columns.append(code.fill_null(0).cast(dtypes[name]).alias(name))
            else:
                columns.append(code.cast(dtypes[name]).alias(name))
    return facts.select(
        *columns,
        pl.when(valid).then(0).otherwise(-pl.col(_K2)).cast(pl.UInt8).alias(ERROR_CODE),
        pl.when(valid).then(None).otherwise(pl.col(_K1)).alias(Col.ERROR_ROW),
        pl.lit(None, dtype=pl.String).alias(Col.ERROR_VALUE),
        pl.exclude(_K1, _K2),
    )


def fold_to_facts(
    visits: pl.LazyFrame,
    seg_slots: pl.DataFrame,
    win_slots: pl.DataFrame,
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
    several visits, or more than 65 534 different teams, paragraphs or staff groups).
    """
    lf = _with_lookups(visits, seg_slots, win_slots, months, cutoff)
    extra_keys = ([MONTH] if months else []) + ([UP_TO_DATE] if cutoff else [])
    keys = [SEGMENT_ID, WINDOW_ID, *extra_keys, *KEYS]
    one_per_row = Col.N_VISITS not in visits.collect_schema()
    if one_per_row and categories is not None and _ids_fit(seg_slots, win_slots):
        fold = _fold_packed(lf, keys, categories, count_copies)
        if fold is not None:
            return fold
    grouped = lf.group_by([*keys, Col.ERROR_VALUE]).agg(*AGGREGATIONS)
    facts, copies = _collect(grouped, _visit_hashes(lf, keys) if count_copies else None)
    # As packed: an invalid visit keeps its row, code and value only.
    valid = pl.col(ERROR_CODE) == 0
    blank = [k for k in keys if k not in (ERROR_CODE, Col.ERROR_ROW, REASON_CODE)]
    return Fold(facts.with_columns(pl.when(valid).then(pl.col(k)).alias(k) for k in blank), copies)


def _fold_packed(
    lf: pl.LazyFrame, keys: list[str], categories: Mapping[str, pl.Categories], count_copies: bool
) -> Fold | None:
    """The fold grouped on the two packed keys; None when the texts outgrew their bits."""
    error = pl.col(ERROR_CODE).cast(pl.Int64)
    with_keys = lf.with_columns(
        pl.when(error > 0).then(pl.col(Col.ROW)).otherwise(_pack(_K1_FIELDS, set(keys))).alias(_K1),
        pl.when(error > 0).then(-error).otherwise(_pack(_K2_FIELDS, set(keys))).alias(_K2),
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
    dtypes = {k: schema[k] for k in keys if k not in (ERROR_CODE, Col.ERROR_ROW)}
    names = [a.meta.output_name() for a in AGGREGATIONS]
    facts = _unpacked(packed, dtypes, categories).select(*keys, Col.ERROR_VALUE, *names)
    return Fold(facts, copies)


def _ids_fit(*tables: pl.DataFrame) -> bool:
    """Segment and window ids (+ 1, and all ones kept for 'missing') fit their bits."""
    for table in tables:
        for c in table.columns:
            if c.endswith("id") and c != Col.BORGER and table.height:
                top = table[c].max()
                if top is not None and int(top) >= (1 << _ID_BITS) - 2:  # type: ignore[arg-type]
                    return False
    return True


def _decode(codes: list[str | None], column: str, name: str) -> pl.Expr:
    return pl.col(column).replace_strict(dict(enumerate(codes)), return_dtype=pl.String).alias(name)


def decode_facts(facts: pl.DataFrame, errors: list[tuple[str, str | None]]) -> pl.DataFrame:
    """Codes → the Danish words the reports use; text keys back to plain text."""
    reasons = [why for why, _ in errors]
    return facts.with_columns(
        *[pl.col(c).cast(pl.String) for c in (Col.TEAM, Col.PARAGRAF, Col.FAGGRUPPE)],
        _decode(SHIFT_CODES, SHIFT_CODE, Col.VAGT),  # type: ignore[arg-type]
        _decode(STATUS_CODES, STATUS_CODE, Col.STATUS),  # type: ignore[arg-type]
        _decode(REASON_CODES, REASON_CODE, Col.REASON),
        pl.col(ERROR_CODE)
        .replace_strict(
            {**dict(enumerate([None, *reasons])), DUPLICATE_CODE: ERR_DUPLICATE},
            return_dtype=pl.String,
        )
        .alias(Col.ERROR),
    ).drop(SHIFT_CODE, STATUS_CODE, REASON_CODE)


def citizens_by_month(parsed: pl.LazyFrame, last: dt.date) -> pl.DataFrame:
    """Citizens with delivered visits inside the model, per team and month, up to `last`: a
    second, narrow streaming pass (distinct citizens do not add up across facts)."""
    return (
        parsed.filter(
            (pl.col(ERROR_CODE) == 0) & (pl.col(REASON_CODE) == 0) & (pl.col(Col.DATO) <= last)
        )
        .group_by(
            pl.col(Col.TEAM).cast(pl.String), pl.col(Col.DATO).dt.truncate("1mo").alias(MONTH)
        )
        .agg(pl.col(Col.BORGER).n_unique().alias("borgere"))
        .collect(engine="streaming")
    )
