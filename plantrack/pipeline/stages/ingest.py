"""The extract and load stages, and ingest (both) over files and folders.

extract: each PDF → `extracted/<sha256>.v<extractor version>.json` beside the database, read in a
worker process with a time limit and a memory ceiling, so one hostile file cannot hang or sink the
run. A worker reads file after file (what it loads once, such as spaCy's rules, serves them all) and
is replaced when a file fails, times out or crashes it. The JSON files are a cache: a re-load or a schema change never re-parses PDFs.
load: JSON records → SQLite, one transaction per document, then amber reasons are re-linked.
"""
from __future__ import annotations

import contextlib
import errno
import json
import multiprocessing as mp
import multiprocessing.connection
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from plantrack.extract import EXTRACTOR_VERSION
from plantrack.extract.document import extract_document, sha256_of
from plantrack.models import Action, Extraction
from plantrack.pipeline.sources import authority as authorities
from plantrack.pipeline.sources.discovery import safe_text
from plantrack import store
from plantrack.pipeline.stages import failures, load

DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MEMORY_MB = 2048


@dataclass
class Outcome:
    """What happened to one file in a run."""

    path: Path
    extraction: Extraction | None
    outcome: str  # new, updated (read again), unchanged, failed, or missing (a stored document's file is gone)
    seconds: float = 0.0
    document_id: int | None = None
    attempts: int | None = None  # times its bytes have been read, for a failure from a passing cause

    @property
    def error(self) -> str | None:
        return self.extraction.error if self.extraction else None


def find_pdfs(paths: Iterable[Path]) -> list[Path]:
    """Files named, and every *.pdf (any case) below folders named, in a stable order.
    (The commands use discovery.discover, which takes every document and records odd entries.)"""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() == ".pdf")
        elif p.exists():
            found.append(p)
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    seen, unique = set(), []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def cache_path(cache_dir: Path, sha256: str) -> Path:
    return cache_dir / f"{sha256}.v{EXTRACTOR_VERSION}.json"


def write_cache(cache_dir: Path, path: Path, ex: Extraction) -> Path:
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_path(cache_dir, ex.sha256)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"path": safe_text(path), "extraction": ex.to_dict()}, ensure_ascii=False))
    os.replace(tmp, target)  # atomic: a reader never sees half a record file
    return target


def read_cache(file: Path) -> tuple[Path, Extraction]:
    data = json.loads(file.read_text())
    return Path(data["path"]), Extraction.from_dict(data["extraction"])


# ---- isolation -----------------------------------------------------------------------------------
# A worker reads file after file, so what it sets up once (spaCy's pipeline for minutes, 0.5–2 s and
# ~50 MB) serves every file it reads; it is replaced after a failure, and after this many files, so a
# slow leak in a PDF library cannot grow without end.
FILES_PER_WORKER = 100


def _read(path: str, cache_dir: str) -> int:
    """Read one file into the cache; the exit code the parent turns into a failure's line (child_result)."""
    try:
        ex = extract_document(Path(path))
        ex.filename = safe_text(ex.filename)  # a name that is not UTF-8 cannot go into JSON as it is
        write_cache(Path(cache_dir), Path(path), ex)
    except MemoryError:
        return 3
    except OSError as e:  # the parent turns the exit code into the failure's one line and kind
        return {errno.ENOSPC: 4, errno.ENOENT: 5, errno.EACCES: 6, errno.EPERM: 6}.get(e.errno, 7)
    except BaseException:  # noqa: BLE001 - the parent records it; a traceback here helps nobody
        return 7
    return 0


def _limit_memory(memory_mb: int) -> None:
    if memory_mb:
        # RLIMIT_AS counts address space, and a forked worker inherits its parent's (a parent that has
        # loaded Datasette or pandas already maps hundreds of MB): the ceiling is what it may add.
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def read_in_child(path: str, cache_dir: str, memory_mb: int) -> None:
    """One file in a process of its own (the Dask workers' way, cluster.py): its code is the exit status."""
    _limit_memory(memory_mb)
    os._exit(_read(path, cache_dir))


def _worker(conn, memory_mb: int, parent: int) -> None:
    """A local worker: (path, cache dir) in, the file's code out, until told to stop (None), a file
    fails (its state after a failure is not trusted: the parent starts a fresh worker) or the parent
    is gone (killed: a worker forked later holds the parent's end of this pipe, so no EOF comes)."""
    _limit_memory(memory_mb)
    code = 0
    try:
        while code == 0:
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    os._exit(0)
            task = conn.recv()
            if task is None:
                break
            code = _read(*task)
            conn.send(code)
    except (EOFError, OSError):  # the parent has gone
        pass
    os._exit(0)


def _address_space() -> int:
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def failed_extraction(path: Path, sha256: str, error: str) -> Extraction:
    return Extraction(sha256=sha256, filename=safe_text(path.name), kind=None, status="failed", error=error,
                      extractor_version=EXTRACTOR_VERSION)


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
    pending = list(paths)
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


def _wait(busy: list) -> None:
    """Until a worker sends a code or dies, or 20 ms: time limits are checked at least that often."""
    mp.connection.wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=0.02)


def executor(scheduler: str | None = None) -> Callable[..., Iterator[tuple[Path, Extraction, float]]]:
    """Where documents are extracted: extract_isolated on this machine, or with a Dask scheduler's
    address (`--scheduler`) the same contract on its cluster (cluster.py; Dask is an optional extra)."""
    if not scheduler:
        return extract_isolated
    from functools import partial

    from plantrack.pipeline.stages.cluster import extract_on_cluster
    return partial(extract_on_cluster, scheduler=scheduler)


def child_result(path: Path, sha: str, cache_dir: Path, code: int | None, elapsed: float, timeout: float) -> Extraction:
    cached = cache_path(cache_dir, sha)
    if code == 0 and cached.exists():
        return read_cache(cached)[1]
    if elapsed >= timeout:
        from plantrack.extract.scanned import timeout_line  # a scan is slow to read by OCR, not damaged
        return failed_extraction(path, sha, timeout_line(path, timeout)
                       or f"took longer than {timeout:g} s to read: the file may be damaged or far too large")
    if code == 0:  # read, but under other bytes than were hashed: replaced while the run read it
        return failed_extraction(path, sha, "the file changed while being read (replaced or still being copied); "
                                  "the next run reads it again")
    if code in (3, -9):
        return failed_extraction(path, sha, "ran out of memory while reading: the file may be damaged or far too large")
    if code == 4:
        return failed_extraction(path, sha, "disk full while reading: free some space; the next run reads it again")
    if code == 5:
        return failed_extraction(path, sha, "the file vanished while the run was reading it; the next run reads it again")
    if code == 6:
        return failed_extraction(path, sha, "cannot open this file: permission denied (the run's user needs read access)")
    if code == 7:
        return failed_extraction(path, sha, "the reader failed on this file (an error in plantrack): please report it with the file")
    if code == 1:  # an interpreter dying without a result under its memory ceiling
        return failed_extraction(path, sha, "the reader stopped without a result (exit code 1): it may have run out "
                                  "of memory; the next run reads it again")
    return failed_extraction(path, sha, f"the PDF reader crashed (exit code {code}): the file may be damaged")


# ---- ingest --------------------------------------------------------------------------------------
def unchanged(db, path: Path) -> bool:
    """Already ingested from this path with this size and mtime: skip without hashing."""
    st = path.stat()
    row = db.conn.execute(
        "SELECT failure_kind, error FROM documents WHERE path = ? AND size = ? AND mtime = ? AND extractor_version = ?",
        (safe_text(path), st.st_size, st.st_mtime, EXTRACTOR_VERSION)).fetchone()
    # a passing failure is read again (a database from before failure_kind: judged by its error line)
    return row is not None and not failures.transient(row[0] or failures.kind_of(row[1]))


def with_stale_documents(db, paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """`paths` plus the stored documents read by an older extractor, from where they were last seen;
    and those whose file is no longer there (reported, not fatal)."""
    given = {p.resolve() for p in paths}
    extra, missing = [], []
    for (recorded,) in db.conn.execute(
            "SELECT path FROM documents WHERE path IS NOT NULL AND extractor_version IS NOT ?", (EXTRACTOR_VERSION,)):
        p = Path(recorded)
        if not p.exists():
            missing.append(p)
        elif p.resolve() not in given:
            extra.append(p)
    return [*paths, *extra], missing


def ingest(paths: list[Path], db, cache_dir: Path, *, workers: int = 1, timeout: float = DEFAULT_TIMEOUT_S,
           memory_mb: int = DEFAULT_MEMORY_MB, reprocess: bool = False,
           progress: Callable[[Outcome], None] | None = None,
           authority: authorities.Spec = None, scheduler: str | None = None,
           statuses: dict | None = None) -> list[Outcome]:
    """Extract what is new or changed, load it, re-link amber reasons. One transaction per document.

    `authority`: the council that published the files — one name, a mapping of folders to names, or a
    function of the path (see plantrack.pipeline.sources.authority); None leaves stored authorities as they are.
    With `scheduler` (a Dask scheduler's address) the documents are extracted on that cluster.
    `statuses` are the council's own status words (`[statuses]`), applied as records are loaded."""
    from plantrack.pipeline.stages.statuswords import restatus, settle_extraction

    author = authorities.resolver(authority, given=paths)
    load.stamp_extractor(db)
    version = store.data_version(db)  # what was stored before this run: links are redone only if it moves
    outcomes: list[Outcome] = []
    todo = []
    if reprocess:
        paths, missing = with_stale_documents(db, paths)
        for path in missing:
            o = Outcome(path, None, "missing")
            outcomes.append(o)
            if progress:
                progress(o)
    for path in paths:
        try:
            if not reprocess and unchanged(db, path):
                load.set_authority_by_path(db, path, author(path))
                o = still_failing(db, path) or Outcome(path, None, "unchanged")
                outcomes.append(o)
                if progress:
                    progress(o)
                continue
            sha = sha256_of(path)
        except OSError as e:  # unreadable or gone since it was found: recorded, the run goes on
            o = Outcome(path, failed_extraction(path, "", failures.os_error_line(e)), "failed")
            outcomes.append(o)
            if progress:
                progress(o)
            continue
        row = load.known(db, sha)
        if (row and row["extractor_version"] == EXTRACTOR_VERSION and not reprocess
                and not failures.transient(row.get("failure_kind") or failures.kind_of(row.get("error")))):
            load.touch(db, row["id"], path, authority=author(path))  # the same bytes under another name or path
            o = (Outcome(path, failed_extraction(path, sha, row["error"]), "failed", 0.0, row["id"])
                 if row["status"] == "failed" else Outcome(path, None, "unchanged", 0.0, row["id"]))
            outcomes.append(o)
            if progress:
                progress(o)
        else:
            todo.append((path, sha))
    for path, ex, seconds in executor(scheduler)(todo, cache_dir, workers=workers, timeout=timeout,
                                                 memory_mb=memory_mb, reprocess=reprocess):
        before = load.known(db, ex.sha256)
        settle_extraction(ex, statuses)
        doc_id = load.load_extraction(db, ex, path, replace=reprocess, authority=author(path))
        kind = "failed" if ex.status == "failed" else ("new" if before is None else "updated")
        o = Outcome(path, ex, kind, seconds, doc_id)
        if kind == "failed" and failures.transient(failures.kind_of(ex.error)):
            o.attempts = db.conn.execute("SELECT attempts FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        outcomes.append(o)
        if progress:
            progress(o)
        o.extraction = summary_of(ex)  # stored now: the run keeps only what its summary says
    restatus(db, statuses)  # documents stored before [statuses] last changed
    from plantrack.pipeline.reconcile.linking_store import relink  # late: linking needs the whole database, not one document
    if reprocess or store.data_version(db) != version:
        relink(db)  # nothing loaded and no council changed: nothing to re-link, a no-op night stays fast
    from plantrack.pipeline.review.corrections import apply_all  # a clerk's corrections outlive every re-read and re-link
    apply_all(db)
    return outcomes


def summary_of(ex: Extraction) -> Extraction:
    """What a run keeps of a document once it is stored: its kind, status, error, papers with their
    warnings, and each action's status only (how many, and the words no key knew). The texts, scores
    and reasons are in the database; a night that reads thousands of documents must not hold them all
    in the writer until its summary."""
    return replace(ex, reports=[replace(r, priorities=[], legend={}, actions=[
        Action(priority_number=None, ref=None, text="", rag=a.rag, status_text=a.status_text) for a in r.actions])
        for r in ex.reports], meetings=[replace(m, agenda_items=[], amber_reasons=[]) for m in ex.meetings])


def still_failing(db, path: Path) -> Outcome | None:
    """An unchanged file whose stored reading failed for good: it is not read again, but the run
    still counts it as failed, so every night it stays so exits 1 and says so."""
    row = db.conn.execute(
        "SELECT id, sha256, error FROM documents WHERE path = ? AND status = 'failed' AND extractor_version = ?",
        (safe_text(path), EXTRACTOR_VERSION)).fetchone()
    return Outcome(path, failed_extraction(path, row[1], row[2]), "failed", 0.0, row[0]) if row else None


def load_cached(db, cache_dir: Path, *, authority: authorities.Spec = None,
                statuses: dict | None = None) -> list[Outcome]:
    """The load stage alone: every cached record of the current extractor into the database, each with
    the authority `plantrack extract` recorded for it, else the one `authority` gives its path."""
    from plantrack.pipeline.stages.statuswords import restatus, settle_extraction

    outcomes = []
    told, author = authorities.recorded(cache_dir), authorities.resolver(authority)
    load.stamp_extractor(db)
    for file in sorted(cache_dir.glob(f"*.v{EXTRACTOR_VERSION}.json")):
        path, ex = read_cache(file)
        settle_extraction(ex, statuses)
        doc_id = load.load_extraction(db, ex, path if path.exists() else None,
                                       authority=told[ex.sha256] if ex.sha256 in told else author(path))
        outcomes.append(Outcome(path, summary_of(ex), "failed" if ex.status == "failed" else "new", 0.0, doc_id))
    restatus(db, statuses)
    from plantrack.pipeline.reconcile.linking_store import relink
    relink(db)
    from plantrack.pipeline.review.corrections import apply_all
    apply_all(db)
    return outcomes
