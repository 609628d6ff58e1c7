"""Which model is active in this browser session.

ACTIVE_MODEL in session state is the one source of truth: "default", "seed",
or the path of a saved or freshly trained model. The sidebar's picker only
mirrors it.
"""

from __future__ import annotations

import streamlit as st

from components.common import keys


def active_model_name() -> str:
    return st.session_state.setdefault(keys.ACTIVE_MODEL, "default")


def use_model(name_or_path: str) -> None:
    """Make a model active for this browser session only; the picker follows on the next run."""
    st.session_state[keys.ACTIVE_MODEL] = name_or_path
