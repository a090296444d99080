"""A status column in the minutes' table of Amber reasons ("RAG", "New status", "Revised RAG") is the
status the meeting gave each action: read as the reason's `new_rag` (issue 24 item 4), in PDF, Word and
web-page minutes; a blank cell leaves the reason's own words ("Updated to GREEN") to decide."""
from __future__ import annotations

import itertools
import subprocess
import sys
from dataclasses import replace

import pytest
from conftest import rows
from flowfactory import make_docx_minutes, make_html_minutes
from paperfactory import make_minutes, sdp_minutes_spec

CLI = [sys.executable, "-m", "plantrack.pipeline.cli"]
HEADERS = ("RAG", "New status", "Revised RAG")
FORMATS = {"pdf": make_minutes, "docx": make_docx_minutes, "html": make_html_minutes}
# What the meeting printed in the status column, and the status it means ("" leaves the reason to say).
CELLS = [("Amber", "amber"), ("Green", "green"), ("", None), ("Red", "red"), ("GREEN", "green"),
         ("Amber", "amber"), ("Complete", "blue"), ("", None), ("Amber", "amber"), ("Green", "green")]


def spec_with_status(header: str):
    spec = sdp_minutes_spec(status_header=header)
    item = next(i for i in spec.items if i.amber_rows)
    printed = itertools.cycle(CELLS)
    new_rows, want = [], []
    for r in item.amber_rows:
        cell, rag = next(printed)
        new_rows.append(replace(r, status_cell=cell or None, new_rag=rag or r.new_rag))
        want.append(rag or r.new_rag)
    item.amber_rows = new_rows
    return spec, want


@pytest.fixture(scope="module")
def minutes_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("status-column")
    raw = folder / "raw"
    raw.mkdir()
    truth = {}
    for header, (fmt, make) in itertools.product(HEADERS, FORMATS.items()):
        spec, want = spec_with_status(header)
        name = f"{header.replace(' ', '_')}.{fmt}"
        expected = make(raw / name, spec)
        truth[name] = (expected, want)
    db = folder / "p.db"
    done = subprocess.run([*CLI, "run", str(raw), "--db", str(db)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return db, truth


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("header", HEADERS)
def test_a_status_column_in_the_reasons_table_is_the_new_rag(minutes_db, header, fmt):
    db, truth = minutes_db
    expected, want = truth[f"{header.replace(' ', '_')}.{fmt}"]
    got = rows(db, "select r.action_text, r.reason, r.new_rag from amber_reasons r join meetings m on m.id = r.meeting_id "
                   "join documents d on d.id = m.document_id where d.filename = ? order by r.position",
               (f"{header.replace(' ', '_')}.{fmt}",))
    assert [g[2] for g in got] == want
    # the status column's words stay out of the reason and the action
    assert [(a, r) for a, r, _ in got] == [(e.action_text, e.reason) for e in expected.amber_rows]
    assert "green" in want and None in want  # "Updated to GREEN" under a blank cell still counts
