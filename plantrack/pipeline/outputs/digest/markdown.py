"""The digest as Markdown, for an email or a chat: the same facts as the HTML page and in the same
order (findings first), without the charts (their figures are given as tables).  A small renderer
rather than a template: Markdown is line-based, and each line's escaping matters more than layout."""
from __future__ import annotations

import re
from typing import Any

from plantrack.models.keys import month_label
from plantrack.pipeline.outputs.digest import words
from plantrack.pipeline.outputs.digest.charts import short_month
from plantrack.pipeline.outputs.digest.views import PlanView

SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(value: Any) -> str:
    """Document text for Markdown: one line, and no character a renderer would read as markup
    (raw HTML included)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(r) + " |" for r in rows] + [""]


def plan(v: PlanView) -> list[str]:
    out = [f"## {md(words.title(v))}", "", md(words.meta(v)), ""]
    out += findings(v) + corrections(v) + transitions(v)
    if not v.status_counts.empty:
        cols = list(v.status_counts.columns)
        out += ["### Actions by status", ""] + table(
            ["period", *cols, "total"],
            [[month_label(p), *(str(int(n)) for n in row), str(int(row.sum()))] for p, row in v.status_counts.iterrows()])
    if not v.scores.empty:
        out += ["### Priority scores", ""] + table(
            ["priority", *(short_month(p) for p in v.scores.index)],
            [[f"{int(n)} {md(v.titles.get(int(n), ''))}".strip(), *(words.score(x) for x in v.scores[n])]
             for n in v.scores.columns] + [["overall", *(words.score(v.overall.get(p)) for p in v.scores.index)]])
    return out


def transitions(v: PlanView) -> list[str]:
    if v.transitions.empty:
        return ["### Changes", "", f"No transitions: {md(v.why_no_transitions)}.", ""]
    t = v.transitions
    out = [f"### Changes in the {month_label(v.latest_period)} report, against {month_label(v.previous_period)}", ""]
    out += table(["from / to", *t.columns], [[src, *(str(int(n)) if n else "" for n in row)] for src, row in t.iterrows()])
    if v.changes:
        out += table(["change", "ref", "status", "action"],
                     [[c["change"], md(words.ref_label(c)), words.arrow(c), md(c["text"])] for c in v.changes])
    return out


def corrections(v: PlanView) -> list[str]:
    if not v.corrections:
        return []
    out = [f"### Corrections by clerks ({len(v.corrections)})", ""]
    for month, rows in words.by_period(v.corrections):
        out += [f"#### {month}", ""] + [f"- {md(words.fix_line(c))}" for c in rows] + [""]
    return out


def finding(f: dict) -> list[str]:
    """A finding as a bullet (its period and sentence), then what it is about, where and what to do
    first as indented lines of the same item."""
    a = f.get("about") or {}
    out = [f"- {words.month(f['period'])}: {md(f['detail'])}"]
    what = " ".join(x for x in (f"**{md(a['label'])}**" if a.get("label") else "",
                                f"({a['status']})" if a.get("status") else "",
                                f"“{md(a['wording'])}”" if a.get("wording") else "") if x)
    if what:
        out.append(f"  - {what}")
    if a.get("note"):
        out.append(f"  - {md(a['note'])}")
    if a.get("places"):
        out.append("  - Where: " + "; ".join(f"{md(p['file'])} ({md(words.place_words(p))})" for p in a["places"]))
    if a.get("first"):
        out.append(f"  - First: {md(a['first'])}")
    if a.get("command"):
        out.append(f"  - `{a['command'].replace('`', '')}`")  # a code span: its text needs no escaping
    return out


def findings(v: PlanView) -> list[str]:
    if not v.findings:
        return ["### Findings", "", "Nothing to look at.", ""]
    out = [f"### Findings ({len(v.findings)}): what to look at first", ""]
    for kind, rows in words.grouped(v.findings):
        out += [f"#### {words.kind_title(kind)} ({len(rows)})", ""]
        for f in rows:
            out += finding(f)
        out.append("")
    return out


def render_markdown(views: list[PlanView], c: dict[str, int], source: str, generated: str, scope: str,
                    notice: str | None = None, status_words: list[str] | None = None) -> str:
    out = ["# Plan progress: what changed and what to look at", "",
           f"Database {md(source)}: {words.documents_line(c)}, {words.plural(c['reports'], 'plan report')}, "
           f"{words.plural(c['actions'], 'action')}, {words.plural(c['meetings'], 'set')} of minutes, "
           f"{words.plural(c['amber_reasons'], 'Amber reason')}, {words.plural(c['findings'], 'finding')}."
           f"{words.copies(c)} {md(scope)} Generated {generated}.", ""]
    if notice:  # a clerk's correction that no longer finds its action: said, never dropped
        out += [f"**{md(notice)}**", ""]
    if status_words:
        out += ["## Status words not understood", ""] + [f"- {md(line)}" for line in status_words] + [""]
    if not views:
        out += ["Nothing to show yet: the database holds no plan reports or findings for this choice. "
                "Run `plantrack run` to read the papers.", ""]
    for v in views:
        out += plan(v)
    return "\n".join(out).rstrip() + "\n"
