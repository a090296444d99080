"""The PDF reader for the recognisers: pdfplumber pages → laid-out `Page`s (`models/layout.py`).

Each page gives its words (with whether their face is bold and their size), grouped into text lines,
its ruling lines (from `pdf.page_edges`, orientation read from their shape, so a page stored rotated
reads right) and, when asked, what a plan report's reading needs besides: its filled shapes (shaded
cells, swatches, status symbols drawn as curves) with their colours, its characters with theirs, each
word's characters, and its ruled tables (pdfplumber's table finder, `pdf.find_tables`) as grids of
cell boxes. Nothing is interpreted here: which lines are headings, where a newspaper page's columns
split, which cell holds which words, what colour means which status — that is the recognisers'
reading (`minutes_pages.py`, `minutes.py`, `report.py`), which see only the model and so read a
hand-built page the same.

A scanned page reaches this reader too: OCR rebuilds it as a born-digital page (`ocr.py`).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..models.layout import RGB, Fill, Glyph, Grid, GridRow, Page, Rule, Word, group_lines
from .colours import hex_of, to_rgb
from .page_objects import prepare
from .pdf import find_tables, page_edges
from .words import page_words

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)


def read_page(p: Any, number: int = 0, fills: bool = False, glyphs: bool = False, tables: bool = False,
              split_fonts: bool = True) -> Page:
    """One pdfplumber page as a `Page`; `number` is its 0-based place in the paper.

    `fills`: the filled shapes; `glyphs`: the page's characters with their colours, and each word's
    characters; `tables`: the ruled tables. `split_fonts`: a word ends where the font changes (a bold
    run inside a line is a word of its own); without it a word is cut at spaces alone, and its face
    is bold when most of its characters are."""
    prepare(p)  # its characters' dicts made the quick way (page_objects.py), before anything asks for them
    extra = ("fontname",) if split_fonts else ()
    # one Glyph per character, shared by the page's list and its word's characters
    read = _Glyphs() if glyphs else None
    page_glyphs = [read(c) for c in p.chars if c["text"].strip()] if read else []
    words = [_word(w, split_fonts, read) for w in page_words(p, extra)]
    rules = [Rule(e["x0"], e["x1"], e["top"], e["bottom"], vertical=e["orientation"] == "v")
             for e in page_edges(p)]
    return Page(number, float(p.width), float(p.height), group_lines(words), rules,
                _fills(p) if fills else [], _tables(p, number) if tables else [], page_glyphs)


def read_pages(pages: Iterable[Any], fills: bool = False, close: bool = True) -> list[Page]:
    """Pages in order, each closed once read (pdfplumber keeps a page's objects until then)."""
    return list(iter_pages(pages, fills=fills, close=close))


def iter_pages(pages: Iterable[Any], fills: bool = False, close: bool = True) -> Iterator[Page]:
    for n, p in enumerate(pages):
        try:
            yield read_page(p, n, fills=fills)
        finally:
            if close:
                p.close()


def read_report_page(p: Any, number: int) -> Page:
    """A page of a plan report with all the plan-report recogniser reads (`report.py`): words cut
    at spaces alone with their characters, fills, coloured characters and ruled tables. `number` is
    its 0-based page in the file."""
    return read_page(p, number, fills=True, glyphs=True, tables=True, split_fonts=False)


def _word(w: dict, split_fonts: bool, read: _Glyphs | None) -> Word:
    chars = w.get("chars") or ()
    if split_fonts:
        bold = _bold(w.get("fontname") or "")
    else:
        bold = sum(_bold(c.get("fontname") or "") for c in chars) * 2 > len(chars)
    return Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], bold=bold, size=w.get("size"),
                chars=tuple(map(read, chars)) if read else ())


@functools.lru_cache(maxsize=256)
def _bold(fontname: str) -> bool:
    return bool(_BOLD.search(fontname))


class _Glyphs:
    """pdfplumber characters as Glyphs, each made once (a word's characters are the page's), their
    colours converted once per colour."""

    def __init__(self) -> None:
        self.made: dict[int, Glyph] = {}
        self.colours: dict[Any, RGB | None] = {}

    def __call__(self, c: dict) -> Glyph:
        g = self.made.get(id(c))
        if g is None:
            g = self.made[id(c)] = Glyph(c["text"], c["x0"], c["x1"], c["top"], c["bottom"],
                                         self.colour(c.get("non_stroking_color")))
        return g

    def colour(self, value: Any) -> RGB | None:
        try:
            return self.colours[value]
        except KeyError:
            rgb = self.colours[value] = to_rgb(value)
            return rgb
        except TypeError:  # a colour given as a list: not hashable
            return to_rgb(value)


def _fills(p: Any) -> list[Fill]:
    """Filled shapes in a colour other than white, rectangles first: shaded cells and swatches, then
    symbols drawn as curves (a filled circle is four béziers)."""
    out = []
    for r in (*p.rects, *p.curves):
        rgb = to_rgb(r.get("non_stroking_color")) if r.get("fill") else None
        if rgb is not None and min(rgb) < 0.995:
            out.append(Fill(r["x0"], r["x1"], r["top"], r["bottom"], hex_of(rgb), rgb))
    return out


def _tables(p: Any, number: int) -> list[Grid]:
    """pdfplumber's ruled tables as grids of cell boxes, in the order the finder gives them."""
    return [Grid(tuple(t.bbox), [GridRow([None if c is None else tuple(c) for c in row.cells], tuple(row.bbox))
                                 for row in t.rows], number)
            for t in find_tables(p)]
