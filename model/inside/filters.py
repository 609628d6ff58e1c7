"""Filters: the learned kernels, and the input that excites a filter most.

The exciting input is found as keras-io's "visualizing what convnets learn"
example does it: start from a blank image and climb the gradient of the
filter's mean activation, one normalised step at a time. As there, the blank
image is mid-gray with faint noise: gray, so each pixel can move either way
(brighter where the filter wants ink, darker where it wants none); noise,
because on a perfectly flat image every max-pooling window is a tie and its
gradient points nowhere useful. Pixels stay in [0, 1], the range the model reads.

A ReLU gives no gradient where it outputs 0, so the climb also rewards the
response under it, a thousand times more weakly: a filter silent on the start
image still has a way up. A step that does not improve this objective is taken
again at half the length, so the image found is never worse than the start.

`ascent_for(model)` keeps one `FilterAscent` per model object, with the inputs
it has found, so a page can ask again on every rerun.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from model.digits.mnist import INPUT_SHAPE
from model.network.per_model import PerModel

BLANK = 0.5  # the start: every pixel mid-gray ...
NOISE = 0.05  # ... give or take this much, the same noise every time (seed 0)
UNDER_RELU = 1e-3  # weight of the response under the activation in the objective
STEPS = 50  # gradient steps; the mean response has levelled off by then
STEP_SIZE = 1.0  # length of each step in pixel space: about 0.04 per pixel on average
KEEP = 256  # exciting inputs remembered per model (3 KB each)


@dataclass(frozen=True)
class ExcitingInput:
    layer: str
    channel: int
    image: np.ndarray  # (28, 28) float32 in [0, 1]
    start_activation: float  # the filter's mean activation on the blank image
    activation: float  # ... and on `image`, which is at least as high


def conv_indices(model: keras.Model) -> list[int]:
    """Indices of the model's Conv2D layers, in order."""
    return [i for i, layer in enumerate(model.layers) if isinstance(layer, keras.layers.Conv2D)]


def kernel_slice(layer: keras.layers.Layer, in_channel: int, out_channel: int) -> np.ndarray:
    """The (k, k) weights that filter `out_channel` applies to input channel `in_channel`."""
    return np.asarray(layer.kernel.numpy()[:, :, in_channel, out_channel], np.float32)


def kernels(layer: keras.layers.Layer) -> np.ndarray:
    """All of a Conv2D layer's weights: (k, k, c_in, c_out) float32."""
    return np.asarray(layer.kernel.numpy(), np.float32)


def blank_image() -> np.ndarray:
    """The start of every climb: (28, 28) float32, mid-gray with faint fixed noise."""
    noise = np.random.default_rng(0).uniform(-NOISE, NOISE, INPUT_SHAPE[:2])
    return (BLANK + noise).astype(np.float32)


class FilterAscent:
    """Gradient ascent on the input, for any filter of any conv layer of one model."""

    def __init__(self, model: keras.Model):
        self.model = model
        self._steps: dict[int, tf.types.experimental.PolymorphicFunction] = {}
        self._found: OrderedDict[tuple[int, int], ExcitingInput] = OrderedDict()
        self._lock = threading.Lock()

    def _responses(self, index: int, x: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        """Layer `index`'s output for x, before and after its own activation."""
        for layer in self.model.layers[:index]:
            x = layer(x, training=False)
        conv = self.model.layers[index]
        before = conv.convolution_op(x, conv.kernel)
        if conv.bias is not None:
            before = before + conv.bias
        return before, conv.activation(before)

    def _step_function(self, index: int):
        if index not in self._steps:

            def step(image: tf.Tensor, channel: tf.Tensor):
                with tf.GradientTape() as tape:
                    tape.watch(image)
                    before, after = self._responses(index, image)
                    mean = tf.reduce_mean(after[..., channel])
                    objective = mean + UNDER_RELU * tf.reduce_mean(before[..., channel])
                gradient = tape.gradient(objective, image)
                gradient = gradient / (tf.norm(gradient) + 1e-8)
                return mean, objective, gradient

            self._steps[index] = tf.function(
                step,
                input_signature=[
                    tf.TensorSpec((1, *INPUT_SHAPE), tf.float32),
                    tf.TensorSpec((), tf.int32),
                ],
                autograph=False,
            )
        return self._steps[index]

    def known(self, index: int, channel: int) -> ExcitingInput | None:
        """The exciting input if it has been found already, else None (finds nothing)."""
        with self._lock:
            return self._found.get((index, channel))

    def excite(self, index: int, channel: int, steps: int = STEPS) -> ExcitingInput:
        """The input that excites filter `channel` of conv layer `index` most (cached)."""
        layer = self.model.layers[index]
        if not isinstance(layer, keras.layers.Conv2D):
            raise ValueError(f"layer {layer.name!r} is a {type(layer).__name__}, not a Conv2D")
        if not 0 <= channel < layer.filters:
            raise ValueError(f"{layer.name} has filters 0 to {layer.filters - 1}, not {channel}")
        key = (index, channel)
        with self._lock:
            if key in self._found:
                self._found.move_to_end(key)
                return self._found[key]
            step = self._step_function(index)
        image = blank_image()[np.newaxis, ..., np.newaxis]
        channel_tensor = tf.constant(channel, tf.int32)

        def climb_from(x: np.ndarray) -> tuple[float, float, np.ndarray]:
            mean, objective, gradient = step(x, channel_tensor)
            return float(mean), float(objective), gradient.numpy()

        activation, objective, gradient = climb_from(image)
        start, size = activation, STEP_SIZE
        for _ in range(steps):
            candidate = np.clip(image + size * gradient, 0.0, 1.0)
            candidate_activation, candidate_objective, candidate_gradient = climb_from(candidate)
            if candidate_objective > objective:
                image, activation = candidate, candidate_activation
                objective, gradient = candidate_objective, candidate_gradient
            else:
                size /= 2  # overshot: a shorter step from the best image so far
        found = ExcitingInput(layer.name, channel, image[0, :, :, 0], start, activation)
        with self._lock:
            self._found[key] = found
            while len(self._found) > KEEP:
                self._found.popitem(last=False)
        return found


_ASCENTS = PerModel(FilterAscent)


def ascent_for(model: keras.Model) -> FilterAscent:
    """One FilterAscent per model object, built on first use; it goes when the model goes."""
    return _ASCENTS(model)
