"""Streamed runs: bounded submission, tables in replication order, same files as the API."""

from __future__ import annotations

import json
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

import mppsim
from mppsim.experiment.replications import iter_replications
from mppsim.experiment.streaming import run_to_folder
from mppsim.model.compile import compile_scenario
from mppsim.report.folder import picture_files
from mppsim.resultsdir import TableParts

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "data" / "good_tiny.yaml"
LAYOUT = ROOT / "scenarios" / "mpp_kota_sedang_layout_a.yaml"


class EagerExecutor(Executor):
    """Runs each task when it is submitted; counts submissions."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def test_submission_is_bounded_and_results_come_in_order():
    spec = compile_scenario(mppsim.load_scenario(GOOD, ["arrivals.daily_visitors=20"]))
    executor = EagerExecutor()
    seen, ahead = [], []
    for r, output in iter_replications(spec, 12, 3, executor, in_flight=3):
        seen.append(r)
        ahead.append(executor.submitted - r)
        assert int(output[2]["replication"].iloc[0]) == r
    assert seen == list(range(12))
    assert max(ahead) == 3, "never more than 3 replications submitted and not yet taken"


def test_stopping_early_submits_nothing_more():
    spec = compile_scenario(mppsim.load_scenario(GOOD, ["arrivals.daily_visitors=20"]))
    executor = EagerExecutor()
    iterator = iter_replications(spec, 1_000_000, 0, executor, in_flight=4)
    next(iterator)
    iterator.close()
    assert executor.submitted == 4


def _read(folder: Path) -> dict[str, object]:
    return {
        "visits": pd.read_parquet(folder / "visits.parquet"),
        "timeseries": pd.read_parquet(folder / "timeseries.parquet"),
        "summary": json.loads((folder / "summary.json").read_text()),
    }


@pytest.mark.parametrize("path", [GOOD, LAYOUT], ids=["tiny", "layout"])
def test_streamed_folder_reads_back_as_the_api_tables(tmp_path, path):
    overrides = ["arrivals.daily_visitors=60" if path == GOOD else "arrivals.daily_visitors=300"]
    scenario = mppsim.load_scenario(path, overrides)
    streamed = run_to_folder(
        scenario, 3, 5, tmp_path / "streamed", extras=lambda ran: picture_files(ran, report=False)
    )
    in_memory = mppsim.run(scenario, 3, 5)
    written = mppsim.write_run(in_memory, tmp_path / "api", report=False)
    a, b = _read(streamed.folder), _read(written)
    pdt.assert_frame_equal(a["visits"], b["visits"])
    pdt.assert_frame_equal(a["timeseries"], b["timeseries"])
    pdt.assert_frame_equal(a["visits"], in_memory.visits)
    assert a["summary"] == b["summary"] == streamed.summary
    assert sorted(p.name for p in streamed.folder.iterdir()) == sorted(
        p.name for p in written.iterdir()
    )
    assert json.loads((streamed.folder / "manifest.json").read_text())["replications"] == 3


def test_same_bytes_with_one_or_two_workers(tmp_path):
    scenario = mppsim.load_scenario(GOOD, ["arrivals.daily_visitors=80"])
    alone = run_to_folder(scenario, 5, 2, tmp_path / "one").folder
    with ProcessPoolExecutor(max_workers=2) as pool:
        pair = run_to_folder(scenario, 5, 2, tmp_path / "two", pool, in_flight=2).folder
    for name in ("visits.parquet", "timeseries.parquet", "summary.json", "scenario.yaml"):
        assert (alone / name).read_bytes() == (pair / name).read_bytes(), name


def test_parts_whose_categories_differ_combine_as_concat_does(tmp_path):
    first = pd.DataFrame({"a": pd.Categorical(["x", "y"]), "b": pd.Categorical(["p", "p"])})
    second = pd.DataFrame({"a": pd.Categorical(["z"]), "b": pd.Categorical(["q"])})
    parts = TableParts(tmp_path, "t.parquet", recategorize=("a",))
    parts.append(first)
    parts.append(second)
    combined = pd.read_parquet(parts.combine())
    expected = pd.concat([first, second], ignore_index=True)
    expected["a"] = expected["a"].astype("category")
    pdt.assert_frame_equal(combined, expected)
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]
