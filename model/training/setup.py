"""What a run's model is compiled with and fed: the recipe's optimizer, and its input pipeline.

Both the trainer and the models prepared in advance (ready_models) set a model
up this way, so a prepared model trains exactly as a freshly built one.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from model.digits.data import as_model_input
from model.training.augment import augment_batch
from model.training.recipes import Recipe


def make_optimizer(recipe: Recipe) -> keras.optimizers.Optimizer:
    """The recipe's optimizer at its learning rate; the trainer's schedule callbacks decay it."""
    lr = recipe.learning_rate
    if recipe.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=lr)
    if recipe.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=lr)
    return keras.optimizers.SGD(learning_rate=lr, momentum=0.9)


def compile_for(model: keras.Model, recipe: Recipe) -> None:
    """Compile `model` to train with the recipe's optimizer, as every run does."""
    # Integer labels: the loss picks each digit's probability by its label.
    model.compile(
        optimizer=make_optimizer(recipe),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )


def make_dataset(x: np.ndarray, y: np.ndarray, recipe: Recipe) -> tf.data.Dataset:
    """(N, 28, 28) uint8 digits and labels -> shuffled, batched, optionally augmented batches."""
    inputs = as_model_input(x)
    labels = np.asarray(y, dtype=np.int32)
    ds = tf.data.Dataset.from_tensor_slices((inputs, labels))
    ds = ds.shuffle(len(inputs), seed=recipe.seed, reshuffle_each_iteration=True)
    ds = ds.batch(recipe.batch_size)
    if recipe.augment:
        ds = ds.map(
            lambda images, labels: (augment_batch(images, recipe.seed, digits=labels), labels),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    return ds.prefetch(tf.data.AUTOTUNE)
