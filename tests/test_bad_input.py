"""Bad input ends in one clear Danish message with where and why, exit 1, no traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from takst_cli.cli.app import app

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


def _fails(res, *texts: str) -> None:  # type: ignore[no-untyped-def]
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    for text in texts:
        assert text in res.stderr, (text, res.stderr)


def test_missing_model_file(tmp_path: Path) -> None:
    _fails(invoke("beregn", "--config", str(tmp_path / "nej.yaml")), "modelfilen findes ikke")


def test_broken_yaml_names_line(tiny: Path) -> None:
    tiny.write_text("navn: [x\n", encoding="utf-8")
    _fails(invoke("beregn", "--config", str(tiny)), "ikke gyldig YAML", "linje 2")


def test_every_config_problem_listed_with_key_path(tiny: Path) -> None:
    text = (
        tiny.read_text()
        .replace("fravaer_andel: 0.15", "fravaer_andel: 1.5")
        .replace("aarsloen: 400000", "aarsloen: mange")
        .replace("tillaeg: {aften: 0.25", "tillaeg: {morgen: 0.25")
    )
    tiny.write_text(
        text + "niveauer:\n  baand:\n    - {niveau: 1, fra: 0, til: 5}\n"
        "    - {niveau: 2, fra: 6}\n",
        encoding="utf-8",
    )
    res = invoke("beregn", "--config", str(tiny))
    _fails(
        res,
        "timepris.faggrupper[0].aarsloen: skal være et tal, fik 'mange'",
        "timepris.tillaeg.morgen: ugyldig værdi 'morgen'",
    )
    # semantic problems come once the schema holds
    tiny.write_text(
        text.replace("aarsloen: mange", "aarsloen: 400000").replace("morgen", "aften")
        + "niveauer:\n  baand:\n    - {niveau: 1, fra: 0, til: 5}\n"
        "    - {niveau: 2, fra: 6}\n",
        encoding="utf-8",
    )
    _fails(
        invoke("beregn", "--config", str(tiny)),
        "timepris.faggrupper[0].fravaer_andel: andelen 1,5 skal ligge mellem 0 og 1",
        "niveauer.baand: hul mellem 5 og 6 timer pr. uge",
    )


def test_indirect_shares_must_sum_below_one(tiny: Path) -> None:
    tiny.write_text(tiny.read_text().replace("{transport: 0.25}", "{transport: 0.6, pauser: 0.4}"))
    _fails(
        invoke("timepris", "--config", str(tiny)),
        "indirekte_andele: de indirekte andele skal tilsammen være under 1",
    )


def test_invalid_rows_stop_the_run_with_file_and_row(tiny: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    lines = visits.read_text().splitlines()
    lines[2] = lines[2].replace("07-01-2025", "32-01-2025")  # row 3: bad date
    lines[4] = lines[4].replace(";30;", ";-30;")  # row 5: negative minutes
    lines[8] = lines[8].replace(";SSH;", ";Kok;")  # row 9: unknown staff group
    visits.write_text("\n".join(lines) + "\n")
    _fails(
        invoke("beregn", "--config", str(tiny)),
        "3 ugyldige rækker",
        "leverancer.csv række 3: ugyldig dato ('32-01-2025')",
        "leverancer.csv række 5: negative minutter ('-30')",
        "leverancer.csv række 9: ukendt faggruppe ('Kok')",
        "--udelad-ugyldige",
    )


def test_excluded_invalid_rows_are_listed(tiny: Path, tmp_path: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    lines = visits.read_text().splitlines()
    lines[2] = lines[2].replace("07-01-2025", "32-01-2025")
    visits.write_text("\n".join(lines) + "\n")
    target = tmp_path / "ud"
    res = invoke(
        "beregn", "--config", str(tiny), "--udelad-ugyldige", "--format", "csv", "--ud", str(target)
    )
    assert res.exit_code == 0, res.output
    listed = (target / "udeladte_raekker.csv").read_text(encoding="utf-8")
    assert "leverancer.csv,3,ugyldig dato,32-01-2025" in listed
    quality = (target / "datakvalitet.csv").read_text(encoding="utf-8")
    assert "ugyldig,ugyldig dato,1," in quality


def test_unknown_error_has_no_traceback_without_debug(tiny: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import takst_cli.api as run_module  # the calculation the api calls

    def boom(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret citizen B000001")

    monkeypatch.setattr(run_module, "run", boom)
    res = invoke("beregn", "--config", str(tiny))
    _fails(res, "uventet fejl (RuntimeError)")
    assert "B000001" not in res.output


def test_missing_column_in_export(tiny: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    visits.write_text(visits.read_text().replace("faggruppe;team", "fag;hold"))
    _fails(
        invoke("beregn", "--config", str(tiny)),
        "leverancer.csv: mangler kolonner 'faggruppe', 'team'",
        "fundne kolonner:",
    )


def test_header_only_export_is_an_error(tiny: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    visits.write_text(visits.read_text().splitlines()[0] + "\n")
    _fails(
        invoke("beregn", "--config", str(tiny)),
        "leverancer.csv: filen har overskrifter, men ingen datarækker",
    )


def test_unknown_shift_value(tiny: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    text = visits.read_text().replace("borger_id;", "vagt;borger_id;", 1)
    lines = text.splitlines()
    lines[1:] = [("morgen;" if i == 1 else ";") + line for i, line in enumerate(lines[1:], 1)]
    visits.write_text("\n".join(lines) + "\n")
    _fails(
        invoke("beregn", "--config", str(tiny)),
        "1 ugyldige rækker",
        "leverancer.csv række 2: ukendt vagt ('morgen')",
    )


def test_duplicate_visits_stop_the_run_or_are_listed(tiny: Path, tmp_path: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    lines = visits.read_text().splitlines()
    visits.write_text("\n".join([*lines, lines[1], lines[1]]) + "\n")  # row 2 twice more
    _fails(
        invoke("beregn", "--config", str(tiny)),
        "1 ugyldige rækker",
        "leverancer.csv række 19: dublet ('samme besøg som række 2')",
    )
    out = tmp_path / "ud"
    res = invoke(
        "beregn", "--config", str(tiny), "--udelad-ugyldige", "--format", "csv", "--ud", str(out)
    )
    assert res.exit_code == 0, res.output
    quality = (out / "datakvalitet.csv").read_text(encoding="utf-8")
    # the two extra copies are invalid, the first stays: 18 rows read, 13 in the model
    assert "leverancer.csv,læst,rækker i alt,18," in quality
    assert "leverancer.csv,ugyldig,dublet,2,2.00" in quality
    assert "leverancer.csv,i modellen,leverede besøg i modellen,13," in quality


def test_cpr_numbers_are_pseudonymised_and_masked(tiny: Path, tmp_path: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    grants = tiny.parent / "visitationer.csv"
    # citizen A gets a (fictitious) CPR-shaped id in both files; one of its rows has a bad date
    visits.write_text(
        visits.read_text()
        .replace("\nA;", "\n010101-1234;")
        .replace("010101-1234;07-01-2025", "010101-1234;32-01-2025")
    )
    grants.write_text(grants.read_text().replace("\nA;", "\n0101011234;"))
    res = invoke("beregn", "--config", str(tiny))
    assert res.exit_code == 1
    assert "010101" not in res.output and "1234" not in res.stderr.replace("række", "")
    out = tmp_path / "ud"
    res = invoke(
        "beregn",
        "--config",
        str(tiny),
        "--udelad-ugyldige",
        "--vis-borger-id",
        "--format",
        "csv",
        "--ud",
        str(out),
    )
    assert res.exit_code == 0, res.output
    listed = (out / "udeladte_raekker.csv").read_text(encoding="utf-8")
    assert "010101" not in listed and ",P" in listed
    for path in out.iterdir():
        assert "010101-1234" not in path.read_text(encoding="utf-8")
    # the same citizen in both files: A's stabilising course still finds its visits
    tariffs = (out / "forloebstakster.csv").read_text(encoding="utf-8")
    assert "Fastholdende,hele forløbet,1,2,2," in tariffs


def test_cpr_in_an_error_value_is_masked(tiny: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    visits.write_text(
        visits.read_text().replace("06-01-2025;08:00;60", "06-01-2025;08:00;120345-6789")
    )
    res = invoke("beregn", "--config", str(tiny))
    _fails(res, "ugyldige minutter ('XXXXXX-XXXX')")
    assert "120345" not in res.output


def test_troubleshooting_guide_is_up_to_date() -> None:
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "fejl", root / "docs" / "fejlfinding_eksempler.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == (root / "docs" / "fejlfinding.md").read_text(encoding="utf-8"), (
        "kør: python docs/fejlfinding_eksempler.py"
    )


def test_failed_write_leaves_no_partial_file_and_keeps_the_old_one(
    tiny: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import xlsxwriter.workbook as wb_module

    target = tmp_path / "r.xlsx"
    target.write_bytes(b"last month")

    def broken_close(self):  # type: ignore[no-untyped-def]
        self.filename.write(b"half")  # the workbook is built in memory (a BytesIO)
        raise OSError("disk full")

    monkeypatch.setattr(wb_module.Workbook, "close", broken_close)
    res = invoke("beregn", "--config", str(tiny), "--ud", str(target), "--overskriv", "--stille")
    assert res.exit_code == 1
    assert target.read_bytes() == b"last month"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.xlsx")]


def test_unreadable_cancellation_time_is_not_silently_paid(tiny: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    text = visits.read_text().replace("team;status", "team;status;aflyst_tidspunkt;aflyst_af", 1)
    lines = text.splitlines()
    lines[1:] = [line + ";;" for line in lines[1:]]
    lines[5] = lines[5].replace("aflyst;;", "aflyst;igår kl. 13;borger")  # row 6
    visits.write_text("\n".join(lines) + "\n")
    _fails(
        invoke("beregn", "--config", str(tiny)),
        "leverancer.csv række 6: ugyldigt aflysningstidspunkt ('igår kl. 13')",
    )
