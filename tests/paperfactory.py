"""Council plan progress reports and committee minutes as PDFs, together with their ground truth.

Tests build the papers they need here instead of shipping binary fixtures: a spec says what a paper
holds and how it is laid out, `make_report` / `make_minutes` draw it with reportlab and return what an
extractor should find in it, in the terms of the database contract (../shared/CONTRACT.md).

Everything is laid out by one small engine (`Sheet` + `draw_table`): pages are planned as lists of
drawing operations first and drawn afterwards, so footers can say "Page 2 of 5", and every table
(scores, keys, actions, minutes) breaks pages, repeats its header and splits rows the same way.

Text in a table cell is wrapped to the column; the truth for a cell is its printed lines joined by
single spaces, which is what the contract asks an extractor to store.
"""
from __future__ import annotations

import calendar
import io
import os
import random
import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import reportlab
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

RAGS = ("red", "amber", "green", "blue", "grey")
SCORE = {rag: i for i, rag in enumerate(RAGS, 1)}

# --------------------------------------------------------------------------------------------
# Colours. A colour is a tuple whose length is its colour space: (g,) grey, (r, g, b), (c, m, y, k).

Colour = tuple
BLACK_RGB, WHITE_RGB = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)

PALETTES = {  # each status in RGB, as the two sample families print them
    "sdp": {"red": (1.0, 0.0, 0.0), "amber": (1.0, 0.7529, 0.0), "green": (0.0, 0.6902, 0.3137),
            "blue": (0.0, 0.4392, 0.7529), "grey": (0.651, 0.651, 0.651)},
    # the CSIP key's "Purple" is the contract's grey (complete, can come out of the plan)
    "csip": {"red": (0.8784, 0.2353, 0.1922), "amber": (0.9686, 0.6588, 0.1373),
             "green": (0.3608, 0.7216, 0.3608), "blue": (0.1804, 0.4588, 0.7137),
             "grey": (0.502, 0.3922, 0.6353)},
}
# A print shop's CMYK mix (the July sample) rather than a formula: extractors meet real mixes.
CSIP_CMYK = {"red": (0.0, 0.85, 0.85, 0.05), "amber": (0.0, 0.35, 0.95, 0.0),
             "green": (0.6, 0.0, 0.9, 0.1), "blue": (0.85, 0.45, 0.0, 0.0),
             "grey": (0.45, 0.75, 0.0, 0.2)}
# Greyscale prints: one level per status, none shared with table headers or shaded rows.
GREY_LEVELS = {"red": 0.2, "amber": 0.4, "green": 0.55, "blue": 0.7, "grey": 0.82}
GREY_HEADER = 0.93


def in_space(rgb: Colour, space: str) -> Colour:
    """An RGB colour as the given colour space prints it."""
    r, g, b = rgb
    if space == "rgb":
        return (r, g, b)
    if space == "grey":
        return (round(0.299 * r + 0.587 * g + 0.114 * b, 4),)
    if space == "cmyk":
        k = 1 - max(r, g, b)
        if k >= 1:
            return (0.0, 0.0, 0.0, 1.0)
        return tuple(round((1 - v - k) / (1 - k), 4) for v in (r, g, b)) + (round(k, 4),)
    raise ValueError(f"unknown colour space {space!r}")


def status_colour(rag: str, palette: str = "sdp", space: str = "rgb") -> Colour:
    """The colour a status is printed in: the value pdfplumber reports as `non_stroking_color`."""
    if space == "grey":
        return (GREY_LEVELS[rag],)
    if space == "cmyk" and palette == "csip":
        return CSIP_CMYK[rag]
    return in_space(PALETTES[palette][rag], space)


def _luminance(colour: Colour) -> float:
    if len(colour) == 1:
        return colour[0]
    if len(colour) == 4:
        c, m, y, k = colour
        colour = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    r, g, b = colour
    return 0.299 * r + 0.587 * g + 0.114 * b


def _contrast(fill: Colour, space: str) -> Colour:
    """Text colour that reads on a fill: white on dark cells, black on light ones."""
    return in_space(WHITE_RGB if _luminance(fill) < 0.5 else BLACK_RGB, space)


# --------------------------------------------------------------------------------------------
# Fonts. Built-in Type 1 fonts need nothing; the TrueType families fall back to reportlab's own
# Vera so the factory works on machines without DejaVu.

_FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
              os.path.join(os.path.dirname(reportlab.__file__), "fonts")]
_BUILTIN = {"helvetica": ("Helvetica", "Helvetica-Bold"), "times": ("Times-Roman", "Times-Bold")}
_TRUETYPE = {"dejavu": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
             "dejavu-sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
             "dejavu-serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf")}
_FALLBACK = ("Vera.ttf", "VeraBd.ttf")


def _find_font(filename: str) -> str | None:
    return next((os.path.join(d, filename) for d in _FONT_DIRS
                 if os.path.exists(os.path.join(d, filename))), None)


def _register(filename: str) -> str | None:
    path = _find_font(filename)
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


# --------------------------------------------------------------------------------------------
# Dates: only the forms this factory prints, so the truth never depends on a clever parser.

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    return int(text) + (2000 if len(text) == 2 else 0)


def due_date(timescale: str | None) -> str | None:
    """The contract's due_date: "March 2020", "Mar-20", "03/2020" → month end; "31/03/2020" → that
    day; anything else ("Ongoing", "Q3 2022/23") → None."""
    t = (timescale or "").strip()
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t):
        return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    if (m := re.fullmatch(r"([A-Za-z]+)[ \-](\d{4}|\d{2})", t)) and m[1].lower() in _MONTHS:
        return _month_end(_year(m[2]), _MONTHS[m[1].lower()]).isoformat()
    if m := re.fullmatch(r"(\d{1,2})/(\d{4})", t):
        return _month_end(int(m[2]), int(m[1])).isoformat()
    return None


def _as_at(line: str) -> str:
    """The position date an "as at" line prints; a month only means its last day."""
    if (m := re.search(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", line)) and m[2].lower() in _MONTHS:
        return date(int(m[3]), _MONTHS[m[2].lower()], int(m[1])).isoformat()
    for m in re.finditer(r"([A-Za-z]+) (\d{4})", line):
        if m[1].lower() in _MONTHS:
            return _month_end(int(m[2]), _MONTHS[m[1].lower()]).isoformat()
    if m := re.search(r"(\d{1,2})\.(\d{1,2})\.(\d{2,4})", line):
        return date(_year(m[3]), int(m[2]), int(m[1])).isoformat()
    raise ValueError(f"no date in {line!r}: set ReportSpec.as_at")


def _month_label(period: str, back: int = 0) -> str:
    """'2022-06' → 'June 2022' (or the month `back` months earlier)."""
    year, month = map(int, period.split("-"))
    month -= back
    while month < 1:
        year, month = year - 1, month + 12
    return f"{calendar.month_name[month]} {year}"


def _long_date(iso: str, comma: bool) -> str:
    d = date.fromisoformat(iso)
    return f"{calendar.day_name[d.weekday()]}{',' if comma else ''} {d.day} {calendar.month_name[d.month]} {d.year}"


# --------------------------------------------------------------------------------------------
# The layout engine.

Op = tuple  # ("text", x, y, s, font, size, colour, align) | ("fill", x, y, w, h, colour)
            # | ("line", x1, y1, x2, y2, width, colour) | ("dot", x, y, r, colour)


class Sheet:
    """Pages of drawing operations with a cursor `y` that runs down the current page."""

    def __init__(self, size: tuple[float, float], margins=(36, 56, 36, 50)):
        self.width, self.height = size
        self.left, self.right = margins[0], size[0] - margins[2]
        self.top, self.bottom = size[1] - margins[1], margins[3]
        self.pages: list[list[Op]] = []
        self.new_page()

    @property
    def page(self) -> int:
        return len(self.pages)

    @property
    def fresh(self) -> bool:
        return self.y >= self.top

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top
        self.rows_here = 0  # action rows started on this page, for rows_per_page

    def room(self) -> float:
        return self.y - self.bottom

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` still fits (a fresh page always takes what comes)."""
        if height > self.room() and not self.fresh:
            self.new_page()

    def add(self, op: Op) -> None:
        self.pages[-1].append(op)

    def lines(self, lines: Sequence[str], font: str, size: float, colour: Colour, *,
              leading: float | None = None, x: float | None = None, align: str = "left") -> None:
        leading = leading or size * 1.22
        x = self.left if x is None else x
        for line in lines:
            self.ensure(leading)
            self.add(("text", x, self.y - size * 0.85, line, font, size, colour, align))
            self.y -= leading

    def para(self, text: str, font: str, size: float, colour: Colour, *, indent: float = 0,
             after: float = 4, align: str = "left") -> None:
        width = self.right - self.left - indent
        x = (self.left + self.right) / 2 if align == "centre" else self.left + indent
        self.lines(wrap(text, font, size, width), font, size, colour, x=x, align=align)
        self.y -= after


def _draw(c: rl_canvas.Canvas, op: Op) -> None:
    kind = op[0]
    if kind == "text":
        _, x, y, s, font, size, colour, align = op
        _paint(c, colour)
        c.setFont(font, size)
        {"left": c.drawString, "centre": c.drawCentredString, "right": c.drawRightString}[align](x, y, s)
    elif kind == "fill":
        _, x, y, w, h, colour = op
        _paint(c, colour)
        c.rect(x, y, w, h, stroke=0, fill=1)
    elif kind == "line":
        _, x1, y1, x2, y2, width, colour = op
        _paint(c, colour, stroke=True)
        c.setLineWidth(width)
        c.line(x1, y1, x2, y2)
    elif kind == "dot":
        _, x, y, r, colour = op
        _paint(c, colour)
        c.circle(x, y, r, stroke=0, fill=1)


def _paint(c: rl_canvas.Canvas, colour: Colour, stroke: bool = False) -> None:
    if len(colour) == 1:
        (c.setStrokeGray if stroke else c.setFillGray)(colour[0])
    elif len(colour) == 3:
        (c.setStrokeColorRGB if stroke else c.setFillColorRGB)(*colour)
    else:
        (c.setStrokeColorCMYK if stroke else c.setFillColorCMYK)(*colour)


def _render(sheet: Sheet, path, decorate: Callable[[int, int], list[Op]], title: str,
            encrypt=None, rotate: int = 0) -> int:
    """Draw the planned pages; invariant=1 so the same spec always gives the same bytes.

    `rotate` 90 or 270: each page is stored turned a quarter the other way with /Rotate set, so a
    viewer shows it as planned (as some print drivers store landscape pages)."""
    size = (sheet.height, sheet.width) if rotate else (sheet.width, sheet.height)
    c = rl_canvas.Canvas(str(path), pagesize=size, invariant=1, encrypt=encrypt)
    c.setTitle(title)
    total = len(sheet.pages)
    for number, ops in enumerate(sheet.pages, 1):
        if rotate:
            c.setPageRotation(rotate)
            c.saveState()
            # shown turned clockwise: draw turned anticlockwise. A ten-thousandth of a degree over,
            # as the floating-point turn of a print driver leaves it: rules are then a hair off
            # level and rectangles come out as curves, as they do in such files
            if rotate == 90:
                c.translate(sheet.height, 0)
                c.rotate(90.0001)
            else:
                c.translate(0, sheet.width)
                c.rotate(-90.0001)
        for op in decorate(number, total) + ops:
            _draw(c, op)
        if rotate:
            c.restoreState()
        c.showPage()
    c.save()
    return total


@dataclass
class Cell:
    text: str | Sequence[str] = ""     # a sequence: lines that break there (e.g. "1.1", "Ofsted 1")
    bold: bool = False
    colour: Colour | None = None       # text colour; None: the table's
    fill: Colour | None = None
    align: str = "left"
    font: str | None = None
    size: float | None = None
    keep: bool = False                 # all its lines stay in the first part of a split row
    refill: bool = True                # its fill repeats on the continuation of a split row
    dot: Colour | None = None          # a drawn ● when no font has the glyph


@dataclass
class TableStyle:
    font: str
    bold: str
    size: float = 7.5
    leading: float = 8.7
    pad: float = 3.0
    vpad: float | None = None          # padding above and below a cell's text; None: `pad`
    colour: Colour = (0.0, 0.0, 0.0)
    grid: Colour | None = (0.0, 0.0, 0.0)
    grid_width: float = 0.5
    header_fill: Colour | None = None
    header_colour: Colour = (0.0, 0.0, 0.0)
    repeat_header: bool = True
    header_align: str = "left"         # left | centre
    open_cut: bool = False             # a row's part before a page break has no side or bottom borders
    split_rows: bool = True
    min_split_lines: int = 2           # a row is split only if this many lines fit before the break

    @property
    def vertical_pad(self) -> float:
        return self.pad if self.vpad is None else self.vpad


@dataclass
class Placed:
    """Where a body row landed: the page its first part is on and each cell's printed lines."""
    page: int
    lines: list[list[str]]


def _font_of(cell: Cell, style: TableStyle) -> tuple[str, float]:
    return cell.font or (style.bold if cell.bold else style.font), cell.size or style.size


def _leading_of(cell: Cell, style: TableStyle) -> float:
    return max(style.leading, (cell.size or style.size) * 1.2)


def _cell_lines(cell: Cell, width: float, style: TableStyle) -> list[str]:
    font, size = _font_of(cell, style)
    given = [cell.text] if isinstance(cell.text, str) else list(cell.text)
    return [line for part in given for line in wrap(part, font, size, width - 2 * style.pad)]


def _height(cells: Sequence[Cell], parts: Sequence[list[str]], style: TableStyle) -> float:
    body = max((len(p) * _leading_of(c, style) for c, p in zip(cells, parts)), default=0)
    return max(body, style.leading) + 2 * style.vertical_pad


def row_height(cells: Sequence[Cell], widths: Sequence[float], style: TableStyle) -> float:
    return _height(cells, [_cell_lines(c, w, style) for c, w in zip(cells, widths)], style)


def _fit(cells, rest, style: TableStyle, room: float, forced: int | None, at_top: bool) -> int:
    """How many lines of a row to draw before a page break; 0: move the whole row on."""
    if not style.split_rows:
        return 0
    longest = max((len(r) for c, r in zip(cells, rest) if not c.keep), default=0)
    kept = max((len(r) * _leading_of(c, style) for c, r in zip(cells, rest) if c.keep), default=0)
    k = int((room - 2 * style.vertical_pad) // style.leading)
    if forced:
        k = min(k, forced)
    while k > 0 and max(k * style.leading, kept) + 2 * style.vertical_pad > room:
        k -= 1
    lowest = 1 if (at_top or forced) else style.min_split_lines
    return k if lowest <= k < longest else 0


def _split(cells, rest, k: int) -> tuple[list[list[str]], list[list[str]]]:
    first = [r if c.keep else r[:k] for c, r in zip(cells, rest)]
    later = [[] if c.keep else r[k:] for c, r in zip(cells, rest)]
    return first, later


def _draw_part(sheet: Sheet, edges: Sequence[float], cells, parts, style: TableStyle,
               first: bool, cut: bool = False) -> None:
    """One row, or the part of it on this page; `cut`: a page break follows this part."""
    h = _height(cells, parts, style)
    top = sheet.y
    for cell, part, x0, x1 in zip(cells, parts, edges, edges[1:]):
        if cell.fill and (first or cell.refill):
            sheet.add(("fill", x0, top - h, x1 - x0, h, cell.fill))
        font, size = _font_of(cell, style)
        if cell.dot and first:
            sheet.add(("dot", (x0 + x1) / 2, top - style.vertical_pad - size * 0.45, size * 0.32, cell.dot))
        x = {"left": x0 + style.pad, "centre": (x0 + x1) / 2, "right": x1 - style.pad}[cell.align]
        lead = _leading_of(cell, style)
        for j, line in enumerate(part):
            sheet.add(("text", x, top - style.vertical_pad - size * 0.8 - j * lead, line, font, size,
                       cell.colour or style.colour, cell.align))
    if style.grid and cut and style.open_cut:  # as a browser prints it: only the row's top border
        sheet.add(("line", edges[0], top, edges[-1], top, style.grid_width, style.grid))
    elif style.grid:
        for y in (top, top - h):
            sheet.add(("line", edges[0], y, edges[-1], y, style.grid_width, style.grid))
        for x in edges:
            sheet.add(("line", x, top, x, top - h, style.grid_width, style.grid))
    sheet.y = top - h


def draw_table(sheet: Sheet, widths: Sequence[float], rows: Sequence[Sequence[Cell]],
               style: TableStyle, header: Sequence[str] | None = None, *, x: float | None = None,
               rows_per_page: int | None = None,
               break_inside: dict[int, int] | None = None) -> list[Placed]:
    """Lay a table out from the cursor down, over as many pages as it takes.

    The header row is repeated after each page break. A row that does not fit is split when enough
    of it fits (each cell's first lines here, the rest under the repeated header on the next page,
    with `keep` cells such as the ref left empty there), otherwise moved whole to the next page.
    `break_inside` forces a split: row index → lines to draw before the break.
    """
    x = sheet.left if x is None else x
    edges = [x]
    for w in widths:
        edges.append(edges[-1] + w)
    head = [Cell(h, bold=True, colour=style.header_colour, fill=style.header_fill, align=style.header_align)
            for h in header] if header else None
    head_lines = [_cell_lines(c, w, style) for c, w in zip(head, widths)] if head else None
    head_h = _height(head, head_lines, style) if head else 0
    placed: list[Placed] = []

    def draw_header() -> None:
        if head:
            _draw_part(sheet, edges, head, head_lines, style, first=True)

    def page_break() -> None:
        sheet.new_page()
        if style.repeat_header:
            draw_header()

    if rows:
        first_h = row_height(rows[0], widths, style)
        sheet.ensure(head_h + min(first_h, 2 * style.leading + 2 * style.vertical_pad))
    draw_header()
    for index, cells in enumerate(rows):
        lines = [_cell_lines(c, w, style) for c, w in zip(cells, widths)]
        if rows_per_page and sheet.rows_here >= rows_per_page:
            page_break()
        rest, first, page = lines, True, None
        while True:
            at_top = sheet.y >= sheet.top - head_h - 0.01
            forced = (break_inside or {}).get(index) if first and style.split_rows else None
            if forced and forced >= max(len(r) for r in rest):
                forced = None  # the whole row is shorter than the forced break
            if _height(cells, rest, style) <= sheet.room() and not forced:
                page = page or sheet.page
                _draw_part(sheet, edges, cells, rest, style, first)
                break
            k = _fit(cells, rest, style, sheet.room(), forced, at_top)
            if k:
                page = page or sheet.page
                now, rest = _split(cells, rest, k)
                _draw_part(sheet, edges, cells, now, style, first, cut=True)
                first = False
            elif at_top:  # taller than a page and not splittable: let it overflow
                page = page or sheet.page
                _draw_part(sheet, edges, cells, rest, style, first)
                break
            page_break()
        sheet.rows_here += 1
        placed.append(Placed(page, lines))
    return placed


def _fmt_score(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


# --------------------------------------------------------------------------------------------
# Reports: specs and truth.

@dataclass
class ActionSpec:
    ref: str | None
    text: str
    lead: str
    timescale: str
    success_measure: str
    progress: str
    rag: str | None                   # red/amber/green/blue/grey, None: unrated
    ofsted_ref: str | None = None     # printed under the ref: "Ofsted 1"
    extra: str | None = None          # value for ReportSpec.extra_column
    status_text: str | None = None    # a council's own status words printed instead of the rag's ("On target")
    direction: str | None = None      # value for ReportSpec.direction_column ("↑", Wingdings "é", "Improving")


@dataclass
class PrioritySpec:
    number: int
    title: str
    previous_score: float | None
    current_score: float | None
    actions: list[ActionSpec]


@dataclass
class ReportSpec:
    authority: str
    plan: str
    as_at_line: str                   # "Progress update as at 31 October 2019", "Progress update – July 2022"
    priorities: list[PrioritySpec]
    overall_previous: float | None
    overall_current: float | None
    department: str = ""
    intro: list[str] = field(default_factory=list)   # paragraphs before the scores table
    notes: list[str] = field(default_factory=list)   # paragraphs between scores table and key
    closing: list[str] = field(default_factory=list)  # paragraphs right under the last action table
    as_at: str | None = None          # ISO; default: read from as_at_line
    # layout
    house: str = "sdp"                # look of page 1, running header/footer, table colours
    orientation: str = "portrait"
    status_style: str = "fill"        # fill | word | letter | symbol | word_plain | word_was | row_fill
    legend_at_end: bool = False       # the key printed after the action tables, not on page 1
    cell_pad: float | None = None     # action-table cell padding; small: text runs up to the borders
    open_cut: bool = False            # rows cut by a page break printed as a browser does (no borders)
    stored_rotated: int = 0           # 90 | 270: pages stored turned, with /Rotate to show them upright
    status_header: str | None = None  # the status column's header instead of the vocabulary's
    colour_space: str = "rgb"         # rgb | cmyk | grey
    palette: str | None = None        # status colours "sdp" | "csip"; None: the house's
    legend: str | None = "sdp"        # key wording "sdp" | "csip" | "track"; None: no key
    vocabulary: str = "sdp"           # header words: sdp | csip | alt | narrow
    column_order: list[str] | None = None  # logical columns; None: the vocabulary's order
    extra_column: str | None = None   # header of an extra column fed by ActionSpec.extra
    font: str | None = None           # helvetica | times | dejavu | dejavu-sans | dejavu-serif
    body_size: float = 7.5
    heading_size: float = 9.5
    rows_per_page: int | None = None  # at most this many action rows (or row parts) on a page
    split_rows: bool = True           # split a row over a page break when part of it fits
    ruled: bool = True                # False: action tables drawn as text columns, no grid lines
    header_align: str = "left"        # action-table header cells: left | centre
    break_inside: dict[str, int] = field(default_factory=dict)  # ref → lines before a forced break
    score_labels: tuple[str, str] | None = None  # previous/current column headers
    # scores table: "number" ("1. Title" / a No. column) | "priority" ("Priority 1 – Title");
    # extra columns "Number of actions" and "Direction of travel"; the overall score as a sentence
    score_label_style: str = "number"
    score_extra_columns: bool = False
    overall_as_sentence: bool = False
    scores_ruled: bool = True         # False: the scores table printed without rules or shading
    roman_priorities: bool = False    # priorities numbered I, II, III … in the scores table and headings
    scores_in_headings: bool = False  # no scores table: "Priority 1: … – score 2.3 (previous 1.9)"
    direction_column: str | None = None  # header of a direction-of-travel column right after the status


@dataclass
class ExpectedPriority:
    number: int
    title: str
    previous_score: float | None
    current_score: float | None


@dataclass
class ExpectedAction:
    priority_number: int
    ref: str | None
    ofsted_ref: str | None
    text: str | None
    lead: str | None
    timescale: str | None
    due_date: str | None
    success_measure: str | None
    progress: str | None
    rag: str | None
    page: int
    extra: str | None = None
    status_text: str | None = None    # the status cell's text as printed (None for a colour only)
    direction: str | None = None      # the direction-of-travel cell as printed


@dataclass
class ExpectedReport:
    plan: str
    period: str
    as_at: str
    overall_previous_score: float | None
    overall_current_score: float | None
    priorities: list[ExpectedPriority]
    actions: list[ExpectedAction]
    pages: int
    first_page: int = 1
    last_page: int = 0


VOCABULARIES = {
    "sdp": {"ref": "Ref", "text": "Action", "lead": "Lead", "timescale": "Timescale",
            "success": "Measure of success", "progress": "Progress update", "status": "RAG"},
    "csip": {"status": "Status", "ref": "No.", "text": "Action", "lead": "Officer responsible",
             "timescale": "Completion date", "success": "Evidence of success",
             "progress": "Commentary"},
    "alt": {"ref": "No.", "text": "What we will do", "lead": "Responsible officer",
            "timescale": "By when", "success": "How we will know", "progress": "Update",
            "status": "RAG status"},
    # columns too narrow for their header words, which Word then breaks: a tuple is printed one
    # part per line
    "narrow": {"ref": "Ref", "text": "Action", "lead": "Lead", "timescale": ("Timesc", "ale"),
               "success": "Measure of success", "progress": "Progress update", "status": ("R", "A", "G")},
}
COLUMN_ORDERS = {
    "sdp": ["ref", "text", "lead", "timescale", "success", "progress", "status"],
    "csip": ["status", "ref", "text", "lead", "timescale", "success", "progress"],
    "alt": ["ref", "text", "lead", "timescale", "success", "progress", "status"],
    "narrow": ["ref", "text", "lead", "timescale", "success", "progress", "status"],
}
_ACTION_FIELD = {"ofsted": "ofsted_ref", "text": "text", "lead": "lead", "timescale": "timescale", "success": "success_measure",
                 "progress": "progress", "extra": "extra", "direction": "direction"}
_WEIGHTS = {"text": 100, "lead": 66, "timescale": 46, "success": 85, "progress": 148, "extra": 50, "ofsted": 40,
            "direction": 34}
OFSTED_HEADER = "Ofsted rec."  # the header of an "ofsted" column: the tag printed on its own, not under the ref
_STATUS_WIDTH = {"fill": 40, "word": 50, "letter": 34, "symbol": 38, "word_plain": 44, "word_was": 52,
                 "row_fill": 40}

LEGENDS = {
    "sdp": {
        "red": "The action has not yet started or there is significant delay in implementation. "
               "The action must be prioritised to bring it back on track to deliver improvement.",
        "amber": "The action has started but there is some delay in implementation. The action "
                 "must be monitored to ensure the required improvement is delivered.",
        "green": "The action is on track to be completed by the agreed date. Evidence is required "
                 "to show that the improvement has been sustained.",
        "blue": "The action has been completed and there is evidence that the improvement has "
                "been sustained. The action remains in the plan for monitoring.",
        "grey": "The action has been completed and there is evidence that the improvement has "
                "been sustained. The action can safely be removed from the plan.",
    },
    "csip": {
        "red": "Not started, or significantly behind the completion date",
        "amber": "Under way but behind schedule; recovery action in place",
        "green": "On track to complete by the completion date",
        "blue": "Complete; impact evidenced and being monitored",
        "grey": "Complete, with sustained impact; will come out of the plan when it is next reviewed",
    },
}
# A key of progress words rather than colours; "Off Track" means some delay (amber) in its own key.
LEGENDS["track"] = {
    "red": "Not started or significant delay",
    "amber": "Started, some delay",
    "green": "On track to complete by the agreed date",
    "blue": "Complete; improvement sustained and monitored",
    "grey": "Complete; can be removed from the plan",
}
STATUS_WORDS = {
    "csip": {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue", "grey": "Purple"},
    "sdp": {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue", "grey": "Grey"},
    "track": {"red": "Not Started", "amber": "Off Track", "green": "On Track", "blue": "Completed", "grey": "Closed"},
}
# "C" (closed) for grey where there is no purple: "G" is taken by green.
STATUS_LETTERS = {
    "csip": {"red": "R", "amber": "A", "green": "G", "blue": "B", "grey": "P"},
    "sdp": {"red": "R", "amber": "A", "green": "G", "blue": "B", "grey": "C"},
}


@dataclass(frozen=True)
class House:
    font: str
    accent: Colour          # titles and headings
    header_fill: Colour
    header_colour: Colour
    grid: Colour
    shade: Colour           # the overall-score row


HOUSES = {
    "sdp": House("helvetica", BLACK_RGB, (0.8627, 0.902, 0.9451), BLACK_RGB, BLACK_RGB,
                 (0.95, 0.95, 0.95)),
    "csip": House("dejavu", (0.0, 0.4, 0.4196), (0.0, 0.4, 0.4196), WHITE_RGB, (0.498, 0.498, 0.498),
                  (0.902, 0.9412, 0.9412)),
}


class _Look:
    """A ReportSpec's layout options resolved into fonts, colours and cell makers."""

    def __init__(self, spec: ReportSpec):
        self.spec = spec
        self.house = HOUSES[spec.house]
        self.space = spec.colour_space
        self.palette = spec.palette or spec.house
        self.regular, self.bold = font_pair(spec.font or self.house.font)
        self.words = STATUS_WORDS[spec.legend if spec.legend in ("csip", "track") else self.palette]
        self.letters = STATUS_LETTERS["csip" if spec.legend == "csip" else self.palette]
        self.vocab = VOCABULARIES[spec.vocabulary]
        order = list(spec.column_order or COLUMN_ORDERS[spec.vocabulary])
        if spec.extra_column and "extra" not in order:
            order.insert(order.index("progress") if "progress" in order else len(order), "extra")
        if spec.direction_column and "direction" not in order:
            order.insert(order.index("status") + 1 if "status" in order else len(order), "direction")
        self.columns = order
        self.black = self.c(BLACK_RGB)

    def c(self, rgb: Colour) -> Colour:
        return in_space(rgb, self.space)

    def header_colours(self) -> tuple[Colour, Colour]:
        if self.space == "grey":  # keep header shading clear of every status level
            return (GREY_HEADER,), self.black
        return self.c(self.house.header_fill), self.c(self.house.header_colour)

    def table(self, size: float, **overrides) -> TableStyle:
        fill, colour = self.header_colours()
        base = dict(font=self.regular, bold=self.bold, size=size, leading=round(size * 1.16, 2),
                    colour=self.black, grid=self.c(self.house.grid), header_fill=fill,
                    header_colour=colour)
        return TableStyle(**{**base, **overrides})

    def status_cell(self, rag: str | None) -> Cell:
        if rag is None:
            return Cell("", keep=True)
        colour = status_colour(rag, self.palette, self.space)
        style = self.spec.status_style
        if style in ("fill", "row_fill"):
            return Cell("", fill=colour, keep=True)
        if style in ("word", "letter"):
            text = self.words[rag] if style == "word" else self.letters[rag]
            return Cell(text, bold=True, fill=colour, colour=_contrast(colour, self.space),
                        align="centre", keep=True)
        if style == "symbol":
            size = self.spec.body_size * 1.75
            font = symbol_font()
            if font is None:
                return Cell("", size=size, dot=colour, keep=True)
            return Cell("●", font=font, size=size, colour=colour, align="centre", keep=True)
        if style == "word_plain":
            return Cell(self.words[rag], keep=True)
        if style == "word_was":  # "Green (was Amber)": the old status beside the new, in plain words
            was = RAGS[(RAGS.index(rag) + 1) % len(RAGS)]
            return Cell(f"{self.words[rag]} (was {self.words[was]})", keep=True)
        raise ValueError(f"unknown status_style {style!r}")

    def widths(self, total: float, actions: Sequence[ActionSpec]) -> list[float]:
        """Ref and status columns as narrow as their content; the rest share what is left, each at
        least as wide as its longest word (as Word's AutoFit makes them), so no word runs into the
        next column."""
        pad = 2 * 3.0 + 2
        size = self.spec.body_size
        fixed = {"status": _STATUS_WIDTH[self.spec.status_style]}
        ref_lines = [s for a in actions for s in (a.ref, a.ofsted_ref) if s] + [self.vocab["ref"]]
        fixed["ref"] = max(pdfmetrics.stringWidth(s, self.bold, size) for s in ref_lines) + pad
        free_columns = [c for c in self.columns if c not in fixed]

        def longest_word(column: str) -> float:
            header = {"extra": self.spec.extra_column, "ofsted": OFSTED_HEADER,
                      "direction": self.spec.direction_column}.get(column) or self.vocab[column]
            header_words = header.split() if isinstance(header, str) else list(header)
            texts = [getattr(a, _ACTION_FIELD[column]) or "" for a in actions]
            return max([pdfmetrics.stringWidth(w, self.regular, size) for t in texts for w in t.split()]
                       + [pdfmetrics.stringWidth(w, self.bold, size) for w in header_words]) + pad

        floor = {c: longest_word(c) for c in free_columns}
        free = total - sum(fixed[c] for c in self.columns if c in fixed)
        widths = {c: free * _WEIGHTS[c] / sum(_WEIGHTS[k] for k in free_columns) for c in free_columns}
        short = {c for c in free_columns if widths[c] < floor[c]}
        if short:  # widen the cramped columns; the others give up the room in proportion
            room = free - sum(floor[c] for c in short)
            rest = [c for c in free_columns if c not in short]
            widths = {c: floor[c] if c in short else room * _WEIGHTS[c] / sum(_WEIGHTS[k] for k in rest)
                      for c in free_columns}
        return [fixed[c] if c in fixed else widths[c] for c in self.columns]


def make_report(path, spec: ReportSpec) -> ExpectedReport:
    """Write a plan progress report to `path`; return what an extractor should find in it."""
    return _make_report(path, spec)


def _make_report(path, spec: ReportSpec, encrypt=None) -> ExpectedReport:
    look = _Look(spec)
    size = landscape(A4) if spec.orientation == "landscape" else A4
    sheet = Sheet(size)
    as_at = spec.as_at or _as_at(spec.as_at_line)
    _front_page(sheet, spec, look, as_at[:7])
    sheet.new_page()
    actions = _action_tables(sheet, spec, look)
    if spec.legend_at_end:
        _legend(sheet, spec, look)
    sheet.y += 8  # close under the table, as "Report author: …" lines often are
    for text in spec.closing:
        sheet.para(text, look.regular, spec.body_size, look.black, after=2)
    pages = _render(sheet, path, _report_decor(sheet, spec, look, as_at[:7]),
                    f"{spec.plan} – {spec.as_at_line}", encrypt, rotate=spec.stored_rotated)
    priorities = [ExpectedPriority(p.number, " ".join(p.title.split()), p.previous_score,
                                   p.current_score) for p in spec.priorities]
    printed = not spec.scores_in_headings  # with the scores in the headings, no overall score is printed
    return ExpectedReport(spec.plan, as_at[:7], as_at, spec.overall_previous if printed else None,
                          spec.overall_current if printed else None,
                          priorities, actions, pages, 1, pages)


def _front_page(sheet: Sheet, spec: ReportSpec, look: _Look, period: str) -> None:
    accent, black, bold, regular = look.c(look.house.accent), look.black, look.bold, look.regular
    sheet.y -= 4
    sheet.para(spec.authority, bold, 11 if spec.house == "sdp" else 12, accent, after=3)
    if spec.department:
        sheet.para(spec.department, regular, 10.5, black, after=3)
    sheet.para(spec.plan, bold, 18 if spec.house == "sdp" else 17, accent, after=4)
    sheet.para(spec.as_at_line, bold, 12, black, after=8)
    for text in spec.intro:
        sheet.para(text, regular, 8.5, black, after=5)
    if not spec.scores_in_headings:
        _scores_table(sheet, spec, look, period)
    sheet.y -= 10
    for text in spec.notes:
        sheet.para(text, regular, 8.5, black, after=5)
    if not spec.legend_at_end:
        _legend(sheet, spec, look)


def _scores_table(sheet: Sheet, spec: ReportSpec, look: _Look, period: str) -> None:
    total = sheet.right - sheet.left
    bold = dict(bold=True, align="centre")
    n = lambda p: _numeral(p.number, spec)  # noqa: E731
    label = (lambda p: f"Priority {n(p)} – {p.title}") if spec.score_label_style == "priority" else None
    if spec.house == "sdp" and not spec.score_extra_columns:
        previous, current = spec.score_labels or ("Previous period", "Current period")
        rows = [] if spec.overall_as_sentence else [
            [Cell("Overall score", bold=True), Cell(_fmt_score(spec.overall_previous), **bold),
             Cell(_fmt_score(spec.overall_current), **bold)]]
        rows += [[Cell("Priority", bold=True), Cell(previous, **bold), Cell(current, **bold)]]
        rows += [[Cell(label(p) if label else f"{n(p)}. {p.title}"), Cell(_fmt_score(p.previous_score), align="centre"),
                  Cell(_fmt_score(p.current_score), align="centre")] for p in spec.priorities]
        draw_table(sheet, [total - 130, 65, 65], rows, look.table(8, **_unruled(spec)))
    else:
        previous, current = spec.score_labels or (_month_label(period, 1), _month_label(period))
        shade = (GREY_HEADER,) if look.space == "grey" else look.c(look.house.shade)
        extra = spec.score_extra_columns
        rows = []
        for p in spec.priorities:
            arrows = ("→", "↑", "↓") if symbol_font() else ("same", "up", "down")
            travel = arrows[0] if p.current_score == p.previous_score else (
                arrows[1] if (p.current_score or 0) > (p.previous_score or 0) else arrows[2])
            rows.append([Cell(f"P{p.number}" if extra else n(p), align="centre"),
                         Cell(label(p) if label else p.title),
                         *([Cell(str(len(p.actions)), align="centre")] if extra else []),
                         Cell(_fmt_score(p.previous_score), align="centre"),
                         Cell(_fmt_score(p.current_score), align="centre"),
                         *([Cell(travel, align="centre", font=symbol_font())] if extra else [])])
        if not spec.overall_as_sentence:
            rows.append([Cell("", fill=shade), Cell("Overall plan score", bold=True, fill=shade),
                         *([Cell("", fill=shade)] if extra else []),
                         Cell(_fmt_score(spec.overall_previous), fill=shade, **bold),
                         Cell(_fmt_score(spec.overall_current), fill=shade, **bold),
                         *([Cell("", fill=shade)] if extra else [])])
        if extra:
            widths = [32, total - 372, 70, 100, 100, 70]
            header = ["Ref", "Priority", "Number of actions", previous, current, "Direction of travel"]
        else:
            widths, header = [32, total - 242, 105, 105], ["No.", "Priority", previous, current]
        draw_table(sheet, widths, rows, look.table(8, pad=4.5, **_unruled(spec)), header=header)
    if spec.overall_as_sentence:
        sheet.y -= 6
        sheet.para(f"The overall score has improved from {_fmt_score(spec.overall_previous)} to "
                   f"{_fmt_score(spec.overall_current)}.", look.regular, 8.5, look.black, after=5)


def _numeral(number: int, spec: ReportSpec) -> str:
    """A priority's number as the report prints it: 3, or III."""
    if not spec.roman_priorities:
        return str(number)
    return "".join(r * c for r, c in zip(("X", "IX", "V", "IV", "I"), _roman_counts(number)))


def _roman_counts(n: int) -> list[int]:
    counts = []
    for value in (10, 9, 5, 4, 1):
        counts.append(n // value)
        n %= value
    return counts


def _unruled(spec: ReportSpec) -> dict:
    return {} if spec.scores_ruled else {"grid": None, "header_fill": None, "header_colour": BLACK_RGB}


def _legend(sheet: Sheet, spec: ReportSpec, look: _Look) -> None:
    if not spec.legend:
        return
    title = "RAG rating key" if spec.legend == "sdp" else "Status key"
    sheet.ensure(90)
    sheet.para(title, look.bold, 9, look.c(look.house.accent), after=3)
    named = spec.status_style in ("word", "word_plain")  # the swatch already says the colour
    rows = []
    for rag in RAGS:
        text = LEGENDS[spec.legend][rag]
        if spec.legend == "csip" and not named:
            text = f"{look.words[rag]} – {text}"
        rows.append([look.status_cell(rag), Cell(text)])
    grid = None if spec.status_style == "symbol" else look.c(look.house.grid)
    widths = [60, 250] if spec.legend == "sdp" else [52, 340]
    draw_table(sheet, widths, rows, look.table(8, grid=grid, min_split_lines=99))


def _action_tables(sheet: Sheet, spec: ReportSpec, look: _Look) -> list[ExpectedAction]:
    all_actions = [a for p in spec.priorities for a in p.actions]
    widths = look.widths(sheet.right - sheet.left, all_actions)
    header = [spec.extra_column if c == "extra" else spec.direction_column if c == "direction"
              else (spec.status_header or look.vocab[c]) if c == "status"
              else OFSTED_HEADER if c == "ofsted" else look.vocab[c] for c in look.columns]
    style = look.table(spec.body_size, split_rows=spec.split_rows, header_align=spec.header_align, open_cut=spec.open_cut,
                       **({} if spec.ruled else {"grid": None}), **({} if spec.cell_pad is None else {"pad": spec.cell_pad}))
    header_h = row_height([Cell(h, bold=True) for h in header], widths, style)
    truth: list[ExpectedAction] = []
    for priority in spec.priorities:
        rows = [[_action_cell(a, c, look) for c in look.columns] for a in priority.actions]
        scores = (f" – score {_fmt_score(priority.current_score)} (previous {_fmt_score(priority.previous_score)})"
                  if spec.scores_in_headings else "")
        heading = wrap(f"Priority {_numeral(priority.number, spec)}: {priority.title}{scores}", look.bold,
                       spec.heading_size, sheet.right - sheet.left)
        first = min(row_height(rows[0], widths, style), 2 * style.leading + 2 * style.vertical_pad) if rows else 0
        sheet.ensure(len(heading) * spec.heading_size * 1.22 + 3 + header_h + first)
        sheet.lines(heading, look.bold, spec.heading_size, look.c(look.house.accent))
        sheet.y -= 3
        breaks = {i: spec.break_inside[a.ref] for i, a in enumerate(priority.actions)
                  if a.ref in spec.break_inside}
        placed = draw_table(sheet, widths, rows, style, header=header,
                            rows_per_page=spec.rows_per_page, break_inside=breaks)
        truth += [_action_truth(priority.number, a, look.columns + (["status"] if spec.status_style == "row_fill" else []), p)
                  for a, p in zip(priority.actions, placed)]
        sheet.y -= 12
    return truth


def _action_cell(action: ActionSpec, column: str, look: _Look) -> Cell:
    if column == "status" and action.status_text is not None:  # the council's own words, plain
        return Cell(action.status_text, keep=True, font=_glyph_font(action.status_text, look))
    if column == "status":
        return look.status_cell(action.rag)
    if column == "direction":
        return Cell(action.direction or "", align="centre", keep=True, font=_glyph_font(action.direction, look))
    tag = None if "ofsted" in look.columns else action.ofsted_ref  # under the ref, unless a column of its own
    if column == "ofsted":
        return Cell(action.ofsted_ref or "")
    if column == "ref" and look.spec.status_style == "row_fill" and action.rag:
        fill = status_colour(action.rag, look.palette, look.space)
        return Cell([s for s in (action.ref, tag) if s], keep=True, fill=fill,
                    colour=_contrast(fill, look.space))
    if column == "ref":
        return Cell([s for s in (action.ref, tag) if s], keep=True)
    value = {"text": action.text, "lead": action.lead, "timescale": action.timescale,
             "success": action.success_measure, "progress": action.progress,
             "extra": action.extra}[column]
    if look.spec.status_style == "row_fill" and action.rag:  # the whole row in its status colour
        fill = status_colour(action.rag, look.palette, look.space)
        return Cell(value or "", fill=fill, colour=_contrast(fill, look.space))
    return Cell(value or "")


def _glyph_font(text: str | None, look: _Look) -> str | None:
    """Arrows (↑ ↗) need a font that has them; Wingdings' letters (é ê è) print in the body font."""
    return symbol_font() if text and any(ord(ch) > 0xFF for ch in text) else None


def _action_truth(priority: int, action: ActionSpec, columns: list[str], placed: Placed) -> ExpectedAction:
    printed = {c: " ".join(lines) or None for c, lines in zip(columns, placed.lines)}
    has_ref = "ref" in columns
    return ExpectedAction(
        priority_number=priority,
        ref=action.ref if has_ref else None,
        ofsted_ref=action.ofsted_ref if has_ref or "ofsted" in columns else None,
        text=printed.get("text"), lead=printed.get("lead"), timescale=printed.get("timescale"),
        due_date=due_date(printed.get("timescale")), success_measure=printed.get("success"),
        progress=printed.get("progress"), rag=action.rag if "status" in columns else None,
        page=placed.page, extra=printed.get("extra"), status_text=printed.get("status"),
        direction=printed.get("direction"))


def _report_decor(sheet: Sheet, spec: ReportSpec, look: _Look, period: str):
    """Running header and footer of every page."""
    w, h, left, right = sheet.width, sheet.height, sheet.left, sheet.right
    accent = look.c(look.house.accent)

    if spec.house == "sdp":
        grey = look.c((0.3, 0.3, 0.3))
        running = " – ".join(s for s in (spec.authority, spec.department) if s)
        label = f"{spec.plan}: progress update {_month_label(period)}"
        fixed = [("text", left, h - 30, running, look.regular, 7.5, grey, "left"),
                 ("text", right, h - 30, label, look.regular, 7.5, grey, "right"),
                 ("line", left, h - 34, right, h - 34, 0.4, grey),
                 ("text", left, 30, "OFFICIAL", look.regular, 7.5, look.black, "left")]
        return lambda n, total: fixed + [
            ("text", right, 30, f"Page {n} of {total}", look.regular, 7.5, look.black, "right")]

    white = look.c(WHITE_RGB) if look.space != "grey" else look.black
    band = accent if look.space != "grey" else (GREY_HEADER,)
    footer = f"{spec.department or spec.authority} – improvement programme"
    fixed = [("fill", 0, h - 26, w, 26, band),
             ("text", left, h - 17, spec.authority, look.bold, 9, white, "left"),
             ("text", right, h - 17, spec.plan, look.regular, 9, white, "right"),
             ("text", left, 28, footer, look.regular, 7.5, accent, "left")]
    return lambda n, total: fixed + [
        ("text", right, 28, f"Page {n} of {total}", look.regular, 7.5, accent, "right")]


# --------------------------------------------------------------------------------------------
# Minutes: specs and truth.

@dataclass
class AmberRow:
    action_text: str
    reason: str
    ref: str | None = None            # the action it is about in the discussed report; None: none
    new_rag: str | None = None        # status the meeting changed it to ("Updated to GREEN")
    target_date: str | None = None    # ISO date the reason states ("Target date March 2020")
    points_to: int | None = None      # "As per 1.1": the index of the earlier row whose reason it carries


@dataclass
class AgendaItem:
    number: int
    title: str
    paragraphs: list[str] = field(default_factory=list)
    resolution: str | None = None     # "RESOLVED, that – …" / "RESOLVED: That …"
    amber_rows: list[AmberRow | tuple[str, str]] = field(default_factory=list)
    plan: str | None = None           # the plan the Amber table is about; default: the title
    after_table: list[str] = field(default_factory=list)


@dataclass
class MinutesSpec:
    authority: str
    committee: str
    meeting_date: str                 # ISO
    items: list[AgendaItem]
    time: str = "2.00 pm"
    venue: str | None = None
    present: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    present_label: str = "Present"
    officers_label: str = "Officers:"
    closing: list[str] = field(default_factory=lambda: ["The meeting ended at 3.20 pm", "Chairman"])
    # layout
    # ruled | unruled | list ("(a) action – reason") | pairs (the action in bold, its reason indented
    # under it) | labelled pairs (the reason headed "Reason for Amber:")
    table_style: str = "ruled"
    reason_header: str = "Reason for Amber"
    first_header_blank: bool = False
    repeat_header: bool = True
    header_align: str = "left"         # left | centre
    header_fill: Colour | None = None  # RGB; header text turns white on a dark fill
    font: str = "helvetica"
    date_comma: bool = True           # "Thursday, 12 December 2019" vs "Tuesday 19 July 2022"
    page_label: str = "plain"         # plain "1" | of "Page 1 of 2"
    # meeting: committee, then "Minutes of the meeting held on …" | body: "Minutes of the <committee>
    # held on …" | dash: "<committee> – Minutes", then the date
    title_style: str = "meeting"
    row_padding: float | None = None  # space above and below the reasons' cells; 0: none between rows
    columns: int = 1                  # 2: printed in two newspaper-style columns, read down the left first


@dataclass
class ExpectedItem:
    number: int
    title: str
    resolution: str | None
    page: int


@dataclass
class ExpectedAmberRow:
    position: int
    plan: str
    action_text: str
    reason: str
    effective_reason: str
    new_rag: str | None
    target_date: str | None
    ref: str | None
    page: int


@dataclass
class ExpectedMinutes:
    committee: str
    meeting_date: str
    items: list[ExpectedItem]
    amber_rows: list[ExpectedAmberRow]
    pages: int
    first_page: int = 1
    last_page: int = 0


_BACK_REFERENCES = {"same as above", "as above"}


def make_minutes(path, spec: MinutesSpec) -> ExpectedMinutes:
    """Write committee minutes to `path`; return what an extractor should find in them."""
    regular, bold = font_pair(spec.font)
    black = BLACK_RGB
    column, gutter = (A4[0] - 112 - 24) / 2, 24
    # two columns: the text is laid out on pages one column wide, then each pair of them is printed
    # side by side on one page
    sheet = Sheet(A4, margins=(56, 60, 56 + (column + gutter if spec.columns == 2 else 0), 56))
    held = f" at {spec.venue}" if spec.venue else ""
    when = f"{_long_date(spec.meeting_date, spec.date_comma)} at {spec.time}"
    title = {"meeting": [(spec.committee, 13), (f"Minutes of the meeting held{held} on {when}", 10.5)],
             "body": [(f"Minutes of the {spec.committee} held{held} on {when}", 12)],
             "dash": [(f"{spec.committee} – Minutes", 13), (when + held, 10.5)]}[spec.title_style]
    for text, size in [(spec.authority, 12), *title]:
        sheet.para(text, bold, size, black, align="centre", after=2)
    sheet.y -= 10
    for label, names in ((spec.present_label, spec.present), (spec.officers_label, spec.officers)):
        if names:
            _name_list(sheet, label, names, regular, bold)
    items, rows = [], []
    for item in spec.items:
        items.append(_minutes_item(sheet, spec, item, rows, regular, bold))
    for line in spec.closing:
        sheet.para(line, regular, 10, black, after=4)
    if spec.columns == 2:
        sheet.pages = [left + [_shifted(op, column + gutter) for op in right]
                       for left, right in zip(sheet.pages[::2], sheet.pages[1::2] + [[]])]
        items = [replace(i, page=(i.page + 1) // 2) for i in items]
        rows[:] = [replace(r, page=(r.page + 1) // 2) for r in rows]
    pages = _render(sheet, path, _minutes_decor(sheet, spec, regular),
                    f"{spec.committee} – minutes {spec.meeting_date}")
    return ExpectedMinutes(spec.committee, spec.meeting_date, items, rows, pages, 1, pages)


def _shifted(op: Op, dx: float) -> Op:
    """A drawing operation moved right by dx (into the second column)."""
    if op[0] == "line":
        return (op[0], op[1] + dx, op[2], op[3] + dx, *op[4:])
    return (op[0], op[1] + dx, *op[2:])


def _name_list(sheet: Sheet, label: str, names: list[str], regular: str, bold: str) -> None:
    """Attendance as two columns of names, filled row by row as the samples print it."""
    sheet.para(label, bold, 10, BLACK_RGB, after=2)
    gutter = 12
    half = (sheet.right - sheet.left - 10 - gutter) / 2
    pairs = [names[i:i + 2] + [""] * (2 - len(names[i:i + 2])) for i in range(0, len(names), 2)]
    style = TableStyle(regular, bold, size=10, leading=12, pad=0.5, grid=None, split_rows=False)
    draw_table(sheet, [half, gutter, half], [[Cell(a), Cell(), Cell(b)] for a, b in pairs], style,
               x=sheet.left + 10)
    sheet.y -= 6


def _minutes_item(sheet: Sheet, spec: MinutesSpec, item: AgendaItem, rows: list,
                  regular: str, bold: str) -> ExpectedItem:
    black = BLACK_RGB
    sheet.ensure(40)
    heading = wrap(f"{item.number}. {item.title}", bold, 10.5, sheet.right - sheet.left)
    sheet.ensure(len(heading) * 12.8 + 14)
    page = sheet.page
    sheet.lines(heading, bold, 10.5, black)
    sheet.y -= 3
    for text in item.paragraphs:
        sheet.para(text, regular, 10, black, indent=20, after=5)
    if item.amber_rows:
        _amber_table(sheet, spec, item, rows, regular, bold)
    for text in item.after_table:
        sheet.para(text, regular, 10, black, indent=20, after=5)
    if item.resolution:
        sheet.para(item.resolution, regular, 10, black, indent=20, after=5)
    sheet.y -= 3
    resolution = " ".join(item.resolution.split()) if item.resolution else None
    return ExpectedItem(item.number, " ".join(item.title.split()), resolution, page)


def _amber_table(sheet: Sheet, spec: MinutesSpec, item: AgendaItem, rows: list,
                 regular: str, bold: str) -> None:
    given = [r if isinstance(r, AmberRow) else AmberRow(*r) for r in item.amber_rows]
    ruled = spec.table_style == "ruled"
    dark = spec.header_fill and _luminance(spec.header_fill) < 0.5
    style = TableStyle(regular, bold, size=9.5 if ruled else 10, leading=11.5 if ruled else 12,
                       pad=3.5 if ruled else 5, vpad=spec.row_padding,
                       grid=BLACK_RGB if ruled else None,
                       header_fill=spec.header_fill, header_colour=WHITE_RGB if dark else BLACK_RGB,
                       repeat_header=spec.repeat_header, split_rows=False)
    x = sheet.left + 24
    widths = [(sheet.right - x) * 0.45, (sheet.right - x) * 0.55]
    header = ["" if spec.first_header_blank else "Action", spec.reason_header]
    if spec.table_style == "list":  # "(a) <action> – <reason>", a paragraph each
        placed = []
        for k, r in enumerate(given):
            sheet.ensure(30)
            placed.append(Placed(sheet.page, [[r.action_text], [r.reason]]))
            sheet.para(f"({chr(ord('a') + k)}) {r.action_text} – {r.reason}", regular, 10, BLACK_RGB, after=4)
    elif spec.table_style in ("pairs", "labelled pairs"):  # the action in bold, its reason indented under it
        placed = []
        label = "Reason for Amber: " if spec.table_style == "labelled pairs" else ""
        for r in given:
            sheet.ensure(40)
            placed.append(Placed(sheet.page, [[r.action_text], [r.reason]]))
            sheet.para(r.action_text, bold, 10, BLACK_RGB, after=1)
            sheet.para(label + r.reason, regular, 10, BLACK_RGB, indent=18, after=6)
    else:
        placed = draw_table(sheet, widths, [[Cell(r.action_text), Cell(r.reason)] for r in given],
                            style, header=header, x=x)
    sheet.y -= 8
    plan = item.plan or " ".join(item.title.split())
    start = len(rows)
    for row, where in zip(given, placed):
        action_text, reason = (" ".join(lines) for lines in where.lines)
        effective = reason
        if reason.strip(" .").lower() in _BACK_REFERENCES and rows:
            effective = rows[-1].effective_reason
        if row.points_to is not None:
            effective = rows[start + row.points_to].effective_reason
        rows.append(ExpectedAmberRow(len(rows) + 1, plan, action_text, reason, effective,
                                     row.new_rag, row.target_date, row.ref, where.page))


def _minutes_decor(sheet: Sheet, spec: MinutesSpec, regular: str):
    def decor(n: int, total: int) -> list[Op]:
        label = str(n) if spec.page_label == "plain" else f"Page {n} of {total}"
        return [("text", sheet.width / 2, 30, label, regular, 7.5, BLACK_RGB, "centre")]
    return decor


# --------------------------------------------------------------------------------------------
# Files an ingester must reject, each for its own reason.

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
    return _make_report(path, spec or sdp_spec(), encrypt=encryption)


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
    path = _find_font("DejaVuSans.ttf")

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


# --------------------------------------------------------------------------------------------
# Ready-made papers. Each action row carries its status in every report of the series as one
# letter per period (R A G B, X = grey, "-" = not in that report, "." = unrated), so consecutive
# reports agree: a report's previous scores are the current scores of the report before it.

_CODES = {"R": "red", "A": "amber", "G": "green", "B": "blue", "X": "grey", ".": None}


@dataclass
class _Row:
    ref: str | None
    ofsted: str | None
    text: str
    lead: str
    timescale: str
    success: str
    codes: str                         # baseline, then one letter per report period
    progress: tuple[str, ...]          # one per report period; the last repeats
    budget: str = "Within existing budget"


def _mean(codes: Sequence[str]) -> float | None:
    scores = [SCORE[_CODES[c]] for c in codes if _CODES.get(c)]
    if not scores:
        return None
    return float((Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _mean_of(values: Sequence[float | None]) -> float | None:
    got = [Decimal(str(v)) for v in values if v is not None]
    if not got:
        return None
    return float((sum(got) / len(got)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _series_priorities(table, periods: Sequence[str], period: str, running: bool) -> list[PrioritySpec]:
    if period not in periods[1:]:
        raise ValueError(f"period {period!r} not one of {list(periods[1:])}")
    i = periods.index(period)
    priorities, counter = [], 0
    for number, title, rows in table:
        present = [r for r in rows if r.codes[i] != "-"]
        actions = []
        for r in present:
            counter += 1
            actions.append(ActionSpec(
                ref=str(counter) if running else r.ref, text=r.text, lead=r.lead,
                timescale=r.timescale, success_measure=r.success,
                progress=r.progress[min(i - 1, len(r.progress) - 1)], rag=_CODES[r.codes[i]],
                ofsted_ref=r.ofsted, extra=r.budget))
        previous = _mean([r.codes[i - 1] for r in rows if r.codes[i - 1] != "-"])
        priorities.append(PrioritySpec(number, title, previous, _mean([r.codes[i] for r in present]),
                                       actions))
    return priorities


def _report(base: dict, priorities: list[PrioritySpec], layout: dict) -> ReportSpec:
    fields = {**base, **layout}
    return ReportSpec(priorities=priorities,
                      overall_previous=_mean_of([p.previous_score for p in priorities]),
                      overall_current=_mean_of([p.current_score for p in priorities]), **fields)


_SDP_PERIODS = ("2019-09", "2019-10", "2019-11", "2019-12")
_SDP = [
    (1, "Recruiting, retaining and developing a skilled and confident social care workforce", [
        _Row("1.1", "Ofsted 1", "Implement the recruitment and retention strategy to reduce reliance on agency social workers to below 15% of the qualified workforce",
             "Head of Service, Children’s Social Care / HR Business Partner", "March 2020",
             "Agency rate below 15%; vacancy rate below 10%; exit interviews show improved retention", "AGGG",
             ("Two permanent Team Manager appointments made in September. Agency rate is 18% (down from 24% in April).",
              "Agency rate is 17%. Three permanent social workers start in December. Exit interview process relaunched with HR.",
              "Agency rate is 16%; recruitment campaign for the assessment teams closes in January."), "£85,000"),
        _Row("1.2", None, "Deliver a social work academy for newly qualified social workers (ASYE) with protected caseloads and weekly supervision",
             "Principal Social Worker", "Sep-19",
             "All ASYE workers have caseloads within agreed limits; 100% complete the ASYE within 12 months", "BXX-",
             ("Academy in place since April. All six ASYE workers passed their six-month review.",
              "Completed. Academy model embedded; action can be removed from the plan.")),
        _Row("1.3", None, "Young people receive a consistently good service from children’s social care and early help. A thorough induction is in place to enable workers to be in a position to support young people well",
             "Principal Social Worker", "31/12/2019",
             "Induction checklist completed for every new starter within four weeks; feedback from new staff", "GAAG",
             ("Induction pack drafted; agency staff not yet included.",
              "Induction pack agreed. Process being formalised with HR so that every starter, including agency staff, receives the same induction.",
              "Induction sessions now run every six months for all starters.")),
        _Row("1.4", None, "To build expertise in direct work that supports resilience and wellbeing",
             "Workforce Development Lead", "March 2020",
             "Practitioners report increased confidence; audits evidence direct work on children’s files", "RAAA",
             ("Training provider identified.", "Provider identified. Training dates to be confirmed for the new year.",
              "First two cohorts booked for January and February."), "£12,500"),
        _Row("1.5", None, "Continue to improve our understanding of the cultural practices and lifestyles of the young people in our care",
             "Head of Service, Children’s Social Care", "Ongoing",
             "Assessments and care plans reflect identity and culture; feedback from young people", "AAAG",
             ("Identity section being added to the care plan template.",
              "Identity section added to the care plan template; audit to follow.",
              "Audit found identity recorded in 88% of care plans.")),
    ]),
    (2, "Providing coherent and coordinated early help services to children and their families", [
        _Row("2.1", "Ofsted 2", "Establish a single front door for early help and statutory referrals so that thresholds are applied consistently",
             "Head of Early Help", "December 2019",
             "All contacts screened through one front door; 90% of decisions made within 24 hours", "RRAG",
             ("Restructure consultation under way.", "Restructure consultation closed on 15 November. Go-live date to be agreed.",
              "Front door went live on 2 December; 92% of decisions made within 24 hours."), "£40,000"),
        _Row("2.2", None, "Review the early help assessment and step-up/step-down protocol with partners",
             "Service Manager, Early Help", "Nov-19",
             "Protocol signed off by the Safeguarding Partnership; no delays in step-down", "AGGB",
             ("Draft protocol shared with partners.", "Protocol agreed at the Safeguarding Partnership on 7 November.",
              "Protocol in use; no delays in step-down in November.")),
        _Row("2.3", None, "Increase the take-up of early help by families from Bangladeshi and Somali communities through targeted outreach",
             "Early Help Coordinator", "March 2020",
             "Take-up reflects the community profile of the borough; feedback from families", "GGAA",
             ("Translated leaflets distributed.", "Drop-in sessions held at two community centres; take-up has not yet risen.",
              "Community champions recruited in two wards.")),
        _Row("2.4", None, "Commission an evidence-based parenting programme for parents of adolescents",
             "Commissioning Manager", "31/01/2020",
             "Programme commissioned; 40 parents complete the programme in 2020", "RRRA",
             ("Specification drafted.", "Procurement paused: no compliant bids received. Specification to be revised.",
              "Revised tender published on 4 December."), "£30,000"),
        _Row("2.5", None, "Lead professionals in partner agencies are trained to complete early help assessments",
             "Early Help Coordinator", "Ongoing",
             "Number of early help assessments led by partner agencies increases each quarter", "GGGG",
             ("A further 12 lead professionals trained.", "A further 18 lead professionals trained in November.",
              "Partner-led assessments up from 31% to 36% this quarter.")),
    ]),
    (3, "Ensuring high quality support and services for looked-after children and effective permanency planning", [
        _Row("3.1", "Ofsted 4", "Permanence plans are agreed at the second looked-after review for every child",
             "Head of Looked After Children", "Ongoing",
             "100% of children have a permanence plan at the second review", "GGGG",
             ("94% of children have a permanence plan.", "96%. Permanence tracking panel meets fortnightly.")),
        _Row("3.2", None, "Improve mental health and wellbeing of UASC looked after children",
             "Head of Looked After Children", "March 2020",
             "Every UASC has a health assessment including emotional wellbeing; access to specialist support", "AAAA",
             ("Discussions held with Coram.", "The Corporation is developing an extended service for UASC; discussions held with Coram.",
              "Partnership agreement with Coram signed.")),
        _Row("3.3", None, "Young people have a choice of support services including wellbeing",
             "Head of Looked After Children", "Mar-20",
             "Young people report that they can choose from at least two support services", "AAAG",
             ("Linked to the extended UASC service.", "Linked to the extended UASC service being developed with Coram.",
              "Second wellbeing service available from December.")),
        _Row("3.4", None, "Improve the timeliness of initial health assessments so that 90% are completed within 20 working days",
             "Designated Nurse for Looked After Children", "October 2019",
             "90% of initial health assessments completed within 20 working days", "GBBB",
             ("93% completed within 20 working days.", "Sustained at 93%.")),
        _Row("3.5", None, "Improve placement stability so that fewer than 10% of children have three or more moves in a year",
             "Head of Looked After Children", "March 2020",
             "Fewer than 10% of children with three or more moves; every disruption has a learning meeting", "GGAA",
             ("Rate is 9%.", "Increased to 13% following placement breakdowns for four adolescents.",
              "Learning meetings held for all four disruptions.")),
    ]),
    (4, "Supporting young people leaving care to have a positive and successful transition to adulthood and independence", [
        _Row("4.1", None, "Young people (care leavers) to have practice opportunities managing finance (in addition to individual keywork sessions) before moving to independent accommodation",
             "Leaving Care Team Manager", "March 2020",
             "Every care leaver completes the budgeting programme before moving on", "RAAA",
             ("Budgeting programme drafted.", "New staff in place; action taken forward by the Independent Reviewing Officer and the CiCC.",
              "Eight care leavers have started the programme.")),
        _Row("4.2", None, "Care leavers will be supported to make use of their health histories in their pathway plan reviews",
             "Leaving Care Team Manager", "December 2019",
             "Health history discussed at every pathway plan review from age 17", "AAAG",
             ("Template agreed with health colleagues.", "Health histories being shared at reviews.",
              "Health histories discussed at every review in November.")),
        _Row("4.3", None, "That each care experienced young person has a champion in the Corporation",
             "Virtual School Head", "April 2020",
             "Every care leaver who wants one is matched with an officer champion", "RAAA",
             ("Scheme being designed.", "Exploring mentoring and job shadowing opportunities with officers.",
              "Fourteen officers volunteered as champions.")),
        _Row("4.4", "Ofsted 7", "Pathway plans are reviewed every six months and are co-produced with the young person",
             "Leaving Care Team Manager", "Ongoing",
             "95% of pathway plans reviewed in time; audits show the young person’s words in the plan", "GGGG",
             ("Timeliness at 84%.", "Timeliness at 86%.", "Timeliness at 89%.")),
        _Row("4.5", None, "Increase the proportion of care leavers in education, employment or training to 65%",
             "Virtual School Head", "Jul-20",
             "65% of care leavers aged 19–21 in education, employment or training", "RRGG",
             ("EET at 52%.", "EET at 60%; two apprenticeships ring-fenced for care leavers.",
              "EET at 61%; a third apprenticeship agreed."), "£18,000"),
        _Row("4.6", None, "Care leavers are exempt from council tax until their 25th birthday",
             "Head of Revenues and Benefits", "April 2020",
             "Exemption agreed by Cabinet and applied to every eligible care leaver", "--GG",
             ("Cabinet report being drafted.", "Cabinet agreed the exemption on 19 November; it applies from April.",
              "Eligible care leavers being written to.")),
    ]),
]

_SDP_INTRO = [
    "This Service Development Plan has been developed to retain the Ofsted inspection report "
    "recommendations and updated to include current improvement priorities. Delivery of the plan "
    "priorities will position the authority well to achieve a “good” rating in future inspection. "
    "Ofsted recommendations are identified in the plan as Ofsted 1, Ofsted 2 etc. The plan has been "
    "developed around four key priorities for improvement:"]
_SDP_NOTES = [
    "Specific actions to achieve improved outcomes for children and young people are set out under "
    "each of the priorities. Each action includes the timescale by which the improvement should be "
    "delivered alongside a clear indication of how success will be measured and evidenced. Progress "
    "is RAG-rated and reported monthly to the Development and Performance Board.",
    "Governance - The Service Development Plan is overseen by the Development and Performance Board "
    "chaired by the Chief Executive. The Lead Member also reviews progress."]


def sdp_spec(period: str = "2019-10", **layout) -> ReportSpec:
    """City of Kingsgate's Service Development Plan 2019-20 (portrait, RAG as a cell fill).

    Periods 2019-10, 2019-11, 2019-12. Between them statuses change, 1.2 (grey) leaves the plan in
    December and 4.6 joins in November. Any ReportSpec field can be overridden by keyword.
    """
    as_at = _month_end(*map(int, period.split("-"))) if period in _SDP_PERIODS else None
    line = f"Progress update as at {as_at.day} {_month_label(period)}" if as_at else period
    base = dict(authority="City of Kingsgate", department="Children’s Social Care and Early Help",
                plan="Service Development Plan 2019-20", as_at_line=line, intro=_SDP_INTRO,
                notes=_SDP_NOTES, house="sdp", orientation="portrait", status_style="fill",
                legend="sdp", vocabulary="sdp")
    return _report(base, _series_priorities(_SDP, _SDP_PERIODS, period, running=False), layout)


_CSIP_PERIODS = ("2022-05", "2022-06", "2022-07", "2022-08")
_CSIP = [
    (1, "A stable, skilled and well-supported social care workforce", [
        _Row(None, None, "Create a career pathway for experienced social workers with an advanced practitioner grade in every locality",
             "Head of Practice Development", "September 2022",
             "Advanced practitioners in post in all four localities; 12 experienced social workers promoted", "AAGG",
             ("Job description evaluated; posts advertised internally on 20 June.",
              "Nine advanced practitioners appointed; three posts re-advertised.",
              "Eleven appointed; the last post will be filled from within the Harnley team.")),
        _Row(None, None, "Introduce a retention payment for experienced social workers in the locality safeguarding teams",
             "Assistant Director, Workforce and Organisational Development", "31/07/2022",
             "Turnover of social workers in the locality teams below 15% a year", "GGGB",
             ("Approved by the Employment Committee on 14 June; payments start in the July payroll.",
              "First payments made to 46 social workers in July.",
              "Paid to 48 social workers. Turnover has fallen from 24% to 17%."), "£420,000"),
        _Row(None, None, "Replace the case recording workflow so that practitioners no longer record the same information twice",
             "Head of Business Intelligence and Systems", "Dec-22",
             "New workflow live; practitioner survey shows less time spent recording", "RRAA",
             ("Not started. The supplier contract has not yet been signed.",
              "Contract signed on 8 July; design workshops with practitioners under way.",
              "Design signed off by practitioners; testing starts in September."), "£150,000"),
        _Row(None, None, "Every practitioner and manager completes the two-day restorative practice training and uses the model with families",
             "Head of Practice Development", "March 2023",
             "95% of practitioners trained; audits find the model evident in 75% of cases", "AAAA",
             ("142 of 310 practitioners trained (46%).", "171 trained (55%). Two July sessions were cancelled.",
              "198 trained (64%). Extra sessions booked for September and October.")),
        _Row(None, None, "Run a workforce health check every quarter and publish what we will change in response",
             "Assistant Director, Workforce and Organisational Development", "Ongoing",
             "Response rate above 60%; ‘you said, we did’ published after each survey", "GGGG",
             ("Quarter 1 survey closed with a 64% response rate.", "‘You said, we did’ published on 12 July.",
              "Quarter 2 survey opens on 5 September.")),
    ]),
    (2, "Early help that reaches families before problems escalate", [
        _Row(None, None, "Open four family hubs, one in each district, offering early help alongside health visiting and adult learning",
             "Head of Early Help and Family Hubs", "Oct-22",
             "Four hubs open; 1,200 families supported in the first year", "AAAG",
             ("Hubs in Harnley and Oxley Green open. Building works at Marwick have stopped.",
              "Works at Marwick restarted on 11 July; opening now planned for October.",
              "Marwick hub opened on 22 August, ahead of the revised date."), "£1.2m"),
        _Row(None, None, "Early help assessments are completed within 30 working days of the family giving consent",
             "Early Help Locality Managers", "30/09/2022",
             "At least 85% of early help assessments finished within 30 working days of consent", "AARA",
             ("71% completed within 30 working days in June.",
              "Fell to 58% in July: six early help workers were moved to set up the new hubs.",
              "Recovered to 74% in August after the workers returned.")),
        _Row(None, None, "Contact families who turned down early help again after three months and offer support",
             "Early Help Locality Managers", "December 2022",
             "Follow-up contact recorded for 90% of families who declined support", "--AG",
             ("New action agreed by the Improvement Board in July. The follow-up list is being built.",
              "Follow-up contact made with 38 of the 41 families due in August.")),
        _Row(None, None, "Agree a step-down protocol so that families leaving social care meet their early help worker at a joint visit",
             "Head of Early Help and Family Hubs", "July 2022",
             "A joint visit recorded for 80% of families stepped down", "GGGB",
             ("Protocol agreed by the Safeguarding Partnership on 9 June.", "Joint visits recorded for 83% of step-downs in July.",
              "86% in August; now tracked through the early help scorecard.")),
        _Row(None, None, "Schools, GPs and health visitors can request early help through one online form",
             "Head of Business Intelligence and Systems", "Aug-22",
             "Online form live; 70% of requests for early help made through it", "RRAG",
             ("Not started: the form is waiting for the case recording supplier.",
              "Form built and being tested with six schools.", "Live since 15 August.")),
    ]),
    (3, "Protecting children from exploitation and harm outside the home", [
        _Row(None, None, "Set up a Multi-Agency Child Exploitation (MACE) group that reviews every child at high risk each month",
             "Exploitation and Missing Service Manager", "Jul-22",
             "MACE meets monthly; every child at high risk has a disruption plan", "GGGB",
             ("Terms of reference agreed; first meeting on 6 July.", "First two meetings held; 23 children reviewed.",
              "Meeting monthly since July with police, health and education present.")),
        _Row(None, None, "Map locations of concern with the police and community safety partners and record disruption activity for each",
             "Community Safety Partnership Manager", "September 2022",
             "Map refreshed every month; disruption recorded for every location", "AAAG",
             ("First map produced: 14 locations identified.", "Recording template agreed with the police on 20 July.",
              "Disruption activity recorded for all 16 locations in August.")),
        _Row(None, None, "Train licensed taxi drivers and hotel staff to recognise and report signs of child sexual exploitation",
             "Licensing and Community Safety Lead", "31/10/2022",
             "90% of licensed drivers trained; reports to the police tracked monthly", "RRR-",
             ("Not started. Training materials are being agreed with the police.",
              "Materials agreed; licensing committee to make training a condition of renewal.")),
        _Row(None, None, "Use one exploitation screening tool (agreed by the Safeguarding Partnership) in schools, youth services and health",
             "Exploitation and Missing Service Manager", "Q3 2022/23",
             "Tool used by every secondary school; referrals arrive with a completed screening", "AAAA",
             ("Tool agreed by the partnership; training for designated safeguarding leads booked.",
              "Schools pilot ends with the summer term.", "Pilot feedback positive; roll-out to all 31 secondary schools from October.")),
        _Row(None, None, "Offer children at risk of criminal exploitation a mentor from the youth service within two weeks of referral",
             "Youth Service Manager", "Ongoing",
             "80% of referred children meet their mentor within two weeks", "GGGG",
             ("84% in June.", "81% in July.", "82% in August; two mentors on annual leave.")),
    ]),
    (4, "Good outcomes for children in care and young people leaving care", [
        _Row(None, None, "Children in care have a dental check every year and are registered with a dentist",
             "Children in Care Health Lead", "May-22",
             "95% of children in care have had a dental check in the last 12 months", "AAAG",
             ("81% checked in the last 12 months. Few dentists in the north of the county are taking new patients.",
              "83% checked; the integrated care board is commissioning extra sessions.",
              "94% checked after the extra sessions.")),
        _Row(None, None, "Review every placement with an unregistered provider each week at Assistant Director level",
             "Assistant Director, Children in Care", "Ongoing",
             "Weekly review recorded; no child in an unregistered placement for more than 28 days", "GGGG",
             ("Two children in unregistered placements; both reviewed weekly.", "One child; reviewed weekly.",
              "No children in unregistered placements in August.")),
        _Row(None, None, "Give children in care a way to share their views between reviews through the ‘Speak Up’ app",
             "Participation Manager", "31/05/2022",
             "Half of children in care aged 8 and over have used the app", "BXX-",
             ("Launched in April; 54% of children aged 8 and over have used it. Proposed for removal from the plan.",
              "Use sustained at 57%; to be removed at the next review.")),
        _Row(None, None, "Guarantee every care leaver an interview for an apprenticeship or work placement with the council",
             "Care Leavers Team Manager", "September 2022",
             "20 apprenticeships or work placements offered to care leavers in 2022-23", "AAAG",
             ("Eight offered so far; the guarantee has not yet been agreed by every directorate.",
              "Agreed by the Corporate Leadership Team on 5 July; eight offers made so far.",
              "Fifteen offers made; every directorate has signed up.")),
        _Row(None, None, "Recruit eight supported lodgings hosts for young people aged 16 to 18",
             "Supported Lodgings Coordinator", "Jan-23",
             "Eight hosts approved", "RRAA",
             ("Not started; the coordinator post is vacant.", "The coordinator started on 4 July and the recruitment campaign was launched at the county show.",
              "Three enquiries progressing to assessment.")),
    ]),
]

_CSIP_INTRO = [
    "Ofsted’s focused visit to Brackenshire’s children’s services in March 2022 found that too many "
    "children waited too long for help and that the social care workforce was not yet stable. This "
    "plan, agreed by Cabinet on 24 May 2022, brings together what we have committed to do under four "
    "priorities.",
    "The plan is monitored every month by the Children’s Services Improvement Board, which has an "
    "independent chair, and every two months by the Children and Families Overview and Scrutiny Committee."]
_CSIP_NOTES = [
    "How the scores work: every action is given a status (Red = 1, Amber = 2, Green = 3, Blue = 4, "
    "Purple = 5). A priority’s score is the average of the statuses of its actions, to one decimal "
    "place, and the overall plan score is the average of the priority scores."]
# How each month's report was printed, as in the sample series.
_CSIP_LOOKS = {
    "2022-06": dict(as_at_line="Position as at 30 June 2022", status_style="word", font="dejavu"),
    "2022-07": dict(as_at_line="Progress update – July 2022", status_style="letter",
                    colour_space="cmyk", font="times"),
    "2022-08": dict(as_at_line="Position as at 24 August 2022", status_style="symbol", font="dejavu"),
}


def csip_spec(period: str = "2022-06", **layout) -> ReportSpec:
    """Brackenshire's Children’s Services Improvement Plan 2022-23 (landscape, status first, one
    running action number).

    Periods 2022-06 (status word in a filled cell), 2022-07 (letter in a CMYK fill; a new action
    renumbers the later ones) and 2022-08 (coloured ●; a red action and a purple one have gone).
    """
    base = dict(authority="Brackenshire County Council", department="Children, Families and Learning",
                plan="Children’s Services Improvement Plan 2022-23", intro=_CSIP_INTRO,
                notes=_CSIP_NOTES, house="csip", orientation="landscape", legend="csip",
                vocabulary="csip", palette="csip", **_CSIP_LOOKS.get(period, {"as_at_line": period}))
    return _report(base, _series_priorities(_CSIP, _CSIP_PERIODS, period, running=True), layout)


def _action(spec: ReportSpec, opening: str) -> ActionSpec:
    """The report's action whose wording starts with `opening`."""
    return next(a for p in spec.priorities for a in p.actions if a.text.startswith(opening))


def _row(spec: ReportSpec, opening: str, reason: str, printed: str | None = None, **truth) -> AmberRow:
    action = _action(spec, opening)
    return AmberRow(printed or action.text, reason, ref=action.ref, **truth)


def sdp_minutes_spec(**layout) -> MinutesSpec:
    """The Children’s Safeguarding Sub-Committee of 12 December 2019, discussing the November 2019
    report of sdp_spec: a ruled table of Amber reasons, over a page break, with a blank first header.

    Amber action 3.5 of that report has no reason; the "Welcome pack" row matches no action.
    """
    report = sdp_spec("2019-11")
    finance = _action(report, "Young people (care leavers)").text
    rows = [
        _row(report, "Young people (care leavers)",
             "New staff in place and action is being taken forward by Independent Reviewing Officer (IRO) and through the CiCC.",
             printed=finance[:finance.index(" keywork sessions") + len(" keywork sessions")]),
        _row(report, "To build expertise", "Target date March 2020 and not overdue",
             target_date="2020-03-31"),
        _row(report, "That each care experienced", "Exploring opportunities to connect officers with young people in mentoring role/job shadowing. Virtual School Head taking action forward and can report to next Sub-Committee meeting"),
        AmberRow("Welcome pack to include the purpose of different meetings, photos of workers and their roles",
                 "Need to improve details in the packs; Chairman noted the need to offer these packs in other languages"),
        _row(report, "Young people receive a consistently", "The process was formalised in November with plan to offer formal induction session every 6 months."),
        _row(report, "Improve mental health", "The Corporation is developing extended service for UASC. In progress with new partnership with Coram to develop service."),
        _row(report, "Young people have a choice", "Same as above"),
        _row(report, "Care leavers will be supported", "Updated to GREEN", new_rag="green"),
        _row(report, "Continue to improve our understanding", "Audit of care plans to be reported to the next meeting."),
        _row(report, "Increase the take-up of early help", "Drop-in sessions have not yet increased take-up; community champions being recruited."),
    ]
    item4 = AgendaItem(4, "Service Development Plan 2019-20", paragraphs=[
        "Report of the Director of Community & Children’s Services.",
        "Members received a report of the Director of Community & Children’s Services relative to "
        "the Service Development Plan 2019-20, setting out progress as at 30 November 2019.",
        "The actions in the development plan had been RAG-rated (Red, Amber, Green), and Members "
        "requested justification for all outstanding Amber actions:"],
        resolution="RESOLVED, that – the report be received and its contents noted.", amber_rows=rows)
    items = [
        AgendaItem(1, "APOLOGIES", ["Apologies for absence were received from Councillor Randall Anderson."]),
        AgendaItem(2, "MEMBERS’ DECLARATIONS UNDER THE CODE OF CONDUCT IN RESPECT OF ITEMS ON THE AGENDA",
                   ["There were no declarations."]),
        AgendaItem(3, "MINUTES", resolution="RESOLVED, that – the public minutes of the meeting held on "
                   "10 October 2019 be approved as a correct record."),
        item4,
        AgendaItem(5, "CHILDREN’S SOCIAL CARE PERFORMANCE REPORT – QUARTER 2", [
            "Members considered the performance report for July to September 2019. The number of "
            "children subject to a child protection plan had risen from 28 to 34."],
            resolution="RESOLVED, that – the report be noted."),
        AgendaItem(6, "QUESTIONS ON MATTERS RELATING TO THE WORK OF THE SUB-COMMITTEE",
                   ["There were no questions."]),
    ]
    base = dict(authority="CITY OF KINGSGATE", committee="CHILDREN’S SAFEGUARDING SUB-COMMITTEE",
                meeting_date="2019-12-12", time="1.45 pm", items=items,
                present=["Councillor Helen Okafor (Chairman)", "Councillor Dhruv Patel (Deputy Chairman)",
                         "Councillor Mary Durcan", "Councillor Tom Hoffman", "Alderman Ian Luder"],
                officers=["Andrew Carter – Director of Community & Children’s Services",
                          "Chris Pelham – Assistant Director, People",
                          "Pat Dixon – Head of Children’s Social Care and Early Help",
                          "Julie Mayer – Town Clerk’s Department"],
                table_style="ruled", reason_header="Reason for Amber", first_header_blank=True)
    return MinutesSpec(**{**base, **layout})


def csip_minutes_spec(**layout) -> MinutesSpec:
    """The Children and Families Overview and Scrutiny Committee of 19 July 2022, discussing the
    June 2022 report of csip_spec: an unruled two-column table running onto page 2.

    It gives a reason for one Green action (the step-down protocol), one row matches no action,
    and the Amber care leaver guarantee has no reason.
    """
    report = csip_spec("2022-06")
    screening = _action(report, "Use one exploitation screening tool").text
    rows = [
        _row(report, "Create a career pathway", "Posts were advertised internally on 20 June; appointments will be made in July.",
             printed="Create a career pathway for experienced social workers"),
        _row(report, "Every practitioner and manager", "Training is limited to two sessions a month; extra trainers are being sought. Target date March 2023.",
             target_date="2023-03-31"),
        _row(report, "Open four family hubs", "Building works at Marwick stopped when the contractor replaced a subcontractor."),
        _row(report, "Early help assessments are completed", "As above"),
        _row(report, "Map locations of concern", "The police have not yet agreed how disruption activity will be recorded."),
        _row(report, "Use one exploitation screening tool", "The schools pilot ends with the summer term and roll-out cannot start until the autumn.",
             printed=screening[:screening.index(")")]),
        _row(report, "Agree a step-down protocol", "Members asked why the protocol took six months to agree with partners."),
        _row(report, "Children in care have a dental check", "83% checked; the integrated care board is commissioning extra sessions, so the action was Updated to GREEN by the Committee.",
             new_rag="green"),
        AmberRow("Reduce waiting times for child and adolescent mental health (CAMHS) assessments",
                 "Members noted that CAMHS waiting times are for the health partners and asked that an action be added to the plan."),
    ]
    item = AgendaItem(21, "Children’s Services Improvement Plan 2022-23", paragraphs=[
        "The Executive Director of Children’s Services presented the position as at 30 June 2022; "
        f"the overall score had risen from {report.overall_previous} to {report.overall_current}.",
        "In line with the Committee’s request at its last meeting, officers explained why each action "
        "was rated Amber:"],
        after_table=["Members welcomed the opening of the first two family hubs."],
        resolution="RESOLVED: That the position as at 30 June 2022 be noted and the reasons for the "
                   "Amber ratings be accepted.", amber_rows=rows)
    items = [
        AgendaItem(18, "Apologies", ["Apologies were received from County Councillor Neil Ashby."]),
        AgendaItem(19, "Declarations of interest", ["County Councillor Sian Howells declared a personal "
                   "interest in item 21 as a governor of Fernhill Primary School."]),
        AgendaItem(20, "Minutes of the previous meeting", resolution="RESOLVED: That the minutes of the "
                   "meeting on 14 June 2022 be confirmed and signed by the Chair."),
        item,
        AgendaItem(22, "Holiday Activities and Food Programme", [
            "Members received an update on the summer programme, which would offer 38,000 places at 140 venues."],
            resolution="RESOLVED: That the Committee note the update."),
    ]
    base = dict(authority="BRACKENSHIRE COUNTY COUNCIL",
                committee="Children and Families Overview and Scrutiny Committee",
                meeting_date="2022-07-19", time="10.00 am", venue="County Hall, Harnley", items=items,
                present=["County Councillor Margaret Ellery (Chair)", "County Councillor Tobias Wren (Vice-Chair)",
                         "County Councillor Ruth Adeyemi", "County Councillor Graham Pike",
                         "County Councillor Sian Howells", "County Councillor Imran Qureshi"],
                officers=["Jonathan Kerr (Executive Director of Children’s Services)",
                          "Hannah Okoro (Assistant Director, SEND and Inclusion)",
                          "Paul Denning (Scrutiny Officer)"],
                present_label="Present:", officers_label="In attendance:",
                closing=["The meeting ended at 12.25 pm", "Chair"],
                table_style="unruled", reason_header="Reason for Amber rating", font="dejavu-sans",
                date_comma=False, page_label="of")
    return MinutesSpec(**{**base, **layout})


# --------------------------------------------------------------------------------------------
# Printed minutes as ModernGov prints them for real councils: a title block of lines, then numbered
# minute items ("84. Apologies (Item 1)") whose paragraphs run over many pages, so that later pages
# begin mid-sentence or mid-list.

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

    pages = _render(sheet, path, decor, f"{spec.committee} minutes {spec.meeting_date}")
    items = [ExpectedItem(str(i.number), i.title, None, 1) for i in spec.items]
    return ExpectedMinutes(spec.committee, spec.meeting_date, items, [], pages, 1, pages)


def render(sheet: Sheet, path, title: str) -> int:
    """Draw a sheet that a test laid out itself (page numbers at the foot); returns the page count."""
    regular, _ = font_pair("helvetica")

    def decor(n: int, total: int) -> list[Op]:
        return [("text", sheet.width / 2, 30, str(n), regular, 7.5, BLACK_RGB, "centre")]
    return _render(sheet, path, decor, title)
