"""Light strokes in Chromium: a stroke sends the stroke, and the drawing stays right.

What the canvas sends is read off the page's websocket, as the network carries it;
everything else is what a person sees. Undo, Redo, Clear and a visit to another page
are in test_draw_browser.py; the byte-for-byte input in test_recorded_strokes.py.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from streamlit.proto.BackMsg_pb2 import BackMsg

from components.common.keys import css
from components.digits import keys as digits_keys
from tests.canvas_driver import CANVAS, PREDICTION, drag_stroke, wait_until_run_over
from tests.conftest import APP_TIMEOUT_S
from tests.draw.test_draw_browser import (
    FOUR,
    LOOP_ZERO,
    RERUN_TIMEOUT_MS,
    SEVEN,
    draw,
    expect_prediction,
)


def canvas_values(frames: list[bytes]) -> list[dict]:
    """The drawing canvas's values in the messages the page sent, in order."""
    values = []
    for raw in frames:
        msg = BackMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "rerun_script":
            for widget in msg.rerun_script.widget_states.widgets:
                if widget.id.endswith("-digit_canvas_widget") and widget.json_value:
                    values.append(json.loads(widget.json_value).get("drawing"))
    return [v for v in values if v]


def open_draw_recording(page: Page, app_url: str) -> list[bytes]:
    """Open /draw as a person does; the frames the page then sends to the server, as sent."""
    sent: list[bytes] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framesent", lambda p: sent.append(p) if isinstance(p, bytes) else None),
    )
    page.goto(f"{app_url}/draw")
    expect(page.locator(CANVAS)).to_be_visible(timeout=APP_TIMEOUT_S * 1000)
    expect(page.locator(PREDICTION)).to_contain_text("Draw a digit")
    return sent


@pytest.fixture
def sent_page(page: Page, app_url: str) -> tuple[Page, list[bytes]]:
    sent = open_draw_recording(page, app_url)
    yield page, sent
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser
def test_a_stroke_sends_the_stroke_not_the_picture(sent_page):
    page, sent = sent_page
    draw(page, FOUR[:1])
    expect_prediction(page, "Prediction:")
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    sent.clear()
    draw(page, FOUR[1:])
    expect_prediction(page, "Prediction: 4")
    # The last value the canvas sent (other reruns on the way resend the one before).
    value = canvas_values(sent)[-1]
    # The first stroke is kept from the drawing the server holds; the new one is added.
    assert value["base"] > 0
    assert value["objects"]["keep"] == 1
    assert len(value["objects"]["add"]) == 1
    # No picture of the whole canvas goes with it: only the bytes the stroke changed,
    # inside its box (the second stroke of the 4 is a narrow upright line).
    assert not any(b"data:image/png" in frame for frame in sent)
    _, _, width, height = value["picture"]["box"]
    assert width < 80 and height > 150


@pytest.mark.browser
def test_a_new_tab_and_a_reload_draw_from_scratch(sent_page, app_url):
    page, sent = sent_page
    draw(page, SEVEN)
    expect_prediction(page, "Prediction: 7")
    first = canvas_values(sent)[-1]["canvas"]
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    page.reload()  # a new session: the server holds nothing of the old canvas
    expect(page.locator(PREDICTION)).to_contain_text("Draw a digit", timeout=APP_TIMEOUT_S * 1000)
    sent.clear()
    draw(page, FOUR)
    expect_prediction(page, "Prediction: 4")
    assert all(v["canvas"] != first for v in canvas_values(sent))


@pytest.mark.browser
def test_a_browser_without_compression_sends_its_whole_picture(page, app_url):
    # Browsers before 2023 (Safari 16.3 and older) have no CompressionStream: the
    # canvas sends its PNG, as it always did, and the drawing is read the same.
    page.add_init_script("delete window.CompressionStream;")
    sent = open_draw_recording(page, app_url)
    draw(page, FOUR)
    expect_prediction(page, "Prediction: 4")
    assert canvas_values(sent)[-1]["picture"]["png"].startswith("data:image/png;base64,")
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser
def test_the_prompted_canvas_of_my_digits_sends_light_strokes_too(page, app_url):
    # My digits' "Draw a 0" canvas is the same component, read the same way.
    page.goto(f"{app_url}/digits")
    prompt = page.locator(css(digits_keys.PROMPT_BOX))
    canvas = prompt.locator("canvas.upper-canvas")
    expect(canvas).to_be_visible(timeout=APP_TIMEOUT_S * 1000)
    expect(prompt).to_contain_text("Draw a 0")
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    scale = box["width"] / 280
    (zero,) = LOOP_ZERO
    drag_stroke(page, box, [(x * scale, y * scale) for x, y in zero])
    next_button = prompt.get_by_role("button", name="Next")
    expect(next_button).to_be_enabled(timeout=RERUN_TIMEOUT_MS)
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    next_button.click()
    expect(page.get_by_text("Kept a 0")).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    expect(prompt).to_contain_text("Draw a 1")
    expect(page.get_by_test_id("stException")).to_have_count(0)
