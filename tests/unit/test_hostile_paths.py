"""Hostile paths: FIFOs, devices and folders, foreign files through extends, long --set."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mppsim
from mppsim.cli import app
from mppsim.errors import ScenarioError
from mppsim.scenario.loader import MAX_EXTENDS_DEPTH

GOOD = Path(__file__).resolve().parents[1] / "data" / "good_tiny.yaml"
SECRET = "root:$6$s3cr3t-hash:19000:0:99999:7:::"

runner = CliRunner()
posix = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")


def _validate(*args: str):
    result = runner.invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    return result


@posix
@pytest.mark.parametrize("name", ["fifo.yaml", "fifo"])
def test_a_fifo_is_refused_at_once(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)  # nobody ever writes: reading it would wait forever
    result = _validate(str(fifo))
    assert result.exit_code == 2
    assert "named pipe (FIFO), not a scenario file" in result.output


@posix
def test_a_device_and_a_folder_are_refused(tmp_path):
    result = _validate("/dev/zero")
    assert result.exit_code == 2
    assert "a device, not a scenario file" in result.output
    result = _validate(str(tmp_path))
    assert result.exit_code == 2
    assert "a folder, not a scenario file" in result.output


@posix
@pytest.mark.parametrize("target", ["fifo", "device", "folder"])
def test_extends_to_a_fifo_device_or_folder_is_refused(tmp_path, target):
    if target == "fifo":
        os.mkfifo(tmp_path / "base.yaml")
    elif target == "folder":
        (tmp_path / "base.yaml").mkdir()
    else:
        (tmp_path / "base.yaml").symlink_to("/dev/zero")
    path = tmp_path / "v.yaml"
    path.write_text("extends: base.yaml\nname: v\n", encoding="utf-8")
    result = _validate(str(path))
    assert result.exit_code == 2
    # a link to a device does not end in .yaml once followed: refused before it is opened
    expected = "not a YAML scenario file" if target == "device" else "not a scenario file"
    assert expected in result.output


@pytest.mark.parametrize("how", ["direct", "symlink", "set"])
def test_extends_reads_only_yaml_and_never_echoes_foreign_files(tmp_path, how):
    foreign = tmp_path / "shadow"
    foreign.write_text(f"{SECRET}\ndaemon:*:19000:0:99999:7:::\n", encoding="utf-8")
    path = tmp_path / "v.yaml"
    args: list[str] = []
    if how == "direct":
        path.write_text(f"extends: {foreign}\nname: v\n", encoding="utf-8")
    elif how == "symlink":
        (tmp_path / "innocent.yaml").symlink_to(foreign)
        path.write_text("extends: innocent.yaml\nname: v\n", encoding="utf-8")
    else:
        path.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
        args = ["--set", f"extends={foreign}"]
    result = _validate(str(path), *args)
    assert result.exit_code == 2
    assert "extends reads only files ending in .yaml or .yml" in result.output
    assert "s3cr3t" not in result.output
    assert "daemon" not in result.output


def test_set_extends_is_applied(tmp_path):
    (tmp_path / "base.yaml").write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    variant = tmp_path / "v.yaml"
    variant.write_text("name: v\nagencies:\n  dukcapil:\n    counters: 5\n", encoding="utf-8")
    scenario = mppsim.load_scenario(variant, ["extends=base.yaml"])
    assert scenario.agencies["dukcapil"].counters == 5
    assert scenario.arrivals.daily_visitors == 50  # from the base
    assert scenario.extends is None  # merged, not recorded as if it still applied


def test_set_extends_replaces_or_drops_the_files_own(tmp_path):
    text = GOOD.read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("counters: 2", "counters: 7"), encoding="utf-8")
    variant = tmp_path / "v.yaml"
    variant.write_text("extends: a.yaml\nname: v\n", encoding="utf-8")
    assert mppsim.load_scenario(variant).agencies["dukcapil"].counters == 2
    assert mppsim.load_scenario(variant, ["extends=b.yaml"]).agencies["dukcapil"].counters == 7
    with pytest.raises(ScenarioError, match="missing required key"):
        mppsim.load_scenario(variant, ["extends=null"])  # v.yaml alone is not a scenario


def test_set_extends_to_a_missing_file_or_with_parts_is_refused():
    result = _validate(str(GOOD), "--set", "extends=nowhere.yaml")
    assert result.exit_code == 2
    assert "file not found" in result.output
    result = _validate(str(GOOD), "--set", "extends.x=1")
    assert result.exit_code == 2
    assert "'extends' is a file name" in result.output


def test_a_long_chain_of_extends_says_so(tmp_path):
    n = MAX_EXTENDS_DEPTH + 3
    for i in range(n):
        (tmp_path / f"c{i}.yaml").write_text(f"extends: c{i + 1}.yaml\nname: c{i}\n", "utf-8")
    (tmp_path / f"c{n}.yaml").write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    result = _validate(str(tmp_path / "c0.yaml"))
    assert result.exit_code == 2
    assert "the chain of extends is too long" in result.output
    assert "extends itself" not in result.output


def test_a_loop_of_extends_still_says_it_extends_itself(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nname: a\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nname: b\n", encoding="utf-8")
    result = _validate(str(tmp_path / "a.yaml"))
    assert result.exit_code == 2
    assert "extends itself" in result.output


@pytest.mark.parametrize(
    "option",
    [
        "name=" + "x" * 100_000,
        "agencies.dukcapil.counters=[" + "1" * 100_000,
        "k" * 100_000 + "=1",
        "agencies." + "k" * 100_000 + ".counters=1",
        "arrivals.mix[0].share=" + "9" * 100_000,
    ],
    ids=["value", "bad-yaml", "key", "inner-key", "huge-number"],
)
def test_long_set_options_are_shortened_in_messages(option):
    result = _validate(str(GOOD), "--set", option)
    assert result.exit_code == 2, result.output[:500]
    assert len(result.output) < 2000, result.output[:500]
    assert "characters" in result.output or "..." in result.output
