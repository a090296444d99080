"""The PDF first pass's early answers (issue 28, the reports pack): a page whose whole text names too
few action-table fields is passed over before its lines are read, and a page's share of glyph codes is
counted in one pass. Both must give the answers the full rules give, on papers of every kind."""
import pypdfium2 as pdfium
import pytest
from paperfactory import make_minutes, make_report, sdp_minutes_spec, sdp_spec
from paperfactory.logs import LogSpec, log_variants, make_action_log, sample_actions
from test_packs import concatenate, filler

from plantrack.extract import columns, document, scanned
from plantrack.extract.action_log import looks_like_log


def page_texts_of(path):
    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    """A pack (agenda, minutes, other reports, a plan report, two action logs) and its pages' texts."""
    d = tmp_path_factory.mktemp("first_pass")
    filler(d / "agenda.pdf", 2, "Agenda")
    make_minutes(d / "minutes.pdf", sdp_minutes_spec())
    filler(d / "budget.pdf", 4, "Revenue budget monitoring")
    make_report(d / "report.pdf", sdp_spec("2019-11"))
    logs = list(log_variants().values())
    make_action_log(d / "log.pdf", logs[0])
    # three columns only: the log's header is an action header with least=3 alone
    make_action_log(d / "log3.pdf", LogSpec(title="Action log as of 9 May 2024", plan="Action log",
                                            as_at="2024-05-09", columns=("Action", "Owner", "Status"),
                                            open_actions=sample_actions(6, styles=("word+fill",), seed=3)))
    # other papers between them, so that each is a paper of its own
    parts = ["agenda", "minutes", "budget", "report", "budget", "log", "budget", "log3"]
    concatenate(d / "pack.pdf", [d / f"{p}.pdf" for p in parts])
    return d / "pack.pdf", page_texts_of(d / "pack.pdf")


def test_a_page_that_cannot_name_a_header_is_answered_no_and_every_header_page_is_kept(papers):
    """could_name_header says no only where no line (nor lines together) names an action header:
    every page the full rule takes is kept, for the report's four fields and the log's three."""
    _, texts = papers
    for least in (3, 4):
        kept = [i for i, t in enumerate(texts) if columns.could_name_header(t, least)]
        taken = [i for i, t in enumerate(texts) if document.is_report_page(t, least)]
        assert taken and set(taken) <= set(kept), least
        # the early no does answer: the agenda's and the budget report's running text name no action header
        assert len(kept) < len(texts)
    logs = [i for i, t in enumerate(texts) if looks_like_log(t) and document.is_report_page(t, least=3)]
    assert logs and all(columns.could_name_header(texts[i], 3) for i in logs)


def test_header_words_split_over_lines_or_broken_by_punctuation_are_still_seen():
    """A header printed as one word a line ("Action / Owner / Status"), or its words run into
    punctuation ("Action/Owner", "RAG status:"), names the fields the lines do."""
    assert document.is_report_page("Action\nOwner\nStatus\n", least=3)
    assert columns.could_name_header("Action\nOwner\nStatus\n", least=3)
    page = "Ref.\nAction/Owner\nTarget date\nRAG status:\n1.1 Recruit social workers J Smith Mar 2020 Green"
    assert document.is_report_page(page) and columns.could_name_header(page)
    assert not columns.could_name_header("The committee noted the budget.\nThe meeting closed at 8pm.", least=3)
    # a page of prose naming three fields in passing is no header for four, and not read line by line
    prose = "The action was agreed and the owner gave a progress report."
    assert not columns.could_name_header(prose, least=4) and columns.could_name_header(prose, least=3)


def test_the_pack_is_split_the_same_with_and_without_the_early_no(papers, monkeypatch):
    """find_papers with the early no finds exactly the papers it finds with every page read in full."""
    path, texts = papers
    quick = document.find_papers(texts)
    monkeypatch.setattr(document, "could_name_header", lambda text, least=4: True)
    full = document.find_papers(texts)
    assert quick == full
    assert [p.kind for p in quick].count("plan_report") == 3  # the plan report and both logs
    assert [p.kind for p in quick].count("minutes") == 1


def test_garbled_counts_glyph_codes_but_not_the_control_characters_that_are_white_space():
    """\\x1c–\\x1f and \\x85 are white space to Python (str.isspace), so a text layer separated by them
    is text, not codes; \\x7f–\\x9f and the other control characters are codes."""
    words = "Minutes of the meeting of the Parish Council held on 4 March 2024 "
    assert not scanned.garbled(words.replace(" ", "\x1f") * 3)
    assert not scanned.garbled(words.replace(" ", "\x85") * 3)
    assert scanned.garbled("\x19\x1f\x01ab\x80\x81\x9f\x7f" * 10)
    # 15 % of the characters that are not white space: just garbage at the share, not below it
    assert scanned.garbled("\x01" * 15 + "a" * 85)
    assert not scanned.garbled("\x01" * 14 + "a" * 86)
    assert not scanned.garbled("\x01" * 39)  # too little to tell
