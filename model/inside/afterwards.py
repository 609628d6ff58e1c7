"""What a worked value goes through after its layer: batch normalisation and ReLU.

A convolution or dense layer followed by its own BatchNormalization and ReLU
layers (as in the default model) gives its final value only after them, so a
worked example goes on through each: the hand-computed value of one step is
the input of the next, and each step carries the model's own value of its layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras
import numpy as np

from model.inside.arithmetic import OneValue
from model.network.inference import Forward


@dataclass(frozen=True)
class NormStep(OneValue):
    """y = gamma · (x − mean) / √(variance + epsilon) + beta, with this channel's four numbers."""

    layer: str
    x: float
    gamma: float  # 1 when the layer does not scale
    beta: float  # 0 when the layer does not shift
    mean: float  # the moving mean learned in training
    variance: float  # the moving variance learned in training
    epsilon: float
    normalised: float  # (x − mean) / √(variance + epsilon)
    result: float
    model_value: float


@dataclass(frozen=True)
class ReluStep(OneValue):
    layer: str
    x: float
    result: float  # max(0, x)
    model_value: float


def _value(layer: keras.layers.Layer, name: str, channel: int, default: float) -> float:
    weight = getattr(layer, name, None)
    return default if weight is None else float(np.asarray(weight.numpy(), np.float64)[channel])


def norm_step(layer: keras.layers.Layer, x: float, channel: int, model_value: float) -> NormStep:
    """One value through a BatchNormalization layer, as it predicts (moving statistics)."""
    if layer.get_config().get("axis") not in (-1, [-1], (-1,)):
        raise ValueError(f"{layer.name} normalises along an axis other than the last")
    gamma = _value(layer, "gamma", channel, 1.0)
    beta = _value(layer, "beta", channel, 0.0)
    mean = _value(layer, "moving_mean", channel, 0.0)
    variance = _value(layer, "moving_variance", channel, 1.0)
    epsilon = float(layer.epsilon)
    normalised = (x - mean) / math.sqrt(variance + epsilon)
    result = gamma * normalised + beta
    return NormStep(
        layer.name, x, gamma, beta, mean, variance, epsilon, normalised, result, model_value
    )


def _plain_relu(layer: keras.layers.Layer) -> bool:
    config = layer.get_config()
    return (
        config.get("max_value") is None
        and not config.get("negative_slope")
        and not config.get("threshold")
    )


def relu_step(layer: keras.layers.Layer, x: float, model_value: float) -> ReluStep:
    if not _plain_relu(layer):
        raise ValueError(f"{layer.name} is a ReLU with a cap, slope or threshold")
    return ReluStep(layer.name, x, max(x, 0.0), model_value)


def afterwards(
    model: keras.Model, forward: Forward, index: int, where: tuple[int, ...], value: float
) -> list[NormStep | ReluStep]:
    """The batch-norm and ReLU layers right after layer `index`, worked on `value`.

    `where` is the cell in the layer's output, (row, col, channel) or (unit,); the
    channel is its last number. Stops at the first layer of another kind.
    """
    steps: list[NormStep | ReluStep] = []
    for position in range(index + 1, len(model.layers)):
        layer = model.layers[position]
        if isinstance(layer, keras.layers.BatchNormalization):
            own = float(forward.activations[position].values[where])
            steps.append(norm_step(layer, value, where[-1], own))
        elif isinstance(layer, keras.layers.ReLU) and _plain_relu(layer):
            steps.append(
                relu_step(layer, value, float(forward.activations[position].values[where]))
            )
        else:
            break
        value = steps[-1].result
    return steps
