"""Action-table columns: which header words mean which contract field.

Reports name the same column many ways ("Lead", "Officer responsible", "Responsible officer"); a
header row is recognised by how many of its cells name a known field, in any order.
"""
from __future__ import annotations

import re

SYNONYMS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "ref no", "reference", "no", "number", "action no", "action number", "item", "#", "id"),
    "text": ("action", "actions", "what we will do", "key action", "key actions", "action required",
             "actions required", "task", "activity", "deliverable", "what", "improvement action"),
    "lead": ("lead", "lead officer", "responsible officer", "officer responsible", "owner", "responsible",
             "lead responsible", "who", "accountable officer", "action owner", "lead person"),
    "timescale": ("timescale", "timescales", "by when", "target date", "completion date", "deadline",
                  "due date", "due", "when", "date", "target", "timeframe", "timeline"),
    "success_measure": ("measure of success", "measures of success", "how we will know",
                        "evidence of success", "success measure", "success measures", "success criteria",
                        "outcome measure", "outcome", "outcomes", "impact", "measure", "how will we know",
                        "what success looks like", "evidence"),
    "progress": ("progress", "progress update", "update", "commentary", "comments", "comment",
                 "progress to date", "current position", "position", "progress and impact",
                 "progress commentary", "latest update"),
    "rag": ("rag", "status", "rag status", "rating", "rag rating", "current rag", "rag rated", "ragb",
            "ragbg", "progress rating"),
}

_LOOKUP = {syn: role for role, syns in SYNONYMS.items() for syn in syns}


def normalise(cell: str | None) -> str:
    t = " ".join((cell or "").split()).lower()
    return re.sub(r"[^a-z0-9# ]+", "", t.replace("/", " ")).strip()


def role_of(cell: str | None) -> str | None:
    t = normalise(cell)
    if not t:
        return None
    if t in _LOOKUP:
        return _LOOKUP[t]
    # "Progress update (October)" / "RAG status October 2019": the leading words decide
    for n in (3, 2, 1):
        head = " ".join(t.split()[:n])
        if head in _LOOKUP:
            return _LOOKUP[head]
    return None


def header_roles(cells: list[str | None]) -> dict[int, str] | None:
    """Column index → role for a header row, or None when the row is not an action-table header.

    A header names the action itself, its status or progress, and at least one other field, so a
    random table with a "Date" and a "Status" column is not taken for an action table.
    """
    roles: dict[int, str] = {}
    for i, cell in enumerate(cells):
        role = role_of(cell)
        if role and role not in roles.values():
            roles[i] = role
    found = set(roles.values())
    if "text" in found and ({"rag", "progress"} & found) and len(found) >= 3:
        return roles
    return None


def line_has_header(text: str) -> bool:
    """A cheap test on a line of page text: does it read like an action-table header?"""
    t = normalise(text)
    hits = {role for syn, role in _LOOKUP.items() if len(syn) > 2 and re.search(rf"\b{re.escape(syn)}\b", t)}
    return "text" in hits and bool({"rag", "progress"} & hits) and len(hits) >= 4
