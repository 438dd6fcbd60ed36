"""Signals while a command runs: Ctrl-C, SIGTERM and SIGHUP become exceptions (so the writers'
clean-up runs and no temporary file is left), except inside a commit, which they wait for."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from takst_cli.errors import Interrupted

SIGNALS = tuple(
    s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None
)


class _State:
    deferring = 0  # > 0 inside `uninterrupted`
    pending: int | None = None  # a signal that came during a commit, raised when it ends
    committed: list[Path] = []  # outputs moved into place during this command


def _raise(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Interrupted(signum)


def _handler(signum: int, _frame: FrameType | None) -> None:
    if _State.deferring:
        _State.pending = signum
        return
    _raise(signum)


@contextmanager
def interrupt_on_signals() -> Iterator[None]:
    """For one command: SIGINT raises KeyboardInterrupt, SIGTERM/SIGHUP raise Interrupted; the
    previous handlers come back afterwards. Outside the main thread (no signals there) a no-op."""
    _State.committed = []
    _State.pending = None
    previous = {}
    try:
        for sig in SIGNALS:
            previous[sig] = signal.signal(sig, _handler)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def uninterrupted() -> Iterator[None]:
    """A commit (renames that swap a new output in): a signal that arrives meanwhile waits, so the
    target is either all old or all new; it is raised as soon as the commit is over."""
    _State.deferring += 1
    try:
        yield
    finally:
        _State.deferring -= 1
        signum = _State.pending if not _State.deferring else None
        if signum is not None:
            _State.pending = None
    if signum is not None:  # only when the commit itself succeeded; else its error goes on
        _raise(signum)


def mark_committed(path: Path) -> None:
    """Record an output that is in place, so an interruption after it says so."""
    _State.committed.append(path)


def committed() -> list[Path]:
    return list(_State.committed)
