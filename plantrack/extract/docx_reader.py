"""A Word document (.docx) → a `Document`, with python-docx.

The body's paragraphs and tables are read in order. A table cell's paragraphs (and line breaks) are
joined by single spaces, as a PDF cell's lines are; a cell merged across columns keeps its place in
the grid (so columns line up with the header), and a cell merged down is read once, in its first row.
A cell's shading (`w:shd` fill) is its colour: a colour-only status, calibrated later by the key.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..models.document import Cell, Document, Para, Row, Table, fold

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_BLOCKS = 20000  # a document larger than any committee paper is read no further
_HEADING_STYLE = re.compile(r"^(?:heading\s*(\d)|title)$", re.I)


# Word's "Strict Open XML Document" (ISO/IEC 29500 Strict) is the same document under other namespace
# and relationship names, which python-docx does not know: read as the Transitional names it does.
STRICT_NAMES = {
    "http://purl.oclc.org/ooxml/wordprocessingml/main": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/officeDocument/relationships":
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/math": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://purl.oclc.org/ooxml/officeDocument/extendedProperties":
        "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "http://purl.oclc.org/ooxml/officeDocument/customProperties":
        "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes":
        "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "http://purl.oclc.org/ooxml/drawingml/main": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing":
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "http://purl.oclc.org/ooxml/drawingml/picture": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "http://purl.oclc.org/ooxml/drawingml/chart": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}


def _opened(path: Path):
    """The file python-docx is given: the path itself, or for a Strict document the same package
    with its names made Transitional, in memory."""
    import io
    import zipfile

    with zipfile.ZipFile(path) as z:
        rels = z.read("_rels/.rels") if "_rels/.rels" in z.namelist() else b""
        if b"purl.oclc.org/ooxml/" not in rels:
            return str(path)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as strict_free:
            for info in z.infolist():
                data = z.read(info)
                if info.filename.endswith((".xml", ".rels")):
                    for strict, transitional in STRICT_NAMES.items():
                        data = data.replace(strict.encode(), transitional.encode())
                strict_free.writestr(info, data)
    out.seek(0)
    return out


def read_docx(path: Path) -> Document:
    import docx  # python-docx

    document = docx.Document(_opened(path))
    styles = _style_info(document)
    numbers = _Numbering(document)
    doc = Document("docx")
    body = document.element.body
    for child in _body_blocks(body):
        if len(doc.blocks) >= MAX_BLOCKS:
            break
        if child.tag == W + "p":
            para = _para(child, styles)
            label = numbers.label(child)
            if label and para.text:
                para.text = f"{label} {para.text}"
            if para.text:
                doc.blocks.append(para)
        elif child.tag == W + "tbl":
            doc.blocks.append(_table(child))
    doc.running_heads = _running_heads(document, styles)
    return doc


def _running_heads(document, styles) -> list[Para]:
    """The first section's header and footer paragraphs: a report may name its plan only there, as a
    PDF's running head does."""
    out = []
    try:
        section = document.sections[0]
        parts = [section.header, section.first_page_header, section.footer]
    except (IndexError, AttributeError, KeyError):
        return out
    for part in parts:
        try:
            if part.is_linked_to_previous:
                continue
            out += [p for p in (_para(el, styles) for el in part._element.iter(W + "p")) if p.text]
        except (AttributeError, KeyError, ValueError):
            continue
    return out


def _body_blocks(body):
    """The body's paragraphs and tables in order, including those wrapped in content controls
    (`w:sdt`) or custom XML, which templates put around whole sections."""
    stack = list(reversed(list(body.iterchildren())))
    while stack:
        el = stack.pop()
        if el.tag in (W + "p", W + "tbl"):
            yield el
        elif el.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            stack += list(reversed(list(el.iterchildren())))


def _wrapped(parent, tag: str):
    """`parent`'s children with this tag, including those inside content controls (a row or a cell a
    template wraps in a `w:sdt`)."""
    for el in parent.iterchildren():
        if el.tag == tag:
            yield el
        elif el.tag in (W + "sdt", W + "customXml"):
            content = el.find(W + "sdtContent") if el.tag == W + "sdt" else el
            if content is not None:
                yield from (c for c in content.iterchildren() if c.tag == tag)


def _style_info(document) -> dict[str, tuple[bool, float | None, int]]:
    """Each paragraph style's id → (bold, size in points, heading level), as its definition says."""
    out = {}
    for style in document.styles:
        try:
            font = style.font
        except AttributeError:
            continue
        m = _HEADING_STYLE.match(style.name or "")
        level = (int(m.group(1)) if m.group(1) else 1) if m else 0
        size = font.size.pt if font.size is not None else None
        out[style.style_id] = (bool(font.bold), size, level)
    return out


def _text(el) -> str:
    """An element's text, with tabs and breaks as spaces."""
    parts = []
    for node in el.iter(W + "t", W + "tab", W + "br", W + "cr"):
        parts.append(node.text or "" if node.tag == W + "t" else " ")
    return "".join(parts)


def _on(el) -> bool:
    """A toggle property (<w:b/>, <w:b w:val="0"/>)."""
    return el is not None and el.get(W + "val") not in ("0", "false", "off")


def _para(p, styles) -> Para:
    style_id = p.find(f"{W}pPr/{W}pStyle")
    style_bold, style_size, level = styles.get(style_id.get(W + "val") if style_id is not None else "Normal",
                                               (False, None, 0))
    runs = [(r, _text(r)) for r in p.iter(W + "r")]
    chars = bold_chars = 0
    sizes = []
    for r, text in runs:
        n = len(text.strip())
        chars += n
        rpr = r.find(W + "rPr")
        b = rpr.find(W + "b") if rpr is not None else None
        if (_on(b) if b is not None else style_bold):
            bold_chars += n
        sz = rpr.find(W + "sz") if rpr is not None else None
        if sz is not None and n:
            try:
                sizes.append(int(sz.get(W + "val")) / 2)
            except (TypeError, ValueError):
                pass
    text = fold(_text(p))
    size = max(sizes) if sizes else style_size
    return Para(text, bold=bool(chars) and bold_chars * 2 > chars, size=size, level=level)


def _table(tbl) -> Table:
    table = Table()
    for tr in _wrapped(tbl, W + "tr"):
        trpr = tr.find(W + "trPr")
        header = trpr is not None and _on(trpr.find(W + "tblHeader"))
        cells = []
        for tc in _wrapped(tr, W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span, fill, merged_on = 1, None, False
            if tcpr is not None:
                gs = tcpr.find(W + "gridSpan")
                if gs is not None and (gs.get(W + "val") or "").isdigit():
                    span = max(1, min(int(gs.get(W + "val")), 64))
                vm = tcpr.find(W + "vMerge")
                merged_on = vm is not None and vm.get(W + "val") in (None, "continue")
                fill = _shading(tcpr.find(W + "shd"))
            if fill is None:  # shading on the cell's paragraph or its words instead of the cell
                fill = next((f for el in tc.iter(W + "shd", W + "highlight")
                             if (f := _shading(el) if el.tag == W + "shd" else _HIGHLIGHT.get(el.get(W + "val"))) is not None),
                            None)
            # paragraphs of the cell (and of a table nested in it) joined by single spaces
            text = "" if merged_on else fold(" ".join(_text(p) for p in tc.iter(W + "p")))
            cells.append(Cell(text, fill=fill, span=span))
            cells += [Cell("", fill=fill) for _ in range(span - 1)]
        table.rows.append(Row(cells, header=header))
    return table


# Word's highlighter colours (w:highlight), as RGB
_HIGHLIGHT = {"yellow": "#ffff00", "green": "#00ff00", "red": "#ff0000", "darkYellow": "#808000",
              "darkGreen": "#008000", "darkRed": "#800000", "blue": "#0000ff", "darkBlue": "#000080",
              "lightGray": "#c0c0c0", "darkGray": "#808080", "magenta": "#ff00ff", "cyan": "#00ffff"}


def _shading(shd) -> str | None:
    """A w:shd element's colour: its fill, or, for a solid pattern, the pattern's colour that covers it."""
    if shd is None:
        return None
    if shd.get(W + "val") == "solid":
        return _fill(shd.get(W + "color")) or _fill(shd.get(W + "fill"))
    return _fill(shd.get(W + "fill"))


def _fill(value: str | None) -> str | None:
    if not value or not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        return None  # "auto", or a theme colour without its RGB
    return "#" + value.lower()


class _Numbering:
    """Word's automatic numbering ("4." before an agenda item's title is not in the text, Word counts
    it): the number each numbered paragraph shows, for decimal levels; bullets and letters are left out."""

    def __init__(self, document):
        self.formats: dict[str, dict[str, tuple[str, int, str]]] = {}  # numId → ilvl → (fmt, start, text)
        self.style_num: dict[str, tuple[str, str]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, AttributeError, NotImplementedError):
            root = None
        if root is not None:
            abstract = {}
            for a in root.iterchildren(W + "abstractNum"):
                levels = {}
                for lvl in a.iterchildren(W + "lvl"):
                    fmt, start, text = lvl.find(W + "numFmt"), lvl.find(W + "start"), lvl.find(W + "lvlText")
                    try:
                        first = int(start.get(W + "val")) if start is not None else 1
                    except (TypeError, ValueError):
                        first = 1
                    levels[lvl.get(W + "ilvl")] = (fmt.get(W + "val") if fmt is not None else "decimal", first,
                                                   text.get(W + "val") if text is not None else "")
                abstract[a.get(W + "abstractNumId")] = levels
            for num in root.iterchildren(W + "num"):
                ref = num.find(W + "abstractNumId")
                if ref is not None:
                    self.formats[num.get(W + "numId")] = abstract.get(ref.get(W + "val"), {})
        for style in document.styles.element.iterchildren(W + "style"):
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                self.style_num[style.get(W + "styleId")] = _num_ids(numpr)

    def label(self, p) -> str | None:
        numpr = p.find(f"{W}pPr/{W}numPr")
        style = p.find(f"{W}pPr/{W}pStyle")
        num_id, ilvl = _num_ids(numpr) if numpr is not None else (None, None)
        if num_id is None and style is not None:
            num_id, ilvl = self.style_num.get(style.get(W + "val"), (None, None))
        if num_id in (None, "0") or num_id not in self.formats:
            return None
        level = int(ilvl) if ilvl and ilvl.isdigit() else 0
        counts = self.counters.setdefault(num_id, {})
        fmt, start, text = self.formats[num_id].get(str(level), ("decimal", 1, f"%{level + 1}."))
        counts[level] = counts.get(level, start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]  # a new item restarts its sub-numbering
        if fmt != "decimal" or not text:
            return None
        label = text
        for k in range(level + 1):
            label = label.replace(f"%{k + 1}", str(counts.get(k, 1)))
        return label if re.fullmatch(r"[\d.()]+", label) else None


def _num_ids(numpr) -> tuple[str | None, str | None]:
    num_id, ilvl = numpr.find(W + "numId"), numpr.find(W + "ilvl")
    return (num_id.get(W + "val") if num_id is not None else None,
            ilvl.get(W + "val") if ilvl is not None else None)
