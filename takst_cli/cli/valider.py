"""`takst valider` and `takst skema`: the model file checked for CI, and its JSON Schema."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from takst_cli.cli.common import error_boundary
from takst_cli.format import format_number


class CheckFormat(StrEnum):
    tekst = "tekst"
    json = "json"
    github = "github"


def _github(text: str, prop: bool = False) -> str:
    """GitHub's workflow-command escaping (also read by GitLab's and others' log parsers)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def valider(
    modelfiler: Annotated[
        list[Path] | None,
        typer.Argument(help="Modelfiler (YAML); flere på én gang.", show_default=False),
    ] = None,
    config: Annotated[
        list[Path] | None,
        typer.Option(
            "--config", "-c", help="Modelfil (YAML), som i de andre kommandoer.", show_default=False
        ),
    ] = None,
    data: Annotated[
        bool,
        typer.Option(
            "--data", help="Kontrollér også modelfilen mod dens datafiler (teams, faggrupper)."
        ),
    ] = False,
    streng: Annotated[
        bool, typer.Option("--streng", help="Advarsler tæller som fejl (exitkode 1).")
    ] = False,
    format: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            help="tekst (til mennesker), json (til programmer) eller github "
            "(annoteringer ::error file=…,line=…,col=…:: til GitHub/GitLab CI).",
        ),
    ] = CheckFormat.tekst,
) -> None:
    """Kontrollér modelfiler: skema, mening og (med --data) data; alle fejl på én gang, med
    linje og kolonne. Exitkode 0 = alle gyldige."""
    with error_boundary():
        from takst_cli.api import validate
        from takst_cli.cli.render import make_console, render_error, render_tables
        from takst_cli.errors import UsageError
        from takst_cli.report.core import level_tables

        paths = [*(modelfiler or []), *(config or [])]
        if not paths:
            raise UsageError("angiv mindst én modelfil: takst valider FIL … (eller --config FIL)")
        checked = [validate(path, data, strict=streng) for path in paths]
        results = [(v.path, list(v.findings), v.config) for v in checked]
        failed = any(f.severity == "fejl" for _, found, _ in results for f in found)
        if format == CheckFormat.json:
            files = [
                {
                    "fil": str(path),
                    "gyldig": not any(f.severity == "fejl" for f in found),
                    "problemer": [
                        {
                            "alvor": f.severity,
                            "noegle": f.key,
                            "linje": f.line,
                            "kolonne": f.column,
                            "besked": f.message,
                        }
                        for f in found
                    ],
                }
                for path, found, _ in results
            ]
            typer.echo(
                json.dumps({"gyldig": not failed, "filer": files}, ensure_ascii=False, indent=2)
            )
        elif format == CheckFormat.github:
            for _, found, _ in results:
                for f in found:
                    kind = "error" if f.severity == "fejl" else "warning"
                    at = f",line={f.line},col={f.column}" if f.line else ""
                    typer.echo(
                        f"::{kind} file={_github(f.file, True)}{at},"
                        f"title=takst valider::{_github(f.message)}"
                    )
        else:
            out, err = make_console(), make_console(stderr=True)
            for path, found, cfg in results:
                errors = [f for f in found if f.severity == "fejl"]
                where = [
                    f.message + (f" (linje {f.line}, kolonne {f.column})" if f.line else "")
                    for f in found
                ]
                if errors:
                    render_error(
                        err,
                        [f"{path}: {format_number(len(errors), 0)} fejl"]
                        + [f"  - {w}" for f, w in zip(found, where, strict=True) if f in errors],
                    )
                    continue
                for w in where:
                    out.print(f"Advarsel: {w}", markup=False, soft_wrap=True)
                out.print(
                    f"{path}: modelfilen er gyldig"
                    + (" og passer til data" if data else "")
                    + (f" ({format_number(len(found), 0)} advarsler)" if found else "")
                    + ".",
                    markup=False,
                    soft_wrap=True,
                )
                if cfg is not None and len(results) == 1:
                    out.print()
                    render_tables(out, level_tables(cfg))
        if failed:
            raise typer.Exit(1)


def model_schema() -> str:
    """The JSON Schema of the model file, as shipped in docs/modelfil.schema.json."""
    from takst_cli.cli.skema_tekster import describe
    from takst_cli.config import ModelConfig

    schema = describe(ModelConfig.model_json_schema())  # a Danish text for every key
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "takst modelfil"
    schema["description"] = (
        "Modelfilen til takst: kommunens timepriser, forløbstyper, niveauer, finansiering og "
        "budget. Andele skrives som 0-1 (0.15 = 15 %), beløb i kr., tid i timer pr. uge."
    )
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def skema() -> None:
    """Skriv modelfilens JSON Schema (til editorer og CI)."""
    typer.echo(model_schema(), nl=False)
