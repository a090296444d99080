"""Speed and memory on real work (issue 15): a worker reads file after file, so spaCy's pipeline is
built once per worker rather than once per set of minutes; a large file's parsed pages are released
as they are read, so a pack's size does not decide a worker's."""
import os

import pypdfium2 as pdfium
import pytest
from paperfactory import make_minutes, make_report, sdp_minutes_spec, sdp_spec

from plantrack.extract import document, language, pdf_layout
from plantrack.models.layout import Page, Word
from plantrack.pipeline.stages import ingest as stages
from plantrack.pipeline.stages import pool, reading


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


def test_spacy_is_built_once_per_worker_not_once_per_minutes_file(minutes_pdf, tmp_path, monkeypatch):
    import spacy

    papers = []
    for i in range(3):  # three distinct files (their own sha256), each a set of minutes
        p = tmp_path / f"minutes_{i}.pdf"
        p.write_bytes(minutes_pdf.read_bytes() + f"%copy {i}\n".encode())
        papers.append((p, stages.sha256_of(p)))
    loads = tmp_path / "loads"
    real = spacy.blank

    def counted(*args, **kwargs):  # runs in the worker: each build leaves its process id in a file
        with loads.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)
    monkeypatch.setattr(spacy, "blank", counted)
    language._nlp.cache_clear()  # an earlier test may have built it here, and a fork would inherit it
    got = list(pool.extract_isolated(papers, tmp_path / "cache", workers=1))
    assert [ex.kind for _, ex, _ in got] == ["minutes"] * 3
    assert all(ex.meetings[0].amber_reasons for _, ex, _ in got)  # read with spaCy's rules
    builders = loads.read_text().split()
    assert len(builders) == 1, f"spaCy built {len(builders)} times for 3 files by one worker"
    assert int(builders[0]) != os.getpid()  # in the worker, not in the run's own process


def test_a_worker_is_replaced_after_a_failure_and_the_next_file_is_read(minutes_pdf, tmp_path, monkeypatch):
    papers = []
    for name in ("bad.pdf", "good.pdf"):
        (tmp_path / name).write_bytes(minutes_pdf.read_bytes() + name.encode())
        papers.append((tmp_path / name, stages.sha256_of(tmp_path / name)))
    real = reading.extract_document

    def reader(path):
        if path.name == "bad.pdf":
            raise OSError(13, "Permission denied")
        return real(path)
    monkeypatch.setattr(reading, "extract_document", reader)
    got = {p.name: ex for p, ex, _ in pool.extract_isolated(papers, tmp_path / "cache", workers=1)}
    assert got["bad.pdf"].error.startswith("cannot open this file: permission denied")
    assert got["good.pdf"].status == "ok" and got["good.pdf"].kind == "minutes"


def test_minutes_pages_are_released_as_they_are_read(pack, monkeypatch):
    """When the reader reaches a page of the minutes, no other page of the file still holds its parsed
    characters and layout (pdfplumber keeps them until a page is closed)."""
    parsed_then = []
    real = pdf_layout.read_page

    def spy(p, number=0, **options):
        parsed_then.append(sum(hasattr(q, "_layout") or hasattr(q, "_objects") for q in p.pdf.pages if q is not p))
        return real(p, number, **options)
    monkeypatch.setattr(pdf_layout, "read_page", spy)
    ex = document.extract_document(pack)
    assert ex.kind == "pack" and len(ex.meetings) == 1 and len(ex.reports) == 1
    assert len(parsed_then) >= 2
    assert max(parsed_then) == 0, parsed_then


def test_the_minutes_recogniser_keeps_model_words_not_pdfplumber_characters(pack, monkeypatch):
    """What the minutes keep of their pages is the layout model: words with a size, no characters."""
    kept = []
    real = document.extract_minutes

    def spy(pages, first_page_number=1):
        kept.extend(pages)
        return real(pages, first_page_number=first_page_number)
    monkeypatch.setattr(document, "extract_minutes", spy)
    document.extract_document(pack)
    words = [w for page in kept for line in page.lines for w in line.words]
    assert kept and all(isinstance(page, Page) for page in kept)
    assert words and all(isinstance(w, Word) and not getattr(w, "chars", None) for w in words)
    assert all(w.size and w.size > 0 for w in words)  # the size is still read from the characters


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


def test_a_run_keeps_only_a_summary_of_each_stored_document(pack, tmp_path):
    """The writer stores each document as it arrives; what the run keeps of it for its summary is the
    kind, the papers and each action's status, not the texts (they are in the database)."""
    from plantrack import store

    db = store.connect(tmp_path / "plantrack.db")
    try:
        [o] = stages.ingest([pack], db, tmp_path / "extracted")
        stored = db.conn.execute("SELECT count(*), count(DISTINCT text) FROM actions").fetchone()
        reasons = db.conn.execute("SELECT count(*) FROM amber_reasons").fetchone()[0]
    finally:
        db.conn.close()
    ex = o.extraction
    assert o.outcome == "new" and ex.kind == "pack" and len(ex.reports) == 1 and len(ex.meetings) == 1
    actions = ex.reports[0].actions
    assert len(actions) == stored[0] > 0 and stored[1] > 1           # every action counted, their texts stored
    assert {a.text for a in actions} == {""} and not ex.reports[0].priorities
    assert all(a.rag or a.status_text for a in actions)               # the status, for the summary's words
    assert reasons > 0 and not ex.meetings[0].amber_reasons


def test_a_worker_that_may_read_scans_has_room_for_the_ocr_engine(monkeypatch):
    """The memory ceiling counts address space: the OCR engine reserves far more than it uses (2.3 GB
    after large pages), so a worker's hard limit keeps that reserve, which only OCR takes; any other
    reading stops at the memory asked for."""
    from plantrack.extract import ocr
    from plantrack.pipeline.stages import reading

    monkeypatch.setattr(reading, "address_space", lambda: 100 * 2 ** 20)
    monkeypatch.setattr(ocr, "installed", lambda: False)
    assert reading.address_ceiling(600) == ((100 + 600) * 2 ** 20,) * 2
    monkeypatch.setattr(ocr, "installed", lambda: True)
    soft, hard = reading.address_ceiling(600)
    assert soft == (100 + 600) * 2 ** 20 and hard - soft >= 2 * 2 ** 30


def test_only_ocr_takes_the_engines_reserve():
    """In a worker under its ceiling, the soft limit is the memory asked for until OCR starts."""
    import subprocess
    import sys

    code = (
        "import resource\n"
        "from plantrack.pipeline.stages.reading import limit_memory\n"
        "from plantrack.extract import ocr\n"
        "limit_memory(600)\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_AS)\n"
        "ocr.room_for_engine()\n"
        "after = resource.getrlimit(resource.RLIMIT_AS)\n"
        "print(soft < hard or not ocr.installed(), after == (hard, hard))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True"]


def test_running_out_of_memory_inside_a_reader_says_so(tmp_path, monkeypatch):
    """A MemoryError raised inside a library (numpy under the worker's ceiling) is the memory ceiling's
    doing: the clerk's line says so, not that plantrack has a bug."""
    import paperfactory as pf
    from plantrack.extract import document

    path = tmp_path / "report.pdf"
    pf.make_report(path, pf.sdp_spec("2019-10"))

    def starved(*args, **kwargs):
        raise MemoryError("Unable to allocate 45.7 MiB for an array")

    monkeypatch.setattr(document, "find_papers", starved)
    ex = document.extract_document(path)
    assert (ex.status, ex.error) == ("failed", "ran out of memory while reading: the file may be damaged or far too large")


def test_scans_are_started_first_when_several_workers_share_the_run(minutes_pdf, pack, tmp_path, monkeypatch):
    """A scan's pages are read by OCR, seconds each: started last, it would keep the run waiting on one
    core after the others are done. With two workers the scans go first, slowest first, the rest in the
    order given; one worker keeps the order given."""
    from paperfactory import make_garbled, make_image_only, make_not_pdf

    from plantrack.extract.cost import reading_cost

    make_image_only(tmp_path / "scan-2.pdf", pages=2)
    make_image_only(tmp_path / "scan-3.pdf", pages=3)
    make_garbled(minutes_pdf, tmp_path / "garbled.pdf")
    make_not_pdf(tmp_path / "notes.pdf")
    files = [minutes_pdf, tmp_path / "notes.pdf", tmp_path / "scan-2.pdf", pack, tmp_path / "garbled.pdf",
             tmp_path / "scan-3.pdf"]
    costs = {p.name: reading_cost(p) for p in files}
    pages = len(pdfium.PdfDocument(str(minutes_pdf)))
    assert costs["scan-3.pdf"] > costs["scan-2.pdf"] > costs["pack.pdf"] > costs["minutes.pdf"] > 0
    assert costs["garbled.pdf"] == costs["scan-2.pdf"] * pages / 2  # a garbled text layer is read by OCR too
    assert costs["notes.pdf"] < costs["minutes.pdf"]  # not a PDF: read as a Word or web page, cheaply

    started = []

    def give(worker, path, sha, cache):  # noted, and the worker told to leave without reading
        started.append(path.name)
        worker.task = (path, sha, 0.0)
        worker.conn.send(None)

    monkeypatch.setattr(pool._Worker, "give", give)
    monkeypatch.setattr(pool._Worker, "code", lambda self, timeout: (True, 1))
    monkeypatch.setattr(pool, "child_result", lambda *a: None)
    todo = [(p, p.name) for p in files]
    list(pool.extract_isolated(todo, tmp_path / "cache", workers=2))
    assert set(started[:3]) == {"garbled.pdf", "scan-3.pdf", "scan-2.pdf"}
    assert started == sorted(started, key=lambda n: -costs[n])
    assert started[3:] == ["pack.pdf", "minutes.pdf", "notes.pdf"]
    started.clear()
    list(pool.extract_isolated(todo, tmp_path / "cache", workers=1))
    assert started == [p.name for p in files]
