"""Which files a run reads, found without ever hanging or stopping on one odd entry.

Every regular file under the folders given is a document (extraction decides by content what it
is), except hidden files and folders and the notes and data people keep beside papers (`.md`,
`.txt`, `.json`, `.tsv`, `.log`), which are only counted. Special files (FIFOs, devices, sockets)
are never opened — opening a FIFO blocks until a writer comes — and symlink loops, broken links and
folders the run may not open are recorded with one line each instead of being passed over in silence.

Names are bytes on Linux: one that is not valid UTF-8 reaches Python with surrogates, which SQLite,
JSON and the terminal refuse. `safe_text` gives the name every store and print uses.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from plantrack.pipeline.failures import os_error_line

NOTES = frozenset({".md", ".txt", ".json", ".tsv", ".log"})


@dataclass
class Problem:
    """An entry under the folders given that is not read, with its one line.

    `failed` ones (a folder or file the run may not open) may hide papers and make the run exit 1;
    the others (a FIFO, a device, a loop, a broken link) are recorded as skipped."""

    path: Path
    error: str
    failed: bool = False


@dataclass
class Found:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: int = 0    # .md/.txt/.json/.tsv/.log beside the papers
    hidden: int = 0   # dot files and dot folders


def safe_text(value: object) -> str:
    """A path or name as text SQLite, JSON and a terminal accept: bytes that are not UTF-8 become
    `\\xNN` escapes (the same every run, so a lookup by path still finds the file)."""
    text = os.fspath(value) if isinstance(value, os.PathLike) else str(value)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: object) -> str:
    """`safe_text`, without terminal escape sequences, NUL and other control characters (tab and
    newline kept), so a file name or a PDF's text can never drive the clerk's terminal."""
    return _CONTROL.sub("", safe_text(value))


def _special(mode: int) -> str | None:
    if stat.S_ISFIFO(mode):
        return "a FIFO, a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None


def _skip_special(path: Path, what: str) -> Problem:
    return Problem(path, f"not a regular file ({what}): never opened")


def discover(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> Found:
    """Files named, and every document below folders named, in a stable order, each once; nothing
    in `exclude` (plantrack's own database, report and records: see paths.own_files).

    Raises FileNotFoundError for a path given that does not exist (a usage error)."""
    found = Found()
    seen_dirs: set[tuple[int, int]] = set()
    for x in exclude:
        try:
            st = Path(x).stat()
            seen_dirs.add((st.st_dev, st.st_ino))  # a folder already "searched" is never entered
        except OSError:
            pass
    skip = set(seen_dirs)
    for p in map(Path, paths):
        try:
            st = p.stat()
        except FileNotFoundError:
            if p.is_symlink():
                found.problems.append(Problem(p, "broken link: it points to nothing"))
                continue
            raise FileNotFoundError(f"no such file or folder: {safe_text(p)}") from None
        except OSError as e:
            found.problems.append(Problem(p, os_error_line(e, "file"), failed=True))
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(p, st, found, seen_dirs, frozenset(skip))
        elif stat.S_ISREG(st.st_mode):
            found.files.append(p)  # a file named is read whatever its name
        else:
            found.problems.append(_skip_special(p, _special(st.st_mode) or "not a file"))
    seen, unique = set(skip), []
    for f in found.files:
        try:
            st = f.stat()
            key: object = (st.st_dev, st.st_ino)
        except OSError:
            key = f
        if key not in seen:
            seen.add(key)
            unique.append(f)
    found.files = unique
    return found


def _walk(folder: Path, st: os.stat_result, found: Found, seen_dirs: set, skip: frozenset = frozenset()) -> None:
    key = (st.st_dev, st.st_ino)
    if key in skip:
        return
    if key in seen_dirs:
        found.problems.append(Problem(folder, "symlink loop: this folder was already searched"))
        return
    seen_dirs.add(key)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: os.fsencode(e.name))
    except OSError as e:
        found.problems.append(Problem(folder, os_error_line(e, "folder"), failed=True))
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            found.hidden += 1
            continue
        try:
            est = entry.stat()  # follows links: a linked folder of papers is searched too
        except FileNotFoundError:
            found.problems.append(Problem(path, "broken link: it points to nothing"))
            continue
        except OSError as e:
            found.problems.append(Problem(path, os_error_line(e, "file"), failed=e.errno != errno.ELOOP))
            continue
        if stat.S_ISDIR(est.st_mode):
            _walk(path, est, found, seen_dirs, skip)
        elif stat.S_ISREG(est.st_mode):
            if path.suffix.lower() in NOTES:
                found.notes += 1
            else:
                found.files.append(path)
        else:
            found.problems.append(_skip_special(path, _special(est.st_mode) or "not a file"))
