"""Issue 15: a real night — hostile names and special files, unreadable files and folders, passing
failures retried, read-only databases, output under cron. Every CLI run here is a real process
(not a terminal), except where a failure has to be injected in-process."""
from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import rows
from paperfactory import make_minutes, make_not_pdf, make_report, sdp_minutes_spec, sdp_spec
from typer.testing import CliRunner

from plantrack.pipeline.stages import ingest as stages
from plantrack.pipeline.stages import pool, reading
from plantrack import store
from plantrack.pipeline.outputs.analyst import QUERIES, metadata, prepare
from plantrack.pipeline.cli import app
from plantrack.pipeline.sources.discovery import discover, printable, safe_text
from plantrack.pipeline.stages.resources import workers_for_memory

CLI = [sys.executable, "-m", "plantrack.pipeline.cli"]


def plantrack(*args, wrap: list[str] | None = None, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("timeout", 600)
    return subprocess.run([*(wrap or []), *CLI, *map(os.fsdecode, args)], capture_output=True, text=True,
                          errors="replace", **kw)



@pytest.fixture(scope="module")
def report_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("one") / "report.pdf"
    make_report(path, sdp_spec("2019-10"))
    return path.read_bytes()


@pytest.fixture(scope="module")
def built(tmp_path_factory, report_bytes) -> Path:
    """A database from two reports and their minutes, made by `plantrack run`."""
    root = tmp_path_factory.mktemp("built")
    raw = root / "raw"
    raw.mkdir()
    (raw / "sdp_oct.pdf").write_bytes(report_bytes)
    make_report(raw / "sdp_nov.pdf", sdp_spec("2019-11"))
    make_minutes(raw / "minutes.pdf", sdp_minutes_spec())
    db = root / "out" / "plantrack.db"
    done = plantrack("run", raw, "--db", db)
    assert done.returncode == 0, done.stderr
    return db


def last_line(text: str) -> str:
    return [line for line in text.splitlines() if line.strip()][-1]


# ---- 1. one bad file never stops the run ---------------------------------------------------------
def test_hostile_names_and_special_files_never_stop_a_run(tmp_path, report_bytes):
    raw = tmp_path / "raw"
    odd = raw / "a[/b]" / "[bold]x"
    odd.mkdir(parents=True)
    (odd / "report.pdf").write_bytes(report_bytes)
    make_not_pdf(odd / "[red]bad.pdf")
    bad_name = os.fsencode(raw) + b"/caf\xe9 \x1b[31mnot utf8.pdf"  # not UTF-8, with a terminal escape
    with open(bad_name, "wb") as f:
        f.write(b"%PDF-1.4 not really")
    os.mkfifo(raw / "pipe.pdf")  # opening it would block for ever
    os.symlink(raw, raw / "loop")  # a folder that contains itself
    os.symlink(raw / "nowhere", raw / "broken.pdf")
    (raw / "README.md").write_text("notes")
    (raw / "gold.json").write_text("{}")
    (raw / ".hidden.pdf").write_bytes(b"x")
    db = tmp_path / "out" / "p.db"

    done = plantrack("run", raw, "--db", db)
    assert done.returncode == 1, done.stderr  # the not-a-PDF file failed; everything else went on
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr
    assert rows(db, "SELECT status FROM runs") == [("failed",)]
    docs = dict(rows(db, "SELECT filename, status FROM documents"))
    assert docs == {"report.pdf": "ok", "caf\\xe9 \x1b[31mnot utf8.pdf": "failed", "[red]bad.pdf": "failed"}
    assert rows(db, "SELECT path FROM documents WHERE status = 'ok'") == [(str(odd / "report.pdf"),)]
    assert rows(db, "SELECT COUNT(*) FROM actions")[0][0] > 0
    skipped = dict(rows(db, "SELECT path, error FROM run_files WHERE outcome = 'skipped'"))
    assert "FIFO" in skipped[str(raw / "pipe.pdf")]
    assert "loop" in skipped[str(raw / "loop")]
    assert "broken link" in skipped[str(raw / "broken.pdf")]
    assert "a[/b]/[bold]x/[red]bad.pdf" in done.stderr  # printed as text, not taken as markup
    assert "not read: 2 note/data file(s)" in done.stderr and "1 hidden" in done.stderr
    assert last_line(done.stderr).endswith("exit status 1: 2 file(s) could not be read "
                                          "(listed above; `plantrack status` lists them too)")

    status = plantrack("status", "--db", db)
    assert status.returncode == 0, status.stderr
    assert "caf\\xe9" in status.stdout and "\x1b" not in status.stdout, status.stdout
    # plain lines on a pipe: the failed file is one line, not a box wrapped at 80 columns
    assert any(line.startswith("caf\\xe9 not utf8.pdf\tcorrupt\t1\t") for line in status.stdout.splitlines()), status.stdout
    assert "[red]bad.pdf\tnot supported" in status.stdout


def test_a_fifo_or_device_given_by_name_is_skipped_not_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    done = plantrack("run", tmp_path / "pipe", "/dev/zero", "--db", tmp_path / "p.db", timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(o for (o,) in rows(tmp_path / "p.db", "SELECT outcome FROM run_files")) == ["skipped", "skipped"]


def _no_dac():
    if os.geteuid() != 0:
        return []
    if not shutil.which("capsh"):
        pytest.skip("needs capsh to drop root's permission override")
    return ["capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", 'exec "$0" "$@"']


def test_unreadable_files_and_folders_are_recorded_and_retried(tmp_path, report_bytes):
    wrap = _no_dac()
    raw = tmp_path / "raw"
    (raw / "locked_folder").mkdir(parents=True)
    (raw / "good.pdf").write_bytes(report_bytes)
    (raw / "locked.pdf").write_bytes(report_bytes + b"\n%different bytes")
    (raw / "locked.pdf").chmod(0)
    (raw / "locked_folder").chmod(0)
    db = tmp_path / "out" / "p.db"
    try:
        done = plantrack("run", raw, "--db", db, wrap=wrap)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        failed = dict(rows(db, "SELECT path, error FROM run_files WHERE outcome = 'failed'"))
        assert "permission denied" in failed[str(raw / "locked.pdf")]
        assert "permission denied" in failed[str(raw / "locked_folder")]
        # the file the run may not read has its documents row, failed with its line (keyed by its path:
        # it has no bytes to hash); the folder is not a document
        assert rows(db, "SELECT filename, status, failure_kind, error LIKE '%permission denied%' FROM documents "
                        "ORDER BY filename") == [("good.pdf", "ok", None, None), ("locked.pdf", "failed", "unreadable", 1)]
        assert rows(db, "SELECT status FROM runs") == [("failed",)]
        status = plantrack("status", "--db", db, wrap=wrap)
        assert status.stdout.count("locked.pdf\tunreadable") == 1
        assert plantrack("run", raw, "--db", db, wrap=wrap).returncode == 1  # still locked: one row, two attempts
        assert rows(db, "SELECT attempts FROM documents WHERE filename = 'locked.pdf'") == [(2,)]
    finally:
        (raw / "locked.pdf").chmod(0o644)
        (raw / "locked_folder").chmod(0o755)
    again = plantrack("run", raw, "--db", db, wrap=wrap)  # readable now: read, and no longer failed
    assert again.returncode == 0, again.stderr
    assert sorted(f for (f,) in rows(db, "SELECT filename FROM documents WHERE status = 'ok'")) == ["good.pdf", "locked.pdf"]
    assert rows(db, "SELECT COUNT(*) FROM documents WHERE status = 'failed'") == [(0,)]
    assert "no file has failed." in plantrack("status", "--db", db).stdout


def test_a_run_that_itself_fails_exits_4_and_is_not_left_running(tmp_path, report_bytes, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.pdf").write_bytes(report_bytes)
    db = tmp_path / "p.db"

    def boom(db):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("plantrack.pipeline.reconcile.linking_store.relink", boom)
    result = CliRunner().invoke(app, ["run", str(raw), "--db", str(db)])
    assert result.exit_code == 4, result.output
    assert rows(db, "SELECT status FROM runs") == [("error",)]
    assert "No space left on device" in rows(db, "SELECT error FROM run_files WHERE outcome = 'error'")[0][0]
    assert "the run itself failed" in last_line(result.output)

    not_a_db = tmp_path / "junk.db"
    not_a_db.write_bytes(b"this is not a database" * 100)
    done = plantrack("run", raw, "--db", not_a_db)
    assert done.returncode == 4 and "Traceback" not in done.stderr
    assert "the run itself failed" in last_line(done.stderr)


# ---- 2. failure kinds, retries ------------------------------------------------------------------
def test_a_timed_out_file_is_read_by_the_next_run_and_attempts_are_counted(tmp_path, report_bytes, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "slow.pdf").write_bytes(report_bytes)
    make_not_pdf(raw / "junk.pdf")
    db = store.connect(tmp_path / "p.db")
    real = reading.extract_document

    def slow(path):
        if path.name == "slow.pdf":
            time.sleep(30)
        return real(path)
    monkeypatch.setattr(reading, "extract_document", slow)
    first = {o.path.name: o for o in stages.ingest(sorted(raw.iterdir()), db, tmp_path / "cache", timeout=1)}
    assert first["slow.pdf"].outcome == "failed" and "took longer" in first["slow.pdf"].error
    assert (first["slow.pdf"].attempts, first["junk.pdf"].attempts) == (1, None)  # shown for passing causes
    got = dict((f, (k, n)) for f, k, n in db.conn.execute("SELECT filename, failure_kind, attempts FROM documents"))
    assert got == {"slow.pdf": ("timeout", 1), "junk.pdf": ("not supported", 1)}

    monkeypatch.setattr(reading, "extract_document", real)
    second = {o.path.name: o for o in stages.ingest(sorted(raw.iterdir()), db, tmp_path / "cache", timeout=60)}
    assert second["slow.pdf"].outcome == "updated"
    assert second["junk.pdf"].outcome == "failed"  # still failing: counted, but not read again
    got = dict((f, (s, k, n)) for f, s, k, n in db.conn.execute(
        "SELECT filename, status, failure_kind, attempts FROM documents"))
    assert got == {"slow.pdf": ("ok", None, 2), "junk.pdf": ("failed", "not supported", 1)}
    assert db.conn.execute("SELECT COUNT(*) FROM actions").fetchone()[0] > 0
    db.conn.close()


def test_a_file_that_still_fails_keeps_the_exit_status_at_1_every_night(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    make_not_pdf(raw / "junk.pdf")
    db = tmp_path / "p.db"
    for night in range(2):
        done = plantrack("run", raw, "--db", db)
        assert done.returncode == 1, (night, done.stderr)
        assert "exit status 1" in last_line(done.stderr)
    assert rows(db, "SELECT status FROM runs ORDER BY id") == [("failed",), ("failed",)]
    assert rows(db, "SELECT attempts FROM documents") == [(1,)]


def test_a_failure_in_the_worker_is_not_always_memory(tmp_path, report_bytes, monkeypatch):
    (tmp_path / "a.pdf").write_bytes(report_bytes)

    def full(path):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(reading, "extract_document", full)
    [(_, ex, _)] = pool.extract_isolated([(tmp_path / "a.pdf", "x" * 64)], tmp_path / "cache")
    assert ex.error.startswith("disk full") and "memory" not in ex.error


# ---- 4. read-only databases and folders; output off a terminal ----------------------------------
def _read_only_mount(folder: Path) -> list[str]:
    """A command prefix that runs the command with `folder` bind-mounted read-only over itself, in a
    private mount namespace (gone with the process, nothing to clean up)."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare for a read-only mount")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f'mount --bind -o ro "{folder}" "{folder}"'],
                           capture_output=True, timeout=30)
    if probe.returncode:
        pytest.skip("cannot make a read-only mount here")
    return ["unshare", "-m", "sh", "-c", f'mount --bind -o ro "{folder}" "{folder}" && exec "$0" "$@"']


def test_a_database_on_a_read_only_mount_can_be_read(built, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    for f in built.parent.iterdir():  # the database as a run left it, WAL and all
        if f.is_file():
            shutil.copy(f, folder / f.name)
    db = folder / "plantrack.db"
    ro = _read_only_mount(folder)
    before = sorted(p.name for p in folder.iterdir())

    status = plantrack("status", "--db", db, wrap=ro)
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[1] == "run\tstarted\tfinished\tstatus\tseen\tnew\tfailed\tfetch failed"
    js = plantrack("status", "--db", db, "--json", wrap=ro)
    assert js.returncode == 0 and '"failed_files": []' in js.stdout

    out = tmp_path / "rw"
    rep = plantrack("report", "--db", db, "-o", out / "r.html", wrap=ro)
    assert rep.returncode == 0, rep.stderr
    assert "<html" in (out / "r.html").read_text()
    exp = plantrack("export", "--db", db, "--format", "csv", "-o", out / "csv", wrap=ro)
    assert exp.returncode == 0, exp.stderr
    assert len((out / "csv" / "actions.csv").read_text().splitlines()) > 1

    minutes = built.parent.parent / "raw" / "minutes.pdf"
    insp = plantrack("inspect", minutes, "--db", db, wrap=ro)
    assert insp.returncode == 0, insp.stderr
    assert "\t2019-11 " in insp.stdout  # reasons linked against the read-only database's reports

    into_ro = plantrack("report", "--db", db, "-o", folder / "r.html", wrap=ro)
    assert into_ro.returncode == 2 and "Traceback" not in into_ro.stderr
    assert len(into_ro.stderr.strip().splitlines()) == 1 and "cannot write" in into_ro.stderr
    exp_ro = plantrack("export", "--db", db, "--format", "csv", "-o", folder / "csv", wrap=ro)
    assert exp_ro.returncode == 2 and len(exp_ro.stderr.strip().splitlines()) == 1, exp_ro.stderr
    assert sorted(p.name for p in folder.iterdir()) == before


def test_corrections_and_review_read_a_read_only_mount_and_correct_refuses_in_one_line(built, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    for f in built.parent.iterdir():  # the database as a run left it, WAL and all
        if f.is_file():
            shutil.copy(f, folder / f.name)
    db = folder / "plantrack.db"
    ro = _read_only_mount(folder)
    before = sorted(p.name for p in folder.iterdir())
    queue = plantrack("review", "--db", db, wrap=ro)
    assert queue.returncode == 0 and "Traceback" not in queue.stderr, queue.stderr
    assert queue.stdout.splitlines()[:2] == ["review queue:", "doubt\tcouncil\twhat\tfile\tpage\tvalue read\twhy"]
    assert len(queue.stdout.splitlines()) > 2  # the reason that matches no action, at least
    listed = plantrack("corrections", "--db", db, "--json", wrap=ro)
    assert listed.returncode == 0 and listed.stdout.strip() == "[]", listed.stderr
    refused = plantrack("correct", "--db", db, "--plan", "SDP 2019-20", "--period", "2019-11", "--ref", "2.2",
                        "--set", "rag=green", wrap=ro)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "read-only" in refused.stderr, refused.stderr
    assert sorted(p.name for p in folder.iterdir()) == before


def test_readonly_open_never_switches_the_journal(tmp_path):
    from plantrack.store.readonly import open_read

    db = tmp_path / "plain.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    ro = open_read(db)
    assert ro.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    with pytest.raises(sqlite3.OperationalError):
        ro.execute("INSERT INTO t VALUES (1)")
    ro.close()


def test_report_on_a_terminal_does_not_dump_html(built, monkeypatch):
    monkeypatch.setattr("plantrack.pipeline.cli._stdout_is_terminal", lambda: True)
    result = CliRunner().invoke(app, ["report", "--db", str(built)])
    assert result.exit_code == 2 and "<html" not in result.output and "-o report.html" in result.output


def test_two_databases_in_one_folder_get_their_own_report(tmp_path, report_bytes):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "r.pdf").write_bytes(report_bytes)
    for name in ("plantrack.db", "council.db"):
        assert plantrack("run", raw, "--db", tmp_path / "out" / name).returncode == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.html")) == ["council-report.html", "report.html"]


def test_long_lines_are_not_wrapped_off_a_terminal(tmp_path):
    name = "a_really_long_file_name_" * 6 + ".pdf"
    make_not_pdf(tmp_path / name)
    done = plantrack("run", tmp_path / name, "--db", tmp_path / "p.db")
    # the file's line is whole: its name and its reason (a saved error page is "not a paper") on one line
    assert any(line.startswith("could not read ") and name in line and "not a paper" in line
               for line in done.stderr.splitlines()), done.stderr
    assert "│" not in done.stderr and "┃" not in done.stderr


# ---- 5. canned queries, report freshness -------------------------------------------------------
def test_canned_queries_with_a_blank_period_return_rows(built):
    con = sqlite3.connect(built)
    prepare(con)
    ref = con.execute("SELECT a.ref FROM amber_reasons ar JOIN actions a ON a.id = ar.action_id "
                      "WHERE a.ref IS NOT NULL LIMIT 1").fetchone()[0]
    blank = {"plan": "", "period": "", "authority": ""}
    history = con.execute(QUERIES["action_status_history"]["sql"], {**blank, "ref": ref}).fetchall()
    justification = con.execute(QUERIES["justification"]["sql"], {**blank, "ref": ""}).fetchall()
    con.close()
    assert len(history) >= 2  # the action in October and in November
    assert justification
    assert all(q["hide_sql"] for q in metadata()["databases"]["plantrack"]["queries"].values())


def test_reconcile_refreshes_the_report_that_run_then_calls_up_to_date(tmp_path, report_bytes):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "r.pdf").write_bytes(report_bytes)
    db = tmp_path / "out" / "plantrack.db"
    assert plantrack("run", raw, "--db", db).returncode == 0
    report = tmp_path / "out" / "report.html"
    report.write_text("stale")
    assert plantrack("reconcile", "--db", db, "--tolerance", "0.5").returncode == 0
    assert "<html" in report.read_text()
    again = plantrack("run", raw, "--db", db)
    assert "up to date" in again.stderr


# ---- 6/7. control characters on screen, small things ---------------------------------------------
def test_inspect_never_prints_terminal_escapes(tmp_path, report_bytes):
    path = tmp_path / "\x1b]0;owned\x07\x1b[2Jreport.pdf"
    path.write_bytes(report_bytes)
    done = plantrack("inspect", path, "--db", tmp_path / "none.db")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout
    assert "report.pdf" in done.stdout.splitlines()[0]
    js = plantrack("inspect", path, "--json", "--db", tmp_path / "none.db")
    assert "\x1b" not in js.stdout and '"actions"' in js.stdout


def test_serve_on_a_busy_port_says_so_with_its_own_status(built):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--db", str(built), "--port", str(port)])
    assert result.exit_code == 5, result.output
    assert "cannot listen on 127.0.0.1" in result.output and "Traceback" not in result.output


def test_help_shows_flags_as_flags_and_status_reads():
    env = {**os.environ, "COLUMNS": "200"}
    run_help = plantrack("run", "--help", env=env).stdout
    [line] = [line for line in run_help.splitlines() if "--reprocess" in line]
    assert "<bool>" not in line
    assert "The SQLite database to read." in plantrack("status", "--help", env=env).stdout


def test_workers_are_sized_by_memory_too():
    assert workers_for_memory(16, 2048, available=8192) == 4
    assert workers_for_memory(16, 2048, available=1000) == 1
    assert workers_for_memory(2, 2048, available=64000) == 2
    assert workers_for_memory(4, 0, available=100) == 4


def test_discovery_takes_every_document_and_counts_notes(tmp_path):
    (tmp_path / "sub" / ".git").mkdir(parents=True)
    for name in ("a.pdf", "b.docx", "c.htm", "NOTES.MD", "x.txt", "d.log", "e.tsv", "f.json", "noext"):
        (tmp_path / "sub" / name).write_bytes(b"x")
    (tmp_path / "sub" / ".git" / "HEAD").write_bytes(b"x")
    found = discover([tmp_path])
    assert [p.name for p in found.files] == ["a.pdf", "b.docx", "c.htm", "noext"]
    assert (found.notes, found.hidden, found.problems) == (5, 1, [])
    assert printable("a\x1b[31mb\x00c\td") == "abc\td"
    assert safe_text(os.fsdecode(b"caf\xe9")) == "caf\\xe9"


def test_serve_works_on_a_database_on_a_read_only_mount(built, tmp_path):
    import urllib.request

    pytest.importorskip("datasette")
    folder = tmp_path / "ro"
    folder.mkdir()
    for f in built.parent.iterdir():
        if f.is_file():
            shutil.copy(f, folder / f.name)
    ro = _read_only_mount(folder)
    with socket.socket() as s:  # a free port for the server
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*ro, *CLI, "serve", "--db", str(folder / "plantrack.db"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline, body = time.monotonic() + 90, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/plantrack/actions.json?_shape=array&_size=1",
                                            timeout=5) as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert body and '"ref"' in body, proc.stderr.read() if proc.poll() is not None else "no answer"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def test_a_rerun_that_loads_nothing_does_not_relink(tmp_path, report_bytes, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "r.pdf").write_bytes(report_bytes)
    make_minutes(raw / "m.pdf", sdp_minutes_spec())
    db = store.connect(tmp_path / "p.db")
    stages.ingest(sorted(raw.iterdir()), db, tmp_path / "cache")
    linked = db.conn.execute("SELECT COUNT(*) FROM amber_reasons WHERE action_id IS NOT NULL").fetchone()[0]
    assert linked > 0
    calls = []
    import plantrack.pipeline.reconcile.linking_store as linking_store
    real = linking_store.relink
    monkeypatch.setattr(linking_store, "relink", lambda d: calls.append(1) or real(d))
    assert {o.outcome for o in stages.ingest(sorted(raw.iterdir()), db, tmp_path / "cache")} == {"unchanged"}
    assert calls == []
    (raw / "r2.pdf").write_bytes(report_bytes + b"\n% another copy")
    stages.ingest(sorted(raw.iterdir()), db, tmp_path / "cache")
    assert calls == [1]
    assert db.conn.execute("SELECT COUNT(*) FROM amber_reasons WHERE action_id IS NOT NULL").fetchone()[0] == linked
    db.conn.close()


def test_a_failed_file_replaced_by_a_good_one_no_longer_shows_as_failed(tmp_path, report_bytes):
    from plantrack.pipeline.stages.runs import last_runs

    raw = tmp_path / "raw"
    raw.mkdir()
    make_not_pdf(raw / "paper.pdf")
    db = store.connect(tmp_path / "p.db")
    stages.ingest([raw / "paper.pdf"], db, tmp_path / "cache")
    assert [f["filename"] for f in last_runs(db)[1]] == ["paper.pdf"]
    (raw / "paper.pdf").write_bytes(report_bytes)  # the clerk saved the real PDF under the same name
    [o] = stages.ingest([raw / "paper.pdf"], db, tmp_path / "cache")
    assert o.outcome == "new"
    assert last_runs(db)[1] == []
    db.conn.close()


def test_a_usage_error_after_ingest_keeps_its_own_status(tmp_path, report_bytes, monkeypatch):
    import typer

    (tmp_path / "r.pdf").write_bytes(report_bytes)

    def usage(db):
        raise typer.Exit(2)
    monkeypatch.setattr("plantrack.pipeline.cli._after_ingest", usage)
    result = CliRunner().invoke(app, ["run", str(tmp_path / "r.pdf"), "--db", str(tmp_path / "p.db")])
    assert result.exit_code == 2 and "the run itself failed" not in result.output


def test_a_folder_holding_the_database_never_reads_plantracks_own_files(tmp_path, report_bytes):
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "r.pdf").write_bytes(report_bytes)
    db = tmp_path / "out" / "council.db"
    for night in range(2):  # the second night sees council.db, its -wal, the report and extracted/
        done = plantrack("run", tmp_path, "--db", db)
        assert done.returncode == 0, (night, done.stderr)
    assert rows(db, "SELECT filename FROM documents") == [("r.pdf",)]
    assert (tmp_path / "out" / "council-report.html").exists()


def test_writing_a_database_on_a_read_only_mount_is_one_line_not_a_traceback(built, tmp_path, report_bytes):
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(built, folder / "plantrack.db")
    (tmp_path / "r.pdf").write_bytes(report_bytes + b"\n% new bytes")
    ro = _read_only_mount(folder)
    for args in (("run", tmp_path / "r.pdf"), ("reconcile",), ("load",)):
        done = plantrack(*args, "--db", folder / "plantrack.db", wrap=ro)
        assert done.returncode == 4, (args, done.stderr)
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)
