"""The small text parsers: dates, colours, status words, key sentences, column headers."""
from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from plantrack.extract.colours import to_rgb
from plantrack.extract.columns import header_roles, role_of
from plantrack.extract.dates import find_date, parse_date
from plantrack.extract.legend import Legend, status_of_description


@pytest.mark.parametrize("printed, iso", [
    ("March 2020", "2020-03-31"), ("Mar-20", "2020-03-31"), ("31/03/2020", "2020-03-31"),
    ("03/2020", "2020-03-31"), ("February 2020", "2020-02-29"), ("Dec-22", "2022-12-31"),
    ("30/09/2022", "2022-09-30"), ("Sept 2019", "2019-09-30"), ("by March 2021", "2021-03-31"),
    ("31 October 2019", "2019-10-31"), ("24.08.22", "2022-08-24"),
    ("Ongoing", None), ("Q3 2022/23", None), ("", None), ("TBC", None), ("March 2020 and ongoing", None),
    ("Dec 2019 / revised Mar 2020", "2020-03-31"), ("31/01/2020 (extended to 30/04/2020)", "2020-04-30"),
    ("Sept 2019, now March 2020", "2020-03-31"), ("Revised plan by March 2020", None),
])
def test_timescales_become_due_dates(printed, iso):
    assert parse_date(printed) == iso


def test_dates_in_running_text():
    assert find_date("Progress update – July 2022")[0] == "2022-07-31"
    assert find_date("Position as at 30 June 2022")[:2] == ("2022-06-30", True)
    assert find_date("Target date 31 October 2022.")[0] == "2022-10-31"
    assert find_date("no date here") is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
def test_any_printed_day_round_trips(d):
    for printed in (d.strftime("%d/%m/%Y"), d.strftime("%d %B %Y"), d.isoformat()):
        assert parse_date(printed) == d.isoformat()


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2069, 12, 31)))
def test_a_month_means_its_last_day(d):
    last = (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    for printed in (d.strftime("%B %Y"), d.strftime("%b-%y"), d.strftime("%m/%Y")):
        assert parse_date(printed) == last.isoformat()


@given(st.text(max_size=40))
def test_parse_date_never_raises(text):
    result = parse_date(text)
    assert result is None or len(result) == 10


def test_colours_from_grey_rgb_cmyk_and_patterns():
    assert to_rgb((0.5,)) == (0.5, 0.5, 0.5)
    assert to_rgb((1.0, 0.75, 0.0)) == (1.0, 0.75, 0.0)
    c = to_rgb((0.0, 0.35, 0.95, 0.0))  # CMYK amber
    assert c[0] == 1.0 and 0.6 < c[1] < 0.7 and c[2] < 0.1
    assert to_rgb("P0") is None and to_rgb(None) is None


@pytest.mark.parametrize("sentence, status", [
    ("The action has not yet started or there is significant delay in implementation. The action must be "
     "prioritised to bring it back on track to deliver improvement.", "red"),
    ("The action has started but there is some delay in implementation. The action must be monitored to "
     "ensure the required improvement is delivered.", "amber"),
    ("The action is on track to be completed by the agreed date. Evidence is required to show that the "
     "improvement has been sustained.", "green"),
    ("The action has been completed and there is evidence that the improvement has been sustained. The "
     "action remains in the plan for monitoring.", "blue"),
    ("The action has been completed and there is evidence that the improvement has been sustained. The "
     "action can safely be removed from the plan.", "grey"),
    ("Purple – Complete, with sustained impact; will come out of the plan when it is next reviewed", "grey"),
    ("Blue – Complete; impact evidenced and being monitored", "blue"),
    ("P Purple – Complete, with sustained impact; will come out of the plan", "grey"),
    ("Amber – Under way but behind schedule; recovery action in place", "amber"),
    ("The minutes of the last meeting", None),
])
def test_key_sentences_say_the_status(sentence, status):
    assert status_of_description(sentence) == status


def test_status_words_and_letters_with_and_without_a_key():
    legend = Legend()
    assert legend.status_of_text("Amber") == "amber"
    assert legend.status_of_text(" G ") == "green"
    assert legend.status_of_text("Purple") == "grey"
    assert legend.status_of_text("") is None
    legend.add("grey", (0.44, 0.19, 0.63), "P")
    assert legend.status_of_text("P") == "grey"
    assert legend.status_of_colour((0.45, 0.2, 0.6)) == "grey"
    assert legend.status_of_colour((1.0, 1.0, 1.0)) is None  # white is a background, not a status


def test_header_vocabularies_map_to_fields_in_any_order():
    assert header_roles(["Ref", "Action", "Lead", "Timescale", "Measure of success", "Progress update", "RAG"]) == {
        0: "ref", 1: "text", 2: "lead", 3: "timescale", 4: "success_measure", 5: "progress", 6: "rag"}
    assert header_roles(["Status", "No.", "Action", "Officer responsible", "Completion\ndate",
                         "Evidence of success", "Commentary"]) == {
        0: "rag", 1: "ref", 2: "text", 3: "lead", 4: "timescale", 5: "success_measure", 6: "progress"}
    assert role_of("What we will do") == "text" and role_of("By when") == "timescale"
    assert role_of("How we will know") == "success_measure" and role_of("RAG status") == "rag"
    # a table of dates and statuses is not an action table
    assert header_roles(["Date", "Venue", "Status"]) is None


# ---- scores and refs ---------------------------------------------------------------------------
from plantrack.extract.report import split_ref  # noqa: E402
from plantrack.extract.scores import parse_score  # noqa: E402
from plantrack.models.keys import plan_key  # noqa: E402


@given(st.decimals(min_value=0, max_value=5, places=1, allow_nan=False))
def test_printed_scores_read_back(value):
    assert parse_score(f" {value} ") == float(value)


@given(st.text(max_size=12))
def test_parse_score_is_a_number_or_none(text):
    got = parse_score(text)
    assert got is None or isinstance(got, float)


@given(st.integers(1, 12), st.integers(1, 30), st.one_of(st.none(), st.integers(1, 20)))
def test_refs_and_ofsted_tags_split(priority, number, tag):
    cell = f"{priority}.{number}" + (f"\nOfsted {tag}" if tag else "")
    assert split_ref(cell) == (f"{priority}.{number}", f"Ofsted {tag}" if tag else None)


def test_ref_cells_without_a_ref():
    assert split_ref("") == (None, None)
    assert split_ref("Ofsted 3") == (None, "Ofsted 3")


@given(st.text(max_size=60))
def test_plan_key_is_stable(name):
    assert plan_key(plan_key(name)) == plan_key(name)


def test_plan_names_fold_loosely():
    assert plan_key("Children’s Services Improvement Plan 2022/23") == plan_key("CHILDRENS SERVICES IMPROVEMENT PLAN 2022-23")
    assert plan_key("Service Development Plan 2019–2020") == plan_key("Service Development Plan 2019-20")
    assert plan_key("Service Development Plan 2019-20") != plan_key("Service Development Plan 2020-21")


# The scores table as pdfplumber gives its cells (None: a cell merged into the one before it).
from plantrack.extract.scores import overall_in_text, read_scores  # noqa: E402

SCORE_TABLES = {
    "a No. column, months, the overall label merged over two cells": (
        [["No.", "Priority", "November\n2019", "December\n2019"],
         ["2", "Providing coherent and coordinated early help", "2.1", "2.3"],
         ["8", "Embedding strong quality assurance", "2.8", "2.8"],
         ["Overall plan score", None, "2.3", "2.5"]],
        [(2, "Providing coherent and coordinated early help", 2.1, 2.3), (8, "Embedding strong quality assurance", 2.8, 2.8)],
        (2.3, 2.5)),
    "the current period first": (
        [["Priority", "Current score", "Previous score"],
         ["1. Workforce", "2.6", "2.2"], ["2. Early help", "2.0", "1.8"], ["Overall", "2.3", "2.0"]],
        [(1, "Workforce", 2.2, 2.6), (2, "Early help", 1.8, 2.0)], (2.0, 2.3)),
    "number of actions and direction of travel around the scores": (
        [["Ref", "Priority", "Number\nof\nactions", "December\n2019", "January\n2020", "Direction\nof travel"],
         ["P4", "Looked after children", "4", "1.6", "2.0", "↑"], ["P5", "Voice of the child", "4", "2.5", "2.5", "→"]],
        [(4, "Looked after children", 1.6, 2.0), (5, "Voice of the child", 2.5, 2.5)], None),
    "'Priority N – title' labels, quarters": (
        [["Priority", "Quarter 2", "Quarter 3"],
         ["Priority 3 – Assessment and care planning", "2.8", "2.8"], ["Priority 5 – Voice of the child", "3.1", "2.8"],
         ["Overall plan score", "2.8", "2.7"]],
        [(3, "Assessment and care planning", 2.8, 2.8), (5, "Voice of the child", 3.1, 2.8)], (2.8, 2.7)),
    "no header: the last two numbers of each row": (
        [["1", "Workforce", "2.2", "2.6"], ["2", "Early help", "2.0", "2.0"]],
        [(1, "Workforce", 2.2, 2.6), (2, "Early help", 2.0, 2.0)], None),
}


@pytest.mark.parametrize("name", list(SCORE_TABLES))
def test_scores_tables(name):
    data, priorities, overall = SCORE_TABLES[name]
    got, got_overall = read_scores(data)
    assert [(p.number, p.title, p.previous_score, p.current_score) for p in got] == priorities
    assert got_overall == overall


def test_a_table_of_other_numbers_is_not_a_scores_table():
    assert read_scores([["Ward", "Electors", "Turnout"], ["Abbey", "5120", "31.2"]]) is None


def test_overall_score_as_a_sentence():
    assert overall_in_text("The overall score has improved from 2.4 to\n2.6 since January.") == (2.4, 2.6)
    assert overall_in_text("Scores improved from 2.4 to 2.6 in two priorities.") is None


@pytest.mark.parametrize("title, plan", [
    ("Service Development Plan 2019-20: progress update November 2019", "Service Development Plan 2019-20"),
    ("Children’s Services Improvement Plan 2022-23 – Progress update", "Children’s Services Improvement Plan 2022-23"),
    ("Report to the Improvement Board Subject: Care Leavers Improvement Plan 2019-20 – progress update",
     "Care Leavers Improvement Plan 2019-20"),
    ("Appendix A – Workforce Development Plan 2019-20: April 2020", "Workforce Development Plan 2019-20"),
    ("Youth Justice Plan | 2020-21", "Youth Justice Plan"),
    ("• Appendix A – Children’s Services Improvement Plan 2022-23: progress report, position as at 30 June 2022",
     "Children’s Services Improvement Plan 2022-23"),
    ("“Early Help” Plan 2021-22", "“Early Help” Plan 2021-22"),
])
def test_plan_name_from_a_title(title, plan):
    from plantrack.extract.report import plan_name
    assert plan_name(title) == plan


def _fill(x0, x1, top, bottom, rgb):
    from plantrack.extract.colours import hex_of
    from plantrack.models.layout import Fill
    return Fill(x0, x1, top, bottom, hex_of(rgb), rgb)


def test_a_fill_across_the_whole_table_is_a_row_colour_not_a_page_band():
    from plantrack.extract.report_layout import band_colour
    from plantrack.models.layout import Page
    # landscape A4: a spreadsheet export fills a same-coloured row with one rectangle of 770 of 842 points
    row = Page(0, 842, 595, fills=[_fill(36, 806, 100, 120, (1.0, 0.75, 0.0))])
    assert band_colour(row, 100, 120, 700, 760) == (1.0, 0.75, 0.0)
    band = Page(0, 842, 595, fills=[_fill(0, 842, 0, 26, (0.0, 0.4, 0.42))])  # a running head's band
    assert band_colour(band, 0, 26, 700, 760) is None


def test_a_running_protective_marking_is_not_a_ref_and_a_long_cell_stays_one_action():
    """Issue 15: a cell running over many pages, each with an OFFICIAL header or footer inside the
    ref cell's extent, is one action with ref 1.1, not one action per page with refs '1.1 OFFICIAL'."""
    from plantrack.extract.report import Layout, ReportReader
    from plantrack.models.document import Cell, Row

    assert split_ref("1.1 OFFICIAL") == ("1.1", None)
    assert split_ref("OFFICIAL - SENSITIVE\n2.3 Ofsted 4") == ("2.3", "Ofsted 4")
    assert split_ref("OFFICIAL") == (None, None)
    reader = ReportReader(first_page=1)
    reader.layout = Layout({0: "ref", 1: "text", 2: "lead"}, {}, 3)
    def row(*texts):
        return list(texts), Row([Cell(t) for t in texts])

    reader._add_row(1, *row("1.1 OFFICIAL", "Part one of a long action", "Head of Service"), False)
    for page in range(2, 10):
        reader._add_row(page, *row("OFFICIAL", f"part {page}", ""), True)
    reader._add_row(9, *row("1.2", "The next action", "Director"), False)
    actions = reader.report.actions
    assert [a.ref for a in actions] == ["1.1", "1.2"]
    assert actions[0].text.endswith("part 9") and "OFFICIAL" not in actions[0].text
