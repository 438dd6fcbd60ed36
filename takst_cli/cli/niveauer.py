"""`takst niveauer`: the bands the model file generates, to check against the price structure."""

from __future__ import annotations

from takst_cli.cli.common import (
    ConfigOpt,
    CsvDialect,
    DialectOpt,
    FormatOpt,
    OutOpt,
    OverwriteOpt,
    QuietOpt,
    emit,
    error_boundary,
)


def niveauer(
    config: ConfigOpt,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    stille: QuietOpt = False,
    csv_dialekt: DialectOpt = CsvDialect.maskine,
) -> None:
    """Vis niveauerne (fra-til timer pr. uge), som modelfilen giver – også fra en generator."""
    with error_boundary(ud, format, overskriv, csv_dialekt):
        from takst_cli.api import load_model
        from takst_cli.report.core import level_tables

        tables = level_tables(load_model(config).config)
        emit(tables, lambda _t: tables, ud, format, overskriv, stille, csv_dialekt)
