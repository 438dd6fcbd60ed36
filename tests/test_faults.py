"""Outputs survive every fault (full disk, Ctrl-C, SIGTERM/SIGHUP, a second run, a folder where a
file belongs) and no personal data leaks (issue 12). Faults are made by replacing the one
function that writes bytes (`writers._put`), by real signals sent to a real subprocess, and
where the machine allows it by a really full tmpfs."""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from takst_cli.cli.app import app
from takst_cli.errors import Interrupted, TakstError, file_error, is_user_os_error, mask_cpr
from takst_cli.io import interrupts, writers
from takst_cli.tables import Column, ReportTable
from tests.conftest import TINY_GRANTS, TINY_MODEL, TINY_VISITS

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


def csv_run(tiny: Path, out: Path, *extra: str) -> list[str]:
    return [
        "beregn",
        "--config",
        str(tiny),
        "--format",
        "csv",
        "--ud",
        str(out),
        "--stille",
        *extra,
    ]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders, old sets or lock files a write may have left."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name.startswith(".") and p.name.endswith((".tmp", ".gammel", ".laas"))
    )


# tiny's beregn writes 14 tables, 8 of them with a total row in its own file (<key>_i_alt)
N_FILES = 14 + 8


def old_set(tmp_path: Path) -> Path:
    """A folder as an earlier run left it, with a table this run will not write."""
    old = tmp_path / "ud"
    old.mkdir()
    (old / "forloebstakster.csv").write_text("gammel takst\n", encoding="utf-8")
    (old / "udeladte_raekker.csv").write_text("gammel liste\n", encoding="utf-8")
    (old / "udeladte_raekker_i_alt.csv").write_text("gammel sum\n", encoding="utf-8")
    return old


def failing_put(after: int, exc: BaseException):  # type: ignore[no-untyped-def]
    """A `_put` that writes `after` files, then starts the next one and fails with `exc`."""
    real = writers._put
    calls: list[Path] = []

    def put(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) > after:
            path.write_bytes(data[: len(data) // 2])  # half a file, as a full disk leaves it
            raise exc
        real(path, data)

    return put


ENOSPC = OSError(errno.ENOSPC, "No space left on device")


# --- 1. a folder output is one unit ---------------------------------------------------------


def test_full_disk_leaves_a_new_folder_unwritten(tiny: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The 5th of 22 files meets a full disk: no folder, no temporary folder, one Danish line
    naming the folder."""
    monkeypatch.setattr(writers, "_put", failing_put(4, ENOSPC))
    out = tmp_path / "ud"
    res = invoke(*csv_run(tiny, out))
    assert res.exit_code == 1, res.output
    assert f"Fejl: {out}: disken er fuld" in res.stderr
    assert "Intet er skrevet" in res.stderr and "uventet" not in res.stderr
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_full_disk_with_overskriv_keeps_the_old_set(
    tiny: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.1: a new inputfiler.csv never stands beside old tariff files."""
    old = old_set(tmp_path)
    before = snapshot(old)
    monkeypatch.setattr(writers, "_put", failing_put(4, ENOSPC))
    res = invoke(*csv_run(tiny, old, "--overskriv"))
    assert res.exit_code == 1
    assert "disken er fuld" in res.stderr
    assert snapshot(old) == before
    assert leftovers(tmp_path) == []


def test_overskriv_replaces_the_whole_set(tiny: Path, tmp_path: Path) -> None:
    """The old run's list of excluded rows does not survive beside the new tables: the folder
    holds exactly the 14 tables of this run."""
    old = old_set(tmp_path)
    res = invoke(*csv_run(tiny, old, "--overskriv"))
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in old.iterdir())
    assert len(names) == N_FILES and "udeladte_raekker.csv" not in names
    assert "udeladte_raekker_i_alt.csv" not in names
    assert (old / "forloebstakster.csv").read_text(encoding="utf-8") != "gammel takst\n"
    assert leftovers(tmp_path) == []


def test_an_earlier_runs_files_need_overskriv_and_other_files_stay(
    tiny: Path, tmp_path: Path
) -> None:
    """The set is takst's table files (any format); a user's notes and a subfolder (as
    tests/golden/opfoelgning) are neither a reason to refuse nor touched."""
    old = old_set(tmp_path)
    (old / "effekt.json").write_text("{}", encoding="utf-8")  # an earlier run in another format
    (old / "noter.docx").write_bytes(b"mine noter")
    (old / "opfoelgning").mkdir()
    (old / "opfoelgning" / "budgetopfoelgning.csv").write_text("behold\n", encoding="utf-8")
    res = invoke(*csv_run(tiny, old))
    assert res.exit_code == 1
    assert (
        f"{old}: findes allerede med takst-filer (effekt.json, forloebstakster.csv …); "
        "brug --overskriv"
    ) in res.stderr
    res = invoke(*csv_run(tiny, old, "--overskriv"))
    assert res.exit_code == 0, res.output
    names = {p.name for p in old.iterdir()}
    assert {"noter.docx", "opfoelgning", "effekt.csv"} <= names and len(names) == N_FILES + 2
    assert not {"effekt.json", "udeladte_raekker.csv"} & names
    assert (old / "noter.docx").read_bytes() == b"mine noter"
    assert (old / "opfoelgning" / "budgetopfoelgning.csv").read_text("utf-8") == "behold\n"


def test_a_folder_of_other_files_is_written_into(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "ud"
    out.mkdir()
    (out / "noter.docx").write_bytes(b"mine noter")
    res = invoke(*csv_run(tiny, out))
    assert res.exit_code == 0, res.output
    assert len(list(out.iterdir())) == N_FILES + 1
    assert (out / "noter.docx").read_bytes() == b"mine noter"


def test_a_failure_while_the_set_is_moved_in_puts_the_old_set_back(
    tiny: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The 3rd of 22 renames fails: the 2 new files already in place are taken out and the old
    versions, and the earlier run's list of excluded rows, are back."""
    old = old_set(tmp_path)
    before = snapshot(old)
    real_move, moves = writers._move_file, []

    def third_move_fails(tmp: Path, dest: Path, overwrite: bool) -> None:
        moves.append(dest)
        if len(moves) == 3:
            raise OSError(errno.EIO, "I/O error")
        real_move(tmp, dest, overwrite)

    monkeypatch.setattr(writers, "_move_file", third_move_fails)
    res = invoke(*csv_run(tiny, old, "--overskriv"))
    assert res.exit_code == 1
    assert f"Fejl: {old}: læse-/skrivefejl på disken. Intet er skrevet." in res.stderr
    assert len(moves) == 3 and snapshot(old) == before


def test_every_table_key_is_known() -> None:
    """TABLE_KEYS and TABLE_FAMILIES (the names --overskriv replaces in a folder) hold every
    table's key: written as ReportTable's first argument, or as `key = f"family_{…}" if …
    else "family"`."""
    from takst_cli.tables import TABLE_FAMILIES, TABLE_KEYS, WORKBOOK_KEYS, is_table_key

    keys, families = set(), set()
    for path in (ROOT / "takst_cli" / "report").glob("*.py"):
        text = path.read_text("utf-8")
        keys |= set(re.findall(r'ReportTable\(\s*"([a-z_]+)"', text))
        keys |= set(re.findall(r'key = .* else "([a-z_]+)"', text))
        families |= set(re.findall(r'key = f"([a-z_]+)_\{', text))
    assert not TABLE_KEYS & WORKBOOK_KEYS  # the workbook's model sheets are never files
    assert len(keys) >= 19 and keys == TABLE_KEYS | WORKBOOK_KEYS and families == TABLE_FAMILIES
    assert is_table_key("niveauer_udviklende") and not is_table_key("mine_noter")
    # a total row's own file is takst's too (--overskriv replaces it), a stray suffix is not
    assert is_table_key("forloebstakster_i_alt") and not is_table_key("mine_noter_i_alt")


def test_ctrl_c_leaves_the_folder_as_it_was(tiny: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.1: Ctrl-C after 13 of 22 files: exit 130, one Danish line, nothing changed."""
    old = old_set(tmp_path)
    before = snapshot(old)
    monkeypatch.setattr(writers, "_put", failing_put(13, KeyboardInterrupt()))
    res = invoke(*csv_run(tiny, old, "--overskriv"))
    assert res.exit_code == 130
    assert "afbrudt (SIGINT) — intet skrevet" in res.stderr
    assert snapshot(old) == before
    assert leftovers(tmp_path) == []


def test_a_signal_during_the_swap_waits_for_it() -> None:
    """Inside a commit a SIGTERM is held back; it is raised as soon as the commit is over."""
    with interrupts.interrupt_on_signals():
        steps = []
        with pytest.raises(Interrupted) as caught:
            with interrupts.uninterrupted():
                os.kill(os.getpid(), signal.SIGTERM)
                steps.append("swap")  # still runs: the signal waits
            steps.append("after")  # never runs: the signal is raised first
        assert steps == ["swap"]
        assert caught.value.signum == signal.SIGTERM


# --- 2. SIGTERM / SIGHUP in a real process ----------------------------------------------------

SIGNAL_SCRIPT = """
import os, sys
from takst_cli.io import writers
from takst_cli.cli.app import app

sig, after = int(sys.argv[1]), int(sys.argv[2])
real, calls = writers._put, []

def put(path, data):
    calls.append(path)
    real(path, data)  # the temporary file is on disk when the signal comes
    if len(calls) == after:
        os.kill(os.getpid(), sig)

writers._put = put
sys.argv = ["takst", *sys.argv[3:]]
app()
"""


def run_signalled(sig: int, after: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SIGNAL_SCRIPT, str(int(sig)), str(after), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_kill_signal_while_the_workbook_is_written_leaves_nothing(
    tiny: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    """Issue 12.2: no `.r.xlsx.*.tmp` behind; exit 128 + signal (143 / 129)."""
    target = tmp_path / "r.xlsx"
    res = run_signalled(sig, 1, "beregn", "--config", str(tiny), "--ud", str(target), "--stille")
    assert res.returncode == 128 + sig, res.stderr
    assert f"afbrudt ({sig.name}) — intet skrevet" in res.stderr
    assert "Traceback" not in res.stderr
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_sighup_while_files_are_written_keeps_the_old_folder(tiny: Path, tmp_path: Path) -> None:
    old = old_set(tmp_path)
    before = snapshot(old)
    res = run_signalled(signal.SIGHUP, 5, *csv_run(tiny, old, "--overskriv"))
    assert res.returncode == 128 + signal.SIGHUP, res.stderr
    assert snapshot(old) == before
    assert leftovers(tmp_path) == []


# --- 3. two runs at the same time ---------------------------------------------------------------


def test_a_target_being_written_by_another_run_is_refused(tiny: Path, tmp_path: Path) -> None:
    """A live run's lock (this test's own process) stops the second run; nothing is written."""
    out = tmp_path / "ud"
    lock = tmp_path / ".ud.laas"
    lock.write_text(f"{os.getpid()} {socket.gethostname()}\n", encoding="utf-8")
    res = invoke(*csv_run(tiny, out))
    assert res.exit_code == 1
    assert f"{out}: skrives af en anden kørsel lige nu" in res.stderr
    assert not out.exists() and lock.exists()


def test_a_lock_left_by_a_dead_run_is_taken_over(tiny: Path, tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    (tmp_path / ".r.xlsx.laas").write_text(
        f"{dead.stdout.strip()} {socket.gethostname()}\n", encoding="utf-8"
    )
    target = tmp_path / "r.xlsx"
    res = invoke("beregn", "--config", str(tiny), "--ud", str(target), "--stille")
    assert res.exit_code == 0, res.output
    assert target.read_bytes()[:2] == b"PK"
    assert leftovers(tmp_path) == []


def test_a_workbook_that_appears_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    """Without --overskriv the last step is a hard link, which fails if the target exists."""
    target = tmp_path / "r.xlsx"
    with pytest.raises(TakstError, match="findes allerede"):
        with writers.atomic_path(target, overwrite=False) as tmp:
            tmp.write_bytes(b"ny")
            target.write_bytes(b"den anden korsels")  # the other run finished first
    assert target.read_bytes() == b"den anden korsels"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_two_real_runs_at_once_exactly_one_wins(tiny: Path, tmp_path: Path, fmt: str) -> None:
    """Issue 12.3: two processes started together on one new target: one exits 0, the other
    exits 1 with a Danish message, and the target is one run's complete output."""
    out = tmp_path / ("ud" if fmt == "csv" else "r.xlsx")
    args = [sys.executable, "-m", "takst_cli", "beregn", "--config", str(tiny), "--ud", str(out)]
    if fmt == "csv":
        args += ["--format", "csv"]
    procs = [
        subprocess.Popen([*args, "--stille"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.returncode, err) for p in procs for _, err in [p.communicate()]]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    loser = next(err for code, err in results if code == 1)
    assert "findes allerede" in loser or "skrives af en anden kørsel" in loser, loser
    if fmt == "csv":
        assert len(list(out.iterdir())) == N_FILES
    else:
        assert load_workbook(out).sheetnames[:2] == ["Oversigt", "Forudsætninger"]
    assert leftovers(tmp_path) == []


# --- 4, 5. no CPR number in any output ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "040443-1111",
        "040443 1111",
        "0404431111",
        "040443\u00a01111",
        "borger_0404431111.csv",
        "cpr0404431111",
        "('040443 1111')",
    ],
)
def test_every_cpr_notation_is_masked(text: str) -> None:
    assert "0404" not in mask_cpr(text) and "1111" not in mask_cpr(text)
    assert "XXXXXX-XXXX" in mask_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "P0404431111abcdef",  # our own pseudonym: its digits are not a CPR number
        "0404431111" + "ab" * 27,  # a SHA-256 (64 hex digits)
        "1234567890",  # month 56: not a date
        "04044311112",  # eleven digits: an amount or an id, not a CPR number
        "12.345.678,90",
    ],
)
def test_what_is_not_a_cpr_number_is_kept(text: str) -> None:
    assert mask_cpr(text) == text


def test_cpr_with_a_space_is_masked_in_messages_values_and_shown_ids(
    tiny: Path, tmp_path: Path
) -> None:
    """Issue 12.4: `040443 1111` in a value and as a citizen id: not in the error message, the
    Datakvalitet value column, the listed citizen ids (--vis-borger-id), the workbook's XML or
    the terminal."""
    visits = tiny.parent / "leverancer.csv"
    visits.write_text(
        visits.read_text(encoding="utf-8")
        .replace("\nG;20-01-2025;10:00;30", "\n040443 1111;20-01-2025;10:00;040443 1111")
        .replace("\nD;14-01-2025;10:00;60", "\n040443-1111;14-01-2025;10:00;0404431111"),
        encoding="utf-8",
    )
    res = invoke("beregn", "--config", str(tiny), "--detaljer")
    assert res.exit_code == 1
    assert "ugyldige minutter ('XXXXXX-XXXX')" in res.stderr
    target = tmp_path / "r.xlsx"
    res = invoke(
        "beregn",
        "--config",
        str(tiny),
        "--udelad-ugyldige",
        "--vis-borger-id",
        "--detaljer",
        "--ud",
        str(target),
    )
    assert res.exit_code == 0, res.output
    assert "XXXXXX-XXXX" in res.stdout
    outputs = [res.stdout, res.stderr]
    with zipfile.ZipFile(target) as z:
        outputs += [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")]
    for text in outputs:
        assert "040443" not in text and "0404431111" not in text


def test_cpr_in_a_file_name_is_masked_in_every_table(tiny: Path, tmp_path: Path) -> None:
    """Issue 12.5: leverancer_040443 1111.csv is shown as leverancer_XXXXXX-XXXX.csv in the
    Inputfiler and Datakvalitet tables, on the terminal and in every file."""
    named = tiny.parent / "leverancer_040443 1111.csv"
    shutil.copy(tiny.parent / "leverancer.csv", named)
    out = tmp_path / "ud"
    res = invoke(
        "beregn",
        "--config",
        str(tiny),
        "--leverancer",
        str(named),
        "--format",
        "json",
        "--ud",
        str(out),
        "--detaljer",
    )
    assert res.exit_code == 0, res.output
    assert "leverancer_XXXXXX-XXXX.csv" in (out / "inputfiler.json").read_text(encoding="utf-8")
    assert "leverancer_XXXXXX-XXXX.csv" in (out / "datakvalitet.json").read_text(encoding="utf-8")
    assert "leverancer_XXXXXX-XXXX.csv" in res.stdout
    for text in [res.stdout, res.stderr, *(p.read_text("utf-8") for p in out.iterdir())]:
        assert "040443" not in text
    named.write_text("borger_id;dato\n", encoding="utf-8")  # and in a message
    res = invoke("beregn", "--config", str(tiny), "--leverancer", str(named), "--detaljer")
    assert res.exit_code == 1 and "leverancer_XXXXXX-XXXX.csv" in res.stderr
    assert "040443" not in res.stderr


# --- 6. full disk while the workbook is written --------------------------------------------------


def test_full_disk_while_the_workbook_is_written(tiny: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(writers, "_put", failing_put(0, ENOSPC))
    target = tmp_path / "r.xlsx"
    res = invoke("beregn", "--config", str(tiny), "--ud", str(target), "--stille")
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        f"Fejl: {target}: disken er fuld — frigør plads, eller vælg en anden placering. "
        "Intet er skrevet."
    )
    assert not target.exists() and leftovers(tmp_path) == []


def _can_mount_tmpfs() -> str | None:
    if not shutil.which("unshare"):
        return "unshare findes ikke her"
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return "kan ikke montere en lille tmpfs her (unshare/mount ikke tilladt)"
    return None


def on_tmpfs(script: str, model: Path, mount: Path) -> subprocess.CompletedProcess[str]:
    """Run `script` in a private mount namespace (a tmpfs mounted there is gone afterwards),
    with $MNT, $PY and $MODEL set; skipped, with the reason printed, where none can be made."""
    reason = _can_mount_tmpfs()
    if reason:
        print(reason)
        pytest.skip(reason)
    env = {**os.environ, "MNT": str(mount), "PY": sys.executable, "MODEL": str(model)}
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


FULL_DISK = """
set -u
mkdir -p "$MNT" && mount -t tmpfs -o size=1m tmpfs "$MNT"
mkdir "$MNT/ud" && echo gammel > "$MNT/ud/forloebstakster.csv"
cat /dev/zero > "$MNT/fyld" 2>/dev/null
truncate -s -12k "$MNT/fyld"  # room for a few files, not for all
"$PY" -m takst_cli beregn --config "$MODEL" --format csv --ud "$MNT/ud" --overskriv --stille
echo "exit=$?"
"$PY" -m takst_cli beregn --config "$MODEL" --ud "$MNT/r.xlsx" --stille
echo "exit=$?"
ls -A "$MNT" "$MNT/ud"
cat "$MNT/ud/forloebstakster.csv"
"""


def test_a_really_full_disk(tiny: Path, tmp_path: Path) -> None:
    """Issue 12.1 and 12.7 on a real 1 MB tmpfs: both outputs stop with 'disken er fuld', exit 1,
    no 'Exception ignored … ZipFile.__del__', nothing left behind, the old folder whole."""
    res = on_tmpfs(FULL_DISK, tiny, tmp_path / "mnt")
    assert res.stdout.count("exit=1") == 2, (res.stdout, res.stderr)
    assert res.stderr.count("disken er fuld") == 2, res.stderr
    assert "Exception ignored" not in res.stderr and "Traceback" not in res.stderr
    listing = res.stdout.split("exit=1")[-1].split()
    mnt = tmp_path / "mnt"
    expected = [f"{mnt}:", "fyld", "ud", f"{mnt / 'ud'}:", "forloebstakster.csv"]
    assert sorted(listing[:-1]) == sorted(expected)
    assert listing[-1] == "gammel"


# --- 7. data is never Rich markup --------------------------------------------------------------


def test_team_names_with_brackets_show_literally(tiny: Path, tmp_path: Path) -> None:
    """Issue 12.8: '[/Vest]' crashed Rich and no workbook was written; '… [aften]' vanished."""
    for name in ("leverancer.csv", "visitationer.csv"):
        path = tiny.parent / name
        text = path.read_text(encoding="utf-8").replace(";Syd;", ";[/Vest];")
        path.write_text(text.replace(";Nord;", ";Team Nord [aften];"), encoding="utf-8")
    target = tmp_path / "r.xlsx"
    res = invoke("fordeling", "--config", str(tiny), "--ud", str(target))
    assert res.exit_code == 0, res.output
    assert "[/Vest]" in res.stdout and "Team Nord [aften]" in res.stdout
    cells = {c for ws in load_workbook(target) for r in ws.iter_rows(values_only=True) for c in r}
    assert {"[/Vest]", "Team Nord [aften]"} <= cells


# --- 8. Excel's row limit ------------------------------------------------------------------------


def test_a_list_longer_than_a_sheet_is_cut_and_written_whole_beside(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.9 with a sheet of 30 rows: title row 1, header row 2, rows 3-29 hold the first
    27 of 40 rows (30 − 2 − 1 line for the cut note), row 30 says 13 are left out and names the
    CSV beside the workbook, which holds all 40 (41 lines with the header)."""
    monkeypatch.setattr(writers, "EXCEL_MAX_ROWS", 30)
    table = ReportTable(
        "udeladte_raekker",
        "Datakvalitet",
        "Udeladte ugyldige rækker",
        [Column("Fil"), Column("Række", "heltal")],
        rows=[["l.csv", i] for i in range(2, 42)],
    )
    target = tmp_path / "r.xlsx"
    written = writers.write_workbook(target, [table], overwrite=False)
    beside = tmp_path / "r_udeladte_raekker.csv"
    assert written == [target, beside]
    ws = load_workbook(target)["Datakvalitet"]
    assert ws.max_row == 30
    assert [ws.cell(row=r, column=2).value for r in (3, 29)] == [2, 28]
    assert ws.cell(row=30, column=1).value == (
        "Tabellen har 40 rækker, men et Excel-ark rummer kun 30: de første 27 vises her, 13 er "
        "udeladt. Hele tabellen står i r_udeladte_raekker.csv ved siden af projektmappen."
    )
    lines = beside.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 41 and lines[0] == "Fil,Række" and lines[-1] == "l.csv,41"
    assert leftovers(tmp_path) == []


def test_a_list_that_just_fits_is_not_cut(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """28 rows in a sheet of 30 (title, header, rows 3-30): all shown, nothing beside."""
    monkeypatch.setattr(writers, "EXCEL_MAX_ROWS", 30)
    rows = [[i] for i in range(28)]
    table = ReportTable("udeladte_raekker", "Datakvalitet", "U", [Column("Nr", "heltal")], rows)
    target = tmp_path / "r.xlsx"
    assert writers.write_workbook(target, [table]) == [target]
    ws = load_workbook(target)["Datakvalitet"]
    assert ws.max_row == 30 and ws.cell(row=30, column=1).value == 27


def test_beregn_with_more_invalid_rows_than_a_sheet_holds(
    tiny: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.9 through the CLI, with a sheet of 40 rows: 30 rows with a bad date are listed
    in part in the workbook and all 30 in r_udeladte_raekker.csv (31 lines with the header);
    the counts by reason in Datakvalitet stay complete (30). (The model file's values, longer
    than 40 rows too, get their own CSV: the limit is the same for every table.)"""
    monkeypatch.setattr(writers, "EXCEL_MAX_ROWS", 40)
    visits = tiny.parent / "leverancer.csv"
    bad = "".join(f"X;3{i % 9 + 2}-01-2025;08:00;30;SEL §83;SSH;Nord;leveret\n" for i in range(30))
    visits.write_text(visits.read_text(encoding="utf-8") + bad, encoding="utf-8")
    target = tmp_path / "r.xlsx"
    res = invoke("beregn", "--config", str(tiny), "--udelad-ugyldige", "--ud", str(target))
    assert res.exit_code == 0, res.output
    beside = tmp_path / "r_udeladte_raekker.csv"
    assert f"Skrev {target}, " in res.stderr and str(beside) in res.stderr
    lines = beside.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 31 and lines[1].startswith("leverancer.csv,18,ugyldig dato,32-01-2025")
    ws = load_workbook(target)["Datakvalitet"]
    cells = [c for r in ws.iter_rows(values_only=True) for c in r if c is not None]
    assert ws.max_row == 40
    assert any(str(c).startswith("Tabellen har 30 rækker") for c in cells)
    assert "ugyldig dato" in cells and 30 in cells  # the count by reason, complete


def test_the_workbook_and_its_csv_are_one_unit(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A full disk on the second file of the pair leaves neither; and a failure while the pair
    is moved in (the workbook already replaced, the CSV not) puts the old pair back."""
    monkeypatch.setattr(writers, "EXCEL_MAX_ROWS", 10)
    rows = [[i] for i in range(20)]
    table = ReportTable("udeladte_raekker", "Datakvalitet", "U", [Column("Nr", "heltal")], rows)
    target = tmp_path / "r.xlsx"
    with monkeypatch.context() as m:
        m.setattr(writers, "_put", failing_put(1, ENOSPC))
        with pytest.raises(TakstError, match="disken er fuld"):
            writers.write_workbook(target, [table], overwrite=False)
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(b"gammel bog")
    (tmp_path / "r_udeladte_raekker.csv").write_bytes(b"gammel liste")
    before = snapshot(tmp_path)
    real_move, moves = writers._move_file, []

    def second_move_fails(tmp: Path, dest: Path, overwrite: bool) -> None:
        moves.append(dest)
        if len(moves) == 2:
            raise OSError(errno.EIO, "I/O error")
        real_move(tmp, dest, overwrite)

    monkeypatch.setattr(writers, "_move_file", second_move_fails)
    with pytest.raises(TakstError, match="læse-/skrivefejl"):
        writers.write_workbook(target, [table], overwrite=True)
    assert moves == [target, tmp_path / "r_udeladte_raekker.csv"]
    assert snapshot(tmp_path) == before


def test_the_terminal_shows_the_first_rows_of_a_long_list(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Rich needs minutes for 100 000 rows: with a limit of 3, 5 rows show rows 1-3 and say so."""
    from takst_cli.cli import render

    monkeypatch.setattr(render, "SCREEN_MAX_ROWS", 3)
    table = ReportTable("u", "D", "Liste", [Column("Nr", "heltal")], [[i] for i in range(1, 6)])
    render.render_table(render.make_console(width=80), table)
    out = capsys.readouterr().out
    assert "│  3 │" in out and "│  4 │" not in out
    assert "Viser de første 3 af 5 rækker; hele tabellen skrives med --ud" in out


def test_every_console_line_is_masked(capsys) -> None:  # type: ignore[no-untyped-def]
    """A line printed outside a table or an error (a warning from `takst valider`)."""
    from takst_cli.cli.render import make_console

    make_console().print("Advarsel: team 040443 1111 [aften]", markup=False)
    assert capsys.readouterr().out == "Advarsel: team XXXXXX-XXXX [aften]\n"


# --- 9. user errors, not "uventet fejl" ----------------------------------------------------------


def test_overskriv_onto_a_folder_named_xlsx(tiny: Path, tmp_path: Path) -> None:
    folder = tmp_path / "x.xlsx"
    folder.mkdir()
    (folder / "behold.txt").write_text("x", encoding="utf-8")
    res = invoke("beregn", "--config", str(tiny), "--ud", str(folder), "--overskriv")
    assert res.exit_code == 1
    assert f"Fejl: {folder}: er en mappe; her skal skrives en fil" in res.stderr
    assert (folder / "behold.txt").exists() and "uventet" not in res.stderr


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_a_read_only_output_folder(tiny: Path, tmp_path: Path, monkeypatch, code: int) -> None:  # type: ignore[no-untyped-def]
    """The tests run as root, where chmod does not stop a write: the refusal is made by os.open
    for paths in the output folder, as the kernel would for a user."""
    folder = tmp_path / "laast"
    folder.mkdir()
    real_open = os.open

    def refusing_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).startswith(str(folder)):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    res = invoke("beregn", "--config", str(tiny), "--ud", str(folder / "r.xlsx"), "--stille")
    assert res.exit_code == 1
    why = "adgang nægtet" if code == errno.EACCES else "filsystemet er skrivebeskyttet"
    assert f"Fejl: {folder / 'r.xlsx'}: {why}" in res.stderr
    assert "uventet" not in res.stderr and list(folder.iterdir()) == []


def test_an_existing_folder_in_a_closed_parent_is_written(
    tiny: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A month's folder made for a scheduled run, in a parent the user may not write in: the
    lock and the temporary files go inside the folder, so the run works."""
    out = old_set(tmp_path)
    real_open = os.open

    def closed_parent(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).parent == tmp_path:
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", closed_parent)
    res = invoke(*csv_run(tiny, out, "--overskriv"))
    assert res.exit_code == 0, res.output
    assert len(list(out.iterdir())) == N_FILES


def test_a_file_system_without_hard_links(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """FAT or a network share (os.link refused): written by rename after a check; an existing
    target is still refused without --overskriv."""

    def no_link(*_a, **_k):  # type: ignore[no-untyped-def]
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_link)
    target = tmp_path / "r.xlsx"
    table = ReportTable("t", "Ark", "T", [Column("Nr", "heltal")], [[1]])
    assert writers.write_workbook(target, [table], overwrite=False) == [target]
    assert load_workbook(target)["Ark"].cell(row=3, column=1).value == 1
    with pytest.raises(TakstError, match="findes allerede"):
        writers.write_workbook(target, [table], overwrite=False)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("code", "why"),
    [
        (errno.ENOSPC, "disken er fuld — frigør plads, eller vælg en anden placering"),
        (errno.EACCES, "adgang nægtet — du har ikke ret til at skrive her"),
        (errno.EPERM, "adgang nægtet — du har ikke ret til at skrive her"),
        (errno.EISDIR, "er en mappe, ikke en fil"),
        (errno.ENOTDIR, "en del af stien er en fil, ikke en mappe"),
        (errno.EROFS, "filsystemet er skrivebeskyttet — vælg en anden placering"),
    ],
)
def test_every_os_error_a_user_can_cause_has_a_danish_message(code: int, why: str) -> None:
    exc = OSError(code, os.strerror(code), "/tmp/ud/r.xlsx")
    assert is_user_os_error(exc)
    assert file_error(exc).message == f"/tmp/ud/r.xlsx: {why}. Intet er skrevet."


def test_a_stray_os_error_reaches_the_user_in_danish(tiny: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An OSError from anywhere (here the model file cannot be opened) is not 'uventet fejl'."""
    import takst_cli.api as api  # where the model file is read

    def denied(path, *_a, **_k):  # type: ignore[no-untyped-def]
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(api, "load_config", denied)
    res = invoke("beregn", "--config", str(tiny), "--detaljer")
    assert res.exit_code == 1
    assert (
        f"Fejl: {tiny}: adgang nægtet — du har ikke ret til at læse eller skrive her." in res.stderr
    )


# --- 10. an XLSX input that opens on a chart ---------------------------------------------------


def _grants_workbook(path: Path, chart_only: bool = False, extra: str = "") -> None:
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    ws = wb.active
    ws.title = "Visitationer"
    for i, line in enumerate(TINY_GRANTS.splitlines()):
        ws.append(line.split(";") + ([extra if i == 0 else "x"] if extra else []))
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=6, min_row=1, max_row=7), titles_from_data=True)
    wb.create_chartsheet("Diagram", 0).add_chart(chart)
    if chart_only:
        wb.remove(ws)
    wb.save(path)


def test_an_xlsx_that_opens_on_a_chart_sheet_reads_the_first_worksheet(
    tiny: Path, tmp_path: Path
) -> None:
    """Issue 12.11: the chart sheet in front is passed over; the run gives the same tariffs as
    the CSV."""
    book = tiny.parent / "visitationer.xlsx"
    _grants_workbook(book)
    from_csv = invoke("takster", "--config", str(tiny))
    res = invoke("takster", "--config", str(tiny), "--visitationer", str(book))
    assert res.exit_code == 0, res.output
    assert "not a valid worksheet" not in res.output
    assert res.stdout == from_csv.stdout


def test_the_header_checks_read_the_sheet_that_is_read(tiny: Path) -> None:
    """Behind a chart sheet, a repeated header in the worksheet is still found (the header
    check once read the first sheet, the chart, and so checked nothing)."""
    book = tiny.parent / "visitationer.xlsx"
    _grants_workbook(book, extra="team")
    res = invoke("takster", "--config", str(tiny), "--visitationer", str(book))
    assert res.exit_code == 1
    assert "flere kolonner passer til feltet: 'team', 'team'" in res.stderr


def test_an_xlsx_with_only_a_chart_names_its_sheets(tiny: Path) -> None:
    book = tiny.parent / "visitationer.xlsx"
    _grants_workbook(book, chart_only=True)
    res = invoke("takster", "--config", str(tiny), "--visitationer", str(book))
    assert res.exit_code == 1
    assert (
        "Fejl: visitationer.xlsx: projektmappen har intet ark med data; "
        "fundne ark: 'Diagram' (diagram)"
    ) in res.stderr


# --- a CPR number planted anywhere never leaves the program -------------------------------------

VISIT_FIELDS = TINY_VISITS.splitlines()[0].split(";")
GRANT_FIELDS = TINY_GRANTS.splitlines()[0].split(";")
PLACES = [
    *[("leverancer", f) for f in VISIT_FIELDS],
    *[("visitationer", f) for f in GRANT_FIELDS],
    ("modelfil", "navn"),
    ("filnavn", "leverancer"),
    ("filnavn", "visitationer"),
    ("filnavn", "modelfil"),
]


def _plant(text: str, field: str, row: int, cpr: str) -> str:
    lines = text.splitlines()
    j = lines[0].split(";").index(field)
    i = 1 + row % (len(lines) - 1)
    cells = lines[i].split(";")
    cells[j] = cpr
    lines[i] = ";".join(cells)
    return "\n".join(lines) + "\n"


def _every_output(res, out: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """stdout, stderr and every file written, as text: a workbook's XML unzipped, a Parquet
    file's values read back."""
    import polars as pl

    texts = [res.stdout, res.stderr]
    files = [out] if out.is_file() else sorted(out.iterdir()) if out.is_dir() else []
    for path in files:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                texts += [z.read(n).decode("utf-8") for n in z.namelist()]
        elif path.suffix == ".parquet":
            texts.append(pl.read_parquet(path).write_csv())
        else:
            texts.append(path.read_text(encoding="utf-8"))
    return texts


@settings(
    max_examples=16, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(dt.date(1930, 1, 1), dt.date(2029, 12, 31)),
    serial=st.integers(0, 9999),
    sep=st.sampled_from(["-", " ", "", "\u00a0"]),
    place=st.sampled_from(PLACES),
    row=st.integers(0, 15),
    fmt=st.sampled_from(["xlsx", "csv", "json", "parquet"]),
)
def test_a_planted_cpr_never_leaves_the_program(
    tmp_path_factory: pytest.TempPathFactory,
    day: dt.date,
    serial: int,
    sep: str,
    place: tuple[str, str],
    row: int,
    fmt: str,
) -> None:
    """Issue 12.4-5: a CPR number in any notation, in any field of either export, in the model
    file or in a file's name, is in no output: not on the terminal, not in a message, not in
    any CSV, JSON, Parquet or workbook (with --vis-borger-id and --udelad-ugyldige, which show
    the most)."""
    folder = tmp_path_factory.mktemp("cpr")
    digits, last4 = f"{day:%d%m%y}", f"{serial:04d}"
    cpr = f"{digits}{sep}{last4}"
    kind, what = place
    names = {"leverancer": "lev.csv", "visitationer": "vis.csv", "modelfil": "m.yaml"}
    texts = {"leverancer": TINY_VISITS, "visitationer": TINY_GRANTS, "modelfil": TINY_MODEL}
    if kind in ("leverancer", "visitationer"):
        texts[kind] = _plant(texts[kind], what, row, cpr)
    elif kind == "modelfil":
        texts[kind] = TINY_MODEL.replace("navn: Lilleby", f"navn: Lilleby {cpr}")
    else:
        names[what] = f"{what}_{cpr}" + Path(names[what]).suffix
    for key, name in names.items():
        (folder / name).write_text(texts[key], encoding="utf-8")
    out = folder / ("r.xlsx" if fmt == "xlsx" else "ud")
    args = ["beregn", "--config", str(folder / names["modelfil"]), "--ud", str(out)]
    args += ["--leverancer", str(folder / names["leverancer"])]
    args += ["--visitationer", str(folder / names["visitationer"])]
    args += ["--udelad-ugyldige", "--vis-borger-id", "--format", fmt]
    res = invoke(*args)
    assert res.exit_code in (0, 1), res.output
    assert "uventet" not in res.stderr
    shapes = re.compile(rf"{digits}[-\u2010\u2011\u2013 \u00a0]?{last4}")
    for text in _every_output(res, out):
        assert not shapes.search(text), (cpr, place, text[:2000])


# --- issue 12.14-15: a closed stdout, and --ud checked before the calculation -----------------


def test_a_closed_stdout_ends_quietly_and_still_writes(tiny: Path, tmp_path: Path) -> None:
    """`takst beregn … | head -1`: the reader is gone before the first table; the run ends
    with exit 0 and no message, and the workbook asked for is written."""
    target = tmp_path / "r.xlsx"
    proc = subprocess.Popen(
        [sys.executable, "-m", "takst_cli", "beregn", "--config", str(tiny), "--ud", str(target)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # as `head` does once it has its line
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert err == f"Skrev {target}\n"
    assert target.read_bytes()[:2] == b"PK"


@pytest.fixture
def no_calculation(monkeypatch):  # type: ignore[no-untyped-def]
    """Loading the model file fails the test: what is checked here comes before it."""
    import takst_cli.config as config

    def loaded(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("the calculation started before --ud was checked")

    monkeypatch.setattr(config, "load_config", loaded)


@pytest.mark.parametrize(
    ("ud", "why"),
    [
        ("budget2026.xslx", "--ud {}: ukendt endelse '.xslx'; brug en projektmappe (.xlsx) eller"),
        ("r.pdf", "--ud {}: ukendt endelse '.pdf'; brug en projektmappe (.xlsx)"),
        ("-", "--ud -: takst skriver ikke tabellerne til stdout; brug en projektmappe (.xlsx)"),
    ],
)
def test_an_output_form_that_means_nothing_is_a_usage_error(
    tiny: Path, tmp_path: Path, monkeypatch, no_calculation: None, ud: str, why: str
) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.15: no folder of CSV files named r.pdf or '-'; exit 2 before the calculation."""
    here = tmp_path / "her"
    here.mkdir()
    monkeypatch.chdir(here)
    res = invoke("beregn", "--config", str(tiny), "--ud", ud)
    assert res.exit_code == 2, res.output
    assert why.format(ud) in res.stderr
    assert list(here.iterdir()) == [] and res.stdout == ""


def test_an_explicit_format_may_name_a_folder_with_a_dot(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.2025"
    res = invoke("takster", "--config", str(tiny), "--format", "csv", "--ud", str(out))
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == [
        "forloebstakster.csv",
        "forloebstakster_i_alt.csv",
        "reduktion.csv",
    ]


@pytest.mark.parametrize(
    "command",
    ["beregn", "takster", "timepris", "opfoelgning", "niveauer", "frit-valg", "efterberegning"],
)
def test_an_existing_target_is_refused_before_the_calculation(
    tiny: Path, tmp_path: Path, no_calculation: None, command: str
) -> None:
    """Issue 12.15: not after minutes of work and a screen full of tables."""
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"sidste maaneds rapport")
    extra = {
        "opfoelgning": ["--dato", "2025-03-31"],
        "efterberegning": ["--aar", "2025", "--leverandoerer", str(tmp_path / "lev.csv")],
    }.get(command, [])
    res = invoke(command, "--config", str(tiny), "--ud", str(target), *extra)
    assert res.exit_code == 1, res.output
    assert f"Fejl: {target}: findes allerede; brug --overskriv" in res.stderr
    assert res.stdout == "" and target.read_bytes() == b"sidste maaneds rapport"


def test_a_file_in_the_output_path_is_refused_before_the_calculation(
    tiny: Path, tmp_path: Path, no_calculation: None
) -> None:
    (tmp_path / "noter.txt").write_text("x", encoding="utf-8")
    target = tmp_path / "noter.txt" / "r.xlsx"
    res = invoke("beregn", "--config", str(tiny), "--ud", str(target))
    assert res.exit_code == 1
    assert f"Fejl: {target}: en del af stien er en fil, ikke en mappe." in res.stderr


READ_ONLY = """
set -u
mkdir -p "$MNT" && mount -t tmpfs -o ro,size=64k tmpfs "$MNT"
"$PY" -m takst_cli beregn --config "$MODEL" --ud "$MNT/r.xlsx" --stille
echo "exit=$?"
"""


def test_a_really_read_only_folder(tiny: Path, tmp_path: Path) -> None:
    """Issue 12.10 on a read-only tmpfs (root may write anywhere else): one Danish line naming
    the workbook, exit 1, before the calculation."""
    res = on_tmpfs(READ_ONLY, tiny, tmp_path / "ro")
    assert "exit=1" in res.stdout, (res.stdout, res.stderr)
    target = tmp_path / "ro" / "r.xlsx"
    assert res.stderr == (
        f"Fejl: {target}: filsystemet er skrivebeskyttet — vælg en anden placering. "
        "Intet er skrevet.\n"
    )
