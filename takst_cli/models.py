"""Domain vocabulary: column names, enums and input schemas, in one place."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path


class CourseType(StrEnum):
    """The three built-in course types; they are also the three arts (behaviours) a course type
    configured under `forloeb:` can have (config.CourseSpec)."""

    UDVIKLENDE = "udviklende"
    FASTHOLDENDE = "fastholdende"
    INDIVIDUEL = "individuel"


# A grant's course-type text (lower-cased) → built-in course type. A configured type is also
# found by its name, its betegnelse and its synonymer.
COURSE_TYPE_WORDS: dict[str, str] = {
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

# FSIII function levels (0-4) by their standard names; a model file may add its own labels.
FUNCTION_LEVEL_LABELS: dict[str, int] = {
    "ingen begrænsninger": 0,
    "lette begrænsninger": 1,
    "moderate begrænsninger": 2,
    "svære begrænsninger": 3,
    "totale begrænsninger": 4,
}


class Phase(StrEnum):
    """Phase of a course row: period 1, or the after-phase of a development course."""

    PERIODE_1 = "periode 1"
    EFTER = "efter periode 1"
    HELE = "hele forløbet"


class Shift(StrEnum):
    DAG = "dag"
    AFTEN = "aften"
    NAT = "nat"
    WEEKEND = "weekend"


class Status(StrEnum):
    LEVERET = "leveret"
    AFLYST = "aflyst"


class Col:
    """Canonical column names after the export headers are mapped (SPEC §3.1)."""

    BORGER = "borger_id"
    DATO = "dato"
    START = "start"
    MINUTTER = "minutter"
    PARAGRAF = "paragraf"
    FAGGRUPPE = "faggruppe"
    TEAM = "team"
    VAGT = "vagt"
    KLINIK = "klinik"
    STATUS = "status"
    AFLYST_TIDSPUNKT = "aflyst_tidspunkt"
    AFLYST_AF = "aflyst_af"

    FORLOEBSTYPE = "forloebstype"
    START_DATO = "start_dato"
    SLUT_DATO = "slut_dato"
    VISITERET_UGE = "visiterede_minutter_uge"
    GANGE_UGE = "gange_pr_uge"
    MINUTTER_GANG = "minutter_pr_gang"
    FUNKTIONSEVNE = "funktionsevne"
    INDSATS = "indsats"
    GIVEN_COURSE = "forloeb_id"  # the export's own course id (grants), when mapped

    BUDGET = "budget"
    SPEND = "forbrug_til_dato"
    SPEND_DATE = "opgjort_dato"
    YEAR = "aar"

    # The free-choice providers' settled volumes (frit valg, ældreloven § 19)
    PROVIDER = "leverandoer"
    SERVICE = "ydelse"
    VOLUME = "maengde"  # hours, or course-weeks for a course-week price
    PAID_PRICE = "betalt_pris"  # kr per hour or per course-week

    # Derived columns
    ROW = "raekke"
    TIMELY = "rettidig_aflysning"  # cancelled by the citizen before the deadline
    REASON = "aarsag"  # out-of-scope reason (None = in scope)
    ERROR = "fejl"  # invalid-row reason (None = valid)
    ERROR_VALUE = "fejlvaerdi"
    ERROR_ROW = "fejlraekke"
    N_VISITS = "antal"
    COURSE_ID = "forloeb_nr"  # takst's course number
    START_MINUTES = "start_minutter_uge"  # granted minutes per week on a course's first day
    PHASE = "fase"
    LEVEL = "niveau"
    TYPE = "type"
    DAYS = "dage"
    HOURS_WEEK = "timer_uge"
    START_FUNCTION = "start_funktionsevne"  # function level on a course's first day
    START_LEVEL = "startniveau"  # a development course's level on its first day (r, effect)

    # Course segments (pipeline.courses): a course cut where its level or phase changes
    SEGMENT_ID = "segment_id"
    SEG_START = "seg_start"
    SEG_END = "seg_end"
    TARIFF = "takst"  # Decimal kr per week a segment is paid (None: its cell has no tariff)
    WEEKS = "uger"  # expected citizen-weeks (budget caseload)
    AMOUNT = "budget"  # kr (budget caseload)
    # The visit facts (pipeline.facts)
    WINDOW_ID = "vindue_id"  # the development course whose after-window holds the visit
    MONTH = "maaned"  # first day of the visit's month (a month number in the follow-up)
    UP_TO_DATE = "til_dato"  # on or before the follow-up date
    WIN_START = "efter_start"  # a development course's after-window (r)
    WIN_END = "efter_slut"
    DELEGATED = "delegeret"  # delegated nursing: SUL §138 by non-nursing staff (funding)
    CITIZENS = "borgere"
    CITIZEN_NO = "_borger_nr"  # a citizen's number in the facts' packed key
    FIRST_ROW = "foerste_raekke"  # the first export row of identical visits
    OUTCOME = "udfald"  # a development course's outcome (effect)
    SERVICE_OF = "_ydelse"  # the free-choice service a visit belongs to
    # Codes of the streaming pass (pipeline.parse): small integers in place of texts
    ERROR_CODE = "fejlkode"
    REASON_CODE = "aarsagskode"
    SHIFT_CODE = "vagtkode"
    STATUS_CODE = "statuskode"
    DATE_OF_STAMP = "aflyst_dato"  # a cancellation stamp's date and clock, apart
    TIME_OF_STAMP = "aflyst_klokken"


class Ledger:
    """The settlement ledger's columns (afregning.parquet): one row per team, month and part."""

    TEAM = "team"
    MONTH = "maaned"
    PART = "del"
    AMOUNT = "beloeb"
    SHEET = "takstblad_sha256"


class Part:
    """The parts a team's funding is made of (the ledger's `del`, the funding tables' columns),
    in the order the tables and the ledger show them."""

    FRAME = "ramme"
    ACTIVITY = "aktivitet"
    COURSE = "forloeb"
    DELEGATED = "delegeret"
    ALL = (FRAME, ACTIVITY, COURSE, DELEGATED)


# Fields of each input: (name, required). Optional fields may be absent from the export.
LEVERANCER_FIELDS: dict[str, bool] = {
    Col.BORGER: True,
    Col.DATO: True,
    Col.START: False,
    Col.MINUTTER: True,
    Col.PARAGRAF: True,
    Col.FAGGRUPPE: True,
    Col.TEAM: True,
    Col.VAGT: False,
    Col.KLINIK: False,
    Col.STATUS: False,
    Col.AFLYST_TIDSPUNKT: False,
    Col.AFLYST_AF: False,
}

VISITATIONER_FIELDS: dict[str, bool] = {
    Col.BORGER: True,
    Col.TEAM: True,
    Col.FORLOEBSTYPE: False,
    Col.START_DATO: True,
    Col.SLUT_DATO: False,
    # Required: minutes per week, or times per week × minutes per time (checked on read)
    Col.VISITERET_UGE: False,
    Col.GANGE_UGE: False,
    Col.MINUTTER_GANG: False,
    Col.FUNKTIONSEVNE: False,
    Col.INDSATS: False,
    Col.PARAGRAF: False,
    Col.GIVEN_COURSE: False,
}

# An optional field that is required unless all of its alternatives are present.
REQUIRED_UNLESS: dict[str, tuple[str, ...]] = {
    Col.VISITERET_UGE: (Col.GANGE_UGE, Col.MINUTTER_GANG),
}

BUDGET_FIELDS: dict[str, bool] = {
    Col.TEAM: True,
    Col.BUDGET: True,
    Col.SPEND: False,
    Col.SPEND_DATE: False,
    Col.YEAR: False,
}

# The providers' file for `takst efterberegning`: one row per provider and service (and course
# type, phase and level for a course-week price).
LEVERANDOERER_FIELDS: dict[str, bool] = {
    Col.PROVIDER: True,
    Col.SERVICE: True,
    Col.VOLUME: True,
    Col.PAID_PRICE: True,
    Col.FORLOEBSTYPE: False,
    Col.PHASE: False,
    Col.LEVEL: False,
    Col.YEAR: False,
}
# Other headers a budget file's field may have (regular expressions on the header in lower
# case, spaces folded), used where `kolonner.budget` names no header for the field. A header
# like 'Budget 2026' also tells the budget year.
BUDGET_SYNONYMS: dict[str, tuple[str, ...]] = {
    Col.TEAM: ("team", "teamnavn", "teams", "distrikt", "distriktsnavn", "område", "enhed"),
    Col.BUDGET: (
        "budget",
        r"budget (?:for )?\d{4}",
        r"budget (?:i )?kr\.?",
        "årsbudget",
        "budget i alt",
        "korrigeret budget",
        "oprindeligt budget",
    ),
    Col.SPEND: (
        "forbrug",
        "forbrug til dato",
        "forbrug år til dato",
        "forbrug i år",
        "faktisk forbrug",
        "forbrug i kr.",
        "forbrug kr.",
    ),
    Col.SPEND_DATE: ("opgjort dato", "opgjort", "opgørelsesdato", "opgjort pr.", "pr. dato"),
    Col.YEAR: ("år", "aar", "budgetår", "budgetaar", "regnskabsår"),
}
# A budget column whose header holds this word is spend: never left unread (SPEC §3.1).
BUDGET_LOOKALIKES: dict[str, str] = {Col.SPEND: "forbrug"}
YEAR_IN_HEADER = re.compile(r"(?<!\d)(19\d{2}|2[01]\d{2})(?!\d)")

# Paragraphs (SPEC §2): the law's names as exports write them, and its short form.
LAW_NAMES: dict[str, str] = {
    "sel": "SEL",
    "serviceloven": "SEL",
    "servicelov": "SEL",
    "servicelovens": "SEL",
    "lov om social service": "SEL",
    "sul": "SUL",
    "sundhedsloven": "SUL",
    "sundhedslov": "SUL",
    "sundhedslovens": "SUL",
}
_PARAGRAPH = re.compile(
    r"(?:(?P<law>[^\d§]*?)\.?\s*)?(?:§\s*)?(?P<number>\d+)\s*(?P<letter>[a-zæøå])?"
)


def normal_paragraph(text: str) -> str:
    """One spelling per paragraph: 'SEL §83', 'SEL 83', 'Serviceloven § 83' and 'sel §83' are
    'SEL §83'; 'SEL 83a' is 'SEL §83a'; a bare '§83' or '83' is '§83' (its law is found from
    the model's paragraphs). Text that is not a paragraph stays as written (trimmed)."""
    folded = " ".join(text.casefold().split())
    m = _PARAGRAPH.fullmatch(folded)
    if m is None:
        return text.strip()
    law = (m.group("law") or "").strip()
    number = m.group("number") + (m.group("letter") or "")
    if not law:
        return f"§{number}"
    short = LAW_NAMES.get(law)
    return f"{short} §{number}" if short else text.strip()


# Out-of-scope reasons (counted, never dropped silently)
REASON_CANCELLED = "aflyst"
REASON_EMPTY = "tom række (sprunget over)"  # nothing but separators, or an empty sheet row
REASON_NIGHT = "nat"
REASON_PARAGRAPH = "paragraf uden for modellen"

# Invalid-row reasons
ERR_MISSING_ID = "mangler borger-id"
ERR_DATE = "ugyldig dato"
ERR_MINUTES = "ugyldige minutter"
ERR_NEG_MINUTES = "negative minutter"
ERR_ABSURD_MINUTES = "urimeligt mange minutter"
ERR_STAFF = "ukendt faggruppe"
ERR_SHIFT = "ukendt vagt"
ERR_STATUS = "ukendt status"
ERR_TIME = "ugyldigt klokkeslæt"
ERR_OUTSIDE = "dato uden for perioden"
ERR_MISSING = "manglende værdi"
ERR_TYPE = "ukendt forløbstype"
ERR_HOURS = "ugyldige visiterede minutter"
ERR_END_BEFORE_START = "slutdato før startdato"
ERR_DUPLICATE = "dublet"
ERR_GRANT_COPY = "dublet af en anden visitationsrække"
ERR_GRANT_OVERLAP = "overlapper en anden række med samme indsats"
ERR_STAMP = "ugyldigt aflysningstidspunkt"
ERR_CLINIC = "ugyldig klinik-markering"
ERR_SHORT_YEAR = "tocifret årstal (angiv data.aarhundrede i modelfilen, fx 2000)"
ERR_FUNCTION = "ugyldig funktionsevne"
ERR_NO_FUNCTION = "mangler funktionsevne"
REASON_STAFF = "faggruppe uden for forløbstypen"
ERR_CANCELLED_BY = "aflyst af hverken borger eller leverandør"


@dataclass(frozen=True)
class HourlyPrice:
    """One staff group's price. Hours are per FTE per year; prices are kr per direct hour,
    rounded to øre once, here, and used rounded downstream so every cost can be checked by hand."""

    staff_group: str
    nursing: bool
    annual_cost: Decimal | None  # wage + per-FTE cost items placed in the price, kr
    norm_hours: Decimal | None
    attendance_hours: Decimal | None  # F
    direct_share: Decimal | None  # BTP
    direct_hours: Decimal | None  # D
    price: Decimal  # kr per direct hour, day shift
    shift_prices: dict[Shift, Decimal]  # kr per direct hour in each shift, supplement included
    given: bool  # price given directly in the model file


# The funded parts a budget deviation is explained for (pipeline.deviation), each with its
# volume unit; the takstblad (io.takstblad) carries the budget by the same parts and cells.
# Part.COURSE: citizen-weeks × the frozen tariffs; PART_ACTIVITY_COURSE (no ledger part of its
# own): an activity-funded team's visits in course cells, per week; Part.ACTIVITY: activity
# outside the course cells, per hour; Part.DELEGATED: delegated nursing (SUL §138), per hour;
# Part.FRAME: a frame or a combination's fixed frame, not split.
PART_ACTIVITY_COURSE = "aktivitet_forloeb"
DEVIATION_PARTS = (Part.COURSE, PART_ACTIVITY_COURSE, Part.ACTIVITY, Part.DELEGATED, Part.FRAME)
WEEK_PARTS = (Part.COURSE, PART_ACTIVITY_COURSE)  # volume in citizen-weeks; the others hours
HOUR_PARTS = (Part.ACTIVITY, Part.DELEGATED)
Cell = tuple[Hashable, ...]  # (type, phase, level) or (staff group, shift)


@dataclass(frozen=True)
class CellAmount:
    quantity: Decimal  # citizen-weeks or hours, as the part counts its volume
    amount: Decimal  # kr


# team → part → cell → quantity and kr
PartCells = dict[str, dict[str, dict[Cell, CellAmount]]]


TAKSTBLAD_VERSION = 1  # the takstblad file format (docs/takstblad.schema.json)


@dataclass(frozen=True)
class Takstblad:
    """What the settlement needs from a takstblad: prices, tariffs and where they came from.
    Read and written by io.takstblad; here so report/ and pipeline/ can take one without
    importing io/."""

    path: Path
    budget_year: int
    municipality: str
    model_sha256: str
    prices: list[HourlyPrice]
    clinic_price: Decimal | None
    tariffs: dict[tuple[str, str, int], Decimal | None]  # (type, fase, niveau) → kr per week
    overhead_per_week: Decimal
    reduction: float | None
    # the budget's weeks and kr per team and cell (type, fase, niveau), for the year
    caseload: dict[str, dict[tuple[str, str, int], tuple[Decimal, Decimal]]]
    # the budget's other parts per team and cell (budget_dele); None in a takstblad written
    # before they were: the deviation cannot then be explained beyond the course cells
    parts: PartCells | None = None
    # where it came from, for the output that uses it: the takst that wrote it, the file's
    # own SHA-256 and its date (the file's; the document holds no clock, so that the same
    # inputs write the same file)
    takst_version: str = ""
    format_version: int = TAKSTBLAD_VERSION
    sha256: str = ""
    modified: dt.date | None = None
