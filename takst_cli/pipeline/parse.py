"""Parse the text columns of the inputs into typed columns, marking each invalid row with why.

A row gets `Col.ERROR` (the first problem found), `Col.ERROR_VALUE` (the offending text) and
keeps its `Col.ROW`, so the run can stop with file:row or exclude and list the row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import polars as pl

from takst_cli.config import ModelConfig
from takst_cli.errors import DataError
from takst_cli.models import (
    COURSE_TYPE_WORDS,
    ERR_ABSURD_MINUTES,
    ERR_CANCELLED_BY,
    ERR_CLINIC,
    ERR_DATE,
    ERR_END_BEFORE_START,
    ERR_HOURS,
    ERR_MINUTES,
    ERR_MISSING,
    ERR_MISSING_ID,
    ERR_NEG_MINUTES,
    ERR_OUTSIDE,
    ERR_SHIFT,
    ERR_SHORT_YEAR,
    ERR_STAFF,
    ERR_STAMP,
    ERR_STATUS,
    ERR_TIME,
    ERR_TYPE,
    REASON_CANCELLED,
    REASON_EMPTY,
    REASON_NIGHT,
    REASON_PARAGRAPH,
    Col,
    Shift,
    Status,
)
from takst_cli.pipeline.pseudonym import CPR_SEPARATOR

_DATE_FORMATS = ("%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y")
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H.%M")

_SHIFT_WORDS = {
    "dag": Shift.DAG,
    "dagvagt": Shift.DAG,
    "aften": Shift.AFTEN,
    "aftenvagt": Shift.AFTEN,
    "nat": Shift.NAT,
    "natvagt": Shift.NAT,
    "nattevagt": Shift.NAT,
    "weekend": Shift.WEEKEND,
    "weekendvagt": Shift.WEEKEND,
}
_STATUS_WORDS = {
    "leveret": Status.LEVERET,
    "udført": Status.LEVERET,
    "udfoert": Status.LEVERET,
    "gennemført": Status.LEVERET,
    "aflyst": Status.AFLYST,
    "annulleret": Status.AFLYST,
}
_TRUE = ["ja", "j", "1", "true", "sand", "x", "yes"]
_FALSE = ["nej", "n", "0", "false", "falsk", "no"]


# %Y takes '25' as the year 25: a year before 1000 is a two-digit year, never a real one.
FIRST_YEAR = dt.date(1000, 1, 1)
_SHORT_YEAR = r"^(\d{1,2})([-./])(\d{1,2})([-./])(\d{2})$"  # dd-mm-yy, dd.mm.yy, dd/mm/yy
_TIME_PART = r"[ T].*$"  # what follows the date in a date-and-time text
# A number as each convention writes it: digits, optionally in groups of three (never a group
# led by 0: '0.125' is a decimal) split by its thousands separator or by a space (also a
# non-breaking one, as a spreadsheet's formatting gives: both conventions read that alike),
# then an optional decimal part.
_SPACE = "[ \u00a0\u202f]"
_DANISH = rf"^[+-]?(\d+|[1-9]\d{{0,2}}(\.\d{{3}})+|[1-9]\d{{0,2}}({_SPACE}\d{{3}})+)(,\d+)?$"
_INTERNATIONAL = rf"^[+-]?(\d+|[1-9]\d{{0,2}}(,\d{{3}})+|[1-9]\d{{0,2}}({_SPACE}\d{{3}})+)(\.\d+)?$"
DANSK, INTERNATIONAL = "dansk", "international"
# Citizen ids: a CPR number with its date valid (ddmmyy), and one of day 01-09 whose leading 0
# a spreadsheet dropped when it stored the id as a number.
_CPR_10 = r"^(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{6}$"
_CPR_9 = r"^[1-9](0[1-9]|1[0-2])\d{6}$"


@dataclass(frozen=True)
class Notation:
    """What the model file says about values a column may leave open (`data.talformat`,
    `data.aarhundrede`); None = not said, and such a value stops the run."""

    talformat: str | None = None
    aarhundrede: int | None = None

    @staticmethod
    def of(cfg: ModelConfig) -> Notation:
        return Notation(cfg.data.talformat, cfg.data.aarhundrede)


def _text(name: str) -> pl.Expr:
    return pl.col(name).str.strip_chars()


@dataclass(frozen=True)
class ColumnFormat:
    """How one text column is written in this file, read off a sample of its values (or off
    the whole column: `whole`), so each row is parsed once with the right format instead of
    trying every format on every row. A sampled format that fails on a row is a reason to look
    at the whole column, not yet an invalid row."""

    formats: tuple[str, ...] = ()
    strip: bool = False  # values carry surrounding spaces
    cut: bool = False  # dates with a time part, or clock times after a date
    comma: bool = False  # numbers: a decimal comma seen, and no point
    point: bool = False  # numbers: a decimal point seen, and no comma
    whole: bool = False  # read off the whole column: a value that fails is invalid
    ragged: bool = False  # not one plain form: numbers read both ways, dates cut at the space
    reading: str | None = None  # numbers: how a value the conventions read apart (1.071) is read
    century: int | None = None  # dates: the century of a two-digit year (2000)


def _matches(values: list[str], fmt: str, dtype: type[pl.Date] | type[pl.Time]) -> int:
    parsed = pl.Series(values, dtype=pl.String).str.strptime(dtype, fmt, strict=False)
    return len(values) - parsed.null_count()


def _danish_value(s: pl.Expr) -> pl.Expr:
    return (
        s.str.replace_all(rf"\.|{_SPACE}", "")
        .str.replace(",", ".", literal=True)
        .cast(pl.Float64, strict=False)
    )


def _international_value(s: pl.Expr) -> pl.Expr:
    return s.str.replace_all(rf",|{_SPACE}", "").cast(pl.Float64, strict=False)


def number_kinds(s: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Whether a value only the Danish convention reads (`22,5`, `1.071,0`, `1.234.567`), only
    the international one reads (`22.5`, `1,071.0`), or both read apart (`1.071`: 1071 or
    1,071)."""
    danish, international = s.str.contains(_DANISH), s.str.contains(_INTERNATIONAL)
    apart = danish & international & (_danish_value(s) != _international_value(s))
    return danish & ~international, international & ~danish, apart


def detect_format(
    values: list[str | None], kind: str, notation: Notation | None = None
) -> ColumnFormat:
    """The formats a sample of a column uses: the best one first, others only where the sample
    shows them (a file mixing date styles still parses)."""
    texts = [v for v in values if v is not None and v.strip()]
    strip = any(v != v.strip() for v in texts)
    texts = [v.strip() for v in texts]
    if kind == "text":
        return ColumnFormat(strip=strip)
    if kind == "number":
        sample = pl.DataFrame({"v": texts}, schema={"v": pl.String})
        danish, international, _ = sample.select(
            *[k.any().alias(str(i)) for i, k in enumerate(number_kinds(pl.col("v")))]
        ).row(0)
        # A plain cast where the sample is plain; a value it fails on sends the column to be
        # read whole (see `parse_number`). Anything else reads every value both ways.
        comma = bool(danish) and not any("." in v for v in texts)
        point = bool(international) and not any("," in v for v in texts)
        plain = not any("," in v or "." in v for v in texts)
        return ColumnFormat(
            strip=strip, comma=comma, point=point, ragged=not (comma or point or plain)
        )
    candidates, dtype = (_DATE_FORMATS, pl.Date) if kind == "date" else (_TIME_FORMATS, pl.Time)
    long = [v for v in texts if len(v) > (10 if kind == "date" else 8)]
    ragged = kind == "date" and any(v[10] not in " T" for v in long)
    if long:
        texts = [_date_part(v) if kind == "date" else v.split(" ")[-1] for v in texts]
    century = notation.aarhundrede if notation and kind == "date" else None
    if century is not None and any(_SHORT_RE.match(v) for v in texts):
        texts = [_SHORT_RE.sub(rf"\1\2\3\g<4>{century // 100}\5", v) for v in texts]
    else:
        century = None
    if not texts:  # nothing to go by: try every format (slower, but never silently wrong)
        return ColumnFormat(tuple(candidates), strip=True, cut=True, ragged=True)
    scored = sorted(candidates, key=lambda f: -_matches(texts, f, dtype))
    used = tuple(f for f in scored if _matches(texts, f, dtype)) or tuple(scored[:1])
    return ColumnFormat(used, strip, bool(long), ragged=ragged, century=century)


_SHORT_RE = re.compile(_SHORT_YEAR)


def _date_part(text: str) -> str:
    return text.replace("T", " ").split(" ")[0]


def _prepared(name: str, fmt: ColumnFormat) -> pl.Expr:
    return _text(name) if fmt.strip else pl.col(name)


def parse_number(name: str, fmt: ColumnFormat | None = None) -> pl.Expr:
    """A number by its column's convention (SPEC §3). A value only one convention reads is
    read by it (`22,5`, `22.5`, `1.071,0`, `1.234.567`); one they read apart (`1.071`,
    `1,071`) by `fmt.reading`, else it is null (invalid). Where the values are plain (read off
    a sample, or off the whole column's distinct values): integers, a decimal comma (from a
    sample with `number_guard`) or a decimal point, each by a plain cast."""
    fmt = fmt or ColumnFormat(strip=True, whole=True, ragged=True)
    s = _prepared(name, fmt)
    if fmt.ragged:
        danish, international = s.str.contains(_DANISH), s.str.contains(_INTERNATIONAL)
        dk, intl = _danish_value(s), _international_value(s)
        apart = dk if fmt.reading == DANSK else intl if fmt.reading == INTERNATIONAL else None
        both = pl.when(dk == intl).then(dk) if apart is None else apart
        return (
            pl.when(danish & international)
            .then(both)
            .when(danish)
            .then(dk)
            .when(international)
            .then(intl)
        )
    if fmt.comma:
        return s.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    if fmt.point:  # a comma fails the cast
        return s.cast(pl.Float64, strict=False)
    return s.cast(pl.Int64, strict=False).cast(pl.Float64)


def number_guard(name: str, fmt: ColumnFormat | None) -> pl.Expr | None:
    """Rows a sampled decimal-comma reading must not take as read: those with a point (`1.071`
    is 1071 in a Danish column; `22.5` says the column may not be one). A byte test beside the
    cast, not a branch in it: the cheap way on ten million rows."""
    if fmt is None or fmt.whole or not fmt.comma:
        return None
    return _prepared(name, fmt).cast(pl.Binary).bin.contains(b".")


def parse_date(name: str, fmt: ColumnFormat | None = None, short: bool = False) -> pl.Expr:
    """dd-mm-yyyy, d-m-yyyy, dd.mm.yyyy, ISO or dd/mm/yyyy, each also with a time part (as
    spreadsheets give); read whole, a column may mix them (no text reads two ways). A
    two-digit year only with `fmt.century`; else null, or with `short` kept as the year it
    reads (before `FIRST_YEAR`) for the caller to name. An empty text is no date."""
    fmt = fmt or ColumnFormat(_DATE_FORMATS, strip=True, cut=True, whole=True, ragged=True)
    s = _prepared(name, fmt)
    if fmt.cut and fmt.ragged:
        s = pl.when(s.str.len_bytes() > 10).then(s.str.replace(_TIME_PART, "")).otherwise(s)
    elif fmt.cut:
        s = s.str.slice(0, 10)
    if fmt.century is not None:
        s = s.str.replace(_SHORT_YEAR, f"${{1}}${{2}}${{3}}${{4}}{fmt.century // 100}${{5}}")
    parsed = [s.str.strptime(pl.Date, f, strict=False) for f in fmt.formats]
    date = parsed[0] if len(parsed) == 1 else pl.coalesce(parsed)
    return date if short else pl.when(date >= pl.lit(FIRST_YEAR)).then(date)


def parse_time(name: str, fmt: ColumnFormat | None = None) -> pl.Expr:
    fmt = fmt or ColumnFormat(_TIME_FORMATS, strip=True, cut=True, whole=True)
    s = _prepared(name, fmt)
    if fmt.cut:  # a spreadsheet may give a full timestamp; keep the clock part
        s = pl.when(s.str.len_chars() > 8).then(s.str.split(" ").list.last()).otherwise(s)
    parsed = [s.str.strptime(pl.Time, f, strict=False) for f in fmt.formats]
    return parsed[0] if len(parsed) == 1 else pl.coalesce(parsed)


def parse_datetime(
    name: str, date_fmt: ColumnFormat | None = None, time_fmt: ColumnFormat | None = None
) -> pl.Expr:
    date = parse_date(name, date_fmt)
    time = parse_time(name, time_fmt)
    return date.dt.combine(pl.coalesce(time, pl.lit(dt.time(0, 0))))


def given(name: str, present: set[str]) -> pl.Expr:
    """The text of an optional column as given: null where absent, empty or blank (a quoted
    empty field `""` is no value)."""
    if name not in present:
        return pl.lit(None, dtype=pl.String)
    return pl.when(_text(name) != "").then(_text(name))


def normal_ids(name: str, cpr: bool) -> pl.Expr:
    """Citizen ids in one form before any join: trimmed; a number's '.0' (a float cell) gone;
    a CPR number's dash or space gone (`010101-1234`, `010101 1234` → `0101011234`; any of
    `CPR_SEPARATOR`); and in a column of CPR numbers (`cpr`, see `cpr_column`) a 9-digit one
    given back its leading 0."""
    s = (
        _text(name)
        .str.replace(r"^(\d+)\.0+$", "${1}")
        .str.replace(rf"^(\d{{6}}){CPR_SEPARATOR}(\d{{4}})$", "${1}${2}")
    )
    return pl.when(s.str.contains(_CPR_9)).then(pl.lit("0") + s).otherwise(s) if cpr else s


def cpr_column(ids: pl.Series) -> bool:
    """Whether a column's distinct citizen ids are CPR numbers: some are numbers of 9 or 10
    digits, and every such number is a CPR number with a valid date. A column of other
    numbers keeps its ids as written, and so do ids like B000123 beside CPR numbers."""
    frame = pl.DataFrame({Col.BORGER: ids.cast(pl.String)})
    numbers = frame.select(normal_ids(Col.BORGER, False)).to_series().drop_nulls()
    numbers = numbers.filter(numbers.str.contains(r"^\d{9,10}$"))
    return numbers.len() > 0 and bool(
        (numbers.str.contains(_CPR_10) | numbers.str.contains(_CPR_9)).all()
    )


def with_normal_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its citizen ids in normal form (`normal_ids`), decided on its own ids.
    Worked on the distinct ids: a long grant history repeats each many times."""
    ids = frame[Col.BORGER].drop_nulls().unique()
    cpr = cpr_column(ids)
    pairs = (
        pl.DataFrame({Col.BORGER: ids})
        .with_columns(normal_ids(Col.BORGER, cpr).alias("_normal"))
        .filter(pl.col(Col.BORGER) != pl.col("_normal"))
    )
    if pairs.height == 0:
        return frame
    return frame.with_columns(pl.col(Col.BORGER).replace(pairs[Col.BORGER], pairs["_normal"]))


def ids_written_otherwise(ids: pl.Series) -> bool | None:
    """For a column's distinct ids: None when all are in normal form; else whether it is a
    column of CPR numbers (the argument for reading it again through `normal_ids`)."""
    cpr = cpr_column(ids)
    frame = pl.DataFrame({Col.BORGER: ids.cast(pl.String)})
    normal = frame.select(normal_ids(Col.BORGER, cpr)).to_series()
    # spaces alone are the trimmed read's to mend (`untidy`): cheaper than `normal_ids`
    written = frame[Col.BORGER].str.strip_chars()
    return cpr if bool((normal != written).fill_null(False).any()) else None


def ids_apart(ids: pl.Series, others: pl.Series) -> int:
    """How many citizens one file writes as a 9-digit number (a CPR number that lost its 0, in
    a column `cpr_column` could not call one of CPR numbers) where the other writes the CPR
    number: the same citizen, not joined. Both sets of ids in normal form, distinct."""

    def padded(s: pl.Series) -> set[str]:
        texts = s.cast(pl.String).drop_nulls()
        return {"0" + t for t in texts.filter(texts.str.contains(_CPR_9)).to_list()}

    written = set(ids.cast(pl.String).drop_nulls().to_list())
    other = set(others.cast(pl.String).drop_nulls().to_list())
    return len(padded(ids) & other) + len(padded(others) & written)


def _cases(words: Mapping[str, object]) -> dict[str, object]:
    """Each word as written in lower case, capitalised and upper case."""
    out: dict[str, object] = {}
    for w, v in words.items():
        out.update({w: v, w.capitalize(): v, w.upper(): v})
    return out


def _word(name: str, words: Mapping[str, str]) -> pl.Expr:
    lowered = _text(name).str.to_lowercase()
    return lowered.replace_strict(dict(words), default=None, return_dtype=pl.String)


def _bool(s: pl.Expr) -> pl.Expr:
    return (
        pl.when(s.is_null() | (s == ""))
        .then(False)
        .when(s.is_in(list(_cases(dict.fromkeys(_TRUE, True)))))
        .then(True)
        .when(s.is_in(list(_cases(dict.fromkeys(_FALSE, False)))))
        .then(False)
        .otherwise(None)
    )


def _first_error(checks: list[tuple[pl.Expr, str, pl.Expr]]) -> tuple[pl.Expr, pl.Expr]:
    """The first failing check's reason and the offending text, as two expressions."""
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    value: pl.Expr = pl.lit(None, dtype=pl.String)
    for failed, why, shown in reversed(checks):
        reason = pl.when(failed).then(pl.lit(why)).otherwise(reason)
        value = pl.when(failed).then(shown.cast(pl.String)).otherwise(value)
    return reason, value


def _opt(name: str, present: set[str]) -> pl.Expr:
    return pl.col(name) if name in present else pl.lit(None, dtype=pl.String)


def empty_row(present: set[str]) -> pl.Expr:
    """Every mapped field of the row missing: a line of nothing but separators, or an empty
    (formatted) sheet row. On the raw text, before a column is replaced by its parsed value;
    null tests only, so it costs nothing next to the parse."""
    return pl.all_horizontal(pl.col(c).is_null() for c in sorted(present))


def scope_paragraphs(cfg: ModelConfig) -> list[str]:
    """Paragraphs in the model: the union of the course types' paragraphs (normal form)."""
    return cfg.forloeb.paragraphs_in


KEY_TEXTS = (Col.TEAM, Col.PARAGRAF, Col.FAGGRUPPE)  # the text keys of a visit
# Text filled in on every row: trimming them all costs a quarter of the parse, so a file whose
# sample shows no surrounding spaces is read untrimmed first (see `untidy`).
DENSE_TEXTS = (Col.BORGER, *KEY_TEXTS, Col.KLINIK, Col.STATUS, Col.VAGT)
SHIFT_CODES = [Shift.DAG.value, Shift.AFTEN.value, Shift.NAT.value, Shift.WEEKEND.value]
STATUS_CODES = [Status.LEVERET.value, Status.AFLYST.value]
REASON_CODES: list[str | None] = [
    None,
    REASON_NIGHT,
    "vagt uden for modellen",
    REASON_PARAGRAPH,
    REASON_CANCELLED,
    REASON_EMPTY,
]
DUPLICATE_CODE = 250  # error code of an extra copy of a visit


@dataclass(frozen=True)
class ParsedVisits:
    """The typed visits and what each error code means: (reason, raw field shown or None).
    Code 0 is a valid row; code k is `errors[k - 1]`."""

    frame: pl.LazyFrame
    errors: list[tuple[str, str | None]]
    # the citizen's and each text key's own categories (dense codes, and the values seen)
    categories: Mapping[str, pl.Categories]


def _code(expr: pl.Expr, words: Mapping[str, str], codes: list[str]) -> pl.Expr:
    """Text → small integer code through a word list (None when the word is unknown). A chain
    of is_in tests: it streams in constant memory, where a replace map does not."""
    out: pl.Expr = pl.lit(None, dtype=pl.UInt8)
    for code in reversed(range(len(codes))):
        spelled = [w for w, v in _cases(dict(words)).items() if v == codes[code]]
        out = pl.when(expr.is_in(spelled)).then(pl.lit(code, dtype=pl.UInt8)).otherwise(out)
    return out


def _first_code(checks: list[pl.Expr]) -> pl.Expr:
    """1 + the index of the first failing check, 0 when all pass: small integers only, so the
    chain stays cheap on ten million rows."""
    code: pl.Expr = pl.lit(0, dtype=pl.UInt8)
    for k, failed in reversed(list(enumerate(checks, start=1))):
        code = pl.when(failed.fill_null(False)).then(pl.lit(k, dtype=pl.UInt8)).otherwise(code)
    return code


def derive_shift_code(cfg: ModelConfig, date: pl.Expr, start: pl.Expr) -> pl.Expr:
    """Shift code from clock and weekday: night hours first, then Saturday/Sunday, evening."""
    v = cfg.vagter
    night = (start >= pl.lit(v.nat_fra)) | (start < pl.lit(v.dag_fra))
    code = SHIFT_CODES.index
    return (
        pl.when(start.is_not_null() & night)
        .then(pl.lit(code(Shift.NAT.value), dtype=pl.UInt8))
        .when(date.dt.weekday() >= 6)
        .then(pl.lit(code(Shift.WEEKEND.value), dtype=pl.UInt8))
        .when(start.is_not_null() & (start >= pl.lit(v.aften_fra)))
        .then(pl.lit(code(Shift.AFTEN.value), dtype=pl.UInt8))
        .otherwise(pl.lit(code(Shift.DAG.value), dtype=pl.UInt8))
    )


SAMPLE_ROWS = 5000
VISIT_KINDS = {Col.DATO: "date", Col.START: "time", Col.MINUTTER: "number"}


def sample_formats(
    raw: pl.LazyFrame, present: set[str], notation: Notation | None = None
) -> dict[str, ColumnFormat]:
    """Formats of the date, time and number columns, and whether the text columns carry
    surrounding spaces, read off the first rows of the file."""
    kinds = {**VISIT_KINDS, **dict.fromkeys(DENSE_TEXTS, "text")}
    cols = [c for c in kinds if c in present]
    stamp = Col.AFLYST_TIDSPUNKT in present
    head = raw.select(*cols, *([Col.AFLYST_TIDSPUNKT] if stamp else [])).head(SAMPLE_ROWS)
    sample = head.collect()
    out = {c: detect_format(sample[c].to_list(), kinds[c], notation) for c in cols}
    if stamp:  # a cancellation time: its date part and its clock part
        values = sample[Col.AFLYST_TIDSPUNKT].to_list()
        out[Col.DATE_OF_STAMP] = detect_format(values, "date", notation)
        out[Col.TIME_OF_STAMP] = detect_format(
            [v.strip().split(" ")[-1] if v and " " in v.strip() else None for v in values], "time"
        )
    return out


def sample_paragraphs(raw: pl.LazyFrame) -> list[str]:
    """The paragraphs the first rows of the file write (each spelling once)."""
    head = raw.select(Col.PARAGRAF).head(SAMPLE_ROWS).unique().collect()
    return head[Col.PARAGRAF].drop_nulls().to_list()


def whole_dates(notation: Notation) -> ColumnFormat:
    """Dates read whole: every format, a time part cut, two-digit years by `aarhundrede`."""
    return ColumnFormat(
        _DATE_FORMATS, True, True, whole=True, ragged=True, century=notation.aarhundrede
    )


def whole_formats(
    raw: pl.LazyFrame,
    kinds: Mapping[str, str],
    notation: Notation,
    source: str,
    headers: Mapping[str, str] | None = None,
) -> dict[str, ColumnFormat]:
    """Formats read off whole columns (kind 'date', 'time' or 'number'), from each column's
    distinct values (few: days, minute counts), gathered in one pass: every date and time
    format the column uses; numbers by the convention the column shows. A column that shows
    neither convention, or both, and holds a value they read apart, stops the run naming it,
    unless `data.talformat` says which: never a guess. A key that is no column of `raw` (the
    parts of a cancellation time) gets every format."""
    names = raw.collect_schema().names()
    cols = [c for c in kinds if c in names]
    found = pl.collect_all([raw.select(_text(c).unique()) for c in cols], engine="streaming")
    distinct = {c: frame.to_series() for c, frame in zip(cols, found, strict=True)}
    out: dict[str, ColumnFormat] = {}
    for c, kind in kinds.items():
        if c not in distinct:
            out[c] = (
                whole_dates(notation)
                if kind == "date"
                else ColumnFormat(_TIME_FORMATS, True, True, whole=True, ragged=True)
            )
        elif kind == "number":
            out[c] = _whole_number(raw, c, distinct[c], notation, source, headers or {})
        else:
            seen = detect_format(distinct[c].to_list(), kind, notation)
            out[c] = replace(seen, strip=True, whole=True)
    return out


def _whole_number(
    raw: pl.LazyFrame,
    c: str,
    values: pl.Series,
    notation: Notation,
    source: str,
    headers: Mapping[str, str],
) -> ColumnFormat:
    """A number column's format from all its distinct values: the convention it shows decides
    a value the two read apart; the cheapest reading that is exact for every value."""
    frame = pl.DataFrame({"v": values})
    only_dk, only_intl, apart = (frame.filter(k)["v"] for k in number_kinds(pl.col("v")))
    dk_seen, intl_seen = only_dk.len() > 0, only_intl.len() > 0
    reading = notation.talformat
    if dk_seen != intl_seen:  # the column shows one convention: it decides
        reading = DANSK if dk_seen else INTERNATIONAL
    if reading is None and apart.len():
        row = raw.filter(_text(c).is_in(apart.implode())).select(pl.col(Col.ROW).min()).collect()
        first = int(row.item())
        value = raw.filter(pl.col(Col.ROW) == first).select(_text(c)).collect().item()
        raise DataError(_ambiguous(source, headers.get(c, c), first, value, dk_seen))
    texts = values.drop_nulls()
    point, comma = texts.str.contains(".", literal=True).any(), texts.str.contains(",").any()
    spaced = texts.str.contains(_SPACE).any()
    # a plain cast where it reads every value as the column means it; else each value both ways
    by_comma = comma and not (point or spaced or intl_seen or reading == INTERNATIONAL)
    by_point = point and not (comma or spaced or dk_seen or reading == DANSK)
    plain = not (point or comma or spaced)
    return ColumnFormat(
        strip=True,
        whole=True,
        reading=reading,
        comma=by_comma,
        point=by_point,
        ragged=not (by_comma or by_point or plain),
    )


def _shown(x: float) -> str:
    return f"{x:.10g}".replace(".", ",")


def _ambiguous(source: str, header: str, row: int, value: str, both: bool) -> str:
    frame = pl.DataFrame({"v": [value]})
    dk, intl = frame.select(
        _danish_value(pl.col("v")), _international_value(pl.col("v")).alias("i")
    ).row(0)
    shows = "bruger begge skrivemåder" if both else "viser ikke, hvilken skrivemåde den bruger"
    return (
        f"{source}: kolonnen '{header}' række {row}: '{value}' kan være {_shown(dk)} "
        f"(data.talformat: dansk) eller {_shown(intl)} (data.talformat: international), og "
        f"kolonnen {shows}; angiv data.talformat i modelfilen"
    )


# The parse reasons a format read off the sample can give a value it reads another way: the
# column is then read again by its whole-column format before any row is called invalid.
_SAMPLED_COLUMNS = {
    ERR_DATE: {Col.DATO: "date"},
    ERR_MINUTES: {Col.MINUTTER: "number"},
    ERR_TIME: {Col.START: "time"},
    ERR_STAMP: {Col.DATE_OF_STAMP: "date", Col.TIME_OF_STAMP: "time"},
}


def columns_to_read_whole(
    parsed: ParsedVisits,
    error_codes: pl.Series,
    formats: Mapping[str, ColumnFormat],
    notation: Notation,
) -> dict[str, str]:
    """The columns (and kinds) whose sampled format failed on some row: only a file with such
    failures pays a second read. A two-digit year counts only where `data.aarhundrede` can
    read it."""
    failed = {
        parsed.errors[k - 1][0]
        for k in error_codes.unique().to_list()
        if 0 < k <= len(parsed.errors)
    }
    sampled = dict(_SAMPLED_COLUMNS)
    if notation.aarhundrede is not None:
        sampled[ERR_SHORT_YEAR] = {Col.DATO: "date"}
    out: dict[str, str] = {}
    for why in failed & set(sampled):
        out.update(sampled[why])
    return {c: kind for c, kind in out.items() if c in formats and not formats[c].whole}


def _clock_of(fmt: ColumnFormat | None) -> ColumnFormat | None:
    """The clock part of a date-and-time text is always after a space: cut there."""
    return None if fmt is None else ColumnFormat(fmt.formats, True, True)


def parse_visits(
    raw: pl.LazyFrame,
    cfg: ModelConfig,
    present: set[str],
    period: tuple[dt.date, dt.date] | None,
    formats: Mapping[str, ColumnFormat] | None = None,
    trim: bool = True,
    paragraphs: Collection[str] | None = None,
    ids: bool | None = None,
) -> ParsedVisits:
    """Typed visits; every row gets an error code (0 = valid) and a reason code (0 = inside the
    model, else night / other shift / paragraph / cancelled), both decoded after aggregation.
    `trim=False` leaves the text filled in on every row untrimmed (see `untidy`).
    `paragraphs`: every spelling in the data of a paragraph in the model ('SEL 83' as well as
    'SEL §83'); by default the model's own. Compared exactly: normalising each of ten million
    rows would cost more than the parse (see `run._fold_visits`). `ids` (None = as written)
    reads the citizen ids through `normal_ids`, True in a column of CPR numbers.

    Columns: raekke, borger_id, dato (Date), start (Time), minutter (float, minutes), paragraf,
    faggruppe, team, vagtkode, klinik (bool), statuskode, rettidig_aflysning (bool), aarsagskode,
    fejlkode.
    """

    def dense(c: str) -> pl.Expr:
        return _text(c) if trim else pl.col(c)

    opt_text = {
        c: (dense(c) if c in DENSE_TEXTS else _text(c))
        if c in present
        else pl.lit(None, dtype=pl.String)
        for c in (Col.VAGT, Col.STATUS, Col.KLINIK, Col.AFLYST_AF)
    }
    formats = formats or {}
    start = (
        parse_time(Col.START, formats.get(Col.START))
        if Col.START in present
        else pl.lit(None, dtype=pl.Time)
    )
    given_shift = _code(opt_text[Col.VAGT], _SHIFT_WORDS, SHIFT_CODES)
    status = (
        pl.when(opt_text[Col.STATUS].is_null())
        .then(pl.lit(0, dtype=pl.UInt8))
        .otherwise(_code(opt_text[Col.STATUS], _STATUS_WORDS, STATUS_CODES))
    )
    staff = [g.navn for g in cfg.timepris.faggrupper]
    # who cancelled: lower case against the model's words; an unknown word is an invalid row,
    # never taken for the provider (that would pay the team for the citizen's cancellation)
    cancelled_by = opt_text[Col.AFLYST_AF].str.to_lowercase()
    by_citizen = cancelled_by.is_in(cfg.tildeling.aflyst_af.borger)
    by_provider = cancelled_by.is_in(cfg.tildeling.aflyst_af.leverandoer)
    # Text keys become categoricals: the group-by over millions of visits hashes integers.
    # Citizen, team, paragraph and staff group each get categories of their own, fresh for
    # this run: their codes count from 0 (the fold packs them into its keys), and `untidy`
    # can read off the values seen.
    categories = {c: pl.Categories.random() for c in (Col.BORGER, *KEY_TEXTS)}
    citizen = dense(Col.BORGER) if ids is None else normal_ids(Col.BORGER, ids)
    guard = number_guard(Col.MINUTTER, formats.get(Col.MINUTTER))
    typed = raw.with_columns(
        citizen.cast(pl.Categorical(categories[Col.BORGER])).alias(Col.BORGER),
        *[dense(c).cast(pl.Categorical(categories[c])).alias(c) for c in KEY_TEXTS],
        parse_date(Col.DATO, formats.get(Col.DATO), short=True).alias(Col.DATO),
        start.alias(Col.START),
        parse_number(Col.MINUTTER, formats.get(Col.MINUTTER)).alias(Col.MINUTTER),
        (pl.lit(False) if guard is None else guard).alias("_not_as_sampled"),
        empty_row(present).alias("_empty"),
        given_shift.alias("_given_shift"),
        (_bool(opt_text[Col.KLINIK]) if Col.KLINIK in present else pl.lit(False)).alias(Col.KLINIK),
        status.alias(Col.STATUS_CODE),
        (
            parse_datetime(
                Col.AFLYST_TIDSPUNKT,
                formats.get(Col.DATE_OF_STAMP),
                _clock_of(formats.get(Col.TIME_OF_STAMP)),
            )
            if Col.AFLYST_TIDSPUNKT in present
            else pl.lit(None, dtype=pl.Datetime("us"))
        ).alias(Col.AFLYST_TIDSPUNKT),
        by_citizen.alias(Col.AFLYST_AF),
        ((cancelled_by != "") & ~by_citizen & ~by_provider).alias("_unknown_canceller"),
        # blank or not is the same trimmed or not (an empty cell is read as missing)
        (pl.col(Col.START) if Col.START in present else pl.lit(None, dtype=pl.String)).alias(
            "_raw_start"
        ),
        (
            _text(Col.AFLYST_TIDSPUNKT)
            if Col.AFLYST_TIDSPUNKT in present
            else pl.lit(None, dtype=pl.String)
        ).alias("_raw_stamp"),
        opt_text[Col.VAGT].alias("_raw_vagt"),
        opt_text[Col.STATUS].alias("_raw_status"),
    ).with_columns(
        pl.coalesce(
            pl.col("_given_shift"), derive_shift_code(cfg, pl.col(Col.DATO), pl.col(Col.START))
        ).alias(Col.SHIFT_CODE)
    )
    minutes = pl.col(Col.MINUTTER)
    checks: list[tuple[pl.Expr, str, str | None]] = [
        (pl.col(Col.BORGER).is_null() | (pl.col(Col.BORGER) == ""), ERR_MISSING_ID, None),
        (pl.col(Col.DATO).is_null(), ERR_DATE, Col.DATO),
        (
            minutes.is_null() | minutes.is_nan() | pl.col("_not_as_sampled"),
            ERR_MINUTES,
            Col.MINUTTER,
        ),
        (minutes < 0, ERR_NEG_MINUTES, Col.MINUTTER),
        (minutes > cfg.maks_minutter_pr_besoeg, ERR_ABSURD_MINUTES, Col.MINUTTER),
        (
            pl.col("_raw_start").is_not_null()
            & (pl.col("_raw_start") != "")
            & pl.col(Col.START).is_null(),
            ERR_TIME,
            Col.START,
        ),
        (pl.col("_raw_vagt").is_not_null() & pl.col("_given_shift").is_null(), ERR_SHIFT, Col.VAGT),
        (pl.col(Col.STATUS_CODE).is_null(), ERR_STATUS, Col.STATUS),
        (
            (pl.col("_raw_stamp") != "") & pl.col(Col.AFLYST_TIDSPUNKT).is_null(),
            ERR_STAMP,
            Col.AFLYST_TIDSPUNKT,
        ),
        (pl.col(Col.KLINIK).is_null(), ERR_CLINIC, Col.KLINIK),
        (pl.col(Col.PARAGRAF).is_null(), ERR_MISSING, None),
        (pl.col(Col.TEAM).is_null(), ERR_MISSING, None),
        (
            ~pl.col(Col.FAGGRUPPE).is_in(staff) | pl.col(Col.FAGGRUPPE).is_null(),
            ERR_STAFF,
            Col.FAGGRUPPE,
        ),
        # before the period check: '01-02-25' is not a date outside the period
        (pl.col(Col.DATO) < pl.lit(FIRST_YEAR), ERR_SHORT_YEAR, Col.DATO),
    ]
    if period is not None:
        checks.append(
            (
                (pl.col(Col.DATO) < pl.lit(period[0])) | (pl.col(Col.DATO) > pl.lit(period[1])),
                ERR_OUTSIDE,
                Col.DATO,
            )
        )
    checks.append((pl.col("_unknown_canceller"), ERR_CANCELLED_BY, Col.AFLYST_AF))
    in_scope = [SHIFT_CODES.index(s.value) for s in cfg.vagter.i_scope]
    night = SHIFT_CODES.index(Shift.NAT.value)
    # Night and paragraph first: a cancelled visit inside the model's shifts and paragraphs is
    # still a planned visit, which the granted-hours basis settles (SPEC §4.4).
    reason = (
        pl.when(~pl.col(Col.SHIFT_CODE).is_in(in_scope))
        .then(
            pl.when(pl.col(Col.SHIFT_CODE) == night)
            .then(pl.lit(1, dtype=pl.UInt8))
            .otherwise(pl.lit(2, dtype=pl.UInt8))
        )
        .when(
            ~pl.col(Col.PARAGRAF).is_in(
                list(paragraphs) if paragraphs is not None else scope_paragraphs(cfg)
            )
        )
        .then(pl.lit(3, dtype=pl.UInt8))
        .when(pl.col(Col.STATUS_CODE) == 1)
        .then(pl.lit(4, dtype=pl.UInt8))
        .otherwise(pl.lit(0, dtype=pl.UInt8))
    )
    days_before, at = cfg.tildeling.deadline
    # stamp < (visit day − days) at the clock  ⇔  (stamp + days − clock) falls before the visit
    # day: worked on the (mostly empty) stamp column instead of building a deadline per visit
    clock = dt.timedelta(
        hours=at.hour, minutes=at.minute, seconds=at.second, microseconds=at.microsecond
    )
    shifted = pl.col(Col.AFLYST_TIDSPUNKT) + pl.lit(dt.timedelta(days=days_before) - clock)
    timely = (
        (pl.col(Col.STATUS_CODE) == 1)
        & pl.col(Col.AFLYST_AF)
        & (shifted.dt.date() < pl.col(Col.DATO))
    ).fill_null(False)
    # A row of nothing but separators (or an empty, formatted sheet row) is no visit: skipped
    # and counted, not a row without a citizen
    error = (
        pl.when(pl.col("_empty"))
        .then(pl.lit(0, dtype=pl.UInt8))
        .otherwise(_first_code([c for c, _, _ in checks]))
    )
    frame = (
        typed.with_columns(error.alias(Col.ERROR_CODE))
        .with_columns(
            pl.when(pl.col("_empty"))
            .then(pl.lit(REASON_CODES.index(REASON_EMPTY), dtype=pl.UInt8))
            .when(pl.col(Col.ERROR_CODE) == 0)
            .then(reason)
            .otherwise(pl.lit(0, dtype=pl.UInt8))
            .alias(Col.REASON_CODE),
            timely.alias(Col.TIMELY),
        )
        .drop(pl.selectors.starts_with("_"), Col.AFLYST_TIDSPUNKT, Col.AFLYST_AF)
    )
    return ParsedVisits(frame, [(why, field) for _, why, field in checks], categories)


# Reasons a value may get only for the spaces around it, when read untrimmed.
_UNTRIMMED_REASONS = (
    ERR_DATE,
    ERR_MINUTES,
    ERR_TIME,
    ERR_SHIFT,
    ERR_STATUS,
    ERR_CLINIC,
    ERR_STAMP,
)


def trimmed(formats: Mapping[str, ColumnFormat]) -> dict[str, ColumnFormat]:
    """The formats, each also trimming its values."""
    return {name: replace(fmt, strip=True) for name, fmt in formats.items()}


def untidy(parsed: ParsedVisits, error_codes: pl.Series) -> bool:
    """Whether visits parsed untrimmed may have read a value with surrounding spaces as another
    value: spaces in the ids or text keys seen, or a date, time, number, shift, status or clinic
    value not understood (' ja' is not 'ja'). Then the visits are parsed again, trimmed. Read
    while `parsed.frame` lives: categories are kept only as long as a frame uses them."""
    for categories in parsed.categories.values():
        seen = categories.to_series()
        if (seen != seen.str.strip_chars()).any():
            return True
    suspect = [k for k, (why, _) in enumerate(parsed.errors, start=1) if why in _UNTRIMMED_REASONS]
    return bool(error_codes.is_in(suspect).any())


BUDGET_KINDS = {Col.BUDGET: "number", Col.SPEND: "number", Col.SPEND_DATE: "date"}


def parse_budgets(
    raw: pl.LazyFrame, present: set[str], formats: Mapping[str, ColumnFormat] | None = None
) -> pl.LazyFrame:
    """Typed budget rows: team, budget (kr), forbrug_til_dato (kr), opgjort_dato, aar;
    invalid rows marked like the other inputs. `formats` as `whole_formats` reads them off
    the file (without: every value read both ways, one they read apart invalid)."""
    fmt = dict(formats or {})
    typed = raw.with_columns(
        _text(Col.TEAM).alias(Col.TEAM),
        parse_number(Col.BUDGET, fmt.get(Col.BUDGET)).alias(Col.BUDGET),
        (
            parse_number(Col.SPEND, fmt.get(Col.SPEND))
            if Col.SPEND in present
            else pl.lit(None, dtype=pl.Float64)
        ).alias(Col.SPEND),
        (
            parse_date(Col.SPEND_DATE, fmt.get(Col.SPEND_DATE), short=True)
            if Col.SPEND_DATE in present
            else pl.lit(None, dtype=pl.Date)
        ).alias(Col.SPEND_DATE),
        (parse_number(Col.YEAR) if Col.YEAR in present else pl.lit(None, dtype=pl.Float64)).alias(
            Col.YEAR
        ),
        pl.col(Col.BUDGET).alias("_raw_budget"),
        given(Col.SPEND, present).alias("_raw_spend"),
        given(Col.SPEND_DATE, present).alias("_raw_date"),
    )
    checks: list[tuple[pl.Expr, str, pl.Expr]] = [
        (pl.col(Col.TEAM).is_null(), ERR_MISSING, pl.lit(Col.TEAM)),
        (
            pl.col(Col.BUDGET).is_null() | pl.col(Col.BUDGET).is_nan(),
            "ugyldigt budget",
            pl.col("_raw_budget"),
        ),
        (
            pl.col("_raw_spend").is_not_null() & pl.col(Col.SPEND).is_null(),
            "ugyldigt forbrug",
            pl.col("_raw_spend"),
        ),
        (
            pl.col("_raw_date").is_not_null() & pl.col(Col.SPEND_DATE).is_null(),
            ERR_DATE,
            pl.col("_raw_date"),
        ),
        (pl.col(Col.SPEND_DATE) < pl.lit(FIRST_YEAR), ERR_SHORT_YEAR, pl.col("_raw_date")),
    ]
    error, value = _first_error(checks)
    # an empty row is marked as such (skipped by the caller), not as invalid
    return typed.with_columns(
        pl.when(empty_row(present)).then(pl.lit(REASON_EMPTY)).otherwise(error).alias(Col.ERROR),
        value.alias(Col.ERROR_VALUE),
    ).drop(pl.selectors.starts_with("_"))


_TYPE_WORDS = COURSE_TYPE_WORDS


GRANT_KINDS = {
    Col.START_DATO: "date",
    Col.SLUT_DATO: "date",
    Col.VISITERET_UGE: "number",
    Col.GANGE_UGE: "number",
    Col.MINUTTER_GANG: "number",
}


def parse_grants(
    raw: pl.LazyFrame,
    present: set[str],
    type_words: Mapping[str, str] | None = None,
    formats: Mapping[str, ColumnFormat] | None = None,
) -> pl.LazyFrame:
    """Typed grant rows — the grant history: one row per service (indsats) and revision, invalid
    rows marked. Granted time is minutes per week, or times per week × minutes per time.
    `formats` as `whole_formats` reads them off the file (without: every value read both ways,
    one they read apart invalid). Citizen ids as written: see `with_normal_ids`.

    Columns: raekke, borger_id, team, forloebstype (None = derive), indsats, paragraf,
    forloeb_id (the export's own course id, None when not mapped), start_dato, slut_dato (Date,
    None = open), visiterede_minutter_uge (float, minutes per week), funktionsevne (text),
    fejl, fejlvaerdi.
    """
    fmt = dict(formats or {})

    def opt_number(name: str) -> pl.Expr:
        return (
            parse_number(name, fmt.get(name)) if name in present else pl.lit(None, dtype=pl.Float64)
        )

    per_week = Col.VISITERET_UGE in present
    minutes = (
        parse_number(Col.VISITERET_UGE, fmt.get(Col.VISITERET_UGE))
        if per_week
        else opt_number(Col.GANGE_UGE) * opt_number(Col.MINUTTER_GANG)
    )
    typed = raw.with_columns(
        _text(Col.BORGER).alias(Col.BORGER),
        _text(Col.TEAM).alias(Col.TEAM),
        (
            _word(Col.FORLOEBSTYPE, type_words or _TYPE_WORDS)
            if Col.FORLOEBSTYPE in present
            else pl.lit(None, dtype=pl.String)
        ).alias(Col.FORLOEBSTYPE),
        given(Col.INDSATS, present).alias(Col.INDSATS),
        given(Col.PARAGRAF, present).alias(Col.PARAGRAF),
        given(Col.GIVEN_COURSE, present).alias(Col.GIVEN_COURSE),
        parse_date(Col.START_DATO, fmt.get(Col.START_DATO), short=True).alias(Col.START_DATO),
        (
            parse_date(Col.SLUT_DATO, fmt.get(Col.SLUT_DATO), short=True)
            if Col.SLUT_DATO in present
            else pl.lit(None, dtype=pl.Date)
        ).alias(Col.SLUT_DATO),
        minutes.alias(Col.VISITERET_UGE),
        # as written: a level (0-4) or the municipality's label, read in courses.py
        given(Col.FUNKTIONSEVNE, present).alias(Col.FUNKTIONSEVNE),
        pl.col(Col.START_DATO).alias("_raw_start"),
        given(Col.SLUT_DATO, present).alias("_raw_slut"),
        (
            pl.col(Col.VISITERET_UGE)
            if per_week
            else pl.concat_str(
                _opt(Col.GANGE_UGE, present).fill_null(""),
                pl.lit(" × "),
                _opt(Col.MINUTTER_GANG, present).fill_null(""),
            )
        ).alias("_raw_min"),
        _opt(Col.FORLOEBSTYPE, present).alias("_raw_type"),
    )
    checks: list[tuple[pl.Expr, str, pl.Expr]] = [
        (pl.col(Col.BORGER).is_null() | (pl.col(Col.BORGER) == ""), ERR_MISSING_ID, pl.lit("")),
        (pl.col(Col.TEAM).is_null(), ERR_MISSING, pl.lit(Col.TEAM)),
        (pl.col(Col.START_DATO).is_null(), ERR_DATE, pl.col("_raw_start")),
        (pl.col(Col.START_DATO) < pl.lit(FIRST_YEAR), ERR_SHORT_YEAR, pl.col("_raw_start")),
        (
            pl.col("_raw_slut").is_not_null() & pl.col(Col.SLUT_DATO).is_null(),
            ERR_DATE,
            pl.col("_raw_slut"),
        ),
        (pl.col(Col.SLUT_DATO) < pl.lit(FIRST_YEAR), ERR_SHORT_YEAR, pl.col("_raw_slut")),
        (pl.col(Col.SLUT_DATO) < pl.col(Col.START_DATO), ERR_END_BEFORE_START, pl.col("_raw_slut")),
        (
            pl.col(Col.VISITERET_UGE).is_null()
            | (pl.col(Col.VISITERET_UGE) < 0)
            | pl.col(Col.VISITERET_UGE).is_nan()
            | (pl.col(Col.VISITERET_UGE) > 7 * 24 * 60),
            ERR_HOURS,
            pl.col("_raw_min"),
        ),
        (
            pl.col("_raw_type").is_not_null() & pl.col(Col.FORLOEBSTYPE).is_null(),
            ERR_TYPE,
            pl.col("_raw_type"),
        ),
    ]
    error, value = _first_error(checks)
    # an empty row is marked as such (skipped and counted by the caller), not as invalid
    return typed.with_columns(
        pl.when(empty_row(present)).then(pl.lit(REASON_EMPTY)).otherwise(error).alias(Col.ERROR),
        value.alias(Col.ERROR_VALUE),
    ).drop(pl.selectors.starts_with("_"))
