"""Shared test set-up: tests import helper modules (paperfactory) from this folder."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
