"""Closed-form queueing results used to validate the simulator.

Erlang B/C, M/M/c, M/M/c/K, Erlang-A (M/M/c+M), M/G/1, non-preemptive
priority M/M/c and open Jackson networks. Time in minutes, rates per minute.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ErlangAResult",
    "MMCKResult",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "jackson_sojourn_mean",
    "md1_wait_mean",
    "mg1_wait_mean",
    "mmc_queue_length_mean",
    "mmc_sojourn_mean",
    "mmc_utilization",
    "mmc_wait_mean",
    "mmc_wait_tail",
    "mmck",
    "priority_mmc_wait_means",
]

_TAIL_TOL = 1e-12
_MAX_STATES = 10_000_000


# --------------------------------------------------------------------------- validation


def _check_nonneg(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value < 0.0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return value


def _check_pos(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0.0:
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")
    return value


def _check_int(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, numbers.Integral):
        out = int(value)
    else:
        f = float(value)
        if not f.is_integer():
            raise ValueError(f"{name} must be an integer, got {value!r}")
        out = int(f)
    if out < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {out}")
    return out


def _check_mmc(lam: float, mu: float, c: int) -> tuple[float, float, int]:
    lam = _check_nonneg("lam", lam)
    mu = _check_pos("mu", mu)
    c = _check_int("c", c, 1)
    if lam >= c * mu:
        raise ValueError(
            f"unstable M/M/c queue: lam={lam} >= c*mu={c * mu}; no steady state exists"
        )
    return lam, mu, c


# --------------------------------------------------------------------------- Erlang B/C


def erlang_b(a: float, c: int) -> float:
    """Erlang B blocking probability of an M/M/c/c loss system.

    Parameters
    ----------
    a : float
        Offered load ``lam / mu`` in erlangs, ``a >= 0``.
    c : int
        Number of servers, ``c >= 1``.

    Returns
    -------
    float
        Probability that an arriving customer finds all `c` servers busy, in [0, 1].

    Raises
    ------
    ValueError
        If ``a < 0`` or `c` is not an integer >= 1.

    Notes
    -----
    Uses the numerically stable recursion ``B(0) = 1``,
    ``B(k) = a B(k-1) / (k + a B(k-1))``, which never forms factorials.

    References
    ----------
    Gross, D., Shortle, J. F., Thompson, J. M. & Harris, C. M. (2008).
    *Fundamentals of Queueing Theory* (4th ed.). Wiley. Erlang's loss formula
    for M/M/c/c and its recursion.
    """
    a = _check_nonneg("a", a)
    c = _check_int("c", c, 1)
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(lam: float, mu: float, c: int) -> float:
    """Erlang C probability of waiting, P(Wq > 0), in the M/M/c queue.

    Parameters
    ----------
    lam : float
        Arrival rate (per minute), ``0 <= lam < c * mu``.
    mu : float
        Service rate of one server (per minute), ``mu > 0``.
    c : int
        Number of servers, ``c >= 1``.

    Returns
    -------
    float
        Probability that an arriving customer has to wait, in [0, 1).

    Raises
    ------
    ValueError
        For invalid parameters or an unstable queue (``lam >= c * mu``).

    Notes
    -----
    Computed from Erlang B via ``C = c B / (c - a (1 - B))`` with ``a = lam / mu``,
    so it is stable for hundreds of servers.

    References
    ----------
    Gross, D., Shortle, J. F., Thompson, J. M. & Harris, C. M. (2008).
    *Fundamentals of Queueing Theory* (4th ed.). Wiley. M/M/c model: Erlang's
    delay (C) formula and its relation to the loss (B) formula.
    """
    lam, mu, c = _check_mmc(lam, mu, c)
    a = lam / mu
    b = erlang_b(a, c)
    return c * b / (c - a * (1.0 - b))


# --------------------------------------------------------------------------- M/M/c


def mmc_utilization(lam: float, mu: float, c: int) -> float:
    """Server utilisation ``rho = lam / (c mu)`` of a stable M/M/c queue.

    Parameters
    ----------
    lam : float
        Arrival rate (per minute), ``0 <= lam < c * mu``.
    mu : float
        Service rate of one server (per minute), ``mu > 0``.
    c : int
        Number of servers, ``c >= 1``.

    Returns
    -------
    float
        Long-run fraction of time a server is busy, in [0, 1).

    Raises
    ------
    ValueError
        For invalid parameters or ``lam >= c * mu`` (then the long-run
        utilisation is 1, not ``lam / (c mu)``).

    References
    ----------
    Gross, D., Shortle, J. F., Thompson, J. M. & Harris, C. M. (2008).
    *Fundamentals of Queueing Theory* (4th ed.). Wiley. Traffic intensity of
    the M/M/c model.
    """
    lam, mu, c = _check_mmc(lam, mu, c)
    return lam / (c * mu)


def mmc_wait_mean(lam: float, mu: float, c: int) -> float:
    """Mean waiting time in queue ``Wq = C / (c mu - lam)`` of the M/M/c queue.

    Parameters
    ----------
    lam : float
        Arrival rate (per minute), ``0 <= lam < c * mu``.
    mu : float
        Service rate of one server (per minute), ``mu > 0``.
    c : int
        Number of servers, ``c >= 1``.

    Returns
    -------
    float
        Mean time in queue (minutes) over all customers, >= 0.

    Raises
    ------
    ValueError
        For invalid parameters or an unstable queue.

    References
    ----------
    Gross, D., Shortle, J. F., Thompson, J. M. & Harris, C. M. (2008).
    *Fundamentals of Queueing Theory* (4th ed.). Wiley. M/M/c model,
    ``Wq = C(c, a) / (c mu - lam)``.
    """
    lam, mu, c = _check_mmc(lam, mu, c)
    return erlang_c(lam, mu, c) / (c * mu - lam)


def mmc_wait_tail(lam: float, mu: float, c: int, t: float) -> float:
    """Waiting-time tail ``P(Wq > t) = C exp(-(c mu - lam) t)`` of the M/M/c queue.

    Parameters
    ----------
    lam : float
        Arrival rate (per minute), ``0 <= lam < c * mu``.
    mu : float
        Service rate of one server (per minute), ``mu > 0``.
    c : int
        Number of servers, ``c >= 1``.
    t : float
        Threshold in minutes, ``t >= 0``.

    Returns
    -------
    float
        Probability (FCFS) that a customer waits longer than `t` minutes.

    Raises
    ------
    ValueError
        For invalid parameters, ``t < 0`` or an unstable queue.

    References
    ----------
    Gross, D., Shortle, J. F., Thompson, J. M. & Harris, C. M. (2008).
    *Fundamentals of Queueing Theory* (4th ed.). Wiley. M/M/c waiting-time
    distribution under FCFS.
    """
    lam, mu, c = _check_mmc(lam, mu, c)
    t = _check_nonneg("t", t)
    return erlang_c(lam, mu, c) * math.exp(-(c * mu - lam) * t)


def mmc_queue_length_mean(lam: float, mu: float, c: int) -> float:
    """Mean number waiting ``Lq = lam Wq`` in the M/M/c queue.

    Parameters
    ----------
    lam : float
        Arrival rate (per minute), ``0 <= lam < c * mu``.
    mu : float
        Service rate of one server (per minute), ``mu > 0``.
    c : int
        Number of servers, ``c >= 1``.

    Returns
    -------
    float
        Time-average queue length (customers, excluding those in service).

    Raises
    ------
    ValueError
        For invalid parameters or an unstable queue.

    References
    ----------
    Gross, D., Shortle, J. F., Thompson, J. M. & Harris, C. M. (2008).
    *Fundamentals of Queueing Theory* (4th ed.). Wiley. M/M/c model with
    Little's law ``Lq = lam Wq``.
    """
    return float(lam) * mmc_wait_mean(lam, mu, c)


def mmc_sojourn_mean(lam: float, mu: float, c: int) -> float:
    """Mean time in system ``W = Wq + 1 / mu`` of the M/M/c queue.

    Parameters
    ----------
    lam : float
        Arrival rate (per minute), ``0 <= lam < c * mu``.
    mu : float
        Service rate of one server (per minute), ``mu > 0``.
    c : int
        Number of servers, ``c >= 1``.

    Returns
    -------
    float
        Mean sojourn (waiting plus service) time in minutes.

    Raises
    ------
    ValueError
        For invalid parameters or an unstable queue.

    References
    ----------
    Gross, D., Shortle, J. F., Thompson, J. M. & Harris, C. M. (2008).
    *Fundamentals of Queueing Theory* (4th ed.). Wiley. M/M/c model,
    ``W = Wq + 1/mu``.
    """
    return mmc_wait_mean(lam, mu, c) + 1.0 / float(mu)


# --------------------------------------------------------------------------- birth-death


def _birth_death(lam: float, deaths: np.ndarray) -> np.ndarray:
    """Stationary distribution on ``0..len(deaths)`` of a birth-death chain.

    Constant birth rate `lam` > 0, death rate ``deaths[n-1]`` from state n. The
    product form is accumulated in log space to avoid overflow.
    """
    logw = np.concatenate(([0.0], np.cumsum(math.log(lam) - np.log(deaths))))
    p = np.exp(logw - logw.max())
    return p / p.sum()


@dataclass(frozen=True)
class MMCKResult:
    """Steady-state measures of the M/M/c/K queue (times in minutes).

    Attributes
    ----------
    blocking : float
        Probability an arrival finds K customers present and is lost.
    number_in_system_mean : float
        Time-average number in system (waiting plus in service).
    queue_length_mean : float
        Time-average number waiting.
    wait_mean : float
        Mean time in queue of admitted customers (minutes).
    throughput : float
        Rate of admitted (= served) customers, ``lam (1 - blocking)``, per minute.
    """

    blocking: float
    number_in_system_mean: float
    queue_length_mean: float
    wait_mean: float
    throughput: float


def mmck(lam: float, mu: float, c: int, k: int) -> MMCKResult:
    """Steady state of the M/M/c/K queue (finite capacity, lost arrivals).

    Parameters
    ----------
    lam : float
        Arrival rate (per minute), ``lam >= 0``; any value is allowed, including
        ``lam >= c * mu``, because the state space is finite.
    mu : float
        Service rate of one server (per minute), ``mu > 0``.
    c : int
        Number of servers, ``c >= 1``.
    k : int
        Total capacity K (in service plus waiting), ``k >= c``. ``k == c`` is the
        Erlang loss system.

    Returns
    -------
    MMCKResult
        Blocking probability, mean number in system and in queue, mean wait of
        admitted customers and throughput.

    Raises
    ------
    ValueError
        For invalid parameters or ``k < c``.

    Notes
    -----
    The stationary distribution of the birth-death chain with birth rate ``lam``
    in states ``0..K-1`` and death rate ``min(n, c) mu`` is computed in log space;
    by PASTA the blocking probability is ``p_K`` and, by Little's law, the mean
    wait of admitted customers is ``Lq / (lam (1 - p_K))``.

    References
    ----------
    Gross, D., Shortle, J. F., Thompson, J. M. & Harris, C. M. (2008).
    *Fundamentals of Queueing Theory* (4th ed.). Wiley. M/M/c/K model
    (finite queue) and Little's law with the effective arrival rate.
    """
    lam = _check_nonneg("lam", lam)
    mu = _check_pos("mu", mu)
    c = _check_int("c", c, 1)
    k = _check_int("k", k, c)
    if lam == 0.0:
        return MMCKResult(0.0, 0.0, 0.0, 0.0, 0.0)
    n = np.arange(k + 1)
    p = _birth_death(lam, np.minimum(n[1:], c) * mu)
    blocking = float(p[-1])
    number = float(np.dot(n, p))
    lq = float(np.dot(np.maximum(n - c, 0), p))
    throughput = lam * (1.0 - blocking)
    return MMCKResult(
        blocking=blocking,
        number_in_system_mean=number,
        queue_length_mean=lq,
        wait_mean=lq / throughput,
        throughput=throughput,
    )


# --------------------------------------------------------------------------- Erlang-A


@dataclass(frozen=True)
class ErlangAResult:
    """Steady-state measures of the Erlang-A (M/M/c+M) queue (times in minutes).

    Attributes
    ----------
    abandon_prob : float
        Fraction of arrivals that abandon before service.
    wait_mean : float
        Mean time in queue over all arrivals, abandoners included (their time in
        queue is their patience).
    wait_mean_served : float
        Mean time in queue of customers who are eventually served.
    prob_wait : float
        Probability an arrival finds all servers busy, P(Wq > 0).
    queue_length_mean : float
        Time-average number waiting.
    """

    abandon_prob: float
    wait_mean: float
    wait_mean_served: float
    prob_wait: float
    queue_length_mean: float


def _erlang_a_distribution(
    lam: float, mu: float, c: int, theta: float, n_max: int | None
) -> np.ndarray:
    """Stationary distribution of the (truncated) Erlang-A birth-death chain."""

    def deaths(upto: int) -> np.ndarray:
        n = np.arange(1, upto + 1, dtype=float)
        return np.minimum(n, c) * mu + np.maximum(n - c, 0.0) * theta

    if n_max is not None:
        return _birth_death(lam, deaths(_check_int("n_max", n_max, c)))

    # Beyond `knee` the birth/death ratio lam / d_{n+1} is below 1 and the weights
    # decay; with theta == 0 they decay geometrically with ratio rho = lam / (c mu).
    cmu = c * mu
    if theta > 0.0:
        knee = c + max(lam - cmu, 0.0) / theta
    else:
        rho = lam / cmu
        knee = c + math.log(_TAIL_TOL * (1.0 - rho)) / math.log(rho)
    if knee >= _MAX_STATES:
        raise ValueError(
            f"Erlang-A state space would exceed {_MAX_STATES} states; "
            "theta is too small (or the load too close to c*mu) for a truncated solution"
        )
    size = c + max(256, 4 * c, int(1.25 * (knee - c)))
    while True:
        p = _birth_death(lam, deaths(size))
        # Death rates are non-decreasing, so beyond `size` the weights decay at
        # least geometrically with ratio r; the neglected mass is <= p[-1] r/(1-r).
        r = lam / (min(size + 1, c) * mu + max(size + 1 - c, 0) * theta)
        if r < 1.0 and p[-1] * r / (1.0 - r) < _TAIL_TOL:
            return p
        if size >= _MAX_STATES:
            raise ValueError(
                f"Erlang-A state space would exceed {_MAX_STATES} states; "
                "theta is too small (or the load too close to c*mu) for a truncated solution"
            )
        size = min(2 * size, _MAX_STATES)


def erlang_a(
    lam: float, mu: float, c: int, theta: float, *, n_max: int | None = None
) -> ErlangAResult:
    """Steady state of the Erlang-A queue M/M/c+M (exponential patience).

    Parameters
    ----------
    lam : float
        Arrival rate (per minute), ``lam >= 0``. Any value is stable when
        ``theta > 0``.
    mu : float
        Service rate of one server (per minute), ``mu > 0``.
    c : int
        Number of servers, ``c >= 1``.
    theta : float
        Abandonment rate of a waiting customer (per minute), ``theta >= 0``;
        the mean patience is ``1 / theta`` minutes. ``theta == 0`` is the
        Erlang-C queue and then requires ``lam < c * mu``.
    n_max : int, optional
        Truncation level of the state space (``n_max >= c``). By default it is
        chosen automatically so that the neglected tail mass is below 1e-12.

    Returns
    -------
    ErlangAResult
        Abandonment probability, mean waits (all arrivals and served only),
        probability of waiting and mean queue length.

    Raises
    ------
    ValueError
        For invalid parameters, ``theta == 0`` with ``lam >= c * mu``, or if the
        automatic truncation would need more than 10 million states.

    Notes
    -----
    The number in system is a birth-death chain with birth rate ``lam`` and
    death rate ``d_n = min(n, c) mu + max(n - c, 0) theta``; its stationary
    distribution ``p_n`` gives ``Lq = sum (n - c)^+ p_n``, ``P(Wq > 0) =
    sum_{n >= c} p_n`` (PASTA), ``P(abandon) = theta Lq / lam`` and the mean
    time in queue of all arrivals ``Lq / lam`` (Little's law).

    Served customers only. Under FCFS a tagged arrival that sees ``n >= c``
    (PASTA) has ``j = n - c`` customers ahead of it in queue; later arrivals
    never affect it. While ``k`` customers are ahead (``k = j, ..., 0``) three
    exponential clocks race: a service completion (rate ``c mu``) or an
    abandonment ahead (rate ``k theta``), both of which move it one place up
    (or into service when ``k = 0``), and its own abandonment (rate ``theta``).
    The holding time in level ``k`` is exponential with rate
    ``r_k = c mu + (k + 1) theta`` and is independent of which clock wins, so

    * ``P(served | j) = prod_{k=0..j} (c mu + k theta) / r_k
      = c mu / (c mu + (j + 1) theta)`` (the product telescopes), and
    * ``E[Wq 1{served} | j] = P(served | j) * sum_{k=0..j} 1 / r_k``.

    Averaging over ``p_n`` (arrivals seeing ``n < c`` are served at once) and
    dividing by ``P(served)`` gives ``wait_mean_served``. Detailed balance
    ``lam p_n = d_{n+1} p_{n+1}`` shows that ``1 - P(served)`` computed this
    way equals ``theta Lq / lam``, up to the truncated tail.

    References
    ----------
    Garnett, O., Mandelbaum, A. & Reiman, M. (2002). Designing a call center
    with impatient customers. *Manufacturing & Service Operations Management*
    4(3), 208-227 (the Erlang-A / M/M/n+M model). Palm, C. (1943) introduced the
    model; Gross et al. (2008), *Fundamentals of Queueing Theory*, give the
    birth-death solution and PASTA.
    """
    lam = _check_nonneg("lam", lam)
    mu = _check_pos("mu", mu)
    c = _check_int("c", c, 1)
    theta = _check_nonneg("theta", theta)
    if theta == 0.0 and lam >= c * mu:
        raise ValueError(f"unstable Erlang-C queue (theta = 0): lam={lam} >= c*mu={c * mu}")
    if lam == 0.0:
        return ErlangAResult(0.0, 0.0, 0.0, 0.0, 0.0)

    p = _erlang_a_distribution(lam, mu, c, theta, n_max)
    waiting = p[c:]  # states n = c, c+1, ...: arrival waits, j = n - c ahead
    j = np.arange(waiting.size, dtype=float)
    cmu = c * mu
    rates = cmu + (j + 1.0) * theta
    p_served_given_j = cmu / rates
    wait_served_given_j = p_served_given_j * np.cumsum(1.0 / rates)

    lq = float(np.dot(j, waiting))
    prob_wait = float(waiting.sum())
    p_served = float(p[:c].sum() + np.dot(waiting, p_served_given_j))
    wait_served = float(np.dot(waiting, wait_served_given_j)) / p_served
    return ErlangAResult(
        abandon_prob=theta * lq / lam,
        wait_mean=lq / lam,
        wait_mean_served=wait_served,
        prob_wait=prob_wait,
        queue_length_mean=lq,
    )


# --------------------------------------------------------------------------- M/G/1


def mg1_wait_mean(lam: float, service_mean: float, service_var: float) -> float:
    """Pollaczek-Khinchine mean wait ``Wq = lam E[S^2] / (2 (1 - rho))`` in M/G/1.

    Parameters
    ----------
    lam : float
        Arrival rate (per minute), ``0 <= lam < 1 / service_mean``.
    service_mean : float
        Mean service time ``E[S]`` (minutes), ``> 0``.
    service_var : float
        Service-time variance (minutes squared), ``>= 0``.

    Returns
    -------
    float
        Mean time in queue (minutes).

    Raises
    ------
    ValueError
        For invalid parameters or ``rho = lam E[S] >= 1``.

    References
    ----------
    Kleinrock, L. (1975). *Queueing Systems, Volume 1: Theory*. Wiley. The
    Pollaczek-Khinchine mean-value formula for M/G/1.
    """
    lam = _check_nonneg("lam", lam)
    service_mean = _check_pos("service_mean", service_mean)
    service_var = _check_nonneg("service_var", service_var)
    rho = lam * service_mean
    if rho >= 1.0:
        raise ValueError(f"unstable M/G/1 queue: rho = lam * service_mean = {rho} >= 1")
    second_moment = service_var + service_mean**2
    return lam * second_moment / (2.0 * (1.0 - rho))


def md1_wait_mean(lam: float, service_time: float) -> float:
    """Mean wait ``Wq = rho D / (2 (1 - rho))`` in the M/D/1 queue.

    Parameters
    ----------
    lam : float
        Arrival rate (per minute), ``0 <= lam < 1 / service_time``.
    service_time : float
        Deterministic service time D (minutes), ``> 0``.

    Returns
    -------
    float
        Mean time in queue (minutes).

    Raises
    ------
    ValueError
        For invalid parameters or ``rho = lam D >= 1``.

    References
    ----------
    Kleinrock, L. (1975). *Queueing Systems, Volume 1: Theory*. Wiley.
    Pollaczek-Khinchine formula with zero service variance.
    """
    return mg1_wait_mean(lam, service_time, 0.0)


# --------------------------------------------------------------------------- priority


def priority_mmc_wait_means(lams: Sequence[float], mu: float, c: int) -> list[float]:
    """Mean waits per class in a non-preemptive priority M/M/c queue (Cobham).

    Parameters
    ----------
    lams : sequence of float
        Arrival rate of each class (per minute), each ``>= 0``; index 0 is the
        highest priority. The total must satisfy ``sum(lams) < c * mu``.
    mu : float
        Service rate of one server (per minute), the same for all classes, ``> 0``.
    c : int
        Number of servers, ``c >= 1``.

    Returns
    -------
    list of float
        Mean time in queue (minutes) of each class, in the order of `lams`:
        ``Wq_k = C(c, lam/mu) / (c mu (1 - sigma_{k-1}) (1 - sigma_k))`` with
        ``sigma_k = sum_{i <= k} lam_i / (c mu)``, ``sigma_{-1} = 0`` and ``C``
        the Erlang C probability at the total arrival rate.

    Raises
    ------
    ValueError
        If `lams` is empty, a rate is negative, or the queue is unstable.

    References
    ----------
    Cobham, A. (1954). Priority assignment in waiting line problems.
    *Operations Research* 2(1), 70-76. See also Gross et al. (2008),
    *Fundamentals of Queueing Theory*, non-preemptive multi-server priorities.
    """
    rates = [_check_nonneg("lams[i]", x) for x in lams]
    if not rates:
        raise ValueError("lams must contain at least one class")
    total = math.fsum(rates)
    mu = _check_pos("mu", mu)
    c = _check_int("c", c, 1)
    prob_wait = erlang_c(total, mu, c)
    cmu = c * mu
    out: list[float] = []
    sigma_prev = 0.0
    cumulative = 0.0
    for rate in rates:
        cumulative += rate
        sigma = cumulative / cmu
        out.append(prob_wait / (cmu * (1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return out


# --------------------------------------------------------------------------- networks


def jackson_sojourn_mean(lam: float, stations: Sequence[tuple[float, float, int]]) -> float:
    """Mean total time in an open Jackson network of M/M/c stations.

    Parameters
    ----------
    lam : float
        External arrival rate of customers (per minute), ``>= 0``.
    stations : sequence of (visit_prob, mu, c)
        One tuple per station: ``visit_prob`` is the probability that a customer
        visits the station (more generally the mean number of visits, ``>= 0``),
        ``mu`` the per-server service rate (per minute, ``> 0``) and ``c`` the
        number of servers (``>= 1``). Each station must satisfy
        ``lam * visit_prob < c * mu``.

    Returns
    -------
    float
        Mean time in system per customer (minutes),
        ``sum visit_prob * mmc_sojourn_mean(lam * visit_prob, mu, c)``.

    Raises
    ------
    ValueError
        For invalid parameters or an unstable station.

    References
    ----------
    Jackson, J. R. (1957). Networks of waiting lines. *Operations Research*
    5(4), 518-521. Product-form solution; see also Gross et al. (2008),
    *Fundamentals of Queueing Theory*, open Jackson networks.
    """
    lam = _check_nonneg("lam", lam)
    total = 0.0
    for visit_prob, mu, c in stations:
        v = _check_nonneg("visit_prob", visit_prob)
        _check_pos("mu", mu)
        _check_int("c", c, 1)
        if v == 0.0:
            continue
        total += v * mmc_sojourn_mean(lam * v, mu, c)
    return total
