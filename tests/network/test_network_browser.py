"""The network page in Chromium: a digit drawn on /draw, followed to /network like a person.

Only what needs a browser is here: the real canvas, the sidebar navigation and
a click on a feature map. The arithmetic, the pickers and both models are
tested cheaper in test_network_math.py and test_network_page.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from components.common.keys import css
from components.network import keys
from model.files.cards import read_card
from tests.canvas_driver import CANVAS, PREDICTION
from tests.conftest import APP_TIMEOUT_S
from tests.draw.test_draw_browser import RERUN_TIMEOUT_MS, SEVEN, draw, expect_prediction

INPUT_BOX = css(keys.NETWORK_INPUT_BOX)
MAP_CHART = css(keys.CONV_MAP_CHART)


@pytest.mark.browser
def test_drawn_digit_is_followed_inside_the_network(page: Page, app_url: str, tmp_path):
    page.goto(f"{app_url}/draw")
    expect(page.locator(CANVAS)).to_be_visible(timeout=APP_TIMEOUT_S * 1000)
    draw(page, SEVEN)
    expect_prediction(page, "Prediction: 7")
    # "Prediction: 7" and "98.1% sure" run together in the text: at most 100.0%.
    sure = re.search(r"\d{1,3}\.\d% sure", page.locator(PREDICTION).text_content())[0]

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Inside the CNN").click()
    expect(page.get_by_role("heading", name="Inside the CNN")).to_be_visible()
    # The drawn digit's 28×28 input, with the draw page's own prediction for it.
    expect(page.locator(INPUT_BOX)).to_contain_text("your drawing (from the Draw page)")
    expect(page.locator(INPUT_BOX)).to_contain_text(f"The model says 7, {sure}")
    expect(page.get_by_text("The 28×28 input", exact=True)).to_be_visible()
    total = read_card("default").params
    expect(page.locator(css(keys.PARAM_TOTAL_BOX))).to_contain_text(f"{total:,}")

    # Hover a cell of the feature map, read which one it is, and click it.
    plot = page.locator(f"{MAP_CHART} .nsewdrag").first
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    x, y = box["x"] + box["width"] * 0.31, box["y"] + box["height"] * 0.64
    page.mouse.move(x, y)
    label = page.locator(f"{MAP_CHART} .hoverlayer .hovertext").first
    expect(label).to_contain_text("row ")
    row, col = map(int, re.search(r"row (\d+), column (\d+)", label.text_content()).groups())
    page.mouse.click(x, y)
    worked = page.locator(css(keys.WORKED_CONV_BOX))
    expect(worked).to_contain_text(f"Cell ({row}, {col}) of map 0", timeout=RERUN_TIMEOUT_MS)
    expect(worked).to_contain_text("sum of the 9 products")
    expect(page.locator(css(keys.CONV_CHECK_BOX))).to_contain_text("max difference:")
    expect(page.locator(css(keys.CONV_CHECK_BOX))).to_contain_text("they agree")
    expect(page.locator(f"{css(keys.CONV_ROW)} input")).to_have_value(str(row))
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=tmp_path / "network.png", full_page=True)


@pytest.mark.browser
def test_the_parameter_total_is_whole_on_a_tablet(page: Page, app_url: str):
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{app_url}/network")
    total = f"{read_card('default').params:,}"
    value = page.locator(css(keys.PARAM_TOTAL_BOX)).get_by_test_id("stMetricValue")
    expect(value).to_have_text(total, timeout=APP_TIMEOUT_S * 1000)
    # Written out, not cut to "2.." by a narrow column.
    cut = value.evaluate(
        "e => [e, ...e.querySelectorAll('*')].some(x => x.scrollWidth > x.clientWidth)"
    )
    assert not cut
    expect(page.get_by_test_id("stException")).to_have_count(0)
