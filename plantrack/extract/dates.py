"""Dates as councils print them, to ISO 8601.

A date given only as a month ("March 2020", "Mar-20", "03/2020") means the last day of that month
(the contract's rule), because a timescale of "March 2020" is met by the end of March.
"""
from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
# Welsh months (with their soft mutations: "o Fawrth", "ym Mehefin"), so that a Welsh title reads as an English one
WELSH_MONTHS = {"ionawr": 1, "chwefror": 2, "mawrth": 3, "fawrth": 3, "ebrill": 4, "mai": 5, "fai": 5, "mehefin": 6,
                "fehefin": 6, "gorffennaf": 7, "gorffenaf": 7, "awst": 8, "medi": 9, "fedi": 9, "hydref": 10, "tachwedd": 11,
                "dachwedd": 11, "rhagfyr": 12}
MONTHS.update(WELSH_MONTHS)

# A month's name or its abbreviation, for other patterns to use: "Mar", "March", "Sept".
MONTH_NAME = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
              r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_WELSH_MONTH = "|".join(sorted(WELSH_MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<month>{MONTH_NAME}|{_WELSH_MONTH})"
# an ordinal may be printed apart from its day (a superscript the text layer gives as " th"); Welsh
# ordinals: 1af, 2il, 3ydd, 5ed, 7fed, 14eg, 21ain
_DAY = r"(?P<day>[0-3]?\d)(?:\s?(?:st|nd|rd|th)(?-i:(?![a-z]))|af|il|ydd|ed|fed|eg|ain)?"
_YEAR = r"(?P<year>(?:19|20)\d\d|\d\d)"

# Ordered: the most specific form first.
_PATTERNS = [
    # 31 October 2019; "9thOCTOBER 2019" (a superscript set close to the month)
    re.compile(rf"\b{_DAY}(?:\s+|(?-i:(?<=[a-z])(?=[A-Z])))(?:of\s+)?{_MONTH}\.?,?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\.?\s+{_DAY},?\s+(?P<year>(?:19|20)\d\d)\b", re.I),  # October 31, 2019
    re.compile(r"\b(?P<day>[0-3]?\d)[/.](?P<mnum>[01]?\d)[/.](?P<year>(?:19|20)?\d\d)\b"),  # 31/03/2020, 24.08.22
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),  # 2020-03-31
    re.compile(r"\b(?P<day>[0-3]?\d)-(?P<mnum>[01]?\d)-(?P<year>(?:19|20)\d\d)\b"),  # 09-10-2019
    re.compile(rf"\b{_MONTH}\.?[\s\-–']+{_YEAR}\b", re.I),                  # March 2020, Mar-20, Dec 22
    re.compile(r"\b(?P<mnum>[01]?\d)/(?P<year>(?:19|20)\d\d)\b"),           # 03/2020
]


def _year(y: str) -> int:
    """'20' → 2020; two-digit years pivot at 70 ('99' → 1999), as spreadsheets do."""
    n = int(y)
    if n >= 100:
        return n
    return n + 2000 if n < 70 else n + 1900


def _build(m: re.Match) -> tuple[date, bool] | None:
    """The date a match names, and whether it named a day (False: a month only)."""
    g = m.groupdict()
    month = MONTHS.get(g["month"].lower().rstrip(".")) if g.get("month") else int(g["mnum"])
    year = _year(g["year"])
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        return None
    if g.get("day"):
        try:
            return date(year, month, int(g["day"])), True
        except ValueError:
            return None
    return date(year, month, calendar.monthrange(year, month)[1]), False


def _letter_digits(text: str) -> str:
    """A letter typed for a digit inside a number — O or o for a zero, l or I for a one ("2O19", "1O October",
    "2l October", "20l9", "l2th") — read as the digit; the text keeps its length, so spans stay true."""
    if not re.search(r"[OolI]", text):
        return text
    return re.sub(r"(?<![A-Za-z])(?=[\dOolI]*\d)[\dOolI]{2,4}(?![A-Za-z]|(?<=\d)(?:st|nd|rd|th)\b)"
                  r"|(?<![A-Za-z])(?=[\dOolI]*\d)[\dOolI]{2,4}(?=(?:st|nd|rd|th)\b)",
                  lambda m: m.group(0).translate(_AS_DIGITS), text)


_AS_DIGITS = str.maketrans("OolI", "0011")
_DIGIT = re.compile(r"\d")


def find_date(text: str | None) -> tuple[str, bool, tuple[int, int]] | None:
    """The first date in running text: (ISO date, whether a day was given, span)."""
    # every form holds a digit (a letter typed for one is read only beside a real one): most lines hold
    # none, and are answered here without the patterns
    if not text or not _DIGIT.search(text):
        return None
    text = _letter_digits(text)
    best = None
    for pat in _PATTERNS:
        for m in pat.finditer(text):
            built = _build(m)
            if built is None:
                continue
            # prefer the earliest match; at the same place, the more specific pattern (listed first)
            if best is None or m.start() < best[2][0]:
                best = (built[0].isoformat(), built[1], m.span())
            break
    return best


def parse_date(text: str | None) -> str | None:
    """A cell that is a date ("March 2020", "Mar-20", "31/03/2020") → ISO; anything else → None.

    The whole cell must be the date, give or take a word such as "by" or "end of", so that
    "Ongoing" or "Q3 2022/23" stay undated rather than guessed; a cell that revises its date ("Dec
    2019 / revised Mar 2020") gives the revised one.
    """
    if not text:
        return None
    t = " ".join(text.split())
    # "Dec 2019 / revised Mar 2020": the date now in force is the revised one
    revised = re.split(r"\s*[/;,(–-]?\s*\b(?:revised|now|extended|moved|new\s+date|rescheduled)\b(?:\s+to)?\s*:?\s*",
                       t, maxsplit=1, flags=re.I)
    if len(revised) == 2 and parse_date(revised[0]) and parse_date(revised[1].rstrip(")")):
        return parse_date(revised[1].rstrip(")"))
    t = re.sub(r"^(?:by|end(?: of)?|due|before|target(?: date)?:?)\s+", "", t, flags=re.I).strip(" .,")
    found = find_date(t)
    if found is None:
        return None
    iso, _, (start, end) = found
    if t[:start].strip() or t[end:].strip(" .,"):
        return None
    return iso


def month_of(iso: str | None) -> str | None:
    """'2019-11-30' → '2019-11' (a report's period)."""
    return iso[:7] if iso else None
