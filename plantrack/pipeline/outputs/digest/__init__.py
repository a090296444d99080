"""The digest: report.html (and its Markdown twin), a page a clerk reads at a glance, built from the
database alone.

Three rooms: `views` (the tables as per-plan summaries, pandas: each finding with the action's wording,
its page and file, and what to do first), `charts` (matplotlib to inline SVG) and the rendering —
`render` (HTML from the Jinja2 templates in templates/) and `markdown`.  `words` holds the phrases both
renderings share.  This module holds the entry points.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from plantrack.models.keys import plan_matches
from plantrack.pipeline.outputs.digest.charts import score_chart, status_chart, svg_of
from plantrack.pipeline.outputs.digest.markdown import render_markdown
from plantrack.pipeline.outputs.digest.render import render_html
from plantrack.pipeline.outputs.digest.views import (COUNTED, DIGESTED, PlanView, counts, digest_frames, plan_views,
                                                     source_name, status_words)
from plantrack.pipeline.outputs.digest.words import KIND_TITLES, scope
from plantrack.store import now

__all__ = ["COUNTED", "DIGESTED", "KIND_TITLES", "PlanView", "build_report", "counts", "default_report_path",
           "digest_frames", "plan_matches", "plan_views", "render_html", "render_markdown", "score_chart",
           "status_chart", "svg_of", "write_default_report"]


def build_report(conn: Any, plan: str | None = None, period: str | None = None, fmt: str = "html",
                 authority: str | None = None, links_from: Path | None = None) -> str:
    """The report as text: `fmt` "html" (one self-contained file) or "md".  `plan` keeps the plans
    it loosely names, `authority` the councils it loosely names, `period` (YYYY-MM) the changes and
    findings of that month; `links_from`, the folder the page will be written to, makes the links to
    the papers relative to it (else they are file: URLs).  Raises ValueError for a bad period or
    format, or a plan or authority that matches nothing."""
    if fmt not in ("html", "md"):
        raise ValueError(f"unknown report format {fmt!r}: choose html or md")
    frames = digest_frames(conn)
    frames["links_from"] = links_from  # type: ignore[assignment]  # a folder, not a frame: where links start
    views = plan_views(frames, plan, period, authority)
    render = render_html if fmt == "html" else render_markdown
    return render(views, counts(conn, authority), source_name(conn), now(), scope(plan, period, authority),
                  notice=frames.get("stale_corrections"), status_words=status_words(conn))


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
        text = build_report(conn, links_from=out.parent)
    finally:
        conn.close()
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out
