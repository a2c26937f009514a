"""Every bundled scenario validates, runs, and says where its numbers come from."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mppsim
from mppsim.tables import OUTCOMES

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_bundled_scenario_runs(path):
    scenario = mppsim.load_scenario(path)
    result = mppsim.run(scenario, replications=2, seed=3)
    visits = result.visits
    assert len(visits) > 0
    assert set(visits["outcome"].unique()) <= set(OUTCOMES)
    for scope in (result.summary["mpp"], *result.summary["agencies"].values()):
        assert scope["arrivals"] == pytest.approx(sum(scope[k] for k in OUTCOMES))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_bundled_scenario_sources_are_complete(path):
    scenario = mppsim.load_scenario(path)
    paths = scenario.paths()
    values = scenario.sources.values
    assert values, "a bundled scenario must say where its numbers come from"
    unknown = [p for p in values if p not in paths]
    assert not unknown, f"sources.values names fields that do not exist: {unknown}"
    assert any(p.basis == "sourced" for p in values.values())


def test_default_scenario_is_about_1500_visitors_and_12_agencies():
    scenario = mppsim.load_scenario(SCENARIOS[0].parent / "mpp_kota_sedang.yaml")
    assert len(scenario.agencies) == 12
    assert scenario.arrivals.daily_visitors == 1500


def test_console_script_runs_the_readme_scenario(tmp_path):
    beside = Path(sys.executable).parent / "mppsim"
    exe = str(beside) if beside.exists() else shutil.which("mppsim")
    assert exe is not None, "the mppsim console script is not installed"
    scenario = SCENARIOS[0].parent / "mpp_kota_sedang.yaml"
    proc = subprocess.run(
        [exe, "run", str(scenario), "-r", "2", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["replications"] == 2
    assert "dukcapil" in summary["agencies"]
