"""A plan progress report, page by page, into a `Report` record.

The reader is fed one page's blocks at a time (`models/document.py`: a PDF page's as
`report_layout.ReportPages` makes them, or built by hand) and keeps what spans pages: the key, the
current priority, the column layout of the action table, and the last action — which the next page may
continue when a page break splits its row. It reads the blocks alone: the printed lines (`Para`, with
their boxes and the colour marks a key line carries) and the tables (`Table`, each cell's text and the
colour it shows).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..models import Action, Priority, Report
from ..models.document import RGB, Block, Document, Para, Row, Table
from .colours import DEFAULT_PALETTE, distance, hex_of
from ..models.status import COLOUR, HEADING, direction_text, split_direction
from .action_log import completed_heading, is_log_title, log_date, log_name, status_column, untitled_log_name
from .columns import clean, header_like_roles, header_roles, is_header
from .dates import find_date, month_of, parse_date
from .legend import Legend, legend_from_lines, legend_of_rows
from .scores import ROMAN, heading_score, overall_in_text, priority_number, read_scores, read_scores_from_lines

PRIORITY_HEADING = re.compile(rf"^\s*priority\s+(\d{{1,2}}|{ROMAN})\b\s*[:.\-–—)]?\s*(.*)$", re.I)
OFSTED = re.compile(r"\bOfsted\s*(\d+)\b", re.I)
DANGLING_OFSTED = re.compile(r"\s*\bOfsted$", re.I)  # a ref cell's tag whose number wrapped away
REF_PRIORITY = re.compile(r"^(\d{1,2})\.\d")
# A page's protective marking, printed as a running header or footer, falls inside a ref cell that a
# long row stretches to the page's edge ("1.1 OFFICIAL", or "OFFICIAL" alone on each page the row
# continues over): it is never part of a ref.
MARKING = re.compile(r"\b(?:NOT\s+PROTECTIVELY\s+MARKED|OFFICIAL(?:\s*[-–—:]?\s*SENSITIVE)?|UNCLASSIFIED)\b")
AS_AT = [re.compile(r"\bas\s+(?:at|of)\b(.*)", re.I),
         re.compile(r"\b(?:progress\s+update|position|update|period\s+ending|report(?:ing)?\s+period|"
                    r"progress\s+report|month)\b(.*)|\bperiod\s*:(.*)", re.I)]
TEXT_FIELDS = ("text", "lead", "timescale", "success_measure", "progress")
# RGB distance (0–1.73) beyond which a status colour is "far" from its key colour: the sample's fills
# are exact copies of their key swatches (≤ 0.01 apart, CMYK mixes included), the statuses of a key sit
# ≥ 0.3 apart, and colours.nearest reads nothing beyond 0.45.
FAR_COLOUR = 0.15


def plan_name(title: str) -> str:
    """The plan's name out of a title line: "Subject: Care Leavers Improvement Plan 2019-20 – progress
    update" and "Appendix A – Workforce Development Plan 2019-20: April 2020" give the plan alone."""
    parts = re.split(r"\s*[:|]\s*", title)
    name = next((p for p in parts if re.search(r"\bplan\b", p, re.I)), parts[0])
    name = re.split(r"\s+[–—-]\s+(?=progress|position|update)", name, maxsplit=1, flags=re.I)[0]
    return re.sub(r"^[\s•●▪◦*–-]{0,3}(?:(?:appendix|annex|annexe)\s+\w{1,3}\s*[–—:-]\s*)?", "", name, flags=re.I).strip()


def title_blocks(sized: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """Consecutive lines printed in the same large size joined, so a title that wraps
    ("… Improvement" / "and Development Plan 2022-23") is read whole."""
    blocks: list[tuple[float, str]] = []
    for size, text in sized:
        if blocks and size >= 12 and abs(blocks[-1][0] - size) < 0.3:
            blocks[-1] = (size, f"{blocks[-1][1]} {text}")
        else:
            blocks.append((size, text))
    return blocks


def _holds(box, line: dict) -> bool:
    x0, top, x1, bottom = box
    return top - 1 <= (line["top"] + line["bottom"]) / 2 <= bottom + 1 and x0 - 1 <= line["x0"] <= x1


def opening(lines: list[dict], tables: list[Table]) -> list[dict]:
    """A page's lines above its first table (ruled, or an action header printed as text columns)."""
    top = min((t.box[1] for t in tables), default=None)
    out = []
    for ln in lines:
        if (top is not None and ln["top"] >= top - 1) or is_header(header_like_roles(ln["text"])):
            break
        out.append(ln)
    return out


def same_status_column(roles: dict[int, str], layout: Layout | None, ncols: int) -> dict[int, str]:
    """A header repeated over a page break, or over the completed actions' table, names its columns as
    the last one did: a status column found there by its cells is the status column here too (a table of
    one or two rows shows too few cells to find it again)."""
    if "rag" in roles.values() or layout is None or layout.ncols != ncols:
        return roles
    rag = next((j for j, r in layout.roles.items() if r == "rag"), None)
    others = {k: r for k, r in roles.items() if k != rag}
    if rag is None or roles.get(rag) not in (None, "progress") or \
            others != {k: r for k, r in layout.roles.items() if k != rag}:
        return roles
    return {**others, rag: "rag"}


def action_tables(tables: list[list[list[str | None]]], layout: Layout | None) -> list[bool]:
    """Which of a page's tables (their cells' texts) hold actions: those with an action header, and
    those as wide (four columns or more) as one of them or as the action table in force, going on with
    its columns without the header (a page's continuation, a completed actions' table)."""
    headed = [any(header_roles(row) for row in data) for data in tables]
    widths = {len(data[0]) for data, h in zip(tables, headed) if h} | ({layout.ncols} if layout else set())
    return [h or (bool(data) and len(data[0]) in widths and len(data[0]) >= 4) for data, h in zip(tables, headed)]


def as_at_in(texts: list[str]) -> tuple[str, bool] | None:
    """(date, strong) of the first "as at" date in the lines, else the first "progress update / position"
    date (weak: such words also sit beside a due date in a table's line)."""
    for strong, pattern in zip((True, False), AS_AT):
        for text in texts:
            m = pattern.search(text)
            found = find_date(next(g for g in m.groups() if g is not None)) if m else None
            if found:
                return found[0], strong
    return None


def split_ref(cell: str | None) -> tuple[str | None, str | None]:
    """A ref cell ("1.1 Ofsted 1") as (ref, Ofsted tag): ('1.1', 'Ofsted 1')."""
    t = clean(MARKING.sub(" ", clean(cell)))
    tag = OFSTED.search(t)
    ref = clean(OFSTED.sub("", t)) or None
    return ref, f"Ofsted {int(tag.group(1))}" if tag else None


def ofsted_tag(cell: str | None) -> str | None:
    """An Ofsted column's cell ("Ofsted 3", "Rec 3", "3") as the contract's tag: 'Ofsted 3'."""
    t = clean(cell)
    m = OFSTED.search(t) or re.fullmatch(r"(?:rec(?:ommendation)?\.?\s*)?(\d{1,2})", t, re.I)
    return f"Ofsted {int(m.group(1))}" if m else None


def looks_whole(values: dict[str, str]) -> bool:
    """A row that starts an action rather than carrying on one split by a page break: its status is
    printed in words or letters (a split row's status cell prints them in its first part only), or
    its short cells, the lead and the timescale, are filled and its wording starts a sentence."""
    if values.get("rag"):
        return True
    return bool(values.get("lead") and values.get("timescale") and values.get("text", "")[:1].isupper())


def carried_tag(last: Action, cell: str | None, values: dict[str, str]) -> str | None:
    """The Ofsted tag that the page's first row carries over from the last action's ref cell, or None.

    Word and LibreOffice break a row line by line: when only its first line fits at the foot of a
    page, the second line of the ref cell ("7.4" / "Ofsted 7") goes on with the rest of the wording
    ('Pathway plans' … | 'Ofsted 7' 'are reviewed …'), and in a ref column too narrow for the tag, its
    number alone ("7.4 Ofsted" | "7"). Only an action with a ref and no tag yet is carried on, and
    only by a row that does not look whole: a row that starts the page with a tag for a ref does."""
    if last.ref is None or last.ofsted_ref or looks_whole(values):
        return None
    t = clean(MARKING.sub(" ", clean(cell)))
    if m := re.fullmatch(OFSTED, t):
        return f"Ofsted {int(m.group(1))}"
    if DANGLING_OFSTED.search(last.ref) and re.fullmatch(r"\d{1,2}", t):
        return f"Ofsted {int(t)}"
    return None


def action_of(values: dict[str, str], priority: int | None, ref: str | None, ofsted: str | None,
              extra: str | None, *, rag: str | None, page: int | None, status_text: str | None = None) -> Action:
    """An action row's values (by role) as an Action; under no priority heading, the priority its ref
    names ("3.2" → 3). Shared by the PDF and the Word/HTML report readers."""
    if priority is None and ref and (m := REF_PRIORITY.match(ref)):
        priority = int(m.group(1))
    return Action(priority_number=priority, ref=ref, text=values.get("text", ""), lead=values.get("lead") or None,
                  timescale=values.get("timescale") or None, success_measure=values.get("success_measure") or None,
                  progress=values.get("progress") or None, rag=rag, page=page, ofsted_ref=ofsted, extra=extra,
                  status_text=status_text)


def warn_unread(r: Report, where: str) -> None:
    """What a reader could not find in a report it read, as warnings (`where` says where it looked)."""
    if r.actions and not any(a.rag for a in r.actions):
        r.warnings.append("no action status could be read (no key, colour, word or letter matched)")
    if r.plan is None:
        r.warnings.append(f"no plan name found {where}")
    if r.as_at is None:
        r.warnings.append(f"no 'as at' / progress update date found {where}")


def swatch(row: Row) -> RGB | None:
    """A key row's swatch: the colour the row shows, else the first colour one of its cells shows."""
    return row.colour() or next((c for cell in row.cells if (c := cell.colour()) is not None), None)


def row_colour(row: Row) -> tuple[RGB | None, bool]:
    """The colour a row shows as a whole: its own, else the one colour its filled-in cells share; and
    whether it was measured from print (`Cell.measured`)."""
    own = row.colour()
    if own is not None:
        return own, row.measured
    cells = [cell for cell in row.cells if cell.text]
    shown = {cell.colour() for cell in cells}
    return (shown.pop(), any(c.measured for c in cells)) if len(shown) == 1 else (None, False)


def holds_actions(doc: Document) -> bool:
    """Does the document hold an action table (a header row naming the action and its status)?"""
    return any(header_roles(row.texts) for t in doc.tables() for row in t.rows)


def read_report(doc: Document) -> Report | None:
    """A paper without pages (a Word document, a web page) read whole: its report, or None."""
    reader = ReportReader(None)
    reader.running_heads = doc.running_heads
    reader.feed(doc.blocks, None)
    return reader.finish()


def _line(p: Para) -> dict:
    """A printed line as the line readers here take it (`scores.read_scores_from_lines` too)."""
    x0, top, _, bottom = p.box
    return {"text": p.text, "x0": x0, "top": top, "bottom": bottom, "size": p.size}


@dataclass
class StatusSeen:
    """What a row shows of its status, kept so that a key printed after the tables still decides it."""

    text: str
    colour: tuple[float, float, float] | None
    whole_row: bool  # no status column: the colour is the whole row's fill
    measured: bool = True  # the colour as printed (a PDF's), not a fill the document names by its hex


@dataclass
class Layout:
    """The column layout of the action table in force: index → role, and the unknown columns."""

    roles: dict[int, str]
    extra: dict[int, str]
    ncols: int
    direction: set[int] = field(default_factory=set)  # direction-of-travel columns (kept in extra)


@dataclass
class ReportReader:
    first_page: int | None  # None for a paper without pages
    legend: Legend = field(default_factory=Legend)
    report: Report | None = None
    priority: int | None = None
    layout: Layout | None = None
    last_page: int | None = 0
    action_tables: int = 0
    statuses_seen: list[StatusSeen | None] = field(default_factory=list)  # one per action
    under_heading: list[str | None] = field(default_factory=list)  # one per action: the status a
    #                                  "Completed actions" heading over its table gives, None when none
    heading_status: str | None = None  # that of the last such heading read (the tables after it are its)
    priorities_in_headings: list[Priority] = field(default_factory=list)
    opening_lines: list[str] = field(default_factory=list)  # the first page's lines above its tables
    opening_date: str | None = None  # the first date above the first page's tables: a log's period
    #                                  when it prints no "as at" (the title's, else the meeting's date)
    as_at_in_tables: tuple[str, bool] | None = None  # an "as at" that only a table's line gave
    running_heads: list[Para] = field(default_factory=list)  # a paper's page header, where its format keeps one

    def __post_init__(self) -> None:
        self.report = Report(plan=None, period=None, as_at=None, first_page=self.first_page,
                             last_page=self.first_page)

    # ---- the page --------------------------------------------------------------------------
    def feed(self, blocks: list[Block], number: int | None) -> None:
        """Read one page's blocks, in reading order; `number` is its 1-based page in the file. A paper
        without pages (a Word document, a web page: its blocks have none) is fed whole, once, with None."""
        self.last_page = number
        paged = number is not None
        paras = [b for b in blocks if isinstance(b, Para)]
        lines = [_line(p) for p in paras if p.box is not None]  # printed lines, where they are printed
        candidates = [b for b in blocks if isinstance(b, Table)]
        # a table rebuilt from text columns does not hide its lines: they were printed as lines
        tables = [t for t in candidates if not t.rebuilt]
        if not paged:
            self._read_opening(blocks)
        elif self.report.plan is None or self.report.as_at is None:
            self._read_title(lines, tables, number == self.first_page)
        extracted = [[row.texts for row in t.rows] for t in tables]
        if not self.legend.found:
            self._read_legend(tables, extracted, paras)
        scores = None
        if not self.report.priorities:
            scores = next((t for t, data in zip(tables, extracted) if self._read_scores(data)), None)
        if not self.report.priorities and not self.report.actions:
            self._take_scores(read_scores_from_lines(lines))  # a scores table printed without rules
        if paged and self.report.overall_current_score is None and not self.report.actions:
            # a page's text read whole: its words and its figures may sit on lines of their own
            self._take_overall("\n".join(ln["text"] for ln in lines))
        if not self.report.priorities:
            self._heading_scores(paras)
        first_on_page = True
        done: str | None = None  # the status the last "Completed actions" heading read gives
        # headings and tables in reading order: a priority heading is in force for the tables after
        # it; a "Completed actions" heading for those under it on its page
        for block in blocks:
            if isinstance(block, Para):
                done = completed_heading(block.text) or done
                if m := PRIORITY_HEADING.match(block.text):
                    self._set_priority(m)
                if not paged and self.report.overall_current_score is None and not self.report.actions:
                    self._take_overall(block.text)  # a paragraph before the actions says it
                continue
            if done:
                self.heading_status, done = done, None
            if block is not scores and self._read_actions(number, block, first_on_page):
                first_on_page = False

    def _take_overall(self, text: str) -> None:
        told = overall_in_text(text)
        if told:
            self.report.overall_previous_score, self.report.overall_current_score = told

    def _set_priority(self, m: re.Match) -> None:
        self.priority = priority_number(m.group(1)) or self.priority

    def _heading_scores(self, paras: list[Para]) -> None:
        """Scores printed in the priority headings ("Priority 1: … – score 2.3 (previous 1.9)", a
        printed heading perhaps wrapped onto a second line): the report's priorities when it has no table."""
        for k, p in enumerate(paras):
            m = PRIORITY_HEADING.match(p.text)
            number = priority_number(m.group(1)) if m else None
            if number is None or any(x.number == number for x in self.priorities_in_headings):
                continue
            wrapped = [m.group(2), *(q.text for q in paras[k + 1:k + 2] if p.box is not None)]
            for text in (m.group(2), " ".join(wrapped)):
                found = heading_score(text)
                if found:
                    self.priorities_in_headings.append(Priority(number, *found))
                    break

    # ---- title, period -----------------------------------------------------------------------
    def _read_title(self, lines: list[dict], tables: list[Table], first: bool) -> None:
        sized = [(ln["size"], ln["text"]) for ln in lines]
        # a table's row never names the plan ("Refresh the business plan" in a log's action column)
        outside = [(ln["size"], ln["text"]) for ln in lines if not any(_holds(t.box, ln) for t in tables)]
        if first:
            self.opening_lines = [ln["text"] for ln in opening(lines, tables)]
            self.opening_date = log_date(self.opening_lines)
        if self.report.plan is None:
            titles = [(s, t) for s, t in title_blocks(outside)
                      if (re.search(r"\bplan\b", t, re.I) and len(t) < 160) or is_log_title(t)]
            if titles:
                # the largest wins; at one size, an action log's title over a line that names a plan
                _, title = max(titles, key=lambda st: (st[0], is_log_title(st[1])))
                log = is_log_title(title) and not re.search(r"\bplan\b", title, re.I)
                self.report.plan = log_name(title) if log else plan_name(title)
                found = find_date(title) if log else None
                if found and self.report.as_at is None:  # a log's period is its title's date
                    self.report.as_at, self.report.period = found[0], month_of(found[0])
        if self.report.as_at is None:
            # the position date printed outside the tables; one that only a table's line gives (a due
            # date beside a progress "update") is kept aside, and decides only at the end (`finish`)
            found = as_at_in([t for _, t in outside])
            if found:
                self.report.as_at, self.report.period = found[0], month_of(found[0])
            elif self.as_at_in_tables is None:
                self.as_at_in_tables = as_at_in([t for _, t in sized])

    def _read_opening(self, blocks: list[Block]) -> None:
        """The title and date of a paper without pages, from its opening paragraphs (a Word document
        or a web page says which is a heading: its level, else its size and weight), else its page
        header; an action log's title and meeting date in the paragraphs before its first table."""
        opening = [p for p in blocks[:60] if isinstance(p, Para)][:30]
        first_table = next((k for k, b in enumerate(blocks) if not isinstance(b, Para)), len(blocks))
        before = [p.text for p in blocks[:min(first_table, 30)] if isinstance(p, Para)]
        plans = [p for p in opening if (re.search(r"\bplan\b", p.text, re.I) and len(p.text) < 160) or is_log_title(p.text)]
        if not plans:  # the plan named only in the page header
            opening += self.running_heads
            plans = [p for p in self.running_heads if re.search(r"\bplan\b", p.text, re.I) and len(p.text) < 160]
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
        self.opening_lines, self.opening_date = before, log_date(before)
        found = as_at_in([p.text for p in opening])
        if found:
            self.report.as_at, self.report.period = found[0], month_of(found[0])

    # ---- key ----------------------------------------------------------------------------------
    def _read_legend(self, tables: list[Table], extracted, paras: list[Para]) -> None:
        for table, data, actions in zip(tables, extracted, action_tables(extracted, self.layout)):
            if actions:
                continue  # its rows' words ("not started", "on track") and fills are statuses, not a key
            legend = legend_of_rows((cells, lambda row=row: swatch(row)) for cells, row in zip(data, table.rows))
            if legend.found:
                self.legend = legend
                return
        # a key printed as lines, each with its swatch beside it (a paragraph of a Word document
        # or a web page is no printed line: it has no box)
        legend = legend_from_lines([p for p in paras if p.box is not None])
        if legend.found:
            self.legend = legend

    # ---- priority scores ------------------------------------------------------------------------
    def _read_scores(self, data: list[list[str | None]]) -> bool:
        return self._take_scores(read_scores(data))

    def _take_scores(self, found) -> bool:
        if found is None:
            return False
        self.report.priorities, overall = found
        if overall:
            self.report.overall_previous_score, self.report.overall_current_score = overall
        return True

    # ---- actions ----------------------------------------------------------------------------------
    def _read_actions(self, number: int | None, table: Table, first_on_page: bool) -> bool:
        data = [row.texts for row in table.rows]
        start = 0
        for i, cells in enumerate(data):
            roles = header_roles(cells)
            if roles:
                # a direction-of-travel column is recognised only to keep it out of the status: it
                # goes to extra under its own header (on a paper with pages: see `_add_row`)
                direction = {j for j, r in roles.items() if r == "direction"} if number is not None else set()
                roles = {j: r for j, r in roles.items() if j not in direction}
                roles = self._status_column(table.rows[i + 1:], roles)
                roles = same_status_column(roles, self.layout, len(cells))
                extra = {j: clean(c) for j, c in enumerate(cells) if j not in roles and clean(c)}
                self.layout = Layout(roles, extra, len(cells), direction)
                start = i + 1
                break
        else:
            if self.layout is None or not data or len(data[0]) != self.layout.ncols:
                return False
        self.action_tables += 1
        for i in range(start, len(data)):
            texts = [clean(c) for c in data[i]]
            filled = [t for t in texts if t]
            if len(filled) == 1 and (m := PRIORITY_HEADING.match(filled[0])):
                self._set_priority(m)
                continue
            if header_roles(data[i]):
                continue
            self._add_row(number, texts, table.rows[i], first_on_page and i == start)
        return True

    def _status_column(self, body: list[Row], roles: dict[int, str]) -> dict[int, str]:
        """The roles with a status column found by its cells when the header names none (a log's
        status words or fills under "Progress" or a header nobody knows)."""
        texts = [[clean(c.text) for c in row.cells] for row in body]
        coloured = [[self.legend.status_of_colour(c.colour()) is not None for c in row.cells] for row in body] \
            if "rag" not in roles.values() else None
        j = status_column(roles, texts, coloured)
        return roles if j is None else {**{k: r for k, r in roles.items() if k != j}, j: "rag"}

    def _seen(self, text: str, shown: Callable[[], tuple[RGB | None, bool]], whole_row: bool = False) -> StatusSeen:
        """What a row shows of its status: its words, and (unless they already say it) its colour."""
        if self.legend.status_of_text(text):
            return StatusSeen(text, None, whole_row)
        colour, measured = shown()
        return StatusSeen(text, colour, whole_row, measured)

    def _status(self, seen: StatusSeen | None) -> str | None:
        return self._decide(seen)[0]

    def _decide(self, seen: StatusSeen | None) -> tuple[str | None, str | None]:
        """(status, what decided it: the key, the default words or the colour) for what a row shows."""
        if seen is None:
            return None, None
        by_text, source = self.legend.decide_text(seen.text)
        if by_text or (seen.whole_row and not self.legend.colours):
            return by_text, source  # a row's fill is a status only where a key gives its colours
        by_colour = self.legend.status_of_colour(seen.colour)
        return (by_colour, COLOUR) if by_colour else (None, None)

    def _add_row(self, number: int | None, texts: list[str], row: Row, first_row_of_page: bool) -> None:
        layout = self.layout
        values = {role: texts[j] for j, role in layout.roles.items() if j < len(texts)}
        # a direction of travel printed in the status cell ("Amber ↑", "Green é") is not the status.
        # Read so on a paper with pages only, as it always was: a Word document's or a web page's status
        # and direction columns are read as they stand (not settled yet: docs/developer.md, "Plan reports: one reader for every format")
        arrows = None
        if number is not None:
            values["rag"], arrows = split_direction(values.get("rag"))
        rag_col = next((j for j, r in layout.roles.items() if r == "rag"), None)
        seen = None
        if rag_col is not None and rag_col < len(row.cells):
            cell = row.cells[rag_col]
            seen = self._seen(values.get("rag", ""), lambda: (cell.colour(), cell.measured))
        elif rag_col is None:
            # no status column: the row's own fill may be its status, by the key
            seen = self._seen("", lambda: row_colour(row), whole_row=True)
        rag = self._status(seen)
        ref, ofsted = split_ref(values.get("ref"))
        ofsted = ofsted or ofsted_tag(values.get("ofsted"))
        extra = {name: direction_text(texts[j]) if j in layout.direction else texts[j]
                 for j, name in layout.extra.items() if j < len(texts) and texts[j]}
        if arrows and not any(j in layout.direction for j in layout.extra):
            extra["Direction of travel"] = arrows
        if not any(values.get(f) for f in TEXT_FIELDS) and not extra:
            return
        # The rest of a row split by a page break comes back under the repeated header with no ref
        # (and, in tables without refs, as the page's first row carrying the same status or none,
        # and not looking like a whole row of its own).
        # A paper without pages has no such break.
        last = self.report.actions[-1] if self.report.actions and number is not None else None
        tag = carried_tag(last, values.get("ref"), values) if first_row_of_page and last is not None else None
        if tag:
            self._continue(last, values, extra)
            last.ref, last.ofsted_ref = DANGLING_OFSTED.sub("", last.ref) or None, tag
            return
        continues = last is not None and ref is None and not ofsted and (
            "ref" in layout.roles.values()
            or (first_row_of_page and rag in (None, last.rag) and not looks_whole(values)))
        if continues:
            self._continue(last, values, extra)
            return
        self.report.actions.append(action_of(values, self.priority, ref, ofsted, extra, rag=rag, page=number))
        self.statuses_seen.append(seen)
        self.under_heading.append(self.heading_status)

    def _note_far_colour(self, action: Action, seen: StatusSeen | None) -> None:
        """A status read from a colour far from every key colour is a guess worth a clerk's look
        (`plantrack review`): keep the colour and its distance in `extra`, under names no printed
        column has. Near colours record nothing, so ordinary papers read exactly as before."""
        if seen is None or seen.colour is None or not seen.measured or self.legend.status_of_text(seen.text) \
                or (seen.whole_row and not self.legend.colours):
            return
        palette = self.legend.colours or DEFAULT_PALETTE
        d = min((distance(seen.colour, c) for cs in palette.values() for c in cs), default=None)
        if d is not None and d > FAR_COLOUR:
            action.extra["_status_colour"] = hex_of(seen.colour)
            action.extra["_colour_distance"] = f"{d:.2f}"

    @staticmethod
    def _continue(action: Action, values: dict[str, str], extra: dict[str, str]) -> None:
        """Append the rest of a row that a page break split."""
        for f in TEXT_FIELDS:
            more = values.get(f)
            if more:
                setattr(action, f, " ".join(filter(None, [getattr(action, f), more])))
        for k, v in extra.items():
            action.extra[k] = " ".join(filter(None, [action.extra.get(k), v]))

    # ---- the end ------------------------------------------------------------------------------------
    def finish(self) -> Report | None:
        """The report, or None when these pages held no plan report."""
        r = self.report
        if not r.actions and not r.priorities:
            return None
        r.last_page = self.last_page
        if not r.priorities:
            r.priorities = self.priorities_in_headings
        for a, seen, done in zip(r.actions, self.statuses_seen, self.under_heading):
            a.due_date = parse_date(a.timescale)
            a.rag, a.rag_source = self._decide(seen)  # by the key, wherever in the report it was printed
            a.status_text = (seen.text or None) if seen is not None and not seen.whole_row else None
            if a.rag is None and done:  # a completed table that prints no status: its heading says it
                a.rag, a.rag_source = done, HEADING
            self._note_far_colour(a, seen)
        r.legend = self.legend.describe()
        table = self.as_at_in_tables
        # an "as at" printed in a table, then (for an action log, which prints none) the date its opening
        # lines give, the meeting's; then a date beside "update" or "position" in a table's line
        for date, use in ((table and table[0], bool(table and table[1])),
                          (self.opening_date, not r.priorities), (table and table[0], True)):
            if r.as_at is None and date and use:
                r.as_at, r.period = date, month_of(date)
        if r.plan is None and not r.priorities and not self.legend.found \
                and self.layout is not None and "rag" in self.layout.roles.values():
            r.plan = untitled_log_name(self.opening_lines)  # a log without a title: named by its body
        warn_unread(r, "on the first page" if r.first_page is not None else "in the document's opening paragraphs")
        return r
