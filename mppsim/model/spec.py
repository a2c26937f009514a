"""The compiled model: plain frozen dataclasses the engine runs on.

A ``ModelSpec`` holds everything one replication needs — stations with their
counters, queues and schedules, services as sequences of stages, the visit mix,
arrival rates as breakpoint arrays and samplers for every random quantity —
with integer ids and times in minutes. It carries no pydantic models, so small
specs can be written by hand in tests and the hot loop never validates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mppsim.distributions import Sampler

__all__ = [
    "AGENCY",
    "BOOKED",
    "INFO_DESK",
    "KIOSK",
    "PRIORITY",
    "WALK_IN",
    "AppointmentSpec",
    "BreakSpec",
    "LayoutSpec",
    "ModelSpec",
    "QueueSpec",
    "ServiceSpec",
    "StageSpec",
    "StationSpec",
    "VisitTypeSpec",
]

KIOSK, INFO_DESK, AGENCY = 0, 1, 2
"""Station kinds, as codes into ``tables.KINDS``."""

PRIORITY, BOOKED, WALK_IN = 0, 1, 2
"""Priority classes, called in this order: priority visitors, booked visitors called
first, walk-ins (the visits table's ``priority_class``)."""

NO_LIMIT = math.inf


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """One ticket queue of a station (a service stage), and the counters that call from it."""

    label: str
    servers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BreakSpec:
    """Counters ``servers`` close from ``start_min`` to ``end_min``."""

    name: str
    start_min: float
    end_min: float
    servers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class StationSpec:
    """A pool of counters with ticket queues: the kiosk, the information desk or an agency.

    ``open_min`` is when counters start calling, ``close_min`` the scheduled closing,
    ``ticket_cutoff_min`` the last moment a ticket is issued. ``is_open`` is False when
    the station does not serve on the simulated day.
    """

    name: str
    kind: int
    n_servers: int
    queues: tuple[QueueSpec, ...]
    open_min: float = 0.0
    close_min: float = math.inf
    ticket_cutoff_min: float = math.inf
    is_open: bool = True
    breaks: tuple[BreakSpec, ...] = ()
    balk_queue_length: float = NO_LIMIT

    def server_queues(self) -> tuple[tuple[int, ...], ...]:
        """Return, for each counter, the queues it calls from."""
        return tuple(
            tuple(q for q, queue in enumerate(self.queues) if s in queue.servers)
            for s in range(self.n_servers)
        )


@dataclass(frozen=True, slots=True)
class StageSpec:
    """One stage of a service: where it queues and how long it takes."""

    name: str
    station: int
    queue: int
    time: Sampler
    stream: str


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A service of an agency: its stages in order and its daily walk-in quota."""

    agency: str
    service: str
    station: int
    stages: tuple[StageSpec, ...]
    quota: float = NO_LIMIT


@dataclass(frozen=True, slots=True)
class VisitTypeSpec:
    """A kind of visit: the services needed, in order, and its probability."""

    services: tuple[int, ...]
    probability: float


@dataclass(frozen=True, slots=True)
class AppointmentSpec:
    """An online-booking stream: slot start times and what booked visitors need."""

    services: tuple[int, ...]
    slot_times: tuple[float, ...]
    per_slot: int
    booked_share: float
    no_show: float
    punctuality: Sampler
    priority_class: int
    stream: str


@dataclass(frozen=True, slots=True)
class LayoutSpec:
    """The building as the engine sees it: zones, walking distances and crowding rules.

    ``distance_m[a][b]`` is the horizontal distance between zone centres in metres and
    ``floors_apart[a][b]`` the number of floors between them. A visitor with speed
    ``v`` m/s walks ``distance / v / 60 + floors * time_per_floor_min`` minutes, plus a
    lift wait per floor change when ``lift_wait`` is given.
    """

    zones: tuple[str, ...]
    seats: tuple[float, ...]  # inf = unlimited
    capacity: tuple[float, ...]  # seats + standing; inf = unlimited
    station_zone: tuple[int, ...]
    entrance: int
    distance_m: tuple[tuple[float, ...], ...]
    floors_apart: tuple[tuple[int, ...], ...]
    time_per_floor_min: float
    lift_wait: Sampler | None
    walking_speed: Sampler  # metres per second
    priority_speed_factor: float
    when_full: str  # "overflow" or "balk"
    overflow_zone: int  # -1: outside the building (not counted)
    max_legs: int  # legs of the longest visit, for drawing lift waits in blocks


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """Everything one replication needs, compiled from a scenario.

    Arrivals of walk-ins follow a piecewise-constant rate: ``arrival_rates[i]`` per
    minute on ``[arrival_edges[i], arrival_edges[i + 1])``.
    """

    name: str
    mode: str  # "calendar" or "horizon"
    stations: tuple[StationSpec, ...]
    services: tuple[ServiceSpec, ...]
    visit_types: tuple[VisitTypeSpec, ...]
    arrival_edges: tuple[float, ...]
    arrival_rates: tuple[float, ...]
    kiosk: int | None = None
    kiosk_time: Sampler | None = None
    kiosk_open_min: float = 0.0
    ticket_per_service: bool = True
    info_desk: int | None = None
    info_desk_share: float = 0.0
    info_desk_time: Sampler | None = None
    priority_share: float = 0.0
    appointments: tuple[AppointmentSpec, ...] = ()
    patience: Sampler | None = None
    no_show: float = 0.0
    recall_wait_min: float = 1.0
    at_close: str = "serve"
    break_rule: str = "finish"
    open_min: float = 0.0
    close_min: float = math.inf
    warmup_min: float = 0.0
    timeseries_bin_min: float = 15.0
    layout: LayoutSpec | None = None
    stream_names: tuple[str, ...] = field(default=())

    @property
    def station_names(self) -> list[str]:
        """Station names, indexed by station code."""
        return [station.name for station in self.stations]

    @property
    def observe_end_min(self) -> float:
        """End of the observation window (arrivals stop here in steady-state mode)."""
        return self.arrival_edges[-1]
