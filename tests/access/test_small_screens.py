"""On a phone (390 px wide) no page pans sideways: nothing reaches past the screen's edge.

A table wider than the phone scrolls inside its own box (the network page's layer
table), which is allowed: the page itself stays put under a finger.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from components.common.keys import css
from components.network import keys as network_keys
from tests.access.layout import PAGE_TITLES, past_the_edge
from tests.canvas_driver import wait_until_run_over
from tests.draw.test_draw_browser import RERUN_TIMEOUT_MS

TITLES = PAGE_TITLES
PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.parametrize("path", list(TITLES))
def test_nothing_reaches_past_a_phones_edge(page: Page, app_url: str, path: str):
    page.set_viewport_size(PHONE)
    page.goto(f"{app_url}/{path}")
    expect(page.get_by_role("heading", name=TITLES[path], level=1)).to_be_visible()
    wait_until_run_over(page, RERUN_TIMEOUT_MS)
    assert past_the_edge(page) == []
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 820])
def test_the_layer_table_is_short_and_scrolls_in_its_own_box(page: Page, app_url: str, width):
    page.set_viewport_size({"width": width, "height": 1180})
    page.goto(f"{app_url}/network")
    table = page.locator(css(network_keys.LAYER_TABLE_BOX)).get_by_test_id("stTable")
    expect(table).to_contain_text("max_pooling2d_2", timeout=RERUN_TIMEOUT_MS)
    # One line or two a row: with a sentence per layer in a column it was 3,604 px tall.
    assert table.bounding_box()["height"] < 1000
    assert past_the_edge(page) == []
    expect(page.get_by_text("Slides small filters over its input", exact=False)).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
