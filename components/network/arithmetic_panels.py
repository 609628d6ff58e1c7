"""The worked arithmetic, one fragment per kind of layer, and the digit space.

Each panel recomputes one value by hand (model/inside/arithmetic.py) and sets it
beside the model's own value from the same forward pass, with the difference.
"""

from __future__ import annotations

from typing import NamedTuple

import keras
import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.common.chart_text import (
    chart_with_summary,
    largest_cells_text,
    ranked_text,
    summary_html,
)
from components.common.pictures import thumbnail
from components.network import keys
from components.network.arithmetic_views import (
    channel_sums_figure,
    conv_work_figure,
    dense_figure,
    digit_space_figure,
    map_figure,
)
from components.network.panels import clickable, number, pick_layer, skipped_note, strongest_cell
from components.network.views import value_grid_figure
from components.network.worked_texts import (
    check_text,
    dense_words,
    final_check,
    products_words,
    window_words,
    worked_lines,
)
from model.inside.afterwards import afterwards
from model.inside.anatomy import CONV, DENSE, POOL, SOFTMAX, arithmetic_view
from model.inside.arithmetic import (
    conv_cell,
    dense_neuron,
    layer_io,
    pool_cell,
    softmax_step,
)
from model.inside.embedding import feature_layer_index, space_soon
from model.network.inference import Forward


def _indices(model: keras.Model, view: str) -> list[int]:
    return [i for i, layer in enumerate(model.layers) if arithmetic_view(model, layer) == view]


class _Picked(NamedTuple):
    index: int  # in model.layers
    layer: keras.layers.Layer
    before: np.ndarray  # the layer's input for this digit
    after: np.ndarray  # its output
    side: DeltaGenerator  # the column beside the layer picker, for the unit picker


def _pick_layer_of(
    model: keras.Model, forward: Forward, digit: np.ndarray, view: str, label: str, key: str
) -> _Picked | None:
    """The layer picker for one kind of layer, or None (and a note) if the model has none."""
    indices = _indices(model, view)
    if not indices:
        st.info(_NONE_OF[view])
        return None
    layer_col, side = st.columns(2)
    with layer_col:
        index = pick_layer(label, key, model, indices, indices[0])
    return _Picked(index, model.layers[index], *layer_io(forward, digit, index), side)


_NONE_OF = {
    CONV: "This model has no convolution that can be worked by hand.",
    POOL: "This model has no max-pooling layer.",
    DENSE: "This model has no hidden dense layer.",
}


def _cell_pickers(prefix: str, values: np.ndarray, row_key: str, col_key: str) -> tuple[int, int]:
    default = strongest_cell(values)
    height, width = values.shape
    row_col, col_col = st.columns(2)
    with row_col:
        row = number(f"{prefix} row (0 to {height - 1})", row_key, height - 1, default[0])
    with col_col:
        col = number(f"{prefix} column (0 to {width - 1})", col_key, width - 1, default[1])
    return row, col


_CONV_KEYS = (keys.CONV_MAP_CHART, keys.CONV_ROW, keys.CONV_COL)
_POOL_KEYS = (keys.POOL_MAP_CHART, keys.POOL_ROW, keys.POOL_COL)


def _clickable_map(
    name: str,
    values: np.ndarray,
    channel: int,
    cell: tuple[int, int],
    chart_keys: tuple[str, str, str],
) -> None:
    """A layer's output map with the chosen cell marked; a click picks another cell.

    `chart_keys` are the chart's key and the keys of the row and column inputs it sets.
    """
    figure = map_figure(values, f"{name}, map {channel}: click a cell", cell, clickable=True)
    clickable(figure, *chart_keys)
    st.html(summary_html(f"{name}, map {channel}", largest_cells_text(values)))


@st.fragment
def convolution_explorer(model: keras.Model, forward: Forward, digit: np.ndarray) -> None:
    """Pick a cell of a conv layer's map; see the patch, the kernel, the products and the sum."""
    picked = _pick_layer_of(model, forward, digit, CONV, "Convolution layer", keys.CONV_LAYER)
    if picked is None:
        return
    index, layer, before, after, side = picked
    with side:
        channel = number(
            f"Filter (0 to {after.shape[2] - 1})", keys.CONV_FILTER, after.shape[2] - 1
        )
    map_col, input_col, sum_col = st.columns([4, 4, 5], gap="medium")
    with map_col:
        row, col = _cell_pickers("Cell", after[:, :, channel], keys.CONV_ROW, keys.CONV_COL)
    cell = conv_cell(layer, before, after, row, col, channel)
    steps = afterwards(model, forward, index, (row, col, channel), cell.result)
    with map_col:
        _clickable_map(layer.name, after[:, :, channel], channel, (row, col), _CONV_KEYS)
    k, channels = cell.patch.shape[0], cell.patch.shape[2]
    shown = int(np.argmax(np.abs(cell.products.sum(axis=(0, 1)))))
    title = "The input" if index == 0 else f"Input map {shown} (largest share)"
    with input_col:
        chart_with_summary(
            map_figure(before[:, :, shown], f"{title}, window outlined",
                       window=(cell.top, cell.left, k, k), gray=index == 0),
            f"{title.lower()}, the window outlined",
            window_words(cell.top, cell.left, k, k) + largest_cells_text(before[:, :, shown]),
        )  # fmt: skip
    with sum_col, st.container(key=keys.WORKED_CONV_BOX):
        st.markdown(f"**Cell ({row}, {col}) of map {channel}**")
        padded = " (grey: zero padding)" if cell.padding.any() else ""
        st.markdown(
            f"The {k}×{k} window covers input rows {cell.top} to {cell.top + k - 1} and columns "
            f"{cell.left} to {cell.left + k - 1} of "
            f"{'the input' if channels == 1 else f'all {channels} input channels'}{padded}.\n\n"
            f"- sum of the {cell.products.size:,} products: **{cell.total:.4f}**\n"
            + worked_lines(cell.bias, cell.pre_activation, cell.activation, cell.result, steps)
        )  # fmt: skip
        last = steps[-1] if steps else cell
        with st.container(key=keys.CONV_CHECK_BOX, border=True):
            st.markdown(
                final_check(last.result, last.model_value,
                            model.layers[index + len(steps)].name, last.difference, last.agrees)
            )  # fmt: skip
        if note := skipped_note(model, index + len(steps)):
            st.caption(note)
    chart_with_summary(
        conv_work_figure(cell),
        "input patch times kernel equals products",
        products_words(cell.products, cell.total),
    )
    if channels > 1:
        st.caption(
            "Each input channel's share: the sum of its own products. Their total is the sum above."
        )
        sums = cell.products.sum(axis=(0, 1))
        chart_with_summary(
            channel_sums_figure(cell),
            "each input channel's share of the sum",
            f"{len(sums)} bars. Largest: "
            + ranked_text([f"channel {c}" for c in range(len(sums))], sums, places=4)
            + "; most negative: "
            + ranked_text([f"channel {c}" for c in range(len(sums))], sums, lowest=True, places=4)
            + ".",
        )


@st.fragment
def pooling_explorer(model: keras.Model, forward: Forward, digit: np.ndarray) -> None:
    picked = _pick_layer_of(model, forward, digit, POOL, "Pooling layer", keys.POOL_LAYER)
    if picked is None:
        return
    index, layer, before, after, side = picked
    with side:
        channel = number(f"Map (0 to {after.shape[2] - 1})", keys.POOL_CHANNEL, after.shape[2] - 1)
    input_col, window_col, output_col = st.columns([4, 3, 4], gap="medium")
    with output_col:
        row, col = _cell_pickers("Cell", after[:, :, channel], keys.POOL_ROW, keys.POOL_COL)
    cell = pool_cell(layer, before, after, row, col, channel)
    size = cell.window.shape
    with input_col:
        chart_with_summary(
            map_figure(
                before[:, :, channel],
                f"Its input, map {channel}",
                window=(cell.top, cell.left, *size),
            ),
            f"its input, map {channel}, the window outlined",
            window_words(cell.top, cell.left, *size) + largest_cells_text(before[:, :, channel]),
        )
    with output_col:
        _clickable_map(layer.name, after[:, :, channel], channel, (row, col), _POOL_KEYS)
    with window_col:
        chart_with_summary(
            value_grid_figure(cell.window, "The window", signed=False, picked=cell.winner),
            "the window",
            largest_cells_text(cell.window, count=1)
            + " It is the pooled value, marked in the window.",
        )
        st.markdown(
            f"The largest of the {np.count_nonzero(~np.isnan(cell.window))} values: **{cell.result:.4f}**"
        )
        st.caption(check_text(cell.difference, cell.agrees, "output at this cell"))


@st.fragment
def dense_explorer(model: keras.Model, forward: Forward, digit: np.ndarray) -> None:
    picked = _pick_layer_of(model, forward, digit, DENSE, "Dense layer", keys.DENSE_LAYER)
    if picked is None:
        return
    index, layer, before, after, side = picked
    with side:
        unit = number(
            f"Neuron (0 to {len(after) - 1})",
            keys.DENSE_UNIT,
            len(after) - 1,
            int(np.argmax(after)),
        )
    neuron = dense_neuron(layer, before, after, unit)
    steps = afterwards(model, forward, index, (unit,), neuron.result)
    chart_col, sum_col = st.columns([3, 2], gap="medium")
    with chart_col:
        chart_with_summary(dense_figure(neuron), f"neuron {unit}'s sum", dense_words(neuron))
    with sum_col:
        st.markdown(
            f"**Neuron {unit} of `{layer.name}`** reads all {len(neuron.inputs):,} inputs. The bars "
            f"are its {len(neuron.largest)} largest products input × weight (hover for them), "
            f"then the other {len(neuron.inputs) - len(neuron.largest):,} together.\n\n"
            f"- sum of all products: **{neuron.total:.4f}**\n"
            + worked_lines(neuron.bias, neuron.pre_activation, neuron.activation, neuron.result,
                           steps)
        )  # fmt: skip
        last = steps[-1] if steps else neuron
        st.caption(check_text(last.difference, last.agrees, "output of this neuron"))
        if note := skipped_note(model, index + len(steps)):
            st.caption(note)


def _probability(p: float) -> str:
    """Six decimals, or scientific notation for the tiny ones, which would read 0.000000."""
    return f"{p:.6f}" if p >= 1e-3 else f"{p:.3e}"


def softmax_table(model: keras.Model, forward: Forward, digit: np.ndarray) -> None:
    last = _indices(model, SOFTMAX)
    if not last:
        st.info("This model does not end in a dense layer with softmax.")
        return
    step = softmax_step(model.layers[last[0]], *layer_io(forward, digit, last[0]))
    exp = f"exp(z − {step.shift:.1f})" if step.shift else "e^z"
    table = pd.DataFrame(
        {
            "digit": [str(d) for d in range(len(step.logits))],
            "logit z": [f"{z:.3f}" for z in step.logits],
            exp: [f"{e:.4g}" for e in step.exponentials],
            f"{exp} / {step.total:.4g}": [_probability(p) for p in step.probabilities],
        }
    ).set_index("digit")
    table_col, words_col = st.columns([3, 2], gap="medium")
    table_col.table(table)
    words_col.markdown(
        f"The last layer makes ten weighted sums, the **logits** z. Softmax turns them into "
        f"probabilities: raise e to each, **{exp}**, and divide by their sum, "
        f"**{step.total:.4g}**. Big logits win by far: e grows fast.\n\n"
        f"Prediction: **{int(np.argmax(step.probabilities))}**, "
        f"{step.probabilities.max():.2%}, as on the draw page for this input."
    )
    words_col.caption(check_text(step.difference, step.agrees, "probabilities"))


def digit_space(model: keras.Model, forward: Forward, test_index: int | None = None) -> None:
    """The digit among 2,000 test digits in the last layer's input space; its nearest ones.

    `test_index`: the digit is that one of the test digits, so it is not its own neighbour.
    """
    try:
        space = space_soon(model)
    except Exception as err:  # noqa: BLE001 - any failure is shown, never raised
        st.error(f"The test digits could not be placed: {err}", icon=":material/error:")
        return
    if space is None:
        _wait_for_space(model)
        return
    features = forward.activations[feature_layer_index(model)].values
    order, distances = space.nearest(features, exclude=test_index)
    with st.container(key=keys.DIGIT_SPACE_BOX):
        st.markdown(
            f"Each dot is one of the first {len(space.labels):,} MNIST test digits, placed by the "
            f"**{space.size} numbers** of layer `{space.layer}`: the input of the last layer. "
            f"Projected to 2-D with **PCA** (the two directions of greatest spread; together "
            f"{space.explained.sum():.0%} of it). The star is your digit; ringed are its "
            f"{len(order)} nearest test digits in all {space.size} dimensions."
        )
        titles = tuple(
            f"PCA axis {n + 1} ({share:.0%} of the spread)"
            for n, share in enumerate(space.explained)
        )
        chart_with_summary(
            digit_space_figure(space.points, space.labels, space.project(features), order, titles),
            "your digit among the test digits",
            f"Your digit's {len(order)} nearest test digits are labelled "
            + ", ".join(str(space.labels[i]) for i in order)
            + ".",
            config={"displaylogo": False},
        )
        st.image(
            [thumbnail(space.digits[i]) for i in order],
            caption=[f"#{i} · label {space.labels[i]} · distance {d:.2f}" for i, d in zip(order, distances, strict=True)],
            alt=[f"Test digit #{i}, a handwritten {space.labels[i]}, at distance {d:.2f} from yours" for i, d in zip(order, distances, strict=True)],
            width=110,
            output_format="PNG",
        )  # fmt: skip


@st.fragment(run_every=1.0)
def _wait_for_space(model: keras.Model) -> None:
    try:
        ready = space_soon(model) is not None
    except Exception:  # noqa: BLE001 - the full rerun shows the error
        ready = True
    if ready:
        st.rerun()  # the whole page, which now draws the space (or says what went wrong)
    st.info(
        "Running the 2,000 test digits through this model… (a few seconds, once per model)",
        icon=":material/hourglass_top:",
    )
