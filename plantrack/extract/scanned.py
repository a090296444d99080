"""A PDF with scanned (image-only) pages, read with their text rebuilt by OCR (see `ocr.py`)."""
from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..models import Extraction
from . import ocr
from .pdf import NO_TEXT

NOTHING_READ = "scanned pages: OCR found no text on them (a blank or very faint scan?)"
# with OCR installed, a file with no text that still gets here has no scanned picture either
DRAWINGS_ONLY = "no text layer and no scanned image on any page: only drawings (a logo, lines or shapes), nothing to read"


def no_text_line() -> str:
    """Why a PDF with no text on any page cannot be read: without the OCR extra, that scans need it;
    with it (every scanned page would have been read), that there is no picture to read either."""
    return DRAWINGS_ONLY if ocr.installed() else NO_TEXT


# A text layer is garbage when a good share of its printed characters are control characters: a font
# embedded without its table of characters (no ToUnicode), so each glyph comes out as its bare code
# ("\x19\x1f\"#\x1c…"). Real text has none; a page like that reads right only from its picture.
GARBLED_SHARE = 0.15
GARBLED_LEAST = 40  # characters: a page with a few stray codes (a symbol font's bullet) is not garbage


# The control characters that are not white space (str.isspace: tab, line breaks and \x1c–\x1f, \x85
# are), as one character class: counting them is one pass in C, not a Python step per character.
_CODES = re.compile("[" + "".join(re.escape(chr(i)) for i in (*range(32), *range(0x7f, 0xa0))
                                  if not chr(i).isspace()) + "]")


def garbled(text: str) -> bool:
    """Is this page's text layer unreadable (mostly glyph codes, not characters)?"""
    printed = sum(map(len, text.split()))  # the characters that are not white space
    if printed < GARBLED_LEAST:
        return False
    return len(_CODES.findall(text)) >= GARBLED_SHARE * printed


def legible(text: str) -> str:
    """A page's text with its glyph codes blanked: what of a garbled page still reads (its headings,
    set in a font that kept its characters)."""
    return _CODES.sub(" ", text)


def scans_to_read(path: Path, texts: list[str]) -> list[int]:
    """The pages OCR should read (0-based): the image-only ones, and those whose text layer is garbage;
    none when the OCR extra is not installed."""
    if all(t.strip() and not garbled(t) for t in texts) or not ocr.installed():
        return []
    unreadable = {i for i, t in enumerate(texts) if garbled(t)}
    return sorted(unreadable.union(ocr.scanned_pages(path, texts)))


def timeout_line(path: Path, timeout: float) -> str | None:
    """What to tell the clerk when a file with scanned pages ran out of time: OCR is slow, not the
    file broken. None when the file has no pages for OCR (or cannot be opened to tell)."""
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        try:
            texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        finally:
            doc.close()
        scans = scans_to_read(path, texts)
    except Exception:  # noqa: BLE001 - a damaged file keeps the general line
        return None
    if not scans:
        return None
    return (f"took longer than {timeout:g} s to read: {len(scans)} scanned page(s) are read by OCR, a few seconds "
            f"each; raise ingest.timeout (--timeout) for this file")


@contextmanager
def ocr_copy(path: Path, scans: list[int]) -> Iterator[Path]:
    """A copy of the file whose scanned pages carry the text OCR read, living only inside the block: it
    is handed back to the PDF reader (document.py), which reads it as it reads any PDF."""
    with tempfile.TemporaryDirectory(prefix="plantrack-ocr-") as tmp:
        target = Path(tmp) / path.name
        ocr.with_text_layer(path, scans, target, ocr.stderr_progress(path.name))
        yield target


def as_scanned(ex: Extraction, inner: Extraction) -> Extraction:
    """`ex` filled in from `inner`, the reading of its OCR copy. Page numbers are the file's own."""
    ex.status, ex.kind, ex.pages = inner.status, inner.kind, inner.pages
    ex.error = NOTHING_READ if inner.error and inner.error.startswith(NO_TEXT) else inner.error
    ex.reports, ex.meetings = inner.reports, inner.meetings
    ex.evidence = inner.evidence  # why the copy is (or is not) minutes, for `plantrack inspect`
    ex.ocr = inner.status == "ok"
    return ex
