"""The drawing page's explorers: a selector and the chart it controls.

Each is an `st.fragment`: picking another layer or class reruns only that
panel, with the arrays the last full run passed in, so the forward pass and the
rest of the page are not redone.
"""

from __future__ import annotations

import keras
import numpy as np
import streamlit as st

from components import state_keys as keys
from components.draw_views import (
    CHART_CONFIG,
    feature_maps_figure,
    saliency_figure,
    vector_figure,
)
from model.inference import LayerActivation
from model.saliency import METHODS, explainer_for

PREDICTED = "predicted"


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
    if activation.values.ndim == 3:
        height, width, count = activation.shape
        st.caption(
            f"{count} feature maps of {height}×{width}, one per filter, on one colour scale: "
            "bright where the filter found its pattern. Hover for values."
        )
        figure = feature_maps_figure(activation.title, activation.values)
    else:
        predicted = int(np.argmax(activation.values)) if name == activations[-1].name else None
        st.caption(
            f"{activation.values.size} numbers, one bar each. Hover for values."
            + (" The last layer's bars are the ten probabilities." if predicted is not None else "")
        )
        figure = vector_figure(activation.title, activation.values, predicted)
    st.plotly_chart(figure, config=CHART_CONFIG)


@st.fragment
def saliency_explorer(model: keras.Model, digit: np.ndarray, predicted: int) -> None:
    """Grad-CAM or gradient saliency for the predicted class or any class, over the input."""
    method_col, class_col = st.columns(2)
    method = method_col.segmented_control(
        "Method",
        METHODS,
        default=METHODS[0],
        required=True,
        key=keys.SALIENCY_METHOD,
        help="Grad-CAM: which regions a late convolution's maps tie to the class. "
        "Gradient: how much each pixel would change the class's score.",
    )
    choice = class_col.selectbox(
        "Explain the class",
        [PREDICTED, *range(10)],
        format_func=lambda c: f"the prediction ({predicted})" if c == PREDICTED else str(c),
        key=keys.SALIENCY_CLASS,
    )
    class_index = predicted if choice == PREDICTED else int(choice)
    saliency = explainer_for(model).explain(digit, class_index)
    where = f" (layer {saliency.cam_layer})" if method == "Grad-CAM" else ""
    st.plotly_chart(
        saliency_figure(digit, saliency.map(method), f"{method}{where} for class {class_index}"),
        config=CHART_CONFIG,
    )
