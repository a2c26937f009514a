"""The day's clock: a SimPy ``Environment`` for the schedule, and a fast lane for visitors.

The day's schedule — openings, breaks, closings — is SimPy timeouts with callbacks,
made and processed through SimPy's public API (``Environment.timeout``, ``peek``,
``step``). The visitors' events (a service ends, a walk ends, patience runs out) are
far more numerous: on a default day about 6,000 against 50 schedule events. Each
would cost a SimPy event object and an ``Environment.step`` call, which measured
about 2,300–3,000 more CPU instructions per event than a plain tuple on a heap
(callgrind, SimPy 4.1.2), a quarter to a third of the engine's whole cost per
customer. So they ride a fast lane: ``(time, sequence number, callback, value)``
tuples on the clock's own heap. Arrivals, drawn before the run, are merged in from
their sorted list without touching either queue.

``Clock.run`` takes the next entry of the three in time order. At equal times the
schedule comes first (a break starting at 12:00 is in force for a service that ends
at 12:00), then visitors' events and arrivals in the order they were scheduled (an
arrival is scheduled when the one before it arrives). This is exactly the order
SimPy itself would give if every visitor event were a timeout and the schedule were
made before the run, which a test checks. No private SimPy attribute is used, so any
SimPy 4 drives the schedule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from heapq import heappop, heappush
from itertools import count
from typing import Any

import simpy

__all__ = ["Clock"]


class Clock:
    """The clock and event queues of one replication.

    Attributes
    ----------
    now : float
        The current time, minutes since midnight (or since the start of a
        steady-state run). Read it directly: it is the hot path's clock.
    env : simpy.Environment
        The environment whose timeouts carry the day's schedule. Its own ``now``
        advances only with schedule events; use :meth:`at` to schedule on it.
    lane : list of tuple
        The fast lane, a heap of ``(time, next(seq), callback, value)`` entries:
        :meth:`after` pushes one, and so may a hot path with ``heapq.heappush``.
    seq : itertools.count
        Sequence numbers of the fast lane's entries and arrivals (first scheduled,
        first run at equal times).
    """

    __slots__ = ("_next_schedule", "env", "lane", "now", "seq")

    def __init__(self, start: float = 0.0) -> None:
        self.env = simpy.Environment(initial_time=start)
        self.now = start
        self.lane: list[tuple[float, int, Callable[[Any], None], Any]] = []
        self.seq = count()
        self._next_schedule = math.inf

    def at(self, time: float, callback: Callable[[Any], None], value: Any = None) -> None:
        """Schedule ``callback(value)`` at ``time`` as a SimPy timeout (the day's schedule).

        Parameters
        ----------
        time : float
            When, minutes; not before :attr:`now`.
        callback : callable
            Called with ``value``.
        value : object
            Passed to ``callback``.
        """
        delay = time - self.env.now
        if delay < 0 or time < self.now:
            raise ValueError(f"cannot schedule at {time}, before now ({self.now})")
        timeout = self.env.timeout(delay, value)
        timeout.callbacks.append(lambda event: callback(event.value))
        self._next_schedule = self.env.peek()

    def after(self, delay: float, callback: Callable[[Any], None], value: Any) -> None:
        """Schedule ``callback(value)`` in ``delay`` minutes on the fast lane."""
        heappush(self.lane, (self.now + delay, next(self.seq), callback, value))

    def run(self, arrival_times: Sequence[float], on_arrival: Callable[[int], None]) -> None:
        """Process every event and arrival in order until none is left.

        Parameters
        ----------
        arrival_times : sequence of float
            Arrival times, minutes, sorted; a time before :attr:`now` counts as now.
        on_arrival : callable
            Called with the arrival's index at its time.
        """
        heap, seq, env = self.lane, self.seq, self.env
        step, peek = env.step, env.peek
        inf = math.inf
        n = len(arrival_times)
        nxt = 0  # the next arrival
        arrive_at, arrive_seq = inf, 0
        if n:
            # each arrival is scheduled by the one before it, as a timeout of the gap
            # would be (so its time is the previous time plus the gap, to the last bit)
            first = arrival_times[0] - self.now
            arrive_at, arrive_seq = self.now + (max(0.0, first)), next(seq)
        schedule_at = self._next_schedule
        while True:
            if heap:
                entry = heap[0]
                at = entry[0]
                arrival = arrive_at < at or (arrive_at == at and arrive_seq < entry[1])
            else:
                at = inf
                arrival = arrive_at < inf
            if arrival:
                at = arrive_at
            if schedule_at <= at:
                if schedule_at == inf:
                    return  # nothing is left
                self.now = schedule_at
                step()  # the schedule's callbacks run inside SimPy's own step
                schedule_at = self._next_schedule = peek()
            elif arrival:
                self.now = now = at
                a = nxt
                nxt += 1
                if nxt < n:
                    gap = arrival_times[nxt] - now
                    arrive_at, arrive_seq = now + (gap if gap > 0.0 else 0.0), next(seq)  # noqa: FURB136 (max() is a call)
                else:
                    arrive_at = inf
                on_arrival(a)
            else:
                heappop(heap)
                self.now = at
                entry[2](entry[3])
            schedule_at = self._next_schedule  # a callback may have scheduled with at()
