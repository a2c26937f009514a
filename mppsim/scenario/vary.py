"""Sweep designs: ``--vary path=values`` and sweep files, expanded into checked points.

A sweep changes one or more fields of a base scenario. Values are lists (``4,5,6``),
whole-number ranges (``4..8``, both ends included) or changes relative to the base
value (``x0.8,x1.0,x1.2``; a whole-number field is rounded to a whole number). Several
varied fields make a full grid, the first field varying slowest; a sweep file may
instead list its points. Every point is validated like a scenario file before
anything runs, and every problem is reported with the point it belongs to.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mppsim.errors import Issue, ScenarioError
from mppsim.scenario.loader import load_model, load_scenario, load_scenario_text
from mppsim.scenario.overrides import split_override
from mppsim.scenario.yamlread import KeyPath, format_path, resolve_plain_scalar
from mppsim.yamlwrite import dump_yaml

if TYPE_CHECKING:
    from mppsim.scenario.schema import Scenario

__all__ = [
    "VARY_SOURCE",
    "DesignPoint",
    "Relative",
    "SweepDesign",
    "SweepFile",
    "design_from_file",
    "design_from_vary",
    "expand_points",
    "grid_points",
    "is_sweep_file",
    "load_design",
    "parse_values",
    "parse_vary",
]

VARY_SOURCE = "--vary"
"""``source`` of a ScenarioError raised for a bad ``--vary`` option."""

_RANGE = re.compile(r"\s*(-?[0-9]+)\s*\.\.\s*(-?[0-9]+)\s*")
_RELATIVE = re.compile(r"\s*[x×]\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")
_MAX_RANGE = 10_000
_CAUSE = re.compile(r" \((from|because of) --vary .*\)$")


class _RelativeError(Exception):
    """A relative change of a field that has no number in the base scenario."""


@dataclass(frozen=True)
class Relative:
    """A value given relative to the base scenario's: ``x0.8`` is 80% of it."""

    factor: float

    def __str__(self) -> str:
        return f"x{self.factor:g}"


@dataclass(frozen=True)
class DesignPoint:
    """One point of a sweep: the values it sets and the scenario they make.

    Attributes
    ----------
    index : int
        Position in the sweep, from 0.
    settings : dict
        Each varied field's path (``agencies.dukcapil.counters.umum``) and its value,
        relative changes resolved to the value that ran.
    scenario : Scenario
        The validated scenario of the point.
    """

    index: int
    settings: dict[str, Any]
    scenario: Scenario

    @property
    def label(self) -> str:
        """Return ``path=value, ...``: the point in messages."""
        return ", ".join(f"{path}={_text(value)}" for path, value in self.settings.items())


@dataclass(frozen=True)
class SweepDesign:
    """A checked sweep: its base scenario, its points and how to run them.

    Attributes
    ----------
    base : Scenario
        The base scenario (with its ``--set`` options applied).
    varied : tuple of str
        Paths of the varied fields, in order.
    points : tuple of DesignPoint
        Every point, validated.
    replications, seed : int or None
        From a sweep file (None: not given).
    figures : tuple of str or None
        Figures to plot, from a sweep file.
    definition : dict
        The sweep as it ran, to be written beside its results: ``scenario.yaml`` as the
        base, and the varied values (or points) as given.
    """

    base: Scenario
    varied: tuple[str, ...]
    points: tuple[DesignPoint, ...]
    replications: int | None = None
    seed: int | None = None
    figures: tuple[str, ...] | None = None
    definition: dict[str, Any] | None = None


def _text(value: Any) -> str:
    if isinstance(value, Relative):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    if isinstance(value, str | int | float | bool) or value is None:
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _item(text: str, option: str, whole: str) -> list[Any]:
    """Parse one comma-separated item: a range, a relative change or one value."""
    match = _RANGE.fullmatch(text)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
        if high < low:
            raise ScenarioError(
                option, [Issue(whole, None, f"the range {text.strip()} is empty: write low..high")]
            )
        if high - low >= _MAX_RANGE:
            raise ScenarioError(
                option, [Issue(whole, None, f"the range {text.strip()} has too many values")]
            )
        return list(range(low, high + 1))
    match = _RELATIVE.fullmatch(text)
    if match:
        return [Relative(float(match.group(1)))]
    if not text.strip():
        raise ScenarioError(option, [Issue(whole, None, "an empty value (two commas in a row?)")])
    return [resolve_plain_scalar(text.strip())]


def parse_values(text: str, option: str = VARY_SOURCE, whole: str | None = None) -> list[Any]:
    """Parse the values of a varied field.

    Parameters
    ----------
    text : str
        ``4,5,6``, ``4..8`` (whole numbers, both ends included), ``x0.8,x1.0,x1.2``
        (relative to the base value) or a mix (``2,4..6``). Other items are read like
        a ``--set`` value (``6 min`` is text, ``2.5`` a number).
    option : str, optional
        The option's name in messages.
    whole : str, optional
        The whole option's text, for messages.

    Returns
    -------
    list
        The values in order; relative changes as :class:`Relative`.

    Raises
    ------
    ScenarioError
        For an empty or reversed range, or an empty item.
    """
    whole = whole if whole is not None else text
    values: list[Any] = []
    for part in text.split(","):
        values.extend(_item(part, option, whole))
    return values


def parse_vary(text: str) -> tuple[str, list[Any]]:
    """Split a ``--vary path=values`` option.

    Parameters
    ----------
    text : str
        E.g. ``"agencies.dukcapil.counters.umum=4..10"``.

    Returns
    -------
    path : str
        The field's path, written canonically (``arrivals.mix[0].share``).
    values : list
        See :func:`parse_values`.

    Raises
    ------
    ScenarioError
        Source ``"--vary"``, for a malformed option or values.
    """
    path, values = split_override(text, VARY_SOURCE)
    return format_path(path), parse_values(values, VARY_SOURCE, text)


def grid_points(vary: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Return the full grid of varied values, the first field varying slowest."""
    paths = list(vary)
    return [
        dict(zip(paths, combo, strict=True))
        for combo in itertools.product(*(vary[p] for p in paths))
    ]


def _key_path(path: str) -> KeyPath:
    key_path, _ = split_override(f"{path}=", VARY_SOURCE)
    return key_path


def _lookup(data: Any, path: KeyPath) -> Any:
    node = data
    for part in path:
        if isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _resolve(path: str, value: Any, base: Any) -> Any:
    """Return the value that runs: a relative change is applied to the base value."""
    if not isinstance(value, Relative):
        return value
    current = _lookup(base, _key_path(path))
    if isinstance(current, bool) or not isinstance(current, int | float):
        what = "has no value" if current is None else f"is {_text(current)!r}, not a number"
        raise _RelativeError(
            f"{value} is a change relative to the base value, but {path} {what} "
            "in the base scenario"
        )
    result = current * value.factor
    if isinstance(current, int):
        return math.floor(result + 0.5)  # a whole-number field stays whole
    return float(result)


def _override(path: str, value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, int | float) else None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif text is None:
        text = repr(float(value)) if isinstance(value, float) else str(value)
    return f"{path}={text}"


def expand_points(
    base: Scenario,
    points: Sequence[Mapping[str, Any]],
    source: str = "sweep",
) -> tuple[DesignPoint, ...]:
    """Build and validate the scenario of every point.

    Parameters
    ----------
    base : Scenario
        The base scenario.
    points : sequence of mapping
        Each point's varied paths and values (:class:`Relative` allowed).
    source : str, optional
        Name of the sweep in messages.

    Returns
    -------
    tuple of DesignPoint
        One per point, in order.

    Raises
    ------
    ScenarioError
        With every problem of every point (the same problem in several points is
        reported once, with the first point and how many more have it), before any
        point runs.
    """
    base_data = base.model_dump(mode="json", exclude_none=True)
    text = dump_yaml(base_data)
    found: dict[tuple[str, str], list[str]] = {}  # (field, message) -> "point i (...): ..."
    built: list[DesignPoint] = []
    for index, given in enumerate(points):
        label = ", ".join(f"{p}={_text(v)}" for p, v in given.items())
        try:
            values = {path: _resolve(path, value, base_data) for path, value in given.items()}
        except _RelativeError as error:
            found.setdefault(("", str(error)), []).append(f"point {index} ({label}): {error}")
            continue
        overrides = [_override(path, value) for path, value in values.items()]
        try:
            scenario = load_scenario_text(text, source, overrides)
        except ScenarioError as error:
            point = f"point {index} ({', '.join(overrides)})"
            for issue in error.issues:
                message = issue.message.replace("--set ", f"{VARY_SOURCE} ")
                key = _CAUSE.sub("", message)  # the same problem in several points: once
                found.setdefault((issue.field, key), []).append(f"{point}: {message}")
            continue
        built.append(DesignPoint(index, values, scenario))
    if found:
        issues = []
        for (field, _), where in found.items():
            more = f" (and {len(where) - 1} more points)" if len(where) > 1 else ""
            issues.append(Issue(field, None, f"{where[0]}{more}"))
        raise ScenarioError(source, issues)
    return tuple(built)


def design_from_vary(
    base: Scenario, vary: Mapping[str, Any] | Sequence[Mapping[str, Any]], source: str = "sweep"
) -> SweepDesign:
    """Return the checked design of a grid or a list of points over a base scenario.

    Parameters
    ----------
    base : Scenario
        The base scenario.
    vary : mapping or sequence of mapping
        A grid, ``{path: values}`` (values as a list, or text such as ``"4..10"`` or
        ``"x0.8,x1.0"``), or a list of points ``[{path: value, ...}, ...]``.
    source : str, optional
        Name of the sweep in messages.

    Returns
    -------
    SweepDesign
        Without replications and seed.

    Raises
    ------
    ScenarioError
        For malformed values and for every point that does not validate.
    """
    if isinstance(vary, Mapping):
        axes = {str(path): _values(path, given) for path, given in vary.items()}
        if not axes:
            raise ScenarioError(source, [Issue("vary", None, "nothing to vary")])
        points = grid_points(axes)
        definition: dict[str, Any] = {
            "vary": {p: [_plain(v) for v in values] for p, values in axes.items()}
        }
    else:
        points = [{str(p): _point_value(p, v) for p, v in dict(point).items()} for point in vary]
        if not points:
            raise ScenarioError(source, [Issue("points", None, "no points to run")])
        definition = {"points": [{p: _plain(v) for p, v in point.items()} for point in points]}
    varied = tuple(dict.fromkeys(p for point in points for p in point))
    for point in points:
        missing = [p for p in varied if p not in point]
        if missing:
            raise ScenarioError(
                source, [Issue("points", None, f"every point must set {', '.join(varied)}")]
            )
    return SweepDesign(base, varied, expand_points(base, points, source), definition=definition)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Relative) else value


def _point_value(path: str, value: Any) -> Any:
    if isinstance(value, str) and _RELATIVE.fullmatch(value):
        return _item(value, VARY_SOURCE, f"{path}={value}")[0]
    return value


def _values(path: str, given: Any) -> list[Any]:
    if isinstance(given, str):
        return parse_values(given, VARY_SOURCE, f"{path}={given}")
    if isinstance(given, Sequence):
        values: list[Any] = []
        for item in given:
            if isinstance(item, str) and (_RANGE.fullmatch(item) or _RELATIVE.fullmatch(item)):
                values.extend(_item(item, VARY_SOURCE, f"{path}={item}"))
            else:
                values.append(item)
        if not values:
            raise ScenarioError(VARY_SOURCE, [Issue(path, None, "no values to vary")])
        return values
    return [given]


class SweepFile(BaseModel):
    """A sweep file: a base scenario, what to vary, replications and seed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario: str = Field(min_length=1, description="Base scenario, relative to this file.")
    set: list[str] = Field(default_factory=list, description="Fixed changes, as with --set.")
    vary: dict[str, Any] | None = Field(
        default=None, description="A full grid: path -> values ('4..10', 'x0.8,x1.2', [4, 5])."
    )
    points: list[dict[str, Any]] | None = Field(
        default=None, description="Or a list of points, each {path: value, ...}."
    )
    replications: int = Field(default=10, ge=1, description="Replications per point.")
    seed: int = Field(default=0, ge=0, description="Root seed.")
    figures: list[str] | None = Field(default=None, description="Figures to plot.")

    @model_validator(mode="after")
    def _one_design(self) -> SweepFile:
        if (self.vary is None) == (self.points is None):
            raise ValueError("give either vary (a full grid) or points (a list), not both")
        return self


def design_from_file(path: str | os.PathLike[str], overrides: Sequence[str] = ()) -> SweepDesign:
    """Read a sweep file and return its checked design.

    Parameters
    ----------
    path : str or os.PathLike
        The sweep file (YAML); its ``scenario`` is relative to the file's folder.
    overrides : sequence of str, optional
        More ``--set`` options for the base scenario.

    Returns
    -------
    SweepDesign
        With the file's replications, seed and figures.

    Raises
    ------
    ScenarioError
        For a bad sweep file, base scenario or point.
    """
    sweep = load_model(SweepFile, path)
    base_path = Path(os.fspath(path)).parent / sweep.scenario
    base = load_scenario(base_path, [*sweep.set, *overrides])
    vary: Any = sweep.vary if sweep.vary is not None else sweep.points
    design = design_from_vary(base, vary, os.fspath(path))
    return SweepDesign(
        design.base,
        design.varied,
        design.points,
        sweep.replications,
        sweep.seed,
        tuple(sweep.figures) if sweep.figures else None,
        design.definition,
    )


def is_sweep_file(path: str | os.PathLike[str]) -> bool:
    """Return whether a YAML file is a sweep file (it has ``vary`` or ``points``)."""
    try:
        head = Path(path).read_text(encoding="utf-8", errors="replace")[:100_000]
    except OSError:
        return False
    return re.search(r"^(vary|points)\s*:", head, re.MULTILINE) is not None


def load_design(
    path: str | os.PathLike[str], vary: Sequence[str] = (), overrides: Sequence[str] = ()
) -> SweepDesign:
    """Return the checked design of ``mppsim sweep PATH --vary ... --set ...``.

    Parameters
    ----------
    path : str or os.PathLike
        A sweep file (it has ``vary:`` or ``points:``) or a scenario file.
    vary : sequence of str
        ``--vary path=values`` options (with a scenario file; a sweep file gives its own).
    overrides : sequence of str
        ``--set`` options for the base scenario.

    Returns
    -------
    SweepDesign
        Every point validated.

    Raises
    ------
    ScenarioError
        For a bad file, option or point.
    """
    source = os.fspath(path)
    if is_sweep_file(path):
        if vary:
            raise ScenarioError(
                VARY_SOURCE,
                [Issue(vary[0], None, f"{source} is a sweep file: it says what to vary itself")],
            )
        return design_from_file(path, overrides)
    if not vary:
        raise ScenarioError(
            VARY_SOURCE,
            [
                Issue(
                    "", None, "say what to vary, e.g. --vary agencies.dukcapil.counters.umum=4..10"
                )
            ],
        )
    axes: dict[str, list[Any]] = {}
    issues: list[Issue] = []
    for text in vary:
        try:
            field, values = parse_vary(text)
        except ScenarioError as error:
            issues.extend(error.issues)
            continue
        if field in axes:
            issues.append(Issue(text, None, f"{field} is varied twice; give its values once"))
        axes[field] = values
    if issues:
        raise ScenarioError(VARY_SOURCE, issues)
    base = load_scenario(path, overrides)
    return design_from_vary(base, axes, source)
