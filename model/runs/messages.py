"""What a training run sends from the trainer to the app: plain data, no TensorFlow.

The training worker (model/runs/worker.py) imports TensorFlow; the server that
shows its progress must not. Everything crossing between them is one of these
dataclasses of numbers, strings and small numpy arrays.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from model.digits.data import ENV_VAR, MnistData
from model.mine.mixing import MyScores
from model.training.progress import DIVERGED, FINISHED, STOPPED, Progress
from model.training.recipes import Recipe, validation_size

# How a run ended: FINISHED, STOPPED and DIVERGED come from the trainer; FAILED is
# a run that crashed or whose worker was killed.
FAILED = "failed"

__all__ = [
    "DIVERGED",
    "FAILED",
    "FINISHED",
    "STOPPED",
    "DataInfo",
    "Evaluation",
    "MyScores",
    "PreviousModel",
    "Progress",
    "RunEnd",
    "RunJob",
]


@dataclass(frozen=True)
class DataInfo:
    """Which digits a run trains and is tested on, in words for people."""

    words: str  # "MNIST from MNIST_PATH", "MNIST (Keras download)", "bundled sample (5,000 digits)"
    train_digits: int  # the source's whole training set, validation digits included
    test_digits: int
    test_description: str  # e.g. "official MNIST test set (10,000 digits)"
    notice: str | None = None

    @property
    def validation_digits(self) -> int:
        """The app's runs hold these out (the end of the training set) for validation."""
        return validation_size(self.train_digits)

    @property
    def trainable_digits(self) -> int:
        return self.train_digits - self.validation_digits

    @classmethod
    def of(cls, data: MnistData) -> DataInfo:
        if data.source == "Keras download":
            words = "MNIST (Keras download)"
        elif data.source == "bundled sample":
            words = f"bundled sample ({len(data.x_train) + len(data.x_test):,} digits)"
        elif data.source == os.environ.get(ENV_VAR):
            words = "MNIST from MNIST_PATH"
        else:
            words = "MNIST from a file"  # never a server path: people see these words
        return cls(words, len(data.x_train), len(data.x_test), data.test_description, data.notice)


@dataclass(frozen=True)
class RunJob:
    """One press of Train: what to train, where to save it, what to compare it with."""

    run_id: str
    number: int  # the session's run number, "run 3"
    preset: str
    recipe: Recipe
    out_path: str  # the session's private .keras file for the trained model
    previous_model: str  # the active model when Train was pressed: "default", "seed" or a path
    previous_label: str  # its name for people
    # A snapshot .npz of the learner's own digits (model/mine/): those not held out
    # train beside MNIST's, the held-out ones are scored before and after. None: none.
    my_digits: str | None = None
    fine_tune: bool = False  # start from previous_model's weights instead of the preset's seed


@dataclass(frozen=True)
class PreviousModel:
    """The model that was active when Train was pressed, on the same test digits."""

    label: str
    predicted: np.ndarray  # (N,) uint8
    confidence: np.ndarray  # (N,) float32, its probability for its prediction


@dataclass(frozen=True)
class Evaluation:
    test_description: str
    test_loss: float
    test_accuracy: float
    labels: np.ndarray  # (N,) uint8, true digits of the test set
    predicted: np.ndarray  # (N,) uint8
    confidence: np.ndarray  # (N,) float32
    previous: PreviousModel | None
    previous_error: str | None  # why there is no comparison, when there is none
    # Pixels of the test digits the app shows (mistakes and changed answers):
    # index -> (28, 28) uint8. The rest stay in the worker.
    digits: dict[int, np.ndarray] = field(default_factory=dict)
    mine: MyScores | None = None  # the learner's held-out digits, for runs that had them


@dataclass(frozen=True)
class RunEnd:
    """The worker's last message about a run."""

    outcome: str  # FINISHED, STOPPED, FAILED or DIVERGED
    reason: str = ""  # for FAILED and DIVERGED, in words
    train_seconds: float = 0.0
    epochs_done: int = 0  # complete epochs
    evaluation: Evaluation | None = None
    # FINISHED, or STOPPED after at least one complete epoch (the model as it was then).
    model_path: str | None = None
    card: dict | None = None  # the saved model card, with model_path
