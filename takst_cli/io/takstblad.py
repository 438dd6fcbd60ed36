"""The takstblad: the budget year's frozen tariffs as a versioned JSON file (schema in
docs/takstblad.schema.json), written atomically and read back for the monthly settlement."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from takst_cli.errors import DataError, Problem
from takst_cli.io.readers import file_digest
from takst_cli.io.writers import atomic_path, check_parent, check_writable
from takst_cli.models import (
    HOUR_PARTS,
    TAKSTBLAD_VERSION,
    WEEK_PARTS,
    CellAmount,
    HourlyPrice,
    Part,
    PartCells,
    Shift,
    Takstblad,
)
from takst_cli.money import round_ore
from takst_cli.version import __version__

FORMAT = "takst-takstblad"
VERSION = TAKSTBLAD_VERSION


def _money(x: Decimal | None) -> str | None:
    """Money as a string of øre ('339.16'): a JSON number would pass through a float."""
    return None if x is None else f"{round_ore(x):.2f}"


def takstblad_document(
    *,
    municipality: str,
    budget_year: int,
    period: tuple[Any, Any],
    model: Path,
    inputs: list[tuple[str, str, str, int]],
    factors: dict[str, Any] | None,
    prices: list[HourlyPrice],
    clinic_price: Decimal | None,
    tariffs: list[tuple[str, str, int, Decimal | None]],
    overhead_per_week: Decimal,
    reduction: float | None,
    reduction_source: str,
    threshold: float,
    caseload: list[tuple[str, str, str, int, Decimal, Decimal]],
    parts: list[tuple[str, str, tuple[Any, ...], Decimal | None, Decimal]],
) -> dict[str, Any]:
    """The takstblad as a JSON document (keys in Danish, ASCII; money as strings in kr)."""
    return {
        "$schema": "https://takst.example/docs/takstblad.schema.json",
        "format": FORMAT,
        "version": VERSION,
        "takst_version": __version__,
        "kommune": municipality,
        "budgetaar": budget_year,
        "dataperiode": {"fra": period[0].isoformat(), "til": period[1].isoformat()},
        "modelfil": {"navn": model.name, "sha256": file_digest(model)},
        "inputfiler": [
            {"rolle": role, "navn": name, "sha256": sha, "raekker": rows}
            for role, name, sha, rows in inputs
        ],
        "fremskrivning": factors,
        "timepriser": [
            {
                "faggruppe": p.staff_group,
                "sygepleje": p.nursing,
                "timepris": _money(p.price),
                "vagter": {s.value: _money(v) for s, v in p.shift_prices.items()},
            }
            for p in prices
        ],
        "klinik_timepris": _money(clinic_price),
        "takster": [
            {"forloebstype": t, "fase": f, "niveau": n, "takst": _money(v)}
            for t, f, n, v in tariffs
        ],
        "overhead_pr_uge": _money(overhead_per_week),
        "reduktion_r": reduction,
        "reduktion_kilde": reduction_source,
        "individuel_taerskel_timer_uge": threshold,
        # the budget's expected citizen-weeks per team and cell: the base of the need mix
        "budget": [
            {
                "team": team,
                "forloebstype": t,
                "fase": f,
                "niveau": n,
                "borgeruger": f"{weeks:.6f}",
                "beloeb": _money(amount),
            }
            for team, t, f, n, weeks, amount in caseload
        ],
        # the budget's other parts: activity in course cells (citizen-weeks), activity outside
        # them and delegated nursing (hours per staff group and shift), frames (not split)
        "budget_dele": [
            {
                "team": team,
                "del": part,
                "celle": list(cell),
                "maengde": None if quantity is None else f"{quantity:.6f}",
                "beloeb": _money(amount),
            }
            for team, part, cell, quantity, amount in parts
        ],
    }


def write_takstblad(target: Path, doc: dict[str, Any], overwrite: bool) -> None:
    """Write the document atomically: the old takstblad stays whole until the new one is."""
    check_parent(target)
    check_writable(target, overwrite)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    with atomic_path(target, overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")


def read_takstblad(path: Path) -> Takstblad:
    """Read a takstblad back. Anything not as written (another format or version, a missing
    key, a price that is not an amount) stops the run naming the key and the value."""
    if not path.is_file():
        raise DataError(f"{path}: takstbladet findes ikke; lav det med takst takstblad")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: er ikke et takstblad (ugyldig JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise DataError(f"{path}: er ikke et takstblad (format skal være '{FORMAT}')")
    if doc.get("version") != VERSION:
        raise DataError(
            f"{path}: takstbladet har version {doc.get('version')!r}; denne takst læser "
            f"version {VERSION}. Lav takstbladet igen med takst takstblad"
        )
    problems: list[Problem] = []

    def get(obj: Any, key: str, where: str, kind: type | tuple[type, ...]) -> Any:
        value = obj.get(key) if isinstance(obj, dict) else None
        if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
            problems.append(Problem(f"{path}: {where}{key}", f"mangler eller ugyldig: {value!r}"))
            return None
        return value

    def amount(obj: Any, key: str, where: str, optional: bool = False) -> Decimal | None:
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None and optional:
            return None
        try:
            out = Decimal(value) if isinstance(value, str) else None
        except InvalidOperation:
            out = None
        if out is None or not out.is_finite() or out < 0 or out != round_ore(out):
            problems.append(
                Problem(f"{path}: {where}{key}", f"er ikke et beløb i kr. med øre: {value!r}")
            )
            return None
        return out

    year = get(doc, "budgetaar", "", int)
    name = get(doc, "kommune", "", str)
    model = get(get(doc, "modelfil", "", dict) or {}, "sha256", "modelfil.", str)
    prices = []
    for i, p in enumerate(get(doc, "timepriser", "", list) or []):
        at = f"timepriser[{i}]."
        group = get(p, "faggruppe", at, str)
        price = amount(p, "timepris", at)
        shifts = {s: amount(p.get("vagter") or {}, s.value, f"{at}vagter.") for s in Shift}
        if group is None or price is None or any(v is None for v in shifts.values()):
            continue
        prices.append(
            HourlyPrice(
                staff_group=group,
                nursing=bool(p.get("sygepleje")),
                annual_cost=None,
                norm_hours=None,
                attendance_hours=None,
                direct_share=None,
                direct_hours=None,
                price=price,
                shift_prices={s: v for s, v in shifts.items() if v is not None},
                given=True,
            )
        )
    tariffs: dict[tuple[str, str, int], Decimal | None] = {}
    for i, t in enumerate(get(doc, "takster", "", list) or []):
        at = f"takster[{i}]."
        cell = (get(t, "forloebstype", at, str), get(t, "fase", at, str), get(t, "niveau", at, int))
        value = amount(t, "takst", at, optional=True)
        if None not in cell:
            tariffs[cell] = value  # type: ignore[index]
    caseload: dict[str, dict[tuple[str, str, int], tuple[Decimal, Decimal]]] = {}
    for i, b in enumerate(get(doc, "budget", "", list) or []):
        at = f"budget[{i}]."
        team = get(b, "team", at, str)
        cell = (get(b, "forloebstype", at, str), get(b, "fase", at, str), get(b, "niveau", at, int))
        weeks = _number(b, "borgeruger")
        kr = amount(b, "beloeb", at)
        if weeks is None:
            problems.append(Problem(f"{path}: {at}borgeruger", f"ugyldig: {b.get('borgeruger')!r}"))
        if team is None or None in cell or weeks is None or kr is None:
            continue
        team_cells = caseload.setdefault(team, {})
        if cell in team_cells:  # a second row would silently replace the first's weeks and kr
            problems.append(
                Problem(f"{path}: {at}team", f"{team!r} står to gange for cellen {list(cell)!r}")
            )
        team_cells[cell] = (weeks, kr)  # type: ignore[index]
    parts: PartCells | None = None
    if "budget_dele" in doc:
        parts = {}
        for i, b in enumerate(get(doc, "budget_dele", "", list) or []):
            at = f"budget_dele[{i}]."
            found = _part(b, at, path, problems)
            kr = amount(b, "beloeb", at)
            if found is None or kr is None:
                continue
            team, part, cell, quantity = found
            by_cell = parts.setdefault(team, {}).setdefault(part, {})
            if cell in by_cell:
                problems.append(Problem(f"{path}: {at}celle", f"står to gange: {list(cell)!r}"))
            by_cell[cell] = CellAmount(quantity, kr)
    overhead = amount(doc, "overhead_pr_uge", "")
    clinic = amount(doc, "klinik_timepris", "", optional=True)
    r = doc.get("reduktion_r")
    if r is not None and not (isinstance(r, int | float) and 0 <= r < 1):
        problems.append(Problem(f"{path}: reduktion_r", f"skal være en andel (0-1): {r!r}"))
    if problems:
        raise DataError(f"{path}: takstbladet kan ikke læses", problems)
    assert year is not None and name is not None and model is not None and overhead is not None
    return Takstblad(
        path,
        year,
        name,
        model,
        prices,
        clinic,
        tariffs,
        overhead,
        r,
        caseload,
        parts,
        str(doc.get("takst_version", "")),
        VERSION,
        file_digest(path),
        dt.date.fromtimestamp(path.stat().st_mtime),
    )


def _part(
    b: Any, at: str, path: Path, problems: list[Problem]
) -> tuple[str, str, tuple[Any, ...], Decimal] | None:
    """One row of budget_dele: (team, part, cell, quantity). A cell as its part counts it —
    [type, fase, niveau] for weeks, [staff group, shift] for hours, [] for a frame — and a
    quantity for all but a frame; anything else is a problem named by its key."""
    if not isinstance(b, dict):
        problems.append(Problem(f"{path}: {at[:-1]}", f"skal være et objekt: {b!r}"))
        return None
    team, part = b.get("team"), b.get("del")
    cell: Any = b.get("celle")
    shapes: dict[str, tuple[type, ...]] = {
        **dict.fromkeys(WEEK_PARTS, (str, str, int)),
        **dict.fromkeys(HOUR_PARTS, (str, str)),
        Part.FRAME: (),
    }
    if not isinstance(team, str) or not team:
        problems.append(Problem(f"{path}: {at}team", f"mangler eller ugyldig: {team!r}"))
        return None
    if part not in shapes:
        want = ", ".join(shapes)
        problems.append(Problem(f"{path}: {at}del", f"skal være en af {want}: {part!r}"))
        return None
    shape = shapes[part]
    fits = isinstance(cell, list) and len(cell) == len(shape)
    if not fits or not all(
        isinstance(v, k) and not isinstance(v, bool) for v, k in zip(cell, shape, strict=True)
    ):
        problems.append(Problem(f"{path}: {at}celle", f"passer ikke til del {part}: {cell!r}"))
        return None
    if part == Part.FRAME:
        if b.get("maengde") is not None:
            problems.append(
                Problem(f"{path}: {at}maengde", f"en ramme har ingen mængde: {b['maengde']!r}")
            )
            return None
        return team, part, (), Decimal(0)
    quantity = _number(b, "maengde")
    if quantity is None:
        problems.append(Problem(f"{path}: {at}maengde", f"ugyldig: {b.get('maengde')!r}"))
        return None
    return team, part, tuple(cell), quantity


def _number(obj: Any, key: str) -> Decimal | None:
    """A non-negative decimal written as a string ('12.500000'), or None."""
    value = obj.get(key) if isinstance(obj, dict) else None
    try:
        out = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        return None
    return out if out is not None and out.is_finite() and out >= 0 else None
