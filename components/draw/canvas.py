"""The drawing canvas: white strokes on black, like MNIST.

`draw_digit()` draws the canvas, a pen-width slider and a Clear button, and
returns the drawing as an (H, W, 4) uint8 array, or None while nothing is drawn.
The canvas sends its picture when the mouse is released, and that rerun is the
prediction: there is no "predict" button.

Tests replace `read_canvas` (the one call into the widget) to hand the page a
drawing without a browser.
"""

from __future__ import annotations

import functools
import logging
from importlib.resources import files

import numpy as np
import streamlit as st

from components.common import state_keys as keys

CANVAS_SIDE = 280  # 10 canvas pixels per MNIST pixel
# MNIST strokes are 2 to 3 pixels wide in a 20-pixel digit: about 20 canvas
# pixels for a digit drawn 200 pixels tall.
DEFAULT_STROKE = 20
STROKE_RANGE = (6, 40)


# The package's own name for its component, under which Streamlit serves its files.
CANVAS_COMPONENT = "streamlit-drawable-canvas.streamlit_drawable_canvas"
# Two fixes to the canvas's toolbar.
# 1. It waits, invisible but still taking the mouse, over the top-right corner of
#    the canvas, and slides up out of the way only after the pointer has hovered
#    for 0.1 s. A stroke started there sooner (always, on a touch screen) lands on
#    the toolbar and is lost. Keep it above the canvas at all times, fading in as
#    before, and let it take the mouse only while it shows.
# 2. Keep only undo and redo. Its pencil ("Edit") switches the canvas to moving
#    strokes, where drawing leaves no ink; its bin clears beside the page's own
#    Clear; its upload button resends what every stroke sends on release anyway.
TOOLBAR_FIX_CSS = """
.dc-toolbar { top: -3rem !important; transition: opacity .15s .1s !important; }
.dc-root:not(:hover) > .dc-toolbar:not(:focus-within):not([data-pinned=true]) {
  pointer-events: none;
}
.dc-toolbar-card > :not([aria-label=Undo]):not([aria-label=Redo]) { display: none !important; }
"""


class _DropOverrideWarning(logging.Filter):
    """Streamlit warns when a component is registered twice; here it is on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(f"Component {CANVAS_COMPONENT} is already")


logging.getLogger("streamlit.components.v2.component_registry").addFilter(_DropOverrideWarning())


@functools.cache
def _register_canvas_with_toolbar_fix() -> None:
    """Register the package's component again, its stylesheet amended with TOOLBAR_FIX_CSS.

    The stylesheet lives in the component's shadow root, out of reach of the
    page's CSS, so the fix has to travel with the component's own definition.
    Streamlit uses the last definition registered under a name. Once per process
    is enough: a server has one runtime. (Each AppTest makes a runtime of its
    own and gets the package's stylesheet; only a browser would notice.)
    """
    import streamlit_drawable_canvas

    build = files(streamlit_drawable_canvas) / "frontend" / "build"
    (stylesheet,) = [f for f in build.iterdir() if f.name.endswith(".css")]
    st.components.v2.component(
        CANVAS_COMPONENT,
        html='<div class="canvas-root"></div>',
        css=stylesheet.read_text() + TOOLBAR_FIX_CSS,
        js="index-*.js",  # the package's own script, served from its folder
        isolate_styles=True,
    )


def read_canvas(clears: int, stroke_width: int) -> np.ndarray | None:
    """The canvas widget itself; returns its RGBA picture, or None while it is empty.

    `clears` counts the Clear clicks: when it changes, the canvas empties itself.
    """
    # Imported on first use: the package registers its component on import, which
    # needs a running Streamlit, so importing this module elsewhere stays harmless.
    from streamlit_drawable_canvas import st_canvas

    _register_canvas_with_toolbar_fix()
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
    canvas = st.session_state.get(keys.DIGIT_CANVAS)
    if canvas is not None:  # the component's state, written through as its docs show
        canvas["drawing"] = None


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
