"""Which digit the network page shows: the one from the draw page, or an MNIST test digit.

The draw page hands over the exact 28×28 input its model read
(common/handover.py); this page feeds that same array to the model, so its
numbers are the draw page's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from components.common.handover import handed_digit
from components.common.test_digits import jump_to_another, test_digits
from components.network import keys
from model.inside.embedding import PLACED_DIGITS

DRAWN, MNIST = "drawn", "mnist"


@dataclass(frozen=True)
class NetworkDigit:
    pixels: np.ndarray  # (28, 28) float32 in [0, 1]: exactly what the model reads
    origin: str  # for people: "your drawing (from the Draw page)", "MNIST test digit #17"
    true_label: int | None  # known for MNIST test digits
    test_index: int | None = None  # which of the placed test digits it is, if one of them


def choose_network_digit() -> NetworkDigit:
    """The drawn digit if there is one (or an MNIST test digit, if the user picks that)."""
    drawn = handed_digit()
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
            return NetworkDigit(drawn.pixels, f"{drawn.origin} (from the Draw page)", None)
    else:
        st.caption(
            "Draw a digit on the **Draw a digit** page and it appears here. Until then, "
            "pick one of the first 2,000 MNIST test digits."
        )
    x_test, y_test = test_digits()
    x_test, y_test = x_test[:PLACED_DIGITS], y_test[:PLACED_DIGITS]  # the ones the space places
    st.session_state.setdefault(keys.NETWORK_SAMPLE, 0)
    number_col, button_col = st.columns([3, 2], vertical_alignment="bottom")
    index = number_col.number_input(
        f"MNIST test digit (0 to {len(y_test) - 1:,})",
        min_value=0,
        max_value=len(y_test) - 1,
        step=1,
        key=keys.NETWORK_SAMPLE,
    )
    button_col.button(
        "Random",
        icon=":material/casino:",
        on_click=jump_to_another,
        args=(keys.NETWORK_SAMPLE, len(y_test)),
    )
    index = int(index)
    return NetworkDigit(
        x_test[index].astype(np.float32) / 255.0,
        f"MNIST test digit #{index}",
        int(y_test[index]),
        test_index=index,
    )
