"""How many documents to read at once on this machine.

One worker per core, each allowed `ingest.memory_mb`, can ask a 16-core machine for 32 GB: the
number of workers is also capped by the memory available now, so a big night never pushes the
machine into swap or the kernel's OOM killer.
"""
from __future__ import annotations

from pathlib import Path


def available_mb() -> int | None:
    """MemAvailable from /proc/meminfo, in MB; None where it cannot be read."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def workers_for_memory(workers: int, memory_mb: int, available: int | None = None) -> int:
    """`workers`, lowered so that workers × memory_mb fits in the available memory (at least one)."""
    available = available_mb() if available is None else available
    if not memory_mb or not available:
        return max(1, workers)
    return max(1, min(workers, available // memory_mb))
