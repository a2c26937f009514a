"""salabim (https://www.salabim.org): a component per customer, ``sim.Resource`` per station.

No animation, no trace, the yield API (``yieldless=False``), salabim's default
monitors on (as a modeller would write it). Random numbers: ``random.Random``
inline (salabim has no lognormal distribution of its own).

What is timed: building the environment, resources and the arrival component,
``env.run()`` and appending each customer's (arrival at the station, wait) to
lists. Not timed: imports and turning the lists into the Result.

Stopping: the arrival component ends at the horizon ``T = n / rate``;
``env.run()`` then runs until no event is left, i.e. until every customer has
been served.
"""

from __future__ import annotations

import random
import time

import salabim as sim

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

NAME = "salabim"


def run_w1(n_customers: int, seed: int) -> Result:
    rng = random.Random(seed)
    end = horizon(n_customers, W1_RATE)
    arrive: list[float] = []
    wait: list[float] = []

    start = time.process_time()
    env = sim.Environment(trace=False, yieldless=False, random_seed=seed)
    servers = sim.Resource("servers", capacity=W1_SERVERS, env=env)

    class Customer(sim.Component):
        def process(self):
            t0 = env.now()
            yield self.request(servers)
            arrive.append(t0)
            wait.append(env.now() - t0)
            yield self.hold(rng.expovariate(W1_MU))
            self.release()

    class Source(sim.Component):
        def process(self):
            while True:
                yield self.hold(rng.expovariate(W1_RATE))
                if env.now() >= end:
                    return
                Customer(env=env)

    Source(env=env)
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
    cum[-1] = 2.0
    kiosk_rate = 1.0 / W2_KIOSK_MEAN

    start = time.process_time()
    env = sim.Environment(trace=False, yieldless=False, random_seed=seed)
    kiosk = sim.Resource("kiosk", capacity=W2_KIOSK_SERVERS, env=env)
    agencies = [
        sim.Resource(name, capacity=c, env=env)
        for name, c in zip(W2_AGENCIES, W2_COUNTERS, strict=True)
    ]

    class Customer(sim.Component):
        def process(self):
            t0 = env.now()
            yield self.request(kiosk)
            arrive[0].append(t0)
            wait[0].append(env.now() - t0)
            yield self.hold(rng.expovariate(kiosk_rate))
            self.release(kiosk)
            u = rng.random()
            a = 0
            while u >= cum[a]:
                a += 1
            t1 = env.now()
            yield self.request(agencies[a])
            arrive[a + 1].append(t1)
            wait[a + 1].append(env.now() - t1)
            mu, sigma = W2_LOGNORMAL[a]
            yield self.hold(rng.lognormvariate(mu, sigma))
            self.release(agencies[a])

    class Source(sim.Component):
        def process(self):
            while True:
                yield self.hold(rng.expovariate(rate))
                if env.now() >= end:
                    return
                Customer(env=env)

    Source(env=env)
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
