"""What one `plantrack serve` knows for the clerk's pages: the database, the papers folder, the clerks
who may sign in with a password, the one-time sign-in link and the upload runner.

Datasette's plugin hooks are module functions shared by every Datasette in the process, so each
server's desk is looked up by its Datasette (a server without one, e.g. a plain `datasette` of the
same file, has no clerk's pages).
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from pathlib import Path

from plantrack.pipeline.clerk.accounts import SignInLink
from plantrack.pipeline.clerk.uploads import JOURNAL, Runner, history

DEFAULT_UPLOAD_MB = 200


@dataclass
class Desk:
    db_path: Path
    papers: Path
    clerks: dict[str, str] = field(default_factory=dict)  # name → password hash ([clerks] in plantrack.toml)
    upload_mb: int = DEFAULT_UPLOAD_MB
    read_only: bool = False                               # the database cannot be written: no clerk's writes
    link: SignInLink = field(default_factory=SignInLink)
    _runner: Runner | None = None

    @property
    def runner(self) -> Runner:
        if self._runner is None:  # the thread starts with the first upload, not with every server
            self._runner = Runner(self.db_path, self.journal)
        return self._runner

    @property
    def journal(self) -> Path:
        """Where uploads are kept, so that a restarted server still lists them (uploads.py)."""
        return self.papers / JOURNAL

    def busy(self) -> bool:
        """Whether an upload is waiting or being read."""
        return self._runner is not None and self._runner.busy()

    def uploads(self) -> list:
        return self._runner.uploads if self._runner else history(self.journal)

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()


_DESKS: "weakref.WeakKeyDictionary[object, Desk]" = weakref.WeakKeyDictionary()


def attach(datasette, desk: Desk) -> None:
    _DESKS[datasette] = desk


def desk_of(datasette) -> Desk | None:
    return _DESKS.get(datasette)
