"""Sweeps and comparisons: common random numbers, the same tables on any executor."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas.testing as pdt
import pytest
from scipy import stats

import mppsim
from mppsim.errors import MppsimError
from mppsim.experiment.sweep import chunks, run_points
from mppsim.stats.paired import holm, paired_difference

GOOD = Path(__file__).resolve().parents[1] / "data" / "good_tiny.yaml"
VARY = {"agencies.dukcapil.counters": "1..3", "arrivals.daily_visitors": "x0.5,x1.0"}


@pytest.fixture(scope="module")
def base():
    return mppsim.load_scenario(GOOD)


@pytest.fixture(scope="module")
def alone(base):
    return mppsim.sweep(base, VARY, replications=5, seed=3)


def test_chunks_cover_every_replication_once_in_order():
    assert chunks(5, 2) == [[0, 1], [2, 3], [4]]
    assert [r for c in chunks(30, 8) for r in c] == list(range(30))
    assert max(len(c) for c in chunks(30, 8)) <= 8
    assert chunks(1, 8) == [[0]]


def test_tables_shape(alone):
    assert list(alone.design.columns) == ["point", *VARY]
    assert len(alone.design) == 6
    scopes = alone.points.groupby("point")["scope"].nunique()
    assert (scopes == scopes.iloc[0]).all()
    assert len(alone.points) == 6 * 5 * scopes.iloc[0]
    assert list(alone.points.columns[:6]) == ["point", *VARY, "replication", "scope", "kind"][:6]
    means = alone.points.groupby(["point", "scope"], sort=False)["wait_mean_min"].mean()
    summary = alone.summary.set_index(["point", "scope"])["wait_mean_min"]
    pdt.assert_series_equal(means, summary.loc[means.index], check_names=False)
    assert (alone.summary["replications"] == 5).all()
    assert "wait_mean_min_ci95" in alone.summary


def test_common_random_numbers_across_points(alone):
    """Counters do not change who comes: arrivals of replication r agree across points."""
    mpp = alone.points[alone.points["scope"] == "mpp"]
    for _, group in mpp.groupby("arrivals.daily_visitors"):
        table = group.pivot_table(index="replication", columns="point", values="arrivals")
        assert table.eq(table.iloc[:, 0], axis=0).all().all()
        waits = group.pivot_table(index="replication", columns="point", values="wait_mean_min")
        # more counters, never a longer mean wait in the same replication here
        assert (waits.diff(axis=1).iloc[:, 1:].fillna(0) <= 1e-9).all().all()


def test_any_executor_any_chunking_gives_the_same_tables(base, alone):
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = mppsim.sweep(base, VARY, 5, 3, pool, chunk_runs=2)
    with ThreadPoolExecutor(max_workers=3) as pool:
        threads = mppsim.sweep(base, VARY, 5, 3, pool, chunk_runs=1, in_flight=2)
    for other in (parallel, threads):
        pdt.assert_frame_equal(alone.points, other.points)
        pdt.assert_frame_equal(alone.summary, other.summary)


def test_finished_points_are_not_run_again(base, alone):
    scenarios = [mppsim.load_scenario(GOOD, [f"agencies.dukcapil.counters={c}"]) for c in (1, 2)]
    full = run_points(scenarios, 4, 1)
    seen = []
    resumed = run_points(scenarios, 4, 1, done={0: full[0]}, on_point=lambda i, t: seen.append(i))
    assert seen == [1]
    for a, b in zip(full, resumed, strict=True):
        pdt.assert_frame_equal(a, b)


def test_compare_the_same_plan_twice_finds_no_difference(base):
    result = mppsim.compare([base, base], replications=4, seed=2)
    assert result.plans == ("tiny", "tiny#2")
    second = result.table[result.table["plan"] == "tiny#2"]
    assert (second["diff"] == 0).all()
    assert not second["significant"].any()


def test_compare_finds_more_counters(base):
    more = mppsim.load_scenario(GOOD, ["agencies.dukcapil.counters=4", "name=more"])
    result = mppsim.compare([base, more], replications=6, seed=2)
    table = result.table.set_index(["scope", "figure", "plan"])
    assert table.loc[("dukcapil", "counters", "more"), "diff"] == 2
    assert table.loc[("dukcapil", "counters", "more"), "significant"]
    assert table.loc[("dukcapil", "wait_mean_min", "more"), "diff"] < 0
    assert table.loc[("mpp", "arrivals", "more"), "diff"] == 0  # the same visitors
    assert table.loc[("dukcapil", "visitors_per_counter", "tiny"), "mean"] == pytest.approx(
        table.loc[("dukcapil", "arrivals", "tiny"), "mean"] / 2
    )
    assert "walking_mean_min" not in set(result.table["figure"])  # no layout in either plan
    tested = result.table["p_value"].notna()
    assert result.table.loc[tested, "p_holm"].ge(result.table.loc[tested, "p_value"]).all()


def test_compare_per_population(base):
    with pytest.raises(MppsimError, match="no population"):
        mppsim.compare([base, base], replications=2, per=100_000)
    city = (
        "city={name: Kota Contoh, province: Jawa Barat, kind: kota, "
        "population: {value: 50000, source: test, year: 2020}}"
    )
    small = mppsim.load_scenario(GOOD, [city])
    raw = mppsim.compare([small, small], replications=3, seed=1)
    per = mppsim.compare([small, small], replications=3, seed=1, per=100_000)
    pick = ["scope", "figure", "plan"]
    a = raw.table.set_index(pick)["mean"]
    b = per.table.set_index(pick)["mean"]
    assert b[("mpp", "arrivals", "tiny")] == pytest.approx(2 * a[("mpp", "arrivals", "tiny")])
    assert b[("mpp", "wait_mean_min", "tiny")] == a[("mpp", "wait_mean_min", "tiny")]


def test_compare_standard_changes_within_standard_only(base):
    loose = mppsim.compare([base, base], replications=3, seed=1, standard_min=60)
    strict = mppsim.compare([base, base], replications=3, seed=1, standard_min=1)
    get = lambda c: c.table.set_index(["scope", "figure", "plan"])["mean"]
    key = ("mpp", "within_standard", "tiny")
    assert get(loose)[key] >= get(strict)[key]
    assert (
        get(loose)[("mpp", "wait_mean_min", "tiny")]
        == get(strict)[("mpp", "wait_mean_min", "tiny")]
    )


def test_paired_difference_matches_scipy_paired_t_test():
    rng = np.random.default_rng(5)
    a = rng.normal(10, 2, size=12)
    b = a + rng.normal(0.5, 1, size=12)
    mean, half, p, n = paired_difference(a, b)
    assert n == 12
    assert mean == pytest.approx(np.mean(b - a))
    assert p == pytest.approx(stats.ttest_rel(b, a).pvalue, rel=1e-9)
    low, high = stats.t.interval(0.95, 11, loc=mean, scale=stats.sem(b - a))
    assert half == pytest.approx((high - low) / 2, rel=1e-9)


def test_holm_adjusts_step_down():
    adjusted = holm([0.01, 0.04, np.nan, 0.03, 0.2])
    # sorted 0.01, 0.03, 0.04, 0.2 with m = 4: 0.04, 0.09, max(0.09, 0.08), 0.2
    assert adjusted[0] == pytest.approx(0.04)
    assert adjusted[3] == pytest.approx(0.09)
    assert adjusted[1] == pytest.approx(0.09)
    assert adjusted[4] == pytest.approx(0.2)
    assert np.isnan(adjusted[2])
