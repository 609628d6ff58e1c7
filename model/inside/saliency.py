"""Where the CNN looked: Grad-CAM and gradient saliency for one digit and one class.

Both maps are (28, 28) float32 in [0, 1], aligned with the model's input, so a
page can lay them over the digit:

- Grad-CAM weights the feature maps of a late convolution by how much the class
  score grows with each map, sums them and keeps the positive part. Coarse but
  about *which parts of the digit* the class depends on.
- Gradient saliency is |∂ score / ∂ pixel|: how much each input pixel would move
  the score. Sharp, and noisier.

The score is the class's logit (the input of the softmax), as in the Grad-CAM
paper: the probability saturates near 1 and its gradients vanish.

`Explainer` builds its graph once per model; `explainer_for(model)` keeps one per
model object, so a page can call it on every rerun.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from model.digits.mnist import INPUT_SHAPE, SIDE
from model.network.assessment import EPSILON
from model.network.inference import DIGIT_SPEC, as_batch
from model.network.per_model import PerModel

# A Grad-CAM map coarser than this says little about a 28-pixel digit: the
# seed model's last convolution is 3×3, so its 11×11 one is used instead.
MIN_CAM_SIDE = 7
METHODS = ("Grad-CAM", "Gradient")


@dataclass(frozen=True)
class Saliency:
    gradcam: np.ndarray  # (28, 28) float32 in [0, 1]
    gradient: np.ndarray  # (28, 28) float32 in [0, 1]
    class_index: int
    cam_layer: str  # the layer Grad-CAM read, e.g. "conv2d_1"
    cam_shape: tuple[int, int]  # (rows, cols) of that layer's maps: Grad-CAM's own resolution
    cam_step: float  # input pixels from one of its cells to the next, before upsampling

    def map(self, method: str) -> np.ndarray:
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {method!r}")
        return self.gradcam if method == "Grad-CAM" else self.gradient


def cam_layer_index(model: keras.Model) -> int:
    """Index of the last layer whose output is a feature map of at least MIN_CAM_SIDE."""
    best = None
    for index, layer in enumerate(model.layers):
        shape = layer.output.shape
        if len(shape) == 4 and min(shape[1], shape[2]) >= MIN_CAM_SIDE:
            best = index
    if best is None:
        raise ValueError(f"model {model.name!r} has no feature map of at least {MIN_CAM_SIDE}²")
    return best


def cell_centres(layers: list[keras.layers.Layer], cells: int) -> np.ndarray:
    """Input row (or column) at the centre of each of a feature map's `cells` rows.

    Walks the layers up to the map: each "valid" window of k pixels moves the
    first centre on by (k - 1) / 2 steps, and each stride multiplies the step.
    "same" padding keeps the centres where they were.
    """
    offset, step = 0.0, 1.0
    for layer in layers:
        config = layer.get_config()
        size = config.get("kernel_size") or config.get("pool_size")
        if size is None:
            continue  # batch norm, activations, dropout: pixel for pixel
        strides = config.get("strides") or size
        if config.get("padding", "valid") == "valid":
            offset += (size[0] - 1) / 2 * step
        step *= strides[0]
    return offset + step * np.arange(cells)


def upsample_to_input(
    cam: np.ndarray, row_centres: np.ndarray, col_centres: np.ndarray
) -> np.ndarray:
    """(h, w) map whose cells sit at the given input rows and columns -> (28, 28), bilinear."""
    pixels = np.arange(SIDE)
    # np.interp holds the edge value beyond the first and last centre.
    tall = np.stack([np.interp(pixels, row_centres, column) for column in cam.T], axis=1)
    return np.stack([np.interp(pixels, col_centres, row) for row in tall]).astype(np.float32)


def _unit(values: np.ndarray) -> np.ndarray:
    """Scale to [0, 1] by the maximum; all zeros stay zeros."""
    peak = float(values.max())
    return (values / peak if peak > 0 else np.zeros_like(values)).astype(np.float32)


class Explainer:
    """Grad-CAM and gradient saliency for one model, one graph execution per call."""

    def __init__(self, model: keras.Model):
        self.model = model
        cam_index = cam_layer_index(model)
        self.cam_layer = model.layers[cam_index].name
        # The logits are the last Dense layer's input times its weights; reading
        # them this way works for any model that ends in Dense + softmax.
        self._ends_in_dense = isinstance(model.layers[-1], keras.layers.Dense)
        self._head = model.layers[: cam_index + 1]
        self._tail = model.layers[cam_index + 1 : -1 if self._ends_in_dense else None]
        cam_shape = model.layers[cam_index].output.shape
        self._rows = cell_centres(model.layers[: cam_index + 1], cam_shape[1])
        self._cols = cell_centres(model.layers[: cam_index + 1], cam_shape[2])
        self._graph = tf.function(
            self._maps, input_signature=[DIGIT_SPEC, tf.TensorSpec((), tf.int32)]
        )
        self._graph(np.zeros((1, *INPUT_SHAPE), np.float32), tf.constant(0))  # trace now

    def _maps(self, x: tf.Tensor, class_index: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        # Layer by layer, as the stack of a Sequential model: the feature maps are
        # an intermediate tensor the tape can watch. A keras.Model with two outputs
        # is no shorter and no faster: in a loaded Sequential model `layer.output`
        # belongs to the graph of an earlier build, which the gradient does not
        # flow through, so the layers would have to be called anew all the same.
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            feature_maps = x
            for layer in self._head:
                feature_maps = layer(feature_maps, training=False)
            features = feature_maps
            for layer in self._tail:
                features = layer(features, training=False)
            if self._ends_in_dense:
                last = self.model.layers[-1]
                logits = tf.matmul(features, last.kernel)
                if last.bias is not None:
                    logits = logits + last.bias
            else:
                logits = tf.math.log(tf.maximum(features, EPSILON))
            score = logits[0, class_index]
        map_grads = tape.gradient(score, feature_maps)[0]  # (h, w, channels)
        pixel_grads = tape.gradient(score, x)[0, :, :, 0]  # (28, 28)
        del tape
        weights = tf.reduce_mean(map_grads, axis=(0, 1))  # one weight per channel
        cam = tf.nn.relu(tf.reduce_sum(feature_maps[0] * weights, axis=-1))  # (h, w)
        return cam, tf.abs(pixel_grads)

    def explain(self, digit: np.ndarray, class_index: int) -> Saliency:
        """Both maps for one 28×28 digit in [0, 1] and one class 0..9."""
        if not 0 <= class_index < self.model.output_shape[-1]:
            raise ValueError(f"class_index must be 0..{self.model.output_shape[-1] - 1}")
        cam, gradient = self._graph(as_batch(digit)[:1], tf.constant(class_index, tf.int32))
        cam = upsample_to_input(cam.numpy(), self._rows, self._cols)
        return Saliency(
            gradcam=_unit(cam),
            gradient=_unit(gradient.numpy()),
            class_index=class_index,
            cam_layer=self.cam_layer,
            cam_shape=(len(self._rows), len(self._cols)),
            cam_step=float(self._rows[1] - self._rows[0]) if len(self._rows) > 1 else SIDE,
        )


_EXPLAINERS = PerModel(Explainer)


def explainer_for(model: keras.Model) -> Explainer:
    """One Explainer per model object, built on first use; it goes when the model goes."""
    return _EXPLAINERS(model)
