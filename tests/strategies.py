"""Hypothesis strategies: small, valid scenario dicts for the property tests.

A scenario has 1-3 agencies with 1-3 counters each (sometimes 0, sometimes in counter
groups, a group possibly empty), 1-2 services each (sometimes multi-stage, sometimes with
a quota), a short calendar day (08:00 to at most 10:00, walk-ins <= 60) or a short
steady-state horizon, and optionally a kiosk, an information desk, appointments,
priority visitors, balking, reneging, no-shows, breaks (finish or interrupt), own agency
hours and days, and either closing rule. Every dict validates as a ``Scenario``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

__all__ = ["clock", "durations", "scenarios"]

OPEN = 480  # 08:00


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def durations(draw: st.DrawFn, low: float = 0.5, high: float = 8.0) -> dict[str, Any]:
    """A non-negative time distribution with its mean in [low, high] minutes."""
    mean = draw(st.floats(low, high).map(lambda x: round(x, 2)))
    kind = draw(st.sampled_from(["deterministic", "exponential", "lognormal", "uniform"]))
    if kind == "deterministic":
        return {"dist": "deterministic", "value": draw(st.sampled_from([0, 1, 2, 5, mean]))}
    if kind == "exponential":
        return {"dist": "exponential", "mean": mean}
    if kind == "lognormal":
        return {"dist": "lognormal", "mean": mean, "cv": draw(st.sampled_from([0.3, 0.8]))}
    return {"dist": "uniform", "low": 0, "high": 2 * mean}


@st.composite
def _agency(draw: st.DrawFn, horizon: bool) -> dict[str, Any]:
    grouped = draw(st.booleans())
    if grouped:
        counters: Any = {
            "general": draw(st.integers(1, 2)),
            "special": draw(st.sampled_from([0, 1, 1, 2])),
        }
        groups = list(counters)
    else:
        counters = draw(st.sampled_from([0, 1, 1, 2, 2, 3]))
        groups = []

    def pick_groups() -> list[str] | None:
        if not groups or draw(st.booleans()):
            return None
        return draw(st.lists(st.sampled_from(groups), min_size=1, max_size=2, unique=True))

    services: dict[str, Any] = {}
    for k in range(draw(st.integers(1, 2))):
        service: dict[str, Any] = {}
        if draw(st.integers(0, 3)) == 0:
            service["stages"] = [
                {"name": f"step{j}", "time": draw(durations()), "counters": pick_groups()}
                for j in range(draw(st.integers(2, 3)))
            ]
        else:
            service["time"] = draw(durations())
            service["counters"] = pick_groups()
        if draw(st.integers(0, 3)) == 0:
            service["quota"] = draw(st.integers(0, 12))
        services[f"svc{k}"] = service

    agency: dict[str, Any] = {"counters": counters, "services": services}
    if draw(st.integers(0, 4)) == 0:
        agency["balk_queue_length"] = draw(st.integers(1, 4))
    if not horizon:
        if draw(st.integers(0, 3)) == 0:
            opens = draw(st.sampled_from([OPEN, OPEN + 15, OPEN + 30]))
            closes = draw(st.sampled_from([OPEN + 60, OPEN + 90, OPEN + 120]))
            hours: dict[str, Any] = {"open": clock(opens), "close": clock(closes)}
            if draw(st.booleans()):
                hours["ticket_cutoff"] = clock(closes - draw(st.sampled_from([0, 15, 25])))
            agency["hours"] = hours
        if draw(st.integers(0, 5)) == 0:
            agency["days"] = draw(st.sampled_from([["weekday"], ["saturday"], ["friday"]]))
    return agency


@st.composite
def _calendar(draw: st.DrawFn, agency_ids: list[str], break_rule: str | None) -> dict[str, Any]:
    close = OPEN + draw(st.sampled_from([60, 90, 120]))
    day: dict[str, Any] = {"open": clock(OPEN), "close": clock(close)}
    cutoff = close
    if draw(st.booleans()):
        cutoff = close - draw(st.sampled_from([15, 30]))
        day["ticket_cutoff"] = clock(cutoff)
    if draw(st.booleans()):
        day["kiosk_open"] = clock(OPEN - 15)
    breaks = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(st.integers(OPEN, close - 10))
        end = draw(st.integers(start + 10, min(start + 40, close)))
        brk: dict[str, Any] = {"start": clock(start), "end": clock(end)}
        brk["counters_closed"] = draw(st.sampled_from(["all", 0.5, 1.0, 0.3]))
        if draw(st.integers(0, 2)) == 0:
            brk["agencies"] = draw(
                st.lists(st.sampled_from(agency_ids), min_size=1, max_size=2, unique=True)
            )
        breaks.append(brk)
    day["breaks"] = breaks
    profile_start = draw(st.sampled_from([OPEN - 30, OPEN, OPEN + 30]))
    if profile_start >= cutoff:
        profile_start = OPEN
    profile = {clock(profile_start): draw(st.integers(1, 5))}
    if cutoff > OPEN + 45:
        profile[clock(OPEN + 45)] = draw(st.integers(0, 5))
    day["arrival_profile"] = profile
    return {
        "day_type": "weekday",
        "days": {"weekday": day},
        "at_close": draw(st.sampled_from(["serve", "turn_away"])),
        "break_rule": break_rule or draw(st.sampled_from(["finish", "interrupt"])),
    }


@st.composite
def scenarios(
    draw: st.DrawFn,
    *,
    horizon: bool | None = None,
    break_rule: str | None = None,
    max_visitors: int = 60,
    layout: bool = False,
) -> dict[str, Any]:
    """A small valid scenario dict.

    Parameters
    ----------
    horizon : bool, optional
        Force steady-state (True) or calendar (False) mode; default: calendar 4 times in 5.
    break_rule : str, optional
        Force the calendar's break rule ("finish" or "interrupt").
    max_visitors : int
        Upper bound of the expected walk-ins (daily_visitors, or rate x horizon).
    layout : bool
        Add a small building layout (zones on one or two floors, walking, seats).
    """
    if horizon is None:
        horizon = draw(st.integers(0, 4)) == 0
    n_agencies = draw(st.integers(1, 3))
    agencies = {f"ag{a}": draw(_agency(horizon)) for a in range(n_agencies)}
    refs = [f"{a}.{s}" for a, agency in agencies.items() for s in agency["services"]]
    visit_lists = st.lists(st.sampled_from(refs), min_size=1, max_size=3, unique=True)
    mix = [
        {"services": draw(visit_lists), "share": draw(st.integers(1, 5))}
        for _ in range(draw(st.integers(1, 3)))
    ]
    arrivals: dict[str, Any] = {"mix": mix}
    if draw(st.booleans()):
        arrivals["priority_share"] = draw(st.sampled_from([0.1, 0.3, 1.0]))

    data: dict[str, Any] = {"name": "generated", "agencies": agencies, "arrivals": arrivals}
    if horizon:
        duration = draw(st.sampled_from([30, 60, 90]))
        data["horizon"] = {"warmup": draw(st.sampled_from([0, 15])), "duration": duration}
        arrivals["rate_per_hour"] = draw(st.integers(0, max_visitors)) * 60 / (duration + 15)
    else:
        data["calendar"] = draw(_calendar(list(agencies), break_rule))
        arrivals["daily_visitors"] = draw(st.integers(0, max_visitors))
        if draw(st.integers(0, 2)) == 0:
            first = draw(st.sampled_from([OPEN - 10, OPEN, OPEN + 20]))
            punctual = st.just({"dist": "deterministic", "value": 0}) | st.just(
                {"dist": "triangular", "low": -10, "mode": -2, "high": 8}
            )
            arrivals["appointments"] = [
                {
                    "services": draw(visit_lists),
                    "first_slot": clock(first),
                    "last_slot": clock(first + draw(st.sampled_from([0, 30, 60]))),
                    "slot_every": draw(st.sampled_from([10, 15, 30])),
                    "per_slot": draw(st.integers(1, 3)),
                    "booked_share": draw(st.sampled_from([0.5, 1.0])),
                    "no_show": draw(st.sampled_from([0.0, 0.2])),
                    "punctuality": draw(punctual),
                    "called_first": draw(st.booleans()),
                }
            ]
    if draw(st.booleans()):
        data["kiosk"] = {
            "count": draw(st.integers(1, 2)),
            "time": draw(durations(0.2, 1.0)),
            "ticket_per_service": draw(st.booleans()),
        }
    if draw(st.integers(0, 2)) == 0:
        data["info_desk"] = {
            "share": draw(st.sampled_from([0.3, 1.0])),
            "counters": draw(st.integers(1, 2)),
            "time": draw(durations(0.5, 3.0)),
        }
    behaviour: dict[str, Any] = {}
    if draw(st.integers(0, 3)) == 0:
        behaviour["balk_queue_length"] = draw(st.integers(1, 6))
    if draw(st.integers(0, 2)) == 0:
        behaviour["patience"] = draw(durations(3.0, 30.0))
    if draw(st.integers(0, 2)) == 0:
        behaviour["no_show"] = draw(st.sampled_from([0.1, 0.3]))
        behaviour["recall_wait"] = draw(st.sampled_from([0, 1, 2]))
    data["behaviour"] = behaviour
    if layout:
        data["layout"] = draw(_layout(list(agencies), "kiosk" in data, "info_desk" in data))
    return data


@st.composite
def _layout(draw: st.DrawFn, agency_ids: list[str], kiosk: bool, info: bool) -> dict[str, Any]:
    """A small building: 2-4 zones on one or two floors, finite or unlimited seats."""
    n_zones = draw(st.integers(2, 4))
    seat_counts = st.integers(0, 4) | st.just("unlimited")
    zones = {
        f"z{z}": {
            "floor": draw(st.sampled_from(["ground", "upper"])),
            "x": draw(st.integers(0, 20)),
            "y": draw(st.integers(0, 20)),
            "seats": draw(seat_counts),
            "standing": draw(st.integers(0, 3) | st.just("unlimited")),
        }
        for z in range(n_zones)
    }
    names = list(zones)
    spec: dict[str, Any] = {
        "floors": {
            "ground": {"level": 0, "width": 30, "depth": 30},
            "upper": {"level": 1, "width": 30, "depth": 30},
        },
        "zones": zones,
        "entrance": names[0],
        "agencies": {a: draw(st.sampled_from(names)) for a in agency_ids},
        "distance": draw(st.sampled_from(["manhattan", "euclidean"])),
        "walking_speed": draw(
            st.sampled_from(
                [
                    {"dist": "deterministic", "value": 1.0},
                    {"dist": "uniform", "low": 0.5, "high": 1.5},
                ]
            )
        ),
        "when_full": draw(st.sampled_from(["overflow", "balk"])),
    }
    if draw(st.booleans()):
        spec["overflow_zone"] = names[0]
    if kiosk:
        spec["kiosk"] = draw(st.sampled_from(names))
    if info:
        spec["info_desk"] = draw(st.sampled_from(names))
    return spec
