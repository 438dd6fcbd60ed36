"""Settlement prices for free-choice providers (ældreloven § 19) and their yearly recalculation.

The price of a service is the municipality's own cost per delivered hour: the delivered visits
priced at the hourly prices (wages and per-FTE costs, the checklist categories placed in the
hourly price), plus the categories placed directly or by a documented key, divided by the
service's delivered hours; the ministry's fixed overhead rate is added on top. Helhedspleje may
be priced per course-week instead: the course tariffs' direct part plus the same indirect costs,
as a share of the direct cost. Pure: the run's facts in, prices out; no files, no environment.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import polars as pl

from takst_cli.config import (
    BRONDERSLEV_CATEGORIES,
    CHECKLIST,
    FreeChoiceConfig,
    FreeChoiceCost,
    FreeChoiceService,
    ModelConfig,
    OverheadRate,
)
from takst_cli.errors import DataError, Problem
from takst_cli.models import Col, CourseType, Phase
from takst_cli.money import ZERO, round_ore, to_decimal
from takst_cli.pipeline.costing import Pricer, sum_minutes
from takst_cli.pipeline.run import RunResult
from takst_cli.pipeline.tariffs import TariffResult

KEY_LABEL = {
    "timer": "leverede timer",
    "besoeg": "antal besøg",
    "udgift": "direkte udgift",
    "andele": "faste andele",
}
PLACEMENT_LABEL = {
    "timepris": "i timeprisen",
    "direkte": "direkte på ydelsen",
    "fordelt": "fordelt efter nøgle",
}


@dataclass(frozen=True)
class CostLine:
    """One checklist category: its amount (kr, data period) and what each service gets of it
    (exact kr; empty when it is already in the hourly price)."""

    category: str
    label: str
    amount: Decimal
    placement: str
    key: str | None  # noegle, or the post in the hourly price
    rationale: str | None
    per_service: dict[str, Decimal]


@dataclass(frozen=True)
class ServicePrice:
    """One service's settlement price per hour. Amounts exact in kr, hours in hours; `price`
    is the Afregningspris, rounded to øre once."""

    name: str
    kind: str
    delivered_hours: Decimal
    late_cancelled_hours: Decimal  # cancelled after the deadline: shown always, counted only
    counts_cancelled: bool  # with grundlag: visiteret
    visits: int
    direct: Decimal  # delivered visits at the hourly prices, kr
    indirect: Decimal  # categories placed directly or by key, kr
    rate: OverheadRate

    @property
    def hours(self) -> Decimal:
        """The hours the price rests on."""
        return self.delivered_hours + (self.late_cancelled_hours if self.counts_cancelled else 0)

    @property
    def direct_per_hour(self) -> Decimal:
        return self.direct / self.hours

    @property
    def indirect_per_hour(self) -> Decimal:
        return self.indirect / self.hours

    @property
    def cost_per_hour(self) -> Decimal:
        return (self.direct + self.indirect) / self.hours

    @property
    def overhead_per_hour(self) -> Decimal:
        return self.cost_per_hour * to_decimal(self.rate.sats)

    @property
    def price(self) -> Decimal:
        return round_ore(self.cost_per_hour + self.overhead_per_hour)


@dataclass(frozen=True)
class CourseWeekPrice:
    """Helhedspleje per course-week for one tariff cell: kr per citizen-week, exact; `price`
    rounded to øre once."""

    course_type: str
    phase: str
    level: int
    weeks: Decimal
    direct: Decimal  # the course tariff's direct part, kr per week
    indirect: Decimal  # direct × the covered services' indirect share
    rate: OverheadRate

    @property
    def overhead(self) -> Decimal:
        return (self.direct + self.indirect) * to_decimal(self.rate.sats)

    @property
    def price(self) -> Decimal:
        return round_ore(self.direct + self.indirect + self.overhead)


@dataclass(frozen=True)
class FreeChoiceResult:
    period: tuple[dt.date, dt.date]
    price_date: dt.date  # the date the overhead rates are taken at
    basis: str  # leveret / visiteret
    services: list[ServicePrice]
    costs: list[CostLine]
    course_name: str | None
    course_services: list[str]
    course_markup: Decimal | None  # indirect / direct of the covered services
    course_weeks: list[CourseWeekPrice]
    outside_hours: Decimal  # delivered in-scope hours in no service
    type_labels: dict[str, str]  # course type name → its label
    type_words: dict[str, str]  # a course-type text (lower-cased) → course type name
    development: frozenset[str]  # the course types with a period 1 and an after-phase


def service_of(services: Sequence[FreeChoiceService]) -> pl.Expr:
    """Each visit's service by its paragraph, shift and staff group (services never overlap:
    the model check refuses it); null when it is in none."""
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for s in reversed(services):
        cond = pl.lit(True)
        if s.paragraffer:
            cond = cond & pl.col(Col.PARAGRAF).is_in(s.paragraffer)
        if s.vagter:
            cond = cond & pl.col(Col.VAGT).is_in([v.value for v in s.vagter])
        if s.faggrupper:
            cond = cond & pl.col(Col.FAGGRUPPE).is_in(s.faggrupper)
        expr = pl.when(cond).then(pl.lit(s.navn)).otherwise(expr)
    return expr


def _rate(fv: FreeChoiceConfig, kind: str, on: dt.date) -> OverheadRate:
    rate = fv.rate(kind, on)
    if rate is None:
        raise DataError(
            f"frit_valg.overheadsatser: ingen overheadsats for '{kind}' gælder den {on:%d-%m-%Y}"
        )
    return rate


def _allocate(
    category: str, c: FreeChoiceCost, services: list[str], basis: dict[str, dict[str, Decimal]]
) -> dict[str, Decimal]:
    """The category's amount split over services by its placement and key, exactly."""
    if c.placering == "timepris":
        return {}
    if c.placering == "direkte":
        return {c.ydelser[0]: c.beloeb}
    assert c.noegle is not None  # checked in config
    if c.noegle == "andele":
        return {name: c.beloeb * to_decimal(share) for name, share in c.andele.items()}
    names = c.ydelser or services
    weights = {n: basis[c.noegle][n] for n in names}
    total = sum(weights.values(), ZERO)
    if not total:
        raise DataError(
            f"frit_valg.omkostninger.{category}: fordelingsnøglen ({KEY_LABEL[c.noegle]}) er 0 "
            f"for {', '.join(names)} i dataperioden; beløbet kan ikke fordeles"
        )
    return {n: c.beloeb * w / total for n, w in weights.items()}


def compute_free_choice(
    cfg: ModelConfig,
    period: tuple[dt.date, dt.date],
    pricer: Pricer,
    visits: pl.DataFrame,
    cancelled: pl.DataFrame,
    tariffs: TariffResult,
    price_date: dt.date | None = None,
) -> FreeChoiceResult:
    """Settlement prices per service (kr per hour) and per course-week (kr per citizen-week).

    `visits` are the run's delivered in-scope facts (paragraf, vagt, faggruppe, klinik,
    minutter, antal); `cancelled` its cancelled ones (with rettidig_aflysning), counted as
    hours only with grundlag: visiteret. Direct cost = minutes / 60 × the hourly price of the
    staff group and shift (the clinic price at a clinic); indirect = the categories placed
    directly or by key; price = (direct + indirect) / hours × (1 + overhead rate)."""
    fv = cfg.frit_valg
    if fv is None:
        raise DataError("modelfilen har ingen frit_valg-sektion; se docs/frit_valg.md")
    on = price_date or fv.gaelder_fra or period[1] + dt.timedelta(days=1)
    names = [s.navn for s in fv.ydelser]
    tagged = visits.with_columns(service_of(fv.ydelser).alias(Col.SERVICE_OF))
    inside = tagged.filter(pl.col(Col.SERVICE_OF).is_not_null())
    costs = pricer.price(sum_minutes(inside, [Col.SERVICE_OF]), [Col.SERVICE_OF])
    counts = dict(
        inside.group_by(Col.SERVICE_OF).agg(pl.col(Col.N_VISITS).sum()).iter_rows()  # type: ignore[arg-type]
    )
    late = dict(
        cancelled.filter(~pl.col(Col.TIMELY).fill_null(False))
        .with_columns(service_of(fv.ydelser).alias(Col.SERVICE_OF))
        .filter(pl.col(Col.SERVICE_OF).is_not_null())
        .group_by(Col.SERVICE_OF)
        .agg(pl.col(Col.MINUTTER).sum())
        .iter_rows()  # type: ignore[arg-type]
    )
    counted = fv.grundlag == "visiteret"
    late_hours = {n: to_decimal(float(late.get(n, 0.0))) / 60 for n in names}
    direct = {n: costs[(n,)].cost if (n,) in costs else ZERO for n in names}
    delivered = {n: costs[(n,)].hours if (n,) in costs else ZERO for n in names}
    hours = {n: delivered[n] + (late_hours[n] if counted else ZERO) for n in names}
    empty = [n for n in names if not hours[n]]
    if empty:
        raise DataError(
            "frit_valg.ydelser: ingen leverede timer i dataperioden for "
            + ", ".join(f"'{n}'" for n in empty)
            + "; kontrollér paragraffer, vagter og faggrupper"
        )
    basis = {
        "timer": hours,
        "besoeg": {n: Decimal(int(counts.get(n, 0))) for n in names},
        "udgift": direct,
    }
    lines: list[CostLine] = []
    for key, c in fv.omkostninger.items():
        lines.append(
            CostLine(
                key,
                CHECKLIST.get(key, key),
                c.beloeb,
                c.placering,
                c.post if c.placering == "timepris" else c.noegle,
                c.begrundelse,
                _allocate(key, c, names, basis),
            )
        )
    indirect = {n: sum((ln.per_service.get(n, ZERO) for ln in lines), ZERO) for n in names}
    services = [
        ServicePrice(
            s.navn,
            s.ydelsestype,
            delivered[s.navn],
            late_hours[s.navn],
            counted,
            int(counts.get(s.navn, 0)),
            direct[s.navn],
            indirect[s.navn],
            _rate(fv, s.ydelsestype, on),
        )
        for s in fv.ydelser
    ]
    outside = (
        to_decimal(float(tagged.filter(pl.col(Col.SERVICE_OF).is_null())[Col.MINUTTER].sum())) / 60
    )
    course_name, covered, markup, weeks = None, [], None, []
    if fv.forloebsuger is not None:
        cw = fv.forloebsuger
        course_name = cw.navn
        covered = cw.ydelser or [s.navn for s in fv.ydelser if s.ydelsestype == cw.ydelsestype]
        covered_direct = sum((direct[n] for n in covered), ZERO)
        markup = (
            sum((indirect[n] for n in covered), ZERO) / covered_direct if covered_direct else ZERO
        )
        rate = _rate(fv, cw.ydelsestype, on)
        chosen = cw.forloebstyper or [
            t.name for t in cfg.forloeb.types() if t.art != CourseType.INDIVIDUEL
        ]
        for row in tariffs.rows:
            base = row.normative if row.method == "normativ" else row.direct
            if row.course_type not in chosen or base is None:
                continue
            weeks.append(
                CourseWeekPrice(
                    row.course_type, row.phase, row.level, row.weeks, base, base * markup, rate
                )
            )
    types = cfg.forloeb.types()
    return FreeChoiceResult(
        period,
        on,
        fv.grundlag,
        services,
        lines,
        course_name,
        covered,
        markup,
        weeks,
        outside,
        {t.name: t.label for t in types},
        cfg.forloeb.type_words(),
        frozenset(t.name for t in types if t.art == CourseType.UDVIKLENDE),
    )


# ------------------------------------------------------------------------------------------
# The yearly recalculation against the providers' settled volumes


@dataclass(frozen=True)
class ProviderLine:
    """One row of the providers' file: volume in hours or course-weeks, price paid per unit."""

    row: int
    provider: str
    service: str
    volume: Decimal
    paid: Decimal
    cell: tuple[str, str, int] | None  # (course type, phase, level) for a course-week price


@dataclass(frozen=True)
class SettledLine:
    line: ProviderLine
    recalculated: Decimal  # kr per unit, the settlement price on the year's accounts

    @property
    def paid_amount(self) -> Decimal:
        return self.line.volume * self.line.paid

    @property
    def recalculated_amount(self) -> Decimal:
        return self.line.volume * self.recalculated


@dataclass(frozen=True)
class Recalculation:
    year: int
    prices: FreeChoiceResult
    lines: list[SettledLine]


# Danish notation of an amount: point = thousands, comma = decimal; a currency word around it.
_CURRENCY = re.compile(r"^(?:kr\.?|dkk)\s*|\s*(?:kr\.?|dkk)$", re.IGNORECASE)
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")  # 1.071: a thousand and 71, or 1,071?
_COMMA = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$")  # 1.071,50  412,5
_POINT = re.compile(r"^\d*\.\d+$")  # 412.5  0.25 (not three-digit groups: see _THOUSANDS)
_SPACED = re.compile(r"^\d{1,3}(?: \d{3})+(?:,\d+)?$")  # 1 071,50
_PLAIN = re.compile(r"^\d+$")


def _notation(text: str) -> tuple[str, str, int]:
    """(style, digits, sign): style is plain, comma, point, thousands or bad."""
    t = _CURRENCY.sub("", text.strip().replace("\u00a0", " ")).strip()
    sign = -1 if t[:1] in ("-", "−") else 1
    t = t[1:].strip() if sign < 0 else t
    if _SPACED.match(t):
        t = t.replace(" ", "")
    if _PLAIN.match(t):
        return "plain", t, sign
    if _COMMA.match(t):
        return "comma", t.replace(".", "").replace(",", "."), sign
    if _THOUSANDS.match(t):
        return "thousands", t, sign
    if _POINT.match(t):
        return "point", t, sign
    return "bad", t, sign


SourceKind = Literal["tekst", "regneark", "typet"]


def read_amounts(
    values: Sequence[str | None], rows: Sequence[int], kind: SourceKind
) -> tuple[list[Decimal | None], dict[int, str]]:
    """A column of amounts read as a Danish finance officer means them; (values, why per row).

    Comma is the decimal mark and point the thousands mark ("1.071,50", "1.071", "1 071,5",
    "412,50 kr."). A column that also has decimal points ("412.5") is written the other way: a
    value like "1.071" in it could be either and is refused, as is a column mixing "412,5" and
    "412.5". `kind` says where the text came from: a CSV (tekst); a workbook (regneark), whose
    number cells arrive as "1.125", so "1.071" there is refused unless the column's commas show
    Danish notation; or a Parquet file's own numbers (typet), where a point is a decimal point."""
    notes = [None if v is None or not v.strip() else _notation(v) for v in values]
    seen = {n[0] for n in notes if n is not None}
    out: list[Decimal | None] = []
    why: dict[int, str] = {}
    for note, row in zip(notes, rows, strict=True):
        value: Decimal | None = None
        if note is not None:
            style, digits, sign = note
            if style == "bad":
                why[row] = "er ikke et tal"
            elif kind == "typet" and style != "comma":
                value = Decimal(digits)
            elif style in ("comma", "point") and seen >= {"comma", "point"}:
                why[row] = "blander decimalkomma og decimalpunktum i samme kolonne"
            elif style == "thousands" and (
                "point" in seen or (kind == "regneark" and "comma" not in seen)
            ):
                why[row] = (
                    "er tvetydigt (tusindtalspunktum eller decimalpunktum?); skriv "
                    f"{digits.replace('.', '')} eller {digits.replace('.', ',')}"
                )
            else:
                value = Decimal(digits.replace(".", "") if style == "thousands" else digits)
            value = None if value is None else sign * value
        out.append(value)
    return out, why


_PHASES = {
    "periode 1": Phase.PERIODE_1.value,
    "periode1": Phase.PERIODE_1.value,
    "efter periode 1": Phase.EFTER.value,
    "efter": Phase.EFTER.value,
    "hele forløbet": Phase.HELE.value,
    "hele": Phase.HELE.value,
}


def _cell_of(
    service: str, fields: dict[str, str | None], prices: FreeChoiceResult
) -> tuple[tuple[str, str, int] | None, str | None]:
    """The tariff cell a course-week row names, or why it names none. The course type is
    found as the grants' is: by name, label or synonym."""
    course_name = prices.course_name
    ctype, phase, level = (fields.get(c) for c in (Col.FORLOEBSTYPE, Col.PHASE, Col.LEVEL))
    if service != course_name:
        given = [c for c in (Col.FORLOEBSTYPE, Col.PHASE, Col.LEVEL) if fields.get(c)]
        if given:
            return None, f"{given[0]} er udfyldt, men ydelsen '{service}' afregnes pr. time"
        return None, None
    if not ctype or ctype.strip().lower() not in prices.type_words:
        return None, f"ukendt eller manglende forløbstype ('{ctype or ''}')"
    ct = prices.type_words[ctype.strip().lower()]
    if not level or not level.strip().isdigit():
        return None, f"ugyldigt eller manglende niveau ('{level or ''}')"
    written = " ".join((phase or "").lower().split())
    ph = _PHASES.get(written) if written else None
    if ph is None and not written and ct not in prices.development:
        ph = Phase.HELE.value  # only a development course has more than one phase
    if ph is None:
        return None, (
            f"ugyldig eller manglende fase ('{phase or ''}'); skriv '{Phase.PERIODE_1.value}' "
            f"eller '{Phase.EFTER.value}' for et udviklende forløb, ellers '{Phase.HELE.value}'"
        )
    return (ct, ph, int(level.strip())), None


def provider_lines(
    frame: pl.DataFrame, source: str, prices: FreeChoiceResult, year: int, kind: SourceKind
) -> list[ProviderLine]:
    """The providers' file typed and checked, every row against the model's services; all
    problems at once, each with file and row and the value as written."""
    present = set(frame.columns)

    def col(name: str) -> list[str | None]:
        return frame[name].to_list() if name in present else [None] * frame.height

    rows: list[int] = frame[Col.ROW].to_list()
    volumes, bad_volume = read_amounts(col(Col.VOLUME), rows, kind)
    paid, bad_paid = read_amounts(col(Col.PAID_PRICE), rows, kind)
    years, bad_year = read_amounts(col(Col.YEAR), rows, kind)
    known = {s.name.casefold(): s.name for s in prices.services}
    if prices.course_name:
        known[prices.course_name.casefold()] = prices.course_name
    cells = {(w.course_type, w.phase, w.level) for w in prices.course_weeks}
    problems: list[Problem] = []
    out: list[ProviderLine] = []
    raw = {c: col(c) for c in (Col.PROVIDER, Col.SERVICE, Col.VOLUME, Col.PAID_PRICE, Col.YEAR)}
    extra = {c: col(c) for c in (Col.FORLOEBSTYPE, Col.PHASE, Col.LEVEL)}
    for i, row in enumerate(rows):
        where = f"{source} række {row}"
        provider = (raw[Col.PROVIDER][i] or "").strip()
        service_text = (raw[Col.SERVICE][i] or "").strip()
        service = known.get(service_text.casefold())
        found: list[str] = []
        if not provider:
            found.append("mangler leverandør")
        if service is None:
            found.append(
                f"ukendt ydelse ('{service_text}'); kendte er {', '.join(sorted(known.values()))}"
            )
        for name, values, bad, label in (
            (Col.VOLUME, volumes, bad_volume, "mængde"),
            (Col.PAID_PRICE, paid, bad_paid, "betalt pris"),
        ):
            text = raw[name][i]
            if row in bad:
                found.append(f"{label} {bad[row]} ('{text}')")
            elif values[i] is None:
                found.append(f"mangler {label}")
            elif values[i] < 0:  # type: ignore[operator]
                found.append(f"{label} er negativ ('{text}')")
        if row in bad_year or (years[i] is not None and years[i] != year):
            found.append(f"året er ikke {year} ('{raw[Col.YEAR][i]}')")
        cell = None
        if service is not None:
            cell, why = _cell_of(service, {c: v[i] for c, v in extra.items()}, prices)
            if why:
                found.append(why)
            elif cell is not None and cell not in cells:
                found.append(
                    f"ingen forløbsugepris for {cell[0]}, {cell[1]}, niveau {cell[2]} i årets data"
                )
        if found:
            problems += [Problem(where, f) for f in found]
            continue
        out.append(ProviderLine(row, provider, service, volumes[i], paid[i], cell))  # type: ignore[arg-type]
    problems += _copies_and_spellings(out, source)
    if problems:
        shown = problems[:20]
        more = f"; de første {len(shown)} vises" if len(problems) > len(shown) else ""
        raise DataError(f"{source}: {len(problems)} ugyldige værdier{more}", shown)
    if not out:
        raise DataError(f"{source}: filen har overskrifter, men ingen datarækker (leverandører)")
    return out


def _copies_and_spellings(lines: list[ProviderLine], source: str) -> list[Problem]:
    """A row repeated word for word would be paid twice, and a provider written two ways
    would be settled as two: both are refused rather than guessed at."""
    out: list[Problem] = []
    first: dict[tuple[object, ...], int] = {}
    spelling: dict[str, str] = {}
    for ln in lines:
        key = (ln.provider, ln.service, ln.cell, ln.volume, ln.paid)
        if key in first:
            out.append(
                Problem(
                    f"{source} række {ln.row}",
                    f"samme leverandør, ydelse, mængde og pris som række {first[key]}; slet "
                    "den ene, eller læg mængderne sammen",
                )
            )
        first.setdefault(key, ln.row)
        seen = spelling.setdefault(ln.provider.casefold(), ln.provider)
        if seen != ln.provider:
            out.append(
                Problem(
                    f"{source} række {ln.row}",
                    f"leverandøren '{ln.provider}' står også som '{seen}'; skriv navnet ens",
                )
            )
    return out


def recalculate(prices: FreeChoiceResult, lines: list[ProviderLine], year: int) -> Recalculation:
    """Each provider row against the price recalculated on the year's accounts: the amount owed
    is volume × (recalculated − paid); positive, the municipality pays the provider more."""
    hourly = {s.name: s.price for s in prices.services}
    weekly = {(w.course_type, w.phase, w.level): w.price for w in prices.course_weeks}
    settled = [
        SettledLine(ln, weekly[ln.cell] if ln.cell is not None else hourly[ln.service])
        for ln in lines
    ]
    return Recalculation(year, prices, settled)


def year_period_problem(period: tuple[dt.date, dt.date], year: int) -> str | None:
    """The recalculation rests on the whole year's accounts: the data period must be the year."""
    if period != (dt.date(year, 1, 1), dt.date(year, 12, 31)):
        return (
            f"efterberegningen for {year} kræver data for hele året (01-01-{year} til "
            f"31-12-{year}); dataperioden er {period[0]:%d-%m-%Y} til {period[1]:%d-%m-%Y}"
        )
    return None


def rate_change_problem(fv: FreeChoiceConfig, year: int) -> str | None:
    """A rate that changes inside the year leaves the year's price undefined: refuse."""
    for r in fv.overheadsatser:
        if dt.date(year, 1, 1) < r.gyldig_fra <= dt.date(year, 12, 31):
            return (
                f"frit_valg.overheadsatser: satsen for '{r.ydelsestype}' skifter "
                f"{r.gyldig_fra:%d-%m-%Y}, midt i {year}; takst kan ikke vide, hvilken sats der "
                f"gælder for hvilke timer – angiv den sats, der gælder for hele {year}"
            )
    return None


# ------------------------------------------------------------------------------------------
# takst valider


def free_choice_warnings(cfg: ModelConfig, today: dt.date) -> list[Problem]:
    """What the case law found wrong in settlement prices: a category left out (Brønderslev,
    2022), prices on granted hours (Aalborg, 2003), an undocumented key (Hjørring, 2006), no
    recalculation for over a year (ældreloven § 19)."""
    fv = cfg.frit_valg
    if fv is None:
        return []
    out: list[Problem] = []
    for key, label in CHECKLIST.items():
        c = fv.omkostninger.get(key)
        court = (
            " – Højesteret (Brønderslev, 2022) underkendte en afregningspris uden nødkald, "
            "klippekort og elevers løn"
            if key in BRONDERSLEV_CATEGORIES
            else ""
        )
        if c is None:
            out.append(
                Problem(f"frit_valg.omkostninger.{key}", f"kategorien '{label}' mangler{court}")
            )
        elif c.placering != "timepris" and not c.beloeb:
            out.append(
                Problem(f"frit_valg.omkostninger.{key}", f"kategorien '{label}' er 0 kr.{court}")
            )
        elif c.placering == "fordelt" and not c.begrundelse:
            out.append(
                Problem(
                    f"frit_valg.omkostninger.{key}.begrundelse",
                    "fordelingsnøglen er ikke begrundet; Konkurrencestyrelsen (Hjørring, 2006) "
                    "krævede en dokumenteret fordelingsnøgle",
                )
            )
    for key, c in fv.omkostninger.items():
        in_price = [g.navn for g in cfg.timepris.faggrupper if key in g.omkostninger_pr_aarsvaerk]
        if c.placering != "timepris" and in_price:
            out.append(
                Problem(
                    f"frit_valg.omkostninger.{key}",
                    f"'{key}' er også en omkostning pr. årsværk i timeprisen "
                    f"({', '.join(in_price)}); er det de samme udgifter, tælles de to gange – "
                    "brug placering: timepris",
                )
            )
    if fv.grundlag == "visiteret":
        out.append(
            Problem(
                "frit_valg.grundlag",
                "priserne hviler på visiterede timer (leverede + sent aflyste), ikke på leverede "
                "timer; Konkurrencestyrelsen (Aalborg, 2003) krævede priser på leverede timer",
            )
        )
    last = fv.sidste_efterberegning
    if last is None:
        out.append(
            Problem(
                "frit_valg.sidste_efterberegning",
                "ingen dato for seneste efterberegning; ældreloven § 19 kræver efterberegning "
                "mindst én gang om året",
            )
        )
    elif today - last > dt.timedelta(days=366 if _leap_between(last, today) else 365):
        out.append(
            Problem(
                "frit_valg.sidste_efterberegning",
                f"seneste efterberegning er fra {last:%d-%m-%Y}, over et år siden; ældreloven "
                "§ 19 kræver efterberegning mindst én gang om året (takst efterberegning)",
            )
        )
    return out


def _leap_between(a: dt.date, b: dt.date) -> bool:
    """A 29 February in (a, b]: a year is then 366 days."""
    return any(
        a < dt.date(y, 2, 29) <= b
        for y in range(a.year, b.year + 1)
        if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    )


def from_run(r: RunResult, price_date: dt.date | None = None) -> FreeChoiceResult:
    """The settlement prices of a finished run: its facts, hourly prices and course tariffs."""
    return compute_free_choice(
        r.cfg, r.period, r.pricer, r.visits, r.cancelled, r.tariffs, price_date
    )


def recalculate_year(
    r: RunResult, providers: pl.DataFrame, source: str, year: int, kind: SourceKind
) -> Recalculation:
    """`takst efterberegning`: the year's prices on the run (its data must be the whole year,
    with one overhead rate through it) against the providers' file (raekke + its fields)."""
    fv = r.cfg.frit_valg
    if fv is None:
        raise DataError("modelfilen har ingen frit_valg-sektion; se docs/frit_valg.md")
    for problem in (year_period_problem(r.period, year), rate_change_problem(fv, year)):
        if problem:
            raise DataError(problem)
    prices = from_run(r, dt.date(year, 1, 1))
    return recalculate(prices, provider_lines(providers, source, prices, year, kind), year)
