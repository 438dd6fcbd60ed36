"""Course types (forløbstyper): the built-in three and named ones, with their options."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import (
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from takst_cli.config.bands import CourseArt, LevelsConfig
from takst_cli.config.values import (
    DEFAULT_PARAGRAPHS,
    Days,
    Share,
    Threshold,
    Weeks,
    _Model,
    _normal_paragraphs,
)
from takst_cli.models import (
    COURSE_TYPE_WORDS,
    CourseType,
)


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
