"""The model file: YAML → typed, frozen config; every problem reported with its key path."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from takst_cli.errors import ConfigError, Problem
from takst_cli.format import format_share
from takst_cli.models import (
    BUDGET_FIELDS,
    LEVERANCER_FIELDS,
    VISITATIONER_FIELDS,
    CourseType,
    Shift,
    normal_paragraph,
)

Share = float  # a fraction in [0, 1]; checked in `semantic_problems`

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


class Period(_Model):
    fra: dt.date | None = None
    til: dt.date | None = None


class Columns(_Model):
    """Export header for each field; a field not named keeps its own name as header."""

    leverancer: dict[str, str] = Field(default_factory=dict)
    visitationer: dict[str, str] = Field(default_factory=dict)
    budget: dict[str, str] = Field(default_factory=dict)

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
    aarsloen: Decimal | None = None
    normtimer: Decimal | None = None
    fravaer_andel: Share = 0.0
    indirekte_andele: dict[str, Share] = Field(default_factory=dict)
    omkostninger_pr_aarsvaerk: dict[str, Decimal] = Field(default_factory=dict)
    timepris: Decimal | None = None
    sygepleje: bool = False


class HourlyPriceConfig(_Model):
    faggrupper: list[StaffGroup]
    tillaeg: dict[Shift, Share] = Field(default_factory=dict)
    omkostninger_i_takst: dict[str, Decimal] = Field(default_factory=dict)


def _normal_paragraphs(values: list[str]) -> list[str]:
    """Paragraphs kept in their normal form ('SEL 83' is 'SEL §83'), so that data written
    either way compares equal (SPEC §3)."""
    return [normal_paragraph(v) for v in values]


class CourseConfig(_Model):
    periode_uger: int = 12
    paragraffer: list[str] = Field(default_factory=lambda: list(DEFAULT_PARAGRAPHS))
    forventet_reduktion: Share | None = None
    efterperiode_uger: int | None = None
    taerskel_timer_uge: float = 25.0

    _paragraphs = field_validator("paragraffer")(_normal_paragraphs)


class CoursesConfig(_Model):
    """The course types, and how courses are formed from the grant history (SPEC §3.1)."""

    udviklende: CourseConfig = CourseConfig(periode_uger=12)
    fastholdende: CourseConfig = CourseConfig(periode_uger=26)
    individuel: CourseConfig = CourseConfig(periode_uger=26)
    # A gap of at most this many days between grants of the same course type is bridged.
    sammenhaeng_dage: int = 0
    # Without a type column: a course is a development course when the citizen had no grant
    # in this many days before it (a new citizen)…
    ny_borger_dage: int = 90
    # …or on the days a grant row of one of these paragraphs covers.
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
        return sorted({p for ct in CourseType for p in self.of(ct).paragraffer})

    def of(self, course_type: CourseType) -> CourseConfig:
        return getattr(self, course_type.value)  # type: ignore[no-any-return]

    @property
    def individual_threshold(self) -> float:
        return self.individuel.taerskel_timer_uge


class Band(_Model):
    niveau: int
    fra: float
    til: float | None = None


class BandGenerator(_Model):
    """Levels as steps (VIVE step 2): a first step, then equal (lineaer) or growing (stigende)
    steps; the last step is open upwards. Sizes are in `enhed`.

    The first step covers [0, foerste_fra + foerste_trin): a first step quoted as '2-3 timer pr.
    uge' is foerste_fra 2, foerste_trin 1. Later steps are `trin` each (lineaer), or grow evenly
    from `trin` to `sidste_trin` (stigende); `trin` defaults to foerste_trin.
    """

    antal_trin: int
    foerste_trin: float
    foerste_fra: float = 0.0
    trin: float | None = None
    sidste_trin: float | None = None
    spring: Literal["lineaer", "stigende"] = "lineaer"
    enhed: Literal["timer_uge", "min_uge", "timer_doegn", "min_doegn"] = "timer_uge"


class LevelsConfig(_Model):
    grundlag: Literal["visiteret", "leveret"] = "visiteret"
    baand: list[Band] | None = None
    generator: BandGenerator | None = None

    def bands(self) -> list[Band]:
        """The bands in hours per week, explicit or generated; the default is SPEC's five."""
        if self.baand:
            return sorted(self.baand, key=lambda b: b.fra)
        if self.generator:
            return generate_bands(self.generator)
        return [
            Band(niveau=i + 1, fra=5.0 * i, til=5.0 * (i + 1) if i < 4 else None) for i in range(5)
        ]


_UNIT_TO_HOURS_WEEK = {"timer_uge": 1.0, "min_uge": 1 / 60, "timer_doegn": 7.0, "min_doegn": 7 / 60}


def generate_bands(gen: BandGenerator) -> list[Band]:
    """antal_trin bands in hours per week: the first step, the middle steps, an open last one."""
    factor = _UNIT_TO_HOURS_WEEK[gen.enhed]
    middle = max(gen.antal_trin - 2, 0)  # closed steps after the first
    start = gen.trin if gen.trin is not None else gen.foerste_trin
    end = gen.sidste_trin if (gen.spring == "stigende" and gen.sidste_trin) else start
    sizes = [gen.foerste_fra + gen.foerste_trin] + [
        start + (end - start) * (i / max(middle - 1, 1)) for i in range(middle)
    ]
    bands: list[Band] = []
    lower = 0.0
    for i, size in enumerate(sizes[: gen.antal_trin - 1]):
        upper = round(lower + size * factor, 6)
        bands.append(Band(niveau=i + 1, fra=lower, til=upper))
        lower = upper
    bands.append(Band(niveau=gen.antal_trin, fra=lower, til=None))
    return bands


class ShiftsConfig(_Model):
    i_scope: list[Shift] = Field(default_factory=lambda: [Shift.DAG, Shift.AFTEN, Shift.WEEKEND])
    dag_fra: dt.time = dt.time(7, 0)
    aften_fra: dt.time = dt.time(15, 0)
    nat_fra: dt.time = dt.time(23, 0)


class ClinicConfig(_Model):
    andel: Share | None = None
    timepris: Decimal | None = None


class TariffConfig(_Model):
    metode: Literal["historisk", "normativ"] = "historisk"
    basistakst: Decimal = Decimal(0)


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
    ramme: Decimal | None = None  # kr per year, for the frame model and the comparison
    fast_ramme: Decimal | None = None  # kr per year, fixed costs in a combination model
    variabel: Literal["aktivitet", "forloeb"] = "aktivitet"
    demografiregulering: Share = 0.0


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
    aar: int | None = None  # the budget year; default the year after the data period
    demografi: float = 0.0  # expected growth of the caseload, fraction


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
    maks_minutter_pr_besoeg: float = 720.0
    # share of the visits (or their minutes) outside the model above which a run warns
    advarsel_andel: Share = 0.20

    @field_validator("advarsel_andel")
    @classmethod
    def _warn_share(cls, v: float) -> float:
        if not 0.0 <= v <= 1.0:  # also refuses nan
            raise ValueError(f"andelen {v} skal ligge mellem 0 og 1")
        return v

    def staff_group(self, name: str) -> StaffGroup | None:
        return next((g for g in self.timepris.faggrupper if g.navn == name), None)


def semantic_problems(cfg: ModelConfig) -> list[Problem]:
    """Problems of meaning that the schema cannot see (SPEC §3.2), all at once."""
    out: list[Problem] = []

    def share(path: str, value: float | None) -> None:
        if value is not None and not 0.0 <= value <= 1.0:
            out.append(Problem(path, f"andelen {value} skal ligge mellem 0 og 1"))

    names = [g.navn for g in cfg.timepris.faggrupper]
    for name in sorted({n for n in names if names.count(n) > 1}):
        out.append(Problem("timepris.faggrupper", f"faggruppen '{name}' står flere gange"))
    for i, g in enumerate(cfg.timepris.faggrupper):
        path = f"timepris.faggrupper[{i}]"
        share(f"{path}.fravaer_andel", g.fravaer_andel)
        if g.fravaer_andel == 1:
            out.append(Problem(f"{path}.fravaer_andel", "fraværsandelen skal være under 1"))
        for key, value in g.indirekte_andele.items():
            share(f"{path}.indirekte_andele.{key}", value)
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
            elif g.normtimer <= 0:
                out.append(Problem(f"{path}.normtimer", "normtimer skal være større end 0"))
        elif g.timepris <= 0:
            out.append(Problem(f"{path}.timepris", "timeprisen skal være større end 0"))
    for shift, value in cfg.timepris.tillaeg.items():
        share(f"timepris.tillaeg.{shift.value}", value)
    for ct in CourseType:
        c = cfg.forloeb.of(ct)
        if c.periode_uger <= 0:
            out.append(Problem(f"forloeb.{ct.value}.periode_uger", "skal være større end 0"))
        if c.efterperiode_uger is not None and c.efterperiode_uger <= 0:
            out.append(Problem(f"forloeb.{ct.value}.efterperiode_uger", "skal være større end 0"))
        share(f"forloeb.{ct.value}.forventet_reduktion", c.forventet_reduktion)
    for key in ("sammenhaeng_dage", "ny_borger_dage"):
        if getattr(cfg.forloeb, key) < 0:
            out.append(Problem(f"forloeb.{key}", "kan ikke være negativ"))
    if cfg.forloeb.individual_threshold <= 0:
        out.append(Problem("forloeb.individuel.taerskel_timer_uge", "skal være større end 0"))
    out.extend(_band_problems(cfg.niveauer))
    share("klinik.andel", cfg.klinik.andel)
    if cfg.klinik.timepris is not None and cfg.klinik.timepris < 0:
        out.append(Problem("klinik.timepris", "klinikkens timepris kan ikke være negativ"))
    if not -0.5 < cfg.budget.demografi < 1:
        out.append(Problem("budget.demografi", "skal ligge mellem -0,5 og 1"))
    for key, amount in cfg.timepris.omkostninger_i_takst.items():
        if amount < 0:
            out.append(Problem(f"timepris.omkostninger_i_takst.{key}", "kan ikke være negativ"))
    if cfg.klinik.andel and cfg.klinik.timepris is None:
        out.append(Problem("klinik.timepris", "klinikandel kræver klinikkens timepris"))
    if cfg.klinik.andel and not any(g.sygepleje for g in cfg.timepris.faggrupper):
        out.append(Problem("klinik.andel", "klinikandel kræver en faggruppe med sygepleje: true"))
    p = cfg.periode
    if p.fra and p.til and p.til < p.fra:
        out.append(Problem("periode.til", "periodens slutdato ligger før startdatoen"))
    out.extend(_funding_problems(cfg.tildeling))
    if cfg.budget.aar is not None and not 1900 < cfg.budget.aar < 2200:
        out.append(Problem("budget.aar", f"urimeligt budgetår {cfg.budget.aar}"))
    if cfg.maks_minutter_pr_besoeg <= 0:
        out.append(Problem("maks_minutter_pr_besoeg", "skal være større end 0"))
    return out


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
        for key in ("ramme", "fast_ramme"):
            value = getattr(t, key)
            if value is not None and value < 0:
                out.append(Problem(f"{path}.{key}", "beløbet kan ikke være negativt"))
        if not -0.5 <= t.demografiregulering <= 1:
            out.append(Problem(f"{path}.demografiregulering", "skal ligge mellem -0,5 og 1"))
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
    for i, g in enumerate(cfg.timepris.faggrupper):
        if g.timepris is None and g.aarsloen is not None and g.aarsloen < 100_000:
            out.append(
                Problem(
                    f"timepris.faggrupper[{i}].aarsloen",
                    f"årslønnen {g.aarsloen} kr. ser lav ud for et årsværk",
                )
            )
    return out


def _band_problems(levels: LevelsConfig) -> list[Problem]:
    out: list[Problem] = []
    if levels.baand and levels.generator:
        out.append(Problem("niveauer", "angiv enten baand eller generator, ikke begge"))
    if levels.generator and levels.generator.antal_trin < 1:
        return [Problem("niveauer.generator.antal_trin", "skal være mindst 1")]
    bands = levels.bands()
    if bands[0].fra != 0:
        out.append(
            Problem("niveauer.baand", f"første niveau skal starte ved 0, ikke {bands[0].fra}")
        )
    for a, b in zip(bands, bands[1:], strict=False):
        if a.til is None:
            out.append(
                Problem("niveauer.baand", f"niveau {a.niveau} er åbent opad, men ikke sidst")
            )
        elif a.til < b.fra:
            out.append(Problem("niveauer.baand", f"hul mellem {a.til} og {b.fra} timer pr. uge"))
        elif a.til > b.fra:
            out.append(Problem("niveauer.baand", f"niveau {a.niveau} og {b.niveau} overlapper"))
    for band in bands:
        if band.til is not None and band.til <= band.fra:
            out.append(Problem("niveauer.baand", f"niveau {band.niveau}: til skal være over fra"))
    if bands[-1].til is not None:
        out.append(Problem("niveauer.baand", "sidste niveau skal være åbent opad (uden til)"))
    levels_seen = [b.niveau for b in bands]
    if len(set(levels_seen)) != len(levels_seen):
        out.append(Problem("niveauer.baand", "samme niveaunummer står flere gange"))
    return out


_PYDANTIC_DA = {
    "missing": "mangler",
    "extra_forbidden": "ukendt nøgle",
    "float_parsing": "skal være et tal",
    "float_type": "skal være et tal",
    "decimal_parsing": "skal være et tal",
    "decimal_type": "skal være et tal",
    "int_parsing": "skal være et heltal",
    "int_type": "skal være et heltal",
    "int_from_float": "skal være et heltal",
    "bool_parsing": "skal være true eller false",
    "bool_type": "skal være true eller false",
    "date_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_type": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "time_parsing": "skal være et klokkeslæt (TT:MM)",
    "time_type": "skal være et klokkeslæt (TT:MM)",
    "string_type": "skal være tekst",
    "list_type": "skal være en liste",
    "dict_type": "skal være en tabel af nøgler og værdier",
    "model_type": "skal være en tabel af nøgler og værdier",
    "enum": "ugyldig værdi",
    "literal_error": "ugyldig værdi",
    "path_type": "skal være en sti",
}


def _translate(err: dict[str, Any]) -> Problem:
    loc = [p for p in err["loc"] if p != "[key]"]
    path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc)
    path = path.replace(".[", "[")
    kind = err["type"]
    why = _PYDANTIC_DA.get(kind)
    if kind in ("enum", "literal_error"):
        expected = err.get("ctx", {}).get("expected", "")
        why = f"ugyldig værdi {err.get('input')!r}; forventet {expected}".replace(" or ", " eller ")
    elif kind == "value_error":
        why = str(err.get("ctx", {}).get("error", err["msg"]))
    elif why is None:
        why = err["msg"]
    elif kind not in ("missing", "extra_forbidden"):
        why = f"{why}, fik {err.get('input')!r}"
    return Problem(path or "(roden)", why)


def parse_config(raw: Any, source: str = "modelfil") -> ModelConfig:
    """Validate a loaded YAML document; raise ConfigError listing every problem."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: modelfilen skal være en YAML-tabel af nøgler og værdier")
    try:
        cfg = ModelConfig.model_validate(raw)
    except ValidationError as exc:
        problems = [_translate(e) for e in exc.errors()]  # type: ignore[arg-type]
        raise ConfigError(
            f"{source}: modelfilen er ugyldig ({len(problems)} fejl)", problems
        ) from None
    problems = semantic_problems(cfg)
    if problems:
        raise ConfigError(f"{source}: modelfilen er ugyldig ({len(problems)} fejl)", problems)
    return cfg


def load_config(path: Path) -> ModelConfig:
    """Read and validate a model file; data paths become absolute, relative to the file."""
    if not path.exists():
        raise ConfigError(f"{path}: modelfilen findes ikke")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: modelfilen er ikke gemt som UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        raise ConfigError(f"{path}{where}: modelfilen er ikke gyldig YAML") from None
    cfg = parse_config(raw, str(path))
    base = path.resolve().parent
    data = cfg.data.model_copy(
        update={
            "leverancer": base / cfg.data.leverancer if cfg.data.leverancer else None,
            "visitationer": base / cfg.data.visitationer if cfg.data.visitationer else None,
            "budget": base / cfg.data.budget if cfg.data.budget else None,
        }
    )
    return cfg.model_copy(update={"data": data})
