"""Reconcile each plan report against the previous report of its series.

Rebuilds the contract's `action_history` and `findings` tables (../shared/CONTRACT.md) from the
extracted `reports`, `priorities`, `actions`, `meetings` and `amber_reasons`.  The work is done by
pure functions over pandas DataFrames shaped like those tables, so it can be tested without a
database; `reconcile(conn)` only reads the tables, calls them and writes the results back.

A series is one plan of one council: reports carry their document's `authority`, and reports of
different authorities never share a series (NULL is one council); history and findings carry it too.
Only the papers used count: a report or minutes with `superseded_by` set (another copy of the same
paper, plantrack/store/supersede.py) is left out, and its minutes' reasons with it.
"""
from __future__ import annotations

import calendar
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from rapidfuzz import fuzz, process

from plantrack.models.keys import authority_name, month_label, plan_key, ref_key, ref_order, text_key
from plantrack.models.status import DONE, RANK
from plantrack.store import schema
from plantrack.store.frames import read_frames, read_table
from plantrack.pipeline.reconcile.assignment import assign
from plantrack.settings import BY_NAME, load

# The contract fixes the order for `change` (models.status.ORDER); the numeric scale (Settings.scale)
# is only for scores.

# The tables reconcile writes, as plantrack/store/schema.py declares them. `authority` (the council
# of the reports compared; NULL when not known) is beyond the contract: series, and so history and
# findings, are per council.
HISTORY_COLUMNS = schema.columns("action_history")
FINDING_COLUMNS = [c for c in schema.columns("findings") if c != "id"]
KINDS = ("amber_without_reason", "reason_without_action", "reason_for_non_amber", "score_mismatch",
         "restated_score_mismatch", "overall_score_mismatch", "worsened", "dropped_incomplete", "overdue")

# Columns each input frame must have (schema columns; reports' and meetings' authority is their
# document's, frames.read_frames adds it); a frame read from a database with extra columns is fine,
# one missing a column gets it as all-NULL so a half-built store still reconciles.
INPUT_COLUMNS = {
    "reports": ["id", "document_id", "plan", "period", "as_at", "overall_previous_score",
                "overall_current_score", "authority", "superseded_by"],
    "priorities": ["id", "report_id", "number", "title", "previous_score", "current_score"],
    "actions": ["id", "report_id", "priority_number", "ref", "text", "rag", "due_date"],
    "meetings": ["id", "document_id", "meeting_date", "authority", "superseded_by"],
    "amber_reasons": ["id", "meeting_id", "position", "plan", "action_text", "action_id", "match_score"],
}


# ----------------------------------------------------------------------------
# settings
# ----------------------------------------------------------------------------

def _default(name: str) -> Any:
    return BY_NAME[f"reconcile.{name}"].default


@dataclass
class Settings:
    """Reconciliation's tunables; their defaults, checks and documentation are the one settings table's
    (plantrack/settings.py, `reconcile.*`), so `plantrack settings` lists them and plantrack.toml,
    the environment and flags set them."""

    scale: dict[str, int] = field(default_factory=lambda: dict(_default("scale")))
    tolerance: float = _default("tolerance")
    # Text similarity (0-1) a pair needs to be counterparts.  On the sample, true counterparts score
    # >= 0.91 and the best unrelated pair 0.63; new/dropped actions peak at 0.50.
    match_threshold: float = _default("match_threshold")
    # Lower bar when ref AND priority are unchanged: with stable numbering a heavier rewording is
    # still the same action, and the assignment only uses such a pair when nothing better claims it.
    weak_match_threshold: float = _default("weak_match_threshold")
    ref_bonus: float = _default("ref_bonus")
    priority_bonus: float = _default("priority_bonus")
    position_bonus: float = _default("position_bonus")
    # An unrated (NULL) action is "not blue or grey" and "not amber": flag it rather than hide it.
    flag_unrated: bool = True


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Reconciliation's settings, resolved by `plantrack.settings.load` (defaults ← plantrack.toml ←
    environment ← `overrides`, where None means not given); a bad value raises SettingsError."""
    return from_settings(load(path, **{f"reconcile.{k}": v for k, v in overrides.items()}))


def from_settings(cfg: Any) -> Settings:
    """The reconcile settings out of the resolved `plantrack.settings.Settings`."""
    return Settings(scale=dict(cfg["reconcile.scale"]), tolerance=cfg["reconcile.tolerance"],
                    match_threshold=cfg["reconcile.match_threshold"],
                    weak_match_threshold=cfg["reconcile.weak_match_threshold"], ref_bonus=cfg["reconcile.ref_bonus"],
                    priority_bonus=cfg["reconcile.priority_bonus"], position_bonus=cfg["reconcile.position_bonus"])


# ----------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------

def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _int(v: Any) -> int | None:
    try:
        return None if _blank(v) else int(float(v))
    except (TypeError, ValueError):
        return None


def _num(v: Any) -> float | None:
    try:
        return None if _blank(v) else float(v)
    except (TypeError, ValueError):
        return None


def _series_key(r: dict[str, Any]) -> tuple[str, str]:
    """A series: one plan of one council (reports of unknown authority are one council, '')."""
    return (authority_name(r.get("authority")) or "", r["series"])


def _used(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The papers reconciliation uses: not superseded by another copy of the same paper."""
    return [r for r in rows if _blank(r.get("superseded_by"))]


def _rag(v: Any) -> str | None:
    r = None if _blank(v) else str(v).strip().lower()
    return r if r in RANK else None


def _records(df: pd.DataFrame | None, name: str) -> list[dict[str, Any]]:
    """Rows as dicts with None for NULL/NaN; a missing frame or column reads as empty/NULL."""
    cols = INPUT_COLUMNS[name]
    if df is None or df.empty:
        return []
    df = df.copy()
    for c in cols:
        if c not in df.columns:
            df[c] = None
    df = df.astype(object).where(df.notna(), None)
    rows = df.to_dict("records")
    # A nullable id column comes back from SQLite as float (3.0); keys must compare as ints.
    for r in rows:
        for c in cols:
            if c == "id" or c.endswith("_id"):
                r[c] = _int(r[c])
    return rows


def _fmt(x: float) -> str:
    """Scores as printed (one decimal) and means to two: 2.0, 2.5, 2.33."""
    s = f"{x:.2f}"
    return s[:-1] if s.endswith("0") else s


def _day(date: Any) -> str:
    """'2022-08-16' -> '16 August 2022'."""
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(date or ""))
    if not m or not 1 <= int(m.group(2)) <= 12:
        return str(date or "an unknown date")
    return f"{int(m.group(3))} {calendar.month_name[int(m.group(2))]} {m.group(1)}"


def _action_name(a: dict[str, Any]) -> str:
    if not _blank(a.get("ref")):
        return f"Action {a['ref']}"
    text = str(a.get("text") or "").strip()
    return f"The action \u201c{text[:60]}{'…' if len(text) > 60 else ''}\u201d"


# ----------------------------------------------------------------------------
# series
# ----------------------------------------------------------------------------

def series(reports: pd.DataFrame) -> pd.DataFrame:
    """The reports with `series` (the folded plan name) and `previous_id` (the report before it in
    its series, nullable), ordered by authority, series and period.  A series is one plan of one
    council: reports of different authorities never share one (NULL authority is one council).
    Reports without a plan or period cannot be placed in a series and are left out, and so are
    superseded copies (`superseded_by` set).  Two reports of the same period that no superseded_by
    tells apart both compare with the last report of an earlier period."""
    rows = _series_rows(reports)
    cols = INPUT_COLUMNS["reports"] + ["series", "previous_id"]
    extra = [c for c in (reports.columns if reports is not None else []) if c not in cols]
    df = pd.DataFrame(rows, columns=cols + extra)
    df["previous_id"] = df["previous_id"].astype(object).where(df["previous_id"].notna(), None)
    return df


def _series_rows(reports: pd.DataFrame | None) -> list[dict[str, Any]]:
    rows = [r for r in _used(_records(reports, "reports")) if not _blank(r["plan"]) and not _blank(r["period"])]
    for r in rows:
        r["series"] = plan_key(r["plan"])
        r["authority"] = authority_name(r["authority"])
    rows.sort(key=lambda r: (*_series_key(r), str(r["period"]), str(r["as_at"] or ""), _int(r["id"]) or 0))
    last_of_period: dict[tuple, Any] = {}  # (series key, period) -> its last report's id
    periods: dict[tuple, list[str]] = {}   # series key -> its periods so far, in order
    for r in rows:
        key, period = _series_key(r), str(r["period"])
        earlier = [p for p in periods.get(key, []) if p < period]
        r["previous_id"] = last_of_period[(key, earlier[-1])] if earlier else None
        if (key, period) not in last_of_period:
            periods.setdefault(key, []).append(period)
        last_of_period[(key, period)] = r["id"]
    return rows


# ----------------------------------------------------------------------------
# counterparts
# ----------------------------------------------------------------------------

def text_similarity(a: list[str], b: list[str]) -> list[list[float]]:
    """0-1 similarity of every (a, b) pair: token_set_ratio forgives added or cut-off clauses,
    plain ratio keeps two different actions that share a domain's vocabulary apart."""
    if not a or not b:
        return [[0.0] * len(b) for _ in a]
    fa, fb = [text_key(t) for t in a], [text_key(t) for t in b]
    ts = process.cdist(fa, fb, scorer=fuzz.token_set_ratio)
    ra = process.cdist(fa, fb, scorer=fuzz.ratio)
    return ((ts + ra) / 200.0).tolist()


def _pair_weight(pa: dict, ca: dict, sim: float, rp: float, rc: float, s: Settings) -> float | None:
    """The assignment weight of a (previous, current) pair, or None when they cannot be counterparts.
    Weights are measured from the weak threshold so that one confident match outweighs two
    marginal ones."""
    same_ref = ref_key(pa["ref"]) is not None and ref_key(pa["ref"]) == ref_key(ca["ref"])
    pri = _int(pa["priority_number"])
    same_pri = pri is not None and pri == _int(ca["priority_number"])
    floor = s.weak_match_threshold if (same_ref and same_pri) else s.match_threshold
    if _blank(pa["text"]) or _blank(ca["text"]):
        # No wording to judge by (a cell the extractor lost): trust an unchanged ref and priority.
        sim = floor if (same_ref and same_pri) else 0.0
    if sim < floor:
        return None
    bonus = s.ref_bonus * same_ref + s.priority_bonus * same_pri + s.position_bonus * (1 - abs(rp - rc))
    return sim + bonus - min(s.weak_match_threshold, s.match_threshold) + 0.01


def match_counterparts(prev_actions: pd.DataFrame, cur_actions: pd.DataFrame,
                       settings: Settings | None = None) -> list[tuple[int | None, int | None, float]]:
    """Counterparts between two reports of a plan, by meaning: one optimal assignment over text
    similarity plus small bonuses for the same ref, the same priority and a close relative position
    (plans renumber and reword).  Returns (previous id | None, current id | None, similarity):
    matched pairs and new actions in the current report's order, then dropped actions."""
    s = settings or Settings()
    prev, cur = _records(prev_actions, "actions"), _records(cur_actions, "actions")
    sim = text_similarity([a["text"] for a in prev], [a["text"] for a in cur])
    pos = lambda k, n: k / (n - 1) if n > 1 else 0.0  # noqa: E731 - relative place in the report
    weight = [[_pair_weight(pa, ca, sim[i][j], pos(i, len(prev)), pos(j, len(cur)), s)
               for j, ca in enumerate(cur)] for i, pa in enumerate(prev)]
    pairs = assign(weight)
    by_cur = {j: i for i, j in pairs}
    out = [(prev[by_cur[j]]["id"] if j in by_cur else None, ca["id"],
            sim[by_cur[j]][j] if j in by_cur else 0.0) for j, ca in enumerate(cur)]
    matched = set(by_cur.values())
    out += [(pa["id"], None, 0.0) for i, pa in enumerate(prev) if i not in matched]
    return out


# ----------------------------------------------------------------------------
# action_history
# ----------------------------------------------------------------------------

def _change(prev_rag: Any, rag: Any) -> str:
    a, b = _rag(prev_rag), _rag(rag)
    if a is None or b is None or a == b:
        return "unchanged"
    return "improved" if RANK[b] > RANK[a] else "worsened"


def _history_rows(rep: dict, prev_rep: dict, prev: list[dict], cur: list[dict], s: Settings) -> list[dict]:
    by_id = {a["id"]: a for a in prev + cur}
    rows = []
    for pid, cid, _ in match_counterparts(pd.DataFrame(prev, columns=INPUT_COLUMNS["actions"]),
                                          pd.DataFrame(cur, columns=INPUT_COLUMNS["actions"]), s):
        pa, ca = by_id.get(pid) if pid is not None else None, by_id.get(cid) if cid is not None else None
        if ca is not None and pa is not None:
            change = _change(pa["rag"], ca["rag"])
            text_changed = int(text_key(pa["text"]) != text_key(ca["text"]))
        else:
            change, text_changed = ("new" if ca is not None else "dropped"), None
        rows.append({"authority": rep.get("authority"), "plan": rep["plan"], "period": rep["period"],
                     "ref": ca["ref"] if ca else None, "action_id": _int(cid),
                     "previous_period": prev_rep["period"], "previous_ref": pa["ref"] if pa else None,
                     "previous_action_id": _int(pid), "rag": _rag(ca["rag"]) if ca else None,
                     "previous_rag": _rag(pa["rag"]) if pa else None, "change": change,
                     "text_changed": text_changed})
    return rows


def _actions_by_report(actions: pd.DataFrame) -> dict[Any, list[dict]]:
    """Each report's actions in printed order (ids are assigned in reading order)."""
    out: dict[Any, list[dict]] = {}
    for a in sorted(_records(actions, "actions"), key=lambda a: _int(a["id"]) or 0):
        out.setdefault(a["report_id"], []).append(a)
    return out


def action_history(frames: dict[str, pd.DataFrame], settings: Settings | None = None) -> pd.DataFrame:
    """Every action of every report that has a previous report in its series, against its
    counterpart there; plus one `dropped` row per previous action with no counterpart."""
    s = settings or Settings()
    reps = _series_rows(frames.get("reports"))
    by_id = {r["id"]: r for r in reps}
    acts = _actions_by_report(frames.get("actions"))
    rows: list[dict] = []
    for rep in reps:
        if rep["previous_id"] is None:
            continue
        prev_rep = by_id[rep["previous_id"]]
        rows += _history_rows(rep, prev_rep, acts.get(prev_rep["id"], []), acts.get(rep["id"], []), s)
    df = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    for c in ("action_id", "previous_action_id", "text_changed"):
        df[c] = df[c].astype("Int64")
    return df


# ----------------------------------------------------------------------------
# findings
# ----------------------------------------------------------------------------

def _finding(rep: dict, kind: str, detail: str, ref: Any = None, priority: Any = None,
             document_id: Any = None) -> dict:
    return {"authority": authority_name(rep.get("authority")), "plan": rep["plan"], "period": rep["period"], "kind": kind,
            "ref": None if _blank(ref) else ref, "priority_number": _int(priority),
            "document_id": _int(rep["document_id"] if document_id is None else document_id),
            "detail": detail}


def _differs(a: float, b: float, tol: float) -> bool:
    # Printed scores have one decimal, so 2.25 vs 2.3 must not tip over 0.05 on float noise.
    return abs(a - b) > tol + 1e-9


def score_findings(reps: list[dict], priorities: list[dict], acts: dict, s: Settings) -> list[dict]:
    """A priority's printed current score against the mean score of its rated actions."""
    out = []
    by_rep = {}
    for p in priorities:
        by_rep.setdefault(p["report_id"], []).append(p)
    for rep in reps:
        for p in sorted(by_rep.get(rep["id"], []), key=lambda p: _int(p["number"]) or 0):
            printed = _num(p["current_score"])
            rated = [s.scale[_rag(a["rag"])] for a in acts.get(rep["id"], [])
                     if _int(a["priority_number"]) == _int(p["number"]) and _rag(a["rag"]) in s.scale]
            if printed is None or not rated:
                continue
            mean = sum(rated) / len(rated)
            if _differs(printed, mean, s.tolerance):
                out.append(_finding(rep, "score_mismatch", priority=p["number"], detail=(
                    f"Priority {_int(p['number'])}: printed score {_fmt(printed)}, its {len(rated)} rated "
                    f"action{'s' if len(rated) != 1 else ''} average {_fmt(mean)}.")))
    return out


def restated_findings(reps: list[dict], priorities: list[dict], s: Settings) -> list[dict]:
    """A priority's printed previous score against the current score the previous report printed.
    Priorities are paired by number: plans keep their priority numbers even when actions move."""
    cur = {(p["report_id"], _int(p["number"])): p for p in priorities}
    by_id = {r["id"]: r for r in reps}
    out = []
    for rep in reps:
        prev_rep = by_id.get(rep["previous_id"])
        if prev_rep is None:
            continue
        for (rid, num), p in sorted(cur.items(), key=lambda kv: kv[0][1] or 0):
            q = cur.get((prev_rep["id"], num))
            if rid != rep["id"] or q is None:
                continue
            restated, printed = _num(p["previous_score"]), _num(q["current_score"])
            if restated is not None and printed is not None and _differs(restated, printed, s.tolerance):
                out.append(_finding(rep, "restated_score_mismatch", priority=num, detail=(
                    f"Priority {num}: previous score printed as {_fmt(restated)}, but the "
                    f"{month_label(prev_rep['period'])} report printed {_fmt(printed)}.")))
    return out


def overall_findings(reports: list[dict], priorities: list[dict], s: Settings) -> list[dict]:
    """The printed overall current score against the mean of the printed priority scores."""
    out = []
    for rep in reports:
        scores = [_num(p["current_score"]) for p in priorities if p["report_id"] == rep["id"]]
        scores = [x for x in scores if x is not None]
        overall = _num(rep["overall_current_score"])
        if overall is None or not scores:
            continue
        mean = sum(scores) / len(scores)
        if _differs(overall, mean, s.tolerance):
            out.append(_finding(rep, "overall_score_mismatch", detail=(
                f"Overall score printed as {_fmt(overall)}, but the {len(scores)} priority scores "
                f"average {_fmt(mean)}.")))
    return out


def change_findings(history: pd.DataFrame, reps: list[dict], actions: dict) -> list[dict]:
    """`worsened` and `dropped_incomplete`, read off the action history."""
    rep_of = {(*_series_key(r), r["period"]): r for r in reps}
    act = {a["id"]: a for lst in actions.values() for a in lst}
    out = []
    for h in history.astype(object).where(history.notna(), None).to_dict("records"):
        rep = rep_of.get((authority_name(h.get("authority")) or "", plan_key(h["plan"]), h["period"]))
        if rep is None:
            continue
        if h["change"] == "worsened":
            renumbered = ref_key(h["ref"]) != ref_key(h["previous_ref"])
            was = f" ({h['previous_ref']} in {month_label(h['previous_period'])})" if renumbered else ""
            name = _action_name(act.get(h["action_id"], {"ref": h["ref"]}))
            out.append(_finding(rep, "worsened", ref=h["ref"], detail=(
                f"{name}{was} went from {h['previous_rag']} to {h['rag']}.")))
        elif h["change"] == "dropped" and h["previous_rag"] not in DONE:
            name = _action_name(act.get(h["previous_action_id"], {"ref": h["previous_ref"]}))
            status = h["previous_rag"] or "unrated"
            out.append(_finding(rep, "dropped_incomplete", ref=h["previous_ref"], detail=(
                f"{name} ({status} in {month_label(h['previous_period'])}) is no longer in the plan: "
                f"the {month_label(h['period'])} report does not carry it.")))
    return out


def overdue_findings(reps: list[dict], acts: dict, s: Settings) -> list[dict]:
    """Due before the first day of the report's period and not completed (blue/grey)."""
    out = []
    for rep in reps:
        start = f"{rep['period']}-01"
        for a in acts.get(rep["id"], []):
            due, rag = str(a["due_date"] or "")[:10], _rag(a["rag"])
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", due) or due >= start or rag in DONE:
                continue
            if rag is None and not s.flag_unrated:
                continue
            status = f"is {rag}" if rag else "has no status"
            out.append(_finding(rep, "overdue", ref=a["ref"], detail=(
                f"{_action_name(a)} was due by {_day(due)} and {status} in the {month_label(rep['period'])} report.")))
    return out


def _discussed(reasons: list[dict], act_report: dict, reps_by_id: dict) -> dict[tuple, dict]:
    """(meeting id, series) -> the report that meeting discussed: the one its linked justifications
    point into (the most pointed-into, should a stray link point elsewhere)."""
    votes: dict[tuple, Counter] = {}
    for r in reasons:
        rep = reps_by_id.get(act_report.get(r["action_id"]))
        if rep is not None:
            votes.setdefault((r["meeting_id"], _series_key(rep)), Counter())[rep["id"]] += 1
    return {k: reps_by_id[max(c, key=lambda rid: (c[rid], str(reps_by_id[rid]["period"])))]
            for k, c in votes.items()}


def _report_for_orphan(r: dict, meeting: dict, discussed: dict, reps: list[dict]) -> dict | None:
    """The report a justification that matches no action belongs to: the one its meeting discussed
    for that plan (or its only one), else the latest report of the plan as at the meeting date."""
    mine = {k[1]: rep for k, rep in discussed.items() if k[0] == r["meeting_id"]}
    key = (authority_name(meeting.get("authority")) or "", plan_key(r["plan"]))
    if key in mine:
        return mine[key]
    if len(mine) == 1:
        return next(iter(mine.values()))
    date = str(meeting.get("meeting_date") or "")
    cands = [p for p in reps if _series_key(p) == key and date and str(p["as_at"] or "") <= date]
    return max(cands, key=lambda p: (str(p["period"]), str(p["as_at"] or ""))) if cands else None


def _reason_number(r: dict, items: list[dict]) -> str:
    """An Amber reason numbered as the minutes number it: the agenda item it sits under (the meeting's
    item on the reason's plan), then its place in that item's list; "item 4" alone would read as the
    minutes' agenda item 4, which is something else."""
    key = plan_key(r.get("plan") or "")
    item = next((i for i in items if i["meeting_id"] == r["meeting_id"] and key
                 and plan_key(i.get("plan") or "") == key), None)
    under = f"item {item['number']}, " if item and not _blank(item.get("number")) else ""
    return f"{under}Amber reason {_int(r['position'])}"


def reason_findings(reps: list[dict], acts: dict, meetings: list[dict], reasons: list[dict],
                    s: Settings, items: list[dict] | None = None) -> list[dict]:
    """Amber justifications in minutes against the report each meeting discussed.  The problem
    shows in the minutes, so these findings point at the minutes' document.  `items`: the minutes'
    agenda items (meeting_id, number, plan), to number a reason as the minutes do."""
    items = items or []
    reps_by_id = {r["id"]: r for r in reps}
    act = {a["id"]: a for lst in acts.values() for a in lst}
    act_report = {aid: a["report_id"] for aid, a in act.items()}
    meet = {m["id"]: m for m in meetings}
    discussed = _discussed(reasons, act_report, reps_by_id)
    out = []
    for (mid, _), rep in sorted(discussed.items(), key=lambda kv: (*_series_key(kv[1]), str(kv[1]["period"]))):
        m = meet.get(mid, {})
        justified = {r["action_id"] for r in reasons if r["meeting_id"] == mid}
        for a in acts.get(rep["id"], []):
            if _rag(a["rag"]) == "amber" and a["id"] not in justified:
                out.append(_finding(rep, "amber_without_reason", ref=a["ref"], document_id=m.get("document_id"),
                                    detail=(f"{_action_name(a)} is amber in the {month_label(rep['period'])} report, but "
                                            f"the minutes of {_day(m.get('meeting_date'))} give no reason for it.")))
    for r in sorted(reasons, key=lambda r: (_int(r["meeting_id"]) or 0, _int(r["position"]) or 0)):
        m = meet.get(r["meeting_id"], {})
        a = act.get(r["action_id"]) if r["action_id"] is not None else None
        if a is None:
            rep = _report_for_orphan(r, m, discussed, reps)
            text = str(r["action_text"] or "").strip()
            target = f"the {month_label(rep['period'])} report" if rep else "the plan"
            rep = rep or {"plan": r["plan"], "period": None, "document_id": None, "authority": m.get("authority")}
            out.append(_finding(rep, "reason_without_action", document_id=m.get("document_id"), detail=(
                f"The minutes of {_day(m.get('meeting_date'))} give a reason for \u201c{text[:80]}"
                f"{'…' if len(text) > 80 else ''}\u201d ({_reason_number(r, items)}), which matches no action "
                f"of {target}.")))
            continue
        rag = _rag(a["rag"])
        if rag == "amber" or (rag is None and not s.flag_unrated):
            continue
        rep = reps_by_id.get(a["report_id"])
        if rep is None:
            continue
        rated = f"rates {rag}" if rag else "leaves unrated"
        out.append(_finding(rep, "reason_for_non_amber", ref=a["ref"], document_id=m.get("document_id"), detail=(
            f"The minutes of {_day(m.get('meeting_date'))} give an Amber reason for "
            f"{_action_name(a)[0].lower()}{_action_name(a)[1:]}, which the {month_label(rep['period'])} report "
            f"{rated}, not amber.")))
    return out


def findings(frames: dict[str, pd.DataFrame], settings: Settings | None = None,
             history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every finding kind of the contract, one row each (plan, period, kind, ref, priority_number,
    document_id, detail), ordered by plan, period, kind and ref."""
    s = settings or Settings()
    if history is None:
        history = action_history(frames, s)
    reps = _series_rows(frames.get("reports"))
    every = _used(_records(frames.get("reports"), "reports"))  # score checks need no series
    for r in every:
        r["series"] = plan_key(r["plan"])
    pris = _records(frames.get("priorities"), "priorities")
    acts = _actions_by_report(frames.get("actions"))
    meetings = _records(frames.get("meetings"), "meetings")
    copies = {m["id"] for m in meetings if not _blank(m["superseded_by"])}  # their reasons count once, in the copy used
    reasons = [r for r in _records(frames.get("amber_reasons"), "amber_reasons") if r["meeting_id"] not in copies]
    agenda = frames.get("agenda_items")
    items = [] if agenda is None or agenda.empty else agenda.astype(object).where(agenda.notna(), None).to_dict("records")
    rows = (reason_findings(reps, acts, _used(meetings), reasons, s, items)
            + score_findings(every, pris, acts, s) + restated_findings(reps, pris, s)
            + overall_findings(every, pris, s) + change_findings(history, reps, acts)
            + overdue_findings(reps, acts, s))
    rows.sort(key=lambda f: (f["authority"] or "", plan_key(f["plan"]), str(f["period"] or ""),
                             KINDS.index(f["kind"]), ref_order(f["ref"]), f["priority_number"] or 0))
    df = pd.DataFrame(_once(rows), columns=FINDING_COLUMNS)
    for c in ("priority_number", "document_id"):
        df[c] = df[c].astype("Int64")
    return df


def _once(rows: list[dict]) -> list[dict]:
    """At most one finding per (authority, plan, period, kind, ref, priority number), as the contract
    asks: should two meetings (or two unmatched reasons of one meeting) give the same finding, it is
    one row whose detail carries each sentence."""
    kept: dict[tuple, dict] = {}
    for f in rows:
        key = (f["authority"] or "", plan_key(f["plan"]), f["period"], f["kind"], f["ref"], f["priority_number"])
        if key not in kept:
            kept[key] = dict(f)
        elif f["detail"] not in kept[key]["detail"]:
            kept[key]["detail"] += " " + f["detail"]
    return list(kept.values())


# ----------------------------------------------------------------------------
# database
# ----------------------------------------------------------------------------

def _sql_rows(df: pd.DataFrame, columns: list[str]) -> Iterable[tuple]:
    clean = df[columns].astype(object).where(df[columns].notna(), None)
    for row in clean.itertuples(index=False, name=None):
        yield tuple(v.item() if hasattr(v, "item") else v for v in row)  # numpy scalars -> Python


def _write(conn: sqlite3.Connection, name: str, df: pd.DataFrame, columns: list[str], with_id: bool) -> None:
    schema.ensure_table(conn, name)
    conn.execute(f'DELETE FROM "{name}"')
    cols = (["id"] if with_id else []) + columns
    rows = ((i, *r) if with_id else r for i, r in enumerate(_sql_rows(df, columns), start=1))
    conn.executemany(f'INSERT INTO "{name}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
                     f'VALUES ({", ".join("?" * len(cols))})', rows)


def reconcile(conn: sqlite3.Connection, settings: Settings | None = None) -> dict[str, Any]:
    """Rebuild `action_history` and `findings` from the database's reports and minutes, in one
    transaction (readers see the old tables or the new ones, never half), and return counts.
    Which copy of a paper counts (`superseded_by`) is chosen again first, and the Amber reasons
    re-linked if that moved. Running it twice gives the same rows and ids."""
    from plantrack.pipeline.reconcile.linking_store import relink_in
    from plantrack.store.supersede import supersede
    from plantrack.store import savepoint

    s = settings or Settings()
    with savepoint(conn, "plantrack_reconcile"):
        if supersede(conn):  # which copy of a paper counts moved since the last load: links follow it
            relink_in(conn)
        frames = read_frames(conn)
        frames["agenda_items"] = read_table(conn, "agenda_items")  # to number Amber reasons as the minutes do
        hist = action_history(frames, s)
        found = findings(frames, s, history=hist)
        _write(conn, "action_history", hist, HISTORY_COLUMNS, with_id=False)
        _write(conn, "findings", found, FINDING_COLUMNS, with_id=True)
    return {"action_history": len(hist), "findings": len(found),
            "changes": dict(Counter(hist["change"])), "kinds": dict(Counter(found["kind"]))}
