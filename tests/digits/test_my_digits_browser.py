"""My digits in Chromium, at a person's pace: keep, reload, download, fine-tune, privacy.

A server of its own, with the browser store in a temporary folder, so that
nothing is left behind for other tests.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from components.common.keys import css
from components.digits import keys
from components.training import keys as training_keys
from model.files.browser_store import ENV_VAR
from model.mine.files import read_digits
from tests.conftest import APP_TIMEOUT_S
from tests.draw.test_draw_browser import VERTICAL_ONE, draw, expect_prediction, see_it_cleared
from tests.live_server import ROOT, streamlit_server
from tests.training.test_training_browser import (
    RUN_TIMEOUT_MS,
    SIDEBAR,
    open_recipe,
    set_number,
    settled,
)

pytestmark = pytest.mark.slow  # trains in the app, in Chromium

COUNT = css(keys.MY_DIGITS_COUNT)
LEANING_ONE = [[(110, 40), (140, 140), (170, 240)]]


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "browsers"))
    with streamlit_server(ROOT / "app.py", tmp_path / "streamlit.log") as url:
        yield url


def keep(page: Page, strokes, label: int | None, kept: str) -> None:
    """Draw, check the label picker (or tap another label), Keep, then Clear."""
    draw(page, strokes)
    expect_prediction(page, "Prediction: 1")
    box = page.locator(css(keys.KEEP_BOX))
    expect(box.get_by_role("radio", name="1", exact=True)).to_be_checked()  # the prediction
    if label is not None:
        box.get_by_role("radio", name=str(label), exact=True).click()
        settled(page)
    page.locator(css(keys.KEEP_DIGIT)).get_by_role("button").click()
    expect(box).to_contain_text(f"you have {kept}.")
    page.get_by_role("button", name="Clear").click()
    see_it_cleared(page)


def test_kept_digits_survive_a_reload_train_a_fine_tune_and_stay_private(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(APP_TIMEOUT_S * 1000)
    page.goto(f"{server}/draw")
    expect(page.locator(css(keys.KEEP_BOX))).to_have_count(0)  # nothing drawn, nothing to keep
    keep(page, VERTICAL_ONE, None, "1 digit")
    keep(page, LEANING_ONE, None, "2 digits")  # the second 1 is held out
    keep(page, VERTICAL_ONE, 7, "3 digits")  # a 1 that the person calls a 7

    page.goto(f"{server}/digits")
    expect(page.locator(COUNT)).to_contain_text("3 digits")
    page.reload()
    expect(page.locator(COUNT)).to_contain_text("3 digits")
    with page.expect_download() as download:
        page.locator(css(keys.MY_DIGITS_DOWNLOAD)).get_by_role("button").click()
    saved = read_digits(download.value.path().read_bytes(), "download.npz")
    assert saved.y.tolist() == [1, 1, 7] and saved.held_out.tolist() == [False, True, False]

    sidebar = page.locator(SIDEBAR)
    # A person waits for the page to settle after the reload and the download, and looks
    # that each switch is on before pressing Train (a click during a rerun can be lost).
    settled(page)
    open_recipe(page)
    for switch in ("Add my digits", "Start from the active model"):
        sidebar.get_by_text(switch).click()
        settled(page)
        expect(sidebar.get_by_role("switch", name=switch)).to_be_checked()
    set_number(page, training_keys.TRAIN_EPOCHS, 1)
    page.locator(css(training_keys.TRAIN_BUTTON)).get_by_role("button").click()
    result = page.locator(css(keys.MY_RUN_BOX))
    expect(result).to_contain_text("trained with 2 of your digits", timeout=RUN_TIMEOUT_MS)
    expect(result).to_contain_text("Your held-out digits")
    expect(result).to_contain_text("Official test digits")
    expect(result).to_contain_text("Before")
    expect(page.get_by_test_id("stException")).to_have_count(0)

    stranger = browser.new_context().new_page()  # another browser
    stranger.set_default_timeout(APP_TIMEOUT_S * 1000)
    stranger.goto(f"{server}/digits")
    expect(stranger.locator(COUNT)).to_contain_text("0 digits")
    expect(stranger.get_by_test_id("stException")).to_have_count(0)
    context.close()
