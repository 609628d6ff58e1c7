"""Text alternatives for charts: what a screen reader says instead of the picture.

A plotly chart is an SVG with no name: a screen reader hears its tick labels one
by one. Each chart shown with `chart_with_summary` is followed by a visually
hidden paragraph (class `cnn-sr-only`, in assets/access.css) that names it and
gives the few numbers a sighted reader takes from it: the top probabilities,
the largest activations. The sentences are plain functions, tested without
Streamlit.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.common.chart_config import CHART_CONFIG

TOP = 3  # how many of the largest values a summary reads out


def summary_html(name: str, summary: str) -> str:
    """The hidden paragraph: the chart's name, then what it shows."""
    return f'<p class="cnn-sr-only">Chart: {html.escape(name)}. {html.escape(summary)}</p>'


def chart_with_summary(figure: go.Figure, name: str, summary: str, **kwargs: Any) -> Any:
    """st.plotly_chart, then its text alternative; returns what st.plotly_chart returns."""
    kwargs.setdefault("config", CHART_CONFIG)
    shown = st.plotly_chart(figure, **kwargs)
    st.html(summary_html(name, summary))
    return shown


def top_probabilities_text(probabilities: np.ndarray, count: int = TOP) -> str:
    """'Highest: 7 at 98.1%, 1 at 1.2%, 9 at 0.3%.'"""
    probabilities = np.asarray(probabilities, dtype=np.float64).ravel()
    order = np.argsort(-probabilities, kind="stable")[:count]
    return "Highest: " + ", ".join(f"{i} at {probabilities[i]:.1%}" for i in order) + "."


def _top_indices(values: np.ndarray, count: int) -> np.ndarray:
    """Flat indices of the `count` largest values, largest first, ties in index order:
    `np.argsort(-values, axis=None, kind="stable")[:count]` without sorting them all
    (a layer's maps are tens of thousands of values, summarised on every stroke)."""
    flat = values.ravel()
    if flat.size <= count:
        return np.argsort(-flat, kind="stable")
    kth = np.partition(flat, flat.size - count)[flat.size - count]
    candidates = np.flatnonzero(flat >= kth)  # every tie of the kth largest, in index order
    return candidates[np.argsort(-flat[candidates], kind="stable")][:count]


def largest_values_text(values: np.ndarray, count: int = TOP) -> str:
    """A flat layer's largest outputs: 'Largest values: index 7 (0.981), …'."""
    values = np.asarray(values, dtype=np.float64).ravel()
    listed = ", ".join(f"index {i} ({values[i]:.3f})" for i in _top_indices(values, count))
    return f"{values.size} values. Largest: {listed}."


def largest_maps_text(maps: np.ndarray, count: int = TOP, noun: str = "map") -> str:
    """A conv layer's output (h, w, n): its largest cells, by map, row and column.

    `noun` names the last axis: "map" for outputs, "input channel" for a filter's kernels.
    """
    maps = np.asarray(maps, dtype=np.float64)
    height, width, number = maps.shape
    cells = [np.unravel_index(i, maps.shape) for i in _top_indices(maps, count)]
    listed = ", ".join(
        f"{noun} {m}, row {r}, column {c} ({maps[r, c, m]:.3f})" for r, c, m in cells
    )
    if noun != "map":
        return f"{number} grids of {height}×{width}, one per {noun}. Largest: {listed}."
    return f"{number} maps of {height}×{width}. Largest activations: {listed}."


def largest_cells_text(values: np.ndarray, count: int = TOP, what: str = "values") -> str:
    """One 2-D grid (a map, an image, a saliency map): its largest cells."""
    values = np.asarray(values, dtype=np.float64)
    filled = np.where(np.isnan(values), -np.inf, values)
    cells = [np.unravel_index(i, values.shape) for i in _top_indices(filled, count)]
    listed = ", ".join(f"row {r}, column {c} ({values[r, c]:.3f})" for r, c in cells)
    rows, cols = values.shape
    return f"{rows}×{cols} grid. Largest {what}: {listed}."


def signed_cells_text(values: np.ndarray, what: str = "weights") -> str:
    """A grid of signed values (a kernel, products): its most negative and most positive cells."""
    values = np.asarray(values, dtype=np.float64)
    low = np.unravel_index(int(np.nanargmin(values)), values.shape)
    high = np.unravel_index(int(np.nanargmax(values)), values.shape)
    rows, cols = values.shape
    return (
        f"{rows}×{cols} {what} from {values[low]:.3f} (row {low[0]}, column {low[1]}) "
        f"to {values[high]:.3f} (row {high[0]}, column {high[1]})."
    )


def ranked_text(
    labels: list[str], values: np.ndarray, count: int = TOP, lowest: bool = False, places: int = 3
) -> str:
    """Bars by size: 'input 7 (0.981), input 2 (0.512), …', largest first (or lowest first).

    NaN bars (nothing to show) are left out.
    """
    values = np.asarray(values, dtype=np.float64)
    shown = np.flatnonzero(np.isfinite(values))
    order = shown[np.argsort(values[shown] if lowest else -values[shown], kind="stable")][:count]
    return ", ".join(f"{labels[i]} ({values[i]:.{places}f})" for i in order)


def histogram_text(counts: np.ndarray, name: str) -> str:
    """A histogram of 0…255 values: range, mean and the most common value."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return f"No {name} values."
    present = np.flatnonzero(counts)
    mean = float((np.arange(len(counts)) * counts).sum() / total)
    common = int(np.argmax(counts))
    return (
        f"{name}: {total:,} values from {present[0]} to {present[-1]}, mean {mean:.1f}; "
        f"the most common is {common} ({int(counts[common]):,} pixels)."
    )
