"""`takst eksempel`: a model file and a synthetic municipality's exports, of any size."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from takst_cli.cli.common import OverwriteOpt, error_boundary
from takst_cli.errors import TakstError
from takst_cli.format import format_number


class Encoding(StrEnum):
    utf8 = "utf-8-sig"
    cp1252 = "cp1252"


class VisitFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


class GrantForm(StrEnum):
    system = "system"
    ryddelig = "ryddelig"


class GrantFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


def eksempel(
    ud: Annotated[Path, typer.Option("--ud", help="Mappen der skrives i.")],
    borgere: Annotated[
        int,
        typer.Option(
            "--borgere", min=1, max=2_000_000, help="Antal borgere (ca. 900 besøg pr. borger)."
        ),
    ] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Frø: samme frø giver samme data.")] = 2025,
    tegnsaet: Annotated[
        Encoding, typer.Option("--tegnsaet", "--tegnsæt", help="Tegnsæt for leverance-CSV'en.")
    ] = Encoding.utf8,
    leverance_format: Annotated[
        VisitFormat, typer.Option("--leveranceformat", help="csv (dansk eksport) eller parquet.")
    ] = VisitFormat.csv,
    visitationsform: Annotated[
        GrantForm,
        typer.Option(
            "--visitationsform",
            help="system: som et omsorgssystem eksporterer (én række pr. indsats og revision, "
            "§83a-rækker, ingen forløbstype); ryddelig: én række pr. borger og forløb.",
        ),
    ] = GrantForm.system,
    revision_dage: Annotated[
        int,
        typer.Option(
            "--revision-dage", min=1, max=366, help="Dage mellem revisionerne (systemform)."
        ),
    ] = 30,
    visitationsformat: Annotated[
        GrantFormat, typer.Option("--visitationsformat", help="xlsx eller csv.")
    ] = GrantFormat.xlsx,
    overskriv: OverwriteOpt = False,
) -> None:
    """Skriv en modelfil og syntetiske eksporter (leverancer, visitationer) for en kommune."""
    with error_boundary():
        import polars as pl

        from takst_cli.io.writers import (
            check_writable,
            write_csv_export,
            write_parquet_export,
            write_text,
            write_xlsx_export,
        )
        from takst_cli.sample import (
            budgets_export,
            grants_export,
            model_yaml,
            sample_batches,
            system_grants,
            visits_export,
        )

        visits_name = f"leverancer.{leverance_format.value}"
        grants_name = f"visitationer.{visitationsformat.value}"
        budget_name = "budget_2025.csv"
        targets = [ud / visits_name, ud / grants_name, ud / "model.yaml", ud / budget_name]
        for target in targets:
            check_writable(target, overskriv)
        grants, budgets, n_visits = [], None, 0

        def exports():  # type: ignore[no-untyped-def]
            nonlocal budgets, n_visits
            for sample in sample_batches(borgere, seed):
                grants.append(sample.grants)
                budgets = sample.budgets
                n_visits += sample.visits.height
                yield visits_export(sample.visits)

        if leverance_format == VisitFormat.csv:
            write_csv_export(targets[0], exports(), tegnsaet.value)
        else:
            write_parquet_export(targets[0], exports())
        assert budgets is not None
        tidy = pl.concat(grants)
        grant_rows = grants_export(
            tidy if visitationsform == GrantForm.ryddelig else system_grants(tidy, revision_dage)
        )
        if visitationsformat == GrantFormat.xlsx:
            if grant_rows.height >= 1_048_576:
                raise TakstError(
                    f"{grant_rows.height} visitationsrækker er for mange til et Excel-ark; "
                    "brug --visitationsformat csv"
                )
            write_xlsx_export(targets[1], grant_rows, "Visitationer")
        else:
            write_csv_export(targets[1], [grant_rows], tegnsaet.value)
        write_csv_export(targets[3], [budgets_export(budgets)], tegnsaet.value)
        write_text(targets[2], model_yaml(visits_name, grants_name, budget_name))
        print(
            f"Skrev {format_number(n_visits, 0)} besøg og "
            f"{format_number(grant_rows.height, 0)} visitationsrækker for "
            f"{format_number(borgere, 0)} borgere i {ud}. Kør: takst beregn --config {targets[2]}",
            file=sys.stderr,
        )
