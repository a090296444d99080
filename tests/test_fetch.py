"""`plantrack fetch` against a ModernGov site served from loopback (tests/modgov_site.py): the web
service and, when it is refused, the pages; a 500 that recovers; a cancelled meeting and restricted
papers never asked for; a second fetch that downloads nothing. No test here reaches the network."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from lxml import html as lhtml
from modgov_site import AMBER, FakeModernGov
from typer.testing import CliRunner

from plantrack.pipeline.outputs import dictionary
from plantrack.pipeline.cli import app
from plantrack.pipeline.sources.fetch import Job, fetch_all, safe_name
from plantrack.pipeline.sources.http import FetchError, PoliteClient
from plantrack.pipeline.sources.moderngov import heading, link, site_root
from plantrack.settings import SettingsError, load

FEB = "2026-02-10"
DATES = ("--since", "2026-01-01", "--until", "2026-03-31")


@pytest.fixture
def site():
    s = FakeModernGov()
    yield s
    s.close()


def fetch(site: FakeModernGov, tmp_path: Path, committees=("audit committee",), **client):
    """One fetch of the Audit Committee's first quarter of 2026 into tmp_path/raw, recorded in tmp_path/p.db."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
    lines: list[str] = []
    try:
        with PoliteClient(contact="clerk@ashby-vale.gov.uk", delay=0, backoff=0, **client) as c:
            [summary] = fetch_all([Job(site.url, tuple(committees), date(2026, 1, 1), date(2026, 3, 31))],
                                  tmp_path / "raw", conn, client=c, say=lines.append)
    finally:
        conn.close()
    return summary, lines


def sources(tmp_path: Path) -> dict[str, dict]:
    con = sqlite3.connect(tmp_path / "p.db")
    con.row_factory = sqlite3.Row
    try:
        return {r["url"]: dict(r) for r in con.execute("SELECT * FROM sources")}
    finally:
        con.close()


def tree(tmp_path: Path) -> set[str]:
    root = tmp_path / "raw"
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


MINUTES_PAGE = f"Minutes Audit Committee {FEB}.html"


def meeting_dir(site: FakeModernGov) -> str:
    """The host without its port (127.0.0.1), the committee, the date: no spaces from a port."""
    return f"127.0.0.1/Audit Committee/{FEB}"


def test_the_web_service_brings_exactly_the_public_papers_and_the_minutes_as_one_page(site, tmp_path):
    site.fail_once.add("/mgwebservice.asmx/getmeetings")   # a 500 the first time: retried, then fine
    summary, lines = fetch(site, tmp_path)

    folder = meeting_dir(site)
    assert tree(tmp_path) == {f"{folder}/{name}" for name in (
        "Agenda frontsheet.pdf", "Printed minutes.pdf", "Minutes 25 Nov 2025.pdf",
        "Improvement Plan progress update January 2026.pdf", MINUTES_PAGE)}
    assert (summary.meetings, summary.cancelled, summary.count("new"), summary.count("failed")) == (1, 1, 5, 0)
    assert summary.route == "web service" and summary.authority == "Ashby Vale Council"

    # the cancelled meeting, the 2020 meeting the host sent anyway and every restricted paper: never asked
    assert site.asked("lMeetingId=4966") == [] and site.asked("lMeetingId=3001") == []
    for restricted in ("ID=60998", "ID=60999"):
        assert site.asked(restricted) == []
    assert summary.restricted == 2
    assert [r.status for r in site.asked("GetMeetings")] == [500, 200]
    assert all(r.headers["User-Agent"].startswith("plantrack/") and "clerk@ashby-vale.gov.uk" in r.headers["User-Agent"]
               for r in site.log)

    rows = sources(tmp_path)
    paper = rows[f"{site.url}/mgConvert2PDF.aspx?ID=60909"]
    assert paper["title"] == "Improvement Plan progress update: January 2026"
    assert (paper["authority"], paper["committee"], paper["meeting_date"]) == ("Ashby Vale Council", "Audit Committee", FEB)
    assert Path(paper["path"]).read_bytes().startswith(b"%PDF") and len(paper["sha256"]) == 64
    assert rows[f"{site.url}/mgConvert2PDF.aspx?ID=70001"]["etag"]

    page = (tmp_path / "raw" / folder / MINUTES_PAGE).read_text(encoding="utf-8")
    doc = lhtml.document_fromstring(page)
    assert doc.xpath("string(//h1[@class='mgMainTitleTxt'])") == "Audit Committee - Tuesday, 10th February, 2026 10.00 am"
    items = doc.xpath("//table[@class='mgItemTable']/tr")
    assert [" ".join(r.xpath("string(.//p[@class='mgAiTitleTxt'])").split()) for r in items] == [
        "1. Minutes", "2. Improvement Plan: progress & risks"]          # the exempt item 3 is left out
    assert all(r.xpath("string(.//p[@class='mgSubItemTitleTxt'])") == "Minutes:" for r in items)
    assert AMBER in items[1].xpath("string(.//div[@class='mgWordPara'])")
    assert "<script" not in page and "onclick" not in page and "Secret" not in page
    assert "Audit Committee 2026-01-13: cancelled, skipped" in lines
    assert any(line.startswith(f"Audit Committee {FEB}: 5 paper(s): 5 new") for line in lines)


def test_a_second_fetch_downloads_nothing_already_held(site, tmp_path):
    fetch(site, tmp_path)
    killed = tmp_path / "raw" / meeting_dir(site) / ".plantrack-x1y2.part"   # what a killed download leaves
    killed.write_bytes(b"%PDF-1.4 half a paper")
    before = {p: (tmp_path / "raw" / p).stat().st_mtime_ns for p in tree(tmp_path) if not p.endswith(".part")}
    site.clear()

    summary, _ = fetch(site, tmp_path)

    assert (summary.count("new"), summary.count("unchanged"), summary.count("failed")) == (0, 5, 0)
    papers = [r for r in site.log if "mgConvert2PDF" in r.path]
    # the papers with validators are asked only whether they changed (304, no body); the one without
    # validators is not asked at all, since its bytes are held
    assert papers and all(r.status == 304 and r.headers.get("If-None-Match") for r in papers)
    assert site.asked("ID=60909") == []
    assert site.asked("mgListCommittees") == []            # the council's name is remembered
    assert not killed.exists()
    assert {p: (tmp_path / "raw" / p).stat().st_mtime_ns for p in tree(tmp_path)} == before


def test_a_changed_paper_replaces_the_held_one_under_the_same_name(site, tmp_path):
    fetch(site, tmp_path)
    site.documents["70001"] = b"%PDF-1.4\n% the agenda, corrected\n%%EOF\n"

    summary, _ = fetch(site, tmp_path)

    assert [o.title for o in summary.papers if o.outcome == "new"] == ["Agenda frontsheet"]
    agenda = tmp_path / "raw" / meeting_dir(site) / "Agenda frontsheet.pdf"
    assert agenda.read_bytes() == site.documents["70001"]
    assert len(tree(tmp_path)) == 5


@pytest.mark.parametrize("service, why", [("forbidden", "403"), ("missing", "404"), ("html", "did not answer XML")])
def test_when_the_web_service_is_refused_the_pages_bring_the_same_papers(tmp_path, service, why):
    site = FakeModernGov(service=service)
    try:
        summary, _ = fetch(site, tmp_path, committees=("144",))
        second, _ = fetch(site, tmp_path, committees=("144",))
    finally:
        site.close()

    assert summary.route.startswith("pages") and why in summary.route
    folder = meeting_dir(site)
    assert tree(tmp_path) == {f"{folder}/{name}" for name in (   # a paper *about* restricted parking is public
        "Agenda frontsheet.pdf", "Printed minutes.pdf", "Minutes.pdf", "Restricted parking zones review.pdf",
        "Improvement Plan progress update January 2026.pdf", MINUTES_PAGE)}
    assert site.asked("s60998") == []                       # "Restricted enclosure": never asked
    assert site.asked("MId=4966") == []                     # listed as CANCELLED: its page never read
    assert site.asked("Year=2026") and summary.authority == "Ashby Vale Council"
    assert (summary.meetings, summary.cancelled, summary.restricted) == (1, 1, 1)
    page = (tmp_path / "raw" / folder / MINUTES_PAGE).read_text(encoding="utf-8")
    assert AMBER in page and "<script" not in page and "onmouseover" not in page
    assert "mgItemTable" in page and "Audit Committee - Tuesday, 10th February, 2026 10.00 am" in page
    assert (second.count("new"), second.count("failed")) == (0, 0)


def test_papers_held_from_the_web_service_are_not_saved_again_when_the_pages_link_them(tmp_path):
    same = {key: f"%PDF-1.4\n% paper {n}\n%%EOF\n".encode() for n, keys in enumerate((
        ("70001", "g4967/agenda frontsheet 10th-feb-2026 10.00 audit committee.pdf"),
        ("70002", "g4967/printed minutes 10th-feb-2026 10.00 audit committee.pdf"),
        ("60860", "s60860/minutes of previous meeting.pdf"),
        ("60909", "s60909/improvement plan progress update.pdf"))) for key in keys}
    site = FakeModernGov(documents=same)
    try:
        fetch(site, tmp_path)
        held = tree(tmp_path)
        site.service = "forbidden"                           # the council's firewall starts refusing it
        summary, _ = fetch(site, tmp_path)
    finally:
        site.close()
    assert summary.route.startswith("pages")
    # only the minutes page is written again: now the site's own "Agenda and minutes" page, same name
    assert [o.title for o in summary.papers if o.outcome == "new"] == ["Restricted parking zones: review",
                                                                        f"Minutes Audit Committee {FEB} (text)"]
    assert (summary.count("unchanged"), summary.count("failed")) == (4, 0)
    # no "Agenda frontsheet (2).pdf": only the paper the pages list and the web service did not
    assert tree(tmp_path) - held == {f"{meeting_dir(site)}/Restricted parking zones review.pdf"}


def test_a_paper_that_keeps_failing_is_one_line_and_the_others_still_arrive(site, tmp_path):
    site.fail_always.add("/mgconvert2pdf.aspx?id=70002")
    site.gone.add("/mgconvert2pdf.aspx?id=60860")

    summary, _ = fetch(site, tmp_path)

    failed = {o.title: o.error for o in summary.papers if o.outcome == "failed"}
    assert failed == {"Printed minutes": "the site answered 500 Internal Server Error",
                      "Minutes 25 Nov 2025": "the site answered 404 Not Found"}
    assert len(site.asked("ID=70002")) == 4                  # the first try and three retries
    assert summary.count("new") == 3 and summary.failed
    assert sources(tmp_path)[f"{site.url}/mgConvert2PDF.aspx?ID=60860"]["error"] == "the site answered 404 Not Found"
    assert not any(p.name.endswith(".part") for p in (tmp_path / "raw").rglob("*"))   # no half files left


def test_an_unknown_committee_says_which_ones_are_close(site, tmp_path):
    summary, _ = fetch(site, tmp_path, committees=("Audit Comittee", "Cabinet"))
    assert summary.problems == [f"committee 'Audit Comittee' not found on {site.url} (3 committees; "
                                "did you mean 'Audit Committee'?)"]
    assert site.asked("lCommitteeId=130") and not site.asked("lCommitteeId=144")


def test_an_unreachable_site_is_one_line(tmp_path):
    dead = FakeModernGov()
    dead.close()                                             # nothing listens there any more
    summary, _ = fetch(dead, tmp_path)
    assert len(summary.problems) == 1 and summary.problems[0].startswith(f"{dead.url}: could not reach 127.0.0.1")


def test_the_client_waits_between_requests_and_as_long_as_the_site_asks():
    import httpx

    answers = iter([httpx.Response(503, headers={"Retry-After": "7"}), httpx.Response(200, text="<ok/>"),
                    httpx.Response(200, text="<ok/>")])
    waits: list[float] = []
    client = PoliteClient(delay=2, backoff=0.5, sleep=waits.append, transport=httpx.MockTransport(lambda r: next(answers)))
    assert client.get("https://democracy.example.gov.uk/a").text == "<ok/>"
    assert client.get("https://democracy.example.gov.uk/b").text == "<ok/>"
    # 7 s as the 503 asked; then the delay before each later request to the same host
    assert waits[0] == 7 and len(waits) == 3 and all(1.5 < w <= 2 for w in waits[1:])
    assert client.requests == 3


def test_links_names_and_headings():
    assert link("https://democracy.example.gov.uk", "http://democracy.example.gov.uk/mgConvert2PDF.aspx?ID=1") == \
        "https://democracy.example.gov.uk/mgConvert2PDF.aspx?ID=1"
    assert link("https://democracy.example.gov.uk", "documents/s1/A report.pdf") == \
        "https://democracy.example.gov.uk/documents/s1/A%20report.pdf"
    assert link("https://democracy.example.gov.uk", "http://other.example.org/x.pdf") == "http://other.example.org/x.pdf"
    assert site_root("democracy.example.gov.uk/mgListCommittees.aspx?bcr=1") == "https://democracy.example.gov.uk"
    assert safe_name('Appendix A: "costs" / risks?') == "Appendix A costs risks"
    assert safe_name("CON") == "paper CON" and safe_name("...") == "paper"
    assert len(safe_name("word " * 100)) <= 120
    assert heading("Cabinet", date(2023, 9, 14), "6.30 pm") == "Cabinet - Thursday, 14th September, 2023 6.30 pm"
    assert heading("Cabinet", date(2023, 9, 22)) == "Cabinet - Friday, 22nd September, 2023"
    assert heading("Cabinet", date(2023, 9, 11)) == "Cabinet - Monday, 11th September, 2023"


@pytest.mark.parametrize("toml, says", [
    ('[[fetch]]\ncommittees = ["Cabinet"]\n', "fetch entry 1 needs site"),
    ('[[fetch]]\nsite = "https://x.gov.uk"\n', "needs committees"),
    ('[[fetch]]\nsite = "https://x.gov.uk"\ncommittees = ["Cabinet"]\nsince = "last year"\n', "since must be a date"),
    ('[[fetch]]\nsite = "https://x.gov.uk"\ncommittee = ["Cabinet"]\n', "unknown key 'committee'"),
    ('"fetch.delay" = -1\n', "fetch.delay must be 0 or more"),
])
def test_fetch_settings_are_checked_in_one_line(tmp_path, toml, says):
    p = tmp_path / "plantrack.toml"
    p.write_text(toml)
    with pytest.raises(SettingsError) as e:
        load(p, env={})
    assert says in str(e.value) and "\n" not in str(e.value)


def test_fetch_settings_from_the_file(tmp_path):
    p = tmp_path / "plantrack.toml"
    p.write_text('"fetch.contact" = "clerk@x.gov.uk"\n[[fetch]]\nsite = "https://x.gov.uk"\n'
                 'committees = ["Cabinet", 144]\nsince = 2024-04-01\n')
    cfg = load(p, env={"PLANTRACK_FETCH_DELAY": "2.5"})
    assert cfg["fetch.contact"] == "clerk@x.gov.uk" and cfg["fetch.delay"] == 2.5
    job = Job.from_entry(cfg["fetch"][0])
    assert (job.site, job.committees, job.since) == ("https://x.gov.uk", ("Cabinet", "144"), date(2024, 4, 1))
    (tmp_path / "table.toml").write_text('[fetch]\ncontact = "clerk@y.gov.uk"\ndelay = 3\n')
    assert load(tmp_path / "table.toml", env={})["fetch.delay"] == 3.0


def test_the_command_line(site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"PLANTRACK_FETCH_DELAY": "0", "PLANTRACK_FETCH_CONTACT": "clerk@ashby-vale.gov.uk"}
    base = ["fetch", site.url, "--into", str(tmp_path / "raw"), "--db", str(tmp_path / "p.db"), *DATES]
    ok = CliRunner().invoke(app, [*base, "--committee", "AUDIT COMMITTEE", "--json"], env=env)
    assert ok.exit_code == 0, ok.output
    assert "1 meeting(s) seen, 1 cancelled; papers: 5 new, 0 unchanged, 0 failed" in ok.stderr
    import json
    assert {p["outcome"] for p in json.loads(ok.stdout)[0]["papers"]} == {"new"}
    con = sqlite3.connect(tmp_path / "p.db")
    assert dictionary.undocumented(con) == []                # the sources table is in the data dictionary
    con.close()

    site.gone.add("/mgconvert2pdf.aspx?id=70002")
    (tmp_path / "raw" / meeting_dir(site) / "Printed minutes.pdf").unlink()   # asked for again, and now gone
    failed = CliRunner().invoke(app, [*base, "--committee", "144"], env=env)
    assert failed.exit_code == 1
    assert "'Printed minutes'" in failed.stderr and "404 Not Found" in failed.stderr

    usage = CliRunner().invoke(app, base, env=env)
    assert usage.exit_code == 2 and "--committee is needed" in usage.stderr
    bad = CliRunner().invoke(app, [*base, "--committee", "144", "--since", "1st May"], env=env)
    assert bad.exit_code == 2 and "--since must be a date written YYYY-MM-DD" in bad.stderr
    none = CliRunner().invoke(app, ["fetch"], env=env)
    assert none.exit_code == 2 and "no [[fetch.sites]] entries" in none.stderr


def test_run_fetch_brings_the_papers_then_reads_them(tmp_path):
    """The nightly command: `plantrack run --fetch` with a [[fetch]] entry, as a real process."""
    import os
    import subprocess
    import sys

    from paperfactory import make_report, sdp_spec

    report = tmp_path / "report.pdf"
    make_report(report, sdp_spec("2019-10"))
    site = FakeModernGov(body=report.read_bytes())
    try:
        (tmp_path / "plantrack.toml").write_text(
            f'"fetch.delay" = 0\n[[fetch]]\nsite = "{site.url}"\ncommittees = ["Audit Committee"]\n'
            'since = 2026-01-01\nuntil = "2026-03-31"\n')
        done = subprocess.run([sys.executable, "-m", "plantrack.pipeline.cli", "run", "--fetch", "--db", "out/p.db"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "PLANTRACK_INGEST_WORKERS": "1"})
    finally:
        site.close()
    assert done.returncode == 0, done.stderr
    # every paper of this site is the same report: held once, the other addresses point at it
    assert "papers: 2 new, 3 unchanged, 0 failed" in done.stderr
    con = sqlite3.connect(tmp_path / "out" / "p.db")
    try:
        fetched = con.execute("SELECT s.title, d.kind, d.status FROM sources s JOIN documents d ON d.sha256 = s.sha256 "
                              "WHERE s.title LIKE 'Improvement Plan%'").fetchall()
        plans = con.execute("SELECT DISTINCT plan FROM reports").fetchall()
        councils = con.execute("SELECT DISTINCT d.authority, s.authority FROM documents d JOIN sources s "
                               "ON d.sha256 = s.sha256").fetchall()
    finally:
        con.close()
    assert fetched == [("Improvement Plan progress update: January 2026", "plan_report", "ok")]
    # each fetched paper is its site's council's (documents.authority from the sources table)
    assert len(councils) == 1 and councils[0][0] == councils[0][1] and councils[0][0]
    assert plans and plans[0][0].startswith("Service Development Plan")


def test_minutes_published_as_text_are_fetched_then_read_into_a_meeting_with_its_amber_reasons(tmp_path, monkeypatch):
    """The minutes a site publishes as text (`minutesnonemptyhtmlbody`) are saved as a page that `plantrack
    run` reads like any paper: the meeting, with its committee and date, and its Amber reasons."""
    rows = [("Recruit permanent social workers in the locality teams",
             "Two posts are still filled by agency staff. Target date March 2026."),
            ("Open four family hubs, one in each district", "Same as above"),
            ("Early help assessments completed within 30 working days", "Updated to GREEN")]
    cells = "".join(f'<tr><td><p class="MsoNormal">{a}</p></td><td><p class="MsoNormal">{r}</p></td></tr>'
                    for a, r in rows)
    minutes = ('<div class="WordSection1"><p class="MsoNormal">Members requested justification for all outstanding '
               'Amber actions of the Improvement Plan 2025-26:</p><table class="MsoTableGrid">'
               '<tr><td><p class="MsoNormal"><b>Action</b></p></td><td><p class="MsoNormal"><b>Reason for Amber</b>'
               f'</p></td></tr>{cells}</table><p class="MsoNormal">RESOLVED that the update be noted.</p></div>')
    site = FakeModernGov(item_minutes=minutes)
    monkeypatch.chdir(tmp_path)
    env = {"PLANTRACK_FETCH_DELAY": "0", "PLANTRACK_INGEST_WORKERS": "1"}
    try:
        got = CliRunner().invoke(app, ["fetch", site.url, "--committee", "Audit Committee", "--into", "raw",
                                       "--db", "out/p.db", *DATES], env=env)
    finally:
        site.close()
    assert got.exit_code == 0, got.output
    pages = list((tmp_path / "raw").rglob("*.html"))
    assert len(pages) == 1
    ran = CliRunner().invoke(app, ["run", "raw", "--db", "out/p.db"], env=env)
    assert ran.exit_code in (0, 1), ran.output  # the fake site's other "papers" are not real PDFs
    con = sqlite3.connect(tmp_path / "out" / "p.db")
    try:
        doc = con.execute("SELECT id, kind, status, format FROM documents WHERE filename = ?", (pages[0].name,)).fetchone()
        meetings = con.execute("SELECT id, committee, meeting_date FROM meetings WHERE document_id = ?", (doc[0],)).fetchall()
        reasons = con.execute("SELECT action_text, reason, effective_reason, new_rag, target_date FROM amber_reasons "
                              "WHERE meeting_id = ? ORDER BY position", (meetings[0][0],)).fetchall()
    finally:
        con.close()
    assert doc[1:] == ("minutes", "ok", "html")
    assert [m[1:] for m in meetings] == [("Audit Committee", "2026-02-10")]
    assert reasons == [
        (rows[0][0], rows[0][1], rows[0][1], None, "2026-03-31"),
        (rows[1][0], "Same as above", rows[0][1], None, "2026-03-31"),
        (rows[2][0], "Updated to GREEN", "Updated to GREEN", "green", None)]


# -- minutes wherever a site puts them ------------------------------------------------------------------
@pytest.mark.parametrize("wrapped", [False, True])
def test_the_meetings_own_papers_come_whether_getmeeting_answers_meeting_as_root_or_wrapped(tmp_path, wrapped):
    site = FakeModernGov(wrapped=wrapped)
    try:
        summary, _ = fetch(site, tmp_path)
    finally:
        site.close()
    folder = meeting_dir(site)
    # the agenda frontsheet and printed minutes hang on <meeting> itself, the rest on its items
    assert {f"{folder}/Agenda frontsheet.pdf", f"{folder}/Printed minutes.pdf"} <= tree(tmp_path)
    assert len(tree(tmp_path)) == 5 and summary.restricted == 2 and summary.count("failed") == 0
    assert (tmp_path / "raw" / folder / MINUTES_PAGE).is_file()


@pytest.mark.parametrize("service", ["ok", "forbidden"])
def test_minutes_on_the_next_meetings_agenda_are_fetched_though_that_meeting_is_after_until(tmp_path, service):
    site = FakeModernGov(next_meeting=True, service=service)
    try:
        summary, lines = fetch(site, tmp_path)
        again, _ = fetch(site, tmp_path)
    finally:
        site.close()
    folder = meeting_dir(site)
    # the minutes of 10 Feb, on the 14 Apr agenda, saved beside the 10 Feb papers under the title the
    # site gives (the web service: the document's; the pages: the item's) and where it was found
    title = {"ok": "Minutes 10 February 2026", "forbidden": "Minutes of the previous meeting"}[service]
    title += " (on the 2026-04-14 agenda)"
    assert f"{folder}/{title}.pdf" in tree(tmp_path)
    assert not any(p.startswith("127.0.0.1/Audit Committee/2026-04-14") for p in tree(tmp_path))
    # nothing else of the later meeting: not its agenda, its budget report or another body's minutes
    assert site.asked("61001") and not site.asked("61002") and not site.asked("70010")
    assert not site.asked("61003") and not site.asked("g4968")
    row = next(r for r in sources(tmp_path).values() if r["title"] == title)
    assert (row["committee"], row["meeting_date"]) == ("Audit Committee", FEB)
    assert summary.meetings == 1 and summary.count("failed") == 0
    assert any("minutes on the next meeting's agenda (2026-04-14): 1 new" in line for line in lines)
    assert (again.count("new"), again.count("failed")) == (0, 0)


def test_agenda_items_that_hold_the_committees_earlier_minutes():
    from plantrack.pipeline.sources.moderngov import is_previous_minutes

    for title in ("Minutes", "3. Minutes of the previous meeting", "Minutes of the meeting held on 10 February 2026",
                  "To approve the minutes of the last meeting", "Minutes - 10/02/2026", "Confirmation of Minutes",
                  "Approval of the minutes"):
        assert is_previous_minutes(title), title
    for title in ("Minutes of the Health and Wellbeing Board", "Budget monitoring", "Minutes of Sub-Committees",
                  "Matters arising from the minutes" ):
        assert not is_previous_minutes(title), title


# -- failures seen the next morning -----------------------------------------------------------------------
def _one_paper(tmp_path: Path) -> Path:
    from paperfactory import make_report, sdp_spec

    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    make_report(raw / "held report.pdf", sdp_spec("2019-10"))
    return raw


def test_run_fetch_with_the_site_down_is_recorded_named_last_and_shown_by_status(tmp_path, monkeypatch):
    import json

    dead = FakeModernGov()
    dead.close()                                             # the council's site is down tonight
    _one_paper(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plantrack.toml").write_text(
        f'[fetch]\ndelay = 0\ncontact = "clerk@ashby-vale.gov.uk"\n\n[[fetch.sites]]\nsite = "{dead.url}"\n'
        'committees = ["Audit Committee"]\nsince = 2026-01-01\nuntil = 2026-03-31\n')
    env = {"PLANTRACK_INGEST_WORKERS": "1"}
    ran = CliRunner().invoke(app, ["run", "raw", "--fetch", "--db", "out/p.db"], env=env)

    assert ran.exit_code == 1, ran.output
    last = ran.stderr.strip().splitlines()[-1]
    assert "the fetch failed" in last and f"{dead.url}: could not reach 127.0.0.1" in last
    con = sqlite3.connect(tmp_path / "out" / "p.db")
    try:
        run = con.execute("SELECT status, fetch_failed, files_seen FROM runs ORDER BY id DESC").fetchone()
        rows = con.execute("SELECT path, error FROM run_files WHERE outcome = 'fetch_failed'").fetchall()
    finally:
        con.close()
    assert run == ("failed", 1, 1)                           # the paper already held was still read
    [(where, why)] = rows
    assert where == dead.url and why.startswith(f"{dead.url}: could not reach 127.0.0.1") and "refused" in why

    status = CliRunner().invoke(app, ["status", "--db", "out/p.db"])
    assert "could not reach 127.0.0.1" in status.stdout and "no file has failed" not in status.stdout
    assert "\tfailed\t" in status.stdout
    as_json = json.loads(CliRunner().invoke(app, ["status", "--db", "out/p.db", "--json"]).stdout)
    assert as_json["runs"][0]["status"] == "failed" and as_json["runs"][0]["fetch_failed"] == 1
    assert [f["url"] for f in as_json["failed_fetches"]] == [dead.url]


def test_a_fetch_alone_records_an_unknown_committee_and_failed_papers_in_the_ledger(site, tmp_path, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    site.gone.add("/mgconvert2pdf.aspx?id=70002")
    env = {"PLANTRACK_FETCH_DELAY": "0"}
    got = CliRunner().invoke(app, ["fetch", site.url, "-c", "Audit Committee", "-c", "Audit Comittee",
                                   "--into", "raw", "--db", "p.db", *DATES], env=env)
    assert got.exit_code == 1
    failed = json.loads(CliRunner().invoke(app, ["status", "--db", "p.db", "--json"]).stdout)["failed_fetches"]
    assert [f["url"] for f in failed] == [site.url, f"{site.url}/mgConvert2PDF.aspx?ID=70002"]
    assert "committee 'Audit Comittee' not found" in failed[0]["error"] and "404 Not Found" in failed[1]["error"]

    site.gone.clear()                                        # the next night all is well: the run is ok
    CliRunner().invoke(app, ["fetch", site.url, "-c", "Audit Committee", "--into", "raw", "--db", "p.db", *DATES],
                       env=env)
    after = json.loads(CliRunner().invoke(app, ["status", "--db", "p.db", "--json"]).stdout)
    assert after["failed_fetches"] == [] and after["runs"][0]["status"] == "ok"


# -- safe names ---------------------------------------------------------------------------------------------
def test_hostile_titles_never_leave_into_and_are_printed_and_stored_clean(tmp_path, monkeypatch):
    escape = "\x1b]0;pwned\x07\x1b[31m"
    long_a = "é" * 90 + " ../../../etc/passwd " + "x" * 200
    site = FakeModernGov(service="forbidden", committee_title=f"{escape}Audit/../../Committee\u202e",
                         agenda_title=f"{escape}{long_a} A")
    site.documents["s60909/improvement plan progress update.pdf"] = b"%PDF-1.4\n% another\n%%EOF\n"
    monkeypatch.chdir(tmp_path)
    try:
        got = CliRunner().invoke(app, ["fetch", site.url, "-c", "144", "--into", "raw", "--db", "p.db", *DATES],
                                 env={"PLANTRACK_FETCH_DELAY": "0"})
    finally:
        site.close()
    assert got.exit_code == 0, got.output
    raw = (tmp_path / "raw").resolve()
    files = [p for p in raw.rglob("*") if p.is_file()]
    assert len(files) == 6
    for path in files:
        assert path.resolve().is_relative_to(raw)
        rel = path.relative_to(raw)
        assert all(len(part.encode()) <= 255 and not any(ord(c) < 32 or c in "\x7f\u202e" for c in part)
                   for part in rel.parts), rel
    assert {p.relative_to(raw).parts[:2] for p in files} == {("127.0.0.1", "Audit .. .. Committee")}
    agenda = [p for p in files if p.name.startswith("éé")]
    assert len(agenda) == 1 and len(agenda[0].name) <= 130 and "\x1b" not in agenda[0].name
    assert "\x1b" not in got.stderr and "\x07" not in got.stderr
    titles = [r["title"] for r in sources(tmp_path).values()] + [r["committee"] for r in sources(tmp_path).values()]
    assert titles and not any("\x1b" in t or "\x07" in t or "\u202e" in t for t in titles)


def test_safe_names_are_cut_with_a_hash_that_keeps_long_titles_apart():
    a, b = "Appendix " + "word " * 60 + "one", "Appendix " + "word " * 60 + "two"
    assert safe_name(a) != safe_name(b) and len(safe_name(a)) <= 120
    wide = safe_name("報告" * 100)
    assert len(wide.encode()) <= 200 and wide != safe_name("報告" * 101)
    assert safe_name("..") == "paper" and safe_name("../../etc/passwd") == "etc passwd"
    assert safe_name("a\x1b[31mb\x00c\u202ed\x1b]0;title\x07") == "abc d"   # escapes go whole
    assert safe_name("Short title") == "Short title"                  # a name that fits is left as it is


# -- limits -------------------------------------------------------------------------------------------------
def test_a_slow_drip_paper_is_cut_at_the_deadline_and_the_others_arrive(site, tmp_path):
    import time

    site.drip["70002"] = 0.1                                  # 36 bytes, one every 0.1 s: never done within 1 s
    started = time.monotonic()
    summary, _ = fetch(site, tmp_path, deadline=1.0)
    assert time.monotonic() - started < 10
    failed = {o.title: o.error for o in summary.papers if o.outcome == "failed"}
    assert failed == {"Printed minutes": "the paper took longer than 1 s in all (the site is too slow)"}
    assert summary.count("new") == 4
    assert not any(p.name.endswith(".part") for p in (tmp_path / "raw").rglob("*"))


def test_an_oversized_paper_or_answer_is_refused_and_nothing_of_it_kept(site, tmp_path):
    site.documents["70001"] = b"%PDF-1.4\n" + b"0" * 3 * 2**20
    summary, _ = fetch(site, tmp_path, max_paper=2**20)
    failed = {o.title: o.error for o in summary.papers if o.outcome == "failed"}
    assert failed == {"Agenda frontsheet": "the paper is larger than the 1 MB limit (3 MB)"}
    assert summary.count("new") == 4 and not any(p.name.endswith(".part") for p in (tmp_path / "raw").rglob("*"))

    small, _ = fetch(site, tmp_path / "again", max_answer=2000)   # GetMeeting's answer is about 5 KB
    assert any("larger than the" in p and "limit" in p for p in small.problems), small.problems


def test_an_answer_without_a_length_is_cut_while_streaming():
    import httpx

    sent = []

    def endless():
        for _ in range(100):
            sent.append(1)
            yield b"x" * 65536

    client = PoliteClient(delay=0, max_answer=2**20, max_paper=2**20,
                          transport=httpx.MockTransport(lambda r: httpx.Response(200, content=endless())))
    with pytest.raises(FetchError, match="larger than the 1 MB limit"):
        client.get("https://democracy.example.gov.uk/mgWebService.asmx/GetCommittees")
    assert len(sent) <= 18                                    # stopped just past 1 MB, not read to the end


def test_redirects_are_spaced_by_the_delay_capped_and_kept_to_web_addresses():
    import httpx

    waits: list[float] = []
    loop = PoliteClient(delay=2, backoff=0, sleep=waits.append, transport=httpx.MockTransport(
        lambda r: httpx.Response(302, headers={"Location": str(r.url)})))
    with pytest.raises(FetchError, match="too many redirects"):
        loop.get("https://democracy.example.gov.uk/loop")
    assert loop.requests == 6 and len(waits) == 5 and all(1.5 < w <= 2 for w in waits)

    away = PoliteClient(delay=0, transport=httpx.MockTransport(
        lambda r: httpx.Response(301, headers={"Location": "file:///etc/passwd"})))
    with pytest.raises(FetchError, match="not a web address"):
        away.download("https://democracy.example.gov.uk/documents/a.pdf", Path("/nonexistent-never-written"))
    assert away.requests == 1


def test_saved_pages_keep_the_minutes_and_lose_every_active_part(tmp_path):
    hostile = ('<p>Members noted the update.</p><iframe src="https://ads.example.org/x"></iframe>'
               '<form action="https://collector.example.org/"><input name="q"><p>Inside a form.</p></form>'
               '<img src="https://tracker.example.org/p.gif"><img src="images/logo.png">'
               '<a href="data:text/html,hi">data</a><a href="javascript:alert(1)">js</a>'
               '<a href="https://www.gov.uk/guidance" onclick="steal()">guidance</a>'
               '<p style="background:url(https://tracker.example.org/bg)">Styled.</p>')
    for service in ("ok", "forbidden"):
        site = FakeModernGov(service=service, item_minutes=hostile)
        try:
            fetch(site, tmp_path / service)
        finally:
            site.close()
        [page] = [p for p in (tmp_path / service / "raw").rglob("*.html")]
        text = page.read_text(encoding="utf-8")
        for gone in ("<iframe", "<form", "<input", "tracker.example.org", "ads.example.org", "collector.example",
                     "data:", "javascript:", "onclick", "http-equiv", "evil.example.org", "<base", "<script"):
            assert gone not in text, (service, gone)
        assert "https://www.gov.uk/guidance" in text and '<meta charset="utf-8">' in text
        if service == "ok":
            assert "Inside a form." in text and "images/logo.png" in text and "Members noted" in text
        else:
            assert AMBER in text


@pytest.mark.parametrize("args, says", [
    (["file:///etc", "-c", "x"], "not a council web site"),
    (["ftp://x", "-c", "x"], "not a council web site"),
    (["javascript:alert(1)", "-c", "x"], "not a council web site"),
    (["https://democracy.example.gov.uk", "-c", "x", "--since", "2026-03-01", "--until", "2026-01-01"],
     "is before since"),
    (["ftp://x", "--list"], "not a council web site"),
])
def test_bad_sites_and_dates_are_refused_in_one_line_before_any_request(tmp_path, args, says):
    got = CliRunner().invoke(app, ["fetch", *args, "--into", str(tmp_path / "raw"), "--db", str(tmp_path / "p.db")])
    assert got.exit_code == 2 and says in got.stderr and len(got.stderr.strip().splitlines()) == 1, got.output
    assert not (tmp_path / "p.db").exists()


def test_sites_written_without_a_scheme_or_with_a_port_are_accepted():
    from plantrack.pipeline.sources.moderngov import check_site

    assert check_site("democracy.kent.gov.uk") == "https://democracy.kent.gov.uk"
    assert check_site("localhost:8080/mgListCommittees.aspx") == "https://localhost:8080"
    assert check_site("http://127.0.0.1:4301") == "http://127.0.0.1:4301"


# -- the committees listed, the settings per site ----------------------------------------------------------
def test_fetch_list_prints_the_sites_committees_by_the_output_rule(site, tmp_path):
    import json

    env = {"PLANTRACK_FETCH_DELAY": "0"}
    piped = CliRunner().invoke(app, ["fetch", site.url, "--list"], env=env)
    assert piped.exit_code == 0, piped.output
    lines = piped.stdout.splitlines()
    assert lines[1:] == ["id\ttitle\tcurrent", "144\tAudit Committee\tyes", "130\tCabinet\tyes",
                         "312\tAppointment Sub Committee\tno"]
    as_json = json.loads(CliRunner().invoke(app, ["fetch", site.url, "--list", "--json"], env=env).stdout)
    assert as_json[0] == {"id": "144", "title": "Audit Committee", "current": True}
    assert not site.asked("GetMeetings") and not (tmp_path / "p.db").exists()


def test_each_site_carries_its_own_contact_and_delay(tmp_path):
    second = FakeModernGov()
    first = FakeModernGov()
    try:
        toml = tmp_path / "plantrack.toml"
        toml.write_text(f'[fetch]\ncontact = "everyone@example.gov.uk"\ndelay = 0\n\n'
                        f'[[fetch.sites]]\nsite = "{first.url}"\ncommittees = ["Audit Committee"]\n'
                        f'contact = "audit@ashby-vale.gov.uk"\ndelay = 0.3\nsince = 2026-01-01\nuntil = 2026-03-31\n\n'
                        f'[[fetch.sites]]\nsite = "{second.url}"\ncommittees = [144]\nsince = 2026-01-01\n'
                        'until = 2026-03-31\n')
        cfg = load(toml, env={})
        jobs = [Job.from_entry(e) for e in cfg["fetch.sites"]]
        conn = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
        try:
            fetch_all(jobs, tmp_path / "raw", conn, contact=cfg["fetch.contact"], delay=cfg["fetch.delay"])
        finally:
            conn.close()
    finally:
        first.close()
        second.close()
    assert all("audit@ashby-vale.gov.uk" in r.headers["User-Agent"] for r in first.log)
    assert all("everyone@example.gov.uk" in r.headers["User-Agent"] for r in second.log)
    assert jobs[0].delay == 0.3 and jobs[1].delay is None


def test_minutes_from_the_next_meetings_agenda_are_read_as_the_earlier_meetings(tmp_path, monkeypatch):
    """Fetched from the 14 Apr agenda, the minutes are read by their own title block: 10 Feb's meeting."""
    from dataclasses import replace

    from paperfactory import make_minutes, sdp_minutes_spec

    pdf = tmp_path / "minutes.pdf"
    make_minutes(pdf, replace(sdp_minutes_spec(), committee="Audit Committee", meeting_date="2026-02-10"))
    site = FakeModernGov(next_meeting=True, documents={"61001": pdf.read_bytes()})
    monkeypatch.chdir(tmp_path)
    env = {"PLANTRACK_FETCH_DELAY": "0", "PLANTRACK_INGEST_WORKERS": "1"}
    try:
        got = CliRunner().invoke(app, ["fetch", site.url, "-c", "144", "--into", "raw", "--db", "out/p.db", *DATES],
                                 env=env)
    finally:
        site.close()
    assert got.exit_code == 0, got.output
    ran = CliRunner().invoke(app, ["run", "raw", "--db", "out/p.db"], env=env)
    assert ran.exit_code in (0, 1), ran.output  # the fake site's other "papers" are not real PDFs
    con = sqlite3.connect(tmp_path / "out" / "p.db")
    try:
        found = con.execute("SELECT s.meeting_date, m.committee, m.meeting_date, count(r.id) FROM sources s "
                            "JOIN documents d ON d.sha256 = s.sha256 JOIN meetings m ON m.document_id = d.id "
                            "LEFT JOIN amber_reasons r ON r.meeting_id = m.id "
                            "WHERE s.url LIKE '%ID=61001' GROUP BY m.id").fetchall()
    finally:
        con.close()
    assert found == [(FEB, "Audit Committee", FEB, 10)]
