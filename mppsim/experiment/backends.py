"""Where sweeps and comparisons run: this process, a local process pool, or a Dask cluster.

Every backend is a ``concurrent.futures.Executor``; a Dask cluster is reached through
``distributed.Client(address).get_executor()``, imported only when a scheduler address
is given (``pip install "mppsim[dask]"``).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from mppsim.errors import MppsimError

__all__ = ["default_jobs", "open_executor"]


def default_jobs() -> int:
    """Return the number of cores this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def open_executor(
    jobs: int | None = None, scheduler: str | None = None
) -> Iterator[Executor | None]:
    """Open the executor of a sweep or comparison, and close it afterwards.

    Parameters
    ----------
    jobs : int, optional
        Local worker processes (default: every core); 1 runs in this process.
    scheduler : str, optional
        Address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``; then `jobs`
        is ignored and the cluster's workers run the replications.

    Yields
    ------
    concurrent.futures.Executor or None
        None for this process.

    Raises
    ------
    MppsimError
        When Dask is not installed or the scheduler cannot be reached.
    """
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError:
            raise MppsimError('a --scheduler needs Dask: pip install "mppsim[dask]"') from None
        try:
            client = Client(scheduler, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise MppsimError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_leave_interrupts_to_the_parent)
    try:
        yield pool
    except BaseException:
        # Ctrl-C or an error: drop what has not started and do not wait for the rest
        # (a chunk in flight is at most a few simulated days)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _leave_interrupts_to_the_parent() -> None:
    """Worker initializer: Ctrl-C reaches the whole process group; only the parent acts.

    A worker that dies of it mid-task would leave the pool broken or waiting; the
    parent instead stops submitting, keeps the finished points and exits.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
