"""Opening a PDF safely, and saying in a clerk's words why one cannot be read.

pdfplumber raises a zoo of exceptions on broken files (its own PdfminerException, pdfminer's
PSException family, and bare TypeError/KeyError/RecursionError from deep inside the parser); they all
end here as an `Unreadable` carrying one actionable line.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psparser import PSException

# pdfminer logs every oddity of a damaged file as a warning; the run reports the file's fate itself.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

NOT_A_PDF = "not a PDF"
EMPTY = "empty file (0 bytes)"
ENCRYPTED = "encrypted: needs a password"
CORRUPT = "truncated or corrupt PDF"
NO_TEXT = "no text layer: scanned pages need OCR (pip install 'plantrack[ocr]')"

# What a broken file can make the parser raise; anything else is a bug of ours and should surface.
PARSER_ERRORS = (PSException, TypeError, KeyError, ValueError, AttributeError, IndexError,
                 RecursionError, AssertionError, OverflowError, ZeroDivisionError, EOFError, OSError,
                 UnicodeDecodeError)


class Unreadable(Exception):
    """A file that cannot be read; str() is the one line the clerk sees."""


def sniff(path: Path) -> None:
    """Reject what is plainly not a PDF before the parser sees it."""
    size = path.stat().st_size
    if size == 0:
        raise Unreadable(EMPTY)
    with path.open("rb") as f:
        head = f.read(1024)
    if b"%PDF-" not in head:
        lowered = head.lower()
        if b"<html" in lowered or b"<!doctype" in lowered:
            raise Unreadable(f"{NOT_A_PDF} (a web page saved as .pdf)")
        if head.startswith(b"book\x00\x00\x00\x00mark"):
            raise Unreadable(f"{NOT_A_PDF} (a macOS alias, not the file itself)")
        raise Unreadable(NOT_A_PDF)


def explain(exc: BaseException) -> str:
    """The clerk's line for an exception raised while parsing."""
    inner = exc
    while inner is not None:
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            return ENCRYPTED
        if "password" in str(inner).lower() or "encrypt" in type(inner).__name__.lower():
            return ENCRYPTED
        inner = inner.__cause__ or inner.__context__ or (inner.args[0] if inner.args and
                                                          isinstance(inner.args[0], BaseException) else None)
    return CORRUPT


@contextlib.contextmanager
def open_pdf(path: Path) -> Iterator[pdfplumber.PDF]:
    """pdfplumber.open with broken files turned into `Unreadable`."""
    sniff(path)
    try:
        pdf = pdfplumber.open(path)
        len(pdf.pages)  # forces the page tree: a truncated file fails here rather than later
    except Unreadable:
        raise
    except (pdfplumber.utils.exceptions.PdfminerException, *PARSER_ERRORS) as e:
        raise Unreadable(explain(e)) from e
    except Exception as e:  # pdfminer raises plain Exception subclasses of its own too
        raise Unreadable(explain(e)) from e
    try:
        yield pdf
    finally:
        with contextlib.suppress(Exception):
            pdf.close()


def page_edges(page) -> list[dict]:
    """The page's ruling edges, each with its orientation read from its shape. On a page stored
    rotated (/Rotate 90), pdfplumber labels some edges by the unrotated page, or not at all."""
    out = []
    for e in page.edges:
        # an "…_edge" type keeps pdfplumber's table finder from working the orientation out again
        kind = e["object_type"] if "_edge" in e["object_type"] else f"{e['object_type']}_edge"
        if abs(e["bottom"] - e["top"]) < 0.5 and e["x1"] - e["x0"] >= 0.5:
            y = (e["top"] + e["bottom"]) / 2
            out.append({**e, "orientation": "h", "object_type": kind, "top": y, "bottom": y, "height": 0})
        elif abs(e["x1"] - e["x0"]) < 0.5 and e["bottom"] - e["top"] >= 0.5:
            x = (e["x0"] + e["x1"]) / 2
            out.append({**e, "orientation": "v", "object_type": kind, "x0": x, "x1": x, "width": 0})
    return out


def find_tables(page) -> list:
    """pdfplumber's ruled tables; on a rotated page, from edges whose orientation is put right."""
    if not page.rotation % 360:
        return page.find_tables()
    edges = page_edges(page)
    return page.find_tables({
        "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
        "explicit_vertical_lines": [e for e in edges if e["orientation"] == "v"],
        "explicit_horizontal_lines": [e for e in edges if e["orientation"] == "h"]})
