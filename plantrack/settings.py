"""Every setting plantrack has, in one table, resolved once: defaults ← plantrack.toml ← environment ← flags.

Like pdfplumber's `TableSettings` the values are checked when they are resolved, not where they are
used: a bad value ends the command with one line naming the setting and what it accepts, and modules
are handed a `Settings` instead of reading files themselves. Like Datasette's `SETTINGS`, the table
below is the documentation too: `plantrack settings` prints it, and a test holds the README to it.

The file is `plantrack.toml` in the working directory (or `--config FILE`); its tables are the first
part of each name (`[reconcile]` holds `reconcile.tolerance`). The environment variable of a setting is
its name in capitals with dots as underscores, after `PLANTRACK_` (`PLANTRACK_RECONCILE_TOLERANCE`);
a table or list setting is given there as JSON (`PLANTRACK_RECONCILE_SCALE='{"grey": 4}'`,
`PLANTRACK_STATUSES='{"Behind plan": "red"}'`).
"""
from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plantrack.models.status import ORDER, SCORES

RAGS = ORDER
DEFAULT_FILE = Path("plantrack.toml")


class SettingsError(ValueError):
    """A setting with a value plantrack cannot use; str() is the one line to show."""


@dataclass(frozen=True)
class Setting:
    name: str                   # "section.key"
    kind: str                   # "number", "integer", "text", "table", "list"
    default: Any
    help: str
    example: str                # as it would be written in plantrack.toml
    check: Callable[[Any], str | None] | None = None  # a complaint about the value, or None

    @property
    def env(self) -> str:
        return "PLANTRACK_" + self.name.upper().replace(".", "_")


def _at_least(low: float) -> Callable[[Any], str | None]:
    return lambda v: None if v >= low else f"must be {low:g} or more"


def _between(low: float, high: float) -> Callable[[Any], str | None]:
    return lambda v: None if low <= v <= high else f"must be between {low:g} and {high:g}"


def _scale(v: Mapping) -> str | None:
    bad = [k for k in v if str(k).lower() not in RAGS]
    if bad:
        return f"names unknown status {bad[0]!r} (statuses are {', '.join(RAGS)})"
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in v.values()):
        return "wants whole numbers, e.g. red = 1"
    return None


def _words(v: Mapping) -> str | None:
    bad = next((k for k, rag in v.items() if str(rag).lower() not in RAGS), None)
    return None if bad is None else f"maps {bad!r} to {v[bad]!r}; a status word maps to one of {', '.join(RAGS)}"


FETCH_KEYS = {"site", "committees", "since", "until", "authority", "contact", "delay"}


def _fetch_entries(v: list) -> str | None:
    """Each [[fetch.sites]] (or [[fetch]]) entry: a site, its committees (titles or ids), optionally
    since/until dates, the council's name, and the site's own contact and delay."""
    import datetime as dt

    for n, entry in enumerate(v, start=1):
        where = f"entry {n}"
        unknown = sorted(set(entry) - FETCH_KEYS)
        if unknown:
            return f"{where} has unknown key {unknown[0]!r} (keys: {', '.join(sorted(FETCH_KEYS))})"
        site = entry.get("site")
        if not isinstance(site, str) or not site.strip():
            return f'{where} needs site = "https://democracy.example.gov.uk"'
        committees = entry.get("committees")
        if not isinstance(committees, list) or not committees or \
                not all(isinstance(c, (str, int)) and not isinstance(c, bool) and str(c).strip() for c in committees):
            return f'{where} ({site}) needs committees = ["Cabinet", 123] (titles or ids)'
        for key in ("since", "until"):
            value = entry.get(key)
            if value is None or isinstance(value, dt.date):
                continue
            try:
                dt.date.fromisoformat(str(value))
            except ValueError:
                return f"{where} ({site}) {key} must be a date written YYYY-MM-DD"
        if "authority" in entry and (not isinstance(entry["authority"], str) or not entry["authority"].strip()):
            return f"{where} ({site}) gives authority no council name"
        if "contact" in entry and not isinstance(entry["contact"], str):
            return f'{where} ({site}) contact must be text, e.g. contact = "clerk@example.gov.uk"'
        delay = entry.get("delay")
        if delay is not None and (isinstance(delay, bool) or not isinstance(delay, (int, float))
                                  or not 0 <= delay < float("inf")):
            return f"{where} ({site}) delay must be a number of seconds, 0 or more"
    return None


def _scheduler(v: str) -> str | None:
    """Empty (read on this machine) or a Dask scheduler's address: [tcp|tls|ws|wss://]HOST:PORT."""
    if not v or re.fullmatch(r"(?:(?:tcp|tls|ws|wss)://)?[\w.\-\[\]:]+:\d{1,5}", v):
        return None
    return "wants a Dask scheduler's address such as tcp://HOST:8786 (or empty to read on this machine)"


def _names(v: Mapping) -> str | None:
    bad = next((k for k, name in v.items() if not isinstance(name, str) or not name.strip()), None)
    return None if bad is None else f"gives {bad!r} no council name"


def _hashes(v: Mapping) -> str | None:
    """[clerks]: each value a password hash (`python -m plantrack.pipeline.clerk.accounts NAME` makes one), never a password."""
    bad = next((k for k, h in v.items() if not isinstance(h, str) or not h.startswith("scrypt$")
                or h.count("$") != 5), None)
    return None if bad is None else (f"gives {bad!r} something that is not a password hash: put the line "
                                     f"`python -m plantrack.pipeline.clerk.accounts {bad!r}` prints (never the password itself)")


SETTINGS: tuple[Setting, ...] = (
    Setting("reconcile.tolerance", "number", 0.05,
            "How far a printed score may be from the one computed before it is a finding.",
            "tolerance = 0.1", _at_least(0)),
    Setting("reconcile.scale", "table", dict(SCORES),
            "The score of each status, for checking priority scores; a partial table changes only what it names.",
            "scale = { grey = 4 }", _scale),
    Setting("reconcile.match_threshold", "number", 0.6,
            "How alike (0–1) two actions' wording must be to count as the same action across periods.",
            "match_threshold = 0.7", _between(0, 1)),
    Setting("reconcile.weak_match_threshold", "number", 0.45,
            "How alike (0–1) two actions' wording must be to count as the same action when their ref and "
            "priority are unchanged (used only when no better pair claims them).",
            "weak_match_threshold = 0.5", _between(0, 1)),
    Setting("reconcile.ref_bonus", "number", 0.10,
            "Added to two actions' likeness when they keep the same ref from one period to the next.",
            "ref_bonus = 0.1", _between(0, 1)),
    Setting("reconcile.priority_bonus", "number", 0.05,
            "Added to two actions' likeness when they stay under the same priority.",
            "priority_bonus = 0.05", _between(0, 1)),
    Setting("reconcile.position_bonus", "number", 0.05,
            "Added, at most, to two actions' likeness for sitting at the same place in their reports' lists.",
            "position_bonus = 0.05", _between(0, 1)),
    Setting("ingest.timeout", "number", 120.0,
            "Seconds one document may take before it is recorded as failed.", "timeout = 300", _at_least(1)),
    Setting("ingest.workers", "integer", 0,
            "Documents read in parallel; 0 means one per core.", "workers = 2", _at_least(0)),
    Setting("ingest.memory_mb", "integer", 2048,
            "Memory (MB) one document's worker may take before it is recorded as failed; 0 for no ceiling.",
            "memory_mb = 4096", _at_least(0)),
    Setting("dask.scheduler", "text", "",
            "A Dask scheduler's address (tcp://HOST:8786): documents are read on its workers (needs "
            "plantrack[dask]); empty reads them on this machine.", 'scheduler = "tcp://10.0.0.5:8786"', _scheduler),
    Setting("statuses", "table", {},
            "The council's own status words (word = status), read after the report's key and before the "
            "built-in vocabulary.", '"Behind plan" = "red"', _words),
    Setting("authorities", "table", {},
            "Which council published the papers under a folder (folder = council).",
            '"data/raw/kent" = "Kent County Council"', _names),
    Setting("clerks", "table", {},
            "Clerks who may sign in to `plantrack serve`'s pages with a password: name = the hash "
            "`python -m plantrack.pipeline.clerk.accounts NAME` prints (never the password itself).",
            '"J Mayer" = "scrypt$16384$8$1$…"', _hashes),
    Setting("serve.upload_mb", "integer", 200,
            "The most (MB) one upload on `plantrack serve`'s Add papers page may hold.", "upload_mb = 500",
            _at_least(1)),
    Setting("fetch", "list", [],
            "The council sites `plantrack fetch` (and `plantrack run --fetch`) brings papers from, in the older "
            "spelling: one [[fetch]] entry per site (keys as for fetch.sites). Still read beside fetch.sites.",
            'fetch = [{ site = "https://democracy.example.gov.uk", committees = ["Cabinet"] }]', _fetch_entries),
    Setting("fetch.sites", "list", [],
            "The council sites, as [[fetch.sites]] entries under [fetch]: each a site and its committees (titles "
            "or ids), optionally since/until dates, authority, and the site's own contact and delay. The older "
            "[[fetch]] entries are read too.",
            'sites = [{ site = "https://democracy.example.gov.uk", committees = ["Cabinet"] }]', _fetch_entries),
    Setting("fetch.contact", "text", "",
            "An e-mail address or web page sent in the User-Agent of every fetch, so a council can reach you.",
            '"fetch.contact" = "democratic.services@example.gov.uk"'),
    Setting("fetch.delay", "number", 1.0,
            "Seconds between two requests to the same council site.", '"fetch.delay" = 2', _at_least(0)),
    Setting("fetch.deadline", "number", 900.0,
            "Seconds one request (a page, an answer or a whole paper) may take in all before it is given up.",
            "deadline = 600", lambda v: None if 1 <= v < float("inf") else "must be 1 or more (and finite)"),
    Setting("fetch.max_paper_mb", "integer", 200,
            "The largest paper (MB) a fetch saves; a larger one is recorded as failed, and nothing of it kept.",
            "max_paper_mb = 500", _at_least(1)),
    Setting("fetch.max_answer_mb", "integer", 20,
            "The largest web-service answer or web page (MB) a fetch reads.", "max_answer_mb = 50", _at_least(1)),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
TABLE_SECTIONS = {s.name for s in SETTINGS if "." not in s.name}


@dataclass(frozen=True)
class Settings:
    """The resolved values, by name; `source` is the file they were read from, if any."""

    values: Mapping[str, Any] = field(default_factory=lambda: {s.name: s.default for s in SETTINGS})
    source: Path | None = None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def _kind_ok(s: Setting, value: Any) -> Any:
    """The value in the setting's kind, or a SettingsError."""
    wants = {"number": "a number", "integer": "a whole number", "text": "text", "table": "a table",
             "list": "a list of tables"}[s.kind]
    # a number is finite: `--timeout inf` would be no time limit at all, and nan compares false with everything
    ok = {"number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
          "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
          "text": lambda v: isinstance(v, str),
          "table": lambda v: isinstance(v, Mapping),
          "list": lambda v: isinstance(v, list) and all(isinstance(x, Mapping) for x in v)}[s.kind]
    if not ok(value):
        wants = "a finite number" if s.kind == "number" and isinstance(value, float) else wants
        raise SettingsError(f"{s.name} must be {wants} (e.g. {s.example}), got {value!r}")
    return float(value) if s.kind == "number" else value


def _from_env(s: Setting, text: str) -> Any:
    if s.kind in ("table", "list"):  # a table in an environment variable: JSON, checked like the file's
        try:
            return json.loads(text)
        except ValueError:
            example = '{"grey": 4}' if s.kind == "table" else '[{"site": "https://…", "committees": ["Cabinet"]}]'
            raise SettingsError(f"{s.env} must be JSON such as '{example}', got {text!r}") from None
    try:
        return {"number": float, "integer": int, "text": str}[s.kind](text)
    except ValueError:
        raise SettingsError(f"{s.env} must be {'a number' if s.kind == 'number' else 'a whole number'}, "
                            f"got {text!r}") from None


def _flatten(doc: Mapping[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key in TABLE_SECTIONS and not (BY_NAME[key].kind == "list" and isinstance(value, Mapping)):
            out[key] = value
        elif isinstance(value, Mapping) and (key not in BY_NAME or BY_NAME[key].kind == "list"):
            # [fetch] as a table (contact, delay) rather than [[fetch]] entries: its keys are settings
            for sub, v in value.items():
                out[f"{key}.{sub}"] = v
        else:
            out[key] = value
    unknown = sorted(set(out) - set(BY_NAME))
    if unknown:
        raise SettingsError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(BY_NAME)})")
    return out


def load(path: Path | None = None, *, env: Mapping[str, str] | None = None, **flags: Any) -> Settings:
    """Resolve every setting: defaults ← `path` (or ./plantrack.toml when there is one) ← PLANTRACK_*
    environment variables ← `flags` (names with `_` for `.`; a flag that is None was not given).
    Raises SettingsError with one line for a missing file, bad TOML, an unknown name or a bad value."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    given: dict[str, Any] = {}
    source = Path(path) if path is not None else (DEFAULT_FILE if DEFAULT_FILE.is_file() else None)
    if source is not None:
        try:
            with source.open("rb") as f:
                given.update(_flatten(tomllib.load(f), str(source)))
        except FileNotFoundError:
            raise SettingsError(f"settings file not found: {source}") from None
        except tomllib.TOMLDecodeError as e:
            raise SettingsError(f"{source}: not valid TOML ({e})") from None
    for s in SETTINGS:
        if s.env in env:
            given[s.name] = _from_env(s, env[s.env])
    for key, value in flags.items():
        name = key if key in BY_NAME else key.replace("_", ".", 1)
        if name not in BY_NAME:
            raise SettingsError(f"unknown setting {key!r}")
        if value is not None:
            given[name] = value
    for name, value in given.items():
        s = BY_NAME[name]
        value = _kind_ok(s, value)
        if s.name == "reconcile.scale":  # a partial scale overrides only the colours it names
            value = {**s.default, **{str(k).lower(): v for k, v in value.items()}}
        complaint = s.check(value) if s.check else None
        if complaint:
            raise SettingsError(f"{s.name} {complaint}, got {value!r}")
        values[name] = value
    return Settings(values, source)
