"""The council's own status words (`[statuses]` in plantrack.toml), applied when records are loaded.

Extraction cannot know plantrack.toml (its records are cached by file content and extractor version),
so it records each action's printed status and what decided it (`models/status.py`); here the
configured words are applied: to each document as it is loaded, and to the documents already in the
database, so a word added under [statuses] takes effect on the next run without reading a paper
again. A status word nobody knows leaves `rag` NULL and is listed for the clerk.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from plantrack.models import Extraction
from plantrack.models.status import COLOUR, CONFIGURED, DEFAULT, HEADING, fold, is_word, settle


def settle_extraction(ex: Extraction | None, configured: Mapping[str, str] | None) -> None:
    """Apply the configured words to one document's actions, in place."""
    if ex is None:
        return
    for report in ex.reports:
        for a in report.actions:
            a.rag, a.rag_source = settle(a.status_text, a.rag, a.rag_source, configured)


def restatus(db, configured: Mapping[str, str] | None) -> int:
    """Apply the configured words to the actions already stored whose status the words decide (or
    failed to); returns how many changed. A change counts as new data, so the run reconciles again."""
    from plantrack.store import bump_data_version, transaction

    rows = db.conn.execute(
        "SELECT id, status_text, rag, rag_source FROM actions WHERE status_text IS NOT NULL "
        "AND (rag_source IS NULL OR rag_source IN (?, ?, ?, ?))", (DEFAULT, CONFIGURED, COLOUR, HEADING)).fetchall()
    changes = []
    for action_id, text, rag, source in rows:
        new = settle(text, rag, source, configured)
        if new != (rag, source):
            changes.append((*new, action_id))
    if changes:
        with transaction(db) as conn:
            conn.executemany("UPDATE actions SET rag = ?, rag_source = ? WHERE id = ?", changes)
            bump_data_version(conn)
    return len(changes)


def _count(texts: Iterable[str]) -> list[tuple[str, int]]:
    """Printed words that left the status unknown, grouped as they are compared (folded), each under
    its commonest printed form, most frequent first."""
    groups: dict[str, Counter] = {}
    for t in texts:
        if is_word(t):
            groups.setdefault(fold(t), Counter())[" ".join(t.split())] += 1
    out = [(c.most_common(1)[0][0], sum(c.values())) for c in groups.values()]
    return sorted(out, key=lambda wn: (-wn[1], wn[0].lower()))


def unknown_in(extractions: Iterable[Extraction | None]) -> list[tuple[str, int]]:
    """The status words of these documents that no key, configured word or default word knows."""
    return _count(a.status_text for ex in extractions if ex is not None for r in ex.reports
                  for a in r.actions if a.rag is None and a.status_text)


def unknown_in_db(conn) -> list[tuple[str, int]]:
    """The same, over every action stored."""
    return _count(t for (t,) in conn.execute(
        "SELECT status_text FROM actions WHERE rag IS NULL AND status_text IS NOT NULL"))


def advice(unknown: list[tuple[str, int]]) -> list[str]:
    """One line per word: "'Behind plan' ×3 not understood: add it under [statuses] in plantrack.toml"."""
    return [f"'{word}' ×{n} not understood: add it under [statuses] in plantrack.toml" for word, n in unknown]
