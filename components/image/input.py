"""Widgets for the image page: where the image comes from, and which pixel to inspect.

Each helper draws its widgets and returns plain values. Raw bytes are returned,
never stored in session state. The analysis of the chosen image: image_store.py.

Streamlit empties an upload widget whenever its page is left, so a user who
looks at the draw page and comes back would lose their photo. The page
therefore remembers the last own image by its id (a few bytes in session
state); its analysis is kept in the shared image store, so it is shown again
without the file until the user removes it or picks the samples.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePath

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.common.chart_config import CHART_CONFIG
from components.common.chart_text import chart_with_summary
from components.common.literal_text import literal
from components.image import keys
from model.images.decoding import ALLOWED_FORMATS, MAX_MEGAPIXELS, UPLOAD_TYPES
from model.images.samples import SAMPLES

_SAMPLES_BY_FILE = {sample.file: sample for sample in SAMPLES}


@dataclass(frozen=True)
class ImageChoice:
    data: bytes | None  # None: this session's earlier image, now kept only as its analysis
    name: str
    origin: str  # "your upload", "your camera photo", "sample photo"
    known_id: str | None = None  # the image_id of an earlier image (data is None)

    @cached_property
    def image_id(self) -> str:
        """A fingerprint of the bytes, hashed once per run: the key of the shared image store."""
        return self.known_id or hashlib.blake2b(self.data, digest_size=16).hexdigest()

    @property
    def file_stem(self) -> str:
        """The name without its extension, safe to use in a download's file name."""
        return re.sub(r"[^\w.-]+", "_", PurePath(self.name).stem) or "image"


def forget_earlier_image(image_id: str | None = None) -> None:
    """Stop showing this session's earlier own image (only this one, if an id is given)."""
    earlier = st.session_state.get(keys.IMAGE_EARLIER)
    if earlier and (image_id is None or earlier["id"] == image_id):
        del st.session_state[keys.IMAGE_EARLIER]


def _forget_if_removed(widget_key: str) -> None:
    """on_change: the user removed the file or photo (×), so it is not brought back."""
    if st.session_state.get(widget_key) is None:
        forget_earlier_image()


def _remember(choice: ImageChoice) -> ImageChoice:
    st.session_state[keys.IMAGE_EARLIER] = {
        "id": choice.image_id,
        "name": choice.name,
        "origin": choice.origin,
    }
    return choice


def choose_image() -> ImageChoice:
    """Uploader, camera and sample picker. A photo beats an upload beats an earlier own
    image beats the sample."""
    earlier = st.session_state.get(keys.IMAGE_EARLIER)
    upload_col, sample_col = st.columns([3, 2], gap="large")
    with upload_col:
        upload = st.file_uploader(
            "Upload an image",
            type=UPLOAD_TYPES,
            key=keys.IMAGE_UPLOAD,
            help=f"{', '.join(ALLOWED_FORMATS)}; a GIF shows its first frame. "
            f"At most {MAX_MEGAPIXELS} megapixels.",
            on_change=_forget_if_removed,
            args=(keys.IMAGE_UPLOAD,),
        )
        use_camera = st.toggle("Take a photo with my camera", key=keys.IMAGE_USE_CAMERA)
        photo = (
            st.camera_input(
                "Take a photo",
                key=keys.IMAGE_CAMERA,
                on_change=_forget_if_removed,
                args=(keys.IMAGE_CAMERA,),
            )
            if use_camera
            else None
        )
        if upload is None and photo is None and earlier:
            st.caption(
                f"Still showing {earlier['origin']} “{literal(earlier['name'])}”: the upload "
                "box empties when you visit another page, the image stays."
            )
            st.button("Back to the sample photos", on_click=forget_earlier_image)
    with sample_col:
        own_image = upload is not None or photo is not None or earlier is not None
        sample_file = st.selectbox(
            "Or pick a sample photo",
            list(_SAMPLES_BY_FILE),
            format_func=lambda file: _SAMPLES_BY_FILE[file].title,
            key=keys.IMAGE_SAMPLE,
            disabled=own_image,
            help="Remove your upload (×), turn the camera off, or press Back to the "
            "sample photos to use the samples."
            if own_image
            else None,
        )
        sample = _SAMPLES_BY_FILE[sample_file]
        st.caption(f"Source: {sample.source}. Licence: {sample.licence}.")
    if photo is not None:
        return _remember(ImageChoice(photo.getvalue(), "camera photo", "your camera photo"))
    if upload is not None:
        return _remember(ImageChoice(upload.getvalue(), upload.name, "your upload"))
    if earlier:
        return ImageChoice(None, earlier["name"], earlier["origin"], known_id=earlier["id"])
    return ImageChoice(sample.read_bytes(), sample.file, "sample photo")


def pixel_picker(height: int, width: int, image_id: str) -> tuple[int, int]:
    """Row and column inputs for one pixel of this image; returns (row, col).

    The inputs have no min or max: with them the browser keeps a typed -3 red,
    waiting for Enter, while the readout shows another pixel. Instead every
    number is taken, brought into the picture here, and the move is said.
    """
    state = st.session_state
    if state.get(keys.PIXEL_IMAGE_ID) != image_id:
        # A new image: keep the position if it still fits, else move to the last row/column.
        state[keys.PIXEL_IMAGE_ID] = image_id
        state.pop(keys.PIXEL_MOVED, None)
        state[keys.PIXEL_ROW] = _within(state.get(keys.PIXEL_ROW, 0), height)
        state[keys.PIXEL_COL] = _within(state.get(keys.PIXEL_COL, 0), width)
    row_col, col_col = st.columns(2)
    row = row_col.number_input(
        f"Row r (0 to {height - 1}, from the top)",
        step=1,
        key=keys.PIXEL_ROW,
        on_change=_bring_into_picture,
        args=(keys.PIXEL_ROW, "Row", height),
    )
    col = col_col.number_input(
        f"Column c (0 to {width - 1}, from the left)",
        step=1,
        key=keys.PIXEL_COL,
        on_change=_bring_into_picture,
        args=(keys.PIXEL_COL, "Column", width),
    )
    if moved := state.get(keys.PIXEL_MOVED):
        st.info(moved, icon=":material/arrow_range:")
    return _within(row, height), _within(col, width)


def _within(value: float | None, size: int) -> int:
    """The nearest index of a row or column of `size` pixels (an empty box is 0)."""
    return min(max(int(value or 0), 0), size - 1)


def _bring_into_picture(key: str, name: str, size: int) -> None:
    """on_change of a row or column input: a number outside the picture moves to its edge."""
    state = st.session_state
    typed = state[key]
    state.pop(keys.PIXEL_MOVED, None)
    if typed is None or typed != _within(typed, size):
        shown = "An empty box" if typed is None else f"{name} {int(typed)}"
        state[key] = _within(typed, size)
        state[keys.PIXEL_MOVED] = (
            f"{shown} is outside the picture: {name.lower()}s go from 0 to {size - 1}, "
            f"so this is {name.lower()} {state[key]}."
        )


def _select_clicked_pixel(chart_key: str) -> None:
    """on_select callback: a clicked point's x and y are the pixel's column and row."""
    points = st.session_state[chart_key]["selection"]["points"]
    if points:
        st.session_state.pop(keys.PIXEL_MOVED, None)
        st.session_state[keys.PIXEL_ROW] = int(points[0]["y"])
        st.session_state[keys.PIXEL_COL] = int(points[0]["x"])
        st.session_state[keys.PIXEL_PICKS] = pixel_picks() + 1


def pixel_picks() -> int:
    """How many pixels were picked by a click in this session."""
    return int(st.session_state.get(keys.PIXEL_PICKS, 0))


def clickable_pixel_chart(figure: go.Figure, chart_key: str, name: str, summary: str) -> None:
    """Show a pixel chart and its text alternative; clicking a pixel moves the inputs to it."""
    chart_with_summary(
        figure,
        name,
        summary,
        key=chart_key,
        on_select=lambda: _select_clicked_pixel(chart_key),
        selection_mode="points",
        config={**CHART_CONFIG, "scrollZoom": False},
    )


def pixel_readout(pixel: np.ndarray, pixel8: np.ndarray, names: tuple[str, ...]) -> None:
    """A swatch of the pixel's colour and its values in words ("red 143, green 120...")."""
    values8 = np.atleast_1d(pixel8).tolist()
    if len(values8) <= 2:  # gray or gray + alpha: the same value for red, green and blue
        values8 = values8[:1] * 3 + values8[1:]
    red, green, blue = values8[:3]
    alpha = values8[3] / 255 if len(values8) == 4 else 1
    swatch_col, words_col = st.columns([1, 3], vertical_alignment="center")
    # The colour over a checkerboard, so that transparency shows.
    swatch_col.html(
        '<div style="width:64px;height:64px;border:1px solid #999;border-radius:6px;'
        f"background:linear-gradient(rgba({red},{green},{blue},{alpha:.3f}),"
        f"rgba({red},{green},{blue},{alpha:.3f})),"
        'repeating-conic-gradient(#ccc 0 25%,#fff 0 50%) 0 0/16px 16px"></div>'
    )
    words_col.markdown(
        ", ".join(
            f"{name} **{value}**"
            for name, value in zip(names, np.atleast_1d(pixel).tolist(), strict=True)
        )
    )
