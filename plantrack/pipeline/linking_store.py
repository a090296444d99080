"""Re-link every amber reason to the action it justifies, from what the database holds now.

Run after every load, not only when minutes arrive: minutes ingested before their report get
linked on the run that brings the report.
"""
from __future__ import annotations

from collections import defaultdict

from .linking import discussed_report, match_reasons
from .store import transaction


def _reports(conn) -> list[dict]:
    return [dict(zip(("id", "plan", "as_at", "period"), r))
            for r in conn.execute("SELECT id, plan, as_at, period FROM reports")]


def link_texts(conn, reports: list[dict], plan: str | None, meeting_date: str | None,
               action_texts: list[str]) -> tuple[dict | None, list[tuple[dict | None, float | None]]]:
    """The report a meeting discussed for `plan`, and for each minuted action text its action
    (id, ref, text) and match score — or (None, None) when nothing matches well enough."""
    report = discussed_report(meeting_date, plan, reports) if meeting_date and plan else None
    if report is None:
        return None, [(None, None)] * len(action_texts)
    actions = [dict(zip(("id", "text", "ref"), a)) for a in
               conn.execute("SELECT id, text, ref FROM actions WHERE report_id = ? ORDER BY id", (report["id"],))]
    by_id = {a["id"]: a for a in actions}
    links = match_reasons([t or "" for t in action_texts], actions)
    return report, [(by_id.get(aid), score if aid is not None else None) for aid, score in links]


def relink(db) -> int:
    """Recompute amber_reasons.action_id / match_score in one transaction; returns how many link."""
    conn = db.conn
    reports = _reports(conn)
    groups: dict[tuple, list] = defaultdict(list)
    for rid, meeting_id, plan, text, date in conn.execute(
            "SELECT ar.id, ar.meeting_id, ar.plan, ar.action_text, m.meeting_date FROM amber_reasons ar "
            "JOIN meetings m ON m.id = ar.meeting_id ORDER BY ar.meeting_id, ar.position"):
        groups[(meeting_id, plan, date)].append((rid, text))
    updates = []
    for (_, plan, date), items in groups.items():
        _, links = link_texts(conn, reports, plan, date, [t for _, t in items])
        updates += [(a["id"] if a else None, score, rid) for (rid, _), (a, score) in zip(items, links)]
    with transaction(db) as c:
        c.executemany("UPDATE amber_reasons SET action_id = ?, match_score = ? WHERE id = ?", updates)
    return sum(1 for u in updates if u[0] is not None)


def preview_links(db, meeting) -> tuple[list[dict | None], list[tuple[dict | None, float | None]]]:
    """For `plantrack inspect`: how a meeting's reasons would link against this database (read only).
    Returns per reason the report discussed and the (action, score) link."""
    conn = db.conn
    reports = _reports(conn)
    by_plan: dict[str | None, list[int]] = defaultdict(list)
    for i, r in enumerate(meeting.amber_reasons):
        by_plan[r.plan].append(i)
    discussed: list[dict | None] = [None] * len(meeting.amber_reasons)
    links: list[tuple[dict | None, float | None]] = [(None, None)] * len(meeting.amber_reasons)
    for plan, idx in by_plan.items():
        report, found = link_texts(conn, reports, plan, meeting.meeting_date,
                                   [meeting.amber_reasons[i].action_text for i in idx])
        for i, link in zip(idx, found):
            discussed[i], links[i] = report, link
    return discussed, links
