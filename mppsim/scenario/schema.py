"""The scenario file's schema: what a planner may write, with units, defaults and ranges.

Pydantic models, frozen and strict about unknown keys, so a typo never passes
silently. Times are minutes (bare numbers) or strings with a unit ("6 min",
"45 s", "1.5 h"); clock times are "HH:MM". Cross-field checks (a service that
names a counter group its agency does not have, a break outside opening hours)
are model validators, so they come back as issues with a field path like any
other error. The engine never sees these models: ``model.spec.compile_scenario``
turns a ``Scenario`` into a plain ``ModelSpec``.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from mppsim.distribution_specs import Distribution, Lognormal, Triangular
from mppsim.scenario.speeds import speed_in_metres_per_second
from mppsim.units import ClockTime, Minutes, parse_clock

__all__ = [
    "Agency",
    "AgencyHours",
    "Appointments",
    "Arrivals",
    "Behaviour",
    "Break",
    "Calendar",
    "City",
    "DayProfile",
    "DayType",
    "Floor",
    "FloorChange",
    "Horizon",
    "InfoDesk",
    "Kiosk",
    "Layout",
    "Outputs",
    "Population",
    "Provenance",
    "Reference",
    "Scenario",
    "Service",
    "Sources",
    "Stage",
    "VisitType",
    "Zone",
]

DAY_TYPES = ("weekday", "friday", "saturday")
DayType = Literal["weekday", "friday", "saturday"]
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")

Share = Annotated[float, Field(ge=0.0, le=1.0)]
SnakeId = Annotated[str, Field(pattern=SNAKE.pattern, max_length=64)]


CONSISTENCY_ERROR = "scenario_consistency"
"""Error type of cross-field problems; ``ctx['problems']`` holds (relative path, message) pairs."""


def raise_problems(problems: list[tuple[tuple[str | int, ...], str]]) -> None:
    """Raise one pydantic error carrying several cross-field problems, each with its own path.

    The loader expands them into separate issues with their own line numbers.
    """
    if problems:
        summary = "; ".join(
            f"{'.'.join(str(p) for p in path)}: {message}" for path, message in problems
        )
        raise PydanticCustomError(CONSISTENCY_ERROR, summary, {"problems": problems})


def _nonnegative(dist: Any) -> Any:
    """Reject a duration distribution that can draw negative minutes."""
    if dist is not None and dist.to_sampler().support_min < 0:
        raise ValueError(
            f"a duration cannot be negative, but this {dist.dist} distribution can draw "
            f"values down to {dist.to_sampler().support_min:g}"
        )
    return dist


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", allow_inf_nan=False, validate_default=True
    )


# --------------------------------------------------------------------------- calendar


class Break(_Model):
    """A break (ISHOMA, Friday prayer, a stretching pause) during which counters close."""

    name: str = Field("break", description="Label shown in reports, e.g. 'ishoma'.")
    start: ClockTime = Field(description='Clock time the break starts, "HH:MM".')
    end: ClockTime = Field(description='Clock time the break ends, "HH:MM"; after start.')
    counters_closed: float | Literal["all"] = Field(
        "all",
        description=(
            "Which counters close: 'all', or a share in (0, 1] of each agency's counters "
            "(rounded up; the highest-numbered counters close)."
        ),
    )
    agencies: list[SnakeId] | None = Field(
        None, description="Agency ids the break applies to; omitted = every agency."
    )

    @field_validator("counters_closed")
    @classmethod
    def _share_in_range(cls, value: float | str) -> float | str:
        if isinstance(value, float) and not 0.0 < value <= 1.0:
            raise ValueError(f"must be 'all' or a share in (0, 1], got {value}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Break:
        if self.end <= self.start:
            raise ValueError("break 'end' must be after its 'start'")
        return self


ArrivalProfile = dict[str, Annotated[float, Field(ge=0.0)]]


def _check_profile(profile: ArrivalProfile | None) -> ArrivalProfile | None:
    if profile is None:
        return None
    if not profile:
        raise ValueError("an arrival profile needs at least one 'HH:MM: weight' entry")
    starts = [parse_clock(key) for key in profile]
    if any(b <= a for a, b in itertools.pairwise(starts)):
        raise ValueError("arrival profile clock times must be in increasing order")
    if sum(profile.values()) <= 0:
        raise ValueError("arrival profile weights must not all be zero")
    return profile


class DayProfile(_Model):
    """Opening hours, breaks and demand of one day type."""

    open: ClockTime = Field(description='Counters start serving, "HH:MM".')
    close: ClockTime = Field(description='Scheduled closing time, "HH:MM"; after open.')
    ticket_cutoff: ClockTime | None = Field(
        None, description='No tickets are issued after this time, "HH:MM"; default: close.'
    )
    kiosk_open: ClockTime | None = Field(
        None,
        description='Ticket kiosks start issuing tickets, "HH:MM"; default: open. Visitors '
        "who come earlier queue at the kiosk.",
    )
    breaks: list[Break] = Field(default_factory=list, description="Breaks on this day type.")
    demand_factor: float = Field(
        1.0, ge=0.0, description="Multiplier on arrivals.daily_visitors for this day type."
    )
    arrival_profile: ArrivalProfile | None = Field(
        None,
        description="Hourly (or finer) arrival weights for this day; default: arrivals.profile.",
    )

    _profile_ok = field_validator("arrival_profile")(_check_profile)

    @model_validator(mode="after")
    def _ordered(self) -> DayProfile:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.close <= self.open:
            problems.append((("close",), "must be after 'open'"))
        if self.ticket_cutoff is not None and not self.open < self.ticket_cutoff <= self.close:
            problems.append((("ticket_cutoff",), "must be after 'open' and not after 'close'"))
        if self.kiosk_open is not None and self.kiosk_open > self.close:
            problems.append((("kiosk_open",), "must not be after 'close'"))
        for i, brk in enumerate(self.breaks):
            if brk.start < self.open or brk.end > self.close:
                problems.append(
                    (("breaks", i), f"break '{brk.name}' must lie within opening hours")
                )
        raise_problems(problems)
        return self


class Calendar(_Model):
    """Which day is simulated and how the building runs on each day type."""

    day_type: DayType = Field("weekday", description="The day type to simulate.")
    days: dict[DayType, DayProfile] = Field(
        description="Profiles by day type (weekday, friday, saturday); must include day_type."
    )
    at_close: Literal["serve", "turn_away"] = Field(
        "serve",
        description="At closing: 'serve' everyone already holding a ticket (overtime is "
        "measured) or 'turn_away' those still waiting.",
    )
    break_rule: Literal["finish", "interrupt"] = Field(
        "finish",
        description="A visitor in service when a break starts: 'finish' (the counter finishes, "
        "then closes until the break ends) or 'interrupt' (service stops and resumes with the "
        "remaining work, first in line, when a counter is free again).",
    )

    @model_validator(mode="after")
    def _has_day(self) -> Calendar:
        if self.day_type not in self.days:
            message = f"no profile in 'days' for day_type '{self.day_type}'"
            raise_problems([(("day_type",), message)])
        return self

    @property
    def today(self) -> DayProfile:
        """The profile of the simulated day type."""
        return self.days[self.day_type]


class Horizon(_Model):
    """Steady-state mode: constant rates, no calendar, for studies against queueing theory."""

    warmup: Minutes = Field(ge=0.0, description="Minutes discarded at the start.")
    duration: Minutes = Field(gt=0.0, description="Minutes observed after the warm-up.")


# --------------------------------------------------------------------------- arrivals


class VisitType(_Model):
    """One kind of visit in the service mix: the services a visitor needs, in order."""

    services: list[str] = Field(
        min_length=1, description="Services as 'agency.service', visited in this order."
    )
    share: float = Field(gt=0.0, description="Relative weight of this visit type (any scale).")

    @field_validator("services")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        for ref in value:
            if ref.count(".") != 1:
                raise ValueError(f"'{ref}' must be written 'agency.service'")
        if len(set(value)) != len(value):
            raise ValueError("a visit type must not list the same service twice")
        return value


class Appointments(_Model):
    """Online bookings (e.g. M-Paspor): slots with a capacity, punctuality noise, no-shows."""

    services: list[str] = Field(
        min_length=1, description="Services the booked visitor needs, as 'agency.service'."
    )
    first_slot: ClockTime = Field(description='Start of the first slot, "HH:MM".')
    last_slot: ClockTime = Field(description='Start of the last slot, "HH:MM".')
    slot_every: Minutes = Field(gt=0.0, description="Minutes between slot starts.")
    per_slot: int = Field(ge=1, le=10_000, description="Bookings a slot can hold.")
    booked_share: Share = Field(
        1.0, description="Expected share of slot capacity that is booked (binomial)."
    )
    no_show: Share = Field(0.1, description="Share of bookings whose visitor never comes.")
    punctuality: Distribution = Field(
        default_factory=lambda: Triangular(dist="triangular", low=-20, mode=-5, high=15),
        description="Arrival minus slot time, minutes (negative = early).",
    )
    called_first: bool = Field(
        True, description="Booked visitors are called before walk-ins (after priority visitors)."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Appointments:
        if self.last_slot < self.first_slot:
            raise ValueError("'last_slot' must not be before 'first_slot'")
        return self


class Arrivals(_Model):
    """Walk-in demand, its time-of-day profile, the service mix and online bookings."""

    daily_visitors: float | None = Field(
        None,
        ge=0.0,
        description="Expected walk-in visitors on a day with demand_factor 1 (calendar mode).",
    )
    profile: ArrivalProfile | None = Field(
        None,
        description="Arrival weights by clock time ('08:00': 24, '09:00': 22, ...). Each weight "
        "covers the interval up to the next key; the last one runs to the ticket cut-off. "
        "Weights are normalised; rates are constant inside an interval.",
    )
    rate_per_hour: float | None = Field(
        None, ge=0.0, description="Constant walk-in rate per hour (steady-state mode)."
    )
    mix: list[VisitType] = Field(min_length=1, description="The service mix.")
    priority_share: Share = Field(
        0.0, description="Share of visitors who are priority (elderly, disabled, pregnant)."
    )
    appointments: list[Appointments] = Field(
        default_factory=list, description="Online-booking streams."
    )

    _profile_ok = field_validator("profile")(_check_profile)


# --------------------------------------------------------------------------- stations


class Kiosk(_Model):
    """Ticket kiosks at the entrance."""

    count: int = Field(2, ge=1, le=1000, description="Number of ticket kiosks.")
    time: Distribution = Field(
        default_factory=lambda: Lognormal(dist="lognormal", mean=0.5, cv=0.5),
        description="Minutes to take one ticket.",
    )
    ticket_per_service: bool = Field(
        True,
        description="True: a visitor takes a new ticket at the kiosk before each agency. "
        "False: one pass at the kiosk; later tickets are taken at the agency.",
    )

    _time_ok = field_validator("time")(_nonnegative)


class InfoDesk(_Model):
    """An information desk that a share of visitors visit before the kiosk."""

    share: Share = Field(description="Share of visitors who ask at the information desk first.")
    counters: int = Field(1, ge=1, le=1000, description="Staffed positions at the desk.")
    time: Distribution = Field(
        default_factory=lambda: Lognormal(dist="lognormal", mean=2.0, cv=0.8),
        description="Minutes per enquiry.",
    )

    _time_ok = field_validator("time")(_nonnegative)


class Stage(_Model):
    """One step of a multi-step service (e.g. document check, then biometrics)."""

    name: SnakeId = Field(description="Stage id, e.g. 'document_check'.")
    time: Distribution = Field(description="Minutes at the counter for this stage.")
    counters: list[SnakeId] | None = Field(
        None, description="Counter groups that serve this stage; omitted = all of the agency's."
    )

    _time_ok = field_validator("time")(_nonnegative)


class Service(_Model):
    """A service type (jenis layanan) of an agency."""

    label: str | None = Field(None, description="Display name, e.g. 'Perekaman KTP-el'.")
    time: Distribution | None = Field(
        None, description="Minutes at the counter (single-step service)."
    )
    stages: list[Stage] | None = Field(
        None, min_length=1, description="Steps in order (multi-step service), instead of time."
    )
    counters: list[SnakeId] | None = Field(
        None, description="Counter groups that serve it; omitted = all of the agency's."
    )
    quota: int | None = Field(
        None, ge=0, description="Walk-in tickets per day; omitted = no quota."
    )

    _time_ok = field_validator("time")(_nonnegative)

    @model_validator(mode="after")
    def _one_form(self) -> Service:
        if (self.time is None) == (self.stages is None):
            raise ValueError("give either 'time' (one step) or 'stages' (several), not both")
        if self.stages is not None and self.counters is not None:
            raise ValueError("with 'stages', give 'counters' on each stage")
        if self.stages is not None:
            names = [stage.name for stage in self.stages]
            if len(set(names)) != len(names):
                raise ValueError("stage names must be distinct")
        return self

    def stage_list(self) -> list[Stage]:
        """Return the service as a list of stages (a one-step service has one)."""
        if self.stages is not None:
            return list(self.stages)
        assert self.time is not None
        return [Stage(name="service", time=self.time, counters=self.counters)]


class AgencyHours(_Model):
    """An agency's own hours, when they differ from the building's."""

    open: ClockTime | None = Field(None, description='Counters open, "HH:MM".')
    close: ClockTime | None = Field(None, description='Counters close, "HH:MM".')
    ticket_cutoff: ClockTime | None = Field(None, description='Last ticket, "HH:MM".')

    @model_validator(mode="after")
    def _ordered(self) -> AgencyHours:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.open is not None and self.close is not None and self.close <= self.open:
            problems.append((("close",), "must be after 'open'"))
        if self.ticket_cutoff is not None:
            if self.open is not None and self.ticket_cutoff <= self.open:
                problems.append((("ticket_cutoff",), "must be after 'open'"))
            if self.close is not None and self.ticket_cutoff > self.close:
                problems.append((("ticket_cutoff",), "must not be after 'close'"))
        raise_problems(problems)
        return self


class Agency(_Model):
    """An agency (instansi) with its counters and services."""

    label: str | None = Field(None, description="Display name, e.g. 'Disdukcapil'.")
    counters: int | dict[SnakeId, Annotated[int, Field(ge=0, le=1000)]] = Field(
        description="Number of counters, or counter groups {group: count} for counters "
        "that serve only some services."
    )
    services: dict[SnakeId, Service] = Field(min_length=1, description="Services by id.")
    hours: AgencyHours | None = Field(
        None, description="Own opening hours; omitted = the building's."
    )
    days: list[DayType] | None = Field(
        None, description="Day types the agency serves; omitted = every day the MPP opens."
    )
    balk_queue_length: int | None = Field(
        None, ge=1, description="Override of behaviour.balk_queue_length for this agency."
    )

    @field_validator("counters")
    @classmethod
    def _counters_range(cls, value: int | dict[str, int]) -> int | dict[str, int]:
        if isinstance(value, int) and not 0 <= value <= 1000:
            raise ValueError(f"must be between 0 and 1000, got {value}")
        if isinstance(value, dict) and not value:
            raise ValueError("give at least one counter group")
        return value

    @model_validator(mode="after")
    def _groups_exist(self) -> Agency:
        groups = self.counter_groups()
        problems: list[tuple[tuple[str | int, ...], str]] = []
        named = list(
            dict.fromkeys(
                group
                for service in self.services.values()
                for stage in service.stage_list()
                for group in stage.counters or ()
            )
        )
        if isinstance(self.counters, int) and any(group not in groups for group in named):
            message = (
                f"is one number ({self.counters}), but the services name counter groups "
                f"({', '.join(named)}): give every group, e.g. "
                f"{{{', '.join(f'{g}: 1' for g in named)}}}, or change one group, e.g. "
                f"counters.{named[-1]}={self.counters}"
            )
            raise_problems([(("counters",), message)])
        for service_id, service in self.services.items():
            where: tuple[str | int, ...] = ("services", service_id)
            for k, stage in enumerate(service.stage_list()):
                path = (*where, "stages", k, "counters") if service.stages else (*where, "counters")
                for group in stage.counters or ():
                    if group not in groups:
                        message = f"no counter group '{group}' (counters: {', '.join(groups)})"
                        problems.append((path, message))
        raise_problems(problems)
        return self

    def hours_on(self, day: DayProfile) -> tuple[float, float, float]:
        """Return the agency's open, close and ticket cut-off on a day, minutes since midnight.

        Its own value, else the building's; the cut-off defaults to the building's and is
        never after the agency's own close. The model and the consistency checks both
        resolve hours here.
        """
        hours = self.hours
        open_ = hours.open if hours and hours.open is not None else day.open
        close = hours.close if hours and hours.close is not None else day.close
        cutoff = day.ticket_cutoff if day.ticket_cutoff is not None else day.close
        if hours and hours.ticket_cutoff is not None:
            cutoff = hours.ticket_cutoff
        elif hours and hours.close is not None:
            cutoff = min(cutoff, hours.close)
        return open_, close, cutoff

    def counter_groups(self) -> dict[str, int]:
        """Return the counters as {group: count}; a plain count is one group 'counter'."""
        if isinstance(self.counters, int):
            return {"counter": self.counters}
        return dict(self.counters)


# --------------------------------------------------------------------------- behaviour


class Behaviour(_Model):
    """How visitors react to queues: balking, reneging, not showing up when called."""

    balk_queue_length: int | None = Field(
        None,
        ge=1,
        description="A visitor balks when this many are already waiting for their service "
        "at the agency (the queue of its first stage, not the agency's other services); "
        "omitted = nobody balks.",
    )
    patience: Distribution | None = Field(
        None, description="Minutes a visitor waits in one queue before leaving; omitted = forever."
    )
    no_show: Share = Field(
        0.0, description="Share of called tickets whose holder is not there (left the building)."
    )
    recall_wait: Minutes = Field(
        1.0, ge=0.0, description="Minutes a counter waits for an absent ticket holder."
    )

    _patience_ok = field_validator("patience")(_nonnegative)


class Outputs(_Model):
    """What a run records."""

    timeseries_bin: Minutes = Field(
        15.0, gt=0.0, le=1440.0, description="Width of time bins in timeseries.parquet."
    )


# --------------------------------------------------------------------------- layout

Metres = Annotated[float, Field(ge=0.0, le=10_000.0)]


class Floor(_Model):
    """One floor of the building: its level and outline, in metres."""

    label: str | None = Field(None, description="Display name, e.g. 'Lantai 1'.")
    level: int = Field(ge=-5, le=50, description="0 = ground floor, 1 = one floor up, ...")
    width: Metres = Field(description="Outline along x, metres.")
    depth: Metres = Field(description="Outline along y, metres.")


class Zone(_Model):
    """A rectangle of floor space where visitors wait or are served."""

    label: str | None = Field(None, description="Display name, e.g. 'Ruang tunggu Dukcapil'.")
    floor: SnakeId = Field(description="Floor id (a key of layout.floors).")
    x: Metres = Field(description="x of the zone's corner nearest the origin, metres.")
    y: Metres = Field(description="y of the zone's corner nearest the origin, metres.")
    width: Metres = Field(1.0, description="Extent along x, metres.")
    depth: Metres = Field(1.0, description="Extent along y, metres.")
    seats: int | Literal["unlimited"] = Field(
        0, description="Seats for waiting visitors (>= 0), or 'unlimited'."
    )
    standing: int | Literal["unlimited"] = Field(
        "unlimited",
        description="Visitors who can stand once the seats are taken (>= 0), or 'unlimited'.",
    )

    @field_validator("seats", "standing")
    @classmethod
    def _count(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 0:
            raise ValueError(f"must be >= 0 or 'unlimited', got {value}")
        return value

    @property
    def centre(self) -> tuple[float, float]:
        """Centre of the zone, metres."""
        return self.x + self.width / 2, self.y + self.depth / 2


class FloorChange(_Model):
    """What changing floors costs a visitor (stairs, escalator or lift)."""

    time_per_floor: Minutes = Field(
        0.5, ge=0.0, description="Minutes per floor climbed or descended."
    )
    lift_wait: Distribution | None = Field(
        None, description="Minutes waiting for the lift, once per floor change; omitted = none."
    )

    _wait_ok = field_validator("lift_wait")(_nonnegative)


class Layout(_Model):
    """The building: floors, zones, where each station sits, walking and crowding rules."""

    floors: dict[SnakeId, Floor] = Field(min_length=1, description="Floors by id.")
    zones: dict[SnakeId, Zone] = Field(min_length=1, description="Zones by id.")
    entrance: SnakeId = Field(description="Zone where visitors enter and leave.")
    kiosk: SnakeId | None = Field(None, description="Zone of the ticket kiosks.")
    info_desk: SnakeId | None = Field(None, description="Zone of the information desk.")
    agencies: dict[SnakeId, SnakeId] = Field(
        description="Zone of each agency's counters and waiting area: {agency: zone}."
    )
    distance: Literal["euclidean", "manhattan"] = Field(
        "manhattan", description="How distances between zone centres are measured."
    )
    walking_speed: Distribution = Field(
        default_factory=lambda: Lognormal(dist="lognormal", mean=1.2, cv=0.2),
        description="Walking speed drawn per visitor, metres per second (a number, or a "
        "string with a speed unit: '1.2 m/s', '4.3 km/h', '72 m/min').",
    )
    priority_speed_factor: float = Field(
        0.7, gt=0.0, le=1.0, description="Priority visitors walk at this share of their speed."
    )
    floor_change: FloorChange = Field(default_factory=FloorChange)
    when_full: Literal["overflow", "balk"] = Field(
        "overflow",
        description="A visitor reaching a full zone (seats and standing room taken) waits in "
        "the overflow zone ('overflow') or leaves ('balk').",
    )
    overflow_zone: SnakeId | None = Field(
        None, description="Where overflowing visitors wait; omitted = outside (not counted)."
    )

    _speed_units = field_validator("walking_speed", mode="before")(speed_in_metres_per_second)
    _speed_ok = field_validator("walking_speed")(_nonnegative)

    @model_validator(mode="after")
    def _placed(self) -> Layout:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        zones = ", ".join(self.zones)
        for zone_id, zone in self.zones.items():
            floor = self.floors.get(zone.floor)
            if floor is None:
                message = f"unknown floor '{zone.floor}' (floors: {', '.join(self.floors)})"
                problems.append((("zones", zone_id, "floor"), message))
            elif zone.x + zone.width > floor.width or zone.y + zone.depth > floor.depth:
                problems.append(
                    (
                        ("zones", zone_id),
                        (
                            f"lies outside floor '{zone.floor}' ({floor.width:g} m x "
                            f"{floor.depth:g} m)"
                        ),
                    )
                )
        for key in ("entrance", "kiosk", "info_desk", "overflow_zone"):
            zone_id = getattr(self, key)
            if zone_id is not None and zone_id not in self.zones:
                problems.append(((key,), f"unknown zone '{zone_id}' (zones: {zones})"))
        for agency_id, zone_id in self.agencies.items():
            if zone_id not in self.zones:
                problems.append(
                    (("agencies", agency_id), f"unknown zone '{zone_id}' (zones: {zones})")
                )
        raise_problems(problems)
        return self

    def zone_capacity(self, zone_id: str) -> float:
        """Return seats plus standing room of a zone (infinite when either is unlimited)."""
        zone = self.zones[zone_id]
        if zone.seats == "unlimited" or zone.standing == "unlimited":
            return math.inf
        return float(zone.seats + zone.standing)


# --------------------------------------------------------------------------- sources


class Reference(_Model):
    """A public source for numbers in the scenario."""

    title: str = Field(description="What the source is.")
    url: str | None = Field(None, description="Where to find it.")
    date: str | None = Field(None, description="The source's date as printed.")


class Provenance(_Model):
    """Where one number of the scenario comes from."""

    basis: Literal["sourced", "derived", "assumed"] = Field(
        description="sourced: stated in a reference; derived: arithmetic on sourced numbers; "
        "assumed: our estimate, to be swept."
    )
    refs: list[str] = Field(default_factory=list, description="Reference ids.")
    note: str | None = Field(None, description="How the number was obtained.")

    @model_validator(mode="after")
    def _needs_ref(self) -> Provenance:
        if self.basis != "assumed" and not self.refs:
            raise ValueError(f"a {self.basis} value must name at least one reference in 'refs'")
        return self


class Sources(_Model):
    """References and the provenance of each number."""

    references: dict[str, Reference] = Field(default_factory=dict)
    values: dict[str, Provenance] = Field(
        default_factory=dict, description="Field path (e.g. 'arrivals.daily_visitors') → basis."
    )

    @model_validator(mode="after")
    def _refs_exist(self) -> Sources:
        for path, prov in self.values.items():
            for ref in prov.refs:
                if ref not in self.references:
                    raise ValueError(f"values['{path}'] cites unknown reference '{ref}'")
        return self


# --------------------------------------------------------------------------- city


class Population(_Model):
    """The population of the city or regency an MPP serves, with where the figure comes from."""

    value: float = Field(
        gt=0.0, description="Residents (people); a positive, finite number, e.g. 522364."
    )
    source: str = Field(
        min_length=1,
        description="Where the figure comes from, e.g. 'BPS, Sensus Penduduk 2020 (article, date)'.",
    )
    year: int = Field(ge=1900, le=2100, description="Year the figure refers to (1900-2100).")


class City(_Model):
    """The city (kota) or regency (kabupaten) whose MPP the scenario models."""

    name: str = Field(min_length=1, max_length=120, description="Name, e.g. 'Kota Surakarta'.")
    province: str = Field(min_length=1, max_length=120, description="Province, e.g. 'Jawa Tengah'.")
    kind: Literal["kota", "kabupaten"] = Field(
        description="'kota' (city) or 'kabupaten' (regency)."
    )
    population: Population = Field(description="Residents, with source and year.")


# --------------------------------------------------------------------------- scenario


class Scenario(_Model):
    """A whole MPP scenario: building calendar, demand, kiosks, agencies and behaviour."""

    extends: str | None = Field(
        None,
        description="A base scenario file (path relative to this file) that this file changes: "
        "its keys are merged over the base's by the loader (mappings key by key, lists "
        "replaced).",
    )
    name: str = Field(min_length=1, max_length=80, description="Scenario name; names the folder.")
    city: City | None = Field(
        None, description="The city or regency this MPP serves (reference models have one)."
    )
    language: Literal["id", "en"] | None = Field(
        None,
        description="Language of the report and the printed table: 'id' (Bahasa Indonesia) "
        "or 'en' (English); omitted = English. `--lang` overrides it.",
    )
    description: str | None = Field(None, description="Free text.")
    calendar: Calendar | None = Field(None, description="A calendar day (or give horizon).")
    horizon: Horizon | None = Field(None, description="Steady-state mode (or give calendar).")
    arrivals: Arrivals
    kiosk: Kiosk | None = Field(
        None, description="Ticket kiosks; omitted = tickets are taken without delay."
    )
    info_desk: InfoDesk | None = Field(None, description="Optional information desk.")
    agencies: dict[SnakeId, Agency] = Field(min_length=1, description="Agencies by id.")
    behaviour: Behaviour = Field(default_factory=Behaviour)
    layout: Layout | None = Field(
        None, description="The building; omitted = no walking and no zone crowding."
    )
    outputs: Outputs = Field(default_factory=Outputs)
    sources: Sources = Field(default_factory=Sources)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if (self.calendar is None) == (self.horizon is None):
            problems.append(((), "give either 'calendar' (a day) or 'horizon' (steady state)"))
        arrivals = self.arrivals
        if self.calendar is not None:
            if arrivals.daily_visitors is None:
                problems.append((("arrivals",), "calendar mode needs 'daily_visitors'"))
            if arrivals.rate_per_hour is not None:
                problems.append(
                    (("arrivals", "rate_per_hour"), "is for horizon mode; use daily_visitors")
                )
            today = self.calendar.today
            if arrivals.profile is None and today.arrival_profile is None:
                problems.append((("arrivals",), "calendar mode needs a 'profile'"))
            # Each day type uses its own profile, else arrivals.profile: check the one in
            # effect against that day's cut-off (a profile used on no day is not checked).
            late_keys: set[tuple[str | int, ...]] = set()
            for day_type, day in self.calendar.days.items():
                cutoff = day.ticket_cutoff if day.ticket_cutoff is not None else day.close
                if day.arrival_profile is not None:
                    where: tuple[str | int, ...] = ("calendar", "days", day_type, "arrival_profile")
                    profile = day.arrival_profile
                else:
                    where, profile = ("arrivals", "profile"), arrivals.profile or {}
                late = [key for key in profile if parse_clock(key) >= cutoff]
                if late and (*where, late[0]) not in late_keys:
                    late_keys.add((*where, late[0]))
                    problems.append(
                        (
                            (*where, late[0]),
                            (
                                f"starts at or after the ticket cut-off on {day_type}; no one could "
                                "come"
                            ),
                        )
                    )
        if self.horizon is not None:
            if arrivals.rate_per_hour is None:
                problems.append((("arrivals",), "horizon mode needs 'rate_per_hour'"))
            for key in ("daily_visitors", "profile"):
                if getattr(arrivals, key) is not None:
                    problems.append((("arrivals", key), "is for calendar mode"))
            if arrivals.appointments:
                problems.append((("arrivals", "appointments"), "appointments need a calendar"))
        refs = [(("arrivals", "mix", i), v.services) for i, v in enumerate(arrivals.mix)]
        refs += [
            (("arrivals", "appointments", i), a.services)
            for i, a in enumerate(arrivals.appointments)
        ]
        for where, services in refs:
            for j, ref in enumerate(services):
                agency_id, _, service_id = ref.partition(".")
                agency = self.agencies.get(agency_id)
                if agency is None:
                    message = f"unknown agency '{agency_id}' (agencies: {', '.join(self.agencies)})"
                    problems.append(((*where, "services", j), message))
                elif service_id not in agency.services:
                    message = (
                        f"agency '{agency_id}' has no service '{service_id}' "
                        f"(it has: {', '.join(agency.services)})"
                    )
                    problems.append(((*where, "services", j), message))
        if self.calendar is not None:
            for day_type, day in self.calendar.days.items():
                for i, brk in enumerate(day.breaks):
                    for j, agency_id in enumerate(brk.agencies or ()):
                        if agency_id not in self.agencies:
                            path = ("calendar", "days", day_type, "breaks", i, "agencies", j)
                            problems.append((path, f"unknown agency '{agency_id}'"))
        if self.layout is not None:
            layout = self.layout
            for agency_id in self.agencies:
                if agency_id not in layout.agencies:
                    problems.append((("layout", "agencies"), f"agency '{agency_id}' has no zone"))
            for agency_id in layout.agencies:
                if agency_id not in self.agencies:
                    problems.append((("layout", "agencies", agency_id), "is not an agency"))
            for key in ("kiosk", "info_desk"):
                if getattr(self, key) is not None and getattr(layout, key) is None:
                    problems.append((("layout",), f"the {key} needs a zone: layout.{key}"))
        raise_problems(problems)
        return self

    def paths(self) -> set[str]:
        """Return every dotted field path of the resolved scenario (for provenance checks)."""
        found: set[str] = set()

        def walk(node: Any, prefix: str) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    path = f"{prefix}.{key}" if prefix else str(key)
                    found.add(path)
                    walk(value, path)
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    path = f"{prefix}[{i}]"
                    found.add(path)
                    walk(value, path)

        walk(self.model_dump(mode="json", exclude={"sources"}), "")
        return found
