"""The data dictionary: every table and column of the database, in the words of the contract.

The meanings are declared with the tables themselves, in plantrack/store/schema.py (the contract's,
the store's own additions, and the analyst views of `analyst.py`), so the DDL, the Datasette metadata,
an export and generated documentation all say the same thing. This module reads them: a table's or
column's meaning, the columns a database has and the schema does not describe, and the dictionary as
Markdown.  `contract=False` marks what the contract does not fix: analysts may use it, but it may change.
"""
from __future__ import annotations

import sqlite3

from plantrack.store import schema
from plantrack.store.schema import CHANGES, FINDING_KINDS, RAG, Column, Table

__all__ = ["ANALYST", "CHANGES", "FINDING_KINDS", "RAG", "TABLES", "Column", "Table", "markdown", "meaning",
           "table", "undocumented"]

# The tables (the contract's, the store's additions, the ledger, corrections, fetch's sources), then
# what analyst.prepare() makes: plan_series and the views.
TABLES: tuple[Table, ...] = tuple(t for t in schema.TABLES if t.made_by != "analyst")
ANALYST: tuple[Table, ...] = (*(t for t in schema.TABLES if t.made_by == "analyst"), *schema.VIEWS)


def _find(name: str) -> Table | None:
    try:
        return schema.table(name)
    except KeyError:
        return None


def table(name: str) -> Table:
    """The table or view called `name`; KeyError when the dictionary does not describe it."""
    return schema.table(name)


def meaning(table_name: str, column: str) -> str:
    """A column's meaning ("" when the dictionary has none for it)."""
    col = table(table_name).column(column)
    return col.meaning if col else ""


def undocumented(conn: sqlite3.Connection) -> list[str]:
    """`table.column` of every column the database has and the dictionary does not describe
    (full-text index tables and SQLite's own are not data, so not counted)."""
    out = []
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts' AND name NOT LIKE '%_fts_%'")
    for (name,) in rows:
        t = _find(name)
        for info in conn.execute(f'PRAGMA table_info("{name}")'):
            col = info[1]
            if t is None or (t.column(col) is None and not (name == "status_matrix" and _is_period(col))):
                out.append(f"{name}.{col}")
    return out


def _is_period(name: str) -> bool:
    return len(name) == 7 and name[4] == "-" and name[:4].isdigit() and name[5:].isdigit()


def markdown() -> str:
    """The dictionary as Markdown tables, for docs."""
    parts = []
    for t in (*TABLES, *ANALYST):
        kind = "view" if t.view else "table"
        note = "" if t.contract else " (not in the contract)"
        parts.append(f"### {t.name} — {kind}{note}\n\n{t.description}\n\n| column | type | meaning |\n|---|---|---|")
        parts += [f"| {c.name} | {c.type} | {c.meaning}{'' if c.contract or not t.contract else ' *(extra)*'} |"
                  for c in t.columns]
        parts.append("")
    return "\n".join(parts)
