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

RAG_WORDS = {"red": "red", "amber": "amber", "green": "green", "blue": "blue",
             "grey": "grey", "gray": "grey", "purple": "grey"}  # Purple = completed, removable (grey)

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


def target_date(reason: str | None) -> str | None:
    """ISO date of a target or deadline the justification states ("Target date March 2020" → '2020-03-31')."""
    if not reason:
        return None
    _, _, _, target = _nlp()
    doc = _doc(reason)
    text = doc.text
    found = None
    for _, s, e in sorted(target(doc), key=lambda m: m[1]):
        after = text[doc[e - 1].idx + len(doc[e - 1].text):]
        hit = find_date(after[:60])
        if hit and _TARGET_GAP.match(after[:hit[2][0]]):
            found = hit[0]  # a later "revised target" supersedes an earlier one
    return found


def resolve_back_references(reasons: list[str]) -> list[str]:
    """Effective reasons: a back-reference carries the (already resolved) reason before it."""
    out: list[str] = []
    for r in reasons:
        out.append(out[-1] if out and is_back_reference(r) else r)
    return out
