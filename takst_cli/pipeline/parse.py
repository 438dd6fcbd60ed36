"""Parse the text columns of the inputs into typed columns, marking each invalid row with why.

A row gets `Col.ERROR` (the first problem found), `Col.ERROR_VALUE` (the offending text) and
keeps its `Col.ROW`, so the run can stop with file:row or exclude and list the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from takst_cli.config import ModelConfig
from takst_cli.models import (
    ERR_ABSURD_MINUTES,
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
    ERR_STATUS,
    ERR_TIME,
    ERR_TYPE,
    REASON_CANCELLED,
    REASON_NIGHT,
    REASON_PARAGRAPH,
    Col,
    CourseType,
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
_CITIZEN_WORDS = ["borger", "borgeren", "pårørende", "paaroerende", "borger/pårørende"]
_TRUE = ["ja", "j", "1", "true", "sand", "x", "yes"]
_FALSE = ["nej", "n", "0", "false", "falsk", "no"]


def _text(name: str) -> pl.Expr:
    return pl.col(name).str.strip_chars()


def parse_number(name: str) -> pl.Expr:
    """Decimal comma or point; with a comma present, points are thousands separators."""
    s = _text(name)
    s = (
        pl.when(s.str.contains(",", literal=True))
        .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .otherwise(s)
    )
    return s.cast(pl.Float64, strict=False)


def parse_date(name: str) -> pl.Expr:
    """dd-mm-yyyy, dd.mm.yyyy, ISO (also with a time part, as spreadsheets give) or dd/mm/yyyy."""
    s = _text(name).str.slice(0, 10)
    return pl.coalesce([s.str.strptime(pl.Date, f, strict=False) for f in _DATE_FORMATS])


def parse_time(name: str) -> pl.Expr:
    s = _text(name)
    # A spreadsheet may give a full timestamp; keep the clock part.
    s = pl.when(s.str.len_chars() > 8).then(s.str.split(" ").list.last()).otherwise(s)
    return pl.coalesce([s.str.strptime(pl.Time, f, strict=False) for f in _TIME_FORMATS])


def parse_datetime(name: str) -> pl.Expr:
    date = parse_date(name)
    time = parse_time(name)
    return date.dt.combine(pl.coalesce(time, pl.lit(dt.time(0, 0))))


def _word(name: str, words: Mapping[str, str]) -> pl.Expr:
    lowered = _text(name).str.to_lowercase()
    return lowered.replace_strict(dict(words), default=None, return_dtype=pl.String)


def _bool(name: str) -> pl.Expr:
    s = _text(name).str.to_lowercase()
    return (
        pl.when(s.is_null() | (s == ""))
        .then(False)
        .when(s.is_in(_TRUE))
        .then(True)
        .when(s.is_in(_FALSE))
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


def derive_shift(cfg: ModelConfig, date: pl.Expr, start: pl.Expr) -> pl.Expr:
    """Shift from clock and weekday: night hours first, then Saturday/Sunday, then evening."""
    v = cfg.vagter
    night = (start >= pl.lit(v.nat_fra)) | (start < pl.lit(v.dag_fra))
    return (
        pl.when(start.is_not_null() & night)
        .then(pl.lit(Shift.NAT.value))
        .when(date.dt.weekday() >= 6)
        .then(pl.lit(Shift.WEEKEND.value))
        .when(start.is_not_null() & (start >= pl.lit(v.aften_fra)))
        .then(pl.lit(Shift.AFTEN.value))
        .otherwise(pl.lit(Shift.DAG.value))
    )


def scope_paragraphs(cfg: ModelConfig) -> list[str]:
    """Paragraphs in the model: the union of the course types' paragraphs."""
    return sorted({p for ct in CourseType for p in cfg.forloeb.of(ct).paragraffer})


def parse_visits(
    raw: pl.LazyFrame, cfg: ModelConfig, present: set[str], period: tuple[dt.date, dt.date] | None
) -> pl.LazyFrame:
    """Typed visits with Col.ERROR/Col.ERROR_VALUE for invalid rows and Col.REASON for rows
    outside the model (cancelled, night, paragraph).

    Columns: raekke, borger_id, dato (Date), start (Time), minutter (float, minutes),
    paragraf, faggruppe, team, vagt, klinik (bool), status, aflyst_tidspunkt (Datetime),
    aflyst_af, fejl, fejlvaerdi, aarsag.
    """
    date = parse_date(Col.DATO)
    start = parse_time(Col.START) if Col.START in present else pl.lit(None, dtype=pl.Time)
    minutes = parse_number(Col.MINUTTER)
    given_shift = _word(Col.VAGT, _SHIFT_WORDS) if Col.VAGT in present else None
    derived_shift = derive_shift(cfg, pl.col(Col.DATO), pl.col(Col.START))
    status = (
        pl.coalesce(
            _word(Col.STATUS, _STATUS_WORDS),
            pl.when(_text(Col.STATUS).is_null()).then(pl.lit(Status.LEVERET.value)),
        )
        if Col.STATUS in present
        else pl.lit(Status.LEVERET.value)
    )
    staff = [g.navn for g in cfg.timepris.faggrupper]
    typed = raw.with_columns(
        _text(Col.BORGER).alias(Col.BORGER),
        date.alias(Col.DATO),
        start.alias(Col.START),
        minutes.alias(Col.MINUTTER),
        _text(Col.PARAGRAF).alias(Col.PARAGRAF),
        _text(Col.FAGGRUPPE).alias(Col.FAGGRUPPE),
        _text(Col.TEAM).alias(Col.TEAM),
        (given_shift if given_shift is not None else pl.lit(None, dtype=pl.String)).alias(Col.VAGT),
        (_bool(Col.KLINIK) if Col.KLINIK in present else pl.lit(False)).alias(Col.KLINIK),
        status.alias(Col.STATUS),
        (
            parse_datetime(Col.AFLYST_TIDSPUNKT)
            if Col.AFLYST_TIDSPUNKT in present
            else pl.lit(None, dtype=pl.Datetime("us"))
        ).alias(Col.AFLYST_TIDSPUNKT),
        (
            _text(Col.AFLYST_AF).str.to_lowercase()
            if Col.AFLYST_AF in present
            else pl.lit(None, dtype=pl.String)
        ).alias(Col.AFLYST_AF),
        *[
            raw_text.alias(f"_raw_{name}")
            for name, raw_text in (
                (Col.DATO, pl.col(Col.DATO)),
                (Col.START, _opt(Col.START, present)),
                (Col.MINUTTER, pl.col(Col.MINUTTER)),
                (Col.VAGT, _opt(Col.VAGT, present)),
                (Col.STATUS, _opt(Col.STATUS, present)),
                (Col.KLINIK, _opt(Col.KLINIK, present)),
            )
        ],
    ).with_columns(pl.coalesce(pl.col(Col.VAGT), derived_shift).alias("_shift"))

    raw_col = pl.col
    checks: list[tuple[pl.Expr, str, pl.Expr]] = [
        (pl.col(Col.BORGER).is_null() | (pl.col(Col.BORGER) == ""), ERR_MISSING_ID, pl.lit("")),
        (pl.col(Col.DATO).is_null(), ERR_DATE, raw_col(f"_raw_{Col.DATO}")),
        (
            pl.col(Col.MINUTTER).is_null() | pl.col(Col.MINUTTER).is_nan(),
            ERR_MINUTES,
            raw_col(f"_raw_{Col.MINUTTER}"),
        ),
        (pl.col(Col.MINUTTER) < 0, ERR_NEG_MINUTES, raw_col(f"_raw_{Col.MINUTTER}")),
        (
            pl.col(Col.MINUTTER) > cfg.maks_minutter_pr_besoeg,
            ERR_ABSURD_MINUTES,
            raw_col(f"_raw_{Col.MINUTTER}"),
        ),
        (
            pl.col(f"_raw_{Col.START}").is_not_null() & pl.col(Col.START).is_null(),
            ERR_TIME,
            raw_col(f"_raw_{Col.START}"),
        ),
        (
            pl.col(f"_raw_{Col.VAGT}").is_not_null() & pl.col(Col.VAGT).is_null(),
            ERR_SHIFT,
            raw_col(f"_raw_{Col.VAGT}"),
        ),
        (pl.col(Col.STATUS).is_null(), ERR_STATUS, raw_col(f"_raw_{Col.STATUS}")),
        (pl.col(Col.KLINIK).is_null(), "ugyldig klinik-markering", raw_col(f"_raw_{Col.KLINIK}")),
        (pl.col(Col.PARAGRAF).is_null(), ERR_MISSING, pl.lit(Col.PARAGRAF)),
        (pl.col(Col.TEAM).is_null(), ERR_MISSING, pl.lit(Col.TEAM)),
        (
            ~pl.col(Col.FAGGRUPPE).is_in(staff) | pl.col(Col.FAGGRUPPE).is_null(),
            ERR_STAFF,
            pl.col(Col.FAGGRUPPE),
        ),
    ]
    if period is not None:
        checks.append(
            (
                (pl.col(Col.DATO) < pl.lit(period[0])) | (pl.col(Col.DATO) > pl.lit(period[1])),
                ERR_OUTSIDE,
                raw_col(f"_raw_{Col.DATO}"),
            )
        )
    error, value = _first_error(checks)
    in_scope_shifts = [s.value for s in cfg.vagter.i_scope]
    # Night and paragraph first: a cancelled visit inside the model's shifts and paragraphs is
    # still a planned visit, which the granted-hours basis settles (SPEC §4.4).
    reason = (
        pl.when(~pl.col("_shift").is_in(in_scope_shifts))
        .then(
            pl.when(pl.col("_shift") == Shift.NAT.value)
            .then(pl.lit(REASON_NIGHT))
            .otherwise(pl.lit("vagt uden for modellen ") + pl.col("_shift"))
        )
        .when(~pl.col(Col.PARAGRAF).is_in(scope_paragraphs(cfg)))
        .then(pl.lit(REASON_PARAGRAPH))
        .when(pl.col(Col.STATUS) == Status.AFLYST.value)
        .then(pl.lit(REASON_CANCELLED))
        .otherwise(None)
    )
    days_before, at = cfg.tildeling.deadline
    deadline = (pl.col(Col.DATO) - pl.duration(days=days_before)).dt.combine(pl.lit(at))
    timely = (
        (pl.col(Col.STATUS) == Status.AFLYST.value)
        & pl.col(Col.AFLYST_AF).is_in(_CITIZEN_WORDS)
        & (pl.col(Col.AFLYST_TIDSPUNKT) < deadline)
    ).fill_null(False)
    return (
        typed.with_columns(error.alias(Col.ERROR), value.alias(Col.ERROR_VALUE))
        .with_columns(
            pl.col("_shift").alias(Col.VAGT),
            pl.when(pl.col(Col.ERROR).is_null()).then(reason).alias(Col.REASON),
            timely.alias(Col.TIMELY),
        )
        .drop(pl.selectors.starts_with("_"))
    )


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


_TYPE_WORDS = {
    "udviklende": CourseType.UDVIKLENDE,
    "udvikling": CourseType.UDVIKLENDE,
    "udviklingsforløb": CourseType.UDVIKLENDE,
    "rehabilitering": CourseType.UDVIKLENDE,
    "fastholdende": CourseType.FASTHOLDENDE,
    "fastholdelse": CourseType.FASTHOLDENDE,
    "stabiliserende": CourseType.FASTHOLDENDE,
    "stabilisering": CourseType.FASTHOLDENDE,
    "individuel": CourseType.INDIVIDUEL,
    "individuelt": CourseType.INDIVIDUEL,
}


def parse_grants(raw: pl.LazyFrame, present: set[str]) -> pl.LazyFrame:
    """Typed grants (one row per citizen and course period), invalid rows marked.

    Columns: raekke, borger_id, team, forloebstype (None = derive), start_dato, slut_dato
    (Date, None = open), visiterede_minutter_uge (float), funktionsevne (float), fejl, fejlvaerdi.
    """
    typed = raw.with_columns(
        _text(Col.BORGER).alias(Col.BORGER),
        _text(Col.TEAM).alias(Col.TEAM),
        (
            _word(Col.FORLOEBSTYPE, _TYPE_WORDS)
            if Col.FORLOEBSTYPE in present
            else pl.lit(None, dtype=pl.String)
        ).alias(Col.FORLOEBSTYPE),
        parse_date(Col.START_DATO).alias(Col.START_DATO),
        (
            parse_date(Col.SLUT_DATO) if Col.SLUT_DATO in present else pl.lit(None, dtype=pl.Date)
        ).alias(Col.SLUT_DATO),
        parse_number(Col.VISITERET_UGE).alias(Col.VISITERET_UGE),
        (
            parse_number(Col.FUNKTIONSEVNE)
            if Col.FUNKTIONSEVNE in present
            else pl.lit(None, dtype=pl.Float64)
        ).alias(Col.FUNKTIONSEVNE),
        pl.col(Col.START_DATO).alias("_raw_start"),
        _opt(Col.SLUT_DATO, present).alias("_raw_slut"),
        pl.col(Col.VISITERET_UGE).alias("_raw_min"),
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
