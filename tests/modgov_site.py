"""A ModernGov site on loopback for the fetch tests: the web service's XML and the plain pages, shaped
on real ones (DemocracyClub LGSF's fixtures of democracy.manchester.gov.uk's web service; the pages of
moderngov.kingston.gov.uk), with a request log to prove what was (not) asked for.

The Audit Committee (144) has three meetings on the record: 13 Jan 2026 (cancelled), 10 Feb 2026
(agenda, reports, a restricted appendix, an exempt item, minutes published as text) and 3 Mar 2020
(outside every test's dates; the web service sends it anyway, as some hosts send every meeting). With
`next_meeting`, a meeting on 14 Apr 2026 (after the tests' --until) whose "Minutes of the previous
meeting" item carries the minutes of 10 Feb 2026 (document 61001), beside papers no test asks for.
Hostile sites: `committee_title` / `agenda_title` for titles with separators, escapes or great length,
`drip` for documents sent a byte at a time, `wrapped` for a GetMeeting answer inside another element.
"""
from __future__ import annotations

import threading
import time
from html import escape
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

AMBER = ("Action 2.3 (recruit permanent social workers) remains Amber because two posts are still "
         "filled by agency staff; target date March 2026.")

COMMITTEES_XML = """<?xml version="1.0" encoding="utf-8"?>
<committees>
  <committeescount> 3</committeescount>
  <committee><committeeid>312</committeeid><committeetitle>Appointment Sub Committee</committeetitle>
    <committeedeleted>False</committeedeleted><committeeexpired>True</committeeexpired>
    <committeecategory>Governance</committeecategory></committee>
  <committee><committeeid>130</committeeid><committeetitle>Cabinet</committeetitle>
    <committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired>
    <committeecategory>Executive</committeecategory></committee>
  <committee><committeeid>144</committeeid><committeetitle>{audit}</committeetitle>
    <committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired>
    <committeecategory>Governance</committeecategory></committee>
</committees>
"""

MEETINGS_XML = """<?xml version="1.0" encoding="utf-8"?>
<getmeetings>
  <meetingscount> 3</meetingscount>
  <committee><committeeid>144</committeeid><committeetitle>Audit Committee</committeetitle>
    <committeemeetings>
      <meeting><meetingid>4966</meetingid><meetingdate>13/01/2026</meetingdate>
        <meetingstatus>Cancelled</meetingstatus><meetingtime>10.00 am</meetingtime></meeting>
      <meeting><meetingid>4967</meetingid><meetingdate>10/02/2026</meetingdate>
        <meetingstatus>Confirmed</meetingstatus><meetingtime>10.00 am</meetingtime></meeting>
      <meeting><meetingid>3001</meetingid><meetingdate>03/03/2020</meetingdate>
        <meetingstatus>Confirmed</meetingstatus><meetingtime>2.00 pm</meetingtime></meeting>{next}
    </committeemeetings>
  </committee>
</getmeetings>
"""


def _doc(attachment: int, title: str, url: str, restricted: bool = False) -> str:
    return f"""<linkeddoc><attachmentid>{attachment}</attachmentid><title>{title}</title><isurl>False</isurl>
          <url>{url}</url><isrestricted>{restricted}</isrestricted><publicationdate>02/02/2026</publicationdate>
        </linkeddoc>"""


def meeting_xml(base: str, item_minutes: str | None = None, agenda_title: str = "Agenda frontsheet") -> str:
    """The meeting's XML; `item_minutes` (HTML) replaces the plan item's minutes."""
    # document links come back as http:// (like many hosts) and with the site's own host
    conv = base + "/mgConvert2PDF.aspx?ID="
    minutes_html = (f'&lt;div class="WordSection1"&gt;&lt;p class="MsoNormal"&gt;{AMBER}&lt;/p&gt;'
                    '&lt;script&gt;alert(1)&lt;/script&gt;&lt;p onclick="steal()"&gt;Noted.&lt;/p&gt;&lt;/div&gt;')
    if item_minutes is not None:
        minutes_html = escape(item_minutes)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<meeting>
  <meetingid>4967</meetingid><meetingdate>10/02/2026</meetingdate><meetingstatus>Confirmed</meetingstatus>
  <meetingtime>10.00 am</meetingtime><agendapublished>True</agendapublished><minutepublished>True</minutepublished>
  <linkeddocuments>
    {_doc(70001, escape(agenda_title), conv + "70001")}
    {_doc(70002, "Printed minutes", conv + "70002")}
  </linkeddocuments>
  <agendaitems>
    <agendaitem><agendaitemid>18831</agendaitemid><agendaitemtitle>Minutes</agendaitemtitle>
      <agendaitemnumber>4</agendaitemnumber><minutesitemnumber>1</minutesitemnumber>
      <minutesitemsubnumber></minutesitemsubnumber>
      <minutesnonemptyhtmlbody>&lt;p&gt;The minutes of 25 November 2025 were approved.&lt;/p&gt;</minutesnonemptyhtmlbody>
      <isminutepublished>True</isminutepublished><isrestricted>False</isrestricted>
      <linkeddocuments>{_doc(60860, "Minutes 25 Nov 2025", conv + "60860")}</linkeddocuments>
    </agendaitem>
    <agendaitem><agendaitemid>18833</agendaitemid><agendaitemtitle>Improvement Plan: progress &amp; risks</agendaitemtitle>
      <agendaitemnumber>12</agendaitemnumber><minutesitemnumber>2</minutesitemnumber>
      <minutesnonemptyhtmlbody>{minutes_html}</minutesnonemptyhtmlbody>
      <isminutepublished>True</isminutepublished><isrestricted>False</isrestricted>
      <linkeddocuments>
        {_doc(60909, "Improvement Plan progress update: January 2026", conv + "60909")}
        {_doc(60998, "Appendix B - staffing (exempt)", conv + "60998", restricted=True)}
      </linkeddocuments>
    </agendaitem>
    <agendaitem><agendaitemid>18840</agendaitemid><agendaitemtitle>Exempt item: contract award</agendaitemtitle>
      <agendaitemnumber>13</agendaitemnumber><minutesitemnumber>3</minutesitemnumber>
      <minutesnonemptyhtmlbody>&lt;p&gt;Secret.&lt;/p&gt;</minutesnonemptyhtmlbody>
      <isminutepublished>True</isminutepublished><isrestricted>True</isrestricted>
      <linkeddocuments>{_doc(60999, "Contract award report", conv + "60999", restricted=True)}</linkeddocuments>
    </agendaitem>
  </agendaitems>
</meeting>
"""


NEXT_MEETING = """
      <meeting><meetingid>4968</meetingid><meetingdate>14/04/2026</meetingdate>
        <meetingstatus>Confirmed</meetingstatus><meetingtime>10.00 am</meetingtime></meeting>"""


def next_meeting_xml(base: str) -> str:
    """The meeting after the tests' dates: its agenda carries the minutes of 10 Feb 2026 on item 3."""
    conv = base + "/mgConvert2PDF.aspx?ID="
    return f"""<?xml version="1.0" encoding="utf-8"?>
<meeting>
  <meetingid>4968</meetingid><meetingdate>14/04/2026</meetingdate><meetingstatus>Confirmed</meetingstatus>
  <linkeddocuments>{_doc(70010, "Agenda frontsheet 14 April", conv + "70010")}</linkeddocuments>
  <agendaitems>
    <agendaitem><agendaitemtitle>Apologies for absence</agendaitemtitle><agendaitemnumber>1</agendaitemnumber>
      <isrestricted>False</isrestricted></agendaitem>
    <agendaitem><agendaitemtitle>Minutes of the previous meeting</agendaitemtitle><agendaitemnumber>3</agendaitemnumber>
      <isrestricted>False</isrestricted>
      <linkeddocuments>{_doc(61001, "Minutes 10 February 2026", conv + "61001")}</linkeddocuments></agendaitem>
    <agendaitem><agendaitemtitle>Minutes of the Health and Wellbeing Board</agendaitemtitle>
      <agendaitemnumber>4</agendaitemnumber><isrestricted>False</isrestricted>
      <linkeddocuments>{_doc(61003, "HWB minutes 2 March 2026", conv + "61003")}</linkeddocuments></agendaitem>
    <agendaitem><agendaitemtitle>Budget monitoring</agendaitemtitle><agendaitemnumber>5</agendaitemnumber>
      <isrestricted>False</isrestricted>
      <linkeddocuments>{_doc(61002, "Budget monitoring Q4", conv + "61002")}</linkeddocuments></agendaitem>
  </agendaitems>
</meeting>
"""


CANCELLED_MEETING_XML = """<?xml version="1.0" encoding="utf-8"?>
<meeting><meetingid>4966</meetingid><meetingdate>13/01/2026</meetingdate><meetingstatus>Cancelled</meetingstatus>
<agendaitems></agendaitems></meeting>"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - Ashby Vale Council</title>
<script>(function(w){{w.dataLayer=[];}})(window);</script></head>
<body><div id="modgov"><div class="mgHeader"><h1 class="mgMainTitleTxt">{h1}</h1></div>
{body}
</div></body></html>"""

def committees_page(audit: str = "Audit Committee") -> str:
    return PAGE.format(title="Committee structure", h1="Committee structure", body=f"""
<ul class="mgBulletList">
<li><a href="mgCommitteeDetails.aspx?ID=130" title="Link&#32;to&#32;details&#32;for&#32;Cabinet">Cabinet</a></li>
<li><a href="mgCommitteeDetails.aspx?ID=144" title="Link&#32;to&#32;details&#32;for&#32;Audit&#32;Committee">{audit}</a></li>
</ul>""")


COMMITTEES_PAGE = committees_page()


def meetings_page(year: int, next_meeting: bool = False) -> str:
    later = """
<li class="mgTableOddRow"><a class="mgMeetingTableLnk" href="ieListDocuments.aspx?CId=144&amp;MId=4968&amp;Ver=4">14 Apr 2026&nbsp;10.00 am</a> - Agenda</li>"""
    rows = {2026: (later if next_meeting else "") + """
<li class="mgTableEvenRow"><a class="mgMeetingTableLnk" href="ieListDocuments.aspx?CId=144&amp;MId=4967&amp;Ver=4"
 title="Link&#32;to&#32;meeting&#32;details&#32;for&#32;Audit&#32;Committee&#32;meeting&#32;of&#32;10&#32;Feb&#32;2026">10 Feb 2026&nbsp;10.00 am</a> - Agenda, Minutes</li>
<li class="mgTableOddRow"><a class="mgMeetingTableLnk" href="ieListDocuments.aspx?CId=144&amp;MId=4966&amp;Ver=4"
 title="Link&#32;to&#32;meeting&#32;details&#32;for&#32;Audit&#32;Committee&#32;meeting&#32;of&#32;13&#32;Jan&#32;2026">13 Jan 2026&nbsp;10.00 am</a> - CANCELLED</li>""",
            2020: """
<li class="mgTableEvenRow"><a class="mgMeetingTableLnk" href="ieListDocuments.aspx?CId=144&amp;MId=3001&amp;Ver=4">3 Mar 2020&nbsp;2.00 pm</a> - Agenda</li>"""}
    return PAGE.format(title="Browse meetings - Audit Committee", h1="Browse meetings - Audit Committee",
                       body=f'<div class="mgTableBorder"><ul class="mgNonBulletTableList">{rows.get(year, "")}</ul></div>')


def next_agenda_page() -> str:
    return PAGE.format(title="Agenda for Audit Committee on Tuesday, 14th April, 2026, 10.00 am",
                       h1="Agenda", body="""
<div class="mgSubTitle"><h2 class="mgSubTitleTxt">Audit Committee - Tuesday, 14th April, 2026 10.00 am</h2></div>
<div class="mgLinks"><ul class="mgActionList">
<li><a href="documents/g4968/Agenda frontsheet 14th-Apr-2026.pdf?T=0">Agenda frontsheet <span class="mgFileSize"> PDF 198 KB</span> </a></li>
</ul></div>
<table class="mgItemTable">
<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt">3.</p></td><td>
<p class="mgAiTitleTxt"><a class="mgAiTitleLnk" href="documents/s61001/Minutes 10 February 2026.pdf">Minutes of the previous meeting <span class="mgFileSize"> PDF 99 KB</span> </a></p>
</td></tr>
<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt">5.</p></td><td>
<p class="mgAiTitleTxt"><a class="mgAiTitleLnk" href="documents/s61002/Budget monitoring Q4.pdf">Budget monitoring <span class="mgFileSize"> PDF 80 KB</span> </a></p>
</td></tr>
</table>""")


# what a hostile or careless page carries besides its papers: none of it may survive in a saved page
ACTIVE_CONTENT = """
<form method="post" action="https://collector.example.org/post"><input type="hidden" name="__VIEWSTATE" value="x">
<iframe src="https://ads.example.org/frame"></iframe>
<img src="https://tracker.example.org/pixel.gif" alt="">
<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="">
<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">open</a>
<a href="https://www.gov.uk/guidance">guidance</a>
</form>"""


def agenda_page(agenda_title: str = "Agenda frontsheet") -> str:
    page = _agenda_page(agenda_title)
    return page.replace("</head>", '<meta http-equiv="refresh" content="0;url=https://evil.example.org/">'
                                   '<base href="https://evil.example.org/"></head>').replace(
        "</body>", ACTIVE_CONTENT + "</body>")


def _agenda_page(agenda_title: str) -> str:
    return PAGE.format(title="Agenda for Audit Committee on Tuesday, 10th February, 2026, 10.00 am",
                       h1="Agenda and minutes", body=f"""
<div class="mgSubTitle"><h2 class="mgSubTitleTxt"><a href="mgCommitteeDetails.aspx?ID=144">Audit Committee - Tuesday, 10th February, 2026 10.00 am</a></h2></div>
<div class="mgLinks"><ul class="mgActionList">
<li><a href="documents/g4967/Agenda frontsheet 10th-Feb-2026 10.00 Audit Committee.pdf?T=0">{escape(agenda_title)} <span class="mgFileSize"> PDF 198 KB</span> </a></li>
<li><a href="mgChooseDocPack.aspx?ID=4967">Agenda reports pack</a></li>
<li><a href="documents/g4967/Printed minutes 10th-Feb-2026 10.00 Audit Committee.pdf?T=1">Printed minutes <span class="mgFileSize"> PDF 111 KB</span> </a></li>
</ul></div>
<table class="mgItemTable" id="mgItemTable">
<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt">1.</p></td><td>
<p class="mgAiTitleTxt"><a class="mgAiTitleLnk" href="documents/s60860/Minutes of Previous Meeting.pdf">Minutes <span class="mgFileSize"> PDF 99 KB</span> </a></p>
<p class="mgSubItemTitleTxt">Minutes:</p><div class="mgWordPara"><p>The minutes of 25 November 2025 were approved.</p></div>
</td></tr>
<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt">2.</p></td><td>
<p class="mgAiTitleTxt"><a class="mgAiTitleLnk" href="documents/s60909/Improvement Plan progress update.pdf">Improvement Plan progress update: January 2026 <span class="mgFileSize"> PDF 250 KB</span> </a></p>
<p class="mgSubItemTitleTxt">Additional documents:</p>
<ul class="mgBulletList"><li>Restricted enclosure <a href="documents/s60998/Appendix B staffing.pdf" title="View the reasons why document 2./2 is restricted">View the reasons why document 2./2 is restricted</a></li></ul>
<p class="mgSubItemTitleTxt">Minutes:</p><div class="mgWordPara" onmouseover="steal()"><p>{AMBER}</p></div>
</td></tr>
<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt">3.</p></td><td>
<p class="mgAiTitleTxt"><a class="mgAiTitleLnk" href="documents/s60950/Residents parking.pdf">Restricted parking zones: review <span class="mgFileSize"> PDF 80 KB</span> </a></p>
</td></tr>
</table>""")


@dataclass
class Request:
    path: str           # path and query as sent
    headers: dict
    status: int = 0


@dataclass
class FakeModernGov:
    """`service`: "ok", "forbidden" (403, as a firewall), "missing" (404) or "html" (an error page
    with 200). `fail_once`: request keys (lower-case path and query) answered 500 the first time;
    `fail_always` 500 every time; `gone` 404. `documents`: bytes per document key (default: a small
    PDF-looking body per key)."""

    service: str = "ok"
    fail_once: set = field(default_factory=set)
    fail_always: set = field(default_factory=set)
    gone: set = field(default_factory=set)
    documents: dict = field(default_factory=dict)
    body: bytes | None = None          # the same bytes for every document, e.g. a real PDF
    validators: bool = True            # ETag / Last-Modified on documents (not on 60909 either way)
    item_minutes: str | None = None    # HTML minutes of the plan's item (default: one paragraph)
    next_meeting: bool = False         # a meeting on 14 Apr 2026 carrying the minutes of 10 Feb 2026
    wrapped: bool = False              # GetMeeting's <meeting> inside <getmeeting> rather than the root
    committee_title: str = "Audit Committee"
    agenda_title: str = "Agenda frontsheet"
    drip: dict = field(default_factory=dict)  # seconds between bytes, per document key
    log: list = field(default_factory=list)

    def __post_init__(self):
        self._failed: set = set()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                site._answer(self)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.server.daemon_threads = True  # a dripping answer never holds close() up
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what was asked -------------------------------------------------------------------------
    def asked(self, fragment: str) -> list[Request]:
        return [r for r in self.log if fragment.lower() in unquote(r.path).lower()]

    def clear(self) -> None:
        self.log.clear()

    # -- answers --------------------------------------------------------------------------------
    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        req = Request(h.path, dict(h.headers))
        self.log.append(req)
        parts = urlsplit(h.path)
        path, query = unquote(parts.path).lower(), {k.lower(): v[0] for k, v in parse_qs(parts.query).items()}
        key = unquote(h.path).lower()
        if any(key.startswith(k) for k in self.fail_always) or \
                (any(key.startswith(k) for k in self.fail_once) and key not in self._failed):
            self._failed.add(key)
            return self._send(h, req, 500, b"<html>Server Error</html>", "text/html")
        if any(key.startswith(k) for k in self.gone):
            return self._send(h, req, 404, b"<html>Not found</html>", "text/html")
        if path.startswith("/mgwebservice.asmx/"):
            if self.service == "forbidden":
                return self._send(h, req, 403, b"<html><body>Request blocked</body></html>", "text/html")
            if self.service == "missing":
                return self._send(h, req, 404, b"<html><body>Not found</body></html>", "text/html")
            if self.service == "html":
                return self._send(h, req, 200, b"<html><body>Service unavailable</body></html>", "text/html")
            method = path.rsplit("/", 1)[1]
            if method == "getcommittees":
                return self._xml(h, req, COMMITTEES_XML.format(audit=escape(self.committee_title)))
            if method == "getmeetings":
                if not {"lcommitteeid", "sfromdate", "stodate"} <= set(query):
                    return self._send(h, req, 500, b"Missing parameter", "text/plain")
                return self._xml(h, req, MEETINGS_XML.format(next=NEXT_MEETING if self.next_meeting else "")
                                 if query["lcommitteeid"] == "144" else
                                 "<getmeetings><meetingscount>0</meetingscount></getmeetings>")
            if method == "getmeeting":
                xml = {"4967": meeting_xml(self.url, self.item_minutes, self.agenda_title),
                       "4966": CANCELLED_MEETING_XML,
                       "4968": next_meeting_xml(self.url) if self.next_meeting else None}.get(query.get("lmeetingid"))
                if xml and self.wrapped:
                    xml = xml.replace("<meeting>", "<getmeeting><meeting>", 1).replace(
                        "</meeting>", "</meeting></getmeeting>")
                return self._xml(h, req, xml) if xml else self._send(h, req, 404, b"", "text/plain")
            return self._send(h, req, 500, b"unknown method", "text/plain")
        if path == "/mglistcommittees.aspx":
            return self._html(h, req, committees_page(self.committee_title))
        if path == "/ielistmeetings.aspx" and query.get("cid") == "144":
            return self._html(h, req, meetings_page(int(query.get("year", "0")), self.next_meeting))
        if path == "/ielistdocuments.aspx" and query.get("mid") == "4967":
            return self._html(h, req, agenda_page(self.agenda_title))
        if path == "/ielistdocuments.aspx" and query.get("mid") == "4968" and self.next_meeting:
            return self._html(h, req, next_agenda_page())
        if path == "/mgconvert2pdf.aspx" or path.startswith("/documents/"):
            return self._document(h, req, query.get("id") or path[len("/documents/"):])
        return self._send(h, req, 404, b"<html>Not found</html>", "text/html")

    def _document(self, h, req: Request, key: str) -> None:
        body = self.documents.get(key, self.body or f"%PDF-1.4\n% paper {key}\n%%EOF\n".encode())
        etag = f'"{abs(hash((key, body))) & 0xffffff:x}"'
        headers = {}
        if self.validators and "60909" not in key:
            headers = {"ETag": etag, "Last-Modified": formatdate(1767225600, usegmt=True)}
            if h.headers.get("If-None-Match") == etag:
                return self._send(h, req, 304, b"", None, headers)
        if key in self.drip:
            return self._drip(h, req, body, self.drip[key])
        self._send(h, req, 200, body, "application/pdf", headers)

    @staticmethod
    def _drip(h, req: Request, body: bytes, every: float) -> None:
        """A byte at a time, `every` seconds apart: each read is quick, the whole never ends in time."""
        req.status = 200
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            for i in range(len(body)):
                h.wfile.write(body[i:i + 1])
                h.wfile.flush()
                time.sleep(every)
        except OSError:  # the client gave up: what the test wants
            pass

    def _xml(self, h, req, text: str) -> None:
        self._send(h, req, 200, text.encode(), "text/xml; charset=utf-8")

    def _html(self, h, req, text: str) -> None:
        self._send(h, req, 200, text.encode(), "text/html; charset=utf-8")

    @staticmethod
    def _send(h, req: Request, status: int, body: bytes, ctype: str | None, headers: dict | None = None) -> None:
        req.status = status
        h.send_response(status)
        if ctype:
            h.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)) if status != 304 else "0")
        h.end_headers()
        if status != 304:
            h.wfile.write(body)
