"""The clerk's pages on `plantrack serve`, over plain HTTP (no browser): Datasette in process, as
`plantrack serve` sets it up, on a real database of generated papers.

The Service Development Plan's October 2019 report and the December minutes, read by `plantrack run`;
the November report (action 2.3's amber cell faded, so its status lands in the review queue) is what a
clerk uploads. Browser tests of the same day are in test_clerk_browser.py.
"""
from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import paperfactory as pf
from plantrack.pipeline.cli import app

pytest.importorskip("datasette")

from plantrack.pipeline.clerk.accounts import hash_password, verify_password  # noqa: E402
from plantrack.pipeline.clerk.desk import Desk  # noqa: E402
from plantrack.pipeline.clerk.uploads import UploadError, file_name  # noqa: E402
from plantrack.pipeline.outputs import analyst  # noqa: E402

FADED = (1.0, 0.62, 0.2)  # a washed-out amber: read as amber, but far from the key's colour
COUNCIL = "City of Kingsgate"


def faded_november(path: Path) -> Path:
    spec = pf.sdp_spec("2019-11")
    for priority in spec.priorities:
        priority.actions = [replace(a, fill=FADED) if a.ref == "2.3" else a for a in priority.actions]
    pf.make_report(path, spec)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("clerk")
    raw = root / "raw"
    raw.mkdir()
    pf.make_report(raw / "SDP_progress_update_2019-10.pdf", pf.sdp_spec("2019-10"))
    faded_november(raw / "SDP_November_2019.pdf")
    pf.make_minutes(raw / "Minutes_12_December_2019.pdf", pf.sdp_minutes_spec())
    db = root / "out" / "plantrack.db"
    result = CliRunner().invoke(app, ["run", str(raw), "--db", str(db), "--authority", COUNCIL])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture()
def db(built, tmp_path) -> Path:
    path = tmp_path / "out" / "plantrack.db"
    path.parent.mkdir()
    with sqlite3.connect(built) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    return path


def dump(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


def rows(path: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchall()


class Visitor:
    """A browser without a browser: keeps cookies and sends forms with their CSRF token."""

    def __init__(self, ds):
        self.ds, self.cookies = ds, {}

    def _headers(self) -> dict:
        return {"cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep(self, r) -> None:
        for header in r.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    async def get(self, path: str):
        r = await self.ds.client.get(path, headers=self._headers())
        self._keep(r)
        return r

    async def post(self, path: str, data: dict, files=None, token: bool = True):
        data = {"csrftoken": self.cookies.get("ds_csrftoken", ""), **data} if token else data
        r = await self.ds.client.post(path, data=data, files=files, headers=self._headers())
        self._keep(r)
        return r


def serve(db: Path, papers: Path, **desk):
    d = Desk(db, papers, **desk)
    return analyst.datasette(db, desk=d), d


def run(coro):
    return asyncio.run(coro)


def form_values(html: str, ref: str) -> dict:
    """The hidden fields of the queue's form for action `ref`."""
    form = next(f for f in re.findall(r'<form method="post" action="/-/clerk/correct".*?</form>', html, re.S)
                if f'name="ref" value="{ref}"' in f)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


# ----------------------------------------------------------------------------
# a write without a signed-in clerk is refused and changes nothing
# ----------------------------------------------------------------------------

def test_writes_without_signing_in_are_refused_and_change_nothing(db, tmp_path):
    ds, desk = serve(db, tmp_path / "papers")
    before = dump(db)
    correction = {"target": "action", "plan": "Service Development Plan 2019-20", "period": "2019-11", "ref": "2.3",
                  "authority": COUNCIL, "rag": "red", "was_rag": "amber"}

    async def go():
        anonymous = Visitor(ds)
        out = [await anonymous.post("/-/clerk/correct", correction, token=False),
               await anonymous.post("/-/clerk/undo", {"id": "1"}, token=False),
               await anonymous.post("/-/clerk/papers", {"authority": COUNCIL}, token=False,
                                    files={"files": ("x.pdf", b"%PDF-1.4 nothing", "application/pdf")})]
        # with the site's cookies (CSRF token and all) but not signed in: refused all the same
        await anonymous.get("/-/clerk/queue")
        out.append(await anonymous.post("/-/clerk/correct", correction))
        # a forged sign-in cookie (not signed by this server) is no sign-in
        anonymous.cookies["ds_actor"] = "eyJhIjp7ImlkIjoiY2xlcmsiLCJjbGVyayI6IngifX0.forged"
        out.append(await anonymous.post("/-/clerk/correct", correction))
        return out

    answers = run(go())
    assert [r.status_code for r in answers] == [403] * 5
    # without cookies Datasette's CSRF check lets a form through: the clerk's pages refuse it themselves
    for r in answers[:4]:
        assert "sign in as a clerk first: nothing was changed" in r.text, r.text[:300]
    assert dump(db) == before
    assert not (tmp_path / "papers").exists() or not any((tmp_path / "papers").rglob("*.pdf"))


def test_a_form_without_its_csrf_token_is_refused(db, tmp_path):
    ds, desk = serve(db, tmp_path / "papers")
    before = dump(db)

    async def go():
        v = Visitor(ds)
        r = await v.get(f"/-/clerk/sign-in?token={desk.link.token}")
        assert r.status_code == 302 and "ds_actor" in v.cookies
        await v.get("/-/clerk/queue")
        return await v.post("/-/clerk/undo", {"id": "1", "csrftoken": "wrong"}, token=False)

    assert run(go()).status_code == 403
    assert dump(db) == before


# ----------------------------------------------------------------------------
# signing in and out
# ----------------------------------------------------------------------------

def test_the_sign_in_link_works_once(db, tmp_path):
    ds, desk = serve(db, tmp_path / "papers")
    token = desk.link.token

    async def go():
        first, second = Visitor(ds), Visitor(ds)
        r1 = await first.get(f"/-/clerk/sign-in?token={token}")
        r2 = await second.get(f"/-/clerk/sign-in?token={token}")
        home = await first.get("/-/clerk")
        out = await first.post("/-/clerk/sign-out", {})
        after = await first.get("/-/clerk")
        return r1, r2, home, out, after

    r1, r2, home, out, after = run(go())
    assert r1.status_code == 302 and r1.headers["location"] == "/-/clerk"
    assert r2.status_code == 403 and "used already" in r2.text
    assert "signed in as" in home.text and "Sign out" in home.text
    assert out.status_code == 302
    assert "signed in as" not in after.text and "Sign in" in after.text


def test_clerks_sign_in_with_a_password_hash_from_the_settings(db, tmp_path):
    stored = hash_password("correct horse battery")
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    assert verify_password("correct horse battery", stored) and not verify_password("wrong", stored)
    ds, desk = serve(db, tmp_path / "papers", clerks={"J Mayer": stored})

    async def go():
        v = Visitor(ds)
        await v.get("/-/clerk/sign-in")
        bad = await v.post("/-/clerk/sign-in", {"name": "J Mayer", "password": "wrong"})
        good = await v.post("/-/clerk/sign-in", {"name": "J Mayer", "password": "correct horse battery"})
        return bad, good, await v.get("/-/clerk")

    bad, good, home = run(go())
    assert bad.status_code == 403 and "do not match" in bad.text
    assert good.status_code == 302 and "signed in as <strong>J Mayer</strong>" in home.text


def test_a_plain_password_in_the_settings_is_refused(tmp_path):
    toml = tmp_path / "plantrack.toml"
    toml.write_text('[clerks]\n"J Mayer" = "hunter22"\n')
    result = CliRunner().invoke(app, ["settings", "--config", str(toml)])
    assert result.exit_code == 2 and "not a password hash" in result.output


# ----------------------------------------------------------------------------
# the review queue: correct in place, see it, undo
# ----------------------------------------------------------------------------

@pytest.mark.slow  # plantrack commands in child processes: a run, corrections
def test_correct_a_status_from_the_queue_then_undo(db, tmp_path):
    ds, desk = serve(db, tmp_path / "papers")

    def rag() -> list:
        return [r for r, in rows(db, "SELECT a.rag FROM actions a JOIN reports r ON r.id = a.report_id "
                                     "WHERE r.period = '2019-11' AND a.ref = '2.3'")]

    async def go():
        v = Visitor(ds)
        open_queue = await v.get("/-/clerk/queue")
        await v.get(f"/-/clerk/sign-in?token={desk.link.token}")
        queue = (await v.get("/-/clerk/queue")).text
        fields = form_values(queue, "2.3")
        r = await v.post("/-/clerk/correct", {**fields, "rag": "red", "note": "faded cell: red on the paper"})
        after = (await v.get(r.headers["location"])).text
        listed = (await v.get("/-/clerk/corrections")).text
        view = (await v.get("/plantrack/latest_actions.json?ref=2.3&_shape=array")).json()
        digest = (await v.get("/-/clerk/report")).text
        number = re.search(r'name="id" value="(\d+)"', listed).group(1)
        assert rag() == ["red"]
        r = await v.post("/-/clerk/undo", {"id": number})
        undone = (await v.get("/-/clerk/corrections")).text
        return open_queue.text, queue, after, listed, view, digest, undone

    open_queue, queue, after, listed, view, digest, undone = run(go())
    # readable by all, correctable when signed in; the page image of the PDF is linked
    assert "status colour far from the key" in open_queue and "/-/clerk/correct\"" not in open_queue
    assert "#ff9e33 read as amber" in queue and "page-image?document=" in queue
    assert "correction 1:" in after and "amber → red" in after
    assert "status colour far from the key" not in after.split("</nav>", 1)[1]  # off the queue
    assert COUNCIL in listed and "faded cell: red on the paper" in listed and "applies" in listed
    assert [(a["period"], a["rag"]) for a in view if a["period"] == "2019-11"] == [("2019-11", "red")]
    assert "amber → red ✎" in digest or "red ✎" in digest
    assert rows(db, "SELECT authority, field, new_value, made_by FROM corrections") == \
        [(COUNCIL, "rag", "red", rows(db, "SELECT made_by FROM corrections")[0][0])]
    assert "withdrawn" in undone
    # undone: the extracted value is back, and the item back on the queue
    assert rag() == ["amber"]


def test_undated_minutes_are_dated_from_the_queue(db, tmp_path):
    """Minutes whose title block gave no date sit on the queue with a form for their date."""
    with sqlite3.connect(db) as conn:  # as if the title block had printed none
        conn.execute("UPDATE meetings SET meeting_date = NULL")
    ds, desk = serve(db, tmp_path / "papers")

    async def go():
        v = Visitor(ds)
        await v.get(f"/-/clerk/sign-in?token={desk.link.token}")
        queue = (await v.get("/-/clerk/queue")).text
        form = next(f for f in re.findall(r'<form method="post" action="/-/clerk/correct".*?</form>', queue, re.S)
                    if 'name="target" value="minutes"' in f)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        assert 'type="date" name="meeting_date"' in form
        r = await v.post("/-/clerk/correct", {**fields, "meeting_date": "2019-12-12", "note": "date on the cover"})
        return fields, (await v.get(r.headers["location"])).text

    fields, after = run(go())
    assert (fields["file"], fields["page"], fields["was_meeting_date"]) == ("Minutes_12_December_2019.pdf", "1", "")
    assert "minutes in Minutes_12_December_2019.pdf (page 1) meeting_date none → 2019-12-12" in " ".join(after.split())
    assert rows(db, "SELECT meeting_date FROM meetings") == [("2019-12-12",)]
    assert rows(db, "SELECT target, field, new_value, note FROM corrections") == \
        [("meeting", "meeting_date", "2019-12-12", "date on the cover")]
    assert "minutes without date" not in after.split("</nav>", 1)[1]  # off the queue


def test_a_page_image_of_the_pdf(db, tmp_path):
    ds, desk = serve(db, tmp_path / "papers")
    doc, page = rows(db, "SELECT d.id, a.page FROM actions a JOIN reports r ON r.id = a.report_id "
                         "JOIN documents d ON d.id = r.document_id WHERE a.ref = '2.3' AND r.period = '2019-11'")[0]

    async def go():
        v = Visitor(ds)
        return (await v.get(f"/-/clerk/page-image?document={doc}&page={page}"),
                await v.get(f"/-/clerk/page-image?document={doc}&page=999"))

    png, missing = run(go())
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG") and len(png.content) > 10_000
    assert missing.status_code == 404 and "no page 999" in missing.text


# ----------------------------------------------------------------------------
# adding papers
# ----------------------------------------------------------------------------

def test_file_names_are_made_safe():
    assert file_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert file_name("C:\\Users\\clerk\\Minutes 12 Dec.PDF") == "Minutes 12 Dec.pdf"
    assert file_name(".hidden.docx") == "hidden.docx"
    assert file_name("a\x1b]0;owned\x07b.html") == "ab.html"  # the whole escape sequence is gone
    with pytest.raises(UploadError, match="not a paper plantrack reads"):
        file_name("run.sh")


@pytest.mark.slow  # plantrack commands in child processes: a run, corrections
def papers_page_after_a_start(db: Path, papers: Path) -> str:
    """The papers page a signed-in clerk sees on a server just started over `papers`."""
    ds, desk = serve(db, papers)

    async def go():
        v = Visitor(ds)
        await v.get(f"/-/clerk/sign-in?token={desk.link.token}")
        return (await v.get("/-/clerk/papers")).text

    try:
        return run(go())
    finally:
        desk.close()


def test_upload_papers_and_see_each_read(db, tmp_path):
    papers = tmp_path / "papers"
    ds, desk = serve(db, papers)
    raw = tmp_path / "upload"
    raw.mkdir()
    december = pf.make_report(raw / "SDP December 2019.pdf", pf.sdp_spec("2019-12"))
    assert december
    files = [("files", ("../SDP December 2019.pdf", (raw / "SDP December 2019.pdf").read_bytes(), "application/pdf")),
             ("files", ("notes.pdf", b"not a pdf at all", "application/pdf")),
             ("files", ("evil.exe", b"MZ", "application/octet-stream"))]

    async def go():
        v = Visitor(ds)
        await v.get(f"/-/clerk/sign-in?token={desk.link.token}")
        await v.get("/-/clerk/papers")
        r = await v.post("/-/clerk/papers", {"authority": COUNCIL}, files=files)
        first = (await v.get(r.headers["location"])).text
        deadline = time.monotonic() + 240
        while desk.busy() and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        return r, first, (await v.get("/-/clerk/papers")).text

    try:
        r, first, page = run(go())
    finally:
        desk.close()
    assert r.status_code == 302
    assert "not added: evil.exe: not a paper plantrack reads" in first
    saved = sorted(p.relative_to(papers).as_posix() for p in papers.rglob("*") if p.is_file()
                   and not p.relative_to(papers).as_posix().startswith("."))
    assert saved == ["City of Kingsgate/SDP December 2019.pdf", "City of Kingsgate/notes.pdf"]
    assert 'http-equiv="refresh"' not in page  # done: no more refreshing
    assert re.search(r"SDP December 2019\.pdf</td>\s*<td class=\"state-read\">read</td><td>Service Development Plan "
                     r"2019-20 2019-12: \d+ action\(s\)", page), page
    assert re.search(r"notes\.pdf</td>\s*<td class=\"state-failed\">failed</td><td>[^<]+</td>", page)
    assert rows(db, "SELECT authority FROM documents d JOIN reports r ON r.document_id = d.id "
                    "WHERE r.period = '2019-12'") == [(COUNCIL,)]
    # read by the same run as `plantrack run`: in the ledger, the digest rewritten
    assert rows(db, "SELECT outcome FROM run_files WHERE path LIKE '%SDP December 2019.pdf'") == [("new",)]
    assert "2019-12" in (db.parent / "report.html").read_text()

    # the server restarted: the papers page still lists the upload and what became of each file
    later = papers_page_after_a_start(db, papers)
    assert re.search(r"SDP December 2019\.pdf</td>\s*<td class=\"state-read\">read</td><td>Service Development Plan "
                     r"2019-20 2019-12: \d+ action\(s\)", later), later
    assert re.search(r"notes\.pdf</td>\s*<td class=\"state-failed\">failed</td>", later)


def test_an_upload_the_server_stopped_before_reading_says_so_after_a_restart(db, tmp_path):
    from plantrack.pipeline.clerk.uploads import JOURNAL, Upload

    papers = tmp_path / "papers"
    (papers / JOURNAL).mkdir(parents=True)
    saved = papers / COUNCIL / "SDP January 2020.pdf"
    Upload(1, COUNCIL, [saved], "J Mayer", papers / JOURNAL / "1.jsonl", state="reading").save()
    (papers / JOURNAL / "2.json").write_text("{not json", encoding="utf-8")  # damaged by hand: left out
    page = papers_page_after_a_start(db, papers)
    assert re.search(r"SDP January 2020\.pdf</td>\s*<td class=\"state-failed\">failed</td><td>the server stopped "
                     r"before this upload was read", page), page
    assert 'http-equiv="refresh"' not in page


def test_an_upload_over_the_cap_is_refused_and_nothing_saved(db, tmp_path):
    papers = tmp_path / "papers"
    ds, desk = serve(db, papers, upload_mb=1)

    async def go():
        v = Visitor(ds)
        await v.get(f"/-/clerk/sign-in?token={desk.link.token}")
        await v.get("/-/clerk/papers")
        return await v.post("/-/clerk/papers", {"authority": COUNCIL},
                            files={"files": ("big.pdf", b"%PDF" + b"0" * (2 * 2 ** 20), "application/pdf")})

    r = run(go())
    assert r.status_code == 403 and "larger than 1 MB" in r.text
    assert not any(p.is_file() for p in papers.rglob("*"))


def test_an_upload_without_the_forms_token_is_refused(db, tmp_path):
    """The upload form's CSRF check is the page's own (asgi-csrf cannot read multipart forms with the
    python-multipart now installed): a signed-in clerk's cookie alone does not add papers."""
    papers = tmp_path / "papers"
    ds, desk = serve(db, papers)

    async def go():
        v = Visitor(ds)
        await v.get(f"/-/clerk/sign-in?token={desk.link.token}")
        await v.get("/-/clerk/papers")
        return await v.post("/-/clerk/papers", {"csrftoken": "forged", "authority": COUNCIL}, token=False,
                            files={"files": ("a.pdf", b"%PDF-1.4", "application/pdf")})

    r = run(go())
    assert r.status_code == 403 and "security token" in r.text and "nothing was saved" in r.text
    assert not any(p.is_file() for p in papers.rglob("*"))
    assert not desk.uploads()


def test_the_queue_per_council_and_everything_escaped(db, tmp_path):
    hostile = '<script>alert("x")</script> Council'
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE documents SET authority = ? WHERE filename = 'Minutes_12_December_2019.pdf'", (hostile,))
    ds, desk = serve(db, tmp_path / "papers")

    async def go():
        v = Visitor(ds)
        return [(await v.get(f"/-/clerk/queue?authority={q}")).text for q in ("", "kingsgate", "script", "surrey")]

    every, kingsgate, hostile_only, none = run(go())
    assert "2019-11 action 2.3" in every and "minutes of 2019-12-12 reason 4" in every
    assert "2019-11 action 2.3" in kingsgate and "reason 4" not in kingsgate
    assert "reason 4" in hostile_only and "action 2.3" not in hostile_only
    assert "Nothing to review" in none
    for page in (every, hostile_only):
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page
