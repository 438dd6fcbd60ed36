"""takst: takstberegner for kommunal hjemmepleje. The library's face is `takst_cli.api`; its
names are here: `import takst_cli; takst_cli.calculate("model.yaml")`."""

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
from takst_cli.version import __version__

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
