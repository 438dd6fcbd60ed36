"""`takst budget`: team budgets for the budget year, by part and by month."""

from __future__ import annotations

from typing import TYPE_CHECKING

from takst_cli.cli.common import funding_command

if TYPE_CHECKING:
    from takst_cli.pipeline.run import FundingRun, RunResult
    from takst_cli.tables import ReportTable


def _tables(result: RunResult, funding: FundingRun) -> list[ReportTable]:
    from takst_cli.pipeline.run import indexed
    from takst_cli.report.cycle import index_table
    from takst_cli.report.funding import budget_tables

    tables = budget_tables(funding.budget)
    if funding.prices is not None:  # the takstblad's prices are the budget year's already
        return tables
    ix = indexed(result)
    return tables if ix is None else [index_table(result.prices, ix.prices, ix.factors), *tables]


budget = funding_command(
    "budget",
    "Beregn teambudgetter for budgetåret: forventede borgeruger × takster, rammer, pr. måned.",
    _tables,
)
