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

from components.common.keys import css
from components.image import keys
from model.images.samples import SAMPLES_DIR
from tests.conftest import APP_TIMEOUT_S

PHOTO = SAMPLES_DIR / "chelsea.png"  # a real photo, 451 × 300
SHAPE = css(keys.IMAGE_SHAPE_BOX)
PIXEL_VALUE = css(keys.PIXEL_VALUE_BOX)
ROW_INPUT = f"{css(keys.PIXEL_ROW)} input"
COL_INPUT = f"{css(keys.PIXEL_COL)} input"
PIXEL_VIEW = css(keys.PIXEL_VIEW_CHART)
# A rerun takes well under a second, but this machine's two cores are shared.
RERUN_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return np.asarray(Image.open(PHOTO))


@pytest.fixture
def image_page(page: Page, app_url: str) -> Page:
    open_page(page, app_url)
    upload(page, PHOTO, "(300, 451, 3)")
    yield page
    # Whatever the test did, no error box anywhere on the page.
    expect(page.get_by_test_id("stException")).to_have_count(0)


def idle(page: Page) -> None:
    """The script run is over: what a person waits for before acting."""
    expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1)


def open_page(page: Page, app_url: str, path: str = "/image") -> None:
    page.goto(f"{app_url}{path}")
    expect(page.locator(SHAPE)).to_contain_text("(400, 400, 3)", timeout=APP_TIMEOUT_S * 1000)
    idle(page)


def upload(page: Page, path, shape: str) -> None:
    page.locator(f"{css(keys.IMAGE_UPLOAD)} input[type=file]").set_input_files(path)
    expect(page.locator(SHAPE)).to_contain_text(shape, timeout=RERUN_TIMEOUT_MS)
    idle(page)


def set_number(page: Page, selector: str, value: int) -> None:
    field = page.locator(selector)
    field.fill(str(value))
    field.press("Enter")
    expect(field).to_have_value(str(value))
    idle(page)


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

    # A channel's picture, drawn tinted, reads its value back from the drawing: exact.
    green = image_page.locator(f"{css(keys.CHANNELS_CHART)} .nsewdrag").nth(1)
    green.scroll_into_view_if_needed()
    box = green.bounding_box()
    image_page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7)
    label = image_page.locator(f"{css(keys.CHANNELS_CHART)} .hoverlayer .hovertext").first
    expect(label).to_contain_text("green ")
    match = re.search(r"row (\d+), column (\d+)\s*green (\d+)", label.text_content())
    assert match, label.text_content()
    row, col, value = (int(v) for v in match.groups())
    assert value == photo[row][col][1]


# Marks each plot and counts the nodes added or removed inside it from now on. A
# plot that is drawn again either loses its mark (a new chart) or counts changes.
WATCH_JS = """(selectors) => {
  window.__changes = {};
  for (const selector of selectors) {
    const plot = document.querySelector(`${selector} .js-plotly-plot`);
    plot.dataset.watched = selector;
    window.__changes[selector] = 0;
    new MutationObserver((records) => { window.__changes[selector] += records.length; })
      .observe(plot, { subtree: true, childList: true });
  }
}"""
UNCHANGED_JS = """(selectors) => Object.fromEntries(selectors.map((selector) => [selector,
  document.querySelector(`[data-watched="${selector}"]`)?.isConnected === true
  && window.__changes[selector] === 0]))"""


@pytest.mark.browser
def test_a_new_pixel_reruns_only_the_pixel_inspector(image_page, photo):
    """Typing a row updates sections 2, 4 and 5; the channel charts, and the big
    clickable picture (the slowest to draw), are not redrawn."""
    red_chart = css(keys.CHANNELS_CHART)
    expect(image_page.locator(f"{red_chart} .main-svg").first).to_be_visible()
    expect(image_page.locator(f"{PIXEL_VIEW} .main-svg").first).to_be_visible()
    image_page.evaluate(WATCH_JS, [red_chart, PIXEL_VIEW])
    set_number(image_page, ROW_INPUT, 200)
    expect_pixel(image_page, photo, 200, 0)
    gray = np.asarray(Image.open(PHOTO).convert("L"))
    codes = image_page.get_by_test_id("stCode")
    expect(codes.filter(has_text=">>> gray[200][0]")).to_contain_text(repr(gray[200][0]))
    expect(codes.filter(has_text="flat[200 * 451 + 0]")).to_contain_text(repr(gray[200][0]))
    idle(image_page)
    unchanged = image_page.evaluate(UNCHANGED_JS, [red_chart, PIXEL_VIEW])
    assert unchanged == {red_chart: True, PIXEL_VIEW: True}, image_page.evaluate("window.__changes")


@pytest.mark.browser
def test_image_address_opens_the_page_without_a_dialog(page, app_url):
    open_page(page, app_url, "/image")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)


@pytest.mark.browser
def test_both_downloads_arrive_when_clicked_close_together(image_page, photo, tmp_path):
    downloads = []
    image_page.on("download", lambda download: downloads.append(download))
    png_button = image_page.get_by_role("button", name="Grayscale PNG")
    npy_button = image_page.get_by_role("button", name="The array as .npy (300, 451, 3)")
    npy_button.scroll_into_view_if_needed()
    png_button.click()
    image_page.wait_for_timeout(300)  # a person's double click across two buttons
    npy_button.click()
    expect(image_page.get_by_test_id("stException")).to_have_count(0)
    for _ in range(300):
        if len(downloads) == 2:
            break
        image_page.wait_for_timeout(100)
    names = sorted(download.suggested_filename for download in downloads)
    assert names == ["chelsea.npy", "chelsea_gray.png"]
    files = {d.suggested_filename: d.path() for d in downloads}
    np.testing.assert_array_equal(np.load(files["chelsea.npy"]), photo)
    gray = np.asarray(Image.open(files["chelsea_gray.png"]))
    np.testing.assert_array_equal(gray, np.asarray(Image.open(PHOTO).convert("L")))


ODD_NAME = "**x**_$y$<b>:red[z].png"


@pytest.mark.browser
def test_file_names_are_shown_as_typed(page, app_url, tmp_path):
    open_page(page, app_url)
    odd = tmp_path / ODD_NAME
    Image.new("RGB", (9, 6), (200, 30, 30)).save(odd, format="PNG")
    upload(page, odd, "(6, 9, 3)")
    expect(page.get_by_test_id("stImageCaption")).to_have_text(f"{ODD_NAME} (your upload)")
    not_an_image = tmp_path / "text" / ODD_NAME
    not_an_image.parent.mkdir()
    not_an_image.write_bytes(b"no picture here")
    page.locator(f"{css(keys.IMAGE_UPLOAD)} input[type=file]").set_input_files(not_an_image)
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text(f"{ODD_NAME}: not an image", timeout=RERUN_TIMEOUT_MS)
    expect(error.locator("b, strong, em, .katex")).to_have_count(0)


@pytest.mark.browser
def test_rgba_pixel_value_is_fully_visible(page, app_url, tmp_path):
    rgba = tmp_path / "see-through.png"
    Image.new("RGBA", (40, 30), (255, 255, 255, 255)).save(rgba)
    open_page(page, app_url)
    upload(page, rgba, "(30, 40, 4)")
    code = page.locator(f"{PIXEL_VALUE} pre").first
    expect(code).to_contain_text("dtype=uint8)")
    # Nothing hidden past the right edge: the line wraps instead of scrolling.
    assert code.evaluate("pre => pre.scrollWidth <= pre.clientWidth"), code.inner_text()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def readout_row(page: Page) -> str:
    """The row the pixel box shows, as it reads `>>> image[row][col]`."""
    text = page.locator(PIXEL_VALUE).inner_text()
    return re.search(r"image\[(-?\d+)\]\[", text)[1]


@pytest.mark.browser
def test_a_row_outside_the_picture_is_answered_not_left_red(image_page, photo, tmp_path):
    """A student types -3 and presses Enter: the input and the readout agree on one
    pixel, a sentence says why, and nothing still asks to press Enter; the same after
    a new upload."""
    set_number(image_page, ROW_INPUT, 50)
    expect_pixel(image_page, photo, 50, 0)
    row = image_page.locator(ROW_INPUT)
    row.fill("-3")
    row.press("Enter")
    expect(image_page.get_by_text(re.compile(r"Row -3 is outside the picture"))).to_be_visible(
        timeout=RERUN_TIMEOUT_MS
    )
    idle(image_page)
    expect(row).to_have_value("0")
    expect_pixel(image_page, photo, 0, 0)
    expect(image_page.get_by_text("Press Enter to apply")).to_have_count(0)

    small = tmp_path / "small.png"
    Image.new("RGB", (20, 10), (10, 200, 30)).save(small)
    upload(image_page, small, "(10, 20, 3)")
    expect(row).to_have_value(readout_row(image_page))
    expect(image_page.get_by_text("Press Enter to apply")).to_have_count(0)
