"""Which copy of a paper counts: `reports.superseded_by` and `meetings.superseded_by`.

The same report (one plan and period) or the same minutes (one committee and meeting date) may arrive
in several documents of one council: a paper re-published with new bytes (a changed /CreationDate), a
reports pack and the paper on its own, a minutes web page and its PDF. Each copy keeps its own rows,
but reconciliation, links and the digest use one of them (../shared/CONTRACT.md, "The same paper in
several documents"): the paper in a document of its own over one inside a pack, then the one ingested
last (latest `documents.ingested_at`, then the later document and paper). The others point at it.

Papers of different authorities are never copies of each other (documents with NULL authority form one
group). A report without a plan or a period, or minutes without a committee or a date, cannot be told
to be a copy of anything and always counts.

`choose` is the rule over plain rows; `supersede(conn)` applies it to the database. The store calls it
inside each document's transaction (for the periods and dates that document touches), linking and
reconciliation call it whole, so it stays true as papers arrive, are re-read or change authority.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from plantrack.models.keys import authority_name, plan_key

# table -> (the column naming the paper, the column dating it, the document kind of a paper on its own)
PAPERS = {"reports": ("plan", "period", "plan_report"), "meetings": ("committee", "meeting_date", "minutes")}


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def authority_key(v: Any) -> str:
    """The authority as a grouping key: NULL (unknown) is one group of its own, spelled ''."""
    return authority_name(v) or ""


def paper_key(table: str, row: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """(authority, folded name, period or meeting date) — equal for copies of one paper; None when
    the paper names no plan/committee or no period/date."""
    name_col, when_col, _ = PAPERS[table]
    name, when = plan_key(row.get(name_col)), row.get(when_col)
    if not name or _blank(when):
        return None
    return authority_key(row.get("authority")), name, str(when).strip()


def _int(v: Any) -> int:
    try:
        return 0 if _blank(v) else int(v)
    except (TypeError, ValueError):
        return 0


def _rank(table: str, row: Mapping[str, Any]) -> tuple:
    """Higher is preferred: a document of its own, then ingested last, then the later document and paper."""
    own = PAPERS[table][2]
    ingested = "" if _blank(row.get("ingested_at")) else str(row.get("ingested_at"))
    return (row.get("kind") == own, ingested, _int(row.get("document_id")), _int(row.get("id")))


def choose(table: str, rows: Iterable[Mapping[str, Any]]) -> dict[int, int | None]:
    """For every row (dicts with id, document_id, authority, kind, ingested_at and the paper's name and
    date columns): the id of the copy used instead of it, or None when it is the one used."""
    groups: dict[tuple, list[Mapping[str, Any]]] = {}
    out: dict[int, int | None] = {}
    for r in rows:
        out[_int(r["id"])] = None
        key = paper_key(table, r)
        if key is not None:
            groups.setdefault(key, []).append(r)
    for members in groups.values():
        if len(members) < 2:
            continue
        winner = _int(max(members, key=lambda r: _rank(table, r))["id"])
        for r in members:
            if _int(r["id"]) != winner:
                out[_int(r["id"])] = winner
    return out


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}


def read_papers(conn: sqlite3.Connection, table: str, whens: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The papers of `table` with their document's authority, kind and ingested_at (NULL where a
    foreign database lacks the column); only those dated one of `whens` when given."""
    name_col, when_col, _ = PAPERS[table]
    have, docs = _columns(conn, table), _columns(conn, "documents")
    if not have:
        return []
    pick = ", ".join(f"p.{c}" if c in have else f"NULL AS {c}"
                     for c in ("id", "document_id", name_col, when_col, "superseded_by"))
    doc = ", ".join(f"d.{c}" if c in docs else f"NULL AS {c}" for c in ("authority", "kind", "ingested_at"))
    sql = (f'SELECT {pick}, {doc} FROM "{table}" p LEFT JOIN documents d ON d.id = p.document_id'
           if docs else f'SELECT {pick}, NULL AS authority, NULL AS kind, NULL AS ingested_at FROM "{table}" p')
    args: list[Any] = []
    if whens is not None:
        whens = sorted({w for w in whens if not _blank(w)})
        if not whens:
            return []
        sql += f" WHERE p.{when_col} IN ({', '.join('?' * len(whens))})"
        args = whens
    cur = conn.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur]


def supersede(conn: sqlite3.Connection, *, periods: Iterable[str] | None = None,
              dates: Iterable[str] | None = None) -> int:
    """Recompute superseded_by of reports (of `periods`, or all) and meetings (of `dates`, or all) and
    write what changed; returns how many rows changed. Writes nothing in a database whose tables lack
    the column. Run it inside the caller's transaction."""
    changed = 0
    for table, whens in (("reports", periods), ("meetings", dates)):
        if "superseded_by" not in _columns(conn, table):
            continue
        rows = read_papers(conn, table, whens)
        want = choose(table, rows)
        updates = [(want[_int(r["id"])], _int(r["id"])) for r in rows
                   if (None if _blank(r["superseded_by"]) else _int(r["superseded_by"])) != want[_int(r["id"])]]
        conn.executemany(f'UPDATE "{table}" SET superseded_by = ? WHERE id = ?', updates)
        changed += len(updates)
    return changed


def release(conn: sqlite3.Connection, document_id: int) -> tuple[set[str], set[str]]:
    """Before a document's papers are deleted (re-read): no other paper may point at them any more.
    Returns the periods and meeting dates they had, whose copies must be chosen again."""
    touched = of_document(conn, document_id)
    conn.execute("UPDATE reports SET superseded_by = NULL WHERE superseded_by IN "
                 "(SELECT id FROM reports WHERE document_id = ?)", (document_id,))
    conn.execute("UPDATE meetings SET superseded_by = NULL WHERE superseded_by IN "
                 "(SELECT id FROM meetings WHERE document_id = ?)", (document_id,))
    return touched


def of_document(conn: sqlite3.Connection, document_id: int) -> tuple[set[str], set[str]]:
    """The periods of a document's reports and the dates of its minutes."""
    periods = {r[0] for r in conn.execute("SELECT period FROM reports WHERE document_id = ?", (document_id,))}
    dates = {r[0] for r in conn.execute("SELECT meeting_date FROM meetings WHERE document_id = ?", (document_id,))}
    return periods - {None}, dates - {None}
