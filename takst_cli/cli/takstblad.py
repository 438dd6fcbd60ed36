"""`takst takstblad`: the budget year's tariffs frozen in a versioned JSON file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from takst_cli.cli.common import (
    ConfigOpt,
    ExcludeOpt,
    GrantsOpt,
    OverwriteOpt,
    QuietOpt,
    StrictOpt,
    VisitsOpt,
    calculate,
    emit,
    error_boundary,
)


def takstblad(
    config: ConfigOpt,
    ud: Annotated[
        Path,
        typer.Option("--ud", help="Takstbladet (.json), der skrives.", show_default=False),
    ],
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    overskriv: OverwriteOpt = False,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
    streng: StrictOpt = False,
) -> None:
    """Skriv takstbladet for budgetåret: timepriser, takster, r, overhead og indeksfaktorer."""
    with error_boundary():
        import sys

        from takst_cli.api import takstblad as takstblad_of
        from takst_cli.errors import TakstError
        from takst_cli.io.takstblad import write_takstblad
        from takst_cli.io.writers import check_parent, check_writable
        from takst_cli.report.cycle import takstblad_tables

        if ud.suffix.lower() != ".json":
            raise TakstError(
                f"--ud {ud}: takstbladet skrives som JSON; giv en fil med endelsen .json"
            )
        check_parent(ud)
        check_writable(ud, overskriv)
        calc = calculate(config, leverancer, visitationer, udelad_ugyldige, streng)
        doc = takstblad_of(calc)
        tables = takstblad_tables(doc)
        emit(tables, lambda _t: tables, None, None, False, stille)
        write_takstblad(ud, doc, overskriv)
        print(f"Skrev {ud}", file=sys.stderr)
