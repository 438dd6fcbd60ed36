"""Free-choice settlement prices and the recalculation → report tables (sheets Frit valg and
Efterberegning) and the supporting memo (støttenotat) in Markdown. Every price's parts are
rounded so they add up to the price, and every money column adds up to its total, to the øre."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from takst_cli.format import format_kr, format_number, format_share
from takst_cli.money import ZERO, round_ore, round_parts
from takst_cli.pipeline.free_choice import (
    KEY_LABEL,
    PLACEMENT_LABEL,
    FreeChoiceResult,
    Recalculation,
)
from takst_cli.tables import Column, ReportTable, format_cell

SHEET = "Frit valg"
# one table per sheet: each its own column widths, so a page prints at full size
COST_SHEET = "Frit valg omkostninger"
COURSE_WEEK_SHEET = "Frit valg forløbsuger"
RECALC_SHEET = "Efterberegning"


def _rate(x: float) -> Decimal:
    return Decimal(repr(x))


def _hours(values: Sequence[Decimal]) -> list[Decimal]:
    return round_parts(list(values))


def allocation_matrix(result: FreeChoiceResult) -> list[list[Decimal]]:
    """Each category's amount on the services, rounded so the row adds up to the amount: the
    rows of the cost table, whose column sums are the services' indirect cost."""
    names = [s.name for s in result.services]
    out = []
    for line in result.costs:
        if not line.per_service:
            out.append([ZERO] * len(names))
            continue
        out.append(round_parts([line.per_service.get(n, ZERO) for n in names], line.amount))
    return out


def _indirect_shown(result: FreeChoiceResult) -> list[Decimal]:
    matrix = allocation_matrix(result)
    return [sum((row[j] for row in matrix), ZERO) for j in range(len(result.services))]


def price_table(result: FreeChoiceResult) -> ReportTable:
    """Afregningspris per delivered hour per service, with its build-up."""
    basis = "leverede timer" if result.basis == "leveret" else "visiterede timer"
    t = ReportTable(
        "frit_valg_priser",
        SHEET,
        f"Afregningspriser pr. time (ældreloven § 19), på {basis}",
        [
            Column("Ydelse"),
            Column("Ydelsestype"),
            Column("Leverede timer", "timer"),
            Column("Sent aflyste timer", "timer"),
            Column("Timer i prisen", "timer"),
            Column("Besøg", "heltal"),
            Column("Direkte udgift", "kr"),
            Column("Indirekte udgift", "kr"),
            Column("Direkte pr. time", "kr"),
            Column("Indirekte pr. time", "kr"),
            Column("Overheadsats", "andel"),
            Column("Overhead pr. time", "kr"),
            Column("Afregningspris", "kr"),
        ],
    )
    s = result.services
    delivered = _hours([x.delivered_hours for x in s])
    late = _hours([x.late_cancelled_hours for x in s])
    # the hours in the price as the shown parts: delivered, plus late cancellations if counted
    priced = [
        d + (c if x.counts_cancelled else ZERO) for x, d, c in zip(s, delivered, late, strict=True)
    ]
    direct = round_parts([x.direct for x in s])
    indirect = _indirect_shown(result)
    for i, x in enumerate(s):
        parts = round_parts([x.direct_per_hour, x.indirect_per_hour, x.overhead_per_hour])
        t.rows.append(
            [
                x.name,
                x.kind,
                delivered[i],
                late[i],
                priced[i],
                x.visits,
                direct[i],
                indirect[i],
                *parts[:2],
                _rate(x.rate.sats),
                parts[2],
                x.price,
            ]
        )
    t.total = [
        "I alt",
        None,
        sum(delivered, ZERO),
        sum(late, ZERO),
        sum(priced, ZERO),
        sum(x.visits for x in s),
        sum(direct, ZERO),
        sum(indirect, ZERO),
        None,
        None,
        None,
        None,
        None,
    ]
    rates = "; ".join(
        sorted(
            {
                f"{r.ydelsestype} {format_share(r.sats)} fra {r.gyldig_fra:%d-%m-%Y} ({r.kilde})"
                for r in (x.rate for x in s)
            }
        )
    )
    t.note = (
        "Afregningspris = (direkte + indirekte udgift) / timer × (1 + overheadsats). Direkte "
        "udgift = leverede besøg × faggruppens timepris i vagten. "
        + (
            "Priserne hviler på leverede timer; sent aflyste besøg vises, men tælles ikke med. "
            if result.basis == "leveret"
            else "Priserne hviler på visiterede timer (leverede + sent aflyste), ikke på "
            "leverede timer. "
        )
        + f"Overheadsatser pr. {result.price_date:%d-%m-%Y}: {rates}. "
        + f"Leverede timer uden for ydelserne: {format_number(round_ore(result.outside_hours))}."
    )
    return t


def cost_table(result: FreeChoiceResult) -> ReportTable:
    """The cost base in the KL/BDO checklist's categories and where each krone goes."""
    names = [s.name for s in result.services]
    t = ReportTable(
        "frit_valg_omkostninger",
        COST_SHEET,
        "Omkostningsgrundlag efter KL/BDO-tjeklisten",
        [
            Column("Kategori"),
            Column("Placering"),
            Column("Nøgle / post"),
            Column("I timeprisen", "kr"),
            Column("Lagt på ydelserne", "kr"),
            *[Column(n, "kr") for n in names],
            Column("Begrundelse"),
        ],
        note="'I timeprisen': indeholdt i faggruppernes timepris (årsløn eller omkostning pr. "
        "årsværk) og dermed i den direkte udgift; beløbet er oplyst, ikke lagt på igen. "
        "Nøglerne: " + ", ".join(f"{k} = {v}" for k, v in KEY_LABEL.items()) + ".",
    )
    matrix = allocation_matrix(result)
    for line, row in zip(result.costs, matrix, strict=True):
        in_price = line.placement == "timepris"
        if in_price:
            key = f"post {line.key}"
        elif line.placement == "fordelt":
            key = KEY_LABEL[line.key or ""]
        else:
            key = ", ".join(line.per_service)
        t.rows.append(
            [
                line.label,
                PLACEMENT_LABEL[line.placement],
                key,
                round_ore(line.amount) if in_price and line.amount else None,
                None if in_price else sum(row, ZERO),
                *([None] * len(row) if in_price else row),
                line.rationale or "",
            ]
        )
    t.total = [
        "I alt",
        None,
        None,
        *[sum((r[3 + k] or ZERO for r in t.rows), ZERO) for k in range(2 + len(names))],
        None,
    ]
    return t


def course_week_table(result: FreeChoiceResult) -> ReportTable | None:
    """Helhedspleje per course-week by course type, phase and level."""
    if result.course_name is None:
        return None
    t = ReportTable(
        "frit_valg_forloebsuger",
        COURSE_WEEK_SHEET,
        f"{result.course_name}: afregningspris pr. borgeruge",
        [
            Column("Forløbstype"),
            Column("Fase"),
            Column("Niveau", "heltal"),
            Column("Borgeruger", "uger"),
            Column("Direkte pr. uge", "kr"),
            Column("Indirekte pr. uge", "kr"),
            Column("Overheadsats", "andel"),
            Column("Overhead pr. uge", "kr"),
            Column("Afregningspris pr. uge", "kr"),
        ],
    )
    weeks = _hours([w.weeks for w in result.course_weeks])
    for w, n in zip(result.course_weeks, weeks, strict=True):
        parts = round_parts([w.direct, w.indirect, w.overhead])
        t.rows.append(
            [
                result.type_labels[w.course_type],
                w.phase,
                w.level,
                n,
                *parts[:2],
                _rate(w.rate.sats),
                parts[2],
                w.price,
            ]
        )
    markup = result.course_markup or ZERO
    t.note = (
        "Direkte pr. uge = forløbstaksten uden takstens overhead (takstgrundlag pr. borgeruge). "
        f"Indirekte = direkte × {format_share(markup)} (de indirekte udgifters andel af den "
        f"direkte udgift for {', '.join(result.course_services)}). "
        "Afregningspris = (direkte + indirekte) × (1 + overheadsats)."
    )
    return t


def free_choice_tables(result: FreeChoiceResult) -> list[ReportTable]:
    """`takst frit-valg` and the workbook's Frit valg sheet."""
    weeks = course_week_table(result)
    return [price_table(result), cost_table(result), *([weeks] if weeks else [])]


def recalculation_tables(rc: Recalculation) -> list[ReportTable]:
    """Per provider row and per provider: paid, recalculated and the difference each way.
    Each provider's paid and recalculated totals are rounded once; its rows are distributed
    within them, so rows add up to providers and providers to the grand total."""
    rows = ReportTable(
        "efterberegning",
        RECALC_SHEET,
        f"Efterberegning {rc.year} pr. leverandør og ydelse",
        [
            Column("Leverandør"),
            Column("Ydelse"),
            Column("Forløbstype"),
            Column("Fase"),
            Column("Niveau", "heltal"),
            Column("Mængde", "tal"),
            Column("Betalt pris", "kr"),
            Column("Efterberegnet pris", "kr"),
            Column("Betalt", "kr"),
            Column("Efterberegnet", "kr"),
            Column("Difference", "kr"),
        ],
        note="Mængde i timer, for forløbsugepriser i borgeruger. Difference = efterberegnet − "
        "betalt: positiv betaler kommunen leverandøren, negativ tilbagebetaler leverandøren.",
    )
    per = ReportTable(
        "efterberegning_leverandoerer",
        RECALC_SHEET,
        f"Efterberegning {rc.year} pr. leverandør",
        [
            Column("Leverandør"),
            Column("Betalt", "kr"),
            Column("Efterberegnet", "kr"),
            Column("Kommunen betaler", "kr"),
            Column("Leverandøren tilbagebetaler", "kr"),
        ],
    )
    providers = sorted({s.line.provider for s in rc.lines})
    for p in providers:
        mine = [s for s in rc.lines if s.line.provider == p]
        paid = round_parts([s.paid_amount for s in mine])
        recalc = round_parts([s.recalculated_amount for s in mine])
        for s, a, b in zip(mine, paid, recalc, strict=True):
            cell = s.line.cell
            rows.rows.append(
                [
                    p,
                    s.line.service,
                    rc.prices.type_labels[cell[0]] if cell else None,
                    cell[1] if cell else None,
                    cell[2] if cell else None,
                    s.line.volume,
                    s.line.paid,
                    s.recalculated,
                    a,
                    b,
                    b - a,
                ]
            )
        diff = sum(recalc, ZERO) - sum(paid, ZERO)
        per.rows.append([p, sum(paid, ZERO), sum(recalc, ZERO), max(diff, ZERO), max(-diff, ZERO)])
    rows.total = [
        "I alt",
        *[None] * 7,
        *[sum((r[k] for r in rows.rows), ZERO) for k in (8, 9, 10)],
    ]
    per.total = ["I alt", *[sum((r[k] for r in per.rows), ZERO) for k in (1, 2, 3, 4)]]
    net = per.total[3] - per.total[4]
    per.note = (
        f"Netto {'betaler kommunen' if net >= 0 else 'tilbagebetaler leverandørerne'} "
        f"{format_kr(abs(net))} (efterberegnet − betalt i alt). Priserne er genberegnet på "
        f"regnskabsårets omkostninger og leverede timer, {rc.year}."
    )
    return [per, rows]


# ------------------------------------------------------------------------------------------
# The supporting memo (støttenotat)


def _md_cell(value: Any, column: Column) -> str:
    return format_cell(value, column).replace("|", "\\|")


def markdown_table(t: ReportTable) -> str:
    """A report table as a Markdown table (numbers right-aligned, Danish notation)."""
    head = "| " + " | ".join(c.header for c in t.columns) + " |"
    align = "|" + "|".join("---:" if c.kind != "tekst" else "---" for c in t.columns) + "|"
    body = [
        "| " + " | ".join(_md_cell(v, c) for v, c in zip(r, t.columns, strict=True)) + " |"
        for r in t.rows + ([t.total] if t.total else [])
    ]
    return "\n".join([head, align, *body])


def support_memo(result: FreeChoiceResult, municipality: str, made: dt.date) -> str:
    """The støttenotat: method, cost base, delivered hours, keys, sources and date."""
    tables = free_choice_tables(result)
    p0, p1 = result.period
    hours = sum((s.delivered_hours for s in result.services), ZERO)
    basis_sentence = (
        "Priserne hviler på leverede timer: udgiften divideres med de timer, der faktisk er "
        "leveret hos borgerne i perioden, ikke med de visiterede timer."
        if result.basis == "leveret"
        else "OBS: Priserne hviler på visiterede timer (leverede timer + sent aflyste besøg), "
        "ikke på leverede timer. Konkurrencestyrelsen (Aalborg, 2003) krævede priser på "
        "leverede timer."
    )
    keyed = [c for c in result.costs if c.placement == "fordelt"]
    rates = sorted(
        {
            (s.rate.ydelsestype, s.rate.sats, s.rate.gyldig_fra, s.rate.kilde)
            for s in result.services
        }
        | (
            {
                (w.rate.ydelsestype, w.rate.sats, w.rate.gyldig_fra, w.rate.kilde)
                for w in result.course_weeks[:1]
            }
        )
    )
    lines = [
        f"# Støttenotat: afregningspriser for frit valg – {municipality}",
        "",
        f"Udarbejdet {made:%d-%m-%Y} med takst. Priserne gælder fra "
        f"{result.price_date:%d-%m-%Y}. Datagrundlag: {p0:%d-%m-%Y} til {p1:%d-%m-%Y}.",
        "",
        "## Grundlag",
        "",
        "Ældreloven § 19: kommunen fastsætter afregningspriserne for godkendte leverandører ud "
        "fra sine egne gennemsnitlige langsigtede omkostninger ved den tilsvarende ydelse, "
        "efterberegner dem mindst én gang om året på baggrund af regnskabet og afregner "
        "forskellen begge veje.",
        "",
        "## Metode",
        "",
        basis_sentence,
        "",
        f"- Leverede timer i alt i ydelserne: {format_number(round_ore(hours))} timer "
        f"(leverede timer uden for ydelserne: {format_number(round_ore(result.outside_hours))}).",
        "- Direkte udgift: hvert leveret besøg × faggruppens timepris i vagten (dag, aften, "
        "weekend); timeprisen = (årsløn inkl. pension og feriepenge + omkostninger pr. årsværk) "
        "/ direkte timer pr. årsværk.",
        "- Indirekte udgift: omkostningskategorierne efter KL/BDO-tjeklisten, lagt direkte på "
        "en ydelse eller fordelt efter en dokumenteret nøgle (se nedenfor).",
        "- Afregningspris = (direkte + indirekte udgift) / timer × (1 + den faste overheadsats).",
    ]
    if result.course_name:
        lines.append(
            f"- {result.course_name}: forløbstaksten uden takstens overhead (takstgrundlag pr. "
            "borgeruge) + de indirekte udgifters andel af den direkte udgift "
            f"({format_share(result.course_markup or ZERO)}) × (1 + overheadsats)."
        )
    lines += [
        "",
        "## Faste overheadsatser",
        "",
        "| Ydelsestype | Sats | Gælder fra | Kilde |",
        "|---|---:|---|---|",
        *[f"| {k} | {format_share(s)} | {d:%d-%m-%Y} | {src} |" for k, s, d, src in rates],
        "",
        "## Omkostningsgrundlag og fordelingsnøgler",
        "",
        markdown_table(tables[1]),
        "",
    ]
    if keyed:
        lines += ["Fordelingsnøgler:", ""]
        lines += [
            f"- {c.label}: {KEY_LABEL[c.key or '']}"
            + (f" – {c.rationale}" if c.rationale else " – (ingen begrundelse angivet)")
            for c in keyed
        ]
        lines.append("")
    lines += [
        "## Afregningspriser pr. time",
        "",
        markdown_table(tables[0]),
        "",
        tables[0].note,
        "",
    ]
    if len(tables) > 2:
        lines += [f"## {tables[2].title}", "", markdown_table(tables[2]), "", tables[2].note, ""]
    lines += [
        "## Kilder",
        "",
        "- Ældreloven § 19 (i kraft 1. juli 2025) og bekendtgørelsen om beregningsgrundlag og "
        "fast overheadsats (satserne og deres kilde står i tabellen ovenfor).",
        "- KL/BDO: skabelon og tjekliste til beregning af afregningspriser.",
        "- Højesteret 2022 (Brønderslev): nødkald, klippekort og elevers løn skal med, og "
        "priserne skal efterberegnes.",
        "- Konkurrencestyrelsen: priser på leverede timer (Aalborg, 2003), dokumenteret "
        "fordelingsnøgle (Hjørring, 2006), særskilt pris for praktisk hjælp og elevtid i BTP "
        "(Kerteminde, 2011).",
        "",
    ]
    return "\n".join(lines)
