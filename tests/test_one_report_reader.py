"""One plan-report recogniser for every format (issue 23): the same plan report, generated as a PDF, a
Word document and a web page, goes through the one reader (`report.ReportReader`, fed blocks of the
one document model) into the same actions and statuses; only the PDF's pages differ."""
import sqlite3

import pytest
from flowfactory import make_docx_report, make_html_report, page_free
from paperfactory import csip_spec, make_report, sdp_spec

from plantrack import store
from plantrack.extract import report
from plantrack.extract.document import extract_document
from plantrack.models.document import Para, Table
from plantrack.pipeline.stages import ingest as stages

COLUMNS = "priority_number, ref, ofsted_ref, text, lead, timescale, due_date, success_measure, progress, rag, rag_source"


def _rows(con, filename):
    return con.execute(f"SELECT {COLUMNS} FROM actions JOIN reports r ON r.id = actions.report_id "
                       "JOIN documents d ON d.id = r.document_id WHERE d.filename = ? ORDER BY actions.id",
                       (filename,)).fetchall()


@pytest.mark.parametrize("spec", [csip_spec("2022-07"), sdp_spec("2019-11", status_style="fill")],
                         ids=["csip-words", "sdp-fills"])
def test_a_report_as_pdf_word_and_web_page_is_read_by_the_one_reader(tmp_path, monkeypatch, spec):
    truth = page_free(make_report(tmp_path / "r.pdf", spec))
    make_docx_report(tmp_path / "r.docx", spec)
    make_html_report(tmp_path / "r.html", spec)
    fed: dict[str, list[list]] = {}
    feed = report.ReportReader.feed

    def spy(self, blocks, number):
        # what each format hands the reader: blocks of the one model, with pages only where it has them
        fed.setdefault("pdf" if number is not None else "flow", []).append(blocks)
        assert all(isinstance(b, Para | Table) for b in blocks)
        assert all((b.page is None) == (number is None) for b in blocks)
        return feed(self, blocks, number)
    monkeypatch.setattr(report.ReportReader, "feed", spy)
    papers = [tmp_path / name for name in ("r.pdf", "r.docx", "r.html")]
    read = [extract_document(p) for p in papers]
    assert len(fed["flow"]) == 2 and len(fed["pdf"]) >= 1  # the Word and the web copies whole, the PDF by page
    assert [ex.format for ex in read] == ["pdf", "docx", "html"]
    monkeypatch.undo()
    db = store.connect(tmp_path / "p.db")
    stages.ingest(papers, db, tmp_path / "cache")
    db.conn.close()
    con = sqlite3.connect(tmp_path / "p.db")
    pdf, word, web = (_rows(con, p.name) for p in papers)
    expected = [(a.priority_number, a.ref, a.ofsted_ref, a.text, a.lead, a.timescale, a.due_date, a.success_measure,
                 a.progress, a.rag) for a in truth.actions]
    assert [r[:-1] for r in pdf] == [r[:-1] for r in word] == [r[:-1] for r in web] == expected
    assert len({r[9] for r in pdf}) >= 3  # statuses of three kinds at least, not one guessed for all
    # how each status was decided agrees too: by the key's colour, its words or the default words
    assert [r[-1] for r in pdf] == [r[-1] for r in word] == [r[-1] for r in web]
    pages = con.execute("SELECT d.format, r.first_page, r.last_page FROM reports r JOIN documents d "
                        "ON d.id = r.document_id ORDER BY d.format").fetchall()
    assert [(f, p is None, q is None) for f, p, q in pages] == [("docx", True, True), ("html", True, True),
                                                                ("pdf", False, False)]
