"""Clerk corrections: values a person has put right, kept apart from what extraction read and applied
again after every load, so a re-extraction, a new extractor version or `ingest --reprocess` never
silently puts the wrong value back.

A correction is keyed by what a clerk sees on the paper, never by row ids (ids change whenever a
document is read again): an action by plan (folded as everywhere, `models.keys.plan_key`), period and ref;
an Amber reason in minutes by meeting date and position; a set of minutes whose date or committee was not
read (or misread) by its file's contents (sha256) and first page — each within one council (`authority`, the
documents' council; NULL is the group of papers whose council is not known, as everywhere). Two councils
may print the same plan name and meeting dates, so a name that fits several councils is refused unless
the council is given, and a stored correction only ever touches its own council's rows.

Two tables:

* `corrections`: one row per correction, with the value extraction gave (`old_value`, refreshed on
  every apply, so it is what the latest extraction read), the new value, note, who and when, whether
  it still applies and, when it does not, why.
* `corrected_values`: which rows currently carry a corrected value, with the columns as extraction
  (or linking) left them, as JSON. `undo` puts those back. A trigger removes a marker when its row is
  deleted (a re-extraction deletes and re-inserts a document's rows, and SQLite may give the new row
  the same id), so a marker always describes the row it points at.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from plantrack.models.keys import PERIOD_RE, authority_matches, plan_key, plan_matches, ref_key, ref_order
from plantrack.models.status import ORDER, default_status
from plantrack.store.database import bump_data_version, now, transaction

ACTION_FIELDS = ("rag", "text", "lead", "timescale", "due_date", "progress", "ref")
REASON_FIELDS = ("action_ref", "new_rag")
MEETING_FIELDS = ("meeting_date", "committee")  # a set of minutes: what its title block should have given
# where each kind of correction writes
TABLES = {"action": "actions", "amber_reason": "amber_reasons", "meeting": "meetings"}
# how a clerk names each kind of thing corrected, for the line that says a field belongs to another
NAMED_BY = {ACTION_FIELDS: "an action: --plan, --period and --ref",
            REASON_FIELDS: "an Amber reason: --meeting and --position",
            MEETING_FIELDS: "a set of minutes: --minutes FILE (and --page)"}
NONE_WORDS = {"", "none", "null"}  # how a clerk clears a value ("--set lead=none")
# The columns a field writes: linking an Amber reason to another action sets its link and score.
COLUMNS = {"action_ref": ("action_id", "match_score")}

class CorrectionError(ValueError):
    """Bad input: one line naming what exists, for the clerk to act on."""


def _rows(conn: sqlite3.Connection, sql: str, args: Iterable = ()) -> list[dict]:
    """Rows as dicts, leaving the connection's own row factory alone (other code reads tuples)."""
    cur = conn.execute(sql, tuple(args))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur]


def _one(conn: sqlite3.Connection, sql: str, args: Iterable = ()) -> dict | None:
    rows = _rows(conn, sql, args)
    return rows[0] if rows else None


def _has(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone() is not None


# ----------------------------------------------------------------------------
# what a clerk names: council; plan, period, ref; meeting date, position
# ----------------------------------------------------------------------------

ANY = object()  # no council given: every council's papers (a name that fits several is then refused)


def _council_of(column: str) -> str:
    """SQL: the council of the document `column` (a documents.id) names."""
    return f"(SELECT authority FROM documents WHERE documents.id = {column})"


def _same_council(a: str | None, b) -> bool:
    return b is ANY or (a or None) == (b or None)


def councils(conn: sqlite3.Connection) -> list[str]:
    """The councils the database's papers name, sorted."""
    if not _has(conn, "documents"):
        return []
    return [a for a, in conn.execute("SELECT DISTINCT authority FROM documents WHERE authority IS NOT NULL "
                                      "ORDER BY authority")]


def resolve_authority(conn: sqlite3.Connection, asked: str | None):
    """The council as stored that `asked` names (by the rules of `report --authority`: part of the
    name will do), ANY when none is asked; CorrectionError naming the councils otherwise."""
    if asked is None or not asked.strip():
        return ANY
    known = councils(conn)
    exact = [a for a in known if plan_key(a) == plan_key(asked)]
    hits = exact or [a for a in known if authority_matches(a, asked)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise CorrectionError(f"no council matches {asked!r}; councils: {'; '.join(known) or 'none (no paper names one)'}")
    raise CorrectionError(f"{asked!r} names several councils: {'; '.join(hits)} — give more of the name")


def _one_council(found: Iterable[str | None], what: str) -> None:
    """Refuse a name that fits papers of several councils (the clerk must say which)."""
    several = sorted({a or "council not known" for a in found})
    if len(several) > 1:
        raise CorrectionError(f"{what} is in the papers of several councils: {'; '.join(several)} — give --authority")


def resolve_plan(conn: sqlite3.Connection, asked: str, authority=ANY) -> tuple[str, str]:
    """(series key, the name the latest report prints) of the one plan `asked` names (among the
    plans of `authority`, when given)."""
    names: dict[str, str] = {}
    for plan, council in conn.execute(f"SELECT plan, {_council_of('document_id')} FROM reports "
                                      "WHERE plan IS NOT NULL ORDER BY period, id"):
        if _same_council(council, authority):
            names[plan_key(plan)] = plan  # the latest report's spelling wins
    q = plan_key(asked)
    if q in names:
        return q, names[q]
    hits = [k for k in names if plan_matches(k, asked)]
    if len(hits) == 1:
        return hits[0], names[hits[0]]
    if not hits:
        known = "; ".join(sorted(names.values())) or "none (no report has been read)"
        raise CorrectionError(f"no plan matches {asked!r}; plans: {known}")
    raise CorrectionError(f"{asked!r} names several plans: {'; '.join(sorted(names[k] for k in hits))} — "
                          "give more of the name")


def _reports(conn: sqlite3.Connection, key: str, period: str | None, authority=ANY) -> list[dict]:
    """The reports of plan `key` (for `period`, unless None) of `authority` (ANY: every council)."""
    rows = _rows(conn, f"SELECT id, plan, period, as_at, document_id, {_council_of('document_id')} AS authority "
                       "FROM reports WHERE period = ? OR ? IS NULL ORDER BY id", (period, period))
    return [r for r in rows if plan_key(r["plan"]) == key and _same_council(r["authority"], authority)]


def _markers(conn: sqlite3.Connection, table: str, field_: str) -> dict[int, dict]:
    if not _has(conn, "corrected_values"):
        return {}
    return {row_id: json.loads(extracted or "{}") for row_id, extracted in conn.execute(
        "SELECT row_id, extracted FROM corrected_values WHERE row_table = ? AND field = ?", (table, field_))}


def _printed_refs(conn: sqlite3.Connection, report_ids: Iterable[int]) -> dict[int, str | None]:
    """action id → its ref as extracted (a corrected ref is still found by the ref printed)."""
    ids = list(report_ids)
    if not ids:
        return {}
    fixed = _markers(conn, "actions", "ref")
    rows = conn.execute(f"SELECT id, ref FROM actions WHERE report_id IN ({', '.join('?' * len(ids))})", ids)
    return {aid: (fixed[aid]["ref"] if aid in fixed else ref) for aid, ref in rows}


def _period(text: str | None) -> str:
    if not text or not PERIOD_RE.fullmatch(text.strip()):
        raise CorrectionError(f"--period must be YYYY-MM (e.g. 2019-11), not {text!r}")
    return text.strip()


def _day(text: str | None) -> str:
    try:
        return date.fromisoformat((text or "").strip()).isoformat()
    except ValueError:
        raise CorrectionError(f"--meeting must be the meeting's date as YYYY-MM-DD, not {text!r}") from None


# ----------------------------------------------------------------------------
# requests
# ----------------------------------------------------------------------------

@dataclass
class Request:
    """What `plantrack correct` was asked: an action (plan, period, ref) or an Amber reason
    (meeting, position), and field=value pairs."""

    sets: list[str]
    plan: str | None = None
    period: str | None = None
    ref: str | None = None
    meeting: str | None = None
    position: int | None = None
    note: str | None = None
    by: str | None = None
    authority: str | None = None  # the council, as the clerk names it (part of the name will do)
    minutes: str | None = None    # a set of minutes by its file: the file's name, or its sha256 (8+ characters)
    page: int | None = None       # the minutes' first page, when the file holds several sets


@dataclass
class Target:
    kind: str                       # "action" | "amber_reason" | "meeting"
    authority: str | None = None    # the council as stored (NULL: papers whose council is not known)
    plan: str | None = None
    key: str | None = None
    period: str | None = None
    ref: str | None = None
    meeting_date: str | None = None
    position: int | None = None
    committee: str | None = None
    sha256: str | None = None       # a meeting's file, by its contents
    first_page: int | None = None   # a meeting's first page in it
    filename: str | None = None
    rows: list[dict] = field(default_factory=list)

    def describe(self) -> str:
        return what({"target": self.kind, **vars(self), "document_sha256": self.sha256})


def _pairs(sets: list[str], allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    if not sets:
        raise CorrectionError(f"nothing to correct: give --set FIELD=VALUE (fields: {', '.join(allowed)})")
    out = []
    for item in sets:
        name, eq, value = item.partition("=")
        name = name.strip().lower()
        if not eq:
            raise CorrectionError(f"--set wants FIELD=VALUE, not {item!r} (fields: {', '.join(allowed)})")
        if name not in allowed:
            other = next((named for fields, named in NAMED_BY.items() if name in fields), None)
            hint = f" (that field is for {other})" if other else ""
            raise CorrectionError(f"unknown field {name!r}; fields: {', '.join(allowed)}{hint}")
        if any(n == name for n, _ in out):
            raise CorrectionError(f"{name} is set twice")
        out.append((name, value.strip()))
    return out


def _clean_value(name: str, value: str) -> str | None:
    """The value to store, or CorrectionError naming what is allowed."""
    if name in ("rag", "new_rag"):
        if value.lower() in NONE_WORDS:
            return None
        # a status as the built-in vocabulary knows it: gray and purple are grey, "on track" green
        v = value.lower() if value.lower() in ORDER else default_status(value)
        if v is None:
            raise CorrectionError(f"{name}={value}: {name} must be one of {', '.join(ORDER)} (or a built-in "
                                  "status word such as purple or on track), or none")
        return v
    if name in ("due_date", "meeting_date"):
        if value.lower() in NONE_WORDS:
            return None
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise CorrectionError(f"{name}={value}: give the date as YYYY-MM-DD, or none") from None
    if name in ("text", "ref") and value.lower() in NONE_WORDS:
        raise CorrectionError(f"{name} cannot be empty")
    if value.lower() in NONE_WORDS:
        return None
    return value


def _action_target(conn: sqlite3.Connection, req: Request) -> Target:
    if req.meeting or req.position is not None:
        raise CorrectionError("name an action (--plan, --period, --ref) or an Amber reason (--meeting, --position), "
                              "not both")
    missing = [o for o, v in (("--plan", req.plan), ("--period", req.period), ("--ref", req.ref)) if not v]
    if missing:
        raise CorrectionError(f"an action is named by --plan, --period and --ref: give {', '.join(missing)}")
    council = resolve_authority(conn, req.authority)
    key, name = resolve_plan(conn, req.plan, council)
    period = _period(req.period)
    every = _reports(conn, key, None, council)
    if council is ANY:
        _one_council((r["authority"] for r in every), name)
    reports = [r for r in every if r["period"] == period]
    if not reports:
        periods = sorted({r["period"] for r in every if r["period"]})
        raise CorrectionError(f"no report of {name} for {period}; its periods: {', '.join(periods) or 'none'}")
    refs = _printed_refs(conn, [r["id"] for r in reports])
    wanted = ref_key(req.ref)
    ids = [aid for aid, ref in refs.items() if ref_key(ref) == wanted]
    if not ids:
        known = sorted({r for r in refs.values() if r}, key=ref_order)
        raise CorrectionError(f"no action {req.ref} in the {period} report of {name}; refs: "
                              f"{', '.join(known) or 'none (the report prints no refs)'}")
    printed = refs[ids[0]]
    return Target("action", authority=reports[0]["authority"], plan=name, key=key, period=period, ref=printed,
                  rows=[{"id": i, "report_id": None} for i in ids])


def _meetings(conn: sqlite3.Connection, day: str, authority=ANY) -> list[dict]:
    rows = _rows(conn, f"SELECT id, committee, meeting_date, {_council_of('document_id')} AS authority FROM meetings "
                       "WHERE meeting_date = ? ORDER BY id", (day,))
    return [m for m in rows if _same_council(m["authority"], authority)]


def _reason_target(conn: sqlite3.Connection, req: Request) -> Target:
    if req.plan or req.period or req.ref:
        raise CorrectionError("name an action (--plan, --period, --ref) or an Amber reason (--meeting, --position), "
                              "not both")
    if not req.meeting or req.position is None:
        raise CorrectionError("an Amber reason is named by --meeting YYYY-MM-DD and --position N (its place in the "
                              "minutes' list)")
    council = resolve_authority(conn, req.authority)
    day = _day(req.meeting)
    meetings = _meetings(conn, day, council)
    if not meetings:
        dates = [f"{d} ({c or 'committee unknown'})" for d, c in conn.execute(
            "SELECT DISTINCT meeting_date, committee FROM meetings WHERE meeting_date IS NOT NULL ORDER BY meeting_date")]
        raise CorrectionError(f"no minutes dated {day}; minutes: {', '.join(dates) or 'none'}")
    ids = [m["id"] for m in meetings]
    rows = _rows(conn, f"SELECT id, meeting_id, position FROM amber_reasons WHERE meeting_id IN "
                       f"({', '.join('?' * len(ids))}) ORDER BY position", ids)
    mine = [r for r in rows if r["position"] == req.position]
    if council is ANY:
        held = {r["meeting_id"] for r in mine}
        _one_council((m["authority"] for m in meetings if m["id"] in held), f"the minutes of {day}")
    if not mine:
        positions = sorted({r["position"] for r in rows if r["position"] is not None})
        span = f"{positions[0]}–{positions[-1]}" if positions else "none"
        raise CorrectionError(f"the minutes of {day} hold no Amber reason {req.position}; positions: {span}")
    committees = {plan_key(m["committee"]) for m in meetings if any(r["meeting_id"] == m["id"] for r in mine)}
    if len(committees) > 1:
        raise CorrectionError(f"several sets of minutes dated {day} hold a reason {req.position}: "
                              f"{'; '.join(sorted({m['committee'] or '?' for m in meetings}))}")
    meeting = next(m for m in meetings if m["id"] == mine[0]["meeting_id"])
    committee = meeting["committee"]
    # the plan the reason is about and the period of the report the meeting discussed: where the
    # report lists the correction (matching still goes by meeting date and position)
    from plantrack.pipeline.reconcile.linking import discussed_report

    about = _one(conn, "SELECT plan FROM amber_reasons WHERE id = ?", (mine[0]["id"],))["plan"]
    report = discussed_report(day, about, _all_reports(conn), meeting["authority"])
    return Target("amber_reason", authority=meeting["authority"], plan=about, key=plan_key(about) if about else None,
                  period=report["period"] if report else None, meeting_date=day, position=req.position,
                  committee=committee, rows=[{"id": r["id"]} for r in mine])


def _minutes_files(conn: sqlite3.Connection, asked: str) -> list[dict]:
    """The documents `asked` names: by file name (as `review` shows it, or a path ending in it), else by
    the start of its sha256 (8 characters or more)."""
    asked = asked.strip()
    name = asked.replace("\\", "/").rsplit("/", 1)[-1]
    docs = _rows(conn, "SELECT id, sha256, filename, authority FROM documents WHERE filename = ? ORDER BY id", (name,))
    if not docs and len(asked) >= 8 and all(c in "0123456789abcdef" for c in asked.lower()):
        docs = _rows(conn, "SELECT id, sha256, filename, authority FROM documents WHERE sha256 LIKE ? ORDER BY id",
                     (asked.lower() + "%",))
    return docs


def _minutes_target(conn: sqlite3.Connection, req: Request) -> Target:
    if req.plan or req.period or req.ref or req.meeting or req.position is not None:
        raise CorrectionError("name a set of minutes by --minutes FILE (and --page), without --plan, --period, --ref, "
                              "--meeting or --position")
    docs = _minutes_files(conn, req.minutes or "")
    council = resolve_authority(conn, req.authority)
    docs = [d for d in docs if _same_council(d["authority"], council)]
    if len({d["sha256"] for d in docs}) > 1:
        raise CorrectionError(f"several files are named {req.minutes}: give --authority, or the file's sha256 "
                              f"({', '.join(sorted(d['sha256'][:12] for d in docs))})")
    if not docs:
        undated = [f for f, in conn.execute(
            "SELECT DISTINCT d.filename FROM meetings m JOIN documents d ON d.id = m.document_id "
            "WHERE m.meeting_date IS NULL OR m.committee IS NULL ORDER BY d.filename")]
        raise CorrectionError(f"no file named {req.minutes}; minutes without a date or committee: "
                              f"{', '.join(undated) or 'none'}")
    doc = docs[0]
    meetings = _rows(conn, "SELECT id, committee, meeting_date, first_page FROM meetings WHERE document_id = ? "
                           "ORDER BY first_page, id", (doc["id"],))
    if not meetings:
        raise CorrectionError(f"{doc['filename']} holds no minutes (its reading found none)")
    if req.page is not None:
        meetings = [m for m in meetings if m["first_page"] == req.page]
        if not meetings:
            starts = ", ".join(str(m["first_page"]) for m in _rows(
                conn, "SELECT first_page FROM meetings WHERE document_id = ? ORDER BY first_page", (doc["id"],)))
            raise CorrectionError(f"no minutes start on page {req.page} of {doc['filename']}; they start on: {starts}")
    elif len(meetings) > 1:
        raise CorrectionError(f"{doc['filename']} holds several sets of minutes: give --page, the page one starts on "
                              f"({', '.join(str(m['first_page']) for m in meetings)})")
    m = meetings[0]
    return Target("meeting", authority=doc["authority"], meeting_date=m["meeting_date"], committee=m["committee"],
                  sha256=doc["sha256"], first_page=m["first_page"], filename=doc["filename"], rows=[{"id": m["id"]}])


def _link_target(conn: sqlite3.Connection, reason_id: int, ref: str | None) -> tuple[int | None, float | None, str]:
    """The action `ref` names in the report the reason's meeting discussed: (action id, match score,
    what it is); (None, None, …) for ref None. CorrectionError when there is no such action."""
    from plantrack.pipeline.reconcile.linking import discussed_report, pair_score

    if ref is None:
        return None, None, "no action"
    row = _one(conn, f"SELECT ar.plan, ar.action_text, m.meeting_date, {_council_of('m.document_id')} AS authority "
                     "FROM amber_reasons ar JOIN meetings m ON m.id = ar.meeting_id WHERE ar.id = ?", (reason_id,))
    report = discussed_report(row["meeting_date"], row["plan"], _all_reports(conn), row["authority"])
    if report is None:
        raise CorrectionError(f"the reason is about {row['plan'] or 'no plan'}, and no report of it dated on or before "
                              f"{row['meeting_date']} has been read, so there is no action to link it to")
    refs = _printed_refs(conn, [report["id"]])
    ids = [aid for aid, r in refs.items() if ref_key(r) == ref_key(ref)]
    if not ids:
        known = sorted({r for r in refs.values() if r}, key=ref_order)
        raise CorrectionError(f"no action {ref} in the {report['period']} report of {report['plan']} (the one the "
                              f"meeting discussed); refs: {', '.join(known) or 'none'}")
    text = conn.execute("SELECT text FROM actions WHERE id = ?", (ids[0],)).fetchone()[0]
    return ids[0], round(pair_score(row["action_text"] or "", text or ""), 1), refs[ids[0]]


def _all_reports(conn: sqlite3.Connection) -> list[dict]:
    return _rows(conn, f"SELECT id, plan, as_at, period, {_council_of('document_id')} AS authority FROM reports")


def plan_request(conn: sqlite3.Connection, req: Request) -> tuple[Target, list[tuple[str, str | None]]]:
    """Check a request against the database without writing: the target and the (field, value)
    pairs to store, or CorrectionError with one line naming what exists."""
    if not _has(conn, "reports"):
        raise CorrectionError("the database holds no papers yet: run `plantrack run` first")
    reason = req.meeting is not None or req.position is not None
    allowed = MEETING_FIELDS if req.minutes else REASON_FIELDS if reason else ACTION_FIELDS
    pairs = [(n, _clean_value(n, v)) for n, v in _pairs(req.sets, allowed)]  # cheap checks first
    target = (_minutes_target(conn, req) if req.minutes else _reason_target(conn, req) if reason
              else _action_target(conn, req))
    for name, value in pairs:
        if name == "action_ref":
            for row in target.rows:
                _link_target(conn, row["id"], value)
        if name == "ref" and target.kind == "action":
            reports = {r for r, in conn.execute(
                f"SELECT report_id FROM actions WHERE id IN ({', '.join('?' * len(target.rows))})",
                [r["id"] for r in target.rows])}
            taken = [r for aid, r in _printed_refs(conn, reports).items()
                     if ref_key(r) == ref_key(value) and aid not in {t["id"] for t in target.rows}]
            if taken:
                raise CorrectionError(f"ref {value} is already another action's in that report; correct that one first")
    return target, pairs


# ----------------------------------------------------------------------------
# writing: create, undo, apply
# ----------------------------------------------------------------------------

def create(db, req: Request) -> list[int]:
    """Check and store a request's corrections in one transaction, apply them, and return their ids.
    A new correction of the same thing and field replaces (withdraws) the earlier one."""
    with transaction(db) as conn:
        target, pairs = plan_request(conn, req)
        ids = []
        for name, value in pairs:
            same = _same(conn, target, name)
            for old in same:
                conn.execute("UPDATE corrections SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ?",
                             (now(), req.by, old))
            ids.append(conn.execute(
                "INSERT INTO corrections (target, authority, plan, plan_key, period, ref, meeting_date, position, "
                "committee, field, new_value, note, made_by, made_at, document_sha256, first_page, filename) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (target.kind, target.authority, target.plan, target.key, target.period, target.ref, target.meeting_date, target.position,
                 target.committee, name, value, req.note, req.by, now(), target.sha256, target.first_page,
                 target.filename)).lastrowid)
        bump_data_version(conn)
        _apply(conn)
    return ids


def _same(conn: sqlite3.Connection, t: Target, name: str) -> list[int]:
    rows = [r for r in _rows(conn, "SELECT id, target, authority, plan_key, period, ref, meeting_date, position "
                                   "FROM corrections WHERE withdrawn_at IS NULL AND field = ? AND target = ?",
                             (name, t.kind)) if _same_council(r["authority"], t.authority)]
    if t.kind == "action":
        return [r["id"] for r in rows if r["plan_key"] == t.key and r["period"] == t.period
                and ref_key(r["ref"]) == ref_key(t.ref)]
    if t.kind == "meeting":
        return [i for i, in conn.execute(
            "SELECT id FROM corrections WHERE withdrawn_at IS NULL AND field = ? AND target = 'meeting' "
            "AND document_sha256 = ? AND first_page IS ?", (name, t.sha256, t.first_page))]
    return [r["id"] for r in rows if r["meeting_date"] == t.meeting_date and r["position"] == t.position]


def check_undo(conn: sqlite3.Connection, correction_id: int) -> dict:
    """The correction to withdraw, or CorrectionError naming those in force."""
    row = _one(conn, "SELECT * FROM corrections WHERE id = ?", (correction_id,)) if _has(conn, "corrections") else None
    if row is None:
        known = [str(i) for i, in conn.execute("SELECT id FROM corrections WHERE withdrawn_at IS NULL ORDER BY id")] \
            if _has(conn, "corrections") else []
        raise CorrectionError(f"no correction {correction_id}; corrections in force: {', '.join(known) or 'none'}")
    if row["withdrawn_at"]:
        raise CorrectionError(f"correction {correction_id} was already withdrawn on {row['withdrawn_at']}")
    return row


def undo(db, correction_id: int, by: str | None = None) -> dict:
    """Withdraw a correction: the rows get back what extraction gave them. Returns the correction."""
    with transaction(db) as conn:
        row = check_undo(conn, correction_id)
        conn.execute("UPDATE corrections SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ?", (now(), by, correction_id))
        _restore(conn, "correction_id = ?", (correction_id,))
        bump_data_version(conn)
        _apply(conn)
    return row


def _restore(conn: sqlite3.Connection, where: str, args: tuple) -> None:
    """Put back what extraction gave the rows the matching markers describe, and drop the markers."""
    for table, row_id, extracted in list(conn.execute(
            f"SELECT row_table, row_id, extracted FROM corrected_values WHERE {where}", args)):
        values = json.loads(extracted or "{}")
        if values and table in TABLES.values():
            conn.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in values)} WHERE id = ?",
                         (*values.values(), row_id))
    conn.execute(f"DELETE FROM corrected_values WHERE {where}", args)


def apply_all(db) -> dict[str, int]:
    """Apply every correction in force to what the database holds now (after each load and re-link);
    returns {"applied": n, "stale": m}."""
    if not _has(db.conn, "corrections"):
        return {"applied": 0, "stale": 0}
    with transaction(db) as conn:
        return _apply(conn)


def _apply(conn: sqlite3.Connection) -> dict[str, int]:
    # markers left by corrections no longer in force (withdrawn) give their rows back first
    _restore(conn, "correction_id NOT IN (SELECT id FROM corrections WHERE withdrawn_at IS NULL)", ())
    counts = {"applied": 0, "stale": 0}
    # a set of minutes' date and committee first: the Amber reasons are linked by the meeting's date (and
    # the reasons' own corrections found by it), so when one changes the links are made again before
    # the other corrections are applied over them
    from plantrack.pipeline.reconcile.linking_store import relink_in  # lazily, as the other reconcile imports here

    every = _rows(conn, "SELECT * FROM corrections WHERE withdrawn_at IS NULL ORDER BY target != 'meeting', id")
    changed = False
    for c in every:
        if c["target"] != "meeting" and changed:
            relink_in(conn)
            changed = False
        if c["authority"] is None and c["target"] != "meeting":
            c["authority"] = _adopt_council(conn, c)
        try:
            old, wrote = _apply_one(conn, c)
            changed = changed or (wrote and c["target"] == "meeting")
        except CorrectionError as e:
            conn.execute("UPDATE corrections SET applies = 0, problem = ?, checked_at = ? WHERE id = ?",
                         (str(e), now(), c["id"]))
            counts["stale"] += 1
            continue
        conn.execute("UPDATE corrections SET applies = 1, problem = NULL, old_value = ?, checked_at = ? WHERE id = ?",
                     (old, now(), c["id"]))
        counts["applied"] += 1
    if changed:  # only meeting corrections were in force
        relink_in(conn)
    return counts


def _adopt_council(conn: sqlite3.Connection, c: dict) -> str | None:
    """The council of a correction stored without one, when the papers it names are all one council's.

    Corrections made before they carried their council (and those made while the papers' council was not
    known) have none, and would apply only to papers of no known council: once their papers name a
    council (fetched, or `--authority` given on a later run) they would fall stale. When no paper of
    unknown council fits and the fitting papers are all one council's, the correction takes that council
    (written back, so that `corrections` shows it); when they are several councils', it stays as it is and
    is reported stale, to be made again with --authority."""
    if c["target"] == "action":
        if _reports(conn, c["plan_key"], c["period"], None):
            return None
        found = {r["authority"] for r in _reports(conn, c["plan_key"], c["period"], ANY)}
    else:
        if _meetings(conn, c["meeting_date"], None):
            return None
        found = {m["authority"] for m in _meetings(conn, c["meeting_date"], ANY)}
    if len(found) != 1:
        return None
    (council,) = found
    conn.execute("UPDATE corrections SET authority = ? WHERE id = ?", (council, c["id"]))
    return council


def _current_target(conn: sqlite3.Connection, c: dict) -> Target:
    """The rows a stored correction names today; CorrectionError (why it no longer applies) when none."""
    if c["target"] == "meeting":  # its file, by its contents: the council the file names now does not matter
        ids = [i for i, in conn.execute(
            "SELECT m.id FROM meetings m JOIN documents d ON d.id = m.document_id WHERE d.sha256 = ? "
            "AND m.first_page IS ?", (c["document_sha256"], c["first_page"]))]
        if not ids:
            raise CorrectionError(f"no minutes starting on page {c['first_page']} of {c['filename']} any more"
                                  if c["first_page"] is not None else f"no minutes in {c['filename']} any more")
        return Target("meeting", rows=[{"id": i} for i in ids])
    if c["target"] == "action":
        reports = _reports(conn, c["plan_key"], c["period"], c["authority"])
        if not reports:
            raise CorrectionError(f"no report of {c['plan']} for {c['period']} any more")
        refs = _printed_refs(conn, [r["id"] for r in reports])
        ids = [aid for aid, ref in refs.items() if ref_key(ref) == ref_key(c["ref"])]
        if not ids:
            raise CorrectionError(f"no action {c['ref']} in the {c['period']} report of {c['plan']} any more")
        return Target("action", rows=[{"id": i} for i in ids])
    meetings = _meetings(conn, c["meeting_date"], c["authority"])
    if c["committee"] and len(meetings) > 1:  # several meetings that day: the one corrected
        meetings = [m for m in meetings if plan_key(m["committee"]) == plan_key(c["committee"])] or meetings
    ids = [m["id"] for m in meetings]
    rows = _rows(conn, f"SELECT id FROM amber_reasons WHERE position = ? AND meeting_id IN "
                       f"({', '.join('?' * len(ids))})", (c["position"], *ids)) if ids else []
    if not meetings:
        raise CorrectionError(f"no minutes dated {c['meeting_date']} any more")
    if not rows:
        raise CorrectionError(f"the minutes of {c['meeting_date']} hold no Amber reason {c['position']} any more")
    return Target("amber_reason", rows=[{"id": r["id"]} for r in rows])


def _apply_one(conn: sqlite3.Connection, c: dict) -> tuple[str | None, bool]:
    """Write one correction into the rows it names; returns the value extraction gave (for display) and
    whether a row had to be changed."""
    target = _current_target(conn, c)
    table = TABLES[c["target"]]
    wrote = False
    name = c["field"]
    cols = COLUMNS.get(name, (name,))
    shown: list[str | None] = []
    for row in target.rows:
        rid = row["id"]
        if name == "action_ref":
            action_id, score, _ = _link_target(conn, rid, c["new_value"])
            wanted = {"action_id": action_id, "match_score": score}
        else:
            wanted = {name: c["new_value"]}
        current = _one(conn, f"SELECT {', '.join(cols)} FROM {table} WHERE id = ?", (rid,))
        marker = _one(conn, "SELECT extracted FROM corrected_values WHERE row_table = ? AND row_id = ? AND field = ?",
                      (table, rid, name))
        if marker is None or current != wanted:
            # not yet corrected, or rewritten since (re-linked, updated): what it holds now is the extracted value
            extracted = current
            conn.execute("INSERT OR REPLACE INTO corrected_values (row_table, row_id, field, correction_id, extracted) "
                         "VALUES (?, ?, ?, ?, ?)", (table, rid, name, c["id"], json.dumps(extracted)))
        else:
            extracted = json.loads(marker["extracted"] or "{}")
            conn.execute("UPDATE corrected_values SET correction_id = ? WHERE row_table = ? AND row_id = ? AND field = ?",
                         (c["id"], table, rid, name))
        if current != wanted:
            conn.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in wanted)} WHERE id = ?",
                         (*wanted.values(), rid))
            wrote = True
        shown.append(_display(conn, name, extracted))
    return (shown[0] if shown else None), wrote


def _display(conn: sqlite3.Connection, name: str, extracted: dict) -> str | None:
    """The extracted value as a clerk reads it: a link as the linked action's ref."""
    if name != "action_ref":
        return extracted.get(name)
    aid = extracted.get("action_id")
    if aid is None:
        return None
    row = conn.execute("SELECT ref FROM actions WHERE id = ?", (aid,)).fetchone()
    return (row[0] or "(no ref)") if row else None


# ----------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------

def what(c: dict) -> str:
    if c["target"] == "action":
        return f"{c['plan']} {c['period']} action {c['ref']}"
    if c["target"] == "meeting":
        page = f" (page {c['first_page']})" if c.get("first_page") is not None else ""
        return f"minutes in {c.get('filename') or (c.get('document_sha256') or '')[:12]}{page}"
    return f"minutes of {c['meeting_date']} ({c['committee'] or 'committee unknown'}) reason {c['position']}"


def state(c: dict) -> str:
    if c["withdrawn_at"]:
        return "withdrawn"
    return "applies" if c["applies"] else "no longer applies"


def listing(conn: sqlite3.Connection, include_withdrawn: bool = True, authority: str | None = None) -> list[dict]:
    """Every correction, oldest first, as a clerk reads it; only those of the councils `authority`
    names (part of the name will do), when given."""
    if not _has(conn, "corrections"):
        return []
    rows = _rows(conn, "SELECT * FROM corrections ORDER BY id")
    out = []
    for r in rows:
        if r["withdrawn_at"] and not include_withdrawn:
            continue
        if authority and not authority_matches(r["authority"], authority):
            continue
        if not r["withdrawn_at"]:  # checked now, not only at the last load: rows may have gone since
            try:
                _current_target(conn, r)
                r["applies"], r["problem"] = 1, None
            except CorrectionError as e:
                r["applies"], r["problem"] = 0, str(e)
        out.append({"id": r["id"], "what": what(r), "target": r["target"], "authority": r["authority"],
                    "plan": r["plan"], "period": r["period"], "ref": r["ref"], "meeting_date": r["meeting_date"],
                    "position": r["position"], "committee": r["committee"], "field": r["field"],
                    "old_value": r["old_value"], "new_value": r["new_value"], "note": r["note"], "by": r["made_by"],
                    "when": r["made_at"], "state": state(r), "applies": bool(r["applies"]) and not r["withdrawn_at"],
                    "problem": r["problem"], "withdrawn_at": r["withdrawn_at"], "withdrawn_by": r["withdrawn_by"]})
    return out


def stale(conn: sqlite3.Connection) -> list[dict]:
    """Corrections in force whose target no longer exists."""
    return [c for c in listing(conn, include_withdrawn=False) if c["state"] == "no longer applies"]


def stale_sentence(items: list[dict]) -> str | None:
    """"1 correction no longer applies: …", for `status` and the digest; None when all apply."""
    if not items:
        return None
    n = len(items)
    parts = "; ".join(f"#{c['id']} {c['what']} {c['field']} → {c['new_value'] or 'none'} ({c['problem']})" for c in items)
    return f"{n} correction{'s' if n != 1 else ''} no longer appl{'ies' if n == 1 else 'y'}: {parts}"


def corrected_cells(conn: sqlite3.Connection) -> set[tuple[str, int, str]]:
    """(table, row id, field) of every value a correction sets now, for the digest's ✎ marks."""
    if not _has(conn, "corrected_values"):
        return set()
    return {(t, i, f) for t, i, f in conn.execute("SELECT row_table, row_id, field FROM corrected_values")}


def for_digest(conn: sqlite3.Connection) -> dict:
    """What the report needs: the corrections in force ("listing", each with its plan key and
    period), the actions whose status a correction sets ("rag_fixed"), and the stale sentence."""
    if not _has(conn, "corrections"):
        return {"listing": [], "rag_fixed": set(), "stale": None}
    keys = {r["id"]: r["plan_key"] for r in _rows(conn, "SELECT id, plan_key FROM corrections")}
    rows = [{**c, "plan_key": keys.get(c["id"])} for c in listing(conn, include_withdrawn=False)]
    fixed = {i for t, i, f in corrected_cells(conn) if t == "actions" and f == "rag"}
    return {"listing": rows, "rag_fixed": fixed, "stale": stale_sentence([c for c in rows if not c["applies"]])}
