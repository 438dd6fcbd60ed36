"""`takst budget`: team budgets for the budget year, by part and by month."""

from __future__ import annotations

from typing import TYPE_CHECKING

from takst_cli.cli.common import funding_command

if TYPE_CHECKING:
    from takst_cli.api import Calculation
    from takst_cli.tables import ReportTable


def _tables(calc: Calculation) -> list[ReportTable]:
    from takst_cli.api import budget

    return budget(calc).report()


budget = funding_command(
    "budget",
    "Beregn teambudgetter for budgetåret: forventede borgeruger × takster, rammer, pr. måned.",
    _tables,
)
