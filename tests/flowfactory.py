"""The paper generator's specs (paperfactory.ReportSpec / MinutesSpec) written as Word documents
(python-docx) and as web pages in ModernGov's markup, with their ground truth.

A Word or HTML paper has no pages, so the truth is the PDF generator's with every page None; the
text of a cell is the spec's, white space folded, because nothing wraps it into lines. Web pages
carry what real ones do: scripts and styles in the head, Word's `MsoNormal`/`MsoTableGrid` markup
inside `mgWordPara`, cells split by `<br>` and several `<p>`, `&nbsp;` between words.
"""
from __future__ import annotations

import calendar
import html
from dataclasses import replace
from datetime import date
from pathlib import Path

from paperfactory import (OFSTED_HEADER, RAGS, AmberRow, ExpectedAction, ExpectedAmberRow, ExpectedItem,
                          ExpectedMinutes, ExpectedPriority, ExpectedReport, LEGENDS, MinutesSpec, ReportSpec,
                          as_at_date, BACK_REFERENCES, Look, month_label, due_date, status_colour)


def fold(text: str | None) -> str | None:
    return " ".join(text.split()) if text and text.strip() else None


def _hex(rgb) -> str:
    return "".join(f"{round(v * 255):02X}" for v in rgb)


# ---- Word ----------------------------------------------------------------------------------------
def _shade(cell, hex_fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tcpr.append(shd)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _para(doc, text: str, bold: bool = False, size: float | None = None):
    from docx.shared import Pt

    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return p


def _set(cell, text: str | list[str], bold: bool = False) -> None:
    """A cell's text; a list is several paragraphs in the cell (as Word keeps a ref and its tag)."""
    parts = [text] if isinstance(text, str) else list(text)
    cell.text = ""
    first = cell.paragraphs[0]
    for k, part in enumerate(parts):
        p = first if k == 0 else cell.add_paragraph()
        run = p.add_run(part)
        run.bold = bold


def _status_text(look: Look, rag: str | None) -> tuple[str, str | None]:
    """(printed text, fill) of a status cell in the report's style."""
    if rag is None:
        return "", None
    fill = _hex(status_colour(rag, look.palette, "rgb"))
    style = look.spec.status_style
    if style in ("fill", "row_fill", "symbol"):
        return "", fill
    if style == "word":
        return look.words[rag], fill
    if style == "letter":
        return look.letters[rag], fill
    if style == "word_plain":
        return look.words[rag], None
    raise ValueError(style)


def make_docx_report(path, spec: ReportSpec, merged_priority_rows: bool = True) -> ExpectedReport:
    """A plan progress report as a Word document: title and date as paragraphs, the scores table,
    the shaded key, and one action table per priority (its heading a row merged across the table
    when `merged_priority_rows`, else a paragraph)."""
    import docx

    look = Look(spec)
    doc = docx.Document()
    as_at = spec.as_at or as_at_date(spec.as_at_line)
    period = as_at[:7]
    _para(doc, spec.authority, bold=True, size=11)
    if spec.department:
        _para(doc, spec.department, size=10.5)
    _para(doc, spec.plan, bold=True, size=18)
    _para(doc, spec.as_at_line, bold=True, size=12)
    for text in spec.intro:
        _para(doc, text, size=8.5)
    _docx_scores(doc, spec, look, period)
    for text in spec.notes:
        _para(doc, text, size=8.5)
    if spec.legend:
        _para(doc, "RAG rating key" if spec.legend == "sdp" else "Status key", bold=True, size=9)
        key = doc.add_table(rows=0, cols=2)
        key.style = "Table Grid"
        for rag in RAGS:
            text = LEGENDS[spec.legend][rag]
            if spec.legend == "csip" and spec.status_style not in ("word", "word_plain"):
                text = f"{look.words[rag]} – {text}"
            row = key.add_row()
            printed, fill = _status_text(look, rag)
            _set(row.cells[0], printed, bold=True)
            if fill:
                _shade(row.cells[0], fill)
            _set(row.cells[1], text)
    columns = look.columns
    header = [spec.extra_column if c == "extra" else (spec.status_header or look.vocab[c]) if c == "status"
              else OFSTED_HEADER if c == "ofsted" else look.vocab[c] for c in columns]
    header = [" ".join(h) if isinstance(h, tuple) else h for h in header]
    truth: list[ExpectedAction] = []
    for priority in spec.priorities:
        heading = f"Priority {priority.number}: {priority.title}"
        if not merged_priority_rows:
            _para(doc, heading, bold=True, size=spec.heading_size)
        table = doc.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        for cell, h in zip(table.rows[0].cells, header):
            _set(cell, h, bold=True)
        _repeat_header(table.rows[0])
        if merged_priority_rows:
            row = table.add_row()
            merged = row.cells[0].merge(row.cells[-1])
            _set(merged, heading, bold=True)
        for a in priority.actions:
            row = table.add_row()
            for cell, c in zip(row.cells, columns):
                if c == "status":
                    printed, fill = _status_text(look, a.rag)
                    _set(cell, printed, bold=True)
                    if fill:
                        _shade(cell, fill)
                    continue
                if c == "ref":
                    tag = None if "ofsted" in columns else a.ofsted_ref
                    _set(cell, [s for s in (a.ref, tag) if s] or "")
                else:
                    value = {"text": a.text, "lead": a.lead, "timescale": a.timescale, "success": a.success_measure,
                             "progress": a.progress, "extra": a.extra, "ofsted": a.ofsted_ref}[c]
                    _set(cell, value or "")
                if spec.status_style == "row_fill" and a.rag:
                    _shade(cell, _hex(status_colour(a.rag, look.palette, "rgb")))
            has_ref = "ref" in columns
            truth.append(ExpectedAction(
                priority_number=priority.number, ref=a.ref if has_ref else None,
                ofsted_ref=a.ofsted_ref if has_ref or "ofsted" in columns else None,
                text=fold(a.text), lead=fold(a.lead), timescale=fold(a.timescale), due_date=due_date(fold(a.timescale)),
                success_measure=fold(a.success_measure), progress=fold(a.progress),
                rag=a.rag if ("status" in columns or spec.status_style == "row_fill") else None,
                page=None, extra=fold(a.extra) if "extra" in columns else None))
        _para(doc, "")
    doc.save(str(path))
    priorities = [ExpectedPriority(p.number, fold(p.title), p.previous_score, p.current_score) for p in spec.priorities]
    return ExpectedReport(spec.plan, period, as_at, spec.overall_previous, spec.overall_current, priorities, truth,
                          pages=None, first_page=None, last_page=None)


def _fmt(v) -> str:
    return "" if v is None else f"{v:.1f}"


def _docx_scores(doc, spec: ReportSpec, look: Look, period: str) -> None:
    previous, current = spec.score_labels or (month_label(period, 1), month_label(period))
    rows = [["No.", "Priority", previous, current]]
    rows += [[str(p.number), p.title, _fmt(p.previous_score), _fmt(p.current_score)] for p in spec.priorities]
    rows.append(["", "Overall plan score", _fmt(spec.overall_previous), _fmt(spec.overall_current)])
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for k, values in enumerate(rows):
        row = table.add_row()
        for cell, v in zip(row.cells, values):
            _set(cell, v, bold=k == 0)


# ---- minutes: truth --------------------------------------------------------------------------------
def _minutes_truth(spec: MinutesSpec) -> ExpectedMinutes:
    items, rows = [], []
    for item in spec.items:
        items.append(ExpectedItem(item.number, fold(item.title), fold(item.resolution), None))
        plan = item.plan or fold(item.title)
        for r in item.amber_rows:
            r = r if isinstance(r, AmberRow) else AmberRow(*r)
            reason = fold(r.reason)
            effective = rows[-1].effective_reason if reason.strip(" .").lower() in BACK_REFERENCES and rows else reason
            rows.append(ExpectedAmberRow(len(rows) + 1, plan, fold(r.action_text), reason, effective,
                                         r.new_rag, r.target_date, r.ref, None))
    return ExpectedMinutes(spec.committee, spec.meeting_date, items, rows, pages=None, first_page=None, last_page=None)


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def moderngov_heading(spec: MinutesSpec) -> str:
    """ "Corporate Parenting Board - Thursday, 14th September, 2023 6.30 pm", as ModernGov prints it."""
    d = date.fromisoformat(spec.meeting_date)
    return f"{spec.committee} - {calendar.day_name[d.weekday()]}, {_ordinal(d.day)} {calendar.month_name[d.month]}, {d.year} {spec.time}"


# ---- minutes: HTML ----------------------------------------------------------------------------------
def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _spaced(text: str) -> str:
    """Markup of a cell's text as Word's "save as web page" makes it: a `<br>` and an `&nbsp;` where
    lines were broken, and a long text in two paragraphs."""
    words = text.split()
    if len(words) < 6:
        return f'<p class="MsoNormal">{_e(text)}</p>'
    a, b = len(words) // 3, 2 * len(words) // 3
    return (f'<p class="MsoNormal">{_e(" ".join(words[:a]))}<br>\n{_e(" ".join(words[a:b]))}</p>'
            f'<p class="MsoNormal">&nbsp;{_e(words[b])}&nbsp; {_e(" ".join(words[b + 1:]))}</p>')


def _html_reasons(spec: MinutesSpec, item) -> str:
    rows = [r if isinstance(r, AmberRow) else AmberRow(*r) for r in item.amber_rows]
    first = "" if spec.first_header_blank else "Action"
    out = ['<table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">',
           f'<tr><td style="background:#D9E2F3"><p class="MsoNormal"><b>{_e(first) or "&nbsp;"}</b></p></td>'
           f'<td style="background:#D9E2F3"><p class="MsoNormal"><b><span style="font-size:11.0pt">'
           f'{_e(spec.reason_header)}</span></b></p></td>'
           + (f'<td style="background:#D9E2F3"><b>{_e(spec.status_header)}</b></td>' if spec.status_header else "")
           + '</tr>']
    for r in rows:
        status = f'<td valign="top">{_e(r.status_cell or "")}</td>' if spec.status_header else ""
        out.append(f'<tr><td valign="top">{_spaced(r.action_text)}</td><td valign="top">{_spaced(r.reason)}</td>'
                   f'{status}</tr>')
    out.append("</table>")
    return "\n".join(out)


def _reason_paragraphs(spec: MinutesSpec, item) -> list[tuple[str, bool]]:
    """Reasons minuted as paragraphs rather than a table: (text, bold) for "(a) action – reason" lists
    and for pairs (the action in bold, then its reason, perhaps headed "Reason for Amber:")."""
    rows = [r if isinstance(r, AmberRow) else AmberRow(*r) for r in item.amber_rows]
    if spec.table_style == "list":
        return [(f"({chr(ord('a') + k)}) {r.action_text} – {r.reason}", False) for k, r in enumerate(rows)]
    label = "Reason for Amber: " if spec.table_style == "labelled pairs" else ""
    return [x for r in rows for x in ((r.action_text, True), (label + r.reason, False))]


def _html_item_minutes(spec: MinutesSpec, item) -> str:
    parts = [f'<p class="MsoNormal">{_e(t)}</p>' for t in item.paragraphs]
    if item.amber_rows and spec.table_style in ("list", "pairs", "labelled pairs"):
        parts += [f'<p class="MsoNormal">{"<b>" if bold else ""}{_e(t)}{"</b>" if bold else ""}</p>'
                  for t, bold in _reason_paragraphs(spec, item)]
    elif item.amber_rows:
        parts.append(_html_reasons(spec, item))
    parts += [f'<p class="MsoNormal">{_e(t)}</p>' for t in item.after_table]
    if item.resolution:
        parts.append(f'<p class="MsoNormal"><b>{_e(item.resolution.split(",")[0].split(":")[0])}</b>'
                     f'{_e(item.resolution[len(item.resolution.split(",")[0].split(":")[0]):])}</p>')
    return "\n".join(parts)


HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{title}</title>
<link type="text/css" rel="stylesheet" href="SiteSpecific/ssMgStyles.css" />
<style type="text/css">p.MsoNormal {{margin:0cm; font-size:12.0pt; font-family:"Arial"}}</style>
<script type="text/javascript">document.write('<p class="mgAiTitleTxt">99. Injected by script</p>'); alert("x");</script>
</head>
"""


def make_html_minutes(path, spec: MinutesSpec, number_cell: bool = True) -> ExpectedMinutes:
    """ModernGov "Agenda and minutes" page: `number_cell` puts each item's number in a cell of its own
    (as ModernGov's own pages do); otherwise "{n}. {title}" in one paragraph (as a fetcher assembles it)."""
    rows = []
    for item in spec.items:
        title = _e(" ".join(item.title.split()))
        if number_cell:
            head = (f'<td class="mgItemNumberCell"><p class="mgAiTitleTxt">{item.number}.</p></td>\n<td>'
                    f'<p class="mgAiTitleTxt"><a href="mgAi.aspx?ID={1000 + item.number}">{title}</a>'
                    f'<span class="mgFileSize">PDF 215 KB</span></p>')
        else:
            head = f'<td><p class="mgAiTitleTxt">{item.number}. {title}</p>'
        docs = (f'<p class="mgSubItemTitleTxt">Supporting documents:</p>\n<ul class="mgBulletList">'
                f'<li><a href="documents/s{5000 + item.number}/Report.pdf">Report PDF 215 KB</a></li></ul>'
                if item.amber_rows else "")
        rows.append(f'<tr>{head}\n<p class="mgSubItemTitleTxt">Minutes:</p>\n'
                    f'<div class="mgWordPara">\n{_html_item_minutes(spec, item)}\n</div>\n{docs}</td></tr>')
    present = "".join(f"<li>{_e(n)}</li>" for n in spec.present)
    page = HEAD.format(title=_e(f"Agenda and minutes - {spec.committee}")) + f"""<body>
<div id="mgMenu"><ul><li><a href="/">Home</a></li><li><a href="mgListCommittees.aspx">Committees</a></li></ul></div>
<div id="modgov"><div class="mgHeader"><h1 class="mgMainTitleTxt">{_e(moderngov_heading(spec))}</h1></div>
<p class="mgSubTitleTxt">Agenda and minutes</p>
<div class="mgLinks"><p>Venue: {_e(spec.venue or "Council Chamber")}</p><p>Contact: Democratic Services</p></div>
<p class="mgSectionTitle">Attendance</p><ul class="mgBulletList">{present}</ul>
<p class="mgSectionTitle">Items</p>
<table class="mgItemTable" summary="Meeting items">
{chr(10).join(rows)}
</table>
</div></body></html>
"""
    Path(path).write_text(page, encoding="utf-8")
    return _minutes_truth(spec)


# ---- minutes: Word ------------------------------------------------------------------------------------
def make_docx_minutes(path, spec: MinutesSpec, auto_numbers: bool = False) -> ExpectedMinutes:
    """Word minutes; with `auto_numbers` the items' numbers are Word's own list numbering ("List
    Number" style), not text (the spec's items must then be numbered 1, 2, 3 …)."""
    import docx

    doc = docx.Document()
    d = date.fromisoformat(spec.meeting_date)
    when = f"{calendar.day_name[d.weekday()]}, {d.day} {calendar.month_name[d.month]} {d.year} at {spec.time}"
    _para(doc, spec.authority, bold=True, size=12)
    _para(doc, spec.committee, bold=True, size=13)
    _para(doc, f"Minutes of the meeting held on {when}", bold=True, size=10.5)
    if spec.present:
        _para(doc, spec.present_label, bold=True)
        for name in spec.present:
            _para(doc, name)
    for item in spec.items:
        if auto_numbers:
            doc.add_paragraph(style="List Number").add_run(" ".join(item.title.split())).bold = True
        else:
            _para(doc, f"{item.number}. {' '.join(item.title.split())}", bold=True, size=10.5)
        for t in item.paragraphs:
            _para(doc, t)
        if item.amber_rows and spec.table_style in ("list", "pairs", "labelled pairs"):
            for text, bold in _reason_paragraphs(spec, item):
                _para(doc, text, bold=bold)
        elif item.amber_rows:
            rows = [r if isinstance(r, AmberRow) else AmberRow(*r) for r in item.amber_rows]
            table = doc.add_table(rows=1, cols=3 if spec.status_header else 2)
            table.style = "Table Grid"
            _set(table.rows[0].cells[0], "" if spec.first_header_blank else "Action", bold=True)
            _set(table.rows[0].cells[1], spec.reason_header, bold=True)
            if spec.status_header:  # the status each action was given at the meeting
                _set(table.rows[0].cells[2], spec.status_header, bold=True)
            _repeat_header(table.rows[0])
            for r in rows:
                row = table.add_row()
                words = r.reason.split()
                # a long reason in two paragraphs of its cell
                _set(row.cells[0], r.action_text)
                _set(row.cells[1], [" ".join(words[:len(words) // 2]), " ".join(words[len(words) // 2:])]
                     if len(words) > 8 else r.reason)
                if spec.status_header:
                    _set(row.cells[2], r.status_cell or "")
        for t in item.after_table:
            _para(doc, t)
        if item.resolution:
            _para(doc, item.resolution)
    for line in spec.closing:
        _para(doc, line)
    doc.save(str(path))
    return _minutes_truth(spec)


def page_free(truth):
    """The PDF generator's truth with its pages taken away (what a Word or HTML copy must give)."""
    if isinstance(truth, ExpectedReport):
        return replace(truth, pages=None, first_page=None, last_page=None,
                       actions=[replace(a, page=None) for a in truth.actions])
    return replace(truth, pages=None, first_page=None, last_page=None,
                   items=[replace(i, page=None) for i in truth.items],
                   amber_rows=[replace(r, page=None) for r in truth.amber_rows])


def make_html_item_page(path, spec: MinutesSpec, number: int) -> ExpectedMinutes:
    """ModernGov's page of one agenda item (mgAi.aspx), as the seed minutes were copied from: "Agenda
    item", the item's title, "Meeting: 12/12/2019 - <committee> (Item 4.)", its minutes, then its
    supporting documents. The truth holds that one item."""
    item = next(i for i in spec.items if i.number == number)
    d = date.fromisoformat(spec.meeting_date)
    page = HEAD.format(title=_e(f"Agenda item - {' '.join(item.title.split())}")) + f"""<body>
<div id="modgov"><div class="mgHeader"><h1 class="mgMainTitleTxt">Agenda item</h1></div>
<h2 class="mgSubTitleTxt">{_e(' '.join(item.title.split()))}</h2>
<div class="mgLinks"><p>Meeting: {d:%d/%m/%Y} - {_e(spec.committee)} (Item {number}.)</p></div>
<p class="mgSubItemTitleTxt">Minutes:</p>
<div class="mgWordPara">
{_html_item_minutes(spec, item)}
</div>
<p class="mgSubItemTitleTxt">Supporting documents:</p>
<ul class="mgBulletList"><li><a href="documents/s{5000 + number}/Report.pdf">Report PDF 215 KB</a></li></ul>
</div></body></html>
"""
    Path(path).write_text(page, encoding="utf-8")
    truth = _minutes_truth(replace(spec, items=[item]))
    return replace(truth, items=[replace(truth.items[0], number=number)])


def make_html_report(path, spec: ReportSpec) -> ExpectedReport:
    """A plan progress report as Word's "save as web page" writes it: `MsoNormal` paragraphs, the
    scores and key as `MsoTableGrid` tables, a colour-only status as the cell's background, and each
    priority's heading a row merged across its action table (colspan). The truth is the Word copy's."""
    look = Look(spec)
    as_at = spec.as_at or as_at_date(spec.as_at_line)
    truth = make_docx_report(Path(path).with_suffix(".truth.docx"), spec)
    Path(path).with_suffix(".truth.docx").unlink()
    out = [HEAD.format(title=_e(spec.plan)), "<body><div class=WordSection1>",
           f'<p class=MsoNormal><b><span style="font-size:11.0pt">{_e(spec.authority)}</span></b></p>',
           f'<p class=MsoNormal><b><span style="font-size:18.0pt">{_e(spec.plan)}</span></b></p>',
           f'<p class=MsoNormal><b><span style="font-size:12.0pt">{_e(spec.as_at_line)}</span></b></p>']
    out += [f"<p class=MsoNormal>{_e(t)}</p>" for t in spec.intro]
    previous, current = spec.score_labels or (month_label(as_at[:7], 1), month_label(as_at[:7]))
    out.append('<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>')
    out.append(f"<tr><td><b>No.</b></td><td><b>Priority</b></td><td><b>{_e(previous)}</b></td><td><b>{_e(current)}</b></td></tr>")
    out += [f"<tr><td>{p.number}</td><td>{_spaced(p.title)}</td><td>{_fmt(p.previous_score)}</td><td>{_fmt(p.current_score)}</td></tr>"
            for p in spec.priorities]
    out.append(f"<tr><td>&nbsp;</td><td><b>Overall plan score</b></td><td>{_fmt(spec.overall_previous)}</td>"
               f"<td>{_fmt(spec.overall_current)}</td></tr></table>")
    if spec.legend:
        out.append("<p class=MsoNormal><b>Status key</b></p><table class=MsoTableGrid border=1>")
        for rag in RAGS:
            text = LEGENDS[spec.legend][rag]
            if spec.legend == "csip" and spec.status_style not in ("word", "word_plain"):
                text = f"{look.words[rag]} – {text}"
            printed, fill = _status_text(look, rag)
            out.append(f'<tr><td style="background:#{fill}">{_e(printed) or "&nbsp;"}</td><td>{_spaced(text)}</td></tr>')
        out.append("</table>")
    columns = look.columns
    header = [spec.extra_column if c == "extra" else (spec.status_header or look.vocab[c]) if c == "status"
              else OFSTED_HEADER if c == "ofsted" else look.vocab[c] for c in columns]
    for priority in spec.priorities:
        out.append("<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0><thead><tr>"
                   + "".join(f"<th>{_e(' '.join(h) if isinstance(h, tuple) else h)}</th>" for h in header)
                   + "</tr></thead>")
        out.append(f'<tr><td colspan={len(columns)}><b>Priority {priority.number}: {_e(priority.title)}</b></td></tr>')
        for a in priority.actions:
            cells = []
            for c in columns:
                if c == "status":
                    printed, fill = _status_text(look, a.rag)
                    style = f' style="background:#{fill}"' if fill else ""
                    cells.append(f"<td{style}>{_e(printed) or '&nbsp;'}</td>")
                elif c == "ref":
                    tag = None if "ofsted" in columns else a.ofsted_ref
                    cells.append("<td>" + "".join(f"<p class=MsoNormal>{_e(s)}</p>" for s in (a.ref, tag) if s) + "</td>")
                else:
                    value = {"text": a.text, "lead": a.lead, "timescale": a.timescale, "success": a.success_measure,
                             "progress": a.progress, "extra": a.extra, "ofsted": a.ofsted_ref}[c]
                    cells.append(f"<td>{_spaced(value or '')}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table><p class=MsoNormal>&nbsp;</p>")
    out.append("</div></body></html>")
    Path(path).write_text("\n".join(out), encoding="utf-8")
    return truth


def make_html_action_log(path, spec):
    """An action log (`paperfactory.logs.LogSpec`) as Word's "save as web page" writes it: the title a
    heading paragraph, each status cell's fill its background, the completed actions in a second table
    under a heading paragraph. Returns the same `ExpectedLog` as the PDF's and the .docx's."""
    from paperfactory.logs import ROLE

    def table(columns, actions, header: bool) -> list[str]:
        roles = [ROLE[c] for c in columns]
        out = ["<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>"]
        if header:
            out.append("<tr>" + "".join(f'<td style="background:#D9D9D9"><b>{_e(c)}</b></td>' for c in columns) + "</tr>")
        for a in actions:
            cells = []
            for role in roles:
                style = f' style="background:{a.fill}"' if role == "status" and a.fill else ""
                cells.append(f"<td{style}><p class=MsoNormal>{_spaced(a.value(role)) or '&nbsp;'}</p></td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        return out + ["</table>"]

    out = [HEAD.format(title=_e(spec.title or spec.board)), "<body><div class=WordSection1>",
           f"<p class=MsoNormal><b>{_e(spec.board)}</b></p>"]
    if spec.title:
        out.append(f'<h1><span style="font-size:16.0pt">{_e(spec.title)}</span></h1>')
    if spec.date_line:
        out.append(f"<p class=MsoNormal>{_e(spec.date_line)}</p>")
    out += table(spec.columns, spec.open_actions, True)
    if spec.completed_actions:
        out.append(f"<p class=MsoNormal><b>{_e(spec.completed_heading)}</b></p>")
        out += table(spec.completed_columns or spec.columns, spec.completed_actions, spec.completed_header)
    out.append("</div></body></html>")
    Path(path).write_text("\n".join(out), encoding="utf-8")
    return spec.expected(None)
