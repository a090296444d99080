"""One file → an `Extraction`: what kind of paper it is, its records, or why it cannot be read.

Two passes. A cheap first pass reads every page's text with pypdfium2 (about 1,000 pages/s) to find
which pages are a plan report and which are minutes; only those pages get the expensive pdfplumber
pass (tables, colours). Each pdfplumber page is closed as soon as it is read, because pdfplumber
otherwise keeps every parsed page in memory.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..models import Extraction, Kind
from . import EXTRACTOR_VERSION
from .columns import line_has_header
from .minutes import extract_minutes, looks_like_minutes
from .pdf import CORRUPT, NO_TEXT, PARSER_ERRORS, Unreadable, open_pdf
from .report import ReportReader


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Paper:
    """A run of pages holding one paper: a plan report or a set of minutes."""

    kind: str
    first: int  # 1-based, inclusive
    last: int


def page_texts(path: Path, pdf) -> list[str]:
    """Every page's text, cheaply: pypdfium2 where it can, pdfplumber where it cannot."""
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        try:
            texts = []
            for i in range(len(doc)):
                page = doc[i]
                textpage = page.get_textpage()
                texts.append(textpage.get_text_range())
                textpage.close()
                page.close()
            return texts
        finally:
            doc.close()
    except Exception:  # pdfium refuses some files pdfminer reads: fall back, slower but sure
        texts = []
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
            page.close()
        return texts


def is_report_page(text: str) -> bool:
    """Does the page print an action-table header? Header cells wrap ("Completion / date"), so
    each line is tried together with the two after it."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return any(line_has_header(" ".join(lines[i:i + 3])) for i in range(len(lines)))


def find_papers(texts: list[str]) -> list[Paper]:
    """Split a file's pages into papers by their first-pass text."""
    if not texts:
        return []
    if looks_like_minutes(texts[0]):
        return [Paper(Kind.MINUTES.value, 1, len(texts))]
    report_pages = [i for i, t in enumerate(texts, 1) if is_report_page(t)]
    if report_pages and any(re.search(r"\bplan\b", t, re.I) for t in texts[: report_pages[0]]):
        return [Paper(Kind.PLAN_REPORT.value, 1, len(texts))]
    return []


def extract_paper(pdf, paper: Paper):
    """The full pdfplumber pass over one paper's pages."""
    pages = range(paper.first, paper.last + 1)
    if paper.kind == Kind.PLAN_REPORT.value:
        reader = ReportReader(paper.first)
        for n in pages:
            page = pdf.pages[n - 1]
            reader.feed(page, n)
            page.close()
        return reader.finish()
    chosen = [pdf.pages[n - 1] for n in pages]
    try:
        return extract_minutes(chosen, first_page_number=paper.first)
    finally:
        for page in chosen:
            page.close()


def extract_document(path: Path) -> Extraction:
    """Read one file. Never raises for a bad file: the Extraction says `failed` and why."""
    path = Path(path)
    ex = Extraction(sha256=sha256_of(path), filename=path.name, kind=None, status="ok",
                    extractor_version=EXTRACTOR_VERSION)
    try:
        with open_pdf(path) as pdf:
            ex.pages = len(pdf.pages)
            texts = page_texts(path, pdf)
            if not any(t.strip() for t in texts):
                raise Unreadable(NO_TEXT)
            for paper in find_papers(texts):
                record = extract_paper(pdf, paper)
                if record is None:
                    continue
                (ex.reports if paper.kind == Kind.PLAN_REPORT.value else ex.meetings).append(record)
    except Unreadable as e:
        ex.status, ex.error, ex.kind = "failed", str(e), None
        return ex
    except (*PARSER_ERRORS, Exception) as e:  # a page the parser chokes on mid-way: the file is damaged
        ex.status, ex.error, ex.kind = "failed", f"{CORRUPT} ({type(e).__name__} on reading a page)", None
        ex.reports, ex.meetings = [], []
        return ex
    ex.kind = kind_of(ex)
    return ex


def kind_of(ex: Extraction) -> str:
    papers = len(ex.reports) + len(ex.meetings)
    if papers == 0:
        return Kind.OTHER.value
    if papers > 1 or any(p.first_page != 1 or p.last_page != ex.pages for p in (*ex.reports, *ex.meetings)):
        return Kind.PACK.value
    return Kind.PLAN_REPORT.value if ex.reports else Kind.MINUTES.value
