"""Each document is read in a worker process: one that hangs, eats memory or crashes is recorded as
failed with a clear reason and the others are still read. The workers are real forked processes;
only what they run is replaced, by a misbehaving reader."""
import faulthandler
import os
import signal
import subprocess
import sys
import time

import pytest
from paperfactory import make_report, sdp_spec

from plantrack.pipeline.stages import ingest as stages
from plantrack.pipeline.stages import pool, reading


@pytest.fixture
def papers(tmp_path):
    paths = []
    for name, period in (("hangs.pdf", "2019-10"), ("fine.pdf", "2019-11")):
        make_report(tmp_path / name, sdp_spec(period))
        paths.append(tmp_path / name)
    return [(p, stages.sha256_of(p)) for p in paths]


def misbehave_on(name, how, real=reading.extract_document):
    def reader(path):
        if path.name == name:
            how()
        return real(path)
    return reader


def outcomes(papers, tmp_path, **kw):
    return {p.name: ex for p, ex, _ in pool.extract_isolated(papers, tmp_path / "cache", **kw)}


def test_a_document_that_hangs_is_stopped_at_the_time_limit(papers, tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "extract_document", misbehave_on("hangs.pdf", lambda: time.sleep(60)))
    started = time.monotonic()
    got = outcomes(papers, tmp_path, workers=2, timeout=2)
    assert time.monotonic() - started < 30
    assert got["hangs.pdf"].status == "failed"
    assert got["hangs.pdf"].error.startswith("took longer than 2 s")
    assert got["fine.pdf"].status == "ok" and got["fine.pdf"].reports


def test_a_document_that_eats_memory_is_stopped_at_the_ceiling(papers, tmp_path, monkeypatch):
    def hog():
        blocks = []
        while True:
            blocks.append(bytearray(50 * 1024 * 1024))
    monkeypatch.setattr(reading, "extract_document", misbehave_on("hangs.pdf", hog))
    got = outcomes(papers, tmp_path, workers=1, memory_mb=600)
    assert got["hangs.pdf"].status == "failed"
    assert got["hangs.pdf"].error.startswith("ran out of memory")
    assert got["fine.pdf"].status == "ok"


def test_a_reader_that_crashes_is_recorded_and_the_rest_go_on(papers, tmp_path, monkeypatch):
    def segfault():
        faulthandler.disable()  # pytest's handler would print the dying worker's stack
        os.kill(os.getpid(), signal.SIGSEGV)
    monkeypatch.setattr(reading, "extract_document", misbehave_on("hangs.pdf", segfault))
    got = outcomes(papers, tmp_path, workers=1)
    assert got["hangs.pdf"].status == "failed"
    assert "crashed" in got["hangs.pdf"].error and "\n" not in got["hangs.pdf"].error
    assert got["fine.pdf"].status == "ok"



def test_ingest_runs_without_pandas(papers, tmp_path):
    """Workers are forked from the CLI, so whatever it has imported counts again in each of them:
    the CLI stays without pandas up to the end of ingest (reconcile imports it when it runs)."""
    code = ("import sys; from pathlib import Path; import plantrack.pipeline.cli; "
            "from plantrack import store; from plantrack.pipeline.stages import ingest; db = store.connect(Path(sys.argv[1])); "
            "done = ingest.ingest([Path(p) for p in sys.argv[2:]], db, Path(sys.argv[1]).parent / 'x'); "
            "print([o.outcome for o in done], sorted(m for m in ('pandas', 'pyarrow', 'matplotlib') if m in sys.modules))")
    paths = [str(p) for p, _ in papers]
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "t.db"), *paths], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['new', 'new'] []"
