"""Committee minutes → a `Meeting`: committee, date, agenda items, Amber justifications — the one minutes
recogniser, for every format. It reads a `Document` (`models/document.py`): a PDF's printed lines (after
the PDF reader's layout work, `minutes_pages.py`), a Word document's or a web page's paragraphs.

The minutes we care about record, under a plan's agenda item, the actions rated Amber and the reason
for each: most often a two-column table, sometimes a list ("(a) <action> – <reason>") or pairs of
paragraphs (the action in bold, its reason in plain type). The title block gives the committee and date
(`minutes_head.py`), numbered headings the agenda items (ModernGov marks its own: `role` "item_title"),
"RESOLVED" paragraphs their resolutions.

Where a rule needs geometry it reads the block's box: a PDF prints a paragraph as lines, joined here by
their gaps, and a heading may wrap onto a second line; a block without a box is a paragraph as the format
gave it. A table the format gives as one (Word, HTML) is a table of reasons by its header ("Action |
Reason for Amber"); a table a PDF reader read from printed text columns (`Table.printed_lines`) is taken
only when its header or the text before it speaks of Amber too (a performance report's "Commentary" column
is not one), and otherwise its lines, which follow it in the flow, are read as text.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from ..models import AgendaItem, Meeting
from ..models.document import Block, Document, Para, Table, rgb_of
from .colours import hue_status
from .columns import role_of
from .dates import find_date
from .minutes_head import HeadLine, minutes_evidence, title_block
from .minutes_words import (ACTION_HEADER, AMBER, AMBER_ASKED, DATE_START, ENDS_IN_MONTH, HEADING, LIST_ITEM, PAGE_NO,
                            REASON_HEADER, REASON_LABEL, REASON_SPLIT, RESOLUTION, TIME, add_reasons, item_plan,
                            plan_from_title)

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
    or a table of Amber justifications beside a resolution. An agenda or a committee's page is not.
    (A PDF's pages are found to be minutes by the first pass, `document.find_papers`.)"""
    paras = doc.paras()
    if any(p.role == "sub_title" and p.text.lower().startswith("minutes") for p in paras):
        return True
    if minutes_evidence(head_lines(doc.blocks)).is_minutes:
        return True
    return any(RESOLUTION.match(p.text) for p in paras) and any(_reasons_header(t) for t in doc.tables())


def read_minutes(doc: Document) -> Meeting:
    """One set of minutes from its blocks, whatever the format. The pages it spans are the caller's to
    say (`first_page`/`last_page` are None here)."""
    meeting = Meeting(committee=None, meeting_date=None, first_page=None, last_page=None)
    meeting.committee, meeting.meeting_date = title_of(doc)
    # a paper with pages has a first page to name; a web page or Word document, a heading
    where = "on the first page" if _paged(doc) else "in the page's heading"
    if meeting.committee is None:
        meeting.warnings.append(f"committee name not found {where}")
    if meeting.meeting_date is None:
        meeting.warnings.append(f"meeting date not found {where}")
    _Walk(doc, meeting).run()
    return meeting


def _paged(doc: Document) -> bool:
    return any(b.page is not None for b in doc.blocks) or any(p.page is not None for p in doc.running_heads)


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
    # every other title block is read the same way (`minutes_head.py`); more of the text gives a year
    # the title leaves out
    if _paged(doc):
        return title_block(_first_page(doc), rest=[p.text for p in paras[:400]])
    return title_block(head_lines(doc.blocks), rest=[p.text for p in paras[:200]])


def _first_page(doc: Document) -> list[HeadLine]:
    """A paper's first printed page (its first newspaper column), as the title block is printed: its
    running head kept (a title block may repeat on every page), its page number left out, but a year that
    a long title wrapped onto a line of its own kept ("… held on Thursday 23 April" / "2020")."""
    paras = doc.paras()
    pages = [p.page for p in [*paras, *doc.running_heads] if p.page is not None]
    if not pages:
        return []
    first: list[Para] = []
    for p in paras:
        if p.page != min(pages) or (first and _breaks(first[-1], p)):
            break
        first.append(p)
    lines = sorted(first + [h for h in doc.running_heads if h.page == min(pages)],
                   key=lambda p: p.box[1] if p.box else 0.0)
    kept: list[Para] = []
    for p in lines:
        wrapped_year = bool(re.fullmatch(r"(?:19|20)\d\d", p.text.strip())) and bool(kept) and bool(
            ENDS_IN_MONTH.search(kept[-1].text))
        if PAGE_NO.match(p.text) and not wrapped_year:
            continue
        kept.append(p)
    return [HeadLine(p.text, p.bold, p.size) for p in kept]


def head_lines(blocks: list[Block]) -> list[HeadLine]:
    """A flow as the lines the shared minutes reading takes: each paragraph, and each table row's cells
    (minutes laid out in a table: the number in one cell, the minute in the next). A heading or a title the
    markup marks stays marked, so that a web page's own title is read before its navigation. A table read
    from printed lines gives none of its own: its lines are in the flow."""
    out: list[HeadLine] = []
    for b in blocks:
        if isinstance(b, Para):
            out.append(HeadLine(b.text, b.bold, b.size, 0, heading=bool(b.level == 1 or b.role == "title")))
            continue
        if b.printed_lines:
            continue
        for row in b.rows:
            text = " ".join(t for t in row.texts if t)
            if text:
                out.append(HeadLine(text))
    return out


# ---- geometry, where the blocks have it ----------------------------------------------------------
def _breaks(prev: Para, nxt: Para) -> bool:
    """A page break between two printed lines, or a column break: the next newspaper column starts back
    at the top of the same page."""
    if nxt.page != prev.page:
        return True
    return prev.box is not None and nxt.box is not None and nxt.box[1] <= prev.box[1]


def _height(p: Para) -> float:
    return p.box[3] - p.box[1] if p.box else 0.0


def _gap(prev: Para, nxt: Para) -> float:
    """White space between two printed lines."""
    return nxt.box[1] - prev.box[3] if prev.box and nxt.box else 0.0


# ---- items, resolutions, reasons ----------------------------------------------------------------
def heading_test(paras: list[Para]) -> Callable[[Para], re.Match | None]:
    """The test for an agenda item's numbered heading among these paragraphs: bold (or a heading the
    markup marks), or — in a paper with no bold type — at the left margin."""
    has_bold = any(p.bold for p in paras)
    margin = min((p.box[0] for p in paras if p.box), default=0.0)

    def numbered(p: Para) -> re.Match | None:
        text = _LINK_SIZE.sub("", p.text).strip()
        m = HEADING.match(text)
        if not m or not m.group(2)[:1].isupper() or TIME.match(text) or DATE_START.match(text):
            return None  # "12 December 2019 at 1.45 pm" is a title wrapped onto a second line
        if has_bold:
            return m if p.bold or p.level else None
        return m if p.box is None or p.box[0] <= margin + 2 else None

    return numbered


class _Walk:
    """The minutes read top to bottom: `paras` the text (a PDF's printed lines, a table's among them),
    `tables` the tables that stand before each paragraph."""

    def __init__(self, doc: Document, meeting: Meeting) -> None:
        self.meeting = meeting
        self.paras: list[Para] = []
        self.tables: dict[int, list[Table]] = {}
        for b in doc.blocks:
            if isinstance(b, Para):
                self.paras.append(b)
            else:
                self.tables.setdefault(len(self.paras), []).append(b)
        self.marked = any(p.role == "item_title" for p in self.paras)  # ModernGov marks its items
        self.numbered = heading_test(self.paras)

    # the tests -------------------------------------------------------------------------------------
    def heading(self, p: Para) -> tuple[str | None, str | None] | None:
        """(number, title) of an agenda item's heading; title None for a number printed on its own."""
        if not self.marked:
            m = self.numbered(p)
            return (m.group(1), m.group(2).strip()) if m else None
        if p.role != "item_title":
            return None
        text = _LINK_SIZE.sub("", p.text).strip()
        m = _NUMBER_ONLY.match(text)
        if m:
            return m.group(1), None
        m = _NUMBERED.match(text)
        return (m.group(1), m.group(2).strip()) if m else (None, text)

    def parted(self, i: int) -> bool:
        """A table the format gives as one stands before paras[i]: it parts a list or a pair."""
        return any(not t.printed_lines for t in self.tables.get(i, ()))

    # the walk --------------------------------------------------------------------------------------
    def run(self) -> None:
        paras, meeting = self.paras, self.meeting
        item = None if self.marked else self.page_item()
        body: list[str] = []
        number: str | None = None
        i = 0
        while True:
            for t in self.tables.get(i, ()):
                if not t.printed_lines:
                    self.add(self.table_rows(t), item, body)
            if i >= len(paras):
                break
            p = paras[i]
            head = self.heading(p)
            if head is not None:
                n, title = head
                if title is None:  # ModernGov's number in a cell of its own: the title follows
                    number = n
                    i += 1
                    continue
                title, i = self.heading_block(i, title)
                item = AgendaItem(number=n or number, title=title, plan=plan_from_title(title))
                meeting.agenda_items.append(item)
                body, number = [], None
                continue
            printed = next((t for t in self.tables.get(i, ()) if t.printed_lines), None)
            # a table read from printed lines is one of reasons when its header or its lead-in speaks of
            # Amber: a performance report's "Commentary" column or a key is not one
            if printed is not None and (AMBER.search(p.text) or AMBER_ASKED.search(" ".join(body[-12:]))):
                self.add(self.table_rows(printed), item, body)
                i += printed.printed_lines
                continue
            if p.role == "sub_title":
                i += 1
                continue
            asked = bool(AMBER_ASKED.search(" ".join(body[-6:])))
            if LIST_ITEM.match(p.text) and asked:
                rows, i = self.listed_reasons(i)
                self.add(rows, item, body)
                continue
            if RESOLUTION.match(p.text):
                text, i = self.paragraph(i)
                if item is not None:
                    item.resolution = f"{item.resolution} {text}" if item.resolution else text
                continue
            if asked and self.opens_pair(i):
                rows, i = self.paired_reasons(i)
                if rows:
                    self.add(rows, item, body)
                    continue
            body.append(p.text)
            i += 1

    def add(self, rows: list[dict[str, Any]], item: AgendaItem | None, body: list[str]) -> None:
        if rows:  # only then is the item's plan looked for in its text (`item_plan` keeps what it finds)
            add_reasons(self.meeting, rows, item_plan(item, body))

    def page_item(self) -> AgendaItem | None:
        """ModernGov's page of one agenda item: "Meeting: 12/12/2019 - … (Item 4.)" under the item's title."""
        paras = self.paras[:20]
        for k, p in enumerate(paras):
            m = _MEETING_LINE.match(p.text)
            if m and m.group("item"):
                title = next((q.text for q in reversed(paras[:k]) if q.level >= 2 or q.role is None and q.bold), None)
                if title is None:
                    return None
                item = AgendaItem(number=m.group("item").strip(), title=title, plan=plan_from_title(title))
                self.meeting.agenda_items.append(item)
                return item
        return None

    def heading_block(self, i: int, title: str) -> tuple[str, int]:
        """A heading and the printed lines it wraps onto (same size and weight, no number of their own)."""
        paras, first = self.paras, self.paras[i]
        parts = [title]
        j = i + 1
        while first.box is not None and j < len(paras):
            nxt, prev = paras[j], paras[j - 1]
            if (nxt.box is None or _breaks(prev, nxt) or nxt.bold != first.bold
                    or abs((nxt.size or 0) - (first.size or 0)) > 0.3 or _gap(prev, nxt) > 0.8 * _height(first)
                    or HEADING.match(nxt.text) or RESOLUTION.match(nxt.text)):
                break
            parts.append(nxt.text)
            j += 1
        return " ".join(parts), j

    def paragraph(self, i: int, stop: Callable[[Para], bool] | None = None) -> tuple[str, int]:
        """The paragraph that starts at paras[i]: a PDF's printed lines joined while they run on (a
        sentence cut by a page or column break goes on at the top of the next one)."""
        paras = self.paras
        parts = [paras[i].text]
        j = i + 1
        while paras[i].box is not None and j < len(paras):
            nxt, prev = paras[j], paras[j - 1]
            if nxt.box is None:
                break
            cut = _breaks(prev, nxt)
            broken = cut and not re.search(r"[.:;!?]\W?$", prev.text) and not LIST_ITEM.match(nxt.text)
            if ((cut and not broken) or (not broken and _gap(prev, nxt) > 0.8 * _height(prev))
                    or self.numbered(nxt) or RESOLUTION.match(nxt.text) or (stop and stop(nxt))):
                break
            parts.append(nxt.text)
            j += 1
        return " ".join(parts), j

    def listed_reasons(self, i: int) -> tuple[list[dict[str, Any]], int]:
        """Reasons minuted as a list rather than a table: "(a) <action> – <reason>", one item each."""
        rows, start = [], i
        while i < len(self.paras) and LIST_ITEM.match(self.paras[i].text) and not (i > start and self.parted(i)):
            first = i
            text, i = self.paragraph(i, stop=lambda p: bool(LIST_ITEM.match(p.text)))
            parts = REASON_SPLIT.split(LIST_ITEM.sub("", text, count=1), maxsplit=1)
            if len(parts) == 2 and parts[1].strip():
                rows.append({"action": parts[0].strip(), "reason": parts[1].strip(), "page": self.paras[first].page})
        return rows, i

    def opens_pair(self, i: int) -> bool:
        """An action in bold (not a heading; a PDF's perhaps wrapped over a few printed lines), with plain
        type after it that is not a resolution."""
        paras = self.paras
        most = 4 if paras[i].box is not None else 1  # a paragraph the format gives is the whole action
        j = i
        while (j < len(paras) and j - i < most and paras[j].bold and not self.numbered(paras[j])
               and not RESOLUTION.match(paras[j].text) and not (j > i and self.parted(j))):
            j += 1
        return i < j < len(paras) and not paras[j].bold and not self.parted(j) and not RESOLUTION.match(paras[j].text)

    def paired_reasons(self, i: int) -> tuple[list[dict[str, Any]], int]:
        """Reasons minuted as paragraphs: the action in bold, then its reason in plain type (often
        indented, or headed "Reason for Amber:"), pair after pair. Returns no rows, and `i` unmoved,
        when the lines are not such pairs."""
        paras = self.paras
        rows, start = [], i
        while self.opens_pair(i) and not (i > start and self.parted(i)):
            first = i
            action, i = self.paragraph(i, stop=lambda p: not p.bold)
            box, here = paras[first].box, paras[i].box if i < len(paras) else None
            indent = here[0] if box and here and here[0] > box[0] + 5 else None
            # an indented reason ends where the text comes back to the action's margin
            reason, i = self.paragraph(i, stop=lambda p, indent=indent: p.bold or (
                indent is not None and p.box is not None and p.box[0] < indent - 2))
            reason = REASON_LABEL.sub("", reason).strip()
            if not reason:
                i = first
                break
            rows.append({"action": action, "reason": reason, "page": paras[first].page})
        return (rows, i) if rows else ([], start)

    def table_rows(self, t: Table) -> list[dict[str, Any]]:
        """(action, reason, status, page) per row of a table of Amber justifications; the status from a
        "RAG" / "New status" column (its words or its colour), else ""."""
        found = _reasons_header(t)
        if found is None:
            return []
        k, ai, ri = found
        header = t.rows[k].texts
        si = next((j for j, c in enumerate(header) if j not in (ai, ri) and role_of(c) == "rag"), None)
        rows: list[dict[str, Any]] = []
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
                last = rows[-1]
                last["reason"] = " ".join(x for x in (last["reason"], reason) if x)
                last["status"] = last["status"] or status
                continue
            if action:
                rows.append({"action": action, "reason": reason, "status": status, "page": row.page})
        while rows and not rows[-1]["reason"]:
            rows.pop()
        return rows


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
