"""Scenarios (issue 18) on the tiny municipality of conftest.py, whose figures test_tiny.py
works out by hand:

SSH: årsløn 400 000, D = 1 924 × (1 − 0,15) × (1 − 0,25) = 1 226,55 h → 326,12 kr/h.
Overhead 700 kr / 44 citizen-weeks = 15,9090.. kr/week.
T(fast, 1) direct = 1 334,125 / 14 = 95,2946..; T(fast, 3) direct = 1 724,48 / 12 = 143,7066..
r estimated 0,432663.. → after-phase L3 97,44, L1 69,97.

The model file here adds funding: Nord by activity, Syd by course (forloeb)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from takst_cli import api
from takst_cli.config.overrides import load_scenarios, refolds
from takst_cli.errors import ConfigError
from takst_cli.pipeline.scenario import Outcome, figures
from tests.helpers import run_model
from tests.test_cli import invoke

FUNDING = """\
tildeling:
  standard: {model: aktivitet}
  teams:
    - {team: Nord, model: aktivitet}
    - {team: Syd, model: forloeb}
"""
WAGE = "timepris.faggrupper[SSH].aarsloen"


@pytest.fixture
def model(tiny: Path) -> Path:
    tiny.write_text(tiny.read_text() + FUNDING, encoding="utf-8")
    return tiny


def outcomes(model: Path, *sets: str, file: Path | None = None) -> list[Outcome]:
    base, scenarios = load_scenarios(model, file, list(sets) or None)
    return api.scenarios(api.Model(config=base, path=model), scenarios)


def by_key(o: Outcome) -> dict[tuple[str, str], Decimal | None]:
    return {(f.area, f.item): f.value for f in figures(o)}


def changed(a: Outcome, b: Outcome) -> dict[tuple[str, str], tuple[object, object]]:
    fa, fb = by_key(a), by_key(b)
    return {k: (fa.get(k), fb.get(k)) for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k)}


def test_r_moves_only_the_after_phase_and_what_depends_on_it(model: Path) -> None:
    """r 0,10 instead of the estimate 0,432663..:
    after-phase L3 = 143,7066.. × 0,9 + 15,909.. = 145,245.. → 145,25 (was 97,44);
    after-phase L1 = 95,2946.. × 0,9 + 15,909.. = 101,674.. → 101,67 (was 69,97).
    Syd is funded by course: C has 10 after-phase weeks at L3 → + 10 × (145,25 − 97,44) =
    + 478,10 kr; Nord (activity) and every hourly price and other tariff stay."""
    base, scen = outcomes(model, "forloeb.udviklende.forventet_reduktion=0,10")
    assert not scen.refolded
    diff = changed(base, scen)
    after = "Udviklende, efter periode 1"
    assert diff[("Forløbstakst", f"{after}, niveau 3")] == (Decimal("97.44"), Decimal("145.25"))
    assert diff[("Forløbstakst", f"{after}, niveau 1")] == (Decimal("69.97"), Decimal("101.67"))
    tariffs = {k for k in diff if k[0] == "Forløbstakst"}
    assert tariffs and all(after in item for _, item in tariffs)
    assert not {k for k in diff if k[0] == "Timepris"}
    a, b = diff[("Finansiering", "Syd")]
    assert b - a == 10 * (Decimal("145.25") - Decimal("97.44")) == Decimal("478.10")  # type: ignore[operator]
    assert ("Finansiering", "Nord") not in diff
    # the estimate is still made (and reported beside the configured r), unchanged
    assert scen.result.reduction.r == base.result.reduction.r == pytest.approx(0.432663, abs=1e-6)


def test_wage_moves_hourly_price_and_tariffs(model: Path) -> None:
    """SSH årsløn +4 %: 416 000 / 1 226,55 = 339,1627.. → 339,16 kr/h (was 326,12).
    T(fast, 3): E's 4 h SSH × 339,16 + 1 h SPL × 420 = 1 776,64 / 12 = 148,0533.. + 15,909.. =
    163,962.. → 163,96 (was 159,62). The individual tariff: F's 10 h × 339,16 / 4 w = 847,90 +
    15,909.. = 863,809.. → 863,81 (was 831,21). SPL's given price stays 420."""
    base, scen = outcomes(model, f"{WAGE}=+4 %")
    assert scen.result.cfg.timepris.faggrupper[0].aarsloen == Decimal(416000)
    diff = changed(base, scen)
    assert diff[("Timepris", "SSH")] == (Decimal("326.12"), Decimal("339.16"))
    assert ("Timepris", "SPL") not in diff
    key = ("Forløbstakst", "Fastholdende, hele forløbet, niveau 3")
    assert diff[key] == (Decimal("159.62"), Decimal("163.96"))
    key = ("Forløbstakst", "Individuel, hele forløbet, niveau 5")
    assert diff[key] == (Decimal("831.21"), Decimal("863.81"))


def test_funding_model_of_one_team(model: Path) -> None:
    """Nord from activity to course funding. Activity: A 1 019,125 + B 315 + F 3 261,20 +
    G 163,06 = 4 758,385 kr. By course: A 12 w and B 2 w at T(fast, 1) 111,20 + F 4 w at the
    individual 831,21 = 1 334,40 + 222,40 + 3 324,84 = 4 881,64 kr (G has no course). Syd
    unchanged; no tariff or price moves."""
    base, scen = outcomes(model, "tildeling.teams[Nord].model=forloeb")
    diff = changed(base, scen)
    a, b = diff[("Finansiering", "Nord")]
    assert (round(a, 3), b) == (Decimal("4758.385"), Decimal("4881.64"))  # type: ignore[arg-type]
    assert ("Finansiering", "Syd") not in diff
    assert not {k for k in diff if k[0] in ("Timepris", "Forløbstakst")}
    # nothing the estimate of r rests on changed: the base's is taken, and equals a fresh one
    assert scen.result.reduction is base.result.reduction
    fresh, kept = run_model(model).reduction, base.result.reduction
    assert (fresh.r, fresh.cost_after, fresh.counterfactual) == (
        kept.r,
        kept.cost_after,
        kept.counterfactual,
    )


BANDS = "[{niveau: 1, fra: 0, til: 8}, {niveau: 2, fra: 8}]"


def test_bands_scenario_equals_a_full_run_on_the_changed_file(model: Path, tmp_path: Path) -> None:
    """Two bands instead of five re-fold the visits (levels are made in the fold) and give
    exactly what a run on a model file with those bands gives."""
    base, scen = outcomes(model, f"niveauer.baand={BANDS}")
    assert scen.refolded
    changed_file = tmp_path / "baand.yaml"
    changed_file.write_text(model.read_text() + f"niveauer:\n  baand: {BANDS}\n", "utf-8")
    full = run_model(changed_file)
    from takst_cli.pipeline.run import run_funding

    direct = Outcome("fuld", full, run_funding(full), None, False)
    assert by_key(scen) == by_key(direct)
    assert changed(base, scen)  # the bands did change the figures
    # C and D (10 h/week) are now level 2 of 2, the same cell as before at level 3
    assert ("Forløbstakst", "Udviklende, periode 1, niveau 2") in by_key(scen)


def test_fold_relevance_by_key() -> None:
    assert not refolds([WAGE, "tildeling.teams[Nord].model", "klinik.andel", "budget.demografi"])
    assert not refolds(["forloeb.udviklende.forventet_reduktion", "timepris.tillaeg.aften"])
    assert refolds(["niveauer.baand"])
    assert refolds(["vagter.i_scope"])
    assert refolds(["forloeb.udviklende.paragraffer"])
    assert refolds(["timepris.faggrupper[SSH].navn"])  # staff names are checked in the fold


def test_unknown_key_names_the_nearest(model: Path) -> None:
    res = invoke(
        "scenarie", "-c", str(model), "--saet", "forloeb.udviklende.forventet_reduktio=0,1"
    )
    assert res.exit_code == 1
    assert "forloeb.udviklende.forventet_reduktio: ukendt nøgle" in res.stderr
    assert "mente du 'forventet_reduktion'?" in res.stderr
    res = invoke("scenarie", "-c", str(model), "--saet", "timepris.faggrupper[SHH].aarsloen=+4%")
    assert res.exit_code == 1 and "[SHH]: findes ikke; mente du 'SSH'?" in res.stderr


@pytest.mark.parametrize("written", ["+4%", "+4 %", "+4,0 %", "+4.0%", " +4,00% "])
def test_relative_notations_read_the_same(model: Path, written: str) -> None:
    """+4 % of 400 000 is 416 000 however it is written."""
    _, (s,) = load_scenarios(model, None, [f"{WAGE}={written}"])
    assert s.cfg.timepris.faggrupper[0].aarsloen == Decimal(416000)


@pytest.mark.parametrize("written", ["0,30", "0.30", "30 %", "30%", '"0,30"'])
def test_absolute_values_read_as_the_model_file_reads_them(model: Path, written: str) -> None:
    _, (s,) = load_scenarios(model, None, [f"timepris.tillaeg.aften={written}"])
    assert s.cfg.timepris.tillaeg["aften"] == pytest.approx(0.30)  # type: ignore[index]


@pytest.mark.parametrize("written", ["4 %", "+4", "1.924"])
def test_ambiguous_values_stop(model: Path, written: str) -> None:
    """A bare 4 % of a wage (a share? a rise?), a sign without % (add 4 or set 4?) and the
    thousands-or-decimal 1.924 are never guessed."""
    with pytest.raises(ConfigError) as exc:
        load_scenarios(model, None, [f"{WAGE}={written}"])
    assert "tvetydigt" in "\n".join(exc.value.lines())


def test_scenario_file_and_model_section(model: Path, tmp_path: Path) -> None:
    """Scenarios from a file and from the model's own section; each validated like a model
    file, every problem of every scenario at once with its key path."""
    model.write_text(
        model.read_text() + "scenarier:\n  Løn:\n    timepris.faggrupper[SSH].aarsloen: +4 %\n",
        "utf-8",
    )
    file = tmp_path / "s.yaml"
    file.write_text(
        "scenarier:\n  r 8 %: {forloeb.udviklende.forventet_reduktion: 0.08}\n"
        "  Nord:\n    tildeling.teams[Nord].model: forloeb\n",
        "utf-8",
    )
    base, scenarios = load_scenarios(model, file)
    assert [s.name for s in scenarios] == ["Løn", "r 8 %", "Nord"]
    assert scenarios[1].cfg.forloeb.udviklende.forventet_reduktion == pytest.approx(0.08)
    file.write_text(
        "scenarier:\n  a:\n    timepris.faggrupper[SSH].fravaer_andel: 1.5\n"
        "  b:\n    tildeling.teams[Nord].model: tilskud\n",
        "utf-8",
    )
    with pytest.raises(ConfigError) as exc:
        load_scenarios(model, file)
    text = "\n".join(exc.value.lines())
    assert "scenarie 'a', timepris.faggrupper[SSH].fravaer_andel" in text
    assert "scenarie 'b', tildeling.teams[Nord].model" in text


def test_cli_scenarie_and_files(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "ud"
    res = invoke(
        "scenarie", "-c", str(model), "--saet", f"{WAGE}=+4%", "--ud", str(out), "--format", "csv"
    )
    assert res.exit_code == 0, res.stderr
    assert "339,16" in res.stdout and "326,12" in res.stdout
    text = (out / "scenarier.csv").read_text("utf-8")
    assert "Timepris,SSH" in text or "Timepris;SSH" in text
    assert (out / "scenarie_aendringer.csv").exists()
    res = invoke(
        "scenarie", "-c", str(model), "--saet", f"{WAGE}=+4%", "--ud", str(tmp_path / "s.xlsx")
    )
    assert res.exit_code == 0, res.stderr
    from openpyxl import load_workbook

    assert "Scenarier" in load_workbook(tmp_path / "s.xlsx").sheetnames


def test_sammenlign_two_model_files(model: Path, tmp_path: Path) -> None:
    """B differs from A in r and Nord's model: the two keys listed, and the figures are the
    scenario comparison with B as the scenario."""
    b = model.parent / "b.yaml"
    b.write_text(
        model.read_text()
        .replace(
            "{periode_uger: 2, efterperiode_uger: 2}",
            "{periode_uger: 2, efterperiode_uger: 2, forventet_reduktion: 0.10}",
        )
        .replace("{team: Nord, model: aktivitet}", "{team: Nord, model: forloeb}"),
        "utf-8",
    )
    from takst_cli.config.overrides import compare_models

    _, scen = compare_models(model, b)
    assert [o.path for o in scen.overrides] == [
        "forloeb.udviklende.forventet_reduktion",
        "tildeling.teams[Nord].model",
    ]
    assert not scen.refold
    res = invoke("sammenlign", str(model), str(b))
    assert res.exit_code == 0, res.stderr
    assert "145,25" in res.stdout and "97,44" in res.stdout and "4.881,64" in res.stdout


def test_signed_number_in_a_scenario_file_stops(model: Path, tmp_path: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text("scenarier:\n  a:\n    timepris.tillaeg.aften: +0.05\n", "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_scenarios(model, file)
    assert "fortegn uden procent" in exc.value.message
    assert exc.value.problems[0].where == "linje 3"
    # never the advice '+0.05%': that is a 0,05 % change (0,30 → 0,30015), not 0,35
    assert "+0.05%" not in exc.value.message and "fx 0,35" in exc.value.message


@pytest.mark.parametrize("written", ["+4%", "+4 %", "-8 %"])
def test_a_relative_change_of_a_share_stops(model: Path, written: str) -> None:
    """On a share '+4 %' is 4 per cent of it (the tiny model's evening supplement 0,25 → 0,26)
    or 4 percentage points (→ 0,29); neither is taken. The message gives both and asks for the
    new share."""
    with pytest.raises(ConfigError) as exc:
        outcomes(model, f"timepris.tillaeg.aften={written}")
    text = str(exc.value.message) + " ".join(p.why for p in exc.value.problems)
    assert "tvetydigt for andelen 0,25" in text, text
    if written.startswith("+"):
        assert "26 % eller 29 % (procentpoint)" in text and "fx 0,29" in text, text


def test_followup_forecast_per_scenario(model: Path) -> None:
    """With --dato 30-03-2025 (day 89 of 365) the forecast is the spend to date × 365 / 89.
    Nord (activity) base: A 1 019,125 + B 315 + F 3 261,20 + G 163,06 = 4 758,385 kr →
    19 514,73. SSH +4 % (339,16 kr/h; evening 423,95, Saturday 508,74): A 339,16 + 211,975 +
    508,74 = 1 059,875; B 315 (SPL); F 10 h = 3 391,60; G 0,5 h = 169,58 → 4 936,055 kr →
    20 243,37."""
    import datetime as dt

    base, scenarios = load_scenarios(model, None, [f"{WAGE}=+4%"])
    (model.parent / "budget.csv").write_text(
        "team;budget;aar\nNord;20000;2025\nSyd;20000;2025\n", "utf-8"
    )
    day = dt.date(2025, 3, 30)
    a, b = api.scenarios(
        api.Model(config=base, path=model),
        scenarios,
        date=day,
        budget_file=model.parent / "budget.csv",
    )
    fa, fb = by_key(a), by_key(b)
    key = ("Forventet forbrug 2025", "Nord")
    # as Budgetopfølgning shows them: spend and expected each rounded as parts of their column
    # (4 758,385 → 4 758,39 / 4 758,38 by the other teams' remainders; the year's sum as shown)
    assert fa[key] == Decimal("19514.73") and fb[key] == Decimal("20243.37")
    assert abs(fa[key] - Decimal("4758.385") * 365 / 89) < Decimal("0.01")  # type: ignore[operator]
    shown = api.follow_up(api.load_model(model), day, budget_file=model.parent / "budget.csv")
    nord = shown.tables["budgetopfoelgning"].filter(Team="Nord").row(0, named=True)
    assert nord["Forbrug pr. dato"] + nord["Forventet forbrug resten af året"] == fa[key]


def test_valider_checks_the_model_files_scenarios(model: Path) -> None:
    model.write_text(
        model.read_text() + "scenarier:\n  Løn:\n    timepris.faggrupper[SSH].aarslon: +4 %\n",
        "utf-8",
    )
    res = invoke("valider", str(model))
    assert res.exit_code == 1
    assert "aarslon: ukendt nøgle; mente du 'aarsloen'?" in res.stdout + res.stderr
    res = invoke("scenarie", "--help")
    assert res.exit_code == 0 and "Scenarier side om side" in res.stdout
    res = invoke("sammenlign", "--help")
    assert res.exit_code == 0 and "To modelfiler" in res.stdout


@pytest.mark.parametrize("written", ["-0,05", "-0.05", '"-0,05"', "-5 %"])
def test_a_negative_value_is_a_value_as_in_the_model_file(model: Path, written: str) -> None:
    """Nord's demografiregulering (not in the file): -0,05 however written. A relative -5 % of
    a key the file does not give stops: the default is not guessed at."""
    sets = [f"tildeling.teams[Nord].demografiregulering={written}"]
    if written.endswith("%"):
        with pytest.raises(ConfigError) as exc:
            load_scenarios(model, None, sets)
        assert "er en relativ ændring, men nøglen har ingen værdi" in str(exc.value.problems[0])
        return
    _, (s,) = load_scenarios(model, None, sets)
    assert s.cfg.tildeling.teams[0].demografiregulering == pytest.approx(-0.05)


@pytest.mark.parametrize(
    "sets",
    [
        [f"{WAGE}=+4%", "timepris.faggrupper[SSH].fravaer_andel=0,20"],
        ["timepris.faggrupper[SPL].timepris=450", "timepris.tillaeg.aften=0,30"],
        ["klinik.andel=50 %", "klinik.timepris=200"],
        ["takster.metode=normativ", "takster.basistakst=100"],
        ["tildeling.teams[Syd].model=kombination", "tildeling.teams[Syd].fast_ramme=1000"],
        ["budget.demografi=0,03", "timepris.omkostninger_i_takst.ledelse=+10 %"],
    ],
)
def test_price_only_scenario_equals_a_full_run(model: Path, sets: list[str]) -> None:
    """PRICE_ONLY_KEYS holds: a scenario priced on the base's fold gives every figure and the
    data quality exactly as a full run (its own pass over the visits) of the changed model."""
    base, scenarios = load_scenarios(model, None, sets)
    (s,) = scenarios
    assert not s.refold
    _, scen = api.scenarios(api.Model(config=base, path=model), scenarios)
    calc = api.calculate(api.Model(config=s.cfg, path=model))
    full = calc.run
    assert by_key(scen) == by_key(Outcome("fuld", full, calc.funding, None, True))
    assert scen.result.quality == full.quality
    assert scen.result.reduction.r == full.reduction.r


def test_the_base_reconciles_with_the_sample_tables(tmp_path: Path) -> None:
    """The base column is the figures the budget and funding tables show, to the øre. On the
    sample the exact team budgets sum to 47.161.981,57 but the rows shown (10.216.358,52 +
    9.157.370,34 + 6.695.545,23 + 8.121.116,06 + 12.971.591,41) sum to 47.161.981,56, the
    golden teambudgetter_i_alt.csv; the result's total is funding − cost as shown, 1.030.376,06
    (−446.791,21 + 0,00 + 120.098,95 + 1.201.785,26 + 155.283,06). Every row adds up: base +
    difference = scenario."""
    import csv

    from tests.test_golden import GOLDEN, ROOT

    out = tmp_path / "ud"
    res = invoke(
        "scenarie",
        "-c",
        str(ROOT / "configs" / "eksempel.yaml"),
        "--saet",
        "forloeb.udviklende.forventet_reduktion=0,08",
        "--ud",
        str(out),
        "--format",
        "csv",
        "--stille",
    )
    assert res.exit_code == 0, res.stderr
    rows = list(csv.DictReader((out / "scenarier.csv").read_text("utf-8").splitlines()))
    total = {r["Område"]: r for r in rows if r["Post"] == "I alt"}

    def golden(name: str, column: str) -> str:
        return next(csv.DictReader((GOLDEN / name).read_text("utf-8").splitlines()))[column]

    base = "Grundlag"
    assert total["Teambudget 2026"][base] == golden("teambudgetter_i_alt.csv", "Budget i alt")
    assert total["Teambudget 2026"][base] == "47161981.56"
    assert total["Finansiering"][base] == golden("finansiering_i_alt.csv", "Finansiering i alt")
    assert total["Resultat"][base] == golden("finansiering_i_alt.csv", "Resultat") == "1030376.06"
    for r in rows:
        if r["Forskel"]:
            assert Decimal(r[base]) + Decimal(r["Forskel"]) == Decimal(r["Scenariet"]), r


def test_two_models_of_the_same_name_get_two_columns(model: Path) -> None:
    """a/model.yaml against b/model.yaml: the columns are 'A: …' and 'B: …', never two columns
    named model.yaml (the second would hide the first)."""
    from takst_cli.config.overrides import compare_models, model_labels

    other = model.parent / "b" / model.name
    other.parent.mkdir()
    other.write_text(
        model.read_text()
        .replace(
            "{periode_uger: 2, efterperiode_uger: 2}",
            "{periode_uger: 2, efterperiode_uger: 2, forventet_reduktion: 0.10}",
        )
        .replace("leverancer.csv", "../leverancer.csv")
        .replace("visitationer.csv", "../visitationer.csv"),
        "utf-8",
    )
    a, b = model_labels(model, other)
    assert a == f"A: {model}" and b == f"B: {other}"
    assert model_labels(model, model.parent / "x.yaml") == ("model.yaml", "x.yaml")
    res = invoke("sammenlign", str(model), str(other), "--ud", str(model.parent / "u"))
    assert res.exit_code == 0, res.stderr
    header = (model.parent / "u" / "scenarier.csv").read_text("utf-8").splitlines()[0]
    assert f"A: {model}" in header and "Scenariet" in header
    _, scen = compare_models(model, other)
    assert scen.name == b


@pytest.mark.parametrize("name", ["Grundlag", "--saet"])
def test_a_scenario_may_not_take_a_reserved_name(model: Path, tmp_path: Path, name: str) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(f'scenarier:\n  "{name}":\n    {WAGE}: +4%\n', "utf-8")
    with pytest.raises(ConfigError, match="navnet er forbeholdt"):
        load_scenarios(model, file)


def test_the_share_of_a_negative_base_says_up_or_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """A result of −446.791,21 that improves to −400.000,00: +46.791,21, and +10,47 % of the
    base's size (46.791,21 / 446.791,21 = 0,104727) — not −10,5 %."""
    from takst_cli.pipeline.scenario import Figure
    from takst_cli.report.scenario import comparison_table

    class Model:
        def __init__(self, name: str, value: str) -> None:
            self.name, self.value = name, Decimal(value)

    import takst_cli.report.scenario as rs

    outs = [Model("Grundlag", "-446791.21"), Model("s", "-400000.00")]
    monkeypatch.setattr(rs, "figures", lambda o: [Figure("Resultat", "Midtby", "kr", o.value)])
    row = comparison_table(outs).rows[0]  # type: ignore[arg-type]
    assert row[6] == Decimal("46791.21") and row[7] == Decimal("0.1047")
