"""takst: takstberegner for kommunal hjemmepleje. The library's face is `takst_cli.api`; its
names are here: `import takst_cli; takst_cli.calculate("model.yaml")`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from takst_cli.version import __version__

if TYPE_CHECKING:
    from takst_cli.api import (
        Budget,
        Calculation,
        Effect,
        Finding,
        FollowUp,
        Funding,
        Model,
        Results,
        Validation,
        budget,
        calculate,
        effect,
        follow_up,
        fund,
        load_model,
        validate,
        write,
    )

__all__ = [
    "Budget",
    "Calculation",
    "Effect",
    "Finding",
    "FollowUp",
    "Funding",
    "Model",
    "Results",
    "Validation",
    "__version__",
    "budget",
    "calculate",
    "effect",
    "follow_up",
    "fund",
    "load_model",
    "validate",
    "write",
]


def __getattr__(name: str) -> Any:
    """The api's names, imported on first use: `takst --help` and every command start without
    loading Polars and the whole pipeline just because the package was imported."""
    if name in __all__:
        from takst_cli import api

        return getattr(api, name)
    raise AttributeError(f"module 'takst_cli' has no attribute {name!r}")
