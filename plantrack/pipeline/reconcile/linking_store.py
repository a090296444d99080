"""Re-link every amber reason to the action it justifies, from what the database holds now.

Run after every load, not only when minutes arrive: minutes ingested before their report get
linked on the run that brings the report. Links are made within a council (a meeting's minutes link
into reports of its own authority) and between the papers used only (`superseded_by` NULL): the
reasons of a superseded copy of minutes link to nothing, and nothing links into a superseded report.
"""
from __future__ import annotations

from collections import defaultdict

from plantrack.pipeline.reconcile.linking import ANY_AUTHORITY, discussed_report, match_reasons
from plantrack.store import transaction
from plantrack.store.supersede import supersede


def _reports(conn) -> list[dict]:
    """The reports used (not superseded), with their document's authority."""
    return [dict(zip(("id", "plan", "as_at", "period", "authority"), r)) for r in conn.execute(
        "SELECT r.id, r.plan, r.as_at, r.period, d.authority FROM reports r "
        "LEFT JOIN documents d ON d.id = r.document_id WHERE r.superseded_by IS NULL")]


def link_texts(conn, reports: list[dict], plan: str | None, meeting_date: str | None,
               action_texts: list[str], authority=None) -> tuple[dict | None, list[tuple[dict | None, float | None]]]:
    """The report a meeting of `authority` discussed for `plan`, and for each minuted action text its
    action (id, ref, text) and match score — or (None, None) when nothing matches well enough."""
    report = discussed_report(meeting_date, plan, reports, authority) if meeting_date and plan else None
    if report is None:
        return None, [(None, None)] * len(action_texts)
    actions = [dict(zip(("id", "text", "ref"), a)) for a in
               conn.execute("SELECT id, text, ref FROM actions WHERE report_id = ? ORDER BY id", (report["id"],))]
    by_id = {a["id"]: a for a in actions}
    links = match_reasons([t or "" for t in action_texts], actions)
    return report, [(by_id.get(aid), score if aid is not None else None) for aid, score in links]


def relink_in(conn) -> int:
    """Choose again which copy of each paper counts, then recompute amber_reasons.action_id /
    match_score, inside the caller's transaction; returns how many link."""
    supersede(conn)
    reports = _reports(conn)
    groups: dict[tuple, list] = defaultdict(list)
    updates = []
    for rid, meeting_id, plan, text, date, authority, superseded in conn.execute(
            "SELECT ar.id, ar.meeting_id, ar.plan, ar.action_text, m.meeting_date, d.authority, m.superseded_by "
            "FROM amber_reasons ar JOIN meetings m ON m.id = ar.meeting_id "
            "LEFT JOIN documents d ON d.id = m.document_id ORDER BY ar.meeting_id, ar.position"):
        if superseded is not None:
            updates.append((None, None, rid))  # the copy used carries the links
        else:
            groups[(meeting_id, plan, date, authority)].append((rid, text))
    for (_, plan, date, authority), items in groups.items():
        _, links = link_texts(conn, reports, plan, date, [t for _, t in items], authority)
        updates += [(a["id"] if a else None, score, rid) for (rid, _), (a, score) in zip(items, links)]
    conn.executemany("UPDATE amber_reasons SET action_id = ?, match_score = ? WHERE id = ?", updates)
    return sum(1 for u in updates if u[0] is not None)


def relink(db) -> int:
    """relink_in, in one transaction of its own that also records the data version it linked
    (links_pending); returns how many link."""
    with transaction(db) as c:
        linked = relink_in(c)
        c.execute("INSERT OR REPLACE INTO meta(key, value) "
                  "SELECT 'linked_version', COALESCE((SELECT value FROM meta WHERE key = 'data_version'), '0')")
        return linked


def links_pending(db) -> bool:
    """Documents were stored (or a council or correction changed) since the links were last made.

    Kept in the database, not in the run: a run killed after storing its last paper and before
    linking leaves this true, so the next run (or `reconcile`) links then, though every file is
    unchanged by then."""
    row = db.conn.execute("SELECT COALESCE((SELECT value FROM meta WHERE key = 'linked_version'), '-1') = "
                          "COALESCE((SELECT value FROM meta WHERE key = 'data_version'), '0')").fetchone()
    return not row[0]


def preview_links(db, meeting, authority=ANY_AUTHORITY) -> tuple[list[dict | None], list[tuple[dict | None, float | None]]]:
    """For `plantrack inspect`: how a meeting's reasons would link against this database (read only),
    among the reports of `authority` (by default of any council). Returns per reason the report
    discussed and the (action, score) link."""
    conn = db.conn
    reports = _reports(conn)
    by_plan: dict[str | None, list[int]] = defaultdict(list)
    for i, r in enumerate(meeting.amber_reasons):
        by_plan[r.plan].append(i)
    discussed: list[dict | None] = [None] * len(meeting.amber_reasons)
    links: list[tuple[dict | None, float | None]] = [(None, None)] * len(meeting.amber_reasons)
    for plan, idx in by_plan.items():
        report, found = link_texts(conn, reports, plan, meeting.meeting_date,
                                   [meeting.amber_reasons[i].action_text for i in idx], authority)
        for i, link in zip(idx, found):
            discussed[i], links[i] = report, link
    return discussed, links
