"""A worked convolution (or dense neuron) goes on through batch normalisation and ReLU to
the model's final value for that cell, on both shipped models; checked against Keras's
own layers, called on their own as well as in the forward pass.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from model.digits.data import load_bundled_sample
from model.files.persistence import load_model
from model.inside.afterwards import NormStep, ReluStep, afterwards
from model.inside.anatomy import CONV, DENSE, arithmetic_view
from model.inside.arithmetic import conv_cell, dense_neuron, layer_io
from model.network.inference import DigitClassifier


@pytest.fixture(scope="module", params=["default", "seed"])
def classifier(request) -> DigitClassifier:
    return DigitClassifier(load_model(request.param)[0])


@pytest.fixture(scope="module")
def digit() -> np.ndarray:
    return load_bundled_sample().x_test[0].astype(np.float32) / 255.0


def worked(model, forward, digit, index, where):
    before, after = layer_io(forward, digit, index)
    layer = model.layers[index]
    if arithmetic_view(model, layer) == CONV:
        first = conv_cell(layer, before, after, *where)
    else:
        first = dense_neuron(layer, before, after, where[0])
    return first, afterwards(model, forward, index, where, first.result)


def test_every_conv_and_dense_ends_at_the_models_final_value(classifier, digit):
    model, rng = classifier.model, np.random.default_rng(1)
    forward = classifier.forward(digit)
    for index, layer in enumerate(model.layers):
        if arithmetic_view(model, layer) not in (CONV, DENSE):
            continue
        out = forward.activations[index].values
        for _ in range(5):
            where = tuple(int(rng.integers(n)) for n in out.shape)
            first, steps = worked(model, forward, digit, index, where)
            last = index + len(steps)
            final = forward.activations[last].values[where]
            value = steps[-1].result if steps else first.result
            assert abs(value - final) <= 1e-5 * max(1.0, abs(final)), (layer.name, where)
            assert all(step.agrees for step in steps), (layer.name, where, steps)
            # The chain ends where nothing more is worked: at pooling, flatten or dropout.
            if last + 1 < len(model.layers):
                after = model.layers[last + 1]
                assert not isinstance(after, keras.layers.BatchNormalization | keras.layers.ReLU)


def test_default_conv_goes_through_batch_norm_then_relu(digit):
    model = load_model("default")[0]
    forward = DigitClassifier(model).forward(digit)
    index = [layer.name for layer in model.layers].index("conv2d")
    out = forward.activations[index].values
    # A cell that batch normalisation keeps positive, and one it turns negative.
    final = forward.activations[index + 2].values
    for where in (
        np.unravel_index(np.argmax(final), final.shape),
        np.unravel_index(np.argmin(forward.activations[index + 1].values), out.shape),
    ):
        where = tuple(int(w) for w in where)
        first, steps = worked(model, forward, digit, index, where)
        assert first.bias is None and first.activation == "linear"
        norm, relu = steps
        assert isinstance(norm, NormStep) and isinstance(relu, ReluStep)
        assert (norm.layer, relu.layer) == ("conv2d_bn", "conv2d_relu")
        # Keras's own batch-norm layer, called alone on the conv output, as it predicts.
        bn = model.layers[index + 1]
        alone = np.asarray(bn(out[None], training=False))[0][where]
        assert abs(norm.result - alone) < 1e-5 * max(1.0, abs(alone))
        expected = (
            norm.gamma * (first.result - norm.mean) / np.sqrt(norm.variance + norm.epsilon)
            + norm.beta
        )
        assert norm.result == pytest.approx(expected, abs=1e-12)
        assert relu.result == max(norm.result, 0.0)
        assert relu.agrees and abs(relu.result - final[where]) < 1e-5


def test_seed_conv_has_its_bias_and_relu_and_nothing_after(digit):
    model = load_model("seed")[0]
    forward = DigitClassifier(model).forward(digit)
    out = forward.activations[0].values
    where = tuple(int(w) for w in np.unravel_index(np.argmax(out), out.shape))
    first, steps = worked(model, forward, digit, 0, where)
    assert steps == []
    assert first.bias is not None and first.activation == "relu"
    assert first.result == max(first.total + first.bias, 0.0) and first.agrees
