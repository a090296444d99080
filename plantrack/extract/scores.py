"""The priority scores of a plan report: each priority's previous and current score, and the overall.

Reports print them as a table ("No. | Priority | June 2022 | July 2022", "Priority | Previous period |
Current period", sometimes with more columns: "Number of actions", "Direction of travel"), and the
overall score as a row of it or as a sentence ("The overall score has improved from 2.4 to 2.6").
The header says which two columns are the periods and which is the later; without a header the
last two numbers of a row are taken.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Priority
from .columns import clean, currency, normalise
from .dates import MONTH_NAME

SCORE = re.compile(r"^\d+(?:\.\d+)?$")
PERIOD_HEADER = re.compile(
    rf"\b(?:previous|current|last|this|period|month|quarter|q[1-4]|score|{MONTH_NAME})\b|\b(?:19|20)\d\d\b", re.I)
NOT_A_SCORE = re.compile(r"\b(?:number|direction|travel|trend|count|actions|change|rag|status)\b", re.I)
NUMBER_HEADERS = {"no", "ref", "#", "number", "priority no", "priority number"}
ROMAN = r"(?:x{0,2}(?:ix|iv|v?i{0,3}))"
LABEL = re.compile(rf"^(?:priority\s*)?(?:p?(\d{{1,2}})|({ROMAN}))\b\s*[.):–—-]?\s*(.*)$", re.I)
HEADING_SCORE = re.compile(
    r"\s*[–—:,-]?\s*\(?\b(?:current\s+)?score\s*:?\s*(\d(?:\.\d+)?)\s*[(,;]\s*(?:was|previous(?:ly)?|last\s+period)"
    r"\s*:?\s*(\d(?:\.\d+)?)\s*\)?\.?\s*$", re.I)
OVERALL = re.compile(r"\boverall\b", re.I)
OVERALL_SENTENCE = re.compile(
    r"\boverall\s+(?:plan\s+)?score\b[^.]{0,80}?\bfrom\s+(\d(?:\.\d+)?)\s+to\s+(\d(?:\.\d+)?)", re.I)


def parse_score(text: str | None) -> float | None:
    """A printed score ("2.6", "3") as a number; anything else (a word, a blank, "n/a") as None."""
    t = clean(text)
    return float(t) if SCORE.match(t) else None


Overall = tuple[float | None, float | None]


def read_scores(data: list[list[str | None]]) -> tuple[list[Priority], Overall | None] | None:
    """The priorities and overall score a table holds, or None when it is not a scores table."""
    header = next((i for i, row in enumerate(data[:3]) if score_columns(row)), None)
    columns = ScoreColumns.of(data[header]) if header is not None else None
    priorities, overall = [], None
    for k, cells in enumerate(data):
        if k == header:
            continue
        row = _row(cells, columns) if columns else _loose_row(cells)
        if row is None:
            continue
        number, label, previous, current = row
        if any(OVERALL.search(clean(c)) for c in cells):  # its label may sit in a merged cell
            overall = (previous, current)
        elif number is not None and label:
            priorities.append(Priority(number, label, previous, current))
    return (priorities, overall) if len(priorities) >= 2 else None


def score_columns(header: list[str | None]) -> tuple[int, int] | None:
    """The (previous, current) columns a header row names, or None when it names fewer than two."""
    found = [j for j, c in enumerate(header)
             if PERIOD_HEADER.search(clean(c)) and not NOT_A_SCORE.search(clean(c))]
    if len(found) < 2:
        return None
    previous, current = found[-2], found[-1]
    if currency(header[previous]) > currency(header[current]):  # "Current | Previous"
        previous, current = current, previous
    return previous, current


@dataclass
class ScoreColumns:
    """What each column of a scores table holds, from its header."""

    previous: int
    current: int
    number: int | None   # "No.", "Ref": the priority's number in a column of its own
    labels: list[int]    # the priority's title (and any text column that is not a score)

    @classmethod
    def of(cls, header: list[str | None]) -> ScoreColumns:
        previous, current = score_columns(header)
        number = next((j for j, c in enumerate(header) if normalise(c) in NUMBER_HEADERS), None)
        labels = [j for j, c in enumerate(header) if j not in (previous, current, number)
                  and not PERIOD_HEADER.search(clean(c)) and not NOT_A_SCORE.search(clean(c))]
        return cls(previous, current, number, labels)


def _row(cells, cols: ScoreColumns) -> tuple[int | None, str, float | None, float | None] | None:
    if max(cols.previous, cols.current) >= len(cells):
        return None
    previous, current = parse_score(cells[cols.previous]), parse_score(cells[cols.current])
    if previous is None and current is None:
        return None
    label = " ".join(clean(cells[j]) for j in cols.labels if j < len(cells) and clean(cells[j]))
    printed = priority_number(re.sub(r"[.)]$", "", clean(cells[cols.number]))) \
        if cols.number is not None and cols.number < len(cells) else None
    number, title = _numbered(label)
    if printed is not None and number != printed:  # the label's leading number is part of its title
        number, title = printed, label
    return number, title, previous, current


def _loose_row(cells) -> tuple[int | None, str, float | None, float | None] | None:
    texts = [clean(c) for c in cells if clean(c)]
    if len(texts) < 3 or parse_score(texts[-1]) is None or parse_score(texts[-2]) is None:
        return None
    return (*_numbered(" ".join(texts[:-2])), parse_score(texts[-2]), parse_score(texts[-1]))


def _numbered(label: str) -> tuple[int | None, str]:
    """ "3. Title", "P3 Title", "Priority 3 – Title", "III Title" → (3, "Title"); else (None, label)."""
    m = LABEL.match(label)
    number = priority_number(m.group(1) or m.group(2)) if m else None
    return (number, m.group(3).strip()) if number is not None else (None, label)


def priority_number(token: str | None) -> int | None:
    """A priority's number as printed: "3", "P3" or a Roman numeral "III"."""
    t = clean(token).upper().removeprefix("P")
    if t.isdigit():
        return int(t)
    if not t or not re.fullmatch(ROMAN, t, re.I):
        return None
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for a, b in zip(t, t[1:] + " "):
        total += -values[a] if values.get(b, 0) > values[a] else values[a]
    return total


def heading_score(text: str) -> tuple[str, float, float] | None:
    """A priority heading that prints its scores: "… workforce – score 2.3 (previous 1.9)" → (the
    title without them, previous, current)."""
    m = HEADING_SCORE.search(" ".join(text.split()))
    if not m:
        return None
    return " ".join(text.split())[:m.start()].strip(" –—-:,"), float(m.group(2)), float(m.group(1))


def overall_in_text(text: str) -> Overall | None:
    """The overall score told as a sentence: "The overall score has improved from 2.4 to 2.6"."""
    m = OVERALL_SENTENCE.search(" ".join(text.split()))
    return (float(m.group(1)), float(m.group(2))) if m else None


SCORE_LINE = re.compile(r"^(?P<label>.*?\S)\s+(?P<previous>\d(?:\.\d{1,2})?)\s+(?P<current>\d(?:\.\d{1,2})?)$")


def read_scores_from_lines(lines: list[dict]) -> tuple[list[Priority], Overall | None] | None:
    """A scores table printed without rules, from the page's text lines (each with its `text` and
    `x0`): rows ending in two scores, a title wrapping onto indented lines under its row."""
    priorities: list[Priority] = []
    overall = None
    order = (0, 1)
    last_x0 = 0.0
    for k, line in enumerate(lines):
        m = SCORE_LINE.match(line["text"])
        if m and max(float(m["previous"]), float(m["current"])) <= 10:
            scores = (float(m["previous"]), float(m["current"]))
            if not priorities and k and _reversed_header(lines[max(0, k - 3):k]):
                order = (1, 0)
            previous, current = scores[order[0]], scores[order[1]]
            if OVERALL.search(m["label"]):
                overall = (previous, current)
                continue
            number, title = _numbered(m["label"])
            if number is not None and title:
                priorities.append(Priority(number, title, previous, current))
                last_x0 = line["x0"]
                continue
        elif priorities and _wraps_under(line, lines[k - 1], last_x0):
            p = priorities[-1]  # the title wraps onto the line under its row
            priorities[-1] = Priority(p.number, f"{p.title} {clean(line['text'])}", p.previous_score, p.current_score)
            continue
        if len(priorities) >= 2:
            break
        priorities = []  # a stray row; an overall row may stand before the header, so it stays
    return (priorities, overall) if len(priorities) >= 2 else None


def _wraps_under(line: dict, above: dict, row_x0: float) -> bool:
    """A line that carries on the title above it: set close under it, not a numbered row of its own,
    and no further left than its row."""
    close = line["top"] - above["bottom"] < 0.8 * (line["bottom"] - line["top"])
    return close and line["x0"] >= row_x0 - 1 and _numbered(line["text"])[0] is None and not SCORE.match(line["text"])


def _reversed_header(lines: list[dict]) -> bool:
    """A header over the scores that names the current period before the previous one."""
    text = " ".join(line["text"] for line in lines).lower()
    return "current" in text and "previous" in text and text.index("current") < text.index("previous")
