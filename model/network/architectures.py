"""The models of the presets: the seed CNN and a stronger one of our own.

Every preset is a plain Keras Sequential model with named layers, so the pages
can show each layer's activations under a readable title.
"""

from __future__ import annotations

import keras
from keras import layers

from model.digits.mnist import INPUT_SHAPE, NUM_CLASSES


def build_seed() -> keras.Model:
    """The Keras book's MNIST convnet: 93,322 parameters."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="digit"),
            layers.Conv2D(32, 3, activation="relu", name="conv2d"),  # (26, 26, 32)
            layers.MaxPooling2D(2, name="max_pooling2d"),  # (13, 13, 32)
            layers.Conv2D(64, 3, activation="relu", name="conv2d_1"),  # (11, 11, 64)
            layers.MaxPooling2D(2, name="max_pooling2d_1"),  # (5, 5, 64)
            layers.Conv2D(64, 3, activation="relu", name="conv2d_2"),  # (3, 3, 64)
            layers.Flatten(name="flatten"),  # (576,)
            layers.Dense(64, activation="relu", name="dense"),
            layers.Dense(NUM_CLASSES, activation="softmax", name="softmax"),
        ],
        name="seed",
    )


def build_robust() -> keras.Model:
    """Three conv stages with batch norm, dropout around a dense layer: 240k parameters.

    "same" padding keeps strokes that touch the edge of the 20×20 digit box, and
    batch norm plus dropout let it train longer on augmented digits without
    overfitting the 24k-digit training set. About 2.5× the seed's arithmetic per
    digit, so it still trains in minutes on a 2-core CPU.
    """

    def conv_bn_relu(filters: int, name: str) -> list[layers.Layer]:
        return [
            layers.Conv2D(filters, 3, padding="same", use_bias=False, name=name),
            layers.BatchNormalization(name=f"{name}_bn"),
            layers.ReLU(name=f"{name}_relu"),
        ]

    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="digit"),
            *conv_bn_relu(32, "conv2d"),  # (28, 28, 32)
            layers.MaxPooling2D(2, name="max_pooling2d"),  # (14, 14, 32)
            *conv_bn_relu(64, "conv2d_1"),  # (14, 14, 64)
            layers.MaxPooling2D(2, name="max_pooling2d_1"),  # (7, 7, 64)
            *conv_bn_relu(128, "conv2d_2"),  # (7, 7, 128)
            layers.MaxPooling2D(2, name="max_pooling2d_2"),  # (3, 3, 128)
            layers.Flatten(name="flatten"),  # (1152,)
            layers.Dropout(0.3, name="dropout"),
            layers.Dense(128, use_bias=False, name="dense"),
            layers.BatchNormalization(name="dense_bn"),
            layers.ReLU(name="dense_relu"),
            layers.Dropout(0.4, name="dropout_1"),
            layers.Dense(NUM_CLASSES, activation="softmax", name="softmax"),
        ],
        name="robust",
    )


# One builder per preset of model/training/recipes.py, under the same name.
BUILDERS = {"seed": build_seed, "robust": build_robust}


def build(preset: str) -> keras.Model:
    if preset not in BUILDERS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {sorted(BUILDERS)}")
    return BUILDERS[preset]()
