"""The fixture generator itself: it runs, pdfplumber reads what it writes, and the truth it returns
describes the pages it drew. (The extractor is tested elsewhere, against these papers.)"""
from __future__ import annotations

import time

import pdfplumber
import pytest

from paperfactory import (RAGS, SCORE, csip_minutes_spec, csip_spec, due_date, make_empty,
                          make_encrypted, make_image_only, make_minutes, make_not_pdf, make_report,
                          make_truncated, sdp_minutes_spec, sdp_spec, status_colour, symbol_font)


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _colour(value) -> tuple:
    """pdfplumber reports a grey fill as a bare number, other spaces as tuples."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _header_word(page, text: str) -> dict:
    """The table header's word (the topmost one with that text)."""
    return min((w for w in page.extract_words() if w["text"] == text), key=lambda w: w["top"])


def _words_between(page, left: float, right: float, top: float, bottom: float) -> list[dict]:
    return [w for w in page.extract_words()
            if left - 1 <= w["x0"] and w["x1"] <= right and top - 1 <= w["top"] < bottom]


def _ref_word(page, ref: str, column_left: float, column_right: float) -> dict:
    return next(w for w in page.extract_words()
                if w["text"] == ref and column_left - 1 <= w["x0"] < column_right)


@pytest.fixture(scope="module")
def sdp_november(tmp_path_factory):
    path = tmp_path_factory.mktemp("papers") / "sdp.pdf"
    return path, make_report(path, sdp_spec("2019-11"))


def test_report_pages_title_and_refs(sdp_november):
    path, truth = sdp_november
    assert (truth.plan, truth.period, truth.as_at) == ("Service Development Plan 2019-20", "2019-11",
                                                       "2019-11-30")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == truth.pages == truth.last_page
        first = _norm(pdf.pages[0].extract_text())
        assert truth.plan in first and "Progress update as at 30 November 2019" in first
        assert f"Page 1 of {truth.pages}" in first
        for action in truth.actions:
            page = pdf.pages[action.page - 1]
            ref = _header_word(page, "Ref")
            assert _ref_word(page, action.ref, ref["x0"], ref["x0"] + 30)
    assert {a.rag for a in truth.actions} == set(RAGS)
    assert [a.ofsted_ref for a in truth.actions if a.ofsted_ref][:2] == ["Ofsted 1", "Ofsted 2"]


@pytest.mark.parametrize("space, length", [("rgb", 3), ("cmyk", 4), ("grey", 1)])
def test_status_fills_per_colour_space(tmp_path, space, length):
    path = tmp_path / "report.pdf"
    truth = make_report(path, sdp_spec("2019-10", colour_space=space))
    with pdfplumber.open(path) as pdf:
        key = {_colour(r["non_stroking_color"]) for r in pdf.pages[0].rects if r["fill"]}
        assert {status_colour(rag, "sdp", space) for rag in RAGS} <= key
        for action in truth.actions:
            page = pdf.pages[action.page - 1]
            ref, rag = _header_word(page, "Ref"), _header_word(page, "RAG")
            row = _ref_word(page, action.ref, ref["x0"], ref["x0"] + 30)
            cell = next(r for r in page.rects if r["fill"] and r["x0"] <= rag["x0"] <= r["x1"]
                        and r["top"] <= row["top"] <= r["bottom"])
            colour = _colour(cell["non_stroking_color"])
            assert len(colour) == length
            assert colour == pytest.approx(status_colour(action.rag, "sdp", space), abs=1e-3)


def test_status_colours_are_the_samples():
    assert status_colour("amber", "sdp") == (1.0, 0.7529, 0.0)
    assert status_colour("grey", "csip") == (0.502, 0.3922, 0.6353)  # the CSIP key's purple
    assert status_colour("amber", "csip", "cmyk") == (0.0, 0.35, 0.95, 0.0)
    greys = [status_colour(rag, "sdp", "grey") for rag in RAGS]
    assert len(set(greys)) == 5 and all(len(g) == 1 for g in greys)


@pytest.mark.parametrize("ref, after, lines", [("1.3", "1.4", 2), ("1.1", "1.2", 1)])
def test_row_split_over_page_break(tmp_path, ref, after, lines):
    path = tmp_path / "split.pdf"
    truth = make_report(path, sdp_spec("2019-10", break_inside={ref: lines}))
    action = next(a for a in truth.actions if a.ref == ref)
    following = next(a for a in truth.actions if a.ref == after)
    with pdfplumber.open(path) as pdf:
        here, there = pdf.pages[action.page - 1], pdf.pages[action.page]
        parts = []
        for page, start_ref in ((here, action.ref), (there, None)):
            ref, text, lead = (_header_word(page, w) for w in ("Ref", "Action", "Lead"))
            top = (_ref_word(page, start_ref, ref["x0"], text["x0"])["top"] if start_ref
                   else ref["bottom"] + 2)
            bottom = (_ref_word(page, following.ref, ref["x0"], text["x0"])["top"]
                      if page is there else page.height)
            words = _words_between(page, text["x0"], lead["x0"], top, bottom)
            parts.append(words)
            if page is there:  # the continuation row leaves the ref cell empty
                assert not _words_between(page, ref["x0"], text["x0"], top, bottom)
        assert len({round(w["top"]) for w in parts[0]}) == lines
        assert " ".join(w["text"] for part in parts for w in part) == action.text
    assert action.page + 1 == following.page


def test_rows_per_page_repeats_the_header(tmp_path):
    path = tmp_path / "paged.pdf"
    truth = make_report(path, csip_spec("2022-06", rows_per_page=3, split_rows=False))
    starts = [a.page for a in truth.actions]
    assert max(starts.count(p) for p in set(starts)) <= 3
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == truth.pages >= 1 + len(truth.actions) // 3
        for page in pdf.pages[1:]:
            assert {"Status", "Commentary"} <= {w["text"] for w in page.extract_words()}


@pytest.mark.parametrize("style, shown", [("word", "Amber"), ("letter", "A"), ("symbol", "●"),
                                          ("word_plain", "Amber")])
def test_csip_status_styles(tmp_path, style, shown):
    if style == "symbol" and symbol_font() is None:
        pytest.skip("no font with a ● glyph on this machine")
    path = tmp_path / f"{style}.pdf"
    truth = make_report(path, csip_spec("2022-06", status_style=style))
    amber = next(a for a in truth.actions if a.rag == "amber")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[amber.page - 1]
        status, number, text = (_header_word(page, w) for w in ("Status", "No.", "Action"))
        row = _ref_word(page, amber.ref, number["x0"], text["x0"])
        in_cell = _words_between(page, status["x0"] - 3, number["x0"], row["top"] - 4, row["bottom"] + 4)
        assert [w["text"] for w in in_cell] == [shown]
        fills = [r for r in page.rects if r["fill"] and r["x1"] <= number["x0"] + 1
                 and r["top"] <= row["top"] <= r["bottom"]]
        expected = status_colour("amber", "csip", "rgb")
        if style in ("word", "letter"):
            assert _colour(fills[0]["non_stroking_color"]) == pytest.approx(expected, abs=1e-3)
        else:
            assert not fills
        if style == "symbol":
            dot = next(c for c in page.chars if c["text"] == "●" and abs(c["top"] - in_cell[0]["top"]) < 1)
            assert _colour(dot["non_stroking_color"]) == pytest.approx(expected, abs=1e-3)


def test_alt_vocabulary_extra_column_and_order(tmp_path):
    path = tmp_path / "alt.pdf"
    order = ["status", "ref", "text", "lead", "timescale", "success", "progress"]
    truth = make_report(path, sdp_spec("2019-10", vocabulary="alt", extra_column="Budget",
                                       column_order=order, status_style="letter"))
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[1]
        text = _norm(page.extract_text())
        for header in ("What we will do", "By when", "How we will know", "Budget", "Update"):
            assert header in text
        assert _header_word(page, "RAG")["x0"] < _header_word(page, "No.")["x0"]
    assert truth.actions[0].extra == "£85,000"
    assert all(a.extra for a in truth.actions)


def test_truth_fields_follow_the_contract():
    spec = sdp_spec("2019-11")
    previous = sdp_spec("2019-10")
    for now, before in zip(spec.priorities, previous.priorities):
        assert now.previous_score == before.current_score  # restated scores agree
        scores = [SCORE[a.rag] for a in now.actions if a.rag]
        assert now.current_score == pytest.approx(sum(scores) / len(scores), abs=0.05)
    assert spec.overall_previous == previous.overall_current
    assert [due_date(t) for t in ("March 2020", "Mar-20", "31/03/2020", "03/2020", "Ongoing",
                                  "Q3 2022/23")] == ["2020-03-31"] * 4 + [None, None]


def test_csip_series_renumbers_and_changes_style():
    june, july = csip_spec("2022-06"), csip_spec("2022-07")
    refs = [a.ref for p in july.priorities for a in p.actions]
    assert refs == [str(n) for n in range(1, len(refs) + 1)]
    assert (june.status_style, july.status_style, july.colour_space) == ("word", "letter", "cmyk")
    assert len(refs) == len([a for p in june.priorities for a in p.actions]) + 1


@pytest.mark.parametrize("builder, ruled", [(sdp_minutes_spec, True), (csip_minutes_spec, False)])
def test_minutes(tmp_path, builder, ruled):
    path = tmp_path / "minutes.pdf"
    spec = builder()
    truth = make_minutes(path, spec)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == truth.pages == 2
        texts = [_norm(p.extract_text()) for p in pdf.pages]
        assert spec.committee in texts[0] and "Minutes of the meeting held" in texts[0]
        assert all(spec.reason_header in t for t in texts)  # header repeated on page 2
        assert bool(pdf.pages[0].lines) == ruled
        for row in truth.amber_rows:
            assert row.action_text.split()[0] in texts[row.page - 1]
    rows = truth.amber_rows
    assert [r.position for r in rows] == list(range(1, len(rows) + 1))
    assert {r.page for r in rows} == {1, 2}
    back = next(i for i, r in enumerate(rows) if r.reason.rstrip(".") in ("Same as above", "As above"))
    assert rows[back].effective_reason == rows[back - 1].reason
    assert any(r.new_rag == "green" for r in rows) and any(r.target_date for r in rows)
    assert any(r.ref is None for r in rows)
    assert any(r.action_text.count("(") > r.action_text.count(")") for r in rows)
    assert any(i.resolution and i.resolution.startswith("RESOLVED") for i in truth.items)


def test_minutes_rows_point_at_the_discussed_report():
    report = sdp_spec("2019-11")
    actions = {a.ref: a for p in report.priorities for a in p.actions}
    for row in sdp_minutes_spec().items[3].amber_rows:
        if row.ref:
            assert actions[row.ref].rag == "amber"
            assert actions[row.ref].text.startswith(row.action_text)


def test_files_that_cannot_be_read(tmp_path):
    good = tmp_path / "good.pdf"
    make_report(good, sdp_spec())
    bad = {name: tmp_path / f"{name}.pdf" for name in ("html", "empty", "truncated", "encrypted")}
    make_not_pdf(bad["html"])
    make_empty(bad["empty"])
    make_truncated(bad["truncated"], good)
    make_encrypted(bad["encrypted"], user_password="secret")
    assert bad["empty"].stat().st_size == 0
    assert bad["truncated"].stat().st_size == int(good.stat().st_size * 0.6)
    for path in bad.values():
        with pytest.raises(Exception):  # noqa: B017 - each broken file fails in its own way; any failure will do
            with pdfplumber.open(path) as pdf:
                [page.extract_text() for page in pdf.pages]
    with pdfplumber.open(bad["encrypted"], password="secret") as pdf:
        assert "Service Development Plan 2019-20" in pdf.pages[0].extract_text()


def test_scan_has_no_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    make_image_only(path, pages=2)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
        assert all(not page.chars and page.images for page in pdf.pages)


def test_same_spec_same_bytes_quickly(tmp_path):
    start = time.perf_counter()
    for name in ("a", "b"):
        make_report(tmp_path / f"{name}.pdf", csip_spec("2022-07"))
    assert (time.perf_counter() - start) / 2 < 0.5
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
