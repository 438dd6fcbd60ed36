"""`takst budget`: team budgets for the budget year, by part and by month."""

from __future__ import annotations

from takst_cli.cli.common import (
    ConfigOpt,
    ExcludeOpt,
    FormatOpt,
    GrantsOpt,
    OutOpt,
    OverwriteOpt,
    QuietOpt,
    VisitsOpt,
    calculate,
    emit,
    error_boundary,
)


def budget(
    config: ConfigOpt,
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
) -> None:
    """Beregn teambudgetter for budgetåret: forventede borgeruger × takster, rammer, pr. måned."""
    with error_boundary():
        from takst_cli.pipeline.run import run_funding
        from takst_cli.report_funding import budget_tables

        result = calculate(config, leverancer, visitationer, udelad_ugyldige)
        funding = run_funding(result)
        tables = budget_tables(funding.budget)
        emit(tables, lambda _t: tables, ud, format, overskriv, stille)
