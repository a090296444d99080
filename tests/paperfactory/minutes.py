"""Minutes: specs and truth. Committee minutes with Amber-reasons tables, as the sample families print them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from reportlab.lib.pagesizes import A4

from .colours import BLACK_RGB, Colour, WHITE_RGB, luminance
from .dates import long_date
from .fonts import font_pair, wrap
from .layout import Cell, Op, Placed, Sheet, TableStyle, draw_table, render_sheet

@dataclass
class AmberRow:
    action_text: str
    reason: str
    ref: str | None = None            # the action it is about in the discussed report; None: none
    new_rag: str | None = None        # status the meeting changed it to ("Updated to GREEN")
    target_date: str | None = None    # ISO date the reason states ("Target date March 2020")
    points_to: int | None = None      # "As per 1.1": the index of the earlier row whose reason it carries
    status_cell: str | None = None    # the row's cell in the table's status column ("Green"), if it has one


@dataclass
class AgendaItem:
    number: int
    title: str
    paragraphs: list[str] = field(default_factory=list)
    resolution: str | None = None     # "RESOLVED, that – …" / "RESOLVED: That …"
    amber_rows: list[AmberRow | tuple[str, str]] = field(default_factory=list)
    plan: str | None = None           # the plan the Amber table is about; default: the title
    after_table: list[str] = field(default_factory=list)


@dataclass
class MinutesSpec:
    authority: str
    committee: str
    meeting_date: str                 # ISO
    items: list[AgendaItem]
    time: str = "2.00 pm"
    venue: str | None = None
    present: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    present_label: str = "Present"
    officers_label: str = "Officers:"
    closing: list[str] = field(default_factory=lambda: ["The meeting ended at 3.20 pm", "Chairman"])
    # layout
    # ruled | unruled | list ("(a) action – reason") | pairs (the action in bold, its reason indented
    # under it) | labelled pairs (the reason headed "Reason for Amber:")
    table_style: str = "ruled"
    reason_header: str = "Reason for Amber"
    first_header_blank: bool = False
    repeat_header: bool = True
    header_align: str = "left"         # left | centre
    header_fill: Colour | None = None  # RGB; header text turns white on a dark fill
    status_header: str | None = None  # "RAG", "New status": a third column, the status each row was given
    font: str = "helvetica"
    date_comma: bool = True           # "Thursday, 12 December 2019" vs "Tuesday 19 July 2022"
    page_label: str = "plain"         # plain "1" | of "Page 1 of 2"
    # meeting: committee, then "Minutes of the meeting held on …" | body: "Minutes of the <committee>
    # held on …" | dash: "<committee> – Minutes", then the date
    title_style: str = "meeting"
    row_padding: float | None = None  # space above and below the reasons' cells; 0: none between rows
    columns: int = 1                  # 2: printed in two newspaper-style columns, read down the left first


@dataclass
class ExpectedItem:
    number: int
    title: str
    resolution: str | None
    page: int


@dataclass
class ExpectedAmberRow:
    position: int
    plan: str
    action_text: str
    reason: str
    effective_reason: str
    new_rag: str | None
    target_date: str | None
    ref: str | None
    page: int


@dataclass
class ExpectedMinutes:
    committee: str
    meeting_date: str
    items: list[ExpectedItem]
    amber_rows: list[ExpectedAmberRow]
    pages: int
    first_page: int = 1
    last_page: int = 0


BACK_REFERENCES = {"same as above", "as above"}


def make_minutes(path, spec: MinutesSpec) -> ExpectedMinutes:
    """Write committee minutes to `path`; return what an extractor should find in them."""
    regular, bold = font_pair(spec.font)
    black = BLACK_RGB
    column, gutter = (A4[0] - 112 - 24) / 2, 24
    # two columns: the text is laid out on pages one column wide, then each pair of them is printed
    # side by side on one page
    sheet = Sheet(A4, margins=(56, 60, 56 + (column + gutter if spec.columns == 2 else 0), 56))
    held = f" at {spec.venue}" if spec.venue else ""
    when = f"{long_date(spec.meeting_date, spec.date_comma)} at {spec.time}"
    title = {"meeting": [(spec.committee, 13), (f"Minutes of the meeting held{held} on {when}", 10.5)],
             "body": [(f"Minutes of the {spec.committee} held{held} on {when}", 12)],
             "dash": [(f"{spec.committee} – Minutes", 13), (when + held, 10.5)]}[spec.title_style]
    for text, size in [(spec.authority, 12), *title]:
        sheet.para(text, bold, size, black, align="centre", after=2)
    sheet.y -= 10
    for label, names in ((spec.present_label, spec.present), (spec.officers_label, spec.officers)):
        if names:
            _name_list(sheet, label, names, regular, bold)
    items, rows = [], []
    for item in spec.items:
        items.append(_minutes_item(sheet, spec, item, rows, regular, bold))
    for line in spec.closing:
        sheet.para(line, regular, 10, black, after=4)
    if spec.columns == 2:
        sheet.pages = [left + [_shifted(op, column + gutter) for op in right]
                       for left, right in zip(sheet.pages[::2], sheet.pages[1::2] + [[]])]
        items = [replace(i, page=(i.page + 1) // 2) for i in items]
        rows[:] = [replace(r, page=(r.page + 1) // 2) for r in rows]
    pages = render_sheet(sheet, path, _minutes_decor(sheet, spec, regular),
                    f"{spec.committee} – minutes {spec.meeting_date}")
    return ExpectedMinutes(spec.committee, spec.meeting_date, items, rows, pages, 1, pages)


def _shifted(op: Op, dx: float) -> Op:
    """A drawing operation moved right by dx (into the second column)."""
    if op[0] == "line":
        return (op[0], op[1] + dx, op[2], op[3] + dx, *op[4:])
    return (op[0], op[1] + dx, *op[2:])


def _name_list(sheet: Sheet, label: str, names: list[str], regular: str, bold: str) -> None:
    """Attendance as two columns of names, filled row by row as the samples print it."""
    sheet.para(label, bold, 10, BLACK_RGB, after=2)
    gutter = 12
    half = (sheet.right - sheet.left - 10 - gutter) / 2
    pairs = [names[i:i + 2] + [""] * (2 - len(names[i:i + 2])) for i in range(0, len(names), 2)]
    style = TableStyle(regular, bold, size=10, leading=12, pad=0.5, grid=None, split_rows=False)
    draw_table(sheet, [half, gutter, half], [[Cell(a), Cell(), Cell(b)] for a, b in pairs], style,
               x=sheet.left + 10)
    sheet.y -= 6


def _minutes_item(sheet: Sheet, spec: MinutesSpec, item: AgendaItem, rows: list,
                  regular: str, bold: str) -> ExpectedItem:
    black = BLACK_RGB
    sheet.ensure(40)
    heading = wrap(f"{item.number}. {item.title}", bold, 10.5, sheet.right - sheet.left)
    sheet.ensure(len(heading) * 12.8 + 14)
    page = sheet.page
    sheet.lines(heading, bold, 10.5, black)
    sheet.y -= 3
    for text in item.paragraphs:
        sheet.para(text, regular, 10, black, indent=20, after=5)
    if item.amber_rows:
        _amber_table(sheet, spec, item, rows, regular, bold)
    for text in item.after_table:
        sheet.para(text, regular, 10, black, indent=20, after=5)
    if item.resolution:
        sheet.para(item.resolution, regular, 10, black, indent=20, after=5)
    sheet.y -= 3
    resolution = " ".join(item.resolution.split()) if item.resolution else None
    return ExpectedItem(item.number, " ".join(item.title.split()), resolution, page)


def _amber_table(sheet: Sheet, spec: MinutesSpec, item: AgendaItem, rows: list,
                 regular: str, bold: str) -> None:
    given = [r if isinstance(r, AmberRow) else AmberRow(*r) for r in item.amber_rows]
    ruled = spec.table_style == "ruled"
    dark = spec.header_fill and luminance(spec.header_fill) < 0.5
    style = TableStyle(regular, bold, size=9.5 if ruled else 10, leading=11.5 if ruled else 12,
                       pad=3.5 if ruled else 5, vpad=spec.row_padding,
                       grid=BLACK_RGB if ruled else None,
                       header_fill=spec.header_fill, header_colour=WHITE_RGB if dark else BLACK_RGB,
                       repeat_header=spec.repeat_header, split_rows=False)
    x = sheet.left + 24
    widths = [(sheet.right - x) * 0.45, (sheet.right - x) * 0.55]
    header = ["" if spec.first_header_blank else "Action", spec.reason_header]
    if spec.status_header:
        widths = [(sheet.right - x) * 0.4, (sheet.right - x) * 0.45, (sheet.right - x) * 0.15]
        header.append(spec.status_header)
    if spec.table_style == "list":  # "(a) <action> – <reason>", a paragraph each
        placed = []
        for k, r in enumerate(given):
            sheet.ensure(30)
            placed.append(Placed(sheet.page, [[r.action_text], [r.reason]]))
            sheet.para(f"({chr(ord('a') + k)}) {r.action_text} – {r.reason}", regular, 10, BLACK_RGB, after=4)
    elif spec.table_style in ("pairs", "labelled pairs"):  # the action in bold, its reason indented under it
        placed = []
        label = "Reason for Amber: " if spec.table_style == "labelled pairs" else ""
        for r in given:
            sheet.ensure(40)
            placed.append(Placed(sheet.page, [[r.action_text], [r.reason]]))
            sheet.para(r.action_text, bold, 10, BLACK_RGB, after=1)
            sheet.para(label + r.reason, regular, 10, BLACK_RGB, indent=18, after=6)
    else:
        cells = [[Cell(r.action_text), Cell(r.reason)] + ([Cell(r.status_cell or "")] if spec.status_header else [])
                 for r in given]
        placed = draw_table(sheet, widths, cells, style, header=header, x=x)
    sheet.y -= 8
    plan = item.plan or " ".join(item.title.split())
    start = len(rows)
    for row, where in zip(given, placed):
        action_text, reason = (" ".join(lines) for lines in where.lines[:2])
        effective = reason
        if reason.strip(" .").lower() in BACK_REFERENCES and rows:
            effective = rows[-1].effective_reason
        if row.points_to is not None:
            effective = rows[start + row.points_to].effective_reason
        rows.append(ExpectedAmberRow(len(rows) + 1, plan, action_text, reason, effective,
                                     row.new_rag, row.target_date, row.ref, where.page))


def _minutes_decor(sheet: Sheet, spec: MinutesSpec, regular: str):
    def decor(n: int, total: int) -> list[Op]:
        label = str(n) if spec.page_label == "plain" else f"Page {n} of {total}"
        return [("text", sheet.width / 2, 30, label, regular, 7.5, BLACK_RGB, "centre")]
    return decor


