"""Colours. A colour is a tuple whose length is its colour space: (g,) grey, (r, g, b), (c, m, y, k).
"""
from __future__ import annotations


RAGS = ("red", "amber", "green", "blue", "grey")
SCORE = {rag: i for i, rag in enumerate(RAGS, 1)}

Colour = tuple
BLACK_RGB, WHITE_RGB = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)

PALETTES = {  # each status in RGB, as the two sample families print them
    "sdp": {"red": (1.0, 0.0, 0.0), "amber": (1.0, 0.7529, 0.0), "green": (0.0, 0.6902, 0.3137),
            "blue": (0.0, 0.4392, 0.7529), "grey": (0.651, 0.651, 0.651)},
    # the CSIP key's "Purple" is the contract's grey (complete, can come out of the plan)
    "csip": {"red": (0.8784, 0.2353, 0.1922), "amber": (0.9686, 0.6588, 0.1373),
             "green": (0.3608, 0.7216, 0.3608), "blue": (0.1804, 0.4588, 0.7137),
             "grey": (0.502, 0.3922, 0.6353)},
}
# A print shop's CMYK mix (the July sample) rather than a formula: extractors meet real mixes.
CSIP_CMYK = {"red": (0.0, 0.85, 0.85, 0.05), "amber": (0.0, 0.35, 0.95, 0.0),
             "green": (0.6, 0.0, 0.9, 0.1), "blue": (0.85, 0.45, 0.0, 0.0),
             "grey": (0.45, 0.75, 0.0, 0.2)}
# Greyscale prints: one level per status, none shared with table headers or shaded rows.
GREY_LEVELS = {"red": 0.2, "amber": 0.4, "green": 0.55, "blue": 0.7, "grey": 0.82}
GREY_HEADER = 0.93


def in_space(rgb: Colour, space: str) -> Colour:
    """An RGB colour as the given colour space prints it."""
    r, g, b = rgb
    if space == "rgb":
        return (r, g, b)
    if space == "grey":
        return (round(0.299 * r + 0.587 * g + 0.114 * b, 4),)
    if space == "cmyk":
        k = 1 - max(r, g, b)
        if k >= 1:
            return (0.0, 0.0, 0.0, 1.0)
        return tuple(round((1 - v - k) / (1 - k), 4) for v in (r, g, b)) + (round(k, 4),)
    raise ValueError(f"unknown colour space {space!r}")


def status_colour(rag: str, palette: str = "sdp", space: str = "rgb") -> Colour:
    """The colour a status is printed in: the value pdfplumber reports as `non_stroking_color`."""
    if space == "grey":
        return (GREY_LEVELS[rag],)
    if space == "cmyk" and palette == "csip":
        return CSIP_CMYK[rag]
    return in_space(PALETTES[palette][rag], space)


def luminance(colour: Colour) -> float:
    if len(colour) == 1:
        return colour[0]
    if len(colour) == 4:
        c, m, y, k = colour
        colour = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    r, g, b = colour
    return 0.299 * r + 0.587 * g + 0.114 * b


def contrast(fill: Colour, space: str) -> Colour:
    """Text colour that reads on a fill: white on dark cells, black on light ones."""
    return in_space(WHITE_RGB if luminance(fill) < 0.5 else BLACK_RGB, space)


