"""Worker processes that stop when asked and never outlive the process that started them.

``worker_pool(jobs)`` is the local process pool of the command line. Its workers

- ignore Ctrl-C (the terminal sends SIGINT to the whole process group; the parent
  decides what happens and stops the workers itself, so no worker prints a traceback);
- die with their parent: on Linux the kernel sends them SIGKILL when the parent dies
  (``prctl(PR_SET_PDEATHSIG)``), and everywhere a daemon thread exits the worker
  within a fraction of a second once its parent process id changes (the parent died
  and the worker was adopted), so SIGKILL of the parent leaves no worker behind.

When the code inside ``with worker_pool(...)`` raises (Ctrl-C, SIGTERM through
:func:`stop_signals`, an error), the running workers are terminated and queued
replications cancelled at once, instead of ``ProcessPoolExecutor.__exit__`` waiting for
every queued replication to finish.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType

from mppsim.errors import MppsimError

__all__ = [
    "Interrupted",
    "default_in_flight",
    "deferred_signals",
    "exit_would_hang",
    "stop_signals",
    "stop_workers",
    "worker_pool",
]

PARENT_POLL_S = 0.2
"""How often a worker checks that its parent is still alive, seconds."""

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class Interrupted(KeyboardInterrupt):
    """The run was asked to stop by a signal (SIGINT, SIGTERM or SIGHUP).

    A ``KeyboardInterrupt``, so everything that cleans up on Ctrl-C cleans up the same
    way on SIGTERM.

    Parameters
    ----------
    signum : int
        The signal received.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """How the stop was asked for: ``"Ctrl-C"`` for SIGINT, else e.g. ``"SIGTERM"``."""
        if self.signum == signal.SIGINT:
            return "Ctrl-C"
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process stopped by this signal: 128 + number."""
        return 128 + self.signum


_deferring = 0  # > 0 while the main thread is inside deferred_signals()
_deferred: int | None = None  # a signal received meanwhile
_stuck = False  # a pool's manager thread could not be stopped (see stop_workers)


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    global _deferred
    if _deferring > 0:
        _deferred = signum
        return
    raise Interrupted(signum)


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold back the signals of :func:`stop_signals` until the block is left.

    ``ProcessPoolExecutor.submit`` takes locks and may fork; an exception raised by a
    signal handler in the middle would leave a lock held and the pool unable to shut
    down. A signal that arrives inside the block is raised as :class:`Interrupted` as
    soon as the block is left.

    Yields
    ------
    None
    """
    global _deferring, _deferred
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        if _deferring == 0 and _deferred is not None:
            signum, _deferred = _deferred, None
            raise Interrupted(signum)


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """Turn SIGINT, SIGTERM and SIGHUP into :class:`Interrupted` while the block runs.

    By default Python dies on SIGTERM without running ``finally`` blocks or context
    managers, which would leave a half-written results folder and running workers.
    Inside :func:`deferred_signals` the exception waits until the block is left. Does
    nothing outside the main thread (signal handlers can only be set there).

    Yields
    ------
    None
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT, signal.SIGTERM]
    wanted += [signal.SIGHUP] if hasattr(signal, "SIGHUP") else []
    previous = {signum: signal.signal(signum, _raise_interrupted) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _die_with_parent(parent_pid: int) -> None:
    """Make this process exit when ``parent_pid`` is gone (called in the worker)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the thread below is enough
            pass
    if os.getppid() != parent_pid:  # the parent died before we could watch it
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_S)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="mppsim-parent-watch", daemon=True).start()


def _init_worker(parent_pid: int) -> None:
    """Pool initializer: ignore Ctrl-C, default SIGTERM, and die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    _die_with_parent(parent_pid)


def stop_workers(pool: ProcessPoolExecutor, grace_s: float = 1.0) -> None:
    """Cancel queued tasks and end the pool's worker processes now.

    Parameters
    ----------
    pool : concurrent.futures.ProcessPoolExecutor
        The pool to stop.
    grace_s : float
        Seconds a worker gets to end after SIGTERM before it is killed.
    """
    # ProcessPoolExecutor has no public way to stop running tasks; its worker
    # processes are in the private ``_processes`` mapping (CPython 3.8+).
    global _stuck
    with deferred_signals():
        processes = list((getattr(pool, "_processes", None) or {}).values())
        manager = getattr(pool, "_executor_manager_thread", None)
        for process in processes:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                process.terminate()
        deadline = time.monotonic() + grace_s
        for process in processes:
            with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
                process.join(max(0.0, deadline - time.monotonic()))
                if process.is_alive():
                    process.kill()
                    process.join(grace_s)
        pool.shutdown(wait=False, cancel_futures=True)
        if manager is not None:
            # A worker killed while sending a result leaves half a message in the
            # result pipe, and the pool's manager thread waits for the rest forever;
            # the interpreter would then hang at exit joining it.
            manager.join(0.5)
            _stuck = _stuck or manager.is_alive()


def exit_would_hang() -> bool:
    """Whether a stopped pool left a thread that the interpreter would wait for at exit.

    The command line then ends its process with ``os._exit`` once its messages are out.

    Returns
    -------
    bool
        True after :func:`stop_workers` could not stop a pool's manager thread.
    """
    return _stuck


@contextlib.contextmanager
def worker_pool(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """Return a process pool of ``jobs`` workers, or None for ``jobs <= 1`` (this process).

    Parameters
    ----------
    jobs : int
        Number of worker processes.

    Yields
    ------
    concurrent.futures.ProcessPoolExecutor or None
        The pool; on leaving the block normally it is shut down after its tasks, on an
        exception (including Ctrl-C) its workers are stopped at once.

    Raises
    ------
    MppsimError
        When a worker process died (for example killed for lack of memory).
    """
    if jobs <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(os.getpid(),))
    try:
        yield pool
    except BrokenProcessPool:
        stop_workers(pool)
        raise MppsimError(
            "a worker process stopped unexpectedly (killed, or out of memory?); "
            "nothing was written. Try fewer --jobs or a smaller scenario."
        ) from None
    except BaseException:
        stop_workers(pool)
        raise
    with deferred_signals():
        pool.shutdown(wait=True)


def default_in_flight(executor: Executor) -> int:
    """Return how many tasks to keep submitted to an executor at once.

    Twice its number of workers (``_max_workers`` of the standard pools, else the
    number of CPUs), so every worker has a task waiting without every task being
    queued (and held in memory) up front.

    Parameters
    ----------
    executor : concurrent.futures.Executor
        Where the tasks run.

    Returns
    -------
    int
        At least 2.
    """
    workers = getattr(executor, "_max_workers", None)
    if not isinstance(workers, int) or workers < 1:
        workers = os.cpu_count() or 1
    return max(2, 2 * workers)
