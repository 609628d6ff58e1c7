"""A model's anatomy: one row per layer with its parameter formula, and the shape chain.

Everything is read from the Keras layers themselves (weights' shapes and
`get_config()`), so it describes any model the presets build or the user
trains, not only the two shipped ones. The counts come from the formulas and
are checked against Keras's own `count_params()` by the tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras

# What each kind of layer does, in one sentence, for the table and the skipped steps.
ROLES = {
    "Conv2D": "Slides small filters over its input; each filter makes one feature map.",
    "MaxPooling2D": "Keeps the largest value of each window: smaller maps, the same patterns.",
    "Flatten": "Lays the maps out as one long row of numbers for the dense layers.",
    "Dense": "Every output is a weighted sum of all its inputs, plus a bias.",
    "BatchNormalization": "Shifts and scales each channel to a standard range, with "
    "statistics learned in training; deep networks train faster so.",
    "ReLU": "Sets negative values to 0 and keeps the rest.",
    "Dropout": "Switches random values off while training; passes everything on when predicting.",
}
NO_BIAS = " No bias of its own: the batch normalisation after it shifts the values instead."
SOFTMAX_ROLE = "Ten weighted sums (the logits), one per digit, turned into probabilities."

# The kinds of worked example the arithmetic module can do.
CONV, POOL, DENSE, SOFTMAX = "conv", "pool", "dense", "softmax"


@dataclass(frozen=True)
class LayerRow:
    name: str  # e.g. "conv2d_1"
    kind: str  # Keras class name, e.g. "Conv2D"
    output_shape: tuple[int, ...]  # one digit's output, e.g. (11, 11, 64)
    params: int  # from the formula
    trainable: int  # the ones training changes (batch norm's running statistics are not)
    formula: str  # e.g. "(3·3·32 + 1)·64"; "" for a layer without parameters
    role: str  # one sentence on what the layer does


@dataclass(frozen=True)
class ShapeStep:
    name: str  # the layer, or "input"
    kind: str  # Keras class name, or "Input"
    shape: tuple[int, ...]  # (28, 28, 1), (576,), ...
    why: str  # how this shape follows from the one before


def output_shape(layer: keras.layers.Layer) -> tuple[int, ...]:
    """One digit's output shape: the layer's output shape without the batch axis."""
    return tuple(int(d) for d in layer.output.shape[1:])


def input_shape(layer: keras.layers.Layer) -> tuple[int, ...]:
    return tuple(int(d) for d in layer.input.shape[1:])


def _bias_term(use_bias: bool) -> str:
    return " + 1" if use_bias else ""


def layer_parameters(layer: keras.layers.Layer) -> tuple[int, int, str]:
    """(parameters, trainable parameters, formula) from the layer's configuration."""
    kind = type(layer).__name__
    config = layer.get_config()
    if kind == "Conv2D":
        kh, kw = config["kernel_size"]
        c_in = input_shape(layer)[-1] // config.get("groups", 1)
        c_out, bias = config["filters"], config["use_bias"]
        count = (kh * kw * c_in + int(bias)) * c_out
        inner = f"{kh}·{kw}·{c_in}{_bias_term(bias)}"
        return count, count, f"({inner})·{c_out}" if bias else f"{inner}·{c_out}"
    if kind == "Dense":
        n_in, n_out, bias = input_shape(layer)[-1], config["units"], config["use_bias"]
        count = (n_in + int(bias)) * n_out
        return count, count, f"({n_in} + 1)·{n_out}" if bias else f"{n_in}·{n_out}"
    if kind == "BatchNormalization":
        channels = input_shape(layer)[config["axis"] if isinstance(config["axis"], int) else -1]
        learned = int(config["scale"]) + int(config["center"])  # γ and β
        count = (learned + 2) * channels  # plus the running mean and variance
        return count, learned * channels, f"{learned + 2}·{channels}"
    count = layer.count_params()
    # Layers without weights (pooling, flatten, ReLU, dropout) have nothing to count;
    # any other kind is counted by Keras and says so.
    return (
        count,
        sum(int(w.numpy().size) for w in layer.trainable_weights),
        ("" if count == 0 else "counted by Keras"),
    )


def layer_table(model: keras.Model) -> tuple[LayerRow, ...]:
    rows = []
    for index, layer in enumerate(model.layers):
        count, trainable, formula = layer_parameters(layer)
        kind = type(layer).__name__
        role = SOFTMAX_ROLE if arithmetic_view(model, layer) == SOFTMAX else ROLES.get(kind, "")
        if kind in ("Conv2D", "Dense") and not layer.get_config()["use_bias"]:
            role = role.replace(", plus a bias", "")
            following = model.layers[index + 1 : index + 2]
            if following and isinstance(following[0], keras.layers.BatchNormalization):
                role += NO_BIAS
        rows.append(
            LayerRow(layer.name, kind, output_shape(layer), count, trainable, formula, role)
        )
    return tuple(rows)


def arithmetic_view(model: keras.Model, layer: keras.layers.Layer) -> str | None:
    """Which worked example fits this layer: CONV, POOL, DENSE, SOFTMAX, or None."""
    kind = type(layer).__name__
    config = layer.get_config()
    channels_last = config.get("data_format", "channels_last") == "channels_last"
    if kind == "Conv2D":
        plain = config["groups"] == 1 and tuple(config["dilation_rate"]) == (1, 1)
        return CONV if plain and channels_last else None
    if kind == "MaxPooling2D":
        return POOL if channels_last else None
    if kind == "Dense" and len(layer.input.shape) == 2:
        last = layer is model.layers[-1]
        return SOFTMAX if last and config["activation"] == "softmax" else DENSE
    return None


def _window_size(n: int, window: int, stride: int, padding: str) -> tuple[int, str]:
    """Output length along one axis, and the sum that gives it."""
    if padding == "same":
        out = math.ceil(n / stride)
        return out, f"{n}" if stride == 1 else f"⌈{n} / {stride}⌉ = {out}"
    out = (n - window) // stride + 1
    if stride == 1:
        return out, f"{n} − {window} + 1 = {out}"
    if stride == window:
        return out, f"⌊{n} / {window}⌋ = {out}" if n % window else f"{n} / {window} = {out}"
    return out, f"⌊({n} − {window}) / {stride}⌋ + 1 = {out}"


def _why(layer: keras.layers.Layer, before: tuple[int, ...], after: tuple[int, ...]) -> str:
    kind = type(layer).__name__
    config = layer.get_config()
    if kind in ("Conv2D", "MaxPooling2D"):
        window = config.get("kernel_size") or config["pool_size"]
        strides = config.get("strides") or window
        padding = config.get("padding", "valid")
        sides = [
            _window_size(before[axis], window[axis], strides[axis], padding) for axis in (0, 1)
        ]
        size = f"{window[0]}×{window[1]}"
        sums = sides[0][1] if sides[0] == sides[1] else f"{sides[0][1]} rows, {sides[1][1]} columns"
        if kind == "Conv2D":
            how = (
                f"'same' padding adds a border of zeros, so a {size} filter fits {sums} times across"
                if padding == "same"
                else f"a {size} filter without padding fits {sums} times across"
            )
            return f"{how}; {after[-1]} filters make {after[-1]} maps"
        return f"{size} pooling keeps one value per window: {sums}; still {after[-1]} maps"
    if kind == "Flatten":
        return f"{'·'.join(str(d) for d in before)} = {after[0]} numbers in one row"
    if kind == "Dense":
        return f"{after[0]} neurons, each a weighted sum of all {before[-1]} inputs"
    return f"{kind} changes the shape to {'×'.join(str(d) for d in after)}"


def shape_chain(model: keras.Model) -> tuple[ShapeStep, ...]:
    """The input and every layer that changes the data's shape, with why it changes."""
    shape = input_shape(model.layers[0])
    steps = [ShapeStep("input", "Input", shape, "the digit: 28×28 pixels, one grey channel")]
    for layer in model.layers:
        after = output_shape(layer)
        if after != shape:
            steps.append(
                ShapeStep(layer.name, type(layer).__name__, after, _why(layer, shape, after))
            )
        shape = after
    return tuple(steps)


def computed_side(layer: keras.layers.Layer, n: int) -> int:
    """A conv or pooling layer's output side for input side n, by the formula above."""
    config = layer.get_config()
    window = config.get("kernel_size") or config["pool_size"]
    strides = config.get("strides") or window
    return _window_size(n, window[0], strides[0], config.get("padding", "valid"))[0]


def total_parameters(rows: tuple[LayerRow, ...]) -> int:
    return sum(row.params for row in rows)
