"""The command line prints plausibility warnings, refuses them with --strict, and names --set."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mppsim.cli import app

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "scenarios" / "mpp_kota_sedang.yaml"

runner = CliRunner()


def test_validate_prints_warnings_with_field_and_line():
    result = runner.invoke(
        app, ["validate", str(BUNDLED), "--set", "agencies.dukcapil.services.kk.time.mean=8 h"]
    )
    assert result.exit_code == 0, result.output
    assert "1 warning" in result.output
    rows = BUNDLED.read_text(encoding="utf-8").splitlines()
    kk = next(n for n, row in enumerate(rows) if row.strip() == "kk:")
    line = next(n for n, row in enumerate(rows[kk:], kk + 1) if row.strip().startswith("time:"))
    assert f"mpp_kota_sedang.yaml:{line}: agencies.dukcapil.services.kk.time: a mean of 8 h" in (
        " ".join(result.output.split())
    )


def test_strict_makes_warnings_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in ("validate", "run"):
        result = runner.invoke(
            app,
            [command, str(BUNDLED), "--strict", "--set", "arrivals.mix[0].share=8", "-r", "1"]
            if command == "run"
            else [command, str(BUNDLED), "--strict", "--set", "arrivals.mix[0].share=8"],
        )
        assert result.exit_code == 2, result.output
        assert "arrivals.mix: the mix's shares add up to 98, not 100" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "results").exists()


def test_set_typo_names_the_agency():
    result = runner.invoke(app, ["validate", str(BUNDLED), "--set", "agencies.dukcapl.counters=3"])
    assert result.exit_code == 2
    assert "no agency 'dukcapl' (did you mean 'dukcapil'?)" in result.output


def test_help_examples_are_valid_on_the_bundled_scenario():
    result = runner.invoke(app, ["validate", "--help"])
    assert "agencies.samsat.counters=4" in result.output
    for example in ("agencies.samsat.counters=4", "agencies.dukcapil.counters.umum=7"):
        ok = runner.invoke(app, ["validate", str(BUNDLED), "--set", example])
        assert ok.exit_code == 0, ok.output
