"""Shared test set-up. Helper modules (paperfactory, flowfactory, modgov_site) are importable because
pytest puts this folder on the path (`pythonpath` in pyproject.toml). `SHARED` is the shared folder
beside the checkout (../shared): tests that need it skip when it is absent."""
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
