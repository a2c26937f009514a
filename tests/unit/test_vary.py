"""--vary values, sweep files, and points checked before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import mppsim
from mppsim.errors import ScenarioError
from mppsim.scenario.vary import (
    Relative,
    design_from_file,
    design_from_vary,
    grid_points,
    parse_values,
    parse_vary,
)

GOOD = Path(__file__).resolve().parents[1] / "data" / "good_tiny.yaml"


@pytest.fixture(scope="module")
def base():
    return mppsim.load_scenario(GOOD)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4,5,6", [4, 5, 6]),
        ("4..8", [4, 5, 6, 7, 8]),
        ("2, 4..5", [2, 4, 5]),
        ("x0.8,x1.0,x1.2", [Relative(0.8), Relative(1.0), Relative(1.2)]),
        ("weekday,friday", ["weekday", "friday"]),
        ("2.5", [2.5]),
        ("6 min", ["6 min"]),
    ],
)
def test_values(text, expected):
    assert parse_values(text) == expected


@pytest.mark.parametrize("text", ["8..4", "4,,5", ""])
def test_bad_values_are_user_errors(text):
    with pytest.raises(ScenarioError) as caught:
        parse_values(text)
    assert caught.value.source == "--vary"


def test_parse_vary_splits_path_and_values():
    assert parse_vary("agencies.dukcapil.counters.umum=4..6") == (
        "agencies.dukcapil.counters.umum",
        [4, 5, 6],
    )
    assert parse_vary("arrivals.mix[0].share=10,20")[0] == "arrivals.mix[0].share"
    with pytest.raises(ScenarioError, match="--vary"):
        parse_vary("no_equals_sign")


def test_grid_varies_the_first_field_slowest():
    assert grid_points({"a": [1, 2], "b": ["x", "y"]}) == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 2, "b": "x"},
        {"a": 2, "b": "y"},
    ]


def test_relative_changes_use_the_base_value_and_keep_whole_numbers_whole(base):
    design = design_from_vary(
        base, {"agencies.dukcapil.counters": "x0.5,x1.0", "arrivals.daily_visitors": "x1.3"}
    )
    assert [p.settings for p in design.points] == [
        {"agencies.dukcapil.counters": 1, "arrivals.daily_visitors": 65.0},
        {"agencies.dukcapil.counters": 2, "arrivals.daily_visitors": 65.0},
    ]
    assert design.points[1].scenario.agencies["dukcapil"].counters == 2
    assert design.points[0].scenario.arrivals.daily_visitors == 65.0
    unchanged = design_from_vary(base, {"arrivals.daily_visitors": "x1.0"})
    assert unchanged.points[0].scenario == base


def test_a_bad_path_is_reported_once_with_its_point(base):
    with pytest.raises(ScenarioError) as caught:
        design_from_vary(base, {"agencies.dukcapl.counters": "1..3"})
    issues = caught.value.issues
    assert len(issues) == 1
    message = issues[0].message
    assert "point 0 (agencies.dukcapl.counters=1)" in message
    assert "did you mean 'dukcapil'" in message
    assert "and 2 more points" in message


def test_a_bad_value_names_its_point_only(base):
    with pytest.raises(ScenarioError) as caught:
        design_from_vary(base, {"agencies.dukcapil.counters": [1, -2, 3]})
    text = " ".join(i.message for i in caught.value.issues)
    assert "point 1 (agencies.dukcapil.counters=-2)" in text
    assert "point 0" not in text
    assert "point 2" not in text


def test_relative_change_of_a_field_without_a_number(base):
    with pytest.raises(ScenarioError, match="x2 is a change relative"):
        design_from_vary(base, {"name": "x2"})


def test_sweep_file_grid_and_points(tmp_path):
    folder = tmp_path / "sweeps"
    folder.mkdir()
    (folder / "grid.yaml").write_text(
        f"scenario: {GOOD}\n"
        "vary:\n"
        "  agencies.dukcapil.counters: 1..2\n"
        "  arrivals.daily_visitors: [x0.5, 60]\n"
        "replications: 3\nseed: 7\n"
    )
    design = design_from_file(folder / "grid.yaml")
    assert design.replications == 3
    assert design.seed == 7
    assert design.varied == ("agencies.dukcapil.counters", "arrivals.daily_visitors")
    assert [p.settings["arrivals.daily_visitors"] for p in design.points] == [25.0, 60] * 2
    (folder / "tiny.yaml").write_text(GOOD.read_text())
    (folder / "points.yaml").write_text(
        "scenario: tiny.yaml\n"  # relative to the sweep file
        "points:\n"
        "  - {agencies.dukcapil.counters: 1, arrivals.daily_visitors: 40}\n"
        "  - {agencies.dukcapil.counters: 3, arrivals.daily_visitors: x2}\n"
    )
    design = design_from_file(folder / "points.yaml")
    assert [p.settings for p in design.points] == [
        {"agencies.dukcapil.counters": 1, "arrivals.daily_visitors": 40},
        {"agencies.dukcapil.counters": 3, "arrivals.daily_visitors": 100.0},
    ]
    assert design.replications == 10


def test_sweep_file_mistakes_name_field_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(f"scenario: {GOOD}\nvary:\n  arrivals.daily_visitors: 1,2\nreplicatons: 3\n")
    with pytest.raises(ScenarioError) as caught:
        design_from_file(path)
    (issue,) = caught.value.issues
    assert issue.field == "replicatons"
    assert issue.line == 4
    path.write_text(f"scenario: {GOOD}\nvary: {{a: 1}}\npoints: [{{a: 1}}]\n")
    with pytest.raises(ScenarioError, match="either vary"):
        design_from_file(path)


def test_bundled_sweep_file_is_valid():
    path = Path(__file__).resolve().parents[2] / "scenarios" / "sweeps" / "dukcapil_counters.yaml"
    design = design_from_file(path)
    assert len(design.points) == 21
    assert design.points[0].settings == {
        "agencies.dukcapil.counters.umum": 4,
        "arrivals.daily_visitors": 1200.0,
    }
    assert design.figures == ("wait_p90_min", "lost", "utilization")
