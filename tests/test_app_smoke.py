"""AppTest: every page renders inside the frame without an exception."""

import pytest
from streamlit.testing.v1 import AppTest

from components.common import keys
from tests.conftest import APP_TIMEOUT_S, ROOT

PAGES = [
    "app_pages/start.py",
    "app_pages/image.py",
    "app_pages/draw.py",
    "app_pages/network.py",
    "app_pages/training.py",
]


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.switch_page(page)
    return at.run()


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_in_the_frame(page):
    at = open_page(page)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
    # The frame's sidebar names the active model with its measured accuracy.
    accuracy = [m for m in at.sidebar.get("metric") if m.label == "Test accuracy"]
    assert accuracy and accuracy[0].value.endswith("%")
    # It names the set and the reading, so that it can be told from the draw page's.
    assert "test set" in accuracy[0].help and "read once" in accuracy[0].help


def test_sidebar_reports_unreadable_model_card(tmp_path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.session_state[keys.ACTIVE_MODEL] = str(tmp_path / "missing.keras")
    at.switch_page("app_pages/network.py")
    at.run()
    assert not at.exception
    assert any("“missing” has no model card" in e.value for e in at.sidebar.get("error"))
