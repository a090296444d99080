"""Printed minutes as ModernGov prints them for real councils: a title block of lines, then numbered
minute items ("84. Apologies (Item 1)") whose paragraphs run over many pages, so that later pages
begin mid-sentence or mid-list.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4

from .colours import BLACK_RGB
from .fonts import font_pair
from .layout import Op, Sheet, render_sheet
from .minutes import ExpectedItem, ExpectedMinutes

@dataclass
class NumberedItem:
    number: int
    title: str
    paragraphs: list[str]             # "\f" inside one: the page breaks there, mid-paragraph


@dataclass
class NumberedMinutesSpec:
    title_lines: list[tuple[str, float]]   # (text, size), drawn bold from the top
    committee: str                          # what an extractor should find, as printed
    meeting_date: str                       # ISO
    present: str = "PRESENT: Mr R Gough (Chairman), Mrs C Bell, Mr D Jeffrey, Mr R Love, Mr P Oakford"
    items: list[NumberedItem] = field(default_factory=list)
    font: str = "helvetica"


def make_numbered_minutes(path, spec: NumberedMinutesSpec) -> ExpectedMinutes:
    """Write long numbered minutes to `path`; return what an extractor should find in them."""
    regular, bold = font_pair(spec.font)
    sheet = Sheet(A4, margins=(60, 50, 60, 60))
    for text, size in spec.title_lines:
        sheet.para(text, bold, size, BLACK_RGB, after=3)
    sheet.para(spec.present, regular, 10.5, BLACK_RGB, after=8)
    for item in spec.items:
        sheet.ensure(60)
        sheet.para(f"{item.number}. {item.title}", bold, 11, BLACK_RGB, after=4)
        for text in item.paragraphs:
            parts = text.split("\f")
            for k, part in enumerate(parts):
                if k:
                    sheet.new_page()
                if part.strip():
                    sheet.para(part.strip(), regular, 10.5, BLACK_RGB, indent=24,
                               after=6 if k == len(parts) - 1 else 0)

    def decor(n: int, total: int) -> list[Op]:
        return [("text", sheet.width / 2, 800, str(n), regular, 9, BLACK_RGB, "centre")]

    pages = render_sheet(sheet, path, decor, f"{spec.committee} minutes {spec.meeting_date}")
    items = [ExpectedItem(str(i.number), i.title, None, 1) for i in spec.items]
    return ExpectedMinutes(spec.committee, spec.meeting_date, items, [], pages, 1, pages)


