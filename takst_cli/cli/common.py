"""What the commands share: options, loading, the error boundary and output."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from takst_cli.errors import TakstError
from takst_cli.format import format_number

if TYPE_CHECKING:
    from takst_cli.api import Calculation
    from takst_cli.models import Takstblad
    from takst_cli.pipeline.run import RunResult
    from takst_cli.tables import ReportTable

T = TypeVar("T")

ConfigOpt = Annotated[
    Path, typer.Option("--config", "-c", help="Modelfilen (YAML).", show_default=False)
]
VisitsOpt = Annotated[
    Path | None,
    typer.Option(
        "--leverancer", help="Leverancefil (CSV/XLSX/Parquet); erstatter data.leverancer."
    ),
]
GrantsOpt = Annotated[
    Path | None,
    typer.Option(
        "--visitationer", help="Visitationsfil (CSV/XLSX/Parquet); erstatter data.visitationer."
    ),
]
FrozenOpt = Annotated[
    Path | None,
    typer.Option(
        "--takstblad",
        help="Takstbladet (.json) fra takst takstblad: timepriser og takster tages derfra i "
        "stedet for at blive beregnet; finansieringsmodellerne og rammerne er modelfilens.",
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--ud", help="Projektmappe (.xlsx) eller mappe til --format csv/json/parquet."),
]
OverwriteOpt = Annotated[
    bool,
    typer.Option(
        "--overskriv",
        help="Erstat en eksisterende projektmappe eller takst-filerne i en udmappe.",
    ),
]
ExcludeOpt = Annotated[
    bool,
    typer.Option(
        "--udelad-ugyldige",
        help="Udelad ugyldige rækker og list dem i datakvalitet i stedet for at stoppe.",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--stille",
        help="Skriv intet ved succes (hverken tabeller eller 'Skrev …'); fejl og "
        "plausibilitetsadvarsler skrives altid på stderr. Til cron.",
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--streng",
        help="Advarsler fra plausibilitetstjekket (alle takster 0, mange besøg uden for "
        "modellen, team på standardmodellen) stopper kørslen med exitkode 1; intet skrives.",
    ),
]


class OutFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    parquet = "parquet"


FormatOpt = Annotated[
    OutFormat | None,
    typer.Option(
        "--format", help="xlsx (projektmappe) eller csv/json/parquet (én fil pr. tabel i --ud)."
    ),
]


class CsvDialect(StrEnum):
    maskine = "maskine"
    dansk = "dansk"


DialectOpt = Annotated[
    CsvDialect,
    typer.Option(
        "--csv-dialekt",
        help="maskine: ',' og '.' i UTF-8 (til programmer); dansk: ';', decimalkomma og "
        "UTF-8 med BOM (åbnes direkte i dansk Excel). Gælder --format csv.",
    ),
]

_state = {"debug": False}

log = logging.getLogger("takst")


def parse_date(text: str, option: str = "--dato") -> dt.date:
    """A date on the command line as exports and officers write it: dd-mm-åååå (also with / or
    .) or ISO åååå-mm-dd. Anything else — or a day that does not exist — is a usage error
    naming the value; never a guess between day and month (both forms put the year apart)."""
    import re

    text = text.strip()
    danish = re.fullmatch(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", text)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    try:
        if danish:
            return dt.date(int(danish[3]), int(danish[2]), int(danish[1]))
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        raise typer.BadParameter(
            f"'{text}': den dag findes ikke", param_hint=f"'{option}'"
        ) from None
    raise typer.BadParameter(
        f"'{text}' er ikke en dato; skriv dd-mm-åååå (31-10-2025) eller åååå-mm-dd (2025-10-31)",
        param_hint=f"'{option}'",
    )


def set_debug(value: bool) -> None:
    _state["debug"] = value


def set_logging(verbose: bool, log_file: Path | None) -> None:
    """-v/--verbose: one line per stage on stderr; --log-fil: the same lines appended to a
    file. Standard `logging` on the 'takst' logger, so an operator's own setup works too."""
    for handler in list(log.handlers):  # a second run in the same process (tests)
        log.removeHandler(handler)
        handler.close()
    log.setLevel(logging.INFO if verbose or log_file else logging.WARNING)
    log.propagate = False
    log.addHandler(logging.NullHandler())  # without -v/--log-fil: no line anywhere
    form = logging.Formatter("%(asctime)s takst %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S")
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(form)
        log.addHandler(handler)
    if log_file is not None:
        try:
            handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            from takst_cli.errors import file_error

            render_lines = file_error(exc, log_file).lines()
            print(f"Fejl: {render_lines[0]}", file=sys.stderr)
            raise typer.Exit(1) from None
        handler.setFormatter(form)
        log.addHandler(handler)


class _StageLog:
    """The pipeline's progress callback as log lines: each stage with the seconds the one
    before it took."""

    def __init__(self, show: Callable[[str], None]) -> None:
        self.show = show
        self.started = self.last = time.monotonic()
        self.stage = ""

    def __call__(self, stage: str) -> None:
        self.show(stage)
        self._close()
        self.stage = stage.rstrip(" …")
        log.info("trin: %s", self.stage)

    def _close(self) -> None:
        now_ = time.monotonic()
        if self.stage:
            log.info("færdig: %s (%s s)", self.stage, format_number(now_ - self.last, 1))
        self.last = now_

    def done(self, result: RunResult) -> None:
        self._close()
        for info in result.inputs:
            log.info("%s: %s rækker læst (%s)", info.label, format_number(info.rows, 0), info.name)
        log.info("beregning færdig (%s s i alt)", format_number(time.monotonic() - self.started, 1))


@contextmanager
def error_boundary(
    out: Path | None = None,
    fmt: OutFormat | None = None,
    overwrite: bool = False,
    dialect: CsvDialect = CsvDialect.maskine,
) -> Iterator[None]:
    """User errors (and file-system errors the user can fix: a full disk, no permission, ...):
    one Danish message to stderr, exit 1. Ctrl-C, SIGTERM, SIGHUP: the writers clean up, one
    line says what was written, exit 128 + the signal. Anything else: a short message, exit 1;
    the traceback (never with locals) only with --debug. A command that writes tables passes
    its --ud/--format/--overskriv: the target is checked first (see `output_form`)."""
    from takst_cli.cli.render import make_console, render_error
    from takst_cli.errors import Interrupted, file_error, is_user_os_error
    from takst_cli.io.interrupts import interrupt_on_signals

    try:
        if out is not None or fmt is not None or dialect != CsvDialect.maskine:
            output_form(out, fmt, overwrite, dialect)  # before the calculation, not after it
        with interrupt_on_signals():
            yield
    except TakstError as exc:
        if _state["debug"]:
            traceback.print_exc()
        render_error(make_console(stderr=True), exc.lines())
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _interrupted(signal.SIGINT)
    except Interrupted as exc:
        _interrupted(exc.signum)
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # the boundary: never a raw traceback with personal data
        if _state["debug"]:
            traceback.print_exc()
        if isinstance(exc, OSError) and is_user_os_error(exc):
            render_error(
                make_console(stderr=True), file_error(exc, action="læse eller skrive").lines()
            )
            raise typer.Exit(1) from None
        render_error(
            make_console(stderr=True),
            [
                f"uventet fejl ({exc.__class__.__name__}). Kør igen med --debug for detaljer, "
                "og meld fejlen til udviklerne."
            ],
        )
        raise typer.Exit(1) from None


def _interrupted(signum: int) -> NoReturn:
    """The one line after Ctrl-C or a kill signal, then exit 128 + signum as shells expect."""
    from takst_cli.errors import interrupted_message, mask_cpr
    from takst_cli.io.interrupts import committed

    print(mask_cpr(interrupted_message(signum, committed())), file=sys.stderr)
    raise typer.Exit(128 + signum)


def calculate(
    config: Path,
    visits: Path | None,
    grants: Path | None,
    exclude_invalid: bool,
    strict: bool = False,
    follow_up_date: dt.date | None = None,
    show_ids: bool = False,
    takstblad: Path | None = None,
) -> Calculation:
    """Load the model and its exports and run the calculation (api.calculate), with a
    spinner on a terminal. The warnings go to stderr (`gate`; and a model file changed since
    the `takstblad` was made)."""
    from takst_cli import api
    from takst_cli.cli.render import working

    log.info("modelfil: %s", config)
    with working("Læser modelfil og eksporter …") as stage:
        stages = _StageLog(stage)
        calc = api.calculate(
            config,
            visits=visits,
            grants=grants,
            exclude_invalid=exclude_invalid,
            follow_up_date=follow_up_date,
            show_ids=show_ids,
            takstblad=takstblad,
            progress=stages,
        )
        stages.done(calc.run)
    gate(calc.run, strict)
    if takstblad is not None and calc.takstblad is not None:
        warn_if_model_changed(config, takstblad, calc.takstblad)
    return calc


def gate(result: RunResult, strict: bool) -> None:
    """The plausibility gate's warnings to stderr (and the log); with `strict` they stop the
    run before anything is written."""
    from takst_cli.cli.render import make_console
    from takst_cli.errors import Problem

    if result.warnings and strict:
        raise TakstError(
            f"plausibilitetstjekket gav {len(result.warnings)} advarsel(er), og med --streng "
            "stopper kørslen; intet er skrevet",
            [Problem("", w) for w in result.warnings],
        )
    console = make_console(stderr=True)
    for warning in result.warnings:
        log.warning("%s", warning)
        console.print(f"Advarsel: {warning}", markup=False, soft_wrap=True)


def table_command(
    name: str, doc: str, tables_of: Callable[[Calculation], list[ReportTable]]
) -> Callable[..., None]:
    """A command that runs the calculation and shows (or writes) some of its tables: the
    shared options, load, run and output; only the tables differ."""

    def command(
        config: ConfigOpt,
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
        with error_boundary(ud, format, overskriv, csv_dialekt):
            result = calculate(config, leverancer, visitationer, udelad_ugyldige, strict=streng)
            tables = tables_of(result)
            emit(tables, lambda _t: tables, ud, format, overskriv, stille, csv_dialekt)

    command.__name__ = name
    command.__doc__ = doc
    return command


def funding_command(
    name: str, doc: str, tables_of: Callable[[Calculation], list[ReportTable]]
) -> Callable[..., None]:
    """A table command over the funding (§4.4-4.5) that can take its prices and tariffs from a
    takstblad (--takstblad): then the takstblad's source table comes first, and the funding
    carries the frozen prices (api.calculate's `takstblad`)."""

    def command(
        config: ConfigOpt,
        takstblad: FrozenOpt = None,
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
        with error_boundary(ud, format, overskriv, csv_dialekt):
            from takst_cli.report.cycle import frozen_tables

            calc = calculate(
                config, leverancer, visitationer, udelad_ugyldige, streng, takstblad=takstblad
            )
            tables = tables_of(calc)
            if calc.takstblad is not None:
                tables = [frozen_tables(calc.takstblad)[0], *tables]
            emit(tables, lambda _t: tables, ud, format, overskriv, stille, csv_dialekt)

    command.__name__ = name
    command.__doc__ = doc
    return command


def emit(
    screen: list[ReportTable],
    full: Callable[[dt.datetime | None], list[ReportTable]],
    out: Path | None,
    fmt: OutFormat | None,
    overwrite: bool,
    quiet: bool,
    dialect: CsvDialect = CsvDialect.maskine,
) -> None:
    """Print `screen`, then write `full` as a workbook (with the run time) or as files (without
    it, so the same inputs give byte-identical files). Every table passes `mask_tables` here, on
    its way to the screen and to every file: no CPR number leaves the program."""
    from takst_cli import api
    from takst_cli.cli.render import make_console, render_tables, working
    from takst_cli.errors import mask_cpr
    from takst_cli.tables import mask_tables

    fmt = output_form(out, fmt, overwrite, dialect)  # again: the target may have changed
    if not quiet:
        render_tables(make_console(), mask_tables(screen))
    if out is None or fmt is None:
        return
    if fmt == OutFormat.xlsx:
        with working(f"Skriver {out.name} …"):
            written = api.write(full(now()), out, "xlsx", overwrite=overwrite)
    else:
        written = api.write(full(None), out, fmt.value, overwrite=overwrite, dialect=dialect.value)
    log.info("skrev %s", ", ".join(str(p) for p in written))
    if not quiet:  # --stille: nothing at all on success (cron mails any output)
        print(mask_cpr(f"Skrev {', '.join(str(p) for p in written)}"), file=sys.stderr)


_FORMS = (
    "en projektmappe (.xlsx) eller en mappe (uden endelse, eller med --format csv/json/parquet)"
)


def output_form(
    out: Path | None,
    fmt: OutFormat | None,
    overwrite: bool,
    dialect: CsvDialect = CsvDialect.maskine,
) -> OutFormat | None:
    """What `--ud`/`--format` ask for, checked before anything is calculated (error_boundary
    calls this first) and again before writing: a known form, a writable place, and a target
    that is free or may be replaced. A path whose form means nothing (`r.pdf`, the typo
    `r.xslx`, `-`) is a usage error (exit 2) naming the forms there are — never silently a
    folder of CSV files."""
    from takst_cli.errors import UsageError
    from takst_cli.io.writers import check_folder_writable, check_parent, check_writable

    if out is None:
        if fmt is not None:
            raise TakstError("--format kræver --ud (en .xlsx-fil eller en mappe)")
        if dialect != CsvDialect.maskine:
            raise UsageError(f"--csv-dialekt {dialect}: kræver --ud en mappe med CSV-filer")
        return None
    suffix = out.suffix.lower()
    if str(out) == "-":
        raise UsageError(f"--ud -: takst skriver ikke tabellerne til stdout; brug {_FORMS}")
    if fmt is None:
        if suffix == ".xlsx":
            fmt = OutFormat.xlsx
        elif suffix and not out.is_dir():
            raise UsageError(f"--ud {out}: ukendt endelse '{out.suffix}'; brug {_FORMS}")
        else:
            fmt = OutFormat.csv
    if dialect != CsvDialect.maskine and fmt != OutFormat.csv:
        # never silently the machine form when the Danish one was asked for
        raise UsageError(
            f"--csv-dialekt {dialect} gælder kun CSV-filer, ikke {fmt}; brug --format csv"
        )
    if fmt == OutFormat.xlsx and suffix != ".xlsx":
        raise TakstError(f"{out}: en projektmappe skal have endelsen .xlsx")
    if fmt != OutFormat.xlsx and out.exists() and not out.is_dir():
        raise TakstError(f"{out}: er en fil; --format {fmt} skriver i en mappe")
    check_parent(out)
    if fmt == OutFormat.xlsx:
        check_writable(out, overwrite)
    else:
        check_folder_writable(out, overwrite)
    return fmt


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def warn_if_model_changed(config: Path, path: Path, sheet: Takstblad) -> None:
    """The takstblad carries its model file's SHA-256: a model file changed since is used for
    the funding models and frames, the takstblad for prices and tariffs — said on stderr, as
    `takst afregn` says it, rather than refused (a frame changed mid-year is the model file's
    to change)."""
    import sys

    from takst_cli.io.readers import file_digest

    if file_digest(config) != sheet.model_sha256:
        print(
            f"Advarsel: modelfilen er ændret, siden takstbladet blev lavet ({path.name}); "
            "takster og timepriser er takstbladets, finansieringsmodellerne modelfilens",
            file=sys.stderr,
        )
