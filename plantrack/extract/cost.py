"""What reading a file will cost, guessed in a few milliseconds before it is read: so that a run can
start its slowest files first (see `pipeline/stages/pool.py`)."""
from __future__ import annotations

from pathlib import Path

from .scanned import garbled

# CPU seconds a page, as measured on this project's corpora (BENCHMARKS.md): a page read by OCR, a
# page of a born-digital PDF; a Word document or web page is read at about this a 100 kB.
OCR_PAGE_S = 5.0
TEXT_PAGE_S = 0.1
FLOW_100KB_S = 0.05


def reading_cost(path: Path) -> float:
    """Roughly how many CPU seconds `path` will take to read: its page count, and whether its first page
    will need OCR (no text, or text that is only glyph codes). Never raises: a file that cannot be
    opened costs nothing (it fails fast)."""
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
        if b"%PDF-" not in head:
            return path.stat().st_size / 100_000 * FLOW_100KB_S
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        try:
            pages = len(doc)
            page = doc[0]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
        finally:
            doc.close()
    except Exception:  # noqa: BLE001 - a guess only; the reader says what is wrong with the file
        return 0.0
    return pages * (OCR_PAGE_S if not text.strip() or garbled(text) else TEXT_PAGE_S)
