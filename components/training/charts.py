"""Charts of training runs: numbers in, plotly Figures out. No session state here.

The x axis of every curve is in epochs: batch b of epoch e sits at
e - 1 + b / batches, and an epoch's validation score at e.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model.digits.mnist import NUM_CLASSES
from model.network.assessment import smoothed
from model.runs.view import EpochPoint

MAX_POINTS = 400  # per curve: a long run is averaged down, so a redraw every second stays cheap
TRAIN_COLOUR, VALIDATION_COLOUR = "#1c83e1", "#ff8700"
RUN_COLOURS = ["#1c83e1", "#ff8700", "#21c354", "#a259ff", "#ff4b4b", "#00c0f2", "#ffbd45"]


@dataclass(frozen=True)
class Curves:
    """One run's curves: every batch's own loss and accuracy, and each complete epoch."""

    label: str
    batch_loss: tuple[float, ...]
    batch_accuracy: tuple[float, ...]
    batches_per_epoch: int
    epochs: tuple[EpochPoint, ...]


def _thinned(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most MAX_POINTS points: means of equal runs of consecutive points."""
    if len(y) <= MAX_POINTS:
        return x, y
    step = int(np.ceil(len(y) / MAX_POINTS))
    cut = len(y) // step * step
    return x[:cut].reshape(-1, step).mean(1), y[:cut].reshape(-1, step).mean(1)


def _batch_x(count: int, batches_per_epoch: int) -> np.ndarray:
    return np.arange(1, count + 1) / max(batches_per_epoch, 1)


def live_curves_figure(curves: Curves, total_epochs: int, height: int = 330) -> go.Figure:
    """Loss (top) and accuracy (bottom): each batch faint, smoothed bold, validation per epoch."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.14)
    x = _batch_x(len(curves.batch_loss), curves.batches_per_epoch)
    for row, (values, name) in enumerate(
        ((curves.batch_loss, "loss"), (curves.batch_accuracy, "accuracy")), start=1
    ):
        values = np.asarray(values, dtype=np.float64)
        finite = np.isfinite(values)
        raw_x, raw_y = _thinned(x[finite], values[finite])
        smooth_x, smooth_y = _thinned(x[finite], smoothed(values[finite]))
        fig.add_trace(
            go.Scatter(
                x=raw_x,
                y=raw_y,
                mode="lines",
                line=dict(color=TRAIN_COLOUR, width=1),
                opacity=0.25,
                name=f"training {name}, each batch",
                hovertemplate="epoch %{x:.2f}: %{y:.3f}<extra>batch</extra>",
                showlegend=False,
            ),
            row=row,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=smooth_x,
                y=smooth_y,
                mode="lines",
                line=dict(color=TRAIN_COLOUR, width=2),
                name="training (smoothed)",
                legendgroup="train",
                showlegend=row == 1,
                hovertemplate="epoch %{x:.2f}: %{y:.3f}<extra>training, smoothed</extra>",
            ),
            row=row,
            col=1,
        )
        validation = [
            (p.epoch, p.val_loss if name == "loss" else p.val_accuracy)
            for p in curves.epochs
            if p.val_loss is not None
        ]
        if validation:
            epochs, scores = zip(*validation, strict=True)
            fig.add_trace(
                go.Scatter(
                    x=epochs,
                    y=scores,
                    mode="lines+markers",
                    line=dict(color=VALIDATION_COLOUR, width=2),
                    name="validation (per epoch)",
                    legendgroup="validation",
                    showlegend=row == 1,
                    hovertemplate="epoch %{x}: %{y:.3f}<extra>validation</extra>",
                ),
                row=row,
                col=1,
            )
    fig.update_yaxes(title_text="loss", row=1, col=1, rangemode="tozero", nticks=4)
    fig.update_yaxes(title_text="accuracy", row=2, col=1, range=[0, 1.02], nticks=4)
    fig.update_xaxes(title_text="epoch", row=2, col=1, range=[0, max(total_epochs, 1)])
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=10, b=10),
        legend=dict(orientation="h", y=-0.25, x=0, font=dict(size=10)),
        uirevision="keep",  # the chart keeps zoom and legend choices across redraws
    )
    return fig


def same_as(runs: list[Curves]) -> dict[int, int]:
    """Runs whose curves equal an earlier run's, point for point: {index: earlier index}."""
    first: dict[tuple, int] = {}
    same = {}
    for index, run in enumerate(runs):
        signature = (run.batch_loss, run.batch_accuracy, run.batches_per_epoch, run.epochs)
        if signature in first:
            same[index] = first[signature]
        else:
            first[signature] = index
    return same


def overlay_figure(runs: list[Curves], log_loss: bool = True) -> go.Figure:
    """Several runs on one chart: smoothed training loss (left), validation accuracy (right).

    `log_loss`: the loss on a log scale, so one diverged run (a loss in the thousands)
    does not flatten the others to zero. A run identical to an earlier one is drawn
    dashed on top of it and named so, or it would hide behind it.
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("training loss (smoothed)", "validation accuracy"),
        horizontal_spacing=0.1,
    )
    same = same_as(runs)
    lowest = 1.0
    for index, run in enumerate(runs):
        colour = RUN_COLOURS[index % len(RUN_COLOURS)]
        dash = "dash" if index in same else "solid"
        name = run.label + (f" (same as {runs[same[index]].label})" if index in same else "")
        values = np.asarray(run.batch_loss, dtype=np.float64)
        finite = np.isfinite(values)
        x, y = _thinned(
            _batch_x(len(values), run.batches_per_epoch)[finite], smoothed(values[finite])
        )
        if log_loss:  # a log axis has no place for 0
            x, y = x[y > 0], y[y > 0]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                line=dict(color=colour, width=2, dash=dash),
                name=name,
                legendgroup=run.label,
                hovertemplate="epoch %{x:.2f}: %{y:.3f}<extra>" + run.label + "</extra>",
            ),
            row=1,
            col=1,
        )
        points = [(p.epoch, p.val_accuracy) for p in run.epochs if p.val_accuracy is not None]
        if points:
            epochs, scores = zip(*points, strict=True)
            lowest = min(lowest, *scores)
            fig.add_trace(
                go.Scatter(
                    x=epochs,
                    y=scores,
                    mode="lines+markers",
                    cliponaxis=False,  # a score of 1.0 is drawn whole on the top edge
                    line=dict(color=colour, width=2, dash=dash),
                    name=run.label,
                    legendgroup=run.label,
                    showlegend=False,
                    hovertemplate="epoch %{x}: %{y:.4f}<extra>" + run.label + "</extra>",
                ),
                row=1,
                col=2,
            )
    fig.update_xaxes(title_text="epoch")
    # Validation is scored after whole epochs: ticks on whole numbers, at most about ten.
    most = max((p.epoch for run in runs for p in run.epochs), default=1)
    fig.update_xaxes(tick0=1, dtick=math.ceil(most / 10), row=1, col=2)
    if log_loss:
        fig.update_yaxes(type="log", row=1, col=1)
    else:
        fig.update_yaxes(rangemode="tozero", row=1, col=1)
    # An accuracy is a share: never past 1, however the points fall.
    fig.update_yaxes(range=[max(0.0, lowest - 0.05), 1.0], row=1, col=2)
    fig.update_layout(
        height=360, margin=dict(l=10, r=10, t=40, b=10), legend=dict(y=-0.2, orientation="h")
    )
    return fig


def confusion_figure(confusion: np.ndarray) -> go.Figure:
    """(10, 10) counts, true digit down, predicted across; every count on hover."""
    digits = [str(d) for d in range(NUM_CLASSES)]
    # Colour by share of the row, so mistakes show even next to a diagonal of hundreds.
    totals = np.maximum(confusion.sum(axis=1, keepdims=True), 1)
    fig = go.Figure(
        go.Heatmap(
            z=np.sqrt(confusion / totals),
            x=digits,
            y=digits,
            customdata=confusion,
            text=confusion,
            texttemplate="%{text}",
            colorscale="Blues",
            showscale=False,
            hovertemplate="true %{y}, predicted %{x}: %{customdata} digits<extra></extra>",
        )
    )
    fig.update_yaxes(title_text="true digit", autorange="reversed", type="category")
    fig.update_xaxes(title_text="predicted digit", side="top", type="category")
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=40, b=10))
    return fig


def per_class_figure(accuracy: np.ndarray, counts: np.ndarray) -> go.Figure:
    """Share of each true digit predicted right."""
    digits = [str(d) for d in range(NUM_CLASSES)]
    fig = go.Figure(
        go.Bar(
            x=digits,
            y=accuracy,
            customdata=counts,
            text=[f"{a:.0%}" if np.isfinite(a) else "–" for a in accuracy],
            textposition="outside",
            cliponaxis=False,  # the label of a 100% bar sits above the axis's end
            marker_color=TRAIN_COLOUR,
            hovertemplate="digit %{x}: %{y:.2%} of %{customdata} right<extra></extra>",
        )
    )
    low = float(np.nanmin(accuracy)) if np.isfinite(accuracy).any() else 0.0
    fig.update_yaxes(title_text="accuracy", range=[max(0.0, low - 0.1), 1.0], tickformat=".0%")
    fig.update_xaxes(title_text="true digit", type="category")
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=40, b=10))
    return fig


# The charts' text alternatives (components/common/chart_text.py shows them):
# the numbers a sighted reader takes from each chart, in a sentence or two.


def curves_text(curves: Curves) -> str:
    """The live chart: how far the run is, its latest smoothed loss and accuracy, each epoch."""
    loss = np.asarray(curves.batch_loss, dtype=np.float64)
    accuracy = np.asarray(curves.batch_accuracy, dtype=np.float64)
    finite = np.isfinite(loss)
    done = f"{len(loss):,} batches ({len(loss) / max(curves.batches_per_epoch, 1):.2f} epochs)"
    if not finite.any():
        return f"{done}, no finite loss yet."
    text = (
        f"{done}; smoothed loss now {smoothed(loss[finite])[-1]:.3f}, "
        f"batch accuracy {smoothed(accuracy[finite])[-1]:.1%}."
    )
    scored = [p for p in curves.epochs if p.val_accuracy is not None]
    if scored:
        text += " Validation accuracy: " + ", ".join(
            f"epoch {p.epoch} {p.val_accuracy:.2%}" for p in scored
        )
        text += "."
    return text


def overlay_text(runs: list[Curves]) -> str:
    """Each run's last smoothed loss and its best validation accuracy."""
    parts = []
    for run in runs:
        loss = np.asarray(run.batch_loss, dtype=np.float64)
        loss = loss[np.isfinite(loss)]
        scores = [p.val_accuracy for p in run.epochs if p.val_accuracy is not None]
        last = f"last smoothed loss {smoothed(loss)[-1]:.3f}" if loss.size else "no finite loss"
        best = f", best validation accuracy {max(scores):.2%}" if scores else ""
        parts.append(f"{run.label}: {last}{best}")
    return "; ".join(parts) + "."


def confusion_text(confusion: np.ndarray, count: int = 3) -> str:
    """How many are right, and the most frequent mistakes: 'true 4 read as 9 (12)'."""
    confusion = np.asarray(confusion, dtype=np.int64)
    total, right = int(confusion.sum()), int(np.trace(confusion))
    text = f"{right:,} of {total:,} digits read right"
    mistakes = confusion.copy()
    np.fill_diagonal(mistakes, 0)
    order = [i for i in np.argsort(-mistakes, axis=None, kind="stable")[:count] if mistakes.flat[i]]
    if not order:
        return text + "; no mistakes."
    listed = ", ".join(
        f"{true} read as {said} ({mistakes[true, said]:,})"
        for true, said in (np.unravel_index(i, mistakes.shape) for i in order)
    )
    return f"{text}. Most frequent mistakes: {listed}."


def per_class_text(accuracy: np.ndarray, counts: np.ndarray, count: int = 3) -> str:
    """The hardest digits and the easiest, with their accuracy and how many there were."""
    accuracy = np.asarray(accuracy, dtype=np.float64)
    shown = np.flatnonzero(np.isfinite(accuracy))
    if not shown.size:
        return "No digit has enough examples to score."
    order = shown[np.argsort(accuracy[shown], kind="stable")]
    words = [f"{d} {accuracy[d]:.1%} of {int(counts[d]):,}" for d in order]
    text = "Lowest: " + ", ".join(words[:count]) + "."
    if len(words) > count:
        text += " Highest: " + ", ".join(words[::-1][:count]) + "."
    return text
