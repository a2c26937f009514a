"""mppsim against other ways of writing the same queueing models: speed and agreement.

Usage:
    python benchmarks/compare.py [--quick] [--rounds N] [--only IMPL[,IMPL]]
                                 [--workloads W1,W2,W2-overload,W3] [--markdown]

Runs every implementation on every workload alternately (round-robin: in each round
every workload, and within a workload every implementation once, starting one
implementation later each round), then prints per workload and implementation the
median over rounds of customers, CPU seconds and customers per CPU second, and that
rate as a multiple of mppsim's. Then checks that the implementations agree: mean
waits per station against mppsim's, and against queueing theory where it is exact.
W3 (mppsim only) is 100 replications of the bundled default scenario: days and
visitors per CPU second, and whether memory per replication stays flat.
Exit status 1 when an agreement check fails.

Timing is CPU time of this process (``time.process_time``) around the simulation
only; what exactly is inside is stated in each ``impl_*.py``. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

import numpy as np
from scipy import stats

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import (
    impl_ciw,
    impl_mppsim,
    impl_recursion,
    impl_salabim,
    impl_simpy_idiomatic,
    impl_simpy_tuned,
)
from benchmarks.common import (
    W1_MU,
    W1_RATE,
    W1_SERVERS,
    W1_STATION,
    W2_CV,
    W2_KIOSK_MEAN,
    W2_KIOSK_SERVERS,
    W2_MEANS,
    W2_OVERLOAD_RATE,
    W2_RATE,
    W2_SHARES,
    W2_STATIONS,
    Result,
)
from mppsim.stats.theory import mg1_wait_mean, mmc_wait_mean

IMPLS = {
    m.NAME: m
    for m in (
        impl_mppsim,
        impl_simpy_idiomatic,
        impl_simpy_tuned,
        impl_ciw,
        impl_salabim,
        impl_recursion,
    )
}
REFERENCE = impl_mppsim.NAME
DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "mpp_kota_sedang.yaml"
FAMILY_LEVEL = 0.95
"""Family-wise confidence of the agreement checks (Bonferroni over all comparisons)."""


@dataclass(frozen=True)
class Workload:
    key: str
    label: str
    rate: float | None  # None: W1
    n: int
    n_quick: int
    n_by_impl: dict[str, int] = field(default_factory=dict)  # exceptions to n
    n_quick_by_impl: dict[str, int] = field(default_factory=dict)
    steady: bool = True  # steady state: batch means; else replications

    def size(self, impl: str, quick: bool) -> int:
        if quick:
            return self.n_quick_by_impl.get(impl, self.n_quick)
        return self.n_by_impl.get(impl, self.n)

    def run(self, impl: str, n: int, seed: int) -> Result:
        module = IMPLS[impl]
        if self.rate is None:
            return module.run_w1(n, seed)
        return module.run_w2(n, self.rate, seed)

    def theory(self) -> dict[str, tuple[float, str]]:
        """Exact mean waits by station, with the formula's name."""
        if self.rate is None:
            return {W1_STATION: (mmc_wait_mean(W1_RATE, W1_MU, W1_SERVERS), "Erlang C")}
        if self.steady:
            # Burke: the kiosk (M/M/2) sends out a Poisson stream; thinned, each agency
            # sees Poisson arrivals, so the one-counter agency is M/G/1 (Pollaczek-Khinchine)
            lam5 = self.rate * W2_SHARES[-1]
            var5 = (W2_CV * W2_MEANS[-1]) ** 2
            return {
                "kiosk": (
                    mmc_wait_mean(self.rate, 1.0 / W2_KIOSK_MEAN, W2_KIOSK_SERVERS),
                    "Erlang C",
                ),
                "ag5": (mg1_wait_mean(lam5, W2_MEANS[-1], var5), "P-K M/G/1"),
            }
        return {}


SLOW = {"salabim": 20_000}
WORKLOADS = {
    "W1": Workload("W1", "W1 M/M/5 rho=0.9", None, 200_000, 20_000, SLOW, {"salabim": 3_000}),
    "W2": Workload("W2", "W2 network 1/min", W2_RATE, 100_000, 10_000, SLOW, {"salabim": 3_000}),
    "W2-overload": Workload(
        "W2-overload",
        "W2 overload 6/min",
        W2_OVERLOAD_RATE,
        100_000,
        10_000,
        {"salabim": 20_000, "ciw": 20_000},
        {"salabim": 3_000, "ciw": 3_000},
        steady=False,
    ),
}
W3_REPLICATIONS, W3_REPLICATIONS_QUICK = 100, 5


# --------------------------------------------------------------------------- running


def seed_for(impl: str, workload: str, round_: int) -> int:
    """Independent seeds per implementation, workload and round (never shared)."""
    return 1_000_000 * (1 + list(IMPLS).index(impl)) + 1_000 * round_ + len(workload)


def timed(workload: Workload, impl: str, n: int, seed: int) -> Result:
    gc.collect()  # do not charge a run for the previous run's garbage
    return workload.run(impl, n, seed)


@dataclass
class W3Round:
    days: int
    visitors: int
    cpu_s: float
    rss_mb: list[float]


def rss_mb() -> float:
    """Current resident set size of this process, MB (Linux)."""
    with Path("/proc/self/statm").open() as f:
        pages = int(f.read().split()[1])
    return pages * (_page_size() / 2**20)


def _page_size() -> int:
    import resource

    return resource.getpagesize()


def run_w3(replications: int, seed: int) -> W3Round:
    import mppsim
    from mppsim.model.compile import compile_scenario
    from mppsim.model.engine import simulate_spec

    spec = compile_scenario(mppsim.load_scenario(DEFAULT_SCENARIO))
    gc.collect()
    cpu, visitors, rss = 0.0, 0, []
    for rep in range(replications):
        start = time.process_time()
        result = simulate_spec(spec, seed, rep)
        cpu += time.process_time() - start
        visitors += int(result.visits["visitor"].nunique())
        del result
        rss.append(rss_mb())
    return W3Round(replications, visitors, cpu, rss)


def w3_tracemalloc(replications: int, seed: int) -> tuple[list[float], list[float]]:
    """Peak and retained traced memory (MB) per replication, untimed."""
    import mppsim
    from mppsim.model.compile import compile_scenario
    from mppsim.model.engine import simulate_spec

    spec = compile_scenario(mppsim.load_scenario(DEFAULT_SCENARIO))
    gc.collect()
    tracemalloc.start()
    peaks, retained = [], []
    try:
        for rep in range(replications):
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            result = simulate_spec(spec, seed, rep)
            del result
            gc.collect()
            current, peak = tracemalloc.get_traced_memory()
            peaks.append((peak - base) / 2**20)
            retained.append(current / 2**20)
    finally:
        tracemalloc.stop()
    return peaks, retained


# --------------------------------------------------------------------------- agreement


@dataclass
class Estimate:
    mean: float
    se: float
    df: float
    n_runs: int


def steady_estimate(results: list[Result], station: str) -> Estimate | None:
    """Pooled batch means over runs (independent seeds): mean and standard error."""
    batches = np.concatenate([r.batch_means.get(station, np.array([])) for r in results])
    batches = batches[np.isfinite(batches)]
    if len(batches) < 2:
        return None
    return Estimate(
        float(batches.mean()),
        float(batches.std(ddof=1) / math.sqrt(len(batches))),
        len(batches) - 1,
        len(results),
    )


def replication_estimate(results: list[Result], station: str) -> Estimate | None:
    """Mean over runs (independent seeds) of each run's mean wait, and its standard error."""
    values = np.array([r.mean_wait.get(station, math.nan) for r in results])
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return None
    return Estimate(
        float(values.mean()),
        float(values.std(ddof=1) / math.sqrt(len(values))),
        len(values) - 1,
        len(values),
    )


@dataclass
class Check:
    workload: str
    station: str
    impl: str
    against: str
    estimate: Estimate
    reference: float
    ref_se: float
    df: float

    @property
    def diff(self) -> float:
        return self.estimate.mean - self.reference

    @property
    def se(self) -> float:
        return math.hypot(self.estimate.se, self.ref_se)

    @property
    def t(self) -> float:
        return self.diff / self.se if self.se > 0 else math.inf

    def critical(self, m: int) -> float:
        alpha = (1.0 - FAMILY_LEVEL) / m
        return float(stats.t.ppf(1.0 - alpha / 2.0, self.df))


def welch_df(a: Estimate, b: Estimate) -> float:
    va, vb = a.se**2, b.se**2
    if va + vb == 0:
        return math.inf
    return (va + vb) ** 2 / (va**2 / a.df + vb**2 / b.df)


def agreement(
    workload: Workload,
    runs: dict[str, list[Result]],
    references: dict[int, list[Result]],
    sizes: dict[str, int],
) -> list[Check]:
    estimate = steady_estimate if workload.steady else replication_estimate
    stations = [W1_STATION] if workload.rate is None else list(W2_STATIONS)
    checks: list[Check] = []
    theory = workload.theory()
    for impl, results in runs.items():
        for station in stations:
            est = estimate(results, station)
            if est is None:
                continue
            if station in theory:
                value, name = theory[station]
                checks.append(Check(workload.key, station, impl, name, est, value, 0.0, est.df))
            if impl == REFERENCE:
                continue
            # a steady-state mean does not depend on the run length; an overload mean does,
            # so there the reference is mppsim at the same size
            same = workload.steady or sizes[impl] == sizes.get(REFERENCE)
            ref_runs = runs.get(REFERENCE) if same else references.get(sizes[impl])
            if not ref_runs:
                continue
            ref = estimate(ref_runs, station)
            if ref is None:
                continue
            against = REFERENCE if same else f"{REFERENCE} n={sizes[impl]:,}"
            checks.append(
                Check(
                    workload.key, station, impl, against, est, ref.mean, ref.se, welch_df(est, ref)
                )
            )
    return checks


# --------------------------------------------------------------------------- printing


def table(rows: list[list[str]], header: list[str], markdown: bool, right: set[int]) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |"]
        lines.append(
            "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"
        )
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]

    def fmt(r: list[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)
        )

    return "\n".join([fmt(header), "  ".join("-" * w for w in widths), *(fmt(r) for r in rows)])


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def environment_line() -> str:
    versions = ", ".join(
        f"{pkg} {version(pkg)}" for pkg in ("mppsim", "simpy", "ciw", "salabim", "numpy")
    )
    return (
        f"{date.today().isoformat()}, {os.cpu_count()}-core {platform.machine()} {cpu_name()}, "
        f"Python {platform.python_version()}; {versions}; {source_state()}"
    )


def source_state() -> str:
    """The mppsim source that was measured: git commit, and a hash of the engine if edited."""
    import hashlib
    import subprocess

    root = Path(__file__).resolve().parent.parent
    engine = root / "mppsim" / "model" / "engine.py"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            check=False,
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "mppsim"],
            check=False,
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "mppsim source: unknown"
    state = f"mppsim at {commit or 'unknown commit'}"
    if dirty:
        digest = hashlib.sha256(engine.read_bytes()).hexdigest()[:12]
        state += f" + uncommitted changes in mppsim/ (engine.py sha256 {digest})"
    return state


def fmt_int(x: float) -> str:
    return f"{x:,.0f}"


def fmt_wait(x: float) -> str:
    return f"{x:,.4g}" if abs(x) < 100 else f"{x:,.0f}"


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run (< 1 min)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds (default 5; quick 2)")
    parser.add_argument("--only", default=None, help="comma-separated implementations")
    parser.add_argument(
        "--workloads", default="W1,W2,W2-overload,W3", help="comma-separated workloads"
    )
    parser.add_argument("--markdown", action="store_true", help="print tables as Markdown")
    args = parser.parse_args(argv)

    rounds = args.rounds or (2 if args.quick else 5)
    impls = list(IMPLS) if args.only is None else [s.strip() for s in args.only.split(",")]
    unknown = [i for i in impls if i not in IMPLS]
    keys = [s.strip() for s in args.workloads.split(",") if s.strip()]
    unknown += [k for k in keys if k not in WORKLOADS and k != "W3"]
    if unknown:
        parser.error(
            f"unknown: {', '.join(unknown)} (implementations: {', '.join(IMPLS)}; "
            f"workloads: {', '.join([*WORKLOADS, 'W3'])})"
        )
    workloads = [WORKLOADS[k] for k in keys if k in WORKLOADS]
    do_w3 = "W3" in keys and REFERENCE in impls
    if "W3" in keys and not do_w3:
        print(f"# W3 skipped: it runs {REFERENCE} only", file=sys.stderr)
    quick = args.quick
    sizes = {w.key: {i: w.size(i, quick) for i in impls} for w in workloads}

    print(f"# {environment_line()}", flush=True)
    print(f"# {rounds} rounds{' (quick sizes)' if quick else ''}; CPU time of the simulation only")

    # warm up imports and caches
    for w in workloads:
        for impl in impls:
            w.run(impl, 200, 1)

    runs: dict[str, dict[str, list[Result]]] = {w.key: {i: [] for i in impls} for w in workloads}
    w3_rounds: list[W3Round] = []
    w3_reps = W3_REPLICATIONS_QUICK if quick else W3_REPLICATIONS
    cpu_share: list[float] = []  # CPU time / wall time of each run: < 1 when others compete
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    for r in range(rounds):
        if do_w3:
            w3_rounds.append(run_w3(w3_reps, seed=r))
            w3 = w3_rounds[-1]
            print(
                f"  round {r + 1} W3 {w3.days} days {w3.cpu_s:.2f} s", file=sys.stderr, flush=True
            )
        for w in workloads:
            order = impls[r % len(impls) :] + impls[: r % len(impls)]
            for impl in order:
                n = sizes[w.key][impl]
                wall0, cpu0 = time.perf_counter(), time.process_time()
                res = timed(w, impl, n, seed_for(impl, w.key, r))
                cpu_share.append((time.process_time() - cpu0) / (time.perf_counter() - wall0))
                runs[w.key][impl].append(res)
                print(
                    f"  round {r + 1} {w.key:<12} {impl:<16} {res.customers:>8,} "
                    f"{res.cpu_s:7.2f} s {res.customers / res.cpu_s:>12,.0f}/s",
                    file=sys.stderr,
                    flush=True,
                )

    # extra (untimed) mppsim runs at the sizes other implementations ran at, for the
    # agreement of non-steady workloads (overload waits depend on the run length)
    references: dict[str, dict[int, list[Result]]] = {}
    if REFERENCE in impls:
        for w in workloads:
            references[w.key] = {}
            if w.steady:
                continue
            other = {n for i, n in sizes[w.key].items() if n != sizes[w.key][REFERENCE]}
            for n in sorted(other):
                references[w.key][n] = [
                    w.run(REFERENCE, n, seed_for(REFERENCE, w.key, 100 + r)) for r in range(rounds)
                ]
    elapsed = time.perf_counter() - started

    # ---------------------------------------------------------------- speed table
    rows = []
    for w in workloads:
        ref_rate = None
        if REFERENCE in impls:
            ref_rate = statistics.median(x.customers / x.cpu_s for x in runs[w.key][REFERENCE])
        for impl in impls:
            res = runs[w.key][impl]
            rates = [x.customers / x.cpu_s for x in res]
            rate = statistics.median(rates)
            spread = (max(rates) - min(rates)) / rate if len(rates) > 1 else 0.0
            rows.append(
                [
                    w.label,
                    impl,
                    fmt_int(statistics.median(x.customers for x in res)),
                    f"{statistics.median(x.cpu_s for x in res):.3f}",
                    fmt_int(rate),
                    f"±{spread / 2:.0%}",
                    f"{rate / ref_rate:.2f}" if ref_rate else "–",
                ]
            )
    if rows:
        print()
        print(
            table(
                rows,
                [
                    "workload",
                    "implementation",
                    "customers",
                    "CPU s",
                    "customers/s",
                    "spread",
                    "× mppsim",
                ],
                args.markdown,
                {2, 3, 4, 5, 6},
            )
        )
        print(
            "\nmedians over rounds; spread: half the range of customers/s over rounds, "
            "relative to the median"
        )

    if w3_rounds:
        days_s = statistics.median(x.days / x.cpu_s for x in w3_rounds)
        visitors_s = statistics.median(x.visitors / x.cpu_s for x in w3_rounds)
        visitors_day = statistics.mean(x.visitors / x.days for x in w3_rounds)
        print()
        print(
            table(
                [
                    [
                        f"W3 {DEFAULT_SCENARIO.stem} ×{w3_reps}",
                        REFERENCE,
                        fmt_int(visitors_day),
                        f"{statistics.median(x.cpu_s for x in w3_rounds):.2f}",
                        f"{days_s:.1f}",
                        fmt_int(visitors_s),
                    ]
                ],
                ["workload", "implementation", "visitors/day", "CPU s", "days/s", "visitors/s"],
                args.markdown,
                {2, 3, 4, 5},
            )
        )
        k = max(1, len(w3_rounds[0].rss_mb) // 10)
        first = statistics.median(v for x in w3_rounds for v in x.rss_mb[:k])
        last = statistics.median(v for x in w3_rounds for v in x.rss_mb[-k:])
        peaks, retained = w3_tracemalloc(w3_reps, seed=999)
        kp = max(1, len(peaks) // 10)
        print(
            f"\nW3 memory: RSS after replication (median, first/last {k} of each round) "
            f"{first:.0f} / {last:.0f} MB; tracemalloc (separate untimed pass): peak per "
            f"replication first/last {kp} {statistics.median(peaks[:kp]):.1f} / "
            f"{statistics.median(peaks[-kp:]):.1f} MB, retained after replication "
            f"{retained[0]:.2f} → {retained[-1]:.2f} MB: "
            + ("flat" if retained[-1] - retained[0] < 1.0 and last - first < 20 else "GROWS")
        )

    # ---------------------------------------------------------------- agreement
    checks: list[Check] = []
    failures = 0
    for w in workloads:
        checks += agreement(w, runs[w.key], references.get(w.key, {}), sizes[w.key])
    if checks:
        m = len(checks)
        rows = []
        for c in checks:
            crit = c.critical(m)
            ok = abs(c.t) <= crit
            failures += not ok
            rows.append(
                [
                    c.workload,
                    c.station,
                    c.impl,
                    c.against,
                    f"{fmt_wait(c.estimate.mean)} ± {fmt_wait(crit * c.estimate.se)}",
                    fmt_wait(c.reference) + (f" ± {fmt_wait(crit * c.ref_se)}" if c.ref_se else ""),
                    f"{c.t:+.2f}",
                    f"{crit:.2f}",
                    "PASS" if ok else "FAIL",
                ]
            )
        print()
        print(
            table(
                rows,
                [
                    "workload",
                    "station",
                    "implementation",
                    "against",
                    "mean wait (min)",
                    "reference",
                    "t",
                    "crit",
                    "result",
                ],
                args.markdown,
                {4, 5, 6, 7},
            )
        )
        print(
            f"\nagreement: {m - failures} of {m} PASS, family-wise {FAMILY_LEVEL:.0%} "
            f"(Bonferroni: each check at {1 - (1 - FAMILY_LEVEL) / m:.4%}, two-sided t). "
            "Steady-state workloads: standard error from batch means (up to 10 batches of at "
            "least 200 customers per run, by order of arrival at the station, after the first "
            "5% of the horizon; pooled "
            "over rounds with independent seeds). W2-overload: one mean per run, over "
            "rounds. ± is the critical value times the standard error."
        )
    if cpu_share:
        print(
            f"\n# CPU share of wall time per run: median {statistics.median(cpu_share):.0%}, "
            f"lowest {min(cpu_share):.0%} (well below 100%: other processes competed for the "
            f"CPU); 1-min load average {load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end"
        )
    print(f"# wall time {elapsed:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
