"""The drawing page in Chromium: real mouse strokes on the real canvas, at a person's pace.

Only what needs a browser is here: the canvas sending its picture on mouse-up,
the prediction that follows, Clear, and the canvas's toolbar. Everything else
is tested cheaper in test_draw_page.py (AppTest) and test_preprocess.py. Every
test starts each stroke as soon as the page shows its script run is over, as a
person would, and ends by checking that no error box is anywhere on the page.
"""

from __future__ import annotations

import math

import pytest
from playwright.sync_api import Page, expect

from components.common.keys import css
from components.draw import keys
from tests.canvas_driver import (
    CANVAS,
    HAS_INK,
    LOWER_CANVAS,
    NEXT_FRAMES,
    PREDICTION,
    act_when_still,
    canvas_box,
    canvas_has_ink,
    drag_stroke,
    pen_stroke,
    wait_until_run_over,
)

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
# A 4 in two strokes: the first alone reads as something else.
FOUR = [[(90, 40), (70, 160), (210, 160)], [(170, 60), (175, 250)]]


def draw(page: Page, strokes: list[list[tuple[float, float]]], box: dict | None = None) -> None:
    """Draw where the canvas is seen, as soon as no script runs; check that it took the ink."""
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    box = box or canvas_box(page)
    for points in strokes:
        drag_stroke(page, box, points)
    page.evaluate(NEXT_FRAMES)
    assert canvas_has_ink(page), "the canvas took no stroke"


def expect_prediction(page: Page, text: str) -> None:
    expect(page.locator(PREDICTION)).to_contain_text(text, timeout=RERUN_TIMEOUT_MS)


def see_it_cleared(page: Page) -> None:
    """Wait for what a person sees after Clear: the prediction gone, the canvas black.

    The end of a script run alone does not say that Clear's rerun has happened:
    the sidebar's progress fragment ticks every second while the digits load or
    a model trains, and a tick that ends between the click and Clear's rerun
    looks just the same.
    """
    expect(page.locator(PREDICTION)).to_contain_text("Draw a digit", timeout=RERUN_TIMEOUT_MS)
    page.wait_for_function(
        f"canvas => !({HAS_INK})(canvas)",
        arg=page.locator(LOWER_CANVAS).first.element_handle(),
        polling="raf",
        timeout=RERUN_TIMEOUT_MS,
    )


@pytest.mark.browser
@pytest.mark.parametrize(
    "strokes, digit",
    [(VERTICAL_ONE, 1), (LOOP_ZERO, 0), (SEVEN, 7)],
    ids=["vertical stroke", "closed loop", "seven"],
)
def test_drawing_is_predicted_on_mouse_up(draw_page, strokes, digit):
    draw(draw_page, strokes)
    expect_prediction(draw_page, f"Prediction: {digit}")


@pytest.mark.browser
def test_drawing_at_once_after_clear_is_kept(draw_page):
    box = canvas_box(draw_page)
    draw(draw_page, SEVEN)
    expect_prediction(draw_page, "Prediction: 7")
    # Each digit differs from the last, so a person sees when it has been read.
    for strokes, digit in [(VERTICAL_ONE, 1), (SEVEN, 7), (VERTICAL_ONE, 1)]:
        # The canvas a person sees must be the one their next stroke goes to: a
        # new canvas element used to replace it up to a second after the rerun
        # was over, and a stroke begun in between was lost without a word.
        draw_page.locator(CANVAS).evaluate("canvas => { canvas.dataset.seen = 'before Clear'; }")
        act_when_still(
            draw_page, draw_page.get_by_role("button", name="Clear").click, RERUN_TIMEOUT_MS
        )
        see_it_cleared(draw_page)
        draw(draw_page, strokes, box)  # at once, where the canvas was seen
        expect_prediction(draw_page, f"Prediction: {digit}")
        expect(draw_page.locator(f"{CANVAS}[data-seen]")).to_have_count(1)


@pytest.mark.browser
@pytest.mark.parametrize("stroke", [drag_stroke, pen_stroke], ids=["mouse", "pen"])
def test_a_stroke_released_over_the_greyed_out_undo_is_read_and_ends(draw_page, stroke):
    # A 7's tail that runs off the canvas onto Undo, greyed out before the first
    # stroke: the browser sends no mouseup to a disabled button, for a mouse or a pen,
    # and the stroke used to be painted, never read, and go on drawing when the
    # pointer came back.
    undo = draw_page.get_by_role("button", name="Undo")
    expect(undo).to_be_disabled()
    box, over = canvas_box(draw_page), undo.bounding_box()
    scale = box["width"] / 280
    tail = (over["x"] + over["width"] / 2 - box["x"], over["y"] + over["height"] / 2 - box["y"])
    seven = [(x * scale, y * scale) for x, y in SEVEN[0]]
    wait_until_run_over(draw_page, RERUN_TIMEOUT_MS)
    stroke(draw_page, box, [*seven, tail])
    draw_page.evaluate(NEXT_FRAMES)
    assert canvas_has_ink(draw_page), "the canvas took no stroke"
    expect_prediction(draw_page, "Prediction: 7")
    picture = draw_page.locator(LOWER_CANVAS).first.evaluate("canvas => canvas.toDataURL()")
    draw_page.mouse.move(box["x"] + 20, box["y"] + 20, steps=8)  # back over, no button down
    draw_page.evaluate(NEXT_FRAMES)
    after = draw_page.locator(LOWER_CANVAS).first.evaluate("canvas => canvas.toDataURL()")
    assert after == picture, "the stroke went on drawing without a button down"


@pytest.mark.browser
def test_toolbar_has_undo_and_redo_only_and_they_work(draw_page):
    draw(draw_page, FOUR)
    expect_prediction(draw_page, "Prediction: 4")
    draw_page.mouse.move(0, 0)  # shown without a hover (a finger or the Tab key has none)
    buttons = draw_page.locator(f"{css(keys.DIGIT_CANVAS_BOX)} .dc-icon-button:visible")
    expect(buttons).to_have_count(2)
    assert [b.get_attribute("aria-label") for b in buttons.all()] == ["Undo", "Redo"]

    # Undo takes the second stroke away, and the prediction changes with it; the
    # saliency panel below, left on "the predicted digit", follows without an error.
    act_when_still(draw_page, buttons.first.click, RERUN_TIMEOUT_MS)
    expect(draw_page.locator(PREDICTION)).not_to_contain_text(
        "Prediction: 4", timeout=RERUN_TIMEOUT_MS
    )
    expect(draw_page.get_by_test_id("stException")).to_have_count(0)
    act_when_still(draw_page, buttons.last.click, RERUN_TIMEOUT_MS)
    expect_prediction(draw_page, "Prediction: 4")


@pytest.mark.browser
def test_the_drawing_is_kept_after_a_visit_to_another_page(draw_page):
    """Draw -> Inside the CNN -> Draw keeps the strokes, as an upload is kept."""
    draw(draw_page, FOUR[:1])  # half a 4
    expect_prediction(draw_page, "Prediction:")
    nav = draw_page.get_by_test_id("stSidebarNav")
    for title in ("Inside the CNN", "Draw a digit"):
        wait_until_run_over(draw_page, RERUN_TIMEOUT_MS)
        nav.get_by_role("link", name=title).click()
        expect(draw_page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(draw_page.locator(PREDICTION)).to_contain_text("Prediction:", timeout=RERUN_TIMEOUT_MS)
    draw_page.wait_for_function(
        HAS_INK, arg=draw_page.locator(LOWER_CANVAS).first.element_handle(), polling="raf"
    )
    # The strokes themselves are back, not a picture of them: the second half of the
    # 4 joins the first.
    draw(draw_page, FOUR[1:])
    expect_prediction(draw_page, "Prediction: 4")
    act_when_still(draw_page, draw_page.get_by_role("button", name="Clear").click, RERUN_TIMEOUT_MS)
    see_it_cleared(draw_page)


@pytest.mark.browser
def test_double_clicks_lose_nothing(draw_page):
    box = canvas_box(draw_page)
    # A double-click on the canvas leaves a dot: too little ink, said in words.
    act_when_still(
        draw_page, lambda: draw_page.mouse.dblclick(box["x"] + 140, box["y"] + 140), 60_000
    )
    expect(draw_page.locator(PREDICTION)).to_contain_text(
        "Too little ink for a digit", timeout=60_000
    )
    draw(draw_page, SEVEN, box)  # at once
    expect_prediction(draw_page, "Prediction: 7")
    # A double-click on Clear clears once or twice; either way the next stroke counts.
    act_when_still(
        draw_page, draw_page.get_by_role("button", name="Clear").dblclick, RERUN_TIMEOUT_MS
    )
    see_it_cleared(draw_page)
    draw(draw_page, VERTICAL_ONE, box)
    expect_prediction(draw_page, "Prediction: 1")


@pytest.mark.browser
def test_feature_maps_show_their_values_on_hover(draw_page):
    draw(draw_page, SEVEN)
    expect_prediction(draw_page, "Prediction: 7")
    maps = draw_page.locator(f"{css(keys.DRAW_LAYERS_BOX)} [data-testid=stPlotlyChart]")
    plot_area = maps.locator(".nsewdrag").first
    plot_area.scroll_into_view_if_needed()
    box = plot_area.bounding_box()
    # The middle of the first map, top left in the grid (8 maps to a row, 4 rows).
    draw_page.mouse.move(box["x"] + box["width"] * 0.06, box["y"] + box["height"] * 0.12)
    hover = maps.locator(".hoverlayer .hovertext")
    expect(hover).to_have_count(1)
    assert "map 0" in hover.locator("text").first.get_attribute("data-unformatted")


@pytest.mark.browser
def test_a_stroke_from_the_top_right_corner_is_drawn_at_once(draw_page):
    # The canvas's toolbar used to wait there, invisible, until the pointer had
    # hovered for 0.1 s, and swallowed a stroke started sooner (or by touch).
    box = canvas_box(draw_page)
    draw_page.mouse.move(box["x"] + 400, box["y"] + 400)  # away from the canvas first
    draw(draw_page, [[(260, 6), (258, 140), (256, 270)]], box)
    expect_prediction(draw_page, "Prediction: 1")


@pytest.mark.browser
def test_the_second_reading_can_be_turned_off_and_on(draw_page):
    draw(draw_page, SEVEN)
    expect_prediction(draw_page, "Prediction: 7")
    box = draw_page.locator(PREDICTION)
    expect(box).to_contain_text("The average of two readings")
    expect(draw_page.get_by_text("The second reading's input: sheared upright")).to_be_visible()
    toggle = draw_page.get_by_text("Also read it upright")
    for shown in (False, True):
        wait_until_run_over(draw_page, RERUN_TIMEOUT_MS)  # a person sees the page settle
        toggle.click()
        if shown:
            expect(box).to_contain_text("The average of two readings", timeout=RERUN_TIMEOUT_MS)
        else:
            expect(box).not_to_contain_text("two readings", timeout=RERUN_TIMEOUT_MS)
        expect_prediction(draw_page, "Prediction: 7")


@pytest.mark.browser
def test_the_input_as_numbers_is_shown_whole(draw_page):
    # The grid holds words for screen readers only; hiding those must not hide the grid.
    from components.common.number_grid import GRID_NAME

    draw(draw_page, SEVEN)
    expect_prediction(draw_page, "Prediction: 7")
    grid = draw_page.get_by_role("table", name=GRID_NAME)
    grid.scroll_into_view_if_needed()
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    assert box["width"] > 200 and box["height"] > 200, box
    expect(grid.get_by_role("cell").first).to_be_visible()
    # Laid out as a grid of square boxes (the stylesheet's rules reached the grid): a row's
    # cells side by side, 29 boxes (the row number and 28 values) across the grid's width.
    first, second = (grid.get_by_role("cell").nth(i).bounding_box() for i in (0, 1))
    assert first["y"] == second["y"] and second["x"] > first["x"], (first, second)
    assert abs(first["width"] - first["height"]) <= 1, first
    assert abs(first["width"] * 29 - box["width"]) <= 29, (first, box)
    expect(draw_page.get_by_test_id("stException")).to_have_count(0)
