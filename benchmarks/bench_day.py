"""CPU time of one simulated day of a scenario, and visitors simulated per second.

Usage:
    python benchmarks/bench_day.py [SCENARIO] [--days N] [--replications R]

Measures, with time.process_time (CPU of this process only):
  * the engine alone (simulate_spec: draw visitors, run the SimPy day, build the
    visits and level tables) per day, median over N days;
  * the whole API path of an R-replication run (mppsim.run: engine, per-replication
    metrics, time series and summary), per day;
and prints visitors per CPU second for both.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import mppsim
from mppsim.model.compile import compile_scenario
from mppsim.model.engine import simulate_spec

DEFAULT = Path(__file__).resolve().parent.parent / "scenarios" / "mpp_kota_sedang.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(DEFAULT))
    parser.add_argument("--days", type=int, default=20, help="days for the engine timing")
    parser.add_argument("--replications", type=int, default=30, help="replications for run()")
    args = parser.parse_args()

    scenario = mppsim.load_scenario(args.scenario)
    spec = compile_scenario(scenario)
    simulate_spec(spec, 0, 0)  # warm imports and caches

    cpu, visitors = [], []
    for day in range(args.days):
        start = time.process_time()
        result = simulate_spec(spec, 1, day)
        cpu.append(time.process_time() - start)
        visitors.append(result.visits["visitor"].nunique())
    per_day = statistics.median(cpu)
    mean_visitors = statistics.mean(visitors)

    mppsim.run(scenario, replications=2, seed=0)  # warm the metrics' imports (scipy) too
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    mppsim.run(scenario, replications=args.replications, seed=1)
    run_cpu = time.process_time() - start_cpu
    run_wall = time.perf_counter() - start_wall

    print(f"scenario        {scenario.name}  ({args.scenario})")
    print(f"machine         {platform.machine()}, Python {platform.python_version()}")
    print(f"visitors/day    {mean_visitors:.0f} (mean over {args.days} days)")
    print(f"engine          {per_day * 1000:.1f} ms CPU per day (median of {args.days})")
    print(f"                {mean_visitors / per_day:,.0f} visitors per CPU second")
    print(
        f"run() x{args.replications}      {run_cpu:.2f} s CPU, {run_wall:.2f} s wall "
        f"({run_cpu / args.replications * 1000:.1f} ms CPU per day with metrics)"
    )
    print(
        f"                {mean_visitors * args.replications / run_cpu:,.0f} visitors per CPU second"
    )


if __name__ == "__main__":
    main()
