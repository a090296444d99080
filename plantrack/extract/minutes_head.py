"""The head of a set of minutes, read the same way from a PDF, a Word document or a web page: whether a
paper is minutes (the evidence for it, scored), and the committee and meeting date its title block prints.

Both readers hand over the same shape, a list of `HeadLine` (a PDF page's text lines, or a flow's
paragraphs), so a rule is written once:

* `minutes_evidence(lines)`: the marks of minutes a person looks for — a title block naming a body and a
  meeting date, "Present"/"Apologies", the last meeting's minutes approved, numbered items, "Resolved",
  the Chair and Clerk, "the meeting closed at" — against the marks of an agenda or a notice (items still
  "to consider", "will be held", an "Agenda" heading). A paper is minutes when its head is a title block
  and the marks add up to `THRESHOLD`; the marks found are kept, for `plantrack inspect` to show.
* `title_block(lines)`: the body as a person reads it from the head — the body a "Minutes of the meeting
  of …" title names, else the body's own banner ("TINTERN COMMUNITY COUNCIL" over "Minutes of a meeting
  of the above Council"), never a venue, a generic banner ("PARISH COUNCIL MEETING"), a sentence's
  fragment or a date glued on — and the meeting date as printed, never a signing date, the last meeting's
  date or a minute number that looks like a date.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from plantrack.extract.dates import find_date
from plantrack.extract.minutes_words import (AUTHORITY, DATE_START, EXCERPT, HEADING, MEETING_HELD, MEETING_OF,
                                             MINUTES_OF_BODY, MINUTES_SUFFIX, ENDS_IN_MONTH, MINUTES_TITLE, PAGE_NO, PREAMBLE,
                                             WEEKDAY, looks_committee)


@dataclass(frozen=True)
class HeadLine:
    """A line of a paper's head, whatever the format: a PDF text line or a Word/HTML paragraph."""

    text: str
    bold: bool = False
    size: float | None = None
    page: int = 0
    heading: bool = False  # the format marks it a heading or title (Word/HTML heading levels)


def lines_of_text(text: str) -> list[HeadLine]:
    """A page's plain text (the PDF first pass) as head lines."""
    return [HeadLine(ln.strip()) for ln in (text or "").splitlines() if ln.strip()]


# ---------------------------------------------------------------------------------------------------
# the words of a body's name, and of what is not one

# Names a whole body: "Milburn Parish Council", "Township of Nipissing", "Cyngor Cymuned Manordeilo a Salem"
WHOLE_BODY = re.compile(
    r"\b(?:parish|community|town|village|city|county|district|borough|township)\s+council\b|^(?:the\s+)?township\s+of\s+\w"
    r"|^cyngor\s+(?:cymuned|tref|dinas|sir)\b|\b(?:governing\s+body|board\s+of\s+governors|trustees)\b", re.I)
# Banner words that name no body on their own: "PARISH COUNCIL MEETING", "EXTRAORDINARY MEETING", "A.G.M."
_GENERIC = re.compile(
    r"^(?:(?:the|a|an|of|parish|community|town|city|county|council|full|meeting|meetings|minutes?|extraordinary|"
    r"special|annual|general|ordinary|regular|monthly|public|open|agm|a\.g\.m\.?|and|&|\d+(?:st|nd|rd|th)|no\.?\s*\d+|"
    r"above|said|aforementioned|cyfarfod|cofnodion)\b[\s.,:–—-]*)+$", re.I)


def _generic(name: str) -> bool:
    """A banner or a back-reference, not a body: "PARISH COUNCIL MEETING", "EXTRAORDINARY MEETING", "above
    Council". "County Council" (a title's "meeting of the County Council") names the body."""
    return bool(_BACK_REFERENCE.match(name) or _GENERIC.match(name) and not re.search(
        r"\b(?:council|committee)\s*$", name, re.I))


# A back-reference: "the meeting of the above Council"
_BACK_REFERENCE = re.compile(r"^(?:the\s+)?(?:above|said|aforementioned|above[-\s]named)\b", re.I)
# A venue or address, not a body: "Broomhill Primary School Library, 57 Edgehill Rd, G11 7HZ"
_VENUE = re.compile(
    r"\b(?:school|library|hall|room|chamber|centre|center|church|house|offices?|pavilion|institute|hotel|"
    r"road|rd|street|st|lane|avenue|way|zoom|teams|online|virtual)\b.*(?:,|\d)|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"
    r"|^(?:at\s+|venue\b|via\s+)", re.I)
# A sentence, not a title: a verb of the narrative
_SENTENCE = re.compile(r"\b(?:was|were|is|are|will|had|has|have|held|took|be)\b", re.I)
# "Meeting (no.447) of Broomhill Community Council", "MINUTES OF THE 420th MEETING", "CYFARFOD"
# "JOINT MEETING OF THE CABINET AND THE SCRUTINY BOARD"
_MEETING_NO_OF = re.compile(
    r"^(?:minutes\s+of\s+(?:the\s+|a\s+|an\s+)?)?(?:(?:joint|special|extraordinary|ordinary|annual|regular|public)\s+)*"
    r"meeting\s*(?:\(?\s*no\.?\s*\d+\s*\)?\s+)?of\s+(?:the\s+)?(?P<name>.+)$", re.I)
# "The 420th Meeting of Broomhill Community Council was held", "Manordeilo and Salem Community Council held
# their meeting", "Cynhaliwyd cyfarfod o Gyngor Cymuned …"
_NARRATIVE = [
    re.compile(r"\b(?i:the|an?)\s+(?:\d+(?:st|nd|rd|th)\s+)?(?i:meeting\s+of\s+(?:the\s+)?)(?P<name>[A-Z][^.]{2,80}?)"
               r"\s+(?i:was|were)\s+held\b"),
    re.compile(r"^(?P<name>[A-Z][\w&'’.\- ]{2,80}?)\s+(?i:held\s+(?:their|its|a)\s+(?:\w+\s+)?meeting)\b"),
]
# "Burton-cum-Walden Parish Council Minutes for Tuesday, 9 January 2024"
_NAME_MINUTES_FOR = re.compile(r"^(?P<name>.+?)\s+[-–—:]?\s*(?:draft\s+)?minutes\b(?:\s+(?:for|of)\b.*)?$", re.I)
# A line that prints the body and then the date: "Milburn Parish Council - 7th March 2017"
_DASHED = re.compile(r"(?:\s*(?:[-–—:,]|\bA\.?G\.?M\b\.?|\bmeeting\b))*\s*$", re.I)

# A sentence's or a report's opening, never a body's name: "That the Scrutiny Committee" (a recommendation),
# "Recommendations to the Audit Committee", "Report to Cabinet"
_NOT_A_NAME = re.compile(r"^(?:that|recommendations?\s+(?:to|of|from|for)|reports?\s+(?:to|of|by|for))\b", re.I)
# Dates that are not the meeting's: a signing line, the last meeting's, the next meeting's
_NOT_MEETING_DATE = re.compile(
    r"\b(?:signed|dated|date\s+signed|signature|chair(?:man|person)?\s*[:.…_]|minutes\s+of\s+the\s+(?:last|previous)|"
    r"previous\s+meeting|last\s+meeting|next\s+meeting|(?:meeting|minutes)\s+held\s+on\s+the|circulated|"
    r"approved\s+on|published|printed|date\s+of\s+(?:issue|publication)|"
    # an earlier meeting's minutes approved: "the minutes of the meeting held on 10 October 2019 be
    # approved as a correct record" (when the title prints no date, this is the first one)
    r"(?:correct|true|accurate)\s+record|"
    # a report's reporting date: "Results as at 30 September 2023", "position at", "year to"
    r"\bas\s+(?:at|of)\s|\bposition\s+(?:at|as)\b|\b(?:year|period|quarter)\s+(?:to|end(?:ing|ed)?)\b)", re.I)
# "20.07.01 Election of Chair": a minute number shaped like a date
_MINUTE_NUMBER = re.compile(r"^\s*\d{1,4}[./]\d{1,2}(?:[./]\d{1,3})?\.?\s+[A-Za-z]")


def names_body(text: str) -> bool:
    """Names a committee or a whole body (a parish council, a township), not only a generic banner."""
    t = text.strip(" .,:–—-")
    if not t or _generic(t):
        return False
    return looks_committee(t) or bool(WHOLE_BODY.search(t))


def _clean_name(name: str | None) -> str | None:
    """A body's name from a line or a sentence: a date glued on, "Minutes" after it and stray punctuation
    taken off; None when what is left is a generic banner, a back-reference or a venue."""
    if not name:
        return None
    t = " ".join(name.split())
    dated = find_date(t)
    if dated and dated[2][0] > 0:
        t = t[:dated[2][0]]
    t = re.sub(rf"\b(?:{WEEKDAY})\s*,?\s*$", "", t, flags=re.I)
    t = re.sub(r"\b(?:held\s+)?(?:on|at)\s*(?:the\s*)?$", "", t, flags=re.I)
    t = MINUTES_SUFFIX.sub("", t)
    if re.search(r"\bmeeting\s*$", t, re.I) and _GENERIC.match(t):
        return None  # "the PARISH COUNCIL MEETING": the kind of meeting, not the body
    t = re.sub(r"\s+(?:draft\s+)?minutes(?:\s+(?:for|of)\b.*)?$", "", t, flags=re.I)
    t = _DASHED.sub("", t).strip(" ,.;:–—-/")
    t = re.sub(r"\s*\((?:\d|no\.).*$", "", t).strip()  # "AUDIT COMMITTEE (19:15 TO 19:25 …)"
    if not t or _generic(t) or _VENUE.search(t) or _NOT_A_NAME.match(t) or re.search(
            r"\b(?:was|were)\b|\bmeeting\s+of\b", t, re.I):
        return None  # a sentence's fragment ("420th MEETING The 420th Meeting of … was")
    return t


# ---------------------------------------------------------------------------------------------------
# the head


def _head(lines: Sequence[HeadLine], n: int = 15) -> list[HeadLine]:
    """The first lines a person reads as the title block: page numbers, "Public Document Pack" and
    other furniture left out; a web page's or Word document's own title is where it starts."""
    start = next((i for i, l in enumerate(lines[:60]) if l.heading and (names_body(l.text) or MINUTES_TITLE.match(
        l.text) or re.search(r"\bminutes\b", l.text, re.I))), 0)
    out: list[HeadLine] = []
    for l in _join_superscripts(list(lines[start:start + 4 * n])):
        text = l.text.strip()
        wrapped_year = bool(re.fullmatch(r"(?:19|20)\d\d", text)) and bool(out) and bool(ENDS_IN_MONTH.search(out[-1].text))
        if not text or (PAGE_NO.match(text) and not wrapped_year) or PREAMBLE.match(text) or len(text) > 200:
            continue
        out.append(l)
        if len(out) >= n:
            break
    return out


def _join_superscripts(lines: list[HeadLine]) -> list[HeadLine]:
    """A day whose ordinal a PDF gives as a line of its own ("9" / "th OCTOBER 2019") joined again."""
    out: list[HeadLine] = []
    for l in lines:
        if out and re.fullmatch(r"(?:st|nd|rd|th)\b.*", l.text.strip(), re.I) and re.search(r"\b\d{1,2}$", out[-1].text):
            prev = out.pop()
            out.append(HeadLine(prev.text + l.text.strip(), prev.bold, prev.size, prev.page, prev.heading))
            continue
        if out and re.fullmatch(r"\d{1,2}", out[-1].text.strip()) and re.match(r"(?:st|nd|rd|th)\b", l.text.strip(), re.I):
            prev = out.pop()
            out.append(HeadLine(prev.text.strip() + l.text.strip(), l.bold, l.size, l.page, l.heading))
            continue
        out.append(l)
    return out


def _dates_in(text: str) -> int:
    """How many dates a line holds (an attendance grid's header row holds one per earlier meeting)."""
    n = 0
    while n < 3 and (found := find_date(text)):
        n += 1
        text = text[found[2][1]:]
    return n


def _title_at(lines: Sequence[HeadLine]) -> int:
    """Where the title block starts: the first line naming the body or saying "Minutes"; a letterhead
    above it (the council's address, an issue date, a logo's caption) is not the title block."""
    return next((k for k, l in enumerate(lines) if names_body(l.text) and not _VENUE.search(l.text)
                 or MINUTES_TITLE.match(l.text) or _MEETING_NO_OF.match(l.text)), 0)


def meeting_date(lines: Sequence[HeadLine], rest: Iterable[str] = ()) -> str | None:
    """The meeting date the title block prints: the first date of its lines that is not a signing date, the
    last meeting's, a minute number or one of a row of dates (an attendance grid of earlier meetings); a
    day and month without a year take the year the paper names most. A date above the title block (a
    letterhead's "Issued 2nd October 2019") counts only when the title block prints none."""
    start = _title_at(lines)
    ordered = [*lines[start:], *lines[:start]]
    yearless = None
    for l in ordered:
        text = l.text
        if _MINUTE_NUMBER.match(text) or _NOT_MEETING_DATE.search(text) or _dates_in(text) > 1:
            continue
        found = find_date(text)
        if found and found[1]:
            return found[0]
        if yearless is None and (m := _DAY_MONTH.search(text)):
            yearless = m  # "9th October" over a grid of this year's meetings: the title's day, the grid's year
            break
    if yearless is None:
        yearless = next((m for l in ordered if not _NOT_MEETING_DATE.search(l.text)
                         for m in [_DAY_MONTH.search(l.text)] if m), None)
    if yearless is not None:
        years = Counter(y for t in [*(l.text for l in lines), *rest] for y in re.findall(r"\b(?:19|20)\d\d\b", t))
        if years:
            year = years.most_common(1)[0][0]
            found = find_date(f"{yearless.group(0)} {year}")
            if found:
                return found[0]
    return None


_DAY_MONTH = re.compile(r"\b[0-3]?\d\s?(?:st|nd|rd|th)?\s*(?:of\s+)?(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|"
                        r"may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
                        r"(?!\s*[,.]?\s*(?:19|20)?\d\d\b)", re.I)


def title_block(lines: Sequence[HeadLine], rest: Iterable[str] = ()) -> tuple[str | None, str | None]:
    """The committee and meeting date a set of minutes prints at its head (`lines` its first page's lines
    or first paragraphs; `rest` more of its text, for a year the title leaves out)."""
    head = _head(lines)
    texts = [l.text for l in head]
    date = meeting_date(head, rest)
    # "Extract from the Minutes of the Cabinet held on …"
    for k in range(min(len(head), 6)):
        window = " ".join(texts[k:k + 3])
        excerpt = EXCERPT.search(window)
        if excerpt and texts[k].lower().startswith(("minute", "extract", "excerpt")):
            name = _clean_name(excerpt.group("name"))
            if name:
                d = find_date(window)
                return name, d[0] if d else date
    mi = next((i for i, t in enumerate(texts) if MINUTES_TITLE.match(t) or MEETING_OF.search(t)), None)
    if mi is not None:
        # the title sentence: from "MINUTES …" to the line that ends it (it may wrap over a venue)
        end = next((j for j in range(mi, min(mi + 4, len(head))) if texts[j].rstrip().endswith(".")), mi + 2)
        title = " ".join(texts[mi:end + 1])
        m = MEETING_OF.search(title)
        name = _clean_name(m.group("name").strip(" ,")) if m else None
        if name is None and m is None:
            loose = MINUTES_OF_BODY.search(title)
            name = _clean_name(loose.group("name")) if loose and looks_committee(loose.group("name")) else None
        if name is None:
            m = _MEETING_NO_OF.match(" ".join(texts[mi:mi + 2]))
            name = _clean_name(m.group("name")) if m else None
        titled = find_date(title)
        if titled and titled[1] and not _MINUTE_NUMBER.match(title):
            date = titled[0]  # "Minutes of the meeting held on Thursday, 12" / "December 2019 at 1.45 pm"
        if name is not None:
            return name, date
    name = _banner(head[:mi] if mi else head[:8]) or (_banner(head[mi + 1:mi + 4]) if mi is not None else None)
    if name is None:
        for pattern in _NARRATIVE:
            m = next((m for t in [" ".join(texts[:10])] for m in [pattern.search(t)] if m), None)
            if m and _clean_name(m.group("name")) and names_body(m.group("name")):
                name = _clean_name(m.group("name"))
                break
    if name is None:
        held = MEETING_HELD.search(" ".join(texts[:8]))
        name = _clean_name(held.group("name")) if held else None
    if name is None:
        name = _first_named(head[:mi] if mi else head[:6]) or (
            _first_named(head[mi + 1:mi + 3]) if mi is not None else None)
    return name, date


_ENDS_IN_BODY = re.compile(r"\b(?:council|committee|board|panel|cabinet|forum|group|partnership|commission|assembly|"
                           r"body|executive|trust)\s*$", re.I)


def _wrapped(lines: Sequence[HeadLine]) -> list[str]:
    """The lines with a name wrapped over two of the same type joined ("CHILDREN’S SAFEGUARDING" /
    "SUB-COMMITTEE"); an authority's line over its committee's stays apart."""
    out: list[str] = []
    prev: HeadLine | None = None
    for l in lines:
        if prev is not None and out and prev.bold == l.bold and abs((prev.size or 0) - (l.size or 0)) <= 0.3 \
                and not find_date(prev.text) and not find_date(l.text) and not _ENDS_IN_BODY.search(prev.text) \
                and not AUTHORITY.search(prev.text) \
                and names_body(l.text) and _name_like(prev.text):
            out[-1] = f"{out[-1]} {l.text}"
        else:
            out.append(l.text)
        prev = l
    return out


def _banner(lines: Sequence[HeadLine]) -> str | None:
    """The body's name in the title block's banner lines: a committee before the authority it belongs
    to, a whole body (a parish council, a township) otherwise; "Meeting (no.447) of" / "Broomhill
    Community Council" read as one; a line that goes on to the date ("Milburn Parish Council – 7th March
    2017") gives the name before it."""
    texts = [l.text for l in lines]
    for k, t in enumerate(texts):
        # "Meeting (no.447) of" / "Broomhill Community Council": a line ending in "of" goes on to the next
        m = _MEETING_NO_OF.match(" ".join(texts[k:k + 2]) if re.search(r"\bof\s*$", t, re.I) else t)
        name = _clean_name(m.group("name")) if m else None
        # "Meeting of the Full Council" over "Ashby Town Council": a generic name gives way to the banner
        if name and names_body(name) and not _GENERIC.match(name):
            return name
        m = _NAME_MINUTES_FOR.match(t)
        if m and lines[k].heading and _clean_name(m.group("name")) and names_body(m.group("name")):
            return _clean_name(m.group("name"))
    candidates = []
    for t in _wrapped(lines):
        if _SENTENCE.search(t) or MINUTES_TITLE.match(t):
            continue
        name = _clean_name(t)
        if name and names_body(name) and len(name.split()) <= 12 and _name_like(name):
            candidates.append(name)
    committees = [c for c in candidates if looks_committee(c) and not (AUTHORITY.search(c) and not WHOLE_BODY.search(c))]
    whole = [c for c in candidates if WHOLE_BODY.search(c)]
    # a committee under its authority's banner ("KENT COUNTY COUNCIL" / "COUNTY COUNCIL") is the body
    return committees[0] if committees else (whole[0] if whole else None)


_SMALL_WORDS = {"and", "of", "for", "the", "in", "on", "a", "cum", "upon", "under", "with", "y", "a'r", "o"}


def _name_like(text: str) -> bool:
    """Set as a name is: capitals at its words' starts ("Transport & Connectivity Policy Committee",
    "BURTON-CUM-WALDEN PARISH COUNCIL"), not a line of running text that happens to say "board"."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'.-]*", text) if w.lower() not in _SMALL_WORDS]
    return bool(words) and text.lstrip()[:1].isupper() and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _first_named(lines: Sequence[HeadLine]) -> str | None:
    """The committee's lines when no line names a body by its kind ("Amenities, Leisure and Community
    Services" over its date): after the authority's name, wrapped lines of the same size and weight joined."""
    cand: list[tuple[HeadLine, str]] = []
    for l in lines:
        if PREAMBLE.match(l.text) or MINUTES_TITLE.match(l.text) or _MINUTE_NUMBER.match(l.text) or HEADING.match(l.text):
            continue
        dated = find_date(l.text)
        if dated or DATE_START.match(l.text):
            before = _clean_name(l.text[:dated[2][0]]) if dated and dated[2][0] > 0 else None
            if before and looks_committee(before):
                cand.append((l, before))
            if cand:
                break
            continue
        if _VENUE.search(l.text) or _SENTENCE.search(l.text):
            if cand:
                break
            continue
        cand.append((l, l.text))
    while len(cand) > 1 and AUTHORITY.search(cand[0][1]) and not looks_committee(cand[0][1]):
        cand = cand[1:]
    if not cand:
        return None
    first = cand[0][0]
    parts = [cand[0][1]]
    for l, text in cand[1:]:
        if (l.size or 0) != (first.size or 0) and abs((l.size or 0) - (first.size or 0)) > 0.3 or l.bold != first.bold:
            break
        parts.append(text)
    return _clean_name(" ".join(parts))


# ---------------------------------------------------------------------------------------------------
# the evidence

THRESHOLD = 6

_PRESENT = re.compile(
    r"^(?:\d{1,2}\.+\s*)?(?:(?:committee\s+|council\s+)?members\s+(?:of\s+the\s+council\s+)?present(?:\s+were)?|"
    r"present|presennol|sederunt|in\s+attendance|attendance|attendees|councillors\s+present|also\s+present)"
    r"\s*(?:[:\-–—]+|$|were\b)", re.I)
_APOLOGIES = re.compile(r"\bapologies\s+(?:were\s+|had\s+been\s+)?(?:received|for\s+absence|given)\b|^\s*(?:\d{1,4}(?:[./]\d{1,3}){0,2}[.)]?\s*)?apologies\b"
                        r"|\bymddiheuriadau\b", re.I)
_MINUTES_APPROVED = re.compile(
    r"\b(?:minutes?|cofnodion)\b[^.]{0,160}?\b(?:were|was|had\s+been|be|being|duly)?\s*(?:approved|confirmed|signed|accepted|"
    r"adopted|agreed|taken\s+as\s+read|(?:a\s+)?(?:true|correct|accurate)\s+(?:and\s+\w+\s+)?(?:record|copy)|were\s+correct|"
    r"yn\s+gywir)\b"
    # "… had been circulated. All agreed this was a true record": the record approved in the next sentence
    r"|\b(?:agreed|approved|confirmed|accepted)\b[^.]{0,40}\b(?:a\s+)?(?:true|correct|accurate)\s+record\b", re.I)
_RESOLVED = re.compile(r"\b(?:RESOLVED|AGREED)\b|\b(?:it\s+was\s+(?:resolved|agreed)|resolved\s+that|unanimously|"
                       r"proposed\s+by|seconded\s+by|cytunwyd|cynigiwyd|eiliwyd)\b", re.I)
_CHAIR = re.compile(r"\((?:chair|chairman|chairperson|vice[- ]chair)\b|\btook\s+the\s+chair\b|\bchair(?:man|person)?\b"
                    r"|\bclerk\b|\bcadeirydd\b|\bclerc\b", re.I)
_CLOSED = re.compile(r"\bmeeting\s+(?:closed|ended|finished|concluded|terminated|rose)\b|\bclose\s+of\s+(?:the\s+)?meeting\b"
                     r"|\bclosed\s+the\s+meeting\b|\bdaeth\s+y\s+cyfarfod\b", re.I)
_PAST = re.compile(r"\b(?:was\s+held|were\s+held|held\s+(?:their|its|the)\s+meeting|were\s+received|was\s+received|reported\s+that|"
                   r"it\s+was\s+noted|noted\s+that|the\s+meeting\s+(?:was|took)|cynhaliwyd)\b", re.I)
_TO_COME = re.compile(r"^(?:item\s+)?\d{1,3}[a-z]?[.):]?\s+to\s+(?:consider|receive|approve|note|discuss|agree|confirm|"
                      r"resolve|decide|appoint|elect|review|adopt|sign)\b", re.I)
_NOTICE = re.compile(r"\b(?:will\s+be\s+held|to\s+be\s+held|you\s+are\s+(?:hereby\s+)?(?:summoned|requested|invited)|"
                     r"notice\s+is\s+(?:hereby\s+)?given|are\s+summoned|summons\s+to\s+attend)\b", re.I)
_AGENDA = re.compile(r"^(?:draft\s+)?agenda\s*:?$|^agenda\s+(?:for|of)\b", re.I)
_REPORT = re.compile(r"^\s*(?:report\s+(?:to|of|by)\b|subject\s*:|purpose\s+of\s+(?:the\s+|this\s+)?report\b|"
                     r"wards?\s+affected\b|key\s+decision\b|recommendations?\s*:?\s*$|executive\s+summary\b|dear\s+\w)", re.I)
# "Proposed RPZ Meeting Report", "Notes of a meeting", "Chair's Annual Report": a paper about a meeting
_REPORT_TITLE = re.compile(r"\b(?:report|summary|briefing|newsletter|statement)\s*$|^(?:notes|note|summary|record)\s+of\b", re.I)
# "1. That the Committee notes …": a recommendation, as a report's or an appendix's numbered list prints it
_RECOMMENDATION = re.compile(r"^\(?\d{1,3}[.)]\s*that\s", re.I)
# A performance table's row: a measure's target and actual ("80% 76% Amber")
_KPI_ROW = re.compile(r"\d\s?%.*(?:\d\s?%|\b(?:red|amber|green)\s*$)", re.I)
_MINUTE_WORD = re.compile(r"^(?:minutes?|cofnodion|draft\s+minutes|unconfirmed\s+minutes)\s*:?$", re.I)


@dataclass
class Evidence:
    """What was found for (and against) a paper being minutes."""

    marks: list[tuple[str, int]] = field(default_factory=list)  # (mark, weight); a weight < 0 speaks against
    titled: bool = False      # its head is a title block (a minutes title, or a body and a meeting date)

    @property
    def score(self) -> int:
        return sum(w for _, w in self.marks)

    @property
    def is_minutes(self) -> bool:
        return self.titled and self.score >= THRESHOLD

    def why(self) -> str:
        """One line for `plantrack inspect`."""
        found = ", ".join(f"{m} {w:+d}" for m, w in self.marks) or "no marks of minutes"
        verdict = "minutes" if self.is_minutes else "not minutes"
        head = "" if self.titled else "; no title block naming a body and a meeting date"
        return f"{verdict}: score {self.score} (threshold {THRESHOLD}){head}: {found}"


def _named_over_date(head: Sequence[HeadLine]) -> bool:
    """A title block with no word of a body's kind: a name on the first lines, then the date line
    ("Amenities, Leisure and Community Services" / "Tuesday 13th March 2018")."""
    for k, l in enumerate(head[:4]):
        if find_date(l.text) or DATE_START.match(l.text):
            names = [h.text for h in head[:k]]
            return bool(names) and all(len(t.split()) <= 10 and not _SENTENCE.search(t) and not HEADING.match(t)
                                       for t in names)
    return False


def minutes_evidence(lines: Sequence[HeadLine], opening: bool = True) -> Evidence:
    """Score the marks of minutes in a paper's lines (a page, or a document's paragraphs). `opening`: the
    lines open a file; a page inside a file needs a title block that names a body or says "Minutes" to
    open a new set (a name over a date there is more likely a paragraph over a date)."""
    head = _head(lines, 12)
    ev, title_at, agenda_at = _title_evidence(head, opening)
    return _scored(ev, lines, head, title_at, agenda_at)


def _title_evidence(head: Sequence[HeadLine], opening: bool) -> tuple[Evidence, int | None, int | None]:
    """The title block's marks: whether the head is titled (a minutes title, or a body and a meeting
    date), and where its minutes title and its agenda heading stand."""
    ev = Evidence()
    head_texts = [l.text for l in head]
    agenda_at = next((i for i, t in enumerate(head_texts) if _AGENDA.match(t)), None)
    title_at = next((i for i, t in enumerate(head_texts) if MINUTES_TITLE.match(t) or MEETING_OF.search(t) or (
        EXCERPT.search(t) and t.lower().startswith(("extract", "excerpt"))) or _MINUTE_WORD.match(t)
        or _NAME_MINUTES_FOR.match(t) and names_body(_NAME_MINUTES_FOR.match(t).group("name"))), None)
    if title_at is not None and (agenda_at is None or agenda_at > title_at):
        ev.marks.append(("minutes title", 4))
        ev.titled = True
    dated = meeting_date(head) is not None
    if dated and (_banner(head[:8]) or any(_MEETING_NO_OF.match(t) for t in head_texts)
                  or title_at is not None and title_block(head)[0] is not None):
        ev.marks.append(("title block: body and meeting date", 2))
        ev.titled = True
    elif dated and opening and _named_over_date(head):
        ev.marks.append(("title block: a name over the meeting date", 1))
        ev.titled = True
    return ev, title_at, agenda_at


def _scored(ev: Evidence, lines: Sequence[HeadLine], head: Sequence[HeadLine], title_at: int | None,
            agenda_at: int | None) -> Evidence:
    """The title block's evidence with the marks of the rest of the paper's lines added."""
    texts = [l.text.strip() for l in lines if l.text.strip()]
    body = " \n".join(texts)
    head_texts = [l.text for l in head]
    if any(_REPORT_TITLE.search(t) for t in head_texts[:3]):
        ev.marks.append(("a report's or notes' title", -3))
    if agenda_at is not None and (title_at is None or agenda_at < title_at):
        ev.marks.append(("agenda heading", -4))
    if any(_NOTICE.search(t) for t in head_texts[:10]):
        ev.marks.append(("notice of a meeting to come", -4))
    to_come = sum(bool(_TO_COME.match(t)) for t in texts)
    if to_come >= 3:
        ev.marks.append((f"{to_come} items still to come ('to consider', 'to receive')", -2))
    reports = sum(bool(_REPORT.match(t)) for t in texts[:40])
    if reports >= 2:
        ev.marks.append(("a report's headings", -2))
    numbered = sum(bool(HEADING.match(t)) for t in texts)
    recommendations = sum(bool(_RECOMMENDATION.match(t)) for t in texts)
    if recommendations >= 2 and 2 * recommendations >= numbered:
        ev.marks.append((f"{recommendations} recommendations ('That the Committee …')", -3))
    kpis = sum(bool(_KPI_ROW.search(t)) for t in texts)
    if kpis >= 2:
        ev.marks.append((f"{kpis} rows of a performance table (targets, actuals, ratings)", -3))
    if any(_PRESENT.match(t) for t in texts):
        ev.marks.append(("present", 2))
    if _APOLOGIES.search(body) or any(_APOLOGIES.match(t) for t in texts):
        ev.marks.append(("apologies", 1))
    if any(_MINUTES_APPROVED.search(s) and not re.match(r"^\W*(?:\d+\.?\s*)?to\s", s, re.I)
           for s in re.split(r"(?<=[.])\s+|\n(?=\d{1,3}[.)]\s)", body)):
        ev.marks.append(("last meeting's minutes approved", 2))
    if sum(bool(HEADING.match(t)) for t in texts) >= 3:
        ev.marks.append(("numbered items", 1))
    if _RESOLVED.search(body):
        ev.marks.append(("resolved/agreed", 1))
    if _CHAIR.search(body):
        ev.marks.append(("chair/clerk", 1))
    if _CLOSED.search(body):
        ev.marks.append(("meeting closed", 1))
    if _PAST.search(body):
        ev.marks.append(("a record of what happened", 1))
    return ev


def looks_like_minutes(page_text: str, opening: bool = True) -> bool:
    """Whether a page's plain text (the PDF first pass) opens a set of minutes (`opening`: the file's first page).

    Minutes need a title block, which is read from the head alone: a page without one (most pages of a
    pack) is answered before the rest of its lines are scored, with the same answer either way."""
    lines = lines_of_text(page_text)
    head = _head(lines, 12)
    ev, title_at, agenda_at = _title_evidence(head, opening)
    return ev.titled and _scored(ev, lines, head, title_at, agenda_at).is_minutes
