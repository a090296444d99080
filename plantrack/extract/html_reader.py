"""A web page (ModernGov minutes, a saved or fetched page) → a `Document`, with lxml.

lxml (libxml2) rather than a pure-Python parser: it is fast, forgiving of the tag soup that Word's
"Save as web page" and ModernGov produce, never runs scripts or fetches anything (network access is
off), and it is already installed as python-docx's dependency.

The tree is walked without recursion, so a page nested thousands of levels deep cannot exhaust the
stack; script, style and form elements are dropped. Layout tables (ModernGov's `mgItemTable`, which
lays out each agenda item in a row, or any table holding another table) are read as flow; other
tables become `Table` blocks with each cell's `<br>`, paragraphs and `&nbsp;` as single spaces.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..models.document import Cell, Document, Para, Row, Table, fold

MAX_BYTES = 30 << 20
MAX_BLOCKS = 20000
_DROP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "select",
         "button", "textarea", "head"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
          "article", "header", "footer", "main", "nav", "aside", "blockquote", "pre", "address", "form",
          "fieldset", "figure", "figcaption", "hr", "center", "caption", "body", "html"}
_BOLD_TAGS = {"b", "strong", "th"}
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)
_SIZE_STYLE = re.compile(r"font-size\s*:\s*([\d.]+)\s*(pt|px)", re.I)
_BG_STYLE = re.compile(r"background(?:-color)?\s*:\s*([^;]+)", re.I)
_ROLES = {"mgmaintitletxt": "title", "mgaititletxt": "item_title", "mgsubitemtitletxt": "sub_title"}
_NAMED = {"red": "#ff0000", "yellow": "#ffff00", "green": "#008000", "lime": "#00ff00", "orange": "#ffa500",
          "blue": "#0000ff", "grey": "#808080", "gray": "#808080", "silver": "#c0c0c0", "purple": "#800080",
          "amber": "#ffbf00", "white": "#ffffff", "black": "#000000", "gold": "#ffd700",
          "limegreen": "#32cd32", "darkgreen": "#006400", "lightgreen": "#90ee90", "darkorange": "#ff8c00"}


def read_html(path: Path) -> Document:
    from lxml import html as lhtml

    data = Path(path).read_bytes()[:MAX_BYTES]
    from .sniff import is_mhtml

    if is_mhtml(data[:8192]):
        data = _mhtml_page(data)
    parser = lhtml.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True,
                              default_doctype=False, encoding=_encoding(data))
    root = lhtml.document_fromstring(data, parser=parser) if data.strip() else None
    doc = Document("html")
    if root is None:
        return doc
    _Walker(doc).walk(root)
    return doc


def _mhtml_page(data: bytes) -> bytes:
    """The HTML part of a single-file web archive, decoded from its transfer encoding."""
    import email
    from email import policy

    message = email.message_from_bytes(data, policy=policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            body = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset and not re.search(rb"<meta[^>]+charset", body[:8192], re.I):
                try:  # the MIME header names the charset that the page itself may not
                    body = body.decode(charset, "replace").encode("utf-8")
                except LookupError:
                    pass
            return body
    return b""


def _encoding(data: bytes) -> str | None:
    """The page's encoding when it does not declare one: libxml2 would take Latin-1, turning a fetched
    page's UTF-8 quotes and dashes into mojibake. A BOM or a <meta charset> is left to lxml."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or re.search(
            rb"<meta[^>]+charset", data[:8192], re.I):
        return None
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "windows-1252"  # what Word and older sites write undeclared


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _classes(el) -> set[str]:
    return {c.lower() for c in (el.get("class") or "").split()} | {(el.get("id") or "").lower()}


class _Walker:
    """Collects inline text into paragraphs, flushing at block boundaries."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.parts: list[tuple[str, bool]] = []
        self.role: str | None = None
        self.level = 0
        self.size: float | None = None

    def flush(self) -> None:
        text = fold("".join(t for t, _ in self.parts))
        if text and len(self.doc.blocks) < MAX_BLOCKS:
            chars = sum(len(t.strip()) for t, _ in self.parts)
            bold = sum(len(t.strip()) for t, b in self.parts if b)
            self.doc.blocks.append(Para(text, bold=bool(chars) and bold * 2 > chars, size=self.size,
                                        level=self.level, role=self.role))
        self.parts, self.role, self.level, self.size = [], None, 0, None

    def walk(self, root) -> None:
        # (element, bold inherited) to open; ("end", element) to close
        stack: list = [(root, False)]
        while stack:
            item = stack.pop()
            if item[0] == "end":
                el = item[1]
                if _tag(el) in _BLOCK:
                    self.flush()
                if el.tail:
                    self.parts.append((el.tail, item[2]))
                continue
            el, bold = item
            tag = _tag(el)
            if not tag or tag in _DROP:
                if el.tail and tag:
                    self.parts.append((el.tail, bold))
                continue
            if tag == "table" and not _layout_table(el):
                self.flush()
                self.doc.blocks.append(_table(el))
                if el.tail:
                    self.parts.append((el.tail, bold))
                continue
            if tag in _BLOCK or tag in ("tr", "td", "th"):
                self.flush()
            if tag == "br":
                self.parts.append((" ", bold))
            style = el.get("style") or ""
            here_bold = bold or tag in _BOLD_TAGS or bool(_BOLD_STYLE.search(style))
            role = next((_ROLES[c] for c in _classes(el) if c in _ROLES), None)
            if role:
                self.role = role
            if re.fullmatch(r"h[1-6]", tag):
                self.level = int(tag[1])
                here_bold = True
            m = _SIZE_STYLE.search(style)
            if m:
                value = float(m.group(1))
                self.size = value * 0.75 if m.group(2).lower() == "px" else value
            if el.text:
                self.parts.append((el.text, here_bold))
            end_bold = bold  # the tail after an element has its parent's weight
            stack.append(("end", el, end_bold))
            for child in reversed(el):
                stack.append((child, here_bold))
        self.flush()


def _layout_table(table) -> bool:
    """A table that lays out a page rather than holding data: ModernGov's item table, or one with a
    table or an agenda item title inside it."""
    if _classes(table) & {"mgitemtable"}:
        return True
    for el in table.iterdescendants():
        tag = _tag(el)
        if tag == "table" or _classes(el) & {"mgaititletxt", "mgsubitemtitletxt", "mgmaintitletxt"}:
            return True
    return False


def _rows(table):
    """The table's own rows, not those of a table nested in a cell."""
    for el in table.iterdescendants("tr", "TR"):
        owner = next((a for a in el.iterancestors() if _tag(a) == "table"), None)
        if owner is table:
            yield el


def _table(table) -> Table:
    out = Table()
    for tr in _rows(table):
        cells = []
        in_head = any(_tag(a) == "thead" for a in tr.iterancestors())
        tags = []
        for td in tr:
            tag = _tag(td)
            if tag not in ("td", "th"):
                continue
            tags.append(tag)
            span = int(td.get("colspan")) if (td.get("colspan") or "").isdigit() else 1
            span = max(1, min(span, 64))
            fill = _colour(td) or _colour(tr)
            cells.append(Cell(_cell_text(td), fill=fill, span=span))
            cells += [Cell("", fill=fill) for _ in range(span - 1)]
        if cells:
            out.rows.append(Row(cells, header=in_head or (bool(tags) and all(t == "th" for t in tags))))
    return out


def _cell_text(td) -> str:
    """A cell's text: block elements and <br> are spaces between words, as a PDF cell's line breaks.
    Walked with a stack, in document order (an element's tail after its children's text)."""
    parts: list[str] = []
    stack: list = [(td, False)]
    while stack:
        el, closing = stack.pop()
        tag = _tag(el)
        if closing:
            if tag in _BLOCK:
                parts.append(" ")
            if el is not td and el.tail:
                parts.append(el.tail)
            continue
        if tag in _DROP or not tag:
            if el is not td and el.tail:
                parts.append(el.tail)
            continue
        if tag in _BLOCK or tag in ("br", "td", "th", "tr"):
            parts.append(" ")
        if el.text:
            parts.append(el.text)
        stack.append((el, True))
        stack += [(child, False) for child in reversed(el)]
    return fold("".join(parts))


def _colour(el) -> str | None:
    """An element's background colour as #rrggbb (style="background: …", bgcolor)."""
    value = None
    m = _BG_STYLE.search(el.get("style") or "")
    if m:
        value = m.group(1)
    elif el.get("bgcolor"):
        value = el.get("bgcolor")
    return _hex(value) if value else None


def _hex(value: str) -> str | None:
    v = value.strip().lower().split()[0] if value.strip() else ""
    v = v.rstrip(";").replace("!important", "")
    if v in _NAMED:
        return _NAMED[v]
    m = re.fullmatch(r"#?([0-9a-f]{6})", v)
    if m:
        return "#" + m.group(1)
    m = re.fullmatch(r"#([0-9a-f])([0-9a-f])([0-9a-f])", v)
    if m:
        return "#" + "".join(c * 2 for c in m.groups())
    m = re.match(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)", value.strip().lower())
    if m:
        return "#" + "".join(f"{min(int(c), 255):02x}" for c in m.groups())
    return None
