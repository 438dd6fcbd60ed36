"""The one Typer app: global options and the command list."""

from __future__ import annotations

from typing import Annotated

import typer

from takst_cli import __version__
from takst_cli.cli.afregn import afregn
from takst_cli.cli.beregn import beregn
from takst_cli.cli.budget import budget
from takst_cli.cli.common import set_debug
from takst_cli.cli.effekt import effekt
from takst_cli.cli.efterberegning import efterberegning
from takst_cli.cli.eksempel import eksempel
from takst_cli.cli.fordeling import fordeling
from takst_cli.cli.frit_valg import frit_valg
from takst_cli.cli.niveauer import niveauer
from takst_cli.cli.opfoelgning import opfoelgning
from takst_cli.cli.takstblad import takstblad
from takst_cli.cli.takster import takster
from takst_cli.cli.timepris import timepris
from takst_cli.cli.valider import skema, valider

app = typer.Typer(
    name="takst",
    help="Takstberegner for hjemmeplejen: timepriser, forløbstakster, finansiering og budget.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"takst {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    debug: Annotated[bool, typer.Option("--debug", help="Vis fuld fejlsporing ved fejl.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Vis versionen.")
    ] = False,
) -> None:
    set_debug(debug)


app.command()(beregn)
app.command()(timepris)
app.command()(takster)
app.command()(takstblad)
app.command()(afregn)
app.command()(fordeling)
app.command()(budget)
app.command()(opfoelgning)
app.command()(effekt)
app.command()(niveauer)
app.command("frit-valg")(frit_valg)
app.command()(efterberegning)
app.command()(valider)
app.command()(skema)
app.command()(eksempel)


def main() -> None:
    app()
