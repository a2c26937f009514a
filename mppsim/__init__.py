"""mppsim: discrete-event simulation of an Indonesian public service mall (MPP).

The Python API: ``load_scenario`` reads and checks a scenario file, ``simulate``
runs one replication, ``run`` runs several and returns tables as pandas
DataFrames, ``write_run`` writes a results folder, ``sweep`` runs variants of a
scenario and ``compare`` sets plans side by side with paired differences.

The names are loaded on first use (a module ``__getattr__``), so importing
``mppsim`` -- or the command line, which lives in it -- does not load pandas,
SimPy, pydantic or the engine until a command needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from mppsim.errors import MppsimError, ScenarioError
    from mppsim.experiment.compare import Comparison, compare
    from mppsim.experiment.replications import RunResult, run, simulate
    from mppsim.experiment.sweep import SweepResult, sweep
    from mppsim.report.folder import write_run
    from mppsim.scenario.loader import load_scenario
    from mppsim.scenario.schema import Scenario

__all__ = [
    "Comparison",
    "MppsimError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "__version__",
    "compare",
    "load_scenario",
    "run",
    "simulate",
    "sweep",
    "write_run",
]

_WHERE = {
    "MppsimError": "mppsim.errors",
    "ScenarioError": "mppsim.errors",
    "RunResult": "mppsim.experiment.replications",
    "run": "mppsim.experiment.replications",
    "simulate": "mppsim.experiment.replications",
    "SweepResult": "mppsim.experiment.sweep",
    "sweep": "mppsim.experiment.sweep",
    "Comparison": "mppsim.experiment.compare",
    "compare": "mppsim.experiment.compare",
    "write_run": "mppsim.report.folder",
    "load_scenario": "mppsim.scenario.loader",
    "Scenario": "mppsim.scenario.schema",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
