"""Confidence intervals across independent simulation replications.

Student-t intervals for the mean of replication-level outputs, and a
group-wise summary table (mean and half-width per column) for reports.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from mppsim.stats.t_table import MAX_DF, T_QUANTILES

__all__ = ["ci_suffix", "mean_ci", "summarize", "t_quantile"]


def t_quantile(p: float, df: ArrayLike) -> Any:
    """Quantile of Student's t distribution (what ``scipy.stats.t.ppf`` returns).

    Parameters
    ----------
    p : float
        Probability, in (0, 1).
    df : float or array_like
        Degrees of freedom, > 0.

    Returns
    -------
    float or numpy.ndarray
        The quantile, shaped like `df`.

    Notes
    -----
    For p = 0.975 and 0.995 (95% and 99% intervals) and whole df up to 100 -- every
    run of up to 101 replications -- the value comes from the table in
    :mod:`mppsim.stats.t_table`, so summarising a run imports no scipy. Otherwise it is
    ``scipy.special.stdtrit``, the function behind ``scipy.stats.t.ppf`` (importing
    ``scipy.special`` takes a fraction of the time of ``scipy.stats``, which loads most
    of scipy: about 0.17 s against 1 s, measured with ``python -X importtime``).
    """
    table = T_QUANTILES.get(p)
    values = np.asarray(df, dtype=float)
    if (
        table is not None
        and values.size
        and np.all((values >= 1) & (values <= MAX_DF) & (values == np.round(values)))
    ):
        found = np.asarray(table)[values.astype(int) - 1]
        return float(found) if found.ndim == 0 else found
    from scipy.special import stdtrit  # imported here: scipy is slow to import

    value = stdtrit(df, p)
    return float(value) if np.ndim(value) == 0 else value


def _check_level(level: float) -> float:
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in the open interval (0, 1), got {level!r}")
    return level


def ci_suffix(level: float = 0.95) -> str:
    """Return the column-name suffix used by :func:`summarize` for a confidence level.

    Parameters
    ----------
    level : float, default 0.95
        Confidence level, in the open interval (0, 1).

    Returns
    -------
    str
        ``"_ci95"`` for 0.95, ``"_ci99"`` for 0.99, ``"_ci90"`` for 0.90; levels
        that are not a whole percentage use an underscore for the decimal point,
        e.g. ``"_ci99_5"`` for 0.995.

    Raises
    ------
    ValueError
        If `level` is not in (0, 1).
    """
    pct = round(_check_level(level) * 100.0, 6)
    text = str(int(pct)) if float(pct).is_integer() else f"{pct:g}".replace(".", "_")
    return f"_ci{text}"


def mean_ci(values: ArrayLike, level: float = 0.95) -> tuple[float, float]:
    """Sample mean and Student-t confidence half-width.

    Parameters
    ----------
    values : array_like of float
        Independent observations, typically one per replication (any shape; it
        is flattened). NaN entries are dropped before anything is computed.
    level : float, default 0.95
        Confidence level, in the open interval (0, 1).

    Returns
    -------
    mean : float
        Sample mean of the non-NaN values; NaN if there are none.
    half_width : float
        ``t.ppf((1 + level) / 2, n - 1) * s / sqrt(n)`` with ``s`` the sample
        standard deviation (``ddof=1``) and ``n`` the number of non-NaN values;
        NaN if ``n < 2``.

    Raises
    ------
    ValueError
        If `level` is not in (0, 1).

    References
    ----------
    Law, A. M. (2015). *Simulation Modeling and Analysis* (5th ed.). McGraw-Hill.
    The fixed-sample-size t confidence interval for a mean,
    ``X̄(n) ± t_{n-1, 1-α/2} sqrt(S²(n) / n)``.
    """
    level = _check_level(level)
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return math.nan, math.nan
    mean = float(np.mean(x))
    if n == 1:
        return mean, math.nan
    s = float(np.std(x, ddof=1))
    half = t_quantile((1.0 + level) / 2.0, n - 1) * s / math.sqrt(n)
    return mean, half


def summarize(
    frame: pd.DataFrame,
    by: list[str],
    columns: list[str],
    level: float = 0.95,
) -> pd.DataFrame:
    """Summarise replication-level outputs into means and confidence half-widths.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per replication (per group). The `columns` must be numeric;
        NaN entries are ignored, as in :func:`mean_ci`.
    by : list of str
        Grouping columns (e.g. scenario and policy). May be empty, in which case
        the whole frame is one group. Missing (NaN) keys form their own group.
    columns : list of str
        Output columns to summarise.
    level : float, default 0.95
        Confidence level, in the open interval (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by the group keys, with a fresh ``RangeIndex``.
        Columns: the `by` columns, then for each ``col`` in `columns` the mean
        ``col`` followed by the half-width ``col + ci_suffix(level)`` (e.g.
        ``wait_ci95``). Half-widths are NaN for groups with fewer than two
        non-NaN values.

    Raises
    ------
    ValueError
        If `level` is not in (0, 1).
    KeyError
        If a column in `by` or `columns` is missing from `frame`.

    References
    ----------
    Law, A. M. (2015). *Simulation Modeling and Analysis* (5th ed.). McGraw-Hill.
    Replication/deletion approach with the t confidence interval per output.
    """
    level = _check_level(level)
    by = list(by)
    columns = list(columns)
    missing = [name for name in [*by, *columns] if name not in frame.columns]
    if missing:
        raise KeyError(f"columns not in frame: {missing}")
    suffix = ci_suffix(level)
    data = frame[columns].astype(float)

    if by:
        grouped = data.groupby([frame[name] for name in by], sort=True, dropna=False, observed=True)
        means = grouped.mean()
        stds = grouped.std(ddof=1)
        counts = grouped.count()
    else:
        means = data.mean().to_frame().T
        stds = data.std(ddof=1).to_frame().T
        counts = data.count().to_frame().T

    n = counts.to_numpy(dtype=float)
    df = np.maximum(n - 1.0, 1.0)
    t_quant = t_quantile((1.0 + level) / 2.0, df)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = t_quant * stds.to_numpy(dtype=float) / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)

    out = means.index.to_frame(index=False) if by else pd.DataFrame(index=range(1))
    mean_values = means.to_numpy(dtype=float)
    for j, name in enumerate(columns):
        out[name] = mean_values[:, j]
        out[name + suffix] = half[:, j]
    return out.reset_index(drop=True)
