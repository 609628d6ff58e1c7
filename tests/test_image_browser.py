"""The image page in Chromium: a real upload, typed coordinates, a click and a hover.

Only what needs a browser is here: the file going through the real uploader, the
number inputs, and the plotly chart reporting the pixel under the mouse. Decoding
and every number are tested cheaper in test_images.py and test_image_page.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from components import state_keys as keys
from components.state_keys import css
from model.photo_samples import SAMPLES_DIR
from tests.conftest import APP_TIMEOUT_S

PHOTO = SAMPLES_DIR / "chelsea.png"  # a real photo, 451 × 300
SHAPE = css(keys.IMAGE_SHAPE_BOX)
PIXEL_VALUE = css(keys.PIXEL_VALUE_BOX)
ROW_INPUT = f"{css(keys.PIXEL_ROW)} input"
COL_INPUT = f"{css(keys.PIXEL_COL)} input"
PIXEL_VIEW = css(keys.PIXEL_VIEW_CHART)
# A rerun takes well under a second, but this machine's two cores are shared.
RERUN_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return np.asarray(Image.open(PHOTO))


@pytest.fixture
def image_page(page: Page, app_url: str) -> Page:
    page.goto(app_url)  # the image page is the default page
    expect(page.locator(SHAPE)).to_contain_text("(400, 400, 3)", timeout=APP_TIMEOUT_S * 1000)
    page.locator(f"{css(keys.IMAGE_UPLOAD)} input[type=file]").set_input_files(PHOTO)
    expect(page.locator(SHAPE)).to_contain_text("(300, 451, 3)", timeout=RERUN_TIMEOUT_MS)
    return page


def set_number(page: Page, selector: str, value: int) -> None:
    field = page.locator(selector)
    field.fill(str(value))
    field.press("Enter")
    expect(field).to_have_value(str(value))


def expect_pixel(page: Page, image: np.ndarray, row: int, col: int) -> None:
    """The pixel box shows image[row][col] exactly as numpy prints it."""
    box = page.locator(PIXEL_VALUE)
    expect(box).to_contain_text(f">>> image[{row}][{col}]", timeout=RERUN_TIMEOUT_MS)
    expect(box).to_contain_text(repr(image[row][col]))  # array([ 93,  80,  70], dtype=uint8)
    expect(box).to_contain_text(str(image[row][col].tolist()))  # [93, 80, 70]


@pytest.mark.browser
def test_upload_and_typed_pixel_match_numpy(image_page, photo, tmp_path):
    expect_pixel(image_page, photo, 0, 0)
    set_number(image_page, ROW_INPUT, 123)
    set_number(image_page, COL_INPUT, 321)
    expect_pixel(image_page, photo, 123, 321)
    expect(image_page.get_by_test_id("stException")).to_have_count(0)
    expect(image_page.get_by_test_id("stAlertContentError")).to_have_count(0)
    image_page.screenshot(path=tmp_path / "image-page.png", full_page=True)


@pytest.mark.browser
def test_hover_and_click_on_the_picture_pick_that_pixel(image_page, photo):
    plot = image_page.locator(f"{PIXEL_VIEW} .nsewdrag").first
    expect(plot).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    x, y = box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.41
    image_page.mouse.move(x, y)
    label = image_page.locator(f"{PIXEL_VIEW} .hoverlayer .hovertext").first
    expect(label).to_contain_text("row ")
    match = re.search(r"row (\d+), column (\d+)\s*\[(\d+), (\d+), (\d+)\]", label.text_content())
    assert match, label.text_content()
    row, col = int(match[1]), int(match[2])
    # The hover shows the true coordinates and the true values of that pixel.
    assert [int(v) for v in match.groups()[2:]] == photo[row][col].tolist()

    image_page.mouse.click(x, y)
    expect(image_page.locator(ROW_INPUT)).to_have_value(str(row), timeout=RERUN_TIMEOUT_MS)
    expect(image_page.locator(COL_INPUT)).to_have_value(str(col))
    expect_pixel(image_page, photo, row, col)
