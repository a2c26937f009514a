"""Tuned SimPy: long-lived counter processes over deques, a few events per customer.

One arrival process and one process per counter, all alive for the whole run.
A customer is a float (arrival time at the station) in a ``collections.deque``; a
counter loops "take the head of the queue, hold for the service time" and, when
the queue is empty, parks on a fresh event that the next arrival triggers. Events
per customer and station: one service timeout (plus one arrival timeout at the
entrance, and a wake-up event only when a counter was idle).

What is timed: building the environment and processes, the run (random draws with
``random.Random`` inline) and appending each customer's (arrival at the station,
wait) to lists. Not timed: imports and turning the lists into the Result.

Stopping: the arrival process stops at the horizon ``T = n / rate``; ``env.run()``
then runs until no event is left (idle counters wait on events nobody schedules),
i.e. until every customer has been served.
"""

from __future__ import annotations

import random
import time
from collections import deque

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

NAME = "simpy-tuned"


def run_w1(n_customers: int, seed: int) -> Result:
    rng = random.Random(seed)
    end = horizon(n_customers, W1_RATE)
    arrive: list[float] = []
    wait: list[float] = []
    queue: deque[float] = deque()
    idle: list[simpy.Event] = []

    def source(env):
        timeout, expo, push = env.timeout, rng.expovariate, queue.append
        while True:
            yield timeout(expo(W1_RATE))
            now = env.now
            if now >= end:
                return
            push(now)
            if idle:
                idle.pop().succeed()

    def counter(env):
        timeout, expo, pop = env.timeout, rng.expovariate, queue.popleft
        log_arrive, log_wait = arrive.append, wait.append
        while True:
            while queue:
                t0 = pop()
                log_arrive(t0)
                log_wait(env.now - t0)
                yield timeout(expo(W1_MU))
            wake = env.event()
            idle.append(wake)
            yield wake

    start = time.process_time()
    env = simpy.Environment()
    for _ in range(W1_SERVERS):
        env.process(counter(env))
    env.process(source(env))
    env.run()
    cpu = time.process_time() - start
    n = len(wait)
    return make_result(n, cpu, n, {W1_STATION: (arrive, wait)}, horizon(n_customers, W1_RATE))


def run_w2(n_customers: int, rate: float, seed: int) -> Result:
    rng = random.Random(seed)
    end = horizon(n_customers, rate)
    names = ["kiosk", *W2_AGENCIES]
    n_st = len(names)
    arrive: list[list[float]] = [[] for _ in names]
    wait: list[list[float]] = [[] for _ in names]
    queues: list[deque[float]] = [deque() for _ in names]
    idle: list[list[simpy.Event]] = [[] for _ in names]
    cum = []
    total = 0.0
    for share in W2_SHARES:
        total += share
        cum.append(total)
    cum[-1] = 2.0  # u < 1 always lands in the last agency at the latest
    kiosk_rate = 1.0 / W2_KIOSK_MEAN

    def source(env):
        timeout, expo, push, wake = env.timeout, rng.expovariate, queues[0].append, idle[0]
        while True:
            yield timeout(expo(rate))
            now = env.now
            if now >= end:
                return
            push(now)
            if wake:
                wake.pop().succeed()

    def kiosk_counter(env):
        timeout, expo, uniform = env.timeout, rng.expovariate, rng.random
        queue, log_arrive, log_wait = queues[0], arrive[0].append, wait[0].append
        while True:
            while queue:
                t0 = queue.popleft()
                log_arrive(t0)
                log_wait(env.now - t0)
                yield timeout(expo(kiosk_rate))
                u = uniform()
                a = 0
                while u >= cum[a]:
                    a += 1
                queues[a + 1].append(env.now)
                if idle[a + 1]:
                    idle[a + 1].pop().succeed()
            wake = env.event()
            idle[0].append(wake)
            yield wake

    def agency_counter(env, s):
        timeout, draw = env.timeout, rng.lognormvariate
        mu, sigma = W2_LOGNORMAL[s - 1]
        queue, log_arrive, log_wait = queues[s], arrive[s].append, wait[s].append
        while True:
            while queue:
                t0 = queue.popleft()
                log_arrive(t0)
                log_wait(env.now - t0)
                yield timeout(draw(mu, sigma))
            wake = env.event()
            idle[s].append(wake)
            yield wake

    start = time.process_time()
    env = simpy.Environment()
    for _ in range(W2_KIOSK_SERVERS):
        env.process(kiosk_counter(env))
    for s in range(1, n_st):
        for _ in range(W2_COUNTERS[s - 1]):
            env.process(agency_counter(env, s))
    env.process(source(env))
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
