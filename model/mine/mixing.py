"""My digits beside MNIST's in a run: repeated so that a few dozen count, and how a run scores them.

Forty digits among 54,000 would be one batch in 1,350: the model would barely
notice them. Repeated until they are MY_SHARE of what the run trains on, they
are in most batches, while MNIST's digits still make most of every batch, which
keeps the model from forgetting them. Fine-tuning (starting from the active
model) trains for few epochs at a small learning rate on FINE_TUNE_DIGITS of
MNIST and my digits: seconds, not minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MY_SHARE = 0.2  # my digits' share of a run's training digits, after repeating
MAX_REPEATS = 200  # even one digit among thousands is never repeated more than this
# The recipe fields "Start from the active model" puts in the sidebar's widgets.
FINE_TUNE_RECIPE = {
    "epochs": 2,
    "batch_size": 64,
    "optimizer": "adam",
    "learning_rate": 0.0002,
    "train_size": 4000,
    "augment": False,
}


def repeats_for(mine: int, others: int, share: float = MY_SHARE) -> int:
    """How often each of `mine` digits is repeated to be `share` of the mix with `others`."""
    if mine == 0:
        return 0
    return int(np.clip(round(share * others / ((1 - share) * mine)), 1, MAX_REPEATS))


def with_my_digits(
    x: np.ndarray, y: np.ndarray, x_mine: np.ndarray, y_mine: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """MNIST's training digits and mine repeated after them (the run shuffles), and the repeats."""
    times = repeats_for(len(x_mine), len(x))
    if times == 0:
        return x, y, 0
    return (
        np.concatenate([x, np.tile(x_mine, (times, 1, 1))]),
        np.concatenate([y, np.tile(y_mine, times)]).astype(np.uint8),
        times,
    )


@dataclass(frozen=True)
class MyScores:
    """A run's reading of my held-out digits, by the model before and the new one."""

    labels: np.ndarray  # (K,) uint8, the held-out digits' labels
    digits: np.ndarray  # (K, 28, 28) uint8, their inputs, for the gallery
    after: np.ndarray  # (K,) uint8, what the new model read
    before: np.ndarray | None  # (K,) uint8, what the model active at Train read; None if unknown
    trained: int  # how many of my digits trained (each repeated `repeats` times)
    repeats: int

    @property
    def accuracy_after(self) -> float | None:
        return float(np.mean(self.after == self.labels)) if len(self.labels) else None

    @property
    def accuracy_before(self) -> float | None:
        if self.before is None or not len(self.labels):
            return None
        return float(np.mean(self.before == self.labels))
