"""Compile a validated scenario into the engine's plain ``ModelSpec``.

This is the only place that reads the pydantic scenario on the way into the
model: it resolves the simulated day (hours, breaks, profile), turns agency
ids into station codes, counter groups into queue-to-counter maps, arrival
profiles into rate breakpoints and distribution specs into samplers, and
names every random stream.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from mppsim.model.spec import (
    AGENCY,
    BOOKED,
    INFO_DESK,
    KIOSK,
    NO_LIMIT,
    WALK_IN,
    AppointmentSpec,
    BreakSpec,
    LayoutSpec,
    ModelSpec,
    QueueSpec,
    ServiceSpec,
    StageSpec,
    StationSpec,
    VisitTypeSpec,
)
from mppsim.streams import check_distinct
from mppsim.units import parse_clock

if TYPE_CHECKING:
    from mppsim.scenario.schema import Agency, DayProfile, Scenario

__all__ = ["compile_scenario"]


def compile_scenario(scenario: Scenario) -> ModelSpec:
    """Return the engine's model of one replication of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.

    Returns
    -------
    ModelSpec
        Frozen, picklable, with int ids and minutes.
    """
    day = scenario.calendar.today if scenario.calendar is not None else None
    stations: list[StationSpec] = []
    services: list[ServiceSpec] = []
    service_index: dict[str, int] = {}
    streams: list[str] = ["arrivals/walk_in", "visitor/mix", "visitor/priority"]

    kiosk = None
    if scenario.kiosk is not None:
        kiosk = len(stations)
        stations.append(_simple_station("kiosk", KIOSK, scenario.kiosk.count, day, at_doors=True))
        streams.append("kiosk")
    info_desk = None
    if scenario.info_desk is not None:
        info_desk = len(stations)
        stations.append(
            _simple_station("info_desk", INFO_DESK, scenario.info_desk.counters, day, at_doors=True)
        )
        streams += ["info_desk", "visitor/info_desk"]

    for agency_id, agency in scenario.agencies.items():
        station_code = len(stations)
        groups = agency.counter_groups()
        server_groups = [g for g, count in groups.items() for _ in range(count)]
        queues: list[QueueSpec] = []
        for service_id, service in agency.services.items():
            stages = []
            for stage in service.stage_list():
                wanted = set(stage.counters or groups)
                servers = tuple(s for s, g in enumerate(server_groups) if g in wanted)
                label = service_id if service.stages is None else f"{service_id}/{stage.name}"
                stream = f"service/{agency_id}/{service_id}/{stage.name}"
                streams.append(stream)
                stages.append(
                    StageSpec(
                        stage.name, station_code, len(queues), stage.time.to_sampler(), stream
                    )
                )
                queues.append(QueueSpec(label, servers))
            service_index[f"{agency_id}.{service_id}"] = len(services)
            quota = NO_LIMIT if service.quota is None else float(service.quota)
            services.append(ServiceSpec(agency_id, service_id, station_code, tuple(stages), quota))
        stations.append(
            _agency_station(agency_id, agency, len(server_groups), tuple(queues), scenario, day)
        )

    mix = scenario.arrivals.mix
    total = sum(v.share for v in mix)
    visit_types = tuple(
        VisitTypeSpec(tuple(service_index[s] for s in v.services), v.share / total) for v in mix
    )

    appointments = []
    for i, appt in enumerate(scenario.arrivals.appointments):
        n_slots = math.floor((appt.last_slot - appt.first_slot) / appt.slot_every + 1e-9) + 1
        slots = tuple(float(appt.first_slot + k * appt.slot_every) for k in range(n_slots))
        stream = f"appointments/{i}"
        streams.append(stream)
        appointments.append(
            AppointmentSpec(
                services=tuple(service_index[s] for s in appt.services),
                slot_times=slots,
                per_slot=appt.per_slot,
                booked_share=appt.booked_share,
                no_show=appt.no_show,
                punctuality=appt.punctuality.to_sampler(),
                priority_class=BOOKED if appt.called_first else WALK_IN,
                stream=stream,
            )
        )

    behaviour = scenario.behaviour
    if behaviour.patience is not None:
        streams.append("visitor/patience")
    if behaviour.no_show > 0:
        streams.append("visitor/no_show")
    layout = None
    if scenario.layout is not None:
        layout = _layout(scenario, stations, visit_types, appointments, services)
        streams.append("visitor/walking_speed")
        if layout.lift_wait is not None:
            streams.append("visitor/lift_wait")
    check_distinct(streams)

    if day is not None:
        assert scenario.calendar is not None
        edges, rates = _calendar_rates(scenario, day)
        mode, open_min, close_min, warmup = "calendar", day.open, day.close, 0.0
        kiosk_open = day.kiosk_open if day.kiosk_open is not None else day.open
        at_close, break_rule = scenario.calendar.at_close, scenario.calendar.break_rule
    else:
        assert scenario.horizon is not None
        assert scenario.arrivals.rate_per_hour is not None
        warmup = scenario.horizon.warmup
        end = warmup + scenario.horizon.duration
        edges, rates = (0.0, end), (scenario.arrivals.rate_per_hour / 60.0,)
        mode, open_min, close_min, kiosk_open = "horizon", 0.0, math.inf, 0.0
        at_close, break_rule = "serve", "finish"

    return ModelSpec(
        name=scenario.name,
        mode=mode,
        stations=tuple(stations),
        services=tuple(services),
        visit_types=visit_types,
        arrival_edges=edges,
        arrival_rates=rates,
        kiosk=kiosk,
        kiosk_time=scenario.kiosk.time.to_sampler() if scenario.kiosk else None,
        kiosk_open_min=kiosk_open,
        ticket_per_service=scenario.kiosk.ticket_per_service if scenario.kiosk else False,
        info_desk=info_desk,
        info_desk_share=scenario.info_desk.share if scenario.info_desk else 0.0,
        info_desk_time=scenario.info_desk.time.to_sampler() if scenario.info_desk else None,
        priority_share=scenario.arrivals.priority_share,
        appointments=tuple(appointments),
        patience=behaviour.patience.to_sampler() if behaviour.patience else None,
        no_show=behaviour.no_show,
        recall_wait_min=behaviour.recall_wait,
        at_close=at_close,
        break_rule=break_rule,
        open_min=open_min,
        close_min=close_min,
        warmup_min=warmup,
        timeseries_bin_min=scenario.outputs.timeseries_bin,
        layout=layout,
        stream_names=tuple(streams),
    )


def _simple_station(
    name: str, kind: int, count: int, day: DayProfile | None, *, at_doors: bool
) -> StationSpec:
    queue = (QueueSpec(name, tuple(range(count))),)
    if day is None:
        return StationSpec(name, kind, count, queue)
    # the kiosk and the information desk open with the doors (kiosk_open), counters at open
    start = day.kiosk_open if (at_doors and day.kiosk_open is not None) else day.open
    cutoff = day.ticket_cutoff if day.ticket_cutoff is not None else day.close
    return StationSpec(name, kind, count, queue, start, day.close, cutoff)


def _agency_station(
    agency_id: str,
    agency: Agency,
    n_servers: int,
    queues: tuple[QueueSpec, ...],
    scenario: Scenario,
    day: DayProfile | None,
) -> StationSpec:
    balk = agency.balk_queue_length
    if balk is None:
        balk = scenario.behaviour.balk_queue_length
    balk_limit = NO_LIMIT if balk is None else float(balk)
    if day is None:
        return StationSpec(
            agency_id,
            AGENCY,
            n_servers,
            queues,
            is_open=n_servers > 0,
            balk_queue_length=balk_limit,
        )
    assert scenario.calendar is not None
    open_min, close_min, cutoff = agency.hours_on(day)
    day_type = scenario.calendar.day_type
    is_open = n_servers > 0 and (agency.days is None or day_type in agency.days)
    breaks = []
    for brk in day.breaks:
        if brk.agencies is not None and agency_id not in brk.agencies:
            continue
        n_closed = (
            n_servers
            if brk.counters_closed == "all"
            else min(n_servers, math.ceil(float(brk.counters_closed) * n_servers - 1e-9))
        )
        closed = tuple(range(n_servers - n_closed, n_servers))
        if closed:
            breaks.append(BreakSpec(brk.name, brk.start, brk.end, closed))
    return StationSpec(
        agency_id,
        AGENCY,
        n_servers,
        queues,
        open_min,
        close_min,
        cutoff,
        is_open,
        tuple(breaks),
        balk_limit,
    )


def _calendar_rates(
    scenario: Scenario, day: DayProfile
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Return breakpoints and per-minute rates of walk-in arrivals on the simulated day."""
    profile = day.arrival_profile or scenario.arrivals.profile
    assert profile is not None
    assert scenario.arrivals.daily_visitors is not None
    cutoff = day.ticket_cutoff if day.ticket_cutoff is not None else day.close
    starts = [parse_clock(key) for key in profile]
    edges = [*starts, cutoff]
    weights = np.array(list(profile.values()), dtype=float)
    lengths = np.diff(edges)
    # the schema rejects profiles that start at or after the cut-off (Scenario._consistent)
    assert np.all(lengths > 0), "arrival profile intervals must have positive length"
    expected = scenario.arrivals.daily_visitors * day.demand_factor
    rates = expected * weights / weights.sum() / lengths
    return tuple(float(e) for e in edges), tuple(float(r) for r in rates)


def _layout(
    scenario: Scenario,
    stations: list[StationSpec],
    visit_types: tuple[VisitTypeSpec, ...],
    appointments: list[AppointmentSpec],
    services: list[ServiceSpec],
) -> LayoutSpec:
    """Compile the building: zone distances, floors apart, where each station sits."""
    layout = scenario.layout
    assert layout is not None
    zone_ids = list(layout.zones)
    index = {zone_id: i for i, zone_id in enumerate(zone_ids)}
    centres = np.array([layout.zones[z].centre for z in zone_ids])
    levels = np.array([layout.floors[layout.zones[z].floor].level for z in zone_ids])
    delta = np.abs(centres[:, None, :] - centres[None, :, :])
    if layout.distance == "euclidean":
        distance = np.sqrt((delta**2).sum(axis=2))
    else:
        distance = delta.sum(axis=2)
    floors = np.abs(levels[:, None] - levels[None, :])

    station_zone = []
    for station in stations:
        if station.kind == KIOSK:
            zone_id = layout.kiosk
        elif station.kind == INFO_DESK:
            zone_id = layout.info_desk
        else:
            zone_id = layout.agencies[station.name]
        assert zone_id is not None
        station_zone.append(index[zone_id])

    visits = [v.services for v in visit_types] + [a.services for a in appointments]
    max_legs = 2 + max(sum(1 + len(services[s].stages) for s in visit) for visit in visits)
    return LayoutSpec(
        zones=tuple(zone_ids),
        seats=tuple(
            math.inf if layout.zones[z].seats == "unlimited" else float(layout.zones[z].seats)
            for z in zone_ids
        ),
        capacity=tuple(layout.zone_capacity(z) for z in zone_ids),
        station_zone=tuple(station_zone),
        entrance=index[layout.entrance],
        distance_m=tuple(tuple(float(d) for d in row) for row in distance),
        floors_apart=tuple(tuple(int(f) for f in row) for row in floors),
        time_per_floor_min=layout.floor_change.time_per_floor,
        lift_wait=layout.floor_change.lift_wait.to_sampler()
        if layout.floor_change.lift_wait
        else None,
        walking_speed=layout.walking_speed.to_sampler(),
        priority_speed_factor=layout.priority_speed_factor,
        when_full=layout.when_full,
        overflow_zone=-1 if layout.overflow_zone is None else index[layout.overflow_zone],
        max_legs=max_legs,
    )
