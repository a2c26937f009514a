"""Idiomatic SimPy: a generator process per customer and a ``simpy.Resource`` per station.

What is timed: building the environment and resources, the run (arrival process,
one process per customer, random draws with ``random.Random`` inline) and appending
each customer's (arrival at the station, wait) to lists. Not timed: imports and
turning the lists into the Result.

Stopping: the arrival process stops at the horizon ``T = n / rate``; ``env.run()``
then runs until no event is left, i.e. until every customer has been served.
"""

from __future__ import annotations

import random
import time

import simpy

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

NAME = "simpy-idiomatic"


def run_w1(n_customers: int, seed: int) -> Result:
    rng = random.Random(seed)
    end = horizon(n_customers, W1_RATE)
    arrive: list[float] = []
    wait: list[float] = []

    def customer(env, server):
        t0 = env.now
        with server.request() as req:
            yield req
            arrive.append(t0)
            wait.append(env.now - t0)
            yield env.timeout(rng.expovariate(W1_MU))

    def source(env, server):
        while True:
            yield env.timeout(rng.expovariate(W1_RATE))
            if env.now >= end:
                return
            env.process(customer(env, server))

    start = time.process_time()
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=W1_SERVERS)
    env.process(source(env, server))
    env.run()
    cpu = time.process_time() - start
    n = len(wait)
    return make_result(n, cpu, n, {W1_STATION: (arrive, wait)}, horizon(n_customers, W1_RATE))


def run_w2(n_customers: int, rate: float, seed: int) -> Result:
    rng = random.Random(seed)
    end = horizon(n_customers, rate)
    names = ["kiosk", *W2_AGENCIES]
    arrive: list[list[float]] = [[] for _ in names]
    wait: list[list[float]] = [[] for _ in names]
    cum = []
    total = 0.0
    for share in W2_SHARES:
        total += share
        cum.append(total)
    kiosk_rate = 1.0 / W2_KIOSK_MEAN

    def customer(env, kiosk, agencies):
        t0 = env.now
        with kiosk.request() as req:
            yield req
            arrive[0].append(t0)
            wait[0].append(env.now - t0)
            yield env.timeout(rng.expovariate(kiosk_rate))
        u = rng.random()
        a = 0
        while u >= cum[a] and a < len(cum) - 1:
            a += 1
        t1 = env.now
        with agencies[a].request() as req:
            yield req
            arrive[a + 1].append(t1)
            wait[a + 1].append(env.now - t1)
            mu, sigma = W2_LOGNORMAL[a]
            yield env.timeout(rng.lognormvariate(mu, sigma))

    def source(env, kiosk, agencies):
        while True:
            yield env.timeout(rng.expovariate(rate))
            if env.now >= end:
                return
            env.process(customer(env, kiosk, agencies))

    start = time.process_time()
    env = simpy.Environment()
    kiosk = simpy.Resource(env, capacity=W2_KIOSK_SERVERS)
    agencies = [simpy.Resource(env, capacity=c) for c in W2_COUNTERS]
    env.process(source(env, kiosk, agencies))
    env.run()
    cpu = time.process_time() - start
    n = len(wait[0])
    served = sum(len(w) for w in wait[1:])
    return make_result(
        n,
        cpu,
        served,
        {s: (arrive[i], wait[i]) for i, s in enumerate(names)},
        horizon(n_customers, rate),
    )
