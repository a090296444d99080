"""A PDF page's objects read with pypdfium2 (C speed), in the shape pdfplumber gives them, for the minutes
reader (`pdf_layout.read_page`): its characters, and the rects, lines and curves its ruling edges come from.

pdfplumber makes its characters through pdfminer's interpreter and its own dict-making, some 50 µs a
character; a page of minutes holds 2,000–4,000. pdfium gives each character's unicode, origin, size and
font, and each path object's segments, for a fraction of that: a set of minutes reads 2–4× faster.

The boxes follow pdfminer's rules, so that the reader sees what it saw before: a character's box is its
advance wide (the font's /Widths) and its font size high, standing on the font's descent below the
baseline; a path is cut at each move, and a closed four-sided path whose sides run along the axes is a
rect, two points a line, anything else a curve. Where pdfium would give something else, the page raises
`Unsuitable` and is read by pdfplumber (`quick_pages`): a page stored turned or offset, text turned,
slanted or stretched, characters beyond the basic plane, without a unicode mapping or without a width.
Colours are pdfium's own (8-bit RGB as fractions): the minutes reader does not read them. A plan
report's pages, whose colours are statuses, are read by pdfplumber.

`tests/test_pdfium_pages.py` compares the laid-out pages both ways on generated minutes of every
layout; `scripts/same_records.py` gave the same records on every corpus (668 papers) before this was
used.
"""
from __future__ import annotations

import ctypes
from functools import lru_cache
from typing import Any

import pypdfium2.raw as pdfium_c
from pdfplumber.container import Container
from pdfplumber.utils import extract_words

_MOVE, _LINE, _BEZIER = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
_PATH, _FORM = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM


SPACE_SHARE = 0.8  # of a space's width: a gap that wide between two words held a printed space


class Unsuitable(Exception):
    """The page holds something this reader does not give as pdfminer would: read it with pdfplumber."""


@lru_cache(maxsize=64)
def _standard_descent(name: str) -> float | None:
    """pdfminer's descent (per 1000) for one of the 14 standard fonts, which it takes from its own AFM data."""
    from pdfminer.fontmetrics import FONT_METRICS

    metrics = FONT_METRICS.get(name)
    if metrics is None:
        return None
    descent = float(metrics[0].get("Descent", 0))
    return -descent if descent > 0 else descent


class PdfiumPage(Container):
    """One page, read at once and held as plain dicts (the page and its text page are closed after)."""

    def __init__(self, page: Any, page_number: int, initial_doctop: float = 0.0) -> None:
        self.page_number = page_number
        self.initial_doctop = initial_doctop
        self.rotation = page.get_rotation()
        left, bottom, right, top = page.get_bbox()
        if self.rotation % 360 or left or bottom:
            raise Unsuitable("rotated or offset page")
        self.width, self.height = float(right - left), float(top - bottom)
        self.bbox = (0, 0, self.width, self.height)
        self._objects = {"char": self._chars(page), "rect": [], "line": [], "curve": []}
        for obj in _path_objects(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject):
            self._path(obj)

    # --- characters --------------------------------------------------------------------------------
    def _chars(self, page: Any) -> list[dict]:
        textpage = page.get_textpage()
        raw = textpage.raw
        h, doctop, number = self.height, self.initial_doctop, self.page_number
        ox, oy = ctypes.c_double(), ctypes.c_double()
        count = pdfium_c.FPDFText_CountChars(raw)
        # the page's text in one call: one UTF-16 unit a character (a character beyond the BMP takes
        # two, and such a page is left to pdfplumber)
        buf = ctypes.create_string_buffer(2 * (count + 1))
        got = pdfium_c.FPDFText_GetText(raw, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        text = buf.raw[:2 * max(got - 1, 0)].decode("utf-16-le", "surrogatepass")
        if len(text) != count:
            textpage.close()
            raise Unsuitable("characters beyond the basic plane")
        fonts: dict[int, tuple[str, float]] = {}
        objects: dict[int, tuple] = {}  # a text object's font, size and colour are the same for its characters
        out = []
        origin = pdfium_c.FPDFText_GetCharOrigin
        map_error, generated = pdfium_c.FPDFText_HasUnicodeMapError, pdfium_c.FPDFText_IsGenerated
        handle = ctypes.cast(raw, ctypes.c_void_p)
        widths: dict[int, dict[str, float]] = {}
        last_y, last_advances = 0.0, {}  # the baseline and the font's advances of the last character kept
        try:
            for i, ch in enumerate(text):
                # pdfium makes up spaces and line ends between words and lines; pdfminer does not
                if ch.isspace() and generated(raw, i):
                    # pdfium drops a real space that stands between two text objects and makes up its
                    # own (zero wide): pdfminer keeps it. Where the next character stands a space's
                    # width or more past the last one on the line, a space was printed there.
                    if out and ch == " " and i + 1 < count:
                        last = out[-1]
                        origin(raw, i + 1, ox, oy)
                        space = last["size"] * (last_advances.get(" ") or 0.0)
                        if space and abs(oy.value - last_y) < 0.01 and ox.value - last["x1"] >= SPACE_SHARE * space:
                            x0 = last["x1"]
                            out.append({**last, "text": " ", "x0": x0, "x1": x0 + space, "width": space})
                    continue
                if map_error(raw, i) == 1:
                    raise Unsuitable("a character without a unicode mapping")
                if ch in "\x02\ufffe":  # pdfium's marks for a hyphen that ends a line
                    ch = "-"
                key = _text_object_of(handle, i)
                facts = objects.get(key)
                if facts is None:
                    facts = objects[key] = self._text_object(raw, i, key, fonts, widths)
                fontname, descent, size, colour, font, advances = facts
                origin(raw, i, ox, oy)
                last_y, last_advances = oy.value, advances
                if " " not in advances:
                    try:
                        advances[" "] = _advance(font, 32)
                    except Unsuitable:  # a subset font without a space: no printed spaces to restore
                        advances[" "] = 0.0
                advance = advances.get(ch)
                if advance is None:
                    advance = advances[ch] = _advance(font, ord(ch))
                    if not advance and not ch.isspace():
                        raise Unsuitable(f"no width for {ch!r} in its font")
                y0 = oy.value + descent * size
                y1 = y0 + size
                x0 = ox.value
                x1 = x0 + advance * size
                top = h - y1
                out.append({"text": ch, "fontname": fontname, "size": size, "upright": True,
                            "x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": top, "bottom": h - y0,
                            "doctop": doctop + top, "width": x1 - x0, "height": size,
                            "non_stroking_color": colour, "object_type": "char", "page_number": number})
        finally:
            textpage.close()
        return out

    @staticmethod
    def _text_object(raw: Any, i: int, key: int, fonts: dict, widths: dict) -> tuple:
        """What a text object's characters share: font name and descent, size, fill colour, the font
        and its advances (per unit of size, shared by the objects in that font)."""
        obj = ctypes.cast(ctypes.c_void_p(key), pdfium_c.FPDF_PAGEOBJECT)
        m = _matrix(obj)
        if m[1] or m[2] or m[0] <= 0 or m[0] != m[3]:
            raise Unsuitable("text drawn turned, slanted or stretched")
        font = pdfium_c.FPDFTextObj_GetFont(obj)
        fkey = ctypes.cast(font, ctypes.c_void_p).value or 0
        if fkey not in fonts:
            fonts[fkey] = _font(font)
        fontname, descent = fonts[fkey]
        r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
        pdfium_c.FPDFText_GetFillColor(raw, i, r, g, b, a)
        # pdfminer's size is the height the matrix gives the font's em (Word sets 1 pt type, scaled)
        size = pdfium_c.FPDFText_GetFontSize(raw, i) * m[3]
        return fontname, descent, size, _rgb(r, g, b), font, widths.setdefault(fkey, {})

    # --- paths -------------------------------------------------------------------------------------
    def _path(self, item: tuple[Any, tuple]) -> None:
        obj, m = item
        mode, stroke = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDFPath_GetDrawMode(obj, mode, stroke)
        fill, stroked = mode.value != 0, bool(stroke.value)
        r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
        pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a)
        ncolor = _rgb(r, g, b)
        pdfium_c.FPDFPageObj_GetStrokeColor(obj, r, g, b, a)
        scolor = _rgb(r, g, b)
        width = ctypes.c_float()
        pdfium_c.FPDFPageObj_GetStrokeWidth(obj, width)
        x, y = ctypes.c_float(), ctypes.c_float()
        subpaths: list[list[tuple[str, tuple[float, float]]]] = []
        for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
            pt = _apply(m, x.value, y.value)
            if kind == _MOVE:
                subpaths.append([("m", pt)])
            elif not subpaths:
                raise Unsuitable("a path that does not start with a move")
            elif kind == _LINE:
                subpaths[-1].append(("l", pt))
            elif kind == _BEZIER:
                subpaths[-1].append(("c", pt))
            else:
                raise Unsuitable("an unknown path segment")
            if pdfium_c.FPDFPathSegment_GetClose(seg):
                subpaths[-1].append(("h", subpaths[-1][0][1]))
        base = {"linewidth": float(width.value), "stroke": stroked, "fill": fill, "evenodd": mode.value == 1,
                "stroking_color": scolor, "non_stroking_color": ncolor, "page_number": self.page_number}
        for sub in subpaths:
            self._subpath(sub, base)

    def _subpath(self, sub: list[tuple[str, tuple[float, float]]], base: dict) -> None:
        shape = "".join(op for op, _ in sub)
        pts = [p for _, p in sub]
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
        if shape in {"mlh", "ml"}:
            self._objects["line"].append(self._shape("line", pts[:2], base))
        elif shape in {"mlllh", "mllll"}:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            if pts[0] == pts[4] and square:
                self._objects["rect"].append(self._shape("rect", [pts[0], pts[2]], base))
            else:
                self._objects["curve"].append(self._shape("curve", pts, base))
        elif shape != "m":
            self._objects["curve"].append(self._shape("curve", pts, base))

    def _shape(self, kind: str, pts: list[tuple[float, float]], base: dict) -> dict:
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        h = self.height
        top = h - y1
        out = {**base, "object_type": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": top, "bottom": h - y0,
               "doctop": self.initial_doctop + top, "width": x1 - x0, "height": y1 - y0}
        if kind == "curve":
            out["pts"] = [(px, h - py) for px, py in pts]
        return out

    # --- what the reader asks of a page ---------------------------------------------------------------
    @property
    def objects(self) -> dict[str, list[dict]]:
        return self._objects

    def extract_words(self, **kwargs: Any) -> list[dict]:
        return extract_words(self.chars, **kwargs)

    def close(self) -> None:
        self._objects = {}


def _rgb(r: ctypes.c_uint, g: ctypes.c_uint, b: ctypes.c_uint) -> tuple[float, float, float]:
    return (r.value / 255, g.value / 255, b.value / 255)


def _font(font: Any) -> tuple[str, float]:
    """A font's name as pdfminer gives it, and its descent per unit of size (negative)."""
    buf = ctypes.create_string_buffer(256)
    n = pdfium_c.FPDFFont_GetBaseFontName(font, buf, 256)
    name = buf.raw[:max(n - 1, 0)].decode("latin-1") if n else ""
    if not pdfium_c.FPDFFont_GetIsEmbedded(font):
        standard = _standard_descent(name)
        if standard is not None:
            return name, standard / 1000
    descent = ctypes.c_float()
    if not pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), descent):
        raise Unsuitable(f"a font without a descent ({name})")
    d = float(descent.value)
    return name, (-d if d > 0 else d) / 1000


# FPDFText_GetTextObject answering with the object's address, a plain int (pypdfium2's own binding
# answers with a ctypes pointer, which costs a cast a character to use as a key)
_text_object_of = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value)


def _advance(font: Any, code: int) -> float:
    """A character's advance per unit of size, from the font's widths (the PDF's /Widths, as pdfminer
    reads them; pdfium's loose box is wider where a glyph overhangs, as an italic f does)."""
    width = ctypes.c_float()
    if not pdfium_c.FPDFFont_GetGlyphWidth(font, code, ctypes.c_float(1000.0), width):
        raise Unsuitable("a character without a width")
    return float(width.value) / 1000


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _matrix(obj: Any) -> tuple:
    fm = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, fm):
        raise Unsuitable("an object without a matrix")
    return (fm.a, fm.b, fm.c, fm.d, fm.e, fm.f)


def _times(m: tuple, n: tuple) -> tuple:
    """m then n (PDF's row-vector convention)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _path_objects(parent: Any, count, get, outer: tuple = (1, 0, 0, 1, 0, 0)):
    """Every path object of a page or form, with the matrix that takes its points to the page."""
    for k in range(count(parent)):
        obj = get(parent, k)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == _PATH:
            yield obj, _times(_matrix(obj), outer)
        elif kind == _FORM:
            yield from _path_objects(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject,
                                     _times(_matrix(obj), outer))


def quick_pages(pdf: Any, numbers: range):
    """A paper's pages (1-based `numbers` of the pdfplumber `pdf`), in order: each read with pypdfium2
    where it gives what pdfplumber would, else pdfplumber's own page. The caller closes each page."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(pdf.stream.name)
    except Exception:  # noqa: BLE001 - pdfium refuses some files pdfminer reads: pdfplumber reads them all
        doc = None
    if doc is not None and len(doc) != len(pdf.pages):  # the two read the file's page tree differently
        doc.close()
        doc = None
    try:
        # where the page starts in the whole document (pdfplumber's doctop), from the pages before it
        doctop = sum(float(pdf.pages[k].height) for k in range(numbers[0] - 1)) if doc is not None else 0.0
        for n in numbers:
            page = None
            if doc is not None:
                raw = doc[n - 1]
                try:
                    page = PdfiumPage(raw, n, doctop)
                except Unsuitable:
                    page = None
                finally:
                    raw.close()
                doctop += float(pdf.pages[n - 1].height)
            yield page if page is not None else pdf.pages[n - 1]
    finally:
        if doc is not None:
            doc.close()
