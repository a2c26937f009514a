"""A pool of worker processes shared by the validation tests (one per core, at most two)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

import pytest


@pytest.fixture(scope="session")
def pool() -> Iterator[ProcessPoolExecutor]:
    with ProcessPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as executor:
        yield executor
