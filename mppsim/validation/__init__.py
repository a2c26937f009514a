"""Validation against queueing theory: cases, estimators, runner and report.

An experiment-level layer over the model: ``case`` defines a case and the pass
rule fixed before any run, ``families`` builds the cases of each model family with
their closed forms (``stats.theory``), ``cases`` lists the suite, ``estimators``
reduces one replication to the numbers compared, ``runner`` runs the replications
and judges each comparison, and ``report`` writes ``docs/validation.md``. ``mppsim check`` and ``tests/validation`` run the
same cases.
"""

from __future__ import annotations

from mppsim.validation.cases import CASES, Case, Check, get_case
from mppsim.validation.report import write_report
from mppsim.validation.runner import CaseResult, Comparison, run_case, run_cases

__all__ = [
    "CASES",
    "Case",
    "CaseResult",
    "Check",
    "Comparison",
    "get_case",
    "run_case",
    "run_cases",
    "write_report",
]
