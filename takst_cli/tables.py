"""The table model every renderer and writer consumes (Rich, Excel, CSV/JSON/Parquet): a titled
table of typed cells with Danish headers. Neutral ground: report/ builds these, io/ writes them
and cli/ shows them, so this module imports none of them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from takst_cli.errors import mask_cpr
from takst_cli.format import format_number, format_share

# Every table's key: its file name in --format mode. An earlier run's files with these names
# (or a family's name, '_' and more: niveauer_<course type>) are the set that --overskriv
# replaces in a folder; tests/test_faults.py keeps both complete.
TABLE_FAMILIES = frozenset({"niveauer"})
TABLE_KEYS = frozenset(
    {
        "resume",  # takst beregn's screen summary; not written, but a name takst owns
        "timepriser",
        "forloebstakster",
        "reduktion",
        "datakvalitet",
        "udeladte_raekker",
        "forudsaetninger",
        "inputfiler",
        "modelfil",
        "budgetopfoelgning",
        "forbrug_pr_maaned",
        "aktivitet_pr_maaned",
        "effekt",
        "modelsammenligning",
        "finansiering",
        "delegeret_sygepleje",
        "teambudgetter",
        "budget_pr_maaned",
        "forventede_borgeruger",
        "niveauer",
        "frit_valg_priser",
        "frit_valg_omkostninger",
        "frit_valg_forloebsuger",
        "efterberegning",
        "efterberegning_leverandoerer",
        "fremskrivning",
        "afregning",
        "afvigelse",
        "takstblad",  # where --takstblad's prices and tariffs came from
        "scenarier",
        "scenarie_aendringer",
    }
)

# A table's total row in --format csv/json/parquet: its own file '<key>_i_alt.<format>' (same
# columns, one row), so a data file holds data rows only and a program that sums a column
# does not count the total twice.
TOTAL_SUFFIX = "_i_alt"

# The workbook's model sheets (ReportTable.workbook_only): never written as files, so never
# among the files --overskriv replaces in a folder.
WORKBOOK_KEYS = frozenset(
    {
        "oversigt",
        "oversigt_teams",
        "noegletal",
        "antagelser",
        "grundlag",
        "grundlag_uger",
        "grundlag_team",
        "forloebsfinansiering",
    }
)

# Sheets printed on one page (fit to width and height): the overview a department head reads
ONE_PAGE_SHEETS = frozenset({"Oversigt"})

# Month names as the tables show them; files write a month as ISO 'YYYY-MM' (Column.file_header,
# Column.month_year).
MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

Kind = Literal["tekst", "heltal", "kr", "timer", "uger", "andel", "tal"]


@dataclass(frozen=True)
class KindFormat:
    """How a cell kind is shown and stored, the same on the screen, in the memo, the workbook
    and the data files: one row of KIND_FORMATS per kind."""

    decimals: int | None  # decimals on the screen and in the memo; None: text as written
    excel: str | None  # the workbook's number format
    scale: int | None  # decimals of the Decimal column in files (csv/json/parquet)
    unit: str = ""  # after the header: 'Beløb (kr.)'
    share: bool = False  # a share, shown as a percentage (0,153 → 15,3 %)

    @property
    def number(self) -> bool:
        return self.decimals is not None


KIND_FORMATS: dict[str, KindFormat] = {
    "tekst": KindFormat(None, None, None),
    "kr": KindFormat(2, "#,##0.00", 2, unit=" (kr.)"),
    "timer": KindFormat(2, "#,##0.00", 2),
    "uger": KindFormat(2, "#,##0.00", 2),
    "tal": KindFormat(2, "#,##0.00", 2),
    "heltal": KindFormat(0, "#,##0", None),  # files: a whole number (Int64)
    "andel": KindFormat(1, "0.0%", 6, share=True),
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "tekst"
    # Months for programs (--format csv/json/parquet) as ISO 'YYYY-MM', for people as 'jan':
    # a month column's header in files, or the year of a column of month names.
    file_header: str | None = None
    month_year: int | None = None

    @property
    def fmt(self) -> KindFormat:
        return KIND_FORMATS[self.kind]

    @property
    def label(self) -> str:
        """The header with its unit, as the screen and the workbook show it."""
        return self.header + self.fmt.unit


def format_cell(value: Any, column: Column) -> str:
    """A cell as the screen and the memo show it: Danish numbers by the column's kind."""
    if value is None:
        return "–"
    f = column.fmt
    if f.share:
        return format_share(Decimal(value))
    if f.decimals is not None:
        return format_number(value, f.decimals)
    return str(value)


@dataclass(frozen=True)
class Chart:
    """A line chart of some columns against the first, drawn beside the table in the workbook
    (`bars`: a column chart, below it); `by_row`: a column chart with one series per row
    (named by its first cell) over the other columns' headers."""

    title: str
    y_title: str
    series: tuple[int, ...]  # column indexes of the lines
    category: int = 0
    by_row: bool = False
    y_format: str = "0%"
    bars: bool = False  # columns instead of lines, drawn below the table (a page stays narrow)
    height: int = 320  # pixels; a sheet row is 20

    @property
    def below(self) -> bool:
        return self.by_row or self.bars


Cell = tuple[int, int]  # (row index in rows — len(rows) is the total row —, column index)


@dataclass
class ReportTable:
    """A titled table. `key` names its file in --format mode; `sheet` its workbook sheet."""

    key: str
    sheet: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None  # a sum row, shown last, equal to the sum of the rows
    note: str = ""
    chart: Chart | None = None
    # The workbook as a model (SPEC: an auditor can trace every figure). A formula's value is
    # the cell's value in `rows` (cached, shown before any recalculation). In a formula,
    # [[Header]] is the cell of that column in the same row, [[Header@i]] the one in row i and
    # [[Header:]] the column's data rows; other tables' cells are reached by defined names.
    formulas: dict[Cell, str] = field(default_factory=dict)
    names: dict[str, Cell] = field(default_factory=dict)  # defined names of single cells
    column_names: dict[str, int] = field(default_factory=dict)  # names of data columns
    cell_kinds: dict[Cell, Kind] = field(default_factory=dict)  # a cell's own number format
    inputs: set[Cell] = field(default_factory=set)  # assumption cells a user may change
    comments: dict[Cell, str] = field(default_factory=dict)
    workbook_only: bool = False  # a sheet of the model (Grundlag, Oversigt): not a data file

    def row_formula(self, header: str, formula: str) -> None:
        """Column `header` in every row (the total row too) as `formula` of the same row's
        cells — for figures that are exactly that formula of the shown, rounded ones."""
        j = [c.header for c in self.columns].index(header)
        for i in range(len(self.rows) + (self.total is not None)):
            self.formulas[(i, j)] = formula

    def index(self, header: str) -> int:
        """The position of the column `header` (headers are unique within a table)."""
        return [c.header for c in self.columns].index(header)

    def add(self, cells: dict[str, Any]) -> None:
        """A row given by header: every column named once, kept in the columns' order."""
        self.rows.append(self._ordered(cells))

    def set_total(self, cells: dict[str, Any]) -> None:
        """The total row given by header; a column not named is empty (None)."""
        self.total = self._ordered({c.header: cells.get(c.header) for c in self.columns})

    def _ordered(self, cells: dict[str, Any]) -> list[Any]:
        headers = [c.header for c in self.columns]
        if sorted(cells) != sorted(headers):
            raise ValueError(f"{self.key}: row has {sorted(cells)}, table has {headers}")
        return [cells[h] for h in headers]

    def column(self, header: str) -> list[Any]:
        """The values of column `header` in the rows (the total row not included)."""
        j = self.index(header)
        return [r[j] for r in self.rows]

    def row(self, first: Any) -> dict[str, Any]:
        """The row whose first cell is `first` (a team, a category), by header."""
        found = next(r for r in self.rows if r[0] == first)
        return dict(zip((c.header for c in self.columns), found, strict=True))

    def records(self) -> list[dict[str, Any]]:
        rows = self.rows + ([self.total] if self.total else [])
        return [dict(zip((c.header for c in self.columns), r, strict=True)) for r in rows]


def is_table_key(name: str) -> bool:
    """A file stem takst writes: a table's key, or a family's key with a suffix — either with
    TOTAL_SUFFIX for the file of its total row."""
    name = name.removesuffix(TOTAL_SUFFIX)
    return name in TABLE_KEYS or name.split("_", 1)[0] in TABLE_FAMILIES


def mask_tables(tables: list[ReportTable]) -> list[ReportTable]:
    """Copies with every CPR-shaped text masked — titles, notes, headers and text cells (a file
    name, a team, a citizen id, a listed value). Every table passes here on its way to the
    screen or a file, so a CPR number written any way (`ddmmyy-xxxx`, `ddmmyy xxxx`,
    `ddmmyyxxxx`) is never shown, whichever input or option brought it in."""

    seen: dict[str, str] = {}  # a file name or a reason repeats on every listed row

    def masked(text: str) -> str:
        hit = seen.get(text)
        if hit is None:
            hit = mask_cpr(text)
            if len(seen) < 10_000:
                seen[text] = hit
        return hit

    def cells(row: list[Any]) -> list[Any]:
        return [masked(v) if isinstance(v, str) else v for v in row]

    return [
        replace(
            t,
            title=mask_cpr(t.title),
            note=mask_cpr(t.note),
            columns=[replace(c, header=mask_cpr(c.header)) for c in t.columns],
            rows=[cells(r) for r in t.rows],
            total=None if t.total is None else cells(t.total),
        )
        for t in tables
    ]
