"""AppTest: every page renders without an exception."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP_TIMEOUT_S, ROOT

PAGES = ["pages/image.py", "pages/draw.py", "pages/network.py", "pages/training.py"]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
