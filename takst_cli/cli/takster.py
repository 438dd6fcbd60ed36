"""`takst takster`: course tariffs and the reduction r."""

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


def takster(
    config: ConfigOpt,
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
) -> None:
    """Vis forløbstakster pr. forløbstype og niveau og reduktionen efter udviklende forløb."""
    with error_boundary():
        from takst_cli import report

        result = calculate(config, leverancer, visitationer, udelad_ugyldige)
        tables = [report.tariff_table(result), report.reduction_table(result)]
        emit(tables, lambda _t: tables, ud, format, overskriv, stille)
