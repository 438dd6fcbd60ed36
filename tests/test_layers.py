"""The layers import one way (the import-linter contracts in pyproject.toml): pipeline/ is pure,
io/ knows no report or stage, report/ neither reads nor shows. Run here so the test command
and CI hold them; and a planted wrong-way import in a copy of the package must break them, so a
contract that can no longer fail is noticed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())", "--no-cache"]  # fmt: skip


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the package under `root` (its own pyproject.toml), in a fresh process:
    the package is found on PYTHONPATH first, before the installed one."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [*LINT, "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contracts_hold() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        ("pipeline/costing.py", "import takst_cli.io.readers", "pipeline/ is pure"),
        ("pipeline/costing.py", "import openpyxl", "pipeline/ is pure"),
        ("pipeline/pseudonym.py", "import os", "pipeline/ touches no file system"),
        ("io/ledger.py", "import takst_cli.pipeline.settlement", "io/ knows a table's shape"),
        ("report/cycle.py", "import takst_cli.io.writers", "report/ builds tables"),
    ],
)
def test_a_planted_wrong_way_import_breaks_a_contract(
    tmp_path: Path, module: str, planted: str, contract: str
) -> None:
    shutil.copytree(
        ROOT / "takst_cli", tmp_path / "takst_cli", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "takst_cli" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{planted}  # noqa\n", "utf-8")
    done = _lint(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{contract}" in done.stdout and "BROKEN" in done.stdout, done.stdout
    assert planted.split()[-1] in done.stdout, done.stdout
