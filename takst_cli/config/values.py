"""Readers of one model-file value as a Danish finance officer writes it (numbers, yes/no,
clock times, dates, shares), the number types with their ranges, and the word lists."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

from takst_cli.format import format_number
from takst_cli.models import (
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


def danish_number(value: Any) -> str:
    """A number as a Danish reader writes it (50.000, -0,1); anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return repr(value)
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not d.is_finite():
        return str(value)
    places = max(-int(d.normalize().as_tuple().exponent), 0)
    return format_number(d, places)


def _normal_paragraphs(values: list[str]) -> list[str]:
    """Paragraphs kept in their normal form ('SEL 83' is 'SEL §83'), so that data written
    either way compares equal (SPEC §3)."""
    return [normal_paragraph(v) for v in values]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
