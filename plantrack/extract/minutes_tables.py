"""The table of Amber justifications in laid-out minutes, read from geometry (`models/layout.py`): part
of the PDF reader's layout work on minutes, which gives each table found to the recogniser as a `Table`
block (`minutes_pages.py`).

Councils lay the table out in many ways: ruled grids, bare text columns, a blank first header cell, a
header repeated on every page. So the table is read from word positions: the column boundary comes
from the header ("Reason for Amber", "Justification", ...) refined by a ruling line or by where the
body's second column consistently starts; rows are split by ruling lines or by a vertical gap wider
than the line spacing; the table ends at the first paragraph that crosses the boundary, or where the
caller says (a resolution, the next agenda heading).
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from plantrack.extract.columns import role_of
from plantrack.extract.minutes_words import ACTION_HEADER, REASON_HEADER
from plantrack.models.layout import Line, Page, Rule, Word

ROW_GAP = 1.35          # a gap this many line pitches wide starts a new row (unruled tables)
COLUMN_GAP = 8.0        # points between words that separates two columns of one line
RULE_MIN = 20.0         # points: a horizontal rule shorter than this (an underline, a box) rules no row


@dataclass
class ReasonsTable:
    """Where the two cells of a justification row are, worked out from its header."""
    boundary: float                     # x where the reason column starts
    left: float | None = None           # x where the action column starts (a "Ref" column lies left of it)
    right: float | None = None          # x where a column after the reason starts
    action_right: float | None = None   # x where a column between action and reason ("RAG") starts
    status: tuple[float, float | None] | None = None  # x-range of a status column ("RAG", "New status")
    ruled: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # the header's action, reason (and status) cells


def _segments(line: Line) -> list[list[Word]]:
    segs: list[list[Word]] = []
    for w in line.words:
        if segs and w.x0 - segs[-1][-1].x1 <= COLUMN_GAP:
            segs[-1].append(w)
        else:
            segs.append([w])
    return segs


def _seg_text(seg: list[Word]) -> str:
    return " ".join(w.text for w in seg)


def table_header(line: Line, pg: Page, margin: float) -> ReasonsTable | None:
    """A header row such as "Action | Reason for Amber" or a lone "Reason for Amber" (blank first cell).
    Other columns ("Ref", "RAG") may sit around them; only the action's and the reason's are read."""
    if len(line.words) > 14:
        return None
    segs = _segments(line)
    ri = next((k for k, s in enumerate(segs) if REASON_HEADER.match(_seg_text(s)) and len(s) <= 7), None)
    if ri is None or len(segs) > 4 or any(len(s) > 5 for k, s in enumerate(segs) if k != ri):
        return None
    reason_x = segs[ri][0].x0
    if ri == 0 and reason_x < margin + 80:
        return None  # a sentence that starts "Reasons for ..." at the margin, not a second column
    ai = next((k for k in range(ri) if ACTION_HEADER.match(_seg_text(segs[k]))), ri - 1 if ri else None)
    prev_x1 = segs[ri - 1][-1].x1 if ri else margin + 20
    rule = _rule_at(pg, line, prev_x1, reason_x)
    # a shaded header row has edges of its own: the table is ruled only if the rule runs on below it
    ruled = rule is not None and any(b > line.bottom + 2 * line.height for _, b in _grid_spans(pg, rule))
    table = ReasonsTable(boundary=rule if rule is not None else _refine_boundary(line, pg, prev_x1, reason_x),
                         ruled=ruled)
    if ai is not None and ai > 0:
        table.left = _column_start(pg, line, segs[ai - 1], segs[ai])
    if ai is not None and ai + 1 < ri:
        table.action_right = _column_start(pg, line, segs[ai], segs[ai + 1])
    if ri + 1 < len(segs):
        table.right = _column_start(pg, line, segs[ri], segs[ri + 1])
    # a status column beside them: the status the meeting gave each action (the reason's new_rag)
    k = next((k for k, s in enumerate(segs) if k not in (ai, ri) and k > 0 and role_of(_seg_text(s)) == "rag"), None)
    if k is not None:
        table.status = (_column_start(pg, line, segs[k - 1], segs[k]),
                        _column_start(pg, line, segs[k], segs[k + 1]) if k + 1 < len(segs) else None)
    table.headers = [_seg_text(segs[ai]) if ai is not None else "", _seg_text(segs[ri])] + (
        [_seg_text(segs[k])] if k is not None else [])
    return table


def _rule_at(pg: Page, line: Line, lo: float, hi: float) -> float | None:
    """The ruling line that separates two header cells, if the table is ruled."""
    xs = [e.x0 for e in pg.verticals
          if lo < e.x0 <= hi + 1 and e.top <= line.bottom + 2 and e.bottom >= line.top - 2]
    return max(xs) if xs else None


def _column_start(pg: Page, line: Line, before: list[Word], seg: list[Word]) -> float:
    rule = _rule_at(pg, line, before[-1].x1, seg[0].x0)
    return rule if rule is not None else seg[0].x0 - 1.5


def _refine_boundary(header: Line, pg: Page, lo: float, hi: float) -> float:
    """Unruled: the x where the body's second column consistently starts. The header text lies inside
    its column, so the column starts after the previous header cell (lo) and not after the reason
    header (hi); a centred header does not mark the column's edge."""
    below = [l for l in pg.lines if l.top > header.bottom][:15]
    left_edge = min((l.x0 for l in below), default=0.0)
    starts: list[float] = []
    for l in below:
        firsts = [l.words[0]] if l.x0 > left_edge + 20 else []  # a line with an empty first cell
        gapped = [b for a, b in zip(l.words, l.words[1:]) if b.x0 - a.x1 > COLUMN_GAP]
        starts += [w.x0 for w in firsts + gapped if lo < w.x0 <= hi + 2]
    counts = Counter(round(x) for x in starts)
    if not counts or max(counts.values()) < 2:
        return hi - 1.5
    best = max(counts, key=lambda x: (counts[x], x))
    return min(x for x in starts if round(x) == best) - 1.5


def _grid_spans(pg: Page, x: float) -> list[tuple[float, float]]:
    """Vertical extents covered by the ruling line at the column boundary (merged segments)."""
    segs = sorted((e.top, e.bottom) for e in pg.verticals if abs(e.x0 - x) < 2.5)
    spans: list[list[float]] = []
    for t, b in segs:
        if spans and t <= spans[-1][1] + 3:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([t, b])
    return [(t, b) for t, b in spans]


def _fits(line: Line, t: ReasonsTable) -> bool:
    """No word of the line crosses a column boundary, and in a table without rules the words either
    side of the boundary stand a gutter apart (a paragraph after the table runs on with a space):
    it can be a table line."""
    for x in (t.boundary, t.right, t.action_right, t.left):
        if x is not None and any(w.x0 < x - 0.5 and w.x1 > x + 1.5 for w in line.words):
            return False
    if not t.ruled:
        left = [w for w in line.words if w.x0 < t.boundary]
        right = [w for w in line.words if w.x0 >= t.boundary]
        spaces = [b.x0 - a.x1 for a, b in zip(line.words, line.words[1:])]
        if left and right and len(spaces) > 2:
            gutter = right[0].x0 - left[-1].x1
            spaces.remove(gutter)
            if gutter < 1.35 * statistics.median(spaces):
                return False
    return True


def _rows_rules(pg: Page) -> list[Rule]:
    """The horizontal rules that can part a table's rows."""
    return [r for r in pg.horizontals if r.width > RULE_MIN]


def _in_grid(line: Line, spans: list[tuple[float, float]]) -> bool:
    mid = (line.top + line.bottom) / 2
    return any(t <= mid <= b for t, b in spans)


def _rule_between(pg: Page, upper: Line, lower: Line, x: float) -> bool:
    return any(upper.bottom - 1 <= e.top <= lower.top + 1 and e.x0 < x - 5 and e.x1 > x + 5
               for e in _rows_rules(pg))


def _skip_header(flow: list[Line], i: int, t: ReasonsTable, pg: Page) -> int:
    """Index after a header row (which may wrap onto more lines)."""
    hdr = flow[i]
    rows_below = [e.top for e in _rows_rules(pg) if e.top >= hdr.bottom - 1
                  and e.x0 < t.boundary - 5 and e.x1 > t.boundary + 5]
    row_end = min(rows_below) if t.ruled and rows_below and min(rows_below) - hdr.bottom < 3 * hdr.height else None
    j = i + 1
    while j < len(flow) and flow[j].page == hdr.page:
        nxt = flow[j]
        if row_end is not None and nxt.bottom <= row_end + 1:
            j += 1
        elif hdr.bold and nxt.bold and nxt.top - flow[j - 1].bottom < 0.8 * hdr.height and _fits(nxt, t):
            j += 1
        else:
            break
    return j


def read_table(flow: list[Line], i: int, t: ReasonsTable, pgs: list[Page], margin: float,
               ends: Callable[[Line], Any]) -> int:
    """Fill t.rows from the lines after the header at flow[i] (each line's `page` its index in `pgs`);
    return the index where the table ends: at a line that crosses a column, leaves the grid, or `ends`."""
    spans = {}
    j = _skip_header(flow, i, t, pgs[flow[i].page])
    body: list[Line] = []
    prev = flow[j - 1]
    while j < len(flow):
        line = flow[j]
        pg = pgs[line.page]
        if t.ruled and line.page not in spans:
            spans[line.page] = _grid_spans(pg, t.boundary)
        if table_header(line, pg, margin) is not None:
            j = _skip_header(flow, j, t, pg)  # the header repeated after a page break
            prev = flow[j - 1]
            continue
        if ends(line) or not _fits(line, t):
            break
        if t.ruled and not _in_grid(line, spans[line.page]):
            break
        if not t.ruled and line.page == prev.page and line.top - prev.bottom > 3 * max(prev.height, 1):
            break  # a wide blank band: the table is over
        body.append(line)
        prev = line
        j += 1
    t.rows = _rows(body, t, pgs)
    return j


def _pitch(body: list[Line]) -> float:
    """Line spacing inside a cell: the usual distance between consecutive lines of the table."""
    diffs = [b.top - a.top for a, b in zip(body, body[1:]) if a.page == b.page and b.top > a.top]
    heights = [l.height for l in body] or [10.0]
    cap = 1.5 * statistics.median(heights)
    if not diffs:
        return cap
    low = min(diffs)
    return min(statistics.median([d for d in diffs if d <= 1.2 * low]), cap)


def _rows(body: list[Line], t: ReasonsTable, pgs: list[Page]) -> list[dict[str, Any]]:
    pitch = _pitch(body)
    groups: list[list[Line]] = []
    for k, line in enumerate(body):
        prev = body[k - 1] if k else None
        new = (prev is None or prev.page != line.page or line.top - prev.top > ROW_GAP * pitch
               or _rule_between(pgs[line.page], prev, line, t.boundary)
               or (not t.ruled and _starts_row(_cells([prev], t), _cells([line], t))))
        if new:
            groups.append([line])
        else:
            groups[-1].append(line)
    rows: list[dict[str, Any]] = []
    for g in groups:
        action, reason = _cells(g, t)
        page_top = not rows or rows[-1]["lines"][-1].page != g[0].page
        if rows and (not action or (page_top and _continues(action, reason))):
            # no action text: the reason's next paragraph; at a page top, a row split by the page break
            last = rows[-1]
            last["action"] = _join(last["action"], action)
            last["reason"] = _join(last["reason"], reason)
            last["status"] = _join(last["status"], _status_cell(g, t))
            last["lines"] += g
            continue
        if not action:
            continue  # header overflow before the first row
        rows.append({"action": action, "reason": reason, "status": _status_cell(g, t), "page": g[0].page,
                     "lines": list(g)})
    while rows and not rows[-1]["reason"]:
        rows.pop()  # a short paragraph after the table, left of the boundary
    return rows


def _starts_row(above: tuple[str, str], here: tuple[str, str]) -> bool:
    """In a table with no rules and no space between rows, a line that opens both cells of a new row:
    its action starts a sentence, it has a reason too, and the line above ended a cell (one of its
    cells was empty), or left the action whole ("… in the" is not) while this line opens a sentence
    in each column ("Build expertise …", "As above")."""
    (action_above, reason_above), (action, reason) = above, here
    if not (action[:1].isupper() or action[:1].isdigit()) or not reason:
        return False
    if not action_above or not reason_above:
        return True
    words = action.split()
    opens_sentence = len(words) >= 2 and words[1][:1].islower()
    action_whole = not re.search(r"(?:\b(?:the|of|in|and|to|for|a|an|with|by|on|at|or)|[,;:\-–(])$",
                                 action_above.rstrip(), re.I)
    return opens_sentence and action_whole and reason[:1].isupper()


def _continues(action: str, reason: str) -> bool:
    """At the top of a page, cells that carry on a row the page break split: one of them empty, or
    one starting in lower case (a cell's text starts with a capital; the middle of a sentence does not)."""
    return not reason or any(c[:1].islower() for c in (action, reason))


def _cells(lines: list[Line], t: ReasonsTable) -> tuple[str, str]:
    left, right = [], []
    for l in lines:
        a = [w.text for w in l.words if w.x0 < (t.action_right or t.boundary)
             and (t.left is None or w.x0 >= t.left)]
        b = [w.text for w in l.words if w.x0 >= t.boundary and (t.right is None or w.x0 < t.right)]
        if a:
            left.append(" ".join(a))
        if b:
            right.append(" ".join(b))
    return " ".join(left), " ".join(right)


def _status_cell(lines: list[Line], t: ReasonsTable) -> str:
    """The text of a row's status column, when the table has one."""
    if t.status is None:
        return ""
    lo, hi = t.status
    return " ".join(w.text for l in lines for w in l.words if w.x0 >= lo and (hi is None or w.x0 < hi))


def _join(a: str, b: str) -> str:
    return " ".join(x for x in (a, b) if x)
