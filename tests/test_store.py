"""The stages and the store on real generated papers: links made when the report arrives late,
the stages run alone, --reprocess, the same bytes under another name."""
import sqlite3

from paperfactory import make_minutes, make_report, sdp_minutes_spec, sdp_spec

from plantrack.pipeline.stages import ingest as stages
from plantrack.pipeline.stages import pool
from plantrack import store


def ingest(paths, db_path, **kw):
    db = store.connect(db_path)
    try:
        return stages.ingest(paths, db, db_path.parent / "extracted", **kw)
    finally:
        db.conn.close()


def query(db_path, sql, params=()):
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_minutes_read_before_their_report_are_linked_when_it_arrives(tmp_path):
    minutes = make_minutes(tmp_path / "minutes.pdf", sdp_minutes_spec())
    make_report(tmp_path / "report.pdf", sdp_spec("2019-11"))
    db = tmp_path / "out" / "p.db"
    ingest([tmp_path / "minutes.pdf"], db)
    assert query(db, "SELECT COUNT(*), COUNT(action_id) FROM amber_reasons") == [(len(minutes.amber_rows), 0)]
    ingest([tmp_path / "minutes.pdf", tmp_path / "report.pdf"], db)
    linked = dict(query(db, "SELECT ar.position, a.ref FROM amber_reasons ar LEFT JOIN actions a ON a.id = ar.action_id"))
    assert linked == {row.position: row.ref for row in minutes.amber_rows}
    scores = [s for (s,) in query(db, "SELECT match_score FROM amber_reasons WHERE action_id IS NOT NULL")]
    assert scores and all(75 <= s <= 100 for s in scores)


def test_extract_then_load_gives_what_ingest_gives(tmp_path):
    make_report(tmp_path / "r.pdf", sdp_spec("2019-10"))
    cache = tmp_path / "records"
    pairs = [(tmp_path / "r.pdf", stages.sha256_of(tmp_path / "r.pdf"))]
    [(_, ex, _)] = list(pool.extract_isolated(pairs, cache))
    assert ex.status == "ok" and list(cache.glob("*.json"))
    db = store.connect(tmp_path / "staged.db")
    stages.load_cached(db, cache)
    db.conn.close()
    ingest([tmp_path / "r.pdf"], tmp_path / "direct" / "direct.db")
    sql = "SELECT ref, text, rag, due_date, page FROM actions ORDER BY id"
    assert query(tmp_path / "staged.db", sql) == query(tmp_path / "direct" / "direct.db", sql)
    assert len(query(tmp_path / "staged.db", sql)) == len(ex.reports[0].actions)


def test_reprocess_rereads_and_reports_a_vanished_file_without_failing(tmp_path):
    make_report(tmp_path / "a.pdf", sdp_spec("2019-10"))
    make_report(tmp_path / "b.pdf", sdp_spec("2019-11"))
    db = tmp_path / "p.db"
    ingest([tmp_path / "a.pdf", tmp_path / "b.pdf"], db)
    before = query(db, "SELECT COUNT(*) FROM actions")
    with sqlite3.connect(db) as con:  # as if an older extractor had read them
        con.execute("UPDATE documents SET extractor_version = '0'")
    (tmp_path / "b.pdf").unlink()
    outcomes = ingest([tmp_path / "a.pdf"], db, reprocess=True)
    assert sorted(o.outcome for o in outcomes) == ["missing", "updated"]
    assert query(db, "SELECT COUNT(*) FROM actions") == before  # b's rows are kept as they were
    assert query(db, "SELECT filename, extractor_version != '0' FROM documents ORDER BY filename") == [
        ("a.pdf", 1), ("b.pdf", 0)]


def test_the_same_bytes_under_another_name_only_update_the_name(tmp_path):
    make_report(tmp_path / "a.pdf", sdp_spec("2019-10"))
    db = tmp_path / "p.db"
    ingest([tmp_path / "a.pdf"], db)
    (tmp_path / "copy.pdf").write_bytes((tmp_path / "a.pdf").read_bytes())
    outcomes = ingest([tmp_path / "copy.pdf"], db)
    assert [o.outcome for o in outcomes] == ["unchanged"]
    assert query(db, "SELECT filename FROM documents") == [("copy.pdf",)]
    assert query(db, "SELECT COUNT(*) FROM reports") == [(1,)]


def test_a_nightly_run_finds_each_file_by_its_path_without_reading_every_stored_row(tmp_path):
    """A run asks after each file by the path it was last seen at (unchanged? still failing?). With
    thousands of documents stored, each ask must go straight to the file's row: reading the whole table
    for every file makes a no-op night grow as the square of the archive."""
    from plantrack.extract import EXTRACTOR_VERSION

    db = store.connect(tmp_path / "plantrack.db")
    papers = tmp_path / "papers"
    papers.mkdir()
    make_report(papers / "sdp.pdf", sdp_spec())
    make_minutes(papers / "minutes.pdf", sdp_minutes_spec())
    files = sorted(papers.glob("*.pdf"))
    stored = [(f"{i:064x}", f"paper_{i}.pdf", str(tmp_path / "archive" / f"paper_{i}.pdf"), 1000 + i, 1.7e9 + i,
               EXTRACTOR_VERSION, "ok") for i in range(3000)]
    stored += [(f"{9000 + i:064x}", f.name, str(f), f.stat().st_size, f.stat().st_mtime, EXTRACTOR_VERSION, "ok")
               for i, f in enumerate(files)]
    with store.transaction(db) as conn:
        conn.executemany("INSERT INTO documents (sha256, filename, path, size, mtime, extractor_version, status) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", stored)

    def steps_to_ask() -> int:
        """SQLite's virtual-machine steps spent asking after the files, as the run asks."""
        steps = [0]

        def count() -> int:
            steps[0] += 1
            return 0
        db.conn.set_progress_handler(count, 1)
        try:
            assert all(stages.unchanged(db, f) for f in files)
            assert not any(stages.still_failing(db, f) for f in files)
        finally:
            db.conn.set_progress_handler(None, 1)
        return steps[0]

    direct = steps_to_ask()
    db.conn.execute("DROP INDEX documents_path")  # as the table was before: every ask reads every row
    scanning = steps_to_ask()
    db.conn.close()
    assert direct * 50 < scanning, (direct, scanning)
    assert direct < 1000, direct


def test_a_run_asks_after_every_path_at_once_and_gets_the_per_file_answers(tmp_path):
    """`stored_at` reads what the run's per-file asks (unchanged? still failing?) would, for all the run's
    paths in one go, straight from the path index; its answers are theirs for each kind of stored row:
    a paper as stored, one changed since (mtime, size), one failed for good, one whose failure passes,
    one read by an older extractor, two rows at one path, and a file never stored."""
    from plantrack.extract import EXTRACTOR_VERSION

    db = store.connect(tmp_path / "plantrack.db")
    papers = tmp_path / "papers"
    papers.mkdir()
    make_report(papers / "sdp.pdf", sdp_spec())
    names = ["as_stored", "touched", "grown", "failed", "timed_out", "older", "twice", "new"]
    for name in names[1:]:
        (papers / f"{name}.pdf").write_bytes((papers / "sdp.pdf").read_bytes() + name.encode())
    (papers / "sdp.pdf").rename(papers / "as_stored.pdf")
    files = [papers / f"{n}.pdf" for n in names]
    st = {f.stem: f.stat() for f in files}
    rows = [(f"{9000 + i:064x}", f"paper_{i}.pdf", str(tmp_path / "archive" / f"paper_{i}.pdf"), 1000 + i, 1.7e9 + i,
             EXTRACTOR_VERSION, "ok", None, None) for i in range(3000)]
    for i, (name, size, mtime, version, status, kind, error) in enumerate((
            ("as_stored", None, None, EXTRACTOR_VERSION, "ok", None, None),
            ("touched", None, st["touched"].st_mtime - 60, EXTRACTOR_VERSION, "ok", None, None),
            ("grown", st["grown"].st_size - 1, None, EXTRACTOR_VERSION, "ok", None, None),
            ("failed", None, None, EXTRACTOR_VERSION, "failed", "damaged", "the PDF is damaged"),
            ("timed_out", None, None, EXTRACTOR_VERSION, "failed", "timeout", "took longer than 120 s"),
            ("older", None, None, "0", "ok", None, None),
            ("twice", None, st["twice"].st_mtime - 60, EXTRACTOR_VERSION, "failed", "damaged", "the PDF is damaged"),
            ("twice", None, None, EXTRACTOR_VERSION, "ok", None, None))):
        rows.append((f"{i:064x}", f"{name}.pdf", str(papers / f"{name}.pdf"), size or st[name].st_size,
                     mtime or st[name].st_mtime, version, status, kind, error))
    with store.transaction(db) as conn:
        conn.executemany("INSERT INTO documents (sha256, filename, path, size, mtime, extractor_version, status, "
                         "failure_kind, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0
    db.conn.set_progress_handler(count, 1)
    stored = stages.stored_at(db, files)
    db.conn.set_progress_handler(None, 1)
    per_file = {f.stem: (stages.unchanged(db, f), stages.still_failing(db, f)) for f in files}
    at_once = {f.stem: (stages.unchanged(db, f, stored), stages.still_failing(db, f, stored)) for f in files}
    db.conn.close()
    assert {k: (u, f and (f.outcome, f.document_id, f.error)) for k, (u, f) in at_once.items()} == \
           {k: (u, f and (f.outcome, f.document_id, f.error)) for k, (u, f) in per_file.items()}
    assert {k for k, (u, _) in at_once.items() if u} == {"as_stored", "failed", "twice"}
    assert {k for k, (_, f) in at_once.items() if f} == {"failed", "timed_out", "twice"}
    assert steps[0] < 1000, steps  # through the path index, not the 3,000 other rows
