"""Words into lines: the page's words (pdfplumber `extract_words`) are read once per page and
grouped here, for the page's text lines, table cells and text-column tables alike."""
from __future__ import annotations

LINE_TOLERANCE = 3.0  # points: words whose tops differ by less are on one line


def group_lines(words: list[dict], tolerance: float = LINE_TOLERANCE) -> list[list[dict]]:
    """Words in reading order, as lines (top to bottom), each line's words left to right."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= tolerance:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def line_text(line: list[dict]) -> str:
    return " ".join(w["text"] for w in line)


def text_lines(words: list[dict]) -> list[dict]:
    """The page's lines with their text, position and largest font size."""
    return [{"text": line_text(line), "x0": line[0]["x0"], "top": min(w["top"] for w in line),
             "bottom": max(w["bottom"] for w in line), "size": max(w.get("size", 0) for w in line)}
            for line in group_lines(words)]


def split_at_edges(words: list[dict], edges: list[float]) -> list[dict]:
    """Words cut where a table's cell border runs through them. Producers such as spreadsheet
    exports leave about a point between the text of two cells, less than the gap that separates
    words, so a cell's last word and the next cell's first come out as one ("ManagerJan-20").
    Needs the words' characters (`extract_words(return_chars=True)`)."""
    out: list[dict] = []
    for w in words:
        cuts = [e for e in edges if w["x0"] < e - 1 and w["x1"] > e + 1]
        if not cuts or not w.get("chars"):
            out.append(w)
            continue
        parts: dict[int, list[dict]] = {}
        for c in w["chars"]:
            parts.setdefault(sum((c["x0"] + c["x1"]) / 2 >= e for e in cuts), []).append(c)
        for chars in parts.values():
            text = "".join(c["text"] for c in chars).strip()
            if text:
                out.append({**w, "text": text, "chars": chars, "x0": min(c["x0"] for c in chars),
                            "x1": max(c["x1"] for c in chars)})
    return out


def page_words(page, extra_attrs: tuple[str, ...] = ()) -> list[dict]:
    """The page's words with their characters and the size of their largest character. The size is
    not asked of pdfplumber as an attribute to match: on a rotated page the characters of one word
    can differ in size by a rounding, and pdfplumber would cut the word there ("t o").
    (The minutes reader, pdf_layout, keeps only its model Words, so the characters, a dict of some 25
    keys each, go with the page.)"""
    words = page.extract_words(extra_attrs=list(extra_attrs), return_chars=True)
    for w in words:
        w["size"] = max((c.get("size") or 0 for c in w["chars"]), default=0)
    return words
