"""Committee minutes in a web page or Word document (a `Document`) → a `Meeting`.

ModernGov "Agenda and minutes" pages say what each part is: `mgAiTitleTxt` an agenda item's title
(its number perhaps in a cell of its own), `mgSubItemTitleTxt` "Minutes:" the item's minutes, and
"Supporting documents:" its links. Plain pages and Word minutes are read like a PDF's: numbered bold
headings, "RESOLVED" paragraphs, and the table of Amber justifications found by its header. The
patterns and the reading of each justification (back-references, "Updated to GREEN", target dates)
are shared with the PDF recogniser (`minutes_words.py`, `language.py`), so both give the same records.
"""
from __future__ import annotations

import re

from ..models import AgendaItem, Meeting
from ..models.document import Block, Document, Para, Table
from .colours import hue_status
from .columns import role_of
from .dates import find_date
from ..models.document import rgb_of
from .minutes_head import HeadLine, minutes_evidence, title_block
from .minutes_words import (ACTION_HEADER, AMBER, HEADING, LIST_ITEM, REASON_HEADER, REASON_LABEL, REASON_SPLIT,
                            RESOLUTION, TIME, DATE_START, add_reasons, item_plan, plan_from_title)

# ModernGov's item page: "Meeting: 12/12/2019 - Children's Safeguarding Sub Committee (Item 4.)"
_MEETING_LINE = re.compile(r"^meeting\s*:\s*(?P<when>.+?)\s+[-–—]\s+(?P<name>.+?)"
                           r"(?:\s*\(item\s+(?P<item>[^)]*?)\.?\))?\s*$", re.I)
# ModernGov's heading: "Corporate Parenting Board - Thursday, 14th September, 2023 6.30 pm"
_PAGE_TITLE = re.compile(r"^(?P<name>.+?)\s+[-–—]\s+(?P<when>(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?\d.*)$", re.I)
# A link's size that ModernGov prints after a document's name: "Report PDF 500 KB"
# (run on, "Pimlico District HeatingPDF 500 KB", where the page puts no space before it)
_LINK_SIZE = re.compile(r"\s*\(?(?:PDF|DOCX?|HTML|XLSX?)\s*,?\s+[\d.,]+\s*[KM]B\)?\s*$")
_NUMBER_ONLY = re.compile(r"^(?:item\s+)?(\d{1,3}(?:\.\d{1,2})?[a-z]?)[.):]?$", re.I)
_NUMBERED = re.compile(r"^(?:item\s+)?(\d{1,3}(?:\.\d{1,2})?[a-z]?)(?:[.):]\s*|\s+)(\S.*)$", re.I)


def is_minutes(doc: Document) -> bool:
    """A page or document that holds minutes: ModernGov's "Minutes:" under an item, a minutes title,
    or a table of Amber justifications beside a resolution. An agenda or a committee's page is not."""
    paras = doc.paras()
    if any(p.role == "sub_title" and p.text.lower().startswith("minutes") for p in paras):
        return True
    if minutes_evidence(head_lines(doc.blocks)).is_minutes:
        return True
    return any(RESOLUTION.match(p.text) for p in paras) and any(_reasons_header(t) for t in doc.tables())


def read_flow_minutes(doc: Document) -> Meeting | None:
    if not is_minutes(doc):
        return None
    meeting = Meeting(committee=None, meeting_date=None, first_page=None, last_page=None)
    meeting.committee, meeting.meeting_date = title_of(doc)
    if meeting.committee is None:
        meeting.warnings.append("committee name not found in the page's heading")
    if meeting.meeting_date is None:
        meeting.warnings.append("meeting date not found in the page's heading")
    _walk(doc, meeting)
    return meeting


# ---- the heading ---------------------------------------------------------------------------------
def title_of(doc: Document) -> tuple[str | None, str | None]:
    """The committee and date: ModernGov's item page says them in its "Meeting:" line."""
    paras = doc.paras()
    for p in paras[:20]:
        m = _MEETING_LINE.match(p.text)
        if m and find_date(m.group("when")):
            return m.group("name").strip(), find_date(m.group("when"))[0]
    # ModernGov's page title: the committee is the text before " - ", as printed, a joint meeting's
    # "Joint Meeting of Cabinet and Overview and Scrutiny Committee" whole (the contract's rule)
    for p in paras[:20]:
        m = _PAGE_TITLE.match(p.text) if p.role == "title" else None
        if m and (when := find_date(m.group("when"))) and when[1]:
            return m.group("name").strip(), when[0]
    # every other title block is read as a PDF's is: one reading for every format
    return title_block(head_lines(doc.blocks), rest=[p.text for p in paras[:200]])


def head_lines(blocks: list[Block]) -> list[HeadLine]:
    """A flow as the lines the shared minutes reading takes: each paragraph, and each table row's cells
    (minutes laid out in a table: the number in one cell, the minute in the next). A heading or a title the
    markup marks stays marked, so that a web page's own title is read before its navigation."""
    out: list[HeadLine] = []
    for b in blocks:
        if isinstance(b, Para):
            out.append(HeadLine(b.text, b.bold, b.size, 0, heading=bool(b.level == 1 or b.role == "title")))
            continue
        for row in b.rows:
            text = " ".join(t for t in row.texts if t)
            if text:
                out.append(HeadLine(text))
    return out


# ---- items, resolutions, reasons ----------------------------------------------------------------
def _walk(doc: Document, meeting: Meeting) -> None:
    marked = any(p.role == "item_title" for p in doc.paras())  # ModernGov marks its items
    has_bold = any(p.bold for p in doc.paras())
    item = None if marked else _page_item(doc, meeting)
    body: list[str] = []
    number: str | None = None
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        b = blocks[i]
        i += 1
        if isinstance(b, Table):
            rows = _table_rows(b)
            if rows:
                _add(meeting, rows, item_plan(item, body))
            continue
        text = b.text
        head = _item_heading(b, marked, has_bold)
        if head is not None:
            n, title = head
            if title is None:  # ModernGov's number in a cell of its own: the title follows
                number = n
                continue
            item = AgendaItem(number=n or number, title=title, plan=plan_from_title(title))
            meeting.agenda_items.append(item)
            body, number = [], None
            continue
        if b.role == "sub_title":
            continue
        if RESOLUTION.match(text):
            if item is not None:
                item.resolution = f"{item.resolution} {text}" if item.resolution else text
            continue
        asked = bool(AMBER.search(" ".join(body[-6:])))
        if asked and LIST_ITEM.match(text):  # "(a) <action> – <reason>", one paragraph each
            rows, j = [], i - 1
            while j < len(blocks) and isinstance(blocks[j], Para) and LIST_ITEM.match(blocks[j].text):
                parts = REASON_SPLIT.split(LIST_ITEM.sub("", blocks[j].text, count=1), maxsplit=1)
                if len(parts) == 2 and parts[1].strip():
                    rows.append((parts[0].strip(), parts[1].strip()))
                j += 1
            if rows:
                _add(meeting, rows, item_plan(item, body))
                i = j
                continue
        if asked and b.bold and not RESOLUTION.match(text):
            rows, j = _pairs(blocks, i - 1)
            if rows:
                _add(meeting, rows, item_plan(item, body))
                i = j
                continue
        body.append(text)


def _page_item(doc: Document, meeting: Meeting) -> AgendaItem | None:
    """ModernGov's page of one agenda item: "Meeting: 12/12/2019 - … (Item 4.)" under the item's title."""
    paras = doc.paras()[:20]
    for k, p in enumerate(paras):
        m = _MEETING_LINE.match(p.text)
        if m and m.group("item"):
            title = next((q.text for q in reversed(paras[:k]) if q.level >= 2 or q.role is None and q.bold), None)
            if title is None:
                return None
            item = AgendaItem(number=m.group("item").strip(), title=title, plan=plan_from_title(title))
            meeting.agenda_items.append(item)
            return item
    return None


def _item_heading(p: Para, marked: bool, has_bold: bool) -> tuple[str | None, str | None] | None:
    """(number, title) of an agenda item's heading; title None for a number printed on its own."""
    text = _LINK_SIZE.sub("", p.text).strip()
    if marked:
        if p.role != "item_title":
            return None
        m = _NUMBER_ONLY.match(text)
        if m:
            return m.group(1), None
        m = _NUMBERED.match(text)
        return (m.group(1), m.group(2).strip()) if m else (None, text)
    m = HEADING.match(text)
    if not m or not m.group(2)[:1].isupper() or TIME.match(text) or DATE_START.match(text):
        return None
    return (m.group(1), m.group(2).strip()) if (p.bold or p.level) or not has_bold else None


def _pairs(blocks, i: int) -> tuple[list[tuple[str, str]], int]:
    """Reasons minuted as pairs: the action in bold, then its reason ("Reason for Amber: …")."""
    rows = []
    while i + 1 < len(blocks) and isinstance(blocks[i], Para) and isinstance(blocks[i + 1], Para) \
            and blocks[i].bold and not blocks[i + 1].bold and not RESOLUTION.match(blocks[i + 1].text) \
            and _item_heading(blocks[i], False, True) is None:
        reason = REASON_LABEL.sub("", blocks[i + 1].text).strip()
        if not reason:
            break
        rows.append((blocks[i].text, reason))
        i += 2
    return rows, i


def _reasons_header(t: Table) -> tuple[int, int, int] | None:
    """(header row, action column, reason column) of a table of Amber justifications."""
    for k, row in enumerate(t.rows[:2]):
        texts = row.texts
        ri = next((j for j, c in enumerate(texts) if REASON_HEADER.match(c) and len(c.split()) <= 7), None)
        if ri is None or ri == 0:
            continue
        ai = next((j for j in range(ri) if ACTION_HEADER.match(texts[j])), ri - 1)
        return k, ai, ri
    return None


def _table_rows(t: Table) -> list[tuple[str, str, str]]:
    """(action, reason, status) per row; the status from a "RAG" / "New status" column, else ""."""
    found = _reasons_header(t)
    if found is None:
        return []
    k, ai, ri = found
    header = t.rows[k].texts
    si = next((j for j, c in enumerate(header) if j not in (ai, ri) and role_of(c) == "rag"), None)
    rows: list[tuple[str, str, str]] = []
    for row in t.rows[k + 1:]:
        texts = row.texts
        if _reasons_header(Table([row])) is not None:
            continue  # the header repeated
        action = texts[ai] if ai < len(texts) else ""
        reason = texts[ri] if ri < len(texts) else ""
        status = texts[si] if si is not None and si < len(texts) else ""
        if not status and si is not None and si < len(row.cells):  # a colour-only status cell
            status = hue_status(rgb_of(row.cells[si].fill)) or ""
        if not action and not reason:
            continue
        if not action and rows:  # the reason's next paragraph in a row of its own
            rows[-1] = (rows[-1][0], " ".join(x for x in (rows[-1][1], reason) if x), rows[-1][2] or status)
            continue
        if action:
            rows.append((action, reason, status))
    while rows and not rows[-1][1]:
        rows.pop()
    return rows


class _NoPages:
    """The page argument of the PDF reader's `add_reasons` for a paper without pages: whether it is
    taken as the first page's number (`n + row page`) or as a list of page numbers (`numbers[row page]`),
    every reason's page comes out None."""

    def __add__(self, other):
        return None

    __radd__ = __add__

    def __getitem__(self, index):
        return None


def _add(meeting: Meeting, rows: list[tuple[str, ...]], plan: str | None) -> None:
    # the PDF reader's own: back-references, status changes and target dates are read the same way
    # (a table's rows carry a third cell, its status column's)
    add_reasons(meeting, [{"action": r[0], "reason": r[1], "status": r[2] if len(r) > 2 else "", "page": 0}
                          for r in rows], plan, _NoPages())
