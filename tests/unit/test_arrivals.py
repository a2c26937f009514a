"""The walk-in arrival process: interval counts against the profile, exactly per interval."""

from __future__ import annotations

import numpy as np
from scipy import stats

from mppsim.model.arrivals import walk_in_times
from mppsim.streams import Streams

# 07:30-08:00 opening burst, a 10-minute peak at 08:00, then a flat and a zero interval
EDGES = (450.0, 480.0, 490.0, 540.0, 600.0, 660.0)
RATES = (0.5, 6.0, 1.0, 0.0, 2.0)  # per minute
N_DAYS = 3000


def counts_per_interval() -> np.ndarray:
    counts = np.empty((N_DAYS, len(RATES)))
    for day in range(N_DAYS):
        times = walk_in_times(EDGES, RATES, Streams(11, day)["arrivals/walk_in"])
        assert np.all(np.diff(times) >= 0), "arrivals must be sorted"
        assert times.size == 0 or (times[0] >= EDGES[0] and times[-1] < EDGES[-1])
        counts[day] = np.histogram(times, bins=EDGES)[0]
    return counts


def test_interval_counts_match_the_profile():
    """Each interval's count is Poisson with mean rate x length, short peaks included.

    Tolerance: the 99.9% normal interval of the mean over N_DAYS days (variance = mean
    for Poisson); the variance-to-mean ratio within the 99.9% chi-square band.
    """
    counts = counts_per_interval()
    expected = np.asarray(RATES) * np.diff(EDGES)
    z = stats.norm.ppf(0.9995)
    for i, mean in enumerate(expected):
        if mean == 0:
            assert counts[:, i].sum() == 0, "no arrivals in a zero-rate interval"
            continue
        half = z * np.sqrt(mean / N_DAYS)
        assert abs(counts[:, i].mean() - mean) < half, (i, counts[:, i].mean(), mean)
        ratio = counts[:, i].var(ddof=1) / mean
        lo, hi = stats.chi2.ppf([0.0005, 0.9995], N_DAYS - 1) / (N_DAYS - 1)
        assert lo < ratio < hi, (i, ratio)


def test_times_are_uniform_inside_an_interval():
    """Within the 10-minute peak, arrival times are uniform (Kolmogorov-Smirnov, 0.1%)."""
    peak = []
    for day in range(300):
        times = walk_in_times(EDGES, RATES, Streams(5, day)["arrivals/walk_in"])
        peak.append(times[(times >= 480.0) & (times < 490.0)])
    sample = (np.concatenate(peak) - 480.0) / 10.0
    assert stats.kstest(sample, "uniform").pvalue > 0.001
