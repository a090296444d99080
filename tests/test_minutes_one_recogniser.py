"""One minutes recogniser for every format (issue 23): the same minutes — agenda items, RESOLVED lines, a
table of Amber reasons — written as a PDF (paperfactory), a Word document and a ModernGov web page
(flowfactory), each read by its format's reader into the one document model, and by the one function
`minutes.read_minutes` into the same agenda items and reasons; only the PDF has pages to give them."""
import sqlite3

import pytest
from flowfactory import make_docx_minutes, make_html_minutes
from paperfactory import csip_minutes_spec, make_minutes, sdp_minutes_spec

from plantrack import store
from plantrack.extract import minutes
from plantrack.extract.docx_reader import read_docx
from plantrack.extract.document import extract_document
from plantrack.extract.html_reader import read_html
from plantrack.extract.minutes_pages import minutes_document
from plantrack.extract.pdf import open_pdf
from plantrack.extract.pdf_layout import read_pages
from plantrack.models.document import Para, Table
from plantrack.pipeline.reconcile.rebuild import reconcile
from plantrack.pipeline.stages import ingest as stages

SPECS = {
    "ruled table over a page break, blank first header": sdp_minutes_spec,
    "unruled table": csip_minutes_spec,
    "two newspaper columns": lambda: csip_minutes_spec(columns=2),
    "status column": lambda: sdp_minutes_spec(status_header="RAG"),
}


def _write(tmp_path, spec):
    """The one spec as the three formats; each reader's `Document`, and the truth."""
    truth = make_minutes(tmp_path / "m.pdf", spec)
    make_docx_minutes(tmp_path / "m.docx", spec)
    make_html_minutes(tmp_path / "m.html", spec)
    with open_pdf(tmp_path / "m.pdf") as pdf:
        pdf_doc = minutes_document(read_pages(pdf.pages))
    return truth, {"pdf": pdf_doc, "docx": read_docx(tmp_path / "m.docx"), "html": read_html(tmp_path / "m.html")}


def _items(meeting):
    return [(i.number, i.title, i.resolution) for i in meeting.agenda_items]


def _reasons(meeting):
    return [(r.position, r.plan, r.action_text, r.reason, r.effective_reason, r.new_rag, r.target_date)
            for r in meeting.amber_reasons]


@pytest.mark.parametrize("name", SPECS)
def test_the_one_function_reads_pdf_word_and_web_page_minutes_alike(tmp_path, name):
    spec = SPECS[name]()
    truth, docs = _write(tmp_path, spec)
    # the PDF's reasons table reaches the recogniser as a table block with its header row marked and
    # each row's page, its printed lines after it; the Word and web page tables as the format gives them
    pdf_tables = [b for b in docs["pdf"].blocks if isinstance(b, Table) and b.rows[0].header]
    assert pdf_tables and all(t.printed_lines > 1 for t in pdf_tables)
    assert all(isinstance(p, Para) and p.box is not None for p in docs["pdf"].paras())
    assert all(p.box is None and p.page is None for p in docs["docx"].paras())
    read = {fmt: minutes.read_minutes(doc) for fmt, doc in docs.items()}
    want_items = [(str(i.number), i.title, i.resolution) for i in truth.items]
    want_reasons = [(r.position, r.plan, r.action_text, r.reason, r.effective_reason, r.new_rag, r.target_date)
                    for r in truth.amber_rows]
    assert any(resolution for _, _, resolution in want_items) and want_reasons
    for fmt, meeting in read.items():
        assert (meeting.committee, meeting.meeting_date) == (truth.committee, truth.meeting_date), fmt
        assert _items(meeting) == want_items, fmt
        assert _reasons(meeting) == want_reasons, fmt
    # a reason's page is the printed page its row starts on (the table runs over a page break)
    assert [r.page for r in read["pdf"].amber_reasons] == [r.page for r in truth.amber_rows]
    assert len({r.page for r in truth.amber_rows}) > 1
    assert all(r.page is None for fmt in ("docx", "html") for r in read[fmt].amber_reasons)


def test_each_format_goes_through_the_one_recogniser_into_the_database(tmp_path, monkeypatch):
    """The readers hand their `Document` to `minutes.read_minutes` (spied on), and the database holds the
    same items and reasons for all three files."""
    spec = sdp_minutes_spec()
    truth, _ = _write(tmp_path, spec)
    seen: list[str] = []
    real = minutes.read_minutes

    def spy(doc):
        seen.append(doc.format)
        return real(doc)

    monkeypatch.setattr(minutes, "read_minutes", spy)
    for name in ("m.pdf", "m.docx", "m.html"):
        ex = extract_document(tmp_path / name)
        assert ex.status == "ok" and ex.kind == "minutes" and len(ex.meetings) == 1, (name, ex.error)
    assert seen == ["pdf", "docx", "html"]

    db = store.connect(tmp_path / "p.db")
    stages.ingest([tmp_path / n for n in ("m.pdf", "m.docx", "m.html")], db, tmp_path / "cache")
    reconcile(db.conn)
    db.conn.close()
    con = sqlite3.connect(tmp_path / "p.db")

    def rows(table, columns, filename):
        return con.execute(f"SELECT {columns} FROM {table} t JOIN meetings m ON m.id = t.meeting_id "
                           "JOIN documents d ON d.id = m.document_id WHERE d.filename = ? ORDER BY t.id",
                           (filename,)).fetchall()

    items = {n: rows("agenda_items", "number, title, resolution", n) for n in ("m.pdf", "m.docx", "m.html")}
    reasons = {n: rows("amber_reasons", "position, t.plan, action_text, reason, new_rag, target_date", n)
               for n in ("m.pdf", "m.docx", "m.html")}
    assert items["m.pdf"] == items["m.docx"] == items["m.html"] == [
        (str(i.number), i.title, i.resolution) for i in truth.items]
    assert reasons["m.pdf"] == reasons["m.docx"] == reasons["m.html"] == [
        (r.position, r.plan, r.action_text, r.reason, r.new_rag, r.target_date) for r in truth.amber_rows]
    pages = con.execute("SELECT d.filename, count(t.page) FROM amber_reasons t JOIN meetings m ON m.id = t.meeting_id "
                        "JOIN documents d ON d.id = m.document_id GROUP BY d.filename ORDER BY d.filename").fetchall()
    assert pages == [("m.docx", 0), ("m.html", 0), ("m.pdf", len(truth.amber_rows))]


def test_a_table_without_amber_around_it_is_read_as_its_printed_lines(tmp_path):
    """A PDF table headed "Reason" that nothing calls Amber (a performance report's commentary, say) is
    found from geometry and handed over with its lines; the recogniser, seeing no Amber, reads the lines as
    text, so no reason comes of it — and with Amber said of it, the same table gives its rows."""
    spec = csip_minutes_spec()
    make_minutes(tmp_path / "m.pdf", spec)
    with open_pdf(tmp_path / "m.pdf") as pdf:
        doc = minutes_document(read_pages(pdf.pages))
    before = minutes.read_minutes(doc)
    assert before.amber_reasons
    # the same blocks with every word "Amber" taken out of the text around the table and its header
    for p in doc.paras():
        p.text = p.text.replace("Amber", "other").replace("amber", "other").replace("AMBER", "OTHER")
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert tables and all(t.printed_lines for t in tables)
    meeting = minutes.read_minutes(doc)
    assert meeting.amber_reasons == []
    # the table's lines were read as text, up to the item's resolution after it, which is still found
    assert [(i.number, i.title, bool(i.resolution)) for i in meeting.agenda_items] == [
        (i.number, i.title, bool(i.resolution)) for i in before.agenda_items]
