"""Action logs ("Status update on actions from last meeting", "Action log as of …") read as plan reports,
PDF and Word: no key, the status a word in a filled cell, a word in a plain cell or a fill alone; the
fill read by its hue, a word nobody knows taking its cell's colour; the completed actions' second table
part of the same report; the plan named from the title, the period from its date or the meeting's.
And the papers that must not become logs: a department × commitment compliance grid, minutes with a
reasons table, an agenda that lists the action log as an item (../shared/CONTRACT.md, "Action logs and
statuses without a key")."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import rows
from paperfactory import BLACK_RGB, Cell, Sheet, TableStyle, draw_table, font_pair, make_minutes, make_text_page, render
from paperfactory import sdp_minutes_spec
from paperfactory.logs import LogSpec, log_variants, make_action_log, rgb, sample_actions
from flowfactory import make_html_action_log
from wordpapers import make_word_action_log

from plantrack.extract.action_log import log_name, untitled_log_name
from plantrack.extract.colours import hue_status

CLI = [sys.executable, "-m", "plantrack.pipeline.cli"]
VARIANTS = log_variants()
FORMATS = {"pdf": make_action_log, "docx": make_word_action_log, "html": make_html_action_log}


def _file(name: str, fmt: str) -> str:
    return f"log{list(VARIANTS).index(name)}.{fmt}"


@pytest.fixture(scope="module")
def logs_db(tmp_path_factory):
    """Every variant as PDF and as Word, read by one `plantrack run` into a real database."""
    folder = tmp_path_factory.mktemp("logs")
    raw = folder / "raw"
    raw.mkdir()
    truth = {}
    for name, spec in VARIANTS.items():
        for fmt, make in FORMATS.items():
            truth[_file(name, fmt)] = make(raw / _file(name, fmt), spec)
    db = folder / "plantrack.db"
    done = subprocess.run([*CLI, "run", str(raw), "--db", str(db)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return db, truth


def test_the_generated_logs_hold_every_case_the_family_shows():
    """The generator's gold covers what the real logs print: known words, unknown and misspelt words in
    coloured cells, colour-only cells, an unknown word in a plain cell, two ambers, a completed table."""
    acts = [a for spec in VARIANTS.values() for a in spec.open_actions + spec.completed_actions]
    truth = [t for spec in VARIANTS.values() for t in spec.expected().actions]
    assert {a.word for a in acts} >= {"Compelte", "On-going", "In progress", "Underway", "Not yet started"}
    assert {t.rag_source for t in truth} == {"default", "colour", "heading", None}
    assert any(t.rag is None and t.status_text for t in truth)          # an unknown word, no fill
    assert any(t.rag and t.status_text is None for t in truth)           # a colour-only cell
    assert {a.fill for a in acts if a.colour == "amber"} >= {"#FFC000", "#F79646"}
    assert {t.rag for t in truth} == {"red", "amber", "green", "blue", "grey", None}
    assert all(spec.completed_actions for name, spec in VARIANTS.items() if "no completed" not in name)


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", list(VARIANTS))
def test_an_action_log_is_a_plan_report_with_every_status(logs_db, name, fmt):
    db, truth = logs_db
    want = truth[_file(name, fmt)]
    (doc_id, kind, status, error), = rows(db, "select id, kind, status, error from documents where filename = ?",
                                          (_file(name, fmt),))
    assert (kind, status, error) == ("plan_report", "ok", None)
    (report_id, plan, period, as_at), = rows(db, "select id, plan, period, as_at from reports where document_id = ?",
                                             (doc_id,))
    assert (plan, period, as_at) == (want.plan, want.period, want.as_at)
    got = rows(db, "select text, rag, rag_source, status_text from actions where report_id = ? order by id",
               (report_id,))
    assert got == [(a.text, a.rag, a.rag_source, a.status_text) for a in want.actions]
    # the completed table under its own heading is part of the same report
    done = [a.text for a in want.actions if a.section == "completed"]
    assert set(done) <= {t for t, *_ in got}


def test_a_table_row_that_names_a_plan_never_names_the_log(logs_db):
    db, _ = logs_db
    names = {p for p, in rows(db, "select distinct plan from reports")}
    assert not any(p and "business plan" in p.lower() for p in names)
    # the log without a title is named by the body heading it, nothing from its rows
    assert None not in names and "National Care Standards Board action log" in names
    assert {"Status update on actions from last meeting", "Action log", "Board action log"} <= names


def test_a_log_of_colour_only_cells_and_a_pale_tint_is_read_by_hue(tmp_path):
    """No words at all: each fill by its hue, the pale template tints and the orange amber included."""
    shades = {"#9DC3E6": "blue", "#A9D08E": "green", "#F79646": "amber", "#FFC000": "amber", "#FF7C80": "red",
              "#7030A0": "grey", "#FFFF00": "amber"}
    spec = LogSpec(title="Action log as of 9 May 2024", plan="Action log", as_at="2024-05-09",
                   open_actions=sample_actions(len(shades), styles=("fill",)))
    for action, (fill, colour) in zip(spec.open_actions, shades.items()):
        action.fill, action.colour = fill, colour
    path = tmp_path / "log.pdf"
    want = make_action_log(path, spec)
    db = tmp_path / "p.db"
    subprocess.run([*CLI, "run", str(path), "--db", str(db)], check=True, capture_output=True, timeout=600)
    got = rows(db, "select rag, rag_source, status_text from actions order by id")
    assert got == [(colour, "colour", None) for colour in shades.values()] == \
        [(a.rag, a.rag_source, a.status_text) for a in want.actions]


# ---- what must not become an action log ----------------------------------------------------------------
def _compliance_grid(path: Path) -> None:
    """A Cabinet Office-like grid: departments × commitments, cells "Met" / "Not Met" in green / red / grey."""
    regular, bold = font_pair("helvetica")
    sheet = Sheet((842, 595))
    sheet.para("Open data commitments: quarterly report, Q3 2013-14", bold, 14, BLACK_RGB)
    sheet.para("Status of each department's commitments as at 31 December 2013", regular, 10, BLACK_RGB)
    header = ["Department", "Commitment 1", "Commitment 2", "Commitment 3", "Commitment 4", "Commitment 5"]
    fills = {"Met": rgb("#00B050"), "Not Met": rgb("#FF0000"), "No return": rgb("#A6A6A6")}
    body = []
    for k, dept in enumerate(("Cabinet Office", "Department for Education", "Department of Health", "HM Treasury",
                              "Ministry of Justice", "Home Office", "Department for Transport")):
        words = [("Met", "Not Met", "No return")[(k + j) % 3] for j in range(5)]
        body.append([Cell(dept)] + [Cell(w, fill=fills[w]) for w in words])
    style = TableStyle(regular, bold, size=9, leading=11, pad=3, header_fill=(0.85, 0.85, 0.85))
    draw_table(sheet, [160] + [120] * 5, body, style, header=header)
    render(sheet, path, "Open data commitments")


def test_a_compliance_grid_minutes_with_a_reasons_table_and_an_agenda_are_not_logs(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _compliance_grid(raw / "grid.pdf")
    make_minutes(raw / "minutes.pdf", sdp_minutes_spec())
    make_text_page(raw / "agenda.pdf", [
        ("National Care Standards Board", "Helvetica-Bold", 14), "Agenda", "Meeting on 11 April 2024 at 10.00 am",
        "1. Welcome and apologies", "2. Minutes of the last meeting", "3. Status update on actions from last meeting",
        "4. Action log", "5. Chief Executive's report", "Status: Complete", "Status: In progress",
        "6. Any other business"])
    db = tmp_path / "p.db"
    subprocess.run([*CLI, "run", str(raw), "--db", str(db)], check=True, capture_output=True, timeout=600)
    kinds = dict(rows(db, "select filename, kind from documents"))
    assert kinds == {"grid.pdf": "other", "minutes.pdf": "minutes", "agenda.pdf": "other"}
    assert rows(db, "select count(*) from actions") == [(0,)]


# ---- the pieces a reader relies on -------------------------------------------------------------------
@pytest.mark.parametrize("title, name", [
    ("Status update on actions from last meeting 14 March 2024", "Status update on actions from last meeting"),
    ("Action log as of 9 May 2024", "Action log"),
    ("ACTION LOG – Meeting of 5 September 2024", "ACTION LOG"),
    ("Update on actions from the previous meeting (21 November 2024)", "Update on actions from the previous meeting"),
    ("Action Log - Tuesday 12 March 2024", "Action Log"),
    ("Board action log", "Board action log"),
])
def test_consecutive_logs_share_their_name(title, name):
    assert log_name(title) == name


@pytest.mark.parametrize("fill, status", [
    ("#0070C0", "blue"), ("#00B0F0", "blue"), ("#92D050", "green"), ("#C6EFCE", "green"), ("#FFC000", "amber"),
    ("#F79646", "amber"), ("#FFFF00", "amber"), ("#C0504D", "red"), ("#FFC7CE", "red"), ("#7030A0", "grey"),
    ("#A6A6A6", "grey"), ("#FFFFFF", None), ("#DEEAF6", None), ("#FCE4D6", None), ("#000000", None)])
def test_a_fill_is_named_by_its_hue_and_a_pale_band_is_no_status(fill, status):
    assert hue_status(rgb(fill)) == status


# ---- the council's own words ([statuses]) -------------------------------------------------------------
def test_the_councils_words_decide_before_a_fill_read_by_hue(tmp_path):
    """CONTRACT "Status words": key > [statuses] > default words; a fill only for a word nobody knows.
    The log has no key, so "Underway" in an orange cell is the council's green once plantrack.toml says
    so, on the next run over the stored rows and on a fresh database alike; "On-going" stays the fill's."""
    spec = LogSpec(title="Action log as of 9 May 2024", plan="Action log", as_at="2024-05-09",
                   open_actions=sample_actions(6, colours=("amber", "green"), styles=("word+fill",)))
    spec.open_actions[0].word, spec.open_actions[0].fill = "Underway", "#F79646"
    spec.open_actions[2].word, spec.open_actions[2].fill = "Underway", "#FFC000"
    spec.open_actions[1].word = "On-going"
    raw = tmp_path / "raw"
    raw.mkdir()
    want = make_action_log(raw / "log.pdf", spec)
    db = tmp_path / "p.db"
    subprocess.run([*CLI, "run", str(raw), "--db", str(db)], check=True, capture_output=True, timeout=600,
                   cwd=tmp_path)
    before = rows(db, "select rag, rag_source, status_text from actions order by id")
    assert before == [(a.rag, a.rag_source, a.status_text) for a in want.actions]
    assert before[0] == ("amber", "colour", "Underway")

    (tmp_path / "plantrack.toml").write_text('[statuses]\n"Underway" = "green"\n')
    subprocess.run([*CLI, "run", str(raw), "--db", str(db)], check=True, capture_output=True, timeout=600,
                   cwd=tmp_path)
    after = rows(db, "select rag, rag_source, status_text from actions order by id")
    expected = [("green", "statuses", t) if t == "Underway" else (r, s, t) for r, s, t in before]
    assert after == expected and after[1] == ("green", "colour", "On-going")
    fresh = tmp_path / "fresh.db"
    subprocess.run([*CLI, "ingest", str(raw), "--db", str(fresh)], check=True, capture_output=True, timeout=600,
                   cwd=tmp_path)
    assert rows(fresh, "select rag, rag_source, status_text from actions order by id") == expected


@pytest.mark.parametrize("opening, name", [
    (["National Care Standards Board", "Date of meeting: 18 July 2024"], "National Care Standards Board action log"),
    (["Audit and Risk Committee – ", "Meeting held on 3 May 2024"], "Audit and Risk Committee action log"),
    (["Date of meeting: 18 July 2024"], "Action log"),                     # a label and a date: no heading
    (["Members agreed the actions set out below and the board will review them."], "Action log"),  # a sentence
    ([], "Action log"),
])
def test_a_log_without_a_title_is_named_by_its_body_else_action_log(opening, name):
    assert untitled_log_name(opening) == name
