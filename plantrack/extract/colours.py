"""Colours as PDFs give them (grey, RGB, CMYK, or a pattern), as comparable RGB triples."""
from __future__ import annotations

import math

RGB = tuple[float, float, float]

# Used only when a report prints no key: typical office RAG shades.
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
