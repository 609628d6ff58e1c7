"""Keras callbacks of a training run: Stop, progress reports, the learning-rate schedule."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

import keras
import numpy as np

from model.network.assessment import loss_and_accuracy
from model.training.progress import Progress


class CancelCheck(keras.callbacks.Callback):
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


class ProgressReporter(keras.callbacks.Callback):
    """Reports every batch and every epoch; stops the run when it diverges.

    Diverged means the loss or any weight is no longer a finite number. The
    weights are checked as well as the loss because the loss alone can stay
    finite after the weights have gone: on some CPUs TensorFlow's max-pooling
    turns NaN inputs into -3.4e38, and a far too large learning rate then
    leaves NaN weights behind a finite, merely huge, loss.

    Keras's batch logs hold the epoch's running means, weighted by batch size;
    the loss and accuracy of the batch alone are recovered from two consecutive
    means. Validation digits are scored here after each complete epoch, not by
    fit(validation_data=...), which would also score a stopped epoch and so
    delay Stop. Synchronous on purpose: Keras's async dispatch uses a thread
    pool, which would deliver batch reports out of order. benchmarks/training.py
    measures the cost.
    """

    def __init__(
        self,
        epochs: int,
        digits: int,
        batch_size: int,
        on_progress: Callable[[Progress], None] | None,
        validation: tuple[np.ndarray, np.ndarray] | None = None,  # model inputs, labels
    ):
        super().__init__()
        self.epochs, self.digits, self.batch_size = epochs, digits, batch_size
        self.validation = validation
        self.batches = math.ceil(digits / batch_size)
        self.on_progress = on_progress
        self.epoch = 1
        self.start = time.perf_counter()
        self.batch_log: list[tuple[float, float]] = []
        self.last_batch: tuple[int, int] | None = None
        self.diverged_at: tuple[int, int] | None = None
        self.diverged_what = ""  # "loss" or "weights": what stopped being finite first
        self.epochs_done = 0
        self.epoch_weights: list[np.ndarray] | None = None  # after epoch `epochs_done`
        self._sums = (0.0, 0.0)  # running loss and accuracy sums over the epoch's digits

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1
        self._sums = (0.0, 0.0)

    def on_train_batch_end(self, batch, logs=None):
        loss, acc = float(logs["loss"]), float(logs["accuracy"])
        seen = min((batch + 1) * self.batch_size, self.digits)
        size = seen - min(batch * self.batch_size, self.digits)
        sums = (loss * seen, acc * seen)
        batch_loss = (sums[0] - self._sums[0]) / size
        batch_acc = (sums[1] - self._sums[1]) / size
        self._sums = sums
        self.batch_log.append((loss, acc))
        self.last_batch = (self.epoch, batch + 1)
        diverged = "loss" if not math.isfinite(loss) else self._non_finite_weights()
        if diverged:
            self.diverged_at, self.diverged_what = self.last_batch, diverged
            self.model.stop_training = True
        if self.on_progress:
            self.on_progress(
                self._progress(
                    batch + 1, loss, acc, batch_loss=batch_loss, batch_accuracy=batch_acc
                )
            )

    def _non_finite_weights(self) -> str:
        """ "weights" if any weight of the model is NaN or infinite, else ""."""
        # 0.4 ms (seed) to 0.9 ms (robust) p50 on the 2-core machine, 1-3% of a batch.
        finite = all(np.isfinite(w.numpy()).all() for w in self.model.weights)
        return "" if finite else "weights"

    def on_epoch_end(self, epoch, logs=None):
        complete = self.last_batch == (self.epoch, self.batches)
        if self.diverged_at is not None or not logs or not complete:
            return  # a stopped or diverged epoch is not a finished one
        self.epochs_done = self.epoch
        # What Stop keeps: the model as it was after its last complete epoch.
        self.epoch_weights = self.model.get_weights()
        if self.validation is not None:
            x_val, y_val = self.validation
            probabilities = self.model.predict(x_val, batch_size=500, verbose=0)
            # Into Keras's logs, so the History callback (which runs after this one) keeps them.
            logs["val_loss"], logs["val_accuracy"] = loss_and_accuracy(probabilities, y_val)
        if self.on_progress:
            self.on_progress(
                self._progress(
                    self.batches,
                    float(logs["loss"]),
                    float(logs["accuracy"]),
                    epoch_done=True,
                    val_loss=logs.get("val_loss"),
                    val_accuracy=logs.get("val_accuracy"),
                )
            )

    def _progress(self, batch: int, loss: float, acc: float, **extra) -> Progress:
        return Progress(
            epoch=self.epoch,
            epochs=self.epochs,
            batch=batch,
            batches=self.batches,
            loss=loss,
            accuracy=acc,
            elapsed_s=time.perf_counter() - self.start,
            **extra,
        )


class CosineSchedule(keras.callbacks.Callback):
    """Cosine decay of the learning rate from its start to 0 over `steps` batches.

    The same values as keras.optimizers.schedules.CosineDecay, set on the
    optimizer's learning-rate variable before each batch instead of computed
    inside the traced training step: the traced step then fits any recipe, so a
    model prepared in advance (model/training/ready_models.py) serves runs with any
    learning rate and schedule.
    """

    def __init__(self, learning_rate: float, steps: int):
        super().__init__()
        self.learning_rate, self.steps, self.step = learning_rate, max(steps, 1), 0

    def on_train_batch_begin(self, batch, logs=None):
        done = min(self.step, self.steps) / self.steps
        self.model.optimizer.learning_rate = (
            self.learning_rate * 0.5 * (1 + math.cos(math.pi * done))
        )
        self.step += 1
