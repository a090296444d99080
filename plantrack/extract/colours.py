"""Colours as PDFs give them (grey, RGB, CMYK, or a pattern), as comparable RGB triples."""
from __future__ import annotations

import colorsys
import math

RGB = tuple[float, float, float]

# Typical office RAG shades: how far a colour read without a key is from the usual ones (report.py
# notes a far one for review). The status itself is read by its hue (`hue_status`).
DEFAULT_PALETTE: dict[str, list[RGB]] = {
    "red": [(1.0, 0.0, 0.0), (0.88, 0.24, 0.19), (0.75, 0.0, 0.0)],
    "amber": [(1.0, 0.75, 0.0), (0.97, 0.66, 0.14), (1.0, 0.6, 0.0), (1.0, 0.85, 0.4)],
    "green": [(0.0, 0.69, 0.31), (0.36, 0.72, 0.36), (0.0, 0.5, 0.0), (0.57, 0.82, 0.31)],
    "blue": [(0.0, 0.44, 0.75), (0.1, 0.46, 0.82), (0.0, 0.0, 1.0)],
    "grey": [(0.65, 0.65, 0.65), (0.5, 0.5, 0.5), (0.44, 0.19, 0.63), (0.5, 0.0, 0.5)],
}


def to_rgb(colour) -> RGB | None:
    """A pdfplumber colour (1, 3 or 4 numbers, or a pattern name) as RGB in 0..1; None for patterns."""
    if colour is None or isinstance(colour, str):
        return None
    if isinstance(colour, (int, float)):
        colour = (colour,)
    try:
        vals = [float(v) for v in colour]
    except (TypeError, ValueError):
        return None
    if len(vals) == 1:
        return (vals[0],) * 3
    if len(vals) == 3:
        return tuple(vals)  # type: ignore[return-value]
    if len(vals) == 4:
        c, m, y, k = vals
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def distance(a: RGB, b: RGB) -> float:
    return math.dist(a, b)


def is_background(rgb: RGB | None) -> bool:
    """White, near-white or black: page, row shading or ink, never a status."""
    if rgb is None:
        return True
    return min(rgb) > 0.86 or max(rgb) < 0.08


def hex_of(rgb: RGB) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, v)) * 255):02x}" for v in rgb)


def nearest(rgb: RGB, palette: dict[str, list[RGB]], limit: float = 0.45) -> str | None:
    """The status whose colour is nearest, or None when nothing is near enough to trust."""
    best, best_d = None, limit
    for status, colours in palette.items():
        for c in colours:
            d = distance(rgb, c)
            if d < best_d:
                best, best_d = status, d
    return best


# A fill is read by its hue only when it is clearly a colour: pale tints (a table's banding, a header's
# wash) and near-greys stay unread. Excel's and Word's theme tints of a status colour ("lighter 40%")
# and Excel's good / neutral / bad fills keep a saturation above this; banding shades such as
# #DEEAF6 or #FCE4D6 fall below it.
CLEAR_SATURATION = 0.16
GREY_SATURATION = 0.1
# Hue bands in degrees, as a person names a colour. Orange is amber (two ambers in one paper are the
# same status), purple is the contract's grey ("grey or purple"), and pink is a red's tint.
HUES: tuple[tuple[float, str], ...] = (
    (12, "red"), (70, "amber"), (165, "green"), (255, "blue"), (315, "grey"), (360, "red"))


def hue_status(rgb: RGB | None) -> str | None:
    """The status a fill shows to a reader when no key gives the report's colours: blue, green,
    amber / orange / yellow, red, grey / purple, by the colour's hue; None for white, black, a pale tint
    or a colour too dull to name. A mid grey (neither page nor ink) is grey."""
    if rgb is None or is_background(rgb):
        return None
    h, s, v = colorsys.rgb_to_hsv(*rgb)
    if s < GREY_SATURATION:
        return "grey" if 0.35 <= v <= 0.8 else None
    if s < CLEAR_SATURATION or v < 0.3:
        return None
    degrees = h * 360
    return next(status for limit, status in HUES if degrees < limit)
