from __future__ import annotations

import json
import math

import numpy as np
import pytest
from pydantic import BaseModel, Field, ValidationError

from mppsim.units import (
    ClockTime,
    Minutes,
    NonNegativeMinutes,
    PositiveMinutes,
    format_clock,
    parse_clock,
    parse_duration,
)

# ---------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        (6, 6.0),
        (6.5, 6.5),
        (0, 0.0),
        (-2, -2.0),
        (np.float64(2.5), 2.5),
        (np.int64(3), 3.0),
        ("6 min", 6.0),
        ("6min", 6.0),
        ("6 mins", 6.0),
        ("6 minute", 6.0),
        ("6 minutes", 6.0),
        ("6 menit", 6.0),
        ("6 Min", 6.0),
        ("45 s", 0.75),
        ("45s", 0.75),
        ("45 sec", 0.75),
        ("45 seconds", 0.75),
        ("45 detik", 0.75),
        ("1.5 h", 90.0),
        ("1.5h", 90.0),
        ("2 hours", 120.0),
        ("2 hr", 120.0),
        ("2 jam", 120.0),
        ("2 JAM", 120.0),
        ("90", 90.0),
        ("  90  ", 90.0),
        (".5 h", 30.0),
        ("1e1 min", 10.0),
        ("-3 min", -3.0),
        ("+3 s", 0.05),
    ],
)
def test_parse_duration(value: object, minutes: float) -> None:
    assert parse_duration(value) == pytest.approx(minutes, rel=1e-15)
    assert type(parse_duration(value)) is float


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "True"),
        (False, "False"),
        (None, "None"),
        ([6], "[6]"),
        ({"min": 6}, "{'min': 6}"),
        (math.nan, "nan"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (np.float64("nan"), "nan"),
        ("nan", "'nan'"),
        (".inf", "'.inf'"),
        ("inf min", "'inf min'"),
        ("1e999 s", "'1e999 s'"),
        ("", "''"),
        ("   ", "'   '"),
        ("abc", "'abc'"),
        ("min", "'min'"),
        ("6 min 30 s", "'6 min 30 s'"),
        ("6 days", "'6 days'"),
        ("6 m", "'6 m'"),
        ("08:00", "'08:00'"),
    ],
)
def test_parse_duration_rejects(value: object, shown: str) -> None:
    with pytest.raises(ValueError, match=r"duration|unit") as excinfo:
        parse_duration(value)
    message = str(excinfo.value)
    assert shown in message
    # the message tells what is allowed
    assert "min" in message
    assert len(message) < 200


def test_parse_duration_unknown_unit_lists_units() -> None:
    with pytest.raises(ValueError, match="unknown time unit 'days'") as excinfo:
        parse_duration("2 days")
    assert "jam" in str(excinfo.value)


# ---------------------------------------------------------------------------- clock


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("08:00", 480.0),
        ("8:00", 480.0),
        ("8:30", 510.0),
        ("00:00", 0.0),
        ("13:05:30", 785.5),
        ("23:59:59", 1439.0 + 59 / 60),
        ("24:00", 1440.0),
        ("24:00:00", 1440.0),
        (" 07:15 ", 435.0),
    ],
)
def test_parse_clock(value: str, minutes: float) -> None:
    assert parse_clock(value) == pytest.approx(minutes, rel=1e-15)


@pytest.mark.parametrize(
    "value",
    ["24:01", "24:00:01", "25:00", "99:00", "12:60", "12:00:60", "12", "12:5", "1200",
     "8:00 am", "", "-1:00", "12:00:00:00", "abc"],
)  # fmt: skip
def test_parse_clock_rejects_strings(value: str) -> None:
    with pytest.raises(ValueError, match="HH:MM") as excinfo:
        parse_clock(value)
    assert repr(value) in str(excinfo.value)


@pytest.mark.parametrize("value", [480, 480.0, 8.5, np.int64(480)])
def test_parse_clock_rejects_numbers_with_yaml_hint(value: object) -> None:
    with pytest.raises(ValueError, match="quote it in YAML") as excinfo:
        parse_clock(value)
    assert repr(value) in str(excinfo.value)


@pytest.mark.parametrize("value", [None, True, [8, 0], b"08:00"])
def test_parse_clock_rejects_other_types(value: object) -> None:
    with pytest.raises(ValueError, match="HH:MM") as excinfo:
        parse_clock(value)
    assert repr(value) in str(excinfo.value)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (480, "08:00"),
        (480.0, "08:00"),
        (0, "00:00"),
        (785.5, "13:05:30"),
        (1440, "24:00"),
        (1500, "25:00"),
        (599.9999999, "10:00"),  # rounds to the nearest second
        (np.float64(510.0), "08:30"),
    ],
)
def test_format_clock(minutes: float, text: str) -> None:
    assert format_clock(minutes) == text


@pytest.mark.parametrize("text", ["00:00", "08:00", "13:05:30", "23:59:59", "24:00"])
def test_clock_round_trip(text: str) -> None:
    assert format_clock(parse_clock(text)) == text


@pytest.mark.parametrize("minutes", [-1.0, math.nan, math.inf, "08:00", None, True])
def test_format_clock_rejects(minutes: object) -> None:
    with pytest.raises(ValueError, match="minutes"):
        format_clock(minutes)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- pydantic


class Desk(BaseModel):
    service_time: Minutes
    break_length: PositiveMinutes | None = None
    setup: NonNegativeMinutes = 0.0
    opens: ClockTime
    # a string default needs validate_default, or the attribute stays the raw string
    closes: ClockTime = Field(default="16:00", validate_default=True)


def test_model_parses_units_and_clock() -> None:
    desk = Desk(service_time="6 min", break_length="45 s", setup="1 h", opens="08:00")
    assert desk.service_time == 6.0
    assert desk.break_length == 0.75
    assert desk.setup == 60.0
    assert desk.opens == 480.0
    assert desk.closes == 960.0


def test_model_dump_python_and_json() -> None:
    desk = Desk(service_time="45 s", opens="13:05:30")
    assert desk.model_dump()["opens"] == 785.5
    dumped = desk.model_dump(mode="json")
    assert dumped["service_time"] == 0.75
    assert dumped["opens"] == "13:05:30"
    assert dumped["closes"] == "16:00"


def test_model_round_trip() -> None:
    desk = Desk(service_time="1.5 h", break_length="30 s", setup=2, opens="7:30:15")
    again = Desk.model_validate(desk.model_dump(mode="json"))
    assert again == desk
    again_json = Desk.model_validate_json(desk.model_dump_json())
    assert again_json == desk
    assert json.loads(desk.model_dump_json())["opens"] == "07:30:15"


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("service_time", "abc", "'abc'"),
        ("service_time", "6 days", "'6 days'"),
        ("service_time", True, "True"),
        ("service_time", math.nan, "nan"),
        ("break_length", "0 s", "> 0"),
        ("break_length", -1, "> 0"),
        ("setup", "-1 min", ">= 0"),
        ("opens", 480, "quote it in YAML"),
        ("opens", "24:01", "'24:01'"),
    ],
)
def test_model_errors_are_validation_errors(field: str, value: object, fragment: str) -> None:
    data: dict[str, object] = {"service_time": 5, "opens": "08:00", field: value}
    with pytest.raises(ValidationError) as excinfo:
        Desk.model_validate(data)
    errors = excinfo.value.errors()
    assert len(errors) == 1
    assert errors[0]["loc"][0] == field
    assert fragment in errors[0]["msg"]


def test_json_schema_validation_mode() -> None:
    props = Desk.model_json_schema()["properties"]
    service = props["service_time"]
    types = [alt["type"] for alt in service["anyOf"]]
    assert types == ["number", "string"]
    assert "pattern" in service["anyOf"][1]
    assert "description" in service
    # bounds appear as JSON Schema keywords on the number alternative
    positive = props["break_length"]["anyOf"][0]["anyOf"][0]
    assert positive["exclusiveMinimum"] == 0
    assert props["setup"]["anyOf"][0]["minimum"] == 0
    assert props["opens"]["type"] == "string"
    assert "pattern" in props["opens"]
    assert props["closes"]["default"] == "16:00"


def test_json_schema_serialization_mode() -> None:
    props = Desk.model_json_schema(mode="serialization")["properties"]
    assert props["service_time"]["type"] == "number"
    assert props["opens"]["type"] == "string"
    assert props["closes"]["default"] == "16:00"


@pytest.mark.parametrize(
    ("text", "ok"),
    [("6 min", True), ("45 S", True), ("1.5 jam", True), ("90", True), ("6 days", False),
     ("abc", False), ("", False)],
)  # fmt: skip
def test_duration_schema_pattern_agrees_with_parser(text: str, ok: bool) -> None:
    import re

    pattern = Desk.model_json_schema()["properties"]["service_time"]["anyOf"][1]["pattern"]
    assert (re.search(pattern, text) is not None) is ok
    if ok:
        parse_duration(text)
    else:
        with pytest.raises(ValueError, match=r"duration|unit"):
            parse_duration(text)


@pytest.mark.parametrize(("text", "ok"), [("08:00", True), ("8:30", True), ("8", False)])
def test_clock_schema_pattern(text: str, ok: bool) -> None:
    import re

    pattern = Desk.model_json_schema()["properties"]["opens"]["pattern"]
    assert (re.search(pattern, text) is not None) is ok
