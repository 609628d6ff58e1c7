"""Which model is active in this browser session.

ACTIVE_MODEL in session state is the one source of truth: "default", "seed",
or the path of a saved or freshly trained model. The sidebar's picker only
mirrors it.
"""

from __future__ import annotations

import streamlit as st

from components.common import keys

# The start page's links carry this query parameter: arriving by one of them makes
# the lesson's model active. The parameter is removed at once, so a model picked
# later in the sidebar is not undone by the next rerun of the same address.
LESSON_LINK = {"lesson": "seed"}
LESSON_MODEL = "seed"


def active_model_name() -> str:
    return st.session_state.setdefault(keys.ACTIVE_MODEL, "default")


def use_model(name_or_path: str) -> None:
    """Make a model active for this browser session only; the picker follows on the next run."""
    st.session_state[keys.ACTIVE_MODEL] = name_or_path
    st.session_state[keys.LESSON_MODEL] = False


def follow_lesson_link() -> None:
    """Make the lesson's model active if this run came from a lesson link."""
    ((param, value),) = LESSON_LINK.items()
    if st.query_params.get(param) != value:
        return
    del st.query_params[param]
    st.session_state[keys.ACTIVE_MODEL] = LESSON_MODEL
    st.session_state[keys.LESSON_MODEL] = True


def is_lesson_model(name: str) -> bool:
    """Whether `name` is active because the lesson path chose it."""
    return name == LESSON_MODEL and st.session_state.get(keys.LESSON_MODEL, False)
