"""Fault injection: real signals to a real ``mppsim run`` process tree, failing disks.

The signal tests start ``mppsim run`` in its own session, wait until the run has
written its first replications (part files in the temporary results folder: a marker,
not a fixed sleep), send the signal and check the exit code, the message, that the stop
came within a generous deadline (a correctness bound, not a speed test), that no worker
process survives and what is left on disk.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mppsim.cli import app
from mppsim.resultsdir import PARTIAL_MARKER

ROOT = Path(__file__).resolve().parents[2]
DAY = ROOT / "scenarios" / "mpp_kota_sedang.yaml"
GOOD = ROOT / "tests" / "data" / "good_tiny.yaml"
STOP_DEADLINE_S = 10.0  # the issue asks for 2 s; generous on a loaded CI machine
START_DEADLINE_S = 60.0

runner = CliRunner()

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process tree from /proc"
)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            found.update(int(x) for x in (task / "children").read_text().split())
    return found


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its (new) parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"


def _wait_for(condition, deadline_s: float) -> bool:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _start_run(tmp_path: Path, jobs: int, replications: int = 600) -> tuple[subprocess.Popen, Path]:
    out = tmp_path / "out"
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("MPPSIM_DEBUG", None)
    command = [sys.executable, "-m", "mppsim", "run", str(DAY), "-r", str(replications)]
    proc = subprocess.Popen(
        [*command, "--jobs", str(jobs), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )
    return proc, out


def _started(tmp_path: Path, proc: subprocess.Popen, jobs: int) -> set[int]:
    """Wait until two replications are written; return the worker pids."""

    def ready() -> bool:
        return bool(list(tmp_path.glob(".out.partial-*/.visits.part-000001.parquet")))

    if not _wait_for(lambda: ready() or proc.poll() is not None, START_DEADLINE_S) or not ready():
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"the run did not start writing replications:\n{out}\n{err}")
    workers = _children(proc.pid)
    assert len(workers) == (jobs if jobs > 1 else 0), workers
    return workers


def _cleanup(proc: subprocess.Popen, workers: set[int]) -> None:
    for pid in [proc.pid, *workers]:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    proc.wait()
    for stream in (proc.stdout, proc.stderr):  # unread pipes would warn when collected
        if stream is not None:
            stream.close()


@pytest.mark.parametrize(
    ("jobs", "signum", "code", "name"),
    [
        (1, signal.SIGINT, 130, "Ctrl-C"),
        (2, signal.SIGINT, 130, "Ctrl-C"),
        (2, signal.SIGTERM, 143, "SIGTERM"),
    ],
    ids=["ctrl-c-1-worker", "ctrl-c-2-workers", "sigterm-2-workers"],
)
def test_signal_stops_the_run_and_its_workers(tmp_path, jobs, signum, code, name):
    proc, out = _start_run(tmp_path, jobs)
    workers = set()
    try:
        workers = _started(tmp_path, proc, jobs)
        sent = time.monotonic()
        os.kill(proc.pid, signum)  # only the parent: workers must be stopped by it
        _, err = proc.communicate(timeout=60)
        elapsed = time.monotonic() - sent
    finally:
        _cleanup(proc, workers)
    assert proc.returncode == code, err
    assert elapsed < STOP_DEADLINE_S, f"took {elapsed:.1f} s to stop"
    assert f"Stopped ({name}) after " in err
    assert "of 600 replications. Nothing was kept" in err
    assert "Traceback" not in err
    assert _wait_for(lambda: not any(_alive(pid) for pid in workers), STOP_DEADLINE_S)
    assert list(tmp_path.iterdir()) == [], "an interrupted run leaves nothing behind"
    assert not out.exists()


def test_sigkill_leaves_no_worker_and_the_next_run_removes_the_debris(tmp_path):
    proc, out = _start_run(tmp_path, jobs=2)
    workers = set()
    try:
        workers = _started(tmp_path, proc, 2)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert _wait_for(lambda: not any(_alive(pid) for pid in workers), STOP_DEADLINE_S), (
            "a worker outlived its killed parent"
        )
    finally:
        _cleanup(proc, workers)
    debris = list(tmp_path.glob(".out.partial-*"))
    assert len(debris) == 1
    assert (debris[0] / PARTIAL_MARKER).exists()

    result = runner.invoke(app, ["run", str(GOOD), "-r", "1", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Removed an unfinished results folder left by a run that was killed" in result.output
    assert not debris[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_partial_folder_being_written_is_left_alone(tmp_path):
    """Another run still writing beside us (its writer alive) is not touched."""
    busy = tmp_path / ".out.partial-busy"
    busy.mkdir()
    from mppsim.resultsdir import PartialFolder

    with PartialFolder(tmp_path / "other") as mine:
        (busy / PARTIAL_MARKER).write_text((mine.path / PARTIAL_MARKER).read_text())
    stranger = tmp_path / ".x.partial-old"
    stranger.mkdir()  # no marker: reported, never removed
    result = runner.invoke(app, ["run", str(GOOD), "-r", "1", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert busy.exists()
    assert stranger.exists()
    assert "looks like an unfinished results folder" in result.output.replace("\n", " ")


def _fail_nth(n: int, error: OSError):
    calls = {"n": 0}
    original = __import__("pandas").DataFrame.to_parquet

    def to_parquet(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise error
        return original(self, *args, **kwargs)

    return to_parquet


@pytest.mark.parametrize("nth", [1, 5], ids=["first-part", "mid-run"])
def test_full_disk_while_streaming_leaves_nothing(tmp_path, monkeypatch, nth):
    import pandas as pd

    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(pd.DataFrame, "to_parquet", _fail_nth(nth, full))
    result = runner.invoke(app, ["run", str(GOOD), "-r", "4", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "could not write the results folder" in result.output
    assert "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_full_disk_while_combining_leaves_nothing(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    result = runner.invoke(app, ["run", str(GOOD), "-r", "2", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output
    assert list(tmp_path.iterdir()) == []


def test_read_only_output_folder(tmp_path, monkeypatch):
    """A folder we may not write in (simulated: the tests may run as root)."""
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    result = runner.invoke(app, ["run", str(GOOD), "-r", "1", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "results folder" in result.output
    assert "Permission denied" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_read_only_output_folder_for_real(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = runner.invoke(app, ["run", str(GOOD), "-r", "1", "--out", str(locked / "out")])
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert "results folder" in result.output
    assert list(locked.iterdir()) == []


def test_output_below_a_file(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["run", str(GOOD), "-r", "1", "--out", str(blocker / "out")])
    assert result.exit_code == 2, result.output
    assert "results folder" in result.output
    assert "is a file, not a folder" in result.output
    assert "Traceback" not in result.output


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_leaving_the_pool_on_ctrl_c_ends_running_tasks_at_once():
    """Replications in progress are stopped, not waited for (ProcessPoolExecutor.__exit__ would)."""
    from mppsim.experiment.executors import worker_pool

    started = time.monotonic()
    workers: set[int] = set()

    def interrupted_run() -> None:
        nonlocal futures, workers
        with worker_pool(2) as pool:
            futures = [pool.submit(_sleep, 120) for _ in range(4)]
            assert _wait_for(lambda: len(pool._processes) >= 2, START_DEADLINE_S)
            workers = {p.pid for p in pool._processes.values()}
            raise KeyboardInterrupt

    futures: list = []
    with pytest.raises(KeyboardInterrupt):
        interrupted_run()
    assert time.monotonic() - started < STOP_DEADLINE_S
    assert len(workers) == 2
    assert _wait_for(lambda: not any(_alive(pid) for pid in workers), STOP_DEADLINE_S)
    assert all(f.cancelled() or f.done() for f in futures)


def test_a_worker_that_dies_is_a_message_not_a_traceback(tmp_path):
    from mppsim.errors import MppsimError
    from mppsim.experiment.executors import worker_pool

    def crash() -> None:
        with worker_pool(2) as pool:
            pool.submit(os._exit, 9).result()

    with pytest.raises(MppsimError, match="worker process stopped unexpectedly"):
        crash()


@pytest.mark.parametrize("stage", ["combine", "floor-plan"])
def test_sigterm_while_writing_removes_the_partial_folder(tmp_path, monkeypatch, stage):
    """The signal arrives after the replications, while the folder is being written."""
    from mppsim import resultsdir
    from mppsim.report import floorplan

    def terminate_then(original):
        def wrapped(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGTERM)  # the handler raises at the next bytecode
            return original(*args, **kwargs)

        return wrapped

    if stage == "combine":
        monkeypatch.setattr(
            resultsdir.TableParts, "combine", terminate_then(resultsdir.TableParts.combine)
        )
        scenario = GOOD
    else:
        monkeypatch.setattr(
            floorplan, "write_floor_plan", terminate_then(floorplan.write_floor_plan)
        )
        scenario = ROOT / "scenarios" / "mpp_kota_sedang_layout_a.yaml"
    out = tmp_path / "out"
    args = [
        "run",
        str(scenario),
        "-r",
        "2",
        "--out",
        str(out),
        "--set",
        "arrivals.daily_visitors=40",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 143, result.output
    assert "Stopped (SIGTERM) after 2 of 2 replications. Nothing was kept" in result.output
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "the handler is restored"
