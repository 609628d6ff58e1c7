"""Every place this app changes or reaches into other people's libraries, in one module.

Each patch names the versions it was written for, as pinned in requirements.txt
(glibc: the system's). tests/test_patches.py fails for a patch as soon as an
installed version differs, so an upgrade is a reminder to check that the patch
is still needed and still right, then to update its versions here.

Importing this module imports nothing heavy: Keras and the canvas package are
imported by the patches that need them, when they are applied.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import importlib.util
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

ASSETS = Path(__file__).resolve().parents[2] / "assets"

WRITTEN_FOR: dict[str, dict[str, str]] = {
    "keep_keras_state": {"streamlit": "1.67.0", "keras": "3.15.1"},
    "canvas_toolbar_fix": {"streamlit": "1.67.0", "streamlit-drawable-canvas": "0.13.0"},
    "canvas_light_strokes": {"streamlit": "1.67.0", "streamlit-drawable-canvas": "0.13.0"},
    "empty_canvas_value": {"streamlit": "1.67.0", "streamlit-drawable-canvas": "0.13.0"},
    "give_back_freed_memory": {"glibc": "2.36"},
}


# --- Keras: Streamlit's clear_session after every run -------------------------------


def _keep_keras_state(*args, **kwargs) -> None:
    """Stands in for keras.backend.clear_session in the server; see keep_keras_state."""


def keep_keras_state() -> None:
    """Make keras.backend.clear_session do nothing in this process.

    Streamlit calls keras.backend.clear_session() after every script run once Keras
    is imported (`_clean_problem_modules` in streamlit/runtime/scriptrunner), for
    scripts that build a new model on each run. This app builds each model once and
    keeps it, so the reset does nothing for it; but it runs a full garbage
    collection and empties TensorFlow's kernel cache every time, 0.2-0.4 s of CPU
    on this machine after every rerun and every tick of a fragment, before the page
    hears that the run is over. Nothing in the app calls it.
    """
    import keras

    keras.backend.clear_session = _keep_keras_state


# --- streamlit-drawable-canvas: its toolbar, and emptying it ------------------------

# The package's own name for its component, under which Streamlit serves its files.
CANVAS_COMPONENT = "streamlit-drawable-canvas.streamlit_drawable_canvas"
# What the canvas's own stylesheet is given on top, for touch, keyboards and small screens.
# 1. Undo and Redo as real buttons under the canvas, always shown: the package shows
#    its toolbar only while a mouse hovers (a tap or the Tab key never finds it) and
#    leaves it, invisible, over the canvas's top-right corner, where it swallows the
#    strokes started there. Each button shows its name beside its icon, is 44 px tall
#    for a finger, and has a focus ring of 3:1 or more.
# 2. Only undo and redo: its pencil ("Edit") switches the canvas to moving strokes,
#    where drawing leaves no ink; its bin clears beside the page's own Clear; its
#    upload button resends what every stroke sends on release anyway.
# 3. The canvas fits its column: it is drawn smaller where the column is narrower
#    than 280 px (a phone, a tablet with the sidebar open) instead of being cut off
#    in a box that scrolls sideways. Its drawing stays 280 × 280: Fabric maps the
#    pointer through the displayed size, so a stroke lands where it is seen.
TOOLBAR_FIX_CSS = """
.dc-toolbar {
  position: static !important; opacity: 1 !important; pointer-events: auto !important;
  padding: .5rem 0 0 0 !important; justify-content: flex-start;
}
.dc-toolbar-card {
  background: none !important; box-shadow: none !important; padding: 0 !important;
  gap: .5rem; color: var(--st-text-color, #000) !important;
}
.dc-toolbar-card > :not([aria-label=Undo]):not([aria-label=Redo]) { display: none !important; }
.dc-icon-button {
  min-height: 2.75rem !important; min-width: 5.5rem; padding: 0 .9rem !important; gap: .4rem;
  border: 1px solid #767676 !important; background: var(--st-background-color, #fff) !important;
  font-family: inherit; font-size: 1rem; color: inherit;
}
.dc-icon-button::after { content: attr(aria-label); }
.dc-icon-button svg { width: 1.1rem !important; height: 1.1rem !important; }
.dc-icon-button:hover:not(:disabled) { background: #f0f0f0 !important; }
.dc-icon-button:focus-visible { outline: 3px solid #1d4ed8 !important; outline-offset: 2px; }
.dc-root { width: 280px !important; max-width: 100%; }
.dc-scroll { overflow: visible !important; }
.dc-container, .dc-container .canvas-container {
  width: 100% !important; height: auto !important; aspect-ratio: 1 / 1;
}
.dc-container canvas { width: 100% !important; height: 100% !important; }
"""


class _DropOverrideWarning(logging.Filter):
    """Streamlit warns when a component is registered twice; here it is on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(f"Component {CANVAS_COMPONENT} is already")


# Light strokes: the script that wraps the package's own, and turns each of its sends
# (every path and a PNG of the whole picture) into what changed; see its header.
LIGHT_STROKES_JS = ASSETS / "canvas_light_strokes.js"


def package_build() -> Path:
    """The canvas package's asset folder, found without importing the package (which
    registers its component, and so needs a running Streamlit)."""
    spec = importlib.util.find_spec("streamlit_drawable_canvas")
    assert spec is not None and spec.submodule_search_locations, "streamlit-drawable-canvas"
    return Path(spec.submodule_search_locations[0]) / "frontend" / "build"


def _package_script() -> tuple[str, str]:
    """The package's stylesheet, and the name of its script in its asset folder."""
    build = package_build()
    (stylesheet,) = build.glob("*.css")
    (script,) = build.glob("*.js")
    return stylesheet.read_text(), script.name


def light_strokes_js(script: str) -> str:
    """The wrapping script, given the package's script's URL path on this server.

    Inline content travels with the canvas on every rerun, so its comment lines
    stay behind.
    """
    base = st.get_option("server.baseUrlPath").strip("/")
    url = f"{'/' + base if base else ''}/_stcore/bidi-components/{CANVAS_COMPONENT}/{script}"
    lines = LIGHT_STROKES_JS.read_text().splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
    return code.replace("__PACKAGE_SCRIPT__", url)


@functools.cache
def canvas_component() -> Callable[..., Any]:
    """Register the canvas package's component again, amended; return its mount function.

    Two amendments: its stylesheet gets TOOLBAR_FIX_CSS (canvas_toolbar_fix), and its
    script is wrapped to send light strokes (canvas_light_strokes). The stylesheet
    lives in the component's shadow root, out of reach of the page's CSS, so the fix
    has to travel with the component's own definition. The package's script stays as
    it is, served from its own folder; the wrapper, a few kilobytes, is inline.
    Streamlit uses the last definition registered under a name. Once per process is
    enough: a server has one runtime. (Each AppTest makes a runtime of its own and
    gets the package's own definition; only a browser would notice.)
    """
    # Imported first: on import the package registers its own definition, which must
    # not come after this one.
    import streamlit_drawable_canvas  # noqa: F401

    logging.getLogger("streamlit.components.v2.component_registry").addFilter(
        _DropOverrideWarning()
    )
    stylesheet, script = _package_script()
    return st.components.v2.component(
        CANVAS_COMPONENT,
        html='<div class="canvas-root"></div>',
        css=stylesheet + TOOLBAR_FIX_CSS,
        js=light_strokes_js(script),
        isolate_styles=True,
    )


def light_canvas(
    *, key: str, stroke_width: int, side: int, initial_drawing: dict, ack: dict | None
) -> dict | None:
    """The canvas in freedraw mode, white on black; its last light-strokes value, or None.

    What `st_canvas` sends its script for these arguments, plus `ack`: the drawing
    the server holds (see assets/canvas_light_strokes.js). The value is the one
    the wrapper sends, not st_canvas's.
    """
    data = {
        "fillColor": "#eee",
        "strokeWidth": stroke_width,
        "strokeColor": "#FFFFFF",
        "backgroundColor": "#000000",
        "backgroundImageURL": None,
        "realtimeUpdateStreamlit": True,
        "canvasWidth": side,
        "canvasHeight": side,
        "drawingMode": "freedraw",
        "initialDrawing": {**initial_drawing, "background": "#000000"},
        "displayRadius": 3,
        # The wrapper reads the PNG the package makes to find what changed.
        "returnImageData": True,
        "disabled": False,
        "backgroundImageFit": "stretch",
        "maxDisplayHeight": None,
        "fontSize": 20,
        "label": "",
        "ack": ack,
    }
    result = canvas_component()(
        data=data,
        key=key,
        default={"drawing": None, "backgroundFit": None},
        on_drawing_change=lambda: None,
        on_backgroundFit_change=lambda: None,
        width="content",
        height="content",
    )
    return result.get("drawing")


def empty_canvas_value(key: str) -> None:
    """Drop the drawing the canvas with this key last sent, before a rerun reads it.

    The component keeps its value in session state under its key, as a dict whose
    "drawing" the package reads back; writing it through is what its docs show.
    """
    canvas: Any = st.session_state.get(key)
    if canvas is not None:
        canvas["drawing"] = None


# --- glibc: handing freed memory back --------------------------------------------------


def give_back_freed_memory() -> None:
    """Return the decoder's freed blocks to the system (glibc keeps them otherwise).

    malloc_trim through ctypes: glibc only; elsewhere this does nothing.
    """
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
