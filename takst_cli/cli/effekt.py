"""`takst effekt`: the realised effect of development courses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from takst_cli.cli.common import table_command

if TYPE_CHECKING:
    from takst_cli.pipeline.run import RunResult
    from takst_cli.tables import ReportTable


def _tables(result: RunResult) -> list[ReportTable]:
    from takst_cli.report.followup import effect_tables

    return effect_tables(result)


effekt = table_command(
    "effekt",
    "Vis effekten af udviklende forløb: ophørt, reduceret, uændret hjælp pr. team og niveau.",
    _tables,
)
