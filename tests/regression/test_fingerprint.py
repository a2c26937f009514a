"""The engine's tables, hashed per case, equal the committed reference values.

``benchmarks/fingerprint.py`` hashes every table ``simulate_spec`` returns for a set of
cases (bundled scenarios, variants that exercise the rarer rules, benchmark workloads).
``tests/data/fingerprints.json`` holds the values of the engine as committed: a
refactoring or an optimisation must leave them unchanged. A change that is meant to
change results (a fixed rule, a new use of a random stream) updates the file in the
same commit — ``python benchmarks/fingerprint.py --save tests/data/fingerprints.json``
— and says why in the commit message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import fingerprint

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "fingerprints.json"
EXPECTED: dict[str, str] = json.loads(REFERENCE.read_text(encoding="utf-8"))


def test_reference_covers_every_case():
    assert sorted(EXPECTED) == sorted(case for case, _spec, _reps in fingerprint.cases())


@pytest.mark.parametrize(("case", "spec", "replications"), list(fingerprint.cases()))
def test_tables_equal_reference(case, spec, replications):
    assert fingerprint.fingerprint(spec, fingerprint.SEED, replications) == EXPECTED[case], (
        f"the tables of case {case!r} changed; if that is intended, regenerate "
        "tests/data/fingerprints.json with benchmarks/fingerprint.py --save and say why"
    )
