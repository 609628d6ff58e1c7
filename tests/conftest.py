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


# Cheapest first: a failure in a cheaper tier ends the run before a dearer one starts.
TIERS = ("unit", "apptest", "browser", "slow")
_tier_of: dict[str, int] = {}  # node id -> index in TIERS
_tier_seconds = dict.fromkeys(TIERS, 0.0)
_tier_counts = dict.fromkeys(TIERS, 0)
_failed_tiers: set[int] = set()


def tier(item: pytest.Item) -> int:
    """unit < AppTest < browser < slow (trains a model or starts training workers)."""
    for index in range(len(TIERS) - 1, 0, -1):
        if item.get_closest_marker(TIERS[index]):
            return index
    return 0


def pytest_itemcollected(item: pytest.Item) -> None:
    """AppTest modules are marked as they are collected, so `-m apptest` selects them."""
    if hasattr(getattr(item, "module", None), "AppTest"):
        item.add_marker("apptest")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A stable sort: an order chosen before (reversed, random) holds within each tier.
    items.sort(key=tier)
    _tier_of.update((item.nodeid, tier(item)) for item in items)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    index = _tier_of.get(report.nodeid, 0)
    _tier_seconds[TIERS[index]] += report.duration
    _tier_counts[TIERS[index]] += report.when == "call"
    if report.failed:
        _failed_tiers.add(index)


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if nextitem is not None and _failed_tiers and tier(nextitem) > tier(item):
        item.session.shouldstop = (
            f"a {TIERS[min(_failed_tiers)]} test failed, so the dearer tiers did not run"
        )


def pytest_terminal_summary(terminalreporter) -> None:
    ran = [f"{n} {_tier_counts[n]} in {_tier_seconds[n]:.0f} s" for n in TIERS if _tier_counts[n]]
    if ran:
        terminalreporter.write_line("time by tier: " + ", ".join(ran))


@pytest.fixture(scope="session", autouse=True)
def model_signing_key(tmp_path_factory):
    """A signing key of the test run's own: tests never touch the user's real one.

    Set before any server starts, so the app under test signs and checks with it too.
    """
    from model.files.signing import KEY_ENV_VAR

    os.environ[KEY_ENV_VAR] = str(tmp_path_factory.mktemp("signing") / "model-signing.key")
    yield
    del os.environ[KEY_ENV_VAR]


@pytest.fixture(scope="session", autouse=True)
def browser_data(tmp_path_factory):
    """Each browser's kept files (trained models, …) in the test run's own folder."""
    from model.files.browser_store import ENV_VAR

    old = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = str(tmp_path_factory.mktemp("browser-data"))
    yield
    if old is None:
        del os.environ[ENV_VAR]
    else:
        os.environ[ENV_VAR] = old


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
