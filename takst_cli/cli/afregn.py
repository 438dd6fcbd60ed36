"""`takst afregn`: settle each team's months with the takstblad's frozen tariffs into the ledger."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from takst_cli.cli.common import (
    ConfigOpt,
    ExcludeOpt,
    GrantsOpt,
    QuietOpt,
    StrictOpt,
    VisitsOpt,
    error_boundary,
    warn_if_model_changed,
)

if TYPE_CHECKING:
    from takst_cli.api import Calculation

_MONTH = re.compile(r"^\s*(?:(\d{4})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{4}))\s*$")


def parse_month(text: str, option: str) -> str:
    """A month as '2026-03' (ÅÅÅÅ-MM) or '03-2026' (MM-ÅÅÅÅ, as Danish accounts write it) —
    the four-digit year says which is which; anything else is refused."""
    m = _MONTH.match(text)
    if m is None:
        raise typer.BadParameter(f"{option} '{text}': skriv måneden som ÅÅÅÅ-MM, fx 2026-03")
    year, month = (m[1], m[2]) if m[1] else (m[4], m[3])
    if not 1 <= int(month) <= 12:
        raise typer.BadParameter(f"{option} '{text}': måned {int(month)} findes ikke")
    return f"{int(year):04d}-{int(month):02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included."""
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def afregn(
    config: ConfigOpt,
    takstblad: Annotated[
        Path,
        typer.Option(
            "--takstblad", help="Takstbladet (.json) fra takst takstblad.", show_default=False
        ),
    ],
    maaned: Annotated[
        str | None, typer.Option("--maaned", help="Måneden, der afregnes, ÅÅÅÅ-MM.")
    ] = None,
    fra: Annotated[str | None, typer.Option("--fra", help="Første måned, ÅÅÅÅ-MM.")] = None,
    til: Annotated[str | None, typer.Option("--til", help="Sidste måned, ÅÅÅÅ-MM.")] = None,
    regnskab: Annotated[
        Path | None,
        typer.Option(
            "--regnskab",
            help="Regnskabet (Parquet); standard afregning.parquet ved siden af modelfilen. "
            "En måned, der afregnes igen, erstattes; resten står urørt.",
        ),
    ] = None,
    leverancer: VisitsOpt = None,
    visitationer: GrantsOpt = None,
    udelad_ugyldige: ExcludeOpt = False,
    stille: QuietOpt = False,
    streng: StrictOpt = False,
) -> None:
    """Afregn hvert team for måneden med takstbladets faste takster under teamets egen model."""
    if maaned is not None and (fra is not None or til is not None):
        raise typer.BadParameter("brug enten --maaned eller --fra/--til, ikke begge")
    if maaned is None and (fra is None or til is None):
        raise typer.BadParameter("angiv --maaned ÅÅÅÅ-MM eller både --fra og --til")
    first = parse_month(maaned or fra or "", "--maaned" if maaned else "--fra")
    last = parse_month(maaned or til or "", "--maaned" if maaned else "--til")
    if last < first:
        raise typer.BadParameter(f"--til {last} ligger før --fra {first}")
    months = month_range(first, last)
    with error_boundary():
        import sys

        from takst_cli import api
        from takst_cli.cli.render import make_console, render_tables
        from takst_cli.errors import TakstError
        from takst_cli.io.readers import file_digest
        from takst_cli.io.takstblad import read_takstblad
        from takst_cli.pipeline.run import run_settlement
        from takst_cli.report.cycle import settlement_table

        sheet = read_takstblad(takstblad)
        years = sorted({int(m[:4]) for m in months} - {sheet.budget_year})
        if years:
            raise TakstError(
                f"{takstblad}: takstbladet gælder {sheet.budget_year}, men der afregnes måneder "
                f"i {', '.join(map(str, years))}; lav takstbladet for det år"
            )
        target = regnskab or config.resolve().parent / "afregning.parquet"
        api.read_ledger(target)  # a file that is not a ledger stops the run before the calculation
        result = _calculate(config, leverancer, visitationer, udelad_ugyldige, months, streng).run
        warn_if_model_changed(config, takstblad, sheet)
        settled = run_settlement(
            result,
            sheet.prices,
            sheet.clinic_price,
            sheet.tariffs,
            sheet.overhead_per_week,
            months,
            takstblad.name,
            file_digest(takstblad),
        )
        api.record_settlement(target, settled)
        if not stille:
            render_tables(make_console(), [settlement_table(settled)])
        print(f"Skrev {target} ({', '.join(months)})", file=sys.stderr)


def _calculate(
    config: Path,
    visits: Path | None,
    grants: Path | None,
    exclude_invalid: bool,
    months: list[str],
    strict: bool,
) -> Calculation:
    """The model run over the months settled (api.calculate_months); warnings as `calculate`
    gives them."""
    from takst_cli import api
    from takst_cli.cli.common import gate
    from takst_cli.cli.render import working

    with working("Læser modelfil og eksporter …") as stage:
        calc = api.calculate_months(
            config,
            months,
            visits=visits,
            grants=grants,
            exclude_invalid=exclude_invalid,
            progress=stage,
        )
    gate(calc.run, strict)
    return calc
