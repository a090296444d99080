"""Files an ingester must reject, each for its own reason, and scanned pages for the OCR reader.
"""
from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas

from .fonts import find_font
from .reports import ExpectedReport, ReportSpec, build_report
from .samples import sdp_spec

def make_text_page(path, lines: Sequence[str | tuple[str, str, float]], gap: float = 16) -> None:
    """One page of plain lines from the top, each a string (Helvetica 10 pt) or (text, font, size):
    a committee paper's front page, or a title block."""
    c = rl_canvas.Canvas(str(path), invariant=1)
    y = 790
    for line in lines:
        text, font, size = (line, "Helvetica", 10) if isinstance(line, str) else line
        c.setFont(font, size)
        c.drawString(72, y, text)
        y -= gap
    c.showPage()
    c.save()


def make_not_pdf(path) -> None:
    """An HTML error page saved under a .pdf name, as a failed download leaves it."""
    Path(path).write_text(
        "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n<body>\n"
        "<h1>Page not found</h1>\n<p>The document you requested has been moved or is no longer "
        "available on the committee papers website.</p>\n</body></html>\n", encoding="utf-8")


def make_empty(path) -> None:
    Path(path).write_bytes(b"")


def make_truncated(path, source_pdf, fraction: float = 0.6) -> None:
    """The first part of a real PDF's bytes: an interrupted download."""
    data = Path(source_pdf).read_bytes()
    Path(path).write_bytes(data[: int(len(data) * fraction)])


def make_encrypted(path, spec: ReportSpec | None = None, user_password: str = "committee") -> ExpectedReport:
    """A report that opens only with a password; returns what it would hold once opened."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    encryption = StandardEncryption(user_password, ownerPassword=user_password + "-owner",
                                    canPrint=1, canModify=0, canCopy=0, canAnnotate=0)
    return build_report(path, spec or sdp_spec(), encrypt=encryption)


def make_image_only(path, pages: int = 2, seed: int = 7) -> None:
    """A scan: every page is one greyscale picture of a printed page, with no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    c = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        image = _scanned_page(number, random.Random(seed + number), Image, ImageDraw, ImageFont)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=60)
        c.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, *A4)
        c.showPage()
    c.save()


def _scanned_page(number: int, rnd: random.Random, Image, ImageDraw, ImageFont):
    width, height = 827, 1169  # A4 at 100 dpi
    page = Image.new("L", (width, height), 244)
    draw = ImageDraw.Draw(page)
    path = find_font("DejaVuSans.ttf")

    def font(size):
        return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)

    y = 90
    if number == 1:
        for text, size in (("City of Kingsgate", 18), ("Service Development Plan 2019-20", 28),
                           ("Progress update as at 31 October 2019", 18)):
            draw.text((70, y), text, fill=25, font=font(size))
            y += size + 18
    for row in range(14):  # a ruled table with words in its cells
        top = y + row * 56
        if top > height - 120:
            break
        draw.rectangle((70, top, width - 70, top + 56), outline=40, width=1)
        for x in (130, 420, 520, width - 150):
            draw.line((x, top, x, top + 56), fill=40)
        words = " ".join(rnd.choice(_SCAN_WORDS) for _ in range(4))
        draw.text((80, top + 8), f"{number}.{row + 1}", fill=30, font=font(13))
        draw.text((140, top + 8), words, fill=30, font=font(13))
    for _ in range(2500):  # scanner dust
        draw.point((rnd.randrange(width), rnd.randrange(height)), fill=rnd.randrange(90, 200))
    return page.rotate(0.4 + rnd.random() * 0.4, fillcolor=244)


_SCAN_WORDS = "audit plan review children care leavers social workers timescale progress".split()


def make_scan(source, path, *, dpi: int = 150, angle: float = 0.6, noise: float = 0.002, seed: int = 11,
              quality: int = 80) -> None:
    """A scan of a generated paper: each page of `source` rasterised (pypdfium2), turned `angle`
    degrees as if fed askew (alternating in sign page by page), specked with scanner dust, saved as
    JPEG pictures in an image-only PDF (Pillow). Colours are kept: a shaded status cell stays shaded."""
    import pypdfium2 as pdfium
    from PIL import Image

    rnd = random.Random(seed)
    doc = pdfium.PdfDocument(str(source))
    pages = []
    try:
        for i in range(len(doc)):
            image = doc[i].render(scale=dpi / 72).to_pil().convert("RGB")
            image = image.rotate(angle if i % 2 == 0 else -angle, resample=Image.BICUBIC, fillcolor="white")
            pixels = image.load()
            for _ in range(int(image.width * image.height * noise)):
                shade = rnd.randrange(60, 200)
                pixels[rnd.randrange(image.width), rnd.randrange(image.height)] = (shade, shade, shade)
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=quality)
            pages.append(Image.open(io.BytesIO(buffer.getvalue())))
    finally:
        doc.close()
    pages[0].save(str(path), "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:])




def make_garbled(source, path, *, dpi: int = 150, seed: int = 13) -> None:
    """A paper whose text layer is garbage: each page of `source` as its picture, under an invisible
    text layer that reads as glyph codes ("\\x19\\x1f#\\x1c…"), as a PDF gives when its font was embedded
    without the table that maps glyphs to characters. Only the picture can be read."""
    import pypdfium2 as pdfium

    rnd = random.Random(seed)
    codes = bytes([1, 2, 3, 5, 6, 7, 8, 0x0e, 0x0f, 0x10, 0x11, 0x14, 0x15, 0x19, 0x1a, 0x1c, 0x1f]) + b"#%'+"
    doc = pdfium.PdfDocument(str(source))
    lines: list[bytes] = []
    try:
        first = doc[0]
        width, height = first.get_size()
        c = rl_canvas.Canvas(str(path), pagesize=(width, height), pageCompression=0)
        for i in range(len(doc)):
            image = doc[i].render(scale=dpi / 72).to_pil().convert("RGB")
            c.drawImage(ImageReader(image), 0, 0, width, height)
            text = c.beginText(40, height - 60)
            text.setTextRenderMode(3)  # invisible, as an OCR'd or garbled layer is
            text.setFont("Helvetica", 9)
            for _ in range(30):
                line = bytes(rnd.choice(codes) for _ in range(40))
                lines.append(line)
                text.textLine("Q" * (2 * len(line)) + f"{len(lines):04d}")
            c.drawText(text)
            c.showPage()
        c.save()
    finally:
        doc.close()
    data = Path(path).read_bytes()
    # each placeholder string becomes a hex string of glyph codes of exactly its length, so the file's
    # cross-reference offsets stay right
    for k, line in enumerate(lines, 1):
        data = data.replace(b"(" + b"Q" * (2 * len(line)) + f"{k:04d}".encode() + b")",
                            b"<" + line.hex().upper().encode() + b"3030" + b">", 1)
    Path(path).write_bytes(data)
