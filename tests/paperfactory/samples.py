"""Ready-made papers. Each action row carries its status in every report of the series as one letter
per period (R A G B, X = grey, "-" = not in that report, "." = unrated), so consecutive reports
agree: a report's previous scores are the current scores of the report before it.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence


from .colours import SCORE
from .dates import month_end, month_label
from .minutes import AgendaItem, AmberRow, MinutesSpec
from .reports import ActionSpec, PrioritySpec, ReportSpec

_CODES = {"R": "red", "A": "amber", "G": "green", "B": "blue", "X": "grey", ".": None}


@dataclass
class _Row:
    ref: str | None
    ofsted: str | None
    text: str
    lead: str
    timescale: str
    success: str
    codes: str                         # baseline, then one letter per report period
    progress: tuple[str, ...]          # one per report period; the last repeats
    budget: str = "Within existing budget"


def _mean(codes: Sequence[str]) -> float | None:
    scores = [SCORE[_CODES[c]] for c in codes if _CODES.get(c)]
    if not scores:
        return None
    return float((Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _mean_of(values: Sequence[float | None]) -> float | None:
    got = [Decimal(str(v)) for v in values if v is not None]
    if not got:
        return None
    return float((sum(got) / len(got)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _series_priorities(table, periods: Sequence[str], period: str, running: bool) -> list[PrioritySpec]:
    if period not in periods[1:]:
        raise ValueError(f"period {period!r} not one of {list(periods[1:])}")
    i = periods.index(period)
    priorities, counter = [], 0
    for number, title, rows in table:
        present = [r for r in rows if r.codes[i] != "-"]
        actions = []
        for r in present:
            counter += 1
            actions.append(ActionSpec(
                ref=str(counter) if running else r.ref, text=r.text, lead=r.lead,
                timescale=r.timescale, success_measure=r.success,
                progress=r.progress[min(i - 1, len(r.progress) - 1)], rag=_CODES[r.codes[i]],
                ofsted_ref=r.ofsted, extra=r.budget))
        previous = _mean([r.codes[i - 1] for r in rows if r.codes[i - 1] != "-"])
        priorities.append(PrioritySpec(number, title, previous, _mean([r.codes[i] for r in present]),
                                       actions))
    return priorities


def _report(base: dict, priorities: list[PrioritySpec], layout: dict) -> ReportSpec:
    fields = {**base, **layout}
    return ReportSpec(priorities=priorities,
                      overall_previous=_mean_of([p.previous_score for p in priorities]),
                      overall_current=_mean_of([p.current_score for p in priorities]), **fields)


_SDP_PERIODS = ("2019-09", "2019-10", "2019-11", "2019-12")
_SDP = [
    (1, "Recruiting, retaining and developing a skilled and confident social care workforce", [
        _Row("1.1", "Ofsted 1", "Implement the recruitment and retention strategy to reduce reliance on agency social workers to below 15% of the qualified workforce",
             "Head of Service, Children’s Social Care / HR Business Partner", "March 2020",
             "Agency rate below 15%; vacancy rate below 10%; exit interviews show improved retention", "AGGG",
             ("Two permanent Team Manager appointments made in September. Agency rate is 18% (down from 24% in April).",
              "Agency rate is 17%. Three permanent social workers start in December. Exit interview process relaunched with HR.",
              "Agency rate is 16%; recruitment campaign for the assessment teams closes in January."), "£85,000"),
        _Row("1.2", None, "Deliver a social work academy for newly qualified social workers (ASYE) with protected caseloads and weekly supervision",
             "Principal Social Worker", "Sep-19",
             "All ASYE workers have caseloads within agreed limits; 100% complete the ASYE within 12 months", "BXX-",
             ("Academy in place since April. All six ASYE workers passed their six-month review.",
              "Completed. Academy model embedded; action can be removed from the plan.")),
        _Row("1.3", None, "Young people receive a consistently good service from children’s social care and early help. A thorough induction is in place to enable workers to be in a position to support young people well",
             "Principal Social Worker", "31/12/2019",
             "Induction checklist completed for every new starter within four weeks; feedback from new staff", "GAAG",
             ("Induction pack drafted; agency staff not yet included.",
              "Induction pack agreed. Process being formalised with HR so that every starter, including agency staff, receives the same induction.",
              "Induction sessions now run every six months for all starters.")),
        _Row("1.4", None, "To build expertise in direct work that supports resilience and wellbeing",
             "Workforce Development Lead", "March 2020",
             "Practitioners report increased confidence; audits evidence direct work on children’s files", "RAAA",
             ("Training provider identified.", "Provider identified. Training dates to be confirmed for the new year.",
              "First two cohorts booked for January and February."), "£12,500"),
        _Row("1.5", None, "Continue to improve our understanding of the cultural practices and lifestyles of the young people in our care",
             "Head of Service, Children’s Social Care", "Ongoing",
             "Assessments and care plans reflect identity and culture; feedback from young people", "AAAG",
             ("Identity section being added to the care plan template.",
              "Identity section added to the care plan template; audit to follow.",
              "Audit found identity recorded in 88% of care plans.")),
    ]),
    (2, "Providing coherent and coordinated early help services to children and their families", [
        _Row("2.1", "Ofsted 2", "Establish a single front door for early help and statutory referrals so that thresholds are applied consistently",
             "Head of Early Help", "December 2019",
             "All contacts screened through one front door; 90% of decisions made within 24 hours", "RRAG",
             ("Restructure consultation under way.", "Restructure consultation closed on 15 November. Go-live date to be agreed.",
              "Front door went live on 2 December; 92% of decisions made within 24 hours."), "£40,000"),
        _Row("2.2", None, "Review the early help assessment and step-up/step-down protocol with partners",
             "Service Manager, Early Help", "Nov-19",
             "Protocol signed off by the Safeguarding Partnership; no delays in step-down", "AGGB",
             ("Draft protocol shared with partners.", "Protocol agreed at the Safeguarding Partnership on 7 November.",
              "Protocol in use; no delays in step-down in November.")),
        _Row("2.3", None, "Increase the take-up of early help by families from Bangladeshi and Somali communities through targeted outreach",
             "Early Help Coordinator", "March 2020",
             "Take-up reflects the community profile of the borough; feedback from families", "GGAA",
             ("Translated leaflets distributed.", "Drop-in sessions held at two community centres; take-up has not yet risen.",
              "Community champions recruited in two wards.")),
        _Row("2.4", None, "Commission an evidence-based parenting programme for parents of adolescents",
             "Commissioning Manager", "31/01/2020",
             "Programme commissioned; 40 parents complete the programme in 2020", "RRRA",
             ("Specification drafted.", "Procurement paused: no compliant bids received. Specification to be revised.",
              "Revised tender published on 4 December."), "£30,000"),
        _Row("2.5", None, "Lead professionals in partner agencies are trained to complete early help assessments",
             "Early Help Coordinator", "Ongoing",
             "Number of early help assessments led by partner agencies increases each quarter", "GGGG",
             ("A further 12 lead professionals trained.", "A further 18 lead professionals trained in November.",
              "Partner-led assessments up from 31% to 36% this quarter.")),
    ]),
    (3, "Ensuring high quality support and services for looked-after children and effective permanency planning", [
        _Row("3.1", "Ofsted 4", "Permanence plans are agreed at the second looked-after review for every child",
             "Head of Looked After Children", "Ongoing",
             "100% of children have a permanence plan at the second review", "GGGG",
             ("94% of children have a permanence plan.", "96%. Permanence tracking panel meets fortnightly.")),
        _Row("3.2", None, "Improve mental health and wellbeing of UASC looked after children",
             "Head of Looked After Children", "March 2020",
             "Every UASC has a health assessment including emotional wellbeing; access to specialist support", "AAAA",
             ("Discussions held with Coram.", "The Corporation is developing an extended service for UASC; discussions held with Coram.",
              "Partnership agreement with Coram signed.")),
        _Row("3.3", None, "Young people have a choice of support services including wellbeing",
             "Head of Looked After Children", "Mar-20",
             "Young people report that they can choose from at least two support services", "AAAG",
             ("Linked to the extended UASC service.", "Linked to the extended UASC service being developed with Coram.",
              "Second wellbeing service available from December.")),
        _Row("3.4", None, "Improve the timeliness of initial health assessments so that 90% are completed within 20 working days",
             "Designated Nurse for Looked After Children", "October 2019",
             "90% of initial health assessments completed within 20 working days", "GBBB",
             ("93% completed within 20 working days.", "Sustained at 93%.")),
        _Row("3.5", None, "Improve placement stability so that fewer than 10% of children have three or more moves in a year",
             "Head of Looked After Children", "March 2020",
             "Fewer than 10% of children with three or more moves; every disruption has a learning meeting", "GGAA",
             ("Rate is 9%.", "Increased to 13% following placement breakdowns for four adolescents.",
              "Learning meetings held for all four disruptions.")),
    ]),
    (4, "Supporting young people leaving care to have a positive and successful transition to adulthood and independence", [
        _Row("4.1", None, "Young people (care leavers) to have practice opportunities managing finance (in addition to individual keywork sessions) before moving to independent accommodation",
             "Leaving Care Team Manager", "March 2020",
             "Every care leaver completes the budgeting programme before moving on", "RAAA",
             ("Budgeting programme drafted.", "New staff in place; action taken forward by the Independent Reviewing Officer and the CiCC.",
              "Eight care leavers have started the programme.")),
        _Row("4.2", None, "Care leavers will be supported to make use of their health histories in their pathway plan reviews",
             "Leaving Care Team Manager", "December 2019",
             "Health history discussed at every pathway plan review from age 17", "AAAG",
             ("Template agreed with health colleagues.", "Health histories being shared at reviews.",
              "Health histories discussed at every review in November.")),
        _Row("4.3", None, "That each care experienced young person has a champion in the Corporation",
             "Virtual School Head", "April 2020",
             "Every care leaver who wants one is matched with an officer champion", "RAAA",
             ("Scheme being designed.", "Exploring mentoring and job shadowing opportunities with officers.",
              "Fourteen officers volunteered as champions.")),
        _Row("4.4", "Ofsted 7", "Pathway plans are reviewed every six months and are co-produced with the young person",
             "Leaving Care Team Manager", "Ongoing",
             "95% of pathway plans reviewed in time; audits show the young person’s words in the plan", "GGGG",
             ("Timeliness at 84%.", "Timeliness at 86%.", "Timeliness at 89%.")),
        _Row("4.5", None, "Increase the proportion of care leavers in education, employment or training to 65%",
             "Virtual School Head", "Jul-20",
             "65% of care leavers aged 19–21 in education, employment or training", "RRGG",
             ("EET at 52%.", "EET at 60%; two apprenticeships ring-fenced for care leavers.",
              "EET at 61%; a third apprenticeship agreed."), "£18,000"),
        _Row("4.6", None, "Care leavers are exempt from council tax until their 25th birthday",
             "Head of Revenues and Benefits", "April 2020",
             "Exemption agreed by Cabinet and applied to every eligible care leaver", "--GG",
             ("Cabinet report being drafted.", "Cabinet agreed the exemption on 19 November; it applies from April.",
              "Eligible care leavers being written to.")),
    ]),
]

_SDP_INTRO = [
    "This Service Development Plan has been developed to retain the Ofsted inspection report "
    "recommendations and updated to include current improvement priorities. Delivery of the plan "
    "priorities will position the authority well to achieve a “good” rating in future inspection. "
    "Ofsted recommendations are identified in the plan as Ofsted 1, Ofsted 2 etc. The plan has been "
    "developed around four key priorities for improvement:"]
_SDP_NOTES = [
    "Specific actions to achieve improved outcomes for children and young people are set out under "
    "each of the priorities. Each action includes the timescale by which the improvement should be "
    "delivered alongside a clear indication of how success will be measured and evidenced. Progress "
    "is RAG-rated and reported monthly to the Development and Performance Board.",
    "Governance - The Service Development Plan is overseen by the Development and Performance Board "
    "chaired by the Chief Executive. The Lead Member also reviews progress."]


def sdp_spec(period: str = "2019-10", **layout) -> ReportSpec:
    """City of Kingsgate's Service Development Plan 2019-20 (portrait, RAG as a cell fill).

    Periods 2019-10, 2019-11, 2019-12. Between them statuses change, 1.2 (grey) leaves the plan in
    December and 4.6 joins in November. Any ReportSpec field can be overridden by keyword.
    """
    as_at = month_end(*map(int, period.split("-"))) if period in _SDP_PERIODS else None
    line = f"Progress update as at {as_at.day} {month_label(period)}" if as_at else period
    base = dict(authority="City of Kingsgate", department="Children’s Social Care and Early Help",
                plan="Service Development Plan 2019-20", as_at_line=line, intro=_SDP_INTRO,
                notes=_SDP_NOTES, house="sdp", orientation="portrait", status_style="fill",
                legend="sdp", vocabulary="sdp")
    return _report(base, _series_priorities(_SDP, _SDP_PERIODS, period, running=False), layout)


_CSIP_PERIODS = ("2022-05", "2022-06", "2022-07", "2022-08")
_CSIP = [
    (1, "A stable, skilled and well-supported social care workforce", [
        _Row(None, None, "Create a career pathway for experienced social workers with an advanced practitioner grade in every locality",
             "Head of Practice Development", "September 2022",
             "Advanced practitioners in post in all four localities; 12 experienced social workers promoted", "AAGG",
             ("Job description evaluated; posts advertised internally on 20 June.",
              "Nine advanced practitioners appointed; three posts re-advertised.",
              "Eleven appointed; the last post will be filled from within the Harnley team.")),
        _Row(None, None, "Introduce a retention payment for experienced social workers in the locality safeguarding teams",
             "Assistant Director, Workforce and Organisational Development", "31/07/2022",
             "Turnover of social workers in the locality teams below 15% a year", "GGGB",
             ("Approved by the Employment Committee on 14 June; payments start in the July payroll.",
              "First payments made to 46 social workers in July.",
              "Paid to 48 social workers. Turnover has fallen from 24% to 17%."), "£420,000"),
        _Row(None, None, "Replace the case recording workflow so that practitioners no longer record the same information twice",
             "Head of Business Intelligence and Systems", "Dec-22",
             "New workflow live; practitioner survey shows less time spent recording", "RRAA",
             ("Not started. The supplier contract has not yet been signed.",
              "Contract signed on 8 July; design workshops with practitioners under way.",
              "Design signed off by practitioners; testing starts in September."), "£150,000"),
        _Row(None, None, "Every practitioner and manager completes the two-day restorative practice training and uses the model with families",
             "Head of Practice Development", "March 2023",
             "95% of practitioners trained; audits find the model evident in 75% of cases", "AAAA",
             ("142 of 310 practitioners trained (46%).", "171 trained (55%). Two July sessions were cancelled.",
              "198 trained (64%). Extra sessions booked for September and October.")),
        _Row(None, None, "Run a workforce health check every quarter and publish what we will change in response",
             "Assistant Director, Workforce and Organisational Development", "Ongoing",
             "Response rate above 60%; ‘you said, we did’ published after each survey", "GGGG",
             ("Quarter 1 survey closed with a 64% response rate.", "‘You said, we did’ published on 12 July.",
              "Quarter 2 survey opens on 5 September.")),
    ]),
    (2, "Early help that reaches families before problems escalate", [
        _Row(None, None, "Open four family hubs, one in each district, offering early help alongside health visiting and adult learning",
             "Head of Early Help and Family Hubs", "Oct-22",
             "Four hubs open; 1,200 families supported in the first year", "AAAG",
             ("Hubs in Harnley and Oxley Green open. Building works at Marwick have stopped.",
              "Works at Marwick restarted on 11 July; opening now planned for October.",
              "Marwick hub opened on 22 August, ahead of the revised date."), "£1.2m"),
        _Row(None, None, "Early help assessments are completed within 30 working days of the family giving consent",
             "Early Help Locality Managers", "30/09/2022",
             "At least 85% of early help assessments finished within 30 working days of consent", "AARA",
             ("71% completed within 30 working days in June.",
              "Fell to 58% in July: six early help workers were moved to set up the new hubs.",
              "Recovered to 74% in August after the workers returned.")),
        _Row(None, None, "Contact families who turned down early help again after three months and offer support",
             "Early Help Locality Managers", "December 2022",
             "Follow-up contact recorded for 90% of families who declined support", "--AG",
             ("New action agreed by the Improvement Board in July. The follow-up list is being built.",
              "Follow-up contact made with 38 of the 41 families due in August.")),
        _Row(None, None, "Agree a step-down protocol so that families leaving social care meet their early help worker at a joint visit",
             "Head of Early Help and Family Hubs", "July 2022",
             "A joint visit recorded for 80% of families stepped down", "GGGB",
             ("Protocol agreed by the Safeguarding Partnership on 9 June.", "Joint visits recorded for 83% of step-downs in July.",
              "86% in August; now tracked through the early help scorecard.")),
        _Row(None, None, "Schools, GPs and health visitors can request early help through one online form",
             "Head of Business Intelligence and Systems", "Aug-22",
             "Online form live; 70% of requests for early help made through it", "RRAG",
             ("Not started: the form is waiting for the case recording supplier.",
              "Form built and being tested with six schools.", "Live since 15 August.")),
    ]),
    (3, "Protecting children from exploitation and harm outside the home", [
        _Row(None, None, "Set up a Multi-Agency Child Exploitation (MACE) group that reviews every child at high risk each month",
             "Exploitation and Missing Service Manager", "Jul-22",
             "MACE meets monthly; every child at high risk has a disruption plan", "GGGB",
             ("Terms of reference agreed; first meeting on 6 July.", "First two meetings held; 23 children reviewed.",
              "Meeting monthly since July with police, health and education present.")),
        _Row(None, None, "Map locations of concern with the police and community safety partners and record disruption activity for each",
             "Community Safety Partnership Manager", "September 2022",
             "Map refreshed every month; disruption recorded for every location", "AAAG",
             ("First map produced: 14 locations identified.", "Recording template agreed with the police on 20 July.",
              "Disruption activity recorded for all 16 locations in August.")),
        _Row(None, None, "Train licensed taxi drivers and hotel staff to recognise and report signs of child sexual exploitation",
             "Licensing and Community Safety Lead", "31/10/2022",
             "90% of licensed drivers trained; reports to the police tracked monthly", "RRR-",
             ("Not started. Training materials are being agreed with the police.",
              "Materials agreed; licensing committee to make training a condition of renewal.")),
        _Row(None, None, "Use one exploitation screening tool (agreed by the Safeguarding Partnership) in schools, youth services and health",
             "Exploitation and Missing Service Manager", "Q3 2022/23",
             "Tool used by every secondary school; referrals arrive with a completed screening", "AAAA",
             ("Tool agreed by the partnership; training for designated safeguarding leads booked.",
              "Schools pilot ends with the summer term.", "Pilot feedback positive; roll-out to all 31 secondary schools from October.")),
        _Row(None, None, "Offer children at risk of criminal exploitation a mentor from the youth service within two weeks of referral",
             "Youth Service Manager", "Ongoing",
             "80% of referred children meet their mentor within two weeks", "GGGG",
             ("84% in June.", "81% in July.", "82% in August; two mentors on annual leave.")),
    ]),
    (4, "Good outcomes for children in care and young people leaving care", [
        _Row(None, None, "Children in care have a dental check every year and are registered with a dentist",
             "Children in Care Health Lead", "May-22",
             "95% of children in care have had a dental check in the last 12 months", "AAAG",
             ("81% checked in the last 12 months. Few dentists in the north of the county are taking new patients.",
              "83% checked; the integrated care board is commissioning extra sessions.",
              "94% checked after the extra sessions.")),
        _Row(None, None, "Review every placement with an unregistered provider each week at Assistant Director level",
             "Assistant Director, Children in Care", "Ongoing",
             "Weekly review recorded; no child in an unregistered placement for more than 28 days", "GGGG",
             ("Two children in unregistered placements; both reviewed weekly.", "One child; reviewed weekly.",
              "No children in unregistered placements in August.")),
        _Row(None, None, "Give children in care a way to share their views between reviews through the ‘Speak Up’ app",
             "Participation Manager", "31/05/2022",
             "Half of children in care aged 8 and over have used the app", "BXX-",
             ("Launched in April; 54% of children aged 8 and over have used it. Proposed for removal from the plan.",
              "Use sustained at 57%; to be removed at the next review.")),
        _Row(None, None, "Guarantee every care leaver an interview for an apprenticeship or work placement with the council",
             "Care Leavers Team Manager", "September 2022",
             "20 apprenticeships or work placements offered to care leavers in 2022-23", "AAAG",
             ("Eight offered so far; the guarantee has not yet been agreed by every directorate.",
              "Agreed by the Corporate Leadership Team on 5 July; eight offers made so far.",
              "Fifteen offers made; every directorate has signed up.")),
        _Row(None, None, "Recruit eight supported lodgings hosts for young people aged 16 to 18",
             "Supported Lodgings Coordinator", "Jan-23",
             "Eight hosts approved", "RRAA",
             ("Not started; the coordinator post is vacant.", "The coordinator started on 4 July and the recruitment campaign was launched at the county show.",
              "Three enquiries progressing to assessment.")),
    ]),
]

_CSIP_INTRO = [
    "Ofsted’s focused visit to Brackenshire’s children’s services in March 2022 found that too many "
    "children waited too long for help and that the social care workforce was not yet stable. This "
    "plan, agreed by Cabinet on 24 May 2022, brings together what we have committed to do under four "
    "priorities.",
    "The plan is monitored every month by the Children’s Services Improvement Board, which has an "
    "independent chair, and every two months by the Children and Families Overview and Scrutiny Committee."]
_CSIP_NOTES = [
    "How the scores work: every action is given a status (Red = 1, Amber = 2, Green = 3, Blue = 4, "
    "Purple = 5). A priority’s score is the average of the statuses of its actions, to one decimal "
    "place, and the overall plan score is the average of the priority scores."]
# How each month's report was printed, as in the sample series.
_CSIP_LOOKS = {
    "2022-06": dict(as_at_line="Position as at 30 June 2022", status_style="word", font="dejavu"),
    "2022-07": dict(as_at_line="Progress update – July 2022", status_style="letter",
                    colour_space="cmyk", font="times"),
    "2022-08": dict(as_at_line="Position as at 24 August 2022", status_style="symbol", font="dejavu"),
}


def csip_spec(period: str = "2022-06", **layout) -> ReportSpec:
    """Brackenshire's Children’s Services Improvement Plan 2022-23 (landscape, status first, one
    running action number).

    Periods 2022-06 (status word in a filled cell), 2022-07 (letter in a CMYK fill; a new action
    renumbers the later ones) and 2022-08 (coloured ●; a red action and a purple one have gone).
    """
    base = dict(authority="Brackenshire County Council", department="Children, Families and Learning",
                plan="Children’s Services Improvement Plan 2022-23", intro=_CSIP_INTRO,
                notes=_CSIP_NOTES, house="csip", orientation="landscape", legend="csip",
                vocabulary="csip", palette="csip", **_CSIP_LOOKS.get(period, {"as_at_line": period}))
    return _report(base, _series_priorities(_CSIP, _CSIP_PERIODS, period, running=True), layout)


def action_opening(spec: ReportSpec, opening: str) -> ActionSpec:
    """The report's action whose wording starts with `opening`."""
    return next(a for p in spec.priorities for a in p.actions if a.text.startswith(opening))


def amber_row(spec: ReportSpec, opening: str, reason: str, printed: str | None = None, **truth) -> AmberRow:
    action = action_opening(spec, opening)
    return AmberRow(printed or action.text, reason, ref=action.ref, **truth)


def sdp_minutes_spec(**layout) -> MinutesSpec:
    """The Children’s Safeguarding Sub-Committee of 12 December 2019, discussing the November 2019
    report of sdp_spec: a ruled table of Amber reasons, over a page break, with a blank first header.

    Amber action 3.5 of that report has no reason; the "Welcome pack" row matches no action.
    """
    report = sdp_spec("2019-11")
    finance = action_opening(report, "Young people (care leavers)").text
    rows = [
        amber_row(report, "Young people (care leavers)",
             "New staff in place and action is being taken forward by Independent Reviewing Officer (IRO) and through the CiCC.",
             printed=finance[:finance.index(" keywork sessions") + len(" keywork sessions")]),
        amber_row(report, "To build expertise", "Target date March 2020 and not overdue",
             target_date="2020-03-31"),
        amber_row(report, "That each care experienced", "Exploring opportunities to connect officers with young people in mentoring role/job shadowing. Virtual School Head taking action forward and can report to next Sub-Committee meeting"),
        AmberRow("Welcome pack to include the purpose of different meetings, photos of workers and their roles",
                 "Need to improve details in the packs; Chairman noted the need to offer these packs in other languages"),
        amber_row(report, "Young people receive a consistently", "The process was formalised in November with plan to offer formal induction session every 6 months."),
        amber_row(report, "Improve mental health", "The Corporation is developing extended service for UASC. In progress with new partnership with Coram to develop service."),
        amber_row(report, "Young people have a choice", "Same as above"),
        amber_row(report, "Care leavers will be supported", "Updated to GREEN", new_rag="green"),
        amber_row(report, "Continue to improve our understanding", "Audit of care plans to be reported to the next meeting."),
        amber_row(report, "Increase the take-up of early help", "Drop-in sessions have not yet increased take-up; community champions being recruited."),
    ]
    item4 = AgendaItem(4, "Service Development Plan 2019-20", paragraphs=[
        "Report of the Director of Community & Children’s Services.",
        "Members received a report of the Director of Community & Children’s Services relative to "
        "the Service Development Plan 2019-20, setting out progress as at 30 November 2019.",
        "The actions in the development plan had been RAG-rated (Red, Amber, Green), and Members "
        "requested justification for all outstanding Amber actions:"],
        resolution="RESOLVED, that – the report be received and its contents noted.", amber_rows=rows)
    items = [
        AgendaItem(1, "APOLOGIES", ["Apologies for absence were received from Councillor Randall Anderson."]),
        AgendaItem(2, "MEMBERS’ DECLARATIONS UNDER THE CODE OF CONDUCT IN RESPECT OF ITEMS ON THE AGENDA",
                   ["There were no declarations."]),
        AgendaItem(3, "MINUTES", resolution="RESOLVED, that – the public minutes of the meeting held on "
                   "10 October 2019 be approved as a correct record."),
        item4,
        AgendaItem(5, "CHILDREN’S SOCIAL CARE PERFORMANCE REPORT – QUARTER 2", [
            "Members considered the performance report for July to September 2019. The number of "
            "children subject to a child protection plan had risen from 28 to 34."],
            resolution="RESOLVED, that – the report be noted."),
        AgendaItem(6, "QUESTIONS ON MATTERS RELATING TO THE WORK OF THE SUB-COMMITTEE",
                   ["There were no questions."]),
    ]
    base = dict(authority="CITY OF KINGSGATE", committee="CHILDREN’S SAFEGUARDING SUB-COMMITTEE",
                meeting_date="2019-12-12", time="1.45 pm", items=items,
                present=["Councillor Helen Okafor (Chairman)", "Councillor Dhruv Patel (Deputy Chairman)",
                         "Councillor Mary Durcan", "Councillor Tom Hoffman", "Alderman Ian Luder"],
                officers=["Andrew Carter – Director of Community & Children’s Services",
                          "Chris Pelham – Assistant Director, People",
                          "Pat Dixon – Head of Children’s Social Care and Early Help",
                          "Julie Mayer – Town Clerk’s Department"],
                table_style="ruled", reason_header="Reason for Amber", first_header_blank=True)
    return MinutesSpec(**{**base, **layout})


def csip_minutes_spec(**layout) -> MinutesSpec:
    """The Children and Families Overview and Scrutiny Committee of 19 July 2022, discussing the
    June 2022 report of csip_spec: an unruled two-column table running onto page 2.

    It gives a reason for one Green action (the step-down protocol), one row matches no action,
    and the Amber care leaver guarantee has no reason.
    """
    report = csip_spec("2022-06")
    screening = action_opening(report, "Use one exploitation screening tool").text
    rows = [
        amber_row(report, "Create a career pathway", "Posts were advertised internally on 20 June; appointments will be made in July.",
             printed="Create a career pathway for experienced social workers"),
        amber_row(report, "Every practitioner and manager", "Training is limited to two sessions a month; extra trainers are being sought. Target date March 2023.",
             target_date="2023-03-31"),
        amber_row(report, "Open four family hubs", "Building works at Marwick stopped when the contractor replaced a subcontractor."),
        amber_row(report, "Early help assessments are completed", "As above"),
        amber_row(report, "Map locations of concern", "The police have not yet agreed how disruption activity will be recorded."),
        amber_row(report, "Use one exploitation screening tool", "The schools pilot ends with the summer term and roll-out cannot start until the autumn.",
             printed=screening[:screening.index(")")]),
        amber_row(report, "Agree a step-down protocol", "Members asked why the protocol took six months to agree with partners."),
        amber_row(report, "Children in care have a dental check", "83% checked; the integrated care board is commissioning extra sessions, so the action was Updated to GREEN by the Committee.",
             new_rag="green"),
        AmberRow("Reduce waiting times for child and adolescent mental health (CAMHS) assessments",
                 "Members noted that CAMHS waiting times are for the health partners and asked that an action be added to the plan."),
    ]
    item = AgendaItem(21, "Children’s Services Improvement Plan 2022-23", paragraphs=[
        "The Executive Director of Children’s Services presented the position as at 30 June 2022; "
        f"the overall score had risen from {report.overall_previous} to {report.overall_current}.",
        "In line with the Committee’s request at its last meeting, officers explained why each action "
        "was rated Amber:"],
        after_table=["Members welcomed the opening of the first two family hubs."],
        resolution="RESOLVED: That the position as at 30 June 2022 be noted and the reasons for the "
                   "Amber ratings be accepted.", amber_rows=rows)
    items = [
        AgendaItem(18, "Apologies", ["Apologies were received from County Councillor Neil Ashby."]),
        AgendaItem(19, "Declarations of interest", ["County Councillor Sian Howells declared a personal "
                   "interest in item 21 as a governor of Fernhill Primary School."]),
        AgendaItem(20, "Minutes of the previous meeting", resolution="RESOLVED: That the minutes of the "
                   "meeting on 14 June 2022 be confirmed and signed by the Chair."),
        item,
        AgendaItem(22, "Holiday Activities and Food Programme", [
            "Members received an update on the summer programme, which would offer 38,000 places at 140 venues."],
            resolution="RESOLVED: That the Committee note the update."),
    ]
    base = dict(authority="BRACKENSHIRE COUNTY COUNCIL",
                committee="Children and Families Overview and Scrutiny Committee",
                meeting_date="2022-07-19", time="10.00 am", venue="County Hall, Harnley", items=items,
                present=["County Councillor Margaret Ellery (Chair)", "County Councillor Tobias Wren (Vice-Chair)",
                         "County Councillor Ruth Adeyemi", "County Councillor Graham Pike",
                         "County Councillor Sian Howells", "County Councillor Imran Qureshi"],
                officers=["Jonathan Kerr (Executive Director of Children’s Services)",
                          "Hannah Okoro (Assistant Director, SEND and Inclusion)",
                          "Paul Denning (Scrutiny Officer)"],
                present_label="Present:", officers_label="In attendance:",
                closing=["The meeting ended at 12.25 pm", "Chair"],
                table_style="unruled", reason_header="Reason for Amber rating", font="dejavu-sans",
                date_comma=False, page_label="of")
    return MinutesSpec(**{**base, **layout})


