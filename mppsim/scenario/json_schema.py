"""The JSON Schema of scenario files, for editors' completion and checks.

A scenario file that ``extends`` a base file gives only the keys it changes, at any
depth (``calendar: {days: {weekday: {close: "16:00"}}}``), so the usual required keys
do not apply to it. The exported schema therefore holds two versions of every
definition: the full one, and a *partial* one (suffix ``__partial``) with no required
keys. A document with ``extends`` is checked against the partial version (types,
ranges, known keys), any other against the full one.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["PARTIAL", "export_json_schema"]

PARTIAL = "__partial"
"""Suffix of the definitions that a file with ``extends`` is checked against."""

_DEFS = "#/$defs/"


def _partial(node: Any) -> Any:
    """Copy a schema node without required keys, pointing its references at partial defs."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "required":
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS):
                out[key] = value + PARTIAL
            else:
                out[key] = _partial(value)
        return out
    if isinstance(node, list):
        return [_partial(item) for item in node]
    return node


def export_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of scenario files (draft 2020-12).

    Returns
    -------
    dict
        The schema: a file with ``extends`` is checked without required keys (see the
        module docstring), any other file against the full schema.
    """
    from mppsim.scenario.schema import Scenario

    full = Scenario.model_json_schema(mode="validation")
    defs = full.pop("$defs", {})
    full.pop("title", None)
    partial = _partial(full)
    all_defs = {
        **defs,
        **{name + PARTIAL: _partial(body) for name, body in defs.items()},
        "Scenario": full,
        "Scenario" + PARTIAL: partial,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "mppsim scenario",
        "description": full.get("description", ""),
        "type": "object",
        # for completion: every key, none required (the branches below check them)
        "properties": copy.deepcopy(partial.get("properties", {})),
        "if": {"required": ["extends"]},
        "then": {"$ref": _DEFS + "Scenario" + PARTIAL},
        "else": {"$ref": _DEFS + "Scenario"},
        "$defs": all_defs,
    }
