"""A validation case, its comparisons, and the pass rule every case is judged by.

A ``Case`` is a horizon-mode scenario (constant arrival rate, no calendar), the
closed-form values it must reproduce (``Check``), and its run plan: warm-up,
observed duration and number of replications.

The pass rule is fixed here, before anything runs:

* **Agreement.** A Student-t interval over the replications, at level
  ``1 - FAMILY_ALPHA / m`` with ``m`` the number of comparisons in the whole suite
  (Bonferroni), must contain the theory value. With every case correct, the chance
  that any comparison of the suite fails is then at most ``FAMILY_ALPHA``.
* **Precision.** The 95% half-width must be at most ``PRECISION`` (5%) of the theory
  value for times and numbers of visitors, and at most ``PROB_PRECISION`` (one
  percentage point) for probabilities, so a case cannot pass by being too short to
  tell anything. Run lengths were chosen from pilot runs with another root seed to
  meet this bar.
* **Which tails.** A waiting-time tail P(W > t) is compared only when theory puts it
  at ``MIN_TAIL`` or more: smaller tails would need runs far beyond the budget.

Every case also checks Little's law L = λW at each of its stations (see
``runner``), which adds one comparison per station.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FAMILY_ALPHA",
    "MIN_TAIL",
    "PRECISION",
    "PROB_PRECISION",
    "REPLICATIONS",
    "ROOT_SEED",
    "SERVICE_MEAN",
    "Case",
    "Check",
    "case_seed",
    "n_comparisons",
    "pass_level",
]

ROOT_SEED = 2026
"""Root seed of the suite; each case draws its own seed from it and its id."""
FAMILY_ALPHA = 0.05
"""Chance, with every case correct, that some comparison of the suite fails."""
PRECISION = 0.05
"""Largest 95% half-width of a time or a number allowed, as a share of the theory value."""
PROB_PRECISION = 0.01
"""Largest 95% half-width of a probability allowed (absolute)."""
MIN_TAIL = 0.05
"""Smallest theory value of a waiting-time tail P(W > t) that is compared."""
REPLICATIONS = 30
"""Independent replications per case."""
SERVICE_MEAN = 5.0
"""Mean counter time (minutes) of most cases: a typical MPP service."""


@dataclass(frozen=True)
class Check:
    """One comparison: an estimate of the replication (see ``estimators``) against theory.

    Attributes
    ----------
    key : str
        Name of the estimate in ``estimators.replication_estimates``.
    label : str
        What is compared, for the report (e.g. "P(W > 0)").
    theory : float
        The closed-form value.
    probability : bool
        The value is a probability (judged on an absolute precision bar).
    """

    key: str
    label: str
    theory: float
    probability: bool = False

    @property
    def precision(self) -> float:
        """Largest 95% half-width that counts as precise enough."""
        return PROB_PRECISION if self.probability else PRECISION * abs(self.theory)


@dataclass(frozen=True)
class Case:
    """A steady-state scenario, the theory it must reproduce and how long it runs.

    Attributes
    ----------
    id : str
        Short stable id, e.g. "mmc-07"; it also names the case's seed.
    family : str
        Model family, e.g. "M/M/c (Erlang C)".
    model : str
        The model in one line, with its parameters.
    formula : str
        The closed forms compared, in one line.
    scenario : dict
        The scenario as plain data (validated when the case runs).
    checks : tuple of Check
        The comparisons against theory.
    replications : int
        Independent replications.
    note : str
        Why the run is as long as it is, when that needs saying.
    """

    id: str
    family: str
    model: str
    formula: str
    scenario: Mapping[str, Any] = field(hash=False)
    checks: tuple[Check, ...]
    replications: int = REPLICATIONS
    note: str = ""

    @property
    def warmup(self) -> float:
        """Minutes discarded at the start of each replication."""
        return float(self.scenario["horizon"]["warmup"])

    @property
    def duration(self) -> float:
        """Minutes observed after the warm-up."""
        return float(self.scenario["horizon"]["duration"])

    @property
    def rate_per_min(self) -> float:
        """External arrival rate, per minute."""
        return float(self.scenario["arrivals"]["rate_per_hour"]) / 60.0

    @property
    def stations(self) -> tuple[str, ...]:
        """Stations where Little's law is checked: the kiosk (if any), then the agencies."""
        kiosk = ("kiosk",) if self.scenario.get("kiosk") is not None else ()
        return (*kiosk, *self.scenario["agencies"])

    @property
    def n_comparisons(self) -> int:
        """Comparisons this case makes: its checks, and Little's law at each station."""
        return len(self.checks) + len(self.stations)

    @property
    def doc(self) -> str:
        """The case in words: model, formulas, run plan."""
        arrivals = self.rate_per_min * (self.warmup + self.duration) * self.replications
        text = (
            f"{self.id} — {self.family}. Model: {self.model}. Formulas: {self.formula}. "
            f"Run: warm-up {self.warmup:g} min, then {self.duration:g} min observed, "
            f"{self.replications} replications (about {arrivals:,.0f} arrivals in all)."
        )
        return f"{text} {self.note}" if self.note else text


def case_seed(case: Case, root_seed: int = ROOT_SEED) -> int:
    """Return the case's root seed: fixed, and independent of the other cases."""
    return zlib.crc32(f"{root_seed}/{case.id}".encode())


def n_comparisons(cases: Sequence[Case]) -> int:
    """Return the number of comparisons of a suite of cases."""
    return sum(case.n_comparisons for case in cases)


def pass_level(m: int, family_alpha: float = FAMILY_ALPHA) -> float:
    """Return the confidence level of each comparison's pass interval (Bonferroni)."""
    if m < 1:
        raise ValueError(f"need at least one comparison, got {m}")
    return 1.0 - family_alpha / m
