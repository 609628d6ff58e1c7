"""Training: one function trains any preset with any recipe.

It reports progress through a callback, stops within one batch when a
`threading.Event` is set, and returns the model with its history and test metrics.
The app's retrain page and `python -m model.train` both call `train()`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from model.architectures import build
from model.augment import augment_batch
from model.data import MnistData, as_model_input
from model.mnist import NUM_CLASSES
from model.recipes import Recipe


@dataclass(frozen=True)
class Progress:
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based, within the epoch
    batches: int  # per epoch
    loss: float
    accuracy: float
    elapsed_s: float
    epoch_done: bool = False

    @property
    def fraction(self) -> float:
        return ((self.epoch - 1) * self.batches + self.batch) / (self.epochs * self.batches)


@dataclass
class TrainingResult:
    model: keras.Model
    preset: str
    recipe: Recipe
    history: dict[str, list[float]]  # per-epoch loss and accuracy
    test_loss: float
    test_accuracy: float
    train_digits: int
    cancelled: bool
    seconds: float
    batch_log: list[tuple[float, float]] = field(default_factory=list)  # (loss, acc) per batch


def make_optimizer(recipe: Recipe, steps: int) -> keras.optimizers.Optimizer:
    lr = recipe.learning_rate
    if recipe.schedule == "cosine":
        lr = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, decay_steps=steps)
    if recipe.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=lr)
    if recipe.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=lr)
    return keras.optimizers.SGD(learning_rate=lr, momentum=0.9)


def make_dataset(x: np.ndarray, y: np.ndarray, recipe: Recipe) -> tf.data.Dataset:
    """(N, 28, 28) uint8 digits and labels -> shuffled, batched, optionally augmented batches."""
    inputs = as_model_input(x)
    targets = keras.utils.to_categorical(y, NUM_CLASSES).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices((inputs, targets))
    ds = ds.shuffle(len(inputs), seed=recipe.seed, reshuffle_each_iteration=True)
    ds = ds.batch(recipe.batch_size)
    if recipe.augment:
        ds = ds.map(
            lambda images, labels: (augment_batch(images, recipe.seed), labels),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    return ds.prefetch(tf.data.AUTOTUNE)


class _CancelCheck(keras.callbacks.Callback):
    """Checked after every batch (and before, for a cancel set between epochs),
    so a cancel stops training within one batch."""

    def __init__(self, cancel: threading.Event):
        super().__init__()
        self.cancel = cancel
        self.cancelled = False

    def on_train_batch_begin(self, batch, logs=None):
        self._check()

    def on_train_batch_end(self, batch, logs=None):
        self._check()

    def _check(self):
        if self.cancel.is_set():
            self.cancelled = True
            self.model.stop_training = True


class _ProgressReporter(keras.callbacks.Callback):
    # Synchronous on purpose: Keras's async dispatch uses a thread pool, which
    # would deliver batch reports out of order. benchmarks/training.py measures the cost.

    def __init__(self, epochs: int, batches: int, on_progress: Callable[[Progress], None] | None):
        super().__init__()
        self.epochs, self.batches, self.on_progress = epochs, batches, on_progress
        self.epoch = 1
        self.start = time.perf_counter()
        self.batch_log: list[tuple[float, float]] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        loss, acc = float(logs["loss"]), float(logs["accuracy"])
        self.batch_log.append((loss, acc))
        if self.on_progress:
            self.on_progress(self._progress(batch + 1, loss, acc, epoch_done=False))

    def on_epoch_end(self, epoch, logs=None):
        if self.on_progress and logs:
            self.on_progress(
                self._progress(self.batches, float(logs["loss"]), float(logs["accuracy"]), True)
            )

    def _progress(self, batch: int, loss: float, acc: float, epoch_done: bool) -> Progress:
        return Progress(
            epoch=self.epoch,
            epochs=self.epochs,
            batch=batch,
            batches=self.batches,
            loss=loss,
            accuracy=acc,
            elapsed_s=time.perf_counter() - self.start,
            epoch_done=epoch_done,
        )


def train(
    preset: str,
    recipe: Recipe,
    data: MnistData,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
) -> TrainingResult:
    """Build `preset`, fit it with `recipe` on `data`, and measure it on data's test set."""
    keras.utils.set_random_seed(recipe.seed)
    x_train, y_train = data.x_train, data.y_train
    if recipe.train_size is not None:
        x_train, y_train = x_train[: recipe.train_size], y_train[: recipe.train_size]
    batches = math.ceil(len(x_train) / recipe.batch_size)

    model = build(preset)
    model.compile(
        optimizer=make_optimizer(recipe, steps=batches * recipe.epochs),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    cancel_check = _CancelCheck(cancel or threading.Event())
    reporter = _ProgressReporter(recipe.epochs, batches, on_progress)
    start = time.perf_counter()
    history = model.fit(
        make_dataset(x_train, y_train, recipe),
        epochs=recipe.epochs,
        # The reporter runs first, so a cancel requested from a progress report
        # is seen at the end of that same batch.
        callbacks=[reporter, cancel_check],
        shuffle=False,  # the dataset reshuffles itself every epoch
        verbose=0,
    )
    seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(
        as_model_input(data.x_test),
        keras.utils.to_categorical(data.y_test, NUM_CLASSES),
        batch_size=1000,
        verbose=0,
    )
    return TrainingResult(
        model=model,
        preset=preset,
        recipe=recipe,
        history={k: [float(v) for v in vs] for k, vs in history.history.items()},
        test_loss=float(test_loss),
        test_accuracy=float(test_accuracy),
        train_digits=len(x_train),
        cancelled=cancel_check.cancelled,
        seconds=seconds,
        batch_log=reporter.batch_log,
    )
