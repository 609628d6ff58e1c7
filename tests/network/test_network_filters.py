"""Filters and the digit space: gradient ascent raises its filter; PCA and neighbours are right."""

from __future__ import annotations

import numpy as np
import pytest

from model.digits.data import load_bundled_sample
from model.files.cards import SHIPPED_NAMES
from model.files.persistence import load_model
from model.inside import embedding
from model.inside.filters import ascent_for, blank_image, conv_indices, kernel_slice
from model.network.inference import DigitClassifier


@pytest.fixture(scope="module", params=SHIPPED_NAMES)
def model(request):
    return load_model(request.param)[0]


def test_gradient_ascent_raises_the_filters_mean_activation(model):
    ascent = ascent_for(model)
    rng = np.random.default_rng(1)
    for index in conv_indices(model):
        layer = model.layers[index]
        channel = int(rng.integers(0, layer.filters))
        found = ascent.excite(index, channel, steps=25)
        assert found.image.shape == (28, 28)
        assert found.image.min() >= 0 and found.image.max() <= 1
        assert found.activation > found.start_activation, (layer.name, channel)
        # The numbers reported are the layer's own: check them with the model itself.
        maps = DigitClassifier(model).forward(found.image).activations[index].values
        assert maps[..., channel].mean() == pytest.approx(found.activation, abs=1e-4)
        start = DigitClassifier(model).forward(blank_image()).activations[index].values
        assert start[..., channel].mean() == pytest.approx(found.start_activation, abs=1e-4)
        assert ascent.excite(index, channel) is found  # computed once, then remembered


def test_ascent_refuses_what_is_not_a_filter(model):
    ascent = ascent_for(model)
    first = conv_indices(model)[0]
    with pytest.raises(ValueError, match="filters 0 to"):
        ascent.excite(first, model.layers[first].filters)
    not_conv = next(i for i in range(len(model.layers)) if i not in conv_indices(model))
    with pytest.raises(ValueError, match="not a Conv2D"):
        ascent.excite(not_conv, 0)


def test_kernel_slice_is_the_layers_weight(model):
    layer = model.layers[conv_indices(model)[1]]
    np.testing.assert_array_equal(kernel_slice(layer, 5, 7), layer.kernel.numpy()[:, :, 5, 7])


def test_digit_space_places_2000_test_digits(model):
    space = embedding.space_for(model, timeout=300)
    sample = load_bundled_sample()
    index = embedding.feature_layer_index(model)
    width = int(model.layers[index].output.shape[-1])
    assert space.features.shape == (2000, width) and space.points.shape == (2000, 2)
    np.testing.assert_array_equal(space.labels, sample.y_test[:2000])
    assert 0 < space.explained.sum() <= 1 and space.explained[0] >= space.explained[1]
    np.testing.assert_allclose(space.axes @ space.axes.T, np.eye(2), atol=1e-9)
    # A test digit, run through the page's forward pass, lands on its own point, and
    # its nearest neighbour in the n-D space is itself.
    forward = DigitClassifier(model).forward(sample.x_test[17] / 255.0)
    features = forward.activations[index].values
    np.testing.assert_allclose(space.project(features), space.points[17], atol=1e-3)
    order, distances = space.nearest(features)
    assert order[0] == 17 and distances[0] < 1e-3 and list(distances) == sorted(distances)
    # Shown as test digit #17, it is not its own neighbour: the next six are.
    others, _ = space.nearest(features, exclude=17)
    assert 17 not in others and list(others) == list(order[1:]) + list(others[-1:])
    assert embedding.space_soon(model) is space


def test_pca_by_hand():
    # Points on a line along (3, 4)/5 plus a little noise across it.
    rng = np.random.default_rng(0)
    t = rng.normal(size=500)
    x = np.outer(t, [3, 4]) / 5 + 0.01 * np.outer(rng.normal(size=500), [-4, 3]) / 5 + 7
    mean, axes, share = embedding.principal_axes(x)
    np.testing.assert_allclose(mean, x.mean(0))
    np.testing.assert_allclose(axes[0], [0.6, 0.8], atol=1e-3)
    assert share[0] > 0.999


def test_feature_layer_skips_dropout():
    default, _ = load_model("default")
    seed, _ = load_model("seed")
    assert default.layers[embedding.feature_layer_index(default)].name == "dense_relu"
    assert seed.layers[embedding.feature_layer_index(seed)].name == "dense"
