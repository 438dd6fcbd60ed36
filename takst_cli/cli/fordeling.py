"""`takst fordeling`: activity, frame and course funding per team, side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from takst_cli.cli.common import funding_command

if TYPE_CHECKING:
    from takst_cli.api import Calculation
    from takst_cli.tables import ReportTable


def _tables(calc: Calculation) -> list[ReportTable]:
    from takst_cli.api import fund

    return fund(calc).report()


fordeling = funding_command(
    "fordeling",
    "Sammenlign aktivitets-, ramme- og forløbsfinansiering pr. team og vis finansieringen.",
    _tables,
)
