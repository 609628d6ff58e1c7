"""The drawing page's explorers: a selector and the chart it controls.

Each is an `st.fragment`: picking another layer or class reruns only that
panel, with the arrays the last full run passed in, so the forward pass and the
rest of the page are not redone.
"""

from __future__ import annotations

import keras
import numpy as np
import streamlit as st

from components.common.chart_text import (
    chart_with_summary,
    largest_cells_text,
    largest_maps_text,
    largest_values_text,
)
from components.draw import keys
from components.draw.views import (
    feature_maps_figure,
    saliency_figure,
    vector_figure,
)
from model.digits.mnist import SIDE
from model.inside.saliency import METHODS, explainer_for
from model.network.inference import LayerActivation

PREDICTED = "predicted"
# What each kind of layer does, in a sentence, shown under the selector.
LAYER_KINDS = {
    "Conv2D": "A convolution: each filter, 3×3 pixels, slides over its input and makes one "
    "feature map, bright where the filter's pattern is.",
    "MaxPooling2D": "Pooling keeps the strongest value of every 2×2 patch: half the size, "
    "the same patterns.",
    "BatchNormalization": "Batch normalization shifts and scales every map to a standard "
    "range, so the next layer trains faster. Values can be negative.",
    "ReLU": "ReLU sets every negative value to 0 and keeps the rest.",
    "Flatten": "Flatten lays all the maps out as one long list of numbers for the dense layers.",
    "Dropout": "Dropout switches random values off while training; at prediction time it "
    "passes everything through unchanged.",
    "Dense": "A dense layer: every output is a weighted sum of all its inputs.",
}


def _default_layer(activations: tuple[LayerActivation, ...]) -> str:
    return next((a.name for a in activations if a.kind == "Conv2D"), activations[0].name)


@st.fragment
def layer_explorer(activations: tuple[LayerActivation, ...]) -> None:
    """Pick a layer; see its feature maps as heatmaps, or its values as bars."""
    by_name = {activation.name: activation for activation in activations}
    if st.session_state.get(keys.LAYER_CHOICE) not in by_name:
        # First visit, or another model whose layers have other names.
        st.session_state[keys.LAYER_CHOICE] = _default_layer(activations)
    name = st.selectbox(
        "Layer",
        list(by_name),
        format_func=lambda n: f"{by_name[n].title} · {by_name[n].kind}",
        key=keys.LAYER_CHOICE,
    )
    activation = by_name[name]
    kind_note = LAYER_KINDS.get(activation.kind, "")
    if name == activations[-1].name:
        kind_note = "The last dense layer, with softmax: ten numbers that add up to 1."
    if activation.kind == "Conv2D" and activation.values.min() < 0:
        kind_note += (
            " This one has no activation of its own: a ReLU layer further on sets its "
            "negative values (blue) to 0."
        )
    if activation.values.ndim == 3:
        height, width, count = activation.shape
        st.caption(
            f"{kind_note} {count} maps of {height}×{width} on one colour scale. Hover for values."
        )
        figure = feature_maps_figure(activation.title, activation.values)
        summary = largest_maps_text(activation.values)
    else:
        predicted = int(np.argmax(activation.values)) if name == activations[-1].name else None
        st.caption(f"{kind_note} {activation.values.size} numbers, one bar each. Hover for values.")
        figure = vector_figure(activation.title, activation.values, predicted)
        summary = largest_values_text(activation.values)
    with st.container(key=keys.DRAW_LAYERS_BOX):  # where tests find the maps
        chart_with_summary(figure, activation.title, summary)


def gradcam_size_note(cam_shape: tuple[int, int], cam_step: float) -> str:
    """Why Grad-CAM can light up empty space: its map is far coarser than the input."""
    rows, cols = cam_shape
    return (
        f"Its map has only {rows}×{cols} cells, about {cam_step:.0f} input pixels apart, "
        f"stretched smoothly to {SIDE}×{SIDE}: so it is blurred, and can light up empty "
        "space beside the strokes."
    )


@st.fragment
def saliency_explorer(model: keras.Model, digit: np.ndarray, predicted: int) -> None:
    """Grad-CAM or gradient saliency for the predicted class or any class, over the input."""
    controls, chart = st.columns([2, 3], gap="large")
    method = controls.segmented_control(
        "Method",
        METHODS,
        default=METHODS[0],
        required=True,
        key=keys.SALIENCY_METHOD,
        help="Grad-CAM: which regions a late convolution's maps tie to the class. "
        "Gradient: how much each pixel would change the class's score.",
    )
    # The labels must not change with the prediction either: the browser sends the
    # label shown back on every rerun, and a label that names an old prediction
    # matches no option any more.
    choice = controls.selectbox(
        "Explain the class",
        [PREDICTED, *range(10)],
        format_func=lambda c: "the predicted digit" if c == PREDICTED else str(c),
        key=keys.SALIENCY_CLASS,
    )
    class_index = predicted if choice == PREDICTED else int(choice)
    saliency = explainer_for(model).explain(digit, class_index)
    if method == "Grad-CAM":
        controls.caption(
            f"Grad-CAM weighs the feature maps of layer `{saliency.cam_layer}` by how much "
            f"they raise the score of {class_index}: coarse, about regions. "
            + gradcam_size_note(saliency.cam_shape, saliency.cam_step)
        )
    else:
        controls.caption(
            f"The gradient shows how strongly each input pixel would change the score of "
            f"{class_index} if it were a little brighter or darker: sharp, and noisier."
        )
    with chart:
        chart_map = saliency.map(method)
        chart_with_summary(
            saliency_figure(digit, chart_map, f"{method} for class {class_index}"),
            f"{method} for class {class_index} over your digit",
            largest_cells_text(chart_map, what="saliency"),
            width="content",
        )
