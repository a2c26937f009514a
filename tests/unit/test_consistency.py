"""Impossible combinations of building and agency hours, cut-offs, breaks and bookings are errors."""

from __future__ import annotations

import pytest

from mppsim.errors import ScenarioError
from mppsim.scenario.loader import load_scenario_text

BASE = """\
name: tiny
calendar:
  days:
    weekday:
      open: "08:00"
      close: "10:00"
      kiosk_open: "07:30"
      breaks: [{name: rest, start: "09:00", end: "09:15", agencies: [dukcapil]}]
arrivals:
  daily_visitors: 50
  profile: {"08:00": 1}
  mix:
    - {services: [dukcapil.ktp], share: 1}
  appointments:
    - {services: [dukcapil.ktp], first_slot: "08:00", last_slot: "09:00", slot_every: 30,
       per_slot: 1}
agencies:
  dukcapil:
    counters: 2
    hours: {}
    services:
      ktp: {time: {dist: deterministic, value: 5}}
"""
HOURS_LINE = 20  # the line of `hours:`


def load(text: str):
    return load_scenario_text(text, "s.yaml")


def issues(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load(text)
    return [issue.format("s.yaml") for issue in info.value.issues]


def test_base_is_valid():
    load(BASE)


@pytest.mark.parametrize(
    ("hours", "field", "words"),
    [
        ('{open: "10:30"}', "agencies.dukcapil.hours.open", "outside the building's hours"),
        ('{open: "07:00"}', "agencies.dukcapil.hours.open", "outside the building's hours"),
        ('{close: "10:30"}', "agencies.dukcapil.hours.close", "no later than the building"),
        ('{close: "07:30"}', "agencies.dukcapil.hours.close", "outside the building's hours"),
        ('{ticket_cutoff: "10:00", close: "10:00"}', None, None),
        ('{ticket_cutoff: "09:59"}', None, None),
    ],
)
def test_agency_hours_against_the_building(hours, field, words):
    text = BASE.replace("hours: {}", f"hours: {hours}")
    if field is None:
        load(text)
        return
    found = issues(text)
    assert any(f"s.yaml:{HOURS_LINE}: {field}: " in line and words in line for line in found), found


def test_agency_cutoff_after_the_building_cutoff():
    text = BASE.replace('close: "10:00"\n', 'close: "10:00"\n      ticket_cutoff: "09:30"\n', 1)
    text = text.replace("hours: {}", 'hours: {ticket_cutoff: "09:45"}')
    found = issues(text)
    assert any(
        ":21: agencies.dukcapil.hours.ticket_cutoff: 09:45 is after the building's ticket cut-off"
        in line
        for line in found
    ), found


def test_agency_open_after_its_resolved_cutoff():
    text = BASE.replace('close: "10:00"\n', 'close: "10:00"\n      ticket_cutoff: "09:00"\n', 1)
    text = text.replace("hours: {}", 'hours: {open: "09:30"}')
    found = issues(text)
    assert any(
        "agencies.dukcapil.hours.open: the agency would open at 09:30 but issue its last ticket "
        "at 09:00" in line
        for line in found
    ), found


def test_break_outside_the_agency_hours():
    text = BASE.replace("hours: {}", 'hours: {close: "09:00", ticket_cutoff: "08:50"}')
    text = text.replace('last_slot: "09:00"', 'last_slot: "08:30"')
    found = issues(text)
    assert any(
        "s.yaml:8: calendar.days.weekday.breaks[0].agencies[0]: break 'rest' (09:00-09:15) lies "
        "outside the hours of 'dukcapil'" in line
        for line in found
    ), found


def test_booking_slot_after_the_agency_cutoff_is_rejected():
    text = BASE.replace("hours: {}", 'hours: {ticket_cutoff: "08:45"}')
    found = issues(text)
    assert found == [
        (
            "s.yaml:15: arrivals.appointments[0].last_slot: a slot at 09:00 is not before the ticket "
            "cut-off of 'dukcapil' on weekday (08:45), so its booked visitors would be turned away; "
            "end the slots before the cut-off or move the cut-off"
        )
    ]


def test_booking_for_an_agency_closed_on_the_simulated_day():
    text = BASE.replace("hours: {}", "days: [friday]")
    found = issues(text)
    assert any(
        "arrivals.appointments[0].services[0]: 'dukcapil' does not serve on weekday" in line
        for line in found
    ), found


def test_an_override_that_breaks_the_hours_names_the_option():
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(BASE, "s.yaml", ["agencies.dukcapil.hours.open=10:30"])
    issue = next(i for i in info.value.issues if i.field.endswith("hours.open"))
    assert issue.field == "agencies.dukcapil.hours.open"
    assert "(from --set agencies.dukcapil.hours.open=10:30)" in issue.message


DAY_PROFILES = """\
name: tiny
calendar:
  day_type: friday
  days:
    weekday: {open: "08:00", close: "15:00"}
    friday: {open: "08:00", close: "11:00", arrival_profile: {"08:00": 1}}
arrivals:
  daily_visitors: 50
  profile: {"08:00": 1, "13:00": 1}
  mix:
    - {services: [dukcapil.ktp], share: 1}
agencies:
  dukcapil:
    counters: 2
    services:
      ktp: {time: {dist: deterministic, value: 5}}
"""


def test_a_day_with_its_own_profile_ignores_the_global_profile():
    """Friday closes at 11:00 with its own profile; the global one is for weekdays."""
    load(DAY_PROFILES)
    text = DAY_PROFILES.replace("day_type: friday", "day_type: weekday").replace(
        '  profile: {"08:00": 1, "13:00": 1}\n', ""
    )
    assert any("calendar mode needs a 'profile'" in line for line in issues(text))


def test_the_global_profile_is_checked_against_each_day_that_uses_it():
    text = DAY_PROFILES.replace('close: "15:00"', 'close: "12:00"')
    assert issues(text) == [
        (
            "s.yaml:9: arrivals.profile.13:00: starts at or after the ticket cut-off on weekday; "
            "no one could come"
        )
    ]


def test_a_simulated_day_with_its_own_profile_needs_no_global_profile():
    load(DAY_PROFILES.replace('  profile: {"08:00": 1, "13:00": 1}\n', ""))
