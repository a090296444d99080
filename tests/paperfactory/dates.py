"""Dates: only the forms this factory prints, so the truth never depends on a clever parser.
"""
from __future__ import annotations

import calendar
import re
from datetime import date


_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    return int(text) + (2000 if len(text) == 2 else 0)


def due_date(timescale: str | None) -> str | None:
    """The contract's due_date: "March 2020", "Mar-20", "03/2020" → month end; "31/03/2020" → that
    day; anything else ("Ongoing", "Q3 2022/23") → None."""
    t = (timescale or "").strip()
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t):
        return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    if (m := re.fullmatch(r"([A-Za-z]+)[ \-](\d{4}|\d{2})", t)) and m[1].lower() in _MONTHS:
        return month_end(_year(m[2]), _MONTHS[m[1].lower()]).isoformat()
    if m := re.fullmatch(r"(\d{1,2})/(\d{4})", t):
        return month_end(int(m[2]), int(m[1])).isoformat()
    return None


def as_at_date(line: str) -> str:
    """The position date an "as at" line prints; a month only means its last day."""
    if (m := re.search(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", line)) and m[2].lower() in _MONTHS:
        return date(int(m[3]), _MONTHS[m[2].lower()], int(m[1])).isoformat()
    for m in re.finditer(r"([A-Za-z]+) (\d{4})", line):
        if m[1].lower() in _MONTHS:
            return month_end(int(m[2]), _MONTHS[m[1].lower()]).isoformat()
    if m := re.search(r"(\d{1,2})\.(\d{1,2})\.(\d{2,4})", line):
        return date(_year(m[3]), int(m[2]), int(m[1])).isoformat()
    raise ValueError(f"no date in {line!r}: set ReportSpec.as_at")


def month_label(period: str, back: int = 0) -> str:
    """'2022-06' → 'June 2022' (or the month `back` months earlier)."""
    year, month = map(int, period.split("-"))
    month -= back
    while month < 1:
        year, month = year - 1, month + 12
    return f"{calendar.month_name[month]} {year}"


def long_date(iso: str, comma: bool) -> str:
    d = date.fromisoformat(iso)
    return f"{calendar.day_name[d.weekday()]}{',' if comma else ''} {d.day} {calendar.month_name[d.month]} {d.year}"


