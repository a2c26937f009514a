"""Properties of the day engine that hold for every small scenario.

Scenarios come from ``strategies.scenarios``. The ground truth of each visitor (its
services, counter times, patience, no-show flags) is re-drawn with ``draw_visitors``
on the same streams, so rows can be checked against what the visitor carried.

"Called" rows are those a counter called (outcome served or no_show); they have a
counter and a start. Under the ``interrupt`` break rule a served row's start is the
first start and its counter the last one, so interval checks skip rows that straddle
the start of a break of their station (only those can have been interrupted).
"""

from __future__ import annotations

import copy
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import scenarios

from mppsim.model.arrivals import Visitors, draw_visitors
from mppsim.model.compile import compile_scenario
from mppsim.model.engine import ReplicationResult, simulate_spec
from mppsim.model.spec import ModelSpec, StationSpec
from mppsim.scenario.schema import Scenario
from mppsim.streams import Streams
from mppsim.tables import KINDS, OUTCOMES, REASONS, VISIT_COLUMNS

SEEDS = st.integers(0, 10_000)
CALLED = ("served", "no_show")
EPS = 1e-9


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@dataclass
class Run:
    """One simulated replication with its spec and the visitors' ground truth."""

    data: dict[str, Any]
    spec: ModelSpec
    vis: Visitors
    result: ReplicationResult

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        """Visit rows as dicts, in (visitor, leg) order."""
        return self.result.visits.sort_values(["visitor", "leg"]).to_dict("records")

    @cached_property
    def by_visitor(self) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows:
            out[row["visitor"]].append(row)
        return out

    @cached_property
    def station_index(self) -> dict[str, int]:
        return {st.name: i for i, st in enumerate(self.spec.stations)}

    def station(self, row: dict[str, Any]) -> StationSpec:
        return self.spec.stations[self.station_index[row["station"]]]

    def service_index(self, row: dict[str, Any]) -> int:
        return self.vis.services[row["visitor"]][row["request"]]

    def stage_index(self, row: dict[str, Any]) -> int:
        stages = self.spec.services[self.service_index(row)].stages
        return [stage.name for stage in stages].index(row["stage"])

    def work(self, row: dict[str, Any]) -> float:
        """Counter time the visitor carried for this row."""
        v, kind = row["visitor"], row["kind"]
        if kind == "info_desk":
            return self.vis.info_time[v]
        if kind == "kiosk":
            return self.vis.kiosk_times[v * self.vis.width + row["request"]]
        service = self.spec.services[self.service_index(row)]
        stream = service.stages[self.stage_index(row)].stream
        return self.vis.stage_draws[stream][self.vis.draw_index[v]]

    def maybe_interrupted(self, row: dict[str, Any]) -> bool:
        """True if the row may hide an interruption (interrupt rule, straddles a break start)."""
        if self.spec.break_rule != "interrupt" or row["outcome"] not in CALLED:
            return False
        return any(
            row["start_min"] < brk.start_min < row["end_min"] for brk in self.station(row).breaks
        )


def simulate(data: dict[str, Any], seed: int = 1, replication: int = 0) -> Run:
    spec = compile_scenario(Scenario.model_validate(data))
    vis = draw_visitors(spec, Streams(seed, replication))
    return Run(data, spec, vis, simulate_spec(spec, seed, replication))


# --------------------------------------------------------------------------- (a) conservation


@given(scenarios(), SEEDS)
def test_columns_outcomes_and_reasons(data: dict[str, Any], seed: int) -> None:
    run = simulate(data, seed)
    visits = run.result.visits
    assert list(visits.columns) == list(VISIT_COLUMNS)
    assert set(visits["outcome"].astype(str)) <= set(OUTCOMES)
    assert set(visits["reason"].astype(str)) <= set(REASONS)
    assert set(visits["kind"].astype(str)) <= set(KINDS)
    turned_away = visits["outcome"] == "turned_away"
    assert (visits.loc[turned_away, "reason"] != "").all()
    assert (visits.loc[~turned_away, "reason"] == "").all()
    assert sorted(set(visits["visitor"])) == list(range(len(run.vis)))
    assert (visits["replication"] == 0).all()


@given(scenarios(), SEEDS)
def test_every_request_ends_with_one_row_per_stage_reached(data: dict[str, Any], seed: int) -> None:
    """Per visitor, in leg order: the information desk row (iff the visitor asks there),
    then per request its kiosk row (iff a kiosk pass is due) and its agency rows, one per
    stage reached: a prefix of the stages, all served but the last, which is served only
    at the last stage. A no-show (first stage only) ends the visit: later requests have
    no rows. A kiosk refusal also refuses the agency request (same reason and time)."""
    run = simulate(data, seed)
    spec, vis = run.spec, run.vis
    for v in range(len(vis)):
        rows = run.by_visitor[v]
        legs = [row["leg"] for row in rows]
        assert legs == sorted(set(legs))
        pos = 0
        if spec.info_desk is not None and not math.isnan(vis.info_time[v]):
            assert rows[0]["kind"] == "info_desk"
            assert rows[0]["request"] == -1
            pos = 1
        left = False
        for r, svc in enumerate(vis.services[v]):
            mine = [row for row in rows if row["request"] == r]
            if left:
                assert mine == []
                continue
            assert mine == rows[pos : pos + len(mine)], "requests are visited in order"
            pos += len(mine)
            kiosk_due = spec.kiosk is not None and (spec.ticket_per_service or r == 0)
            kiosk_rows = [row for row in mine if row["kind"] == "kiosk"]
            agency_rows = [row for row in mine if row["kind"] == "agency"]
            assert len(kiosk_rows) == int(kiosk_due)
            assert kiosk_rows == mine[: len(kiosk_rows)]
            service = spec.services[svc]
            names = [stage.name for stage in service.stages]
            assert 1 <= len(agency_rows) <= len(names)
            assert [row["stage"] for row in agency_rows] == names[: len(agency_rows)]
            assert {row["station"] for row in agency_rows} == {service.agency}
            assert {row["service"] for row in agency_rows} == {service.service}
            outcomes = [row["outcome"] for row in agency_rows]
            assert all(o == "served" for o in outcomes[:-1])
            if outcomes[-1] == "served":
                assert len(agency_rows) == len(names)
            if outcomes[-1] == "no_show":
                assert len(agency_rows) == 1
                left = True
            if kiosk_rows and kiosk_rows[0]["outcome"] != "served":
                kiosk, first = kiosk_rows[0], agency_rows[0]
                assert len(agency_rows) == 1
                assert (kiosk["outcome"], kiosk["reason"]) == (first["outcome"], first["reason"])
                assert kiosk["end_min"] == first["ticket_min"] == first["end_min"]
        assert pos == len(rows), "no rows besides the info desk and the requests"


@given(scenarios(), SEEDS)
def test_journey_is_continuous(data: dict[str, Any], seed: int) -> None:
    """A visitor takes the first ticket on arrival and each next one when leaving the
    previous row's queue or counter: one place at a time, no gaps."""
    run = simulate(data, seed)
    for v, rows in run.by_visitor.items():
        assert close(rows[0]["ticket_min"], max(run.vis.arrival_min[v], 0.0))
        for before, after in itertools.pairwise(rows):
            assert before["outcome"] != "no_show"
            assert close(after["ticket_min"], before["end_min"])


# --------------------------------------------------------------------------- (b) times


@given(scenarios(), SEEDS)
def test_times_are_ordered(data: dict[str, Any], seed: int) -> None:
    run = simulate(data, seed)
    for row in run.rows:
        assert row["arrival_min"] <= row["ticket_min"] + EPS
        assert row["ticket_min"] <= row["end_min"]
        if row["outcome"] in CALLED:
            assert row["ticket_min"] <= row["start_min"] <= row["end_min"]
            assert close(row["wait_min"], row["start_min"] - row["ticket_min"])
            assert row["wait_min"] >= 0
            assert 0 <= row["counter"] < run.station(row).n_servers
        else:
            assert math.isnan(row["start_min"])
            assert math.isnan(row["wait_min"])
            assert row["counter"] == -1


@given(scenarios(), SEEDS)
def test_durations_match_what_the_visitor_carried(data: dict[str, Any], seed: int) -> None:
    """Served: end - start is the drawn counter time (more if interrupted by a break);
    a visitor drawn absent is served only if called without waiting; no-show: the recall
    wait; reneged: the visitor's patience; balked or refused at the
    ticket check: no time at all. Nobody is called after running out of patience."""
    run = simulate(data, seed)
    spec, vis = run.spec, run.vis
    for row in run.rows:
        v, outcome = row["visitor"], row["outcome"]
        is_agency = row["kind"] == "agency"
        first_stage = is_agency and run.stage_index(row) == 0
        if outcome == "served":
            work, took = run.work(row), row["end_min"] - row["start_min"]
            if run.maybe_interrupted(row):
                assert took >= work - EPS
            else:
                assert close(took, work)
            if first_stage and vis.no_show[v * vis.width + row["request"]]:
                # drawn absent, yet served: only if called without a wait (or put back by
                # a break after starting, which only an interrupted row can hide)
                assert row["start_min"] == row["ticket_min"] or run.maybe_interrupted(row)
        elif outcome == "no_show":
            assert first_stage
            assert vis.no_show[v * vis.width + row["request"]]
            assert close(row["end_min"] - row["start_min"], spec.recall_wait_min)
        elif outcome == "reneged":
            assert is_agency
            assert close(row["end_min"] - row["ticket_min"], vis.patience[v])
        elif outcome == "balked":
            assert first_stage
            assert math.isfinite(run.station(row).balk_queue_length)
            assert row["end_min"] == row["ticket_min"]
        elif row["reason"] in ("quota", "closed"):
            assert row["end_min"] == row["ticket_min"]
        if outcome in CALLED and is_agency:
            assert row["wait_min"] <= vis.patience[v] + EPS


@given(scenarios(), SEEDS)
def test_counters_serve_only_their_groups(data: dict[str, Any], seed: int) -> None:
    run = simulate(data, seed)
    for row in run.rows:
        if row["outcome"] in CALLED and row["kind"] == "agency":
            stage = run.spec.services[run.service_index(row)].stages[run.stage_index(row)]
            assert row["counter"] in run.spec.stations[stage.station].queues[stage.queue].servers


# --------------------------------------------------------------------------- (c), (d) counters


@given(scenarios(), SEEDS)
def test_no_counter_serves_two_visitors_at_once(data: dict[str, Any], seed: int) -> None:
    run = simulate(data, seed)
    intervals: dict[tuple[str, int], list[tuple[float, float]]] = defaultdict(list)
    for row in run.rows:
        if row["outcome"] in CALLED and not run.maybe_interrupted(row):
            intervals[row["station"], row["counter"]].append((row["start_min"], row["end_min"]))
    for spans in intervals.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start + EPS


@given(scenarios(), SEEDS)
def test_no_start_before_opening_or_on_a_counter_on_break(data: dict[str, Any], seed: int) -> None:
    """Calls happen only while a counter is open: not before its station opens, not
    during a break that closes it, and (turn_away rule) not after closing."""
    run = simulate(data, seed)
    for row in run.rows:
        if row["outcome"] not in CALLED:
            continue
        station, start = run.station(row), row["start_min"]
        assert station.is_open
        assert start >= station.open_min
        if run.spec.at_close == "turn_away":
            # equality: a visitor refused elsewhere at the closing instant may still reach
            # this station before its own closing event at that same instant
            assert start <= station.close_min
        if run.maybe_interrupted(row):
            continue
        for brk in station.breaks:
            if row["counter"] in brk.servers:
                assert not brk.start_min <= start < brk.end_min, (row, brk)


@given(scenarios(break_rule="interrupt"), SEEDS)
def test_interrupt_rule_stops_services_at_a_break(data: dict[str, Any], seed: int) -> None:
    """Under ``interrupt``, a counter that a break closes serves nobody during it: no
    service on it ends strictly inside the break (under ``finish`` one that straddles
    the break start would). Served rows name their last counter, so a resumed service
    ends after the break on its counter or on another one."""
    run = simulate(data, seed)
    for row in run.rows:
        if row["outcome"] != "served":
            continue
        for brk in run.station(row).breaks:
            if row["counter"] in brk.servers:
                assert not brk.start_min < row["end_min"] < brk.end_min, (row, brk)


@given(scenarios(), SEEDS)
def test_only_a_visitor_who_waited_is_absent_when_called(data: dict[str, Any], seed: int) -> None:
    run = simulate(data, seed)
    for row in run.rows:
        if row["outcome"] == "no_show":
            assert row["start_min"] > row["ticket_min"], row


# --------------------------------------------------------------------------- (e) queue order


@given(scenarios(break_rule="finish"), SEEDS)
def test_first_come_first_served_within_a_class(data: dict[str, Any], seed: int) -> None:
    """Exact condition: in one queue (a service stage of an agency, or the kiosk or the
    information desk), among visitors of one priority class, an earlier ticket is called
    no later than a later one — whatever the counters, groups, reneging, balking or
    ``finish`` breaks, because a queue is only ever called from its head and a visitor
    is served on joining only if no counter of that queue is idle with someone waiting.
    It fails under the ``interrupt`` rule on purpose (an interrupted visitor goes first).
    The kiosk and the information desk have no classes. Also: a counter never calls a
    visitor while one of a better class waits in the same queue."""
    run = simulate(data, seed)
    queues: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for row in run.rows:
        if row["kind"] == "agency":
            queues[row["station"], row["service"], row["stage"]].append(row)
        else:
            queues[row["station"], "", ""].append(row)
    for key, rows in queues.items():
        called = [row for row in rows if row["outcome"] in CALLED]
        by_class: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in called:
            by_class[row["priority_class"] if key[1] else 0].append(row)
        for same in by_class.values():
            same.sort(key=lambda row: (row["ticket_min"], row["start_min"]))
            starts = [row["start_min"] for row in same]
            assert starts == sorted(starts), key
        if not key[1]:
            continue
        for row in called:
            t = row["start_min"]
            for other in called:
                if other["priority_class"] < row["priority_class"]:
                    assert not other["ticket_min"] < t < other["start_min"], (row, other)


# --------------------------------------------------------------------------- tickets


@given(scenarios(), SEEDS)
def test_ticket_checks(data: dict[str, Any], seed: int) -> None:
    """'closed' only (and always) for services that cannot be served that day; 'quota'
    only for services with a quota, never for booked visitors called first, and no more
    counted tickets than the quota; tickets issued only up to the agency's cut-off (the
    ticket time is the kiosk join time when a kiosk pass comes first)."""
    run = simulate(data, seed)
    spec = run.spec
    counted: dict[int, int] = defaultdict(int)
    for rows in run.by_visitor.values():
        for i, row in enumerate(rows):
            if row["kind"] != "agency" or run.stage_index(row) != 0:
                if row["kind"] == "kiosk":
                    assert row["reason"] in ("", "closing")
                continue
            svc = run.service_index(row)
            service, station = spec.services[svc], run.station(row)
            unstaffed = not station.is_open or any(
                not station.queues[stage.queue].servers for stage in service.stages
            )
            if row["reason"] == "closed":
                assert unstaffed
            if unstaffed:  # refused at the ticket check, or earlier at a closed kiosk
                assert row["reason"] in ("closed", "closing")
            if row["reason"] == "quota":
                assert math.isfinite(service.quota)
                assert row["priority_class"] != 1
            if row["outcome"] != "turned_away":
                if row["priority_class"] != 1:
                    counted[svc] += 1
                kiosk = rows[i - 1] if i and rows[i - 1]["kind"] == "kiosk" else None
                ticket = kiosk["ticket_min"] if kiosk else row["ticket_min"]
                assert ticket <= station.ticket_cutoff_min
    for svc, n in counted.items():
        assert n <= spec.services[svc].quota


# --------------------------------------------------------------------------- levels


def integral(times: np.ndarray, values: np.ndarray) -> float:
    return float(np.sum(np.diff(times) * values[:-1]))


@given(scenarios(), SEEDS)
def test_levels_are_consistent(data: dict[str, Any], seed: int) -> None:
    """0 <= busy <= on duty <= counters, queue >= 0, time never goes back, and every
    station ends with nobody waiting or in service."""
    run = simulate(data, seed)
    levels = run.result.levels
    assert (np.diff(levels["time_min"].to_numpy()) >= 0).all()
    for name, group in levels.groupby("station", observed=True):
        station = run.spec.stations[run.station_index[name]]
        assert station.is_open
        busy, queue, on_duty = (group[c].to_numpy() for c in ("busy", "queue", "on_duty"))
        assert (busy >= 0).all()
        assert (busy <= on_duty).all()
        assert (on_duty <= station.n_servers).all()
        assert (queue >= 0).all()
        assert busy[-1] == 0
        assert queue[-1] == 0
    assert run.result.end_min >= max((row["end_min"] for row in run.rows), default=0.0)


@given(scenarios(), SEEDS)
def test_no_counter_idles_while_someone_waits(data: dict[str, Any], seed: int) -> None:
    """At a station whose every queue is served by every counter, no counter on duty is
    idle while a visitor waits (checked on the level after all changes at each time)."""
    run = simulate(data, seed)
    levels = run.result.levels
    for name, group in levels.groupby("station", observed=True):
        station = run.spec.stations[run.station_index[name]]
        everyone = set(range(station.n_servers))
        if any(set(queue.servers) != everyone for queue in station.queues):
            continue
        settled = group.groupby("time_min").tail(1)
        waiting = settled[settled["queue"] > 0]
        assert (waiting["busy"] == waiting["on_duty"]).all(), name


@given(scenarios(break_rule="finish"), SEEDS)
def test_levels_agree_with_the_visits(data: dict[str, Any], seed: int) -> None:
    """Time-integral of a station's queue = its rows' waiting time; of its busy counters
    = its called rows' counter time (finish rule: nobody waits twice for one row)."""
    run = simulate(data, seed)
    waited: dict[str, float] = defaultdict(float)
    worked: dict[str, float] = defaultdict(float)
    for row in run.rows:
        if row["outcome"] in CALLED:
            waited[row["station"]] += row["start_min"] - row["ticket_min"]
            worked[row["station"]] += row["end_min"] - row["start_min"]
        else:
            waited[row["station"]] += row["end_min"] - row["ticket_min"]
    levels = run.result.levels
    for name in set(waited) | set(worked):
        group = levels[levels["station"] == name]
        times = group["time_min"].to_numpy()
        queue = integral(times, group["queue"].to_numpy())
        busy = integral(times, group["busy"].to_numpy())
        assert math.isclose(queue, waited[name], rel_tol=1e-6, abs_tol=1e-6), name
        assert math.isclose(busy, worked[name], rel_tol=1e-6, abs_tol=1e-6), name


# --------------------------------------------------------------------------- modes


@given(scenarios(), SEEDS)
def test_walk_ins_arrive_inside_the_arrival_window(data: dict[str, Any], seed: int) -> None:
    run = simulate(data, seed)
    edges = run.spec.arrival_edges
    for v in range(len(run.vis)):
        if not run.vis.is_appointment[v]:
            assert edges[0] <= run.vis.arrival_min[v] <= edges[-1]


@given(scenarios(horizon=True), SEEDS)
def test_horizon_mode_runs_until_empty(data: dict[str, Any], seed: int) -> None:
    """Steady state: arrivals on [0, warmup + duration], stations always open, no ticket
    refused for closing, nobody left waiting."""
    run = simulate(data, seed)
    assert run.spec.mode == "horizon"
    horizon = data["horizon"]
    assert run.spec.observe_end_min == horizon["warmup"] + horizon["duration"]
    assert all(0 <= t <= run.spec.observe_end_min for t in run.vis.arrival_min)
    assert run.result.waiting_at_close == {}
    reasons = set(run.result.visits["reason"].astype(str))
    assert reasons <= {"", "quota", "closed"}
    assert run.result.end_min >= max((row["end_min"] for row in run.rows), default=0.0)


# --------------------------------------------------------------------------- (f), (g) seeds


@given(scenarios(), SEEDS)
def test_same_seed_same_result(data: dict[str, Any], seed: int) -> None:
    spec = compile_scenario(Scenario.model_validate(data))
    first, second = simulate_spec(spec, seed, 2), simulate_spec(spec, seed, 2)
    pd.testing.assert_frame_equal(first.visits, second.visits)
    pd.testing.assert_frame_equal(first.levels, second.levels)
    assert first.waiting_at_close == second.waiting_at_close
    assert first.end_min == second.end_min


BUSY_DAY = {
    "name": "busy",
    "calendar": {"days": {"weekday": {"open": "08:00", "close": "10:00"}}},
    "arrivals": {
        "daily_visitors": 50,
        "profile": {"08:00": 2, "09:00": 1},
        "mix": [{"services": ["a.s"], "share": 2}, {"services": ["a.s", "b.t"], "share": 1}],
        "priority_share": 0.2,
    },
    "kiosk": {"count": 1, "time": {"dist": "exponential", "mean": 0.5}},
    "info_desk": {"share": 0.3, "time": {"dist": "exponential", "mean": 1}},
    "agencies": {
        "a": {"counters": 2, "services": {"s": {"time": {"dist": "exponential", "mean": 4}}}},
        "b": {
            "counters": {"docs": 1, "bio": 1},
            "services": {
                "t": {
                    "stages": [
                        {"name": "check", "time": {"dist": "exponential", "mean": 2}},
                        {"name": "bio", "time": {"dist": "uniform", "low": 1, "high": 5}},
                    ]
                }
            },
        },
    },
}


def test_replications_and_seeds_differ() -> None:
    spec = compile_scenario(Scenario.model_validate(BUSY_DAY))
    base = simulate_spec(spec, 7, 0).visits
    for other in (simulate_spec(spec, 7, 1).visits, simulate_spec(spec, 8, 0).visits):
        assert not base.equals(other)
        arrivals = base.groupby("visitor")["arrival_min"].first().to_numpy()
        other_arrivals = other.groupby("visitor")["arrival_min"].first().to_numpy()
        assert len(arrivals) != len(other_arrivals) or not np.allclose(arrivals, other_arrivals)
        served = base[base["outcome"] == "served"]
        other_served = other[other["outcome"] == "served"]
        took = (served["end_min"] - served["start_min"]).to_numpy()
        other_took = (other_served["end_min"] - other_served["start_min"]).to_numpy()
        assert len(took) != len(other_took) or not np.allclose(took, other_took)


# --------------------------------------------------------------------------- common random numbers


def counter_times(run: Run, skip: str) -> dict[tuple, float]:
    """end - start of served rows outside station ``skip``, by (visitor, request, stage)."""
    return {
        (row["visitor"], row["request"], row["station"], row["stage"]): row["end_min"]
        - row["start_min"]
        for row in run.rows
        if row["outcome"] == "served" and row["station"] != skip
    }


def retune(data: dict[str, Any], agency_id: str) -> dict[str, Any]:
    """One more counter and other service times at one agency."""
    changed = copy.deepcopy(data)
    agency = changed["agencies"][agency_id]
    if isinstance(agency["counters"], dict):
        agency["counters"]["general"] += 1
    else:
        agency["counters"] += 1
    for service in agency["services"].values():
        for stage in service.get("stages") or [service]:
            stage["time"] = {"dist": "gamma", "mean": 3.3, "cv": 0.7}
    return changed


def assert_common_random_numbers(data: dict[str, Any], seed: int, agency_id: str) -> int:
    base, changed = simulate(data, seed), simulate(retune(data, agency_id), seed)
    assert base.vis.arrival_min == changed.vis.arrival_min
    assert base.vis.services == changed.vis.services
    before, after = counter_times(base, agency_id), counter_times(changed, agency_id)
    shared = before.keys() & after.keys()
    for key in shared:
        assert close(before[key], after[key]), key
    return len(shared)


@given(scenarios(break_rule="finish"), SEEDS)
def test_other_agencies_keep_their_service_times(data: dict[str, Any], seed: int) -> None:
    """Common random numbers: more counters and other service times at one agency leave
    every other station's drawn counter times (served rows, by visitor) unchanged."""
    assume(len(data["agencies"]) >= 2)
    assert_common_random_numbers(data, seed, "ag0")


def test_other_agency_keeps_its_service_times_on_a_busy_day() -> None:
    assert assert_common_random_numbers(BUSY_DAY, 3, "a") > 10
    base, changed = simulate(BUSY_DAY, 3), simulate(retune(BUSY_DAY, "a"), 3)
    ours = {k: v for k, v in counter_times(base, "").items() if k[2] == "a"}
    theirs = {k: v for k, v in counter_times(changed, "").items() if k[2] == "a"}
    assert ours != theirs, "the retuned agency itself does change"
