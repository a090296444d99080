"""The local executor: a pool of forked worker processes on this machine, each reading file after file
under a memory ceiling and a time limit per file (reading.py reads each), so one hostile file
cannot hang or sink the run; a worker is replaced when a file fails, times out or crashes it.
"""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import multiprocessing.connection
import os
import time
from collections.abc import Iterator
from pathlib import Path

from plantrack.models import Extraction
from plantrack.pipeline.stages.reading import (DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, cache_path, child_result,
                                               limit_memory, load_readers, read_cache, read_file)

# A worker reads file after file, so what it sets up once (spaCy's pipeline for minutes, 0.5–2 s and
# ~50 MB) serves every file it reads; it is replaced after a failure, and after this many files, so a
# slow leak in a PDF library cannot grow without end.
FILES_PER_WORKER = 100


def _worker(conn, memory_mb: int, parent: int) -> None:
    """A local worker: (path, cache dir) in, the file's code out, until told to stop (None), a file
    fails (its state after a failure is not trusted: the parent starts a fresh worker) or the parent
    is gone (killed: a worker forked later holds the parent's end of this pipe, so no EOF comes)."""
    limit_memory(memory_mb)
    code = 0
    try:
        while code == 0:
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    os._exit(0)
            task = conn.recv()
            if task is None:
                break
            code = read_file(*task)
            conn.send(code)
    except (EOFError, OSError):  # the parent has gone
        pass
    os._exit(0)


class _Worker:
    """The parent's end of one worker process: the file it is reading, since when, and how many it has read."""

    def __init__(self, ctx, memory_mb: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, memory_mb, os.getpid()), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[Path, str, float] | None = None
        self.done = 0

    def give(self, path: Path, sha: str, cache_dir: Path) -> None:
        self.conn.send((str(path), str(cache_dir)))
        self.task = (path, sha, time.monotonic())

    def code(self, timeout: float) -> tuple[bool, int | None]:
        """(finished, code) of the file being read: its code when sent back; the exit status when the
        worker died without one (a crash, the kernel's OOM killer); None when it ran out of time."""
        started = self.task[2]
        try:
            if self.conn.poll():
                return True, self.conn.recv()
        except (EOFError, OSError):
            pass
        if not self.proc.is_alive():
            self.proc.join()
            try:  # a code sent just before the worker left
                if self.conn.poll():
                    return True, self.conn.recv()
            except (EOFError, OSError):
                pass
            return True, self.proc.exitcode if self.proc.exitcode != 0 else 1
        if time.monotonic() - started >= timeout:
            self.stop(kill=True)
            return True, None
        return False, None

    def stop(self, kill: bool = False) -> None:
        if self.proc.is_alive():
            if kill:
                self.proc.kill()
            else:
                with contextlib.suppress(OSError):
                    self.conn.send(None)
        self.proc.join(timeout=None if kill else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def extract_isolated(paths: list[tuple[Path, str]], cache_dir: Path, *, workers: int = 1, timeout: float = DEFAULT_TIMEOUT_S,
                     memory_mb: int = DEFAULT_MEMORY_MB, reprocess: bool = False) -> Iterator[tuple[Path, Extraction, float]]:
    """Extract (path, sha256) pairs in worker processes, `workers` at a time; yields (path, extraction, seconds).

    Each worker is a forked process that reads one file after another (FILES_PER_WORKER at most), under
    a memory ceiling, each file with a time limit; a worker that runs out of time, crashes or fails on
    a file is replaced. A file already in the cache (same bytes, same extractor) is not read again
    unless `reprocess`.
    """
    ctx = mp.get_context("fork")
    pending = slowest_first(paths) if workers > 1 else list(paths)
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    try:
        while pending or busy:
            while pending and len(busy) < max(1, workers):
                path, sha = pending.pop(0)
                cached = cache_path(cache_dir, sha)
                if cached.exists() and not reprocess:
                    yield path, read_cache(cached)[1], 0.0
                    continue
                if not idle:
                    load_readers()  # before the fork: every worker shares the extractors' imports
                worker = idle.pop() if idle else _Worker(ctx, memory_mb)
                worker.give(path, sha, cache_dir)
                busy.append(worker)
            for worker in list(busy):
                finished, code = worker.code(timeout)
                if not finished:
                    continue
                busy.remove(worker)
                path, sha, started = worker.task
                elapsed = time.monotonic() - started
                worker.done += 1
                if code == 0 and worker.done < FILES_PER_WORKER and worker.proc.is_alive():
                    idle.append(worker)
                else:
                    worker.stop(kill=code is None)
                yield path, child_result(path, sha, cache_dir, code, elapsed, timeout), elapsed
            if busy:
                _wait(busy)
    finally:
        for worker in idle + busy:
            worker.stop(kill=worker in busy)


def slowest_first(paths: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """The files in the order to start them: the slowest first (a scan's pages are read by OCR, seconds
    each), ties in the order given. A scan started last would keep the run waiting on one core after
    the others have finished. (One worker reads in the order given: the order cannot shorten its run.)"""
    from plantrack.extract.cost import reading_cost

    costs = [reading_cost(path) for path, _ in paths]
    return [paths[i] for i in sorted(range(len(paths)), key=lambda i: -costs[i])]


def _wait(busy: list) -> None:
    """Until a worker sends a code or dies, or 20 ms: time limits are checked at least that often."""
    mp.connection.wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=0.02)
