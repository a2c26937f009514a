"""Plots of a sweep: a figure against the first varied field, with 95% confidence bands.

One line per agency and a bold line for the whole MPP; when more fields vary, one
panel per combination of the others. Built with matplotlib's object API (no pyplot
state), from the sweep's summary table alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = ["DEFAULT_FIGURES", "LABELS", "sweep_figure", "write_sweep_plot"]

DEFAULT_FIGURES = ("wait_p90_min", "wait_mean_min", "lost", "utilization")
"""Figures plotted when none are chosen (``lost``: balked, reneged, turned away, absent)."""

LABELS = {
    "wait_p90_min": "p90 wait (min)",
    "wait_mean_min": "mean wait (min)",
    "lost": "visitors lost per day",
    "utilization": "counter utilization",
    "served": "served per day",
    "arrivals": "arrivals per day",
    "within_standard": "share served within the standard",
    "prob_wait_gt_15_min": "share waiting over 15 min",
}
MAX_PANELS = 12


def sweep_figure(summary: pd.DataFrame, varied: Sequence[str], figure: str) -> Figure:
    """Draw one figure of a sweep against its first varied field.

    Parameters
    ----------
    summary : pandas.DataFrame
        The sweep's summary (``SweepResult.summary``): the varied fields, ``scope,
        kind``, and ``figure`` with ``figure + "_ci95"``.
    varied : sequence of str
        The varied fields; the first is the x axis.
    figure : str
        The figure to draw.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per combination of the other varied fields (at most 12).
    """
    x_field, others = varied[0], list(varied[1:])
    rows = summary[summary["kind"].isin(["mpp", "agency"])]
    groups = list(rows.groupby(others, sort=False)) if others else [((), rows)]
    groups = groups[:MAX_PANELS]
    columns = min(3, len(groups))
    n_rows = int(np.ceil(len(groups) / columns))
    fig = Figure(figsize=(4.6 * columns + 1.8, 3.4 * n_rows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(n_rows, columns, sharex=True, sharey=True, squeeze=False))
    axes = axes.ravel()
    for ax in axes[len(groups) :]:
        ax.set_visible(False)
    scopes = list(dict.fromkeys(rows["scope"]))
    palette = colormaps["tab20"]
    colours = {scope: palette(i % 20) for i, scope in enumerate(s for s in scopes if s != "mpp")}
    for ax, (key, group) in zip(axes, groups, strict=False):
        for scope, lines in group.groupby("scope", sort=False):
            lines = lines.sort_values(x_field)
            x = pd.to_numeric(lines[x_field], errors="coerce")
            if x.isna().any():
                x = pd.Series(np.arange(len(lines)), index=lines.index)
                ax.set_xticks(x.to_numpy(), [str(v) for v in lines[x_field]])
            mean = lines[figure].to_numpy(dtype=float)
            half = np.nan_to_num(lines[f"{figure}_ci95"].to_numpy(dtype=float))
            is_mpp = scope == "mpp"
            (line,) = ax.plot(
                x,
                mean,
                marker="o",
                markersize=3,
                linewidth=2.4 if is_mpp else 1.2,
                color="black" if is_mpp else colours[scope],
                label="MPP" if is_mpp else str(scope),
            )
            ax.fill_between(x, mean - half, mean + half, color=line.get_color(), alpha=0.12)
            if pd.api.types.is_integer_dtype(lines[x_field]):
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if others:
            key = key if isinstance(key, tuple) else (key,)
            ax.set_title(
                ", ".join(f"{f}={v}" for f, v in zip(others, key, strict=True)), fontsize=8
            )
        ax.set_xlabel(x_field, fontsize=8)
        ax.set_ylabel(LABELS.get(figure, figure), fontsize=8)
        ax.grid(alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=7, frameon=False)
    fig.suptitle(f"{LABELS.get(figure, figure)}: mean and 95% confidence band", fontsize=10)
    return fig


def write_sweep_plot(
    summary: pd.DataFrame, varied: Sequence[str], figure: str, path: str | Path
) -> None:
    """Write :func:`sweep_figure` as a PNG file.

    Parameters
    ----------
    summary : pandas.DataFrame
        The sweep's summary.
    varied : sequence of str
        The varied fields.
    figure : str
        The figure to draw.
    path : str or pathlib.Path
        Where the PNG goes.
    """
    sweep_figure(summary, varied, figure).savefig(path, dpi=130)
