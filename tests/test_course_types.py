"""Course types, severity grouping and staff groups as data in the model file (issue 19).

The tiny municipality of conftest.py (worked by hand in test_tiny.py), with the model file's
five decisions of seed 004 changed one at a time. Period 06-01..30-03-2025 = 12 weeks; SSH
326,12 kr/h, SPL 420 kr/h, overhead 700 kr over the period's citizen-weeks. Every visit added
below is on a weekday at 10:00 (a day visit, no supplement); 06-01-2025 is a Monday.
"""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from takst_cli.config import BandGenerator, generate_bands, parse_config
from takst_cli.errors import ConfigError, DataError
from takst_cli.models import Phase
from takst_cli.pipeline.parse import parse_grants
from takst_cli.pipeline.run import RunResult, run_funding
from takst_cli.report.core import level_tables, tariff_table
from tests.conftest import TINY_GRANTS, TINY_MODEL, TINY_VISITS
from tests.helpers import run_model

SSH = Decimal("326.12")  # kr/h (test_tiny.py)
SPL = Decimal(420)


def _run(tiny: Path, model: str, visits: str = "", grants: str = "") -> RunResult:
    (tiny.parent / "leverancer.csv").write_text(TINY_VISITS + visits, encoding="utf-8")
    (tiny.parent / "visitationer.csv").write_text(grants or TINY_GRANTS, encoding="utf-8")
    tiny.write_text(model, encoding="utf-8")
    return run_model(tiny)


def _row(result: RunResult, course_type: str, phase: Phase, level: int):  # type: ignore[no-untyped-def]
    return next(
        r
        for r in result.tariffs.rows
        if (r.course_type, r.phase, r.level) == (course_type, phase.value, level)
    )


def _quality(result: RunResult, reason: str) -> tuple[int, float | None]:
    line = next(q for q in result.quality if q.reason == reason)
    return line.rows, line.hours


# A fourth course type (seed 004: "borgere med behov for mere kompleks døgntilrettelæggelse"):
# a period tariff covering §83 and §85 (not §138), by social and health helpers only.
KOMPLEKS = """\
  kompleks:
    art: fastholdende
    betegnelse: Kompleks døgn
    synonymer: [Kompleks døgntilrettelæggelse]
    paragraffer: [SEL §83, SEL §85]
    faggrupper: [SSH]
"""
H_VISITS = """\
H;07-01-2025;10:00;120;SEL §85;SSH;Syd;leveret
H;08-01-2025;10:00;60;SEL §83;SSH;Syd;leveret
H;09-01-2025;10:00;30;SEL §83;SPL;Syd;leveret
H;10-01-2025;10:00;60;SUL §138;SPL;Syd;leveret
"""


def test_a_fourth_course_type_with_its_own_paragraphs_and_staff_groups(tiny: Path) -> None:
    """H's grant says 'Kompleks døgntilrettelæggelse' (the type's synonym): 900 min/week =
    15 h/week → level 4 (15-20), 06-01..30-03 = 12 weeks. Total citizen-weeks 44 + 12 = 56,
    overhead 700 / 56 = 12,50 kr/week.
    H's visits: 120 min §85 SSH = 652,24 and 60 min §83 SSH = 326,12 are in the course; 30 min
    §83 by SPL is outside (staff group), 60 min §138 by SPL outside (paragraph).
    T(kompleks, 4) = 978,36 / 12 + 12,50 = 81,53 + 12,50 = 94,03 kr.
    The three built-in types keep their costs: T(fastholdende, 3) = 1 724,48 / 12 + 12,50 =
    143,7066.. + 12,50 = 156,21 kr."""
    model = TINY_MODEL + KOMPLEKS
    grants = TINY_GRANTS + "H;Syd;Kompleks døgntilrettelæggelse;06-01-2025;;900\n"
    result = _run(tiny, model, H_VISITS, grants)
    assert result.tariffs.total_weeks == Decimal(56)
    k = _row(result, "kompleks", Phase.HELE, 4)
    assert (k.citizens, k.weeks, k.cost) == (1, Decimal(12), 3 * SSH)
    assert k.tariff == Decimal("94.03")
    assert _row(result, "fastholdende", Phase.HELE, 3).tariff == Decimal("156.21")
    # the types in the model file's order: the built-ins first
    assert [r.course_type for r in result.tariffs.rows][-1] == "kompleks"
    assert _quality(result, "faggruppe uden for forløbstypen (aktivitet)") == (1, 0.5)
    assert _quality(result, "paragraf uden for forløbstypen") == (1, 1.0)
    table = tariff_table(result)
    assert ["Kompleks døgn", Phase.HELE.value, 4] == table.rows[-1][:3]
    assert "Kompleks døgn: kun SSH" in (table.note or "")


THERAPIST = """\
    - navn: Terapeut
      timepris: 495
"""


def test_a_therapists_visits_are_outside_a_course_that_lists_its_staff_groups(
    tiny: Path,
) -> None:
    """Stabilising courses cover SSH and SPL; a therapist (495 kr/h) trains A (fastholdende,
    level 1) for 60 min on Tuesday 07-01: 495,00 kr outside the tariff.
    T(fastholdende, 1) is unchanged: A's 1 019,125 + B's 315 = 1 334,125 kr over A's 12 + B's
    2 = 14 weeks = 95,2946.. + 700 / 44 = 15,9090.. → 111,20 kr.
    Team Nord paid by course: its activity line settles the therapist's 495,00 kr; the pure
    course model counts it too."""
    model = (
        TINY_MODEL.replace("      sygepleje: true\n", "      sygepleje: true\n" + THERAPIST)
        + "  fastholdende: {faggrupper: [SSH, SPL]}\n"
        + "tildeling: {standard: {model: forloeb}}\n"
    )
    result = _run(tiny, model, "A;07-01-2025;10:00;60;SEL §83;Terapeut;Nord;leveret\n")
    fast = _row(result, "fastholdende", Phase.HELE, 1)
    assert fast.cost == Decimal("1334.125")
    assert fast.tariff == Decimal("111.20")
    assert _quality(result, "faggruppe uden for forløbstypen (aktivitet)") == (1, 1.0)
    nord = next(t for t in run_funding(result).teams if t.team == "Nord")
    assert nord.course_activity == Decimal(495)
    assert nord.parts["aktivitet"] == Decimal(495)
    assert nord.course == nord.parts["forloeb"] + Decimal(495)


FUNCTION_GRANTS = """\
borger_id;team;forloebstype;start_dato;slut_dato;visiterede_minutter_uge;funktionsevne
A;Nord;fastholdende;01-12-2024;31-01-2025;120;1
A;Nord;fastholdende;01-02-2025;;120;2
B;Nord;fastholdende;03-02-2025;16-02-2025;150;Lette begrænsninger
C;Syd;udviklende;06-01-2025;;600;3,0
D;Syd;udviklende;13-01-2025;26-01-2025;600;Svær
E;Syd;fastholdende;01-06-2024;;600; 3
F;Nord;fastholdende;03-03-2025;;1800;2
"""


def test_levels_by_function_level(tiny: Path) -> None:
    """niveauer.grundlag: funktionsevne — the level is the grant's FSIII level, written as a
    number (1, "3,0", " 3") or a label (FSIII's "Lette begrænsninger" = 1, the model's own
    "Svær" = 3). A's level is raised from 1 to 2 on 01-02 with the same minutes: 06-01..31-01 =
    26 days at level 1, 01-02..30-03 = 58 days at level 2. All of A's in-scope visits
    (1 019,125 kr) fall in January.
    T(fastholdende, 1) = (1 019,125 + B's 315) / ((26 + 14) / 7) + 700 / 44
                       = 1 334,125 / 5,714285.. + 15,9090.. = 233,471875 + 15,9090.. = 249,38
    (by hours A would be level 1 all 12 weeks: 111,20). T(fastholdende, 2) = 0 + 15,91.
    F has 30 h/week: above the threshold, individual — at its function level 2."""
    model = TINY_MODEL + "niveauer: {grundlag: funktionsevne, funktionsevne_etiketter: {Svær: 3}}\n"
    result = _run(tiny, model, grants=FUNCTION_GRANTS)
    low = _row(result, "fastholdende", Phase.HELE, 1)
    assert (low.weeks, low.cost) == (Decimal(40) / 7, Decimal("1334.125"))
    assert low.tariff == Decimal("249.38")
    assert _row(result, "fastholdende", Phase.HELE, 2).tariff == Decimal("15.91")
    assert _row(result, "fastholdende", Phase.HELE, 3).tariff == Decimal("159.62")
    p1 = _row(result, "udviklende", Phase.PERIODE_1, 3)
    assert (p1.citizens, p1.weeks) == (2, Decimal(4))
    assert _row(result, "individuel", Phase.HELE, 2).weeks == Decimal(4)
    assert "Niveauer efter funktionsevne (FSIII-niveau 0-4)" in (tariff_table(result).note or "")


def test_a_function_level_that_cannot_be_read_stops_the_run(tiny: Path) -> None:
    grants = FUNCTION_GRANTS.replace("600;Svær", "600;meget svær").replace("600; 3", "600;")
    model = TINY_MODEL + "niveauer: {grundlag: funktionsevne}\n"
    with pytest.raises(DataError) as info:
        _run(tiny, model, grants=grants)
    where = {p.where: p.why for p in info.value.problems}
    assert where["visitationer.csv række 6"] == "ugyldig funktionsevne ('meget svær')"
    assert where["visitationer.csv række 7"] == "mangler funktionsevne ('funktionsevne')"


def _bands(**gen: object) -> list[tuple[float, float | None]]:
    return [(b.fra, b.til) for b in generate_bands(BandGenerator.model_validate(gen))]


def _problems(levels: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        parse_config(
            {
                "timepris": {"faggrupper": [{"navn": "SSH", "timepris": 300}]},
                "niveauer": {"generator": levels},
            }
        )
    return {p.where: p.why for p in info.value.problems}


def test_the_generator_solves_kommune_1() -> None:
    """Seed 003, kommune 1: 10 steps, first 0-45 min/week, increasing from 45 min to 5 h/week,
    the open top from 25 h/week. The 8 closed steps between 45 and 1 500 min must sum to
    1 455 min and grow evenly to 300: 8 × (a + 300) / 2 = 1 455 → a = 63,75 min, growing by
    (300 − 63,75) / 7 = 33,75: 63,75, 97,5, 131,25, 165, 198,75, 232,5, 266,25, 300 →
    bounds (min) 45, 108,75, 206,25, 337,5, 502,5, 701,25, 933,75, 1 200, 1 500."""
    minutes = [45, 108.75, 206.25, 337.5, 502.5, 701.25, 933.75, 1200, 1500]
    hours = [m / 60 for m in minutes]
    gen = {"antal_trin": 10, "enhed": "min_uge", "foerste_trin": 45, "sidste_fra": 1500}
    gen |= {"sidste_trin": 300, "spring": "stigende"}
    assert _bands(**gen) == list(zip([0.0, *hours], [*hours, None], strict=True))
    # quoting the 45 minutes as the smallest later step too cannot hold: by 18,75 min
    why = _problems({**gen, "trin": 45})["niveauer.generator.trin"]
    assert why.startswith("mindste trin på 45 min. pr. uge kan ikke overholdes")
    assert "starter med 63,75 min. pr. uge (forskel 18,75 min. pr. uge)" in why


def test_the_generator_solves_kommune_5() -> None:
    """Seed 003, kommune 5: base tariff + 10 steps, first step 10-16 h/week, last 71+,
    linear 6 h/week. Read in whole hours as quoted ('10-16' is 10 up to and including 16, so
    the next step starts at 17): a first band [0, 17) — foerste_fra 10, foerste_trin 7 — then
    (71 − 17) / 6 = 9 steps of 6 and the top from 71: the base band and 10 steps above it, 11
    tariffs, every figure exact. Counting 10 tariffs instead, 8 steps from 17 to 71 would be
    6,75 h/week each: the quoted 6 misses by 0,75."""
    gen = {"antal_trin": 11, "foerste_fra": 10, "foerste_trin": 7, "sidste_fra": 71, "trin": 6}
    uppers = [17.0 + 6 * i for i in range(10)]
    assert _bands(**gen) == list(zip([0.0, *uppers], [*uppers, None], strict=True))
    assert uppers[-1] == 71
    why = _problems({**gen, "antal_trin": 10})["niveauer.generator.trin"]
    assert why == (
        "trin på 6 timer pr. uge kan ikke overholdes: 8 lige store trin fra 17 timer pr. uge til "
        "71 timer pr. uge er hver 6,75 timer pr. uge (forskel 0,75 timer pr. uge; med 6 timer "
        "pr. uge starter toppen ved 65 timer pr. uge)"
    )


PARAGRAPH_GRANTS = """\
borger_id;team;forloebstype;paragraf;start_dato;slut_dato;visiterede_minutter_uge
A;Nord;fastholdende;SEL §83;01-12-2024;;120
B;Nord;fastholdende;SEL §83;03-02-2025;16-02-2025;150
C;Syd;udviklende;SEL §83a;06-01-2025;;600
D;Syd;udviklende;SEL §83a;13-01-2025;26-01-2025;600
E;Syd;fastholdende;SEL §83;01-06-2024;;600
F;Nord;fastholdende;SEL §83;03-03-2025;;1800
H;Syd;;Serviceloven § 86;06-01-2025;;600
"""
HVERDAG = """\
  hverdag:
    art: udviklende
    periode_uger: 4
    paragraffer: [SEL §83, SEL §86]
"""


def test_a_second_development_type_takes_the_rows_of_its_own_paragraph(tiny: Path) -> None:
    """A development-art type 'hverdag' lists SEL §86, which no other type lists: H's row
    without a course type, of §86 (written 'Serviceloven § 86'), is a hverdag course. 600
    min/week = level 3; period 1 is its own 4 weeks (06-01..02-02), the after-phase 8 weeks.
    Citizen-weeks 44 + 12 = 56 → overhead 12,50. H's 60 min §86 on 07-01 = 326,12 →
    T(hverdag, periode 1, 3) = 326,12 / 4 + 12,50 = 94,03.
    r over every development course, each with its own window: C and D 2 weeks (efterperiode_
    uger 2), H 4 weeks (03-02..02-03: 30 min on 04-02 = 163,06). Cost after 326,12 + 0 +
    163,06 = 489,18 against T(fast, 3) = 1 724,48 / 12 over 2 + 2 + 4 = 8 weeks:
    r = 1 − 489,18 / 1 149,6533.. and T(fast, 3) × (1 − r) = 489,18 / 8 = 61,1475:
    T(hverdag, efter, 3) = T(udviklende, efter, 3) = 61,1475 + 12,50 = 73,65."""
    visits = (
        "H;07-01-2025;10:00;60;SEL §86;SSH;Syd;leveret\n"
        "H;04-02-2025;10:00;30;SEL §83;SSH;Syd;leveret\n"
    )
    result = _run(tiny, TINY_MODEL + HVERDAG, visits, PARAGRAPH_GRANTS)
    p1 = _row(result, "hverdag", Phase.PERIODE_1, 3)
    assert (p1.citizens, p1.weeks, p1.cost, p1.tariff) == (1, 4, SSH, Decimal("94.03"))
    assert _row(result, "hverdag", Phase.EFTER, 3).weeks == 8
    assert result.reduction.courses == 3
    assert result.reduction.r == pytest.approx(1 - 489.18 / (1724.48 / 12 * 8))
    assert _row(result, "hverdag", Phase.EFTER, 3).tariff == Decimal("73.65")
    assert _row(result, "udviklende", Phase.EFTER, 3).tariff == Decimal("73.65")
    assert "Udviklende og Hverdag 'efter periode 1' = fastholdende takst × (1 − r)" in (
        tariff_table(result).note or ""
    )
    # A's §86 visit (60 min, 10-01) is now in the model, but not in A's stabilising course
    assert _quality(result, "paragraf uden for forløbstypen") == (1, 1.0)


def test_one_course_type_grouped_by_function_level_the_others_by_hours(tiny: Path) -> None:
    """Only 'kompleks' groups by function level: H (15 h/week, which by hours would be level
    4) is at level 2 ("Moderate begrænsninger"); the other types keep their hour bands, their
    rows' function levels unused. T(kompleks, 2) = 978,36 / 12 + 700 / 56 = 94,03 (first
    test); T(fastholdende, 3) = 156,21 as there. The table says which grouping each type has."""
    rows = TINY_GRANTS.strip().splitlines()
    grants = "\n".join([rows[0] + ";funktionsevne", *[r + ";1" for r in rows[1:]]])
    grants += "\nH;Syd;kompleks;06-01-2025;;900;Moderate begrænsninger\n"
    model = TINY_MODEL + KOMPLEKS + "    niveauer: {grundlag: funktionsevne}\n"
    result = _run(tiny, model, H_VISITS, grants)
    assert _row(result, "kompleks", Phase.HELE, 2).tariff == Decimal("94.03")
    assert _row(result, "fastholdende", Phase.HELE, 3).tariff == Decimal("156.21")
    note = tariff_table(result).note or ""
    assert "Kompleks døgn efter funktionsevne (FSIII-niveau 0-4)" in note
    # `takst niveauer`: the model's bands, then kompleks's own levels and the words read as each
    own = level_tables(result.cfg)[1]
    assert own.title == "Niveauer – Kompleks døgn"
    assert own.rows[2] == [2, "2, moderate begrænsninger"]
    assert (
        "Udviklende, Fastholdende, Individuel efter visiterede timer pr. uge (1: 0-5, 2: 5-10"
        in note
    )


def test_course_types_that_cannot_be_meant_are_refused() -> None:
    """Every problem at once, each with its key path."""
    raw = {
        "timepris": {"faggrupper": [{"navn": "SSH", "timepris": 300}]},
        "forloeb": {
            "udviklende_paragraffer": ["SEL §86"],
            "Kompleks": {"art": "fastholdende", "synonymer": ["Rehabilitering"]},
            "hverdag": {
                "art": "udviklende",
                "paragraffer": ["SEL 86"],
                "faggrupper": ["Terapeut"],
                "niveauer": {"grundlag": "funktionsevne"},
            },
            "natpleje": {"art": "individuel", "periode_uger": 4},
        },
    }
    with pytest.raises(ConfigError) as info:
        parse_config(raw)
    got = {p.where: p.why for p in info.value.problems}
    assert got["forloeb.Kompleks"].startswith("en forløbstypes navn skrives med små bogstaver")
    assert got["forloeb.Kompleks.synonymer"] == (
        "'Rehabilitering' betegner allerede forløbstypen udviklende; et ord kan kun betegne én "
        "forløbstype"
    )
    assert got["forloeb.hverdag.faggrupper"] == "ukendt faggruppe 'Terapeut'; kendte er SSH"
    assert got["forloeb.hverdag.niveauer"].startswith(
        "et udviklende forløb skal have samme niveauer som forloeb.fastholdende"
    )
    assert got["forloeb.natpleje.periode_uger"] == (
        "har ingen virkning med art: individuel; periode_uger bruges kun med art: udviklende"
    )
    assert got["forloeb.udviklende_paragraffer"] == (
        "'SEL §86' er også egen paragraf for forloeb.hverdag; en række uden forløbstype kan kun "
        "gøre én forløbstype udviklende"
    )


def test_the_readme_prints_the_seven_structures_bands() -> None:
    """README's block is what `takst niveauer -c configs/prisstruktur_kommuneN.yaml` gives."""
    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("tabeller", root / "docs" / "readme_tabeller.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert module.block_structures() in readme
    kommune_5 = " · ".join(["0-17", *[f"{a}-{a + 6}" for a in range(17, 71, 6)], "71+"])
    assert f"| 5 | 11 | {kommune_5} |" in readme


def test_a_grants_course_type_in_the_notations_an_export_uses() -> None:
    """The type's name, label and synonyms, in any case and with spaces around, and the built-in
    synonyms: each the same course type; a word no type has is an invalid row."""
    cfg = parse_config(
        {
            "timepris": {"faggrupper": [{"navn": "SSH", "timepris": 300}]},
            "forloeb": {"kompleks": {"art": "fastholdende", "betegnelse": "Kompleks døgn"}},
        }
    )
    words = [" KOMPLEKS ", "kompleks", "Kompleks døgn", "Rehabilitering", "Stabilisering", "Nat"]
    raw = pl.LazyFrame(
        {
            "borger_id": ["X"] * len(words),
            "team": ["Nord"] * len(words),
            "forloebstype": words,
            "start_dato": ["06-01-2025"] * len(words),
            "visiterede_minutter_uge": ["60"] * len(words),
        }
    )
    read = parse_grants(raw, set(raw.collect_schema()), cfg.forloeb.type_words()).collect()
    assert read["forloebstype"].to_list() == [
        "kompleks",
        "kompleks",
        "kompleks",
        "udviklende",
        "fastholdende",
        None,
    ]
    assert read["fejl"].to_list() == [None] * 5 + ["ukendt forløbstype"]


# Seed 003's quoted figures for the four structures that cannot all hold, as a generator gets
# them, and what `takst valider` says (worked by hand):
# 2: 10 equal steps from 17 min/week (0,040476 h/day) to 13 h/day: (13 − 0,040476) / 10 =
#    1,2960 h/day, not 1 → off by 0,30.
# 3: 11 steps growing evenly to 42 min/day from 3 h/week (25,714 min/day) to 389 min/day:
#    a = 2 × 363,2857 / 11 − 42 = 24,05, not 16 → off by 8,05.
# 6: 25 steps growing to 23,9 from 7,9 to 286,1 h/week: a = 2 × 278,2 / 25 − 23,9 = −1,644,
#    not 3,4 → off by 5,04 (and no increasing steps can start below 0).
# 7: 7 steps growing to 20 from 10 to 83 h/week: a = 2 × 73 / 7 − 20 = 0,857, not 3 → 2,14.
UNSOLVABLE = {
    2: (
        {"antal_trin": 12, "enhed": "timer_doegn", "foerste_trin": 17 / 420, "sidste_fra": 13}
        | {"trin": 1},
        "er hver 1,30 timer pr. døgn (forskel 0,30 timer pr. døgn",
    ),
    3: (
        {"antal_trin": 13, "enhed": "min_doegn", "foerste_fra": 120 / 7, "foerste_trin": 60 / 7}
        | {"sidste_fra": 389, "trin": 16, "sidste_trin": 42, "spring": "stigende"},
        "starter med 24,05 min. pr. døgn (forskel 8,05 min. pr. døgn)",
    ),
    6: (
        {"antal_trin": 27, "foerste_fra": 5.3, "foerste_trin": 2.6, "sidste_fra": 286.1}
        | {"trin": 3.4, "sidste_trin": 23.9, "spring": "stigende"},
        "starter med -1,64 timer pr. uge (forskel 5,04 timer pr. uge)",
    ),
    7: (
        {"antal_trin": 9, "foerste_fra": 7, "foerste_trin": 3, "sidste_fra": 83}
        | {"trin": 3, "sidste_trin": 20, "spring": "stigende"},
        "starter med 0,86 timer pr. uge (forskel 2,14 timer pr. uge)",
    ),
}


@pytest.mark.parametrize("kommune", sorted(UNSOLVABLE))
def test_valider_says_which_quoted_figure_cannot_be_met(kommune: int) -> None:
    gen, expected = UNSOLVABLE[kommune]
    assert expected in _problems(gen)["niveauer.generator.trin"]
