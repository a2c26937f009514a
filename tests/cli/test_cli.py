"""The command line: exit codes, messages with field and line, atomic results folders."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mppsim.cli import app
from mppsim.results import RESULT_FILES
from mppsim.tables import OUTCOMES, VISIT_COLUMNS

DATA = Path(__file__).resolve().parent.parent / "data"
BAD = sorted((DATA / "bad").glob("*.yaml"))
GOOD = DATA / "good_tiny.yaml"
EXPECT = re.compile(r"#\s*expect:\s*(\S+)\s+line\s+(\d+)")

runner = CliRunner()


def expectation(path: Path) -> tuple[str | None, int]:
    """Read '# expect: <field> line <n>' from a bad file (empty files expect line 1)."""
    match = EXPECT.search(path.read_text(encoding="utf-8"))
    if match is None:
        return None, 1
    field = match.group(1)
    return (None if field == "<file>" else field), int(match.group(2))


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_file_names_field_and_line(path, command, in_tmp):
    result = runner.invoke(app, [command, str(path)])
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    field, line = expectation(path)
    assert f"{path}:{line}:" in output
    if field is not None:
        assert f": {field}" in output
    assert not (in_tmp / "results").exists(), "a failed run must not leave a results folder"
    assert not Path("/tmp/mppsim_pwned").exists()


def test_validate_ok():
    result = runner.invoke(app, ["validate", str(GOOD)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_set_override_is_validated_like_the_file(in_tmp):
    result = runner.invoke(
        app, ["run", str(GOOD), "--set", "agencies.dukcapil.counters=many", "-r", "1"]
    )
    assert result.exit_code == 2
    assert "agencies.dukcapil.counters" in result.output
    assert "--set agencies.dukcapil.counters=many" in result.output
    assert not (in_tmp / "results").exists()


def test_missing_file(in_tmp):
    result = runner.invoke(app, ["run", "no_such_file.yaml"])
    assert result.exit_code == 2
    assert "no_such_file.yaml" in result.output
    assert "Traceback" not in result.output


def test_run_writes_complete_folder(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            str(GOOD),
            "-r",
            "3",
            "--seed",
            "7",
            "--out",
            str(out),
            "--set",
            "arrivals.daily_visitors=80",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "dukcapil" in result.output
    assert str(out) in result.output.replace("\n", "")
    assert sorted(p.name for p in out.iterdir()) == sorted([*RESULT_FILES, "report.html"])
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["replications"] == 3
    assert len(manifest["scenario_sha256"]) == 64
    assert "daily_visitors: 80" in (out / "scenario.yaml").read_text()

    summary = json.loads((out / "summary.json").read_text())
    for scope in (summary["mpp"], *summary["agencies"].values()):
        lost = sum(scope[key] for key in OUTCOMES)
        assert scope["arrivals"] == pytest.approx(lost), "conservation"
        for key in ("wait_mean_min", "wait_p90_min", "utilization", "queue_max"):
            assert key in scope
            assert f"{key}_ci95" in scope
        assert "still_waiting_at_close" in scope
        assert "overtime_min" in scope

    visits = pd.read_parquet(out / "visits.parquet")
    assert list(visits.columns) == list(VISIT_COLUMNS)
    assert sorted(visits["replication"].unique()) == [0, 1, 2]
    series = pd.read_parquet(out / "timeseries.parquet")
    assert set(series["metric"].unique()) == {"queue", "busy", "on_duty"}


def test_existing_out_folder_is_not_overwritten(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["run", str(GOOD), "-r", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "keep.txt").read_text() == "mine"
    assert (tmp_path / "out-2" / "summary.json").exists()


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    from mppsim import results

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(results.pd.DataFrame, "to_parquet", explode)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(GOOD), "-r", "1", "--out", str(out)])
    assert result.exit_code == 2
    assert "could not write the results folder" in result.output
    assert "disk full" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_schema_is_json_schema(tmp_path):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert "agencies" in schema["properties"]
    out = tmp_path / "schema.json"
    assert runner.invoke(app, ["schema", "--out", str(out)]).exit_code == 0
    assert json.loads(out.read_text())["title"] == "mppsim scenario"


def test_python_dash_m(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mppsim", "validate", str(GOOD)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "OK" in proc.stdout
