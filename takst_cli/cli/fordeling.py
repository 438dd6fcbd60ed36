"""`takst fordeling`: activity, frame and course funding per team, side by side."""

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


def fordeling(
    config: ConfigOpt,
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
) -> None:
    """Sammenlign aktivitets-, ramme- og forløbsfinansiering pr. team og vis finansieringen."""
    with error_boundary():
        from takst_cli.pipeline.run import run_funding
        from takst_cli.report_funding import comparison_table, funding_tables

        result = calculate(config, leverancer, visitationer, udelad_ugyldige)
        cfg = result.cfg
        funding = run_funding(result)
        source = cfg.tildeling.delegeret_sygepleje.kilde
        tables = [comparison_table(funding.teams), *funding_tables(funding.teams, source)]
        emit(tables, lambda _t: tables, ud, format, overskriv, stille)
