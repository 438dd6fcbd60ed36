"""The one Typer app: global options and the command list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from takst_cli.cli import dansk
from takst_cli.cli.afregn import afregn
from takst_cli.cli.beregn import beregn
from takst_cli.cli.budget import budget
from takst_cli.cli.common import set_debug, set_logging
from takst_cli.cli.effekt import effekt
from takst_cli.cli.efterberegning import efterberegning
from takst_cli.cli.eksempel import eksempel
from takst_cli.cli.fordeling import fordeling
from takst_cli.cli.frit_valg import frit_valg
from takst_cli.cli.niveauer import niveauer
from takst_cli.cli.opfoelgning import opfoelgning
from takst_cli.cli.scenarie import sammenlign, scenarie
from takst_cli.cli.takstblad import takstblad
from takst_cli.cli.takster import takster
from takst_cli.cli.timepris import timepris
from takst_cli.cli.valider import skema, valider
from takst_cli.version import __version__

dansk.install()  # Typer's and Click's frame in Danish, before the app is built

app = typer.Typer(
    name="takst",
    help="Takstberegner for hjemmeplejen: timepriser, forløbstakster, finansiering og budget.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        print(f"takst {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    debug: Annotated[bool, typer.Option("--debug", help="Vis fuld fejlsporing ved fejl.")] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Skriv én linje pr. trin (tid og rækker) på stderr."),
    ] = False,
    log_fil: Annotated[
        Path | None,
        typer.Option(
            "--log-fil",
            help="Skriv én linje pr. trin (tid og rækker) i denne fil (tilføjes sidst i filen).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Vis versionen.")
    ] = False,
) -> None:
    set_debug(debug)
    set_logging(verbose, log_fil)


app.command()(beregn)
app.command()(timepris)
app.command()(takster)
app.command()(takstblad)
app.command()(afregn)
app.command()(fordeling)
app.command()(budget)
app.command()(opfoelgning)
app.command("opfølgning", hidden=True)(opfoelgning)  # as a Dane types it
app.command()(effekt)
app.command()(niveauer)
app.command()(scenarie)
app.command()(sammenlign)
app.command("frit-valg")(frit_valg)
app.command()(efterberegning)
app.command()(valider)
app.command()(skema)
app.command()(eksempel)


def main() -> None:
    app()
