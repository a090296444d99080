"""The nightly run: one writer at a time, a ledger of what every run did, a JSON-lines log.

Only one plantrack run may write a database at a time: a second one (a cron overlap, a clerk by
hand) waits for the lock up to `--wait` seconds, then exits with code 3. The lock is an flock on
`<db>.lock`, which the kernel drops when its holder dies (even by SIGKILL), so a crash never leaves
a stale lock. Readers never need it: SQLite's WAL gives them a consistent view throughout.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from plantrack.store import schema
from plantrack.pipeline.sources.discovery import safe_text
from plantrack import store
from plantrack.pipeline.failures import kind_of
from plantrack.pipeline.stages.ingest import Outcome

UNCHANGED_BATCH = 500  # rows of files skipped as unchanged written to run_files in one transaction


class Busy(Exception):
    """Another run holds the database."""


@contextmanager
def exclusive(db_path: Path, wait: float):
    """Hold `<db>.lock` for the duration; raise Busy after `wait` seconds of trying."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + max(0.0, wait)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    raise Busy(f"another plantrack run (pid {holder}) is writing {db_path}; "
                               f"gave up after waiting {wait:g} s — try again later or raise --wait") from None
                time.sleep(min(0.25, max(0.0, deadline - time.monotonic())) or 0.01)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing drops the flock


@dataclass
class Ledger:
    """Records one run in `runs` / `run_files`, and mirrors it as JSON lines when asked."""

    db: object
    command: str
    log: IO[str] | None = None
    run_id: int = 0
    seen: int = 0
    new: int = 0
    failed: int = 0
    fetch_failed: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    unwritten: list[Outcome] = field(default_factory=list)  # "unchanged" files not yet in run_files

    def start(self) -> "Ledger":
        with store.transaction(self.db) as conn:
            schema.ensure_tables(conn, *schema.made_by("runs"))  # runs, run_files
            # We hold the lock, so any run still marked running died without finishing.
            conn.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            self.run_id = conn.execute(
                "INSERT INTO runs (started_at, status, files_seen, files_new, files_failed, pid, command) "
                "VALUES (?, 'running', 0, 0, 0, ?, ?)", (store.now(), os.getpid(), self.command)).lastrowid
        self._log({"event": "run_started", "run_id": self.run_id, "command": self.command})
        return self

    def record(self, o: Outcome) -> None:
        self.outcomes.append(o)
        self.seen += o.outcome not in ("missing", "skipped")
        self.new += o.outcome == "new"
        self.failed += o.outcome == "failed"
        self.unwritten.append(o)
        # A file skipped as unchanged changed nothing in the database, so its row waits for the next file
        # that did, or for UNCHANGED_BATCH more: one transaction a file was most of a no-op run over a
        # thousand files. A run killed meanwhile loses only those rows of its own record (it is marked
        # `interrupted` by the next run either way); every other outcome is written at once.
        if o.outcome != "unchanged" or len(self.unwritten) >= UNCHANGED_BATCH:
            self._write()
        self._log({"event": "file", "run_id": self.run_id, "path": safe_text(o.path), "outcome": o.outcome,
                   "document_id": o.document_id, "error": o.error, "seconds": round(o.seconds, 3)})

    def _write(self) -> None:
        if not self.unwritten:
            return
        with store.transaction(self.db) as conn:
            conn.executemany("INSERT INTO run_files (run_id, document_id, path, outcome, error, seconds) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             [(self.run_id, o.document_id, safe_text(o.path), o.outcome, o.error, round(o.seconds, 3))
                              for o in self.unwritten])
            conn.execute("UPDATE runs SET files_seen = ?, files_new = ?, files_failed = ? WHERE id = ?",
                         (self.seen, self.new, self.failed, self.run_id))
        self.unwritten.clear()

    def fetch_failure(self, where: str, line: str) -> None:
        """What a fetch could not bring (a site down, a committee unknown, a paper refused): its address and
        its one line, so `plantrack status` names it the next morning and the run is not `ok`."""
        self._write()  # its row after the files recorded before it
        self.fetch_failed += 1
        with store.transaction(self.db) as conn:
            conn.execute("INSERT INTO run_files (run_id, path, outcome, error) VALUES (?, ?, 'fetch_failed', ?)",
                         (self.run_id, safe_text(where), line))
            conn.execute("UPDATE runs SET fetch_failed = ? WHERE id = ?", (self.fetch_failed, self.run_id))
        self._log({"event": "fetch_failed", "run_id": self.run_id, "url": safe_text(where), "error": line})

    def finish(self) -> str:
        self._write()
        status = "failed" if self.failed or self.fetch_failed else "ok"
        with store.transaction(self.db) as conn:
            conn.execute("UPDATE runs SET finished_at = ?, status = ? WHERE id = ?", (store.now(), status, self.run_id))
        self._log({"event": "run_finished", "run_id": self.run_id, "status": status, "files_seen": self.seen,
                   "files_new": self.new, "files_failed": self.failed, "fetch_failed": self.fetch_failed})
        return status

    def abort(self, line: str) -> None:
        """The run itself failed (not a file): recorded as `error` with its one line, never left running."""
        with contextlib.suppress(Exception):  # the files seen so far, if the database still takes them
            self._write()
        with store.transaction(self.db) as conn:
            conn.execute("UPDATE runs SET finished_at = ?, status = 'error' WHERE id = ?", (store.now(), self.run_id))
            conn.execute("INSERT INTO run_files (run_id, path, outcome, error) VALUES (?, NULL, 'error', ?)",
                         (self.run_id, line))
        self._log({"event": "run_failed", "run_id": self.run_id, "error": line})

    def _log(self, entry: dict) -> None:
        if self.log is not None:
            self.log.write(json.dumps({"time": store.now(), **entry}, ensure_ascii=False) + "\n")
            self.log.flush()


def last_runs(db, limit: int = 10) -> tuple[list[dict], list[dict]]:
    """The latest runs, and every file that cannot be read now, with its error: stored documents that
    failed (unless a file at the same path has since been read fine), and what the last run could not
    open at all (an unreadable folder, which has no document row)."""
    conn = getattr(db, "conn", db)
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    runs = []
    if "runs" in have:
        cols = ["id", "started_at", "finished_at", "status", "files_seen", "files_new", "files_failed", "fetch_failed"]
        have_cols = {r[1] for r in conn.execute("PRAGMA table_info(runs)")}
        picked = ", ".join(c if c in have_cols else f"NULL AS {c}" for c in cols)  # an older ledger: no fetch_failed
        runs = [dict(zip(cols, r)) for r in conn.execute(
            f"SELECT {picked} FROM runs ORDER BY id DESC LIMIT ?", (limit,))]
    doc_cols = {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    extra = ", d.failure_kind, d.attempts" if {"failure_kind", "attempts"} <= doc_cols else ", NULL, NULL"
    failed = [dict(zip(("filename", "path", "error", "ingested_at", "failure_kind", "attempts"), r)) for r in conn.execute(
        f"SELECT d.filename, d.path, d.error, d.ingested_at{extra} FROM documents d WHERE d.status = 'failed' "
        "AND NOT EXISTS (SELECT 1 FROM documents ok WHERE ok.status = 'ok' AND ok.path = d.path) "
        "ORDER BY d.filename")]
    if "run_files" in have:
        last = conn.execute("SELECT max(id) FROM runs WHERE status <> 'running'").fetchone()[0]
        for path, error in conn.execute(
                "SELECT path, error FROM run_files WHERE run_id = ? AND outcome = 'failed' AND document_id IS NULL "
                "ORDER BY path", (last,)):
            failed.append({"filename": path.rsplit("/", 1)[-1] if path else None, "path": path, "error": error,
                           "ingested_at": None, "failure_kind": kind_of(error), "attempts": None})
    return runs, failed


def failed_fetches(db) -> list[dict]:
    """What the last finished run's fetch could not bring: the site's or paper's address and the line why."""
    conn = getattr(db, "conn", db)
    if not {"runs", "run_files"} <= {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}:
        return []
    last = conn.execute("SELECT max(id) FROM runs WHERE status <> 'running'").fetchone()[0]
    return [{"url": url, "error": error} for url, error in conn.execute(
        "SELECT path, error FROM run_files WHERE run_id = ? AND outcome = 'fetch_failed' ORDER BY rowid", (last,))]


Progress = Callable[[Outcome], None]
