"""What every executor's worker does with one file, wherever it runs (the local pool, pool.py; a Dask
worker, cluster.py): read it with `extract_document` under a memory ceiling, write the record to the
extraction cache (`extracted/<sha256>.v<extractor version>.json`, a cache: a re-load or a schema change
never re-parses a file), and turn a child's exit code into the failure's one line.
"""
from __future__ import annotations

import errno
import json
import os
import resource
from collections.abc import Callable
from pathlib import Path

from plantrack.extract import EXTRACTOR_VERSION
from plantrack.models import Extraction
from plantrack.pipeline.sources.discovery import safe_text

DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MEMORY_MB = 2048


def load_readers() -> Callable[[Path], Extraction]:
    """Import the extractors (pdfplumber, pdfminer, pypdfium2, numpy, python-docx, lxml) in this process.

    They are not imported with this module: a run that finds nothing new to read (the nightly no-op)
    never needs them, and importing them is most of its time. A pool calls this before it forks its
    workers, so the workers share what the parent imported once instead of each importing it again.
    Returns `extract_document`, held as this module's attribute of that name (imported on first use,
    also when read from outside through __getattr__), so a replacement set there (a test's misbehaving
    reader) is the one used."""
    if "extract_document" not in globals():
        from plantrack.extract.document import extract_document

        globals()["extract_document"] = extract_document
    return globals()["extract_document"]


def __getattr__(name: str):
    if name == "extract_document":
        return load_readers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def cache_path(cache_dir: Path, sha256: str) -> Path:
    return cache_dir / f"{sha256}.v{EXTRACTOR_VERSION}.json"


def write_cache(cache_dir: Path, path: Path, ex: Extraction) -> Path:
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_path(cache_dir, ex.sha256)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"path": safe_text(path), "extraction": ex.to_dict()}, ensure_ascii=False))
    os.replace(tmp, target)  # atomic: a reader never sees half a record file
    return target


def read_cache(file: Path) -> tuple[Path, Extraction]:
    data = json.loads(file.read_text())
    return Path(data["path"]), Extraction.from_dict(data["extraction"])


def read_file(path: str, cache_dir: str) -> int:
    """Read one file into the cache; the exit code the parent turns into a failure's line (child_result)."""
    try:
        ex = load_readers()(Path(path))
        ex.filename = safe_text(ex.filename)  # a name that is not UTF-8 cannot go into JSON as it is
        write_cache(Path(cache_dir), Path(path), ex)
    except MemoryError:
        return 3
    except OSError as e:  # the parent turns the exit code into the failure's one line and kind
        return {errno.ENOSPC: 4, errno.ENOENT: 5, errno.EACCES: 6, errno.EPERM: 6}.get(e.errno, 7)
    except BaseException:  # noqa: BLE001 - the parent records it; a traceback here helps nobody
        return 7
    return 0


# The OCR engine's ONNX sessions reserve address space they mostly never touch: about 1.3 GB once its
# models are loaded, 2.3 GB after large pages (measured on real scans), which RLIMIT_AS counts as if it
# were used (a 12-page scan followed by another in one worker ran out of address space at 2 GB). So the
# ceiling's hard limit keeps this much more, which only OCR takes (`ocr.room_for_engine` raises the soft
# limit to it): a runaway file is stopped at the memory asked for, a scan is not.
OCR_ADDRESS_SPACE_MB = 2048


def address_ceiling(memory_mb: int) -> tuple[int, int]:
    """(soft, hard) address space (bytes) a worker may reach: what it maps now and `memory_mb` more; the
    hard limit adds the OCR engine's reserve when the OCR extra is installed."""
    from plantrack.extract import ocr

    soft = address_space() + memory_mb * 1024 * 1024
    return soft, soft + (OCR_ADDRESS_SPACE_MB * 1024 * 1024 if ocr.installed() else 0)


def limit_memory(memory_mb: int) -> None:
    if memory_mb:
        # RLIMIT_AS counts address space, and a forked worker inherits its parent's (a parent that has
        # loaded Datasette or pandas already maps hundreds of MB): the ceiling is what it may add.
        resource.setrlimit(resource.RLIMIT_AS, address_ceiling(memory_mb))


def read_in_child(path: str, cache_dir: str, memory_mb: int) -> None:
    """One file in a process of its own (the Dask workers' way, cluster.py): its code is the exit status."""
    limit_memory(memory_mb)
    os._exit(read_file(path, cache_dir))


def address_space() -> int:
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def failed_extraction(path: Path, sha256: str, error: str) -> Extraction:
    return Extraction(sha256=sha256, filename=safe_text(path.name), kind=None, status="failed", error=error,
                      extractor_version=EXTRACTOR_VERSION)


def child_result(path: Path, sha: str, cache_dir: Path, code: int | None, elapsed: float, timeout: float) -> Extraction:
    cached = cache_path(cache_dir, sha)
    if code == 0 and cached.exists():
        return read_cache(cached)[1]
    if elapsed >= timeout:
        from plantrack.extract.scanned import timeout_line  # a scan is slow to read by OCR, not damaged

        return failed_extraction(path, sha, timeout_line(path, timeout)
                       or f"took longer than {timeout:g} s to read: the file may be damaged or far too large")
    if code == 0:  # read, but under other bytes than were hashed: replaced while the run read it
        return failed_extraction(path, sha, "the file changed while being read (replaced or still being copied); "
                                  "the next run reads it again")
    if code in (3, -9):
        return failed_extraction(path, sha, "ran out of memory while reading: the file may be damaged or far too large")
    if code == 4:
        return failed_extraction(path, sha, "disk full while reading: free some space; the next run reads it again")
    if code == 5:
        return failed_extraction(path, sha, "the file vanished while the run was reading it; the next run reads it again")
    if code == 6:
        return failed_extraction(path, sha, "cannot open this file: permission denied (the run's user needs read access)")
    if code == 7:
        return failed_extraction(path, sha, "the reader failed on this file (an error in plantrack): please report it with the file")
    if code == 1:  # an interpreter dying without a result under its memory ceiling
        return failed_extraction(path, sha, "the reader stopped without a result (exit code 1): it may have run out "
                                  "of memory; the next run reads it again")
    return failed_extraction(path, sha, f"the PDF reader crashed (exit code {code}): the file may be damaged")
