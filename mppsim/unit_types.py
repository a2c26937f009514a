"""Pydantic types for times: ``Minutes`` (durations) and ``ClockTime`` (minutes since midnight).

They parse with :func:`mppsim.units.parse_duration` and :func:`mppsim.units.parse_clock`
and describe themselves in the JSON Schema. Import them from here or from
:mod:`mppsim.units` (which loads this module on first use).
"""

from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Ge, Gt
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from mppsim.timeparse import (
    CLOCK_PATTERN,
    DURATION_PATTERN,
    format_clock,
    parse_clock,
    parse_duration,
)

__all__ = ["ClockTime", "Minutes", "NonNegativeMinutes", "PositiveMinutes"]


def _validate_duration(value: Any) -> float:
    """Pydantic before-validator wrapper around :func:`parse_duration`."""
    return parse_duration(value)


def _validate_positive_duration(value: Any) -> float:
    """Parse a duration that must be > 0 minutes."""
    minutes = parse_duration(value)
    if not minutes > 0:
        raise ValueError(f"expected a duration > 0, got {value!r}")
    return minutes


def _validate_nonnegative_duration(value: Any) -> float:
    """Parse a duration that must be >= 0 minutes."""
    minutes = parse_duration(value)
    if not minutes >= 0:
        raise ValueError(f"expected a duration >= 0, got {value!r}")
    return minutes


def _validate_clock(value: Any) -> float:
    """Pydantic before-validator wrapper around :func:`parse_clock`."""
    return parse_clock(value)


def _serialize_clock(value: Any) -> str:
    """Serialise a clock time; also copes with an unvalidated string default."""
    if isinstance(value, str):
        return format_clock(parse_clock(value))
    return format_clock(value)


def _minutes_json_schema(bound: dict[str, float] | None = None) -> dict[str, Any]:
    """Validation-mode JSON Schema of a duration: a number of minutes or a string with a unit.

    ``bound`` (e.g. ``{"exclusiveMinimum": 0}``) is added to the number alternative; the
    string alternative cannot express it, the validator checks it after parsing.
    """
    where = ""
    if bound:
        where = " " + ", ".join(f"{_BOUND_WORDS[key]} {value:g}" for key, value in bound.items())
    return {
        "anyOf": [
            {"type": "number", "description": "minutes", **(bound or {})},
            {
                "type": "string",
                "pattern": DURATION_PATTERN,
                "description": 'number with a unit, e.g. "6 min", "45 s", "1.5 h", "2 jam"',
            },
        ],
        "description": (
            f"A duration{where}: a number of minutes, or a string with a unit "
            "(min/minutes/menit, s/sec/detik, h/hours/jam)."
        ),
    }


_BOUND_WORDS = {"exclusiveMinimum": ">", "minimum": ">="}

Minutes = Annotated[
    float,
    BeforeValidator(_validate_duration),
    WithJsonSchema(_minutes_json_schema(), mode="validation"),
]
"""A duration in minutes. Accepts what :func:`parse_duration` accepts; dumps as a float."""

PositiveMinutes = Annotated[
    float,
    Gt(0),
    BeforeValidator(_validate_positive_duration),
    WithJsonSchema(_minutes_json_schema({"exclusiveMinimum": 0}), mode="validation"),
]
"""A duration in minutes that must be > 0 (use instead of ``Minutes`` + ``Field(gt=0)``)."""

NonNegativeMinutes = Annotated[
    float,
    Ge(0),
    BeforeValidator(_validate_nonnegative_duration),
    WithJsonSchema(_minutes_json_schema({"minimum": 0}), mode="validation"),
]
"""A duration in minutes that must be >= 0 (use instead of ``Minutes`` + ``Field(ge=0)``)."""

ClockTime = Annotated[
    float,
    BeforeValidator(_validate_clock),
    PlainSerializer(_serialize_clock, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": CLOCK_PATTERN,
            "description": 'A clock time "HH:MM" or "HH:MM:SS", 00:00 to 24:00.',
        }
    ),
]
"""Minutes since midnight. Accepts ``"HH:MM"``; dumps as ``"HH:MM"`` in JSON mode."""
