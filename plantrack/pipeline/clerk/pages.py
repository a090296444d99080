"""The clerk's pages on `plantrack serve`: sign in, add papers, the review queue with a correction form
for each item, the corrections with undo, a paper's page as an image, and the digest.

Reading is open to all, as the rest of Datasette; every write needs a signed-in clerk (the permission
`plantrack-clerk-write`, see hooks.py), and Datasette's CSRF check (asgi-csrf) guards every form. A write
runs the plantrack command a clerk would type (child.py), so the database is changed by exactly the
code, checks and run lock of the command line.
"""
from __future__ import annotations

import asyncio
import getpass
import hmac
import sqlite3
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from datasette.utils.asgi import Response

from plantrack.models.status import ORDER
from plantrack.pipeline.clerk import child, uploads
from plantrack.pipeline.clerk.desk import Desk, desk_of
from plantrack.pipeline.clerk.form_files import TooLarge, receive_form
from plantrack.pipeline.clerk.page_image import NoImage, render_png
from plantrack.pipeline.review import corrections
from plantrack.pipeline.review.queue import queue
from plantrack.pipeline.stages.paths import report_path
from plantrack.store.readonly import open_read

WRITE = "plantrack-clerk-write"  # the permission every write asks for
UPLOAD = "/-/clerk/papers"
ACTION_FORM = ("rag", "text", "lead", "timescale", "due_date", "progress")
REASON_FORM = ("action_ref", "new_rag")
MINUTES_FORM = ("meeting_date", "committee")
LABELS = {"rag": "status", "text": "action text", "lead": "lead", "timescale": "timescale",
          "due_date": "due date", "progress": "progress", "action_ref": "the action it justifies (ref)",
          "new_rag": "new status", "meeting_date": "meeting date", "committee": "committee"}


# ----------------------------------------------------------------------------
# who is asking
# ----------------------------------------------------------------------------

async def clerk_name(datasette, request) -> str | None:
    """The signed-in clerk's name, or None (not signed in, or not allowed to write)."""
    actor = request.actor
    if not actor or not await datasette.permission_allowed(actor, WRITE, default=False):
        return None
    return str(actor.get("clerk") or actor.get("id"))


async def _page(datasette, request, template: str, desk: Desk, status: int = 200, **context) -> Response:
    council = (request.args.get("authority") or "").strip()
    html = await datasette.render_template(template, {
        "clerk": await clerk_name(datasette, request), "council": council, "councils": _councils(desk),
        "here": request.path, "database": desk.db_path.stem, "read_only": desk.read_only, **context},
        request=request)
    return Response.html(html, status=status)


async def _refuse(datasette, request, desk: Desk | None, why: str) -> Response:
    """403 with the one line: nothing was changed."""
    if desk is None:
        return Response.text(why, status=403)
    return await _page(datasette, request, "clerk_refused.html", desk, status=403, why=why)


async def _writer(datasette, request) -> tuple[Desk | None, str | None, Response | None]:
    """(desk, clerk) for a write, or the refusal to send."""
    desk = desk_of(datasette)
    if desk is None:
        return None, None, Response.text("the clerk's pages are on `plantrack serve`", status=404)
    if request.method != "POST":
        return desk, None, Response.text("send this form with POST", status=405)
    who = await clerk_name(datasette, request)
    if who is None:
        return desk, None, await _refuse(datasette, request, desk, "sign in as a clerk first: nothing was changed "
                                         "(use the sign-in link `plantrack serve` printed, or your name and password)")
    if desk.read_only:
        return desk, None, await _refuse(datasette, request, desk, f"{desk.db_path} is read-only here: nothing was "
                                         "changed")
    return desk, who, None


def _desk(datasette) -> Desk:
    desk = desk_of(datasette)
    if desk is None:
        from datasette.utils.asgi import NotFound

        raise NotFound("the clerk's pages are on `plantrack serve`")
    return desk


def _read(desk: Desk) -> sqlite3.Connection:
    return open_read(desk.db_path)


def _councils(desk: Desk) -> list[str]:
    conn = _read(desk)
    try:
        return corrections.councils(conn)
    except sqlite3.Error:
        return []
    finally:
        conn.close()


def _back(path: str, council: str | None, **more) -> str:
    args = {k: v for k, v in {"authority": council or "", **more}.items() if v}
    return path + ("?" + urlencode(args) if args else "")


# ----------------------------------------------------------------------------
# sign in, sign out
# ----------------------------------------------------------------------------

def _signed_in(datasette, name: str, via: str, to: str = "/-/clerk") -> Response:
    response = Response.redirect(to)
    actor = {"id": f"clerk:{name}", "clerk": name, "via": via}
    response.set_cookie("ds_actor", datasette.sign({"a": actor}, "actor"), httponly=True, samesite="lax")
    return response


async def sign_in(datasette, request):
    desk = _desk(datasette)
    token = request.args.get("token")
    if request.method == "GET" and token is not None:
        if desk.link.use(token):
            try:
                name = getpass.getuser()
            except (OSError, KeyError):  # no login name in some containers and services
                name = "clerk"
            datasette.add_message(request, f"signed in as {name}", datasette.INFO)
            return _signed_in(datasette, name, "link")
        return await _page(datasette, request, "clerk_sign_in.html", desk, status=403,
                           problem="this sign-in link has been used already or is not the one printed: sign in "
                                   "with your name and password, or restart `plantrack serve` for a new link")
    if request.method == "POST":
        form = await request.post_vars()
        name, password = (form.get("name") or "").strip(), form.get("password") or ""
        stored = desk.clerks.get(name)
        from plantrack.pipeline.clerk.accounts import verify_password

        ok = stored is not None and await asyncio.to_thread(verify_password, password, stored)
        if ok:
            datasette.add_message(request, f"signed in as {name}", datasette.INFO)
            return _signed_in(datasette, name, "password")
        return await _page(datasette, request, "clerk_sign_in.html", desk, status=403,
                           problem="that name and password do not match a clerk of plantrack.toml's [clerks]")
    return await _page(datasette, request, "clerk_sign_in.html", desk, problem=None)


async def sign_out(datasette, request):
    if request.method != "POST":
        return Response.text("send this form with POST", status=405)
    response = Response.redirect("/-/clerk")
    response.set_cookie("ds_actor", "", expires=0, max_age=0)
    datasette.add_message(request, "signed out", datasette.INFO)
    return response


# ----------------------------------------------------------------------------
# home, digest, page images
# ----------------------------------------------------------------------------

async def home(datasette, request):
    desk = _desk(datasette)
    council = (request.args.get("authority") or "").strip()
    conn = _read(desk)
    try:
        items = queue(conn, authority=council or None)
        in_force = [c for c in corrections.listing(conn, include_withdrawn=False, authority=council or None)]
    finally:
        conn.close()
    return await _page(datasette, request, "clerk_home.html", desk, waiting=len(items), in_force=len(in_force),
                       report=report_path(desk.db_path).exists(), sign_in_names=bool(desk.clerks))


async def digest(datasette, request):
    desk = _desk(datasette)
    path = report_path(desk.db_path)
    if not path.exists():
        return Response.text("no report yet: it is written by `plantrack run` (or after a correction)", status=404)
    return Response.html(path.read_text(encoding="utf-8", errors="replace"))


async def page_image(datasette, request):
    desk = _desk(datasette)
    try:
        document, page = int(request.args.get("document", "")), int(request.args.get("page", ""))
    except ValueError:
        return Response.text("give document=ID&page=N", status=400)
    conn = _read(desk)
    try:
        row = conn.execute("SELECT path, format FROM documents WHERE id = ?", (document,)).fetchone()
    finally:
        conn.close()
    if row is None or (row[1] or "pdf") != "pdf":
        return Response.text(f"no PDF stored as document {document}", status=404)
    try:
        png = await asyncio.to_thread(render_png, Path(row[0]), page)
    except NoImage as e:
        return Response.text(str(e), status=404)
    return Response(png, content_type="image/png", headers={"cache-control": "private, max-age=300"})


# ----------------------------------------------------------------------------
# add papers
# ----------------------------------------------------------------------------

def _outcome_rows(desk: Desk) -> list[dict]:
    """Every upload's files with what became of each, newest upload first."""
    ups = list(reversed(desk.uploads()))
    if not ups:
        return []
    conn = _read(desk)
    try:
        out = []
        for up in ups:
            done = up.outcomes()
            for path in up.files:
                line = done.get(str(path))
                out.append({"upload": up.id, "council": up.council, "by": up.by, "file": path.name,
                            **_outcome(conn, up, line)})
        return out
    finally:
        conn.close()


def _outcome(conn: sqlite3.Connection, up: uploads.Upload, line: dict | None) -> dict:
    """What became of one file, in the clerk's words."""
    if line is None:
        if up.state == "failed":
            return {"state": "failed", "detail": up.problem or "the run failed"}
        return {"state": "waiting" if up.state == "waiting" else "reading", "detail": ""}
    if line["outcome"] == "failed":
        return {"state": "failed", "detail": line.get("error") or ""}
    if line["outcome"] in ("skipped", "missing"):
        return {"state": "not read", "detail": line.get("error") or ""}
    doc = line.get("document_id")
    reports = conn.execute("SELECT plan, period, superseded_by, (SELECT count(*) FROM actions a WHERE a.report_id = "
                           "reports.id) FROM reports WHERE document_id = ?", (doc,)).fetchall()
    meetings = conn.execute("SELECT committee, meeting_date, superseded_by FROM meetings WHERE document_id = ?",
                            (doc,)).fetchall()
    read = [f"{p or 'plan not named'} {period or ''}: {n} action(s)".strip() for p, period, _, n in reports]
    read += [f"minutes of {c or 'committee not named'}, {d or 'date not found'}" for c, d, _ in meetings]
    superseded = any(r[2] for r in reports) or any(m[2] for m in meetings)
    state = "superseded" if superseded else {"unchanged": "already read", "updated": "read again"}.get(
        line["outcome"], "read")
    detail = "; ".join(read) or "nothing found in it to read (neither a plan report nor minutes)"
    if superseded:
        detail += " — another copy of the same paper counts instead"
    return {"state": state, "detail": detail}


async def papers(datasette, request):
    desk = _desk(datasette)
    if request.method == "POST":
        return await _upload(datasette, request)
    rows = _outcome_rows(desk)
    council = (request.args.get("authority") or "").strip()
    if council:
        from plantrack.models.keys import authority_matches

        rows = [r for r in rows if r["council"] and authority_matches(r["council"], council)]
    return await _page(datasette, request, "clerk_papers.html", desk, rows=rows,
                       busy=desk.busy(), upload_mb=desk.upload_mb,
                       formats=", ".join(uploads.READ))


async def _upload(datasette, request):
    desk, who, refusal = await _writer(datasette, request)
    if refusal:
        return refusal
    desk.papers.mkdir(parents=True, exist_ok=True)
    # a hidden folder beside the papers (never read by a run): the same file system, so saving is a move
    with tempfile.TemporaryDirectory(prefix=".upload-", dir=desk.papers) as staging:
        try:
            form = await receive_form(request.scope, request.receive, Path(staging), desk.upload_mb * 2 ** 20)
        except (TooLarge, ValueError) as e:
            return await _refuse(datasette, request, desk, f"{e}: nothing was saved")
        # the CSRF check asgi-csrf would make (hooks.skip_csrf): the form's token is the cookie's
        token, cookie = form.fields.get("csrftoken", ""), request.cookies.get("ds_csrftoken", "")
        if not cookie or not hmac.compare_digest(token.encode(), cookie.encode()):
            return await _refuse(datasette, request, desk, "the form's security token is missing or out of date "
                                                           "(reload the page and add the papers again): nothing was saved")
        council = " ".join((form.fields.get("new_authority") or form.fields.get("authority") or "").split()) or None
        saved, refused = [], []
        for given, path in form.files:
            try:
                name = uploads.file_name(given)
                saved.append(uploads.place(uploads.council_folder(desk.papers, council), name, path))
            except uploads.UploadError as e:
                refused.append(str(e))
    if not saved and not refused:
        refused.append("no file chosen")
    for line in refused:
        datasette.add_message(request, f"not added: {line}", datasette.ERROR)
    if saved:
        up = desk.runner.add(saved, council, who)
        datasette.add_message(request, f"upload {up.id}: {len(saved)} file(s) saved under "
                                       f"{uploads.council_folder(desk.papers, council)}, now being read", datasette.INFO)
    return Response.redirect(_back("/-/clerk/papers", council))


# ----------------------------------------------------------------------------
# the review queue and corrections
# ----------------------------------------------------------------------------

def _current(conn: sqlite3.Connection, item: dict) -> tuple[str | None, dict]:
    """(form kind, the values the form starts from) of a queue item: an action's, an Amber reason's or a
    set of minutes' correctable values; (None, {}) for an item no correction can change (a score)."""
    if item.get("amber_reason_id"):
        row = conn.execute("SELECT ar.new_rag, x.ref FROM amber_reasons ar LEFT JOIN actions x ON x.id = ar.action_id "
                           "WHERE ar.id = ?", (item["amber_reason_id"],)).fetchone()
        return ("reason", {"action_ref": row[1], "new_rag": row[0]}) if row else (None, {})
    if item["kind"].startswith("minutes without") and item.get("file"):
        row = conn.execute("SELECT meeting_date, committee FROM meetings WHERE document_id = ? AND first_page IS ?",
                           (item["document_id"], item["page"])).fetchone()
        return ("minutes", {"meeting_date": row[0], "committee": row[1]}) if row else (None, {})
    if item.get("action_id") and item.get("ref"):
        row = conn.execute(f"SELECT {', '.join(ACTION_FORM)} FROM actions WHERE id = ?", (item["action_id"],)).fetchone()
        return ("action", dict(zip(ACTION_FORM, row))) if row else (None, {})
    return None, {}


async def review_queue(datasette, request):
    desk = _desk(datasette)
    council = (request.args.get("authority") or "").strip()
    conn = _read(desk)
    try:
        items = queue(conn, authority=council or None)
        pdfs = {i for i, in conn.execute("SELECT id FROM documents WHERE coalesce(format, 'pdf') = 'pdf'")}
        for item in items:
            item["form"], item["values"] = _current(conn, item)
            item["image"] = (f"/-/clerk/page-image?document={item['document_id']}&page={item['page']}"
                             if item["document_id"] in pdfs and item["page"] else None)
    finally:
        conn.close()
    return await _page(datasette, request, "clerk_queue.html", desk, items=items, statuses=ORDER, labels=LABELS,
                       action_fields=ACTION_FORM, reason_fields=REASON_FORM, minutes_fields=MINUTES_FORM)


def _correct_args(form: dict, who: str) -> tuple[list[str], str | None]:
    """The `plantrack correct` arguments for a submitted form (only the values the clerk changed),
    or (…, why nothing is to be done)."""
    kind = form.get("target")
    fields = {"action": ACTION_FORM, "reason": REASON_FORM, "minutes": MINUTES_FORM}.get(kind, ())
    if not fields:
        return [], "the form names no action, Amber reason or minutes"
    sets = []
    for name in fields:
        if name not in form:  # a field the form did not send is left as it is
            continue
        new, was = (form.get(name) or "").strip(), (form.get(f"was_{name}") or "").strip()
        if new != was:
            sets.append(f"--set={name}={new or 'none'}")
    if not sets:
        return [], "nothing was changed in the form"
    # --opt=value throughout: a value can never be taken for an option
    page = (form.get("page") or "").strip()
    named = {"action": [f"--plan={form.get('plan', '')}", f"--period={form.get('period', '')}",
                        f"--ref={form.get('ref', '')}"],
             "reason": [f"--meeting={form.get('meeting', '')}", f"--position={form.get('position', '')}"],
             "minutes": [f"--minutes={form.get('file', '')}", *([f"--page={page}"] if page else [])]}[kind]
    council = (form.get("authority") or "").strip()
    note = (form.get("note") or "").strip()
    return (["correct", *named, *sets, f"--by={who}", *([f"--note={note}"] if note else []),
             *([f"--authority={council}"] if council else [])], None)


async def correct(datasette, request):
    desk, who, refusal = await _writer(datasette, request)
    if refusal:
        return refusal
    form = await request.post_vars()
    args, nothing = _correct_args(form, who)
    back = _back("/-/clerk/queue", form.get("filter"))
    if nothing:
        datasette.add_message(request, nothing, datasette.WARNING)
        return Response.redirect(back)
    await _run(datasette, request, desk, *args)
    return Response.redirect(back)


async def _run(datasette, request, desk: Desk, *args: str) -> bool:
    """Run `plantrack ARGS --db DB` and show its lines: what it did, or its one-line error."""
    code, lines = await asyncio.to_thread(child.run, *args, f"--db={desk.db_path}", "--wait=120")
    said = [line for line in lines if line.startswith(("correction", "withdrew", "error", "busy"))] or lines[-1:]
    for line in said:
        datasette.add_message(request, line, datasette.INFO if code == 0 else datasette.ERROR)
    return code == 0


async def corrections_page(datasette, request):
    desk = _desk(datasette)
    council = (request.args.get("authority") or "").strip()
    conn = _read(desk)
    try:
        rows = list(reversed(corrections.listing(conn, authority=council or None)))
    finally:
        conn.close()
    return await _page(datasette, request, "clerk_corrections.html", desk, rows=rows)


async def undo(datasette, request):
    desk, who, refusal = await _writer(datasette, request)
    if refusal:
        return refusal
    form = await request.post_vars()
    number = (form.get("id") or "").strip()
    if not number.isdigit():
        datasette.add_message(request, "which correction? give its number", datasette.ERROR)
    else:
        await _run(datasette, request, desk, "correct", f"--undo={number}", f"--by={who}")
    return Response.redirect(_back("/-/clerk/corrections", form.get("filter")))


ROUTES = [
    (r"^/-/clerk$", home),
    (r"^/-/clerk/sign-in$", sign_in),
    (r"^/-/clerk/sign-out$", sign_out),
    (f"^{UPLOAD}$", papers),
    (r"^/-/clerk/queue$", review_queue),
    (r"^/-/clerk/correct$", correct),
    (r"^/-/clerk/corrections$", corrections_page),
    (r"^/-/clerk/undo$", undo),
    (r"^/-/clerk/page-image$", page_image),
    (r"^/-/clerk/report$", digest),
]
