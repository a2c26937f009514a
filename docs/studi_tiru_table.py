"""Print the studi tiru table: the six reference MPPs side by side, with 95% intervals.

Usage (from the repository root)::

    python docs/studi_tiru_table.py --replications 30 --seed 1

Runs every reference scenario (``mppsim.cities.references``) for the given number of
simulated days with ``mppsim.run`` and prints a Markdown table: visitors per day,
visitors per 100,000 residents, counters, mean and 90th-percentile wait, the share of
visitors waiting at most 15 minutes, counter utilization and visitors lost per day,
each as the mean over days with its 95% confidence half-width. Until ``mppsim
compare`` exists, this is how the README's table is made.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import mppsim
from mppsim.cities import references
from mppsim.stats.intervals import mean_ci

ORDER = [
    "surakarta",
    "surakarta_pandemi_2021",
    "banyuwangi",
    "palembang",
    "badung",
    "kota_tangerang",
    "kota_tasikmalaya",
]


def _cell(values: np.ndarray, fmt: str, scale: float = 1.0) -> str:
    mean, half = mean_ci(values * scale)
    return f"{format(mean, fmt)} ± {format(half, fmt)}"


def table(replications: int, seed: int) -> str:
    """Return the Markdown table of the reference MPPs.

    Parameters
    ----------
    replications : int
        Simulated days per scenario.
    seed : int
        Root seed (the same for every scenario).

    Returns
    -------
    str
        The table, one row per reference scenario.
    """
    refs = references()
    header = (
        "| MPP | visitors/day | per 100k residents | counters | mean wait (min) | "
        "p90 wait (min) | waited ≤ 15 min | utilization | lost/day |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for ref_id in [r for r in ORDER if r in refs] + [r for r in refs if r not in ORDER]:
        scenario = refs[ref_id].scenario
        assert scenario.city is not None
        metrics = mppsim.run(scenario, replications=replications, seed=seed).metrics
        mpp = metrics[metrics["scope"] == "mpp"].sort_values("replication")
        arrivals = mpp["arrivals"].to_numpy(float)
        counters = sum(sum(a.counter_groups().values()) for a in scenario.agencies.values())
        per_100k = 100_000 / scenario.city.population.value
        rows.append(
            f"| {ref_id} | {_cell(arrivals, '.0f')} | {_cell(arrivals, '.1f', per_100k)} | "
            f"{counters} | {_cell(mpp['wait_mean_min'].to_numpy(float), '.1f')} | "
            f"{_cell(mpp['wait_p90_min'].to_numpy(float), '.1f')} | "
            f"{_cell(1.0 - mpp['prob_wait_gt_15_min'].to_numpy(float), '.0%')} | "
            f"{_cell(mpp['utilization'].to_numpy(float), '.0%')} | "
            f"{_cell(arrivals - mpp['served'].to_numpy(float), '.1f')} |\n"
        )
    return header + "".join(rows)


def main() -> None:
    """Parse the options and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", "-r", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.stdout.write(table(args.replications, args.seed))


if __name__ == "__main__":
    main()
