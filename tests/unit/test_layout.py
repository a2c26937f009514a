"""The building layout: walking arithmetic, zone occupancy, crowding rules, variants."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import mppsim
from mppsim.errors import ScenarioError
from mppsim.model.compile import compile_scenario
from mppsim.model.engine import simulate_spec
from mppsim.scenario.loader import load_scenario_text
from mppsim.scenario.schema import Scenario
from mppsim.stats.timeweighted import binned_average

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DET = {"dist": "deterministic", "value": 1.0}  # walking speed 1 m/s


def base(daily: float = 0.0, appointments: list | None = None) -> dict:
    return {
        "name": "layout_test",
        "calendar": {"days": {"weekday": {"open": "08:00", "close": "12:00"}}},
        "arrivals": {
            "daily_visitors": daily,
            "profile": {"08:00": 1},
            "mix": [{"services": ["a.s"], "share": 1}],
            "appointments": appointments or [],
        },
        "agencies": {
            "a": {"counters": 1, "services": {"s": {"time": {"dist": "deterministic", "value": 5}}}}
        },
    }


def booked(at: str, per_slot: int = 1) -> list[dict]:
    return [
        {
            "services": ["a.s"],
            "first_slot": at,
            "last_slot": at,
            "slot_every": 60,
            "per_slot": per_slot,
            "booked_share": 1,
            "no_show": 0,
            "punctuality": {"dist": "deterministic", "value": 0},
        }
    ]


def layout(**changes) -> dict:
    spec = {
        "floors": {
            "ground": {"level": 0, "width": 50, "depth": 50},
            "upper": {"level": 2, "width": 50, "depth": 50},
        },
        "zones": {
            "lobby": {"floor": "ground", "x": 0, "y": 0, "width": 2, "depth": 2, "seats": 10},
            "hall": {"floor": "ground", "x": 30, "y": 40, "width": 2, "depth": 2, "seats": 10},
            "attic": {"floor": "upper", "x": 30, "y": 40, "width": 2, "depth": 2, "seats": 10},
        },
        "entrance": "lobby",
        "agencies": {"a": "hall"},
        "walking_speed": DET,
        "floor_change": {"time_per_floor": 1.5},
    }
    spec.update(changes)
    return spec


def run_one(data: dict, seed: int = 1) -> mppsim.model.engine.ReplicationResult:
    return simulate_spec(compile_scenario(Scenario.model_validate(data)), seed, 0)


def test_walking_time_manhattan_and_euclidean():
    # centres (1, 1) -> (31, 41): manhattan 30 + 40 = 70 m, euclidean 50 m, at 1 m/s
    for distance, metres in (("manhattan", 70.0), ("euclidean", 50.0)):
        data = base(appointments=booked("08:00")) | {"layout": layout(distance=distance)}
        visits = run_one(data).visits
        (row,) = visits.to_dict("records")
        assert row["walk_min"] == pytest.approx(metres / 60)
        assert row["ticket_min"] == pytest.approx(480 + metres / 60)
        assert row["start_min"] == pytest.approx(480 + metres / 60)
        assert row["walk_out_min"] == pytest.approx(metres / 60)


def test_floor_change_adds_time_per_floor_and_lift_wait():
    lay = layout(agencies={"a": "attic"})
    lay["floor_change"] = {
        "time_per_floor": 1.5,
        "lift_wait": {"dist": "deterministic", "value": 2},
    }
    data = base(appointments=booked("08:00")) | {"layout": lay}
    (row,) = run_one(data).visits.to_dict("records")
    assert row["walk_min"] == pytest.approx(70 / 60 + 2 * 1.5 + 2)


def test_priority_visitors_walk_slower():
    lay = layout(priority_speed_factor=0.5)
    data = base(daily=40) | {"layout": lay}
    data["arrivals"]["priority_share"] = 0.5
    visits = run_one(data).visits
    walk = visits.groupby("priority_class")["walk_min"].mean()
    assert walk[0] == pytest.approx(2 * 70 / 60)
    assert walk[2] == pytest.approx(70 / 60)


def test_zones_at_one_point_with_unlimited_seats_change_nothing():
    data = base(daily=300)
    data["behaviour"] = {"patience": {"dist": "exponential", "mean": 20}, "balk_queue_length": 15}
    data["kiosk"] = {"count": 1}
    plain = run_one(data, seed=4).visits
    lay = {
        "floors": {"ground": {"level": 0, "width": 10, "depth": 10}},
        "zones": {"here": {"floor": "ground", "x": 0, "y": 0, "seats": "unlimited"}},
        "entrance": "here",
        "kiosk": "here",
        "agencies": {"a": "here"},
    }
    with_layout = run_one(data | {"layout": lay}, seed=4).visits
    pdt.assert_frame_equal(plain, with_layout)


def test_occupancy_is_entries_minus_exits_and_never_negative():
    data = base(daily=200) | {"layout": layout()}
    data["agencies"]["a"]["counters"] = 2
    result = run_one(data, seed=3)
    log = result.zone_levels
    assert (log["occupancy"] >= 0).all()
    hall = log[log["zone"] == "hall"]
    visits = result.visits
    entered = visits["ticket_min"].to_numpy()
    left = visits["end_min"].to_numpy()
    # at every logged instant, occupancy equals visitors who entered minus those who left
    for time, occupancy in zip(hall["time_min"], hall["occupancy"], strict=True):
        present = np.sum((entered <= time) & (left > time))
        assert occupancy >= 0
        # equal at the end of the instant's changes: compare with the last entry at this time
        last = hall[hall["time_min"] == time]["occupancy"].iloc[-1]
        assert last == present
    # and the binned series integrates the same step function
    edges = np.arange(480, 721, 15.0)
    bins = binned_average(hall["time_min"].to_numpy(), hall["occupancy"].to_numpy(), edges)
    assert (bins >= 0).all()


def test_moving_the_busy_agency_upstairs_increases_walking():
    ground = mppsim.load_scenario(SCENARIOS / "mpp_kota_sedang_layout_a.yaml")
    upstairs = mppsim.load_scenario(SCENARIOS / "mpp_kota_sedang_layout_b.yaml")
    a = mppsim.run(ground, replications=5, seed=2).metrics
    b = mppsim.run(upstairs, replications=5, seed=2).metrics
    walk_a = a[a["scope"] == "mpp"]["walking_mean_min"].to_numpy()
    walk_b = b[b["scope"] == "mpp"]["walking_mean_min"].to_numpy()
    # common random numbers: the same visitors in both plans, so every day must show it
    assert np.all(walk_b > walk_a)


def test_too_few_seats_show_minutes_over_and_balking():
    lay = layout()
    lay["zones"]["hall"]["seats"] = 2
    lay["zones"]["hall"]["standing"] = 1
    data = base(daily=240) | {"layout": lay}
    overflow = mppsim.run(Scenario.model_validate(data), replications=3, seed=1)
    zone = overflow.summary["zones"]["hall"]
    assert zone["minutes_over_seats"] > 0
    assert zone["occupancy_peak"] == 3
    assert overflow.summary["agencies"]["a"]["balked"] == 0

    lay["when_full"] = "balk"
    balk = mppsim.run(Scenario.model_validate(data | {"layout": lay}), replications=3, seed=1)
    assert balk.summary["agencies"]["a"]["balked"] > 0
    reasons = balk.visits.loc[balk.visits["outcome"] == "balked", "reason"].unique()
    assert list(reasons) == ["zone_full"]


def test_layout_summary_and_timeseries(tmp_path):
    scenario = Scenario.model_validate(base(daily=100) | {"layout": layout()})
    result = mppsim.run(scenario, replications=2, seed=1)
    assert set(result.summary["zones"]) == {"lobby", "hall", "attic"}
    for key in ("occupancy_peak", "occupancy_mean", "seats", "minutes_over_seats"):
        assert key in result.summary["zones"]["hall"]
        assert f"{key}_ci95" in result.summary["zones"]["hall"]
    assert result.summary["mpp"]["walking_mean_min"] > 0
    series = result.timeseries
    occupancy = series[series["metric"] == "occupancy"]
    assert set(occupancy["entity"].unique()) == {"lobby", "hall", "attic"}
    hall = series[series["entity"] == "hall"].pivot_table(
        index=["replication", "time_min"], columns="metric", values="value", observed=True
    )
    np.testing.assert_allclose(hall["seated"] + hall["standing"], hall["occupancy"])
    assert (hall["seated"] <= 10 + 1e-9).all()
    folder = mppsim.write_run(result, tmp_path / "out")
    assert (folder / "floor_plan.png").stat().st_size > 10_000
    visits = pd.read_parquet(folder / "visits.parquet")
    assert {"walk_min", "walk_out_min"} <= set(visits.columns)


BAD_LAYOUT = """\
name: bad
calendar:
  days:
    weekday: {open: "08:00", close: "10:00"}
arrivals:
  daily_visitors: 10
  profile: {"08:00": 1}
  mix: [{services: [a.s], share: 1}]
agencies:
  a: {counters: 1, services: {s: {time: {dist: exponential, mean: 5}}}}
layout:
  floors:
    ground: {level: 0, width: 20, depth: 20}
  zones:
    hall: {floor: ground, x: 15, y: 0, width: 10, depth: 5, seats: 10}
    lobby: {floor: ground, x: 0, y: 0, seats: -3}
  entrance: lobby
  agencies:
    a: cellar
"""


def test_layout_errors_name_field_and_line():
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(BAD_LAYOUT, "bad.yaml")
    assert "bad.yaml:16: layout.zones.lobby.seats: must be >= 0" in str(caught.value)
    # cross-field checks run once every field is valid on its own (pydantic's order)
    fixed = BAD_LAYOUT.replace("seats: -3", "seats: 3")
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(fixed, "bad.yaml")
    text = str(caught.value)
    assert "bad.yaml:15: layout.zones.hall: lies outside floor 'ground'" in text
    assert "bad.yaml:19: layout.agencies.a: unknown zone 'cellar'" in text


def test_extends_merges_over_the_base(tmp_path):
    (tmp_path / "base.yaml").write_text(
        (SCENARIOS.parent / "tests" / "data" / "good_tiny.yaml").read_text(), encoding="utf-8"
    )
    (tmp_path / "variant.yaml").write_text(
        "extends: base.yaml\nname: variant\nagencies:\n  dukcapil:\n    counters: 5\n",
        encoding="utf-8",
    )
    variant = mppsim.load_scenario(tmp_path / "variant.yaml")
    assert variant.name == "variant"
    assert variant.agencies["dukcapil"].counters == 5
    assert "ktp" in variant.agencies["dukcapil"].services  # kept from the base
    (tmp_path / "loop.yaml").write_text("extends: loop.yaml\nname: loop\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="extends itself"):
        mppsim.load_scenario(tmp_path / "loop.yaml")
    (tmp_path / "missing.yaml").write_text("extends: nowhere.yaml\nname: x\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="file not found"):
        mppsim.load_scenario(tmp_path / "missing.yaml")


def test_layout_variants_differ_only_in_layout():
    a = mppsim.load_scenario(SCENARIOS / "mpp_kota_sedang_layout_a.yaml")
    b = mppsim.load_scenario(SCENARIOS / "mpp_kota_sedang_layout_b.yaml")
    base_scenario = mppsim.load_scenario(SCENARIOS / "mpp_kota_sedang.yaml")
    skip = {"name", "description", "layout", "sources"}
    for variant in (a, b):
        dumped = variant.model_dump(exclude=skip)
        assert dumped == base_scenario.model_dump(exclude=skip)
    assert a.layout.model_dump(exclude={"agencies"}) == b.layout.model_dump(exclude={"agencies"})
    assert copy.deepcopy(a.layout.agencies) != b.layout.agencies
