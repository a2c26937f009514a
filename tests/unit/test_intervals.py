from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mppsim.stats.intervals import ci_suffix, mean_ci, summarize


def test_mean_ci_exact_small_case() -> None:
    mean, half = mean_ci([1.0, 2.0, 3.0])
    assert mean == pytest.approx(2.0)
    # s = 1, n = 3
    assert half == pytest.approx(stats.t.ppf(0.975, 2) / math.sqrt(3.0), rel=1e-12)
    assert half == pytest.approx(4.302652729911275 / math.sqrt(3.0), rel=1e-9)


def test_mean_ci_other_level() -> None:
    values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
    mean, half = mean_ci(values, level=0.99)
    s = np.std(values, ddof=1)
    assert mean == pytest.approx(5.0)
    assert half == pytest.approx(stats.t.ppf(0.995, 7) * s / math.sqrt(8.0))
    assert mean_ci(values, 0.9)[1] < mean_ci(values, 0.95)[1] < half


def test_mean_ci_drops_nan() -> None:
    assert mean_ci([1.0, np.nan, 2.0, 3.0, np.nan]) == pytest.approx(mean_ci([1.0, 2.0, 3.0]))


def test_mean_ci_single_and_empty() -> None:
    mean, half = mean_ci([4.5])
    assert mean == 4.5
    assert math.isnan(half)
    mean, half = mean_ci([np.nan, 4.5])
    assert mean == 4.5
    assert math.isnan(half)
    for empty in ([], [np.nan, np.nan]):
        mean, half = mean_ci(empty)
        assert math.isnan(mean)
        assert math.isnan(half)


def test_mean_ci_constant_values_zero_width() -> None:
    assert mean_ci([3.0, 3.0, 3.0]) == (3.0, 0.0)


def test_mean_ci_returns_python_floats() -> None:
    mean, half = mean_ci(np.array([1.0, 2.0]))
    assert type(mean) is float
    assert type(half) is float


@pytest.mark.parametrize("level", [0.0, 1.0, -0.5, 95.0])
def test_mean_ci_invalid_level(level: float) -> None:
    with pytest.raises(ValueError, match="level"):
        mean_ci([1.0, 2.0], level=level)


def test_ci_suffix() -> None:
    assert ci_suffix(0.95) == "_ci95"
    assert ci_suffix(0.99) == "_ci99"
    assert ci_suffix(0.9) == "_ci90"
    assert ci_suffix(0.995) == "_ci99_5"


@pytest.fixture
def replications() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": ["b", "b", "b", "a", "a", "a", "a"],
            "policy": ["x", "x", "y", "x", "x", "x", "x"],
            "rep": [0, 1, 0, 0, 1, 2, 3],
            "wait": [1.0, 3.0, 5.0, 2.0, 4.0, 6.0, np.nan],
            "served": [10, 12, 11, 20, 22, 24, 26],
        }
    )


def test_summarize_with_groups(replications: pd.DataFrame) -> None:
    out = summarize(replications, ["scenario", "policy"], ["wait", "served"])
    assert list(out.columns) == [
        "scenario",
        "policy",
        "wait",
        "wait_ci95",
        "served",
        "served_ci95",
    ]
    assert out[["scenario", "policy"]].to_numpy().tolist() == [
        ["a", "x"],
        ["b", "x"],
        ["b", "y"],
    ]
    assert list(out.index) == [0, 1, 2]
    for row, (scenario, policy) in zip(
        out.itertuples(index=False), [("a", "x"), ("b", "x"), ("b", "y")], strict=True
    ):
        sub = replications[
            (replications["scenario"] == scenario) & (replications["policy"] == policy)
        ]
        for col in ("wait", "served"):
            mean, half = mean_ci(sub[col])
            assert getattr(row, col) == pytest.approx(mean)
            if math.isnan(half):
                assert math.isnan(getattr(row, col + "_ci95"))
            else:
                assert getattr(row, col + "_ci95") == pytest.approx(half)
    # group (a, x) has a NaN wait: three values remain
    assert out.loc[0, "wait_ci95"] == pytest.approx(stats.t.ppf(0.975, 2) * 2.0 / math.sqrt(3))


def test_summarize_single_key(replications: pd.DataFrame) -> None:
    out = summarize(replications, ["scenario"], ["served"], level=0.99)
    assert list(out.columns) == ["scenario", "served", "served_ci99"]
    assert out["scenario"].tolist() == ["a", "b"]
    assert out["served"].tolist() == pytest.approx([23.0, 11.0])
    assert out["served_ci99"].tolist() == pytest.approx(
        [mean_ci([20, 22, 24, 26], 0.99)[1], mean_ci([10, 12, 11], 0.99)[1]]
    )


def test_summarize_without_groups(replications: pd.DataFrame) -> None:
    out = summarize(replications, [], ["wait", "served"])
    assert list(out.columns) == ["wait", "wait_ci95", "served", "served_ci95"]
    assert len(out) == 1
    mean, half = mean_ci(replications["wait"])
    assert out.loc[0, "wait"] == pytest.approx(mean)
    assert out.loc[0, "wait_ci95"] == pytest.approx(half)


def test_summarize_single_replication_gives_nan_width() -> None:
    frame = pd.DataFrame({"g": [1, 2, 2], "v": [1.0, 2.0, 4.0]})
    out = summarize(frame, ["g"], ["v"])
    assert math.isnan(out.loc[0, "v_ci95"])
    assert out.loc[1, "v_ci95"] == pytest.approx(mean_ci([2.0, 4.0])[1])


def test_summarize_missing_column(replications: pd.DataFrame) -> None:
    with pytest.raises(KeyError, match="nope"):
        summarize(replications, ["scenario"], ["nope"])
