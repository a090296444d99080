"""Action tables printed without ruling lines, rebuilt from word positions.

pdfplumber's `find_tables` needs drawn lines. Some reports print their action tables as aligned text
columns; for those the header row gives the columns (each header cell's left edge) and the rows start
where the anchor column — the ref, else the status — prints a new value. The result quacks like a
pdfplumber Table (`bbox`, `rows[i].cells`, `extract()`), so the report reader treats both alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .columns import header_roles, line_has_header
from .words import group_lines, line_text

REF_LIKE = re.compile(r"^(\d{1,2}(\.\d{1,2}){0,2}\.?|[A-Z]\d{1,2}(\.\d{1,2})?)$")
FOOTER = re.compile(r"\bpage\s+\d+(\s+of\s+\d+)?\b|^\s*\d+\s*$", re.I)
PRIORITY = re.compile(r"^\s*priority\s+\d{1,2}\b", re.I)
CELL_GAP = 7.0  # points between words that separates two header cells


@dataclass
class Row:
    cells: list[tuple[float, float, float, float] | None]
    bbox: tuple[float, float, float, float]


@dataclass
class TextTable:
    bbox: tuple[float, float, float, float]
    rows: list[Row] = field(default_factory=list)
    data: list[list[str | None]] = field(default_factory=list)

    def extract(self) -> list[list[str | None]]:
        return self.data


def _header_cells(line: list[dict]) -> list[list[dict]]:
    cells = [[line[0]]]
    for w in line[1:]:
        if w["x0"] - cells[-1][-1]["x1"] > CELL_GAP:
            cells.append([w])
        else:
            cells[-1].append(w)
    return cells


def _column_of(x0: float, edges: list[float]) -> int:
    col = 0
    for i, edge in enumerate(edges):
        if x0 >= edge - 3:
            col = i
    return col


def text_tables(page, words: list[dict]) -> list[TextTable]:
    """Every header-led text table on the page (none when the page prints no action-table header)."""
    lines = [ln for ln in group_lines(words, 2.5)
             if ln[0]["top"] < page.height * 0.95 and not FOOTER.search(line_text(ln))]
    tables: list[TextTable] = []
    i = 0
    while i < len(lines):
        if not line_has_header(line_text(lines[i])):
            i += 1
            continue
        table, i = _read_table(lines, i, page.width)
        if table is not None:
            tables.append(table)
    return tables


def _read_table(lines: list[list[dict]], start: int, width: float) -> tuple[TextTable | None, int]:
    header = _header_cells(lines[start])
    names = [" ".join(w["text"] for w in cell) for cell in header]
    roles = header_roles(names)
    if roles is None:
        return None, start + 1
    edges = [cell[0]["x0"] for cell in header]
    rights = [e - 1 for e in edges[1:]] + [width - 20]
    anchor = next((j for r in ("ref", "rag") for j, role in roles.items() if role == r), None)
    top = min(w["top"] for w in lines[start])
    table = TextTable(bbox=(edges[0], top, rights[-1], top))
    table.data.append(names)
    table.rows.append(_row(edges, rights, top, max(w["bottom"] for w in lines[start])))
    current: list[list[str]] | None = None
    pitch = None  # the smallest top-to-top distance between lines: one line of text
    last_top = top
    i = start + 1
    while i < len(lines):
        line = lines[i]
        text, line_top = line_text(line), line[0]["top"]
        step = line_top - last_top
        if line_has_header(text) or (pitch and step > 5 * pitch):
            break
        if PRIORITY.match(text):
            table.data.append([text] + [None] * (len(edges) - 1))
            table.rows.append(_row(edges, rights, line_top, line[0]["bottom"]))
            current, last_top, i = None, line_top, i + 1
            continue
        cells: list[list[str]] = [[] for _ in edges]
        for w in line:
            cells[_column_of(w["x0"], edges)].append(w["text"])
        if current is None and table.data[-1][0] and PRIORITY.match(table.data[-1][0]) and (
                anchor is None or not cells[anchor] or not REF_LIKE.match(cells[anchor][0])):
            table.data[-1][0] += " " + text  # a priority heading wrapped onto a second line
            last_top, i = line_top, i + 1
            continue
        if anchor is not None:
            new_row = bool(cells[anchor]) and bool(REF_LIKE.match(cells[anchor][0]))
        else:  # no anchor column: a blank line's worth of space separates rows
            new_row = bool(pitch) and step > 1.7 * pitch
        if current is None or new_row:
            current = [[] for _ in edges]
            table.data.append(current)  # type: ignore[arg-type]
            table.rows.append(_row(edges, rights, line_top, line[0]["bottom"]))
        for j, words in enumerate(cells):
            if words:
                current[j].append(" ".join(words))
        row = table.rows[-1]
        table.rows[-1] = _row(edges, rights, row.bbox[1] + 2, max(w["bottom"] for w in line))
        if step > 0.5:
            pitch = step if pitch is None else min(pitch, step)
        last_top, i = line_top, i + 1
    last_bottom = table.rows[-1].bbox[3] - 2
    table.data = [r if not r or isinstance(r[0], (str, type(None))) else ["\n".join(c) or None for c in r]
                  for r in table.data]
    table.bbox = (edges[0], top, rights[-1], last_bottom)
    return table, i


def _row(edges: list[float], rights: list[float], top: float, bottom: float) -> Row:
    cells = [(x0 - 2, top - 2, x1, bottom + 2) for x0, x1 in zip(edges, rights)]
    return Row(cells=cells, bbox=(edges[0] - 2, top - 2, rights[-1], bottom + 2))
