import threading

import numpy as np
import pytest
import tensorflow as tf

from model.augment import augment_batch, max_filter
from model.recipes import Recipe
from model.trainer import train
from tests.helpers import tiny_mnist


def test_a_few_batches_train_and_report_progress():
    reports = []
    recipe = Recipe(epochs=2, batch_size=32, train_size=128, seed=3)
    result = train("seed", recipe, tiny_mnist(), on_progress=reports.append)
    batch_reports = [r for r in reports if not r.epoch_done]
    assert [(r.epoch, r.batch) for r in batch_reports] == [
        (e, b) for e in (1, 2) for b in range(1, 5)
    ]
    assert [r.epoch for r in reports if r.epoch_done] == [1, 2]
    assert reports[-1].fraction == 1.0
    assert len(result.history["loss"]) == 2
    assert result.history["loss"][1] < result.history["loss"][0]
    assert result.train_digits == 128 and not result.cancelled
    assert 0.0 <= result.test_accuracy <= 1.0 and result.test_loss > 0


def test_cancel_stops_within_one_batch():
    cancel = threading.Event()
    seen = []

    def on_progress(p):
        seen.append(p)
        if p.batch == 3:
            cancel.set()

    recipe = Recipe(epochs=3, batch_size=16, train_size=256)
    result = train("seed", recipe, tiny_mnist(), on_progress=on_progress, cancel=cancel)
    assert result.cancelled
    assert len(result.batch_log) == 3, "no batch runs after the one during which cancel was set"
    assert len(result.history["loss"]) == 1


def test_augmented_robust_preset_trains():
    recipe = Recipe.for_preset("robust", epochs=1, batch_size=64, train_size=128)
    assert recipe.augment and recipe.optimizer == "adam" and recipe.schedule == "cosine"
    result = train("robust", recipe, tiny_mnist())
    assert result.model.name == "robust" and np.isfinite(result.test_loss)


def test_augmentation_changes_digits_but_keeps_range():
    digits = tiny_mnist().x_train[:32, ..., None].astype(np.float32) / 255.0
    augmented = augment_batch(tf.constant(digits), seed=0).numpy()
    assert augmented.shape == digits.shape
    assert augmented.min() >= 0.0 and augmented.max() <= 1.0
    assert np.abs(augmented - digits).mean() > 0.01
    # Still a digit: most of the ink survives.
    assert augmented.sum() > 0.5 * digits.sum()


def test_max_filter_is_max_pooling():
    x = tf.constant(np.random.default_rng(0).random((3, 11, 13, 1), dtype=np.float32))
    for size in (2, 3, 5):
        pooled = tf.nn.max_pool2d(x, ksize=size, strides=1, padding="SAME")
        assert np.array_equal(max_filter(x, size).numpy(), pooled.numpy())
        thinned = -tf.nn.max_pool2d(-x, ksize=size, strides=1, padding="SAME")
        assert np.array_equal(-max_filter(-x, size).numpy(), thinned.numpy())


@pytest.mark.parametrize(
    "bad",
    [
        {"epochs": 0},
        {"batch_size": 0},
        {"optimizer": "adagrad"},
        {"learning_rate": 0},
        {"train_size": 0},
        {"schedule": "step"},
    ],
)
def test_bad_recipes_are_refused(bad):
    with pytest.raises(ValueError):
        Recipe(**bad)
