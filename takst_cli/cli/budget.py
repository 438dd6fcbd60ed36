"""`takst budget`: team budgets for the budget year, by part and by month."""

from __future__ import annotations

from takst_cli.cli.common import (
    ConfigOpt,
    ExcludeOpt,
    FormatOpt,
    FrozenOpt,
    GrantsOpt,
    OutOpt,
    OverwriteOpt,
    QuietOpt,
    StrictOpt,
    VisitsOpt,
    calculate,
    emit,
    error_boundary,
)


def budget(
    config: ConfigOpt,
    takstblad: FrozenOpt = None,
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
    streng: StrictOpt = False,
) -> None:
    """Beregn teambudgetter for budgetåret: forventede borgeruger × takster, rammer, pr. måned."""
    with error_boundary(ud, format, overskriv):
        from takst_cli.cli.common import frozen_funding
        from takst_cli.pipeline.run import indexed, run_funding
        from takst_cli.report.cycle import frozen_tables, index_table
        from takst_cli.report.funding import budget_tables

        result = calculate(config, leverancer, visitationer, udelad_ugyldige, strict=streng)
        if takstblad is not None:
            sheet, funding = frozen_funding(config, takstblad, result)
            tables = [frozen_tables(sheet)[0], *budget_tables(funding.budget)]
        else:
            tables = budget_tables(run_funding(result).budget)
            ix = indexed(result)
            if ix is not None:
                tables = [index_table(result.prices, ix.prices, ix.factors), *tables]
        emit(tables, lambda _t: tables, ud, format, overskriv, stille)
