"""Speed and memory on real work (issue 15): a worker reads file after file, so spaCy's pipeline is
built once per worker rather than once per set of minutes; a large file's parsed pages are released
as they are read, so a pack's size does not decide a worker's."""
import pypdfium2 as pdfium
import pytest
from paperfactory import make_minutes, make_report, sdp_minutes_spec, sdp_spec

from plantrack.extract import document, minutes


@pytest.fixture(scope="module")
def minutes_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("minutes") / "minutes.pdf"
    make_minutes(path, sdp_minutes_spec())
    return path


@pytest.fixture(scope="module")
def pack(tmp_path_factory, minutes_pdf):
    """The minutes, then a plan report, in one PDF."""
    d = tmp_path_factory.mktemp("pack")
    make_report(d / "report.pdf", sdp_spec("2019-11"))
    out = pdfium.PdfDocument.new()
    for part in (minutes_pdf, d / "report.pdf"):
        src = pdfium.PdfDocument(str(part))
        out.import_pages(src)
        src.close()
    out.save(str(d / "pack.pdf"))
    out.close()
    return d / "pack.pdf"


def test_minutes_pages_are_released_as_they_are_read(pack, monkeypatch):
    """When the reader reaches a page of the minutes, no other page of the file still holds its parsed
    characters and layout (pdfplumber keeps them until a page is closed)."""
    parsed_then = []
    real = minutes._page

    def spy(p, number=0):
        parsed_then.append(sum(hasattr(q, "_layout") or hasattr(q, "_objects") for q in p.pdf.pages if q is not p))
        return real(p, number)
    monkeypatch.setattr(minutes, "_page", spy)
    ex = document.extract_document(pack)
    assert ex.kind == "pack" and len(ex.meetings) == 1 and len(ex.reports) == 1
    assert len(parsed_then) >= 2
    assert max(parsed_then) == 0, parsed_then


def test_the_words_minutes_keep_carry_no_characters(pack, monkeypatch):
    kept = []
    real = minutes._lines

    def spy(words):
        kept.extend(words)
        return real(words)
    monkeypatch.setattr(minutes, "_lines", spy)
    document.extract_document(pack)
    assert kept and not any("chars" in w for w in kept)
    assert all(w["size"] > 0 for w in kept)  # the size is still read from the characters


def test_the_first_pass_reads_the_same_text_when_it_reopens_the_file_every_few_pages(pack, monkeypatch):
    with document.open_pdf(pack) as pdf:
        whole = document.page_texts(pack, pdf)
        monkeypatch.setattr(document, "PDFIUM_PAGES_PER_OPEN", 2)
        opened = []
        real = pdfium.PdfDocument

        def counted(*args, **kwargs):
            opened.append(args[0])
            return real(*args, **kwargs)
        monkeypatch.setattr(pdfium, "PdfDocument", counted)
        chunked = document.page_texts(pack, pdf)
    assert len(whole) > 3 and chunked == whole
    assert len(opened) == -(-len(whole) // 2)  # reopened every 2 pages
