"""Status printed in a council's own words, and a direction-of-travel column beside it: read by the
report's key, then [statuses] in plantrack.toml, then the default words; arrows never the status."""
import html
import itertools
import subprocess
import sys

import pytest
from conftest import rows
from paperfactory import make_report, sdp_spec

from plantrack.extract.document import extract_document
from plantrack.models.status import default_status, fold, settle, split_direction

CLI = [sys.executable, "-m", "plantrack.pipeline.cli"]

# What a reader of the contract's vocabulary expects of each printed status (None: not understood).
COUNCIL_WORDS = [("On target", "green"), ("Behind schedule", "red"), ("Will not be met", "red"),
                 ("Completed", "blue"), ("Yellow", "amber"), ("Behind plan", None), ("Amber ↑", "amber"),
                 ("Under control", "amber"), ("Complete - remove", "grey"),
                 ("Red ê", "red")]
# The direction of travel as printed, and as stored in extra (Wingdings letters as their arrows).
DIRECTIONS = [("↑", "↑"), ("é", "↑"), ("ê", "↓"), ("è", "→"), ("↘", "↘"), ("Improving", "Improving")]


def council_spec(period="2019-10", words=COUNCIL_WORDS, **layout):
    """The Kingsgate plan with its status column in words and no key, a direction column beside it."""
    layout = {"direction_column": "Direction of travel", **layout}
    spec = sdp_spec(period, status_style="word_plain", legend=None, **layout)
    printed = itertools.cycle(words)
    directions = itertools.cycle(DIRECTIONS)
    expected = []
    for action in (a for p in spec.priorities for a in p.actions):
        (word, rag), (arrow, stored) = next(printed), next(directions)
        action.status_text, action.direction = word, arrow
        expected.append((rag, stored))
    return spec, expected


@pytest.fixture(scope="module")
def council_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("words") / "Service_Development_Plan_October_2019.pdf"
    spec, expected = council_spec()
    return path, make_report(path, spec), expected


LAYOUTS = {
    "ruled, a direction column beside the status": {},
    "text columns without rules, a direction column beside the status": {"ruled": False},
    "status last, landscape, direction column": {"orientation": "landscape"},
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_council_words_and_a_direction_column_read_whole_rows(tmp_path, layout):
    spec, expected = council_spec(**LAYOUTS[layout])
    path = tmp_path / "report.pdf"
    truth = make_report(path, spec)
    ex = extract_document(path)
    assert ex.status == "ok", ex.error
    (report,) = ex.reports
    assert len(report.actions) == len(truth.actions) == len(expected)
    fields = ("ref", "text", "lead", "timescale", "due_date", "success_measure", "progress", "page")
    for got, want, (rag, direction) in zip(report.actions, truth.actions, expected):
        printed_status, _ = split_direction(want.status_text)
        assert {f: getattr(got, f) for f in fields} == {f: getattr(want, f) for f in fields}
        assert (got.rag, got.status_text) == (rag, printed_status), want.ref
        # the direction column, and an arrow printed inside the status cell, go to extra, never the status
        assert got.extra == {"Direction of travel": direction}, want.ref
    assert {a.status_text for a in report.actions} >= {"Will not be met", "Behind schedule", "Amber"}
    # no key: the default words decide, and a word they do not know is left unrated, never guessed
    assert {a.rag_source for a in report.actions if a.rag} == {"default"}
    assert {a.rag_source for a in report.actions if a.rag is None} == {None}


def test_arrows_inside_the_status_cell_go_to_extra(tmp_path):
    """No direction column: "Amber ↑" and "Red ê" (a Wingdings arrow) print the direction in the status cell."""
    spec, expected = council_spec(direction_column=None)
    path = tmp_path / "report.pdf"
    truth = make_report(path, spec)
    (report,) = extract_document(path).reports
    got = [(a.ref, a.rag, a.status_text, a.extra) for a in report.actions]
    want = []
    for action, (rag, _) in zip(truth.actions, expected):
        word, arrow = split_direction(action.status_text)
        want.append((action.ref, rag, word, {"Direction of travel": arrow} if arrow else {}))
    assert got == want
    assert ("amber", "Amber", {"Direction of travel": "↑"}) in [g[1:] for g in got]
    assert ("red", "Red", {"Direction of travel": "↓"}) in [g[1:] for g in got]


def test_default_vocabulary_folds_case_spacing_punctuation_and_wrapped_words():
    assert default_status("OFF-TRACK.") == "red"
    assert default_status("on  target") == "green"
    assert default_status("Signifi- cant slippage") == "red"  # broken over two lines in a narrow column
    assert default_status("Completed and closed") == "grey"
    assert default_status("Green (was Amber)") == "green"
    assert default_status("Behind plan") is None
    assert default_status("↑") is None
    assert fold("Complete – remove") == "complete remove"
    # the date a status was reached, printed after its word, is not part of the word
    assert default_status("Completed 3/4/24") == "blue"
    assert default_status("Closed on 12 March 2024") == "grey"
    assert default_status("Complete - remove") == "grey"
    assert default_status("Delayed until June 2025") is None  # a date with words between: not guessed


def test_configured_words_come_after_the_key_and_before_the_defaults():
    words = {"Behind plan": "red", "Completed": "grey"}
    assert settle("Behind plan", None, None, words) == ("red", "statuses")
    assert settle("Completed", "blue", "default", words) == ("grey", "statuses")
    assert settle("Completed", "blue", "key", words) == ("blue", "key")       # the report's key wins
    # a word the council configured decides over a fill read by hue (CONTRACT: key > [statuses] > default)
    assert settle("Behind plan", "amber", "colour", words) == ("red", "statuses")
    assert settle("Ongoing", "amber", "colour", words) == ("amber", "colour")  # nobody knows it: the fill
    assert settle("Behind plan", None, None, {}) == (None, None)             # never guessed
    assert settle("●", "green", "colour", words) == ("green", "colour")
    assert settle("Completed", "blue", None, words) == ("blue", None)  # a reader that did not say how: kept


def plantrack(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=600, cwd=cwd)



def test_statuses_in_plantrack_toml_make_an_unknown_word_red(tmp_path, council_pdf):
    path, truth, expected = council_pdf
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / path.name).write_bytes(path.read_bytes())
    db = tmp_path / "out" / "plantrack.db"
    unknown = sum(1 for rag, _ in expected if rag is None)
    assert unknown >= 1

    # no [statuses]: the word is left unrated, and the run and the digest say how to fix it
    proc = plantrack("run", raw, "--db", db, "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    line = f"'Behind plan' ×{unknown} not understood: add it under [statuses] in plantrack.toml"
    assert line in " ".join(proc.stderr.split())
    assert rows(db, "SELECT rag, rag_source FROM actions WHERE status_text = 'Behind plan'") == [(None, None)] * unknown
    assert line in html.unescape((db.parent / "report.html").read_text())  # as the page shows it

    # the clerk adds the word: the next run applies it to the stored rows, without reading the paper again
    (tmp_path / "plantrack.toml").write_text('[statuses]\n"Behind plan" = "red"\n')
    proc = plantrack("run", raw, "--db", db, "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "not understood" not in proc.stderr
    assert rows(db, "SELECT rag, rag_source FROM actions WHERE status_text = 'Behind plan'") == \
        [("red", "statuses")] * unknown
    assert "not understood" not in (db.parent / "report.html").read_text()
    got = rows(db, "SELECT status_text, rag FROM actions ORDER BY id")
    assert [g[1] for g in got] == [rag or "red" for rag, _ in expected]

    # a fresh database built with the setting in place reads it the same way as the papers load
    fresh = tmp_path / "fresh" / "plantrack.db"
    proc = plantrack("ingest", raw, "--db", fresh, "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert rows(fresh, "SELECT status_text, rag, rag_source FROM actions ORDER BY id") == \
        rows(db, "SELECT status_text, rag, rag_source FROM actions ORDER BY id")


def test_the_reports_key_beats_statuses(tmp_path):
    """The "track" key says Off Track means some delay (amber); plantrack.toml says red; the key wins.
    A word the key does not name ("Behind plan") still takes the configured status."""
    spec = sdp_spec("2019-11", status_style="word_plain", legend="track")
    actions = [a for p in spec.priorities for a in p.actions]
    actions[0].status_text = "Behind plan"
    raw = tmp_path / "raw"
    raw.mkdir()
    truth = make_report(raw / "report.pdf", spec)
    (tmp_path / "plantrack.toml").write_text('[statuses]\n"Off Track" = "red"\n"Behind plan" = "green"\n')
    db = tmp_path / "out" / "plantrack.db"
    proc = plantrack("run", raw, "--db", db, "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    got = rows(db, "SELECT status_text, rag, rag_source FROM actions ORDER BY id")
    want = [("Behind plan", "green", "statuses")] + [(a.status_text, a.rag, "key") for a in truth.actions[1:]]
    assert got == want
    assert ("Off Track", "amber", "key") in got


def test_header_vocabularies_widen():
    from plantrack.extract.columns import header_roles, role_of

    assert role_of("How we will measure success") == "success_measure"
    assert role_of("Progress / commentary") == "progress"
    assert role_of("RAG rating") == role_of("RAG") == role_of("Status") == "rag"
    assert role_of("Direction of travel") == role_of("DoT") == "direction"
    assert header_roles(["Ref", "Action", "Lead", "How we will measure success", "Progress / commentary",
                         "RAG", "DoT"]) == {0: "ref", 1: "text", 2: "lead", 3: "success_measure", 4: "progress",
                                            5: "rag", 6: "direction"}
