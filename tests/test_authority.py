"""Many councils in one database (documents.authority), and the same paper in several documents
(superseded_by): real databases in tmp_path, built from generated papers (paperfactory).

The SDP October and November 2019 reports and the 12 December 2019 minutes that discussed November
are the sample's papers in the generator's hands; a second council's copies differ by one byte
(/CreationDate), as a re-published paper does."""
from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

import paperfactory as pf
from plantrack.pipeline.sources import authority as authorities
from plantrack.pipeline.stages import ingest as stages
from plantrack import store
from plantrack.pipeline.cli import app
from plantrack.pipeline.reconcile.rebuild import read_frames, reconcile, series
from plantrack.pipeline.outputs.digest import build_report
from plantrack.store.supersede import choose
from test_packs import concatenate, filler

KENT, MEDWAY = "Kent County Council", "Medway Council"
REASON_KINDS = {"amber_without_reason", "reason_without_action", "reason_for_non_amber"}
HISTORY = "plan, period, ref, previous_period, previous_ref, rag, previous_rag, change, text_changed"
FINDING = "plan, period, kind, ref, priority_number, detail"


def republish(src: Path, dst: Path) -> Path:
    """The same paper published again: one byte of its /CreationDate changed."""
    data = src.read_bytes()
    new = data.replace(b"D:20000101000000", b"D:20000101000001", 1)
    assert new != data and sum(a != b for a, b in zip(data, new)) == 1
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(new)
    return dst


@pytest.fixture(scope="module")
def papers(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("papers")
    out = {"oct": d / "sdp_2019-10.pdf", "nov": d / "sdp_2019-11.pdf", "minutes": d / "minutes_2019-12-12.pdf"}
    pf.make_report(out["oct"], pf.sdp_spec("2019-10"))
    pf.make_report(out["nov"], pf.sdp_spec("2019-11"))
    pf.make_minutes(out["minutes"], pf.sdp_minutes_spec())
    return out


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One extraction cache for every database here: it is keyed by content, so the same bytes are
    read once whatever council or database they are loaded into."""
    return tmp_path_factory.mktemp("extracted")


def build(path: Path, cache: Path, *loads) -> sqlite3.Connection:
    """A database from (files, authority) loads in order, reconciled; a plain connection to it."""
    db = store.connect(path)
    for files, authority in loads:
        stages.ingest(list(files), db, cache, authority=authority)
    reconcile(db.conn)
    db.conn.close()
    return sqlite3.connect(path)


def rows(con, sql: str, *args) -> Counter:
    return Counter(con.execute(sql, args).fetchall())


# ----------------------------------------------------------------------------
# two councils, one plan name
# ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_councils(papers, cache, tmp_path_factory):
    """Kent: October, November and the December minutes; Medway: its own October and November
    (one byte apart from Kent's). And, to hold them to, Kent's papers alone with no authority."""
    d = tmp_path_factory.mktemp("councils")
    medway = [republish(papers[p], d / "medway" / papers[p].name) for p in ("oct", "nov")]
    kent = [papers["oct"], papers["nov"], papers["minutes"]]
    con = build(d / "both.db", cache, (kent, KENT), (medway, MEDWAY))
    alone = build(d / "alone.db", cache, (kent, None))
    yield con, alone
    con.close()
    alone.close()


def test_each_document_has_the_authority_it_was_loaded_with(two_councils):
    con, _ = two_councils
    assert rows(con, "SELECT authority, kind FROM documents") == Counter(
        {(KENT, "plan_report"): 2, (KENT, "minutes"): 1, (MEDWAY, "plan_report"): 2})
    # papers of different councils are never copies of each other
    assert con.execute("SELECT COUNT(*) FROM reports WHERE superseded_by IS NOT NULL").fetchone() == (0,)


def test_two_councils_with_one_plan_name_are_two_series(two_councils):
    con, _ = two_councils
    s = series(read_frames(con)["reports"])
    got = {(a, k): list(g["period"]) for (a, k), g in s.groupby(["authority", "series"])}
    assert got == {(KENT, "service development plan 2019 20"): ["2019-10", "2019-11"],
                   (MEDWAY, "service development plan 2019 20"): ["2019-10", "2019-11"]}
    # each November report is compared with its own council's October report
    for council in (KENT, MEDWAY):
        nov = s[(s["authority"] == council) & (s["period"] == "2019-11")].iloc[0]
        prev = s[s["id"] == nov["previous_id"]].iloc[0]
        assert (prev["authority"], prev["period"]) == (council, "2019-10")


def test_each_council_has_the_history_it_would_have_alone(two_councils):
    con, alone = two_councils
    want = rows(alone, f"SELECT {HISTORY} FROM action_history")
    assert sum(want.values()) == 21 and {"worsened", "new", "improved"} <= {r[7] for r in want}
    for council in (KENT, MEDWAY):
        assert rows(con, f"SELECT {HISTORY} FROM action_history WHERE authority = ?", council) == want, council
        # and every action it names is one of that council's
        assert con.execute(
            "SELECT COUNT(*) FROM action_history h JOIN actions a ON a.id IN (h.action_id, h.previous_action_id) "
            "JOIN reports r ON r.id = a.report_id JOIN documents d ON d.id = r.document_id "
            "WHERE h.authority = ? AND d.authority IS NOT ?", (council, council)).fetchone() == (0,)
    assert con.execute("SELECT COUNT(*) FROM action_history WHERE authority IS NULL").fetchone() == (0,)


def test_each_council_has_the_findings_it_would_have_alone(two_councils):
    con, alone = two_councils
    want = rows(alone, f"SELECT {FINDING} FROM findings")
    assert {"worsened", "amber_without_reason", "reason_without_action"} <= {r[2] for r in want}
    assert rows(con, f"SELECT {FINDING} FROM findings WHERE authority = ?", KENT) == want
    # Medway has no minutes: the same findings but those about minutes
    assert rows(con, f"SELECT {FINDING} FROM findings WHERE authority = ?", MEDWAY) == Counter(
        {r: n for r, n in want.items() if r[2] not in REASON_KINDS})
    # each finding points at a document of its own council
    assert con.execute("SELECT COUNT(*) FROM findings f JOIN documents d ON d.id = f.document_id "
                       "WHERE d.authority IS NOT f.authority").fetchone() == (0,)


def test_minutes_link_only_into_their_own_councils_reports(two_councils):
    con, alone = two_councils
    linked = con.execute(
        "SELECT d.authority, r.period, COUNT(*) FROM amber_reasons ar JOIN actions a ON a.id = ar.action_id "
        "JOIN reports r ON r.id = a.report_id JOIN documents d ON d.id = r.document_id GROUP BY 1, 2").fetchall()
    want = alone.execute("SELECT COUNT(*) FROM amber_reasons WHERE action_id IS NOT NULL").fetchone()[0]
    assert want >= 8 and linked == [(KENT, "2019-11", want)]


def test_the_digest_and_views_are_per_council(two_councils):
    con, _ = two_councils
    html = build_report(con)
    assert html.count('data-plan="Service Development Plan 2019-20"') == 2
    assert f'data-authority="{KENT}"' in html and f'data-authority="{MEDWAY}"' in html
    md = build_report(con, fmt="md", authority="medway")
    assert f"## Service Development Plan 2019-20 — {MEDWAY}" in md and KENT not in md
    assert "Database both.db: 2 documents, 2 plan reports" in md
    with pytest.raises(ValueError, match="no authority matches 'Surrey'.*Kent County Council; Medway Council"):
        build_report(con, authority="Surrey")


def test_exports_and_analyst_views_carry_the_council(two_councils, tmp_path):
    import pandas as pd

    from plantrack.pipeline.outputs import analyst
    from plantrack.pipeline.outputs.export import export_tables

    con, _ = two_councils
    export_tables(con, "csv", tmp_path)
    for table in ("findings", "action_history", "documents"):
        assert set(pd.read_csv(tmp_path / f"{table}.csv")["authority"]) == {KENT, MEDWAY}, table
    copy = sqlite3.connect(tmp_path / "copy.db")
    con.backup(copy)
    assert analyst.prepare(copy)["series"] == 2
    assert rows(copy, "SELECT authority, period FROM report_series WHERE is_latest") == Counter(
        {(KENT, "2019-11"): 1, (MEDWAY, "2019-11"): 1})
    assert {a for (a,) in copy.execute("SELECT DISTINCT authority FROM latest_actions")} == {KENT, MEDWAY}
    assert {a for (a,) in copy.execute("SELECT DISTINCT authority FROM status_matrix")} == {KENT, MEDWAY}
    copy.close()


def test_canned_queries_take_the_council(two_councils, tmp_path):
    import asyncio
    from urllib.parse import urlencode

    pytest.importorskip("datasette")
    from plantrack.pipeline.outputs import analyst

    con, _ = two_councils
    path = tmp_path / "plantrack.db"
    copy = sqlite3.connect(path)
    con.backup(copy)
    analyst.prepare(copy)
    copy.close()

    async def get(name, **params):
        r = await analyst.datasette(path).client.get(f"/plantrack/{name}.json?{urlencode({**params, '_shape': 'array'})}")
        assert r.status_code == 200, r.text[:500]
        return r.json()

    def query(name, **params):
        return asyncio.run(get(name, **params))
    both = query("worsened", plan="service development", period="2019-11")
    assert Counter(r["authority"] for r in both) == Counter({KENT: len(both) // 2, MEDWAY: len(both) // 2}) and both
    assert {r["authority"] for r in query("worsened", plan="", period="", authority="medway")} == {MEDWAY}
    amber = query("amber_without_reason", plan="", period="", authority="")
    assert amber and {r["authority"] for r in amber} == {KENT}
    assert {r["authority"] for r in query("findings_for", plan="", period="", authority="KENT")} == {KENT}


# ----------------------------------------------------------------------------
# the same paper in several documents
# ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base(papers, cache, tmp_path_factory):
    """October and November with the December minutes, one council: what the copies must not change."""
    con = build(tmp_path_factory.mktemp("base") / "base.db", cache,
                ([papers["oct"], papers["nov"], papers["minutes"]], None))
    yield con
    con.close()


def test_a_republished_report_is_counted_once(papers, cache, base, tmp_path):
    again = republish(papers["nov"], tmp_path / "republished" / "SDP_November_2019_v2.pdf")
    con = build(tmp_path / "p.db", cache, ([papers["oct"], papers["nov"], papers["minutes"]], None), ([again], None))
    assert con.execute("SELECT COUNT(*) FROM documents").fetchone() == (4,)
    # the copy ingested last is used, the first one points at it
    ((old, new),) = con.execute("SELECT id, superseded_by FROM reports WHERE superseded_by IS NOT NULL").fetchall()
    file_of = "SELECT d.filename FROM reports r JOIN documents d ON d.id = r.document_id WHERE r.id = ?"
    assert con.execute(file_of, (new,)).fetchone() == (again.name,)
    assert con.execute(file_of, (old,)).fetchone() == (papers["nov"].name,)
    assert con.execute("SELECT superseded_by FROM reports WHERE id = ?", (new,)).fetchone() == (None,)
    assert rows(con, f"SELECT {HISTORY} FROM action_history") == rows(base, f"SELECT {HISTORY} FROM action_history")
    assert rows(con, f"SELECT {FINDING} FROM findings") == rows(base, f"SELECT {FINDING} FROM findings")
    # the minutes link into the copy used, and the digest counts each paper once
    assert con.execute("SELECT DISTINCT a.report_id FROM amber_reasons ar JOIN actions a ON a.id = ar.action_id"
                       ).fetchall() == [(new,)]
    md = build_report(con, fmt="md")
    assert "4 documents, 2 plan reports" in md and "1 paper also read from another document" in md
    # read again (an extractor upgrade): the same choice, nothing doubled
    db = store.connect(tmp_path / "p.db")
    stages.ingest([papers["oct"], papers["nov"], papers["minutes"], again], db, cache, reprocess=True)
    reconcile(db.conn)
    db.conn.close()
    assert con.execute("SELECT COUNT(*) FROM reports WHERE superseded_by IS NOT NULL").fetchone() == (1,)
    assert rows(con, f"SELECT {HISTORY} FROM action_history") == rows(base, f"SELECT {HISTORY} FROM action_history")
    assert rows(con, f"SELECT {FINDING} FROM findings") == rows(base, f"SELECT {FINDING} FROM findings")
    con.close()


def test_minutes_in_a_pack_and_on_their_own_give_each_finding_once(papers, cache, base, tmp_path):
    filler(tmp_path / "agenda.pdf", 2, "Agenda")
    filler(tmp_path / "budget.pdf", 3, "Revenue budget monitoring")
    (tmp_path / "pack").mkdir()
    pack = tmp_path / "pack" / "reports_pack.pdf"
    concatenate(pack, [tmp_path / "agenda.pdf", papers["minutes"], tmp_path / "budget.pdf"])
    # the minutes on their own arrive first, the pack last: a paper of its own still wins
    con = build(tmp_path / "p.db", cache, ([papers["oct"], papers["nov"], papers["minutes"]], None), ([pack], None))
    meetings = con.execute("SELECT m.id, d.kind, m.superseded_by FROM meetings m JOIN documents d ON d.id = m.document_id "
                           "ORDER BY m.id").fetchall()
    assert [(kind, by) for _, kind, by in meetings] == [("minutes", None), ("pack", meetings[0][0])]
    assert con.execute("SELECT COUNT(*) FROM amber_reasons ar JOIN meetings m ON m.id = ar.meeting_id "
                       "WHERE m.superseded_by IS NOT NULL AND ar.action_id IS NOT NULL").fetchone() == (0,)
    got = rows(con, f"SELECT {FINDING} FROM findings")
    assert got == rows(base, f"SELECT {FINDING} FROM findings") and max(got.values()) == 1
    assert con.execute("SELECT COUNT(*) FROM findings WHERE kind = 'amber_without_reason'").fetchone() == (
        base.execute("SELECT COUNT(*) FROM findings WHERE kind = 'amber_without_reason'").fetchone())
    con.close()


def test_the_rule_over_plain_rows():
    def r(i, doc, kind, at, authority=None, plan="P 2019-20", period="2019-11"):
        return {"id": i, "document_id": doc, "kind": kind, "ingested_at": at, "authority": authority,
                "plan": plan, "period": period}
    # own document over pack, then ingested last, then the later document
    assert choose("reports", [r(1, 1, "plan_report", "2024-01-01"), r(2, 2, "pack", "2024-02-01")]) == {1: None, 2: 1}
    assert choose("reports", [r(1, 1, "plan_report", "2024-01-01"), r(2, 2, "plan_report", "2024-02-01")]) == {1: 2, 2: None}
    assert choose("reports", [r(1, 2, "plan_report", "2024-01-01"), r(2, 1, "plan_report", "2024-01-01")]) == {1: None, 2: 1}
    # spellings of one plan are one paper; other councils, periods or unnamed plans are not
    assert choose("reports", [r(1, 1, "pack", "x"), r(2, 2, "pack", "y", plan="p 2019/20")]) == {1: 2, 2: None}
    assert choose("reports", [r(1, 1, "pack", "x", authority="A"), r(2, 2, "pack", "y")]) == {1: None, 2: None}
    assert choose("reports", [r(1, 1, "pack", "x"), r(2, 2, "pack", "y", period="2019-12")]) == {1: None, 2: None}
    assert choose("reports", [r(1, 1, "pack", "x", plan=None), r(2, 2, "pack", "y", plan=None)]) == {1: None, 2: None}
    m = lambda i, doc, kind, committee="Cabinet": {"id": i, "document_id": doc, "kind": kind, "ingested_at": "x",  # noqa: E731
                                                  "authority": None, "committee": committee, "meeting_date": "2020-01-02"}
    assert choose("meetings", [m(1, 1, "minutes"), m(2, 2, "pack", "CABINET")]) == {1: None, 2: 1}
    assert choose("meetings", [m(1, 1, "minutes"), m(2, 2, "pack", "Scrutiny")]) == {1: None, 2: None}


# ----------------------------------------------------------------------------
# setting and changing the authority
# ----------------------------------------------------------------------------

def test_a_changed_authority_re_derives_series_links_and_findings(papers, cache, two_councils, tmp_path):
    """Medway's November report loaded as Kent's by mistake is a copy of Kent's November (one is
    superseded, history is not doubled); loaded again with the right council, it is Medway's."""
    _, alone = two_councils
    medway_nov = republish(papers["nov"], tmp_path / "medway" / "sdp_2019-11.pdf")
    con = build(tmp_path / "p.db", cache, ([papers["oct"], papers["nov"], papers["minutes"]], KENT),
                ([medway_nov], KENT))
    assert con.execute("SELECT COUNT(*) FROM reports WHERE superseded_by IS NOT NULL").fetchone() == (1,)
    assert rows(con, f"SELECT {HISTORY} FROM action_history") == rows(alone, f"SELECT {HISTORY} FROM action_history")
    db = store.connect(tmp_path / "p.db")
    version = store.data_version(db)
    outcomes = stages.ingest([medway_nov], db, cache, authority=MEDWAY)  # unchanged file, new council
    assert [o.outcome for o in outcomes] == ["unchanged"] and store.data_version(db) > version
    reconcile(db.conn)
    db.conn.close()
    assert con.execute("SELECT authority FROM documents WHERE filename = ? AND path LIKE ?",
                       (medway_nov.name, "%medway%")).fetchone() == (MEDWAY,)
    assert con.execute("SELECT COUNT(*) FROM reports WHERE superseded_by IS NOT NULL").fetchone() == (0,)
    # Kent's November (the one the minutes discussed) is Kent's again, with its links; Medway's stands alone
    assert rows(con, f"SELECT {HISTORY} FROM action_history WHERE authority = ?", KENT) == rows(
        alone, f"SELECT {HISTORY} FROM action_history")
    assert con.execute("SELECT COUNT(*) FROM action_history WHERE authority = ?", (MEDWAY,)).fetchone() == (0,)
    assert con.execute("SELECT COUNT(DISTINCT a.report_id) FROM amber_reasons ar JOIN actions a ON a.id = ar.action_id"
                       ).fetchone() == (1,)
    # not given is not NULL: a later run without an authority keeps it; '' clears it
    db = store.connect(tmp_path / "p.db")
    stages.ingest([medway_nov], db, cache)
    assert con.execute("SELECT COUNT(*) FROM documents WHERE authority = ?", (MEDWAY,)).fetchone() == (1,)
    stages.ingest([medway_nov], db, cache, authority="")
    db.conn.close()
    assert con.execute("SELECT COUNT(*) FROM documents WHERE authority = ?", (MEDWAY,)).fetchone() == (0,)
    con.close()


def test_folders_map_to_councils_deepest_first_relative_to_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    resolve = authorities.folder_resolver({"a": "Outer", "a/b": "Inner", str(tmp_path / "c.pdf"): "One file"})
    assert resolve(tmp_path / "a" / "x.pdf") == "Outer"
    assert resolve(Path("a/b/y.pdf")) == "Inner" and resolve(tmp_path / "a" / "b" / "z" / "y.pdf") == "Inner"
    assert resolve(tmp_path / "c.pdf") == "One file" and resolve(tmp_path / "ab" / "x.pdf") is None
    (tmp_path / "link").symlink_to(tmp_path / "a" / "b")
    assert resolve(tmp_path / "link" / "y.pdf") == "Inner"  # the folder a link points into
    # one name is for the files named, not for stored documents a --reprocess run reads again
    one = authorities.resolver("Kent", given=[Path("a/x.pdf")])
    assert one(Path("a/x.pdf")) == "Kent" and one(Path("elsewhere.pdf")) is None
    assert authorities.resolver(None)(Path("a/x.pdf")) is None
    assert authorities.for_command(None, {"a": "Outer"}) == {"a": "Outer"} and authorities.for_command("K", {"a": "O"}) == "K"


def test_run_takes_the_authorities_setting_and_the_flag(papers, tmp_path, monkeypatch):
    raw = tmp_path / "data" / "raw"
    for council in ("kent", "kent/medway"):
        (raw / council).mkdir(parents=True, exist_ok=True)
    shutil.copy(papers["oct"], raw / "kent" / "oct.pdf")
    republish(papers["oct"], raw / "kent" / "medway" / "oct.pdf")
    republish(papers["nov"], raw / "other.pdf")
    (tmp_path / "plantrack.toml").write_text(
        '[authorities]\n"data/raw/kent" = "Kent County Council"\n"data/raw/kent/medway" = "Medway Council"\n')
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "out" / "p.db"
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, ["run", "data/raw", "--db", str(db), "--workers", "1", *args])
        assert result.exit_code == 0, result.output
        with sqlite3.connect(db) as con:
            return dict(con.execute("SELECT path, authority FROM documents"))

    got = run()
    assert got == {"data/raw/kent/oct.pdf": KENT, "data/raw/kent/medway/oct.pdf": MEDWAY, "data/raw/other.pdf": None}
    # the mapping corrected: unchanged files take the new council, and reconciliation follows
    (tmp_path / "plantrack.toml").write_text('[authorities]\n"data/raw" = "Swale Borough Council"\n')
    assert set(run().values()) == {"Swale Borough Council"}
    with sqlite3.connect(db) as con:
        assert {a for (a,) in con.execute("SELECT DISTINCT authority FROM findings")} == {"Swale Borough Council"}
        # the two Octobers are now one council's copies of one paper
        assert con.execute("SELECT COUNT(*) FROM reports WHERE superseded_by IS NOT NULL").fetchone() == (1,)
    # --authority names every file of the run, over the mapping
    assert set(run("--authority", "Kent County Council").values()) == {KENT}
    result = runner.invoke(app, ["report", "--db", str(db), "--authority", "kent", "--format", "md"])
    assert result.exit_code == 0 and f"— {KENT}" in result.output
    assert runner.invoke(app, ["report", "--db", str(db), "--authority", "nowhere"]).exit_code == 2


def test_extract_then_load_keeps_the_authority(papers, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out, db = tmp_path / "records", tmp_path / "p.db"
    runner = CliRunner()
    result = runner.invoke(app, ["extract", str(papers["oct"]), "--out", str(out), "--authority", KENT, "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["load", "--db", str(db), "--from", str(out)]).exit_code == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT authority FROM documents").fetchall() == [(KENT,)]
    # the records stay keyed by content alone
    assert sorted(p.name for p in out.iterdir()) == sorted([authorities.RECORDED, *(p.name for p in out.glob("*.v*.json"))])


def test_the_python_api_takes_a_council_per_file(papers, cache, tmp_path):
    db = store.connect(tmp_path / "p.db")
    stages.ingest([papers["oct"], papers["nov"]], db, cache,
                  authority=lambda path: KENT if path.name.endswith("10.pdf") else MEDWAY)
    assert dict(db.conn.execute("SELECT filename, authority FROM documents")) == {
        papers["oct"].name: KENT, papers["nov"].name: MEDWAY}
    stages.ingest([papers["oct"], papers["nov"]], db, cache, authority={str(papers["nov"]): KENT})
    assert {a for (a,) in db.conn.execute("SELECT authority FROM documents")} == {KENT}
    db.conn.close()
