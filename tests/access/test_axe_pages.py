"""axe-core on every page, empty and after its main action: no critical or serious violation.

The main actions: an upload on the image page, a drawing on the draw page, a
worked convolution cell on the network page, a finished (one-epoch) run on the
Retrain page. The start page and My digits are checked as they open. Moderate
and minor findings are printed, not failed.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from components.common.keys import css
from components.image import keys as image_keys
from components.network import keys as network_keys
from components.training import keys as training_keys
from tests.access.axe import blocking, violations
from tests.access.layout import PAGE_TITLES
from tests.canvas_driver import CANVAS, PREDICTION, read_while_still, wait_until_run_over
from tests.draw.test_draw_browser import RERUN_TIMEOUT_MS, SEVEN, draw

PAGES = PAGE_TITLES


def open_page(page: Page, app_url: str, path: str) -> None:
    page.goto(f"{app_url}/{path}")
    expect(page.get_by_role("heading", name=PAGES[path], level=1)).to_be_visible()
    wait_until_run_over(page, RERUN_TIMEOUT_MS)


def check(page: Page) -> None:
    # A new browser's first visit reruns once its token arrives: axe reads the page
    # as it stands, not faded mid-rerun.
    found = read_while_still(page, lambda: violations(page), RERUN_TIMEOUT_MS)
    print(f"axe on {page.url}: {len(found)} rules")
    for v in found:
        print(f"axe {v['impact']} {v['id']} x{v['count']}")
    assert not blocking(found), "\n".join(blocking(found))
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_empty(page, app_url, path):
    open_page(page, app_url, path)
    check(page)


@pytest.mark.browser
def test_image_page_after_an_upload(page, app_url, tmp_path):
    photo = tmp_path / "colours.png"
    pixels = np.random.default_rng(0).integers(0, 256, (90, 120, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(photo)
    open_page(page, app_url, "image")
    page.locator(f"{css(image_keys.IMAGE_UPLOAD)} input[type=file]").set_input_files(photo)
    expect(page.locator(css(image_keys.IMAGE_SHAPE_BOX))).to_contain_text("(90, 120, 3)")
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    check(page)


@pytest.mark.browser
def test_draw_page_after_a_drawing(page, app_url):
    open_page(page, app_url, "draw")
    expect(page.locator(CANVAS)).to_be_visible()
    draw(page, SEVEN)
    expect(page.locator(PREDICTION)).to_contain_text("Prediction: 7", timeout=RERUN_TIMEOUT_MS)
    # The steps' pictures, the numbers and the layers are drawn in the same run.
    expect(page.get_by_role("img", name="Step 1: Your picture", exact=False)).to_be_visible()
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    check(page)


@pytest.mark.browser
def test_network_page_after_a_worked_cell(page, app_url):
    open_page(page, app_url, "network")
    row = page.locator(f"{css(network_keys.CONV_ROW)} input")
    row.fill("5")
    row.press("Enter")
    worked = page.locator(css(network_keys.WORKED_CONV_BOX))
    expect(worked).to_contain_text("Cell (5,", timeout=RERUN_TIMEOUT_MS)
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    check(page)


@pytest.mark.browser
@pytest.mark.slow  # trains a model in the app
def test_retrain_page_after_a_finished_run(page, app_url):
    from tests.training.test_training_browser import ACCURACY, RUN_TIMEOUT_MS, press, set_recipe

    open_page(page, app_url, "training")
    set_recipe(page, epochs=1, digits=1000)
    press(page, training_keys.TRAIN_BUTTON)
    result = page.locator(css(training_keys.TRAIN_RESULT_BOX))
    expect(result).to_contain_text(ACCURACY, timeout=RUN_TIMEOUT_MS)
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    check(page)
