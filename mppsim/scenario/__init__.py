"""Scenario files: the schema, the safe YAML loader with line numbers, and overrides."""

from __future__ import annotations

from mppsim.scenario.json_schema import export_json_schema
from mppsim.scenario.loader import load_scenario
from mppsim.scenario.schema import Scenario

__all__ = ["Scenario", "export_json_schema", "load_scenario"]
