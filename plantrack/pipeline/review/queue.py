"""The review queue: what the pipeline is least sure of, most doubtful first, for a clerk to check.

One SQL query (REVIEW_SQL) serves both `plantrack review` and the Datasette canned query `review`,
so the two can never disagree. Each item has the file, the page and the value read, and a `doubt`
from 0 to 1 that orders the queue:

* a status read from a colour far from every colour of the report's key (the extractor records the
  distance in the action's `extra` as `_colour_distance`, and the colour as `_status_colour`, when it
  is above extract.report.FAR_COLOUR): doubt = distance / the farthest colour still read (1 when the
  colour was too far to read at all);
* a status word no key or vocabulary knows (`status_text` printed, `rag` NULL): 0.9;
* an Amber reason the minutes give that links to no action: 0.8; one linked with a match score
  below REVIEW_SCORE: 0.3 at that score, rising to 0.8 at the linking threshold;
* minutes without a committee or a date (a meeting without a date cannot be linked to a report): 0.95;
* a priority's printed score that does not add up (`score_mismatch` finding: often a misread status): 0.6.

Each item names its council (`authority`, the paper's documents.authority). Papers superseded by
another copy are left out, and so is anything a clerk has already corrected
(`corrected_values`).
"""
from __future__ import annotations

import sqlite3

from plantrack.models.keys import authority_matches
from plantrack.pipeline.reconcile.linking import MATCH_THRESHOLD

# Right pairs on the sample score 100; lightly edited ones ≥ 85 in 99% of simulations (linking.py).
REVIEW_SCORE = 90.0
_LOWEST_READ = 0.45  # colours.nearest's limit: a colour farther than this from every key colour is not read

REVIEW_SQL = f"""
SELECT * FROM (
SELECT round(CASE WHEN a.rag IS NULL THEN 1.0
                  ELSE min(1.0, CAST(json_extract(a.extra, '$._colour_distance') AS REAL) / {_LOWEST_READ}) END, 2)
         AS doubt,
       'status colour far from the key' AS kind,
       r.plan || ' ' || coalesce(r.period, '?') || ' action ' || coalesce(a.ref, '(no ref)') AS what,
       d.filename AS file, a.page AS page,
       json_extract(a.extra, '$._status_colour') || ' read as ' || coalesce(a.rag, 'nothing') AS value,
       'the cell colour is ' || json_extract(a.extra, '$._colour_distance')
         || ' from the nearest key colour (0 = the same)' AS why,
       r.plan AS plan, r.period AS period, a.ref AS ref, NULL AS meeting_date, NULL AS position,
       a.id AS action_id, NULL AS amber_reason_id, d.id AS document_id, d.authority AS authority
FROM actions a JOIN reports r ON r.id = a.report_id LEFT JOIN documents d ON d.id = r.document_id
WHERE json_extract(a.extra, '$._colour_distance') IS NOT NULL AND r.superseded_by IS NULL
  AND NOT EXISTS (SELECT 1 FROM corrected_values c WHERE c.row_table = 'actions' AND c.row_id = a.id AND c.field = 'rag')
UNION ALL
SELECT 0.9, 'unknown status word',
       r.plan || ' ' || coalesce(r.period, '?') || ' action ' || coalesce(a.ref, '(no ref)'),
       d.filename, a.page, a.status_text,
       'no key, configured word or default word gives this status a colour, so it is unrated',
       r.plan, r.period, a.ref, NULL, NULL, a.id, NULL, d.id, d.authority
FROM actions a JOIN reports r ON r.id = a.report_id LEFT JOIN documents d ON d.id = r.document_id
WHERE a.status_text IS NOT NULL AND a.rag IS NULL AND r.superseded_by IS NULL
  AND NOT EXISTS (SELECT 1 FROM corrected_values c WHERE c.row_table = 'actions' AND c.row_id = a.id AND c.field = 'rag')
UNION ALL
SELECT CASE WHEN ar.action_id IS NULL THEN 0.8
            ELSE round(0.3 + 0.5 * ({REVIEW_SCORE} - ar.match_score) / ({REVIEW_SCORE} - {MATCH_THRESHOLD}), 2) END,
       CASE WHEN ar.action_id IS NULL THEN 'Amber reason linked to no action' ELSE 'Amber reason linked weakly' END,
       'minutes of ' || coalesce(m.meeting_date, '?') || ' reason ' || ar.position,
       d.filename, ar.page, ar.action_text,
       CASE WHEN ar.action_id IS NULL THEN 'its action text matches no action of the report the meeting discussed'
            ELSE 'linked to action ' || coalesce(x.ref, '(no ref)') || ' with a match score of ' || ar.match_score
                 || ' out of 100' END,
       ar.plan, NULL, x.ref, m.meeting_date, ar.position, ar.action_id, ar.id, d.id, d.authority
FROM amber_reasons ar JOIN meetings m ON m.id = ar.meeting_id LEFT JOIN documents d ON d.id = m.document_id
LEFT JOIN actions x ON x.id = ar.action_id
WHERE (ar.action_id IS NULL OR ar.match_score < {REVIEW_SCORE}) AND m.superseded_by IS NULL
  AND NOT EXISTS (SELECT 1 FROM corrected_values c WHERE c.row_table = 'amber_reasons' AND c.row_id = ar.id
                  AND c.field = 'action_ref')
UNION ALL
SELECT 0.95, 'minutes without ' || CASE WHEN m.meeting_date IS NULL AND m.committee IS NULL THEN 'committee or date'
                                        WHEN m.meeting_date IS NULL THEN 'date' ELSE 'committee' END,
       'minutes in ' || coalesce(d.filename, '?'), d.filename, m.first_page,
       coalesce(m.committee, '?') || ', ' || coalesce(m.meeting_date, '?'),
       CASE WHEN m.meeting_date IS NULL THEN 'without a date its Amber reasons cannot be linked to a report'
            ELSE 'the committee''s name was not found in the title block' END,
       NULL, NULL, NULL, m.meeting_date, NULL, NULL, NULL, d.id, d.authority
FROM meetings m LEFT JOIN documents d ON d.id = m.document_id
WHERE (m.committee IS NULL OR trim(m.committee) = '' OR m.meeting_date IS NULL) AND m.superseded_by IS NULL
UNION ALL
SELECT 0.6, 'priority score does not add up',
       f.plan || ' ' || coalesce(f.period, '?') || ' priority ' || f.priority_number,
       d.filename, r.first_page,
       (SELECT p.current_score FROM priorities p WHERE p.report_id = r.id AND p.number = f.priority_number),
       f.detail, f.plan, f.period, NULL, NULL, NULL, NULL, NULL, d.id, d.authority
FROM findings f LEFT JOIN documents d ON d.id = f.document_id
LEFT JOIN reports r ON r.document_id = f.document_id AND r.period = f.period AND r.plan = f.plan
WHERE f.kind = 'score_mismatch'
)
ORDER BY doubt DESC, file, page, what
"""

_EMPTY = {
    "corrected_values": "CREATE TEMP TABLE IF NOT EXISTS corrected_values (row_table TEXT, row_id INTEGER, field TEXT)",
    "findings": "CREATE TEMP TABLE IF NOT EXISTS findings (plan TEXT, period TEXT, kind TEXT, ref TEXT, "
                "priority_number INTEGER, document_id INTEGER, detail TEXT)",
}


def queue(conn: sqlite3.Connection, authority: str | None = None) -> list[dict]:
    """Every item of the review queue, most doubtful first, as dicts; only the items of the councils
    `authority` names (part of the name will do, as `report --authority`), when given."""
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "actions" not in have:
        return []
    for name, sql in _EMPTY.items():  # a database not yet corrected or reconciled (temp: works read-only too)
        if name not in have:
            conn.execute(sql)
    cur = conn.execute(REVIEW_SQL)
    names = [c[0] for c in cur.description]
    items = [dict(zip(names, row)) for row in cur]
    return [i for i in items if not authority or authority_matches(i["authority"], authority)]


CANNED = {
    "title": "Review queue: what most deserves a look",
    "description": "What the pipeline is least sure of, most doubtful first (doubt 0–1), each with the file, "
                   "page and value read: statuses read from a colour far from every key colour, unknown status "
                   "words, Amber reasons linked weakly or to no action, minutes without committee or date, "
                   "priority scores that do not add up. Put a value right with `plantrack correct`; corrected "
                   "items leave the queue.",
    "params": [],
    "sql": REVIEW_SQL.strip(),
}
