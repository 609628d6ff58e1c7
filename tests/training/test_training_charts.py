"""Training charts: data in, figures out, without a browser."""

import numpy as np

from components.training.charts import (
    MAX_POINTS,
    Curves,
    confusion_figure,
    live_curves_figure,
    overlay_figure,
    per_class_figure,
)
from model.runs.view import EpochPoint


def curves(batches: int, label: str = "run 1") -> Curves:
    loss = tuple(np.linspace(2.3, 0.2, batches))
    accuracy = tuple(np.linspace(0.1, 0.95, batches))
    epochs = (EpochPoint(1, 1.0, 0.7, 0.9, 0.72), EpochPoint(2, 0.5, 0.9, 0.6, 0.88))
    return Curves(label, loss, accuracy, batches // 2, epochs)


def test_live_curves_show_batches_smoothed_and_validation_per_epoch():
    fig = live_curves_figure(curves(100), total_epochs=5)
    names = [trace.name for trace in fig.data]
    assert names.count("validation (per epoch)") == 2  # loss and accuracy
    validation = [t for t in fig.data if t.name == "validation (per epoch)"]
    assert list(validation[1].y) == [0.72, 0.88] and list(validation[1].x) == [1, 2]
    raw = fig.data[0]
    assert raw.x[0] == 1 / 50 and raw.x[-1] == 2.0, "batch b of epoch e sits at e - 1 + b/B"
    assert fig.layout.xaxis2.range == (0, 5)


def test_long_runs_are_thinned_for_the_browser():
    fig = live_curves_figure(curves(50 * 938), total_epochs=50)
    assert all(len(trace.x) <= MAX_POINTS for trace in fig.data)


def test_overlay_has_one_colour_per_run():
    fig = overlay_figure([curves(40, "run 1"), curves(60, "run 2")])
    colours = {trace.name: trace.line.color for trace in fig.data}
    assert set(colours) == {"run 1", "run 2"} and len(set(colours.values())) == 2


def test_confusion_matrix_hover_has_the_counts():
    counts = np.diag(np.full(10, 90))
    counts[4, 9] = 7
    fig = confusion_figure(counts)
    assert fig.data[0].customdata[4][9] == 7
    assert "%{customdata} digits" in fig.data[0].hovertemplate


def test_per_class_chart_marks_missing_digits():
    accuracy = np.array([1.0, 0.5] + [np.nan] * 8)
    fig = per_class_figure(accuracy, np.array([10, 4] + [0] * 8))
    assert fig.data[0].text[1] == "50%" and fig.data[0].text[9] == "–"


def test_overlay_validation_ticks_are_whole_epochs():
    assert overlay_figure([curves(40)]).layout.xaxis2.dtick == 1
    many = tuple(EpochPoint(e, 1.0, 0.7, 0.9, 0.7) for e in range(1, 31))
    fig = overlay_figure([Curves("run 1", (1.0,) * 60, (0.5,) * 60, 2, many)])
    assert fig.layout.xaxis2.dtick == 3 and fig.layout.xaxis2.tick0 == 1


def test_overlay_loss_is_on_a_log_scale_so_a_diverged_run_does_not_flatten_the_others():
    diverged = Curves("run 2", (2.0, 50.0, 1300.0, 900.0), (0.1,) * 4, 2, ())
    fig = overlay_figure([curves(40, "run 1"), diverged])
    assert fig.layout.yaxis.type == "log"
    assert overlay_figure([curves(40)], log_loss=False).layout.yaxis.type != "log"


def test_overlay_accuracy_axis_never_passes_one():
    fig = overlay_figure([curves(40)])
    low, high = fig.layout.yaxis2.range
    assert high == 1.0 and 0.0 <= low <= 0.72
    per_class = per_class_figure(np.ones(10), np.full(10, 5))
    assert per_class.layout.yaxis.range[1] == 1.0


def test_identical_runs_are_named_and_dashed():
    fig = overlay_figure([curves(40, "run 1"), curves(40, "run 2"), curves(60, "run 3")])
    loss = {trace.name: trace.line.dash for trace in fig.data if trace.xaxis == "x"}
    assert loss == {"run 1": "solid", "run 2 (same as run 1)": "dash", "run 3": "solid"}
