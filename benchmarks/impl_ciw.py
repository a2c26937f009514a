"""Ciw (https://ciw.readthedocs.io), with its own distributions and routing matrix.

What is timed: ``Simulation.simulate_until_max_time`` only (Ciw records a data
record per customer and node as it goes; that is part of the run). Not timed:
imports, ``ciw.create_network``, constructing ``ciw.Simulation`` and reading the
records back with ``get_all_records``.

Stopping: the inter-arrival distribution returns infinity once the next arrival
would fall at or after the horizon ``T = n / rate`` (so no one arrives after T),
and the run goes on until every node's next event is at infinity, i.e. until every
customer has been served (``simulate_until_max_time`` with a horizon no event can
reach).
"""

from __future__ import annotations

import math
import random
import time

import ciw

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

NAME = "ciw"
FOREVER = 1e300  # a max_simulation_time no event time reaches (infinity ends the loop)


class PoissonUntil(ciw.dists.Distribution):
    """Exponential inter-arrival times at ``rate``, and no arrival at or after ``end``."""

    def __init__(self, rate: float, end: float) -> None:
        self.rate = rate
        self.end = end

    def sample(self, t=None, ind=None):
        gap = random.expovariate(self.rate)
        return gap if t + gap < self.end else math.inf


def _run(network, seed: int):
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    start = time.process_time()
    sim.simulate_until_max_time(FOREVER)
    cpu = time.process_time() - start
    return sim, cpu


def _by_node(sim) -> dict[int, tuple[list[float], list[float]]]:
    nodes: dict[int, tuple[list[float], list[float]]] = {}
    for rec in sim.get_all_records():
        arrive, wait = nodes.setdefault(rec.node, ([], []))
        arrive.append(rec.arrival_date)
        wait.append(rec.waiting_time)
    return nodes


def run_w1(n_customers: int, seed: int) -> Result:
    network = ciw.create_network(
        arrival_distributions=[PoissonUntil(W1_RATE, horizon(n_customers, W1_RATE))],
        service_distributions=[ciw.dists.Exponential(rate=W1_MU)],
        number_of_servers=[W1_SERVERS],
    )
    sim, cpu = _run(network, seed)
    nodes = _by_node(sim)
    n = len(nodes[1][1])
    return make_result(n, cpu, n, {W1_STATION: nodes[1]}, horizon(n_customers, W1_RATE))


def run_w2(n_customers: int, rate: float, seed: int) -> Result:
    n_nodes = 1 + len(W2_AGENCIES)
    routing = [[0.0, *W2_SHARES]] + [[0.0] * n_nodes for _ in W2_AGENCIES]
    network = ciw.create_network(
        arrival_distributions=[PoissonUntil(rate, horizon(n_customers, rate))]
        + [None] * len(W2_AGENCIES),
        service_distributions=[ciw.dists.Exponential(rate=1.0 / W2_KIOSK_MEAN)]
        + [ciw.dists.Lognormal(mu, sigma) for mu, sigma in W2_LOGNORMAL],
        number_of_servers=[W2_KIOSK_SERVERS, *W2_COUNTERS],
        routing=routing,
    )
    sim, cpu = _run(network, seed)
    nodes = _by_node(sim)
    names = ["kiosk", *W2_AGENCIES]
    stations = {name: nodes.get(i + 1, ([], [])) for i, name in enumerate(names)}
    n = len(stations["kiosk"][1])
    served = sum(len(stations[a][1]) for a in W2_AGENCIES)
    return make_result(n, cpu, served, stations, horizon(n_customers, rate))
