"""Plausibility warnings: values that are valid but most likely a mistake.

A service that takes 8 hours, a walking speed of 72 m/s, two zones drawn on top of each
other, a service mix whose shares add up to 98 where they were meant to make 100: each
is a legal value, so none is an error, but each would quietly corrupt a plan. The loader
prints them as warnings with field and line (``--strict`` makes them errors).

The thresholds, all on means:

========================================  =========================================
value                                     warned when
========================================  =========================================
an agency's service or stage time         over 2 h, or under 15 s
kiosk time                                over 10 min
information desk time                     over 30 min
walking speed                             under 0.3 or over 2.5 m/s (people walk
                                          about 1.2 m/s; 72 is km/h or m/min)
two zones on one floor                    their rectangles overlap
mix shares, profile weights               the sum is within 10% of 100 or of 1 but
                                          not exactly it (percentages or fractions
                                          that were meant to add up)
========================================  =========================================
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mppsim.scenario.schema import Scenario

__all__ = ["implausible_values"]

Problems = list[tuple[tuple[str | int, ...], str]]

SERVICE_MAX_MIN = 120.0
SERVICE_MIN_MIN = 0.25
KIOSK_MAX_MIN = 10.0
INFO_MAX_MIN = 30.0
SPEED_RANGE = (0.3, 2.5)


def _mean(dist: Any) -> float:
    return float(dist.to_sampler().mean)


def _minutes(value: float) -> str:
    if value >= 90:
        return f"{value / 60:.3g} h"
    if value < 1:
        return f"{value * 60:.3g} s"
    return f"{value:.3g} min"


def _time_problems(scenario: Scenario) -> Problems:
    problems: Problems = []
    for agency_id, agency in scenario.agencies.items():
        for service_id, service in agency.services.items():
            where: tuple[str | int, ...] = ("agencies", agency_id, "services", service_id)
            timed = (
                [
                    ((*where, "stages", k, "time"), stage.time)
                    for k, stage in enumerate(service.stages)
                ]
                if service.stages
                else [((*where, "time"), service.time)]
            )
            for path, dist in timed:
                mean = _mean(dist)
                if mean > SERVICE_MAX_MIN:
                    problems.append(
                        (
                            path,
                            (
                                f"a mean of {_minutes(mean)} at the counter is implausible for one "
                                "visitor; times are minutes when bare (write '8 min', not '8 h')"
                            ),
                        )
                    )
                elif mean < SERVICE_MIN_MIN:
                    problems.append(
                        (
                            path,
                            (
                                f"a mean of {_minutes(mean)} at the counter is implausibly short; "
                                "bare times are minutes (write '45 s' for seconds)"
                            ),
                        )
                    )
    for key, limit in (("kiosk", KIOSK_MAX_MIN), ("info_desk", INFO_MAX_MIN)):
        station = getattr(scenario, key)
        if station is not None and _mean(station.time) > limit:
            problems.append(
                (
                    (key, "time"),
                    (
                        f"a mean of {_minutes(_mean(station.time))} per visitor is implausible "
                        f"here (more than {_minutes(limit)})"
                    ),
                )
            )
    return problems


def _layout_problems(scenario: Scenario) -> Problems:
    layout = scenario.layout
    if layout is None:
        return []
    problems: Problems = []
    speed = _mean(layout.walking_speed)
    low, high = SPEED_RANGE
    if not low <= speed <= high:
        problems.append(
            (
                ("layout", "walking_speed"),
                (
                    f"a mean walking speed of {speed:.3g} m/s is implausible (people walk about "
                    f"1.2 m/s; {low:g}-{high:g} is plausible); the unit is metres per second, "
                    "e.g. 4.3 km/h is 1.2"
                ),
            )
        )
    for (a_id, a), (b_id, b) in itertools.combinations(layout.zones.items(), 2):
        if a.floor != b.floor:
            continue
        overlap_x = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
        overlap_y = min(a.y + a.depth, b.y + b.depth) - max(a.y, b.y)
        if overlap_x > 1e-9 and overlap_y > 1e-9:
            problems.append(
                (
                    ("layout", "zones", b_id),
                    (
                        f"overlaps zone '{a_id}' on floor '{a.floor}' ({overlap_x:g} m x "
                        f"{overlap_y:g} m); zones are separate areas of floor"
                    ),
                )
            )
    return problems


def _near_total(total: float) -> float | None:
    """Return the round total (100 or 1) that ``total`` is near but not at, if any."""
    for target in (100.0, 1.0):
        if math.isclose(total, target, rel_tol=1e-9):
            return None
        if abs(total - target) <= 0.1 * target:
            return target
    return None


def _share_problems(scenario: Scenario) -> Problems:
    problems: Problems = []
    weights: list[tuple[tuple[str | int, ...], str, float]] = [
        (("arrivals", "mix"), "the mix's shares", sum(v.share for v in scenario.arrivals.mix))
    ]
    if scenario.arrivals.profile:
        weights.append(
            (
                ("arrivals", "profile"),
                "the profile's weights",
                sum(scenario.arrivals.profile.values()),
            )
        )
    if scenario.calendar is not None:
        for day_type, day in scenario.calendar.days.items():
            if day.arrival_profile:
                weights.append(
                    (
                        ("calendar", "days", day_type, "arrival_profile"),
                        "the profile's weights",
                        sum(day.arrival_profile.values()),
                    )
                )
    for path, what, total in weights:
        target = _near_total(total)
        if target is not None:
            problems.append(
                (
                    path,
                    (
                        f"{what} add up to {total:g}, not {target:g}; they are used as relative "
                        f"weights (each divided by {total:g}), so check for a missing or mistyped "
                        "entry"
                    ),
                )
            )
    return problems


def implausible_values(scenario: Scenario) -> Problems:
    """Return the values of a valid scenario that are most likely mistakes.

    Parameters
    ----------
    scenario : Scenario
        A valid scenario.

    Returns
    -------
    list of (tuple, str)
        ``(path, message)`` pairs, paths relative to the scenario.
    """
    return [*_time_problems(scenario), *_layout_problems(scenario), *_share_problems(scenario)]
