"""Training augmentation: digits distorted the way people draw them.

`augment_batch` runs inside the tf.data pipeline of model/trainer.py, on
batches of (B, 28, 28, 1) float32 digits in [0, 1].
"""

from __future__ import annotations

import functools

import keras
import tensorflow as tf


def augment_batch(images: tf.Tensor, seed: int) -> tf.Tensor:
    """Random rotation, slant, scale, shift and stroke thickness: digits as people draw them.

    images: (B, 28, 28, 1) float32 in [0, 1].
    """
    affine = _affine_augmenter(seed)
    images = affine(images, training=True)
    # Stroke thickness: a 2×2 max filter thickens by one pixel, a 3×3 one by two
    # (a small digit drawn with a wide pen), and a 2×2 min filter thins.
    thick = max_filter(images, 2)
    thicker = max_filter(images, 3)
    thin = -max_filter(-images, 2)
    choice = tf.random.uniform((tf.shape(images)[0], 1, 1, 1), 0, 1)
    images = tf.where(choice < 0.2, thick, images)
    images = tf.where((choice >= 0.2) & (choice < 0.3), thicker, images)
    images = tf.where(choice > 0.85, thin, images)
    return tf.clip_by_value(images, 0.0, 1.0)


def max_filter(images: tf.Tensor, size: int) -> tf.Tensor:
    """The brightest pixel of each size × size window: tf.nn.max_pool2d(stride 1, "SAME").

    Separable shifted maxima, several times faster on a CPU than the pooling op.
    Values are in [-1, 1] (negated digits are thinned with it), so -1 pads.
    """
    before, after = (size - 1) // 2, size // 2
    height, width = images.shape[1], images.shape[2]  # static: the batches' digits have a size
    rows = tf.pad(images, [[0, 0], [before, after], [0, 0], [0, 0]], constant_values=-1.0)
    images = rows[:, :height]
    for offset in range(1, size):
        images = tf.maximum(images, rows[:, offset : offset + height])
    cols = tf.pad(images, [[0, 0], [0, 0], [before, after], [0, 0]], constant_values=-1.0)
    images = cols[:, :, :width]
    for offset in range(1, size):
        images = tf.maximum(images, cols[:, :, offset : offset + width])
    return images


# One augmenter per seed, built once: its layers carry their own random state.
@functools.cache
def _affine_augmenter(seed: int) -> keras.Sequential:
    return keras.Sequential(
        [
            # factor is a fraction of a full turn: 0.045 × 360° ≈ ±16°.
            keras.layers.RandomRotation(0.045, fill_mode="constant", seed=seed),
            # Slant: a horizontal shear of up to ±0.25.
            keras.layers.RandomShear(x_factor=0.25, fill_mode="constant", seed=seed + 3),
            keras.layers.RandomZoom(0.12, fill_mode="constant", seed=seed + 1),
            keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant", seed=seed + 2),
        ],
        name="augment",
    )
