"""The network page's arithmetic: hand-computed values equal the model's own activations.

Every worked example (convolution cell, pooling window, dense neuron, softmax)
is recomputed with numpy and compared with the one forward pass the page runs,
for random cells of random inputs and real digits, on both shipped models and
on a small model with strides, "same" pooling and other activations.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from model.digits.data import load_bundled_sample
from model.files.cards import SHIPPED_NAMES
from model.files.persistence import load_model
from model.inside import anatomy, arithmetic
from model.inside.anatomy import CONV, DENSE, POOL, SOFTMAX, arithmetic_view
from model.network.inference import DigitClassifier
from tests.helpers import random_digits


def odd_model() -> keras.Model:
    """Strides, 'same' pooling with uneven windows, a non-square kernel, tanh, no bias."""
    keras.utils.set_random_seed(3)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(4, 3, strides=2, padding="same", name="strided"),  # 14×14
            keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool_same"),  # 7×7
            keras.layers.Conv2D(5, (3, 2), activation="tanh", use_bias=False, name="tall"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(7, activation="relu", name="hidden"),
            keras.layers.Dense(10, activation="softmax", name="out"),
        ]
    )


@pytest.fixture(scope="module", params=[*SHIPPED_NAMES, "odd"])
def classifier(request) -> DigitClassifier:
    model = odd_model() if request.param == "odd" else load_model(request.param)[0]
    return DigitClassifier(model)


def inputs() -> list[np.ndarray]:
    real = load_bundled_sample().x_test[:2].astype(np.float32) / 255.0
    return [*real, *random_digits(2, seed=7)]


def test_every_worked_value_equals_the_models_own(classifier):
    model, rng = classifier.model, np.random.default_rng(0)
    views = {arithmetic_view(model, layer) for layer in model.layers}
    assert {CONV, POOL, DENSE, SOFTMAX} <= views
    for digit in inputs():
        forward = classifier.forward(digit)
        for index, layer in enumerate(model.layers):
            before, after = arithmetic.layer_io(forward, digit, index)
            view = arithmetic_view(model, layer)
            if view in (CONV, POOL):
                height, width, channels = after.shape
                # Random cells, plus the corners, where padding shows.
                cells = [tuple(int(rng.integers(0, n)) for n in after.shape) for _ in range(12)]
                cells += [(0, 0, 0), (height - 1, width - 1, channels - 1)]
                work = arithmetic.conv_cell if view == CONV else arithmetic.pool_cell
                results = [work(layer, before, after, *cell) for cell in cells]
            elif view == DENSE:
                results = [
                    arithmetic.dense_neuron(layer, before, after, u) for u in range(len(after))
                ]
            elif view == SOFTMAX:
                results = [arithmetic.softmax_step(layer, before, after)]
            else:
                continue
            for result in results:
                assert result.agrees, (layer.name, result.difference)


def test_worked_values_match_to_1e5():
    """Absolutely for values up to 1: conv, pooling and softmax on real digits."""
    classifier = DigitClassifier(load_model("seed")[0])
    digit = inputs()[0]
    forward = classifier.forward(digit)
    first = arithmetic.conv_cell(
        classifier.layers[0], *arithmetic.layer_io(forward, digit, 0), 5, 9, 3
    )
    step = arithmetic.softmax_step(classifier.layers[-1], *arithmetic.layer_io(forward, digit, 7))
    assert first.difference <= 1e-5 and step.difference <= 1e-5
    np.testing.assert_allclose(step.probabilities, forward.probabilities, atol=1e-5)


def test_a_convolution_by_hand():
    """One 3×3 filter, worked out on paper: the patch, the products, the bias, the ReLU."""
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(1, 3, activation="relu"),
            keras.layers.Flatten(),
        ]
    )
    kernel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], np.float32)  # a Sobel edge filter
    model.layers[0].set_weights([kernel[:, :, None, None], np.array([0.5], np.float32)])
    classifier = DigitClassifier(model)

    def cell_of(digit: np.ndarray) -> arithmetic.ConvCell:
        maps = classifier.forward(digit).activations[0].values
        return arithmetic.conv_cell(model.layers[0], digit[..., None], maps, 4, 8, 0)

    digit = np.zeros((28, 28), np.float32)
    digit[:, :10] = 1.0  # bright on the left, dark from column 10
    cell = cell_of(digit)
    # The patch covers columns 8, 9 (bright) and 10 (dark): 1·1 + 2·1 + 1·1 = 4, plus 0.5.
    assert (cell.top, cell.left) == (4, 8)
    np.testing.assert_array_equal(cell.patch[:, :, 0], [[1, 1, 0]] * 3)
    assert cell.total == 4.0 and cell.bias == 0.5 and cell.result == 4.5
    assert cell.model_value == pytest.approx(4.5)
    flipped = cell_of(1 - digit)  # dark on the left: -4 + 0.5
    assert flipped.pre_activation == -3.5 and flipped.result == 0.0  # ReLU keeps positives only
    assert flipped.model_value == 0.0


def test_same_padding_shows_its_zeros():
    model, _ = load_model("default")
    classifier = DigitClassifier(model)
    digit = np.ones((28, 28), np.float32)
    forward = classifier.forward(digit)
    cell = arithmetic.conv_cell(
        model.layers[0], digit[..., None], forward.activations[0].values, 0, 27, 0
    )
    assert (cell.top, cell.left) == (-1, 26)
    assert cell.padding[0].all() and cell.padding[:, 2].all() and not cell.padding[1:, :2].any()
    assert (cell.patch[cell.padding] == 0).all() and (cell.patch[~cell.padding] == 1).all()
    assert cell.bias is None and cell.agrees


def test_pooling_takes_the_largest_of_its_window():
    model, _ = load_model("seed")
    classifier = DigitClassifier(model)
    digit = inputs()[0]
    forward = classifier.forward(digit)
    before, after = arithmetic.layer_io(forward, digit, 1)
    row, col, channel = np.unravel_index(int(np.argmax(after)), after.shape)
    cell = arithmetic.pool_cell(model.layers[1], before, after, int(row), int(col), int(channel))
    assert cell.window.shape == (2, 2) and (cell.top, cell.left) == (2 * row, 2 * col)
    assert cell.window[cell.winner] == cell.window.max() == cell.result


def test_dense_contributions_add_up():
    model, _ = load_model("seed")
    classifier = DigitClassifier(model)
    digit = inputs()[1]
    forward = classifier.forward(digit)
    neuron = arithmetic.dense_neuron(model.layers[6], *arithmetic.layer_io(forward, digit, 6), 3)
    shown = neuron.products[neuron.largest]
    assert len(shown) == 8 and list(np.abs(shown)) == sorted(np.abs(shown), reverse=True)
    assert np.abs(neuron.products).max() == np.abs(shown[0])
    assert shown.sum() + neuron.rest == pytest.approx(neuron.total)
    assert neuron.pre_activation == pytest.approx(neuron.total + neuron.bias)


def test_softmax_of_huge_logits_does_not_overflow():
    layer = keras.layers.Dense(3, activation="softmax")
    layer.build((None, 1))
    layer.set_weights([np.array([[1000.0, 999.0, 0.0]], np.float32), np.zeros(3, np.float32)])
    step = arithmetic.softmax_step(layer, np.ones(1), np.array([0.731, 0.269, 0.0]))
    assert step.shift == 1000.0 and np.isfinite(step.exponentials).all()
    assert step.probabilities[0] == pytest.approx(1 / (1 + np.exp(-1)))


def test_a_cell_outside_the_map_is_refused():
    model, _ = load_model("seed")
    forward = DigitClassifier(model).forward(inputs()[0])
    before, after = arithmetic.layer_io(forward, inputs()[0], 0)
    with pytest.raises(ValueError, match="outside the 26×26×32 output"):
        arithmetic.conv_cell(model.layers[0], before, after, 26, 0, 0)


@pytest.mark.parametrize("name", [*SHIPPED_NAMES, "odd"])
def test_parameter_formulas_equal_keras_counts(name):
    model = odd_model() if name == "odd" else load_model(name)[0]
    rows = anatomy.layer_table(model)
    for row, layer in zip(rows, model.layers, strict=True):
        assert row.params == layer.count_params(), row
        assert row.trainable == sum(int(np.prod(w.shape)) for w in layer.trainable_weights), row
        assert row.output_shape == tuple(layer.output.shape[1:])
    assert anatomy.total_parameters(rows) == model.count_params()


def test_seed_table_and_chain():
    model, _ = load_model("seed")
    rows = {row.name: row for row in anatomy.layer_table(model)}
    assert rows["conv2d_1"].formula == "(3·3·32 + 1)·64" and rows["conv2d_1"].params == 18_496
    assert rows["dense"].formula == "(576 + 1)·64"
    assert anatomy.total_parameters(tuple(rows.values())) == 93_322
    chain = anatomy.shape_chain(model)
    shapes = [step.shape for step in chain]
    assert shapes == [(28, 28, 1), (26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64),
                      (3, 3, 64), (576,), (64,), (10,)]  # fmt: skip
    assert "28 − 3 + 1 = 26" in chain[1].why
    assert "3·3·64 = 576" in chain[6].why


def test_batch_norm_counts_its_running_statistics():
    model, _ = load_model("default")
    rows = {row.name: row for row in anatomy.layer_table(model)}
    assert (rows["conv2d_bn"].params, rows["conv2d_bn"].trainable) == (128, 64)
    assert rows["conv2d"].formula == "3·3·1·32"  # no bias: batch norm's β does its job
    assert "No bias of its own" in rows["conv2d"].role
    assert "bias" not in rows["dense"].role.replace("No bias of its own", "")
    seed_rows = {row.name: row for row in anatomy.layer_table(load_model("seed")[0])}
    assert seed_rows["dense"].role.endswith("plus a bias.")
    assert arithmetic_view(model, model.layers[1]) is None  # batch norm: named, not worked


@pytest.mark.parametrize("name", [*SHIPPED_NAMES, "odd"])
def test_the_why_sums_give_kerass_shapes(name):
    model = odd_model() if name == "odd" else load_model(name)[0]
    for layer in model.layers:
        if type(layer).__name__ in ("Conv2D", "MaxPooling2D"):
            side = int(layer.input.shape[1])
            assert anatomy.computed_side(layer, side) == int(layer.output.shape[1]), layer.name
