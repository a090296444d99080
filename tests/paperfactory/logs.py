"""Action logs: a board's "Status update on actions from the last meeting" / "Action log", as PDF.

What real action logs print and the reports of `reports.py` do not: no key, no priorities, no scores;
columns named and ordered as each secretariat likes ("No." / "Ref", "Action", "Owner" / "Lead",
"Due" / "Deadline", "Status", "Update" / "Comments"); the status a word in a filled cell, a word in a
plain cell or a filled cell alone, shaded in whatever the template offers (two ambers in one paper,
pale tints, purple), and worded as people write it ("On-going", "Compelte", "Not yet started"); the
completed actions in a second table under a "Completed actions" heading printed outside it; and the
title with a date, without one, or missing.

`LogSpec` says what a log holds and how it is laid out; `make_action_log` draws it (reportlab, by the
layout engine) and `tests/wordpapers.make_word_action_log` writes it as .docx; both answer with the same
`ExpectedLog`: the plan, the period and each action's (text, rag, rag_source, status_text) as the
contract asks (../shared/CONTRACT.md, "Action logs and statuses without a key").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .colours import BLACK_RGB
from .fonts import font_pair
from .layout import Cell, Sheet, TableStyle, draw_table, render

# Status fills by the colour a person names them by; more than one shade of each, as templates differ.
FILLS: dict[str, tuple[str, ...]] = {
    "blue": ("#0070C0", "#4F81BD", "#00B0F0", "#9DC3E6"),
    "green": ("#00B050", "#92D050", "#A9D08E"),
    "amber": ("#FFC000", "#F79646", "#FFFF00", "#FABF8F"),
    "red": ("#FF0000", "#C0504D", "#FF7C80"),
    "grey": ("#A6A6A6", "#7030A0"),
}

# The contract's default words (folded) that the logs print; anything else is a word nobody knows.
KNOWN = {"complete": "blue", "completed": "blue", "on track": "green", "green": "green", "amber": "amber",
         "delayed": "amber", "red": "red", "not started": "red", "closed": "grey", "achieved": "blue",
         "complete remove": "grey"}
# What people write in a log's status cell, by the colour they shade it (unknown words included).
WORDS: dict[str, tuple[str, ...]] = {
    "blue": ("Complete", "Completed", "Compelte", "Done", "Achieved"),
    "green": ("On track", "On-going", "Green", "Progressing well"),
    "amber": ("In progress", "Underway", "Ongoing", "Delayed", "Amber"),
    "red": ("Not started", "Not yet started", "Red", "Outstanding"),
    "grey": ("Closed", "Superseded"),
}

COLUMNS = {
    "no-action-owner-due-status-update": ("No.", "Action", "Owner", "Due", "Status", "Update"),
    "ref-action-lead-deadline-update-status": ("Ref", "Action", "Lead", "Deadline", "Update", "Status"),
    "ref-action-status-owner-comments": ("Ref", "Action", "Status", "Owner", "Comments"),
    # a status update in words and a RAG column of fills; the action's own ref; when it was raised
    "actionref-raised-action-by-due-update-rag": ("Action ref", "Date raised", "Action", "Action by", "Due date",
                                                  "Status update", "RAG"),
    # the status word opens the update ("Complete – report circulated")
    "ref-action-owner-deadline-statusupdate": ("Ref", "Action", "Owner", "Deadline", "Status / update"),
    # three columns only
    "action-owner-status": ("Action", "Owner", "Status"),
    # the status under a "Progress" header: words and fills tell it is the status column
    "ref-action-lead-deadline-progress": ("Ref", "Action", "Lead", "Deadline", "Progress"),
    "no-meeting-action-lead-due-status-comments": ("No.", "Meeting", "Action", "Lead", "Due date", "Status",
                                                   "Comments"),
}
ROLE = {"No.": "ref", "Ref": "ref", "Action": "text", "Owner": "lead", "Lead": "lead", "Due": "due",
        "Deadline": "due", "Due date": "due", "Status": "status", "Update": "update", "Comments": "update",
        "Meeting": "meeting", "Progress": "status", "Action ref": "ref", "Date raised": "meeting",
        "Action by": "lead", "Status update": "update", "RAG": "status", "Status / update": "status"}


def fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


@dataclass
class LogAction:
    ref: str
    text: str
    owner: str
    due: str
    update: str
    word: str | None        # the status as printed; None: a colour-only cell
    fill: str | None        # the status cell's fill, "#RRGGBB"; None: a plain cell
    colour: str | None      # the colour a person names the fill by (a FILLS key)
    meeting: str = "12 January 2024"
    note: str | None = None  # the update printed in the status cell after its word ("Complete – …")

    @property
    def printed(self) -> str | None:
        """The status cell as printed."""
        return f"{self.word} – {self.note}" if self.word and self.note else self.word

    def value(self, role: str) -> str:
        return {"ref": self.ref, "text": self.text, "lead": self.owner, "due": self.due,
                "status": self.printed or "", "update": self.update, "meeting": self.meeting}[role]


@dataclass
class ExpectedAction:
    text: str
    rag: str | None
    rag_source: str | None
    status_text: str | None
    section: str            # open | completed


@dataclass
class ExpectedLog:
    kind: str
    plan: str | None
    as_at: str | None
    period: str | None
    actions: list[ExpectedAction]
    pages: int | None = None


# A date printed after the status word ("Completed 3/4/24", "Closed 12 March 2024"): the word decides.
_DATE_AFTER = re.compile(r"\s+(?:on\s+)?(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}\s+[A-Za-z]+\s+\d{4})$")


def truth_of(a: LogAction) -> tuple[str | None, str | None]:
    """(rag, rag_source) as the contract decides them: a known word (a date after it aside), else a
    clearly coloured cell, whatever hue the cell is when the word is known."""
    word = fold(_DATE_AFTER.sub("", a.word)) if a.word else None
    if word in KNOWN:
        return KNOWN[word], "default"
    if a.colour:
        return a.colour, "colour"
    return None, None


@dataclass
class LogSpec:
    board: str = "National Care Standards Board"
    title: str | None = "Status update on actions from last meeting 14 March 2024"
    plan: str | None = "Status update on actions from last meeting"   # the plan a reader names
    as_at: str | None = "2024-03-14"
    date_line: str | None = None          # "Meeting date: 11 April 2024", printed under the title
    columns: tuple[str, ...] = COLUMNS["no-action-owner-due-status-update"]
    open_actions: list[LogAction] = field(default_factory=list)
    completed_actions: list[LogAction] = field(default_factory=list)
    completed_heading: str = "Completed actions"
    completed_columns: tuple[str, ...] | None = None   # None: the open table's
    landscape: bool = False
    repeat_header: bool = True            # False: the table runs on to the next page without its header
    completed_header: bool = True         # False: the completed table has no header row of its own
    text_colour_on_dark: bool = True      # white words on a dark fill, as templates print them

    def expected(self, kind_pages: int | None = None) -> ExpectedLog:
        acts = [ExpectedAction(a.text, *truth_of(a), a.printed, "open") for a in self.open_actions]
        if any(ROLE[c] == "status" for c in self.completed_columns or self.columns):
            acts += [ExpectedAction(a.text, *truth_of(a), a.printed, "completed") for a in self.completed_actions]
        else:  # the completed table prints no status: its heading says the actions are complete
            done = "grey" if re.match(r"\W*closed\b", self.completed_heading, re.I) else "blue"
            acts += [ExpectedAction(a.text, done, "heading", None, "completed") for a in self.completed_actions]
        return ExpectedLog("plan_report", self.plan, self.as_at, self.as_at[:7] if self.as_at else None, acts,
                           kind_pages)


# ---- ready-made logs --------------------------------------------------------------------------
OWNERS = ("Board Secretary", "Director of Quality", "Chief Executive", "Head of Finance", "Chair")
TASKS = (
    "Circulate the revised terms of reference for the Audit and Risk Committee to members for comment",
    "Bring a paper on the workforce strategy refresh to the next meeting, including the recruitment figures",
    "Arrange a development session for board members on the new inspection framework",
    "Publish the annual report and accounts on the website once they have been laid before Parliament",
    "Review the risk register's scoring of the data protection risk with the Senior Information Risk Owner",
    "Write to the Department about the funding settlement for the next financial year",
    "Set up a task and finish group on the digital records programme and report its membership",
    "Share the stakeholder survey results with members and propose the engagement approach",
    "Confirm the dates of board meetings for the coming year and send calendar invitations",
    "Update the scheme of delegation to reflect the new directorate structure",
    "Provide a breakdown of complaints by region and theme for the quality committee",
    "Agree the business plan for 2024-25 with the sponsor team and report back to the board",
)
# Updates speak of progress in the words of a key ("not started", "on track", "complete"): a row of a
# log is never a key's row, whatever its words.
UPDATES = (
    "Draft circulated on 2 February; comments due by the end of the month.",
    "Paper in preparation; recruitment figures to follow from the HR team. On track for the May meeting.",
    "Session booked for May with the inspectorate's policy lead.",
    "Not started: awaiting the laying date from the sponsor department.",
    "Discussed at the risk group; scoring to be revisited next quarter, some delay expected.",
    "Letter drafted and with the Chair for signature; first part complete.",
)


def sample_actions(n: int, *, start: int = 1, colours: tuple[str, ...] = ("amber", "green", "red", "amber", "blue"),
                   styles: tuple[str, ...] = ("word+fill",), long_updates: bool = False,
                   seed: int = 0) -> list[LogAction]:
    """`n` actions cycling through colours, their words and shades, and the status styles given:
    "word+fill" (a word in a filled cell), "word" (a word in a plain cell), "fill" (colour only)."""
    out = []
    for k in range(n):
        i = k + seed
        colour = colours[k % len(colours)]
        style = styles[k % len(styles)]
        words, fills = WORDS[colour], FILLS[colour]
        word = words[(i // len(colours)) % len(words)] if style != "fill" else None
        fill = fills[(i // len(colours)) % len(fills)] if style != "word" else None
        update = UPDATES[i % len(UPDATES)]
        if long_updates:
            update = " ".join([update] * 4)
        t = start - 1 + k  # the wording by the action's number: no two actions of a log alike
        text = TASKS[t % len(TASKS)] + ("" if t < len(TASKS) else f" (second stage {t // len(TASKS) + 1})")
        out.append(LogAction(f"{start + k}", text, OWNERS[i % len(OWNERS)], ("30 April 2024", "May 2024", "Next meeting", "31/03/2024")[i % 4],
                             update, word, fill, colour if fill else None))
    return out


def completed(n: int, *, start: int, seed: int = 3) -> list[LogAction]:
    """Completed actions: "Complete"/"Completed"/"Compelte"/"Done" in blue cells."""
    return sample_actions(n, start=start, colours=("blue",), seed=seed)


# ---- drawing --------------------------------------------------------------------------------
def rgb(hexcode: str) -> tuple[float, float, float]:
    return tuple(int(hexcode[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def dark(hexcode: str) -> bool:
    r, g, b = rgb(hexcode)
    return 0.299 * r + 0.587 * g + 0.114 * b < 0.5


WIDTH_SHARE = {"ref": 0.8, "text": 3.4, "lead": 1.3, "due": 1.1, "status": 1.1, "update": 3.0, "meeting": 1.1}


def _table(sheet: Sheet, spec: LogSpec, columns: tuple[str, ...], actions: list[LogAction],
           style: TableStyle, header: bool = True) -> None:
    roles = [ROLE[c] for c in columns]
    total = sum(WIDTH_SHARE[r] for r in roles)
    widths = [(sheet.right - sheet.left) * WIDTH_SHARE[r] / total for r in roles]
    rows = []
    for a in actions:
        cells = []
        for r in roles:
            if r == "status":
                white = spec.text_colour_on_dark and a.fill and dark(a.fill)
                cells.append(Cell(a.value(r), fill=rgb(a.fill) if a.fill else None,
                                  colour=(1.0, 1.0, 1.0) if white else None, keep=True))
            else:
                cells.append(Cell(a.value(r)))
        rows.append(cells)
    draw_table(sheet, widths, rows, style, header=list(columns) if header else None)


def make_action_log(path: Path, spec: LogSpec) -> ExpectedLog:
    """Draw the log as a PDF; its truth in the contract's terms."""
    from reportlab.lib.pagesizes import A4, landscape

    regular, bold = font_pair("helvetica")
    sheet = Sheet(landscape(A4) if spec.landscape else A4)
    sheet.para(spec.board, bold, 12, BLACK_RGB)
    if spec.title:
        sheet.para(spec.title, bold, 14, BLACK_RGB)
    if spec.date_line:
        sheet.para(spec.date_line, regular, 10, BLACK_RGB, after=8)
    style = TableStyle(regular, bold, size=8.5, leading=10.2, pad=3, header_fill=(0.85, 0.85, 0.85),
                       repeat_header=spec.repeat_header)
    _table(sheet, spec, spec.columns, spec.open_actions, style)
    if spec.completed_actions:
        sheet.y -= 14
        sheet.para(spec.completed_heading, bold, 11, BLACK_RGB)
        _table(sheet, spec, spec.completed_columns or spec.columns, spec.completed_actions, style,
               header=spec.completed_header)
    pages = render(sheet, path, spec.title or spec.board)
    return spec.expected(pages)


def worded(words_fills: list[tuple[str | None, str | None, str | None]], *, start: int = 1,
           seed: int = 0) -> list[LogAction]:
    """Actions with the statuses given as (word, fill, the colour a person names the fill by)."""
    out = sample_actions(len(words_fills), start=start, seed=seed)
    return [replace(a, word=w, fill=f, colour=c) for a, (w, f, c) in zip(out, words_fills)]


# What real logs print in a status cell beyond a word alone: a note, a date, a word the template's
# colours contradict (the word decides), words nobody's vocabulary holds (the fill decides).
REAL_WORLD = [
    ("Complete - remove", "#A6A6A6", "grey"), ("Ongoing", "#FFC000", "amber"), ("Closed", None, None),
    ("In progress - on track", "#92D050", "green"), ("Completed 3/4/24", None, None),
    ("Not started", "#00B050", "green"),   # a known word in a cell of another hue: the word decides
    ("Complete", "#FFC000", "amber"), ("Ongoing", None, None), ("Closed 12 March 2024", "#0070C0", "blue"),
    (None, "#FF0000", "red"),
]


def log_variants() -> dict[str, LogSpec]:
    """Layouts of the family, each a spec: the tests read every one, as PDF and as Word."""
    return {
        "status update, word in filled cell, completed table": LogSpec(
            open_actions=sample_actions(9, styles=("word+fill",)),
            completed_actions=completed(4, start=10)),
        "action log as of, two ambers, status before owner": LogSpec(
            title="Action log as of 9 May 2024", plan="Action log", as_at="2024-05-09",
            columns=COLUMNS["ref-action-status-owner-comments"],
            open_actions=sample_actions(8, colours=("amber", "green", "amber", "red"), styles=("word+fill",), seed=2),
            completed_actions=completed(3, start=9)),
        "no date in the title, meeting date line, colour-only and plain words": LogSpec(
            title="Board action log", plan="Board action log", as_at="2024-06-11",
            date_line="Meeting date: 11 June 2024", columns=COLUMNS["ref-action-lead-deadline-update-status"],
            open_actions=sample_actions(10, styles=("fill", "word", "word+fill"), seed=5),
            completed_actions=completed(2, start=11)),
        "no title, meeting column, table over pages": LogSpec(
            title=None, plan="National Care Standards Board action log", as_at="2024-07-18", date_line="Date of meeting: 18 July 2024",
            columns=COLUMNS["no-meeting-action-lead-due-status-comments"], landscape=True,
            open_actions=sample_actions(16, colours=("amber", "green", "red", "blue", "grey"),
                                        styles=("word+fill", "fill"), long_updates=True, seed=1),
            completed_actions=completed(5, start=17), completed_heading="Actions completed since the last meeting"),
        "header not repeated, completed table without a header, orange and pale shades": LogSpec(
            title="ACTION LOG – Meeting of 5 September 2024", plan="ACTION LOG", as_at="2024-09-05",
            columns=COLUMNS["ref-action-lead-deadline-update-status"], repeat_header=False, completed_header=False,
            open_actions=sample_actions(14, colours=("amber", "green", "amber", "red", "green"),
                                        styles=("word+fill", "word+fill", "fill"), long_updates=True, seed=7),
            completed_actions=completed(6, start=15, seed=1)),
        "the status under a Progress header, no completed table": LogSpec(
            title="Update on actions from the previous meeting (21 November 2024)",
            plan="Update on actions from the previous meeting", as_at="2024-11-21",
            columns=COLUMNS["ref-action-lead-deadline-progress"],
            open_actions=sample_actions(7, styles=("word+fill", "fill", "word"), seed=4)),
        "a status update column and a RAG column of fills, a date raised before the due date": LogSpec(
            title="Status update on actions from the last meeting", plan="Status update on actions from the last meeting",
            as_at="2024-12-10", date_line="Board meeting, 10 December 2024", landscape=True,
            columns=COLUMNS["actionref-raised-action-by-due-update-rag"],
            open_actions=sample_actions(9, styles=("fill", "word+fill"), seed=6),
            completed_actions=completed(3, start=10)),
        "the status word opens the update in one column": LogSpec(
            title="Action log as of 15 January 2025", plan="Action log", as_at="2025-01-15",
            columns=COLUMNS["ref-action-owner-deadline-statusupdate"],
            open_actions=[replace(a, note=a.update) if a.word else a
                          for a in sample_actions(8, styles=("word+fill", "word", "word+fill"), seed=2)],
            completed_actions=[replace(a, note="paper presented to the board") for a in completed(3, start=9)]),
        "a completed table that prints no status, under its heading": LogSpec(
            title="Action log as of 12 February 2025", plan="Action log", as_at="2025-02-12",
            columns=COLUMNS["ref-action-owner-deadline-statusupdate"],
            open_actions=sample_actions(5, colours=("amber", "green", "red"), styles=("word+fill",), seed=4),
            completed_actions=completed(4, start=6, seed=2), completed_columns=("Ref", "Action", "Owner", "Comments")),
        "real-world status cells under a RAG header, landscape": LogSpec(
            title="Action log as of 2 April 2025", plan="Action log", as_at="2025-04-02", landscape=True,
            columns=("Ref", "Action", "Owner", "Deadline", "Update", "RAG"),
            open_actions=worded(REAL_WORLD), completed_actions=completed(2, start=11)),
        "real-world status cells opening a Progress column, no completed table": LogSpec(
            title="Action log as of 7 May 2025", plan="Action log", as_at="2025-05-07",
            columns=COLUMNS["ref-action-lead-deadline-progress"],
            open_actions=worded(REAL_WORLD[:7], seed=3)),
        "three columns, action owner status": LogSpec(
            title="Outstanding actions – 3 March 2025", plan="Outstanding actions", as_at="2025-03-03",
            columns=COLUMNS["action-owner-status"],
            open_actions=sample_actions(6, colours=("green", "amber", "red"), styles=("word+fill",), seed=3),
            completed_actions=completed(2, start=7)),
    }
