"""One file → an `Extraction`: what kind of paper it is, its records, or why it cannot be read.

Two passes. A cheap first pass reads every page's text with pypdfium2 (about 1,000 pages/s) to find
which pages are a plan report and which are minutes; only those pages get the expensive pdfplumber
pass (tables, colours). Each pdfplumber page is closed as soon as it is read, because pdfplumber
otherwise keeps every parsed page in memory.
"""
from __future__ import annotations

import gc
import re
import traceback
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from ..models import Extraction, Kind
from ..models.keys import sha256_of  # noqa: F401 - a document's key, also read from here
from . import EXTRACTOR_VERSION
from .action_log import continues_log, looks_like_log
from .columns import could_name_header, header_like_roles, header_words_only, is_header
from .dates import find_date
from .minutes_pages import extract_minutes
from .minutes_head import lines_of_text, looks_like_minutes, minutes_evidence
from .minutes_words import opens_mid_paragraph
from .pdf import CORRUPT, Unreadable, open_pdf
from .pdf_layout import read_pages, read_report_page
from .report import ReportReader
from .report_layout import ReportPages
from .flow import extract_flow  # Word documents and web pages
from .sniff import UNSUPPORTED, Sniffed, sniff
from .scanned import GARBLED_LEAST, as_scanned, legible, no_text_line, ocr_copy, scans_to_read


@dataclass
class Paper:
    """A run of pages holding one paper: a plan report or a set of minutes."""

    kind: str
    first: int  # 1-based, inclusive
    last: int


# pdfium keeps what it has parsed of a document (fonts, page data) until the document is closed: the
# first pass reopens it every so many pages, so a 1,500-page pack never holds more than these at once
PDFIUM_PAGES_PER_OPEN = 100


def page_texts(path: Path, pdf) -> list[str]:
    """Every page's text, cheaply: pypdfium2 where it can, pdfplumber where it cannot."""
    try:
        import pypdfium2 as pdfium

        texts: list[str] = []
        total = None
        while total is None or len(texts) < total:
            doc = pdfium.PdfDocument(str(path))
            try:
                total = len(doc)
                for i in range(len(texts), min(total, len(texts) + PDFIUM_PAGES_PER_OPEN)):
                    page = doc[i]
                    textpage = page.get_textpage()
                    texts.append(textpage.get_text_range())
                    textpage.close()
                    page.close()
            finally:
                doc.close()
        return texts
    except Exception:  # pdfium refuses some files pdfminer reads: fall back, slower but sure
        texts = []
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
            page.close()
        return texts


def release_memory() -> None:
    """Hand the memory freed by a large file's parsed pages back to the system (glibc keeps freed memory
    in its heaps otherwise, and a worker's size would stay at its high-water mark)."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim():
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to do
        return None


def is_report_page(text: str, least: int = 4) -> bool:
    """Does the page print an action-table header? Header cells wrap ("Officer / responsible",
    "Completion / date") and a text layer may give each part its own line, so each line is tried
    together with the four after it, and with the lines of header words alone that follow those."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    roles = [header_like_roles(ln) for ln in lines]
    for i in range(len(lines)):
        if not roles[i]:
            continue
        j = min(i + 5, len(lines))
        while j < min(i + 12, len(lines)) and header_words_only(lines[j]):
            j += 1
        if is_header(set().union(*roles[i:j]), least):
            return True
    return False


COVER = re.compile(r"\b(as\s+at|as\s+of|progress\s+update|position\s+(as\s+)?at|status\s+key|rag\s+(rating\s+)?key|"
                   r"overall\s+(plan\s+)?score)\b", re.I)
MEETING_ENDED = re.compile(r"\b(meeting\s+(ended|closed|finished|concluded|terminated)|"
                           r"meeting\s+rose\s+at|close\s+of\s+(the\s+)?meeting)\b", re.I)
MAX_MINUTES_PAGES = 40
MAX_OPENING_PAGES = 6  # pages of title, scores and key before a report's first action table


def running_head(text: str) -> str:
    """A page's first line: reports repeat it on every page, so it ties continuation pages together."""
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")


# What another committee paper prints: an agenda, or a cover report that introduces the plan.
OTHER_PAPER = [re.compile(p, re.I | re.M) for p in (
    r"^\s*agenda\s*$", r"^\s*report\s+(?:to|of)\b", r"^\s*subject\s*:", r"\bpurpose\s+of\s+(?:the\s+|this\s+)?report\b",
    r"\bwards?\s+affected\b", r"\bkey\s+decision\b", r"^\s*venue\s*:", r"^\s*recommendations?\s*:?\s*$")]


PLAN = re.compile(r"\bplan\b", re.I)
PAGE_NUMBER = re.compile(r"\bpage\s+\d+(\s+of\s+\d+)?|\d+$", re.I)  # a running head may end in one


def another_plan(head: str, other: str) -> bool:
    """Two running heads that each name a plan, and not the same one: two reports, back to back."""
    return bool(PLAN.search(head) and PLAN.search(other)) and \
        PAGE_NUMBER.sub("", head).strip() != PAGE_NUMBER.sub("", other).strip()


# "• Appendix A – <plan>: progress report, position as at …": a covering report's list of its appendices
APPENDIX_LINE = re.compile(r"^\W{0,6}(?:\d+[.)]?\s+)?(?:appendix|annex|enclosure)\s+[A-Z0-9]{1,3}\b\s*[–—:.-]", re.I)


def is_cover_page(text: str) -> bool:
    """A report's opening page: the plan's name and its position date, scores or key; not an agenda
    or a cover report that only speaks of the plan (nor lists it among its appendices)."""
    if sum(bool(p.search(text)) for p in OTHER_PAPER) >= 2:
        return False
    own = "\n".join(ln for ln in text.splitlines() if not APPENDIX_LINE.match(ln.strip()))
    return bool(re.search(r"\bplan\b", own, re.I) and COVER.search(own))


def opening_date(text: str) -> str | None:
    """The first date in a page's opening lines (a running head or the minutes' title block)."""
    found = find_date(" ".join(text.split()[:60]))
    return found[0] if found else None


def find_papers(texts: list[str]) -> list[Paper]:
    """Split a file's pages into papers (plan reports and minutes) by their first-pass text.

    A single paper (the usual file) keeps the whole file's page range; a pack of many papers gets
    one Paper per report or set of minutes found, and its other pages (agenda, other reports) are
    never parsed further.
    """
    n = len(texts)
    minutes_starts: set[int] = set()
    in_minutes = False
    for i, t in enumerate(texts):
        if not looks_like_minutes(t, opening=i == 0) or opens_mid_paragraph(t):
            in_minutes = in_minutes and opens_mid_paragraph(t)
            continue
        # "Minutes – 2 April 2024 – Page 2" heads every page of one set of minutes: a page whose
        # opening names the same date as the page before continues those minutes
        date = opening_date(t)
        if not (in_minutes and date is not None and date == opening_date(texts[i - 1])):
            minutes_starts.add(i)
        in_minutes = True
    # an action log's table may name three columns only ("Action | Owner | Status"); a page whose text
    # names too few fields for even that is answered before its lines are read (could_name_header)
    action_pages = [i for i, t in enumerate(texts) if i not in minutes_starts and could_name_header(t, least=3)
                    and (is_report_page(t) or (looks_like_log(t) and is_report_page(t, least=3)))]
    papers: list[Paper] = []
    used: set[int] = set()
    i = 0
    while i < len(action_pages):
        first = last = action_pages[i]
        head = running_head(texts[first])
        while i + 1 < len(action_pages) and action_pages[i + 1] - last <= 2 and not (
                minutes_starts & set(range(last + 1, action_pages[i + 1] + 1))) and not (
                another_plan(head, running_head(texts[action_pages[i + 1]]))):
            i += 1
            last = action_pages[i]
        # an action log (its title, or a column of status words) is a plan report without a plan's name
        log = looks_like_log(texts[first])
        # a page or two after the last header may only continue its table: they share the report's
        # running head (which names the plan, unlike a pack's own "Public reports pack" head)
        names_plan = bool(re.search(r"\bplan\b", head, re.I))
        for _ in range(2):
            if last + 1 < n and last + 1 not in minutes_starts and not is_cover_page(texts[last + 1]) and (
                    (names_plan and running_head(texts[last + 1]) == head)
                    # a log's table (or its completed actions) running on without a header
                    or (log and (continues_log(texts[last + 1])))):
                last += 1
        # the opening pages with the plan's name, date, scores and key come just before: cover pages,
        # or pages under the report's own running head (a long scores table runs over several)
        for _ in range(MAX_OPENING_PAGES):
            before = first - 1
            if before < 0 or before in minutes_starts | used:
                break
            if not (is_cover_page(texts[before]) or (names_plan and running_head(texts[before]) == head)):
                break
            first = before
        if log or any(re.search(r"\bplan\b", texts[k], re.I) for k in range(first, last + 1)):
            papers.append(Paper(Kind.PLAN_REPORT.value, first + 1, last + 1))
            used.update(range(first, last + 1))
        i += 1
    starts = sorted(minutes_starts | {p.first - 1 for p in papers})
    for start in sorted(minutes_starts):
        if start in used:
            continue
        later = [s for s in starts if s > start]
        end = min(later[0] - 1 if later else n - 1, start + MAX_MINUTES_PAGES - 1)
        for k in range(start, end + 1):
            if MEETING_ENDED.search(texts[k]):
                end = k
                break
        papers.append(Paper(Kind.MINUTES.value, start + 1, end + 1))
        used.update(range(start, end + 1))
    papers.sort(key=lambda p: p.first)
    if len(papers) == 1 and papers[0].first == 1:
        papers[0].last = n  # one paper is the whole file: trailing pages (a signature, an annex) are its own
    return papers


# Words by which a readable page points to a paper of ours elsewhere in the file: an agenda's "Minutes of
# the last meeting", a covering letter's "the minutes are attached", a plan named (Welsh too).
POINTS_TO_PAPERS = re.compile(r"\b(?:minutes?|cofnodion|plan|cynllun|action\s+log)\b", re.I)


def ocr_pays(texts: list[str], scans: list[int]) -> bool:
    """Whether the file's unreadable pages (`scans`, 0-based) are worth reading by OCR, a few seconds each.

    A person opening the file reads its first page first: when that page is readable and shows another
    kind of paper (a consultation, a letter, a newsletter), and nothing readable in the file opens
    minutes, prints an action table or names minutes or a plan, the unreadable pages cannot hold a
    paper of ours that the file would announce. Only then are they left unread; a scanned first page,
    or any readable sign of minutes or a plan, and every unreadable page is read."""
    if 0 in scans or sum(map(len, texts[0].split())) < GARBLED_LEAST:
        return True
    readable = ["" if i in scans else t for i, t in enumerate(texts)]
    if find_papers(readable):
        return True
    # minutes whose body does not read may still show a strong mark on their first page (a minutes title,
    # a body and its meeting date, "Present"); a name over a date alone is any paper's heading
    if any(weight >= 2 for _, weight in minutes_evidence(lines_of_text(texts[0])).marks):
        return True
    # a garbled page may still print its headings in a font that reads: they count as signs too
    return any(POINTS_TO_PAPERS.search(t) or is_cover_page(t) for t in map(legible, texts))


def page_list(pages: list[int]) -> str:
    """0-based page numbers as the clerk reads them: "pages 2-5, 9"."""
    runs: list[list[int]] = []
    for n in sorted(pages):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    spans = [f"{a + 1}" if a == b else f"{a + 1}-{b + 1}" for a, b in runs]
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(spans)


def extract_paper(pdf, paper: Paper):
    """The full pdfplumber pass over one paper's pages: each page is laid out and closed in turn,
    and the recogniser sees only the layout."""
    pages = range(paper.first, paper.last + 1)
    if paper.kind == Kind.PLAN_REPORT.value:
        reader, blocks = ReportReader(paper.first), ReportPages()
        for n in pages:
            page = pdf.pages[n - 1]
            try:
                laid_out = read_report_page(page, n - 1)
            finally:
                page.close()
            reader.feed(blocks.blocks(laid_out), n)
        return reader.finish()
    return extract_minutes(read_pages(pdf.pages[n - 1] for n in pages), first_page_number=paper.first)


@dataclass(frozen=True)
class Source:
    """A file as a format's reader gets it: where it is, and for the scan path the image-only pages
    (0-based) that OCR reads."""

    path: Path
    scans: tuple[int, ...] = ()


class Reader(Protocol):
    """A format's reader: fills `ex` (its sha256 and format set) from the file and returns it; raises
    Unreadable with the clerk's one line when the file cannot be read."""

    def __call__(self, source: Source, ex: Extraction, /) -> Extraction: ...


def read_pdf(source: Source, ex: Extraction) -> Extraction:
    """A PDF: the cheap first pass finds its papers (or its scanned pages, handed to the scan path),
    then the full pass reads each paper's pages."""
    path = source.path
    with open_pdf(path) as pdf:
        ex.pages = len(pdf.pages)
        texts = page_texts(path, pdf)
        big = len(texts) > PDFIUM_PAGES_PER_OPEN  # a pack: give back each stage's memory before the next
        if big:
            release_memory()
        scans = scans_to_read(path, texts)  # image-only pages, when the OCR extra is installed
        if scans and ocr_pays(texts, scans):
            return READERS["scan"](Source(path, tuple(scans)), ex)
        if not any(t.strip() for t in texts):
            raise Unreadable(no_text_line())
        papers = find_papers(texts)
        # why the file is (or is not) minutes, for `plantrack inspect`: its first page and each set's
        ex.evidence = [f"page {n}: {minutes_evidence(lines_of_text(texts[n - 1])).why()}"
                       for n in sorted({1} | {p.first for p in papers if p.kind == Kind.MINUTES.value})]
        if scans:
            ex.evidence.append(f"{page_list(scans)} without readable text, not read by OCR: "
                               "page 1 shows another kind of paper, and no readable page opens minutes, prints "
                               "an action table or names minutes or a plan")
        for paper in papers:
            record = extract_paper(pdf, paper)
            if big:
                release_memory()
            if record is None:
                continue
            (ex.reports if paper.kind == Kind.PLAN_REPORT.value else ex.meetings).append(record)
    ex.kind = kind_of(ex)
    return ex


def read_scanned(source: Source, ex: Extraction) -> Extraction:
    """A PDF with scanned pages: OCR rebuilds them as a copy with a text layer (scanned.py), which is
    read here as any PDF is."""
    with ocr_copy(source.path, list(source.scans)) as copy:
        inner = extract_document(copy)
    return as_scanned(ex, inner)


def read_word_or_web_page(source: Source, ex: Extraction) -> Extraction:
    extract_flow(source.path, ex)
    return ex


# Format (as sniff.py names it from the content) -> its reader; "scan" is the PDF reader's hand-over
# for image-only pages. A new format is one entry here and its signature in sniff.py.
READERS: dict[str, Reader] = {
    "pdf": read_pdf,
    "scan": read_scanned,
    "docx": read_word_or_web_page,
    "html": read_word_or_web_page,
}


def extract_document(path: Path) -> Extraction:
    """Read one file. Never raises for a bad file: the Extraction says `failed` and why."""
    path = Path(path)
    ex = Extraction(sha256=sha256_of(path), filename=path.name, kind=None, status="ok",
                    extractor_version=EXTRACTOR_VERSION)
    try:
        # the format comes from the content, never the name
        sniffed = sniff(path) if path.stat().st_size else Sniffed(None)
        ex.format = sniffed.format
        if sniffed.error:
            raise Unreadable(sniffed.error)
        if ex.format is None and path.stat().st_size:
            raise Unreadable(UNSUPPORTED)
        # an empty file goes to the PDF reader, whose line for it ("empty file (0 bytes)") the clerk knows
        return READERS[ex.format or "pdf"](Source(path), ex)
    except Unreadable as e:
        ex.status, ex.error, ex.kind = "failed", str(e), None
        return ex
    except Exception as e:  # noqa: BLE001 - one bad file must never stop the run
        ex.status, ex.error, ex.kind = "failed", failure_line(e), None
        ex.reports, ex.meetings = [], []
        return ex


def failure_line(exc: BaseException) -> str:
    """The clerk's line for an error met mid-way. The PDF libraries failing on a page means a
    damaged file; anything failing in plantrack's own code is our bug, and says so."""
    if isinstance(exc, MemoryError):  # the worker's memory ceiling (ingest.memory_mb), not a bug
        return "ran out of memory while reading: the file may be damaged or far too large"
    frames = traceback.extract_tb(exc.__traceback__)
    where = frames[-1].filename if frames else ""
    if any(lib in where for lib in ("pdfminer", "pdfplumber", "pypdfium2")):
        return f"{CORRUPT} ({type(exc).__name__} on reading a page)"
    place = f"{Path(where).stem}:{frames[-1].lineno}" if frames else "?"
    return f"plantrack could not read this layout ({type(exc).__name__} at {place}): please report it with the file"


def kind_of(ex: Extraction) -> str:
    papers = len(ex.reports) + len(ex.meetings)
    if papers == 0:
        return Kind.OTHER.value
    if papers > 1 or any(p.first_page != 1 or p.last_page != ex.pages for p in (*ex.reports, *ex.meetings)):
        return Kind.PACK.value
    return Kind.PLAN_REPORT.value if ex.reports else Kind.MINUTES.value
