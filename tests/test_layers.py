"""Reading and understanding are separate layers: readers turn a file into the format-neutral model
(`models/layout.py` laid-out pages, which a PDF's minutes become `models/document.py` blocks from; Word
and web pages give blocks directly), and the minutes and plan-report recognisers work on the model
alone. Checked two ways: what the recognisers import (their source, not a run), and minutes and a plan
report built as model Pages by hand — no PDF at all — read into the same records a PDF would give."""
import ast
from pathlib import Path

import pytest

from plantrack.extract.minutes_pages import extract_minutes
from plantrack.extract.colours import hex_of
from plantrack.models.layout import Fill, Grid, GridRow, Line, Page, Rule, Word

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = ROOT / "plantrack" / "extract"
RECOGNISERS = sorted(EXTRACT.glob("minutes*.py"))
REPORT_RECOGNISERS = [EXTRACT / f"{name}.py" for name in
                      ("report", "report_layout", "textgrid", "textlines", "legend", "scores", "columns")]
# the PDF libraries, and plantrack's own modules that hand their objects about
READERS = ("pdfplumber", "pypdfium2", "pdfminer", "plantrack.extract.pdf", "plantrack.extract.words",
           "plantrack.extract.pdf_layout", "plantrack.extract.page_objects", "plantrack.extract.ocr")


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != "plantrack":
        return None
    base = ROOT.joinpath(*parts)
    for f in (base.with_suffix(".py"), base / "__init__.py"):
        if f.is_file():
            return f
    return None


def _module_name(f: Path) -> str:
    rel = f.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(f: Path) -> set[str]:
    """Every module a file imports, relative imports made absolute (`from . import x` → pkg.x)."""
    package = _module_name(f) if f.name == "__init__.py" else _module_name(f).rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names if _module_file(f"{base}.{a.name}")}
    return out


def _reached(start: Path) -> dict[str, str]:
    """Every module the file reaches through plantrack's own imports, each with the plantrack module
    that imports it."""
    seen: dict[str, str] = {}
    todo = [start]
    done: set[Path] = set()
    while todo:
        f = todo.pop()
        if f in done:
            continue
        done.add(f)
        for name in _imports(f):
            seen.setdefault(name, _module_name(f))
            sub = _module_file(name)
            if sub is not None:
                todo.append(sub)
    return seen


def _forbidden(name: str) -> bool:
    return any(name == r or name.startswith(r + ".") for r in READERS)


def test_the_import_check_sees_what_a_reader_imports():
    reached = _reached(EXTRACT / "pdf_layout.py")
    assert {"pdfplumber", "plantrack.extract.pdf", "plantrack.extract.words"} <= set(reached)


@pytest.mark.parametrize("path", RECOGNISERS, ids=lambda p: p.name)
def test_the_minutes_recognisers_import_no_pdf_library_nor_reader(path):
    bad = {name: by for name, by in _reached(path).items() if _forbidden(name)}
    assert not bad, f"{path.name} reaches the readers' layer: " + ", ".join(
        f"{name} (imported by {by})" for name, by in sorted(bad.items()))


@pytest.mark.parametrize("path", REPORT_RECOGNISERS, ids=lambda p: p.name)
def test_the_plan_report_recognisers_import_no_pdf_library_nor_reader(path):
    bad = {name: by for name, by in _reached(path).items() if _forbidden(name)}
    assert not bad, f"{path.name} reaches the readers' layer: " + ", ".join(
        f"{name} (imported by {by})" for name, by in sorted(bad.items()))


# ---- minutes built as model Pages ---------------------------------------------------------------
CHAR = 5.0    # points per character: the hand-built pages' stand-in for a font's widths
SPACE = 2.5   # points between words of one cell


def line(text: str, x: float, top: float, bold: bool = False, size: float = 10.0) -> list[Word]:
    words, x0 = [], x
    for t in text.split():
        words.append(Word(t, x0, x0 + CHAR * len(t), top, top + size, bold=bold, size=size))
        x0 += CHAR * len(t) + SPACE
    return words


def page(number: int, rows: list[list[Word]], rules: list[Rule] = ()) -> Page:
    # one Line per printed line: cells that sit side by side are one line, as a reader groups them
    return Page(number, 595.0, 842.0, [Line(r) for r in rows], list(rules))


ACTION_X, REASON_X = 72.0, 300.0
ROWS = [
    (["1.1 Welcome pack to include", "the purpose of meetings"],
     ["Packs are being redesigned with", "young people in the Council."]),
    (["1.2 Information sheet for", "young people"], ["Target date end of Q4"]),
    (["2.1 Welcome pack in other", "languages"], ["As per 1.1"]),
]


def _minutes_pages(ruled: bool) -> list[Page]:
    """Minutes on two pages: a title block, item 4 with its lead-in, a reasons table whose last row
    runs onto the second page (the header repeated there), then the item's resolution."""
    first = [
        line("Ashby Vale Council", 72, 80, bold=True, size=14),
        line("MINUTES of a meeting of the Children's Safeguarding Sub-Committee held on", 72, 110),
        line("Thursday, 12 December 2019 at 2.00 pm.", 72, 124),
        line("Present: Cllr A Smith (Chair), Cllr B Jones", 72, 150),
        line("4. Service Development Plan 2019-20", 72, 180, bold=True, size=12),
        line("Members requested justification for all outstanding Amber actions:", 72, 200),
    ]
    pages: list[tuple[list[list[Word]], list[Rule]]] = [(first, []), ([], [])]
    top = 230.0

    def header(rows: list[list[Word]], rules: list[Rule], top: float) -> float:
        rows.append(line("Action", ACTION_X, top, bold=True) + line("Reason for Amber", REASON_X, top, bold=True))
        if ruled:
            rules.append(Rule(ACTION_X - 4, 540, top + 13, top + 13, vertical=False))
        return top + 18

    where = 0
    top = header(*pages[0], top)
    start = {0: 226.0}
    for k, (action, reason) in enumerate(ROWS):
        if k == 2:  # the last row on the second page, under the header printed again
            where, top = 1, 80.0
            start[1] = top - 4
            top = header(*pages[1], top)
        rows, rules = pages[where]
        for n in range(max(len(action), len(reason))):
            rows.append((line(action[n], ACTION_X, top) if n < len(action) else [])
                        + (line(reason[n], REASON_X, top) if n < len(reason) else []))
            top += 13
        if ruled:
            rules.append(Rule(ACTION_X - 4, 540, top + 1, top + 1, vertical=False))
        top += 11
    pages[1][0].append(line("RESOLVED, that the report be noted.", 72, top + 10))
    if ruled:
        for n, (_, rules) in enumerate(pages):
            bottom = max(r.top for r in rules if not r.vertical)
            rules += [Rule(x, x, start[n], bottom, vertical=True) for x in (ACTION_X - 4, REASON_X - 5, 540)]
            rules.append(Rule(ACTION_X - 4, 540, start[n], start[n], vertical=False))
    return [page(n, rows, rules) for n, (rows, rules) in enumerate(pages)]


@pytest.mark.parametrize("ruled", [False, True], ids=["unruled", "ruled"])
def test_minutes_built_as_model_pages_read_without_any_pdf(ruled):
    pages = _minutes_pages(ruled)
    m = extract_minutes(pages, first_page_number=5)
    assert (m.committee, m.meeting_date, m.first_page, m.last_page) == (
        "Children's Safeguarding Sub-Committee", "2019-12-12", 5, 6)
    assert [(i.number, i.title, i.plan, i.resolution) for i in m.agenda_items] == [
        ("4", "Service Development Plan 2019-20", "Service Development Plan 2019-20",
         "RESOLVED, that the report be noted.")]
    got = [(r.position, r.plan, r.action_text, r.reason, r.effective_reason, r.target_date, r.page)
           for r in m.amber_reasons]
    plan = "Service Development Plan 2019-20"
    first_reason = "Packs are being redesigned with young people in the Council."
    assert got == [
        (1, plan, "1.1 Welcome pack to include the purpose of meetings", first_reason, first_reason, None, 5),
        (2, plan, "1.2 Information sheet for young people", "Target date end of Q4", "Target date end of Q4",
         "2020-03-31", 5),
        (3, plan, "2.1 Welcome pack in other languages", "As per 1.1", first_reason, None, 6),
    ]
    assert m.warnings == []
    # the recogniser reads the pages, it does not change them: a second reading gives the same
    assert extract_minutes(pages, first_page_number=5) == m


def test_a_page_in_two_newspaper_columns_is_read_down_each_column():
    """The same model, the reading order worked out from where the words are: a gutter down the page."""
    left, right = 60.0, 320.0
    rows: list[list[Word]] = [line("MINUTES of the Audit Committee held on 3 March 2021", left, 70, bold=True)]
    text_left = ["5. Risk Management Plan 2020-21"] + [f"Members noted risk {k} of the plan." for k in range(1, 10)]
    text_right = [f"The committee discussed item {k} at length." for k in range(1, 10)] + [
        "RESOLVED, that the plan be approved."]
    for k in range(10):
        rows.append(line(text_left[k], left, 100 + 16 * k, bold=k == 0)
                    + line(text_right[k], right, 100 + 16 * k))
    m = extract_minutes([page(0, rows)])
    assert (m.committee, m.meeting_date) == ("Audit Committee", "2021-03-03")
    assert [(i.number, i.title) for i in m.agenda_items] == [("5", "Risk Management Plan 2020-21")]
    # the right-hand column follows the left one: the item's resolution is found at its foot
    assert m.agenda_items[0].resolution == "RESOLVED, that the plan be approved."


# ---- the PDF reader ------------------------------------------------------------------------------
def test_the_pdf_reader_gives_lines_with_weight_size_rules_and_fills(tmp_path):
    import pdfplumber
    import paperfactory as pf

    from plantrack.extract.pdf_layout import read_pages

    pf.make_minutes(tmp_path / "m.pdf", pf.sdp_minutes_spec(table_style="ruled"))
    with pdfplumber.open(tmp_path / "m.pdf") as pdf:
        pages = read_pages(pdf.pages)
        assert [p.number for p in pages] == list(range(len(pdf.pages)))
    header = next((p, l) for p in pages for l in p.lines if "Reason" in l.text and l.bold)
    assert header[1].size > 6 and all(w.size for w in header[1].words)
    assert header[0].verticals and header[0].horizontals  # the ruled table's cell borders
    assert all(r.x0 == r.x1 for r in header[0].verticals) and all(r.top == r.bottom for r in header[0].horizontals)
    assert not any(p.fills for p in pages)  # fills are read only when asked

    pf.make_report(tmp_path / "r.pdf", pf.sdp_spec())
    with pdfplumber.open(tmp_path / "r.pdf") as pdf:
        fills = [f for p in read_pages(pdf.pages, fills=True) for f in p.fills]
    assert fills and all(f.colour.startswith("#") and len(f.colour) == 7 and f.colour != "#ffffff" for f in fills)


def test_the_pdf_reader_gives_a_report_page_its_grids_glyph_colours_and_word_characters(tmp_path):
    import pdfplumber
    import paperfactory as pf

    from plantrack.extract.pdf_layout import read_report_page

    pf.make_report(tmp_path / "r.pdf", pf.csip_spec(status_style="symbol"))
    with pdfplumber.open(tmp_path / "r.pdf") as pdf:
        page = read_report_page(pdf.pages[1], 1)
    assert page.tables and all(t.page == 1 and t.rows for t in page.tables)
    assert all(c is None or (c[0] < c[2] and c[1] < c[3]) for t in page.tables for r in t.rows for c in r.cells)
    symbols = [g for g in page.glyphs if g.text == "●"]
    assert symbols and all(g.colour is not None and g.colour != (0.0, 0.0, 0.0) for g in symbols)
    # a word's characters are the page's glyphs, their texts the word's
    word = next(w for w in page.words if len(w.text) > 3)
    assert "".join(c.text for c in word.chars) == word.text
    assert {id(c) for c in word.chars} <= {id(g) for g in page.glyphs}
    assert page.fills and all(f.rgb is not None and f.fill_rgb == f.rgb for f in page.fills)


# ---- a plan report built as a model Page ---------------------------------------------------------
def _cells(tops: list[float], xs: list[float]) -> list[GridRow]:
    """A ruled grid: one row between each pair of tops, one cell between each pair of xs."""
    return [GridRow([(x0, top, x1, bottom) for x0, x1 in zip(xs, xs[1:])], (xs[0], top, xs[-1], bottom))
            for top, bottom in zip(tops, tops[1:])]


def _report_page() -> Page:
    """A plan report's one page: title and date lines, a key printed as a ruled table (a swatch's
    fill, then the status's sentence), a priority heading, and a ruled action table whose status
    cells are shaded (one also says its status in words, one a ● drawn as a filled shape)."""
    amber, green, red = (1.0, 0.75, 0.0), (0.0, 0.69, 0.31), (1.0, 0.0, 0.0)
    rows: list[list[Word]] = [
        line("Family Support Improvement Plan 2023-24", 72, 50, bold=True, size=16),
        line("Progress update as at 31 May 2023", 72, 72, size=11),
        line("Key", 72, 95, bold=True),
    ]
    fills: list[Fill] = []
    key = [(red, "Not started or significantly delayed"), (amber, "Started, with some delay"),
           (green, "On track to be delivered")]
    key_tops = [110.0 + 16 * k for k in range(len(key) + 1)]
    for (rgb, text), top in zip(key, key_tops):
        fills.append(Fill(73, 119, top + 1, top + 15, hex_of(rgb), rgb))
        rows.append(line(text, 126, top + 3))
    xs = [72.0, 110, 300, 400, 470, 540]
    rows.append(line("Priority 1: Early help", 72, 190, bold=True, size=12))
    header = [("Ref", 72), ("Action", 110), ("Lead", 300), ("Timescale", 400), ("RAG", 470)]
    rows.append([w for text, x in header for w in line(text, x + 3, 213, bold=True)])
    body = [("1.1", "Launch the family hubs", "Head of Early Help", "June 2023", "", amber),
            ("1.2", "Train all staff in the new model", "Workforce Lead", "March 2024", "Green", green),
            ("1.3", "Publish the local offer", "Service Manager", "April 2023", "●", None)]
    tops = [210.0, 226.0] + [226.0 + 20 * (k + 1) for k in range(len(body))]
    for (ref, text, lead, when, status, rgb), top in zip(body, tops[1:]):
        cells = [(ref, 72), (text, 110), (lead, 300), (when, 400), (status, 470)]
        rows.append([w for t, x in cells if t for w in line(t, x + 3, top + 4)])
        if rgb is not None:
            fills.append(Fill(470, 540, top, top + 20, hex_of(rgb), rgb))
    # the last status is a red ● drawn as a filled shape, not a font's character
    fills.append(Fill(480, 490, tops[-2] + 5, tops[-2] + 15, hex_of(red), red))
    tables = [Grid((72, key_tops[0], 540, key_tops[-1]), _cells(key_tops, [72, 120, 540]), 0),
              Grid((xs[0], tops[0], xs[-1], tops[-1]), _cells(tops, xs), 0)]
    return Page(0, 842.0, 595.0, [Line(r) for r in rows if r], [], fills, tables)


def test_a_plan_report_built_as_a_model_page_reads_without_any_pdf():
    from plantrack.extract.report import ReportReader
    from plantrack.extract.report_layout import ReportPages

    page = _report_page()
    reader = ReportReader(first_page=1)
    reader.feed(ReportPages().blocks(page), 1)
    r = reader.finish()
    assert (r.plan, r.as_at, r.period) == ("Family Support Improvement Plan 2023-24", "2023-05-31", "2023-05")
    got = [(a.priority_number, a.ref, a.text, a.lead, a.timescale, a.rag, a.rag_source, a.page)
           for a in r.actions]
    assert got == [
        (1, "1.1", "Launch the family hubs", "Head of Early Help", "June 2023", "amber", "colour", 1),
        (1, "1.2", "Train all staff in the new model", "Workforce Lead", "March 2024", "green", "default", 1),
        (1, "1.3", "Publish the local offer", "Service Manager", "April 2023", "red", "colour", 1),
    ]
    assert set(r.legend.values()) == {"red", "amber", "green"}


def test_a_pdf_pages_blocks_look_up_a_colour_only_where_the_reader_asks(monkeypatch):
    """A page becomes blocks without a look through its fills for any cell or line (a 300-page pack
    would pay for every cell); the reader then asks for the key's swatches and the status cells whose
    words do not say the status, and no more."""
    from plantrack.extract import report_layout
    from plantrack.extract.report import ReportReader
    from plantrack.models.document import Table

    asked: list[tuple] = []
    band_colour = report_layout.band_colour
    monkeypatch.setattr(report_layout, "band_colour", lambda page, *box: asked.append(box) or band_colour(page, *box))
    blocks = report_layout.ReportPages().blocks(_report_page())
    cells = sum(len(row.cells) for t in blocks if isinstance(t, Table) for row in t.rows)
    assert asked == [] and cells >= 20
    reader = ReportReader(first_page=1)
    reader.feed(blocks, 1)
    assert [a.rag for a in reader.finish().actions] == ["amber", "green", "red"]
    # the key's swatches and the status cells of 1.1 and 1.3 (1.2 says "Green"): well under one look a cell
    assert 0 < len(asked) < cells / 2


def test_a_plan_report_printed_as_text_columns_reads_from_a_model_page_without_rules():
    """No ruled table: the action table is rebuilt from where the model's words are (textgrid)."""
    from plantrack.extract.report import ReportReader
    from plantrack.extract.report_layout import ReportPages

    xs = {"Ref": 72.0, "Action": 110.0, "Lead": 330.0, "Timescale": 430.0, "Status": 510.0}
    rows: list[list[Word]] = [
        line("Youth Justice Plan 2023-24", 72, 50, bold=True, size=16),
        line("Position as at 30 June 2023", 72, 72, size=11),
        [w for name, x in xs.items() for w in line(name, x, 110, bold=True)],
    ]
    body = [("2.1", ["Reduce first-time entrants", "through diversion schemes"], "YOT Manager", "March 2024", "Green"),
            ("2.2", ["Review the out-of-court panel"], "Head of Service", "Sept 2023", "Amber")]
    top = 126.0
    for ref, text, lead, when, status in body:
        for k, part in enumerate(text):
            cells = [(ref, "Ref"), (part, "Action"), (lead, "Lead"), (when, "Timescale"), (status, "Status")] \
                if k == 0 else [(part, "Action")]
            rows.append([w for t, col in cells for w in line(t, xs[col], top)])
            top += 12
        top += 6
    reader = ReportReader(first_page=3)
    reader.feed(ReportPages().blocks(Page(2, 595.0, 842.0, [Line(r) for r in rows])), 3)
    r = reader.finish()
    assert (r.plan, r.as_at) == ("Youth Justice Plan 2023-24", "2023-06-30")
    assert [(a.ref, a.text, a.lead, a.timescale, a.rag, a.page) for a in r.actions] == [
        ("2.1", "Reduce first-time entrants through diversion schemes", "YOT Manager", "March 2024", "green", 3),
        ("2.2", "Review the out-of-court panel", "Head of Service", "Sept 2023", "amber", 3),
    ]
