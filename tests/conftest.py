"""Shared test set-up. Helper modules (paperfactory, flowfactory, modgov_site) are importable because
pytest puts this folder on the path (`pythonpath` in pyproject.toml). `SHARED` is the shared folder
beside the checkout (../shared): tests that need it skip when it is absent."""
import sqlite3
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    """A query's rows from a database file, opened read-only: a test never changes what it checks."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()

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
