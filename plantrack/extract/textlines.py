"""Model words (`models/layout.Word`) into lines, as a plan report's PDF page becomes blocks
(`report_layout.py`): the page's words are grouped here for its printed lines, its table cells and its
text-column tables alike."""
from __future__ import annotations

from ..models.layout import Word

LINE_TOLERANCE = 3.0  # points: words whose tops differ by less are on one line


def group_lines(words: list[Word], tolerance: float = LINE_TOLERANCE) -> list[list[Word]]:
    """Words in reading order, as lines (top to bottom), each line's words left to right. A word
    joins the line whose first word's top is within `tolerance` of its own."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and abs(lines[-1][0].top - w.top) <= tolerance:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def line_text(line: list[Word]) -> str:
    return " ".join(w.text for w in line)


def split_at_edges(words: list[Word], edges: list[float]) -> list[Word]:
    """Words cut where a table's cell border runs through them. Producers such as spreadsheet
    exports leave about a point between the text of two cells, less than the gap that separates
    words, so a cell's last word and the next cell's first come out as one ("ManagerJan-20").
    Needs the words' characters (`Word.chars`); a word without them stays whole."""
    out: list[Word] = []
    for w in words:
        cuts = [e for e in edges if w.x0 < e - 1 and w.x1 > e + 1]
        if not cuts or not w.chars:
            out.append(w)
            continue
        parts: dict[int, list] = {}
        for c in w.chars:
            parts.setdefault(sum((c.x0 + c.x1) / 2 >= e for e in cuts), []).append(c)
        for chars in parts.values():
            text = "".join(c.text for c in chars).strip()
            if text:
                out.append(Word(text, min(c.x0 for c in chars), max(c.x1 for c in chars), w.top, w.bottom,
                                bold=w.bold, size=w.size, chars=tuple(chars)))
    return out
