"""What one steady-state replication estimates: the numbers the validation cases compare.

Every estimate is computed from one replication's tables (visit rows and the level
log) and is one observation for the across-replication confidence interval. Tallies
count the visitors who *arrive* in the observed window ``[warm-up, warm-up +
duration)``; the run drains afterwards, so each of them is followed to the end and no
tally is cut short. Time averages integrate the level log over the same window.

A row's *queue time* is the time it spent in the queue: ``start - ticket`` when it was
called (served or absent), ``end - ticket`` when it reneged, and 0 when it never
queued (balked, turned away).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mppsim.model.spec import AGENCY, ModelSpec
from mppsim.stats.timeweighted import time_average
from mppsim.tables import OUTCOMES

__all__ = ["TAIL_THRESHOLDS", "little_keys", "replication_estimates"]

TAIL_THRESHOLDS = (5.0, 10.0, 15.0)
"""Minutes t of the waiting-time tails P(W > t)."""

_SERVED, _BALKED, _RENEGED = (OUTCOMES.index(o) for o in ("served", "balked", "reneged"))


def little_keys(station: str) -> tuple[str, str]:
    """Return the estimate names of Little's law at a station: (L, lambda W)."""
    return f"little.{station}.L", f"little.{station}.lw"


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


def replication_estimates(
    visits: pd.DataFrame, levels: pd.DataFrame, spec: ModelSpec
) -> dict[str, float]:
    """Return the estimates of one steady-state replication.

    Parameters
    ----------
    visits : pandas.DataFrame
        The replication's visit rows (``tables.VISIT_COLUMNS``).
    levels : pandas.DataFrame
        Its level log (``model.engine.LEVEL_COLUMNS``).
    spec : ModelSpec
        The compiled model, in horizon mode.

    Returns
    -------
    dict of str to float
        Agency rows of visitors arriving in the window, pooled over agencies (one
        agency in the single-queue cases): ``wait_mean`` (served requests),
        ``wait_mean_all`` (queue time over all requests, abandoners included),
        ``prob_wait`` (share with queue time > 0), ``wait_gt_5``, ``wait_gt_10``,
        ``wait_gt_15`` (share with queue time > t), ``abandon`` (reneged share),
        ``blocking`` (balked share), ``wait_mean_class0`` and ``wait_mean_class2``
        (served priority and walk-in requests). Per station ``<name>.wait_mean``
        (served rows) and, for agencies, ``<name>.number_in_system`` (time-average
        busy plus waiting). Per visitor ``sojourn_mean``: last departure minus
        arrival. For Little's law at each station, ``little.<name>.L`` (time-average
        number waiting) and ``little.<name>.lw`` (queue time of the rows that joined
        the queue in the window, divided by the window length: the product of the
        observed arrival rate and mean queue time).
    """
    if spec.mode != "horizon":
        raise ValueError("validation estimates need a steady-state (horizon) model")
    lo, hi = spec.warmup_min, spec.observe_end_min
    length = hi - lo
    names = spec.station_names
    codes = np.asarray(visits["station"].cat.codes.to_numpy(), dtype=np.int64)
    category_code = {name: i for i, name in enumerate(visits["station"].cat.categories)}
    outcome = np.asarray(visits["outcome"].cat.codes.to_numpy(), dtype=np.int64)
    arrival = visits["arrival_min"].to_numpy()
    ticket = visits["ticket_min"].to_numpy()
    start = visits["start_min"].to_numpy()
    end = visits["end_min"].to_numpy()
    called = ~np.isnan(start)
    queue_time = np.where(called, start - ticket, np.where(outcome == _RENEGED, end - ticket, 0.0))
    arrived = (arrival >= lo) & (arrival < hi)
    joined = (ticket >= lo) & (ticket < hi)
    served = outcome == _SERVED

    out: dict[str, float] = {}
    is_agency = visits["kind"].to_numpy() == "agency"
    rows = arrived & is_agency
    q = queue_time[rows]
    out["wait_mean"] = _mean(queue_time[rows & served])
    out["wait_mean_all"] = _mean(q)
    out["prob_wait"] = _mean(q > 0.0)
    for t in TAIL_THRESHOLDS:
        out[f"wait_gt_{t:g}"] = _mean(q > t)
    out["abandon"] = _mean(outcome[rows] == _RENEGED)
    out["blocking"] = _mean(outcome[rows] == _BALKED)
    klass = visits["priority_class"].to_numpy()
    for k in (0, 2):
        out[f"wait_mean_class{k}"] = _mean(queue_time[rows & served & (klass == k)])

    level_codes = np.asarray(levels["station"].cat.codes.to_numpy(), dtype=np.int64)
    level_names = list(levels["station"].cat.categories)
    level_time = levels["time_min"].to_numpy()
    busy = levels["busy"].to_numpy()
    waiting = levels["queue"].to_numpy()
    for s, name in enumerate(names):
        at = codes == category_code.get(name, -1)
        out[f"{name}.wait_mean"] = _mean(queue_time[at & arrived & served])
        log = level_codes == (level_names.index(name) if name in level_names else -1)
        times = level_time[log]
        if spec.stations[s].kind == AGENCY:
            out[f"{name}.number_in_system"] = time_average(times, busy[log] + waiting[log], lo, hi)
        key_l, key_lw = little_keys(name)
        out[key_l] = time_average(times, waiting[log], lo, hi)
        out[key_lw] = float(queue_time[at & joined].sum()) / length

    mine = visits.loc[arrived, ["visitor", "arrival_min", "end_min"]]
    per_visitor = mine.groupby("visitor", sort=False).agg(
        arrival=("arrival_min", "first"), end=("end_min", "max")
    )
    out["sojourn_mean"] = _mean((per_visitor["end"] - per_visitor["arrival"]).to_numpy())
    return out
