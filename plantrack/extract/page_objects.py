"""A pdfplumber page's objects, its characters' dicts made without pdfplumber's generic machinery.

pdfplumber turns each of pdfminer's layout objects into a dict (`Page.process_object`): it filters the
object's attributes one by one through a list of known names, resolves each value recursively in case
it is a PDF reference, and adds the page coordinates. For a character that is some 25 µs, as much as
pdfminer's own work to lay the character out; a dense plan report page holds 3,000–4,000 characters.
Here a character's dict is built directly, with the same keys and the same values (a character's
attributes are numbers, strings and tuples of numbers, never references); every other object (rects,
lines, curves, images) still goes through pdfplumber's own `process_object`. The result is put where
pdfplumber keeps a page's parsed objects, so `page.chars`, `page.rects`, `page.edges`, the word
extractor and the table finder all read it as their own.

`tests/test_page_objects.py` checks the dicts equal pdfplumber's on generated papers of every kind (a
pdfplumber release that changes its dicts fails there, not in the records).
"""
from __future__ import annotations

from typing import Any
from unicodedata import normalize

from pdfminer.layout import LTChar, LTContainer
from pdfplumber.page import Page, fix_fontname_bytes
from pdfplumber.utils.pdfinternals import resolve_and_decode


def prepare(page: Any) -> None:
    """Parse a pdfplumber page's objects the quick way, unless they are parsed already (or the page
    is not pdfplumber's plain Page: a cropped page filters its parent's objects)."""
    if type(page) is Page and not hasattr(page, "_objects"):
        page._objects = objects(page)


def objects(page: Page) -> dict[str, list[dict]]:
    """What `page.parse_objects()` gives, by kind, in the same order."""
    out: dict[str, list[dict]] = {}
    for obj in _dicts(page, page.layout._objs, _Facts(page)):
        kind = obj["object_type"]
        if kind != "anno":
            out.setdefault(kind, []).append(obj)
    return out


class _Facts:
    """What every character of a page shares: the page's box and number, and the colour space names
    pdfplumber decodes (once each here)."""

    def __init__(self, page: Page) -> None:
        self.x0, self.top = page.mediabox[:2]
        self.height, self.doctop, self.number = page.height, page.initial_doctop, page.page_number
        self.norm = page.pdf.unicode_norm
        self.containers = page.pdf.laparams is not None
        self.spaces: dict[Any, Any] = {}


def _dicts(page: Page, objs: list, f: _Facts):
    for obj in objs:
        if isinstance(obj, LTContainer):  # a figure: itself with layout analysis, then what it holds
            if f.containers:
                yield page.process_object(obj)
            yield from _dicts(page, obj._objs, f)
        elif type(obj) is LTChar:
            yield _char(obj, f)
        else:
            yield page.process_object(obj)


def _char(obj: LTChar, f: _Facts) -> dict:
    """pdfplumber's dict of a character (`Page.process_object`), key for key."""
    d = obj.__dict__
    name = obj.ncs.name
    ncs = f.spaces.get(name)
    if ncs is None:
        ncs = f.spaces[name] = resolve_and_decode(name)
    fontname = d["fontname"]
    if isinstance(fontname, bytes):
        fontname = fix_fontname_bytes(fontname)
    text = obj.get_text()
    gs = obj.graphicstate
    x0, x1, y0, y1 = d["x0"], d["x1"], d["y0"], d["y1"]
    if f.x0 != 0:
        x0, x1 = x0 + f.x0, x1 + f.x0
    top = (f.height - y1) + f.top
    return {"matrix": tuple(d["matrix"]), "fontname": fontname, "adv": d["adv"], "upright": d["upright"],
            "x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": d["width"], "height": d["height"],
            "size": d["size"], "mcid": d["mcid"], "tag": d["tag"], "object_type": "char",
            "page_number": f.number, "ncs": ncs,
            "text": normalize(f.norm, text) if f.norm is not None else text,
            "stroking_color": gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,),
            "non_stroking_color": gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,),
            "top": top, "bottom": (f.height - y0) + f.top, "doctop": f.doctop + top}
