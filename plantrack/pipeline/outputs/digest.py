"""A report people read, built from the database alone (never the PDFs).

Per plan of each council (reports whose names fold alike and whose documents have the same authority
form one series, as in reconcile; superseded copies of a paper are left out): a chart of action statuses
per period, a chart of the printed priority scores, what changed in the latest period, and the
findings grouped by kind.  As one self-contained HTML file (inline CSS, charts as inline SVG, nothing
fetched from anywhere) or as Markdown for an email.

The work is split in two: `plan_views` turns the tables into plain per-plan summaries (pandas, no
output format), and the `_html_*` / `_md_*` functions only lay those out.  Every piece of document
text is escaped on the way out, since a PDF's words must never become markup.
"""
from __future__ import annotations

import html
import io
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from plantrack.models.keys import PERIOD_RE, authority_matches, authority_name, month_label, plan_key, plan_matches, ref_order
from plantrack.models.status import ORDER, RANK
from plantrack.store import schema
from plantrack.store.frames import read_frames
from plantrack.pipeline.reconcile.rebuild import KINDS, series
from plantrack.store import now

STATUSES = (*ORDER, "unrated")
COLOURS = {"red": "#d7191c", "amber": "#f5a300", "green": "#1a9641", "blue": "#2b6cb0",
           "grey": "#8c8c8c", "unrated": "#ffffff"}
# Lines for priorities avoid the status colours, so a red line is never read as "red status".
LINE_COLOURS = ("#3b4cc0", "#8e44ad", "#17becf", "#8c564b", "#e377c2", "#1f3a5f", "#bcbd22", "#7f7f7f")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
# The ends of a transition that are not statuses: the action was not there before / is not now.
NEW, DROPPED = "new", "dropped"
CHANGE_ORDER = ("worsened", "new", "dropped")
KIND_TITLES = {
    "amber_without_reason": "Amber actions with no reason in the minutes",
    "reason_without_action": "Reasons in the minutes that match no action",
    "reason_for_non_amber": "Amber reasons given for actions not rated amber",
    "score_mismatch": "Priority scores that differ from their actions",
    "restated_score_mismatch": "Previous scores restated differently",
    "overall_score_mismatch": "Overall scores that differ from the priorities",
    "worsened": "Actions whose status worsened",
    "dropped_incomplete": "Actions dropped before completion",
    "overdue": "Overdue actions",
}
COUNTED = schema.COUNTED  # rows per table in the header: documents, papers, actions, reasons, history, findings
DIGESTED = ("reports", "priorities", "actions", "action_history", "findings")


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
    findings: list[dict] = field(default_factory=list)
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
                    findings=_findings(frames["findings"], key, authority, period),
                    corrections=_corrections(frames, key, period))


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


def _source(conn: Any) -> str:
    conn = getattr(conn, "conn", conn)
    row = next((r for r in conn.execute("PRAGMA database_list") if r[1] == "main"), None)
    return Path(row[2]).name if row and row[2] else "(in memory)"


# ----------------------------------------------------------------------------
# charts: matplotlib (Agg canvas, no pyplot state) to inline SVG
# ----------------------------------------------------------------------------

def _short(period: str) -> str:
    label = month_label(period)
    return f"{label[:3]} {label.split()[-1]}" if " " in label else label


def _figure(width: float = 6.4, height: float = 3.0):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def svg_of(fig, prefix: str) -> str:
    """The figure as an <svg> element to embed: no XML prolog or DOCTYPE (which names a URL), no
    metadata, text as text, ids prefixed so that several charts can share one page, and hash ids
    salted by the prefix so that the same data gives the same file."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    return re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg).strip()


def status_chart(counts: pd.DataFrame, prefix: str) -> str:
    """Stacked bars: actions per status in each period, one series per status present."""
    fig = _figure()
    ax = fig.subplots()
    x = list(range(len(counts.index)))
    bottom = [0] * len(x)
    for status in counts.columns:
        values = [int(v) for v in counts[status]]
        bars = ax.bar(x, values, 0.6, bottom=bottom, label=status, color=COLOURS[status],
                      edgecolor="#555555" if status == "unrated" else "white", linewidth=0.6,
                      hatch="///" if status == "unrated" else None)
        for i, rect in enumerate(bars):
            rect.set_gid(f"bar-{status}-{counts.index[i]}")
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xticks(x, [_short(p) for p in counts.index])
    ax.set_ylabel("actions")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, reverse=True)
    return svg_of(fig, prefix)


def score_chart(scores: pd.DataFrame, overall: pd.Series, prefix: str) -> str:
    """Lines: each priority's printed current score per period (and the overall score, dashed)."""
    fig = _figure()
    ax = fig.subplots()
    periods = list(scores.index) if not scores.empty else list(overall.index)
    x = list(range(len(periods)))
    for i, number in enumerate(scores.columns):
        ax.plot(x, list(scores[number]), marker=MARKERS[i % len(MARKERS)], color=LINE_COLOURS[i % len(LINE_COLOURS)],
                label=f"Priority {int(number)}", gid=f"priority-{int(number)}")
    total = overall.reindex(periods)
    if total.notna().any():
        ax.plot(x, list(total), marker=".", linestyle="--", linewidth=2.2, color="#222222", label="Overall", gid="overall")
    values = pd.concat([scores.stack(), total]).dropna() if not scores.empty else total.dropna()
    low, high = min(1.0, values.min()), max(5.0, values.max())
    ax.set_ylim(low - 0.2, high + 0.2)
    ax.set_xticks(x, [_short(p) for p in periods])
    ax.set_xlim(-0.5, len(x) - 0.5)
    ax.set_ylabel("score")
    ax.grid(axis="y", color="#e5e5e5")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return svg_of(fig, prefix)


# ----------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;max-width:72rem;
 padding:1rem 1.5rem 3rem;color:#1f2328;line-height:1.45}
header.summary{border-bottom:2px solid #d0d7de;margin-bottom:1rem}
header.summary p{margin:.25rem 0;color:#57606a}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin:2rem 0 .25rem;border-bottom:1px solid #d0d7de}
h3{font-size:1.1rem;margin:1.5rem 0 .5rem}h4{font-size:1rem;margin:1rem 0 .25rem}
.muted,.plan-meta{color:#57606a}.empty{color:#57606a;font-style:italic}
.charts{display:flex;flex-wrap:wrap;gap:1rem}
figure.chart{margin:0;flex:1 1 28rem;border:1px solid #d0d7de;border-radius:6px;padding:.5rem}
figure.chart svg{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#57606a}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.same{background:#f6f8fa}td.up{background:#e6f4ea}td.down{background:#fde8e8}
.chip{display:inline-block;width:.8em;height:.8em;border:1px solid #555;border-radius:2px;margin-right:.3em;
 vertical-align:-.05em}
.chip.unrated{background:repeating-linear-gradient(45deg,#fff 0 2px,#888 2px 3px)}
tr.change-worsened td:first-child{color:#b42318;font-weight:600}
li.finding{margin:.2rem 0}.ref{font-weight:600}.period{color:#57606a;font-size:.85rem}
nav.plans ul{margin:.25rem 0}
details ol{margin:.25rem 0;padding-left:1.5rem}summary{cursor:pointer}
"""


def _e(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def _slug(key: str, authority: str | None = None) -> str:
    council = "-".join(plan_key(authority).split()) + "--" if authority else ""
    return "plan-" + council + "-".join(key.split())


def _chip(status: str) -> str:
    style = "" if status in (NEW, DROPPED, "unrated") else f' style="background:{COLOURS[status]}"'
    chip = f'<span class="chip {status}"{style}></span>' if status not in (NEW, DROPPED) else ""
    return f"{chip}{_e(status)}"


def _score(v: Any) -> str:
    return "" if v is None or pd.isna(v) else f"{float(v):.1f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _html_header(c: dict[str, int], source: str, generated: str, scope: str) -> str:
    docs = f"{_plural(c['documents'], 'document')}" + (f" ({c['failed']} could not be read)" if c["failed"] else "")
    return (f'<header class="summary" id="summary"><h1>Plan progress: what changed and what to look at</h1>'
            f'<p class="counts">Database <code>{_e(source)}</code>: {_e(docs)}, '
            f'{_e(_plural(c["reports"], "plan report"))}, {_e(_plural(c["actions"], "action"))}, '
            f'{_e(_plural(c["meetings"], "set"))} of minutes, {_e(_plural(c["amber_reasons"], "Amber reason"))}, '
            f'{_e(_plural(c["findings"], "finding"))}.{_e(_copies(c))}</p>'
            f'<p class="scope">{_e(scope)}</p>'
            f'<p class="generated">Generated <time datetime="{_e(generated)}">{_e(generated)}</time>.</p></header>')


def _copies(c: dict[str, int]) -> str:
    n = c.get("superseded", 0)
    return (f" {_plural(n, 'paper')} also read from another document (a re-published copy or a pack) "
            f"{'is' if n == 1 else 'are'} counted once." if n else "")


def _html_nav(views: list[PlanView]) -> str:
    if len(views) < 2:
        return ""
    items = "".join(f'<li><a href="#{_e(_slug(v.key, v.authority))}">{_e(_title(v))}</a> '
                    f'<span class="muted">({_e(_plural(len(v.findings), "finding"))})</span></li>' for v in views)
    return f'<nav class="plans"><ul>{items}</ul></nav>'


def _html_plan(v: PlanView, index: int) -> str:
    council = f' data-authority="{_e(v.authority)}"' if v.authority else ""
    parts = [f'<section class="plan" id="{_e(_slug(v.key, v.authority))}" data-plan="{_e(v.name)}"{council}>',
             f"<h2>{_e(v.name)}" + (f' <span class="authority">— {_e(v.authority)}</span>' if v.authority else "")
             + "</h2>", f'<p class="plan-meta">{_e(_meta(v))}</p>']
    if v.periods:
        parts.append(f'<div class="charts">{_html_status(v, index)}{_html_scores(v, index)}</div>')
    parts += [_html_transitions(v), _html_corrections(v), _html_findings(v), "</section>"]
    return "\n".join(parts)


def _title(v: PlanView) -> str:
    return f"{v.name} — {v.authority}" if v.authority else v.name


def _meta(v: PlanView) -> str:
    if not v.periods:
        return "No report of this plan has been read; the findings below come from minutes."
    span = month_label(v.periods[0]) + (f" to {month_label(v.periods[-1])}" if len(v.periods) > 1 else "")
    also = f" Also printed as: {'; '.join(v.other_names)}." if v.other_names else ""
    return f"{_plural(len(v.periods), 'report')}, {span}.{also}"


def _html_status(v: PlanView, index: int) -> str:
    body = (status_chart(v.status_counts, f"status-counts-{index}") if not v.status_counts.empty
            else '<p class="empty">No actions were read from these reports.</p>')
    return (f'<figure class="chart status-counts" data-statuses="{_e(" ".join(v.status_counts.columns))}">{body}'
            f"<figcaption>Actions by status in each report.</figcaption></figure>")


def _html_scores(v: PlanView, index: int) -> str:
    has = not v.scores.empty or v.overall.notna().any()
    body = (score_chart(v.scores, v.overall, f"priority-scores-{index}") if has
            else '<p class="empty">These reports print no priority scores.</p>')
    titles = "".join(f'<li value="{n}">{_e(t)}</li>' for n, t in sorted(v.titles.items()))
    listed = f"<details><summary>The priorities</summary><ol>{titles}</ol></details>" if titles else ""
    return (f'<figure class="chart priority-scores">{body}<figcaption>Printed current score of each '
            f'priority (1 red to 5 grey).{listed}</figcaption></figure>')


def _html_transitions(v: PlanView) -> str:
    head = f'<section class="transitions" data-period="{_e(v.latest_period or "")}">'
    if v.transitions.empty:
        return f'{head}<h3>Changes</h3><p class="empty">No transitions: {_e(v.why_no_transitions)}.</p></section>'
    title = f"Changes in the {month_label(v.latest_period)} report, against {month_label(v.previous_period)}"
    return (f"{head}<h3>{_e(title)}</h3>{_html_matrix(v.transitions)}{_html_changes(v.changes)}</section>")


def _cell_class(src: str, dst: str) -> str:
    if src in ORDER and dst in ORDER:
        return "same" if src == dst else ("up" if RANK[dst] > RANK[src] else "down")
    return ""


def _html_matrix(t: pd.DataFrame) -> str:
    head = "".join(f'<th scope="col" data-to="{_e(c)}">{_chip(c)}</th>' for c in t.columns)
    rows = []
    for src, row in t.iterrows():
        cells = "".join(f'<td class="n {_cell_class(src, dst)}" data-from="{_e(src)}" data-to="{_e(dst)}">'
                        f'{int(n) if n else ""}</td>' for dst, n in row.items())
        rows.append(f'<tr><th scope="row" data-from="{_e(src)}">{_chip(src)}</th>{cells}</tr>')
    return (f'<table class="transition-matrix"><caption class="muted">Actions by status in the previous '
            f'report (rows) and in this one (columns)</caption><thead><tr><th>from / to</th>{head}</tr>'
            f'</thead><tbody>{"".join(rows)}</tbody></table>')


def _html_changes(changes: list[dict]) -> str:
    if not changes:
        return '<p class="empty">No action worsened, joined or left the plan.</p>'
    rows = "".join(
        f'<tr class="change change-{_e(c["change"])}" data-change="{_e(c["change"])}" data-ref="{_e(c["ref"])}">'
        f'<td>{_e(c["change"])}</td><td class="ref">{_e(_ref_label(c))}</td>'
        f'<td>{_e(_arrow(c))}</td><td>{_e(c["text"])}</td></tr>' for c in changes)
    return ('<table class="changed-actions"><thead><tr><th>change</th><th>ref</th><th>status</th>'
            f'<th>action</th></tr></thead><tbody>{rows}</tbody></table>')


def _ref_label(c: dict) -> str:
    """The ref, with the previous one when the plan renumbered the action."""
    ref, was = c["ref"], c["previous_ref"]
    renumbered = c["change"] == "worsened" and was is not None and was != ref
    return f"{ref or ''} (was {was})" if renumbered else ref or ""


def _arrow(c: dict) -> str:
    was = f"{c['from']} ✎" if c.get("from_fixed") else c["from"]
    now = f"{c['to']} ✎" if c.get("to_fixed") else c["to"]
    return {"new": f"new: {now}", "dropped": f"was {was}"}.get(c["change"], f"{was} → {now}")


def _fix_line(c: dict) -> str:
    """One correction as a reader sees it: "action 2.2 rag: green → amber ✎ (cell misread; J Mayer)"."""
    thing = f"action {c['ref']}" if c["target"] == "action" else \
        f"Amber reason {c['position']} in the minutes of {c['meeting_date']}"
    field_ = "linked action" if c["field"] == "action_ref" else c["field"]
    why = "; ".join(x for x in (c.get("note"), c.get("by"), None if c["applies"] else f"no longer applies: {c['problem']}") if x)
    return f"{thing} {field_}: {c['old_value'] or 'none'} → {c['new_value'] or 'none'} ✎" + (f" ({why})" if why else "")


def _by_period(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for c in rows:
        groups.setdefault(month_label(c["period"]) if c.get("period") else "undated", []).append(c)
    return list(groups.items())


def _html_corrections(v: PlanView) -> str:
    if not v.corrections:
        return ""
    parts = [f'<section class="corrections"><h3>Corrections by clerks ({len(v.corrections)})</h3>']
    for month, rows in _by_period(v.corrections):
        items = "".join(f'<li class="correction" data-id="{_e(c["id"])}" data-field="{_e(c["field"])}" '
                        f'data-ref="{_e(c["ref"])}">{_e(_fix_line(c))}</li>' for c in rows)
        parts.append(f"<h4>{_e(month)}</h4><ul>{items}</ul>")
    return "".join(parts) + "</section>"


def _md_corrections(v: PlanView) -> list[str]:
    if not v.corrections:
        return []
    out = [f"### Corrections by clerks ({len(v.corrections)})", ""]
    for month, rows in _by_period(v.corrections):
        out += [f"#### {month}", ""] + [f"- {_m(_fix_line(c))}" for c in rows] + [""]
    return out


def _grouped(findings: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for f in findings:
        groups.setdefault(str(f["kind"]), []).append(f)
    return list(groups.items())


def _html_findings(v: PlanView) -> str:
    if not v.findings:
        return '<section class="findings"><h3>Findings</h3><p class="empty">Nothing to look at.</p></section>'
    parts = [f'<section class="findings"><h3>Findings ({len(v.findings)})</h3>']
    for kind, rows in _grouped(v.findings):
        items = "".join(
            f'<li class="finding" data-kind="{_e(kind)}" data-period="{_e(f["period"])}" data-ref="{_e(f["ref"])}">'
            f'<span class="period">{_e(month_label(f["period"]) if f["period"] else "undated")}</span> '
            f'<span class="detail">{_e(f["detail"])}</span></li>' for f in rows)
        parts.append(f'<section class="finding-kind" data-kind="{_e(kind)}"><h4>{_e(KIND_TITLES.get(kind, kind))} '
                     f'<span class="muted">({len(rows)})</span></h4><ul>{items}</ul></section>')
    return "".join(parts) + "</section>"


def _scope(plan: str | None, period: str | None, authority: str | None = None) -> str:
    bits = [(f"plans matching “{plan}”" if plan else "all plans")
            + (f" of the councils matching “{authority}”" if authority else ""),
            f"changes and findings of {month_label(period)}, charts up to it" if period
            else "charts of every period, changes of each plan's latest report, findings of every period"]
    return "Showing " + "; ".join(bits) + "."


def _html_status_words(lines: list[str]) -> str:
    if not lines:
        return ""
    items = "".join(f'<li class="status-word">{_e(line)}</li>' for line in lines)
    return f'<section class="status-words" id="status-words"><h2>Status words not understood</h2><ul>{items}</ul></section>'


def render_html(views: list[PlanView], c: dict[str, int], source: str, generated: str, scope: str,
                notice: str | None = None, status_words: list[str] | None = None) -> str:
    body = ("\n".join(_html_plan(v, i) for i, v in enumerate(views, 1)) if views else
            '<p class="empty nothing">Nothing to show yet: the database holds no plan reports or findings '
            'for this choice. Run <code>plantrack run</code> to read the papers.</p>')
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>plantrack report</title><style>{CSS}</style></head><body>\n'
            f'{_html_header(c, source, generated, scope)}\n'
            + (f'<p class="stale-corrections"><strong>{_e(notice)}</strong></p>\n' if notice else '')
            + f'{_html_status_words(status_words or [])}'
            + f'{_html_nav(views)}\n<main>\n{body}\n</main>\n'
            '</body></html>\n')


# ----------------------------------------------------------------------------
# Markdown
# ----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _m(value: Any) -> str:
    """Document text for Markdown: one line, and no character a renderer would read as markup
    (raw HTML included)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(r) + " |" for r in rows] + [""]


def _md_plan(v: PlanView) -> list[str]:
    out = [f"## {_m(_title(v))}", "", _m(_meta(v)), ""]
    if not v.status_counts.empty:
        cols = list(v.status_counts.columns)
        out += ["### Actions by status", ""] + _md_table(
            ["period", *cols, "total"],
            [[month_label(p), *(str(int(n)) for n in row), str(int(row.sum()))] for p, row in v.status_counts.iterrows()])
    if not v.scores.empty:
        out += ["### Priority scores", ""] + _md_table(
            ["priority", *(_short(p) for p in v.scores.index)],
            [[f"{int(n)} {_m(v.titles.get(int(n), ''))}".strip(), *(_score(x) for x in v.scores[n])]
             for n in v.scores.columns] + [["overall", *(_score(v.overall.get(p)) for p in v.scores.index)]])
    return out + _md_transitions(v) + _md_corrections(v) + _md_findings(v)


def _md_transitions(v: PlanView) -> list[str]:
    if v.transitions.empty:
        return ["### Changes", "", f"No transitions: {_m(v.why_no_transitions)}.", ""]
    t = v.transitions
    out = [f"### Changes in the {month_label(v.latest_period)} report, against {month_label(v.previous_period)}", ""]
    out += _md_table(["from / to", *t.columns], [[src, *(str(int(n)) if n else "" for n in row)]
                                                  for src, row in t.iterrows()])
    if v.changes:
        out += _md_table(["change", "ref", "status", "action"],
                         [[c["change"], _m(_ref_label(c)), _arrow(c), _m(c["text"])] for c in v.changes])
    return out


def _md_findings(v: PlanView) -> list[str]:
    if not v.findings:
        return ["### Findings", "", "Nothing to look at.", ""]
    out = [f"### Findings ({len(v.findings)})", ""]
    for kind, rows in _grouped(v.findings):
        out += [f"#### {KIND_TITLES.get(kind, kind)} ({len(rows)})", ""]
        out += [f"- {month_label(f['period']) if f['period'] else 'undated'}: {_m(f['detail'])}" for f in rows] + [""]
    return out


def render_markdown(views: list[PlanView], c: dict[str, int], source: str, generated: str, scope: str,
                    notice: str | None = None, status_words: list[str] | None = None) -> str:
    docs = _plural(c["documents"], "document") + (f" ({c['failed']} could not be read)" if c["failed"] else "")
    out = ["# Plan progress: what changed and what to look at", "",
           f"Database {_m(source)}: {docs}, {_plural(c['reports'], 'plan report')}, "
           f"{_plural(c['actions'], 'action')}, {_plural(c['meetings'], 'set')} of minutes, "
           f"{_plural(c['amber_reasons'], 'Amber reason')}, {_plural(c['findings'], 'finding')}.{_copies(c)} "
           f"{_m(scope)} Generated {generated}.", ""]
    if notice:  # a clerk's correction that no longer finds its action: said, never dropped
        out += [f"**{_m(notice)}**", ""]
    if status_words:
        out += ["## Status words not understood", ""] + [f"- {_m(line)}" for line in status_words] + [""]
    if not views:
        out += ["Nothing to show yet: the database holds no plan reports or findings for this choice. "
                "Run `plantrack run` to read the papers.", ""]
    for v in views:
        out += _md_plan(v)
    return "\n".join(out).rstrip() + "\n"


# ----------------------------------------------------------------------------
# entry points
# ----------------------------------------------------------------------------

def build_report(conn: Any, plan: str | None = None, period: str | None = None, fmt: str = "html",
                 authority: str | None = None) -> str:
    """The report as text: `fmt` "html" (one self-contained file) or "md".  `plan` keeps the plans
    it loosely names, `authority` the councils it loosely names, `period` (YYYY-MM) the changes and
    findings of that month.  Raises ValueError for a bad period or format, or a plan or authority that
    matches nothing."""
    if fmt not in ("html", "md"):
        raise ValueError(f"unknown report format {fmt!r}: choose html or md")
    frames = digest_frames(conn)
    views = plan_views(frames, plan, period, authority)
    render = render_html if fmt == "html" else render_markdown
    return render(views, counts(conn, authority), _source(conn), now(), _scope(plan, period, authority),
                  notice=frames.get("stale_corrections"), status_words=_status_words(conn))


def _status_words(conn: Any) -> list[str]:
    """The printed status words no key, [statuses] entry or default word understood, with the fix."""
    from plantrack.pipeline.stages.statuswords import advice, unknown_in_db

    conn = getattr(conn, "conn", conn)
    try:
        return advice(unknown_in_db(conn))
    except sqlite3.OperationalError:  # a database from before actions.status_text
        return []


def default_report_path(db_path: Path) -> Path:
    """report.html beside plantrack.db; `<name>-report.html` beside any other (paths.report_path)."""
    from plantrack.pipeline.stages.paths import report_path

    return report_path(db_path)


def write_default_report(db_path: Path) -> Path:
    """Write the report beside the database (data/out/report.html by default; see default_report_path);
    returns its path. Written to a temporary file first, so a reader never opens half a report."""
    db_path = Path(db_path)
    out = default_report_path(db_path)
    conn = sqlite3.connect(db_path)
    try:
        text = build_report(conn)
    finally:
        conn.close()
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out
