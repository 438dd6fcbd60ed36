"""The model file: YAML → typed, frozen config; every problem reported with its key path."""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from takst_cli.errors import ConfigError, Problem
from takst_cli.format import format_number, format_share
from takst_cli.models import (
    BUDGET_FIELDS,
    COURSE_TYPE_WORDS,
    FUNCTION_LEVEL_LABELS,
    LEVERANCER_FIELDS,
    LEVERANDOERER_FIELDS,
    VISITATIONER_FIELDS,
    CourseType,
    Shift,
    normal_paragraph,
)


class SourceFloat(float):
    """A float from the model file that keeps how it was written: an unquoted `23.00` is a
    clock time to a Danish user, and only the text says so."""

    text: str = ""


# An unquoted number with points between groups of three digits: YAML reads 1.924 as one point
# nine, a Danish user means 1924. The two readings differ a thousandfold, so we never guess.
AMBIGUOUS_NUMBER = re.compile(r"^[+-]?[1-9]\d{0,2}(?:\.\d{3})+$")
_DANISH_DECIMAL = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$")  # 1.924,5  12,75
_SPACED_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?: \d{3})+(?:,\d+)?$")  # 400 000  1 924,5
_POINT_DECIMAL = re.compile(r"^[+-]?\d+(?:\.\d+)?$")  # 0.25, 12.75: not a thousands point


def read_number(value: Any) -> Any:
    """A number as a Danish finance officer writes it. Text is read the Danish way (point =
    thousands, comma = decimal: "400.000" is 400000, "1.924,5" is 1924.5); a point that cannot
    be a thousands separator ("0.25", "12.75") is a decimal point. true/false is no number."""
    if isinstance(value, bool):
        raise ValueError(f"skal være et tal, ikke {str(value).lower()}")
    if not isinstance(value, str):
        return value
    text = value.strip().replace("\u00a0", " ")
    if _SPACED_THOUSANDS.match(text):
        text = text.replace(" ", "")
    if _DANISH_DECIMAL.match(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    if AMBIGUOUS_NUMBER.match(text):
        return Decimal(text.replace(".", ""))
    if _POINT_DECIMAL.match(text):
        return Decimal(text)
    raise ValueError(f"skal være et tal, fik '{value}' (skriv fx 1924 eller \"1.924,5\")")


def read_yes_no(value: Any) -> Any:
    """true/false, and the Danish ja/nej."""
    if isinstance(value, str) and value.strip().lower() in ("ja", "nej"):
        return value.strip().lower() == "ja"
    return value


_CLOCK = re.compile(r"^\s*(\d{1,2})[:.](\d{2})(?::00)?\s*$")


def read_time(value: Any) -> Any:
    """A clock time: "23:00" or "23.00"; also unquoted 23:00, which YAML 1.1 reads as the
    sexagesimal number 1380 (the reader keeps its text), and unquoted 23.00 (a float that
    remembers its text). A bare number is refused: 23 or 1380 could mean anything."""
    if isinstance(value, dt.time):
        return value
    text = value.text if isinstance(value, SourceFloat) else value
    if not isinstance(text, str):
        raise ValueError(f'skal være et klokkeslæt som "23:00", fik {value!r}')
    m = _CLOCK.match(text)
    if not m:
        raise ValueError(f"'{text}' er ikke et klokkeslæt; skriv fx \"23:00\"")
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"ugyldigt klokkeslæt '{text}' (timer 0-23, minutter 0-59)")
    return dt.time(hour, minute)


_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DANISH_DATE = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})\s*$")


def read_date(value: Any) -> Any:
    """A date: 2025-01-31 (quoted or not), or 31-01-2025 / 31.01.2025. A two-digit year is
    refused: 25 could be 1925 or 2025."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            raise ValueError(f"skal være en dato uden klokkeslæt, fik {value:%Y-%m-%d %H:%M}")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"skal være en dato som 2025-01-31, fik {value!r}")
    if m := _ISO_DATE.match(value):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DANISH_DATE.match(value):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise ValueError(f"'{value}' er ikke en dato; skriv fx 2025-01-31 (ÅÅÅÅ-MM-DD)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"ugyldig dato '{value.strip()}' (den dag findes ikke)") from None


def _share(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"andelen {danish_number(value)} skal ligge mellem 0 og 1")
    return value


def _below_one(value: float) -> float:
    if value == 1:
        raise ValueError("fraværsandelen skal være under 1")
    return value


def read_share(value: Any) -> Any:
    """A share as a fraction, or as a percentage: "25 %" is 0.25."""
    if isinstance(value, str) and value.strip().endswith("%"):
        number = read_number(value.strip()[:-1])
        return number / 100 if isinstance(number, Decimal) else number
    return read_number(value)


def _year(value: int) -> int:
    if not 1900 < value < 2200:
        raise ValueError(f"urimeligt budgetår {value}")
    return value


# Every number in the model file is finite and inside its range. The ranges live here, one type
# per kind of number, on pydantic's Field so the JSON Schema carries them (minimum/maximum).
_NUMBER = BeforeValidator(read_number)
Share = Annotated[  # a fraction; the schema gets its bounds, the message says "andel"
    float,
    Field(allow_inf_nan=False, json_schema_extra={"minimum": 0, "maximum": 1}),
    AfterValidator(_share),
    BeforeValidator(read_share),
]
Year = Annotated[
    int, Field(json_schema_extra={"minimum": 1901, "maximum": 2199}), AfterValidator(_year), _NUMBER
]
Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), _NUMBER]  # kr, zero or more
# Plausible for one FTE a year: below 50 000 kr. or outside 500-3 000 hours the number was
# surely written wrong (1.924 read as 1,924 hours gives an hourly price of 332 232 kr.).
Wage = Annotated[Decimal, Field(ge=50_000, le=5_000_000, allow_inf_nan=False), _NUMBER]
NormHours = Annotated[Decimal, Field(ge=500, le=3000, allow_inf_nan=False), _NUMBER]
HourPrice = Annotated[Decimal, Field(gt=0, le=10_000, allow_inf_nan=False), _NUMBER]  # kr/hour
Weeks = Annotated[int, Field(ge=1, le=104), _NUMBER]
Days = Annotated[int, Field(ge=0, le=3660), _NUMBER]  # at most ten years
HoursWeek = Annotated[float, Field(ge=0, le=168, allow_inf_nan=False), _NUMBER]  # ≤ a week
Threshold = Annotated[float, Field(gt=0, le=168, allow_inf_nan=False), _NUMBER]  # h/week
Level = Annotated[int, Field(ge=1, le=1000), _NUMBER]
StepSize = Annotated[float, Field(gt=0, allow_inf_nan=False), _NUMBER]  # in the generator's unit
Start = Annotated[float, Field(ge=0, allow_inf_nan=False), _NUMBER]  # 0 allowed
Minutes = Annotated[float, Field(gt=0, le=1440, allow_inf_nan=False), _NUMBER]  # ≤ a day
Regulation = Annotated[float, Field(ge=-0.5, le=1, allow_inf_nan=False), _NUMBER]
Growth = Annotated[float, Field(gt=-0.5, lt=1, allow_inf_nan=False), _NUMBER]
Clock = Annotated[dt.time, BeforeValidator(read_time)]
YesNo = Annotated[bool, BeforeValidator(read_yes_no)]
Date = Annotated[dt.date, BeforeValidator(read_date)]

DEFAULT_PARAGRAPHS = ["SEL §83", "SEL §83a", "SUL §138"]
# Who cancelled a visit, as exports write it (compared in lower case). A word in neither list
# makes the row invalid: an unknown canceller is never taken for the provider.
CITIZEN_WORDS = [
    "borger",
    "borgeren",
    "borger selv",
    "borgers pårørende",
    "pårørende",
    "paaroerende",
    "borger/pårørende",
    "borger/paaroerende",
    "borger eller pårørende",
]
PROVIDER_WORDS = [
    "leverandør",
    "leverandoer",
    "leverandøren",
    "leverandoeren",
    "medarbejder",
    "medarbejderen",
    "hjemmeplejen",
    "hjemmepleje",
    "team",
    "teamet",
    "udfører",
    "udfoerer",
    "personale",
    "personalet",
]
INDIRECT_KEYS = (
    "transport",
    "dokumentation",
    "moeder",
    "forberedelse",
    "uddannelse",
    "pauser",
    "tillidsarbejde",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DataFiles(_Model):
    """Input files, relative to the model file."""

    leverancer: Path | None = None
    leverancer_ark: str | None = None
    visitationer: Path | None = None
    visitationer_ark: str | None = None
    budget: Path | None = None  # team budgets (and spend to date) for the follow-up
    budget_ark: str | None = None
    # How the files write what their columns do not show: a number like 1.071 (dansk: point =
    # thousands, comma = decimal; international: the reverse), and the century of a two-digit
    # year (2000: 25 is 2025). Unset, such a value stops the run instead of being guessed.
    talformat: Literal["dansk", "international"] | None = None
    aarhundrede: Annotated[int, Field(ge=1000, le=9900), _NUMBER] | None = None

    @field_validator("aarhundrede")
    @classmethod
    def _whole_century(cls, v: int | None) -> int | None:
        if v is not None and (v % 100 or not 1000 <= v <= 9900):
            raise ValueError(f"skal være et helt århundrede som 1900 eller 2000, fik {v}")
        return v


class Period(_Model):
    fra: Date | None = None
    til: Date | None = None


class Columns(_Model):
    """Export header for each field; a field not named keeps its own name as header."""

    leverancer: dict[str, str] = Field(default_factory=dict)
    visitationer: dict[str, str] = Field(default_factory=dict)
    budget: dict[str, str] = Field(default_factory=dict)
    leverandoerer: dict[str, str] = Field(default_factory=dict)  # takst efterberegning

    @field_validator("leverandoerer")
    @classmethod
    def _known_provider_fields(cls, v: dict[str, str]) -> dict[str, str]:
        return _check_fields(v, LEVERANDOERER_FIELDS)

    @field_validator("leverancer")
    @classmethod
    def _known_visit_fields(cls, v: dict[str, str]) -> dict[str, str]:
        return _check_fields(v, LEVERANCER_FIELDS)

    @field_validator("visitationer")
    @classmethod
    def _known_grant_fields(cls, v: dict[str, str]) -> dict[str, str]:
        return _check_fields(v, VISITATIONER_FIELDS)

    @field_validator("budget")
    @classmethod
    def _known_budget_fields(cls, v: dict[str, str]) -> dict[str, str]:
        return _check_fields(v, BUDGET_FIELDS)

    def header(self, table: str, field: str) -> str:
        mapping: dict[str, str] = getattr(self, table)
        return mapping.get(field, field)


def _check_fields(mapping: dict[str, str], fields: dict[str, bool]) -> dict[str, str]:
    unknown = sorted(set(mapping) - set(fields))
    if unknown:
        raise ValueError(
            f"ukendte felter {', '.join(unknown)}; kendte felter er {', '.join(fields)}"
        )
    return mapping


class StaffGroup(_Model):
    """A staff group priced from wage cost and hours (VIVE step 3), or given a price directly."""

    navn: str
    aarsloen: Wage | None = None
    normtimer: NormHours | None = None
    fravaer_andel: Annotated[Share, AfterValidator(_below_one)] = 0.0
    indirekte_andele: dict[str, Share] = Field(default_factory=dict)
    omkostninger_pr_aarsvaerk: dict[str, Amount] = Field(default_factory=dict)
    timepris: HourPrice | None = None
    sygepleje: YesNo = False


class HourlyPriceConfig(_Model):
    faggrupper: list[StaffGroup]
    tillaeg: dict[Shift, Share] = Field(default_factory=dict)
    omkostninger_i_takst: dict[str, Amount] = Field(default_factory=dict)


def _normal_paragraphs(values: list[str]) -> list[str]:
    """Paragraphs kept in their normal form ('SEL 83' is 'SEL §83'), so that data written
    either way compares equal (SPEC §3)."""
    return [normal_paragraph(v) for v in values]


class Band(_Model):
    niveau: Level
    fra: HoursWeek
    til: HoursWeek | None = None


class BandGenerator(_Model):
    """Levels as steps (VIVE step 2), from the figures a municipality quotes: the number of
    steps (the first and the open top included), the first step, and either the step sizes
    (`trin`, and for stigende `sidste_trin`) or where the open top starts (`sidste_fra`) — then
    the sizes are solved. Sizes are in `enhed`.

    The first step covers [0, foerste_fra + foerste_trin): a first step quoted as '2-3 timer pr.
    uge' is foerste_fra 2, foerste_trin 1. Later steps are `trin` each (lineaer), or grow evenly
    from `trin` to `sidste_trin` (stigende); `trin` defaults to foerste_trin. With `sidste_fra`
    the closed steps fill [first step's end, sidste_fra): lineaer solves the one step size;
    stigende solves the smallest step from the largest (`sidste_trin`) or the largest from the
    smallest (`trin`). A figure quoted beyond those (both `trin` and `sidste_trin` with
    stigende, `trin` with lineaer) is checked: `takst valider` says which cannot be met and by
    how much.
    """

    antal_trin: Level
    foerste_trin: Start  # 0 with one level (an average tariff): the step is never used
    foerste_fra: Start = 0.0
    trin: StepSize | None = None
    sidste_trin: StepSize | None = None
    sidste_fra: StepSize | None = None  # where the open top starts, as quoted
    spring: Literal["lineaer", "stigende"] = "lineaer"
    enhed: Literal["timer_uge", "min_uge", "timer_doegn", "min_doegn"] = "timer_uge"


LevelBasis = Literal["visiteret", "leveret", "funktionsevne"]
FunctionLevel = Annotated[int, Field(ge=0, le=4), _NUMBER]  # FSIII: 0 (none) to 4 (total)


class LevelsConfig(_Model):
    """The severity grouping (tyngdeinddeling): bands of weekly hours (granted or delivered), or
    the grants' FSIII function level (0-4, or the municipality's own labels)."""

    grundlag: LevelBasis = "visiteret"
    baand: list[Band] | None = None
    generator: BandGenerator | None = None
    # the municipality's own labels of the function levels, each mapped to its level 0-4
    funktionsevne_etiketter: dict[str, FunctionLevel] = Field(default_factory=dict)

    def bands(self) -> list[Band]:
        """The bands in hours per week, explicit or generated; the default is SPEC's five."""
        if self.baand:
            return sorted(self.baand, key=lambda b: b.fra)
        if self.generator:
            return generate_bands(self.generator)
        return [
            Band(niveau=i + 1, fra=5.0 * i, til=5.0 * (i + 1) if i < 4 else None) for i in range(5)
        ]

    def function_labels(self) -> dict[str, int]:
        """Lower-cased label → function level: FSIII's own names and the model file's."""
        own = {k.strip().casefold(): v for k, v in self.funktionsevne_etiketter.items()}
        return {**FUNCTION_LEVEL_LABELS, **own}

    def describe(self) -> str:
        """The grouping in words, for the tariff tables."""
        if self.grundlag == "funktionsevne":
            return "funktionsevne (FSIII-niveau 0-4)"
        basis = "visiterede" if self.grundlag == "visiteret" else "leverede"
        bands = self.bands()

        def h(x: float) -> str:
            return format_number(round(x, 2), 2).removesuffix(",00")

        steps = ", ".join(
            f"{b.niveau}: {h(b.fra)}-{h(b.til)}"
            if b.til is not None
            else f"{b.niveau}: over {h(b.fra)}"
            for b in bands
        )
        return f"{basis} timer pr. uge ({steps})"


HOURS_PER_WEEK = 168
UNIT_LABEL = {
    "timer_uge": "timer pr. uge",
    "min_uge": "min. pr. uge",
    "timer_doegn": "timer pr. døgn",
    "min_doegn": "min. pr. døgn",
}
UNIT_TO_HOURS_WEEK = {"timer_uge": 1.0, "min_uge": 1 / 60, "timer_doegn": 7.0, "min_doegn": 7 / 60}
_SOLVE_TOLERANCE = 1e-6  # in the generator's unit: a quoted figure that holds, holds to this


def _q(value: float, unit: str) -> str:
    """A figure in the generator's unit, as a Danish reader writes it: 1 time, 6,75 timer."""
    label = UNIT_LABEL[unit]
    if value == 1:
        label = label.replace("timer", "time", 1)
    return f"{format_number(round(value, 4), 2 if value != round(value) else 0)} {label}"


def solve_steps(gen: BandGenerator) -> tuple[list[float], list[tuple[str, str]]]:
    """The closed steps after the first, in the generator's unit, and the quoted figures that
    cannot hold: (key, why, with how much it misses)."""
    middle = max(gen.antal_trin - 2, 0)  # closed steps after the first
    first_end = gen.foerste_fra + gen.foerste_trin
    if gen.sidste_fra is None:
        start = gen.trin if gen.trin is not None else gen.foerste_trin
        end = gen.sidste_trin if (gen.spring == "stigende" and gen.sidste_trin) else start
        return [start + (end - start) * (i / max(middle - 1, 1)) for i in range(middle)], []
    u = gen.enhed
    span = gen.sidste_fra - first_end
    problems: list[tuple[str, str]] = []
    if middle == 0 or span <= 0:
        if abs(span) > _SOLVE_TOLERANCE or middle > 0:
            problems.append(
                (
                    "sidste_fra",
                    f"{_q(gen.sidste_fra, u)} kan ikke overholdes: med {gen.antal_trin} trin og "
                    f"første trin til {_q(first_end, u)} "
                    + (
                        "starter toppen dér"
                        if middle == 0
                        else "er der ingen plads til trinene imellem"
                    )
                    + f" (forskel {_q(abs(span), u)})",
                )
            )
        return [], problems
    if gen.spring == "lineaer":
        step = span / middle
        if gen.trin is not None and abs(step - gen.trin) > _SOLVE_TOLERANCE:
            problems.append(
                (
                    "trin",
                    f"trin på {_q(gen.trin, u)} kan ikke overholdes: {middle} lige store trin fra "
                    f"{_q(first_end, u)} til {_q(gen.sidste_fra, u)} er hver {_q(step, u)} "
                    f"(forskel {_q(abs(step - gen.trin), u)}; med {_q(gen.trin, u)} starter "
                    f"toppen ved {_q(first_end + middle * gen.trin, u)})",
                )
            )
        return [step] * middle, problems
    # stigende: steps grow evenly from the smallest a to the largest b; middle × (a + b) / 2 = span
    if gen.sidste_trin is None and gen.trin is None:
        return [], [
            ("sidste_trin", "spring: stigende med sidste_fra kræver sidste_trin eller trin")
        ]
    if gen.sidste_trin is not None:
        b = gen.sidste_trin
        a = b if middle == 1 else 2 * span / middle - b
        if gen.trin is not None and abs(a - gen.trin) > _SOLVE_TOLERANCE:
            problems.append(
                (
                    "trin",
                    f"mindste trin på {_q(gen.trin, u)} kan ikke overholdes: {middle} trin, der "
                    f"vokser jævnt til {_q(b, u)} fra {_q(first_end, u)} til "
                    f"{_q(gen.sidste_fra, u)}, starter med {_q(a, u)} "
                    f"(forskel {_q(abs(a - gen.trin), u)})",
                )
            )
        if middle == 1 and abs(span - b) > _SOLVE_TOLERANCE:
            problems.append(
                (
                    "sidste_trin",
                    f"{_q(b, u)} kan ikke overholdes: det ene trin imellem er {_q(span, u)} "
                    f"(forskel {_q(abs(span - b), u)})",
                )
            )
    else:
        a = gen.trin  # type: ignore[assignment]
        b = a if middle == 1 else 2 * span / middle - a
    if a <= 0 or a > b + _SOLVE_TOLERANCE:
        problems.append(
            (
                "sidste_trin" if gen.sidste_trin is not None else "trin",
                f"stigende trin kan ikke overholdes: {middle} trin fra {_q(first_end, u)} til "
                f"{_q(gen.sidste_fra, u)} skulle gå fra {_q(a, u)} til {_q(b, u)}",
            )
        )
        return [], problems
    sizes = [a + (b - a) * (i / max(middle - 1, 1)) for i in range(middle)]
    return sizes, problems


def generate_bands(gen: BandGenerator) -> list[Band]:
    """antal_trin bands in hours per week: the first step, the middle steps, an open last one."""
    factor = UNIT_TO_HOURS_WEEK[gen.enhed]
    sizes = [gen.foerste_fra + gen.foerste_trin] + solve_steps(gen)[0]
    bands: list[Band] = []
    lower = 0.0
    for i, size in enumerate(sizes[: gen.antal_trin - 1]):
        upper = round(lower + size * factor, 6)
        # Not validated here: a generator running past 168 h/week is reported by the model check.
        bands.append(Band.model_construct(niveau=i + 1, fra=lower, til=upper))
        lower = upper
    if gen.sidste_fra is not None and len(sizes) == gen.antal_trin - 1:
        lower = round(gen.sidste_fra * factor, 6)  # the quoted top, not the sum's rounding
        if bands:
            bands[-1] = Band.model_construct(niveau=bands[-1].niveau, fra=bands[-1].fra, til=lower)
    bands.append(Band.model_construct(niveau=len(bands) + 1, fra=lower, til=None))
    return bands


CourseArt = Literal["udviklende", "fastholdende", "individuel"]


class CourseConfig(_Model):
    """What every course type has: the paragraphs and staff groups it covers, its label and the
    words a grant may use for it, and optionally its own severity grouping. Each type takes only
    the options the calculation uses for it; any other is an error naming where it belongs."""

    paragraffer: list[str] = Field(default_factory=lambda: list(DEFAULT_PARAGRAPHS))
    # None: every staff group's visits count in the course; else only these groups' visits, the
    # others' are outside the course's tariff and settled by activity
    faggrupper: list[str] | None = None
    betegnelse: str | None = None  # label in tables and the workbook; default the name
    synonymer: list[str] = Field(default_factory=list)  # a grant's words for the type
    niveauer: LevelsConfig | None = None  # own grouping; default the model's `niveauer`

    _paragraphs = field_validator("paragraffer")(_normal_paragraphs)


class DevelopmentCourse(CourseConfig):
    """Udviklende: period 1 and the after-phase, and the expected reduction r."""

    periode_uger: Weeks = 12
    forventet_reduktion: Share | None = None
    efterperiode_uger: Weeks | None = None


class StabilisingCourse(CourseConfig):
    """Fastholdende: a period tariff; nothing but what every type has."""


class IndividualCourse(CourseConfig):
    """Individuel: a grant above the threshold (hours per week) is an individual course."""

    taerskel_timer_uge: Threshold = 25.0


class NamedCourse(CourseConfig):
    """A further course type, named by its key under `forloeb:`. Its art is its behaviour:
    udviklende (period 1, then the reduced after-phase), fastholdende (a period tariff) or
    individuel (each citizen's own cost per week)."""

    art: CourseArt
    periode_uger: Weeks | None = None  # art udviklende; default 12
    efterperiode_uger: Weeks | None = None  # art udviklende; default periode_uger


# Where each course-type option has an effect (the pipeline reads it only there).
COURSE_OPTION_HOME = {
    "periode_uger": "udviklende",
    "forventet_reduktion": "udviklende",
    "efterperiode_uger": "udviklende",
    "taerskel_timer_uge": "individuel",
}
# Priority of an art when rows of several course types cover a day (courses.py): a development
# course takes the days it covers, then an individual one, then a stabilising one.
ART_RANK = {CourseType.UDVIKLENDE: 3, CourseType.INDIVIDUEL: 2, CourseType.FASTHOLDENDE: 1}
MAX_COURSE_TYPES = 40
_TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class CourseSpec:
    """One course type as the pipeline sees it. `code` orders the types when rows of several
    cover a day: the art's rank first, then the order in the model file (built-ins first)."""

    name: str
    art: CourseType
    cfg: CourseConfig
    code: int

    @property
    def label(self) -> str:
        return self.cfg.betegnelse or self.name.replace("_", " ").capitalize()

    @property
    def weeks(self) -> int:
        """Period 1 in weeks (development art)."""
        return getattr(self.cfg, "periode_uger", None) or 12

    @property
    def window_weeks(self) -> int:
        """Weeks observed after period 1 for r (development art)."""
        return getattr(self.cfg, "efterperiode_uger", None) or self.weeks


class CoursesConfig(_Model):
    """The course types, and how courses are formed from the grant history (SPEC §3.1). The three
    built-in types are always there; any further key is a course type of its own (NamedCourse)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, NamedCourse] = Field(init=False)  # type: ignore[assignment]

    udviklende: DevelopmentCourse = DevelopmentCourse()
    fastholdende: StabilisingCourse = StabilisingCourse()
    individuel: IndividualCourse = IndividualCourse()
    # A gap of at most this many days between grants of the same course type is bridged.
    sammenhaeng_dage: Days = 0
    # Without a type column: a course is a development course when the citizen had no grant
    # in this many days before it (a new citizen)…
    ny_borger_dage: Days = 90
    # …or on the days a grant row of one of these paragraphs covers. (A further development
    # type's rows are those of the paragraphs it lists and no other type lists.)
    udviklende_paragraffer: list[str] = Field(default_factory=lambda: ["SEL §83a"])
    # paragraphs deliberately outside the model: counted out of scope without a warning
    uden_for_model: list[str] = Field(default_factory=list)

    _normal = field_validator("udviklende_paragraffer", "uden_for_model")(_normal_paragraphs)

    @model_validator(mode="after")
    def _in_or_out(self) -> CoursesConfig:
        both = sorted(set(self.uden_for_model) & set(self.paragraphs_in))
        if both:
            raise ValueError(
                f"uden_for_model nævner {', '.join(both)}, som også står i en forløbstypes "
                "paragraffer; en paragraf er enten med eller ikke"
            )
        return self

    @property
    def paragraphs_in(self) -> list[str]:
        """The paragraphs of every course type, in normal form."""
        return sorted({p for t in self.types() for p in t.cfg.paragraffer})

    def of(self, course_type: CourseType) -> CourseConfig:
        return getattr(self, course_type.value)  # type: ignore[no-any-return]

    def types(self) -> list[CourseSpec]:
        """Every course type: the three built-ins, then the model file's own, in its order."""
        named: list[tuple[str, CourseType, CourseConfig]] = [
            (ct.value, ct, self.of(ct)) for ct in CourseType
        ]
        named += [(k, CourseType(v.art), v) for k, v in (self.__pydantic_extra__ or {}).items()]
        return [
            CourseSpec(name, art, c, ART_RANK[art] * 100 + (99 - i))
            for i, (name, art, c) in enumerate(named)
        ]

    def spec(self, name: str) -> CourseSpec:
        return next(t for t in self.types() if t.name == name)

    def names_of(self, art: CourseType) -> list[str]:
        return [t.name for t in self.types() if t.art == art]

    def type_words(self) -> dict[str, str]:
        """A grant's course-type text (lower-cased) → course type: the built-in synonyms, and
        every type's name, label and synonyms."""
        words = {k: str(v) for k, v in COURSE_TYPE_WORDS.items()}
        for t in self.types():
            for w in [t.name, t.label, *t.cfg.synonymer]:
                words[w.strip().lower()] = t.name
        return words

    @property
    def individual_threshold(self) -> float:
        return self.individuel.taerskel_timer_uge


class ShiftsConfig(_Model):
    i_scope: list[Shift] = Field(default_factory=lambda: [Shift.DAG, Shift.AFTEN, Shift.WEEKEND])
    dag_fra: Clock = dt.time(7, 0)
    aften_fra: Clock = dt.time(15, 0)
    nat_fra: Clock = dt.time(23, 0)


class ClinicConfig(_Model):
    andel: Share | None = None
    timepris: HourPrice | None = None


class TariffConfig(_Model):
    metode: Literal["historisk", "normativ"] = "historisk"
    basistakst: Amount = Decimal(0)


FundingModel = Literal["aktivitet", "ramme", "forloeb", "kombination"]
_DEADLINE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s+(dagen før|samme dag|(\d+) dage før)\s*$")


def parse_deadline(text: str) -> tuple[int, dt.time]:
    """'14:00 dagen før' → (1, 14:00); '12:00 samme dag' → (0, 12:00); '10:00 2 dage før'."""
    m = _DEADLINE.match(text)
    if not m:
        raise ValueError(
            f"ugyldig aflysningsfrist '{text}'; skriv fx '14:00 dagen før' eller '12:00 samme dag'"
        )
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"ugyldigt klokkeslæt i aflysningsfristen '{text}'")
    days = 1 if m.group(3) == "dagen før" else 0 if m.group(3) == "samme dag" else int(m.group(4))
    return days, dt.time(hour, minute)


class TeamFunding(_Model):
    """How one team (or, as `standard`, every team not named) is funded (SPEC §4.4)."""

    team: str | None = None
    model: FundingModel = "aktivitet"
    grundlag: Literal["leveret", "visiteret"] = "leveret"
    ramme: Amount | None = None  # kr per year, for the frame model and the comparison
    fast_ramme: Amount | None = None  # kr per year, fixed costs in a combination model
    variabel: Literal["aktivitet", "forloeb"] = "aktivitet"
    demografiregulering: Regulation = 0.0


class DelegatedNursing(_Model):
    """SUL §138 tasks delivered by home-care staff: settled activity-based, from a source."""

    paragraf: str = "SUL §138"
    kilde: Literal["sygeplejeramme", "myndighed"] = "sygeplejeramme"

    @field_validator("paragraf")
    @classmethod
    def _normal(cls, v: str) -> str:
        return normal_paragraph(v)


class CancelledBy(_Model):
    """The words an export uses in `aflyst_af` for the citizen and for the provider."""

    borger: list[str] = Field(default_factory=lambda: list(CITIZEN_WORDS))
    leverandoer: list[str] = Field(default_factory=lambda: list(PROVIDER_WORDS))

    @field_validator("borger", "leverandoer")
    @classmethod
    def _lower(cls, v: list[str]) -> list[str]:
        return [" ".join(w.casefold().split()) for w in v]

    @model_validator(mode="after")
    def _apart(self) -> CancelledBy:
        both = sorted(set(self.borger) & set(self.leverandoer))
        if both:
            raise ValueError(f"{', '.join(both)} står både under borger og leverandoer")
        return self


class FundingConfig(_Model):
    aflysningsfrist: str = "14:00 dagen før"
    standard: TeamFunding | None = None  # without it, every team must be named in `teams`
    teams: list[TeamFunding] = Field(default_factory=list)
    delegeret_sygepleje: DelegatedNursing = DelegatedNursing()
    aflyst_af: CancelledBy = CancelledBy()

    @field_validator("aflysningsfrist")
    @classmethod
    def _deadline(cls, v: str) -> str:
        parse_deadline(v)
        return v

    def of(self, team: str) -> TeamFunding:
        """The team's funding; with neither a named entry nor a standard: activity, delivered."""
        named = next((t for t in self.teams if t.team == team), None)
        fallback = self.standard or TeamFunding()
        return named or fallback.model_copy(update={"team": team})

    def has_model(self, team: str) -> bool:
        return (
            self.standard is not None or not self.teams or any(t.team == team for t in self.teams)
        )

    @property
    def deadline(self) -> tuple[int, dt.time]:
        return parse_deadline(self.aflysningsfrist)


class PseudonymConfig(_Model):
    """CPR-shaped citizen ids are replaced on read by a keyed hash (HMAC-SHA256). The key comes
    from the environment variable TAKST_PSEUDONYM_NOEGLE, else from here, else a random key for
    the run (pseudonyms then differ between runs)."""

    noegle: str | None = None


class BudgetConfig(_Model):
    aar: Year | None = None  # default: the year after the data
    demografi: Growth = 0.0  # expected growth of the caseload, fraction


# The KL/BDO checklist for settlement prices (ældreloven § 19): every category a municipality's
# cost base must account for. The first three are the costs the Supreme Court (Brønderslev,
# 2022) found missing from a price; `takst valider` warns when they are missing or zero.
CHECKLIST = {
    "loen": "Løn inkl. pension og feriepenge",
    "vikarer": "Vikarer og afløsning",
    "elever": "Elever (løn i praktiktiden)",
    "transport": "Transport",
    "materialer": "Materialer og hjælpemidler",
    "it": "IT og telefoni",
    "noedkald": "Nødkald",
    "klippekort": "Klippekort",
    "ledelse": "Ledelse",
    "administration": "Administration (decentral)",
    "bygninger": "Bygninger og lokaler",
}
BRONDERSLEV_CATEGORIES = ("noedkald", "klippekort", "elever")
WAGE_POST = "aarsloen"  # a cost placed in the hourly price through the staff groups' wage


class FreeChoiceCost(_Model):
    """One checklist category of the cost base, for the data period, and where it goes: already
    in the hourly price (`post` names the wage or per-FTE item that holds it), to one service
    (direkte), or over services by a documented key (fordelt)."""

    beloeb: Amount = Decimal(0)  # kr for the data period; informative under placering timepris
    placering: Literal["timepris", "direkte", "fordelt"]
    post: str | None = None  # timepris: "aarsloen" or a key of omkostninger_pr_aarsvaerk
    ydelser: list[str] = Field(default_factory=list)  # direkte: one; fordelt: default all
    noegle: Literal["timer", "besoeg", "udgift", "andele"] | None = None
    andele: dict[str, Share] = Field(default_factory=dict)  # noegle andele: per service, sum 1
    begrundelse: str | None = None  # why this key (the documented allocation key)


class OverheadRate(_Model):
    """The ministry's fixed overhead rate for one kind of service, from a date, with its source
    (the draft orders of 2025 name 6,0 % helhedspleje, 6,3 % friplejeboliger, 3,6 % madlevering)."""

    ydelsestype: str
    sats: Share
    gyldig_fra: Date
    kilde: Annotated[str, Field(min_length=1)]


class FreeChoiceService(_Model):
    """A service priced per delivered hour: the in-scope visits of its paragraphs, shifts and
    staff groups (an empty list: all)."""

    navn: Annotated[str, Field(min_length=1)]
    ydelsestype: str = "helhedspleje"
    paragraffer: list[str] = Field(default_factory=list)
    vagter: list[Shift] = Field(default_factory=list)
    faggrupper: list[str] = Field(default_factory=list)

    _paragraphs = field_validator("paragraffer")(_normal_paragraphs)


class CourseWeekPrices(_Model):
    """Helhedspleje per course-week: the course tariffs' direct part plus the indirect costs of
    the hourly services it covers, as a share of their direct cost."""

    navn: Annotated[str, Field(min_length=1)] = "Helhedspleje pr. forløbsuge"
    ydelsestype: str = "helhedspleje"
    forloebstyper: list[str] | None = None  # default: every development and stabilising type
    ydelser: list[str] = Field(default_factory=list)  # default: the hourly services of its type


class FreeChoiceConfig(_Model):
    """Settlement prices for free-choice providers (ældreloven § 19): the cost base in the KL/BDO
    checklist's categories, the services, the dated overhead rates and the recalculation."""

    grundlag: Literal["leveret", "visiteret"] = "leveret"
    gaelder_fra: Date | None = None  # the prices apply from; default the day after the period
    sidste_efterberegning: Date | None = None
    overheadsatser: list[OverheadRate] = Field(default_factory=list)
    omkostninger: dict[str, FreeChoiceCost] = Field(default_factory=dict)
    ydelser: list[FreeChoiceService] = Field(default_factory=list)
    forloebsuger: CourseWeekPrices | None = None

    def rate(self, kind: str, on: dt.date) -> OverheadRate | None:
        """The overhead rate for a kind of service in force on a date: the latest from before."""
        valid = [r for r in self.overheadsatser if r.ydelsestype == kind and r.gyldig_fra <= on]
        return max(valid, key=lambda r: r.gyldig_fra, default=None)


class ModelConfig(_Model):
    """A municipality's whole model (SPEC §3.2)."""

    navn: str = "Kommune"
    data: DataFiles = DataFiles()
    periode: Period = Period()
    kolonner: Columns = Columns()
    timepris: HourlyPriceConfig
    forloeb: CoursesConfig = CoursesConfig()
    niveauer: LevelsConfig = LevelsConfig()
    vagter: ShiftsConfig = ShiftsConfig()
    klinik: ClinicConfig = ClinicConfig()
    takster: TariffConfig = TariffConfig()
    tildeling: FundingConfig = FundingConfig()
    budget: BudgetConfig = BudgetConfig()
    pseudonymisering: PseudonymConfig = PseudonymConfig()
    maks_minutter_pr_besoeg: Minutes = 720.0
    frit_valg: FreeChoiceConfig | None = None
    # share of the visits (or their minutes) outside the model above which a run warns
    advarsel_andel: Share = 0.20

    def staff_group(self, name: str) -> StaffGroup | None:
        return next((g for g in self.timepris.faggrupper if g.navn == name), None)

    def levels_of(self, course_type: str) -> LevelsConfig:
        """The severity grouping of a course type: its own, or the model's."""
        return self.forloeb.spec(course_type).cfg.niveauer or self.niveauer

    def uses_function_level(self) -> bool:
        """Whether any course type groups by the grants' function level."""
        return any(self.levels_of(t.name).grundlag == "funktionsevne" for t in self.forloeb.types())


def semantic_problems(cfg: ModelConfig) -> list[Problem]:
    """Problems of meaning that the schema cannot see (SPEC §3.2), all at once. Ranges of single
    numbers are on the fields (pydantic), so the JSON Schema has them too."""
    out: list[Problem] = []
    names = [g.navn for g in cfg.timepris.faggrupper]
    for name in sorted({n for n in names if names.count(n) > 1}):
        out.append(Problem("timepris.faggrupper", f"faggruppen '{name}' står flere gange"))
    for i, g in enumerate(cfg.timepris.faggrupper):
        path = f"timepris.faggrupper[{i}]"
        for key in g.indirekte_andele:
            if key not in INDIRECT_KEYS:
                out.append(
                    Problem(
                        f"{path}.indirekte_andele.{key}",
                        f"ukendt andel; kendte er {', '.join(INDIRECT_KEYS)}",
                    )
                )
        if sum(g.indirekte_andele.values()) >= 1:
            out.append(
                Problem(
                    f"{path}.indirekte_andele", "de indirekte andele skal tilsammen være under 1"
                )
            )
        if g.timepris is None:
            if g.aarsloen is None or g.normtimer is None:
                out.append(Problem(path, "angiv enten timepris eller både aarsloen og normtimer"))
        else:  # a price given directly: the wage options would be ignored without a word
            for key in sorted(g.model_fields_set & set(WAGE_OPTIONS)):
                out.append(
                    Problem(
                        f"{path}.{key}",
                        "har ingen virkning, når timepris er angivet direkte; fjern enten "
                        f"{key} eller timepris",
                    )
                )
    out.extend(_band_problems(cfg.niveauer))
    out.extend(_course_problems(cfg))
    if cfg.klinik.andel and cfg.klinik.timepris is None:
        out.append(Problem("klinik.timepris", "klinikandel kræver klinikkens timepris"))
    if cfg.klinik.andel and not any(g.sygepleje for g in cfg.timepris.faggrupper):
        out.append(Problem("klinik.andel", "klinikandel kræver en faggruppe med sygepleje: true"))
    v = cfg.vagter
    if not v.dag_fra < v.aften_fra <= v.nat_fra:
        # Night is [nat_fra, 24:00) ∪ [00:00, dag_fra): a night starting at or after midnight
        # (nat_fra 00:23, the sexagesimal misreading) would make every visit a night visit.
        out.append(
            Problem(
                "vagter",
                f"vagterne skal ligge i rækkefølgen dag_fra < aften_fra ≤ nat_fra samme døgn, "
                f"fik {v.dag_fra:%H:%M}, {v.aften_fra:%H:%M}, {v.nat_fra:%H:%M}; natten regnes "
                "fra nat_fra til dag_fra næste morgen",
            )
        )
    p = cfg.periode
    if p.fra and p.til and p.til < p.fra:
        out.append(Problem("periode.til", "periodens slutdato ligger før startdatoen"))
    out.extend(_funding_problems(cfg.tildeling))
    if cfg.frit_valg is not None:
        out.extend(_free_choice_problems(cfg.frit_valg, cfg))
    return out


def _free_choice_problems(fv: FreeChoiceConfig, cfg: ModelConfig) -> list[Problem]:
    """A cost placed nowhere or twice, a key naming no service, services that share visits,
    an overhead rate missing for a service: each would move a settlement price silently."""
    out: list[Problem] = []
    names = [s.navn for s in fv.ydelser]
    # the providers' file names a service in any case: names must differ beyond case
    folded = [n.casefold() for n in names]
    for name in sorted({n for n in names if folded.count(n.casefold()) > 1}):
        out.append(Problem("frit_valg.ydelser", f"ydelsen '{name}' står flere gange"))
    if not fv.ydelser:
        out.append(Problem("frit_valg.ydelser", "angiv mindst én ydelse med timepris"))
    staff = {g.navn for g in cfg.timepris.faggrupper}
    scope = set(cfg.forloeb.paragraphs_in)
    for i, s in enumerate(fv.ydelser):
        for p in s.paragraffer:
            if p not in scope:
                out.append(
                    Problem(
                        f"frit_valg.ydelser[{i}].paragraffer",
                        f"paragraffen '{p}' er ikke i modellen (forloeb.*.paragraffer); "
                        "ydelsen får ingen af dens besøg",
                    )
                )
        for g in s.faggrupper:
            if g not in staff:
                out.append(Problem(f"frit_valg.ydelser[{i}].faggrupper", f"ukendt faggruppe '{g}'"))
        for j, other in enumerate(fv.ydelser[:i]):
            if _overlap(s, other):
                out.append(
                    Problem(
                        f"frit_valg.ydelser[{i}]",
                        f"'{s.navn}' og '{other.navn}' (ydelser[{j}]) dækker de samme besøg; "
                        "adskil dem med paragraffer, vagter eller faggrupper",
                    )
                )
    kinds = [(f"frit_valg.ydelser[{i}]", s.ydelsestype) for i, s in enumerate(fv.ydelser)]
    cw = fv.forloebsuger
    if cw is not None:
        kinds.append(("frit_valg.forloebsuger", cw.ydelsestype))
        for name in cw.ydelser:
            if name not in names:
                out.append(Problem("frit_valg.forloebsuger.ydelser", f"ukendt ydelse '{name}'"))
        known_types = {t.name for t in cfg.forloeb.types()}
        for name in cw.forloebstyper or []:
            if name not in known_types:
                out.append(
                    Problem(
                        "frit_valg.forloebsuger.forloebstyper",
                        f"ukendt forløbstype '{name}'; kendte er {', '.join(sorted(known_types))}",
                    )
                )
        if cw.navn.casefold() in folded:
            out.append(
                Problem("frit_valg.forloebsuger.navn", f"'{cw.navn}' er også en ydelse pr. time")
            )
        if not cw.ydelser and not any(s.ydelsestype == cw.ydelsestype for s in fv.ydelser):
            # without services to take the indirect costs from, the course-week prices would
            # carry none: a price too low, said nowhere
            out.append(
                Problem(
                    "frit_valg.forloebsuger.ydelser",
                    f"ingen ydelser med ydelsestype '{cw.ydelsestype}' at tage de indirekte "
                    "udgifter fra; angiv ydelser",
                )
            )
    known_kinds = {r.ydelsestype for r in fv.overheadsatser}
    for path, kind in kinds:
        if kind not in known_kinds:
            out.append(
                Problem(
                    f"{path}.ydelsestype",
                    f"ingen overheadsats for '{kind}' under frit_valg.overheadsatser",
                )
            )
    dated = [(r.ydelsestype, r.gyldig_fra) for r in fv.overheadsatser]
    for kind, day in sorted({d for d in dated if dated.count(d) > 1}):
        out.append(
            Problem(
                "frit_valg.overheadsatser",
                f"to satser for '{kind}' gælder fra samme dag ({day:%d-%m-%Y})",
            )
        )
    posts = {WAGE_POST} | {k for g in cfg.timepris.faggrupper for k in g.omkostninger_pr_aarsvaerk}
    for key, c in fv.omkostninger.items():
        path = f"frit_valg.omkostninger.{key}"
        if key not in CHECKLIST:
            out.append(Problem(path, f"ukendt kategori; kendte er {', '.join(CHECKLIST)}"))
        out.extend(_cost_problems(path, c, names, posts))
    return out


def _overlap(a: FreeChoiceService, b: FreeChoiceService) -> bool:
    """Two services share visits when each of their filters meets (an empty filter is all)."""
    return all(
        not x or not y or bool(set(x) & set(y))
        for x, y in (
            (a.paragraffer, b.paragraffer),
            (a.vagter, b.vagter),
            (a.faggrupper, b.faggrupper),
        )
    )


def _cost_problems(
    path: str, c: FreeChoiceCost, services: list[str], posts: set[str]
) -> list[Problem]:
    out: list[Problem] = []
    for name in c.ydelser + list(c.andele):
        if name not in services:
            out.append(Problem(f"{path}.ydelser", f"ukendt ydelse '{name}'"))
    if c.placering == "timepris":
        if c.post is None or c.post not in posts:
            out.append(
                Problem(
                    f"{path}.post",
                    "placering timepris kræver post: aarsloen eller en nøgle under "
                    f"omkostninger_pr_aarsvaerk ({', '.join(sorted(posts))})",
                )
            )
        for key in sorted(c.model_fields_set & {"ydelser", "noegle", "andele"}):
            out.append(Problem(f"{path}.{key}", "har ingen virkning med placering: timepris"))
    elif c.placering == "direkte":
        if len(c.ydelser) != 1:
            out.append(Problem(f"{path}.ydelser", "placering direkte kræver præcis én ydelse"))
        for key in sorted(c.model_fields_set & {"noegle", "andele", "post"}):
            out.append(Problem(f"{path}.{key}", "har ingen virkning med placering: direkte"))
    else:
        if c.noegle is None:
            out.append(Problem(f"{path}.noegle", "placering fordelt kræver en fordelingsnøgle"))
        if c.noegle == "andele":
            if not c.andele:
                out.append(Problem(f"{path}.andele", "noegle andele kræver andele pr. ydelse"))
            elif (total := sum((Decimal(repr(v)) for v in c.andele.values()), Decimal(0))) != 1:
                out.append(
                    Problem(
                        f"{path}.andele",
                        f"andelene skal tilsammen være 1, fik {danish_number(total)}",
                    )
                )
            if c.ydelser:
                out.append(Problem(f"{path}.ydelser", "med noegle andele står ydelserne i andele"))
        elif c.andele:
            out.append(Problem(f"{path}.andele", "bruges kun med noegle: andele"))
        if "post" in c.model_fields_set:
            out.append(Problem(f"{path}.post", "har ingen virkning med placering: fordelt"))
    return out


def _course_problems(cfg: ModelConfig) -> list[Problem]:
    """The course types: names, staff groups, the words grants use, art-bound options, and the
    groupings the after-phase needs."""
    out: list[Problem] = []
    fc = cfg.forloeb
    extra = fc.__pydantic_extra__ or {}
    if len(extra) > MAX_COURSE_TYPES:
        out.append(Problem("forloeb", f"højst {MAX_COURSE_TYPES} egne forløbstyper"))
    staff = [g.navn for g in cfg.timepris.faggrupper]
    words: dict[str, str] = {}
    for t in fc.types():
        at = f"forloeb.{t.name}"
        if t.name in extra and not _TYPE_NAME.match(t.name):
            out.append(
                Problem(
                    at,
                    "en forløbstypes navn skrives med små bogstaver a-z, tal og _ (fx "
                    "kompleks_doegn)",
                )
            )
        if t.cfg.faggrupper is not None:
            if not t.cfg.faggrupper:
                out.append(Problem(f"{at}.faggrupper", "er tom; udelad nøglen for alle faggrupper"))
            for name in t.cfg.faggrupper:
                if name not in staff:
                    out.append(
                        Problem(
                            f"{at}.faggrupper",
                            f"ukendt faggruppe '{name}'; kendte er {', '.join(staff)}",
                        )
                    )
        for w in [t.name, t.label, *t.cfg.synonymer]:
            key = w.strip().lower()
            builtin = COURSE_TYPE_WORDS.get(key)
            other = words.get(key) or (builtin if builtin != t.name else None)
            if other is not None and other != t.name:
                out.append(
                    Problem(
                        f"{at}.synonymer",
                        f"'{w}' betegner allerede forløbstypen {other}; et ord kan kun "
                        "betegne én forløbstype",
                    )
                )
            words[key] = t.name
        if isinstance(t.cfg, NamedCourse) and t.art != CourseType.UDVIKLENDE:
            for key in sorted(t.cfg.model_fields_set & {"periode_uger", "efterperiode_uger"}):
                out.append(
                    Problem(
                        f"{at}.{key}",
                        f"har ingen virkning med art: {t.art}; {key} bruges kun med art: "
                        "udviklende",
                    )
                )
        if t.cfg.niveauer is not None:
            out.extend(_band_problems(t.cfg.niveauer, f"{at}.niveauer"))
        if t.art == CourseType.UDVIKLENDE:
            # after period 1 the citizen gets T(fastholdende, L) × (1 − r): L must mean the same
            if cfg.levels_of(t.name) != cfg.levels_of(CourseType.FASTHOLDENDE):
                out.append(
                    Problem(
                        f"{at}.niveauer",
                        "et udviklende forløb skal have samme niveauer som forloeb.fastholdende "
                        "(efter periode 1 betales fastholdende takst for niveauet × (1 − r))",
                    )
                )
    for p in fc.udviklende_paragraffer:
        owner = next((t.name for t in fc.types() if p in own_paragraphs(fc, t)), None)
        if owner is not None:
            out.append(
                Problem(
                    "forloeb.udviklende_paragraffer",
                    f"'{p}' er også egen paragraf for forloeb.{owner}; en række uden forløbstype "
                    "kan kun gøre én forløbstype udviklende",
                )
            )
    return out


def dev_paragraph_owners(fc: CoursesConfig) -> dict[str, str]:
    """Paragraph (normal form) → the course type whose grant rows it makes development rows
    (when a row has no course type): `udviklende_paragraffer` make the built-in udviklende; a
    further development-art type's own paragraphs (listed by it and by no other type) make that
    type."""
    owners = {p: CourseType.UDVIKLENDE.value for p in fc.udviklende_paragraffer}
    for t in fc.types():
        for key in own_paragraphs(fc, t):
            owners.setdefault(key, t.name)
    return owners


def own_paragraphs(fc: CoursesConfig, t: CourseSpec) -> set[str]:
    """A further development-art type's own paragraphs (normal form): listed by it, by no other
    type."""
    if t.art != CourseType.UDVIKLENDE or t.name == CourseType.UDVIKLENDE:
        return set()
    others = {p for o in fc.types() if o.name != t.name for p in o.cfg.paragraffer}
    return set(t.cfg.paragraffer) - others


# A staff group's options that only count when its price is computed from wage and hours.
WAGE_OPTIONS = (
    "aarsloen",
    "normtimer",
    "fravaer_andel",
    "indirekte_andele",
    "omkostninger_pr_aarsvaerk",
)


def _funding_problems(funding: FundingConfig) -> list[Problem]:
    out: list[Problem] = []
    names = [t.team for t in funding.teams]
    for name in sorted({n for n in names if n is not None and names.count(n) > 1}):
        out.append(Problem("tildeling.teams", f"teamet '{name}' står flere gange"))
    entries = [("tildeling.standard", funding.standard or TeamFunding())] + [
        (f"tildeling.teams[{i}]", t) for i, t in enumerate(funding.teams)
    ]
    for path, t in entries:
        if path != "tildeling.standard" and not t.team:
            out.append(Problem(f"{path}.team", "mangler teamets navn"))
        if t.model == "ramme" and t.ramme is None:
            out.append(Problem(f"{path}.ramme", "rammemodellen kræver et rammebeløb pr. år"))
        if t.model == "kombination" and t.fast_ramme is None:
            out.append(Problem(f"{path}.fast_ramme", "kombinationsmodellen kræver en fast ramme"))
        if t.model != "kombination":  # read by the combination model only
            for key in sorted(t.model_fields_set & {"fast_ramme", "variabel"}):
                out.append(
                    Problem(
                        f"{path}.{key}",
                        f"har ingen virkning med model: {t.model}; {key} bruges kun med "
                        "model: kombination",
                    )
                )
    return out


def semantic_warnings(cfg: ModelConfig) -> list[Problem]:
    """Suspicious but allowed: reported by `takst valider`, errors with --streng."""
    out: list[Problem] = []
    r = cfg.forloeb.udviklende.forventet_reduktion
    if r is not None and not 0.04 <= r <= 0.13:
        out.append(
            Problem(
                "forloeb.udviklende.forventet_reduktion",
                f"forventet reduktion {format_share(r)} ligger uden for de 4-13 %, som kilderne "
                "angiver",
            )
        )
    unreachable = [b for b in cfg.niveauer.bands() if b.fra >= HOURS_PER_WEEK]
    if unreachable:  # harmless to the numbers (nobody is there), but a sign of a wrong step
        out.append(
            Problem(
                "niveauer.generator" if cfg.niveauer.generator else "niveauer.baand",
                f"niveau {unreachable[0].niveau}-{unreachable[-1].niveau} starter ved "
                f"{format_number(unreachable[0].fra)} timer pr. uge eller mere – over ugens 168 "
                "timer, så ingen borger kan nå dem; kontrollér enhed og trin (takst niveauer)",
            )
        )
    for i, g in enumerate(cfg.timepris.faggrupper):
        if g.timepris is None and g.aarsloen is not None and g.aarsloen < 100_000:
            out.append(
                Problem(
                    f"timepris.faggrupper[{i}].aarsloen",
                    f"årslønnen {g.aarsloen} kr. ser lav ud for et årsværk",
                )
            )
    return out


def _band_problems(levels: LevelsConfig, at: str = "niveauer") -> list[Problem]:
    out: list[Problem] = []
    gen = levels.generator
    if levels.grundlag == "funktionsevne":
        for key in ("baand", "generator"):
            if key in levels.model_fields_set:
                out.append(
                    Problem(
                        f"{at}.{key}",
                        "har ingen virkning med grundlag: funktionsevne; niveauet er "
                        "funktionsevnen (0-4) – fjern enten nøglen eller grundlaget",
                    )
                )
        return out
    if levels.funktionsevne_etiketter:
        out.append(
            Problem(
                f"{at}.funktionsevne_etiketter",
                f"har ingen virkning med grundlag: {levels.grundlag}; den bruges kun med "
                "grundlag: funktionsevne",
            )
        )
    if gen is not None:
        out += [Problem(f"{at}.generator.{key}", why) for key, why in solve_steps(gen)[1]]
    if levels.baand and levels.generator:
        out.append(Problem(at, "angiv enten baand eller generator, ikke begge"))
    if gen and gen.sidste_trin is not None and gen.spring == "lineaer":
        out.append(
            Problem(
                f"{at}.generator.sidste_trin",
                "har ingen virkning med spring: lineaer; den bruges kun med spring: stigende",
            )
        )
    bands = levels.bands()
    if bands[0].fra != 0:
        out.append(
            Problem(
                f"{at}.baand",
                f"første niveau skal starte ved 0, ikke {danish_number(bands[0].fra)}",
            )
        )
    for a, b in zip(bands, bands[1:], strict=False):
        if a.til is None:
            out.append(Problem(f"{at}.baand", f"niveau {a.niveau} er åbent opad, men ikke sidst"))
        elif a.til < b.fra:
            out.append(
                Problem(
                    f"{at}.baand",
                    f"hul mellem {danish_number(a.til)} og {danish_number(b.fra)} timer pr. uge",
                )
            )
        elif a.til > b.fra:
            out.append(Problem(f"{at}.baand", f"niveau {a.niveau} og {b.niveau} overlapper"))
    for band in bands:
        if band.til is not None and band.til <= band.fra:
            out.append(Problem(f"{at}.baand", f"niveau {band.niveau}: til skal være over fra"))
    if bands[-1].til is not None:
        out.append(Problem(f"{at}.baand", "sidste niveau skal være åbent opad (uden til)"))
    levels_seen = [b.niveau for b in bands]
    if len(set(levels_seen)) != len(levels_seen):
        out.append(Problem(f"{at}.baand", "samme niveaunummer står flere gange"))
    return out


_PYDANTIC_DA = {
    "missing": "mangler",
    "extra_forbidden": "ukendt nøgle",
    "float_parsing": "skal være et tal",
    "float_type": "skal være et tal",
    "decimal_parsing": "skal være et tal",
    "decimal_type": "skal være et tal",
    "decimal_max_digits": "har for mange cifre",
    "decimal_max_places": "har for mange decimaler",
    "decimal_whole_digits": "har for mange cifre før kommaet",
    "finite_number": "skal være et endeligt tal (ikke .nan eller .inf)",
    "int_parsing": "skal være et heltal",
    "int_parsing_size": "er et for stort tal",
    "int_type": "skal være et heltal",
    "int_from_float": "skal være et heltal",
    "bool_parsing": "skal være true eller false",
    "bool_type": "skal være true eller false",
    "date_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_inexact": "skal være en dato uden klokkeslæt",
    "date_type": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "time_parsing": "skal være et klokkeslæt (TT:MM)",
    "time_type": "skal være et klokkeslæt (TT:MM)",
    "string_type": "skal være tekst",
    "string_too_short": "må ikke være tom",
    "string_too_long": "er for lang",
    "string_unicode": "skal være tekst",
    "list_type": "skal være en liste",
    "too_short": "har for få elementer",
    "too_long": "har for mange elementer",
    "dict_type": "skal være en tabel af nøgler og værdier",
    "model_type": "skal være en tabel af nøgler og værdier",
    "model_attributes_type": "skal være en tabel af nøgler og værdier",
    "enum": "ugyldig værdi",
    "literal_error": "ugyldig værdi",
    "path_type": "skal være en sti",
    "frozen_instance": "kan ikke ændres",
    "recursion_loop": "henviser til sig selv",
    # the bounds: the value in ctx is filled in by _translate
    "greater_than": "skal være større end {}",
    "greater_than_equal": "skal være mindst {}",
    "less_than": "skal være mindre end {}",
    "less_than_equal": "må højst være {}",
}
_BOUND = {
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
}


def danish_number(value: Any) -> str:
    """A number as a Danish reader writes it (50.000, -0,1); anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return repr(value)
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not d.is_finite():
        return str(value)
    places = max(-int(d.normalize().as_tuple().exponent), 0)
    return format_number(d, places)


def _course_option_problem(loc: list[Any]) -> str | None:
    """An option under a course type that does not use it: say where it belongs."""
    if len(loc) == 3 and loc[0] == "forloeb" and loc[2] in COURSE_OPTION_HOME:
        home = COURSE_OPTION_HOME[str(loc[2])]
        if loc[1] != home:
            return (
                f"har ingen virkning under forloeb.{loc[1]}; {loc[2]} bruges kun under "
                f"forloeb.{home}"
            )
    return None


def _translate(err: dict[str, Any]) -> Problem:
    loc = [p for p in err["loc"] if p != "[key]"]
    path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc)
    path = path.replace(".[", "[")
    kind = err["type"]
    why = _PYDANTIC_DA.get(kind)
    ctx = err.get("ctx", {})
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        why = f"ugyldig værdi {err.get('input')!r}; forventet {expected}".replace(" or ", " eller ")
    elif kind == "value_error":
        why = str(ctx.get("error", "ugyldig værdi"))
    elif kind in _BOUND:
        bound = _PYDANTIC_DA[kind].format(danish_number(ctx.get(_BOUND[kind])))
        why = f"{bound}, fik {danish_number(err.get('input'))}"
    elif kind == "string_type" and isinstance(err.get("input"), int | float):
        why = f'skal være tekst, fik {err["input"]!r}; sæt anførselstegn om: "{err["input"]}"'
    elif kind == "extra_forbidden":
        why = _course_option_problem(loc) or "ukendt nøgle"
    elif why is None:  # a kind not in the table: still Danish, never pydantic's English
        why = f"ugyldig værdi {err.get('input')!r}"
    elif kind != "missing":
        why = f"{why}, fik {err.get('input')!r}"
    return Problem(path or "(roden)", why)


def parse_config(
    raw: Any, source: str = "modelfil", read_problems: list[Problem] | None = None
) -> ModelConfig:
    """Validate a loaded YAML document; raise ConfigError listing every problem: those found
    while reading the YAML (`read_problems`), the schema's and the meaning's, at once."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: modelfilen skal være en YAML-tabel af nøgler og værdier")
    problems = list(read_problems or [])
    refused = {p.where for p in problems}  # a value refused while reading: reported once
    cfg: ModelConfig | None = None
    rest: ModelConfig | None = None
    try:
        cfg = rest = ModelConfig.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        schema = [p for p in (_translate(e) for e in errors) if p.where not in refused]  # type: ignore[arg-type]
        problems += schema
        refused |= {p.where for p in schema}
        rest = _without_errors(raw, errors)  # the meaning of the rest is checked too
    if rest is not None:
        problems += [
            p
            for p in semantic_problems(rest)
            if not any(p.where.startswith(w) or w.startswith(p.where) for w in refused)
        ]
    if problems or cfg is None:
        raise ConfigError(f"{source}: modelfilen er ugyldig ({len(problems)} fejl)", problems)
    return cfg


def _without_errors(raw: dict[str, Any], errors: Any) -> ModelConfig | None:
    """The config without the values the schema refused (each dropped back to its default, or
    its parent dropped when it has none), so every problem of meaning is reported in the same
    run; None when nothing valid is left."""
    rest = copy.deepcopy(raw)
    locs = [tuple(p for p in e["loc"] if p != "[key]") for e in errors]
    for _ in range(4):
        for loc in locs:
            _drop(rest, loc)
        try:
            return ModelConfig.model_validate(rest)
        except ValidationError as exc:
            locs = [tuple(p for p in e["loc"] if p != "[key]")[:-1] for e in exc.errors()]
            if not all(locs):
                return None
    return None


def _drop(node: Any, loc: tuple[Any, ...]) -> None:
    for i, step in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and step in node:
            if last:
                del node[step]
                return
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node) and not last:
            node = node[step]
        else:
            return


# A real model file is 3-5 kB. The pure-Python YAML reader (needed to refuse aliases before they
# expand) takes seconds for a few hundred kB of dense YAML, so the limit is well below 1 MB.
MAX_MODEL_BYTES = 256_000
_MAX_DEPTH = 30  # a model file nests four or five levels


class _Refused(Exception):
    def __init__(self, why: str, mark: Any) -> None:
        super().__init__(why)
        self.why = why
        self.mark = mark


class _ModelLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (a model file has no need of them, and an alias
    bomb expands through them) and deep nesting, both before anything is built."""

    _depth = 0

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        # The scanner reads ahead through nested [ and { before the composer sees them, in
        # time growing with the square of the depth: stop at the bracket itself.
        if self.flow_level >= _MAX_DEPTH:
            raise _Refused(self._too_deep(), self.get_mark())
        super().fetch_flow_collection_start(token_class)  # type: ignore[misc]

    @staticmethod
    def _too_deep() -> str:
        return f"modelfilen er indlejret mere end {_MAX_DEPTH} niveauer dybt"

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _Refused(
                "modelfilen bruger et YAML-alias (*navn); en modelfil har ikke brug for aliasser "
                "– skriv værdien ud hvert sted",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                raise _Refused(self._too_deep(), self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_TAG = "tag:yaml.org,2002:"
_NON_FINITE = re.compile(r"^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")  # YAML 1.1 reads 012 as octal 10


class _Reader:
    """The YAML node tree → plain values, with every scalar judged by its source text and every
    mapping checked for duplicate keys. Problems carry the key path; a refused value is kept
    as its text, so the rest of the file is still checked."""

    def __init__(self, loader: _ModelLoader) -> None:
        self.loader = loader
        self.problems: list[Problem] = []

    def value(self, node: yaml.Node, path: str) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(n, f"{path}[{i}]") for i, n in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _TAG + "merge" or not isinstance(key_node, yaml.ScalarNode):
                where = path or "(roden)"
                self.problems.append(
                    Problem(f"{where} (linje {line})", "en nøgle skal være et enkelt navn")
                )
                continue
            key = self.loader.construct_object(key_node)
            key_path = f"{path}.{key}" if path else str(key)
            if key in lines:
                self.problems.append(
                    Problem(
                        key_path,
                        f"står to gange (linje {lines[key]} og linje {line}); "
                        "slet den ene – ellers gælder kun den sidste",
                    )
                )
                continue
            lines[key] = line
            out[key] = self.value(value_node, key_path)
        return out

    def scalar(self, node: yaml.ScalarNode, path: str) -> Any:
        text, tag, plain = node.value, node.tag, node.style is None
        if plain and AMBIGUOUS_NUMBER.match(text):
            digits = text.replace(".", "")
            yaml_reading = (
                f"YAML læser det som {danish_number(float(text))}"
                if text.count(".") == 1
                else "YAML læser det som tekst"
            )
            self.problems.append(
                Problem(
                    path,
                    f"'{text}' er tvetydigt: {yaml_reading}, med dansk tusindtalspunktum er det "
                    f'{danish_number(int(digits))}; skriv {digits} (uden punktum) eller "{text},0"',
                )
            )
            return text
        if tag == _TAG + "int":
            if ":" in text:  # YAML 1.1 sexagesimal: 23:00 is 1380; keep it as written
                return text
            if _LEADING_ZERO.match(text):
                self.problems.append(
                    Problem(path, f"'{text}' har et foranstillet 0; skriv tallet uden det")
                )
                return text
        if tag == _TAG + "float":
            if _NON_FINITE.match(text):
                self.problems.append(
                    Problem(path, f"skal være et endeligt tal, ikke {text} (uendelig/ikke et tal)")
                )
                return text
            if ":" in text:
                return text
            number = SourceFloat(self.loader.construct_object(node))
            number.text = text
            return number
        if tag == _TAG + "timestamp":
            try:
                return self.loader.construct_object(node)
            except ValueError:
                self.problems.append(Problem(path, f"ugyldig dato '{text}' (den dag findes ikke)"))
                return text
        return self.loader.construct_object(node)


def read_model_yaml(text: str, source: str) -> tuple[Any, list[Problem]]:
    """The model file's YAML as plain values and the problems found reading it."""
    loader: _ModelLoader | None = None
    try:
        loader = _ModelLoader(text)  # checks the characters already
        node = loader.get_single_node()
        if node is None:
            return None, []
        reader = _Reader(loader)
        return reader.value(node, ""), reader.problems
    except _Refused as exc:
        mark = exc.mark
        raise ConfigError(
            f"{source} (linje {mark.line + 1}, kolonne {mark.column + 1}): {exc.why}"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        if isinstance(exc, yaml.reader.ReaderError):  # a control character: say which
            where = f" (tegn nr. {exc.position + 1}, kode {exc.character!r})"
        raise ConfigError(f"{source}{where}: modelfilen er ikke gyldig YAML") from None
    finally:
        if loader is not None:
            loader.dispose()


def _size(n: int) -> str:
    return f"{format_number(n / 1e6, 1)} MB" if n >= 1_000_000 else f"{n // 1000} kB"


def load_config(path: Path) -> ModelConfig:
    """Read and validate a model file; data paths become absolute, relative to the file."""
    if not path.exists():
        raise ConfigError(f"{path}: modelfilen findes ikke")
    if path.is_dir():
        raise ConfigError(f"{path}: er en mappe; angiv selve modelfilen (en .yaml-fil)")
    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise ConfigError(
            f"{path}: filen fylder {_size(size)}; en modelfil fylder højst "
            f"{_size(MAX_MODEL_BYTES)} – er det den rigtige fil?"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: modelfilen er ikke gemt som UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: modelfilen kan ikke læses ({exc.strerror})") from None
    raw, problems = read_model_yaml(text, str(path))
    if raw is None:
        raise ConfigError(f"{path}: modelfilen er tom")
    cfg = parse_config(raw, str(path), problems)
    base = path.resolve().parent
    data = cfg.data.model_copy(
        update={
            "leverancer": base / cfg.data.leverancer if cfg.data.leverancer else None,
            "visitationer": base / cfg.data.visitationer if cfg.data.visitationer else None,
            "budget": base / cfg.data.budget if cfg.data.budget else None,
        }
    )
    return cfg.model_copy(update={"data": data})
