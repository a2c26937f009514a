"""Layers import downward only, there are no import cycles, and nothing uses global randomness.

Every module of the package is covered, top-level ones included: each has a layer, and a
module may import only modules of the layers listed for it. Imports inside functions count
too (a lazy import is still a dependency); imports under ``if TYPE_CHECKING:`` do not. The
transitive imports of the engine and of the command line are checked in a fresh
interpreter, since a layer can pull in a heavy package through a module it may import.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mppsim"

# Layer of each module, by the longest matching prefix; a module may import its own
# layer and the layers listed for it in ALLOWED.
LAYERS = {
    "mppsim": "api",
    "mppsim.__main__": "cli",
    "mppsim.cli": "cli",
    "mppsim.errors": "base",
    "mppsim.units": "base",
    "mppsim.unit_types": "base",
    "mppsim.timeparse": "base",
    "mppsim.tables": "base",
    "mppsim.streams": "base",
    "mppsim.samplers": "base",
    "mppsim.yamlwrite": "base",
    "mppsim.outdir": "base",
    "mppsim.distribution_specs": "specs",
    "mppsim.distributions": "specs",
    "mppsim.scenario": "scenario",
    "mppsim.model": "model",
    "mppsim.stats": "stats",
    "mppsim.experiment": "experiment",
    "mppsim.results": "results",
    "mppsim.resultsdir": "results",
    "mppsim.experiment.streaming": "folder",
    "mppsim.report": "report",
    "mppsim.validation": "validation",
}
ALLOWED = {
    "base": set(),
    "specs": {"base"},
    "scenario": {"base", "specs"},
    "model": {"base", "specs"},
    "stats": {"base"},
    # sweeps build each point's scenario through the scenario layer (validated like a file)
    "experiment": {"base", "specs", "scenario", "model", "stats"},
    "results": {"base", "api"},  # the package root only for __version__
    # a run written straight into its results folder: replications, then the files
    "folder": {"base", "specs", "model", "stats", "experiment", "results", "api"},
    "report": {"base", "specs", "scenario", "results", "api"},  # scenario: reads scenario.yaml
    "validation": {"base", "specs", "scenario", "model", "stats", "api"},
    "cli": {
        "folder",
        "base",
        "specs",
        "scenario",
        "model",
        "stats",
        "experiment",
        "results",
        "report",
        "validation",
        "api",
    },
    "api": set(LAYERS.values()),
}
THIRD_PARTY_FORBIDDEN = {
    "base": ("simpy", "scipy", "typer", "rich", "matplotlib"),
    "model": ("pydantic", "typer", "rich", "matplotlib", "scipy"),
    "stats": ("simpy", "pydantic", "typer", "matplotlib"),
    "scenario": ("simpy", "pandas", "typer", "matplotlib"),
    "results": ("matplotlib", "typer"),
    "report": ("simpy",),
    "validation": ("ciw",),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(name: str) -> str:
    best = max((p for p in LAYERS if name == p or name.startswith(p + ".")), key=len)
    return LAYERS[best]


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def runtime_imports(path: Path) -> set[str]:
    """Modules imported at run time, inside functions too (not those under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    names = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            # ``from mppsim.report import floorplan`` imports a module too
            names.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if f"{node.module}.{alias.name}" in MODULES
            )
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func).endswith("import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return names


def test_every_module_has_a_layer():
    assert "mppsim.cli" in MODULES
    assert "mppsim.units" in MODULES
    for name in MODULES:
        assert layer_of(name) in ALLOWED, name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_imports_downward_only(name):
    own = layer_of(name)
    for imported in runtime_imports(MODULES[name]):
        if imported == "mppsim" or imported.startswith("mppsim."):
            other = layer_of(imported)
            assert other == own or other in ALLOWED[own], (
                f"{name} ({own}) imports {imported} ({other})"
            )
        else:
            top = imported.split(".")[0]
            assert top not in THIRD_PARTY_FORBIDDEN.get(own, ()), f"{name} imports {imported}"


def test_no_import_cycles():
    """No two modules depend on each other, directly or through others (lazy imports count).

    The package root is left out: Python imports it before any submodule anyway, and it
    loads its names on first use only.
    """
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        if name == "mppsim":
            continue
        targets = set()
        for imported in runtime_imports(path):
            # ``from mppsim.scenario.loader import x`` depends on that module
            while imported and imported not in MODULES:
                imported = imported.rpartition(".")[0]
            if imported and imported != "mppsim" and imported != name:
                targets.add(imported)
        graph[name] = targets
    # a package's __init__ may re-export its own submodules: that is not a cycle
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if node.startswith(nxt + "."):  # a submodule importing its own package
                continue
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                if not all(m.startswith(cycle[0] + ".") for m in cycle[1:-1]):
                    pytest.fail("import cycle: " + " -> ".join(cycle))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_modules_use_no_private_names_of_each_other():
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mppsim"):
                private = [
                    a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"
                ]
                assert not private, f"{name} imports private {private} from {node.module}"


def loaded_after(code: str) -> set[str]:
    """Top-level packages and mppsim modules loaded by ``code`` in a fresh interpreter."""
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    modules = json.loads(proc.stdout.strip().splitlines()[-1])
    return {m if m.startswith("mppsim") else m.split(".")[0] for m in modules} | set(modules)


@pytest.mark.parametrize("module", ["mppsim.model.engine", "mppsim.model.compile"])
def test_model_does_not_load_pydantic_typer_or_matplotlib(module):
    loaded = loaded_after(f"import {module}")
    for heavy in ("pydantic", "typer", "matplotlib", "rich", "scipy", "mppsim.scenario"):
        assert heavy not in loaded, f"importing {module} loads {heavy}"


def test_cli_loads_only_what_parsing_needs():
    loaded = loaded_after("import mppsim.cli")
    for heavy in (
        "pandas",
        "numpy",
        "simpy",
        "scipy",
        "pydantic",
        "matplotlib",
        "ruamel",
        "mppsim.model",
        "mppsim.experiment",
        "mppsim.scenario",
    ):
        assert heavy not in loaded, f"importing the command line loads {heavy}"


def test_package_root_loads_names_on_first_use():
    loaded = loaded_after("import mppsim")
    assert "pandas" not in loaded
    assert "pydantic" not in loaded
    loaded = loaded_after("import mppsim\nmppsim.load_scenario")
    assert "mppsim.scenario.loader" in loaded
    assert "simpy" not in loaded


def test_results_does_not_load_the_report_layer():
    loaded = loaded_after("import mppsim.results")
    assert "matplotlib" not in loaded
    assert not [m for m in loaded if m.startswith("mppsim.report")]


def test_summary_intervals_do_not_load_scipy():
    loaded = loaded_after(
        "import pandas as pd\n"
        "from mppsim.stats.intervals import mean_ci, summarize\n"
        "summarize(pd.DataFrame({'a': [1.0, 2.0, 4.0]}), [], ['a'])\n"
        "mean_ci([1.0, 2.0, 4.0])"
    )
    assert "scipy" not in loaded


def test_t_quantile_matches_scipy_stats():
    import numpy as np
    from scipy import stats

    from mppsim.stats.intervals import t_quantile

    for df in (*range(1, 102), 1000, 2.5):
        for p in (0.95, 0.975, 0.995):
            assert t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-12)
    many = np.array([1.0, 9.0, 29.0, 100.0])
    assert np.allclose(t_quantile(0.975, many), stats.t.ppf(0.975, many), rtol=1e-12)


def test_only_model_imports_simpy():
    for name, path in MODULES.items():
        if name.startswith("mppsim.model") or name == "mppsim.results":  # results records it
            continue
        assert "simpy" not in runtime_imports(path), path


def test_nothing_imports_the_cli_or_global_randomness():
    for name, path in MODULES.items():
        names = runtime_imports(path)
        if name not in ("mppsim.cli", "mppsim.__main__"):
            assert "mppsim.cli" not in names, path
        assert "random" not in names, f"{path} imports the stdlib random module"
        text = path.read_text(encoding="utf-8")
        assert "np.random.seed" not in text, path


def test_only_the_report_layer_imports_matplotlib_and_jinja2():
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "report" and path.parent.parent == PACKAGE:
            continue
        names = runtime_imports(path)
        for library in ("matplotlib", "jinja2"):
            assert not [n for n in names if n == library or n.startswith(library + ".")], path
