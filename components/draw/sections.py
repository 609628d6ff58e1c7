"""The draw page's sections below the prediction: the preprocessing steps and the input's numbers.

Each function takes plain values, draws one section's pictures and words, and
returns nothing. The headers and teaching text stay in the page.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from components.common.number_grid import digit_input_html
from components.common.pictures import picture_row_html
from components.draw import keys
from components.draw.input import DigitPicture, lean_words
from model.digits.mnist import SIDE
from model.preprocess import PreparedDigit
from model.preprocess.reading import Upright


def preprocessing_steps(
    picture: DigitPicture, prepared: PreparedDigit, upright: Upright | None = None
) -> None:
    """Every step from the picture to the 28×28 input, one thumbnail and caption each.

    With `upright`, the copy sheared upright follows, with how it was made.
    """
    steps = [("Your picture", picture.pixels), *((s.title, s.image) for s in prepared.steps)]
    st.html(
        picture_row_html(
            [
                # What each picture shows, for a screen reader: its step and its own size.
                (
                    image,
                    f"{number}. {title}",
                    f"Step {number}: {title}; a {image.shape[1]}×{image.shape[0]} pixel picture",
                )
                for number, (title, image) in enumerate(steps, start=1)
            ]
        )
    )
    if prepared.blank:
        return
    row, col = prepared.center_of_mass
    st.caption(
        f"The last picture is the model's whole input: {SIDE}×{SIDE} = {SIDE * SIDE} numbers. "
        f"Its centre of mass, the average position of the ink weighted by brightness, is at "
        f"row {row:.1f}, column {col:.1f}, counting from 0 at the top left."
    )
    if upright is None:
        return
    picture_col, words_col = st.columns([1, 3], vertical_alignment="center")
    with picture_col:
        st.html(
            picture_row_html(
                [
                    (
                        upright.input,
                        "The second reading's input: sheared upright",
                        f"The second reading's input: the {SIDE}×{SIDE} input sheared until "
                        "it stands upright",
                    )
                ]
            )
        )
    words_col.markdown(
        "**A second reading, upright.** Measured over all its ink (the slope of a line "
        f"fitted through it), your digit {lean_words(upright.lean_degrees)}. "
        "Most people slant their digits more than MNIST's writers did, so the model also "
        "reads a copy sheared until its ink, taken as a whole, leans neither way: each row "
        "slides sideways, in proportion to its distance from the centre of mass, by "
        f"{abs(upright.shear):.2f} pixels per row. A loop counts as much as a stem, so a 9 "
        "whose loop sits to one side can come out with its stem tilted the other way. The "
        "prediction is the average of the two readings' probabilities; the sections below "
        "follow the first input."
    )


def input_numbers(digit: np.ndarray) -> None:
    """The model's exact input as a grid of 784 numbers from 0 to 255.

    The input holds byte levels k / 255 (prepare_digit rounds it so, as MNIST's
    pixels are), so each k shown is exactly what the model reads, times 255.
    Drawn as the image page draws its 28 × 28 view: the same shades and numbers.
    """
    levels = np.round(np.asarray(digit, dtype=np.float64) * 255).astype(np.uint8)
    numbers_col, words_col = st.columns([3, 2], gap="large")
    with numbers_col.container(key=keys.DRAW_INPUT_NUMBERS_BOX):
        st.html(digit_input_html(levels))
    inked = int(np.count_nonzero(levels))
    words_col.markdown(
        f"These are the {digit.size} numbers the model reads: the last picture above, one "
        f"number per pixel, 0 black to 255 white, rows and columns counted from 0."
    )
    words_col.markdown(
        f"Only {inked} of them are above 0; the rest is black paper. The model reads each "
        f"number divided by 255, so 255 becomes 1.0 and 128 becomes {128 / 255:.2f}: the "
        "same scale its training digits had."
    )
