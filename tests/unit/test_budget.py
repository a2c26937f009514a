"""Valid but enormous scenarios are refused with a message naming the field, up front."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import mppsim
from mppsim.cli import app
from mppsim.errors import ScenarioError
from mppsim.experiment.budget import MAX_VISITORS, check_budget, estimate, format_bytes

ROOT = Path(__file__).resolve().parents[2]
DAY = ROOT / "scenarios" / "mpp_kota_sedang.yaml"
LAYOUT = ROOT / "scenarios" / "mpp_kota_sedang_layout_a.yaml"
HORIZON = """\
name: mm2
horizon: {warmup: 100, duration: 1000}
arrivals:
  rate_per_hour: 50
  mix:
    - {services: [a.s], share: 1}
agencies:
  a:
    counters: 2
    services:
      s: {time: {dist: exponential, mean: 2}}
"""

runner = CliRunner()

# (id, scenario, --set, field the message must name): the issue's list
CRAFTED = [
    ("daily-visitors", "day", "arrivals.daily_visitors=1e12", "arrivals.daily_visitors"),
    (
        "demand-factor",
        "day",
        "calendar.days.weekday.demand_factor=1e9",
        "calendar.days.weekday.demand_factor",
    ),
    (
        "service-mean",
        "day",
        "agencies.dukcapil.services.ktp_rekam.time.mean=1e15",
        "agencies.dukcapil.services.ktp_rekam.time",
    ),
    ("timeseries-bin", "day", "outputs.timeseries_bin=1e-9", "outputs.timeseries_bin"),
    (
        "slot-every",
        "day",
        "arrivals.appointments[0].slot_every=0.0001",
        "arrivals.appointments[0].slot_every",
    ),
    ("recall-wait", "day", "behaviour.recall_wait=1e12", "behaviour.recall_wait"),
    (
        "floor-change",
        "layout",
        "layout.floor_change.time_per_floor=1e12",
        "layout.floor_change.time_per_floor",
    ),
    ("horizon", "horizon", "horizon.duration=1e15", "horizon.duration"),
    ("rate", "horizon", "arrivals.rate_per_hour=1e12", "arrivals.rate_per_hour"),
    (
        "profile-overflow",
        "day",
        'arrivals.profile={"07:30": 1e308, "08:00": 1e308, "09:00": 1e308}',
        "arrivals.profile",
    ),
    (
        "walking-speed-0",
        "layout",
        "layout.walking_speed={dist: deterministic, value: 0}",
        "layout.walking_speed",
    ),
    (
        "priority-speed-factor",
        "layout",
        "layout.priority_speed_factor=1e-300",
        "layout.priority_speed_factor",
    ),
    (
        "service-mean-horizon",
        "horizon",
        "agencies.a.services.s.time.mean=1e300",
        "agencies.a.services.s.time",
    ),
    (
        "lift-wait",
        "layout",
        "layout.floor_change.lift_wait={dist: deterministic, value: 1e14}",
        "layout.floor_change.lift_wait",
    ),
    (
        "punctuality",
        "day",
        "arrivals.appointments[0].punctuality={dist: deterministic, value: 1e13}",
        "arrivals.appointments[0].punctuality",
    ),
]


@pytest.fixture
def horizon_file(tmp_path):
    path = tmp_path / "horizon.yaml"
    path.write_text(HORIZON, encoding="utf-8")
    return path


def _file(kind: str, horizon_file: Path) -> Path:
    return {"day": DAY, "layout": LAYOUT, "horizon": horizon_file}[kind]


@pytest.mark.parametrize(
    ("kind", "override", "field"), [c[1:] for c in CRAFTED], ids=[c[0] for c in CRAFTED]
)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_enormous_inputs_are_refused_with_the_field(
    tmp_path, horizon_file, command, kind, override, field
):
    path = _file(kind, horizon_file)
    args = [command, str(path), "--set", override]
    if command == "run":
        args += ["-r", "1", "--out", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert "Traceback" not in result.output
    assert f": {field}: " in result.output.replace("\n", " ")
    assert not (tmp_path / "out").exists()


def test_bundled_scenarios_fit_and_the_estimate_is_close():
    scenario = mppsim.load_scenario(DAY)
    need = check_budget(scenario, "day")
    day = mppsim.simulate(scenario, seed=0)
    assert need.visit_rows / 2 < len(day.visits) < need.visit_rows * 2
    assert 1000 < need.visitors < 2500
    assert need.bins < 100


def test_memory_refusal_names_the_field_and_the_figures():
    scenario = mppsim.load_scenario(DAY, ["arrivals.daily_visitors=1500000"])
    with pytest.raises(ScenarioError) as caught:
        check_budget(scenario, "day.yaml", memory=2 * 10**9)
    (issue,) = caught.value.issues
    assert issue.field == "arrivals.daily_visitors"
    assert "1,500,0" in issue.message
    assert "2.0 GB available" in issue.message
    need = estimate(scenario)
    assert need.run_bytes(2) > 2 * need.replication_bytes
    with pytest.raises(ScenarioError, match="use fewer --jobs"):
        check_budget(scenario, "day.yaml", jobs=4, memory=int(need.replication_bytes * 1.5))


def test_visitor_limit_holds_whatever_the_memory():
    scenario = mppsim.load_scenario(DAY, ["arrivals.daily_visitors=3e9"])
    with pytest.raises(ScenarioError, match=f"{MAX_VISITORS:,}"):
        check_budget(scenario, memory=10**30)


def test_the_api_refuses_too(tmp_path):
    scenario = mppsim.load_scenario(DAY, ["outputs.timeseries_bin=1e-9"])
    with pytest.raises(ScenarioError, match=r"outputs\.timeseries_bin"):
        mppsim.run(scenario, replications=1)


@pytest.mark.parametrize(
    ("n", "text"), [(512, "512 B"), (58e6, "58 MB"), (2.5e9, "2.5 GB"), (float("inf"), "more")]
)
def test_format_bytes(n, text):
    assert format_bytes(n).startswith(text)


def test_too_many_replications_are_refused_before_they_start():
    from mppsim.errors import MppsimError

    scenario = mppsim.load_scenario(DAY)
    need = estimate(scenario)
    memory = int(need.replication_bytes + 1000 * need.metrics_bytes)
    check_budget(scenario, replications=500, memory=memory)
    with pytest.raises(MppsimError, match=r"about \d[\d,]* fit: run several batches"):
        check_budget(scenario, replications=100_000, memory=memory)
    with pytest.raises(MppsimError, match="for their tables"):
        check_budget(scenario, replications=500, keep_tables=True, memory=memory)
    result = runner.invoke(app, ["run", str(DAY), "-r", "1000000000", "--jobs", "2"])
    assert result.exit_code == 2
    assert "1,000,000,000 replications would need" in result.output
