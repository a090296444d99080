"""Start-up: asking the command for help loads none of the heavy libraries that only reading papers,
reconciling or drawing charts needs (spaCy's pipeline, pandas, matplotlib, the OCR engine, Dask,
Datasette), nor the PDF readers (pdfplumber, pdfminer, pypdfium2), numpy or the store's sqlite-utils;
a rerun with nothing new loads none of them either, nor pydantic, the worker pool or rapidfuzz. Every
`plantrack` call pays its imports, and a nightly no-op run is mostly start-up; the time itself is
measured by `make bench`, not here: this checks which modules a fresh process loaded."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("spacy", "pandas", "matplotlib", "rapidocr", "onnxruntime", "cv2", "dask", "distributed", "datasette",
         "pdfplumber", "pdfminer", "pypdfium2", "numpy", "sqlite_utils")

# The installed entry point (`plantrack = plantrack.pipeline.cli:app`) run in a fresh interpreter, which
# then reports the top-level packages it had imported when the command finished.
PROBE = """
import json, sys
from plantrack.pipeline.cli import app
try:
    app(args=sys.argv[1:], prog_name="plantrack")
except SystemExit:
    pass
sys.stdout.flush()
print("\\nMODULES " + json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def loaded_by(*args: str, cwd=None) -> tuple[str, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    text, _, modules = proc.stdout.rpartition("\nMODULES ")
    return text, set(json.loads(modules))


@pytest.mark.parametrize("args", [("--help",), ("run", "--help"), ("report", "--help"), ("serve", "--help")])
def test_help_loads_no_heavy_library(args):
    text, modules = loaded_by(*args)
    assert "Usage" in text and "plantrack" in text  # the help was printed, not an error
    assert {"plantrack", "typer", "rich"} <= modules  # the probe lists what the process imported
    assert modules & set(HEAVY) == set(), f"`plantrack {' '.join(args)}` imported {sorted(modules & set(HEAVY))}"


# What a no-op rerun needs is the settings, the files' sizes and times and the database through sqlite3:
# not the coercion library typer would use (pydantic), sqlite-utils, the worker pool, fuzzy matching
# or any reader.
NOOP_UNNEEDED = (*HEAVY, "pydantic", "multiprocessing", "concurrent", "rapidfuzz")


def test_a_rerun_with_nothing_new_loads_no_heavy_library(tmp_path):
    from paperfactory import make_report, sdp_spec

    papers = tmp_path / "papers"
    papers.mkdir()
    make_report(papers / "sdp.pdf", sdp_spec("2019-11"))
    (papers / "notes.pdf").write_bytes(b"not a paper\n")  # failed for good: counted as failed every night
    args = ("run", str(papers), "--db", str(tmp_path / "out" / "plantrack.db"), "--json", "--wait", "5")
    first, _ = loaded_by(*args, cwd=tmp_path)
    text, modules = loaded_by(*args, cwd=tmp_path)
    outcome = {o["path"].rsplit("/", 1)[-1]: o["outcome"] for o in json.loads(first)}
    assert outcome == {"sdp.pdf": "new", "notes.pdf": "failed"}
    outcome = {o["path"].rsplit("/", 1)[-1]: o["outcome"] for o in json.loads(text)}
    assert outcome == {"sdp.pdf": "unchanged", "notes.pdf": "failed"}
    assert modules & set(NOOP_UNNEEDED) == set(), f"a no-op run imported {sorted(modules & set(NOOP_UNNEEDED))}"
