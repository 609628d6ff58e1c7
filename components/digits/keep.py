"""The draw page's "Keep this digit": the drawing, with a label, into My digits.

The label picker is preselected to the prediction for each new drawing: one
tap corrects it. One press keeps the drawing once; a new drawing can be kept again.
"""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from components.digits import keys
from components.digits.store import how_many, keep_digit, my_token, said, say
from model.mine.collection import as_stored_inputs, drawing_thumbnail
from model.preprocess.reading import Reading

DIGITS = list(range(10))


def keep_this_digit(reading: Reading | None, drawing: np.ndarray | None) -> None:
    """Under the prediction: the label picker and Keep, for a drawing the model read."""
    if reading is None or reading.forward is None or drawing is None:
        return
    prepared = as_stored_inputs(reading.prepared.input)[0]
    this = hashlib.sha1(np.ascontiguousarray(drawing).tobytes()).hexdigest()  # this drawing
    if st.session_state.get(keys.LABEL_FOR) != this:  # a new drawing: its prediction
        st.session_state[keys.LABEL_FOR] = this
        st.session_state[keys.KEEP_LABEL] = reading.digit
    token = my_token()
    kept = st.session_state.get(keys.KEPT_INPUT) == this
    with st.container(key=keys.KEEP_BOX, border=True):
        st.markdown("**Keep this digit** in My digits, labelled")
        st.segmented_control(
            "Label",
            DIGITS,
            required=True,
            key=keys.KEEP_LABEL,
            label_visibility="collapsed",
            help="The prediction is chosen for you: tap the right digit if it is wrong.",
        )
        st.button(
            "Kept" if kept else "Keep this digit",
            key=keys.KEEP_DIGIT,
            icon=":material/check:" if kept else ":material/bookmark_add:",
            disabled=token is None or kept,
            on_click=_keep,
            args=(token, prepared, drawing, this, reading.digit),  # made small only if kept
        )
        for kind, sentence in said():
            (st.success if kind == "ok" else st.warning)(sentence)
        if token is None:
            st.caption("Waiting for this browser's storage, which keeps your digits.")
        else:
            st.page_link("app_pages/digits.py", label="See My digits", icon=":material/apps:")


def _keep(
    token: str, prepared: np.ndarray, drawing: np.ndarray, this: str, read_as: int | None = None
) -> None:
    # A drawing already kept is not kept again: one press can reach this callback twice (a
    # test run kept one drawing twice from one click; which Streamlit path called it again
    # is not known), and a student's set must not hold the same digit twice.
    if st.session_state.get(keys.KEPT_INPUT) == this:
        return
    label = st.session_state.get(keys.KEEP_LABEL)
    if label is None:  # a browser that sent no value for the label shows none chosen
        say("warn", "Tap the digit this drawing is, then keep it.")
        return
    label = int(label)

    kept = keep_digit(token, prepared, label, drawing_thumbnail(drawing))
    if kept is None:
        return
    mine, problem = kept
    st.session_state[keys.KEPT_INPUT] = this
    sentence = f"Kept as {label}: you have {how_many(len(mine))}."
    if read_as is not None and read_as != label:
        # The way to a model that reads this student's writing: benchmarks/my_digits.py.
        sentence += (
            f" The model read it as {read_as}: a few more of your {label}s and a fine-tune "
            "on them (My digits) can teach it your writing."
        )
    say("ok", sentence)
    if problem:
        say("warn", problem)
