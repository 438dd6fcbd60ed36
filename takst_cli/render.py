"""Rich tables for the terminal: the only module that builds them. Danish number formats."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.measure import Measurement
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from takst_cli.errors import mask_cpr
from takst_cli.format import format_number, format_share
from takst_cli.report import Column, ReportTable


class _MaskingConsole(Console):
    """A Console whose every character on its way out passes `mask_cpr`: the last guard for
    text that did not come through a table or an error (a warning, a progress line)."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return mask_cpr(super()._render_buffer(buffer))

    def on_broken_pipe(self) -> None:
        """stdout closed early (`takst beregn … | head -1`): the rest of the screen output goes
        to the null device and the run goes on — a workbook asked for is still written, and
        the exit code is the run's own (0), not Rich's 1."""
        self.quiet = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # a stdout without a descriptor
            pass


SCREEN_MAX_ROWS = 1000  # rows of one table shown in the terminal


def make_console(stderr: bool = False, width: int | None = None) -> Console:
    """The one Console factory: no colour or markup surprises when not a terminal, and wide
    enough there (a log file or a pipe) that tables do not wrap."""
    console = _MaskingConsole(stderr=stderr, highlight=False, width=width, soft_wrap=False)
    if width is None and not console.is_terminal:
        console.width = 200
    return console


def format_cell(value: Any, column: Column) -> str:
    if value is None:
        return "–"
    if column.kind in ("kr", "timer", "uger", "tal"):
        return format_number(value)
    if column.kind == "heltal":
        return format_number(value, 0)
    if column.kind == "andel":
        return format_share(Decimal(value))
    return str(value)


def _header(column: Column) -> str:
    return f"{column.header} (kr.)" if column.kind == "kr" else column.header


def render_table(console: Console, table: ReportTable) -> None:
    """Every text from data (a team '[/Vest]', 'Team Syd [aften]', a file name) is shown as
    written: titles, headers and cells go in as Text, never parsed as Rich markup. A table
    longer than SCREEN_MAX_ROWS (a list of a million invalid rows) shows its first rows and a
    line saying so: Rich needs minutes for 100 000 rows, and the files hold them all."""
    rich_table = Table(title=Text(table.title), title_justify="left", show_lines=False)
    notes = [table.note] if table.note else []
    if len(table.rows) > SCREEN_MAX_ROWS:
        notes.insert(0, _cut_note(len(table.rows)))
        table = replace(table, rows=table.rows[:SCREEN_MAX_ROWS])
    rows = table.rows + ([table.total] if table.total else [])
    for j, column in enumerate(table.columns):
        numeric = column.kind != "tekst"
        cells = [format_cell(r[j], column) for r in rows]
        longest = max((len(c) for c in cells), default=1)
        # Numbers never wrap (their column is at least as wide as the widest); long headers
        # and long text may.
        rich_table.add_column(
            Text(_header(column)),
            justify="right" if numeric else "left",
            overflow="fold",
            min_width=longest if numeric else min(longest, 28),
        )
    for i, row in enumerate(table.rows):
        last = i == len(table.rows) - 1 and table.total is not None
        rich_table.add_row(
            *(Text(format_cell(v, c)) for v, c in zip(row, table.columns, strict=True)),
            end_section=last,
        )
    if table.total is not None:
        rich_table.add_row(
            *(Text(format_cell(v, c)) for v, c in zip(table.total, table.columns, strict=True)),
            style="bold",
        )
    if console.is_terminal:
        console.print(rich_table)
    else:  # a pipe or a log file: the whole table on unwrapped lines, nothing cropped
        width = Measurement.get(console, console.options, rich_table).maximum
        console.print(rich_table, width=max(width, console.width), crop=False)
    for note in notes:
        console.print(note, style="dim", markup=False, emoji=False)
    console.print()


def _cut_note(n_rows: int) -> str:
    return (
        f"Viser de første {format_number(SCREEN_MAX_ROWS, 0)} af {format_number(n_rows, 0)} "
        "rækker; hele tabellen skrives med --ud (en projektmappe eller --format csv)."
    )


def render_tables(console: Console, tables: list[ReportTable]) -> None:
    for table in tables:
        render_table(console, table)


def render_error(console: Console, lines: list[str]) -> None:
    """The error boundary's output; CPR-shaped numbers never reach the screen or a log."""
    lines = [mask_cpr(line) for line in lines]
    console.print(f"Fejl: {lines[0]}", style="bold red", markup=False, emoji=False)
    for line in lines[1:]:
        console.print(line, markup=False, emoji=False)


@contextmanager
def working(text: str) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr with the stage being worked on and the time it has taken, only when
    a person is watching (stdout and stderr both a terminal); in a pipe, a log or cron nothing
    is printed. Yields the function that names the next stage."""
    console = make_console(stderr=True)
    if not (console.is_terminal and make_console().is_terminal):
        yield lambda _: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(mask_cpr(text), total=None)
        yield lambda stage: progress.update(task, description=mask_cpr(stage))
