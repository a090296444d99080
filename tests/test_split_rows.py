"""A table row that a page break splits is one action (issue 14), as Word and LibreOffice split it.

Word and LibreOffice break a row line by line. When only the first line of row 7.4 fits at the foot
of a page, the ref cell's second line, its Ofsted tag, goes to the next page with the rest of the
wording, under the repeated header: 'Pathway plans' | 'Ofsted 7' 'are reviewed every six months …'.
In a ref column too narrow for the tag, the tag wraps before its number, and the number alone
carries over ("7.4 Ofsted" | "7"). The reader took the carried-over tag (or number) for a row of its
own. The reports are drawn twice: by the project's PDF generator (always), and as Word documents
printed by LibreOffice (when it is installed).
"""
from pathlib import Path

import pdfplumber
import pytest
from wordpapers import PATHWAY, PRIORITY_7, WIDTHS_CM, WordReport, WordRow, make_split_pdf, make_word_report, \
    soffice, soffice_pdf

from plantrack.extract.document import extract_document

WRAPPED_TAG = {"7.4": ["7.4", "Ofsted", "7"]}  # the ref cell in a column narrower than "Ofsted 7"


def actions(pdf: Path):
    ex = extract_document(pdf)
    assert ex.status == "ok" and len(ex.reports) == 1, ex.error
    return ex.reports[0].actions


def assert_read_whole(pdf: Path, rows: list[WordRow] = PRIORITY_7) -> None:
    got = actions(pdf)
    assert [(a.ref, a.ofsted_ref) for a in got] == [(r.ref, r.ofsted) for r in rows]
    pathway = next(a for a in got if a.ref == "7.4")
    # a word hyphenated at a line's end stays as printed ("co- produced"), as the contract says
    assert pathway.text.replace("co- produced", "co-produced") == PATHWAY.text
    assert (pathway.lead, pathway.timescale, pathway.progress, pathway.rag, pathway.page) == (
        PATHWAY.lead, PATHWAY.timescale, PATHWAY.progress, "green", 1)
    assert pathway.success_measure == PATHWAY.success


# ---- the project's PDF generator ------------------------------------------------------------------
@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "text columns"])
@pytest.mark.parametrize("ref_lines, lines_before", [(None, 1), (WRAPPED_TAG, 2), (WRAPPED_TAG, 1)],
                         ids=["tag carried over", "tag's number carried over", "wrapped tag carried over"])
def test_the_ref_cells_tag_carried_over_a_page_break_stays_with_its_action(tmp_path, ruled, ref_lines, lines_before):
    pdf = make_split_pdf(tmp_path / "report.pdf", PRIORITY_7, ref_lines=ref_lines,
                         break_inside={3: lines_before}, ruled=ruled)
    with pdfplumber.open(pdf) as doc:
        first, second = (p.extract_text() for p in doc.pages[:2])
    assert "Pathway plans" in first and "young person" not in first.split("7.4")[-1]
    assert second.splitlines()[2].startswith(("Ofsted", "7 "))  # the layout under test: under the header
    assert_read_whole(pdf)


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "text columns"])
def test_a_tag_wrapped_before_its_number_in_one_page(tmp_path, ruled):
    pdf = make_split_pdf(tmp_path / "report.pdf", PRIORITY_7, ref_lines=WRAPPED_TAG, ruled=ruled)
    assert_read_whole(pdf)


def test_a_row_with_a_tag_for_a_ref_at_the_top_of_a_page_is_an_action_of_its_own(tmp_path):
    """Not every tag at a page's top is carried over: a row that starts the page whole (its status
    printed, its lead and timescale filled, its wording a sentence) is an action, ref or none."""
    rows = PRIORITY_7[:3] + [WordRow(None, "Every care leaver has a personal adviser from the age of 16",
                                     "Leaving Care Team Manager", "March 2020", "All care leavers allocated",
                                     "Allocated for 97% of care leavers.", "Green", ofsted="Ofsted 5")]
    pdf = make_split_pdf(tmp_path / "report.pdf", rows, rows_per_page=3)
    with pdfplumber.open(pdf) as doc:
        assert doc.pages[1].extract_text().splitlines()[2].startswith("Ofsted 5 Every care leaver")
    got = actions(pdf)
    assert [(a.ref, a.ofsted_ref, a.page) for a in got] == [("7.1", None, 1), ("7.2", None, 1), ("7.3", None, 1),
                                                             (None, "Ofsted 5", 2)]
    assert got[2].text == PRIORITY_7[2].text


# ---- Word documents printed by LibreOffice ---------------------------------------------------------
def carried_ref(pdf: Path, ref_right: float) -> str | None:
    """The ref cell of the first row under the header on the page after the one row 7.4 starts on,
    when the page break falls inside row 7.4; else None."""
    with pdfplumber.open(pdf) as doc:
        pages = [p.extract_words() for p in doc.pages]
    start = next(i for i, ws in enumerate(pages) if any(w["text"] == "Pathway" for w in ws))
    if start + 1 >= len(pages) or not any(w["text"] == "produced" for w in pages[start + 1]):
        return None
    words = pages[start + 1]
    header = next(w for w in words if w["text"] == "Ref")
    below = [w for w in words if w["top"] > header["bottom"] + 12 and w["x1"] < ref_right]  # under "Measure of / success"
    top = min(w["top"] for w in below)
    return " ".join(w["text"] for w in below if abs(w["top"] - top) < 2)


# (layout, padding, nudges): each variant prints the report at a few nearby positions, so that at least
# one puts the break inside row 7.4's ref cell whatever small differences in fonts move the lines.
WORD_VARIANTS = {
    "ruled": (dict(), 23, (0, 2, 4)),
    "text columns": (dict(ruled=False), 20, (7, 10, 13)),
    "narrow ref column": (dict(widths_cm=(1.5, 3.5, 2.6, 2.3, 3.0, 3.3, 1.5)), 22, (8, 10, 12)),
}


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed: the Word documents "
                                               "cannot be printed to PDF")
def test_word_reports_printed_by_libreoffice(tmp_path):
    docs, cases = [], []
    for name, (layout, padding, nudges) in WORD_VARIANTS.items():
        for nudge in nudges:
            spec = WordReport(rows=PRIORITY_7, padding=padding, nudge_pt=nudge, **layout)
            docs.append(make_word_report(tmp_path / f"{name.replace(' ', '_')}_{nudge}.docx", spec))
            cases.append((name, spec))
    carried: dict[str, list[str]] = {name: [] for name in WORD_VARIANTS}
    for (name, spec), pdf in zip(cases, soffice_pdf(docs, tmp_path / "pdf")):
        ref_right = 47 + spec.widths_cm[0] / 2.54 * 72  # the left margin (1.65 cm) and the ref column
        ref = carried_ref(pdf, ref_right)
        if ref in ("Ofsted 7", "7"):
            carried[name].append(ref)
        assert_read_whole(pdf)
    missing = [name for name, refs in carried.items() if not refs]
    assert not missing, f"LibreOffice put no page break inside row 7.4's ref cell for {missing}: adjust the nudges"
    assert WIDTHS_CM[0] > 1.5  # the default ref column holds "Ofsted 7" on one line


# ---- text columns whose header is not printed again on the next page -------------------------------
PROSE = ["8. Next steps",
         "The service will report on these actions to the Corporate Parenting Board in the spring, with a "
         "fuller account of the work with care leavers and of what young people have told us about it.",
         "7.6 Further work with the Children in Care Council is planned for the new year, and the board "
         "will be asked to agree the priorities for the next plan at its meeting in March 2020.",
         "Report author: Head of Service, Children Looked After and Care Leavers"]


@pytest.mark.parametrize("ref_lines, lines_before", [(None, 1), (None, 3), (WRAPPED_TAG, 2)],
                         ids=["tag carried over", "wording carried over", "tag's number carried over"])
def test_a_row_split_by_a_page_break_without_a_repeated_header_is_read_whole(tmp_path, ref_lines, lines_before):
    pdf = make_split_pdf(tmp_path / "report.pdf", PRIORITY_7, ref_lines=ref_lines, break_inside={3: lines_before},
                         ruled=False, repeat_header=False)
    with pdfplumber.open(pdf) as doc:
        second = doc.pages[1].extract_text()
    assert "Ref" not in second and "7.5" in second  # the layout under test: no header on page 2
    assert_read_whole(pdf)
    assert [a.page for a in actions(pdf)] == [1, 1, 1, 1, 2]


def test_rows_after_a_page_break_without_a_repeated_header_are_read(tmp_path):
    pdf = make_split_pdf(tmp_path / "report.pdf", PRIORITY_7, rows_per_page=3, ruled=False, repeat_header=False)
    with pdfplumber.open(pdf) as doc:
        assert doc.pages[1].extract_text().startswith("7.4 Pathway plans")
    got = actions(pdf)
    assert [(a.ref, a.ofsted_ref, a.page) for a in got] == [
        ("7.1", None, 1), ("7.2", None, 1), ("7.3", None, 1), ("7.4", "Ofsted 7", 2), ("7.5", None, 2)]
    assert [a.text for a in got] == [r.text for r in PRIORITY_7]
    assert (got[4].lead, got[4].progress, got[4].rag) == (PRIORITY_7[4].lead, PRIORITY_7[4].progress, "amber")


def test_a_page_of_prose_after_a_text_table_is_not_read_as_its_rows(tmp_path):
    rows = PRIORITY_7[:3]
    pdf = make_split_pdf(tmp_path / "report.pdf", rows, ruled=False, repeat_header=False, after=PROSE)
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 2 and doc.pages[1].extract_text().startswith("8. Next steps")
    got = actions(pdf)
    assert [(a.ref, a.page) for a in got] == [("7.1", 1), ("7.2", 1), ("7.3", 1)]
    assert [(a.text, a.progress) for a in got] == [(r.text, r.progress) for r in rows]
