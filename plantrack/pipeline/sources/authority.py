"""Which council published a file: `documents.authority`, from where the file came, never its text.

It is given by whoever knows: `fetch` (the ModernGov site's council), `--authority NAME` (every file of
that run), or the `[authorities]` setting, which maps folders to councils:

    [authorities]
    "data/raw/kent" = "Kent County Council"
    "data/raw/kent/medway" = "Medway Council"      # the deepest folder that holds the file wins

Relative folders are taken against the working directory. A file no one names keeps the authority it
has (NULL for a new one); `--authority ""` clears it. The extraction cache is keyed by the file's
content, so the authority is not in it: it is handed to the load (`ingest(..., authority=...)`), and
`plantrack extract` leaves what it was told in `authorities.json` beside the records for `plantrack load`.

In Python, `authority` may be one name for every file, a mapping of folders (or single files) to
names as in `[authorities]`, or a function from a file's path to its name (None: not given):

    from plantrack.pipeline.stages.ingest import ingest
    ingest(files, db, cache_dir, authority="Kent County Council")
    ingest(files, db, cache_dir, authority={"papers/kent": "Kent County Council", "papers/medway": "Medway Council"})
    ingest(files, db, cache_dir, authority=lambda path: site_of[path].council)
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Union

Spec = Union[str, Mapping[Union[str, Path], str], Callable[[Path], Union[str, None]], None]
Resolver = Callable[[Path], Union[str, None]]
RECORDED = "authorities.json"


def _forms(path: Path, cwd: Path) -> list[Path]:
    """A path as written (made absolute against `cwd`) and with links resolved: a file matches a
    folder under either, so a linked folder and its target both work."""
    p = Path(os.path.expanduser(str(path)))
    absolute = Path(os.path.normpath(p if p.is_absolute() else cwd / p))
    try:
        real = absolute.resolve()
    except (OSError, RuntimeError):
        real = absolute
    return [absolute] if real == absolute else [absolute, real]


def folder_resolver(mapping: Mapping[Union[str, Path], str], cwd: Path | None = None) -> Resolver:
    """name of the deepest folder (or the file itself) in `mapping` that holds the file; None if none."""
    cwd = Path.cwd() if cwd is None else cwd
    folders = sorted(((form, name) for key, name in mapping.items() for form in _forms(Path(key), cwd)),
                     key=lambda fn: len(fn[0].parts), reverse=True)

    def resolve(path: Path) -> str | None:
        forms = _forms(Path(path), cwd)
        for folder, name in folders:
            if any(f == folder or f.is_relative_to(folder) for f in forms):
                return name
        return None
    return resolve


def resolver(spec: Spec, *, given: Iterable[Path] | None = None, cwd: Path | None = None) -> Resolver:
    """A function from a file's path to its authority (None: not given) for `spec`: one name (for the
    files in `given`, when given: not for stored documents a --reprocess run reads again), a mapping
    of folders to names, or a function."""
    if spec is None:
        return lambda path: None
    if isinstance(spec, str):
        if given is None:
            return lambda path: spec
        mine = {Path(p) for p in given}
        return lambda path: spec if Path(path) in mine else None
    if isinstance(spec, Mapping):
        return folder_resolver(spec, cwd) if spec else (lambda path: None)
    if callable(spec):
        return spec
    raise TypeError(f"authority must be a name, a mapping of folders to names or a function, not {type(spec).__name__}")


def for_command(flag: str | None, mapping: Mapping[str, str] | None) -> Spec:
    """What a command hands to ingest/load: `--authority` for every file it names, else the
    `[authorities]` folders."""
    if flag is not None:
        return flag
    return dict(mapping) if mapping else None


def fetched(db_path: Path, fallback: Spec = None) -> Spec:
    """The council of each paper that `plantrack fetch` saved (its site's, kept in the `sources` table),
    else what `fallback` says: `run --fetch` gives the papers it brought their site's council."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT path, authority FROM sources WHERE path IS NOT NULL "
                                "AND authority IS NOT NULL").fetchall()
    except sqlite3.Error:  # no database or no sources yet
        rows = []
    sites = {}
    for path, name in rows:
        try:
            sites[Path(path).resolve()] = name
        except (OSError, RuntimeError):
            continue
    rest = resolver(fallback)

    def resolve(path: Path) -> str | None:
        try:
            name = sites.get(Path(path).resolve())
        except (OSError, RuntimeError):
            name = None
        return name if name is not None else rest(path)
    return resolve


# ---- extract → load -------------------------------------------------------------------------------

def recorded(cache_dir: Path) -> dict[str, str]:
    """sha256 → authority that `plantrack extract` was told, for `plantrack load`."""
    try:
        data = json.loads((Path(cache_dir) / RECORDED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def remember(cache_dir: Path, names: Mapping[str, str]) -> None:
    """Add sha256 → authority pairs to the records folder's authorities.json (written atomically)."""
    if not names:
        return
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = {**recorded(cache_dir), **names}
    tmp = cache_dir / f".{RECORDED}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, cache_dir / RECORDED)
