import threading

import keras
import numpy as np
import pytest

from model.network.architectures import build
from model.network.inference import DigitClassifier, as_batch, evaluate
from tests.helpers import random_digits


@pytest.fixture(scope="module", params=["seed", "robust"])
def classifier(request):
    keras.utils.set_random_seed(1)
    return DigitClassifier(build(request.param))


def test_one_pass_activations_equal_each_layers_own_output(classifier):
    digit = random_digits(1)[0]
    forward = classifier.forward(digit)
    model = classifier.model
    assert [a.name for a in forward.activations] == [layer.name for layer in model.layers]
    for activation, layer in zip(forward.activations, model.layers, strict=True):
        own = keras.Model(model.inputs, layer.output).predict(as_batch(digit), verbose=0)[0]
        np.testing.assert_allclose(activation.values, own, rtol=1e-5, atol=1e-5)
        assert activation.shape == tuple(layer.output.shape[1:])
    np.testing.assert_allclose(forward.probabilities.sum(), 1.0, rtol=1e-5)
    assert forward.digit == int(np.argmax(forward.probabilities))


def test_batched_probabilities_match_single_passes(classifier):
    digits = random_digits(7, seed=3)
    batched = classifier.probabilities(digits, batch_size=3)
    assert batched.shape == (7, 10)
    singles = np.stack([classifier.forward(d).probabilities for d in digits])
    # The one-digit path is XLA-compiled: fused arithmetic, so equal to ~1e-6.
    np.testing.assert_allclose(batched, singles, rtol=1e-4, atol=1e-5)


def test_concurrent_calls_agree(classifier):
    digits = random_digits(8, seed=5)
    expected = [classifier.forward(d).probabilities for d in digits]
    results = [None] * 8

    def worker(i):
        for _ in range(5):
            results[i] = classifier.forward(digits[i]).probabilities

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=0)


@pytest.mark.parametrize("shape", [(28, 28), (28, 28, 1), (4, 28, 28), (4, 28, 28, 1)])
def test_as_batch_shapes(shape):
    assert as_batch(np.zeros(shape)).shape[1:] == (28, 28, 1)


def test_as_batch_rejects_other_sizes():
    with pytest.raises(ValueError, match="expected 28×28"):
        as_batch(np.zeros((32, 32)))


def test_evaluate_matches_keras(classifier):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (50, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, 50)
    loss, accuracy = evaluate(classifier, x, y)
    probs = classifier.probabilities(x / 255.0)
    keras_loss = keras.losses.categorical_crossentropy(keras.utils.to_categorical(y, 10), probs)
    np.testing.assert_allclose(loss, float(np.mean(keras_loss)), rtol=1e-4)
    assert accuracy == pytest.approx(np.mean(probs.argmax(1) == y))
