"""Fonts. Built-in Type 1 fonts need nothing; the TrueType families fall back to reportlab's own Vera
so the factory works on machines without DejaVu.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


_FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
              os.path.join(os.path.dirname(reportlab.__file__), "fonts")]
_BUILTIN = {"helvetica": ("Helvetica", "Helvetica-Bold"), "times": ("Times-Roman", "Times-Bold")}
_TRUETYPE = {"dejavu": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
             "dejavu-sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
             "dejavu-serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf")}
_FALLBACK = ("Vera.ttf", "VeraBd.ttf")


def find_font(filename: str) -> str | None:
    return next((os.path.join(d, filename) for d in _FONT_DIRS
                 if os.path.exists(os.path.join(d, filename))), None)


def _register(filename: str) -> str | None:
    path = find_font(filename)
    if path is None:
        return None
    name = Path(filename).stem
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    return name


@lru_cache(maxsize=None)
def font_pair(family: str) -> tuple[str, str]:
    """(regular, bold) font names for a family: helvetica, times, dejavu, dejavu-sans, dejavu-serif."""
    if family in _BUILTIN:
        return _BUILTIN[family]
    wanted = _TRUETYPE[family]
    return tuple(_register(w) or _register(f) for w, f in zip(wanted, _FALLBACK))


@lru_cache(maxsize=None)
def symbol_font() -> str | None:
    """A font with the ● glyph, or None (then the symbol is drawn as a shape)."""
    return _register("DejaVuSans.ttf")


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the column stays whole and overflows, as Word does."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


