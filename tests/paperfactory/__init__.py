"""Council plan progress reports and committee minutes as PDFs, together with their ground truth.

Tests build the papers they need here instead of shipping binary fixtures: a spec says what a paper
holds and how it is laid out, `make_report` / `make_minutes` draw it with reportlab and return what an
extractor should find in it, in the terms of the database contract (../shared/CONTRACT.md).

Everything is laid out by one small engine (`Sheet` + `draw_table`): pages are planned as lists of
drawing operations first and drawn afterwards, so footers can say "Page 2 of 5", and every table
(scores, keys, actions, minutes) breaks pages, repeats its header and splits rows the same way.

Text in a table cell is wrapped to the column; the truth for a cell is its printed lines joined by
single spaces, which is what the contract asks an extractor to store.

The package, one idea per module:

    colours.py   status colours in RGB, CMYK and grey
    fonts.py     font pairs (built-in, DejaVu, Vera fallback) and wrapping
    dates.py     the date forms the factory prints, and due dates from timescales
    layout.py    the layout engine: Sheet, draw_table (page breaks, repeated headers, split rows), render
    reports.py   plan progress reports: ReportSpec → make_report → ExpectedReport
    minutes.py   committee minutes with Amber-reasons tables: MinutesSpec → make_minutes
    numbered.py  ModernGov-style numbered minutes over many pages: make_numbered_minutes
    samples.py   ready-made series of the two sample families: sdp_spec, csip_spec, *_minutes_spec
    rejects.py   files an ingester must reject (not a PDF, empty, truncated, encrypted, image-only) and scans
"""
from .colours import (
    RAGS, SCORE, Colour, BLACK_RGB, WHITE_RGB, PALETTES, CSIP_CMYK, GREY_LEVELS, GREY_HEADER,
    in_space, status_colour, luminance, contrast,
)
from .fonts import find_font, font_pair, symbol_font, wrap
from .dates import month_end, due_date, as_at_date, month_label, long_date
from .layout import (
    Op, Sheet, render_sheet, Cell, TableStyle, Placed, row_height, draw_table, fmt_score, render,
)
from .reports import (
    ActionSpec, PrioritySpec, ReportSpec, ExpectedPriority, ExpectedAction, ExpectedReport,
    VOCABULARIES, COLUMN_ORDERS, OFSTED_HEADER, LEGENDS, STATUS_WORDS, STATUS_LETTERS, House,
    HOUSES, Look, make_report, build_report,
)
from .minutes import (
    AmberRow, AgendaItem, MinutesSpec, ExpectedItem, ExpectedAmberRow, ExpectedMinutes, BACK_REFERENCES,
    make_minutes,
)
from .numbered import NumberedItem, NumberedMinutesSpec, make_numbered_minutes
from .samples import sdp_spec, csip_spec, sdp_minutes_spec, csip_minutes_spec, action_opening, amber_row
from .rejects import (
    make_text_page, make_not_pdf, make_empty, make_truncated, make_encrypted, make_image_only,
    make_scan, make_garbled,
)

__all__ = [
    "Look", "BACK_REFERENCES", "action_opening", "amber_row",
    "RAGS", "SCORE", "Colour", "BLACK_RGB", "WHITE_RGB", "PALETTES", "CSIP_CMYK", "GREY_LEVELS",
    "GREY_HEADER", "in_space", "status_colour", "luminance", "contrast", "find_font", "font_pair",
    "symbol_font", "wrap", "month_end", "due_date", "as_at_date", "month_label", "long_date", "Op",
    "Sheet", "render_sheet", "Cell", "TableStyle", "Placed", "row_height", "draw_table",
    "fmt_score", "render", "ActionSpec", "PrioritySpec", "ReportSpec", "ExpectedPriority",
    "ExpectedAction", "ExpectedReport", "VOCABULARIES", "COLUMN_ORDERS", "OFSTED_HEADER", "LEGENDS",
    "STATUS_WORDS", "STATUS_LETTERS", "House", "HOUSES", "make_report", "build_report", "AmberRow",
    "AgendaItem", "MinutesSpec", "ExpectedItem", "ExpectedAmberRow", "ExpectedMinutes",
    "make_minutes", "NumberedItem", "NumberedMinutesSpec", "make_numbered_minutes", "sdp_spec",
    "csip_spec", "sdp_minutes_spec", "csip_minutes_spec", "make_text_page", "make_not_pdf",
    "make_empty", "make_truncated", "make_encrypted", "make_image_only", "make_scan", "make_garbled",
]
