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

from plantrack.extract.dates import find_date
from plantrack.extract.minutes_pages import drop_furniture, reading_order
from plantrack.extract.minutes_tables import read_table, table_header
from plantrack.extract.minutes_words import (AMBER, AMBER_ASKED, AUTHORITY, DATE_START, ENDS_IN_MONTH, EXCERPT,
                                             HEADING, LIST_ITEM, MEETING_HELD, MEETING_OF, MINUTES_OF_BODY,
                                             MINUTES_SUFFIX, MINUTES_TITLE, PAGE_NO, PREAMBLE, REASON_LABEL,
                                             REASON_SPLIT, RESOLUTION, TIME, WEEKDAY, add_reasons, item_plan,
                                             looks_committee, plan_from_title)
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
    meeting.committee, meeting.meeting_date = _title_block(first_lines)
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


def _title_block(lines: list[Line]) -> tuple[str | None, str | None]:
    """The committee and date a set of minutes prints at its head. The committee comes from the line
    naming the body ("MINUTES of a meeting of the Cabinet held …", "<BODY> – 10th December 2024", an
    excerpt's "from <body>"), never from the venue that the title sentence runs on to."""
    head = lines[:15]
    for k in range(min(len(head), 6)):
        window = " ".join(l.text for l in head[k:k + 3])
        excerpt = EXCERPT.search(window)
        if excerpt and (head[k].text.lower().startswith(("minute", "extract", "excerpt"))):
            date = find_date(window)
            return excerpt.group("name").strip(" ,.–—-") or None, date[0] if date else _first_date(head)
    mi = next((i for i, l in enumerate(head) if MINUTES_TITLE.match(l.text)), None)
    if mi is None:
        return _committee_from(head[:6]), _first_date(head)
    # the title sentence: from "MINUTES …" to the line that ends it (it may wrap over a venue)
    end = next((j for j in range(mi, min(mi + 4, len(head))) if head[j].text.rstrip().endswith(".")), mi + 2)
    title = " ".join(l.text for l in head[mi:end + 1])
    m = MEETING_OF.search(title)
    if m is None:
        loose = MINUTES_OF_BODY.search(title)
        m = loose if loose and looks_committee(loose.group("name")) else None
    held = None if m else MEETING_HELD.search(" ".join(l.text for l in head[:8]))
    committee = m.group("name").strip(" ,") if m else (held.group("name") if held else _committee_from(head[:mi]))
    if committee is None:  # "MINUTES" / committee / "Date: ..."
        committee = _committee_from(head[end + 1:end + 3] if end > mi + 1 or title.rstrip().endswith(".")
                                    else head[mi + 1:mi + 3])
    date = find_date(title)
    return committee, (date[0] if date else _first_date(head))


def _committee_from(lines: list[Line]) -> str | None:
    """The committee's lines: after the authority's name, wrapped lines of the same size joined. A line
    that names the body and then the date ("AUDIT COMMITTEE – 10th December 2024") gives the body."""
    cand: list[tuple[Line, str]] = []
    for l in lines:
        if PREAMBLE.match(l.text) or MINUTES_TITLE.match(l.text):
            continue
        dated = find_date(l.text)
        if dated:
            before = l.text[:dated[2][0]]
            before = re.sub(rf"\b(?:{WEEKDAY})\s*,?\s*$", "", before, flags=re.I).rstrip(" ,–—-:")
            if before and looks_committee(before):
                cand.append((l, before))
            continue
        cand.append((l, l.text))
    while len(cand) > 1 and AUTHORITY.search(cand[0][1]) and not looks_committee(cand[0][1]):
        cand = cand[1:]
    if not cand:
        return None
    first = cand[0][0]
    parts = [cand[0][1]]
    for l, text in cand[1:]:
        if abs(l.size - first.size) > 0.3 or l.bold != first.bold or l.top - first.bottom > 3 * first.height:
            break
        parts.append(text)
    # "Children’s Services Scrutiny Committee – Minutes": the title's own word is not the name
    return MINUTES_SUFFIX.sub("", " ".join(parts)).rstrip(" –—-:") or None


def _first_date(lines: list[Line]) -> str | None:
    for l in lines:
        d = find_date(l.text)
        if d:
            return d[0]
    return None


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

