"""A council's ModernGov site: its committees, their meetings, each meeting's public papers and minutes.

ModernGov offers a web service (`mgWebService.asmx`, plain GETs answering XML) and plain pages. The
web service is tried first because it says outright what is cancelled and what is restricted, and
carries each item's minutes as HTML; many councils' firewalls answer it with 403 (or the host has it
switched off: 404, or an HTML error page instead of XML), and then the same facts are read from the
pages: `mgListCommittees.aspx` → `mgCommitteeDetails.aspx?ID=` → `ieListMeetings.aspx?CId=&Year=` →
`ieListDocuments.aspx?CId=&MId=` (the "Agenda and minutes" page).

Restricted (exempt) papers are never requested: the web service flags them (`isrestricted`), the
pages name them ("Restricted enclosure"). A document link given as http:// on an https site is
asked for over https (ModernGov hosts often print their own links with the wrong scheme).

Minutes are found wherever a site puts them: the meeting's own documents ("Printed minutes"), each
item's, the items' minutes published as text, and the minutes many councils attach to the *next*
meeting's "Minutes of the previous meeting" item (`Paper.previous_minutes`), which the fetch asks for
even when that next meeting falls after the dates asked (the paper's own title block says which meeting
it records). Every title from the site is cleaned of control characters and terminal escapes before it
is printed, stored or used in a file name.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lhtml

from plantrack.pipeline.sources.discovery import printable
from plantrack.pipeline.sources.http import FetchError, PoliteClient

# no entities, no network: the XML comes from a server we do not control
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
BLOCKED = {401, 403, 404, 405}  # the web service is refused or absent here: read the pages instead
PAGE_NAMES = re.compile(r"/(mgWebService\.asmx.*|mg\w+\.aspx.*|ie\w+\.aspx.*)$", re.I)
SIZE_SUFFIX = re.compile(r"\s*\b(?:PDF|DOCX?|XLSX?|RTF|HTML?|PPTX?)\s*[\d.,]+\s*[KMG]?B\s*$", re.I)
# "Minutes", "Minutes of the previous meeting", "To approve the minutes of the meeting held on 10 February
# 2026": the committee's own earlier minutes; "Minutes of the Health and Wellbeing Board" (another
# body's) is not
PREVIOUS_MINUTES = re.compile(r"^[\W\d]*(?:(?:to\s+)?(?:approv|confirm|agree|sign|receiv|adopt)\w*\s+(?:of\s+)?(?:the\s+)?)?"
                              r"minutes\b(?P<rest>.*)$", re.I)
PREVIOUS_WORDS = re.compile(r"\b(?:previous|last|preceding|prior|earlier|meeting|held)\b|\b\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\b"
                            r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}", re.I)
ACTIVE = ("src", "srcset", "poster", "background", "data", "action", "formaction", "lowsrc", "dynsrc", "codebase")
LINKS = ("href", "xlink:href", "{http://www.w3.org/1999/xlink}href", "cite", "longdesc", "usemap", "ping")
DROPPED = ("script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "input",
           "button", "select", "textarea", "portal", "template", "noembed", "noframes")
MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec"), start=1)}


class ServiceBlocked(Exception):
    """The web service cannot be used on this site (403/404/not XML): the pages will be read instead."""


@dataclass(frozen=True)
class Committee:
    id: str
    title: str
    gone: bool = False  # deleted or expired: kept for its history, but a live one of the same name wins


@dataclass
class Paper:
    url: str
    title: str
    previous_minutes: bool = False  # on an item that holds the committee's earlier minutes


def clean_title(text: str) -> str:
    """A title from the site as one plain line: no terminal escapes, control or formatting characters
    (a right-to-left override would make a name read backwards), runs of white space as one space."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") else ch
                   for ch in printable(text))
    return " ".join(text.split())


def is_previous_minutes(title: str) -> bool:
    """Whether an agenda item's title says it holds the committee's own earlier minutes."""
    m = PREVIOUS_MINUTES.match(clean_title(title))
    if m is None:
        return False
    rest = m.group("rest").strip(" .:-–—")
    return not rest or bool(PREVIOUS_WORDS.search(rest))


def check_site(site: str) -> str:
    """The site's root, or ValueError with one line when it is not a web site: `file:///etc`, `ftp://x`,
    `javascript:alert(1)` are refused; `democracy.example.gov.uk` means https://democracy.example.gov.uk."""
    text = site.strip()
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):(//)?(.?)", text, re.I)
    if scheme and (scheme.group(2) or not scheme.group(3).isdigit()) and scheme.group(1).lower() not in ("http", "https"):
        raise ValueError(f"not a council web site (http or https): {printable(text)[:200]!r}")
    root = site_root(text)
    parts = urlsplit(root)
    if not parts.hostname or any(ch.isspace() for ch in parts.netloc):
        raise ValueError(f"not a council web site (http or https): {printable(text)[:200]!r}")
    return root


@dataclass
class Meeting:
    id: str
    committee: Committee
    date: date
    time: str = ""
    cancelled: bool = False
    page_url: str = ""
    papers: list[Paper] = field(default_factory=list)
    minutes_html: str | None = None   # a whole page, ready to save, when the minutes are published as text
    restricted: int = 0               # restricted papers seen and left alone


def site_root(site: str) -> str:
    """'democracy.kent.gov.uk/mgListCommittees.aspx' → 'https://democracy.kent.gov.uk' (no trailing /)."""
    site = site.strip()
    if not re.match(r"^https?://", site, re.I):
        site = "https://" + site
    parts = urlsplit(site)
    path = PAGE_NAMES.sub("", parts.path).rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def link(base: str, href: str) -> str:
    """An absolute URL for `href` on the site; http:// on an https site is upgraded."""
    url = urljoin(base + "/", href.strip())
    if base.startswith("https://") and url.startswith("http://") and \
            urlsplit(url).hostname == urlsplit(base).hostname:
        url = "https://" + url[len("http://"):]
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.replace(" ", "%20"), parts.query, ""))


def find_committee(committees: list[Committee], wanted: str) -> Committee | None:
    """By id ("144") or by title, ignoring case and runs of white space; a live committee first."""
    key = " ".join(str(wanted).split()).casefold()
    hits = [c for c in committees if c.id == key or " ".join(c.title.split()).casefold() == key]
    return min(hits, key=lambda c: c.gone) if hits else None


def suggest(committees: list[Committee], wanted: str) -> list[str]:
    """The committees' titles most like `wanted`, for the line saying it was not found."""
    from rapidfuzz import process

    titles = sorted({c.title for c in committees if not c.gone})
    return [t for t, score, _ in process.extract(str(wanted), titles, limit=3) if score >= 60]


class ModernGovSite:
    def __init__(self, site: str, client: PoliteClient):
        self.base = site_root(site)
        self.client = client
        self.route = "web service"
        self.why_pages: str | None = None  # why the web service was given up, for the summary
        self._committees: list[Committee] | None = None
        self._title: str | None = None

    @property
    def host(self) -> str:
        """The site's host name without port: the first folder of the fetched tree."""
        return urlsplit(self.base).hostname or "site"

    # -- the web service -------------------------------------------------------------------------
    def _service(self, method: str, **params: str) -> etree._Element:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        url = f"{self.base}/mgWebService.asmx/{method}" + (f"?{query}" if query else "")
        try:
            r = self.client.get(url)
        except FetchError as e:
            if e.status is None:
                raise
            raise ServiceBlocked(f"the web service answered {e.status}") from None
        if r.status_code in BLOCKED:
            raise ServiceBlocked(f"the web service answered {r.status_code}")
        if r.status_code != 200:
            raise FetchError(f"{method} answered {r.status_code}", r.status_code)
        try:
            root = etree.fromstring(r.content, XML_PARSER)
        except etree.XMLSyntaxError:
            raise ServiceBlocked("the web service did not answer XML") from None
        if root is None or root.tag.lower() in ("html", "body"):
            raise ServiceBlocked("the web service did not answer XML")
        return root

    def _give_up_service(self, why: ServiceBlocked) -> None:
        self.route, self.why_pages = "pages", str(why)

    def committees(self) -> list[Committee]:
        if self._committees is None:
            if self.route == "web service":
                try:
                    root = self._service("GetCommittees", lDummy="0")
                    self._committees = [
                        Committee(_text(c, "committeeid"), clean_title(_text(c, "committeetitle")),
                                  _true(c, "committeedeleted") or _true(c, "committeeexpired"))
                        for c in root.iter("committee") if _text(c, "committeeid")]
                except ServiceBlocked as e:
                    self._give_up_service(e)
            if self._committees is None:
                self._committees = self._page_committees()
        return self._committees

    def committee(self, wanted: str) -> Committee | None:
        found = find_committee(self.committees(), wanted)
        if found is None and self.route == "pages" and str(wanted).strip().isdigit():
            found = self._page_committee(str(wanted).strip())  # listed nowhere, but it has a page
        return found

    def meetings(self, committee: Committee, since: date, until: date) -> list[Meeting]:
        """The committee's meetings from `since` to `until`, oldest first (cancelled ones flagged)."""
        if self.route == "web service":
            try:
                root = self._service("GetMeetings", lCommitteeId=committee.id,
                                     sFromDate=f"{since:%d/%m/%Y}", sToDate=f"{until:%d/%m/%Y}")
            except ServiceBlocked as e:
                self._give_up_service(e)
            else:
                found = []
                for m in root.iter("meeting"):
                    day = _ddmmyyyy(_text(m, "meetingdate"))
                    if day is None or not since <= day <= until:  # some hosts send every meeting ever
                        continue
                    found.append(Meeting(_text(m, "meetingid"), committee, day, _time(_text(m, "meetingtime")),
                                         _text(m, "meetingstatus").lower().startswith("cancel"),
                                         self._meeting_page(committee, _text(m, "meetingid"))))
                return sorted(found, key=lambda m: (m.date, m.id))
        return self._page_meetings(committee, since, until)

    def read(self, meeting: Meeting) -> Meeting:
        """Fill in the meeting's public papers and its minutes as a page (when published as text)."""
        if self.route == "web service":
            try:
                root = self._service("GetMeeting", lMeetingId=meeting.id)
            except ServiceBlocked as e:
                self._give_up_service(e)
            else:
                return self._read_service_meeting(meeting, root)
        return self._read_page(meeting)

    def _read_service_meeting(self, meeting: Meeting, answer: etree._Element) -> Meeting:
        # real answers have <meeting> as their root; a host that wraps it (<getmeeting><meeting>…) must
        # not lose the meeting's own papers, which hang directly under <meeting>
        root = answer if answer.tag.lower() == "meeting" else next(answer.iter("meeting"), answer)
        if _text(root, "meetingstatus").lower().startswith("cancel"):
            meeting.cancelled = True
            return meeting
        seen: set[str] = set()

        def take(docs: etree._Element | None, previous: bool = False) -> None:
            for d in (docs.iter("linkeddoc") if docs is not None else ()):
                url = _text(d, "url")
                if _true(d, "isrestricted"):
                    meeting.restricted += 1
                    continue
                if not url or _true(d, "isurl"):  # a link to another web page, not a paper
                    continue
                url = link(self.base, url)
                if url not in seen:
                    seen.add(url)
                    meeting.papers.append(Paper(url, clean_title(_text(d, "title")) or _file_title(url), previous))

        take(root.find("linkeddocuments"))  # the meeting's own: agenda, reports pack, printed minutes
        minutes = []
        for item in root.iter("agendaitem"):
            if _true(item, "isrestricted"):  # an exempt item: neither its papers nor its minutes
                meeting.restricted += sum(1 for _ in item.iter("linkeddoc"))
                continue
            take(item.find("linkeddocuments"), is_previous_minutes(_text(item, "agendaitemtitle")))
            body = _text(item, "minutesnonemptyhtmlbody")
            if body and _true(item, "isminutepublished"):
                number = (_text(item, "minutesitemnumber") + _text(item, "minutesitemsubnumber")) \
                    or _text(item, "agendaitemnumber")
                minutes.append((number, clean_title(_text(item, "agendaitemtitle")), body))
        if minutes:
            meeting.minutes_html = minutes_page(meeting.committee.title, meeting.date, meeting.time, minutes,
                                                self.host)
        return meeting

    # -- the pages -------------------------------------------------------------------------------
    def _page(self, path: str) -> lhtml.HtmlElement:
        url = f"{self.base}/{path}"
        r = self.client.get(url)
        if r.status_code != 200:
            raise FetchError(f"{path.split('?')[0]} answered {r.status_code}", r.status_code)
        doc = lhtml.document_fromstring(r.content)
        if self._title is None:
            self._title = doc.findtext(".//title") or ""
        return doc

    def _meeting_page(self, committee: Committee, meeting_id: str) -> str:
        return f"{self.base}/ieListDocuments.aspx?CId={committee.id}&MId={meeting_id}"

    def _page_committees(self) -> list[Committee]:
        doc = self._page("mgListCommittees.aspx")
        found: dict[str, Committee] = {}
        for a in doc.iter("a"):
            cid = _query(a.get("href", ""), "mgCommitteeDetails.aspx", "id")
            title = clean_title(a.text_content())
            if cid and title and cid not in found:
                found[cid] = Committee(cid, title)
        return list(found.values())

    def _page_committee(self, cid: str) -> Committee | None:
        try:
            doc = self._page(f"mgCommitteeDetails.aspx?ID={cid}")
        except FetchError:
            return None
        heading = doc.xpath("string(//h1[contains(@class,'mgMainTitleTxt')])").strip()
        if not heading:
            return None
        title = re.sub(r"^Committee details\s*-\s*", "", clean_title(heading), flags=re.I)
        return Committee(cid, title)

    def _page_meetings(self, committee: Committee, since: date, until: date) -> list[Meeting]:
        found: dict[str, Meeting] = {}
        for year in range(since.year, until.year + 1):
            doc = self._page(f"ieListMeetings.aspx?CId={committee.id}&Year={year}")
            for a in doc.iter("a"):
                mid = _query(a.get("href", ""), "ieListDocuments.aspx", "mid")
                if not mid or mid in found:
                    continue
                text = " ".join(a.text_content().split())
                day = _day_month_year(text) or _day_month_year(a.get("title", ""))
                if day is None or not since <= day <= until:
                    continue
                row = a.getparent() if a.getparent() is not None else a
                found[mid] = Meeting(mid, committee, day, _time(text),
                                     "cancelled" in row.text_content().lower(), self._meeting_page(committee, mid))
        return sorted(found.values(), key=lambda m: (m.date, m.id))

    def _read_page(self, meeting: Meeting) -> Meeting:
        doc = self._page(f"ieListDocuments.aspx?CId={meeting.committee.id}&MId={meeting.id}")
        heading = " ".join(doc.xpath("string(//*[contains(@class,'mgSubTitle')])").split())
        if "cancelled" in heading.lower():
            meeting.cancelled = True
            return meeting
        seen: set[str] = set()
        for a in doc.iter("a"):
            href = a.get("href", "")
            path = urlsplit(href).path.lower()
            if "documents/" not in path and "mgconvert2pdf.aspx" not in path:
                continue
            title = clean_title(_link_title(a))
            context = " ".join((a.getparent().text_content() if a.getparent() is not None else "").split())
            # "Restricted enclosure" / "View the reasons why document 6./2 is restricted": ModernGov's words
            # for an exempt paper (a report *about* restricted parking is not one)
            if re.search(r"restricted enclosure|\bis restricted\b", f"{title} {a.get('title', '')} {context}", re.I):
                meeting.restricted += 1
                continue
            url = link(self.base, href)
            if url not in seen:
                seen.add(url)
                row = next(a.iterancestors("tr"), None)  # an item's row of the "Agenda and minutes" table
                item = row.xpath("string(.//p[contains(@class,'mgAiTitleTxt')][.//a])") if row is not None else ""
                meeting.papers.append(Paper(url, title or _file_title(url),
                                            row is not None and is_previous_minutes(SIZE_SUFFIX.sub("", item.strip()))))
        has_minutes = any(p.text_content().strip().lower().startswith("minutes")
                          for p in doc.xpath("//p[contains(@class,'mgSubItemTitleTxt')]"))
        if has_minutes:
            meeting.minutes_html = clean_page(doc, self.host)
        return meeting

    def authority(self) -> str | None:
        """The council's name as the site gives it: the end of its pages' titles ("… - Kent County
        Council"). The web service never says, so one page is read for it when none has been."""
        if self._title is None:
            try:
                self._page("mgListCommittees.aspx")
            except FetchError:
                return None
        return site_name(self._title or "")


def site_name(title: str) -> str | None:
    """'Committee structure - Ashby Vale Council' → 'Ashby Vale Council'."""
    title = " ".join(title.split())
    for sep in (" | ", " - ", " – "):
        if sep in title:
            return title.rsplit(sep, 1)[1].strip() or None
    return None


# -- the minutes page -----------------------------------------------------------------------------
def heading(committee: str, day: date, time: str = "") -> str:
    """'Cabinet - Thursday, 14th September, 2023 6.30 pm', as ModernGov heads its pages."""
    n = day.day
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{committee} - {day:%A}, {n}{suffix} {day:%B}, {day.year}" + (f" {time}" if time else "")


def minutes_page(committee: str, day: date, time: str, items: list[tuple[str, str, str]], host: str = "") -> str:
    """The items' minutes (number, title, the site's own HTML) as one page in the shape of ModernGov's
    "Agenda and minutes" page, which the HTML reader understands."""
    title = heading(committee, day, time)
    rows = []
    for number, item_title, body in items:
        label = f"{number}. {item_title}" if number else item_title
        rows.append(f'<tr><td><p class="mgAiTitleTxt">{html.escape(label)}</p>'
                    f'<p class="mgSubItemTitleTxt">Minutes:</p>'
                    f'<div class="mgWordPara">{clean_fragment(body, host)}</div></td></tr>')
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html.escape(title) + "</title></head>\n"
            f'<body>\n<h1 class="mgMainTitleTxt">{html.escape(title)}</h1>\n<table class="mgItemTable">\n'
            + "\n".join(rows) + "\n</table>\n</body></html>\n")


def _clean(root: lhtml.HtmlElement, host: str = "") -> None:
    """The saved page is data, not a program: scripts, styles, frames, embedded objects, form controls,
    `<base>`/`<link>` and `<meta http-equiv>` (refresh, cookies) go; a form keeps its words but not
    itself; event handlers and inline styles go; `javascript:`/`data:` addresses and anything loaded
    from another host than the site's are removed; plain links to other sites stay (nothing follows them).

    Walked with lxml.html rather than lxml_html_clean's Cleaner: the Cleaner's `meta` option also drops
    `<meta charset>` (which the HTML reader needs), its host list governs only embedded objects, and a
    new dependency for a dozen lines was not worth it."""
    for el in list(root.iter(*DROPPED)):
        el.drop_tree()
    for el in list(root.iter("meta")):
        if el.get("http-equiv") is not None:
            el.drop_tree()
    for el in list(root.iter("form")):
        el.drop_tag()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name in list(el.attrib):
            key, value = name.lower(), " ".join(el.attrib[name].split()).lower()
            value = re.sub(r"[\x00-\x20]+", "", value)
            if key.startswith("on") or key == "style" or key == "srcdoc":
                del el.attrib[name]
            elif key in ACTIVE or key in LINKS:
                if value.startswith(("javascript:", "vbscript:", "data:", "file:")) or \
                        (key in ACTIVE and _other_host(value, host)):
                    del el.attrib[name]


def _other_host(url: str, host: str) -> bool:
    """An absolute address on another host than the site's (a relative one is the site's own)."""
    found = urlsplit(url.split(",")[0].split(" ")[0]).hostname if "//" in url or ":" in url.split("/")[0] else None
    return found is not None and found != host.lower()


def clean_fragment(body: str, host: str = "") -> str:
    if not body.strip():
        return ""
    wrapper = lhtml.fragment_fromstring(body, create_parent="div")
    _clean(wrapper, host)
    return html.escape(wrapper.text or "", quote=False) + "".join(
        etree.tostring(child, encoding=str, method="html") for child in wrapper)


def clean_page(doc: lhtml.HtmlElement, host: str = "") -> str:
    """The page as saved: cleaned, and declared UTF-8 (it is written as UTF-8 whatever the site sent)."""
    _clean(doc, host)
    for meta in doc.xpath("//meta[@charset]"):
        meta.drop_tree()
    head = doc.find("head")
    if head is not None:
        head.insert(0, etree.Element("meta", charset="utf-8"))
    return etree.tostring(doc, encoding=str, method="html", doctype="<!DOCTYPE html>")


# -- small readers ----------------------------------------------------------------------------------
def _text(el: etree._Element, tag: str) -> str:
    return (el.findtext(tag) or "").strip()


def _true(el: etree._Element, tag: str) -> bool:
    return _text(el, tag).lower() == "true"


def _ddmmyyyy(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _day_month_year(text: str) -> date | None:
    """'15 Jan 2026 7:30 pm', 'meeting of 15 January 2026' → the date."""
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9}),?\s+(\d{4})\b", text)
    if not m or m.group(2)[:3].lower() not in MONTHS:
        return None
    try:
        return date(int(m.group(3)), MONTHS[m.group(2)[:3].lower()], int(m.group(1)))
    except ValueError:
        return None


def _time(text: str) -> str:
    """'10:00 am', '6.30pm' → '10.00 am', '6.30 pm' (ModernGov's own way of writing it)."""
    m = re.search(r"\b(\d{1,2})[.:](\d{2})\s*([ap])\.?m\b", text, re.I)
    return f"{int(m.group(1))}.{m.group(2)} {m.group(3).lower()}m" if m else ""


def _query(href: str, page: str, key: str) -> str | None:
    """The value of `key` in a link to `page` (names compared without case), else None."""
    parts = urlsplit(href.strip())
    if not parts.path.lower().endswith(page.lower()):
        return None
    values = {k.lower(): v for k, v in parse_qs(parts.query).items()}
    value = (values.get(key) or [None])[0]
    return value if value and value.isdigit() else None


def _link_title(a: lhtml.HtmlElement) -> str:
    """A link's words without ModernGov's size note ("PDF 250 KB") or its hidden ", item 59." text."""
    parts = [a.text or ""]
    for child in a:
        cls = child.get("class", "") if isinstance(child.tag, str) else ""
        if "mgFileSize" not in cls and "mgHide" not in cls:
            parts.append(child.text_content() if isinstance(child.tag, str) else "")
        parts.append(child.tail or "")
    return SIZE_SUFFIX.sub("", " ".join(" ".join(parts).split())).strip()


def _file_title(url: str) -> str:
    from urllib.parse import unquote

    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return clean_title(re.sub(r"\.(pdf|docx?|xlsx?|html?)$", "", name, flags=re.I)) or "paper"
