"""Helpers for exact-timeline tests of the day engine on tiny hand-made scenarios.

Every time is deterministic. Visitors are placed at exact clock times with appointment
slots (``booked_share: 1``, ``no_show: 0``, punctuality 0) and no walk-ins
(``daily_visitors: 0``); each appointment stream is one slot, so visitor ids follow
the order of the streams at equal times. Rows are compared as ``(visitor, station,
counter, ticket, start, end, outcome)`` tuples in (visitor, leg) order, with NaN as
None and a refusal reason appended to the outcome ("turned_away/quota"). 08:00 is
t = 480.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from mppsim.model import engine
from mppsim.model.compile import compile_scenario
from mppsim.model.engine import ReplicationResult, simulate_spec
from mppsim.scenario.schema import Scenario

COLS = ("visitor", "station", "counter", "ticket_min", "start_min", "end_min", "outcome")


# --------------------------------------------------------------------------- helpers


def det(value: float) -> dict[str, Any]:
    return {"dist": "deterministic", "value": value}


def booked(
    *times: str, services: tuple[str, ...] = ("a.s",), per_slot: int = 1, called_first: bool = True
) -> list[dict[str, Any]]:
    """One appointment stream per clock time, each bringing ``per_slot`` punctual visitors."""
    return [
        {
            "services": list(services),
            "first_slot": t,
            "last_slot": t,
            "slot_every": 1,
            "per_slot": per_slot,
            "booked_share": 1,
            "no_show": 0,
            "punctuality": det(0),
            "called_first": called_first,
        }
        for t in times
    ]


def agency(time: float = 6, counters: Any = 1, service: str = "s", **extra: Any) -> dict:
    """An agency with one single-stage service of deterministic time."""
    return {"counters": counters, "services": {service: {"time": det(time)}}, **extra}


def scenario(
    agencies: dict[str, Any],
    appointments: list[dict[str, Any]],
    *,
    opens: str = "08:00",
    close: str = "10:00",
    day: dict[str, Any] | None = None,
    calendar: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "name": "timeline",
        "calendar": {
            "days": {"weekday": {"open": opens, "close": close, **(day or {})}},
            **(calendar or {}),
        },
        "arrivals": {
            "daily_visitors": 0,
            "profile": {"00:00": 1},
            "mix": [{"services": appointments[0]["services"], "share": 1}],
            "appointments": appointments,
        },
        "agencies": agencies,
        **extra,
    }


def run(data: dict[str, Any], seed: int = 0) -> ReplicationResult:
    return simulate_spec(compile_scenario(Scenario.model_validate(data)), seed, 0)


def rows(result: ReplicationResult, cols: tuple[str, ...] = COLS) -> list[tuple]:
    """The visit rows as tuples in (visitor, leg) order; NaN -> None, reason joined to outcome."""
    frame = result.visits.sort_values(["visitor", "leg"])
    out = []
    for rec in frame.to_dict("records"):
        values = []
        for col in cols:
            value = rec[col]
            if col == "outcome" and rec["reason"]:
                value = f"{value}/{rec['reason']}"
            if isinstance(value, float) and math.isnan(value):
                value = None
            values.append(value)
        out.append(tuple(values))
    return out


def relabel(monkeypatch: pytest.MonkeyPatch, classes: dict[int, int]) -> None:
    """Give visitors (by id) another priority class, e.g. 0 for a priority visitor."""
    real = engine.draw_visitors

    def patched(spec, streams):
        visitors = real(spec, streams)
        priority = list(visitors.priority_class)
        for v, cls in classes.items():
            priority[v] = cls
        return dataclasses.replace(visitors, priority_class=priority)

    monkeypatch.setattr(engine, "draw_visitors", patched)


def multi_stage(groups: bool) -> dict[str, Any]:
    stages = [
        {"name": "document_check", "time": det(3)},
        {"name": "biometrics", "time": det(5)},
    ]
    if groups:
        stages[0]["counters"] = ["docs"]
        stages[1]["counters"] = ["bio"]
    counters = {"docs": 1, "bio": 1} if groups else 1
    return {"counters": counters, "services": {"s": {"stages": stages}}}
