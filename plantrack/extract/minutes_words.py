"""The words of committee minutes, shared by the minutes recogniser (`minutes.py`), the PDF reader's
layout work on minutes (`minutes_pages.py`, `minutes_tables.py`) and the first pass that finds minutes in
a PDF — item headings, resolutions, the headers and lead-ins of Amber justifications, a minutes title and
the committee it names, the plan an item is about — and what a row of justifications becomes
(`add_reasons`).
"""
from __future__ import annotations

import re
from typing import Any

from plantrack.extract import language
from plantrack.extract.dates import MONTH_NAME
from plantrack.models import AgendaItem, AmberReason, Meeting
from plantrack.models.status import default_status

PAGE_NO = re.compile(r"^[-–\s]*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?[-–\s]*$", re.I)
HEADING = re.compile(r"^(?:item\s+|minute\s+)?(\d{1,3}(?:\.\d{1,2})?[a-z]?)(?:[.):]\s*|\s+)(\S.*)$", re.I)
TIME = re.compile(r"^\d{1,2}[.:]\d\d\s*(?:am|pm|a\.m|p\.m)\b", re.I)
LIST_ITEM = re.compile(r"^\s*(?:\(?[a-z]\)|\(?(?:ii|iii|iv|vi|vii|viii|ix|xi|xii)\)|[•●▪◦])\s+(?=\S)", re.I)
REASON_SPLIT = re.compile(r"\s+[–—-]\s+|:\s+")
AMBER = re.compile(r"\bamber\b", re.I)
# Text that asks for (or introduces) Amber justifications: "the outstanding Amber actions:", "was rated
# Amber", "reasons for Amber". A key's colour words ("GREEN AMBER RED") or a KPI's rating do not.
AMBER_ASKED = re.compile(
    r"\bamber\s+(?:actions?|ratings?|rated|status(?:es)?|items?|areas?|measures?)\b|\brated\s+(?:as\s+)?amber\b"
    r"|\b(?:reasons?|justifications?|justify|explanations?|explain)\b[^.]{0,60}\bamber\b|\bamber\s*:", re.I)
REASON_LABEL = re.compile(r"^(?:reasons?|justification|explanation)(?:\s+for\s+amber(?:\s+rating)?)?\s*[:–-]\s*", re.I)
DATE_START = re.compile(rf"^\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_NAME}\b", re.I)
WEEKDAY = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
ENDS_IN_MONTH = re.compile(rf"\b{MONTH_NAME}\.?$", re.I)
RESOLUTION = re.compile(r"^(?:RESOLVED|AGREED|RECOMMENDED|DECIDED)\b|^(?:Resolved|Agreed|Decided)\s*[:,–-]")
REASON_HEADER = re.compile(r"^(?:the\s+)?(?:reasons?|justifications?|explanations?|rationale|why)\b", re.I)
ACTION_HEADER = re.compile(r"^(?:amber\s+)?(?:actions?|activity|activities|objectives?|description|what)\b", re.I)
MINUTES_TITLE = re.compile(
    r"^\s*(?:draft\s+|unconfirmed\s+|confirmed\s+|public\s+)?(?:minutes|proc[eè]s[-\s]verbal)\b", re.I)
MEETING_OF = re.compile(
    r"minutes\s+of\s+(?:the\s+|a\s+|an\s+)?(?:(?:virtual|remote|hybrid|special|extraordinary|ordinary|annual|"
    r"public|formal)\s+)*meeting\s+of\s+(?:the\s+)?(?P<name>.+?)\s+(?:held|on|at|which)\b", re.I)
# "Minutes of the Health and Wellbeing Board held on …": no "meeting of"; the name must name a body
MINUTES_OF_BODY = re.compile(r"^\s*minutes\s+of\s+(?:the\s+)?(?P<name>.+?)\s+(?:held|on|at)\b", re.I)
# "Minutes excerpt from Corporate Parenting Panel – 12 March 2024", "Extract from the Minutes of the X held on …"
EXCERPT = re.compile(
    r"\b(?:minutes?\s+(?:excerpt|extract)s?\s+(?:from|of)|(?:excerpt|extract)s?\s+(?:from|of)\s+(?:the\s+)?"
    r"(?:draft\s+|unconfirmed\s+)?minutes\s+of)\s+(?:the\s+|a\s+)?(?:meeting\s+of\s+(?:the\s+)?)?"
    r"(?P<name>.+?)\s*(?:[–—]|\s-\s|\bheld\b|\bon\b|,|$)", re.I)
# "A regular meeting of the Township of Nipissing Council was held on …": the body named in a sentence
MEETING_HELD = re.compile(
    r"\b(?i:an?|the)\s+(?i:(?:regular|special|extraordinary|ordinary|annual|public|virtual|remote|hybrid)\s+)*"
    r"(?i:meeting\s+of\s+(?:the\s+)?)(?P<name>[A-Z][^.]{2,80}?)\s+(?i:was|were)\s+held\b")
MINUTES_SUFFIX = re.compile(r"\s*[–—:-]\s*(?:draft\s+|unconfirmed\s+|confirmed\s+)?minutes\b.*$", re.I)
_COMMITTEE_WORDS = re.compile(
    r"\b(?:committee|sub-committee|board|panel|cabinet|council|forum|group|partnership|commission|executive|"
    r"assembly|scrutiny)\b", re.I)
AUTHORITY = re.compile(
    r"^(?:the\s+)?(?:city|borough|county|district|royal\s+borough|london\s+borough|metropolitan)\b"
    r"|\b(?:council|corporation|authority)\s*$", re.I)
PREAMBLE = re.compile(r"^(?:public\s+document\s+pack|agenda\s+item\b|item\s+\d|appendix\b|draft\b|"
                       r"unconfirmed\b|not\s+protectively\s+marked|official\b)", re.I)
# "Children’s Services Improvement Plan 2022-23": title-case words ending in "Plan", then a year range.
_PLAN = re.compile(
    r"(?P<name>(?:[A-Z0-9][\w’'&.\-]*\s+(?:(?:and|of|for|&|the|in|AND|OF|FOR|THE|IN)\s+)*)*(?:Plan|PLAN))\b"
    r"(?P<years>\s*\(?(?:19|20)\d\d(?:\s*[-/–]\s*(?:19|20)?\d\d)?\)?)?")
_LOWER_CONNECTORS = {"and", "of", "for", "&", "the", "in"}


def opens_mid_paragraph(page_text: str) -> bool:
    """A page whose first line of text (after a page number) goes on from the page before: it starts in
    lower case, with a list bullet, or with closing punctuation. Such a page never opens a new paper."""
    for line in (l.strip() for l in (page_text or "").splitlines()):
        if not line or PAGE_NO.match(line):
            continue
        return bool(re.match(r"[a-z]|[•●▪◦\-–,;:.)]", line))
    return False


def looks_committee(text: str) -> bool:
    """Names a committee, not only the authority ("Ashby Vale Council", "Kent County Council")."""
    t = re.sub(r"\b(?:(?:county|city|borough|district)\s+)?council\s*$", "", text.strip(), flags=re.I)
    t = re.sub(r"\b(?:county|city|borough|district)\s+council\b", "", t, flags=re.I)
    return bool(_COMMITTEE_WORDS.search(t))


def plan_from_title(title: str | None) -> str | None:
    """The plan an agenda item is about, as printed: 'Children’s Services Improvement Plan 2022-23:
    progress update for July 2022' → 'Children’s Services Improvement Plan 2022-23'."""
    if not title:
        return None
    for m in _PLAN.finditer(title):
        words = m.group("name").split()
        while words and words[0].lower() in _LOWER_CONNECTORS:
            words = words[1:]  # "the Service Development Plan" → "Service Development Plan"
        if len(words) < 2:
            continue  # a bare "Plan" names no plan
        name = " ".join(words) + (m.group("years") or "").rstrip()
        return name.strip()
    return None


def item_plan(item: AgendaItem | None, body: list[str]) -> str | None:
    """The plan an item's reasons are about: its title's, else the one its text names."""
    if item is not None and item.plan is not None:
        return item.plan
    plan = plan_from_title(" ".join(body[-12:]))
    if item is not None:
        item.plan = plan
    return plan


def printed_status(cell: str | None) -> str | None:
    """The status a reasons table's own status column ("RAG", "New status", "Revised RAG") gives a row:
    a status word ("Green"), or a change in words ("Updated to Green")."""
    if not cell or not cell.strip():
        return None
    return default_status(cell) or language.status_change(cell)


def add_reasons(meeting: Meeting, rows: list[dict[str, Any]], plan: str | None) -> None:
    """Rows of Amber justifications (each an action, its reason, perhaps a printed status, and the 0-based
    page it is printed on, None where the format has no pages) as the meeting's Amber reasons."""
    reasons = [r["reason"] for r in rows]
    effective = language.resolve_back_references(reasons, [r["action"] for r in rows])
    year = language.financial_year_of(plan, meeting.meeting_date)
    for r, eff in zip(rows, effective):
        page = r.get("page")
        meeting.amber_reasons.append(AmberReason(
            position=len(meeting.amber_reasons) + 1, plan=plan, action_text=r["action"], reason=r["reason"],
            effective_reason=eff,
            # a back-reference carries its target's substance, status change and target date included
            new_rag=printed_status(r.get("status")) or language.status_change(eff),
            target_date=language.target_date(eff, year),
            page=None if page is None else page + 1))
