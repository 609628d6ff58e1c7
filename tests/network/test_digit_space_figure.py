"""The digit-space scatter tells the ten labels apart by shape as well as colour."""

from __future__ import annotations

import numpy as np

from components.network.arithmetic_views import digit_space_figure


def test_each_label_has_its_own_marker_shape():
    labels = np.repeat(np.arange(10), 3)
    points = np.random.default_rng(0).normal(size=(labels.size, 2))
    figure = digit_space_figure(points, labels, points[0], np.array([1, 2]), ("x", "y"))
    by_label = [trace for trace in figure.data if trace.name in {str(d) for d in range(10)}]
    assert len(by_label) == 10
    shapes = [trace.marker.symbol for trace in by_label]
    assert None not in shapes and len(set(shapes)) == 10
    you = next(trace for trace in figure.data if trace.name == "your digit")
    assert you.marker.symbol not in shapes  # the user's star stays unique
