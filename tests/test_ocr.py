"""Scanned papers read with the OCR extra (`plantrack[ocr]`): generated minutes and a report,
rasterised, turned slightly askew and specked with dust, then read through `plantrack run`.

The OCR tests are skipped when the extra is not installed; what a scan gives without it is tested
always."""
import difflib
import json
import subprocess
import sys
import unicodedata

import pytest
from conftest import rows
from paperfactory import (csip_minutes_spec, make_garbled, make_image_only, make_minutes, make_report, make_scan,
                          sdp_minutes_spec, sdp_spec)

from plantrack.extract import ocr, scanned
from plantrack.extract.document import extract_document

CLI = [sys.executable, "-m", "plantrack.pipeline.cli"]
needs_ocr = pytest.mark.skipif(not ocr.installed(), reason="the OCR extra is not installed (pip install 'plantrack[ocr]')")


def fold(s):
    """As ../shared/eval/score.py compares text: case, white space, quotes and dashes folded."""
    s = unicodedata.normalize("NFKC", s or "").replace("’", "'").replace("–", "-").replace("—", "-")
    return " ".join(s.split()).casefold()


def similar(a, b) -> float:
    return difflib.SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio()



def test_without_the_extra_a_scan_fails_saying_how_to_install_it(tmp_path, monkeypatch):
    path = tmp_path / "scan.pdf"
    make_image_only(path, pages=1)
    monkeypatch.setattr(scanned.ocr, "installed", lambda: False)
    ex = extract_document(path)
    assert (ex.status, ex.error, ex.ocr) == (
        "failed", "no text layer: scanned pages need OCR (pip install 'plantrack[ocr]')", False)


@needs_ocr
def test_skew_is_measured_and_undone(tmp_path):
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    source = tmp_path / "minutes.pdf"
    make_minutes(source, sdp_minutes_spec())
    page = pdfium.PdfDocument(str(source))[0].render(scale=100 / 72).to_pil().convert("RGB")
    for angle in (1.2, -0.7, 2.5):
        turned = np.asarray(page.rotate(angle, resample=Image.BICUBIC, fillcolor="white").convert("L"))
        assert ocr.skew_angle(turned) == pytest.approx(-angle, abs=0.15)


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """A folder of scans: minutes with a ruled table over a page break (askew 0.6°, alternating), minutes
    with an unruled table (askew 1.5°), minutes as bold/plain paragraph pairs, a report whose statuses
    are colour-only cells, and a pack of a born-digital report and scanned minutes."""
    folder = tmp_path_factory.mktemp("scans")
    made = tmp_path_factory.mktemp("born-digital")
    truth = {}
    for name, spec, angle in (("sdp_minutes_scan.pdf", sdp_minutes_spec(), 0.6),
                              ("csip_minutes_scan.pdf", csip_minutes_spec(), 1.5),
                              # the action in bold, its reason under it: bold read from the strokes' width
                              ("pairs_minutes_scan.pdf", sdp_minutes_spec(table_style="pairs"), 1.0)):
        truth[name] = make_minutes(made / name, spec)
        make_scan(made / name, folder / name, angle=angle)
    report = sdp_spec("2019-10", intro=[], notes=[])
    report.priorities = report.priorities[:2]  # two pages: OCR takes seconds a page
    truth["report_scan.pdf"] = make_report(made / "report.pdf", report)
    make_scan(made / "report.pdf", folder / "report_scan.pdf", angle=0.8, seed=5)
    # a pack: the born-digital report, then the scanned minutes; only the scanned pages go through OCR
    import pypdfium2 as pdfium

    pack = pdfium.PdfDocument.new()
    for part in (made / "report.pdf", folder / "sdp_minutes_scan.pdf"):
        src = pdfium.PdfDocument(str(part))
        pack.import_pages(src)
        src.close()
    made_pack = tmp_path_factory.mktemp("pack") / "pack_with_scanned_minutes.pdf"
    pack.save(str(made_pack))
    pack.close()
    (folder / made_pack.name).write_bytes(made_pack.read_bytes())
    db = tmp_path_factory.mktemp("out") / "plantrack.db"
    proc = subprocess.run([*CLI, "run", folder, "--db", db, "--timeout", "900"], capture_output=True, text=True,
                          timeout=1800)
    return folder, truth, db, proc


@needs_ocr
def test_scanned_files_are_read_by_ocr_with_progress_per_page(scans):
    folder, truth, db, proc = scans
    assert proc.returncode == 0, proc.stderr
    assert rows(db, "SELECT filename, status, error, kind, format, ocr FROM documents ORDER BY filename") == [
        ("csip_minutes_scan.pdf", "ok", None, "minutes", "pdf", 1),
        ("pack_with_scanned_minutes.pdf", "ok", None, "pack", "pdf", 1),
        ("pairs_minutes_scan.pdf", "ok", None, "minutes", "pdf", 1),
        ("report_scan.pdf", "ok", None, "plan_report", "pdf", 1),
        ("sdp_minutes_scan.pdf", "ok", None, "minutes", "pdf", 1)]
    for name, expected in truth.items():
        assert f"OCR {name}: page {expected.pages} of {expected.pages}" in proc.stderr
    # the pack's two report pages have text: only its two scanned pages were read by OCR
    minutes = truth["sdp_minutes_scan.pdf"].pages
    assert f"OCR pack_with_scanned_minutes.pdf: page {minutes} of {minutes}" in proc.stderr
    assert f"OCR pack_with_scanned_minutes.pdf: page {minutes + 1} of" not in proc.stderr


@needs_ocr
def test_in_a_pack_the_scanned_minutes_keep_their_page_numbers(scans):
    _, truth, db, _ = scans
    report, minutes = truth["report_scan.pdf"], truth["sdp_minutes_scan.pdf"]
    got = rows(db, "SELECT r.first_page, r.last_page, COUNT(a.id) FROM reports r JOIN documents d ON d.id = r.document_id "
                   "JOIN actions a ON a.report_id = r.id WHERE d.filename = 'pack_with_scanned_minutes.pdf' GROUP BY r.id")
    assert got == [(1, report.pages, len(report.actions))]
    got = rows(db, "SELECT m.first_page, m.last_page, m.meeting_date, COUNT(ar.id) FROM meetings m "
                   "JOIN documents d ON d.id = m.document_id JOIN amber_reasons ar ON ar.meeting_id = m.id "
                   "WHERE d.filename = 'pack_with_scanned_minutes.pdf' GROUP BY m.id")
    assert got == [(report.pages + 1, report.pages + minutes.pages, minutes.meeting_date, len(minutes.amber_rows))]


@needs_ocr
@pytest.mark.parametrize("name", ["sdp_minutes_scan.pdf", "csip_minutes_scan.pdf", "pairs_minutes_scan.pdf"])
def test_scanned_minutes_give_the_meeting_and_their_amber_reasons(scans, name):
    """The issue's bar: the meeting, and at least 90% of the Amber reasons with reason text at least
    0.9 similar and the status change and target date exact."""
    _, truth, db, _ = scans
    expected = truth[name]
    meetings = rows(db, "SELECT m.id, committee, meeting_date, first_page, last_page FROM meetings m "
                        f"JOIN documents d ON d.id = m.document_id WHERE d.filename = '{name}'")
    assert len(meetings) == 1
    meeting_id, committee, date, first, last = meetings[0]
    assert (fold(committee), date, first, last) == (fold(expected.committee), expected.meeting_date, 1, expected.pages)
    got = rows(db, f"SELECT position, reason, new_rag, target_date, page FROM amber_reasons WHERE meeting_id = {meeting_id} "
                   "ORDER BY position")
    assert len(got) == len(expected.amber_rows)
    good = [w for g, w in zip(got, expected.amber_rows)
            if similar(g[1], w.reason) >= 0.9 and (g[2], g[3], g[4]) == (w.new_rag, w.target_date, w.page)]
    assert len(good) >= 0.9 * len(expected.amber_rows), [g[1] for g in got]


@needs_ocr
def test_a_scanned_report_reads_colour_only_statuses_from_the_pixels(scans):
    _, truth, db, _ = scans
    expected = truth["report_scan.pdf"]
    scan = "JOIN documents d ON d.id = r.document_id WHERE d.filename = 'report_scan.pdf'"
    (report,) = rows(db, f"SELECT plan, period, as_at, legend FROM reports r {scan}")
    assert report[:3] == (expected.plan, expected.period, expected.as_at)
    assert set(json.loads(report[3]).values()) == {"red", "amber", "green", "blue", "grey"}  # the key's swatches
    got = rows(db, "SELECT ref, ofsted_ref, rag, rag_source, status_text, due_date, page, text, progress FROM actions "
                   f"WHERE report_id IN (SELECT r.id FROM reports r {scan}) ORDER BY id")
    assert [g[:7] for g in got] == [(a.ref, a.ofsted_ref, a.rag, "colour", None, a.due_date, a.page)
                                   for a in expected.actions]
    for g, a in zip(got, expected.actions):
        assert similar(g[7], a.text) >= 0.95 and similar(g[8], a.progress) >= 0.95, a.ref


@needs_ocr
def test_a_scan_that_runs_out_of_time_says_ocr_is_slow_not_the_file_broken(tmp_path):
    from plantrack.pipeline.stages.reading import child_result

    path = tmp_path / "scan.pdf"
    make_image_only(path, pages=2)
    ex = child_result(path, "0" * 64, tmp_path, None, 5.0, 5.0)  # the worker was stopped at its time limit
    assert (ex.status, ex.error) == ("failed", "took longer than 5 s to read: 2 scanned page(s) are read by OCR, a "
                                               "few seconds each; raise ingest.timeout (--timeout) for this file")


def test_a_garbled_text_layer_is_told_apart_from_text():
    """Glyph codes where characters should be (a font embedded without its character map) are garbage;
    text with a stray symbol-font bullet, Welsh or a short page is not."""
    assert scanned.garbled("\x19\x1f\"#\x1c\x17& \x13\"\x1a#\x19\x01\x15\x1f$\x1e\x15\x1a\x1c\r\n\x166\',8 \x1d/398+7\x014,"
                           "\x018.+\x012++8/3-\x01.+1*\x0143\r\n")
    assert not scanned.garbled("Minutes of the meeting of Horsley Parish Council held on 18 March 2014\n"
                               "\x01 Present: Cllr A (Chair), Cllr B, Cllr C\n")
    assert not scanned.garbled("Cofnodion cyfarfod Cyngor Cymuned Manordeilo a Salem, 14 Mawrth 2018 – ŵ ŷ â")
    assert not scanned.garbled("\x01\x02\x03")  # too little to tell


@needs_ocr
def test_minutes_whose_text_layer_is_garbage_are_read_from_their_pictures(tmp_path):
    """A PDF whose every page carries a text layer of glyph codes (no character map) reads as nothing
    from its text; its pages are read by OCR instead, as a scan's are, and the minutes come out."""
    source, path = tmp_path / "minutes.pdf", tmp_path / "garbled.pdf"
    truth = make_minutes(source, sdp_minutes_spec())
    make_garbled(source, path)
    ex = extract_document(path)
    assert (ex.status, ex.kind, ex.ocr) == ("ok", "minutes", True), ex.error
    (meeting,) = ex.meetings
    assert (fold(meeting.committee), meeting.meeting_date) == (fold(truth.committee), truth.meeting_date)
    assert len(meeting.amber_reasons) == len(truth.amber_rows)


@needs_ocr
def test_a_blank_scanned_sheet_among_the_pages_is_passed_over(tmp_path):
    """Scans often hold the blank back of a sheet: a picture with no print on it. OCR finds nothing
    there (RapidOCR answers with a placeholder, not an empty list), and the rest is read as usual."""
    import io

    from PIL import Image

    made = tmp_path / "minutes.pdf"
    truth = make_minutes(made, sdp_minutes_spec())
    make_scan(made, tmp_path / "scan.pdf", angle=0.6)
    pages = _frames(tmp_path / "scan.pdf")
    blank = Image.new("RGB", pages[0].size, (250, 250, 248))
    for n in range(40):  # scanner dust
        blank.putpixel((37 * n % blank.width, 53 * n % blank.height), (120, 120, 120))
    buffer = io.BytesIO()
    blank.save(buffer, format="JPEG", quality=80)
    scans = [*pages, Image.open(io.BytesIO(buffer.getvalue()))]
    path = tmp_path / "minutes_with_blank_back.pdf"
    scans[0].save(str(path), "PDF", resolution=150.0, save_all=True, append_images=scans[1:])
    assert ocr.rebuild(blank).words == []
    ex = extract_document(path)
    assert (ex.status, ex.kind, ex.ocr, ex.pages) == ("ok", "minutes", True, truth.pages + 1)
    assert len(ex.meetings) == 1 and ex.meetings[0].meeting_date == truth.meeting_date
    assert len(ex.meetings[0].amber_reasons) == len(truth.amber_rows)


def _frames(path):
    """The pictures of an image-only PDF, page by page (pypdfium2 renders them back at 150 dpi)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].render(scale=150 / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


# ---- which unreadable pages are worth OCR's seconds ------------------------------------------------
LETTER = ["Oakfield Primary Schools Federation", "Proposals by the governing board to change the age range",
          "of Oakfield Church of England Primary School from September 2026.", "",
          "1. The governors have consulted parents, staff and the diocese on three options.",
          "2. Responses are invited by 14 November 2025 to the address below."]
GLYPHS = "\x19\x1f\"#\x1c\x17& \x13\"\x1a#\x19\x01\x15\x1f$\x1e\x15\x1a\x1c\r\n" * 4


def test_unreadable_pages_are_left_to_ocr_only_when_the_first_page_shows_another_paper():
    """A consultation whose first page reads and whose later pages do not: nothing readable opens
    minutes, prints an action table or names minutes or a plan, so OCR would only confirm it is other.
    Any sign of a paper of ours, or a first page that does not read, and OCR reads the pages."""
    from plantrack.extract.document import ocr_pays

    letter = "\n".join(LETTER)
    assert not ocr_pays([letter, GLYPHS, ""], [1, 2])
    # the headings of a garbled page may still read: "Summary of the options" says nothing of ours
    assert not ocr_pays([letter, "Summary of the options considered\n" + GLYPHS], [1])
    # an agenda that lists last meeting's minutes: the scanned pages may be those minutes
    assert ocr_pays([letter + "\n3. To approve the minutes of the meeting held on 9 October 2025", ""], [1])
    assert ocr_pays([letter, "Improvement Plan 2025-26\n" + GLYPHS], [1])  # a garbled page's legible heading
    assert ocr_pays(["", letter], [0])                                    # the first page itself is a scan
    assert ocr_pays(["Oakfield Parish Council\nMinutes of the meeting held on 4 March 2025", ""], [1])
    assert ocr_pays(["OFFICIAL", GLYPHS], [1])                            # too little on page 1 to tell


def _with_scanned_pages(first_page_lines, scan, path):
    """A born-digital first page (reportlab) followed by the pages of an image-only scan."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    cover = path.with_name("cover.pdf")
    c = canvas.Canvas(str(cover), pagesize=A4)
    text = c.beginText(60, A4[1] - 80)
    text.setFont("Helvetica", 11)
    for line in first_page_lines:
        text.textLine(line)
    c.drawText(text)
    c.showPage()
    c.save()
    out = pdfium.PdfDocument.new()
    for part in (cover, scan):
        src = pdfium.PdfDocument(str(part))
        out.import_pages(src)
        src.close()
    out.save(str(path))
    out.close()


@needs_ocr
def test_a_readable_consultation_is_not_read_by_ocr_but_a_letter_sending_minutes_is(tmp_path, monkeypatch):
    made = tmp_path / "minutes.pdf"
    truth = make_minutes(made, sdp_minutes_spec())
    make_scan(made, tmp_path / "scan.pdf", angle=0.6)
    consultation, letter = tmp_path / "consultation.pdf", tmp_path / "letter.pdf"
    make_image_only(tmp_path / "appendix.pdf", pages=2)
    _with_scanned_pages(LETTER, tmp_path / "appendix.pdf", consultation)
    _with_scanned_pages(["Oakfield Parish Council", "Dear Councillor,",
                         "The signed minutes of the Sub-Committee are attached for the record."],
                        tmp_path / "scan.pdf", letter)
    read: list[str] = []
    own = ocr.with_text_layer
    monkeypatch.setattr(ocr, "with_text_layer", lambda path, *a, **k: (read.append(path.name), own(path, *a, **k))[1])

    ex = extract_document(consultation)
    assert (ex.status, ex.kind, ex.ocr, ex.pages) == ("ok", "other", False, 3)
    assert read == []
    assert ex.evidence[-1].startswith("pages 2-3 without readable text, not read by OCR: page 1 shows another kind")

    ex = extract_document(letter)
    assert read == ["letter.pdf"]
    assert (ex.status, ex.kind, ex.ocr) == ("ok", "pack", True), ex.error
    (meeting,) = ex.meetings
    assert (meeting.first_page, meeting.meeting_date) == (2, truth.meeting_date)
    assert len(meeting.amber_reasons) == len(truth.amber_rows)
