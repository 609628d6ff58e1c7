"""The 28×28 number grid's row and column numbers are readable: 4.5:1 or more on white.

axe does not flag them (it skips text this small inside a grid of shaded cells), so
the ratio is computed here, the WCAG way, from the colour the grid is written with.
"""

from __future__ import annotations

import re

import numpy as np

from components.common.number_grid import digit_input_html
from tests.conftest import ROOT

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


def grid_rule(selector: str) -> str:
    """The declarations of the rule for `selector` in assets/access.css, where the grid's
    layout and colours are."""
    css = (ROOT / "assets" / "access.css").read_text()
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    found = [
        body
        for selectors, body in rules
        if selector in (name.strip() for name in selectors.split(","))
    ]
    assert found, f"no rule for {selector} in access.css"
    return found[-1]


def colour_of(selector: str) -> tuple[int, int, int]:
    (colour,) = re.findall(r"(?<![-\w])color:\s*#([0-9a-f]{3,6})", grid_rule(selector))
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def test_row_and_column_numbers_have_4_5_to_1_on_white():
    grid = digit_input_html(np.zeros((28, 28), dtype=np.uint8))
    assert grid.count('role="columnheader"') == 29 and grid.count('role="rowheader"') == 28
    assert 'class="cnn-grid"' in grid
    for header in ('.cnn-grid [role="columnheader"]', '.cnn-grid [role="rowheader"]'):
        assert contrast(colour_of(header), PAGE_BACKGROUND) >= 4.5, header


def test_every_value_has_4_5_to_1_on_its_own_shade():
    light_text = colour_of('.cnn-grid [role="cell"]')
    dark_text = colour_of('.cnn-grid [role="cell"].cnn-dark')
    grid = digit_input_html(np.arange(256, dtype=np.uint8).reshape(16, 16))
    cells = re.findall(r'role="cell"( class="cnn-dark")? style="background:#(..)', grid)
    assert len(cells) == 256
    for dark, shade in cells:
        level = int(shade, 16)
        text = dark_text if dark else light_text
        assert contrast(text, (level, level, level)) >= 4.5, (level, text)
