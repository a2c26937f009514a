"""Paired differences between plans run with common random numbers, and Holm's correction.

Replication ``r`` of two plans sees the same visitors, so the difference of a figure is
taken replication by replication: its mean, a Student-t interval, and a two-sided
t-test p-value. Many figures are compared at once, so the p-values are adjusted with
Holm's step-down method, which keeps the chance of any false "significant" at the
stated level.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from mppsim.stats.intervals import mean_ci

__all__ = ["holm", "paired_difference"]


def paired_difference(
    a: ArrayLike, b: ArrayLike, level: float = 0.95
) -> tuple[float, float, float, int]:
    """Return the mean of ``b - a`` per replication, its half-width and t-test p-value.

    Parameters
    ----------
    a, b : array_like of float
        One value per replication, in the same replication order. Pairs with a NaN
        on either side are left out.
    level : float, optional
        Confidence level of the half-width.

    Returns
    -------
    mean : float
        Mean difference (NaN with no pair).
    half_width : float
        Student-t half-width (NaN with fewer than two pairs; 0 when every difference is
        the same).
    p_value : float
        Two-sided p-value of "the mean difference is 0" (paired t-test). When every
        difference is the same it is 0 if that difference is not 0, else 1; NaN with
        fewer than two pairs.
    n : int
        Number of pairs.

    References
    ----------
    Law, A. M. (2015). *Simulation Modeling and Analysis* (5th ed.), the paired-t
    confidence interval for comparing two systems with common random numbers.
    """
    x = np.asarray(a, dtype=float).ravel()
    y = np.asarray(b, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError("a and b must have one value per replication each")
    keep = ~(np.isnan(x) | np.isnan(y))
    d = y[keep] - x[keep]
    n = int(d.size)
    mean, half = mean_ci(d, level)
    if n < 2:
        return mean, half, math.nan, n
    sd = float(np.std(d, ddof=1))
    if sd == 0.0 or not math.isfinite(sd):
        return mean, 0.0, (0.0 if mean != 0.0 else 1.0), n
    from scipy.special import stdtr  # imported here: scipy is slow to import

    t = abs(mean) / (sd / math.sqrt(n))
    return mean, half, float(2.0 * stdtr(n - 1, -t)), n


def holm(p_values: ArrayLike) -> np.ndarray:
    """Return Holm's adjusted p-values (NaN entries stay NaN and are not counted).

    Parameters
    ----------
    p_values : array_like of float
        Unadjusted p-values of a family of tests.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values: reject the hypotheses whose adjusted value is below the
        family-wise level.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics*, 6(2), 65-70.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = valid.size
    if m == 0:
        return out
    order = valid[np.argsort(p[valid], kind="stable")]
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out[order] = adjusted
    return out
