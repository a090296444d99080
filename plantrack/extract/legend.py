"""The report's own status key: which colour, letter or word means which status.

Keys differ: a swatch beside a sentence ("The action has started but there is some delay…"), a
coloured word ("Purple – Complete, with sustained impact…"), a letter in a coloured cell, a coloured
●. The meaning is read from the sentence, so a key that uses purple where others use grey still
calibrates; the swatch colour is then whatever the report printed (RGB, CMYK or grey), as the blocks
show it (`models/document.py`: a cell's or a row's colour, a printed line's swatch or band).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..models.document import Para
from ..models.status import COLOUR_WORDS, DEFAULT, KEY, default_status, lookup
from .colours import RGB, hex_of, hue_status, is_background, nearest

RAG_WORDS = {**COLOUR_WORDS, "yellow": "amber"}

# Checked in this order: a red description may say "bring it back on track", an amber one
# "must be monitored", a green one "on track to be completed" — so the specific phrases go first.
_DESCRIPTIONS = [
    ("grey", r"\b(removed|come out of the plan|taken out of the plan|closed|archiv)"),
    ("red", r"\b(not (yet )?started|significant(ly)? (delay|behind)|off track|serious(ly)? (delay|behind))"),
    ("amber", r"\b(some delay|behind schedule|under ?way but|slipp|at risk|minor delay)"),
    ("blue", r"(\b(has been|is|now) complete(d)?\b|^complete(d)?\b|\bcompleted? and\b|\bcomplete[;,])"),
    ("green", r"\bon (track|target|schedule)\b"),
]


def status_of_description(text: str) -> str | None:
    """The status a key's sentence describes ("Red – Not started…" → red; "Purple – …come out of the plan" → grey)."""
    t = " ".join(text.split()).lower().lstrip("●•■ ")
    first = re.match(r"([a-z]+)\b", t)
    if first and first.group(1) in RAG_WORDS:
        return RAG_WORDS[first.group(1)]
    for status, pattern in _DESCRIPTIONS:
        if re.search(pattern, t):
            return status
    return None


@dataclass
class Legend:
    """colour → status and label → status, as one report's key defines them."""

    colours: dict[str, list[RGB]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def add(self, status: str, rgb: RGB | None, label: str | None) -> None:
        if rgb is not None and not is_background(rgb):
            self.colours.setdefault(status, []).append(rgb)
        if label:
            self.labels[label.lower()] = status

    @property
    def found(self) -> bool:
        return bool(self.colours or self.labels)

    def status_of_text(self, text: str | None) -> str | None:
        return self.decide_text(text)[0]

    def decide_text(self, text: str | None) -> tuple[str | None, str | None]:
        """(status, what decided it) for a cell that prints its status in words or letters: this
        report's key first, then the default words (models/status.py); the whole cell, else what it
        says before a note on the old status ("Green (was Amber)", "Green – was Amber")."""
        if self.labels:
            found = lookup(text, self.labels)
            if found:
                return found, KEY
        found = default_status(text)
        return (found, DEFAULT) if found else (None, None)

    def status_of_colour(self, rgb: RGB | None) -> str | None:
        """By the key's colours when the report prints a key; else by the fill's hue, as a reader
        names it (CONTRACT "Action logs and statuses without a key")."""
        if rgb is None or is_background(rgb):
            return None
        return nearest(rgb, self.colours) if self.colours else hue_status(rgb)

    def describe(self) -> dict[str, str]:
        out = {hex_of(c): s for s, cs in self.colours.items() for c in cs}
        out.update({f"'{k}'": v for k, v in self.labels.items()})
        return out


def key_row(cells: list[str | None]) -> tuple[str, str | None] | None:
    """What one row of a key says: (status, its label), or None for a row that is not a key's. The
    colour's own name ("Green – on track") is added to `legend` as a label by the caller's `add`."""
    texts = [" ".join((c or "").split()) for c in cells]
    full = " ".join(t for t in texts if t)
    short = [t for t in texts if t and len(t.split()) <= 2 and len(t) <= 14 and t.lower().strip("●• ")]
    label = short[0].strip("●• ") if short else None
    # a label that is not a colour ("Off Track") says less than the description beside it
    description = " ".join(t for t in texts if t and t not in short[:1])
    named = label is not None and label.lower() in RAG_WORDS
    status = status_of_description(full if named or not description else description) or \
        status_of_description(full)
    return None if status is None else (status, label)


def colour_word(cells: list[str | None]) -> str | None:
    """The colour a key's row names first ("● Amber – started, some delay" → 'Amber'), if any."""
    word = re.match(r"\s*[●•]?\s*([A-Za-z]+)\b", " ".join(" ".join((c or "").split()) for c in cells if c))
    return word.group(1) if word and word.group(1).lower() in (*RAG_WORDS, "purple", "yellow") else None


def legend_of_rows(rows: Iterable[tuple[list[str | None], Callable[[], RGB | None]]]) -> Legend:
    """A key from its rows, each (cell texts, the row's swatch colour when asked): a row naming a
    status gives its label, a colour's name printed in it, and its swatch. Three distinct statuses
    make a key; fewer are no key at all."""
    legend, seen = Legend(), set()
    for cells, swatch in rows:
        row = key_row(cells)
        if row is None:
            continue
        status, label = row
        seen.add(status)
        if word := colour_word(cells):
            legend.add(status, None, word)
        legend.add(status, swatch(), label)
    return legend if len(seen) >= 3 else Legend()


_ENTRY_START = re.compile(r"^\s*(?:[●•■◆▲]|(?:red|amber|yellow|green|blue|grey|gray|purple|[RAGBPC])\b\s*[–—:=-])", re.I)


def _starts_entry(line: Para) -> bool:
    """A key entry opens with a symbol or a colour's name, or with a swatch drawn left of its text;
    the lines a description wraps onto have neither."""
    if _ENTRY_START.match(line.text):
        return True
    return line.swatch() is not None


def legend_from_lines(lines: list[Para]) -> Legend:
    """A key printed as lines of text (no table): the entries after a 'key'/'legend' heading, each a
    symbol or swatch and a description that may wrap over several lines."""
    entries: list[tuple[Para, list[str]]] = []
    started, prev = False, None
    for line in lines:
        text = line.text
        if not started:
            started = bool(re.search(r"\b(key|legend)\b", text, re.I)) and len(text) < 60
            continue
        if text.strip() in ("●", "•", "■"):
            continue
        if _starts_entry(line):
            entries.append((line, [text]))
        elif entries and line.box[1] - prev.box[3] < line.box[3] - line.box[1] and len(entries[-1][1]) < 6:
            entries[-1][1].append(text)  # the description wraps onto this line
        elif entries:
            break
        prev = line
    legend, seen = Legend(), set()
    for first, texts in entries:
        full = " ".join(texts)
        status = status_of_description(full)
        if status is None:
            continue
        seen.add(status)
        word = re.match(r"\s*[●•■]?\s*([A-Za-z]+)\b", full)
        label = word.group(1) if word and word.group(1).lower() in (*RAG_WORDS, "purple", "yellow") else None
        legend.add(status, first.band(), label)
    return legend if len(seen) >= 3 else Legend()
