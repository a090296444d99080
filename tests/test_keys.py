"""The matching keys (plantrack/models/keys.py) and their SQL twins, and the one status scale.

Property tests: for random text, each SQL twin run by SQLite gives exactly what its Python key gives
(the strategies are not filtered: a disagreement anywhere fails). Example tests: `report --plan` and
the Datasette canned queries pick the same plans, on a real database.
"""
from __future__ import annotations

import asyncio
import sqlite3
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrack.models import Action, Extraction, Report
from plantrack.models import keys
from plantrack.models.keys import authority_matches, plan_key, plan_matches, ref_key, ref_order
from plantrack.models.status import DONE, ORDER, RANK, SCORES
from plantrack.pipeline.outputs import analyst
from plantrack.pipeline.outputs.digest import digest_frames, plan_views
from plantrack.pipeline.reconcile.rebuild import reconcile
from plantrack import store
from plantrack.pipeline.stages import load

# Text as plan names and refs come: any Unicode at all, and text built from what the keys fold
# (case, accents, white space of every kind, dashes, dots, digits, years, quotes, NUL and controls).
PIECES = [*"aAbBsSdDpPzZ019 .-/_'\"()&", *keys.SPACES, *keys.DASHES, *"’‘“”…•£€éÉŴŷßÆﬁ\u0301\u00ad\u200b",
          "\x00", "\x01", "2019", "2020", "1999", "2000", "2099", "Plan", "SDP", "  ", "3.2", "A1"]
TEXT = st.one_of(st.text(), st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def sql():
    conn = sqlite3.connect(":memory:")
    yield conn
    conn.close()


@PROPERTY
@given(TEXT)
def test_plan_key_sql_is_plan_key(sql, name):
    got = sql.execute(f"WITH {keys.plan_key_ctes('SELECT 0, ?')} SELECT v FROM asked", (name,)).fetchone()[0]
    assert got == plan_key(name)


@PROPERTY
@given(TEXT)
def test_plan_key_steps_as_updates_are_plan_key(sql, name):
    """The trigger's form: each step an UPDATE of the row the one before left."""
    sql.execute("CREATE TEMP TABLE IF NOT EXISTS t (v TEXT)")
    sql.execute("DELETE FROM t")
    sql.execute("INSERT INTO t VALUES (?)", (name,))
    for step in keys.plan_key_steps("v"):
        sql.execute(f"UPDATE t SET v = {step}")
    assert sql.execute("SELECT v FROM t").fetchone()[0] == plan_key(name)


@PROPERTY
@given(TEXT)
def test_ref_key_sql_is_ref_key(sql, ref):
    got = sql.execute(f"WITH {keys.ref_key_ctes('SELECT 0, ?', 'r')} SELECT v FROM r", (ref,)).fetchone()[0]
    assert got == ref_key(ref)


def test_ref_key_sql_of_null_is_none(sql):
    assert sql.execute(f"WITH {keys.ref_key_ctes('SELECT 0, NULL', 'r')} SELECT v FROM r").fetchone()[0] is None
    assert ref_key(None) is None


WANTED = keys.wanted_ctes(":plan", ":authority", "SELECT :series AS series", "SELECT :council AS authority")


@PROPERTY
@given(TEXT, TEXT)
def test_plan_matching_in_sql_is_plan_matches(sql, name, query):
    """The canned queries' `wanted` picks a plan exactly when plan_matches does (a query that folds
    to nothing, a blank form field, wants every plan)."""
    key = plan_key(name)
    got = sql.execute(f"WITH {WANTED} SELECT count(*) FROM wanted",
                      {"plan": query, "series": key, "authority": "", "council": None}).fetchone()[0] > 0
    assert got == (plan_matches(key, query) or plan_key(query) == "")


@PROPERTY
@given(TEXT, TEXT)
def test_council_matching_in_sql_is_authority_matches(sql, name, query):
    got = sql.execute(f"WITH {WANTED} SELECT count(*) FROM council",
                      {"plan": "", "series": "", "authority": query, "council": name}).fetchone()[0] > 0
    assert got == authority_matches(name, query)


@PROPERTY
@given(TEXT)
def test_a_name_names_its_plan(name):
    assert plan_matches(plan_key(name), name) is (plan_key(name) != "")


@PROPERTY
@given(TEXT)
def test_keys_are_stable(name):
    assert plan_key(plan_key(name)) == plan_key(name)
    assert ref_key(ref_key(name)) == ref_key(name)


# ----------------------------------------------------------------------------
# the rules, by example
# ----------------------------------------------------------------------------

SDP = "service development plan 2019 20"


def test_plan_key_examples():
    assert plan_key("Children’s Services Improvement Plan 2022/23") == "childrens services improvement plan 2022 23"
    assert plan_key("SERVICE DEVELOPMENT PLAN 2019–2020") == plan_key("Service Development Plan 2019-20") == SDP
    assert plan_key("Service Development Plan 2019-20") != plan_key("Service Development Plan 2020-21")
    assert plan_key("Cynllun Gwasanaethau Cymdeithasol – Ŵyr") == "cynllun gwasanaethau cymdeithasol wyr"
    assert plan_key("Ofsted ﬁndings\u00a0plan") == "ofsted findings plan"


@pytest.mark.parametrize("query, names", [
    ("SDP", True), ("sdp 2019-20", True), ("Service Development Plan 2019/20", True),
    ("SERVICE-DEVELOPMENT", True), ("service development", True), ("development plan 2019/2020", True),
    ("plan sdp", True), ("service", True), ("dp", True),
    ("servic", False), ("sdp 2020-21", False), ("children's services", False), ("", False), ("'", False),
])
def test_plan_matches_examples(query, names):
    assert plan_matches(SDP, query) is names


def test_a_word_must_be_a_whole_word():
    assert not plan_matches("childrens services improvement plan 2022 23", "service")
    assert plan_matches("childrens services improvement plan 2022 23", "Children's services")
    assert plan_matches("childrens services improvement plan 2022 23", "CSIP 2022/23")


def test_ref_key_examples():
    assert ref_key("3.2") == ref_key("3.2.") == ref_key(" 3.2 ") == ref_key("3.2 .") == "3.2"
    assert ref_key("A–1") == ref_key("a-1") == "a-1"
    assert ref_key("  ") is None and ref_key("") is None and ref_key(float("nan")) is None
    assert sorted(["2.10", "10", "2.5", "2", "2.5a", "²"], key=ref_order) == ["2", "2.5", "2.5a", "2.10", "10", "²"]


def test_month_label():
    assert keys.month_label("2022-07") == "July 2022"
    assert keys.month_label("2022-13") == "2022-13" and keys.month_label(None) == "an undated"


# ----------------------------------------------------------------------------
# the status scale
# ----------------------------------------------------------------------------

def test_one_status_scale():
    from plantrack.pipeline.reconcile.rebuild import Settings
    from plantrack.settings import RAGS, SETTINGS

    assert ORDER == ("red", "amber", "green", "blue", "grey")  # the contract's order, worst to best
    assert [RANK[s] for s in ORDER] == sorted(RANK.values()) and list(SCORES) == list(ORDER)
    assert DONE == {"blue", "grey"} and RAGS == ORDER
    assert Settings().scale == SCORES == next(s.default for s in SETTINGS if s.name == "reconcile.scale")


# ----------------------------------------------------------------------------
# `report --plan` and the canned queries pick the same plans
# ----------------------------------------------------------------------------

PLANS = {"Service Development Plan 2019-20": "2019-11", "Strategic Delivery Plan": "2019-12",
         "Children’s Services Improvement Plan 2022/23": "2022-06", "Social Care Plan": "2021-03"}
KENT, MEDWAY = "Kent County Council", "Medway Council"
COUNCIL = {"Service Development Plan 2019-20": KENT, "Children’s Services Improvement Plan 2022/23": KENT,
           "Strategic Delivery Plan": MEDWAY, "Social Care Plan": MEDWAY}
QUERIES = ["SDP", "sdp 2019-20", "Service Development Plan 2019/2020", "children's services", "CSIP", "service",
           "plan", "improvement plan", "SCP", "strategic", "delivery plan sdp", "nothing like it"]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """Four plans (two of them "SDP"), each report with one overdue action, loaded as `plantrack`
    loads papers, reconciled and prepared."""
    path = tmp_path_factory.mktemp("keys") / "plantrack.db"
    db = store.connect(path)
    for i, (plan, period) in enumerate(PLANS.items()):
        report = Report(plan=plan, period=period, as_at=f"{period}-28", first_page=1, last_page=1, actions=[
            Action(priority_number=1, ref="1.1", text=f"Action one of {plan}", rag="red", due_date="2019-01-31"),
            Action(priority_number=1, ref="1.2", text=f"Action two of {plan}", rag="green")])
        load.load_extraction(db, Extraction(sha256=f"{i:064x}", filename=f"plan{i}.pdf", kind="plan_report",
                                             status="ok", pages=1, reports=[report]), authority=COUNCIL[plan])
    reconcile(db.conn)
    analyst.prepare(db)
    db.conn.close()
    return path


def _report_plans(conn: sqlite3.Connection, query: str) -> set[str]:
    """The plans `plantrack report --plan query` shows (its folded names)."""
    return {key for _, key in _report(conn, plan=query)}


def _report(conn: sqlite3.Connection, **asked) -> set[tuple[str, str]]:
    """(council, folded plan name) of each plan `plantrack report --plan … --authority …` shows."""
    try:
        return {(v.authority, v.key) for v in plan_views(digest_frames(conn), **asked)}
    except ValueError:  # "no plan matches", "no authority matches"
        return set()


def _canned(conn: sqlite3.Connection, name: str, **params) -> set[tuple[str, str]]:
    cur = conn.execute(analyst.QUERIES[name]["sql"], {"plan": "", "period": "", "authority": "", **params})
    columns = [c[0] for c in cur.description]
    return {(row[columns.index("authority")], plan_key(row[columns.index("plan")])) for row in cur}


def _canned_plans(conn: sqlite3.Connection, name: str, query: str, **params) -> set[str]:
    return {key for _, key in _canned(conn, name, plan=query, **params)}


@pytest.mark.parametrize("query", QUERIES)
def test_report_and_canned_queries_pick_the_same_plans(database, query):
    with sqlite3.connect(database) as conn:
        shown = _report_plans(conn, query)
        assert shown == {k for k in map(plan_key, PLANS) if plan_matches(k, query)}
        assert _canned_plans(conn, "overdue", query) == shown
        assert _canned_plans(conn, "findings_for", query) == shown
        assert _canned_plans(conn, "action_status_history", query, ref=" 1.1.") == shown


@pytest.mark.parametrize("council", ["kent", "KENT council", "county", "Medway", "council", "surrey"])
def test_report_and_canned_queries_pick_the_same_councils(database, council):
    with sqlite3.connect(database) as conn:
        shown = _report(conn, authority=council)
        assert shown == {(COUNCIL[p], plan_key(p)) for p in PLANS if authority_matches(COUNCIL[p], council)}
        assert _canned(conn, "overdue", authority=council) == _canned(conn, "findings_for", authority=council) == shown
        assert _canned(conn, "overdue", plan="SDP", authority=council) == _report(conn, plan="SDP", authority=council)


def test_a_blank_form_field_means_every_council(database):
    with sqlite3.connect(database) as conn:
        assert _canned(conn, "overdue", authority=" ") == _report(conn) == {(COUNCIL[p], plan_key(p)) for p in PLANS}


def test_sdp_names_both_sdps_and_a_year_only_one(database):
    with sqlite3.connect(database) as conn:
        assert _report_plans(conn, "SDP") == {SDP, "strategic delivery plan"}
        assert _report_plans(conn, "SDP 2019-20") == {SDP}


def test_datasette_picks_what_report_picks(database):
    pytest.importorskip("datasette")

    async def get(url):
        r = await analyst.datasette(database).client.get(url)
        assert r.status_code == 200, r.text[:500]
        return r.json()

    for query in ("SDP", "children's services"):
        rows = asyncio.run(get("/plantrack/overdue.json?"
                               + urlencode({"plan": query, "period": "", "authority": "", "_shape": "array"})))
        with sqlite3.connect(database) as conn:
            assert {plan_key(r["plan"]) for r in rows} == _report_plans(conn, query) != set()


def test_new_names_get_their_key_from_the_trigger(database, tmp_path):
    path = tmp_path / "plantrack.db"
    with sqlite3.connect(database) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    names = ["Early Help Strategy 2023/2024", "SEND “Written Statement” of Action – Ŵ\u00a0 2023", "x\u2028y"]
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO reports (document_id, plan, period) VALUES (1, ?, '2024-01')", [(n,) for n in names])
        got = dict(conn.execute("SELECT plan, series FROM plan_series"))
    assert {n: got[n] for n in names} == {n: plan_key(n) for n in names}


def test_authority_name_is_the_council_as_stored_and_compared():
    """One home for how a council's name is stored (store), grouped (supersede, reconcile) and shown
    (digest): white space folded, nothing else; unknown in any spelling is None."""
    from plantrack.models.keys import authority_name
    from plantrack.store.supersede import authority_key
    from plantrack.pipeline.stages.load import clean_authority

    assert authority_name("  Kent \t County\nCouncil ") == "Kent County Council"
    assert authority_name("Kent") != authority_name("Kent County Council")
    for unknown in (None, "", "   ", float("nan")):
        assert authority_name(unknown) is None
        assert authority_key(unknown) == ""
    assert clean_authority(" Kent  County Council") == "Kent County Council"
    assert clean_authority("") is None
