"""A plan progress report in a Word document or web page (a `Document`) → a `Report`.

The same vocabulary as the PDF reader (`report.py`): the header words of `columns.py`, the key's
sentences of `legend.py`, the scores of `scores.py`, the dates of `dates.py`. Only where the values
come from differs: a cell's text and its shading are given by the document, not found on a page.
A Word or HTML report has no pages: `first_page`, `last_page` and every action's `page` are None.
"""
from __future__ import annotations

import re

from ..models import Priority, Report
from ..models.document import Document, Para, Table, fold
from ..models.status import COLOUR, HEADING
from .action_log import completed_heading, is_log_title, log_date, log_name, status_column, untitled_log_name
from .colours import RGB
from .columns import clean, header_roles
from .dates import find_date, month_of, parse_date
from .legend import Legend, legend_of_rows
from .report import (AS_AT, same_status_column, PRIORITY_HEADING, TEXT_FIELDS, Layout, action_of, ofsted_tag, plan_name, split_ref,
                     warn_unread)
from .scores import heading_score, overall_in_text, priority_number, read_scores


def rgb_of(fill: str | None) -> RGB | None:
    """'#ffc000' → (1.0, 0.75, 0.0)."""
    if not fill or not re.fullmatch(r"#[0-9a-f]{6}", fill):
        return None
    return tuple(int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def is_report(doc: Document) -> bool:
    """Does the document hold an action table (a header row naming the action and its status)?"""
    return any(header_roles(row.texts) for t in doc.tables() for row in t.rows)


def legend_from_table(table: Table) -> Legend:
    """A key printed as a table: a row per status, a shaded swatch cell (or a colour's name) and its
    meaning. As for a PDF's key, three distinct statuses make it a key."""
    return legend_of_rows(([c.text for c in row.cells if c.text],
                           lambda row=row: next((rgb_of(c.fill) for c in row.cells if rgb_of(c.fill) is not None), None))
                          for row in table.rows)


class FlowReportReader:
    def __init__(self, doc: Document):
        self.doc = doc
        self.report = Report(plan=None, period=None, as_at=None, first_page=None, last_page=None)
        self.legend = Legend()
        self.priority: int | None = None
        self.layout: Layout | None = None
        self.seen: list[tuple[str, RGB | None, bool]] = []  # per action: printed status, colour, whole row
        self.heading_priorities: list[Priority] = []
        self.opening_date: str | None = None  # the first date before the first table (a log's meeting)
        self.opening: list[str] = []  # the paragraphs before the first table (a log's body and meeting)
        self.heading_status: str | None = None  # the status a "Completed actions" heading gives the tables after it
        self.under_heading: list[str | None] = []  # per action: that status when its table is under one

    def read(self) -> Report | None:
        doc, r = self.doc, self.report
        # an action table, or one going on with its columns under a heading ("Completed actions"): its
        # rows' words ("not started", "on track") and fills are statuses, not a key
        actions = {len(t.rows[0].cells) for t in doc.tables() if t.rows and any(header_roles(r.texts) for r in t.rows)}
        for t in doc.tables():
            if t.rows and (len(t.rows[0].cells) in actions and len(t.rows[0].cells) >= 4
                           or any(header_roles(row.texts) for row in t.rows)):
                continue
            legend = legend_from_table(t)
            if legend.found:
                self.legend = legend
                break
        self._title()
        for block in doc.blocks:
            if isinstance(block, Para):
                self._para(block)
            else:
                self._table(block)
        if not r.actions and not r.priorities:
            return None
        if not r.priorities:
            r.priorities = self.heading_priorities
        for a, (text, colour, whole_row), done in zip(r.actions, self.seen, self.under_heading):
            a.due_date = parse_date(a.timescale)
            a.rag, a.rag_source = self._status(text, colour, whole_row)
            if a.rag is None and done:  # a completed table that prints no status: its heading says it
                a.rag, a.rag_source = done, HEADING
        r.legend = self.legend.describe()
        if r.as_at is None and not r.priorities and self.opening_date:
            # an action log printing no "as at": the date its opening paragraphs give (the meeting's)
            r.as_at, r.period = self.opening_date, month_of(self.opening_date)
        if r.plan is None and not r.priorities and not self.legend.found \
                and self.layout is not None and "rag" in self.layout.roles.values():
            r.plan = untitled_log_name(self.opening)  # a log without a title: named by its body
        warn_unread(r, "in the document's opening paragraphs")
        return r

    # ---- title, date -------------------------------------------------------------------------
    def _title(self) -> None:
        opening = [p for p in self.doc.blocks[:60] if isinstance(p, Para)][:30]
        # the paragraphs before the first table: where an action log prints its title and meeting date
        first_table = next((k for k, b in enumerate(self.doc.blocks) if not isinstance(b, Para)), len(self.doc.blocks))
        before = [p.text for p in self.doc.blocks[:min(first_table, 30)] if isinstance(p, Para)]
        plans = [p for p in opening if (re.search(r"\bplan\b", p.text, re.I) and len(p.text) < 160) or is_log_title(p.text)]
        if not plans:  # the plan named only in the page header
            opening += self.doc.running_heads
            plans = [p for p in self.doc.running_heads if re.search(r"\bplan\b", p.text, re.I) and len(p.text) < 160]
        if plans:
            best = max(plans, key=lambda p: (p.level in (1, 2) and p.level > 0, p.size or 0, p.bold, is_log_title(p.text)))
            if is_log_title(best.text) and not re.search(r"\bplan\b", best.text, re.I):
                self.report.plan = log_name(best.text)
                found = find_date(best.text)  # a log's period is its title's date
                if found:
                    self.report.as_at, self.report.period = found[0], month_of(found[0])
                    return
            else:
                self.report.plan = plan_name(best.text)
        self.opening, self.opening_date = before, log_date(before)
        for pattern in AS_AT:
            for p in opening:
                m = pattern.search(p.text)
                found = find_date(next(g for g in m.groups() if g is not None)) if m else None
                if found:
                    self.report.as_at = found[0]
                    self.report.period = month_of(found[0])
                    return

    def _para(self, p: Para) -> None:
        self.heading_status = completed_heading(p.text) or self.heading_status
        m = PRIORITY_HEADING.match(p.text)
        if m:
            self.priority = priority_number(m.group(1)) or self.priority
            number = priority_number(m.group(1))
            found = heading_score(m.group(2))
            if number is not None and found and not any(x.number == number for x in self.heading_priorities):
                self.heading_priorities.append(Priority(number, *found))
        if self.report.overall_current_score is None and not self.report.actions:
            told = overall_in_text(p.text)
            if told:
                self.report.overall_previous_score, self.report.overall_current_score = told

    # ---- tables ------------------------------------------------------------------------------
    def _table(self, t: Table) -> None:
        data = [row.texts for row in t.rows]
        if not self.report.priorities:
            found = read_scores(data)
            if found is not None:
                self.report.priorities, overall = found
                if overall:
                    self.report.overall_previous_score, self.report.overall_current_score = overall
                return
        start = None
        for i, cells in enumerate(data):
            roles = header_roles(cells)
            if roles:
                body = t.rows[i + 1:]
                coloured = [[self.legend.status_of_colour(rgb_of(c.fill)) is not None for c in r.cells] for r in body]
                j = status_column(roles, [[clean(c.text) for c in r.cells] for r in body], coloured)
                if j is not None:  # the status under "Progress" or a header nobody knows
                    roles = {**{k: r for k, r in roles.items() if k != j}, j: "rag"}
                roles = same_status_column(roles, self.layout, len(cells))
                extra = {j: clean(c) for j, c in enumerate(cells) if j not in roles and clean(c)}
                self.layout = Layout(roles, extra, len(cells))
                start = i + 1
                break
        if start is None:
            # a table without a header carries on the last action table when it has its columns
            if self.layout is None or not data or len(data[0]) != self.layout.ncols:
                return
            start = 0
        for row in t.rows[start:]:
            texts = [clean(c.text) for c in row.cells]
            filled = [x for x in texts if x]
            if len(filled) == 1 and (m := PRIORITY_HEADING.match(filled[0])):
                self.priority = priority_number(m.group(1)) or self.priority
                continue
            if header_roles(texts):
                continue  # a header row repeated
            self._row(row, texts)

    def _row(self, row, texts: list[str]) -> None:
        layout = self.layout
        values = {role: texts[j] for j, role in layout.roles.items() if j < len(texts)}
        extra = {name: texts[j] for j, name in layout.extra.items() if j < len(texts) and texts[j]}
        if not any(values.get(f) for f in TEXT_FIELDS) and not extra:
            return
        rag_col = next((j for j, r in layout.roles.items() if r == "rag"), None)
        if rag_col is not None and rag_col < len(row.cells):
            seen = (values.get("rag", ""), rgb_of(row.cells[rag_col].fill), False)
        else:  # no status column: the row's own shading may be its status, by the key
            fills = {c.fill for c in row.cells if c.text}
            seen = ("", rgb_of(fills.pop()) if len(fills) == 1 else None, True)
        ref, ofsted = split_ref(values.get("ref"))
        ofsted = ofsted or ofsted_tag(values.get("ofsted"))
        self.report.actions.append(action_of(values, self.priority, ref, ofsted, extra, rag=None, page=None,
                                             status_text=fold(values.get("rag")) or None))
        self.seen.append(seen)
        self.under_heading.append(self.heading_status)

    def _status(self, text: str, colour: RGB | None, whole_row: bool) -> tuple[str | None, str | None]:
        """(status, what decided it: models.status KEY, DEFAULT or COLOUR), so that the council's own
        words ([statuses]) can settle what the key and the default words leave open, as for PDFs."""
        by_text, source = self.legend.decide_text(text)
        if by_text or (whole_row and not self.legend.colours):
            return by_text, source  # a row's shading is a status only where a key gives its colours
        rag = self.legend.status_of_colour(colour)
        return rag, (COLOUR if rag else None)


def read_flow_report(doc: Document) -> Report | None:
    return FlowReportReader(doc).read()
