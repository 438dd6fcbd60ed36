"""`takst efterberegning`: the yearly recalculation of the settlement prices against each
provider's settled volume, and the amount owed each way."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from takst_cli.cli.common import (
    ConfigOpt,
    CsvDialect,
    DialectOpt,
    ExcludeOpt,
    FormatOpt,
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
from takst_cli.cli.frit_valg import require_free_choice

if TYPE_CHECKING:
    from takst_cli.pipeline.free_choice import SourceKind

# How a file gives its numbers: a workbook's number cells arrive as text with a decimal point,
# a Parquet file's as its own numbers (see free_choice.read_amounts).
SOURCE_KIND: dict[str, SourceKind] = {".xlsx": "regneark", ".xlsm": "regneark", ".parquet": "typet"}


def efterberegning(
    config: ConfigOpt,
    aar: Annotated[
        int,
        typer.Option(
            "--aar", "--år", min=1901, max=2199, help="Regnskabsåret.", show_default=False
        ),
    ],
    leverandoerer: Annotated[
        Path,
        typer.Option(
            "--leverandoerer",
            "--leverandører",
            help="Leverandørernes afregnede mængder (CSV/XLSX/Parquet): leverandør, ydelse, "
            "mængde (timer eller borgeruger), betalt pris; kolonner.leverandoerer.",
            show_default=False,
        ),
    ],
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    ud: OutOpt = None,
    format: FormatOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
    streng: StrictOpt = False,
    csv_dialekt: DialectOpt = CsvDialect.maskine,
) -> None:
    """Efterberegn afregningspriserne på årets regnskab og opgør mellemregningen pr. leverandør."""
    with error_boundary(ud, format, overskriv, csv_dialekt):
        from takst_cli.io.readers import read_table, reading
        from takst_cli.models import LEVERANDOERER_FIELDS
        from takst_cli.pipeline.free_choice import recalculate_year
        from takst_cli.report.core import assumption_tables, quality_tables
        from takst_cli.report.free_choice import free_choice_tables, recalculation_tables

        require_free_choice(config)
        result = calculate(config, leverancer, visitationer, udelad_ugyldige, streng).run
        headers = {f: result.cfg.kolonner.header("leverandoerer", f) for f in LEVERANDOERER_FIELDS}
        src = read_table("leverandoerer", leverandoerer, LEVERANDOERER_FIELDS, headers)
        with reading(src.name):
            frame = src.frame.collect()
        kind = SOURCE_KIND.get(src.path.suffix.lower(), "tekst")
        settled = recalculate_year(result, frame, src.name, aar, kind)
        tables = recalculation_tables(settled) + free_choice_tables(settled.prices)

        def full(run_time):  # type: ignore[no-untyped-def]
            facts, files, values = assumption_tables(result, str(config), run_time)
            files.rows.append([src.label, src.name, src.sha256, frame.height])
            return [facts, files, values, *tables, *quality_tables(result)]

        emit(tables, full, ud, format, overskriv, stille, csv_dialekt)
