"""`takst effekt`: the realised effect of development courses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from takst_cli.cli.common import table_command

if TYPE_CHECKING:
    from takst_cli.api import Calculation
    from takst_cli.tables import ReportTable


def _tables(calc: Calculation) -> list[ReportTable]:
    from takst_cli.api import effect

    return effect(calc).report()


effekt = table_command(
    "effekt",
    "Vis effekten af udviklende forløb: ophørt, reduceret, uændret hjælp pr. team og niveau.",
    _tables,
)
