"""Steady-state cases against closed forms: the suite of ``mppsim.validation.cases``.

Each case states its model, formulas, warm-up, observed duration and replications
(``Case.doc``, printed when it fails; the family builders' docstrings give the
formulas with references). The pass rule is fixed in ``mppsim.validation.cases``
before any run: the Bonferroni-level Student-t interval over replications must
contain the theory value, and the 95% half-width must meet the precision bar;
Little's law L = λW is checked at every station of every case. Seeds are fixed, so
the outcome is deterministic. ``mppsim check`` runs the same cases and writes
``docs/validation.md``.
"""

from __future__ import annotations

import pytest

from mppsim.validation import CASES, run_case

pytestmark = pytest.mark.validation


def describe(c) -> str:
    return (
        f"  {c.label}: reference {c.reference:.5g}, simulated {c.mean:.5g}, "
        f"95% ± {c.half_width_95:.3g}, pass-level ± {c.half_width_pass:.3g} "
        f"({'inside' if c.agrees else 'OUTSIDE'}, {'precise' if c.precise else 'TOO WIDE'})"
    )


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case_agrees_with_theory(case, pool):
    result = run_case(case, executor=pool)
    failed = [c for c in result.comparisons if not c.passed]
    assert not failed, case.doc + "\n" + "\n".join(describe(c) for c in failed)
