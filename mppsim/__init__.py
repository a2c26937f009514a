"""mppsim: discrete-event simulation of an Indonesian public service mall (MPP).

The Python API: ``load_scenario`` reads and checks a scenario file, ``simulate``
runs one replication, ``run`` runs several and returns tables as pandas
DataFrames, and ``write_run`` writes a results folder.
"""

from __future__ import annotations

__version__ = "0.1.0"

from mppsim.errors import MppsimError, ScenarioError
from mppsim.experiment.replications import RunResult, run, simulate
from mppsim.results import write_run
from mppsim.scenario import Scenario, load_scenario

__all__ = [
    "MppsimError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "run",
    "simulate",
    "write_run",
]
