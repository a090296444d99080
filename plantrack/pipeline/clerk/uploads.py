"""Papers a clerk adds from the browser: saved under the papers folder, then read by `plantrack run`.

Each upload is saved as `<papers>/<council>/<file name>` (names made safe the way fetch makes them:
no separators, no leading dot, nothing that escapes the folder) and read by the same command the
nightly run uses — `plantrack run FILES --authority COUNCIL` in a child process — so there is one ingest,
one run lock and one ledger. The child is run by one background thread, an upload at a time (a nightly
run holding the lock makes it wait, as a second `plantrack run` would). Its `--log-file` gives one JSON
line per file as it finishes, which the papers page shows while it refreshes.

Each upload is also kept on disk, in the papers folder's hidden `.plantrack-uploads/` (a JSON record and
the run's log per upload; `plantrack run` passes hidden folders over), so that the papers page still
lists what was added, by whom and what became of it after the server is restarted. An upload the
server stopped before it was read says so: its files are saved, and the next `plantrack run` over the
papers folder reads them.
"""
from __future__ import annotations

import json
import queue
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from plantrack.pipeline.clerk.child import command
from plantrack.pipeline.sources.fetch import safe_name

READ = (".pdf", ".docx", ".html", ".htm")  # what a clerk may upload: the formats plantrack reads
RUN_WAIT_S = 3600  # an upload waits this long for a nightly run holding the lock
JOURNAL = ".plantrack-uploads"  # in the papers folder: hidden, so runs over the folder pass it over
INTERRUPTED = ("the server stopped before this upload was read: its files are saved in the papers folder, "
               "and the next plantrack run over that folder reads them")


class UploadError(ValueError):
    """An upload refused as a whole; str() is the one line to show."""


def file_name(given: str) -> str:
    """The name a file is saved under: the last part of what the browser sent, made safe."""
    base = given.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot or f".{ext.lower()}" not in READ:
        raise UploadError(f"{safe_name(base, 'file')}: not a paper plantrack reads (PDF, Word .docx or a web page "
                          ".html)")
    return f"{safe_name(stem, 'paper')}.{ext.lower()}"


def council_folder(papers: Path, council: str | None) -> Path:
    """Where a council's uploads go: a folder named after it (`uploads` when the council is not given)."""
    return papers / (safe_name(council, "council") if council else "uploads")


def place(folder: Path, name: str, data_path: Path) -> Path:
    """Move the received file `data_path` into `folder` as `name` (or `name (2)` … when another file
    holds that name); the same bytes already there under that name are kept, not saved twice."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, _, ext = name.rpartition(".")
    for n in range(1, 1000):
        target = folder / (name if n == 1 else f"{stem} ({n}).{ext}")
        if target.resolve().parent != folder.resolve():  # never outside the council's folder
            raise UploadError(f"{name}: cannot be saved under {folder}")
        if target.exists():
            if target.read_bytes() == data_path.read_bytes():
                data_path.unlink()
                return target
            continue
        shutil.move(str(data_path), target)
        return target
    raise UploadError(f"{name}: too many files of that name in {folder}")


@dataclass
class Upload:
    """One upload: its files, read together by one `plantrack run`."""

    id: int
    council: str | None
    files: list[Path]
    by: str
    log: Path
    state: str = "waiting"          # waiting, reading, done, failed (the run itself failed)
    exit_code: int | None = None
    problem: str | None = None      # the run's last line when it failed as a whole
    added_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def save(self) -> None:
        """Write the upload's record beside its log (replacing the last), so a restarted server lists it."""
        record = {"id": self.id, "council": self.council, "files": [str(f) for f in self.files], "by": self.by,
                  "state": self.state, "exit_code": self.exit_code, "problem": self.problem,
                  "added_at": self.added_at}
        target = self.log.with_suffix(".json")
        partial = target.with_suffix(".json.part")
        partial.write_text(json.dumps(record), encoding="utf-8")
        partial.replace(target)

    def outcomes(self) -> dict[str, dict]:
        """path → the run's line for that file, for those finished so far."""
        out: dict[str, dict] = {}
        if not self.log.exists():
            return out
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("event") == "file" and entry.get("path"):
                out[entry["path"]] = entry
        return out


def history(journal: Path | None) -> list[Upload]:
    """The uploads kept in `journal`, oldest first; one the server stopped before it was read is
    marked so (its files wait for the next run)."""
    if journal is None or not journal.is_dir():
        return []
    found: list[Upload] = []
    for path in journal.glob("*.json"):
        try:
            r = json.loads(path.read_text(encoding="utf-8"))
            up = Upload(int(r["id"]), r.get("council"), [Path(f) for f in r.get("files", [])], str(r.get("by") or ""),
                        path.with_suffix(".jsonl"), state=r.get("state") or "failed", exit_code=r.get("exit_code"),
                        problem=r.get("problem"), added_at=r.get("added_at") or "")
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a record damaged by hand: the upload is left out, never the page
        if up.state in ("waiting", "reading"):
            up.state, up.problem = "failed", INTERRUPTED
        found.append(up)
    return sorted(found, key=lambda u: u.id)


class Runner:
    """Reads uploads one at a time in a background thread, each by a `plantrack run` child process.
    `journal`: the folder where each upload's record and log are kept (a temporary one when None)."""

    def __init__(self, db_path: Path, journal: Path | None = None):
        self.db_path = Path(db_path)
        self.uploads: list[Upload] = history(journal)
        self._queue: queue.Queue[Upload | None] = queue.Queue()
        self._logs = tempfile.TemporaryDirectory(prefix="plantrack-uploads-") if journal is None else None
        self.journal = Path(self._logs.name) if self._logs is not None else journal
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="plantrack-uploads", daemon=True)
        self._thread.start()

    def add(self, files: list[Path], council: str | None, by: str) -> Upload:
        with self._lock:
            number = max((u.id for u in self.uploads), default=0) + 1
            self.journal.mkdir(parents=True, exist_ok=True)
            up = Upload(number, council, files, by, self.journal / f"{number}.jsonl")
            up.save()
            self.uploads.append(up)
        self._queue.put(up)
        return up

    def busy(self) -> bool:
        return any(u.state in ("waiting", "reading") for u in self.uploads)

    def command(self, up: Upload) -> list[str]:
        # --opt=value throughout: a council's name can never be taken for an option
        cmd = command("run", *(str(f) for f in up.files), f"--db={self.db_path}", f"--log-file={up.log}",
                      f"--wait={RUN_WAIT_S}")
        return cmd + ([f"--authority={up.council}"] if up.council else [])

    def _work(self) -> None:
        while (up := self._queue.get()) is not None:
            up.state = "reading"
            self._keep(up)
            try:
                done = subprocess.run(self.command(up), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True, errors="replace")
                up.exit_code = done.returncode
                lines = [line for line in done.stderr.splitlines() if line.strip()]
                if done.returncode not in (0, 1):  # 1: some files failed, each with its own line
                    up.problem = lines[-1] if lines else f"plantrack run ended with exit status {done.returncode}"
                up.state = "done" if done.returncode in (0, 1) else "failed"
            except OSError as e:
                up.state, up.problem = "failed", f"cannot start plantrack run: {e}"
            self._keep(up)

    @staticmethod
    def _keep(up: Upload) -> None:
        try:
            up.save()
        except OSError:  # the papers folder went read-only or full: the page still shows it until a restart
            pass

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)
        if self._logs is not None:
            self._logs.cleanup()
