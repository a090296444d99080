"""The analysts' layer: views, full-text search and the Datasette set-up (`plantrack serve`).

`prepare(conn)` makes, idempotently, what plain `sqlite3`, pandas and Datasette users query besides
the contract's tables:

* `plan_series` (plan name as printed → series key), filled with `models.keys.plan_key` so a series
  here is exactly the series reconciliation used; triggers on `reports` and `amber_reasons` add new
  names meanwhile with its plain-SQL twin (`plan_key_steps`), which computes the same key.
* the views `report_series`, `latest_actions` and `status_matrix` (one column per period present,
  so it is rebuilt whenever the periods change), each carrying the council (`authority`): a series is
  one plan of one council, and superseded copies of a paper (`superseded_by`) are left out;
* FTS5 indexes over actions (text, progress) and amber_reasons (reason, effective_reason,
  action_text), kept current by triggers as rows are loaded.

Everything it creates is left as it is when already right, so it is cheap to call on every run.
Call it with no transaction open: creating an FTS index the first time commits.
"""
from __future__ import annotations

import copy
import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils

from plantrack.models.keys import plan_key, plan_key_steps, ref_key_ctes, wanted_ctes
from plantrack.models.status import DONE, ORDER
from plantrack.store import Database, schema
from plantrack.pipeline.outputs import dictionary

FTS = {"actions": ["text", "progress"], "amber_reasons": ["reason", "effective_reason", "action_text"]}

# ----------------------------------------------------------------------------
# plan series
# ----------------------------------------------------------------------------

def _trigger(table: str) -> str:
    """A new plan name's series, by plan_key's SQL twin (exact, so prepare() finds nothing to put right)."""
    updates = "".join(f"  UPDATE plan_series SET series = {step} WHERE plan = NEW.plan;\n"
                      for step in plan_key_steps("series"))
    return (f"CREATE TRIGGER plan_series_from_{table} AFTER INSERT ON {table} WHEN NEW.plan IS NOT NULL\n"
            f"  AND NOT EXISTS (SELECT 1 FROM plan_series WHERE plan = NEW.plan) BEGIN\n"
            f"  INSERT OR IGNORE INTO plan_series (plan, series) VALUES (NEW.plan, NEW.plan);\n"
            f"{updates}END")


def _plan_names(conn: sqlite3.Connection) -> set[str]:
    names: set[str] = set()
    for table in ("reports", "amber_reasons", "agenda_items", "action_history", "findings"):
        if _exists(conn, table):
            names |= {r[0] for r in conn.execute(f'SELECT DISTINCT plan FROM "{table}" WHERE plan IS NOT NULL')}
    return names


def _refresh_plan_series(conn: sqlite3.Connection) -> None:
    want = {name: plan_key(name) for name in _plan_names(conn)}
    have = dict(conn.execute("SELECT plan, series FROM plan_series"))
    if want != have:
        conn.execute("DELETE FROM plan_series")
        conn.executemany("INSERT INTO plan_series (plan, series) VALUES (?, ?)", sorted(want.items()))


# ----------------------------------------------------------------------------
# views
# ----------------------------------------------------------------------------

REPORT_SERIES = """CREATE VIEW report_series AS
SELECT r.id, r.document_id, d.authority, r.plan, ps.series, r.period, r.as_at,
       row_number() OVER (PARTITION BY d.authority, ps.series
                          ORDER BY r.period DESC, coalesce(r.as_at, '') DESC, r.id DESC) = 1 AS is_latest
FROM reports r
JOIN plan_series ps ON ps.plan = r.plan
LEFT JOIN documents d ON d.id = r.document_id
-- as reconciliation: a series is one plan of one council (NULL authority is one council); a report
-- without a plan or a period has no place in one, and a superseded copy of a paper is not used
WHERE ps.series <> '' AND trim(coalesce(r.period, '')) <> '' AND r.superseded_by IS NULL"""

LATEST_ACTIONS = """CREATE VIEW latest_actions AS
SELECT a.id, r.authority, r.plan, r.period, r.as_at, a.priority_number, a.ref, a.ofsted_ref, a.text, a.lead,
       a.timescale, a.due_date, a.success_measure, a.progress, a.rag, a.page, a.report_id
FROM actions a
JOIN report_series r ON r.id = a.report_id
WHERE r.is_latest
ORDER BY r.authority, r.series, a.id"""


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def status_matrix_sql(periods: list[str]) -> str:
    """The status_matrix view for these periods: an action's chain of counterparts (action_history's
    previous_action_id, so renumbered and reworded actions stay one row), pivoted by period."""
    pivot = "".join(f",\n         max(CASE WHEN period = {_quote_text(p)} THEN coalesce(rag, 'unrated') END) "
                    f"AS {_quote_ident(p)}" for p in periods)
    columns = "".join(f", pivot.{_quote_ident(p)}" for p in periods)
    return f"""CREATE VIEW status_matrix AS
WITH RECURSIVE
step AS (
  SELECT a.id, a.ref, a.rag, a.text, r.authority, r.plan, r.series, r.period,
         (SELECT h.previous_action_id FROM action_history h WHERE h.action_id = a.id) AS previous_id
  FROM actions a JOIN report_series r ON r.id = a.report_id
),
chain (root, id, depth, refs) AS (
  -- a chain starts at an action with no counterpart before it (or one no longer stored)
  SELECT id, id, 0, coalesce(ref, '?') FROM step
  WHERE previous_id IS NULL OR previous_id NOT IN (SELECT id FROM step)
  UNION ALL
  SELECT chain.root, step.id, chain.depth + 1, chain.refs || ' → ' || coalesce(step.ref, '?')
  FROM chain JOIN step ON step.previous_id = chain.id
  WHERE chain.depth < 1000
),
walk AS (
  SELECT chain.root, chain.depth, chain.refs, step.*,
         row_number() OVER (PARTITION BY chain.root ORDER BY chain.depth DESC, step.id DESC) AS from_end
  FROM chain JOIN step ON step.id = chain.id
),
pivot AS (
  SELECT root{pivot}
  FROM walk GROUP BY root
)
SELECT first.id AS first_action_id, last.id AS latest_action_id, last.authority, last.plan,
       first.period AS first_period, last.period AS last_period, first.ref AS first_ref, last.ref,
       last.refs, last.text{columns}
FROM walk AS last
JOIN walk AS first ON first.root = last.root AND first.depth = 0
JOIN pivot ON pivot.root = last.root
WHERE last.from_end = 1
ORDER BY last.authority, last.series, last.period DESC, last.id"""


# ----------------------------------------------------------------------------
# prepare
# ----------------------------------------------------------------------------

def _exists(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def _ensure(conn: sqlite3.Connection, kind: str, name: str, sql: str) -> None:
    """Create a view or trigger, or replace it when its definition changed; else leave it alone,
    so an unchanged database is not rewritten (Datasette then keeps its schema cache)."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = ? AND name = ?", (kind, name)).fetchone()
    if row and row[0] == sql:
        return
    if row:
        conn.execute(f"DROP {kind.upper()} {_quote_ident(name)}")
    conn.execute(sql)


def periods(conn: sqlite3.Connection) -> list[str]:
    """The report periods in series, oldest first: the status_matrix's period columns."""
    return [r[0] for r in conn.execute("SELECT DISTINCT period FROM report_series ORDER BY period")]


def _schema(conn: sqlite3.Connection) -> None:
    # reconciliation may not have run yet; the views need its tables (and their indexes) to exist
    schema.ensure_tables(conn, *schema.made_by("reconcile"), *schema.made_by("analyst"))
    schema.ensure_tables(conn, "amber_reasons")  # its index on action_id, in a database made before it
    for table in ("reports", "amber_reasons"):
        _ensure(conn, "trigger", f"plan_series_from_{table}", _trigger(table))
    _refresh_plan_series(conn)
    _ensure(conn, "view", "report_series", REPORT_SERIES)
    _ensure(conn, "view", "latest_actions", LATEST_ACTIONS)
    _ensure(conn, "view", "status_matrix", status_matrix_sql(periods(conn)))


def prepare(conn: sqlite3.Connection | Database | sqlite_utils.Database) -> dict[str, Any]:
    """Make the analyst views, plan_series and full-text search; safe to call on every run.
    Returns what it found: {"periods": [...], "series": n} (a series is one plan of one council)."""
    db = (conn.utils if isinstance(conn, Database)
          else conn if isinstance(conn, sqlite_utils.Database) else sqlite_utils.Database(conn))
    raw = db.conn
    from plantrack.store import savepoint

    with savepoint(raw, "plantrack_prepare"):
        _schema(raw)
    for table, columns in FTS.items():
        # replace=True returns at once when the index and its triggers are already as asked
        db[table].enable_fts(columns, create_triggers=True, replace=True)
    return {"periods": periods(raw),
            "series": raw.execute("SELECT count(*) FROM (SELECT DISTINCT authority, series FROM report_series)").fetchone()[0]}


# ----------------------------------------------------------------------------
# Datasette
# ----------------------------------------------------------------------------

# The plan series and the councils asked for, by the rules of `plantrack report --plan / --authority`
# (models.keys.plan_matches and authority_matches, here in plain SQL): a plan by whole words of its
# folded name or the initials of a run of them ("SDP"; "service" does not pick "Children's Services"),
# a council by part of its name ("kent"). A blank plan or authority means all.
WANTED = wanted_ctes(":plan", ":authority")


def _council(column: str) -> str:
    return f"((SELECT v FROM asked_council) = '' OR {column} IN (SELECT authority FROM council))"


# A ref as typed against a ref as printed (models.keys.ref_key): "3.2", "3.2." and " 3.2" are one ref.
# REFS (CTEs) folds every action's ref and the one asked; SAME_REF picks the actions `a` it names.
REFS = f"""{ref_key_ctes("SELECT id, ref FROM actions", "action_ref")},
{ref_key_ctes("SELECT 0, :ref", "asked_ref")}"""
SAME_REF = "a.id IN (SELECT r.k FROM action_ref r JOIN asked_ref q ON q.v = r.v)"

QUERIES: dict[str, dict[str, Any]] = {
    "amber_without_reason": {
        "title": "Amber actions without a justification",
        "description": "Actions rated amber in a report that a meeting discussed, for which that meeting's "
                       "minutes give no reason. As the contract says: a meeting discussed the report its "
                       "minuted Amber justifications point into (amber_reasons.action_id). The findings "
                       "table lists the same actions as kind amber_without_reason. Blank plan, period or "
                       "authority: all.",
        "params": ["plan", "period", "authority"],
        "sql": f"""WITH {WANTED},
discussed AS (
  SELECT DISTINCT ar.meeting_id, a.report_id
  FROM amber_reasons ar JOIN actions a ON a.id = ar.action_id
)
SELECT r.authority, r.plan, r.period, a.ref, a.ofsted_ref, a.text, a.lead, a.due_date, a.progress,
       m.committee, m.meeting_date, a.id AS action_id
FROM discussed d
JOIN report_series r ON r.id = d.report_id
JOIN meetings m ON m.id = d.meeting_id
JOIN actions a ON a.report_id = d.report_id
WHERE a.rag = 'amber'
  AND NOT EXISTS (SELECT 1 FROM amber_reasons x WHERE x.meeting_id = d.meeting_id AND x.action_id = a.id)
  AND r.series IN (SELECT series FROM wanted)
  AND (trim(:period) = '' OR r.period = trim(:period))
  AND {_council("r.authority")}
ORDER BY r.authority, r.series, r.period, m.meeting_date, a.id""",
    },
    "action_status_history": {
        "title": "Status history of one action",
        "description": "One action's status in every report of its plan, following it through renumbering "
                       "and rewording (action_history). Give the plan, a period and the action's ref in "
                       "that period's report (blank period: the action with that ref in any report; the council, "
                       "when plans of several share a name). A last "
                       "row with change = dropped says when it left the plan.",
        "params": ["plan", "period", "ref", "authority"],
        "sql": f"""WITH RECURSIVE {WANTED},
{REFS},
start AS (
  SELECT a.id FROM actions a JOIN report_series r ON r.id = a.report_id
  WHERE r.series IN (SELECT series FROM wanted) AND (trim(:period) = '' OR r.period = trim(:period))
    AND {SAME_REF}
    AND {_council("r.authority")}
),
earlier (id) AS (
  SELECT id FROM start
  UNION SELECT h.previous_action_id FROM action_history h JOIN earlier e ON h.action_id = e.id
        WHERE h.previous_action_id IS NOT NULL
),
later (id) AS (
  SELECT id FROM start
  UNION SELECT h.action_id FROM action_history h JOIN later l ON h.previous_action_id = l.id
        WHERE h.action_id IS NOT NULL
),
chain AS (SELECT id FROM earlier UNION SELECT id FROM later)
SELECT r.period, r.authority, r.plan, a.ref, a.rag, h.change, h.previous_ref, h.text_changed,
       a.text, a.progress, a.due_date, a.id AS action_id
FROM chain
JOIN actions a ON a.id = chain.id
JOIN report_series r ON r.id = a.report_id
LEFT JOIN action_history h ON h.action_id = a.id
UNION ALL
SELECT h.period, h.authority, h.plan, NULL, NULL, h.change, h.previous_ref, NULL, NULL, NULL, NULL, NULL
FROM action_history h
WHERE h.change = 'dropped' AND h.previous_action_id IN (SELECT id FROM chain)
ORDER BY period, action_id""",
    },
    "worsened": {
        "title": "Actions that worsened",
        "description": "Actions whose status is worse than in the previous report of the plan "
                       f"({' < '.join(ORDER)}), with the ref each report gives them. "
                       "Blank plan, period or authority: all.",
        "params": ["plan", "period", "authority"],
        "sql": f"""WITH {WANTED}
SELECT r.authority, r.plan, h.period, h.ref, h.previous_period, h.previous_ref, h.previous_rag, h.rag,
       a.text, a.lead, a.progress, h.action_id
FROM action_history h
JOIN actions a ON a.id = h.action_id
JOIN report_series r ON r.id = a.report_id
WHERE h.change = 'worsened'
  AND r.series IN (SELECT series FROM wanted)
  AND (trim(:period) = '' OR h.period = trim(:period))
  AND {_council("r.authority")}
ORDER BY r.authority, r.series, h.period, a.id""",
    },
    "overdue": {
        "title": "Overdue actions",
        "description": "Actions whose due date is before the first day of the report's period and whose "
                       f"status is not {' or '.join(sorted(DONE))} (an unrated action counts as not complete). "
                       "Blank plan, period or authority: all.",
        "params": ["plan", "period", "authority"],
        "sql": f"""WITH {WANTED}
SELECT r.authority, r.plan, r.period, a.ref, a.text, a.lead, a.timescale, a.due_date, a.rag, a.progress,
       a.id AS action_id
FROM actions a
JOIN report_series r ON r.id = a.report_id
WHERE r.series IN (SELECT series FROM wanted)
  AND (trim(:period) = '' OR r.period = trim(:period))
  AND substr(a.due_date, 1, 10) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
  AND substr(a.due_date, 1, 10) < r.period || '-01'
  AND coalesce(a.rag, '') NOT IN ({", ".join(f"'{s}'" for s in sorted(DONE))})
  AND {_council("r.authority")}
ORDER BY r.authority, r.series, r.period, a.id""",
    },
    "findings_for": {
        "title": "Findings for a plan and period",
        "description": "What a clerk or analyst should look at, one sentence each, with the document "
                       "where the problem shows. Blank plan, period or authority: all.",
        "params": ["plan", "period", "authority"],
        "sql": f"""WITH {WANTED}
SELECT f.authority, f.plan, f.period, f.kind, f.ref, f.priority_number, f.detail, d.filename AS document, f.id
FROM findings f
LEFT JOIN plan_series ps ON ps.plan = f.plan
LEFT JOIN documents d ON d.id = f.document_id
WHERE (trim(:plan) = '' OR ps.series IN (SELECT series FROM wanted))
  AND (trim(:period) = '' OR f.period = trim(:period))
  AND {_council("f.authority")}
ORDER BY f.id""",
    },
    "justification": {
        "title": "Justification for an action",
        "description": "The reasons minutes give for one action of a report (the amber_reasons linked to "
                       "it), with the meeting. Give the plan, the report's period and the action's ref "
                       "(blank ref: every justification linked to that report; blank period: every report; blank "
                       "authority: every council).",
        "params": ["plan", "period", "ref", "authority"],
        "sql": f"""WITH {WANTED},
{REFS}
SELECT r.authority, r.plan, r.period, a.ref, a.rag, m.committee, m.meeting_date, ar.position, ar.action_text,
       ar.reason, ar.effective_reason, ar.new_rag, ar.target_date, ar.match_score,
       ar.id AS amber_reason_id, a.id AS action_id
FROM actions a
JOIN report_series r ON r.id = a.report_id
JOIN amber_reasons ar ON ar.action_id = a.id
JOIN meetings m ON m.id = ar.meeting_id
WHERE r.series IN (SELECT series FROM wanted)
  AND (trim(:period) = '' OR r.period = trim(:period))
  AND (trim(:ref) = '' OR {SAME_REF})
  AND {_council("r.authority")}
ORDER BY m.meeting_date, ar.position""",
    },
    "search": {
        "title": "Search actions and justifications",
        "description": "Full-text search over the actions' wording and progress and the minutes' Amber "
                       "justifications; every word must occur. For one table, use its own search box.",
        "params": ["q"],
        "sql": """WITH terms (query) AS (
  -- each word quoted, so punctuation in what is typed is never search syntax
  SELECT '"' || replace(replace(replace(trim(:q), '"', ''), '  ', ' '), ' ', '" "') || '"'
  WHERE trim(:q) <> ''
)
SELECT 'action' AS found_in, r.authority, r.plan, r.period, a.ref, a.rag,
       snippet(actions_fts, -1, '[', ']', '…', 16) AS snippet, NULL AS meeting_date,
       a.id AS action_id, NULL AS amber_reason_id
FROM terms
JOIN actions_fts ON actions_fts MATCH terms.query
JOIN actions a ON a.id = actions_fts.rowid
JOIN report_series r ON r.id = a.report_id
UNION ALL
SELECT 'minutes', d.authority, ar.plan, r.period, a.ref, a.rag,
       snippet(amber_reasons_fts, -1, '[', ']', '…', 16), m.meeting_date, a.id, ar.id
FROM terms
JOIN amber_reasons_fts ON amber_reasons_fts MATCH terms.query
JOIN amber_reasons ar ON ar.id = amber_reasons_fts.rowid
JOIN meetings m ON m.id = ar.meeting_id AND m.superseded_by IS NULL  -- a copy of minutes read twice shows once
LEFT JOIN documents d ON d.id = m.document_id
LEFT JOIN actions a ON a.id = ar.action_id
LEFT JOIN report_series r ON r.id = a.report_id
ORDER BY period DESC, found_in, action_id""",
    },
}

from plantrack.pipeline.review.queue import CANNED as _REVIEW  # noqa: E402 - the review queue's one SQL, shared with `plantrack review`
QUERIES["review"] = _REVIEW

FACETS = {
    "documents": ["authority", "kind", "status"], "reports": ["plan", "period"], "priorities": ["number"],
    "actions": ["rag", "priority_number"], "meetings": ["committee"], "amber_reasons": ["plan", "new_rag"],
    "action_history": ["authority", "plan", "period", "change"], "findings": ["authority", "plan", "period", "kind"],
    "latest_actions": ["authority", "plan", "rag"], "status_matrix": ["authority", "plan", "last_period"],
    "report_series": ["authority", "plan"],
    "corrections": ["field", "made_by", "applies"],
}
SORTABLE = {
    "documents": ["id", "filename", "authority", "kind", "status", "pages", "ingested_at"],
    "reports": ["id", "plan", "period", "as_at", "overall_previous_score", "overall_current_score"],
    "actions": ["id", "report_id", "priority_number", "ref", "due_date", "rag", "page"],
    "meetings": ["id", "committee", "meeting_date"],
    "amber_reasons": ["id", "meeting_id", "position", "plan", "new_rag", "target_date", "match_score"],
    "action_history": ["authority", "plan", "period", "ref", "previous_ref", "rag", "previous_rag", "change"],
    "findings": ["id", "authority", "plan", "period", "kind", "ref", "priority_number"],
    "latest_actions": ["authority", "plan", "period", "priority_number", "ref", "due_date", "rag"],
    "status_matrix": ["authority", "plan", "first_period", "last_period", "first_ref", "ref"],
}
LABELS = {"documents": "filename", "reports": "plan", "meetings": "committee", "actions": "ref"}
SEARCH_VIEWS = {"latest_actions": {"fts_table": "actions_fts", "fts_pk": "id"}}


def _table_metadata(t: dictionary.Table) -> dict[str, Any]:
    out: dict[str, Any] = {"description": t.description,
                           "columns": {c.name: c.meaning for c in t.columns if c.meaning}}
    for key, table in (("facets", FACETS), ("sortable_columns", SORTABLE), ("label_column", LABELS)):
        if t.name in table:
            out[key] = table[t.name]
    return {**out, **SEARCH_VIEWS.get(t.name, {})}


def metadata(database: str = "plantrack") -> dict[str, Any]:
    """Datasette metadata for the database Datasette names `database` (the file's stem)."""
    return {
        "title": "plantrack: council plan progress and Amber justifications",
        "description": "Improvement plan progress reports and committee minutes, read from their PDFs, "
                       "with each period reconciled against the previous one. Start with the canned "
                       "queries, latest_actions, status_matrix or findings; every table and column is "
                       "described on its page.",
        "license": "Derived from public council committee papers; reuse as the publishing council allows",
        "source": "Council committee papers (plan progress reports and minutes), read by plantrack",
        "databases": {database: {
            "description": "The tables of the plantrack contract, the store's additions and analyst views.",
            "tables": {t.name: _table_metadata(t) for t in (*dictionary.TABLES, *dictionary.ANALYST)},
            # hide_sql: the forms come first; the SQL is one click away ("Show SQL") for who wants it
            "queries": {name: {**q, "hide_sql": True} for name, q in copy.deepcopy(QUERIES).items()},
        }},
    }


class DatasetteMissing(ImportError):
    """Datasette is an optional extra: pip install 'plantrack[serve]'."""


def datasette(path: Path, read_only: bool = False, desk=None):
    """A Datasette for the database at `path` with the metadata; its read connections are
    read-only (`mode=ro`), and there are no writable canned queries. `read_only`: the database is on a
    read-only mount or folder, opened immutable (no -shm needed). `desk` (plantrack.pipeline.clerk.desk):
    the clerk's pages, whose writes need a signed-in clerk and go through the plantrack commands."""
    try:
        from datasette.app import Datasette
    except ImportError as e:
        raise DatasetteMissing(str(e)) from e
    if desk is not None:
        from plantrack.pipeline.clerk import install
        from plantrack.pipeline.clerk.desk import attach

        install()
    if read_only:
        ds = Datasette(immutables=[str(path)], metadata=metadata(Path(path).stem))
    else:
        ds = Datasette([str(path)], metadata=metadata(Path(path).stem))
    if desk is not None:
        attach(ds, desk)
    return ds


def serve(path: Path, host: str = "127.0.0.1", port: int = 8001, read_only: bool = False, desk=None,
          ready=None) -> None:
    """prepare() (the one write; skipped for a database that cannot be written, which serves the
    views its last run made), then serve read-only until interrupted."""
    from plantrack import store

    ds = datasette(path, read_only=read_only, desk=desk)  # fails before touching the file when Datasette is missing
    import uvicorn  # a dependency of Datasette

    if not read_only:
        db = store.connect(Path(path))
        try:
            prepare(db)
        finally:
            db.conn.close()
    if ready is not None:  # e.g. print the clerk's sign-in link, now that the database is ready
        ready(ds)
    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on", workers=1)
