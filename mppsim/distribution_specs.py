"""Distribution specs that know their moments: what scenario files contain.

The pydantic models (``Exponential``, ``Lognormal``, ...) are what scenario files contain;
``Distribution`` is their discriminated union (key ``dist``). Each converts to a
:class:`~mppsim.samplers.Sampler`, the small plain dataclass that the simulation engine
uses in its hot path to draw vectorised samples and to read the exact mean, variance and
lower support bound.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from mppsim.samplers import Sampler, weibull_cv2
from mppsim.unit_types import Minutes, PositiveMinutes

__all__ = [
    "Deterministic",
    "Distribution",
    "DistributionSpec",
    "Empirical",
    "Exponential",
    "Gamma",
    "Lognormal",
    "Triangular",
    "Uniform",
    "Weibull",
    "describe",
]


_WEIBULL_SHAPE_RANGE = (0.1, 1000.0)
_WEIBULL_CV_RANGE = (
    math.sqrt(weibull_cv2(_WEIBULL_SHAPE_RANGE[1])),
    math.sqrt(weibull_cv2(_WEIBULL_SHAPE_RANGE[0])),
)


def _weibull_shape_for_cv(cv: float) -> float:
    """Solve the Weibull shape whose coefficient of variation is ``cv``."""
    lo, hi = _WEIBULL_CV_RANGE
    if not lo < cv < hi:
        raise ValueError(
            f"weibull: cv {cv:g} cannot be reached; use a cv between {lo:.3g} and {hi:.3g}"
        )
    target = 2.0 * math.log(cv)
    from scipy.optimize import brentq  # imported here: scipy is slow to import

    shape = brentq(
        lambda k: math.log(weibull_cv2(k)) - target,
        *_WEIBULL_SHAPE_RANGE,
        xtol=1e-13,
        rtol=4 * np.finfo(float).eps,
    )
    return float(shape)


def _one_parametrisation(name: str, first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Check that exactly one of two parameter groups is complete and the other absent.

    Returns True if the first group is the one given.
    """
    forms = f"either {' and '.join(first)}, or {' and '.join(second)}"
    has_first = any(v is not None for v in first.values())
    has_second = any(v is not None for v in second.values())
    if has_first and has_second:
        raise ValueError(f"{name}: give {forms}, not both")
    if not (has_first or has_second):
        raise ValueError(f"{name}: give {forms}")
    group = first if has_first else second
    missing = [k for k, v in group.items() if v is None]
    if missing:
        raise ValueError(f"{name}: {' and '.join(group)} go together; missing {missing[0]}")
    return has_first


def _fmt(x: float) -> str:
    """Short number formatting for descriptions."""
    return f"{x:.4g}"


# --------------------------------------------------------------------------------------
# Specs (pydantic)
# --------------------------------------------------------------------------------------

_CV = "coefficient of variation (std/mean), > 0; give together with mean"
_MEAN = "mean; minutes when a time (a string with a unit such as '6 min' is accepted), > 0"
_SHAPE = "shape parameter (dimensionless), > 0; give together with scale"
_SCALE = "scale parameter; minutes when a time, > 0; give together with shape"


class DistributionSpec(BaseModel):
    """Base class of the distribution specs: shared configuration and checks.

    Subclasses are frozen, forbid extra keys and reject NaN/inf. Use ``Distribution``
    as a field type; use this class for ``isinstance`` checks and type hints.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    dist: str

    def to_sampler(self) -> Sampler:
        """Build the engine-side sampler.

        Returns
        -------
        Sampler
            Immutable sampler with the canonical parameters of this distribution.
        """
        raise NotImplementedError

    def _check(self) -> None:
        """Cross-field checks of a subclass, run before the moments are checked."""

    @model_validator(mode="after")
    def _validate(self) -> DistributionSpec:
        self._check()
        try:
            sampler = self.to_sampler()
        except ArithmeticError as exc:  # overflow or underflow of extreme parameters
            raise ValueError(f"{self.dist}: parameters out of the usable range ({exc})") from exc
        if not (math.isfinite(sampler.mean) and math.isfinite(sampler.variance)):
            raise ValueError(f"{self.dist}: these parameters give an infinite mean or variance")
        return self


class Exponential(DistributionSpec):
    """Exponential distribution with the given mean."""

    dist: Literal["exponential"] = "exponential"
    mean: PositiveMinutes = Field(description=_MEAN)

    def to_sampler(self) -> Sampler:
        """Build the engine-side sampler, params ``(mean,)``."""
        return Sampler("exponential", (self.mean,))


class Lognormal(DistributionSpec):
    """Lognormal distribution, from ``mean`` and ``cv`` or from natural ``mu`` and ``sigma``.

    With mean ``m`` and cv ``c``: ``sigma**2 = log(1 + c**2)`` and
    ``mu = log(m) - sigma**2 / 2``.
    """

    dist: Literal["lognormal"] = "lognormal"
    mean: PositiveMinutes | None = Field(default=None, description=_MEAN)
    cv: float | None = Field(default=None, gt=0, description=_CV)
    mu: float | None = Field(
        default=None,
        description="mean of the underlying normal, i.e. of log(x) (log-minutes for times); "
        "give together with sigma",
    )
    sigma: float | None = Field(
        default=None,
        gt=0,
        description="standard deviation of the underlying normal (dimensionless), > 0; "
        "give together with mu",
    )

    def _check(self) -> None:
        _one_parametrisation(
            "lognormal", {"mean": self.mean, "cv": self.cv}, {"mu": self.mu, "sigma": self.sigma}
        )

    def to_sampler(self) -> Sampler:
        """Build the engine-side sampler, params ``(mu, sigma)``."""
        if self.mean is not None and self.cv is not None:
            s2 = math.log1p(self.cv * self.cv)
            return Sampler("lognormal", (math.log(self.mean) - 0.5 * s2, math.sqrt(s2)))
        return Sampler("lognormal", (self.mu, self.sigma))  # type: ignore[arg-type]


class Gamma(DistributionSpec):
    """Gamma distribution, from ``mean`` and ``cv`` or from ``shape`` and ``scale``.

    With mean ``m`` and cv ``c``: ``shape = 1 / c**2`` and ``scale = m * c**2``.
    """

    dist: Literal["gamma"] = "gamma"
    mean: PositiveMinutes | None = Field(default=None, description=_MEAN)
    cv: float | None = Field(default=None, gt=0, description=_CV)
    shape: float | None = Field(default=None, gt=0, description=_SHAPE)
    scale: PositiveMinutes | None = Field(default=None, description=_SCALE)

    def _check(self) -> None:
        _one_parametrisation(
            "gamma",
            {"mean": self.mean, "cv": self.cv},
            {"shape": self.shape, "scale": self.scale},
        )

    def to_sampler(self) -> Sampler:
        """Build the engine-side sampler, params ``(shape, scale)``."""
        if self.mean is not None and self.cv is not None:
            return Sampler("gamma", (1.0 / (self.cv * self.cv), self.mean * self.cv * self.cv))
        return Sampler("gamma", (self.shape, self.scale))  # type: ignore[arg-type]


class Weibull(DistributionSpec):
    """Weibull distribution, from ``mean`` and ``cv`` or from ``shape`` and ``scale``.

    From mean and cv the shape is solved numerically (the cv of a Weibull depends on the
    shape only); reachable cvs are roughly 0.0013 to 430 (shape 1000 to 0.1).
    """

    dist: Literal["weibull"] = "weibull"
    mean: PositiveMinutes | None = Field(default=None, description=_MEAN)
    cv: float | None = Field(default=None, gt=0, description=_CV)
    shape: float | None = Field(default=None, gt=0, description=_SHAPE)
    scale: PositiveMinutes | None = Field(default=None, description=_SCALE)

    def _check(self) -> None:
        if _one_parametrisation(
            "weibull",
            {"mean": self.mean, "cv": self.cv},
            {"shape": self.shape, "scale": self.scale},
        ):
            _weibull_shape_for_cv(self.cv)  # type: ignore[arg-type]

    def to_sampler(self) -> Sampler:
        """Build the engine-side sampler, params ``(shape, scale)``."""
        if self.mean is not None and self.cv is not None:
            shape = _weibull_shape_for_cv(self.cv)
            scale = self.mean / math.exp(math.lgamma(1.0 + 1.0 / shape))
            return Sampler("weibull", (shape, scale))
        return Sampler("weibull", (self.shape, self.scale))  # type: ignore[arg-type]


class Triangular(DistributionSpec):
    """Triangular distribution on ``[low, high]`` with peak at ``mode``."""

    dist: Literal["triangular"] = "triangular"
    low: Minutes = Field(description="lower bound; minutes when a time, < high")
    mode: Minutes = Field(description="most likely value, low <= mode <= high")
    high: Minutes = Field(description="upper bound; minutes when a time, > low")

    def _check(self) -> None:
        if not self.low < self.high:
            raise ValueError(
                f"triangular: low must be < high, got low={self.low:g}, high={self.high:g}"
            )
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"triangular: mode must lie in [low, high], got low={self.low:g}, "
                f"mode={self.mode:g}, high={self.high:g}"
            )

    def to_sampler(self) -> Sampler:
        """Build the engine-side sampler, params ``(low, mode, high)``."""
        return Sampler("triangular", (self.low, self.mode, self.high))


class Uniform(DistributionSpec):
    """Continuous uniform distribution on ``[low, high)``."""

    dist: Literal["uniform"] = "uniform"
    low: Minutes = Field(description="lower bound; minutes when a time, < high")
    high: Minutes = Field(description="upper bound; minutes when a time, > low")

    def _check(self) -> None:
        if not self.low < self.high:
            raise ValueError(
                f"uniform: low must be < high, got low={self.low:g}, high={self.high:g}"
            )

    def to_sampler(self) -> Sampler:
        """Build the engine-side sampler, params ``(low, high)``."""
        return Sampler("uniform", (self.low, self.high))


class Deterministic(DistributionSpec):
    """Constant value (zero variance)."""

    dist: Literal["deterministic"] = "deterministic"
    value: Minutes = Field(description="the constant; minutes when a time")

    def to_sampler(self) -> Sampler:
        """Build the engine-side sampler, params ``(value,)``."""
        return Sampler("deterministic", (self.value,))


class Empirical(DistributionSpec):
    """Observed values, resampled uniformly with replacement (a bootstrap distribution).

    Its mean and variance are those of the observations (population variance, ddof=0).
    """

    dist: Literal["empirical"] = "empirical"
    values: tuple[Minutes, ...] = Field(
        min_length=1,
        description="observed values (at least one, finite); minutes when times",
    )

    def to_sampler(self) -> Sampler:
        """Build the engine-side sampler, params ``()`` and ``values``."""
        return Sampler("empirical", (), self.values)


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Weibull | Triangular | Uniform | Deterministic | Empirical,
    Field(discriminator="dist"),
]
"""Any distribution spec, chosen by its ``dist`` key (use as a pydantic field type)."""


def describe(dist: DistributionSpec, unit: str = "min") -> str:
    """Describe a distribution spec in a few words, for reports and tables.

    Parameters
    ----------
    dist : Distribution
        Any of the distribution specs.
    unit : str, optional
        Unit written after location/scale parameters (``"min"`` by default); pass
        ``""`` for dimensionless quantities.

    Returns
    -------
    str
        For example ``"lognormal, mean 6 min, cv 0.6"`` or ``"uniform, 2 to 8 min"``.
    """
    u = f" {unit}" if unit else ""
    if isinstance(dist, Exponential):
        return f"exponential, mean {_fmt(dist.mean)}{u}"
    if isinstance(dist, Lognormal | Gamma | Weibull):
        if dist.mean is not None and dist.cv is not None:
            return f"{dist.dist}, mean {_fmt(dist.mean)}{u}, cv {_fmt(dist.cv)}"
        if isinstance(dist, Lognormal):
            return f"lognormal, mu {_fmt(dist.mu)}, sigma {_fmt(dist.sigma)}"  # type: ignore[arg-type]
        return f"{dist.dist}, shape {_fmt(dist.shape)}, scale {_fmt(dist.scale)}{u}"  # type: ignore[arg-type]
    if isinstance(dist, Triangular):
        return (
            f"triangular, low {_fmt(dist.low)}{u}, mode {_fmt(dist.mode)}{u}, "
            f"high {_fmt(dist.high)}{u}"
        )
    if isinstance(dist, Uniform):
        return f"uniform, {_fmt(dist.low)} to {_fmt(dist.high)}{u}"
    if isinstance(dist, Deterministic):
        return f"deterministic, {_fmt(dist.value)}{u}"
    if isinstance(dist, Empirical):
        n = len(dist.values)
        mean = dist.to_sampler().mean
        return f"empirical, {n} value{'s' if n != 1 else ''}, mean {_fmt(mean)}{u}"
    raise TypeError(f"not a distribution spec: {dist!r}")
