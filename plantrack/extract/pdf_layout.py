"""The PDF reader for the recognisers: pdfplumber pages → laid-out `Page`s (`models/layout.py`).

Each page gives its words (with whether their face is bold and their size), grouped into text lines,
its ruling lines (from `pdf.page_edges`, orientation read from their shape, so a page stored rotated
reads right) and, when asked, its shaded boxes. Nothing is interpreted here: which lines are headings,
where a newspaper page's columns split, what is a running head — that is the recogniser's reading
(`minutes_pages.py`, `minutes.py`), which sees only the model and so reads a hand-built page the same.

A scanned page reaches this reader too: OCR rebuilds it as a born-digital page (`ocr.py`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..models.layout import Fill, Page, Rule, Word, group_lines
from .colours import hex_of, to_rgb
from .pdf import page_edges
from .words import page_words

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)


def read_page(p: Any, number: int = 0, fills: bool = False) -> Page:
    """One pdfplumber page as a `Page`; `number` is its 0-based place in the paper."""
    words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"],
                  bold=bool(_BOLD.search(w.get("fontname", ""))), size=w.get("size"))
             for w in page_words(p, ("fontname",))]
    rules = [Rule(e["x0"], e["x1"], e["top"], e["bottom"], vertical=e["orientation"] == "v")
             for e in page_edges(p)]
    return Page(number, float(p.width), float(p.height), group_lines(words), rules,
                _fills(p) if fills else [])


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


def _fills(p: Any) -> list[Fill]:
    """Filled rectangles in a colour other than white: shaded cells and swatches."""
    out = []
    for r in p.rects:
        rgb = to_rgb(r.get("non_stroking_color")) if r.get("fill") else None
        if rgb is not None and min(rgb) < 0.995:
            out.append(Fill(r["x0"], r["x1"], r["top"], r["bottom"], hex_of(rgb)))
    return out
