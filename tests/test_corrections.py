"""Clerk corrections and the review queue, on real databases built from the generated papers.

The Service Development Plan's October and November 2019 reports and the Children's Safeguarding
Sub-Committee minutes of 12 December 2019 (which discuss November): in November action 2.2 is green,
2.1 and 3.5 are amber without a reason, and the minutes' fourth reason ("Welcome pack …") matches no
action. Every command runs through the CLI, as a clerk would type it.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SHARED
from typer.testing import CliRunner

import paperfactory as pf
from plantrack.pipeline.review import corrections
from plantrack import store
from plantrack.pipeline.stages import load
from plantrack.pipeline.cli import app
from plantrack.pipeline.stages.ingest import ingest
from plantrack.pipeline.reconcile.rebuild import reconcile

SAMPLE = SHARED / "corpus" / "sample"
runner = CliRunner()


def _build(raw: Path, db_path: Path) -> Path:
    db = store.connect(db_path)
    outcomes = ingest(sorted(raw.glob("*.pdf")), db, db_path.parent / "extracted", workers=2)
    assert all(o.outcome == "new" for o in outcomes), [(o.path.name, o.error) for o in outcomes]
    reconcile(db.conn)
    db.conn.close()
    return db_path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corrections")
    raw = root / "raw"
    raw.mkdir()
    for period in ("2019-10", "2019-11"):
        pf.make_report(raw / f"SDP_progress_update_{period}.pdf", pf.sdp_spec(period))
    pf.make_minutes(raw / "Minutes_12_December_2019.pdf", pf.sdp_minutes_spec())
    return _build(raw, root / "out" / "plantrack.db")


@pytest.fixture()
def db(built, tmp_path) -> Path:
    """A copy to change (the papers stay where the database says they are)."""
    path = tmp_path / "plantrack.db"
    with sqlite3.connect(built) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    return path


def cli(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def rows(path: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchall()


def rag(path: Path, period: str, ref: str) -> list[str | None]:
    return [r[0] for r in rows(path, "SELECT a.rag FROM actions a JOIN reports r ON r.id = a.report_id "
                                     "WHERE r.period = ? AND a.ref = ?", period, ref)]


def findings(path: Path, kind: str, period: str = "2019-11") -> set[str | None]:
    return {r[0] for r in rows(path, "SELECT ref FROM findings WHERE kind = ? AND period = ?", kind, period)}


def dump(path: Path) -> tuple[str, str]:
    """Everything the database holds, and its bytes' hash."""
    with sqlite3.connect(path) as conn:
        text = "\n".join(conn.iterdump())
    return text, hashlib.sha256(path.read_bytes()).hexdigest()


CORRECT_22 = ("correct", "--plan", "SDP 2019-20", "--period", "2019-11", "--ref", "2.2", "--set", "rag=amber",
              "--note", "cell colour misread: amber on the paper", "--by", "J Mayer")


# ----------------------------------------------------------------------------
# the "done when", on the generated papers
# ----------------------------------------------------------------------------

def test_correction_shows_at_once_and_adds_the_finding(db):
    assert rag(db, "2019-11", "2.2") == ["green"]
    assert "2.2" not in findings(db, "amber_without_reason")
    result = cli(*CORRECT_22, "--db", str(db))
    assert "green → amber" in result.stderr
    assert rag(db, "2019-11", "2.2") == ["amber"]
    assert findings(db, "amber_without_reason") == {"2.1", "2.2", "3.5"}
    assert "2.2" in findings(db, "worsened")  # action history rebuilt too: green in October
    assert rows(db, "SELECT rag, previous_rag, change FROM action_history WHERE period = '2019-11' AND ref = '2.2'") \
        == [("amber", "green", "worsened")]
    html = (db.parent / "report.html").read_text()
    assert "green → amber ✎" in html and "cell colour misread" in html


def test_corrections_json_shows_old_value_note_and_who(db):
    cli(*CORRECT_22, "--db", str(db))
    listed = json.loads(cli("corrections", "--db", str(db), "--json").stdout)
    assert len(listed) == 1
    c = listed[0]
    assert (c["plan"], c["period"], c["ref"], c["field"]) == ("Service Development Plan 2019-20", "2019-11", "2.2", "rag")
    assert (c["old_value"], c["new_value"], c["note"], c["by"]) == (
        "green", "amber", "cell colour misread: amber on the paper", "J Mayer")
    assert c["state"] == "applies" and c["applies"] is True and c["authority"] is None and c["when"]


def test_reprocess_and_reconcile_keep_the_correction(db):
    cli(*CORRECT_22, "--db", str(db))
    before = rows(db, "SELECT a.id FROM actions a JOIN reports r ON r.id = a.report_id "
                      "WHERE r.period = '2019-11' AND a.ref = '2.2'")
    papers = [r[0] for r in rows(db, "SELECT path FROM documents ORDER BY id")]
    cli("ingest", *papers, "--reprocess", "--db", str(db), "--workers", "2")
    after = rows(db, "SELECT a.id FROM actions a JOIN reports r ON r.id = a.report_id "
                     "WHERE r.period = '2019-11' AND a.ref = '2.2'")
    assert rows(db, "SELECT count(*) FROM actions")[0][0] == 41  # read again: the rows were replaced
    cli("reconcile", "--db", str(db))
    assert rag(db, "2019-11", "2.2") == ["amber"]
    assert "2.2" in findings(db, "amber_without_reason")
    # the marker follows the row, whatever id the new row got, and still holds what was extracted
    assert rows(db, "SELECT row_id, extracted FROM corrected_values") == [(after[0][0], '{"rag": "green"}')]
    assert before and after
    c = json.loads(cli("corrections", "--db", str(db), "--json").stdout)[0]
    assert (c["old_value"], c["state"]) == ("green", "applies")


def test_undo_restores_green_and_removes_the_finding(db):
    cli(*CORRECT_22, "--db", str(db))
    cli("correct", "--undo", "1", "--db", str(db), "--by", "A Clerk")
    assert rag(db, "2019-11", "2.2") == ["green"]
    assert findings(db, "amber_without_reason") == {"2.1", "3.5"}
    assert "2.2" not in findings(db, "worsened")
    assert rows(db, "SELECT count(*) FROM corrected_values") == [(0,)]
    c = json.loads(cli("corrections", "--db", str(db), "--json").stdout)[0]
    assert c["state"] == "withdrawn" and c["withdrawn_by"] == "A Clerk"
    assert "✎" not in (db.parent / "report.html").read_text()
    # a withdrawn correction stays withdrawn after a re-read
    papers = [r[0] for r in rows(db, "SELECT path FROM documents ORDER BY id")]
    cli("ingest", *papers, "--reprocess", "--db", str(db), "--workers", "2")
    assert rag(db, "2019-11", "2.2") == ["green"]
    result = cli("correct", "--undo", "1", "--db", str(db), code=2)
    assert "already withdrawn" in result.stderr


@pytest.mark.parametrize("args, says", [
    (("--plan", "SDP 2019-20", "--period", "2019-11", "--ref", "99.9", "--set", "rag=amber"),
     "no action 99.9 in the 2019-11 report of Service Development Plan 2019-20; refs: 1.1, 1.2"),
    (("--plan", "Children's Services", "--period", "2019-11", "--ref", "2.2", "--set", "rag=amber"),
     "no plan matches \"Children's Services\"; plans: Service Development Plan 2019-20"),
    (("--plan", "SDP", "--period", "2019-12", "--ref", "2.2", "--set", "rag=amber"),
     "no report of Service Development Plan 2019-20 for 2019-12; its periods: 2019-10, 2019-11"),
    (("--plan", "SDP", "--period", "Nov 2019", "--ref", "2.2", "--set", "rag=amber"), "--period must be YYYY-MM"),
    (("--plan", "SDP", "--period", "2019-11", "--ref", "2.2", "--set", "rag=pink"),
     "rag must be one of red, amber, green, blue, grey (or a built-in status word such as purple or on track), or none"),
    (("--plan", "SDP", "--period", "2019-11", "--ref", "2.2", "--set", "colour=red"),
     "unknown field 'colour'; fields: rag, text, lead, timescale, due_date, progress, ref"),
    (("--plan", "SDP", "--period", "2019-11", "--ref", "2.2", "--set", "due_date=March 2020"),
     "give the date as YYYY-MM-DD"),
    (("--plan", "SDP", "--period", "2019-11", "--ref", "2.2", "--set", "ref=2.3"), "already another action's"),
    (("--plan", "SDP", "--period", "2019-11", "--ref", "2.2", "--set", "rag=amber", "--set", "text=Fine",
      "--set", "new_rag=green"), "that field is for an Amber reason"),
    (("--meeting", "2019-12-13", "--position", "4", "--set", "action_ref=3.5"),
     "no minutes dated 2019-12-13; minutes: 2019-12-12 (CHILDREN’S SAFEGUARDING SUB-COMMITTEE)"),
    (("--meeting", "2019-12-12", "--position", "11", "--set", "action_ref=3.5"),
     "the minutes of 2019-12-12 hold no Amber reason 11; positions: 1–10"),
    (("--meeting", "2019-12-12", "--position", "4", "--set", "action_ref=9.9"),
     "no action 9.9 in the 2019-11 report of Service Development Plan 2019-20 (the one the meeting discussed)"),
    (("--meeting", "2019-12-12", "--position", "4", "--set", "rag=red"), "that field is for an action"),
    (("--plan", "SDP", "--period", "2019-11", "--ref", "2.2"), "nothing to correct"),
    (("--undo", "5",), "no correction 5; corrections in force: none"),
])
def test_bad_input_is_refused_in_one_line_and_nothing_is_written(db, args, says):
    before = dump(db)
    result = cli("correct", *args, "--db", str(db), code=2)
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert dump(db) == before


def test_an_amber_reason_relinked_and_its_new_status(db):
    """The "Welcome pack" reason (4) is, the clerk knows, about action 3.5: the two findings it
    caused go, and the link survives a re-read (linking runs again on every load)."""
    assert "3.5" in findings(db, "amber_without_reason") and findings(db, "reason_without_action")
    cli("correct", "--meeting", "2019-12-12", "--position", "4", "--set", "action_ref=3.5",
        "--note", "the pack is part of the placement work", "--db", str(db))
    linked = rows(db, "SELECT a.ref FROM amber_reasons ar JOIN actions a ON a.id = ar.action_id WHERE ar.position = 4")
    assert linked == [("3.5",)]
    assert findings(db, "amber_without_reason") == {"2.1"} and not findings(db, "reason_without_action")
    cli("correct", "--meeting", "2019-12-12", "--position", "4", "--set", "new_rag=green", "--db", str(db))
    papers = [r[0] for r in rows(db, "SELECT path FROM documents ORDER BY id")]
    cli("ingest", *papers, "--reprocess", "--db", str(db), "--workers", "2")
    cli("reconcile", "--db", str(db))
    assert rows(db, "SELECT a.ref, ar.new_rag FROM amber_reasons ar JOIN actions a ON a.id = ar.action_id "
                    "WHERE ar.position = 4") == [("3.5", "green")]
    listed = {c["field"]: c for c in json.loads(cli("corrections", "--db", str(db), "--json").stdout)}
    assert listed["action_ref"]["old_value"] is None and listed["action_ref"]["new_value"] == "3.5"
    assert listed["action_ref"]["what"] == "minutes of 2019-12-12 (CHILDREN’S SAFEGUARDING SUB-COMMITTEE) reason 4"
    assert listed["new_rag"]["old_value"] is None and listed["new_rag"]["period"] == "2019-11"


def test_a_second_correction_of_the_same_value_replaces_the_first(db):
    cli(*CORRECT_22, "--db", str(db))
    cli("correct", "--plan", "service development", "--period", "2019-11", "--ref", "2.2.", "--set", "rag=red",
        "--db", str(db))
    assert rag(db, "2019-11", "2.2") == ["red"]
    listed = json.loads(cli("corrections", "--db", str(db), "--json").stdout)
    assert [(c["id"], c["state"], c["old_value"]) for c in listed] == [(1, "withdrawn", "green"), (2, "applies", "green")]
    cli("correct", "--undo", "2", "--db", str(db))
    assert rag(db, "2019-11", "2.2") == ["green"]


def test_text_fields_and_a_corrected_ref(db):
    cli("correct", "--plan", "SDP", "--period", "2019-11", "--ref", "4.6", "--set", "ref=4.7",
        "--set", "lead=Head of Revenues", "--set", "due_date=2020-04-30", "--db", str(db))
    got = rows(db, "SELECT a.ref, a.lead, a.due_date FROM actions a JOIN reports r ON r.id = a.report_id "
                   "WHERE r.period = '2019-11' AND a.text LIKE 'Care leavers are exempt%'")
    assert got == [("4.7", "Head of Revenues", "2020-04-30")]
    # still found by the ref printed on the paper after a re-read
    papers = [r[0] for r in rows(db, "SELECT path FROM documents ORDER BY id")]
    cli("ingest", *papers, "--reprocess", "--db", str(db), "--workers", "2")
    assert rows(db, "SELECT a.ref FROM actions a JOIN reports r ON r.id = a.report_id "
                    "WHERE r.period = '2019-11' AND a.text LIKE 'Care leavers are exempt%'") == [("4.7",)]
    assert all(c["state"] == "applies" for c in json.loads(cli("corrections", "--db", str(db), "--json").stdout))


def test_a_correction_whose_action_is_gone_is_reported_not_dropped(db):
    cli(*CORRECT_22, "--db", str(db))
    conn = store.connect(db)
    doc = conn.conn.execute("SELECT r.document_id FROM reports r WHERE r.period = '2019-11'").fetchone()[0]
    with store.transaction(conn) as c:  # what a re-read that no longer finds the report leaves behind
        load.delete_document_rows(c, doc)
    conn.conn.close()
    status = cli("status", "--db", str(db), "--json")
    lapsed = json.loads(status.stdout)["stale_corrections"]
    assert [c["id"] for c in lapsed] == [1] and "no report of Service Development Plan 2019-20 for 2019-11" in lapsed[0]["problem"]
    assert "1 correction no longer applies: #1 Service Development Plan 2019-20 2019-11 action 2.2" in status.stderr
    md = cli("report", "--db", str(db), "--format", "md").stdout
    assert "1 correction no longer applies: \\#1 Service Development Plan 2019-20 2019-11 action 2.2" in md
    assert json.loads(cli("corrections", "--db", str(db), "--json").stdout)[0]["state"] == "no longer applies"


def test_plan_names_as_a_clerk_types_them(built):
    with sqlite3.connect(built) as conn:
        for asked in ("SDP 2019-20", "sdp", "Service Development Plan 2019/20", "service development",
                      "SERVICE DEVELOPMENT PLAN 2019–2020"):
            assert corrections.resolve_plan(conn, asked) == ("service development plan 2019 20",
                                                             "Service Development Plan 2019-20"), asked
        with pytest.raises(corrections.CorrectionError, match="no plan matches"):
            corrections.resolve_plan(conn, "improvement plan")


# ----------------------------------------------------------------------------
# the review queue
# ----------------------------------------------------------------------------

FADED = (1.0, 0.62, 0.2)  # a washed-out amber: still nearest the key's amber (1, 0.75, 0), but far from it


@pytest.fixture(scope="module")
def faded(tmp_path_factory) -> Path:
    """The November report printed with action 2.3's amber cell faded, and the December minutes."""
    root = tmp_path_factory.mktemp("faded")
    raw = root / "raw"
    raw.mkdir()
    spec = pf.sdp_spec("2019-11")
    for priority in spec.priorities:
        priority.actions = [replace(a, fill=FADED) if a.ref == "2.3" else a for a in priority.actions]
    pf.make_report(raw / "SDP_November_2019.pdf", spec)
    pf.make_minutes(raw / "Minutes_12_December_2019.pdf", pf.sdp_minutes_spec())
    return _build(raw, root / "out" / "plantrack.db")


def test_a_faded_status_colour_is_recorded_and_read(faded, built):
    (extra, value), = rows(faded, "SELECT a.extra, a.rag FROM actions a WHERE a.ref = '2.3'")
    seen = json.loads(extra)
    assert value == "amber" and seen["_status_colour"] == "#ff9e33" and seen["_colour_distance"] == "0.24"
    # colours as the key prints them record nothing
    assert rows(faded, "SELECT count(*) FROM actions WHERE extra LIKE '%_colour_distance%'") == [(1,)]
    assert rows(built, "SELECT count(*) FROM actions WHERE extra LIKE '%_colour_distance%'") == [(0,)]


def test_review_lists_the_most_doubtful_first_with_file_page_and_value(faded, tmp_path):
    items = json.loads(cli("review", "--db", str(faded), "--json").stdout)
    kinds = [i["kind"] for i in items]
    assert kinds == ["Amber reason linked to no action", "status colour far from the key"]
    reason, colour = items
    assert (reason["file"], reason["page"], reason["meeting_date"], reason["position"]) == (
        "Minutes_12_December_2019.pdf", 1, "2019-12-12", 4)
    assert reason["value"].startswith("Welcome pack to include the purpose")
    assert colour["file"] == "SDP_November_2019.pdf" and colour["ref"] == "2.3" and colour["page"] >= 2
    assert colour["value"] == "#ff9e33 read as amber" and colour["doubt"] == 0.53
    assert reason["doubt"] >= colour["doubt"]
    # a clerk's correction takes the item off the queue
    path = tmp_path / "plantrack.db"
    with sqlite3.connect(faded) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    cli("correct", "--plan", "SDP", "--period", "2019-11", "--ref", "2.3", "--set", "rag=amber", "--db", str(path))
    assert [i["kind"] for i in json.loads(cli("review", "--db", str(path), "--json").stdout)] == kinds[:1]


def test_review_lists_unknown_status_words_weak_links_and_undated_minutes(db):
    """What other extractors leave: a status word nobody knows, a weak link, minutes without a date."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE actions SET status_text = 'Behind plan', rag = NULL WHERE ref = '1.4' AND report_id = "
                     "(SELECT id FROM reports WHERE period = '2019-11')")
        conn.execute("UPDATE amber_reasons SET match_score = 78.5 WHERE position = 2")
        conn.execute("INSERT INTO meetings (document_id, first_page, last_page, committee, meeting_date) "
                     "VALUES (3, 5, 6, 'Corporate Parenting Board', NULL)")
    items = json.loads(cli("review", "--db", str(db), "--json").stdout)
    got = [(i["doubt"], i["kind"], i["value"]) for i in items]
    assert got[0] == (0.95, "minutes without date", "Corporate Parenting Board, ?")
    assert got[1] == (0.9, "unknown status word", "Behind plan")
    assert got[2][1] == "Amber reason linked to no action"
    assert got[3][:2] == (0.68, "Amber reason linked weakly") and "linked to action 1.4" in items[3]["why"]
    assert [d for d, _, _ in got] == sorted((d for d, _, _ in got), reverse=True)


def test_review_is_also_a_datasette_query(faded, tmp_path):
    pytest.importorskip("datasette")
    import asyncio

    from plantrack.pipeline.outputs import analyst

    path = tmp_path / "plantrack.db"
    with sqlite3.connect(faded) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    analyst.prepare(sqlite3.connect(path, isolation_level=None))

    async def get():
        r = await analyst.datasette(path).client.get("/plantrack/review.json?_shape=array")
        assert r.status_code == 200, r.text[:500]
        return r.json()
    assert asyncio.run(get()) == json.loads(cli("review", "--db", str(path), "--json").stdout)


# ----------------------------------------------------------------------------
# the shared sample, when it is there
# ----------------------------------------------------------------------------

@pytest.mark.skipif(not SAMPLE.is_dir(), reason="the shared sample corpus is not here")
def test_on_the_sample_sdp_2_2(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("SDP_2019-20_progress_update_October_2019.pdf", "SDP_2019-20_progress_update_November_2019.pdf",
                 "Minutes_Childrens_Safeguarding_Sub-Committee_12_December_2019.pdf"):
        shutil.copy(SAMPLE / name, raw / name)
    db = _build(raw, tmp_path / "out" / "plantrack.db")
    assert rag(db, "2019-11", "2.2") == ["green"] and "2.2" not in findings(db, "amber_without_reason")
    cli(*CORRECT_22, "--db", str(db))
    assert rag(db, "2019-11", "2.2") == ["amber"] and "2.2" in findings(db, "amber_without_reason")
    cli("ingest", str(raw), "--reprocess", "--db", str(db), "--workers", "2")
    cli("reconcile", "--db", str(db))
    assert rag(db, "2019-11", "2.2") == ["amber"] and "2.2" in findings(db, "amber_without_reason")
    c = json.loads(cli("corrections", "--db", str(db), "--json").stdout)[0]
    assert (c["old_value"], c["note"], c["by"]) == ("green", "cell colour misread: amber on the paper", "J Mayer")
    cli("correct", "--undo", str(c["id"]), "--db", str(db))
    assert rag(db, "2019-11", "2.2") == ["green"] and "2.2" not in findings(db, "amber_without_reason")
    before = dump(db)
    result = cli("correct", "--plan", "SDP 2019-20", "--period", "2019-11", "--ref", "99.9", "--set", "rag=amber",
                 "--db", str(db), code=2)
    assert len(result.stderr.strip().splitlines()) == 1 and "no action 99.9" in result.stderr
    assert dump(db) == before


# ----------------------------------------------------------------------------
# two councils holding the same plan and the same meeting date: a correction stays in its council
# ----------------------------------------------------------------------------

KENT, OTHER = "Kent County Council", "City of Otherton"


@pytest.fixture(scope="module")
def two_councils(tmp_path_factory) -> Path:
    """The SDP papers printed by two councils (the same plan name, periods, refs and meeting date)."""
    root = tmp_path_factory.mktemp("two_councils")
    db_path = root / "out" / "plantrack.db"
    db = store.connect(db_path)
    for council in (KENT, OTHER):
        raw = root / council.split()[-1].lower()
        raw.mkdir()
        for period in ("2019-10", "2019-11"):
            pf.make_report(raw / f"SDP_progress_update_{period}.pdf", pf.sdp_spec(period, authority=council))
        pf.make_minutes(raw / "Minutes_12_December_2019.pdf", replace(pf.sdp_minutes_spec(), authority=council))
        outcomes = ingest(sorted(raw.glob("*.pdf")), db, root / "extracted", workers=2, authority=council)
        assert all(o.outcome == "new" for o in outcomes), [(o.path.name, o.error) for o in outcomes]
    reconcile(db.conn)
    db.conn.close()
    return db_path


@pytest.fixture()
def two(two_councils, tmp_path) -> Path:
    path = tmp_path / "plantrack.db"
    with sqlite3.connect(two_councils) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    return path


def council_rag(path: Path, council: str, period: str, ref: str) -> list[str | None]:
    return [r[0] for r in rows(path, "SELECT a.rag FROM actions a JOIN reports r ON r.id = a.report_id "
                                     "JOIN documents d ON d.id = r.document_id "
                                     "WHERE d.authority = ? AND r.period = ? AND a.ref = ?", council, period, ref)]


def test_a_plan_of_two_councils_is_refused_without_authority(two):
    before = dump(two)
    result = cli(*CORRECT_22, "--db", str(two), code=2)
    line = " ".join(result.stderr.split())
    assert "several councils" in line and KENT in line and OTHER in line and "--authority" in line
    assert dump(two) == before


def test_a_correction_changes_its_own_council_only(two):
    cli(*CORRECT_22, "--authority", "kent", "--db", str(two))
    assert council_rag(two, KENT, "2019-11", "2.2") == ["amber"]
    assert council_rag(two, OTHER, "2019-11", "2.2") == ["green"]
    assert rows(two, "SELECT row_table, count(*) FROM corrected_values GROUP BY row_table") == [("actions", 1)]
    assert rows(two, "SELECT authority, plan, period, ref, new_value FROM corrections") == \
        [(KENT, "Service Development Plan 2019-20", "2019-11", "2.2", "amber")]
    # the other council's own correction of the same action is a second correction, not a replacement
    cli(*CORRECT_22[:-4], "--authority", "otherton", "--db", str(two))
    assert council_rag(two, OTHER, "2019-11", "2.2") == ["amber"]
    assert rows(two, "SELECT authority FROM corrections WHERE withdrawn_at IS NULL ORDER BY id") == [(KENT,), (OTHER,)]


def test_an_amber_reason_of_two_councils(two):
    before = dump(two)
    result = cli("correct", "--meeting", "2019-12-12", "--position", "4", "--set", "action_ref=2.3",
                 "--db", str(two), code=2)
    assert "several councils" in result.stderr and "--authority" in result.stderr
    assert dump(two) == before
    cli("correct", "--meeting", "2019-12-12", "--position", "4", "--set", "action_ref=2.3",
        "--authority", OTHER, "--db", str(two))
    linked = rows(two, "SELECT d.authority, x.ref, xd.authority FROM amber_reasons ar "
                       "JOIN meetings m ON m.id = ar.meeting_id JOIN documents d ON d.id = m.document_id "
                       "LEFT JOIN actions x ON x.id = ar.action_id LEFT JOIN reports xr ON xr.id = x.report_id "
                       "LEFT JOIN documents xd ON xd.id = xr.document_id WHERE ar.position = 4 ORDER BY d.authority")
    assert linked == [(OTHER, "2.3", OTHER), (KENT, None, None)] or linked == [(KENT, None, None), (OTHER, "2.3", OTHER)]
    assert rows(two, "SELECT row_table, count(*) FROM corrected_values GROUP BY row_table") == [("amber_reasons", 1)]


def test_an_unknown_council_is_refused_with_the_councils(two):
    result = cli(*CORRECT_22, "--authority", "Surrey", "--db", str(two), code=2)
    assert "no council matches 'Surrey'" in result.stderr and KENT in result.stderr


def test_review_and_corrections_show_and_filter_the_council(two):
    cli(*CORRECT_22, "--authority", "kent", "--db", str(two))
    listed = json.loads(cli("corrections", "--json", "--db", str(two)).stdout)
    assert [c["authority"] for c in listed] == [KENT]
    assert json.loads(cli("corrections", "--json", "--authority", "otherton", "--db", str(two)).stdout) == []
    queue = json.loads(cli("review", "--json", "--db", str(two)).stdout)
    assert {i["authority"] for i in queue} == {KENT, OTHER}
    mine = json.loads(cli("review", "--json", "--authority", "otherton", "--db", str(two)).stdout)
    assert mine and {i["authority"] for i in mine} == {OTHER}
    assert len(mine) < len(queue)


def test_a_correction_made_before_its_papers_named_a_council_takes_that_council(db):
    """A correction stored without a council (made before corrections carried one, or while the papers'
    council was unknown) must not fall stale once its papers name their council."""
    cli(*CORRECT_22, "--db", str(db))
    assert rows(db, "SELECT authority, applies FROM corrections") == [(None, 1)]
    with sqlite3.connect(db) as conn:  # the papers are now known to be Kent's (fetched, or --authority)
        conn.execute("UPDATE documents SET authority = ?", (KENT,))
    conn = store.connect(db)
    try:
        assert corrections.apply_all(conn) == {"applied": 1, "stale": 0}
    finally:
        conn.conn.close()
    assert rows(db, "SELECT authority, applies, problem FROM corrections") == [(KENT, 1, None)]
    assert rag(db, "2019-11", "2.2") == ["amber"]


def test_a_correction_without_a_council_whose_plan_two_councils_hold_stays_stale(two):
    cli(*CORRECT_22, "--authority", "kent", "--db", str(two))
    with sqlite3.connect(two) as conn:  # as if made before corrections carried their council
        conn.execute("UPDATE corrections SET authority = NULL")
    conn = store.connect(two)
    try:
        assert corrections.apply_all(conn) == {"applied": 0, "stale": 1}
    finally:
        conn.conn.close()
    assert rows(two, "SELECT authority, applies FROM corrections") == [(None, 0)]


# ----------------------------------------------------------------------------
# minutes whose date (or committee) was not read: corrected by their file
# ----------------------------------------------------------------------------

def undated_minutes(path: Path) -> Path:
    """The SDP sub-committee's minutes as a Word document whose title prints no date."""
    import docx
    from flowfactory import make_docx_minutes

    make_docx_minutes(path, pf.sdp_minutes_spec())
    doc = docx.Document(str(path))
    for p in doc.paragraphs:
        if p.text.startswith("Minutes of the meeting held on"):
            for run in p.runs[1:]:
                run.text = ""
            p.runs[0].text = "Minutes of the meeting"
    doc.save(str(path))
    return path


@pytest.fixture()
def undated(built, tmp_path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for report in sorted((built.parent.parent / "raw").glob("SDP_*.pdf")):
        shutil.copy(report, raw / report.name)
    undated_minutes(raw / "Minutes.docx")
    db = tmp_path / "plantrack.db"
    cli("run", str(raw), "--db", str(db))
    return db


def linked(path: Path) -> list[tuple]:
    return rows(path, "SELECT ar.position, x.ref FROM amber_reasons ar LEFT JOIN actions x ON x.id = ar.action_id "
                      "ORDER BY ar.position")


def test_minutes_without_a_date_are_dated_by_their_file_and_their_reasons_link(undated, built):
    assert rows(undated, "SELECT committee, meeting_date FROM meetings") == [("CHILDREN’S SAFEGUARDING SUB-COMMITTEE", None)]
    assert all(ref is None for _, ref in linked(undated))  # no date: no report discussed, nothing linked
    queue = json.loads(cli("review", "--json", "--db", str(undated)).stdout)
    assert [(i["kind"], i["file"]) for i in queue if i["kind"].startswith("minutes without")] == \
        [("minutes without date", "Minutes.docx")]

    result = cli("correct", "--minutes", "Minutes.docx", "--set", "meeting_date=2019-12-12", "--by", "J Mayer",
                 "--db", str(undated))
    assert "minutes in Minutes.docx meeting_date none → 2019-12-12" in " ".join(result.stderr.split())
    assert rows(undated, "SELECT meeting_date FROM meetings") == [("2019-12-12",)]
    links = linked(undated)
    assert links == linked(built)  # linked as the same minutes printed with their date are

    # read again (a new extractor, --reprocess): the date comes back from the correction, and the links
    cli("ingest", str(undated.parent / "raw"), "--db", str(undated), "--reprocess")
    assert rows(undated, "SELECT meeting_date FROM meetings") == [("2019-12-12",)]
    assert linked(undated) == links
    # an Amber reason's own correction is found by the corrected date
    cli("correct", "--meeting", "2019-12-12", "--position", "1", "--set", "new_rag=green", "--db", str(undated))
    assert rows(undated, "SELECT new_rag FROM amber_reasons WHERE position = 1") == [("green",)]

    (first,) = [c for c in json.loads(cli("corrections", "--json", "--db", str(undated)).stdout)
                if c["field"] == "meeting_date"]
    cli("correct", "--undo", str(first["id"]), "--db", str(undated))
    assert rows(undated, "SELECT meeting_date FROM meetings") == [(None,)]
    assert all(ref is None for _, ref in linked(undated))


@pytest.mark.parametrize("args, says", [
    (("--minutes", "Nothing.docx", "--set", "meeting_date=2019-12-12"), "no file named Nothing.docx; minutes without a date or committee: Minutes.docx"),
    (("--minutes", "Minutes.docx", "--set", "meeting_date=12/12/2019"), "meeting_date=12/12/2019: give the date as YYYY-MM-DD"),
    (("--minutes", "Minutes.docx", "--set", "rag=amber"), "unknown field 'rag'; fields: meeting_date, committee (that field is for an action"),
    (("--minutes", "Minutes.docx", "--page", "3", "--set", "committee=Cabinet"), "no minutes start on page 3 of Minutes.docx"),
    (("--page", "3", "--plan", "SDP", "--set", "rag=amber"), "--page goes with --minutes FILE"),
])
def test_a_bad_minutes_correction_is_refused_in_one_line(undated, args, says):
    before = dump(undated)
    result = cli("correct", *args, "--db", str(undated), code=2)
    assert says in " ".join(result.stderr.split())
    assert dump(undated) == before
