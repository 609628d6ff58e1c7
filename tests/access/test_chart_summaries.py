"""The charts' text alternatives say what the figure shows: checked against the figure's data.

Each test builds a chart and its summary from the same values, then reads the
numbers back out of the summary and finds them in the figure's own traces: a
summary that names the wrong cell, bar or count fails here.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from components.common.chart_text import (
    histogram_text,
    largest_cells_text,
    largest_maps_text,
    signed_cells_text,
)
from components.image.charts import histogram_figure
from components.network.arithmetic_views import dense_figure, map_figure
from components.network.views import kernel_slices_figure, value_grid_figure
from components.network.worked_texts import dense_words
from components.training.charts import (
    Curves,
    confusion_figure,
    confusion_text,
    curves_text,
    live_curves_figure,
    per_class_figure,
    per_class_text,
)
from model.inside.arithmetic import dense_neuron
from model.runs.view import EpochPoint

RNG = np.random.default_rng(22)
CELL = re.compile(r"row (\d+), column (\d+) \((-?[0-9.]+)\)")


def z_of(figure) -> np.ndarray:
    return np.asarray(figure.data[0].z, dtype=np.float64)


def test_a_maps_largest_cells_are_the_figures_largest():
    values = RNG.normal(size=(13, 13))
    z = z_of(map_figure(values, "Map 3"))
    cells = CELL.findall(largest_cells_text(values, what="activations"))
    assert len(cells) == 3
    ranked = np.sort(z, axis=None)[::-1]
    for (row, col, said), expected in zip(cells, ranked, strict=False):
        assert float(said) == round(float(z[int(row), int(col)]), 3) == round(expected, 3)


def test_a_kernels_lowest_and_highest_weights_are_the_figures():
    kernel = RNG.normal(size=(3, 3))
    z = z_of(value_grid_figure(kernel, "Kernel"))
    text = signed_cells_text(kernel)
    (low, low_row, low_col), (high, high_row, high_col) = re.findall(
        r"(-?[0-9.]+) \(row (\d+), column (\d+)\)", text
    )
    assert text.startswith("3×3 weights from ")
    assert float(low) == round(z.min(), 3) and z[int(low_row), int(low_col)] == z.min()
    assert float(high) == round(z.max(), 3) and z[int(high_row), int(high_col)] == z.max()


def test_a_filters_largest_kernel_weights_are_in_the_picture():
    slices = RNG.normal(size=(3, 3, 6))
    text = largest_maps_text(slices, noun="input channel")
    listed = re.findall(r"input channel (\d+), row (\d+), column (\d+) \((-?[0-9.]+)\)", text)
    assert len(listed) == 3 and text.startswith("6 grids of 3×3, one per input channel.")
    z = z_of(kernel_slices_figure(slices, 0, "Filter 0"))
    shown = np.sort(z[np.isfinite(z)])[::-1][:3]  # the mosaic: kernels side by side, gaps NaN
    for (channel, row, col, said), expected in zip(listed, shown, strict=True):
        assert float(said) == round(slices[int(row), int(col), int(channel)], 3)
        assert float(said) == round(expected, 3)


def test_a_histograms_summary_matches_its_curve():
    pixels = RNG.integers(20, 200, size=5000)
    counts = np.bincount(pixels, minlength=256)
    y = np.asarray(histogram_figure(counts, "gray").data[0].y)
    text = histogram_text(counts, "gray")
    common = int(np.argmax(y))
    assert text == (
        f"gray: 5,000 values from {pixels.min()} to {pixels.max()}, mean {pixels.mean():.1f}; "
        f"the most common is {common} ({int(y[common]):,} pixels)."
    )


def test_the_confusion_summary_counts_what_the_matrix_shows():
    confusion = np.diag(RNG.integers(80, 120, size=10))
    confusion[4, 9], confusion[7, 1], confusion[3, 5], confusion[8, 3] = 12, 7, 5, 1
    figure = confusion_figure(confusion)
    counts = np.asarray(figure.data[0].customdata)
    text = confusion_text(confusion)
    assert text.startswith(f"{np.trace(counts):,} of {counts.sum():,} digits read right.")
    mistakes = re.findall(r"(\d) read as (\d) \((\d+)\)", text)
    assert [(int(t), int(p)) for t, p, _ in mistakes] == [(4, 9), (7, 1), (3, 5)]
    for true, said, count in mistakes:
        assert counts[int(true), int(said)] == int(count)
    assert confusion_text(np.diag([5] * 10)).endswith("; no mistakes.")


def test_the_per_class_summary_names_the_lowest_and_highest_bars():
    accuracy = RNG.uniform(0.8, 1.0, size=10)
    counts = RNG.integers(50, 100, size=10)
    bars = np.asarray(per_class_figure(accuracy, counts).data[0].y, dtype=np.float64)
    text = per_class_text(accuracy, counts)
    lowest = re.findall(r"(\d) ([0-9.]+)% of (\d+)", text.split("Highest")[0])
    highest = re.findall(r"(\d) ([0-9.]+)% of (\d+)", text.split("Highest")[1])
    assert [int(d) for d, _, _ in lowest] == list(np.argsort(bars)[:3])
    assert [int(d) for d, _, _ in highest] == list(np.argsort(-bars)[:3])
    for digit, percent, count in lowest + highest:
        assert (
            float(percent) == round(bars[int(digit)] * 100, 1) and int(count) == counts[int(digit)]
        )
    # A digit with too few examples has no bar and is not named.
    accuracy[2] = np.nan
    assert "2 " not in per_class_text(accuracy, counts).replace("of 2", "")


def test_the_dense_summary_follows_the_waterfall():
    layer = _dense_layer()
    inputs = RNG.normal(size=20)
    after = np.maximum(inputs @ layer.kernel.numpy() + layer.bias.numpy(), 0)
    neuron = dense_neuron(layer, inputs, after, 2)
    bars = np.asarray(dense_figure(neuron).data[0].y, dtype=np.float64)
    text = dense_words(neuron)
    added = [float(v) for v in re.findall(r"input \d+ adds (-?[0-9.]+)", text)]
    assert added == [round(v, 4) for v in bars[:3]]
    assert text.endswith(f"total {bars[-1]:.4f}.")


def _dense_layer():
    import keras

    layer = keras.layers.Dense(4, activation="relu")
    layer.build((None, 20))
    return layer


def test_the_live_summary_reads_the_smoothed_curves_last_point_and_each_epoch():
    loss = tuple(float(v) for v in np.linspace(2.3, 0.4, 120) + RNG.normal(0, 0.05, 120))
    accuracy = tuple(float(v) for v in np.linspace(0.1, 0.9, 120))
    epochs = (EpochPoint(1, 1.0, 0.6, 0.5, 0.8512), EpochPoint(2, 0.5, 0.85, 0.3, 0.9123))
    curves = Curves("run 1", loss, accuracy, 60, epochs)
    figure = live_curves_figure(curves, 3)
    (smooth_loss,) = [t for t in figure.data if t.name == "training (smoothed)" and t.yaxis == "y"]
    (scores,) = [t for t in figure.data if t.name.startswith("validation") and t.yaxis == "y2"]
    text = curves_text(curves)
    assert f"smoothed loss now {float(smooth_loss.y[-1]):.3f}" in text
    said = ", ".join(f"epoch {e} {a:.2%}" for e, a in zip(scores.x, scores.y, strict=True))
    assert said == "epoch 1 85.12%, epoch 2 91.23%" and f"Validation accuracy: {said}." in text
    assert text.startswith("120 batches (2.00 epochs)")


@pytest.mark.parametrize("shape", [(26, 26, 32), (3, 3, 1), (1, 1, 2), (13, 13, 64)])
def test_the_largest_maps_are_those_a_full_sort_finds_ties_included(shape):
    from components.common.chart_text import _top_indices

    rng = np.random.default_rng(len(shape) * shape[0])
    maps = np.maximum(rng.normal(size=shape), 0)  # many ties at 0
    maps[tuple(rng.integers(0, n) for n in shape)] = maps.max()  # a tie at the top
    for count in (1, 3, 5):
        expected = np.argsort(-maps, axis=None, kind="stable")[:count]
        np.testing.assert_array_equal(_top_indices(maps, count), expected)
    zeros = np.zeros(shape)
    np.testing.assert_array_equal(_top_indices(zeros, 3), np.arange(min(3, zeros.size)))
    gaps = np.where(maps > 0, maps, -np.inf)  # NaN gaps, as the cell summaries fill them
    expected = np.argsort(-gaps, axis=None, kind="stable")[:3]
    np.testing.assert_array_equal(_top_indices(gaps, 3), expected)
