"""Action-table columns: which header words mean which contract field.

Reports name the same column many ways ("Lead", "Officer responsible", "Responsible officer"); a
header row is recognised by how many of its cells name a known field, in any order.
"""
from __future__ import annotations

import re

from .dates import MONTH_NAME, find_date

SYNONYMS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "ref no", "reference", "no", "number", "action no", "action number", "item", "#", "id",
            # action logs: the action's own number, or the minute it was agreed under
            "action ref", "action reference", "action id", "minute ref", "minute reference", "minute no",
            "minute number", "min ref", "item no", "log ref", "log no"),
    "text": ("action", "actions", "what we will do", "key action", "key actions", "action required",
             "actions required", "task", "activity", "deliverable", "what", "improvement action",
             "action description", "action agreed", "actions agreed"),
    "lead": ("lead", "lead officer", "responsible officer", "officer responsible", "owner", "responsible",
             "lead responsible", "who", "accountable officer", "action owner", "lead person",
             "action by", "by whom", "responsibility"),
    "timescale": ("timescale", "timescales", "by when", "target date", "completion date", "deadline",
                  "due date", "due", "when", "date", "target", "timeframe", "timeline"),
    "success_measure": ("measure of success", "measures of success", "how we will know",
                        "evidence of success", "success measure", "success measures", "success criteria",
                        "outcome measure", "outcome", "outcomes", "impact", "measure", "how will we know",
                        "what success looks like", "evidence", "how we will measure success",
                        "how will we measure success", "how we will measure"),
    "progress": ("progress", "progress update", "update", "commentary", "comments", "comment",
                 "progress to date", "current position", "position", "progress and impact",
                 "progress commentary", "latest update", "progress and commentary", "action update",
                 "status update", "update on progress"),
    "rag": ("rag", "status", "rag status", "rating", "rag rating", "current rag", "rag rated", "ragb",
            "ragbg", "progress rating", "current status", "overall status", "action status"),
    # recognised only to keep it out of the status: its arrows, "Improving" or Wingdings characters
    # go to extra (see report.py)
    "direction": ("direction of travel", "dot", "direction", "trend"),
    # a column of its own for the Ofsted recommendation an action answers (more often a tag in the ref)
    "ofsted": ("ofsted", "ofsted rec", "ofsted recommendation", "ofsted recommendations", "ofsted ref",
               "ofsted reference", "inspection recommendation"),
}

_LOOKUP = {syn: role for role, syns in SYNONYMS.items() for syn in syns}
_COMPACT = {syn.replace(" ", ""): role for syn, role in _LOOKUP.items()}


def clean(cell: str | None) -> str:
    """A cell's lines joined by single spaces, as the contract stores text."""
    return " ".join((cell or "").split())


def normalise(cell: str | None) -> str:
    t = " ".join((cell or "").split()).lower()
    return re.sub(r"[^a-z0-9# ]+", "", t.replace("/", " ")).strip()


# Words that say which period a column is for ("Jan 2020 RAG", "Previous RAG", "Current status").
_PERIOD_WORD = re.compile(rf"^{MONTH_NAME}$|^(?:19|20)?\d\d$|"
                          r"^q[1-4]$|^(?:current|latest|this|previous|last|prior|was|month|period|quarter|"
                          r"new|revised|updated|agreed|proposed|original)$")
_EARLIER = re.compile(r"\b(?:previous|last|prior|was|old|original)\b")


# When an action was raised, not when it is due: an action log's "Date raised" or "Meeting date" is
# no timescale (it would take the due date's place), and goes to extra under its own header.
NOT_TIMESCALE = re.compile(r"^(?:date\s+(?:raised|added|opened|agreed|logged|of\s+meeting|identified)|"
                           r"(?:meeting|raised|opened|original)\s+date|raised|opened|date\s+action\s+raised)$")


def role_of(cell: str | None) -> str | None:
    t = normalise(cell)
    if not t or NOT_TIMESCALE.match(t):
        return None
    if t in _LOOKUP:
        return _LOOKUP[t]
    # "Progress update (October)" / "RAG status October 2019": the leading words decide
    for n in (3, 2, 1):
        head = " ".join(t.split()[:n])
        if head in _LOOKUP:
            return _LOOKUP[head]
    # "Jan 2020 RAG", "Current status": the words after the period's
    words = t.split()
    while words and _PERIOD_WORD.match(words[0]):
        words = words[1:]
    if words and len(words) < len(t.split()):
        return role_of(" ".join(words))
    # a narrow column breaks a header word over lines: "Timesc / ale", "R / A / G"
    compact = t.replace(" ", "")
    return _COMPACT.get(compact) if len(compact) >= 3 else None


def currency(cell: str | None) -> tuple[int, int]:
    """How current a column's header says it is: a "previous" column ranks below any other, then
    the later the month it names, the higher."""
    t = normalise(cell)
    found = find_date(t)
    return (0 if _EARLIER.search(t) else 1, int(found[0].replace("-", "")) if found else 0)


def header_roles(cells: list[str | None]) -> dict[int, str] | None:
    """Column index → role for a header row, or None when the row is not an action-table header.

    A header names the action itself, its status or progress, and at least one other field, so a
    random table with a "Date" and a "Status" column is not taken for an action table. Where two
    columns name one field ("Jan 2020 RAG", "Dec 2019 RAG"), the current one is taken.
    """
    roles: dict[int, str] = {}
    for i, cell in enumerate(cells):
        role = role_of(cell)
        if not role:
            continue
        other = next((j for j, r in roles.items() if r == role), None)
        if other is None:
            roles[i] = role
        elif currency(cell) > currency(cells[other]):
            del roles[other]
            roles[i] = role
    found = set(roles.values())
    if "text" in found and ({"rag", "progress"} & found) and len(found) >= 3:
        return roles
    return None


# One pattern for every header word, longest first, so a page's lines are scanned once each.
_HEADER_WORDS = re.compile(r"\b(" + "|".join(
    re.escape(syn) for syn in sorted((s for s in _LOOKUP if len(s) > 2), key=len, reverse=True)) + r")\b")


def roles_in(text: str) -> set[str]:
    """The fields a line of page text names as header words. A line does not show where one header
    cell ends, so "Action No." is read both ways: the ref's header, and the action's then the ref's."""
    t = normalise(text)
    return _roles(t, _HEADER_WORDS.findall(t))


def _roles(t: str, found: list[str]) -> set[str]:
    return {_LOOKUP[m] for m in found} | {_LOOKUP[w] for w in t.split() if len(w) > 2 and w in _LOOKUP}


def header_like_roles(text: str) -> set[str]:
    """roles_in, for a line that could be (part of) a header row: short, or mostly header words.
    A sentence of prose ("…the number of actions and the progress update…") names fields too."""
    t = normalise(text)
    found = _HEADER_WORDS.findall(t)
    if len(t.split()) > 8 and sum(len(m) for m in found) < 0.5 * len(t):
        return set()
    return _roles(t, found)


def is_header(roles: set[str], least: int = 4) -> bool:
    """Header words enough for an action table: the action, its status or progress, and two more (an
    action log's "Action | Owner | Status" may give one more only)."""
    return "text" in roles and bool({"rag", "progress"} & roles) and len(roles) >= least


# Each field's header words as a line can match them (longer than two letters, as _HEADER_WORDS and
# _roles take them), keeping only those that hold none of the others: a page that holds none of a
# field's keys holds none of its header words.
_KEYS = {role: [s for s in syns if len(s) > 2 and not any(o != s and len(o) > 2 and o in s for o in syns)]
         for role, syns in SYNONYMS.items()}


def could_name_header(text: str, least: int = 4) -> bool:
    """An exact early no for a page's text (first pass): could any of its lines, or lines together,
    name an action header (`is_header`) at all? Every field `header_like_roles` finds in a line is one
    of its header words found in `normalise(line)`, which is a piece of `normalise(text)`; `is_header`
    only grows with more fields. So a page whose whole text names too few fields has no header line,
    and a page that names enough is left to `is_header` over its lines."""
    t = normalise(text)
    return is_header({role for role, keys in _KEYS.items() if any(k in t for k in keys)}, least)


_HEADER_VOCABULARY = {word for syn in _LOOKUP for word in syn.split()}


def header_words_only(text: str) -> bool:
    """A line made of header words alone ("responsible", "date", "success"): the wrapped part of a
    header row, never a row of the table's body."""
    words = normalise(text).split()
    return bool(words) and all(w in _HEADER_VOCABULARY for w in words)
