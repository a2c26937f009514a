"""The floor plan: one panel per floor, zones to scale, coloured by crowding.

Each zone is drawn at its position and size and coloured by its peak occupancy
against its seats (green: seats to spare, red: more people than seats), and
labelled with the name the scenario gives it, its peak against its seats and the
agencies in it (counters and mean wait). A label is fitted inside its zone: the
font shrinks, a narrow zone's text turns upright, and lines that still do not fit
are dropped, least important first (the zone's name is kept). Built from the
resolved scenario and the summary alone, so it can be redrawn from a results
folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from mppsim.report.i18n import Texts, resolve_lang

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.text import Text

    from mppsim.scenario.schema import Scenario

__all__ = ["floor_plan_figure", "write_floor_plan"]

CROWDING_MAX = 1.5  # colour scale: peak occupancy / seats from 0 to 1.5 (and above)
FONT_SIZES = (7.0, 6.5, 6.0, 5.5, 5.0)


def floor_plan_figure(
    scenario: Scenario,
    summary: dict[str, Any],
    texts: Texts | None = None,
    names: dict[str, str] | None = None,
) -> Figure:
    """Draw the building's floors with zones coloured by peak occupancy against seats.

    Parameters
    ----------
    scenario : Scenario
        A scenario with a ``layout``.
    summary : dict
        The run's summary (``summary.json``), with ``zones`` and ``agencies``.
    texts : Texts, optional
        The language of the labels; default English.
    names : dict, optional
        Display name of each agency by id; default its id.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per floor, lowest floor first.
    """
    layout = scenario.layout
    if layout is None:
        raise ValueError("the scenario has no layout to draw")
    texts = texts or Texts("en")
    names = names or {agency_id: agency_id for agency_id in scenario.agencies}
    floors = sorted(layout.floors.items(), key=lambda item: item[1].level)
    widest = max(floor.width for _, floor in floors)
    deepest = max(floor.depth for _, floor in floors)
    panel_width = 8.5
    panel_height = max(2.5, panel_width * deepest / max(widest, 1e-9))
    figure = Figure(figsize=(10.0, panel_height * len(floors) + 0.9), layout="constrained")
    canvas = FigureCanvasAgg(figure)
    axes = figure.subplots(len(floors), 1, squeeze=False)[:, 0]
    norm = Normalize(0.0, CROWDING_MAX)
    cmap = colormaps["RdYlGn_r"]
    zones_summary = summary.get("zones", {})
    # what sits in each zone: agencies, kiosks, information desk, entrance
    labels_in: dict[str, list[str]] = {}
    for agency_id, zone_id in layout.agencies.items():
        labels_in.setdefault(zone_id, []).append(
            _agency_line(agency_id, scenario, summary, texts, names)
        )
    for key, text_key in (("kiosk", "fp_kiosk"), ("info_desk", "fp_info")):
        zone_id = getattr(layout, key)
        if zone_id is not None and getattr(scenario, key) is not None:
            labels_in.setdefault(zone_id, []).append(texts(text_key))
    labels_in.setdefault(layout.entrance, []).append(texts("fp_entrance"))

    placed: list[tuple[Text, Rectangle, list[str]]] = []
    for ax, (floor_id, floor) in zip(axes, floors, strict=True):
        ax.add_patch(Rectangle((0, 0), floor.width, floor.depth, fill=False, linewidth=1.5))
        for zone_id, zone in layout.zones.items():
            if zone.floor != floor_id:
                continue
            figures = zones_summary.get(zone_id, {})
            peak = figures.get("occupancy_peak") or 0.0
            seats = figures.get("seats")
            ratio = peak / seats if seats else (0.0 if not peak else CROWDING_MAX)
            patch = Rectangle(
                (zone.x, zone.y),
                zone.width,
                zone.depth,
                facecolor=cmap(norm(min(ratio, CROWDING_MAX))),
                edgecolor="black",
                linewidth=0.8,
            )
            ax.add_patch(patch)
            seats_text = texts("unlimited") if seats is None else texts.count(seats)
            lines = [
                zone.label or zone_id,
                texts("fp_peak", peak=texts.count(peak), seats=seats_text),
                *labels_in.get(zone_id, []),
            ]
            text = ax.text(
                zone.x + zone.width / 2,
                zone.y + zone.depth / 2,
                "\n".join(lines),
                ha="center",
                va="center",
                fontsize=FONT_SIZES[0],
                rotation=90 if zone.width < 0.6 * zone.depth else 0,
            )
            placed.append((text, patch, lines))
        ax.set_xlim(-0.5, widest + 0.5)
        ax.set_ylim(-0.5, deepest + 0.5)
        ax.set_aspect("equal")
        ax.set_title(floor.label or floor_id, fontsize=10)
        ax.set_xlabel(texts("fp_x"))
        ax.set_ylabel(texts("fp_y"))
    colorbar = figure.colorbar(
        ScalarMappable(norm=norm, cmap=cmap), ax=list(axes), shrink=0.8, location="right"
    )
    colorbar.set_label(texts("fp_colorbar"))
    colorbar.ax.yaxis.set_major_formatter(lambda v, _: texts.num(v, 1))
    figure.suptitle(texts("fp_title", name=summary.get("scenario", scenario.name)))
    canvas.draw()  # fix the layout before fitting the labels into their zones
    figure.set_layout_engine("none")
    renderer = canvas.get_renderer()
    for text, patch, lines in placed:
        _fit(text, patch, lines, renderer)
    return figure


def _fits(text: Text, patch: Rectangle, renderer: RendererBase) -> bool:
    box = text.get_window_extent(renderer)
    zone = patch.get_window_extent(renderer)
    pad = 2.0
    return box.width <= zone.width - 2 * pad and box.height <= zone.height - 2 * pad


def _fit(text: Text, patch: Rectangle, lines: list[str], renderer: RendererBase) -> None:
    """Shrink, turn or cut a zone's label until it lies inside the zone."""
    for keep in range(len(lines), 0, -1):
        text.set_text("\n".join(lines[:keep]))
        for rotation in (text.get_rotation(), 90.0 - text.get_rotation()):
            text.set_rotation(rotation)
            for size in FONT_SIZES:
                text.set_fontsize(size)
                if _fits(text, patch, renderer):
                    return
    text.set_text("")  # not even the zone's name fits: leave the zone unlabelled


def _agency_line(
    agency_id: str,
    scenario: Scenario,
    summary: dict[str, Any],
    texts: Texts,
    names: dict[str, str],
) -> str:
    counters = sum(scenario.agencies[agency_id].counter_groups().values())
    wait = summary.get("agencies", {}).get(agency_id, {}).get("wait_mean_min")
    key = "fp_counters_one" if counters == 1 else "fp_counters_many"
    counters_text = texts(key, n=texts.count(counters))
    wait_text = texts("fp_wait", wait=texts.minutes(wait, 0))
    return f"{names.get(agency_id, agency_id)}: {counters_text}, {wait_text}"


def write_floor_plan(
    scenario: Scenario,
    summary: dict[str, Any],
    path: str | Path,
    lang: str | None = None,
) -> Path:
    """Write the floor plan as a PNG and return its path.

    Parameters
    ----------
    scenario : Scenario
        A scenario with a ``layout``.
    summary : dict
        The run's summary.
    path : str or pathlib.Path
        Where to write the PNG.
    lang : {"id", "en"}, optional
        Language of the labels; default the scenario's ``language``, else English.
    """
    from mppsim.report.data import agency_names

    texts = Texts(resolve_lang(lang, scenario.language))
    figure = floor_plan_figure(scenario, summary, texts, agency_names(scenario))
    path = Path(path)
    figure.savefig(path, dpi=150)
    return path
