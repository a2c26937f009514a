"""Distributions: the pydantic specs of scenario files and the engine's samplers.

Two modules hold them, so that the engine never imports pydantic:

- :mod:`mppsim.samplers` -- :class:`Sampler`, the plain dataclass the engine draws from
  (numpy only);
- :mod:`mppsim.distribution_specs` -- the pydantic specs (``Exponential``,
  ``Lognormal``, ..., their union ``Distribution``) that scenario files contain.

This module offers both sets of names. ``Sampler`` is imported at once; the specs are
loaded on first use (``from mppsim.distributions import Lognormal`` works as before),
so ``from mppsim.distributions import Sampler`` does not load pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mppsim.samplers import SAMPLER_PARAMS, Sampler

if TYPE_CHECKING:
    from mppsim.distribution_specs import (
        Deterministic,
        Distribution,
        DistributionSpec,
        Empirical,
        Exponential,
        Gamma,
        Lognormal,
        Triangular,
        Uniform,
        Weibull,
        describe,
    )

__all__ = [
    "SAMPLER_PARAMS",
    "Deterministic",
    "Distribution",
    "DistributionSpec",
    "Empirical",
    "Exponential",
    "Gamma",
    "Lognormal",
    "Sampler",
    "Triangular",
    "Uniform",
    "Weibull",
    "describe",
]

_SPECS = frozenset(__all__) - {"SAMPLER_PARAMS", "Sampler"}


def __getattr__(name: str) -> Any:
    """Load a distribution spec from :mod:`mppsim.distribution_specs` on first use."""
    if name in _SPECS:
        value = getattr(importlib.import_module("mppsim.distribution_specs"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
