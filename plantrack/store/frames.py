"""The database's tables as pandas frames, typed as plantrack/store/schema.py declares them: the one
reader that reconcile, the digest and the export share.

Columns keep the types SQLite declares (an INTEGER column with NULLs stays whole numbers, not 2.0). A
table missing from the database (never reconciled, or a foreign database) reads as empty with the
schema's columns.
"""
from __future__ import annotations

import sqlite3
from typing import Any

import pandas as pd

from plantrack.store import schema

# What reconcile reads (rebuild.INPUT_COLUMNS names the columns it needs of each).
RECONCILE_INPUTS = ("reports", "priorities", "actions", "meetings", "amber_reasons")
# Papers that carry their document's authority and the copy used (superseded_by) when read.
PAPERS = ("reports", "meetings")


def connection(conn: Any) -> sqlite3.Connection:
    """The sqlite3 connection of a sqlite_utils.Database, or the connection itself."""
    return getattr(conn, "conn", conn)


def _declared(conn: sqlite3.Connection, name: str) -> list[tuple[str, str]]:
    return [(r[1], (r[2] or "").upper()) for r in conn.execute(f'PRAGMA table_info("{name}")')]


def dtype(declared: str) -> str:
    """The pandas dtype for a declared SQLite type."""
    declared = declared.upper()
    if "INT" in declared:
        return "Int64"
    if any(t in declared for t in ("REAL", "FLOA", "DOUB")):
        return "float64"
    return "object"


def _typed(s: pd.Series, dtype_: str) -> pd.Series:
    if dtype_ == "object":
        return s.astype(object).where(s.notna(), None)
    try:
        return pd.to_numeric(s).astype(dtype_)
    except (TypeError, ValueError):  # SQLite lets any column hold text; keep it as it is
        return s.astype(object).where(s.notna(), None)


def empty(name: str) -> pd.DataFrame:
    """A table with no rows: the schema's columns and types (no columns when the schema has no such table)."""
    try:
        columns = schema.table(name).columns
    except KeyError:
        return pd.DataFrame()
    return pd.DataFrame({c.name: pd.Series(dtype=dtype(c.type)) for c in columns})


def read_table(conn: Any, name: str) -> pd.DataFrame:
    """One table (or view) with pandas dtypes from its declared SQLite types, in rowid order; a table
    that does not exist yet reads as empty, with the schema's columns."""
    conn = connection(conn)
    cols = _declared(conn, name)
    if not cols:
        return empty(name)
    kind = conn.execute("SELECT type FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    order = " ORDER BY rowid" if kind and kind[0] == "table" else ""
    df = pd.read_sql_query(f'SELECT * FROM "{name}"{order}', conn)
    for col, declared in cols:
        df[col] = _typed(df[col], dtype(declared))
    return df


def read_frames(conn: Any, names: tuple[str, ...] = RECONCILE_INPUTS) -> dict[str, pd.DataFrame]:
    """The tables `names` (by default reconcile's inputs) as frames, each with at least the schema's
    columns (a column an older or foreign database lacks reads as NULL). Reports and meetings carry
    their document's `authority`, and `superseded_by` as the contract's rule chooses it (also in a
    database that does not store it)."""
    from plantrack.store.supersede import choose, read_papers

    conn = connection(conn)
    out = {}
    for name in names:
        df = read_table(conn, name)
        for col in schema.columns(name):
            if col not in df.columns:
                df[col] = pd.Series([None] * len(df), index=df.index, dtype=object)
        out[name] = df
    for name in PAPERS:
        if name not in out:
            continue
        df = out[name]
        if df.empty:
            df["authority"] = pd.Series(dtype=object)
            continue
        papers = read_papers(conn, name)
        authority = {int(p["id"]): p["authority"] for p in papers}
        chosen = choose(name, papers)
        ids = [int(i) for i in df["id"]]
        df["authority"] = pd.Series([authority.get(i) for i in ids], index=df.index, dtype=object)
        df["superseded_by"] = pd.Series([chosen.get(i) for i in ids], index=df.index, dtype=object)
    return out
