"""Plan progress reports: specs, truth and drawing (front page, scores table, key, action tables).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics

from .colours import BLACK_RGB, Colour, GREY_HEADER, RAGS, WHITE_RGB, contrast, in_space, status_colour
from .dates import as_at_date, due_date, month_label
from .fonts import font_pair, symbol_font, wrap
from .layout import Cell, Placed, Sheet, TableStyle, draw_table, fmt_score, render_sheet, row_height

@dataclass
class ActionSpec:
    ref: str | None
    text: str
    lead: str
    timescale: str
    success_measure: str
    progress: str
    rag: str | None                   # red/amber/green/blue/grey, None: unrated
    ofsted_ref: str | None = None     # printed under the ref: "Ofsted 1"
    extra: str | None = None          # value for ReportSpec.extra_column
    status_text: str | None = None    # a council's own status words printed instead of the rag's ("On target")
    direction: str | None = None      # value for ReportSpec.direction_column ("↑", Wingdings "é", "Improving")
    fill: Colour | None = None        # the status cell printed in this colour instead of the rag's (a faded print)


@dataclass
class PrioritySpec:
    number: int
    title: str
    previous_score: float | None
    current_score: float | None
    actions: list[ActionSpec]


@dataclass
class ReportSpec:
    authority: str
    plan: str
    as_at_line: str                   # "Progress update as at 31 October 2019", "Progress update – July 2022"
    priorities: list[PrioritySpec]
    overall_previous: float | None
    overall_current: float | None
    department: str = ""
    intro: list[str] = field(default_factory=list)   # paragraphs before the scores table
    notes: list[str] = field(default_factory=list)   # paragraphs between scores table and key
    closing: list[str] = field(default_factory=list)  # paragraphs right under the last action table
    as_at: str | None = None          # ISO; default: read from as_at_line
    # layout
    house: str = "sdp"                # look of page 1, running header/footer, table colours
    orientation: str = "portrait"
    status_style: str = "fill"        # fill | word | letter | symbol | word_plain | word_was | row_fill
    legend_at_end: bool = False       # the key printed after the action tables, not on page 1
    cell_pad: float | None = None     # action-table cell padding; small: text runs up to the borders
    open_cut: bool = False            # rows cut by a page break printed as a browser does (no borders)
    stored_rotated: int = 0           # 90 | 270: pages stored turned, with /Rotate to show them upright
    status_header: str | None = None  # the status column's header instead of the vocabulary's
    colour_space: str = "rgb"         # rgb | cmyk | grey
    palette: str | None = None        # status colours "sdp" | "csip"; None: the house's
    legend: str | None = "sdp"        # key wording "sdp" | "csip" | "track"; None: no key
    vocabulary: str = "sdp"           # header words: sdp | csip | alt | narrow
    column_order: list[str] | None = None  # logical columns; None: the vocabulary's order
    extra_column: str | None = None   # header of an extra column fed by ActionSpec.extra
    font: str | None = None           # helvetica | times | dejavu | dejavu-sans | dejavu-serif
    body_size: float = 7.5
    heading_size: float = 9.5
    rows_per_page: int | None = None  # at most this many action rows (or row parts) on a page
    split_rows: bool = True           # split a row over a page break when part of it fits
    ruled: bool = True                # False: action tables drawn as text columns, no grid lines
    header_align: str = "left"        # action-table header cells: left | centre
    break_inside: dict[str, int] = field(default_factory=dict)  # ref → lines before a forced break
    score_labels: tuple[str, str] | None = None  # previous/current column headers
    # scores table: "number" ("1. Title" / a No. column) | "priority" ("Priority 1 – Title");
    # extra columns "Number of actions" and "Direction of travel"; the overall score as a sentence
    score_label_style: str = "number"
    score_extra_columns: bool = False
    overall_as_sentence: bool = False
    scores_ruled: bool = True         # False: the scores table printed without rules or shading
    roman_priorities: bool = False    # priorities numbered I, II, III … in the scores table and headings
    scores_in_headings: bool = False  # no scores table: "Priority 1: … – score 2.3 (previous 1.9)"
    direction_column: str | None = None  # header of a direction-of-travel column right after the status


@dataclass
class ExpectedPriority:
    number: int
    title: str
    previous_score: float | None
    current_score: float | None


@dataclass
class ExpectedAction:
    priority_number: int
    ref: str | None
    ofsted_ref: str | None
    text: str | None
    lead: str | None
    timescale: str | None
    due_date: str | None
    success_measure: str | None
    progress: str | None
    rag: str | None
    page: int
    extra: str | None = None
    status_text: str | None = None    # the status cell's text as printed (None for a colour only)
    direction: str | None = None      # the direction-of-travel cell as printed


@dataclass
class ExpectedReport:
    plan: str
    period: str
    as_at: str
    overall_previous_score: float | None
    overall_current_score: float | None
    priorities: list[ExpectedPriority]
    actions: list[ExpectedAction]
    pages: int
    first_page: int = 1
    last_page: int = 0


VOCABULARIES = {
    "sdp": {"ref": "Ref", "text": "Action", "lead": "Lead", "timescale": "Timescale",
            "success": "Measure of success", "progress": "Progress update", "status": "RAG"},
    "csip": {"status": "Status", "ref": "No.", "text": "Action", "lead": "Officer responsible",
             "timescale": "Completion date", "success": "Evidence of success",
             "progress": "Commentary"},
    "alt": {"ref": "No.", "text": "What we will do", "lead": "Responsible officer",
            "timescale": "By when", "success": "How we will know", "progress": "Update",
            "status": "RAG status"},
    # columns too narrow for their header words, which Word then breaks: a tuple is printed one
    # part per line
    "narrow": {"ref": "Ref", "text": "Action", "lead": "Lead", "timescale": ("Timesc", "ale"),
               "success": "Measure of success", "progress": "Progress update", "status": ("R", "A", "G")},
}
COLUMN_ORDERS = {
    "sdp": ["ref", "text", "lead", "timescale", "success", "progress", "status"],
    "csip": ["status", "ref", "text", "lead", "timescale", "success", "progress"],
    "alt": ["ref", "text", "lead", "timescale", "success", "progress", "status"],
    "narrow": ["ref", "text", "lead", "timescale", "success", "progress", "status"],
}
_ACTION_FIELD = {"ofsted": "ofsted_ref", "text": "text", "lead": "lead", "timescale": "timescale", "success": "success_measure",
                 "progress": "progress", "extra": "extra", "direction": "direction"}
_WEIGHTS = {"text": 100, "lead": 66, "timescale": 46, "success": 85, "progress": 148, "extra": 50, "ofsted": 40,
            "direction": 34}
OFSTED_HEADER = "Ofsted rec."  # the header of an "ofsted" column: the tag printed on its own, not under the ref
_STATUS_WIDTH = {"fill": 40, "word": 50, "letter": 34, "symbol": 38, "word_plain": 44, "word_was": 52,
                 "row_fill": 40}

LEGENDS = {
    "sdp": {
        "red": "The action has not yet started or there is significant delay in implementation. "
               "The action must be prioritised to bring it back on track to deliver improvement.",
        "amber": "The action has started but there is some delay in implementation. The action "
                 "must be monitored to ensure the required improvement is delivered.",
        "green": "The action is on track to be completed by the agreed date. Evidence is required "
                 "to show that the improvement has been sustained.",
        "blue": "The action has been completed and there is evidence that the improvement has "
                "been sustained. The action remains in the plan for monitoring.",
        "grey": "The action has been completed and there is evidence that the improvement has "
                "been sustained. The action can safely be removed from the plan.",
    },
    "csip": {
        "red": "Not started, or significantly behind the completion date",
        "amber": "Under way but behind schedule; recovery action in place",
        "green": "On track to complete by the completion date",
        "blue": "Complete; impact evidenced and being monitored",
        "grey": "Complete, with sustained impact; will come out of the plan when it is next reviewed",
    },
}
# A key of progress words rather than colours; "Off Track" means some delay (amber) in its own key.
LEGENDS["track"] = {
    "red": "Not started or significant delay",
    "amber": "Started, some delay",
    "green": "On track to complete by the agreed date",
    "blue": "Complete; improvement sustained and monitored",
    "grey": "Complete; can be removed from the plan",
}
STATUS_WORDS = {
    "csip": {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue", "grey": "Purple"},
    "sdp": {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue", "grey": "Grey"},
    "track": {"red": "Not Started", "amber": "Off Track", "green": "On Track", "blue": "Completed", "grey": "Closed"},
}
# "C" (closed) for grey where there is no purple: "G" is taken by green.
STATUS_LETTERS = {
    "csip": {"red": "R", "amber": "A", "green": "G", "blue": "B", "grey": "P"},
    "sdp": {"red": "R", "amber": "A", "green": "G", "blue": "B", "grey": "C"},
}


@dataclass(frozen=True)
class House:
    font: str
    accent: Colour          # titles and headings
    header_fill: Colour
    header_colour: Colour
    grid: Colour
    shade: Colour           # the overall-score row


HOUSES = {
    "sdp": House("helvetica", BLACK_RGB, (0.8627, 0.902, 0.9451), BLACK_RGB, BLACK_RGB,
                 (0.95, 0.95, 0.95)),
    "csip": House("dejavu", (0.0, 0.4, 0.4196), (0.0, 0.4, 0.4196), WHITE_RGB, (0.498, 0.498, 0.498),
                  (0.902, 0.9412, 0.9412)),
}


class Look:
    """A ReportSpec's layout options resolved into fonts, colours and cell makers."""

    def __init__(self, spec: ReportSpec):
        self.spec = spec
        self.house = HOUSES[spec.house]
        self.space = spec.colour_space
        self.palette = spec.palette or spec.house
        self.regular, self.bold = font_pair(spec.font or self.house.font)
        self.words = STATUS_WORDS[spec.legend if spec.legend in ("csip", "track") else self.palette]
        self.letters = STATUS_LETTERS["csip" if spec.legend == "csip" else self.palette]
        self.vocab = VOCABULARIES[spec.vocabulary]
        order = list(spec.column_order or COLUMN_ORDERS[spec.vocabulary])
        if spec.extra_column and "extra" not in order:
            order.insert(order.index("progress") if "progress" in order else len(order), "extra")
        if spec.direction_column and "direction" not in order:
            order.insert(order.index("status") + 1 if "status" in order else len(order), "direction")
        self.columns = order
        self.black = self.c(BLACK_RGB)

    def c(self, rgb: Colour) -> Colour:
        return in_space(rgb, self.space)

    def header_colours(self) -> tuple[Colour, Colour]:
        if self.space == "grey":  # keep header shading clear of every status level
            return (GREY_HEADER,), self.black
        return self.c(self.house.header_fill), self.c(self.house.header_colour)

    def table(self, size: float, **overrides) -> TableStyle:
        fill, colour = self.header_colours()
        base = dict(font=self.regular, bold=self.bold, size=size, leading=round(size * 1.16, 2),
                    colour=self.black, grid=self.c(self.house.grid), header_fill=fill,
                    header_colour=colour)
        return TableStyle(**{**base, **overrides})

    def status_cell(self, rag: str | None) -> Cell:
        if rag is None:
            return Cell("", keep=True)
        colour = status_colour(rag, self.palette, self.space)
        style = self.spec.status_style
        if style in ("fill", "row_fill"):
            return Cell("", fill=colour, keep=True)
        if style in ("word", "letter"):
            text = self.words[rag] if style == "word" else self.letters[rag]
            return Cell(text, bold=True, fill=colour, colour=contrast(colour, self.space),
                        align="centre", keep=True)
        if style == "symbol":
            size = self.spec.body_size * 1.75
            font = symbol_font()
            if font is None:
                return Cell("", size=size, dot=colour, keep=True)
            return Cell("●", font=font, size=size, colour=colour, align="centre", keep=True)
        if style == "word_plain":
            return Cell(self.words[rag], keep=True)
        if style == "word_was":  # "Green (was Amber)": the old status beside the new, in plain words
            was = RAGS[(RAGS.index(rag) + 1) % len(RAGS)]
            return Cell(f"{self.words[rag]} (was {self.words[was]})", keep=True)
        raise ValueError(f"unknown status_style {style!r}")

    def widths(self, total: float, actions: Sequence[ActionSpec]) -> list[float]:
        """Ref and status columns as narrow as their content; the rest share what is left, each at
        least as wide as its longest word (as Word's AutoFit makes them), so no word runs into the
        next column."""
        pad = 2 * 3.0 + 2
        size = self.spec.body_size
        fixed = {"status": _STATUS_WIDTH[self.spec.status_style]}
        ref_lines = [s for a in actions for s in (a.ref, a.ofsted_ref) if s] + [self.vocab["ref"]]
        fixed["ref"] = max(pdfmetrics.stringWidth(s, self.bold, size) for s in ref_lines) + pad
        free_columns = [c for c in self.columns if c not in fixed]

        def longest_word(column: str) -> float:
            header = {"extra": self.spec.extra_column, "ofsted": OFSTED_HEADER,
                      "direction": self.spec.direction_column}.get(column) or self.vocab[column]
            header_words = header.split() if isinstance(header, str) else list(header)
            texts = [getattr(a, _ACTION_FIELD[column]) or "" for a in actions]
            return max([pdfmetrics.stringWidth(w, self.regular, size) for t in texts for w in t.split()]
                       + [pdfmetrics.stringWidth(w, self.bold, size) for w in header_words]) + pad

        floor = {c: longest_word(c) for c in free_columns}
        free = total - sum(fixed[c] for c in self.columns if c in fixed)
        widths = {c: free * _WEIGHTS[c] / sum(_WEIGHTS[k] for k in free_columns) for c in free_columns}
        short = {c for c in free_columns if widths[c] < floor[c]}
        if short:  # widen the cramped columns; the others give up the room in proportion
            room = free - sum(floor[c] for c in short)
            rest = [c for c in free_columns if c not in short]
            widths = {c: floor[c] if c in short else room * _WEIGHTS[c] / sum(_WEIGHTS[k] for k in rest)
                      for c in free_columns}
        return [fixed[c] if c in fixed else widths[c] for c in self.columns]


def make_report(path, spec: ReportSpec) -> ExpectedReport:
    """Write a plan progress report to `path`; return what an extractor should find in it."""
    return build_report(path, spec)


def build_report(path, spec: ReportSpec, encrypt=None) -> ExpectedReport:
    look = Look(spec)
    size = landscape(A4) if spec.orientation == "landscape" else A4
    sheet = Sheet(size)
    as_at = spec.as_at or as_at_date(spec.as_at_line)
    _front_page(sheet, spec, look, as_at[:7])
    sheet.new_page()
    actions = _action_tables(sheet, spec, look)
    if spec.legend_at_end:
        _legend(sheet, spec, look)
    sheet.y += 8  # close under the table, as "Report author: …" lines often are
    for text in spec.closing:
        sheet.para(text, look.regular, spec.body_size, look.black, after=2)
    pages = render_sheet(sheet, path, _report_decor(sheet, spec, look, as_at[:7]),
                    f"{spec.plan} – {spec.as_at_line}", encrypt, rotate=spec.stored_rotated)
    priorities = [ExpectedPriority(p.number, " ".join(p.title.split()), p.previous_score,
                                   p.current_score) for p in spec.priorities]
    printed = not spec.scores_in_headings  # with the scores in the headings, no overall score is printed
    return ExpectedReport(spec.plan, as_at[:7], as_at, spec.overall_previous if printed else None,
                          spec.overall_current if printed else None,
                          priorities, actions, pages, 1, pages)


def _front_page(sheet: Sheet, spec: ReportSpec, look: Look, period: str) -> None:
    accent, black, bold, regular = look.c(look.house.accent), look.black, look.bold, look.regular
    sheet.y -= 4
    sheet.para(spec.authority, bold, 11 if spec.house == "sdp" else 12, accent, after=3)
    if spec.department:
        sheet.para(spec.department, regular, 10.5, black, after=3)
    sheet.para(spec.plan, bold, 18 if spec.house == "sdp" else 17, accent, after=4)
    sheet.para(spec.as_at_line, bold, 12, black, after=8)
    for text in spec.intro:
        sheet.para(text, regular, 8.5, black, after=5)
    if not spec.scores_in_headings:
        _scores_table(sheet, spec, look, period)
    sheet.y -= 10
    for text in spec.notes:
        sheet.para(text, regular, 8.5, black, after=5)
    if not spec.legend_at_end:
        _legend(sheet, spec, look)


def _scores_table(sheet: Sheet, spec: ReportSpec, look: Look, period: str) -> None:
    total = sheet.right - sheet.left
    bold = dict(bold=True, align="centre")
    n = lambda p: _numeral(p.number, spec)  # noqa: E731
    label = (lambda p: f"Priority {n(p)} – {p.title}") if spec.score_label_style == "priority" else None
    if spec.house == "sdp" and not spec.score_extra_columns:
        previous, current = spec.score_labels or ("Previous period", "Current period")
        rows = [] if spec.overall_as_sentence else [
            [Cell("Overall score", bold=True), Cell(fmt_score(spec.overall_previous), **bold),
             Cell(fmt_score(spec.overall_current), **bold)]]
        rows += [[Cell("Priority", bold=True), Cell(previous, **bold), Cell(current, **bold)]]
        rows += [[Cell(label(p) if label else f"{n(p)}. {p.title}"), Cell(fmt_score(p.previous_score), align="centre"),
                  Cell(fmt_score(p.current_score), align="centre")] for p in spec.priorities]
        draw_table(sheet, [total - 130, 65, 65], rows, look.table(8, **_unruled(spec)))
    else:
        previous, current = spec.score_labels or (month_label(period, 1), month_label(period))
        shade = (GREY_HEADER,) if look.space == "grey" else look.c(look.house.shade)
        extra = spec.score_extra_columns
        rows = []
        for p in spec.priorities:
            arrows = ("→", "↑", "↓") if symbol_font() else ("same", "up", "down")
            travel = arrows[0] if p.current_score == p.previous_score else (
                arrows[1] if (p.current_score or 0) > (p.previous_score or 0) else arrows[2])
            rows.append([Cell(f"P{p.number}" if extra else n(p), align="centre"),
                         Cell(label(p) if label else p.title),
                         *([Cell(str(len(p.actions)), align="centre")] if extra else []),
                         Cell(fmt_score(p.previous_score), align="centre"),
                         Cell(fmt_score(p.current_score), align="centre"),
                         *([Cell(travel, align="centre", font=symbol_font())] if extra else [])])
        if not spec.overall_as_sentence:
            rows.append([Cell("", fill=shade), Cell("Overall plan score", bold=True, fill=shade),
                         *([Cell("", fill=shade)] if extra else []),
                         Cell(fmt_score(spec.overall_previous), fill=shade, **bold),
                         Cell(fmt_score(spec.overall_current), fill=shade, **bold),
                         *([Cell("", fill=shade)] if extra else [])])
        if extra:
            widths = [32, total - 372, 70, 100, 100, 70]
            header = ["Ref", "Priority", "Number of actions", previous, current, "Direction of travel"]
        else:
            widths, header = [32, total - 242, 105, 105], ["No.", "Priority", previous, current]
        draw_table(sheet, widths, rows, look.table(8, pad=4.5, **_unruled(spec)), header=header)
    if spec.overall_as_sentence:
        sheet.y -= 6
        sheet.para(f"The overall score has improved from {fmt_score(spec.overall_previous)} to "
                   f"{fmt_score(spec.overall_current)}.", look.regular, 8.5, look.black, after=5)


def _numeral(number: int, spec: ReportSpec) -> str:
    """A priority's number as the report prints it: 3, or III."""
    if not spec.roman_priorities:
        return str(number)
    return "".join(r * c for r, c in zip(("X", "IX", "V", "IV", "I"), _roman_counts(number)))


def _roman_counts(n: int) -> list[int]:
    counts = []
    for value in (10, 9, 5, 4, 1):
        counts.append(n // value)
        n %= value
    return counts


def _unruled(spec: ReportSpec) -> dict:
    return {} if spec.scores_ruled else {"grid": None, "header_fill": None, "header_colour": BLACK_RGB}


def _legend(sheet: Sheet, spec: ReportSpec, look: Look) -> None:
    if not spec.legend:
        return
    title = "RAG rating key" if spec.legend == "sdp" else "Status key"
    sheet.ensure(90)
    sheet.para(title, look.bold, 9, look.c(look.house.accent), after=3)
    named = spec.status_style in ("word", "word_plain")  # the swatch already says the colour
    rows = []
    for rag in RAGS:
        text = LEGENDS[spec.legend][rag]
        if spec.legend == "csip" and not named:
            text = f"{look.words[rag]} – {text}"
        rows.append([look.status_cell(rag), Cell(text)])
    grid = None if spec.status_style == "symbol" else look.c(look.house.grid)
    widths = [60, 250] if spec.legend == "sdp" else [52, 340]
    draw_table(sheet, widths, rows, look.table(8, grid=grid, min_split_lines=99))


def _action_tables(sheet: Sheet, spec: ReportSpec, look: Look) -> list[ExpectedAction]:
    all_actions = [a for p in spec.priorities for a in p.actions]
    widths = look.widths(sheet.right - sheet.left, all_actions)
    header = [spec.extra_column if c == "extra" else spec.direction_column if c == "direction"
              else (spec.status_header or look.vocab[c]) if c == "status"
              else OFSTED_HEADER if c == "ofsted" else look.vocab[c] for c in look.columns]
    style = look.table(spec.body_size, split_rows=spec.split_rows, header_align=spec.header_align, open_cut=spec.open_cut,
                       **({} if spec.ruled else {"grid": None}), **({} if spec.cell_pad is None else {"pad": spec.cell_pad}))
    header_h = row_height([Cell(h, bold=True) for h in header], widths, style)
    truth: list[ExpectedAction] = []
    for priority in spec.priorities:
        rows = [[_action_cell(a, c, look) for c in look.columns] for a in priority.actions]
        scores = (f" – score {fmt_score(priority.current_score)} (previous {fmt_score(priority.previous_score)})"
                  if spec.scores_in_headings else "")
        heading = wrap(f"Priority {_numeral(priority.number, spec)}: {priority.title}{scores}", look.bold,
                       spec.heading_size, sheet.right - sheet.left)
        first = min(row_height(rows[0], widths, style), 2 * style.leading + 2 * style.vertical_pad) if rows else 0
        sheet.ensure(len(heading) * spec.heading_size * 1.22 + 3 + header_h + first)
        sheet.lines(heading, look.bold, spec.heading_size, look.c(look.house.accent))
        sheet.y -= 3
        breaks = {i: spec.break_inside[a.ref] for i, a in enumerate(priority.actions)
                  if a.ref in spec.break_inside}
        placed = draw_table(sheet, widths, rows, style, header=header,
                            rows_per_page=spec.rows_per_page, break_inside=breaks)
        truth += [_action_truth(priority.number, a, look.columns + (["status"] if spec.status_style == "row_fill" else []), p)
                  for a, p in zip(priority.actions, placed)]
        sheet.y -= 12
    return truth


def _action_cell(action: ActionSpec, column: str, look: Look) -> Cell:
    if column == "status" and action.status_text is not None:  # the council's own words, plain
        return Cell(action.status_text, keep=True, font=_glyph_font(action.status_text, look))
    if column == "status" and action.fill is not None:
        return Cell("", fill=action.fill, keep=True)
    if column == "status":
        return look.status_cell(action.rag)
    if column == "direction":
        return Cell(action.direction or "", align="centre", keep=True, font=_glyph_font(action.direction, look))
    tag = None if "ofsted" in look.columns else action.ofsted_ref  # under the ref, unless a column of its own
    if column == "ofsted":
        return Cell(action.ofsted_ref or "")
    if column == "ref" and look.spec.status_style == "row_fill" and action.rag:
        fill = status_colour(action.rag, look.palette, look.space)
        return Cell([s for s in (action.ref, tag) if s], keep=True, fill=fill,
                    colour=contrast(fill, look.space))
    if column == "ref":
        return Cell([s for s in (action.ref, tag) if s], keep=True)
    value = {"text": action.text, "lead": action.lead, "timescale": action.timescale,
             "success": action.success_measure, "progress": action.progress,
             "extra": action.extra}[column]
    if look.spec.status_style == "row_fill" and action.rag:  # the whole row in its status colour
        fill = status_colour(action.rag, look.palette, look.space)
        return Cell(value or "", fill=fill, colour=contrast(fill, look.space))
    return Cell(value or "")


def _glyph_font(text: str | None, look: Look) -> str | None:
    """Arrows (↑ ↗) need a font that has them; Wingdings' letters (é ê è) print in the body font."""
    return symbol_font() if text and any(ord(ch) > 0xFF for ch in text) else None


def _action_truth(priority: int, action: ActionSpec, columns: list[str], placed: Placed) -> ExpectedAction:
    printed = {c: " ".join(lines) or None for c, lines in zip(columns, placed.lines)}
    has_ref = "ref" in columns
    return ExpectedAction(
        priority_number=priority,
        ref=action.ref if has_ref else None,
        ofsted_ref=action.ofsted_ref if has_ref or "ofsted" in columns else None,
        text=printed.get("text"), lead=printed.get("lead"), timescale=printed.get("timescale"),
        due_date=due_date(printed.get("timescale")), success_measure=printed.get("success"),
        progress=printed.get("progress"), rag=action.rag if "status" in columns else None,
        page=placed.page, extra=printed.get("extra"), status_text=printed.get("status"),
        direction=printed.get("direction"))


def _report_decor(sheet: Sheet, spec: ReportSpec, look: Look, period: str):
    """Running header and footer of every page."""
    w, h, left, right = sheet.width, sheet.height, sheet.left, sheet.right
    accent = look.c(look.house.accent)

    if spec.house == "sdp":
        grey = look.c((0.3, 0.3, 0.3))
        running = " – ".join(s for s in (spec.authority, spec.department) if s)
        label = f"{spec.plan}: progress update {month_label(period)}"
        fixed = [("text", left, h - 30, running, look.regular, 7.5, grey, "left"),
                 ("text", right, h - 30, label, look.regular, 7.5, grey, "right"),
                 ("line", left, h - 34, right, h - 34, 0.4, grey),
                 ("text", left, 30, "OFFICIAL", look.regular, 7.5, look.black, "left")]
        return lambda n, total: fixed + [
            ("text", right, 30, f"Page {n} of {total}", look.regular, 7.5, look.black, "right")]

    white = look.c(WHITE_RGB) if look.space != "grey" else look.black
    band = accent if look.space != "grey" else (GREY_HEADER,)
    footer = f"{spec.department or spec.authority} – improvement programme"
    fixed = [("fill", 0, h - 26, w, 26, band),
             ("text", left, h - 17, spec.authority, look.bold, 9, white, "left"),
             ("text", right, h - 17, spec.plan, look.regular, 9, white, "right"),
             ("text", left, 28, footer, look.regular, 7.5, accent, "left")]
    return lambda n, total: fixed + [
        ("text", right, 28, f"Page {n} of {total}", look.regular, 7.5, accent, "right")]


