"""The draw page's browser tests start from the page open with its canvas ready."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.canvas_driver import CANVAS, PREDICTION
from tests.conftest import APP_TIMEOUT_S


@pytest.fixture
def draw_page(page: Page, app_url: str) -> Page:
    """/draw, its canvas ready; after the test, no error box on it."""
    page.goto(f"{app_url}/draw")
    # The first visit loads TensorFlow and the model.
    expect(page.locator(CANVAS)).to_be_visible(timeout=APP_TIMEOUT_S * 1000)
    expect(page.locator(PREDICTION)).to_contain_text("Draw a digit")
    yield page
    expect(page.get_by_test_id("stException")).to_have_count(0)
