"""Models built, compiled and traced before a run asks for them, so Train trains at once.

Tracing and optimising a model's training step takes seconds on a CPU: most of
the time from Train to the first progress report (benchmarks/training.py). The
app's spare worker, while it waits for a job, builds each preset with its own
optimizer kind and runs one training step and one prediction on a few blank
digits. A run with that preset and optimizer kind takes the ready model and
resets everything a fresh one would have: every variable (weights, batch-norm
statistics, dropout seeds) from a model built under the run's seed, the
optimizer's slots and step count to zero, and its learning rate to the
recipe's. The traced steps read those variables, so they train exactly what a
freshly built model would; only the tracing is skipped.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from model.digits.mnist import NUM_CLASSES, SIDE
from model.network.architectures import build
from model.training.recipes import PRESETS, Recipe
from model.training.setup import compile_for, make_dataset

BLANK_DIGITS = 8  # enough for one batch: the traced steps take any batch size


def _compiled(preset: str, recipe: Recipe) -> keras.Model:
    model = build(preset)
    compile_for(model, recipe)
    return model


class ReadyModels:
    """One compiled, traced model per (preset, optimizer kind), used by one run after another.

    A worker trains one run at a time, and each run's result is saved (or copied)
    before the next `take` resets the model for the next run.
    """

    def __init__(self, strategy: tf.distribute.Strategy):
        self.strategy = strategy
        self._models: dict[tuple[str, str], keras.Model] = {}

    def prepare(self, presets: tuple[str, ...] = tuple(PRESETS)) -> None:
        """Build and trace each preset with its own recipe (a few seconds each)."""
        rng = np.random.default_rng(0)
        x = rng.integers(0, 256, (BLANK_DIGITS, SIDE, SIDE), dtype=np.uint8)
        y = np.arange(BLANK_DIGITS) % NUM_CLASSES
        for preset in presets:
            recipe = PRESETS[preset].recipe
            with self.strategy.scope():
                model = _compiled(preset, recipe)
            model.fit(make_dataset(x, y, recipe), epochs=1, shuffle=False, verbose=0)
            model.predict(x[..., np.newaxis].astype(np.float32), verbose=0)
            self._models[(preset, recipe.optimizer)] = model

    def take(self, preset: str, recipe: Recipe, seed_built: keras.Model) -> keras.Model | None:
        """The ready model for this run, reset to `seed_built`'s state; None if there is none.

        seed_built: `build(preset)` called after keras.utils.set_random_seed(recipe.seed),
        as a fresh run would have built it.
        """
        model = self._models.get((preset, recipe.optimizer))
        if model is None:
            return None
        for variable, fresh in zip(model.variables, seed_built.variables, strict=True):
            variable.assign(fresh)
        optimizer = model.optimizer
        for variable in optimizer.variables:  # step count, momenta, learning rate
            variable.assign(tf.zeros_like(variable))
        optimizer.learning_rate = recipe.learning_rate
        return model
