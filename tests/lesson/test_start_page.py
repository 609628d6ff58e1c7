"""AppTest: the start page and what a lesson link does to the active model.

Clicking the links themselves is a browser matter (test_lesson_browser.py); here the
page's content and the query parameter's effect are checked without one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from streamlit.testing.v1 import AppTest

from components.common import keys
from components.lesson.texts import GLOSSARY, STEPS
from tests.conftest import APP_TIMEOUT_S, ROOT

TERMS = {term for _, term in GLOSSARY}


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.run()
    assert not at.exception, at.exception
    return at


def test_start_page_is_the_default_page_with_the_four_steps_in_order():
    at = start()
    assert at.title[0].value == "How a CNN reads a digit"
    assert [step.title for step in STEPS] == [
        "An image is numbers",
        "Draw a digit",
        "Inside the network",
        "Train your own",
    ]
    assert [step.page for step in STEPS] == [
        "app_pages/image.py",
        "app_pages/draw.py",
        "app_pages/network.py",
        "app_pages/training.py",
    ]
    labels = [e.label for e in at.expander]
    assert "Teacher's notes" in labels and any(label.startswith("Glossary") for label in labels)


def test_the_teachers_notes_say_what_to_do_when_a_students_digits_are_read_wrong():
    at = start()
    (notes,) = [e for e in at.expander if e.label == "Teacher's notes"]
    (when_wrong,) = [m.value for m in notes.markdown if "read as 1" in m.value]
    assert "**My digits**" in when_wrong and "Start from the active model" in when_wrong
    assert "Add my digits" in when_wrong


def test_glossary_names_the_jargon_a_class_meets():
    for term in ("MNIST", "preset", "RMSprop", "learning rate", "epoch", "batch", "convolution",
                 "bias", "ReLU", "max pooling", "dense layer", "softmax", "batch normalisation",
                 "dropout", "layer names"):  # fmt: skip
        assert any(term in t for t in TERMS), term


def test_a_lesson_link_makes_seed_active_and_the_sidebar_says_why():
    at = start()
    assert at.session_state[keys.ACTIVE_MODEL] == "default"
    at.query_params["lesson"] = "seed"
    at.switch_page("app_pages/draw.py")
    at.run()
    assert not at.exception, at.exception
    assert at.session_state[keys.ACTIVE_MODEL] == "seed"
    assert "lesson" not in at.query_params, "dropped, so a later choice is not undone"
    assert any("The lesson uses **seed**" in info.value for info in at.sidebar.info)


def test_picking_another_model_after_the_lesson_link_sticks():
    at = start()
    at.query_params["lesson"] = "seed"
    at.run()
    at.sidebar.selectbox(key="model_picker").set_value("default").run()
    at.run()
    assert at.session_state[keys.ACTIVE_MODEL] == "default"
    assert not at.sidebar.info, "the lesson note goes with the lesson's model"


def test_start_page_does_not_import_tensorflow():
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({str(ROOT / "app.py")!r}, default_timeout={APP_TIMEOUT_S})
        at.run()
        assert not at.exception, at.exception
        assert at.title[0].value == "How a CNN reads a digit", at.title
        assert "tensorflow" not in sys.modules
        print("NO_TENSORFLOW")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NO_TENSORFLOW" in result.stdout
