"""The shipped models are what their cards say they are."""

import os

import pytest

from model.digits.data import load_bundled_sample, load_mnist
from model.files.cards import SHIPPED_NAMES, read_card, resolve_model_path
from model.files.persistence import load_model, sha256_of
from model.network.inference import DigitClassifier, evaluate

# The card's accuracy must be the one measured on the set it names, to this precision.
SAME_MEASUREMENT = 1e-4


@pytest.fixture(scope="module", params=SHIPPED_NAMES)
def shipped(request):
    model, card = load_model(request.param)
    return request.param, DigitClassifier(model), card


def test_card_matches_file(shipped):
    name, classifier, card = shipped
    assert card.sha256 == sha256_of(resolve_model_path(name))
    assert card.params == classifier.model.count_params()
    assert card.test_set == "official MNIST test set (10,000 digits)"
    assert card.trained_on == "first 24,345 MNIST training digits"


def test_seed_card_is_the_seed_recipe():
    card = read_card("seed")
    assert card.preset == "seed" and card.params == 93_322
    recipe = card.recipe
    assert (recipe["optimizer"], recipe["epochs"], recipe["batch_size"]) == ("rmsprop", 5, 64)


def test_bundled_test_digits_are_classified(shipped):
    # Runs everywhere: the first 2,000 official test digits ship with the repo.
    _, classifier, _ = shipped
    sample = load_bundled_sample()
    _, accuracy = evaluate(classifier, sample.x_test, sample.y_test)
    assert accuracy >= 0.97


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("MNIST_PATH"), reason="needs the official test set (MNIST_PATH)"
)
def test_accuracy_on_the_official_test_set(shipped):
    name, classifier, card = shipped
    data = load_mnist()
    assert data.test_description == "official MNIST test set (10,000 digits)"
    loss, accuracy = evaluate(classifier, data.x_test, data.y_test)
    assert accuracy == pytest.approx(card.test_accuracy, abs=SAME_MEASUREMENT)
    assert loss == pytest.approx(card.test_loss, abs=1e-3)
    assert accuracy >= {"default": 0.993, "seed": 0.985}[name]
