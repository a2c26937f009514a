"""Time units at the boundary: durations and clock times become minutes.

Inside mppsim every time is a float number of minutes (clock times are minutes since
midnight). This module offers the parsing functions of :mod:`mppsim.timeparse`
(``parse_duration("6 min")``, ``parse_clock("08:00")``, ``format_clock``) and the
pydantic types ``Minutes``, ``PositiveMinutes``, ``NonNegativeMinutes`` and
``ClockTime`` of :mod:`mppsim.unit_types` used by the scenario schema. The types are
loaded on first use, so the model's compiler, which only parses, does not load pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mppsim.timeparse import (
    CLOCK_PATTERN,
    DURATION_PATTERN,
    format_clock,
    parse_clock,
    parse_duration,
)

if TYPE_CHECKING:
    from mppsim.unit_types import ClockTime, Minutes, NonNegativeMinutes, PositiveMinutes

__all__ = [
    "CLOCK_PATTERN",
    "DURATION_PATTERN",
    "ClockTime",
    "Minutes",
    "NonNegativeMinutes",
    "PositiveMinutes",
    "format_clock",
    "parse_clock",
    "parse_duration",
]

_TYPES = frozenset(("ClockTime", "Minutes", "NonNegativeMinutes", "PositiveMinutes"))


def __getattr__(name: str) -> Any:
    """Load a pydantic type from :mod:`mppsim.unit_types` on first use."""
    if name in _TYPES:
        value = getattr(importlib.import_module("mppsim.unit_types"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
