"""The clock's order of events equals SimPy's own order for the same events.

``Clock`` keeps the day's schedule on SimPy timeouts and the visitors' events on a
fast lane of its own. Here a random day — schedule events, arrivals and visitor
events that schedule more visitor events, with many ties on a coarse time grid — is
run on a ``Clock`` and, as pure SimPy timeouts made in the same order, on a plain
``simpy.Environment``; the two logs of (time, event) must be identical.
"""

from __future__ import annotations

import pytest
import simpy
from hypothesis import given
from hypothesis import strategies as st

from mppsim.model.clock import Clock

TIMES = st.integers(0, 12).map(float)
DELAYS = st.lists(st.integers(0, 4).map(float), max_size=3)


class _Day:
    """A day's events, run either on a Clock or on pure SimPy."""

    def __init__(self, schedule, arrivals, follow_ups) -> None:
        self.schedule = schedule  # times of schedule events
        self.arrivals = arrivals  # sorted arrival times
        self.follow_ups = follow_ups  # per arrival, delays of the events it schedules
        self.log: list[tuple[float, str]] = []

    def on_clock(self) -> list[tuple[float, str]]:
        clock = Clock()
        for k, t in enumerate(self.schedule):
            clock.at(t, lambda k: self.log.append((clock.now, f"schedule {k}")), k)

        def event(name):
            self.log.append((clock.now, name))

        def arrival(a):
            self.log.append((clock.now, f"arrival {a}"))
            for j, delay in enumerate(self.follow_ups[a]):
                clock.after(delay, event, f"event {a}.{j}")

        clock.run(self.arrivals, arrival)
        return self.log

    def on_simpy(self) -> list[tuple[float, str]]:
        env = simpy.Environment()

        def call(delay, fn, value):
            env.timeout(delay).callbacks.append(lambda _event: fn(value))

        for k, t in enumerate(self.schedule):
            call(t, lambda k: self.log.append((env.now, f"schedule {k}")), k)

        def arrival(a):
            # as the clock does: the next arrival is scheduled as this one arrives
            if a + 1 < len(self.arrivals):
                call(max(0.0, self.arrivals[a + 1] - env.now), arrival, a + 1)
            self.log.append((env.now, f"arrival {a}"))
            for j, delay in enumerate(self.follow_ups[a]):
                call(delay, lambda name: self.log.append((env.now, name)), f"event {a}.{j}")

        if self.arrivals:
            call(self.arrivals[0], arrival, 0)
        env.run()
        return self.log


@st.composite
def days(draw: st.DrawFn) -> tuple:
    schedule = draw(st.lists(TIMES, max_size=6))
    arrivals = sorted(draw(st.lists(TIMES, max_size=8)))
    follow_ups = [draw(DELAYS) for _ in arrivals]
    return schedule, arrivals, follow_ups


@given(days())
def test_same_order_as_simpy(day: tuple) -> None:
    assert _Day(*day).on_clock() == _Day(*day).on_simpy()


def test_schedule_before_visitor_events_at_equal_times() -> None:
    log = _Day([5.0], [0.0, 5.0], [[5.0], []]).on_clock()
    assert log == [(0.0, "arrival 0"), (5.0, "schedule 0"), (5.0, "arrival 1"), (5.0, "event 0.0")]


def test_scheduling_in_the_past_is_refused() -> None:
    clock = Clock()
    clock.after(3.0, lambda _v: clock.at(1.0, print), None)
    with pytest.raises(ValueError, match="before now"):
        clock.run([], print)


def test_simpy_time_follows_the_schedule() -> None:
    clock = Clock()
    seen = []
    clock.at(7.5, lambda _v: seen.append((clock.now, clock.env.now)))
    clock.run([1.0, 2.0], lambda _a: None)
    assert seen == [(7.5, 7.5)]
    assert clock.now == 7.5
