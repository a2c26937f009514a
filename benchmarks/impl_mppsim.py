"""mppsim itself, on the scenario files in ``benchmarks/scenarios/``.

What is timed: ``mppsim.model.engine.simulate_spec(spec, seed, 0)``, i.e. drawing
every visitor (NumPy), the SimPy run and building its visits and level tables (the
engine with its recording). Not timed: loading and validating the scenario file,
``compile_scenario``, and reading the waits back from the visits table.

Stopping: horizon mode with warm-up 0 and ``duration = n / rate``: walk-ins arrive
as a Poisson process on [0, duration), then the engine runs until the system is
empty, so every visitor is served. Sizes other than the files' own are set with
overrides of ``horizon.duration`` (and ``arrivals.rate_per_hour``).
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

import numpy as np

import mppsim
from benchmarks.common import W1_RATE, W2_OVERLOAD_RATE, Result, horizon, make_result
from mppsim.model.compile import compile_scenario
from mppsim.model.engine import simulate_spec

NAME = "mppsim"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
W1_FILE = SCENARIOS / "w1_mmc.yaml"
W2_FILE = SCENARIOS / "w2_network.yaml"
W2_OVERLOAD_FILE = SCENARIOS / "w2_overload.yaml"


@functools.lru_cache(maxsize=16)
def compiled(path: Path, n_customers: int, rate: float):
    """Return the compiled spec of ``path`` with arrivals on [0, n / rate) at ``rate``/min."""
    overrides = [
        f"horizon.duration={horizon(n_customers, rate)!r}",
        f"arrivals.rate_per_hour={rate * 60.0!r}",
    ]
    return compile_scenario(mppsim.load_scenario(path, overrides))


def _timed(spec, seed: int):
    start = time.process_time()
    result = simulate_spec(spec, seed, 0)
    return result, time.process_time() - start


def _stations(visits) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rows = visits[visits["outcome"] == "served"]
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for station, group in rows.groupby("station", observed=True, sort=False):
        out[str(station)] = (group["ticket_min"].to_numpy(), group["wait_min"].to_numpy())
    return out


def run_w1(n_customers: int, seed: int) -> Result:
    spec = compiled(W1_FILE, n_customers, W1_RATE)
    result, cpu = _timed(spec, seed)
    visits = result.visits
    n = int(visits["visitor"].nunique())
    served = int((visits["outcome"] == "served").sum())
    return make_result(n, cpu, served, _stations(visits), horizon(n_customers, W1_RATE))


def run_w2(n_customers: int, rate: float, seed: int) -> Result:
    path = W2_OVERLOAD_FILE if rate == W2_OVERLOAD_RATE else W2_FILE
    spec = compiled(path, n_customers, rate)
    result, cpu = _timed(spec, seed)
    visits = result.visits
    n = int(visits["visitor"].nunique())
    agency = visits["kind"] == "agency"
    served = int((agency & (visits["outcome"] == "served")).sum())
    return make_result(n, cpu, served, _stations(visits), horizon(n_customers, rate))
