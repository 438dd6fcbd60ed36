"""The command line as finance officers, operators and CI use it (issue 17): tables that fit
the terminal, the Resumé, Danish all the way, quiet and logged runs, `takst valider` for CI,
the pre-commit hook and the README's cron line, run as they are written."""

from __future__ import annotations

import io
import json
import re
import shlex
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from takst_cli.cli.app import app
from takst_cli.cli.render import fitted
from takst_cli.tables import Column, ReportTable

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

# The tiny municipality's tariffs, worked out by hand in test_tiny.py (type, phase, level → kr.)
TINY_TARIFFS = {
    ("Udviklende", "periode 1", 3): "342,03",
    ("Udviklende", "efter periode 1", 1): "69,97",
    ("Udviklende", "efter periode 1", 3): "97,44",
    ("Fastholdende", "hele forløbet", 1): "111,20",
    ("Fastholdende", "hele forløbet", 3): "159,62",
    ("Individuel", "hele forløbet", 5): "831,21",
}


def invoke(*args: str, columns: int | None = 200):  # type: ignore[no-untyped-def]
    env = {"NO_COLOR": "1", "COLUMNS": None if columns is None else str(columns)}
    return runner.invoke(app, list(args), env=env)


# --- tables that fit the terminal --------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.splitlines()


@pytest.mark.parametrize("width", [80, 120])
def test_every_tariff_whole_and_no_line_wider_than_the_terminal(tiny: Path, width: int) -> None:
    """At 80 and 120 columns `takst takster` and `takst beregn --detaljer` show every tariff
    whole (its Danish form, e.g. 342,03, on the same line as its level) and no line is wider
    than the screen."""
    for args in (["takster"], ["beregn", "--detaljer"]):
        res = invoke(*args, "--config", str(tiny), columns=width)
        assert res.exit_code == 0, res.output
        assert max(len(line) for line in _lines(res.stdout)) <= width
        for (kind, phase, level), tariff in TINY_TARIFFS.items():
            row = rf"│ {kind}\s+│ {phase}\s+│\s+{level} │.*│\s+{tariff} │"
            assert re.search(row, res.stdout), (args, kind, phase, level, tariff)


def test_the_sample_fits_80_columns_with_every_tariff(tmp_path: Path) -> None:
    """The sample municipality (12 columns in the tariff table, 213 characters wide when whole):
    at 80 columns every line fits and the tariff column is shown, every value whole."""
    res = invoke("takster", "--config", str(ROOT / "configs" / "eksempel.yaml"), columns=80)
    assert res.exit_code == 0, res.output
    assert max(len(line) for line in _lines(res.stdout)) <= 80
    files = tmp_path / "ud"
    res_csv = invoke(
        "takster", "-c", str(ROOT / "configs" / "eksempel.yaml"), "--format", "csv", "--ud",
        str(files),
    )  # fmt: skip
    assert res_csv.exit_code == 0, res_csv.output
    text = (files / "forloebstakster.csv").read_text("utf-8").splitlines()
    header = text[0].split(",")
    col = header.index("Takst pr. uge")
    tariffs = [line.split(",")[col] for line in text[1:] if line.split(",")[col]]
    assert len(tariffs) == 16
    for value in tariffs:
        danish = f"{Decimal(value):,.2f}".replace(",", "#").replace(".", ",").replace("#", ".")
        assert danish in res.stdout, danish


def test_a_wide_table_is_split_with_its_key_columns_in_every_part() -> None:
    """Columns Type (cells 'Udviklende', 10 wide), Niveau (6) and three kr. columns whose cells
    are '1.234.567,89' (12 wide; header 'Takst pr. uge (kr.)' 19, longest word 5). At 40
    columns: the frame of n columns is 3n + 1, so the whole table needs at least
    10 + 6 + 3 × 12 + 16 = 68 > 40; keys + one kr. column need 10 + 6 + 12 + 10 = 38 <= 40, keys
    + two 10 + 6 + 24 + 13 = 53 > 40: three parts, each with Type and Niveau. Each part grows
    its kr. column by the 2 spare characters to 14 (the header wraps between words): 40 wide."""
    table = ReportTable(
        "x",
        "X",
        "Brede takster",
        [Column("Type"), Column("Niveau", "heltal")]
        + [Column("Takst pr. uge", "kr") for _ in range(3)],
        rows=[["Udviklende", 1, *[Decimal("1234567.89")] * 3]],
        total=["I alt", None, *[Decimal("1234567.89")] * 3],
    )
    parts = fitted(table, 40)
    assert len(parts) == 3
    console = Console(width=40, file=io.StringIO(), color_system=None)
    for i, part in enumerate(parts, 1):
        with console.capture() as cap:
            console.print(part)
        lines = [line.rstrip() for line in cap.get().splitlines()]
        assert lines[0] == f"Brede takster (del {i} af 3)"
        assert max(len(line) for line in lines) == 40
        body = "\n".join(lines)
        assert "Udviklende" in body and body.count("1.234.567,89") == 2  # the row and the total
        assert "Niveau" in body


def test_a_single_row_too_wide_is_transposed() -> None:
    """One row of eight columns (the r table's shape) at 40 columns: one line per column."""
    table = ReportTable(
        "r",
        "X",
        "Reduktion",
        [Column(f"Kolonne nummer {i}", "kr") for i in range(8)],
        rows=[[Decimal("2047888.74")] * 8],
    )
    (part,) = fitted(table, 40)
    console = Console(width=40, file=io.StringIO(), color_system=None)
    with console.capture() as cap:
        console.print(part)
    text = cap.get()
    assert text.count("2.047.888,74") == 8
    assert max(len(line) for line in text.splitlines()) <= 40


def test_piped_output_without_columns_is_plain_and_not_padded(tiny: Path) -> None:
    """In a pipe without COLUMNS: no line is padded (no trailing spaces) and the widest line is
    the table's own width, not a fixed 200."""
    res = invoke("timepris", "--config", str(tiny), columns=None)
    assert res.exit_code == 0, res.output
    lines = _lines(res.stdout)
    assert all(line == line.rstrip() for line in lines)
    box = [line for line in lines if line.startswith(("┏", "┃", "│", "└"))]
    assert len({len(line) for line in box}) == 1 and len(box[0]) < 200


# --- the Resumé ------------------------------------------------------------------------------


def test_beregn_starts_with_the_resume_and_shows_all_tables_only_with_detaljer(
    tiny: Path,
) -> None:
    """The Resumé has each hand-worked tariff, the day prices (SSH 326,12; SPL given 420,00),
    r used and estimated (43,3 %) and no warnings; the detail tables only with --detaljer."""
    res = invoke("beregn", "--config", str(tiny), columns=80)
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert out.startswith("Resumé")
    for (kind, phase, level), tariff in TINY_TARIFFS.items():
        assert re.search(
            rf"Takst pr\. uge, {kind} {phase}, niveau {level}\s+│ {tariff} kr\.", out
        ), (kind, phase, level)
    assert re.search(r"Timepris dag, SSH\s+│ 326,12 kr\.", out)
    assert re.search(r"Timepris dag, SPL\s+│ 420,00 kr\.", out)
    assert re.search(r"r anvendt\s+│ 43,3 %", out) and re.search(
        r"r estimeret fra data\s+│ 43,3 %", out
    )
    assert re.search(r"Advarsler\s+│ 0 ", out)
    assert "Datakvalitet" not in out and "Forløbstakster pr. borgeruge" not in out
    full = invoke("beregn", "--config", str(tiny), "--detaljer", columns=80).stdout
    assert full.startswith("Resumé") and "Datakvalitet" in full
    assert "Forløbstakster pr. borgeruge" in full


# --- Danish all the way ------------------------------------------------------------------------

ENGLISH = (
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "[required]",
    "Missing",
    "No such",
    "Show this message",
    "Invalid value",
    "Try ",
    "Error",
    "Possible options",
    "is not one of",
    "is not a valid",
    "<bool>",
    "<path>",
    "Install completion",
)


@pytest.mark.parametrize(
    "args",
    [
        ["beregn"],
        ["beregn", "--config", "m.yaml", "--fra"],
        ["beregn", "--config", "m.yaml", "--format", "pdf"],
        ["opfoelgning", "--config", "m.yaml", "--dato", "31-02-2025"],
        ["opfoelgning", "--config", "m.yaml"],
        ["opfoelgning", "--config", "m.yaml", "--dato", "x", "--tolerance", "abc"],
        ["ukendt"],
        ["timepris", "--config", "m.yaml", "ekstra"],
        ["efterberegning", "--config", "m.yaml", "--aar", "tyve"],
    ],
)
def test_usage_errors_have_no_english_frame_words(args: list[str]) -> None:
    res = invoke(*args)
    assert res.exit_code == 2, res.output
    assert res.stdout == ""  # errors always on stderr
    assert "Fejl: " in res.stderr and "Brug: takst" in res.stderr
    for word in ENGLISH:
        assert word not in res.stderr, (word, res.stderr)


def test_help_is_danish_and_flags_show_no_type() -> None:
    for args in (["--help"], *([c, "--help"] for c in ("beregn", "valider", "opfoelgning"))):
        res = invoke(*args)
        assert res.exit_code == 0
        for word in ENGLISH:
            assert word not in res.stdout, (args, word)
        assert "Tilvalg" in res.stdout and "Vis denne hjælp, og afslut." in res.stdout
    top = invoke("--help").stdout
    assert "--install-completion" in top and "Kommandoer" in top  # completion is on
    beregn = invoke("beregn", "--help").stdout
    assert re.search(r"--stille\s+Skriv intet", beregn)  # a flag: no <bool> between
    assert "[påkrævet]" in beregn


def _followup_model(tiny: Path) -> None:
    tiny.write_text(tiny.read_text() + "budget: {aar: 2025}\n")


def test_dato_in_danish_and_iso_notation_gives_the_same_follow_up(tiny: Path) -> None:
    """31-03-2025, 31/03/2025, 31.03.2025 and 2025-03-31 are one day; opfølgning is
    opfoelgning. 03-31-2025 (month first) has no month 31: a usage error, never a guess."""
    _followup_model(tiny)
    outputs = set()
    for command in ("opfoelgning", "opfølgning"):
        for day in ("31-03-2025", "31/03/2025", "31.03.2025", "2025-03-31", "1-4-2025"):
            res = invoke(command, "--config", str(tiny), "--dato", day)
            assert res.exit_code == 0, res.output
            outputs.add(res.stdout if day != "1-4-2025" else "")
    outputs.discard("")
    assert len(outputs) == 1
    bad = invoke("opfoelgning", "--config", str(tiny), "--dato", "03-31-2025")
    assert bad.exit_code == 2 and "'03-31-2025': den dag findes ikke" in bad.stderr


def test_messages_use_danish_numbers(tmp_path: Path) -> None:
    """ "Skrev 1.234 besøg" style: the sample generator's count with a thousands separator."""
    res = invoke("eksempel", "--ud", str(tmp_path / "e"), "--borgere", "40", "--seed", "3")
    assert res.exit_code == 0, res.output
    m = re.search(r"Skrev ([\d.]+) besøg og ([\d.]+) visitationsrækker for 40 borgere", res.stderr)
    assert m is not None
    n = int(m[1].replace(".", ""))
    assert n >= 1000 and m[1] == f"{n:,}".replace(",", ".")


# --- operations: quiet, verbose, log file -------------------------------------------------------


def test_stille_prints_nothing_at_all_on_success(tiny: Path, tmp_path: Path) -> None:
    res = invoke("beregn", "--config", str(tiny), "--ud", str(tmp_path / "r.xlsx"), "--stille")
    assert res.exit_code == 0, res.output
    assert res.stdout == "" and res.stderr == ""
    assert (tmp_path / "r.xlsx").exists()
    res = invoke("beregn", "--config", str(tiny), "--ud", str(tmp_path / "r.xlsx"), "--stille")
    assert res.exit_code == 1 and res.stdout == ""  # the error: on stderr, even with --stille
    assert "findes allerede" in res.stderr


def test_verbose_and_log_file_write_one_line_per_stage_with_rows(
    tiny: Path, tmp_path: Path
) -> None:
    """The tiny exports have 16 visit rows and 5 grant rows (tests/conftest.py)."""
    log = tmp_path / "takst.log"
    res = runner.invoke(
        app, ["-v", "--log-fil", str(log), "beregn", "--config", str(tiny), "--stille"]
    )
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    text = log.read_text("utf-8")
    assert text == res.stderr  # -v: the same lines on stderr
    lines = text.splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d takst INFO "
    assert all(re.match(stamp, line) for line in lines)
    assert any(re.search(r"trin: Læser visitationer\.csv$", line) for line in lines)
    assert any(
        re.search(r"færdig: Læser og summerer leverancer\.csv .*\(\d+,\d s\)", x) for x in lines
    )
    assert any(line.endswith("leverancer: 16 rækker læst (leverancer.csv)") for line in lines)
    assert any(line.endswith("visitationer: 6 rækker læst (visitationer.csv)") for line in lines)
    quiet = runner.invoke(app, ["beregn", "--config", str(tiny), "--stille"])
    assert quiet.stderr == ""  # without -v: no log line anywhere


# --- takst valider for CI ------------------------------------------------------------------------


def _broken(tiny: Path) -> Path:
    """The tiny model with two schema errors (line 13 col 7: fravaer_andel 1.5; line 21 col 16:
    periode_uger 0), an unknown key (line 26 col 1) and a meaning error (line 23 col 3:
    overlapping bands) — all four in one round."""
    from tests.conftest import TINY_MODEL

    bad = tiny.parent / "forkert.yaml"
    bad.write_text(
        TINY_MODEL.replace("fravaer_andel: 0.15", "fravaer_andel: 1.5").replace(
            "{periode_uger: 2, efterperiode_uger: 2}", "{periode_uger: 0}"
        )
        + "niveauer:\n  baand:\n    - {niveau: 1, fra: 0, til: 6}\n    - {niveau: 2, fra: 5}\n"
        + "loen: 3\n",
        encoding="utf-8",
    )
    assert bad.read_text("utf-8").splitlines()[12] == "      fravaer_andel: 1.5"
    assert bad.read_text("utf-8").splitlines()[25] == "loen: 3"
    return bad


EXPECTED = [
    ("timepris.faggrupper[0].fravaer_andel", 13, 7, "andelen 1,5 skal ligge mellem 0 og 1"),
    ("forloeb.udviklende.periode_uger", 21, 16, "skal være mindst 1, fik 0"),
    ("loen", 26, 1, "ukendt nøgle"),
    ("niveauer.baand", 23, 3, "niveau 1 og 2 overlapper"),
]


def test_valider_json_lists_every_problem_of_every_file_with_line_and_column(tiny: Path) -> None:
    bad = _broken(tiny)
    res = invoke("valider", str(tiny), str(bad), "--format", "json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert report["gyldig"] is False
    ok, wrong = report["filer"]
    assert ok == {"fil": str(tiny), "gyldig": True, "problemer": []}
    assert wrong["fil"] == str(bad) and wrong["gyldig"] is False
    assert [(p["noegle"], p["linje"], p["kolonne"], p["besked"]) for p in wrong["problemer"]] == [
        (key, line, col, f"{key}: {why}") for key, line, col, why in EXPECTED
    ]
    assert {p["alvor"] for p in wrong["problemer"]} == {"fejl"}


def test_valider_github_annotations_and_config_option(tiny: Path) -> None:
    bad = _broken(tiny)
    res = invoke("valider", "--config", str(bad), "--format", "github")
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [
        f"::error file={bad},line={line},col={col},title=takst valider::{key}: {why}"
        for key, line, col, why in EXPECTED
    ]
    good = invoke("valider", "--config", str(tiny), "--format", "github")
    assert good.exit_code == 0 and good.stdout == ""


def test_valider_text_names_line_and_column_and_takes_many_files(tiny: Path) -> None:
    bad = _broken(tiny)
    res = invoke("valider", str(bad), str(tiny))
    assert res.exit_code == 1
    assert f"Fejl: {bad}: 4 fejl" in res.stderr
    for key, line, col, why in EXPECTED:
        assert f"  - {key}: {why} (linje {line}, kolonne {col})" in res.stderr
    assert f"{tiny}: modelfilen er gyldig." in res.stdout
    assert invoke("valider").exit_code == 2


# --- the pre-commit hook and the README's cron line, as written ---------------------------------


def test_pre_commit_hook_runs_takst_valider_on_the_staged_model_files(tiny: Path) -> None:
    """pre-commit runs `entry` + `args` + every staged file that matches `files`."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "takst-valider" and hook["language"] == "python"
    staged = [tiny, tiny.parent / "leverancer.csv", _broken(tiny)]
    files = [str(p) for p in staged if re.search(hook["files"], str(p))]
    assert files == [str(tiny), str(staged[2])]
    entry = shlex.split(hook["entry"])
    assert entry[0] == "takst"  # the console script pre-commit installs
    command = [sys.executable, "-m", "takst_cli", *entry[1:], *hook.get("args", []), *files]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"Fejl: {staged[2]}: 4 fejl" in done.stderr
    assert "(linje 13, kolonne 7)" in done.stderr
    fine = subprocess.run([*command[:-1]], capture_output=True, text=True, timeout=120)
    assert fine.returncode == 0, fine.stderr


def _cron_entry() -> tuple[dict[str, str], str]:
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"### Planlagt kørsel hver måned\n\n```cron\n(.*?)```", text, re.S)
    assert block is not None
    env: dict[str, str] = {}
    command = ""
    for line in block[1].splitlines():
        if not line or line.startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            name, value = line.split("=", 1)
            env[name] = value
        else:
            fields = line.split(None, 5)
            assert len(fields) == 6 and fields[:5] == ["0", "6", "1", "*", "*"]
            command = fields[5]
    assert "%" not in command.replace("\\%", "")  # cron would make a bare % a newline
    return env, command.replace("\\%", "%")


def test_readme_cron_line_runs_as_written_on_the_sample(tmp_path: Path) -> None:
    """The line from the README, run by sh as cron runs it (its variables in the environment,
    HOME with the clone at $HOME/takst): exit 0, nothing printed, the follow-up written for
    the last day of last month in the sample's budget year."""
    if not (ROOT / ".venv" / "bin" / "takst").exists():
        pytest.skip("the README's cron line runs takst from .venv (as .ci/run installs it)")
    env, command = _cron_entry()
    assert "date -d" not in command
    home = tmp_path / "home"
    home.mkdir()
    (home / "takst").symlink_to(ROOT)
    run_env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **env}
    done = subprocess.run(
        ["/bin/sh", "-c", command], env=run_env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    written = sorted(p.name for p in (home / "opfoelgning").iterdir())
    assert "budgetopfoelgning.csv" in written


def test_skema_describes_every_key_in_danish_with_its_bounds() -> None:
    """Every property (about 140) has a Danish description; a share carries minimum 0 and
    maximum 1, so an editor flags fravaer_andel: 1.5; a choice carries its enum."""
    res = invoke("skema")
    assert res.exit_code == 0
    schema = json.loads(res.stdout)
    nodes = [("ModelConfig", schema), *schema["$defs"].items()]
    props = [(n, k, p) for n, node in nodes for k, p in node.get("properties", {}).items()]
    assert len(props) > 100
    assert [(n, k) for n, k, p in props if not p.get("description")] == []
    share = schema["$defs"]["StaffGroup"]["properties"]["fravaer_andel"]
    assert share["minimum"] == 0 and share["maximum"] == 1 and "andel 0-1" in share["description"]
    assert schema["$defs"]["BandGenerator"]["properties"]["spring"]["enum"] == [
        "lineaer",
        "stigende",
    ]
    assert (ROOT / "docs" / "modelfil.schema.json").read_text("utf-8") == res.stdout


def test_options_spelled_with_ae_oe_aa_take_the_danish_letters_too(tiny: Path) -> None:
    """--sæson is --saeson: both reach the season profile, which needs all of 2024 — the tiny
    data start 06-01-2025, so both stop with the same message (exit 1, not a usage error)."""
    _followup_model(tiny)
    base = ["--config", str(tiny), "--dato", "31-03-2025"]
    ascii_ = invoke("opfoelgning", *base, "--saeson")
    danish = invoke("opfølgning", *base, "--sæson")
    assert ascii_.exit_code == danish.exit_code == 1
    assert "sæsonprofilen kræver data for hele 2024" in danish.stderr
    assert ascii_.stdout == danish.stdout and ascii_.stderr == danish.stderr
    helptext = invoke("efterberegning", "--help", columns=120).stdout
    assert "--år" in helptext and "--leverandører" in helptext
