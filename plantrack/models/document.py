"""A format-neutral document as a flow: what the Word and HTML readers make of a paper, for the recognisers.

Readers turn a file into one of two shapes, and the recognisers work on the shape alone:

* a **flow** (this module): a Word document or a web page already says what is a paragraph, a heading
  and a table cell (with its fill, and which rows are headers), so their readers give this ordered
  flow of blocks, and `extract/flow_minutes.py` / `extract/flow_report.py` read it;
* **laid-out pages** (`models/layout.py`): a PDF (or a scan, once OCR has rebuilt it) says only where
  words, rules and shaded boxes are printed, so its reader (`extract/pdf_layout.py`) gives pages of
  text lines with their weight, size and position, and the recognisers read structure from geometry.

Both give the same records for the same paper.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Para:
    """A paragraph or a heading. `text` has its white space folded (line breaks, &nbsp; → one space)."""

    text: str
    bold: bool = False
    size: float | None = None   # points, when the source says
    level: int = 0              # heading level 1..6; 0 for body text
    role: str | None = None     # what the markup says it is: "title", "item_title", "sub_title"


@dataclass
class Cell:
    text: str
    fill: str | None = None     # the cell's shading as "#rrggbb", None when unshaded
    span: int = 1               # columns it covers (a merged cell)


@dataclass
class Row:
    cells: list[Cell]
    header: bool = False        # a header row (<th>, <thead>, Word's "repeat as header row")

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)


Block = Para | Table


@dataclass
class FlowDocument:
    """A paper as an ordered flow of paragraphs and tables."""

    format: str                  # "docx" | "html"
    blocks: list[Block] = field(default_factory=list)
    running_heads: list[Para] = field(default_factory=list)  # a Word document's page header/footer text

    def paras(self) -> list[Para]:
        return [b for b in self.blocks if isinstance(b, Para)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def fold(text: str | None) -> str:
    """White space as the contract stores it: every run of spaces, breaks and &nbsp; → one space."""
    return " ".join((text or "").replace("\u00a0", " ").split())
