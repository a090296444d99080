"""Formats and executors are registries: a file's format picks its reader from `document.READERS`, a
run's scheduler picks its executor from `executors.EXECUTORS`, so a new format or executor is one entry.
Papers come from the generators; databases are built in tmp_path."""
import sqlite3

from flowfactory import make_docx_report, make_html_report, page_free
from paperfactory import csip_spec, make_report

from plantrack import store
from plantrack.extract import document
from plantrack.extract.document import extract_document
from plantrack.pipeline.stages import executors, ingest, pool, reading
from plantrack.pipeline.stages.cluster import extract_on_cluster


def test_each_format_is_read_by_its_entry_in_the_registry(tmp_path, monkeypatch):
    spec = csip_spec("2022-07")
    truth = page_free(make_report(tmp_path / "r.pdf", spec))
    make_docx_report(tmp_path / "r.docx", spec)
    make_html_report(tmp_path / "r.html", spec)
    seen = []

    def recorded(name, reader):
        def read(source, ex):
            seen.append((name, source.path.name))
            return reader(source, ex)
        return read

    monkeypatch.setattr(document, "READERS", {name: recorded(name, r) for name, r in document.READERS.items()})
    got = {name: extract_document(tmp_path / name) for name in ("r.pdf", "r.docx", "r.html")}
    assert seen == [("pdf", "r.pdf"), ("docx", "r.docx"), ("html", "r.html")]
    for name, ex in got.items():
        assert (ex.status, ex.kind, ex.format) == ("ok", "plan_report", name[2:])
        assert [(a.ref, a.text, a.rag) for a in ex.reports[0].actions] == [
            (a.ref, a.text, a.rag) for a in truth.actions]
    # the file's content decides, not its name: a PDF named .html is read by the PDF entry
    (tmp_path / "misnamed.html").write_bytes((tmp_path / "r.pdf").read_bytes())
    assert extract_document(tmp_path / "misnamed.html").format == "pdf"
    assert seen[-1] == ("pdf", "misnamed.html")


def test_no_scheduler_reads_on_the_local_pool_and_an_address_on_dask():
    assert executors.executor(None) is pool.extract_isolated
    assert executors.executor("") is pool.extract_isolated
    on_dask = executors.executor("tcp://10.0.0.5:8786")
    assert on_dask.func is extract_on_cluster and on_dask.keywords == {"scheduler": "tcp://10.0.0.5:8786"}


def test_a_new_executor_is_one_entry_and_ingest_reads_through_it(tmp_path, monkeypatch):
    """An executor reading in this process, registered for `inline://` schedulers: ingest hands it the
    files and loads what it yields, as it does the local pool's."""
    papers = [tmp_path / "june.pdf", tmp_path / "july.pdf"]
    truths = [make_report(papers[0], csip_spec("2022-06")), make_report(papers[1], csip_spec("2022-07"))]
    asked = []

    def inline(paths, cache_dir, *, scheduler, workers=1, timeout=0.0, memory_mb=0, reprocess=False):
        asked.append((scheduler, [p.name for p, _ in paths]))
        for path, _ in paths:
            ex = extract_document(path)
            reading.write_cache(cache_dir, path, ex)
            yield path, ex, 0.0

    entry = executors.Entry(serves=lambda s: bool(s) and s.startswith("inline://"),
                            make=lambda s: lambda *a, **kw: inline(*a, scheduler=s, **kw))
    monkeypatch.setattr(executors, "EXECUTORS", {"inline": entry, **executors.EXECUTORS})
    db = store.connect(tmp_path / "p.db")
    outcomes = ingest.ingest(papers, db, tmp_path / "extracted", scheduler="inline://here")
    db.conn.close()
    assert asked == [("inline://here", ["june.pdf", "july.pdf"])]
    assert [(o.path.name, o.outcome) for o in outcomes] == [("june.pdf", "new"), ("july.pdf", "new")]
    con = sqlite3.connect(tmp_path / "p.db")
    assert con.execute("SELECT d.filename, r.period, COUNT(a.id) FROM documents d JOIN reports r ON r.document_id = d.id "
                       "JOIN actions a ON a.report_id = r.id GROUP BY d.id ORDER BY d.id").fetchall() == [
        ("june.pdf", "2022-06", len(truths[0].actions)), ("july.pdf", "2022-07", len(truths[1].actions))]
    assert con.execute("SELECT value FROM meta WHERE key = 'extractor_version'").fetchone() == (
        str(document.EXTRACTOR_VERSION),)
    # the cache the executor wrote serves the next run, whichever executor it asks
    assert sorted(p.name for p in (tmp_path / "extracted").glob("*.json")) == sorted(
        reading.cache_path(tmp_path / "extracted", ex.sha256).name for ex in map(extract_document, papers))
