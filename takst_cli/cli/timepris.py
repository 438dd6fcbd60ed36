"""`takst timepris`: hourly prices from the model file alone."""

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


def timepris(
    config: ConfigOpt,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    stille: QuietOpt = False,
    csv_dialekt: DialectOpt = CsvDialect.maskine,
) -> None:
    """Vis timepriser pr. faggruppe (fremmødetimer, BTP, direkte timer, vagttillæg)."""
    with error_boundary(ud, format, overskriv, csv_dialekt):
        from takst_cli.api import load_model
        from takst_cli.pipeline.hourly_price import compute_hourly_prices
        from takst_cli.report.core import price_table

        cfg = load_model(config).config
        tables = [price_table(compute_hourly_prices(cfg))]
        emit(tables, lambda _t: tables, ud, format, overskriv, stille, csv_dialekt)
