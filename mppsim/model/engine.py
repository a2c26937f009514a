"""One replication of an MPP day: ``simulate_spec(spec, seed, replication)``.

The engine wires three parts and runs them on one clock:

* ``clock.Clock`` — the day's time: a SimPy environment whose timeouts carry the
  schedule (openings, breaks, closings, set here), and a fast lane for the
  visitors' events;
* ``counters.CounterPool`` — one per station: its counters, queues and level log;
  the only code that changes a counter;
* ``visits.VisitorFlow`` — every visitor's path through their legs (``legs``):
  walking, tickets, refusals, zones, the visit records; it asks the pools to serve.

Glossary (the same words in ``spec``, ``compile``, ``legs``, ``counters``, ``visits``
and ``recorder``):

visitor
    One person, an int: the index into ``arrivals.Visitors`` (sorted by arrival).
visit
    Everything one visitor does from arrival to leaving the building.
request
    One of the services a visitor came for (``r``); a visit has one or more.
leg
    One stop of a visit at one station (``legs.Leg``): the information desk, a
    kiosk ticket for a request, or one stage of a request's service.
plan
    The legs of one kind of visit; visitors with the same kind share a plan.
station
    The kiosk, the information desk or an agency (``s``): a ``CounterPool``.
counter
    One server of a station (``i``): idle, busy or off duty.
queue
    A station's ticket queue for one stage (``q``), with one line per priority class;
    the counters that call from it are the queue's servers.
ticket
    Joining a queue: the visitor's ``ticket`` time; at an agency, also a place under
    the service's daily quota (``take_ticket``), which can be refused.
token
    A visitor's counter that changes whenever they join a line or stop waiting: a
    line entry or a patience event is live while it carries the current token.
level, level log
    A station's (busy, on duty, waiting) counts, packed in one int (``recorder``),
    and its changes over time.
record
    One row of the visits table: a visitor's leg and how it ended.

Where the rules live: a counter's day (start, finish and call the next ticket, go off
duty, come back, interrupt) in ``CounterPool``; the visitor's choices (ticket checks,
balking, patience, absence when called, walking, zones) and the end of every visit
in ``VisitorFlow``; when counters come and go (opening, breaks, closing) in
``_Schedule`` below.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import pandas as pd

from mppsim.model.arrivals import draw_visitors
from mppsim.model.clock import Clock
from mppsim.model.counters import CounterPool
from mppsim.model.recorder import (
    LEVEL_COLUMNS,
    ZONE_LEVEL_COLUMNS,
    check_capacity,
    levels_frame,
    visits_frame,
    waiting_of,
    zone_levels_frame,
)
from mppsim.model.spec import AGENCY, ModelSpec
from mppsim.model.visits import VisitorFlow
from mppsim.streams import Streams

__all__ = ["LEVEL_COLUMNS", "ZONE_LEVEL_COLUMNS", "ReplicationResult", "simulate_spec"]


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
    visitors = draw_visitors(spec, Streams(seed, replication))
    stations = spec.stations
    check_capacity(max((st.n_servers for st in stations), default=0), len(stations), len(visitors))
    clock = Clock()
    flow = VisitorFlow(spec, visitors, clock)
    log_time, log_code = array("d"), array("q")
    shared = (flow.token, flow.started, flow.remaining, flow.ticket, flow.priority_class)
    pools = [
        CounterPool(s, st, clock, shared, log_time, log_code, spec.break_rule, spec.recall_wait_min)
        for s, st in enumerate(stations)
    ]
    flow.wire(pools)
    schedule = _Schedule(spec, pools, flow)
    schedule.plan(clock)
    clock.run(visitors.arrival_min, flow.start_leg)

    visits = visits_frame(
        flow.records,
        flow.plans,
        flow.plan_keys,
        [[(svc.service, stage.name) for stage in svc.stages] for svc in spec.services],
        [st.kind for st in stations],
        spec.station_names,
        visitors,
        flow.walk_out,
        replication,
    )
    levels = levels_frame(log_time, log_code, spec.station_names)
    zones = list(spec.layout.zones) if spec.layout is not None else []
    zone_levels = zone_levels_frame(flow.zone_log, zones)
    return ReplicationResult(
        replication, visits, levels, schedule.waiting_at_close, clock.now, zone_levels
    )


class _Schedule:
    """When counters come and go: each station's opening, breaks and closing."""

    def __init__(self, spec: ModelSpec, pools: list[CounterPool], flow: VisitorFlow) -> None:
        self.spec = spec
        self.pools = pools
        self.flow = flow
        self.waiting_at_close: dict[str, int] = {}

    def plan(self, clock: Clock) -> None:
        """Put every station's schedule on the clock.

        At equal times the schedule runs in the order made here: a break starts before
        a counter could call a ticket at that instant, and closing comes before a break
        ends, so ``turn_away`` empties the lines before counters come back.
        """
        for s, station in enumerate(self.spec.stations):
            if not station.is_open or station.n_servers == 0:
                continue
            for brk in station.breaks:
                clock.at(brk.start_min, self.break_starts, (s, brk.servers))
            clock.at(station.open_min, self.opens, s)
            if math.isfinite(station.close_min):
                clock.at(station.close_min, self.closes, s)
            for brk in station.breaks:
                clock.at(brk.end_min, self.break_ends, (s, brk.servers))

    def opens(self, s: int) -> None:
        """Station ``s`` opens: every counter comes on duty and calls."""
        pool = self.pools[s]
        for i in range(pool.n_servers):
            pool.come_back(i)
        pool.log()

    def break_starts(self, value: tuple[int, tuple[int, ...]]) -> None:
        """Start a break for some counters of a station."""
        s, servers = value
        pool = self.pools[s]
        for i in servers:
            pool.go_off(i)
        pool.log()

    def break_ends(self, value: tuple[int, tuple[int, ...]]) -> None:
        """End a break: its counters come back."""
        s, servers = value
        pool = self.pools[s]
        for i in servers:
            pool.come_back(i)
        pool.log()

    def closes(self, s: int) -> None:
        """Station ``s`` reaches its closing time: no new tickets; ``turn_away`` empties it."""
        pool = self.pools[s]
        pool.closed = True
        if pool.kind == AGENCY:
            self.waiting_at_close[pool.name] = waiting_of(pool.level)
        if self.spec.at_close == "turn_away":
            self.flow.turned_away_at_close(pool.flush())
