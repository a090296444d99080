"""Re-link every amber reason to the action it justifies, from what the database holds now.

Run after every load, not only when minutes arrive: minutes ingested before their report get
linked on the run that brings the report.
"""
from __future__ import annotations

from collections import defaultdict

from .linking import discussed_report, match_reasons
from .store import transaction


def relink(db) -> int:
    """Recompute amber_reasons.action_id / match_score in one transaction; returns how many link."""
    conn = db.conn
    reports = [dict(zip(("id", "plan", "as_at"), r)) for r in conn.execute("SELECT id, plan, as_at FROM reports")]
    reasons = conn.execute(
        "SELECT ar.id, ar.meeting_id, ar.plan, ar.action_text, m.meeting_date FROM amber_reasons ar "
        "JOIN meetings m ON m.id = ar.meeting_id ORDER BY ar.meeting_id, ar.position").fetchall()
    groups: dict[tuple, list] = defaultdict(list)
    for rid, meeting_id, plan, text, date in reasons:
        groups[(meeting_id, plan, date)].append((rid, text))
    updates = []
    for (_, plan, date), items in groups.items():
        report = discussed_report(date, plan, reports) if date and plan else None
        if report is None:
            updates += [(None, None, rid) for rid, _ in items]
            continue
        actions = [dict(zip(("id", "text", "ref"), a)) for a in
                   conn.execute("SELECT id, text, ref FROM actions WHERE report_id = ? ORDER BY id", (report["id"],))]
        links = match_reasons([t or "" for _, t in items], actions)
        updates += [(aid, score if aid is not None else None, rid) for (rid, _), (aid, score) in zip(items, links)]
    with transaction(db) as c:
        c.executemany("UPDATE amber_reasons SET action_id = ?, match_score = ? WHERE id = ?", updates)
    return sum(1 for u in updates if u[0] is not None)
