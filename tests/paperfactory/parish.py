"""A small body's minutes as parish, town and community councils write them, in three formats from one spec:
a PDF (reportlab, through the layout engine), a Word document (python-docx) and a web page — for tests that
the one minutes reading (`plantrack/extract/minutes_head.py`) gives the same committee and date from each.

What makes them hard, as real ones are: no "Minutes of the meeting of …" title, only the council's banner
over a generic meeting line ("PARISH COUNCIL MEETING", "EXTRAORDINARY MEETING"); the day's ordinal printed
as a superscript ("9" raised "th"); minute numbers shaped like dates ("19.10.01"); the last meeting's date in
the text and a signing line with its own date under the minutes. The agenda of the same meeting (items
still "to consider", "will be held") is built from the same spec and must not be read as minutes.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4

from .colours import BLACK_RGB
from .fonts import font_pair
from .layout import Sheet, render_sheet


@dataclass
class ParishMinutesSpec:
    banner: str = "ASHBY VALE PARISH COUNCIL"   # the body, as its banner prints it
    meeting_line: str | None = "PARISH COUNCIL MEETING"  # a generic line under the banner (or None)
    day: int = 9
    ordinal: str = "th"
    month_year: str = "OCTOBER 2019"
    superscript: bool = True                   # the ordinal raised and smaller, as Word prints it
    meeting_date: str = "2019-10-09"           # what an extractor should find
    last_meeting: str = "11th September 2019"
    minute_prefix: str = "19.10."              # "19.10.01 Apologies": minute numbers shaped like dates
    signing: str = "Signed ..................... (Chairman)      Dated 13th November 2019"
    agenda: bool = False                        # the agenda of the meeting instead of its minutes
    in_table: bool = False                      # Word/HTML: the minutes laid out in a two-column table
    items: list[tuple[str, list[str]]] = field(default_factory=list)
    # lines above the banner: the council's address, a logo's caption, the clerk's contact line
    before: list[str] = field(default_factory=list)
    # an attendance grid under the title block: members by the year's earlier meeting dates ("10 Jul 2019")
    attendance: list[str] = field(default_factory=list)
    watermark: str | None = None                # PDF: a word ("DRAFT", "COPY") printed across each page
    watermark_angle: float = 45
    watermark_height: float = 0.5                # where it crosses the page (0 the foot, 1 the head)

    def grid(self) -> list[list[str]]:
        """The attendance grid's rows, its header first: a member's mark for each earlier meeting."""
        members = ["Cllr A Brown", "Cllr C Davies", "Cllr E Evans", "Cllr H Hughes"]
        return [["Councillor", *self.attendance]] + [
            [m, *("A" if (i + j) % 3 == 0 else "P" for j in range(len(self.attendance)))] for i, m in enumerate(members)]

    @property
    def date_line(self) -> str:
        return f"{self.day}{self.ordinal} {self.month_year}"

    def body(self) -> list[tuple[str, list[str]]]:
        """(heading, paragraphs) of each item, numbered."""
        if self.agenda:
            items = [("To receive apologies for absence", []),
                     ("To approve the minutes of the last meeting held on " + self.last_meeting, []),
                     ("To consider planning application 19/0456", []),
                     ("To receive the Clerk's report", [])]
            return [(f"{n}. {h}", p) for n, (h, p) in enumerate(items, 1)]
        items = self.items or [
            ("Apologies", ["Apologies were received from Councillor H Hughes."]),
            ("Minutes of the last meeting", [f"The minutes of the meeting held on {self.last_meeting} had been "
                                             "circulated; they were approved and signed as a true record."]),
            ("Planning", ["Application 19/0456, Old Barn, Low Street: extension.",
                          "RESOLVED that the Council raises no objection."]),
            ("Date of next meeting", ["The next meeting will be held on 13th November 2019 at 7.30pm.",
                                      "The meeting closed at 9.05pm."]),
        ]
        return [(f"{self.minute_prefix}{n:02d} {h}", p) for n, (h, p) in enumerate(items, 1)]

    def opening(self) -> list[str]:
        if self.agenda:
            return ["NOTICE OF MEETING", "You are summoned to attend a meeting of the Parish Council to be held in "
                    "the Village Hall at 7.30pm.", "AGENDA"]
        return ["Present: Councillors A Brown (Chair), C Davies and E Evans; Mrs F Green (Clerk)."]


def make_parish_pdf(path: Path, spec: ParishMinutesSpec) -> Path:
    regular, bold = font_pair("helvetica")
    sheet = Sheet(A4, margins=(60, 50, 60, 60))
    for text in spec.before:
        sheet.para(text, regular, 9, BLACK_RGB, align="centre", after=1)
    sheet.para(spec.banner, bold, 14, BLACK_RGB, align="centre", after=2)
    if spec.meeting_line:
        sheet.para(spec.meeting_line, bold, 12, BLACK_RGB, align="centre", after=2)
    if spec.superscript:  # "9" then a raised, smaller "th", then the month: three strings on one line
        y = sheet.y - 12 * 0.85
        x = 240.0
        sheet.add(("text", x, y, str(spec.day), bold, 12, BLACK_RGB, "left"))
        sheet.add(("text", x + 7 * len(str(spec.day)), y + 4, spec.ordinal, bold, 7, BLACK_RGB, "left"))
        sheet.add(("text", x + 7 * len(str(spec.day)) + 9, y, spec.month_year, bold, 12, BLACK_RGB, "left"))
        sheet.y -= 12 * 1.22 + 8
    else:
        sheet.para(spec.date_line, bold, 12, BLACK_RGB, align="centre", after=8)
    if spec.attendance:
        widths = [130] + [80] * len(spec.attendance)
        for row in spec.grid():
            x = sheet.left
            for text, w in zip(row, widths):
                sheet.add(("text", x, sheet.y - 10, text, regular, 9, BLACK_RGB, "left"))
                x += w
            sheet.y -= 13
        sheet.y -= 8
    for text in spec.opening():
        sheet.para(text, bold if text.isupper() else regular, 11, BLACK_RGB, after=6)
    for heading, paras in spec.body():
        sheet.para(heading, bold, 11, BLACK_RGB, after=3)
        for text in paras:
            sheet.para(text, regular, 11, BLACK_RGB, after=4)
    if not spec.agenda:
        sheet.para(spec.signing, regular, 11, BLACK_RGB, after=4)
    grey = (0.8, 0.8, 0.8)
    mark = (lambda n, total: [("rotated", A4[0] / 2, A4[1] * spec.watermark_height, spec.watermark, bold, 110, grey, spec.watermark_angle)]
            ) if spec.watermark else (lambda n, total: [])
    render_sheet(sheet, path, mark, "Minutes")
    return path


def make_parish_docx(path: Path, spec: ParishMinutesSpec) -> Path:
    from docx import Document
    from docx.shared import Pt

    doc = Document()

    def para(text: str, bold: bool = False, size: float = 11):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
        return p

    for text in spec.before:
        para(text, False, 9)
    para(spec.banner, True, 14)
    if spec.meeting_line:
        para(spec.meeting_line, True, 12)
    p = para(str(spec.day), True, 12)
    if spec.superscript:
        sup = p.add_run(spec.ordinal)
        sup.bold, sup.font.superscript = True, True
    else:
        p.add_run(spec.ordinal).bold = True
    p.add_run(" " + spec.month_year).bold = True
    if spec.attendance:
        grid = doc.add_table(rows=0, cols=1 + len(spec.attendance))
        for row in spec.grid():
            for cell, text in zip(grid.add_row().cells, row):
                cell.text = text
    if spec.in_table:  # number in the first cell, the minute in the second, as some clerks lay them out
        rows = [("", t) for t in spec.opening()] + [
            tuple(h.split(" ", 1)) if " " in h else ("", h) for h, _ in spec.body()]
        texts = {h: p for h, p in spec.body()}
        table = doc.add_table(rows=0, cols=2)
        for number, text in rows:
            cells = table.add_row().cells
            cells[0].text = number
            cells[1].text = " ".join([text, *texts.get(f"{number} {text}", [])])
    else:
        for text in spec.opening():
            para(text, text.isupper())
        for heading, paras in spec.body():
            para(heading, True)
            for text in paras:
                para(text)
    if not spec.agenda:
        para(spec.signing)
    doc.save(str(path))
    return path


def make_parish_html(path: Path, spec: ParishMinutesSpec) -> Path:
    e = html.escape
    ordinal = f"<sup>{e(spec.ordinal)}</sup>" if spec.superscript else e(spec.ordinal)
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Minutes</title></head><body>",
             "<nav><ul><li><a href='/'>Home</a></li><li><a href='/minutes'>Minutes</a></li>"
             "<li><a href='/agendas'>Agendas</a></li></ul></nav>",
             *(f"<p>{e(t)}</p>" for t in spec.before),
             f"<h1>{e(spec.banner)}</h1>"]
    if spec.meeting_line:
        parts.append(f"<h2>{e(spec.meeting_line)}</h2>")
    parts.append(f"<h2>{spec.day}{ordinal} {e(spec.month_year)}</h2>")
    if spec.attendance:
        parts.append("<table>" + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
                                          for row in spec.grid()) + "</table>")
    if spec.in_table:
        parts.append("<table>")
        parts += [f"<tr><td></td><td>{e(t)}</td></tr>" for t in spec.opening()]
        for heading, paras in spec.body():
            number, _, title = heading.partition(" ")
            parts.append(f"<tr><td>{e(number)}</td><td><b>{e(title)}</b> {' '.join(e(t) for t in paras)}</td></tr>")
        parts.append("</table>")
    else:
        parts += [f"<p>{e(t)}</p>" for t in spec.opening()]
        for heading, paras in spec.body():
            parts.append(f"<h3>{e(heading)}</h3>")
            parts += [f"<p>{e(t)}</p>" for t in paras]
    if not spec.agenda:
        parts.append(f"<p>{e(spec.signing)}</p>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


MAKERS = {"pdf": make_parish_pdf, "docx": make_parish_docx, "html": make_parish_html}


# ---- papers that carry some marks of minutes and are not minutes -----------------------------------------

def performance_appendix() -> list[list[str]]:
    """A quarterly performance report's appendix, a page per service area: the area's name over a
    reporting date ("Results as at 30 September 2023"), an "Attendance" indicator, rows of percentages and
    RAG ratings, the Chair and what was "noted" — marks of minutes a person would not be fooled by."""
    areas = [("Adult Social Care and Health", ["ASCH1 Proportion of people reviewed in year 80% 76% Amber",
                                               "ASCH2 Minutes of care delivered on time 95% 97% Green"]),
             ("Children, Young People and Education", ["CYPE1 Attendance at primary schools 96% 95% Amber",
                                                       "CYPE2 EHCPs issued within 20 weeks 60% 31% Red"]),
             ("Growth, Environment and Transport", ["GET1 Potholes repaired in 28 days 90% 93% Green",
                                                    "GET2 Waste recycled or composted 50% 48% Amber"])]
    pages = []
    for n, (area, rows) in enumerate(areas, 1):
        pages.append([
            *(["Appendix 1", "Quarterly Performance Report", "Quarter 2 2023/24"] if n == 1 else []),
            area, "Tuesday 30 September 2023",
            "Attendance",
            "Indicator Target Actual RAG", *rows,
            f"{n}. Commentary",
            f"It was noted that the Chair of the Cabinet Committee reported that {area.lower()} results had been agreed.",
            "Apologies for the late data from two providers were received.",
            f"{n + 1}. Actions", "The Cabinet Member agreed the actions to be taken.",
        ])
    return pages


def recommendations_appendix(style: str = "to") -> list[list[str]]:
    """An appendix of recommendations: numbered "That the Committee …" sentences under a heading that
    names a committee ("Recommendations to the Governance and Audit Committee") or under the first
    sentence itself ("That the Scrutiny Committee" / "4 March 2024" / "1. notes …"), with a date, the Chair
    and Clerk, and a working group's minutes "agreed as a correct record" among them."""
    head = (["Recommendations to the Governance and Audit Committee", "12 March 2024"] if style == "to"
            else ["That the Scrutiny Committee", "4 March 2024"])
    return [[
        *head,
        "1. That the Committee notes the internal audit progress report.",
        "2. That the minutes of the Audit Panel of 4 March 2024 be agreed as a correct record.",
        "3. That the Committee agrees the revised charter, for the Chair and the Clerk to sign.",
        "4. That the Committee approves the audit plan for 2024/25.",
        "5. That the Cabinet Member reports back to the Committee by 30 September 2024.",
    ]]


def make_pages_pdf(path: Path, pages: list[list[str]]) -> Path:
    """Pages of plain lines (the first of each page bold), as a word processor prints a simple appendix."""
    regular, bold = font_pair("helvetica")
    sheet = Sheet(A4, margins=(60, 50, 60, 60))
    for k, lines in enumerate(pages):
        if k:
            sheet.new_page()
        for j, text in enumerate(lines):
            sheet.para(text, bold if j == 0 else regular, 11, BLACK_RGB, after=4)
    render_sheet(sheet, path, lambda n, total: [], "Appendix")
    return path
