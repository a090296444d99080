"""The one document model: what every reader makes of a paper, and all the recognisers read.

Readers differ — python-docx for Word, lxml for web pages, pdfplumber (and pypdfium2) for PDFs, OCR for
scans — but each ends in the same shape, a `Document`: an ordered flow of blocks,

* `Para` — a paragraph, a heading or (from a PDF) one printed line: its text, weight and size, and
  for a printed line the colour marks a key's line carries (a swatch left of its text, a colour in its
  band);
* `Table` — rows of cells, each with its text and the colour it shows (a shaded cell, a coloured ●),
  header rows marked; `rebuilt` when the PDF reader rebuilt it from text printed in columns,

in reading order, each with its page and box where the format has them (a PDF's; a Word document or a
web page has neither, and its blocks carry None). A recogniser reads blocks and nothing else, so a rule is
written once for every format; where it needs geometry (how far apart two printed lines are, where the
margin is) it reads the box, and a block without one is taken as the format gives it (a Word paragraph is
a paragraph already).

A PDF's colours are looked up only when a recogniser asks (`Cell.colour()`, `Para.swatch()`): finding
the colour a box shows means a look through the page's fills and characters, too dear for every cell
of a 300-page pack.

How a PDF's words become blocks — newspaper columns, running heads, tables printed as text columns or
ruled grids, which colour a cell shows — is the PDF reader's work, on laid-out pages (`models/layout.py`,
read by `extract/pdf_layout.py`; a plan report's pages become blocks in `extract/report_layout.py`),
and it ends here.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

RGB = tuple[float, float, float]
Box = tuple[float, float, float, float]  # x0, top, x1, bottom: points from the page's top-left corner
# A colour read only when a recogniser asks: on a PDF page, finding the colour a box shows means a look
# through the page's fills and characters, too dear for every cell and line of a 300-page pack.
Look = Callable[[], "RGB | None"]


def rgb_of(fill: str | None) -> RGB | None:
    """'#ffc000' → (1.0, 0.75, 0.0); None for no fill or one that is not a hex colour."""
    if not fill or not re.fullmatch(r"#[0-9a-f]{6}", fill):
        return None
    return tuple(int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


class _Shows:
    """The colour a block shows: as the format gives it (`rgb`, else `fill`), else looked up once
    when first asked (`look`, a PDF's)."""

    rgb: RGB | None
    fill: str | None
    look: Look | None

    def colour(self) -> RGB | None:
        if self.rgb is None and self.look is not None:
            self.rgb, self.look = self.look(), None
        return self.rgb if self.rgb is not None else rgb_of(self.fill)

    @property
    def measured(self) -> bool:
        """The colour is as printed (a PDF's exact colour, perhaps a CMYK mix), not a fill that the
        document names by its hex code: only a measured colour far from every key colour is a guess."""
        return self.rgb is not None or self.look is not None


@dataclass
class Para:
    """A paragraph, a heading, or one printed line of a PDF. `text` has its white space folded (line
    breaks, &nbsp; → one space)."""

    text: str
    bold: bool = False
    size: float | None = None   # points, when the source says
    level: int = 0              # heading level 1..6; 0 for body text
    role: str | None = None     # what the markup says it is: "title", "item_title", "sub_title"
    page: int | None = None     # 0-based page, where the format has pages
    box: Box | None = None      # where it is printed on that page
    # a key's colour marks on a printed line (a PDF's, looked up when asked): a swatch or ● printed
    # left of the text, and the colour shown anywhere in the line's band across the page
    swatch_look: Look | None = field(default=None, repr=False, compare=False)
    band_look: Look | None = field(default=None, repr=False, compare=False)

    def swatch(self) -> RGB | None:
        return self.swatch_look() if self.swatch_look is not None else None

    def band(self) -> RGB | None:
        return self.band_look() if self.band_look is not None else None


@dataclass
class Cell(_Shows):
    text: str
    fill: str | None = None     # the cell's shading as "#rrggbb", None when unshaded
    span: int = 1               # columns it covers (a merged cell)
    rgb: RGB | None = None      # the colour it shows as the format gives it (exact), when known
    box: Box | None = None      # its drawn box; None where the format has none (or a PDF drew none)
    look: Look | None = field(default=None, repr=False, compare=False)


@dataclass
class Row(_Shows):
    cells: list[Cell]
    header: bool = False        # a header row (<th>, <thead>, Word's "repeat as header row")
    box: Box | None = None
    page: int | None = None     # 0-based page it is printed on (a table may run over a page break)
    rgb: RGB | None = None      # the colour the row shows as a whole (a PDF's, looked up when asked)
    fill: str | None = None
    look: Look | None = field(default=None, repr=False, compare=False)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    page: int | None = None
    box: Box | None = None
    # A table a PDF reader read from printed lines (text columns) is followed in the flow by those
    # lines, as Paras: this many of them. A recogniser that does not take it as a table (nothing around
    # it says what it is) reads its lines as text instead; 0 for a table the format gives as one.
    printed_lines: int = 0
    # rebuilt by the PDF reader from words printed in columns without rules: its lines were printed
    # as lines, and stay Paras of their own too (a ruled grid's or a Word table's text is its cells')
    rebuilt: bool = False


Block = Para | Table


@dataclass
class Document:
    """A paper as an ordered flow of paragraphs and tables."""

    format: str                  # "docx" | "html" | "pdf"
    blocks: list[Block] = field(default_factory=list)
    running_heads: list[Para] = field(default_factory=list)  # a Word document's page header/footer text

    def paras(self) -> list[Para]:
        return [b for b in self.blocks if isinstance(b, Para)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def fold(text: str | None) -> str:
    """White space as the contract stores it: every run of spaces, breaks and &nbsp; → one space."""
    return " ".join((text or "").replace("\u00a0", " ").split())
