"""Plan progress reports written as Word documents (python-docx) the way councils lay them out, for
printing to PDF with LibreOffice: A4, fixed column widths, the header row repeated on every page
(w:tblHeader) and rows allowed to break across pages (Word's default), so that a page break splits a
row wherever it falls — the ref cell's "7.4" / "Ofsted 7" paragraphs included.

`soffice_pdf` converts; tests skip when LibreOffice is not installed.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

HEADER = ("Ref", "Action", "Lead", "Timescale", "Measure of success", "Progress update", "RAG")
WIDTHS_CM = (1.9, 3.3, 2.5, 2.3, 3.0, 3.2, 1.5)  # 17.7 cm: A4 portrait inside 1.65 cm margins
FILLS = {"Red": "FF0000", "Amber": "FFC000", "Green": "00B050", "Blue": "0070C0"}


@dataclass
class WordRow:
    ref: str | None
    text: str
    lead: str
    timescale: str
    success: str
    progress: str
    status: str                          # "Green", … printed in a cell shaded its colour
    ofsted: str | None = None            # "Ofsted 7": a second paragraph of the ref cell

    def cells(self) -> list[list[str]]:
        ref = [p for p in (self.ref, self.ofsted) if p] or [""]
        return [ref, [self.text], [self.lead], [self.timescale], [self.success], [self.progress], [self.status]]


@dataclass
class WordReport:
    plan: str = "Service Development Plan 2019-20"
    as_at_line: str = "Progress update as at 30 November 2019"
    padding: int = 0                     # one-line paragraphs before the table: moves its rows down the page
    nudge_pt: float = 0.0                # and space above the priority heading, for a finer move
    heading: str = "Priority 7: Supporting young people leaving care"
    rows: list[WordRow] = field(default_factory=list)
    header: tuple[str, ...] = HEADER
    widths_cm: tuple[float, ...] = WIDTHS_CM
    size: float = 9.0
    ruled: bool = True                   # False: no borders, the table printed as text columns
    repeat_header: bool = True


def _el(tag: str, **attrs):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    return el


def _write_cell(cell, parts: list[str], size: float, bold: bool = False, fill: str | None = None) -> None:
    from docx.shared import Pt

    cell.text = ""
    for k, part in enumerate(parts):
        p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(part)
        run.bold = bold
        run.font.size = Pt(size)
    if fill:
        cell._tc.get_or_add_tcPr().append(_el("w:shd", val="clear", color="auto", fill=fill))


def make_word_report(path: Path, spec: WordReport) -> Path:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.65)
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(spec.size)

    def para(text: str, size: float, bold: bool = False, before: float = 0.0) -> None:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(4)
        p.paragraph_format.space_before = Pt(before)
        run = p.add_run(text)
        run.bold, run.font.size = bold, Pt(size)

    para("City of Kingsgate", 11, bold=True)
    para(spec.plan, 16, bold=True)
    para(spec.as_at_line, 12, bold=True)
    for k in range(spec.padding):
        para(f"Note {k + 1}: this paragraph stands in for the report's introduction.", spec.size)
    para(spec.heading, spec.size + 1, bold=True, before=spec.nudge_pt)
    table = doc.add_table(rows=1, cols=len(spec.header))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    if spec.ruled:
        table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, spec.header):
        _write_cell(cell, [name], spec.size, bold=True, fill="D9D9D9" if spec.ruled else None)
    if spec.repeat_header:
        table.rows[0]._tr.get_or_add_trPr().append(_el("w:tblHeader", val="true"))
    for r in spec.rows:
        row = table.add_row()
        for j, (cell, parts) in enumerate(zip(row.cells, r.cells())):
            _write_cell(cell, parts, spec.size, fill=FILLS.get(r.status) if j == len(spec.header) - 1 else None)
    for col, w in zip(table.columns, spec.widths_cm):  # the grid (LibreOffice reads it) and each cell (Word)
        col.width = Cm(w)
        for cell in col.cells:
            cell.width = Cm(w)
    para("", spec.size)
    doc.save(str(path))
    return Path(path)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_pdf(docx_paths: list[Path], outdir: Path) -> list[Path]:
    """The documents printed to PDF by LibreOffice (one process for all of them)."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), *map(str, docx_paths)], check=True, capture_output=True, timeout=300)
    return [outdir / (Path(p).stem + ".pdf") for p in docx_paths]


# The rows of the Service Development Plan's priority 7, as the sample prints them.
PATHWAY = WordRow("7.4", "Pathway plans are reviewed every six months and are co-produced with the young person",
                  "Leaving Care Team Manager", "Ongoing",
                  "95% of pathway plans reviewed in time; audits show the young person’s words in the plan",
                  "Timeliness at 86%.", "Green", ofsted="Ofsted 7")
PRIORITY_7 = [
    WordRow("7.1", "Young people (care leavers) to have practice opportunities managing finance (in addition "
            "to individual keywork sessions) before moving to independent accommodation",
            "Leaving Care Team Manager", "March 2020", "Every care leaver completes the budgeting programme "
            "before moving on", "New staff in place; action taken forward by the Independent Reviewing "
            "Officer and the CiCC.", "Amber"),
    WordRow("7.2", "Care leavers will be supported to make use of their health histories in their pathway "
            "plan reviews", "Leaving Care Team Manager", "December 2019",
            "Health history discussed at every pathway plan review from age 17",
            "Health histories being shared at reviews.", "Green"),
    WordRow("7.3", "That each care experienced young person has a champion in the Corporation",
            "Virtual School Head", "April 2020", "Every care leaver who wants one is matched with an officer "
            "champion", "Exploring mentoring and job shadowing opportunities with officers.", "Amber"),
    PATHWAY,
    WordRow("7.5", "Increase the proportion of care leavers in education, employment or training to 65%",
            "Virtual School Head", "July 2020", "65% of care leavers aged 19–21 in education, employment "
            "or training", "EET at 60%; two apprenticeships ring-fenced for care leavers.", "Amber"),
]


# ---- the same split drawn by the project's PDF generator (no LibreOffice needed) -----------------
def make_split_pdf(path: Path, rows: list[WordRow], ref_lines: dict[str, list[str]] | None = None,
                   break_inside: dict[int, int] | None = None, ruled: bool = True,
                   rows_per_page: int | None = None, repeat_header: bool = True,
                   after: list[str] | None = None) -> Path:
    """The report as Word prints it, drawn with paperfactory's table: the ref cell's lines are not
    kept together (Word breaks every cell line by line), a split needs only one line to fit, and
    `break_inside` (row index → lines before the break) puts the page break inside a row.
    `ref_lines` overrides how a ref cell wraps ("7.4", "Ofsted", "7" in a narrow column).
    `repeat_header=False` leaves the header off the pages the table runs on to; `after`: paragraphs
    printed after the table, starting on a new page."""
    import paperfactory as pf

    regular, bold = pf.font_pair("helvetica")
    from reportlab.lib.pagesizes import A4

    sheet = pf.Sheet(A4)
    spec = WordReport(rows=rows)
    sheet.para("City of Kingsgate", bold, 11, pf.BLACK_RGB)
    sheet.para(spec.plan, bold, 16, pf.BLACK_RGB)
    sheet.para(spec.as_at_line, bold, 12, pf.BLACK_RGB, after=8)
    sheet.para(spec.heading, bold, 10, pf.BLACK_RGB)
    style = pf.TableStyle(regular, bold, size=8.5, leading=10, pad=3, min_split_lines=1,
                          grid=(0.0, 0.0, 0.0) if ruled else None, repeat_header=repeat_header)
    fills = {k: tuple(int(v[i:i + 2], 16) / 255 for i in (0, 2, 4)) for k, v in FILLS.items()}
    cells = [[pf.Cell((ref_lines or {}).get(r.ref or "", r.cells()[0]))]
             + [pf.Cell(parts[0]) for parts in r.cells()[1:-1]]
             + [pf.Cell(r.status, fill=fills.get(r.status), keep=True)] for r in rows]
    widths = [w / 2.54 * 72 for w in spec.widths_cm]
    pf.draw_table(sheet, widths, cells, style, header=list(spec.header), break_inside=break_inside,
                  rows_per_page=rows_per_page)
    if after:
        sheet.new_page()
        for text in after:
            sheet.para(text, regular, 9, pf.BLACK_RGB, after=6)
    pf.render(sheet, path, spec.plan)
    return Path(path)


# ---- action logs (tests/paperfactory/logs.py's specs) as Word documents ------------------------------
def make_word_action_log(path: Path, spec):
    """An action log (`paperfactory.logs.LogSpec`) as a .docx: the title a Heading 1 (or none), the
    status cells shaded (w:shd) with white words on a dark fill, the completed actions in a second
    table under a heading paragraph. Returns the same `ExpectedLog` as the PDF's."""
    import docx
    from docx.shared import Pt, RGBColor
    from paperfactory.logs import ROLE, dark

    doc = docx.Document()
    doc.add_paragraph().add_run(spec.board).bold = True
    if spec.title:
        doc.add_heading(spec.title, level=1)
    if spec.date_line:
        doc.add_paragraph(spec.date_line)

    def table(columns, actions, header: bool) -> None:
        roles = [ROLE[c] for c in columns]
        t = doc.add_table(rows=1 if header else 0, cols=len(columns))
        t.style = "Table Grid"
        if header:
            for cell, name in zip(t.rows[0].cells, columns):
                _write_cell(cell, [name], 9, bold=True, fill="D9D9D9")
        for a in actions:
            cells = t.add_row().cells
            for cell, role in zip(cells, roles):
                fill = a.fill[1:] if role == "status" and a.fill else None
                _write_cell(cell, [a.value(role)] if a.value(role) else [""], 9, fill=fill)
                if fill and dark(a.fill) and spec.text_colour_on_dark:
                    for run in cell.paragraphs[0].runs:
                        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)

    table(spec.columns, spec.open_actions, True)
    if spec.completed_actions:
        heading = doc.add_paragraph()
        run = heading.add_run(spec.completed_heading)
        run.bold, run.font.size = True, Pt(11)
        table(spec.completed_columns or spec.columns, spec.completed_actions, spec.completed_header)
    doc.save(str(path))
    return spec.expected(None)
