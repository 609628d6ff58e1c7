"""The server leaves what lives as long as it does out of garbage collection, once.

Freezing is process-wide: each test puts the collector back as it found it.
"""

from __future__ import annotations

import gc

import pytest
from streamlit.testing.v1 import AppTest

from components.common import model_store
from tests.conftest import APP_TIMEOUT_S, ROOT


@pytest.fixture
def unfrozen(monkeypatch):
    """No object frozen and no freeze done yet in this process; restored afterwards."""
    was_frozen = gc.get_freeze_count() > 0
    gc.unfreeze()
    monkeypatch.setattr(model_store, "_frozen", False)
    yield
    gc.unfreeze()
    if was_frozen:
        gc.freeze()


def collected_by_gc(thing: object) -> bool:
    """Whether the collector still looks at `thing` (a frozen object is in no generation)."""
    return any(other is thing for other in gc.get_objects())


def test_the_first_freeze_takes_everything_alive_and_later_ones_nothing(unfrozen):
    alive = [["made before the first load"]]
    model_store._freeze_what_lives_long()
    assert gc.get_freeze_count() > 10_000, "TensorFlow and Keras, imported with the store"
    assert not collected_by_gc(alive)
    later = [["made after it"]]
    model_store._freeze_what_lives_long()
    assert collected_by_gc(later), "once only: a model loaded later stays collectable"


def test_loading_the_first_model_freezes(unfrozen):
    model_store._load_classifier.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.run()
    at.switch_page("app_pages/draw.py")
    at.run()
    assert not at.exception
    assert gc.get_freeze_count() > 10_000
