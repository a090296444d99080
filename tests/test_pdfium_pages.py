"""Minutes' pages read with pypdfium2 (`extract/pdfium_page.py`) give the minutes reader what pdfplumber's
did: the same words, lines and rules, so the same meeting in the database. Pages pdfium would read
differently (stored turned, text turned) are read by pdfplumber still."""
from __future__ import annotations

import dataclasses

import pdfplumber
import pypdfium2 as pdfium
import pytest
from paperfactory import csip_minutes_spec, make_minutes, sdp_minutes_spec
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from conftest import rows
from plantrack import store
from plantrack.extract import document
from plantrack.extract.pdf_layout import read_page
from plantrack.extract.pdfium_page import PdfiumPage, Unsuitable, quick_pages
from plantrack.pipeline.stages import ingest as stages

CASES = {
    "ruled table over a page break": lambda: sdp_minutes_spec(first_header_blank=True),
    "unruled table": lambda: sdp_minutes_spec(table_style="unruled"),
    "bold action, reason under it": lambda: sdp_minutes_spec(table_style="pairs"),
    "(a) action – reason": lambda: sdp_minutes_spec(table_style="list"),
    "status column, page x of y": lambda: sdp_minutes_spec(status_header="RAG", page_label="of"),
    "two newspaper columns": lambda: sdp_minutes_spec(columns=2),
    "embedded font": lambda: sdp_minutes_spec(font="dejavu-serif"),
    "csip": lambda: csip_minutes_spec(),
}


def _both(path):
    """Each page as the minutes reader's model, read by pdfplumber and by pdfium."""
    with pdfplumber.open(path) as pdf:
        doc = pdfium.PdfDocument(str(path))
        for n, page in enumerate(pdf.pages, 1):
            raw = doc[n - 1]
            fast = PdfiumPage(raw, n, float(sum(p.height for p in pdf.pages[:n - 1])))
            raw.close()
            yield read_page(page, n - 1), read_page(fast, n - 1)
        doc.close()


def _words(page):
    return [(w.text, w.x0, w.x1, w.top, w.bottom, w.bold, w.size) for line in page.lines for w in line.words]


def _near(fast, slow, tol: float) -> bool:
    """The same items in the same order, coordinates equal within `tol` points."""
    def near(a, b):
        if isinstance(a, float) or isinstance(b, float):
            return abs(a - b) <= tol
        if isinstance(a, tuple) and isinstance(b, tuple):
            return len(a) == len(b) and all(near(x, y) for x, y in zip(a, b))
        return a == b
    return len(fast) == len(slow) and all(near(a, b) for a, b in zip(fast, slow))


@pytest.mark.parametrize("case", list(CASES))
def test_a_minutes_page_read_by_pdfium_is_the_page_pdfplumber_reads(tmp_path, case):
    make_minutes(tmp_path / "m.pdf", CASES[case]())
    for slow, fast in _both(tmp_path / "m.pdf"):
        assert [ln.text for ln in fast.lines] == [ln.text for ln in slow.lines]
        # pdfium's advance for a glyph can be a few hundredths of a point off pdfminer's (the PDF's
        # /Widths), adding up along a line: up to half a point across A4, under the 3 points that end a
        # word, and the same words, lines, weights and sizes come out
        assert _near(_words(fast), _words(slow), tol=1.0)
        assert _near([(r.vertical, r.x0, r.x1, r.top, r.bottom) for r in fast.rules],
                     [(r.vertical, r.x0, r.x1, r.top, r.bottom) for r in slow.rules], tol=0.05)


@pytest.mark.parametrize("case", ["ruled table over a page break", "bold action, reason under it", "embedded font"])
def test_the_meeting_is_the_same_whichever_way_the_pages_were_read(tmp_path, monkeypatch, case):
    truth = make_minutes(tmp_path / "m.pdf", CASES[case]())
    made = []
    real_init = PdfiumPage.__init__

    def counted(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append(self.page_number)
    monkeypatch.setattr(PdfiumPage, "__init__", counted)
    fast = dataclasses.asdict(document.extract_document(tmp_path / "m.pdf"))
    assert made == list(range(1, truth.pages + 1))  # every page went the quick way

    monkeypatch.setattr(document, "quick_pages", lambda pdf, numbers: (pdf.pages[n - 1] for n in numbers))
    slow = dataclasses.asdict(document.extract_document(tmp_path / "m.pdf"))
    assert fast == slow
    monkeypatch.undo()
    # and the database (its worker reads the pages the quick way) holds the meeting's Amber reasons
    db = store.connect(tmp_path / "p.db")
    stages.ingest([tmp_path / "m.pdf"], db, tmp_path / "cache")
    db.conn.close()
    got = rows(tmp_path / "p.db", "SELECT m.meeting_date, COUNT(a.id) FROM meetings m "
                                  "JOIN amber_reasons a ON a.meeting_id = m.id GROUP BY m.id")
    assert got == [(truth.meeting_date, len(truth.amber_rows))]


def test_a_space_printed_between_two_text_objects_is_kept(tmp_path):
    """Word processors may print each word as its own text object and the space between as another,
    the gap a hair under pdfplumber's 3 points. pdfium drops such a space and makes up its own (zero
    wide), which would run the words together ("Declarationsof interest"); a gap a space's width wide
    is given its space back, as pdfminer reads it. Words set close without a space stay one word."""
    path = tmp_path / "spaces.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    x, y, size = 72.0, 700.0, 11.04
    for word in ("2.", " ", "Declarations", " ", "of", " ", "interest"):
        text = c.beginText(x, y)
        text.setFont("Helvetica-Bold", size)
        text.textOut(word)
        c.drawText(text)
        x += c.stringWidth(word, "Helvetica-Bold", size) - (0.1 if word == " " else 0)
    c.drawString(72, 650, "Council")  # one word, one text object: no space made up inside it
    c.setFont("Helvetica", 11)
    c.drawString(72, 630, "Coun")
    c.drawString(72 + c.stringWidth("Coun", "Helvetica", 11) + 1.0, 630, "cil")  # a 1-point gap: one word
    c.showPage()
    c.save()
    (slow, fast), = _both(path)
    assert [w.text for w in fast.lines[0].words] == ["2.", "Declarations", "of", "interest"]
    assert [ln.text for ln in fast.lines] == [ln.text for ln in slow.lines] == [
        "2. Declarations of interest", "Council", "Council"]


def test_pages_pdfium_would_read_otherwise_are_left_to_pdfplumber(tmp_path):
    """A page stored turned (/Rotate 90), and text turned on an upright page: pdfplumber reads them."""
    make_minutes(tmp_path / "m.pdf", sdp_minutes_spec())
    doc = pdfium.PdfDocument(str(tmp_path / "m.pdf"))
    doc[1].set_rotation(90)
    doc.save(str(tmp_path / "turned.pdf"))
    doc.close()
    c = canvas.Canvas(str(tmp_path / "slanted.pdf"), pagesize=A4)
    c.rotate(30)
    c.drawString(200, 100, "Minutes written on a slant")
    c.showPage()
    c.save()
    for name in ("turned.pdf", "slanted.pdf"):
        doc = pdfium.PdfDocument(str(tmp_path / name))
        with pytest.raises(Unsuitable):
            PdfiumPage(doc[len(doc) - 1 if name == "slanted.pdf" else 1], 2)
        doc.close()
    with pdfplumber.open(tmp_path / "turned.pdf") as pdf:
        kinds = [type(p).__name__ for p in quick_pages(pdf, range(1, len(pdf.pages) + 1))]
    assert kinds[1] == "Page" and set(kinds[:1] + kinds[2:]) == {"PdfiumPage"}
    ex = document.extract_document(tmp_path / "turned.pdf")
    assert (ex.status, ex.kind) == ("ok", "minutes")


def test_a_file_pdfium_cannot_open_is_read_by_pdfplumber(tmp_path, monkeypatch):
    make_minutes(tmp_path / "m.pdf", sdp_minutes_spec())

    def refuse(*args, **kwargs):
        raise pdfium.PdfiumError("Failed to load document")
    monkeypatch.setattr(pdfium, "PdfDocument", refuse)
    with pdfplumber.open(tmp_path / "m.pdf") as pdf:
        assert {type(p).__name__ for p in quick_pages(pdf, range(1, len(pdf.pages) + 1))} == {"Page"}
