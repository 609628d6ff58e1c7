"""The drawing page in Chromium: real mouse strokes on the real canvas.

Only what needs a browser is here: the canvas sending its picture on mouse-up,
the prediction that follows, and Clear. Everything else is tested cheaper in
test_draw_page.py (AppTest) and test_preprocess.py.
"""

from __future__ import annotations

import math

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import APP_TIMEOUT_S

CANVAS = ".st-key-digit_canvas canvas.upper-canvas"
PREDICTION = ".st-key-prediction"
# A rerun takes well under a second, but this machine's two cores are shared.
RERUN_TIMEOUT_MS = 30_000

# Strokes in canvas pixels (the canvas is 280 × 280), drawn as a person would.
VERTICAL_ONE = [[(140, 40), (141, 140), (142, 240)]]
LOOP_ZERO = [
    [
        (140 + 65 * math.sin(2 * math.pi * t / 40), 140 - 95 * math.cos(2 * math.pi * t / 40))
        for t in range(42)
    ]
]
SEVEN = [[(70, 50), (210, 50), (120, 240)]]


def draw(page: Page, strokes: list[list[tuple[float, float]]]) -> None:
    """Each stroke: press at its first point, move through the rest, release."""
    canvas = page.locator(CANVAS)
    # After Clear the old canvas lingers a moment above the new one: wait for one.
    expect(canvas).to_have_count(1, timeout=RERUN_TIMEOUT_MS)
    box = canvas.bounding_box()
    for stroke in strokes:
        points = [(box["x"] + x, box["y"] + y) for x, y in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point, steps=4)
        page.mouse.up()


@pytest.fixture
def draw_page(page: Page, app_url: str) -> Page:
    page.goto(f"{app_url}/draw")
    # The first visit loads TensorFlow and the model.
    expect(page.locator(CANVAS)).to_be_visible(timeout=APP_TIMEOUT_S * 1000)
    expect(page.locator(PREDICTION)).to_contain_text("Draw a digit")
    return page


def expect_prediction(page: Page, text: str) -> None:
    expect(page.locator(PREDICTION)).to_contain_text(text, timeout=RERUN_TIMEOUT_MS)


@pytest.mark.browser
@pytest.mark.parametrize(
    "strokes, digit",
    [(VERTICAL_ONE, 1), (LOOP_ZERO, 0), (SEVEN, 7)],
    ids=["vertical stroke", "closed loop", "seven"],
)
def test_drawing_is_predicted_on_mouse_up(draw_page, strokes, digit, tmp_path):
    draw(draw_page, strokes)
    expect_prediction(draw_page, f"Prediction: {digit}")
    expect(draw_page.get_by_test_id("stException")).to_have_count(0)
    draw_page.screenshot(path=tmp_path / f"draw-{digit}.png", full_page=True)


@pytest.mark.browser
def test_clear_removes_the_prediction(draw_page):
    draw(draw_page, SEVEN)
    expect_prediction(draw_page, "Prediction: 7")

    draw_page.get_by_role("button", name="Clear").click()
    expect(draw_page.locator(PREDICTION)).not_to_contain_text(
        "Prediction:", timeout=RERUN_TIMEOUT_MS
    )
    expect(draw_page.locator(PREDICTION)).to_contain_text("Draw a digit")
    # The canvas is a fresh one: a new stroke starts a new drawing.
    draw(draw_page, VERTICAL_ONE)
    expect_prediction(draw_page, "Prediction: 1")
