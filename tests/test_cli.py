"""The commands as a user runs them: exit codes, Danish output, files written."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from takst_cli.cli.app import app

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


def test_every_command_has_danish_help() -> None:
    for name in (
        "beregn",
        "timepris",
        "takster",
        "fordeling",
        "budget",
        "opfoelgning",
        "effekt",
        "frit-valg",
        "efterberegning",
        "eksempel",
    ):
        res = invoke(name, "--help")
        assert res.exit_code == 0
        assert "--config" in res.stdout or name == "eksempel"
    info = {c.name or c.callback.__name__: c for c in app.registered_commands}
    assert all(c.callback.__doc__ for c in info.values())


def test_timepris_needs_only_the_model_file(tiny: Path) -> None:
    res = invoke("timepris", "--config", str(tiny))
    assert res.exit_code == 0, res.output
    assert "Timepriser pr. faggruppe" in res.stdout
    assert "326,12" in res.stdout and "407,65" in res.stdout and "489,18" in res.stdout
    assert "1.635,40" in res.stdout and "1.226,55" in res.stdout and "75,0 %" in res.stdout


def test_beregn_prints_prices_tariffs_r_and_quality(tiny: Path) -> None:
    res = invoke("beregn", "--config", str(tiny), "--detaljer")
    assert res.exit_code == 0, res.output
    out = res.stdout
    for text in (
        "Forløbstakster pr. borgeruge",
        "342,03",
        "111,20",
        "831,21",
        "97,44",
        "43,3 %",
        "Datakvalitet",
        "nat",
        "aflyst",
    ):
        assert text in out, text


def test_beregn_writes_workbook(tiny: Path, tmp_path: Path) -> None:
    target = tmp_path / "resultat.xlsx"
    res = invoke("beregn", "--config", str(tiny), "--ud", str(target), "--stille")
    assert res.exit_code == 0, res.output
    assert load_workbook(target)["Timepriser"]["G3"].value == "=ROUND($B$3/$F$3,2)"
    wb = load_workbook(target, data_only=True)  # the formulas' cached values
    assert wb.sheetnames == [
        "Oversigt",
        "Forudsætninger",
        "Inputfiler",
        "Modelfil",
        "Timepriser",
        "Grundlag",
        "Borgeruger",
        "Forløbstakster",
        "Reduktion",
        "Modelsammenligning",
        "Finansiering",
        "Delegeret sygepleje",
        "Teamgrundlag",
        "Forløbsfinansiering",
        "Teambudgetter",
        "Budget pr. måned",
        "Forventede borgeruger",
        "Effekt",
        "Datakvalitet",
    ]
    ws = wb["Timepriser"]
    assert ws.freeze_panes == "A3"
    assert ws["A2"].value == "Faggruppe"
    assert ws["G2"].value == "Timepris dag (kr.)"
    assert ws["G3"].value == pytest.approx(326.12)
    assert ws["G3"].number_format == "#,##0.00"
    tariffs = {
        (r[0], r[1], r[2]): r[11]
        for r in wb["Forløbstakster"].iter_rows(min_row=3, values_only=True)
        if r[0] in ("Udviklende", "Fastholdende", "Individuel")
    }
    assert tariffs[("Udviklende", "periode 1", 3)] == pytest.approx(342.03)
    facts = {r[0]: r[1] for r in wb["Forudsætninger"].iter_rows(values_only=True) if r[0]}
    assert facts["Kommune"] == "Lilleby"
    assert "Kørt" in facts
    sha = [r for r in wb["Inputfiler"].iter_rows(values_only=True) if r[0] == "leverancer"]
    assert sha and len(sha[0][2]) == 64 and sha[0][3] == 16


def test_existing_output_needs_overskriv(tiny: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"keep me")
    res = invoke("beregn", "--config", str(tiny), "--ud", str(target), "--stille")
    assert res.exit_code == 1
    assert "findes allerede; brug --overskriv" in res.stderr
    assert target.read_bytes() == b"keep me"
    res = invoke("beregn", "--config", str(tiny), "--ud", str(target), "--stille", "--overskriv")
    assert res.exit_code == 0
    assert target.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_format_files_are_byte_identical_across_runs(tiny: Path, tmp_path: Path, fmt: str) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        res = invoke(
            "beregn", "--config", str(tiny), "--format", fmt, "--ud", str(folder), "--stille"
        )
        assert res.exit_code == 0, res.output
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(
        f"{n}.{fmt}"
        for n in (
            "forudsaetninger",
            "inputfiler",
            "modelfil",
            "timepriser",
            "forloebstakster",
            "reduktion",
            "modelsammenligning",
            "finansiering",
            "delegeret_sygepleje",
            "teambudgetter",
            "budget_pr_maaned",
            "forventede_borgeruger",
            "effekt",
            "datakvalitet",
            # each table's total row in its own file (a data file holds data rows only)
            *(
                f"{n}_i_alt"
                for n in (
                    "forloebstakster",
                    "modelsammenligning",
                    "finansiering",
                    "delegeret_sygepleje",
                    "teambudgetter",
                    "budget_pr_maaned",
                    "forventede_borgeruger",
                    "effekt",
                )
            ),
        )
    )
    if fmt != "parquet":
        for name in names:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_csv_and_json_values(tiny: Path, tmp_path: Path) -> None:
    invoke("beregn", "--config", str(tiny), "--format", "csv", "--ud", str(tmp_path / "c"))
    tariffs = pl.read_csv(tmp_path / "c" / "forloebstakster.csv", infer_schema=False)
    row = tariffs.filter(
        (pl.col("Forløbstype") == "Udviklende")
        & (pl.col("Niveau") == "3")
        & (pl.col("Fase") == "periode 1")
    )
    assert row["Takst pr. uge"].item() == "342.03"
    assert "I alt" not in tariffs["Forløbstype"]  # the total row has its own file
    total = pl.read_csv(tmp_path / "c" / "forloebstakster_i_alt.csv", infer_schema=False)
    # 1 304,48 + 652,24 + 1 334,125 + 1 724,48 + 3 261,20 = 8 276,525 → 8 276,53
    assert total["Faktisk udgift"].item() == "8276.53"
    invoke("beregn", "--config", str(tiny), "--format", "json", "--ud", str(tmp_path / "j"))
    doc = json.loads((tmp_path / "j" / "timepriser.json").read_text(encoding="utf-8"))
    assert doc["raekker"][0]["Timepris dag"] == "326.12"


def test_takster_prints_only_tariffs(tiny: Path) -> None:
    res = invoke("takster", "--config", str(tiny))
    assert res.exit_code == 0
    assert "Forløbstakster" in res.stdout and "Timepriser" not in res.stdout


def test_format_without_ud_is_an_error(tiny: Path) -> None:
    res = invoke("beregn", "--config", str(tiny), "--format", "csv")
    assert res.exit_code == 1
    assert "--format kræver --ud" in res.stderr


def test_usage_error_exits_2() -> None:
    assert invoke("beregn").exit_code == 2
    assert invoke("beregn", "--config", "x.yaml", "--format", "pdf").exit_code == 2


def test_eksempel_is_deterministic_and_runs_at_once(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        res = invoke("eksempel", "--ud", str(tmp_path / folder), "--borgere", "12", "--seed", "7")
        assert res.exit_code == 0, res.output
    for name in ("leverancer.csv", "visitationer.xlsx", "model.yaml"):
        assert (tmp_path / "a" / name).exists()
    assert (tmp_path / "a" / "leverancer.csv").read_bytes() == (
        tmp_path / "b" / "leverancer.csv"
    ).read_bytes()
    res = invoke("beregn", "--config", str(tmp_path / "a" / "model.yaml"), "--detaljer")
    assert res.exit_code == 0, res.output
    assert "Forløbstakster" in res.stdout


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    from takst_cli.io.writers import write_workbook
    from takst_cli.tables import Column, ReportTable

    table = ReportTable("x", "Ark", "Titel", [Column("Navn"), Column("Beløb", "kr")])
    table.rows = [['=HYPERLINK("http://x")', 1], ["+45 1234", 2], ["@SUM(A1)", 3]]
    target = tmp_path / "f.xlsx"
    write_workbook(target, [table])
    ws = load_workbook(target)["Ark"]
    assert [ws.cell(row=r, column=1).data_type for r in (3, 4, 5)] == ["s", "s", "s"]
    assert ws["A3"].value == '=HYPERLINK("http://x")'


def test_fordeling_and_budget_commands(tiny: Path) -> None:
    res = invoke("fordeling", "--config", str(tiny))
    assert res.exit_code == 0, res.output
    assert "Modelsammenligning pr. team" in res.stdout and "Delegeret sygepleje" in res.stdout
    # Nord: course funding 4 881,64 against a cost of 4 758,39 (see test_funding.py)
    assert "4.881,64" in res.stdout and "4.758,39" in res.stdout
    res = invoke("budget", "--config", str(tiny))
    assert res.exit_code == 0, res.output
    assert "Teambudgetter 2026" in res.stdout and "Budget pr. måned 2026" in res.stdout


def test_progress_is_silent_when_nobody_watches(capsys: pytest.CaptureFixture[str]) -> None:
    """In a pipe, a log or cron the stage names print nothing (stdout and stderr are captured,
    so neither is a terminal here)."""
    from takst_cli.cli.render import working

    with working("Læser …") as stage:
        stage("Beregner …")
    assert capsys.readouterr() == ("", "")


def test_every_command_that_writes_tables_takes_csv_dialekt(tiny: Path, tmp_path: Path) -> None:
    """--csv-dialekt on every command with --format and --ud (not only beregn). timepris on the
    tiny model with 'dansk': BOM, ';' and the SSH day price 400.000 / (1.924 × 0,85 × 0,75)
    = 326,1180… → '326,12'; fordeling's finansiering in the same dialect."""
    import typer

    group = typer.main.get_command(app)
    writers = {
        name
        for name, cmd in group.commands.items()  # type: ignore[attr-defined]
        if {"--ud", "--format"} <= {o for p in cmd.params for o in p.opts}
    }
    assert {"beregn", "timepris", "takster", "fordeling", "budget", "opfoelgning"} <= writers
    assert {"effekt", "niveauer", "frit-valg", "efterberegning"} <= writers
    for name in writers:
        opts = {o for p in group.commands[name].params for o in p.opts}  # type: ignore[attr-defined]
        assert "--csv-dialekt" in opts, name
    out = tmp_path / "t"
    res = invoke("timepris", "-c", str(tiny), "--format", "csv", "--ud", str(out),
                 "--csv-dialekt", "dansk", "--stille")  # fmt: skip
    assert res.exit_code == 0, res.output
    raw = (out / "timepriser.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfFaggruppe;") and b";326,12;" in raw
    out = tmp_path / "f"
    res = invoke("fordeling", "-c", str(tiny), "--format", "csv", "--ud", str(out),
                 "--csv-dialekt", "dansk", "--stille")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (out / "finansiering.csv").read_bytes().startswith(b"\xef\xbb\xbfTeam;Model;")


@pytest.mark.parametrize(
    ("where", "why"),
    [
        (["--ud", "{tmp}/t.xlsx"], "--csv-dialekt dansk gælder kun CSV-filer, ikke xlsx"),
        (["--ud", "{tmp}/t", "--format", "json"], "gælder kun CSV-filer, ikke json"),
        (["--ud", "{tmp}/t", "--format", "parquet"], "gælder kun CSV-filer, ikke parquet"),
        ([], "--csv-dialekt dansk: kræver --ud en mappe med CSV-filer"),
    ],
)
def test_csv_dialekt_where_no_csv_is_written_stops(
    tiny: Path, tmp_path: Path, where: list[str], why: str
) -> None:
    """The Danish dialect asked for where takst writes no CSV file is a usage error (exit 2)
    before the calculation — never the machine form or nothing, silently."""
    args = [a.replace("{tmp}", str(tmp_path / "ud")) for a in where]
    res = invoke("timepris", "-c", str(tiny), *args, "--csv-dialekt", "dansk")
    assert res.exit_code == 2, res.output
    assert why in res.stderr
    assert not (tmp_path / "ud").exists()
