"""The validation layer itself: its cases, estimators, pass rule and report (fast, unmarked)."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mppsim import Scenario, run
from mppsim.model.compile import compile_scenario
from mppsim.model.engine import simulate_spec
from mppsim.validation import CASES, get_case, run_case
from mppsim.validation.cases import (
    FAMILY_ALPHA,
    MIN_TAIL,
    Case,
    Check,
    case_seed,
    mmc,
    n_comparisons,
    pass_level,
)
from mppsim.validation.estimators import replication_estimates
from mppsim.validation.report import render_report
from mppsim.validation.runner import compile_case

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "docs" / "validation.md"


def test_the_suite_covers_every_model_of_the_issue():
    assert len(CASES) >= 25
    families = {case.family.split(" (")[0] for case in CASES}
    assert families >= {
        "M/M/c",
        "M/M/c/K",
        "M/M/c+M",
        "M/D/1",
        "M/G/1",
        "Priority M/M/c",
        "Kiosk → agencies",
    }
    erlang_c = [c for c in CASES if c.family == "M/M/c (Erlang C)"]
    loads = {c.model.split("ρ = ")[1].split(",")[0] for c in erlang_c}
    assert {"0.5", "0.95"} <= loads
    servers = {int(c.model.split("/")[2].split(",")[0]) for c in erlang_c}
    assert {1, 12} <= servers
    labels = {check.label for c in erlang_c for check in c.checks}
    assert {
        "P(W > 0)",
        "mean wait (min)",
        "P(W > 5 min)",
        "P(W > 10 min)",
        "P(W > 15 min)",
    } <= labels


def test_every_case_states_its_model_formula_and_run_plan():
    for case in CASES:
        doc = case.doc
        assert case.model in doc
        assert case.formula in doc
        assert f"warm-up {case.warmup:g} min" in doc
        assert f"{case.duration:g} min observed" in doc
        assert f"{case.replications} replications" in doc
        assert case.checks
        Scenario.model_validate(case.scenario)  # a valid scenario


def test_tails_are_compared_only_where_theory_makes_them_common():
    for case in CASES:
        for check in case.checks:
            if check.key.startswith("wait_gt_"):
                assert check.theory >= MIN_TAIL
                assert check.probability


def test_pass_level_is_bonferroni_over_the_whole_suite():
    m = n_comparisons(CASES)
    assert m == sum(len(c.checks) + len(c.stations) for c in CASES)
    assert pass_level(m) == pytest.approx(1 - FAMILY_ALPHA / m)
    with pytest.raises(ValueError, match="at least one"):
        pass_level(0)


def test_case_seeds_are_fixed_and_distinct():
    seeds = [case_seed(case) for case in CASES]
    assert len(set(seeds)) == len(seeds)
    assert case_seed(get_case("mmc-01")) == case_seed(get_case("mmc-01"))
    with pytest.raises(KeyError, match="no validation case"):
        get_case("nope")


def test_the_package_does_not_depend_on_ciw_or_the_cli():
    for path in (ROOT / "mppsim" / "validation").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        assert not any(n == "ciw" or n.startswith("ciw.") for n in names), path
        assert "mppsim.cli" not in names, path


def tiny_case(**behaviour) -> Case:
    case = mmc("tiny", 2, 0.9, warmup=50, duration=400)
    scenario = dict(case.scenario)
    scenario["behaviour"] = behaviour
    return dataclasses.replace(case, scenario=scenario, replications=3)


def test_queue_time_of_reneged_and_balked_rows():
    spec = compile_case(tiny_case(patience={"dist": "exponential", "mean": 2.0}))
    result = simulate_spec(spec, 5, 0)
    est = replication_estimates(result.visits, result.levels, spec)
    v = result.visits
    window = v[(v["arrival_min"] >= 50) & (v["arrival_min"] < 450)]
    reneged = window[window["outcome"] == "reneged"]
    assert len(reneged) > 0
    queue = np.where(
        window["outcome"] == "reneged",
        window["end_min"] - window["ticket_min"],
        window["wait_min"],
    )
    assert est["wait_mean_all"] == pytest.approx(queue.mean())
    assert est["abandon"] == pytest.approx(len(reneged) / len(window))
    served = window[window["outcome"] == "served"]
    assert est["wait_mean"] == pytest.approx(served["wait_min"].mean())

    spec = compile_case(tiny_case(balk_queue_length=1))
    result = simulate_spec(spec, 5, 0)
    est = replication_estimates(result.visits, result.levels, spec)
    v = result.visits
    window = v[(v["arrival_min"] >= 50) & (v["arrival_min"] < 450)]
    assert est["blocking"] == pytest.approx(np.mean(window["outcome"] == "balked"))
    assert est["blocking"] > 0
    # balked rows never queued: they add nothing to λW
    joined = v[(v["ticket_min"] >= 50) & (v["ticket_min"] < 450)]
    assert est["little.a.lw"] == pytest.approx(joined["wait_min"].fillna(0).sum() / 400)


def test_little_and_number_in_system_come_from_the_level_log():
    spec = compile_case(tiny_case())
    result = simulate_spec(spec, 1, 0)
    est = replication_estimates(result.visits, result.levels, spec)
    lv = result.levels
    t, busy, queue = lv["time_min"].to_numpy(), lv["busy"].to_numpy(), lv["queue"].to_numpy()
    grid = np.linspace(50, 450, 400_001)[:-1] + 0.0005
    idx = np.searchsorted(t, grid, side="right") - 1
    assert est["little.a.L"] == pytest.approx(queue[idx].mean(), abs=1e-2)
    assert est["a.number_in_system"] == pytest.approx((busy + queue)[idx].mean(), abs=1e-2)
    # the same story twice: only the window's edges differ
    assert est["little.a.L"] == pytest.approx(est["little.a.lw"], rel=0.2)


def test_the_validation_mean_wait_is_the_summary_mean_wait():
    case = dataclasses.replace(mmc("m", 3, 0.8, warmup=100, duration=2_000), replications=3)
    scenario = Scenario.model_validate(case.scenario)
    result = run(scenario, replications=3, seed=4)
    ours = run_case(case, seed=4)
    metrics = result.metrics[result.metrics["scope"] == "a"]
    np.testing.assert_allclose(metrics["wait_mean_min"], ours.estimates["wait_mean"])
    spec = compile_scenario(scenario)
    assert spec.warmup_min == case.warmup


def test_a_wrong_theory_value_fails_and_a_short_run_is_imprecise():
    case = dataclasses.replace(mmc("m", 1, 0.5, warmup=100, duration=3_000), replications=10)
    good = run_case(case, seed=1)
    wait = next(c for c in good.comparisons if c.label == "mean wait (min)")
    assert wait.agrees
    assert not wait.precise  # 10 short replications cannot pin the mean to 5%
    wrong = dataclasses.replace(case, checks=(Check("wait_mean", "mean wait (min)", 10.0),))
    bad = run_case(wrong, seed=1)
    assert not bad.comparisons[0].agrees
    assert not bad.passed


def test_runs_do_not_depend_on_the_executor(pool):
    case = dataclasses.replace(mmc("m", 2, 0.7, warmup=100, duration=1_000), replications=4)
    alone = run_case(case, seed=3)
    parallel = run_case(case, seed=3, executor=pool)
    cols = [c for c in alone.estimates.columns if c != "_cpu_s"]
    pd.testing.assert_frame_equal(alone.estimates[cols], parallel.estimates[cols])


def test_report_table_has_every_comparison():
    case = dataclasses.replace(mmc("mmc-01", 1, 0.5, warmup=100, duration=1_000), replications=3)
    result = run_case(case, seed=2)
    text = render_report([result], machine="test machine", jobs=2, wall_s=1.0)
    assert "Generated by `mppsim check`" in text
    assert "test machine" in text
    assert "Partial run" in text
    for c in result.comparisons:
        if c.kind == "theory":
            assert f"| {c.label} | {c.reference:.4f} | {c.mean:.4f} |" in text
        else:
            assert f"| mmc-01 | a | {c.mean:.4f} | {c.reference:.4f} |" in text
    assert "## Method" in text
    assert "## Hardest cases" in text
    fail = dataclasses.replace(result.comparisons[0], agrees=False)
    broken = dataclasses.replace(result, comparisons=(fail, *result.comparisons[1:]))
    assert "**FAIL** (outside" in render_report([broken], machine="m")


def test_the_committed_report_is_current():
    """docs/validation.md must be regenerated (`mppsim check`) when the cases change."""
    text = REPORT.read_text(encoding="utf-8")
    assert "Generated by `mppsim check`" in text
    assert "Partial run" not in text
    plan_row = re.compile(
        r"^\| (\S+) \| [^|]+ \| [^|]+ \| ([\d,]+ \| [\d,]+ \| \d+) \|", re.MULTILINE
    )
    plans = {m.group(1): m.group(2) for m in plan_row.finditer(text)}
    for case in CASES:
        assert case.id in plans, f"{case.id} missing from {REPORT.name}: run `mppsim check`"
        plan = f"{case.warmup:,.0f} | {case.duration:,.0f} | {case.replications}"
        assert plans[case.id] == plan, f"{case.id} changed since {REPORT.name}: rerun it"
    assert set(plans) == {case.id for case in CASES}
    for case in CASES:
        for check in case.checks:
            row = (
                f"| {check.label} | {check.theory:.4f} |"
                if abs(check.theory) < 10
                else (f"| {check.label} | {check.theory:.2f} |")
            )
            assert row in text, f"{case.id} {check.label}: theory changed; rerun `mppsim check`"


def test_each_check_is_judged_on_its_own_precision_bar():
    case = dataclasses.replace(mmc("m", 1, 0.5, warmup=100, duration=50_000), replications=10)
    result = run_case(case, seed=6)
    for check, c in zip(case.checks, result.comparisons, strict=False):
        bar = 0.01 if check.probability else 0.05 * check.theory
        assert check.precision == pytest.approx(bar)
        assert c.precise == (c.half_width_95 <= bar)
    tail = next(c for c in result.comparisons if c.label == "P(W > 15 min)")
    assert 0.05 * 0.1116 < tail.half_width_95 <= 0.01  # precise on 1 point, not on 5%
    assert tail.precise


def test_check_command_writes_the_report(tmp_path):
    from typer.testing import CliRunner

    from mppsim.cli import app

    out = tmp_path / "validation.md"
    result = CliRunner().invoke(app, ["check", "--case", "md1-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "All 3 comparisons passed" in result.output
    text = out.read_text(encoding="utf-8")
    assert "Partial run: 1 of" in text
    assert "| md1-01 | M/D/1, ρ = 0.5, D = 5 min | mean wait (min) | 2.5000 |" in text
    result = CliRunner().invoke(app, ["check", "--case", "nope", "--out", str(out)])
    assert result.exit_code == 2
    assert "no validation case 'nope'" in result.output
