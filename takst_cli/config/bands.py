"""Level bands: written out, or generated from a step rule whose quoted figures are solved."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
)

from takst_cli.config.values import _NUMBER, HoursWeek, Level, Start, StepSize, _Model
from takst_cli.format import format_number
from takst_cli.models import (
    FUNCTION_LEVEL_LABELS,
)


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
