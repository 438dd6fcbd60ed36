"""The funding models (SPEC §4.4), one class each: its keys in the model file (`tildeling.standard`
and `tildeling.teams`) and its rules — which parts of what a team's visits and courses come to
it is paid, what the report calls it, what it needs. The pipeline and the reports ask the class
and never branch on the model's name, so a new funding model is one new class here, added to
FUNDING_MODELS; the model file's `model:` key picks the class (a pydantic discriminated union)."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from pydantic import Discriminator, Tag

from takst_cli.config.values import Amount, Regulation, _Model
from takst_cli.errors import Problem
from takst_cli.models import Part
from takst_cli.money import to_decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Amounts:
    """What one team's visits and courses come to over a window (exact kr), for its funding
    model to pick its parts from. Frames are per year: `years` is the window's length."""

    years: Decimal
    activity: Decimal  # activity on the team's basis (grundlag), delegated nursing excluded
    delegated: Decimal  # delegated nursing (SUL §138), on delivered hours under every basis
    course: Decimal  # course weeks × tariffs and individual tariffs
    course_activity: Decimal = ZERO  # in-course visits of staff outside their course type


class FundingRule(_Model):
    """A team's funding model: the keys every model has, and the interface the pipeline and the
    reports use. A subclass sets `model` (its tag in the model file) and `label`, and says which
    parts it pays (`parts`)."""

    model: str
    label: ClassVar[str]  # the model's name in the reports
    # the model's own budget is fixed: its spend in a follow-up is the team's actual cost, and
    # there is no deviation per course cell to decompose
    fixed_budget: ClassVar[bool] = False

    team: str | None = None
    grundlag: Literal["leveret", "visiteret"] = "leveret"
    ramme: Amount | None = None  # kr per year, for the frame model and the comparison
    demografiregulering: Regulation = 0.0

    def frame(self, years: Decimal) -> Decimal | None:
        """The frame for `years` × (1 + demographic regulation); None without an amount."""
        if self.ramme is None:
            return None
        return self.ramme * (1 + to_decimal(self.demografiregulering)) * years

    @abstractmethod
    def parts(self, a: Amounts) -> dict[str, Decimal]:
        """The parts (Part.*, every one present) the model pays the team for the window."""

    @property
    def variable_part(self) -> str:
        """The part (Part.*) that pays what the team does: activity, course weeks, or for a pure
        frame the frame itself (nothing varies)."""
        return Part.ACTIVITY

    @property
    def pays_course(self) -> bool:
        """Course tariffs pay the team: delegated nursing is in the tariff, not its own line."""
        return self.variable_part == Part.COURSE

    def yearly_frame(self) -> Decimal:
        """The frame the model pays for a whole year (kr; 0 without one)."""
        return self.parts(Amounts(Decimal(1), ZERO, ZERO, ZERO))[Part.FRAME]

    def detail(self) -> str:
        """What the model's name leaves out, for the funding tables (', leverede timer')."""
        return ""

    def title(self) -> str:
        """The model as the funding tables name it: 'Aktivitet, leverede timer'."""
        return self.label + self.detail()

    def problems(self, path: str) -> list[Problem]:
        """What the model needs and its entry lacks (`path`: its key in the model file)."""
        return []


def _none() -> dict[str, Decimal]:
    return dict.fromkeys(Part.ALL, ZERO)


class ActivityFunding(FundingRule):
    """Paid the team's hours × hourly prices; delegated nursing as its own line."""

    model: Literal["aktivitet"] = "aktivitet"
    label: ClassVar[str] = "Aktivitet"

    def parts(self, a: Amounts) -> dict[str, Decimal]:
        return {**_none(), Part.ACTIVITY: a.activity, Part.DELEGATED: a.delegated}

    def detail(self) -> str:
        return ", " + ("leverede timer" if self.grundlag == "leveret" else "visiterede timer")


class FrameFunding(FundingRule):
    """Paid a frame per year; delegated nursing as its own line on top."""

    model: Literal["ramme"]
    label: ClassVar[str] = "Ramme"
    fixed_budget: ClassVar[bool] = True

    def parts(self, a: Amounts) -> dict[str, Decimal]:
        return {**_none(), Part.FRAME: self.frame(a.years) or ZERO, Part.DELEGATED: a.delegated}

    @property
    def variable_part(self) -> str:
        return Part.FRAME

    def problems(self, path: str) -> list[Problem]:
        if self.ramme is None:
            return [Problem(f"{path}.ramme", "rammemodellen kræver et rammebeløb pr. år")]
        return []


class CourseFunding(FundingRule):
    """Paid citizen-weeks × course tariffs (delegated nursing is in the tariffs), and by activity
    the visits of staff groups outside their course type."""

    model: Literal["forloeb"]
    label: ClassVar[str] = "Forløb"

    def parts(self, a: Amounts) -> dict[str, Decimal]:
        return {**_none(), Part.COURSE: a.course, Part.ACTIVITY: a.course_activity}

    @property
    def variable_part(self) -> str:
        return Part.COURSE


class CombinedFunding(FundingRule):
    """A fixed frame per year plus a variable part paid as another model (`variabel`) pays."""

    model: Literal["kombination"]
    label: ClassVar[str] = "Kombination"
    fast_ramme: Amount | None = None  # kr per year
    variabel: Literal["aktivitet", "forloeb"] = "aktivitet"

    def _variable(self) -> FundingRule:
        """The variable part as the model it names, on this team's basis."""
        rule: FundingRule = _BY_TAG[self.variabel].model_validate(
            {"model": self.variabel, "grundlag": self.grundlag}
        )
        return rule

    def parts(self, a: Amounts) -> dict[str, Decimal]:
        fixed = (self.fast_ramme or ZERO) * a.years
        return {**self._variable().parts(a), Part.FRAME: fixed}

    @property
    def variable_part(self) -> str:
        return self._variable().variable_part

    def title(self) -> str:
        v = self._variable()
        return f"{self.label} (fast ramme + {v.label.lower()}){v.detail()}"

    def problems(self, path: str) -> list[Problem]:
        if self.fast_ramme is None:
            return [Problem(f"{path}.fast_ramme", "kombinationsmodellen kræver en fast ramme")]
        return []


# The registry: every funding model the model file can name. The first is the default, used
# where an entry names no model and for a team with neither an entry nor a standard.
FUNDING_MODELS: tuple[type[FundingRule], ...] = (
    ActivityFunding,
    FrameFunding,
    CourseFunding,
    CombinedFunding,
)


def _tag_of(cls: type[FundingRule]) -> str:
    return str(cls.model_fields["model"].annotation.__args__[0])  # type: ignore[union-attr]


_BY_TAG: dict[str, type[FundingRule]] = {_tag_of(c): c for c in FUNDING_MODELS}
FUNDING_TAGS: tuple[str, ...] = tuple(_BY_TAG)


def default_rule() -> FundingRule:
    """The default model's entry with no keys set (the first registered: activity, delivered)."""
    return _BY_TAG[FUNDING_TAGS[0]].model_validate({"model": FUNDING_TAGS[0]})


def _pick(value: Any) -> Any:
    """The tag of an entry: its `model`, the default when it names none."""
    if isinstance(value, dict):
        return value.get("model", FUNDING_TAGS[0])
    return getattr(value, "model", FUNDING_TAGS[0])


def entry_type(models: tuple[type[FundingRule], ...]) -> Any:
    """The type of one entry of `tildeling`: the model of `models` its `model` key names."""
    members = tuple(Annotated[c, Tag(_tag_of(c))] for c in models)
    return Annotated[Union[members], Discriminator(_pick)]  # noqa: UP007


# One entry of `tildeling`, built from the registry (so registering a class is all a new model
# needs); to the type checker, the interface.
if TYPE_CHECKING:
    TeamFunding = FundingRule
else:
    TeamFunding = entry_type(FUNDING_MODELS)


def misplaced_key(tag: str, key: str) -> str | None:
    """An entry's key that only another funding model reads: say which (None: not such a key)."""
    owners = [t for t, c in _BY_TAG.items() if key in c.model_fields and t != tag]
    if tag not in _BY_TAG or not owners or key in _BY_TAG[tag].model_fields:
        return None
    return f"har ingen virkning med model: {tag}; {key} bruges kun med model: " + " eller ".join(
        owners
    )
