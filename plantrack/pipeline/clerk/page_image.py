"""One page of a stored PDF as a PNG, rendered on request (pypdfium2, which plantrack already reads
PDFs with), so a clerk can look at the paper beside the value read from it."""
from __future__ import annotations

import io
from pathlib import Path

SCALE = 1.5          # 108 dpi: a table's cell colours and small print readable on a screen
MAX_PIXELS = 40e6    # a poster-sized page is not rendered at that scale


class NoImage(LookupError):
    """No page image for that document and page; str() is the one line to show."""


def render_png(path: Path, page: int) -> bytes:
    """Page `page` (1-based) of the PDF at `path` as PNG bytes."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except (OSError, pdfium.PdfiumError) as e:
        raise NoImage(f"cannot open {Path(path).name} as a PDF: {e}") from None
    try:
        if not 1 <= page <= len(pdf):
            raise NoImage(f"{Path(path).name} has no page {page} (pages 1–{len(pdf)})")
        p = pdf[page - 1]
        width, height = p.get_size()
        scale = min(SCALE, (MAX_PIXELS / max(1.0, width * height)) ** 0.5)
        image = p.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=False)
        return out.getvalue()
    finally:
        pdf.close()
