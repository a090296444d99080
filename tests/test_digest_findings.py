"""report.html for a clerk: each finding names its action in words, with its page and file and what to
do first; a renumbered action is shown as one ("13 → 14"); an Amber reason is numbered under the
minutes' own agenda item; the findings come before the charts.  Built from a real database of the
generated CSIP series (a new action in July renumbers the later ones; two actions go in August) and the
minutes that discussed June's report (their Amber reasons sit under agenda item 21)."""
from __future__ import annotations

import re
import shlex
import sqlite3
from pathlib import Path
from urllib.parse import unquote

import pytest
from paperfactory import csip_minutes_spec, csip_spec, make_minutes, make_report
from test_reports import parse, plan_section
from typer.testing import CliRunner

from plantrack.pipeline.cli import app

from plantrack.pipeline.outputs.digest import build_report
from plantrack.pipeline.outputs.digest.views import shorten
from plantrack.pipeline.reconcile.rebuild import reconcile
from plantrack.pipeline.stages import ingest as stages
from plantrack import store

CSIP = "Children’s Services Improvement Plan 2022-23"
PERIODS = ("2022-06", "2022-07", "2022-08")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("digest")
    for period in PERIODS:
        make_report(d / f"csip_{period}.pdf", csip_spec(period))
    make_minutes(d / "minutes_2022-07-19.pdf", csip_minutes_spec())
    db = store.connect(d / "plantrack.db")
    stages.ingest(stages.find_pdfs([d]), db, d / "cache")
    reconcile(db.conn)
    db.conn.close()
    return d / "plantrack.db"


@pytest.fixture()
def conn(db):
    c = sqlite3.connect(db)
    yield c
    c.close()


def _findings(conn) -> list[dict]:
    cur = conn.execute("SELECT f.kind, f.period, f.ref, f.detail FROM findings f")
    return [dict(zip(("kind", "period", "ref", "detail"), r)) for r in cur]


def _action(conn, period: str, ref: str) -> tuple[str, int, str, str]:
    """(wording, page, file name, path) of the action `ref` in the report of `period`."""
    return conn.execute(
        "SELECT a.text, a.page, d.filename, d.path FROM actions a JOIN reports r ON r.id = a.report_id "
        "JOIN documents d ON d.id = r.document_id WHERE r.period = ? AND a.ref = ?", (period, ref)).fetchone()


def test_each_action_finding_names_its_action_in_words_with_page_and_linked_file(conn):
    section = plan_section(parse(build_report(conn)), CSIP).one("section", "findings")
    about_actions = [f for f in _findings(conn) if f["ref"] and f["kind"] != "dropped_incomplete"]
    assert about_actions
    for f in about_actions:
        text, page, filename, path = _action(conn, f["period"], f["ref"])
        li = section.one("li", "finding", data_kind=f["kind"], data_period=f["period"], data_ref=f["ref"])
        assert li.one("q", "wording").text() == shorten(text)
        where = li.one("p", "where")
        link = where.all("a", "paper")[0]
        assert link.text() == filename and link.attrs["href"] == Path(path).resolve().as_uri()
        assert f"(the report, page {page})" in where.text()
        assert li.one("p", "first").one("strong").text() == "First:"


def test_a_renumbered_action_is_shown_as_one(conn):
    moved = conn.execute("SELECT period, previous_ref, ref FROM action_history WHERE change != 'dropped' "
                         "AND ref != previous_ref").fetchall()
    root = plan_section(parse(build_report(conn)), CSIP)
    shown = 0
    for f in _findings(conn):
        hit = next((m for m in moved if (m[0], m[2]) == (f["period"], f["ref"])), None)
        if hit is None or f["kind"] == "dropped_incomplete":
            continue
        li = root.one("li", "finding", data_kind=f["kind"], data_period=f["period"], data_ref=f["ref"])
        assert li.one("span", "ref").text() == f"Action {hit[1]} → {hit[2]}"
        shown += 1
    assert shown, "the series renumbers actions with findings on them"


def test_a_dropped_action_whose_ref_lives_on_says_so(conn):
    dropped = [f for f in _findings(conn) if f["kind"] == "dropped_incomplete"]
    assert dropped
    root = plan_section(parse(build_report(conn)), CSIP)
    for f in dropped:
        li = root.one("li", "finding", data_kind="dropped_incomplete", data_ref=f["ref"])
        was = conn.execute("SELECT a.text FROM action_history h JOIN actions a ON a.id = h.previous_action_id "
                           "WHERE h.period = ? AND h.change = 'dropped' AND h.previous_ref = ?",
                           (f["period"], f["ref"])).fetchone()[0]
        assert li.one("q", "wording").text() == shorten(was)
        assert "(the previous report, page" in li.one("p", "where").text()
        other = _action(conn, f["period"], f["ref"])
        notes = li.all("p", "note")
        assert bool(notes) == (other is not None)
        if other is not None:
            assert "is another action" in notes[0].text()


def test_amber_reasons_are_numbered_under_the_minutes_agenda_item(conn):
    orphan = next(f for f in _findings(conn) if f["kind"] == "reason_without_action" and f["period"] == "2022-06")
    position = conn.execute("SELECT position FROM amber_reasons WHERE action_id IS NULL AND action_text LIKE "
                            "'Reduce waiting times%'").fetchone()[0]
    assert f"(item 21, Amber reason {position})" in orphan["detail"]
    li = plan_section(parse(build_report(conn)), CSIP).one("li", "finding", data_kind="reason_without_action")
    assert f"(the minutes, item 21, Amber reason {position}, page" in li.one("p", "where").text()
    assert li.one("q", "wording").text().startswith("Reduce waiting times")


def test_findings_come_before_the_charts(conn):
    markup = build_report(conn)
    start = markup.index(f'data-plan="{CSIP}"')
    assert start < markup.index('class="findings"', start) < markup.index('class="transitions"', start) \
        < markup.index('class="chart status-counts"', start)


def test_markdown_carries_the_same_facts(conn):
    md = build_report(conn, fmt="md")
    lines = md.splitlines()
    assert lines.index("### Findings (%d): what to look at first" % len(_findings(conn))) < \
        lines.index("### Actions by status")
    for f in _findings(conn):
        if f["ref"] and f["kind"] != "dropped_incomplete":
            text = _action(conn, f["period"], f["ref"])[0]
            assert any(line.startswith("  - **Action ") and shorten(text).split()[0] in line for line in lines)
    assert sum(line.startswith("  - First: ") for line in lines) == len(_findings(conn))


def test_links_lead_to_the_papers_from_where_the_page_is_written(db, tmp_path):
    from plantrack.pipeline.outputs.digest import write_default_report

    page = write_default_report(db)
    root = parse(page.read_text(encoding="utf-8"))
    links = [a.attrs["href"] for a in root.all("a", "paper")]
    assert links and all(not h.startswith(("/", "file:")) for h in links)  # relative: page and papers move together
    assert all((page.parent / h).is_file() for h in links)
    elsewhere = tmp_path / "shared drive"
    conn = sqlite3.connect(db)
    hrefs = {a.attrs["href"] for a in parse(build_report(conn, links_from=elsewhere)).all("a", "paper")}
    conn.close()
    assert hrefs and all((elsewhere / unquote(h)).resolve().is_file() for h in hrefs)


def test_the_correction_a_finding_offers_runs(db, tmp_path):
    """The `plantrack correct` line shown for an Amber reason given for a green action is a command
    that works as it stands (on a copy of the database)."""
    copy = tmp_path / "copy.db"
    src = sqlite3.connect(db)
    src.backup(dst := sqlite3.connect(copy))
    src.close(), dst.close()
    conn = sqlite3.connect(copy)
    li = plan_section(parse(build_report(conn)), CSIP).all("li", "finding", data_kind="reason_for_non_amber")[0]
    conn.close()
    line = li.one("p", "command").text()
    assert line.startswith("plantrack correct --plan ") and line.endswith("--set rag=amber")
    result = CliRunner().invoke(app, [*shlex.split(line)[1:], "--db", str(copy)])
    assert result.exit_code == 0, result.output
    ref = li.attrs["data-ref"]
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT a.rag FROM actions a JOIN reports r ON r.id = a.report_id WHERE r.period = ? "
                        "AND a.ref = ?", (li.attrs["data-period"], ref)).fetchone() == ("amber",)
    conn.close()
    orphan = plan_section(parse(build_report(sqlite3.connect(db))), CSIP).one("li", "finding",
                                                                             data_kind="reason_without_action")
    assert re.fullmatch(r"plantrack correct --meeting 2022-07-19 --position \d+ --set action_ref=REF",
                        orphan.one("p", "command").text())
