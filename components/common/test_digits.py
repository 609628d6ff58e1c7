"""The MNIST test digits that the draw and network pages offer, loaded once per server.

The bundled sample is real MNIST: its first 2,000 official test digits. The
arrays are small (under 1 MB) and read-only, so one copy serves every session.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from model.digits.data import load_bundled_sample


@st.cache_resource
def test_digits() -> tuple[np.ndarray, np.ndarray]:
    """(N, 28, 28) uint8 test digits and their (N,) labels."""
    sample = load_bundled_sample()
    return sample.x_test, sample.y_test


def jump_to_another(key: str, count: int) -> None:
    """Move the test-digit index under `key` to another of `count`, at random: never the same."""
    step = int(np.random.default_rng().integers(1, count))
    st.session_state[key] = (st.session_state[key] + step) % count
