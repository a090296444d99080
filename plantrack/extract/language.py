"""What a justification in the minutes says, read with spaCy rules (no model is downloaded).

A blank English pipeline gives the tokenizer; `Matcher` patterns find the few phrases that matter:
back-references ("Same as above"), a status the committee changed ("Updated to GREEN") and a stated
target date ("Target date March 2020"). Rules rather than a statistical model because the wording is
formulaic and the output must be predictable enough for a clerk to check.
"""
from __future__ import annotations

import re
from functools import lru_cache

from plantrack.extract.dates import find_date
from plantrack.models.status import COLOUR_WORDS

RAG_WORDS = {**COLOUR_WORDS, "purple": "grey"}  # Purple = completed, removable (grey)

# Verbs by which a committee records a change it made; "fallen", "risen", "slipped" are left out on
# purpose: they report what happened between two reports, not a decision of the meeting.
_CHANGE_VERBS = ["updated", "update", "moved", "move", "changed", "change", "revised", "revise",
                 "upgraded", "upgrade", "downgraded", "downgrade", "amended", "amend", "rerated",
                 "reclassified", "reassessed", "altered", "rag-rated"]
# A change that is denied, hoped for or conditional was not made at the meeting.
_BLOCKERS = {"not", "n't", "never", "yet", "will", "would", "could", "can", "cannot", "may", "might",
             "should", "shall", "if", "once", "when", "until", "unless", "before", "expected", "hope",
             "hoped", "aim", "aims", "intend", "intended", "likely", "no"}

_BACKREF_TAIL = {"row", "rows", "line", "comment", "comments", "action", "reason", "entry", "update",
                 "response", "item"}
_DITTO_MARKS = set("\"'“”‘’〃`")

# Words allowed between a target cue and its date: "Target date: revised to the end of March 2023".
_TARGET_GAP = re.compile(
    r"^[\s:;,.\-–—(]*(?:(?:date|dates|is|was|now|revised|set|for|of|to|by|the|end|extended|moved|"
    r"changed|remains|completion|originally|new|agreed|at|in)\b[\s:;,.\-–—(]*)*$", re.I)


@lru_cache(maxsize=1)
def _nlp():
    """The blank pipeline and matchers, built once per process (building them costs ~100 ms)."""
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("en")
    rag = {"LOWER": {"IN": list(RAG_WORDS)}}
    opt_word = {"IS_ALPHA": True, "OP": "?"}

    status = Matcher(nlp.vocab)
    verb = {"LOWER": {"IN": _CHANGE_VERBS}}
    re_rated = [{"LOWER": "re"}, {"ORTH": {"IN": ["-", "–"]}}, {"LOWER": {"IN": ["rated", "graded", "assessed"]}}]
    into = {"LOWER": {"IN": ["to", "into", "as"]}}
    from_part = [{"LOWER": "from"}, rag]
    for head in ([verb], re_rated):
        status.add("CHANGE", [
            head + [into, rag],
            head + from_part + [into, rag],
            head + [opt_word, opt_word, into, rag],  # "moved the action to Green", "updated its status to green"
            head + [rag],                            # "re-rated Green"
        ])
    # "now green", "is now rated Green", "now RAG rated as green"
    status.add("NOW", [
        [{"LOWER": "now"}, rag],
        [{"LOWER": "now"}, {"LOWER": {"IN": ["rated", "assessed", "showing", "shown", "rag"]}},
         {"LOWER": {"IN": ["rated", "as"]}, "OP": "?"}, {"LOWER": "as", "OP": "?"}, rag],
    ])

    backref = Matcher(nlp.vocab)
    tail = {"LOWER": {"IN": list(_BACKREF_TAIL)}, "OP": "?"}
    the = {"LOWER": "the", "OP": "?"}
    back = {"LOWER": {"IN": ["above", "previous", "before", "prior"]}}
    backref.add("BACKREF", [
        [{"LOWER": "same"}, {"LOWER": {"IN": ["reason", "comment", "response", "update"]}, "OP": "?"},
         {"LOWER": {"IN": ["as", "to"]}}, the, back, tail],
        [{"LOWER": "as"}, {"LOWER": {"IN": ["per", "for", "stated", "noted", "explained", "detailed"]}, "OP": "?"},
         the, back, tail],
        [{"LOWER": "see"}, the, {"LOWER": {"IN": ["comment", "comments", "reason", "row", "response"]}, "OP": "?"},
         back, tail],
        [{"LOWER": {"IN": ["ditto", "do", "same"]}}],
        [{"LOWER": "as"}, {"LOWER": "per"}, {"LOWER": {"IN": ["row", "line", "action"]}}, back],
    ])

    target = Matcher(nlp.vocab)
    target.add("TARGET", [
        [{"LOWER": {"IN": ["target", "deadline", "timescale"]}}],
        [{"LOWER": "due"}, {"LOWER": {"IN": ["date", "by", "in", "for"]}}],
        [{"LOWER": "completion"}, {"LOWER": {"IN": ["date", "by", "expected"]}, "OP": "?"}],
        [{"LOWER": {"IN": ["complete", "completed", "delivered", "achieved", "implemented", "finished",
                           "done", "met"]}}, {"LOWER": "by"}],
        [{"LOWER": "in"}, {"LOWER": "place"}, {"LOWER": "by"}],
    ])
    return nlp, status, backref, target


def _doc(text: str):
    nlp = _nlp()[0]
    return nlp(" ".join((text or "").split()))


def is_back_reference(reason: str | None) -> bool:
    """True when the justification is only a pointer to the one before ("As above", "Ditto")."""
    t = (reason or "").strip()
    if not t:
        return False
    if all(ch in _DITTO_MARKS or ch.isspace() for ch in t):
        return True  # a lone ditto mark
    _, _, backref, _ = _nlp()
    doc = _doc(t)
    words = [tok.i for tok in doc if not (tok.is_punct or tok.is_space)]
    if not words:
        return False
    first, last = words[0], words[-1] + 1
    # the phrase must cover every word: "As above, target date March 2020" says more than a pointer
    return any(s == first and e == last for _, s, e in backref(doc))


def status_change(reason: str | None) -> str | None:
    """The status the minutes record as changed at the meeting ("Updated to GREEN" → 'green'), else None."""
    if not reason:
        return None
    nlp, status, _, _ = _nlp()
    doc = _doc(reason)
    found = None
    for match_id, s, e in sorted(status(doc), key=lambda m: (m[2], m[1])):
        if _blocked(doc, s):
            continue
        word = RAG_WORDS[doc[e - 1].lower_]
        # "now Amber" in a table of Amber justifications restates the report, it records no change
        if nlp.vocab.strings[match_id] == "NOW" and word == "amber":
            continue
        found = word  # the last change stated wins ("moved to Amber and then updated to Green")
    return found


def _blocked(doc, start: int) -> bool:
    """A negation, modal or condition shortly before the change, within the same clause."""
    for tok in reversed(doc[max(0, start - 5):start]):
        if tok.is_punct and tok.text in ".;:!?,()":
            return False
        if tok.lower_ in _BLOCKERS:
            return True
    return False


# "Q4", "quarter 3", "Q3 2022/23": a quarter of the council's financial year (April to March)
_QUARTER = re.compile(r"\b(?:q|quarter\s*)([1-4])\b(?:\s*(?:of\s+)?((?:19|20)\d\d)\s*[/\-–]\s*(?:19|20)?\d\d\b)?", re.I)
_QUARTER_END = {1: (0, 6, 30), 2: (0, 9, 30), 3: (0, 12, 31), 4: (1, 3, 31)}  # (years after the start, month, day)


def quarter_end(quarter: int, first_year: int) -> str:
    """The last day of quarter 1–4 of the financial year that starts in April of `first_year`.

    UK councils number quarters from April: Q1 April–June, Q2 July–September, Q3 October–December,
    Q4 January–March of the next calendar year."""
    years, month, day = _QUARTER_END[quarter]
    return f"{first_year + years:04d}-{month:02d}-{day:02d}"


def target_date(reason: str | None, financial_year: int | None = None) -> str | None:
    """ISO date of a target or deadline the justification states ("Target date March 2020" → '2020-03-31').

    A quarter ("Target date: end of Q4") is the end of that quarter of the financial year it names
    ("Q3 2022/23"), else of `financial_year` (the year in which the plan's financial year starts:
    see `financial_year_of`); with neither it is no date."""
    if not reason:
        return None
    _, _, _, target = _nlp()
    doc = _doc(reason)
    text = doc.text
    found = None
    for _, _start, e in sorted(target(doc), key=lambda m: m[1]):
        after = text[doc[e - 1].idx + len(doc[e - 1].text):]
        hit = find_date(after[:60])
        quarter = _QUARTER.search(after[:60])
        if quarter and _TARGET_GAP.match(after[:quarter.start()]) and (
                hit is None or quarter.start() < hit[2][0]):
            first_year = int(quarter.group(2)) if quarter.group(2) else financial_year
            if first_year is not None:
                found = quarter_end(int(quarter.group(1)), first_year)
        elif hit and _TARGET_GAP.match(after[:hit[2][0]]):
            found = hit[0]  # a later "revised target" supersedes an earlier one
    return found


def financial_year_of(plan: str | None, meeting_date: str | None) -> int | None:
    """The year in which the plan's financial year starts: from the plan's name ("… Plan 2019-20" → 2019),
    else the financial year the meeting falls in (a meeting in February 2020 → 2019)."""
    m = re.search(r"\b((?:19|20)\d\d)\s*[/\-–]\s*(?:(?:19|20)?\d\d)\b", plan or "")
    if m:
        return int(m.group(1))
    if meeting_date:
        year, month = int(meeting_date[:4]), int(meeting_date[5:7])
        return year if month >= 4 else year - 1
    return None


# "As per 1.1", "See action 2.3", "Same as 4.2": a pointer to the reason given for another action by its ref
_REF_POINTER = re.compile(
    r"^\s*(?:as\s+per|see|same\s+as(?:\s+for)?|refer\s+to|as\s+for)\s+(?:action\s+|ref\.?\s+|row\s+|item\s+)?"
    r"(?P<ref>\d{1,2}(?:\.\d{1,2}){0,2}[a-z]?)\s*\.?\s*$", re.I)


def ref_pointer(reason: str | None) -> str | None:
    """The ref a justification points to ("As per 1.1" → '1.1'), else None."""
    m = _REF_POINTER.match(reason or "")
    return m.group("ref") if m else None


def resolve_back_references(reasons: list[str], actions: list[str] | None = None) -> list[str]:
    """Effective reasons: a back-reference carries the (already resolved) reason before it; a pointer by
    ref ("As per 1.1") carries the reason of the row whose action the minutes print with that ref
    ("1.1 Welcome pack …"), and stays as printed when no row has it."""
    out: list[str] = []
    actions = actions or [""] * len(reasons)
    for k, r in enumerate(reasons):
        ref = ref_pointer(r)
        if ref is not None:
            to = next((j for j, a in enumerate(actions) if j != k and re.match(
                rf"^\s*(?:action\s+)?{re.escape(ref)}\.?(?:\s|$)", a or "", re.I)), None)
            if to is not None and to < k:
                out.append(out[to])
                continue
            if to is not None and ref_pointer(reasons[to]) is None:
                out.append(reasons[to] if not is_back_reference(reasons[to]) else r)
                continue
            out.append(r)
            continue
        out.append(out[-1] if out and is_back_reference(r) else r)
    return out
