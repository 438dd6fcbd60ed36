"""Results → report tables for the hourly prices, tariffs, r, data quality, assumptions and
levels: Danish headers and typed cells (takst_cli.tables). Money is rounded here, once, so parts
add up."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from takst_cli.config import (
    UNIT_LABEL,
    UNIT_TO_HOURS_WEEK,
    CourseSpec,
    LevelsConfig,
    ModelConfig,
)
from takst_cli.format import format_kr, format_number, format_share
from takst_cli.models import Col, CourseType, Phase, Shift
from takst_cli.money import from_float, round_ore, round_parts, to_places
from takst_cli.pipeline.hourly_price import HourlyPrice
from takst_cli.pipeline.run import RunResult
from takst_cli.tables import Column, ReportTable, format_cell
from takst_cli.version import __version__


def price_table(prices: list[HourlyPrice]) -> ReportTable:
    t = ReportTable(
        "timepriser",
        "Timepriser",
        "Timepriser pr. faggruppe",
        [
            Column("Faggruppe"),
            Column("Årlig udgift pr. årsværk", "kr"),
            Column("Normtimer", "timer"),
            Column("Fremmødetimer", "timer"),
            Column("BTP", "andel"),
            Column("Direkte timer", "timer"),
            Column("Timepris dag", "kr"),
            Column("Timepris aften", "kr"),
            Column("Timepris weekend", "kr"),
            Column("Grundlag"),
        ],
        note="Timepris = (årsløn + omkostninger pr. årsværk) / direkte timer; "
        "direkte timer = normtimer × (1 − fravær) × BTP.",
    )
    for p in prices:
        t.rows.append(
            [
                p.staff_group,
                round_ore(p.annual_cost) if p.annual_cost is not None else None,
                to_places(p.norm_hours, 2) if p.norm_hours is not None else None,
                to_places(p.attendance_hours, 2) if p.attendance_hours is not None else None,
                p.direct_share,
                to_places(p.direct_hours, 2) if p.direct_hours is not None else None,
                p.price,
                p.shift_prices[Shift.AFTEN],
                p.shift_prices[Shift.WEEKEND],
                "angivet i modelfilen" if p.given else "beregnet",
            ]
        )
    return t


def tariff_table(result: RunResult) -> ReportTable:
    tr = result.tariffs
    t = ReportTable(
        "forloebstakster",
        "Forløbstakster",
        "Forløbstakster pr. borgeruge",
        [
            Column("Forløbstype"),
            Column("Fase"),
            Column("Niveau", "heltal"),
            Column("Borgere", "heltal"),
            Column("Forløb", "heltal"),
            Column("Borgeruger", "uger"),
            Column("Timer", "timer"),
            Column("Faktisk udgift", "kr"),
            Column("Sygeplejetimer", "timer"),
            Column("Takstgrundlag", "kr"),
            Column("Overhead pr. uge", "kr"),
            Column("Takst pr. uge", "kr"),
        ],
    )
    labels = {ct.name: ct.label for ct in result.cfg.forloeb.types()}
    costs = round_parts([r.cost for r in tr.rows])
    bases = round_parts([r.basis for r in tr.rows])
    weeks = round_parts([r.weeks for r in tr.rows])
    hours = round_parts([r.hours for r in tr.rows])
    nursing = round_parts([r.nursing_hours for r in tr.rows])
    for i, r in enumerate(tr.rows):
        t.rows.append(
            [
                labels[r.course_type],
                r.phase,
                r.level,
                r.citizens,
                r.courses,
                weeks[i],
                hours[i],
                costs[i],
                nursing[i],
                bases[i],
                round_ore(r.overhead),
                r.tariff,
            ]
        )
    t.total = [
        "I alt",
        None,
        None,
        result.segments[Col.BORGER].n_unique(),
        result.segments[Col.COURSE_ID].n_unique(),
        sum(weeks, Decimal(0)),
        sum(hours, Decimal(0)),
        sum(costs, Decimal(0)),
        sum(nursing, Decimal(0)),
        sum(bases, Decimal(0)),
        None,
        None,
    ]
    used = tr.reduction_used
    r_txt = format_share(used) if used is not None else "ukendt"
    after = Phase.EFTER.value
    dev_labels = " og ".join(
        ct.label for ct in result.cfg.forloeb.types() if ct.art == CourseType.UDVIKLENDE
    )
    t.note = (
        f"Takst = takstgrundlag / borgeruger + overhead ({_kr(tr.overhead_per_week)} pr. uge). "
        f"{dev_labels} '{after}' = fastholdende takst × (1 − r), r = {r_txt} "
        f"({tr.reduction_source})."
        + (
            f" Takstgrundlaget regner {cfg_share(result)} af sygeplejen som klinikydelse."
            if result.cfg.klinik.andel is not None
            else ""
        )
        + " Individuel: gennemsnittet vises; hver borger finansieres med sin egen udgift pr. uge."
        + grouping_note(result.cfg)
        + (
            f" Metode: normativ (basistakst + timer × vægtet timepris {_kr(tr.weighted_price)})."
            if result.cfg.takster.metode == "normativ"
            else ""
        )
    )
    return t


def grouping_note(cfg: ModelConfig) -> str:
    """The severity grouping behind the levels, per course type where they differ, and the
    staff groups of a course type that lists them."""
    types = cfg.forloeb.types()
    groupings: dict[str, list[str]] = {}
    for t in types:
        groupings.setdefault(cfg.levels_of(t.name).describe(), []).append(t.label)
    if len(groupings) == 1:
        text = f" Niveauer efter {next(iter(groupings))}."
    else:
        text = (
            " Niveauer: "
            + "; ".join(f"{', '.join(labels)} efter {g}" for g, labels in groupings.items())
            + "."
        )
    staff = [f"{t.label}: kun {', '.join(t.cfg.faggrupper)}" for t in types if t.cfg.faggrupper]
    if staff:
        text += (
            " Faggrupper i taksten: "
            + "; ".join(staff)
            + " (andre faggruppers besøg afregnes som aktivitet)."
        )
    return text


def cfg_share(result: RunResult) -> str:
    share = result.cfg.klinik.andel or 0.0
    return f"{share:.0%}"


def _kr(x: Decimal) -> str:
    return format_kr(round_ore(x))


def reduction_table(result: RunResult) -> ReportTable:
    e = result.reduction
    t = ReportTable(
        "reduktion",
        "Reduktion",
        "Reduktion efter udviklende forløb (r)",
        [
            Column("Forløb afsluttet i data", "heltal"),
            Column("Heraf uden hjælp bagefter", "heltal"),
            Column("Uger observeret efter", "uger"),
            Column("Udgift efter forløbet", "kr"),
            Column("Udgift uden rehabilitering", "kr"),
            Column("r estimeret", "andel"),
            Column("r i modelfilen", "andel"),
            Column("r anvendt", "andel"),
        ],
        note="r = 1 − udgift efter forløbet / (fastholdende takst for startniveauet × uger). "
        "Kilderne angiver 4-13 %.",
    )
    t.rows.append(
        [
            e.courses,
            e.left_help,
            to_places(e.weeks, 2),
            round_ore(e.cost_after),
            round_ore(e.counterfactual),
            *[
                None if r is None else from_float(r, 6)
                for r in (e.r, result.configured_r, result.tariffs.reduction_used)
            ],
        ]
    )
    return t


def quality_tables(result: RunResult, show_ids: bool = False) -> list[ReportTable]:
    q = ReportTable(
        "datakvalitet",
        "Datakvalitet",
        "Datakvalitet",
        [
            Column("Fil"),
            Column("Kategori"),
            Column("Årsag"),
            Column("Rækker", "heltal"),
            Column("Timer", "timer"),
        ],
        note="Ingen rækker fjernes i stilhed: hver række er i modellen, uden for den, "
        "eller ugyldig.",
    )
    for line in result.quality:
        hours = None if line.hours is None else from_float(line.hours, 2)
        q.rows.append([line.source, line.category, line.reason, line.rows, hours])
    out = [q]
    if result.invalid:
        bad = ReportTable(
            "udeladte_raekker",
            "Datakvalitet",
            "Udeladte ugyldige rækker",
            [
                Column("Fil"),
                Column("Række", "heltal"),
                Column("Årsag"),
                Column("Værdi"),
            ],
        )
        bad.rows = [[r.source, r.row, r.reason, r.value] for r in result.invalid]
        if show_ids:
            bad.columns.append(Column("Borger-id"))
            for row, r in zip(bad.rows, result.invalid, strict=True):
                row.append(r.citizen)
        out.append(bad)
    return out


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [kv for k, v in value.items() for kv in _flatten(v, f"{prefix}{k}.")]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [kv for i, v in enumerate(value) for kv in _flatten(v, f"{prefix[:-1]}[{i}].")]
    if isinstance(value, list):
        return [(prefix[:-1], ", ".join(str(v) for v in value))]
    return [(prefix[:-1], "" if value is None else str(value))]


def assumption_tables(
    result: RunResult, config_path: str, run_time: dt.datetime | None
) -> list[ReportTable]:
    """The run's facts and the model file's values. Run time only where asked (the workbook):
    files for scheduled runs stay byte-identical for the same inputs."""
    cfg = result.cfg
    facts = ReportTable(
        "forudsaetninger", "Forudsætninger", "Kørsel", [Column("Emne"), Column("Værdi")]
    )
    facts.rows = [
        ["Kommune", cfg.navn],
        ["Periode", f"{result.period[0]:%d-%m-%Y} til {result.period[1]:%d-%m-%Y}"],
        ["Modelfil", config_path],
        ["takst version", __version__],
    ]
    if run_time is not None:
        facts.rows.append(["Kørt", f"{run_time:%d-%m-%Y %H:%M:%S}"])
    files = ReportTable(
        "inputfiler",
        "Inputfiler",  # one table per sheet: the SHA-256 column does not widen the others
        "Inputfiler",
        [Column("Input"), Column("Fil"), Column("SHA-256"), Column("Rækker", "heltal")],
    )
    files.rows = [[i.label, i.name, i.sha256, i.rows] for i in result.inputs]
    dump = cfg.model_dump(mode="json", exclude={"data"})
    values = ReportTable(
        "modelfil", "Modelfil", "Modelfilens værdier", [Column("Nøgle"), Column("Værdi")]
    )
    values.rows = [[k, v] for k, v in _flatten(dump)]
    return [facts, files, values]


def tariff_tables(result: RunResult) -> list[ReportTable]:
    """`takst takster`: the tariffs and the reduction r."""
    return [tariff_table(result), reduction_table(result)]


def tariff_report(
    result: RunResult, config_path: str, run_time: dt.datetime | None, show_ids: bool = False
) -> list[ReportTable]:
    """Every table of `takst beregn`, in workbook order: Oversigt first, the assumptions as
    named input cells, then hourly prices, Grundlag and tariffs as formulas of them (the
    workbook-only tables are left out of --format files)."""
    from takst_cli.report.workbook import workbook_model

    overview, headlines, assumptions, prices, weeks, grundlag, tariffs = workbook_model(result)
    facts, files, values = assumption_tables(result, config_path, run_time)
    return [
        headlines,
        overview,
        facts,
        assumptions,
        files,
        values,
        prices,
        grundlag,
        weeks,
        tariffs,
        reduction_table(result),
        *quality_tables(result, show_ids),
    ]


# The workbook of `takst beregn`, sheet by sheet: the overview, what the figures rest on, the
# prices and tariffs built from them, what they mean in money, and the data's quality last.
SHEET_ORDER = (
    "Oversigt",
    "Forudsætninger",
    "Inputfiler",
    "Modelfil",
    "Takstblad",  # with --takstblad: its prices and tariffs instead of the run's
    "Timepriser",
    "Grundlag",
    "Borgeruger",
    "Forløbstakster",
    "Reduktion",
    "Modelsammenligning",
    "Finansiering",
    "Delegeret sygepleje",
    "Teamgrundlag",
    "Forløbsfinansiering",
    "Teambudgetter",
    "Budget pr. måned",
    "Forventede borgeruger",
    "Effekt",
    "Frit valg",
    "Frit valg omkostninger",
    "Frit valg forløbsuger",
    "Datakvalitet",
)


def in_sheet_order(tables: list[ReportTable]) -> list[ReportTable]:
    """The tables by their sheet's place in SHEET_ORDER; a sheet's tables keep their order. A
    sheet not in the list is a new one no one has placed: an error, not a guess."""
    unplaced = sorted({t.sheet for t in tables} - set(SHEET_ORDER))
    if unplaced:
        raise ValueError(f"sheets without a place in SHEET_ORDER: {unplaced}")
    return sorted(tables, key=lambda t: SHEET_ORDER.index(t.sheet))


def _level_value(hours: float | None, factor: float = 1.0) -> Decimal | None:
    return None if hours is None else Decimal(repr(round(hours / factor, 4)))


def level_tables(cfg: ModelConfig) -> list[ReportTable]:
    """`takst niveauer`: the model's levels, and those of each course type with its own."""
    return [band_table(cfg.niveauer)] + [
        band_table(t.cfg.niveauer, t) for t in cfg.forloeb.types() if t.cfg.niveauer is not None
    ]


def band_table(levels: LevelsConfig, course: CourseSpec | None = None) -> ReportTable:
    """`takst niveauer`: the bands the model uses, [fra, til) in hours per week, and in the
    generator's unit when it has another; the last band is open upwards (til empty). By
    function level: the levels 0-4 and the labels read as each. `course`: a course type's own."""
    key = f"niveauer_{course.name}" if course else "niveauer"
    title = f"Niveauer – {course.label}" if course else "Niveauer"
    sheet = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]  # characters a sheet name cannot have
    if levels.grundlag == "funktionsevne":
        t = ReportTable(
            key,
            sheet,
            title,
            [Column("Niveau", "heltal"), Column("Funktionsevne (tal eller betegnelse)")],
            note="Grundlag: visitationens funktionsevne (FSIII); niveauet er den vindende "
            "visitationsrækkes funktionsevne dag for dag.",
        )
        labels = levels.function_labels()
        for level in range(5):
            names = sorted(k for k, v in labels.items() if v == level)
            t.rows.append([level, ", ".join([str(level), *names])])
        return t
    gen = levels.generator if not levels.baand else None
    unit = gen.enhed if gen is not None and gen.enhed != "timer_uge" else None
    columns = [
        Column("Niveau", "heltal"),
        Column("Fra (timer pr. uge)", "tal"),
        Column("Til (timer pr. uge)", "tal"),
    ]
    if unit is not None:
        columns += [
            Column(f"Fra ({UNIT_LABEL[unit]})", "tal"),
            Column(f"Til ({UNIT_LABEL[unit]})", "tal"),
        ]
    source = (
        "niveauer.baand"
        if levels.baand
        else f"niveauer.generator ({gen.antal_trin} trin, {gen.spring})"
        if gen is not None
        else "standard (0-5, 5-10, 10-15, 15-20, over 20 timer pr. uge)"
    )
    basis = "visiterede" if levels.grundlag == "visiteret" else "leverede"
    t = ReportTable(
        key,
        sheet,
        title,
        columns,
        note=f"Kilde: {source}; grundlag: {basis} timer. Et niveau dækker fra og med "
        "'fra' til (men ikke med) 'til'; det sidste er åbent opad.",
    )
    for b in levels.bands():
        row: list[Any] = [b.niveau, _level_value(b.fra), _level_value(b.til)]
        if unit is not None:
            factor = UNIT_TO_HOURS_WEEK[unit]
            row += [_level_value(b.fra, factor), _level_value(b.til, factor)]
        t.rows.append(row)
    return t


def _column_of(table: ReportTable, header: str) -> int:
    return [c.header for c in table.columns].index(header)


def summary_table(tables: list[ReportTable], warnings: list[str]) -> ReportTable:
    """`takst beregn`'s Resumé: the headline numbers, read from the very tables shown under
    --detaljer and written to the workbook (so the two can never differ): the day price per
    staff group, every tariff per course type, phase and level, r used and estimated, each
    team's funding result under its own model, the budget total and the warnings. Values are
    formatted here (kr. / %), one row per number, two columns: it fits an 80-column screen."""
    t = ReportTable(
        "resume",
        "Resumé",
        "Resumé",
        [Column("Nøgletal"), Column("Værdi")],
        note="Alle tabeller: takst beregn … --detaljer; projektmappen (--ud) rummer altid alt.",
    )
    by_key = {x.key: x for x in tables}
    if (s := by_key.get("takstblad")) is not None:  # prices and tariffs not from the data
        t.rows.append(["Timepriser og takster fra takstbladet", s.rows[0][1]])

    def cell(table: ReportTable, row: list[Any], header: str) -> str:
        j = _column_of(table, header)

        text = format_cell(row[j], table.columns[j])
        return f"{text} kr." if table.columns[j].kind == "kr" and row[j] is not None else text

    if (p := by_key.get("timepriser")) is not None:
        for row in p.rows:
            t.rows.append([f"Timepris dag, {row[0]}", cell(p, row, "Timepris dag")])
    if (f := by_key.get("forloebstakster")) is not None:
        for row in f.rows:
            label = f"Takst pr. uge, {row[0]} {row[1]}, niveau {row[2]}"
            t.rows.append([label, cell(f, row, "Takst pr. uge")])
    if (r := by_key.get("reduktion")) is not None and r.rows:
        t.rows.append(["r anvendt", cell(r, r.rows[0], "r anvendt")])
        t.rows.append(["r estimeret fra data", cell(r, r.rows[0], "r estimeret")])
    if (g := by_key.get("finansiering")) is not None:
        for row in g.rows:
            t.rows.append([f"Resultat, {row[0]} ({row[1]})", cell(g, row, "Resultat")])
    if (b := by_key.get("teambudgetter")) is not None and b.total is not None:
        t.rows.append([f"{b.title}, budget i alt", cell(b, b.total, "Budget i alt")])
    t.rows.append(["Advarsler", format_number(len(warnings), 0)])
    t.rows += [["Advarsel", w] for w in warnings]
    return t
