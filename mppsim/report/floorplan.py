"""The floor plan: one panel per floor, zones to scale, coloured by crowding.

Each zone is drawn at its position and size and coloured by its peak occupancy
against its seats (green: seats to spare, red: more people than seats); each
agency is labelled with its counters and mean wait. Built from the resolved
scenario and the summary alone, so it can be redrawn from a results folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

if TYPE_CHECKING:
    from mppsim.scenario.schema import Scenario

__all__ = ["floor_plan_figure", "write_floor_plan"]

CROWDING_MAX = 1.5  # colour scale: peak occupancy / seats from 0 to 1.5 (and above)


def floor_plan_figure(scenario: Scenario, summary: dict[str, Any]) -> Figure:
    """Draw the building's floors with zones coloured by peak occupancy against seats.

    Parameters
    ----------
    scenario : Scenario
        A scenario with a ``layout``.
    summary : dict
        The run's summary (``summary.json``), with ``zones`` and ``agencies``.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per floor, lowest floor first.
    """
    layout = scenario.layout
    if layout is None:
        raise ValueError("the scenario has no layout to draw")
    floors = sorted(layout.floors.items(), key=lambda item: item[1].level)
    widest = max(floor.width for _, floor in floors)
    deepest = max(floor.depth for _, floor in floors)
    panel_width = 7.0
    panel_height = max(2.5, panel_width * deepest / max(widest, 1e-9))
    figure = Figure(figsize=(panel_width, panel_height * len(floors) + 0.9), layout="constrained")
    axes = figure.subplots(len(floors), 1, squeeze=False)[:, 0]
    norm = Normalize(0.0, CROWDING_MAX)
    cmap = colormaps["RdYlGn_r"]
    zones_summary = summary.get("zones", {})
    # the text lines for what sits in each zone: agencies, kiosks, information desk
    labels_in: dict[str, list[str]] = {}
    for agency_id, zone_id in layout.agencies.items():
        labels_in.setdefault(zone_id, []).append(_agency_line(agency_id, scenario, summary))
    for key, label in (("kiosk", "[kiosks]"), ("info_desk", "[information desk]")):
        zone_id = getattr(layout, key)
        if zone_id is not None and getattr(scenario, key) is not None:
            labels_in.setdefault(zone_id, []).append(label)

    for ax, (floor_id, floor) in zip(axes, floors, strict=True):
        ax.add_patch(Rectangle((0, 0), floor.width, floor.depth, fill=False, linewidth=1.5))
        for zone_id, zone in layout.zones.items():
            if zone.floor != floor_id:
                continue
            figures = zones_summary.get(zone_id, {})
            peak = figures.get("occupancy_peak") or 0.0
            seats = figures.get("seats")
            ratio = peak / seats if seats else (0.0 if not peak else CROWDING_MAX)
            ax.add_patch(
                Rectangle(
                    (zone.x, zone.y),
                    zone.width,
                    zone.depth,
                    facecolor=cmap(norm(min(ratio, CROWDING_MAX))),
                    edgecolor="black",
                    linewidth=0.8,
                )
            )
            lines = [zone_id]
            seats_text = "unlimited" if seats is None else f"{seats:.0f}"
            lines.append(f"peak {peak:.0f} / seats {seats_text}")
            lines += labels_in.get(zone_id, [])
            if zone_id == layout.entrance:
                lines.append("(entrance)")
            narrow = zone.width < 0.6 * zone.depth
            ax.text(
                zone.x + zone.width / 2,
                zone.y + zone.depth / 2,
                "\n".join(lines),
                ha="center",
                va="center",
                fontsize=6.5,
                rotation=90 if narrow else 0,
                clip_on=True,
            )
        ax.set_xlim(-0.5, widest + 0.5)
        ax.set_ylim(-0.5, deepest + 0.5)
        ax.set_aspect("equal")
        ax.set_title(floor.label or floor_id, fontsize=10)
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
    colorbar = figure.colorbar(
        ScalarMappable(norm=norm, cmap=cmap), ax=list(axes), shrink=0.8, location="right"
    )
    colorbar.set_label("peak occupancy / seats")
    figure.suptitle(f"{summary.get('scenario', scenario.name)}: floor plan and crowding")
    return figure


def _agency_line(name: str, scenario: Scenario, summary: dict[str, Any]) -> str:
    counters = sum(scenario.agencies[name].counter_groups().values())
    wait = summary.get("agencies", {}).get(name, {}).get("wait_mean_min")
    wait_text = "–" if wait is None else f"{wait:.0f} min"
    return f"{name}: {counters} counters, wait {wait_text}"


def write_floor_plan(scenario: Scenario, summary: dict[str, Any], path: str | Path) -> Path:
    """Write the floor plan as a PNG and return its path."""
    figure = floor_plan_figure(scenario, summary)
    path = Path(path)
    figure.savefig(path, dpi=150)
    return path
