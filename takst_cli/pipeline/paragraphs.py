"""Paragraphs as the data writes them, mapped to the model's normal form (SPEC §3: 'SEL 83' and
'SEL §83' are one paragraph)."""

from __future__ import annotations

from collections.abc import Iterable

from takst_cli.config import ModelConfig
from takst_cli.errors import DataError
from takst_cli.models import normal_paragraph


def known_paragraphs(cfg: ModelConfig) -> list[str]:
    """Every paragraph the model names: in a course type, outside on purpose, delegated."""
    f = cfg.forloeb
    return sorted({*f.paragraphs_in, *f.uden_for_model, cfg.tildeling.delegeret_sygepleje.paragraf})


def paragraph_forms(values: Iterable[str], cfg: ModelConfig, source: str) -> dict[str, str]:
    """Each spelling → its normal form. A bare '§83' takes the law of the one paragraph 83 the
    model names; where the model names it under two laws, the run stops (never a guess)."""
    laws: dict[str, list[str]] = {}
    for known in known_paragraphs(cfg):
        if " §" in known:
            laws.setdefault(known.split(" §", 1)[1], []).append(known)
    out: dict[str, str] = {}
    for value in values:
        form = normal_paragraph(value)
        if form.startswith("§"):
            candidates = laws.get(form[1:], [])
            if len(candidates) > 1:
                raise DataError(
                    f"{source}: paragraffen '{value.strip()}' kan være både "
                    f"{' og '.join(candidates)}; skriv loven foran (fx '{candidates[0]}')"
                )
            form = candidates[0] if candidates else form
        out[value] = form
    return out


def model_spellings(values: Iterable[str], cfg: ModelConfig, source: str) -> set[str]:
    """The spellings among `values` of a paragraph inside the model."""
    inside = set(cfg.forloeb.paragraphs_in)
    return {v for v, form in paragraph_forms(values, cfg, source).items() if form in inside}
