"""Named random streams: one independent numpy Generator per (seed, replication, name).

A stream's seed depends only on the root seed, the replication number and the stream's
name (through its CRC-32), never on which streams were asked for before it. This keeps
common random numbers aligned across scenarios that use different sets of streams.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np

__all__ = ["Streams", "check_distinct", "stream_key"]


def stream_key(name: str) -> int:
    """Return the integer key of a stream name: the CRC-32 of its UTF-8 bytes.

    Parameters
    ----------
    name : str
        Stream name, e.g. ``"arrivals"`` or ``"service/passport"``.

    Returns
    -------
    int
        An integer in ``[0, 2**32)``.
    """
    return zlib.crc32(name.encode("utf-8"))


def check_distinct(names: Iterable[str]) -> None:
    """Check that distinct stream names have distinct keys.

    Parameters
    ----------
    names : iterable of str
        Stream names to be used together (repeats of the same name are fine).

    Raises
    ------
    ValueError
        If two different names share a CRC-32 key, so would share random numbers.
    """
    seen: dict[int, str] = {}
    for name in names:
        key = stream_key(name)
        other = seen.setdefault(key, name)
        if other != name:
            raise ValueError(
                f"stream names {other!r} and {name!r} have the same key {key}; rename one of them"
            )


def _check_seed_part(label: str, value: object) -> int:
    """Validate a non-negative integer seed component."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"{label} must be a non-negative integer, got {value!r}")
    return int(value)


class Streams:
    """Independent, named random streams for one replication.

    ``streams[name]`` returns the stream's ``numpy.random.Generator``, created on first
    use from ``SeedSequence(root_seed, spawn_key=(replication, stream_key(name)))``.
    Later look-ups of the same name return the same (stateful) Generator, so draws
    continue where they stopped.

    Parameters
    ----------
    root_seed : int
        Seed of the whole experiment, >= 0.
    replication : int
        Replication number, >= 0.

    Examples
    --------
    >>> streams = Streams(root_seed=2024, replication=0)
    >>> gaps = streams["arrivals"].exponential(2.0, size=3)
    """

    __slots__ = ("_generators", "_replication", "_root_seed")

    def __init__(self, root_seed: int, replication: int) -> None:
        self._root_seed = _check_seed_part("root_seed", root_seed)
        self._replication = _check_seed_part("replication", replication)
        self._generators: dict[str, np.random.Generator] = {}

    @property
    def root_seed(self) -> int:
        """Root seed of the experiment."""
        return self._root_seed

    @property
    def replication(self) -> int:
        """Replication number."""
        return self._replication

    def __getitem__(self, name: str) -> np.random.Generator:
        """Return the Generator of stream ``name``, creating it on first use."""
        generator = self._generators.get(name)
        if generator is None:
            if not isinstance(name, str):
                raise TypeError(f"stream names are strings, got {name!r}")
            seed = np.random.SeedSequence(
                self._root_seed, spawn_key=(self._replication, stream_key(name))
            )
            generator = np.random.Generator(np.random.PCG64(seed))
            self._generators[name] = generator
        return generator

    def __repr__(self) -> str:
        return (
            f"Streams(root_seed={self._root_seed}, replication={self._replication}, "
            f"open={sorted(self._generators)})"
        )
