"""A pdfplumber page's words (`extract_words`), read once per page with their characters, for the PDF
reader (`pdf_layout.py`), which makes them model `Word`s."""
from __future__ import annotations


def page_words(page, extra_attrs: tuple[str, ...] = ()) -> list[dict]:
    """The page's words with their characters and the size of their largest character. The size is
    not asked of pdfplumber as an attribute to match: on a rotated page the characters of one word
    can differ in size by a rounding, and pdfplumber would cut the word there ("t o").
    (The minutes reader, pdf_layout, keeps only its model Words, so the characters, a dict of some 25
    keys each, go with the page.)"""
    words = page.extract_words(extra_attrs=list(extra_attrs), return_chars=True)
    for w in words:
        w["size"] = max((c.get("size") or 0 for c in w["chars"]), default=0)
    return words
