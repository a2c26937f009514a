"""The report's plots, drawn with matplotlib's object API from ``report.data`` frames.

Every plot has a title, axes with units and agencies by name; an agency keeps one
colour in every plot (``agency_colours``), from a palette that stays apart for
colour-blind readers (Paul Tol's *muted* scheme, extended). ``overlapping_texts``
checks that no two labels of a drawn figure cover each other.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MultipleLocator

from mppsim.report.i18n import Texts

__all__ = [
    "PALETTE",
    "agency_colours",
    "arrivals_figure",
    "figure_data_uri",
    "on_duty_figure",
    "overlapping_texts",
    "queue_figure",
    "utilization_figure",
    "wait_figure",
    "zone_figure",
]

PALETTE = (
    "#332288",  # indigo
    "#88CCEE",  # cyan
    "#44AA99",  # teal
    "#117733",  # green
    "#999933",  # olive
    "#DDCC77",  # sand
    "#CC6677",  # rose
    "#882255",  # wine
    "#AA4499",  # purple
    "#EE7733",  # orange (Tol vibrant)
    "#4477AA",  # blue (Tol bright)
    "#777777",  # grey
)
"""Colour-blind-safe colours (Paul Tol's muted scheme with three of his other colours)."""

PANEL_COLUMNS = 3
DPI = 110


def agency_colours(agencies: Sequence[str]) -> dict[str, str]:
    """Return one colour per agency, in scenario order (the same in every plot)."""
    return {agency: PALETTE[i % len(PALETTE)] for i, agency in enumerate(agencies)}


def figure_data_uri(figure: Figure) -> str:
    """Render a figure as a PNG ``data:`` URI, for embedding in the report."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=DPI)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def overlapping_texts(figure: Figure) -> list[tuple[str, str]]:
    """Return the pairs of drawn, non-empty texts of a figure whose boxes overlap.

    Tick labels count only for the ticks drawn (inside the axis limits); a text's box
    is shrunk by a pixel so that labels that merely touch are not reported.
    """
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    tick_labels: set[int] = set()
    drawn: list[Text] = []
    for ax in figure.axes:
        for axis in ax._axis_map.values():
            for tick in (*axis.majorTicks, *axis.minorTicks):
                tick_labels.update((id(tick.label1), id(tick.label2)))
            if ax.get_visible():
                for tick in axis._update_ticks():
                    drawn.extend(
                        label for label in (tick.label1, tick.label2) if label.get_visible()
                    )
    for artist in figure.findobj(Text):
        in_view = artist.axes is None or artist.axes.get_visible()
        if id(artist) not in tick_labels and artist.get_visible() and in_view:
            drawn.append(artist)
    boxes = []
    for artist in drawn:
        if not artist.get_text().strip():
            continue
        box = artist.get_window_extent(renderer)
        if box.width <= 2 or box.height <= 2:
            continue
        boxes.append(
            (
                artist.get_text(),
                box.expanded((box.width - 2) / box.width, (box.height - 2) / box.height),
            )
        )
    pairs = []
    for i, (text_a, a) in enumerate(boxes):
        for text_b, b in boxes[i + 1 :]:
            if a.overlaps(b):
                pairs.append((text_a, text_b))
    return pairs


# --------------------------------------------------------------------------- helpers


def _time_axis(ax: Axes, texts: Texts, window: tuple[float, float], calendar: bool) -> None:
    start, end = window
    ax.set_xlim(start, end)
    span_h = (end - start) / 60.0
    step = 60.0 if span_h <= 12 else 60.0 * math.ceil(span_h / 12)
    ax.xaxis.set_major_locator(MultipleLocator(step))
    if calendar:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: texts.clock(x)[:2]))
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: texts.num(x / 60.0, 0)))


def _axis_label(texts: Texts, calendar: bool) -> str:
    if calendar:
        return f"{texts('axis_clock')} ({texts('hours_unit')})"
    return f"{texts('axis_hours')} ({texts('hours_unit')})"


def _number_axis(ax: Axes, texts: Texts, axis: str = "y", digits: int = 0) -> None:
    formatter = FuncFormatter(lambda v, _: texts.num(v, digits))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def _panels(count: int, *, title: str, height: float = 1.9) -> tuple[Figure, list[Axes]]:
    """Return a figure with a grid of small panels sharing the time axis, and the used axes."""
    columns = min(PANEL_COLUMNS, max(count, 1))
    rows = max(1, math.ceil(count / columns))
    figure = Figure(figsize=(10.0, 1.3 + height * rows), layout="constrained")
    grid = figure.subplots(rows, columns, squeeze=False, sharex=True)
    axes = [ax for row in grid for ax in row]
    for ax in axes[count:]:
        ax.set_visible(False)
    figure.suptitle(title, fontsize=12)
    return figure, axes[:count]


def _label_panels(
    figure: Figure,
    used: list[Axes],
    texts: Texts,
    window: tuple[float, float],
    calendar: bool,
    ylabel: str,
) -> None:
    for ax in used:
        _time_axis(ax, texts, window, calendar)
        _number_axis(ax, texts)
        ax.grid(axis="y", linewidth=0.4, alpha=0.6)
        ax.tick_params(labelsize=7.5, labelbottom=True)
    # the x label under the lowest panel of each column (a figure-wide one would collide
    # with the legend below the panels)
    columns = min(PANEL_COLUMNS, max(len(used), 1))
    for i, ax in enumerate(used):
        if i + columns >= len(used):
            ax.set_xlabel(_axis_label(texts, calendar), fontsize=8.5)
    figure.supylabel(ylabel, fontsize=9.5)


def _title(ax: Axes, name: str) -> None:
    ax.set_title(name, fontsize=9, loc="left")


# --------------------------------------------------------------------------- figures


def arrivals_figure(
    frame: pd.DataFrame,
    names: dict[str, str],
    colours: dict[str, str],
    texts: Texts,
    window: tuple[float, float],
    calendar: bool,
) -> Figure:
    """Draw requests per hour (bars) against counter capacity (line), a panel per agency."""
    agencies = list(names)
    figure, used = _panels(len(agencies), title=texts("fig_arrivals_title"))
    for ax, agency in zip(used, agencies, strict=False):
        rows = frame[frame["agency"] == agency]
        hours = rows["hour_min"].to_numpy()
        ax.bar(hours + 30.0, rows["arrivals"], width=50.0, color=colours[agency], edgecolor="none")
        capacity = rows["capacity"].to_numpy()
        if np.isfinite(capacity).any():
            ax.step(
                np.append(hours, hours[-1] + 60.0),
                np.append(capacity, capacity[-1]),
                where="post",
                color="black",
                linewidth=1.2,
            )
        _title(ax, names[agency])
        ax.set_ylim(bottom=0)
    _label_panels(figure, used, texts, window, calendar, texts("fig_arrivals_y"))
    handles = [
        Patch(color="#999999", label=texts("fig_arrivals_bar")),
        Line2D([], [], color="black", label=texts("fig_arrivals_cap")),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=8.5, frameon=False)
    return figure


def _band_panels(
    frame: pd.DataFrame,
    entities: dict[str, str],
    colour_of: Callable[[str], str],
    texts: Texts,
    window: tuple[float, float],
    calendar: bool,
    *,
    title: str,
    ylabel: str,
    mean_label: str,
    band_label: str,
    limits: dict[str, float] | None = None,
    limit_label: str = "",
) -> Figure:
    figure, used = _panels(len(entities), title=title)
    for ax, entity in zip(used, entities, strict=False):
        rows = frame[frame["entity"] == entity].sort_values("time_min")
        # each bin's value is the average over [t, t + bin): drawn at the bin's middle
        step = float(np.diff(rows["time_min"]).min()) if len(rows) > 1 else 15.0
        times = rows["time_min"].to_numpy() + step / 2.0
        colour = colour_of(entity)
        ax.fill_between(times, rows["lo"], rows["hi"], color=colour, alpha=0.3, linewidth=0)
        ax.plot(times, rows["mean"], color=colour, linewidth=1.6)
        if limits and entity in limits and math.isfinite(limits[entity]):
            ax.axhline(limits[entity], color="black", linestyle="--", linewidth=1.0)
        _title(ax, entities[entity])
        ax.set_ylim(bottom=0)
    _label_panels(figure, used, texts, window, calendar, ylabel)
    handles = [
        Line2D([], [], color="#555555", linewidth=1.6, label=mean_label),
        Patch(color="#555555", alpha=0.3, label=band_label),
    ]
    if limits:
        handles.append(Line2D([], [], color="black", linestyle="--", label=limit_label))
    figure.legend(
        handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8.5,
        frameon=False,
    )  # fmt: skip
    return figure


def queue_figure(
    frame: pd.DataFrame,
    names: dict[str, str],
    colours: dict[str, str],
    texts: Texts,
    window: tuple[float, float],
    calendar: bool,
) -> Figure:
    """Visitors waiting per agency over the day: mean and band across replications."""
    return _band_panels(
        frame,
        names,
        colours.__getitem__,
        texts,
        window,
        calendar,
        title=texts("fig_queue_title"),
        ylabel=texts("fig_queue_y"),
        mean_label=texts("fig_queue_mean"),
        band_label=texts("fig_queue_band"),
    )


def zone_figure(
    frame: pd.DataFrame,
    names: dict[str, str],
    seats: dict[str, float],
    texts: Texts,
    window: tuple[float, float],
    calendar: bool,
) -> Figure:
    """Visitors in each zone over the day (mean and band) against its seats."""
    return _band_panels(
        frame,
        names,
        lambda _: PALETTE[0],
        texts,
        window,
        calendar,
        title=texts("fig_zone_title"),
        ylabel=texts("fig_zone_y"),
        mean_label=texts("fig_zone_mean"),
        band_label=texts("fig_zone_band"),
        limits=seats,
        limit_label=texts("fig_zone_seats"),
    )


def wait_figure(
    waits: pd.DataFrame,
    names: dict[str, str],
    colours: dict[str, str],
    texts: Texts,
    standard: float,
) -> Figure:
    """Box plot of waits per agency (5th–95th percentile whiskers) against the standard."""
    agencies = list(names)
    figure = Figure(figsize=(10.0, 1.6 + 0.42 * len(agencies)), layout="constrained")
    ax = figure.subplots()
    data = [waits.loc[waits["agency"] == a, "wait_min"].to_numpy() for a in agencies]
    present = [i for i, d in enumerate(data) if len(d)]
    positions = np.arange(len(agencies))[::-1]
    if present:
        boxes = ax.boxplot(
            [data[i] for i in present],
            positions=positions[present],
            orientation="horizontal",
            whis=(5, 95),
            showfliers=False,
            showmeans=True,
            widths=0.6,
            patch_artist=True,
            meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "black",
                       "markersize": 4},
            medianprops={"color": "black"},
        )  # fmt: skip
        for patch, i in zip(boxes["boxes"], present, strict=True):
            patch.set_facecolor(colours[agencies[i]])
            patch.set_alpha(0.85)
    ax.set_yticks(positions, [names[a] for a in agencies], fontsize=8.5)
    ax.axvline(standard, color="#CC3311", linestyle="--", linewidth=1.3)
    ax.set_xlim(left=0)
    _number_axis(ax, texts, "x")
    ax.set_xlabel(texts("fig_wait_x"))
    ax.grid(axis="x", linewidth=0.4, alpha=0.6)
    ax.set_title(texts("fig_wait_title"), fontsize=12)
    standard_text = texts.minutes(standard, 0)
    ax.legend(
        handles=[Line2D([], [], color="#CC3311", linestyle="--",
                        label=texts("fig_wait_standard", standard=standard_text))],
        loc="lower right", fontsize=8.5,
    )  # fmt: skip
    return figure


def utilization_figure(
    summary: dict[str, dict[str, float]],
    groups: pd.DataFrame,
    names: dict[str, str],
    colours: dict[str, str],
    texts: Texts,
) -> Figure:
    """Busy share per agency (solid) and per counter group when it has several (lighter)."""
    labels: list[str] = []
    values: list[float] = []
    colour_list: list[str] = []
    alphas: list[float] = []
    for agency, name in names.items():
        labels.append(name)
        values.append(summary.get(agency, {}).get("utilization") or np.nan)
        colour_list.append(colours[agency])
        alphas.append(1.0)
        mine = groups[groups["agency"] == agency]
        if len(mine) > 1:
            for row in mine.itertuples():
                labels.append(f"   {row.group} ({row.counters})")
                values.append(row.utilization)
                colour_list.append(colours[agency])
                alphas.append(0.45)
    figure = Figure(figsize=(10.0, 1.4 + 0.27 * len(labels)), layout="constrained")
    ax = figure.subplots()
    positions = np.arange(len(labels))[::-1]
    shares = np.nan_to_num(np.array(values, dtype=float)) * 100.0
    for pos, share, colour, alpha, value in zip(
        positions, shares, colour_list, alphas, values, strict=True
    ):
        ax.barh(pos, share, color=colour, alpha=alpha, height=0.75)
        ax.text(share + 1.0, pos, texts.pct(value), va="center", fontsize=7.5)
    ax.set_yticks(positions, labels, fontsize=8)
    for tick, alpha in zip(ax.get_yticklabels(), alphas, strict=True):
        if alpha == 1.0:
            tick.set_fontweight("bold")
    ax.set_xlim(0, 110)
    ax.xaxis.set_major_locator(MultipleLocator(20))
    _number_axis(ax, texts, "x")
    ax.set_xlabel(texts("fig_util_x"))
    ax.grid(axis="x", linewidth=0.4, alpha=0.6)
    ax.set_title(texts("fig_util_title"), fontsize=12)
    return figure


def on_duty_figure(
    frame: pd.DataFrame,
    names: dict[str, str],
    colours: dict[str, str],
    texts: Texts,
    window: tuple[float, float],
    calendar: bool,
) -> Figure:
    """Counters on duty per agency over the day, stacked (mean over replications)."""
    agencies = list(names)
    figure = Figure(figsize=(10.0, 4.2), layout="constrained")
    ax = figure.subplots()
    times = np.sort(frame["time_min"].unique())
    step = float(np.diff(times).min()) if len(times) > 1 else 15.0
    stacks = []
    for agency in agencies:
        rows = frame[frame["entity"] == agency].set_index("time_min")["mean"]
        stacks.append(rows.reindex(times, fill_value=0.0).to_numpy())
    edges = np.append(times, times[-1] + step) if len(times) else times
    if len(times):
        ax.stackplot(
            edges,
            *[np.append(s, s[-1]) for s in stacks],
            step="post",
            colors=[colours[a] for a in agencies],
            labels=[names[a] for a in agencies],
            linewidth=0,
        )
    _time_axis(ax, texts, window, calendar)
    _number_axis(ax, texts)
    ax.set_xlabel(_axis_label(texts, calendar))
    ax.set_ylabel(texts("fig_duty_y"))
    ax.set_title(texts("fig_duty_title"), fontsize=12)
    ax.grid(axis="y", linewidth=0.4, alpha=0.6)
    handles, labels = ax.get_legend_handles_labels()
    figure.legend(handles[::-1], labels[::-1], loc="outside right upper", fontsize=8, frameon=False)
    return figure
