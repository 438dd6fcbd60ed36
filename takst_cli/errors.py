"""Errors the user sees: each carries where (file, row, key) and why, in Danish."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CPR_IN_TEXT = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")


def mask_cpr(text: str) -> str:
    """Mask anything CPR-shaped: a message or a listed value never shows a CPR number."""
    return _CPR_IN_TEXT.sub("XXXXXX-XXXX", text)


@dataclass(frozen=True)
class Problem:
    """One located problem: `where` is a file:row, a file:column or a YAML key path."""

    where: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}" if self.where else self.why


class TakstError(Exception):
    """A user-facing error; the CLI prints it without a traceback and exits 1."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def lines(self) -> list[str]:
        return [self.message] + [f"  - {p}" for p in self.problems]


class ConfigError(TakstError):
    """The model file is missing, unreadable or invalid."""


class DataError(TakstError):
    """An input data file is missing, unreadable or holds invalid rows."""
