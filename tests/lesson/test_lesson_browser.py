"""The start page in Chromium, as a student follows it: a click on a step of the lesson."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from components.common.keys import css
from components.lesson import keys


def idle(page: Page) -> None:
    expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1)


def follow_step(page: Page, app_url: str, step: str, title: str) -> None:
    """From the start page, click one step of the lesson path and wait for its page."""
    page.goto(app_url)
    idle(page)
    page.locator(css(keys.LESSON_PATH)).get_by_role("link", name=step).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    idle(page)


@pytest.mark.browser
def test_a_lesson_step_opens_its_page_with_seed_and_says_so(page: Page, app_url: str):
    follow_step(page, app_url, "2. Draw a digit", "Draw a digit")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("seed · preset seed")
    expect(sidebar.get_by_text("The lesson uses seed")).to_be_visible()
    # The page itself reads with seed, not only the sidebar.
    expect(page.get_by_text("runs the shipped model seed")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


RUN_TIMEOUT_MS = 600_000  # the first run waits for the worker to load TensorFlow


def back_to_start(page: Page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Start here").click()
    expect(page.locator(css(keys.LESSON_PATH))).to_be_visible()
    idle(page)


def click_step(page: Page, step: str, title: str) -> None:
    back_to_start(page)
    page.locator(css(keys.LESSON_PATH)).get_by_role("link", name=step).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    idle(page)
    expect(page.get_by_test_id("stSidebar").get_by_text("The lesson uses seed")).to_be_visible()


@pytest.mark.slow
@pytest.mark.browser
def test_the_lesson_path_end_to_end_with_seed(page: Page, app_url: str):
    """Image, draw, the worked convolution, a one-epoch run, and one of its mistakes opened
    with that run's model; the recipe typed before the run is still there after Open."""
    from components.common.keys import css as key_css
    from components.image import keys as image_keys
    from components.network import keys as network_keys
    from components.training import keys as training_keys
    from tests.canvas_driver import PREDICTION
    from tests.draw.test_draw_browser import SEVEN, draw, expect_prediction
    from tests.training.test_training_browser import open_recipe

    follow_step(page, app_url, "1. An image is numbers", "Explore an image")
    expect(page.locator(key_css(image_keys.IMAGE_SHAPE_BOX))).to_contain_text("(400, 400, 3)")

    click_step(page, "2. Draw a digit", "Draw a digit")
    expect(page.get_by_text("runs the shipped model seed")).to_be_visible()
    draw(page, SEVEN)
    expect_prediction(page, "Prediction: 7")

    click_step(page, "3. Inside the network", "Inside the CNN")
    worked = page.locator(key_css(network_keys.WORKED_CONV_BOX))
    worked.scroll_into_view_if_needed()
    expect(worked).to_contain_text("plus the bias")
    expect(worked).to_contain_text("ReLU: max(0,")
    expect(page.locator(key_css(network_keys.CONV_CHECK_BOX))).to_contain_text("they agree")

    click_step(page, "4. Train your own", "Retrain")
    open_recipe(page)
    for key, value in ((training_keys.TRAIN_EPOCHS, 1), (training_keys.TRAIN_DIGITS, 1000)):
        field = page.locator(f"{key_css(key)} input")
        field.fill(str(value))
        field.press("Enter")
        idle(page)
    page.locator(f"{key_css(training_keys.TRAIN_BUTTON)} button").click()
    result = page.locator(key_css(training_keys.TRAIN_RESULT_BOX))
    expect(result).to_contain_text(
        re.compile(r"Test accuracy: \d{1,3}\.\d\d%"), timeout=RUN_TIMEOUT_MS
    )
    idle(page)

    # The run's most confident mistake, opened: the draw page reads it with that run's model.
    opens = page.locator("[class*='st-key-mistake_'] button")
    expect(opens.first).to_be_visible()
    mistake = re.compile(r"^true \d → (\d \(\d+%\))$")
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text=mistake).first
    said = mistake.match(caption.text_content().strip())[1]
    opens.first.click()
    expect(page.get_by_role("heading", name="Draw a digit", level=1)).to_be_visible()
    idle(page)
    expect(page.get_by_text("Read by run 1's model")).to_be_visible()
    expect(page.get_by_text("your retrained model run 1")).to_be_visible()
    expect(page.get_by_text(f"On the Retrain page it said {said}")).to_be_visible()
    expect(page.locator(PREDICTION)).to_contain_text("Prediction:")
    # The recipe typed before the run is still the sidebar's after Open.
    open_recipe(page)
    expect(page.locator(f"{key_css(training_keys.TRAIN_EPOCHS)} input")).to_have_value("1")
    expect(page.locator(f"{key_css(training_keys.TRAIN_DIGITS)} input")).to_have_value("1000")
    expect(page.get_by_test_id("stException")).to_have_count(0)
