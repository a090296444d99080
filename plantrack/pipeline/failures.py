"""Why a file could not be read, as a kind, and whether the next run should try it again.

A failure from a passing cause (the run's time limit, memory, a full disk, a file being replaced or
not readable by the run's user at that moment) says nothing about the file: the next run reads it
again, however long that takes, and counts the attempts. A failure in the file itself (corrupt,
encrypted, not a supported format) repeats on every read, so the file is not read again until its
bytes change. The kind is derived from the one-line error, the one place every failure states.
"""
from __future__ import annotations

import errno

# (kind, words the error line contains), first match wins.
_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("timeout", ("took longer than",)),
    ("memory", ("ran out of memory", "out of memory")),
    ("disk full", ("disk full", "no space left")),
    ("replaced", ("changed while", "replaced while", "vanished while", "disappeared while")),
    ("unreadable", ("permission denied", "cannot open", "could not open", "not readable")),
    ("not supported", ("not a pdf", "not a supported format", "not a paper", "word 97", "save it as")),
    ("encrypted", ("encrypted",)),
    ("empty", ("empty file",)),
    ("no text", ("no text layer", "no text:")),
    ("corrupt", ("corrupt", "damaged", "crashed")),
    ("layout", ("could not read this layout",)),
    ("too large", ("too large",)),
)

TRANSIENT = frozenset({"timeout", "memory", "disk full", "replaced", "unreadable"})


def kind_of(error: str | None) -> str | None:
    """The failure kind of a one-line error; None for no error, 'other' for one not recognised."""
    if not error:
        return None
    low = error.lower()
    for kind, words in _KINDS:
        if any(w in low for w in words):
            return kind
    return "other"


def transient(kind: str | None) -> bool:
    return kind in TRANSIENT


def os_error_line(e: OSError, what: str = "file") -> str:
    """One line for an OSError met while opening or reading a file or folder."""
    if e.errno in (errno.EACCES, errno.EPERM):
        return f"cannot open this {what}: permission denied (the run's user needs read access)"
    if e.errno == errno.ENOSPC:
        return "disk full while reading: free some space; the next run reads it again"
    if e.errno == errno.ENOENT:
        return f"the {what} vanished while the run was reading it; the next run reads it again"
    if e.errno == errno.ELOOP:
        return "symlink loop: the link points back to itself"
    if e.errno == errno.EIO:
        return f"cannot open this {what}: input/output error (a failing disk or network share)"
    return f"cannot open this {what}: {e.strerror or type(e).__name__}"
