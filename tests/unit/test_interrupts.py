"""The ``interrupt`` break rule on every path by which a service can have started.

A service starts in one place (``CounterPool.start``), reached from a visitor who
finds an idle counter, from a counter that finishes and calls the next ticket (one
queue, or several through counter groups), and from a counter that comes on duty.
Each path is interrupted here by a break that closes every counter from 09:00 to
10:00 (t = 540 to 600): the visitor's work stops at 09:00 and the rest is done from
10:00, first in line. Under the ``finish`` rule the same services would end during
the break, so each test fails if the interruption does not happen.

A served row keeps the first start and the last counter (see the README).
"""

from __future__ import annotations

from typing import Any

from timeline import COLS, agency, booked, det, multi_stage, rows, run, scenario

INTERRUPT = {"break_rule": "interrupt"}
BREAK = {"breaks": [{"name": "ishoma", "start": "09:00", "end": "10:00"}]}


def interrupted(agencies: dict[str, Any], appointments: list[dict[str, Any]], **extra: Any):
    data = scenario(agencies, appointments, close="12:00", day=BREAK, calendar=INTERRUPT, **extra)
    return run(data)


def test_service_started_at_an_idle_counter() -> None:
    result = interrupted({"a": agency(10)}, booked("08:55"))
    assert rows(result) == [(0, "a", 0, 535, 535, 605, "served")]


def test_service_started_from_a_ticket_called_by_a_finishing_counter() -> None:
    """Visitor 1 waits from 08:46, is called at 08:55 when visitor 0 is done, has 5 min
    left at 09:00 and ends at 10:05."""
    result = interrupted({"a": agency(10)}, booked("08:45", "08:46"))
    assert rows(result) == [
        (0, "a", 0, 525, 525, 535, "served"),
        (1, "a", 0, 526, 535, 605, "served"),
    ]


def test_service_started_by_a_counter_coming_on_duty() -> None:
    """Booked before opening, called at 08:00 for 70 min: 10 min are left at 09:00."""
    result = interrupted({"a": agency(70)}, booked("07:50"))
    assert rows(result) == [(0, "a", 0, 470, 480, 610, "served")]


def test_later_stage_of_a_multi_stage_service() -> None:
    """Document check 08:54-08:57, biometrics from 08:57 with 2 of 5 min left at 09:00."""
    result = interrupted({"a": multi_stage(groups=True)}, booked("08:54"))
    assert rows(result, ("visitor", "stage", *COLS[2:])) == [
        (0, "document_check", 0, 534, 534, 537, "served"),
        (0, "biometrics", 1, 537, 537, 602, "served"),
    ]


def test_service_called_by_a_counter_serving_two_queues() -> None:
    """The general counter (0) serves ktp and paspor, so it picks among two queues: at
    08:50 it calls visitor 2's ktp ticket; 10 of 20 min are left at 09:00."""
    agencies = {
        "a": {
            "counters": {"general": 1, "passport": 1},
            "services": {
                "ktp": {"time": det(20), "counters": ["general"]},
                "paspor": {"time": det(20)},
            },
        }
    }
    appts = [
        *booked("08:30", services=("a.ktp",)),
        *booked("08:30", services=("a.paspor",)),
        *booked("08:35", services=("a.ktp",)),
    ]
    assert rows(interrupted(agencies, appts)) == [
        (0, "a", 0, 510, 510, 530, "served"),
        (1, "a", 1, 510, 510, 530, "served"),
        (2, "a", 0, 515, 530, 610, "served"),
    ]


def test_interrupted_visitor_goes_before_those_waiting() -> None:
    """Visitor 1 (waiting since 08:56) is served after visitor 0 resumes."""
    result = interrupted({"a": agency(10)}, booked("08:55", "08:56"))
    assert rows(result) == [
        (0, "a", 0, 535, 535, 605, "served"),
        (1, "a", 0, 536, 605, 615, "served"),
    ]
