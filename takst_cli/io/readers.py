"""Readers: CSV (Danish dialects), XLSX and Parquet → LazyFrame of canonical String columns.

Every value is read as text and parsed later (`io.parse`), so that a bad value becomes a
located, counted problem instead of a reader crash. Each frame carries the file's own row
number in `Col.ROW` (the spreadsheet row, header = row 1).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from takst_cli.errors import DataError, Problem
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


def _utf8_error(path: Path) -> tuple[int, int] | None:
    """Where the file stops being UTF-8: (byte offset, line number), or None when it is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines = 0, 1
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start, lines + chunk.count(b"\n", 0, exc.start)
            offset += len(chunk)
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset, lines
    return None


def _text_source(path: Path, head: bytes) -> tuple[Path | bytes, str]:
    """The file as UTF-8 for polars (the path itself when it already is) and its first text.
    UTF-8 with or without BOM, UTF-16 with a BOM and Windows-1252 are read as written; old
    Mac line ends (CR alone) become line ends. A file that mixes encodings, or UTF-16 without
    its BOM, stops the run: which characters were meant cannot be known."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = path.read_bytes().decode("utf-16")
        return _line_ends(text.encode("utf-8")), text[:65536]
    if b"\x00" in head:
        raise DataError(
            f"{path.name}: filen indeholder NUL-tegn — den ser ud til at være gemt som UTF-16 "
            "uden byte-ordensmærke; gem den igen som CSV i UTF-8 eller Windows-1252"
        )
    # A BOM says UTF-8: no scan of the whole file before the pass (a file that breaks that
    # promise later fails in polars, and `reading` then names the line)
    if head.startswith(codecs.BOM_UTF8) or _utf8_error(path) is None:
        source: Path | bytes = path
        text_head = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    else:  # Windows-1252, as older Danish exports are; polars reads only UTF-8
        source = path.read_bytes().decode("cp1252", errors="replace").encode("utf-8")
        text_head = head.decode("cp1252", errors="replace")
    if b"\r" in head and b"\n" not in head:
        data = source if isinstance(source, bytes) else path.read_bytes()
        return _line_ends(data), text_head.replace("\r", "\n")
    return source, text_head


def _mixed_encoding(path: Path) -> tuple[int, int] | None:
    """Where a CSV that begins with a UTF-8 BOM stops being UTF-8, if it does."""
    if path.suffix.lower() not in (".csv", ".txt"):
        return None
    with path.open("rb") as fh:
        if not fh.read(3).startswith(codecs.BOM_UTF8):
            return None
    return _utf8_error(path)


def _line_ends(data: bytes) -> bytes:
    """CR LF and CR alone as LF."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _sniff_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"


def _scan_csv(path: Path) -> tuple[pl.LazyFrame, list[str]]:
    """The lazy frame and the header line as written: polars renames a repeated header
    (`x_duplicated_0`), which would hide that two columns claim one name."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head.strip(b"\xef\xbb\xbf \r\n\t"):
        raise DataError(f"{path.name}: filen er tom")
    source, text_head = _text_source(path, head)
    first_line = text_head.splitlines()[0] if text_head else ""
    separator = _sniff_separator(first_line)
    raw_headers = next(csv.reader([first_line], delimiter=separator), [])
    lf = pl.scan_csv(
        source,
        separator=separator,
        infer_schema=False,
        row_index_name=Col.ROW,
        row_index_offset=2,
        truncate_ragged_lines=True,
        raise_if_empty=False,
        glob=False,  # a path is a file name, never a pattern: 'leverancer [2].csv' is literal
    )
    return lf, raw_headers


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


def _first_worksheet(path: Path) -> str | None:
    """The sheet read when none is named: the first that is not a chart."""
    return next((n for n, kind in _sheet_kinds(path).items() if kind == "worksheet"), None)


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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text_of(item: ET.Element) -> str:
    """The text of a string item (<si> or <is>): its <t>, or the <t> of its runs; phonetic
    guides left out."""
    parts: list[str] = []
    for child in item:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _xlsx_headers(path: Path, sheet: str | None) -> list[str]:
    """The sheet's first row as written: the sheet reader renames a repeated header (`x_1`).
    Read from the start of the sheet's XML only — loading the sheet again would cost as much
    as the read itself. [] when the workbook is laid out otherwise (nothing is checked then)."""
    try:
        with zipfile.ZipFile(path) as z:
            entries = [e for e in ET.fromstring(z.read("xl/workbook.xml")).iter()]
            sheets = [e for e in entries if _local(e.tag) == "sheet"]
            entry = (
                sheets[0] if sheet is None else next(e for e in sheets if e.get("name") == sheet)
            )
            rid = next(v for k, v in entry.attrib.items() if _local(k) == "id")
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            target = next(r.get("Target", "") for r in rels if r.get("Id") == rid)
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            cells: list[tuple[str | None, str]] = []
            with z.open(part) as fh:
                for _, elem in ET.iterparse(fh):
                    tag = _local(elem.tag)
                    if tag == "c":
                        value = next((c.text for c in elem if _local(c.tag) == "v"), None)
                        inline = next((c for c in elem if _local(c.tag) == "is"), None)
                        text = _text_of(inline) if inline is not None else (value or "")
                        cells.append((elem.get("t"), text))
                    elif tag == "row":
                        if any(text for _, text in cells):
                            break
                        cells = []
            wanted = {int(text) for kind, text in cells if kind == "s"}
            shared: dict[int, str] = {}
            if wanted:
                with z.open("xl/sharedStrings.xml") as fh:
                    index = 0
                    for _, elem in ET.iterparse(fh):
                        if _local(elem.tag) == "si":
                            if index in wanted:
                                shared[index] = _text_of(elem)
                            index += 1
                            elem.clear()
                            if index > max(wanted):
                                break
            return [shared[int(text)] if kind == "s" else text for kind, text in cells]
    except Exception:  # an unreadable workbook is reported by the sheet reader itself
        return []


def _scan_parquet(path: Path) -> pl.LazyFrame:
    try:
        lf = pl.scan_parquet(path, glob=False)
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


def fold_header(header: str) -> str:
    """A header as compared: case and surrounding or repeated spaces do not count."""
    return " ".join(header.casefold().split())


def _fits(found: str, header: str, patterns: list[re.Pattern[str]]) -> bool:
    folded = fold_header(found)
    return folded == fold_header(header) or any(p.fullmatch(folded) for p in patterns)


def _match_headers(
    label: str,
    found: list[str],
    raw: list[str],
    fields: dict[str, bool],
    wanted: dict[str, str],
    where: str,
    synonyms: Mapping[str, Sequence[str]],
    lookalikes: Mapping[str, str],
) -> dict[str, str]:
    """Field → column of the frame. A field takes the header named for it, compared without
    case and spaces, or (where given) a synonym pattern. Exactly one column may answer: two
    columns for one field, one column for two fields, or an unmapped column that looks like a
    field (`lookalikes`: a word in its header) stop the read, as they would be read wrong."""
    # the frame's names are unique: the readers rename a repeated header ('x_duplicated_0',
    # 'x_1'); `raw` is the header row as written, where a repeat still shows
    names = [h for h in found if h != Col.ROW]
    problems: list[Problem] = []
    matched: dict[str, str] = {}
    missing: list[str] = []
    for field, required in fields.items():
        header = wanted[field]
        patterns = [re.compile(p) for p in synonyms.get(field, ())]
        hits = [n for n in names if _fits(n, header, patterns)]
        written = [h for h in raw if _fits(h, header, patterns)]
        if len(hits) > 1 or len(written) > 1:
            shown = ", ".join(f"'{h}'" for h in (written if len(written) > 1 else hits))
            problems.append(
                Problem(
                    f"kolonner.{label}.{field}",
                    f"flere kolonner passer til feltet: {shown}; omdøb eller fjern dem, så "
                    "kun én passer",
                )
            )
        elif hits:
            matched[field] = hits[0]
        elif required:
            missing.append(f"'{header}' ({field})" if header != field else f"'{header}'")
    for field, others in REQUIRED_UNLESS.items():
        if field in fields and field not in matched and not all(o in matched for o in others):
            header = wanted[field]
            named = f"'{header}' ({field})" if header != field else f"'{header}'"
            missing.append(f"{named} eller {' og '.join(repr(wanted[o]) for o in others)}")
    users: dict[str, list[str]] = {}
    for field, column in matched.items():
        users.setdefault(column, []).append(field)
    for column, claimed in users.items():
        if len(claimed) > 1:
            problems.append(
                Problem(
                    f"kolonner.{label}",
                    f"kolonnen '{column}' er sat til både "
                    f"{' og '.join(claimed)}; hvert felt skal have sin egen kolonne",
                )
            )
    for field, word in lookalikes.items():
        if field in matched:
            continue
        for name in names:
            if word in fold_header(name) and name not in users:
                problems.append(
                    Problem(
                        f"kolonner.{label}.{field}",
                        f"kolonnen '{name}' ligner {field}, men læses ikke; angiv den her, "
                        "eller omdøb den",
                    )
                )
    if problems:
        raise DataError(f"{where}: kolonnerne kan ikke læses entydigt", problems)
    if missing:
        shown = ", ".join(f"'{h}'" for h in names)
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
    synonyms: Mapping[str, Sequence[str]] | None = None,
    lookalikes: Mapping[str, str] | None = None,
) -> SourceTable:
    """Open one input and map its headers to canonical fields (all String, plus Col.ROW).
    `synonyms`: per field, other headers it may have (regular expressions on the folded
    header); `lookalikes`: per field, a word that marks a column as that field's when unmapped."""
    if path is None:
        raise DataError(
            f"ingen fil angivet for {label} (data.{label} i modelfilen eller --{label})"
        )
    if not path.exists():
        raise DataError(f"{path}: filen findes ikke ({label})")
    if path.is_dir():
        raise DataError(f"{path}: er en mappe, ikke en fil ({label})")
    suffix = path.suffix.lower()
    raw: list[str] = []
    if suffix in (".csv", ".txt"):
        lf, raw = _scan_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        lf = _read_xlsx(path, sheet)
        raw = _xlsx_headers(path, sheet or _first_worksheet(path))
    elif suffix == ".parquet":
        lf = _scan_parquet(path)
    else:
        raise DataError(f"{path.name}: ukendt filtype '{suffix}'; brug .csv, .xlsx eller .parquet")
    try:
        found = lf.collect_schema().names()
    except (pl.exceptions.PolarsError, OSError):  # OSError: bytes that look compressed (x\x01)
        raise DataError(f"{path.name}: filen kan ikke læses som CSV") from None
    where = f"{path.name}" + (f", ark '{sheet}'" if sheet else "")
    matched = _match_headers(
        label, found, raw, fields, headers, where, synonyms or {}, lookalikes or {}
    )
    frame = lf.select(
        pl.col(Col.ROW).cast(pl.Int64),
        *[pl.col(header).alias(field) for field, header in matched.items()],
    )
    return SourceTable(label, path, frame, matched, _HASHER.submit(file_digest, path))


@contextmanager
def reading(name: str, path: Path | None = None) -> Iterator[None]:
    """Turn a reader's failure while a lazy frame is collected into a located Danish DataError.
    The reader's own message is left out: it quotes the offending line, citizen id and all.
    With the file's `path`, a file that begins as UTF-8 (BOM) and turns out not to be is
    named as such, with the line."""
    try:
        yield
    except pl.exceptions.PolarsError:
        bad = _mixed_encoding(path) if path is not None else None
        if bad is not None:
            offset, line = bad
            raise DataError(
                f"{name}: filen begynder med et UTF-8-mærke (BOM), men linje {line} (byte "
                f"{offset}) er ikke UTF-8 — filen blander tegnsæt; gem den igen som CSV i UTF-8"
            ) from None
        raise DataError(
            f"{name}: filen kan ikke læses som CSV — kontrollér anførselstegn, separator og "
            "antal kolonner i hver række"
        ) from None
