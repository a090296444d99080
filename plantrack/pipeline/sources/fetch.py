"""`plantrack fetch`: new papers from a council's ModernGov site into a readable tree, and a `sources` row
for every paper so the next night asks only for what changed.

The tree is `<into>/<site host>/<committee>/<YYYY-MM-DD>/<title>.pdf` (the host without its port; names
made safe for every file system: no separators, `..` or control characters, cut to fit with a short hash
to keep long names apart), plus `Minutes <committee> <YYYY-MM-DD>.html` when the meeting's minutes are
published as text. Minutes on the next meeting's "Minutes of the previous meeting" item are fetched
into the earlier meeting's folder even when the next meeting falls after `--until`. A paper already
held is not asked for again unless the site gave validators (ETag / Last-Modified), in which case it is
asked conditionally and a 304 costs nothing; bytes already held under that URL are not written again,
so the nightly ingest skips them too.
"""
from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from plantrack.extract.document import sha256_of
from plantrack.store import schema
from plantrack.store import now
from plantrack.pipeline.sources.http import FetchError, PoliteClient, write_atomically
from plantrack.pipeline.sources.moderngov import Meeting, ModernGovSite, Paper, check_site, clean_title, suggest

DAYS_BACK = 365      # a first fetch without --since brings the last year
DAYS_AHEAD = 31      # and agendas already published for the month ahead
MAX_NAME = 120       # characters of a file name, before its extension
MAX_NAME_BYTES = 200  # and its UTF-8 bytes: file systems allow 255 a name, leaving room for " (2).pdf"
NEXT_MEETING_WITHIN = 183  # days after --until to look for the next meeting, whose agenda carries the minutes
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
EXTENSIONS = (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".rtf", ".html", ".htm", ".pptx")
CONTENT_TYPES = {"application/pdf": ".pdf", "application/msword": ".doc", "text/html": ".html",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
                 "application/vnd.ms-excel": ".xls", "application/rtf": ".rtf"}
MINUTES_NAME = "Minutes"


@dataclass
class Outcome:
    """What happened to one paper: new (written), unchanged (already held) or failed (`error` says why)."""

    url: str
    title: str
    outcome: str
    path: Path | None = None
    error: str | None = None
    committee: str = ""
    meeting_date: str = ""


@dataclass
class Summary:
    site: str
    authority: str | None = None
    route: str = ""
    meetings: int = 0
    cancelled: int = 0
    restricted: int = 0
    papers: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # whole committees or the site, one line each

    def failures(self) -> list[tuple[str, str]]:
        """Every failure as (where, line) for the run's ledger: the site or committee, or the paper's URL."""
        return [(self.site, p) for p in self.problems] + [(o.url, failed_line(o)) for o in self.papers
                                                          if o.outcome == "failed"]

    def count(self, outcome: str) -> int:
        return sum(p.outcome == outcome for p in self.papers)

    @property
    def failed(self) -> bool:
        return bool(self.problems) or any(p.outcome == "failed" for p in self.papers)


def ensure_table(conn: sqlite3.Connection) -> None:
    """The `sources` table (declared in plantrack/store/schema.py)."""
    schema.ensure_table(conn, "sources")


def parse_day(value, what: str) -> date | None:
    """A date from plantrack.toml (a TOML date or 'YYYY-MM-DD') or a flag; ValueError with one line."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{what} must be a date written YYYY-MM-DD, got {value!r}") from None


def window(since: date | None, until: date | None, today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    return since or today - timedelta(days=DAYS_BACK), until or today + timedelta(days=DAYS_AHEAD)


def safe_name(text: str, fallback: str = "paper") -> str:
    """A file or folder name any file system takes: no separators, reserved or control characters, no
    leading dot (so never `.` or `..`), not a Windows device name, at most MAX_NAME characters and
    MAX_NAME_BYTES bytes; a name that had to be cut ends with a short hash of the whole, so two long
    titles that begin alike stay apart."""
    whole = unicodedata.normalize("NFKC", text)
    text = re.sub(r'[<>:"/\\|?*]+', " ", clean_title(whole))
    text = " ".join(text.split()).strip(" .")
    if len(text) > MAX_NAME or len(text.encode("utf-8")) > MAX_NAME_BYTES:
        tag = hashlib.sha256(whole.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        cut = text[:MAX_NAME - 9]
        while len(cut.encode("utf-8")) > MAX_NAME_BYTES - 9:
            cut = cut[:-1]
        cut = (cut.rsplit(" ", 1)[0] if " " in cut[len(cut) // 2:] else cut).strip(" .")
        text = f"{cut} {tag}".strip()
    if not text or text.split(".")[0].upper() in WINDOWS_RESERVED:
        text = f"{fallback} {text}".strip()
    return text


def _extension(url: str, content_type: str = "") -> str:
    path = urlsplit(url).path.lower()
    for ext in EXTENSIONS:
        if path.endswith(ext):
            return ext
    if "mgconvert2pdf" in path:
        return ".pdf"
    return CONTENT_TYPES.get(content_type, ".pdf")


class Fetcher:
    """One site's fetch into `into`, recording in the `sources` table of `conn` (autocommit)."""

    def __init__(self, conn: sqlite3.Connection, client: PoliteClient, into: Path, *,
                 say: Callable[[str], None] = lambda line: None):
        self.conn, self.client, self.into, self.say = conn, client, Path(into), say
        ensure_table(conn)

    def fetch(self, site: str, committees: Iterable[str], since: date | None = None, until: date | None = None,
              authority: str | None = None) -> Summary:
        mg = ModernGovSite(site, self.client)
        summary = Summary(mg.base)
        since, until = window(since, until)
        try:
            wanted = []
            for name in committees:
                found = mg.committee(str(name))
                if found is None:
                    close = suggest(mg.committees(), str(name))
                    summary.problems.append(
                        f"committee {str(name)!r} not found on {mg.base} ({len(mg.committees())} committees"
                        + (f"; did you mean {' or '.join(repr(c) for c in close)}?)" if close else ")"))
                else:
                    wanted.append(found)
            summary.authority = authority or self._known_authority(mg.base) or mg.authority()
            for committee in wanted:
                try:
                    meetings = mg.meetings(committee, since, until + timedelta(days=NEXT_MEETING_WITHIN))
                except FetchError as e:
                    summary.problems.append(f"{committee.title}: meetings could not be listed: {e}")
                    continue
                held = [m for m in meetings if m.date <= until and self._meeting(mg, m, summary)]
                later = [m for m in meetings if m.date > until and not m.cancelled]
                if held and later:
                    self._previous_minutes(mg, later[0], held[-1], summary)
        except FetchError as e:
            summary.problems.append(f"{mg.base}: {e}")
        summary.route = mg.route + (f" ({mg.why_pages})" if mg.why_pages else "")
        return summary

    def _known_authority(self, site: str) -> str | None:
        row = self.conn.execute("SELECT authority FROM sources WHERE site = ? AND authority IS NOT NULL "
                                "ORDER BY fetched_at DESC LIMIT 1", (site,)).fetchone()
        return row[0] if row else None

    def _folder(self, mg: ModernGovSite, meeting: Meeting) -> Path:
        return self.into / safe_name(mg.host, "site") / safe_name(meeting.committee.title, "committee") \
            / meeting.date.isoformat()

    def _meeting(self, mg: ModernGovSite, meeting: Meeting, summary: Summary) -> bool:
        """The meeting's public papers and minutes; False when it was cancelled or could not be read."""
        label = f"{meeting.committee.title} {meeting.date.isoformat()}"
        if meeting.cancelled:
            summary.cancelled += 1
            self.say(f"{label}: cancelled, skipped")
            return False
        try:
            mg.read(meeting)
        except FetchError as e:
            summary.problems.append(f"{label}: the meeting's page could not be read: {e}")
            self.say(f"{label}: could not be read: {e}")
            return False
        if meeting.cancelled:
            summary.cancelled += 1
            self.say(f"{label}: cancelled, skipped")
            return False
        summary.meetings += 1
        summary.restricted += meeting.restricted
        folder = self._folder(mg, meeting)
        # a fetch killed by SIGKILL leaves its temporary file; only one fetch writes a database's tree at a
        # time (the run lock), so any found now is stale
        for stale in folder.glob(".plantrack-*.part") if folder.is_dir() else ():
            stale.unlink(missing_ok=True)
        claimed: set[Path] = set()
        outcomes = [self._paper(mg, meeting, paper, folder, claimed, summary.authority) for paper in meeting.papers]
        if meeting.minutes_html is not None:
            outcomes.append(self._minutes(mg, meeting, folder, claimed, summary.authority))
        summary.papers += outcomes
        counts = {k: sum(o.outcome == k for o in outcomes) for k in ("new", "unchanged", "failed")}
        self.say(f"{label}: {len(outcomes)} paper(s): {counts['new']} new, {counts['unchanged']} unchanged, "
                 f"{counts['failed']} failed" + (f"; {meeting.restricted} restricted, not requested"
                                                 if meeting.restricted else ""))
        return True

    def _previous_minutes(self, mg: ModernGovSite, later: Meeting, earlier: Meeting, summary: Summary) -> None:
        """The minutes the next meeting's agenda carries ("Minutes of the previous meeting"), though that
        meeting is after the dates asked: saved beside the earlier meeting's papers, whose meeting they
        most likely record (the paper's own title block settles it when it is read)."""
        label = f"{earlier.committee.title} {earlier.date.isoformat()}"
        try:
            mg.read(later)
        except FetchError as e:
            summary.problems.append(f"{label}: the next meeting ({later.date.isoformat()}), whose agenda carries "
                                    f"the minutes, could not be read: {e}")
            return
        # named for where they were found, so "Minutes of the previous meeting" in the earlier meeting's
        # folder is not taken for the minutes of the one before it
        papers = [Paper(p.url, f"{p.title} (on the {later.date.isoformat()} agenda)", True)
                  for p in later.papers if p.previous_minutes] if not later.cancelled else []
        if not papers:
            return
        claimed: set[Path] = set()
        outcomes = [self._paper(mg, earlier, p, self._folder(mg, earlier), claimed, summary.authority)
                    for p in papers]
        summary.papers += outcomes
        self.say(f"{label}: {len(outcomes)} paper(s) of minutes on the next meeting's agenda "
                 f"({later.date.isoformat()}): {sum(o.outcome == 'new' for o in outcomes)} new, "
                 f"{sum(o.outcome == 'unchanged' for o in outcomes)} unchanged, "
                 f"{sum(o.outcome == 'failed' for o in outcomes)} failed")

    def _row(self, url: str) -> dict | None:
        cur = self.conn.execute("SELECT * FROM sources WHERE url = ?", (url,))
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row)) if row else None

    def _holding(self, sha256: str) -> Path | None:
        """A file already fetched with these bytes, if one is still there."""
        for (path,) in self.conn.execute("SELECT path FROM sources WHERE sha256 = ? AND path IS NOT NULL", (sha256,)):
            if Path(path).is_file():
                return Path(path)
        return None

    def _place(self, folder: Path, title: str, ext: str, url: str, claimed: set[Path]) -> Path:
        """A name for a new paper: its title, with (2), (3)… when another paper of the meeting has it."""
        base = safe_name(title)
        for n in range(1, 1000):
            path = folder / (f"{base}{ext}" if n == 1 else f"{base} ({n}){ext}")
            owner = self.conn.execute("SELECT url FROM sources WHERE path = ?", (str(path),)).fetchone()
            if path not in claimed and (owner is None or owner[0] == url) and (owner or not path.exists()):
                claimed.add(path)
                return path
        raise FetchError(f"no free file name for {title!r} in {folder}")

    def _record(self, url: str, mg: ModernGovSite, meeting: Meeting, title: str, authority: str | None, **facts) -> None:
        row = {"url": url, "site": mg.base, "authority": authority, "committee": meeting.committee.title,
               "meeting_date": meeting.date.isoformat(), "title": title, **facts}
        cols = ", ".join(row)
        updates = ", ".join(f"{k} = excluded.{k}" for k in row if k != "url")
        self.conn.execute(f"INSERT INTO sources ({cols}) VALUES ({', '.join('?' * len(row))}) "
                          f"ON CONFLICT(url) DO UPDATE SET {updates}", tuple(row.values()))

    def _paper(self, mg: ModernGovSite, meeting: Meeting, paper: Paper, folder: Path, claimed: set[Path],
               authority: str | None) -> Outcome:
        """One paper fetched (or found held); a paper that cannot be saved here (the disk full, the folder
        not writable) fails alone, with its line, and the others are still fetched."""
        try:
            return self._get_paper(mg, meeting, paper, folder, claimed, authority)
        except OSError as e:
            out = Outcome(paper.url, paper.title, "failed", committee=meeting.committee.title,
                          meeting_date=meeting.date.isoformat(),
                          error=f"could not be saved under {folder}: {e.strerror or e}")
            self._record(paper.url, mg, meeting, paper.title, authority, error=out.error)
            return out

    def _get_paper(self, mg: ModernGovSite, meeting: Meeting, paper: Paper, folder: Path, claimed: set[Path],
                   authority: str | None) -> Outcome:
        out = Outcome(paper.url, paper.title, "failed", committee=meeting.committee.title,
                      meeting_date=meeting.date.isoformat())
        row = self._row(paper.url)
        held = Path(row["path"]) if row and row["path"] and row["sha256"] else None
        if held is not None and held.exists():
            claimed.add(held)
            if not (row["etag"] or row["last_modified"]):
                out.outcome, out.path = "unchanged", held  # papers keep their bytes: held is held
                return out
        try:
            got = self.client.download(paper.url, folder,
                                       etag=row["etag"] if held and held.exists() else None,
                                       last_modified=row["last_modified"] if held and held.exists() else None)
        except FetchError as e:
            out.error = str(e)
            self._record(paper.url, mg, meeting, paper.title, authority, error=out.error)
            return out
        try:
            if got.status == 304 and held is None:
                out.error = "the site answered 304 Not Modified to a plain request"
                self._record(paper.url, mg, meeting, paper.title, authority, error=out.error)
                return out
            if got.status == 304:
                out.outcome, out.path = "unchanged", held
                self._record(paper.url, mg, meeting, paper.title, authority, fetched_at=now(), error=None)
                return out
            ext = _extension(paper.url, got.content_type)
            if got.content_type == "text/html" and ext != ".html":
                out.error = "the site sent a web page instead of the paper (restricted, moved or a login page?)"
                self._record(paper.url, mg, meeting, paper.title, authority, error=out.error)
                return out
            if got.size == 0:
                out.error = "the site sent an empty file"
                self._record(paper.url, mg, meeting, paper.title, authority, error=out.error)
                return out
            same = self._holding(got.sha256) if held is None else None
            if held is not None and held.exists() and got.sha256 == row["sha256"]:
                out.outcome, out.path = "unchanged", held
            elif same is not None:  # the same bytes under another address (the pages' link to a paper
                out.outcome, out.path = "unchanged", same  # the web service gave before): kept once
            else:
                path = held if held is not None else self._place(folder, paper.title, ext, paper.url, claimed)
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(got.temp, path)  # the whole file or none of it under the paper's name
                got.temp = None
                out.outcome, out.path = "new", path
            self._record(paper.url, mg, meeting, paper.title, authority, sha256=got.sha256, etag=got.etag,
                         last_modified=got.last_modified, fetched_at=now(), path=str(out.path), error=None)
            return out
        finally:
            got.discard()

    def _minutes(self, mg: ModernGovSite, meeting: Meeting, folder: Path, claimed: set[Path],
                 authority: str | None) -> Outcome:
        """The minutes page, keyed by the meeting's page URL; written only when its content changed."""
        name = f"{MINUTES_NAME} {meeting.committee.title} {meeting.date.isoformat()}"
        url, title = meeting.page_url, f"{name} (text)"
        data = meeting.minutes_html.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        row = self._row(url)
        held = Path(row["path"]) if row and row["path"] else None
        out = Outcome(url, title, "unchanged", held, committee=meeting.committee.title,
                      meeting_date=meeting.date.isoformat())
        if held is not None and held.exists() and row["sha256"] == sha and sha256_of(held) == sha:
            claimed.add(held)
            return out
        path = held or self._place(folder, name, ".html", url, claimed)
        try:
            write_atomically(path, data)
        except OSError as e:  # the disk full, the folder not writable: this page fails, the fetch goes on
            out.outcome, out.path, out.error = "failed", None, f"could not be saved under {folder}: {e.strerror or e}"
            self._record(url, mg, meeting, title, authority, error=out.error)
            return out
        out.outcome, out.path = "new", path
        self._record(url, mg, meeting, title, authority, sha256=sha, fetched_at=now(), path=str(path), error=None)
        return out


@dataclass(frozen=True)
class Job:
    """One site to fetch: from the command line or a [[fetch.sites]] / [[fetch]] entry of plantrack.toml."""

    site: str
    committees: tuple[str, ...]
    since: date | None = None
    until: date | None = None
    authority: str | None = None
    contact: str | None = None   # the site's own, else fetch.contact
    delay: float | None = None   # the site's own, else fetch.delay

    def __post_init__(self):
        """ValueError with one line for what no fetch could do: a site that is not a web site, dates
        the wrong way round."""
        check_site(self.site)
        if self.since and self.until and self.until < self.since:
            raise ValueError(f"until ({self.until}) is before since ({self.since}) for {self.site}: no meeting "
                             "could fall between them")

    @classmethod
    def from_entry(cls, entry: dict) -> Job:
        """A [[fetch]] / [[fetch.sites]] entry, already checked by plantrack.settings."""
        return cls(str(entry["site"]), tuple(str(c) for c in entry["committees"]),
                   parse_day(entry.get("since"), "since"), parse_day(entry.get("until"), "until"),
                   entry.get("authority"), entry.get("contact"),
                   float(entry["delay"]) if entry.get("delay") is not None else None)


def fetch_all(jobs: Iterable[Job], into: Path, conn: sqlite3.Connection, *, contact: str = "", delay: float = 1.0,
              say: Callable[[str], None] = lambda line: None, client: PoliteClient | None = None,
              **limits) -> list[Summary]:
    """Every job in turn, with one polite client (so one request at a time per host across jobs);
    `limits` are PoliteClient's (deadline, max_paper, max_answer)."""
    own = client is None
    client = client or PoliteClient(contact=contact, delay=delay, **limits)
    try:
        fetcher = Fetcher(conn, client, into, say=say)
        summaries = []
        for j in jobs:
            client.manners(check_site(j.site), contact=j.contact, delay=j.delay)
            summaries.append(fetcher.fetch(j.site, j.committees, j.since, j.until, j.authority))
        return summaries
    finally:
        if own:
            client.close()


def describe(s: Summary) -> list[str]:
    """The summary of one site, a line each: what was seen and fetched, then every failure's reason."""
    lines = [f"{s.site} ({s.authority or 'council not named'}, via the {s.route}): {s.meetings} meeting(s) seen"
             + (f", {s.cancelled} cancelled" if s.cancelled else "")
             + f"; papers: {s.count('new')} new, {s.count('unchanged')} unchanged, {s.count('failed')} failed"
             + (f"; {s.restricted} restricted paper(s) not requested" if s.restricted else "")]
    lines += [f"failed: {p}" for p in s.problems]
    lines += [f"failed: {failed_line(o)}" for o in s.papers if o.outcome == "failed"]
    return lines


def failed_line(o: Outcome) -> str:
    return f"{o.committee} {o.meeting_date} {o.title!r} ({o.url}): {o.error}"


def as_json(summaries: list[Summary]) -> list[dict]:
    return [{"site": s.site, "authority": s.authority, "route": s.route, "meetings": s.meetings,
             "cancelled": s.cancelled, "restricted": s.restricted, "problems": s.problems,
             "papers": [{"url": o.url, "title": o.title, "outcome": o.outcome, "path": str(o.path) if o.path else None,
                         "error": o.error, "committee": o.committee, "meeting_date": o.meeting_date}
                        for o in s.papers]} for s in summaries]
