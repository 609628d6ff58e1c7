"""Saliency maps: their shape, range and alignment with the input."""

from __future__ import annotations

import numpy as np
import pytest

from model.files.persistence import load_model
from model.inside.saliency import (
    METHODS,
    Explainer,
    cam_layer_index,
    cell_centres,
    explainer_for,
    upsample_to_input,
)
from model.network.architectures import build


@pytest.fixture(scope="module")
def seed_model():
    model, _ = load_model("seed")
    return model


def vertical_bar(col: int = 14) -> np.ndarray:
    digit = np.zeros((28, 28), np.float32)
    digit[4:24, col - 1 : col + 2] = 1.0
    return digit


def test_grad_cam_reads_the_last_map_of_at_least_seven_pixels(seed_model):
    # The seed model's last convolution is 3×3; its 11×11 one says more.
    assert seed_model.layers[cam_layer_index(seed_model)].name == "conv2d_1"
    robust = build("robust")
    assert robust.layers[cam_layer_index(robust)].name == "conv2d_2_relu"


def test_cell_centres_follow_padding_and_strides(seed_model):
    seed_layers = seed_model.layers[: cam_layer_index(seed_model) + 1]
    # valid 3×3 conv, 2×2 pool, valid 3×3 conv: the first cell sits at 3.5, then every 2.
    np.testing.assert_allclose(cell_centres(seed_layers, 11), 3.5 + 2 * np.arange(11))
    robust = build("robust")
    robust_layers = robust.layers[: cam_layer_index(robust) + 1]
    # "same" convolutions and two 2×2 poolings: cells 4 pixels apart, from 1.5.
    np.testing.assert_allclose(cell_centres(robust_layers, 7), 1.5 + 4 * np.arange(7))


def test_upsampling_keeps_a_flat_map_flat_and_puts_a_peak_in_place():
    centres = 3.5 + 2 * np.arange(11)
    flat = upsample_to_input(np.full((11, 11), 0.5), centres, centres)
    assert flat.shape == (28, 28)
    np.testing.assert_allclose(flat, 0.5)
    peak = np.zeros((11, 11))
    peak[2, 8] = 1.0  # centred on input row 7.5, column 19.5
    up = upsample_to_input(peak, centres, centres)
    row, col = np.unravel_index(np.argmax(up), up.shape)
    assert row in (7, 8) and col in (19, 20)


@pytest.mark.parametrize("model_name", ["seed", "robust (untrained)"])
def test_maps_are_28_by_28_in_unit_range(seed_model, model_name):
    model = seed_model if model_name == "seed" else build("robust")
    saliency = Explainer(model).explain(vertical_bar(), class_index=1)
    for method in METHODS:
        values = saliency.map(method)
        assert values.shape == (28, 28) and values.dtype == np.float32
        assert values.min() >= 0 and values.max() <= 1
    assert saliency.gradient.max() == pytest.approx(1.0)
    assert saliency.class_index == 1


def test_trained_model_looks_at_the_stroke(seed_model):
    digit = vertical_bar(col=14)
    saliency = explainer_for(seed_model).explain(digit, class_index=1)
    # Grad-CAM is coarse (a late map's cells are 2 pixels apart, and its filters
    # answer to the stroke's edges), so "at the stroke" means within 4 pixels.
    near = np.zeros((28, 28), dtype=bool)
    near[0:28, 14 - 5 : 14 + 6] = True
    for method in METHODS:
        values = saliency.map(method)
        assert values[near].mean() > 3 * values[~near].mean(), method
    assert saliency.gradient[digit > 0].mean() > 3 * saliency.gradient[digit == 0].mean()


def test_other_classes_give_other_maps(seed_model):
    explainer = explainer_for(seed_model)
    one, seven = explainer.explain(vertical_bar(), 1), explainer.explain(vertical_bar(), 7)
    assert not np.allclose(one.gradient, seven.gradient)


def test_blank_input_gives_finite_maps(seed_model):
    saliency = explainer_for(seed_model).explain(np.zeros((28, 28), np.float32), 3)
    assert np.isfinite(saliency.gradcam).all() and np.isfinite(saliency.gradient).all()


def test_one_explainer_per_model(seed_model):
    assert explainer_for(seed_model) is explainer_for(seed_model)


def test_bad_class_and_method(seed_model):
    explainer = explainer_for(seed_model)
    with pytest.raises(ValueError):
        explainer.explain(vertical_bar(), 10)
    with pytest.raises(ValueError):
        explainer.explain(vertical_bar(), 1).map("LIME")


@pytest.mark.parametrize("model_name", ["seed", "robust (untrained)"])
def test_grad_cam_says_how_coarse_its_map_is(seed_model, model_name):
    model = seed_model if model_name == "seed" else build("robust")
    saliency = Explainer(model).explain(vertical_bar(), class_index=1)
    layers = model.layers[: cam_layer_index(model) + 1]
    rows, cols = layers[-1].output.shape[1:3]
    assert saliency.cam_shape == (rows, cols)
    centres = cell_centres(layers, rows)
    assert saliency.cam_step == pytest.approx(centres[1] - centres[0])
