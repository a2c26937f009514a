"""metrics.parquet: one row per replication and scope, whose means are summary.json's."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

import mppsim
from mppsim.stats.metrics import METRICS, ZONE_METRICS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["mpp_kota_sedang.yaml", "mpp_kota_sedang_layout_a.yaml"])
def test_summary_means_are_the_per_scope_means_of_metrics_parquet(tmp_path, name):
    scenario = mppsim.load_scenario(ROOT / "scenarios" / name)
    result = mppsim.run(scenario, replications=3, seed=4)
    folder = mppsim.write_run(result, tmp_path / "out")
    table = pd.read_parquet(folder / "metrics.parquet")
    summary = json.loads((folder / "summary.json").read_text())

    scopes = {("mpp", "mpp"): summary["mpp"]}
    scopes.update({(a, "agency"): v for a, v in summary["agencies"].items()})
    scopes.update({(k, k): summary[k] for k in ("kiosk", "info_desk") if k in summary})
    scopes.update({(z, "zone"): v for z, v in summary.get("zones", {}).items()})
    assert set(zip(table["scope"], table["kind"], strict=True)) == set(scopes)
    assert len(table) == 3 * len(scopes)
    assert sorted(table["replication"].unique()) == [0, 1, 2]
    checked = 0
    for (scope, kind), figures in scopes.items():
        rows = table[(table["scope"] == scope) & (table["kind"] == kind)]
        names = ZONE_METRICS if kind == "zone" else METRICS
        for figure in names:
            mean = rows[figure].mean()
            expected = figures[figure]
            if expected is None:
                assert math.isnan(mean)
            else:
                assert mean == pytest.approx(expected, rel=1e-12, abs=1e-12), (scope, figure)
                checked += 1
        other = [c for c in (METRICS if kind == "zone" else ZONE_METRICS) if c in table]
        assert rows[other].isna().all().all()
    assert checked > 100
    assert ("seats" in table) == ("zones" in summary)  # zone figures only with a layout
    if "zones" in summary:
        assert (table["kind"] == "zone").sum() == 3 * len(summary["zones"])
