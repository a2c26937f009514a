"""Layers import downward only, and no code uses global randomness."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mppsim"

FORBIDDEN = {
    "model": (
        "mppsim.scenario",
        "mppsim.experiment",
        "mppsim.cli",
        "mppsim.results",
        "pydantic",
        "typer",
        "matplotlib",
    ),
    "stats": ("mppsim.model", "mppsim.experiment", "mppsim.cli", "simpy", "pydantic"),
    "scenario": ("mppsim.model", "mppsim.experiment", "mppsim.cli", "simpy"),
    "experiment": ("mppsim.cli",),
    "validation": ("mppsim.cli", "ciw"),
    "report": ("mppsim.model", "mppsim.experiment", "mppsim.cli", "simpy"),
}


def runtime_imports(path: Path) -> set[str]:
    """Modules imported at run time (imports under `if TYPE_CHECKING:` are for types only)."""
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
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_downward_only(layer):
    for path in (PACKAGE / layer).rglob("*.py"):
        for name in runtime_imports(path):
            bad = [f for f in FORBIDDEN[layer] if name == f or name.startswith(f + ".")]
            assert not bad, f"{path.relative_to(PACKAGE)} imports {name}"


def test_only_model_imports_simpy():
    for path in PACKAGE.rglob("*.py"):
        if "model" in path.parts or path.name == "results.py":  # results records the version
            continue
        assert "simpy" not in runtime_imports(path), path


def test_nothing_imports_the_cli_or_global_randomness():
    for path in PACKAGE.rglob("*.py"):
        names = runtime_imports(path)
        if path.name not in ("cli.py", "__main__.py"):
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
