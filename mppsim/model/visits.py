"""The visitor's path through the building: ``VisitorFlow``.

A visitor arrives, then takes each leg of their plan (``legs``) in turn: walks to its
station (with a layout), takes a ticket (refused for a closed service, after the
cut-off or over the quota), may balk at a long line or a full zone, and joins the
station's ``CounterPool``, which serves them. After each service the flow records
the leg and moves the visitor on; a refused leg skips the rest of its request. A
visitor who gives up waiting (reneges), is turned away at closing or is absent when
called leaves their line the same way. Every visit ends in ``end_visit``.

The flow never changes a counter: it asks a pool to ``join``, ``withdraw`` or
``flush``, and the pool calls back ``served`` and ``absent``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from mppsim.model.legs import KIOSK_WORK, plan_visits
from mppsim.model.recorder import RECORD, pack_record
from mppsim.model.spec import AGENCY, BOOKED, KIOSK, ModelSpec
from mppsim.tables import OUTCOMES, REASONS

if TYPE_CHECKING:
    from mppsim.model.arrivals import Visitors
    from mppsim.model.clock import Clock
    from mppsim.model.counters import CounterPool

__all__ = ["VisitorFlow"]

SERVED, BALKED, RENEGED, TURNED_AWAY, NO_SHOW = range(len(OUTCOMES))
NO_REASON, QUOTA, CLOSING, CLOSED, ZONE_FULL = range(len(REASONS))


class VisitorFlow:
    """Every visitor's progress through their legs in one replication.

    Parameters
    ----------
    spec : ModelSpec
        The compiled model.
    visitors : Visitors
        The replication's visitors, drawn before the run.
    clock : Clock
        The replication's clock.

    Attributes
    ----------
    records : bytearray
        One ``recorder.RECORD`` struct per visitor and leg, in the order they end.
    walk_out : dict of int to float
        Minutes walked to the exit, by record row (with a layout).
    zone_log : list of float
        Flat (time, zone, occupancy) triples, one per change (with a layout).
    """

    __slots__ = (
        "after",
        "balk_at",
        "clock",
        "counted",
        "draw_index",
        "kind",
        "last_row",
        "layout",
        "legs",
        "limited",
        "may_be_absent",
        "occupancy",
        "plan_keys",
        "plans",
        "pools",
        "pos",
        "priority_class",
        "quota",
        "records",
        "remaining",
        "renege_callback",
        "reneging",
        "spec",
        "started",
        "svc_closed",
        "svc_cutoff",
        "ticket",
        "tickets",
        "token",
        "turn_away",
        "vis",
        "walk_out",
        "walked",
        "zone",
        "zone_log",
    )

    def __init__(self, spec: ModelSpec, visitors: Visitors, clock: Clock) -> None:
        self.spec = spec
        self.vis = visitors
        self.clock = clock
        self.after = clock.after
        n = len(visitors)
        # the visitors' state, shared with the pools (see CounterPool)
        self.token = [0] * n  # changes whenever the visitor joins a line or stops waiting
        self.started = [math.nan] * n  # when the current leg's service started
        self.remaining = [math.nan] * n  # counter minutes the current leg still needs
        self.ticket = [0.0] * n  # when the visitor joined the current leg's queue
        self.priority_class = visitors.priority_class
        self.draw_index = visitors.draw_index
        self.pos = [0] * n  # the current leg
        self.walked = [0.0] * n  # minutes walked to the current leg's station
        self.last_row = [-1] * n
        self.records = bytearray()
        self.walk_out: dict[int, float] = {}
        self.zone_log: list[float] = []
        self.pools: list[CounterPool] = []

        stations = spec.stations
        self.kind = [st.kind for st in stations]
        # a service is closed when its agency is closed that day or has a stage that no
        # counter serves (a counter group of size 0)
        self.svc_closed = [
            not stations[svc.station].is_open
            or stations[svc.station].n_servers == 0
            or not all(stations[svc.station].queues[st.queue].servers for st in svc.stages)
            for svc in spec.services
        ]
        self.svc_cutoff = [stations[svc.station].ticket_cutoff_min for svc in spec.services]
        self.quota = [svc.quota for svc in spec.services]
        self.tickets = [0] * len(spec.services)
        # whether a ticket for the service can be refused (else it is neither checked
        # nor counted)
        self.limited = [
            closed or cutoff < math.inf or quota < math.inf
            for closed, cutoff, quota in zip(
                self.svc_closed, self.svc_cutoff, self.quota, strict=True
            )
        ]
        # visitors waiting at an agency may give up (when patience is modelled)
        self.reneging = [st.kind == AGENCY and spec.patience is not None for st in stations]
        # a visitor balks on finding this many waiting in the queue of their service
        self.balk_at = [
            math.ceil(st.balk_queue_length)
            if st.kind == AGENCY and math.isfinite(st.balk_queue_length)
            else math.inf
            for st in stations
        ]
        self.turn_away = spec.at_close == "turn_away"
        self.plans, self.plan_keys = plan_visits(spec, visitors, self.limited)
        self.legs = list(map(self.plans.__getitem__, self.plan_keys.tolist()))  # per visitor
        # visitors absent when called for at least one of their services
        self.may_be_absent: list[bool] | None = None
        if spec.no_show > 0:
            drawn = np.asarray(visitors.no_show, dtype=bool).reshape(n, visitors.width)
            self.may_be_absent = drawn.any(axis=1).tolist()
        self.layout = spec.layout
        if self.layout is not None:
            self.zone = [self.layout.entrance] * n  # where the visitor is (or heads)
            self.counted = [-1] * n  # zone whose occupancy counts the visitor
            self.occupancy = [0] * len(self.layout.zones)
        self.renege_callback = self.renege  # bound once

    def wire(self, pools: list[CounterPool]) -> None:
        """Connect the flow to the stations' pools (their hooks call back into the flow)."""
        self.pools = pools
        for pool in pools:
            pool.served = self.served
            pool.absent = self.absent
            pool.may_be_absent = self.may_be_absent if pool.is_agency else None

    # ----------------------------------------------------------------- legs

    def start_leg(self, v: int) -> None:
        """Take visitor ``v`` to their current leg: walk, ticket, checks, then the pool.

        A refused leg moves on to the next request in the loop; a leg joined ends it.
        """
        layout = self.layout
        legs = self.legs[v]
        n_legs = len(legs)
        clock = self.clock
        while True:
            pos = self.pos[v]
            if pos >= n_legs:
                self.end_visit(v)
                return
            s, q, work, r, svc, k, _skip_to, needs_ticket = legs[pos]
            if layout is not None:
                self.leave_zone(v)
                target = layout.station_zone[s]
                if self.zone[v] != target:
                    minutes = self.walk_minutes(v, self.zone[v], target, pos)
                    self.zone[v] = target
                    self.walked[v] = minutes
                    self.after(minutes, self.start_leg, v)
                    return
            now = clock.now
            self.ticket[v] = now
            if needs_ticket:
                reason = self.take_ticket(svc, self.priority_class[v], now)
                if reason != NO_REASON:
                    self.refuse(v, TURNED_AWAY, reason)
                    continue
            pool = self.pools[s]
            if now > pool.cutoff_min or (self.turn_away and pool.closed):
                self.refuse(v, TURNED_AWAY, CLOSING)
                continue
            # the line of their own service; a counter that serves it is idle only
            # when that line is empty, so nobody balks while such a counter is free
            if k == 0 and pool.waiting[q] >= self.balk_at[s]:
                self.refuse(v, BALKED, NO_REASON)
                continue
            if layout is not None and not self.enter_zone(v, layout.station_zone[s]):
                self.refuse(v, BALKED, ZONE_FULL)
                continue
            if type(work) is list:
                self.remaining[v] = work[self.draw_index[v]]
            elif work is KIOSK_WORK:
                self.remaining[v] = self.vis.kiosk_times[v * self.vis.width + r]
            else:  # INFO_WORK
                self.remaining[v] = self.vis.info_time[v]
            self.started[v] = math.nan
            token = pool.join(v, q)
            if token and self.reneging[s] and (patience := self.vis.patience[v]) != math.inf:
                self.after(patience, self.renege_callback, (v, token))
            return

    def served(self, v: int, i: int) -> None:
        """Visitor ``v``'s service at counter ``i`` ended: record it and go on."""
        now = self.clock.now
        pos = self.pos[v]
        self.records += pack_record(
            v, pos, i, self.ticket[v], self.started[v], now, self.walked[v], SERVED, NO_REASON
        )
        if self.layout is not None:
            self.walked[v] = 0.0
            self.last_row[v] = len(self.records) // RECORD.itemsize - 1
        legs = self.legs[v]
        pos = self.pos[v] = pos + 1
        if pos >= len(legs):
            self.end_visit(v)
            return
        if self.kind[legs[pos - 1].station] == KIOSK:
            # the ticket is printed for the time the visitor joined the kiosk line
            svc = legs[pos - 1].service
            if self.limited[svc]:
                reason = self.take_ticket(svc, self.priority_class[v], self.ticket[v])
                if reason != NO_REASON:
                    self.ticket[v] = now
                    self.refuse(v, TURNED_AWAY, reason)
        self.start_leg(v)

    def take_ticket(self, svc: int, priority_class: int, when: float) -> int:
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

    def refuse(self, v: int, outcome: int, reason: int) -> None:
        """End the current leg without service and skip the rest of its request.

        A refused kiosk leg also loses the ticket it was for, so the request gets its
        own row at the agency with the same outcome.
        """
        legs, pos = self.legs[v], self.pos[v]
        now = self.clock.now
        self.record(v, outcome, reason, now, math.nan, -1)
        if (
            self.kind[legs[pos].station] == KIOSK
            and pos + 1 < len(legs)
            and legs[pos + 1].stage == 0
        ):
            self.pos[v] = pos + 1
            self.ticket[v] = now
            self.record(v, outcome, reason, now, math.nan, -1)
        self.pos[v] = legs[pos].skip_to

    def renege(self, value: tuple[int, int]) -> None:
        """Visitor ``v``'s patience runs out: unless called meanwhile, they leave the line."""
        v, token = value
        if self.token[v] != token:
            return  # called, or gone, before their patience ran out
        self.token[v] += 1  # the entry left in line is stale
        leg = self.legs[v][self.pos[v]]
        self.pools[leg.station].withdraw(leg.queue)
        self.refuse(v, RENEGED, NO_REASON)
        self.start_leg(v)

    def turned_away_at_close(self, visitors: list[int]) -> None:
        """Send away the visitors flushed from a closing station's lines."""
        for v in visitors:
            self.refuse(v, TURNED_AWAY, CLOSING)
            self.start_leg(v)

    def absent(self, pool: CounterPool, i: int, v: int) -> bool:
        """Return True, and end the visit, if visitor ``v`` is absent when called.

        Counter ``i`` of ``pool`` calls them; if they are absent, the counter waits
        ``recall_wait_min`` for them (the end of their no-show row). Only the first
        stage of an agency's service has a no-show draw, and it counts only for a
        visitor who waited: one called the instant they take the ticket is standing
        at the counter, and one whose service a break put back has been there.
        """
        leg = self.legs[v][self.pos[v]]
        if leg.stage != 0 or not self.vis.no_show[v * self.vis.width + leg.request]:
            return False
        if self.clock.now <= self.ticket[v] or self.started[v] == self.started[v]:
            return False  # no wait, or work put back by a break (started is not NaN)
        now = self.clock.now
        self.started[v] = now
        self.record(v, NO_SHOW, NO_REASON, now + pool.recall_wait_min, now, i)
        self.pos[v] = len(self.legs[v])
        self.end_visit(v)
        return True

    def end_visit(self, v: int) -> None:
        """End the visit: leave the zone and walk out (the walk is on the last row)."""
        layout = self.layout
        if layout is None:
            return
        self.leave_zone(v)
        row = self.last_row[v]
        if row >= 0:
            self.walk_out[row] = self.walk_minutes(
                v, self.zone[v], layout.entrance, layout.max_legs - 1
            )

    # ----------------------------------------------------------------- records

    def record(
        self, v: int, outcome: int, reason: int, end: float, start: float, counter: int
    ) -> None:
        """Append the row of visitor ``v``'s current leg (the rest is looked up at the end).

        ``served`` appends served rows inline (the hot path).
        """
        if outcome in (SERVED, NO_SHOW):
            start = self.started[v]
        self.records += pack_record(
            v, self.pos[v], counter, self.ticket[v], start, end, self.walked[v], outcome, reason
        )
        self.walked[v] = 0.0
        self.last_row[v] = len(self.records) // RECORD.itemsize - 1

    # ----------------------------------------------------------------- layout

    def walk_minutes(self, v: int, origin: int, target: int, leg: int) -> float:
        """Return visitor ``v``'s walk from zone ``origin`` to ``target``, minutes."""
        layout = self.layout
        minutes = layout.distance_m[origin][target] / max(self.vis.speed[v], 1e-6) / 60.0
        floors = layout.floors_apart[origin][target]
        if floors:
            minutes += floors * layout.time_per_floor_min
            if self.vis.lift_waits:
                minutes += self.vis.lift_waits[v * layout.max_legs + min(leg, layout.max_legs - 1)]
        return minutes

    def enter_zone(self, v: int, zone: int) -> bool:
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
        self.zone_log.extend((self.clock.now, zone, self.occupancy[zone]))
        return True

    def leave_zone(self, v: int) -> None:
        """Stop counting the visitor in the zone they were counted in, if any."""
        zone = self.counted[v]
        if zone >= 0:
            self.occupancy[zone] -= 1
            self.counted[v] = -1
            self.zone_log.extend((self.clock.now, zone, self.occupancy[zone]))
