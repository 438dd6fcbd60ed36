"""`takst fordeling`: activity, frame and course funding per team, side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from takst_cli.cli.common import funding_command

if TYPE_CHECKING:
    from takst_cli.pipeline.run import FundingRun, RunResult
    from takst_cli.tables import ReportTable


def _tables(result: RunResult, funding: FundingRun) -> list[ReportTable]:
    from takst_cli.report.funding import model_tables

    source = result.cfg.tildeling.delegeret_sygepleje.kilde
    return model_tables(funding.teams, source)


fordeling = funding_command(
    "fordeling",
    "Sammenlign aktivitets-, ramme- og forløbsfinansiering pr. team og vis finansieringen.",
    _tables,
)
