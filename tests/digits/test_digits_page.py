"""AppTest of My digits and the draw page's Keep, with this browser's token given.

AppTest runs no JavaScript, so `browser_token()` is None there; the tests hand the
components a token, and keep the browser store in a folder of their own.
"""

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import components.digits.prompt
import components.digits.store
from components.digits import keys
from model.files.browser_store import ENV_VAR, BrowserStore
from model.mine.collection import MyDigits
from model.mine.files import digits_npz, read_digits
from tests.conftest import APP_TIMEOUT_S
from tests.draw.test_draw_page import ONE, canvas  # noqa: F401 - the fixture
from tests.live_server import ROOT

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def browser(monkeypatch, tmp_path):
    """This browser's token and store; what the store holds, as MyDigits, by `kept()`."""
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "browsers"))
    monkeypatch.setattr(components.digits.store, "browser_token", lambda: TOKEN)

    class Browser:
        @staticmethod
        def kept() -> MyDigits:
            data = BrowserStore().read(TOKEN, components.digits.store.FILE_NAME)
            return MyDigits.empty() if data is None else read_digits(data, "kept")

        @staticmethod
        def keep(mine: MyDigits) -> None:
            BrowserStore().write(TOKEN, components.digits.store.FILE_NAME, digits_npz(mine))

    return Browser


@pytest.fixture
def prompt_canvas(monkeypatch):
    """What the prompted mode's canvas holds (None: nothing drawn)."""

    class Drawn:
        drawing = None

    monkeypatch.setattr(components.digits.prompt, "read_prompt_canvas", lambda g: Drawn.drawing)
    return Drawn


def open_digits() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.run()
    at.switch_page("app_pages/digits.py")
    at.run()
    assert not at.exception, at.exception
    return at


def draw_page_with(drawn, drawing: np.ndarray) -> AppTest:
    """The draw page, its canvas (the `canvas` fixture, `drawn`) holding `drawing`."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.run()
    at.switch_page("app_pages/draw.py")
    drawn.drawing = drawing
    at.run()
    return at


def _count(at: AppTest) -> str:
    return next(m.value for m in at.markdown if re.fullmatch(r"### [\d,]+ digits?", m.value))


def some_digits(labels) -> MyDigits:
    inputs = np.stack([np.roll(read_digits_one(), i, axis=1) for i in range(len(labels))])
    return MyDigits.empty().added(inputs, labels)


def read_digits_one() -> np.ndarray:
    from model.preprocess import prepare_for_ink

    return prepare_for_ink(ONE, "light-on-dark").input


def test_an_empty_set_says_so_and_the_prompt_keeps_with_the_asked_label(browser, prompt_canvas):
    at = open_digits()
    assert _count(at) == "### 0 digits"
    assert any("Draw a 0" in m.value for m in at.markdown)
    prompt_canvas.drawing = ONE
    at.run()
    at.button(key=keys.PROMPT_NEXT).click().run()
    assert not at.exception, at.exception
    assert browser.kept().y.tolist() == [0]
    assert _count(at) == "### 1 digit"
    assert any("Draw a 1" in m.value for m in at.markdown)


def test_the_gallery_relabels_and_deletes_and_the_model_is_scored(browser, prompt_canvas):
    browser.keep(some_digits([1, 1, 1, 7]))
    at = open_digits()
    assert _count(at) == "### 4 digits"
    at.segmented_control(key=keys.GALLERY_CLASS).set_value(1).run()
    at.selectbox(key=keys.relabel(0)).set_value(4).run()
    assert browser.kept().y.tolist() == [4, 1, 1, 7]
    at.segmented_control(key=keys.GALLERY_CLASS).set_value(7).run()
    at.button(key=keys.delete(3)).click().run()
    assert not at.exception, at.exception
    assert browser.kept().y.tolist() == [4, 1, 1]
    assert [m.label for m in at.metric][:2] == ["On all your digits", "On your held-out digits"]


def test_a_class_sent_as_none_shows_the_newest_digits_class(browser, prompt_canvas):
    # A browser can come back with no value for a widget whose value the page set in
    # session state (seen on the draw page's first visit): none chosen, not a traceback.
    browser.keep(some_digits([1, 1, 7]))
    at = open_digits()
    at.segmented_control(key=keys.GALLERY_CLASS).set_value(None).run()
    assert not at.exception, at.exception
    assert any("Only 1 of your 7s" in c.value for c in at.caption)


def test_hostile_uploads_each_get_a_sentence_and_good_ones_merge(browser, prompt_canvas):
    from tests.digits.test_digit_files import HOSTILE

    at = open_digits()
    files = [(f"bad-{i}.npz", data) for i, (data, _) in enumerate(HOSTILE.values())]
    good = digits_npz(some_digits([2, 3]))
    mime = "application/octet-stream"
    uploads = [(name, data, mime) for name, data in [*files, ("good.npz", good)]]
    at.file_uploader(key=keys.MY_DIGITS_UPLOAD).set_value(uploads).run()
    assert not at.exception, at.exception
    warnings = [w.value.replace("\\", "") for w in at.warning]  # as shown, unescaped
    for name, _ in files:
        assert any(w.startswith(f"{name}:") for w in warnings), name
    assert browser.kept().y.tolist() == [2, 3]
    assert _count(at) == "### 2 digits"


def test_the_draw_page_keeps_a_drawing_with_the_prediction_or_a_corrected_label(
    browser,
    canvas,  # noqa: F811
):
    at = draw_page_with(canvas, ONE)
    assert at.segmented_control(key=keys.KEEP_LABEL).value == 1  # the prediction
    at.button(key=keys.KEEP_DIGIT).click().run()
    assert browser.kept().y.tolist() == [1]
    assert any("Kept as 1: you have 1 digit." in s.value for s in at.success)
    assert at.button(key=keys.KEEP_DIGIT).disabled  # once per drawing
    canvas.drawing = np.roll(ONE, 30, axis=1)  # another drawing
    at.run()
    at.segmented_control(key=keys.KEEP_LABEL).set_value(7).run()
    at.button(key=keys.KEEP_DIGIT).click().run()
    assert not at.exception, at.exception
    assert browser.kept().y.tolist() == [1, 7]
    assert any("Kept as 7: you have 2 digits." in s.value for s in at.success)


def test_keep_with_no_label_chosen_asks_for_one_and_keeps_nothing(
    browser,
    canvas,  # noqa: F811
):
    at = draw_page_with(canvas, ONE)
    at.segmented_control(key=keys.KEEP_LABEL).set_value(None).run()
    at.button(key=keys.KEEP_DIGIT).click().run()
    assert not at.exception, at.exception
    assert browser.kept().y.tolist() == []
    assert any("Tap the digit this drawing is" in w.value for w in at.warning)
    at.segmented_control(key=keys.KEEP_LABEL).set_value(1).run()
    at.button(key=keys.KEEP_DIGIT).click().run()
    assert browser.kept().y.tolist() == [1]


def test_a_digit_kept_under_another_label_than_read_points_to_the_fine_tune(
    browser,
    canvas,  # noqa: F811
):
    at = draw_page_with(canvas, ONE)
    at.button(key=keys.KEEP_DIGIT).click().run()
    (kept,) = [s.value for s in at.success]
    assert kept.startswith("Kept as 1") and "read it as" not in kept, "read right: no hint"

    at = draw_page_with(canvas, ONE[:, ::-1].copy())  # another drawing, read as 1 too
    at.segmented_control(key=keys.KEEP_LABEL).set_value(7).run()
    at.button(key=keys.KEEP_DIGIT).click().run()
    assert not at.exception, at.exception
    (kept,) = [s.value for s in at.success]
    assert "Kept as 7" in kept
    assert "The model read it as 1: a few more of your 7s" in kept and "My digits" in kept
    assert browser.kept().y.tolist() == [1, 7]


def test_one_press_reaching_keep_twice_keeps_the_drawing_once(browser, monkeypatch):
    import streamlit

    from components.digits import keep

    monkeypatch.setattr(streamlit, "session_state", {keys.KEEP_LABEL: 1})
    prepared = np.zeros((28, 28), np.uint8)
    prepared[4:24, 13:15] = 255
    drawing = np.zeros((280, 280, 4), np.uint8)
    drawing[40:240, 130:150] = 255
    keep._keep(TOKEN, prepared, drawing, "this drawing")
    keep._keep(TOKEN, prepared, drawing, "this drawing")  # the same press, run again
    assert browser.kept().y.tolist() == [1]
    keep._keep(TOKEN, prepared, drawing, "the next drawing")  # a new drawing is kept
    assert browser.kept().y.tolist() == [1, 1]
