"""What a file is, from its content: never from its name.

Councils' papers arrive as PDFs, Word documents and saved web pages, and a file's extension is often
wrong (a failed download saved as .pdf, a page saved as .htm, a Word file renamed). The first bytes
(and for a zip, its member names) say what it really is; what plantrack cannot read gets one line
naming it, so the clerk knows what to do ("save it as .docx or PDF").
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

UNSUPPORTED = "not a supported format: PDF, Word (.docx) or HTML"
OLD_WORD = "Word 97-2003 .doc: save it as .docx or PDF"
MAX_DOCX_XML = 200 << 20


@dataclass
class Sniffed:
    format: str | None       # "pdf" | "docx" | "html" | None
    error: str | None = None  # the clerk's line when the format is not one plantrack reads


_IMAGES = [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
           (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"BM", "BMP")]
_ARCHIVES = [(b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!", "a RAR archive")]
# The zip members that say which Office or OpenDocument file a zip is.
_ZIP_KINDS = [("word/document.xml", None), ("xl/workbook.xml", "a spreadsheet (.xlsx)"),
              ("ppt/presentation.xml", "a presentation (.pptx)")]
_ODF = {"application/vnd.oasis.opendocument.text": "an OpenDocument text (.odt)",
        "application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet (.ods)",
        "application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation (.odp)"}
_OLE_STREAMS = [("WordDocument", None), ("Workbook", "an Excel 97-2003 spreadsheet (.xls)"),
                ("Book", "an Excel 95 spreadsheet (.xls)"),
                ("PowerPoint Document", "a PowerPoint 97-2003 presentation (.ppt)"),
                ("__substg1.0_", "an Outlook message (.msg): save the paper attached to it"),
                ("Catalog", "a Windows thumbnail cache (Thumbs.db)")]
# Markup that only an HTML page opens with (after a BOM, white space, comments or an XML prolog).
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                         rb"<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|h[1-6])\b", re.I | re.S)
_HTML_ANYWHERE = re.compile(rb"<(?:html|body|table|p|div|h[1-6])\b[^>]*>", re.I)


def unsupported(what: str) -> str:
    return f"{UNSUPPORTED}; this is {what}"


def sniff(path: Path) -> Sniffed:
    """The file's format, or why plantrack does not read it. An empty or unknown file is left to the
    PDF reader, whose lines for those ("empty file (0 bytes)", "not a PDF") the clerk already knows."""
    with Path(path).open("rb") as f:
        head = f.read(8192)
    if b"%PDF-" in head[:1024]:
        return Sniffed("pdf")
    if head.startswith(b"PK\x03\x04"):
        return _zip(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole(path)
    for magic, name in _IMAGES:
        if head.startswith(magic):
            return Sniffed(None, unsupported(f"an image ({name})"))
    for magic, name in _ARCHIVES:
        if head.startswith(magic):
            return Sniffed(None, unsupported(name))
    if head.startswith(b"book\x00\x00\x00\x00mark"):
        return Sniffed(None, unsupported("a macOS alias, not the file itself"))
    if head.startswith(b"{\\rtf"):
        return Sniffed(None, "Rich Text Format (.rtf): save it as .docx or PDF")
    if looks_like_html(head) or is_mhtml(head):
        return Sniffed("html")
    return Sniffed(None)


def looks_like_html(head: bytes) -> bool:
    """Markup, not a binary file that happens to hold a '<p>': text that opens with an HTML tag, or
    text (no NUL bytes) with HTML block tags early on."""
    if b"\x00" in head:
        return head.startswith((b"\xff\xfe", b"\xfe\xff")) and looks_like_html(
            head.decode("utf-16", "ignore").encode("utf-8"))
    return bool(_HTML_START.match(head)) or len(_HTML_ANYWHERE.findall(head[:4096])) >= 2


_MHTML = re.compile(rb"^(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)*?mime-version\s*:", re.I)


def is_mhtml(head: bytes) -> bool:
    """A web page saved as one file (.mht, .mhtml: "Web Archive, single file"): a MIME message whose
    parts hold the page, its HTML usually quoted-printable."""
    return bool(_MHTML.match(head[:2048])) and b"text/html" in head.lower()


def _zip(path: Path) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "ignore").strip() if "mimetype" in names else ""
            types = z.read("[Content_Types].xml")[:65536].decode("utf-8", "ignore") \
                if "[Content_Types].xml" in names else ""
            body = z.getinfo("word/document.xml").file_size if "word/document.xml" in names else 0
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return Sniffed(None, "truncated or corrupt zip file (a damaged Word document?)")
    for member, what in _ZIP_KINDS:
        if member in names:
            if what is not None:
                return Sniffed(None, unsupported(what))
            # python-docx opens documents only: a macro-enabled file or a template must be saved as one
            if "macroEnabled.main" in types:
                return Sniffed(None, "a macro-enabled Word document (.docm): save it as .docx or PDF")
            if "template.main" in types:
                return Sniffed(None, "a Word template (.dotx): save it as a document (.docx) or PDF")
            if body > MAX_DOCX_XML:  # far beyond any committee paper: a zip bomb, not a paper
                return Sniffed(None, f"Word document too large to read ({body >> 20} MB of text and markup)")
            return Sniffed("docx")
    if mimetype in _ODF:
        return Sniffed(None, unsupported(_ODF[mimetype]))
    return Sniffed(None, unsupported("a zip archive"))


def _ole(path: Path) -> Sniffed:
    """An Office 97-2003 file: its directory names its streams in UTF-16 (read at most 8 MB)."""
    with Path(path).open("rb") as f:
        data = f.read(8 << 20)
    for stream, what in _OLE_STREAMS:
        if stream.encode("utf-16-le") in data:
            return Sniffed(None, OLD_WORD if what is None else unsupported(what))
    return Sniffed(None, unsupported("an Office 97-2003 file"))
