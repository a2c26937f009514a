"""scenario.yaml in a results folder reads back as it ran, in a YAML 1.2 and a YAML 1.1 reader."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from mppsim.results import scenario_yaml
from mppsim.scenario.loader import load_scenario, load_scenario_text
from mppsim.yamlwrite import dump_yaml, needs_quotes

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def yaml_11(text: str):
    """A plain YAML 1.1 reader (what PyYAML and older tools use): 10:00 is 600 there."""
    reader = YAML(typ="safe", pure=True)
    reader.version = (1, 1)
    return reader.load(io.StringIO(text))


def test_a_yaml_11_reader_reads_an_unquoted_clock_as_a_number():
    assert yaml_11("close: 10:00\n") == {"close": 600}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_yaml_reads_back_as_it_ran(path):
    scenario = load_scenario(path)
    text = scenario_yaml(scenario)
    if path.stem == "mpp_kota_sedang":
        assert 'open: "08:00"' in text
        assert 'close: "15:00"' in text
        assert '"07:30": 12.0' in text
    expected = scenario.model_dump(mode="json", exclude_none=True)
    assert yaml_11(text) == expected
    reread = load_scenario_text(text, "scenario.yaml")
    assert reread.model_dump(mode="json") == scenario.model_dump(mode="json")


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("08:00", True),
        ("10:00", True),
        ("yes", True),
        ("off", True),
        ("1e3", True),
        ("0x1A", True),
        ("", True),
        ("2024-01-01", True),
        ("lognormal", False),
        ("dukcapil.kk", False),
        ("MPP Kota Sedang", False),
    ],
)
def test_needs_quotes(text, quoted):
    assert needs_quotes(text) is quoted
    assert yaml_11(dump_yaml({"k": text})) == {"k": text}
