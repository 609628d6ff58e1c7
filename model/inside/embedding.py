"""Where a digit sits: the numbers the last layer reads, for 2,000 MNIST test digits.

The last Dense layer classifies from the output of the layer before it (64
numbers for the seed model, 128 for the default one): the network's own
description of a digit. `DigitSpace` holds those numbers for the first 2,000
official test digits, projects them to 2-D with PCA (numpy's SVD of the centred
features; no other projection), and finds the test digits nearest to a new one
in the full n-D space, not in the picture.

`space_for(model)` computes this once per model object; it goes when the model goes.
Running 2,000 digits through the network takes seconds on a small CPU, so a
page calls `space_soon(model)` instead: it starts the work in the background and
returns None until it is done, and the rest of the page need not wait.
"""

from __future__ import annotations

import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from model.digits.data import as_model_input, load_bundled_sample
from model.network.inference import DIGIT_SPEC

PLACED_DIGITS = 2000  # the first 2,000 official test digits, all in the bundled sample
NEIGHBOURS = 6


@dataclass(frozen=True)
class DigitSpace:
    layer: str  # the layer whose output is the feature vector, e.g. "dense"
    features: np.ndarray  # (N, n) float32: each test digit's n numbers
    labels: np.ndarray  # (N,) uint8: true labels
    digits: np.ndarray  # (N, 28, 28) uint8: the test digits, to show the nearest ones
    mean: np.ndarray  # (n,) the features' mean, subtracted before projecting
    axes: np.ndarray  # (2, n) the first two principal directions, unit length
    explained: np.ndarray  # (2,) share of the features' variance along each axis
    points: np.ndarray  # (N, 2) the test digits projected

    @property
    def size(self) -> int:
        return int(self.features.shape[1])

    def project(self, features: np.ndarray) -> np.ndarray:
        """(n,) features -> (2,) position in the same plane as `points`."""
        return (np.asarray(features, np.float64) - self.mean) @ self.axes.T

    def nearest(
        self, features: np.ndarray, count: int = NEIGHBOURS, exclude: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Indices and Euclidean distances (n-D) of the `count` nearest test digits.

        `exclude` leaves one test digit out: the digit itself, when it is one of them.
        """
        distances = np.linalg.norm(self.features - np.asarray(features, np.float32), axis=1)
        order = np.argsort(distances, kind="stable")
        order = order[order != exclude][:count] if exclude is not None else order[:count]
        return order, distances[order]


def feature_layer_index(model: keras.Model) -> int:
    """The layer whose output the last (Dense) layer reads; dropout is skipped over.

    Dropout passes values through unchanged at prediction time, so the layer
    that made them is the one named.
    """
    if not isinstance(model.layers[-1], keras.layers.Dense) or len(model.layers) < 2:
        raise ValueError(f"model {model.name!r} does not end in a Dense layer after another layer")
    index = len(model.layers) - 2
    while index > 0 and isinstance(model.layers[index], keras.layers.Dropout):
        index -= 1
    return index


def principal_axes(features: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, first two principal directions (2, n), their shares of the variance)."""
    x = np.asarray(features, np.float64)
    mean = x.mean(axis=0)
    _, singular, vt = np.linalg.svd(x - mean, full_matrices=False)
    variance = singular**2
    share = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
    axes = vt[:2]
    # SVD's signs are arbitrary: fix them so that a model always draws the same picture.
    signs = np.where(np.take_along_axis(axes, np.abs(axes).argmax(1)[:, None], 1) < 0, -1, 1)
    return mean, axes * signs, share


def digit_space(model: keras.Model, digits: np.ndarray, labels: np.ndarray) -> DigitSpace:
    """Features, PCA plane and neighbours for uint8 test digits (N, 28, 28)."""
    index = feature_layer_index(model)
    features_model = keras.Model(model.inputs, model.layers[index].output)
    run = tf.function(lambda x: features_model(x, training=False), input_signature=[DIGIT_SPEC])
    features = np.concatenate(
        [run(as_model_input(digits[i : i + 500])).numpy() for i in range(0, len(digits), 500)]
    ).reshape(len(digits), -1)
    mean, axes, explained = principal_axes(features)
    return DigitSpace(
        layer=model.layers[index].name,
        features=features.astype(np.float32),
        labels=np.asarray(labels),
        digits=np.asarray(digits),
        mean=mean,
        axes=axes,
        explained=explained,
        points=(features - mean) @ axes.T,
    )


_SPACES: weakref.WeakKeyDictionary[keras.Model, Future] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
# One worker: two models' spaces at once would only slow each other down.
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="digit-space")


def _placed(model: keras.Model) -> DigitSpace:
    sample = load_bundled_sample()
    return digit_space(model, sample.x_test[:PLACED_DIGITS], sample.y_test[:PLACED_DIGITS])


def _future(model: keras.Model) -> Future:
    with _LOCK:
        if model not in _SPACES:
            _SPACES[model] = _WORKER.submit(_placed, model)
        return _SPACES[model]


def space_soon(model: keras.Model) -> DigitSpace | None:
    """This model's DigitSpace if it is ready; else start it (once) and return None.

    An error in the work is raised here, by the call after it happened.
    """
    future = _future(model)
    return future.result() if future.done() else None


def space_for(model: keras.Model, timeout: float | None = None) -> DigitSpace:
    """The DigitSpace of the first 2,000 official test digits for this model; waits for it."""
    return _future(model).result(timeout)
