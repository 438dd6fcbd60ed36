"""End to end on the shipped sample municipality: the CSV files equal the reviewed golden files.

When a change moves a number on purpose, regenerate with
`takst beregn -c configs/eksempel.yaml --format csv --ud tests/golden --overskriv` and review
the diff before committing it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from takst_cli.cli.app import app
from takst_cli.sample import model_yaml

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden")
    res = CliRunner().invoke(
        app,
        [
            "beregn",
            "--config",
            str(ROOT / "configs" / "eksempel.yaml"),
            "--format",
            "csv",
            "--ud",
            str(out),
            "--stille",
        ],
    )
    assert res.exit_code == 0, res.output
    return out


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.csv")))
def test_sample_matches_golden(sample_out: Path, name: str) -> None:
    assert (sample_out / name).read_text(encoding="utf-8") == (GOLDEN / name).read_text(
        encoding="utf-8"
    )


def test_sample_tariffs_reconcile(sample_out: Path) -> None:
    from decimal import Decimal

    import polars as pl

    body = pl.read_csv(sample_out / "forloebstakster.csv", infer_schema=False)
    total = pl.read_csv(sample_out / "forloebstakster_i_alt.csv", infer_schema=False)
    assert "I alt" not in body["Forløbstype"] and total["Forløbstype"].to_list() == ["I alt"]
    for col in ("Faktisk udgift", "Takstgrundlag", "Borgeruger", "Timer"):
        assert sum(Decimal(v) for v in body[col]) == Decimal(total[col].item()), col
    # all three course types and all five levels are in the sample
    assert set(body["Forløbstype"]) == {"Udviklende", "Fastholdende", "Individuel"}
    assert set(body.filter(pl.col("Forløbstype") == "Fastholdende")["Niveau"]) == set("12345")


def test_shipped_config_is_the_sample_template() -> None:
    text = (ROOT / "configs" / "eksempel.yaml").read_text(encoding="utf-8")
    assert text == model_yaml(
        "../sample_data/leverancer.csv",
        "../sample_data/visitationer.xlsx",
        "../sample_data/budget_2025.csv",
        schema_path="../docs/modelfil.schema.json",
    )


@pytest.mark.parametrize(
    "name",
    [
        "modelsammenligning",
        "finansiering",
        "delegeret_sygepleje",
        "teambudgetter",
        "budget_pr_maaned",
        "forventede_borgeruger",
    ],
)
def test_sample_money_tables_add_up_to_their_totals(sample_out: Path, name: str) -> None:
    import polars as pl

    """The data file holds the rows, <key>_i_alt the total row (same columns): each column of
    the rows adds up to the total's."""
    t = pl.read_csv(sample_out / f"{name}.csv", infer_schema=False)
    body = t
    total = pl.read_csv(sample_out / f"{name}_i_alt.csv", infer_schema=False)
    assert total.columns == t.columns and total[t.columns[0]].to_list() == ["I alt"]
    assert body.height >= 5 and "I alt" not in body[t.columns[0]]
    checked = 0
    for col in t.columns:
        if col.startswith("Andel") or col == "Niveau" or total[col].item() is None:
            continue
        try:
            values = [Decimal(v) for v in body[col] if v is not None]
        except ArithmeticError:
            continue
        assert sum(values, Decimal(0)) == Decimal(total[col].item()), (name, col)
        checked += 1
    assert checked >= 2
    if name == "budget_pr_maaned":  # each team's months add up to its year
        for row in body.iter_rows():
            assert sum(Decimal(v) for v in row[1:13]) == Decimal(row[13])


@pytest.mark.parametrize(
    "name", ["budgetopfoelgning.csv", "forbrug_pr_maaned.csv", "aktivitet_pr_maaned.csv"]
)
def test_sample_followup_31_october_matches_golden(tmp_path: Path, name: str) -> None:
    res = CliRunner().invoke(
        app,
        [
            "opfoelgning",
            "--config",
            str(ROOT / "configs" / "eksempel.yaml"),
            "--dato",
            "2025-10-31",
            "--format",
            "csv",
            "--ud",
            str(tmp_path),
            "--stille",
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / name).read_text(encoding="utf-8") == (
        GOLDEN / "opfoelgning" / name
    ).read_text(encoding="utf-8")
