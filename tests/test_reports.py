"""The report people read (plantrack.pipeline.outputs.digest): built from a real database of the project's
generated papers (three reports of one plan with status changes and its minutes, and a plan with a
single report), then parsed as HTML to check what a reader sees and that nothing can load or run."""
from __future__ import annotations

import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import paperfactory as pf
from plantrack import store
from plantrack.pipeline.cli import app
from plantrack.pipeline.stages.ingest import ingest
from plantrack.models.status import ORDER
from plantrack.pipeline.reconcile.rebuild import reconcile
from plantrack.pipeline.outputs.digest import build_report, plan_matches, write_default_report

SDP = "Service Development Plan 2019-20"
CSIP = "Children’s Services Improvement Plan 2022-23"
EVIL = '<script>alert("pdf")</script> & <img src=http://x.test/a.png>'


# ----------------------------------------------------------------------------
# the database
# ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """SDP October, November and December 2019 with the December minutes, and CSIP June 2022 alone."""
    root = tmp_path_factory.mktemp("reports")
    raw = root / "raw"
    raw.mkdir()
    truth = {period: pf.make_report(raw / f"sdp_{period}.pdf", pf.sdp_spec(period))
             for period in ("2019-10", "2019-11", "2019-12")}
    truth["csip"] = pf.make_report(raw / "csip_2022-06.pdf", pf.csip_spec("2022-06"))
    pf.make_minutes(raw / "minutes_2019-12-12.pdf", pf.sdp_minutes_spec())
    db = store.connect(root / "plantrack.db")
    outcomes = ingest(sorted(raw.glob("*.pdf")), db, root / "cache", workers=2)
    assert all(o.outcome == "new" for o in outcomes), [(o.path.name, o.error) for o in outcomes]
    reconcile(db.conn)
    db.conn.close()
    return {"path": root / "plantrack.db", "truth": truth}


@pytest.fixture()
def conn(built):
    c = sqlite3.connect(built["path"])
    yield c
    c.close()


@pytest.fixture()
def evil_db(built, tmp_path) -> Path:
    """A copy of the database in which a finding and an action's wording carry markup."""
    path = tmp_path / "evil.db"
    src = sqlite3.connect(built["path"])
    src.backup(dst := sqlite3.connect(path))
    src.close()
    dst.execute("INSERT INTO findings (plan, period, kind, ref, detail) VALUES (?, '2019-12', 'overdue', '9.9', ?)",
                (SDP, f"Action 9.9 says {EVIL}"))
    dropped = dst.execute("SELECT previous_action_id FROM action_history WHERE change = 'dropped'").fetchone()[0]
    dst.execute("UPDATE actions SET text = ? WHERE id = ?", (EVIL, dropped))
    dst.commit()
    dst.close()
    return path


# ----------------------------------------------------------------------------
# a small DOM over html.parser
# ----------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: "Node | None"):
        self.tag, self.attrs, self.parent, self.children, self.texts = tag, attrs, parent, [], []

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        out = []
        for child in self.children:
            if ((tag is None or child.tag == tag) and (cls is None or cls in child.classes())
                    and all(child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())):
                out.append(child)
            out += child.all(tag, cls, **attrs)
        return out

    def one(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Node":
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, (tag, cls, attrs, len(found))
        return found[0]

    def text(self) -> str:
        parts = list(self.texts) + [c.text() for c in self.children]
        return " ".join(" ".join(parts).split())


class Tree(HTMLParser):
    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#root", {}, None)
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, dict(attrs), self.cur))

    def handle_endtag(self, tag):
        node = self.cur
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.texts.append(data)


def parse(markup: str) -> Node:
    return Tree(markup).root


def plan_section(root: Node, name: str) -> Node:
    return root.one("section", "plan", data_plan=name)


# ----------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------

def test_html_is_self_contained(conn):
    markup = build_report(conn)
    root = parse(markup)
    assert not root.all("script") and not root.all("link") and not root.all("iframe") and not root.all("object")
    for node in root.all():
        for attr in ("src", "href", "xlink:href", "srcset", "action", "data"):
            value = node.attrs.get(attr) or ""
            assert not re.match(r"\s*(https?:)?//", value), (node.tag, attr, value)
            assert not value.strip().lower().startswith(("javascript:", "data:")), (node.tag, attr, value)
    styles = " ".join(n.text() for n in root.all("style"))
    assert "@import" not in styles and "url(http" not in styles.replace(" ", "")
    assert "<?xml" not in markup and "<!DOCTYPE svg" not in markup
    assert markup.startswith("<!DOCTYPE html>")


def test_each_plan_has_two_svg_charts(conn):
    root = parse(build_report(conn))
    plans = root.all("section", "plan")
    assert sorted(p.attrs["data-plan"] for p in plans) == sorted([SDP, CSIP])
    for p in plans:
        for chart in ("status-counts", "priority-scores"):
            figure = p.one("figure", chart)
            assert "chart" in figure.classes()
            assert len(figure.all("svg")) == 1


def test_svg_ids_are_unique_across_the_page(conn):
    root = parse(build_report(conn))
    ids = [n.attrs["id"] for n in root.all() if "id" in n.attrs]
    assert len(ids) == len(set(ids))


def _bars(figure: Node) -> dict[str, set[str]]:
    """status -> periods, from the bar ids the chart gives each rectangle."""
    out: dict[str, set[str]] = {}
    for n in figure.all():
        m = re.search(r"-bar-(\w+)-(\d{4}-\d{2})$", n.attrs.get("id", ""))
        if m:
            out.setdefault(m.group(1), set()).add(m.group(2))
    return out


def test_status_bars_one_series_per_status_present(conn, built):
    figure = plan_section(parse(build_report(conn)), SDP).one("figure", "status-counts")
    truth = [built["truth"][p] for p in ("2019-10", "2019-11", "2019-12")]
    present = {a.rag or "unrated" for t in truth for a in t.actions}
    bars = _bars(figure)
    assert set(bars) == present
    assert all(periods == {"2019-10", "2019-11", "2019-12"} for periods in bars.values())
    assert figure.attrs["data-statuses"].split() == [s for s in (*ORDER, "unrated") if s in present]


def test_status_counts_match_the_truth(conn, built):
    md = build_report(conn, plan="sdp", fmt="md")
    t = built["truth"]["2019-11"]
    counts = [sum(a.rag == s for a in t.actions) for s in ORDER]
    row = next(line for line in md.splitlines() if line.startswith("| November 2019 |"))
    assert row == "| November 2019 | " + " | ".join(map(str, counts)) + f" | {len(t.actions)} |"


def test_priority_lines_one_per_priority(conn, built):
    figure = plan_section(parse(build_report(conn)), SDP).one("figure", "priority-scores")
    lines = {m.group(1) for n in figure.all() if (m := re.search(r"-priority-(\d+)$", n.attrs.get("id", "")))}
    assert lines == {str(p.number) for p in built["truth"]["2019-12"].priorities}


def test_transitions_of_the_latest_period(conn, built):
    section = plan_section(parse(build_report(conn)), SDP).one("section", "transitions")
    assert section.attrs["data-period"] == "2019-12"
    nov, dec = built["truth"]["2019-11"], built["truth"]["2019-12"]
    # The generator keeps refs stable across the SDP series, so counterparts are pairs by ref.
    before = {a.ref: a.rag or "unrated" for a in nov.actions}
    after = {a.ref: a.rag or "unrated" for a in dec.actions}
    matrix = section.one("table", "transition-matrix")
    cells = {(td.attrs["data-from"], td.attrs["data-to"]): int(td.text() or 0) for td in matrix.all("td")}
    expected: dict[tuple[str, str], int] = {}
    for ref in set(before) | set(after):
        key = (before.get(ref, "new"), after.get(ref, "dropped"))
        expected[key] = expected.get(key, 0) + 1
    assert {k: v for k, v in cells.items() if v} == expected
    rows = section.one("table", "changed-actions").all("tr", "change")
    got = {(r.attrs["data-change"], r.attrs["data-ref"]) for r in rows}
    rank = {s: i for i, s in enumerate(ORDER)}
    want = {("dropped", ref) for ref in set(before) - set(after)}
    want |= {("new", ref) for ref in set(after) - set(before)}
    want |= {("worsened", ref) for ref in set(before) & set(after)
             if before[ref] in rank and after[ref] in rank and rank[after[ref]] < rank[before[ref]]}
    assert got == want and ("dropped", "1.2") in got
    dropped = next(r for r in rows if r.attrs["data-change"] == "dropped")
    assert next(a.text for a in nov.actions if a.ref == "1.2") in dropped.text()


def test_findings_grouped_by_kind_with_their_details(conn):
    section = plan_section(parse(build_report(conn)), SDP).one("section", "findings")
    expected: dict[str, list[str]] = {}
    for kind, detail in conn.execute("SELECT kind, detail FROM findings WHERE plan = ?", (SDP,)):
        expected.setdefault(kind, []).append(detail)
    groups = section.all("section", "finding-kind")
    assert [g.attrs["data-kind"] for g in groups] == [k for k in (
        "amber_without_reason", "reason_without_action", "reason_for_non_amber", "score_mismatch",
        "restated_score_mismatch", "overall_score_mismatch", "worsened", "dropped_incomplete", "overdue")
        if k in expected]
    for g in groups:
        kind = g.attrs["data-kind"]
        items = g.all("li", "finding")
        assert all(li.attrs["data-kind"] == kind for li in items)
        assert sorted(li.one("span", "detail").text() for li in items) == sorted(expected[kind])
    worsened = " ".join(li.text() for li in section.all("li", "finding", data_kind="worsened"))
    assert "Action 2.3 went from green to amber." in worsened


def test_document_text_is_escaped(evil_db):
    c = sqlite3.connect(evil_db)
    markup = build_report(c)
    c.close()
    root = parse(markup)
    assert not root.all("script") and not [n for n in root.all("img")]
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    finding = plan_section(root, SDP).one("li", "finding", data_ref="9.9")
    assert EVIL in finding.text()
    dropped = plan_section(root, SDP).one("tr", "change", data_change="dropped")
    assert EVIL in dropped.text()


def test_plan_with_one_report_has_charts_but_no_transitions(conn):
    section = plan_section(parse(build_report(conn)), CSIP)
    assert section.one("figure", "status-counts").all("svg")
    assert section.one("figure", "priority-scores").all("svg")
    transitions = section.one("section", "transitions")
    assert not transitions.all("table")
    assert "only one report" in transitions.text()
    assert section.one("section", "findings").all("li", "finding", data_kind="overdue")


def test_period_limits_changes_and_findings(conn):
    root = parse(build_report(conn, period="2019-11"))
    assert [p.attrs["data-plan"] for p in root.all("section", "plan")] == [SDP]  # CSIP starts later
    sdp = plan_section(root, SDP)
    assert set(_bars(sdp.one("figure", "status-counts"))["green"]) == {"2019-10", "2019-11"}
    assert sdp.one("section", "transitions").attrs["data-period"] == "2019-11"
    changes = {(r.attrs["data-change"], r.attrs["data-ref"]) for r in sdp.all("tr", "change")}
    assert changes == {("worsened", "2.3"), ("worsened", "3.5"), ("new", "4.6")}
    assert {li.attrs["data-period"] for li in sdp.all("li", "finding")} == {"2019-11"}


def test_period_without_a_report_shows_no_transitions(conn):
    sdp = plan_section(parse(build_report(conn, period="2020-01")), SDP)
    assert len(_bars(sdp.one("figure", "status-counts"))["green"]) == 3  # the whole series up to it
    transitions = sdp.one("section", "transitions")
    assert not transitions.all("table") and "no report of this plan for January 2020" in transitions.text()
    assert not sdp.all("li", "finding")


def test_plan_is_matched_loosely(conn):
    for query in ("service development plan 2019/20", "SERVICE-DEVELOPMENT", "sdp"):
        assert [p.attrs["data-plan"] for p in parse(build_report(conn, plan=query)).all("section", "plan")] == [SDP]
    assert plan_matches("childrens services improvement plan 2022 23", "Children's services")
    with pytest.raises(ValueError, match="no plan matches"):
        build_report(conn, plan="adult social care")
    with pytest.raises(ValueError, match="YYYY-MM"):
        build_report(conn, period="2019-13")


def test_empty_database_says_there_is_nothing_yet(tmp_path):
    db = store.connect(tmp_path / "empty.db")
    markup = build_report(db.conn)
    md = build_report(db.conn, fmt="md")
    db.conn.close()
    root = parse(markup)
    assert not root.all("section", "plan") and not root.all("svg")
    assert "Nothing to show yet" in root.one("p", "nothing").text()
    assert "Nothing to show yet" in md


def test_database_never_reconciled(tmp_path, built):
    path = tmp_path / "raw.db"
    src = sqlite3.connect(built["path"])
    src.backup(dst := sqlite3.connect(path))
    dst.executescript("DROP TABLE action_history; DROP TABLE findings;")
    root = parse(build_report(dst))
    dst.close()
    assert len(plan_section(root, SDP).all("svg")) == 2


# ----------------------------------------------------------------------------
# Markdown
# ----------------------------------------------------------------------------

def test_markdown_headings_tables_and_findings(conn):
    md = build_report(conn, fmt="md")
    lines = md.splitlines()
    assert lines[0].startswith("# ")
    assert f"## {SDP}" in lines and f"## {CSIP}" in lines
    assert "### Changes in the December 2019 report, against November 2019" in lines
    assert any(line.startswith("| from / to |") for line in lines)
    assert "<svg" not in md
    heading = lines.index("#### Actions whose status worsened (2)")
    section = lines[heading + 2:lines.index("", heading + 2)]
    bullets = [line for line in section if line.startswith("- ")]
    assert bullets == ["- November 2019: Action 2.3 went from green to amber.",
                       "- November 2019: Action 3.5 went from green to amber."]
    # each finding's own lines: the action in words, where it is, what to do first
    first = section[:section.index(bullets[1])]
    assert first[1].startswith("  - **Action 2.3** (amber) “") and first[2].startswith("  - Where: sdp\\_2019-11.pdf")
    assert first[-1].startswith("  - First: ")
    for (detail,) in conn.execute("SELECT detail FROM findings"):
        assert any(line.startswith("- ") and line.endswith(detail.replace("_", "\\_").replace("*", "\\*"))
                   for line in lines), detail


def test_markdown_escapes_markup(evil_db):
    c = sqlite3.connect(evil_db)
    md = build_report(c, fmt="md")
    c.close()
    assert "<script>" not in md and "\\<script\\>" in md
    assert not re.search(r"(?<!\\)<img", md)


# ----------------------------------------------------------------------------
# writing it
# ----------------------------------------------------------------------------

def test_write_default_report_beside_the_database(built, tmp_path):
    path = tmp_path / "out" / "plantrack.db"
    path.parent.mkdir()
    src = sqlite3.connect(built["path"])
    src.backup(dst := sqlite3.connect(path))
    src.close(), dst.close()
    out = write_default_report(path)
    assert out == path.parent / "report.html"
    assert parse(out.read_text(encoding="utf-8")).all("section", "plan")
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_cli_report(built, tmp_path):
    runner = CliRunner()
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "--db", str(built["path"]), "--plan", "SDP", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.attrs["data-plan"] for p in parse(out.read_text(encoding="utf-8")).all("section", "plan")] == [SDP]
    result = runner.invoke(app, ["report", "--db", str(built["path"]), "--format", "md", "--period", "2019-11"])
    assert result.exit_code == 0 and f"## {SDP}" in result.stdout
    for bad in (["--period", "Nov 2019"], ["--plan", "nothing like it"], ["--format", "pdf"]):
        result = runner.invoke(app, ["report", "--db", str(built["path"]), *bad])
        assert result.exit_code == 2 and "error:" in result.output and len(result.output.strip().splitlines()) == 1
    result = runner.invoke(app, ["report", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and not (tmp_path / "none.db").exists()
