"""How good a trained model is, from its predictions alone: plain numpy.

Loss and accuracy are computed here for everyone: the trainer's test and
validation scores and `evaluate`. The worker computes the predictions; the
server turns them into a confusion matrix, per-class accuracy and a comparison
with the model before, without TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.digits.mnist import NUM_CLASSES

# Keras clips probabilities to this before taking the log in cross-entropy.
EPSILON = 1e-7


def cross_entropy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """Mean categorical cross-entropy of (N, 10) probabilities against (N,) labels, as Keras."""
    picked = probabilities[np.arange(len(labels)), np.asarray(labels, dtype=np.int64)]
    return float(-np.mean(np.log(np.clip(picked, EPSILON, 1.0 - EPSILON))))


def accuracy(labels: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.asarray(labels) == np.asarray(predicted)))


def loss_and_accuracy(probabilities: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Cross-entropy and accuracy of (N, 10) probabilities against (N,) labels."""
    return cross_entropy(probabilities, labels), accuracy(labels, np.argmax(probabilities, axis=1))


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """(10, 10) counts: row = true digit, column = predicted digit."""
    counts = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    np.add.at(counts, (np.asarray(labels, np.int64), np.asarray(predicted, np.int64)), 1)
    return counts


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """(10,) share of each true digit predicted right; NaN for a digit absent from the test set."""
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / np.maximum(totals, 1), np.nan)


def worst_mistakes(
    labels: np.ndarray, predicted: np.ndarray, confidence: np.ndarray, limit: int
) -> np.ndarray:
    """Indices of wrong predictions, the most confident first: the most instructive ones."""
    wrong = np.flatnonzero(labels != predicted)
    return wrong[np.argsort(-confidence[wrong], kind="stable")][:limit]


@dataclass(frozen=True)
class Comparison:
    """A new model against the one before it, on the same test digits."""

    new_accuracy: float
    old_accuracy: float
    fixed: np.ndarray  # indices the old model got wrong and the new one right
    broken: np.ndarray  # indices the old model got right and the new one wrong
    changed: int  # digits whose predicted label changed at all

    @property
    def difference(self) -> float:
        return self.new_accuracy - self.old_accuracy


def compare(labels: np.ndarray, new: np.ndarray, old: np.ndarray) -> Comparison:
    new_right, old_right = new == labels, old == labels
    return Comparison(
        new_accuracy=float(new_right.mean()),
        old_accuracy=float(old_right.mean()),
        fixed=np.flatnonzero(new_right & ~old_right),
        broken=np.flatnonzero(~new_right & old_right),
        changed=int(np.sum(new != old)),
    )


def smoothed(values: np.ndarray, weight: float = 0.9) -> np.ndarray:
    """Exponential moving average with the start-up bias removed, as TensorBoard smooths."""
    values = np.asarray(values, dtype=np.float64)
    out = np.empty_like(values)
    average = 0.0
    for i, value in enumerate(values):
        average = weight * average + (1 - weight) * value
        out[i] = average / (1 - weight ** (i + 1))
    return out
