"""What a run will need, estimated before it starts, and refusal of what cannot run.

A scenario can be valid field by field and still impossible to run: a trillion daily
visitors, a time-series bin of a nanosecond, a recall wait of a million years (the day
never ends, so its time series has billions of bins). :func:`estimate` works out from
the validated scenario alone — before anything is compiled or drawn — how many visitors
one replication has, how many visit rows and time-series rows it writes, how long its
clock runs and how much memory it needs; :func:`check_budget` turns what cannot run on
this machine into a :class:`~mppsim.errors.ScenarioError` naming the field responsible,
with the figures.

The memory figures are calibrated on the engine (peak resident memory of one
replication of the bundled scenarios at up to 150,000 visitors): about
``ROW_BYTES`` per visit row and ``SERIES_ROW_BYTES`` per time-series row. They are
estimates, meant to tell a run that fits from one that is off by orders of magnitude.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mppsim.errors import Issue, MppsimError, ScenarioError
from mppsim.units import parse_clock

if TYPE_CHECKING:
    from mppsim.distributions import Distribution
    from mppsim.scenario.schema import Scenario

__all__ = [
    "MAX_VISITORS",
    "MAX_WALK_MIN",
    "ROW_BYTES",
    "SERIES_ROW_BYTES",
    "Estimate",
    "available_memory",
    "check_budget",
    "estimate",
    "format_bytes",
]

ROW_BYTES = 1400
"""Peak memory of one replication per visit row (engine records, tables, metrics)."""

SERIES_ROW_BYTES = 300
"""Peak memory of one replication per time-series row."""

RESULT_ROW_BYTES = 200
"""Memory of a finished replication's visit row waiting in the parent process."""

METRIC_SCOPE_BYTES = 3 * 170
"""Memory per replication and scope of the metrics table (kept, then concatenated and
summarised: about three copies)."""

ZONE_ROW_BYTES = 3 * 60
"""The same for a zone's row of the zone metrics."""

KEPT_ROW_BYTES = 240
"""Memory per visit row of a finished replication kept by ``mppsim.run`` (bound at the end:
about three copies of ~80 bytes)."""

KEPT_SERIES_ROW_BYTES = 80
"""The same per time-series row."""

BASE_BYTES = 50 * 2**20
"""Memory of one replication besides its rows (model, samplers, buffers)."""

MAX_VISITORS = 2**31 - 1
"""Most visitors one replication can number (the visits table's ``visitor`` is int32)."""

MAX_WALK_MIN = 24 * 60.0
"""Longest walk between two zones accepted for a visitor of mean speed, minutes."""

SERIES_PER_STATION = 3  # queue, busy, on_duty
SERIES_PER_ZONE = 3  # occupancy, seated, standing


@dataclass(frozen=True)
class Estimate:
    """What one replication of a scenario needs, and which fields drive it.

    Attributes
    ----------
    visitors : float
        Expected visitors (walk-ins and booked visitors who come).
    metrics_bytes : float
        Memory of one replication's metrics (one row per scope and zone), which a run
        keeps until the end to compute the summary.
    visit_rows : float
        Expected rows of the visits table (one per visitor and step).
    span_min : float
        Minutes the time series covers (opening to the last visitor's exit; the
        horizon in steady-state mode).
    bins : float
        Time bins of the time series.
    series_rows : float
        Rows of the time series.
    replication_bytes : float
        Peak memory of one replication.
    visitor_sources : dict
        Field path → expected visitors it brings.
    span_sources : dict
        Field path → minutes it adds to the span.
    """

    visitors: float
    visit_rows: float
    span_min: float
    bins: float
    series_rows: float
    replication_bytes: float
    visitor_sources: dict[str, float] = field(default_factory=dict)
    span_sources: dict[str, float] = field(default_factory=dict)
    metrics_bytes: float = 0.0

    def run_bytes(self, jobs: int = 1) -> float:
        """Peak memory of a run with ``jobs`` worker processes.

        Each worker runs one replication at a time; with workers, the parent holds up
        to two finished replications per worker until they are written.

        Parameters
        ----------
        jobs : int
            Worker processes (1: everything in this process).

        Returns
        -------
        float
            Bytes.
        """
        if jobs <= 1:
            return self.replication_bytes
        waiting = 2 * jobs * (self.visit_rows * RESULT_ROW_BYTES + self.series_rows * 60)
        return jobs * self.replication_bytes + waiting


def _finite(value: float) -> float:
    return value if math.isfinite(value) else math.inf


def _mean_sd(dist: Distribution) -> tuple[float, float]:
    """Mean and standard deviation of a distribution (inf when they overflow)."""
    try:
        sampler = dist.to_sampler()
        mean, variance = float(sampler.mean), float(sampler.variance)
    except (ArithmeticError, ValueError):
        return math.inf, math.inf
    sd = math.sqrt(variance) if math.isfinite(variance) and variance >= 0 else math.inf
    return _finite(abs(mean)), sd


def _safe_sum(values: Iterable[float]) -> float:
    total = 0.0
    for value in values:
        total += value
        if not math.isfinite(total):
            return math.inf
    return total


def _profile_path(scenario: Scenario) -> str:
    assert scenario.calendar is not None
    if scenario.calendar.today.arrival_profile is not None:
        return f"calendar.days.{scenario.calendar.day_type}.arrival_profile"
    return "arrivals.profile"


def _slots(first: float, last: float, every: float) -> float:
    return math.floor((last - first) / every + 1e-9) + 1 if every > 0 else math.inf


def estimate(scenario: Scenario) -> Estimate:
    """Estimate what one replication of a scenario needs.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.

    Returns
    -------
    Estimate
        Expected visitors, rows, span and memory, with the fields that drive them.
        Quantities that overflow are ``inf``.

    Notes
    -----
    The span is the opening hours (or the horizon) plus the longest tail after closing:
    the work a station cannot finish within its hours (expected requests times mean
    service time, plus recall waits for absent ticket holders, less what its counters
    do while open) spread over its counters, the latest booked arrival, and the
    longest walk through the building for every leg of a visit.
    """
    arrivals = scenario.arrivals
    visitor_sources: dict[str, float] = {}
    tails: dict[str, float] = {}  # minutes the clock may run past closing, by field
    walks: dict[str, float] = {}

    # ---- visitors: walk-ins and booked visitors
    if scenario.calendar is not None:
        day = scenario.calendar.today
        base_path = f"calendar.days.{scenario.calendar.day_type}"
        daily = float(arrivals.daily_visitors or 0.0)
        walk_ins = _finite(daily * day.demand_factor)
        source = (
            f"{base_path}.demand_factor" if day.demand_factor > 10.0 else "arrivals.daily_visitors"
        )
        visitor_sources[source] = walk_ins
        profile = day.arrival_profile or arrivals.profile or {}
        if not math.isfinite(_safe_sum(float(w) for w in profile.values())):
            tails[_profile_path(scenario)] = math.inf  # the weights cannot be normalised
        starts = [parse_clock(key) for key in profile]
        kiosk_open = day.kiosk_open if day.kiosk_open is not None else day.open
        base = day.close - min([day.open, kiosk_open, *starts])
        hours = day.close - day.open
    else:
        assert scenario.horizon is not None
        base_path = "horizon.duration"
        rate = float(arrivals.rate_per_hour or 0.0)
        base = hours = _finite(scenario.horizon.warmup + scenario.horizon.duration)
        walk_ins = _finite(rate / 60.0 * base)
        # a short horizon with very many visitors: the rate is what is large
        source = "arrivals.rate_per_hour" if base <= 1440.0 else "horizon.duration"
        visitor_sources[source] = walk_ins

    total_share = _safe_sum(v.share for v in arrivals.mix)
    requests: dict[str, float] = {}
    for visit in arrivals.mix:
        p = visit.share / total_share if 0 < total_share < math.inf else 1.0
        for ref in visit.services:
            requests[ref] = requests.get(ref, 0.0) + walk_ins * p
    for i, appt in enumerate(arrivals.appointments):
        slots = _slots(appt.first_slot, appt.last_slot, appt.slot_every)
        booked = _finite(slots * appt.per_slot * appt.booked_share * (1.0 - appt.no_show))
        where = f"arrivals.appointments[{i}]"
        key = f"{where}.slot_every" if slots > appt.per_slot else f"{where}.per_slot"
        visitor_sources[key] = visitor_sources.get(key, 0.0) + booked
        for ref in appt.services:
            requests[ref] = requests.get(ref, 0.0) + booked
        if scenario.calendar is not None:
            mean, sd = _mean_sd(appt.punctuality)
            tails[f"{where}.punctuality"] = _finite(mean + 4 * sd)
    visitors = _safe_sum(visitor_sources.values())

    def overload(work: dict[str, float], servers: int, longest: float) -> None:
        """Record the tail of a station: work left at closing, spread over its counters."""
        total = _safe_sum(work.values())
        if total <= 0:
            return
        tail = _finite(max(0.0, total - servers * hours) / servers + longest)
        culprit = max(work.items(), key=lambda item: item[1])[0]
        tails[culprit] = max(tails.get(culprit, 0.0), tail)

    # ---- rows, and the work that keeps the clock running after closing
    rows = 0.0
    kiosk = scenario.kiosk
    if kiosk is not None:
        tickets = _safe_sum(requests.values()) if kiosk.ticket_per_service else visitors
        rows += tickets
        mean, _ = _mean_sd(kiosk.time)
        overload({"kiosk.time": _finite(tickets * mean)}, kiosk.count, mean)
    if scenario.info_desk is not None:
        desk = scenario.info_desk
        asking = visitors * desk.share
        rows += asking
        mean, _ = _mean_sd(desk.time)
        overload({"info_desk.time": _finite(asking * mean)}, desk.counters, mean)
    behaviour = scenario.behaviour
    for agency_id, agency in scenario.agencies.items():
        servers = max(1, sum(agency.counter_groups().values()))
        work: dict[str, float] = {}
        calls, longest = 0.0, 0.0
        for service_id, service in agency.services.items():
            n = requests.get(f"{agency_id}.{service_id}", 0.0)
            if n <= 0:
                continue
            stages = service.stage_list()
            rows += n * len(stages)
            calls += n * len(stages)
            for k, stage in enumerate(stages):
                mean, _ = _mean_sd(stage.time)
                path = f"agencies.{agency_id}.services.{service_id}"
                path += f".stages[{k}].time" if service.stages is not None else ".time"
                work[path] = _finite(n * mean)
                longest = max(longest, mean)
        if behaviour.no_show > 0 and calls > 0:
            work["behaviour.recall_wait"] = _finite(
                max(1.0, calls * behaviour.no_show) * behaviour.recall_wait
            )
            longest = max(longest, behaviour.recall_wait)
        overload(work, servers, longest)
    rows = _finite(rows)

    # ---- walking through the building
    n_stations = (1 if kiosk else 0) + (1 if scenario.info_desk else 0) + len(scenario.agencies)
    n_series = n_stations * SERIES_PER_STATION
    if scenario.layout is not None:
        n_series += len(scenario.layout.zones) * SERIES_PER_ZONE
        legs = 2 + 2 * max((len(v.services) for v in arrivals.mix), default=1)
        walks = {path: _finite(legs * minutes) for path, minutes in _walk_minutes(scenario).items()}

    if scenario.horizon is not None:
        span = base  # the time series covers the horizon only
    else:
        span = _finite(base + max(tails.values(), default=0.0) + _safe_sum(walks.values()))
    width = scenario.outputs.timeseries_bin
    bins = span / width + 1.0 if span / width < 1e300 else math.inf
    bins = float(math.ceil(bins)) if math.isfinite(bins) else math.inf
    series_rows = _finite(bins * n_series)
    memory = _finite(BASE_BYTES + rows * ROW_BYTES + series_rows * SERIES_ROW_BYTES)
    span_sources = {base_path: base, **tails}
    for path, minutes in walks.items():
        span_sources[path] = max(span_sources.get(path, 0.0), minutes)
    n_zones = len(scenario.layout.zones) if scenario.layout is not None else 0
    metrics = METRIC_SCOPE_BYTES * (1 + n_stations) + ZONE_ROW_BYTES * n_zones
    return Estimate(
        visitors, rows, span, bins, series_rows, memory, visitor_sources, span_sources, metrics
    )


def _walk_minutes(scenario: Scenario) -> dict[str, float]:
    """Minutes of the longest walk between two zones, by the field that makes it long."""
    layout = scenario.layout
    assert layout is not None
    centres = {z: zone.centre for z, zone in layout.zones.items()}
    levels = {z: layout.floors[zone.floor].level for z, zone in layout.zones.items()}
    xs = [c[0] for c in centres.values()]
    ys = [c[1] for c in centres.values()]
    if layout.distance == "euclidean":
        distance = math.hypot(max(xs) - min(xs), max(ys) - min(ys))
    else:
        distance = (max(xs) - min(xs)) + (max(ys) - min(ys))
    floors = max(levels.values()) - min(levels.values())
    speed, _ = _mean_sd(layout.walking_speed)
    factor = layout.priority_speed_factor if scenario.arrivals.priority_share > 0 else 1.0
    walk: dict[str, float] = {}
    if distance > 0:
        normal = math.inf if speed <= 0 else _finite(distance / speed / 60.0)
        walk["layout.walking_speed"] = normal
        if factor < 1.0 and math.isfinite(normal):
            slow = _finite(distance / (speed * factor) / 60.0) if speed * factor > 0 else math.inf
            walk["layout.priority_speed_factor"] = slow - normal  # the priority visitor's extra
    if floors > 0:
        walk["layout.floor_change.time_per_floor"] = _finite(
            floors * layout.floor_change.time_per_floor
        )
        if layout.floor_change.lift_wait is not None:
            mean, sd = _mean_sd(layout.floor_change.lift_wait)
            walk["layout.floor_change.lift_wait"] = _finite(floors * (mean + 4 * sd))
    return walk


# --------------------------------------------------------------------------- the machine


def _read_int(path: str) -> int | None:
    try:
        text = Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def available_memory() -> int | None:
    """Bytes of memory a run may still use here, or None when unknown.

    The least of: the kernel's ``MemAvailable``, the room left under this process's
    cgroup memory limit (containers) and under its address-space limit
    (``ulimit -v``).

    Returns
    -------
    int or None
        Bytes.
    """
    found: list[int] = []
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    limit = _read_int("/sys/fs/cgroup/memory.max")
    used = _read_int("/sys/fs/cgroup/memory.current")
    if limit is None:
        limit = _read_int("/sys/fs/cgroup/memory/memory.limit_in_bytes")
        used = _read_int("/sys/fs/cgroup/memory/memory.usage_in_bytes")
    if limit is not None and limit < 2**60:
        found.append(max(0, limit - (used or 0)))
    if sys.platform != "win32":
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            pages = _read_int_field("/proc/self/statm", 0)
            size = pages * os.sysconf("SC_PAGE_SIZE") if pages is not None else 0
            found.append(max(0, soft - size))
    if not found:
        try:
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            return None
    return min(found)


def _read_int_field(path: str, index: int) -> int | None:
    try:
        return int(Path(path).read_text(encoding="ascii").split()[index])
    except (OSError, ValueError, IndexError):
        return None


def format_bytes(n: float) -> str:
    """Render a byte count for people: ``"730 MB"``, ``"1.4 PB"``.

    Parameters
    ----------
    n : float
        Bytes.

    Returns
    -------
    str
        The count with a decimal unit.
    """
    if not math.isfinite(n):
        return "more than any machine has"
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit in ("B", "kB", "MB") else f"{n:.1f} {unit}"
        n /= 1000.0
    return f"{n:.1f} PB"  # pragma: no cover


def _count(n: float) -> str:
    if not math.isfinite(n):
        return "too many to count"
    return f"{n:,.0f}" if n < 1e7 else f"{n:.2g}"


def _largest(sources: dict[str, float]) -> str:
    return max(sources.items(), key=lambda item: (item[1], item[0]))[0] if sources else ""


# --------------------------------------------------------------------------- the check


def check_budget(
    scenario: Scenario,
    source: str = "",
    *,
    jobs: int = 1,
    replications: int = 1,
    keep_tables: bool = False,
    memory: int | None = None,
) -> Estimate:
    """Refuse a scenario that cannot run here; return the estimate otherwise.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    source : str
        Where the scenario came from (for messages).
    jobs : int
        Worker processes that will each run a replication at once.
    replications : int
        Replications of the run (their metrics stay in memory until the end).
    keep_tables : bool
        Whether every replication's visits and time series stay in memory too (the
        Python API's ``mppsim.run``; the command line streams them to disk).
    memory : int, optional
        Bytes available; default :func:`available_memory`.

    Returns
    -------
    Estimate
        What one replication needs.

    Raises
    ------
    ScenarioError
        Naming the field responsible, with the figures: arrival weights that cannot be
        added up, more visitors than a replication can number, a walk between two zones
        longer than a day, a replication (times ``jobs``) needing more memory than is
        available.
    MppsimError
        When the metrics of ``replications`` replications would not fit in memory.
    """
    est = estimate(scenario)
    issues: list[Issue] = []
    span_culprit = _largest(est.span_sources)
    profile = _profile_path(scenario) if scenario.calendar is not None else ""
    if profile and not math.isfinite(est.span_sources.get(profile, 0.0)):
        issues.append(
            Issue(
                profile,
                None,
                "the arrival weights add up to more than the largest number a computer "
                "holds (about 1.8e308); weights are relative, so divide them all by the "
                "same large number",
            )
        )
        return _raise(source, issues)
    walks = _walk_minutes(scenario) if scenario.layout is not None else {}
    normal = walks.get("layout.walking_speed", 0.0)
    slow = normal + walks.get("layout.priority_speed_factor", 0.0)
    if normal > MAX_WALK_MIN or slow > MAX_WALK_MIN:
        path = "layout.walking_speed" if normal > MAX_WALK_MIN else "layout.priority_speed_factor"
        who = "a visitor of mean speed" if normal > MAX_WALK_MIN else "a priority visitor"
        issues.append(
            Issue(
                path,
                None,
                f"the longest walk between two zones would take {who} "
                f"{_minutes(max(normal, slow))} (more than a day); walking speeds are metres "
                "per second (about 1.2 for an adult) and the priority factor a share of "
                "that speed, such as 0.7",
            )
        )
    if est.visitors > MAX_VISITORS:
        culprit = _largest(est.visitor_sources)
        issues.append(
            Issue(
                culprit,
                None,
                f"one replication would have about {_count(est.visitors)} visitors; "
                f"mppsim numbers at most {MAX_VISITORS:,} per replication",
            )
        )
    if issues:
        return _raise(source, issues)
    available = memory if memory is not None else available_memory()
    need = est.run_bytes(jobs)
    if available is not None and not need <= available:
        rows_memory = est.visit_rows * ROW_BYTES
        series_memory = est.series_rows * SERIES_ROW_BYTES
        per = "one replication" if jobs <= 1 else f"{jobs} replications at once (--jobs {jobs})"
        figures = (
            f"{per} would need about {format_bytes(need)} of memory and this machine has "
            f"{format_bytes(available)} available"
        )
        if series_memory > rows_memory or not math.isfinite(series_memory):
            culprit = span_culprit
            day = f"calendar.days.{scenario.calendar.day_type}" if scenario.calendar else None
            short_bin = scenario.outputs.timeseries_bin < 1.0 and est.span_min <= 7 * 1440
            if short_bin or culprit == day:  # an ordinary day cut into too many bins
                culprit = "outputs.timeseries_bin"
            message = (
                f"the time series would have {_count(est.bins)} time bins of "
                f"{scenario.outputs.timeseries_bin:g} min over {_minutes(est.span_min)} "
                f"of simulated time ({_count(est.series_rows)} rows): {figures}"
            )
        else:
            culprit = _largest(est.visitor_sources)
            message = (
                f"one replication would have about {_count(est.visitors)} visitors and "
                f"{_count(est.visit_rows)} visit rows: {figures}"
            )
            if jobs > 1 and est.replication_bytes <= available:
                message += "; use fewer --jobs"
        issues.append(Issue(culprit, None, message))
        return _raise(source, issues)
    per = est.metrics_bytes
    if keep_tables:
        per += est.visit_rows * KEPT_ROW_BYTES + est.series_rows * KEPT_SERIES_ROW_BYTES
    kept = per * replications
    if available is not None and replications > 1 and not need + kept <= available:
        fit = max(1, int((available - need) / per)) if available > need else 1
        what = "tables" if keep_tables else "per-replication metrics alone"
        raise MppsimError(
            f"{replications:,} replications would need about {format_bytes(kept)} of memory "
            f"for their {what}, and this machine has "
            f"{format_bytes(available)} available; about {fit:,} fit: run several batches "
            "with different --seed values"
        )
    return est


def _minutes(minutes: float) -> str:
    if not math.isfinite(minutes):
        return "forever"
    if minutes < 120:
        return f"{minutes:.0f} min"
    if minutes < 2 * 1440:
        return f"{minutes / 60:.0f} h"
    if minutes < 2 * 525_600:
        return f"{minutes / 1440:,.0f} days"
    return f"{minutes / 525_600:.2g} years"


def _raise(source: str, issues: list[Issue]) -> Estimate:
    raise ScenarioError(source, issues)
