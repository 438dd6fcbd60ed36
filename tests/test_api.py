"""The Python API (takst_cli.api, re-exported from takst_cli): typed, frozen results whose tables
are Polars frames with exact money; the same files as the CLI; the README's example runs.

Figures of the tiny municipality (conftest.py, worked out in test_tiny.py):
  SSH: 400 000 kr / (1 924 h × (1 − 0,15) × (1 − 0,25)) = 400 000 / 1 226,55 = 326,118.. → 326,12
  fastholdende, level 3: 1 724,48 kr / 12 weeks + 700 / 44 = 143,7066.. + 15,9090.. = 159,6157..
  → 159,62 kr per week.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import takst_cli
from takst_cli.cli.app import app
from takst_cli.errors import TakstError

ROOT = Path(__file__).resolve().parent.parent


def test_calculate_gives_frames_with_exact_money(tiny: Path) -> None:
    calc = takst_cli.calculate(str(tiny))  # a path as text, as in a notebook
    prices = calc.prices
    assert prices.schema["Timepris dag"] == pl.Decimal(38, 2)
    ssh = prices.filter(pl.col("Faggruppe") == "SSH")
    assert ssh["Direkte timer"].item() == Decimal("1226.55")
    assert ssh["Timepris dag"].item() == Decimal("326.12")
    tariffs = calc.tariffs
    l3 = tariffs.filter((pl.col("Forløbstype") == "Fastholdende") & (pl.col("Niveau") == 3))
    assert (l3["Borgere"].item(), l3["Takst pr. uge"].item()) == (1, Decimal("159.62"))
    # the same tariff in the typed figures, unrounded parts and all
    row = next(r for r in calc.run.tariffs.rows if (r.course_type, r.level) == ("fastholdende", 3))
    assert (row.weeks, row.cost, row.tariff) == (Decimal(12), Decimal("1724.48"), Decimal("159.62"))
    assert calc.tables["forloebstakster"].equals(tariffs)


def test_results_are_frozen_and_keyword_only(tiny: Path) -> None:
    model = takst_cli.load_model(tiny)
    calc = takst_cli.calculate(model)
    with pytest.raises(dataclasses.FrozenInstanceError):
        calc.show_ids = True  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        calc.run.period = (dt.date(2025, 1, 1), dt.date(2025, 1, 2))  # type: ignore[misc]
    with pytest.raises(TypeError):
        takst_cli.Calculation(model, calc.run)  # type: ignore[misc]
    assert calc.model is model and calc.run.cfg is model.config
    with pytest.raises(TypeError):
        calc.tables["timepriser"] = pl.DataFrame()  # type: ignore[index]
    assert calc.tables is calc.tables  # built once


def test_write_gives_the_files_the_cli_writes(tiny: Path, tmp_path: Path) -> None:
    """api.write of a calculation and `takst beregn --format csv` write the same files, byte
    for byte (files carry no run time)."""
    written = takst_cli.write(takst_cli.calculate(tiny), tmp_path / "api", "csv")
    res = CliRunner().invoke(
        app, ["beregn", "-c", str(tiny), "--format", "csv", "--ud", str(tmp_path / "cli")]
    )
    assert res.exit_code == 0, res.output
    cli = sorted((tmp_path / "cli").iterdir())
    assert [p.name for p in sorted(written)] == [p.name for p in cli]
    for path in cli:
        assert (tmp_path / "api" / path.name).read_bytes() == path.read_bytes(), path.name


def test_write_refuses_a_format_it_does_not_know(tmp_path: Path) -> None:
    with pytest.raises(TakstError, match="ukendt format 'pdf'; brug xlsx, csv, json, parquet"):
        takst_cli.write([], tmp_path / "ud", "pdf")
    assert not (tmp_path / "ud").exists()


def test_validate_names_key_line_and_column(tiny: Path) -> None:
    text = tiny.read_text(encoding="utf-8")
    assert takst_cli.validate(tiny).valid
    tiny.write_text(text.replace("fravaer_andel: 0.15", "fravaer_andel: 1.5"), encoding="utf-8")
    checked = takst_cli.validate(tiny)
    assert not checked.valid and checked.config is None
    (finding,) = checked.findings
    # line 13 of TINY_MODEL, the value's key indented by six spaces: column 7
    assert (finding.key, finding.line, finding.column, finding.severity) == (
        "timepris.faggrupper[0].fravaer_andel",
        13,
        7,
        "fejl",
    )
    assert "andelen 1,5 skal ligge mellem 0 og 1" in finding.message


def test_funding_and_budget_tables_by_key(tiny: Path) -> None:
    calc = takst_cli.calculate(tiny)
    funding = takst_cli.fund(calc)
    # as the files: data rows under the key, the total row apart under '<key>_i_alt'
    keys = {"modelsammenligning", "finansiering", "delegeret_sygepleje"}
    assert set(funding.tables) == keys | {f"{k}_i_alt" for k in keys}
    assert [t.team for t in funding.teams] == ["Nord", "Syd"]
    assert {k for k in takst_cli.budget(calc).tables if not k.endswith("_i_alt")} == {
        "teambudgetter",
        "budget_pr_maaned",
        "forventede_borgeruger",
    }
    # r realised in the tiny municipality: 1 − 326,12 / 574,8266.. = 0,432663.. → 0,432664
    total = takst_cli.effect(calc).tables["effekt_i_alt"]
    assert total["r realiseret"].to_list() == [Decimal("0.432664")]


def test_the_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The code block under 'Brug fra Python' in README.md, run as written from a folder with
    the shipped sample municipality in it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Brug fra Python") :]
    (code,) = re.findall(r"```python\n(.*?)```", section[: section.index("\n## ", 3)], re.S)
    for folder in ("configs", "sample_data", "docs"):
        os.symlink(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert (tmp_path / "resultat.xlsx").stat().st_size > 0
    frames = {p.stem: pl.read_parquet(p) for p in (tmp_path / "tabeller").glob("*.parquet")}
    # the golden file's figure for the same cell, as an exact Decimal from the parquet file
    prices = frames["timepriser"].filter(pl.col("Faggruppe") == "Social- og sundhedshjælper")
    assert prices["Timepris dag"].item() == Decimal("332.23")


def test_importing_the_package_loads_no_pipeline() -> None:
    """`import takst_cli` (which every command does) loads the api on first use only: the CLI
    starts without Polars or the pipeline until a command needs them."""
    import subprocess
    import sys

    code = (
        "import sys, takst_cli; "
        "print(sorted(m for m in ('polars', 'takst_cli.api', 'takst_cli.pipeline') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert takst_cli.calculate is takst_cli.api.calculate


def test_the_follow_up_date_counts_citizens_in_the_pipeline(tiny: Path) -> None:
    """Distinct citizens with delivered visits in the model per team and month up to the date,
    counted in the fold (RunResult.citizens; no lazy frame over the raw export is kept).
    Up to 14-02-2025 (conftest's visits):
      Nord January: A (06-01, 07-01, 11-01) and G (20-01) → 2; February: B (04-02) → 1
      Syd January: C (08-01, 15-01, 21-01), D (14-01), E (07-01) → 3; February: C, E → 2
      F's visit (04-03) is after the date; A's cancelled and §86 visits count no citizen."""
    from takst_cli.models import Col

    assert takst_cli.calculate(tiny).run.citizens is None  # only for a follow-up
    citizens = takst_cli.calculate(tiny, follow_up_date=dt.date(2025, 2, 14)).run.citizens
    assert citizens is not None
    rows = citizens.select(Col.TEAM, Col.MONTH, "borgere").sort(Col.TEAM, Col.MONTH).rows()
    assert rows == [
        ("Nord", dt.date(2025, 1, 1), 2),
        ("Nord", dt.date(2025, 2, 1), 1),
        ("Syd", dt.date(2025, 1, 1), 3),
        ("Syd", dt.date(2025, 2, 1), 2),
    ]
