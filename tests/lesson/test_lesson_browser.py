"""The start page in Chromium, as a student follows it: a click on a step of the lesson."""

from __future__ import annotations

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
