"""Ingest: the extract and load stages over files and folders.

extract: each file → `extracted/<sha256>.v<extractor version>.json` beside the database, read by an
executor (executors.py: the local worker pool, pool.py, or a Dask cluster, cluster.py) with a time
limit and a memory ceiling, so one hostile file cannot hang or sink the run (reading.py). The JSON
files are a cache: a re-load or a schema change never re-parses a file.
load: JSON records → SQLite, one transaction per document (load.py), then amber reasons are re-linked.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from plantrack import store
from plantrack.extract import EXTRACTOR_VERSION
from plantrack.models.keys import sha256_of
from plantrack.models import Action, Extraction
from plantrack.pipeline.sources import authority as authorities
from plantrack.pipeline.sources.discovery import safe_text
from plantrack.pipeline import failures
from plantrack.pipeline.stages import load
from plantrack.pipeline.stages.reading import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, failed_extraction, read_cache


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


# ---- ingest --------------------------------------------------------------------------------------
# A stored row as `stored_at` reads it: what `unchanged` and `still_failing` ask of a file's path.
_COLUMNS = "path, size, mtime, failure_kind, error, status, id, sha256"
PATHS_PER_QUERY = 500  # well under SQLite's limit on parameters


def stored_at(db, paths: list[Path]) -> dict[str, list[tuple]]:
    """The current extractor's stored rows at each of `paths` (keyed by safe_text), lowest id first, as
    the per-file queries of `unchanged` and `still_failing` find them: read for a whole run in a few
    queries rather than two a file (a no-op night over thousands of files is mostly these asks)."""
    keys = list(dict.fromkeys(safe_text(p) for p in paths))
    rows: dict[str, list[tuple]] = {}
    for i in range(0, len(keys), PATHS_PER_QUERY):
        chunk = keys[i:i + PATHS_PER_QUERY]
        for row in db.conn.execute(f"SELECT {_COLUMNS} FROM documents WHERE extractor_version = ? "
                                   f"AND path IN ({', '.join('?' * len(chunk))}) ORDER BY id",
                                   (EXTRACTOR_VERSION, *chunk)):
            rows.setdefault(row[0], []).append(row)
    return rows


def unchanged(db, path: Path, stored: dict[str, list[tuple]] | None = None) -> bool:
    """Already ingested from this path with this size and mtime: skip without hashing. `stored`: what
    `stored_at` read for the run, when nothing has been written since."""
    st = path.stat()
    if stored is None:
        row = db.conn.execute(
            "SELECT failure_kind, error FROM documents WHERE path = ? AND size = ? AND mtime = ? AND extractor_version = ?",
            (safe_text(path), st.st_size, st.st_mtime, EXTRACTOR_VERSION)).fetchone()
    else:
        row = next((r[3:5] for r in stored.get(safe_text(path), ()) if r[1] == st.st_size and r[2] == st.st_mtime),
                   None)
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
    outcomes: list[Outcome] = []
    todo = []
    if reprocess:
        paths, missing = with_stale_documents(db, paths)
        for path in missing:
            o = Outcome(path, None, "missing")
            outcomes.append(o)
            if progress:
                progress(o)
    # read once for every path; good until the loop moves or adds a document row (known bytes seen at
    # another path, an unreadable file), after which each file is asked after on its own. (A changed
    # authority, below, changes neither a row's path, size, mtime nor status.)
    stored = None if reprocess else stored_at(db, paths)
    for path in paths:
        try:
            if not reprocess and unchanged(db, path, stored):
                load.set_authority_by_path(db, path, author(path))
                o = still_failing(db, path, stored) or Outcome(path, None, "unchanged")
                outcomes.append(o)
                if progress:
                    progress(o)
                continue
            sha = sha256_of(path)
        except OSError as e:  # unreadable or gone since it was found: recorded, the run goes on
            stored = None
            o = _unreadable(db, path, failures.os_error_line(e))
            outcomes.append(o)
            if progress:
                progress(o)
            continue
        row = load.known(db, sha)
        if (row and row["extractor_version"] == EXTRACTOR_VERSION and not reprocess
                and not failures.transient(row.get("failure_kind") or failures.kind_of(row.get("error")))):
            load.touch(db, row["id"], path, authority=author(path))  # the same bytes under another name or path
            stored = None
            o = (Outcome(path, failed_extraction(path, sha, row["error"]), "failed", 0.0, row["id"])
                 if row["status"] == "failed" else Outcome(path, None, "unchanged", 0.0, row["id"]))
            outcomes.append(o)
            if progress:
                progress(o)
        else:
            todo.append((path, sha))
    # the executors (multiprocessing, the Dask client) are imported only when there is something to
    # read: a no-op night has nothing for them, and their import is a tenth of its time beyond start-up
    read = []
    if todo:
        from plantrack.pipeline.stages.executors import executor

        read = executor(scheduler)(todo, cache_dir, workers=workers, timeout=timeout, memory_mb=memory_mb,
                                   reprocess=reprocess)
    for path, ex, seconds in read:
        before = load.known(db, ex.sha256)
        settle_extraction(ex, statuses)
        doc_id = load.load_extraction(db, ex, path, replace=reprocess, authority=author(path))
        _read_at_last(db, path)
        kind = "failed" if ex.status == "failed" else ("new" if before is None else "updated")
        o = Outcome(path, ex, kind, seconds, doc_id)
        if kind == "failed" and failures.transient(failures.kind_of(ex.error)):
            o.attempts = db.conn.execute("SELECT attempts FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        outcomes.append(o)
        if progress:
            progress(o)
        o.extraction = summary_of(ex)  # stored now: the run keeps only what its summary says
    restatus(db, statuses)  # documents stored before [statuses] last changed
    # late: linking needs the whole database, not one document
    from plantrack.pipeline.reconcile.linking_store import links_pending, relink
    if reprocess or links_pending(db):
        # stored since the links were last made, by this run or by one killed before it linked; a
        # no-op night (nothing stored, no council changed) stays fast
        relink(db)
    from plantrack.pipeline.review.corrections import apply_all  # a clerk's corrections outlive every re-read and re-link
    apply_all(db)
    return outcomes


# A file the run's user may not read has no bytes to hash: its documents row (failed, with its one
# line, so a clerk querying documents sees it) is keyed by its path instead, under this prefix, and
# goes when the file is read.
UNREADABLE = "unreadable:"


def _unreadable(db, path: Path, line: str) -> Outcome:
    key = UNREADABLE + hashlib.sha256(safe_text(path).encode("utf-8")).hexdigest()
    ex = failed_extraction(path, key, line)
    if not path.exists():  # gone: nothing to record beside the run's ledger
        return Outcome(path, ex, "failed")
    doc_id = load.load_extraction(db, ex, path)
    attempts = db.conn.execute("SELECT attempts FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    return Outcome(path, ex, "failed", 0.0, doc_id, attempts)


def _read_at_last(db, path: Path) -> None:
    """The file at `path` was read: the row that said it could not be goes (its runs keep their lines)."""
    gone = [i for (i,) in db.conn.execute("SELECT id FROM documents WHERE path = ? AND sha256 LIKE ?",
                                          (safe_text(path), UNREADABLE + "%"))]
    if not gone:  # the usual case: no write, no transaction
        return
    with store.transaction(db) as conn:
        for doc_id in gone:
            conn.execute("UPDATE run_files SET document_id = NULL WHERE document_id = ?", (doc_id,))
            conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))


def summary_of(ex: Extraction) -> Extraction:
    """What a run keeps of a document once it is stored: its kind, status, error, papers with their
    warnings, and each action's status only (how many, and the words no key knew). The texts, scores
    and reasons are in the database; a night that reads thousands of documents must not hold them all
    in the writer until its summary."""
    return replace(ex, reports=[replace(r, priorities=[], legend={}, actions=[
        Action(priority_number=None, ref=None, text="", rag=a.rag, status_text=a.status_text) for a in r.actions])
        for r in ex.reports], meetings=[replace(m, agenda_items=[], amber_reasons=[]) for m in ex.meetings])


def still_failing(db, path: Path, stored: dict[str, list[tuple]] | None = None) -> Outcome | None:
    """An unchanged file whose stored reading failed for good: it is not read again, but the run
    still counts it as failed, so every night it stays so exits 1 and says so. `stored`: as for
    `unchanged`."""
    if stored is None:
        row = db.conn.execute(
            "SELECT id, sha256, error FROM documents WHERE path = ? AND status = 'failed' AND extractor_version = ?",
            (safe_text(path), EXTRACTOR_VERSION)).fetchone()
    else:
        row = next(((r[6], r[7], r[4]) for r in stored.get(safe_text(path), ()) if r[5] == "failed"), None)
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
