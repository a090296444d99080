"""Opening a database only to read it, wherever it lives.

`store.connect` creates the schema and switches the journal to WAL: both write, and WAL also needs
to create `<db>-shm` beside the database. A database on a read-only mount or in a folder the user may
not write (a shared drive, a copy handed to an analyst) is therefore opened here: `mode=ro` first
(it still sees a running writer's committed work), and when even that cannot open — no `-shm` can be
made — `immutable=1`, which reads the file as it is without any locking or side file.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from plantrack.store.database import BUSY_TIMEOUT_S


def open_read(path: Path, timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A read-only connection to an existing database; never creates, migrates or WAL-switches it.
    Raises sqlite3.DatabaseError when the file is not a database."""
    uri = Path(path).resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
    except sqlite3.OperationalError:
        pass
    conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=timeout)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def writable(path: Path) -> bool:
    """Whether the database and its folder (WAL's side files live there) can be written. Asked of the
    file system, not of the permission bits alone: root ignores those but not a read-only mount."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDWR)
        os.close(fd)
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return False
    return os.access(path.parent, os.W_OK)
