"""Committee minutes as laid-out pages (`models/layout.py`) → a `Meeting`: committee, date, agenda
items, Amber justifications.

The minutes we care about record, under a plan's agenda item, the actions rated Amber and the reason
for each: most often a two-column table (read from geometry in `minutes_tables.py`), sometimes a
list ("(a) <action> – <reason>") or pairs of paragraphs (the action in bold, its reason in plain
type). The pages are first read as one flow of lines (`minutes_pages.py`: newspaper columns, running
heads); then the title block gives the committee and date, bold numbered lines the agenda items,
"RESOLVED" paragraphs their resolutions. The words are shared with the Word/HTML recogniser
(`minutes_words.py`). Nothing here knows the file was a PDF: `extract/pdf_layout.py` reads one.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Sequence

from plantrack.extract.minutes_head import HeadLine, title_block
from plantrack.extract.minutes_pages import drop_furniture, reading_order
from plantrack.extract.minutes_tables import read_table, table_header
from plantrack.extract.minutes_words import (AMBER, AMBER_ASKED, DATE_START, ENDS_IN_MONTH, HEADING, LIST_ITEM,
                                             PAGE_NO, REASON_LABEL, REASON_SPLIT, RESOLUTION, TIME, add_reasons,
                                             item_plan, plan_from_title)
from plantrack.models import AgendaItem, Meeting
from plantrack.models.layout import Line, Page


def extract_minutes(pages: Sequence[Page], first_page_number: int = 1) -> Meeting:
    """One set of minutes from its pages, one `Page` per printed page in order (`pdf_layout.read_pages`);
    `first_page_number` is the 1-based number of pages[0] in its file."""
    pgs = reading_order(list(pages))
    # the title block is read before running heads are dropped: it may repeat on every page
    first_lines = _title_lines(pgs[0]) if pgs else []
    drop_furniture(pgs)
    flow = [l for pg in pgs for l in pg.lines]
    meeting = Meeting(committee=None, meeting_date=None, first_page=first_page_number,
                      last_page=first_page_number + max(len({pg.number for pg in pages}), 1) - 1)
    # the one reading of a title block for every format (`minutes_head.py`); the first pages' text gives
    # a year the title leaves out
    meeting.committee, meeting.meeting_date = title_block(
        [HeadLine(l.text, l.bold, l.size, l.page) for l in first_lines], rest=[l.text for l in flow[:400]])
    if meeting.committee is None:
        meeting.warnings.append("committee name not found on the first page")
    if meeting.meeting_date is None:
        meeting.warnings.append("meeting date not found on the first page")
    _walk(flow, pgs, meeting, first_page_number)
    return meeting


# ----------------------------------------------------------------------------------------------
# title block


def _title_lines(pg: Page) -> list[Line]:
    """The first page's lines without its page number, but with a year that a long title wrapped onto
    a line of its own ("… held on Thursday 23 April" / "2020")."""
    kept: list[Line] = []
    for l in pg.lines:
        wrapped_year = bool(re.fullmatch(r"(?:19|20)\d\d", l.text.strip())) and bool(kept) and bool(
            ENDS_IN_MONTH.search(kept[-1].text))
        if PAGE_NO.match(l.text) and not wrapped_year:
            continue
        kept.append(l)
    return kept


# ----------------------------------------------------------------------------------------------
# agenda items and resolutions


def _walk(flow: list[Line], pgs: list[Page], meeting: Meeting, first_page_number: int) -> None:
    has_bold = any(l.bold for l in flow)
    margin = min((l.x0 for l in flow), default=0.0)
    item: AgendaItem | None = None
    body: list[str] = []
    i = 0
    while i < len(flow):
        line = flow[i]
        head = _heading(line, has_bold, margin)
        if head:
            number, title, i = _heading_block(flow, i, head)
            item = AgendaItem(number=number, title=title, plan=plan_from_title(title))
            meeting.agenda_items.append(item)
            body = []
            continue
        table = table_header(line, pgs[line.page], margin)
        # a table of reasons needs a header or a lead-in that speaks of Amber: a performance report's
        # "Commentary" column or a key is not one
        if table is not None and (AMBER.search(line.text) or AMBER_ASKED.search(" ".join(body[-12:]))):
            i = read_table(flow, i, table, pgs, margin, ends=lambda l: _heading(l, has_bold, margin)
                           or RESOLUTION.match(l.text))
            if table.rows:
                add_reasons(meeting, table.rows, item_plan(item, body), [first_page_number + pg.number for pg in pgs])
            continue
        asked = bool(AMBER_ASKED.search(" ".join(body[-6:])))
        if LIST_ITEM.match(line.text) and asked:
            rows, i = _listed_reasons(flow, i, has_bold, margin)
            if rows:
                add_reasons(meeting, rows, item_plan(item, body), [first_page_number + pg.number for pg in pgs])
            continue
        if asked and _opens_pair(flow, i, has_bold, margin):
            rows, i = _paired_reasons(flow, i, has_bold, margin)
            if rows:
                add_reasons(meeting, rows, item_plan(item, body), [first_page_number + pg.number for pg in pgs])
                continue
        if RESOLUTION.match(line.text):
            text, i = _paragraph(flow, i, has_bold, margin)
            if item is not None:
                item.resolution = f"{item.resolution} {text}" if item.resolution else text
            continue
        body.append(line.text)
        i += 1


def _listed_reasons(flow: list[Line], i: int, has_bold: bool, margin: float) -> tuple[list[dict[str, Any]], int]:
    """Reasons minuted as a list rather than a table: "(a) <action> – <reason>", one item each."""
    rows = []
    while i < len(flow) and LIST_ITEM.match(flow[i].text):
        start = i
        text, i = _paragraph(flow, i, has_bold, margin, stop=lambda l: bool(LIST_ITEM.match(l.text)))
        parts = REASON_SPLIT.split(LIST_ITEM.sub("", text, count=1), maxsplit=1)
        if len(parts) == 2 and parts[1].strip():
            rows.append({"action": parts[0].strip(), "reason": parts[1].strip(), "page": flow[start].page,
                         "lines": flow[start:i]})
    return rows, i


def _opens_pair(flow: list[Line], i: int, has_bold: bool, margin: float) -> bool:
    """Bold lines (an action, perhaps wrapped) that are not a heading, with plain type after them."""
    j = i
    while j < len(flow) and j - i < 4 and flow[j].bold and not _heading(flow[j], has_bold, margin):
        j += 1
    return i < j < len(flow) and not flow[j].bold


def _paired_reasons(flow: list[Line], i: int, has_bold: bool, margin: float) -> tuple[list[dict[str, Any]], int]:
    """Reasons minuted as paragraphs: the action in bold, then its reason in plain type (often
    indented, or headed "Reason for Amber:"), pair after pair. Returns no rows, and `i` unmoved,
    when the lines are not such pairs."""
    rows, start = [], i
    while _opens_pair(flow, i, has_bold, margin):
        first = i
        action, i = _paragraph(flow, i, has_bold, margin, stop=lambda l: not l.bold)
        indent = flow[i].x0 if i < len(flow) and flow[i].x0 > flow[first].x0 + 5 else None
        # an indented reason ends where the text comes back to the action's margin
        reason, i = _paragraph(flow, i, has_bold, margin,
                               stop=lambda l, indent=indent: l.bold or (indent is not None and l.x0 < indent - 2))
        reason = REASON_LABEL.sub("", reason).strip()
        if not reason:
            break
        rows.append({"action": action, "reason": reason, "page": flow[first].page, "lines": flow[first:i]})
    return (rows, i) if rows else ([], start)


def _heading(line: Line, has_bold: bool, margin: float) -> re.Match | None:
    m = HEADING.match(line.text)
    if not m or not m.group(2)[:1].isupper() or TIME.match(line.text) or DATE_START.match(line.text):
        return None  # "12 December 2019 at 1.45 pm" is a title wrapped onto a second line
    # headings are bold; in a document with no bold type, they sit at the left margin
    return m if (line.bold if has_bold else line.x0 <= margin + 2) else None


def _heading_block(flow: list[Line], i: int, m: re.Match) -> tuple[str, str, int]:
    """A heading and the lines it wraps onto (same size and weight, no number of their own)."""
    first = flow[i]
    parts = [m.group(2)]
    j = i + 1
    while j < len(flow):
        nxt, prev = flow[j], flow[j - 1]
        if (nxt.page != prev.page or nxt.bold != first.bold or abs(nxt.size - first.size) > 0.3
                or nxt.top - prev.bottom > 0.8 * first.height or HEADING.match(nxt.text)
                or RESOLUTION.match(nxt.text)):
            break
        parts.append(nxt.text)
        j += 1
    return m.group(1), " ".join(parts), j


def _paragraph(flow: list[Line], i: int, has_bold: bool, margin: float,
               stop: Callable[[Line], bool] | None = None) -> tuple[str, int]:
    parts = [flow[i].text]
    j = i + 1
    while j < len(flow):
        nxt, prev = flow[j], flow[j - 1]
        # a sentence cut by a page (or column) break goes on at the top of the next one
        broken = nxt.page != prev.page and not re.search(r"[.:;!?]\W?$", prev.text) and not LIST_ITEM.match(nxt.text)
        if ((nxt.page != prev.page and not broken) or (not broken and nxt.top - prev.bottom > 0.8 * prev.height)
                or _heading(nxt, has_bold, margin) or RESOLUTION.match(nxt.text) or (stop and stop(nxt))):
            break
        parts.append(nxt.text)
        j += 1
    return " ".join(parts), j

