"""Training from the sidebar in Chromium, at a person's pace.

What needs a browser: the progress that moves by itself (a fragment that
reruns every second), Stop during a run, and drawing with the new model. The
rules behind them are tested cheaper in test_run_manager.py and
test_training_sidebar.py. Runs use MNIST_PATH when it is set, else the bundled
sample, cut to a few thousand digits so that both take about as long.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from components.common.keys import css
from components.training import keys
from tests.canvas_driver import PREDICTION
from tests.draw.test_draw_browser import VERTICAL_ONE, draw

pytestmark = pytest.mark.slow  # trains in the app, in Chromium

RUN_TIMEOUT_MS = 600_000  # the first run waits for the worker to load TensorFlow
STEP_TIMEOUT_MS = 60_000
SHOTS = Path(os.environ.get("CNN_LENS_SHOTS", "/tmp/cnn-lens-shots"))
SIDEBAR = "[data-testid=stSidebar]"
ACCURACY = re.compile(r"Test accuracy: \d{1,3}\.\d\d%")  # as the sidebar's card says it
PROGRESS_BAR = f"{css(keys.TRAIN_PROGRESS_BOX)} [role=progressbar]"


def settled(page: Page) -> None:
    expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1)


# Resolves once nothing in the element is animating.
STILL = "el => el.getAnimations({subtree: true}).every(a => a.playState !== 'running')"


def open_recipe(page: Page) -> None:
    """Open the sidebar's Recipe as a person does: click it, and see it open.

    The expander grows for half a second. A click on a switch while it grew was
    pressed on the switch and released over the field that had slid under the
    pointer, and so clicked neither (a my-digits browser test, recorded).
    """
    recipe = (
        page.locator(SIDEBAR)
        .get_by_test_id("stExpander")
        .filter(has=page.get_by_text("Recipe", exact=True))
    )
    details = recipe.locator("details")
    if details.get_attribute("open") is None:
        recipe.get_by_text("Recipe", exact=True).click()
    expect(details).to_have_attribute("open", "")
    page.wait_for_function(STILL, arg=recipe.element_handle())


def set_number(page: Page, key: str, value: int) -> None:
    field = page.locator(f"{css(key)} input")
    field.fill(str(value))
    field.press("Enter")
    settled(page)


def set_recipe(
    page: Page, epochs: int, digits: int | None = None, batch: int | None = None
) -> None:
    open_recipe(page)
    set_number(page, keys.TRAIN_EPOCHS, epochs)
    if digits is not None:
        set_number(page, keys.TRAIN_DIGITS, digits)
    if batch is not None:
        set_number(page, keys.TRAIN_BATCH_SIZE, batch)


# Resolves once the progress bar has shown two different values between 0% and 100%.
BAR_MOVED = """selector => {
  const bar = document.querySelector(selector);
  window.seenValues = window.seenValues || new Set();
  if (bar) window.seenValues.add(bar.getAttribute("aria-valuenow"));
  return [...window.seenValues].filter(v => v !== "0" && v !== "100").length >= 2;
}"""


def press(page: Page, key: str) -> None:
    page.locator(f"{css(key)} button").click()


def go_to(page: Page, title: str) -> None:
    """Change page with the sidebar's navigation: the same browser session."""
    page.locator("[data-testid=stSidebarNav]").get_by_text(title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    settled(page)


def shot(page: Page, name: str, sidebar_at: str | None = None) -> None:
    """A screenshot of the page, or of the sidebar scrolled to the element `sidebar_at`."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)  # no tooltip of whatever the last click left the pointer on
    if sidebar_at is None:
        page.screenshot(path=SHOTS / f"{name}.png")
        return
    page.locator(sidebar_at).scroll_into_view_if_needed()
    page.locator(SIDEBAR).screenshot(path=SHOTS / f"{name}.png")


@pytest.mark.browser
def test_a_first_visit_shows_the_seed_recipe(page: Page, app_url: str):
    """A new browser's first page run also makes its token: the recipe must not suffer.

    The token's rerun once came in the middle of that first run, carrying widget
    values the browser had just drawn: the learning rate read 0, and Train refused.
    """
    page.goto(f"{app_url}/training")
    settled(page)
    open_recipe(page)
    expect(page.locator(f"{css(keys.TRAIN_LEARNING_RATE)} input")).to_have_value("0.00100")
    expect(page.locator(f"{css(keys.TRAIN_BATCH_SIZE)} input")).to_have_value("64")
    expect(page.locator(f"{css(keys.TRAIN_EPOCHS)} input")).to_have_value("5")
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser
def test_train_then_draw_with_the_new_model(page: Page, app_url: str):
    page.goto(f"{app_url}/training")
    settled(page)
    set_recipe(page, epochs=1, digits=1000)
    press(page, keys.TRAIN_BUTTON)
    result = page.locator(css(keys.TRAIN_RESULT_BOX))
    expect(result).to_contain_text(ACCURACY, timeout=RUN_TIMEOUT_MS)
    settled(page)
    shot(page, "sidebar-after-run", sidebar_at=css(keys.TRAIN_RESULT_BOX))
    expect(page.get_by_test_id("stException")).to_have_count(0)

    result.get_by_role("button", name="Use this model").click()
    expect(result).to_contain_text("Active in this browser session")
    settled(page)
    go_to(page, "Draw a digit")
    expect(page.get_by_text("your retrained model run 1")).to_be_visible()
    draw(page, VERTICAL_ONE)
    expect(page.locator(PREDICTION)).to_contain_text("Prediction:", timeout=STEP_TIMEOUT_MS)

    # A second run from the draw page's sidebar, then both side by side on the Retrain page.
    set_number(page, keys.TRAIN_EPOCHS, 2)
    set_number(page, keys.TRAIN_DIGITS, 1000)
    press(page, keys.TRAIN_BUTTON)
    expect(result).to_contain_text("Run 2", timeout=RUN_TIMEOUT_MS)
    expect(result).to_contain_text(ACCURACY)
    go_to(page, "Retrain")
    expect(page.get_by_text("training loss (smoothed)")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    shot(page, "retrain-two-runs")
    page.locator("[data-testid=stMain]").screenshot(path=SHOTS / "retrain-page.png")


@pytest.mark.browser
def test_progress_moves_by_itself_and_stop_leaves_the_previous_model_active(
    page: Page, app_url: str
):
    page.goto(f"{app_url}/training")
    settled(page)
    # 50 epochs of 125 batches: half a minute or more anywhere, so the bar has time
    # to move. (A 375-batch run waited for here before took 2 s on a warm worker: the
    # bar, redrawn once a second, could go from 0 to 100% with fewer than two values in
    # between, and the wait never ended.)
    set_recipe(page, epochs=50, digits=1000, batch=8)
    press(page, keys.TRAIN_BUTTON)
    # The bar moves by itself, with no click: the fragment redraws every second.
    page.wait_for_function(BAR_MOVED, arg=PROGRESS_BAR, polling=100, timeout=RUN_TIMEOUT_MS)
    shot(page, "sidebar-during-run", sidebar_at=css(keys.TRAIN_PROGRESS_BOX))
    progress = page.locator(css(keys.TRAIN_PROGRESS_BOX))
    # Once an epoch is done (the bar redraws once a second, so any later epoch will do).
    expect(progress).to_contain_text(
        re.compile(r"epoch ([2-9]|[1-4]\d) of 50"), timeout=RUN_TIMEOUT_MS
    )
    press(page, keys.STOP_BUTTON)
    result = page.locator(css(keys.TRAIN_RESULT_BOX))
    expect(result).to_contain_text("stopped after", timeout=STEP_TIMEOUT_MS)
    # Stop keeps the model of the last complete epoch, measured, offered, not used unasked.
    expect(result).to_contain_text(re.compile(r"use the model as it was after epoch [1-9]"))
    expect(result).to_contain_text("Test accuracy:")
    settled(page)
    shot(page, "sidebar-after-stop", sidebar_at=css(keys.TRAIN_RESULT_BOX))
    # The picker and the card in the sidebar still name the shipped model.
    picker = page.locator(css(keys.MODEL_PICKER)).get_by_role("combobox")
    expect(picker).to_have_value("default (shipped)")
    expect(page.locator(SIDEBAR)).to_contain_text("default · preset")
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser
def test_a_reload_mid_run_shows_the_run_again_and_only_to_this_browser(page: Page, app_url: str):
    page.goto(f"{app_url}/training")
    settled(page)
    # Long enough to be seen mid-run anywhere: a 3-epoch run of 375 batches took 2 s on
    # the warm worker a full suite leaves, and the page, redrawn once a second, went from
    # Train straight to its result, so "epoch 1 of 3" never showed and the wait never ended.
    set_recipe(page, epochs=50, digits=1000, batch=8)
    press(page, keys.TRAIN_BUTTON)
    progress = page.locator(css(keys.TRAIN_PROGRESS_BOX))
    expect(progress).to_contain_text(re.compile(r"epoch \d+ of 50"), timeout=RUN_TIMEOUT_MS)
    # F5 mid-run: a new Streamlit session, the same browser. How soon it shows is
    # measured by benchmarks/pages/reload_run.py.
    page.reload()
    expect(progress).to_contain_text(re.compile(r"epoch \d+ of 50"), timeout=STEP_TIMEOUT_MS)
    # Stopped after a whole epoch, the run leaves this browser a model.
    expect(progress).to_contain_text(
        re.compile(r"epoch ([2-9]|[1-4]\d) of 50"), timeout=RUN_TIMEOUT_MS
    )
    press(page, keys.STOP_BUTTON)
    result = page.locator(css(keys.TRAIN_RESULT_BOX))
    expect(result).to_contain_text("stopped after", timeout=STEP_TIMEOUT_MS)
    picker = page.locator(css(keys.MODEL_PICKER)).get_by_role("combobox")
    picker.click()
    expect(page.get_by_role("option", name=re.compile(r"run 1: seed"))).to_have_count(1)
    page.keyboard.press("Escape")
    # Another browser (its own localStorage) sees none of it: no result, no model.
    other = page.context.browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(f"{app_url}/training")
        settled(stranger)
        expect(stranger.locator(SIDEBAR)).to_contain_text("Train a new model")
        expect(stranger.locator(css(keys.TRAIN_RESULT_BOX))).to_have_count(0)
        stranger.locator(css(keys.MODEL_PICKER)).get_by_role("combobox").click()
        expect(stranger.get_by_role("option", name=re.compile(r"run \d"))).to_have_count(0)
        expect(stranger.get_by_test_id("stException")).to_have_count(0)
    finally:
        other.close()
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser
def test_a_new_browser_s_run_survives_a_reload_while_another_browser_trains(
    page: Page, app_url: str
):
    # A class: someone else's run ticks every open sidebar, and a student who has just
    # opened the app presses Train at once, then reloads.
    other = page.context.browser.new_context()
    try:
        classmate = other.new_page()
        classmate.goto(f"{app_url}/training")
        settled(classmate)
        set_recipe(classmate, epochs=50, digits=1000, batch=8)
        press(classmate, keys.TRAIN_BUTTON)
        expect(classmate.locator(css(keys.TRAIN_PROGRESS_BOX))).to_contain_text(
            re.compile(r"epoch \d+ of 50"), timeout=RUN_TIMEOUT_MS
        )
        page.goto(f"{app_url}/training")
        settled(page)
        set_recipe(page, epochs=40, digits=1000, batch=8)
        press(page, keys.TRAIN_BUTTON)
        mine = re.compile(r"epoch \d+ of 40|number \d+ in line")
        progress = page.locator(css(keys.TRAIN_PROGRESS_BOX))
        expect(progress).to_contain_text(mine, timeout=RUN_TIMEOUT_MS)
        page.reload()
        expect(progress).to_contain_text(mine, timeout=STEP_TIMEOUT_MS)
        press(page, keys.STOP_BUTTON)
        expect(page.locator(css(keys.TRAIN_RESULT_BOX))).to_contain_text(
            "stopped", timeout=STEP_TIMEOUT_MS
        )
        expect(page.get_by_test_id("stException")).to_have_count(0)
        press(classmate, keys.STOP_BUTTON)
        expect(classmate.locator(css(keys.TRAIN_RESULT_BOX))).to_contain_text(
            "stopped", timeout=STEP_TIMEOUT_MS
        )
        expect(classmate.get_by_test_id("stException")).to_have_count(0)
    finally:
        other.close()
