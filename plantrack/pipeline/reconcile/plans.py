"""A plan's name, folded so that every spelling of one plan compares equal.

Reports of one plan form a series, and minutes name the plan they discuss, in whatever spelling the
clerk used that month; this one key decides both.
"""
from __future__ import annotations

import re
import unicodedata


def plan_key(name: str | None) -> str:
    """A plan's name folded so that spellings of one plan compare equal: case, curly quotes and
    apostrophes, punctuation, "2019-20" / "2019/20" / "2019–2020", white space."""
    s = unicodedata.normalize("NFKC", name or "").casefold()
    out = []
    for ch in s:
        cat = unicodedata.category(ch)
        if ch == "/" or cat == "Pd" or ch.isspace():
            out.append(" ")
        elif cat[0] in "PS":
            continue  # "Children’s" and "Childrens" are one word
        else:
            out.append(ch)
    s = " ".join("".join(out).split())
    # a year range printed in full: "2019 2020" → "2019 20"
    return re.sub(r"\b((?:19|20)(\d\d)) (?:19|20)(\d\d)\b",
                  lambda m: f"{m.group(1)} {m.group(3)}" if int(m.group(3)) == (int(m.group(2)) + 1) % 100
                  else m.group(0), s)
