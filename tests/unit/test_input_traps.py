"""Silent input traps: typos in --set, unused counter groups, implausible values, units on speeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mppsim.errors import Issue, ScenarioError
from mppsim.scenario.loader import load_scenario, load_scenario_text

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "scenarios" / "mpp_kota_sedang.yaml"
LAYOUT_A = ROOT / "scenarios" / "mpp_kota_sedang_layout_a.yaml"


def problems(path: Path, *overrides: str, strict: bool = False) -> list[Issue]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides, strict=strict)
    return list(info.value.issues)


def warnings_of(path: Path, *overrides: str) -> list[Issue]:
    found: list[Issue] = []
    load_scenario(path, overrides, warnings=found)
    return found


def test_typo_in_agency_id_is_named():
    (issue,) = problems(BUNDLED, "agencies.dukcapl.counters=3")
    assert issue.field == "agencies.dukcapl"
    assert issue.message == (
        "no agency 'dukcapl' (did you mean 'dukcapil'?) (from --set agencies.dukcapl.counters=3)"
    )


def test_unknown_agency_without_close_match_gets_the_validation_messages():
    found = problems(BUNDLED, "agencies.zzz.counters=3")
    assert any(
        i.field == "agencies.zzz.services" and "(from --set agencies.zzz.counters=3)" in i.message
        for i in found
    ), found


def test_typo_in_counter_group_is_an_error():
    (issue,) = problems(BUNDLED, "agencies.dukcapil.counters.umumm=5")
    assert issue.field == "agencies.dukcapil.counters.umumm"
    assert "counter group 'umumm' serves no service (did you mean 'umum'?)" in issue.message
    assert "(from --set agencies.dukcapil.counters.umumm=5)" in issue.message


def test_unused_counter_group_in_a_file_names_field_and_line():
    text = BUNDLED.read_text(encoding="utf-8").replace(
        "counters: {perekaman: 3, cetak: 1, umum: 6}",
        "counters: {perekaman: 3, cetak: 1, umum: 6, arsip: 2}",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "s.yaml")
    (issue,) = info.value.issues
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "arsip: 2" in row)
    assert (issue.field, issue.line) == ("agencies.dukcapil.counters.arsip", line)
    assert "serves no service" in issue.message


def test_a_number_on_an_agency_with_groups_says_so_once():
    (issue,) = problems(BUNDLED, "agencies.dukcapil.counters=12")
    assert issue.field == "agencies.dukcapil.counters"
    assert "is one number (12), but the services name counter groups" in issue.message
    assert "counters.umum=12" in issue.message
    assert "(from --set agencies.dukcapil.counters=12)" in issue.message


def test_messages_caused_by_an_override_say_so():
    # the override is valid itself, but makes the (unchanged) booking slots impossible
    found = problems(BUNDLED, 'agencies.imigrasi.hours={ticket_cutoff: "13:30"}')
    slot = [i for i in found if i.field == "arrivals.appointments[1].last_slot"]
    assert slot, found
    assert slot[0].line is not None
    assert slot[0].message.endswith(
        """(because of --set agencies.imigrasi.hours={ticket_cutoff: "13:30"})"""
    )


def documented_set_examples() -> list[str]:
    """Every --set example of the README and of the command line's help texts."""
    texts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    texts += [(ROOT / "mppsim" / "cli.py").read_text(encoding="utf-8")]
    texts += [(ROOT / "mppsim" / "scenario" / "overrides.py").read_text(encoding="utf-8")]
    found = set()
    for text in texts:
        found.update(re.findall(r"--set[ =]([a-z_]+(?:\.[a-z_]+|\[\d+\])+=[^\s`'\")]+)", text))
        found.update(re.findall(r"(?:e\.g\.|or) ([a-z_]+(?:\.[a-z_]+|\[\d+\])+=[^\s`'\")]+)", text))
        found.update(re.findall(r'"(agencies\.[a-z_.]+=\d+)"', text))
    return sorted(found)


def test_the_documented_examples_are_found():
    examples = documented_set_examples()
    assert "agencies.dukcapil.counters.umum=7" in examples
    assert "calendar.day_type=friday" in examples
    assert len(examples) >= 5


@pytest.mark.parametrize("example", documented_set_examples())
def test_every_documented_set_example_works_on_the_bundled_scenario(example):
    if "dukcapl." in example:  # the README's example of a mistyped id
        (issue,) = problems(BUNDLED, example)
        assert issue.message.startswith("no agency 'dukcapl' (did you mean 'dukcapil'?)")
        return
    target = LAYOUT_A if example.startswith("layout.") else BUNDLED
    load_scenario(target, [example.rstrip(".,")])


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        (
            "agencies.dukcapil.services.kk.time.mean=8 h",
            "agencies.dukcapil.services.kk.time",
            "8 h",
        ),
        ("arrivals.mix[0].share=8", "arrivals.mix", "add up to 98, not 100"),
        ("kiosk.time.mean=15", "kiosk.time", "implausible"),
    ],
)
def test_implausible_values_warn_with_field_and_line(override, field, words):
    (issue,) = warnings_of(BUNDLED, override)
    assert issue.field == field
    assert issue.line is not None
    assert words in issue.message
    (error,) = problems(BUNDLED, override, strict=True)
    assert error.field == field


def test_implausible_layout_warnings():
    (speed,) = warnings_of(LAYOUT_A, "layout.walking_speed.mean=72")
    assert speed.field == "layout.walking_speed"
    assert "72 m/s is implausible" in speed.message
    overlap, *_ = warnings_of(LAYOUT_A, "layout.zones.lobby.width=14")
    assert "overlaps zone 'lobby'" in overlap.message
    assert overlap.line is not None


def test_the_bundled_scenarios_give_no_warnings():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert warnings_of(path) == [], path


@pytest.mark.parametrize(
    ("speed", "expected"), [("1.2 m/s", 1.2), ("4.32 km/h", 1.2), ("72 m/min", 1.2)]
)
def test_walking_speed_accepts_speed_units(speed, expected):
    scenario = load_scenario(LAYOUT_A, [f"layout.walking_speed.mean={speed}"])
    assert scenario.layout.walking_speed.mean == pytest.approx(expected)


def test_walking_speed_with_a_time_unit_gets_speed_advice():
    (issue,) = problems(LAYOUT_A, "layout.walking_speed.mean=1.2 min")
    assert issue.field == "layout.walking_speed"
    assert "a walking speed is in metres per second" in issue.message
    assert "time unit" not in issue.message


def test_a_number_of_counters_may_still_be_named_as_the_group_counter():
    text = (ROOT / "tests" / "data" / "good_tiny.yaml").read_text(encoding="utf-8")
    text = text.replace("cv: 0.5}}", "cv: 0.5}, counters: [counter]}")
    assert "counters: [counter]" in text
    load_scenario_text(text, "s.yaml")
