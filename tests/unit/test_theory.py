from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
from scipy import special, stats

from mppsim.stats import theory
from mppsim.stats.theory import (
    ErlangAResult,
    MMCKResult,
    erlang_a,
    erlang_b,
    erlang_c,
    jackson_sojourn_mean,
    md1_wait_mean,
    mg1_wait_mean,
    mmc_queue_length_mean,
    mmc_sojourn_mean,
    mmc_utilization,
    mmc_wait_mean,
    mmc_wait_tail,
    mmck,
    priority_mmc_wait_means,
)

# --------------------------------------------------------------------------- helpers


def stationary_by_linear_solve(births: np.ndarray, deaths: np.ndarray) -> np.ndarray:
    """Solve pi Q = 0, sum(pi) = 1 for a finite birth-death generator directly."""
    n = births.size + 1
    q = np.zeros((n, n))
    for i, rate in enumerate(births):
        q[i, i + 1] = rate
    for i, rate in enumerate(deaths, start=1):
        q[i, i - 1] = rate
    q -= np.diag(q.sum(axis=1))
    a = np.vstack([q.T, np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1.0
    pi, *_ = np.linalg.lstsq(a, b, rcond=None)
    return pi


def erlang_c_factorial(a: float, c: int) -> float:
    """Textbook Erlang C with explicit factorials (small c only)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def simulate_erlang_a(
    lam: float, mu: float, c: int, theta: float, n: int, seed: int
) -> tuple[float, float, float, float]:
    """Exact FCFS M/M/c+M recursion on server-free times (abandoners take no server)."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1.0 / lam, n))
    patience = rng.exponential(1.0 / theta, n)
    service = rng.exponential(1.0 / mu, n)
    free = [0.0] * c
    wait = np.empty(n)
    served = np.empty(n, dtype=bool)
    for i in range(n):
        a = arrivals[i]
        w = max(free[0] - a, 0.0)
        if w <= patience[i]:
            heapq.heapreplace(free, a + w + service[i])
            wait[i], served[i] = w, True
        else:
            wait[i], served[i] = patience[i], False
    warm = n // 20
    wait, served = wait[warm:], served[warm:]
    return 1.0 - served.mean(), wait.mean(), wait[served].mean(), (wait > 0).mean()


# --------------------------------------------------------------------------- Erlang B / C


def test_mm1_half_load_wait_equals_mean_service() -> None:
    mu = 0.2
    assert mmc_wait_mean(0.5 * mu, mu, 1) == pytest.approx(1.0 / mu, rel=1e-12)
    assert erlang_c(0.5 * mu, mu, 1) == pytest.approx(0.5, rel=1e-12)


def test_erlang_c_textbook_value() -> None:
    # a = 2 erlangs, c = 3: (8/6 * 3) / (1 + 2 + 2 + 4) = 4/9
    assert erlang_c(2.0, 1.0, 3) == pytest.approx(4.0 / 9.0, rel=1e-12)
    assert erlang_c(1.0, 0.5, 3) == pytest.approx(4.0 / 9.0, rel=1e-12)


def test_erlang_b_small_cases() -> None:
    assert erlang_b(1.0, 1) == pytest.approx(0.5)
    assert erlang_b(2.0, 2) == pytest.approx(2.0 / 5.0)
    assert erlang_b(0.0, 4) == 0.0


@pytest.mark.parametrize(("a", "c"), [(0.3, 1), (2.5, 4), (7.9, 10), (15.0, 20)])
def test_erlang_c_matches_factorial_formula(a: float, c: int) -> None:
    assert erlang_c(a * 0.7, 0.7, c) == pytest.approx(erlang_c_factorial(a, c), rel=1e-10)


def test_erlang_c_large_c_no_overflow() -> None:
    a, c = 190.0, 200
    k = np.arange(c)
    log_terms = np.append(
        k * math.log(a) - special.gammaln(k + 1),
        c * math.log(a) - special.gammaln(c + 1) + math.log(c / (c - a)),
    )
    expected = math.exp(log_terms[-1] - special.logsumexp(log_terms))
    value = erlang_c(a, 1.0, c)
    assert math.isfinite(value)
    assert value == pytest.approx(expected, rel=1e-9)


def test_zero_arrivals() -> None:
    assert erlang_c(0.0, 1.0, 3) == 0.0
    assert mmc_wait_mean(0.0, 1.0, 3) == 0.0
    assert mmc_sojourn_mean(0.0, 0.5, 3) == pytest.approx(2.0)


# --------------------------------------------------------------------------- M/M/c


def test_mmc_derived_quantities() -> None:
    lam, mu, c = 1.8, 0.5, 4
    wq = mmc_wait_mean(lam, mu, c)
    assert mmc_queue_length_mean(lam, mu, c) == pytest.approx(lam * wq)
    assert mmc_sojourn_mean(lam, mu, c) == pytest.approx(wq + 1.0 / mu)
    assert mmc_utilization(lam, mu, c) == pytest.approx(0.9)
    assert mmc_wait_tail(lam, mu, c, 0.0) == pytest.approx(erlang_c(lam, mu, c))
    # Integral of the tail equals the mean wait.
    assert erlang_c(lam, mu, c) / (c * mu - lam) == pytest.approx(wq)
    t = 3.0
    ratio = mmc_wait_tail(lam, mu, c, t) / mmc_wait_tail(lam, mu, c, 0.0)
    assert ratio == pytest.approx(math.exp(-(c * mu - lam) * t))


def test_mmc_matches_linear_solve() -> None:
    lam, mu, c = 2.0, 0.6, 4
    n = 400  # rho = 0.833, tail ~ rho**400, negligible
    states = np.arange(n + 1)
    pi = stationary_by_linear_solve(np.full(n, lam), np.minimum(states[1:], c) * mu)
    assert pi[c:].sum() == pytest.approx(erlang_c(lam, mu, c), rel=1e-9)
    lq = np.dot(np.maximum(states - c, 0), pi)
    assert mmc_queue_length_mean(lam, mu, c) == pytest.approx(lq, rel=1e-9)


# --------------------------------------------------------------------------- M/M/c/K


@pytest.mark.parametrize(("lam", "mu", "c"), [(0.5, 1.0, 1), (3.0, 0.7, 5), (20.0, 1.0, 12)])
def test_mmck_with_k_equal_c_is_erlang_b(lam: float, mu: float, c: int) -> None:
    res = mmck(lam, mu, c, c)
    assert isinstance(res, MMCKResult)
    assert res.blocking == pytest.approx(erlang_b(lam / mu, c), rel=1e-12)
    assert res.queue_length_mean == 0.0
    assert res.wait_mean == 0.0
    assert res.number_in_system_mean == pytest.approx(res.throughput / mu)


@pytest.mark.parametrize(("lam", "mu", "c", "k"), [(1.0, 0.4, 2, 6), (5.0, 0.5, 3, 10)])
def test_mmck_matches_linear_solve(lam: float, mu: float, c: int, k: int) -> None:
    states = np.arange(k + 1)
    pi = stationary_by_linear_solve(np.full(k, lam), np.minimum(states[1:], c) * mu)
    res = mmck(lam, mu, c, k)
    lq = np.dot(np.maximum(states - c, 0), pi)
    assert res.blocking == pytest.approx(pi[-1], rel=1e-9)
    assert res.number_in_system_mean == pytest.approx(np.dot(states, pi), rel=1e-9)
    assert res.queue_length_mean == pytest.approx(lq, rel=1e-9)
    assert res.throughput == pytest.approx(lam * (1 - pi[-1]), rel=1e-9)
    assert res.wait_mean == pytest.approx(lq / res.throughput, rel=1e-9)
    # Little's law on the servers: busy servers = throughput / mu.
    busy = np.dot(np.minimum(states, c), pi)
    assert res.throughput / mu == pytest.approx(busy, rel=1e-9)


def test_mmck_critical_mm1k_is_uniform() -> None:
    res = mmck(1.0, 1.0, 1, 9)
    assert res.blocking == pytest.approx(0.1)
    assert res.number_in_system_mean == pytest.approx(4.5)


def test_mmck_large_k_approaches_mmc() -> None:
    lam, mu, c = 1.5, 0.5, 4
    res = mmck(lam, mu, c, 2000)
    assert res.blocking < 1e-12
    assert res.wait_mean == pytest.approx(mmc_wait_mean(lam, mu, c), rel=1e-9)


def test_mmck_heavy_overload_is_finite() -> None:
    res = mmck(1e4, 1.0, 10, 500)
    assert 0.99 < res.blocking < 1.0
    assert res.throughput == pytest.approx(10.0, rel=1e-3)


# --------------------------------------------------------------------------- Erlang-A


@pytest.mark.parametrize(
    ("lam", "mu", "c", "theta"),
    [(1.0, 0.25, 4, 0.2), (3.0, 1.0, 2, 0.5), (0.5, 1.0, 1, 2.0)],
)
def test_erlang_a_matches_linear_solve(lam: float, mu: float, c: int, theta: float) -> None:
    n = 150
    states = np.arange(n + 1)
    deaths = np.minimum(states[1:], c) * mu + np.maximum(states[1:] - c, 0) * theta
    pi = stationary_by_linear_solve(np.full(n, lam), deaths)
    lq = np.dot(np.maximum(states - c, 0), pi)
    res = erlang_a(lam, mu, c, theta)
    assert isinstance(res, ErlangAResult)
    assert res.queue_length_mean == pytest.approx(lq, rel=1e-9)
    assert res.prob_wait == pytest.approx(pi[c:].sum(), rel=1e-9)
    assert res.abandon_prob == pytest.approx(theta * lq / lam, rel=1e-9)
    assert res.wait_mean == pytest.approx(lq / lam, rel=1e-9)


def test_erlang_a_tiny_theta_approaches_erlang_c() -> None:
    lam, mu, c = 1.8, 0.5, 4
    res = erlang_a(lam, mu, c, 1e-10)
    assert res.prob_wait == pytest.approx(erlang_c(lam, mu, c), rel=1e-7)
    assert res.wait_mean == pytest.approx(mmc_wait_mean(lam, mu, c), rel=1e-7)
    assert res.wait_mean_served == pytest.approx(mmc_wait_mean(lam, mu, c), rel=1e-7)
    assert res.abandon_prob < 1e-8


def test_erlang_a_theta_zero_is_erlang_c() -> None:
    lam, mu, c = 0.9, 1.0, 1
    res = erlang_a(lam, mu, c, 0.0)
    assert res.abandon_prob == 0.0
    assert res.wait_mean == pytest.approx(mmc_wait_mean(lam, mu, c), rel=1e-9)
    assert res.wait_mean_served == pytest.approx(mmc_wait_mean(lam, mu, c), rel=1e-9)


def test_erlang_a_theta_equal_mu_is_infinite_server() -> None:
    # Death rate n*mu in every state: the number in system is Poisson(lam/mu).
    lam, mu, c = 6.0, 0.5, 10
    res = erlang_a(lam, mu, c, mu)
    dist = stats.poisson(lam / mu)
    n = np.arange(400)
    pmf = dist.pmf(n)
    assert res.prob_wait == pytest.approx(dist.sf(c - 1), rel=1e-9)
    assert res.queue_length_mean == pytest.approx(np.dot(np.maximum(n - c, 0), pmf), rel=1e-9)


def test_erlang_a_overloaded_is_stable() -> None:
    lam, mu, c, theta = 5.0, 0.5, 4, 0.1
    res = erlang_a(lam, mu, c, theta)
    # Fluid limit: served rate close to c*mu, the rest abandon.
    assert res.abandon_prob == pytest.approx(1.0 - c * mu / lam, abs=0.02)
    assert res.prob_wait == pytest.approx(1.0, abs=1e-6)
    assert 0.0 <= res.wait_mean_served <= res.wait_mean + 1.0 / theta


def test_erlang_a_abandonment_two_ways_agree() -> None:
    # 1 - P(served) from the per-position race equals theta*Lq/lam (detailed balance).
    lam, mu, c, theta = 2.0, 0.3, 6, 0.15
    p = theory._erlang_a_distribution(lam, mu, c, theta, None)
    j = np.arange(p.size - c)
    p_served = p[:c].sum() + np.dot(p[c:], c * mu / (c * mu + (j + 1) * theta))
    res = erlang_a(lam, mu, c, theta)
    assert 1.0 - p_served == pytest.approx(res.abandon_prob, rel=1e-10)


def test_erlang_a_explicit_truncation() -> None:
    res_auto = erlang_a(1.0, 0.25, 4, 0.2)
    res_big = erlang_a(1.0, 0.25, 4, 0.2, n_max=2000)
    assert res_big.wait_mean_served == pytest.approx(res_auto.wait_mean_served, rel=1e-10)
    with pytest.raises(ValueError, match="n_max"):
        erlang_a(1.0, 0.25, 4, 0.2, n_max=2)


def race_by_linear_solve(j: int, c: int, mu: float, theta: float) -> tuple[float, float]:
    """P(served) and E[W; served] for a tagged customer with j ahead (absorbing chain)."""
    # Transient states: k = j..0 customers ahead. From k: rate c*mu + k*theta to k-1
    # (or to 'served' when k = 0), rate theta to 'abandoned'.
    size = j + 1
    sub = np.zeros((size, size))  # transient generator, index = k
    to_served = np.zeros(size)
    for k in range(size):
        sub[k, k] = -(c * mu + (k + 1) * theta)
        if k == 0:
            to_served[k] = c * mu
        else:
            sub[k, k - 1] = c * mu + k * theta
    h = np.linalg.solve(-sub, to_served)  # absorption probability in 'served'
    g = np.linalg.solve(-sub, h)  # E[T 1{served}] solves -sub g = h
    return h[j], g[j]


@pytest.mark.parametrize("j", [0, 1, 5, 30])
def test_erlang_a_race_formula(j: int) -> None:
    c, mu, theta = 3, 0.4, 0.25
    rates = c * mu + (np.arange(j + 1) + 1) * theta
    p_served = c * mu / (c * mu + (j + 1) * theta)
    w_served = p_served * np.sum(1.0 / rates)
    h, g = race_by_linear_solve(j, c, mu, theta)
    assert p_served == pytest.approx(h, rel=1e-12)
    assert w_served == pytest.approx(g, rel=1e-10)


def test_erlang_a_race_monte_carlo() -> None:
    # Pure-death race simulated with numpy, tagged customer with j = 4 ahead.
    c, mu, theta, j, n = 2, 0.5, 0.3, 4, 200_000
    rng = np.random.default_rng(7)
    ks = np.arange(j, -1, -1)
    rates = c * mu + (ks + 1) * theta
    hold = rng.exponential(1.0 / rates, size=(n, ks.size))
    own = rng.random((n, ks.size)) < theta / rates  # tagged customer's clock wins
    alive = ~np.cumsum(own, axis=1).astype(bool)
    served = alive[:, -1]
    first_abandon = np.where(served, ks.size, np.argmax(own, axis=1))
    elapsed = np.cumsum(hold, axis=1)
    wait = elapsed[np.arange(n), np.minimum(first_abandon, ks.size - 1)]
    p_served = c * mu / (c * mu + (j + 1) * theta)
    w_served = p_served * np.sum(1.0 / rates)
    assert served.mean() == pytest.approx(p_served, abs=0.005)
    assert np.mean(wait * served) == pytest.approx(w_served, rel=0.02)


@pytest.mark.parametrize(
    ("lam", "mu", "c", "theta", "seed"),
    [(1.0, 0.25, 4, 0.2, 1), (1.5, 0.5, 2, 0.5, 2)],
)
def test_erlang_a_against_queue_simulation(
    lam: float, mu: float, c: int, theta: float, seed: int
) -> None:
    res = erlang_a(lam, mu, c, theta)
    abandon, wait_all, wait_served, prob_wait = simulate_erlang_a(lam, mu, c, theta, 200_000, seed)
    assert abandon == pytest.approx(res.abandon_prob, rel=0.05)
    assert wait_all == pytest.approx(res.wait_mean, rel=0.05)
    assert wait_served == pytest.approx(res.wait_mean_served, rel=0.05)
    assert prob_wait == pytest.approx(res.prob_wait, rel=0.03)
    # The served-only mean is genuinely different from the all-arrivals mean.
    assert abs(res.wait_mean_served - res.wait_mean) > 0.05 * res.wait_mean


def test_erlang_a_zero_arrivals() -> None:
    res = erlang_a(0.0, 1.0, 2, 0.5)
    assert res == ErlangAResult(0.0, 0.0, 0.0, 0.0, 0.0)


# --------------------------------------------------------------------------- M/G/1


def test_pk_exponential_equals_mm1() -> None:
    lam, mean = 0.15, 5.0
    assert mg1_wait_mean(lam, mean, mean**2) == pytest.approx(
        mmc_wait_mean(lam, 1.0 / mean, 1), rel=1e-12
    )


def test_md1_is_half_of_mm1() -> None:
    lam, d = 0.1, 6.0
    assert md1_wait_mean(lam, d) == pytest.approx(0.5 * mmc_wait_mean(lam, 1.0 / d, 1))
    # rho = 0.6: Wq = rho * D / (2 (1 - rho)) = 0.6 * 6 / 0.8 = 4.5
    assert md1_wait_mean(lam, d) == pytest.approx(4.5)


# --------------------------------------------------------------------------- priorities


def test_cobham_single_class_is_erlang_c() -> None:
    lam, mu, c = 1.8, 0.5, 4
    (wq,) = priority_mmc_wait_means([lam], mu, c)
    assert wq == pytest.approx(mmc_wait_mean(lam, mu, c), rel=1e-12)


def test_cobham_conservation_and_ordering() -> None:
    lams, mu, c = [0.3, 0.8, 0.6], 0.5, 4
    waits = priority_mmc_wait_means(lams, mu, c)
    assert waits == sorted(waits)
    # Equal service rates: the arrival-weighted mean wait equals FCFS (work conservation).
    weighted = np.dot(lams, waits) / sum(lams)
    assert weighted == pytest.approx(mmc_wait_mean(sum(lams), mu, c), rel=1e-12)


def test_cobham_two_class_mm1_hand_value() -> None:
    # M/M/1, mu = 1, lam = (0.2, 0.3): C = rho = 0.5.
    # Wq0 = 0.5 / (1 * 1 * 0.8) = 0.625; Wq1 = 0.5 / (0.8 * 0.5) = 1.25.
    assert priority_mmc_wait_means([0.2, 0.3], 1.0, 1) == pytest.approx([0.625, 1.25])


# --------------------------------------------------------------------------- networks


def test_jackson_single_station_and_sum() -> None:
    lam = 1.0
    assert jackson_sojourn_mean(lam, [(1.0, 0.4, 3)]) == pytest.approx(
        mmc_sojourn_mean(lam, 0.4, 3)
    )
    stations = [(1.0, 2.0, 1), (0.4, 0.2, 3), (0.0, 1.0, 1)]
    expected = mmc_sojourn_mean(1.0, 2.0, 1) + 0.4 * mmc_sojourn_mean(0.4, 0.2, 3)
    assert jackson_sojourn_mean(lam, stations) == pytest.approx(expected)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: erlang_c(3.0, 1.0, 3), "unstable"),
        (lambda: erlang_c(1.0, 1.0, 0), "c must be >= 1"),
        (lambda: erlang_c(-1.0, 1.0, 2), "lam must be"),
        (lambda: erlang_c(1.0, 0.0, 2), "mu must be"),
        (lambda: erlang_c(1.0, 1.0, 2.5), "c must be an integer"),
        (lambda: erlang_c(math.nan, 1.0, 2), "lam must be"),
        (lambda: mmc_wait_mean(2.0, 1.0, 2), "unstable"),
        (lambda: mmc_wait_tail(1.0, 1.0, 2, -1.0), "t must be"),
        (lambda: mmc_utilization(5.0, 1.0, 4), "unstable"),
        (lambda: mmck(1.0, 1.0, 3, 2), "k must be >= 3"),
        (lambda: mmck(1.0, -1.0, 1, 2), "mu must be"),
        (lambda: erlang_a(2.0, 1.0, 2, 0.0), "unstable"),
        (lambda: erlang_a(1.0, 1.0, 2, -0.1), "theta must be"),
        (lambda: mg1_wait_mean(0.2, 5.0, 1.0), "unstable"),
        (lambda: mg1_wait_mean(0.1, 5.0, -1.0), "service_var must be"),
        (lambda: md1_wait_mean(1.0, 1.0), "unstable"),
        (lambda: priority_mmc_wait_means([], 1.0, 1), "at least one class"),
        (lambda: priority_mmc_wait_means([0.6, 0.5], 1.0, 1), "unstable"),
        (lambda: jackson_sojourn_mean(1.0, [(1.0, 0.5, 2)]), "unstable"),
        (lambda: jackson_sojourn_mean(1.0, [(-0.5, 1.0, 2)]), "visit_prob must be"),
    ],
)
def test_invalid_input_raises(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_non_numeric_servers_is_type_error() -> None:
    with pytest.raises(TypeError, match="c must be an integer"):
        erlang_c(1.0, 1.0, "3")


def test_integer_like_servers_accepted() -> None:
    assert erlang_c(2.0, 1.0, np.int64(3)) == pytest.approx(4.0 / 9.0)
    assert erlang_c(2.0, 1.0, 3.0) == pytest.approx(4.0 / 9.0)


def test_erlang_a_refuses_huge_state_space_quickly() -> None:
    with pytest.raises(ValueError, match="state space"):
        erlang_a(2.0, 1.0, 1, 1e-9)
    with pytest.raises(ValueError, match="state space"):
        erlang_a(1.0 - 1e-12, 1.0, 1, 0.0)
