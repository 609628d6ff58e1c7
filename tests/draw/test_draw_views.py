"""Chart functions of the drawing page: data in, Figure out, no Streamlit needed."""

from __future__ import annotations

import json

import numpy as np
import plotly.io as pio
import pytest

from components.common.pictures import THUMBNAIL_SIDE, thumbnail, tile_maps
from components.draw.views import (
    OTHER_COLOUR,
    PREDICTED_COLOUR,
    PREDICTED_PATTERN,
    TRUE_COLOUR,
    TRUE_PATTERN,
    feature_maps_figure,
    probability_figure,
    saliency_figure,
    vector_figure,
)


def payload_bytes(figure) -> int:
    """About what st.plotly_chart sends to the browser."""
    return len(pio.to_json(figure))


def test_probability_bars_mark_the_prediction_and_the_true_label():
    probabilities = np.array([0.05, 0.6, 0, 0, 0, 0, 0, 0.35, 0, 0])
    bars = probability_figure(probabilities).data[0]
    assert list(bars.x) == list(range(10))
    assert bars.marker.color[1] == PREDICTED_COLOUR
    assert bars.marker.color[7] == OTHER_COLOUR
    with_truth = probability_figure(probabilities, true_label=7).data[0]
    assert with_truth.marker.color[7] == TRUE_COLOUR


def test_tile_maps_places_every_map_with_its_address():
    maps = np.arange(5 * 4 * 6, dtype=np.float32).reshape(5, 4, 6)
    mosaic, where = tile_maps(maps, columns=4)
    assert mosaic.shape == (2 * 6 - 1, 4 * 5 - 1)  # two rows of tiles, one-pixel gaps
    assert np.isnan(mosaic[5]).all()  # the gap between rows
    # Every cell knows its (map, row, col), and holds that value.
    for r, c in [(0, 0), (3, 7), (6, 2), (10, 8)]:
        index, row, col = where[r, c]
        assert mosaic[r, c] == maps[row, col, index]
    assert where.dtype == np.uint8
    assert np.count_nonzero(~np.isnan(mosaic)) == maps.size


def test_feature_maps_are_one_cheap_heatmap_with_hover():
    maps = np.random.default_rng(0).random((26, 26, 32), dtype=np.float32)
    figure = feature_maps_figure("conv2d (26, 26, 32)", maps)
    assert len(figure.data) == 1
    assert figure.layout.title.text == "conv2d (26, 26, 32)"
    assert "map %{customdata[0]}" in figure.data[0].hovertemplate
    # 21,632 values travel as binary (base64), with their addresses: about 11
    # bytes each, where JSON text would take over 30.
    assert payload_bytes(figure) < 260_000


def test_signed_maps_get_a_diverging_scale_centred_on_zero():
    maps = np.linspace(-2, 1, 7 * 7 * 4, dtype=np.float32).reshape(7, 7, 4)
    heatmap = feature_maps_figure("bn", maps).data[0]
    assert heatmap.zmin == -heatmap.zmax == -2


@pytest.mark.parametrize("size", [10, 64, 576])
def test_vector_layers_are_bars(size):
    values = np.linspace(-1, 1, size, dtype=np.float32)
    figure = vector_figure(f"dense ({size},)", values, predicted=3 if size == 10 else None)
    assert len(figure.data[0].y) == size
    if size == 10:
        assert figure.data[0].marker.color[3] == PREDICTED_COLOUR


def test_saliency_overlay_sits_on_the_input():
    digit = np.zeros((28, 28), np.float32)
    saliency = np.random.default_rng(1).random((28, 28), dtype=np.float32)
    figure = saliency_figure(digit, saliency, "Grad-CAM for class 1")
    base, overlay = (trace for trace in figure.data if trace.type == "heatmap")
    assert np.asarray(base.z).shape == np.asarray(overlay.z).shape == (28, 28)
    assert overlay.zmin == 0 and overlay.zmax == 1
    json.loads(pio.to_json(figure))  # serialisable as Streamlit will send it


def _rgb(colour: str) -> tuple[float, ...]:
    return tuple(float(part) for part in colour[colour.index("(") + 1 : -1].split(","))


def test_saliency_colour_bar_shows_the_colours_as_drawn_over_black():
    # The bar used to show the see-through colours over the white page, white to
    # yellow, while the map lies over the black background of the digit.
    digit = np.zeros((28, 28), np.float32)
    figure = saliency_figure(digit, np.linspace(0, 1, 784).reshape(28, 28), "Gradient")
    base, overlay = (trace for trace in figure.data if trace.type == "heatmap")
    bars = [t.colorscale for t in figure.data if t.type == "heatmap" and t.showscale is not False]
    bars += [t.marker.colorscale for t in figure.data if t.type == "scatter" and t.marker.showscale]
    assert base.showscale is False and len(bars) == 1, "one colour bar: the saliency's"
    (bar,) = bars
    assert _rgb(overlay.colorscale[0][1])[3] == 0, "the map itself stays see-through where weak"
    for (at, drawn), (bar_at, shown) in zip(overlay.colorscale, bar, strict=True):
        *rgb, alpha = _rgb(drawn)
        over_black = tuple(round(alpha * c) for c in rgb)  # the background is 0
        assert bar_at == at and _rgb(shown) == over_black
    assert _rgb(bar[0][1]) == (0, 0, 0), "weakest saliency looks black, as the background"


def test_preprocessing_thumbnails_are_big_enough_to_read():
    # 84 px (3 screen pixels per input pixel) was too small to make out the steps.
    assert THUMBNAIL_SIDE >= 112 and THUMBNAIL_SIDE % 28 == 0, "whole screen pixels per pixel"
    assert thumbnail(np.zeros((28, 28), np.float32)).shape == (THUMBNAIL_SIDE, THUMBNAIL_SIDE, 4)


@pytest.mark.parametrize("shape", [(28, 28), (280, 280, 4), (211, 150), (20, 15), (1, 1)])
def test_thumbnails_are_square_rgba(shape):
    picture = thumbnail(np.full(shape, 0.5, np.float32), side=112)
    assert picture.shape == (112, 112, 4) and picture.dtype == np.uint8


def test_small_thumbnails_keep_hard_pixel_edges():
    digit = np.zeros((28, 28), np.float32)
    digit[10, 10] = 1.0
    picture = thumbnail(digit, side=112)
    assert set(np.unique(picture[..., 0])) == {0, 255}
    assert (picture[40:44, 40:44, 0] == 255).all()


def test_probability_bars_mark_the_prediction_and_the_truth_without_colour():
    probabilities = np.array([0.05, 0.6, 0, 0, 0, 0, 0, 0.35, 0, 0])
    figure = probability_figure(probabilities, true_label=7)
    shapes = figure.data[0].marker.pattern.shape
    assert shapes[1] == PREDICTED_PATTERN and shapes[7] == TRUE_PATTERN
    assert len({shapes[1], shapes[7], shapes[0]}) == 3  # hatched, cross-hatched, plain
    ticks = list(figure.layout.xaxis.ticktext)
    assert "predicted" in ticks[1] and "true" in ticks[7] and ticks[0] == "0"
    right = probability_figure(probabilities, true_label=1)
    assert "predicted, true" in right.layout.xaxis.ticktext[1]
