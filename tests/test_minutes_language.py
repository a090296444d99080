"""Rules that read a justification: back-references, status changes, target dates; and plan linking."""
import pytest

from plantrack.extract.language import (financial_year_of, is_back_reference, resolve_back_references,
                                        status_change, target_date)
from plantrack.extract.minutes_head import looks_like_minutes
from plantrack.extract.minutes_words import plan_from_title
from plantrack.pipeline.reconcile.linking import discussed_report, match_reasons, pair_score, plan_key


@pytest.mark.parametrize("text", [
    "Same as above", "As above", "As above.", "see above", "See Above", "As per previous", "As previous",
    "Ditto", "SAME AS ABOVE", "(As above)", "As per above", "as per row above", "Same as previous", "\"",
    "  as above  ",
])
def test_back_references(text):
    assert is_back_reference(text)


@pytest.mark.parametrize("text", [
    "", None, "As above, target date March 2020", "Above target", "Progress as above plan",
    "Same staff as above are involved in the recruitment", "Updated to GREEN", "above",
])
def test_not_back_references(text):
    assert not is_back_reference(text)


def test_resolve_chains_and_first_row():
    reasons = ["As above", "Staff recruited.", "Same as above", "Ditto", "Training booked.", "As per previous"]
    assert resolve_back_references(reasons) == [
        "As above", "Staff recruited.", "Staff recruited.", "Staff recruited.", "Training booked.",
        "Training booked."]
    assert resolve_back_references([]) == []


def test_a_pointer_by_ref_carries_that_rows_reason():
    actions = ["1.1 Welcome pack for new staff", "1.2 Induction sessions every six months",
               "2.1 Mentoring for care leavers", "2.2 Translate the information sheet"]
    reasons = ["Packs being redesigned with young people.", "As per 1.1", "Same as 2.2",
               "Translation booked for March."]
    assert resolve_back_references(reasons, actions) == [
        "Packs being redesigned with young people.", "Packs being redesigned with young people.",
        "Translation booked for March.", "Translation booked for March."]
    # a ref no row prints stays as printed; without the actions' refs nothing can be resolved
    assert resolve_back_references(["Staff recruited.", "As per 4.1"], ["1.1 A", "1.2 B"])[1] == "As per 4.1"
    assert resolve_back_references(["Staff recruited.", "As per 1.1"]) == ["Staff recruited.", "As per 1.1"]


@pytest.mark.parametrize("reason, plan, meeting, iso", [
    ("Target date end of Q4", "Service Development Plan 2019-20", "2019-12-12", "2020-03-31"),
    ("Target date: Q3", "Children's Services Improvement Plan 2022-23", "2022-07-19", "2022-12-31"),
    ("Deadline revised to Q1", None, "2023-02-10", "2022-06-30"),         # the meeting's financial year
    ("Target date Q2 2024/25", "Corporate Plan 2023-24", "2023-11-01", "2024-09-30"),  # the year printed wins
    ("Completion expected in quarter 4", "Improvement Plan 2021/22", None, "2022-03-31"),
])
def test_a_target_quarter_is_the_end_of_that_quarter_of_the_financial_year(reason, plan, meeting, iso):
    assert target_date(reason, financial_year_of(plan, meeting)) == iso


def test_a_quarter_with_no_year_known_is_no_date():
    assert target_date("Target date end of Q4") is None
    assert target_date("Q4 performance was good", 2019) is None  # no target cue before it


@pytest.mark.parametrize("text, rag", [
    ("Updated to GREEN", "green"),
    ("Annual reviews were on time in 86% of cases, so the action was Updated to GREEN by the Board; "
     "amended plans still take five weeks.", "green"),
    ("now green", "green"),
    ("The Board agreed it is now rated Green.", "green"),
    ("moved to Green", "green"),
    ("changed to Blue", "blue"),
    ("revised to amber", "amber"),
    ("RAG status changed from Amber to Green at the meeting", "green"),
    ("Re-rated Green", "green"),
    ("Moved to Purple as complete", "grey"),
    ("updated to grey", "grey"),
    ("changed to gray", "grey"),
])
def test_status_change(text, rag):
    assert status_change(text) == rag


@pytest.mark.parametrize("text", [
    None, "", "rated Amber", "Reason for Amber", "The action has fallen from Amber to Red.",
    "Still Amber: the contractor is late", "Not yet updated to green", "It will be moved to green once the hub opens",
    "It cannot be changed to green until the audit is done", "Further update to be provided at next meeting.",
    "now amber because recruitment slipped", "Green by March if recruitment succeeds",
])
def test_no_status_change(text):
    assert status_change(text) is None


@pytest.mark.parametrize("text, iso", [
    ("Target date March 2020 and not overdue", "2020-03-31"),
    ("Two posts re-advertised. Target date 31 October 2022.", "2022-10-31"),
    ("target: Dec-22", "2022-12-31"),
    ("Deadline 30/09/2022", "2022-09-30"),
    ("to be completed by March 2023", "2023-03-31"),
    ("Original target date March 2022, revised target date June 2022", "2022-06-30"),
    ("Target date moved to the end of March 2023", "2023-03-31"),
])
def test_target_date(text, iso):
    assert target_date(text) == iso


@pytest.mark.parametrize("text", [
    None, "Posts were advertised internally on 20 June 2022; appointments will be made in July.",
    "opening now expected in October 2022", "above the 85% target, so the action was Updated to GREEN",
    "Target date to be agreed", "Met on 5 July 2022 with the police",
])
def test_no_target_date(text):
    assert target_date(text) is None


def test_looks_like_minutes():
    assert looks_like_minutes("CITY OF KINGSGATE\nCOMMITTEE\nMinutes of the meeting held on 12 December 2019")
    assert looks_like_minutes("MINUTES of the meeting of the Cabinet held on 3 May 2022")
    # no "Minutes" title: the body and date over the marks of a record
    assert looks_like_minutes("Kingsgate Parish Council – 3 May 2022\nPresent: Cllr A\n1. Apologies\nRESOLVED: noted")
    # the same marks without a title block naming a body and a date open nothing (a page inside a paper)
    assert not looks_like_minutes("Kingsgate\nPresent: Cllr A\n1. Apologies\nRESOLVED: noted")
    agenda = ("City of Kingsgate\nSub-Committee\nDate: 12 DECEMBER 2019\nAGENDA\n3. MINUTES\n"
              "To agree the public minutes and non-public summary of the meeting held on 10 October 2019.")
    assert not looks_like_minutes(agenda)
    assert not looks_like_minutes("Service Development Plan 2019-20\nProgress update as at 30 November 2019")


@pytest.mark.parametrize("title, plan", [
    ("Service Development Plan 2019-20", "Service Development Plan 2019-20"),
    ("Children’s Services Improvement Plan 2022-23: progress update for July 2022",
     "Children’s Services Improvement Plan 2022-23"),
    ("SERVICE DEVELOPMENT PLAN 2019/20", "SERVICE DEVELOPMENT PLAN 2019/20"),
    ("Update on the Children's Services Improvement Plan", "Children's Services Improvement Plan"),
    ("CHILDREN’S SOCIAL CARE PERFORMANCE REPORT – QUARTER 2", None),
    ("Work programme", None),
])
def test_plan_from_title(title, plan):
    assert plan_from_title(title) == plan


def test_plan_key():
    assert (plan_key("Children’s Services Improvement Plan 2022-23")
            == plan_key("childrens services improvement plan 2022/23"))
    assert plan_key("Service Development Plan 2019–2020") == plan_key("SERVICE  DEVELOPMENT PLAN 2019-20")
    assert plan_key("Service Development Plan 2019-20") != plan_key("Service Development Plan 2020-21")


def test_discussed_report_is_latest_not_after_meeting():
    reports = [dict(id=1, plan="CSIP 2022-23", as_at="2022-06-30"), dict(id=2, plan="CSIP 2022/23", as_at="2022-07-31"),
               dict(id=3, plan="CSIP 2022-23", as_at="2022-08-24"), dict(id=4, plan="Other plan", as_at="2022-08-01")]
    assert discussed_report("2022-08-16", "csip 2022-23", reports)["id"] == 2
    assert discussed_report("2022-07-31", "CSIP 2022-23", reports)["id"] == 2
    assert discussed_report("2022-06-01", "CSIP 2022-23", reports) is None
    assert discussed_report("2022-08-16", "Unknown", reports) is None


def test_match_reasons_truncated_reworded_and_orphan():
    actions = [dict(id=10, ref="1", text="Create a career pathway for experienced social workers with an advanced "
                                         "practitioner grade in every locality"),
               dict(id=11, ref="2", text="Introduce a retention payment for experienced social workers in the "
                                         "locality safeguarding teams"),
               dict(id=12, ref="3", text="Young people (care leavers) to have practice opportunities managing finance "
                                         "(in addition to individual keywork sessions) before moving on")]
    got = match_reasons([
        "Create a career pathway for experienced social workers",                 # cut off
        "Young people (care leavers) to have practice opportunities managing finance (in addition to indiv",
        "Introduce retention payments for experienced social workers in locality safeguarding teams",  # reworded
        "Reduce waiting times for CAMHS assessments",                             # not in the plan
    ], actions)
    assert [a for a, _ in got] == [10, 12, 11, None]
    assert all(0 <= s <= 100 for _, s in got)
    assert match_reasons([], actions) == [] and match_reasons(["x"], []) == [(None, 0.0)]


def test_match_reasons_uses_each_action_once():
    actions = [dict(id=1, ref="1", text="Open four family hubs, one in each district")]
    got = match_reasons(["Open four family hubs, one in each district", "Open four family hubs"], actions)
    assert got[0][0] == 1 and got[1][0] is None
    assert pair_score("abc", "") == 0.0
