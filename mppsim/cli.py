"""The ``mppsim`` command line: a thin layer over the Python API.

Each command parses its options, calls the API and prints with rich. User
mistakes (``MppsimError``) are printed as plain messages with exit code 2;
anything else is a bug and says so, with exit code 1. No command shows a
traceback unless ``MPPSIM_DEBUG`` is set.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from mppsim.errors import MppsimError, ScenarioError

app = typer.Typer(
    name="mppsim",
    no_args_is_help=True,
    add_completion=False,
    help="Simulate an Indonesian public service mall (MPP): waits, losses, busy counters.",
    pretty_exceptions_enable=False,
)
# Messages are printed as written: no markup, no emoji codes (':100:' stays ':100:'),
# no highlighting. Styles are given with rich.text.Text, never as markup in strings.
console = Console(markup=False, emoji=False, highlight=False)
errors = Console(stderr=True, markup=False, emoji=False, highlight=False)

ScenarioPath = Annotated[Path, typer.Argument(help="Scenario file (YAML).", show_default=False)]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the report and the table: id (Bahasa Indonesia) or en; "
        "default the scenario's 'language', else en.",
        show_default=False,
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a field, e.g. --set agencies.samsat.counters=4 or "
        "--set agencies.dukcapil.counters.umum=7 (repeatable).",
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict", help="Treat plausibility warnings (an 8-hour service, ...) as errors."
    ),
]


def _load_scenario(path: Path, overrides: list[str] | None, strict: bool) -> Any:
    """Load a scenario and print its plausibility warnings (with field and line) on stderr."""
    from mppsim.errors import Issue
    from mppsim.scenario.loader import load_scenario

    warnings: list[Issue] = []
    loaded = load_scenario(path, overrides or (), warnings=warnings, strict=strict)
    count = len(warnings)
    if count:
        errors.print(
            Text.assemble(
                (f"{path}: {count} warning{'s' if count != 1 else ''}", "bold yellow"),
                " (valid, but probably not what you meant; --strict makes them errors)",
            ),
            soft_wrap=True,
        )
        for issue in warnings:
            errors.print(
                f"  {issue.format(str(path))}", markup=False, highlight=False, soft_wrap=True
            )
    return loaded


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn user errors into messages and exit code 2; bugs into exit code 1."""
    try:
        yield
    except ScenarioError as error:
        count = len(error.issues)
        errors.print(
            Text(f"{error.source}: {count} problem{'s' if count != 1 else ''}", "bold red"),
            soft_wrap=True,
        )
        for issue in error.issues:
            errors.print(f"  {issue.format(error.source)}", soft_wrap=True)
        raise typer.Exit(code=2) from None
    except MppsimError as error:
        errors.print(Text.assemble(("error:", "bold red"), f" {error}"), soft_wrap=True)
        raise typer.Exit(code=2) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as error:
        if os.environ.get("MPPSIM_DEBUG"):
            raise
        errors.print(
            Text.assemble(
                ("internal error:", "bold red"),
                f" {type(error).__name__}: {error}\n"
                "This is a bug in mppsim, not in your scenario. Please report it with the "
                "scenario file (run with MPPSIM_DEBUG=1 for details).",
            )
        )
        raise typer.Exit(code=1) from None


def _report_stale(found: Any) -> None:
    """Say which unfinished results folders of killed runs were removed or found."""
    for folder in found.removed:
        errors.print(
            f"Removed an unfinished results folder left by a run that was killed: {folder}",
            soft_wrap=True,
        )
    for folder in found.unknown:
        errors.print(
            f"Note: {folder} looks like an unfinished results folder of an earlier run; "
            "remove it if no run is writing it.",
            soft_wrap=True,
        )


def _stopped(stop: KeyboardInterrupt, done: int, replications: int) -> None:
    """Say what an interrupted run kept (nothing) and exit 128 + signal number."""
    from mppsim.experiment.executors import Interrupted, exit_would_hang

    how = stop.name if isinstance(stop, Interrupted) else "Ctrl-C"
    code = stop.exit_code if isinstance(stop, Interrupted) else 130
    errors.print(
        Text.assemble(
            ("Stopped", "bold red"),
            f" ({how}) after {done} of {replications} replication"
            f"{'s' if replications != 1 else ''}. Nothing was kept: a results folder is "
            "written only when every replication has finished, and the unfinished one "
            "was removed.",
        ),
        soft_wrap=True,
    )
    if exit_would_hang():  # a worker was killed mid-message: do not wait for its pipe
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise typer.Exit(code=code)


def _progress(*, disable: bool = False) -> Progress:
    """Return the progress bar the commands show on stderr while they work."""
    return Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=disable,
    )


@app.command()
def run(
    scenario: ScenarioPath,
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=1, help="Replications (simulated days).")
    ] = 10,
    seed: Annotated[int, typer.Option(min=0, help="Root random seed.")] = 0,
    out: Annotated[
        Path | None,
        typer.Option(help="Results folder; default results/<name>/<timestamp>/."),
    ] = None,
    set_: SetOption = None,
    jobs: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    quiet: Annotated[bool, typer.Option(help="Print only the results folder.")] = False,
    strict: StrictOption = False,
    lang: LangOption = None,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not write report.html.")
    ] = False,
) -> None:
    """Run a scenario, print the summary table and write the results folder and report."""
    from mppsim.experiment.budget import check_budget
    from mppsim.experiment.executors import stop_signals, worker_pool
    from mppsim.experiment.streaming import run_to_folder
    from mppsim.outdir import check_writable
    from mppsim.report.build import resolve_report_lang, scenario_language
    from mppsim.report.folder import picture_files
    from mppsim.report.terminal import print_run
    from mppsim.results import default_out_dir
    from mppsim.resultsdir import sweep_stale_partials

    with _user_errors():
        loaded = _load_scenario(scenario, set_, strict)
        chosen = resolve_report_lang(lang, scenario_language(loaded))  # a wrong --lang stops
        check_budget(loaded, str(scenario), jobs=jobs, replications=replications)
        target = out if out is not None else default_out_dir(loaded)
        check_writable(target)  # before the simulation, not after it
        _report_stale(sweep_stale_partials(target.parent))
        progress = _progress(disable=quiet)
        done = 0
        try:
            with stop_signals(), progress:
                task = progress.add_task(f"Simulating {loaded.name}", total=replications)

                def advance(n: int) -> None:
                    nonlocal done
                    done = n
                    progress.update(task, completed=n)

                with worker_pool(jobs) as pool:
                    result = run_to_folder(
                        loaded,
                        replications,
                        seed,
                        target,
                        pool,
                        advance,
                        extras=lambda ran: picture_files(ran, report=not no_report, lang=chosen),
                    )
        except KeyboardInterrupt as stop:
            _stopped(stop, done, replications)
        folder = result.folder
        if folder != target:
            console.print(
                f"Note: {target} already exists, so the results went to {folder} "
                "(nothing was overwritten).",
                highlight=False,
                soft_wrap=True,
            )
        print_run(console, result, folder, chosen, quiet=quiet, report=not no_report)


@app.command()
def report(
    results_dir: Annotated[
        Path, typer.Argument(help="A results folder written by 'run'.", show_default=False)
    ],
    lang: LangOption = None,
) -> None:
    """(Re)build report.html in a results folder, from that folder's files alone."""
    from mppsim.report.build import build_report
    from mppsim.report.terminal import print_report

    with _user_errors():
        print_report(console, build_report(results_dir, lang))


@app.command()
def validate(
    scenario: ScenarioPath,
    set_: SetOption = None,
    strict: StrictOption = False,
) -> None:
    """Check a scenario file and print every problem with its line and field."""
    from mppsim.experiment.budget import check_budget, format_bytes

    with _user_errors():
        loaded = _load_scenario(scenario, set_, strict)
        need = check_budget(loaded, str(scenario))
        n_counters = sum(sum(a.counter_groups().values()) for a in loaded.agencies.values())
        console.print(
            Text.assemble(
                ("OK", "green"),
                f" {scenario}: '{loaded.name}', {len(loaded.agencies)} agencies, "
                f"{n_counters} counters.",
            ),
            soft_wrap=True,
        )
        console.print(
            f"One replication: about {need.visitors:,.0f} visitors, {need.visit_rows:,.0f} "
            f"visit rows, {need.bins:,.0f} time bins, {format_bytes(need.replication_bytes)} "
            "of memory.",
            soft_wrap=True,
        )


@app.command()
def schema(
    out: Annotated[
        Path | None, typer.Option(help="Write the JSON Schema here instead of printing it.")
    ] = None,
) -> None:
    """Print (or write) the scenario file's JSON Schema, for editor completion and checks."""
    from mppsim.scenario.json_schema import export_json_schema

    with _user_errors():
        text = json.dumps(export_json_schema(), indent=2, ensure_ascii=False) + "\n"
        if out is None:
            sys.stdout.write(text)
        else:
            _write_text(out, text)
            console.print(Text.assemble("JSON Schema written to ", (str(out), "bold")))


def _write_text(path: Path, text: str) -> None:
    """Write a text file; a folder that is missing or not writable is a user error."""
    if not path.parent.is_dir():
        raise MppsimError(
            f"cannot write {path}: the folder {path.parent} does not exist (create it first)"
        )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise MppsimError(f"cannot write {path}: {error.strerror or error}") from None


@app.command()
def check(
    out: Annotated[Path, typer.Option(help="Where to write the validation report.")] = Path(
        "docs/validation.md"
    ),
    jobs: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    case: Annotated[
        list[str] | None,
        typer.Option("--case", help="Run only this case, e.g. --case mmc-03 (repeatable)."),
    ] = None,
) -> None:
    """Run the validation cases against queueing theory and write the report.

    Exit code 0 when every comparison passes, 1 when one fails (a bug in mppsim).
    """
    import time

    from mppsim.experiment.executors import worker_pool
    from mppsim.validation import CASES, get_case, run_cases, write_report

    with _user_errors():
        try:
            cases = [get_case(c) for c in case] if case else list(CASES)
        except KeyError as error:
            raise MppsimError(error.args[0]) from None
        started = time.perf_counter()
        progress = _progress()
        with progress:
            task = progress.add_task("Validating", total=len(cases))

            def advance(result: Any) -> None:
                mark = ("pass", "green") if result.passed else ("FAIL", "bold red")
                progress.console.print(
                    Text.assemble(
                        mark,
                        f" {result.case.id}: {result.case.model} "
                        f"({result.visitors / 1e6:.1f}M visitors, {result.cpu_s:.0f} CPU s)",
                    )
                )
                progress.advance(task)

            with worker_pool(jobs) as pool:
                results = run_cases(cases, executor=pool, progress=advance)
        wall = time.perf_counter() - started
        path = write_report(results, out, jobs=jobs, wall_s=wall)
        failed = [c for r in results for c in r.comparisons if not c.passed]
        n = sum(len(r.comparisons) for r in results)
        if failed:
            for c in failed:
                errors.print(
                    Text.assemble(
                        ("FAIL", "bold red"),
                        f" {c.case_id} {c.label}: reference {c.reference:.4g}, "
                        f"simulated {c.mean:.4g} ± {c.half_width_95:.2g} (95%)",
                    )
                )
            console.print(
                Text.assemble(
                    f"{len(failed)} of {n} comparisons failed. Report: ", (str(path), "bold")
                )
            )
            raise typer.Exit(code=1)
        console.print(
            Text.assemble(
                (f"All {n} comparisons passed", "green"),
                f" ({len(results)} cases, {wall:.0f} s). Report: ",
                (str(path), "bold"),
            )
        )


@app.command()
def new(
    city: Annotated[str, typer.Argument(help="The city, e.g. 'Kota Bogor'.", show_default=False)],
    from_: Annotated[
        str | None,
        typer.Option("--from", help="Reference to start from, e.g. surakarta; default: template."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="File; default mpp_<city>.yaml.")] = None,
    population: Annotated[float | None, typer.Option(help="Residents of the city.")] = None,
    population_source: Annotated[str | None, typer.Option(help="Where it comes from.")] = None,
    population_year: Annotated[int | None, typer.Option(help="Its year.")] = None,
    province: Annotated[str | None, typer.Option(help="The province.")] = None,
    kind: Annotated[str | None, typer.Option(help="kota or kabupaten.")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starting scenario for a city, from the template or a reference MPP."""
    from mppsim.cities import write_new_city

    with _user_errors():
        path, loaded = write_new_city(
            city, from_, out, force=force, population=population, province=province,
            population_source=population_source, population_year=population_year, kind=kind,
        )  # fmt: skip
        console.print(
            Text.assemble(
                ("Wrote", "green"),
                f" {path}: '{loaded.name}', {len(loaded.agencies)} agencies. "
                f"Next: mppsim run {path}",
            ),
            soft_wrap=True,
        )


JobsOption = Annotated[
    int | None, typer.Option(min=1, help="Local worker processes; default: every core.")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(help="Run on a Dask cluster: its scheduler, e.g. tcp://10.0.0.5:8786."),
]


@app.command()
def sweep(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario file, or a sweep file.", show_default=False)
    ],
    vary: Annotated[
        list[str] | None,
        typer.Option(help="Field and values: path=4,5,6 or path=4..10 or path=x0.8,x1.2."),
    ] = None,
    replications: Annotated[
        int | None, typer.Option("--replications", "-r", min=1, help="Per point; default 10.")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Root seed; default 0.")] = None,
    set_: SetOption = None,
    jobs: JobsOption = None,
    scheduler: SchedulerOption = None,
    out: Annotated[Path | None, typer.Option(help="Folder; default results/sweeps/...")] = None,
    resume: Annotated[Path | None, typer.Option(help="Continue the sweep of this folder.")] = None,
    figure: Annotated[list[str] | None, typer.Option(help="Figure to plot (repeatable).")] = None,
) -> None:
    """Run a scenario over a grid of values, keeping every finished point."""
    import time
    from datetime import datetime

    from mppsim.experiment.backends import open_executor
    from mppsim.outdir import check_writable
    from mppsim.report.comparison import sweep_table
    from mppsim.report.sweepfolder import write_sweep
    from mppsim.report.sweepplots import DEFAULT_FIGURES
    from mppsim.scenario.vary import load_design

    with _user_errors():
        design = load_design(scenario, vary or (), set_ or ())
        reps = replications or design.replications or 10
        seed = seed if seed is not None else (design.seed or 0)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = resume or out or Path("results") / "sweeps" / f"{design.base.name}-{stamp}"
        check_writable(target)
        kept: list[Any] = []
        progress = _progress(disable=not errors.is_terminal)
        progress.columns = (*progress.columns, TimeRemainingColumn())
        task = progress.add_task("Sweep", total=len(design.points) * reps)
        started = time.perf_counter()

        def advance(points: int, runs: int) -> None:
            rate = runs / max(time.perf_counter() - started, 1e-9)
            label = f"Sweep: {points}/{len(design.points)} points, {rate:.1f} runs/s"
            progress.update(task, completed=runs, description=label)

        try:
            with open_executor(jobs, scheduler) as executor, progress:
                folder, result = write_sweep(
                    design, reps, seed, target, executor=executor, resume=resume is not None,
                    figures=figure or design.figures or DEFAULT_FIGURES, progress=advance,
                    on_folder=kept.append,
                )  # fmt: skip
        except KeyboardInterrupt:
            if kept:
                done = len(kept[0].completed())
                errors.print(
                    f"Interrupted: {done} of {len(design.points)} points are kept in "
                    f"{kept[0].partial}; continue with --resume {kept[0].target}",
                    markup=False, emoji=False, highlight=False, soft_wrap=True,
                )  # fmt: skip
            raise typer.Exit(code=130) from None
        console.print(sweep_table(result))
        console.print(
            f"{len(design.points)} points x {reps} replications, seed {seed}, "
            f"{time.perf_counter() - started:.1f} s. Results: {folder}",
            markup=False, emoji=False, highlight=False, soft_wrap=True,
        )  # fmt: skip


@app.command()
def compare(
    scenarios: Annotated[
        list[Path],
        typer.Argument(
            help="Two or more plans: scenario files or results folders.", show_default=False
        ),
    ],
    replications: Annotated[int, typer.Option("--replications", "-r", min=2)] = 10,
    seed: Annotated[int, typer.Option(min=0, help="Root random seed.")] = 0,
    standard: Annotated[float, typer.Option(min=0, help="Service standard, minutes.")] = 15.0,
    per: Annotated[
        float | None, typer.Option(min=1, help="Visitor counts per this many residents.")
    ] = None,
    jobs: JobsOption = None,
    scheduler: SchedulerOption = None,
    out: Annotated[Path | None, typer.Option(help="Folder; default results/compare/...")] = None,
) -> None:
    """Run plans with the same visitors; print them side by side with paired differences.

    A results folder of mppsim run is read, not run again; scenario files then run
    with its seed and replications.
    """
    from datetime import datetime

    from mppsim.experiment.backends import open_executor
    from mppsim.experiment.compare import compare_tables
    from mppsim.experiment.sweep import run_points
    from mppsim.outdir import check_writable
    from mppsim.report.comparison import (
        check_same_runs,
        comparison_note,
        comparison_tables,
        read_run_folder,
        write_comparison,
    )

    with _user_errors():
        if len(scenarios) < 2:
            raise MppsimError("compare needs at least two scenario files or results folders")
        folders = {i: read_run_folder(p) for i, p in enumerate(scenarios) if p.is_dir()}
        plans = [folders[i].scenario if i in folders else _load_scenario(p, None, False)
                 for i, p in enumerate(scenarios)]  # fmt: skip
        if folders:  # the files run with the folders' seed and replications (same visitors)
            seed, replications = check_same_runs(list(folders.values()), standard)
        target = out or Path("results") / "compare" / datetime.now().strftime("%Y%m%d-%H%M%S")
        check_writable(target)
        files = [plans[i] for i in range(len(plans)) if i not in folders]
        with open_executor(jobs, scheduler) as executor:
            ran = iter(run_points(files, replications, seed, executor, standard_min=standard))
        tables = [folders[i].metrics if i in folders else next(ran) for i in range(len(plans))]
        result = compare_tables(plans, tables, replications, seed, standard, per)
        folder = write_comparison(result, plans, target)
        for table in comparison_tables(result):
            console.print(table)
        for line in (comparison_note(result), f"Results: {folder}"):
            console.print(line, markup=False, emoji=False, highlight=False, soft_wrap=True)


def _cell(scope: dict[str, Any], key: str, fmt: str, ci: bool = False) -> str:
    value = scope.get(key)
    if value is None:
        return "–"
    text = format(value, fmt)
    half = scope.get(f"{key}_ci95")
    if ci and half is not None:
        text += f" ± {format(half, fmt)}"
    return text


def _summary_table(summary: dict[str, Any], lang: str = "en") -> Any:
    """Per agency: arrivals, served, lost, mean and p90 wait, utilization (``report.terminal``)."""
    from mppsim.report.terminal import summary_table

    return summary_table(summary, lang)


def main() -> None:
    """Entry point for ``python -m mppsim``."""
    app()
