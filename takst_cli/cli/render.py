"""Rich tables for the terminal: the only module that builds them. Danish number formats."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from takst_cli.errors import mask_cpr
from takst_cli.format import format_number
from takst_cli.tables import Column, ReportTable, format_cell


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
    """The one Console factory: no colour or markup surprises when not a terminal. Rich takes
    the width from the terminal or COLUMNS; a pipe or a log file without COLUMNS gets lines as
    long as their content (see `screen_width`), never padded to a fixed width."""
    console = _MaskingConsole(stderr=stderr, highlight=False, width=width, soft_wrap=False)
    if width is None and not console.is_terminal and screen_width(console) is None:
        console.width = _NATURAL
    return console


_NATURAL = 10_000  # "as wide as the content": a pipe without COLUMNS


def screen_width(console: Console) -> int | None:
    """The width tables must fit: the terminal's (Rich reads COLUMNS too), COLUMNS in a pipe,
    or None (a pipe or log without COLUMNS: every line as long as its content)."""
    if console.is_terminal:
        return console.width
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return None


# Columns that say what a row is about besides its text columns: repeated in every part of a
# table split for a narrow terminal, so a tariff is never shown without its level.
_KEY_HEADERS = {"niveau", "startniveau", "fase", "måned", "år", "uge", "periode"}


def _key_count(columns: list[Column]) -> int:
    n = 0
    while n < len(columns) and (
        not columns[n].fmt.number or columns[n].header.lower() in _KEY_HEADERS
    ):
        n += 1
    return max(min(n, len(columns) - 1), 1) if len(columns) > 1 else len(columns)


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=1)


_TEXT_MAX = 28  # a text column wider than this folds its text when the screen is narrow


def _widths(table: ReportTable) -> list[tuple[int, int]]:
    """(narrowest, natural) width of each column. A number is never wrapped or cut: its column
    is at least as wide as its widest cell. A header wraps between words only; a text column
    may fold its text down to _TEXT_MAX."""
    rows = table.rows + ([table.total] if table.total else [])
    out = []
    for j, column in enumerate(table.columns):
        cells = [format_cell(r[j], column) for r in rows]
        longest = max((len(c) for c in cells), default=1)
        header = column.label
        natural = max(longest, len(header))
        if not column.fmt.number:
            words = max([_longest_word(header)] + [_longest_word(c) for c in cells])
            narrow = min(natural, max(words, _TEXT_MAX))
        else:
            narrow = max(longest, _longest_word(header))
        out.append((narrow, natural))
    return out


def _frame(n_columns: int) -> int:
    """Characters a Rich table adds around `n_columns` columns: a border each side and between,
    one space of padding each side of every cell."""
    return 3 * n_columns + 1


def _spread(sizes: list[tuple[int, int]], width: int | None) -> list[int] | None:
    """Column widths within `width`: natural when they fit, else from the narrowest, growing
    columns in order towards natural with what is left; None when even the narrowest do not."""
    natural = [n for _, n in sizes]
    if width is None or sum(natural) + _frame(len(sizes)) <= width:
        return natural
    spare = width - _frame(len(sizes)) - sum(w for w, _ in sizes)
    if spare < 0:
        return None
    out = []
    for narrow, nat in sizes:
        grow = min(nat - narrow, spare)
        spare -= grow
        out.append(narrow + grow)
    return out


def _rich_table(
    table: ReportTable, picked: list[int], title: str, widths: list[int] | None
) -> Table:
    """The Rich table of the columns `picked`, each exactly as wide as `widths` says."""
    rich_table = Table(title=Text(title), title_justify="left", show_lines=False)
    for k, j in enumerate(picked):
        column = table.columns[j]
        rich_table.add_column(
            Text(column.label),
            justify="right" if column.fmt.number else "left",
            overflow="fold",
            width=widths[k] if widths else None,
        )
    for i, row in enumerate(table.rows):
        last = i == len(table.rows) - 1 and table.total is not None
        rich_table.add_row(
            *(Text(format_cell(row[j], table.columns[j])) for j in picked), end_section=last
        )
    if table.total is not None:
        total = table.total
        rich_table.add_row(
            *(Text(format_cell(total[j], table.columns[j])) for j in picked), style="bold"
        )
    return rich_table


def _transposed(table: ReportTable, width: int) -> Table:
    """A one-row table too wide for the screen: one line per column (header, value)."""
    pairs = [
        (c.label, format_cell(v, c)) for c, v in zip(table.columns, table.rows[0], strict=True)
    ]
    value_width = max(len("Værdi"), *(len(v) for _, v in pairs))
    label_width = max(len("Felt"), *(len(h) for h, _ in pairs))
    label_width = max(min(label_width, width - value_width - _frame(2)), 4)
    rich_table = Table(title=Text(table.title), title_justify="left")
    rich_table.add_column(Text("Felt"), overflow="fold", width=label_width)
    rich_table.add_column(Text("Værdi"), justify="right", no_wrap=True, width=value_width)
    for header, value in pairs:
        rich_table.add_row(Text(header), Text(value))
    return rich_table


def fitted(table: ReportTable, width: int | None) -> list[Table]:
    """The table as one or more Rich tables no wider than `width`: whole when it fits (headers
    wrapped between words if need be), a single row transposed (one line per column), else
    split into parts of columns with the key columns (text, level, phase) repeated in each —
    never a cut number."""
    sizes = _widths(table)
    every = list(range(len(table.columns)))
    whole = _spread(sizes, width)
    if whole is not None:
        return [_rich_table(table, every, table.title, whole)]
    assert width is not None
    if len(table.rows) == 1 and table.total is None:
        return [_transposed(table, width)]
    keys = every[: _key_count(table.columns)]
    groups: list[list[int]] = []
    for j in every[len(keys) :]:
        if groups and _spread([sizes[i] for i in keys + groups[-1] + [j]], width) is not None:
            groups[-1].append(j)
        else:
            groups.append([j])
    parts = []
    for i, group in enumerate(groups, 1):
        picked = keys + group
        widths = _spread([sizes[k] for k in picked], width)
        if widths is None:  # one column beside the keys is too wide: its text folds
            room = width - _frame(len(picked)) - sum(sizes[k][0] for k in keys)
            widths = [sizes[k][0] for k in keys] + [max(room, 1)]
        title = f"{table.title} (del {i} af {len(groups)})" if len(groups) > 1 else table.title
        parts.append(_rich_table(table, picked, title, widths))
    return parts


def _print(console: Console, renderable: Table, width: int | None) -> None:
    if console.is_terminal:
        console.print(renderable, width=width)
        return
    # a pipe or a log file: plain lines, none longer than its content (no padding)
    if width is None:
        width = _NATURAL
    for line in console.render_lines(renderable, console.options.update(width=width), pad=False):
        console.out("".join(segment.text for segment in line).rstrip(), highlight=False)


def render_table(console: Console, table: ReportTable) -> None:
    """Every text from data (a team '[/Vest]', 'Team Syd [aften]', a file name) is shown as
    written: titles, headers and cells go in as Text, never parsed as Rich markup. A table
    longer than SCREEN_MAX_ROWS (a list of a million invalid rows) shows its first rows and a
    line saying so: Rich needs minutes for 100 000 rows, and the files hold them all. A table
    wider than the screen is split or transposed (`fitted`)."""
    notes = [table.note] if table.note else []
    if len(table.rows) > SCREEN_MAX_ROWS:
        notes.insert(0, _cut_note(len(table.rows)))
        table = replace(table, rows=table.rows[:SCREEN_MAX_ROWS])
    width = screen_width(console)
    for part in fitted(table, width):
        _print(console, part, width)
    for note in notes:
        console.print(note, style="dim", markup=False, emoji=False, soft_wrap=width is None)
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
    whole = not console.is_terminal  # in a log or a CI job, one message is one line
    console.print(f"Fejl: {lines[0]}", style="bold red", markup=False, emoji=False, soft_wrap=whole)
    for line in lines[1:]:
        console.print(line, markup=False, emoji=False, soft_wrap=whole)


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
