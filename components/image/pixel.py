"""The pixel inspector: everything on the image page that depends on the chosen pixel.

It is one st.fragment. Typing a row or column, or clicking a pixel, reruns only
this function: the picture to click, the pixel's values and neighbourhood in
section 2, its grayscale worked out by hand in section 4, and its place in the
flat vector in section 5. The dozen charts that did not change are not sent
again. The fragment keeps its arguments between reruns, so it takes the choice
and the places to write, never the analysis: the image store holds that once.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.common.chart_text import chart_with_summary
from components.image import keys, texts
from components.image.charts import VECTOR_POINTS, flat_vector_figure, vector_note
from components.image.input import (
    ImageChoice,
    clickable_pixel_chart,
    pixel_picker,
    pixel_picks,
    pixel_readout,
)
from components.image.sections import FlattenPlaces
from components.image.store import analysed_image
from components.image.views import (
    LOCATOR_CELLS,
    NEIGHBOURHOOD_RADIUS,
    PIXEL_VIEW_CELLS,
    display_note,
    locator_picture,
    neighbourhood_figure,
    pixel_view_figure,
)
from model.images.analysis import ImageAnalysis, channel_names, luma_by_hand, neighbourhood
from model.images.decoding import ImageDecodeError


@st.fragment
def pixel_inspector(choice: ImageChoice, gray_place: DeltaGenerator, flat: FlattenPlaces) -> None:
    """Row and column inputs, then the chosen pixel wherever the page shows it."""
    try:
        analysis = analysed_image(choice)
    except ImageDecodeError:  # the page has said why, above
        return
    row, col = pixel_picker(analysis.decoded.height, analysis.decoded.width, choice.image_id)
    _one_pixel(analysis, row, col)
    with gray_place:
        _gray_by_hand(analysis, row, col)
    _place_in_the_vector(analysis, row, col, flat)


def _one_pixel(analysis: ImageAnalysis, row: int, col: int) -> None:
    """Section 2: the clickable picture, the pixel's values, and its neighbourhood.

    The values come first in the script, so they show before any chart is drawn.
    """
    image = analysis.array
    names = channel_names(analysis.decoded.channels)
    view_col, value_col = st.columns([3, 2], gap="large")
    with value_col:
        pixel = image[row][col]
        with st.container(key=keys.PIXEL_VALUE_BOX):
            code = f">>> image[{row}][{col}]\n{pixel!r}"
            if len(names) > 1:
                code += f"\n>>> image[{row}][{col}].tolist()\n{pixel.tolist()}"
            # Wrapped: an RGBA pixel's repr is wider than this column.
            st.code(code, language="python", wrap_lines=True)
            pixel_readout(pixel, analysis.pixel8(row, col), names)
        locator = locator_picture(analysis.view(LOCATOR_CELLS), (row, col))
        st.image(
            locator,
            width=locator.width // 2,
            alt=f"The whole picture, with pixel row {row}, column {col} marked by a crosshair",
        )
        window, top, left = neighbourhood(image, row, col, NEIGHBOURHOOD_RADIUS)
        bottom, right = top + window.shape[0], left + window.shape[1]
        st.markdown(
            f"Its neighbourhood, `image[{top}:{bottom}, {left}:{right}]`, with every value "
            "printed. Click a neighbour to move to it."
        )
        figure = neighbourhood_figure(analysis.scale.apply(window), window, top, left, (row, col))
        clickable_pixel_chart(
            figure,
            keys.NEIGHBOURHOOD_CHART,
            f"the pixels around row {row}, column {col}",
            f"Rows {top} to {bottom - 1}, columns {left} to {right - 1}, each value written in; "
            f"values from {window.min()} to {window.max()}. "
            f"The chosen pixel, outlined: {np.atleast_1d(pixel).tolist()}.",
        )
    with view_col:
        view = analysis.view(PIXEL_VIEW_CELLS)
        height, width = analysis.decoded.height, analysis.decoded.width
        clickable_pixel_chart(
            pixel_view_figure(view, pixel_picks()),
            keys.PIXEL_VIEW_CHART,
            "the whole picture, to click a pixel",
            f"{height:,} rows by {width:,} columns, {len(names)} channel"
            f"{'s' if len(names) > 1 else ''} ({', '.join(names)}), values from "
            f"{analysis.value_min} to {analysis.value_max}. "
            f"The chosen pixel, row {row}, column {col}, is outlined.",
        )
        st.caption(display_note(view.height, view.width, PIXEL_VIEW_CELLS))


def _gray_by_hand(analysis: ImageAnalysis, row: int, col: int) -> None:
    """Section 4: gray[row][col], and for a colour pixel the luma sum worked out."""
    image = analysis.array
    channels = analysis.decoded.channels
    gray_value = analysis.gray_at(row, col)
    st.code(
        f'>>> gray = np.asarray(Image.fromarray(image).convert("L"))\n'
        f">>> gray.shape\n{image.shape[:2]!r}\n"
        f">>> gray[{row}][{col}]\n{gray_value!r}",
        language="python",
    )
    if channels >= 3:
        red, green, blue = analysis.pixel8(row, col)[:3].tolist()
        luma = luma_by_hand(red, green, blue)
        t_red, t_green, t_blue = luma.terms
        st.markdown(f"By hand, for the pixel at row {row}, column {col}:")
        st.latex(
            rf"""\begin{{aligned}}
            L &= 0.299 \times {red} + 0.587 \times {green} + 0.114 \times {blue} \\
              &= {t_red:.3f} + {t_green:.3f} + {t_blue:.3f} \\
              &= {luma.exact:.3f} \approx {luma.rounded}
            \end{{aligned}}"""
        )
        pillow_words = f"Pillow's result: **{int(gray_value)}**"
        if luma.rounded == luma.pillow:
            st.markdown(pillow_words + " — the same.")
        else:
            st.markdown(pillow_words + texts.PILLOW_ROUNDING.format(rounded=luma.rounded))
        if channels == 4:
            st.markdown(texts.ALPHA_DROPPED)
    elif channels == 2:
        st.markdown(texts.ALREADY_GRAY_ALPHA)
    else:
        st.markdown(texts.ALREADY_GRAY)
    if image.dtype != np.uint8:
        st.markdown(texts.NOT_EIGHT_BIT.format(dtype=image.dtype))


def _place_in_the_vector(analysis: ImageAnalysis, row: int, col: int, flat: FlattenPlaces) -> None:
    """Section 5: flat[row * width + col], and the vector with that value marked."""
    width, size = analysis.decoded.width, analysis.pixel_count
    index, value = row * width + col, analysis.gray_at(row, col)
    flat.code.code(
        f">>> flat = gray.flatten()\n>>> flat.shape\n{(size,)!r}\n>>> flat\n"
        f"{analysis.flat_repr}\n>>> flat[{row} * {width} + {col}]\n{value!r}",
        language="python",
    )
    with flat.vector:
        indices, values = analysis.flat_samples(VECTOR_POINTS)
        chart_with_summary(
            flat_vector_figure(indices, values, size, (index, value)),
            "the grayscale image as one flat vector",
            f"{size:,} values, {len(indices):,} of them drawn; values from {values.min()} to "
            f"{values.max()} among those drawn. The chosen pixel is flat[{index:,}] = {value}.",
            key="flat_vector",
        )
        st.caption(texts.VECTOR_CAPTION + vector_note(size, VECTOR_POINTS))
