"""Start-up: asking the command for help loads none of the heavy libraries that only reading papers,
reconciling or drawing charts needs (spaCy's pipeline, pandas, matplotlib, the OCR engine, Dask,
Datasette), nor the PDF readers (pdfplumber, pdfminer, pypdfium2), numpy or the store's sqlite-utils. Every `plantrack` call pays its imports, and a nightly no-op run is mostly start-up; the
time itself is measured by `make bench`, not here: this checks which modules a fresh process loaded."""
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


def loaded_by(*args: str) -> tuple[str, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    assert proc.returncode == 0, proc.stderr
    text, _, modules = proc.stdout.rpartition("\nMODULES ")
    return text, set(json.loads(modules))


@pytest.mark.parametrize("args", [("--help",), ("run", "--help"), ("report", "--help"), ("serve", "--help")])
def test_help_loads_no_heavy_library(args):
    text, modules = loaded_by(*args)
    assert "Usage" in text and "plantrack" in text  # the help was printed, not an error
    assert {"plantrack", "typer", "rich"} <= modules  # the probe lists what the process imported
    assert modules & set(HEAVY) == set(), f"`plantrack {' '.join(args)}` imported {sorted(modules & set(HEAVY))}"

