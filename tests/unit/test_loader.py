"""Reading scenario YAML: every mistake gives a field path and a line, never a traceback."""

from __future__ import annotations

import math
import os
import pickle
import random
import time
from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from mppsim.errors import Issue, MppsimError, ScenarioError
from mppsim.scenario.loader import (
    MAX_ALIAS_EXPANSION,
    MAX_FILE_BYTES,
    LineMap,
    format_path,
    load_model,
    load_model_text,
    read_yaml,
    resolve_plain_scalar,
    validate,
)

# --------------------------------------------------------------------------- test models


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Agency(Strict):
    counters: int = Field(gt=0)
    minutes: float = Field(gt=0)


class MixItem(Strict):
    service: str
    share: float = Field(ge=0, le=1)


class Exponential(Strict):
    kind: Literal["exponential"]
    mean: float = Field(gt=0)


class LogNormal(Strict):
    kind: Literal["lognormal"]
    mean: float = Field(gt=0)
    sigma: float = Field(gt=0)


class Arrivals(Strict):
    rate: float = Field(gt=0)
    mix: list[MixItem] = Field(min_length=1)


class Plan(Strict):
    name: str
    opening: str = "08:00"
    agencies: dict[str, Agency]
    arrivals: Arrivals
    service_time: Annotated[Exponential | LogNormal, Field(discriminator="kind")]
    label: int | str = 0

    @model_validator(mode="after")
    def _shares(self) -> Plan:
        if abs(sum(item.share for item in self.arrivals.mix) - 1.0) > 1e-9:
            raise ValueError("arrival shares must add up to 1")
        return self


VALID = """\
name: MPP Kota Contoh
opening: 08:00
agencies:
  dukcapil:
    counters: 3
    minutes: 6.5
  pajak:
    counters: 2
    minutes: 10
arrivals:
  rate: 120
  mix:
    - service: ktp
      share: 0.6
    - service: npwp
      share: 0.4
service_time:
  kind: lognormal
  mean: 6
  sigma: 0.5
"""


def variant(*replacements: tuple[str, str]) -> str:
    text = VALID
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def fail(text: str, model: type[BaseModel] = Plan) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_model_text(model, text, "s.yaml")
    return info.value


def lines_of(error: ScenarioError) -> list[str]:
    return str(error).splitlines()


# --------------------------------------------------------------------------- valid input


def test_valid_file_loads() -> None:
    plan = load_model_text(Plan, VALID, "s.yaml")
    assert plan.name == "MPP Kota Contoh"
    assert plan.opening == "08:00"  # not 480 (YAML 1.1 sexagesimal)
    assert plan.agencies["dukcapil"].counters == 3
    assert plan.arrivals.mix[1].service == "npwp"
    assert isinstance(plan.service_time, LogNormal)


def test_read_yaml_gives_plain_data_and_line_numbers() -> None:
    data, lines = read_yaml(VALID, "s.yaml")

    def check(value: object) -> None:
        assert type(value) in (dict, list, str, int, float, bool, type(None))
        if isinstance(value, dict):
            assert all(type(key) is str for key in value)
            for item in value.values():
                check(item)
        elif isinstance(value, list):
            for item in value:
                check(item)

    check(data)
    assert isinstance(lines, LineMap)
    assert lines[()] == 1
    assert lines[("agencies",)] == 3
    assert lines[("agencies", "dukcapil")] == 4
    assert lines[("agencies", "pajak", "minutes")] == 9
    assert lines[("arrivals", "mix", 1)] == 15
    assert lines[("arrivals", "mix", 1, "share")] == 16
    assert lines.overrides == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", "08:00"),
        ("2024-01-01", "2024-01-01"),
        ("2024-01-01 10:00:00", "2024-01-01 10:00:00"),
        ("yes", "yes"),
        ("off", "off"),
        ("1_000", "1_000"),
        ("true", True),
        ("FALSE", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("42", 42),
        ("-7", -7),
        ("017", 17),
        ("0o17", 15),
        ("0x1F", 31),
        ("2.5", 2.5),
        ("1e3", 1000.0),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("6 min", "6 min"),
    ],
)
def test_plain_scalars_follow_the_yaml_12_core_schema(text: str, expected: object) -> None:
    value = resolve_plain_scalar(text)
    assert value == expected
    assert type(value) is type(expected)
    data, _ = read_yaml(f"x: {text}\n", "s.yaml")
    assert data["x"] == expected
    assert type(data["x"]) is type(expected)


def test_nan_scalar_is_a_float_nan() -> None:
    assert math.isnan(resolve_plain_scalar(".NaN"))


def test_yaml_11_directive_does_not_change_scalars() -> None:
    data, _ = read_yaml("%YAML 1.1\n---\na: yes\nb: 08:00\nc: 2024-01-01\n", "s.yaml")
    assert data == {"a": "yes", "b": "08:00", "c": "2024-01-01"}


def test_quoted_block_and_standard_tagged_scalars() -> None:
    text = (
        "q: '08:00'\n"
        's: "1"\n'
        "lit: |\n  one\n  two\n"
        "fold: >\n  one\n  two\n"
        "str: !!str 123\n"
        'int: !!int "42"\n'
        "float: !!float 3\n"
        'bool: !!bool "true"\n'
        "none: !!null ''\n"
        "ts: !!timestamp 2024-01-01\n"
        "seq: !!seq [1]\n"
        "map: !!map {a: 1}\n"
    )
    data, _ = read_yaml(text, "s.yaml")
    assert data == {
        "q": "08:00",
        "s": "1",
        "lit": "one\ntwo\n",
        "fold": "one two\n",  # no ruamel fold markers left
        "str": "123",
        "int": 42,
        "float": 3.0,
        "bool": True,
        "none": None,
        "ts": "2024-01-01",
        "seq": [1],
        "map": {"a": 1},
    }
    assert type(data["float"]) is float


def test_bom_is_ignored() -> None:
    data, lines = read_yaml("\ufeffa: 1\n", "s.yaml")
    assert data == {"a": 1}
    assert lines[("a",)] == 1


# --------------------------------------------------------------------------- wrong values


def test_wrong_type_names_field_line_and_value() -> None:
    error = fail(
        variant(("    counters: 3\n", "    counters: abc\n"), ("minutes: 10\n", "minutes: ten\n"))
    )
    assert lines_of(error) == [
        "s.yaml:5: agencies.dukcapil.counters: must be a whole number, got 'abc'",
        "s.yaml:9: agencies.pajak.minutes: must be a number, got 'ten'",
    ]
    assert error.source == "s.yaml"
    assert error.issues[0] == Issue(
        "agencies.dukcapil.counters", 5, "must be a whole number, got 'abc'"
    )


def test_out_of_range_value_in_a_list_item() -> None:
    error = fail(variant(("share: 0.4\n", "share: 1.5\n")))
    assert lines_of(error) == ["s.yaml:16: arrivals.mix[1].share: must be at most 1, got 1.5"]


def test_empty_value_and_empty_list() -> None:
    error = fail(
        variant(("    counters: 3\n", "    counters:\n"), ("  mix:\n", "  mix: []\n  x:\n"))
    )
    text = str(error)
    assert "s.yaml:5: agencies.dukcapil.counters: must be a whole number, got nothing" in text
    assert "s.yaml:12: arrivals.mix: must have at least 1 item(s), got 0" in text


def test_nan_and_infinity_are_rejected_with_lines() -> None:
    error = fail(
        variant(("minutes: 6.5\n", "minutes: .nan\n"), ("minutes: 10\n", "minutes: .inf\n"))
    )
    assert lines_of(error) == [
        "s.yaml:6: agencies.dukcapil.minutes: must be a finite number, got .nan (not a number)",
        "s.yaml:9: agencies.pajak.minutes: must be a finite number, got .inf (infinity)",
    ]


def test_unknown_key_suggests_the_closest_known_key() -> None:
    error = fail(variant(("    counters: 3\n", "    counter: 3\n")))
    assert lines_of(error) == [
        "s.yaml:4: agencies.dukcapil.counters: missing required key 'counters'",
        "s.yaml:5: agencies.dukcapil.counter: unknown key 'counter' (did you mean 'counters'?)",
    ]


def test_unknown_key_without_close_match_lists_allowed_keys() -> None:
    error = fail(variant(("      share: 0.4\n", "      share: 0.4\n      colour: red\n")))
    assert lines_of(error) == [
        "s.yaml:17: arrivals.mix[1].colour: unknown key 'colour' (allowed keys: service, share)"
    ]


def test_unknown_key_inside_a_discriminated_union_member() -> None:
    error = fail(variant(("  sigma: 0.5\n", "  sigma: 0.5\n  sigmma: 1\n")))
    assert lines_of(error) == [
        "s.yaml:21: service_time.sigmma: unknown key 'sigmma' (did you mean 'sigma'?)"
    ]


def test_unknown_top_level_key() -> None:
    error = fail(VALID + "nmae: x\n")
    assert lines_of(error) == ["s.yaml:21: nmae: unknown key 'nmae' (did you mean 'name'?)"]


def test_missing_key_points_at_the_parent_key() -> None:
    error = fail(variant(("    minutes: 6.5\n", "")))
    assert lines_of(error) == [
        "s.yaml:4: agencies.dukcapil.minutes: missing required key 'minutes'"
    ]


def test_missing_top_level_key_points_at_the_document() -> None:
    error = fail(variant(("name: MPP Kota Contoh\n", "")))
    assert lines_of(error) == ["s.yaml:1: name: missing required key 'name'"]


def test_discriminator_problems() -> None:
    error = fail(variant(("kind: lognormal\n", "kind: weibul\n")))
    assert lines_of(error) == [
        (
            "s.yaml:18: service_time.kind: unknown kind 'weibul'; "
            "must be one of 'exponential', 'lognormal'"
        )
    ]
    error = fail(variant(("  kind: lognormal\n", "")))
    assert lines_of(error) == ["s.yaml:17: service_time.kind: missing required key 'kind'"]
    error = fail(variant(("  sigma: 0.5\n", "")))
    assert lines_of(error) == ["s.yaml:17: service_time.sigma: missing required key 'sigma'"]


def test_union_member_errors_become_one_message() -> None:
    error = fail(VALID + "label: [1, 2]\n")
    assert lines_of(error) == ["s.yaml:21: label: must be a whole number or text, got a list"]


def test_model_validator_message_is_shown_without_pydantic_prefix() -> None:
    error = fail(variant(("share: 0.4\n", "share: 0.3\n")))
    assert lines_of(error) == ["s.yaml:1: arrival shares must add up to 1"]
    assert "Value error" not in str(error)


class Day(Strict):
    open: str
    close: str

    @model_validator(mode="after")
    def _ordered(self) -> Day:
        problems = []
        if self.close <= self.open:
            problems.append((("close",), "must be after 'open'"))
            problems.append(((), "the day has no opening hours"))
        if problems:
            raise PydanticCustomError("scenario_consistency", "summary", {"problems": problems})
        return self


class Week(Strict):
    days: dict[str, Day]


def test_listed_problems_become_separate_issues_with_their_own_lines() -> None:
    text = "days:\n  monday:\n    open: '09:00'\n    close: '08:00'\n"
    error = fail(text, Week)
    assert lines_of(error) == [
        "s.yaml:2: days.monday: the day has no opening hours",
        "s.yaml:4: days.monday.close: must be after 'open'",
    ]


class Inner(Strict):
    a: int


class Outer(Strict):
    a: Inner


def test_missing_key_with_the_same_name_as_its_parent() -> None:
    error = fail("a:\n  b: 1\n", Outer)
    assert lines_of(error) == [
        "s.yaml:1: a.a: missing required key 'a'",
        "s.yaml:2: a.b: unknown key 'b' (allowed keys: a)",
    ]


class Hours(Strict):
    profile: dict[int, float]


def test_bad_mapping_key_type() -> None:
    error = fail("profile:\n  8: 1.0\n  nine: 2.0\n", Hours)
    assert lines_of(error) == ["s.yaml:3: profile.nine: the key must be a whole number, got 'nine'"]


def test_validate_accepts_a_plain_dict_of_lines() -> None:
    data = {"profile": {"8": "x"}}
    with pytest.raises(ScenarioError) as info:
        validate(Hours, data, {("profile",): 1, ("profile", "8"): 2}, "mem")
    assert str(info.value) == "mem:2: profile.8: must be a number, got 'x'"
    assert validate(Hours, {"profile": {"8": 1}}, {}, "mem").profile == {8: 1.0}


# --------------------------------------------------------------------------- YAML-level problems


def test_duplicate_key_reports_the_line_of_the_duplicate() -> None:
    text = variant(("    counters: 3\n", "    counters: 3\n    counters: 4\n"))
    with pytest.raises(ScenarioError) as info:
        read_yaml(text, "s.yaml")
    assert lines_of(info.value) == [
        (
            "s.yaml:6: agencies.dukcapil.counters: duplicate key 'counters' "
            "(already defined on line 5); remove one of them"
        )
    ]


def test_duplicate_keys_are_reported_with_validation_errors() -> None:
    text = variant(
        ("  pajak:\n", "  dukcapil:\n    counters: 1\n  pajak:\n"),
        ("minutes: 10\n", "minutes: lama\n"),
    )
    error = fail(text)
    assert lines_of(error) == [
        (
            "s.yaml:7: agencies.dukcapil: duplicate key 'dukcapil' "
            "(already defined on line 4); remove one of them"
        ),
        "s.yaml:11: agencies.pajak.minutes: must be a number, got 'lama'",
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- a\n- b\n", "a list"), ("hello\n", "the text 'hello'"), ("42\n", "the number 42")],
)
def test_top_level_must_be_a_mapping(text: str, kind: str) -> None:
    error = fail(text)
    assert lines_of(error) == [
        (
            "s.yaml:1: the scenario must be a YAML mapping of keys such as name:, agencies: ..., "
            f"got {kind}"
        )
    ]
    assert error.issues[0].field == ""


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("key: [unclosed\n", 1, "expected ',' or ']', but the file ended"),
        ("name: x\nagencies: {a: 1\n", 2, "the file ended"),
        ('name: "unclosed\n', 1, "found the end of the file"),
        ("name: x\na: b: c\n", 2, "mapping values are not allowed here"),
        ("name: x\nlist:\n\t- 1\n", 3, "indent with spaces, not tabs"),
        ("name: x\nb: *missing\n", 2, "found undefined alias 'missing'"),
        ("name: x\n  bad: indent\n", 2, "not valid YAML"),
        ("a: 1\n---\nb: 2\n", 2, "more than one YAML document"),
    ],
)
def test_invalid_yaml_gives_line_not_traceback(text: str, line: int, words: str) -> None:
    error = fail(text)
    assert len(error.issues) == 1
    assert error.issues[0].line == line
    assert error.issues[0].field == ""
    assert words in error.issues[0].message
    assert str(error).startswith(f"s.yaml:{line}: ")


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["echo hi > {marker}"]',
        '!!python/object/new:os.system ["echo hi > {marker}"]',
        "!!python/name:os.system",
        "!!python/module:os",
        '!<tag:yaml.org,2002:python/object/apply:os.system> ["echo hi > {marker}"]',
    ],
)
def test_unsafe_tag_is_reported_and_never_executed(
    tag: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args))
    marker = tmp_path / "pwned"
    text = variant(("    counters: 3\n", f"    counters: {tag.format(marker=marker)}\n"))
    with pytest.raises(ScenarioError) as info:
        read_yaml(text, "s.yaml")
    assert calls == []
    assert not marker.exists()
    assert len(info.value.issues) == 1
    issue = info.value.issues[0]
    assert issue.field == "agencies.dukcapil.counters"
    assert issue.line == 5
    assert issue.message.startswith("unsafe or unknown YAML tag '!")
    # Through the whole pipeline: no extra "must be a whole number" noise for that field.
    error = fail(text)
    assert calls == []
    assert [(i.field, i.line) for i in error.issues] == [("agencies.dukcapil.counters", 5)]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!foo bar", "!foo"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!!omap [a: 1]", "!!omap"),
    ],
)
def test_unknown_tags_are_rejected(value: str, shown: str) -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml(f"name: x\nextra: {value}\n", "s.yaml")
    assert str(info.value).startswith(f"s.yaml:2: extra: unsafe or unknown YAML tag '{shown}'")


def test_unsafe_tag_on_a_key_and_on_the_root() -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml("name: x\n!foo key: 1\n", "s.yaml")
    assert lines_of(info.value) == [
        (
            "s.yaml:2: key: unsafe or unknown YAML tag '!foo'; remove it "
            "(a scenario may only contain plain values, lists and mappings)"
        )
    ]
    with pytest.raises(ScenarioError) as info:
        read_yaml('!!python/object/apply:os.system ["echo hi"]\n', "s.yaml")
    messages = [issue.message for issue in info.value.issues]
    assert messages[0].startswith("unsafe or unknown YAML tag")
    assert "got a list" in messages[1]


def test_bad_values_for_standard_tags() -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml("a: !!int abc\nb: !!map [1]\nc: !!seq x\n", "s.yaml")
    assert lines_of(info.value) == [
        "s.yaml:1: a: 'abc' is tagged !!int but is not a whole number",
        "s.yaml:2: b: the tag '!!map' cannot be used on a list",
        "s.yaml:3: c: the tag '!!seq' cannot be used on a single value",
    ]


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "---\n", "---\n...\n"])
def test_empty_file(text: str) -> None:
    error = fail(text)
    assert lines_of(error) == [
        (
            "s.yaml:1: the scenario file is empty; it must be a YAML mapping of keys "
            "such as name:, agencies: ..."
        )
    ]


def test_control_characters_are_rejected_with_their_line() -> None:
    error = fail("name: x\nb: \x07bell\n")
    assert error.issues[0].line == 2
    assert "control character U+0007" in error.issues[0].message


def test_non_string_keys_become_the_text_as_written() -> None:
    data, lines = read_yaml("1: a\nnull: b\n~: c\n1.50: d\ntrue: e\n'2': f\n", "s.yaml")
    assert data == {"1": "a", "null": "b", "~": "c", "1.50": "d", "true": "e", "2": "f"}
    assert lines[("1.50",)] == 4


def test_keys_that_collide_as_text_are_duplicates() -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml("1: a\n'1': b\n", "s.yaml")
    assert info.value.issues[0].line == 2
    assert "duplicate key '1'" in info.value.issues[0].message


def test_complex_and_empty_keys_are_reported() -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml("name: x\n? [a, b]\n: c\nsub:\n  : empty\n", "s.yaml")
    assert lines_of(info.value) == [
        "s.yaml:2: a key must be a simple name, not a list",
        "s.yaml:5: sub: a key is missing before ':'",
    ]


def test_many_problems_are_reported_together_sorted_by_line() -> None:
    text = """\
name: MPP
agencies:
  dukcapil:
    counter: 3
    minutes: !!python/object/apply:os.system ["echo hi"]
  dukcapil:
    counters: 1
arrivals:
  rate: -1
  mix:
    - {service: ktp, share: .nan}
service_time: {kind: exponential, mean: abc}
"""
    error = fail(text)
    assert lines_of(error) == [
        "s.yaml:3: agencies.dukcapil.counters: missing required key 'counters'",
        "s.yaml:4: agencies.dukcapil.counter: unknown key 'counter' (did you mean 'counters'?)",
        (
            "s.yaml:5: agencies.dukcapil.minutes: unsafe or unknown YAML tag "
            "'!!python/object/apply:os.system'; remove it "
            "(a scenario may only contain plain values, lists and mappings)"
        ),
        (
            "s.yaml:6: agencies.dukcapil: duplicate key 'dukcapil' "
            "(already defined on line 3); remove one of them"
        ),
        "s.yaml:9: arrivals.rate: must be greater than 0, got -1",
        "s.yaml:11: arrivals.mix[0].share: must be a finite number, got .nan (not a number)",
        "s.yaml:12: service_time.mean: must be a number, got 'abc'",
    ]


# --------------------------------------------------------------------------- aliases


def test_aliases_and_merge_keys_expand_to_independent_copies() -> None:
    text = """\
defaults: &d
  counters: 3
  minutes: 5
a:
  <<: *d
  counters: 4
b: *d
c: [*d]
d:
  <<: [*d, {x: 1}]
"""
    data, lines = read_yaml(text, "s.yaml")
    assert data["a"] == {"counters": 4, "minutes": 5}
    assert data["b"] == {"counters": 3, "minutes": 5}
    assert data["c"] == [{"counters": 3, "minutes": 5}]
    assert data["d"] == {"counters": 3, "minutes": 5, "x": 1}
    assert data["b"] is not data["defaults"]
    assert lines[("a", "counters")] == 6  # written explicitly
    assert lines[("a", "minutes")] == 3  # merged from the anchor
    assert lines[("b",)] == 7
    assert lines[("c", 0)] == 8  # where the alias is used
    assert lines[("b", "minutes")] == 3


def test_errors_inside_an_aliased_value_point_at_the_anchor() -> None:
    text = variant(
        ("  dukcapil:\n    counters: 3\n", "  dukcapil: &base\n    counters: x\n"),
        ("  pajak:\n    counters: 2\n    minutes: 10\n", "  pajak: *base\n"),
    )
    error = fail(text)
    assert lines_of(error) == [
        "s.yaml:5: agencies.dukcapil.counters: must be a whole number, got 'x'",
        "s.yaml:5: agencies.pajak.counters: must be a whole number, got 'x'",
    ]


def test_reused_anchor_names_are_allowed_without_warnings() -> None:
    data, _ = read_yaml("a: &x 1\nb: &x 2\nc: *x\n", "s.yaml")
    assert data == {"a": 1, "b": 2, "c": 2}


def test_bad_merge_value() -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml("a:\n  <<: 5\n", "s.yaml")
    assert lines_of(info.value)[0].startswith("s.yaml:2: a.<<: '<<' (merge) must be followed")


def test_alias_bomb_is_stopped_quickly() -> None:
    names = "abcdefghij"
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{names[i + 1]}: &{names[i + 1]} [{', '.join([f'*{names[i]}'] * 10)}]\n" for i in range(9)
    )
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        read_yaml(text, "s.yaml")
    assert time.perf_counter() - start < 5
    issue = info.value.issues[-1]
    assert f"more than {MAX_ALIAS_EXPANSION} values" in issue.message
    assert issue.line is not None
    assert issue.field


def test_recursive_alias_is_rejected() -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml("name: x\na: &a [1, *a]\n", "s.yaml")
    assert lines_of(info.value) == [
        (
            "s.yaml:2: a[1]: an alias (*name) refers to the mapping or list that contains it; "
            "recursive aliases are not allowed"
        )
    ]


def test_deep_nesting_is_rejected() -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml("a: " + "[" * 300 + "]" * 300 + "\n", "s.yaml")
    assert "nested more than" in str(info.value)
    assert info.value.issues[0].line == 1


# --------------------------------------------------------------------------- files


def test_load_model_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert load_model(Plan, path).name == "MPP Kota Contoh"
    assert load_model(Plan, str(path)).agencies["pajak"].counters == 2


def test_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(variant(("    counters: 3\n", "    counters: abc\n")), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_model(Plan, path)
    assert str(info.value) == (
        f"{path}:5: agencies.dukcapil.counters: must be a whole number, got 'abc'"
    )


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as info:
        load_model(Plan, path)
    assert str(info.value) == f"{path}: file not found; check the file name and the folder"
    assert info.value.issues[0] == Issue("", None, info.value.issues[0].message)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_model(Plan, tmp_path)
    assert str(info.value) == f"{tmp_path}: this is a folder, not a scenario file"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"name: x\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ScenarioError) as info:
        load_model(Plan, path)
    assert str(info.value) == (
        f"{path}:4: this looks like a binary file, not a YAML text file (it contains a NUL byte)"
    )


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: x\ndescription: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_model(Plan, path)
    assert str(info.value) == (
        f"{path}:2: the file is not UTF-8 text (byte 0xE9 cannot be read); "
        "save it with UTF-8 encoding"
    )


def test_utf16_and_utf8_bom_files_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(VALID.encode("utf-16"))
    assert load_model(Plan, path).name == "MPP Kota Contoh"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    assert load_model(Plan, path).name == "MPP Kota Contoh"


def test_too_large_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(ScenarioError) as info:
        load_model(Plan, path)
    assert str(info.value) == f"{path}: the file is too large (the limit is {MAX_FILE_BYTES} bytes)"


def test_empty_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    with pytest.raises(ScenarioError) as info:
        load_model(Plan, path)
    assert str(info.value).startswith(f"{path}:1: the scenario file is empty")


# --------------------------------------------------------------------------- errors and helpers


def test_scenario_error_formatting() -> None:
    error = ScenarioError(
        "s.yaml",
        [
            Issue("a.b", 3, "bad"),
            Issue("", 1, "whole file"),
            Issue("c", None, "from --set c=1"),
            Issue("", None, "no place"),
        ],
    )
    assert (
        str(error)
        == "s.yaml:3: a.b: bad\ns.yaml:1: whole file\ns.yaml: c: from --set c=1\ns.yaml: no place"
    )
    assert isinstance(error, MppsimError)
    assert isinstance(error.issues, tuple)
    assert Issue("x", 2, "m").format() == "line 2: x: m"
    copy = pickle.loads(pickle.dumps(error))
    assert copy.source == "s.yaml"
    assert copy.issues == error.issues


def test_format_path() -> None:
    assert format_path(()) == ""
    assert format_path(("arrivals", "mix", 2, "share")) == "arrivals.mix[2].share"
    assert format_path(("a", 0, 1)) == "a[0][1]"


def test_unicode_line_separators_do_not_shift_line_numbers() -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml("name: MPP\u2028Kota\u0085Baru\nb: !foo x\n", "s.yaml")
    assert info.value.issues[0].line == 2


def test_random_damage_never_escapes_as_another_exception() -> None:
    rng = random.Random(20240101)
    pieces = [*":-[]{}&*!|>'\"#%@`,?\n\t  ab09.~<=", "\x00", "\u2028", "é", "<<: ", "*a", "&a "]
    for _ in range(400):
        text = list(VALID)
        for _ in range(rng.randint(1, 5)):
            position = rng.randrange(len(text))
            if rng.random() < 0.5:
                text.insert(position, rng.choice(pieces))
            else:
                del text[position]
        issues: tuple[Issue, ...] = ()
        try:
            load_model_text(Plan, "".join(text), "s.yaml")
        except ScenarioError as error:
            issues = error.issues or (Issue("", None, ""),)
        assert all(issue.message for issue in issues)
        assert all(issue.line is not None for issue in issues)
