"""The digest's charts: matplotlib figures (Agg canvas, no pyplot state) as inline SVG, so the page
stays one self-contained file that fetches nothing.  Pure: frames in, markup out."""
from __future__ import annotations

import io
import re

import pandas as pd

from plantrack.models.keys import month_label

COLOURS = {"red": "#d7191c", "amber": "#f5a300", "green": "#1a9641", "blue": "#2b6cb0",
           "grey": "#8c8c8c", "unrated": "#ffffff"}
# Lines for priorities avoid the status colours, so a red line is never read as "red status".
LINE_COLOURS = ("#3b4cc0", "#8e44ad", "#17becf", "#8c564b", "#e377c2", "#1f3a5f", "#bcbd22", "#7f7f7f")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def short_month(period: str) -> str:
    """"Nov 2019" for 2019-11: a tick label or a table heading."""
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
    ax.set_xticks(x, [short_month(p) for p in counts.index])
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
    ax.set_xticks(x, [short_month(p) for p in periods])
    ax.set_xlim(-0.5, len(x) - 0.5)
    ax.set_ylabel("score")
    ax.grid(axis="y", color="#e5e5e5")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return svg_of(fig, prefix)
