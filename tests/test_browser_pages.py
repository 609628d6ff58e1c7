"""A newly started server, in Debian's Chromium: each page opened first by its own address.

Each test starts its own server, so the page is the first thing that server runs,
as when a teacher's link is the first request after a restart.
"""

import pytest
from playwright.sync_api import expect

from tests.live_server import streamlit_server

# The start page is "/"; each other page has its own address.
PAGES = {
    "": "How a CNN reads a digit",
    "image": "Explore an image",
    "draw": "Draw a digit",
    "network": "Inside the CNN",
    "training": "Retrain",
}


@pytest.fixture
def fresh_server(tmp_path):
    from tests.live_server import ROOT

    with streamlit_server(ROOT / "app.py", tmp_path / "streamlit.log") as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("path, title", PAGES.items(), ids=["root", *list(PAGES)[1:]])
def test_a_fresh_server_opens_the_page_in_the_frame(page, fresh_server, path, title):
    # A classroom may have no internet: nothing is fetched from anywhere but the app.
    elsewhere = []
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith((fresh_server, "data:", "blob:")) else elsewhere.append(r.url)
        ),
    )
    page.goto(f"{fresh_server}/{path}")
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    # Inside the frame: the navigation, and the sidebar naming the active model.
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text("Test accuracy")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert elsewhere == [], "fetched from outside the app (the favicon from a font host, say)"


@pytest.mark.browser
def test_an_error_shows_no_traceback_or_server_path(page, tmp_path):
    """With the app's own settings (.streamlit/config.toml), an uncaught error says only
    that something went wrong: no traceback, no exception text, no path on the server."""
    script = tmp_path / "broken.py"
    script.write_text(
        "import streamlit as st\n"
        "st.title('Broken on purpose')\n"
        "raise RuntimeError('/srv/cnn-lens/secret/path.keras is gone')\n"
    )
    with streamlit_server(script, tmp_path / "streamlit.log") as url:
        page.goto(url)
        expect(page.get_by_role("heading", name="Broken on purpose")).to_be_visible()
        error = page.get_by_test_id("stException")
        expect(error).to_have_count(1)
        for secret in ("Traceback", "RuntimeError", "/srv/cnn-lens", "broken.py"):
            expect(page.locator("body")).not_to_contain_text(secret)
