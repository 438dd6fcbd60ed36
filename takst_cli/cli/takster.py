"""`takst takster`: course tariffs and the reduction r."""

from __future__ import annotations

from typing import TYPE_CHECKING

from takst_cli.cli.common import table_command

if TYPE_CHECKING:
    from takst_cli.api import Calculation
    from takst_cli.tables import ReportTable


def _tables(calc: Calculation) -> list[ReportTable]:
    from takst_cli.report.core import tariff_tables

    return tariff_tables(calc.run)


takster = table_command(
    "takster",
    "Vis forløbstakster pr. forløbstype og niveau og reduktionen efter udviklende forløb.",
    _tables,
)
