"""The draw page's sections below the prediction: the preprocessing steps.

Each function takes plain values, draws one section's pictures and words, and
returns nothing. The headers and teaching text stay in the page.
"""

from __future__ import annotations

import streamlit as st

from components.draw_input import DigitPicture
from components.draw_views import THUMBNAIL_SIDE, thumbnail
from model.mnist import SIDE
from model.preprocess import PreparedDigit


def preprocessing_steps(picture: DigitPicture, prepared: PreparedDigit) -> None:
    """Every step from the picture to the 28×28 input, one thumbnail and caption each."""
    steps = [("Your picture", picture.pixels), *((s.title, s.image) for s in prepared.steps)]
    st.image(
        [thumbnail(image) for _, image in steps],
        caption=[f"{number}. {title}" for number, (title, _) in enumerate(steps, start=1)],
        width=THUMBNAIL_SIDE,
        output_format="PNG",  # JPEG would smear the hard pixel edges
    )
    if prepared.blank:
        return
    row, col = prepared.center_of_mass
    st.caption(
        f"The last picture is the model's whole input: {SIDE}×{SIDE} = {SIDE * SIDE} numbers. "
        f"Its centre of mass, the average position of the ink weighted by brightness, is at "
        f"row {row:.1f}, column {col:.1f}, counting from 0 at the top left."
    )
