"""Laid-out minutes (a PDF's pages, `models/layout.py`) → the one document model (`models/document.py`),
for the one minutes recogniser (`minutes.py`): the PDF reader's layout work on minutes.

* reading order: newspaper columns read one after the other (`columns`), each column's printed lines in
  turn; a page printed in two columns gives two runs of lines of one page number, the second moved onto
  the first one's x positions (its boxes), so that it starts back at the top;
* furniture: page numbers, running heads and feet left out of the flow (`drop_furniture`; kept as the
  document's `running_heads`, where the title block may be) so that a table runs on over a page break;
* tables of Amber reasons, found from geometry (`minutes_tables.py`): a `Table` (its header row marked,
  each row's page kept), followed by the printed lines it was read from (`Table.printed_lines`).

Whether a page is printed in two columns is told by minutes' own lines on the left (an item heading, a
resolution, "Present"), since a page that is only a reasons table has a boundary near its middle too; and
a line repeated at the top of every page is a running head unless it is a reasons table's header, which is
kept and skipped as one. Whether a table is one of reasons (Amber said of it) is the recogniser's to judge,
so every table found is given, with its lines. This works on the model alone, so a hand-built or OCR'd page
reads the same.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Sequence

from plantrack.extract import minutes
from plantrack.extract.minutes_tables import RULE_MIN, ReasonsTable, read_table, table_header
from plantrack.extract.minutes_words import HEADING, PAGE_NO, RESOLUTION
from plantrack.models import Meeting
from plantrack.models.document import Cell, Document, Para, Row, Table
from plantrack.models.layout import Line, Page, Word, group_lines


def extract_minutes(pages: Sequence[Page], first_page_number: int = 1) -> Meeting:
    """One set of minutes from its pages, one `Page` per printed page in order (`pdf_layout.read_pages`);
    `first_page_number` is the 1-based number of pages[0] in its file."""
    pages = list(pages)
    meeting = minutes.read_minutes(minutes_document(pages, first_page_number))
    meeting.first_page = first_page_number
    meeting.last_page = first_page_number + max(len({pg.number for pg in pages}), 1) - 1
    return meeting


def minutes_document(pages: Sequence[Page], first_page_number: int = 1) -> Document:
    """The pages as blocks: each printed line a `Para` (its weight, size, page and box), each table of
    reasons a `Table` before its lines. Pages are numbered 0-based in the file."""
    pgs = reading_order(list(pages))
    furniture = drop_furniture(pgs)
    flow = [l for pg in pgs for l in pg.lines]

    def para(l: Line) -> Para:
        return Para(l.text, bold=l.bold, size=l.size, page=first_page_number - 1 + pgs[l.page].number,
                    box=(l.x0, l.top, max(w.x1 for w in l.words), l.bottom))

    paras = [para(l) for l in flow]
    of_line = {id(l): p for l, p in zip(flow, paras)}
    heading = minutes.heading_test(paras)
    margin = min((l.x0 for l in flow), default=0.0)
    doc = Document(format="pdf", running_heads=[para(l) for l in furniture])
    for i, line in enumerate(flow):
        found = table_header(line, pgs[line.page], margin)
        if found is not None:
            # a table ends at the next agenda item or a resolution
            end = read_table(flow, i, found, pgs, margin,
                             ends=lambda l: heading(of_line[id(l)]) or RESOLUTION.match(l.text))
            doc.blocks.append(_table(found, paras[i].page, [first_page_number - 1 + pg.number for pg in pgs],
                                     printed=end - i))
        doc.blocks.append(paras[i])
    return doc


def _table(found: ReasonsTable, page: int, page_of: list[int], printed: int) -> Table:
    """A table found from geometry as a `Table`: its header row (the action's, the reason's and a status
    column's header), then a row per justification: action, reason (and status), on the page it starts."""
    rows = [Row([Cell(h) for h in found.headers], header=True, page=page)]
    for r in found.rows:
        cells = [r["action"], r["reason"]] + ([r["status"]] if found.status is not None else [])
        rows.append(Row([Cell(c) for c in cells], page=page_of[r["page"]]))
    return Table(rows, page=page, printed_lines=printed)

GUTTER = 16.0  # points: newspaper columns leave at least this between them; a table's cells less


def reading_order(pages: list[Page]) -> list[Page]:
    """The pages as read: new Page objects (the input is left as it is), a page printed in two
    newspaper columns as two, and each line's `page` its index in the result."""
    out = [pg for page in pages for pg in columns(page)]
    for i, pg in enumerate(out):
        for line in pg.lines:
            line.page = i
    return out


def columns(page: Page) -> list[Page]:
    """The page, or its two newspaper columns: the right column moved onto the left one's x positions
    so that it reads as the page after it."""
    words = page.words
    height = page.height
    at = _gutter(words, page.width, height)
    if at is None:
        return [replace(page, lines=list(page.lines))]
    h = [r for r in page.horizontals if r.width > RULE_MIN]
    # the columns are as wide as each other: the second starts as far right of the first as its right
    # edge (its longest line, or a table's rule) is right of the first one's
    reach = lambda side: max([w.x1 for w in words if side(w.x0, w.x1) and not _in_band(w, height, 0.07)]  # noqa: E731
                             + [e.x1 for e in h if side(e.x0, e.x1)])
    dx = reach(lambda x0, x1: x0 >= at) - reach(lambda x0, x1: x1 < at)
    right = [w for w in words if w.x0 >= at and not _in_band(w, height, 0.07)]
    left = [w for w in words if not (w.x0 >= at and not _in_band(w, height, 0.07))]
    shift = lambda e: replace(e, x0=e.x0 - dx, x1=e.x1 - dx)  # noqa: E731
    on_left = lambda e: e.x0 < at if getattr(e, "vertical", False) else e.x1 <= at  # noqa: E731
    return [replace(page, lines=group_lines(left), rules=[e for e in page.rules if on_left(e)],
                    fills=[f for f in page.fills if on_left(f)]),
            replace(page, lines=group_lines([shift(w) for w in right]),
                    rules=[shift(e) for e in page.rules if e.x0 >= at],
                    fills=[shift(f) for f in page.fills if f.x0 >= at])]


def _in_band(w: Word, height: float, share: float) -> bool:
    """In the top or bottom `share` of the page, where running heads and page numbers are."""
    return w.top < height * share or w.bottom > height * (1 - share)


def _gutter(words: list[Word], width: float, height: float) -> float | None:
    """Where a page printed in two newspaper columns splits (the middle of the gutter): a white gutter
    of GUTTER points or more near the middle, down the whole body of the page, with lines of minutes on
    the left (an item heading, a resolution, "Present"). A page that is only a reasons table has its
    boundary near the middle too, but its left column holds actions, never headings or resolutions,
    and its cells lie closer than a gutter."""
    body = [w for w in words if not _in_band(w, height, 0.07)]
    if len(body) < 40:
        return None
    spans = sorted((w.x0, w.x1) for w in body)
    best, reach = None, spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= GUTTER and width * 0.3 < (x0 + reach) / 2 < width * 0.7:
            if best is None or x0 - reach > best[1] - best[0]:
                best = (reach, x0)
        reach = max(reach, x1)
    if best is None:
        return None
    left = group_lines([w for w in body if w.x1 <= best[0]])
    right = group_lines([w for w in body if w.x0 >= best[1]])
    if len(left) < 8 or len(right) < 8:
        return None
    structural = lambda l: bool(RESOLUTION.match(l.text) or HEADING.match(l.text) and l.bold  # noqa: E731
                                or re.match(r"(?:present|officers|apologies)\b", l.text, re.I))
    if not any(structural(l) for l in left):
        return None
    return (best[0] + best[1]) / 2


def drop_furniture(pages: list[Page]) -> list[Line]:
    """Remove page numbers and running heads/feet so a table can run on across a page break, and return
    them. A table header repeated at the top of each page is not a running head: it is kept, and skipped
    as a header."""
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", line.text.casefold())

    seen = Counter()
    for pg in pages:
        for k in {(key(l), round(l.top / 4)) for l in pg.lines if _in_margin(l, pg, 0.07)}:
            seen[k] += 1
    margin = min((l.x0 for pg in pages for l in pg.lines), default=0.0)
    dropped: list[Line] = []
    for pg in pages:
        furniture = [(_in_margin(l, pg, 0.1) and bool(PAGE_NO.match(l.text)))
                     or (_in_margin(l, pg, 0.07) and seen[(key(l), round(l.top / 4))] > 1
                         and table_header(l, pg, margin) is None) for l in pg.lines]
        dropped += [l for l, f in zip(pg.lines, furniture) if f]
        pg.lines = [l for l, f in zip(pg.lines, furniture) if not f]
    return dropped


def _in_margin(line: Line, pg: Page, share: float) -> bool:
    return line.top < pg.height * share or line.bottom > pg.height * (1 - share)
