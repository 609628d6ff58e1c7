"""The sections of the image page that do not depend on the chosen pixel.

Each function draws one section from plain values (the choice and its analysis)
and returns, where the pixel inspector writes into the section, the place it
writes: the page creates the layout once, and only the inspector reruns when
another pixel is chosen (components/image/pixel.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.common.chart_text import chart_with_summary, histogram_text
from components.common.literal_text import literal
from components.common.number_grid import digit_input_html
from components.image import keys, texts
from components.image.charts import (
    CHANNEL_VIEW_CELLS,
    channel_figure,
    channels_figure,
    histogram_figure,
)
from components.image.input import ImageChoice, forget_earlier_image
from components.image.store import analysed_image, made_once, stored_analysis
from components.image.views import display_note
from model.digits.mnist import SIDE
from model.images.analysis import ImageAnalysis, channel_names, describe_dtype
from model.images.decoding import ImageDecodeError, npy_bytes, png_bytes


def analysed_or_explained(choice: ImageChoice) -> ImageAnalysis | None:
    """The chosen image's analysis, or None after saying why the file cannot be shown."""
    try:
        return analysed_image(choice)
    except ImageDecodeError as err:
        forget_earlier_image(choice.image_id)  # a file that cannot be shown is not brought back
        st.error(literal(str(err)), icon=":material/block:")
        st.caption(texts.AFTER_ERROR)
        return None


def decoding_notes(analysis: ImageAnalysis) -> None:
    """What decoding did to the file (orientation, conversions) and what to watch for.

    The notes are model/images/decoding.py's own sentences, with numbers but no file name.
    """
    for note in analysis.decoded.notes:
        if note.startswith("Warning"):
            st.warning(note, icon=":material/warning:")
        else:
            st.info(note, icon=":material/info:")


def image_as_array(choice: ImageChoice, analysis: ImageAnalysis) -> None:
    """Section 1: the picture, and its shape, dtype and range as numpy reports them."""
    image = analysis.array
    height, width = analysis.decoded.height, analysis.decoded.width
    channels = analysis.decoded.channels
    picture_col, array_col = st.columns([2, 3], gap="large")
    picture_col.image(
        analysis.preview,
        caption=f"{literal(choice.name)} ({choice.origin})",
        alt=f"The picture {choice.name} ({choice.origin}), {width}×{height} pixels",
    )
    with array_col:
        st.markdown(texts.DECODING)
        with st.container(key=keys.IMAGE_SHAPE_BOX):
            st.code(
                ">>> from PIL import Image, ImageOps\n"
                ">>> image = np.asarray(ImageOps.exif_transpose(\n"
                f"...     Image.open({choice.name!r})))\n"
                f">>> image.shape\n{image.shape!r}\n"
                f">>> image.dtype\n{image.dtype!r}\n"
                f">>> image.min(), image.max()\n({analysis.value_min!r}, {analysis.value_max!r})",
                language="python",
            )
            if channels == 1:
                shape_words = (
                    f"`{image.shape!r}`: **{height} rows** (the height) and **{width} columns** "
                    "(the width), one number per pixel: its brightness. A grayscale image has "
                    "no third number."
                )
            else:
                shape_words = (
                    f"`{image.shape!r}`: **{height} rows** (the height), **{width} columns** "
                    f"(the width) and **{channels} numbers per pixel**: "
                    f"{', '.join(channel_names(channels))}."
                )
            st.markdown(
                f"{shape_words}\n\n"
                f"- Pixels: {height} × {width} = **{analysis.pixel_count:,}**\n"
                f"- Values: {' × '.join(str(n) for n in image.shape)} = "
                f"**{analysis.value_count:,}**\n"
                f"- dtype `{image.dtype}`: {describe_dtype(image.dtype)}; this image runs from "
                f"{analysis.value_min:,} to {analysis.value_max:,}."
            )


def channels(choice: ImageChoice, analysis: ImageAnalysis) -> None:
    """Section 3: each channel as a picture, with the histogram of its values."""
    names = channel_names(analysis.decoded.channels)
    if len(names) == 1:
        st.markdown(texts.ONE_CHANNEL.format(shape=repr(analysis.array.shape)))
    else:
        st.markdown(
            texts.CHANNELS.format(channels=len(names)) + (texts.ALPHA if "alpha" in names else "")
        )
    figure = made_once(
        choice.image_id,
        "channels",
        lambda: channels_figure(analysis.view(CHANNEL_VIEW_CELLS), analysis.histograms),
    )
    # As wide as three channels would be, so a gray image's picture is not stretched.
    place = st.container() if len(names) > 2 else st.columns([len(names), 3 - len(names)])[0]
    with place:
        chart_with_summary(
            figure,
            "each channel as a picture, with the histogram of its values",
            " ".join(histogram_text(counts, name) for name, counts in analysis.histograms.items()),
            key=keys.CHANNELS_CHART,
        )
    height, width = analysis.decoded.height, analysis.decoded.width
    st.caption(
        display_note(height, width, CHANNEL_VIEW_CELLS)
        + f" The histograms count all {analysis.pixel_count:,} pixels."
    )


def grayscale(choice: ImageChoice, analysis: ImageAnalysis) -> DeltaGenerator:
    """Section 4: the grayscale picture; returns the place for the chosen pixel's working."""
    st.markdown(texts.GRAYSCALE)
    st.latex(texts.LUMA_FORMULA)
    gray_col, hand_col = st.columns([2, 3], gap="large")
    with gray_col:
        figure = made_once(
            choice.image_id,
            "gray",
            lambda: channel_figure(analysis.gray_view(CHANNEL_VIEW_CELLS), "gray"),
        )
        height, width = analysis.decoded.height, analysis.decoded.width
        chart_with_summary(
            figure,
            "the grayscale picture",
            f"{height:,} rows by {width:,} columns. "
            + histogram_text(analysis.gray_histogram, "gray"),
            key="gray_picture",
        )
        st.caption(display_note(height, width, CHANNEL_VIEW_CELLS))
    return hand_col


@dataclass(frozen=True)
class FlattenPlaces:
    code: DeltaGenerator  # the flatten() code, down to the chosen pixel's index
    vector: DeltaGenerator  # the vector's chart, with the chosen pixel marked


def flatten(choice: ImageChoice, analysis: ImageAnalysis) -> FlattenPlaces:
    """Section 5: the grayscale image as one long vector, and its histogram."""
    height, width = analysis.decoded.height, analysis.decoded.width
    st.markdown(texts.FLATTEN.format(height=height, width=width, size=analysis.pixel_count))
    code = st.container()
    vector_col, histogram_col = st.columns(2, gap="large")
    with histogram_col:
        figure = made_once(
            choice.image_id,
            "gray histogram",
            lambda: histogram_figure(analysis.gray_histogram, "gray"),
        )
        chart_with_summary(
            figure,
            "the histogram of the gray values",
            histogram_text(analysis.gray_histogram, "gray"),
            key="gray_histogram",
        )
        st.caption(
            f"How many of the {analysis.pixel_count:,} values are 0, 1, … 255: all of them counted."
        )
    return FlattenPlaces(code=code, vector=vector_col)


def digit_model_input(analysis: ImageAnalysis) -> None:
    """Section 6: the image squashed to the digit model's 28 × 28."""
    height, width = analysis.decoded.height, analysis.decoded.width
    small_col, words_col = st.columns([3, 2], gap="large")
    with small_col.container(key=keys.DIGIT_INPUT_BOX):
        st.html(digit_input_html(analysis.digit_input))
    with words_col:
        st.markdown(texts.digit_model(height, width, SIDE))
        st.markdown(texts.DIGIT_MODEL_PHOTO)
        st.page_link("app_pages/draw.py", label="Draw a digit for the CNN", icon=":material/draw:")


def downloads(choice: ImageChoice, analysis: ImageAnalysis) -> None:
    """Section 7: the grayscale image as PNG and the array as .npy.

    Both files are made only when clicked (a callable), from the stored analysis,
    so a session never holds them. A click does not rerun the page
    (on_click="ignore"): a rerun replaces the other button's file, and a second
    click within that moment used to find it gone.
    """
    image = analysis.array
    png_col, npy_col = st.columns(2)
    png_col.download_button(
        "Grayscale PNG",
        data=lambda: png_bytes(stored_analysis(choice).gray()),
        file_name=f"{choice.file_stem}_gray.png",
        mime="image/png",
        icon=":material/download:",
        on_click="ignore",
    )
    npy_col.download_button(
        f"The array as .npy {image.shape!r}",
        data=lambda: npy_bytes(stored_analysis(choice).array),
        file_name=f"{choice.file_stem}.npy",
        mime="application/octet-stream",
        icon=":material/download:",
        on_click="ignore",
    )
    st.caption(
        f'`np.load("{choice.file_stem}.npy")` gives back the array: shape {image.shape!r}, '
        f"dtype {image.dtype}."
    )
