"""The class vocabulary shared by the BBCode renderer and the sanitizer.

Colours and sizes are classes from a palette, not free CSS (ASVS 1.3.5), and the site's
CSP (``style-src 'self'``) would ignore inline styles anyway, so hex colours are mapped
to the nearest palette colour rather than written as ``style``.
"""

from __future__ import annotations

from typing import Final

# CSS named colours, with their RGB values for mapping hex input onto the palette.
NAMED_COLORS: Final[dict[str, tuple[int, int, int]]] = {
    "black": (0, 0, 0),
    "gray": (128, 128, 128),
    "silver": (192, 192, 192),
    "white": (255, 255, 255),
    "red": (255, 0, 0),
    "maroon": (128, 0, 0),
    "orange": (255, 165, 0),
    "yellow": (255, 255, 0),
    "olive": (128, 128, 0),
    "lime": (0, 255, 0),
    "green": (0, 128, 0),
    "teal": (0, 128, 128),
    "aqua": (0, 255, 255),
    "blue": (0, 0, 255),
    "navy": (0, 0, 128),
    "purple": (128, 0, 128),
    "fuchsia": (255, 0, 255),
    "pink": (255, 192, 203),
    "brown": (165, 42, 42),
}
FONT_SIZES: Final = ("1", "2", "3", "4", "5", "6", "7")
ALIGNMENTS: Final = ("left", "center", "right")


def nearest_color(rgb: tuple[int, int, int]) -> str:
    """The palette name closest to ``rgb`` as the eye sees it (distance in CIE Lab)."""
    target = _lab(rgb)
    return min(_PALETTE_LAB, key=lambda name: _squared_distance(target, _PALETTE_LAB[name]))


def _squared_distance(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return sum((p - q) ** 2 for p, q in zip(a, b, strict=True))


def _lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """sRGB to CIE L*a*b* (D65); plain RGB distance calls purple grey and green teal."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    r, g, b = (linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


_PALETTE_LAB: Final = {name: _lab(rgb) for name, rgb in NAMED_COLORS.items()}
