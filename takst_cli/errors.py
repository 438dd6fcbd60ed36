"""Errors the user sees: each carries where (file, row, key) and why, in Danish."""

from __future__ import annotations

import errno
import re
import signal
from dataclasses import dataclass
from pathlib import Path

# A CPR number as exports write it: ddmmyy, then a dash, a space (also a no-break space) or
# nothing, then four digits — with a day and month that can be a date. Digits may not run on
# either side, but letters may: a file named "borger0404431111.csv" is masked too. Our own
# identifiers (a pseudonym 'P' + 16 hex digits, a SHA-256) are matched first and kept whole: a
# run of digits inside them is not a CPR number, and masking it would garble the id.
_CPR_IN_TEXT = re.compile(
    r"(?P<keep>\bP[0-9a-f]{16}\b|\b[0-9a-f]{64}\b)"
    r"|(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d\d[-\u2010\u2011\u2013 \u00a0]?\d{4}(?!\d)"
)
CPR_MASK = "XXXXXX-XXXX"


def _masked(match: re.Match[str]) -> str:
    return match.group("keep") or CPR_MASK


def mask_cpr(text: str) -> str:
    """Mask anything CPR-shaped: a message, a listed value or a file name never shows a CPR
    number. The one place every user-facing text passes through (messages, tables, files)."""
    return _CPR_IN_TEXT.sub(_masked, text)


@dataclass(frozen=True)
class Problem:
    """One located problem: `where` is a file:row, a file:column or a YAML key path."""

    where: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}" if self.where else self.why


class TakstError(Exception):
    """A user-facing error; the CLI prints it without a traceback and exits `exit_code`."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def lines(self) -> list[str]:
        return [self.message] + [f"  - {p}" for p in self.problems]


class UsageError(TakstError):
    """The command was used wrongly (an option's value has no meaning): exit 2, as Typer's own
    usage errors, but with a Danish message."""

    exit_code = 2


class ConfigError(TakstError):
    """The model file is missing, unreadable or invalid."""


class DataError(TakstError):
    """An input data file is missing, unreadable or holds invalid rows."""


class Interrupted(BaseException):
    """SIGTERM or SIGHUP while a command runs: handled like Ctrl-C (KeyboardInterrupt) — the
    writers clean up their temporary files, the command exits 128 + the signal number. A
    BaseException, so no `except Exception` on the way swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def interrupted_message(signum: int, written: list[Path]) -> str:
    """The line after Ctrl-C, SIGTERM or SIGHUP: what is on disk (nothing, unless the signal
    came during the final rename, which it waits for)."""
    name = signal.Signals(signum).name
    if not written:
        return f"afbrudt ({name}) — intet skrevet"
    return f"afbrudt ({name}) — {', '.join(str(p) for p in written)} var allerede skrevet færdig"


# What a user can do about each file-system error they can cause; the message names the path.
_OS_ERRORS = {
    errno.ENOSPC: "disken er fuld — frigør plads, eller vælg en anden placering",
    errno.EDQUOT: "din diskkvote er brugt op — frigør plads, eller vælg en anden placering",
    errno.EFBIG: "filen bliver større, end filsystemet tillader — vælg en anden placering",
    errno.EACCES: "adgang nægtet — du har ikke ret til at {action} her",
    errno.EPERM: "adgang nægtet — du har ikke ret til at {action} her",
    errno.EROFS: "filsystemet er skrivebeskyttet — vælg en anden placering",
    errno.EISDIR: "er en mappe, ikke en fil",
    errno.ENOTDIR: "en del af stien er en fil, ikke en mappe",
    errno.ENOENT: "findes ikke",
    errno.EEXIST: "findes allerede; brug --overskriv for at erstatte den",
    errno.ENOTEMPTY: "findes allerede; brug --overskriv for at erstatte den",
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.EBUSY: "er i brug af et andet program — luk det, og kør igen",
    errno.ETXTBSY: "er i brug af et andet program — luk det, og kør igen",
    errno.EIO: "læse-/skrivefejl på disken",
}


def file_error(exc: OSError, path: Path | str | None = None, action: str = "skrive") -> TakstError:
    """The Danish message for an OSError the user can cause (full disk, no permission, a folder
    where a file belongs, ...), naming `path` (else the error's own file name); another errno
    gets the system's own text. The writers use it for every OSError they meet; the error
    boundary only for the kinds above (`is_user_os_error`) — any other is a bug."""
    where = path if path is not None else (exc.filename or "")
    why = _OS_ERRORS.get(exc.errno or 0)
    if why is None:
        why = f"kan ikke {action} ({exc.strerror or exc.__class__.__name__})"
    suffix = " Intet er skrevet." if action == "skrive" else ""
    text = f"{where}: {why.format(action=action)}." if where else f"{why.format(action=action)}."
    return TakstError(text + suffix)


def is_user_os_error(exc: BaseException) -> bool:
    """An OSError the user caused and can fix (see file_error), not a bug."""
    return isinstance(exc, OSError) and exc.errno in _OS_ERRORS
