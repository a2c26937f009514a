"""mppsim sweep and mppsim compare: folders, messages, resume, and Dask."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest
from typer.testing import CliRunner

import mppsim
from mppsim.cli import app
from mppsim.report.comparison import COMPARISON_FILES
from mppsim.report.sweepfolder import SWEEP_FILES, SweepFolder, design_fingerprint, write_sweep
from mppsim.scenario.vary import design_from_vary

GOOD = Path(__file__).resolve().parent.parent / "data" / "good_tiny.yaml"
VARY = ["--vary", "agencies.dukcapil.counters=1..2", "--vary", "arrivals.daily_visitors=x0.5,x1"]
runner = CliRunner()


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sweep_writes_its_folder(in_tmp):
    out = in_tmp / "sweep"
    result = runner.invoke(
        app, ["sweep", str(GOOD), *VARY, "-r", "3", "--seed", "2", "--jobs", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert set(SWEEP_FILES) <= names
    assert {n for n in names if n.startswith("plot_")} == {
        "plot_wait_p90_min.png",
        "plot_wait_mean_min.png",
        "plot_lost.png",
        "plot_utilization.png",
    }
    assert not list(in_tmp.glob(".*sweep-partial"))
    points = pd.read_parquet(out / "points.parquet")
    api = mppsim.sweep(
        mppsim.load_scenario(GOOD),
        {"agencies.dukcapil.counters": "1..2", "arrivals.daily_visitors": "x0.5,x1"},
        3,
        2,
    )
    pdt.assert_frame_equal(points, api.points)
    pdt.assert_frame_equal(pd.read_parquet(out / "summary.parquet"), api.summary)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["points"] == 4
    assert manifest["replications"] == 3
    # the sweep file that ran runs again from the folder, to the same tables
    again = in_tmp / "again"
    result = runner.invoke(
        app, ["sweep", str(out / "sweep.yaml"), "--jobs", "1", "--out", str(again)]
    )
    assert result.exit_code == 0, result.output
    pdt.assert_frame_equal(pd.read_parquet(again / "points.parquet"), points)


def test_bad_vary_names_the_point_and_runs_nothing(in_tmp):
    result = runner.invoke(
        app, ["sweep", str(GOOD), "--vary", "agencies.dukcapl.counters=1..3", "--jobs", "1"]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "point 0 (agencies.dukcapl.counters=1)" in result.output
    assert "did you mean 'dukcapil'" in result.output
    assert not (in_tmp / "results").exists()
    result = runner.invoke(app, ["sweep", str(GOOD), "--vary", "arrivals.daily_visitors=9..3"])
    assert result.exit_code == 2, result.output
    assert "empty" in result.output
    result = runner.invoke(app, ["sweep", str(GOOD)])
    assert result.exit_code == 2
    assert "say what to vary" in result.output


class Stop(Exception):
    pass


def test_resume_runs_only_missing_points_and_gives_the_same_tables(tmp_path):
    base = mppsim.load_scenario(GOOD)
    design = design_from_vary(base, {"agencies.dukcapil.counters": "1..4"})
    whole, full = write_sweep(design, 3, 5, tmp_path / "whole")

    target = tmp_path / "cut"
    folder = SweepFolder(target, design_fingerprint(design, 3, 5))
    kept = []

    def keep_two(index, table):
        folder.write_part(index, table)
        kept.append(index)
        if len(kept) == 2:
            raise Stop  # the sweep dies after two points

    with pytest.raises(Stop):
        mppsim.sweep(design, replications=3, seed=5, on_point=keep_two)
    assert not target.exists()
    assert sorted(folder.completed()) == sorted(kept)

    with pytest.raises(mppsim.MppsimError, match="not this sweep"):
        write_sweep(design, 4, 5, target, resume=True)  # other replications
    ran = []
    path, resumed = write_sweep(
        design, 3, 5, target, resume=True, progress=lambda p, r: ran.append(r)
    )
    assert path == target
    assert ran[0] == 2 * 3  # two points were done before anything ran
    pdt.assert_frame_equal(resumed.points, full.points)
    for name in ("points.parquet", "summary.parquet"):
        pdt.assert_frame_equal(pd.read_parquet(path / name), pd.read_parquet(whole / name))
    assert not SweepFolder.partial_of(target).exists()
    with pytest.raises(mppsim.MppsimError, match="nothing to resume"):
        write_sweep(design, 3, 5, target, resume=True)


def test_compare_prints_and_writes_the_table(in_tmp):
    more = in_tmp / "more.yaml"
    more.write_text(GOOD.read_text().replace("counters: 2", "counters: 3").replace("tiny", "more"))
    out = in_tmp / "cmp"
    result = runner.invoke(
        app, ["compare", str(GOOD), str(more), "-r", "4", "--jobs", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "plan 1: tiny; plan 2: more" in result.output
    assert "2 − 1" in result.output
    assert "Holm" in result.output
    assert {p.name for p in out.iterdir()} == {*COMPARISON_FILES, "plans"}
    table = pd.read_csv(out / "comparison.csv")
    row = table[(table["scope"] == "dukcapil") & (table["figure"] == "counters")]
    assert row["diff"].dropna().tolist() == [1.0]
    result = runner.invoke(app, ["compare", str(GOOD), str(more), "--per", "100000"])
    assert result.exit_code == 2
    assert "no population" in result.output
    assert "Traceback" not in result.output


def test_dask_cluster_gives_the_same_tables_as_a_pool_and_one_process():
    distributed = pytest.importorskip(
        "distributed", reason="dask is not installed (pip install 'mppsim[dask]')"
    )
    from mppsim.experiment.backends import open_executor

    base = mppsim.load_scenario(GOOD)
    vary = {"agencies.dukcapil.counters": "1..3", "arrivals.daily_visitors": "x0.5,x1"}
    alone = mppsim.sweep(base, vary, 5, 7)
    with ProcessPoolExecutor(max_workers=2) as pool:
        local = mppsim.sweep(base, vary, 5, 7, pool, chunk_runs=2)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        open_executor(scheduler=cluster.scheduler_address) as executor,
    ):
        dask = mppsim.sweep(base, vary, 5, 7, executor, chunk_runs=2)
    for other in (local, dask):
        pdt.assert_frame_equal(alone.points, other.points)
        pdt.assert_frame_equal(alone.summary, other.summary)


def test_compare_reads_results_folders_without_a_rerun(in_tmp):
    run = runner.invoke(app, ["run", str(GOOD), "-r", "4", "--seed", "3", "--out", "a", "--quiet"])
    assert run.exit_code == 0, run.output
    # the folder against its own scenario file, which runs with the folder's seed and
    # replications: the same visitors, so every difference is exactly 0
    result = runner.invoke(app, ["compare", "a", str(GOOD), "--jobs", "1", "--out", "cmp"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(in_tmp / "cmp" / "comparison.csv")
    second = table[table["plan"] == "tiny#2"]
    assert len(second) > 20
    assert (second["diff"] == 0).all()
    manifest = json.loads((in_tmp / "cmp" / "manifest.json").read_text())
    assert (manifest["seed"], manifest["replications"]) == (3, 4)
    other = runner.invoke(app, ["run", str(GOOD), "-r", "5", "--out", "b", "--quiet"])
    assert other.exit_code == 0
    result = runner.invoke(app, ["compare", "a", "b"])
    assert result.exit_code == 2
    assert "run differently" in result.output
    result = runner.invoke(app, ["compare", "a", str(GOOD), "--standard", "10"])
    assert result.exit_code == 2
    assert "--standard 15" in result.output
