"""Plans side by side: the same visitors in every plan, and paired differences.

Every plan runs replication ``r`` with the streams of ``(seed, r)`` (common random
numbers), agencies are matched by id, and each figure of each plan is set against the
first plan replication by replication: the mean difference, its 95% t interval and a
paired t-test, whose p-values are adjusted for the number of comparisons with Holm's
method (family-wise error 5%).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mppsim.errors import MppsimError
from mppsim.experiment.sweep import run_points
from mppsim.stats.intervals import mean_ci
from mppsim.stats.metrics import LONG_WAIT_MIN
from mppsim.stats.paired import holm, paired_difference

if TYPE_CHECKING:
    from mppsim.scenario.schema import Scenario

__all__ = [
    "DEMAND_FIGURES",
    "FIGURES",
    "INPUT_FIGURES",
    "Comparison",
    "compare",
    "compare_tables",
]

FIGURES = (
    "counters",
    "arrivals",
    "visitors_per_counter",
    "served",
    "wait_mean_min",
    "wait_p90_min",
    "within_standard",
    "utilization",
    "balked",
    "reneged",
    "turned_away",
    "no_show",
    "still_waiting_at_close",
    "overtime_min",
    "walking_mean_min",
    "occupancy_peak",
    "seats",
    "minutes_over_seats",
)
"""Figures compared, in table order (a figure no plan has for a scope is left out)."""

DEMAND_FIGURES = (
    "arrivals",
    "served",
    "balked",
    "reneged",
    "turned_away",
    "no_show",
    "still_waiting_at_close",
)
"""Counts of visitors, normalised by population with ``per``."""

INPUT_FIGURES = ("counters", "seats")
"""Inputs of the plans, not random: shown, but not tested for significance."""

ALPHA = 0.05


@dataclass(frozen=True)
class Comparison:
    """Plans compared with common random numbers.

    Attributes
    ----------
    plans : tuple of str
        Plan names, the first being the one the others are set against.
    metrics : pandas.DataFrame
        One row per plan, replication and scope: ``plan, replication, scope, kind`` and
        every figure (normalised with ``per``), including ``counters``,
        ``visitors_per_counter`` and ``within_standard``; walking only when a plan
        has a layout.
    table : pandas.DataFrame
        One row per scope, figure and plan: ``scope, kind, figure, plan, mean, ci95``
        and, for every plan after the first, the paired difference to the first plan
        (``diff, diff_ci95, p_value, p_holm, significant``). A difference that is the
        same every day (an input such as counters, or an unchanged figure) is not
        tested: it is significant when it is not 0.
    replications : int
        Replications per plan.
    seed : int
        Root seed.
    standard_min : float
        Service standard of ``within_standard``, minutes.
    per : float or None
        Demand figures are per this many residents (None: per day, as simulated).
    correction : str
        How the p-values were adjusted.
    """

    plans: tuple[str, ...]
    metrics: pd.DataFrame
    table: pd.DataFrame
    replications: int
    seed: int
    standard_min: float
    per: float | None
    correction: str = "Holm (family-wise error 5%, over every tested figure of the table)"


def _unique_names(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def _counters(scenario: Scenario) -> dict[str, float]:
    counts = {
        name: float(sum(agency.counter_groups().values()))
        for name, agency in scenario.agencies.items()
    }
    return {"mpp": float(sum(counts.values())), **counts}


def _plan_table(
    scenario: Scenario, table: pd.DataFrame, plan: str, per: float | None
) -> pd.DataFrame:
    counters = _counters(scenario)
    station = table["kind"].isin(["mpp", "agency"])
    table = table.assign(counters=np.where(station, table["scope"].map(counters), np.nan))
    with np.errstate(divide="ignore", invalid="ignore"):
        table["visitors_per_counter"] = table["arrivals"] / table["counters"].where(
            table["counters"] > 0
        )
    if per is not None:
        population = scenario.city.population.value if scenario.city is not None else None
        if population is None:
            raise MppsimError(
                f"plan '{plan}' has no population (city.population.value), so its figures "
                f"cannot be given per {per:g} residents; add a city block or leave out --per"
            )
        factor = per / population
        for figure in (*DEMAND_FIGURES, "visitors_per_counter"):
            table[figure] = table[figure] * factor
    table.insert(0, "plan", plan)
    return table


def compare(
    scenarios: Sequence[Scenario],
    replications: int = 10,
    seed: int = 0,
    executor: Executor | None = None,
    standard_min: float = LONG_WAIT_MIN,
    per: float | None = None,
    names: Sequence[str] | None = None,
) -> Comparison:
    """Run plans with the same visitors and set each against the first.

    Parameters
    ----------
    scenarios : sequence of Scenario
        Two or more plans; the first is the reference.
    replications : int
        Replications per plan (at least 2 for intervals).
    seed : int
        Root seed: replication ``r`` of every plan sees the same visitors.
    executor : concurrent.futures.Executor, optional
        Where the replications run; the tables do not depend on it.
    standard_min : float
        Service standard, minutes: ``within_standard`` is the share of served visitors
        (requests, per agency) who waited at most this long.
    per : float, optional
        Give visitor counts per this many residents (e.g. 100000), from each
        scenario's ``city.population.value``; visitors per counter too.
    names : sequence of str, optional
        Plan names; default the scenarios' names.

    Returns
    -------
    Comparison
        Per-replication figures and the side-by-side table with paired differences.

    Raises
    ------
    MppsimError
        With ``per``, when a plan has no population.
    """
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two plans")
    plans = _unique_names(list(names) if names is not None else [s.name for s in scenarios])
    if per is not None:
        for plan, scenario in zip(plans, scenarios, strict=True):
            _plan_table(scenario, _empty_scope_table(), plan, per)  # refuse before running
    tables = run_points(list(scenarios), replications, seed, executor, standard_min=standard_min)
    return compare_tables(scenarios, tables, replications, seed, standard_min, per, plans)


def compare_tables(
    scenarios: Sequence[Scenario],
    tables: Sequence[pd.DataFrame],
    replications: int,
    seed: int,
    standard_min: float = LONG_WAIT_MIN,
    per: float | None = None,
    names: Sequence[str] | None = None,
) -> Comparison:
    """Set plans side by side from their per-replication tables (no simulation).

    Parameters
    ----------
    scenarios : sequence of Scenario
        The plans; the first is the reference.
    tables : sequence of pandas.DataFrame
        Per plan, one row per replication and scope with every figure and
        ``within_standard`` (:func:`~mppsim.experiment.replications.replicate_scopes`,
        or a results folder's ``metrics.parquet``), all run with the same seed.
    replications, seed : int
        How the tables were run.
    standard_min : float
        The service standard of ``within_standard``, minutes.
    per : float, optional
        Give visitor counts per this many residents.
    names : sequence of str, optional
        Plan names; default the scenarios' names.

    Returns
    -------
    Comparison
        As :func:`compare`.
    """
    plans = _unique_names(list(names) if names is not None else [s.name for s in scenarios])
    metrics = pd.concat(
        [
            _plan_table(scenario, table, plan, per)
            for plan, scenario, table in zip(plans, scenarios, tables, strict=True)
        ],
        ignore_index=True,
    )
    if all(scenario.layout is None for scenario in scenarios):
        metrics = metrics.drop(columns="walking_mean_min")  # nobody walks without a building
    return Comparison(
        tuple(plans),
        metrics,
        _side_by_side(metrics, plans),
        replications,
        seed,
        standard_min,
        per,
    )


def _empty_scope_table() -> pd.DataFrame:
    columns: dict[str, Any] = {"replication": [], "scope": [], "kind": []}
    columns.update({f: [] for f in FIGURES if f not in ("counters", "visitors_per_counter")})
    return pd.DataFrame(columns).astype({"scope": str, "kind": str})


def _side_by_side(metrics: pd.DataFrame, plans: list[str]) -> pd.DataFrame:
    scopes = metrics[["scope", "kind"]].drop_duplicates().itertuples(index=False)
    by_plan = dict(iter(metrics.groupby("plan", sort=False)))
    rows: list[dict[str, Any]] = []
    for scope, kind in scopes:
        values: dict[str, pd.DataFrame] = {}
        for plan in plans:
            frame = by_plan[plan]
            values[plan] = frame[(frame["scope"] == scope) & (frame["kind"] == kind)].set_index(
                "replication"
            )
        for figure in FIGURES:
            if figure not in metrics or all(
                values[p].empty or values[p][figure].isna().all() for p in plans
            ):
                continue
            first = values[plans[0]]
            for index, plan in enumerate(plans):
                own = values[plan]
                mean, half = mean_ci(own[figure]) if not own.empty else (np.nan, np.nan)
                row: dict[str, Any] = {
                    "scope": scope,
                    "kind": kind,
                    "figure": figure,
                    "plan": plan,
                    "mean": mean,
                    "ci95": half,
                    "diff": np.nan,
                    "diff_ci95": np.nan,
                    "p_value": np.nan,
                }
                if index and not own.empty and not first.empty:
                    both = pd.concat(
                        [first[figure].rename("a"), own[figure].rename("b")], axis=1, join="inner"
                    )
                    diff, diff_half, p, _ = paired_difference(both["a"], both["b"])
                    row.update(diff=diff, diff_ci95=diff_half)
                    # an input, or the same difference every day: nothing to test
                    if figure not in INPUT_FIGURES and diff_half != 0.0:
                        row["p_value"] = p
                rows.append(row)
    table = pd.DataFrame(rows)
    table["p_holm"] = holm(table["p_value"].to_numpy())
    exact = table["p_value"].isna() & (table["diff_ci95"] == 0.0)
    table["significant"] = np.where(exact, table["diff"] != 0.0, table["p_holm"] < ALPHA)
    table.loc[table["diff"].isna(), "significant"] = False
    return table
