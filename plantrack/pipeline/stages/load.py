"""The load stage: one document's records into the database (plantrack/store), atomically.

Every document is written inside one BEGIN IMMEDIATE transaction (`store.database.transaction`), so a
reader or a killed run never sees half a document; the same bytes seen again only refresh where they
are, and which copy of a paper counts (`store.supersede`) is chosen again for what the document touches.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from plantrack.extract import EXTRACTOR_VERSION
from plantrack.models import Extraction
from plantrack.models.keys import authority_name
from plantrack.pipeline.sources.discovery import safe_text
from plantrack.pipeline import failures
from plantrack.store import supersede
from plantrack.store import Database, bump_data_version, now, transaction


def stamp_extractor(db: Database) -> None:
    """`meta.extractor_version`: the extractor this plantrack reads files with, stamped before it loads
    any (the database floor below knows no extractor)."""
    with transaction(db) as conn:
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('extractor_version', ?)", (EXTRACTOR_VERSION,))


def known(db: Database, sha256: str) -> dict | None:
    cur = db.conn.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,))
    row = cur.fetchone()
    return dict(zip((c[0] for c in cur.description), row)) if row else None


def touch(db: Database, document_id: int, path: Path, *, authority: str | None = None) -> None:
    """Known bytes seen again: remember the name and where they are now (and the authority, when
    given), nothing else."""
    st = path.stat()
    with transaction(db) as conn:
        conn.execute("UPDATE documents SET filename = ?, path = ?, size = ?, mtime = ? WHERE id = ?",
                     (safe_text(path.name), safe_text(path), st.st_size, st.st_mtime, document_id))
        _set_authority(conn, document_id, authority)


def clean_authority(name: str | None) -> str | None:
    """An authority as stored: white space folded; '' (asked to clear it) is NULL."""
    return authority_name(name)


def _set_authority(conn: sqlite3.Connection, document_id: int, authority: str | None) -> bool:
    """Set a document's authority (None: not given, keep it; '': clear it). A change re-derives what
    depends on it: which copy of a paper counts now, and (through data_version) links and reconciliation."""
    if authority is None:
        return False
    new = clean_authority(authority)
    cur = conn.execute("UPDATE documents SET authority = ? WHERE id = ? AND authority IS NOT ?",
                       (new, document_id, new))
    if not cur.rowcount:
        return False
    periods, dates = supersede.of_document(conn, document_id)
    supersede.supersede(conn, periods=periods, dates=dates)
    bump_data_version(conn)
    return True


def set_authority(db: Database, document_id: int, authority: str | None) -> bool:
    """A document's authority, in its own transaction; True when it changed."""
    if authority is None:
        return False
    with transaction(db) as conn:
        return _set_authority(conn, document_id, authority)


def set_authority_by_path(db: Database, path: Path, authority: str | None) -> bool:
    """The authority of the document last seen at `path` (a file skipped as unchanged whose folder's
    council was given or mapped since); True when it changed."""
    if authority is None:
        return False
    row = db.conn.execute("SELECT id, authority FROM documents WHERE path = ? ORDER BY id DESC LIMIT 1",
                          (str(path),)).fetchone()
    if row is None or row[1] == clean_authority(authority):
        return False
    return set_authority(db, row[0], authority)


def delete_document_rows(conn: sqlite3.Connection, document_id: int) -> tuple[set[str], set[str]]:
    """Remove what an earlier extraction of this document stored (for --reprocess); returns the
    periods and meeting dates its papers had (their copies elsewhere are chosen again)."""
    touched = supersede.release(conn, document_id)
    conn.execute("UPDATE amber_reasons SET action_id = NULL, match_score = NULL WHERE action_id IN "
                 "(SELECT a.id FROM actions a JOIN reports r ON a.report_id = r.id WHERE r.document_id = ?)",
                 (document_id,))
    for sql in (
        "DELETE FROM actions WHERE report_id IN (SELECT id FROM reports WHERE document_id = ?)",
        "DELETE FROM priorities WHERE report_id IN (SELECT id FROM reports WHERE document_id = ?)",
        "DELETE FROM reports WHERE document_id = ?",
        "DELETE FROM amber_reasons WHERE meeting_id IN (SELECT id FROM meetings WHERE document_id = ?)",
        "DELETE FROM agenda_items WHERE meeting_id IN (SELECT id FROM meetings WHERE document_id = ?)",
        "DELETE FROM meetings WHERE document_id = ?",
    ):
        conn.execute(sql, (document_id,))
    return touched


def load_extraction(db: Database, ex: Extraction, path: Path | None = None, *,
                    replace: bool = False, authority: str | None = None) -> int:
    """Write one document's records in one transaction; returns the document id.

    The same bytes seen again (under any name) only refresh `filename`/`path`, unless the stored rows
    came from another extractor version or `replace` is asked, in which case they are replaced.
    `authority` is the council that published the file (a fact about where it came from, not in the
    extraction): None keeps what is stored, '' clears it. Which copy of a paper counts
    (`superseded_by`) is chosen again for the periods and dates the document touches.
    """
    stat = path.stat() if path is not None and path.exists() else None
    file_facts = {"filename": safe_text(path.name if path is not None else ex.filename),
                  "path": safe_text(path) if path else None,
                  "size": stat.st_size if stat else None, "mtime": stat.st_mtime if stat else None}
    with transaction(db) as conn:
        row = conn.execute("SELECT id, extractor_version, status, attempts FROM documents WHERE sha256 = ?",
                           (ex.sha256,)).fetchone()
        # a stored failure read again (a passing cause) is replaced by what this reading gave
        if row and row[1] == ex.extractor_version and not replace and row[2] != "failed":
            conn.execute("UPDATE documents SET filename = ?, path = ?, size = ?, mtime = ? WHERE id = ?",
                         (*file_facts.values(), row[0]))
            _set_authority(conn, row[0], authority)
            return row[0]
        doc = {**file_facts, "sha256": ex.sha256, "kind": ex.kind, "status": ex.status, "error": ex.error,
               "pages": ex.pages, "ingested_at": now(), "extractor_version": ex.extractor_version,
               "warnings": json.dumps(_warnings(ex)) if _warnings(ex) else None,
               "format": ex.format, "ocr": int(ex.ocr),
               "failure_kind": failures.kind_of(ex.error) if ex.status == "failed" else None,
               "attempts": (row[3] or 0) + 1 if row else 1}
        if authority is not None:
            doc["authority"] = clean_authority(authority)
        periods, dates = set(), set()
        if row:
            doc_id = row[0]
            periods, dates = delete_document_rows(conn, doc_id)
            sets = ", ".join(f"{k} = ?" for k in doc)
            conn.execute(f"UPDATE documents SET {sets} WHERE id = ?", (*doc.values(), doc_id))
        else:
            cols = ", ".join(doc)
            cur = conn.execute(f"INSERT INTO documents ({cols}) VALUES ({', '.join('?' * len(doc))})",
                               tuple(doc.values()))
            doc_id = cur.lastrowid
        _insert_papers(conn, doc_id, ex)
        supersede.supersede(conn, periods=periods | {r.period for r in ex.reports} - {None},
                            dates=dates | {m.meeting_date for m in ex.meetings} - {None})
        bump_data_version(conn)
    return doc_id


def _warnings(ex: Extraction) -> list[str]:
    return [w for paper in (*ex.reports, *ex.meetings) for w in paper.warnings]


def _insert(conn: sqlite3.Connection, table: str, row: dict) -> int:
    cols = ", ".join(row)
    return conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})",
                        tuple(row.values())).lastrowid


def _insert_papers(conn: sqlite3.Connection, doc_id: int, ex: Extraction) -> None:
    for r in ex.reports:
        report_id = _insert(conn, "reports", {
            "document_id": doc_id, "first_page": r.first_page, "last_page": r.last_page, "plan": r.plan,
            "period": r.period, "as_at": r.as_at, "overall_previous_score": r.overall_previous_score,
            "overall_current_score": r.overall_current_score, "legend": json.dumps(r.legend) if r.legend else None})
        for p in r.priorities:
            _insert(conn, "priorities", {"report_id": report_id, "number": p.number, "title": p.title,
                                         "previous_score": p.previous_score, "current_score": p.current_score})
        for a in r.actions:
            _insert(conn, "actions", {
                "report_id": report_id, "priority_number": a.priority_number, "ref": a.ref,
                "ofsted_ref": a.ofsted_ref, "text": a.text, "lead": a.lead, "timescale": a.timescale,
                "due_date": a.due_date, "success_measure": a.success_measure, "progress": a.progress,
                "rag": a.rag, "page": a.page, "extra": json.dumps(a.extra) if a.extra else None,
                "status_text": a.status_text, "rag_source": a.rag_source})
    for m in ex.meetings:
        meeting_id = _insert(conn, "meetings", {
            "document_id": doc_id, "first_page": m.first_page, "last_page": m.last_page,
            "committee": m.committee, "meeting_date": m.meeting_date})
        for item in m.agenda_items:
            _insert(conn, "agenda_items", {"meeting_id": meeting_id, "number": item.number, "title": item.title,
                                           "resolution": item.resolution, "plan": item.plan})
        for a in m.amber_reasons:
            _insert(conn, "amber_reasons", {
                "meeting_id": meeting_id, "position": a.position, "plan": a.plan, "action_text": a.action_text,
                "reason": a.reason, "effective_reason": a.effective_reason, "new_rag": a.new_rag,
                "target_date": a.target_date, "page": a.page})
