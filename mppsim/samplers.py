"""Samplers: vectorised draws with exact moments, for the simulation engine.

A :class:`Sampler` is a small immutable dataclass built from a distribution spec
(``spec.to_sampler()``, see :mod:`mppsim.distribution_specs`). It imports neither
pydantic nor scipy, so the engine that uses it stays free of the scenario layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["LOG_MAX_FLOAT", "SAMPLER_PARAMS", "Sampler", "weibull_cv2"]

# --------------------------------------------------------------------------------------
# Sampler: the engine-side object
# --------------------------------------------------------------------------------------

#: Number of entries of ``Sampler.params`` for each kind, in this order:
#: exponential (mean), lognormal (mu, sigma), gamma (shape, scale),
#: weibull (shape, scale), triangular (low, mode, high), uniform (low, high),
#: deterministic (value), empirical () with the observations in ``values``.
SAMPLER_PARAMS: dict[str, int] = {
    "exponential": 1,
    "lognormal": 2,
    "gamma": 2,
    "weibull": 2,
    "triangular": 3,
    "uniform": 2,
    "deterministic": 1,
    "empirical": 0,
}

LOG_MAX_FLOAT = math.log(np.finfo(np.float64).max)


def _exp(x: float) -> float:
    """Return ``exp(x)``, or ``inf`` instead of raising OverflowError."""
    return math.inf if x > LOG_MAX_FLOAT else math.exp(x)


@dataclass(frozen=True, slots=True)
class Sampler:
    """Vectorised sampler for one distribution, with its exact moments.

    Build it with ``spec.to_sampler()`` rather than by hand. It is immutable, hashable
    and picklable, and holds no random state: pass the ``numpy.random.Generator`` of
    the stream to draw from.

    Parameters
    ----------
    kind : str
        One of ``"exponential"``, ``"lognormal"``, ``"gamma"``, ``"weibull"``,
        ``"triangular"``, ``"uniform"``, ``"deterministic"``, ``"empirical"``.
    params : tuple of float
        Canonical parameters: exponential ``(mean,)``, lognormal ``(mu, sigma)`` of the
        underlying normal, gamma ``(shape, scale)``, weibull ``(shape, scale)``,
        triangular ``(low, mode, high)``, uniform ``(low, high)``, deterministic
        ``(value,)``, empirical ``()``.
    values : tuple of float, optional
        The observations of an empirical distribution (empty for the other kinds).
    """

    kind: str
    params: tuple[float, ...]
    values: tuple[float, ...] = ()
    _values_array: np.ndarray = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        expected = SAMPLER_PARAMS.get(self.kind)
        if expected is None:
            raise ValueError(
                f"unknown sampler kind {self.kind!r}; expected one of {sorted(SAMPLER_PARAMS)}"
            )
        params = tuple(float(p) for p in self.params)
        values = tuple(float(v) for v in self.values)
        if len(params) != expected:
            raise ValueError(f"{self.kind} sampler needs {expected} params, got {params!r}")
        if (self.kind == "empirical") != bool(values):
            raise ValueError("values must be given for an empirical sampler, and only then")
        if not all(math.isfinite(x) for x in params + values):
            raise ValueError(f"{self.kind} sampler parameters must be finite")
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "_values_array", np.asarray(values, dtype=np.float64))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` independent samples in one vectorised call.

        Parameters
        ----------
        rng : numpy.random.Generator
            Generator of the random stream to draw from.
        size : int
            Number of samples.

        Returns
        -------
        numpy.ndarray
            Float64 array of shape ``(size,)``.
        """
        kind, p = self.kind, self.params
        if kind == "exponential":
            return rng.exponential(p[0], size)
        if kind == "lognormal":
            return rng.lognormal(p[0], p[1], size)
        if kind == "gamma":
            return rng.gamma(p[0], p[1], size)
        if kind == "weibull":
            return p[1] * rng.weibull(p[0], size)
        if kind == "triangular":
            return rng.triangular(p[0], p[1], p[2], size)
        if kind == "uniform":
            return rng.uniform(p[0], p[1], size)
        if kind == "deterministic":
            return np.full(size, p[0], dtype=np.float64)
        return rng.choice(self._values_array, size)

    @property
    def mean(self) -> float:
        """Exact mean of the distribution (``inf`` if it overflows)."""
        kind, p = self.kind, self.params
        if kind in ("exponential", "deterministic"):
            return p[0]
        if kind == "lognormal":
            return _exp(p[0] + 0.5 * p[1] * p[1])
        if kind == "gamma":
            return p[0] * p[1]
        if kind == "weibull":
            return p[1] * _exp(math.lgamma(1.0 + 1.0 / p[0]))
        if kind == "triangular":
            return (p[0] + p[1] + p[2]) / 3.0
        if kind == "uniform":
            return 0.5 * (p[0] + p[1])
        return float(np.mean(self._values_array))

    @property
    def variance(self) -> float:
        """Exact variance of the distribution (``inf`` if it overflows)."""
        kind, p = self.kind, self.params
        if kind == "exponential":
            return p[0] * p[0]
        if kind == "lognormal":
            s2 = p[1] * p[1]
            return math.expm1(min(s2, LOG_MAX_FLOAT)) * _exp(2.0 * p[0] + s2)
        if kind == "gamma":
            return p[0] * p[1] * p[1]
        if kind == "weibull":
            return p[1] * p[1] * _exp(2.0 * math.lgamma(1.0 + 1.0 / p[0])) * weibull_cv2(p[0])
        if kind == "triangular":
            a, c, b = p
            return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0
        if kind == "uniform":
            return (p[1] - p[0]) * (p[1] - p[0]) / 12.0
        if kind == "deterministic":
            return 0.0
        return float(np.var(self._values_array))

    @property
    def support_min(self) -> float:
        """Lower bound of the support (0 for the positive families)."""
        kind, p = self.kind, self.params
        if kind in ("triangular", "uniform", "deterministic"):
            return p[0]
        if kind == "empirical":
            return min(self.values)
        return 0.0


def weibull_cv2(shape: float) -> float:
    """Squared coefficient of variation of a Weibull with the given shape."""
    diff = math.lgamma(1.0 + 2.0 / shape) - 2.0 * math.lgamma(1.0 + 1.0 / shape)
    return math.expm1(min(diff, LOG_MAX_FLOAT))
