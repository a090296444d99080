"""Minutes recognised by evidence, and their committee and date read from the title block as a person reads
it — one reading (`plantrack/extract/minutes_head.py`) for PDF, Word and web pages.

Generated papers (tests/paperfactory/parish.py) give the same minutes in the three formats; cut-down real
pages (tests/fixtures/minutes/, see the README there) keep the real layouts honest.
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from dataclasses import replace

from flowfactory import make_html_minutes
from paperfactory.parish import MAKERS, ParishMinutesSpec, make_pages_pdf, performance_appendix, recommendations_appendix
from paperfactory.samples import sdp_minutes_spec

from plantrack.extract import minutes, minutes_head
from plantrack.extract.dates import find_date
from plantrack.extract.document import extract_document
from plantrack.extract.minutes_head import HeadLine, lines_of_text, minutes_evidence, title_block

FIXTURES = Path(__file__).parent / "fixtures" / "minutes"


# ---- one reading for every format -----------------------------------------------------------------

def test_the_same_minutes_as_pdf_word_and_web_page_are_read_by_the_one_title_block_reading(tmp_path, monkeypatch):
    seen: list[tuple[str | None, str | None]] = []
    real = minutes_head.title_block

    def spy(lines, rest=()):
        seen.append(real(lines, rest))
        return seen[-1]

    # the one minutes recogniser calls it for every format: spying on it there proves they share it
    monkeypatch.setattr(minutes, "title_block", spy)
    spec = ParishMinutesSpec()
    read = {}
    for fmt, make in MAKERS.items():
        ex = extract_document(make(tmp_path / f"minutes.{fmt}", spec))
        assert ex.status == "ok" and ex.format == fmt
        read[fmt] = (ex.kind, [(m.committee, m.meeting_date) for m in ex.meetings])
    assert read == {fmt: ("minutes", [("ASHBY VALE PARISH COUNCIL", "2019-10-09")]) for fmt in MAKERS}
    assert seen == [("ASHBY VALE PARISH COUNCIL", "2019-10-09")] * 3


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_the_agenda_of_the_same_meeting_stays_other_in_every_format(tmp_path, fmt):
    ex = extract_document(MAKERS[fmt](tmp_path / f"agenda.{fmt}", ParishMinutesSpec(agenda=True)))
    assert (ex.status, ex.kind, ex.meetings) == ("ok", "other", [])
    assert "not minutes" in ex.evidence[0] and "agenda heading" in ex.evidence[0]


# ---- generated variants: what parish and community councils print -----------------------------------

@pytest.mark.parametrize("fmt", sorted(MAKERS))
@pytest.mark.parametrize("spec, committee, when", [
    # a superscript ordinal ("9" raised "th"), the banner over "PARISH COUNCIL MEETING", minute numbers
    # shaped like dates ("19.10.01"), the last meeting's date and a signing date in the text
    (ParishMinutesSpec(), "ASHBY VALE PARISH COUNCIL", "2019-10-09"),
    (ParishMinutesSpec(superscript=False), "ASHBY VALE PARISH COUNCIL", "2019-10-09"),
    # the generic line is "EXTRAORDINARY MEETING": never the committee
    (ParishMinutesSpec(banner="Tintagel Community Council", meeting_line="EXTRAORDINARY MEETING", day=4, ordinal="th",
                       month_year="SEPTEMBER 2018", meeting_date="2018-09-04", minute_prefix="18.09."),
     "Tintagel Community Council", "2018-09-04"),
    # no meeting line at all; minute numbers like "20.07.01" that read as 20 July 2001
    (ParishMinutesSpec(banner="Milbourne Town Council", meeting_line=None, day=14, ordinal="th",
                       month_year="July 2020", meeting_date="2020-07-14", minute_prefix="20.07.",
                       signing="Signed ..................... Dated 8th September 2020"),
     "Milbourne Town Council", "2020-07-14"),
    # the title leaves out the year: the rest of the paper gives it
    (ParishMinutesSpec(month_year="October", last_meeting="11th September 2019"), "ASHBY VALE PARISH COUNCIL",
     "2019-10-09"),
])
def test_parish_minutes_read_right_in_every_format(tmp_path, fmt, spec, committee, when):
    ex = extract_document(MAKERS[fmt](tmp_path / f"m.{fmt}", spec))
    assert ex.kind == "minutes", ex.evidence
    assert [(m.committee, m.meeting_date) for m in ex.meetings] == [(committee, when)]


# held-out kinds of paper: what sits around the title block must not change the body or the date read
GRID = ["10 Jul 2019", "14 Aug 2019", "11 Sep 2019"]


@pytest.mark.parametrize("fmt", sorted(MAKERS))
@pytest.mark.parametrize("spec", [
    # Word minutes opening with the council's letterhead (an address, an issue date), not a minutes title
    ParishMinutesSpec(before=["Ashby Vale Parish Council, The Old School, Church Lane, Ashby Vale AV1 2BC",
                              "Issued 2nd October 2019"], superscript=False),
    ParishMinutesSpec(before=["[Logo] Serving the village since 1894", "Tel 01234 567890 | clerk@ashbyvale-pc.gov.uk"]),
    # an attendance grid of the year's earlier meetings under the title block; with a title without its
    # year, the grid's dates must give only the year
    ParishMinutesSpec(attendance=GRID),
    ParishMinutesSpec(attendance=GRID, month_year="October", superscript=False),
    # a two-digit year; a letter O typed for a zero
    ParishMinutesSpec(month_year="OCT 19", superscript=False),
    ParishMinutesSpec(month_year="OCTOBER 2O19", superscript=False),
], ids=["letterhead", "logo", "grid", "grid-yearless", "two-digit-year", "letter-O"])
def test_held_out_kinds_of_minutes_keep_their_body_and_date(tmp_path, fmt, spec):
    ex = extract_document(MAKERS[fmt](tmp_path / f"m.{fmt}", spec))
    assert ex.kind == "minutes", ex.evidence
    assert [(m.committee, m.meeting_date) for m in ex.meetings] == [("ASHBY VALE PARISH COUNCIL", "2019-10-09")]


@pytest.mark.parametrize("word, angle, height", [("DRAFT", 45, 0.5), ("DRAFT", 30, 0.8), ("COPY", 0, 0.86)])
def test_a_watermark_across_the_page_is_neither_body_nor_date(tmp_path, word, angle, height):
    spec = ParishMinutesSpec(watermark=word, watermark_angle=angle, watermark_height=height)
    ex = extract_document(MAKERS["pdf"](tmp_path / "m.pdf", spec))
    assert ex.kind == "minutes", ex.evidence
    assert [(m.committee, m.meeting_date) for m in ex.meetings] == [("ASHBY VALE PARISH COUNCIL", "2019-10-09")]


@pytest.mark.parametrize("committee", ["Joint Meeting of Cabinet and Overview and Scrutiny Committee",
                                       "Joint Meeting of the Audit Committee and the Standards Committee"])
def test_a_moderngov_joint_meeting_page_keeps_its_heading_as_printed(tmp_path, committee):
    truth = make_html_minutes(tmp_path / "joint.html", replace(sdp_minutes_spec(), committee=committee))
    ex = extract_document(tmp_path / "joint.html")
    assert ex.kind == "minutes"
    assert [(m.committee, m.meeting_date) for m in ex.meetings] == [(committee, truth.meeting_date)]


@pytest.mark.parametrize("pages", [performance_appendix(), performance_appendix()[1:],
                                   recommendations_appendix("to"), recommendations_appendix("that")],
                         ids=["performance", "performance-from-a-service-area", "recommendations-to",
                              "recommendations-first-sentence"])
def test_appendices_with_some_marks_of_minutes_stay_other(tmp_path, pages):
    """A performance report's appendix (service areas over dates, "Attendance", the Chair, "noted") and an
    appendix of recommendations ("1. That the Committee notes …", a working group's minutes "agreed as a
    correct record") are neither minutes nor a pack of meetings named after a service area or a sentence."""
    ex = extract_document(make_pages_pdf(tmp_path / "appendix.pdf", pages))
    assert (ex.kind, ex.meetings) == ("other", []), ex.evidence


@pytest.mark.parametrize("fmt", ["docx", "html"])
@pytest.mark.parametrize("agenda", [False, True])
def test_minutes_laid_out_in_a_table_are_minutes_and_their_agenda_is_not(tmp_path, fmt, agenda):
    ex = extract_document(MAKERS[fmt](tmp_path / f"t.{fmt}", ParishMinutesSpec(in_table=True, agenda=agenda)))
    assert [(m.committee, m.meeting_date) for m in ex.meetings] == (
        [] if agenda else [("ASHBY VALE PARISH COUNCIL", "2019-10-09")])
    assert ex.kind == ("other" if agenda else "minutes"), ex.evidence


def test_parish_minutes_reach_the_database_with_their_body_and_date(tmp_path):
    """End to end: the generated parish minutes and their agenda read into a fresh database."""
    folder = tmp_path / "papers"
    folder.mkdir()
    MAKERS["pdf"](folder / "minutes.pdf", ParishMinutesSpec())
    MAKERS["docx"](folder / "agenda.docx", ParishMinutesSpec(agenda=True))
    db = tmp_path / "p.db"
    done = subprocess.run([str(Path(sys.executable).parent / "plantrack"), "run", str(folder), "--db", str(db)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db)
    kinds = dict(con.execute("SELECT filename, kind FROM documents"))
    assert kinds == {"minutes.pdf": "minutes", "agenda.docx": "other"}
    assert con.execute("SELECT committee, meeting_date FROM meetings").fetchall() == [
        ("ASHBY VALE PARISH COUNCIL", "2019-10-09")]


# ---- the title block, line by line ----------------------------------------------------------------

def _lines(*texts: str) -> list[HeadLine]:
    return [HeadLine(t) for t in texts]


@pytest.mark.parametrize("texts, committee, when", [
    # "the meeting of the above Council": the banner names it
    (("TINTERN COMMUNITY COUNCIL", "Minutes of a meeting of the above Council held on Monday 27th November 2017 at",
      "7.00pm in Tintern Village Hall.", "Present: Cllrs Hayward, Hoskins"), "TINTERN COMMUNITY COUNCIL", "2017-11-27"),
    # "PARISH COUNCIL MEETING" is the kind of meeting, not the body
    (("BURTON-CUM-WALDEN PARISH COUNCIL", "MINUTES OF THE PARISH COUNCIL MEETING HELD ON", "TUESDAY, 5 MARCH 2024"),
     "BURTON-CUM-WALDEN PARISH COUNCIL", "2024-03-05"),
    # a sentence's fragment is no name: "The 420th Meeting of … was held"
    (("BROOMHILL COMMUNITY COUNCIL", "MINUTES OF THE 420th MEETING",
      "The 420th Meeting of Broomhill Community Council was held in Broomhill Primary School, 57",
      "Edgehill Rd, Glasgow G11 7HZ, on Wednesday 14th December 2022, at 7.00 p.m."),
     "BROOMHILL COMMUNITY COUNCIL", "2022-12-14"),
    # never the venue
    (("Minutes of Meeting (no.442) of", "Broomhill Community Council", "11th June 2025, 19:00-20:30.",
      "Broomhill Primary School Library, 57 Edgehill Rd, G11 7HZ"), "Broomhill Community Council", "2025-06-11"),
    # a date glued to the name
    (("Bristol City Council", "Minutes of the Transport & Connectivity", "Policy Committee", "23 October 2025 at 5.00 pm"),
     "Transport & Connectivity Policy Committee", "2025-10-23"),
    # the body and date on one line, an A.G.M.; the file name (not given here) is never trusted
    (("Milburn Parish Council A.G.M. - 8th May 2018", "Present", "Councillors D Richardson (Chair)"),
     "Milburn Parish Council", "2018-05-08"),
    # Welsh
    (("CYNGOR CYMUNED MANORDEILO A SALEM", "CYFARFOD 14eg MAWRTH 2018", "PRESENNOL"),
     "CYNGOR CYMUNED MANORDEILO A SALEM", "2018-03-14"),
    # US style, a township's banner
    (("MINUTES", "TOWNSHIP OF NIPISSING", "Tuesday, December 19, 2023"), "TOWNSHIP OF NIPISSING", "2023-12-19"),
    # a joint meeting's title names the bodies; "Meeting of the Full Council" gives way to the council's banner
    (("JOINT MEETING OF THE CABINET AND THE SCRUTINY BOARD", "Thursday, 12 December 2019"),
     "CABINET AND THE SCRUTINY BOARD", "2019-12-12"),
    (("Meeting of the Full Council", "Ashby Town Council", "Monday 4th March 2024"), "Ashby Town Council", "2024-03-04"),
    # a governing body; a title whose year is typed with a letter O and two digits
    (("Minutes", "Governing Body of St Mary's CE Primary School", "Held on 3 March 2O22 at 6pm"),
     "Governing Body of St Mary's CE Primary School", "2022-03-03"),
    (("Little Snoring Parish Council", "Minutes of the meeting held on Tuesday 9 Jan 24"), "Little Snoring Parish Council",
     "2024-01-09"),
    # a committee without a word of its kind, over its date and venue
    (("Amenities, Leisure and Community Services", "Tuesday 13th March 2018", "Sutton Coldfield Town Hall", "Present:"),
     "Amenities, Leisure and Community Services", "2018-03-13"),
])
def test_title_block_as_a_person_reads_it(texts, committee, when):
    assert title_block(_lines(*texts)) == (committee, when)


def test_signing_dates_last_meetings_and_minute_numbers_are_never_the_meeting_date():
    lines = _lines("Oakley Parish Council", "20.07.01 Election of Chair",
                   "The minutes of the meeting held on the 3rd March 2020 were approved.",
                   "Signed ............ Dated 8th September 2020", "Meeting of 14th July 2020")
    assert title_block(lines)[1] == "2020-07-14"


def test_a_year_the_title_leaves_out_comes_from_the_paper():
    lines = _lines("Oakley Parish Council", "Meeting held on Tuesday 9th January", "Present: Cllr A")
    assert title_block(lines, rest=["Precept for 2024/25 agreed.", "Accounts to 31 December 2023", "2024"])[1] \
        in ("2024-01-09",)


@pytest.mark.parametrize("text, iso", [
    ("9 th OCTOBER 2019", "2019-10-09"),        # a superscript the text layer gives apart
    ("9thOCTOBER 2019", "2019-10-09"),          # … or glued to the month
    ("24.08.22", "2022-08-24"),                 # dd.mm.yy
    ("December 19, 2023", "2023-12-19"),        # US style
    ("2O October 2O19", "2019-10-20"),          # a letter O typed for a zero
    ("2l October 2019", "2019-10-21"),          # a letter l typed for a one
    ("l2th May 2019", "2019-05-12"),
    ("21st October 20l9", "2019-10-21"),
    ("09-10-2019", "2019-10-09"),               # dd-mm-yyyy
    ("14eg Mawrth 2018", "2018-03-14"),         # Welsh
    ("1af Ebrill 2019", "2019-04-01"),
])
def test_dates_as_printed(text, iso):
    assert find_date(text)[0] == iso


# ---- the evidence -----------------------------------------------------------------------------------

def test_evidence_names_its_marks_score_and_threshold():
    ev = minutes_evidence(lines_of_text(
        "Milburn Parish Council - 7th March 2017\nPresent\nCouncillors D Richardson (Chair)\nClerk J Connelly\n"
        "17.03.1 Apologies\n17.03.2 Register of Interests\n17.03.3 Minutes\nThe minutes of the meeting held on "
        "10th January 2017 were approved and signed.\nThe meeting closed at 9pm."))
    assert ev.is_minutes and ev.titled
    marks = dict(ev.marks)
    assert {"present", "last meeting's minutes approved", "meeting closed"} <= set(marks)
    assert f"threshold {minutes_head.THRESHOLD}" in ev.why() and ev.why().startswith("minutes: score")


@pytest.mark.parametrize("text", [
    # an agenda: items still to come, "to be held", an "AGENDA" heading
    "MILBURN PARISH COUNCIL\nMEETING TO BE HELD ON TUESDAY,\n12th NOVEMBER 2019 @ 7.30pm\nAGENDA\n"
    "1. To receive apologies for meeting\n2. To register an interest\n3. To approve the minutes of the last meeting\n"
    "4. To discuss matters arising",
    # a report about a meeting, with attendees
    "Proposed RPZ Meeting Report\nBroomhill & Thornwood - 19th February 2026\nAttendees\nIt was agreed by all present.",
    # the marks of minutes with no title block: a page inside another paper
    "and the Chair thanked everyone.\nPresent: Cllr A\n1. Apologies\nRESOLVED: noted",
])
def test_agendas_reports_and_pages_without_a_title_block_are_not_minutes(text):
    assert not minutes_evidence(lines_of_text(text)).is_minutes


# ---- cut-down real pages ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, committee, when", [
    ("milburn-pc_2017-03.pdf", "Milburn Parish Council", "2017-03-07"),
    ("manordeilo-salem-cc_2019-10.pdf", "MANORDEILO & SALEM COMMUNITY COUNCIL", "2019-10-09"),
    ("tintern-cc_2017-11.pdf", "TINTERN COMMUNITY COUNCIL", "2017-11-27"),
    ("bcw-pc_2024-03.pdf", "BURTON-CUM-WALDEN PARISH COUNCIL", "2024-03-05"),
])
def test_real_minutes_pages(name, committee, when):
    ex = extract_document(FIXTURES / name)
    assert ex.kind == "minutes", ex.evidence
    assert [(m.committee, m.meeting_date) for m in ex.meetings] == [(committee, when)]


def test_a_real_agenda_page_stays_other():
    ex = extract_document(FIXTURES / "milburn-pc_agenda_2017-01.pdf")
    assert (ex.kind, ex.meetings) == ("other", [])


def test_marks_read_under_minute_numbers_and_across_sentences():
    """Found by leaving bodies out: one parish's minutes were minutes by a single point, because its
    apologies sit under a date-shaped minute number and the record is approved in the sentence after the
    one that names the minutes. Both are general ways of writing, read as such."""
    ev = minutes_evidence(lines_of_text(
        "Oakley Parish Council - 14th July 2020\nThe Parish Council held the meeting in the Village Hall.\n"
        "Present\nCouncillors A Brown (Chair), C Davies\n20.07.02 Apologies\nCouncillor E Evans\n20.07.04 Minutes\n"
        "The minutes of the meeting held on the 3rd March 2020 had been circulated prior to this meeting. "
        "All agreed this was a true record and were signed."))
    assert {"apologies", "last meeting's minutes approved", "a record of what happened"} <= set(dict(ev.marks))
    # an agenda's item asking for the same stays an item to come
    agenda = minutes_evidence(lines_of_text("Oakley Parish Council\nAGENDA\n1. To agree the minutes as a true record"))
    assert "last meeting's minutes approved" not in dict(agenda.marks) and not agenda.is_minutes
