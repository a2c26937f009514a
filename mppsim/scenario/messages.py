"""Turn pydantic validation errors into issues a planner can read, with field and line.

Each error's ``loc`` is walked alongside the data to find the field path and its
line; messages are rewritten ("unknown key 'counter' (did you mean 'counters'?)",
"missing required key 'x'"), and the schema's cross-field problem lists are
expanded into one issue each.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from mppsim.errors import Issue, ScenarioError
from mppsim.scenario.yamlread import KeyPath, M, describe_value, format_path, sort_issues

__all__ = ["check_model", "locate_problems", "validate"]

# --------------------------------------------------------------------------- validation


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _union_members(tp: Any) -> list[Any] | None:
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    members: list[Any] = []
    for member in typing.get_args(tp):
        member = _unwrap(member)
        if member is type(None):
            continue
        members.extend(_union_members(member) or [member])
    return members


def _field_keys(model: type[BaseModel]) -> list[str]:
    config = model.model_config
    by_name = bool(config.get("populate_by_name") or config.get("validate_by_name"))
    keys: list[str] = []
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        keys.append(alias or name)
        if alias and by_name:
            keys.append(name)
    return keys


def _literal_values(tp: Any) -> tuple[Any, ...]:
    tp = _unwrap(tp)
    if typing.get_origin(tp) is typing.Literal:
        return typing.get_args(tp)
    return ()


def _score(model: type[BaseModel], node: Mapping[Any, Any]) -> int:
    """How well a mapping fits a model: matching discriminator values count most."""
    score = 0
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        key = alias or name
        if key in node:
            score += 1
            literals = _literal_values(info.annotation)
            if literals:
                score += 100 if node[key] in literals else -100
    return score


def _resolve(tp: Any, node: Any) -> Any:
    """Strip Annotated/Optional and pick the union member that fits ``node``."""
    tp = _unwrap(tp)
    members = _union_members(tp)
    if members is None:
        return tp
    models = [member for member in members if _is_model(member)]
    if isinstance(node, Mapping) and models:
        return max(models, key=lambda model: _score(model, node))
    for member in members:
        origin = typing.get_origin(member) or member
        if isinstance(origin, type):
            if isinstance(node, Mapping) and issubclass(origin, Mapping):
                return _resolve(member, node)
            if isinstance(node, list) and issubclass(origin, Sequence | set | frozenset):
                return _resolve(member, node)
    return None


def _child_type(tp: Any, key: str | int) -> Any:
    """Type of ``key`` inside a value of (resolved) type ``tp``, or None."""
    if _is_model(tp):
        for name, info in tp.model_fields.items():
            alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
            if key in (alias or name, name):
                return info.annotation
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if not isinstance(origin, type) or not args:
        return None
    if issubclass(origin, Mapping):
        return args[-1]
    if issubclass(origin, tuple):
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
        return args[key] if isinstance(key, int) and 0 <= key < len(args) else None
    if issubclass(origin, Sequence | set | frozenset):
        return args[0]
    return None


def _allowed_keys(model_cls: type[BaseModel], data: Any, parent: KeyPath) -> list[str] | None:
    """Keys the model accepts in the mapping at ``parent`` (best effort)."""
    tp: Any = model_cls
    node = data
    for key in parent:
        tp = _resolve(tp, node)
        if tp is None:
            return None
        tp = _child_type(tp, key)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    tp = _resolve(tp, node)
    return _field_keys(tp) if _is_model(tp) else None


def _walk(data: Any, loc: Sequence[Any]) -> tuple[KeyPath, Any, bool, bool]:
    """Follow a pydantic ``loc`` through the data, skipping non-key parts.

    Returns the matched key path, the data node there, whether some part was
    skipped, and whether the last part was matched.
    """
    node = data
    matched: list[str | int] = []
    skipped = False
    last_matched = False
    for part in loc:
        in_dict = isinstance(node, dict) and isinstance(part, str | int) and part in node
        in_list = (
            isinstance(node, list)
            and isinstance(part, int)
            and not isinstance(part, bool)
            and 0 <= part < len(node)
        )
        last_matched = in_dict or in_list
        if last_matched:
            matched.append(part)
            node = node[part]
        else:
            skipped = True
    return tuple(matched), node, skipped, last_matched


def _number(value: Any) -> str:
    """Show a bound without a needless ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _requirement(error: Mapping[str, Any]) -> tuple[str, bool]:
    """Readable requirement for a pydantic error and whether to add ``got ...``."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    msg = str(error.get("msg", ""))
    simple = {
        "int_type": "must be a whole number",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "int_parsing_size": "must be a whole number of reasonable size",
        "float_type": "must be a number",
        "float_parsing": "must be a number",
        "finite_number": "must be a finite number",
        "bool_type": "must be true or false",
        "bool_parsing": "must be true or false",
        "string_type": "must be text",
        "dict_type": "must be a mapping (key: value lines)",
        "model_type": "must be a mapping (key: value lines)",
        "model_attributes_type": "must be a mapping (key: value lines)",
        "list_type": "must be a list",
        "tuple_type": "must be a list",
        "set_type": "must be a list",
        "frozen_set_type": "must be a list",
        "none_required": "must be empty (null)",
    }
    if kind in simple:
        return simple[kind], True
    if kind == "greater_than":
        return f"must be greater than {_number(ctx.get('gt'))}", True
    if kind == "greater_than_equal":
        return f"must be at least {_number(ctx.get('ge'))}", True
    if kind == "less_than":
        return f"must be less than {_number(ctx.get('lt'))}", True
    if kind == "less_than_equal":
        return f"must be at most {_number(ctx.get('le'))}", True
    if kind == "multiple_of":
        return f"must be a multiple of {_number(ctx.get('multiple_of'))}", True
    if kind in ("literal_error", "enum"):
        return f"must be {ctx.get('expected')}", True
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)", False
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} item(s)", False
    if kind == "string_too_short":
        return f"must be at least {ctx.get('min_length')} character(s) long", True
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} character(s) long", True
    if kind == "string_pattern_mismatch":
        return f"must match the pattern {ctx.get('pattern')!r}", True
    if kind in ("value_error", "assertion_error"):
        for prefix in ("Value error, ", "Assertion failed, "):
            msg = msg.removeprefix(prefix)
        return msg, False
    text = msg[:1].lower() + msg[1:]
    text = text.replace("input should be", "must be")
    return text, True


@dataclass(frozen=True)
class _Located:
    path: KeyPath
    line: int | None
    set_by: str | None
    requirement: str
    got: str | None
    alternative: bool = False  # from one member of a union: may join its siblings


def _locate(path: KeyPath, lines: Mapping[KeyPath, int]) -> tuple[int | None, str | None]:
    """Line of the deepest known path prefix, or the ``--set`` that provided it."""
    overrides: Mapping[KeyPath, str] = getattr(lines, "overrides", {})
    for size in range(len(path), -1, -1):
        prefix = path[:size]
        if prefix in overrides:
            return None, overrides[prefix]
        if prefix in lines:
            return lines[prefix] or None, None
    return None, None


def _locate_error(
    error: Mapping[str, Any],
    model_cls: type[BaseModel],
    data: Any,
    lines: Mapping[KeyPath, int],
) -> list[_Located]:
    """Turn one pydantic error into located messages (several for a problem list)."""
    loc = tuple(error.get("loc", ()))
    matched, node, skipped, last_matched = _walk(data, loc)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    listed = _listed_problems(ctx)
    if listed is not None:
        located = []
        for relative, message in listed:
            path = (*matched, *relative)
            line, set_by = _locate(path, lines)
            located.append(_Located(path, line, set_by, message, None))
        return located
    path = matched
    requirement, with_got = _requirement(error)
    got: str | None = describe_value(error.get("input")) if with_got else None
    if kind == "missing":
        key = loc[-1] if loc else ""
        path = (*matched, key) if loc and not last_matched else matched
        requirement, got = f"missing required key {key!r}", None
    elif kind == "extra_forbidden" and matched:
        key = matched[-1]
        try:
            allowed = _allowed_keys(model_cls, data, matched[:-1])
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            allowed = None  # an unusual type annotation: just say "unknown key"
        requirement, got = f"unknown key {key!r}", None
        if allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            if close:
                requirement += f" (did you mean {close[0]!r}?)"
            else:
                requirement += f" (allowed keys: {', '.join(allowed)})"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        field = str(ctx.get("discriminator", "")).strip("'\"")
        if kind == "union_tag_not_found":
            requirement, got = f"missing required key {field!r}", None
            if field:
                path = (*matched, field)
        else:
            if isinstance(node, dict) and field in node:
                path = (*matched, field)
            expected = ctx.get("expected_tags")
            requirement = f"unknown {field} {ctx.get('tag')!r}; must be one of {expected}"
            got = None
    elif "[key]" in loc:
        requirement = f"the key {requirement}"
        got = describe_value(loc[-2] if len(loc) > 1 else error.get("input"))
    if kind in ("too_short", "too_long") and "actual_length" in ctx:
        got = str(ctx["actual_length"])
    line, set_by = _locate(path, lines)
    return [_Located(path, line, set_by, requirement, got, skipped)]


def _listed_problems(ctx: Mapping[str, Any]) -> list[tuple[KeyPath, str]] | None:
    """Problems a validator listed in ``ctx['problems']`` as (relative path, message) pairs."""
    problems = ctx.get("problems")
    if not isinstance(problems, list | tuple) or not problems:
        return None
    listed: list[tuple[KeyPath, str]] = []
    for item in problems:
        if not (isinstance(item, tuple | list) and len(item) == 2):
            return None
        relative, message = item
        if not isinstance(relative, tuple | list) or not all(
            isinstance(part, str | int) for part in relative
        ):
            return None
        listed.append((tuple(relative), str(message)))
    return listed


def _join(parts: list[_Located]) -> str:
    """One message for all errors of a field (several come from union members)."""
    unique: list[_Located] = []
    for part in parts:
        if all((p.requirement, p.got) != (part.requirement, part.got) for p in unique):
            unique.append(part)
    if (
        len(unique) > 1
        and len({p.got for p in unique}) == 1
        and all(p.requirement.startswith("must be ") for p in unique)
    ):
        first, *rest = (p.requirement for p in unique)
        merged = " or ".join([first, *(r.removeprefix("must be ") for r in rest)])
        unique = [_Located((), None, None, merged, unique[0].got)]
    messages = [f"{p.requirement}, got {p.got}" if p.got else p.requirement for p in unique]
    message = "; or ".join(messages)
    if parts[0].set_by is not None:
        message += f" (from --set {parts[0].set_by})"
    return message


def locate_problems(
    problems: Sequence[tuple[KeyPath, str]], lines: Mapping[KeyPath, int]
) -> list[tuple[KeyPath, Issue]]:
    """Turn ``(path, message)`` pairs of a check on a valid model into issues with lines.

    Parameters
    ----------
    problems : sequence of (tuple, str)
        Key paths in the data and messages.
    lines : LineMap or mapping
        Line numbers of the data; a value set with ``--set`` is named as such.

    Returns
    -------
    list of (tuple, Issue)
        Each problem's path and its issue (field, line, message).
    """
    located = []
    for path, message in problems:
        line, set_by = _locate(path, lines)
        if set_by is not None:
            message += f" (from --set {set_by})"
        located.append((path, Issue(format_path(path), line, message)))
    return located


def check_model(
    model_cls: type[M], data: Any, lines: Mapping[KeyPath, int]
) -> tuple[M | None, list[tuple[KeyPath, Issue]]]:
    """Validate; return the model or the issues, each with its key path."""
    try:
        return model_cls.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    groups: dict[tuple[KeyPath, int], list[_Located]] = {}
    for located in (
        located for error in errors for located in _locate_error(error, model_cls, data, lines)
    ):
        # Errors of union members at the same path become one "... or ..." message.
        key = (located.path, -1 if located.alternative else len(groups))
        groups.setdefault(key, []).append(located)
    issues = [
        (path, Issue(format_path(path), parts[0].line, _join(parts)))
        for (path, _), parts in groups.items()
    ]
    return None, issues


def validate(model_cls: type[M], data: Any, lines: Mapping[KeyPath, int], source: str) -> M:
    """Validate data against a pydantic model, reporting every error readably.

    Parameters
    ----------
    model_cls : type of pydantic.BaseModel
        The model, e.g. ``Scenario``.
    data : Any
        Plain data from :func:`read_yaml` (possibly with overrides applied).
    lines : LineMap or mapping
        Line numbers from :func:`read_yaml`; a :class:`LineMap` returned by
        :func:`~mppsim.scenario.overrides.apply_overrides` also tells which
        values came from ``--set``.
    source : str
        Name of the file (used in error messages).

    Returns
    -------
    pydantic.BaseModel
        The validated model instance.

    Raises
    ------
    ScenarioError
        One issue per offending field, sorted by line. A value given with
        ``--set`` has no line and its message ends with
        ``(from --set path=value)``.
    """
    model, issues = check_model(model_cls, data, lines)
    if model is None:
        raise ScenarioError(source, sort_issues(issue for _, issue in issues))
    return model
