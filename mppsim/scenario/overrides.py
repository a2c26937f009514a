"""Command-line overrides: ``--set agencies.samsat.counters=4``.

An override replaces one value of the scenario data before validation. The
returned :class:`~mppsim.scenario.yamlread.LineMap` remembers which paths came
from ``--set``, so validation errors there name the option instead of a line.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from mppsim.errors import Issue, ScenarioError
from mppsim.scenario.yamlread import (
    KeyPath,
    LineMap,
    format_path,
    parse_yaml_fragment,
    resolve_plain_scalar,
)

__all__ = [
    "OVERRIDE_SOURCE",
    "apply_overrides",
    "created_by_typo",
    "parse_override",
    "shorten",
    "split_override",
]

OVERRIDE_SOURCE = "--set"
"""``source`` of a ScenarioError raised for a bad override."""

_EXAMPLE = "write path=value, e.g. agencies.samsat.counters=4 or arrivals.mix[2].share=30"
_INDEX = re.compile(r"\s*([0-9]+)\s*")
_NAME_END = ".[]="
# Values starting with one of these are parsed as YAML (quoted text, [lists],
# {mappings}, tags, anchors); anything else is a plain scalar, taken literally.
_YAML_START = "[{\"'!&*"


MAX_KEY = 100
"""Longest key accepted in a ``--set`` path (scenario ids are at most 64 characters)."""

MAX_SHOWN = 100
"""Longest ``--set`` text repeated in a message; longer ones are shortened."""


def shorten(text: str) -> str:
    """Return a ``--set`` text short enough to repeat in a message.

    Parameters
    ----------
    text : str
        The option as given.

    Returns
    -------
    str
        ``text`` itself, or its start and end around ``…`` with its length.
    """
    if len(text) <= MAX_SHOWN:
        return text
    return f"{text[:60]}…{text[-20:]} ({len(text):,} characters)"


class _MalformedError(Exception):
    """The text of an override cannot be understood."""


def _parse_path(text: str) -> tuple[KeyPath, int]:
    """Parse the path part of ``text``; return it and the position of ``=``."""
    path: list[str | int] = []
    i, n = 0, len(text)
    expect_name = True
    while True:
        while i < n and text[i] in " \t":
            i += 1
        if i >= n:
            raise _MalformedError("there is no '=' between the path and the value")
        char = text[i]
        if expect_name:
            if char in "\"'":
                end = text.find(char, i + 1)
                if end < 0:
                    raise _MalformedError("a quote in the path is not closed")
                path.append(text[i + 1 : end])
                i = end + 1
            else:
                end = i
                while end < n and text[end] not in _NAME_END:
                    end += 1
                name = text[i:end].strip()
                if not name:
                    if char == "=" and not path:
                        raise _MalformedError("the path before '=' is empty")
                    raise _MalformedError("a part of the path is empty (two dots in a row?)")
                path.append(int(name) if _INDEX.fullmatch(name) else name)
                i = end
            expect_name = False
        elif char == ".":
            expect_name = True
            i += 1
        elif char == "[":
            end = text.find("]", i)
            inner = text[i + 1 : end] if end >= 0 else ""
            match = _INDEX.fullmatch(inner)
            if end < 0 or match is None:
                raise _MalformedError(
                    f"{text[i : end + 1] if end >= 0 else text[i:]!r} is not a list position; "
                    "use a whole number such as [0]"
                )
            path.append(int(match.group(1)))
            i = end + 1
        elif char == "=":
            long = [part for part in path if isinstance(part, str) and len(part) > MAX_KEY]
            if long:
                raise _MalformedError(
                    f"a key in the path is {len(long[0]):,} characters long (at most {MAX_KEY})"
                )
            return tuple(path), i
        else:
            raise _MalformedError(f"unexpected {char!r} in the path")


def _parse_value(value_text: str, text: str) -> Any:
    stripped = value_text.strip()
    if stripped and stripped[0] in _YAML_START:
        try:
            return parse_yaml_fragment(stripped, OVERRIDE_SOURCE)
        except ScenarioError as exc:
            reasons = "; ".join(issue.message for issue in exc.issues)
            raise ScenarioError(
                OVERRIDE_SOURCE, [Issue(shorten(text), None, f"bad --set value: {reasons}")]
            ) from None
    return resolve_plain_scalar(stripped)


def parse_override(text: str) -> tuple[KeyPath, Any]:
    """Split ``"path=value"`` into a key path and a parsed value.

    Parameters
    ----------
    text : str
        E.g. ``"agencies.samsat.counters=4"``. Path parts are separated by
        dots; list positions are written ``mix[2]`` or ``mix.2``; a key that
        contains ``.``, ``=`` or brackets can be quoted: ``services."a.b".x=1``.
        The value is read like a YAML value: ``5`` → int, ``2.5`` → float,
        ``true`` → bool, ``null``/``~``/nothing → None, ``[1, 2]`` → list,
        ``{a: 1}`` → dict, ``'6 min'`` → str; any other text (``6 min``,
        ``08:00``, ``#ff0000``) is taken literally as a string. The same safe
        rules as for scenario files apply (no unsafe tags).

    Returns
    -------
    path : tuple of str or int
        The keys; all-digit parts are ints (list positions; on a mapping they
        are used as the text key).
    value : Any
        Plain Python data.

    Raises
    ------
    ScenarioError
        Source ``"--set"``, field = ``text``, when the text is malformed or the
        value is not valid YAML.
    """
    try:
        path, equals = _parse_path(text)
    except _MalformedError as exc:
        raise ScenarioError(
            OVERRIDE_SOURCE,
            [Issue(shorten(text), None, f"bad --set option: {exc}; {_EXAMPLE}")],
        ) from None
    return path, _parse_value(text[equals + 1 :], text)


def split_override(text: str, option: str = OVERRIDE_SOURCE) -> tuple[KeyPath, str]:
    """Split ``"path=values"`` into a key path and the value text, unparsed.

    Parameters
    ----------
    text : str
        E.g. ``"agencies.dukcapil.counters.umum=4..10"``; the path as in
        :func:`parse_override`.
    option : str, optional
        The option's name in messages, e.g. ``"--vary"``.

    Returns
    -------
    path : tuple of str or int
        The keys.
    values : str
        Everything after the first ``=`` that ends the path.

    Raises
    ------
    ScenarioError
        Source `option`, field = ``text``, when the path is malformed.
    """
    try:
        path, equals = _parse_path(text)
    except _MalformedError as exc:
        example = _EXAMPLE.replace("path=value", "path=values").replace("=4", "=4,5,6")
        raise ScenarioError(
            option, [Issue(text, None, f"bad {option} option: {exc}; {example}")]
        ) from None
    return path, text[equals + 1 :]


def _fail(path: Sequence[str | int], message: str, text: str) -> ScenarioError:
    return ScenarioError(
        OVERRIDE_SOURCE,
        [Issue(format_path(path), None, f"{message} (from --set {shorten(text)})")],
    )


def _set(root: Any, path: KeyPath, value: Any, text: str, lines: LineMap) -> Any:
    """Set ``value`` at ``path`` inside ``root`` (modified in place)."""
    node = root
    actual: list[str | int] = []
    created: KeyPath | None = None
    for position, part in enumerate(path):
        last = position == len(path) - 1
        here = format_path(actual) or "the scenario"
        if isinstance(node, dict):
            key: str | int = str(part)
            child = node.get(key)
            if last:
                node[key] = value
            elif child is None:
                child = node[key] = {}
                if created is None:
                    created = (*actual, key)
        elif isinstance(node, list):
            if isinstance(part, str):
                raise _fail(
                    (*actual, part),
                    f"'{here}' is a list, so the next part must be a position such as "
                    f"{here}[0], not {part!r}",
                    text,
                )
            key = part
            if key >= len(node):
                size = len(node)
                detail = "is an empty list" if size == 0 else f"has only {size} item(s)"
                raise _fail(
                    (*actual, key),
                    f"'{here}' {detail}, so there is no item [{key}]; positions start at 0",
                    text,
                )
            child = node[key]
            if last:
                node[key] = value
            elif child is None:
                child = node[key] = {}
                if created is None:
                    created = (*actual, key)
        else:
            raise _fail(
                path,
                f"'{here}' is a single value, not a mapping or a list, so it has no '{part}'",
                text,
            )
        actual.append(key)
        node = child
    target = created if created is not None else tuple(actual)
    for mapping in (lines, lines.overrides):
        for stale in [p for p in mapping if p[: len(target)] == target]:
            del mapping[stale]
    lines.overrides[target] = shorten(text)
    return root


def apply_overrides(
    data: Any, overrides: Sequence[str], lines: Mapping[KeyPath, int]
) -> tuple[Any, LineMap]:
    """Apply ``--set`` overrides to a copy of the scenario data.

    Parameters
    ----------
    data : Any
        Plain data from :func:`~mppsim.scenario.loader.read_yaml`; not modified.
    overrides : sequence of str
        ``"path=value"`` texts (see :func:`parse_override`), applied in order.
    lines : LineMap or mapping
        Line numbers of ``data``; not modified.

    Returns
    -------
    data : Any
        A deep copy with the values set. Missing intermediate mappings (and
        empty values on the way) are created as mappings.
    lines : LineMap
        The line numbers without the overridden paths and everything below
        them; ``lines.overrides`` maps each overridden path (for a created
        mapping, the topmost created one) to its ``--set`` text, which
        :func:`~mppsim.scenario.loader.validate` uses to attribute errors.

    Raises
    ------
    ScenarioError
        Source ``"--set"``, with one issue per bad override: malformed text,
        a list position beyond the end of the list, a path through a single
        value.
    """
    result = copy.deepcopy(data)
    new_lines = LineMap(lines, getattr(lines, "overrides", None))
    issues: list[Issue] = []
    for text in overrides:
        try:
            path, value = parse_override(text)
            result = _set(result, path, value, text, new_lines)
        except ScenarioError as exc:
            issues.extend(exc.issues)
    if issues:
        raise ScenarioError(OVERRIDE_SOURCE, issues)
    return result, new_lines


# What the keys of a mapping of ids are called, by the mapping's own key.
_NOUNS = {
    "agencies": "agency",
    "services": "service",
    "counters": "counter group",
    "days": "day type",
    "zones": "zone",
    "floors": "floor",
    "references": "reference",
}


def created_by_typo(data: Any, overrides: Sequence[str]) -> list[tuple[KeyPath, str, str]]:
    """Find keys that options create on their way to a value, where the user meant another.

    The option ``agencies.dukcapl.counters=3`` creates an agency ``dukcapl`` that has only
    counters; what the user meant is ``dukcapil``. A key is reported when an option
    creates it *inside* its path (not as the value's own key) in a mapping that already
    has a similar key. (Without a similar key, a new agency or zone may be meant, and
    validation says what it lacks.)

    Parameters
    ----------
    data : Any
        The scenario data before the options.
    overrides : sequence of str
        ``"path=value"`` texts; malformed ones are skipped (reported elsewhere).

    Returns
    -------
    list of (tuple, str, str)
        The created key's path, the option's text, and a message such as
        ``"no agency 'dukcapl' (did you mean 'dukcapil'?)"``.
    """
    found = []
    for text in overrides:
        try:
            path, _ = parse_override(text)
        except ScenarioError:
            continue
        node = data
        for position, part in enumerate(path[:-1]):
            if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
                continue
            if not isinstance(node, dict):
                break
            key = str(part)
            if key in node:
                node = node[key]
                continue
            if node:
                parent = path[position - 1] if position else ""
                noun = _NOUNS.get(str(parent))
                close = difflib.get_close_matches(key, [str(k) for k in node], n=1, cutoff=0.6)
                if close:
                    what = (
                        f"{noun} '{key}'"
                        if noun
                        else f"key '{key}' in {format_path(path[:position]) or 'the scenario'}"
                    )
                    found.append(
                        (
                            tuple(path[: position + 1]),
                            text,
                            f"no {what} (did you mean '{close[0]}'?)",
                        )
                    )
            break
    return found
