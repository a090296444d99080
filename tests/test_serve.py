"""The analysts' Datasette: views, full-text search, canned queries, metadata and `plantrack serve`.

A real database is built from generated papers (paperfactory): the June and July 2022 reports of
the Children's Services Improvement Plan (July adds an action, which renumbers the later ones),
the committee minutes that discussed June, and one Service Development Plan report as a second plan.
Expected rows come from the papers' truth; the canned queries must also agree with `findings`.
"""
from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest
from markupsafe import escape

import paperfactory as pf
from plantrack.pipeline.outputs import analyst, dictionary
from plantrack import store
from plantrack.pipeline.stages import ingest
from plantrack.pipeline.reconcile import rebuild as reconcile
from plantrack.models.keys import plan_key
from plantrack.models.status import RANK

pytest.importorskip("datasette")

CSIP = "children's services improvement plan"  # as an analyst types it


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(database path, truth) for the generated papers, ingested, reconciled and prepared."""
    tmp = tmp_path_factory.mktemp("serve")
    papers = tmp / "papers"
    papers.mkdir()
    truth = {"june": pf.make_report(papers / "csip_june.pdf", pf.csip_spec("2022-06")),
             "july": pf.make_report(papers / "csip_july.pdf", pf.csip_spec("2022-07")),
             "minutes": pf.make_minutes(papers / "minutes.pdf", pf.csip_minutes_spec()),
             "sdp": pf.make_report(papers / "sdp.pdf", pf.sdp_spec("2019-11"))}
    path = tmp / "plantrack.db"
    db = store.connect(path)
    ingest.ingest(sorted(papers.glob("*.pdf")), db, tmp / "extracted", workers=2)
    reconcile.reconcile(db.conn)
    analyst.prepare(db)
    db.conn.close()
    return path, truth


def _get(path: Path, *urls: str) -> list:
    """JSON (or HTML) of each URL from an in-process Datasette set up as `plantrack serve` sets it up."""
    async def go():
        ds = analyst.datasette(path)
        out = []
        for url in urls:
            r = await ds.client.get(url)
            assert r.status_code == 200, (url, r.text[:800])
            out.append(r.json() if ".json" in url else r.text)
        return out
    return asyncio.run(go())


def _query(path: Path, name: str, **params) -> list[dict]:
    return _get(path, f"/plantrack/{name}.json?{urlencode({**params, '_shape': 'array'})}")[0]


def _sql(path: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchall()


def _copy(built, tmp_path: Path) -> Path:
    """A copy to change, under the name Datasette knows the database by."""
    path = tmp_path / "plantrack.db"
    with sqlite3.connect(built[0]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    return path


def _csip_findings(path: Path, kind: str, period: str) -> set[str]:
    return {r[0] for r in _sql(path, "SELECT ref FROM findings WHERE kind = ? AND period = ? AND plan LIKE 'Children%'",
                               kind, period)}


# ----------------------------------------------------------------------------
# canned queries
# ----------------------------------------------------------------------------

def test_every_canned_query_runs_with_blank_parameters_and_has_a_form(built):
    path, _ = built
    for name, q in analyst.QUERIES.items():
        _query(path, name, **{p: "" for p in q["params"]})
        page = _get(path, f"/plantrack/{name}")[0]
        assert q["title"] in page and all(f'name="{p}"' in page for p in q["params"])


def test_amber_without_reason(built):
    path, t = built
    minuted = {row.ref for row in t["minutes"].amber_rows if row.ref}
    expected = {a.ref for a in t["june"].actions if a.rag == "amber"} - minuted
    rows = _query(path, "amber_without_reason", plan=CSIP, period="2022-06")
    assert {r["ref"] for r in rows} == expected and expected
    assert {r["ref"] for r in rows} == _csip_findings(path, "amber_without_reason", "2022-06")
    assert {r["meeting_date"] for r in rows} == {"2022-07-19"}
    assert _query(path, "amber_without_reason", plan="service development plan", period="2022-06") == []


def _renumbered(t) -> tuple:
    june = {a.text: a for a in t["june"].actions}
    return next((june[a.text], a) for a in t["july"].actions if a.text in june and june[a.text].ref != a.ref)


def test_status_history_follows_renumbering(built):
    path, t = built
    before, after = _renumbered(t)
    rows = _query(path, "action_status_history", plan="Children’s Services Improvement Plan 2022/23",
                  period="2022-07", ref=after.ref)
    assert [(r["period"], r["ref"], r["rag"]) for r in rows] == [
        ("2022-06", before.ref, before.rag), ("2022-07", after.ref, after.rag)]
    assert rows[1]["previous_ref"] == before.ref
    # asked from the other end, the same history
    again = _query(path, "action_status_history", plan=CSIP, period="2022-06", ref=before.ref + ".")
    assert [r["action_id"] for r in again] == [r["action_id"] for r in rows]


def test_worsened(built):
    path, t = built
    june = {a.text: a for a in t["june"].actions}
    expected = {a.ref for a in t["july"].actions if a.text in june and a.rag and june[a.text].rag
                and RANK[a.rag] < RANK[june[a.text].rag]}
    rows = _query(path, "worsened", plan=CSIP, period="2022-07")
    assert {r["ref"] for r in rows} == expected == _csip_findings(path, "worsened", "2022-07")
    assert all(RANK[r["rag"]] < RANK[r["previous_rag"]] for r in rows)


def test_overdue(built):
    path, t = built
    expected = {a.ref for a in t["july"].actions
                if a.due_date and a.due_date < "2022-07-01" and a.rag not in ("blue", "grey")}
    rows = _query(path, "overdue", plan=CSIP, period="2022-07")
    assert {r["ref"] for r in rows} == expected == _csip_findings(path, "overdue", "2022-07")


def test_findings_for_plan_and_period(built):
    path, _ = built
    rows = _query(path, "findings_for", plan=CSIP, period="2022-07")
    assert {r["id"] for r in rows} == {r[0] for r in _sql(
        path, "SELECT id FROM findings WHERE plan LIKE 'Children%' AND period = '2022-07'")}
    everything = _query(path, "findings_for", plan="", period="")
    assert len(everything) == _sql(path, "SELECT count(*) FROM findings")[0][0]


def test_justification(built):
    path, t = built
    row = next(r for r in t["minutes"].amber_rows if r.ref and r.reason == r.effective_reason)
    got = _query(path, "justification", plan=CSIP, period="2022-06", ref=row.ref)
    assert [" ".join(g["effective_reason"].split()) for g in got] == [" ".join(row.effective_reason.split())]
    assert got[0]["committee"] == t["minutes"].committee
    linked = _sql(path, "SELECT count(*) FROM amber_reasons WHERE action_id IS NOT NULL")[0][0]
    assert len(_query(path, "justification", plan=CSIP, period="2022-06", ref="")) == linked


# ----------------------------------------------------------------------------
# full-text search
# ----------------------------------------------------------------------------

def _has_words(columns, *words: str) -> bool:
    """As an FTS row matches: every word somewhere in the row's indexed columns."""
    tokens = set(re.findall(r"\w+", " ".join(c or "" for c in columns).casefold()))
    return all(w in tokens for w in words)


def test_search_query_finds_actions_and_justifications(built):
    path, _ = built
    words = ("family", "hubs")
    actions = {i for i, *cols in _sql(path, "SELECT id, text, progress FROM actions") if _has_words(cols, *words)}
    reasons = {i for i, *cols in _sql(path, "SELECT id, reason, effective_reason, action_text FROM amber_reasons")
               if _has_words(cols, *words)}
    rows = _query(path, "search", q="Family  hubs")
    assert {r["action_id"] for r in rows if r["found_in"] == "action"} == actions and actions
    assert {r["amber_reason_id"] for r in rows if r["found_in"] == "minutes"} == reasons
    assert all("[" in r["snippet"] for r in rows)
    assert _query(path, "search", q='don\'t "NEAR(') == [] and _query(path, "search", q=" ") == []


def test_table_search_and_latest_actions_search(built):
    path, _ = built
    table, view = _get(path, "/plantrack/actions.json?_search=hubs&_shape=array",
                       "/plantrack/latest_actions.json?_search=hubs&_shape=array")
    assert {r["id"] for r in table} == {i for i, *cols in _sql(path, "SELECT id, text, progress FROM actions")
                                        if _has_words(cols, "hubs")}
    latest = {r[0] for r in _sql(path, "SELECT id FROM latest_actions")}
    assert {r["id"] for r in view} == {r["id"] for r in table} & latest


def test_search_stays_current_as_rows_are_loaded(built, tmp_path):
    path = _copy(built, tmp_path)
    with sqlite3.connect(path) as conn:
        report = conn.execute("SELECT id FROM reports LIMIT 1").fetchone()[0]
        conn.execute("INSERT INTO actions (report_id, ref, text, rag) VALUES (?, '99', 'Plant zebracorn hedges', 'red')",
                     (report,))
        conn.execute("UPDATE amber_reasons SET reason = 'quokka survey delayed' WHERE id = 1")
    assert len(_query(path, "search", q="zebracorn")) == 1
    assert [r["amber_reason_id"] for r in _query(path, "search", q="quokka")] == [1]
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM actions WHERE text LIKE '%zebracorn%'")
    assert _query(path, "search", q="zebracorn") == []


# ----------------------------------------------------------------------------
# views and prepare()
# ----------------------------------------------------------------------------

def test_latest_actions_are_the_latest_report_of_each_plan(built):
    path, t = built
    rows = _get(path, "/plantrack/latest_actions.json?_shape=array&_size=max")[0]
    by_plan = {}
    for r in rows:
        by_plan.setdefault(plan_key(r["plan"]), []).append(r)
    csip, sdp = by_plan[plan_key(t["july"].plan)], by_plan[plan_key(t["sdp"].plan)]
    assert {r["period"] for r in csip} == {"2022-07"} and [r["ref"] for r in csip] == [a.ref for a in t["july"].actions]
    assert {r["period"] for r in sdp} == {"2019-11"} and len(sdp) == len(t["sdp"].actions)


def test_status_matrix_one_row_per_action_one_column_per_period(built):
    path, t = built
    rows = _get(path, "/plantrack/status_matrix.json?_shape=array&_size=max")[0]
    assert {"2019-11", "2022-06", "2022-07"} <= set(rows[0]) and not {"2019-10", "2022-08"} & set(rows[0])
    csip = [r for r in rows if plan_key(r["plan"]) == plan_key(t["july"].plan)]
    june_texts = {a.text for a in t["june"].actions}
    assert len(csip) == len(t["june"].actions) + sum(a.text not in june_texts for a in t["july"].actions)
    before, after = _renumbered(t)
    row = next(r for r in csip if (r["first_period"], r["first_ref"]) == ("2022-06", before.ref))
    assert (row["ref"], row["refs"]) == (after.ref, f"{before.ref} → {after.ref}")
    assert (row["2022-06"], row["2022-07"], row["2019-11"]) == (before.rag or "unrated", after.rag or "unrated", None)


def test_prepare_is_idempotent_and_rebuilds_status_matrix_for_new_periods(built, tmp_path):
    path = _copy(built, tmp_path)
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    before = _sql(path, schema)
    with sqlite3.connect(path) as conn:
        analyst.prepare(conn)
        analyst.prepare(conn)
    assert _sql(path, schema) == before
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO reports (document_id, plan, period) VALUES (1, 'Early Help Strategy 2023/24', '2023-04')")
        assert analyst.prepare(conn)["periods"][-1] == "2023-04"
    columns = [r[1] for r in _sql(path, "PRAGMA table_info(status_matrix)")]
    assert "2023-04" in columns


def test_new_plan_names_get_a_series_before_prepare_runs_again(built, tmp_path):
    path = _copy(built, tmp_path)
    names = ["Early Help Strategy 2023/24", "Children’s Services  Improvement Plan – 2022-23 (revised)",
             "SEND “Written Statement” of Action: 2023"]
    with sqlite3.connect(path) as conn:
        for i, name in enumerate(names):
            conn.execute("INSERT INTO reports (document_id, plan, period) VALUES (1, ?, ?)", (name, f"2024-0{i + 1}"))
    got = dict(_sql(path, "SELECT plan, series FROM plan_series"))
    assert {n: got[n] for n in names} == {n: plan_key(n) for n in names}
    assert len(_sql(path, "SELECT * FROM report_series WHERE period LIKE '2024-%'")) == 3


def test_prepare_on_a_fresh_database_before_any_reconcile(tmp_path):
    db = store.connect(tmp_path / "empty.db")
    assert analyst.prepare(db) == {"periods": [], "series": 0}
    assert db.conn.execute("SELECT * FROM status_matrix").fetchall() == []


# ----------------------------------------------------------------------------
# dictionary and metadata
# ----------------------------------------------------------------------------

def test_dictionary_describes_every_column_of_the_database(built):
    path, _ = built
    with sqlite3.connect(path) as conn:
        assert dictionary.undocumented(conn) == [], "describe new columns in plantrack/store/schema.py"


def test_metadata_tables_and_query_parameters(built):
    path, _ = built
    meta = analyst.metadata("plantrack")["databases"]["plantrack"]
    names = {r[0] for r in _sql(path, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                      "AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite%'")}
    assert names <= set(meta["tables"])
    for name, q in meta["queries"].items():
        used = set(re.findall(r":(\w+)", re.sub(r"'(?:''|[^'])*'", "", q["sql"])))
        assert used == set(q["params"]), name
    for table, facets in analyst.FACETS.items():
        columns = {r[1] for r in _sql(path, f'PRAGMA table_info("{table}")')}
        assert set(facets) <= columns, table
    page = _get(path, "/plantrack/actions")[0]
    for text in (dictionary.table("actions").description, dictionary.meaning("actions", "due_date")):
        assert str(escape(text)) in page
    shown = _get(path, "/plantrack/findings.json?_shape=objects")[0]
    assert set(shown["facet_results"]) == {"authority", "plan", "period", "kind"}
    assert shown["facet_results"]["kind"]["results"]


def test_datasette_reads_through_read_only_connections(built):
    async def go():
        ds = analyst.datasette(built[0])
        refused = await ds.client.get("/plantrack.json?" + urlencode({"sql": "DELETE FROM findings"}))
        try:  # past Datasette's own check, SQLite refuses too: the file is opened mode=ro
            await ds.databases["plantrack"].execute("DELETE FROM findings")
        except sqlite3.OperationalError as e:
            return refused.status_code, str(e)
    assert asyncio.run(go()) == (400, "attempt to write a readonly database")
    assert all(not q.get("write") for q in analyst.QUERIES.values())


# ----------------------------------------------------------------------------
# plantrack serve
# ----------------------------------------------------------------------------

def test_serve_prepares_then_runs_on_localhost(built, tmp_path, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from plantrack.pipeline.cli import app

    path = tmp_path / "served.db"
    with sqlite3.connect(built[0]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
        dst.execute("DROP VIEW status_matrix")
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **kw: calls.append(kw))
    result = CliRunner().invoke(app, ["serve", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8001
    assert _sql(path, "SELECT name FROM sqlite_master WHERE name = 'status_matrix'")


def test_serve_on_port_0_names_the_port_it_listens_on(built, monkeypatch):
    """--port 0 lets the machine choose a free port: the sign-in link printed must name that port, not 0."""
    import uvicorn
    from typer.testing import CliRunner

    from plantrack.pipeline.cli import app

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **kw: calls.append(kw))
    result = CliRunner().invoke(app, ["serve", "--db", str(built[0]), "--port", "0"])
    assert result.exit_code == 0, result.output
    port = calls[0]["port"]
    assert port > 0
    assert f"http://127.0.0.1:{port}/-/clerk/sign-in?token=" in result.output


def test_serve_without_datasette_says_how_to_install_it(built, monkeypatch):
    from typer.testing import CliRunner

    from plantrack.pipeline.cli import app

    monkeypatch.setitem(__import__("sys").modules, "datasette.app", None)
    result = CliRunner().invoke(app, ["serve", "--db", str(built[0])])
    assert result.exit_code == 2
    assert "serve needs Datasette: pip install 'plantrack[serve]'" in result.output


def test_serve_without_a_database(tmp_path):
    from typer.testing import CliRunner

    from plantrack.pipeline.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and not (tmp_path / "none.db").exists()
