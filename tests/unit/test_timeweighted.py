from __future__ import annotations

import itertools

import numpy as np
import pytest

from mppsim.stats.timeweighted import (
    binned_average,
    integral,
    level_max,
    time_above,
    time_average,
)

# level 1 on [0, 2), 3 on [2, 5), 0 from 5 on
TIMES = [0.0, 2.0, 5.0]
VALUES = [1.0, 3.0, 0.0]

# simultaneous entries at t = 1: only the last (2) counts
SIM_TIMES = [0.0, 1.0, 1.0, 1.0, 3.0]
SIM_VALUES = [1.0, 5.0, 9.0, 2.0, 0.0]


def brute_level(times: np.ndarray, values: np.ndarray, x: float, initial: float) -> float:
    level = initial
    for t, v in zip(times, values, strict=True):
        if t <= x:
            level = v
        else:
            break
    return level


def brute_integral(
    times: np.ndarray, values: np.ndarray, start: float, end: float, initial: float
) -> float:
    """Loop over the breakpoints inside [start, end]."""
    points = sorted({start, end, *(t for t in times if start < t < end)})
    return sum(
        brute_level(times, values, a, initial) * (b - a) for a, b in itertools.pairwise(points)
    )


# --------------------------------------------------------------------------- integral / mean


def test_integral_and_average_full_window() -> None:
    assert integral(TIMES, VALUES, 0.0, 10.0) == pytest.approx(11.0)
    assert time_average(TIMES, VALUES, 0.0, 10.0) == pytest.approx(1.1)


def test_window_cuts_inside_steps() -> None:
    assert integral(TIMES, VALUES, 1.0, 4.0) == pytest.approx(7.0)
    assert time_average(TIMES, VALUES, 1.0, 4.0) == pytest.approx(7.0 / 3.0)
    assert time_average(TIMES, VALUES, 2.5, 4.5) == pytest.approx(3.0)
    assert integral(TIMES, VALUES, 3.0, 3.0) == 0.0


def test_window_before_and_after_log() -> None:
    assert integral(TIMES, VALUES, -3.0, 1.0, initial=2.0) == pytest.approx(7.0)
    assert time_average(TIMES, VALUES, -3.0, -1.0, initial=2.0) == pytest.approx(2.0)
    assert time_average(TIMES, VALUES, 6.0, 9.0) == 0.0
    assert time_average([0.0], [4.0], 10.0, 20.0) == pytest.approx(4.0)


def test_simultaneous_entries_last_wins() -> None:
    assert integral(SIM_TIMES, SIM_VALUES, 0.0, 4.0) == pytest.approx(1.0 + 2.0 * 2.0)
    assert time_average(SIM_TIMES, SIM_VALUES, 1.0, 3.0) == pytest.approx(2.0)


def test_empty_log_uses_initial() -> None:
    assert integral([], [], 2.0, 5.0) == 0.0
    assert integral([], [], 2.0, 5.0, initial=1.5) == pytest.approx(4.5)
    assert time_average([], [], 0.0, 8.0, initial=3.0) == pytest.approx(3.0)
    assert level_max([], [], 0.0, 8.0, initial=3.0) == 3.0
    assert time_above([], [], 2.0, 0.0, 8.0, initial=3.0) == pytest.approx(8.0)
    assert binned_average([], [], [0.0, 1.0, 3.0], initial=2.0).tolist() == [2.0, 2.0]


# --------------------------------------------------------------------------- max / above


def test_level_max() -> None:
    assert level_max(TIMES, VALUES, 0.0, 10.0) == 3.0
    assert level_max(TIMES, VALUES, 0.0, 1.9) == 1.0
    assert level_max(TIMES, VALUES, 5.5, 10.0) == 0.0
    assert level_max(TIMES, VALUES, 3.0, 3.0) == 3.0
    # closed window: the level set exactly at `end` counts
    assert level_max(TIMES, VALUES, 0.0, 2.0) == 3.0
    assert level_max(TIMES, VALUES, -5.0, -1.0, initial=7.0) == 7.0
    assert level_max(TIMES, VALUES, -5.0, 1.0, initial=-1.0) == 1.0


def test_level_max_ignores_zero_duration_entries() -> None:
    assert level_max(SIM_TIMES, SIM_VALUES, 0.0, 4.0) == 2.0
    assert level_max(SIM_TIMES, SIM_VALUES, 0.5, 1.0) == 2.0
    assert level_max(SIM_TIMES, SIM_VALUES, 0.0, 0.9) == 1.0
    assert level_max(SIM_TIMES, SIM_VALUES, 1.0, 2.0) == 2.0


def test_time_above() -> None:
    assert time_above(TIMES, VALUES, 1.0, 0.0, 10.0) == pytest.approx(3.0)
    assert time_above(TIMES, VALUES, 0.5, 0.0, 10.0) == pytest.approx(5.0)
    assert time_above(TIMES, VALUES, 3.0, 0.0, 10.0) == 0.0  # strictly greater
    assert time_above(TIMES, VALUES, 1.0, -2.0, 10.0, initial=2.0) == pytest.approx(5.0)
    assert time_above(TIMES, VALUES, 2.0, 3.0, 4.0) == pytest.approx(1.0)
    assert time_above(SIM_TIMES, SIM_VALUES, 4.0, 0.0, 4.0) == 0.0
    assert time_above(TIMES, VALUES, -1.0, 0.0, 10.0) == pytest.approx(10.0)


# --------------------------------------------------------------------------- binned


def test_binned_average_hand_case() -> None:
    out = binned_average(TIMES, VALUES, [-2.0, 0.0, 1.0, 3.0, 6.0], initial=4.0)
    assert out == pytest.approx([4.0, 1.0, (1.0 + 3.0) / 2.0, (3.0 * 2.0) / 3.0])
    sim = binned_average(SIM_TIMES, SIM_VALUES, [0.0, 1.0, 2.0, 5.0])
    assert sim == pytest.approx([1.0, 2.0, 2.0 / 3.0])


def test_binned_average_matches_brute_force() -> None:
    rng = np.random.default_rng(3)
    times = np.sort(np.round(rng.uniform(0.0, 100.0, 300), 1))  # rounding -> ties
    values = rng.integers(0, 10, times.size).astype(float)
    edges = np.sort(rng.choice(np.arange(-10.0, 115.0, 0.5), 40, replace=False))
    initial = 2.5
    got = binned_average(times, values, edges, initial=initial)
    want = [
        brute_integral(times, values, a, b, initial) / (b - a) for a, b in itertools.pairwise(edges)
    ]
    assert got == pytest.approx(want, rel=1e-9, abs=1e-9)
    for a, b, g in zip(edges[:-1], edges[1:], got, strict=True):
        assert time_average(times, values, a, b, initial) == pytest.approx(g, rel=1e-9)


def test_random_window_functions_match_brute_force() -> None:
    rng = np.random.default_rng(11)
    times = np.sort(np.round(rng.uniform(0.0, 50.0, 120), 0))
    values = rng.normal(size=times.size)
    for _ in range(20):
        start, end = np.sort(rng.uniform(-5.0, 55.0, 2))
        assert integral(times, values, start, end, 0.3) == pytest.approx(
            brute_integral(times, values, start, end, 0.3), abs=1e-9
        )
        above = brute_integral(times, (values > 0.2).astype(float), start, end, 1.0)
        assert time_above(times, values, 0.2, start, end, 0.3) == pytest.approx(above, abs=1e-9)
        points = [start, *(t for t in times if start < t <= end)]
        want_max = max(brute_level(times, values, x, 0.3) for x in points)
        assert level_max(times, values, start, end, 0.3) == want_max


def test_binned_average_large_log_is_consistent() -> None:
    rng = np.random.default_rng(5)
    n = 100_000
    times = np.cumsum(rng.exponential(0.5, n))
    values = rng.integers(0, 30, n).astype(float)
    edges = np.linspace(0.0, times[-1] + 1.0, 601)
    out = binned_average(times, values, edges)
    assert out.shape == (600,)
    total = np.sum(out * np.diff(edges))
    assert total == pytest.approx(integral(times, values, edges[0], edges[-1]), rel=1e-9)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: integral([0.0, 2.0, 1.0], [1.0, 2.0, 3.0], 0.0, 3.0), "non-decreasing"),
        (lambda: integral([0.0, 1.0], [1.0], 0.0, 3.0), "differ in length"),
        (lambda: integral([0.0, 1.0], [1.0, 2.0], 3.0, 0.0), "must be >= start"),
        (lambda: integral([0.0, np.nan], [1.0, 2.0], 0.0, 3.0), "finite"),
        (lambda: time_average([0.0], [1.0], 2.0, 2.0), "end > start"),
        (lambda: level_max([0.0], [1.0], 2.0, 1.0), "must be >= start"),
        (lambda: time_above([0.0], [1.0], 0.5, 2.0, 1.0), "must be >= start"),
        (lambda: binned_average([0.0], [1.0], [0.0]), "at least two"),
        (lambda: binned_average([0.0], [1.0], [0.0, 2.0, 2.0]), "strictly increasing"),
        (lambda: binned_average([[0.0]], [[1.0]], [0.0, 1.0]), "one-dimensional"),
    ],
)
def test_invalid_input_raises(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()
