"""What a replication records while it runs, and the tables made from it at the end.

The engine appends packed records — a ``RECORD`` struct per visitor and leg, and a
(time, level code) pair per change of a station's counts — because packing is the
cheapest thing to do per event and keeps a long run compact. This module holds the
packing formats and turns the records into the visits, level and zone tables
(``tables.VISIT_COLUMNS``, ``LEVEL_COLUMNS``, ``ZONE_LEVEL_COLUMNS``) once, in NumPy.
No pandas object is built while the run goes on.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mppsim.model.arrivals import Visitors
from mppsim.tables import KINDS, OUTCOMES, REASONS, empty_visits

if TYPE_CHECKING:
    from mppsim.model.legs import Leg

__all__ = [
    "BUSY_ONE",
    "LEVEL_COLUMNS",
    "ON_DUTY_ONE",
    "RECORD",
    "STATION_SHIFT",
    "WAITING_ONE",
    "ZONE_LEVEL_COLUMNS",
    "levels_frame",
    "pack_record",
    "visits_frame",
    "zone_levels_frame",
]

LEVEL_COLUMNS = ("time_min", "station", "busy", "queue", "on_duty")
"""Columns of ``ReplicationResult.levels``: a step function per station."""

ZONE_LEVEL_COLUMNS = ("time_min", "zone", "occupancy")
"""Columns of ``ReplicationResult.zone_levels``: visitors present in each zone, a step function."""

# A station's level packs its counts in one int: busy counters in bits 0-11, counters on
# duty in bits 12-23, visitors waiting in bits 24-51; a level-log code adds the station
# from bit 52 on. Waiting is the top field, so "waiting >= n" is "level >= n * WAITING_ONE".
COUNTER_MASK = (1 << 12) - 1
ON_DUTY_SHIFT = 12
WAITING_SHIFT = 24
WAITING_MASK = (1 << 28) - 1
STATION_SHIFT = 52
BUSY_ONE, ON_DUTY_ONE, WAITING_ONE = 1, 1 << ON_DUTY_SHIFT, 1 << WAITING_SHIFT

RECORD = np.dtype(
    [
        ("visitor", "<i4"),
        ("leg", "<i2"),
        ("counter", "<i2"),
        ("ticket", "<f8"),
        ("start", "<f8"),
        ("end", "<f8"),
        ("walk", "<f8"),
        ("outcome", "i1"),
        ("reason", "i1"),
    ]
)
"""One visit record: visitor, leg, counter (-1: none), ticket, start and end (minutes),
minutes walked to the leg's station, outcome and reason codes. The rest of a visits
row is looked up from the visitor and the leg at the end."""

pack_record = struct.Struct("<ihhddddbb").pack
"""Pack one ``RECORD`` (the same fields, in order) into bytes."""


def check_capacity(max_counters: int, n_stations: int, n_visitors: int) -> None:
    """Raise ValueError if the counts do not fit the level codes."""
    if (
        max_counters > COUNTER_MASK
        or n_stations >= 1 << (63 - STATION_SHIFT)
        or n_visitors > WAITING_MASK
    ):
        raise ValueError("too many counters, stations or visitors for the level codes")


def waiting_of(level: int) -> int:
    """Return the visitors waiting in a packed level."""
    return level >> WAITING_SHIFT


def levels_frame(log_time: array, log_code: array, station_names: list[str]) -> pd.DataFrame:
    """Return the level log (``LEVEL_COLUMNS``), its codes unpacked.

    Parameters
    ----------
    log_time : array.array of float ('d')
        Time of each change, minutes.
    log_code : array.array of int ('q')
        The station's packed level after the change, with the station in it.
    station_names : list of str
        Station names by code.
    """
    codes = np.frombuffer(log_code, dtype=np.int64)
    return pd.DataFrame(
        {
            "time_min": np.frombuffer(log_time, dtype=float).copy(),
            "station": pd.Categorical.from_codes(codes >> STATION_SHIFT, categories=station_names),
            "busy": (codes & COUNTER_MASK).astype(float),
            "queue": ((codes >> WAITING_SHIFT) & WAITING_MASK).astype(float),
            "on_duty": ((codes >> ON_DUTY_SHIFT) & COUNTER_MASK).astype(float),
        },
        columns=list(LEVEL_COLUMNS),
    )


def zone_levels_frame(zone_log: list[float], zones: list[str]) -> pd.DataFrame:
    """Return the zone occupancy log (``ZONE_LEVEL_COLUMNS``) from flat (time, zone, n) values."""
    frame = pd.DataFrame(np.array(zone_log, dtype=float).reshape(-1, 3), columns=ZONE_LEVEL_COLUMNS)
    frame["zone"] = pd.Categorical.from_codes(
        frame["zone"].to_numpy(dtype=np.int64), categories=zones
    )
    return frame


def visits_frame(
    records: bytearray,
    plans: Sequence[Sequence[Leg]],
    plan_keys: np.ndarray,
    stage_names: Sequence[Sequence[tuple[str, str]]],
    station_kinds: Sequence[int],
    station_names: list[str],
    visitors: Visitors,
    walk_out: dict[int, float],
    replication: int,
) -> pd.DataFrame:
    """Return the visits table: the records joined with their legs and visitors.

    Parameters
    ----------
    records : bytearray
        ``RECORD`` structs, one per row.
    plans : sequence of sequence of legs.Leg
        The legs of each plan key.
    plan_keys : numpy.ndarray
        Each visitor's plan key.
    stage_names : sequence of sequence of (str, str)
        (service, stage) names of each service's stages.
    station_kinds, station_names : sequence
        Kind code and name of each station.
    visitors : Visitors
        The replication's visitors.
    walk_out : dict of int to float
        Minutes walked to the exit, by row (with a layout).
    replication : int
        The replication index, for the ``replication`` column.
    """
    if not records:
        return empty_visits()
    rec = np.frombuffer(records, dtype=RECORD)
    v = rec["visitor"].astype(np.int64)
    pos = rec["leg"].astype(np.int64)
    # every leg of every plan, flattened, so a row's leg is offset[plan key] + leg
    offsets = np.cumsum([0] + [len(legs) for legs in plans])
    leg_fields = np.array(
        [(leg.station, leg.request, leg.service, leg.stage) for legs in plans for leg in legs],
        dtype=np.int64,
    ).reshape(-1, 4)
    station, request, svc, stage = leg_fields[offsets[plan_keys[v]] + pos].T
    ticket, start, end = (rec[name].copy() for name in ("ticket", "start", "end"))
    walked_out = np.zeros(len(rec))
    for row, minutes in walk_out.items():
        walked_out[row] = minutes
    flat_names = [("", "")] + [pair for names in stage_names for pair in names]
    name_offsets = np.cumsum([1] + [len(names) for names in stage_names])
    name_code = np.where(stage >= 0, name_offsets[np.maximum(svc, 0)] + stage, 0)
    columns = {
        "replication": np.full(len(rec), replication, dtype=np.int32),
        "visitor": v.astype(np.int32),
        "leg": pos.astype(np.int16),
        "request": request.astype(np.int16),
        "station": pd.Categorical.from_codes(station, categories=station_names),
        "kind": pd.Categorical.from_codes(
            np.asarray(station_kinds, dtype=np.int64)[station], categories=list(KINDS)
        ),
        "service": _categorical(name_code, [pair[0] for pair in flat_names]),
        "stage": _categorical(name_code, [pair[1] for pair in flat_names]),
        "counter": rec["counter"].astype(np.int16),
        "priority_class": np.asarray(visitors.priority_class, dtype=np.int8)[v],
        "is_appointment": np.asarray(visitors.is_appointment, dtype=bool)[v],
        "arrival_min": np.asarray(visitors.arrival_min, dtype=float)[v],
        "ticket_min": ticket,
        "start_min": start,
        "end_min": end,
        "wait_min": start - ticket,
        "walk_min": rec["walk"].copy(),
        "walk_out_min": walked_out,
        "outcome": pd.Categorical.from_codes(
            rec["outcome"].astype(np.int64), categories=list(OUTCOMES)
        ),
        "reason": pd.Categorical.from_codes(
            rec["reason"].astype(np.int64), categories=list(REASONS)
        ),
    }
    return pd.DataFrame(columns)


def _categorical(codes: np.ndarray, names: list[str]) -> pd.Categorical:
    """Return the categorical of ``names[codes]`` with its categories sorted (like pandas)."""
    present = np.unique(codes)
    labels = [names[c] for c in present]
    order = sorted(set(labels))
    remap = np.zeros(len(names), dtype=np.int64)
    for code, label in zip(present, labels, strict=True):
        remap[code] = order.index(label)
    return pd.Categorical.from_codes(remap[codes], categories=order)
