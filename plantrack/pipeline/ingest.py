"""The extract and load stages, and ingest (both) over files and folders.

extract: each PDF → `extracted/<sha256>.v<extractor version>.json` beside the database, read in a
worker process with a time limit and a memory ceiling, so one hostile file cannot hang or sink the
run. The JSON files are a cache: a re-load or a schema change never re-parses PDFs.
load: JSON records → SQLite, one transaction per document, then amber reasons are re-linked.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..extract import EXTRACTOR_VERSION
from ..extract.document import extract_document, sha256_of
from ..models import Extraction
from . import store

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

    @property
    def error(self) -> str | None:
        return self.extraction.error if self.extraction else None


def find_pdfs(paths: Iterable[Path]) -> list[Path]:
    """Files named, and every *.pdf (any case) below folders named, in a stable order."""
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
    tmp.write_text(json.dumps({"path": str(path), "extraction": ex.to_dict()}, ensure_ascii=False))
    os.replace(tmp, target)  # atomic: a reader never sees half a record file
    return target


def read_cache(file: Path) -> tuple[Path, Extraction]:
    data = json.loads(file.read_text())
    return Path(data["path"]), Extraction.from_dict(data["extraction"])


# ---- isolation -----------------------------------------------------------------------------------
def _child(path: str, cache_dir: str, memory_mb: int) -> None:
    if memory_mb:
        # RLIMIT_AS counts address space, and a forked worker inherits its parent's (a parent that has
        # loaded Datasette or pandas already maps hundreds of MB): the ceiling is what it may add.
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        ex = extract_document(Path(path))
    except MemoryError:
        os._exit(3)
    write_cache(Path(cache_dir), Path(path), ex)
    os._exit(0)


def _address_space() -> int:
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _failed(path: Path, sha256: str, error: str) -> Extraction:
    return Extraction(sha256=sha256, filename=path.name, kind=None, status="failed", error=error,
                      extractor_version=EXTRACTOR_VERSION)


def extract_isolated(paths: list[tuple[Path, str]], cache_dir: Path, *, workers: int = 1, timeout: float = DEFAULT_TIMEOUT_S,
                     memory_mb: int = DEFAULT_MEMORY_MB, reprocess: bool = False) -> Iterator[tuple[Path, Extraction, float]]:
    """Extract (path, sha256) pairs in worker processes, `workers` at a time; yields (path, extraction, seconds).

    A file already in the cache (same bytes, same extractor) is not read again unless `reprocess`.
    """
    ctx = mp.get_context("fork")
    pending = list(paths)
    active: dict = {}
    while pending or active:
        while pending and len(active) < max(1, workers):
            path, sha = pending.pop(0)
            cached = cache_path(cache_dir, sha)
            if cached.exists() and not reprocess:
                yield path, read_cache(cached)[1], 0.0
                continue
            proc = ctx.Process(target=_child, args=(str(path), str(cache_dir), memory_mb), daemon=True)
            proc.start()
            active[proc] = (path, sha, time.monotonic())
        for proc in list(active):
            path, sha, started = active[proc]
            elapsed = time.monotonic() - started
            if proc.is_alive() and elapsed < timeout:
                continue
            if proc.is_alive():
                proc.kill()
            proc.join()
            del active[proc]
            yield path, _result(path, sha, cache_dir, proc.exitcode, elapsed, timeout), elapsed
        if active:
            time.sleep(0.02)


def _result(path: Path, sha: str, cache_dir: Path, code: int | None, elapsed: float, timeout: float) -> Extraction:
    cached = cache_path(cache_dir, sha)
    if code == 0 and cached.exists():
        return read_cache(cached)[1]
    if elapsed >= timeout:
        from ..extract.scanned import timeout_line  # a scan is slow to read by OCR, not damaged
        return _failed(path, sha, timeout_line(path, timeout)
                       or f"took longer than {timeout:g} s to read: the file may be damaged or far too large")
    if code in (3, -9) or code == 1:
        return _failed(path, sha, "ran out of memory while reading: the file may be damaged or far too large")
    return _failed(path, sha, f"the PDF reader crashed (exit code {code}): the file may be damaged")


# ---- ingest --------------------------------------------------------------------------------------
def unchanged(db, path: Path) -> bool:
    """Already ingested from this path with this size and mtime: skip without hashing."""
    st = path.stat()
    row = db.conn.execute(
        "SELECT 1 FROM documents WHERE path = ? AND size = ? AND mtime = ? AND extractor_version = ?",
        (str(path), st.st_size, st.st_mtime, EXTRACTOR_VERSION)).fetchone()
    return row is not None


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
           progress: Callable[[Outcome], None] | None = None, statuses: dict | None = None) -> list[Outcome]:
    """Extract what is new or changed, load it, re-link amber reasons. One transaction per document.
    `statuses` are the council's own status words (`[statuses]`), applied as records are loaded."""
    from .statuswords import restatus, settle_extraction
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
        if not reprocess and unchanged(db, path):
            o = Outcome(path, None, "unchanged")
            outcomes.append(o)
            if progress:
                progress(o)
            continue
        sha = sha256_of(path)
        row = store.known(db, sha)
        if row and row["extractor_version"] == EXTRACTOR_VERSION and not reprocess:
            store.touch(db, row["id"], path)  # the same bytes under another name or path
            o = Outcome(path, None, "unchanged", 0.0, row["id"])
            outcomes.append(o)
            if progress:
                progress(o)
        else:
            todo.append((path, sha))
    for path, ex, seconds in extract_isolated(todo, cache_dir, workers=workers, timeout=timeout,
                                              memory_mb=memory_mb, reprocess=reprocess):
        before = store.known(db, ex.sha256)
        settle_extraction(ex, statuses)
        doc_id = store.load_extraction(db, ex, path, replace=reprocess)
        kind = "failed" if ex.status == "failed" else ("new" if before is None else "updated")
        o = Outcome(path, ex, kind, seconds, doc_id)
        outcomes.append(o)
        if progress:
            progress(o)
    restatus(db, statuses)  # documents stored before [statuses] last changed
    from .linking_store import relink  # late: linking needs the whole database, not one document
    relink(db)
    return outcomes


def load_cached(db, cache_dir: Path, statuses: dict | None = None) -> list[Outcome]:
    """The load stage alone: every cached record of the current extractor into the database."""
    from .statuswords import restatus, settle_extraction

    outcomes = []
    for file in sorted(cache_dir.glob(f"*.v{EXTRACTOR_VERSION}.json")):
        path, ex = read_cache(file)
        settle_extraction(ex, statuses)
        doc_id = store.load_extraction(db, ex, path if path.exists() else None)
        outcomes.append(Outcome(path, ex, "failed" if ex.status == "failed" else "new", 0.0, doc_id))
    restatus(db, statuses)
    from .linking_store import relink
    relink(db)
    return outcomes
