"""Walking speeds with a unit: ``"1.2 m/s"``, ``"4.3 km/h"``, ``"72 m/min"`` become metres per second.

A walking speed is not a time, so the time units of other fields (``"6 min"``) do not
apply; this module converts the speed units and refuses anything else with advice
about speeds (not about time units).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["SPEED_UNITS", "parse_speed", "speed_in_metres_per_second"]

SPEED_UNITS: dict[str, float] = {
    "m/s": 1.0,
    "mps": 1.0,
    "km/h": 1000.0 / 3600.0,
    "kmh": 1000.0 / 3600.0,
    "km/jam": 1000.0 / 3600.0,
    "m/min": 1.0 / 60.0,
    "m/menit": 1.0 / 60.0,
}
"""Metres per second per unit, by every accepted (lower-case) spelling."""

_SPEED = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(\S*)\s*$")
_HINT = "a walking speed is in metres per second: write 1.2 or '1.2 m/s' ('4.3 km/h' also works)"
_NUMERIC_KEYS = ("mean", "low", "mode", "high", "value", "scale")


def parse_speed(value: object) -> object:
    """Convert a speed written with a unit to metres per second; leave numbers as they are.

    Parameters
    ----------
    value : object
        A number (metres per second) or a string such as ``"1.2 m/s"``, ``"4.3 km/h"``,
        ``"72 m/min"``; a bare number in a string (``"1.2"``) is metres per second.

    Returns
    -------
    object
        The speed in metres per second (a float) for a string; anything else unchanged.

    Raises
    ------
    ValueError
        For a string that is not a number with a speed unit (e.g. ``"1.2 min"``).
    """
    if not isinstance(value, str):
        return value
    match = _SPEED.match(value)
    if match is None:
        raise ValueError(f"{_HINT}; got {value!r}")
    number, unit = match.groups()
    factor = SPEED_UNITS.get(unit.lower() or "m/s")
    if factor is None:
        raise ValueError(f"unknown speed unit {unit!r} in {value!r}; {_HINT}")
    return float(number) * factor


def speed_in_metres_per_second(value: Any) -> Any:
    """Convert the speeds inside a walking-speed distribution (a pydantic before-validator).

    Parameters
    ----------
    value : Any
        The distribution as written: a mapping such as ``{dist: lognormal, mean:
        "1.2 m/s", cv: 0.25}``.

    Returns
    -------
    Any
        The mapping with its speed parameters (mean, low, mode, high, value, scale and
        the observations of an empirical distribution) in metres per second.
    """
    if not isinstance(value, dict):
        return value
    converted = dict(value)
    for key in _NUMERIC_KEYS:
        if key in converted:
            converted[key] = parse_speed(converted[key])
    if isinstance(converted.get("values"), list):
        converted["values"] = [parse_speed(v) for v in converted["values"]]
    return converted
