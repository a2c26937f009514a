"""A station's counters and queues: the ``CounterPool``, the only code that changes them.

A pool is the kiosk, the information desk or an agency: counters, each idle, busy or
off duty, and ticket queues, each with one line per priority class, from which the
counters call. Its methods are the rules of a counter's day — start a service,
finish it and call the next ticket, go off duty (for a break or closing), come back,
be interrupted — and each change of the station's counts goes into the level log.
The pool knows visitors only as ints: what a visitor does before joining and after
being served is ``visits.VisitorFlow``'s, reached through two hooks.

Queues are deques of small ints with lazy deletion: an entry is
``token << VISITOR_BITS | visitor`` and is live while the visitor's token still
carries that value (it changes whenever the visitor joins a line or stops waiting),
so neither a renege nor a long queue costs time in proportion to its length.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from collections.abc import Callable
from heapq import heappush
from typing import TYPE_CHECKING

from mppsim.model.recorder import BUSY_ONE, ON_DUTY_ONE, STATION_SHIFT, WAITING_ONE
from mppsim.model.spec import AGENCY, KIOSK, StationSpec

if TYPE_CHECKING:
    from mppsim.model.clock import Clock

__all__ = ["BUSY", "IDLE", "N_CLASSES", "OFF", "VISITOR_BITS", "VISITOR_MASK", "CounterPool"]

IDLE, BUSY, OFF = 0, 1, 2
"""Counter states."""

N_CLASSES = 3
"""Lines per queue: priority visitors, booked visitors called first, walk-ins."""

VISITOR_BITS = 28
VISITOR_MASK = (1 << VISITOR_BITS) - 1


class CounterPool:
    """The counters and queues of one station, and its level log.

    Parameters
    ----------
    s : int
        Station code.
    station : StationSpec
        The station.
    clock : Clock
        The replication's clock.
    visitor_lists : tuple of list
        The visitors' ``token``, ``started``, ``remaining``, ``ticket`` and
        ``priority_class`` lists, shared with the visitor flow.
    log_time, log_code : array.array
        The replication's level log, shared by every pool.

    Attributes
    ----------
    level : int
        The station's busy, on-duty and waiting counts, packed (``recorder``).
    closed : bool
        The station has passed its scheduled closing.
    served : callable
        ``served(visitor, counter)``: the visitor flow's hook after a service ends.
    absent : callable
        ``absent(pool, counter, visitor)``: the visitor flow's hook when a visitor who
        may be absent is called; True if they are (it ends their visit).
    """

    __slots__ = (
        "absent",
        "clock",
        "closed",
        "cutoff_min",
        "every_counter",
        "finish",
        "interrupts",
        "is_agency",
        "job",
        "job_end",
        "job_queue",
        "job_token",
        "kind",
        "lane",
        "level",
        "lines",
        "log_code",
        "log_time",
        "may_be_absent",
        "n_servers",
        "name",
        "off",
        "only_lines",
        "priority_class",
        "queues_of",
        "recall_wait_min",
        "remaining",
        "s",
        "seq",
        "served",
        "servers_of",
        "started",
        "state",
        "tag",
        "ticket",
        "vtoken",
        "waiting",
    )

    def __init__(
        self,
        s: int,
        station: StationSpec,
        clock: Clock,
        visitor_lists: tuple[list[int], list[float], list[float], list[float], list[int]],
        log_time: array,
        log_code: array,
        break_rule: str,
        recall_wait_min: float,
    ) -> None:
        self.s = s
        self.name = station.name
        self.kind = station.kind
        self.is_agency = station.kind == AGENCY
        self.clock = clock
        self.vtoken, self.started, self.remaining, self.ticket, self.priority_class = visitor_lists
        self.log_time, self.log_code = log_time, log_code
        self.tag = s << STATION_SHIFT  # the station in a level-log code
        self.level = 0
        n = station.n_servers
        self.n_servers = n
        self.lines = [[deque() for _ in range(N_CLASSES)] for _ in station.queues]
        self.waiting = [0] * len(station.queues)  # visitors in each queue's lines
        self.queues_of = station.server_queues()  # per counter, the queues it calls from
        # for a counter that calls from one queue only, that queue's lines (else None)
        self.only_lines = [self.lines[qs[0]] if len(qs) == 1 else None for qs in self.queues_of]
        # each queue's counters, in the order they are offered a visitor, and whether they
        # are every counter of the station (then the lowest idle one is found in C)
        self.servers_of = [q.servers for q in station.queues]
        self.every_counter = [q.servers == tuple(range(n)) for q in station.queues]
        self.state = [OFF] * n
        self.off = [1] * n  # reasons to be off duty; 1 = not open yet
        self.job = [-1] * n  # visitor served (-1: none, or a recall wait)
        self.job_token = [0] * n  # changes when a service starts or is interrupted
        self.job_end = [0.0] * n
        self.job_queue = [0] * n  # the queue the job was called from
        self.closed = False
        # a kiosk refuses newcomers after its cut-off; agencies check tickets instead
        self.cutoff_min = station.ticket_cutoff_min if station.kind == KIOSK else math.inf
        self.interrupts = break_rule == "interrupt"
        self.recall_wait_min = recall_wait_min
        self.lane, self.seq = clock.lane, clock.seq  # the clock's fast lane (Clock.after)
        self.finish = self._finish  # bound once: the completion callback
        self.served: Callable[[int, int], None] = _unwired
        self.absent: Callable[[CounterPool, int, int], bool] = _unwired
        self.may_be_absent: list[bool] | None = None  # per visitor, when no-shows are modelled

    def log(self) -> None:
        """Append the station's level to the level log, at the current time."""
        self.log_time.append(self.clock.now)
        self.log_code.append(self.level | self.tag)

    # ----------------------------------------------------------------- visitors

    def join(self, v: int, q: int) -> int:
        """Take visitor ``v`` at queue ``q``: to an idle counter that serves it, or in line.

        Returns
        -------
        int
            The visitor's token if they wait in line (for their patience), else 0.
        """
        state = self.state
        if self.every_counter[q]:  # the lowest idle counter, found in C
            if IDLE in state:
                self.start(state.index(IDLE), v, q)
                return 0
        else:
            for i in self.servers_of[q]:
                if state[i] == IDLE:
                    self.start(i, v, q)
                    return 0
        # no counter is free: wait in line (priority classes at agencies only)
        self.waiting[q] += 1
        token = self.vtoken[v] = self.vtoken[v] + 1
        self.lines[q][self.priority_class[v] if self.is_agency else 0].append(
            token << VISITOR_BITS | v
        )
        level = self.level = self.level + WAITING_ONE
        self.log_time.append(self.clock.now)
        self.log_code.append(level | self.tag)
        return token

    def withdraw(self, q: int) -> None:
        """Count one visitor fewer waiting in queue ``q`` (they left; their entry is stale)."""
        self.waiting[q] -= 1
        self.level -= WAITING_ONE
        self.log()

    def start(self, i: int, v: int, q: int) -> None:
        """Counter ``i`` starts serving visitor ``v`` of queue ``q`` (no longer in line).

        The one start of a service. A visitor who may be absent is checked through the
        ``absent`` hook; if absent, the counter waits ``recall_wait_min`` for nobody.
        A service put back by a break keeps its first start and does the work left.
        """
        now = self.clock.now
        self.state[i] = BUSY
        self.level += BUSY_ONE
        token = self.job_token[i] = self.job_token[i] + 1
        self.job_queue[i] = q
        self.vtoken[v] += 1  # no longer waiting (if they were)
        if self.may_be_absent is not None and self.may_be_absent[v] and self.absent(self, i, v):
            self.job[i] = -1
            work = self.recall_wait_min
        else:
            self.job[i] = v
            if self.started[v] != self.started[v]:  # NaN: not work put back by a break
                self.started[v] = now
            work = self.remaining[v]
        self.job_end[i] = now + work
        self.log_time.append(now)
        self.log_code.append(self.level | self.tag)
        heappush(self.lane, (now + work, next(self.seq), self.finish, (i, token)))

    def _finish(self, value: tuple[int, int]) -> None:
        """Counter ``i``'s service (or recall wait) ends: it goes off duty or calls the next.

        Then the visitor served, if any, goes on through the ``served`` hook.
        """
        i, token = value
        if self.job_token[i] != token:
            return  # the service was interrupted by a break
        v = self.job[i]
        self.job[i] = -1
        self.level -= BUSY_ONE
        if self.off[i] > 0:
            self.state[i] = OFF
            self.level -= ON_DUTY_ONE
            self.log()
        else:
            self.state[i] = IDLE
            if not self.call_next(i):
                self.log()
        if v >= 0:
            self.served(v, i)

    def call_next(self, i: int) -> bool:
        """Idle counter ``i`` calls the best waiting ticket it serves; False if none.

        Best: the lowest priority class, then a service put back by a break, then the
        earliest ticket, then the lowest visitor id. Entries of visitors who left are
        dropped as they are met.
        """
        vtoken = self.vtoken
        lines = self.only_lines[i]
        if lines is not None:  # one queue: its first live entry, by class
            for line in lines:
                while line:
                    head = line[0]
                    if vtoken[head & VISITOR_MASK] == head >> VISITOR_BITS:
                        break
                    line.popleft()
                if line:
                    q = self.queues_of[i][0]
                    self.waiting[q] -= 1
                    self.level -= WAITING_ONE
                    self.start(i, line.popleft() & VISITOR_MASK, q)
                    return True
            return False
        best = None
        best_key = None
        best_q = 0
        for q in self.queues_of[i]:
            for cls, line in enumerate(self.lines[q]):
                while line:
                    v = line[0] & VISITOR_MASK
                    if vtoken[v] == line[0] >> VISITOR_BITS:
                        break
                    line.popleft()
                if line:
                    # first in line: a service put back by a break (it has started), then
                    # the earliest ticket
                    queued = self.ticket[v] if math.isnan(self.started[v]) else -math.inf
                    key = (cls, queued, v)
                    if best_key is None or key < best_key:
                        best_key, best, best_q = key, line, q
                    break
        if best is None:
            return False
        self.waiting[best_q] -= 1
        self.level -= WAITING_ONE
        self.start(i, best.popleft() & VISITOR_MASK, best_q)
        return True

    def flush(self) -> list[int]:
        """Empty every line; return the visitors who were waiting, by id."""
        flushed = []
        vtoken = self.vtoken
        for classes in self.lines:
            for line in classes:
                while line:
                    entry = line.popleft()
                    v = entry & VISITOR_MASK
                    if vtoken[v] == entry >> VISITOR_BITS:
                        vtoken[v] += 1  # no longer waiting
                        flushed.append(v)
        self.waiting = [0] * len(self.waiting)
        self.level -= len(flushed) * WAITING_ONE
        self.log()
        return sorted(flushed)

    # ----------------------------------------------------------------- duty

    def go_off(self, i: int) -> None:
        """Counter ``i`` has one more reason to be off duty (a break, not open yet).

        An idle counter goes at once; a busy one finishes its service first, or under
        the ``interrupt`` rule stops it (a service due to end this instant just ends).
        The caller logs the level once all its counters have changed.
        """
        self.off[i] += 1
        if self.off[i] != 1:
            return
        if self.state[i] == IDLE:
            self.state[i] = OFF
            self.level -= ON_DUTY_ONE
        elif self.state[i] == BUSY and self.interrupts and self.job_end[i] > self.clock.now:
            self.interrupt(i)

    def come_back(self, i: int) -> None:
        """Counter ``i`` has one reason fewer to be off duty; with none left it calls."""
        self.off[i] -= 1
        if self.off[i] == 0 and self.state[i] == OFF:
            self.state[i] = IDLE
            self.level += ON_DUTY_ONE
            self.call_next(i)

    def interrupt(self, i: int) -> None:
        """Stop counter ``i``'s service; its visitor waits first in line with the work left."""
        v = self.job[i]
        self.job_token[i] += 1  # the pending completion becomes stale
        self.job[i] = -1
        self.state[i] = OFF
        self.level -= BUSY_ONE + ON_DUTY_ONE
        if v < 0:
            return  # a recall wait: nobody to put back
        self.remaining[v] = self.job_end[i] - self.clock.now
        q = self.job_queue[i]
        token = self.vtoken[v] = self.vtoken[v] + 1
        self.lines[q][self.priority_class[v] if self.is_agency else 0].appendleft(
            token << VISITOR_BITS | v
        )
        self.waiting[q] += 1
        self.level += WAITING_ONE
        for j in self.servers_of[q]:
            if self.state[j] == IDLE:
                self.call_next(j)
                break


def _unwired(*_args: object) -> bool:
    raise RuntimeError("CounterPool hook called before the visitor flow was wired")
