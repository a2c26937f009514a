"""One replication of an MPP day on a SimPy environment: ``simulate_spec(spec, seed, replication)``.

Visitors are plain data (ints into lists drawn before the run), not processes:
each moves through its *legs* (information desk, kiosk ticket, each stage of each
service) by callbacks. A station (kiosk, information desk or agency) is a pool of
counters that call the next ticket from the queues they serve: priority visitors
first, then booked visitors, then walk-ins, first come first served within a class.
Queues are deques of small ints with lazy deletion, so neither a renege nor a long
queue costs time in proportion to its length.

The day's schedule (openings, breaks, closings) is SimPy timeouts; the visitors'
events (service ends, walks, patience) are light entries on the same SimPy event
queue, and arrivals are merged in from their sorted list. ``_Day.run`` processes
both in SimPy's order (time, priority, event id). The hot path — a visitor starting
a leg, a counter finishing and calling the next ticket — is two callbacks with the
common cases inlined; the rarer rules (breaks, interrupts, no-shows, closing) are
methods of their own.

Records are packed as they happen — a struct per visitor and leg in one byte array,
and a (time, packed counts) pair per change of a station's busy, waiting and on-duty
counts in two unboxed arrays — and turned into tables once at the end.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from dataclasses import dataclass
from heapq import heappop, heappush

import numpy as np
import pandas as pd
import simpy
from simpy.events import NORMAL

from mppsim.model.arrivals import Visitors, draw_visitors, visit_kinds
from mppsim.model.recorder import (
    BUSY_ONE,
    LEVEL_COLUMNS,
    ON_DUTY_ONE,
    RECORD,
    STATION_SHIFT,
    WAITING_ONE,
    ZONE_LEVEL_COLUMNS,
    check_capacity,
    levels_frame,
    pack_record,
    visits_frame,
    waiting_of,
    zone_levels_frame,
)
from mppsim.model.spec import AGENCY, BOOKED, KIOSK, ModelSpec
from mppsim.streams import Streams
from mppsim.tables import OUTCOMES, REASONS

__all__ = ["LEVEL_COLUMNS", "ZONE_LEVEL_COLUMNS", "ReplicationResult", "simulate_spec"]

IDLE, BUSY, OFF = 0, 1, 2  # counter states
SERVED, BALKED, RENEGED, TURNED_AWAY, NO_SHOW = range(len(OUTCOMES))
NO_REASON, QUOTA, CLOSING, CLOSED, ZONE_FULL = range(len(REASONS))
N_CLASSES = 3
KIOSK_WORK, INFO_WORK = "kiosk", "info_desk"  # work sources of legs other than agency stages

# A queue entry is one int, token << VISITOR_BITS | visitor. A visitor's token changes
# whenever they join a line or stop waiting (called, reneged, turned away at closing),
# so an entry, or a patience event, is live while it carries the visitor's token (lazy
# deletion). Small entries keep long queues compact.
VISITOR_BITS = 28
VISITOR_MASK = (1 << VISITOR_BITS) - 1


@dataclass(frozen=True)
class ReplicationResult:
    """What one replication produced.

    Attributes
    ----------
    replication : int
        Replication index.
    visits : pandas.DataFrame
        One row per visitor and leg, columns as in ``tables.VISIT_COLUMNS``.
    levels : pandas.DataFrame
        Level log, columns ``LEVEL_COLUMNS`` (station as a category): from each
        ``time_min`` on, the station has ``busy`` counters serving, ``queue``
        visitors waiting and ``on_duty`` counters open.
    waiting_at_close : dict of str to int
        Visitors waiting at each agency at its scheduled closing time.
    end_min : float
        Time of the last event.
    zone_levels : pandas.DataFrame
        Zone occupancy log, columns ``ZONE_LEVEL_COLUMNS`` (zone as a category): from
        each ``time_min`` on, ``occupancy`` visitors wait or are served in the zone.
        Empty without a layout.
    """

    replication: int
    visits: pd.DataFrame
    levels: pd.DataFrame
    waiting_at_close: dict[str, int]
    end_min: float
    zone_levels: pd.DataFrame


def simulate_spec(spec: ModelSpec, seed: int, replication: int = 0) -> ReplicationResult:
    """Simulate one replication of a compiled model.

    Parameters
    ----------
    spec : ModelSpec
        The compiled model.
    seed : int
        Root seed; streams depend only on (seed, replication, stream name).
    replication : int
        Replication index, ``>= 0``.

    Returns
    -------
    ReplicationResult
        Visits, level log and closing counts of this replication.
    """
    streams = Streams(seed, replication)
    visitors = draw_visitors(spec, streams)
    day = _Day(spec, visitors)
    day.run()
    visits = visits_frame(
        day.records,
        day.plans,
        day.plan_keys,
        day.names,
        day.kind,
        spec.station_names,
        visitors,
        day.walk_out,
        replication,
    )
    levels = levels_frame(day.log_time, day.log_code, spec.station_names)
    zones = list(spec.layout.zones) if spec.layout is not None else []
    zone_levels = zone_levels_frame(day.zone_levels, zones)
    return ReplicationResult(
        replication, visits, levels, day.waiting_at_close, day.env.now, zone_levels
    )


_NO_LEGS: list[tuple] = []


class _Day:
    """The mutable state of one replication while it runs."""

    def __init__(self, spec: ModelSpec, visitors: Visitors) -> None:
        self.spec = spec
        self.vis = visitors
        self.env = simpy.Environment()
        self.queue = self.env._queue
        self.eid = self.env._eid
        self.records = bytearray()  # one recorder.RECORD struct per row
        # level log: from log_time[j] on, the station in log_code[j] has the level in it
        # (see levels_table); unboxed arrays, compact however long the run
        self.log_time = array("d")
        self.log_code = array("q")
        self.waiting_at_close: dict[str, int] = {}
        stations = spec.stations
        self.kind = [st.kind for st in stations]
        self.is_agency = [st.kind == AGENCY for st in stations]
        # visitors waiting at an agency may give up (when patience is modelled)
        self.reneging = [agency and spec.patience is not None for agency in self.is_agency]
        self.queues = [[[deque() for _ in range(N_CLASSES)] for _ in st.queues] for st in stations]
        self.server_queues = [st.server_queues() for st in stations]
        # for a counter that calls from one queue only, that queue's lines (else None)
        self.only_queue = [
            [self.queues[s][qs[0]] if len(qs) == 1 else None for qs in self.server_queues[s]]
            for s in range(len(stations))
        ]
        # each queue's counters, in the order they are offered a visitor, and whether they
        # are every counter of the station (in counter order)
        self.queue_servers = [[q.servers for q in st.queues] for st in stations]
        self.every_counter = [
            [q.servers == tuple(range(st.n_servers)) for q in st.queues] for st in stations
        ]
        self.state = [[OFF] * st.n_servers for st in stations]
        self.off = [[1] * st.n_servers for st in stations]  # reasons to be closed; 1 = not open yet
        self.job = [[-1] * st.n_servers for st in stations]
        self.job_token = [[0] * st.n_servers for st in stations]
        self.job_end = [[0.0] * st.n_servers for st in stations]
        # each station's (busy, on duty, waiting) counts packed in one int (see BUSY_ONE):
        # one number to change, to log and to store per change
        self.level = [0] * len(stations)
        self.tag = [s << STATION_SHIFT for s in range(len(stations))]  # the station in a code
        check_capacity(
            max((st.n_servers for st in stations), default=0), len(stations), len(visitors)
        )
        self.closed = [False] * len(stations)
        self.tickets = [0] * len(spec.services)
        # a kiosk refuses newcomers after its cut-off; other stations check tickets instead
        self.kiosk_cutoff = [
            st.ticket_cutoff_min if st.kind == KIOSK else math.inf for st in stations
        ]
        # a visitor balks when the level reaches this (waiting is the top field of a level)
        self.balk_level = [
            math.ceil(st.balk_queue_length) * WAITING_ONE
            if st.kind == AGENCY and math.isfinite(st.balk_queue_length)
            else math.inf
            for st in stations
        ]
        self.turn_away = spec.at_close == "turn_away"
        self.any_no_show = spec.no_show > 0
        # visitors absent when called for at least one of their services
        self.may_be_absent = (
            np.asarray(visitors.no_show, dtype=bool).reshape(len(visitors), -1).any(axis=1).tolist()
            if self.any_no_show and len(visitors)
            else []
        )
        self.names = [[(svc.service, stage.name) for stage in svc.stages] for svc in spec.services]
        # a service is closed when its agency is closed that day or has a stage that no
        # counter serves (a counter group of size 0)
        self.svc_closed = [
            not stations[svc.station].is_open
            or stations[svc.station].n_servers == 0
            or not all(self.queue_servers[svc.station][stage.queue] for stage in svc.stages)
            for svc in spec.services
        ]
        self.svc_cutoff = [stations[svc.station].ticket_cutoff_min for svc in spec.services]
        self.quota = [svc.quota for svc in spec.services]
        # whether a ticket for the service can be refused (else it is neither checked nor
        # counted)
        self.limited = [
            closed or cutoff < math.inf or quota < math.inf
            for closed, cutoff, quota in zip(
                self.svc_closed, self.svc_cutoff, self.quota, strict=True
            )
        ]
        # bound once: a bound method is an object made at every attribute access
        self.on_done, self.on_renege = self._on_done, self._on_renege
        # the visitors' hot lists
        self.priority_class, self.draw_index = visitors.priority_class, visitors.draw_index
        n = len(visitors)
        self.plans, self.plan_keys = self._plan_all()
        self.legs = list(map(self.plans.__getitem__, self.plan_keys.tolist()))  # per visitor
        self.pos = [0] * n
        self.token = [0] * n
        self.ticket = [0.0] * n
        self.started = [math.nan] * n
        self.remaining = [math.nan] * n
        self.walked = [0.0] * n  # minutes walked to the current leg's station
        self.last_row = [-1] * n
        self.walk_out: dict[int, float] = {}  # row -> minutes walked to the exit
        self.layout = spec.layout
        self.zone_levels: list[float] = []
        if self.layout is not None:
            self.vzone = [self.layout.entrance] * n  # where the visitor is (or heads)
            self.counted = [-1] * n  # zone whose occupancy counts the visitor
            self.occupancy = [0] * len(self.layout.zones)

    # ----------------------------------------------------------------- scheduling

    def _after(self, delay: float, callback, value) -> None:
        """Call ``callback(value)`` in ``delay`` minutes.

        The entry goes on the SimPy environment's queue with the same time, priority and
        event id as ``env.timeout(delay, value)`` would get, so it is processed in the
        same order; it is a plain tuple, not a SimPy event (see ``run``).
        """
        heappush(self.queue, (self.env._now + delay, NORMAL, next(self.eid), callback, value))

    def run(self) -> None:
        """Schedule openings, breaks and closings, then process every event in order.

        The day's schedule consists of SimPy timeouts with callbacks. The visitors' events
        are light entries on the same queue (``_after``), and arrivals, drawn before the
        run, are merged in from their sorted list, each with the event id it would have
        had as a timeout scheduled by the previous arrival. The loop below is SimPy's
        ``Environment.run`` for both kinds of entry: (time, priority, event id) order,
        a SimPy event's callbacks called with the event, a light entry's with its value.
        """
        spec = self.spec
        env = self.env
        for s, station in enumerate(spec.stations):
            if not station.is_open or station.n_servers == 0:
                continue
            # at equal times SimPy runs events in scheduling order: a counter must not call
            # a ticket at the instant a break starts (breaks first), and closing comes
            # before a break end so turn_away flushes the queue before counters reopen
            for brk in station.breaks:
                self._timeout(brk.start_min, self._on_break_start, (s, brk.servers))
            self._timeout(station.open_min, self._on_open, s)
            if math.isfinite(station.close_min):
                self._timeout(station.close_min, self._on_close, s)
            for brk in station.breaks:
                self._timeout(brk.end_min, self._on_break_end, (s, brk.servers))

        queue, eid = self.queue, self.eid
        arrivals = self.vis.arrival_min
        n = len(arrivals)
        legs_of, start_leg = self.legs, self._start_leg
        inf = math.inf
        nxt = 0  # the next visitor to arrive
        arrive_at, arrive_eid = inf, 0
        if n:
            arrive_at, arrive_eid = env._now + max(0.0, arrivals[0]), next(eid)
        while True:
            if queue:
                entry = queue[0]
                at = entry[0]
                # every entry has SimPy's NORMAL priority, so time and event id decide
                take_arrival = arrive_at < at or (arrive_at == at and arrive_eid < entry[2])
            elif arrive_at == inf:
                break
            else:
                take_arrival = True
            if take_arrival:
                env._now = now = arrive_at
                v = nxt
                nxt += 1
                if nxt < n:
                    gap = arrivals[nxt] - now
                    arrive_at, arrive_eid = now + (gap if gap > 0.0 else 0.0), next(eid)  # noqa: FURB136 (max() is a call)
                else:
                    arrive_at = inf
                if legs_of[v]:
                    start_leg(v)
                continue
            heappop(queue)
            env._now = at
            if len(entry) == 5:
                entry[3](entry[4])
            else:  # a SimPy event, as Environment.step processes it
                event = entry[3]
                callbacks, event.callbacks = event.callbacks, None
                for callback in callbacks:
                    callback(event)
                if not event._ok and not hasattr(event, "_defused"):
                    raise event._value

    def _timeout(self, delay: float, callback, value) -> None:
        """Schedule a SimPy timeout of ``delay`` minutes with ``callback(event)``."""
        self.env.timeout(delay, value).callbacks.append(callback)

    def _log(self, s: int) -> None:
        self.log_time.append(self.env._now)
        self.log_code.append(self.level[s] | self.tag[s])

    # ----------------------------------------------------------------- visitors

    def _plan_all(self) -> tuple[list[list[tuple]], np.ndarray]:
        """Return the legs of each plan key, in order, and each visitor's plan key.

        A plan key is a kind of visit (``visit_kinds``) with or without the information
        desk; visitors with the same key share one list of legs. Each leg is (station,
        queue, work, request, service, stage, skip_to, needs_ticket): ``work`` is the
        stage's list of drawn counter times (indexed by the visitor's draw index), or
        ``KIOSK_WORK`` / ``INFO_WORK``; ``skip_to`` is the first leg after this leg's
        request, ``needs_ticket`` whether the ticket is taken on arrival at the agency
        (no kiosk pass before it) and can be refused there (a closed service, a cut-off or
        a quota; an unlimited ticket needs no check and no count).
        """
        kinds = visit_kinds(self.spec)
        keys = self.vis.visit * 2 + self.vis.asks_info
        plans = [_NO_LEGS] * (2 * len(kinds))
        for key in np.unique(keys).tolist():
            plans[key] = self._template(kinds[key // 2], bool(key % 2))
        return plans, keys

    def _template(self, services: tuple[int, ...], asks_info: bool) -> list[tuple]:
        spec = self.spec
        legs: list[tuple] = []
        if spec.info_desk is not None and asks_info:
            legs.append((spec.info_desk, 0, INFO_WORK, -1, -1, -1, 1, False))
        for r, svc in enumerate(services):
            service = spec.services[svc]
            end = len(legs) + len(service.stages)
            kiosk_leg = spec.kiosk is not None and (spec.ticket_per_service or r == 0)
            if kiosk_leg:
                end += 1
                legs.append((spec.kiosk, 0, KIOSK_WORK, r, svc, -1, end, False))
            for k, stage in enumerate(service.stages):
                # a ticket taken at the agency is checked only where it can be refused
                needs_ticket = k == 0 and not kiosk_leg and self.limited[svc]
                draws = self.vis.stage_draws[stage.stream]
                legs.append((stage.station, stage.queue, draws, r, svc, k, end, needs_ticket))
        return legs

    def _start_leg(self, v: int) -> None:
        """Take visitor ``v`` to their current leg: walk, ticket, checks, then queue or serve.

        The hot path: a leg that is refused moves on to the next request in the loop;
        a leg that is joined ends it. Serving at an idle counter is ``_serve`` inlined
        for a visitor who is there when called (the same state changes, log entry and event).
        """
        layout = self.layout
        legs = self.legs[v]
        n_legs = len(legs)
        env = self.env
        while True:
            pos = self.pos[v]
            if pos >= n_legs:
                self._finish(v)
                return
            s, q, work, r, svc, k, _skip_to, needs_ticket = legs[pos]
            if layout is not None:
                self._leave_zone(v)
                target = layout.station_zone[s]
                if self.vzone[v] != target:
                    minutes = self._walk_minutes(v, self.vzone[v], target, pos)
                    self.vzone[v] = target
                    self.walked[v] = minutes
                    self._after(minutes, self._start_leg, v)
                    return
            now = env._now
            self.ticket[v] = now
            if needs_ticket:
                reason = self._ticket(svc, self.priority_class[v], now)
                if reason != NO_REASON:
                    self._refuse(v, TURNED_AWAY, reason)
                    continue
            if now > self.kiosk_cutoff[s] or (self.turn_away and self.closed[s]):
                self._refuse(v, TURNED_AWAY, CLOSING)
                continue
            if k == 0 and self.level[s] >= self.balk_level[s]:
                self._refuse(v, BALKED, NO_REASON)
                continue
            if layout is not None and not self._enter_zone(v, layout.station_zone[s]):
                self._refuse(v, BALKED, ZONE_FULL)
                continue
            # join the queue, or go straight to an idle counter that serves it
            if type(work) is list:
                work_min = self.remaining[v] = work[self.draw_index[v]]
            elif work is KIOSK_WORK:
                work_min = self.remaining[v] = self.vis.kiosk_times[v * self.vis.width + r]
            else:
                work_min = self.remaining[v] = self.vis.info_time[v]
            state = self.state[s]
            servers = self.queue_servers[s][q]
            if self.every_counter[s][q]:  # the lowest idle counter, found in C
                servers = (state.index(IDLE),) if IDLE in state else ()
            for i in servers:
                if state[i] == IDLE:
                    if (
                        self.any_no_show
                        and self.may_be_absent[v]
                        and self._absent_when_called(s, v)
                    ):
                        self.started[v] = math.nan
                        self._serve(s, i, v)
                        return
                    state[i] = BUSY
                    code = self.level[s] = self.level[s] + BUSY_ONE
                    self.job[s][i] = v
                    token = self.job_token[s][i] = self.job_token[s][i] + 1
                    self.started[v] = now
                    end = self.job_end[s][i] = now + work_min
                    self.log_time.append(now)
                    self.log_code.append(code | self.tag[s])
                    heappush(self.queue, (end, NORMAL, next(self.eid), self.on_done, (s, i, token)))
                    return
            # no counter is free: wait in line (priority classes at agencies only)
            self.started[v] = math.nan
            token = self.token[v] = self.token[v] + 1
            agency = self.is_agency[s]
            self.queues[s][q][self.priority_class[v] if agency else 0].append(
                token << VISITOR_BITS | v
            )
            code = self.level[s] = self.level[s] + WAITING_ONE
            self.log_time.append(now)
            self.log_code.append(code | self.tag[s])
            if self.reneging[s] and (patience := self.vis.patience[v]) != math.inf:
                heappush(
                    self.queue,
                    (now + patience, NORMAL, next(self.eid), self.on_renege, (v, token)),
                )
            return

    def _walk_minutes(self, v: int, origin: int, target: int, leg: int) -> float:
        layout = self.layout
        minutes = layout.distance_m[origin][target] / max(self.vis.speed[v], 1e-6) / 60.0
        floors = layout.floors_apart[origin][target]
        if floors:
            minutes += floors * layout.time_per_floor_min
            if self.vis.lift_waits:
                minutes += self.vis.lift_waits[v * layout.max_legs + min(leg, layout.max_legs - 1)]
        return minutes

    def _enter_zone(self, v: int, zone: int) -> bool:
        """Count the visitor in ``zone`` (or the overflow zone); False if they balk instead."""
        layout = self.layout
        if self.occupancy[zone] >= layout.capacity[zone]:
            if layout.when_full == "balk":
                return False
            zone = layout.overflow_zone
            if zone < 0:
                return True  # waits outside, not counted
        self.occupancy[zone] += 1
        self.counted[v] = zone
        self.zone_levels.extend((self.env._now, zone, self.occupancy[zone]))
        return True

    def _leave_zone(self, v: int) -> None:
        zone = self.counted[v]
        if zone >= 0:
            self.occupancy[zone] -= 1
            self.counted[v] = -1
            self.zone_levels.extend((self.env._now, zone, self.occupancy[zone]))

    def _finish(self, v: int) -> None:
        """End the visit: leave the zone and walk out (the walk is on the last row)."""
        layout = self.layout
        if layout is None:
            return
        self._leave_zone(v)
        row = self.last_row[v]
        if row >= 0:
            walk_out = self._walk_minutes(v, self.vzone[v], layout.entrance, layout.max_legs - 1)
            self.walk_out[row] = walk_out

    def _refuse(self, v: int, outcome: int, reason: int) -> None:
        """End the current leg without service and skip the rest of its request.

        A refused kiosk leg also loses the ticket it was for, so the request gets its own
        row at the agency with the same outcome.
        """
        legs, pos = self.legs[v], self.pos[v]
        now = self.env._now
        self._record(v, outcome, reason, now, math.nan, -1)
        if self.kind[legs[pos][0]] == KIOSK and pos + 1 < len(legs) and legs[pos + 1][5] == 0:
            self.pos[v] = pos + 1
            self.ticket[v] = now
            self._record(v, outcome, reason, now, math.nan, -1)
        self.pos[v] = legs[pos][6]

    def _ticket(self, svc: int, priority_class: int, when: float) -> int:
        """Issue a ticket for service ``svc`` at ``when``; return the refusal reason, if any."""
        if self.svc_closed[svc]:
            return CLOSED
        if when > self.svc_cutoff[svc]:
            return CLOSING
        if priority_class != BOOKED:  # booked visitors called first are outside the quota
            if self.tickets[svc] >= self.quota[svc]:
                return QUOTA
            self.tickets[svc] += 1
        return NO_REASON

    def _on_renege(self, value: tuple[int, int]) -> None:
        v, token = value
        if self.token[v] != token:
            return  # called, or gone, before their patience ran out
        s = self.legs[v][self.pos[v]][0]
        self.token[v] += 1  # the entry left in line is stale
        self.level[s] -= WAITING_ONE
        self._log(s)
        self._refuse(v, RENEGED, NO_REASON)
        self._start_leg(v)

    # ----------------------------------------------------------------- counters

    def _serve(self, s: int, i: int, v: int) -> None:
        """Counter ``i`` of station ``s`` calls visitor ``v`` (who is no longer waiting)."""
        now = self.env._now
        self.state[s][i] = BUSY
        self.level[s] += BUSY_ONE
        self.job[s][i] = v
        token = self.job_token[s][i] = self.job_token[s][i] + 1
        self.token[v] += 1  # no longer waiting (if they were)
        if self.any_no_show and self.may_be_absent[v] and self._absent_when_called(s, v):
            self.started[v] = now
            self._record(v, NO_SHOW, NO_REASON, now + self.spec.recall_wait_min, now, i)
            self.pos[v] = len(self.legs[v])
            self._finish(v)
            self.job[s][i] = -1
            self.job_end[s][i] = now + self.spec.recall_wait_min
            self._log(s)
            self._after(self.spec.recall_wait_min, self._on_done, (s, i, token))
            return
        if math.isnan(self.started[v]):
            self.started[v] = now
        work = self.remaining[v]
        self.job_end[s][i] = now + work
        self._log(s)
        self._after(work, self._on_done, (s, i, token))

    def _absent_when_called(self, s: int, v: int) -> bool:
        """Return True if the visitor called at an agency's first stage is not there."""
        leg = self.legs[v][self.pos[v]]
        return (
            self.kind[s] == AGENCY and leg[5] == 0 and self.vis.no_show[v * self.vis.width + leg[3]]
        )

    def _on_done(self, value: tuple[int, int, int]) -> None:
        """Counter ``i`` of station ``s`` ends a service (or a recall wait).

        The hot path: the free counter calls the next ticket — inlined for a counter that
        serves one queue, and ``_serve`` inlined for a visitor who is there — then the
        visitor moves on to their next leg.
        """
        s, i, token = value
        if self.job_token[s][i] != token:
            return  # the service was interrupted by a break
        job = self.job[s]
        v = job[i]
        job[i] = -1
        level = self.level
        level[s] -= BUSY_ONE
        now = self.env._now
        # the counter is free: call the next ticket, or close if it is due to
        if self.off[s][i] > 0:
            self.state[s][i] = OFF
            level[s] -= ON_DUTY_ONE
            self._log(s)
        elif (lines := self.only_queue[s][i]) is None:
            self.state[s][i] = IDLE
            if not self._call_next(s, i):
                self._log(s)
        else:
            vtoken = self.token
            for line in lines:  # priority classes in order; drop entries of those who left
                while line:
                    head = line[0]
                    if vtoken[head & VISITOR_MASK] == head >> VISITOR_BITS:
                        break
                    line.popleft()
                if line:
                    nxt = line.popleft() & VISITOR_MASK
                    level[s] -= WAITING_ONE
                    if (
                        self.any_no_show
                        and self.may_be_absent[nxt]
                        and self._absent_when_called(s, nxt)
                    ):
                        self.state[s][i] = IDLE
                        self._serve(s, i, nxt)
                        break
                    code = level[s] = level[s] + BUSY_ONE
                    job[i] = nxt
                    token = self.job_token[s][i] = token + 1
                    vtoken[nxt] += 1  # no longer waiting
                    if self.started[nxt] != self.started[nxt]:  # NaN: not resumed work
                        self.started[nxt] = now
                    end = self.job_end[s][i] = now + self.remaining[nxt]
                    self.log_time.append(now)
                    self.log_code.append(code | self.tag[s])
                    heappush(self.queue, (end, NORMAL, next(self.eid), self.on_done, (s, i, token)))
                    break
            else:
                self.state[s][i] = IDLE
                self.log_time.append(now)
                self.log_code.append(level[s] | self.tag[s])
        if v < 0:
            return
        pos = self.pos[v]
        self.records += pack_record(
            v, pos, i, self.ticket[v], self.started[v], now, self.walked[v], SERVED, NO_REASON
        )
        if self.layout is not None:
            self.walked[v] = 0.0
            self.last_row[v] = len(self.records) // RECORD.itemsize - 1
        legs = self.legs[v]
        pos = self.pos[v] = pos + 1
        if self.kind[s] == KIOSK:
            # the ticket is printed for the time the visitor joined the kiosk line
            svc = legs[pos - 1][4]
            if self.limited[svc]:
                reason = self._ticket(svc, self.priority_class[v], self.ticket[v])
                if reason != NO_REASON:
                    self.ticket[v] = now
                    self._refuse(v, TURNED_AWAY, reason)
        elif pos >= len(legs) and self.layout is None:
            return  # the visit is over (_finish has nothing to do without a layout)
        self._start_leg(v)

    def _call_next(self, s: int, i: int) -> bool:
        """Call the best waiting ticket among the queues counter ``i`` serves; False if none.

        Best: the lowest priority class, then the earliest ticket, then the lowest
        visitor id. Entries of visitors who left (or were re-queued) are dropped lazily.
        """
        best = None
        best_key = None
        queues = self.queues[s]
        vtoken = self.token
        for q in self.server_queues[s][i]:
            for cls, line in enumerate(queues[q]):
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
                        best_key, best = key, line
                    break
        if best is None:
            return False
        v = best.popleft() & VISITOR_MASK
        self.level[s] -= WAITING_ONE
        self._serve(s, i, v)
        return True

    # ----------------------------------------------------------------- schedule

    def _on_open(self, event) -> None:
        s = event.value
        for i in range(len(self.state[s])):
            self._reopen(s, i)
        self._log(s)

    def _reopen(self, s: int, i: int) -> None:
        self.off[s][i] -= 1
        if self.off[s][i] == 0 and self.state[s][i] == OFF:
            self.state[s][i] = IDLE
            self.level[s] += ON_DUTY_ONE
            self._call_next(s, i)

    def _on_break_start(self, event) -> None:
        s, servers = event.value
        for i in servers:
            self.off[s][i] += 1
            if self.off[s][i] != 1:
                continue
            if self.state[s][i] == IDLE:
                self.state[s][i] = OFF
                self.level[s] -= ON_DUTY_ONE
            elif (
                self.state[s][i] == BUSY
                and self.spec.break_rule == "interrupt"
                and self.job_end[s][i] > self.env._now
            ):
                # a service due to end at the break start just finishes
                self._interrupt(s, i)
        self._log(s)

    def _interrupt(self, s: int, i: int) -> None:
        """Stop counter ``i``'s service; its visitor waits first in line with the work left."""
        v = self.job[s][i]
        self.job_token[s][i] += 1  # the pending completion becomes stale
        self.job[s][i] = -1
        self.state[s][i] = OFF
        self.level[s] -= BUSY_ONE + ON_DUTY_ONE
        if v < 0:
            return  # a recall wait: nobody to put back
        now = self.env._now
        self.remaining[v] = self.job_end[s][i] - now
        q = self.legs[v][self.pos[v]][1]
        cls = self.vis.priority_class[v] if self.kind[s] == AGENCY else 0
        self.token[v] += 1
        self.queues[s][q][cls].appendleft(self.token[v] << VISITOR_BITS | v)
        self.level[s] += WAITING_ONE
        for j in self.queue_servers[s][q]:
            if self.state[s][j] == IDLE:
                self._call_next(s, j)
                break

    def _on_break_end(self, event) -> None:
        s, servers = event.value
        for i in servers:
            self._reopen(s, i)
        self._log(s)

    def _on_close(self, event) -> None:
        s = event.value
        self.closed[s] = True
        if self.kind[s] == AGENCY:
            self.waiting_at_close[self.spec.stations[s].name] = waiting_of(self.level[s])
        if self.spec.at_close != "turn_away":
            return
        flushed = []
        for classes in self.queues[s]:
            for line in classes:
                while line:
                    entry = line.popleft()
                    v, token = entry & VISITOR_MASK, entry >> VISITOR_BITS
                    if self.token[v] == token:
                        flushed.append(v)
        self.level[s] -= len(flushed) * WAITING_ONE
        self._log(s)
        for v in sorted(flushed):
            self.token[v] += 1  # no longer waiting
            self._refuse(v, TURNED_AWAY, CLOSING)
            self._start_leg(v)

    # ----------------------------------------------------------------- records

    def _record(
        self, v: int, outcome: int, reason: int, end: float, start: float, counter: int
    ) -> None:
        """Append the row of visitor ``v``'s current leg (the rest is looked up at the end).

        A row is a ``RECORD`` struct appended to one byte array (cheaper to build, to
        keep and to read as an array than a tuple per row). ``_on_done`` appends served
        rows inline.
        """
        if outcome in (SERVED, NO_SHOW):
            start = self.started[v]
        self.records += pack_record(
            v, self.pos[v], counter, self.ticket[v], start, end, self.walked[v], outcome, reason
        )
        self.walked[v] = 0.0
        self.last_row[v] = len(self.records) // RECORD.itemsize - 1
