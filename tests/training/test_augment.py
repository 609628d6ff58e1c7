"""The label-aware part of the training augmentation: flags and feet on 1s."""

import numpy as np
import pytest
import tensorflow as tf

import model.training.augment as augment
from model.training.augment import augment_batch, flag_ones
from model.training.recipes import Recipe
from model.training.setup import make_dataset
from tests.helpers import tiny_mnist


def upright_one(lean: int = 0) -> np.ndarray:
    """A 28×28 1 as MNIST has them: a bar 2 px wide from row 4 to row 23.

    `lean` moves the top that many columns right of the base (negative: left).
    """
    image = np.zeros((28, 28), np.float32)
    for row in range(4, 24):
        col = round(14 + lean * (23 - row) / 19)
        image[row, col : col + 2] = 1.0
    return image


def batch(*images: np.ndarray) -> tf.Tensor:
    return tf.constant(np.stack(images)[..., np.newaxis])


@pytest.fixture
def always(monkeypatch):
    """Every eligible 1 gets a flag; no foot unless a test asks."""
    monkeypatch.setattr(augment, "FLAG_SHARE", 1.0)
    monkeypatch.setattr(augment, "FOOT_SHARE", 0.0)


def added_ink(before: tf.Tensor, after: tf.Tensor) -> np.ndarray:
    return (after.numpy() - before.numpy())[..., 0]


def test_a_flag_leaves_the_top_of_a_one_down_and_to_the_left(always):
    images = batch(upright_one())
    added = added_ink(images, flag_ones(images, tf.constant([1]), seed=0))[0]
    rows, cols = np.nonzero(added > 0.5)
    assert rows.size >= 3, "no flag was drawn"
    # Left of the bar, in the top half of the digit, and reaching the top.
    assert cols.max() <= 15 and cols.min() < 13
    assert rows.max() < 14 and rows.min() <= 6
    # Going down to the left: the further left, the lower.
    assert np.corrcoef(cols, rows)[0, 1] < -0.5


def test_only_ones_are_flagged_and_blank_images_stay_blank(always):
    one = upright_one()
    images = batch(one, one, np.zeros((28, 28), np.float32))
    out = flag_ones(images, tf.constant([7, 1, 1]), seed=0).numpy()
    assert np.array_equal(out[0], images.numpy()[0]), "a 7 was changed"
    assert out[1].sum() > one.sum() + 2
    assert not out[2].any()


def test_a_foot_sits_under_the_base_on_both_sides(monkeypatch):
    monkeypatch.setattr(augment, "FLAG_SHARE", 0.0)
    monkeypatch.setattr(augment, "FOOT_SHARE", 1.0)
    images = batch(upright_one())
    added = added_ink(images, flag_ones(images, tf.constant([1]), seed=0))[0]
    rows, cols = np.nonzero(added > 0.5)
    assert rows.size >= 4, "no foot was drawn"
    assert rows.min() >= 20 and rows.max() <= 24
    assert cols.min() < 14 and cols.max() > 15


def test_a_one_leaning_back_gets_no_flag(always):
    images = batch(upright_one(lean=-6), upright_one(lean=4))
    added = added_ink(images, flag_ones(images, tf.constant([1, 1]), seed=0))
    assert added[0].sum() == 0
    assert added[1].sum() > 2


def test_shares_are_about_right():
    ones = batch(*[upright_one()] * 400)
    added = added_ink(ones, flag_ones(ones, tf.ones(400, tf.int32), seed=0))
    top_half = (added[:, :14] > 0.5).any(axis=(1, 2)).mean()
    bottom = (added[:, 20:] > 0.5).any(axis=(1, 2)).mean()
    assert abs(top_half - augment.FLAG_SHARE) < 0.08
    assert abs(bottom - augment.FOOT_SHARE) < 0.06


def test_augment_batch_with_labels_keeps_shape_and_range():
    data = tiny_mnist()
    digits = data.x_train[:64, ..., None].astype(np.float32) / 255
    out = augment_batch(tf.constant(digits), seed=0, digits=tf.constant(data.y_train[:64]))
    assert out.shape == digits.shape
    assert out.numpy().min() >= 0.0 and out.numpy().max() <= 1.0


def test_training_batches_pass_their_labels_to_the_augmentation(monkeypatch):
    def labels_as_images(images, seed, digits=None):
        # Every pixel of each digit becomes its label: what reached `digits` shows in the batch.
        return tf.zeros_like(images) + tf.cast(digits, tf.float32)[:, None, None, None]

    monkeypatch.setattr("model.training.setup.augment_batch", labels_as_images)
    data = tiny_mnist(n_train=100)
    recipe = Recipe(batch_size=32, augment=True)
    for images, labels in make_dataset(data.x_train, data.y_train, recipe):
        assert np.array_equal(images.numpy()[:, 0, 0, 0], labels.numpy())


def bars(*rows: int) -> np.ndarray:
    """A 28×28 picture with a one-pixel horizontal bar, columns 8-19, at each of `rows`."""
    image = np.zeros((28, 28), np.float32)
    for row in rows:
        image[row, 8:20] = 1.0
    return image


def ink_centre(image: np.ndarray, rows: slice) -> float:
    """The mean row of the ink in `rows` (where the middle bar went)."""
    ink = image[rows].sum(axis=1)
    return float((np.arange(rows.start, rows.stop) * ink).sum() / ink.sum())


def test_reproportion_moves_the_middle_and_keeps_top_and_base(monkeypatch):
    monkeypatch.setattr(augment, "PROPORTION_SHARE", 1.0)
    images = batch(*[bars(4, 14, 24)] * 64)
    out = augment.reproportion(images, seed=0).numpy()[..., 0]
    # Top and base rows stay where they were, with their ink.
    assert np.allclose(out[:, 4, 8:20], 1.0) and np.allclose(out[:, 24, 8:20], 1.0)
    assert not out[:, :4].any() and not out[:, 25:].any()
    # Rows 5-7 and 21-23 can hold a smear of the top and base bars where the warp
    # stretches them; the middle bar stays within rows 11-17.
    middles = np.array([ink_centre(image, slice(8, 21)) for image in out])
    # Some middles go up (the lower part grows), some down, by up to about 2.9 rows:
    # the middle lands where t ** g = 0.5, t = 0.5 ** exp(∓0.4), 0.36 to 0.64 of the span.
    assert middles.min() < 13 and middles.max() > 15
    assert abs(middles - 14).max() < 3.0
    # Rows are blended, never brightened: a resampled picture stays in [0, 1].
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_reproportion_leaves_unchosen_and_blank_pictures_alone(monkeypatch):
    monkeypatch.setattr(augment, "PROPORTION_SHARE", 0.0)
    images = batch(bars(4, 14, 24), np.zeros((28, 28), np.float32))
    assert np.array_equal(augment.reproportion(images, seed=0).numpy(), images.numpy())
    monkeypatch.setattr(augment, "PROPORTION_SHARE", 1.0)
    blank = batch(np.zeros((28, 28), np.float32))
    assert not augment.reproportion(blank, seed=0).numpy().any()


def test_about_the_set_share_of_digits_is_reproportioned():
    images = batch(*[bars(4, 14, 24)] * 400)
    out = augment.reproportion(images, seed=0).numpy()[..., 0]
    moved = (np.abs(out - images.numpy()[..., 0]).sum(axis=(1, 2)) > 0.5).mean()
    # A chosen digit whose g is very near 1 barely moves, so a little under the share.
    assert augment.PROPORTION_SHARE - 0.12 < moved <= augment.PROPORTION_SHARE + 0.06


def test_fours_and_nines_keep_their_proportions(monkeypatch):
    monkeypatch.setattr(augment, "PROPORTION_SHARE", 1.0)
    images = batch(*[bars(4, 14, 24)] * 30)
    digits = tf.constant([4, 9, 7] * 10)
    out = augment.reproportion(images, seed=0, digits=digits).numpy()[..., 0]
    moved = np.abs(out - images.numpy()[..., 0]).sum(axis=(1, 2)) > 0.5
    labels = digits.numpy()
    assert not moved[labels != 7].any()
    assert moved[labels == 7].mean() > 0.6  # all chosen; a g very near 1 barely moves


def columns(image: np.ndarray) -> np.ndarray:
    """The columns holding ink (above half) in a 28×28 picture."""
    return np.nonzero(image.max(axis=0) > 0.5)[0]


def test_the_shipped_recipe_never_changes_widths(monkeypatch):
    # The recipe study's switch is off by default, and then the pipeline never
    # reaches it: the shipped recipe's augmentation is the one it was trained with.
    assert augment.WIDTH_SHARE == 0.0 and augment.LOWRES_SHARE == 0.0
    assert (augment.FLAG_SHARE, augment.FOOT_SHARE) == (0.4, 0.15)

    def never(*args, **kwargs):
        raise AssertionError("a study-only step ran in the default recipe")

    monkeypatch.setattr(augment, "rewidth", never)
    monkeypatch.setattr(augment, "low_resolution", never)
    out = augment_batch(batch(bars(4, 14, 24)), seed=0, digits=tf.constant([2]))
    assert out.shape == (1, 28, 28, 1)


def test_rewidth_narrows_and_widens_about_the_ink_centre(monkeypatch):
    monkeypatch.setattr(augment, "WIDTH_SHARE", 1.0)
    images = batch(bars(4, 14, 24))  # columns 8-19, centre 13.5
    monkeypatch.setattr(augment, "LOG_WIDTH", (np.log(0.5), np.log(0.5)))
    narrow = augment.rewidth(images, seed=0).numpy()[0, ..., 0]
    monkeypatch.setattr(augment, "LOG_WIDTH", (np.log(1.5), np.log(1.5)))
    wide = augment.rewidth(images, seed=0).numpy()[0, ..., 0]
    assert 5 <= len(columns(narrow)) <= 7 and 17 <= len(columns(wide)) <= 19
    for out in (narrow, wide):
        assert abs(columns(out).mean() - 13.5) <= 0.5
        # Only columns change: the same rows hold ink, and nothing brightens.
        assert np.array_equal(np.nonzero(out.max(axis=1) > 0.5)[0], [4, 14, 24])
        assert out.min() >= 0.0 and out.max() <= 1.0


def test_rewidth_leaves_unchosen_pictures_alone(monkeypatch):
    monkeypatch.setattr(augment, "WIDTH_SHARE", 0.5)
    images = batch(*[bars(4, 14, 24)] * 200)
    out = augment.rewidth(images, seed=0).numpy()
    changed = np.abs(out - images.numpy()).sum(axis=(1, 2, 3)) > 0.5
    assert 0.35 < changed.mean() <= 0.56  # a factor very near 1 barely changes a picture


def test_the_recipe_study_sets_only_settings_the_augmentation_has():
    from benchmarks.hands.recipe_study import ARMS

    for settings in ARMS.values():
        for name in settings:
            assert hasattr(augment, name), f"{name} is not an augmentation setting"


def test_digits_kept_from_rewidth_keep_their_widths(monkeypatch):
    monkeypatch.setattr(augment, "WIDTH_SHARE", 1.0)
    monkeypatch.setattr(augment, "KEEP_WIDTHS", (1, 7))
    monkeypatch.setattr(augment, "LOG_WIDTH", (np.log(0.5), np.log(0.5)))
    images = batch(*[bars(4, 14, 24)] * 6)
    digits = tf.constant([1, 7, 2, 1, 7, 8])
    out = augment.rewidth(images, seed=0, digits=digits).numpy()[..., 0]
    moved = np.abs(out - images.numpy()[..., 0]).sum(axis=(1, 2)) > 0.5
    assert moved.tolist() == [False, False, True, False, False, True]


def test_digits_made_only_narrower_or_only_wider_go_only_that_way(monkeypatch):
    monkeypatch.setattr(augment, "WIDTH_SHARE", 1.0)
    monkeypatch.setattr(augment, "ONLY_NARROWER", (1,))
    monkeypatch.setattr(augment, "ONLY_WIDER", (7,))
    digits = tf.constant([1, 7, 2] * 40)
    images = batch(*[bars(4, 14, 24)] * 120)  # 12 columns wide
    out = augment.rewidth(images, seed=0, digits=digits).numpy()[..., 0]
    widths = np.array([len(columns(picture)) for picture in out]).reshape(40, 3)
    assert (widths[:, 0] <= 12).all() and (widths[:, 0] < 11).any()
    # Wider, but no more than exp(LOG_WIDTH[1]) = 1.35 times: at most 17 columns.
    assert (widths[:, 1] >= 12).all() and (widths[:, 1] > 13).any()
    assert widths[:, 1].max() <= 17
    # Other digits still go both ways.
    assert (widths[:, 2] < 11).any() and (widths[:, 2] > 13).any()


def test_a_low_resolution_scan_is_blocky_and_keeps_the_digit_in_place(monkeypatch):
    monkeypatch.setattr(augment, "LOWRES_SHARE", 1.0)
    monkeypatch.setattr(augment, "LOWRES_SIZE", (14, 14))
    images = batch(bars(4, 14, 24))
    out = augment.low_resolution(images, seed=0).numpy()[0, ..., 0]
    assert set(np.unique(out)) <= {0.0, 1.0}  # hard edges: no grey left
    # 14 pixels a side scaled up to 28: every 2 × 2 block is one pixel of the scan.
    assert np.array_equal(out[0::2, 0::2], out[1::2, 1::2])
    assert abs(columns(out).mean() - columns(images.numpy()[0, ..., 0]).mean()) <= 1.0


def test_low_resolution_leaves_unchosen_pictures_alone(monkeypatch):
    monkeypatch.setattr(augment, "LOWRES_SHARE", 0.0)
    images = batch(bars(4, 14, 24))
    assert np.array_equal(augment.low_resolution(images, seed=0).numpy(), images.numpy())
