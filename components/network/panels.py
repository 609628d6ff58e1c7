"""The network page's panels: the input, the architecture and the filters.

The explorers are `st.fragment`s: picking another layer, filter or cell reruns
only that panel, with the forward pass the last full run handed in. Each works
for any model: layer names, sizes and counts are read from the model itself.
"""

from __future__ import annotations

import functools

import keras
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.common.chart_text import (
    chart_with_summary,
    largest_cells_text,
    largest_maps_text,
    signed_cells_text,
)
from components.network import keys
from components.network.arithmetic_views import map_figure
from components.network.input import NetworkDigit
from components.network.views import (
    digit_figure,
    first_layer_figure,
    kernel_slices_figure,
    shape_chain_figure,
    shape_text,
    value_grid_figure,
)
from model.inside.anatomy import (
    ROLES,
    LayerRow,
    ShapeStep,
    arithmetic_view,
    layer_table,
    shape_chain,
    total_parameters,
)
from model.inside.filters import ascent_for, conv_indices, kernels
from model.network.inference import Forward
from model.preprocess.reading import Upright, averaged


def number(text: str, key: str, largest: int, default: int = 0) -> int:
    """A whole-number input from 0 to `largest` that keeps its value when it still fits."""
    value = st.session_state.get(key, default)
    st.session_state[key] = min(max(int(value), 0), largest)
    return int(st.number_input(text, min_value=0, max_value=largest, step=1, key=key))


def pick_layer(text: str, key: str, model: keras.Model, indices: list[int], default: int) -> int:
    """A selectbox of some of the model's layers; returns the picked layer's index."""
    names = {model.layers[i].name: i for i in indices}
    if st.session_state.get(key) not in names:  # first visit, or another model
        st.session_state[key] = model.layers[default].name
    name = st.selectbox(
        text,
        list(names),
        format_func=lambda n: f"{n} · {shape_text(model.layers[names[n]].output.shape[1:])}",
        key=key,
    )
    return names[name]


def clickable(figure: go.Figure, chart_key: str, row_key: str, col_key: str) -> None:
    """Show a map; clicking a square moves the row and column inputs to it."""

    def picked() -> None:
        points = st.session_state[chart_key]["selection"]["points"]
        if points:
            st.session_state[row_key] = int(points[0]["y"])
            st.session_state[col_key] = int(points[0]["x"])

    st.plotly_chart(
        figure,
        key=chart_key,
        on_select=picked,
        selection_mode="points",
        config={"scrollZoom": False, "displaylogo": False, "displayModeBar": False},
    )


def strongest_cell(values: np.ndarray) -> tuple[int, int]:
    row, col = np.unravel_index(int(np.argmax(values)), values.shape)
    return int(row), int(col)


def skipped_note(model: keras.Model, index: int) -> str:
    """What happens after layer `index` until the next worked example, in a sentence or two.

    Batch normalisation, ReLU and dropout layers have no worked example: they
    are named, each with one sentence on what it does.
    """
    skipped = []
    for layer in model.layers[index + 1 :]:
        if arithmetic_view(model, layer) is not None:
            break
        skipped.append(layer)
    if not skipped:
        return ""
    name = model.layers[index].name
    normalised = any(isinstance(layer, keras.layers.BatchNormalization) for layer in skipped)
    lead = f"This is `{name}`'s own output" + (", before normalisation" if normalised else "")
    steps = "; ".join(
        f"`{layer.name}` ({type(layer).__name__}): "
        + ROLES.get(type(layer).__name__, "no worked example here.").rstrip(".")
        for layer in skipped
    )
    return f"{lead}. Then, without a worked example here: {steps}."


def show_input(digit: NetworkDigit, forward: Forward, upright: Upright | None) -> None:
    """The 28×28 input the model reads, where it came from, and the prediction.

    With `upright`, the prediction is the draw page's: this pass averaged with the
    upright copy's. The numbers below always follow this input's one pass.
    """
    picture, words = st.columns([2, 3], vertical_alignment="center")
    probabilities = averaged(forward, upright)
    predicted = int(np.argmax(probabilities))
    with picture:
        chart_with_summary(
            digit_figure(digit.pixels, "The 28×28 input<br>the model reads", 330),
            "the 28×28 input the model reads",
            f"{digit.origin}, which the model reads as {predicted}. "
            + largest_cells_text(digit.pixels, what="brightness"),
        )
    with words.container(key=keys.NETWORK_INPUT_BOX):
        st.markdown(f"Shown: **{digit.origin}**.")
        verdict = f"The model says **{predicted}**, {probabilities[predicted]:.1%} sure"
        if digit.true_label is not None:
            verdict += f"; the true label is **{digit.true_label}**"
        st.markdown(verdict + ".")
        if upright is None:
            st.caption(
                "Every number below is computed from this one input, in one pass through the "
                "network, the same pass that made the prediction. Hover any picture for its "
                "values."
            )
        else:
            second = int(np.argmax(upright.probabilities))
            st.caption(
                "As on the draw page, that is the average of two readings: this input, "
                f"{forward.digit} ({forward.confidence:.1%}), and a copy sheared upright, "
                f"{second} ({upright.probabilities[second]:.1%}). Every number below is "
                "computed from this input, in its one pass through the network; the softmax "
                "at the end gives its own reading. Hover any picture for its values."
            )


# The picture depends only on the chain of shapes (a tuple of frozen dataclasses),
# and it is the slowest figure of the page to build: keep a few.
@functools.lru_cache(maxsize=8)
def _chain_figure(steps: tuple[ShapeStep, ...]) -> go.Figure:
    return shape_chain_figure(steps)


def architecture(model: keras.Model) -> None:
    """The shape chain as a picture, why each shape follows, and the layer table."""
    steps = shape_chain(model)
    chart_with_summary(
        _chain_figure(steps),
        "the shape of the data after each layer",
        " → ".join(f"{step.name} {shape_text(step.shape)}" for step in steps) + ".",
    )
    why = [
        f"- **{shape_text(before.shape)} → {shape_text(step.shape)}** (`{step.name}`): {step.why}."
        for before, step in zip(steps, steps[1:], strict=False)
    ]
    st.markdown("\n".join(why))
    rows = layer_table(model)
    table = pd.DataFrame(
        {
            "Layer": [row.name for row in rows],
            "Type": [row.kind for row in rows],
            "Output shape": [shape_text(row.output_shape) for row in rows],
            "Parameters": [_parameter_text(row.formula, row.params, row.trainable) for row in rows],
        }
    ).set_index("Layer")
    total = total_parameters(rows)
    trainable = sum(row.trainable for row in rows)
    # Above the table, not in a column beside it: a sixth of a tablet's width showed "2..".
    with st.container(key=keys.PARAM_TOTAL_BOX, border=True):
        st.metric("Parameters in total", f"{total:,}")
        if trainable != total:
            st.caption(
                f"{trainable:,} learned by training; the other {total - trainable:,} are batch "
                "normalisation's running means and variances."
            )
        else:
            st.caption("Every one of them learned by training.")
    # What each layer does is said once per kind of layer, under the table: as a fifth
    # column its sentences wrapped to a few words a line on a tablet (a 3,604 px table).
    with st.container(key=keys.LAYER_TABLE_BOX):
        st.table(table)
    st.markdown(roles_text(rows))


def roles_text(rows: tuple[LayerRow, ...]) -> str:
    """'- **Conv2D** (`conv2d`, `conv2d_1`): Slides small filters…', one line per role."""
    kinds: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        if row.role:
            kinds.setdefault((row.kind, row.role), []).append(f"`{row.name}`")
    return "\n".join(
        f"- **{kind}** ({', '.join(names)}): {role}" for (kind, role), names in kinds.items()
    )


def _parameter_text(formula: str, count: int, trainable: int) -> str:
    if not formula:
        return "0"
    text = f"{formula} = {count:,}"
    return text if trainable == count else f"{text} ({trainable:,} trained)"


def first_layer_filters(model: keras.Model, forward: Forward) -> None:
    conv = conv_indices(model)
    if not conv:
        st.info("This model has no convolution layer, so it has no filters to show.")
        return
    index = conv[0]
    weights = kernels(model.layers[index])
    if weights.shape[2] != 1:
        st.caption(
            f"The first convolution, `{model.layers[index].name}`, reads {weights.shape[2]} "
            "channels, not pixels: see its kernels below, one per channel."
        )
        return
    maps = forward.activations[index].values
    chart_with_summary(
        first_layer_figure(weights[:, :, 0, :], maps),
        f"the {weights.shape[3]} filters of {model.layers[index].name} and their maps",
        f"Each {weights.shape[0]}×{weights.shape[1]} filter above its map of your digit. "
        + largest_maps_text(maps),
    )


@st.fragment
def filter_explorer(model: keras.Model, forward: Forward) -> None:
    """Any conv layer's filter: its kernels, one chosen kernel, its map, what excites it."""
    conv = conv_indices(model)
    if not conv:
        return
    pickers = st.columns(3)
    with pickers[0]:
        index = pick_layer("Layer", keys.FILTER_LAYER, model, conv, conv[min(1, len(conv) - 1)])
    weights = kernels(model.layers[index])
    with pickers[1]:
        out = number(f"Filter (0 to {weights.shape[3] - 1})", keys.FILTER_OUT, weights.shape[3] - 1)
    with pickers[2]:
        inp = number(
            f"Input channel (0 to {weights.shape[2] - 1})", keys.FILTER_IN, weights.shape[2] - 1
        )
    slices_col, kernel_col, map_col, excite_col = st.columns([3, 2, 2, 2])
    with slices_col:
        clickable_slices(weights[:, :, :, out], inp, f"Filter {out}: a kernel per input")
    with kernel_col:
        chart_with_summary(
            value_grid_figure(weights[:, :, inp, out], f"Kernel for input channel {inp}"),
            f"filter {out}'s kernel for input channel {inp}",
            signed_cells_text(weights[:, :, inp, out]),
        )
    with map_col:
        values = forward.activations[index].values[:, :, out]
        chart_with_summary(
            map_figure(values, f"Map {out} of your digit", height=260),
            f"map {out} of your digit",
            largest_cells_text(values, what="activations"),
        )
    with excite_col:
        exciting_input(model, index, out)


def clickable_slices(slices: np.ndarray, picked: int, title: str) -> None:
    """The filter's kernels; a click on one picks its input channel."""
    columns = min(slices.shape[-1], 8)
    k = slices.shape[0]

    def pick() -> None:
        points = st.session_state[keys.FILTER_SLICES_CHART]["selection"]["points"]
        if points:
            row, col = int(points[0]["y"]), int(points[0]["x"])
            channel = (row // (k + 1)) * columns + col // (k + 1)
            st.session_state[keys.FILTER_IN] = min(channel, slices.shape[-1] - 1)

    chart_with_summary(
        kernel_slices_figure(slices, picked, title),
        title,
        largest_maps_text(slices, noun="input channel") + f" Input channel {picked} is picked.",
        key=keys.FILTER_SLICES_CHART,
        on_select=pick,
        selection_mode="points",
    )
    st.caption("Blue weights subtract, red ones add. Click a kernel to see its numbers.")


def exciting_input(model: keras.Model, index: int, channel: int) -> None:
    ascent = ascent_for(model)
    found = ascent.known(index, channel)
    if found is None and st.button("What excites it?", icon=":material/trending_up:"):
        with st.spinner("Climbing the gradient…"):
            found = ascent.excite(index, channel)
    if found is None:
        st.caption(
            "Starting from a blank grey image, gradient ascent brightens or darkens each pixel "
            "to raise this filter's mean activation."
        )
        return
    chart_with_summary(
        digit_figure(found.image, f"What excites filter {channel}", 260),
        f"what excites filter {channel}",
        "The image gradient ascent made from a blank grey start. "
        + largest_cells_text(found.image, what="brightness"),
    )
    st.caption(
        f"Mean activation {found.start_activation:.3f} on the blank start, "
        f"{found.activation:.3f} on this image."
    )
