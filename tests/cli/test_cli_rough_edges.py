"""Rough edges of the command line: the JSON Schema, --out folders, permissions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mppsim.cli import app
from mppsim.scenario.yamlread import read_yaml

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
GOOD = ROOT / "tests" / "data" / "good_tiny.yaml"

runner = CliRunner()


def exported_schema() -> dict:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_bundled_scenario_passes_the_exported_schema(path):
    jsonschema = pytest.importorskip("jsonschema")
    data, _ = read_yaml(path.read_text(encoding="utf-8"), str(path))
    jsonschema.Draft202012Validator(exported_schema()).validate(data)


def test_the_schema_still_checks_files():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(exported_schema())
    extending = {"extends": "base.yaml", "calendar": {"days": {"weekday": {"close": "16:00"}}}}
    assert validator.is_valid(extending)
    assert not validator.is_valid({**extending, "agencies": {"a": {"countres": 1}}})
    assert not validator.is_valid({"name": "x"}), "without extends, agencies etc. are required"
    assert "agencies" in exported_schema()["properties"]


def test_schema_out_to_a_missing_folder_is_a_clear_message(tmp_path):
    out = tmp_path / "no_such_folder" / "schema.json"
    result = runner.invoke(app, ["schema", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.output
    assert "internal error" not in result.output
    assert not out.parent.exists()


def test_unwritable_out_is_found_before_the_simulation(tmp_path, monkeypatch):
    from mppsim.experiment import replications

    def never(*args, **kwargs):
        raise AssertionError("the simulation ran before the --out check")

    monkeypatch.setattr(replications, "run", never)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["run", str(GOOD), "--out", str(blocker / "sub")])
    assert result.exit_code == 2, result.output
    assert "is a file, not a folder" in result.output
    assert "Traceback" not in result.output


def test_a_second_run_to_the_same_out_says_where_it_went(tmp_path):
    out = tmp_path / "out"
    first = runner.invoke(app, ["run", str(GOOD), "-r", "1", "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert "already exists" not in first.output
    second = runner.invoke(app, ["run", str(GOOD), "-r", "1", "--out", str(out)])
    assert second.exit_code == 0, second.output
    text = " ".join(second.output.split())
    assert f"Note: {out} already exists, so the results went to {out}-2" in text
    assert (tmp_path / "out-2" / "summary.json").exists()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o755), (0o027, 0o750)])
def test_results_folder_gets_the_users_umask(tmp_path, umask, mode):
    import os

    old = os.umask(umask)
    try:
        result = runner.invoke(app, ["run", str(GOOD), "-r", "1", "--out", str(tmp_path / "o")])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o").stat().st_mode & 0o777 == mode
