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


def largest_values_text(values: np.ndarray, count: int = TOP) -> str:
    """A flat layer's largest outputs: 'Largest values: index 7 (0.981), …'."""
    values = np.asarray(values, dtype=np.float64).ravel()
    order = np.argsort(-values, kind="stable")[:count]
    listed = ", ".join(f"index {i} ({values[i]:.3f})" for i in order)
    return f"{values.size} values. Largest: {listed}."


def largest_maps_text(maps: np.ndarray, count: int = TOP) -> str:
    """A conv layer's output (h, w, n): its largest cells, by map, row and column."""
    maps = np.asarray(maps, dtype=np.float64)
    height, width, number = maps.shape
    flat = np.argsort(-maps, axis=None, kind="stable")[:count]
    cells = [np.unravel_index(i, maps.shape) for i in flat]
    listed = ", ".join(f"map {m}, row {r}, column {c} ({maps[r, c, m]:.3f})" for r, c, m in cells)
    return f"{number} maps of {height}×{width}. Largest activations: {listed}."


def largest_cells_text(values: np.ndarray, count: int = TOP, what: str = "values") -> str:
    """One 2-D grid (a map, an image, a saliency map): its largest cells."""
    values = np.asarray(values, dtype=np.float64)
    filled = np.where(np.isnan(values), -np.inf, values)
    flat = np.argsort(-filled, axis=None, kind="stable")[:count]
    cells = [np.unravel_index(i, values.shape) for i in flat]
    listed = ", ".join(f"row {r}, column {c} ({values[r, c]:.3f})" for r, c in cells)
    rows, cols = values.shape
    return f"{rows}×{cols} grid. Largest {what}: {listed}."
