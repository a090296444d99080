"""Action tables printed without ruling lines, rebuilt from word positions.

A ruled table is found from its drawn lines (the reader's `Page.tables`). Some reports print their
action tables as aligned text columns; for those the header row gives the columns (each header cell's
left edge) and the rows start where the anchor column — the ref, else the status — prints a new value.
The result is a model `Grid` (`bbox`, `rows[i].cells`) that carries its cells' texts (`extract()`), so
the report reader treats both alike. Words are the model's (`models/layout.Word`).
A table that runs on to the next page without printing its header again goes on there in the
columns of the page before (`continued_table`), as long as the page's first lines keep to them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models.layout import Grid, GridRow, Page, Word
from .columns import header_roles, header_words_only, is_header, roles_in
from .textlines import group_lines, line_text

REF_LIKE = re.compile(r"^(\d{1,2}(\.\d{1,2}){0,2}\.?|[A-Z]\d{1,2}(\.\d{1,2})?)$")
FOOTER = re.compile(r"\bpage\s+\d+(\s+of\s+\d+)?\b|^\s*\d+\s*$", re.I)
PRIORITY = re.compile(r"^\s*priority\s+\d{1,2}\b", re.I)
HEADER_LINES = 3  # a header cell ("Officer / responsible", "Evidence of / success") may wrap this far


Row = GridRow


@dataclass
class TextTable(Grid):
    """A table rebuilt from text columns: its grid, and its cells' texts row by row."""

    data: list[list[str | None]] = field(default_factory=list)
    edges: list[float] = field(default_factory=list)   # where each column starts
    rights: list[float] = field(default_factory=list)  # where each column ends
    anchor: int | None = None                         # the column whose new value starts a row
    size: float = 0.0                                 # the body's usual font size
    open_end: bool = False  # it ran to the page's foot: the next page may go on with it, headerless

    def extract(self) -> list[list[str | None]]:
        return self.data


@dataclass
class Column:
    x0: float
    x1: float
    name: str


def header_depth(lines: list[list[Word]], start: int) -> int:
    """How many lines from `start` the header row takes: its first line, and the lines just under it
    that hold nothing but header words (the wrapped parts of its cells)."""
    n = 1
    while n < HEADER_LINES and start + n < len(lines):
        line, above = lines[start + n], lines[start + n - 1]
        height = max(w.bottom - w.top for w in above)
        if line[0].top - above[0].top > 1.6 * height or not header_words_only(line_text(line)):
            break
        n += 1
    return n


def header_at(lines: list[list[Word]], i: int) -> int:
    """The number of lines of an action-table header starting at line i, or 0 when none starts there."""
    if len(roles_in(line_text(lines[i]))) < 2:
        return 0
    n = header_depth(lines, i)
    return n if is_header(set().union(*(roles_in(line_text(ln)) for ln in lines[i:i + n]))) else 0


def header_columns(block: list[list[Word]]) -> list[Column]:
    """The header's cells, from every line of it: words whose horizontal extents touch (or nearly,
    the width of a space) belong to one cell, so a cell's wrapped lines join the cell above them."""
    words = [w for line in block for w in line]
    space = 0.45 * sorted(map(_size, words))[len(words) // 2]
    columns = []
    for x0, x1 in _merged([(w.x0, w.x1) for w in words], space):
        parts = [" ".join(w.text for w in line if x0 <= w.x0 and w.x1 <= x1) for line in block]
        columns.append(Column(x0, x1, " ".join(p for p in parts if p)))
    return columns


def column_edges(columns: list[Column], body: list[list[Word]]) -> list[float]:
    """Where each column starts. A header may be centred over its column, so the start is the right
    end of the white-space river that the body shows between two headers, where the next column's
    words start; else the header's left edge. Of several rivers the one nearest the next header is
    taken (a short column may show gaps of its own). Lines that run across columns (a note under the
    table) or are printed larger (a heading) say nothing about them and are left out."""
    sizes = sorted(_size(w) for line in body for w in line)
    median = sizes[len(sizes) // 2] if sizes else 8.0
    least = 0.5 * median  # wider than a space between words
    # headings (a priority's title, and the line it wraps onto) are printed larger than the table
    body = [line for line in body if not PRIORITY.match(line_text(line))
            and not _spans_columns(line, columns, least) and not all(_size(w) > 1.1 * median for w in line)]
    edges = [columns[0].x0]
    for left, right in zip(columns, columns[1:]):
        lo, hi = left.x1, right.x0 + 0.5
        steps = [lo + 0.5 * k for k in range(int((hi - lo) / 0.5) + 1)]
        free = [not any(w.x0 <= x <= w.x1 for line in body for w in line) for x in steps]
        runs: list[list[float]] = []  # stretches of steps that no word covers
        for k, x in enumerate(steps):
            if not free[k]:
                continue
            if k and free[k - 1]:
                runs[-1][1] = x
            else:
                runs.append([x, x])
        starts = [w.x0 for line in body for w in line if lo <= w.x0 <= hi + 1]
        rivers = [r for r in runs if r[1] - r[0] >= least and any(abs(x - r[1]) <= 1.0 for x in starts)]
        edges.append(min(rivers[-1][1], right.x0) if rivers else right.x0)
    return edges


def _size(word: Word) -> float:
    return word.size or (word.bottom - word.top)


def _merged(spans: list[tuple[float, float]], gap: float) -> list[list[float]]:
    """Horizontal extents, those less than `gap` apart joined into one."""
    runs: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if runs and x0 - runs[-1][1] <= gap:
            runs[-1][1] = max(runs[-1][1], x1)
        else:
            runs.append([x0, x1])
    return runs


def _spans_columns(line: list[Word], columns: list[Column], gap: float) -> bool:
    """Does a run of words (words closer than `gap`) reach over two header cells?"""
    runs = _merged([(w.x0, w.x1) for w in line], gap)
    return any(sum(x0 < c.x1 and x1 > c.x0 for c in columns) >= 2 for x0, x1 in runs)


def _crosses(line: list[Word], edges: list[float]) -> bool:
    """A word of the line runs across a column's start: the line is not in the table's columns."""
    return any(w.x0 < e - 1.5 and w.x1 > e + 1.5 for w in line for e in edges)


def _column_of(x0: float, edges: list[float]) -> int:
    col = 0
    for i, edge in enumerate(edges):
        if x0 >= edge - 3:
            col = i
    return col


def _page_lines(page: Page, words: list[Word]) -> list[list[Word]]:
    """The page's lines, without the page number at its foot (or head)."""
    return [ln for ln in group_lines(words, 2.5) if ln[0].top < page.height * 0.95 and not (
        FOOTER.search(line_text(ln)) and not page.height * 0.08 < ln[0].top < page.height * 0.92)]


def text_tables(page: Page, words: list[Word]) -> list[TextTable]:
    """Every header-led text table on the page (none when the page prints no action-table header)."""
    lines = _page_lines(page, words)
    tables: list[TextTable] = []
    i = 0
    while i < len(lines):
        depth = header_at(lines, i)
        if not depth:
            i += 1
            continue
        table, i = _read_table(lines, i, depth, page.width)
        if table is not None:
            table.page = page.number
            tables.append(table)
    return tables


def _read_table(lines: list[list[Word]], start: int, depth: int, width: float) -> tuple[TextTable | None, int]:
    block = lines[start:start + depth]
    columns = header_columns(block)
    names = [c.name for c in columns]
    roles = header_roles(names)
    if roles is None:
        return None, start + depth
    end = next((k for k in range(start + depth, len(lines)) if header_at(lines, k)), len(lines))
    edges = column_edges(columns, lines[start + depth:end])
    rights = [e - 1 for e in edges[1:]] + [width - 20]
    anchor = next((j for r in ("ref", "rag") for j, role in roles.items() if role == r), None)
    top = min(w.top for w in block[0])
    sizes = sorted(_size(w) for line in lines[start + depth:end] for w in line)
    table = TextTable(bbox=(edges[0], top, rights[-1], top), edges=edges, rights=rights, anchor=anchor,
                      size=sizes[len(sizes) // 2] if sizes else 0.0)
    table.data.append(names)
    table.rows.append(_row(edges, rights, top, max(w.bottom for w in block[-1])))
    i = _read_rows(table, lines, start + depth, end, block[-1][0].top)
    return table, i


def continued_table(page: Page, words: list[Word], before: TextTable) -> TextTable | None:
    """The rows at the top of a page that go on with a text table left open at the foot of the page
    before, its header not printed again: read in that table's columns, from the first line that
    shows them (after any running head) until a line that does not fit them. None when the page does
    not start with such a line (a page of prose, a heading, a table of its own)."""
    lines = _page_lines(page, words)
    end = next((k for k in range(len(lines)) if header_at(lines, k)), len(lines))
    k = 0
    while k < end and not _opens(lines[k], before) and lines[k][0].top < page.height * 0.1:
        k += 1  # a running head above the table
    if k >= end or not _opens(lines[k], before):
        return None
    top = lines[k][0].top
    table = TextTable(bbox=(before.edges[0], top, before.rights[-1], top), edges=before.edges,
                      rights=before.rights, anchor=before.anchor, size=before.size)
    _read_rows(table, lines, k, end, top, carried=True)
    table.page = page.number
    return table


def _opens(line: list[Word], table: TextTable) -> bool:
    """Does a line at a page's top read as a row of `table` going on without its header? Its words
    keep to the table's columns and size, and start at two of its columns or give the anchor column
    a ref and nothing else (not a numbered heading, "8. Next steps")."""
    edges = table.edges
    if not _fits(line, table):
        return False
    starts = {j for w in line for j, e in enumerate(edges) if abs(w.x0 - e) <= 2.0}
    in_anchor = [w for w in line if _column_of(w.x0, edges) == table.anchor]
    return len(starts) >= 2 or (
        table.anchor is not None and len(in_anchor) == 1 and bool(REF_LIKE.match(in_anchor[0].text)))


def _fits(line: list[Word], table: TextTable) -> bool:
    """A line in the table's columns: no word runs across a column's start, none printed larger."""
    return not _crosses(line, table.edges[1:]) and not PRIORITY.match(line_text(line)) and (
        not table.size or all(_size(w) <= 1.15 * table.size for w in line))


def _read_rows(table: TextTable, lines: list[list[Word]], i: int, end: int, last_top: float,
               carried: bool = False) -> int:
    """Read the table's rows from line i until `end` or the table is over; returns where it stopped.
    `carried`: the rows go on from the page before, headerless, and stop at any line that does not
    fit the columns (a priority's title included)."""
    edges, rights, anchor = table.edges, table.rights, table.anchor
    current: list[list[str]] | None = None
    pitch = None  # the smallest top-to-top distance between lines: one line of text
    start = i
    while i < end:
        line = lines[i]
        text, line_top = line_text(line), line[0].top
        step = line_top - last_top
        after_heading = current is None and bool(table.data) and bool(table.data[-1][0]) and bool(
            PRIORITY.match(table.data[-1][0]))
        if (pitch and step > 5 * pitch) or (
                not PRIORITY.match(text) and not after_heading and _crosses(line, edges[1:])) or (
                carried and not _fits(line, table)):
            break  # a wide gap, or a paragraph across the columns ("Report author: …"): the table is over
        if PRIORITY.match(text):
            table.data.append([text] + [None] * (len(edges) - 1))
            table.rows.append(_row(edges, rights, line_top, line[0].bottom))
            current, last_top, i = None, line_top, i + 1
            continue
        cells: list[list[str]] = [[] for _ in edges]
        for w in line:
            cells[_column_of(w.x0, edges)].append(w.text)
        if after_heading and (
                anchor is None or not cells[anchor] or not REF_LIKE.match(cells[anchor][0])):
            table.data[-1][0] += " " + text  # a priority heading wrapped onto a second line
            last_top, i = line_top, i + 1
            continue
        if anchor is not None:
            new_row = bool(cells[anchor]) and bool(REF_LIKE.match(cells[anchor][0])) and not (
                current is not None and _ends_tag(current[anchor]) and re.fullmatch(r"\d{1,2}", " ".join(cells[anchor])))
        else:  # no anchor column: a blank line's worth of space separates rows
            new_row = bool(pitch) and step > 1.7 * pitch
        if current is None or new_row:
            current = [[] for _ in edges]
            table.data.append(current)  # type: ignore[arg-type]
            table.rows.append(_row(edges, rights, line_top, line[0].bottom))
        for j, words in enumerate(cells):
            if words:
                current[j].append(" ".join(words))
        row = table.rows[-1]
        table.rows[-1] = _row(edges, rights, row.bbox[1] + 2, max(w.bottom for w in line))
        if step > 0.5:
            pitch = step if pitch is None else min(pitch, step)
        last_top, i = line_top, i + 1
    last_bottom = table.rows[-1].bbox[3] - 2 if table.rows else table.bbox[1]
    table.data = [r if not r or isinstance(r[0], (str, type(None))) else ["\n".join(c) or None for c in r]
                  for r in table.data]
    table.bbox = (edges[0], table.bbox[1], rights[-1], last_bottom)
    table.open_end = i >= len(lines) and i > start
    return i


def _ends_tag(cell: list[str]) -> bool:
    """A ref cell whose Ofsted tag wrapped before its number ("7.4" / "Ofsted" / "7"): the number on
    the next line finishes the tag, it does not start a row."""
    return bool(cell) and bool(re.search(r"\bOfsted$", cell[-1], re.I))


def _row(edges: list[float], rights: list[float], top: float, bottom: float) -> Row:
    cells = [(x0 - 2, top - 2, x1, bottom + 2) for x0, x1 in zip(edges, rights)]
    return Row(cells=cells, bbox=(edges[0] - 2, top - 2, rights[-1], bottom + 2))
