"""Plan reports of many layouts, made by the generator, read back field by field."""
from dataclasses import asdict

import pdfplumber
import pytest
from paperfactory import csip_spec, make_report, sdp_spec

from plantrack.extract.document import extract_document
from plantrack.extract.pdf_layout import read_report_page
from plantrack.extract.report_layout import cell_texts

FIELDS = ("priority_number", "ref", "ofsted_ref", "text", "lead", "timescale", "due_date", "success_measure",
          "progress", "rag", "page")

BACKGROUND = ("Ofsted’s focused visit found that too many children waited too long for help and that the social "
              "care workforce was not yet stable. This plan brings together what we have committed to do. ") * 6

LAYOUTS = {
    "sdp fill rgb": lambda: sdp_spec("2019-10"),
    "sdp fill cmyk": lambda: sdp_spec("2019-11", colour_space="cmyk"),
    "sdp fill grey levels": lambda: sdp_spec("2019-11", colour_space="grey"),
    "sdp landscape": lambda: sdp_spec("2019-12", orientation="landscape"),
    "sdp status as a letter": lambda: sdp_spec("2019-10", status_style="letter"),
    "sdp word without colour": lambda: sdp_spec("2019-10", status_style="word_plain", legend=None),
    "sdp fill without a key": lambda: sdp_spec("2019-11", legend=None),
    "sdp with a purple-for-grey key": lambda: sdp_spec("2019-10", legend="csip", palette="csip"),
    "sdp rows split over page breaks": lambda: sdp_spec("2019-11", break_inside={"1.3": 2, "2.4": 3, "3.2": 2}),
    "sdp text columns without rules": lambda: sdp_spec("2019-10", ruled=False),
    "csip word in a filled cell": lambda: csip_spec("2022-06"),
    "csip letter in cmyk fill": lambda: csip_spec("2022-07"),
    "csip coloured symbol": lambda: csip_spec("2022-08"),
    "csip grey colour space": lambda: csip_spec("2022-07", colour_space="grey"),
    "alt vocabulary, status last": lambda: csip_spec(
        "2022-06", vocabulary="alt", column_order=["ref", "text", "lead", "timescale", "success", "progress", "status"]),
    "alt vocabulary, extra column": lambda: sdp_spec(
        "2019-10", vocabulary="alt", extra_column="Budget",
        column_order=["ref", "text", "lead", "extra", "timescale", "success", "progress", "status"]),
    "csip portrait, a title over two lines": lambda: csip_spec(
        "2022-06", orientation="portrait",
        plan="Children’s Services, Families and Early Help Improvement and Development Plan 2022-23"),
    "csip, background, scores and key over three pages before the first table": lambda: csip_spec(
        "2022-07", intro=[BACKGROUND] * 9, notes=[BACKGROUND] * 8),
    "text columns, header cells wrapped over two lines": lambda: sdp_spec(
        "2019-11", ruled=False, vocabulary="csip", font="dejavu-serif"),
    "text columns under a shaded header row": lambda: csip_spec("2022-06", ruled=False, status_style="word_plain"),
    "text columns, headers centred over their columns": lambda: sdp_spec(
        "2019-10", ruled=False, header_align="centre", vocabulary="csip", orientation="landscape"),
    "text columns, letters in shaded cells": lambda: sdp_spec(
        "2019-10", ruled=False, status_style="letter", vocabulary="csip", rows_per_page=6),
    "text columns, a year alone on a cell's last line": lambda: sdp_spec(
        "2019-10", ruled=False, status_style="symbol", orientation="landscape", vocabulary="alt", legend=None),
    "text columns, unusual order with an extra column, headers wrapped": lambda: sdp_spec(
        "2019-10", ruled=False, status_style="letter", vocabulary="csip", legend="csip", extra_column="Resources",
        column_order=["ref", "text", "lead", "extra", "timescale", "success", "progress", "status"]),
    "no ref column, letters, rows starting pages and a row split by a page break": lambda: sdp_spec(
        "2019-10", status_style="letter", column_order=["text", "lead", "timescale", "success", "progress", "status"],
        rows_per_page=3, break_inside={"2.2": 1}),
    "text columns, a note right under the last table": lambda: csip_spec(
        "2022-07", ruled=False, closing=["Report author: Improvement Programme Manager, Children, Families and Learning",
                                         "Background papers: none"]),
    "text columns, few rows a page under priority headings": lambda: csip_spec(
        "2022-06", status_style="symbol", orientation="landscape", ruled=False, font="dejavu-serif", rows_per_page=4),
    "text columns, a split row's last words alone at the top of a page": lambda: csip_spec(
        "2022-08", status_style="letter", colour_space="rgb", orientation="portrait", ruled=False, vocabulary="csip",
        legend="sdp"),
    "text columns, centred headers over a last page of short texts": lambda: sdp_spec(
        "2019-10", status_style="word_plain", ruled=False, vocabulary="alt", font="dejavu-serif", legend="csip",
        rows_per_page=3, header_align="centre"),
    "text columns, centred headers, a heading wrapped over a split row": lambda: sdp_spec(
        "2019-10", status_style="word_plain", ruled=False, font="times", legend=None, header_align="centre",
        break_inside={"2.4": 1, "3.3": 2}),
    "the action's header just before the ref's, read as one 'Action No.' by the first pass": lambda: csip_spec(
        "2022-06", column_order=["progress", "lead", "text", "ref", "timescale", "success", "status"]),
    "scores with a number of actions and a direction of travel, overall as a sentence": lambda: csip_spec(
        "2022-07", score_extra_columns=True, overall_as_sentence=True),
    "scores labelled 'Priority N – title'": lambda: sdp_spec("2019-11", score_label_style="priority"),
    "scores labelled 'Priority N – title' beside a No. column, with extra columns": lambda: csip_spec(
        "2022-06", score_label_style="priority", score_extra_columns=True),
    "status words with the old status beside them: 'Green (was Amber)'": lambda: sdp_spec(
        "2019-11", status_style="word_was"),
    "two status columns headed by month, the current one last": lambda: sdp_spec(
        "2019-11", status_style="word", status_header="Nov 2019 RAG", extra_column="Oct 2019 RAG",
        column_order=["ref", "text", "lead", "timescale", "success", "progress", "extra", "status"]),
    "two status columns headed by month, the current one first": lambda: csip_spec(
        "2022-07", status_header="July 2022 status", extra_column="June 2022 status",
        column_order=["status", "extra", "ref", "text", "lead", "timescale", "success", "progress"]),
    "as at printed as 'Period: <month>'": lambda: csip_spec("2022-07", as_at_line="Period: July 2022"),
    "progress words whose meaning the key gives ('Off Track': some delay)": lambda: sdp_spec(
        "2019-11", status_style="word_plain", legend="track"),
    "the key after the action tables, statuses in grey levels": lambda: sdp_spec(
        "2019-10", colour_space="grey", legend_at_end=True),
    "no status column: the whole row in its status colour, by the key": lambda: sdp_spec(
        "2019-10", status_style="row_fill", column_order=["ref", "text", "lead", "timescale", "success", "progress"]),
    "text up to the cell borders (a spreadsheet's export), ● rising above its cell": lambda: sdp_spec(
        "2019-11", status_style="symbol", cell_pad=0.4),
    "text up to the cell borders, landscape, letters": lambda: csip_spec("2022-07", cell_pad=0.4),
    "the Ofsted recommendation in a column of its own": lambda: sdp_spec(
        "2019-10", column_order=["ref", "ofsted", "text", "lead", "timescale", "success", "progress", "status"]),
    "rows cut by a page break without borders, as a browser prints them": lambda: sdp_spec(
        "2019-11", open_cut=True, break_inside={"1.3": 2, "2.4": 3, "3.2": 2}),
    "scores table without rules, titles wrapping, portrait": lambda: csip_spec(
        "2022-06", scores_ruled=False, orientation="portrait"),
    "scores table without rules, overall row first": lambda: sdp_spec("2019-10", scores_ruled=False),
    "landscape pages stored turned, Rotate 90": lambda: csip_spec("2022-07", stored_rotated=90),
    "landscape pages stored turned, Rotate 270, fills": lambda: sdp_spec(
        "2019-11", orientation="landscape", stored_rotated=270),
    "priorities numbered I, II, III": lambda: csip_spec("2022-06", roman_priorities=True),
    "priorities numbered I, II, III, scores as '1. title' rows": lambda: sdp_spec("2019-10", roman_priorities=True),
    "no scores table: each heading prints its scores": lambda: sdp_spec("2019-11", scores_in_headings=True),
    "header words broken over lines in narrow columns": lambda: sdp_spec(
        "2019-10", vocabulary="narrow", status_style="letter"),
    "grey ● symbols, key as lines of text that wrap": lambda: sdp_spec(
        "2019-10", status_style="symbol", colour_space="grey", orientation="landscape", font="dejavu-serif"),
    "csip portrait, status in the middle": lambda: csip_spec(
        "2022-08", orientation="portrait", column_order=["ref", "text", "status", "lead", "timescale", "success", "progress"]),
}


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    made = {}
    for name, spec in LAYOUTS.items():
        path = folder / (name.replace(" ", "_").replace(",", "") + ".pdf")
        made[name] = (path, make_report(path, spec()))
    return made


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_action_is_read_exactly(papers, layout):
    path, truth = papers[layout]
    ex = extract_document(path)
    assert ex.status == "ok" and ex.kind == "plan_report", ex.error
    (report,) = ex.reports
    got = [{f: getattr(a, f) for f in FIELDS} for a in report.actions]
    want = [{f: getattr(a, f) for f in FIELDS} for a in truth.actions]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g == w, f"{layout}: action {w['ref']}"


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_title_period_and_scores(papers, layout):
    path, truth = papers[layout]
    (report,) = extract_document(path).reports
    assert (report.plan, report.period, report.as_at) == (truth.plan, truth.period, truth.as_at)
    assert (report.overall_previous_score, report.overall_current_score) == (
        truth.overall_previous_score, truth.overall_current_score)
    assert [asdict(p) for p in report.priorities] == [asdict(p) for p in truth.priorities]
    assert (report.first_page, report.last_page) == (1, truth.pages)


def test_unknown_columns_are_kept_in_extra(papers):
    path, truth = papers["alt vocabulary, extra column"]
    (report,) = extract_document(path).reports
    assert [a.extra.get("Budget") for a in report.actions] == [a.extra for a in truth.actions]


def test_the_key_decides_what_purple_means(papers):
    path, truth = papers["sdp with a purple-for-grey key"]
    (report,) = extract_document(path).reports
    assert "grey" in {a.rag for a in truth.actions}
    assert [a.rag for a in report.actions] == [a.rag for a in truth.actions]
    assert "grey" in report.legend.values()


def test_a_priority_cell_merged_down_the_table(tmp_path):
    """Word plans often give the priority as one cell merged down over its actions' rows; that cell
    stretches the first row over the others, whose words must still land in their own rows."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    rows = [("1.1", "Recruit permanent team managers for the assessment teams", "Head of Service", "March 2020",
             "Two managers appointed in February.", "Green"),
            ("1.2", "Reduce the agency rate below 15% of the workforce", "HR Business Partner", "Ongoing",
             "Agency rate is 17%.", "Amber"),
            ("1.3", "Relaunch exit interviews with human resources", "Principal Social Worker", "31/01/2020",
             "Not yet started.", "Red")]
    style = getSampleStyleSheet()["BodyText"]
    data = [["Priority", "Ref", "Action", "Lead", "Timescale", "Progress update", "RAG"]]
    data += [["1" if i == 0 else "", ref, Paragraph(text, style), lead, when, Paragraph(progress, style), rag]
             for i, (ref, text, lead, when, progress, rag) in enumerate(rows)]
    table = Table(data, colWidths=[50, 35, 190, 110, 70, 200, 50])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)), ("SPAN", (0, 1), (0, 3)),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    path = tmp_path / "merged.pdf"
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4))
    doc.build([Paragraph("Workforce Improvement Plan 2019-20", getSampleStyleSheet()["Title"]),
               Paragraph("Progress update as at 31 March 2020", style), table])
    with pdfplumber.open(path) as pdf:  # read as the ruled table it is, not rebuilt from text columns
        page = read_report_page(pdf.pages[0], 0)
    (found,) = page.tables
    cells = cell_texts(found, page.words)
    assert [row[1] for row in cells] == ["Ref", "1.1", "1.2", "1.3"]
    (report,) = extract_document(path).reports
    assert [(a.ref, a.text, a.lead, a.timescale, a.progress, a.rag) for a in report.actions] == [
        (ref, text, lead, when, progress, rag.lower()) for ref, text, lead, when, progress, rag in rows]
    assert [a.priority_number for a in report.actions] == [1, 1, 1]
