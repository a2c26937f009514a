"""Combinations that cannot work: hours, cut-offs, breaks, bookings and counter groups.

:func:`impossible_combinations` returns ``(path, message)`` pairs, paths relative to
the scenario; the loader (``load_scenario``, ``mppsim validate`` and ``run``) reports
each as an error with its own field and line. They are checked on a scenario that is
valid field by field, and they are the loader's, not the schema's: the engine still
handles such a scenario built in Python (a visitor who comes after a cut-off is
turned away), which its tests use to place visitors at exact times.

The rules, for each day type the agency serves:

- an agency's ``hours.open`` lies from the building's doors (``kiosk_open``, else
  ``open``) up to before the building's ``close``; its ``hours.close`` after the doors
  and not after the building's ``close``; its own ``ticket_cutoff`` not after the
  building's cut-off (the kiosks print no ticket later); and its hours, as resolved,
  leave time to issue a ticket (open before cut-off, open before close);
- a break that names an agency overlaps that agency's hours (otherwise it closes
  nothing: the wrong agency or the wrong time);
- a booking stream's slots start before the cut-off of the agency of its first
  service, and that agency serves on the simulated day. A slot at or after the
  cut-off is rejected here rather than accepted and turned away; a booked visitor
  who comes *late*, after the cut-off, is still turned away like anyone else;
- every counter group of an agency serves at least one service or stage (a typo such
  as ``counters.umumm`` would add counters that serve nobody).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from mppsim.units import format_clock

if TYPE_CHECKING:
    from mppsim.scenario.schema import Agency, DayProfile, Scenario

__all__ = ["Hours", "agency_hours", "impossible_combinations"]

Problems = list[tuple[tuple[str | int, ...], str]]


class Hours:
    """An agency's resolved hours on one day type, minutes since midnight.

    Parameters
    ----------
    open, close, cutoff : float
        When its counters open and close, and its last ticket (the same resolution
        as the engine's: own value, else the building's; a cut-off defaults to the
        building's, and never after the agency's own close).
    """

    __slots__ = ("close", "cutoff", "open")

    def __init__(self, open: float, close: float, cutoff: float) -> None:
        self.open = open
        self.close = close
        self.cutoff = cutoff


def agency_hours(agency: Agency, day: DayProfile) -> Hours:
    """Resolve an agency's hours on a day type the way the model does.

    Parameters
    ----------
    agency : Agency
        The agency.
    day : DayProfile
        The building's profile of that day type.

    Returns
    -------
    Hours
        Open, close and ticket cut-off, minutes since midnight.
    """
    return Hours(*agency.hours_on(day))


def _served_days(scenario: Scenario, agency: Agency) -> list[str]:
    assert scenario.calendar is not None
    return [d for d in scenario.calendar.days if agency.days is None or d in agency.days]


def _hours_problems(scenario: Scenario) -> Problems:
    assert scenario.calendar is not None
    problems: Problems = []
    seen: set[tuple[str | int, ...]] = set()

    def add(path: tuple[str | int, ...], message: str) -> None:
        if path not in seen:  # one message per field, for the first day type that fails
            seen.add(path)
            problems.append((path, message))

    for agency_id, agency in scenario.agencies.items():
        own = agency.hours
        if own is None:
            continue
        where = ("agencies", agency_id, "hours")
        for day_type in _served_days(scenario, agency):
            day = scenario.calendar.days[day_type]  # type: ignore[index]
            doors = day.kiosk_open if day.kiosk_open is not None else day.open
            doors = min(doors, day.open)
            building_cutoff = day.ticket_cutoff if day.ticket_cutoff is not None else day.close
            on = f"on {day_type}"
            if own.open is not None and not doors <= own.open < day.close:
                add(
                    (*where, "open"),
                    f"{format_clock(own.open)} is outside the building's hours {on} "
                    f"({format_clock(doors)}-{format_clock(day.close)}); an agency opens "
                    "while the building is open",
                )
            if own.close is not None and not doors < own.close <= day.close:
                add(
                    (*where, "close"),
                    f"{format_clock(own.close)} is outside the building's hours {on} "
                    f"({format_clock(doors)}-{format_clock(day.close)}); an agency closes "
                    "no later than the building",
                )
            if own.ticket_cutoff is not None and own.ticket_cutoff > building_cutoff:
                add(
                    (*where, "ticket_cutoff"),
                    f"{format_clock(own.ticket_cutoff)} is after the building's ticket cut-off "
                    f"{on} ({format_clock(building_cutoff)}): the kiosks print no ticket after "
                    "it",
                )
            resolved = agency_hours(agency, day)
            if resolved.close <= resolved.open:
                key = "close" if own.close is not None else "open"
                add(
                    (*where, key),
                    f"the agency would open at {format_clock(resolved.open)} and close at "
                    f"{format_clock(resolved.close)} {on}: close must be after open",
                )
            elif resolved.cutoff <= resolved.open:
                key = "ticket_cutoff" if own.ticket_cutoff is not None else "open"
                add(
                    (*where, key),
                    f"the agency would open at {format_clock(resolved.open)} but issue its last "
                    f"ticket at {format_clock(resolved.cutoff)} {on}: no visitor could be served",
                )
    return problems


def _break_problems(scenario: Scenario) -> Problems:
    assert scenario.calendar is not None
    problems: Problems = []
    for day_type, day in scenario.calendar.days.items():
        for i, brk in enumerate(day.breaks):
            for j, agency_id in enumerate(brk.agencies or ()):
                agency = scenario.agencies.get(agency_id)
                if agency is None or (agency.days is not None and day_type not in agency.days):
                    continue
                hours = agency_hours(agency, day)
                if brk.end <= hours.open or brk.start >= hours.close:
                    problems.append(
                        (
                            ("calendar", "days", day_type, "breaks", i, "agencies", j),
                            (
                                f"break '{brk.name}' ({format_clock(brk.start)}-"
                                f"{format_clock(brk.end)}) lies outside the hours of '{agency_id}' "
                                f"({format_clock(hours.open)}-{format_clock(hours.close)}), so it "
                                "would close nothing"
                            ),
                        )
                    )
    return problems


def _booking_problems(scenario: Scenario) -> Problems:
    assert scenario.calendar is not None
    problems: Problems = []
    for i, stream in enumerate(scenario.arrivals.appointments):
        agency_id = stream.services[0].partition(".")[0]
        agency = scenario.agencies.get(agency_id)
        if agency is None:
            continue  # reported as an unknown agency
        where = ("arrivals", "appointments", i)
        today = scenario.calendar.day_type
        if agency.days is not None and today not in agency.days:
            problems.append(
                (
                    (*where, "services", 0),
                    (
                        f"'{agency_id}' does not serve on {today} (its days: "
                        f"{', '.join(agency.days)}), so every booking would be turned away"
                    ),
                )
            )
            continue
        late = [
            (key, day_type, slot, hours.cutoff)
            for day_type in _served_days(scenario, agency)
            for hours in [agency_hours(agency, scenario.calendar.days[day_type])]  # type: ignore[index]
            for key in ("first_slot", "last_slot")
            for slot in [getattr(stream, key)]
            if slot >= hours.cutoff
        ]
        if late:
            key, day_type, slot, cutoff = late[0]
            problems.append(
                (
                    (*where, key),
                    (
                        f"a slot at {format_clock(slot)} is not before the ticket cut-off of "
                        f"'{agency_id}' on {day_type} ({format_clock(cutoff)}), so its booked "
                        "visitors would be turned away; end the slots before the cut-off or move "
                        "the cut-off"
                    ),
                )
            )
    return problems


def _counter_group_problems(scenario: Scenario) -> Problems:
    problems: Problems = []
    for agency_id, agency in scenario.agencies.items():
        if not isinstance(agency.counters, dict):
            continue
        used: set[str] = set()
        for service in agency.services.values():
            for stage in service.stage_list():
                used.update(stage.counters if stage.counters is not None else agency.counters)
        for group in agency.counters:
            if group in used:
                continue
            message = f"counter group '{group}' serves no service"
            close = difflib.get_close_matches(group, sorted(used), n=1, cutoff=0.6)
            if close:
                message += f" (did you mean '{close[0]}'?)"
            else:
                message += (
                    "; name it in a service's 'counters' (or a stage's), or remove it: its "
                    "counters would stand idle and lower the utilization shown"
                )
            problems.append((("agencies", agency_id, "counters", group), message))
    return problems


def impossible_combinations(scenario: Scenario) -> Problems:
    """Return every combination of hours, cut-offs, breaks, bookings and groups that cannot work.

    Parameters
    ----------
    scenario : Scenario
        A scenario whose fields are each valid on their own.

    Returns
    -------
    list of (tuple, str)
        ``(path, message)`` pairs, paths relative to the scenario.
    """
    problems = _counter_group_problems(scenario)
    if scenario.calendar is None:
        return problems
    return [
        *problems,
        *_hours_problems(scenario),
        *_break_problems(scenario),
        *_booking_problems(scenario),
    ]
