"""A plan progress report, page by page, into a `Report` record.

The reader is fed one laid-out page at a time (`models/layout.Page`, as `pdf_layout.read_report_page`
reads a PDF's page, or built by hand) and keeps what spans pages: the key, the current priority, the
column layout of the action table, and the last action — which the next page may continue when a page
break splits its row. It reads the model alone: the page's words, its ruled tables as grids of cell
boxes (a cell's text is the words inside its box), its fills and its characters' colours.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Action, Priority, Report
from ..models.layout import Box, Grid, Page, Word
from .colours import DEFAULT_PALETTE, distance, hex_of
from ..models.status import COLOUR, HEADING, direction_text, split_direction
from .action_log import completed_heading, is_log_title, log_date, log_name, status_column, untitled_log_name
from .columns import clean, header_like_roles, header_roles, is_header
from .dates import find_date, month_of, parse_date
from .legend import Legend, band_colour, legend_from_lines, legend_from_rows
from .scores import ROMAN, heading_score, overall_in_text, priority_number, read_scores, read_scores_from_lines
from .textgrid import TextTable, continued_table, text_tables
from .textlines import group_lines, line_text, split_at_edges, text_lines

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


def cell_texts(table: Grid, words: list[Word]) -> list[list[str | None]]:
    """Each cell's lines of text (what pdfplumber's `table.extract()` gives), from the page's words:
    each word is dropped into the cell that holds its middle. A word that a border of its row's cells
    runs through is cut there first (see `textlines.split_at_edges`).
    """
    rows = table.rows
    grid = [list(r.cells) for r in rows]
    if grid:
        grid[-1] = completed_last_row(grid)
    cells: list[list[list[Word] | None]] = [[[] if c is not None else None for c in r] for r in grid]
    extents = [_extent(r) if any(c is not None for c in r) else None for r in grid]
    borders = [[c[2] for c in r if c is not None][:-1] for r in grid]
    for word in words:
        y = (word.top + word.bottom) / 2
        for i, extent in enumerate(extents):
            if extent is None:
                continue
            x0, top, x1, bottom = extent
            if not (top <= y <= bottom and word.x1 > x0 and word.x0 < x1):
                continue
            placed = False
            for w in split_at_edges([word], borders[i]):
                x = (w.x0 + w.x1) / 2
                # a cell merged down over later rows stretches this row's bbox over theirs: a word
                # in none of this row's cells belongs to a later row
                j = next((j for j, c in enumerate(grid[i])
                          if c is not None and c[0] <= x <= c[2] and c[1] <= y <= c[3]), None)
                if j is not None:
                    cells[i][j].append(w)
                    placed = True
            if placed:
                break
    return [[None if ws is None else "\n".join(map(line_text, group_lines(ws))) for ws in r] for r in cells]


def _extent(cells: list[Box | None]) -> Box:
    boxes = [c for c in cells if c is not None]
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def completed_last_row(grid: list[list[Box | None]]) -> list[Box | None]:
    """The cells of a table's last row, with those the page break left undrawn put back.

    A browser prints the part of a row that a page break cuts without its bottom border, so only the
    cells with a fill of their own (the status) come out as cells; the others are taken from the
    table's fullest row, where no cell of this row already covers them (a merged heading does).
    """
    last = grid[-1]
    template = max(grid, key=lambda r: sum(c is not None for c in r))
    if len(template) != len(last) or all(c is not None for c in last):
        return last
    _, top, _, bottom = _extent(last)
    out = list(last)
    for j, (mine, model) in enumerate(zip(last, template)):
        covered = any(c is not None and c[0] <= model[0] + 1 and c[2] >= model[2] - 1 for c in last) if model else True
        if mine is None and not covered:
            out[j] = (model[0], top, model[2], bottom)
    return out


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


def _holds(box: Box, line: dict) -> bool:
    x0, top, x1, bottom = box
    return top - 1 <= (line["top"] + line["bottom"]) / 2 <= bottom + 1 and x0 - 1 <= line["x0"] <= x1


def opening(lines: list[dict], tables: list[Grid]) -> list[dict]:
    """A page's lines above its first table (ruled, or an action header printed as text columns)."""
    top = min((t.bbox[1] for t in tables), default=None)
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


def is_action_table(data: list[list[str | None]], layout: Layout | None) -> bool:
    """A table of actions: it carries an action header, or goes on with the last one's columns
    (a page's continuation without its header)."""
    if any(header_roles(row) for row in data):
        return True
    return layout is not None and bool(data) and len(data[0]) == layout.ncols and layout.ncols >= 4


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


def hollow(table: Grid, data: list[list[str | None]]) -> bool:
    """A table whose rows below its header are mostly empty or mostly missing their cells, or that
    has no rows below its header: the grid that the rules of shaded status cells make (a status letter
    in them at most), or the shaded header row alone of a table printed as text columns without rules."""
    start = next((i + 1 for i, row in enumerate(data) if header_roles(row)), None)
    if start is None:  # a headless table may be the tail of a row split by the page break
        return False
    body = list(zip(data, (r.cells for r in table.rows)))[start:]  # drawn cells, not those put back
    filled = sum(1 for texts, drawn in body if any(clean(c) for c in texts)
                 and sum(c is not None for c in drawn) * 2 >= len(drawn))
    return filled < len(body) / 2 or not body


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


@dataclass
class StatusSeen:
    """What a row shows of its status, kept so that a key printed after the tables still decides it."""

    text: str
    colour: tuple[float, float, float] | None
    whole_row: bool  # no status column: the colour is the whole row's fill


@dataclass
class Layout:
    """The column layout of the action table in force: index → role, and the unknown columns."""

    roles: dict[int, str]
    extra: dict[int, str]
    ncols: int
    direction: set[int] = field(default_factory=set)  # direction-of-travel columns (kept in extra)


@dataclass
class ReportReader:
    first_page: int
    legend: Legend = field(default_factory=Legend)
    report: Report | None = None
    priority: int | None = None
    layout: Layout | None = None
    last_page: int = 0
    action_tables: int = 0
    statuses_seen: list[StatusSeen | None] = field(default_factory=list)  # one per action
    under_heading: list[str | None] = field(default_factory=list)  # one per action: the status a
    #                                  "Completed actions" heading over its table gives, None when none
    heading_status: str | None = None  # that of the last such heading read (the tables after it are its)
    priorities_in_headings: list[Priority] = field(default_factory=list)
    open_text_table: TextTable | None = None  # a text table that ran to the last page's foot
    opening_lines: list[str] = field(default_factory=list)  # the first page's lines above its tables
    opening_date: str | None = None  # the first date above the first page's tables: a log's period
    #                                  when it prints no "as at" (the title's, else the meeting's date)
    as_at_in_tables: tuple[str, bool] | None = None  # an "as at" that only a table's line gave

    def __post_init__(self) -> None:
        self.report = Report(plan=None, period=None, as_at=None, first_page=self.first_page,
                             last_page=self.first_page)

    # ---- the page --------------------------------------------------------------------------
    def feed(self, page: Page, number: int) -> None:
        """Read one page; `number` is its 1-based page in the file."""
        self.last_page = number
        # The page's words serve its lines, table cells and text tables.
        words = page.words
        lines = text_lines(words)
        tables = sorted(page.tables, key=lambda t: t.bbox[1])
        if self.report.plan is None or self.report.as_at is None:
            self._read_title(lines, tables, number == self.first_page)
        extracted = [cell_texts(t, words) for t in tables]
        if not self.legend.found:
            self._read_legend(page, tables, extracted, lines)
        if not self.report.priorities:
            for data in extracted:
                if self._read_scores(data):
                    break
        if not self.report.priorities and not self.report.actions:
            self._take_scores(read_scores_from_lines(lines))  # a scores table printed without rules
        if self.report.overall_current_score is None and not self.report.actions:
            told = overall_in_text("\n".join(ln["text"] for ln in lines))
            if told:
                self.report.overall_previous_score, self.report.overall_current_score = told
        headings = [(ln["top"], m) for ln in lines if (m := PRIORITY_HEADING.match(ln["text"]))]
        if not self.report.priorities:
            self._heading_scores(lines)
        # Rules found only around shaded cells make hollow "tables": their rows hold no text.
        candidates = [(t, d) for t, d in zip(tables, extracted) if not hollow(t, d)]
        if not any(header_roles(row) for _, data in candidates for row in data):
            # no ruled table carries an action header: the table may be printed as text columns
            texts = text_tables(page, words)
            # a text table left open at the last page's foot may go on here without its header
            carried = continued_table(page, words, self.open_text_table) if self.open_text_table else None
            candidates += [(t, t.extract()) for t in ([carried] if carried else []) + texts]
            candidates.sort(key=lambda td: td[0].bbox[1])
        first_on_page = True
        last_read: Grid | None = None
        done_headings = [(ln["top"], status) for ln in lines if (status := completed_heading(ln["text"]))]
        for table, data in candidates:
            for top, status in done_headings:
                if top < table.bbox[1]:
                    self.heading_status = status
            done_headings = [(t, st) for t, st in done_headings if t >= table.bbox[1]]
            for top, m in headings:
                if top < table.bbox[1]:
                    self._set_priority(m)
            headings = [(t, m) for t, m in headings if t >= table.bbox[1]]
            if self._read_actions(page, number, table, data, first_on_page):
                first_on_page = False
                last_read = table
        self.open_text_table = last_read if isinstance(last_read, TextTable) and last_read.open_end else None
        for _, m in headings:
            self._set_priority(m)

    def _set_priority(self, m: re.Match) -> None:
        self.priority = priority_number(m.group(1)) or self.priority

    def _heading_scores(self, lines: list[dict]) -> None:
        """Scores printed in the priority headings ("Priority 1: … – score 2.3 (previous 1.9)", the
        heading perhaps wrapped onto a second line): the report's priorities when it has no table."""
        for k, line in enumerate(lines):
            m = PRIORITY_HEADING.match(line["text"])
            number = priority_number(m.group(1)) if m else None
            if number is None or any(p.number == number for p in self.priorities_in_headings):
                continue
            for text in (m.group(2), " ".join([m.group(2), *(ln["text"] for ln in lines[k + 1:k + 2])])):
                found = heading_score(text)
                if found:
                    self.priorities_in_headings.append(Priority(number, *found))
                    break

    # ---- title, period -----------------------------------------------------------------------
    def _read_title(self, lines: list[dict], tables: list[Grid], first: bool) -> None:
        sized = [(ln["size"], ln["text"]) for ln in lines]
        # a table's row never names the plan ("Refresh the business plan" in a log's action column)
        outside = [(ln["size"], ln["text"]) for ln in lines if not any(_holds(t.bbox, ln) for t in tables)]
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

    # ---- key ----------------------------------------------------------------------------------
    def _read_legend(self, page: Page, tables: list[Grid], extracted, lines) -> None:
        for table, data in zip(tables, extracted):
            if is_action_table(data, self.layout):
                continue  # its rows' words ("not started", "on track") and fills are statuses, not a key
            rows = [(cells, row.bbox) for cells, row in zip(data, table.rows)]
            legend = legend_from_rows(page, rows)
            if legend.found:
                self.legend = legend
                return
        legend = legend_from_lines(page, lines)
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
    def _read_actions(self, page: Page, number: int, table: Grid, data, first_on_page: bool) -> bool:
        start = 0
        for i, cells in enumerate(data):
            roles = header_roles(cells)
            if roles:
                # a direction-of-travel column is recognised only to keep it out of the status: it
                # goes to extra under its own header
                direction = {j for j, r in roles.items() if r == "direction"}
                roles = {j: r for j, r in roles.items() if r != "direction"}
                roles = self._status_column(page, table, data[i + 1:], roles, i + 1)
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
            cells, bbox = data[i], table.rows[i].cells
            texts = [clean(c) for c in cells]
            filled = [t for t in texts if t]
            if len(filled) == 1 and (m := PRIORITY_HEADING.match(filled[0])):
                self._set_priority(m)
                continue
            if header_roles(cells):
                continue
            self._add_row(page, number, texts, bbox, first_on_page and i == start)
        return True

    def _status_column(self, page: Page, table: Grid, body, roles: dict[int, str], first: int) -> dict[int, str]:
        """The roles with a status column found by its cells when the header names none (a log's
        status words or fills under "Progress" or a header nobody knows)."""
        texts = [[clean(c) for c in row] for row in body]
        coloured = [[box is not None and self.legend.status_of_colour(band_colour(page, box[1], box[3], box[0], box[2]))
                     is not None for box in table.rows[first + k].cells] for k in range(len(body))
                    if first + k < len(table.rows)] if "rag" not in roles.values() else None
        j = status_column(roles, texts, coloured)
        return roles if j is None else {**{k: r for k, r in roles.items() if k != j}, j: "rag"}

    def _seen(self, page: Page, text: str, bbox: Box | None, whole_row: bool = False) -> StatusSeen:
        """What a row shows of its status: its words, and (unless they already say it) its colour."""
        if self.legend.status_of_text(text) or bbox is None:
            return StatusSeen(text, None, whole_row)
        x0, top, x1, bottom = bbox
        return StatusSeen(text, band_colour(page, top, bottom, x0, x1), whole_row)

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

    def _add_row(self, page: Page, number: int, texts, bboxes, first_row_of_page: bool) -> None:
        layout = self.layout
        values = {role: texts[j] for j, role in layout.roles.items() if j < len(texts)}
        # a direction of travel printed in the status cell ("Amber ↑", "Green é") is not the status
        values["rag"], arrows = split_direction(values.get("rag"))
        rag_col = next((j for j, r in layout.roles.items() if r == "rag"), None)
        seen = None
        if rag_col is not None and rag_col < len(bboxes):
            seen = self._seen(page, values.get("rag", ""), bboxes[rag_col])
        elif rag_col is None and any(b is not None for b in bboxes):
            # no status column: the row's own fill may be its status, by the key
            seen = self._seen(page, "", _extent(bboxes), whole_row=True)
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
        last = self.report.actions[-1] if self.report.actions else None
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
        if seen is None or seen.colour is None or self.legend.status_of_text(seen.text) \
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
        warn_unread(r, "on the first page")
        return r
