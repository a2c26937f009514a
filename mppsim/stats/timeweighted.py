"""Time-weighted statistics of level logs (queue lengths, busy servers, occupancy).

A level log is a right-continuous step function given by non-decreasing
``times`` (minutes) and ``values``: the level is ``values[i]`` from ``times[i]``
until the next time. Of several entries at one time the last one wins; before
``times[0]`` the level is ``initial``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["binned_average", "integral", "level_max", "time_above", "time_average"]


def _as_log(times: ArrayLike, values: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(times, dtype=float)
    v = np.asarray(values, dtype=float)
    if t.ndim != 1 or v.ndim != 1:
        raise ValueError("times and values must be one-dimensional")
    if t.shape != v.shape:
        raise ValueError(f"times and values differ in length: {t.size} != {v.size}")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))):
        raise ValueError("times and values must be finite")
    if t.size > 1 and np.any(t[1:] < t[:-1]):
        raise ValueError("times must be non-decreasing")
    return t, v


def _window(start: float, end: float) -> tuple[float, float]:
    start, end = float(start), float(end)
    if not (math.isfinite(start) and math.isfinite(end)):
        raise ValueError("start and end must be finite")
    if end < start:
        raise ValueError(f"end ({end}) must be >= start ({start})")
    return start, end


def _integral(t: np.ndarray, v: np.ndarray, start: float, end: float, initial: float) -> float:
    """Integral over [start, end] of a validated log (segment clipping, no cumsum)."""
    if t.size == 0:
        return initial * (end - start)
    lo = np.clip(t, start, end)
    hi = np.clip(np.append(t[1:], np.inf), start, end)
    return float(initial * (lo[0] - start) + np.dot(v, hi - lo))


def integral(
    times: ArrayLike,
    values: ArrayLike,
    start: float,
    end: float,
    initial: float = 0.0,
) -> float:
    """Integral of a level log over a time window.

    Parameters
    ----------
    times : array_like of float
        Non-decreasing event times (minutes), finite.
    values : array_like of float
        Level from the corresponding time on (same length as `times`).
    start, end : float
        Window limits (minutes), ``start <= end``; the window may extend beyond
        the logged times on either side.
    initial : float, default 0.0
        Level before ``times[0]`` (and everywhere, if the log is empty).

    Returns
    -------
    float
        ``∫_start^end level(t) dt`` in level-minutes (e.g. customer-minutes).

    Raises
    ------
    ValueError
        If the arrays differ in length, are not 1-D or finite, `times` decreases,
        or ``end < start``.

    References
    ----------
    Law, A. M. (2015). *Simulation Modeling and Analysis* (5th ed.). McGraw-Hill.
    Area under the continuous-time statistic ``Q(t)`` as a sum of rectangles.
    """
    t, v = _as_log(times, values)
    start, end = _window(start, end)
    return _integral(t, v, start, end, float(initial))


def time_average(
    times: ArrayLike,
    values: ArrayLike,
    start: float,
    end: float,
    initial: float = 0.0,
) -> float:
    """Time-average level of a level log over a window.

    Parameters
    ----------
    times : array_like of float
        Non-decreasing event times (minutes), finite.
    values : array_like of float
        Level from the corresponding time on (same length as `times`).
    start, end : float
        Window limits (minutes), ``start < end``.
    initial : float, default 0.0
        Level before ``times[0]`` (and everywhere, if the log is empty).

    Returns
    -------
    float
        ``∫_start^end level(t) dt / (end - start)``, in level units.

    Raises
    ------
    ValueError
        For an invalid log or ``end <= start``.

    References
    ----------
    Law, A. M. (2015). *Simulation Modeling and Analysis* (5th ed.). McGraw-Hill.
    Time-average number in queue ``q̂(n) = ∫ Q(t) dt / T(n)``.
    """
    t, v = _as_log(times, values)
    start, end = _window(start, end)
    if end == start:
        raise ValueError("time_average needs end > start")
    return _integral(t, v, start, end, float(initial)) / (end - start)


def level_max(
    times: ArrayLike,
    values: ArrayLike,
    start: float,
    end: float,
    initial: float = 0.0,
) -> float:
    """Maximum level attained in the closed window [start, end].

    Parameters
    ----------
    times : array_like of float
        Non-decreasing event times (minutes), finite.
    values : array_like of float
        Level from the corresponding time on (same length as `times`).
    start, end : float
        Window limits (minutes), ``start <= end``.
    initial : float, default 0.0
        Level before ``times[0]`` (and everywhere, if the log is empty).

    Returns
    -------
    float
        Maximum of the level in force at `start` and of the levels set at times
        in ``(start, end]``. Of several entries at one time only the last counts
        (the earlier ones last zero time).

    Raises
    ------
    ValueError
        For an invalid log or ``end < start``.

    References
    ----------
    Law, A. M. (2015). *Simulation Modeling and Analysis* (5th ed.). McGraw-Hill.
    Maximum of a continuous-time statistic over a run.
    """
    t, v = _as_log(times, values)
    start, end = _window(start, end)
    first = int(np.searchsorted(t, start, side="right"))
    last = int(np.searchsorted(t, end, side="right"))
    best = float(v[first - 1]) if first > 0 else float(initial)
    if last > first:
        seg_t = t[first:last]
        keep = np.append(seg_t[1:] != seg_t[:-1], True)
        best = max(best, float(np.max(v[first:last][keep])))
    return best


def binned_average(
    times: ArrayLike,
    values: ArrayLike,
    edges: ArrayLike,
    initial: float = 0.0,
) -> np.ndarray:
    """Time-average level in each bin ``[edges[i], edges[i+1])``.

    Parameters
    ----------
    times : array_like of float
        Non-decreasing event times (minutes), finite.
    values : array_like of float
        Level from the corresponding time on (same length as `times`).
    edges : array_like of float
        Strictly increasing, finite bin edges (minutes), at least two.
    initial : float, default 0.0
        Level before ``times[0]`` (and everywhere, if the log is empty).

    Returns
    -------
    numpy.ndarray
        Array of length ``len(edges) - 1`` with the time-average level per bin.

    Raises
    ------
    ValueError
        For an invalid log or invalid `edges`.

    Notes
    -----
    Vectorised: the cumulative integral ``F(x) = ∫_{times[0]}^x level`` is
    evaluated at all edges with one ``np.searchsorted``; the bin averages are
    ``diff(F(edges)) / diff(edges)``. Cost O((n + m) log n) for n log entries
    and m edges.

    References
    ----------
    Law, A. M. (2015). *Simulation Modeling and Analysis* (5th ed.). McGraw-Hill.
    Time-average of a continuous-time statistic, applied per time bin.
    """
    t, v = _as_log(times, values)
    x = np.asarray(edges, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError("edges must be one-dimensional with at least two entries")
    if not np.all(np.isfinite(x)) or np.any(x[1:] <= x[:-1]):
        raise ValueError("edges must be finite and strictly increasing")
    initial = float(initial)
    if t.size == 0:
        return np.full(x.size - 1, initial)
    cum = np.concatenate(([0.0], np.cumsum(v[:-1] * np.diff(t))))
    idx = np.searchsorted(t, x, side="right") - 1
    safe = np.maximum(idx, 0)
    cumulative = np.where(
        idx >= 0,
        cum[safe] + v[safe] * (x - t[safe]),
        initial * (x - t[0]),
    )
    return np.diff(cumulative) / np.diff(x)


def time_above(
    times: ArrayLike,
    values: ArrayLike,
    threshold: float,
    start: float,
    end: float,
    initial: float = 0.0,
) -> float:
    """Total time in [start, end] during which the level exceeds a threshold.

    Parameters
    ----------
    times : array_like of float
        Non-decreasing event times (minutes), finite.
    values : array_like of float
        Level from the corresponding time on (same length as `times`).
    threshold : float
        Level threshold; only time with level strictly greater counts.
    start, end : float
        Window limits (minutes), ``start <= end``.
    initial : float, default 0.0
        Level before ``times[0]`` (and everywhere, if the log is empty).

    Returns
    -------
    float
        Minutes in the window with ``level > threshold``, in ``[0, end - start]``.

    Raises
    ------
    ValueError
        For an invalid log or ``end < start``.

    References
    ----------
    Law, A. M. (2015). *Simulation Modeling and Analysis* (5th ed.). McGraw-Hill.
    Integral of the indicator of a continuous-time statistic.
    """
    t, v = _as_log(times, values)
    start, end = _window(start, end)
    threshold = float(threshold)
    above = (v > threshold).astype(float)
    return _integral(t, above, start, end, float(float(initial) > threshold))
