"""`mppsim run` writes report.html (unless --no-report); `mppsim report` rebuilds it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mppsim.cli import app
from mppsim.errors import MppsimError
from mppsim.results import RESULT_FILES

TINY = Path(__file__).resolve().parents[1] / "data" / "good_tiny.yaml"
runner = CliRunner()


def test_run_writes_the_report_in_the_chosen_language(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(TINY), "-r", "2", "--out", str(out), "--lang", "id"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([*RESULT_FILES, "report.html"])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in html
    assert "rata-rata per hari simulasi" in result.output  # the table follows --lang
    assert "Laporan:" in result.output
    assert "report.html" in json.loads((out / "manifest.json").read_text())["files"]


def test_language_defaults_to_the_scenario_then_english(tmp_path):
    out = tmp_path / "en"
    assert runner.invoke(app, ["run", str(TINY), "-r", "1", "--out", str(out)]).exit_code == 0
    assert '<html lang="en">' in (out / "report.html").read_text(encoding="utf-8")
    out = tmp_path / "id"
    result = runner.invoke(
        app, ["run", str(TINY), "-r", "1", "--out", str(out), "--set", "language=id"]
    )
    assert result.exit_code == 0, result.output
    assert '<html lang="id">' in (out / "report.html").read_text(encoding="utf-8")
    assert "Hasil:" in result.output


def test_no_report(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(TINY), "-r", "1", "--out", str(out), "--no-report"])
    assert result.exit_code == 0, result.output
    assert not (out / "report.html").exists()
    assert "report.html" not in result.output


def test_report_command_rebuilds_from_the_folder_alone(tiny_folder, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(tiny_folder, folder)
    result = runner.invoke(app, ["report", str(folder), "--lang", "id"])
    assert result.exit_code == 0, result.output
    assert "Laporan:" in result.output
    assert '<html lang="id">' in (folder / "report.html").read_text(encoding="utf-8")
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    result = runner.invoke(app, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    assert '<html lang="en">' in (folder / "report.html").read_text(encoding="utf-8")


def test_report_never_runs_the_engine(tiny_folder, tmp_path, monkeypatch):
    from mppsim.experiment import replications
    from mppsim.model import compile as compile_module
    from mppsim.model import engine
    from mppsim.report.build import build_report

    def engine_called(*args, **kwargs):
        raise AssertionError("the report ran the engine")

    monkeypatch.setattr(engine, "simulate_spec", engine_called)
    monkeypatch.setattr(compile_module, "compile_scenario", engine_called)
    for name in ("run", "simulate", "_replicate"):
        monkeypatch.setattr(replications, name, engine_called)
    folder = tmp_path / "copy"
    shutil.copytree(tiny_folder, folder)
    assert build_report(folder, "en") == folder / "report.html"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "no_such_folder"], "no such results folder: no_such_folder"),
        (["report", "{empty}"], "is not an mppsim results folder"),
        (["report", "{file}"], "is not a folder"),
        (["report", "{tiny}", "--lang", "fr"], "unknown language 'fr'"),
        (["run", str(TINY), "--lang", "jv"], "unknown language 'jv'"),
    ],
)
def test_bad_input_is_a_message_and_exit_2(args, message, tiny_folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.txt").write_text("x")
    values = {"empty": "empty", "file": "file.txt", "tiny": str(tiny_folder)}
    result = runner.invoke(app, [a.format(**values) for a in args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "results").exists()
    assert not (tiny_folder / "report.html").exists()


def test_damaged_folder_is_a_message(tiny_folder, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(tiny_folder, folder)
    (folder / "summary.json").write_text("{not json")
    result = runner.invoke(app, ["report", str(folder)])
    assert result.exit_code == 2
    assert "could not read" in result.output
    assert "summary.json" in result.output
    (folder / "summary.json").write_text((tiny_folder / "summary.json").read_text())
    (folder / "visits.parquet").write_bytes(b"PAR1 broken")
    result = runner.invoke(app, ["report", str(folder)])
    assert result.exit_code == 2
    assert "visits.parquet" in result.output


def test_a_failed_report_leaves_no_folder(tmp_path, monkeypatch):
    from mppsim.report import build

    def explode(*args, **kwargs):
        raise MppsimError("could not draw the report")

    monkeypatch.setattr(build, "build_report", explode)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(TINY), "-r", "1", "--out", str(out)])
    assert result.exit_code == 2
    assert "could not draw the report" in result.output
    assert list(tmp_path.iterdir()) == []


def test_table_shows_losses_overtime_walking_and_crowding(tmp_path):
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "mpp_kota_sedang_layout_a.yaml"
    result = runner.invoke(
        app, ["run", str(scenario), "-r", "2", "--out", str(tmp_path / "o"), "--no-report"]
    )
    assert result.exit_code == 0, result.output
    output = result.output
    for text in ("B/G/T/A", "overtime", "Turned away: quota", "after cut-off",
                 "Walking per visitor", "Most crowded zone: "):  # fmt: skip
        assert text in output, text
    crowded = output[output.index("Most crowded zone: ") :].split(",")[0]
    assert "_" not in crowded, "zones are named as the scenario names them, not by id"


def test_a_day_where_nobody_is_served_still_reports(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            str(TINY),
            "-r",
            "1",
            "--out",
            str(out),
            "--set",
            "agencies.dukcapil.days=[friday]",
        ],
    )
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "none is served" in html
    assert "turned away (agency closed)" in html


def test_a_report_that_cannot_be_written_keeps_the_old_one(tiny_folder, tmp_path, monkeypatch):
    folder = tmp_path / "copy"
    shutil.copytree(tiny_folder, folder)
    (folder / "report.html").write_text("old")

    def refuse(self, target):
        raise OSError("read-only file system")

    monkeypatch.setattr(Path, "replace", refuse)
    result = runner.invoke(app, ["report", str(folder)])
    assert result.exit_code == 2
    assert "could not write" in result.output
    assert "read-only file system" in result.output
    assert (folder / "report.html").read_text() == "old"
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []
