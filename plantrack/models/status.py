"""The status scale and the words that name a status: one home for both.

A status printed as a word, phrase or letter maps to a contract status through, in order: the
report's own key (`extract/legend.py`), the council's configured words (`[statuses]` in
plantrack.toml), then `DEFAULT_WORDS` below (../shared/CONTRACT.md, "Status words"). Words are
compared folded: case, spacing and punctuation ignored, and a word a narrow column broke over two
lines ("Signifi- cant slippage") joined again.

Extraction is pure and runs in worker processes whose records are cached by file content, so it
cannot know plantrack.toml: it records what the cell printed (`status_text`) and what decided the
status (`rag_source`: the key, the cell's colour, or the default words). The load step settles the
rest with `settle`: the configured words replace what the default words decided, or what a cell's
colour (or a "Completed actions" heading) decided for a word nobody else knew, or give a status to a word nobody knew; a key is never
overridden. A change to `[statuses]` thus applies
on the next run without reading a paper again.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

# The contract's order, worst to best (what `change` in action_history compares by), and the default
# score of each (the `reconcile.scale` default; only scores use it, so a council that scores grey as 4
# does not turn blue -> grey into "unchanged"). The one place these live: everything else imports them.
ORDER = ("red", "amber", "green", "blue", "grey")
RANK = {status: n for n, status in enumerate(ORDER)}  # worse < better
SCORES = {status: n for n, status in enumerate(ORDER, 1)}
DONE = frozenset({"blue", "grey"})  # complete: never overdue, and dropped without a finding
# The colour names that are a status ("gray" as Americans spell it); readers add their own extras.
COLOUR_WORDS = {**{status: status for status in ORDER}, "gray": "grey"}

# What decided an action's status (actions.rag_source). HEADING: nothing in the row did, but the table
# sits under a "Completed actions" heading, which says it of every row.
KEY, COLOUR, CONFIGURED, DEFAULT, HEADING = "key", "colour", "statuses", "default", "heading"

DEFAULT_WORDS: dict[str, tuple[str, ...]] = {
    "red": ("red", "R", "off track", "significant slippage", "significant delay", "behind schedule",
            "not started", "will not be met"),
    "amber": ("amber", "A", "yellow", "minor slippage", "some slippage", "slight delay", "some delay",
              "delayed", "at risk", "under control"),
    "green": ("green", "G", "on track", "on target"),
    "blue": ("blue", "B", "complete", "completed", "achieved", "delivered"),
    # "purple" is plantrack's addition: the BRAG-and-purple keys use it for the contract's grey
    "grey": ("grey", "gray", "closed", "complete - remove", "completed and closed", "purple"),
}

# A direction of travel printed in or beside a status cell: arrows, and the Wingdings characters
# that arrows become in a PDF's text layer (Wingdings 0xE7–0xEE: ← → ↑ ↓ ↖ ↗ ↙ ↘).
WINGDINGS_ARROWS = {"ç": "←", "è": "→", "é": "↑", "ê": "↓", "ë": "↖", "ì": "↗", "í": "↙", "î": "↘"}
ARROWS = "←→↑↓↖↗↙↘↔↕⇧⇩⇦⇨⬆⬇⬅➡➔➜▲▼►◄"
DIRECTION_WORDS = ("improving", "improved", "worsening", "worsened", "declining", "deteriorating",
                   "same", "no change", "unchanged", "stable")
_ARROW_TOKEN = re.compile(rf"(?:(?<=\s)|^)(?:[{ARROWS}]+|[{''.join(WINGDINGS_ARROWS)}])(?=\s|$)")


def fold(text: str | None) -> str:
    """Lower case, punctuation as space, single spaces: "Off-Track." → "off track"."""
    return " ".join(re.sub(r"[^\w]+", " ", (text or "").lower()).replace("_", " ").split())


def _table(words: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    folded = {fold(w): str(s).lower() for w, s in words.items() if fold(w)}
    return folded, {k.replace(" ", ""): s for k, s in folded.items() if len(k.replace(" ", "")) > 2}


DEFAULT_TABLE = _table({w: status for status, ws in DEFAULT_WORDS.items() for w in ws})


# A date printed after the status word, when it was reached: "Completed 3/4/24", "Closed on 12 March 2024".
_DATE_AFTER = re.compile(r"\s+(?:on\s+|since\s+|at\s+)?\(?(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+"
                         r"[A-Za-z]{3,9}\.?,?\s+\d{2,4}|[A-Za-z]{3,9}\s+\d{4})\)?$")


def candidates(text: str | None) -> list[str]:
    """The folded forms a status cell may be looked up by: the whole cell, then what it says before a
    note on the old status ("Green (was Amber)", "Green – previously Amber") or before the date it was
    reached ("Completed 3/4/24": the word is the status, the date when)."""
    t = " ".join((text or "").split()).strip(" .●•■-–")
    if not t:
        return []
    now = re.split(r"\s*(?:\(|\bwas\b|\bprevious(?:ly)?\b|[–—;,]|\s-\s)\s*", t, maxsplit=1, flags=re.I)[0]
    undated = _DATE_AFTER.sub("", t)
    return [c for c in dict.fromkeys((fold(t), fold(now), fold(undated))) if c]


def lookup(text: str | None, words: Mapping[str, str] | tuple[dict, dict]) -> str | None:
    """The status `text` names in a table of words (word → status), or None."""
    folded, compact = words if isinstance(words, tuple) else _table(words)
    for c in candidates(text):
        if c in folded:
            return folded[c]
    for c in candidates(text):  # a word broken over two lines: "On tar get", "Signifi- cant slippage"
        if len(c.replace(" ", "")) > 2 and c.replace(" ", "") in compact:
            return compact[c.replace(" ", "")]
    return None


def default_status(text: str | None) -> str | None:
    return lookup(text, DEFAULT_TABLE)


def is_word(text: str | None) -> bool:
    """A status printed in letters (a word or a letter), not only a symbol such as ●."""
    return bool(text and re.search(r"[^\W\d_]", text))


def split_direction(text: str | None) -> tuple[str, str | None]:
    """A status cell's text without the direction of travel printed inside it: "Amber ↑" → ("Amber",
    "↑"); "Green é" → ("Green", "↑"). A cell of a status word alone comes back as it was."""
    t = " ".join((text or "").split())
    found = _ARROW_TOKEN.findall(t)
    if not found:
        return t, None
    rest = " ".join(_ARROW_TOKEN.sub(" ", t).split())
    return rest, direction_text(" ".join(found))


def direction_text(text: str | None) -> str | None:
    """A direction-of-travel cell as the reader should see it: Wingdings letters as the arrows they
    print ("é" → "↑"); anything else as printed."""
    t = " ".join((text or "").split())
    if not t:
        return None
    tokens = t.split()
    if all(tok in WINGDINGS_ARROWS or all(ch in ARROWS for ch in tok) for tok in tokens):
        return " ".join(WINGDINGS_ARROWS.get(tok, tok) for tok in tokens)
    return t


def settle(status_text: str | None, rag: str | None, source: str | None,
           configured: Mapping[str, str] | None) -> tuple[str | None, str | None]:
    """(rag, rag_source) once the council's configured words are known: they come after the report's
    key and before the default words (CONTRACT "Status words"). A colour decided only because no word
    did (extraction reads a fill when neither the key nor the default words know the word), so a word
    the council configured decides over it: the clerk wrote that word down, the fill is a guess by hue."""
    if source in (COLOUR, HEADING) and is_word(status_text) and configured:
        found = lookup(status_text, configured)
        return (found, CONFIGURED) if found else (rag, source)
    if source in (KEY, COLOUR, HEADING) or not is_word(status_text):
        return rag, source
    if source is None and rag is not None:  # decided by a reader that does not say how: it may be the key
        return rag, source
    if configured:
        found = lookup(status_text, configured)
        if found:
            return found, CONFIGURED
    found = default_status(status_text)
    return (found, DEFAULT) if found else (None, None)
