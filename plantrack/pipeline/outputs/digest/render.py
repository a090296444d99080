"""The digest laid out as one self-contained HTML page, from the Jinja2 templates beside this module
(templates/: report.html the page, plan.html one plan's section, parts.html its pieces, digest.css).

Autoescape is on for every template, so no word of a paper can become markup; the only markup passed
through unescaped is the charts' SVG, which plantrack draws itself (charts.py).  Jinja2 rather than
f-strings, as Datasette does: the page's structure reads as the page, and a clerk-facing wording
change touches a template, not Python."""
from __future__ import annotations

from functools import cache

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from plantrack.models.keys import plan_key
from plantrack.models.status import ORDER, RANK
from plantrack.pipeline.outputs.digest import charts, words
from plantrack.pipeline.outputs.digest.views import PlanView


def slug(v: PlanView) -> str:
    """The plan section's id: its council and folded name."""
    council = "-".join(plan_key(v.authority).split()) + "--" if v.authority else ""
    return "plan-" + council + "-".join(v.key.split())


def cell_class(src: str, dst: str) -> str:
    """A transition cell: the same status, better (up) or worse (down)."""
    if src in ORDER and dst in ORDER:
        return "same" if src == dst else ("up" if RANK[dst] > RANK[src] else "down")
    return ""


def _status_svg(counts: pd.DataFrame, prefix: str) -> Markup:
    return Markup(charts.status_chart(counts, prefix))  # drawn by plantrack: statuses and periods only


def _scores_svg(scores: pd.DataFrame, overall: pd.Series, prefix: str) -> Markup:
    return Markup(charts.score_chart(scores, overall, prefix))  # "Priority N", scores and periods only


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("plantrack.pipeline.outputs.digest", "templates"),
                      autoescape=select_autoescape(["html", "css"], default=True, default_for_string=True),
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(plural=lambda n, word: words.plural(int(n), word), month=words.month,
                       kind_title=words.kind_title, slug=slug, title=words.title, meta=words.meta,
                       ref_label=words.ref_label, arrow=words.arrow, fix_line=words.fix_line,
                       by_period=words.by_period, grouped=words.grouped, place_words=words.place_words)
    env.globals.update(colours=charts.COLOURS, cell_class=cell_class, draw_status=_status_svg,
                       draw_scores=_scores_svg)
    return env


def render_html(views: list[PlanView], c: dict[str, int], source: str, generated: str, scope: str,
                notice: str | None = None, status_words: list[str] | None = None) -> str:
    """The whole page: header and counts, then per plan its findings first, corrections, changes
    and charts."""
    return environment().get_template("report.html").render(
        views=views, c=c, source=source, generated=generated, scope=scope, notice=notice,
        status_words=status_words or [], documents=words.documents_line(c), copies=words.copies(c))
