"""A plan report's laid-out PDF page (`models/layout.Page`) → the document model's blocks.

This is the PDF side's layout work for plan reports, and it ends in blocks (`models/document.py`) that
the one report recogniser (`report.py`) reads, as it reads a Word document's or a web page's:

* each printed line a `Para` (its text, weight, largest size, page and box), with the colour marks a
  key line may carry (a swatch or ● left of its text, a colour in its band across the page), looked up
  only when the recogniser asks;
* each ruled grid a `Table` whose cells' texts are the words inside their boxes (`cell_texts`), each
  cell showing the colour inside its drawn box (`band_colour`, again looked up only when asked);
  hollow grids (the rules of shaded status cells, a text table's shaded header alone) left out;
* where no ruled grid carries an action header, the tables printed as text columns (`textgrid.py`),
  `rebuilt`, and one that went on from the last page's foot without its header (`continued_table`).

Blocks come in reading order: top to bottom, a table before the lines printed inside it.
"""
from __future__ import annotations

from ..models.document import Block, Cell, Para, Row, Table
from ..models.layout import Box, Grid, Page, Word
from .colours import RGB, is_background
from .columns import clean, header_roles
from .textgrid import TextTable, continued_table, text_tables
from .textlines import group_lines, line_text, split_at_edges


def band_colour(page: Page, top: float, bottom: float, x0: float, x1: float) -> RGB | None:
    """The status-like colour shown in a box: a filled shape, else a coloured character (●, a letter)."""
    # fills are swatches and shaded cells, then drawn symbols (a filled circle is four béziers)
    for f in page.fills:
        overlap = min(bottom, f.bottom) - max(top, f.top)
        if overlap < 0.5 * min(bottom - top, f.bottom - f.top) or f.x1 <= x0 or f.x0 >= x1:
            continue
        if f.x0 < 3 and f.x1 > page.width - 3:  # a band across the page, not a cell or a swatch
            continue
        rgb = f.fill_rgb
        if not is_background(rgb):
            return rgb
    for c in page.glyphs:  # by its middle: a large ● in a top-aligned cell rises above the cell's top
        if top <= (c.top + c.bottom) / 2 <= bottom and x0 <= c.x0 < x1 and c.text.strip():
            if not is_background(c.colour):
                return c.colour
    return None


def cell_texts(table: Grid, words: list[Word]) -> list[list[str | None]]:
    """Each cell's lines of text (what pdfplumber's `table.extract()` gives), from the page's words:
    each word is dropped into the cell that holds its middle. A word that a border of its row's cells
    runs through is cut there first (see `textlines.split_at_edges`).
    """
    rows = table.rows
    grid = [list(r.cells) for r in rows]
    if grid:
        grid[-1] = completed_last_row(grid)
    cells: list[list[list[Word] | None]] = [[[] if c is not None else None for c in r] for r in grid]
    extents = [extent(r) if any(c is not None for c in r) else None for r in grid]
    borders = [[c[2] for c in r if c is not None][:-1] for r in grid]
    for word in words:
        y = (word.top + word.bottom) / 2
        for i, ext in enumerate(extents):
            if ext is None:
                continue
            x0, top, x1, bottom = ext
            if not (top <= y <= bottom and word.x1 > x0 and word.x0 < x1):
                continue
            placed = False
            for w in split_at_edges([word], borders[i]):
                x = (w.x0 + w.x1) / 2
                # a cell merged down over later rows stretches this row's bbox over theirs: a word
                # in none of this row's cells belongs to a later row
                j = next((j for j, c in enumerate(grid[i])
                          if c is not None and c[0] <= x <= c[2] and c[1] <= y <= c[3]), None)
                if j is not None:
                    cells[i][j].append(w)
                    placed = True
            if placed:
                break
    return [[None if ws is None else "\n".join(map(line_text, group_lines(ws))) for ws in r] for r in cells]


def extent(cells: list[Box | None]) -> Box:
    boxes = [c for c in cells if c is not None]
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def completed_last_row(grid: list[list[Box | None]]) -> list[Box | None]:
    """The cells of a table's last row, with those the page break left undrawn put back.

    A browser prints the part of a row that a page break cuts without its bottom border, so only the
    cells with a fill of their own (the status) come out as cells; the others are taken from the
    table's fullest row, where no cell of this row already covers them (a merged heading does).
    """
    last = grid[-1]
    template = max(grid, key=lambda r: sum(c is not None for c in r))
    if len(template) != len(last) or all(c is not None for c in last):
        return last
    _, top, _, bottom = extent(last)
    out = list(last)
    for j, (mine, model) in enumerate(zip(last, template)):
        covered = any(c is not None and c[0] <= model[0] + 1 and c[2] >= model[2] - 1 for c in last) if model else True
        if mine is None and not covered:
            out[j] = (model[0], top, model[2], bottom)
    return out


def hollow(table: Grid, data: list[list[str | None]]) -> bool:
    """A table whose rows below its header are mostly empty or mostly missing their cells, or that
    has no rows below its header: the grid that the rules of shaded status cells make (a status letter
    in them at most), or the shaded header row alone of a table printed as text columns without rules."""
    start = next((i + 1 for i, row in enumerate(data) if header_roles(row)), None)
    if start is None:  # a headless table may be the tail of a row split by the page break
        return False
    body = list(zip(data, (r.cells for r in table.rows)))[start:]  # drawn cells, not those put back
    filled = sum(1 for texts, drawn in body if any(clean(c) for c in texts)
                 and sum(c is not None for c in drawn) * 2 >= len(drawn))
    return filled < len(body) / 2 or not body


class ReportPages:
    """A plan report's pages into blocks, one page after another: it keeps a table printed as text
    columns that ran to a page's foot, which the next page may go on with, its header not printed again."""

    def __init__(self) -> None:
        self.open_text_table: TextTable | None = None

    def blocks(self, page: Page) -> list[Block]:
        words = page.words
        paras = [_para(page, line) for line in group_lines(words)]
        found = []
        for grid in sorted(page.tables, key=lambda t: t.bbox[1]):
            data = cell_texts(grid, words)
            if not hollow(grid, data):
                found.append(_table(page, grid, data))
        tables: list[tuple[Table, TextTable | None]] = [(t, None) for t in found]  # (block, its text table)
        if not any(header_roles(row.texts) for t, _ in tables for row in t.rows):
            # no ruled table carries an action header: the table may be printed as text columns
            texts = text_tables(page, words)
            # a text table left open at the last page's foot may go on here without its header
            carried = continued_table(page, words, self.open_text_table) if self.open_text_table else None
            tables += [(_table(page, t, t.extract(), rebuilt=True), t) for t in ([carried] if carried else []) + texts]
            tables.sort(key=lambda tg: tg[0].box[1])
        # the last text table, when it ran to the page's foot (a grid of shaded status cells drawn
        # inside it may come after it)
        last = next((t for _, t in reversed(tables) if t is not None), None)
        self.open_text_table = last if last is not None and last.open_end else None
        # a table before the lines printed inside it (a heading at its top is read after it)
        ordered = [(t.box[1], 0, k, t) for k, (t, _) in enumerate(tables)] + \
                  [(p.box[1], 1, k, p) for k, p in enumerate(paras)]
        return [b for *_, b in sorted(ordered, key=lambda o: o[:3])]


def _para(page: Page, line: list[Word]) -> Para:
    x0, x1 = line[0].x0, line[-1].x1
    top, bottom = min(w.top for w in line), max(w.bottom for w in line)
    bold = sum(len(w.text) for w in line if w.bold) * 2 > sum(len(w.text) for w in line)
    return Para(line_text(line), bold=bold, size=max(0 if w.size is None else w.size for w in line),
                page=page.number, box=(x0, top, x1, bottom),
                swatch_look=lambda: band_colour(page, top - 1, bottom + 1, 0, x0 - 0.5),
                band_look=lambda: band_colour(page, top - 2, bottom + 2, 0, page.width))


def _table(page: Page, grid: Grid, data: list[list[str | None]], rebuilt: bool = False) -> Table:
    rows = []
    for texts, row in zip(data, grid.rows):
        cells = [Cell(text or "", box=box, look=_look(page, box)) for text, box in zip(texts, row.cells)]
        drawn = any(box is not None for box in row.cells)
        rows.append(Row(cells, box=row.bbox, look=_look(page, row.bbox) if drawn else None))
    return Table(rows, page=page.number, box=grid.bbox, rebuilt=rebuilt)


def _look(page: Page, box: Box | None):
    if box is None:
        return None
    x0, top, x1, bottom = box
    return lambda: band_colour(page, top, bottom, x0, x1)
