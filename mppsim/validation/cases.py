"""The validation suite: every case, with its run plan and why it is that long.

Each case is built by its family's builder (``families``, whose docstrings state
the model and the formulas) and states its run plan where it is listed below:
warm-up, observed duration and, by default, ``REPLICATIONS`` replications;
``Case.doc`` spells everything out for the report and for test failures. The pass
rule every case is judged by is in ``case``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mppsim.validation.case import (
    FAMILY_ALPHA,
    MIN_TAIL,
    PRECISION,
    PROB_PRECISION,
    REPLICATIONS,
    ROOT_SEED,
    Case,
    Check,
    case_seed,
    n_comparisons,
    pass_level,
)
from mppsim.validation.families import (
    erlang_a_case,
    mg1_case,
    mmc,
    mmck_case,
    network_case,
    priority_case,
)

__all__ = [
    "CASES",
    "FAMILY_ALPHA",
    "MIN_TAIL",
    "PRECISION",
    "PROB_PRECISION",
    "REPLICATIONS",
    "ROOT_SEED",
    "Case",
    "Check",
    "case_seed",
    "erlang_a_case",
    "get_case",
    "mg1_case",
    "mmc",
    "mmck_case",
    "n_comparisons",
    "network_case",
    "pass_level",
    "priority_case",
]

_HEAVY = (
    "Near saturation successive waits are strongly correlated (the relaxation time grows "
    "like 1/(cμ(1 − √ρ)²)), so a replication holds few independent observations: the run "
    "is long and the warm-up at least five relaxation times."
)
_RARE_WAITS = (
    "Waits are rare and short here (P(W > 0) = 0.37, mean 0.77 min), so a mean within 5% "
    "needs many waits to be seen; with 12 counters that is 1.8 million visitors."
)
_MID_TAIL = (
    "The tail P(W > 5 min), a probability in the middle of the range, decided the run "
    "length: it needs more than the mean wait to come within one percentage point."
)
_SKEWED = (
    "Lognormal counter times with cv 1.5 have a heavy right tail (E[S⁴] = 1,160 E[S]⁴), "
    "so a few long services dominate a replication's mean wait: at ρ = 0.6 it needs a "
    "longer run than the M/M/1 at ρ = 0.7 (mmc-02)."
)
_LOW_CLASS = (
    "The walk-ins' mean wait (26 min behind 30% priority visitors on one counter) is the "
    "slowest quantity to settle and decided the run length."
)

LIGHT = 500.0
"""Warm-up (minutes) of light and overloaded cases: at least five relaxation times."""

CASES: tuple[Case, ...] = (
    # M/M/c, Erlang C: loads 0.5 to 0.95, 1 to 12 counters
    mmc("mmc-01", 1, 0.5, warmup=LIGHT, duration=30_000),
    mmc("mmc-02", 1, 0.7, warmup=1_000, duration=95_000),
    mmc("mmc-03", 1, 0.9, warmup=10_000, duration=380_000, note=_HEAVY),
    mmc("mmc-04", 2, 0.7, warmup=LIGHT, duration=45_000),
    mmc("mmc-05", 3, 0.8, warmup=1_000, duration=70_000),
    mmc("mmc-06", 5, 0.5, warmup=LIGHT, duration=30_000),
    mmc("mmc-07", 5, 0.85, warmup=1_000, duration=65_000, note=_MID_TAIL),
    mmc("mmc-08", 8, 0.9, warmup=1_500, duration=75_000, note=_HEAVY),
    mmc("mmc-09", 12, 0.8, warmup=LIGHT, duration=30_000, note=_RARE_WAITS),
    mmc("mmc-10", 12, 0.95, warmup=4_000, duration=140_000, note=_HEAVY),
    # M/M/c/K via balking at K − c waiting
    mmck_case("mmck-01", 1, 5, 0.9, warmup=LIGHT, duration=20_000),
    mmck_case("mmck-02", 2, 4, 0.8, warmup=LIGHT, duration=20_000),
    mmck_case("mmck-03", 3, 10, 1.0, warmup=LIGHT, duration=10_000),
    mmck_case("mmck-04", 6, 9, 1.2, warmup=LIGHT, duration=5_000),
    # Erlang-A via exponential patience
    erlang_a_case("erla-01", 1, 0.9, 10.0, warmup=LIGHT, duration=10_000),
    erlang_a_case("erla-02", 2, 1.3, 5.0, warmup=LIGHT, duration=10_000),
    erlang_a_case("erla-03", 4, 1.1, 15.0, warmup=LIGHT, duration=5_000),
    erlang_a_case("erla-04", 12, 1.0, 20.0, warmup=LIGHT, duration=10_000),
    # M/D/1 and M/G/1 (lognormal)
    mg1_case("md1-01", 0.5, {"dist": "deterministic", "value": 5.0}, warmup=LIGHT, duration=16_000),
    mg1_case(
        "md1-02", 0.85, {"dist": "deterministic", "value": 5.0}, warmup=2_000, duration=75_000
    ),
    mg1_case(
        "mg1-01", 0.5, {"dist": "lognormal", "mean": 5.0, "cv": 1.0}, warmup=LIGHT, duration=45_000
    ),
    mg1_case(
        "mg1-02", 0.8, {"dist": "lognormal", "mean": 5.0, "cv": 0.5}, warmup=3_000, duration=55_000
    ),
    mg1_case(
        "mg1-03",
        0.6,
        {"dist": "lognormal", "mean": 5.0, "cv": 1.5},
        warmup=2_000,
        duration=135_000,
        note=_SKEWED,
    ),
    # two-class non-preemptive priority
    priority_case("prio-01", 1, 0.8, 0.3, warmup=3_000, duration=150_000, note=_LOW_CLASS),
    priority_case("prio-02", 3, 0.8, 0.2, warmup=1_000, duration=55_000),
    priority_case("prio-03", 8, 0.85, 0.5, warmup=1_000, duration=30_000),
    # kiosk → agencies
    network_case(
        "jackson-01",
        rate_per_min=1.0,
        kiosk=(1, 0.6),
        agencies={"a": (3, 5.0), "b": (2, 5.0), "c": (1, 3.0)},
        mix=[(["a.s"], 0.5), (["b.s"], 0.3), (["c.s"], 0.2)],
        warmup=1_000,
        duration=10_000,
    ),
    network_case(
        "jackson-02",
        rate_per_min=1.5,
        kiosk=(2, 1.0),
        agencies={"a": (5, 6.0), "b": (4, 5.0), "c": (3, 4.0), "d": (1, 3.0)},
        mix=[(["a.s"], 0.4), (["b.s"], 0.3), (["c.s"], 0.2), (["d.s"], 0.1)],
        warmup=1_000,
        duration=10_000,
    ),
    network_case(
        "jackson-03",
        rate_per_min=0.8,
        kiosk=(1, 0.5),
        agencies={"a": (4, 5.0), "b": (2, 4.0)},
        mix=[(["a.s"], 0.5), (["b.s"], 0.2), (["a.s", "b.s"], 0.3)],
        warmup=1_000,
        duration=10_000,
    ),
)
"""The validation suite, in report order."""


def get_case(case_id: str) -> Case:
    """Return the case with this id."""
    for case in CASES:
        if case.id == case_id:
            return case
    raise KeyError(f"no validation case {case_id!r} (cases: {', '.join(c.id for c in CASES)})")


def _check_suite(cases: Sequence[Case]) -> None:
    ids = [case.id for case in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("validation case ids must be distinct")
    for case in cases:
        for check in case.checks:
            if not (math.isfinite(check.theory) and check.theory > 0):
                raise ValueError(f"{case.id}: theory value of {check.key} must be > 0")


_check_suite(CASES)
