"""The digest's views: from the database's tables to plain per-plan summaries (pandas, no output
format), built from the database alone (never the papers).

Per plan of each council (reports whose names fold alike and whose documents have the same authority
form one series, as in reconcile; superseded copies of a paper are left out): the actions by status per
period, the printed priority scores, what changed in the latest period, the findings (each with the
action's wording, its page and file, and what to do first) and the clerks' corrections.
`charts.py` draws the first two; `render.py` lays everything out as HTML or Markdown.
"""
from __future__ import annotations

import os
import shlex
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from typing import Any

import pandas as pd

from plantrack.models.keys import (PERIOD_RE, authority_matches, authority_name, month_label, plan_key, plan_matches,
                                   ref_key, ref_order)
from plantrack.models.status import ORDER
from plantrack.store import schema
from plantrack.store.frames import read_frames
from plantrack.pipeline.reconcile.rebuild import KINDS, series

STATUSES = (*ORDER, "unrated")
# The ends of a transition that are not statuses: the action was not there before / is not now.
NEW, DROPPED = "new", "dropped"
CHANGE_ORDER = ("worsened", "new", "dropped")
COUNTED = schema.COUNTED  # rows per table in the header: documents, papers, actions, reasons, history, findings
# and, to say where each finding shows and in which words: the files, the minutes and their reasons
DIGESTED = ("reports", "priorities", "actions", "action_history", "findings", "documents", "meetings",
            "amber_reasons", "agenda_items")


# ----------------------------------------------------------------------------
# from tables to per-plan summaries (pure)
# ----------------------------------------------------------------------------

@dataclass
class PlanView:
    key: str                                  # the folded series name
    authority: str | None                     # the council whose plan it is (None when not known)
    name: str                                 # as the latest report prints it
    other_names: list[str]                    # other spellings seen in the series
    periods: list[str]                        # the series' periods up to the chosen one
    status_counts: pd.DataFrame               # period x status (present statuses only)
    scores: pd.DataFrame                      # period x priority number: printed current score
    overall: pd.Series                        # period -> printed overall current score
    titles: dict[int, str]                    # priority number -> title (latest wording)
    latest_period: str | None
    previous_period: str | None
    transitions: pd.DataFrame                 # from-status x to-status counts
    why_no_transitions: str                   # said instead when there are none
    changes: list[dict] = field(default_factory=list)   # worsened / new / dropped actions
    findings: list[dict] = field(default_factory=list)  # the findings table's rows, each with `about` (explain)
    corrections: list[dict] = field(default_factory=list)  # clerk corrections in force (corrections.py)


def _status(rag: Any) -> str:
    r = str(rag).strip().lower() if isinstance(rag, str) else None
    return r if r in ORDER else "unrated"


def _one_per_period(reports: pd.DataFrame) -> pd.DataFrame:
    """The reports in series order, one per (authority, series, period): superseded copies are left
    out by `series`; should two copies remain, the last by as_at and id wins, as in reconcile."""
    s = series(reports)
    s["authority"] = s["authority"].map(authority_name).astype(object)
    return s.drop_duplicates(["authority", "series", "period"], keep="last").reset_index(drop=True)


def _status_counts(reps: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    acts = actions[actions["report_id"].isin(reps["id"])]
    period_of = dict(zip(reps["id"], reps["period"]))
    table = pd.crosstab(acts["report_id"].map(period_of), acts["rag"].map(_status))
    table = table.reindex(index=list(reps["period"]), fill_value=0)
    present = [s for s in STATUSES if s in table.columns and table[s].sum() > 0]
    return table.reindex(columns=present, fill_value=0).astype(int)


def _scores(reps: pd.DataFrame, priorities: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, str]]:
    pri = priorities[priorities["report_id"].isin(reps["id"]) & priorities["number"].notna()].copy()
    if pri.empty:
        return pd.DataFrame(), {}
    pri["period"] = pri["report_id"].map(dict(zip(reps["id"], reps["period"])))
    pri["number"] = pri["number"].astype(int)
    table = pri.pivot_table(index="period", columns="number", values="current_score", aggfunc="last")
    table = table.reindex(index=list(reps["period"])) if not table.empty else table
    titles = {int(n): str(t) for n, t in zip(pri["number"], pri["title"]) if isinstance(t, str)}
    return table, titles


def _texts(actions: pd.DataFrame) -> dict[int, dict]:
    return {int(a["id"]): a for a in actions.to_dict("records")}


def _mine(frame: pd.DataFrame, key: str, authority: str | None) -> pd.Series:
    """Rows of `frame` (history, findings) about the plan `key` of `authority`."""
    return (frame["plan"].map(plan_key) == key) & (frame["authority"].map(authority_name) == authority) \
        if authority is not None else (frame["plan"].map(plan_key) == key) & frame["authority"].map(authority_name).isna()


def _transitions(history: pd.DataFrame, key: str, authority: str | None, period: str | None, report_id: Any,
                 actions: pd.DataFrame) -> tuple[pd.DataFrame, list[dict], str | None]:
    """The latest period's history rows of the plan: from x to counts, the worsened / new / dropped
    actions, and the period compared against."""
    empty = pd.DataFrame()
    if period is None or history.empty:
        return empty, [], None
    h = history[_mine(history, key, authority) & (history["period"] == period)]
    mine = set(actions.loc[actions["report_id"] == report_id, "id"])
    # Two reports of one period each have history rows: keep those of the report shown.
    h = pd.concat([h[h["action_id"].isin(mine)],
                   h[h["change"] == DROPPED].drop_duplicates("previous_action_id")])
    if h.empty:
        return empty, [], None
    src = h.apply(lambda r: NEW if r["change"] == NEW else _status(r["previous_rag"]), axis=1)
    dst = h.apply(lambda r: DROPPED if r["change"] == DROPPED else _status(r["rag"]), axis=1)
    table = pd.crosstab(src, dst)
    table = table.reindex(index=[s for s in (*STATUSES, NEW) if s in table.index],
                          columns=[s for s in (*STATUSES, DROPPED) if s in table.columns], fill_value=0)
    return table, _changes(h, _texts(actions)), h["previous_period"].dropna().max()


def _changes(h: pd.DataFrame, acts: dict[int, dict]) -> list[dict]:
    out = []
    for r in h[h["change"].isin(CHANGE_ORDER)].to_dict("records"):
        dropped = r["change"] == DROPPED
        aid = r["previous_action_id"] if dropped else r["action_id"]
        act = acts.get(int(aid), {}) if pd.notna(aid) else {}
        prev = acts.get(int(r["previous_action_id"]), {}) if pd.notna(r["previous_action_id"]) else {}
        out.append({"change": r["change"], "ref": _text(r["previous_ref"] if dropped else r["ref"]),
                    "previous_ref": _text(r["previous_ref"]),
                    "from": None if r["change"] == NEW else _status(r["previous_rag"]),
                    "to": None if dropped else _status(r["rag"]), "text": act.get("text"),
                    # a status a clerk corrected is marked ✎ wherever it shows
                    "from_fixed": bool(prev.get("rag_fixed")), "to_fixed": not dropped and bool(act.get("rag_fixed"))})
    return sorted(out, key=lambda c: (CHANGE_ORDER.index(c["change"]), ref_order(c["ref"])))


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _findings(findings: pd.DataFrame, key: str, authority: str | None, period: str | None) -> list[dict]:
    f = findings[_mine(findings, key, authority)] if not findings.empty else findings
    if period is not None:
        f = f[f["period"] == period]
    f = f.drop_duplicates(["period", "kind", "ref", "priority_number", "detail"])
    rows = f.astype(object).where(f.notna(), None).to_dict("records")
    rank = {k: i for i, k in enumerate(KINDS)}
    # Latest period first (the reader wants what is new), then by kind; both sorts are stable, so
    # within a period and kind the order reconcile wrote stays.
    rows.sort(key=lambda r: str(r["period"] or ""), reverse=True)
    rows.sort(key=lambda r: rank.get(r["kind"], len(rank)))
    return rows


def _view(key: str, authority: str | None, reps: pd.DataFrame, frames: dict[str, pd.DataFrame],
          period: str | None) -> PlanView:
    names = list(dict.fromkeys(reversed(list(reps["plan"]))))
    latest = reps.iloc[-1] if len(reps) else None
    latest_period = latest["period"] if latest is not None else None
    scores, titles = _scores(reps, frames["priorities"])
    shown = latest_period if period is None or latest_period == period else None
    transitions, changes, previous = _transitions(frames["action_history"], key, authority, shown,
                                                  latest["id"] if latest is not None else None, frames["actions"])
    name = names[0] if names else _finding_name(frames["findings"], key)
    return PlanView(key=key, authority=authority, name=name, other_names=names[1:], periods=list(reps["period"]),
                    status_counts=_status_counts(reps, frames["actions"]), scores=scores,
                    overall=pd.Series(list(reps["overall_current_score"]), index=list(reps["period"]), dtype=float),
                    titles=titles, latest_period=latest_period, previous_period=previous,
                    transitions=transitions, why_no_transitions=_why_none(len(reps), shown, period),
                    changes=changes,
                    findings=[dict(f, about=explain(f, reps, frames))
                              for f in _findings(frames["findings"], key, authority, period)],
                    corrections=_corrections(frames, key, period))


# ----------------------------------------------------------------------------
# each finding in a clerk's terms: which action, in words; where it shows; what to do first
# ----------------------------------------------------------------------------

WORDING = 90  # characters of an action's wording shown beside its ref

# What to do first about each kind of finding: the step a clerk can take today.
FIRST_STEP = {
    "amber_without_reason": "Ask the action's lead why it is amber and have the reason minuted at the next "
                            "meeting. If the minutes do give one that was not linked to it, link it with "
                            "plantrack correct (--meeting, --position, --set action_ref).",
    "reason_without_action": "Find the action the minutes mean in the report (it may have been renumbered or "
                             "reworded) and link the reason to it with plantrack correct (the action's ref for "
                             "REF); if the plan no longer has it, tell the meeting's clerk.",
    "reason_for_non_amber": "Check the action's status cell in the report: if it was misread, correct it with "
                            "plantrack correct; if the report is right, ask whether the minutes meant "
                            "another action.",
    "score_mismatch": "Check the priority's printed score against its actions' statuses in the report; ask the "
                      "report's author which is right before the paper goes to committee.",
    "restated_score_mismatch": "Compare the previous score this report prints with the score the previous "
                               "report printed, and ask the author to restate it.",
    "overall_score_mismatch": "Check the overall score against the priority scores printed in the report and "
                              "ask the author which is right.",
    "worsened": "Read the action's progress note in the report and ask its lead what changed and what will bring "
                "it back on track.",
    "dropped_incomplete": "Ask whether the action was completed, merged into another or removed on purpose, and "
                          "that the report says so.",
    "overdue": "Ask the action's lead for a revised date (or for it to be marked complete) in the next report.",
}


def _record(frame: pd.DataFrame, mask: pd.Series) -> dict | None:
    rows = frame[mask]
    return None if rows.empty else rows.astype(object).where(rows.notna(), None).iloc[-1].to_dict()


def _by_id(frame: pd.DataFrame, id_: Any) -> dict | None:
    return None if id_ is None or pd.isna(id_) or frame.empty else _record(frame, frame["id"] == int(id_))


def shorten(text: Any, limit: int = WORDING) -> str | None:
    """An action's wording on one line, cut at a word before `limit` characters with an ellipsis."""
    if not isinstance(text, str) or not text.strip():
        return None
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0].rstrip(",;:–-")
    return cut + "…"


def file_link(path: Any, links_from: Path | None = None) -> str | None:
    """A link to the paper where the database knows where it was read from (documents.path, taken
    against the working directory as the run that read it did): relative to the folder `links_from`
    (where the page is written, so that the page and the papers can move together), else a file: URL.
    None when the path is not known."""
    if not isinstance(path, str) or not path:
        return None
    try:
        where = Path(path).resolve()
        if links_from is None:
            return where.as_uri()
        return quote(Path(os.path.relpath(where, Path(links_from).resolve())).as_posix())
    except (OSError, ValueError):  # another drive, an unresolvable path: no link, the name still shows
        return None


def _place(frames: dict, document_id: Any, what: str, page: Any = None, last_page: Any = None) -> dict | None:
    doc = _by_id(frames["documents"], document_id)
    if doc is None:
        return None
    first = int(page) if page is not None and not pd.isna(page) else None
    last = int(last_page) if last_page is not None and not pd.isna(last_page) else None
    return {"what": what, "file": doc.get("filename") or Path(str(doc.get("path") or "")).name or None,
            "href": file_link(doc.get("path"), frames.get("links_from")), "page": first,
            "last_page": last if last is not None and first is not None and last > first else None}


def _report_of(reps: pd.DataFrame, period: Any) -> dict | None:
    return None if period is None or reps.empty else _record(reps, reps["period"] == period)


def _action(frames: dict, report: dict | None, ref: Any) -> dict | None:
    acts = frames["actions"]
    if report is None or ref is None or acts.empty:
        return None
    mine = acts[acts["report_id"] == report["id"]]
    return _record(mine, mine["ref"].map(ref_key) == ref_key(ref))


def _history_row(frames: dict, mask_of) -> dict | None:
    h = frames["action_history"]
    return None if h.empty else _record(h, mask_of(h))


def _renumbering(frames: dict, action: dict | None) -> dict | None:
    """{"from", "to", "period"} when the action had another ref in the previous report."""
    if action is None:
        return None
    h = _history_row(frames, lambda h: h["action_id"] == action["id"])
    if h is None or h.get("previous_ref") is None or ref_key(h["previous_ref"]) == ref_key(h.get("ref")):
        return None
    return {"from": h["previous_ref"], "to": h["ref"], "period": h.get("previous_period")}


def _minutes_reason(frames: dict, finding: dict, action: dict | None) -> dict | None:
    """The Amber reason a reason finding is about: the one linked to the action, or (matching no
    action) the one whose wording the finding quotes, among the minutes of the finding's document."""
    meets, reasons = frames["meetings"], frames["amber_reasons"]
    if meets.empty or reasons.empty or finding.get("document_id") is None:
        return None
    ids = set(meets.loc[meets["document_id"] == int(finding["document_id"]), "id"])
    mine = reasons[reasons["meeting_id"].isin(ids)]
    if action is not None:
        return _record(mine, mine["action_id"] == action["id"])
    detail = str(finding.get("detail") or "")
    quoted = mine["action_id"].isna() & mine["action_text"].map(
        lambda t: isinstance(t, str) and bool(t.strip()) and " ".join(t.split())[:60] in " ".join(detail.split()))
    return _record(mine, quoted)


def agenda_item(frames: dict, reason: dict | None) -> dict | None:
    """The agenda item of the minutes under which an Amber reason is printed: the meeting's item about
    the reason's plan (minutes number their items; the reasons sit in the item on the plan)."""
    items = frames["agenda_items"]
    if reason is None or items.empty:
        return None
    mine = items[(items["meeting_id"] == reason["meeting_id"])]
    key = plan_key(reason.get("plan") or "")
    return _record(mine, mine["plan"].map(lambda p: isinstance(p, str) and plan_key(p) == key)) if key else None


def _command(kind: Any, finding: dict, action: dict | None, reason: dict | None, frames: dict) -> str | None:
    """The `plantrack correct` line a clerk would run for this finding, filled in as far as the database
    knows (REF where only the clerk can say which action)."""
    if kind == "reason_for_non_amber" and action is not None and action.get("ref") and finding.get("period"):
        return (f"plantrack correct --plan {shlex.quote(str(finding['plan']))} --period {finding['period']} "
                f"--ref {shlex.quote(str(action['ref']))} --set rag=amber")
    if kind == "reason_without_action" and reason is not None and reason.get("position") is not None:
        meeting = _by_id(frames["meetings"], reason.get("meeting_id"))
        date = str((meeting or {}).get("meeting_date") or "")[:10]
        if date:
            return f"plantrack correct --meeting {date} --position {int(reason['position'])} --set action_ref=REF"
    return None


def explain(finding: dict, reps: pd.DataFrame, frames: dict) -> dict:
    """What a clerk needs beside the finding's sentence: `label` (the action or priority it is about,
    a renumbering as "14 → 13"), `wording` (the action's words, shortened), `status`, `places` (each
    file and page where it shows, the report first), `note` (a caution, e.g. that another action now
    has the dropped one's ref), `first` (what to do first) and `command` (the correction a clerk
    may run, when one fits)."""
    kind, ref, period = finding.get("kind"), finding.get("ref"), finding.get("period")
    report = _report_of(reps, period)
    about: dict[str, Any] = {"label": None, "wording": None, "status": None, "places": [], "note": None,
                             "renumbered": None, "first": FIRST_STEP.get(str(kind)), "command": None}
    action = None
    if kind == "dropped_incomplete":
        h = _history_row(frames, lambda h: (h["period"] == period) & (h["change"] == "dropped")
                         & (h["previous_ref"].map(ref_key) == ref_key(ref)))
        action = _by_id(frames["actions"], h.get("previous_action_id")) if h else None
        previous = _by_id(reps, action["report_id"]) if action else None
        about["label"] = f"Action {ref}" + (f" of {month_label(h['previous_period'])}" if h else "")
        if previous is not None:
            about["places"].append(_place(frames, previous["document_id"], "previous report", action.get("page")))
        same = _action(frames, report, ref)
        moved = _renumbering(frames, same)
        if same is not None:
            was = f" (it was {moved['from']} in {month_label(moved['period'])})" if moved else ""
            about["note"] = (f"Action {same['ref']} of the {month_label(period)} report is another action{was}: "
                             f"“{shorten(same.get('text'), 60) or 'no wording read'}”.")
    elif ref is not None:
        action = _action(frames, report, ref)
        moved = _renumbering(frames, action)
        about["renumbered"] = moved
        about["label"] = f"Action {moved['from']} → {moved['to']}" if moved else f"Action {ref}"
        if report is not None:
            about["places"].append(_place(frames, report["document_id"], "report",
                                          action.get("page") if action else report.get("first_page")))
    elif finding.get("priority_number") is not None or kind == "overall_score_mismatch":
        number = finding.get("priority_number")
        about["label"] = f"Priority {int(number)}" if number is not None else "Overall score"
        pri = frames["priorities"]
        if number is not None and report is not None and not pri.empty:
            row = _record(pri, (pri["report_id"] == report["id"]) & (pri["number"] == int(number)))
            about["wording"] = shorten(row.get("title")) if row else None
        if report is not None:
            about["places"].append(_place(frames, report["document_id"], "report", report.get("first_page"),
                                          report.get("last_page")))
    if action is not None:
        about["wording"] = shorten(action.get("text"))
        about["status"] = action.get("rag") if action.get("rag") in ORDER else None
    if kind in ("amber_without_reason", "reason_without_action", "reason_for_non_amber"):
        reason = _minutes_reason(frames, finding, action if kind == "reason_for_non_amber" else None)
        if kind == "reason_without_action":
            about["label"] = "An Amber reason"
            about["wording"] = shorten(reason.get("action_text")) if reason else None
        about["command"] = _command(kind, finding, action, reason, frames)
        item = agenda_item(frames, reason)
        where = _place(frames, finding.get("document_id"), "minutes", reason.get("page") if reason else None)
        if where is not None:
            if reason is not None:
                where["reason"] = {"item": item.get("number") if item else None, "position": reason.get("position")}
            about["places"].append(where)
    about["places"] = [p for p in about["places"] if p]
    return about


def _corrections(frames: dict, key: str, period: str | None) -> list[dict]:
    """The plan's corrections in force (of `period` when one is asked), by period then id."""
    rows = [c for c in frames.get("corrections", []) if c.get("plan_key") == key
            and (period is None or c.get("period") == period)]
    return sorted(rows, key=lambda c: (str(c.get("period") or ""), c["id"]))


def _why_none(reports: int, shown: str | None, period: str | None) -> str:
    if not reports:
        return "no report of this plan yet"
    if shown is None:
        return f"no report of this plan for {month_label(period)}"
    if reports == 1:
        return "only one report so far, so nothing to compare it with"
    return "no action history for this report (run plantrack reconcile)"


def _finding_name(findings: pd.DataFrame, key: str) -> str:
    names = [p for p in findings["plan"] if isinstance(p, str) and plan_key(p) == key]
    return names[-1] if names else key


def plan_views(frames: dict[str, pd.DataFrame], plan: str | None = None, period: str | None = None,
               authority: str | None = None) -> list[PlanView]:
    """One summary per plan of each council, in council and name order.  `period` cuts each series
    there (charts show the series up to it; transitions and findings are of it); `plan` keeps the
    plans it loosely names and `authority` the councils it loosely names, each raising ValueError
    when it names none."""
    if period is not None and not PERIOD_RE.fullmatch(period):
        raise ValueError(f"period must be YYYY-MM, not {period!r}")
    reps = _one_per_period(frames["reports"])
    keys = list(dict.fromkeys(zip(reps["authority"], reps["series"])))
    # Findings about a plan no report of which was read (a reason in minutes) still need a home.
    found = frames["findings"]
    keys += sorted({(authority_name(a), plan_key(p)) for a, p in zip(found["authority"], found["plan"])
                    if isinstance(p, str) and plan_key(p)} - set(keys), key=lambda k: (k[0] or "", k[1]))
    if authority is not None:
        keys = [k for k in keys if authority_matches(k[0], authority)]
        if not keys:
            known = sorted({a for a, _ in dict.fromkeys(zip(reps["authority"], reps["series"])) if a})
            raise ValueError(f"no authority matches {authority!r}"
                             + (f"; authorities: {'; '.join(known)}" if known else "; no document has an authority"))
    if plan is not None:
        keys = [k for k in keys if plan_matches(k[1], plan)]
        if not keys:
            known = sorted({str(p) for p in frames["reports"]["plan"].dropna()})
            raise ValueError(f"no plan matches {plan!r}" + (f"; plans: {'; '.join(known)}" if known else ""))
    views = []
    for council, key in keys:
        same = reps["authority"].isna() if council is None else reps["authority"] == council
        mine = reps[same & (reps["series"] == key)]
        if period is not None:
            mine = mine[mine["period"] <= period]
        view = _view(key, council, mine, frames, period)
        if period is None or view.periods or view.findings:
            views.append(view)
    return sorted(views, key=lambda v: (v.authority or "", v.key))


def digest_frames(conn: Any) -> dict[str, pd.DataFrame]:
    """The tables the digest reads (frames.read_frames: a table or column missing from a foreign
    database reads as empty / NULL), with the clerks' corrections, and each report's council."""
    frames = read_frames(conn, DIGESTED)
    from plantrack.pipeline.review.corrections import for_digest

    fixes = for_digest(getattr(conn, "conn", conn))
    frames["actions"]["rag_fixed"] = frames["actions"]["id"].isin(list(fixes["rag_fixed"]))
    frames["corrections"] = fixes["listing"]  # type: ignore[assignment]  # plain rows, not a frame
    frames["stale_corrections"] = fixes["stale"]  # type: ignore[assignment]
    # a report's council is its document's (read_frames reads it), white space folded
    frames["reports"]["authority"] = frames["reports"]["authority"].map(authority_name).astype(object)
    return frames


def _paper_counts(conn: Any, authority: str | None) -> dict[str, int]:
    """Documents, papers used (superseded copies are not counted twice) and what hangs off them,
    of the councils `authority` loosely names (all when None)."""
    from plantrack.store.supersede import read_papers

    docs = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, status, authority FROM documents")}
    keep = {i for i, (_, a) in docs.items() if authority is None or authority_matches(a, authority)}
    reports = [p for p in read_papers(conn, "reports") if p["document_id"] in keep]
    meetings = [p for p in read_papers(conn, "meetings") if p["document_id"] in keep]
    used_r = {p["id"] for p in reports if p["superseded_by"] is None}
    used_m = {p["id"] for p in meetings if p["superseded_by"] is None}
    actions = sum(1 for (rid,) in conn.execute("SELECT report_id FROM actions") if rid in used_r)
    reasons = sum(1 for (mid,) in conn.execute("SELECT meeting_id FROM amber_reasons") if mid in used_m)
    return {"documents": len(keep), "failed": sum(1 for i in keep if docs[i][0] == "failed"),
            "reports": len(used_r), "meetings": len(used_m), "actions": actions, "amber_reasons": reasons,
            "superseded": len(reports) - len(used_r) + len(meetings) - len(used_m)}


def counts(conn: Any, authority: str | None = None) -> dict[str, int]:
    """Rows per table (and failed documents, and superseded copies of papers, which are not counted
    again), for the report's header; of the councils `authority` names when given."""
    conn = getattr(conn, "conn", conn)
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    out = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] if t in have else 0 for t in COUNTED}
    out["failed"] = (conn.execute("SELECT COUNT(*) FROM documents WHERE status = 'failed'").fetchone()[0]
                     if "documents" in have else 0)
    out["superseded"] = 0
    docs = {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    if {"documents", "reports", "meetings", "actions", "amber_reasons"} <= have and "authority" in docs:
        out.update(_paper_counts(conn, authority))
    if authority is not None:
        for table in ("action_history", "findings"):
            cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
            if "authority" in cols:
                out[table] = sum(1 for (a,) in conn.execute(f'SELECT authority FROM "{table}"')
                                 if authority_matches(a, authority))
    return out


def source_name(conn: Any) -> str:
    """The database file's name, for the header."""
    conn = getattr(conn, "conn", conn)
    row = next((r for r in conn.execute("PRAGMA database_list") if r[1] == "main"), None)
    return Path(row[2]).name if row and row[2] else "(in memory)"


def status_words(conn: Any) -> list[str]:
    """The printed status words no key, [statuses] entry or default word understood, with the fix."""
    from plantrack.pipeline.stages.statuswords import advice, unknown_in_db

    conn = getattr(conn, "conn", conn)
    try:
        return advice(unknown_in_db(conn))
    except sqlite3.OperationalError:  # a database from before actions.status_text
        return []
