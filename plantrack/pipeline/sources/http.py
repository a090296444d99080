"""A polite HTTP client for council sites, on httpx.

Council hosts are small and slow: one request at a time per host, `delay` seconds between requests
(redirect hops included: each hop is a request), a 60 s timeout per read and an overall deadline per
request (a server dripping one byte every few seconds is cut off), a few retries with growing waits on
5xx answers and dropped connections, and a User-Agent that says who is asking and how to reach them.
Nothing is held or written beyond a size cap: a web-service answer or page is read up to
`max_answer` bytes, a paper up to `max_paper` bytes. Downloads stream into a temporary file beside
their destination while being hashed, so a killed fetch never leaves half a PDF under a paper's name
(the caller renames the temporary file into place, or drops it when the bytes are already held).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

TIMEOUT_S = 60.0          # the longest wait for any one read
DEADLINE_S = 900.0        # the longest one request may take in all (a 200 MB paper at 2 Mbit/s fits)
MAX_PAPER = 200 * 2**20   # bytes of one paper: real agenda packs run to tens of MB
MAX_ANSWER = 20 * 2**20   # bytes of one web-service answer or page: real ones are well under 1 MB
MAX_REDIRECTS = 5
RETRIES = 3
RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_RETRY_AFTER_S = 300  # a site asking for longer than this is treated as down for tonight
SCHEMES = ("http", "https")


def version() -> str:
    try:
        return metadata.version("plantrack")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "0"


def user_agent(contact: str) -> str:
    """`plantrack/0.1.0 (committee papers for plan tracking; contact: clerk@council.gov.uk)`."""
    return (f"plantrack/{version()} (committee papers for plan tracking; "
            f"contact: {contact.strip() or 'not given'})")


class FetchError(Exception):
    """A request that failed for good; str() is the one line a clerk can act on."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class Answer:
    """A whole (capped) answer: a web-service XML or a page; 4xx come back for the caller to judge."""

    url: str
    status_code: int
    headers: httpx.Headers
    content: bytes = b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


@dataclass
class Download:
    """One GET of a paper: `status` 304 (unchanged, no file) or 200 (`temp` holds the bytes)."""

    url: str
    status: int
    temp: Path | None = None
    sha256: str | None = None
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    retry_after: str | None = None
    location: str | None = None

    def discard(self) -> None:
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)
            self.temp = None


def megabytes(n: int) -> str:
    return f"{n / 2**20:.3g} MB"


class PoliteClient:
    """GETs with the manners above. `sleep` and `transport` are for tests (no real waiting, no network)."""

    def __init__(self, *, contact: str = "", delay: float = 1.0, timeout: float = TIMEOUT_S,
                 deadline: float = DEADLINE_S, max_paper: int = MAX_PAPER, max_answer: int = MAX_ANSWER,
                 retries: int = RETRIES, backoff: float | None = None,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep):
        self.delay = max(0.0, delay)
        self.deadline = deadline
        self.max_paper, self.max_answer = max_paper, max_answer
        self.retries = retries
        # waits after a failure grow from here (2, 4, 8 × backoff); never shorter than the delay
        self.backoff = max(self.delay, 1.0) if backoff is None else backoff
        self.sleep = sleep
        self.requests = 0
        self._last: dict[str, float] = {}
        self._delays: dict[str, float] = {}      # a site's own delay and contact ([[fetch.sites]] entries)
        self._agents: dict[str, str] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        # redirects are followed here, one hop at a time, so each hop waits its turn like any request
        self.client = httpx.Client(headers={"User-Agent": user_agent(contact)}, timeout=min(timeout, deadline),
                                   follow_redirects=False, transport=transport)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def manners(self, site: str, *, contact: str | None = None, delay: float | None = None) -> None:
        """A site's own contact (in the User-Agent) and delay, instead of the client's, for every
        request to its host."""
        host = urlsplit(site).netloc.lower()
        if delay is not None:
            self._delays[host] = max(0.0, float(delay))
        if contact:
            self._agents[host] = user_agent(contact)

    def _headers(self, url: str, extra: dict | None = None) -> dict:
        agent = self._agents.get(urlsplit(url).netloc.lower())
        return {**({"User-Agent": agent} if agent else {}), **(extra or {})}

    def _host_lock(self, url: str) -> tuple[str, threading.Lock]:
        host = urlsplit(url).netloc.lower()
        with self._guard:
            return host, self._locks.setdefault(host, threading.Lock())

    def _pause(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self._delays.get(host, self.delay) - (time.monotonic() - last)
            if wait > 0:
                self.sleep(wait)

    def _attempts(self, url: str, send: Callable[[], object]):
        """Run `send` under the host's lock, retrying 5xx answers and connection errors."""
        host, lock = self._host_lock(url)
        with lock:
            for attempt in range(self.retries + 1):
                self._pause(host)
                self.requests += 1
                try:
                    result = send()
                except httpx.TransportError as e:
                    error: FetchError = FetchError(f"could not reach {host}: {_transport_reason(e)}")
                    result = None
                except (httpx.HTTPError, httpx.InvalidURL) as e:  # a bad link: no retry helps
                    raise FetchError(f"could not fetch {url}: {e}") from None
                finally:
                    self._last[host] = time.monotonic()
                if result is not None:
                    status = result[0] if isinstance(result, tuple) else result.status_code
                    if status not in RETRY_STATUSES:
                        return result
                    error = FetchError(f"the site answered {status} {_reason(status)}", status)
                    asked = result[1].retry_after if isinstance(result, tuple) else result.headers.get("retry-after")
                    if isinstance(result, tuple):
                        result[1].discard()
                else:
                    asked = None
                if attempt < self.retries:
                    # the site's own Retry-After (in seconds) when it gives one, else a growing wait
                    wait = self.backoff * 2 ** attempt
                    if asked and asked.strip().isdigit():
                        if int(asked) > MAX_RETRY_AFTER_S:
                            raise error
                        wait = max(wait, float(asked))
                    self.sleep(wait)
            raise error

    def _hops(self, url: str, one: Callable[[str], object], location: Callable[[object], str | None]):
        """`one(url)` (retried by `_attempts`), following up to MAX_REDIRECTS redirects to http(s) only."""
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            result = self._attempts(url, lambda u=url: one(u))
            where = location(result)
            if where is None:
                return result
            url = urljoin(url, where)
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS}) from {url}")

    def _chunks(self, r: httpx.Response, cap: int, what: str, started: float):
        """The body in chunks, cut off past `cap` bytes or the request's deadline."""
        length = r.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise FetchError(f"{what} is larger than the {megabytes(cap)} limit ({megabytes(int(length))})")
        size = 0
        for chunk in r.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchError(f"{what} is larger than the {megabytes(cap)} limit")
            if time.monotonic() - started > self.deadline:
                raise FetchError(f"{what} took longer than {self.deadline:g} s in all (the site is too slow)")
            yield chunk

    def get(self, url: str) -> Answer:
        """The whole answer (pages and web-service XML), at most `max_answer` bytes."""
        def one(u: str) -> Answer:
            started = time.monotonic()
            with self.client.stream("GET", u, headers=self._headers(u)) as r:
                a = Answer(u, r.status_code, r.headers)
                if r.status_code not in REDIRECT_STATUSES:
                    a.content = b"".join(self._chunks(r, self.max_answer, "the site's answer", started))
                return a

        return self._hops(url, one, lambda a: a.headers.get("location") if a.status_code in REDIRECT_STATUSES else None)

    def download(self, url: str, folder: Path, *, etag: str | None = None,
                 last_modified: str | None = None) -> Download:
        """GET `url` into a temporary file in `folder`, conditionally when validators are known.
        Raises FetchError with one line for anything but 200 or 304."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        def one(u: str):
            started = time.monotonic()
            with self.client.stream("GET", u, headers=self._headers(u, headers)) as r:
                d = Download(u, r.status_code, etag=r.headers.get("etag"),
                             last_modified=r.headers.get("last-modified"),
                             content_type=r.headers.get("content-type", "").split(";")[0].strip().lower(),
                             retry_after=r.headers.get("retry-after"),
                             location=r.headers.get("location") if r.status_code in REDIRECT_STATUSES else None)
                if r.status_code != 200:
                    return r.status_code, d
                folder.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(dir=folder, prefix=".plantrack-", suffix=".part")
                digest = hashlib.sha256()
                try:
                    with os.fdopen(fd, "wb") as f:
                        for chunk in self._chunks(r, self.max_paper, "the paper", started):
                            digest.update(chunk)
                            f.write(chunk)
                            d.size += len(chunk)
                except BaseException:
                    Path(name).unlink(missing_ok=True)
                    raise
                d.temp, d.sha256 = Path(name), digest.hexdigest()
                return r.status_code, d

        status, d = self._hops(url, one, lambda result: result[1].location)
        if status in (200, 304):
            return d
        raise FetchError(f"the site answered {status} {_reason(status)}", status)


def check_url(url: str) -> None:
    """Only web addresses are asked for: a `file:`, `ftp:` or `javascript:` link (or a redirect to
    one) is refused with one line."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise FetchError(f"not a web address (http or https): {url[:200]!r}")


def _reason(status: int) -> str:
    try:
        from http import HTTPStatus
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _transport_reason(e: httpx.TransportError) -> str:
    if isinstance(e, httpx.TimeoutException):
        return "no answer within the timeout"
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def write_atomically(path: Path, data: bytes) -> None:
    """Bytes to `path` by a temporary file and a rename: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".plantrack-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
