"""Steady-state M/M/c runs against Erlang C.

Model: Poisson arrivals (rate lam per minute), c counters, exponential service with
mean 1/mu, FIFO, no kiosk, no breaks (horizon mode). Formulas: Erlang C probability
of waiting C(c, lam/mu) and mean wait C / (c mu - lam) (Gross & Harris, M/M/c).

Method: R independent replications of a warm-up W then an observed duration D (both
in minutes); one estimate per replication (visitors arriving in the observed window);
a 99% Student-t interval over replications must contain the formula value. The runs
are seeded, so the test is deterministic; the tolerance is the interval, fixed before
running and never tuned. A precision bar (half-width below 10% of the value) keeps the
test from passing merely because the interval is wide; run lengths were set to meet it
(near saturation, waits are strongly autocorrelated, so rho = 0.9 needs the longest run).
"""

from __future__ import annotations

import numpy as np
import pytest

from mppsim import Scenario, run
from mppsim.stats.intervals import mean_ci
from mppsim.stats.theory import erlang_c, mmc_wait_mean

pytestmark = pytest.mark.validation

CASES = [
    # (c, lam per min, mu per min, warm-up min, duration min, replications)
    pytest.param(1, 0.7, 1.0, 500.0, 30_000.0, 10, id="M/M/1 rho=0.7"),
    pytest.param(3, 2.4, 1.0, 500.0, 20_000.0, 10, id="M/M/3 rho=0.8"),
    pytest.param(5, 4.5, 1.0, 500.0, 30_000.0, 10, id="M/M/5 rho=0.9"),
]


def mmc_scenario(c: int, lam: float, mu: float, warmup: float, duration: float) -> Scenario:
    return Scenario.model_validate(
        {
            "name": f"mm{c}",
            "horizon": {"warmup": warmup, "duration": duration},
            "arrivals": {"rate_per_hour": lam * 60, "mix": [{"services": ["a.s"], "share": 1}]},
            "agencies": {
                "a": {
                    "counters": c,
                    "services": {"s": {"time": {"dist": "exponential", "mean": 1 / mu}}},
                }
            },
        }
    )


@pytest.mark.parametrize(("c", "lam", "mu", "warmup", "duration", "reps"), CASES)
def test_mmc_agrees_with_erlang_c(c, lam, mu, warmup, duration, reps):
    result = run(mmc_scenario(c, lam, mu, warmup, duration), replications=reps, seed=2026)
    visits = result.visits
    observed = visits[
        (visits["arrival_min"] >= warmup) & (visits["arrival_min"] < warmup + duration)
    ]
    per_rep = observed.groupby("replication")["wait_min"]
    waits = per_rep.mean().to_numpy()
    p_wait = per_rep.apply(lambda w: float(np.mean(w > 0))).to_numpy()

    for estimates, theory in ((waits, mmc_wait_mean(lam, mu, c)), (p_wait, erlang_c(lam, mu, c))):
        mean, half = mean_ci(estimates, level=0.99)
        assert abs(mean - theory) <= half, f"theory {theory:.4f} outside {mean:.4f} ± {half:.4f}"
        assert half < 0.10 * theory, f"interval too wide to be a test: ± {half:.4f}"

    # the summary's per-replication mean wait is the same estimator
    metrics = result.metrics[result.metrics["scope"] == "a"]
    np.testing.assert_allclose(metrics["wait_mean_min"].to_numpy(), waits)
