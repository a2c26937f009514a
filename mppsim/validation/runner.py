"""Run validation cases: replications, per-replication estimates, comparisons, verdicts.

``run_case`` compiles the case's scenario once and runs its replications (in this
process or on any ``concurrent.futures.Executor``); each replication returns only
its estimates (a few dozen numbers), so nothing large crosses between processes.
The comparisons then follow the rule fixed in ``case``:

* theory rows: the replication estimates' Student-t interval at the pass level
  must contain the theory value, and their 95% half-width must be within the
  check's precision bar (``PRECISION`` of the value, ``PROB_PRECISION`` for a
  probability);
* Little's law rows, one per station: the per-replication difference
  L − λW (time-average number waiting minus the observed arrival rate times the
  mean queue time) must have a pass-level interval containing 0, and its 95%
  half-width must be at most ``PRECISION`` of L.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mppsim.model.compile import compile_scenario
from mppsim.model.engine import simulate_spec
from mppsim.model.spec import ModelSpec
from mppsim.scenario.schema import Scenario
from mppsim.stats.intervals import mean_ci
from mppsim.validation.cases import (
    CASES,
    PRECISION,
    Case,
    case_seed,
    n_comparisons,
    pass_level,
)
from mppsim.validation.estimators import little_keys, replication_estimates

__all__ = ["CaseResult", "Comparison", "compile_case", "run_case", "run_cases"]

CPU_KEY = "_cpu_s"
VISITORS_KEY = "_visitors"


@dataclass(frozen=True)
class Comparison:
    """One row of the report: an estimate against its reference.

    Attributes
    ----------
    case_id : str
        The case.
    kind : str
        "theory" (against a closed form) or "little" (L against λW at a station).
    label : str
        What is compared.
    reference : float
        The theory value, or the mean over replications of λW.
    mean : float
        Mean over replications of the estimate (of L for Little rows).
    half_width_95 : float
        95% half-width of the estimate (of the paired difference L − λW for Little).
    half_width_pass : float
        Half-width at the pass level, same basis.
    level : float
        The pass level.
    agrees : bool
        The pass interval contains the reference: ``|mean - reference| <= half_width_pass``.
    precise : bool
        ``half_width_95`` is within the precision bar: ``Check.precision`` for theory rows
        (5% of the value, or 0.01 for a probability), 5% of L for Little rows.
    """

    case_id: str
    kind: str
    label: str
    reference: float
    mean: float
    half_width_95: float
    half_width_pass: float
    level: float
    agrees: bool
    precise: bool

    @property
    def passed(self) -> bool:
        """Agreement and precision."""
        return self.agrees and self.precise


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case.

    Attributes
    ----------
    case : Case
        The case that ran.
    seed : int
        Its root seed.
    estimates : pandas.DataFrame
        One row per replication, one column per estimate.
    comparisons : tuple of Comparison
        Theory rows first, then Little's law per station.
    visitors : int
        Visitors simulated over all replications (warm-up included).
    cpu_s : float
        CPU seconds the replications took (summed over workers).
    wall_s : float
        Wall-clock seconds from the start of the run to the end of this case.
    """

    case: Case
    seed: int
    estimates: pd.DataFrame
    comparisons: tuple[Comparison, ...]
    visitors: int
    cpu_s: float
    wall_s: float

    @property
    def passed(self) -> bool:
        """Every comparison passed."""
        return all(c.passed for c in self.comparisons)


def compile_case(case: Case) -> ModelSpec:
    """Validate the case's scenario and compile it."""
    return compile_scenario(Scenario.model_validate(case.scenario))


def _replicate(spec: ModelSpec, seed: int, replication: int) -> dict[str, float]:
    """Task run by a worker: one replication, reduced to its estimates."""
    started = time.process_time()
    result = simulate_spec(spec, seed, replication)
    out = replication_estimates(result.visits, result.levels, spec)
    out[VISITORS_KEY] = float(result.visits["visitor"].nunique())
    out[CPU_KEY] = time.process_time() - started
    return out


def _compare(
    case_id: str,
    kind: str,
    label: str,
    values: np.ndarray,
    reference: np.ndarray,
    level: float,
    bar: float | None = None,
) -> Comparison:
    """Compare per-replication values with per-replication references (paired).

    ``bar`` is the largest precise 95% half-width; default ``PRECISION`` of the mean of
    ``values`` (Little's law rows).
    """
    diff = values - reference
    _, half_95 = mean_ci(diff, 0.95)
    _, half_pass = mean_ci(diff, level)
    mean, ref = float(np.mean(values)), float(np.mean(reference))
    if bar is None:
        bar = PRECISION * abs(mean)
    return Comparison(
        case_id=case_id,
        kind=kind,
        label=label,
        reference=ref,
        mean=mean,
        half_width_95=half_95,
        half_width_pass=half_pass,
        level=level,
        agrees=bool(abs(mean - ref) <= half_pass),
        precise=bool(half_95 <= bar),
    )


def run_case(
    case: Case,
    *,
    executor: Executor | None = None,
    seed: int | None = None,
    level: float | None = None,
) -> CaseResult:
    """Run one validation case and judge it.

    Parameters
    ----------
    case : Case
        The case.
    executor : concurrent.futures.Executor, optional
        Where replications run; default: this process. Results do not depend on it.
    seed : int, optional
        Root seed; default ``case_seed(case)``.
    level : float, optional
        Confidence level of the pass intervals; default the suite's Bonferroni level
        ``pass_level(n_comparisons(CASES))``.

    Returns
    -------
    CaseResult
        Estimates per replication, the comparisons and their verdicts.
    """
    started = time.perf_counter()
    pending = _Pending.start(case, executor, seed)
    return pending.finish(level, started)


def run_cases(
    cases: Sequence[Case] = CASES,
    *,
    executor: Executor | None = None,
    progress: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Run several cases (each with its own seed, at the suite's pass level).

    With an executor, the replications of all cases are submitted at once, so the
    workers never wait for the slowest replication of a case.

    Parameters
    ----------
    cases : sequence of Case
        Default: the whole suite.
    executor : concurrent.futures.Executor, optional
        Where replications run; default: this process.
    progress : callable, optional
        Called with each case's result as it finishes, in the order of `cases`.

    Returns
    -------
    list of CaseResult
        In the order of `cases`.
    """
    started = time.perf_counter()
    if executor is None:
        pending = (_Pending.start(case, None, None) for case in cases)
    else:
        pending = iter([_Pending.start(case, executor, None) for case in cases])
    results = []
    for job in pending:
        result = job.finish(None, started)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


@dataclass(frozen=True)
class _Pending:
    """A case whose replications have been started."""

    case: Case
    seed: int
    rows: list[Any]  # estimates, or futures of estimates

    @classmethod
    def start(cls, case: Case, executor: Executor | None, seed: int | None) -> _Pending:
        seed = case_seed(case) if seed is None else seed
        spec = compile_case(case)
        reps = range(case.replications)
        if executor is None:
            return cls(case, seed, [_replicate(spec, seed, r) for r in reps])
        return cls(case, seed, [executor.submit(_replicate, spec, seed, r) for r in reps])

    def finish(self, level: float | None, started: float) -> CaseResult:
        level = pass_level(n_comparisons(CASES)) if level is None else level
        case = self.case
        rows = [row.result() if isinstance(row, Future) else row for row in self.rows]
        estimates = pd.DataFrame(rows)
        estimates.insert(0, "replication", range(len(rows)))
        comparisons = []
        for check in case.checks:
            values = estimates[check.key].to_numpy(dtype=float)
            theory = np.full(len(values), check.theory)
            comparisons.append(
                _compare(case.id, "theory", check.label, values, theory, level, check.precision)
            )
        for station in case.stations:
            key_l, key_lw = little_keys(station)
            comparisons.append(
                _compare(
                    case.id,
                    "little",
                    f"Little L = λW, {station}",
                    estimates[key_l].to_numpy(dtype=float),
                    estimates[key_lw].to_numpy(dtype=float),
                    level,
                )
            )
        return CaseResult(
            case=case,
            seed=self.seed,
            estimates=estimates,
            comparisons=tuple(comparisons),
            visitors=int(estimates[VISITORS_KEY].sum()),
            cpu_s=float(estimates[CPU_KEY].sum()),
            wall_s=time.perf_counter() - started,
        )
