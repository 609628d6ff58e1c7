"""The drawing canvas: white strokes on black, like MNIST.

`draw_digit()` draws the canvas, a pen-width slider and a Clear button, and
returns the drawing as an (H, W, 4) uint8 array, or None while nothing is drawn.
The canvas sends its picture when the mouse is released, and that rerun is the
prediction: there is no "predict" button.

Tests replace `read_canvas` (the one call into the widget) to hand the page a
drawing without a browser.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from components.common.patches import canvas_toolbar_fix, empty_canvas_value
from components.draw import keys

CANVAS_SIDE = 280  # 10 canvas pixels per MNIST pixel
# MNIST strokes are 2 to 3 pixels wide in a 20-pixel digit: about 20 canvas
# pixels for a digit drawn 200 pixels tall.
DEFAULT_STROKE = 20
STROKE_RANGE = (6, 40)


def read_canvas(clears: int, stroke_width: int) -> np.ndarray | None:
    """The canvas widget itself; returns its RGBA picture, or None while it is empty.

    `clears` counts the Clear clicks: when it changes, the canvas empties itself.
    """
    # Imported on first use: the package registers its component on import, which
    # needs a running Streamlit, so importing this module elsewhere stays harmless.
    from streamlit_drawable_canvas import st_canvas

    canvas_toolbar_fix()  # our stylesheet for its toolbar (components/common/patches.py)
    result = st_canvas(
        stroke_width=stroke_width,
        stroke_color="#FFFFFF",
        background_color="#000000",
        height=CANVAS_SIDE,
        width=CANVAS_SIDE,
        drawing_mode="freedraw",
        # The canvas reloads `initial_drawing` whenever it differs from the last
        # one it was given, and so clears without being remounted. Fabric keeps
        # the extra "clears" field on its canvas object and never sends it back.
        initial_drawing={"objects": [], "clears": clears},
        # The PNG the browser renders, anti-aliased like MNIST's scanned strokes.
        return_image_data=True,
        key=keys.DIGIT_CANVAS,
    )
    # Checking the strokes first skips decoding a PNG of an empty canvas.
    if not (result.json_data or {}).get("objects"):
        return None
    return result.image_data


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
    empty_canvas_value(keys.DIGIT_CANVAS)


def draw_digit() -> np.ndarray | None:
    """Canvas, pen width and Clear. Returns (280, 280, 4) uint8, or None when empty."""
    state = st.session_state
    generation = state.setdefault(keys.CANVAS_GENERATION, 0)
    state.setdefault(keys.STROKE_WIDTH, DEFAULT_STROKE)
    st.space("small")  # room for the canvas's toolbar, which pops up above it on hover
    with st.container(key=keys.DIGIT_CANVAS_BOX):
        drawing = read_canvas(generation, state[keys.STROKE_WIDTH])
    width_col, clear_col = st.columns([3, 1], vertical_alignment="bottom")
    width_col.slider(
        "Pen width",
        *STROKE_RANGE,
        step=2,
        key=keys.STROKE_WIDTH,
        help="Applies to the next stroke. MNIST's strokes are about "
        f"{DEFAULT_STROKE} px wide at this size.",
    )
    clear_col.button("Clear", icon=":material/delete:", on_click=_clear, width="stretch")
    st.caption("Hover over the canvas for **undo** and **redo**.")
    return drawing
