"""Training: one function trains any preset with any recipe.

It reports progress through a callback, stops within one batch when a
`threading.Event` (or a multiprocessing Event) is set, stops as "diverged" when
the loss or a weight stops being finite, and returns the model with its history and test
predictions. The model is built and trained inside a tf.distribute strategy
(model/training/distribute.py). The app's training worker and `python -m model.train`
both call `train()`.
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

from model.digits.data import MnistData, as_model_input, training_digits_words
from model.mine.mixing import with_my_digits
from model.network.architectures import build
from model.network.assessment import loss_and_accuracy
from model.training.callbacks import CancelCheck, CosineSchedule, ProgressReporter
from model.training.distribute import make_strategy
from model.training.progress import DIVERGED, FINISHED, STOPPED, Progress
from model.training.ready_models import ReadyModels
from model.training.recipes import Recipe
from model.training.setup import compile_for, make_dataset

__all__ = ["Progress", "TrainingResult", "inference_copy", "train"]


@dataclass
class TrainingResult:
    model: keras.Model
    preset: str
    recipe: Recipe
    outcome: str  # FINISHED, STOPPED (cancelled) or DIVERGED (loss or weights not finite)
    history: dict[str, list[float]]  # per-epoch loss, accuracy, val_loss, val_accuracy
    train_digits: int
    validation_digits: int
    seconds: float
    # On data's test set; None unless the run finished or was stopped after at least one
    # complete epoch (the model is then as it was after that epoch). A diverged model is
    # never measured, saved or used.
    test_loss: float | None = None
    test_accuracy: float | None = None
    test_probabilities: np.ndarray | None = None  # (N, 10)
    epochs_done: int = 0
    stopped_at: tuple[int, int] | None = None  # (epoch, batch) of the last batch run
    batch_log: list[tuple[float, float]] = field(default_factory=list)  # (loss, acc) per batch
    diverged_what: str = ""  # for DIVERGED: "loss" or "weights", what stopped being finite
    extra_digits: int = 0  # other digits trained beside MNIST's (a learner's own)...
    extra_repeats: int = 0  # ...each this many times
    fine_tuned: bool = False  # started from a trained model's weights, not from its seed

    @property
    def divergence_words(self) -> str:
        """For DIVERGED, in words: "the training loss became NaN or infinite in epoch 1, batch 3"."""
        epoch, batch = self.stopped_at or (0, 0)
        what = "the training loss" if self.diverged_what == "loss" else "the model's weights"
        return f"{what} became NaN or infinite in epoch {epoch}, batch {batch}"

    @property
    def cancelled(self) -> bool:
        return self.outcome == STOPPED

    @property
    def trained_on(self) -> str:
        """For the model card: exactly which digits trained it, e.g. "first 3,600 MNIST …"."""
        return training_digits_words(self.train_digits)

    @property
    def card_notes(self) -> list[str]:
        notes = []
        if self.fine_tuned:
            notes.append("fine-tuned: started from a trained model's weights")
        if self.extra_digits:
            notes.append(
                f"also trained on {self.extra_digits:,} of a learner's own digits, each "
                f"repeated {self.extra_repeats} times"
            )
        if self.validation_digits:
            notes.append(
                f"the last {self.validation_digits:,} training digits were held out for "
                "validation, never trained on"
            )
        return notes


def schedule_callbacks(recipe: Recipe, steps: int) -> list[keras.callbacks.Callback]:
    """The callbacks that give the learning rate the recipe's schedule over `steps` batches."""
    if recipe.schedule == "cosine":
        return [CosineSchedule(recipe.learning_rate, steps)]
    return []


def split_for_training(
    data: MnistData, recipe: Recipe, validation: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_val, y_val): the last `validation` training digits are held out,
    and the recipe's first train_size (or all) of the others train."""
    if not 0 <= validation < len(data.x_train):
        raise ValueError(
            f"validation digits must be from 0 to {len(data.x_train) - 1:,} (got {validation:,})"
        )
    trainable = len(data.x_train) - validation
    x_val, y_val = data.x_train[trainable:], data.y_train[trainable:]
    size = trainable if recipe.train_size is None else min(recipe.train_size, trainable)
    return data.x_train[:size], data.y_train[:size], x_val, y_val


def train(
    preset: str,
    recipe: Recipe,
    data: MnistData,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    strategy: tf.distribute.Strategy | None = None,
    validation: int = 0,
    ready: ReadyModels | None = None,
    extra: tuple[np.ndarray, np.ndarray] | None = None,
    start_from: keras.Model | None = None,
) -> TrainingResult:
    """Build `preset`, fit it with `recipe` on `data`, and measure it on data's test set.

    The last `validation` training digits are held out and scored after every
    epoch (none by default). `strategy` defaults to make_strategy("auto"), or to
    the strategy of `ready`, whose model for this preset is used when it has one.
    `extra`: other digits and labels (a learner's own) trained beside MNIST's,
    repeated to count (model/mine/mixing.py). `start_from`: a trained model to
    go on training (fine-tuning) instead of building `preset` afresh.
    """
    keras.utils.set_random_seed(recipe.seed)
    x_train, y_train, x_val, y_val = split_for_training(data, recipe, validation)
    mnist_digits, repeats = len(x_train), 0
    if extra is not None:
        x_train, y_train, repeats = with_my_digits(x_train, y_train, *extra)
    strategy = strategy or (ready.strategy if ready else make_strategy("auto"))
    with strategy.scope():
        if start_from is not None:
            model = start_from
        else:
            model = build(preset)  # the run's initial weights, from its seed
            if ready is not None and ready.strategy is strategy:
                model = ready.take(preset, recipe, model) or model
        if start_from is not None or not model.compiled:
            compile_for(model, recipe)
    steps = math.ceil(len(x_train) / recipe.batch_size) * recipe.epochs
    cancel_check = CancelCheck(cancel or threading.Event())
    reporter = ProgressReporter(
        recipe.epochs,
        len(x_train),
        recipe.batch_size,
        on_progress,
        validation=(as_model_input(x_val), y_val) if len(x_val) else None,
    )
    start = time.perf_counter()
    history = model.fit(
        make_dataset(x_train, y_train, recipe),
        epochs=recipe.epochs,
        # The reporter runs first, so a cancel requested from a progress report
        # is seen at the end of that same batch.
        callbacks=[*schedule_callbacks(recipe, steps), reporter, cancel_check],
        shuffle=False,  # the dataset reshuffles itself every epoch
        verbose=0,
    )
    seconds = time.perf_counter() - start
    result = TrainingResult(
        model=model,
        preset=preset,
        recipe=recipe,
        outcome=FINISHED,
        history={k: [float(v) for v in vs] for k, vs in history.history.items()},
        train_digits=mnist_digits,
        validation_digits=len(x_val),
        seconds=seconds,
        epochs_done=reporter.epochs_done,
        stopped_at=reporter.last_batch,
        batch_log=reporter.batch_log,
        diverged_what=reporter.diverged_what,
        extra_digits=len(extra[0]) if repeats else 0,
        extra_repeats=repeats,
        fine_tuned=start_from is not None,
    )
    if reporter.diverged_at is not None:
        result.outcome = DIVERGED
        return result
    if cancel_check.cancelled:
        result.outcome = STOPPED
        if reporter.epoch_weights is None:
            return result
        model.set_weights(reporter.epoch_weights)  # back to the end of the last whole epoch
    probabilities = model.predict(as_model_input(data.x_test), batch_size=1000, verbose=0)
    result.test_probabilities = probabilities
    result.test_loss, result.test_accuracy = loss_and_accuracy(probabilities, data.y_test)
    return result


def inference_copy(model: keras.Model) -> keras.Model:
    """The same weights without optimizer state: a third of the file size, same predictions.

    Built from the config rather than with keras.models.clone_model, which would
    compile the copy and so save the optimizer's slots again.
    """
    copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy
