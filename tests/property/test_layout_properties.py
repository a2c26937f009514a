"""Properties of runs with a building layout: walking, occupancy, crowding rules."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from strategies import scenarios

from mppsim.model.compile import compile_scenario
from mppsim.model.engine import simulate_spec
from mppsim.scenario.schema import Scenario
from mppsim.tables import OUTCOMES

SEEDS = st.integers(0, 2**16)


def run(data: dict[str, Any], seed: int):
    scenario = Scenario.model_validate(data)
    return scenario, simulate_spec(compile_scenario(scenario), seed, 0)


@given(scenarios(layout=True), SEEDS)
def test_rows_end_once_and_walks_are_ordered(data, seed):
    _, result = run(data, seed)
    visits = result.visits
    assert visits["outcome"].isin(OUTCOMES).all()
    assert (visits["walk_min"] >= 0).all()
    assert (visits["walk_out_min"] >= 0).all()
    assert (visits["ticket_min"] >= visits["arrival_min"]).all()
    zone_full = visits["reason"] == "zone_full"
    assert (visits.loc[zone_full, "outcome"] == "balked").all()
    if data["layout"]["when_full"] == "overflow":
        assert not zone_full.any()
    # the walk out of the building is on each visitor's last row only
    last = visits.groupby("visitor")["leg"].transform("max") == visits["leg"]
    assert (visits.loc[~last, "walk_out_min"] == 0).all()


@given(scenarios(layout=True), SEEDS)
def test_each_step_starts_after_the_walk_from_the_previous(data, seed):
    _, result = run(data, seed)
    visits = result.visits.sort_values(["visitor", "leg"])
    for _, rows in visits.groupby("visitor"):
        previous_end = rows["arrival_min"].iloc[0]
        for row in rows.itertuples():
            if row.walk_min > 0:
                assert np.isclose(row.ticket_min, previous_end + row.walk_min)
            previous_end = row.end_min


@given(scenarios(layout=True), SEEDS)
def test_occupancy_stays_within_capacity_and_empties(data, seed):
    scenario, result = run(data, seed)
    layout = scenario.layout
    log = result.zone_levels
    assert (log["occupancy"] >= 0).all()
    for zone, rows in log.groupby("zone", observed=True):
        assert rows["occupancy"].iloc[-1] == 0, "everyone has left at the end"
        if zone != layout.overflow_zone:
            assert rows["occupancy"].max() <= layout.zone_capacity(zone)
