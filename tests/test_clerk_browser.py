"""A clerk's day in a real browser: Playwright driving Debian's chromium against `plantrack serve`
started here on 127.0.0.1 (a free port), on a database of generated papers.

Given only the sign-in link the server prints, the clerk adds the November report, sees it read,
corrects a misread status from the review queue, sees the digest and the analysts' view change,
undoes it and signs out. Nothing is downloaded: the browser is /usr/bin/chromium (`make test` installs
the package as root); without it these tests are skipped, saying so.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import paperfactory as pf
from plantrack.pipeline.cli import app
from test_clerk_pages import COUNCIL, faded_november

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (in the test extra)")
CHROMIUM = next((p for p in (os.environ.get("PLANTRACK_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium")
                 if p and Path(p).is_file()), None)
if CHROMIUM is None:
    pytest.skip("no chromium to drive: apt-get install -y chromium (make test does it when run as root)",
                allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(tmp_path):
    """`plantrack serve` on a database holding the October report and the December minutes; yields
    (base URL, the sign-in link it printed, database path, the November report to upload)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    pf.make_report(raw / "SDP_progress_update_2019-10.pdf", pf.sdp_spec("2019-10"))
    pf.make_minutes(raw / "Minutes_12_December_2019.pdf", pf.sdp_minutes_spec())
    db = tmp_path / "out" / "plantrack.db"
    result = CliRunner().invoke(app, ["run", str(raw), "--db", str(db), "--authority", COUNCIL])
    assert result.exit_code == 0, result.output
    november = faded_november(tmp_path / "SDP November 2019.pdf")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "plantrack.pipeline.cli", "serve", "--db", str(db),
                             "--port", str(port), "--papers", str(tmp_path / "papers")],
                            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        link = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            text = (tmp_path / "serve.log").read_text()
            found = re.search(r"(http://127\.0\.0\.1:\d+/\S*token=\S+)", text)
            if found and "Uvicorn running" in text:
                link = found.group(1)
                break
            time.sleep(0.2)
        assert link, (tmp_path / "serve.log").read_text()
        yield f"http://127.0.0.1:{port}", link, db, november
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture()
def page():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


def rag(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r for r, in conn.execute("SELECT a.rag FROM actions a JOIN reports r ON r.id = a.report_id "
                                         "WHERE r.period = '2019-11' AND a.ref = '2.3'")]


def test_a_clerks_day_in_the_browser(server, page):
    base, link, db, november = server
    expect = playwright_api.expect

    # reading is open; writing is not
    page.goto(f"{base}/-/clerk/queue")
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    expect(page.get_by_role("button", name="Correct")).to_have_count(0)

    # sign in with the link
    page.goto(link)
    expect(page.locator(".clerk-nav")).to_contain_text("signed in as")

    # add the November report for the council and see it read
    page.get_by_role("link", name="Add papers").first.click()
    page.locator("select#authority").select_option(COUNCIL)
    page.locator("input#files").set_input_files(str(november))
    page.get_by_role("button", name="Add and read").click()
    expect(page.locator("body")).to_contain_text("now being read")
    row = page.locator("tr", has_text="SDP November 2019.pdf")
    expect(row.locator("td.state-read")).to_have_text("read", timeout=180_000)
    expect(row).to_contain_text("Service Development Plan 2019-20 2019-11")
    assert (db.parent.parent / "papers" / COUNCIL / "SDP November 2019.pdf").is_file()
    assert rag(db) == ["amber"]

    # the faded 2.3 is on the review queue: correct its status in place
    page.get_by_role("link", name="Review queue").first.click()
    item = page.locator("section.clerk-item", has_text="2019-11 action 2.3")
    expect(item).to_contain_text("status colour far from the key")
    expect(item).to_contain_text("#ff9e33 read as amber")
    expect(item.get_by_role("link", name="see the page")).to_be_visible()
    item.locator("select[name=rag]").select_option("red")
    item.locator("input[name=note]").fill("faded cell: red on the paper")
    item.get_by_role("button", name="Correct").click()
    expect(page.locator("body")).to_contain_text("amber → red")
    expect(page.locator("section.clerk-item", has_text="2019-11 action 2.3")).to_have_count(0)
    assert rag(db) == ["red"]

    # the digest and the analysts' view show it at once
    page.goto(f"{base}/-/clerk/report")
    expect(page.locator("body")).to_contain_text("red ✎")
    expect(page.locator("body")).to_contain_text("faded cell: red on the paper")
    page.goto(f"{base}/plantrack/latest_actions.json?ref=2.3&period=2019-11&_shape=array")
    assert [a["rag"] for a in json.loads(page.locator("body").inner_text())] == ["red"]

    # the corrections name the council; undo brings back what was read
    page.goto(f"{base}/-/clerk/corrections")
    correction = page.locator("tr", has_text="faded cell")
    expect(correction).to_contain_text(COUNCIL)
    correction.get_by_role("button", name="Undo").click()
    expect(page.locator("tr", has_text="faded cell")).to_contain_text("withdrawn")
    assert rag(db) == ["amber"]

    # signed out: the forms are gone
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".clerk-nav")).not_to_contain_text("signed in as")
    page.goto(f"{base}/-/clerk/queue")
    expect(page.get_by_role("button", name="Correct")).to_have_count(0)


def test_a_used_sign_in_link_does_not_sign_in_again(server, page):
    base, link, db, _ = server
    page.goto(link)
    expect = playwright_api.expect
    expect(page.locator(".clerk-nav")).to_contain_text("signed in as")
    other = page.context.browser.new_page()
    other.goto(link)
    expect(other.locator("body")).to_contain_text("used already")
    expect(other.locator(".clerk-nav")).not_to_contain_text("signed in as")
