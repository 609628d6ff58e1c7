"""Which digit the network page shows: the one from the draw page, or an MNIST test digit.

The draw page calls `remember_for_network` with the exact 28×28 input its model
read; this page feeds that same array to the model, so its numbers are the draw
page's numbers. Only that small array (3 KB) goes into session state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from components.common import state_keys as keys
from model.digits.data import load_bundled_sample
from model.digits.mnist import SIDE
from model.inside.embedding import PLACED_DIGITS

DRAWN, MNIST = "drawn", "mnist"


@dataclass(frozen=True)
class NetworkDigit:
    pixels: np.ndarray  # (28, 28) float32 in [0, 1]: exactly what the model reads
    origin: str  # for people: "your drawing (from the Draw page)", "MNIST test digit #17"
    true_label: int | None  # known for MNIST test digits
    test_index: int | None = None  # which of the placed test digits it is, if one of them


def remember_for_network(model_input: np.ndarray | None, origin: str) -> None:
    """Keep the draw page's model input for the network page; None forgets it."""
    if model_input is None:
        st.session_state.pop(keys.NETWORK_DRAWN_INPUT, None)
        st.session_state.pop(keys.NETWORK_DRAWN_ORIGIN, None)
        return
    st.session_state[keys.NETWORK_DRAWN_INPUT] = np.array(model_input, np.float32)
    st.session_state[keys.NETWORK_DRAWN_ORIGIN] = origin


def _drawn_input() -> np.ndarray | None:
    value = st.session_state.get(keys.NETWORK_DRAWN_INPUT)
    if value is None or np.shape(value) != (SIDE, SIDE):
        return None
    return np.asarray(value, np.float32)


# The first 2,000 official test digits, read-only and shared by every session.
@st.cache_resource
def _test_digits() -> tuple[np.ndarray, np.ndarray]:
    sample = load_bundled_sample()
    return sample.x_test[:PLACED_DIGITS], sample.y_test[:PLACED_DIGITS]


def _random_test_digit() -> None:
    count = len(_test_digits()[1])
    step = int(np.random.default_rng().integers(1, count))  # never the same digit again
    st.session_state[keys.NETWORK_SAMPLE] = (st.session_state[keys.NETWORK_SAMPLE] + step) % count


def choose_network_digit() -> NetworkDigit:
    """The drawn digit if there is one (or an MNIST test digit, if the user picks that)."""
    drawn = _drawn_input()
    if drawn is not None:
        source = st.segmented_control(
            "Which digit",
            [DRAWN, MNIST],
            format_func={DRAWN: "Your digit from the Draw page", MNIST: "An MNIST test digit"}.get,
            default=DRAWN,
            required=True,
            key=keys.NETWORK_SOURCE,
        )
        if source == DRAWN:
            origin = st.session_state.get(keys.NETWORK_DRAWN_ORIGIN, "your drawing")
            return NetworkDigit(drawn, f"{origin} (from the Draw page)", None)
    else:
        st.caption(
            "Draw a digit on the **Draw a digit** page and it appears here. Until then, "
            "pick one of the first 2,000 MNIST test digits."
        )
    x_test, y_test = _test_digits()
    st.session_state.setdefault(keys.NETWORK_SAMPLE, 0)
    number_col, button_col = st.columns([3, 2], vertical_alignment="bottom")
    index = number_col.number_input(
        f"MNIST test digit (0 to {len(y_test) - 1:,})",
        min_value=0,
        max_value=len(y_test) - 1,
        step=1,
        key=keys.NETWORK_SAMPLE,
    )
    button_col.button("Random", icon=":material/casino:", on_click=_random_test_digit)
    index = int(index)
    return NetworkDigit(
        x_test[index].astype(np.float32) / 255.0,
        f"MNIST test digit #{index}",
        int(y_test[index]),
        test_index=index,
    )
