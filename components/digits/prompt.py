"""The prompted mode: "Draw a 3", kept with that label, then the next digit, 0 to 9 and round.

Kept on Next, or as soon as the pen lifts when that is switched on (for digits
drawn in one stroke: a 4 or a 5 drawn in two would be kept half done). The
drawing is prepared exactly as the draw page prepares it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from components.common.patches import empty_canvas_value
from components.digits import keys
from components.digits.store import keep_digit, say
from components.draw.canvas import light_drawing
from model.preprocess import prepare_for_ink

STROKE = 20  # the draw page's canvas and pen: the same strokes give the same inputs


def prompted(token: str | None) -> None:
    digit = st.session_state.setdefault(keys.PROMPT_DIGIT, 0)
    generation = st.session_state.setdefault(keys.PROMPT_GENERATION, 0)
    with st.container(key=keys.PROMPT_BOX, border=True):
        st.markdown(f"### Draw a {digit}")
        drawing = read_prompt_canvas(generation)
        on_release = st.toggle(
            "Keep as soon as I lift the pen",
            key=keys.PROMPT_ON_RELEASE,
            help="For digits drawn in one stroke. Otherwise press Next when the digit is done.",
        )
        if drawing is not None and on_release and token is not None:
            _keep(token, drawing, digit)
            st.rerun()
        next_col, skip_col = st.columns(2)
        next_col.button(
            "Next",
            key=keys.PROMPT_NEXT,
            type="primary",
            icon=":material/arrow_forward:",
            disabled=drawing is None or token is None,
            on_click=_keep,
            args=(token, drawing, digit),
            width="stretch",
        )
        skip_col.button("Skip this digit", on_click=_advance, args=(digit,), width="stretch")


def read_prompt_canvas(generation: int) -> np.ndarray | None:
    """The canvas's RGBA picture, or None while empty; tests replace this one call."""
    drawing = light_drawing(
        keys.PROMPT_CANVAS,
        keys.PROMPT_CANVAS_COPY,
        stroke_width=STROKE,
        initial_drawing={"objects": [], "clears": generation},  # a new value empties it
    )
    if drawing is None or not drawing.objects:
        return None
    return drawing.pixels


def _keep(token: str, drawing: np.ndarray, digit: int) -> None:
    prepared = prepare_for_ink(drawing, "light-on-dark")
    if prepared.blank:
        say("warn", f"Not kept: {prepared.message}. Draw a {digit} across most of the square.")
        return

    kept = keep_digit(token, prepared.input, digit, drawing)
    if kept is None:
        return
    mine, problem = kept
    say("ok", f"Kept a {digit}: {int(mine.counts()[digit])} of them, {len(mine):,} digits in all.")
    if problem:
        say("warn", problem)
    _advance(digit)


def _advance(digit: int) -> None:
    st.session_state[keys.PROMPT_DIGIT] = (digit + 1) % 10
    st.session_state[keys.PROMPT_GENERATION] += 1
    empty_canvas_value(keys.PROMPT_CANVAS)
