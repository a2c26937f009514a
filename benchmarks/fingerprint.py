"""Fingerprints of the engine's tables: proof that an optimisation changes no result.

Usage:
    python benchmarks/fingerprint.py            # print one SHA-256 per case
    python benchmarks/fingerprint.py --save F   # write them to F (JSON)
    python benchmarks/fingerprint.py --check F  # compare with F; exit 1 on any difference

Each case is a bundled scenario (or a variant of one, through ``--set`` overrides, or a
benchmark workload at a small size) run for a few replications with a fixed seed. A
case's fingerprint hashes every table ``simulate_spec`` returns — visits, the station
level log, the zone level log, the waiting counts at closing and the end time — so
two engines have the same fingerprints only if they produce the same tables, row for
row and bit for bit. Run ``--save`` before an optimisation and ``--check`` after it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

import mppsim
from benchmarks import impl_mppsim
from benchmarks.common import W1_RATE, W2_OVERLOAD_RATE, W2_RATE
from mppsim.model.compile import compile_scenario
from mppsim.model.engine import simulate_spec

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "mpp_kota_sedang.yaml"

#: (case id, scenario file, overrides); every bundled scenario and the rarer rules.
SCENARIO_CASES: list[tuple[str, Path, list[str]]] = [
    ("default", DEFAULT, []),
    ("default-friday", DEFAULT, ["calendar.day_type=friday"]),
    (
        "interrupt-turn-away",
        DEFAULT,
        ["calendar.break_rule=interrupt", "calendar.at_close=turn_away"],
    ),
    ("busy-day", DEFAULT, ["arrivals.daily_visitors=2600"]),
    ("busy-interrupt", DEFAULT, ["arrivals.daily_visitors=2600", "calendar.break_rule=interrupt"]),
    (
        "stress-interrupt",
        DEFAULT,
        [
            "arrivals.daily_visitors=2600",
            "calendar.break_rule=interrupt",
            "behaviour.no_show=0.3",
            "behaviour.patience.mean=30",
            "kiosk.ticket_per_service=false",
        ],
    ),
    ("layout-a", ROOT / "scenarios" / "mpp_kota_sedang_layout_a.yaml", []),
    ("layout-b", ROOT / "scenarios" / "mpp_kota_sedang_layout_b.yaml", []),
]
REPLICATIONS = 4
SEED = 11


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    """Return the columns, dtypes and values of ``frame`` as bytes (categoricals by label)."""
    parts = [repr(list(frame.columns)).encode(), repr([str(t) for t in frame.dtypes]).encode()]
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            parts.append(repr(list(column.cat.categories)).encode())
            parts.append(column.cat.codes.to_numpy().tobytes())
        else:
            parts.append(column.to_numpy().tobytes())
    return b"\0".join(parts)


def fingerprint(spec, seed: int, replications: int) -> str:
    """Return the SHA-256 of every table of ``replications`` runs of ``spec``."""
    digest = hashlib.sha256()
    for r in range(replications):
        result = simulate_spec(spec, seed, r)
        for frame in (result.visits, result.levels, result.zone_levels):
            digest.update(_frame_bytes(frame))
        digest.update(repr(sorted(result.waiting_at_close.items())).encode())
        digest.update(repr(result.end_min).encode())
    return digest.hexdigest()


def cases():
    """Yield (case id, compiled spec, replications)."""
    for case, path, overrides in SCENARIO_CASES:
        yield case, compile_scenario(mppsim.load_scenario(path, overrides)), REPLICATIONS
    yield "W1", impl_mppsim.compiled(impl_mppsim.W1_FILE, 20_000, W1_RATE), 2
    yield "W2", impl_mppsim.compiled(impl_mppsim.W2_FILE, 20_000, W2_RATE), 2
    yield (
        "W2-overload",
        impl_mppsim.compiled(impl_mppsim.W2_OVERLOAD_FILE, 10_000, W2_OVERLOAD_RATE),
        1,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--save", type=Path, help="write the fingerprints to this JSON file")
    group.add_argument("--check", type=Path, help="compare with the fingerprints in this file")
    args = parser.parse_args()

    prints = {case: fingerprint(spec, SEED, reps) for case, spec, reps in cases()}
    for case, value in prints.items():
        print(f"{case:22s} {value}")
    if args.save:
        args.save.write_text(json.dumps(prints, indent=2) + "\n", encoding="utf-8")
    if args.check:
        expected = json.loads(args.check.read_text(encoding="utf-8"))
        differ = sorted(
            c for c in expected.keys() | prints.keys() if expected.get(c) != prints.get(c)
        )
        print("identical" if not differ else f"DIFFERENT: {', '.join(differ)}")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
