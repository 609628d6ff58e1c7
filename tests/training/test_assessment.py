"""Numbers about a trained model, from its predictions: plain numpy, checked by hand."""

import numpy as np
import pytest

from model.network.assessment import (
    compare,
    confusion_matrix,
    cross_entropy,
    per_class_accuracy,
    smoothed,
    worst_mistakes,
)

LABELS = np.array([0, 1, 2, 2, 3])
NEW = np.array([0, 1, 2, 3, 3])  # wrong on index 3
OLD = np.array([0, 2, 2, 2, 1])  # wrong on 1 and 4


def test_confusion_and_per_class_accuracy():
    confusion = confusion_matrix(LABELS, NEW)
    assert confusion.sum() == 5 and confusion[2, 3] == 1 and confusion[2, 2] == 1
    accuracy = per_class_accuracy(confusion)
    assert accuracy[:4].tolist() == [1.0, 1.0, 0.5, 1.0]
    assert np.isnan(accuracy[9]), "a digit absent from the test set has no accuracy"


def test_comparison_counts_each_direction():
    result = compare(LABELS, NEW, OLD)
    assert result.fixed.tolist() == [1, 4] and result.broken.tolist() == [3]
    assert result.difference == pytest.approx(0.8 - 0.6)
    assert result.changed == 3


def test_worst_mistakes_most_confident_first():
    confidence = np.array([0.9, 0.9, 0.9, 0.6, 0.9])
    wrong = worst_mistakes(LABELS, np.array([1, 1, 2, 3, 0]), confidence, limit=5)
    assert wrong.tolist() == [0, 4, 3]


def test_cross_entropy_matches_the_formula():
    probabilities = np.array([[0.5, 0.5], [0.25, 0.75]])
    expected = -(np.log(0.5) + np.log(0.75)) / 2
    assert cross_entropy(probabilities, np.array([0, 1])) == pytest.approx(expected)


def test_smoothing_starts_at_the_first_value_and_follows():
    values = np.array([2.0, 2.0, 1.0, 1.0])
    out = smoothed(values, weight=0.5)
    assert out[0] == 2.0 and out[-1] < 1.5 and np.all(np.diff(out) <= 0)
