"""The prediction is announced: one polite live region whose text changes, never a new one.

A screen reader speaks a live region's changes only if the region was already in
the page: a region made anew with each prediction is often read by none. So the
node must be the very same one after a second drawing, with new text.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.canvas_driver import CANVAS, PREDICTION, act_when_still
from tests.conftest import APP_TIMEOUT_S
from tests.draw.test_draw_browser import (
    RERUN_TIMEOUT_MS,
    SEVEN,
    VERTICAL_ONE,
    draw,
    expect_prediction,
    see_it_cleared,
)

LIVE = f'{PREDICTION} [role="status"][aria-live="polite"]'
# Marks the node and records every text it takes, as a screen reader would hear them.
_LISTEN = """node => {
  node.cnnLensSeen = true;
  window.cnnLensHeard = [];
  new MutationObserver(() => window.cnnLensHeard.push(node.textContent))
    .observe(node, { characterData: true, childList: true, subtree: true });
}"""


@pytest.mark.browser
def test_the_live_region_is_one_node_whose_text_changes(page: Page, app_url: str):
    page.goto(f"{app_url}/draw")
    expect(page.locator(CANVAS)).to_be_visible(timeout=APP_TIMEOUT_S * 1000)
    live = page.locator(LIVE)
    expect(live).to_have_text(re.compile("Draw a digit"))
    draw(page, SEVEN)
    expect_prediction(page, "Prediction: 7")
    expect(live).to_have_text(re.compile(r"Prediction: 7, \d+% sure"))
    live.evaluate(_LISTEN)

    act_when_still(page, page.get_by_role("button", name="Clear").click, RERUN_TIMEOUT_MS)
    see_it_cleared(page)
    draw(page, VERTICAL_ONE)
    expect_prediction(page, "Prediction: 1")

    expect(live).to_have_text(re.compile(r"Prediction: 1, \d+% sure"))
    expect(live).to_have_count(1)
    assert live.evaluate("node => node.cnnLensSeen === true"), "a new node: not announced"
    heard = page.evaluate("() => window.cnnLensHeard")
    assert any("Draw a digit" in text for text in heard), heard  # after Clear
    assert "Prediction: 1" in heard[-1], heard
    expect(page.get_by_test_id("stException")).to_have_count(0)
