"""The bundled scenarios' comments describe what the model does today."""

from __future__ import annotations

from pathlib import Path

import pytest

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_no_comment_calls_an_existing_feature_a_later_one(path):
    text = path.read_text(encoding="utf-8").lower()
    for stale in ("later feature", "future feature", "not yet supported"):
        assert stale not in text, f"{path.name} still says '{stale}'"


def test_the_default_scenario_points_to_its_layout_variants():
    text = (SCENARIOS[0].parent / "mpp_kota_sedang.yaml").read_text(encoding="utf-8")
    assert "mpp_kota_sedang_layout_a.yaml" in text
