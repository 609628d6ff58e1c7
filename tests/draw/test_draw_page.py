"""AppTest of the drawing page, with the canvas replaced by a given picture.

`components.draw.canvas.read_canvas` is the one call into the browser widget; the
tests swap it for a function that returns a drawing made with PIL, so every
path of the page runs without a browser.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re

import numpy as np
import pytest
from PIL import Image, ImageDraw
from streamlit.testing.v1 import AppTest

import components.draw.canvas
from components.common import keys as common_keys
from components.common.literal_text import literal
from components.draw import keys
from components.draw.canvas import DEFAULT_STROKE
from model.files.persistence import load_model, save_model
from model.preprocess import prepare_digit
from tests.conftest import APP_TIMEOUT_S, ROOT

SIDE = 280


def canvas_picture(lines, width: int = 20) -> np.ndarray:
    """What the canvas sends: (280, 280, 4) uint8, white strokes on opaque black."""
    picture = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 255))
    pen = ImageDraw.Draw(picture)
    for line in lines:
        pen.line(line, fill=(255, 255, 255, 255), width=width, joint="curve")
    return np.asarray(picture)


ONE = canvas_picture([[(140, 40), (142, 240)]])
SMALL_CORNER_ONE = canvas_picture([[(40, 20), (41, 80)]], width=8)


@pytest.fixture
def canvas(monkeypatch):
    """Set `canvas.drawing` to what the canvas should return (None: nothing drawn)."""

    class FakeCanvas:
        """Keeps its drawing until the page asks for a clear, as the real canvas does."""

        drawing: np.ndarray | None = None
        clears_seen: list[int] = []

        def read(self, clears: int, stroke_width: int) -> np.ndarray | None:
            if self.clears_seen and clears != self.clears_seen[-1]:
                self.drawing = None
            self.clears_seen.append(clears)
            return self.drawing

    fake = FakeCanvas()
    fake.clears_seen = []
    monkeypatch.setattr(components.draw.canvas, "read_canvas", fake.read)
    return fake


def open_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.run()
    at.switch_page("app_pages/draw.py")
    at.run()
    assert not at.exception, at.exception
    return at


def prediction_text(at: AppTest) -> str:
    """Everything written in the prediction box."""
    box = at.get_by_key(keys.PREDICTION_BOX)
    return "\n".join(e.value for kind in ("markdown", "caption", "warning") for e in box.get(kind))


def picture_rows(at: AppTest) -> list[list[tuple[str, np.ndarray]]]:
    """Each row of pictures drawn as HTML: (caption, the picture as sent) for each."""
    rows = []
    for element in at.get("html"):
        figures = re.findall(
            r'<figure><img src="data:image/png;base64,([^"]+)"[^>]*>'
            r"<figcaption>([^<]*)</figcaption></figure>",
            element.proto.body,
        )
        if figures:
            rows.append(
                [
                    (
                        html.unescape(caption),
                        np.asarray(Image.open(io.BytesIO(base64.b64decode(b)))),
                    )
                    for b, caption in figures
                ]
            )
    return rows


def step_captions(at: AppTest) -> list[str]:
    """The captions of the preprocessing steps, "1. Your picture" first."""
    (steps,) = [row for row in picture_rows(at) if row[0][0] == "1. Your picture"]
    return [caption for caption, _ in steps]


UPRIGHT_CAPTION = "The second reading's input: sheared upright"


def upright_pictures(at: AppTest) -> list[np.ndarray]:
    return [
        picture
        for row in picture_rows(at)
        for caption, picture in row
        if caption == UPRIGHT_CAPTION
    ]


def test_nothing_drawn_invites_drawing_and_predicts_nothing(canvas):
    at = open_page()
    text = prediction_text(at)
    assert "Draw a digit" in text
    assert "Prediction:" not in text
    assert not at.get("plotly_chart"), "no charts before there is a drawing"
    # The model's accuracy is its card's, one reading a digit: the page says so, since it
    # reads twice.
    (note,) = [c.value for c in at.caption if "runs the shipped model" in c.value]
    assert "on the official MNIST test set" in note and "each digit read once" in note


def test_the_pen_width_and_the_input_are_the_widgets_own_defaults(canvas):
    # What the browser shows when it has no value of its own for a widget: on a first
    # visit whose token rerun came right after the first run, values put in session
    # state before the widgets were lost, and the page showed the slider's lowest width
    # and no input chosen (so no Keep).
    at = open_page()
    canvas.drawing = canvas_picture([[(140, 40), (141, 140), (142, 240)]])
    at.run()
    for _ in range(2):  # the first run, and one after it
        assert list(at.slider(key=keys.STROKE_WIDTH).proto.default) == [DEFAULT_STROKE]
        control = at.get("button_group")[0]
        assert [control.proto.options[i].content for i in control.proto.default] == ["Draw"]
        assert at.slider(key=keys.STROKE_WIDTH).value == DEFAULT_STROKE
        assert "Keep this digit" in " ".join(m.value for m in at.markdown)
        at.run()


def test_a_drawing_is_predicted_with_every_section(canvas):
    canvas.drawing = ONE
    at = open_page()
    assert "## Prediction: 1" in [m.value for m in at.markdown]
    # The steps from the canvas to the model's 28×28 input, one picture each.
    captions = step_captions(at)
    assert captions[:2] == ["1. Your picture", "2. Gray levels only, colour dropped"]
    assert captions[-1].endswith("Brightest pixel made white: the model's input")
    # The last picture is the model's input, byte for byte; the canvas's is scaled to fit.
    (steps,) = [row for row in picture_rows(at) if row[0][0] == "1. Your picture"]
    expected = np.round(prepare_digit(ONE[..., :3]).input * 255).astype(np.uint8)
    np.testing.assert_array_equal(steps[-1][1], expected)
    assert steps[0][1].shape[:2] == (140, 140)
    # Probabilities, one layer's feature maps, and the saliency map.
    assert len(at.get("plotly_chart")) == 3


def test_the_models_input_is_shown_as_its_784_numbers(canvas):
    canvas.drawing = ONE
    at = open_page()
    (grid,) = at.get_by_key(keys.DRAW_INPUT_NUMBERS_BOX).get("html")
    # Every cell prints its value, 784 of them.
    cells = re.findall(r'role="cell"[^>]*>(\d+)</div>', grid.proto.body)
    values = np.array(cells, dtype=int).reshape(28, 28)
    expected = np.round(prepare_digit(ONE[..., :3]).input * 255).astype(int)
    assert (values == expected).all(), "exactly the numbers the model reads, times 255"
    assert any(
        f"Only {np.count_nonzero(expected)} of them are above 0" in m.value for m in at.markdown
    )


def test_plain_resize_changes_the_steps_and_can_change_the_prediction(canvas):
    canvas.drawing = SMALL_CORNER_ONE
    at = open_page()
    assert "## Prediction: 1" in [m.value for m in at.markdown]

    at.toggle(key=keys.MNIST_STYLE).set_value(False).run()
    assert step_captions(at)[-1] == "4. Whole image resized to 28×28"
    assert not at.exception


LEANING_SEVEN = canvas_picture([[(90, 60), (230, 60), (110, 240)]])


def test_the_prediction_is_two_readings_averaged_and_can_be_one(canvas):
    canvas.drawing = LEANING_SEVEN
    at = open_page()
    text = prediction_text(at)
    assert "The average of two readings: as prepared," in text
    assert "sheared upright," in text and "the digit leaned" in text and "° right" in text
    (upright,) = upright_pictures(at)
    assert upright.shape == (28, 28), "sent at its own size, blown up by the page"
    probabilities = at.get("plotly_chart")[0].proto.spec
    assert "A second reading, upright." in "".join(m.value for m in at.markdown)

    at.toggle(key=common_keys.UPRIGHT).set_value(False).run()
    assert not at.exception
    assert "two readings" not in prediction_text(at)
    assert not upright_pictures(at)
    assert at.get("plotly_chart")[0].proto.spec != probabilities, "one reading's numbers now"


def test_layer_selector_shows_each_kind_of_layer(canvas):
    canvas.drawing = ONE
    at = open_page()
    layers = at.selectbox(key=keys.LAYER_CHOICE)
    assert layers.value == "conv2d"
    for name in layers.options:
        at.selectbox(key=keys.LAYER_CHOICE).set_value(name.split(" ")[0]).run()
        assert not at.exception, name


def test_saliency_for_another_class_and_method(canvas):
    canvas.drawing = ONE
    at = open_page()
    at.selectbox(key=keys.SALIENCY_CLASS).set_value(7).run()
    at.segmented_control(key=keys.SALIENCY_METHOD).set_value("Gradient").run()
    assert not at.exception


def test_only_specks_is_not_a_digit(canvas):
    specks = np.zeros((SIDE, SIDE, 4), np.uint8)
    specks[..., 3] = 255
    specks[100:102, 100:102, :3] = 255
    canvas.drawing = specks
    at = open_page()
    text = prediction_text(at)
    assert "Prediction:" not in text
    assert "Only specks" in text


def dot(pen: int) -> np.ndarray:
    picture = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 255))
    box = (140 - pen / 2, 140 - pen / 2, 140 + pen / 2, 140 + pen / 2)
    ImageDraw.Draw(picture).ellipse(box, fill=(255, 255, 255, 255))
    return np.asarray(picture)


def test_a_dot_is_too_little_ink_like_a_blank_canvas(canvas):
    # One dot with pen 20 was "Prediction: 0, 97.5% sure".
    canvas.drawing = dot(20)
    at = open_page()
    text = prediction_text(at)
    assert "Prediction:" not in text
    assert "Too little ink for a digit" in text and "A dot is not a digit" in text
    assert not at.get("plotly_chart") and not at.header, "no sections, as for a blank canvas"


def test_saliency_class_labels_do_not_change_with_the_prediction(canvas):
    # Draw a 4, Undo (a 6), Redo (a 4 again) raised "ValueError: invalid literal for
    # int() with base 10: 'the prediction (4)'": the class picker's labels named the
    # prediction, and the browser sends back the label it last showed, which then
    # matched no option. (The browser test of undo and redo reproduces it.)
    canvas.drawing = ONE
    at = open_page()
    labels = at.selectbox(key=keys.SALIENCY_CLASS).options
    canvas.drawing = canvas_picture([[(70, 50), (210, 50), (120, 240)]])  # a 7
    at.run()
    assert not at.exception, at.exception
    assert "Prediction: 7" in prediction_text(at)
    assert at.selectbox(key=keys.SALIENCY_CLASS).options == labels
    assert any("score of 7" in c.value for c in at.caption), "it explains the new prediction"


def test_a_scribble_is_flagged_as_unlike_a_digit(canvas):
    canvas.drawing = canvas_picture([[(40, 140), (240, 140)]], width=24)  # a dash
    at = open_page()
    assert any("Not sure" in w.value for w in at.warning)


def test_clear_empties_the_canvas_and_the_prediction(canvas):
    canvas.drawing = ONE
    at = open_page()
    assert "Prediction: 1" in prediction_text(at)
    at.button[[b.label for b in at.button].index("Clear")].click().run()
    assert canvas.clears_seen[-1] == canvas.clears_seen[0] + 1
    assert "Prediction:" not in prediction_text(at)


def test_mnist_sample_shows_its_true_label(canvas):
    at = open_page()
    at.segmented_control(key=keys.DIGIT_SOURCE).set_value("sample").run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "Prediction: 7" in text  # the first official test digit is a 7
    assert "true label **7**" in text
    at.button[[b.label for b in at.button].index("Another sample")].click().run()
    assert not at.exception
    assert at.session_state[keys.SAMPLE_INDEX] != 0
    assert at.image[0].captions == [f"MNIST test digit #{at.session_state[keys.SAMPLE_INDEX]}"]


def photo_bytes() -> bytes:
    """A dark "7" on paper lit from one side, as a JPEG."""
    light = np.linspace(0.45, 0.95, 400)[None, :] * np.ones((300, 1))
    ink = np.asarray(
        Image.fromarray(canvas_picture([[(90, 60), (200, 60), (120, 240)]], 18)[..., 0]).resize(
            (400, 300)
        ),
        dtype=np.float64,
    )
    gray = light * (1 - 0.7 * ink / 255)
    buffer = io.BytesIO()
    Image.fromarray(np.round(gray * 255).astype(np.uint8)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_uploaded_photo_is_read_like_a_drawing(canvas):
    at = open_page()
    at.segmented_control(key=keys.DIGIT_SOURCE).set_value("photo").run()
    assert "Prediction:" not in prediction_text(at)
    at.file_uploader(key=keys.DIGIT_UPLOAD).upload("seven.jpg", photo_bytes(), "image/jpeg").run()
    assert not at.exception, at.exception
    assert "## Prediction: 7" in [m.value for m in at.markdown]
    assert "3. The paper alone, shadows included (estimated)" in step_captions(at)


def upload_photo(name: str, data: bytes, mime: str = "image/jpeg") -> AppTest:
    at = open_page()
    at.segmented_control(key=keys.DIGIT_SOURCE).set_value("photo").run()
    at.file_uploader(key=keys.DIGIT_UPLOAD).upload(name, data, mime).run()
    assert not at.exception, at.exception
    return at


def test_an_uploaded_photo_says_which_ink_it_was_read_as(canvas):
    at = upload_photo("seven.jpg", photo_bytes())
    assert "Read as dark ink on light paper, guessed from the photo." in prediction_text(at)
    at.segmented_control(key=keys.DIGIT_INK).set_value("dark-on-light").run()
    assert "Read as dark ink on light paper, as chosen under the upload." in prediction_text(at)


def dusty_paper_bytes() -> bytes:
    """A photo with no digit in it: paper lit from one side, six specks of dust, as a JPEG."""
    paper = np.round(np.linspace(0.45, 0.95, 400)[None, :] * np.ones((300, 1)) * 255)
    for row, col in np.random.default_rng(0).integers(20, 280, (6, 2)):
        paper[row : row + 3, col : col + 3] = 40
    buffer = io.BytesIO()
    Image.fromarray(paper.astype(np.uint8)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_photo_without_a_digit_says_so_and_shows_why(canvas):
    # A cat photo was headed "Draw a digit" and told to "draw a bigger digit".
    at = upload_photo("paper.jpg", dusty_paper_bytes())
    text = prediction_text(at)
    assert "No digit found in the photo" in text and "Prediction:" not in text
    assert "Draw" not in text and "black square" not in text
    # The steps still show, so the user sees what was taken for ink.
    assert at.header[0].value == "1. From your picture to the model's input"
    assert step_captions(at)[0] == "1. Your picture" and len(at.header) == 1


def test_a_broken_upload_is_an_error_not_a_crash(canvas):
    at = upload_photo("broken.png", b"not a png", "image/png")
    assert at.error
    text = prediction_text(at)
    assert "Prediction:" not in text
    assert "No photo to read" in text and "black square" not in text, "no stale drawing text"


ODD_NAME = "**x**_$y$<b>:red[z].png"


def test_file_names_are_shown_as_typed(canvas):
    # Markdown in a file name was rendered: bold, maths, a dropped tag, red text.
    at = upload_photo(ODD_NAME, photo_bytes())
    assert literal(ODD_NAME) in at.image[0].captions
    at = upload_photo(ODD_NAME, b"not a png", "image/png")
    assert at.error[0].value.startswith(literal(ODD_NAME))


def test_a_model_file_changed_after_loading_is_refused(canvas, tmp_path):
    # The loaded model is cached by the file's size, mtime and inode, not by
    # hashing it on every rerun: a change to the file must still reach the check.
    model = tmp_path / "mine.keras"
    seed_model, seed_card = load_model("seed")
    save_model(seed_model, model, seed_card)  # saved, and so signed, by this installation
    canvas.drawing = ONE
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.session_state[common_keys.ACTIVE_MODEL] = str(model)
    at.switch_page("app_pages/draw.py")
    at.run()
    assert "Prediction: 1" in prediction_text(at)

    with open(model, "ab") as file:
        file.write(b"tampered")
    at.run()
    assert not at.exception
    assert any("does not match its card" in e.value for e in at.error)
    assert not any(str(tmp_path) in e.value for e in at.error), "no server paths"
    assert not any("Prediction:" in m.value for m in at.markdown), "no prediction from it"


def chart_summaries(at: AppTest) -> list[str]:
    """The hidden sentences that stand in for the charts, for screen readers."""
    return [h.proto.body for h in at.get("html") if "Chart: " in h.proto.body]


def test_every_chart_has_a_summary_with_its_numbers(canvas):
    canvas.drawing = ONE
    at = open_page()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    probabilities = _bars(spec)
    top = np.argsort(-probabilities, kind="stable")[:3]
    summaries = chart_summaries(at)
    assert len(summaries) == len(at.get("plotly_chart")) == 3
    expected = ", ".join(f"{i} at {probabilities[i]:.1%}" for i in top)
    assert f"probability for each digit. Highest: {expected}." in summaries[0]
    assert "Largest activations: map " in summaries[1]
    assert "Largest saliency: row " in summaries[2]


def _bars(spec: dict) -> np.ndarray:
    y = spec["data"][0]["y"]
    return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
