"""The model file's sections as typed, frozen pydantic models, up to ModelConfig."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    field_validator,
    model_validator,
)

from takst_cli.config.bands import LevelsConfig
from takst_cli.config.courses import CoursesConfig
from takst_cli.config.values import (
    _NUMBER,
    CITIZEN_WORDS,
    PROVIDER_WORDS,
    Amount,
    Clock,
    Date,
    Growth,
    HourPrice,
    Minutes,
    NormHours,
    Regulation,
    Share,
    Wage,
    Year,
    YesNo,
    _below_one,
    _Model,
    _normal_paragraphs,
)
from takst_cli.models import (
    BUDGET_FIELDS,
    LEVERANCER_FIELDS,
    LEVERANDOERER_FIELDS,
    VISITATIONER_FIELDS,
    Shift,
    normal_paragraph,
)


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


IndexValue = Annotated[Decimal, Field(gt=0, le=10_000, allow_inf_nan=False), _NUMBER]


class IndexYear(_Model):
    """One year's wage and price index, as KL publishes its pris- og lønskøn."""

    loen: IndexValue
    pris: IndexValue


class Indexation(_Model):
    """Dated indices that bring tariffs from the data year to the budget year: the wage part of
    a cost follows the wage index, the rest the price index (`loenandele`: each cost's wage
    share; årslønnen is all wage)."""

    kilde: Annotated[str, Field(min_length=1)]  # e.g. "KL pris- og lønskøn, juni 2025"
    dato: Date  # when the indices were published
    indeks: dict[Year, IndexYear]
    fra_aar: Year | None = None  # default: the data period's year
    loenandele: dict[str, Share] = Field(default_factory=dict)


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
    # absent only in a model for the follow-up from a budget file alone (see `needs_prices`)
    timepris: HourlyPriceConfig = Field(default_factory=lambda: HourlyPriceConfig(faggrupper=[]))
    forloeb: CoursesConfig = CoursesConfig()
    niveauer: LevelsConfig = LevelsConfig()
    vagter: ShiftsConfig = ShiftsConfig()
    klinik: ClinicConfig = ClinicConfig()
    takster: TariffConfig = TariffConfig()
    tildeling: FundingConfig = FundingConfig()
    budget: BudgetConfig = BudgetConfig()
    fremskrivning: Indexation | None = None
    pseudonymisering: PseudonymConfig = PseudonymConfig()
    maks_minutter_pr_besoeg: Minutes = 720.0
    frit_valg: FreeChoiceConfig | None = None
    # share of the visits (or their minutes) outside the model above which a run warns
    advarsel_andel: Share = 0.20
    # named scenarios for `takst scenarie`: each a table of key paths and values (config.overrides)
    scenarier: dict[str, dict[str, Any]] = Field(default_factory=dict)

    def staff_group(self, name: str) -> StaffGroup | None:
        return next((g for g in self.timepris.faggrupper if g.navn == name), None)

    def levels_of(self, course_type: str) -> LevelsConfig:
        """The severity grouping of a course type: its own, or the model's."""
        return self.forloeb.spec(course_type).cfg.niveauer or self.niveauer

    def uses_function_level(self) -> bool:
        """Whether any course type groups by the grants' function level."""
        return any(self.levels_of(t.name).grundlag == "funktionsevne" for t in self.forloeb.types())
