"""Where documents are read: the executors, one entry each, chosen by the scheduler the run was given.

Every executor keeps one contract: (path, sha256) pairs in; (path, extraction, seconds) out as each
document is done, a failure being an Extraction that says why (never an exception); the extraction
cache used and written as the local pool does. The one writer (ingest) loads each result as it arrives.
A new executor is one entry in EXECUTORS: which schedulers it serves, and how it is made for one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from plantrack.models import Extraction
from plantrack.pipeline.stages.cluster import extract_on_cluster
from plantrack.pipeline.stages.pool import extract_isolated


class Executor(Protocol):
    def __call__(self, paths: list[tuple[Path, str]], cache_dir: Path, *, workers: int = ..., timeout: float = ...,
                 memory_mb: int = ..., reprocess: bool = ...) -> Iterator[tuple[Path, Extraction, float]]: ...


@dataclass(frozen=True)
class Entry:
    serves: Callable[[str | None], bool]  # whether it reads for this scheduler (None: none was given)
    make: Callable[[str | None], Executor]


# In order: the first entry that serves the scheduler reads the documents.
EXECUTORS: dict[str, Entry] = {
    # forked worker processes on this machine (pool.py)
    "local": Entry(serves=lambda scheduler: not scheduler, make=lambda scheduler: extract_isolated),
    # a Dask cluster: `--scheduler tcp://HOST:8786` (cluster.py; Dask is an optional extra)
    "dask": Entry(serves=bool, make=lambda scheduler: partial(extract_on_cluster, scheduler=scheduler)),
}


def executor(scheduler: str | None = None) -> Executor:
    """Where documents are extracted: with no scheduler on this machine, with a Dask scheduler's address
    (`--scheduler`) on its cluster."""
    return next(e for e in EXECUTORS.values() if e.serves(scheduler)).make(scheduler)
