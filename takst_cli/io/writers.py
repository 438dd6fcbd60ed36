"""Writers: the Excel workbook, CSV/JSON/Parquet files and the sample export — all atomic:
written to a temporary file beside the target and renamed, so a failure leaves nothing half
written and an existing output untouched."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from takst_cli.errors import TakstError
from takst_cli.report import ReportTable

_EXCEL_FORMATS = {
    "kr": "#,##0.00",
    "timer": "#,##0.00",
    "uger": "#,##0.00",
    "tal": "#,##0.00",
    "heltal": "#,##0",
    "andel": "0.0%",
}
_FORMULA_START = ("=", "+", "-", "@")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path in the target's folder, renamed onto the target if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def check_writable(target: Path, overwrite: bool) -> None:
    if target.exists() and not overwrite:
        raise TakstError(f"{target}: findes allerede; brug --overskriv for at erstatte den")


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return value  # written with data_type 's' below: text, never a formula
    return value


def write_workbook(target: Path, tables: list[ReportTable]) -> None:
    """One sheet per table group; titles, bold frozen headers, number formats, column widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    sheets: dict[str, Any] = {}
    for table in tables:
        ws = sheets.get(table.sheet)
        if ws is None:
            ws = sheets[table.sheet] = wb.create_sheet(table.sheet)
            start = 1
        else:
            start = ws.max_row + 3
        ws.cell(row=start, column=1, value=table.title).font = Font(bold=True, size=12)
        header_row = start + 1
        for j, column in enumerate(table.columns, start=1):
            label = f"{column.header} (kr.)" if column.kind == "kr" else column.header
            ws.cell(row=header_row, column=j, value=label).font = Font(bold=True)
        rows = table.rows + ([table.total] if table.total else [])
        for i, row in enumerate(rows, start=header_row + 1):
            for j, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
                cell = ws.cell(row=i, column=j, value=_cell(value))
                if isinstance(value, str):
                    cell.data_type = "s"
                if column.kind in _EXCEL_FORMATS:
                    cell.number_format = _EXCEL_FORMATS[column.kind]
                if table.total is not None and i == header_row + len(rows):
                    cell.font = Font(bold=True)
        if table.note:
            ws.cell(row=header_row + len(rows) + 1, column=1, value=table.note).font = Font(
                italic=True
            )
        if table.chart is not None and rows:
            _add_chart(ws, table, header_row, len(rows))
        if start == 1:
            ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        for j, column in enumerate(table.columns, start=1):
            longest = max(
                [len(column.header) + (6 if column.kind == "kr" else 0)]
                + [len(str(r[j - 1])) for r in rows[:500] if r[j - 1] is not None]
            )
            letter = get_column_letter(j)
            width = min(max(longest + 2, 10), 60)
            ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    for ws in wb.worksheets:  # print a sheet on pages as wide as the paper
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    with atomic_path(target) as tmp:
        wb.save(tmp)


def _add_chart(ws: Any, table: ReportTable, header_row: int, n_rows: int) -> None:
    """A line chart of the table's chart columns, to the right of the table."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.utils import get_column_letter

    spec = table.chart
    assert spec is not None
    chart = LineChart()
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.y_axis.number_format = "0%"
    chart.height, chart.width = 8, 16
    for col in spec.series:
        data = Reference(ws, min_col=col + 1, min_row=header_row, max_row=header_row + n_rows)
        chart.add_data(data, titles_from_data=True)
    cats = Reference(
        ws, min_col=spec.category + 1, min_row=header_row + 1, max_row=header_row + n_rows
    )
    chart.set_categories(cats)
    anchor = f"{get_column_letter(len(table.columns) + 2)}{header_row}"
    ws.add_chart(chart, anchor)


def _frame(table: ReportTable) -> pl.DataFrame:
    records = table.records()
    columns = {c.header: c.kind for c in table.columns}
    data: dict[str, list[Any]] = {h: [r[h] for r in records] for h in columns}
    series = []
    for header, kind in columns.items():
        values = data[header]
        if kind in ("kr", "timer", "uger", "tal", "andel"):
            scale = 6 if kind == "andel" else 2
            series.append(
                pl.Series(
                    header,
                    [None if v is None else Decimal(v) for v in values],
                    dtype=pl.Decimal(38, scale),
                )
            )
        elif kind == "heltal":
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


def write_files(folder: Path, tables: list[ReportTable], fmt: str, overwrite: bool) -> list[Path]:
    """One file per table in `folder` (csv: UTF-8, ',' and '.' decimals; json: records with
    amounts as exact strings; parquet: Decimal columns)."""
    written = []
    targets = [(t, folder / f"{t.key}.{fmt}") for t in tables]
    for _, target in targets:
        check_writable(target, overwrite)
    for table, target in targets:
        writer: Callable[[Path], None]
        if fmt == "csv":

            def writer(p: Path, t: ReportTable = table) -> None:
                _frame(t).write_csv(p)
        elif fmt == "json":

            def writer(p: Path, t: ReportTable = table) -> None:
                rows = [{k: _json_value(v) for k, v in r.items()} for r in t.records()]
                p.write_text(
                    json.dumps({"titel": t.title, "raekker": rows}, ensure_ascii=False, indent=2)
                    + "\n",
                    encoding="utf-8",
                )
        else:

            def writer(p: Path, t: ReportTable = table) -> None:
                _frame(t).write_parquet(p)

        with atomic_path(target) as tmp:
            writer(tmp)
        written.append(target)
    return written


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
    with atomic_path(target) as tmp:
        wb.save(tmp)
        with zipfile.ZipFile(tmp) as src:
            members = [(info, src.read(info)) for info in src.infolist()]
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in members:
                info.date_time = fixed.timetuple()[:6]
                if info.filename == "docProps/core.xml":  # openpyxl stamps the save time
                    data = re.sub(
                        rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data
                    )
                out.writestr(info, data)


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
