"""Word documents and web pages, read into the database like PDFs; the format decided by content.

Papers come from the generator's specs (flowfactory writes them as .docx and ModernGov pages), the
database is built in tmp_path, and whole rows are compared with the specs' truth."""
import json
import sqlite3
import zipfile
from dataclasses import replace

import pytest
from flowfactory import (make_docx_minutes, make_docx_report, make_html_item_page, make_html_minutes, make_html_report,
                         moderngov_heading, page_free)
from paperfactory import (AgendaItem, csip_minutes_spec, csip_spec, make_minutes, make_report, sdp_minutes_spec,
                          sdp_spec, amber_row)

from plantrack.extract.document import extract_document
from plantrack.pipeline.stages import ingest as stages
from plantrack import store
from plantrack.pipeline.reconcile.rebuild import reconcile


def build(tmp_path, files, name="p.db"):
    db = store.connect(tmp_path / name)
    stages.ingest(list(files), db, tmp_path / f"{name}.cache")
    reconcile(db.conn)
    db.conn.close()
    return sqlite3.connect(tmp_path / name)


ACTION_COLUMNS = "priority_number, ref, ofsted_ref, text, lead, timescale, due_date, success_measure, progress, rag, page"


def action_rows(con, document):
    return con.execute(f"SELECT {ACTION_COLUMNS} FROM actions JOIN reports r ON r.id = actions.report_id "
                       "JOIN documents d ON d.id = r.document_id WHERE d.filename = ? ORDER BY actions.id",
                       (document,)).fetchall()


def truth_rows(truth):
    return [(a.priority_number, a.ref, a.ofsted_ref, a.text, a.lead, a.timescale, a.due_date, a.success_measure,
             a.progress, a.rag, a.page) for a in truth.actions]


def reason_rows(con, document):
    return con.execute(
        "SELECT position, a.plan, action_text, reason, effective_reason, new_rag, target_date, a.page FROM amber_reasons a "
        "JOIN meetings m ON m.id = a.meeting_id JOIN documents d ON d.id = m.document_id WHERE d.filename = ? "
        "ORDER BY position", (document,)).fetchall()


def truth_reasons(truth):
    return [(r.position, r.plan, r.action_text, r.reason, r.effective_reason, r.new_rag, r.target_date, r.page)
            for r in truth.amber_rows]


# ---- Word reports ------------------------------------------------------------------------------------
@pytest.mark.parametrize("period,status_style,merged", [
    ("2022-06", "word", True), ("2022-07", "letter", False), ("2022-08", "fill", True)])
def test_word_report_gives_the_rows_of_its_spec(tmp_path, period, status_style, merged):
    spec = csip_spec(period, status_style=status_style)
    truth = make_docx_report(tmp_path / "report.docx", spec, merged_priority_rows=merged)
    con = build(tmp_path, [tmp_path / "report.docx"])
    doc = con.execute("SELECT status, error, kind, format, pages, ocr FROM documents").fetchone()
    assert doc == ("ok", None, "plan_report", "docx", None, 0)
    assert con.execute("SELECT first_page, last_page, plan, period, as_at, overall_previous_score, "
                       "overall_current_score FROM reports").fetchone() == (
        None, None, truth.plan, truth.period, truth.as_at, truth.overall_previous_score, truth.overall_current_score)
    assert con.execute("SELECT number, title, previous_score, current_score FROM priorities ORDER BY number").fetchall() \
        == [(p.number, p.title, p.previous_score, p.current_score) for p in truth.priorities]
    assert action_rows(con, "report.docx") == truth_rows(truth)
    assert len({a.rag for a in truth.actions}) >= 3


def test_word_shading_is_calibrated_by_the_documents_own_key(tmp_path):
    """Only shading, no words: each status is the key's nearest swatch (the SDP palette, grey rows)."""
    spec = sdp_spec("2019-11", status_style="fill")
    truth = make_docx_report(tmp_path / "sdp.docx", spec)
    con = build(tmp_path, [tmp_path / "sdp.docx"])
    assert action_rows(con, "sdp.docx") == truth_rows(truth)
    legend = json.loads(con.execute("SELECT legend FROM reports").fetchone()[0])
    assert legend["#ffc000"] == "amber" and legend["#a6a6a6"] == "grey"


def test_word_report_is_the_same_as_its_pdf_but_for_pages(tmp_path):
    spec = csip_spec("2022-07")
    pdf = page_free(make_report(tmp_path / "r.pdf", spec))
    word = make_docx_report(tmp_path / "r.docx", spec)
    con = build(tmp_path, [tmp_path / "r.pdf", tmp_path / "r.docx"])
    assert truth_rows(pdf) == truth_rows(word)
    pdf_rows = [r[:-1] + (None,) for r in action_rows(con, "r.pdf")]
    assert pdf_rows == action_rows(con, "r.docx") == truth_rows(word)


# ---- HTML and Word minutes ---------------------------------------------------------------------------
@pytest.mark.parametrize("maker,name", [
    (lambda p, s: make_html_minutes(p, s, number_cell=True), "minutes.html"),
    (lambda p, s: make_html_minutes(p, s, number_cell=False), "fetched.htm"),
    (make_docx_minutes, "minutes.docx")])
@pytest.mark.parametrize("spec_of", [sdp_minutes_spec, csip_minutes_spec,
                                     lambda: csip_minutes_spec(table_style="list"),
                                     lambda: sdp_minutes_spec(table_style="labelled pairs")])
def test_minutes_pages_and_word_minutes_give_their_rows(tmp_path, maker, name, spec_of):
    truth = maker(tmp_path / name, spec_of())
    con = build(tmp_path, [tmp_path / name])
    fmt = "docx" if name.endswith("docx") else "html"
    assert con.execute("SELECT status, kind, format, pages FROM documents").fetchone() == ("ok", "minutes", fmt, None)
    assert con.execute("SELECT committee, meeting_date, first_page, last_page FROM meetings").fetchone() == (
        truth.committee, truth.meeting_date, None, None)
    assert con.execute("SELECT number, title, resolution FROM agenda_items ORDER BY id").fetchall() == [
        (str(i.number), i.title, i.resolution) for i in truth.items]
    assert reason_rows(con, name) == truth_reasons(truth)
    assert any(r.new_rag == "green" for r in truth.amber_rows) and any(r.target_date for r in truth.amber_rows)


def test_word_minutes_numbered_by_word_itself(tmp_path):
    """Agenda items numbered by Word's list numbering: the numbers are not in the text, Word counts them."""
    spec = sdp_minutes_spec()
    assert [i.number for i in spec.items] == list(range(1, len(spec.items) + 1))
    truth = make_docx_minutes(tmp_path / "m.docx", spec, auto_numbers=True)
    con = build(tmp_path, [tmp_path / "m.docx"])
    assert con.execute("SELECT number, title, resolution FROM agenda_items ORDER BY id").fetchall() == [
        (str(i.number), i.title, i.resolution) for i in truth.items]
    assert reason_rows(con, "m.docx") == truth_reasons(truth)


def test_the_seed_minutes_as_a_moderngov_item_page(tmp_path):
    """The seed minutes were copied from ModernGov's page of one agenda item: "Agenda item", the item's
    title, "Meeting: 12/12/2019 - <committee> (Item 4.)", the minutes' table, "Supporting documents:"."""
    spec = sdp_minutes_spec()
    truth = make_html_item_page(tmp_path / "mgAi.aspx", spec, 4)
    page = (tmp_path / "mgAi.aspx").read_text()
    assert "mgSubItemTitleTxt" in page and "<br>" in page and "&nbsp;" in page and "<script" in page
    con = build(tmp_path, [tmp_path / "mgAi.aspx"])
    assert con.execute("SELECT committee, meeting_date FROM meetings").fetchone() == (spec.committee, "2019-12-12")
    assert con.execute("SELECT number, title, resolution FROM agenda_items").fetchall() == [
        ("4", "Service Development Plan 2019-20", "RESOLVED, that – the report be received and its contents noted.")]
    assert reason_rows(con, "mgAi.aspx") == truth_reasons(truth)
    back = [r for r in truth.amber_rows if r.reason == "Same as above"]
    assert back and back[0].effective_reason != "Same as above"


def test_heading_gives_committee_and_date(tmp_path):
    spec = replace(csip_minutes_spec(), committee="Corporate Parenting Board", meeting_date="2023-09-14",
                   time="6.30 pm", reason_header="Justification for Amber status")
    assert moderngov_heading(spec) == "Corporate Parenting Board - Thursday, 14th September, 2023 6.30 pm"
    truth = make_html_minutes(tmp_path / "m.html", spec)
    ex = extract_document(tmp_path / "m.html")
    m = ex.meetings[0]
    assert (m.committee, m.meeting_date) == ("Corporate Parenting Board", "2023-09-14")
    assert [(a.action_text, a.reason) for a in m.amber_reasons] == [(r.action_text, r.reason) for r in truth.amber_rows]


def test_an_agenda_page_is_other(tmp_path):
    """A ModernGov agenda page (items and their documents, no minutes) is a readable page, not minutes."""
    spec = csip_minutes_spec()
    make_html_minutes(tmp_path / "agenda.html", spec)
    page = (tmp_path / "agenda.html").read_text()
    start, end = page.index('<p class="mgSubItemTitleTxt">Minutes:</p>'), page.index("</table>\n</div></body>")
    agenda = page[:start] + "</td></tr>" + page[end:]
    (tmp_path / "agenda.html").write_text(agenda.replace("Agenda and minutes", "Agenda"))
    ex = extract_document(tmp_path / "agenda.html")
    assert (ex.status, ex.kind, ex.format, ex.meetings, ex.reports) == ("ok", "other", "html", [], [])


# ---- the format from the content ---------------------------------------------------------------------
def _zip(path, members: dict[str, str]):
    with zipfile.ZipFile(path, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)


def _ole(path, stream: str):
    body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1016)
    body += stream.encode("utf-16-le") + b"\x00" * 2048
    path.write_bytes(bytes(body))


def test_format_comes_from_the_content_and_other_files_fail_with_one_line(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    spec = csip_spec("2022-06")
    make_docx_report(raw / "report.pdf", spec)                 # a Word document with the wrong name
    make_html_minutes(raw / "minutes.txt", csip_minutes_spec())  # a page saved under any name
    make_report(raw / "report.bin", sdp_spec("2019-11"))         # a PDF with no .pdf
    _zip(raw / "tracker.xlsx", {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
    _zip(raw / "slides.pptx", {"ppt/presentation.xml": "<p/>"})
    _zip(raw / "minutes.odt", {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
    _zip(raw / "papers.zip", {"a.txt": "hello"})
    _zip(raw / "parts_missing.docx", {"word/document.xml": "<w:document/>"})
    _zip(raw / "macros.docm", {"[Content_Types].xml": '<Types><Override PartName="/word/document.xml" ContentType='
                               '"application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
                               "word/document.xml": "<w:document/>"})
    _ole(raw / "old.doc", "WordDocument")
    _ole(raw / "old.xls", "Workbook")
    _ole(raw / "Thumbs.db", "Catalog")
    (raw / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100)
    (raw / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (raw / "notes.dat").write_bytes(b"plain words, no markup at all\n")
    good = (raw / "report.pdf").read_bytes()
    (raw / "cut.docx").write_bytes(good[: len(good) // 2])
    files = sorted(raw.iterdir())
    con = build(tmp_path, files)
    got = {f: (s, e, k, fmt) for f, s, e, k, fmt in con.execute(
        "SELECT filename, status, error, kind, format FROM documents")}
    supported = "not a supported format: PDF, Word (.docx) or HTML"
    assert got == {
        "report.pdf": ("ok", None, "plan_report", "docx"),
        "minutes.txt": ("ok", None, "minutes", "html"),
        "report.bin": ("ok", None, "plan_report", "pdf"),
        "tracker.xlsx": ("failed", f"{supported}; this is a spreadsheet (.xlsx)", None, None),
        "slides.pptx": ("failed", f"{supported}; this is a presentation (.pptx)", None, None),
        "minutes.odt": ("failed", f"{supported}; this is an OpenDocument text (.odt)", None, None),
        "papers.zip": ("failed", f"{supported}; this is a zip archive", None, None),
        "parts_missing.docx": ("failed", "truncated or corrupt Word document (KeyError)", None, "docx"),
        "macros.docm": ("failed", "a macro-enabled Word document (.docm): save it as .docx or PDF", None, None),
        "old.doc": ("failed", "Word 97-2003 .doc: save it as .docx or PDF", None, None),
        "old.xls": ("failed", f"{supported}; this is an Excel 97-2003 spreadsheet (.xls)", None, None),
        "Thumbs.db": ("failed", f"{supported}; this is a Windows thumbnail cache (Thumbs.db)", None, None),
        "photo.jpg": ("failed", f"{supported}; this is an image (JPEG)", None, None),
        "scan.png": ("failed", f"{supported}; this is an image (PNG)", None, None),
        "notes.dat": ("failed", supported, None, None),
        "cut.docx": ("failed", "truncated or corrupt zip file (a damaged Word document?)", None, None),
    }
    assert con.execute("SELECT COUNT(*) FROM actions").fetchone()[0] > 0


def test_a_failed_download_page_says_so(tmp_path):
    (tmp_path / "paper.pdf").write_text("<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>"
                                        "<h1>Page not found</h1><p>The document has been moved.</p></body></html>")
    ex = extract_document(tmp_path / "paper.pdf")
    assert (ex.status, ex.format, ex.kind) == ("failed", "html", None)
    assert ex.error == "not a paper: a web page saying 'Page not found' (a failed download: fetch it again)"


# ---- hostile pages -----------------------------------------------------------------------------------
HOSTILE = {
    "deep.html": "<html><body>" + "<div>" * 100000 + "Minutes of the meeting" + "</div>" * 100000 + "</body></html>",
    "deep_table.html": "<html><body>" + "<table><tr><td>" * 20000 + "x" + "</td></tr></table>" * 20000,
    "deep_cell.html": "<html><body><table><tr><td>Action</td><td>Reason for Amber</td></tr><tr><td>"
                      + "<span>" * 50000 + "a" + "</span>" * 50000 + "</td><td>b</td></tr></table><p>RESOLVED that</p>",
    "entities.html": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
                     '<!ENTITY c "&b;&b;&b;&b;&b;&b;">]><html><body><p>&c;&c;&c;</p><p>text</p></body></html>',
    "unclosed.html": "<html><body><table><tr><td>Action<td>Reason for Amber<tr><td>Do it<td>Late" + "<p>x" * 10000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_pages_neither_crash_nor_run_anything(tmp_path, name):
    page = HOSTILE[name].replace("<body>", "<body><script>throw 1</script><img src=x onerror=alert(1)>", 1)
    (tmp_path / name).write_text(page)
    ex = extract_document(tmp_path / name)
    assert ex.format == "html"
    assert ex.status == "ok" or ex.error.startswith("no text"), ex.error
    assert "plantrack could not read" not in (ex.error or "")


def test_script_text_never_becomes_an_item(tmp_path):
    make_html_minutes(tmp_path / "m.html", csip_minutes_spec())
    assert "Injected by script" in (tmp_path / "m.html").read_text()
    m = extract_document(tmp_path / "m.html").meetings[0]
    assert all("Injected" not in i.title for i in m.agenda_items)


# ---- a series in mixed formats reconciles as if every paper were a PDF ------------------------------
PERIODS = ("2022-06", "2022-07", "2022-08")


def later_minutes(period: str, meeting_date: str):
    """Minutes of a later meeting on the report of `period`: a reason for its Amber actions but one,
    a back-reference, a status updated at the meeting and a target date."""
    report = csip_spec(period)
    amber = [a for p in report.priorities for a in p.actions if a.rag == "amber"]
    rows = [amber_row(report, a.text[:40], f"Staffing gaps held up the work of the {a.lead}. A recovery plan is agreed.")
            for a in amber[1:]]
    rows[1] = amber_row(report, amber[2].text[:40], "As above")
    rows[-1] = amber_row(report, amber[-1].text[:40], "Work resumed, target date December 2022. Updated to GREEN.",
                    new_rag="green", target_date="2022-12-31")
    base = csip_minutes_spec()
    item = AgendaItem(7, "Children’s Services Improvement Plan 2022-23", paragraphs=[
        "Officers explained why each action was rated Amber:"], amber_rows=rows,
        resolution="RESOLVED: That the report be noted.")
    return replace(base, meeting_date=meeting_date, items=[AgendaItem(6, "Apologies", ["None."]), item])


@pytest.fixture(scope="module")
def two_series(tmp_path_factory):
    d = tmp_path_factory.mktemp("mixed")
    specs = {p: csip_spec(p) for p in PERIODS}
    specs["2022-07"].priorities[1].current_score += 0.5  # a planted score error
    minutes = [csip_minutes_spec(), later_minutes("2022-07", "2022-08-16"), later_minutes("2022-08", "2022-09-20")]
    pdf_dir, mixed_dir = d / "pdf", d / "mixed"
    pdf_dir.mkdir()
    mixed_dir.mkdir()
    pdfs, mixed = [], []
    for p, spec in specs.items():
        make_report(pdf_dir / f"r_{p}.pdf", spec)
        pdfs.append(pdf_dir / f"r_{p}.pdf")
        if p == "2022-07":
            make_docx_report(mixed_dir / f"r_{p}.docx", spec)
            mixed.append(mixed_dir / f"r_{p}.docx")
        else:
            make_report(mixed_dir / f"r_{p}.pdf", spec)
            mixed.append(mixed_dir / f"r_{p}.pdf")
    for k, spec in enumerate(minutes):
        make_minutes(pdf_dir / f"m{k}.pdf", spec)
        pdfs.append(pdf_dir / f"m{k}.pdf")
        if k < 2:
            make_html_minutes(mixed_dir / f"m{k}.html", spec, number_cell=k == 0)
            mixed.append(mixed_dir / f"m{k}.html")
        else:
            make_minutes(mixed_dir / f"m{k}.pdf", spec)
            mixed.append(mixed_dir / f"m{k}.pdf")
    a, b = build(d, pdfs, "pdf.db"), build(d, mixed, "mixed.db")
    yield a, b
    a.close()
    b.close()


def test_mixed_formats_reconcile_exactly_as_all_pdf(two_series):
    pdf, mixed = two_series
    formats = [f for (f,) in mixed.execute("SELECT format FROM documents ORDER BY filename")]
    assert sorted(formats) == ["docx", "html", "html", "pdf", "pdf", "pdf"]
    history = ("SELECT period, ref, previous_ref, change, rag, previous_rag FROM action_history "
               "ORDER BY period, ref, previous_ref")
    assert mixed.execute(history).fetchall() == pdf.execute(history).fetchall()
    assert len(pdf.execute(history).fetchall()) > 30
    found = "SELECT kind, period, ref, priority_number, detail FROM findings ORDER BY kind, period, ref, priority_number, detail"
    assert mixed.execute(found).fetchall() == pdf.execute(found).fetchall()
    kinds = {k for (k,) in pdf.execute("SELECT DISTINCT kind FROM findings")}
    assert {"worsened", "score_mismatch", "amber_without_reason", "reason_without_action"} <= kinds
    linked = ("SELECT m.meeting_date, r.position, r.effective_reason, r.new_rag, r.target_date, a.ref, r.match_score "
              "FROM amber_reasons r JOIN meetings m ON m.id = r.meeting_id LEFT JOIN actions a ON a.id = r.action_id "
              "ORDER BY m.meeting_date, r.position")
    assert mixed.execute(linked).fetchall() == pdf.execute(linked).fetchall()


def test_a_plain_minutes_page(tmp_path):
    """Minutes published as a plain page (no ModernGov classes, no declared encoding: UTF-8 quotes):
    headings, a <th> header, Word's "save as web page" paragraphs with &nbsp; and <br> in the cells."""
    (tmp_path / "minutes.htm").write_text("""<html><body>
<p class=MsoNormal align=center><b>ASHBY VALE COUNCIL</b></p>
<h1>Minutes of the meeting of the Corporate Parenting Board held on Thursday 14 September 2023 at 6.30 pm</h1>
<p><b>Present:</b> Councillors A Khan (Chair), B Lewis</p>
<h2>5.&nbsp;&nbsp;Children’s Services Improvement Plan 2023-24</h2>
<p class=MsoNormal>The Board asked why these actions are rated Amber:</p>
<table class=MsoTableGrid border=1>
<thead><tr><th>Ref</th><th>Action</th><th>Justification for Amber status</th></tr></thead>
<tr><td>1.2</td><td><p class=MsoNormal><span>Recruit <i>perm</i>anent</span> team<br>managers</p></td>
<td><p class=MsoNormal>Two posts remain vacant.</p><p class=MsoNormal>Target&nbsp;date March 2024.</p></td></tr>
<tr><td>2.1</td><td>Open the family hub</td><td>As above</td></tr>
</table>
<p class=MsoNormal>RESOLVED: That the update be noted.</p>
<h2>6.&nbsp;Any other business</h2><p>None.</p>
</body></html>""", encoding="utf-8")
    ex = extract_document(tmp_path / "minutes.htm")
    assert (ex.status, ex.kind, ex.format) == ("ok", "minutes", "html")
    m = ex.meetings[0]
    assert (m.committee, m.meeting_date, m.first_page) == ("Corporate Parenting Board", "2023-09-14", None)
    assert [(i.number, i.title, i.resolution) for i in m.agenda_items] == [
        ("5", "Children’s Services Improvement Plan 2023-24", "RESOLVED: That the update be noted."),
        ("6", "Any other business", None)]
    plan = "Children’s Services Improvement Plan 2023-24"
    assert [(a.position, a.plan, a.action_text, a.reason, a.effective_reason, a.target_date, a.page)
            for a in m.amber_reasons] == [
        (1, plan, "Recruit permanent team managers", "Two posts remain vacant. Target date March 2024.",
         "Two posts remain vacant. Target date March 2024.", "2024-03-31", None),
        (2, plan, "Open the family hub", "As above", "Two posts remain vacant. Target date March 2024.",
         "2024-03-31", None)]


def test_run_reads_word_and_html_files_named_on_the_command_line(tmp_path):
    """`plantrack run FILE…`: files named explicitly reach extraction whatever their format."""
    import subprocess
    import sys

    make_docx_report(tmp_path / "report.docx", csip_spec("2022-06"))
    make_html_minutes(tmp_path / "minutes.html", csip_minutes_spec())
    (tmp_path / "tracker.xlsx").write_bytes(b"")
    _zip(tmp_path / "tracker.xlsx", {"xl/workbook.xml": "<workbook/>"})
    db = tmp_path / "out" / "p.db"
    done = subprocess.run([sys.executable, "-m", "plantrack.pipeline.cli", "run", str(tmp_path / "report.docx"),
                           str(tmp_path / "minutes.html"), str(tmp_path / "tracker.xlsx"), "--db", str(db)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr  # the spreadsheet failed, the rest was read
    con = sqlite3.connect(db)
    assert sorted(con.execute("SELECT filename, status, kind, format FROM documents")) == [
        ("minutes.html", "ok", "minutes", "html"), ("report.docx", "ok", "plan_report", "docx"),
        ("tracker.xlsx", "failed", None, None)]
    # the minutes' reasons are linked to the Word report's actions, as they would be to a PDF's
    linked = con.execute("SELECT COUNT(*) FROM amber_reasons WHERE action_id IS NOT NULL").fetchone()[0]
    assert linked == len([r for r in csip_minutes_spec().items[3].amber_rows if r.ref])


@pytest.mark.parametrize("status_style", ["fill", "word"])
def test_a_report_saved_as_a_web_page(tmp_path, status_style):
    spec = csip_spec("2022-07", status_style=status_style)
    truth = make_html_report(tmp_path / "report.htm", spec)
    con = build(tmp_path, [tmp_path / "report.htm"])
    assert con.execute("SELECT status, kind, format FROM documents").fetchone() == ("ok", "plan_report", "html")
    assert con.execute("SELECT plan, as_at, overall_current_score FROM reports").fetchone() == (
        truth.plan, truth.as_at, truth.overall_current_score)
    assert con.execute("SELECT number, title, previous_score, current_score FROM priorities ORDER BY number").fetchall() \
        == [(p.number, p.title, p.previous_score, p.current_score) for p in truth.priorities]
    assert action_rows(con, "report.htm") == truth_rows(truth)


def test_a_single_file_web_archive(tmp_path):
    """Minutes saved by a browser or Word as one file (.mht): a MIME message, the page quoted-printable."""
    import quopri

    make_html_minutes(tmp_path / "m.html", csip_minutes_spec())
    page = quopri.encodestring((tmp_path / "m.html").read_bytes()).decode("ascii")
    (tmp_path / "minutes.mht").write_text(
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: https://democracy.example.gov.uk/ieListDocuments.aspx\r\n"
        "Subject: Agenda and minutes\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
        '\ttype="text/html";\r\n\tboundary="----MultipartBoundary--x"\r\n\r\n------MultipartBoundary--x\r\n'
        "Content-Type: text/html\r\nContent-ID: <frame-1@mhtml.blink>\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Location: https://democracy.example.gov.uk/ieListDocuments.aspx\r\n\r\n{page}\r\n"
        "------MultipartBoundary--x--\r\n", encoding="ascii")
    ex = extract_document(tmp_path / "minutes.mht")
    direct = extract_document(tmp_path / "m.html")
    assert (ex.status, ex.kind, ex.format) == ("ok", "minutes", "html")
    assert ex.meetings == direct.meetings and len(ex.meetings[0].amber_reasons) == 9


def test_moderngov_items_with_decisions_and_file_sizes(tmp_path):
    """ModernGov's item rows as its pages print them: the table without a class, the title's link run
    on into its file size ("…Plan 2024-25PDF 500 KB"), "Decision:" before "Minutes:", action links."""
    (tmp_path / "ieListDocuments.aspx").write_text("""<html><head><title>Agenda and minutes</title></head><body>
<h1 class="mgMainTitleTxt">Cabinet - Monday, 31st March, 2025 6.30 pm</h1>
<a href="documents/g6439/Printed minutes.pdf">Printed minutes (PDF, 97 KB)</a>
<table>
<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt">4.</p></td><td>
<p class="mgAiTitleTxt">Pimlico District HeatingPDF 500 KB</p>
<ul class="mgActionList"><li><a href="ieDecisionDetails.aspx?AIId=3001">View the decision for item 4.</a></li></ul>
<div class="mgWordPara">To consider additional expenditure.</div>
<p class="mgSubItemTitleTxt">Decision:</p><div class="mgWordPara">Cabinet approved the expenditure.</div>
<p class="mgSubItemTitleTxt">Minutes:</p><div class="mgWordPara"><p class=MsoNormal>RESOLVED: That the expenditure be approved.</p></div>
</td></tr>
<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt">5.</p></td><td>
<p class="mgAiTitleTxt">Housing Improvement Plan 2024-25PDF 1 MB</p>
<p class="mgSubItemTitleTxt">Minutes:</p><div class="mgWordPara">
<p class=MsoNormal>Cabinet asked for the reasons for the Amber ratings:</p>
<table class=MsoTableGrid border=1><tr><td><p class=MsoNormal><b>Action</b></p></td><td><p class=MsoNormal><b>Reason for
Amber</b></p></td></tr>
<tr><td><p class=MsoNormal>Repair&nbsp;damp homes within 28 days</p></td><td><p class=MsoNormal>Contractor capacity; target date June 2025.</p></td></tr>
</table>
<p class=MsoNormal>RESOLVED: That the progress be noted.</p></div>
</td></tr></table></body></html>""", encoding="utf-8")
    ex = extract_document(tmp_path / "ieListDocuments.aspx")
    assert (ex.status, ex.kind, ex.format) == ("ok", "minutes", "html")
    m = ex.meetings[0]
    assert (m.committee, m.meeting_date) == ("Cabinet", "2025-03-31")
    assert [(i.number, i.title, i.resolution, i.plan) for i in m.agenda_items] == [
        ("4", "Pimlico District Heating", "RESOLVED: That the expenditure be approved.", None),
        ("5", "Housing Improvement Plan 2024-25", "RESOLVED: That the progress be noted.", "Housing Improvement Plan 2024-25")]
    assert [(a.plan, a.action_text, a.reason, a.target_date) for a in m.amber_reasons] == [
        ("Housing Improvement Plan 2024-25", "Repair damp homes within 28 days",
         "Contractor capacity; target date June 2025.", "2025-06-30")]


def test_word_content_controls_are_read_through(tmp_path):
    """Templates wrap sections, rows and cells in content controls (w:sdt): their text still counts."""
    import docx
    from docx.oxml import OxmlElement

    def wrap(el):
        sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
        el.addprevious(sdt)
        sdt.append(content)
        content.append(el)

    spec = csip_spec("2022-06", status_style="word")
    truth = make_docx_report(tmp_path / "r.docx", spec)
    d = docx.Document(str(tmp_path / "r.docx"))
    assert d.paragraphs[3].text == spec.as_at_line
    wrap(d.paragraphs[3]._p)                      # the "Position as at" line
    tables = d.tables
    wrap(tables[-1]._tbl)                         # a whole action table
    wrap(tables[-2].rows[2]._tr)                  # one row
    wrap(tables[-3].rows[2]._tr.tc_lst[0])        # one (status) cell
    d.save(str(tmp_path / "r.docx"))
    ex = extract_document(tmp_path / "r.docx")
    r = ex.reports[0]
    assert (r.as_at, len(r.actions)) == (truth.as_at, len(truth.actions))
    assert [(a.ref, a.text, a.rag) for a in r.actions] == [(a.ref, a.text, a.rag) for a in truth.actions]


def test_word_report_naming_its_plan_only_in_the_page_header(tmp_path):
    import docx

    spec = csip_spec("2022-06")
    truth = make_docx_report(tmp_path / "r.docx", spec)
    d = docx.Document(str(tmp_path / "r.docx"))
    title = next(p for p in d.paragraphs if p.text == spec.plan)
    title._p.getparent().remove(title._p)
    d.sections[0].header.paragraphs[0].text = f"{spec.plan} – progress update"
    d.save(str(tmp_path / "r.docx"))
    r = extract_document(tmp_path / "r.docx").reports[0]
    assert (r.plan, r.as_at, len(r.actions)) == (truth.plan, truth.as_at, len(truth.actions))


def test_the_fetchers_page_without_html_head_or_charset(tmp_path):
    """The page `fetch` assembles: the heading and the item table only, UTF-8 with no declaration."""
    spec = csip_minutes_spec()
    truth = make_html_minutes(tmp_path / "full.html", spec, number_cell=False)
    page = (tmp_path / "full.html").read_text(encoding="utf-8")
    h1 = page[page.index('<h1 class="mgMainTitleTxt">'):page.index("</h1>") + 5]
    table = page[page.index('<table class="mgItemTable"'):page.rindex("</table>") + 8]
    (tmp_path / "fetched").write_bytes(f"{h1}\n{table}\n".encode("utf-8"))
    assert "’" in table and "<html" not in h1 + table and "charset" not in h1 + table
    ex = extract_document(tmp_path / "fetched")
    m = ex.meetings[0]
    assert (ex.format, ex.kind, m.committee, m.meeting_date) == ("html", "minutes", spec.committee, spec.meeting_date)
    assert [(a.plan, a.action_text, a.reason, a.effective_reason, a.new_rag, a.target_date) for a in m.amber_reasons] == [
        (r.plan, r.action_text, r.reason, r.effective_reason, r.new_rag, r.target_date) for r in truth.amber_rows]


def test_word_status_shading_as_a_solid_pattern_or_on_the_paragraph(tmp_path):
    """Other writers shade a cell with a solid pattern colour (w:val="solid" w:color) or shade the
    cell's paragraph rather than the cell: the status is read all the same."""
    import re as regex

    spec = csip_spec("2022-08", status_style="fill")
    truth = make_docx_report(tmp_path / "r.docx", spec)
    with zipfile.ZipFile(tmp_path / "r.docx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    solid = regex.sub(r'<w:shd w:val="clear" w:color="auto" w:fill="([0-9A-F]{6})"/>',
                      r'<w:shd w:val="solid" w:color="\1" w:fill="auto"/>', xml)
    assert solid != xml
    # the paragraph's shading instead of the cell's: move each solid shd from tcPr into the cell's first pPr
    moved = regex.sub(r'<w:tcPr>(.*?)(<w:shd [^>]*/>)(.*?)</w:tcPr>(\s*)<w:p>',
                      r'<w:tcPr>\1\3</w:tcPr>\4<w:p><w:pPr>\2</w:pPr>', solid, flags=regex.S)
    for name, text in (("solid.docx", solid), ("paragraph.docx", moved)):
        with zipfile.ZipFile(tmp_path / name, "w") as z:
            for n, data in parts.items():
                z.writestr(n, text.encode("utf-8") if n == "word/document.xml" else data)
        r = extract_document(tmp_path / name).reports[0]
        assert [(a.ref, a.rag) for a in r.actions] == [(a.ref, a.rag) for a in truth.actions], name
    assert "<w:pPr><w:shd" in moved and not regex.search(r"<w:tcPr>(?:(?!</w:tcPr>).)*<w:shd", moved, flags=regex.S)
