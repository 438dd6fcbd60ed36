"""`takst fordeling`: activity, frame and course funding per team, side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from takst_cli.cli.common import table_command

if TYPE_CHECKING:
    from takst_cli.pipeline.run import RunResult
    from takst_cli.tables import ReportTable


def _tables(result: RunResult) -> list[ReportTable]:
    from takst_cli.pipeline.run import run_funding
    from takst_cli.report.funding import model_tables

    source = result.cfg.tildeling.delegeret_sygepleje.kilde
    return model_tables(run_funding(result).teams, source)


fordeling = table_command(
    "fordeling",
    "Sammenlign aktivitets-, ramme- og forløbsfinansiering pr. team og vis finansieringen.",
    _tables,
)
