"""Scenario files: the schema, the safe YAML loader with line numbers, and overrides."""

from __future__ import annotations

from typing import Any

from mppsim.scenario.loader import load_scenario
from mppsim.scenario.schema import Scenario

__all__ = ["Scenario", "export_json_schema", "load_scenario"]


def export_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of scenario files (for editors' completion and checks)."""
    schema = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mppsim scenario"
    return schema
