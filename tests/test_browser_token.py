"""The browser's token in Chromium: the same after a reload, another in another browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.live_server import ROOT, streamlit_server

SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from components.common.browser import ask_the_browser, recognise_browser
token = recognise_browser()
first = st.session_state.setdefault("first_run", token or "not yet")
st.markdown("token: " + (token or "not yet"))
st.markdown("on the first run: " + first)
ask_the_browser()
"""
TOKEN = re.compile(r"token: ([0-9a-f]{32})")


@pytest.fixture
def token_app(tmp_path):
    script = tmp_path / "token_app.py"
    script.write_text(SCRIPT)
    with streamlit_server(script, tmp_path / "streamlit.log") as url:
        yield url


def shown_token(page) -> str:
    text = page.get_by_text(TOKEN)
    expect(text).to_be_visible()
    return TOKEN.search(text.text_content())[1]


@pytest.mark.browser
def test_a_reload_keeps_the_token_and_another_browser_gets_another(browser, token_app):
    first = browser.new_context()
    page = first.new_page()
    page.goto(token_app)
    token = shown_token(page)
    page.reload()
    assert shown_token(page) == token, "a reload is the same browser"
    # The reloaded page's first script run knew it already (from the cookie), so a
    # browser's runs and digits show without waiting for a second run.
    expect(page.get_by_text(f"on the first run: {token}")).to_be_visible()
    again = first.new_page()  # a new tab of the same browser
    again.goto(token_app)
    assert shown_token(again) == token
    other = browser.new_context().new_page()  # another browser (profile)
    other.goto(token_app)
    assert shown_token(other) != token
    expect(page.get_by_test_id("stException")).to_have_count(0)
