"""Model presets: the seed CNN and a stronger one of our own.

Every preset is a plain Keras Sequential model with named layers, so the pages
can show each layer's activations under a readable title.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import layers

num_classes = 10
input_shape = (28, 28, 1)


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    # The recipe this preset is trained with unless the user changes it.
    epochs: int
    batch_size: int
    optimizer: str
    learning_rate: float
    augment: bool
    schedule: str  # "constant" or "cosine" learning rate


def build_seed() -> keras.Model:
    """The Keras book's MNIST convnet: 93,322 parameters."""
    return keras.Sequential(
        [
            keras.Input(shape=input_shape, name="digit"),
            layers.Conv2D(32, 3, activation="relu", name="conv2d"),  # (26, 26, 32)
            layers.MaxPooling2D(2, name="max_pooling2d"),  # (13, 13, 32)
            layers.Conv2D(64, 3, activation="relu", name="conv2d_1"),  # (11, 11, 64)
            layers.MaxPooling2D(2, name="max_pooling2d_1"),  # (5, 5, 64)
            layers.Conv2D(64, 3, activation="relu", name="conv2d_2"),  # (3, 3, 64)
            layers.Flatten(name="flatten"),  # (576,)
            layers.Dense(64, activation="relu", name="dense"),
            layers.Dense(num_classes, activation="softmax", name="softmax"),
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
            keras.Input(shape=input_shape, name="digit"),
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
            layers.Dense(num_classes, activation="softmax", name="softmax"),
        ],
        name="robust",
    )


PRESETS: dict[str, Preset] = {
    "seed": Preset(
        name="seed",
        description="The Keras book's CNN: 3 convolutions, 2 poolings, 2 dense layers.",
        epochs=5,
        batch_size=64,
        optimizer="rmsprop",
        learning_rate=0.001,
        augment=False,
        schedule="constant",
    ),
    "robust": Preset(
        name="robust",
        description="3 convolutions with batch norm and dropout, trained on augmented digits.",
        epochs=30,
        batch_size=128,
        optimizer="adam",
        learning_rate=0.002,
        augment=True,
        schedule="cosine",
    ),
}

_BUILDERS = {"seed": build_seed, "robust": build_robust}


def build(preset: str) -> keras.Model:
    if preset not in _BUILDERS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {sorted(_BUILDERS)}")
    return _BUILDERS[preset]()
