"""The model file read as a Danish finance officer means it, or refused with key path and value
(issue 11 items 2, 3, 5, 7, 13, 15; issue 12 items 6, 10, 11).

The tiny model of conftest.py, by hand: SSH aarsloen 400 000, normtimer 1 924, fravaer 0,15,
transport 0,25 → F = 1 924 × 0,85 = 1 635,4; D = F × 0,75 = 1 226,55;
timepris = 400 000 / 1 226,55 = 326,1179.. → 326,12 kr. The stabilising level 3 tariff is
1 724,48 / 12 + 700 / 44 = 143,7066.. + 15,9090.. = 159,6157.. → 159,62 kr (test_tiny.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from takst_cli.cli.app import app
from takst_cli.config import load_config, parse_config, read_model_yaml
from takst_cli.errors import ConfigError
from takst_cli.models import CourseType, Phase
from takst_cli.pipeline.hourly_price import compute_hourly_prices
from takst_cli.report.core import band_table
from tests.conftest import TINY_MODEL
from tests.helpers import run_model

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


def _edit(model: Path, old: str, new: str) -> Path:
    text = model.read_text(encoding="utf-8")
    assert old in text, old
    model.write_text(text.replace(old, new), encoding="utf-8")
    return model


def _refused(model: Path) -> str:
    """The whole Danish message of a refused model file (also through the CLI: exit 1)."""
    with pytest.raises(ConfigError) as info:
        load_config(model)
    res = invoke("valider", str(model))
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output and "uventet fejl" not in res.output
    return "\n".join(info.value.lines())


def _level3(model: Path) -> Decimal:
    row = next(
        r
        for r in run_model(model).tariffs.rows
        if (r.course_type, r.phase, r.level) == (CourseType.FASTHOLDENDE.value, Phase.HELE.value, 3)
    )
    return row.tariff  # type: ignore[no-any-return]


# -- item 2: clock times ------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["23:00", '"23:00"', '"23.00"', "23.00", "'23:00'"])
def test_night_start_in_every_notation_is_23_00(tiny: Path, written: str) -> None:
    """Unquoted 23:00 is YAML 1.1's sexagesimal 1380; it must become 23:00, never 00:23."""
    tiny.write_text(tiny.read_text() + f"vagter:\n  nat_fra: {written}\n")
    assert load_config(tiny).vagter.nat_fra == dt.time(23, 0)


def test_unquoted_night_start_gives_the_same_tariffs(tiny: Path) -> None:
    base = tiny.read_text()
    tiny.write_text(base + "vagter:\n  nat_fra: 23:00\n")
    assert _level3(tiny) == Decimal("159.62")
    quoted = run_model(tiny.parent / _copy(tiny, base + 'vagter:\n  nat_fra: "23:00"\n'))
    assert [r.tariff for r in quoted.tariffs.rows] == [
        r.tariff for r in run_model(tiny).tariffs.rows
    ]
    # another night start changes them (the 16:00 visit of A is now night): the test can fail
    wrong = run_model(tiny.parent / _copy(tiny, base + 'vagter:\n  nat_fra: "16:00"\n'))
    assert [r.tariff for r in wrong.tariffs.rows] != [r.tariff for r in quoted.tariffs.rows]


def _copy(model: Path, text: str) -> str:
    name = f"kopi{abs(hash(text))}.yaml"
    (model.parent / name).write_text(text, encoding="utf-8")
    return name


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("25:00", "vagter.nat_fra: ugyldigt klokkeslæt '25:00' (timer 0-23, minutter 0-59)"),
        ('"23:75"', "vagter.nat_fra: ugyldigt klokkeslæt '23:75'"),
        ("23", 'vagter.nat_fra: skal være et klokkeslæt som "23:00", fik 23'),
        ("1380", 'vagter.nat_fra: skal være et klokkeslæt som "23:00", fik 1380'),
        ("sent", "vagter.nat_fra: 'sent' er ikke et klokkeslæt"),
    ],
)
def test_impossible_clock_time_is_refused(tiny: Path, written: str, why: str) -> None:
    tiny.write_text(tiny.read_text() + f"vagter:\n  nat_fra: {written}\n")
    assert why in _refused(tiny)


# -- item 3: numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "text", "yaml_reads", "danish", "digits"),
    [
        ("normtimer: 1924", "normtimer: 1.924", "1.924", "1,924", "1.924", "1924"),
        ("aarsloen: 400000", "aarsloen: 400.000", "400.000", "400", "400.000", "400000"),
        ("{ledelse: 700}", "{ledelse: 2.400.000}", "2.400.000", "tekst", "2.400.000", "2400000"),
    ],
)
def test_unquoted_thousands_points_are_refused(
    tiny: Path, old: str, new: str, text: str, yaml_reads: str, danish: str, digits: str
) -> None:
    """YAML reads 1.924 as 1,924 (hourly price 332 232 kr.), 400.000 as 400 (6,44 kr.)."""
    message = _refused(_edit(tiny, old, new))
    path = {
        "normtimer": "timepris.faggrupper[0].normtimer",
        "aarsloen": "timepris.faggrupper[0].aarsloen",
        "{ledelse": "timepris.omkostninger_i_takst.ledelse",
    }[old.split(":")[0]]
    assert f"{path}: '{text}' er tvetydigt: YAML læser det som {yaml_reads}, med dansk " in message
    assert f'tusindtalspunktum er det {danish}; skriv {digits} (uden punktum) eller "{text},0"' in (
        message
    )
    assert "(1 fejl)" in message  # the refused value is not reported a second time


@pytest.mark.parametrize(
    ("normtimer", "aarsloen", "expected_normtimer", "price"),
    [
        ('"1.924"', '"400.000"', Decimal(1924), Decimal("326.12")),
        ('"1924"', '"400.000,00"', Decimal(1924), Decimal("326.12")),
        ("1924", '"400 000"', Decimal(1924), Decimal("326.12")),
        # 1 924,5 × 0,85 × 0,75 = 1 226,86875; 400 000 / 1 226,86875 = 326,0332.. → 326,03
        ('"1.924,5"', "400000", Decimal("1924.5"), Decimal("326.03")),
        ('"1924,5"', "400000", Decimal("1924.5"), Decimal("326.03")),
    ],
)
def test_numbers_as_text_are_read_the_danish_way(
    tiny: Path, normtimer: str, aarsloen: str, expected_normtimer: Decimal, price: Decimal
) -> None:
    _edit(tiny, "normtimer: 1924", f"normtimer: {normtimer}")
    _edit(tiny, "aarsloen: 400000", f"aarsloen: {aarsloen}")
    cfg = load_config(tiny)
    assert cfg.timepris.faggrupper[0].aarsloen == Decimal(400000)
    assert cfg.timepris.faggrupper[0].normtimer == expected_normtimer
    assert compute_hourly_prices(cfg)[0].price == price


@pytest.mark.parametrize(
    ("written", "value"),
    [("0.150", 0.15), ("0.25", 0.25), ('"0,25"', 0.25), ('"0.25"', 0.25), ("0.1", 0.1)],
)
def test_small_decimals_stay_as_written(tiny: Path, written: str, value: float) -> None:
    _edit(tiny, "fravaer_andel: 0.15", f"fravaer_andel: {written}")
    assert load_config(tiny).timepris.faggrupper[0].fravaer_andel == value


def test_decimals_in_hours_and_minutes_stay_as_written(tiny: Path) -> None:
    _edit(
        tiny,
        "forloeb:\n",
        "maks_minutter_pr_besoeg: 2.5\nforloeb:\n  individuel: {taerskel_timer_uge: 12.75}\n",
    )
    cfg = load_config(tiny)
    assert cfg.forloeb.individuel.taerskel_timer_uge == 12.75
    assert cfg.maks_minutter_pr_besoeg == 2.5


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("normtimer: 1924", "normtimer: 400", "normtimer: skal være mindst 500, fik 400"),
        ("normtimer: 1924", "normtimer: 19240", "normtimer: må højst være 3.000, fik 19.240"),
        ("aarsloen: 400000", "aarsloen: 40000", "aarsloen: skal være mindst 50.000, fik 40.000"),
        ("aarsloen: 400000", 'aarsloen: "4.000"', "aarsloen: skal være mindst 50.000, fik 4.000"),
    ],
)
def test_implausible_norm_hours_or_wage_is_an_error(
    tiny: Path, old: str, new: str, why: str
) -> None:
    assert f"timepris.faggrupper[0].{why}" in _refused(_edit(tiny, old, new))


# -- item 5: duplicate keys ---------------------------------------------------------------------


def test_duplicate_keys_and_sections_are_refused_with_both_lines(tiny: Path) -> None:
    """TINY_MODEL: aarsloen on line 11, forloeb on line 20 (see conftest.py); one line is
    inserted after line 12, so the first forloeb moves to line 21 and the added one is 23."""
    text = tiny.read_text()
    assert text.splitlines()[10].strip() == "aarsloen: 400000"
    assert text.splitlines()[19] == "forloeb:"
    text = text.replace("normtimer: 1924\n", "normtimer: 1924\n      aarsloen: 380000\n")
    tiny.write_text(text + "forloeb:\n  udviklende: {periode_uger: 12}\n")
    message = _refused(tiny)
    assert (
        "timepris.faggrupper[0].aarsloen: står to gange (linje 11 og linje 13); slet den ene"
        in message
    )
    assert "forloeb: står to gange (linje 21 og linje 23)" in message


# -- item 7: finite numbers, signs and ranges everywhere -----------------------------------------


def test_nan_inf_and_negative_values_are_refused_all_at_once(tiny: Path) -> None:
    text = (
        tiny.read_text()
        .replace("aarsloen: 400000", "aarsloen: -400000")
        .replace("{ledelse: 700}", "{ledelse: -700}")
        .replace("sygepleje: true", "sygepleje: true\n      omkostninger_pr_aarsvaerk: {it: -1}")
        .replace(
            "{periode_uger: 2, efterperiode_uger: 2}", "{periode_uger: 2, efterperiode_uger: -2}"
        )
    )
    tiny.write_text(
        text
        + "niveauer:\n  baand:\n    - {niveau: 1, fra: 0, til: .nan}\n    - {niveau: 2, fra: 5}\n"
        "maks_minutter_pr_besoeg: .inf\n"
        "takster: {basistakst: -5}\n"
        "klinik: {andel: 0.3, timepris: -310}\n"
        "tildeling:\n  standard: {model: ramme, ramme: -1000000, demografiregulering: 2}\n"
        "budget: {demografi: .NaN}\n"
    )
    message = _refused(tiny)
    for line in (
        "timepris.faggrupper[0].aarsloen: skal være mindst 50.000, fik -400.000",
        "timepris.omkostninger_i_takst.ledelse: skal være mindst 0, fik -700",
        "timepris.faggrupper[1].omkostninger_pr_aarsvaerk.it: skal være mindst 0, fik -1",
        "forloeb.udviklende.efterperiode_uger: skal være mindst 1, fik -2",
        "niveauer.baand[0].til: skal være et endeligt tal, ikke .nan",
        "maks_minutter_pr_besoeg: skal være et endeligt tal, ikke .inf",
        "takster.basistakst: skal være mindst 0, fik -5",
        "klinik.timepris: skal være større end 0, fik -310",
        "tildeling.standard.ramme: skal være mindst 0, fik -1.000.000",
        "tildeling.standard.demografiregulering: må højst være 1, fik 2",
        "budget.demografi: skal være et endeligt tal, ikke .NaN",
    ):
        assert line in message, (line, message)
    assert "Input should" not in message


def test_nan_as_text_is_no_number_either(tiny: Path) -> None:
    _edit(tiny, "forloeb:\n", 'forloeb:\n  individuel: {taerskel_timer_uge: "nan"}\n')
    assert "forloeb.individuel.taerskel_timer_uge: skal være et tal, fik 'nan'" in _refused(tiny)


def test_true_is_no_share(tiny: Path) -> None:
    """YAML 1.1 reads `yes` as true, and pydantic would take true as 1 (a 100 % reduction)."""
    _edit(
        tiny,
        "{periode_uger: 2, efterperiode_uger: 2}",
        "{periode_uger: 2, efterperiode_uger: 2, forventet_reduktion: yes}",
    )
    assert "forloeb.udviklende.forventet_reduktion: skal være et tal, ikke true" in _refused(tiny)


def test_leading_zero_and_sexagesimal_numbers_are_refused(tiny: Path) -> None:
    """YAML 1.1 reads 012 as octal 10 and 1:30 as 90."""
    _edit(tiny, "{periode_uger: 2, efterperiode_uger: 2}", "{periode_uger: 012}")
    tiny.write_text(tiny.read_text() + "maks_minutter_pr_besoeg: 1:30\n")
    message = _refused(tiny)
    assert "forloeb.udviklende.periode_uger: '012' har et foranstillet 0" in message
    assert "maks_minutter_pr_besoeg: skal være et tal, fik '1:30'" in message


def test_schema_carries_the_ranges() -> None:
    from takst_cli.cli.valider import model_schema

    schema = model_schema()
    assert '"minimum": 500' in schema and '"maximum": 3000' in schema  # normtimer
    assert '"minimum": 50000' in schema  # aarsloen


# -- item 15: options where they mean nothing ----------------------------------------------------


def test_course_options_only_where_the_calculation_uses_them(tiny: Path) -> None:
    _edit(
        tiny,
        "{periode_uger: 2, efterperiode_uger: 2}",
        "{periode_uger: 2, efterperiode_uger: 2, taerskel_timer_uge: 20}\n"
        "  fastholdende: {forventet_reduktion: 0.1, periode_uger: 26}\n"
        "  individuel: {efterperiode_uger: 4, taerskel_timer_uge: 30}",
    )
    message = _refused(tiny)
    for line in (
        "forloeb.udviklende.taerskel_timer_uge: har ingen virkning under forloeb.udviklende; "
        "taerskel_timer_uge bruges kun under forloeb.individuel",
        "forloeb.fastholdende.forventet_reduktion: har ingen virkning under "
        "forloeb.fastholdende; forventet_reduktion bruges kun under forloeb.udviklende",
        "forloeb.fastholdende.periode_uger: har ingen virkning under forloeb.fastholdende",
        "forloeb.individuel.efterperiode_uger: har ingen virkning under forloeb.individuel",
    ):
        assert line in message, (line, message)
    assert "(4 fejl)" in message


def test_wage_options_beside_a_given_price_are_errors(tiny: Path) -> None:
    _edit(tiny, "timepris: 420\n", "timepris: 420\n      normtimer: 1600\n")
    assert (
        "timepris.faggrupper[1].normtimer: har ingen virkning, når timepris er angivet direkte"
        in _refused(tiny)
    )


def test_last_step_without_growth_is_an_error(tiny: Path) -> None:
    tiny.write_text(
        tiny.read_text()
        + "niveauer:\n  generator: {antal_trin: 3, foerste_trin: 5, sidste_trin: 9}\n"
    )
    assert "niveauer.generator.sidste_trin: har ingen virkning med spring: lineaer" in _refused(
        tiny
    )


# -- item 13: teams in tildeling.teams must be in the data ---------------------------------------


def test_misspelled_team_is_named_with_the_nearest_team_in_the_data(tiny: Path) -> None:
    tiny.write_text(
        tiny.read_text()
        + "tildeling:\n  standard: {model: aktivitet}\n  teams:\n    - {team: Nord}\n"
        "    - {team: Sydd, model: ramme, ramme: 1000000}\n    - {team: Øst}\n"
    )
    assert invoke("valider", str(tiny)).exit_code == 0  # without data it cannot know
    res = invoke("valider", str(tiny), "--data")
    assert res.exit_code == 1
    assert (
        "tildeling.teams[1].team: teamet 'Sydd' findes ikke i data (leverancer eller "
        "visitationer); mente du 'Syd'?" in res.stderr
    )
    assert "tildeling.teams[2].team: teamet 'Øst' findes ikke i data (leverancer eller " in (
        res.stderr
    )
    assert "teams i data: Nord, Syd" in res.stderr
    assert "'Nord' findes ikke" not in res.stderr


# -- niveauer -----------------------------------------------------------------------------------


def test_generated_bands_of_price_structure_1() -> None:
    """Kommune 1: 10 steps in min. per week, first 45, the open top from 25 h = 1 500 min, the
    8 middle steps growing evenly to 300: 8 × (a + 300) / 2 = 1 455 → a = 63,75, then + 33,75
    each: 63,75; 97,5; 131,25; 165; 198,75; 232,5; 266,25; 300. Cumulative minutes: 45, 108,75,
    206,25, 337,5, 502,5, 701,25, 933,75, 1 200, 1 500 (open). 1 200 min = 20 h; 1 500 = 25 h."""
    cfg = load_config(ROOT / "configs" / "prisstruktur_kommune1.yaml")
    table = band_table(cfg.niveauer)
    assert [c.header for c in table.columns] == [
        "Niveau",
        "Fra (timer pr. uge)",
        "Til (timer pr. uge)",
        "Fra (min. pr. uge)",
        "Til (min. pr. uge)",
    ]
    assert table.rows[0] == [1, Decimal(0), Decimal("0.75"), Decimal(0), Decimal(45)]
    assert table.rows[1] == [2, Decimal("0.75"), Decimal("1.8125"), Decimal(45), Decimal("108.75")]
    assert table.rows[8] == [9, Decimal(20), Decimal(25), Decimal(1200), Decimal(1500)]
    assert table.rows[9] == [10, Decimal(25), None, Decimal(1500), None]
    assert table.rows[2][4] == Decimal("206.25")  # 108,75 + 97,5

    res = invoke("niveauer", "-c", str(ROOT / "configs" / "prisstruktur_kommune1.yaml"))
    assert res.exit_code == 0, res.output
    assert "│      9 │               20,00 │               25,00 │           1.200,00 │" in (
        res.stdout
    )
    res = invoke("valider", str(ROOT / "configs" / "prisstruktur_kommune1.yaml"))
    assert res.exit_code == 0 and "108,75" in res.stdout and "Niveauer" in res.stdout


def test_default_bands_are_shown_in_hours(tiny: Path) -> None:
    res = invoke("niveauer", "-c", str(tiny))
    assert res.exit_code == 0, res.output
    assert "Min." not in res.stdout and "min. pr. uge" not in res.stdout
    assert "│      5 │               20,00 │                   – │" in res.stdout


def test_steps_past_a_week_are_a_warning(tiny: Path) -> None:
    """3 steps of 100 h/week: 0-100, 100-200, 200-∞: level 3 starts past the week's 168 h."""
    tiny.write_text(
        tiny.read_text() + "niveauer:\n  generator: {antal_trin: 3, foerste_trin: 100}\n"
    )
    res = invoke("valider", str(tiny))
    assert res.exit_code == 0
    assert "Advarsel: niveauer.generator: niveau 3-3 starter ved 200,00 timer pr. uge" in (
        res.stdout
    )
    assert invoke("valider", str(tiny), "--streng").exit_code == 1


# -- issue 12 item 6: alias bomb and size -------------------------------------------------------


def test_alias_bomb_is_refused_before_it_expands(tiny: Path) -> None:
    """Nine levels of ten aliases would build 10⁹ strings (the issue: 55 s, 5,5 GB)."""
    lines = ['a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    tiny.write_text("\n".join(lines) + "\nnavn: *a9\n")
    message = _refused(tiny)
    assert "(linje 2, kolonne 10): modelfilen bruger et YAML-alias (*navn)" in message
    assert "en modelfil har ikke brug for aliasser" in message


def test_a_simple_alias_is_refused_too(tiny: Path) -> None:
    tiny.write_text(tiny.read_text().replace("navn: Lilleby", "navn: &n Lilleby\nx: *n"))
    assert "YAML-alias" in _refused(tiny)


def test_oversized_model_file_is_refused_with_its_size(tiny: Path) -> None:
    tiny.write_text(tiny.read_text() + "# fyld\n" * 200_000)  # 1 400 000 bytes of comments
    size = tiny.stat().st_size
    assert 1_400_000 < size < 1_450_000
    assert "filen fylder 1,4 MB; en modelfil fylder højst 256 kB" in _refused(tiny)
    tiny.write_text("# fyld\n" * 40_000)  # 280 000 bytes
    assert "filen fylder 280 kB; en modelfil fylder højst 256 kB" in _refused(tiny)


def test_deep_nesting_is_refused(tiny: Path) -> None:
    tiny.write_text("navn: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "indlejret mere end 30 niveauer" in _refused(tiny)


# -- issue 12 items 10, 11: plain user errors in Danish ----------------------------------------


def test_model_path_is_a_folder(tmp_path: Path) -> None:
    message = _refused(tmp_path)
    assert f"{tmp_path}: er en mappe; angiv selve modelfilen" in message


@pytest.mark.parametrize("content", ["", "\n\n", "# kun en kommentar\n", "---\n"])
def test_empty_model_file(tiny: Path, content: str) -> None:
    tiny.write_text(content)
    assert f"{tiny}: modelfilen er tom" in _refused(tiny)


@pytest.mark.parametrize("written", ["2025-02-29", '"2025-02-29"', '"29-02-2025"'])
def test_impossible_date_names_key_and_value(tiny: Path, written: str) -> None:
    _edit(tiny, "til: 2025-03-30", f"til: {written}")
    message = _refused(tiny)
    shown = written.strip('"')
    assert f"periode.til: ugyldig dato '{shown}' (den dag findes ikke)" in message


@pytest.mark.parametrize("written", ["30-03-2025", '"30.03.2025"', '"2025-03-30"'])
def test_danish_dates_are_read(tiny: Path, written: str) -> None:
    _edit(tiny, "til: 2025-03-30", f"til: {written}")
    assert load_config(tiny).periode.til == dt.date(2025, 3, 30)


def test_two_digit_year_is_refused(tiny: Path) -> None:
    _edit(tiny, "til: 2025-03-30", 'til: "30-03-25"')
    assert "periode.til: '30-03-25' er ikke en dato; skriv fx 2025-01-31" in _refused(tiny)


def test_every_kind_of_schema_error_is_in_danish(tiny: Path) -> None:
    text = (
        tiny.read_text()
        .replace("navn: Lilleby", "navn: [Lilleby]")
        .replace("sygepleje: true", "sygepleje: måske")
        .replace("tillaeg: {aften: 0.25, weekend: 0.5}", "tillaeg: [aften]")
        .replace("{periode_uger: 2, efterperiode_uger: 2}", "{periode_uger: 2.5}")
        .replace("  leverancer: leverancer.csv\n", "  leverancer: [a, b]\n")
    )
    tiny.write_text(
        text
        + "niveauer: {grundlag: bevilget, baand: {niveau: 1}}\n"
        + "vagter: {i_scope: dag}\n"
        + "budget: {aar: 20.25}\n"
        + "tildeling: {aflysningsfrist: i går}\n"
    )
    message = _refused(tiny)
    for line in (
        "navn: skal være tekst, fik ['Lilleby']",
        "timepris.faggrupper[1].sygepleje: skal være true eller false, fik 'måske'",
        "timepris.tillaeg: skal være en tabel af nøgler og værdier",
        "forloeb.udviklende.periode_uger: skal være et heltal, fik 2.5",
        "data.leverancer: skal være en sti",
        "niveauer.grundlag: ugyldig værdi 'bevilget'; forventet 'visiteret', 'leveret' eller "
        "'funktionsevne'",
        "niveauer.baand: skal være en liste",
        "vagter.i_scope: skal være en liste",
        "budget.aar: skal være et heltal",
        "tildeling.aflysningsfrist: ugyldig aflysningsfrist 'i går'",
    ):
        assert line in message, (line, message)
    for english in ("Input should", "should be", "valid ", "Field required", "Value error"):
        assert english not in message, (english, message)


def test_missing_section_is_in_danish(tmp_path: Path) -> None:
    model = tmp_path / "m.yaml"
    model.write_text("navn: X\n")
    assert "timepris: mangler" in _refused(model)


@pytest.mark.parametrize("written", ['"15 %"', "15%", '"15,0 %"', "0.15", '"0,15"'])
def test_share_as_percentage_or_fraction(tiny: Path, written: str) -> None:
    _edit(tiny, "fravaer_andel: 0.15", f"fravaer_andel: {written}")
    assert load_config(tiny).timepris.faggrupper[0].fravaer_andel == pytest.approx(0.15, abs=0)


def test_share_over_100_percent_is_refused(tiny: Path) -> None:
    _edit(tiny, "fravaer_andel: 0.15", 'fravaer_andel: "150 %"')
    assert "timepris.faggrupper[0].fravaer_andel: andelen 1,5 skal ligge mellem 0 og 1" in (
        _refused(tiny)
    )


def test_number_where_text_belongs_says_to_quote_it(tiny: Path) -> None:
    _edit(tiny, "navn: Lilleby", "navn: 2025")
    tiny.write_text(tiny.read_text() + "budget: {aar: 1800}\n")
    message = _refused(tiny)
    assert 'navn: skal være tekst, fik 2025; sæt anførselstegn om: "2025"' in message
    assert "budget.aar: urimeligt budgetår 1800" in message


def test_combination_options_under_another_model_are_errors(tiny: Path) -> None:
    tiny.write_text(
        tiny.read_text()
        + "tildeling:\n  standard: {model: aktivitet, fast_ramme: 900000}\n  teams:\n"
        "    - {team: Nord, model: kombination, fast_ramme: 900000, variabel: forloeb}\n"
        "    - {team: Syd, model: ramme, ramme: 1000000, variabel: forloeb}\n"
    )
    message = _refused(tiny)
    assert (
        "tildeling.standard.fast_ramme: har ingen virkning med model: aktivitet; fast_ramme "
        "bruges kun med model: kombination" in message
    )
    assert "tildeling.teams[1].variabel: har ingen virkning med model: ramme" in message
    assert "tildeling.teams[0]" not in message
    assert "(2 fejl)" in message


def _danish(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@settings(max_examples=60, deadline=None)
@given(
    wage=st.integers(50_000, 5_000_000),
    hours=st.integers(500, 3000),
    wage_form=st.sampled_from(["{n}", '"{n}"', '"{dot}"', '"{space}"', '"{dot},00"', "{n}.0"]),
    hours_form=st.sampled_from(["{n}", '"{dot}"', '"{dot},0"', '"{n},0"', "'{space}'"]),
)
def test_every_notation_of_wage_and_hours_gives_the_same_price(
    wage: int, hours: int, wage_form: str, hours_form: str
) -> None:
    """Plain, Danish thousands points, spaces and a decimal comma are one value; the hourly
    price from them equals the one from the plain integers."""

    def written(form: str, n: int) -> str:
        return form.format(n=n, dot=_danish(n, "."), space=_danish(n, " "))

    def price(wage_text: str, hours_text: str) -> Decimal:
        text = TINY_MODEL.replace("aarsloen: 400000", f"aarsloen: {wage_text}").replace(
            "normtimer: 1924", f"normtimer: {hours_text}"
        )
        raw, problems = read_model_yaml(text, "model.yaml")
        cfg = parse_config(raw, "model.yaml", problems)
        assert cfg.timepris.faggrupper[0].aarsloen == wage
        assert cfg.timepris.faggrupper[0].normtimer == hours
        return compute_hourly_prices(cfg)[0].price

    assert price(written(wage_form, wage), written(hours_form, hours)) == price(
        str(wage), str(hours)
    )


@pytest.mark.parametrize(
    ("shifts", "shown"),
    [
        ('nat_fra: "00:23"', "07:00, 15:00, 00:23"),
        ('nat_fra: "00:00"', "07:00, 15:00, 00:00"),
        ('aften_fra: "06:00"', "07:00, 06:00, 23:00"),
    ],
)
def test_shifts_out_of_order_are_refused(tiny: Path, shifts: str, shown: str) -> None:
    """Night is nat_fra..dag_fra: a night from 00:23 makes every visit a night visit and every
    tariff 0 (the issue), so the order of the three starts is checked."""
    tiny.write_text(tiny.read_text() + f"vagter:\n  {shifts}\n")
    assert (
        "vagter: vagterne skal ligge i rækkefølgen dag_fra < aften_fra ≤ nat_fra samme døgn, "
        f"fik {shown}" in _refused(tiny)
    )


@pytest.mark.parametrize(("written", "value"), [("ja", True), ("Nej", False), ("true", True)])
def test_yes_no_in_danish(tiny: Path, written: str, value: bool) -> None:
    _edit(tiny, "sygepleje: true", f"sygepleje: {written}")
    assert load_config(tiny).timepris.faggrupper[1].sygepleje is value


def _numbers_without_range(node: object, path: str = "") -> list[str]:
    """Every number or integer in the schema that has no lower bound."""
    out: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in ("number", "integer") and not (
            {"minimum", "exclusiveMinimum"} & set(node)
        ):
            out.append(path)
        for key, value in node.items():
            out += _numbers_without_range(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _numbers_without_range(value, f"{path}/{i}")
    return out


def test_every_number_in_the_model_file_has_a_range() -> None:
    """A new numeric key must decide its range (use one of the types beside Share in
    config.py): nothing unbounded slips in, as a negative wage or .nan did (issue 11 item 7)."""
    import json

    from takst_cli.cli.valider import model_schema

    assert _numbers_without_range(json.loads(model_schema())) == []
