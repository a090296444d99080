"""Action logs: a body's table of actions with their status ("Action log", "Status update on actions
from the last meeting", "Action tracker"), read as a plan report (CONTRACT "Action logs and statuses
without a key").

Such a paper prints no plan, priorities, scores or key; what says it is a log is its title, or, with
no title, a status column that holds status words. The PDF first pass (`document.py`) and the plan-report
reader of every format (`report.py`) ask this module, so the words are written once.
"""
from __future__ import annotations

import re

from ..models.status import default_status, fold
from .dates import find_date

# A log's title, as secretariats word it.
LOG_TITLE = re.compile(
    r"\b(?:actions?\s+(?:log|tracker|list|schedule|register|sheet|grid)s?"
    r"|status\s+(?:update|report)\s+on\s+(?:the\s+)?(?:outstanding\s+)?actions"
    r"|(?:update|progress)\s+on\s+(?:the\s+)?(?:outstanding\s+)?actions"
    r"|actions?\s+(?:arising|from|agreed\s+at)\s+(?:the\s+)?(?:last|previous|earlier)\s+(?:board\s+|committee\s+)?meetings?"
    r"|outstanding\s+actions|log\s+of\s+actions|matters\s+arising\s+(?:and\s+)?actions?)\b", re.I)
# A heading over the second table of a log: the actions closed since the last meeting.
COMPLETED_HEADING = re.compile(r"^\W{0,3}(?:completed|closed|finished)\s+actions?\b|^\W{0,3}actions?\s+"
                               r"(?:completed|closed)\b", re.I)
# Words people write in a log's status cell besides the contract's vocabulary: they say nothing of
# the status by themselves (the cell's colour does), but a column of them shows a status column.
LOG_STATUS_WORDS = frozenset({
    "ongoing", "on going", "in progress", "underway", "under way", "open", "done", "not yet started",
    "progressing", "pending", "overdue", "outstanding", "superseded", "deferred", "in hand", "closed",
    "complete", "completed", "not started", "on track"})
_CONNECTOR = re.compile(r"[\s,:;(\[–—-]*(?:\b(?:as\s+(?:at|of)|dated|of|from|for|at|on|to)\b[\s,:;(\[–—-]*)*$", re.I)


def completed_heading(text: str) -> str | None:
    """The status a heading over a table gives its rows ("Completed actions" → blue, "Closed actions"
    → grey, as the contract's words name them), or None when the line is no such heading."""
    m = COMPLETED_HEADING.match(" ".join(text.split()))
    if not m or len(text) > 80:
        return None
    word = re.search(r"completed|closed|finished", m.group(0), re.I).group(0)
    return default_status(word) or "blue"


# A line naming the body whose log it is ("National Care Standards Board", "Audit and Risk Committee").
_BODY = re.compile(r"\b(?:board|committee|sub-committee|council|panel|group|forum|partnership|commission|"
                   r"authority|trust|executive|cabinet|governors|governing\s+body)$", re.I)


def untitled_log_name(opening: list[str]) -> str:
    """The name of a log that prints no title: the body's heading above its table, as consecutive logs
    print it ("National Care Standards Board" → "National Care Standards Board action log"), else
    "Action log". A line with a date, a label ("Date of meeting:") or a sentence is no heading."""
    for text in opening[:8]:
        t = " ".join(text.split()).strip(" :–—-")
        if 3 < len(t) < 100 and _BODY.search(t) and not find_date(t) and ":" not in t \
                and not re.match(r"(?:date|venue|present|meeting|minutes|agenda|item)\b", t, re.I):
            return f"{t} action log"
    return "Action log"


def is_log_title(text: str) -> bool:
    return bool(LOG_TITLE.search(text)) and len(text) < 160


def log_name(title: str) -> str:
    """The log's name out of its title: the title without its date and the words that lead to it.
    "Action log as of 9 May 2024" → "Action log"; "Status update on actions from last meeting 14 March
    2024" → "Status update on actions from last meeting"; so that consecutive logs form one series."""
    t = " ".join(title.split())
    found = find_date(t)
    if found:
        start, end = found[2]
        before = _CONNECTOR.sub("", t[:start]).strip()
        after = t[end:].strip(" ,.;:)]–—-")
        t = before if before and (not after or len(after) < 4) else " ".join(filter(None, (before, after)))
    # a weekday left in front of the date ("… meeting – Tuesday 14 March 2024")
    t = re.sub(r"[\s,–—-]*\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b[\s,]*$", "", t, flags=re.I)
    # "ACTION LOG – Meeting of 5 September 2024": the meeting the date was of goes with the date
    t = re.sub(r"\s*[–—:-]\s*(?:board\s+|committee\s+)?meeting(?:\s+held)?$", "", _CONNECTOR.sub("", t), flags=re.I)
    return t.strip(" ,.;:–—-") or title


def is_status_word(text: str) -> bool:
    """A cell that holds a status word alone: one the contract's vocabulary knows, or one people write."""
    t = fold(text)
    return bool(t) and len(t) <= 20 and (t in LOG_STATUS_WORDS or default_status(text) is not None) \
        and len(t) > 1  # a letter alone ("A", "G") may be anything in running text


def opens_with_status(text: str) -> bool:
    """A cell that opens with a status ("Complete – paper circulated", "Ongoing. Draft with the Chair")."""
    first = re.split(r"\s*(?:[.(–—;:,]|\s-\s)\s*", " ".join(text.split()), maxsplit=1)[0]
    return is_status_word(first) or default_status(text) is not None


def looks_like_log(text: str, opening_lines: int = 15) -> bool:
    """Does a page's text (first pass) show an action log rather than a plan report? A log's title in
    its opening lines, or a column of status words: at least three lines that are a status word alone."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if any(is_log_title(ln) for ln in lines[:opening_lines]):
        return True
    return sum(is_status_word(ln) for ln in lines) >= 3


def log_date(lines: list[str]) -> str | None:
    """The period's date of a log from its opening lines (the title's date, else the meeting's)."""
    for text in lines:
        found = find_date(text)
        if found:
            return found[0]
    return None


def continues_log(text: str) -> bool:
    """A page after a log's last table header that goes on with the log: it opens with the completed
    actions' heading, or its rows show a column of status words; an agenda or minutes show neither."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return any(COMPLETED_HEADING.match(ln) for ln in lines[:5]) or sum(is_status_word(ln) for ln in lines) >= 2


def status_column(roles: dict[int, str], body: list[list[str]], coloured: list[list[bool]] | None = None) -> int | None:
    """The status column of a table whose header names none: the column (under "Progress", "Update"
    or a header nobody knows) whose cells are status words alone, or clearly coloured fills, in most
    rows. None when the header names a status column, or no column reads as one."""
    if "rag" in roles.values() or len(body) < 2:
        return None
    ncols = max((len(r) for r in body), default=0)
    # a row shaded all across is a row's fill (read only by a key), not a column of status cells
    coloured = [row if not all(row) else [False] * len(row) for row in coloured or []]
    for j in range(ncols):
        if roles.get(j) in ("text", "ref", "lead", "timescale", "success_measure", "ofsted"):
            continue
        cells = [r[j] if j < len(r) else "" for r in body]
        words = sum(opens_with_status(c) for c in cells if c)
        fills = sum(row[j] for row in coloured if j < len(row))
        if max(words, fills) >= 2 and max(words, fills) * 3 >= len(body) * 2:
            return j
    return None
