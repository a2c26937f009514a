"""Load scenario files: read safely, merge ``extends``, apply ``--set``, validate.

The public entry points are :func:`load_scenario` and :func:`load_scenario_text`
(and their model-generic forms); reading lives in :mod:`mppsim.scenario.yamlread`,
error messages in :mod:`mppsim.scenario.messages`. Every problem is raised as one
:class:`~mppsim.errors.ScenarioError` with all issues, each with field and line.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mppsim.errors import Issue, ScenarioError
from mppsim.scenario.consistency import impossible_combinations
from mppsim.scenario.messages import check_model, locate_problems, validate
from mppsim.scenario.overrides import apply_overrides, created_by_typo
from mppsim.scenario.plausibility import implausible_values
from mppsim.scenario.yamlread import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    KeyPath,
    LineMap,
    M,
    describe_value,
    format_path,
    parse_yaml_fragment,
    read_document,
    read_yaml,
    resolve_plain_scalar,
    sort_issues,
)

if TYPE_CHECKING:
    from mppsim.scenario.schema import Scenario

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "KeyPath",
    "LineMap",
    "format_path",
    "load_model",
    "load_model_text",
    "load_scenario",
    "load_scenario_text",
    "parse_yaml_fragment",
    "read_yaml",
    "resolve_plain_scalar",
    "validate",
]

# --------------------------------------------------------------------------- loading


EXTENDS = "extends"
"""Top-level key naming a base scenario file that this file changes."""

MAX_EXTENDS_DEPTH = 10
"""Most files a chain of ``extends`` may go through."""

YAML_SUFFIXES = (".yaml", ".yml")
"""File endings ``extends`` accepts."""

_SCENARIO_CHECKS: dict[str, Any] = {"checks": impossible_combinations, "advice": implausible_values}


def _extend(
    data: dict[str, Any], lines: LineMap, source: str, seen: tuple[str, ...] = ()
) -> tuple[dict[str, Any], LineMap]:
    """Merge a file that ``extends: base.yaml`` over its base scenario.

    The base path is relative to the extending file's folder and must be a YAML file
    (``.yaml`` or ``.yml``, also after following links), so ``extends`` can never be
    used to read other files into messages. Mappings merge key by key (this file
    wins); lists and single values replace the base's. Lines of values that come from
    the base are not known in this file, so their issues carry no line (the base file
    validates on its own).
    """
    base_name = data[EXTENDS]
    where = lines.overrides.get((EXTENDS,))
    line = None if where is not None else lines.get((EXTENDS,))
    suffix = f" (from --set {where})" if where is not None else ""

    def fail(message: str) -> ScenarioError:
        return ScenarioError(source, [Issue(EXTENDS, line, message + suffix)])

    if not isinstance(base_name, str) or not base_name.strip():
        raise fail("must name a scenario file, e.g. base.yaml")
    shown = describe_value(base_name)
    base_path = Path(source).parent / base_name
    key = os.path.realpath(base_path)
    if Path(base_name).suffix.lower() not in YAML_SUFFIXES or (
        Path(key).suffix.lower() not in YAML_SUFFIXES
    ):
        raise fail(
            f"{shown} is not a YAML scenario file: extends reads only files ending in .yaml or .yml"
        )
    if key in seen:
        raise fail(f"{shown} extends itself (directly or through other files)")
    if len(seen) >= MAX_EXTENDS_DEPTH:
        raise fail(
            f"the chain of extends is too long: more than {MAX_EXTENDS_DEPTH} files extend "
            f"one another before {shown}; merge some of them"
        )
    base_text, base_source = _file_text(base_path)
    base, base_lines, base_problems = read_document(base_text, base_source)
    if base_problems or not isinstance(base, dict):
        raise ScenarioError(base_source, [p.issue() for p in base_problems])
    if EXTENDS in base:
        base, _ = _extend(base, base_lines, base_source, (*seen, key))
    own = {k: v for k, v in data.items() if k != EXTENDS}
    merged_lines = LineMap({path: line for path, line in lines.items() if path[:1] != (EXTENDS,)})
    merged_lines.overrides.update(
        {path: text for path, text in lines.overrides.items() if path[:1] != (EXTENDS,)}
    )
    return _deep_merge(base, own), merged_lines


def _set_extends(
    data: dict[str, Any], lines: LineMap, overrides: Sequence[str]
) -> tuple[dict[str, Any], LineMap, list[str]]:
    """Apply ``--set extends=base.yaml`` before the file is merged over its base.

    ``--set`` options are otherwise applied after ``extends`` has been merged, which
    would leave a new ``extends`` value unused (and recorded as if it had been).
    ``--set extends=null`` drops the file's own ``extends``. Returns the data, the
    lines and the remaining overrides.
    """
    from mppsim.scenario.overrides import OVERRIDE_SOURCE, parse_override, shorten

    rest: list[str] = []
    for text in overrides:
        try:
            path, value = parse_override(text)
        except ScenarioError:
            rest.append(text)  # reported with the others
            continue
        if not path or path[0] != EXTENDS:
            rest.append(text)
            continue
        if len(path) > 1:
            message = "'extends' is a file name; it has no parts"
            raise ScenarioError(OVERRIDE_SOURCE, [Issue(shorten(text), None, message)])
        data = dict(data)
        lines = lines.copy()
        lines.pop((EXTENDS,), None)
        if value is None:
            data.pop(EXTENDS, None)
            lines.overrides.pop((EXTENDS,), None)
        else:
            data[EXTENDS] = value
            lines.overrides[(EXTENDS,)] = shorten(text)
    return data, lines, rest


def _deep_merge(base: Any, own: Any) -> Any:
    if isinstance(base, dict) and isinstance(own, dict):
        merged = dict(base)
        for key, value in own.items():
            merged[key] = _deep_merge(base[key], value) if key in base else value
        return merged
    return own


def _file_text(path: str | os.PathLike[str]) -> tuple[str, str]:
    """Read a scenario file as text; ScenarioError with a clear message otherwise."""
    source = os.fsdecode(path)

    def fail(message: str, line: int | None = None) -> ScenarioError:
        return ScenarioError(source, [Issue("", line, message)])

    def unreadable(exc: OSError) -> ScenarioError:
        if isinstance(exc, IsADirectoryError):
            return fail("this is a folder, not a scenario file")
        if isinstance(exc, FileNotFoundError):
            return fail("file not found; check the file name and the folder")
        if isinstance(exc, PermissionError):
            return fail("permission denied: this file cannot be read")
        return fail(f"cannot read the file: {exc.strerror or exc}")

    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on
        # the open file itself, so nothing can swap it in between.
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise unreadable(exc) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise fail("this is a folder, not a scenario file")
        if not stat.S_ISREG(mode):
            kind = (
                "a named pipe (FIFO)"
                if stat.S_ISFIFO(mode)
                else "a device"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket"
                if stat.S_ISSOCK(mode)
                else "not a regular file"
            )
            raise fail(f"this is {kind}, not a scenario file; give a YAML file")
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise unreadable(exc) from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"the file is too large (the limit is {MAX_FILE_BYTES} bytes)")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), source
        except UnicodeDecodeError:
            raise fail("the file is not valid UTF-16 text; save it as UTF-8") from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise fail(
            "this looks like a binary file, not a YAML text file (it contains a NUL byte)",
            raw.count(b"\n", 0, nul) + 1,
        )
    try:
        return raw.decode("utf-8-sig"), source
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise fail(
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02X} cannot be read); "
            "save it with UTF-8 encoding",
            line,
        ) from None


Checks = Callable[[Any], Sequence[tuple[KeyPath, str]]]
"""A check on a valid model: ``(path, message)`` pairs, paths as in the data."""


def _validate(
    model_cls: type[M],
    data: Any,
    lines: LineMap,
    hidden: Sequence[KeyPath],
    checks: Checks | None,
    advice: Checks | None,
) -> tuple[M | None, list[tuple[KeyPath, Issue]], list[tuple[KeyPath, Issue]]]:
    """Validate, then run the checks and the advice on a valid model."""
    model, checked = check_model(model_cls, data, lines)
    issues = [
        (path, issue)
        for path, issue in checked
        if not any(path[: len(prefix)] == prefix for prefix in hidden)
    ]
    notes: list[tuple[KeyPath, Issue]] = []
    if model is not None and checks is not None:
        issues += locate_problems(checks(model), lines)
    if model is not None and advice is not None:
        notes = locate_problems(advice(model), lines)
    return model, issues, notes


def _blame_overrides(
    issues: list[tuple[KeyPath, Issue]],
    base: list[tuple[KeyPath, Issue]],
    data: Any,
    overrides: Sequence[str],
) -> list[tuple[KeyPath, Issue]]:
    """Say which issues the ``--set`` options caused.

    An issue under a key that an option created next to a similar existing key (a typo
    such as ``agencies.dukcapl``) becomes "no agency 'dukcapl' (did you mean ...)". Any
    other issue that the file without the options does not have, and whose message does
    not already name an option, ends with "(because of --set ...)".
    """
    for created, text, message in created_by_typo(data, overrides):
        under = [item for item in issues if item[0][: len(created)] == created]
        if under:
            issues = [item for item in issues if item not in under]
            issue = Issue(format_path(created), None, f"{message} (from --set {text})")
            issues.append((created, issue))
    known = {(issue.field, issue.message) for _, issue in base}
    because = ", ".join(f"--set {text}" for text in overrides)
    return [
        (path, issue)
        if (issue.field, issue.message) in known or "--set " in issue.message
        else (path, Issue(issue.field, issue.line, f"{issue.message} (because of {because})"))
        for path, issue in issues
    ]


def load_model_text(
    model_cls: type[M],
    text: str,
    source: str,
    overrides: Sequence[str] = (),
    *,
    checks: Checks | None = None,
    advice: Checks | None = None,
    warnings: list[Issue] | None = None,
    strict: bool = False,
) -> M:
    """Read, override and validate YAML text against any pydantic model.

    Parameters
    ----------
    model_cls : type of pydantic.BaseModel
        The model to validate against.
    text : str
        The YAML document.
    source : str
        Name of the file (used in error messages).
    overrides : sequence of str, optional
        ``--set`` options, ``"path=value"``.
    checks : callable, optional
        Run on the valid model; each ``(path, message)`` it returns is an error.
    advice : callable, optional
        Run on the valid model; each ``(path, message)`` it returns is a warning
        (an error when `strict`).
    warnings : list of Issue, optional
        Where the warnings go (with field and line); without it they are dropped.
    strict : bool, optional
        Treat warnings as errors.

    Returns
    -------
    pydantic.BaseModel
        The validated model.

    Raises
    ------
    ScenarioError
        With all problems at once: reading problems that do not prevent
        validation (duplicate keys, unsafe tags) are reported together with
        override and validation problems. A problem caused by an override says so.
    """
    data, lines, problems = read_document(text, source)
    if overrides and isinstance(data, dict):
        data, lines, overrides = _set_extends(data, lines, overrides)
    if isinstance(data, dict) and EXTENDS in data:
        data, lines = _extend(data, lines, source)
    issues: list[tuple[KeyPath, Issue]] = [(p.path, p.issue()) for p in problems]
    hidden = [p.path for p in problems if p.suppress]
    base_data, base_lines = data, lines
    if overrides:
        try:
            data, lines = apply_overrides(data, overrides, lines)
        except ScenarioError as exc:
            found = [issue for _, issue in issues] + list(exc.issues)
            raise ScenarioError(source, sort_issues(found)) from None
    model, checked, notes = _validate(model_cls, data, lines, hidden, checks, advice)
    if strict:
        checked, notes = checked + notes, []
    if overrides and (checked or notes):
        _, base, base_notes = _validate(model_cls, base_data, base_lines, hidden, checks, advice)
        checked = _blame_overrides(
            checked, base + (base_notes if strict else []), base_data, overrides
        )
        notes = _blame_overrides(notes, base_notes, base_data, overrides)
    issues += checked
    if issues or model is None:
        raise ScenarioError(source, sort_issues(issue for _, issue in issues))
    if warnings is not None:
        warnings.extend(sort_issues(issue for _, issue in notes))
    return model


def load_model(
    model_cls: type[M],
    path: str | os.PathLike[str],
    overrides: Sequence[str] = (),
    **options: Any,
) -> M:
    """Read a YAML file and validate it against any pydantic model.

    Parameters
    ----------
    model_cls : type of pydantic.BaseModel
        The model to validate against.
    path : str or os.PathLike
        The YAML file (UTF-8; UTF-16 with a byte order mark is accepted too).
    overrides : sequence of str, optional
        ``--set`` options, ``"path=value"``.
    **options
        ``checks``, ``advice``, ``warnings`` and ``strict`` of :func:`load_model_text`.

    Returns
    -------
    pydantic.BaseModel
        The validated model.

    Raises
    ------
    ScenarioError
        For a missing, unreadable, binary, non-UTF-8 or too large file and for
        every problem listed in :func:`load_model_text`.
    """
    text, source = _file_text(path)
    return load_model_text(model_cls, text, source, overrides, **options)


def load_scenario_text(
    text: str,
    source: str,
    overrides: Sequence[str] = (),
    *,
    warnings: list[Issue] | None = None,
    strict: bool = False,
) -> Scenario:
    """Read, override and validate scenario YAML text.

    Parameters
    ----------
    text : str
        The YAML document.
    source : str
        Name of the file (used in error messages).
    overrides : sequence of str, optional
        ``--set`` options, ``"path=value"``.
    warnings : list of Issue, optional
        Plausibility warnings (:mod:`mppsim.scenario.plausibility`) are appended here.
    strict : bool, optional
        Treat plausibility warnings as errors.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        With every problem found (see :func:`load_model_text`), including the
        combinations of hours, cut-offs, breaks, bookings and counter groups that
        cannot work (:mod:`mppsim.scenario.consistency`).
    """
    from mppsim.scenario.schema import Scenario

    return load_model_text(
        Scenario, text, source, overrides, warnings=warnings, strict=strict, **_SCENARIO_CHECKS
    )


def load_scenario(
    path: str | os.PathLike[str],
    overrides: Sequence[str] = (),
    *,
    warnings: list[Issue] | None = None,
    strict: bool = False,
) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : str or os.PathLike
        The scenario YAML file.
    overrides : sequence of str, optional
        ``--set`` options, ``"path=value"``, applied before validation.
    warnings : list of Issue, optional
        Plausibility warnings (a service mean of 8 h, a walking speed of 72 m/s, ...)
        are appended here, each with field and line.
    strict : bool, optional
        Treat plausibility warnings as errors.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        With every problem found, each naming the field and the line (or the
        ``--set`` option that caused it).
    """
    from mppsim.scenario.schema import Scenario

    return load_model(
        Scenario, path, overrides, warnings=warnings, strict=strict, **_SCENARIO_CHECKS
    )
