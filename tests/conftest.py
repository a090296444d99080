"""Shared test set-up. Helper modules (paperfactory, flowfactory, modgov_site) are importable because
pytest puts this folder on the path (`pythonpath` in pyproject.toml). `SHARED` is the shared folder
beside the checkout (../shared): tests that need it skip when it is absent."""
import re
import sqlite3
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
CONTRACT = SHARED / "CONTRACT.md"


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    """A query's rows from a database file, opened read-only: a test never changes what it checks."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def contract_columns(text: str) -> list[tuple[str, str, str, str]]:
    """(table, column, type, meaning) for every column row of the contract's tables. A table belongs to
    the `### name` heading above it, or names its table in its header (`| documents column | type |`); a
    row may name its table itself (`| reports.superseded_by | INTEGER … |`)."""
    out, table = [], None
    for line in text.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").split()
            table = heading[0] if line.startswith("### ") and heading and heading[0].islower() else None
        elif m := re.match(r"^\| (\w+) column \| type \|", line):
            table = m.group(1)
        elif m := re.match(r"^\| (?:(\w+)\.)?(\w+) \| ([A-Z][^|]*)\|([^|]*)\|$", line):
            if m.group(1) or table:
                out.append((m.group(1) or table, m.group(2), m.group(3).strip(), m.group(4)))
    return out


# End-to-end tests: whole runs in subprocesses, worker pools and Dask clusters, servers, generated series.
# `pytest -m "not slow"` leaves them out for a quick check while working; CI runs everything.
SLOW_MODULES = {"test_cluster", "test_nightly", "test_nightly_hostile", "test_isolation", "test_fetch",
                "test_authority", "test_corrections", "test_formats", "test_reconcile_papers", "test_serve",
                "test_export", "test_reports", "test_store", "test_packs", "test_ocr"}


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        if item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
