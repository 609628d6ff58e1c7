"""The drawing canvas: white strokes on black, like MNIST.

`draw_digit()` draws the canvas with its Undo and Redo buttons, and a Clear
button, and returns the drawing as an (H, W, 4) uint8 array, or None while
nothing is drawn. The canvas sends its change when the mouse (or finger) is
released, and that rerun is the prediction: there is no "predict" button. A
change is the new stroke and the picture's bytes where they changed, a few
kilobytes (assets/canvas_light_strokes.js); strokes.CanvasCopy adds it to the
server's copy, which is the browser's PNG byte for byte.
`pen_width_slider()` sets the pen for the next stroke, wherever the page puts it.

The drawing outlives the canvas: a visit to another page (or another input tab)
removes the canvas and its value, so the last drawing is kept in session state,
its strokes and its picture, and a new canvas starts from its strokes.

Tests replace `read_canvas` (the one call into the widget) to hand the page a
drawing without a browser.
"""

from __future__ import annotations

import contextlib

import numpy as np
import streamlit as st

from components.common.patches import empty_canvas_value, light_canvas
from components.draw import keys
from components.draw.strokes import CanvasCopy, Drawing, UnusableChange

CANVAS_SIDE = 280  # 10 canvas pixels per MNIST pixel
# MNIST strokes are 2 to 3 pixels wide in a 20-pixel digit: about 20 canvas
# pixels for a digit drawn 200 pixels tall.
DEFAULT_STROKE = 20
STROKE_RANGE = (6, 40)


def light_drawing(
    key: str, copy_key: str, *, stroke_width: int, initial_drawing: dict
) -> Drawing | None:
    """Draw the canvas with this key; the drawing its value brings, or None.

    None before its first stroke, and when its value cannot be added to the copy
    kept under `copy_key` (the canvas is then asked for its whole drawing, and
    sends it at once). The value is read before the canvas is drawn, so that the
    canvas hears in this very run which drawing the server now holds, and sends
    the next change from it.
    """
    state = st.session_state
    copy = state.setdefault(copy_key, CanvasCopy())
    value = (state.get(key) or {}).get("drawing")
    drawing = None
    if value is not None:
        with contextlib.suppress(UnusableChange):
            drawing = copy.receive(value)
    light_canvas(
        key=key,
        stroke_width=stroke_width,
        side=CANVAS_SIDE,
        initial_drawing=initial_drawing,
        ack=copy.ack(),
    )
    return drawing


def read_canvas(clears: int, stroke_width: int) -> np.ndarray | None:
    """The canvas widget itself; returns its RGBA picture, or None while it is empty.

    `clears` counts the Clear clicks: when it changes, the canvas empties itself.
    """
    state = st.session_state
    kept: Drawing | None = state.get(keys.KEPT_DRAWING)
    if keys.DIGIT_CANVAS not in state:  # a new canvas: it starts from the kept drawing
        state[keys.CANVAS_START] = kept.objects if kept else []
    sent = light_drawing(
        keys.DIGIT_CANVAS,
        keys.CANVAS_COPY,
        stroke_width=stroke_width,
        # The canvas reloads `initial_drawing` whenever it differs from the last
        # one it was given, and so clears without being remounted. Fabric keeps
        # the extra "clears" field on its canvas object and never sends it back.
        # The strokes are only ever the kept ones, given once to a new canvas.
        initial_drawing={"objects": state.get(keys.CANVAS_START, []), "clears": clears},
    )
    # A new canvas given the kept strokes sends nothing until its next stroke.
    kept = sent if sent is not None else kept
    if kept is None or not kept.objects:
        state.pop(keys.KEPT_DRAWING, None)
        return None
    state[keys.KEPT_DRAWING] = kept
    return kept.pixels


def _clear() -> None:
    """Empty the canvas, keeping the same widget.

    A new widget key would also clear it, but the browser then removes the old
    canvas and mounts a new one, and while the page tears down its charts (up
    to a second) there is no canvas where the person draws next: strokes made
    as soon as the rerun was over were lost. So the canvas keeps its key; the
    drawing it last sent is dropped here, before the rerun reads it, and the
    changed `initial_drawing` empties the canvas in the browser.
    """
    st.session_state[keys.CANVAS_GENERATION] += 1
    st.session_state[keys.CANVAS_START] = []
    st.session_state.pop(keys.KEPT_DRAWING, None)
    empty_canvas_value(keys.DIGIT_CANVAS)


def draw_digit() -> np.ndarray | None:
    """Canvas, Undo, Redo and Clear. Returns (280, 280, 4) uint8, or None when empty."""
    state = st.session_state
    generation = state.setdefault(keys.CANVAS_GENERATION, 0)
    # Clear in the same box: assets/access.css puts it in the row of Undo and Redo
    # wherever the column is wide enough for the three.
    with st.container(key=keys.DIGIT_CANVAS_BOX):
        drawing = read_canvas(generation, state.get(keys.STROKE_WIDTH, DEFAULT_STROKE))
        st.button("Clear", icon=":material/delete:", on_click=_clear, key=keys.CLEAR_BUTTON)
    return drawing


def pen_width_slider() -> None:
    """The pen's width for the next stroke (the canvas reads it from session state).

    DEFAULT_STROKE is the slider's own default rather than a value put in session state
    first: on a browser's first visit the slider once showed its default (the range's
    lowest, 6) when the token's rerun came right after the first run.
    """
    st.slider(
        "Pen width",
        *STROKE_RANGE,
        value=DEFAULT_STROKE,
        step=2,
        key=keys.STROKE_WIDTH,
        help="Applies to the next stroke. MNIST's strokes are about "
        f"{DEFAULT_STROKE} px wide at this size.",
    )
