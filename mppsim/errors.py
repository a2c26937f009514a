"""User-facing error types of mppsim.

Every problem a user can cause (a wrong scenario file, a bad ``--set`` option)
is raised as a subclass of :class:`MppsimError`, so that the command line can
print a clear message instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem found in a scenario.

    Attributes
    ----------
    field : str
        Dotted path of the offending value, e.g. ``"agencies.dukcapil.counters"``
        or ``"arrivals.mix[2].share"``; ``""`` when the problem concerns the
        whole file.
    line : int or None
        1-based line in the file, or None when unknown (for example for a value
        given with ``--set``; the message then says so).
    message : str
        Explanation written for a non-programmer.
    """

    field: str
    line: int | None
    message: str

    def format(self, source: str = "") -> str:
        """Render the issue as ``"{source}:{line}: {field}: {message}"``.

        Parameters
        ----------
        source : str, optional
            File name (or other origin) to put in front; omitted when empty.

        Returns
        -------
        str
            One line of text; missing parts are left out together with their
            separators.
        """
        location = source
        if self.line is not None:
            location = f"{location}:{self.line}" if location else f"line {self.line}"
        parts = [part for part in (location, self.field, self.message) if part]
        return ": ".join(parts)


class MppsimError(Exception):
    """Base of every user-facing error."""


class ScenarioError(MppsimError):
    """A scenario (file or ``--set`` options) has one or more problems.

    Parameters
    ----------
    source : str
        Where the scenario came from, usually the file name.
    issues : sequence of Issue
        All problems found, in the order they should be shown.
    """

    def __init__(self, source: str, issues: Sequence[Issue]) -> None:
        self.source = source
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__(source, self.issues)

    def __str__(self) -> str:
        if not self.issues:
            return f"{self.source}: invalid scenario" if self.source else "invalid scenario"
        return "\n".join(issue.format(self.source) for issue in self.issues)
