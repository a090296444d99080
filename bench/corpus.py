"""The benchmark corpus, made with the project's own generator (tests/paperfactory/).

* long single plan reports (10–60 pages): the sample SDP / CSIP specs with their priorities repeated
  under new titles and their progress texts lengthened, in several layouts;
* report packs (100–400 pages): an agenda, the minutes of the last meeting, cover reports, appendices
  and a performance scorecard, all under a "Public reports pack" running head, with one plan report
  and one set of minutes inside (pages copied in with pypdfium2);
* many tiny distinct one-page files, for the no-op rerun.

Every function is deterministic (fixed seeds, reportlab's invariant mode).
"""
from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas as rl_canvas

try:
    import paperfactory as pf
except ModuleNotFoundError:  # the generator lives with the tests; it is not installed with plantrack
    raise SystemExit("the paper generator is in tests/: run `make bench`, or PYTHONPATH=tests .venv/bin/python bench/run.py") from None

ROOT = Path(__file__).resolve().parent.parent


# ---- long reports -------------------------------------------------------------------------------

PROGRESS_MORE = [
    "The service manager reviewed every open case in the team during the month and agreed next steps with each practitioner.",
    "Performance is reported to the Improvement Board each month and was challenged by the independent chair at the last meeting.",
    "Audit of a sample of twenty case files found that the plan for the child was clear in seventeen of them.",
    "Two vacancies remain; interviews are arranged for the end of the month and an agency worker is covering in the meantime.",
    "Partners in health and the police have agreed to share their data each quarter so that progress can be tracked together.",
    "Feedback from children and families gathered by the participation team has been used to change the way the visits are arranged.",
    "The figures for the quarter will be validated by the performance team before they are published in the next report.",
    "Training for managers on the new supervision policy took place in three sessions; a fourth is planned for those who could not attend.",
    "The delay is due to the late delivery of the new case recording forms, which the supplier now expects to release next month.",
    "Practice week in October looked at this area in detail and found improvement in the quality of assessments since the last audit.",
    "A task and finish group with colleagues from education met twice this month and has drafted a joint protocol for consultation.",
    "The budget for this work is agreed for the current financial year; funding for next year depends on the outcome of the bid.",
    "Caseloads in the team average 17 children per worker against a target of 18, the lowest level for two years.",
    "Young people from the Children in Care Council presented their views to senior managers and the Lead Member in November.",
    "The learning from the recent local child safeguarding practice review has been shared with every team through briefings.",
    "Progress has been slower than planned because of sickness absence in the team; the position is expected to recover by the new year.",
    "A dashboard showing the measures for this action is now available to every team manager and is refreshed each week.",
    "The Assistant Director will report on the outcome of the dip sample to the next meeting of the Development and Performance Board.",
    "Quality assurance activity this month included observations of practice and conversations with families about their experience.",
    "The new arrangements were tested in one locality first and will be rolled out to the other three localities in stages.",
]

PRIORITY_TITLES = [
    "Strengthening the quality of practice through supervision, audit and learning",
    "Improving the timeliness and quality of assessments and plans for children in need",
    "Making sure that children who go missing from home or care are protected",
    "Working with schools so that vulnerable pupils attend regularly and achieve well",
    "Hearing the voice of children and families in everything we do",
    "Improving the health and emotional wellbeing of children in care",
    "Ensuring sufficient local placements that meet children’s needs",
    "Strong leadership, governance and use of performance information",
    "Supporting disabled children and their families",
    "Reducing the number of young people entering the youth justice system",
    "Making sure that private fostering arrangements are identified and assessed",
    "Improving the response to domestic abuse affecting children",
]


def _mean_of(values) -> float | None:
    got = [Decimal(str(v)) for v in values if v is not None]
    if not got:
        return None
    return float((sum(got) / len(got)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def lengthen(spec: pf.ReportSpec, *, rounds: int, extra_sentences: int, seed: int) -> pf.ReportSpec:
    """The report's priorities `rounds` times over (later rounds under new titles and numbers, refs
    renumbered), each progress text lengthened by `extra_sentences` sentences."""
    rnd = random.Random(seed)
    running = all(a.ref is None or "." not in a.ref for p in spec.priorities for a in p.actions)
    priorities, counter = [], 0
    titles = iter(rnd.sample(PRIORITY_TITLES, len(PRIORITY_TITLES)) * 4)
    for r in range(rounds):
        for p in spec.priorities:
            number = len(priorities) + 1
            actions = []
            for j, a in enumerate(p.actions, 1):
                counter += 1
                ref = a.ref if a.ref is None else (str(counter) if running else f"{number}.{j}")
                more = " ".join(rnd.sample(PROGRESS_MORE, min(extra_sentences, len(PROGRESS_MORE))))
                actions.append(replace(a, ref=ref, progress=f"{a.progress} {more}".strip(),
                                       ofsted_ref=a.ofsted_ref if r == 0 else None))
            title = p.title if r == 0 else next(titles)
            priorities.append(pf.PrioritySpec(number, title, p.previous_score, p.current_score, actions))
    return replace(spec, priorities=priorities,
                   overall_previous=_mean_of(p.previous_score for p in priorities),
                   overall_current=_mean_of(p.current_score for p in priorities))


@dataclass
class ReportCase:
    name: str
    family: str          # sdp | csip
    period: str
    layout: dict
    rounds: int
    extra: int           # extra progress sentences per action


# Single reports: both families, every status style, colour spaces, fonts; 10–60 pages each.
REPORT_CASES = [
    ReportCase("sdp_fill_2019-10", "sdp", "2019-10", {}, 2, 5),
    ReportCase("sdp_word_2019-11", "sdp", "2019-11", {"status_style": "word"}, 4, 5),
    ReportCase("sdp_letter_grey_2019-12", "sdp", "2019-12", {"status_style": "letter", "colour_space": "grey"}, 5, 6),
    ReportCase("sdp_symbol_times_2019-11", "sdp", "2019-11", {"status_style": "symbol", "font": "times"}, 12, 5),
    ReportCase("csip_word_2022-06", "csip", "2022-06", {}, 4, 4),
    ReportCase("csip_letter_cmyk_2022-07", "csip", "2022-07", {}, 10, 3),
    ReportCase("csip_symbol_2022-08", "csip", "2022-08", {}, 6, 8),
    ReportCase("csip_fill_rgb_2022-06", "csip", "2022-06", {"status_style": "fill"}, 8, 6),
]


def report_spec(case: ReportCase) -> pf.ReportSpec:
    base = (pf.sdp_spec if case.family == "sdp" else pf.csip_spec)(case.period, **case.layout)
    return lengthen(base, rounds=case.rounds, extra_sentences=case.extra, seed=zlib.crc32(case.name.encode()))


# ---- committee paper filler pages ---------------------------------------------------------------

PACK_HEAD = "Public reports pack"

COVER_SUBJECTS = [
    ("Fostering Service Annual Report 2018/19", "Director of Community and Children’s Services"),
    ("Adoption Service Half-Yearly Report", "Director of Community and Children’s Services"),
    ("Children’s Social Care Performance Report – Quarter 2", "Assistant Director, People"),
    ("Independent Reviewing Officer Annual Report", "Head of Quality Assurance"),
    ("Virtual School Annual Report", "Virtual School Head"),
    ("Local Safeguarding Children Partnership Annual Report", "Independent Scrutineer"),
    ("Revenue Outturn and Budget Monitoring – Period 7", "Chamberlain"),
    ("Private Fostering Annual Report", "Head of Children’s Social Care and Early Help"),
    ("Youth Justice Strategic Plan Update", "Head of Youth Justice Service"),
    ("Complaints and Compliments Annual Report", "Complaints Manager"),
]

PROSE = [
    "This report sets out the activity of the service during the year and the outcomes achieved for the children and young people it supports.",
    "Members will recall that a report on this subject was last considered by the Sub-Committee in June, when Members asked for further detail on recruitment.",
    "The number of children supported by the service rose from 64 to 71 over the period, reflecting an increase in referrals from schools and health visitors.",
    "The service continues to work closely with neighbouring boroughs through the regional arrangements, which allow resources to be shared across authorities.",
    "Recruitment of new foster carers remains a challenge nationally; the service approved four new households during the year against a target of six.",
    "The independent panel met on eleven occasions and considered every recommendation within the statutory timescales set out in regulations.",
    "Feedback from children and young people was gathered through surveys and face-to-face conversations, and most said that they felt listened to.",
    "Costs for the year were contained within the agreed budget, although pressure on external placements is expected to continue into next year.",
    "Training delivered to carers included sessions on therapeutic parenting, online safety, managing allegations and supporting contact with birth families.",
    "Officers are reviewing the arrangements for out-of-hours support so that carers can reach an experienced worker at any time of the day or night.",
    "The Corporation’s approach was described as a strength in the most recent inspection, which also asked for more consistent recording of management oversight.",
    "Data for the quarter show that visits were completed on time in 94% of cases, compared with 91% in the previous quarter.",
    "There are no direct financial implications arising from this report; any future proposals will be brought forward with a full business case.",
    "The Comptroller and City Solicitor has been consulted and there are no legal implications beyond those set out in the body of the report.",
    "An equality analysis has been completed and no adverse impact on any group with protected characteristics has been identified.",
    "The risks associated with the service are recorded on the departmental risk register and are reviewed each month by the senior management team.",
    "Members are asked to note the report and to comment on the priorities proposed for the coming year.",
    "The annual conference for carers took place in October and was attended by more than forty carers and members of staff.",
    "Applications from prospective carers are tracked weekly, and the average time from enquiry to approval has fallen from nine months to seven.",
    "Schools report that the dedicated education support has improved attendance for the pupils concerned, with persistent absence falling during the year.",
    "Three young people were placed with carers outside the borough because no local placement could meet their needs at the time.",
    "The team has been fully staffed since September, when the last agency social worker was replaced by a permanent appointment.",
    "Sufficiency of local placements for teenagers remains the main pressure, and a revised sufficiency strategy will be presented in the spring.",
    "All carers received an annual review within the year, and each review was chaired by an independent reviewing officer.",
    "Two allegations against carers were investigated under the local procedures; neither was substantiated, and both households continue to foster.",
    "Support groups for carers meet monthly in the evening, with a crèche provided so that carers with young children can attend.",
    "The council’s website has been redesigned so that people interested in fostering can find information and register an interest online.",
    "Children placed with connected persons carers are visited at least every six weeks, in line with the regulations.",
    "Health assessments for children in care were completed within the statutory timescale in 89% of cases during the year.",
    "The Virtual School tracks the attendance and attainment of every child in care of statutory school age each half term.",
    "Pupils in care achieved results above the national average for children in care at Key Stage 2 and in line with it at Key Stage 4.",
    "Personal education plans were reviewed each term and the quality of targets improved, according to the termly audit.",
    "The pupil premium plus grant was used to fund tutoring, mentoring and access to music and sport for individual pupils.",
    "Complaints received during the year numbered 38, compared with 45 in the previous year; most were resolved at the first stage.",
    "The most common themes in complaints were communication with families and delays in the allocation of a social worker.",
    "Compliments were received from parents, carers and partner agencies, often praising the persistence of individual workers.",
    "The local authority designated officer received 112 contacts during the year, of which 41 met the threshold for an allegations meeting.",
    "The partnership published two rapid reviews during the year and shared the learning through briefings for practitioners in every agency.",
    "The independent scrutineer attended meetings of the executive group and observed multi-agency audits during the year.",
    "The youth justice service supported 23 young people on court orders, and the rate of reoffending fell compared with the previous cohort.",
    "Out-of-court disposals are decided by a joint panel with the police, which meets fortnightly and considers every eligible young person.",
    "The revenue budget for the department shows a forecast overspend of £180,000, mainly on placements for children with complex needs.",
    "Savings from the review of commissioned services are on track, and the department expects to deliver them in full by the end of the year.",
    "Capital spending on the refurbishment of the family centre is expected to be within the approved budget of £1.4 million.",
    "The Chamberlain has been consulted on this report and his comments have been incorporated.",
    "Private fostering arrangements are notified to the local authority less often than expected, so awareness-raising with schools continues.",
    "Five private fostering arrangements were notified during the year; each was assessed within the required timescales.",
    "The new case management system went live in July, and staff have reported that it is quicker to record visits and supervision.",
    "The Principal Social Worker leads a practice development programme which includes reflective sessions and peer observations.",
    "Managers have been reminded that supervision should be recorded on the child’s file within five working days.",
    "The Lead Member visited the teams twice during the year and met young people from the Children in Care Council.",
    "Young people asked for more say in how their review meetings are arranged, and a new consultation form was designed with them.",
    "The service is preparing for the next inspection and has completed a self-assessment, which is attached as an appendix.",
    "Officers would welcome Members’ views on whether future reports should include comparisons with statistical neighbours.",
    "The background papers listed below were relied upon in preparing this report and are available on request.",
    "A summary of the performance measures is attached, with explanations where the figures differ from the previous quarter.",
    "There was an increase in the number of contacts to the front door in the autumn, which is in line with the usual seasonal pattern.",
    "Partner agencies continue to attend the daily safeguarding meeting, which considers all notifications of domestic abuse from the police.",
    "The report was considered by the departmental leadership team before being submitted to the Sub-Committee.",
    "The Town Clerk will arrange for the report to be published on the Corporation’s website once it has been considered.",
]
SECTIONS = ["Summary", "Recommendation", "Main Report", "Background", "Current Position", "Options",
            "Proposals", "Corporate & Strategic Implications", "Financial Implications", "Legal Implications",
            "Risk Implications", "Equalities Implications", "Conclusion", "Appendices", "Background Papers"]
COMMITTEE = "Children’s Safeguarding Sub-Committee"
MEETING = "Thursday, 13 February 2020"


class FillerWriter:
    """Committee-paper pages (agenda, cover reports, appendices, scorecards) with the pack's running
    head and no action table, drawn with reportlab into one PDF."""

    def __init__(self, path: Path, seed: int):
        self.c = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1)
        self.rnd = random.Random(seed)
        self.pages = 0
        self._start()

    def _start(self) -> None:
        w, h = A4
        self.y = h - 70
        self.c.setFont("Helvetica", 7.5)
        self.c.setFillGray(0.35)
        self.c.drawString(50, h - 32, PACK_HEAD)
        self.c.drawRightString(w - 50, h - 32, f"{COMMITTEE} – {MEETING}")
        self.c.setFillGray(0)

    def _end(self) -> None:
        self.c.showPage()
        self.pages += 1
        self._start()

    def _line(self, text: str, font: str = "Helvetica", size: float = 10, x: float = 56, gap: float = 1.3) -> None:
        if self.y < 70:
            self._end()
        self.c.setFont(font, size)
        self.c.drawString(x, self.y, text)
        self.y -= size * gap

    def para(self, text: str, *, font="Helvetica", size=10.0, x=56.0, width=480.0, after=6.0) -> None:
        for line in pf.wrap(text, font, size, width - (x - 56)):
            self._line(line, font, size, x)
        self.y -= after

    def finish_page(self) -> None:
        if self.y < A4[1] - 75:
            self._end()

    def agenda(self) -> None:
        self.para("CITY OF KINGSGATE", font="Helvetica-Bold", size=12)
        self.para(COMMITTEE.upper(), font="Helvetica-Bold", size=13)
        self.para("Agenda", font="Helvetica-Bold", size=16, after=10)
        for label, value in (("Date:", MEETING), ("Time:", "1.45 pm"), ("Venue:", "Committee Room 2 – 2nd Floor West Wing, Guildhall")):
            self.para(f"{label} {value}", after=2)
        self.y -= 8
        self.para("Members: Councillor Helen Okafor (Chairman), Councillor Dhruv Patel (Deputy Chairman), "
                  "Councillor Mary Durcan, Councillor Tom Hoffman, Alderman Ian Luder", after=10)
        items = ["APOLOGIES", "MEMBERS’ DECLARATIONS UNDER THE CODE OF CONDUCT IN RESPECT OF ITEMS ON THE AGENDA",
                 "MINUTES – To agree the public minutes of the meeting held on 12 December 2019",
                 *[s.upper() + f" – Report of the {who}" for s, who in COVER_SUBJECTS[:6]],
                 "SERVICE DEVELOPMENT PLAN 2019-20 – Report of the Director of Community and Children’s Services",
                 "QUESTIONS ON MATTERS RELATING TO THE WORK OF THE SUB-COMMITTEE",
                 "ANY OTHER BUSINESS THAT THE CHAIRMAN CONSIDERS URGENT",
                 "EXCLUSION OF THE PUBLIC"]
        for n, item in enumerate(items, 1):
            self.para(f"{n}. {item}", font="Helvetica-Bold", size=10, after=2)
            self.para("For Decision" if n in (3, 13) else "For Information", x=76, size=9.5, after=6)
        self.y -= 6
        self.para("John Barradell, Town Clerk and Chief Executive", after=2)
        self.finish_page()

    def cover_report(self, subject: str, author: str, pages: int) -> None:
        """A committee cover report of about `pages` pages of numbered paragraphs."""
        start = self.pages
        for label, value in (("Committee(s):", COMMITTEE), ("Date:", MEETING), ("Subject:", subject),
                             ("Report of:", author), ("Report author:", "Julie Mayer, Town Clerk’s Department"),
                             ("Public", "For Information")):
            self.para(f"{label} {value}", font="Helvetica-Bold" if label == "Subject:" else "Helvetica", after=2)
        self.y -= 8
        n = 0
        for section in SECTIONS:
            if self.pages - start >= pages:
                break
            self.para(section, font="Helvetica-Bold", size=11, after=4)
            for _ in range(self.rnd.randint(2, 5)):
                n += 1
                text = " ".join(self.rnd.sample(PROSE, self.rnd.randint(2, 4)))
                self.para(f"{n}. {text}", after=5)
        while self.pages - start < pages:  # an appendix of plain text fills what is left
            self.para(" ".join(self.rnd.sample(PROSE, 4)), after=5)
        self.finish_page()

    def scorecard(self) -> None:
        """An appendix page: a ruled performance table (no action columns)."""
        self.para("Appendix 1 – Performance scorecard", font="Helvetica-Bold", size=12, after=8)
        cols = ["Indicator", "2018/19", "Q1", "Q2", "Q3", "Target", "Direction"]
        widths = [200, 50, 45, 45, 45, 50, 60]
        rows = [cols] + [[f"{ind}", *(f"{self.rnd.randint(40, 99)}%" for _ in range(5)),
                          self.rnd.choice(["Improving", "Stable", "Declining"])]
                         for ind in ["Referrals completed within 1 working day", "Re-referrals within 12 months",
                                     "Assessments completed within 45 working days", "Child protection visits on time",
                                     "Children in care with an up-to-date health assessment", "Care leavers in suitable accommodation",
                                     "Care leavers in education, employment or training", "Placement stability (long term)",
                                     "Children seen alone at visits", "Supervision recorded in the last 6 weeks",
                                     "Initial child protection conferences within 15 days", "Personal education plans completed"]]
        x0, rh = 56, 18
        for r, row in enumerate(rows):
            if self.y < 90:
                self._end()
            x = x0
            if r == 0:
                self.c.setFillGray(0.88)
                self.c.rect(x0, self.y - 5, sum(widths), rh, stroke=0, fill=1)
                self.c.setFillGray(0)
            for cell, w in zip(row, widths):
                self.c.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 8)
                self.c.drawString(x + 3, self.y + 1, cell[:44])
                self.c.rect(x, self.y - 5, w, rh, stroke=1, fill=0)
                x += w
            self.y -= rh
        self.y -= 10
        self.para("Source: children’s social care case management system, validated by the performance team.", size=8.5)
        self.finish_page()

    def filler(self, pages: int) -> None:
        """About `pages` pages of other committee papers."""
        while pages > 0:
            kind = self.rnd.random()
            if kind < 0.25 and pages >= 1:
                before = self.pages
                self.scorecard()
                pages -= self.pages - before
            else:
                subject, author = self.rnd.choice(COVER_SUBJECTS)
                n = min(pages, self.rnd.randint(2, 8))
                before = self.pages
                self.cover_report(subject, author, n)
                pages -= self.pages - before

    def save(self) -> int:
        self.finish_page()
        self.c.save()
        return self.pages


# ---- packs --------------------------------------------------------------------------------------

@dataclass
class PackTruth:
    name: str
    pages: int
    report_first: int
    report_last: int
    report_actions: int
    minutes_first: int
    minutes_last: int


def make_pack(path: Path, work: Path, *, total: int, report_case: ReportCase, seed: int) -> PackTruth:
    """A reports pack of about `total` pages: agenda, other papers, the minutes of the last meeting, more
    papers, the plan report, more papers."""
    work.mkdir(parents=True, exist_ok=True)
    report_pdf, minutes_pdf = work / f"{path.stem}.report.pdf", work / f"{path.stem}.minutes.pdf"
    expected = pf.make_report(report_pdf, report_spec(report_case))
    minutes = pf.make_minutes(minutes_pdf, pf.sdp_minutes_spec())
    rest = total - expected.pages - minutes.pages
    rnd = random.Random(seed)
    a = rnd.randint(rest // 6, rest // 3)          # agenda and papers before the minutes
    b = rnd.randint(rest // 4, rest // 2)          # papers between the minutes and the report
    c = rest - a - b                               # papers and appendices after the report
    parts = []
    for i, n in enumerate((a, b, c)):
        part = work / f"{path.stem}.filler{i}.pdf"
        fw = FillerWriter(part, seed * 10 + i)
        if i == 0:
            fw.agenda()
        fw.filler(n)
        fw.save()
        parts.append((part, n))  # the writer ends a paper where it likes: only n pages are taken
    out = pdfium.PdfDocument.new()
    opened = []
    ranges = {}
    for src_path, n in [parts[0], (minutes_pdf, None), parts[1], (report_pdf, None), parts[2]]:
        src = pdfium.PdfDocument(str(src_path))
        opened.append(src)
        first = len(out) + 1
        out.import_pages(src, pages=list(range(n)) if n is not None else None)
        ranges[src_path] = (first, len(out))
    out.save(str(path))
    pages = len(out)
    out.close()
    for d in opened:
        d.close()
    return PackTruth(path.name, pages, *ranges[report_pdf], len(expected.actions), *ranges[minutes_pdf])


PACK_CASES = [  # (name, total pages, report inside)
    ("pack_100", 100, ReportCase("pack100_report", "sdp", "2019-11", {}, 2, 3)),
    ("pack_220", 220, ReportCase("pack220_report", "csip", "2022-06", {}, 3, 4)),
    ("pack_400", 400, ReportCase("pack400_report", "sdp", "2019-11", {"status_style": "word"}, 4, 5)),
]


# ---- many tiny files ----------------------------------------------------------------------------

def tiny_templates(work: Path) -> list[Path]:
    """One-page papers: a short plan report, and a one-page committee paper."""
    work.mkdir(parents=True, exist_ok=True)
    out = []
    base = pf.sdp_spec("2019-11")
    small = replace(base, priorities=[replace(base.priorities[0], actions=base.priorities[0].actions[:1])],
                    intro=[], notes=[], legend=None)
    path = work / "tiny_report.pdf"
    pf.make_report(path, small)
    out.append(path)
    path = work / "tiny_paper.pdf"
    fw = FillerWriter(path, 99)
    subject, author = COVER_SUBJECTS[0]
    for label, value in (("Committee(s):", COMMITTEE), ("Date:", MEETING), ("Subject:", subject),
                         ("Report of:", author), ("Public", "For Information")):
        fw.para(f"{label} {value}", after=2)
    fw.y -= 8
    for section in SECTIONS[:4]:
        fw.para(section, font="Helvetica-Bold", size=11, after=4)
        fw.para(" ".join(fw.rnd.sample(PROSE, 2)), after=5)
    fw.save()
    out.append(path)
    return out


COPY_MARK = b"%bench copy "  # a PDF comment after %%EOF: the same pages, other bytes (another sha256)


def make_tiny_copies(templates: list[Path], folder: Path, n: int, report_every: int = 10) -> list[Path]:
    """`n` distinct files: copies of templates[0] (a small report) for every `report_every`-th file and
    of templates[1] (a one-page paper) otherwise, each with its own trailing PDF comment."""
    folder.mkdir(parents=True, exist_ok=True)
    datas = [t.read_bytes() for t in templates]
    paths = []
    for i in range(n):
        data = datas[0] if i % report_every == 0 else datas[1]
        p = folder / f"paper_{i:04d}.pdf"
        p.write_bytes(data + COPY_MARK + f"{i}\n".encode())
        paths.append(p)
    return paths


def make_real_copies(sources: list[Path], folder: Path, n: int) -> list[Path]:
    """`n` distinct files from real papers: the sources in turn, each copy with its own trailing PDF
    comment (so its own sha256) and the source's name after its number."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        src = sources[i % len(sources)]
        p = folder / f"real_{i:04d} {src.name}"
        p.write_bytes(src.read_bytes() + COPY_MARK + f"real {i}\n".encode())
        paths.append(p)
    return paths


def make_real_pack(path: Path, sources: list[Path], work: Path, *, total: int, report_case: ReportCase,
                   report_after: int) -> PackTruth:
    """A pack of `total` pages cut from real papers (the sources in turn, again from the first when they
    run out, the last one cut short), with a generated plan report put in after `report_after` pages so
    that the pack holds one plan report whose pages and actions are known. The minutes among the real
    papers stay in: PackTruth's minutes pages are 0 (not checked)."""
    work.mkdir(parents=True, exist_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    report_pdf = work / f"{path.stem}.report.pdf"
    expected = pf.make_report(report_pdf, report_spec(report_case))
    out = pdfium.PdfDocument.new()
    report_range = None
    i = 0
    while len(out) < total:
        if report_range is None and len(out) >= report_after:
            src = pdfium.PdfDocument(str(report_pdf))
            first = len(out) + 1
            out.import_pages(src)
            report_range = (first, len(out))
        else:
            src = pdfium.PdfDocument(str(sources[i % len(sources)]))
            out.import_pages(src, pages=list(range(min(len(src), total - len(out)))))
            i += 1
        src.close()
    out.save(str(path))
    pages = len(out)
    out.close()
    assert report_range is not None, (total, report_after)
    return PackTruth(path.name, pages, *report_range, len(expected.actions), 0, 0)
