"""The real server in Debian's Chromium: every page opens and shows its title."""

import pytest
from playwright.sync_api import expect

# The image page is the default page: Streamlit serves it at the root URL only.
PAGES = {
    "": "Explore an image",
    "draw": "Draw a digit",
    "network": "Inside the CNN",
    "training": "Retrain",
}


@pytest.mark.browser
@pytest.mark.parametrize("path, title", PAGES.items(), ids=["image", *list(PAGES)[1:]])
def test_page_opens(page, app_url, path, title):
    page.goto(f"{app_url}/{path}")
    expect(page.get_by_role("heading", name=title).first).to_be_visible()
    # The sidebar names the active model and its measured accuracy.
    expect(page.get_by_test_id("stSidebar").get_by_text("Test accuracy")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
