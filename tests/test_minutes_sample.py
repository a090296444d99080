"""Minutes extraction end to end: the three sample minutes against gold.json (skipped when the sample
corpus is not present), and minutes drawn by tests/paperfactory/ in several layouts."""
import difflib
import json
import unicodedata

import pytest
from conftest import SHARED

from plantrack.extract.minutes_pages import extract_minutes
from plantrack.extract.minutes_head import looks_like_minutes
from plantrack.extract.pdf_layout import read_pages
from plantrack.pipeline.reconcile.linking import discussed_report, match_reasons, plan_key

SAMPLE = SHARED / "corpus" / "sample"
MINUTES = ["Minutes_Childrens_Safeguarding_Sub-Committee_12_December_2019.pdf",
           "Children_and_Families_OSC_minutes_19_July_2022.pdf",
           "Improvement_Board_minutes_16.08.2022.pdf"]
needs_sample = pytest.mark.skipif(not (SAMPLE / "gold.json").exists(), reason="sample corpus not available")

_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
           "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"'}


def fold(s):
    """As ../shared/eval/score.py: white space, case, quotes and dashes."""
    if s is None:
        return None
    s = unicodedata.normalize("NFKC", str(s))
    s = "".join(_QUOTES.get(ch, "-" if unicodedata.category(ch) == "Pd" else " " if ch == "\u00a0" else ch)
                for ch in s)
    return " ".join(s.split()).casefold()


def text_eq(g, d):
    if not g or not d:
        return not g and not d
    a, b = fold(g), fold(d)
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.95


@pytest.fixture(scope="module")
def gold():
    return json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def extracted():
    import pdfplumber
    out = {}
    for name in MINUTES:
        with pdfplumber.open(SAMPLE / name) as pdf:
            out[name] = (looks_like_minutes(pdf.pages[0].extract_text() or ""), extract_minutes(read_pages(pdf.pages)))
    return out


def _sha(gold, name):
    return next(f["sha256"] for f in gold["files"] if f["file"] == name)


@needs_sample
@pytest.mark.parametrize("name", MINUTES)
def test_meeting(name, gold, extracted):
    kind_ok, m = extracted[name]
    g = next(x for x in gold["meetings"] if x["sha256"] == _sha(gold, name))
    assert kind_ok
    assert fold(m.committee) == fold(g["committee"])
    assert m.meeting_date == g["meeting_date"]
    assert (m.first_page, m.last_page) == (g["first_page"], g["last_page"])


@needs_sample
@pytest.mark.parametrize("name", MINUTES)
def test_amber_reasons(name, gold, extracted):
    _, m = extracted[name]
    want = [r for r in gold["amber_reasons"] if r["sha256"] == _sha(gold, name)]
    got = {r.position: r for r in m.amber_reasons}
    assert len(m.amber_reasons) == len(want)
    for g in want:
        d = got[g["position"]]
        assert plan_key(d.plan) == plan_key(g["plan"]), g["position"]
        for f in ("action_text", "reason", "effective_reason"):
            assert text_eq(g[f], getattr(d, f)), (g["position"], f, g[f], getattr(d, f))
        assert d.new_rag == g["new_rag"], g["position"]
        assert d.target_date == g["target_date"], g["position"]


@needs_sample
def test_other_papers_are_not_minutes():
    import pdfplumber
    for name in ["Agenda_Childrens_Safeguarding_Sub-Committee_12_December_2019.pdf",
                 "SDP_2019-20_progress_update_November_2019.pdf", "CSIP_progress_update_July_2022.pdf"]:
        with pdfplumber.open(SAMPLE / name) as pdf:
            assert not looks_like_minutes(pdf.pages[0].extract_text() or ""), name


@needs_sample
@pytest.mark.parametrize("name", MINUTES)
def test_linking(name, gold, extracted):
    """Gold reasons link to the gold action of the report the meeting discussed (or to none)."""
    _, m = extracted[name]
    sha = _sha(gold, name)
    meeting = next(x for x in gold["meetings"] if x["sha256"] == sha)
    reports = [dict(id=r["period"], plan=r["plan"], as_at=r["as_at"]) for r in gold["reports"]]
    want = [r for r in gold["amber_reasons"] if r["sha256"] == sha]
    report = discussed_report(meeting["meeting_date"], want[0]["plan"], reports)
    assert report is not None
    actions = [dict(id=(a["period"], a["ref"]), ref=a["ref"], text=a["text"]) for a in gold["actions"]
               if a["period"] == report["id"] and plan_key(a["plan"]) == plan_key(report["plan"])]
    for texts in ([g["action_text"] for g in want], [r.action_text for r in m.amber_reasons]):
        links = match_reasons(texts, actions)
        for g, (aid, score) in zip(want, links):
            expected = None if g["action"] is None else (g["action"]["period"], g["action"]["ref"])
            assert aid == expected, (g["position"], g["action_text"], aid, score)


# --------------------------------------------------------------------------------------------
# Generated minutes: the sample families' layouts and the variants a council might use.

try:
    import paperfactory as pf
except ImportError:  # the generator is a test helper; without it only these tests are skipped
    pf = None
needs_factory = pytest.mark.skipif(pf is None, reason="tests/paperfactory/ not available")

LAYOUTS = [
    ("sdp", {}),                                                    # ruled, blank first header cell
    ("csip", {}),                                                   # unruled, "Reason for Amber rating"
    ("sdp", dict(table_style="unruled")),
    ("csip", dict(table_style="ruled")),
    ("sdp", dict(first_header_blank=False, reason_header="Justification")),
    ("csip", dict(first_header_blank=True, reason_header="Explanation")),
    ("sdp", dict(repeat_header=False)),
    ("csip", dict(repeat_header=False, page_label="plain")),
    ("sdp", dict(header_fill=(0.0, 0.4, 0.42), font="dejavu-serif", date_comma=False)),
    ("csip", dict(font="times", reason_header="Reasons for Amber")),
    ("sdp", dict(font="dejavu-sans", page_label="of", table_style="unruled", first_header_blank=True)),
    ("csip", dict(table_style="unruled", row_padding=0.0)),         # no space between rows
    ("sdp", dict(table_style="unruled", row_padding=0.0, font="times")),
    ("sdp", dict(title_style="body")),                               # "Minutes of the <committee> held on …"
    ("csip", dict(title_style="dash")),                              # "<committee> – Minutes"
    ("csip", dict(table_style="unruled", header_fill=(0.85, 0.85, 0.85), first_header_blank=True,
                  repeat_header=False)),                             # a shaded header over text columns
    ("sdp", dict(table_style="unruled", header_fill=(0.0, 0.4, 0.42), header_align="centre")),
    ("sdp", dict(table_style="list")),                               # "(a) action – reason" paragraphs
    ("csip", dict(table_style="list", font="times")),
    ("sdp", dict(table_style="pairs")),                              # bold action, its reason indented
    ("csip", dict(table_style="labelled pairs", font="dejavu-sans")), # "Reason for Amber: …" under it
]


def _spec(family, layout):
    return (pf.sdp_minutes_spec if family == "sdp" else pf.csip_minutes_spec)(**layout)


@needs_factory
@pytest.mark.parametrize("family, layout", LAYOUTS, ids=[f"{f}-{'-'.join(map(str, l.values())) or 'as-sample'}"
                                                         for f, l in LAYOUTS])
def test_generated_minutes(tmp_path, family, layout):
    import pdfplumber
    spec = _spec(family, layout)
    path = tmp_path / "minutes.pdf"
    truth = pf.make_minutes(path, spec)
    with pdfplumber.open(path) as pdf:
        assert looks_like_minutes(pdf.pages[0].extract_text() or "")
        m = extract_minutes(read_pages(pdf.pages))
    assert m.committee == truth.committee and m.meeting_date == truth.meeting_date
    assert (m.first_page, m.last_page) == (1, truth.pages)
    assert [(i.number, fold(i.title)) for i in m.agenda_items] == [(str(i.number), fold(i.title)) for i in truth.items]
    assert [fold(i.resolution) for i in m.agenda_items] == [fold(i.resolution) for i in truth.items]
    got = [(r.position, r.plan, r.action_text, r.reason, r.effective_reason, r.new_rag, r.target_date, r.page)
           for r in m.amber_reasons]
    want = [(r.position, r.plan, r.action_text, r.reason, r.effective_reason, r.new_rag, r.target_date, r.page)
            for r in truth.amber_rows]
    assert got == want


@needs_factory
@pytest.mark.parametrize("family, period", [("sdp", "2019-11"), ("csip", "2022-06")])
def test_generated_minutes_link_to_their_actions(family, period):
    """Each generated reason links to the action it is about (or to none), across the report's actions."""
    report = (pf.sdp_spec if family == "sdp" else pf.csip_spec)(period)
    actions = [dict(id=a.ref, ref=a.ref, text=a.text) for p in report.priorities for a in p.actions]
    rows = [r if isinstance(r, pf.AmberRow) else pf.AmberRow(*r)
            for item in _spec(family, {}).items for r in item.amber_rows]
    links = match_reasons([r.action_text for r in rows], actions)
    assert [aid for aid, _ in links] == [r.ref for r in rows]


def _title_block_minutes(path, title_lines):
    """One page of minutes whose title block is `title_lines` (bold 12 pt, as Word's "Title" style),
    with a later date in the text that must not be taken for the meeting's."""
    pf.make_text_page(path, [(line, "Helvetica-Bold", 12) for line in title_lines] + [
        "Present: Councillor Ruth Adeyemi (Chair), Councillor Tom Baxter", "",
        "1. Apologies", "Apologies were received from Councillor Grant.", "",
        "2. Practice Improvement Plan 2019-20",
        "The Panel considered the plan for the period ending 31 March 2020.",
        "RESOLVED: That the report be noted."])


@needs_factory
@pytest.mark.parametrize("title_lines", [
    ["Ashby Vale Council", "Minutes of the meeting of the Corporate Parenting Panel held on Thursday 23 April", "2020"],
    ["Ashby Vale Council", "Corporate Parenting Panel", "Minutes – Thursday 23 April 2020"],
    ["Ashby Vale Council", "Minutes of the Corporate Parenting Panel held on 23 April 2020 at 10.00 am"],
], ids=["year on a line of its own", "authority and committee alike", "no 'meeting of'"])
def test_title_block(tmp_path, title_lines):
    import pdfplumber
    _title_block_minutes(tmp_path / "m.pdf", title_lines)
    with pdfplumber.open(tmp_path / "m.pdf") as pdf:
        m = extract_minutes(read_pages(pdf.pages))
    assert (m.committee, m.meeting_date) == ("Corporate Parenting Panel", "2020-04-23")
