"""Parse the text columns of the inputs into typed columns, marking each invalid row with why.

A row gets `Col.ERROR` (the first problem found), `Col.ERROR_VALUE` (the offending text) and
keeps its `Col.ROW`, so the run can stop with file:row or exclude and list the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import polars as pl

from takst_cli.config import ModelConfig
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
    ERR_STAFF,
    ERR_STAMP,
    ERR_STATUS,
    ERR_TIME,
    ERR_TYPE,
    REASON_CANCELLED,
    REASON_NIGHT,
    REASON_PARAGRAPH,
    Col,
    Shift,
    Status,
)

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


def _text(name: str) -> pl.Expr:
    return pl.col(name).str.strip_chars()


@dataclass(frozen=True)
class ColumnFormat:
    """How one text column is written in this file, read off a sample of its values, so each
    row is parsed once with the right format instead of trying every format on every row."""

    formats: tuple[str, ...] = ()
    strip: bool = False  # values carry surrounding spaces
    cut: bool = False  # dates with a time part, or clock times after a date
    comma: bool = False  # decimal comma
    point: bool = False  # points as well (thousands separators, or decimal points)


def _matches(values: list[str], fmt: str, dtype: type[pl.Date] | type[pl.Time]) -> int:
    parsed = pl.Series(values, dtype=pl.String).str.strptime(dtype, fmt, strict=False)
    return len(values) - parsed.null_count()


def detect_format(values: list[str | None], kind: str) -> ColumnFormat:
    """The formats a sample of a column uses: the best one first, others only where the sample
    shows them (a file mixing date styles still parses)."""
    texts = [v for v in values if v is not None and v.strip()]
    strip = any(v != v.strip() for v in texts)
    texts = [v.strip() for v in texts]
    if kind == "text":
        return ColumnFormat(strip=strip)
    if kind == "number":
        return ColumnFormat(
            strip=strip, comma=any("," in v for v in texts), point=any("." in v for v in texts)
        )
    candidates, dtype = (_DATE_FORMATS, pl.Date) if kind == "date" else (_TIME_FORMATS, pl.Time)
    cut = any(len(v) > (10 if kind == "date" else 8) for v in texts)
    if cut:
        texts = [v[:10] if kind == "date" else v.split(" ")[-1] for v in texts]
    if not texts:  # nothing to go by: try every format (slower, but never silently wrong)
        return ColumnFormat(tuple(candidates), strip=True, cut=True)
    scored = sorted(candidates, key=lambda f: -_matches(texts, f, dtype))
    used = tuple(f for f in scored if _matches(texts, f, dtype)) or tuple(scored[:1])
    return ColumnFormat(used, strip, cut)


def _prepared(name: str, fmt: ColumnFormat) -> pl.Expr:
    return _text(name) if fmt.strip else pl.col(name)


def parse_number(name: str, fmt: ColumnFormat | None = None) -> pl.Expr:
    """Decimal comma or point; with a comma present, points are thousands separators."""
    fmt = fmt or ColumnFormat(strip=True, comma=True, point=True)
    s = _prepared(name, fmt)
    if fmt.comma and fmt.point:
        s = (
            pl.when(s.str.contains(",", literal=True))
            .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
            .otherwise(s)
        )
    elif fmt.comma:
        s = s.str.replace(",", ".", literal=True)
    return s.cast(pl.Float64, strict=False)


def parse_date(name: str, fmt: ColumnFormat | None = None) -> pl.Expr:
    """dd-mm-yyyy, dd.mm.yyyy, ISO (also with a time part, as spreadsheets give) or dd/mm/yyyy."""
    fmt = fmt or ColumnFormat(_DATE_FORMATS, strip=True, cut=True)
    s = _prepared(name, fmt)
    s = s.str.slice(0, 10) if fmt.cut else s
    parsed = [s.str.strptime(pl.Date, f, strict=False) for f in fmt.formats]
    return parsed[0] if len(parsed) == 1 else pl.coalesce(parsed)


def parse_time(name: str, fmt: ColumnFormat | None = None) -> pl.Expr:
    fmt = fmt or ColumnFormat(_TIME_FORMATS, strip=True, cut=True)
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
]
ERROR_CODE = "fejlkode"
DUPLICATE_CODE = 250  # error code of an extra copy of a visit
REASON_CODE = "aarsagskode"
SHIFT_CODE = "vagtkode"
STATUS_CODE = "statuskode"


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
DATE_OF_STAMP = "aflyst_dato"
TIME_OF_STAMP = "aflyst_klokken"


def sample_formats(raw: pl.LazyFrame, present: set[str]) -> dict[str, ColumnFormat]:
    """Formats of the date, time and number columns, and whether the text columns carry
    surrounding spaces, read off the first rows of the file."""
    kinds = {
        Col.DATO: "date",
        Col.START: "time",
        Col.MINUTTER: "number",
        **dict.fromkeys(DENSE_TEXTS, "text"),
    }
    cols = [c for c in kinds if c in present]
    stamp = Col.AFLYST_TIDSPUNKT in present
    head = raw.select(*cols, *([Col.AFLYST_TIDSPUNKT] if stamp else [])).head(SAMPLE_ROWS)
    sample = head.collect()
    out = {c: detect_format(sample[c].to_list(), kinds[c]) for c in cols}
    if stamp:  # a cancellation time: its date part and its clock part
        values = sample[Col.AFLYST_TIDSPUNKT].to_list()
        out[DATE_OF_STAMP] = detect_format(values, "date")
        out[TIME_OF_STAMP] = detect_format(
            [v.strip().split(" ")[-1] if v and " " in v.strip() else None for v in values], "time"
        )
    return out


def sample_paragraphs(raw: pl.LazyFrame) -> list[str]:
    """The paragraphs the first rows of the file write (each spelling once)."""
    head = raw.select(Col.PARAGRAF).head(SAMPLE_ROWS).unique().collect()
    return head[Col.PARAGRAF].drop_nulls().to_list()


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
) -> ParsedVisits:
    """Typed visits; every row gets an error code (0 = valid) and a reason code (0 = inside the
    model, else night / other shift / paragraph / cancelled), both decoded after aggregation.
    `trim=False` leaves the text filled in on every row untrimmed (see `untidy`).
    `paragraphs`: every spelling in the data of a paragraph in the model ('SEL 83' as well as
    'SEL §83'); by default the model's own. Compared exactly: normalising each of ten million
    rows would cost more than the parse (see `run._fold_visits`).

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
    typed = raw.with_columns(
        *[dense(c).cast(pl.Categorical(categories[c])).alias(c) for c in (Col.BORGER, *KEY_TEXTS)],
        parse_date(Col.DATO, formats.get(Col.DATO)).alias(Col.DATO),
        start.alias(Col.START),
        parse_number(Col.MINUTTER, formats.get(Col.MINUTTER)).alias(Col.MINUTTER),
        given_shift.alias("_given_shift"),
        (_bool(opt_text[Col.KLINIK]) if Col.KLINIK in present else pl.lit(False)).alias(Col.KLINIK),
        status.alias(STATUS_CODE),
        (
            parse_datetime(
                Col.AFLYST_TIDSPUNKT,
                formats.get(DATE_OF_STAMP),
                _clock_of(formats.get(TIME_OF_STAMP)),
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
        ).alias(SHIFT_CODE)
    )
    minutes = pl.col(Col.MINUTTER)
    checks: list[tuple[pl.Expr, str, str | None]] = [
        (pl.col(Col.BORGER).is_null() | (pl.col(Col.BORGER) == ""), ERR_MISSING_ID, None),
        (pl.col(Col.DATO).is_null(), ERR_DATE, Col.DATO),
        (minutes.is_null() | minutes.is_nan(), ERR_MINUTES, Col.MINUTTER),
        (minutes < 0, ERR_NEG_MINUTES, Col.MINUTTER),
        (minutes > cfg.maks_minutter_pr_besoeg, ERR_ABSURD_MINUTES, Col.MINUTTER),
        (pl.col("_raw_start").is_not_null() & pl.col(Col.START).is_null(), ERR_TIME, Col.START),
        (pl.col("_raw_vagt").is_not_null() & pl.col("_given_shift").is_null(), ERR_SHIFT, Col.VAGT),
        (pl.col(STATUS_CODE).is_null(), ERR_STATUS, Col.STATUS),
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
        pl.when(~pl.col(SHIFT_CODE).is_in(in_scope))
        .then(
            pl.when(pl.col(SHIFT_CODE) == night)
            .then(pl.lit(1, dtype=pl.UInt8))
            .otherwise(pl.lit(2, dtype=pl.UInt8))
        )
        .when(
            ~pl.col(Col.PARAGRAF).is_in(
                list(paragraphs) if paragraphs is not None else scope_paragraphs(cfg)
            )
        )
        .then(pl.lit(3, dtype=pl.UInt8))
        .when(pl.col(STATUS_CODE) == 1)
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
        (pl.col(STATUS_CODE) == 1) & pl.col(Col.AFLYST_AF) & (shifted.dt.date() < pl.col(Col.DATO))
    ).fill_null(False)
    error = _first_code([c for c, _, _ in checks])
    frame = (
        typed.with_columns(error.alias(ERROR_CODE))
        .with_columns(
            pl.when(pl.col(ERROR_CODE) == 0)
            .then(reason)
            .otherwise(pl.lit(0, dtype=pl.UInt8))
            .alias(REASON_CODE),
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


def parse_budgets(raw: pl.LazyFrame, present: set[str]) -> pl.LazyFrame:
    """Typed budget rows: team, budget (kr), forbrug_til_dato (kr), opgjort_dato, aar;
    invalid rows marked like the other inputs."""
    typed = raw.with_columns(
        _text(Col.TEAM).alias(Col.TEAM),
        parse_number(Col.BUDGET).alias(Col.BUDGET),
        (parse_number(Col.SPEND) if Col.SPEND in present else pl.lit(None, dtype=pl.Float64)).alias(
            Col.SPEND
        ),
        (
            parse_date(Col.SPEND_DATE) if Col.SPEND_DATE in present else pl.lit(None, dtype=pl.Date)
        ).alias(Col.SPEND_DATE),
        (parse_number(Col.YEAR) if Col.YEAR in present else pl.lit(None, dtype=pl.Float64)).alias(
            Col.YEAR
        ),
        pl.col(Col.BUDGET).alias("_raw_budget"),
        _opt(Col.SPEND, present).alias("_raw_spend"),
        _opt(Col.SPEND_DATE, present).alias("_raw_date"),
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
    ]
    error, value = _first_error(checks)
    return typed.with_columns(error.alias(Col.ERROR), value.alias(Col.ERROR_VALUE)).drop(
        pl.selectors.starts_with("_")
    )


_TYPE_WORDS = COURSE_TYPE_WORDS


def parse_grants(
    raw: pl.LazyFrame, present: set[str], type_words: Mapping[str, str] | None = None
) -> pl.LazyFrame:
    """Typed grant rows — the grant history: one row per service (indsats) and revision, invalid
    rows marked. Granted time is minutes per week, or times per week × minutes per time.

    Columns: raekke, borger_id, team, forloebstype (None = derive), indsats, paragraf,
    forloeb_id (the export's own course id, None when not mapped), start_dato, slut_dato (Date,
    None = open), visiterede_minutter_uge (float, minutes per week), funktionsevne (text),
    fejl, fejlvaerdi.
    """

    def opt_text(name: str) -> pl.Expr:
        return _text(name) if name in present else pl.lit(None, dtype=pl.String)

    def opt_number(name: str) -> pl.Expr:
        return parse_number(name) if name in present else pl.lit(None, dtype=pl.Float64)

    per_week = Col.VISITERET_UGE in present
    minutes = (
        parse_number(Col.VISITERET_UGE)
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
        opt_text(Col.INDSATS).alias(Col.INDSATS),
        opt_text(Col.PARAGRAF).alias(Col.PARAGRAF),
        opt_text(Col.GIVEN_COURSE).alias(Col.GIVEN_COURSE),
        parse_date(Col.START_DATO).alias(Col.START_DATO),
        (
            parse_date(Col.SLUT_DATO) if Col.SLUT_DATO in present else pl.lit(None, dtype=pl.Date)
        ).alias(Col.SLUT_DATO),
        minutes.alias(Col.VISITERET_UGE),
        # as written: a level (0-4) or the municipality's label, read in courses.py
        opt_text(Col.FUNKTIONSEVNE).alias(Col.FUNKTIONSEVNE),
        pl.col(Col.START_DATO).alias("_raw_start"),
        _opt(Col.SLUT_DATO, present).alias("_raw_slut"),
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
        (
            pl.col("_raw_slut").is_not_null() & pl.col(Col.SLUT_DATO).is_null(),
            ERR_DATE,
            pl.col("_raw_slut"),
        ),
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
    return typed.with_columns(error.alias(Col.ERROR), value.alias(Col.ERROR_VALUE)).drop(
        pl.selectors.starts_with("_")
    )
