"""Read YAML text safely into plain data, with the line of every value.

ruamel.yaml only *composes* the text (a node tree, no Python objects); this module
turns the nodes into plain dicts, lists and scalars itself, so no tag can ever
construct an arbitrary object. Problems become :class:`Problem` records with a
field path and a line; :mod:`mppsim.scenario.loader` turns them into issues.
"""

from __future__ import annotations

import bisect
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from mppsim.errors import Issue, ScenarioError

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "KeyPath",
    "LineMap",
    "Problem",
    "describe_value",
    "format_path",
    "parse_yaml_fragment",
    "read_document",
    "read_yaml",
    "resolve_plain_scalar",
    "sort_issues",
]

KeyPath = tuple[str | int, ...]
"""Path to a value inside the data: mapping keys (str) and list indices (int)."""

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Largest scenario file accepted (scenario files are normally a few kB)."""

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists accepted (also after alias expansion)."""

MAX_ALIAS_EXPANSION = 100_000
"""Most values that aliases (``*name``) and merge keys may add by copying anchors."""

M = TypeVar("M", bound=BaseModel)

_CORE = "tag:yaml.org,2002:"
# Tags that ruamel's resolver assigns by itself (no tag written in the file).
_IMPLICIT_TAGS = frozenset(
    _CORE + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "merge", "value", "yaml")
) | {_CORE + "seq", _CORE + "map"}
# Standard tags a user may write explicitly, e.g. ``!!str 0812``.
_EXPLICIT_OK = frozenset(("str", "int", "float", "bool", "null", "timestamp", "seq", "map"))

# YAML 1.2 core schema, used for every plain (unquoted) scalar.
_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))
_INT_DEC = re.compile(r"[-+]?[0-9]+")
_INT_OCT = re.compile(r"0o[0-7]+")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
# Characters YAML does not allow in a stream (same set as ruamel's Reader).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


class LineMap(dict[KeyPath, int]):
    """Map from a path in the data to the 1-based line where it is written.

    ``()`` is the whole document (line of its first key). A mapping entry maps
    to the line of its *key*; a list item to the line where the item starts.
    Values reached through an alias (``*name``) map to the lines of the
    anchored original.

    Parameters
    ----------
    lines : mapping or iterable of pairs, optional
        Initial content.
    overrides : mapping, optional
        Initial value of :attr:`overrides`.

    Attributes
    ----------
    overrides : dict
        Paths whose value came from a ``--set`` option rather than the file,
        mapped to the text of that option. Paths inside them are absent from
        the map itself, so errors there are attributed to the ``--set``.
    """

    def __init__(
        self,
        lines: Mapping[KeyPath, int] | Iterable[tuple[KeyPath, int]] = (),
        overrides: Mapping[KeyPath, str] | None = None,
    ) -> None:
        super().__init__(lines)
        self.overrides: dict[KeyPath, str] = dict(overrides or {})

    def copy(self) -> LineMap:
        """Return a shallow copy that keeps :attr:`overrides`.

        Returns
        -------
        LineMap
            The copy.
        """
        return LineMap(self, self.overrides)


def format_path(path: Sequence[str | int]) -> str:
    """Render a key path for messages.

    Parameters
    ----------
    path : sequence of str or int
        Keys and list indices.

    Returns
    -------
    str
        E.g. ``"arrivals.mix[2].share"``; ``""`` for the empty path.
    """
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class Problem:
    """An issue found while reading, with its key path.

    ``suppress`` marks problems (unsafe tags, bad tagged values) whose value
    was replaced, so validation errors at or below ``path`` are noise.
    """

    path: KeyPath
    line: int | None
    message: str
    suppress: bool = False

    def issue(self) -> Issue:
        """Return the problem as an :class:`~mppsim.errors.Issue` (path written out)."""
        return Issue(format_path(self.path), self.line, self.message)


class _FatalError(Exception):
    """Stops reading; carries the problem that made going on impossible."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Alias:
    """Stand-in for an alias (``*name``): the anchored node plus the alias position."""

    __slots__ = ("node", "start_mark")

    def __init__(self, node: Node, start_mark: Any) -> None:
        self.node = node
        self.start_mark = start_mark


class _Composer(Composer):
    """Composer that records where each alias is used (for line numbers)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            mark = self.parser.peek_event().start_mark
            return _Alias(super().compose_node(parent, index), mark)
        return super().compose_node(parent, index)


def _node_text(node: ScalarNode) -> str:
    """Text of a scalar node.

    ruamel's round-trip scanner marks the folds of a ``>`` scalar with BEL
    characters; the input itself cannot contain any (it is rejected first).
    """
    return str(node.value).replace("\a", "")


class _LineIndex:
    """1-based line numbers of positions in a text.

    Lines are counted from the character index of ruamel's marks, not from
    their line attribute: ruamel (YAML 1.1) also breaks lines at U+0085,
    U+2028 and U+2029, which editors and YAML 1.2 do not.
    """

    def __init__(self, text: str) -> None:
        self._breaks = [match.start() for match in re.finditer("\n", text)]

    def at(self, index: int) -> int:
        return bisect.bisect_left(self._breaks, index) + 1

    def mark(self, mark: Any) -> int | None:
        index = getattr(mark, "index", None)
        if isinstance(index, int):
            return self.at(index)
        line = getattr(mark, "line", None)
        return line + 1 if isinstance(line, int) else None

    def __call__(self, node: Node | _Alias) -> int | None:
        mark = getattr(node, "start_mark", None)
        return None if mark is None else self.mark(mark)


def describe_value(value: Any) -> str:
    """Describe a value for a message, the way it would look in YAML."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan (not a number)"
        if math.isinf(value):
            return ".inf (infinity)" if value > 0 else "-.inf (minus infinity)"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    if isinstance(value, Mapping):
        return "a mapping (key: value lines)"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _root_kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    if isinstance(value, str):
        return f"the text {describe_value(value)}"
    if isinstance(value, bool):
        return f"the value {describe_value(value)}"
    return f"the number {describe_value(value)}"


# --------------------------------------------------------------------------- scalars


def resolve_plain_scalar(text: str) -> Any:
    """Convert an unquoted YAML scalar with the YAML 1.2 core schema.

    Only ``null``/``~``/empty, ``true``/``false``, integers (decimal, ``0o``
    octal, ``0x`` hex) and floats (including ``.inf``, ``.nan``) are
    converted. Everything else stays a string: dates (``2024-01-01``),
    times (``08:00``, not sexagesimal), ``yes``/``no``/``on``/``off``.

    Parameters
    ----------
    text : str
        The scalar exactly as written.

    Returns
    -------
    None, bool, int, float or str
        The converted value.
    """
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    try:
        if _INT_DEC.fullmatch(text):
            return int(text, 10)
        if _INT_OCT.fullmatch(text):
            return int(text, 0)
        if _INT_HEX.fullmatch(text):
            return int(text, 0)
    except ValueError:  # more digits than Python converts: leave it to validation
        return text
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.fullmatch(text):
        return math.nan
    return text


def _tagged_scalar(kind: str, text: str) -> Any:
    """Convert a scalar carrying an explicit standard tag; ValueError if impossible."""
    if kind in ("str", "timestamp"):
        return text
    value = resolve_plain_scalar(text.strip())
    if kind == "null" and value is None:
        return None
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError(kind)


_KIND_WORDS = {
    "null": "an empty value (null)",
    "bool": "true or false",
    "int": "a whole number",
    "float": "a number",
    "map": "a mapping",
    "seq": "a list",
}


def _classify_tag(node: Node) -> tuple[str, str]:
    """Return ``(kind, shown)`` for a node's tag.

    ``kind`` is ``"implicit"`` (no tag written), a standard type name such as
    ``"int"`` (an accepted ``!!int``), or ``"unsafe"``; ``shown`` is the tag
    as written, for messages.
    """
    ctag = node.ctag
    handle = getattr(ctag, "handle", None)
    suffix = getattr(ctag, "suffix", None)
    try:
        full = "" if ctag is None else str(ctag)
    except (AttributeError, KeyError, TypeError, ValueError):  # malformed: never trust it
        return "unsafe", f"{handle or ''}{suffix or ''}"
    shown = f"{handle}{suffix}" if handle else f"!<{full}>"
    if handle is None and (not full or full in _IMPLICIT_TAGS):
        return "implicit", shown
    if handle is not None and full.startswith(_CORE) and full[len(_CORE) :] in _EXPLICIT_OK:
        return full[len(_CORE) :], shown
    return "unsafe", shown


def _unsafe_message(shown: str) -> str:
    return (
        f"unsafe or unknown YAML tag {shown!r}; remove it "
        "(a scenario may only contain plain values, lists and mappings)"
    )


# --------------------------------------------------------------------------- builder


class _Builder:
    """Turn a composed node tree into plain Python data, collecting problems."""

    def __init__(self, text: str) -> None:
        self._line = self.line_of = _LineIndex(text)
        self.lines = LineMap()
        self.problems: list[Problem] = []
        self._count = 0
        self._seen: set[int] = set()
        self._active: set[int] = set()
        self._aliases: list[tuple[KeyPath, int | None]] = []  # aliases being expanded

    def build(self, node: Node | _Alias, path: KeyPath, depth: int) -> Any:
        if isinstance(node, _Alias):
            self._aliases.append((path, self._line(node)))
            try:
                return self.build(node.node, path, depth)
            finally:
                self._aliases.pop()
        line = self._line(node)
        if depth > MAX_DEPTH:
            raise _FatalError(
                Problem(path, line, f"the data is nested more than {MAX_DEPTH} levels deep")
            )
        if id(node) in self._active:
            alias_path, alias_line = self._aliases[-1] if self._aliases else (path, line)
            raise _FatalError(
                Problem(
                    alias_path,
                    alias_line,
                    "an alias (*name) refers to the mapping or list that contains it; "
                    "recursive aliases are not allowed",
                )
            )
        self._count += 1
        self._seen.add(id(node))
        if self._count - len(self._seen) > MAX_ALIAS_EXPANSION:
            alias_path, alias_line = self._aliases[0] if self._aliases else (path, line)
            raise _FatalError(
                Problem(
                    alias_path,
                    alias_line,
                    f"aliases (*name) copy more than {MAX_ALIAS_EXPANSION} values "
                    "(an 'alias bomb'?); write the data out or use fewer nested aliases",
                )
            )
        kind, shown = _classify_tag(node)
        if kind == "unsafe":
            self.problems.append(Problem(path, line, _unsafe_message(shown), suppress=True))
            kind = "implicit"
        if isinstance(node, ScalarNode):
            return self._scalar(node, kind, shown, path)
        expected = "map" if isinstance(node, MappingNode) else "seq"
        if kind not in ("implicit", expected):
            what = "a mapping" if expected == "map" else "a list"
            self.problems.append(
                Problem(path, line, f"the tag {shown!r} cannot be used on {what}", suppress=True)
            )
        self._active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path, depth)
            return self._sequence(node, path, depth)
        finally:
            self._active.discard(id(node))

    def _scalar(self, node: ScalarNode, kind: str, shown: str, path: KeyPath) -> Any:
        text = _node_text(node)
        if kind == "implicit":
            return resolve_plain_scalar(text) if node.style is None else text
        try:
            return _tagged_scalar(kind, text)
        except ValueError:
            if kind in ("map", "seq"):
                message = f"the tag {shown!r} cannot be used on a single value"
            else:
                message = f"{text!r} is tagged {shown} but is not {_KIND_WORDS[kind]}"
            self.problems.append(Problem(path, self._line(node), message, suppress=True))
            return text

    def _sequence(self, node: SequenceNode, path: KeyPath, depth: int) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            item_path = (*path, index)
            self.lines[item_path] = self._line(item) or 0
            items.append(self.build(item, item_path, depth + 1))
        return items

    def _key(self, key_node: Node | _Alias, path: KeyPath) -> str | None:
        line = self._line(key_node)
        if isinstance(key_node, _Alias):
            key_node = key_node.node
        if not isinstance(key_node, ScalarNode):
            what = "a list" if isinstance(key_node, SequenceNode) else "a mapping"
            self.problems.append(Problem(path, line, f"a key must be a simple name, not {what}"))
            return None
        text = _node_text(key_node)
        kind, shown = _classify_tag(key_node)
        if kind == "unsafe":
            self.problems.append(
                Problem((*path, text), line, _unsafe_message(shown), suppress=True)
            )
        if text == "" and key_node.style is None:
            self.problems.append(Problem(path, line, "a key is missing before ':'"))
            return None
        return text

    def _mapping(self, node: MappingNode, path: KeyPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        key_lines: dict[str, int | None] = {}
        merges: list[tuple[Node | _Alias, Node | _Alias]] = []
        for key_node, value_node in node.value:
            if _is_merge_key(key_node):
                merges.append((key_node, value_node))
                continue
            key = self._key(key_node, path)
            if key is None:
                continue
            key_path = (*path, key)
            line = self._line(key_node)
            if key in key_lines:
                self.problems.append(
                    Problem(
                        key_path,
                        line,
                        f"duplicate key {key!r} (already defined on line {key_lines[key]}); "
                        "remove one of them",
                    )
                )
                self._build_detached(value_node, key_path, depth + 1)
                continue
            key_lines[key] = line
            self.lines[key_path] = line or 0
            result[key] = self.build(value_node, key_path, depth + 1)
        for key_node, value_node in merges:
            self._merge(key_node, value_node, result, path, depth)
        return result

    def _build_detached(self, node: Node | _Alias, path: KeyPath, depth: int) -> Any:
        """Build a value only to find its problems; its lines are not recorded."""
        saved = self.lines
        self.lines = LineMap()
        try:
            return self.build(node, path, depth)
        finally:
            self.lines = saved

    def _merge(
        self,
        key_node: Node | _Alias,
        value_node: Node | _Alias,
        result: dict[str, Any],
        path: KeyPath,
        depth: int,
    ) -> None:
        """Apply a merge key ``<<: *anchor``; keys written explicitly win."""
        target = value_node.node if isinstance(value_node, _Alias) else value_node
        if isinstance(target, MappingNode):
            sources: list[Node | _Alias] = [value_node]
        elif isinstance(target, SequenceNode) and all(
            isinstance(item.node if isinstance(item, _Alias) else item, MappingNode)
            for item in target.value
        ):
            sources = list(target.value)
        else:
            self.problems.append(
                Problem(
                    (*path, "<<"),
                    self._line(key_node),
                    "'<<' (merge) must be followed by a mapping or a list of mappings, "
                    "e.g. '<<: *defaults'",
                )
            )
            return
        for source in sources:
            saved = self.lines
            self.lines = LineMap()
            try:
                merged = self.build(source, path, depth)
            finally:
                source_lines, self.lines = self.lines, saved
            added = {key for key in merged if key not in result}
            for key in added:
                result[key] = merged[key]
            for sub_path, line in source_lines.items():
                if len(sub_path) > len(path) and sub_path[len(path)] in added:
                    self.lines.setdefault(sub_path, line)


def _is_merge_key(node: Node | _Alias) -> bool:
    return (
        isinstance(node, ScalarNode)
        and node.style is None
        and node.value == "<<"
        and getattr(node.ctag, "handle", None) is None
    )


# --------------------------------------------------------------------------- reading


def _syntax_problem(exc: MarkedYAMLError, text: str) -> Problem:
    lines = _LineIndex(text)
    if isinstance(exc, MaxDepthExceededError):
        return Problem(
            (),
            lines.mark(exc.problem_mark),
            f"the data is nested more than {MAX_DEPTH} levels deep",
        )
    problem_mark, context_mark = exc.problem_mark, exc.context_mark
    problem = str(exc.problem or exc.context or "unreadable YAML")
    at_end = problem_mark is not None and problem_mark.index >= len(text.rstrip())
    if at_end and context_mark is not None:
        # Something left open (a bracket, a quote): show where it was opened.
        problem = problem.replace("but got '<stream end>'", "but the file ended")
        problem = problem.replace("'<stream end>'", "the end of the file")
        problem = problem.replace("unexpected end of stream", "the end of the file")
        problem_mark = None
    mark = problem_mark or context_mark
    line = None if mark is None else lines.mark(mark)
    if exc.context == "expected a single document in the stream":
        return Problem(
            (),
            line,
            "the file contains more than one YAML document (a second '---'); "
            "a scenario must be a single document",
        )
    message = f"this is not valid YAML: {problem}"
    if exc.problem and exc.context:
        context = str(exc.context)
        context_line = None if context_mark is None else lines.mark(context_mark)
        if context_line is not None and context_line != line:
            context += f" that starts on line {context_line}"
        message += f" ({context})"
    if at_end:
        message += "; is a closing quote or bracket missing?"
    elif "'\\t'" in problem:
        message += "; indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem:
        message += "; check the indentation, or put quotes around a value that contains ': '"
    return Problem((), line, message)


def _compose(text: str) -> Any:
    """Compose ``text`` into a node tree (or None); raise _FatalError on bad YAML."""
    if len(text) > MAX_FILE_BYTES:
        raise _FatalError(
            Problem(
                (),
                None,
                f"the file is too large ({len(text)} characters; the limit is {MAX_FILE_BYTES})",
            )
        )
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        raise _FatalError(
            Problem(
                (),
                text.count("\n", 0, bad.start()) + 1,
                f"the file contains the control character U+{ord(bad.group()):04X}, which "
                "YAML does not allow; is this a binary file rather than a text file?",
            )
        )
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _Composer
    yaml.max_depth = MAX_DEPTH
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. ReusedAnchorWarning: allowed by YAML
            return yaml.compose(text)
    except MarkedYAMLError as exc:
        raise _FatalError(_syntax_problem(exc, text)) from None
    except ReaderError as exc:
        position = exc.position if isinstance(exc.position, int) else 0
        raise _FatalError(
            Problem((), text.count("\n", 0, position) + 1, f"unreadable text: {exc.reason}")
        ) from None
    except YAMLError as exc:
        raise _FatalError(Problem((), None, f"this is not valid YAML: {exc}")) from None
    except RecursionError:
        raise _FatalError(Problem((), None, "the data is nested too deeply")) from None


def read_document(text: str, source: str) -> tuple[dict[str, Any], LineMap, list[Problem]]:
    """Read a scenario document; raise ScenarioError only for fatal problems."""
    text = text.removeprefix("\ufeff")
    builder = _Builder(text)
    try:
        root = _compose(text)
        if root is None or (
            isinstance(root, ScalarNode)
            and root.style is None
            and root.value == ""
            and _classify_tag(root)[0] == "implicit"
        ):
            raise _FatalError(
                Problem(
                    (),
                    1,
                    "the scenario file is empty; it must be a YAML mapping of keys "
                    "such as name:, agencies: ...",
                )
            )
        builder.lines[()] = builder.line_of(root) or 1
        data = builder.build(root, (), 0)
        if not isinstance(data, dict):
            raise _FatalError(
                Problem(
                    (),
                    builder.line_of(root),
                    "the scenario must be a YAML mapping of keys such as name:, "
                    f"agencies: ..., got {_root_kind(data)}",
                )
            )
    except _FatalError as exc:
        raise ScenarioError(source, sort_issues([*builder.problems, exc.problem])) from None
    except RecursionError:
        problem = Problem((), None, "the data is nested too deeply")
        raise ScenarioError(source, sort_issues([*builder.problems, problem])) from None
    return data, builder.lines, builder.problems


def read_yaml(text: str, source: str) -> tuple[Any, LineMap]:
    """Parse scenario YAML safely into plain Python data with line numbers.

    Parameters
    ----------
    text : str
        The YAML document.
    source : str
        Name of the file (used in error messages).

    Returns
    -------
    data : dict
        Nested dicts, lists, str, int, float, bool and None only.
    lines : LineMap
        Line number of every path in ``data`` (see :class:`LineMap`).

    Raises
    ------
    ScenarioError
        With every problem found: invalid YAML (with its line), duplicate keys
        (line of the duplicate), unsafe or unknown tags, an empty document, a
        document that is not a mapping, too much nesting or alias expansion.

    Notes
    -----
    - Plain scalars follow the YAML 1.2 core schema whatever ``%YAML``
      directive is present (see :func:`resolve_plain_scalar`): timestamps and
      YAML 1.1 forms (``yes``, ``08:00``) stay strings.
    - Tags: only standard ``!!str``, ``!!int``, ``!!float``, ``!!bool``,
      ``!!null``, ``!!timestamp`` (kept as text), ``!!map`` and ``!!seq`` are
      accepted; any other tag is reported as "unsafe or unknown YAML tag".
      Nothing is ever constructed from a tag: the nodes are converted by this
      module, not by a ruamel constructor.
    - Mapping keys are always the text as written: ``1: x`` gives key ``"1"``,
      ``null: x`` gives ``"null"``, ``1.50: x`` gives ``"1.50"``. An empty key
      or a list/mapping used as a key is reported.
    - Aliases and merge keys (``<<: *defaults``, explicit keys win) are
      supported. Every alias is expanded into an independent copy; at most
      :data:`MAX_ALIAS_EXPANSION` values may be added that way, which stops
      "billion laughs" files quickly. Recursive aliases are rejected.
    - For a duplicate key the first definition is kept.
    """
    data, lines, problems = read_document(text, source)
    if problems:
        raise ScenarioError(source, sort_issues(problems))
    return data, lines


def parse_yaml_fragment(text: str, source: str) -> Any:
    """Parse a small YAML value (e.g. the value of ``--set``) with the same safe rules.

    Parameters
    ----------
    text : str
        YAML text of one value: a scalar, ``[1, 2]`` or ``{a: 1}``.
    source : str
        Name used in error messages.

    Returns
    -------
    Any
        Plain Python data; None for empty text.

    Raises
    ------
    ScenarioError
        For invalid YAML or unsafe tags (fields are relative to the value).
    """
    builder = _Builder(text)
    try:
        root = _compose(text)
        value = None if root is None else builder.build(root, (), 0)
    except _FatalError as exc:
        raise ScenarioError(source, sort_issues([*builder.problems, exc.problem])) from None
    if builder.problems:
        raise ScenarioError(source, sort_issues(builder.problems))
    return value


def sort_issues(issues: Iterable[Problem | Issue]) -> list[Issue]:
    """Convert, de-duplicate and sort issues by line (issues without a line last)."""
    result: list[Issue] = []
    seen: set[tuple[Any, ...]] = set()
    for item in issues:
        issue = item.issue() if isinstance(item, Problem) else item
        key = (
            (issue.line, issue.message)
            if isinstance(item, Problem) and issue.line is not None
            else (issue.field, issue.line, issue.message)
        )
        if key not in seen:
            seen.add(key)
            result.append(issue)
    return sorted(result, key=lambda issue: (issue.line is None, issue.line or 0))
