"""The drawing page in Chromium: real mouse strokes on the real canvas.

Only what needs a browser is here: the canvas sending its picture on mouse-up,
the prediction that follows, and Clear. Everything else is tested cheaper in
test_draw_page.py (AppTest) and test_preprocess.py.
"""

from __future__ import annotations

import math

import pytest
from playwright.sync_api import Page, expect

from tests.canvas_driver import (
    CANVAS,
    NEXT_FRAMES,
    PREDICTION,
    canvas_has_ink,
    drag_stroke,
    wait_for_canvas_at,
)
from tests.conftest import APP_TIMEOUT_S

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
    """Draw on the canvas as a person would, and check that the canvas took the ink."""
    # After Clear the old canvas lingers a moment beside the new one, and the
    # rerun that mounts the new one must finish before it takes strokes.
    expect(page.locator(CANVAS)).to_have_count(1, timeout=RERUN_TIMEOUT_MS)
    expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1)
    box = wait_for_canvas_at(page, strokes[0][0], RERUN_TIMEOUT_MS)
    for points in strokes:
        drag_stroke(page, box, points)
    page.evaluate(NEXT_FRAMES)
    assert canvas_has_ink(page), "the canvas took no stroke"


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


@pytest.mark.browser
def test_feature_maps_show_their_values_on_hover(draw_page):
    draw(draw_page, SEVEN)
    expect_prediction(draw_page, "Prediction: 7")
    charts = draw_page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(3, timeout=RERUN_TIMEOUT_MS)  # probabilities, maps, saliency
    plot_area = charts.nth(1).locator(".nsewdrag").first
    plot_area.scroll_into_view_if_needed()
    box = plot_area.bounding_box()
    # The middle of the first map, top left in the grid (8 maps to a row, 4 rows).
    draw_page.mouse.move(box["x"] + box["width"] * 0.06, box["y"] + box["height"] * 0.12)
    hover = charts.nth(1).locator(".hoverlayer .hovertext")
    expect(hover).to_have_count(1)
    assert "map 0" in hover.locator("text").first.get_attribute("data-unformatted")


@pytest.mark.browser
def test_a_stroke_from_the_top_right_corner_is_drawn_at_once(draw_page):
    # The canvas's toolbar used to wait there, invisible, until the pointer had
    # hovered for 0.1 s, and swallowed a stroke started sooner (or by touch).
    box = draw_page.locator(CANVAS).bounding_box()
    draw_page.mouse.move(box["x"] + 400, box["y"] + 400)  # away from the canvas first
    draw(draw_page, [[(260, 6), (258, 140), (256, 270)]])
    expect_prediction(draw_page, "Prediction: 1")
