"""A meeting's reports pack: agenda, last meeting's minutes, other papers and the plan report in
one PDF. Each paper is found with its page range; the other pages are not taken for anything."""
from dataclasses import asdict

import pypdfium2 as pdfium
import pytest
from paperfactory import csip_spec, make_minutes, make_report, make_text_page, sdp_minutes_spec, sdp_spec
from reportlab.pdfgen import canvas

from plantrack.extract.document import extract_document

FIELDS = ("priority_number", "ref", "ofsted_ref", "text", "lead", "timescale", "due_date", "success_measure",
          "progress", "rag")


def filler(path, pages: int, title: str) -> None:
    """Other committee papers: running text, numbered paragraphs, no action table."""
    c = canvas.Canvas(str(path), invariant=1)
    for i in range(pages):
        c.setFont("Helvetica", 8)
        c.drawString(36, 810, "Public reports pack")
        c.setFont("Helvetica-Bold", 12)
        c.drawString(72, 770, f"{title} – page {i + 1}")
        c.setFont("Helvetica", 10)
        for j in range(30):
            c.drawString(72, 740 - 20 * j, f"{j + 1}. The Committee is asked to note the update on item {i}.{j}; "
                                           "officers will report back in the new year.")
        c.showPage()
    c.save()


def concatenate(out, parts) -> list[int]:
    """Join PDFs; returns each part's first page (1-based) in the pack."""
    pack, starts = pdfium.PdfDocument.new(), []
    for part in parts:
        src = pdfium.PdfDocument(str(part))
        starts.append(len(pack) + 1)
        pack.import_pages(src)
        src.close()
    pack.save(str(out))
    pack.close()
    return starts


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    d = tmp_path_factory.mktemp("pack")
    filler(d / "agenda.pdf", 3, "Agenda")
    minutes = make_minutes(d / "minutes.pdf", sdp_minutes_spec())
    filler(d / "budget.pdf", 20, "Revenue budget monitoring")
    report = make_report(d / "report.pdf", sdp_spec("2019-11"))
    filler(d / "appendix.pdf", 15, "Appendix B: performance scorecard")
    parts = [d / "agenda.pdf", d / "minutes.pdf", d / "budget.pdf", d / "report.pdf", d / "appendix.pdf"]
    starts = concatenate(d / "pack.pdf", parts)
    return d / "pack.pdf", minutes, report, starts


def test_a_pack_yields_its_report_and_minutes_with_their_pages(pack):
    path, minutes, report, starts = pack
    ex = extract_document(path)
    assert ex.status == "ok" and ex.kind == "pack"
    (r,) = ex.reports
    (m,) = ex.meetings
    assert (r.first_page, r.last_page) == (starts[3], starts[3] + report.pages - 1)
    assert (m.first_page, m.last_page) == (starts[1], starts[1] + minutes.pages - 1)
    assert (r.plan, r.period, r.as_at) == (report.plan, report.period, report.as_at)
    assert [asdict(p) for p in r.priorities] == [asdict(p) for p in report.priorities]
    assert [{f: getattr(a, f) for f in FIELDS} for a in r.actions] == [
        {f: getattr(a, f) for f in FIELDS} for a in report.actions]
    # pages are the pack's pages, not the report's own
    assert [a.page for a in r.actions] == [starts[3] - 1 + a.page for a in report.actions]
    assert (m.committee, m.meeting_date) == (minutes.committee, minutes.meeting_date)
    assert [a.action_text for a in m.amber_reasons] == [a.action_text for a in minutes.amber_rows]


def test_a_pack_without_a_report_or_minutes_is_other(tmp_path):
    filler(tmp_path / "a.pdf", 12, "Agenda and papers")
    ex = extract_document(tmp_path / "a.pdf")
    assert (ex.status, ex.kind, ex.reports, ex.meetings) == ("ok", "other", [], [])


def test_two_reports_in_one_pack(tmp_path):
    make_report(tmp_path / "a.pdf", sdp_spec("2019-10"))
    filler(tmp_path / "f.pdf", 4, "Cover report")
    make_report(tmp_path / "b.pdf", csip_spec("2022-07"))
    starts = concatenate(tmp_path / "pack.pdf", [tmp_path / "a.pdf", tmp_path / "f.pdf", tmp_path / "b.pdf"])
    ex = extract_document(tmp_path / "pack.pdf")
    assert ex.kind == "pack"
    assert [(r.first_page, r.period) for r in ex.reports] == [(starts[0], "2019-10"), (starts[2], "2022-07")]


def test_minutes_whose_every_page_is_headed_minutes_are_one_paper(tmp_path):
    c = canvas.Canvas(str(tmp_path / "m.pdf"), invariant=1)
    c.drawString(72, 790, "MINUTES")
    c.drawString(72, 775, "TOWNSHIP COUNCIL")
    c.drawString(72, 760, "Tuesday, April 2, 2024")
    c.drawString(72, 745, "Present: Mayor and Councillors")
    c.drawString(72, 730, "1. Adoption of the agenda. RESOLVED that the agenda be adopted.")
    c.showPage()
    for page in (2, 3):
        c.drawString(72, 790, f"Minutes – April 2, 2024 – Page {page}")
        c.drawString(72, 760, f"{page + 1}. Correspondence. RESOLVED that the correspondence be received.")
        c.showPage()
    c.save()
    ex = extract_document(tmp_path / "m.pdf")
    assert ex.kind == "minutes"
    assert [(m.first_page, m.last_page, m.meeting_date) for m in ex.meetings] == [(1, 3, "2024-04-02")]


def test_an_agenda_and_a_cover_report_before_the_plan_are_not_part_of_it(tmp_path):
    """The agenda lists the plan and the cover report introduces it ("progress update", "as at"): both
    speak of the plan, neither is the report."""
    make_text_page(tmp_path / "agenda.pdf", [
        "Children’s Safeguarding Sub-Committee", "AGENDA", "Date: Thursday, 12 December 2019", "Venue: Committee Room 1",
        "3 Service Development Plan 2019-20 – progress update as at 30 November 2019", "4 Any other business"])
    make_text_page(tmp_path / "cover.pdf", [
        "Report to the Children’s Safeguarding Sub-Committee",
        "Subject: Service Development Plan 2019-20 – progress update", "Report of: Director of Children’s Services",
        "Wards affected: All", "1. Purpose of the report",
        "This report presents the progress of the plan as at 30 November 2019."])
    report = make_report(tmp_path / "report.pdf", sdp_spec("2019-11"))
    filler(tmp_path / "other.pdf", 2, "Appendix B: Virtual School annual report")
    starts = concatenate(tmp_path / "pack.pdf", [tmp_path / f"{n}.pdf" for n in ("agenda", "cover", "report", "other")])
    ex = extract_document(tmp_path / "pack.pdf")
    assert ex.kind == "pack"
    (r,) = ex.reports
    assert (r.first_page, r.last_page, r.plan, r.as_at) == (starts[2], starts[2] + report.pages - 1, report.plan, report.as_at)


def test_two_reports_back_to_back(tmp_path):
    """No other paper between them: the second report's running head says where the first ends."""
    first = make_report(tmp_path / "a.pdf", sdp_spec("2019-11"))
    second = make_report(tmp_path / "b.pdf", csip_spec("2022-06", orientation="portrait"))
    starts = concatenate(tmp_path / "pack.pdf", [tmp_path / "a.pdf", tmp_path / "b.pdf"])
    ex = extract_document(tmp_path / "pack.pdf")
    assert [(r.plan, r.first_page, r.last_page, len(r.actions)) for r in ex.reports] == [
        (first.plan, starts[0], starts[0] + first.pages - 1, len(first.actions)),
        (second.plan, starts[1], starts[1] + second.pages - 1, len(second.actions))]


def test_a_covering_report_that_lists_the_plan_as_an_appendix_is_not_its_first_page(tmp_path):
    """"• Appendix A – <plan>: progress report, position as at …" names the plan and its date, as the
    report's own title page does; it is the covering report's list of appendices (issue 14)."""
    report = make_report(tmp_path / "report.pdf", csip_spec("2022-06"))
    make_text_page(tmp_path / "covering.pdf", [
        "Item 6", "Improvement Board – 16 August 2022", "Children’s services improvement: update",
        "1. The Board receives the latest position of the improvement work.",
        "2. Appendices",
        f"• Appendix A – {report.plan}: progress report, position as at 30 June 2022",
        "• Appendix B – Ofsted monitoring visit letter, 12 May 2022",
        "3. The Board is asked to note the progress made."])
    starts = concatenate(tmp_path / "pack.pdf", [tmp_path / "covering.pdf", tmp_path / "report.pdf"])
    ex = extract_document(tmp_path / "pack.pdf")
    (r,) = ex.reports
    assert (r.first_page, r.last_page, r.plan, r.period) == (starts[1], starts[1] + report.pages - 1, report.plan,
                                                             report.period)
