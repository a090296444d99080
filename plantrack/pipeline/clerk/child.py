"""plantrack commands the clerk's pages run as child processes: the same code, checks, one-line errors
and run lock as the command line — a page never holds a second copy of ingest or corrections."""
from __future__ import annotations

import os
import subprocess
import sys


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "plantrack.pipeline.cli", *args]


def run(*args: str, timeout: float = 900) -> tuple[int, list[str]]:
    """(exit status, the non-blank lines it printed on stderr) of `plantrack ARGS`."""
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}  # one line each, as a log would have them
    try:
        done = subprocess.run(command(*args), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return 4, [f"plantrack {args[0]} took longer than {timeout:g} s and was stopped"]
    return done.returncode, [line.strip() for line in done.stderr.splitlines() if line.strip()]
