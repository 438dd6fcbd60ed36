"""Ingest: an export's rows → typed, checked, folded facts. The visits' parse, their fold on
packed keys and the copies live here behind `ingest_visits`; the grants' parse, copies and
function levels behind `ingest_grants`. Nothing here opens a file: an `Export` is the lazy
frame a reader made, with the names the messages need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import polars as pl

from takst_cli.config import ModelConfig
from takst_cli.errors import DataError
from takst_cli.models import Col
from takst_cli.pipeline import courses
from takst_cli.pipeline import facts as facts_mod
from takst_cli.pipeline.paragraphs import model_spellings, paragraph_forms
from takst_cli.pipeline.parse import (
    DENSE_TEXTS,
    GRANT_KINDS,
    Notation,
    ParsedVisits,
    columns_to_read_whole,
    cpr_column,
    ids_written_otherwise,
    normal_ids,
    parse_grants,
    parse_visits,
    sample_formats,
    sample_paragraphs,
    scope_paragraphs,
    trimmed,
    untidy,
    whole_formats,
    with_normal_ids,
)
from takst_cli.pipeline.visits import count_visits, error_values, split_copies


def _unchecked() -> str:
    return ""


@dataclass(frozen=True)
class Export:
    """An export as the pipeline sees it: its rows (all text, plus the row number), the field →
    header map, the file's name for messages and its size for the progress line. What only the
    reader can know comes in with it (the api wires them): `label` (the input's role),
    `digest` (the file's SHA-256 — the reader hashes in a thread while the rows are read, so it
    is asked for only once the data is in) and `reading` (the reader's context that turns a
    failure while the lazy frame is collected into a located Danish error)."""

    frame: pl.LazyFrame
    headers: Mapping[str, str]
    name: str
    size: int = 0
    label: str = ""
    digest: Callable[[], str] = _unchecked
    reading: Callable[[], AbstractContextManager[object]] = nullcontext


def ingest_visits(
    visit_src: Export,
    cfg: ModelConfig,
    period: tuple[dt.date, dt.date],
    days: facts_mod.DayMap,
    months: bool,
    cutoff: dt.date | None,
    progress: Callable[[str], None],
) -> tuple[pl.DataFrame, ParsedVisits]:
    """The visits folded to decoded facts (with the offending text of invalid rows), and the
    parse they came from: the parse, the fold on packed keys, the copies, in one place.

    One streaming pass where the export is clean; read again only for what the first read may
    have misread (spaces around values, paragraph spellings after the sample, ids written
    otherwise, a sampled format that failed), each cause at most once; the per-visit path only
    where identical visits must be listed. The caller turns a reader's failure into a located
    message (the lazy frame reads the file as it goes)."""
    present = set(visit_src.headers)
    notation = Notation.of(cfg)
    formats = sample_formats(visit_src.frame, present, notation)
    trim = any(formats[c].strip for c in DENSE_TEXTS if c in formats)
    ids: bool | None = None  # citizen ids as written, until some are seen written otherwise
    # The model's paragraphs as this export spells them, first as its first rows do
    spellings = set(scope_paragraphs(cfg)) | model_spellings(
        sample_paragraphs(visit_src.frame), cfg, visit_src.name
    )
    megabytes = f"{visit_src.size / 1e6:,.0f} MB".replace(",", ".")
    progress(f"Læser og summerer {visit_src.name} ({megabytes}) …")
    while True:
        formats = trimmed(formats) if trim else formats
        parsed = parse_visits(
            visit_src.frame,
            cfg,
            present,
            period,
            formats,
            trim,
            paragraphs=sorted(spellings),
            ids=ids,
        )
        fold = facts_mod.fold_to_facts(
            parsed.frame, days, months, cutoff, categories=parsed.categories
        )
        # Read again where the first read may have misread: values with spaces around them;
        # a spelling of a paragraph the first rows did not show ('SEL 83' after row 5 000);
        # ids written otherwise (`normal_ids`); a sampled format that failed on some row
        # (re-checked against the whole column). Each cause at most once.
        codes = fold.facts[Col.ERROR_CODE]
        again: list[str] = []
        if not trim and untidy(parsed, codes):
            trim = True
            again.append("mellemrum omkring værdierne fjernet")
        seen = parsed.categories[Col.PARAGRAF].to_series().drop_nulls().to_list()
        respelled = model_spellings(seen, cfg, visit_src.name) - spellings
        if respelled:
            spellings |= respelled
            again.append("paragraffer skrevet på flere måder")
        citizens = parsed.categories[Col.BORGER].to_series()
        if ids is None and (cpr := ids_written_otherwise(citizens)) is not None:
            ids = cpr
            again.append("borger-id'er skrevet ens")
        whole = columns_to_read_whole(parsed, codes, formats, notation)
        if whole:
            formats = {
                **formats,
                **whole_formats(
                    visit_src.frame, whole, notation, visit_src.name, visit_src.headers
                ),
            }
            again.append("datoer, tal og klokkeslæt læst ud fra hele kolonnen")
        if not again:
            break
        progress(f"Læser {visit_src.name} igen, med {' og '.join(again)} …")
    facts = fold.facts
    if fold.may_have_copies:  # identical visits: count and list them
        progress(f"Finder ens besøg i {visit_src.name} …")
        counts = count_visits(parsed.frame).collect(engine="streaming")
        facts = facts_mod.fold_to_facts(
            split_copies(counts).lazy(),
            days,
            months,
            cutoff,
            count_copies=False,
        ).facts
        del counts
    decoded = facts_mod.decode_facts(facts, parsed.errors)
    # one spelling per paragraph from here on (few distinct values: cheap on the facts)
    forms = paragraph_forms(
        decoded[Col.PARAGRAF].drop_nulls().unique().to_list(), cfg, visit_src.name
    )
    decoded = decoded.with_columns(pl.col(Col.PARAGRAF).replace(forms))
    listed = error_values(visit_src.frame, decoded, parsed.errors)
    # the citizens of invalid rows come from the export as written: the same form as the rest
    cpr = cpr_column(citizens) if ids is None else ids
    return listed.with_columns(normal_ids(Col.BORGER, cpr).alias(Col.BORGER)), parsed


def ingest_grants(grant_src: Export, cfg: ModelConfig) -> pl.DataFrame:
    """The grant history typed (course types by the model's names and synonyms, function levels
    where a type groups by them, numbers and dates by their whole column, citizen ids in normal
    form), copies and unended revisions of a service marked invalid."""
    present = set(grant_src.headers)
    if Col.VISITERET_UGE not in present and not {Col.GANGE_UGE, Col.MINUTTER_GANG} <= present:
        raise DataError(
            f"{grant_src.name}: mangler den visiterede tid — en kolonne med minutter pr. uge "
            f"('{Col.VISITERET_UGE}'), eller både gange pr. uge ('{Col.GANGE_UGE}') og minutter "
            f"pr. gang ('{Col.MINUTTER_GANG}'); navngiv dem under kolonner.visitationer"
        )
    kinds = {c: k for c, k in GRANT_KINDS.items() if c in present}
    formats = whole_formats(
        grant_src.frame, kinds, Notation.of(cfg), grant_src.name, grant_src.headers
    )
    typed = parse_grants(grant_src.frame, present, cfg.forloeb.type_words(), formats)
    grants = with_normal_ids(typed.collect())
    if grants.height == 0:
        raise DataError(
            f"{grant_src.name}: filen har overskrifter, men ingen datarækker (visitationer)"
        )
    return courses.read_function_levels(courses.mark_grant_copies(grants), cfg)
