"""Messages are printed as written: rich markup and emoji codes are never interpreted."""

from __future__ import annotations

import ast
from pathlib import Path

from typer.testing import CliRunner

from mppsim.cli import app

GOOD = Path(__file__).resolve().parents[1] / "data" / "good_tiny.yaml"
CLI = Path(__file__).resolve().parents[2] / "mppsim" / "cli.py"

runner = CliRunner()


def test_problem_on_line_100_keeps_its_line_number(tmp_path):
    lines = ["# filler"] * 98 + ["name: tiny", "bogus_key: 1"]  # bogus_key on line 100
    body = GOOD.read_text(encoding="utf-8").replace("name: tiny\n", "")
    path = tmp_path / "long.yaml"
    path.write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:100: bogus_key" in result.output.replace("\n", "")
    assert "\N{HUNDRED POINTS SYMBOL}" not in result.output


def test_emoji_codes_and_markup_in_names_are_printed_as_written(tmp_path):
    name = "kota :x: [bold]tebal[/bold] :100:"
    result = runner.invoke(app, ["validate", str(GOOD), "--set", f"name={name}"])
    assert result.exit_code == 0, result.output
    assert name in result.output
    result = runner.invoke(
        app,
        ["run", str(GOOD), "-r", "1", "--out", str(tmp_path / "out"), "--set", f"name={name}"],
    )
    assert result.exit_code == 0, result.output
    assert name in result.output
    assert "\N{CROSS MARK}" not in result.output


def test_error_messages_keep_brackets_and_colons(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "[red]:x:.yaml")])
    assert result.exit_code == 2
    assert "[red]:x:.yaml" in result.output


def test_cli_strings_carry_no_rich_markup():
    """With markup off, a '[bold]...[/]' in a string would be printed literally."""
    tree = ast.parse(CLI.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert "[/" not in node.value, f"line {node.lineno}: rich markup {node.value!r}"
