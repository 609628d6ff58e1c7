"""Held-out digits for choosing training settings without looking at the benchmark.

Handwriting fonts from other Debian packages than the benchmark's, drawn with
the same jitter from other seeds; and, for strokes, the same fonts' digits
thinned to their centre lines and redrawn with a random hand and pen.
"""

from __future__ import annotations

import functools

import numpy as np

from benchmarks.hands.fonts import OPENTYPE, TRUETYPE, Font, Jitter, draw_digit, fonts_in
from benchmarks.robustness import thin

VALIDATION_FONTS: list[Font] = [
    *fonts_in(
        "fonts-bwht",
        OPENTYPE / "bwht",
        "BecauseWeBuild-Regular.otf BecauseWeConnect-Regular.otf BecauseWeCreate-Regular.otf "
        "BecauseWeLearn-Regular.otf BecauseWeMentor-Regular.otf BecauseWeOrganize-Regular.otf",
        "six people's handwriting",
    ),
    *fonts_in(
        "fonts-yozvox-yozfont",
        TRUETYPE / "yozvox-yozfont",
        "YOzRN_.ttf YOzBN_.ttf",
        "handwriting, regular and bold",
    ),
]
# Not fonts-femkeklaver: its digits are hollow outlines, which no pen draws.


@functools.cache
def skeleton_strokes(font: Font, digit: int) -> list[np.ndarray]:
    """The centre line of the font's digit, as one-point strokes (dots) in canvas pixels."""
    ink = draw_digit(font, digit, Jitter()) > 127
    rows, cols = np.nonzero(thin(ink))
    return [np.array([[x, y]], dtype=np.float64) for x, y in zip(cols, rows, strict=True)]
