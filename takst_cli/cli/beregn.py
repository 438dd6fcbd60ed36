"""`takst beregn`: everything — hourly prices, course tariffs, r and data quality."""

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
    emit,
    error_boundary,
    load,
)


def beregn(
    config: ConfigOpt,
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
) -> None:
    """Beregn timepriser, forløbstakster og datakvalitet ud fra modelfil og eksporter."""
    with error_boundary():
        from takst_cli import report
        from takst_cli.pipeline.run import run

        cfg, visits, grants = load(config, leverancer, visitationer)
        result = run(cfg, visits, grants, exclude_invalid=udelad_ugyldige)
        screen = [
            report.price_table(result.prices),
            report.tariff_table(result),
            report.reduction_table(result),
            *report.quality_tables(result),
        ]
        emit(
            screen,
            lambda t: report.tariff_report(result, str(config), t),
            ud,
            format,
            overskriv,
            stille,
        )
