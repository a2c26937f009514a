"""Where a run writes: checked before the simulation starts, created with the user's umask.

A results folder that cannot be written should be found before minutes of simulation,
not after; and it should get the permissions the user's other folders get
(``tempfile.mkdtemp`` alone makes it ``drwx------``).
"""

from __future__ import annotations

import os
from pathlib import Path

from mppsim.errors import MppsimError

__all__ = ["check_writable", "folder_mode"]


def check_writable(target: str | os.PathLike[str]) -> None:
    """Check that a results folder can be created at ``target``, without creating anything.

    Parameters
    ----------
    target : path
        The folder a run will create (it may exist: the run then adds ``-2``, ...).

    Raises
    ------
    MppsimError
        When a part of the path is a file, or the nearest existing folder is not
        writable.
    """
    path = Path(target).absolute()
    for parent in (path, *path.parents):
        if parent.exists():
            break
    else:  # pragma: no cover - the root always exists
        return
    if not parent.is_dir():
        raise MppsimError(
            f"cannot write the results folder {target}: {parent} is a file, not a folder"
        )
    if parent == path:  # the folder exists: the run writes beside it, into its parent
        parent = path.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        raise MppsimError(
            f"cannot write the results folder {target}: the folder {parent} is not writable"
        )


def folder_mode() -> int:
    """Return the permission bits a new folder gets under the current umask (e.g. 0o755).

    Returns
    -------
    int
        ``0o777`` without the umask's bits.
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o777 & ~mask
