"""Readers: CSV (Danish dialects), XLSX and Parquet → LazyFrame of canonical String columns.

Every value is read as text and parsed later (`io.parse`), so that a bad value becomes a
located, counted problem instead of a reader crash. Each frame carries the file's own row
number in `Col.ROW` (the spreadsheet row, header = row 1).
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from takst_cli.errors import DataError
from takst_cli.models import REQUIRED_UNLESS, Col

_CHUNK = 1 << 22
# hashlib releases the GIL: the checksum of a large export costs nothing next to its parse
_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")


@dataclass(frozen=True)
class SourceTable:
    """A mapped input: the lazy frame plus what the assumptions sheet reports about the file."""

    label: str  # the input's name, e.g. "leverancer"
    path: Path
    frame: pl.LazyFrame
    headers: dict[str, str]  # field → header found in the file
    digest: Future[str]  # SHA-256, computed in a thread while the data is read

    @property
    def sha256(self) -> str:
        return self.digest.result()

    @property
    def name(self) -> str:
        return self.path.name


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _sniff_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"


def _scan_csv(path: Path) -> pl.LazyFrame:
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head.strip(b"\xef\xbb\xbf \r\n\t"):
        raise DataError(f"{path.name}: filen er tom")
    source: Path | bytes = path
    if head.startswith(codecs.BOM_UTF8) or _is_utf8(path):
        text_head = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    else:  # Windows-1252, as older Danish exports are; polars reads only UTF-8
        source = path.read_bytes().decode("cp1252", errors="replace").encode("utf-8")
        text_head = head.decode("cp1252", errors="replace")
    separator = _sniff_separator(text_head.splitlines()[0] if text_head else "")
    return pl.scan_csv(
        source,
        separator=separator,
        infer_schema=False,
        row_index_name=Col.ROW,
        row_index_offset=2,
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )


def _sheet_kinds(path: Path) -> dict[str, str]:
    """Sheet name → its kind ('worksheet', 'chartsheet', ...) from the workbook's own index
    (xl/workbook.xml and its relationships): the reader sees a chart sheet as an empty table,
    so without this a workbook that opens on a chart would look as if it had no columns."""
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            book = ET.fromstring(z.read("xl/workbook.xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, OSError, zipfile.BadZipFile, ET.ParseError):
        return {}
    kind_of = {r.get("Id"): (r.get("Type") or "").rsplit("/", 1)[-1] for r in rels}
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    return {
        el.get("name", ""): kind_of.get(el.get(rel_id), "worksheet")
        for el in book.iter()
        if el.tag.endswith("}sheet")
    }


def _read_xlsx(path: Path, sheet: str | None) -> pl.LazyFrame:
    """The named sheet, else the first worksheet (a chart sheet in front is passed over); a
    sheet without data names the sheets the workbook has."""
    import fastexcel  # heavy: imported only when an XLSX is read

    try:
        reader = fastexcel.read_excel(str(path))
    except Exception:  # calamine raises its own types for anything that is not a workbook
        raise DataError(f"{path.name}: filen kan ikke læses som en XLSX-projektmappe") from None
    if sheet is not None and sheet not in reader.sheet_names:
        found = ", ".join(f"'{s}'" for s in reader.sheet_names)
        raise DataError(f"{path.name}: arket '{sheet}' findes ikke; arkene er {found}")
    kinds = _sheet_kinds(path)
    charts = {n for n, kind in kinds.items() if kind != "worksheet"}
    shown = ", ".join(f"'{n}'" + (" (diagram)" if n in charts else "") for n in reader.sheet_names)
    if sheet is not None and sheet in charts:
        raise DataError(
            f"{path.name}: arket '{sheet}' er et diagram, ikke data; fundne ark: {shown}"
        )
    if sheet is None:
        worksheets = [n for n in reader.sheet_names if n not in charts]
        if not worksheets:
            raise DataError(
                f"{path.name}: projektmappen har intet ark med data; fundne ark: {shown}"
            )
        sheet = worksheets[0]
    try:
        frame = pl.DataFrame(reader.load_sheet(sheet, dtypes="string"))
    except Exception as exc:
        raise DataError(f"{path.name}: arket kan ikke læses ({exc.__class__.__name__})") from None
    if frame.width == 0:
        raise DataError(
            f"{path.name}: arket '{sheet}' er tomt; fundne ark: {shown} — angiv arket med "
            "data i modelfilen (data.leverancer_ark, data.visitationer_ark eller data.budget_ark)"
        )
    return frame.with_row_index(Col.ROW, offset=2).lazy()


def _scan_parquet(path: Path) -> pl.LazyFrame:
    try:
        lf = pl.scan_parquet(path)
        schema = lf.collect_schema()
    except Exception:
        raise DataError(f"{path.name}: filen kan ikke læses som Parquet") from None
    casts = [
        pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S")
        if dtype == pl.Datetime
        else pl.col(name).cast(pl.String)
        for name, dtype in schema.items()
    ]
    return lf.select(casts).with_row_index(Col.ROW, offset=1)


def _match_headers(
    found: list[str], fields: dict[str, bool], wanted: dict[str, str], path: Path, sheet: str | None
) -> dict[str, str]:
    """Field → header in the file: exact name first, then ignoring case and spaces."""
    folded = {h.strip().casefold(): h for h in found}
    matched: dict[str, str] = {}
    missing: list[str] = []
    for field, required in fields.items():
        header = wanted[field]
        if header in found:
            matched[field] = header
        elif header.strip().casefold() in folded:
            matched[field] = folded[header.strip().casefold()]
        elif required:
            missing.append(f"'{header}' ({field})" if header != field else f"'{header}'")
    for field, others in REQUIRED_UNLESS.items():
        if field in fields and field not in matched and not all(o in matched for o in others):
            header = wanted[field]
            named = f"'{header}' ({field})" if header != field else f"'{header}'"
            missing.append(f"{named} eller {' og '.join(repr(wanted[o]) for o in others)}")
    if missing:
        where = f"{path.name}" + (f", ark '{sheet}'" if sheet else "")
        shown = ", ".join(f"'{h}'" for h in found if h != Col.ROW)
        raise DataError(
            f"{where}: mangler kolonne{'r' if len(missing) > 1 else ''} {', '.join(missing)}; "
            f"fundne kolonner: {shown or '(ingen)'}"
        )
    return matched


def read_table(
    label: str,
    path: Path | None,
    fields: dict[str, bool],
    headers: dict[str, str],
    sheet: str | None = None,
) -> SourceTable:
    """Open one input and map its headers to canonical fields (all String, plus Col.ROW)."""
    if path is None:
        raise DataError(
            f"ingen fil angivet for {label} (data.{label} i modelfilen eller --{label})"
        )
    if not path.exists():
        raise DataError(f"{path}: filen findes ikke ({label})")
    if path.is_dir():
        raise DataError(f"{path}: er en mappe, ikke en fil ({label})")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        lf = _scan_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        lf = _read_xlsx(path, sheet)
    elif suffix == ".parquet":
        lf = _scan_parquet(path)
    else:
        raise DataError(f"{path.name}: ukendt filtype '{suffix}'; brug .csv, .xlsx eller .parquet")
    try:
        found = lf.collect_schema().names()
    except pl.exceptions.PolarsError:
        raise DataError(f"{path.name}: filen kan ikke læses som CSV") from None
    matched = _match_headers(found, fields, headers, path, sheet)
    frame = lf.select(
        pl.col(Col.ROW).cast(pl.Int64),
        *[pl.col(header).alias(field) for field, header in matched.items()],
    )
    return SourceTable(label, path, frame, matched, _HASHER.submit(file_digest, path))


@contextmanager
def reading(name: str) -> Iterator[None]:
    """Turn a reader's failure while a lazy frame is collected into a located Danish DataError.
    The reader's own message is left out: it quotes the offending line, citizen id and all."""
    try:
        yield
    except pl.exceptions.PolarsError:
        raise DataError(
            f"{name}: filen kan ikke læses som CSV — kontrollér anførselstegn, separator og "
            "antal kolonner i hver række"
        ) from None
