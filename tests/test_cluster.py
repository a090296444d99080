"""Reading on a Dask cluster (`--scheduler`): a real LocalCluster (two single-threaded worker
processes, loopback only, its HTTP server on a free port) against the local pool on the same generated papers."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

import dask_hooks  # noqa: E402
from paperfactory import csip_minutes_spec, csip_spec, make_minutes, make_report  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from plantrack import store  # noqa: E402
from plantrack.pipeline.stages import cluster, executors  # noqa: E402
from plantrack.pipeline.stages import ingest as stages  # noqa: E402
from plantrack.pipeline.cli import app  # noqa: E402

PERIODS = ("2022-06", "2022-07", "2022-08")
TIMEOUT_S = 240  # no test here may wait longer than this for the cluster


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    d = tmp_path_factory.mktemp("papers")
    for p in PERIODS:
        make_report(d / f"csip_{p}.pdf", csip_spec(p))
    make_minutes(d / "minutes.pdf", csip_minutes_spec())
    (d / "notes.pdf").write_text("meeting notes, typed into the wrong file\n")  # a failed row, cached too
    return d


@pytest.fixture(scope="module")
def dask_cluster():
    # allowed_failures=1: a document is failed after it killed two workers (Dask's default is 3).
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  host="127.0.0.1", scheduler_kwargs={"allowed_failures": 1}) as lc, \
            distributed.Client(lc.scheduler_address, timeout=60, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=120)
        yield lc, client


def bounded(fn, *args, **kw):
    """fn(*args, **kw) in a thread, failing the test if it has not returned within TIMEOUT_S."""
    box = {}

    def call():
        try:
            box["value"] = fn(*args, **kw)
        except BaseException as e:  # noqa: BLE001 - raised again in the test's thread
            box["error"] = e
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(TIMEOUT_S)
    assert not thread.is_alive(), f"still running after {TIMEOUT_S} s"
    if "error" in box:
        raise box["error"]
    return box["value"]


# The contract's tables with every id and foreign key replaced by what it points at, and the times of
# the run left out: two runs agree on these when they stored the same things, whatever the order.
def content(db_path: Path) -> dict[str, list]:
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    rows = {t: [dict(r) for r in con.execute(f"SELECT * FROM {t} ORDER BY id" if t != "action_history" else
                                             f"SELECT * FROM {t}")]
            for t in ("documents", "reports", "priorities", "actions", "meetings", "agenda_items",
                      "amber_reasons", "action_history", "findings")}
    con.close()
    doc = {r["id"]: r["sha256"] for r in rows["documents"]}
    report = {r["id"]: (doc[r["document_id"]], r["first_page"]) for r in rows["reports"]}
    meeting = {r["id"]: (doc[r["document_id"]], r["first_page"]) for r in rows["meetings"]}
    action, seen = {}, {}
    for r in rows["actions"]:  # a report's actions are stored in reading order
        key = report[r["report_id"]]
        seen[key] = seen.get(key, 0) + 1
        action[r["id"]] = (key, seen[key])
    refs = {"document_id": doc, "report_id": report, "meeting_id": meeting, "action_id": action,
            "previous_action_id": action}
    out = {}
    for table, table_rows in rows.items():
        own = {"reports": report, "meetings": meeting}.get(table)
        canon = []
        for r in table_rows:
            r.pop("id", None)
            r.pop("ingested_at", None)
            for col, ids in refs.items():
                if r.get(col) is not None:
                    r[col] = ids[r[col]]
            if own is not None and r.get("superseded_by") is not None:
                r["superseded_by"] = own[r["superseded_by"]]
            canon.append(repr(sorted(r.items())))
        out[table] = sorted(canon)
    return out


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def plantrack(*args) -> subprocess.CompletedProcess:
    """The command as the nightly job runs it: its own process, nothing shared with the test's."""
    return subprocess.run([sys.executable, "-m", "plantrack.pipeline.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=TIMEOUT_S, env={**os.environ, "COLUMNS": "200"})


def test_a_run_on_the_cluster_stores_what_a_local_run_stores(papers, dask_cluster, tmp_path):
    lc, client = dask_cluster
    local = cli("run", papers, "--db", tmp_path / "local" / "p.db", "--workers", 1)
    assert local.exit_code == 1, local.output  # notes.pdf is plain text, not a paper, in both runs
    with distributed.get_task_stream(client=client) as stream:
        remote = plantrack("run", papers, "--db", tmp_path / "dask" / "p.db", "--scheduler", lc.scheduler_address)
    assert remote.returncode == 1, remote.stderr
    assert f"reading on the Dask cluster at {lc.scheduler_address} (2 worker(s) now)" in remote.stderr
    assert "could not read" in remote.stderr and "not a supported format" in remote.stderr
    assert "reconciled:" in remote.stderr

    want, got = content(tmp_path / "local" / "p.db"), content(tmp_path / "dask" / "p.db")
    assert len(want["actions"]) > 30 and want["amber_reasons"] and want["action_history"] and want["findings"]
    for table in want:
        assert got[table] == want[table], table
    # the run is recorded as locally: each file's outcome and error in run_files, the counts in runs
    recorded = [sorted(sqlite3.connect(tmp_path / where / "p.db").execute(
        "SELECT path, outcome, error FROM run_files").fetchall()) for where in ("local", "dask")]
    assert recorded[1] == recorded[0] and len(recorded[0]) == 5
    assert sqlite3.connect(tmp_path / "dask" / "p.db").execute(
        "SELECT status, files_seen, files_new, files_failed FROM runs").fetchall() == [("failed", 5, 4, 1)]

    # the scheduler ran one extraction task per document, on the cluster's workers
    ran = [t for t in stream.data if t["key"].startswith(cluster.KEY_PREFIX)]
    assert len(ran) == 5
    assert {t["worker"] for t in ran} <= set(client.nthreads())
    # the writer cached every record, so a rerun after losing the database sends the cluster nothing
    assert len(list((tmp_path / "dask" / "extracted").glob("*.json"))) == 5
    for f in (tmp_path / "dask").glob("p.db*"):
        f.unlink()
    with distributed.get_task_stream(client=client) as again:
        rerun = plantrack("run", papers, "--db", tmp_path / "dask" / "p.db", "--scheduler", lc.scheduler_address)
    assert rerun.returncode == 1, rerun.stderr
    assert not [t for t in again.data if t["key"].startswith(cluster.KEY_PREFIX)]
    assert content(tmp_path / "dask" / "p.db") == want


def test_extract_alone_on_the_cluster_writes_the_records_a_local_extract_writes(papers, dask_cluster, tmp_path):
    lc, _ = dask_cluster
    files = [papers / "minutes.pdf", papers / "notes.pdf"]
    local = cli("extract", *files, "--out", tmp_path / "local", "--workers", 1)
    remote = bounded(cli, "extract", *files, "--out", tmp_path / "dask", "--scheduler", lc.scheduler_address)
    assert local.exit_code == remote.exit_code == 1  # notes.pdf is plain text, not a paper
    records = {where: {f.name: f.read_text() for f in (tmp_path / where).glob("*.json")} for where in ("local", "dask")}
    assert len(records["local"]) == 2 and records["dask"] == records["local"]


def test_a_document_that_kills_its_workers_is_failed_and_the_run_finishes(papers, dask_cluster, tmp_path, monkeypatch):
    lc, _ = dask_cluster
    (tmp_path / "kills-worker.pdf").write_bytes((papers / "csip_2022-06.pdf").read_bytes() + b"%killer\n")
    files = [tmp_path / "kills-worker.pdf", papers / "csip_2022-07.pdf"]
    monkeypatch.setattr(executors, "executor",  # looked up by ingest when it has files to read
                        lambda scheduler: partial(cluster.extract_on_cluster, scheduler=scheduler, task=dask_hooks.task))

    def ingest():  # the connection is made in the thread that uses it
        db = store.connect(tmp_path / "p.db")
        try:
            return stages.ingest(files, db, tmp_path / "cache", scheduler=lc.scheduler_address)
        finally:
            db.conn.close()
    outcomes = bounded(ingest)
    got = {o.path.name: o for o in outcomes}
    assert got["kills-worker.pdf"].outcome == "failed"
    assert got["kills-worker.pdf"].error == ("the Dask workers reading it died 2 times: the file may be damaged "
                                             "or far too large")
    assert got["csip_2022-07.pdf"].outcome == "new" and got["csip_2022-07.pdf"].extraction.reports
    rows = dict(sqlite3.connect(tmp_path / "p.db").execute("SELECT filename, status FROM documents"))
    assert rows == {"kills-worker.pdf": "failed", "csip_2022-07.pdf": "ok"}
    assert not list((tmp_path / "cache").glob(f"{got['kills-worker.pdf'].extraction.sha256}*"))  # tried again next run


def test_a_document_whose_worker_is_lost_is_read_again_elsewhere(papers, dask_cluster, tmp_path):
    lc, _ = dask_cluster
    path = tmp_path / "dies-once.pdf"  # unique bytes: the hook's marker is this test's alone
    path.write_bytes((papers / "csip_2022-06.pdf").read_bytes() + f"%{tmp_path}\n".encode())
    got = bounded(lambda: list(cluster.extract_on_cluster([(path, stages.sha256_of(path))], tmp_path / "cache",
                                                          scheduler=lc.scheduler_address, task=dask_hooks.task)))
    (_, ex, _), = got
    assert ex.status == "ok" and ex.reports and ex.filename == "dies-once.pdf"
    marker = Path(tempfile.gettempdir()) / f"plantrack-test-died-{stages.sha256_of(path)[:16]}"
    assert marker.exists()  # the first worker did die with it
    marker.unlink()


def test_time_limit_and_memory_ceiling_hold_on_the_workers(papers, dask_cluster, tmp_path):
    lc, client = dask_cluster
    pairs = []
    for name in ("hangs.pdf", "hog.pdf"):
        (tmp_path / name).write_bytes((papers / "csip_2022-08.pdf").read_bytes() + name.encode())
        pairs.append((tmp_path / name, stages.sha256_of(tmp_path / name)))
    pairs.append((papers / "csip_2022-08.pdf", stages.sha256_of(papers / "csip_2022-08.pdf")))
    started = time.monotonic()
    got = bounded(lambda: {p.name: ex for p, ex, _ in cluster.extract_on_cluster(
        pairs, tmp_path / "cache", scheduler=lc.scheduler_address, timeout=5, memory_mb=600, task=dask_hooks.task)})
    assert time.monotonic() - started < 120
    assert got["hangs.pdf"].status == "failed" and got["hangs.pdf"].error.startswith("took longer than 5 s")
    assert got["hog.pdf"].status == "failed" and got["hog.pdf"].error.startswith("ran out of memory")
    assert got["csip_2022-08.pdf"].status == "ok" and got["csip_2022-08.pdf"].reports
    assert len(client.nthreads()) == 2  # the workers lived through both


def test_with_no_worker_the_run_ends_with_each_document_failed(papers, tmp_path):
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=":0", host="127.0.0.1") as lc:
        pairs = [(papers / "minutes.pdf", stages.sha256_of(papers / "minutes.pdf"))]
        got = bounded(lambda: list(cluster.extract_on_cluster(pairs, tmp_path / "cache", scheduler=lc.scheduler_address,
                                                               timeout=3)))
    assert [(p.name, ex.status, ex.error) for p, ex, _ in got] == [
        ("minutes.pdf", "failed", f"no Dask worker was connected to {lc.scheduler_address} for 3 s: "
                                  "start workers and run again")]


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 2)
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    make_report(tmp_path / "r.pdf", csip_spec("2022-06"))
    monkeypatch.chdir(tmp_path)  # the address comes from plantrack.toml here
    (tmp_path / "plantrack.toml").write_text(f'[dask]\nscheduler = "tcp://127.0.0.1:{port}"\n')
    result = bounded(cli, "ingest", tmp_path / "r.pdf", "--db", tmp_path / "p.db")
    assert result.exit_code == 2
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "p.db").exists() or not sqlite3.connect(tmp_path / "p.db").execute(
        "SELECT count(*) FROM documents").fetchone()[0]
    # a scheduler gone after the command checked it: each document is failed with the line, none lost
    got = bounded(lambda: list(cluster.extract_on_cluster([(tmp_path / "r.pdf", stages.sha256_of(tmp_path / "r.pdf"))],
                                                          tmp_path / "cache", scheduler=f"tcp://127.0.0.1:{port}")))
    assert [(p.name, ex.status) for p, ex, _ in got] == [("r.pdf", "failed")]
    assert got[0][1].error.startswith(f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")


def test_a_bad_address_and_a_missing_dask_are_one_line(tmp_path, monkeypatch):
    result = cli("extract", tmp_path, "--out", tmp_path / "x", "--scheduler", "my laptop")
    assert result.exit_code == 2
    assert "dask.scheduler wants a Dask scheduler's address such as tcp://HOST:8786" in result.output
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)  # as if plantrack[dask] were not installed
    result = cli("extract", tmp_path, "--out", tmp_path / "x", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2
    assert "--scheduler needs Dask on this machine and the workers: pip install 'plantrack[dask]'" in result.output
