"""The packed record formats of model/recorder.py: what goes in comes out."""

from __future__ import annotations

from array import array

import numpy as np
import pytest

from mppsim.model import recorder
from mppsim.model.recorder import (
    BUSY_ONE,
    ON_DUTY_ONE,
    RECORD,
    STATION_SHIFT,
    WAITING_ONE,
    check_capacity,
    levels_frame,
    pack_record,
    waiting_of,
)


def test_level_codes_unpack_to_the_counts() -> None:
    # extremes of each field: a 1000-counter agency, a queue of 200 million
    counts = [(0, 0, 0, 0), (3, 5, 7, 1), (1000, 1000, 200_000_000, 2), (0, 4095, 1, 2)]
    times, codes = array("d"), array("q")
    for t, (busy, on_duty, waiting, station) in enumerate(counts):
        level = busy * BUSY_ONE + on_duty * ON_DUTY_ONE + waiting * WAITING_ONE
        assert waiting_of(level) == waiting
        times.append(float(t))
        codes.append(level | station << STATION_SHIFT)
    frame = levels_frame(times, codes, ["kiosk", "a", "b"])
    assert list(frame.columns) == list(recorder.LEVEL_COLUMNS)
    assert frame["time_min"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert frame["station"].tolist() == ["kiosk", "a", "b", "b"]
    assert frame["busy"].tolist() == [c[0] for c in counts]
    assert frame["on_duty"].tolist() == [c[1] for c in counts]
    assert frame["queue"].tolist() == [c[2] for c in counts]


def test_waiting_is_the_top_field_so_balking_compares_levels() -> None:
    # "waiting >= n" is "level >= n * WAITING_ONE" whatever the lower fields hold
    full_low = 4095 * BUSY_ONE + 4095 * ON_DUTY_ONE
    assert 3 * WAITING_ONE + full_low < 4 * WAITING_ONE


def test_a_record_reads_back_field_by_field() -> None:
    raw = pack_record(123_456, 7, -1, 1.5, float("nan"), 9.25, 0.5, 3, 2)
    assert len(raw) == RECORD.itemsize
    rec = np.frombuffer(raw, dtype=RECORD)[0]
    assert (int(rec["visitor"]), int(rec["leg"]), int(rec["counter"])) == (123_456, 7, -1)
    assert float(rec["ticket"]) == 1.5
    assert np.isnan(rec["start"])
    assert (float(rec["end"]), float(rec["walk"])) == (9.25, 0.5)
    assert (int(rec["outcome"]), int(rec["reason"])) == (3, 2)


@pytest.mark.parametrize(
    ("counters", "stations", "visitors"),
    [(4096, 3, 10), (10, 2048, 10), (10, 3, 1 << 28)],
)
def test_counts_that_do_not_fit_the_codes_are_refused(
    counters: int, stations: int, visitors: int
) -> None:
    with pytest.raises(ValueError, match="level codes"):
        check_capacity(counters, stations, visitors)


def test_counts_that_fit_are_accepted() -> None:
    check_capacity(4095, 2047, (1 << 28) - 1)
