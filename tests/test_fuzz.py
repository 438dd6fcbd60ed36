"""Hypothesis throws broken exports and model files at the CLI: every run ends in exit 0, 1 or
2 with a message — never an unhandled exception ('uventet fejl' is the boundary's last resort
and counts as a failure here)."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from takst_cli.cli.app import app
from tests.conftest import TINY_GRANTS, TINY_MODEL, TINY_VISITS

runner = CliRunner()
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

JUNK = st.sampled_from(
    [
        "",
        " ",
        "-5",
        "1e9",
        "NaN",
        "inf",
        "abc",
        "31-02-2025",
        "2025-13-01",
        "25:61",
        "§",
        "æøå",
        '"',
        "'",
        ";",
        ",",
        "0",
        "999999999999",
        "1.234,5",
        "=SUM(A1)",
        "\t",
        "null",
        "010101-1234",
        "12:00:00",
        "ja",
        "aflyst",
        "nat",
        "Kok",
    ]
)


def _run(folder: Path, *extra: str):  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["beregn", "--config", str(folder / "model.yaml"), "--stille", *extra])
    assert res.exit_code in (0, 1, 2), res.output
    assert "uventet fejl" not in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    if res.exit_code == 1:
        assert res.stderr.startswith("Fejl: ")
    return res


def _folder(
    tmp_path: Path, visits: bytes, grants: str = TINY_GRANTS, model: str = TINY_MODEL
) -> Path:
    (tmp_path / "leverancer.csv").write_bytes(visits)
    (tmp_path / "visitationer.csv").write_text(grants, encoding="utf-8")
    (tmp_path / "model.yaml").write_text(model, encoding="utf-8")
    return tmp_path


@SETTINGS
@given(data=st.data())
def test_broken_cells(tmp_path: Path, data: st.DataObject) -> None:
    lines = [line.split(";") for line in TINY_VISITS.splitlines()]
    for _ in range(data.draw(st.integers(1, 6))):
        r = data.draw(st.integers(1, len(lines) - 1))
        c = data.draw(st.integers(0, len(lines[r]) - 1))
        lines[r][c] = data.draw(JUNK)
    for _ in range(data.draw(st.integers(0, 3))):  # exported twice: duplicate visits
        lines.append(list(lines[data.draw(st.integers(1, len(lines) - 1))]))
    text = "\n".join(";".join(cells) for cells in lines) + "\n"
    _run(_folder(tmp_path, text.encode("utf-8")))
    _run(_folder(tmp_path, text.encode("utf-8")), "--udelad-ugyldige")


@SETTINGS
@given(raw=st.binary(max_size=400), cut=st.integers(0, len(TINY_VISITS)))
def test_broken_bytes(tmp_path: Path, raw: bytes, cut: int) -> None:
    body = TINY_VISITS.encode("utf-8")
    _run(_folder(tmp_path, body[:cut] + raw))
    _run(_folder(tmp_path, raw))


@SETTINGS
@given(data=st.data())
def test_broken_headers_and_structure(tmp_path: Path, data: st.DataObject) -> None:
    lines = TINY_VISITS.splitlines()
    header = lines[0].split(";")
    drop = data.draw(st.sets(st.integers(0, len(header) - 1), max_size=3))
    sep = data.draw(st.sampled_from([";", ",", "\t", "|"]))
    rows = [[c for i, c in enumerate(line.split(";")) if i not in drop] for line in lines]
    if data.draw(st.booleans()):
        rows = rows[: data.draw(st.integers(0, len(rows)))]
    text = "\n".join(sep.join(r) for r in rows)
    _run(
        _folder(
            tmp_path,
            text.encode(
                data.draw(st.sampled_from(["utf-8", "cp1252", "utf-16"])), errors="replace"
            ),
        )
    )


MODEL = yaml.safe_load(TINY_MODEL)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    if isinstance(node, dict):
        return [prefix] + [p for k, v in node.items() for p in _paths(v, (*prefix, k))]
    if isinstance(node, list):
        return [prefix] + [p for i, v in enumerate(node) for p in _paths(v, (*prefix, i))]
    return [prefix]


@SETTINGS
@given(data=st.data())
def test_broken_model_files(tmp_path: Path, data: st.DataObject) -> None:
    import copy

    model = copy.deepcopy(MODEL)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from([p for p in _paths(model) if p]))
        node = model
        for key in path[:-1]:
            node = node[key]
        if data.draw(st.booleans()):
            node[path[-1]] = data.draw(VALUES)
        elif isinstance(node, dict):
            del node[path[-1]]
    text = yaml.safe_dump(model, allow_unicode=True)
    if data.draw(st.integers(0, 9)) == 0:
        text = text[: data.draw(st.integers(0, len(text)))] + data.draw(st.text(max_size=20))
    _run(_folder(tmp_path, TINY_VISITS.encode("utf-8"), model=text))
