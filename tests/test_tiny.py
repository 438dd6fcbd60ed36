"""The tiny municipality of conftest.py, worked out by hand.

Period 06-01-2025 .. 30-03-2025: 84 days = 12 weeks. SSH: 326,12 kr/h (SPEC example); evening
+25 % = 407,65; weekend +50 % = 489,18. SPL: 420,00 kr/h. Overhead 700 kr.

Citizen-weeks (days / 7):
  A fastholdende, from before the period, open: 84 d = 12 w, 2 h/week → level 1
  B fastholdende 03-02..16-02: 14 d = 2 w, 2,5 h/week → level 1
  C udviklende from 06-01, open, 10 h/week → level 3: period 1 = 06-01..19-01 (2 w),
    after-phase 20-01..30-03 (70 d = 10 w)
  D udviklende 13-01..26-01 (2 w), 10 h/week → level 3, period 1 only
  E fastholdende from 2024, open: 12 w, 10 h/week → level 3
  F 'fastholdende' 30 h/week > 25 → individuel, level 5: 03-03..30-03 = 28 d = 4 w
  total 12 + 2 + 2 + 10 + 2 + 12 + 4 = 44 weeks → overhead 700 / 44 = 15,909090.. kr/week

Costs (in scope: not night, not cancelled, paragraph §83/§83a/§138):
  A: 60 min day 326,12 + 30 min evening 203,825 + 60 min Saturday 489,18 = 1 019,125
     (night 02:00, cancelled and §86 visits are out of scope)
  B: 45 min SPL 315,00                  → fastholdende L1: 1 334,125 kr / 14 w
  C period 1: 120 + 60 min = 978,36; D: 60 min = 326,12 → udviklende P1 L3: 1 304,48 / 4 w
  C after-phase: 21-01 and 10-02, 60 min each = 652,24 over 10 w
  E: 240 min SSH 1 304,48 + 60 min SPL 420 = 1 724,48 / 12 w → T(fast, 3) = 143,7066..
  F: 600 min = 3 261,20 / 4 w = 815,30
  G: no grant: 30 min, in scope, outside every course

r (window 2 weeks after period 1): C 20-01..02-02 has the 21-01 visit, 326,12;
D 27-01..09-02 nothing (left help). Counterfactual = T(fast, 3) × 4 w = 574,8266..
r = 1 − 326,12 / 574,8266.. = 0,432663..
"""

from decimal import Decimal
from pathlib import Path

import pytest

from takst_cli.models import CourseType, Phase
from tests.helpers import run_model

OVERHEAD = Decimal(700) / 44
T_FAST_3 = Decimal("1724.48") / 12
T_FAST_1 = Decimal("1334.125") / 14


def _row(result, course_type: CourseType, phase: Phase, level: int):  # type: ignore[no-untyped-def]
    return next(
        r
        for r in result.tariffs.rows
        if (r.course_type, r.phase, r.level) == (course_type.value, phase.value, level)
    )


@pytest.fixture
def result(tiny: Path):  # type: ignore[no-untyped-def]
    return run_model(tiny)


def test_overhead_per_citizen_week(result) -> None:  # type: ignore[no-untyped-def]
    assert result.tariffs.total_weeks == Decimal(44)
    assert result.tariffs.overhead_per_week == OVERHEAD


def test_stabilising_tariffs(result) -> None:  # type: ignore[no-untyped-def]
    l1 = _row(result, CourseType.FASTHOLDENDE, Phase.HELE, 1)
    assert (l1.citizens, l1.weeks, l1.cost) == (2, Decimal(14), Decimal("1334.125"))
    # 1 334,125 / 14 + 15,9090.. = 95,2946.. + 15,9090.. = 111,2037.. → 111,20
    assert l1.tariff == Decimal("111.20")
    l3 = _row(result, CourseType.FASTHOLDENDE, Phase.HELE, 3)
    # 1 724,48 / 12 + 15,9090.. = 143,7066.. + 15,9090.. = 159,6157.. → 159,62
    assert (l3.citizens, l3.weeks, l3.cost, l3.tariff) == (
        1,
        Decimal(12),
        Decimal("1724.48"),
        Decimal("159.62"),
    )


def test_development_period_1(result) -> None:  # type: ignore[no-untyped-def]
    p1 = _row(result, CourseType.UDVIKLENDE, Phase.PERIODE_1, 3)
    # 1 304,48 / 4 = 326,12; + 15,9090.. = 342,029.. → 342,03
    assert (p1.citizens, p1.weeks, p1.cost, p1.tariff) == (
        2,
        Decimal(4),
        Decimal("1304.48"),
        Decimal("342.03"),
    )


def test_reduction_estimated_against_counterfactual(result) -> None:  # type: ignore[no-untyped-def]
    e = result.reduction
    assert (e.courses, e.left_help, e.weeks) == (2, 1, Decimal(4))
    assert e.cost_after == Decimal("326.12")
    assert e.counterfactual == T_FAST_3 * 4
    assert e.r == pytest.approx(1 - 326.12 / 574.826666666, abs=1e-9)
    assert e.r == pytest.approx(0.432663, abs=1e-6)
    # no r in the model file: the estimate is used
    assert result.tariffs.reduction_used == e.r
    assert result.tariffs.reduction_source == "estimeret"


def test_after_phase_is_reduced_stabilising_tariff(result) -> None:  # type: ignore[no-untyped-def]
    after = _row(result, CourseType.UDVIKLENDE, Phase.EFTER, 3)
    # observed: C's 10 weeks after period 1, 652,24 kr delivered
    assert (after.citizens, after.weeks, after.cost) == (1, Decimal(10), Decimal("652.24"))
    # T(fast, 3) × (1 − r) = 143,7066.. × 326,12 / 574,8266.. = 81,53; + 15,909.. = 97,439 → 97,44
    assert after.tariff == Decimal("97.44")
    # level 1 after-phase: nobody observed, the tariff is still given
    after1 = _row(result, CourseType.UDVIKLENDE, Phase.EFTER, 1)
    expected = T_FAST_1 * (1 - Decimal(repr(result.reduction.r))) + OVERHEAD  # 54,06.. + 15,91..
    assert after1.citizens == 0
    assert after1.tariff == expected.quantize(Decimal("0.01"))
    assert after1.tariff == Decimal("69.97")


def test_individual_above_threshold(result) -> None:  # type: ignore[no-untyped-def]
    ind = _row(result, CourseType.INDIVIDUEL, Phase.HELE, 5)
    # 3 261,20 / 4 = 815,30 + 15,909.. = 831,209 → 831,21
    assert (ind.citizens, ind.weeks, ind.cost, ind.tariff) == (
        1,
        Decimal(4),
        Decimal("3261.20"),
        Decimal("831.21"),
    )


def test_data_quality_counts_every_row(result) -> None:  # type: ignore[no-untyped-def]
    counts = {
        (q.category, q.reason): q.rows for q in result.quality if q.source == "leverancer.csv"
    }
    assert counts[("læst", "rækker i alt")] == 16
    assert counts[("uden for modellen", "nat")] == 1
    assert counts[("uden for modellen", "aflyst")] == 1
    assert counts[("uden for modellen", "paragraf uden for modellen")] == 1
    assert counts[("i modellen", "leverede besøg i modellen")] == 13
    assert counts[("heraf", "uden for ethvert forløb (kun aktivitet)")] == 1
    assert not result.invalid


def test_configured_reduction_wins(tiny: Path) -> None:
    tiny.write_text(
        tiny.read_text().replace(
            "{periode_uger: 2, efterperiode_uger: 2}",
            "{periode_uger: 2, efterperiode_uger: 2, forventet_reduktion: 0.10}",
        )
    )
    res = run_model(tiny)
    after = _row(res, CourseType.UDVIKLENDE, Phase.EFTER, 3)
    # 143,7066.. × 0,9 + 15,909.. = 129,336 + 15,909 = 145,245.. → 145,25
    assert after.tariff == Decimal("145.25")
    assert res.tariffs.reduction_source == "modelfil"
    assert res.reduction.r == pytest.approx(0.432663, abs=1e-6)  # still reported beside it


def test_clinic_share_recomputes_nursing(tiny: Path) -> None:
    tiny.write_text(tiny.read_text() + "klinik: {andel: 0.5, timepris: 200}\n")
    res = run_model(tiny)
    l3 = _row(res, CourseType.FASTHOLDENDE, Phase.HELE, 3)
    # E's 1 h SPL: 1 × (0,5 × 420 + 0,5 × 200) = 310 instead of 420 → basis 1 614,48
    assert l3.cost == Decimal("1724.48")
    assert l3.basis == Decimal("1614.48")
    # 1 614,48 / 12 + 15,909.. = 134,54 + 15,909.. = 150,449 → 150,45
    assert l3.tariff == Decimal("150.45")


def test_normative_method(tiny: Path) -> None:
    tiny.write_text(tiny.read_text() + "takster: {metode: normativ, basistakst: 100}\n")
    res = run_model(tiny)
    # weighted price over course visits: SSH hours = 1+0.5+1 (A) + 2+1 (C P1) + 1+1 (C after)
    # + 1 (D) + 4 (E) + 10 (F) = 22.5 h at 326,12; SPL 0.75 (B) + 1 (E) = 1.75 h at 420
    # (7 337,70 + 735) / 24,25 = 332,8948..
    weighted = (Decimal("22.5") * Decimal("326.12") + Decimal("1.75") * 420) / Decimal("24.25")
    assert res.tariffs.weighted_price == weighted
    l3 = _row(res, CourseType.FASTHOLDENDE, Phase.HELE, 3)
    # level 3 midpoint 12,5 h: 100 + 12,5 × 332,8948.. + 15,909.. = 4 277,09
    assert l3.tariff == (100 + Decimal("12.5") * weighted + OVERHEAD).quantize(Decimal("0.01"))
    assert l3.tariff == Decimal("4277.09")


def test_levels_on_delivered_hours(tiny: Path) -> None:
    tiny.write_text(tiny.read_text() + "niveauer: {grundlag: leveret}\n")
    res = run_model(tiny)
    # delivered per course week: A 2,5 h / 12 w, B 0,75 / 2, E 5 / 12, F 10 / 4 = 2,5 h/w —
    # all level 1, and F is no longer above the individual threshold
    l1 = _row(res, CourseType.FASTHOLDENDE, Phase.HELE, 1)
    assert (l1.citizens, l1.weeks) == (4, Decimal(30))
    assert l1.cost == Decimal("1334.125") + Decimal("1724.48") + Decimal("3261.20")
    # C period 1: 3 h / 2 w; D: 1 h / 2 w → level 1
    p1 = _row(res, CourseType.UDVIKLENDE, Phase.PERIODE_1, 1)
    assert (p1.citizens, p1.weeks, p1.cost) == (2, Decimal(4), Decimal("1304.48"))
    assert not [r for r in res.tariffs.rows if r.course_type == CourseType.INDIVIDUEL]
