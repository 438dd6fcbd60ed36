"""`takst valider` and `takst skema`: the model file checked for CI, and its JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from takst_cli.cli.common import error_boundary, load
from takst_cli.errors import ConfigError, Problem


def valider(
    modelfil: Annotated[Path, typer.Argument(help="Modelfilen (YAML).", show_default=False)],
    data: Annotated[
        bool,
        typer.Option(
            "--data", help="Kontrollér også modelfilen mod dens datafiler (teams, faggrupper)."
        ),
    ] = False,
    streng: Annotated[
        bool, typer.Option("--streng", help="Advarsler tæller som fejl (exitkode 1).")
    ] = False,
) -> None:
    """Kontrollér en modelfil: skema, mening og (med --data) data. Exitkode 0 = gyldig."""
    with error_boundary():
        from takst_cli.config import load_config, semantic_warnings
        from takst_cli.render import make_console, render_tables
        from takst_cli.report import level_tables

        errors: list[Problem] = []
        if data:  # the model file and its exports, read once
            from takst_cli.pipeline.validate import data_problems

            cfg, visits, grants = load(modelfil, None, None)
            errors, warnings = data_problems(cfg, visits, grants)
        else:
            cfg, warnings = load_config(modelfil), []
        from takst_cli.pipeline.free_choice import free_choice_warnings

        warnings = semantic_warnings(cfg) + free_choice_warnings(cfg, dt.date.today()) + warnings
        if streng and warnings:
            errors += warnings
            warnings = []
        if errors:
            raise ConfigError(f"{modelfil}: {len(errors)} fejl", errors)
        out = make_console()
        for w in warnings:
            out.print(f"Advarsel: {w}", markup=False)
        out.print(
            f"{modelfil}: modelfilen er gyldig"
            + (" og passer til data" if data else "")
            + (f" ({len(warnings)} advarsler)" if warnings else "")
            + ".",
            markup=False,
        )
        out.print()
        render_tables(out, level_tables(cfg))


def model_schema() -> str:
    """The JSON Schema of the model file, as shipped in docs/modelfil.schema.json."""
    from takst_cli.config import ModelConfig

    schema = ModelConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "takst modelfil"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def skema() -> None:
    """Skriv modelfilens JSON Schema (til editorer og CI)."""
    typer.echo(model_schema(), nl=False)
