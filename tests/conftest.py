"""Shared fixtures: a real Streamlit server, and Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.live_server import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    ROOT,
    START_TIMEOUT_S,
    streamlit_server,
)

APP_TIMEOUT_S = START_TIMEOUT_S
# Training workers started by the tests use the bundled sample unless a test
# sets MNIST_PATH: never a download, whatever the network.
os.environ.setdefault("CNN_LENS_NO_DOWNLOAD", "1")


@pytest.fixture(scope="session", autouse=True)
def model_signing_key(tmp_path_factory):
    """A signing key of the test run's own: tests never touch the user's real one.

    Set before any server starts, so the app under test signs and checks with it too.
    """
    from model.files.signing import KEY_ENV_VAR

    os.environ[KEY_ENV_VAR] = str(tmp_path_factory.mktemp("signing") / "model-signing.key")
    yield
    del os.environ[KEY_ENV_VAR]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """A real `streamlit run app.py` on 127.0.0.1, for the whole test session."""
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    try:
        with streamlit_server(ROOT / "app.py", log_path) as url:
            yield url
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def browser():
    # A missing browser is a failure, not a skip: CI must exercise the real UI.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # The first visit to a page that loads TensorFlow and the model takes seconds,
    # far past expect()'s 5 s default on a busy 2-core machine.
    expect.set_options(timeout=APP_TIMEOUT_S * 1000)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(APP_TIMEOUT_S * 1000)
    yield page
    context.close()
