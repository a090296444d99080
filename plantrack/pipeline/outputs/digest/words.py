"""The digest's phrases, shared by its HTML and its Markdown so that both say the same thing: titles
of finding kinds, a plan's title and span, a status change, a renumbered ref, a correction, and where
a finding shows ("page 3 of report.pdf")."""
from __future__ import annotations

from typing import Any

from plantrack.models.keys import month_label

KIND_TITLES = {
    "amber_without_reason": "Amber actions with no reason in the minutes",
    "reason_without_action": "Reasons in the minutes that match no action",
    "reason_for_non_amber": "Amber reasons given for actions not rated amber",
    "score_mismatch": "Priority scores that differ from their actions",
    "restated_score_mismatch": "Previous scores restated differently",
    "overall_score_mismatch": "Overall scores that differ from the priorities",
    "worsened": "Actions whose status worsened",
    "dropped_incomplete": "Actions dropped before completion",
    "overdue": "Overdue actions",
}


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def month(period: Any) -> str:
    """"November 2019", or "undated" for a finding with no period."""
    return month_label(period) if period else "undated"


def kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, kind)


def score(v: Any) -> str:
    return "" if v is None or v != v else f"{float(v):.1f}"


def copies(c: dict[str, int]) -> str:
    n = c.get("superseded", 0)
    return (f" {plural(n, 'paper')} also read from another document (a re-published copy or a pack) "
            f"{'is' if n == 1 else 'are'} counted once." if n else "")


def documents_line(c: dict[str, int]) -> str:
    return plural(c["documents"], "document") + (f" ({c['failed']} could not be read)" if c["failed"] else "")


def title(v) -> str:
    return f"{v.name} — {v.authority}" if v.authority else v.name


def meta(v) -> str:
    if not v.periods:
        return "No report of this plan has been read; the findings below come from minutes."
    span = month_label(v.periods[0]) + (f" to {month_label(v.periods[-1])}" if len(v.periods) > 1 else "")
    also = f" Also printed as: {'; '.join(v.other_names)}." if v.other_names else ""
    return f"{plural(len(v.periods), 'report')}, {span}.{also}"


def scope(plan: str | None, period: str | None, authority: str | None = None) -> str:
    bits = [(f"plans matching “{plan}”" if plan else "all plans")
            + (f" of the councils matching “{authority}”" if authority else ""),
            f"changes and findings of {month_label(period)}, charts up to it" if period
            else "charts of every period, changes of each plan's latest report, findings of every period"]
    return "Showing " + "; ".join(bits) + "."


def ref_label(c: dict) -> str:
    """A changed action's ref, a renumbering shown as one: "2.4 → 2.3" (was 2.4, now 2.3)."""
    ref, was = c["ref"], c["previous_ref"]
    renumbered = c["change"] == "worsened" and was is not None and was != ref
    return f"{was} → {ref}" if renumbered else ref or ""


def arrow(c: dict) -> str:
    was = f"{c['from']} ✎" if c.get("from_fixed") else c["from"]
    now = f"{c['to']} ✎" if c.get("to_fixed") else c["to"]
    return {"new": f"new: {now}", "dropped": f"was {was}"}.get(c["change"], f"{was} → {now}")


def fix_line(c: dict) -> str:
    """One correction as a reader sees it: "action 2.2 rag: green → amber ✎ (cell misread; J Mayer)"."""
    thing = f"action {c['ref']}" if c["target"] == "action" else \
        f"Amber reason {c['position']} in the minutes of {c['meeting_date']}"
    field_ = "linked action" if c["field"] == "action_ref" else c["field"]
    why = "; ".join(x for x in (c.get("note"), c.get("by"), None if c["applies"] else f"no longer applies: {c['problem']}") if x)
    return f"{thing} {field_}: {c['old_value'] or 'none'} → {c['new_value'] or 'none'} ✎" + (f" ({why})" if why else "")


def by_period(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for c in rows:
        groups.setdefault(month(c.get("period")), []).append(c)
    return list(groups.items())


def grouped(findings: list[dict]) -> list[tuple[str, list[dict]]]:
    """Findings by kind, in the order given (views sorts them by kind)."""
    groups: dict[str, list[dict]] = {}
    for f in findings:
        groups.setdefault(str(f["kind"]), []).append(f)
    return list(groups.items())


def pages(place: dict) -> str:
    if place.get("page") is None:
        return ""
    return f"pages {place['page']}–{place['last_page']}" if place.get("last_page") else f"page {place['page']}"


def reason_words(place: dict) -> str:
    """An Amber reason as the minutes number it: under their agenda item, then its place in that list."""
    r = place.get("reason")
    if not r:
        return ""
    item = f"item {r['item']}, " if r.get("item") else ""
    return f"{item}Amber reason {r['position']}" if r.get("position") is not None else item.rstrip(", ")


def place_words(place: dict) -> str:
    """"the report, page 3" / "the minutes, item 5, Amber reason 2, page 2" (the file is named beside)."""
    bits = [f"the {place['what']}", reason_words(place), pages(place)]
    return ", ".join(b for b in bits if b)
