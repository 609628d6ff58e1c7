import subprocess
import sys
import threading

import numpy as np
import pytest
import tensorflow as tf

from model.network.architectures import build
from model.runs.messages import DIVERGED, FINISHED, STOPPED
from model.training.augment import augment_batch, max_filter
from model.training.callbacks import ProgressReporter
from model.training.distribute import make_strategy
from model.training.ready_models import ReadyModels
from model.training.recipes import Recipe
from model.training.trainer import train
from tests.conftest import ROOT
from tests.helpers import tiny_mnist

pytestmark = pytest.mark.slow  # every test here trains, or builds models


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
    assert result.outcome == FINISHED and result.epochs_done == 2
    assert 0.0 <= result.test_accuracy <= 1.0 and result.test_loss > 0
    assert result.test_probabilities.shape == (200, 10)


def test_validation_digits_are_held_out_and_scored_every_epoch():
    reports = []
    data = tiny_mnist(n_train=300)
    recipe = Recipe(epochs=2, batch_size=64)
    result = train("seed", recipe, data, on_progress=reports.append, validation=30)
    # The last 30 of 300 training digits are the validation digits; the rest train.
    assert (result.train_digits, result.validation_digits) == (270, 30)
    assert result.trained_on == "first 270 MNIST training digits"
    epoch_reports = [r for r in reports if r.epoch_done]
    assert all(0.0 <= r.val_accuracy <= 1.0 and r.val_loss > 0 for r in epoch_reports)
    assert result.history["val_accuracy"] == [r.val_accuracy for r in epoch_reports]


def test_without_validation_every_training_digit_trains():
    reports = []
    result = train(
        "seed", Recipe(epochs=1, batch_size=64), tiny_mnist(n_train=300), on_progress=reports.append
    )
    assert (result.train_digits, result.validation_digits) == (300, 0)
    assert reports[-1].epoch_done and reports[-1].val_accuracy is None
    assert "val_accuracy" not in result.history and result.card_notes == []


def test_batch_values_are_each_batch_alone():
    # Keras reports the epoch's running mean; the reporter recovers each batch's
    # own loss, so their digit-weighted mean is the epoch's loss.
    reports = []
    recipe = Recipe(epochs=1, batch_size=50, train_size=120)  # batches of 50, 50 and 20
    train("seed", recipe, tiny_mnist(), on_progress=reports.append)
    batches = [r for r in reports if not r.epoch_done]
    sizes = np.array([50, 50, 20])
    weighted = np.sum([r.batch_loss for r in batches] * sizes) / sizes.sum()
    assert weighted == pytest.approx(batches[-1].loss, rel=1e-4)
    assert batches[0].batch_loss == pytest.approx(batches[0].loss)
    assert batches[1].batch_loss != pytest.approx(batches[1].loss)


def test_a_far_too_large_learning_rate_ends_the_run_as_diverged():
    # A person's way to diverge: steps so big that the weights overflow. The loss
    # Keras reports can stay finite while they do (see the next test).
    reports = []
    recipe = Recipe(epochs=3, batch_size=32, train_size=192, optimizer="sgd", learning_rate=1e6)
    result = train("seed", recipe, tiny_mnist(), on_progress=reports.append)
    assert result.outcome == DIVERGED
    assert result.epochs_done == 0 and result.stopped_at[0] == 1
    assert result.test_accuracy is None, "a diverged model is never measured or used"
    assert len(reports) == result.stopped_at[1], "no batch runs after the one that diverged"
    assert "became NaN or infinite in epoch 1" in result.divergence_words


def test_weights_gone_non_finite_behind_a_finite_loss_end_the_run():
    """Divergence is caught from the weights, not only from NaN reaching the loss.

    On some CPUs max-pooling turns NaN into -3.4e38, so NaN weights can sit behind a
    finite loss; a reporter that watched the loss alone would let such a run finish.
    """
    model = build("seed")
    kernel = model.weights[0].numpy()
    kernel.flat[5] = np.nan  # one weight of one first-layer filter
    model.weights[0].assign(kernel)
    reporter = ProgressReporter(epochs=1, digits=64, batch_size=32, on_progress=None)
    reporter.set_model(model)
    reporter.on_epoch_begin(0)
    reporter.on_train_batch_end(0, {"loss": 2.3, "accuracy": 0.1})
    assert reporter.diverged_at == (1, 1) and reporter.diverged_what == "weights"
    assert model.stop_training


def test_a_finite_run_is_not_taken_for_diverged():
    model = build("seed")
    reporter = ProgressReporter(epochs=1, digits=64, batch_size=32, on_progress=None)
    reporter.set_model(model)
    reporter.on_epoch_begin(0)
    reporter.on_train_batch_end(0, {"loss": 1e30, "accuracy": 0.1})
    assert reporter.diverged_at is None
    reporter.on_train_batch_end(1, {"loss": float("inf"), "accuracy": 0.1})
    assert reporter.diverged_at == (1, 2) and reporter.diverged_what == "loss"


def test_cancel_stops_within_one_batch():
    cancel = threading.Event()
    seen = []

    def on_progress(p):
        seen.append(p)
        if p.batch == 3:
            cancel.set()

    recipe = Recipe(epochs=3, batch_size=16, train_size=256)
    result = train("seed", recipe, tiny_mnist(), on_progress=on_progress, cancel=cancel)
    assert result.cancelled and result.outcome == STOPPED
    assert len(result.batch_log) == 3, "no batch runs after the one during which cancel was set"
    assert len(result.history["loss"]) == 1
    assert result.epochs_done == 0 and result.stopped_at == (1, 3)
    assert not any(r.epoch_done for r in seen), "a stopped epoch is not reported as done"
    assert result.test_accuracy is None


MIRRORED_ON_TWO_CPUS = """
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)
from model.training.distribute import make_strategy
from model.training.recipes import Recipe
from model.training.trainer import train
from tests.helpers import tiny_mnist

strategy = make_strategy("mirrored")
assert strategy.num_replicas_in_sync == 2, strategy.num_replicas_in_sync
assert type(make_strategy("auto")).__name__ == "_DefaultDistributionStrategy"
reports = []
result = train(
    "seed", Recipe(epochs=1, batch_size=32, train_size=128), tiny_mnist(),
    on_progress=reports.append, strategy=strategy,
)
assert result.outcome == "finished", result.outcome
assert len([r for r in reports if not r.epoch_done]) == 4
print("replicas", strategy.num_replicas_in_sync, "accuracy", result.test_accuracy)
"""


def test_mirrored_strategy_trains_over_two_logical_cpus():
    # Logical devices must be set before TensorFlow initialises, so in a fresh process.
    done = subprocess.run(
        [sys.executable, "-c", MIRRORED_ON_TWO_CPUS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "replicas 2 accuracy" in done.stdout


def test_augmented_robust_preset_trains():
    recipe = Recipe.for_preset("robust", epochs=1, batch_size=64, train_size=128)
    assert recipe.augment and recipe.optimizer == "adam" and recipe.schedule == "cosine"
    result = train("robust", recipe, tiny_mnist())
    assert result.model.name == "robust" and np.isfinite(result.test_loss)


def test_a_prepared_model_trains_exactly_as_a_fresh_one():
    # The robust preset has the most state to reset: batch norm, dropout seeds, Adam's
    # slots, a cosine schedule. Without augmentation (whose parallel pipeline draws
    # random numbers in no fixed order) two runs are identical to the last bit.
    recipe = Recipe.for_preset("robust", epochs=2, batch_size=32, train_size=96, augment=False)
    data = tiny_mnist(n_train=150, n_test=50)
    fresh = train("robust", recipe, data, validation=15)
    ready = ReadyModels(make_strategy("auto"))
    ready.prepare(("robust",))
    prepared = train("robust", recipe, data, validation=15, ready=ready)
    for a, b in zip(fresh.model.get_weights(), prepared.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert fresh.history == prepared.history
    # A warm worker trains run after run on the same prepared model: the next is exact too.
    again = train("robust", recipe, data, validation=15, ready=ready)
    assert again.model is prepared.model
    for a, b in zip(fresh.model.get_weights(), again.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert fresh.history == again.history


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
