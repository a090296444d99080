"""Are the records the same? Read every paper in some folders with `extract_document` and write what
each gave (its kind, reports, meetings, warnings, error — everything but the extractor version) as one
JSON line per file; or compare with such a dump written before a change.

A refactor of the readers or recognisers (a new document model, say) must give the same records byte
for byte on every corpus before any recognition rule changes; this is how to check it:

    .venv/bin/python scripts/same_records.py --write before.jsonl ../shared/corpus/sample ../shared/corpus/real_uk
    # … the change …
    .venv/bin/python scripts/same_records.py --against before.jsonl ../shared/corpus/sample ../shared/corpus/real_uk

It prints each file whose records differ, with the first differing field, and exits 1 if any does.
Files are read in parallel (`--jobs`, default: every core).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SUFFIXES = {".pdf", ".docx", ".html", ".htm", ".xhtml"}


def records_of(path: str) -> tuple[str, str]:
    from plantrack.extract.document import extract_document

    ex = extract_document(Path(path))
    data = dataclasses.asdict(ex)
    data.pop("extractor_version", None)
    return path, json.dumps(data, sort_keys=True, default=str)


def papers(folders: list[str]) -> list[str]:
    found: list[str] = []
    for folder in folders:
        root = Path(folder)
        found += sorted(str(p) for p in (root.rglob("*") if root.is_dir() else [root])
                        if p.is_file() and p.suffix.lower() in SUFFIXES)
    return found


def first_difference(a, b, where: str = "") -> str:
    if type(a) is not type(b):
        return f"{where or '.'}: {a!r:.80} ≠ {b!r:.80}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                return first_difference(a.get(k), b.get(k), f"{where}.{k}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items ≠ {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{where}[{i}]")
    return f"{where or '.'}: {a!r:.80} ≠ {b!r:.80}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", metavar="FILE", help="write the records of every paper to FILE")
    mode.add_argument("--against", metavar="FILE", help="compare with the records in FILE")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("folders", nargs="+")
    args = ap.parse_args()
    files = papers(args.folders)
    with ProcessPoolExecutor(args.jobs) as pool:
        now = dict(pool.map(records_of, files, chunksize=4))
    if args.write:
        with open(args.write, "w") as f:
            for path in files:
                f.write(json.dumps({"path": path, "records": now[path]}) + "\n")
        print(f"{len(files)} papers written to {args.write}", file=sys.stderr)
        return 0
    before = {}
    with open(args.against) as f:
        for line in f:
            row = json.loads(line)
            before[row["path"]] = row["records"]
    differ = 0
    for path in files:
        if path not in before:
            print(f"new\t{path}")
            continue
        if now[path] != before[path]:
            differ += 1
            print(f"differs\t{path}\t{first_difference(json.loads(before[path]), json.loads(now[path]))}")
    print(f"{len(files)} papers, {differ} differ", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
