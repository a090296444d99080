"""The nightly run for real: bad and hostile files, a run killed mid-way, two runs at once,
readers during a run, incremental reruns. Every run here is a real `plantrack` process."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import rows
from paperfactory import (csip_spec, make_empty, make_encrypted, make_image_only, make_not_pdf, make_report,
                          make_truncated, sdp_spec)

CLI = [sys.executable, "-m", "plantrack.pipeline.cli"]


def plantrack(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=600, **kw)



@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("one") / "report.pdf"
    make_report(path, sdp_spec("2019-10"))
    return path


def reports_folder(folder: Path, n: int) -> dict[str, int]:
    """n distinct reports; returns file name → number of actions it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    periods = [("sdp", p) for p in ("2019-10", "2019-11", "2019-12")] + [("csip", p) for p in ("2022-06", "2022-07", "2022-08")]
    for i in range(n):
        house, period = periods[i % len(periods)]
        spec = (sdp_spec if house == "sdp" else csip_spec)(period, body_size=7.5 + 0.1 * (i // len(periods)))
        path = folder / f"{house}_{period}_{i:02d}.pdf"
        made[path.name] = len(make_report(path, spec).actions)
    return made


# ---- bad files -----------------------------------------------------------------------------------
def test_bad_files_get_a_failed_row_with_a_clear_error_and_the_run_goes_on(tmp_path, report_pdf):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.pdf").write_bytes(report_pdf.read_bytes())
    make_not_pdf(raw / "error_page.pdf")
    make_empty(raw / "empty.pdf")
    make_truncated(raw / "truncated.pdf", report_pdf)
    make_encrypted(raw / "locked.pdf")
    make_image_only(raw / "scan.pdf")
    db = tmp_path / "out" / "p.db"
    done = plantrack("run", raw, "--db", db)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    got = dict(((f, (s, e)) for f, s, e in rows(db, "SELECT filename, status, error FROM documents")))
    assert got["good.pdf"] == ("ok", None)
    assert got["error_page.pdf"][0] == "failed" and got["error_page.pdf"][1].startswith("not a paper: a web page saying")
    assert got["empty.pdf"] == ("failed", "empty file (0 bytes)")
    assert got["truncated.pdf"] == ("failed", "truncated or corrupt PDF")
    assert got["locked.pdf"] == ("failed", "encrypted: needs a password")
    from plantrack.extract import ocr
    if ocr.installed():  # read by OCR; tests/test_ocr.py checks what scans give, with and without the extra
        assert got["scan.pdf"][0] == "ok"
    else:
        assert got["scan.pdf"] == ("failed", "no text layer: scanned pages need OCR (pip install 'plantrack[ocr]')")
    assert rows(db, "SELECT kind FROM documents WHERE status = 'failed' AND kind IS NOT NULL") == []
    assert rows(db, "SELECT COUNT(*) FROM actions")[0][0] > 0


def nested_pdf(depth: int) -> bytes:
    """A PDF whose page dictionary holds an array nested `depth` deep (parsers recurse into it)."""
    body = b"[" * depth + b"]" * depth
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Deep " + body + b" >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def many_pages_pdf(path: Path, pages: int) -> None:
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), invariant=1)
    for i in range(pages):
        c.drawString(72, 720, f"Appendix page {i + 1}")
        c.showPage()
    c.save()


def test_hostile_files_each_end_as_a_row_without_a_traceback_or_a_hang(tmp_path, report_pdf):
    good = report_pdf.read_bytes()
    rnd = random.Random(20191031)
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(4):
        (raw / f"cut_{i}.pdf").write_bytes(good[: rnd.randrange(100, len(good) - 100)])
    for i in range(4):
        data = bytearray(good)
        for _ in range(40):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        (raw / f"flipped_{i}.pdf").write_bytes(bytes(data))
    start = good.rfind(b"xref")
    (raw / "no_xref.pdf").write_bytes(good[:start] + good[good.find(b"trailer", start):])
    (raw / "garbage_after.pdf").write_bytes(good + bytes(rnd.randrange(256) for _ in range(5000)))
    (raw / "zero.pdf").write_bytes(b"")
    (raw / "nested.pdf").write_bytes(nested_pdf(50_000))
    many_pages_pdf(raw / "appendix_3000_pages.pdf", 3000)
    db = tmp_path / "p.db"
    started = time.monotonic()
    done = plantrack("run", raw, "--db", db, "--timeout", 60)
    assert time.monotonic() - started < 300
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    got = {f: (s, e) for f, s, e in rows(db, "SELECT filename, status, error FROM documents")}
    names = {p.name for p in raw.iterdir()}
    # identical bytes share one row, so compare by content
    assert len(got) == len({(raw / n).read_bytes() for n in names})
    for name, (status, error) in got.items():
        assert status in ("ok", "failed")
        assert (status == "failed") == bool(error), (name, status, error)
        if error:
            assert "\n" not in error and len(error) < 200
    assert got["zero.pdf"] == ("failed", "empty file (0 bytes)")
    assert got["appendix_3000_pages.pdf"][0] == "ok"
    assert rows(db, "SELECT kind FROM documents WHERE filename = 'appendix_3000_pages.pdf'") == [("other",)]


# ---- killed runs, concurrent runs, readers --------------------------------------------------------
def wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    return False


def complete_documents_only(db: Path, expected: dict[str, int]) -> None:
    """Every stored plan report has all its actions: no document is half-written."""
    for name, n in rows(db, "SELECT d.filename, COUNT(a.id) FROM documents d JOIN reports r ON r.document_id = d.id "
                            "LEFT JOIN actions a ON a.report_id = r.id GROUP BY d.id"):
        assert n == expected[name], name


def test_a_run_killed_midway_leaves_a_consistent_database_and_the_next_run_finishes(tmp_path):
    expected = reports_folder(tmp_path / "raw", 10)
    db = tmp_path / "out" / "p.db"
    proc = subprocess.Popen([*CLI, "run", tmp_path / "raw", "--db", db, "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(lambda: db.exists() and rows(db, "SELECT COUNT(*) FROM documents")[0][0] >= 3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    stored = rows(db, "SELECT COUNT(*) FROM documents")[0][0]
    assert 3 <= stored < 10
    complete_documents_only(db, expected)
    done = plantrack("run", tmp_path / "raw", "--db", db)
    assert done.returncode == 0, done.stderr
    assert rows(db, "SELECT COUNT(*) FROM documents")[0][0] == 10
    complete_documents_only(db, expected)
    assert [s for (s,) in rows(db, "SELECT status FROM runs ORDER BY id")] == ["interrupted", "ok"]


def test_two_runs_at_once_never_interleave(tmp_path):
    expected = reports_folder(tmp_path / "raw", 8)
    db = tmp_path / "p.db"
    first = subprocess.Popen([*CLI, "run", tmp_path / "raw", "--db", db, "--workers", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert wait_for(lambda: db.exists() and rows(db, "SELECT COUNT(*) FROM runs")[0][0] >= 1)
    impatient = plantrack("run", tmp_path / "raw", "--db", db, "--wait", 0)
    assert impatient.returncode == 3
    assert "another plantrack run" in impatient.stderr and "Traceback" not in impatient.stderr
    patient = plantrack("run", tmp_path / "raw", "--db", db, "--wait", 300)
    first.wait(timeout=300)
    assert first.returncode == 0 and patient.returncode == 0, patient.stderr
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents") == [(8, 8)]
    complete_documents_only(db, expected)
    # the patient run started after the first finished: it found nothing new
    assert rows(db, "SELECT status, files_new FROM runs ORDER BY id") == [("ok", 8), ("ok", 0)]


def test_readers_see_whole_documents_while_a_run_writes(tmp_path):
    expected = reports_folder(tmp_path / "raw", 8)
    db = tmp_path / "p.db"
    proc = subprocess.Popen([*CLI, "run", tmp_path / "raw", "--db", db, "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen, problems = set(), []

    def read():
        while proc.poll() is None:
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
                con.execute("BEGIN")  # one snapshot for both queries
                docs = con.execute("SELECT COUNT(*) FROM documents WHERE kind = 'plan_report'").fetchone()[0]
                per = con.execute("SELECT d.filename, COUNT(a.id) FROM documents d JOIN reports r ON "
                                  "r.document_id = d.id LEFT JOIN actions a ON a.report_id = r.id "
                                  "GROUP BY d.id").fetchall()
                con.close()
            except sqlite3.OperationalError:
                time.sleep(0.02)  # the database file is not created yet
                continue
            seen.add(docs)
            if len(per) != docs or any(n != expected[f] for f, n in per):
                problems.append((docs, per))
    reader = threading.Thread(target=read)
    reader.start()
    proc.wait(timeout=300)
    reader.join()
    assert proc.returncode == 0
    assert not problems
    assert len(seen) > 2  # the reader really watched the run progress


# ---- incremental runs -------------------------------------------------------------------------------
def test_a_rerun_reads_nothing_again_and_a_renamed_copy_only_updates_the_name(tmp_path, report_pdf):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.pdf").write_bytes(report_pdf.read_bytes())
    db = tmp_path / "p.db"
    assert plantrack("run", raw, "--db", db).returncode == 0
    again = plantrack("run", raw, "--db", db, "--json")
    assert again.returncode == 0
    assert '"outcome": "unchanged"' in again.stdout and '"new"' not in again.stdout
    os.rename(raw / "a.pdf", raw / "renamed.pdf")
    assert plantrack("run", raw, "--db", db).returncode == 0
    assert rows(db, "SELECT filename FROM documents") == [("renamed.pdf",)]
    assert rows(db, "SELECT COUNT(*) FROM reports") == [(1,)]


def test_a_bug_of_ours_is_not_blamed_on_the_file(tmp_path, report_pdf, monkeypatch):
    from plantrack.extract import document

    def broken(*_):
        raise IndexError("list index out of range")
    monkeypatch.setattr(document.ReportReader, "feed", broken)
    ex = document.extract_document(report_pdf)
    assert ex.status == "failed"
    assert ex.error.startswith("plantrack could not read this layout (IndexError at test_nightly:")
