"""Scanned pages read by OCR (the optional extra: `pip install 'plantrack[ocr]'`).

Engine: RapidOCR 3 on onnxruntime (PP-OCR models shipped inside the wheel, so nothing is downloaded
at run time; OpenCV headless, so no system libGL), set up for English print in `ocr_engine.py`. Only
image-only pages go through it.

How the readers see the result: each scanned page is rebuilt as a born-digital PDF page — the words
OCR found, each at its place and size in Helvetica; the ruling lines found in the image as lines; the
solid colour fills found in the image (shaded status cells, a coloured ●) as filled rectangles — and
the file is read again with those pages in place of the scans. The PDF readers (`pdf_layout.py` for
the minutes recognisers, `report.py` with pdfplumber's table finder) then work on a scan exactly as on
any other PDF, with no
second code path to keep in step and nothing of pdfplumber's page object to imitate (an adapter
object would have to mimic its chars, edges, rects and table finder); the rebuilt page can be opened
and looked at when a scan reads badly.

Before OCR a page is turned upright if it was scanned slightly askew (up to 5°), by the angle at which
its rows of ink line up best.
"""
from __future__ import annotations

import importlib.util
import io
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from plantrack.extract import ocr_engine

DPI = 200                 # render scale for OCR: small print stays legible, a page stays a few MP
MAX_SKEW = 5.0            # degrees of askew scanning corrected
INSTALL_HINT = "pip install 'plantrack[ocr]'"


def installed() -> bool:
    """The extra's packages are importable (checked without importing them: they are heavy)."""
    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr", "onnxruntime", "cv2"))


def scanned_pages(path: Path, texts: list[str]) -> list[int]:
    """0-based numbers of the pages with no text that show a picture: the scans. A blank page (no
    text, no image) is left alone."""
    empty = [i for i, t in enumerate(texts) if not t.strip()]
    if not empty:
        return []
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(path))
    try:
        out = []
        for i in empty:
            page = doc[i]
            if any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3)):
                out.append(i)
            page.close()
        return out
    finally:
        doc.close()


# ---- the page picture --------------------------------------------------------------------------
@dataclass
class Word:
    text: str
    x0: float  # pixels of the deskewed picture
    top: float
    x1: float
    bottom: float
    stroke: float = 0.0  # how thick its line's strokes are, in pixels (bold is thicker)
    bold: bool = False


@dataclass
class Rebuilt:
    """What one scanned page shows, in PDF points (origin top left)."""
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)   # x0, top, x1, bottom
    fills: list[tuple[float, float, float, float, tuple[float, float, float]]] = field(default_factory=list)


def skew_angle(gray, limit: float = MAX_SKEW) -> float:
    """The angle (degrees, counter-clockwise) that makes the rows of ink horizontal: the rotation
    whose row profile is sharpest, searched coarse then fine on a reduced picture."""
    import cv2
    import numpy as np

    scale = 800 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ink = (small < 160).astype(np.float32)
    h, w = ink.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rows = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-limit, limit + 0.01, 0.5), key=sharpness)
    return float(max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness))


def deskew(rgb):
    """The picture turned upright (white where the turn uncovers the corners)."""
    import cv2

    angle = skew_angle(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    if abs(angle) < 0.05:
        return rgb
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


@dataclass
class Picture:
    """One page's picture with the planes every reader of it needs, worked out once: grey level, and
    each pixel's lowest and highest channel (a colour's saturation is their spread). OpenCV's per-channel
    min/max, not numpy's reduce over the colour axis, which took a quarter of a page's time."""
    rgb: object
    lum: object
    lo: object
    hi: object

    @classmethod
    def of(cls, rgb) -> Picture:
        import cv2

        r, g, b = cv2.split(rgb)
        return cls(rgb, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.min(cv2.min(r, g), b), cv2.max(cv2.max(r, g), b))

    @property
    def spread(self):
        import cv2

        return cv2.subtract(self.hi, self.lo)


def ink_of(pic: Picture, level: int = 170):
    """Dark, colourless pixels: print and rules. A saturated fill (a red or green status cell) is dark
    by its lowest channel but is not ink."""
    return (pic.lum < level) & (pic.spread < 60)


def rule_ink(pic: Picture):
    """Ink as rules are found in it: pale enough to keep a hairline rule (it scans grey), without the
    solid mid-grey of a shaded cell, which would otherwise swallow the rules around it."""
    import cv2
    import numpy as np

    lum, spread = pic.lum, pic.spread
    grey = ((lum >= 110) & (lum < 225) & (spread < 60)).astype(np.uint8)
    shaded = cv2.morphologyEx(grey, cv2.MORPH_OPEN, np.ones((9, 9), np.uint8)).astype(bool)
    return (lum < 200) & (spread < 60) & ~shaded


def components(mask, connectivity: int):
    """`cv2.connectedComponentsWithStats` of a mask that is mostly empty (a page's rules, its fills),
    worked out only over the box that holds its set pixels: labelling the whole page cost a third of
    our own work on a page. The same components in the same order (checked page by page on the
    scans): (count, stats in the page's coordinates, labels of the box, the box's top-left corner on
    the page)."""
    import cv2
    import numpy as np

    x, y, w, h = cv2.boundingRect(mask)
    if not w or not h:
        return 1, np.zeros((1, 5), np.int32), np.zeros((0, 0), np.int32), (0, 0)
    # the box starts on an even row and column: OpenCV labels in blocks of 2 × 2 pixels, and a box
    # off that grid numbers two components met in one block row in another order
    w, h = w + x % 2, h + y % 2
    x, y = x - x % 2, y - y % 2
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask[y:y + h, x:x + w], connectivity=connectivity)
    stats[1:, 0] += x
    stats[1:, 1] += y
    return n, stats, labels, (x, y)


def ruling_lines(ink) -> list[tuple[int, int, int, int]]:
    """Table rules: long thin runs of ink, horizontal or vertical (letters are too short to pass)."""
    import cv2
    import numpy as np

    ink = ink.astype(np.uint8)
    h, w = ink.shape
    out = []
    for kernel, horizontal in (((max(40, w // 30), 1), True), ((1, max(40, h // 60)), False)):
        # a rule a scan left a pixel out of true is thickened across first (never along: that would
        # join the letters of a line of text into a "rule")
        across = np.ones((3, 1) if horizontal else (1, 3), np.uint8)
        opened = cv2.morphologyEx(cv2.dilate(ink, across), cv2.MORPH_OPEN, np.ones(kernel[::-1], np.uint8))
        n, stats, _, _ = components(opened, connectivity=8)
        for x, y, bw, bh, _ in stats[1:n]:
            if horizontal and bh <= 8 and bw >= kernel[0]:
                out.append((x, y + bh // 2, x + bw, y + bh // 2))
            elif not horizontal and bw <= 8 and bh >= kernel[1]:
                out.append((x + bw // 2, y, x + bw // 2, y + bh))
    return out


def colour_fills(pic: Picture, rules=(), min_side: int = 12) -> list[tuple[int, int, int, int, tuple[float, float, float]]]:
    """Solid areas of colour or mid grey (a shaded status cell, a coloured ●): neither paper nor ink.
    Text strokes are thinner than the opening, so they do not count; the table's rules are cut out
    first, and an area whose colour changes from one row of cells to the next is cut there."""
    import cv2
    import numpy as np

    rgb, lo, hi, lum = pic.rgb, pic.lo, pic.hi, pic.lum
    paint = (lo < 205) & (hi > 70) & ~((pic.spread < 40) & (lum < 120))
    paint = paint.astype(np.uint8)
    for x0, y0, x1, y1 in rules:
        cv2.rectangle(paint, (int(x0) - 2, int(y0) - 2), (int(x1) + 2, int(y1) + 2), 0, thickness=-1)
    paint = cv2.morphologyEx(paint, cv2.MORPH_OPEN, np.ones((9, 9), np.uint8))
    n, stats, labels, (ox, oy) = components(paint, connectivity=4)
    out = []
    for k in range(1, n):
        x, y, bw, bh, area = stats[k]
        if bw < min_side or bh < min_side or area < 0.4 * bw * bh:
            continue
        mine = labels[y - oy:y - oy + bh, x - ox:x - ox + bw] == k
        pixels = rgb[y:y + bh, x:x + bw].astype(float)
        start = 0
        rows = [np.median(pixels[r][mine[r]], axis=0) if mine[r].any() else None for r in range(bh)]
        for r in range(1, bh + 1):
            ends = r == bh or (rows[r] is not None and rows[start] is not None
                               and np.abs(rows[r] - rows[start]).max() > 60)
            if not ends:
                continue
            if r - start >= min_side:
                colour = np.median(pixels[start:r][mine[start:r]], axis=0) / 255.0
                out.append((int(x), int(y + start), int(x + bw), int(y + r), tuple(float(c) for c in colour)))
            start = r
    return out


def read_words(rgb, ink) -> list[Word]:
    """OCR's words with their boxes (pixels), each box shrunk to the ink it holds. The recogniser
    sometimes runs two words of a large bold title together ("CHILDREN'SSAFEGUARDING"): a word is
    also cut where the picture shows a gap of white as wide as a space (see `split_at_gaps`)."""
    import numpy as np

    result = ocr_engine.engine()(rgb)
    words: list[Word] = []
    lines: list[list[Word]] = []
    if not getattr(result, "txts", None):
        # Nothing read (a blank sheet, the back of a page): RapidOCR then gives a placeholder
        # ("", 1.0, None) for its word results, not an empty list of lines.
        return words
    for line in getattr(result, "word_results", None) or ():
        lines.append([])
        for text, _score, box in line:
            text = " ".join(str(text).split())
            if not text:
                continue
            x0, x1 = max(0, int(min(p[0] for p in box))), min(ink.shape[1], int(max(p[0] for p in box)) + 1)
            top, bottom = max(0, int(min(p[1] for p in box))), min(ink.shape[0], int(max(p[1] for p in box)) + 1)
            region = ink[top:bottom, x0:x1]
            inked = np.flatnonzero(region.sum(axis=0) >= 2) + x0
            if inked.size:  # the ink's own extent, tighter than the recogniser's box
                x0, x1 = int(inked.min()), int(inked.max()) + 1
            for part, a, b in split_at_gaps(text, inked, region):
                lines[-1].append(Word(part, a, top, b, bottom))
        words += lines[-1]
    mark_bold(lines, ink)
    return words


def stroke_of(region) -> float:
    """How thick a line of print's strokes are: the mean run of ink along its rows, in pixels (about
    4 for regular 9–10 pt type scanned at 150 dpi and read at 200, 6 or more for bold)."""
    import numpy as np

    if region.size == 0 or not region.any():
        return 0.0
    edges = np.diff(np.pad(region.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    return float(np.mean(np.nonzero(edges == -1)[1] - np.nonzero(edges == 1)[1]))


def mark_bold(lines: list[list[Word]], ink) -> None:
    """Bold lines: strokes clearly thicker than the page's usual (its body text's). The minutes
    reader finds headings and the action of a paragraph pair by their bold type. One word's strokes
    are too few to judge, so a line (as OCR found it) is bold or not as a whole."""
    import numpy as np

    for line in lines:
        if line:
            top, bottom = int(min(w.top for w in line)), int(max(w.bottom for w in line))
            stroke = stroke_of(ink[top:bottom, int(min(w.x0 for w in line)):int(max(w.x1 for w in line))])
            for w in line:
                w.stroke = stroke
    measured = [line[0].stroke for line in lines if line and line[0].stroke > 0]
    if len(measured) < 5:
        return
    usual = float(np.median(measured))
    for line in lines:
        for w in line:
            w.bold = w.stroke > 1.18 * usual


_NO_CUT = set("/-.,:;'’()%&")


def split_at_gaps(text: str, inked, region) -> list[tuple[str, float, float]]:
    """A word cut at gaps of white wider than a space can be: (text, x0, x1) per part. The recogniser
    sometimes runs words of a large title together ("CHILDREN'SSAFEGUARDING", "Plan2019-20"). A space is
    about 0.28 of the font size and a gap between letters, even bold capitals, under half that; the gap
    is measured against the ink's height (capitals to descenders) and the word's usual gap between
    letters. The text is cut where its letters' widths (Helvetica's, near enough) put the gap, never
    inside a number ("2019": a "1" stands apart from its neighbours) or at punctuation, and only where
    the ink on each side is wide enough for its letters: a box that reaches a pixel into the next word
    holds a sliver of its ink ("Thursda" "y,")."""
    import numpy as np

    if not inked.size:
        return [(text, 0.0, 0.0)]
    x0, x1 = float(inked.min()), float(inked.max() + 1)
    if len(text) < 4 or " " in text:
        return [(text, x0, x1)]
    rows = np.flatnonzero(region.sum(axis=1) >= 2)
    steps = np.diff(inked)
    letter_gaps = steps[steps > 1]
    typical = float(np.median(letter_gaps)) if letter_gaps.size else 1.0
    limit = max(0.3 * (rows.max() - rows.min() + 1) if rows.size else float("inf"), 2.5 * typical)
    gaps = [k for k in np.flatnonzero(steps > limit)]
    if not gaps:
        return [(text, x0, x1)]
    from pdfminer.fontmetrics import FONT_METRICS

    widths = [FONT_METRICS["Helvetica"][1].get(ch, 556) for ch in text]
    cum = np.cumsum(widths) / sum(widths)  # fraction of the word's width after each letter

    def fits(ink_width: float, share: float) -> bool:
        """Ink wide enough for the letters its part of the word would hold (half their width at least)."""
        return ink_width >= 0.5 * share * (x1 - x0)

    # a box that reaches a pixel or two into the next (or the last) word holds a sliver of its ink
    # beyond a space: too narrow for even this word's last (first) letter, it is not this word's
    if not fits(float(inked[-1] + 1 - inked[gaps[-1] + 1]), 1.0 - cum[-2]):
        x1, gaps = float(inked[gaps[-1]] + 1), gaps[:-1]
    if gaps and not fits(float(inked[gaps[0]] + 1) - x0, cum[0]):
        x0, gaps = float(inked[gaps[0] + 1]), gaps[1:]
    if not gaps:
        return [(text, x0, x1)]
    allowed = [i for i in range(1, len(text)) if not (text[i - 1].isdigit() and text[i].isdigit())
               and text[i - 1] not in _NO_CUT and text[i] not in _NO_CUT]
    out, start_char, start_x = [], 0, x0
    for k in gaps:
        end_x, next_x = float(inked[k] + 1), float(inked[k + 1])
        middle = ((end_x + next_x) / 2 - x0) / (x1 - x0)
        near = [i for i in allowed if i > start_char and abs(cum[i - 1] - middle) * len(text) < 1.5]
        if not near:
            continue
        cut = min(near, key=lambda i: abs(cum[i - 1] - middle))
        before = cum[start_char - 1] if start_char else 0.0
        if not (fits(end_x - start_x, cum[cut - 1] - before) and fits(x1 - next_x, 1.0 - cum[cut - 1])):
            continue   # a sliver of the next word's ink at the box's edge, not a space inside this word
        out.append((text[start_char:cut], start_x, end_x))
        start_char, start_x = cut, next_x
    out.append((text[start_char:], start_x, x1))
    return out


def rebuild(image) -> Rebuilt:
    """One scanned page (a PIL image rendered at DPI) as words, rules and fills in points."""
    import numpy as np

    pic = Picture.of(deskew(np.asarray(image.convert("RGB"))))
    rgb, ink = pic.rgb, ink_of(pic)
    rules = ruling_lines(rule_ink(pic))
    k = 72.0 / DPI
    page = Rebuilt(rgb.shape[1] * k, rgb.shape[0] * k)
    page.words = [Word(w.text, w.x0 * k, w.top * k, w.x1 * k, w.bottom * k, w.stroke, w.bold)
                  for w in read_words(rgb, ink)]
    page.lines = [(x0 * k, y0 * k, x1 * k, y1 * k) for x0, y0, x1, y1 in rules]
    page.fills = [(x0 * k, y0 * k, x1 * k, y1 * k, c) for x0, y0, x1, y1, c in colour_fills(pic, rules)]
    return page


# ---- the rebuilt PDF -----------------------------------------------------------------------------
def _font_sizes(words: list[Word]) -> dict[int, float]:
    """A font size for each word from its line's box height, the heights of one page clustered so that
    lines printed in one size get one size (the readers compare sizes to find titles and headings)."""
    heights = sorted((w.bottom - w.top, i) for i, w in enumerate(words))
    sizes: dict[int, float] = {}
    group: list[tuple[float, int]] = []

    def close() -> None:
        if group:
            median = group[len(group) // 2][0]
            for _, i in group:
                sizes[i] = round(median / 1.3, 1)  # OCR's box runs from above the capitals to below descenders

    for h, i in heights:
        if group and h > group[0][0] * 1.12:
            close()
            group = []
        group.append((h, i))
    close()
    return sizes


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _width(text: str, size: float, bold: bool = False) -> float:
    from pdfminer.fontmetrics import FONT_METRICS

    widths = FONT_METRICS["Helvetica-Bold" if bold else "Helvetica"][1]
    return sum(widths.get(ch, 556) for ch in text) * size / 1000


def page_content(page: Rebuilt) -> bytes:
    """The page's content stream: fills, then rules, then each word fitted to its box."""
    h = page.height
    ops: list[bytes] = []
    for x0, top, x1, bottom, (r, g, b) in page.fills:
        ops.append(f"{r:.3f} {g:.3f} {b:.3f} rg {x0:.2f} {h - bottom:.2f} {x1 - x0:.2f} {bottom - top:.2f} re f".encode())
    ops.append(b"0 g 0 G 0.5 w")
    for x0, top, x1, bottom in page.lines:
        ops.append(f"{x0:.2f} {h - top:.2f} m {x1:.2f} {h - bottom:.2f} l S".encode())
    sizes = _font_sizes(page.words)
    for i, w in enumerate(page.words):
        size = max(sizes.get(i, 8.0), 1.0)
        natural = _width(w.text, size, w.bold)
        scale = 100.0 * (w.x1 - w.x0) / natural if natural > 0 else 100.0
        baseline = h - (w.top + w.bottom) / 2 - size / 2 + 0.207 * size  # the char box centred on OCR's box
        # a space after each word, so that words set closer than pdfplumber's tolerance stay apart
        font = "/F2" if w.bold else "/F1"
        ops.append(f"BT {font} {size:.1f} Tf {scale:.1f} Tz 1 0 0 1 {w.x0:.2f} {baseline:.2f} Tm ".encode()
                   + _pdf_string(w.text + " ") + b" Tj ET")
    return b"\n".join(ops)


def write_pdf(pages: list[Rebuilt]) -> bytes:
    """A minimal PDF of the rebuilt pages (Helvetica, WinAnsi), ready for pdfplumber and pypdfium2."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"]
    kids = []
    for page in pages:
        content = page_content(page)
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page.width:.2f} {page.height:.2f}] "
                       f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {len(objects)} 0 R >>".encode())
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def room_for_engine() -> None:
    """Take the address space a worker's memory ceiling keeps for the OCR engine (its hard limit, see
    `pipeline/stages/reading.py`): its ONNX sessions reserve far more than they use."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or hard > soft):
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def with_text_layer(path: Path, scans: list[int], target: Path, progress=None) -> None:
    """Write `path` to `target` with each page of `scans` (0-based) replaced by its rebuilt page.
    `progress(done, total, seconds, cpu_seconds)` is told after each page: its wall time, and the CPU
    time (user + system) the process spent on it, which another process on the machine cannot stretch."""
    import cv2
    import pypdfium2 as pdfium

    room_for_engine()
    # One thread for OpenCV too, as for the OCR engine: a worker reads one document per core, and
    # OpenCV's own thread pool cost a sixth more CPU time on our picture work for no gain.
    cv2.setNumThreads(1)

    doc = pdfium.PdfDocument(str(path))
    try:
        rebuilt = []
        for done, i in enumerate(scans, 1):
            started, cpu = time.monotonic(), time.process_time()
            page = doc[i]
            image = page.render(scale=DPI / 72).to_pil()
            page.close()
            rebuilt.append(rebuild(image))
            if progress:
                progress(done, len(scans), time.monotonic() - started, time.process_time() - cpu)
        made = pdfium.PdfDocument(write_pdf(rebuilt))
        for k, i in enumerate(scans):
            doc.del_page(i)
            doc.import_pages(made, pages=[k], index=i)
        doc.save(str(target))
        made.close()
    finally:
        doc.close()


def stderr_progress(name: str):
    """Progress per page on stderr: OCR is slow (seconds a page), and a clerk should see it move."""
    def tell(done: int, total: int, seconds: float, cpu_seconds: float) -> None:
        sys.stderr.write(f"OCR {name}: page {done} of {total} ({seconds:.1f} s, {cpu_seconds:.2f} s CPU)\n")
        sys.stderr.flush()
    return tell
