"""The drawing page on a phone and a tablet: touch strokes, Undo by tap and by keyboard.

Chromium emulates each device (touch, mobile viewport); strokes are real touch
events (CDP Input.dispatchTouchEvent), made where the canvas is seen, at its
displayed size: on the tablet the canvas is drawn smaller than its 280 pixels.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from components.common.keys import css
from components.draw import keys
from tests.canvas_driver import CANVAS, PREDICTION, canvas_box, canvas_has_ink, wait_until_run_over
from tests.conftest import APP_TIMEOUT_S
from tests.draw.test_draw_browser import FOUR, NEXT_FRAMES, RERUN_TIMEOUT_MS, SEVEN

DEVICES = {"phone": (390, 844), "tablet": (820, 1180)}
# Element wider than the screen: a page that pans sideways under a finger.
WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(params=list(DEVICES))
def device_page(request, browser, app_url) -> Page:
    width, height = DEVICES[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(APP_TIMEOUT_S * 1000)
    page.goto(f"{app_url}/draw")
    expect(page.locator(CANVAS)).to_be_visible(timeout=APP_TIMEOUT_S * 1000)
    expect(page.locator(PREDICTION)).to_contain_text("Draw a digit")
    page.device = request.param
    yield page
    expect(page.get_by_test_id("stException")).to_have_count(0)
    context.close()


def touch_draw(page: Page, strokes: list[list[tuple[float, float]]]) -> None:
    """Each stroke as one finger: down at the first point, through the rest, up.

    Points are in the canvas's own 280 pixels, scaled to where it is shown.
    """
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    box = canvas_box(page)
    scale = box["width"] / 280
    cdp = page.context.new_cdp_session(page)
    for points in strokes:
        on_screen = [(box["x"] + x * scale, box["y"] + y * scale) for x, y in points]
        path = [on_screen[0]]
        for (x0, y0), (x1, y1) in zip(on_screen, on_screen[1:], strict=False):
            path += [(x0 + (x1 - x0) * k / 6, y0 + (y1 - y0) * k / 6) for k in range(1, 7)]
        kinds = ["touchStart"] + ["touchMove"] * (len(path) - 1)
        for kind, (x, y) in zip(kinds, path, strict=True):
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()
    page.evaluate(NEXT_FRAMES)
    assert canvas_has_ink(page), "the canvas took no touch stroke"


def in_view_unscrolled(page: Page, element) -> bool:
    """Whether the element is wholly on the screen with the page not scrolled."""
    box = element.bounding_box()
    height = page.viewport_size["height"]
    scrolled = page.evaluate("() => window.scrollY")
    return scrolled == 0 and 0 <= box["y"] < box["y"] + box["height"] <= height


@pytest.mark.browser
def test_a_touch_drawing_is_read_and_shown_without_scrolling(device_page):
    page = device_page
    box = canvas_box(page)
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    touch_draw(page, SEVEN)
    heading = page.locator(PREDICTION).get_by_role("heading", name="Prediction: 7")
    expect(heading).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    # Read where the finger left off: the page has not moved, the prediction is on screen.
    assert in_view_unscrolled(page, heading), "the prediction is off the screen"
    assert page.evaluate(WIDER_THAN_SCREEN) <= 0, "the page pans sideways"


@pytest.mark.browser
def test_undo_by_tap_and_by_keyboard(device_page):
    page = device_page
    touch_draw(page, FOUR)
    expect(page.locator(PREDICTION)).to_contain_text("Prediction: 4", timeout=RERUN_TIMEOUT_MS)
    undo = page.get_by_role("button", name="Undo", exact=True)
    redo = page.get_by_role("button", name="Redo", exact=True)
    clear = page.get_by_role("button", name="Clear", exact=True)
    for button in (undo, redo, clear):
        expect(button).to_be_visible()  # shown without a hover, which a finger cannot do

    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    undo.tap()  # takes the second stroke away, and the prediction changes with it
    expect(page.locator(PREDICTION)).not_to_contain_text("Prediction: 4", timeout=RERUN_TIMEOUT_MS)
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    redo.tap()
    expect(page.locator(PREDICTION)).to_contain_text("Prediction: 4", timeout=RERUN_TIMEOUT_MS)

    # A keyboard: Tab from the input choice reaches Undo; Enter presses it.
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    page.locator(f"{css(keys.DIGIT_SOURCE)} button").first.focus()
    for _ in range(8):
        page.keyboard.press("Tab")
        if undo.evaluate("b => b.getRootNode().activeElement === b"):
            break
    else:
        pytest.fail("Tab never reached Undo")
    page.keyboard.press("Enter")
    expect(page.locator(PREDICTION)).not_to_contain_text("Prediction: 4", timeout=RERUN_TIMEOUT_MS)
    assert page.evaluate(WIDER_THAN_SCREEN) <= 0, "the page pans sideways"
