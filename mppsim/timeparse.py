"""Parsing times: durations and clock times become minutes (no pydantic here).

Inside mppsim every time is a float number of minutes (clock times are minutes since
midnight). This module parses user input such as ``"6 min"``, ``"45 s"`` or ``"08:00"``
The pydantic types built on these functions are in :mod:`mppsim.unit_types`; import
both through :mod:`mppsim.units`.
"""

from __future__ import annotations

import math
import re
from numbers import Real

__all__ = [
    "CLOCK_PATTERN",
    "DURATION_PATTERN",
    "format_clock",
    "parse_clock",
    "parse_duration",
]

#: Minutes per unit, keyed by every accepted (lower-case) unit spelling.
_UNIT_MINUTES: dict[str, float] = {
    **dict.fromkeys(("min", "mins", "minute", "minutes", "menit"), 1.0),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds", "detik"), 1.0 / 60.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "jam"), 60.0),
}

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DURATION_RE = re.compile(rf"^\s*(?P<number>{_NUMBER})\s*(?P<unit>[^\d\s.+-][^\s]*)?\s*$")
_CLOCK_RE = re.compile(r"^\s*(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*$")

_DURATION_HINT = (
    'expected a duration such as "6 min", "45 s" or "1.5 h" (a bare number means minutes)'
)
_UNIT_HINT = "use min/minutes/menit, s/sec/detik or h/hours/jam"
_CLOCK_HINT = 'expected a clock time "HH:MM" or "HH:MM:SS" between 00:00 and 24:00'


def _case_insensitive(word: str) -> str:
    """Spell ``word`` as a case-insensitive regex (JSON Schema patterns have no flags)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


_UNITS_BY_LENGTH = sorted(_UNIT_MINUTES, key=len, reverse=True)
#: JSON Schema pattern for the string form of a duration (ECMA-262 compatible).
DURATION_PATTERN = (
    rf"^\s*{_NUMBER}\s*(?:{'|'.join(_case_insensitive(u) for u in _UNITS_BY_LENGTH)})?\s*$"
)
#: JSON Schema pattern for a clock time (range checks are done by the validator).
CLOCK_PATTERN = r"^\s*\d{1,2}:\d{2}(?::\d{2})?\s*$"


def _is_plain_number(value: object) -> bool:
    """Return True for real numbers that are not bools (ints, floats, numpy scalars)."""
    return isinstance(value, Real) and not isinstance(value, bool)


def parse_duration(value: object) -> float:
    """Parse a duration and return it in minutes.

    Parameters
    ----------
    value : object
        A plain number (minutes) or a string made of a number and an optional unit:
        ``"6 min"``, ``"6min"``, ``"6 minutes"``, ``"45 s"``, ``"45 sec"``, ``"1.5 h"``,
        ``"2 hours"``, ``"90"`` (minutes), and the Indonesian ``"menit"``, ``"detik"``,
        ``"jam"``. Units are case-insensitive.

    Returns
    -------
    float
        The duration in minutes. Negative values are returned as they are; callers
        decide which range is valid.

    Raises
    ------
    ValueError
        For bools, ``None``, containers, empty strings, unknown units and non-finite
        values (NaN, ±inf).

    Examples
    --------
    >>> parse_duration("45 s")
    0.75
    >>> parse_duration("1.5 jam")
    90.0
    """
    if _is_plain_number(value):
        minutes = float(value)  # type: ignore[arg-type]
        if not math.isfinite(minutes):
            raise ValueError(f"{_DURATION_HINT}, got {value!r} (not finite)")
        return minutes
    match = _DURATION_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{_DURATION_HINT}, got {value!r}")
    unit = (match.group("unit") or "min").lower()
    factor = _UNIT_MINUTES.get(unit)
    if factor is None:
        raise ValueError(f"unknown time unit {unit!r} in {value!r}: {_UNIT_HINT}")
    minutes = float(match.group("number")) * factor
    if not math.isfinite(minutes):
        raise ValueError(f"{_DURATION_HINT}, got {value!r} (not finite)")
    return minutes


def parse_clock(value: object) -> float:
    """Parse a clock time and return minutes since midnight.

    Parameters
    ----------
    value : object
        A string ``"HH:MM"`` or ``"HH:MM:SS"`` (one- or two-digit hour), from
        ``"00:00"`` to ``"24:00"`` inclusive.

    Returns
    -------
    float
        Minutes since midnight, e.g. ``"08:00"`` gives 480.0 and ``"13:05:30"`` 785.5.

    Raises
    ------
    ValueError
        For anything else. Bare numbers are rejected on purpose: ``480`` could mean
        minutes or 4:80, and YAML 1.1 reads an unquoted ``8:00`` as the number 480.
    """
    if _is_plain_number(value):
        raise ValueError(f'expected a clock time "HH:MM" (quote it in YAML), got {value!r}')
    match = _CLOCK_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{_CLOCK_HINT}, got {value!r}")
    hours = int(match.group("h"))
    minutes = int(match.group("m"))
    seconds = int(match.group("s") or 0)
    if minutes >= 60 or seconds >= 60 or hours > 24 or (hours == 24 and minutes + seconds > 0):
        raise ValueError(f"{_CLOCK_HINT}, got {value!r}")
    return hours * 60.0 + minutes + seconds / 60.0


def format_clock(minutes: float) -> str:
    """Format minutes since midnight as a clock time.

    Parameters
    ----------
    minutes : float
        Minutes since midnight, >= 0. Values past 24:00 keep counting hours
        (1500 gives ``"25:00"``), which is convenient for overtime in reports.

    Returns
    -------
    str
        ``"HH:MM"``, or ``"HH:MM:SS"`` when the time, rounded to the nearest second,
        has a non-zero seconds part.

    Raises
    ------
    ValueError
        If ``minutes`` is negative or not finite.

    Examples
    --------
    >>> format_clock(480)
    '08:00'
    >>> format_clock(785.5)
    '13:05:30'
    """
    if not _is_plain_number(minutes) or not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"expected a finite number of minutes >= 0, got {minutes!r}")
    total_seconds = round(float(minutes) * 60.0)
    hours, rest = divmod(total_seconds, 3600)
    mins, secs = divmod(rest, 60)
    if secs:
        return f"{hours:02d}:{mins:02d}:{secs:02d}"
    return f"{hours:02d}:{mins:02d}"
