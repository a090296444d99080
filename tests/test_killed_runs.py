"""A run killed at any point is finished by the next one.

Each kill is a real SIGKILL of a real `plantrack` process, at a stage boundary: the process kills
itself on entering the function named (a few lines run in the child, before the command), so the
point is exact rather than a race against a timer. The next run must leave every table as a clean
run leaves it: the Amber reasons linked, the findings, history, views and the report.
"""
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from plantrack.pipeline.stages.paths import report_path
from paperfactory import csip_minutes_spec, csip_spec, make_minutes, make_report, sdp_minutes_spec, sdp_spec

pytestmark = pytest.mark.slow

# the child: patch MODULE.NAME to SIGKILL the process on call number N, then run the command
KILLER = """
import os, signal, sys, importlib
module, name, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
target = importlib.import_module(module)
real, calls = getattr(target, name), []
def killing(*args, **kwargs):
    calls.append(1)
    if len(calls) == nth:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
setattr(target, name, killing)
from plantrack.pipeline.cli import app
sys.argv = ["plantrack", *sys.argv[4:]]
app()
"""
CLI = [sys.executable, "-m", "plantrack.pipeline.cli"]

# what differs between two equal runs: when, and the runs' own ledger
VOLATILE_TABLES = {"runs", "run_files", "meta"}
VOLATILE_COLUMNS = {"ingested_at", "checked_at", "made_at", "mtime"}


@pytest.fixture(scope="module")
def papers(tmp_path_factory) -> Path:
    """Ten papers of two councils' plans: three reports and a set of minutes each, two more copies."""
    raw = tmp_path_factory.mktemp("papers")
    for period in ("2019-10", "2019-11", "2019-12"):
        make_report(raw / f"sdp_{period}.pdf", sdp_spec(period))
    for period in ("2022-06", "2022-07", "2022-08"):
        make_report(raw / f"csip_{period}.pdf", csip_spec(period))
    make_minutes(raw / "sdp_minutes.pdf", sdp_minutes_spec())
    make_minutes(raw / "csip_minutes.pdf", csip_minutes_spec())
    make_report(raw / "sdp_2019-11_wider.pdf", sdp_spec("2019-11", body_size=7.6))
    make_report(raw / "csip_2022-07_wider.pdf", csip_spec("2022-07", body_size=7.6))
    assert len(list(raw.iterdir())) == 10
    return raw


def tables(db: Path) -> dict[str, list[tuple]]:
    """Every table and view of the database, rows sorted, without the columns that say when."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [n for (n,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%_fts%' ORDER BY name") if n not in VOLATILE_TABLES]
        got = {}
        for name in names:
            cols = [c[1] for c in con.execute(f"PRAGMA table_info('{name}')") if c[1] not in VOLATILE_COLUMNS]
            got[name] = sorted((tuple(r) for r in con.execute(f"SELECT {', '.join(cols)} FROM \"{name}\"")),
                               key=repr)
        return got
    finally:
        con.close()


def run(papers: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "run", papers, "--db", db, "--workers", "1"], capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def clean(papers, tmp_path_factory) -> dict[str, list[tuple]]:
    db = tmp_path_factory.mktemp("clean") / "p.db"
    done = run(papers, db)
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    linked, reasons = con.execute("SELECT COUNT(action_id), COUNT(*) FROM amber_reasons").fetchone()
    con.close()
    assert reasons >= 15 and linked >= reasons - 4  # the few rows that match no action stay unlinked
    return tables(db)


@pytest.mark.parametrize("module, name, nth", [
    # every paper stored, the Amber reasons not yet linked (the case: the next run found
    # every file unchanged and never linked them)
    ("plantrack.pipeline.reconcile.linking_store", "relink", 1),
    # during load: 8 of the 10 documents stored
    ("plantrack.pipeline.stages.load", "load_extraction", 9),
    # linked, the findings and history being rebuilt
    ("plantrack.pipeline.reconcile.rebuild", "action_history", 1),
    # reconciled, the views and report.html not yet refreshed
    ("plantrack.pipeline.outputs.analyst", "prepare", 1),
], ids=["before-linking", "load-8-of-10", "during-reconcile", "before-views-and-report"])
def test_a_run_killed_at_a_stage_boundary_is_finished_by_the_next(papers, clean, tmp_path, module, name, nth):
    db = tmp_path / "p.db"
    killed = subprocess.run([sys.executable, "-c", KILLER, module, name, str(nth),
                             "run", str(papers), "--db", str(db), "--workers", "1"],
                            capture_output=True, text=True, timeout=900)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    done = run(papers, db)
    assert done.returncode == 0, done.stderr
    got = tables(db)
    assert got.keys() == clean.keys()
    for name_ in clean:
        assert got[name_] == clean[name_], name_
    assert report_path(db).exists()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    statuses = [s for (s,) in con.execute("SELECT status FROM runs ORDER BY id")]
    con.close()
    assert statuses[-1] == "ok"


def test_reconcile_alone_finishes_the_links_of_a_killed_run(papers, clean, tmp_path):
    db = tmp_path / "p.db"
    killed = subprocess.run([sys.executable, "-c", KILLER, "plantrack.pipeline.reconcile.linking_store", "relink", "1",
                             "run", str(papers), "--db", str(db), "--workers", "1"],
                            capture_output=True, text=True, timeout=900)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    done = subprocess.run([*CLI, "reconcile", "--db", db], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    got = tables(db)
    for name_ in ("amber_reasons", "findings", "action_history"):
        assert got[name_] == clean[name_], name_
