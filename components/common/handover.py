"""What one page leaves for another, each in one typed value: pages never read each
other's widgets.

- The draw page hands the network page the digit its model last read
  (`hand_over_digit`, `handed_digit`), so both pages show the same numbers.
- The draw page's "Also read it upright" is the session's reading setting
  (`reads_upright`): the network page reads its digit the same way.
- The Retrain page opens a test digit on the draw page (`open_on_draw_page`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from components.common import keys
from components.common.active_model import use_model
from model.digits.mnist import SIDE

DRAW_PAGE = "app_pages/draw.py"


@dataclass(frozen=True)
class CurrentDigit:
    """The digit the draw page's model last read."""

    pixels: np.ndarray  # (28, 28) float32 in [0, 1]: exactly the input the model read
    origin: str  # for people: "your drawing", "MNIST test digit #17"


def hand_over_digit(model_input: np.ndarray | None, origin: str) -> None:
    """Keep the draw page's model input (3 KB) for the network page; None forgets it."""
    if model_input is None:
        st.session_state.pop(keys.CURRENT_DIGIT, None)
        return
    st.session_state[keys.CURRENT_DIGIT] = CurrentDigit(np.array(model_input, np.float32), origin)


def handed_digit() -> CurrentDigit | None:
    """The draw page's digit, if it has read one."""
    digit = st.session_state.get(keys.CURRENT_DIGIT)
    if digit is None or np.shape(digit.pixels) != (SIDE, SIDE):
        return None
    return digit


def reads_upright() -> bool:
    """Whether digits are also read sheared upright (the draw page's toggle; on by default)."""
    return st.session_state.get(keys.UPRIGHT, True)


def open_on_draw_page(
    pixels: np.ndarray, label: int, origin: str, model: str | None = None, read_by: str = ""
) -> None:
    """Show a test digit on the draw page, as an MNIST sample with its true label.

    `model`: the path of the model whose answer the digit is opened for (a run's);
    it becomes the active model, so the draw page reads the digit as that model did.
    `read_by`: a sentence for the draw page saying which model reads it, and why.
    """
    if model is not None:
        use_model(model)
    st.session_state[keys.OPENED_TEST_DIGIT] = {
        "pixels": np.asarray(pixels, np.uint8).tobytes(),  # 784 bytes
        "label": int(label),
        "origin": origin,
        "read_by": read_by,
    }
    st.session_state[keys.SHOW_OPENED_DIGIT] = True
    st.switch_page(DRAW_PAGE)
