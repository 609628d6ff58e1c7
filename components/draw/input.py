"""Widgets for the drawing page: where the digit comes from, and the prediction box.

Each input helper draws its widgets and returns a `DigitPicture`: plain pixels
and what is known about them. Upload bytes are decoded here and never stored in
session state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from components.common import keys as common_keys
from components.common.chart_text import chart_with_summary, top_probabilities_text
from components.common.literal_text import literal
from components.common.pictures import thumbnail
from components.common.test_digits import jump_to_another, test_digits
from components.draw import keys
from components.draw.canvas import draw_digit, pen_width_slider
from components.draw.views import live_prediction_html, probability_figure, probability_table_html
from model.files.cards import SHIPPED_NAMES, ModelCard
from model.images.decoding import UPLOAD_TYPES, ImageDecodeError, decode_image, to_8bit
from model.preprocess import INK_WORDS, Ink
from model.preprocess.digit import NO_INK, ONLY_DOTS
from model.preprocess.reading import Reading

SOURCES = {
    "draw": ":material/draw: Draw",
    "photo": ":material/photo_camera: Photo",  # short: the three fit one row on a phone
    "sample": ":material/casino: MNIST sample",
}
# Below this top probability the page says it is not sure. On the official
# test set the shipped models are this sure of over 99% of their right answers,
# and less sure of almost half of their wrong ones.
SURE_ENOUGH = 0.7


# The photo tab's ink setting: guessed from the photo, or either kind forced.
INK_CHOICES = {"guess": "Guess", "dark-on-light": "Dark on light", "light-on-dark": "Light on dark"}


@dataclass(frozen=True)
class DigitPicture:
    pixels: np.ndarray | None  # what goes into prepare_digit; None when there is nothing yet
    photo: bool  # from the photo tab: its words say "photo", and it shows why no digit was found
    origin: str  # for people: "your drawing", "your photo", "MNIST test digit #17"
    true_label: int | None = None  # known for MNIST samples
    ink: Ink | None = "light-on-dark"  # the canvas and MNIST; None: guess it from the picture
    # While there is nothing to read: the prediction box's heading and what to do.
    waiting: tuple[str, str] = (
        "Draw a digit",
        "Draw one digit, 0 to 9, in the black square, with a mouse, a finger or a pen. "
        "The prediction appears as soon as you lift it.",
    )


def choose_source() -> str:
    """Which input the user picked: "draw", "photo" or "sample"."""
    # "draw" is the widget's own default, not a value put in session state first: a
    # browser's first visit once showed no input chosen (and so no Keep) when the token's
    # rerun came right after the first run, the widget showing its default instead of the
    # value the script had set. A test digit opened from the Retrain page is shown as a
    # sample; on that run the key is set and there is no default, which would make
    # Streamlit warn of two sources.
    opened = st.session_state.pop(common_keys.SHOW_OPENED_DIGIT, False)
    if opened:
        st.session_state[keys.DIGIT_SOURCE] = "sample"
    return st.segmented_control(
        "Input",
        list(SOURCES),
        format_func=SOURCES.__getitem__,
        required=True,
        default=None if opened else "draw",
        key=keys.DIGIT_SOURCE,
        label_visibility="collapsed",
    )


def drawn_digit() -> DigitPicture:
    return DigitPicture(draw_digit(), photo=False, origin="your drawing")


# Decoding a phone photo takes a while and every widget on the page reruns the
# script: keep the last few decoded photos, keyed by their bytes.
@st.cache_data(max_entries=4, show_spinner="Reading the photo…")
def _photo_pixels(data: bytes, name: str) -> np.ndarray:
    return to_8bit(decode_image(data, name).array)


def photo_digit() -> DigitPicture:
    """An uploaded photo of one handwritten digit: dark ink on paper, or light on dark."""
    upload = st.file_uploader(
        "Upload a photo of one handwritten digit",
        type=UPLOAD_TYPES,
        key=keys.DIGIT_UPLOAD,
        help="Dark ink on paper, in any light, or chalk on a board. Crop it roughly to the digit.",
    )
    choice = st.segmented_control(
        "Ink",
        list(INK_CHOICES),
        format_func=INK_CHOICES.__getitem__,
        default="guess",
        required=True,
        key=keys.DIGIT_INK,
        help="Dark on light: ink on paper; the paper and its shadows are taken out first. "
        "Light on dark: like the canvas and MNIST. Guess: judged from the photo.",
    )
    ink = None if choice == "guess" else choice
    if upload is None:
        st.caption(
            "Write a digit on paper with a dark pen, take a photo, and upload it. The ink is "
            "separated from the paper (shadows included) and then prepared like a drawing."
        )
        waiting = ("Upload a photo", "The prediction appears here once a photo is uploaded.")
        return DigitPicture(None, photo=True, origin="your photo", ink=ink, waiting=waiting)
    try:
        pixels = _photo_pixels(upload.getvalue(), upload.name)
    except ImageDecodeError as err:
        # The message names the file: shown as typed, never as Markdown, HTML or LaTeX.
        st.error(literal(str(err)), icon=":material/block:")
        waiting = ("No photo to read", "The file could not be read: see the message beside.")
        return DigitPicture(None, photo=True, origin="your photo", ink=ink, waiting=waiting)
    st.image(
        thumbnail(pixels, 280),
        caption=literal(upload.name),
        alt=f"Your photo {upload.name}, {pixels.shape[1]}×{pixels.shape[0]} pixels",
    )
    return DigitPicture(pixels, photo=True, origin="your photo", ink=ink)


def _opened_digit(opened: dict) -> DigitPicture:
    """A test digit opened from the Retrain page's gallery (pixels travel as 784 bytes)."""
    pixels = np.frombuffer(opened["pixels"], dtype=np.uint8).reshape(28, 28)
    st.image(
        thumbnail(pixels, 280),
        caption=opened["origin"],
        alt=f"{opened['origin']}: a handwritten {opened['label']}",
        output_format="PNG",
    )
    if opened.get("read_by"):
        st.caption(opened["read_by"])
    if st.button("Back to random samples", icon=":material/casino:"):
        del st.session_state[common_keys.OPENED_TEST_DIGIT]
        st.rerun()
    return DigitPicture(pixels, photo=False, origin=opened["origin"], true_label=opened["label"])


def sample_digit() -> DigitPicture:
    """One MNIST test digit, with its true label. A button picks another at random."""
    opened = st.session_state.get(common_keys.OPENED_TEST_DIGIT)
    if opened is not None:
        return _opened_digit(opened)
    x_test, y_test = test_digits()
    index = st.session_state.setdefault(keys.SAMPLE_INDEX, 0)
    st.image(
        thumbnail(x_test[index], 280),
        caption=f"MNIST test digit #{index}",
        alt=f"MNIST test digit #{index}: a handwritten {int(y_test[index])}",
        output_format="PNG",
    )
    st.button(
        "Another sample",
        icon=":material/casino:",
        on_click=jump_to_another,
        args=(keys.SAMPLE_INDEX, len(y_test)),
    )
    return DigitPicture(
        x_test[index],
        photo=False,
        origin=f"MNIST test digit #{index}",
        true_label=int(y_test[index]),
    )


def reading_settings(pen: bool) -> tuple[bool, bool]:
    """Pen width (for the canvas) beside the two reading toggles, one above the other.

    Returns (mnist_style, upright).
    """
    pen_col, toggles_col = st.columns(2, gap="large")
    if pen:
        with pen_col:
            pen_width_slider()
    with toggles_col:
        mnist_style = mnist_style_toggle()
        upright = upright_toggle()
    return mnist_style, upright


def mnist_style_toggle() -> bool:
    return st.toggle(
        "MNIST-style preprocessing",
        value=True,
        key=keys.MNIST_STYLE,
        help="On: crop to the ink, fit into 20×20, centre by mass, as MNIST was made. "
        "Off: squash the whole picture to 28×28, as many demos do.",
        persist_state="session",  # still off after a visit to another page
    )


def upright_toggle() -> bool:
    return st.toggle(
        "Also read it upright",
        value=True,
        key=common_keys.UPRIGHT,
        help="On: the model reads the input twice, as it is and sheared so that it leans "
        "neither way, and averages the two. Slanted handwriting is read better so. "
        "Off: one reading of the input as it is.",
        persist_state="session",  # the network page reads it too (reads_upright)
    )


def _announce(text: str) -> None:
    """The prediction in the polite live region, first in the prediction box on every run.

    Markdown, not st.html: on a rerun React updates the text of markdown's node in
    place, while st.html replaces its whole inner HTML, and a live region made anew
    is not announced by most screen readers.
    """
    st.markdown(live_prediction_html(text), unsafe_allow_html=True)


def show_prediction(reading: Reading | None, picture: DigitPicture) -> None:
    """The prediction box: the digit, large, and all ten probabilities; or why there is none."""
    with st.container(key=keys.PREDICTION_BOX, border=True):
        if reading is None:
            heading, text = picture.waiting
            _announce(heading)
            st.markdown(f"## {heading}")
            st.caption(text)
            return
        if reading.forward is None:
            heading = _no_digit_heading(reading, picture)
            _announce(heading)
            st.markdown(f"## {heading}")
            st.caption(_no_digit_text(reading, picture))
            return
        probabilities = reading.probabilities
        digit, confidence = reading.digit, reading.confidence
        _announce(f"Prediction: {digit}, {confidence:.0%} sure")
        st.markdown(f"## Prediction: {digit}")
        verdict = f"{confidence:.1%} sure"
        if picture.true_label is not None:
            right = "✅" if picture.true_label == digit else "❌"
            verdict += f" · true label **{picture.true_label}** {right}"
        st.markdown(verdict)
        if reading.doubts:
            st.warning(
                "**Not sure**: this looks unlike a digit, because "
                + "; and ".join(reading.doubts)
                + ".",
                icon=":material/help:",
            )
        elif confidence < SURE_ENOUGH:
            runner_up = int(np.argsort(probabilities)[-2])
            st.warning(
                f"**Not sure**: the model gives {digit} only {confidence:.0%}; "
                f"it might be a {runner_up} ({probabilities[runner_up]:.0%}).",
                icon=":material/help:",
            )
        chart_with_summary(
            probability_figure(probabilities, picture.true_label),
            "the model's probability for each digit",
            top_probabilities_text(probabilities),
        )
        st.html(probability_table_html(probabilities))
        # Under the bars, so that the bars fit beside the canvas on a projector (1280×720).
        if reading.upright is not None:
            st.caption(_two_looks_note(reading))
        if picture.photo:
            st.caption(_ink_note(reading))


def _no_digit_heading(reading: Reading, picture: DigitPicture) -> str:
    if picture.photo:
        return "No digit found in the photo"
    return (
        "Draw a digit" if reading.prepared.empty_reason == NO_INK else "Too little ink for a digit"
    )


def _no_digit_text(reading: Reading, picture: DigitPicture) -> str:
    prepared = reading.prepared
    if picture.photo:
        return (
            f"{prepared.message}, reading it as {INK_WORDS[prepared.ink]}. The steps below "
            "show what was taken for ink. A photo of one digit, cropped close, with the "
            "pen's strokes clear against the paper works best."
        )
    if prepared.empty_reason == ONLY_DOTS:
        return "A dot is not a digit: draw one digit, 0 to 9, with its strokes."
    if prepared.empty_reason == NO_INK:
        return "Draw one digit, 0 to 9, in the black square."
    return "Only specks: draw one digit, 0 to 9, big enough to fill most of the square."


def lean_words(degrees: float) -> str:
    """How a digit leaned, in words: "leaned 21° right", or "stood upright" under a degree."""
    if abs(degrees) < 1:
        return "stood upright already"
    return f"leaned {abs(degrees):.0f}° {'right' if degrees > 0 else 'left'}"


def _two_looks_note(reading: Reading) -> str:
    drawn, upright = reading.forward.probabilities, reading.upright.probabilities
    as_drawn, straight = int(np.argmax(drawn)), int(np.argmax(upright))
    return (
        f"The average of two readings: as prepared, {as_drawn} ({drawn[as_drawn]:.0%}); "
        f"sheared upright, {straight} ({upright[straight]:.0%}). Over all its ink, the "
        f"digit {lean_words(reading.upright.lean_degrees)}."
    )


def _ink_note(reading: Reading) -> str:
    how = "guessed from the photo" if reading.ink_guessed else "as chosen under the upload"
    return f"Read as {INK_WORDS[reading.prepared.ink]}, {how}."


def model_note(card: ModelCard, active_name: str) -> None:
    """Which model the page runs: a shipped one unless a retrained one is active."""
    # The card's accuracy reads each test digit once, not twice as this page does.
    measured = f"{card.test_accuracy:.2%} on the {card.test_set}, each digit read once"
    if active_name in SHIPPED_NAMES:
        st.caption(
            f"No retrained model is active, so this page runs the shipped model "
            f"**{active_name}** (preset `{card.preset}`; {measured})."
        )
    else:
        st.caption(
            f"This page runs your retrained model **{card.name}** (preset `{card.preset}`; "
            f"{measured})."
        )
