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
    from takst_cli.pipeline.run import RunResult

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

        from takst_cli.cli.render import make_console, render_tables
        from takst_cli.errors import TakstError
        from takst_cli.io.ledger import read_ledger, update_ledger
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
        read_ledger(target)  # a file that is not a ledger stops the run before the calculation
        result = _calculate(config, leverancer, visitationer, udelad_ugyldige, months, streng)
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
        update_ledger(target, settled)
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
) -> RunResult:
    """The model run over the months settled (its period replaced by them), with the month on
    every fact; warnings as `calculate` gives them."""
    from takst_cli.cli.common import load
    from takst_cli.cli.render import make_console, working
    from takst_cli.config import Period
    from takst_cli.errors import DataError, Problem, TakstError
    from takst_cli.pipeline.run import data_period, run
    from takst_cli.pipeline.settlement import month_bounds

    cfg, visit_src, grant_src = load(config, visits, grants)
    first, last = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    # the model's periode is the tariffs' base period; the settlement's is the export's own
    cfg = cfg.model_copy(update={"periode": Period()})
    span = data_period(cfg, visit_src)
    if span[0] > first or span[1] < last:
        raise DataError(
            f"{visit_src.name}: leverancerne går fra {span[0]:%d-%m-%Y} til {span[1]:%d-%m-%Y} "
            f"og dækker ikke hele {_span(months)} ({first:%d-%m-%Y} til "
            f"{last:%d-%m-%Y}); en måned afregnes kun fra en eksport, der rummer hele måneden"
        )
    cfg = cfg.model_copy(update={"periode": Period(fra=span[0], til=span[1])})
    with working(f"Læser {grant_src.name} …") as stage:
        result = run(cfg, visit_src, grant_src, exclude_invalid, True, last, stage)
    if result.warnings and strict:
        raise TakstError(
            f"plausibilitetstjekket gav {len(result.warnings)} advarsel(er), og med --streng "
            "stopper kørslen; intet er skrevet",
            [Problem("", w) for w in result.warnings],
        )
    console = make_console(stderr=True)
    for warning in result.warnings:
        console.print(f"Advarsel: {warning}", markup=False, soft_wrap=True)
    return result


def _span(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} til {months[-1]}"
