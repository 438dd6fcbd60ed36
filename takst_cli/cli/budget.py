"""`takst budget`: team budgets for the budget year, by part and by month."""

from __future__ import annotations

from typing import TYPE_CHECKING

from takst_cli.cli.common import table_command

if TYPE_CHECKING:
    from takst_cli.pipeline.run import RunResult
    from takst_cli.tables import ReportTable


def _tables(result: RunResult) -> list[ReportTable]:
    from takst_cli.pipeline.run import indexed, run_funding
    from takst_cli.report.cycle import index_table
    from takst_cli.report.funding import budget_tables

    tables = budget_tables(run_funding(result).budget)
    ix = indexed(result)
    return tables if ix is None else [index_table(result.prices, ix.prices, ix.factors), *tables]


budget = table_command(
    "budget",
    "Beregn teambudgetter for budgetåret: forventede borgeruger × takster, rammer, pr. måned.",
    _tables,
)
