"""Who comes, when, and what they carry: every visitor of a replication, drawn before the run.

Walk-ins follow a non-homogeneous Poisson process with a piecewise-constant rate,
drawn exactly per interval (a Poisson count, then uniform times), so short peaks
are never skipped. Booked visitors come from appointment slots with punctuality
noise and no-shows. Every per-visitor quantity (service mix, priority, patience,
kiosk and counter times, no-show when called) is drawn here in blocks from its own
named stream, so two plans that differ in one agency still see the same visitors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mppsim.model.spec import PRIORITY, WALK_IN, ModelSpec
from mppsim.streams import Streams

__all__ = ["Visitors", "draw_visitors", "visit_kinds", "walk_in_times"]


def visit_kinds(spec: ModelSpec) -> list[tuple[int, ...]]:
    """Return the services of each kind of visit: the visit types, then the appointments.

    ``Visitors.visit`` indexes this list.
    """
    return [vt.services for vt in spec.visit_types] + [a.services for a in spec.appointments]


@dataclass(frozen=True, slots=True)
class Visitors:
    """All visitors of one replication, sorted by arrival; plain lists for the hot loop.

    ``stage_draws[stream][draw_index[v]]`` is visitor ``v``'s counter time at the
    stage with that stream (drawn for every visitor, so the draws of one stage do not
    depend on who needs the others). Per-request quantities are flat lists with stride
    ``width`` (the most services in one visit): ``kiosk_times[v * width + r]`` is the
    kiosk time before the ``r``-th service and ``no_show[v * width + r]`` whether the
    visitor is absent when called for it; ``lift_waits[v * max_legs + leg]`` likewise.
    """

    arrival_min: list[float]
    priority_class: list[int]
    is_appointment: list[bool]
    services: list[tuple[int, ...]]
    stage_draws: dict[str, list[float]]
    draw_index: list[int]
    kiosk_times: list[float]
    info_time: list[float]  # NaN for visitors who skip the information desk
    patience: list[float]
    no_show: list[bool]
    speed: list[float] = ()  # walking speed, metres per second (with a layout)
    lift_waits: list[float] = ()  # minutes per leg, when a lift wait is modelled
    width: int = 1
    # kind of visit (an index into visit_kinds(spec)), and whether the visitor asks at the
    # information desk first: arrays, for planning the visits before the run
    visit: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    asks_info: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __len__(self) -> int:
        return len(self.arrival_min)


def walk_in_times(
    edges: tuple[float, ...], rates: tuple[float, ...], rng: np.random.Generator
) -> np.ndarray:
    """Draw sorted arrival times of a Poisson process with a piecewise-constant rate.

    Parameters
    ----------
    edges : tuple of float
        Interval boundaries, minutes, increasing (``len(rates) + 1`` of them).
    rates : tuple of float
        Arrival rate per minute on each interval, ``>= 0``.
    rng : numpy.random.Generator
        The walk-in arrival stream.

    Returns
    -------
    numpy.ndarray
        Sorted arrival times in minutes.
    """
    starts = np.asarray(edges[:-1], dtype=float)
    lengths = np.diff(np.asarray(edges, dtype=float))
    counts = rng.poisson(np.asarray(rates, dtype=float) * lengths)
    offsets = rng.random(int(counts.sum()))
    times = np.repeat(starts, counts) + offsets * np.repeat(lengths, counts)
    return np.sort(times)


def draw_visitors(spec: ModelSpec, streams: Streams) -> Visitors:
    """Draw every visitor of one replication with all their random quantities.

    Parameters
    ----------
    spec : ModelSpec
        The compiled model.
    streams : Streams
        The replication's named streams.

    Returns
    -------
    Visitors
        Sorted by arrival time; ties keep walk-ins before booked visitors.
    """
    times = walk_in_times(spec.arrival_edges, spec.arrival_rates, streams["arrivals/walk_in"])
    n_walk = len(times)
    probs = np.array([v.probability for v in spec.visit_types])
    mix = streams["visitor/mix"].choice(len(probs), size=n_walk, p=probs / probs.sum())
    is_priority = streams["visitor/priority"].random(n_walk) < spec.priority_share
    arrival = [times]
    classes = [np.where(is_priority, PRIORITY, WALK_IN)]
    appointment = [np.zeros(n_walk, dtype=bool)]
    visit_services = visit_kinds(spec)
    codes = [mix]

    for a, appt in enumerate(spec.appointments):
        rng = streams[appt.stream]
        slots = np.asarray(appt.slot_times)
        booked = rng.binomial(appt.per_slot, appt.booked_share, size=len(slots))
        slot_of = np.repeat(slots, booked)
        comes = rng.random(len(slot_of)) >= appt.no_show
        offsets = appt.punctuality.sample(rng, len(slot_of))
        appt_times = (slot_of + offsets)[comes]
        arrival.append(appt_times)
        classes.append(np.full(len(appt_times), appt.priority_class))
        appointment.append(np.ones(len(appt_times), dtype=bool))
        codes.append(np.full(len(appt_times), len(spec.visit_types) + a))

    all_times = np.concatenate(arrival)
    n = len(all_times)
    codes_all = np.concatenate(codes).astype(np.int64)
    # the most services in one visit: the stride of the per-request lists
    width = max((len(visit_services[c]) for c in np.unique(codes_all)), default=1)

    order = np.argsort(all_times, kind="stable")

    # a quantity that is not modelled is one shared constant (tolist makes a float each)
    kiosk_times = [0.0] * (n * width)
    if spec.kiosk_time is not None:
        block = spec.kiosk_time.sample(streams["kiosk"], n * width).reshape(n, width)
        kiosk_times = block[order].ravel().tolist()
    info_block = np.full(n, np.nan)
    info_time = [math.nan] * n
    if spec.info_desk is not None and spec.info_desk_time is not None:
        asks = streams["visitor/info_desk"].random(n) < spec.info_desk_share
        times_info = spec.info_desk_time.sample(streams["info_desk"], n)
        info_block = np.where(asks, times_info, np.nan)
        info_time = info_block[order].tolist()
    patience = [math.inf] * n
    if spec.patience is not None:
        patience = spec.patience.sample(streams["visitor/patience"], n)[order].tolist()
    no_show = [False] * (n * width)
    if spec.no_show > 0:
        absent = streams["visitor/no_show"].random((n, width)) < spec.no_show
        no_show = absent[order].ravel().tolist()

    speed = np.zeros(0)
    lift_waits = np.zeros((0, 0))
    layout = spec.layout
    if layout is not None:
        speed = layout.walking_speed.sample(streams["visitor/walking_speed"], n)
        if layout.lift_wait is not None:
            lift_waits = layout.lift_wait.sample(
                streams["visitor/lift_wait"], n * layout.max_legs
            ).reshape(n, layout.max_legs)

    stage_draws = {
        stage.stream: stage.time.sample(streams[stage.stream], n).tolist()
        for service in spec.services
        for stage in service.stages
    }
    visit = codes_all[order]
    asks_info = ~np.isnan(info_block[order])
    classes_all = np.concatenate(classes)
    appointment_all = np.concatenate(appointment)
    return Visitors(
        arrival_min=all_times[order].tolist(),
        priority_class=classes_all[order].tolist(),
        is_appointment=appointment_all[order].tolist(),
        services=list(map(visit_services.__getitem__, visit.tolist())),
        stage_draws=stage_draws,
        draw_index=order.tolist(),
        kiosk_times=kiosk_times,
        info_time=info_time,
        patience=patience,
        no_show=no_show,
        speed=_walking_speeds(speed, classes_all, layout)[order].tolist() if len(speed) else [],
        lift_waits=lift_waits[order].ravel().tolist() if lift_waits.size else [],
        width=width,
        visit=visit,
        asks_info=asks_info,
    )


def _walking_speeds(speed: np.ndarray, classes: np.ndarray, layout) -> np.ndarray:
    """Slow priority visitors down by the layout's factor."""
    return np.where(classes == PRIORITY, speed * layout.priority_speed_factor, speed)
