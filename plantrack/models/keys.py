"""The keys things are matched by: one home for each, and for each key that also runs in SQL its SQL twin.

* `plan_key`: a plan's name folded so that every spelling of one plan compares equal. Reports of one
  plan form a series, minutes name the plan they discuss, a clerk types it to `plantrack correct` and
  `plantrack report --plan`, an analyst into a Datasette form; this one key decides all of them.
* `plan_matches`: whether what somebody typed names a plan (the one rule for `--plan` and Datasette);
  `authority_matches` the same for a council (`--authority`).
* `ref_key`: an action's ref as typed against a ref as printed ("3.2", "3.2." and " 3.2" are one ref).
* `text_key`: an action's wording, beyond what extractors of the same printed words differ in.
* `ref_order`, `month_label`, `PERIOD_RE`: natural order of refs, a period as a clerk says it.

SQL twins are plain SQL (no registered function), so a view, a trigger, a Datasette canned query or
the sqlite3 command line can use them: `plan_key_steps` / `plan_key_ctes`, `wanted_ctes` (plan and
council matching) and `ref_key_ctes`. tests/test_keys.py checks, for random text, that each twin computes exactly what its
Python key does. That is why the keys are defined by explicit character tables rather than by Unicode
categories or NFKC: SQLite has neither, and its `lower()` folds ASCII only. What the tables do not
name (Greek, CJK, emoji...) is compared as it is, and text after a NUL character is ignored (SQLite's
text functions stop there).
"""
from __future__ import annotations

import calendar
import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

# ----------------------------------------------------------------------------
# the character tables
# ----------------------------------------------------------------------------

# Python's white space (str.isspace), all of it.
SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
          "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# Dashes (Unicode's dash punctuation, Pd) other than the hyphen-minus itself.
DASHES = ("\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40"
          "\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead")
_UPPER = {chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}  # SQLite's lower() folds no more
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}
# Latin letters with no decomposition to a base letter, as a UK keyboard types them.
_LETTERS = {"æ": "ae", "œ": "oe", "ß": "ss", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l",
            "þ": "th", "ŧ": "t", "ĸ": "k", "ŋ": "ng", "ſ": "s"}


def _latin() -> dict[str, str]:
    """Latin-1 and Latin Extended-A letters as the ASCII letters they are written with: "Ŵ" → "w",
    "É" → "e", "Æ" → "ae" (accents ignored: clerks type "Cafe" for "Café")."""
    out = {}
    for c in map(chr, range(0xC0, 0x180)):
        if not c.isalpha():
            continue
        base = "".join(ch for ch in unicodedata.normalize("NFKD", c) if not unicodedata.combining(ch)).lower()
        base = "".join(ch for ch in base if "a" <= ch <= "z")
        out[c] = _LETTERS.get(c.lower(), base) or c
    return {c: s for c, s in out.items() if s != c}


def _punctuation() -> str:
    """Punctuation, symbols and format characters of ASCII, Latin-1, General Punctuation and the
    currency block (what plan names print: ’ “ ” … • £ €, soft hyphens, zero-width spaces)."""
    blocks = [*range(0x21, 0x7F), *range(0xA1, 0x100), *range(0x2000, 0x2070), *range(0x20A0, 0x20D0), 0xFEFF]
    return "".join(c for c in map(chr, blocks)
                   if unicodedata.category(c)[0] in "PS" or unicodedata.category(c) == "Cf")


_COMBINING = "".join(map(chr, range(0x300, 0x370)))  # accents printed as a character of their own

# plan_key: white space, "/" and dashes are a space; punctuation and accents go; letters fold.
PLAN_FOLD: dict[str, str] = {
    **{c: "" for c in _punctuation() + _COMBINING},
    **{c: " " for c in SPACES + DASHES + "/-"},
    **_UPPER, **_latin(), **_LIGATURES,
}
_PLAN_TABLE = str.maketrans(PLAN_FOLD)

# ref_key: white space is a space, dashes a hyphen, A-Z lower case.
REF_FOLD: dict[str, str] = {**{c: " " for c in SPACES}, **{c: "-" for c in DASHES}, **_UPPER}
_REF_TABLE = str.maketrans(REF_FOLD)
# Two characters both folds turn into others, so they never survive folding: SQL squeezes spaces with them.
_MARK_A, _MARK_B = "A", "B"
assert all(table.get(m, m) != m for m in (_MARK_A, _MARK_B) for table in (PLAN_FOLD, REF_FOLD))

# A year range printed in full, "2019 2020", is "2019 20" (after folding "2019-2020", "2019/2020").
YEARS = [str(y) for y in range(1900, 2100)]
_YEAR_PAIRS = [(a, str(int(a) + 1)) for a in YEARS[:-1]]
_NEXT_YEAR = dict(_YEAR_PAIRS)


# ----------------------------------------------------------------------------
# plan names
# ----------------------------------------------------------------------------

def _text(v: Any) -> str:
    """`v` as text up to a NUL character, if any: SQLite's text functions stop there."""
    return "" if v is None else str(v).split("\x00", 1)[0]


def _squeeze(s: str) -> str:
    return re.sub(" +", " ", s).strip(" ")


def plan_key(name: Any) -> str:
    """A plan's name folded so that spellings of one plan compare equal: case and accents, curly
    quotes and apostrophes ("Children’s" = "Childrens"), punctuation, "/" and dashes as a space,
    white space, and a year range printed in full ("2019-20" = "2019/20" = "2019–2020")."""
    words = _squeeze(_text(name).translate(_PLAN_TABLE)).split(" ")
    out, i = [], 0
    while i < len(words):
        if i + 1 < len(words) and _NEXT_YEAR.get(words[i]) == words[i + 1]:
            out += [words[i], words[i + 1][2:]]
            i += 2
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def _initials(key: str) -> set[str]:
    """The initials of every run of two or more words of a folded name that start with a letter a-z."""
    words = key.split(" ")
    out = set()
    for i in range(len(words)):
        run = ""
        for w in words[i:]:
            if not ("a" <= w[:1] <= "z"):
                break
            run += w[0]
            if len(run) > 1:
                out.add(run)
    return out


def plan_matches(key: str, query: Any) -> bool:
    """Whether `query` names the plan whose folded name is `key`: after folding both with plan_key,
    every word of the query is a word of the name or the initials of a run of its words ("SDP 2019-20",
    "service development" and "Service Development Plan 2019/20" all name "Service Development Plan
    2019-20"; "service" does not name "Children's Services"). A query that folds to nothing names none."""
    q = plan_key(query)
    if not q:
        return False
    words, initials = set(key.split(" ")), None
    for w in q.split(" "):
        if w in words:
            continue
        initials = _initials(key) if initials is None else initials
        if w not in initials:
            return False
    return True


def authority_name(v: Any) -> str | None:
    """A council's name as stored and compared: white space folded; None when not known (NULL, NaN,
    blank). Councils are told apart as stored, never by a looser key: "Kent County Council" and
    "Kent" are two councils unless the clerk names them alike."""
    return " ".join(v.split()) or None if isinstance(v, str) else None


def authority_matches(name: Any, query: Any) -> bool:
    """Whether `query` names the council `name`: after folding both with plan_key, the query is part
    of the name or each of its words is a word of the name ("kent" and "KENT council" name "Kent
    County Council")."""
    key, q = plan_key(name), plan_key(query)
    return bool(q) and bool(key) and (q in key or set(q.split(" ")) <= set(key.split(" ")))


# ----------------------------------------------------------------------------
# refs, wording, periods
# ----------------------------------------------------------------------------

def ref_key(ref: Any) -> str | None:
    """A ref as typed against a ref as printed: white space, case (A-Z), the dash printed and
    trailing dots ignored, so "3.2", "3.2." and " 3.2" are one ref and "A–1" is "a-1". None when blank."""
    if ref is None or (isinstance(ref, float) and ref != ref):
        return None
    s = _squeeze(_text(ref).translate(_REF_TABLE)).rstrip(". ")
    return s or None


_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
           "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00a0": " "}


def text_key(text: Any) -> str:
    """Wording with case, white space and typography (curly quotes, dash forms) folded: those
    differ between extractors of the same printed words, so they are not a change of wording. A word
    hyphenated at a line end is kept as printed ("step- down", the contract's rule for text), and is
    the same wording as "step-down" printed whole. Python only: no SQL compares wording."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = "".join(_QUOTES.get(c, "-" if unicodedata.category(c) == "Pd" else c) for c in s)
    s = re.sub(r"(?<=\w)-\s+(?=\w)", "-", s)
    return " ".join(s.split()).casefold()


def ref_order(ref: Any) -> tuple:
    """Natural order for refs: 2 < 10, 2.5 < 2.10."""
    parts = re.split(r"([0-9]+)", str(ref or ""))
    return tuple((0, int(p)) if p[0] in "0123456789" else (1, p) for p in parts if p)


PERIOD_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")  # a report's period, YYYY-MM


def month_label(period: Any) -> str:
    """'2022-07' -> 'July 2022', for sentences a clerk reads aloud."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", str(period or ""))
    if not m or not 1 <= int(m.group(2)) <= 12:
        return str(period or "an undated")
    return f"{calendar.month_name[int(m.group(2))]} {m.group(1)}"


# ----------------------------------------------------------------------------
# SQL twins
# ----------------------------------------------------------------------------

CHUNK = 16  # SQLite's parser overflows at about 35 nested calls; a step nests at most this many


def _lit(s: str) -> str:
    """A SQL string literal for `s`; characters a SQL text may not show plainly via char()."""
    if not s:
        return "''"
    parts, plain = [], ""
    for ch in s:
        if ch.isprintable() and ch not in "\u2028\u2029" and not unicodedata.category(ch).startswith("C"):
            plain += ch
            continue
        if plain:
            parts.append("'" + plain.replace("'", "''") + "'")
            plain = ""
        parts.append(f"char({ord(ch)})")
    if plain:
        parts.append("'" + plain.replace("'", "''") + "'")
    return " || ".join(parts) if len(parts) > 1 else parts[0]


def _chain(pairs: list[tuple[str, str]], column: str) -> list[str]:
    steps = []
    for i in range(0, len(pairs), CHUNK):
        expr = column
        for old, new in pairs[i:i + CHUNK]:
            expr = f"replace({expr}, {_lit(old)}, {_lit(new)})"
        steps.append(expr)
    return steps


def _upto_nul(e: str) -> str:
    """`e` up to a NUL character: substr() stops there (replace() cannot remove one)."""
    return f"substr({e}, 1, 1000000000)"


def _squeeze_sql(e: str) -> str:
    """Runs of spaces as one, then trimmed, exactly: ' ' → '<>', '><' → '', '<>' → ' '."""
    a, b = _lit(_MARK_A), _lit(_MARK_B)
    return f"trim(replace(replace(replace({e}, ' ', {a} || {b}), {b} || {a}, ''), {a} || {b}, ' '), ' ')"


def plan_key_steps(column: str) -> list[str]:
    """plan_key in plain SQL, as expressions to apply to `column` one after another (each reads the
    result of the one before): a trigger runs them as UPDATEs, a query as a chain of CTEs."""
    steps = [_upto_nul(column), *_chain(list(PLAN_FOLD.items()), column), _squeeze_sql(column)]
    # years: every word its own spaces around it, so one replace() finds every pair, then back
    steps.append(f"' ' || replace({column}, ' ', '  ') || ' '")
    steps += _chain([(f" {a}  {b} ", f" {a}  {b[2:]} ") for a, b in _YEAR_PAIRS], column)
    steps.append(f"trim(replace({column}, '  ', ' '), ' ')")
    return steps


def _ctes(name: str, source: str, steps: list[str]) -> str:
    """CTEs (for after WITH) ending in `name`(k, v): `steps` applied to v of each row (k, v) of the
    query `source`, one CTE a step (nesting them would overflow SQLite's parser)."""
    ctes = [f"{name}_0(k, v) AS ({source})"]
    for i, step in enumerate(steps, 1):
        target = name if i == len(steps) else f"{name}_{i}"
        ctes.append(f"{target}(k, v) AS (SELECT k, {step} FROM {name}_{i - 1})")
    return ",\n".join(ctes)


def plan_key_ctes(source: str, name: str = "asked") -> str:
    """CTEs ending in `name`(k, v): v = plan_key of v for each row (k, v) of the query `source`
    ("SELECT 0, :plan"; NULL folds to '')."""
    return _ctes(name, source, ["coalesce(v, '')", *plan_key_steps("v")])


def _words(name: str, source: str) -> str:
    """A CTE `name`(k, n, w, rest): the words of v, numbered from 1, for each row (k, v) of `source`."""
    return f"""{name}(k, n, w, rest) AS (
  SELECT k, 0, NULL, v || ' ' FROM ({source})
  UNION ALL SELECT k, n + 1, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
  FROM {name} WHERE rest <> ''
)"""


def wanted_ctes(plan: str = ":plan", authority: str = ":authority",
                series: str = "SELECT DISTINCT series FROM plan_series",
                councils: str = "SELECT authority FROM documents UNION SELECT authority FROM findings") -> str:
    """CTEs (for after WITH; recursive, which SQLite allows without the word) for a form that asks for
    a plan and a council, in plain SQL:

    * wanted(series): the series keys (rows of the query `series`) that `plan` names (plan_matches);
    * council(authority): the councils as stored (rows of the query `councils`) that `authority`
      names (authority_matches);
    * asked(v), asked_council(v): the two folded; one that folds to nothing ('') wants every plan,
      or every council.
    """
    source = (f"SELECT 'plan', {plan} UNION ALL SELECT 'authority', {authority} UNION ALL "
              f"SELECT 'council ' || authority, authority FROM ({councils}) WHERE authority IS NOT NULL")
    return f"""{plan_key_ctes(source, "folded")},
asked(v) AS (SELECT v FROM folded WHERE k = 'plan'),
asked_council(v) AS (SELECT v FROM folded WHERE k = 'authority'),
-- the words of what was asked, and of the folded name of each plan (numbered)
{_words("asked_word", "SELECT k, v FROM folded WHERE k IN ('plan', 'authority') AND v <> ''")},
{_words("name_word", f"SELECT series AS k, series AS v FROM ({series})")},
-- the initials of every run of words that start with a letter ("sdp")
name_run(series, last, initials) AS (
  SELECT k, n, substr(w, 1, 1) FROM name_word WHERE n > 0 AND w GLOB '[a-z]*'
  UNION ALL SELECT r.series, w.n, r.initials || substr(w.w, 1, 1)
  FROM name_run r JOIN name_word w ON w.k = r.series AND w.n = r.last + 1 AND w.w GLOB '[a-z]*'
),
wanted(series) AS (
  SELECT DISTINCT k FROM name_word, asked
  WHERE n = 0 AND (asked.v = '' OR NOT EXISTS (
    SELECT 1 FROM asked_word q WHERE q.k = 'plan' AND q.w IS NOT NULL
      AND instr(' ' || name_word.k || ' ', ' ' || q.w || ' ') = 0
      AND NOT EXISTS (SELECT 1 FROM name_run r WHERE r.series = name_word.k AND length(r.initials) > 1
                      AND r.initials = q.w)))
),
council(authority) AS (
  SELECT substr(c.k, 9) FROM folded c, asked_council a
  WHERE c.k GLOB 'council *' AND a.v <> '' AND c.v <> '' AND (instr(c.v, a.v) > 0 OR NOT EXISTS (
    SELECT 1 FROM asked_word q WHERE q.k = 'authority' AND q.w IS NOT NULL
      AND instr(' ' || c.v || ' ', ' ' || q.w || ' ') = 0))
)"""


def ref_key_ctes(source: str, name: str) -> str:
    """CTEs (for after WITH) ending in `name`(k, v): v = ref_key of v (NULL for a blank ref) for each
    row (k, v) of the query `source`: "SELECT id, ref FROM actions", "SELECT 0, :ref"."""
    steps = [_upto_nul("v"), *_chain(list(REF_FOLD.items()), "v"), f"nullif(rtrim({_squeeze_sql('v')}, '. '), '')"]
    return _ctes(name, source, steps)


def sha256_of(path: Path) -> str:
    """A document's key: the sha256 of its bytes (the same paper under another name or path is one
    document). Here, not beside the extractors, so that a run which only checks what it has already
    read never imports the PDF readers."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
