"""Committee minutes (PDF pages) → a `Meeting`: committee, date, agenda items, Amber justifications.

The minutes we care about record, under a plan's agenda item, a two-column table: the action (as the
minutes print it) and the reason it is rated Amber. Councils lay that table out in many ways: ruled
grids, bare text columns, a blank first header cell, a header repeated on every page. So the table is
read from word positions: the column boundary comes from the header ("Reason for Amber", "Justification",
...) refined by a ruling line or by where the body's second column consistently starts; rows are split
by ruling lines or by a vertical gap wider than the line spacing; the table ends at the first paragraph
that crosses the boundary, a resolution ("RESOLVED", "AGREED"), or the next agenda heading.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from plantrack.extract import language
from plantrack.extract.dates import MONTH_NAME, find_date
from plantrack.extract.pdf import page_edges
from plantrack.extract.words import page_words
from plantrack.models import AgendaItem, AmberReason, Meeting

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_PAGE_NO = re.compile(r"^[-–\s]*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?[-–\s]*$", re.I)
HEADING = re.compile(r"^(?:item\s+|minute\s+)?(\d{1,3}(?:\.\d{1,2})?[a-z]?)(?:[.):]\s*|\s+)(\S.*)$", re.I)
TIME = re.compile(r"^\d{1,2}[.:]\d\d\s*(?:am|pm|a\.m|p\.m)\b", re.I)
LIST_ITEM = re.compile(r"^\s*(?:\(?[a-z]\)|\(?(?:ii|iii|iv|vi|vii|viii|ix|xi|xii)\)|[•●▪◦])\s+(?=\S)", re.I)
REASON_SPLIT = re.compile(r"\s+[–—-]\s+|:\s+")
AMBER = re.compile(r"\bamber\b", re.I)
# Text that asks for (or introduces) Amber justifications: "the outstanding Amber actions:", "was rated
# Amber", "reasons for Amber". A key's colour words ("GREEN AMBER RED") or a KPI's rating do not.
_AMBER_ASKED = re.compile(
    r"\bamber\s+(?:actions?|ratings?|rated|status(?:es)?|items?|areas?|measures?)\b|\brated\s+(?:as\s+)?amber\b"
    r"|\b(?:reasons?|justifications?|justify|explanations?|explain)\b[^.]{0,60}\bamber\b|\bamber\s*:", re.I)
REASON_LABEL = re.compile(r"^(?:reasons?|justification|explanation)(?:\s+for\s+amber(?:\s+rating)?)?\s*[:–-]\s*", re.I)
DATE_START = re.compile(rf"^\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_NAME}\b", re.I)
_WEEKDAY = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_ENDS_IN_MONTH = re.compile(rf"\b{MONTH_NAME}\.?$", re.I)
RESOLUTION = re.compile(r"^(?:RESOLVED|AGREED|RECOMMENDED|DECIDED)\b|^(?:Resolved|Agreed|Decided)\s*[:,–-]")
REASON_HEADER = re.compile(r"^(?:the\s+)?(?:reasons?|justifications?|explanations?|rationale|why)\b", re.I)
ACTION_HEADER = re.compile(r"^(?:amber\s+)?(?:actions?|activity|activities|objectives?|description|what)\b", re.I)
MINUTES_TITLE = re.compile(
    r"^\s*(?:draft\s+|unconfirmed\s+|confirmed\s+|public\s+)?(?:minutes|proc[eè]s[-\s]verbal)\b", re.I)
MEETING_OF = re.compile(
    r"minutes\s+of\s+(?:the\s+|a\s+|an\s+)?(?:(?:virtual|remote|hybrid|special|extraordinary|ordinary|annual|"
    r"public|formal)\s+)*meeting\s+of\s+(?:the\s+)?(?P<name>.+?)\s+(?:held|on|at|which)\b", re.I)
# "Minutes of the Health and Wellbeing Board held on …": no "meeting of"; the name must name a body
MINUTES_OF_BODY = re.compile(r"^\s*minutes\s+of\s+(?:the\s+)?(?P<name>.+?)\s+(?:held|on|at)\b", re.I)
# "Minutes excerpt from Corporate Parenting Panel – 12 March 2024", "Extract from the Minutes of the X held on …"
_EXCERPT = re.compile(
    r"\b(?:minutes?\s+(?:excerpt|extract)s?\s+(?:from|of)|(?:excerpt|extract)s?\s+(?:from|of)\s+(?:the\s+)?"
    r"(?:draft\s+|unconfirmed\s+)?minutes\s+of)\s+(?:the\s+|a\s+)?(?:meeting\s+of\s+(?:the\s+)?)?"
    r"(?P<name>.+?)\s*(?:[–—]|\s-\s|\bheld\b|\bon\b|,|$)", re.I)
# "A regular meeting of the Township of Nipissing Council was held on …": the body named in a sentence
_MEETING_HELD = re.compile(
    r"\b(?i:an?|the)\s+(?i:(?:regular|special|extraordinary|ordinary|annual|public|virtual|remote|hybrid)\s+)*"
    r"(?i:meeting\s+of\s+(?:the\s+)?)(?P<name>[A-Z][^.]{2,80}?)\s+(?i:was|were)\s+held\b")
MINUTES_SUFFIX = re.compile(r"\s*[–—:-]\s*(?:draft\s+|unconfirmed\s+|confirmed\s+)?minutes\b.*$", re.I)
_COMMITTEE_WORDS = re.compile(
    r"\b(?:committee|sub-committee|board|panel|cabinet|council|forum|group|partnership|commission|executive|"
    r"assembly|scrutiny)\b", re.I)
AUTHORITY = re.compile(
    r"^(?:the\s+)?(?:city|borough|county|district|royal\s+borough|london\s+borough|metropolitan)\b"
    r"|\b(?:council|corporation|authority)\s*$", re.I)
PREAMBLE = re.compile(r"^(?:public\s+document\s+pack|agenda\s+item\b|item\s+\d|appendix\b|draft\b|"
                       r"unconfirmed\b|not\s+protectively\s+marked|official\b)", re.I)
# "Children’s Services Improvement Plan 2022-23": title-case words ending in "Plan", then a year range.
_PLAN = re.compile(
    r"(?P<name>(?:[A-Z0-9][\w’'&.\-]*\s+(?:(?:and|of|for|&|the|in|AND|OF|FOR|THE|IN)\s+)*)*(?:Plan|PLAN))\b"
    r"(?P<years>\s*\(?(?:19|20)\d\d(?:\s*[-/–]\s*(?:19|20)?\d\d)?\)?)?")
_LOWER_CONNECTORS = {"and", "of", "for", "&", "the", "in"}

ROW_GAP = 1.35          # a gap this many line pitches wide starts a new row (unruled tables)
COLUMN_GAP = 8.0        # points between words that separates two columns of one line


@dataclass
class _Line:
    page: int
    words: list[dict]
    top: float = 0.0
    bottom: float = 0.0

    def __post_init__(self) -> None:
        self.words.sort(key=lambda w: w["x0"])
        self.top = min(w["top"] for w in self.words)
        self.bottom = max(w["bottom"] for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0]["x0"]

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def size(self) -> float:
        return statistics.median(w.get("size", self.height) for w in self.words)

    @property
    def bold(self) -> bool:
        chars = [len(w["text"]) for w in self.words if _BOLD.search(w.get("fontname", ""))]
        return sum(chars) * 2 > sum(len(w["text"]) for w in self.words)


@dataclass
class _Page:
    lines: list[_Line]
    v_edges: list[dict]
    h_edges: list[dict]
    height: float
    number: int = 0  # 0-based page of the paper it is on (two newspaper columns are two _Pages of one page)


@dataclass
class _Table:
    """Where the two cells of a justification row are, worked out from its header."""
    boundary: float                     # x where the reason column starts
    left: float | None = None           # x where the action column starts (a "Ref" column lies left of it)
    right: float | None = None          # x where a column after the reason starts
    action_right: float | None = None   # x where a column between action and reason ("RAG") starts
    ruled: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------
# reading the pages


def _page(p: Any, number: int = 0) -> list[_Page]:
    """The page's lines and ruling edges; a page printed in two newspaper columns gives two, the right
    column moved onto the left one's x positions so that it reads as the page after it."""
    words = page_words(p, ("fontname",), keep_chars=False)  # many pages' words are kept: not their characters
    edges = page_edges(p)
    v = [e for e in edges if e["orientation"] == "v"]
    h = [e for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 20]
    height = float(p.height)
    at = _gutter(words, float(p.width), height)
    if at is None:
        return [_Page(_lines(words), v, h, height, number)]
    # the columns are as wide as each other: the second starts as far right of the first as its right
    # edge (its longest line, or a table's rule) is right of the first one's
    reach = lambda side: max([w["x1"] for w in words if side(w["x0"], w["x1"]) and not _in_band(w, height, 0.07)]  # noqa: E731
                             + [e["x1"] for e in h if side(e["x0"], e["x1"])])
    dx = reach(lambda x0, x1: x0 >= at) - reach(lambda x0, x1: x1 < at)
    right = [w for w in words if w["x0"] >= at and not _in_band(w, height, 0.07)]
    left = [w for w in words if not (w["x0"] >= at and not _in_band(w, height, 0.07))]
    shift = lambda e: {**e, "x0": e["x0"] - dx, "x1": e["x1"] - dx}  # noqa: E731
    return [_Page(_lines(left), [e for e in v if e["x0"] < at], [e for e in h if e["x1"] <= at], height, number),
            _Page(_lines([shift(w) for w in right]), [shift(e) for e in v if e["x0"] >= at],
                  [shift(e) for e in h if e["x0"] >= at], height, number)]


def _lines(words: list[dict]) -> list[_Line]:
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        last = lines[-1] if lines else None
        if last is not None and abs(w["top"] - last.top) <= 2.5:
            last.words.append(w)
            last.__post_init__()
        else:
            lines.append(_Line(0, [w]))
    return lines


def _in_band(w: dict, height: float, share: float) -> bool:
    """In the top or bottom `share` of the page, where running heads and page numbers are."""
    return w["top"] < height * share or w["bottom"] > height * (1 - share)


GUTTER = 16.0  # points: newspaper columns leave at least this between them; a table's cells less


def _gutter(words: list[dict], width: float, height: float) -> float | None:
    """Where a page printed in two newspaper columns splits (the middle of the gutter): a white gutter of GUTTER points or more near the middle, down the whole
    body of the page, with lines of minutes on the left (an item heading, a resolution, "Present").
    A page that is only a reasons table has its boundary near the middle too, but its left column
    holds actions, never headings or resolutions, and its cells lie closer than a gutter."""
    body = [w for w in words if not _in_band(w, height, 0.07)]
    if len(body) < 40:
        return None
    spans = sorted((w["x0"], w["x1"]) for w in body)
    best, reach = None, spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= GUTTER and width * 0.3 < (x0 + reach) / 2 < width * 0.7:
            if best is None or x0 - reach > best[1] - best[0]:
                best = (reach, x0)
        reach = max(reach, x1)
    if best is None:
        return None
    left = _lines([w for w in body if w["x1"] <= best[0]])
    right = _lines([w for w in body if w["x0"] >= best[1]])
    if len(left) < 8 or len(right) < 8:
        return None
    structural = lambda l: bool(RESOLUTION.match(l.text) or HEADING.match(l.text) and l.bold  # noqa: E731
                                or re.match(r"(?:present|officers|apologies)\b", l.text, re.I))
    if not any(structural(l) for l in left):
        return None
    return (best[0] + best[1]) / 2


def _drop_furniture(pages: list[_Page]) -> None:
    """Remove page numbers and running heads/feet so a table can run on across a page break. A table
    header repeated at the top of each page is not a running head: it is kept, and skipped as a header."""
    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.casefold())

    seen = Counter()
    for pg in pages:
        for k in {(key(l), round(l.top / 4)) for l in pg.lines if _in_margin(l, pg, 0.07)}:
            seen[k] += 1
    margin = min((l.x0 for pg in pages for l in pg.lines), default=0.0)
    for pg in pages:
        pg.lines = [l for l in pg.lines if not (
            (_in_margin(l, pg, 0.1) and _PAGE_NO.match(l.text))
            or (_in_margin(l, pg, 0.07) and seen[(key(l), round(l.top / 4))] > 1
                and _table_header(l, pg, margin) is None))]


def _in_margin(line: _Line, pg: _Page, share: float) -> bool:
    return line.top < pg.height * share or line.bottom > pg.height * (1 - share)


# ----------------------------------------------------------------------------------------------
# public API


def looks_like_minutes(first_page_text: str) -> bool:
    """Whether a first page opens a set of minutes (not an agenda, which also mentions "minutes")."""
    lines = [l.strip() for l in (first_page_text or "").splitlines() if l.strip()]
    for l in lines[:15]:
        if re.fullmatch(r"agenda", l, re.I):
            break  # an agenda front sheet: its "MINUTES" is an item
        if MINUTES_TITLE.match(l) or MEETING_OF.search(l) or (
                _EXCERPT.search(l) and l.lower().startswith(("extract", "excerpt"))):
            return True
    text = "\n".join(lines)
    # "Present:" as a label (alone on its line or before a colon), not "attendance for this item" in a sentence
    return bool(re.search(r"^(?:present|members\s+present|(?:in\s+)?attendance)\s*(?::|$)", text, re.I | re.M)
                and re.search(r"\b(?:RESOLVED|AGREED)\b", text))


def opens_mid_paragraph(page_text: str) -> bool:
    """A page whose first line of text (after a page number) goes on from the page before: it starts in
    lower case, with a list bullet, or with closing punctuation. Such a page never opens a new paper."""
    for line in (l.strip() for l in (page_text or "").splitlines()):
        if not line or _PAGE_NO.match(line):
            continue
        return bool(re.match(r"[a-z]|[•●▪◦\-–,;:.)]", line))
    return False


def extract_minutes(pages: Sequence[Any], first_page_number: int = 1) -> Meeting:
    """One set of minutes from its pdfplumber pages; `first_page_number` is the 1-based number of pages[0]."""
    pgs = [pg for n, p in enumerate(pages) for pg in _page(p, n)]
    for i, pg in enumerate(pgs):
        for l in pg.lines:
            l.page = i
    # the title block is read before running heads are dropped: it may repeat on every page
    first_lines = _title_lines(pgs[0]) if pgs else []
    _drop_furniture(pgs)
    flow = [l for pg in pgs for l in pg.lines]
    meeting = Meeting(committee=None, meeting_date=None, first_page=first_page_number,
                      last_page=first_page_number + max(len(pages), 1) - 1)
    meeting.committee, meeting.meeting_date = _title_block(first_lines)
    if meeting.committee is None:
        meeting.warnings.append("committee name not found on the first page")
    if meeting.meeting_date is None:
        meeting.warnings.append("meeting date not found on the first page")
    _walk(flow, pgs, meeting, first_page_number)
    return meeting


# ----------------------------------------------------------------------------------------------
# title block


def _title_lines(pg: _Page) -> list[_Line]:
    """The first page's lines without its page number, but with a year that a long title wrapped onto
    a line of its own ("… held on Thursday 23 April" / "2020")."""
    kept: list[_Line] = []
    for l in pg.lines:
        wrapped_year = bool(re.fullmatch(r"(?:19|20)\d\d", l.text.strip())) and bool(kept) and bool(
            _ENDS_IN_MONTH.search(kept[-1].text))
        if _PAGE_NO.match(l.text) and not wrapped_year:
            continue
        kept.append(l)
    return kept


def _title_block(lines: list[_Line]) -> tuple[str | None, str | None]:
    """The committee and date a set of minutes prints at its head. The committee comes from the line
    naming the body ("MINUTES of a meeting of the Cabinet held …", "<BODY> – 10th December 2024", an
    excerpt's "from <body>"), never from the venue that the title sentence runs on to."""
    head = lines[:15]
    for k in range(min(len(head), 6)):
        window = " ".join(l.text for l in head[k:k + 3])
        excerpt = _EXCERPT.search(window)
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
    held = None if m else _MEETING_HELD.search(" ".join(l.text for l in head[:8]))
    committee = m.group("name").strip(" ,") if m else (held.group("name") if held else _committee_from(head[:mi]))
    if committee is None:  # "MINUTES" / committee / "Date: ..."
        committee = _committee_from(head[end + 1:end + 3] if end > mi + 1 or title.rstrip().endswith(".")
                                    else head[mi + 1:mi + 3])
    date = find_date(title)
    return committee, (date[0] if date else _first_date(head))


def _committee_from(lines: list[_Line]) -> str | None:
    """The committee's lines: after the authority's name, wrapped lines of the same size joined. A line
    that names the body and then the date ("AUDIT COMMITTEE – 10th December 2024") gives the body."""
    cand: list[tuple[_Line, str]] = []
    for l in lines:
        if PREAMBLE.match(l.text) or MINUTES_TITLE.match(l.text):
            continue
        dated = find_date(l.text)
        if dated:
            before = l.text[:dated[2][0]]
            before = re.sub(rf"\b(?:{_WEEKDAY})\s*,?\s*$", "", before, flags=re.I).rstrip(" ,–—-:")
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


def looks_committee(text: str) -> bool:
    """Names a committee, not only the authority ("Ashby Vale Council", "Kent County Council")."""
    t = re.sub(r"\b(?:(?:county|city|borough|district)\s+)?council\s*$", "", text.strip(), flags=re.I)
    t = re.sub(r"\b(?:county|city|borough|district)\s+council\b", "", t, flags=re.I)
    return bool(_COMMITTEE_WORDS.search(t))


def _first_date(lines: list[_Line]) -> str | None:
    for l in lines:
        d = find_date(l.text)
        if d:
            return d[0]
    return None


# ----------------------------------------------------------------------------------------------
# agenda items and resolutions


def _walk(flow: list[_Line], pgs: list[_Page], meeting: Meeting, first_page_number: int) -> None:
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
        table = _table_header(line, pgs[line.page], margin)
        # a table of reasons needs a header or a lead-in that speaks of Amber: a performance report's
        # "Commentary" column or a key is not one
        if table is not None and (AMBER.search(line.text) or _AMBER_ASKED.search(" ".join(body[-12:]))):
            i = _read_table(flow, i, table, pgs, has_bold, margin)
            if table.rows:
                add_reasons(meeting, table.rows, item_plan(item, body), [first_page_number + pg.number for pg in pgs])
            continue
        asked = bool(_AMBER_ASKED.search(" ".join(body[-6:])))
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


def item_plan(item: AgendaItem | None, body: list[str]) -> str | None:
    """The plan an item's reasons are about: its title's, else the one its text names."""
    if item is not None and item.plan is not None:
        return item.plan
    plan = plan_from_title(" ".join(body[-12:]))
    if item is not None:
        item.plan = plan
    return plan


def _listed_reasons(flow: list[_Line], i: int, has_bold: bool, margin: float) -> tuple[list[dict[str, Any]], int]:
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


def _opens_pair(flow: list[_Line], i: int, has_bold: bool, margin: float) -> bool:
    """Bold lines (an action, perhaps wrapped) that are not a heading, with plain type after them."""
    j = i
    while j < len(flow) and j - i < 4 and flow[j].bold and not _heading(flow[j], has_bold, margin):
        j += 1
    return i < j < len(flow) and not flow[j].bold


def _paired_reasons(flow: list[_Line], i: int, has_bold: bool, margin: float) -> tuple[list[dict[str, Any]], int]:
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


def _heading(line: _Line, has_bold: bool, margin: float) -> re.Match | None:
    m = HEADING.match(line.text)
    if not m or not m.group(2)[:1].isupper() or TIME.match(line.text) or DATE_START.match(line.text):
        return None  # "12 December 2019 at 1.45 pm" is a title wrapped onto a second line
    # headings are bold; in a document with no bold type, they sit at the left margin
    return m if (line.bold if has_bold else line.x0 <= margin + 2) else None


def _heading_block(flow: list[_Line], i: int, m: re.Match) -> tuple[str, str, int]:
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


def _paragraph(flow: list[_Line], i: int, has_bold: bool, margin: float,
               stop: Callable[[_Line], bool] | None = None) -> tuple[str, int]:
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


def plan_from_title(title: str | None) -> str | None:
    """The plan an agenda item is about, as printed: 'Children’s Services Improvement Plan 2022-23:
    progress update for July 2022' → 'Children’s Services Improvement Plan 2022-23'."""
    if not title:
        return None
    for m in _PLAN.finditer(title):
        words = m.group("name").split()
        while words and words[0].lower() in _LOWER_CONNECTORS:
            words = words[1:]  # "the Service Development Plan" → "Service Development Plan"
        if len(words) < 2:
            continue  # a bare "Plan" names no plan
        name = " ".join(words) + (m.group("years") or "").rstrip()
        return name.strip()
    return None


# ----------------------------------------------------------------------------------------------
# the table of Amber justifications


def _segments(line: _Line) -> list[list[dict]]:
    segs: list[list[dict]] = []
    for w in line.words:
        if segs and w["x0"] - segs[-1][-1]["x1"] <= COLUMN_GAP:
            segs[-1].append(w)
        else:
            segs.append([w])
    return segs


def _seg_text(seg: list[dict]) -> str:
    return " ".join(w["text"] for w in seg)


def _table_header(line: _Line, pg: _Page, margin: float) -> _Table | None:
    """A header row such as "Action | Reason for Amber" or a lone "Reason for Amber" (blank first cell).
    Other columns ("Ref", "RAG") may sit around them; only the action's and the reason's are read."""
    if len(line.words) > 14:
        return None
    segs = _segments(line)
    ri = next((k for k, s in enumerate(segs) if REASON_HEADER.match(_seg_text(s)) and len(s) <= 7), None)
    if ri is None or len(segs) > 4 or any(len(s) > 5 for k, s in enumerate(segs) if k != ri):
        return None
    reason_x = segs[ri][0]["x0"]
    if ri == 0 and reason_x < margin + 80:
        return None  # a sentence that starts "Reasons for ..." at the margin, not a second column
    ai = next((k for k in range(ri) if ACTION_HEADER.match(_seg_text(segs[k]))), ri - 1 if ri else None)
    prev_x1 = segs[ri - 1][-1]["x1"] if ri else margin + 20
    rule = _rule_at(pg, line, prev_x1, reason_x)
    # a shaded header row has edges of its own: the table is ruled only if the rule runs on below it
    ruled = rule is not None and any(b > line.bottom + 2 * line.height for _, b in _grid_spans(pg, rule))
    table = _Table(boundary=rule if rule is not None else _refine_boundary(line, pg, prev_x1, reason_x),
                   ruled=ruled)
    if ai is not None and ai > 0:
        table.left = _column_start(pg, line, segs[ai - 1], segs[ai])
    if ai is not None and ai + 1 < ri:
        table.action_right = _column_start(pg, line, segs[ai], segs[ai + 1])
    if ri + 1 < len(segs):
        table.right = _column_start(pg, line, segs[ri], segs[ri + 1])
    return table


def _rule_at(pg: _Page, line: _Line, lo: float, hi: float) -> float | None:
    """The ruling line that separates two header cells, if the table is ruled."""
    xs = [e["x0"] for e in pg.v_edges
          if lo < e["x0"] <= hi + 1 and e["top"] <= line.bottom + 2 and e["bottom"] >= line.top - 2]
    return max(xs) if xs else None


def _column_start(pg: _Page, line: _Line, before: list[dict], seg: list[dict]) -> float:
    rule = _rule_at(pg, line, before[-1]["x1"], seg[0]["x0"])
    return rule if rule is not None else seg[0]["x0"] - 1.5


def _refine_boundary(header: _Line, pg: _Page, lo: float, hi: float) -> float:
    """Unruled: the x where the body's second column consistently starts. The header text lies inside
    its column, so the column starts after the previous header cell (lo) and not after the reason
    header (hi); a centred header does not mark the column's edge."""
    below = [l for l in pg.lines if l.top > header.bottom][:15]
    left_edge = min((l.x0 for l in below), default=0.0)
    starts: list[float] = []
    for l in below:
        firsts = [l.words[0]] if l.x0 > left_edge + 20 else []  # a line with an empty first cell
        gapped = [b for a, b in zip(l.words, l.words[1:]) if b["x0"] - a["x1"] > COLUMN_GAP]
        starts += [w["x0"] for w in firsts + gapped if lo < w["x0"] <= hi + 2]
    counts = Counter(round(x) for x in starts)
    if not counts or max(counts.values()) < 2:
        return hi - 1.5
    best = max(counts, key=lambda x: (counts[x], x))
    return min(x for x in starts if round(x) == best) - 1.5


def _grid_spans(pg: _Page, x: float) -> list[tuple[float, float]]:
    """Vertical extents covered by the ruling line at the column boundary (merged segments)."""
    segs = sorted((e["top"], e["bottom"]) for e in pg.v_edges if abs(e["x0"] - x) < 2.5)
    spans: list[list[float]] = []
    for t, b in segs:
        if spans and t <= spans[-1][1] + 3:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([t, b])
    return [(t, b) for t, b in spans]


def _fits(line: _Line, t: _Table) -> bool:
    """No word of the line crosses a column boundary, and in a table without rules the words either
    side of the boundary stand a gutter apart (a paragraph after the table runs on with a space):
    it can be a table line."""
    for x in (t.boundary, t.right, t.action_right, t.left):
        if x is not None and any(w["x0"] < x - 0.5 and w["x1"] > x + 1.5 for w in line.words):
            return False
    if not t.ruled:
        left = [w for w in line.words if w["x0"] < t.boundary]
        right = [w for w in line.words if w["x0"] >= t.boundary]
        spaces = [b["x0"] - a["x1"] for a, b in zip(line.words, line.words[1:])]
        if left and right and len(spaces) > 2:
            gutter = right[0]["x0"] - left[-1]["x1"]
            spaces.remove(gutter)
            if gutter < 1.35 * statistics.median(spaces):
                return False
    return True


def _in_grid(line: _Line, spans: list[tuple[float, float]]) -> bool:
    mid = (line.top + line.bottom) / 2
    return any(t <= mid <= b for t, b in spans)


def _rule_between(pg: _Page, upper: _Line, lower: _Line, x: float) -> bool:
    return any(upper.bottom - 1 <= e["top"] <= lower.top + 1 and e["x0"] < x - 5 and e["x1"] > x + 5
               for e in pg.h_edges)


def _skip_header(flow: list[_Line], i: int, t: _Table, pg: _Page) -> int:
    """Index after a header row (which may wrap onto more lines)."""
    hdr = flow[i]
    rows_below = [e["top"] for e in pg.h_edges if e["top"] >= hdr.bottom - 1
                  and e["x0"] < t.boundary - 5 and e["x1"] > t.boundary + 5]
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


def _read_table(flow: list[_Line], i: int, t: _Table, pgs: list[_Page], has_bold: bool, margin: float) -> int:
    """Fill t.rows from the lines after the header at flow[i]; return the index where the table ends."""
    spans = {}
    j = _skip_header(flow, i, t, pgs[flow[i].page])
    body: list[_Line] = []
    prev = flow[j - 1]
    while j < len(flow):
        line = flow[j]
        pg = pgs[line.page]
        if t.ruled and line.page not in spans:
            spans[line.page] = _grid_spans(pg, t.boundary)
        if _table_header(line, pg, margin) is not None:
            j = _skip_header(flow, j, t, pg)  # the header repeated after a page break
            prev = flow[j - 1]
            continue
        if _heading(line, has_bold, margin) or RESOLUTION.match(line.text) or not _fits(line, t):
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


def _pitch(body: list[_Line]) -> float:
    """Line spacing inside a cell: the usual distance between consecutive lines of the table."""
    diffs = [b.top - a.top for a, b in zip(body, body[1:]) if a.page == b.page and b.top > a.top]
    heights = [l.height for l in body] or [10.0]
    cap = 1.5 * statistics.median(heights)
    if not diffs:
        return cap
    low = min(diffs)
    return min(statistics.median([d for d in diffs if d <= 1.2 * low]), cap)


def _rows(body: list[_Line], t: _Table, pgs: list[_Page]) -> list[dict[str, Any]]:
    pitch = _pitch(body)
    groups: list[list[_Line]] = []
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
            last["lines"] += g
            continue
        if not action:
            continue  # header overflow before the first row
        rows.append({"action": action, "reason": reason, "page": g[0].page, "lines": list(g)})
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


def _cells(lines: list[_Line], t: _Table) -> tuple[str, str]:
    left, right = [], []
    for l in lines:
        a = [w["text"] for w in l.words if w["x0"] < (t.action_right or t.boundary)
             and (t.left is None or w["x0"] >= t.left)]
        b = [w["text"] for w in l.words if w["x0"] >= t.boundary and (t.right is None or w["x0"] < t.right)]
        if a:
            left.append(" ".join(a))
        if b:
            right.append(" ".join(b))
    return " ".join(left), " ".join(right)


def _join(a: str, b: str) -> str:
    return " ".join(x for x in (a, b) if x)


def add_reasons(meeting: Meeting, rows: list[dict[str, Any]], plan: str | None, page_numbers: list[int]) -> None:
    """The rows of a reasons table as Amber reasons; `page_numbers` gives each of the pages' page number."""
    reasons = [r["reason"] for r in rows]
    effective = language.resolve_back_references(reasons, [r["action"] for r in rows])
    year = language.financial_year_of(plan, meeting.meeting_date)
    for r, eff in zip(rows, effective):
        meeting.amber_reasons.append(AmberReason(
            position=len(meeting.amber_reasons) + 1, plan=plan, action_text=r["action"], reason=r["reason"],
            effective_reason=eff,
            # a back-reference carries its target's substance, status change and target date included
            new_rag=language.status_change(eff), target_date=language.target_date(eff, year),
            page=page_numbers[r["page"]]))
