"""The model families of the validation suite: one builder per closed form.

Each builder takes a case id, the model's parameters and the run plan, and returns
a ``Case`` with its scenario and its theory values; its docstring states the model
and the formulas, with references.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mppsim.stats.theory import (
    erlang_a,
    erlang_c,
    jackson_sojourn_mean,
    md1_wait_mean,
    mg1_wait_mean,
    mmc_wait_mean,
    mmc_wait_tail,
    mmck,
    priority_mmc_wait_means,
)
from mppsim.validation.case import MIN_TAIL, SERVICE_MEAN, Case, Check
from mppsim.validation.estimators import TAIL_THRESHOLDS

__all__ = ["erlang_a_case", "mg1_case", "mmc", "mmck_case", "network_case", "priority_case"]


def _exp(mean: float) -> dict[str, Any]:
    return {"dist": "exponential", "mean": mean}


def _scenario(
    name: str,
    *,
    rate_per_min: float,
    agencies: Mapping[str, tuple[int, Mapping[str, Any]]],
    warmup: float,
    duration: float,
    mix: Sequence[tuple[Sequence[str], float]] | None = None,
    kiosk: tuple[int, float] | None = None,
    behaviour: Mapping[str, Any] | None = None,
    priority_share: float = 0.0,
) -> dict[str, Any]:
    """Plain scenario data: agencies ``{id: (counters, time)}``, each with one service ``s``."""
    if mix is None:
        mix = [([f"{agency}.s" for agency in agencies], 1.0)]
    data: dict[str, Any] = {
        "name": name,
        "horizon": {"warmup": warmup, "duration": duration},
        "arrivals": {
            "rate_per_hour": rate_per_min * 60.0,
            "mix": [{"services": list(services), "share": share} for services, share in mix],
            "priority_share": priority_share,
        },
        "agencies": {
            agency: {"counters": counters, "services": {"s": {"time": dict(time)}}}
            for agency, (counters, time) in agencies.items()
        },
    }
    if kiosk is not None:
        data["kiosk"] = {"count": kiosk[0], "time": _exp(kiosk[1])}
    if behaviour is not None:
        data["behaviour"] = dict(behaviour)
    return data


def mmc(
    case_id: str,
    c: int,
    rho: float,
    *,
    warmup: float,
    duration: float,
    note: str = "",
) -> Case:
    """M/M/c against Erlang C.

    Model: Poisson arrivals at rate λ = ρ c μ to one agency with c counters,
    exponential counter times with mean 5 min (μ = 0.2 per min), FIFO, no kiosk.
    Formulas (Gross et al. 2008, M/M/c): P(W > 0) = C(c, λ/μ), the Erlang C
    probability; mean wait Wq = C / (c μ − λ); P(W > t) = C exp(−(c μ − λ) t) for
    t = 5, 10 and 15 min (each compared when at least ``MIN_TAIL``).
    """
    mu = 1.0 / SERVICE_MEAN
    lam = rho * c * mu
    checks = [
        Check("prob_wait", "P(W > 0)", erlang_c(lam, mu, c), True),
        Check("wait_mean", "mean wait (min)", mmc_wait_mean(lam, mu, c)),
    ]
    for t in TAIL_THRESHOLDS:
        tail = mmc_wait_tail(lam, mu, c, t)
        if tail >= MIN_TAIL:
            checks.append(Check(f"wait_gt_{t:g}", f"P(W > {t:g} min)", tail, True))
    return Case(
        case_id,
        "M/M/c (Erlang C)",
        f"M/M/{c}, ρ = {rho:g}, E[S] = {SERVICE_MEAN:g} min",
        "P(W>0) = C(c, λ/μ); Wq = C/(cμ − λ); P(W>t) = C·exp(−(cμ − λ)t)",
        _scenario(
            case_id,
            rate_per_min=lam,
            agencies={"a": (c, _exp(SERVICE_MEAN))},
            warmup=warmup,
            duration=duration,
        ),
        tuple(checks),
        note=note,
    )


def mmck_case(
    case_id: str, c: int, k: int, rho: float, *, warmup: float, duration: float, note: str = ""
) -> Case:
    """M/M/c/K: a queue that turns arrivals away when K are present.

    Model: as M/M/c, with ``behaviour.balk_queue_length = K − c``: an arrival who
    finds K − c waiting (so K in the system) balks, which is exactly the blocked
    arrival of M/M/c/K. The offered load ρ = λ / (c μ) may exceed 1.
    Formulas (Gross et al. 2008, M/M/c/K birth-death solution): blocking
    probability p_K (PASTA); mean number in system Σ n p_n, compared with the
    time-average of busy plus waiting; mean wait of admitted visitors
    Lq / (λ (1 − p_K)) (Little).
    """
    mu = 1.0 / SERVICE_MEAN
    lam = rho * c * mu
    theory = mmck(lam, mu, c, k)
    return Case(
        case_id,
        "M/M/c/K (finite capacity)",
        f"M/M/{c}/{k}, offered ρ = {rho:g}, E[S] = {SERVICE_MEAN:g} min, balk at {k - c} waiting",
        "P(block) = p_K; L = Σ n·p_n; Wq = Lq/(λ(1 − p_K))",
        _scenario(
            case_id,
            rate_per_min=lam,
            agencies={"a": (c, _exp(SERVICE_MEAN))},
            warmup=warmup,
            duration=duration,
            behaviour={"balk_queue_length": k - c},
        ),
        (
            Check("blocking", "P(blocked)", theory.blocking, True),
            Check("a.number_in_system", "mean number in system", theory.number_in_system_mean),
            Check("wait_mean", "mean wait of admitted (min)", theory.wait_mean),
        ),
        note=note,
    )


def erlang_a_case(
    case_id: str,
    c: int,
    rho: float,
    patience: float,
    *,
    warmup: float,
    duration: float,
    note: str = "",
) -> Case:
    """M/M/c+M (Erlang-A): exponential patience.

    Model: as M/M/c, with ``behaviour.patience`` exponential with mean 1/θ: a
    visitor still waiting after their patience leaves (reneges). The offered load
    ρ = λ / (c μ) may exceed 1.
    Formulas (Garnett, Mandelbaum & Reiman 2002; birth-death chain with death rate
    min(n, c) μ + (n − c)⁺ θ): abandonment probability θ Lq / λ; mean wait of
    served visitors; mean queue time over all arrivals Lq / λ; P(W > 0) = Σ_{n≥c} p_n.
    """
    mu = 1.0 / SERVICE_MEAN
    lam = rho * c * mu
    theory = erlang_a(lam, mu, c, 1.0 / patience)
    return Case(
        case_id,
        "M/M/c+M (Erlang-A)",
        f"M/M/{c}+M, offered ρ = {rho:g}, E[S] = {SERVICE_MEAN:g} min, "
        f"mean patience {patience:g} min",
        "P(abandon) = θ·Lq/λ; W(served); W(all) = Lq/λ; P(W>0) = Σ_{n≥c} p_n",
        _scenario(
            case_id,
            rate_per_min=lam,
            agencies={"a": (c, _exp(SERVICE_MEAN))},
            warmup=warmup,
            duration=duration,
            behaviour={"patience": _exp(patience)},
        ),
        (
            Check("abandon", "P(abandon)", theory.abandon_prob, True),
            Check("wait_mean", "mean wait of served (min)", theory.wait_mean_served),
            Check("wait_mean_all", "mean queue time, all (min)", theory.wait_mean),
            Check("prob_wait", "P(W > 0)", theory.prob_wait, True),
        ),
        note=note,
    )


def mg1_case(
    case_id: str,
    rho: float,
    time: Mapping[str, Any],
    *,
    warmup: float,
    duration: float,
    note: str = "",
) -> Case:
    """M/G/1 (and M/D/1) against Pollaczek–Khinchine.

    Model: Poisson arrivals to one counter with a general counter time of mean
    5 min: deterministic (M/D/1) or lognormal with a given cv (M/G/1).
    Formulas (Kleinrock 1975): Wq = λ E[S²] / (2 (1 − ρ)), which is ρ D / (2 (1 − ρ))
    for M/D/1; P(W > 0) = ρ (an arrival waits exactly when the counter is busy).
    """
    lam = rho / SERVICE_MEAN
    if time["dist"] == "deterministic":
        wait = md1_wait_mean(lam, SERVICE_MEAN)
        family, model = "M/D/1 (Pollaczek–Khinchine)", f"M/D/1, ρ = {rho:g}, D = 5 min"
    else:
        cv = float(time["cv"])
        wait = mg1_wait_mean(lam, SERVICE_MEAN, (cv * SERVICE_MEAN) ** 2)
        family = "M/G/1 (Pollaczek–Khinchine)"
        model = f"M/G/1, ρ = {rho:g}, lognormal service, mean 5 min, cv {cv:g}"
    return Case(
        case_id,
        family,
        model,
        "Wq = λE[S²]/(2(1 − ρ)); P(W>0) = ρ",
        _scenario(
            case_id,
            rate_per_min=lam,
            agencies={"a": (1, time)},
            warmup=warmup,
            duration=duration,
        ),
        (
            Check("wait_mean", "mean wait (min)", wait),
            Check("prob_wait", "P(W > 0)", rho, True),
        ),
        note=note,
    )


def priority_case(
    case_id: str,
    c: int,
    rho: float,
    share: float,
    *,
    warmup: float,
    duration: float,
    note: str = "",
) -> Case:
    """Two-class non-preemptive priority M/M/c with equal service rates (Cobham).

    Model: as M/M/c; a share of visitors are priority visitors (class 0), called
    before walk-ins (class 2) but never interrupting a service; both classes have
    the same exponential counter time (mean 5 min).
    Formulas (Cobham 1954): Wq_k = C / (c μ (1 − σ_{k−1})(1 − σ_k)), σ_k the load
    of classes up to k, C the Erlang C probability at the total rate.
    """
    mu = 1.0 / SERVICE_MEAN
    lam = rho * c * mu
    high, low = priority_mmc_wait_means([lam * share, lam * (1.0 - share)], mu, c)
    return Case(
        case_id,
        "Priority M/M/c (Cobham)",
        f"M/M/{c}, ρ = {rho:g}, E[S] = {SERVICE_MEAN:g} min, priority share {share:g}",
        "Wq_k = C/(cμ(1 − σ_{k−1})(1 − σ_k))",
        _scenario(
            case_id,
            rate_per_min=lam,
            agencies={"a": (c, _exp(SERVICE_MEAN))},
            warmup=warmup,
            duration=duration,
            priority_share=share,
        ),
        (
            Check("wait_mean_class0", "mean wait, priority (min)", high),
            Check("wait_mean_class2", "mean wait, walk-in (min)", low),
        ),
        note=note,
    )


def network_case(
    case_id: str,
    *,
    rate_per_min: float,
    kiosk: tuple[int, float],
    agencies: Mapping[str, tuple[int, float]],
    mix: Sequence[tuple[Sequence[str], float]],
    warmup: float,
    duration: float,
    note: str = "",
) -> Case:
    """Build a kiosk feeding several agencies: an open Jackson (Kelly) network.

    Model: Poisson arrivals take a ticket at the kiosk (``count`` kiosks,
    exponential time) before each service (``ticket_per_service``), then queue at
    the agency of that service (c counters, exponential time); the visit types'
    shares are the routing probabilities. Every station is FIFO with exponential
    times that do not depend on the visitor's type, so the network has product
    form (Jackson 1957; Kelly 1975 for fixed multi-stop routes): each station is
    an M/M/c queue with the total rate of visits to it.
    Formulas: mean time in the MPP Σ_j v_j T_j, with v_j the mean number of visits
    to station j and T_j its M/M/c sojourn; mean wait at the kiosk C / (c μ − λ_k),
    λ_k counting every pass. (Each agency's own wait is an M/M/c wait like those of
    the Erlang C cases; compared here it would cost ten times the run.)
    """
    total = sum(share for _, share in mix)
    visits = dict.fromkeys(agencies, 0.0)
    kiosk_visits = 0.0
    for services, share in mix:
        for ref in services:
            visits[ref.split(".")[0]] += share / total
            kiosk_visits += share / total
    stations = [(kiosk_visits, 1.0 / kiosk[1], kiosk[0])]
    stations += [(visits[a], 1.0 / mean, c) for a, (c, mean) in agencies.items()]
    checks = [
        Check(
            "sojourn_mean",
            "mean time in MPP (min)",
            jackson_sojourn_mean(rate_per_min, stations),
        ),
        Check(
            "kiosk.wait_mean",
            "mean wait, kiosk (min)",
            mmc_wait_mean(rate_per_min * kiosk_visits, 1.0 / kiosk[1], kiosk[0]),
        ),
    ]
    routes = ", ".join(
        f"{'→'.join(s.split('.')[0] for s in services)} {share / total:.0%}"
        for services, share in mix
    )
    model = (
        f"λ = {rate_per_min * 60:g}/h; kiosk ×{kiosk[0]} (exp. {kiosk[1]:g} min) before each "
        f"service; agencies "
        + ", ".join(f"{a} c={c} E[S]={mean:g}" for a, (c, mean) in agencies.items())
        + f"; routes {routes}"
    )
    return Case(
        case_id,
        "Kiosk → agencies (Jackson network)",
        model,
        "T = Σ_j v_j·T_j(M/M/c); kiosk Wq = C/(cμ − λ_k)",
        _scenario(
            case_id,
            rate_per_min=rate_per_min,
            agencies={a: (c, _exp(mean)) for a, (c, mean) in agencies.items()},
            mix=mix,
            kiosk=kiosk,
            warmup=warmup,
            duration=duration,
        ),
        tuple(checks),
        note=note,
    )
