"""The record types that extraction produces and the store loads.

Plain dataclasses: extraction builds them from a PDF, `plantrack extract` caches them as JSON, and
`plantrack load` turns them into database rows. Field names follow ../shared/CONTRACT.md. An action's
status (`rag`) is one of `status.ORDER`; the keys things are matched by are in `keys`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class Kind(str, Enum):
    PLAN_REPORT = "plan_report"
    MINUTES = "minutes"
    PACK = "pack"
    OTHER = "other"


@dataclass
class Priority:
    number: int
    title: str
    previous_score: float | None = None
    current_score: float | None = None


@dataclass
class Action:
    priority_number: int | None
    ref: str | None
    text: str
    lead: str | None = None
    timescale: str | None = None
    due_date: str | None = None
    success_measure: str | None = None
    progress: str | None = None
    rag: str | None = None
    page: int | None = None
    ofsted_ref: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    status_text: str | None = None  # the status as printed (word, letter, symbol); None for a colour only
    rag_source: str | None = None   # what decided `rag`: key, colour, default (words), statuses (plantrack.toml)


@dataclass
class Report:
    plan: str | None
    period: str | None
    as_at: str | None
    first_page: int | None  # None for a Word or HTML paper, which has no pages
    last_page: int | None
    overall_previous_score: float | None = None
    overall_current_score: float | None = None
    priorities: list[Priority] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    legend: dict[str, str] = field(default_factory=dict)  # how the report's key was read, e.g. {"#00b050": "green"}
    warnings: list[str] = field(default_factory=list)


@dataclass
class AmberReason:
    position: int
    plan: str | None
    action_text: str
    reason: str
    effective_reason: str
    new_rag: str | None = None
    target_date: str | None = None
    page: int | None = None


@dataclass
class AgendaItem:
    number: str | None
    title: str
    resolution: str | None = None
    plan: str | None = None  # the plan the item is about, when it is about one


@dataclass
class Meeting:
    committee: str | None
    meeting_date: str | None
    first_page: int | None  # None for a Word or HTML paper, which has no pages
    last_page: int | None
    agenda_items: list[AgendaItem] = field(default_factory=list)
    amber_reasons: list[AmberReason] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    """All that one file yields: what kind it is, or why it could not be read."""

    sha256: str
    filename: str
    kind: str | None
    status: str  # "ok" | "failed"
    error: str | None = None
    pages: int | None = None
    reports: list[Report] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    extractor_version: str = ""
    format: str | None = None  # "pdf", "docx", "html"; None when the content is none of these
    ocr: bool = False          # the text of at least one page was read by OCR
    evidence: list[str] = field(default_factory=list)  # why it is (or is not) minutes: the marks found, the score

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Extraction":
        d = dict(d)
        d["reports"] = [
            Report(**{**r, "priorities": [Priority(**p) for p in r["priorities"]],
                      "actions": [Action(**a) for a in r["actions"]]})
            for r in d.get("reports", [])
        ]
        d["meetings"] = [
            Meeting(**{**m, "agenda_items": [AgendaItem(**i) for i in m["agenda_items"]],
                       "amber_reasons": [AmberReason(**a) for a in m["amber_reasons"]]})
            for m in d.get("meetings", [])
        ]
        return cls(**d)
