"""A polite HTTP client for council sites, on httpx.

Council hosts are small and slow: one request at a time per host, `delay` seconds between requests,
a 60 s timeout, a few retries with growing waits on 5xx answers and dropped connections, and a
User-Agent that says who is asking and how to reach them. Downloads stream into a temporary file
beside their destination while being hashed, so a killed fetch never leaves half a PDF under a
paper's name (the caller renames the temporary file into place, or drops it when the bytes are
already held).
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
from urllib.parse import urlsplit

import httpx

TIMEOUT_S = 60.0
RETRIES = 3
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 300  # a site asking for longer than this is treated as down for tonight


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

    def discard(self) -> None:
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)
            self.temp = None


class PoliteClient:
    """GETs with the manners above. `sleep` and `transport` are for tests (no real waiting, no network)."""

    def __init__(self, *, contact: str = "", delay: float = 1.0, timeout: float = TIMEOUT_S,
                 retries: int = RETRIES, backoff: float | None = None,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep):
        self.delay = max(0.0, delay)
        self.retries = retries
        # waits after a failure grow from here (2, 4, 8 × backoff); never shorter than the delay
        self.backoff = max(self.delay, 1.0) if backoff is None else backoff
        self.sleep = sleep
        self.requests = 0
        self._last: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.client = httpx.Client(headers={"User-Agent": user_agent(contact)}, timeout=timeout,
                                   follow_redirects=True, transport=transport)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _host_lock(self, url: str) -> tuple[str, threading.Lock]:
        host = urlsplit(url).netloc.lower()
        with self._guard:
            return host, self._locks.setdefault(host, threading.Lock())

    def _pause(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self.delay - (time.monotonic() - last)
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
                except (httpx.HTTPError, httpx.InvalidURL) as e:  # too many redirects, a bad link: no retry helps
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

    def get(self, url: str) -> httpx.Response:
        """The whole response (pages and web-service XML); 4xx comes back for the caller to judge."""
        return self._attempts(url, lambda: self.client.get(url))

    def download(self, url: str, folder: Path, *, etag: str | None = None,
                 last_modified: str | None = None) -> Download:
        """GET `url` into a temporary file in `folder`, conditionally when validators are known.
        Raises FetchError with one line for anything but 200 or 304."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        def send():
            with self.client.stream("GET", url, headers=headers) as r:
                d = Download(url, r.status_code, etag=r.headers.get("etag"),
                             last_modified=r.headers.get("last-modified"),
                             content_type=r.headers.get("content-type", "").split(";")[0].strip().lower(),
                             retry_after=r.headers.get("retry-after"))
                if r.status_code != 200:
                    return r.status_code, d
                folder.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(dir=folder, prefix=".plantrack-", suffix=".part")
                digest = hashlib.sha256()
                try:
                    with os.fdopen(fd, "wb") as f:
                        for chunk in r.iter_bytes():
                            digest.update(chunk)
                            f.write(chunk)
                            d.size += len(chunk)
                except BaseException:
                    Path(name).unlink(missing_ok=True)
                    raise
                d.temp, d.sha256 = Path(name), digest.hexdigest()
                return r.status_code, d

        status, d = self._attempts(url, send)
        if status in (200, 304):
            return d
        raise FetchError(f"the site answered {status} {_reason(status)}", status)


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
