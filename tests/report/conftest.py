"""Results folders written once per session for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import mppsim
from mppsim.report.folder import write_run

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
TINY = Path(__file__).resolve().parents[1] / "data" / "good_tiny.yaml"


def _folder(tmp_path_factory, scenario_path: Path, replications: int, name: str) -> Path:
    scenario = mppsim.load_scenario(scenario_path)
    result = mppsim.run(scenario, replications=replications, seed=1)
    return write_run(result, tmp_path_factory.mktemp(name) / "run", report=False)


@pytest.fixture(scope="session")
def layout_folder(tmp_path_factory) -> Path:
    """The bundled scenario with layout A, 3 days, no report yet."""
    return _folder(tmp_path_factory, SCENARIOS / "mpp_kota_sedang_layout_a.yaml", 3, "layout")


@pytest.fixture(scope="session")
def tiny_folder(tmp_path_factory) -> Path:
    """A one-agency scenario without a layout, 2 days, no report yet."""
    return _folder(tmp_path_factory, TINY, 2, "tiny")


@pytest.fixture(scope="session")
def layout_reports(layout_folder, tmp_path_factory) -> dict[str, Path]:
    """report.html of the layout folder in each language (copies of the folder)."""
    import shutil

    from mppsim.report.build import build_report

    reports = {}
    for lang in ("id", "en"):
        copy = tmp_path_factory.mktemp(f"report_{lang}") / "run"
        shutil.copytree(layout_folder, copy)
        reports[lang] = build_report(copy, lang)
    return reports
