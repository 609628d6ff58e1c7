"""The 28×28 number grid's row and column numbers are readable: 4.5:1 or more on white.

axe does not flag them (it skips text this small inside a grid of shaded cells), so
the ratio is computed here, the WCAG way, from the colour the grid is written with.
"""

from __future__ import annotations

import re

import numpy as np

from components.common.number_grid import digit_input_html

PAGE_BACKGROUND = (255, 255, 255)  # the light theme's background


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_gives_the_known_ratios():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((0x80, 0x84, 0x95), PAGE_BACKGROUND), 1) == 3.7  # the old grey


def test_row_and_column_numbers_have_4_5_to_1_on_white():
    grid = digit_input_html(np.zeros((28, 28), dtype=np.uint8))
    headers = re.findall(r'role="(?:column|row)header" style="[^"]*color:#([0-9a-f]{6})', grid)
    assert len(headers) == 29 + 28
    for colour in set(headers):
        rgb = tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))
        assert contrast(rgb, PAGE_BACKGROUND) >= 4.5, colour
