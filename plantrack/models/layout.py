"""Laid-out pages: the PDF reader's working model (born-digital, or a scan after OCR), on its way to blocks.

Every reader ends in the one document model (`models/document.py`: paragraphs and tables in reading
order), which the recognisers read. A Word document or a web page says what is a paragraph, a heading
and a table cell, so its reader gives blocks at once; a PDF says only where each word is printed and
which lines and shaded boxes are drawn, so its reader first lays out each page here: the words grouped
into text lines (with their weight and size), the ruling lines (a table's cell borders), the fills
(shaded cells, swatches and drawn status symbols, each with its colour), the printed characters with
their colours, and the ruled tables found on the page as grids of cell boxes (`Grid`). The PDF side's
layout work turns that geometry into blocks: `extract/report_layout.py` for a plan report (a cell's
text is the words inside its box, the colour it shows is the fill or coloured character inside it),
`extract/minutes_pages.py` for minutes (newspaper columns, running heads, reasons tables).

Nothing here knows which library read the file: `extract/pdf_layout.py` builds these from pdfplumber,
and a test can build them by hand. Coordinates are PDF points from the page's top-left corner; colours
are RGB triples in 0..1.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from functools import cached_property

LINE_TOLERANCE = 2.5  # points: a word whose top is this close to a line's top is on that line

RGB = tuple[float, float, float]
Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(slots=True)
class Glyph:
    """One printed character, its box and its fill colour (None when the reader knows none, or the
    PDF paints it with a pattern)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    colour: RGB | None = None


@dataclass(slots=True)
class Word:
    """One printed word and its box."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool = False          # set in a bold (black, heavy, semibold) face
    size: float | None = None   # font size in points (its largest character's), when known
    chars: tuple[Glyph, ...] = ()  # its characters, when the reader gives them (a word that runs
    #                                over a cell border is cut there by them)


@dataclass
class Line:
    """Words printed on one line, left to right."""

    words: list[Word]
    page: int = 0  # the index of its Page in the sequence the recogniser reads (set there)
    top: float = 0.0
    bottom: float = 0.0

    def __post_init__(self) -> None:
        self.words.sort(key=lambda w: w.x0)
        self.top = min(w.top for w in self.words)
        self.bottom = max(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def size(self) -> float:
        """The line's usual font size (its height when the reader knows no sizes)."""
        return statistics.median(self.height if w.size is None else w.size for w in self.words)

    @property
    def bold(self) -> bool:
        """Most of the line's characters are bold."""
        chars = [len(w.text) for w in self.words if w.bold]
        return sum(chars) * 2 > sum(len(w.text) for w in self.words)


@dataclass(slots=True)
class Rule:
    """A ruling line: a table's cell border or a rule across the page. A vertical rule has x0 == x1,
    a horizontal one top == bottom."""

    x0: float
    x1: float
    top: float
    bottom: float
    vertical: bool

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(slots=True)
class Fill:
    """A filled shape in a colour other than white: a shaded cell, a key's swatch, or a drawn status
    symbol (a ● drawn as curves), as its bounding box; its colour as "#rrggbb" and, as the PDF gives
    it, in `rgb` (None for a hand-built fill: read from `colour`)."""

    x0: float
    x1: float
    top: float
    bottom: float
    colour: str
    rgb: RGB | None = None

    @property
    def fill_rgb(self) -> RGB:
        if self.rgb is not None:
            return self.rgb
        h = self.colour.lstrip("#")
        return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255)


@dataclass
class GridRow:
    """One row of a ruled table: its cells' boxes left to right (None where a merged cell or a
    missing border leaves no cell of its own), and the row's box."""

    cells: list[Box | None]
    bbox: Box


@dataclass
class Grid:
    """A table found from its ruling lines, as the boxes of its cells, row by row; the recogniser
    reads each cell's text from the page's words inside its box. `page` is the `Page.number` it is on."""

    bbox: Box
    rows: list[GridRow] = field(default_factory=list)
    page: int = 0


@dataclass
class Page:
    """One laid-out page. `number` is its 0-based page (in the paper for minutes, in the file for a
    plan report's pages): a page printed in two newspaper columns may be read as two Pages of the same
    number, the second column moved onto the first one's x positions. `tables` and `glyphs` are given
    when the reader is asked for them (`pdf_layout.read_report_page`)."""

    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    tables: list[Grid] = field(default_factory=list)    # ruled tables, when the reader is asked
    glyphs: list[Glyph] = field(default_factory=list)   # printed characters, in the PDF's order

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line.words]

    @cached_property
    def verticals(self) -> list[Rule]:
        return [r for r in self.rules if r.vertical]

    @cached_property
    def horizontals(self) -> list[Rule]:
        return [r for r in self.rules if not r.vertical]


def group_lines(words: list[Word], tolerance: float = LINE_TOLERANCE) -> list[Line]:
    """Words as text lines, top to bottom: a word joins the line above when its top is within
    `tolerance` of that line's top."""
    groups: list[list[Word]] = []
    top = 0.0
    for w in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        if groups and abs(w.top - top) <= tolerance:
            groups[-1].append(w)
            top = min(top, w.top)
        else:
            groups.append([w])
            top = w.top
    return [Line(g) for g in groups]
