"""Misbehaving documents for the Dask tests, importable by the LocalCluster's worker processes (they
start with the test process's sys.path). Only what a worker runs is replaced; the workers, their
forked children and the scheduler are real.

A file named kills-worker* takes the whole worker process down (as the kernel's OOM killer would),
every time; dies-once* does so the first time only (a marker file beside the system's temporary files,
named after the bytes, remembers it across worker processes);
hangs* and hog* misbehave inside the forked child that reads a document, where the per-document
time limit and memory ceiling must catch them."""
import hashlib
import os
import tempfile
import time
from pathlib import Path

from plantrack.pipeline.stages import cluster
from plantrack.pipeline.stages import reading


def _misbehaving(real):
    def reader(path):
        name = Path(path).name
        if name.startswith("hangs"):
            time.sleep(600)
        if name.startswith("hog"):
            blocks = []
            while True:
                blocks.append(bytearray(50 * 1024 * 1024))
        return real(path)
    reader.misbehaving = True
    return reader


def task(filename, data, timeout, memory_mb):
    if filename.startswith("kills-worker"):
        os._exit(1)
    if filename.startswith("dies-once"):
        marker = Path(tempfile.gettempdir()) / f"plantrack-test-died-{hashlib.sha256(data).hexdigest()[:16]}"
        if not marker.exists():
            marker.touch()
            os._exit(1)
    if not getattr(reading.extract_document, "misbehaving", False):  # in this worker process, once
        reading.extract_document = _misbehaving(reading.extract_document)
    return cluster.extract_bytes(filename, data, timeout, memory_mb)
