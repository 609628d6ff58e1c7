"""The arithmetic of each layer, worked by hand for one cell, next to the model's own value.

Each function takes one layer, the input it received and the output it gave
(both from one `DigitClassifier.forward` pass) and recomputes one output value
with numpy in float64: a convolution cell, a pooling window, a dense neuron,
the softmax. The result carries the model's value for the same cell, so a page
can show that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from model.network.inference import Forward

# Activations a worked example applies by hand; others are applied by Keras.
_ACTIVATIONS = {"relu": lambda z: max(z, 0.0), "linear": lambda z: z}
# A worked value agrees with the model's when they differ by at most this, relative to
# the value once it is above 1: the model sums in float32, which keeps about 7
# significant digits, so a dense neuron of 1,152 products near 14 may be 1e-5 off.
TOLERANCE = 1e-5
# exp() overflows float64 past 709; beyond this the softmax subtracts the largest logit.
_EXP_LIMIT = 700.0


class OneValue:
    """A hand-computed `result` beside the model's own `model_value`."""

    result: float
    model_value: float

    @property
    def difference(self) -> float:
        return abs(self.result - self.model_value)

    @property
    def agrees(self) -> bool:
        return agree(self.result, self.model_value)


@dataclass(frozen=True)
class ConvCell(OneValue):
    row: int
    col: int
    channel: int  # the filter, i.e. the output feature map
    top: int  # input row of the patch's top-left value; negative inside the zero padding
    left: int  # input column of the patch's top-left value
    patch: np.ndarray  # (k, k, c_in) float64: the input values under the filter, 0 in the padding
    padding: np.ndarray  # (k, k) bool: True where the patch lies in the zero padding
    kernel: np.ndarray  # (k, k, c_in) float64: the filter's weights
    products: np.ndarray  # patch × kernel, element by element
    total: float  # the sum of the products
    bias: float | None  # None for a layer without bias
    pre_activation: float  # total + bias
    activation: str  # "relu", "linear", ...
    result: float  # activation(pre_activation): the hand-computed output
    model_value: float  # the layer's own output at this cell


@dataclass(frozen=True)
class PoolCell(OneValue):
    row: int
    col: int
    channel: int
    top: int
    left: int
    window: np.ndarray  # (p, p) float64; NaN where a window reaches past the map
    winner: tuple[int, int]  # (row, col) of the largest value inside the window
    result: float
    model_value: float


@dataclass(frozen=True)
class DenseNeuron(OneValue):
    unit: int
    inputs: np.ndarray  # (n,) float64
    weights: np.ndarray  # (n,) float64: this neuron's column of the kernel
    products: np.ndarray  # inputs × weights
    largest: np.ndarray  # indices of the largest contributions by size, largest first
    rest: float  # the sum of all the other contributions
    total: float  # the sum of all products
    bias: float | None
    pre_activation: float
    activation: str
    result: float
    model_value: float


@dataclass(frozen=True)
class SoftmaxStep:
    logits: np.ndarray  # (10,) float64: the last layer's weighted sums plus biases
    shift: float  # subtracted from every logit before exp(); 0 unless they are huge
    exponentials: np.ndarray  # exp(logit - shift)
    total: float  # their sum
    probabilities: np.ndarray  # exponentials / total
    model_probabilities: np.ndarray  # the model's own output

    @property
    def difference(self) -> float:
        return float(np.max(np.abs(self.probabilities - self.model_probabilities)))

    @property
    def agrees(self) -> bool:
        return all(map(agree, self.probabilities, self.model_probabilities))


def agree(hand: float, model: float) -> bool:
    """Whether a hand-computed value equals the model's, to TOLERANCE."""
    return abs(hand - model) <= TOLERANCE * max(1.0, abs(model))


def layer_io(forward: Forward, digit: np.ndarray, index: int) -> tuple[np.ndarray, np.ndarray]:
    """(input, output) of layer `index` for one digit, from one forward pass.

    The models here are plain stacks, so a layer's input is the previous layer's
    output, and the first layer's input is the digit as a (28, 28, 1) map.
    """
    before = (
        np.asarray(digit, np.float32).reshape(28, 28, 1)
        if index == 0
        else forward.activations[index - 1].values
    )
    return before, forward.activations[index].values


def _activate(name: str, z: float) -> float:
    if name in _ACTIVATIONS:
        return float(_ACTIVATIONS[name](z))
    return float(np.asarray(keras.activations.get(name)(np.array([z], np.float32)))[0])


def _weights(layer: keras.layers.Layer) -> tuple[np.ndarray, np.ndarray | None]:
    kernel = np.asarray(layer.kernel.numpy(), np.float64)
    bias = None if layer.bias is None else np.asarray(layer.bias.numpy(), np.float64)
    return kernel, bias


def _same_padding(n: int, window: int, stride: int) -> int:
    """Zeros before the first value, as TensorFlow pads: the smaller half goes first."""
    out = -(-n // stride)
    return max((out - 1) * stride + window - n, 0) // 2


def _window_origin(
    config: dict, shape: tuple[int, ...], window: tuple[int, int], row: int, col: int
) -> tuple[int, int]:
    strides = config.get("strides") or window
    top, left = row * strides[0], col * strides[1]
    if config.get("padding", "valid") == "same":
        top -= _same_padding(shape[0], window[0], strides[0])
        left -= _same_padding(shape[1], window[1], strides[1])
    return top, left


def _cut(values: np.ndarray, top: int, left: int, size: tuple[int, int], fill: float):
    """values[top:top+h, left:left+w] with `fill` outside, and where it is outside."""
    height, width = values.shape[:2]
    rows, cols = np.arange(top, top + size[0]), np.arange(left, left + size[1])
    inside_r, inside_c = (rows >= 0) & (rows < height), (cols >= 0) & (cols < width)
    out = np.full((*size, *values.shape[2:]), fill, np.float64)
    out[np.ix_(inside_r, inside_c)] = values[np.ix_(rows[inside_r], cols[inside_c])]
    return out, ~np.outer(inside_r, inside_c)


def _check_cell(output: np.ndarray, row: int, col: int, channel: int) -> None:
    height, width, channels = output.shape
    if not (0 <= row < height and 0 <= col < width and 0 <= channel < channels):
        raise ValueError(
            f"cell ({row}, {col}) of map {channel} is outside the {height}×{width}×{channels} output"
        )


def conv_cell(
    layer: keras.layers.Layer,
    inputs: np.ndarray,
    outputs: np.ndarray,
    row: int,
    col: int,
    channel: int,
) -> ConvCell:
    """One output value of a Conv2D layer: patch × kernel, summed, plus bias, activated."""
    _check_cell(outputs, row, col, channel)
    config = layer.get_config()
    kernel, bias = _weights(layer)
    size = tuple(config["kernel_size"])
    top, left = _window_origin(config, inputs.shape, size, row, col)
    patch, padding = _cut(np.asarray(inputs), top, left, size, 0.0)
    weights = kernel[:, :, :, channel]
    products = patch * weights
    total = float(products.sum())
    bias_value = None if bias is None else float(bias[channel])
    z = total + (bias_value or 0.0)
    activation = config["activation"]
    return ConvCell(
        row=row,
        col=col,
        channel=channel,
        top=top,
        left=left,
        patch=patch,
        padding=padding,
        kernel=weights,
        products=products,
        total=total,
        bias=bias_value,
        pre_activation=z,
        activation=activation,
        result=_activate(activation, z),
        model_value=float(outputs[row, col, channel]),
    )


def pool_cell(
    layer: keras.layers.Layer,
    inputs: np.ndarray,
    outputs: np.ndarray,
    row: int,
    col: int,
    channel: int,
) -> PoolCell:
    """One output value of a MaxPooling2D layer: the largest value in its window."""
    _check_cell(outputs, row, col, channel)
    config = layer.get_config()
    size = tuple(config["pool_size"])
    top, left = _window_origin(config, inputs.shape, size, row, col)
    window, _ = _cut(np.asarray(inputs)[:, :, channel], top, left, size, np.nan)
    winner = np.unravel_index(int(np.nanargmax(window)), window.shape)
    return PoolCell(
        row=row,
        col=col,
        channel=channel,
        top=top,
        left=left,
        window=window,
        winner=(int(winner[0]), int(winner[1])),
        result=float(np.nanmax(window)),
        model_value=float(outputs[row, col, channel]),
    )


def dense_neuron(
    layer: keras.layers.Layer,
    inputs: np.ndarray,
    outputs: np.ndarray,
    unit: int,
    shown: int = 8,
) -> DenseNeuron:
    """One neuron of a Dense layer: the weighted sum of all inputs, plus bias, activated.

    `largest` names the `shown` inputs that contribute most (by size, either sign).
    """
    if not 0 <= unit < outputs.shape[-1]:
        raise ValueError(f"neuron {unit} is outside this layer's {outputs.shape[-1]} neurons")
    kernel, bias = _weights(layer)
    x = np.asarray(inputs, np.float64).ravel()
    weights = kernel[:, unit]
    products = x * weights
    largest = np.argsort(-np.abs(products), kind="stable")[:shown]
    total = float(products.sum())
    bias_value = None if bias is None else float(bias[unit])
    z = total + (bias_value or 0.0)
    activation = layer.get_config()["activation"]
    return DenseNeuron(
        unit=unit,
        inputs=x,
        weights=weights,
        products=products,
        largest=largest,
        rest=total - float(products[largest].sum()),
        total=total,
        bias=bias_value,
        pre_activation=z,
        activation=activation,
        result=_activate(activation, z),
        model_value=float(outputs[unit]),
    )


def softmax_step(layer: keras.layers.Layer, inputs: np.ndarray, outputs: np.ndarray) -> SoftmaxStep:
    """The last Dense layer's logits, their exponentials, the sum and the probabilities."""
    kernel, bias = _weights(layer)
    logits = np.asarray(inputs, np.float64).ravel() @ kernel
    if bias is not None:
        logits = logits + bias
    # Subtracting a constant from every logit leaves the probabilities unchanged.
    shift = float(logits.max()) if logits.max() > _EXP_LIMIT else 0.0
    exponentials = np.exp(logits - shift)
    total = float(exponentials.sum())
    return SoftmaxStep(
        logits, shift, exponentials, total, exponentials / total, np.asarray(outputs, np.float64)
    )
