"""Danish number formatting for text output: 1.234.567,89 kr."""

from __future__ import annotations

from decimal import Decimal


def format_number(value: Decimal | float | int, decimals: int = 2) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_kr(value: Decimal | float | int) -> str:
    return f"{format_number(value)} kr."


def format_share(value: Decimal | float) -> str:
    return f"{format_number(Decimal(repr(float(value))) * 100, 1)} %"
