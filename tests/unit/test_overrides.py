"""``--set path=value`` overrides: parsing, applying, and errors that name the option."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from mppsim.errors import ScenarioError
from mppsim.scenario.loader import LineMap, load_model, load_model_text, read_yaml, validate
from mppsim.scenario.overrides import OVERRIDE_SOURCE, apply_overrides, parse_override


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Agency(Strict):
    counters: int = Field(gt=0)
    minutes: float = Field(gt=0)


class MixItem(Strict):
    service: str
    share: float = Field(ge=0, le=1)


class Arrivals(Strict):
    rate: float = Field(gt=0)
    mix: list[MixItem]
    notes: dict[str, str] | None = None


class Plan(Strict):
    name: str
    agencies: dict[str, Agency]
    arrivals: Arrivals


TEXT = """\
name: MPP
agencies:
  dukcapil:
    counters: 3
    minutes: 6
arrivals:
  rate: 100
  mix:
    - {service: ktp, share: 0.5}
    - {service: kk, share: 0.3}
    - {service: akta, share: 0.2}
  notes:
"""


def load(*overrides: str, text: str = TEXT) -> Plan:
    return load_model_text(Plan, text, "s.yaml", overrides)


def fail(*overrides: str, text: str = TEXT) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load(*overrides, text=text)
    return info.value


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("agencies.dukcapil.counters=5", ("agencies", "dukcapil", "counters"), 5),
        ("name=6 min", ("name",), "6 min"),
        ('name="6 min"', ("name",), "6 min"),
        ("name='it''s'", ("name",), "it's"),
        ("x=[1,2]", ("x",), [1, 2]),
        ("x={a: 1, b: [true]}", ("x",), {"a": 1, "b": [True]}),
        ("x=true", ("x",), True),
        ("x=2.5", ("x",), 2.5),
        ("x=null", ("x",), None),
        ("x=", ("x",), None),
        ("x=08:00", ("x",), "08:00"),
        ("x=2024-01-01", ("x",), "2024-01-01"),
        ("x=#ff0000", ("x",), "#ff0000"),
        ("x=a: b", ("x",), "a: b"),
        ("x=1=2", ("x",), "1=2"),
        (" x . y = 5 ", ("x", "y"), 5),
        ("arrivals.mix[2].share=0.3", ("arrivals", "mix", 2, "share"), 0.3),
        ("arrivals.mix.2.share=0.3", ("arrivals", "mix", 2, "share"), 0.3),
        ("a[0][1]=x", ("a", 0, 1), "x"),
        ('services."ktp.baru".share=1', ("services", "ktp.baru", "share"), 1),
        ("services.'a=b'=1", ("services", "a=b"), 1),
        ("agencies.kantor pajak.counters=2", ("agencies", "kantor pajak", "counters"), 2),
    ],
)
def test_parse_override(text: str, path: tuple[str | int, ...], value: object) -> None:
    assert parse_override(text) == (path, value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("agencies.dukcapil.counters", "there is no '='"),
        ("", "there is no '='"),
        ("=5", "the path before '=' is empty"),
        ("a..b=1", "a part of the path is empty"),
        ("a.=1", "a part of the path is empty"),
        (".a=1", "a part of the path is empty"),
        ("mix[x]=1", "'[x]' is not a list position"),
        ("mix[-1]=1", "'[-1]' is not a list position"),
        ("mix[1=2", "is not a list position"),
        ("a]=1", "unexpected ']'"),
        ('"a=1', "a quote in the path is not closed"),
        ("a=[1,", "bad --set value: this is not valid YAML"),
    ],
)
def test_malformed_override_is_explained(text: str, reason: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_override(text)
    error = info.value
    assert error.source == OVERRIDE_SOURCE
    [issue] = error.issues
    assert issue.field == text
    assert issue.line is None
    assert reason in issue.message
    if "value" not in reason:
        assert issue.message.startswith("bad --set option: ")
        assert "path=value" in issue.message


def test_unsafe_tag_in_a_value_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args))
    marker = tmp_path / "pwned"
    text = f'name=!!python/object/apply:os.system ["touch {marker}"]'
    with pytest.raises(ScenarioError) as info:
        parse_override(text)
    assert calls == []
    assert not marker.exists()
    assert "unsafe or unknown YAML tag '!!python/object/apply:os.system'" in str(info.value)


# --------------------------------------------------------------------------- applying


def test_set_nested_value_copies_the_data_and_moves_provenance() -> None:
    data, lines = read_yaml(TEXT, "s.yaml")
    new, new_lines = apply_overrides(data, ["agencies.dukcapil.counters=5"], lines)
    assert new["agencies"]["dukcapil"]["counters"] == 5
    assert data["agencies"]["dukcapil"]["counters"] == 3  # input untouched
    assert lines[("agencies", "dukcapil", "counters")] == 4
    assert ("agencies", "dukcapil", "counters") not in new_lines
    assert new_lines[("agencies", "dukcapil", "minutes")] == 5
    assert isinstance(new_lines, LineMap)
    assert new_lines.overrides == {
        ("agencies", "dukcapil", "counters"): "agencies.dukcapil.counters=5"
    }
    assert lines.overrides == {}


@pytest.mark.parametrize("text", ["arrivals.mix[1].share=0.25", "arrivals.mix.1.share=0.25"])
def test_set_list_element(text: str) -> None:
    data, lines = read_yaml(TEXT, "s.yaml")
    new, new_lines = apply_overrides(data, [text], lines)
    assert new["arrivals"]["mix"][1] == {"service": "kk", "share": 0.25}
    assert new_lines.overrides == {("arrivals", "mix", 1, "share"): text}
    assert new_lines[("arrivals", "mix", 1, "service")] == 10


def test_replace_a_whole_subtree() -> None:
    data, lines = read_yaml(TEXT, "s.yaml")
    new, new_lines = apply_overrides(
        data,
        ["agencies.dukcapil.counters=9", "agencies.dukcapil={counters: 2, minutes: 4}"],
        lines,
    )
    assert new["agencies"]["dukcapil"] == {"counters": 2, "minutes": 4}
    assert not any(path[:2] == ("agencies", "dukcapil") for path in new_lines)
    assert new_lines.overrides == {
        ("agencies", "dukcapil"): "agencies.dukcapil={counters: 2, minutes: 4}"
    }


def test_create_missing_keys_and_fill_empty_values() -> None:
    data, lines = read_yaml(TEXT, "s.yaml")
    new, new_lines = apply_overrides(
        data, ["agencies.pajak.counters=2", "arrivals.notes.author=Budi"], lines
    )
    assert new["agencies"]["pajak"] == {"counters": 2}
    assert new["arrivals"]["notes"] == {"author": "Budi"}
    assert new_lines.overrides == {
        ("agencies", "pajak"): "agencies.pajak.counters=2",
        ("arrivals", "notes"): "arrivals.notes.author=Budi",
    }
    assert ("arrivals", "notes") not in new_lines


def test_digit_parts_are_text_keys_on_mappings() -> None:
    new, _ = apply_overrides({"profile": {"8": 1.0}}, ["profile.8=2", "profile[9]=3"], {})
    assert new == {"profile": {"8": 2, "9": 3}}


def test_override_fixes_a_wrong_value_in_the_file() -> None:
    text = TEXT.replace("counters: 3", "counters: abc")
    assert fail(text=text).issues[0].line == 4
    assert load("agencies.dukcapil.counters=4", text=text).agencies["dukcapil"].counters == 4


def test_loaded_model_has_the_overridden_values() -> None:
    plan = load("arrivals.rate=50", "arrivals.mix[0].share=0.6", "arrivals.mix[2].share=0.1")
    assert plan.arrivals.rate == 50
    assert [item.share for item in plan.arrivals.mix] == [0.6, 0.3, 0.1]


def test_load_model_from_file_with_overrides(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(TEXT, encoding="utf-8")
    assert load_model(Plan, path, ["name=Mal Baru"]).name == "Mal Baru"


# --------------------------------------------------------------------------- errors


def test_index_beyond_the_end_of_a_list() -> None:
    data, lines = read_yaml(TEXT, "s.yaml")
    with pytest.raises(ScenarioError) as info:
        apply_overrides(data, ["arrivals.mix[3].share=0.1"], lines)
    assert str(info.value) == (
        "--set: arrivals.mix[3]: 'arrivals.mix' has only 3 item(s), so there is no item [3]; "
        "positions start at 0 (from --set arrivals.mix[3].share=0.1)"
    )


def test_wrong_kind_of_step_in_the_path() -> None:
    data, lines = read_yaml(TEXT, "s.yaml")
    with pytest.raises(ScenarioError) as info:
        apply_overrides(data, ["arrivals.mix.first.share=1", "name.short=M"], lines)
    assert [issue.field for issue in info.value.issues] == ["arrivals.mix.first", "name.short"]
    messages = [issue.message for issue in info.value.issues]
    assert "'arrivals.mix' is a list" in messages[0]
    assert "'name' is a single value" in messages[1]
    assert all("(from --set " in message for message in messages)


def test_all_bad_overrides_are_reported_together_with_file_problems() -> None:
    text = TEXT.replace("    minutes: 6\n", "    minutes: 6\n    minutes: 7\n")
    error = fail("oops", "arrivals.mix[7].share=1", text=text)
    assert error.source == "s.yaml"
    assert [(issue.field, issue.line) for issue in error.issues] == [
        ("agencies.dukcapil.minutes", 6),
        ("oops", None),
        ("arrivals.mix[7]", None),
    ]
    assert str(error).splitlines()[1].startswith("s.yaml: oops: bad --set option: there is no '='")


def test_error_on_an_overridden_value_names_the_set_option() -> None:
    error = fail("agencies.dukcapil.counters=abc", "arrivals.mix[1].share=2")
    assert str(error).splitlines() == [
        (
            "s.yaml: agencies.dukcapil.counters: must be a whole number, got 'abc' "
            "(from --set agencies.dukcapil.counters=abc)"
        ),
        (
            "s.yaml: arrivals.mix[1].share: must be at most 1, got 2 "
            "(from --set arrivals.mix[1].share=2)"
        ),
    ]
    assert all(issue.line is None for issue in error.issues)


def test_errors_inside_a_created_mapping_name_the_set_option() -> None:
    error = fail("agencies.pajak.counterz=2")
    assert str(error).splitlines() == [
        (
            "s.yaml: agencies.pajak.counters: missing required key 'counters' "
            "(from --set agencies.pajak.counterz=2)"
        ),
        (
            "s.yaml: agencies.pajak.minutes: missing required key 'minutes' "
            "(from --set agencies.pajak.counterz=2)"
        ),
        (
            "s.yaml: agencies.pajak.counterz: unknown key 'counterz' (did you mean 'counters'?) "
            "(from --set agencies.pajak.counterz=2)"
        ),
    ]


def test_errors_elsewhere_keep_their_file_lines() -> None:
    text = TEXT.replace("rate: 100", "rate: -1")
    error = fail("agencies.dukcapil.minutes=.nan", text=text)
    assert str(error).splitlines() == [
        "s.yaml:7: arrivals.rate: must be greater than 0, got -1",
        (
            "s.yaml: agencies.dukcapil.minutes: must be a finite number, got .nan (not a number) "
            "(from --set agencies.dukcapil.minutes=.nan)"
        ),
    ]


def test_validate_uses_the_provenance_of_the_line_map() -> None:
    data, lines = read_yaml(TEXT, "s.yaml")
    data, lines = apply_overrides(data, ["arrivals={rate: 0, mix: []}"], lines)
    with pytest.raises(ScenarioError) as info:
        validate(Plan, data, lines, "s.yaml")
    assert str(info.value) == (
        "s.yaml: arrivals.rate: must be greater than 0, got 0 (from --set arrivals={rate: 0, mix: []})"
    )
