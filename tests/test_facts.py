"""The fold's packed keys: the facts are the same as a plain group-by on the key columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from takst_cli.api import load_model, read_exports
from takst_cli.models import Col
from takst_cli.pipeline import courses
from takst_cli.pipeline import facts as facts_mod
from takst_cli.pipeline.parse import KEY_TEXTS, ParsedVisits, parse_grants, parse_visits
from takst_cli.pipeline.reduction import window_candidates

ROOT = Path(__file__).resolve().parent.parent

BAD_ROWS = """\
H;12-01-2025;09:00;abc;SEL §83;SSH;Nord;leveret
H;13-01-2025;09:00;30;SEL §83;Pedel;Nord;leveret
H;14-01-2025;09:00;30;SEL §83;SSH;Nord;måske
A;01-06-2026;09:00;30;SEL §83;SSH;Nord;leveret
A;12-01-2025;23:30;30;SEL §85;SSH;Øst;leveret
"""


def _fold(
    model: Path, months: bool, cutoff: dt.date | None, packed: bool
) -> tuple[pl.DataFrame, ParsedVisits]:
    fold, parsed = _fold_with_copies(model, months, cutoff, packed)
    return fold.facts, parsed


def _fold_with_copies(
    model: Path, months: bool, cutoff: dt.date | None, packed: bool
) -> tuple[facts_mod.Fold, ParsedVisits]:
    loaded = load_model(model)
    cfg, exports = loaded.config, read_exports(loaded)
    visit_src, grant_src = exports.visits, exports.grants
    assert cfg.periode.fra is not None and cfg.periode.til is not None
    period = (cfg.periode.fra, cfg.periode.til)
    grants = parse_grants(grant_src.frame, set(grant_src.headers)).collect()
    segments = courses.build_courses(
        grants.filter(pl.col(Col.ERROR).is_null()), cfg, period
    ).segments
    days = facts_mod.day_map(
        segments, window_candidates(segments, cfg, period[1]), Col.WIN_START, Col.WIN_END, period
    )
    parsed = parse_visits(visit_src.frame, cfg, set(visit_src.headers), period)
    fold = facts_mod.fold_to_facts(
        parsed.frame,
        days,
        months,
        cutoff,
        categories=parsed.categories if packed else None,
    )
    texts = fold.facts.with_columns(pl.col(c).cast(pl.String) for c in KEY_TEXTS)
    return facts_mod.Fold(texts.sort(pl.all(), nulls_last=True), fold.may_have_copies), parsed


def _same_both_ways(model: Path, months: bool, cutoff: dt.date | None) -> pl.DataFrame:
    plain, _ = _fold(model, months, cutoff, packed=False)
    packed, _ = _fold(model, months, cutoff, packed=True)
    assert packed.schema == plain.schema
    assert packed.equals(plain, null_equal=True)
    return packed


def test_packed_equals_plain_on_tiny_with_invalid_rows(tiny: Path) -> None:
    visits = tiny.parent / "leverancer.csv"
    visits.write_text(visits.read_text(encoding="utf-8") + BAD_ROWS, encoding="utf-8")
    facts = _same_both_ways(tiny, months=True, cutoff=dt.date(2025, 1, 31))
    assert int(facts[Col.N_VISITS].sum()) == 21
    # rows 18-21 invalid (minutes, staff group, status, after the period), each on its own
    invalid = facts.filter(pl.col(Col.ERROR_ROW).is_not_null()).sort(Col.ERROR_ROW)
    assert invalid[Col.ERROR_ROW].to_list() == [18, 19, 20, 21]
    # (code 14 is a two-digit year, checked before the period)
    assert invalid["fejlkode"].to_list() == [3, 13, 8, 15]
    # the night visit of an unknown team is valid, outside the model (reason 1 = night)
    east = facts.filter(pl.col(Col.TEAM) == "Øst")
    assert east[["aarsagskode", Col.N_VISITS, Col.MONTH]].rows() == [
        (1, 1, dt.date(2025, 1, 1))
    ]


def test_packed_equals_plain_on_the_sample() -> None:
    facts = _same_both_ways(
        ROOT / "configs" / "eksempel.yaml", months=True, cutoff=dt.date(2025, 10, 31)
    )
    assert int(facts[Col.N_VISITS].sum()) == 203_852


def test_too_many_texts_for_the_packing_fall_back_to_plain(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two bits per text there is room for two values (all ones is 'missing'); the tiny
    data has three paragraphs, so packing would merge them: the fold must see it and regroup."""
    narrow = [(n, 2 if n in KEY_TEXTS else b) for n, b in facts_mod._K2_FIELDS]
    monkeypatch.setattr(facts_mod, "_K2_FIELDS", narrow)
    monkeypatch.setattr(facts_mod, "_TEXT_BITS", 2)
    facts = _same_both_ways(tiny, months=False, cutoff=None)
    assert sorted(facts[Col.PARAGRAF].unique().to_list()) == ["SEL §83", "SEL §86", "SUL §138"]


def _spaced(visits: str) -> str:
    """The tiny visits with surrounding spaces in later rows: id, team, paragraph, staff group,
    status, minutes and date (each a value the untrimmed parse reads as another value)."""
    lines = visits.splitlines()
    lines[8] = lines[8].replace("C;", " C;").replace(";Syd;", ";Syd ;")
    lines[9] = lines[9].replace("SEL §83;SSH", "SEL §83 ; SSH")
    lines[10] = lines[10].replace("leveret", "leveret ")
    lines[11] = lines[11].replace(";60;", "; 60;")
    lines[12] = lines[12].replace("14-01-2025", "14-01-2025 ")
    return "\n".join(lines) + "\n"


@pytest.fixture
def trims(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """How each parse of the visits in a run was asked to trim (False = untrimmed first)."""
    from takst_cli.pipeline import ingest

    asked: list[bool] = []
    real = ingest.parse_visits

    def spy(*args: object, **kwargs: object) -> ParsedVisits:
        asked.append(bool(args[-1]))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "parse_visits", spy)
    return asked


@pytest.mark.parametrize("row", [8, 9, 10, 11, 12])
def test_spaces_after_the_sample_give_the_same_result_as_a_clean_file(
    tiny: Path, monkeypatch: pytest.MonkeyPatch, trims: list[bool], row: int
) -> None:
    """The sample (first 3 rows here) shows no spaces, so the visits are parsed untrimmed first;
    a spaced value further down must send the run through the trimmed parse, not be miscounted."""
    from takst_cli.pipeline import parse

    from .helpers import run_model

    clean = run_model(tiny)
    trims.clear()  # the clean run's own parse
    visits = tiny.parent / "leverancer.csv"
    lines = visits.read_text(encoding="utf-8").splitlines()
    spaced_lines = _spaced("\n".join(lines)).splitlines()
    lines[row] = spaced_lines[row]
    visits.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(parse, "SAMPLE_ROWS", 3)
    spaced = run_model(tiny)
    assert trims == [False, True]
    assert spaced.invalid == []
    assert spaced.tariffs.rows == clean.tariffs.rows
    assert spaced.quality == clean.quality


def test_a_clean_file_is_parsed_once_untrimmed(tiny: Path, trims: list[bool]) -> None:
    from .helpers import run_model

    result = run_model(tiny)
    assert trims == [False]
    # 16 rows: one cancelled, one at night, one under SEL §86 (outside the course types)
    assert int(result.visits[Col.N_VISITS].sum()) == 13


@pytest.mark.parametrize("packed", [True, False])
def test_copies_are_seen_and_a_clean_file_raises_no_alarm(tiny: Path, packed: bool) -> None:
    """The sample of 203 852 visits has no identical lines: no false alarm (it would send every
    run down the per-visit path). One line twice in the tiny file is seen, packed or not."""
    sample = ROOT / "configs" / "eksempel.yaml"
    assert not _fold_with_copies(sample, False, None, packed)[0].may_have_copies
    assert not _fold_with_copies(tiny, False, None, packed)[0].may_have_copies
    visits = tiny.parent / "leverancer.csv"
    lines = visits.read_text(encoding="utf-8").splitlines()
    visits.write_text("\n".join([*lines, lines[5]]) + "\n", encoding="utf-8")
    assert _fold_with_copies(tiny, False, None, packed)[0].may_have_copies


# Per column: values a clean export has, then values that are wrong, spaced or out of range.
_CELLS = {
    "borger_id": (["A", "B", "C", "F", "Z"], [" A", ""]),
    "dato": (
        ["06-01-2025", "13-01-2025", "28-02-2025", "30-03-2025"],
        ["01-06-2026", "31-02-2025"],
    ),
    "start": (["08:00", "16:30", "23:00", "02:00", ""], ["25:61", " 08:00"]),
    "minutter": (["30", "45,5", "0", "60"], ["-5", "abc", "2000", ""]),
    "paragraf": (["SEL §83", "SUL §138", "SEL §86"], ["SEL §83 ", ""]),
    "faggruppe": (["SSH", "SPL"], ["Pedel", " SSH"]),
    "team": (["Nord", "Syd", "Øst"], ["Nord "]),
    "status": (["leveret", "aflyst", "Leveret"], ["måske", ""]),
    "vagt": (["", "dag", "aften", "nat", "Weekend"], ["morgen"]),
    "klinik": (["", "nej", "ja", "X"], ["kanske"]),
    "aflyst_tidspunkt": (["", "05-01-2025 10:00", "27-02-2025 15:30", "12-03-2025"], ["igår"]),
    "aflyst_af": (["", "borger", "Pårørende", "hjemmeplejen"], []),
}
# mostly clean cells, so that rows that pass every check (and are cancelled in time) are common
_ROW = st.fixed_dictionaries(
    {k: st.sampled_from(clean * 12 + bad) for k, (clean, bad) in _CELLS.items()}
)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(_ROW, min_size=1, max_size=40))
def test_packed_equals_plain_on_any_small_export(rows: list[dict[str, str]]) -> None:
    """Whatever the rows (valid, invalid, spaced, outside the period, copies of each other),
    the packed fold and the plain group-by give the same facts, months and date included."""
    import tempfile

    from tests.conftest import TINY_GRANTS, TINY_MODEL

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        header = ";".join(_CELLS)
        lines = [";".join(r[k] for k in _CELLS) for r in rows]
        (folder / "leverancer.csv").write_text("\n".join([header, *lines]) + "\n", "utf-8")
        (folder / "visitationer.csv").write_text(TINY_GRANTS, encoding="utf-8")
        (folder / "model.yaml").write_text(TINY_MODEL, encoding="utf-8")
        cutoff = dt.date(2025, 2, 15)
        plain, _ = _fold_with_copies(folder / "model.yaml", True, cutoff, packed=False)
        packed, _ = _fold_with_copies(folder / "model.yaml", True, cutoff, packed=True)
        assert packed.facts.equals(plain.facts, null_equal=True)
        assert packed.may_have_copies == plain.may_have_copies
        assert int(packed.facts[Col.N_VISITS].sum()) == len(rows)


def test_packed_keys_round_trip_at_the_field_maxima() -> None:
    """Every field of both keys at its largest value (and each missing) packs and unpacks to
    itself. Widths come from the run: segment ids up to 2^24 − 3 take 24 bits (id + 1, and
    all ones for 'missing'), window ids up to 7 000 000 take 23, 36 months 6; K1 = 53 bits,
    K2 = 3 × 16 + 2 + 3 + 2 + 2 + 2 + 3 = 62 bits."""
    from takst_cli.pipeline.parse import REASON_CODES, SHIFT_CODES

    top_segment, top_window = (1 << 24) - 3, 7_000_000
    days = facts_mod.DayMap(
        pl.DataFrame(),
        pl.Series([0, top_segment], dtype=pl.UInt32),
        pl.Series([top_window], dtype=pl.UInt32),
        dt.date(2024, 1, 1),
        (dt.date(2026, 12, 31) - dt.date(2024, 1, 1)).days + 1,
    )
    layout = facts_mod.key_layout(days)
    assert [b for _, b in layout.k1] == [24, 23, 6]
    assert sum(b for _, b in layout.k2) == 62 and layout.fits()
    n_texts = (1 << 16) - 1  # codes 0 … 65 534; 65 535 is 'missing'
    cats = {c: pl.Categories.random() for c in KEY_TEXTS}
    texts = [f"v{i}" for i in range(n_texts)]
    frame = pl.DataFrame(
        {
            Col.SEGMENT_ID: pl.Series([top_segment, None], dtype=pl.UInt32),
            Col.WINDOW_ID: pl.Series([top_window, None], dtype=pl.Int64),
            Col.MONTH: [dt.date(2026, 12, 1), dt.date(2024, 1, 1)],
            Col.UP_TO_DATE: [True, None],
            **{c: pl.Series([texts[-1], None]) for c in KEY_TEXTS},
            Col.SHIFT_CODE: pl.Series([len(SHIFT_CODES) - 1, None], dtype=pl.UInt8),
            Col.KLINIK: [True, None],
            Col.STATUS_CODE: pl.Series([1, None], dtype=pl.UInt8),
            Col.TIMELY: [True, None],
            Col.REASON_CODE: pl.Series([len(REASON_CODES) - 1, 0], dtype=pl.UInt8),
        }
    )
    # every text value seen, so the largest code is the last one
    seen = pl.DataFrame({c: texts for c in KEY_TEXTS}).select(
        pl.col(c).cast(pl.Categorical(cats[c])) for c in KEY_TEXTS
    )
    assert all(seen[c].to_physical().max() == n_texts - 1 for c in KEY_TEXTS)
    cat_frame = frame.with_columns(pl.col(c).cast(pl.Categorical(cats[c])) for c in KEY_TEXTS)
    present = set(frame.columns)
    packed = cat_frame.select(
        facts_mod._pack(layout.k1, present, layout).alias(facts_mod._K1),
        facts_mod._pack(layout.k2, present, layout).alias(facts_mod._K2),
    )
    assert packed[facts_mod._K1].min() >= 0 and packed[facts_mod._K2].min() >= 0
    dtypes = dict(frame.schema)
    back = facts_mod._unpacked(packed, dtypes, cats, layout).select(frame.columns)
    assert back.equals(frame, null_equal=True)


def test_ids_too_many_for_63_bits_fall_back_to_plain(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layout wider than 63 bits is never packed (it would wrap): the plain group-by runs
    and gives the same facts."""
    wide = facts_mod.key_layout

    def too_wide(days: facts_mod.DayMap) -> facts_mod.KeyLayout:
        layout = wide(days)
        return facts_mod.KeyLayout([(n, 30) for n, _ in layout.k1], layout.k2, layout.first_month)

    assert not too_wide(
        facts_mod.DayMap(pl.DataFrame(), pl.Series([1]), pl.Series([1]), dt.date(2025, 1, 1), 10)
    ).fits()
    called: list[bool] = []
    real = facts_mod._fold_packed
    monkeypatch.setattr(facts_mod, "key_layout", too_wide)
    monkeypatch.setattr(
        facts_mod, "_fold_packed", lambda *a, **k: called.append(True) or real(*a, **k)
    )
    facts = _same_both_ways(tiny, months=True, cutoff=None)
    assert not called
    assert int(facts[Col.N_VISITS].sum()) == 16
