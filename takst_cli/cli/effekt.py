"""`takst effekt`: the realised effect of development courses."""

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


def effekt(
    config: ConfigOpt,
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
) -> None:
    """Vis effekten af udviklende forløb: ophørt, reduceret, uændret hjælp pr. team og niveau."""
    with error_boundary():
        from takst_cli.pipeline.effect import effect_groups
        from takst_cli.report_followup import effect_table

        result = calculate(config, leverancer, visitationer, udelad_ugyldige)
        tables = [effect_table(effect_groups(result.reduction), result.tariffs.reduction_used)]
        emit(tables, lambda _t: tables, ud, format, overskriv, stille)
