"""A page's objects made the quick way (`extract/page_objects.py`) are pdfplumber's own, dict for dict,
on papers of every kind the readers meet; and a pack read that way gives the rows it gave before."""
from __future__ import annotations

import pdfplumber
import pytest
from paperfactory import csip_minutes_spec, csip_spec, make_minutes, make_report, sdp_minutes_spec, sdp_spec
import pypdfium2 as pdfium

from conftest import rows
from plantrack import store
from plantrack.extract import page_objects
from plantrack.pipeline.stages import ingest as stages

PAPERS = {
    "report, cell fills": lambda p: make_report(p, sdp_spec("2019-11", status_style="fill")),
    "report, CMYK letters": lambda p: make_report(p, csip_spec("2022-07")),
    "report, coloured symbols": lambda p: make_report(p, csip_spec("2022-08")),
    "report, grey levels": lambda p: make_report(p, sdp_spec("2019-11", colour_space="grey")),
    "report, embedded font": lambda p: make_report(p, sdp_spec("2019-11", font="dejavu-serif")),
    "report, pages stored turned": lambda p: make_report(p, sdp_spec("2019-11", stored_rotated=90)),
    "minutes": lambda p: make_minutes(p, sdp_minutes_spec()),
    "minutes, landscape": lambda p: make_minutes(p, csip_minutes_spec()),
}


def _both(path):
    """Each page's objects as pdfplumber makes them and as page_objects does, from two opens."""
    with pdfplumber.open(path) as slow, pdfplumber.open(path) as fast:
        for a, b in zip(slow.pages, fast.pages):
            page_objects.prepare(b)
            yield a.objects, b.objects, b


@pytest.mark.parametrize("paper", list(PAPERS))
def test_a_pages_objects_are_pdfplumbers_own(tmp_path, paper):
    PAPERS[paper](tmp_path / "p.pdf")
    chars = 0
    for slow, fast, page in _both(tmp_path / "p.pdf"):
        assert fast.keys() == slow.keys()
        for kind in slow:
            assert fast[kind] == slow[kind], kind
        chars += len(fast.get("char", []))
        # and what the readers ask of the page is read from them
        assert page.chars is fast.get("char", [])
    assert chars > 500


def test_a_page_whose_media_box_does_not_start_at_zero(tmp_path):
    # a page cut from a larger sheet keeps its coordinates: pdfplumber shifts every object by the box
    make_report(tmp_path / "r.pdf", sdp_spec("2019-11"))
    doc = pdfium.PdfDocument(str(tmp_path / "r.pdf"))
    for page in doc:
        page.set_mediabox(20, 30, 580, 800)
    doc.save(str(tmp_path / "moved.pdf"))
    doc.close()
    seen = 0
    for slow, fast, page in _both(tmp_path / "moved.pdf"):
        assert page.mediabox[0] == 20 and page.mediabox[1] != 0  # the box's offset is there to copy
        assert fast == slow
        seen += len(fast["char"])
    assert seen > 500


def test_a_page_already_parsed_is_left_as_it_is(tmp_path):
    make_report(tmp_path / "r.pdf", sdp_spec("2019-11"))
    with pdfplumber.open(tmp_path / "r.pdf") as pdf:
        page = pdf.pages[1]
        before = page.chars
        page_objects.prepare(page)
        assert page.chars is before
        cropped = pdf.pages[1].crop((0, 0, 300, 400))
        page_objects.prepare(cropped)  # a cropped page filters its parent's objects: not touched
        assert not hasattr(cropped, "_objects") or cropped.chars == [c for c in before if c["x1"] <= 300
                                                                   and c["bottom"] <= 400]


def test_a_report_and_minutes_read_this_way_fill_the_database(tmp_path):
    truth = make_report(tmp_path / "r.pdf", sdp_spec("2019-11", status_style="word"))
    minutes = make_minutes(tmp_path / "m.pdf", sdp_minutes_spec())
    db = store.connect(tmp_path / "p.db")
    stages.ingest([tmp_path / "r.pdf", tmp_path / "m.pdf"], db, tmp_path / "cache")
    db.conn.close()
    actions = rows(tmp_path / "p.db", "SELECT ref, rag FROM actions ORDER BY id")
    assert actions == [(a.ref, a.rag) for a in truth.actions]
    reasons = rows(tmp_path / "p.db", "SELECT count(*) FROM amber_reasons")
    assert reasons[0][0] == len(minutes.amber_rows) > 0
