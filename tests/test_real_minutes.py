"""Minutes as real councils print them (issue 14): long numbered minutes are one meeting, the committee
comes from the title block and never from a venue line, and papers that are not minutes invent no
meetings or Amber reasons. The layouts are drawn by the generator after real ModernGov-printed minutes
(Kent County Council's, ../shared/corpus/real_uk, checked in CI by expect_check.py)."""
from __future__ import annotations

import pytest

from plantrack.extract.document import extract_document, find_papers

pf = pytest.importorskip("paperfactory")
A4 = pytest.importorskip("reportlab.lib.pagesizes").A4

LONG = ("The Cabinet Member for Finance introduced the report, which set out the draft revenue budget and "
        "the medium term financial plan, the pressures on adult social care and on children's services, "
        "the savings proposed by each directorate and the use of reserves to balance the budget for the "
        "year ahead. Members asked about the provisional settlement and the council tax referendum limit. ")


def _kent_items() -> list:
    return [
        pf.NumberedItem(84, "Apologies (Item 1)", ["Apologies were received from Mrs S Prendergast."]),
        pf.NumberedItem(85, "Declarations of Interest (Item 2)", ["There were no declarations of interest."]),
        pf.NumberedItem(86, "Corporate Risk Register (Item 3)", [
            LONG * 6 + "The Leader thanked the officers for their",
            # the page breaks mid-sentence; the next page opens with words a set of minutes would print
            # as a label ("attendance") and, later, a RESOLVED
            "\fattendance for this item and for the work on the register. " + LONG,
            "RESOLVED that the Corporate Risk Register be noted."]),
        pf.NumberedItem(87, "Revenue and Capital Budget Monitoring (Item 4)", [
            LONG * 7,
            "\f• It was noted that risk CRR0056 SEND Delivery Improvement and High Needs Funding shortfall "
            "would be separated into two risk profiles.",
            "RESOLVED that the report be noted."]),
        pf.NumberedItem(88, "Draft Revenue Budget 2025-26 (Item 5)", [LONG * 2, "RESOLVED that the draft budget "
                                                                     "be endorsed."]),
    ]


def test_long_numbered_minutes_are_one_meeting_with_their_items(tmp_path):
    path = tmp_path / "Printed minutes 09th-Jan-2025 10.00 Cabinet.pdf"
    truth = pf.make_numbered_minutes(path, pf.NumberedMinutesSpec(
        title_lines=[("KENT COUNTY COUNCIL", 12), ("CABINET", 12),
                     ("MINUTES of a meeting of the Cabinet held in the Council Chamber, Sessions House, County "
                      "Hall, Maidstone on Thursday, 9 January 2025.", 11)],
        committee="Cabinet", meeting_date="2025-01-09", items=_kent_items()))
    assert truth.pages >= 3
    ex = extract_document(path)
    assert ex.status == "ok" and ex.kind == "minutes", (ex.kind, [(m.committee, m.first_page) for m in ex.meetings])
    [meeting] = ex.meetings
    assert (meeting.committee, meeting.meeting_date) == ("Cabinet", "2025-01-09")
    assert (meeting.first_page, meeting.last_page) == (1, truth.pages)
    assert [i.number for i in meeting.agenda_items] == ["84", "85", "86", "87", "88"]
    assert meeting.amber_reasons == []


@pytest.mark.parametrize("title_lines, committee, when", [
    # the body and the date on the first line, the venue in the sentence under it
    ([("AUDIT AND GOVERNANCE COMMITTEE – 10th December 2024", 12),
      ("MINUTES of the meeting held in the Council Chamber, Civic Centre, Mount Pleasant Road, Royal "
       "Tunbridge Wells.", 11)], "AUDIT AND GOVERNANCE COMMITTEE", "2024-12-10"),
    # an excerpt of another body's minutes, put before this one
    ([("Minutes excerpt from Corporate Parenting Panel – 12 March 2024", 12)],
     "Corporate Parenting Panel", "2024-03-12"),
    ([("Extract from the Minutes of the Children's Services Scrutiny Committee held on 3 July 2023", 12)],
     "Children's Services Scrutiny Committee", "2023-07-03"),
    # "MINUTES" over the township's banner and the date (Canadian townships): the banner names the body, as it
    # does a parish council's (the opening sentence's "Township of Nipissing Council" is the same body)
    ([("MINUTES", 12), ("TOWNSHIP OF NIPISSING", 12), ("Tuesday, April 2, 2024", 11),
      ("A regular meeting of the Township of Nipissing Council was held on Tuesday, April 2, 2024 starting at "
       "6:30 p.m. The meeting was held in person at the Township of Nipissing Community Centre.", 10.5)],
     "TOWNSHIP OF NIPISSING", "2024-04-02"),
])
def test_committee_comes_from_the_title_block_never_the_venue(tmp_path, title_lines, committee, when):
    path = tmp_path / "minutes.pdf"
    pf.make_numbered_minutes(path, pf.NumberedMinutesSpec(
        title_lines=title_lines, committee=committee, meeting_date=when, present="PRESENT: Cllr A Smith (Chair), "
        "Cllr B Jones, Cllr C Patel", items=_kent_items()[:2] + [pf.NumberedItem(
            3, "Annual Governance Statement", ["RESOLVED that the statement be approved."])]))
    ex = extract_document(path)
    assert [(m.committee, m.meeting_date) for m in ex.meetings] == [(committee, when)]
    assert ex.kind == "minutes"


def test_a_page_that_opens_mid_paragraph_never_starts_new_minutes():
    first = "KENT COUNTY COUNCIL\nCABINET\nMINUTES of a meeting of the Cabinet held on Thursday, 9 January 2025.\n" \
            "PRESENT: Mr R Gough\n84. Apologies\nRESOLVED that the apologies be noted."
    body = "text of the minutes " * 20
    texts = [first, body, "13\nwithin the proposed settlement.\nattendance for this item\nRESOLVED that it be noted.",
             "• It was noted that risk CRR0056 would be separated.\nPresent:\nAGREED that …", body]
    papers = find_papers(texts)
    assert [(p.kind, p.first, p.last) for p in papers] == [("minutes", 1, 5)]


def _performance_report(path) -> None:
    """A quarterly performance report: KPI tables with RAG words in coloured cells, a direction of
    travel, commentary with officers' names, a key of colour words, and "Attendance" as a measure."""
    regular, bold = pf.font_pair("helvetica")
    sheet = pf.Sheet(A4)
    sheet.para("Quarterly Performance Report – Quarter 2 2024/25", bold, 14, pf.BLACK_RGB, after=6)
    sheet.para("Key: GREEN AMBER RED – performance against target", regular, 10, pf.BLACK_RGB, after=8)
    style = pf.TableStyle(regular, bold, size=8.5, leading=10, pad=3)
    colours = {"GREEN": (0.0, 0.69, 0.31), "AMBER": (1.0, 0.75, 0.0), "RED": (1.0, 0.0, 0.0)}
    for area, rows in (
        ("Education and Skills", [("Attendance", "94%", "92%", "AMBER", "Improving",
                                   "Lead: Christine McInnes. Attendance fell in the autumn term."),
                                  ("Pupils in good schools", "90%", "91%", "GREEN", "Same", "Lead: Sarah Hammond.")]),
        ("Adult Social Care", [("Reviews completed on time", "80%", "64%", "RED", "Worsening",
                                "Lead: Richard Smith. Reasons for the delay: staffing."),
                               ("Carers assessed", "70%", "66%", "AMBER", "Improving", "Lead: Jim Beale.")]),
    ):
        sheet.para(area, bold, 11, pf.BLACK_RGB, after=4)
        pf.draw_table(sheet, [120, 45, 45, 50, 60, 200],
                      [[pf.Cell(a), pf.Cell(b), pf.Cell(c), pf.Cell(d, fill=colours[d]), pf.Cell(e), pf.Cell(f)]
                       for a, b, c, d, e, f in rows], style,
                      header=["Indicator", "Target", "Actual", "RAG", "Direction of travel", "Reasons / commentary"])
        sheet.y -= 10
    sheet.para("AGREED targets for 2025/26 are set out in Appendix 2.", regular, 10, pf.BLACK_RGB)
    pf.render(sheet, path, "Quarterly Performance Report")


def test_a_performance_report_is_other_with_no_meeting_and_no_reasons(tmp_path):
    path = tmp_path / "performance.pdf"
    _performance_report(path)
    ex = extract_document(path)
    assert ex.status == "ok"
    assert (ex.kind, ex.meetings, ex.reports) == ("other", [], [])


@pytest.mark.parametrize("style", ["ruled", "unruled"])
def test_pointers_by_ref_and_target_quarters_in_generated_minutes(tmp_path, style):
    from plantrack.extract.minutes_pages import extract_minutes
    from plantrack.extract.pdf_layout import read_pages
    import pdfplumber

    rows = [
        pf.AmberRow("1.1 Welcome pack to include the purpose of different meetings", "Packs are being redesigned "
                    "with young people in the Children in Care Council."),
        pf.AmberRow("1.2 Information sheet for young people", "Target date end of Q4", target_date="2020-03-31"),
        pf.AmberRow("2.1 Welcome pack in other languages", "As per 1.1", points_to=0),
        pf.AmberRow("2.2 Mentoring and job shadowing", "Target date: Q3 2020/21", target_date="2020-12-31"),
    ]
    spec = pf.MinutesSpec(
        authority="Ashby Vale Council", committee="Children's Safeguarding Sub-Committee",
        meeting_date="2019-12-12", table_style=style, present=["Cllr A Smith (Chair)", "Cllr B Jones"],
        items=[pf.AgendaItem(4, "Service Development Plan 2019-20", paragraphs=[
            "Members requested justification for all outstanding Amber actions:"], amber_rows=rows,
            resolution="RESOLVED, that the report be noted.")])
    truth = pf.make_minutes(tmp_path / "m.pdf", spec)
    with pdfplumber.open(tmp_path / "m.pdf") as pdf:
        m = extract_minutes(read_pages(pdf.pages))
    got = [(r.action_text, r.reason, r.effective_reason, r.target_date) for r in m.amber_reasons]
    want = [(r.action_text, r.reason, r.effective_reason, r.target_date) for r in truth.amber_rows]
    assert got == want
    assert want[2][2].startswith("Packs are being redesigned")


@pytest.mark.parametrize("family, layout", [
    ("sdp", dict(table_style="list")),
    ("csip", dict(table_style="pairs")),
    ("sdp", dict(table_style="ruled")),
])
def test_minutes_in_two_newspaper_columns_read_down_each_column(tmp_path, family, layout):
    from plantrack.extract.minutes_pages import extract_minutes
    from plantrack.extract.pdf_layout import read_pages
    import pdfplumber

    spec = (pf.sdp_minutes_spec if family == "sdp" else pf.csip_minutes_spec)(columns=2, **layout)
    truth = pf.make_minutes(tmp_path / "m.pdf", spec)
    with pdfplumber.open(tmp_path / "m.pdf") as pdf:
        m = extract_minutes(read_pages(pdf.pages))
    assert (m.committee, m.meeting_date) == (truth.committee, truth.meeting_date)
    assert [(i.number, " ".join(i.title.split())) for i in m.agenda_items] == [
        (str(i.number), i.title) for i in truth.items]
    got = [(r.action_text, r.reason, r.effective_reason, r.page) for r in m.amber_reasons]
    assert got == [(r.action_text, r.reason, r.effective_reason, r.page) for r in truth.amber_rows]


def test_a_page_that_is_only_a_reasons_table_is_not_taken_for_two_columns(tmp_path):
    """The reasons table's boundary can fall at the page's middle, as a newspaper gutter does."""
    from plantrack.extract.minutes_pages import extract_minutes
    from plantrack.extract.pdf_layout import read_pages
    import pdfplumber

    spec = pf.sdp_minutes_spec(table_style="unruled", repeat_header=False)
    truth = pf.make_minutes(tmp_path / "m.pdf", spec)
    with pdfplumber.open(tmp_path / "m.pdf") as pdf:
        m = extract_minutes(read_pages(pdf.pages))
    assert [(r.action_text, r.reason) for r in m.amber_reasons] == [
        (r.action_text, r.reason) for r in truth.amber_rows]


FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "real"


def test_real_kent_minutes_cut_down_are_one_meeting_with_their_items():
    """Real printed minutes (Kent County Council, OGL; pages 1 and 4–6): page 5 opens mid-list."""
    ex = extract_document(FIXTURES / "kent_cabinet_minutes_2025-01-09_pages_1_4-6.pdf")
    assert (ex.status, ex.kind) == ("ok", "minutes")
    [meeting] = ex.meetings
    assert (meeting.committee, meeting.meeting_date, meeting.first_page, meeting.last_page) == (
        "Cabinet", "2025-01-09", 1, 4)
    assert [i.number for i in meeting.agenda_items] == ["76", "77", "78", "79", "80", "82", "83"]
    assert meeting.amber_reasons == []
