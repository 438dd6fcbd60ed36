"""Writers: the Excel workbook, CSV/JSON/Parquet files and the sample export — all or nothing.
Each output is built in full (in memory, then in a temporary file or folder beside the target)
and moved into place by rename under a lock file, so a full disk, a signal or a second run at
the same time leaves the target as it was: never half written, never a mix of two runs."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from takst_cli.errors import Problem, TakstError, file_error
from takst_cli.format import format_number
from takst_cli.io.interrupts import mark_committed, uninterrupted
from takst_cli.tables import (
    KIND_FORMATS,
    ONE_PAGE_SHEETS,
    TOTAL_SUFFIX,
    ReportTable,
    is_table_key,
)

EXCEL_MAX_ROWS = 1_048_576  # rows a sheet holds (Excel's limit; openpyxl raises beyond it)
FOLDER_FORMATS = ("csv", "json", "parquet")
# os.link cannot make a hard link here (FAT, some network shares): rename after a check instead
_NO_LINK = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


def _exists_error(target: Path) -> TakstError:
    return TakstError(f"{target}: findes allerede; brug --overskriv for at erstatte den")


def _put(path: Path, data: bytes) -> None:
    """Every output byte goes to disk here (so a full disk is met, and tested, in one place)."""
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """An exclusive lock file beside the target for the time it is written: a second run to the
    same target stops with a message instead of mixing its files in. A lock left by a run on
    this machine that no longer exists (killed with -9) is taken over."""
    # In an existing output folder the lock goes inside it: its parent may be closed to the
    # user (a month's folder made for a scheduled run); else beside the target.
    lock = target / ".takst.laas" if target.is_dir() else target.parent / f".{target.name}.laas"
    owner = f"{os.getpid()} {socket.gethostname()}\n"
    for attempt in (1, 2):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            if attempt == 1 and _stale(lock):
                lock.unlink(missing_ok=True)
                continue
            raise TakstError(
                f"{target}: skrives af en anden kørsel lige nu; kør igen, når den er færdig",
                [Problem("", f"er der ingen anden kørsel, så slet låsefilen {lock.name}")],
            ) from None
        except OSError as exc:  # no permission, read-only, a file where the folder should be
            raise file_error(exc, target) from None
    try:
        os.write(fd, owner.encode())
        os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)


def _stale(lock: Path) -> bool:
    """The lock's run was on this machine and is gone."""
    try:
        pid, host = lock.read_text(encoding="utf-8").split()
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return host == socket.gethostname()
    except (OSError, ValueError):
        return False
    return False


def check_parent(target: Path) -> None:
    """The folder written in — an existing output folder itself, else the target's folder (or
    its nearest existing ancestor, created on the way) — is one we may write in; else the
    Danish message for the OSError the write would meet."""
    parent = target.absolute() if target.is_dir() else target.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise file_error(OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)), target)
    if not os.access(parent, os.W_OK | os.X_OK):
        code = errno.EROFS if _read_only(parent) else errno.EACCES
        raise file_error(OSError(code, os.strerror(code)), target)


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows)
        return False


def check_writable(target: Path, overwrite: bool) -> None:
    """Before anything is calculated or written: the target is free (or may be replaced) and
    has the right kind — a file for a file, a folder for a folder."""
    if target.is_dir():
        raise TakstError(f"{target}: er en mappe; her skal skrives en fil")
    if target.exists() and not overwrite:
        raise _exists_error(target)


def check_folder_writable(folder: Path, overwrite: bool) -> None:
    """A folder output is the set of takst's table files in it (any format): without
    --overskriv there must be none yet; other files and folders in it are never touched."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise TakstError(f"{folder}: er en fil; --format csv/json/parquet skriver i en mappe")
    if not overwrite and (present := _table_files(folder)):
        shown = ", ".join(p.name for p in present[:2]) + (" …" if len(present) > 2 else "")
        raise TakstError(f"{folder}: findes allerede med takst-filer ({shown}); brug --overskriv")


def _table_files(folder: Path, also: Iterable[str] = ()) -> list[Path]:
    """The files of an earlier run: a table's key (or one of `also`) with a folder format."""
    extra = set(also)
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lstrip(".") in FOLDER_FORMATS
        and (is_table_key(p.stem) or p.stem in extra)
        and p.is_file()
    )


@contextmanager
def atomic_path(target: Path, overwrite: bool = True) -> Iterator[Path]:
    """A temporary path in the target's folder, moved onto the target if the block succeeds;
    without `overwrite` the move fails if the target has appeared meanwhile (a hard link does
    not replace). The temporary file is gone afterwards, whatever happens (signals included);
    an OSError the user can fix becomes a Danish message naming the target."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _temporary(target) as tmp:
            yield tmp
            _commit([(tmp, target)], overwrite)
    except OSError as exc:
        raise file_error(exc, target) from None


@contextmanager
def _temporary(target: Path) -> Iterator[Path]:
    """A new temporary file beside `target`, removed on the way out (moved or not)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _commit(moves: list[tuple[Path, Path]], overwrite: bool, remove: Sequence[Path] = ()) -> None:
    """Move temporary files onto their targets, and take `remove` away, as one unit: a signal
    waits until all is done (see `uninterrupted`), and if one step fails, those before it are
    undone — each old version, set aside first, is put back."""
    umask = _umask()
    for tmp, _ in moves:
        os.chmod(tmp, 0o666 & ~umask)
    several = len(moves) + len(remove) > 1
    done: list[tuple[Path, Path | None]] = []  # a path changed, and its old version set aside
    with uninterrupted():
        try:
            for tmp, target in moves:
                aside = _set_aside(target) if overwrite and several else None
                try:
                    _move_file(tmp, target, overwrite)
                except BaseException:
                    if aside is not None:
                        os.replace(aside, target)
                    raise
                done.append((target, aside))
            for path in remove:
                done.append((path, _set_aside(path)))
        except BaseException:
            for target, aside in reversed(done):
                if aside is not None:
                    os.replace(aside, target)
                else:
                    target.unlink(missing_ok=True)
            raise
        for _, aside in done:
            if aside is not None:
                aside.unlink(missing_ok=True)
        for _, target in moves:
            mark_committed(target)


def _set_aside(path: Path) -> Path | None:
    """Rename an existing file to a hidden name beside it (to put back or delete later)."""
    if not os.path.lexists(path):
        return None
    aside = path.with_name(f".{path.name}.{os.getpid()}.gammel")
    os.replace(path, aside)
    return aside


def _move_file(tmp: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise _exists_error(target) from None
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        if target.exists():
            raise _exists_error(target) from None
        os.rename(tmp, target)


def _write_set(files: dict[Path, bytes], overwrite: bool) -> None:
    """Files that belong together (a workbook and the CSV of a table too long for it) as one
    unit, under the lock of the first: each written beside its target, then all moved in."""
    primary = next(iter(files))
    with _locked(primary):
        try:
            with ExitStack() as stack:
                moves = []
                for target, data in files.items():
                    if not overwrite and os.path.lexists(target):
                        raise _exists_error(target)
                    tmp = stack.enter_context(_temporary(target))
                    _put(tmp, data)
                    moves.append((tmp, target))
                _commit(moves, overwrite)
        except OSError as exc:
            raise file_error(exc, primary) from None


def write_workbook(target: Path, tables: list[ReportTable], overwrite: bool = True) -> list[Path]:
    """One sheet per table group; titles, bold frozen headers, number formats, column widths.
    A table longer than a sheet holds is also written whole, as CSV, beside the workbook
    ('<workbook>_<table>.csv'); the two are written as one unit."""

    def beside(table: ReportTable) -> Path:
        return target.with_name(f"{target.stem}_{table.key}.csv")

    data, cut = workbook_bytes(tables, lambda t: beside(t).name)
    files = {target: data, **{beside(t): encode_table(t, "csv") for t in cut}}
    _write_set(files, overwrite)
    return list(files)


def workbook_bytes(
    tables: list[ReportTable], csv_name: Callable[[ReportTable], str]
) -> tuple[bytes, list[ReportTable]]:
    """The workbook as .xlsx bytes, and the tables too long for a sheet: each shows its first
    rows and a line saying how many are left out and that all are in `csv_name(table)`.
    Formulas are written with their values cached (see ReportTable.formulas), so every viewer
    shows the numbers before a recalculation."""
    import xlsxwriter

    buf = io.BytesIO()
    # In memory first: a full disk then meets one plain write, not a half-closed zip file.
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    meta = _meta(tables)
    wb.set_properties(
        {
            "title": meta["title"],
            "subject": "Timepriser og forløbstakster",
            "author": "takst",
            "company": meta["kommune"],
            "comments": f"takst version {meta['version']}; periode {meta['periode']}",
            "keywords": f"takst {meta['version']}",
        }
    )
    wb.set_custom_property("Kommune", meta["kommune"])
    wb.set_custom_property("takst version", meta["version"])
    styles = _Styles(wb)
    sheets: dict[str, Any] = {}
    next_row: dict[str, int] = {}
    widths: dict[str, dict[int, float]] = {}
    cut: list[ReportTable] = []
    table_names: set[str] = set()
    per_sheet: dict[str, int] = {}
    for table in tables:
        ws = sheets.get(table.sheet)
        first = ws is None
        if ws is None:
            ws = sheets[table.sheet] = wb.add_worksheet(table.sheet)
            # takst's formulas use only Excel 2007 functions (SUM, SUMIFS, ROUND, IF): none of
            # the ~30 regex rewrites xlsxwriter tries per formula for newer functions applies,
            # and they were half the writing time. (A private hook: if it is renamed, the
            # library's own preparation runs again — slower, same result.)
            ws._prepare_formula = _plain_formula
            _print_setup(ws, meta, table.sheet)
            start = 0
        else:
            start = next_row[table.sheet] + 2
        ws.write_string(start, 0, table.title, styles.title)
        header_row = start + 1
        for j, column in enumerate(table.columns):
            ws.write_string(header_row, j, column.label, styles.header(column.kind))
        rows = table.rows + ([table.total] if table.total else [])
        notes = [table.note] if table.note else []
        # the rows the sheet has left below the header, less one line per note
        room = EXCEL_MAX_ROWS - (header_row + 1) - len(notes)
        if len(rows) > room:
            shown = max(room - 1, 0)  # one more line: the cut note
            notes.insert(0, _cut_note(len(rows), shown, csv_name(table)))
            rows = rows[:shown]
            cut.append(table)
        n_data = min(len(table.rows), len(rows))
        where = _Where(table, header_row, n_data)
        formulas = _sum_totals(table, rows)
        for i, row in enumerate(rows):
            r = header_row + 1 + i
            total = table.total is not None and i == len(table.rows)
            for j, (value, column) in enumerate(zip(row, table.columns, strict=True)):
                kind = table.cell_kinds.get((i, j), column.kind)
                fmt = styles.cell(kind, total=total, given=(i, j) in table.inputs)
                formula = formulas.get((i, j))
                if formula is not None:
                    ws.write_formula(r, j, where.resolve(formula, i), fmt, _cached(value))
                elif value is None:
                    ws.write_blank(r, j, None, fmt)
                elif isinstance(value, str):
                    ws.write_string(r, j, value, fmt)  # text, never a formula
                elif isinstance(value, bool):
                    ws.write_boolean(r, j, value, fmt)
                elif isinstance(value, int | float | Decimal):
                    ws.write_number(r, j, float(value), fmt)
                else:
                    ws.write(r, j, value, fmt)
                comment = table.comments.get((i, j))
                if comment:
                    ws.write_comment(r, j, comment, {"x_scale": 2, "y_scale": 1.2})
        last = header_row + len(rows)
        sheet_widths = widths.setdefault(table.sheet, {})
        for j, column in enumerate(table.columns):
            longest = max(
                [min(len(column.header), 24) + len(column.fmt.unit)]
                + [len(_shown(r[j], column.kind)) for r in rows[:500] if r[j] is not None]
            )
            sheet_widths[j] = max(sheet_widths.get(j, 0), min(max(longest + 2, 10), 60))
        span = sum(sheet_widths.get(j, 10) for j in range(len(table.columns)))
        for k, note in enumerate(notes, start=last + 1):
            if len(table.columns) > 1:  # wrapped within the table's width: the page stays as wide
                ws.merge_range(k, 0, k, len(table.columns) - 1, note, styles.note_wrapped)
                ws.set_row(k, 15 * (len(note) // max(int(span * 1.1), 1) + 1))
            else:
                ws.write_string(k, 0, note, styles.note)
        next_row[table.sheet] = last + len(notes)
        if n_data and _unique_headers(table):
            name = _table_name(table.key, table_names)
            ws.add_table(
                header_row,
                0,
                header_row + n_data,
                len(table.columns) - 1,
                {
                    "name": name,
                    "style": "Table Style Light 1",
                    "autofilter": len(table.rows) > 1,
                    "columns": [
                        {"header": c.label, "header_format": styles.header(c.kind)}
                        for c in table.columns
                    ],
                },
            )
        for name, (i, j) in table.names.items():
            wb.define_name(name, f"={_sheet_ref(table.sheet)}!{where.cell(i, j)}")
        for name, j in table.column_names.items():
            wb.define_name(name, f"={_sheet_ref(table.sheet)}!{where.column(j)}")
        if table.chart is not None and rows:
            below = next_row[table.sheet] + 2
            _add_chart(wb, ws, table, header_row, n_data, below)
            if table.chart.below:  # drawn below the table: the next table goes below it
                next_row[table.sheet] = below + -(-table.chart.height // 20)
        if first:
            ws.freeze_panes(header_row + 1, 0)
        per_sheet[table.sheet] = per_sheet.get(table.sheet, 0) + 1
    for sheet, n_tables in per_sheet.items():
        if n_tables == 1:  # a header on every page; with tables below it, it would be wrong
            sheets[sheet].repeat_rows(1)
    for sheet, cols in widths.items():
        for j, chars in cols.items():
            sheets[sheet].set_column(j, j, chars, styles.wrap_text if chars >= 60 else None)
    wb.close()
    return buf.getvalue(), cut


def _plain_formula(formula: str, *_args: Any, **_kwargs: Any) -> str:
    return formula[1:] if formula.startswith("=") else formula


def _cached(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _shown(value: Any, kind: str) -> str:
    """About as wide as the number shows (thousands separators, two decimals)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if KIND_FORMATS[kind].share:
            return f"{float(value):.1%}"
        return f"{float(value):,.2f}"
    return str(value)


def _unique_headers(table: ReportTable) -> bool:
    labels = [c.label.casefold() for c in table.columns]
    return len(set(labels)) == len(labels) and all(labels)


def _table_name(key: str, taken: set[str]) -> str:
    """An Excel table name: letters, digits and '_', unique in the workbook."""
    base = "t_" + re.sub(r"[^A-Za-z0-9_]", "_", key)
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name.casefold())
    return name


def _sheet_ref(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


class _Where:
    """Cell addresses of one table as written, and its formulas' [[...]] references resolved."""

    _REF = re.compile(r"\[\[([^\]@:]+)(?:@(\d+)|(:))?\]\]")

    def __init__(self, table: ReportTable, header_row: int, n_data: int) -> None:
        self.index = {c.header: j for j, c in enumerate(table.columns)}
        self.first = header_row + 1
        self.n_data = n_data

    def cell(self, i: int, j: int) -> str:
        from xlsxwriter.utility import xl_rowcol_to_cell

        return xl_rowcol_to_cell(self.first + i, j, row_abs=True, col_abs=True)

    def column(self, j: int) -> str:
        from xlsxwriter.utility import xl_rowcol_to_cell

        top = xl_rowcol_to_cell(self.first, j, row_abs=True, col_abs=True)
        end = xl_rowcol_to_cell(self.first + max(self.n_data, 1) - 1, j, True, True)
        return f"{top}:{end}"

    def resolve(self, formula: str, i: int) -> str:
        def one(m: re.Match[str]) -> str:
            j = self.index[m.group(1)]
            if m.group(3):
                return self.column(j)
            return self.cell(int(m.group(2)) if m.group(2) else i, j)

        return self._REF.sub(one, formula)


def _sum_totals(table: ReportTable, rows: list[list[Any]]) -> dict[tuple[int, int], str]:
    """The table's formulas, and the total row's sums as =SUM where a total is the sum of its
    column's shown rows (a count of distinct citizens is not: it stays a value)."""
    out = dict(table.formulas)
    if table.total is None or len(rows) <= len(table.rows):
        return out
    i = len(table.rows)
    for j, (value, column) in enumerate(zip(table.total, table.columns, strict=True)):
        if (i, j) in out or not column.fmt.number or not isinstance(value, int | Decimal):
            continue
        parts = [r[j] for r in table.rows]
        if all(isinstance(p, int | Decimal) or p is None for p in parts) and sum(
            (Decimal(p) for p in parts if p is not None), Decimal(0)
        ) == Decimal(value):
            out[(i, j)] = f"=SUM([[{column.header}:]])"
    return out


class _Styles:
    """The workbook's cell formats, made once each (xlsxwriter keeps one per combination)."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.title = wb.add_format({"bold": True, "font_size": 12})
        self.note = wb.add_format({"italic": True})
        self.note_wrapped = wb.add_format({"italic": True, "text_wrap": True, "valign": "top"})
        self.wrap_text = wb.add_format({"text_wrap": True, "valign": "top"})
        self._cache: dict[tuple[str, bool, bool], Any] = {}
        self._headers: dict[str, Any] = {}

    def header(self, kind: str) -> Any:
        fmt = self._headers.get(kind)
        if fmt is None:
            fmt = self._headers[kind] = self.wb.add_format(
                {
                    "bold": True,
                    "text_wrap": True,
                    "valign": "bottom",
                    "align": "right" if KIND_FORMATS[kind].number else "left",
                    # text after a right-aligned number would touch it: one space between
                    "indent": 0 if KIND_FORMATS[kind].number else 1,
                    "bg_color": "#DCE6F1",
                    "bottom": 1,
                }
            )
        return fmt

    def cell(self, kind: str, total: bool = False, given: bool = False) -> Any:
        key = (kind, total, given)
        fmt = self._cache.get(key)
        if fmt is None:
            props: dict[str, Any] = {"valign": "top"}
            if not KIND_FORMATS[kind].number:
                props.update({"align": "left", "indent": 1})
            excel = KIND_FORMATS[kind].excel
            if excel is not None:
                props["num_format"] = excel
            if total:
                props.update({"bold": True, "top": 1})
            if given:  # an assumption to change: blue on light yellow, as in KL's templates
                props.update({"font_color": "#1F4E9A", "bg_color": "#FFF2CC"})
            fmt = self._cache[key] = self.wb.add_format(props)
        return fmt


def _meta(tables: list[ReportTable]) -> dict[str, str]:
    """Kommune and period from the run's facts table (Forudsætninger), when there is one."""
    from takst_cli.version import __version__

    facts: dict[str, str] = {}
    for t in tables:
        if t.key == "forudsaetninger":
            facts = {str(r[0]): str(r[1]) for r in t.rows if len(r) >= 2}
    kommune = facts.get("Kommune", "")
    periode = facts.get("Periode", "")
    title = " – ".join(x for x in ("Takstberegning", kommune, periode) if x)
    return {"kommune": kommune, "periode": periode, "version": __version__, "title": title}


def _print_setup(ws: Any, meta: dict[str, str], sheet: str) -> None:
    """Landscape A4 as wide as the paper; kommune and period above, page x of y below."""

    def esc(text: str) -> str:
        return text.replace("&", "&&")

    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1 if sheet in ONE_PAGE_SHEETS else 0)
    ws.set_header(f"&L{esc(meta['kommune'])}&C{esc(sheet)}&R{esc(meta['periode'])}")
    ws.set_footer(f"&Ltakst {esc(meta['version'])}&CSide &P af &N")


def _cut_note(n_rows: int, shown: int, csv_name: str) -> str:
    return (
        f"Tabellen har {format_number(n_rows, 0)} rækker, men et Excel-ark rummer kun "
        f"{format_number(EXCEL_MAX_ROWS, 0)}: de første {format_number(shown, 0)} vises her, "
        f"{format_number(n_rows - shown, 0)} er udeladt. Hele tabellen står i {csv_name} ved "
        "siden af projektmappen."
    )


def _add_chart(
    wb: Any, ws: Any, table: ReportTable, header_row: int, n_rows: int, below: int
) -> None:
    """A line chart of the table's chart columns to the right of the table, or a column chart
    of its rows below it (row `below`), so the page stays as wide as the table."""
    spec = table.chart
    assert spec is not None
    sheet = table.sheet
    first, last = header_row + 1, header_row + n_rows
    if spec.by_row:
        chart = wb.add_chart({"type": "column"})
        for i in range(n_rows):
            chart.add_series(
                {
                    "name": [sheet, first + i, spec.category],
                    "categories": [sheet, header_row, 1, header_row, len(table.columns) - 1],
                    "values": [sheet, first + i, 1, first + i, len(table.columns) - 1],
                }
            )
    else:
        chart = wb.add_chart({"type": "column" if spec.bars else "line"})
        for col in spec.series:
            chart.add_series(
                {
                    "name": [sheet, header_row, col],
                    "categories": [sheet, first, spec.category, last, spec.category],
                    "values": [sheet, first, col, last, col],
                }
            )
    chart.set_title({"name": spec.title})
    chart.set_y_axis({"name": spec.y_title, "num_format": spec.y_format})
    chart.set_size({"width": 640, "height": spec.height})
    if spec.below:
        if not spec.by_row:
            chart.set_legend({"none": True})  # one series: its name is the title
            chart.set_x_axis({"label_position": "low"})  # names below a negative bar too
        ws.insert_chart(below, 0, chart)
    else:
        ws.insert_chart(header_row, len(table.columns) + 1, chart)


def _for_files(table: ReportTable) -> ReportTable:
    """The table as files show it: months as ISO 'YYYY-MM' (see Column.file_header and
    month_year), so a program sorts and joins them."""
    from dataclasses import replace

    from takst_cli.tables import MONTHS

    if not any(c.file_header or c.month_year for c in table.columns):
        return table
    iso = [j for j, c in enumerate(table.columns) if c.month_year]

    def row(r: list[Any]) -> list[Any]:
        r = list(r)
        for j in iso:
            if r[j] in MONTHS:
                r[j] = f"{table.columns[j].month_year}-{MONTHS.index(r[j]) + 1:02d}"
        return r

    return replace(
        table,
        columns=[replace(c, header=c.file_header or c.header) for c in table.columns],
        rows=[row(r) for r in table.rows],
        total=None if table.total is None else row(table.total),
    )


def table_frame(table: ReportTable) -> pl.DataFrame:
    """A table as a Polars frame, as the files hold it: headers as written (months ISO), money
    and hours as exact Decimal columns (2 places; shares 6), whole numbers Int64, the rest text;
    the total row, if any, last."""
    table = _for_files(table)
    records = table.records()
    columns = {c.header: c.fmt for c in table.columns}
    data: dict[str, list[Any]] = {h: [r[h] for r in records] for h in columns}
    series = []
    for header, fmt in columns.items():
        values = data[header]
        if fmt.scale is not None:
            scale = fmt.scale
            series.append(
                pl.Series(
                    header,
                    [None if v is None else Decimal(v) for v in values],
                    dtype=pl.Decimal(38, scale),
                )
            )
        elif fmt.number:  # a whole number
            series.append(pl.Series(header, values, dtype=pl.Int64))
        else:
            series.append(
                pl.Series(header, [None if v is None else str(v) for v in values], dtype=pl.String)
            )
    return pl.DataFrame(series)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_table(table: ReportTable, fmt: str, dialect: str = "maskine") -> bytes:
    """One table as a file's bytes (csv: UTF-8, ',' and '.' decimals — or with dialect 'dansk'
    what Danish Excel opens directly: ';', decimal comma, UTF-8 with BOM; json: records with
    amounts as exact strings; parquet: Decimal columns)."""
    if fmt == "csv" and dialect == "dansk":
        text = table_frame(table).write_csv(separator=";", decimal_comma=True)
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if fmt == "csv":
        return table_frame(table).write_csv().encode("utf-8")
    if fmt == "json":
        rows = [{k: _json_value(v) for k, v in r.items()} for r in _for_files(table).records()]
        text = json.dumps({"titel": table.title, "raekker": rows}, ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
    buf = io.BytesIO()
    table_frame(table).write_parquet(buf)
    return buf.getvalue()


def write_files(
    folder: Path, tables: list[ReportTable], fmt: str, overwrite: bool, dialect: str = "maskine"
) -> list[Path]:
    """One file per table in `folder` (its total row, if any, in its own file: see
    `data_and_total`), as one unit. A new folder is built as a temporary folder
    beside it and renamed into place. In an existing folder (with `overwrite`) every file is
    first written as a hidden temporary file in it, then the new files and the removal of the
    earlier run's table files (any format) are done together (see `_commit`). A failure or a
    signal leaves the folder as it was; other files and folders in it are left alone."""
    contents: dict[str, bytes] = {}
    for t in tables:
        if t.workbook_only:
            continue
        for key, part in data_and_total(t):
            contents[f"{key}.{fmt}"] = encode_table(part, fmt, dialect)
    check_folder_writable(folder, overwrite)
    with _locked(folder):
        check_folder_writable(folder, overwrite)  # a run that held the lock may have written it
        if folder.is_dir():
            _replace_in_folder(folder, contents)
        else:
            _new_folder(folder, contents)
    return [folder / name for name in contents]


def data_and_total(table: ReportTable) -> list[tuple[str, ReportTable]]:
    """A table's files: its data rows under its key, and its total row (if any) alone, with the
    same columns, under key + TOTAL_SUFFIX (see tables.TOTAL_SUFFIX)."""
    from dataclasses import replace

    if table.total is None:
        return [(table.key, table)]
    return [
        (table.key, replace(table, total=None)),
        (table.key + TOTAL_SUFFIX, replace(table, rows=[table.total], total=None)),
    ]


def _replace_in_folder(folder: Path, contents: dict[str, bytes]) -> None:
    try:
        with ExitStack() as stack:
            moves = []
            for name, data in contents.items():
                tmp = stack.enter_context(_temporary(folder / name))
                _put(tmp, data)
                moves.append((tmp, folder / name))
            earlier = [p for p in _table_files(folder, contents) if p.name not in contents]
            _commit(moves, overwrite=True, remove=earlier)
    except OSError as exc:
        raise file_error(exc, folder) from None


def _new_folder(folder: Path, contents: dict[str, bytes]) -> None:
    tmp: Path | None = None
    moved = False
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
        umask = _umask()
        for name, data in contents.items():
            _put(tmp / name, data)
            os.chmod(tmp / name, 0o666 & ~umask)
        os.chmod(tmp, 0o777 & ~umask)
        with uninterrupted():
            os.rename(tmp, folder)  # fails if the folder has appeared meanwhile
            moved = True
            mark_committed(folder)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            raise _exists_error(folder) from None
        raise file_error(exc, folder) from None
    finally:
        if tmp is not None and not moved:
            shutil.rmtree(tmp, ignore_errors=True)


def write_csv_export(target: Path, frames: Iterable[pl.DataFrame], encoding: str) -> None:
    """A Danish-style CSV export: ';' separator, decimal comma, in UTF-8 with BOM or cp1252;
    the frames are written one after the other, in slices, under one header."""
    with atomic_path(target) as tmp, tmp.open("wb") as fh:
        if encoding == "utf-8-sig":
            fh.write(b"\xef\xbb\xbf")
        first = True
        for frame in frames:
            step = 500_000
            for offset in range(0, max(frame.height, 1), step):
                chunk = frame.slice(offset, step).write_csv(
                    separator=";", decimal_comma=True, include_header=first
                )
                first = False
                fh.write(chunk.encode("cp1252" if encoding == "cp1252" else "utf-8"))


def write_parquet_export(target: Path, frames: Iterable[pl.DataFrame]) -> None:
    """Frames into one Parquet file, through parts on disk, so no more than one frame is held."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".dele_") as parts_dir:
        parts = []
        for i, frame in enumerate(frames):
            part = Path(parts_dir) / f"del_{i:05d}.parquet"
            frame.write_parquet(part)
            parts.append(part)
        with atomic_path(target) as tmp:
            pl.scan_parquet(parts).sink_parquet(tmp)


def write_xlsx_export(target: Path, frame: pl.DataFrame, sheet: str) -> None:
    """A plain export sheet (write-only mode: fast, streams rows). Byte-identical for the same
    frame: fixed document dates and zip member times."""
    import datetime as dt
    import zipfile

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    ws = wb.create_sheet(sheet)
    ws.append(frame.columns)
    for row in frame.iter_rows():
        ws.append(list(row))
    saved = io.BytesIO()
    wb.save(saved)
    with zipfile.ZipFile(saved) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    fixed_zip = io.BytesIO()
    with zipfile.ZipFile(fixed_zip, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            info.date_time = fixed.timetuple()[:6]
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data
                )
            out.writestr(info, data)
    with atomic_path(target) as tmp:
        _put(tmp, fixed_zip.getvalue())


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        _put(tmp, text.encode("utf-8"))
