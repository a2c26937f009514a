"""One worker or two: the same tables, row for row."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas.testing as pdt

import mppsim

GOOD = Path(__file__).resolve().parents[1] / "data" / "good_tiny.yaml"


def test_two_workers_give_the_same_tables_as_one():
    scenario = mppsim.load_scenario(GOOD, ["arrivals.daily_visitors=120"])
    alone = mppsim.run(scenario, replications=4, seed=9)
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = mppsim.run(scenario, replications=4, seed=9, executor=pool)
    pdt.assert_frame_equal(alone.visits, parallel.visits)
    pdt.assert_frame_equal(alone.metrics, parallel.metrics)
    pdt.assert_frame_equal(alone.timeseries, parallel.timeseries)
    assert alone.summary == parallel.summary
