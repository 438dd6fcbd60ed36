"""Personal data: CPR-shaped citizen ids become keyed pseudonyms as soon as they are read, and
any CPR-shaped text is masked in messages."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import polars as pl

from takst_cli.models import Col

# Between a CPR number's date and its serial: a dash (also as a word processor writes it), a
# space (`040443 1111`, also non-breaking), or nothing; as errors.mask_cpr reads them.
CPR_SEPARATOR = "[-\u2010\u2011\u2013 \u00a0]"
CPR_SHAPE = rf"^\d{{6}}{CPR_SEPARATOR}?\d{{4}}$"
KEY_ENV = "TAKST_PSEUDONYM_NOEGLE"  # read by the api, which passes it in (never here)


def pseudonym_key(configured: str | None, from_env: str | None = None) -> bytes:
    """The environment's key (`from_env`, the value of KEY_ENV), else the model file's, else a
    random one for this run."""
    key = from_env or configured
    return key.encode("utf-8") if key else secrets.token_bytes(32)


def pseudonymise(frames: list[pl.DataFrame], key: bytes) -> list[pl.DataFrame]:
    """Replace CPR-shaped values of Col.BORGER in every frame by 'P' + 16 hex digits of
    HMAC-SHA256(key, the ten digits); the same citizen gets the same pseudonym in all frames."""
    ids: set[str] = set()
    for frame in frames:
        ids.update(
            frame.select(pl.col(Col.BORGER).filter(pl.col(Col.BORGER).str.contains(CPR_SHAPE)))
            .unique()[Col.BORGER]
            .to_list()
        )
    if not ids:
        return frames
    digits = {cpr: re.sub(CPR_SEPARATOR, "", cpr) for cpr in ids}
    mapping = {
        cpr: "P" + hmac.new(key, ten.encode(), hashlib.sha256).hexdigest()[:16]
        for cpr, ten in digits.items()
    }
    return [f.with_columns(pl.col(Col.BORGER).replace(mapping)) for f in frames]
