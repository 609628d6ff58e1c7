"""The upright reading in Chromium: what the page says about a digit's lean matches its pictures.

A 9 drawn with an upright stem and its loop to the left: its ink, taken as a
whole, leans left (the loop's top is left of the stem's foot), so the upright
copy is sheared until that whole leans neither way, and its stem comes out
tilted right. The page's words must say how the lean is measured, give the lean
its input picture has, and say why the stem of the copy it shows is tilted.
The shear itself is tested without a browser in test_upright.py.
"""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import Page, expect

from tests.draw.test_draw_browser import draw, expect_prediction

# Canvas pixels (280 × 280): a loop left of the stem, drawn from where it meets the
# stem, then the stem straight down from the top of the loop.
NINE_LOOP_LEFT = [
    [
        (130 + 48 * math.cos(a), 95 - 48 * math.sin(a))
        for a in (2 * math.pi * t / 40 for t in range(41))
    ],
    [(178, 50), (179, 150), (180, 250)],
]

# The ink's lean in a picture on the page, in degrees from upright, positive to the
# right: the slope of a line fitted through the ink, as the page measures it
# (model/preprocess/geometry.py). `band` limits it to a band of the ink's rows, as
# fractions from its top row to its bottom row.
INK_LEAN = """(img, band) => {
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
  const ink = (r, c) => data[4 * (r * width + c)] * data[4 * (r * width + c) + 3] / 255 / 255;
  const inked = [];
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) if (ink(r, c) > 0) { inked.push(r); break; }
  const [top, bottom] = [inked[0], inked[inked.length - 1]];
  const [from, to] = band.map(f => top + f * (bottom - top));
  let total = 0, sumRow = 0, sumCol = 0;
  for (let r = Math.ceil(from); r <= to; r++)
    for (let c = 0; c < width; c++) { const v = ink(r, c); total += v; sumRow += r * v; sumCol += c * v; }
  const [meanRow, meanCol] = [sumRow / total, sumCol / total];
  let mu02 = 0, mu11 = 0;
  for (let r = Math.ceil(from); r <= to; r++)
    for (let c = 0; c < width; c++) {
      const v = ink(r, c);
      mu02 += (r - meanRow) ** 2 * v;
      mu11 += (r - meanRow) * (c - meanCol) * v;
    }
  return Math.atan(-mu11 / mu02) * 180 / Math.PI;
}"""
WHOLE = (0, 1)
STEM = (0.6, 1)  # the loop is the top half of this 9's ink; below it, the stem alone


def lean_of(page: Page, alt: re.Pattern, band: tuple[float, float] = WHOLE) -> float:
    picture = page.get_by_role("img", name=alt).last
    picture.scroll_into_view_if_needed()
    expect(picture).to_be_visible()
    return picture.evaluate(INK_LEAN, list(band))


@pytest.mark.browser
def test_what_the_page_says_of_a_nines_lean_matches_its_pictures(draw_page):
    draw(draw_page, NINE_LOOP_LEFT)
    expect_prediction(draw_page, "Prediction: 9")
    words = draw_page.get_by_test_id("stMarkdownContainer").filter(
        has_text="A second reading, upright."
    )
    expect(words).to_be_visible()
    text = words.inner_text()

    # How the lean is measured, and what that does to a 9 like this one.
    for said in (
        "Measured over all its ink",
        "taken as a whole",
        "A loop counts as much as a stem",
    ):
        assert said in text, f"the page does not say {said!r}: {text}"

    # The lean in words is the lean of the input pictured above, over all its ink,
    # though the input's stem stands upright, as drawn.
    found = re.search(r"leaned (\d+)° (left|right)", text)
    assert found, f"no lean in degrees: {text}"
    said = int(found[1]) * (1 if found[2] == "right" else -1)
    the_input = re.compile(r"; a 28×28 pixel picture$")  # the last step's picture
    assert said < 0, f"a 9 whose loop sits left of its stem leans left: {text}"
    assert said == pytest.approx(lean_of(draw_page, the_input), abs=2)
    assert lean_of(draw_page, the_input, STEM) == pytest.approx(0, abs=2)

    # The copy shown leans neither way as a whole, and its stem is tilted the other way.
    the_copy = re.compile("sheared until it stands upright")
    assert lean_of(draw_page, the_copy) == pytest.approx(0, abs=2)
    assert lean_of(draw_page, the_copy, STEM) == pytest.approx(-said, abs=3)
