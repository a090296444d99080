"""The database's schema in one place: every table plantrack creates, its columns with their SQL types,
constraints and meanings (../shared/CONTRACT.md in the contract's words), its indexes, and which part
of plantrack makes it.

Everything else is generated from it: the DDL (`ddl`, `ensure_tables`: CREATE TABLE / CREATE INDEX IF
NOT EXISTS, and the columns a database made by an older plantrack lacks, added), the data dictionary
and Datasette metadata (`outputs/dictionary.py`, `outputs/analyst.py`), the export's tables and their
order (`export=True`), the digest's counted tables (`counted=True`) and reconcile's column lists.
`contract=False` marks what the contract does not fix: analysts may use it, but it may change.
Views are described here too (`VIEWS`); their SQL is the analyst layer's.

No pandas and nothing else heavy is imported here: the ingest path uses it.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace

from plantrack.models.status import ORDER, SCORES

SCHEMA_VERSION = "1"

# Who makes a table: store.connect ("store"; it makes the "corrections" tables too), the run ledger ("runs"),
# clerk corrections ("corrections"), plantrack fetch ("fetch"), reconcile ("reconcile"), analyst.prepare ("analyst").
MAKERS = ("store", "runs", "corrections", "fetch", "reconcile", "analyst")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str = ""
    contract: bool = True
    constraints: str = ""  # as in SQL after the type: PRIMARY KEY, UNIQUE NOT NULL, REFERENCES t(id)

    @property
    def ddl(self) -> str:
        return f"{self.name} {self.type} {self.constraints}".rstrip()

    @property
    def addable(self) -> bool:
        """Whether ALTER TABLE … ADD COLUMN can add it to an existing table (SQLite cannot add a
        PRIMARY KEY or UNIQUE column, nor a NOT NULL one without a default)."""
        c = self.constraints.upper()
        return not ("PRIMARY KEY" in c or "UNIQUE" in c or ("NOT NULL" in c and "DEFAULT" not in c))


@dataclass(frozen=True)
class Index:
    name: str
    columns: str  # as in SQL: "document_id" or "a, b"
    unique: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    contract: bool = True
    view: bool = False
    made_by: str = "store"
    indexes: tuple[Index, ...] = ()
    constraints: tuple[str, ...] = ()  # table constraints, e.g. a PRIMARY KEY of several columns
    export: bool = False  # written by `plantrack export`, in the order of TABLES
    counted: bool = False  # counted in the digest's header
    triggers: tuple[str, ...] = ()  # CREATE TRIGGER IF NOT EXISTS …, made with the table (not in `ddl`)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return [c.name for c in self.columns]

    def ddl(self) -> list[str]:
        """CREATE TABLE IF NOT EXISTS, then CREATE INDEX IF NOT EXISTS for each index."""
        if self.view:
            raise ValueError(f"{self.name} is a view: its SQL is made by analyst.prepare()")
        body = ",\n    ".join([c.ddl for c in self.columns] + list(self.constraints))
        return [f"CREATE TABLE IF NOT EXISTS {self.name} (\n    {body}\n)",
                *(f"CREATE {'UNIQUE ' if i.unique else ''}INDEX IF NOT EXISTS {i.name} ON {self.name}({i.columns})"
                  for i in self.indexes)]


# A re-read document's rows are deleted and inserted again, and SQLite may give a new row the old id:
# a correction's marker (corrected_values) goes with its row, so it always describes the row it points at.
CORRECTED_VALUES_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS corrected_values_action_deleted AFTER DELETE ON actions BEGIN
  DELETE FROM corrected_values WHERE row_table = 'actions' AND row_id = OLD.id;
END""",
    """CREATE TRIGGER IF NOT EXISTS corrected_values_reason_deleted AFTER DELETE ON amber_reasons BEGIN
  DELETE FROM corrected_values WHERE row_table = 'amber_reasons' AND row_id = OLD.id;
END""",
    """CREATE TRIGGER IF NOT EXISTS corrected_values_meeting_deleted AFTER DELETE ON meetings BEGIN
  DELETE FROM corrected_values WHERE row_table = 'meetings' AND row_id = OLD.id;
END""",
)


def _column(name: str, declared: str, meaning: str, contract: bool) -> Column:
    type_, _, constraints = declared.partition(" ")
    return Column(name, type_, meaning, contract, constraints)


def _c(name: str, declared: str, meaning: str = "") -> Column:
    """A contract column; `declared` is its type and constraints as in SQL ("INTEGER PRIMARY KEY")."""
    return _column(name, declared, meaning, True)


def _extra(name: str, declared: str, meaning: str) -> Column:
    """A column the contract does not fix."""
    return _column(name, declared, meaning, False)


# The status scale, as the plans' keys word it; `score` is the default scale for checking scores.
_MEANING = {
    "red": "not yet started, or significant delay",
    "amber": "started, some delay",
    "green": "on track to complete by the agreed date",
    "blue": "completed, improvement sustained; stays in the plan for monitoring",
    "grey": "completed, improvement sustained; can be removed from the plan",
}
RAG = {status: (_MEANING[status], SCORES[status]) for status in ORDER}

CHANGES = {
    "new": "the action has no counterpart in the previous report",
    "dropped": "an action of the previous report has no counterpart in this one",
    "improved": "the status is better than in the previous report (order: red < amber < green < blue < grey)",
    "worsened": "the status is worse than in the previous report",
    "unchanged": "the same status; a NULL status on either side counts as unchanged",
}

FINDING_KINDS = {
    "amber_without_reason": "an action rated amber in the report a meeting discussed has no justification in "
                            "that meeting's minutes",
    "reason_without_action": "a justification matches no action of that report",
    "reason_for_non_amber": "a justification matches an action that the report does not rate amber",
    "score_mismatch": "a priority's printed current score differs by more than 0.05 from the mean score of "
                      "its rated actions",
    "restated_score_mismatch": "a priority's printed previous score differs by more than 0.05 from the current "
                               "score printed for it in the previous report of the series",
    "overall_score_mismatch": "the printed overall current score differs by more than 0.05 from the mean of the "
                              "printed priority current scores",
    "worsened": "an action's status is worse than in the previous report",
    "dropped_incomplete": "an action disappears from the series while its last status was not blue or grey",
    "overdue": "an action's due date is before the first day of the report's period and its status is not "
               "blue or grey",
}

_RAG_TEXT = " · ".join(f"{k} = {v[0]}" for k, v in RAG.items())
_SERIES = ("Reports of the same plan (names equal after folding case, accents, punctuation, `/` and dashes, "
           "white space, and a year range printed in full: 2019-2020 = 2019/20) form one series, ordered by period; papers of different authorities never share a series "
           "(documents with NULL authority form one group, as if one council).")
_AUTHORITY = ("the council of the reports compared (documents.authority of the later report's document); NULL "
              "when not known. Beyond the contract: series, and so this table, are per council")
_USED = (" Built from the papers used only: a report or minutes superseded by another copy of the same paper "
         "(superseded_by) counts once, in the copy used.")

# Every table plantrack creates, in the order an analyst reads them: the contract's first.
TABLES: tuple[Table, ...] = (
    Table("documents", "One row per distinct file content ingested.", (
        _c("id", "INTEGER PRIMARY KEY"),
        _c("sha256", "TEXT UNIQUE NOT NULL", "hex SHA-256 of the file's bytes; ingesting the same bytes again changes nothing"),
        _c("filename", "TEXT", "the file's base name when last ingested"),
        _c("kind", "TEXT", "plan_report (the file is one report), minutes (the file is one set of minutes), "
                           "pack (the file holds several papers, at least one of them a report or minutes), "
                           "other (a readable PDF with neither), NULL when it could not be read"),
        _c("status", "TEXT", "ok or failed"),
        _c("error", "TEXT", "NULL when ok; else one line a clerk can act on (\"not a PDF\", \"encrypted: needs "
                            "a password\", \"no text layer: scanned pages need OCR (pip install 'plantrack[ocr]')\", \"truncated or corrupt PDF\")"),
        _c("pages", "INTEGER", "page count, NULL when unreadable"),
        _c("ingested_at", "TEXT", "ISO 8601 UTC timestamp"),
        _extra("path", "TEXT", "where the file was when last ingested or seen"),
        _extra("size", "INTEGER", "the file's size in bytes when last seen"),
        _extra("mtime", "REAL", "the file's modification time (seconds since 1970) when last seen; with size, "
                                "lets a run skip unchanged files without hashing them"),
        _extra("extractor_version", "TEXT", "the version of the extractor that read the file; a newer one "
                                            "reads it again"),
        _extra("warnings", "TEXT", "JSON list of what the extractor was unsure of in this file, NULL when none"),
        _c("authority", "TEXT", "the council the document was published by, when known: set by fetch (the site's "
                                "council) or by the user (--authority, or a configured folder); NULL otherwise. "
                                "Never guessed from the paper's text"),
        _c("format", "TEXT", "pdf, docx or html; NULL when the content is none of these"),
        _c("ocr", "INTEGER", "1 when the text of at least one page was read by OCR, else 0"),
        _extra("failure_kind", "TEXT", "why it failed, as a kind: timeout, memory, disk full, replaced, unreadable "
                                       "(passing causes: read again by every run until read), or not supported, "
                                       "encrypted, empty, no text, corrupt, layout, other (read again only when "
                                       "the file changes); NULL when ok"),
        _extra("attempts", "INTEGER", "how many times the file's bytes have been read (a failure from a passing "
                                      "cause is tried again on every run)"),
    # a run asks after each file by the path it was last seen at (is it unchanged, still failing, whose
    # council): without the index each of those asks reads the whole table, and a no-op night over n
    # files costs n² rows read
    ), indexes=(Index("documents_path", "path"),), export=True, counted=True),
    Table("reports", "One row per plan progress report found in a document. " + _SERIES, (
        _c("id", "INTEGER PRIMARY KEY"),
        _c("document_id", "INTEGER REFERENCES documents(id)", "the file it was found in (documents.id)"),
        _c("first_page", "INTEGER", "1-based first page of the report in that file"),
        _c("last_page", "INTEGER", "its last page"),
        _c("plan", "TEXT", "the plan's name as the report prints it, e.g. Service Development Plan 2019-20"),
        _c("period", "TEXT", "YYYY-MM: the month whose position the report describes (its \"as at\" / "
                             "\"progress update\" date)"),
        _c("as_at", "TEXT", "the position date the report prints (\"as at 30 November 2019\" → 2019-11-30); when "
                            "it prints only a month (\"Progress update – December 2019\"), the last day of that month"),
        _c("overall_previous_score", "REAL", "the overall score printed for the previous period, NULL if none"),
        _c("overall_current_score", "REAL", "the overall score printed for the current period, NULL if none"),
        _extra("legend", "TEXT", "JSON: how the report's status key (legend) was read, colour by colour; NULL "
                                 "when the report prints no key and built-in colours were used"),
        _c("superseded_by", "INTEGER REFERENCES reports(id)", "the report used instead of this one (reports.id) when the same plan and "
                                       "period arrive in several documents; NULL for the one used"),
    ), indexes=(Index("reports_document", "document_id"), Index("reports_period", "period")), export=True, counted=True),
    Table("priorities", "The priority scores table of a report.", (
        _c("id", "INTEGER PRIMARY KEY"),
        _c("report_id", "INTEGER REFERENCES reports(id)", "the report (reports.id)"),
        _c("number", "INTEGER", "1, 2, … as printed"),
        _c("title", "TEXT", "the priority's wording"),
        _c("previous_score", "REAL", "score printed for the previous period"),
        _c("current_score", "REAL", "score printed for the current period"),
    ), indexes=(Index("priorities_report", "report_id"),), export=True),
    Table("actions", "One row per action row of a report's action tables. A row that a page break splits "
                     "in two is one action.", (
        _c("id", "INTEGER PRIMARY KEY"),
        _c("report_id", "INTEGER REFERENCES reports(id)", "the report (reports.id)"),
        _c("priority_number", "INTEGER", "the priority the action sits under"),
        _c("ref", "TEXT", "the action's reference as printed (3.2); NULL if the report prints none"),
        _c("ofsted_ref", "TEXT", "Ofsted 1, Ofsted 2, … when the action is tagged as answering an Ofsted "
                                 "recommendation, else NULL"),
        _c("text", "TEXT", "the action's wording"),
        _c("lead", "TEXT", "who leads it"),
        _c("timescale", "TEXT", "the timescale as printed"),
        _c("due_date", "TEXT", "the timescale as a date, NULL when it is not one (\"Ongoing\")"),
        _c("success_measure", "TEXT", "how success will be measured / evidenced"),
        _c("progress", "TEXT", "the progress update / commentary"),
        _c("rag", "TEXT", f"the status: {_RAG_TEXT}; NULL when unrated"),
        _c("page", "INTEGER", "1-based page of the file on which the row starts"),
        _extra("extra", "TEXT", "JSON object of the action table's other columns (header → cell), NULL when none"),
        _c("status_text", "TEXT", "the status as printed (word, letter or symbol); NULL for a colour-only cell"),
        _extra("rag_source", "TEXT", "what decided rag: 'key' (the report's own key), 'statuses' (the words "
                                     "configured under [statuses] in plantrack.toml), 'default' (the built-in "
                                     "status words), 'colour' (the cell's colour), 'heading' (nothing in the row, but "
                                     "the table sits under a \"Completed actions\" heading); NULL when rag is NULL"),
    ), indexes=(Index("actions_report", "report_id"),), export=True, counted=True),
    Table("meetings", "One row per set of minutes found in a document.", (
        _c("id", "INTEGER PRIMARY KEY"),
        _c("document_id", "INTEGER REFERENCES documents(id)", "the file it was found in (documents.id)"),
        _c("first_page", "INTEGER", "1-based first page of the minutes in that file"),
        _c("last_page", "INTEGER", "their last page"),
        _c("committee", "TEXT", "the committee's name as printed"),
        _c("meeting_date", "TEXT", "the meeting's date"),
        _c("superseded_by", "INTEGER REFERENCES meetings(id)", "the minutes used instead of these (meetings.id) when the same committee and "
                                       "meeting date arrive in several documents; NULL for the ones used"),
    ), indexes=(Index("meetings_document", "document_id"), Index("meetings_date", "meeting_date")), export=True,
        counted=True),
    Table("agenda_items", "The items of a meeting's minutes, in the order printed.", (
        _extra("id", "INTEGER PRIMARY KEY", ""),
        _extra("meeting_id", "INTEGER REFERENCES meetings(id)", "the minutes (meetings.id)"),
        _extra("number", "TEXT", "the item's number as printed"),
        _extra("title", "TEXT", "the item's heading"),
        _extra("resolution", "TEXT", "what the meeting resolved (\"RESOLVED, that …\"), NULL when none"),
        _extra("plan", "TEXT", "the plan the item is about, when it is about one"),
    ), contract=False, indexes=(Index("agenda_items_meeting", "meeting_id"),), export=True),
    Table("amber_reasons", "The justifications for Amber actions recorded in minutes.", (
        _c("id", "INTEGER PRIMARY KEY"),
        _c("meeting_id", "INTEGER REFERENCES meetings(id)", "the minutes (meetings.id)"),
        _c("position", "INTEGER", "1, 2, … in the order printed"),
        _c("plan", "TEXT", "the plan the agenda item is about, as printed in the minutes"),
        _c("action_text", "TEXT", "the action's wording as the minutes print it (may be shortened or cut off)"),
        _c("reason", "TEXT", "the justification as printed"),
        _c("effective_reason", "TEXT", "the justification with back-references resolved: \"Same as above\" / "
                                       "\"As above\" carries the text it points to; otherwise equal to reason"),
        _c("new_rag", "TEXT", "the status the minutes record as changed at the meeting (\"Updated to GREEN\" → "
                              "green), else NULL"),
        _c("target_date", "TEXT", "a target date the justification states (\"Target date March 2020\" → "
                                  "2020-03-31), else NULL"),
        _c("action_id", "INTEGER REFERENCES actions(id)", "the action it justifies, in the report the meeting discussed: the latest "
                                   "report of that plan (and the meeting's authority) whose as_at is not after the meeting date; NULL when "
                                   "none matches"),
        _c("match_score", "REAL", "0–100, how closely action_text matched that action"),
        _extra("page", "INTEGER", "1-based page of the file on which the justification starts"),
    ), indexes=(Index("amber_reasons_meeting", "meeting_id"), Index("amber_reasons_action", "action_id")), export=True,
        counted=True),
    Table("action_history", "Each action of a report against the previous report of the same plan: one row "
                            "for every action of every report that has a previous report in its series, plus "
                            "one row (change = dropped, ref and action_id NULL) for every action of the "
                            "previous report that has no counterpart. Counterparts are found by meaning, not "
                            "only by ref: plans renumber and reword actions. Rebuilt by plantrack reconcile." + _USED, (
        _c("plan", "TEXT", "the plan's name as the later report prints it"),
        _c("period", "TEXT", "the later report's period"),
        _c("ref", "TEXT", "the action's ref in the later report"),
        _c("action_id", "INTEGER", "the action in the later report (actions.id)"),
        _c("previous_period", "TEXT", "the previous report's period"),
        _c("previous_ref", "TEXT", "its counterpart's ref in the previous report, NULL when new"),
        _c("previous_action_id", "INTEGER", "the counterpart in the previous report (actions.id)"),
        _c("rag", "TEXT", "the status in the later report"),
        _c("previous_rag", "TEXT", "the status in the previous report"),
        _c("change", "TEXT", " · ".join(f"{k} = {v}" for k, v in CHANGES.items())),
        _c("text_changed", "INTEGER", "1 when the wording differs beyond white space and case, else 0"),
        _extra("authority", "TEXT", _AUTHORITY),
    ), made_by="reconcile", indexes=(Index("action_history_action", "action_id"),
                                     Index("action_history_previous", "previous_action_id")), export=True, counted=True),
    Table("findings", "What a clerk or analyst should look at, one row each: at most one per (authority, plan, "
                      "period, kind, ref, priority_number). Rebuilt by plantrack reconcile." + _USED, (
        _c("id", "INTEGER PRIMARY KEY"),
        _c("plan", "TEXT", "the plan's name as printed"),
        _c("period", "TEXT", "the report period the finding is about"),
        _c("kind", "TEXT", "one of the kinds: " + " · ".join(f"{k} = {v}" for k, v in FINDING_KINDS.items())),
        _c("ref", "TEXT", "the action's ref when it is about one action (for dropped_incomplete, the ref in the "
                          "previous report), else NULL"),
        _c("priority_number", "INTEGER", "when it is about a priority's score, else NULL"),
        _c("document_id", "INTEGER", "the document where the problem shows (documents.id)"),
        _c("detail", "TEXT", "one readable sentence with the figures involved"),
        _extra("authority", "TEXT", "the council whose papers the finding is about (documents.authority); NULL when "
                                    "not known. Beyond the contract: series, and so findings, are per council"),
    ), made_by="reconcile", export=True, counted=True),
    Table("meta", "Facts about the database itself, such as schema_version.", (
        _extra("key", "TEXT PRIMARY KEY", "the fact's name"),
        _extra("value", "TEXT", "its value"),
    ), contract=False),
    # the run ledger (plantrack/pipeline/stages/runs.py)
    Table("runs", "One row per plantrack run that wrote this database (ingest, load, run or fetch).", (
        _extra("id", "INTEGER PRIMARY KEY", ""),
        _extra("started_at", "TEXT", "ISO 8601 UTC timestamp"),
        _extra("finished_at", "TEXT", "ISO 8601 UTC timestamp, NULL while running or when it never finished"),
        _extra("status", "TEXT", "running; ok (every file read); failed (some files failed, or the fetch "
                                 "failed: see fetch_failed); interrupted "
                                 "(it died before finishing); error (the run itself failed: its line is the "
                                 "run_files row with outcome error)"),
        _extra("files_seen", "INTEGER", "files it looked at"),
        _extra("files_new", "INTEGER", "new or changed files it read"),
        _extra("files_failed", "INTEGER", "files it could not read"),
        _extra("pid", "INTEGER", "the process id of the run"),
        _extra("command", "TEXT", "the command line it ran"),
        _extra("fetch_failed", "INTEGER", "what its fetch could not bring: a site down, a committee unknown, a "
                                          "paper refused (each a run_files row with outcome fetch_failed); 0 or "
                                          "NULL when nothing failed or nothing was fetched"),
    ), contract=False, made_by="runs"),
    Table("run_files", "What one run did with each file.", (
        _extra("run_id", "INTEGER REFERENCES runs(id)", "the run (runs.id)"),
        _extra("document_id", "INTEGER REFERENCES documents(id)", "the file's document (documents.id), NULL when none was stored"),
        _extra("path", "TEXT", "the file's path as given; for a fetch failure, the site's or the paper's address"),
        _extra("outcome", "TEXT", "new, updated (read again), unchanged, failed, missing (a stored document's "
                                  "file is gone), skipped (a FIFO, device, symlink loop or broken link: never "
                                  "opened), fetch_failed (a site, committee or paper the fetch could not bring) "
                                  "or error (the run itself failed)"),
        _extra("error", "TEXT", "one line a clerk can act on when it failed, else NULL"),
        _extra("seconds", "REAL", "how long reading it took"),
    ), contract=False, made_by="runs", indexes=(Index("run_files_run", "run_id"),)),
    # clerk corrections (plantrack/pipeline/review/corrections.py)
    Table("corrections", "Values a clerk has put right (plantrack correct), applied again after every load so a "
                         "re-extraction keeps them. Keyed by what a clerk sees on the paper, never by row ids: an "
                         "action by plan, period and ref; an Amber reason by meeting date and position; a set of "
                         "minutes (its date or committee) by its file's contents and first page.", (
        _extra("id", "INTEGER PRIMARY KEY", "the correction's number (plantrack correct --undo ID)"),
        _extra("target", "TEXT NOT NULL", "action, amber_reason or meeting"),
        _extra("authority", "TEXT", "the council whose paper is corrected (documents.authority); NULL for papers "
                                    "whose council is not known. A correction only touches its council's rows"),
        _extra("plan", "TEXT", "the plan's name as its latest report prints it (actions)"),
        _extra("plan_key", "TEXT", "the plan's name folded as for series (plan_series.series): what is matched"),
        _extra("period", "TEXT", "YYYY-MM: the report's period (actions)"),
        _extra("ref", "TEXT", "the action's ref as printed (actions)"),
        _extra("meeting_date", "TEXT", "the minutes' date (Amber reasons)"),
        _extra("position", "INTEGER", "the reason's place in the minutes' list (Amber reasons)"),
        _extra("committee", "TEXT", "the committee whose minutes hold the reason (Amber reasons), or the minutes' "
                                    "committee as read (meetings)"),
        _extra("field", "TEXT NOT NULL", "what is corrected: rag, text, lead, timescale, due_date, progress or ref of an "
                                "action; action_ref (its link) or new_rag of an Amber reason; meeting_date or committee of a "
                                "set of minutes"),
        _extra("old_value", "TEXT", "the value extraction (or linking) gave, as of the last time it was applied; "
                                    "for action_ref, the ref of the action it was linked to"),
        _extra("new_value", "TEXT", "the value the clerk set; NULL clears the value"),
        _extra("note", "TEXT", "why, in the clerk's words"),
        _extra("made_by", "TEXT", "who made it"),
        _extra("made_at", "TEXT", "ISO 8601 UTC timestamp"),
        _extra("withdrawn_at", "TEXT", "when it was withdrawn (undone, or replaced by a newer correction of the same "
                                       "value); NULL while in force"),
        _extra("withdrawn_by", "TEXT", "who withdrew it"),
        _extra("applies", "INTEGER", "1 when its action or reason was found at the last load, 0 when it no longer "
                                     "exists (reported by plantrack status and the report)"),
        _extra("problem", "TEXT", "why it no longer applies, NULL when it applies"),
        _extra("checked_at", "TEXT", "when it was last applied (ISO 8601 UTC)"),
        _extra("document_sha256", "TEXT", "the file holding the minutes, by its contents (documents.sha256; meetings)"),
        _extra("first_page", "INTEGER", "the minutes' first page in that file (meetings; NULL for Word and web "
                                        "pages)"),
        _extra("filename", "TEXT", "the file's name when the correction was made (meetings; for display)"),
    ), contract=False, made_by="corrections"),
    Table("corrected_values", "Which rows carry a clerk's correction now, with the values extraction gave them "
                              "(put back by plantrack correct --undo).", (
        _extra("row_table", "TEXT NOT NULL", "actions, amber_reasons or meetings"),
        _extra("row_id", "INTEGER NOT NULL", "the row (actions.id, amber_reasons.id or meetings.id)"),
        _extra("field", "TEXT NOT NULL", "the corrected field (corrections.field)"),
        _extra("correction_id", "INTEGER", "the correction in force (corrections.id)"),
        _extra("extracted", "TEXT", "JSON: the row's columns as extraction or linking left them"),
    ), contract=False, made_by="corrections", constraints=("PRIMARY KEY (row_table, row_id, field)",),
        triggers=CORRECTED_VALUES_TRIGGERS),
    # plantrack fetch (plantrack/pipeline/sources/fetch.py)
    Table("sources", "One row per paper plantrack fetch has asked a council's site for, so the next fetch "
                     "downloads only what is new or changed.", (
        _extra("id", "INTEGER PRIMARY KEY", ""),
        _extra("url", "TEXT UNIQUE NOT NULL", "where the paper was fetched from (for minutes published as text, the meeting's "
                              "\"Agenda and minutes\" page)"),
        _extra("sha256", "TEXT", "hex SHA-256 of the bytes held (documents.sha256 once ingested); NULL when "
                                 "never fetched"),
        _extra("etag", "TEXT", "the ETag the site sent, for asking only whether it changed"),
        _extra("last_modified", "TEXT", "the Last-Modified date the site sent, for the same"),
        _extra("fetched_at", "TEXT", "ISO 8601 UTC timestamp of the last successful request"),
        _extra("site", "TEXT", "the site's address, e.g. https://democracy.example.gov.uk"),
        _extra("authority", "TEXT", "the council's name as the site gives it (the end of its page titles), "
                                    "or as configured"),
        _extra("committee", "TEXT", "the committee's title as the site gives it"),
        _extra("meeting_date", "TEXT", "the meeting's date (YYYY-MM-DD)"),
        _extra("title", "TEXT", "the paper's title as the site gives it"),
        _extra("path", "TEXT", "where the paper was saved"),
        _extra("error", "TEXT", "why the last attempt failed, one line; NULL when it succeeded"),
    ), contract=False, made_by="fetch", indexes=(Index("sources_path", "path"), Index("sources_sha256", "sha256"))),
    # made by analyst.prepare() (plantrack/pipeline/outputs/analyst.py)
    Table("plan_series", "Each plan name as printed (in reports, minutes, history and findings) with its series "
                         "key: the name folded as the contract says, so names of one series compare equal.", (
        _extra("plan", "TEXT PRIMARY KEY", "a plan's name as printed"),
        _extra("series", "TEXT NOT NULL", "the name with case, accents, punctuation, / and dashes, white space and year ranges folded"),
    ), contract=False, made_by="analyst"),
)

TABLES_BY_NAME = {t.name: t for t in TABLES}


def _borrowed(table_name: str, *names: str) -> tuple[Column, ...]:
    """A view's columns that mean what the base table's columns mean."""
    return tuple(replace(TABLES_BY_NAME[table_name].column(n), contract=False, constraints="") for n in names)


# The analyst views, made by analyst.prepare() (their SQL is there); the status_matrix also has one
# column per period, named YYYY-MM.
VIEWS: tuple[Table, ...] = (
    Table("report_series", "The reports used (not superseded by another copy of the same paper) that have a plan "
                           "and a period, with their council, series key and whether each is the latest report "
                           "of its series (one plan of one council).", (
        _extra("id", "INTEGER", "the report (reports.id)"),
        _extra("document_id", "INTEGER", "the file it was found in (documents.id)"),
        _extra("authority", "TEXT", "the council that published it (documents.authority), NULL when not known"),
        _extra("plan", "TEXT", "the plan's name as the report prints it"),
        _extra("series", "TEXT", "the folded plan name (plan_series.series)"),
        _extra("period", "TEXT", "YYYY-MM: the month whose position the report describes"),
        _extra("as_at", "TEXT", "the position date the report prints"),
        _extra("is_latest", "INTEGER", "1 for the latest report of its series within its council (latest period, "
                                       "then as_at, then the last loaded), else 0"),
    ), contract=False, view=True),
    Table("latest_actions", "The actions of each plan's latest report (per council): where every plan stands now.", (
        _extra("id", "INTEGER", "the action (actions.id)"),
        _extra("authority", "TEXT", "the council whose plan it is (documents.authority), NULL when not known"),
        _extra("plan", "TEXT", "the plan's name as the report prints it"),
        _extra("period", "TEXT", "the latest report's period"),
        _extra("as_at", "TEXT", "the position date that report prints"),
        *_borrowed("actions", "priority_number", "ref", "ofsted_ref", "text", "lead", "timescale", "due_date",
                   "success_measure", "progress", "rag", "page", "report_id"),
    ), contract=False, view=True),
    Table("status_matrix", "One row per action across the periods of its plan, following it through renumbering "
                           "and rewording (via action_history); one column per period (YYYY-MM) holding its "
                           "status then (unrated when it had none; empty when it was not in that report).", (
        _extra("first_action_id", "INTEGER", "the action where the chain starts (actions.id)"),
        _extra("latest_action_id", "INTEGER", "the action in the last report that carries it (actions.id)"),
        _extra("authority", "TEXT", "the council whose plan it is (documents.authority), NULL when not known"),
        _extra("plan", "TEXT", "the plan's name as the last report carrying the action prints it"),
        _extra("first_period", "TEXT", "the first period the action appears in"),
        _extra("last_period", "TEXT", "the last period the action appears in"),
        _extra("first_ref", "TEXT", "its ref in the first report"),
        _extra("ref", "TEXT", "its ref in the last report that carries it"),
        _extra("refs", "TEXT", "its ref in each report, oldest first (8 → 9 when renumbered; ? when none)"),
        _extra("text", "TEXT", "its wording in the last report that carries it"),
    ), contract=False, view=True),
)


def table(name: str | Table) -> Table:
    """The table or view called `name` (a Table is itself); KeyError when the schema does not describe it."""
    if isinstance(name, Table):
        return name
    t = TABLES_BY_NAME.get(name) or next((v for v in VIEWS if v.name == name), None)
    if t is None:
        raise KeyError(name)
    return t


def made_by(maker: str) -> tuple[Table, ...]:
    """The tables `maker` (one of MAKERS) creates."""
    if maker not in MAKERS:
        raise KeyError(maker)
    return tuple(t for t in TABLES if t.made_by == maker)


def columns(name: str) -> list[str]:
    """A table's column names, in order."""
    return table(name).names


def ddl(*names: str) -> str:
    """The SQL script that creates the tables `names` (all of them when none) and their indexes."""
    tables = [table(n) for n in names] if names else list(TABLES)
    return "".join(f"{statement};\n" for t in tables for statement in t.ddl())


def add_missing_columns(conn: sqlite3.Connection, name: str) -> list[str]:
    """A table made by an older plantrack gains the columns added since (CREATE TABLE IF NOT EXISTS
    leaves an existing table as it is); nothing is dropped or rewritten. Returns the columns added."""
    t = table(name)
    have = {r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')}
    added = []
    for c in t.columns:
        if c.name not in have and c.addable:
            conn.execute(f'ALTER TABLE "{name}" ADD COLUMN {c.ddl}')
            added.append(c.name)
    return added


def ensure_tables(conn: sqlite3.Connection, *names: str | Table) -> None:
    """Create the tables `names` (names or Tables) as the schema declares them, or bring existing ones up to it: missing
    columns added (the table's own extra columns, rows, indexes and views on it are kept), then the
    indexes and triggers. Idempotent; runs inside the caller's transaction when one is open."""
    for t in map(table, names):
        create, *indexes = t.ddl()
        conn.execute(create)
        add_missing_columns(conn, t.name)
        for statement in (*indexes, *t.triggers):
            conn.execute(statement)


def ensure_table(conn: sqlite3.Connection, name: str) -> None:
    """One table, as `ensure_tables`."""
    ensure_tables(conn, name)


EXPORTED: tuple[str, ...] = tuple(t.name for t in TABLES if t.export)
COUNTED: tuple[str, ...] = tuple(t.name for t in TABLES if t.counted)
