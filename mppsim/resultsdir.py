"""A results folder written piece by piece, still complete or not at all.

:class:`PartialFolder` is the temporary folder beside the destination
(``.<name>.partial-XXXX``) that a streamed run writes into; it carries a marker file
naming the process that writes it, is renamed into place by
:meth:`PartialFolder.commit` and removed when the block is left any other way
(an error, Ctrl-C, SIGTERM through
:func:`~mppsim.experiment.executors.stop_signals`). A process killed outright
(SIGKILL, power loss) cannot clean up: :func:`sweep_stale_partials` recognises its
folder by the marker (its writer no longer runs) and removes it on the next run into
the same place.

:class:`TableParts` appends a table replication by replication as Parquet part files
and combines them into one file at the end, one part in memory at a time, so a run's
memory does not grow with its replications.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from mppsim.errors import MppsimError
from mppsim.outdir import folder_mode

__all__ = [
    "PARTIAL_MARKER",
    "PartialFolder",
    "StalePartials",
    "TableParts",
    "free_name",
    "sweep_stale_partials",
]

PARTIAL_MARKER = ".mppsim-partial.json"
"""Marker file in a folder being written: who writes it (host, pid, process start)."""

_PARTIAL_INFIX = ".partial-"

ROW_GROUP_ROWS = 50_000
"""Parts are combined into row groups of about this many rows (a few MB in memory)."""


def free_name(target: Path) -> Path:
    """Return ``target``, or ``target-2``, ``target-3``, ... whichever does not exist.

    Parameters
    ----------
    target : pathlib.Path
        The wanted folder.

    Returns
    -------
    pathlib.Path
        A path that does not exist (yet).
    """
    candidate, n = target, 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = target.with_name(f"{target.name}-{n}")
    return candidate


def _process_start(pid: int) -> str | None:
    """Return a token identifying process ``pid``'s start (Linux), to survive pid reuse."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # field 22 (starttime) counted after the command name, which is in parentheses
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


def _writer_alive(marker: dict[str, Any]) -> bool:
    """Whether the process named by a marker may still be writing its folder."""
    if marker.get("host") != socket.gethostname():
        return True  # another machine (shared folder): never touch it
    pid = marker.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    started = marker.get("started")
    now = _process_start(pid)
    return started is None or now is None or started == now


class PartialFolder:
    """The temporary folder a results folder is written in, then renamed into place.

    Parameters
    ----------
    target : path
        The results folder wanted. If it exists when the folder is committed, a
        suffix ``-2``, ``-3``, ... is added.
    what : str
        What the folder is, for messages ("results folder", "folder").

    Attributes
    ----------
    path : pathlib.Path
        The temporary folder (inside ``with``).
    """

    def __init__(self, target: str | os.PathLike[str], what: str = "results folder") -> None:
        self.target = Path(target)
        self.what = what
        self.path: Path = self.target  # set in __enter__
        self.committed: Path | None = None

    def __enter__(self) -> Self:
        """Create the temporary folder with its marker."""
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self.path = Path(
                tempfile.mkdtemp(
                    prefix=f".{self.target.name}{_PARTIAL_INFIX}", dir=self.target.parent
                )
            )
            marker = {
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "started": _process_start(os.getpid()),
                "target": str(self.target),
                "argv": sys.argv[:3],
            }
            (self.path / PARTIAL_MARKER).write_text(json.dumps(marker), encoding="utf-8")
        except OSError as error:
            if self.path != self.target:
                shutil.rmtree(self.path, ignore_errors=True)
            raise MppsimError(f"could not create the {self.what} {self.target}: {error}") from None
        return self

    def commit(self) -> Path:
        """Rename the finished folder into place and return where it went.

        Returns
        -------
        pathlib.Path
            The results folder.

        Raises
        ------
        MppsimError
            When the folder cannot be renamed.
        """
        try:
            (self.path / PARTIAL_MARKER).unlink()
            self.path.chmod(folder_mode())  # mkdtemp made it private to this user
            for _ in range(100):
                target = free_name(self.target)
                try:
                    self.path.rename(target)
                except OSError:  # taken in the meantime (a non-empty folder): next name
                    if target.exists():
                        continue
                    raise
                self.committed = target
                return target
            raise OSError(f"no free name next to {self.target}")
        except OSError as error:
            raise MppsimError(f"could not write the {self.what} {self.target}: {error}") from None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Remove the temporary folder unless it was committed."""
        if self.committed is None:
            shutil.rmtree(self.path, ignore_errors=True)


@dataclass
class StalePartials:
    """Temporary results folders found beside a destination.

    Attributes
    ----------
    removed : list of pathlib.Path
        Folders left by a process of this machine that no longer runs (killed while
        writing), now removed.
    unknown : list of pathlib.Path
        Temporary folders without a readable marker (older versions, the Python API):
        reported, not removed.
    """

    removed: list[Path] = field(default_factory=list)
    unknown: list[Path] = field(default_factory=list)


def sweep_stale_partials(parent: str | os.PathLike[str]) -> StalePartials:
    """Remove temporary results folders in ``parent`` whose writer was killed.

    Parameters
    ----------
    parent : path
        The folder the results folder goes into.

    Returns
    -------
    StalePartials
        What was removed and what was left because its writer is unknown. Folders whose
        writer still runs (another run in progress) are left alone and not listed.
    """
    found = StalePartials()
    try:
        candidates = sorted(Path(parent).glob(f".*{_PARTIAL_INFIX}*"))
    except OSError:
        return found
    for folder in candidates:
        if folder.is_symlink() or not folder.is_dir():
            continue
        try:
            marker = json.loads((folder / PARTIAL_MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found.unknown.append(folder)
            continue
        if not isinstance(marker, dict):
            found.unknown.append(folder)
        elif not _writer_alive(marker):
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                found.removed.append(folder)
    return found


class TableParts:
    """One table of a run written as Parquet part files, combined into one file at the end.

    Category columns are combined as ``pandas.concat`` would: a column keeps its
    categories when every part has the same ones; otherwise it becomes text, or (for
    the columns named in ``recategorize``) a category of the sorted values present, as
    ``Series.astype("category")`` gives. Reading the combined file therefore gives the
    same DataFrame as concatenating the parts in memory.

    Parameters
    ----------
    folder : pathlib.Path
        Where the part files go (the temporary results folder).
    name : str
        File name of the combined table, e.g. ``"visits.parquet"``.
    recategorize : sequence of str
        Columns made categorical after concatenation.
    """

    def __init__(self, folder: Path, name: str, recategorize: Sequence[str] = ()) -> None:
        self.folder = folder
        self.name = name
        self.recategorize = tuple(recategorize)
        self.parts: list[Path] = []
        self._categories: dict[str, tuple[Any, ...] | None] = {}
        self._present: dict[str, set[Any]] = {}
        self._columns: list[str] | None = None

    def append(self, frame: pd.DataFrame) -> None:
        """Write one part (e.g. one replication's rows).

        Parameters
        ----------
        frame : pandas.DataFrame
            The rows; every part must have the same columns.
        """
        if self._columns is None:
            self._columns = list(frame.columns)
        for column in frame.columns:
            series = frame[column]
            if isinstance(series.dtype, pd.CategoricalDtype):
                categories = tuple(series.cat.categories)
                if column not in self._categories:
                    self._categories[column] = categories
                elif self._categories[column] != categories:
                    self._categories[column] = None
                if column in self.recategorize:
                    self._present.setdefault(column, set()).update(series.dropna().unique())
            elif column in self.recategorize:
                self._categories[column] = None
                self._present.setdefault(column, set()).update(series.dropna().unique())
        stem = self.name.removesuffix(".parquet")
        path = self.folder / f".{stem}.part-{len(self.parts):06d}.parquet"
        frame.to_parquet(path, index=False)
        self.parts.append(path)

    def _target_dtypes(self) -> dict[str, Any]:
        dtypes: dict[str, Any] = {}
        for column, categories in self._categories.items():
            if categories is not None:
                dtypes[column] = pd.CategoricalDtype(list(categories))
            elif column in self.recategorize:
                dtypes[column] = pd.CategoricalDtype(sorted(self._present.get(column, ())))
            else:
                dtypes[column] = object
        return dtypes

    def combine(self, empty: pd.DataFrame | None = None) -> Path:
        """Combine the parts into ``folder/name`` and delete them.

        Parameters
        ----------
        empty : pandas.DataFrame, optional
            Written when there are no parts (the table's empty form).

        Returns
        -------
        pathlib.Path
            The combined file.
        """
        target = self.folder / self.name
        if not self.parts:
            (empty if empty is not None else pd.DataFrame()).to_parquet(target, index=False)
            return target
        dtypes = self._target_dtypes()
        writer: pq.ParquetWriter | None = None
        batch: list[pa.Table] = []
        rows = 0

        def flush() -> None:
            nonlocal writer, batch, rows
            table = pa.concat_tables(batch)
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema)
            writer.write_table(table, row_group_size=max(1, table.num_rows))
            batch, rows = [], 0

        try:
            for path in self.parts:
                frame = pd.read_parquet(path)
                for column, dtype in dtypes.items():
                    if dtype is object:
                        frame[column] = frame[column].astype(object)
                    else:
                        frame[column] = frame[column].astype(object).astype(dtype)
                batch.append(pa.Table.from_pandas(frame, preserve_index=False))
                rows += len(frame)
                del frame
                if rows >= ROW_GROUP_ROWS:
                    flush()
            if batch:
                flush()
            for path in self.parts:
                path.unlink()
        finally:
            if writer is not None:
                writer.close()
        self.parts = []
        return target

    def discard(self) -> None:
        """Delete the part files (the temporary folder is removed anyway on failure)."""
        for path in self.parts:
            with contextlib.suppress(OSError):
                path.unlink()
        self.parts = []
