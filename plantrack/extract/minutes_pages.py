"""Laid-out minutes as one flow of lines: newspaper columns read one after the other, and the page
furniture (page numbers, running heads and feet) left out so that a table runs on over a page break.

Both are the recogniser's reading, not the PDF reader's: whether a page is printed in two columns is
told by minutes' own lines on the left (an item heading, a resolution, "Present"), since a page that
is only a reasons table has a boundary near its middle too; and a line repeated at the top of every
page is a running head unless it is a reasons table's header, which is kept and skipped as one. They
work on the model alone (`models/layout.py`), so a hand-built or OCR'd page reads the same.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from plantrack.extract.minutes_tables import RULE_MIN, table_header
from plantrack.extract.minutes_words import HEADING, PAGE_NO, RESOLUTION
from plantrack.models.layout import Line, Page, Word, group_lines

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


def drop_furniture(pages: list[Page]) -> None:
    """Remove page numbers and running heads/feet so a table can run on across a page break. A table
    header repeated at the top of each page is not a running head: it is kept, and skipped as a header."""
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", line.text.casefold())

    seen = Counter()
    for pg in pages:
        for k in {(key(l), round(l.top / 4)) for l in pg.lines if _in_margin(l, pg, 0.07)}:
            seen[k] += 1
    margin = min((l.x0 for pg in pages for l in pg.lines), default=0.0)
    for pg in pages:
        pg.lines = [l for l in pg.lines if not (
            (_in_margin(l, pg, 0.1) and PAGE_NO.match(l.text))
            or (_in_margin(l, pg, 0.07) and seen[(key(l), round(l.top / 4))] > 1
                and table_header(l, pg, margin) is None))]


def _in_margin(line: Line, pg: Page, share: float) -> bool:
    return line.top < pg.height * share or line.bottom > pg.height * (1 - share)
