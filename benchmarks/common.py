"""Workload parameters, the Result type and the statistics shared by every implementation.

Workloads (times in minutes):

* W1, M/M/c: Poisson arrivals at ``W1_RATE`` per minute, ``W1_SERVERS`` servers,
  exponential service of mean ``1 / W1_MU``, FCFS.
* W2, an MPP-like network: Poisson arrivals (1.0/min; 6.0/min for W2-overload) ->
  a kiosk with 2 servers, exponential mean 0.5 min -> one of 5 agencies chosen with
  probabilities ``W2_SHARES``; agency ``k`` has ``W2_COUNTERS[k]`` counters and
  lognormal service with mean ``W2_MEANS[k]`` and CV 0.6; FCFS everywhere.

How every implementation stops (the same rule everywhere, because it is the only one
mppsim's horizon mode has): arrivals form a Poisson process on ``[0, T)`` with
``T = n / rate`` (so ``n`` customers are expected); no one arrives after ``T``; the
model then runs until the system is empty, so every customer who arrived is served.
"customers" is the number who arrived (= served).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

W1_SERVERS = 5
W1_RATE = 4.5  # per minute
W1_MU = 1.0  # per minute
W1_STATION = "mmc"

W2_RATE = 1.0  # per minute
W2_OVERLOAD_RATE = 6.0  # per minute
W2_KIOSK_SERVERS = 2
W2_KIOSK_MEAN = 0.5
W2_AGENCIES = ("ag1", "ag2", "ag3", "ag4", "ag5")
W2_SHARES = (0.30, 0.25, 0.20, 0.15, 0.10)
W2_COUNTERS = (3, 2, 2, 2, 1)
W2_MEANS = (4.0, 6.0, 5.0, 7.0, 8.0)
W2_CV = 0.6
W2_STATIONS = ("kiosk", *W2_AGENCIES)

N_BATCHES = 10
"""Batches per run (by order of arrival at the station) for the batch-means standard error."""

MIN_BATCH = 200
"""Fewer batches when a run has few customers at a station: a batch must be this long,
so that batch means are nearly independent (one batch, the run mean, at the least)."""

WARMUP_FRACTION = 0.05
"""Customers arriving at a station in the first 5% of the horizon are left out of the batches."""


def lognormal_params(mean: float, cv: float) -> tuple[float, float]:
    """Return ``(mu, sigma)`` of the underlying normal for a lognormal with this mean and CV."""
    s2 = math.log1p(cv * cv)
    return math.log(mean) - 0.5 * s2, math.sqrt(s2)


W2_LOGNORMAL = tuple(lognormal_params(m, W2_CV) for m in W2_MEANS)


def horizon(n_customers: int, rate: float) -> float:
    """Return the arrival horizon ``T`` (minutes) at which ``n_customers`` are expected."""
    return n_customers / rate


@dataclass
class Result:
    """What one timed run of one implementation returns.

    ``customers`` arrived; ``cpu_s`` is the CPU time of the simulation only (see each
    implementation for what is inside); ``mean_wait`` is the mean wait in queue per
    station (minutes); ``served`` the customers who completed their last service;
    ``batch_means`` per station the means of ``N_BATCHES`` consecutive batches of
    customers in order of arrival at the station (for standard errors).
    """

    customers: int
    cpu_s: float
    mean_wait: dict[str, float]
    served: int
    batch_means: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __iter__(self):
        # unpacks as the 4-tuple (customers, sim_seconds_cpu, mean_wait_by_station, served)
        return iter((self.customers, self.cpu_s, self.mean_wait, self.served))


def make_result(
    customers: int,
    cpu_s: float,
    served: int,
    stations: dict[str, tuple[np.ndarray, np.ndarray]],
    end: float,
) -> Result:
    """Build a Result from per-station ``(arrival time at the station, wait)`` arrays.

    ``mean_wait`` is over every customer; the batch means leave out those who reached
    the station before ``WARMUP_FRACTION * end`` (``end``: the arrival horizon).
    """
    mean_wait: dict[str, float] = {}
    batches: dict[str, np.ndarray] = {}
    for name, (arrive, wait) in stations.items():
        arrive = np.asarray(arrive, dtype=float)
        wait = np.asarray(wait, dtype=float)
        mean_wait[name] = float(wait.mean()) if len(wait) else math.nan
        order = np.argsort(arrive, kind="stable")
        keep = arrive[order] >= WARMUP_FRACTION * end
        batches[name] = batch_means(wait[order][keep])
    return Result(customers, cpu_s, mean_wait, served, batches)


def batch_means(values: np.ndarray) -> np.ndarray:
    """Return the means of up to ``N_BATCHES`` near-equal consecutive batches of ``values``.

    Each batch holds at least ``MIN_BATCH`` values (or all of them, in one batch).
    """
    if not len(values):
        return np.array([])
    n_batches = max(1, min(N_BATCHES, len(values) // MIN_BATCH))
    return np.array([chunk.mean() for chunk in np.array_split(values, n_batches)])
