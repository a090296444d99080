"""The layout engine: a Sheet of pages planned as drawing operations, tables that break pages,
repeat their header and split rows, and the drawing of a planned sheet with reportlab.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from reportlab.pdfgen import canvas as rl_canvas

from .colours import BLACK_RGB, Colour
from .fonts import font_pair, wrap

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
    elif kind == "rotated":  # a watermark word printed across the page ("DRAFT", "COPY")
        _, x, y, s, font, size, colour, angle = op
        _paint(c, colour)
        c.saveState()
        c.translate(x, y)
        c.rotate(angle)
        c.setFont(font, size)
        c.drawCentredString(0, 0, s)
        c.restoreState()
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


def render_sheet(sheet: Sheet, path, decorate: Callable[[int, int], list[Op]], title: str,
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


def fmt_score(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def render(sheet: Sheet, path, title: str) -> int:
    """Draw a sheet that a test laid out itself (page numbers at the foot); returns the page count."""
    regular, _ = font_pair("helvetica")

    def decor(n: int, total: int) -> list[Op]:
        return [("text", sheet.width / 2, 30, str(n), regular, 7.5, BLACK_RGB, "centre")]
    return render_sheet(sheet, path, decor, title)
