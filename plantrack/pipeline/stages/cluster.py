"""Extraction on a Dask cluster (`--scheduler tcp://HOST:8786`, needs `plantrack[dask]`).

The local path (pool.extract_isolated) hands documents to forked worker processes on this machine,
each reading one after another; here each document is one task on a Dask cluster instead, and the rest of the pipeline does not change: this
module yields (path, extraction, seconds) exactly like extract_isolated, so the one writer (ingest)
still loads each document in its own transaction as results arrive, and reconciles once at the end.

* Workers need no shared file system: the file's bytes travel with the task. The scheduler keeps a
  task's bytes until its result is back, so a task whose worker is lost can be run again elsewhere;
  only `WINDOW_PER_THREAD` tasks per worker thread are in flight, so a national backfill never holds
  more than a few packs in memory at once.
* On the worker the extraction runs in a forked child with the same time limit and memory ceiling as
  locally (reading.read_in_child and reading.child_result), so a hang or a memory blow-up is a failed document with
  its one line and the worker lives on.
* A worker that dies mid-task (the whole process, not the child) has its tasks rescheduled by Dask;
  a document that kills `distributed.scheduler.allowed-failures` + 1 workers (default 4) is failed
  with KilledWorker and recorded as failed, and a task that raises is retried `RETRIES` times.
* The extraction cache (`extracted/<sha256>.v<N>.json`) is written here, by the writer, so a rerun
  on the cluster skips what is known without the workers writing anywhere.
"""
from __future__ import annotations

import os
import signal
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError  # what a Dask future raises once the scheduler lost it
from pathlib import Path

from plantrack.extract import EXTRACTOR_VERSION
from plantrack.models.keys import sha256_of
from plantrack.models import Extraction
from plantrack.pipeline.stages.reading import (DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, cache_path, child_result,
                                               failed_extraction, load_readers, read_cache, read_in_child,
                                               write_cache)

RETRIES = 2                 # a task that raises (a full /tmp on the worker, say) is run again this often
WINDOW_PER_THREAD = 2       # tasks in flight per worker thread: enough to keep workers busy, bytes bounded
CONNECT_TIMEOUT_S = 20.0    # how long to try reaching the scheduler before saying it cannot be reached
NO_WORKER_POLL_S = 1.0      # how often to check that some worker is still connected
KEY_PREFIX = "plantrack-extract"


class ClusterUnavailable(RuntimeError):
    """Dask is not installed, or the scheduler cannot be reached; str() is the one line to show."""


# ---- on the worker --------------------------------------------------------------------------------
def extract_bytes(filename: str, data: bytes, timeout: float, memory_mb: int) -> tuple[dict | None, str | None, float]:
    """One document's extraction on a Dask worker: the bytes into a private folder, read in a forked
    child with the local time limit and memory ceiling. Returns (the extraction as a dict, or None and
    the child's failure line, seconds)."""
    with tempfile.TemporaryDirectory(prefix="plantrack-task-") as tmp:
        path = Path(tmp) / filename
        path.write_bytes(data)
        sha = sha256_of(path)
        cache = Path(tmp) / "cache"
        code, elapsed = _run_child(path, cache, timeout, memory_mb)
        ex = child_result(path, sha, cache, code, elapsed, timeout)
        # A record the child wrote is the extraction (even a 'not a PDF' failure, cached like locally);
        # a timeout, crash or memory blow-up is a failure line and is not cached, as locally.
        if cache_path(cache, sha).exists():
            return ex.to_dict(), None, elapsed
        return None, ex.error, elapsed


def _run_child(path: Path, cache: Path, timeout: float, memory_mb: int) -> tuple[int | None, float]:
    """Fork, run reading.read_in_child, wait at most `timeout` s. os.fork rather than multiprocessing: a Dask
    worker is a daemonic process, and multiprocessing refuses to start children from one."""
    load_readers()  # once per Dask worker, before the fork: each child shares the extractors' imports
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: read_in_child always leaves with os._exit; anything escaping it is a crash
        try:
            read_in_child(str(path), str(cache), memory_mb)
        finally:
            os._exit(1)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        elapsed = time.monotonic() - started
        if done:
            return os.waitstatus_to_exitcode(status), elapsed
        if elapsed >= timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return -signal.SIGKILL, elapsed
        time.sleep(0.02)


# ---- on the writer --------------------------------------------------------------------------------
def connect(address: str):
    """A Client of the scheduler at `address`, or ClusterUnavailable with the line to show."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterUnavailable("--scheduler needs Dask on this machine and the workers: "
                                 "pip install 'plantrack[dask]'") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address} "
                                 f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else 'no answer'}): "
                                 f"is `dask scheduler` running there?") from None


def extract_on_cluster(paths: list[tuple[Path, str]], cache_dir: Path, *, scheduler: str, workers: int = 1,
                       timeout: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB,
                       reprocess: bool = False, task: Callable = extract_bytes,
                       ) -> Iterator[tuple[Path, Extraction, float]]:
    """extract_isolated's contract on a Dask cluster: yields (path, extraction, seconds) in the order
    results arrive. `workers` is the local pool's size and does not apply (the cluster has its own);
    `task` is the function run on the workers (tests swap in a misbehaving one)."""
    todo = []
    for path, sha in paths:
        cached = cache_path(cache_dir, sha)
        if cached.exists() and not reprocess:
            yield path, read_cache(cached)[1], 0.0
        else:
            todo.append((path, sha))
    if not todo:
        return
    from distributed import as_completed

    try:
        client = connect(scheduler)
    except ClusterUnavailable as e:  # gone since the command checked it: each document says so, none is lost
        for path, sha in todo:
            yield path, failed_extraction(path, sha, str(e)), 0.0
        return
    try:
        yield from _stream(client, todo, cache_dir, timeout, memory_mb, task, scheduler, as_completed)
    finally:
        client.close()


def _stream(client, todo, cache_dir: Path, timeout: float, memory_mb: int, task: Callable, scheduler: str,
            as_completed) -> Iterator[tuple[Path, Extraction, float]]:
    pending = list(enumerate(todo))
    running: dict = {}                          # task key → (future, path, sha)
    unreadable: list[tuple[Path, str, str]] = []  # files this machine could not open to send
    results = as_completed(loop=client.loop)  # this client's: plantrack never makes it the default one
    threads = _threads(client)  # asked again every NO_WORKER_POLL_S, not on every loop

    def submit_more() -> None:
        window = max(4, WINDOW_PER_THREAD * threads)
        while pending and len(running) < window:
            i, (path, sha) = pending.pop(0)
            try:
                data = path.read_bytes()
            except OSError as e:
                unreadable.append((path, sha, f"could not be read on this machine: {e.strerror or e}"))
                continue
            with warnings.catch_warnings():
                # The bytes travel inside the task on purpose (see the module's docstring).
                warnings.filterwarnings("ignore", message="Sending large graph")
                future = client.submit(task, path.name, data, timeout, memory_mb, retries=RETRIES,
                                       key=f"{KEY_PREFIX}-{sha[:16]}-{i}")
            running[future.key] = (future, path, sha)
            results.add(future)

    no_workers_since: float | None = None
    last_check = 0.0
    submit_more()
    while running or pending or unreadable:
        while unreadable:
            path, sha, line = unreadable.pop(0)
            yield path, failed_extraction(path, sha, line), 0.0
        batch = results.next_batch(block=False) if running else []
        for future in batch:
            _, path, sha = running.pop(future.key)
            ex, seconds = _outcome(future, path, sha, cache_dir)
            future.release()  # the scheduler may forget the task and its bytes now
            yield path, ex, seconds
        if not batch:
            now = time.monotonic()
            if now - last_check >= NO_WORKER_POLL_S:
                last_check = now
                threads = _threads(client)
                if threads:
                    no_workers_since = None
                elif no_workers_since is None:
                    no_workers_since = now
                elif now - no_workers_since >= timeout:
                    # Nobody to run the rest: each document is failed with the reason, not a stuck run.
                    line = f"no Dask worker was connected to {scheduler} for {timeout:g} s: start workers and run again"
                    client.cancel([f for f, _, _ in running.values()])
                    for _, path, sha in running.values():
                        yield path, failed_extraction(path, sha, line), 0.0
                    for _, (path, sha) in pending:
                        yield path, failed_extraction(path, sha, line), 0.0
                    return
            time.sleep(0.02)
        submit_more()


def _threads(client) -> int:
    """Worker threads connected now; 0 while the scheduler cannot be asked (the watchdog then ends
    the run after ingest.timeout rather than the error ending it at once: Dask reconnects meanwhile)."""
    try:
        return sum(client.nthreads().values())
    except Exception:  # noqa: BLE001 - any failure to ask means no usable worker
        return 0


def _outcome(future, path: Path, sha: str, cache_dir: Path) -> tuple[Extraction, float]:
    """The finished task as an Extraction, cached when it was read (as the local child caches it)."""
    from distributed import KilledWorker

    try:
        record, line, seconds = future.result()
    except KilledWorker as e:
        deaths = f"{e.allowed_failures + 1} times" if isinstance(getattr(e, "allowed_failures", None), int) else "repeatedly"
        return failed_extraction(path, sha, f"the Dask workers reading it died {deaths}: the file may be damaged "
                                         f"or far too large"), 0.0
    except CancelledError:
        return failed_extraction(path, sha, "the Dask scheduler dropped the task (was it restarted?): run again"), 0.0
    except Exception as e:  # noqa: BLE001 - one document's failure must not stop the run
        first = str(e).splitlines()[0] if str(e) else ""
        hint = ": is plantrack installed on every worker?" if isinstance(e, (ImportError, AttributeError)) else ""
        return failed_extraction(path, sha, f"the Dask task failed ({type(e).__name__}{': ' + first if first else ''}){hint}"), 0.0
    if record is None:
        return failed_extraction(path, sha, line), seconds
    ex = Extraction.from_dict(record)
    if ex.extractor_version != EXTRACTOR_VERSION:
        return failed_extraction(path, sha, f"the Dask worker runs plantrack extractor v{ex.extractor_version}, this "
                                         f"machine v{EXTRACTOR_VERSION}: install the same plantrack on every worker"), seconds
    write_cache(cache_dir, path, ex)
    return ex, seconds
