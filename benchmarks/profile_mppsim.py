"""cProfile of mppsim's engine on a benchmark workload: where its time goes.

Usage:
    python benchmarks/profile_mppsim.py [W1|W2|W2-overload|W3] [-n CUSTOMERS] [--top K]

Profiles one ``simulate_spec`` call (what compare.py times for mppsim) and prints the
top functions by cumulative and by own (total) time. Profiling slows Python code
about twofold, unevenly; use the shares, not the absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mppsim
from benchmarks import impl_mppsim
from benchmarks.common import W1_RATE, W2_OVERLOAD_RATE, W2_RATE
from mppsim.model.compile import compile_scenario
from mppsim.model.engine import simulate_spec

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "mpp_kota_sedang.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "workload", nargs="?", default="W1", choices=["W1", "W2", "W2-overload", "W3"]
    )
    parser.add_argument("-n", type=int, default=None, help="customers (default: the workload's)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    if args.workload == "W3":
        spec = compile_scenario(mppsim.load_scenario(DEFAULT_SCENARIO))
    elif args.workload == "W1":
        spec = impl_mppsim.compiled(impl_mppsim.W1_FILE, args.n or 200_000, W1_RATE)
    elif args.workload == "W2":
        spec = impl_mppsim.compiled(impl_mppsim.W2_FILE, args.n or 100_000, W2_RATE)
    else:
        spec = impl_mppsim.compiled(
            impl_mppsim.W2_OVERLOAD_FILE, args.n or 100_000, W2_OVERLOAD_RATE
        )
    simulate_spec(spec, 0, 0)  # warm imports and caches

    profiler = cProfile.Profile()
    profiler.enable()
    simulate_spec(spec, 1, 0)
    profiler.disable()
    for key in ("cumulative", "tottime"):
        print(f"\n=== {args.workload}: top {args.top} by {key} ===")
        pstats.Stats(profiler).strip_dirs().sort_stats(key).print_stats(args.top)


if __name__ == "__main__":
    main()
