"""Reconciliation end to end on a generated series: three monthly reports of one plan (an action
inserted that renumbers the rest, two removed, statuses moving both ways, planted score errors)
and the minutes that discussed the first. Expectations come from the papers' own truth."""
import sqlite3
from datetime import date

import pytest
from paperfactory import csip_minutes_spec, csip_spec, make_minutes, make_report

from plantrack.pipeline.stages import ingest as stages
from plantrack import store
from plantrack.pipeline.reconcile.rebuild import reconcile

ORDER = ["red", "amber", "green", "blue", "grey"]
PERIODS = ("2022-06", "2022-07", "2022-08")


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    d = tmp_path_factory.mktemp("series")
    specs = {p: csip_spec(p) for p in PERIODS}
    specs["2022-06"].overall_current = round(specs["2022-06"].overall_current + 0.4, 1)     # overall error
    specs["2022-07"].priorities[1].current_score += 0.5                                     # score error
    specs["2022-08"].priorities[0].previous_score = specs["2022-07"].priorities[0].current_score - 0.3  # restated
    truth = {p: make_report(d / f"csip_{p}.pdf", s) for p, s in specs.items()}
    minutes = make_minutes(d / "minutes.pdf", csip_minutes_spec())
    db = store.connect(d / "p.db")
    stages.ingest(stages.find_pdfs([d]), db, d / "cache")
    reconcile(db.conn)
    db.conn.close()
    con = sqlite3.connect(d / "p.db")
    yield truth, minutes, con
    con.close()


def findings(con, kind):
    return {(period, ref, pn) for period, ref, pn in con.execute(
        "SELECT period, ref, priority_number FROM findings WHERE kind = ?", (kind,))}


def pairs(truth, earlier, later):
    """Counterparts by identical wording (the generator never rewords): (previous, current)."""
    prev = {a.text: a for a in truth[earlier].actions}
    return [(prev.get(a.text), a) for a in truth[later].actions], \
        [a for a in truth[earlier].actions if a.text not in {b.text for b in truth[later].actions}]


def test_history_follows_renumbered_actions_and_finds_new_and_dropped(series):
    truth, _, con = series
    for earlier, later in zip(PERIODS, PERIODS[1:]):
        matched, dropped = pairs(truth, earlier, later)
        got = {ref: (prev_ref, change) for ref, prev_ref, change in con.execute(
            "SELECT ref, previous_ref, change FROM action_history WHERE period = ? AND change != 'dropped'", (later,))}
        for prev, cur in matched:
            if prev is None:
                assert got[cur.ref] == (None, "new")
                continue
            a, b = ORDER.index(prev.rag), ORDER.index(cur.rag)
            want = "unchanged" if a == b else ("improved" if b > a else "worsened")
            assert got[cur.ref] == (prev.ref, want), cur.ref
        gone = [r for (r,) in con.execute(
            "SELECT previous_ref FROM action_history WHERE period = ? AND change = 'dropped'", (later,))]
        assert sorted(gone) == sorted(a.ref for a in dropped)
    renumbered = con.execute("SELECT COUNT(*) FROM action_history WHERE ref != previous_ref").fetchone()[0]
    assert renumbered > 0  # the inserted action really shifted later numbers


def test_worsened_and_dropped_incomplete_findings(series):
    truth, _, con = series
    worsened, dropped = set(), set()
    for earlier, later in zip(PERIODS, PERIODS[1:]):
        matched, gone = pairs(truth, earlier, later)
        worsened |= {(later, cur.ref, None) for prev, cur in matched
                     if prev and ORDER.index(cur.rag) < ORDER.index(prev.rag)}
        dropped |= {(later, a.ref, None) for a in gone if a.rag not in ("blue", "grey")}
    assert worsened and findings(con, "worsened") == worsened
    assert dropped and findings(con, "dropped_incomplete") == dropped


def test_planted_score_errors_are_found(series):
    _, _, con = series
    # July's inflated priority 2 also no longer averages to July's overall score, and August
    # restates priority 2's previous score as it really was: both are findings too.
    assert findings(con, "overall_score_mismatch") == {("2022-06", None, None), ("2022-07", None, None)}
    assert findings(con, "score_mismatch") == {("2022-07", None, 2)}
    assert findings(con, "restated_score_mismatch") == {("2022-08", None, 1), ("2022-08", None, 2)}
    detail = con.execute("SELECT detail FROM findings WHERE kind = 'score_mismatch'").fetchone()[0]
    assert detail.startswith("Priority 2: printed score")


def test_overdue_actions(series):
    truth, _, con = series
    want = set()
    for p in PERIODS:
        first_day = date(int(p[:4]), int(p[5:]), 1).isoformat()
        want |= {(p, a.ref, None) for a in truth[p].actions
                 if a.due_date and a.due_date < first_day and a.rag not in ("blue", "grey")}
    assert want and findings(con, "overdue") == want


def test_justifications_missing_unmatched_and_for_non_amber_actions(series):
    truth, minutes, con = series
    june = truth["2022-06"]
    justified = {r.ref for r in minutes.amber_rows if r.ref}
    assert findings(con, "amber_without_reason") == {
        ("2022-06", a.ref, None) for a in june.actions if a.rag == "amber" and a.ref not in justified}
    rags = {a.ref: a.rag for a in june.actions}
    assert findings(con, "reason_for_non_amber") == {
        ("2022-06", ref, None) for ref in justified if rags[ref] != "amber"}
    assert findings(con, "reason_without_action") == {
        ("2022-06", None, None)} == {("2022-06", None, None) for r in minutes.amber_rows if r.ref is None}
