"""No event engine: the Kiefer–Wolfowitz recursion for FCFS multi-server queues.

For a FCFS queue with ``c`` servers, the Kiefer–Wolfowitz workload vector (the
times at which each server next becomes free, sorted) is kept as a heap: customer
``i`` arriving at ``a_i`` starts at ``max(a_i, min free time)``, waits the
difference, and that server becomes free at start + service. The network is done
station by station: the kiosk in order of arrival, then each agency in order of
arrival at the agency (the sorted kiosk departure times of the customers routed
there). Exact for FCFS; it works because nothing in these workloads depends on the
state of a later station.

What is timed: drawing every random number (NumPy, vectorised: Poisson count and
sorted uniform arrival times on [0, T), services, routing), the recursion loops
(plain Python over lists with ``heapq``) and collecting waits. Not timed: imports
and turning the arrays into the Result.

Stopping: arrivals on [0, T) with ``T = n / rate``; every arrival is served.
"""

from __future__ import annotations

import heapq
import time

import numpy as np

from benchmarks.common import (
    W1_MU,
    W1_RATE,
    W1_SERVERS,
    W1_STATION,
    W2_AGENCIES,
    W2_COUNTERS,
    W2_KIOSK_MEAN,
    W2_KIOSK_SERVERS,
    W2_LOGNORMAL,
    W2_SHARES,
    Result,
    horizon,
    make_result,
)

NAME = "recursion"


def _poisson_times(rng: np.random.Generator, rate: float, end: float) -> np.ndarray:
    n = rng.poisson(rate * end)
    return np.sort(rng.random(n) * end)


def fcfs(arrivals: list[float], services: list[float], servers: int) -> tuple[list, list]:
    """Return (waits, departures) of a FCFS ``servers``-server queue; arrivals sorted."""
    free = [0.0] * servers  # a heap of the times each server becomes free
    replace = heapq.heapreplace
    waits = [0.0] * len(arrivals)
    departs = [0.0] * len(arrivals)
    for i, (a, s) in enumerate(zip(arrivals, services, strict=True)):
        f = free[0]
        if f > a:
            waits[i] = f - a
            a = f
        d = a + s
        departs[i] = d
        replace(free, d)
    return waits, departs


def run_w1(n_customers: int, seed: int) -> Result:
    start = time.process_time()
    rng = np.random.default_rng(seed)
    arrive = _poisson_times(rng, W1_RATE, horizon(n_customers, W1_RATE))
    services = rng.exponential(1.0 / W1_MU, len(arrive))
    waits, _ = fcfs(arrive.tolist(), services.tolist(), W1_SERVERS)
    cpu = time.process_time() - start
    n = len(arrive)
    return make_result(
        n, cpu, n, {W1_STATION: (arrive, np.asarray(waits))}, horizon(n_customers, W1_RATE)
    )


def run_w2(n_customers: int, rate: float, seed: int) -> Result:
    start = time.process_time()
    rng = np.random.default_rng(seed)
    arrive = _poisson_times(rng, rate, horizon(n_customers, rate))
    n = len(arrive)
    kiosk_services = rng.exponential(W2_KIOSK_MEAN, n)
    agency = rng.choice(len(W2_SHARES), size=n, p=W2_SHARES)
    kiosk_waits, kiosk_departs = fcfs(arrive.tolist(), kiosk_services.tolist(), W2_KIOSK_SERVERS)
    departs = np.asarray(kiosk_departs)
    stations = {"kiosk": (arrive, np.asarray(kiosk_waits))}
    served = 0
    for a, name in enumerate(W2_AGENCIES):
        at_agency = np.sort(departs[agency == a])
        mu, sigma = W2_LOGNORMAL[a]
        services = rng.lognormal(mu, sigma, len(at_agency))
        waits, _ = fcfs(at_agency.tolist(), services.tolist(), W2_COUNTERS[a])
        stations[name] = (at_agency, np.asarray(waits))
        served += len(waits)
    cpu = time.process_time() - start
    return make_result(n, cpu, served, stations, horizon(n_customers, rate))
