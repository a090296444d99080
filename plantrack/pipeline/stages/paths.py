"""Where plantrack writes beside a database (light: no pandas, so a no-op run stays quick)."""
from __future__ import annotations

from pathlib import Path


def report_path(db_path: Path) -> Path:
    """report.html beside plantrack.db (the default database); `<name>-report.html` beside any other,
    so two databases in one folder never overwrite each other's report."""
    db_path = Path(db_path)
    return db_path.parent / ("report.html" if db_path.stem == "plantrack" else f"{db_path.stem}-report.html")


def own_files(db_path: Path) -> list[Path]:
    """What plantrack itself writes beside a database: never papers, even under a folder given."""
    db_path = Path(db_path)
    return [db_path, *(db_path.with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal", ".lock")),
            report_path(db_path), db_path.parent / "extracted"]
