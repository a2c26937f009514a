"""The README's scenario example is a valid scenario that runs."""

from __future__ import annotations

import re
from pathlib import Path

import mppsim
from mppsim.scenario.loader import load_scenario_text

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_yaml_example_runs():
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks, "the README has no YAML example"
    scenario = load_scenario_text(blocks[0], "README.md")
    result = mppsim.run(scenario, replications=2, seed=1)
    assert set(result.summary["agencies"]) == {"dukcapil", "samsat", "bank", "imigrasi"}
    assert result.summary["mpp"]["served"] > 0
    booked = result.visits[result.visits["is_appointment"] & (result.visits["kind"] == "agency")]
    assert len(booked) > 0
    assert not (booked["outcome"] == "turned_away").any(), "booked visitors turned away"
