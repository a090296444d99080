"""Opening the database: a connection with a busy timeout, WAL and every table of the schema
(plantrack/store/schema.py, with their triggers), transactions and savepoints, and the counters that
say when reconciliation is stale.

sqlite-utils sets no busy timeout, so the connection is made here with one; WAL lets analysts read
(sqlite3, Datasette) while a run writes. plantrack's own SQL goes through `Database.conn`; sqlite-utils'
helpers (`db.query`, `db["table"].enable_fts`) are there too, through the same connection, but
sqlite-utils is imported only when one is first used: its import (its `db` module, pluggy, click) is
a sixth of a second, most of what a no-op nightly run pays beyond start-up (issue 28).
"""
from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from plantrack.store import schema


def _lean_sqlite_utils():
    """sqlite-utils, imported without pandas or numpy (unless they are imported already).

    sqlite-utils imports pandas (with pyarrow, over 100 MB) only to map `pd.Timestamp` to TEXT, and
    numpy (a fifth of a second) only to map numpy's number types to column types: plantrack stores
    neither (its tables are made by schema.py's SQL, never from values). Imported bare, the ingest
    path and the extraction workers it forks stay small (the 400-page-pack memory target), and a run
    with nothing new to read starts quickly; reconcile and the reports import pandas themselves when
    they run, the extractors numpy.
    """
    if "sqlite_utils" in sys.modules:
        import sqlite_utils
        return sqlite_utils
    blocked = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError
    try:
        import sqlite_utils
    finally:
        for name in blocked:
            del sys.modules[name]
    return sqlite_utils


BUSY_TIMEOUT_S = 60.0


class Database:
    """An open database: `conn`, the sqlite3 connection every plantrack query uses, and sqlite-utils'
    `Database` over the same connection (`utils`, and any of its names read off this object, e.g.
    `db.query(…)`, `db["documents"]`), made on first use."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._utils = None

    @property
    def utils(self):
        if self._utils is None:
            # recursive_triggers is set by connect already; no plugins: plantrack's SQL uses none, an
            # installed one must not change what a run does, and finding them reads every installed
            # package's entry points
            self._utils = _lean_sqlite_utils().Database(self.conn, recursive_triggers=False, execute_plugins=False)
        return self._utils

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("conn", "_utils", "utils"):  # not set yet, or utils failing
            raise AttributeError(name)
        return getattr(self.utils, name)

    def __getitem__(self, table: str):
        return self.utils[table]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def connect(path: Path, timeout: float = BUSY_TIMEOUT_S) -> Database:
    """Open (creating if need be) the database with a busy timeout, WAL and the schema (the tables the
    store and the corrections make, with their triggers). The extractor's version is stamped in `meta`
    by the load stage, which knows it (this floor knows no extractor)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA recursive_triggers=on")  # as sqlite-utils' Database sets it, made or not
    db = Database(conn)
    with transaction(db):
        schema.ensure_tables(conn, *schema.made_by("store"), *schema.made_by("corrections"))
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (schema.SCHEMA_VERSION,))
    return db


@contextmanager
def savepoint(conn: sqlite3.Connection, name: str) -> Iterator[sqlite3.Connection]:
    """All of the block or none of it, inside a caller's open transaction or as its own: a SAVEPOINT
    released at the end (rolled back on any error), committed here only when no transaction was open."""
    own = not conn.in_transaction  # a caller's open transaction is theirs to commit
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield conn
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")
    if own:
        conn.commit()


@contextmanager
def transaction(db: Database) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error: all of it or none."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def data_version(db: Database) -> int:
    """How many times documents have been written: reconciliation is stale when this moved on."""
    row = db.conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def reconciled_version(db: Database) -> int:
    row = db.conn.execute("SELECT value FROM meta WHERE key = 'reconciled_version'").fetchone()
    return int(row[0]) if row else -1


def mark_reconciled(db: Database, version: int) -> None:
    with transaction(db) as conn:
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('reconciled_version', ?)", (str(version),))


def bump_data_version(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES ('data_version', '1') ON CONFLICT(key) DO UPDATE "
                 "SET value = CAST(value AS INTEGER) + 1")
