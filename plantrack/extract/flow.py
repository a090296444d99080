"""Word documents and web pages → an `Extraction`, by way of the format-neutral `Document`.

`document.extract_document` decides the format from the file's content (`sniff.py`) and sends a
.docx or an HTML page here: its reader gives the flow of paragraphs and tables, and the flow
recognisers every format goes through give a `Report` (`report.py`) or a `Meeting` (`minutes.py`).
Such a paper has no pages: `pages` is None.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..models import Extraction, Kind
from ..models.document import Document
from . import minutes  # the one minutes recogniser, for every format
from .minutes_head import minutes_evidence
from .pdf import Unreadable
from .report import holds_actions, read_report

# What a web server says instead of the paper: a failed or expired download saved as the paper.
_ERROR_PAGE = re.compile(r"^(?:(?:error\s+)?40[134]\b|page\s+not\s+found|not\s+found|access\s+denied|"
                         r"forbidden|(?:internal\s+)?server\s+error|sign\s+in|log\s*in\b)", re.I)


def read_flow(path: Path, fmt: str) -> Document:
    if fmt == "docx":
        from .docx_reader import read_docx

        try:
            return read_docx(path)
        except Exception as e:  # noqa: BLE001 - python-docx raises many kinds on a damaged file
            raise Unreadable(f"truncated or corrupt Word document ({type(e).__name__})") from e
    from .html_reader import read_html

    try:
        return read_html(path)
    except (ValueError, LookupError, MemoryError) as e:  # lxml's parser errors are ValueErrors
        raise Unreadable(f"damaged web page: it cannot be parsed ({type(e).__name__})") from e


def extract_flow(path: Path, ex: Extraction) -> None:
    """Fill `ex` (format already set) from a Word document or web page; raise Unreadable if it is none."""
    doc = read_flow(path, ex.format)
    paras = doc.paras()
    if not paras and not doc.tables():
        raise Unreadable("no text: the document is empty" if ex.format == "docx" else "no text: the web page is empty")
    if ex.format == "html" and paras and not doc.tables() and len(paras) < 8:
        said = next((p.text for p in paras[:3] if _ERROR_PAGE.match(p.text)), None)
        if said:
            raise Unreadable(f"not a paper: a web page saying '{said[:60]}' (a failed download: fetch it again)")
    ex.evidence = [minutes_evidence(minutes.head_lines(doc.blocks)).why()]  # for `plantrack inspect`
    if holds_actions(doc):
        report = read_report(doc)
        if report is not None:
            ex.reports.append(report)
    if not ex.reports and minutes.is_minutes(doc):
        ex.meetings.append(minutes.read_minutes(doc))
    ex.kind = (Kind.PLAN_REPORT.value if ex.reports else Kind.MINUTES.value if ex.meetings
               else Kind.OTHER.value)
