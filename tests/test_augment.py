import numpy as np
import tensorflow as tf

from model.augment import DIGIT_BOX, augment_batch, max_filter, renormalise
from model.preprocess import center_of_mass, ink_bbox
from tests.helpers import tiny_mnist


def digits(n: int = 32) -> np.ndarray:
    return tiny_mnist().x_train[:n, ..., None].astype(np.float32) / 255.0


def box_and_mass(image: np.ndarray) -> tuple[int, int, tuple[float, float]]:
    top, left, bottom, right = ink_bbox(image, 0.2 * image.max())
    return bottom - top, right - left, center_of_mass(image)


def test_renormalise_leaves_mnist_digits_as_they_were():
    x = digits()
    again = renormalise(tf.constant(x)).numpy()
    assert again.shape == x.shape
    # MNIST made its digits this way, so only resampling changes them.
    assert np.abs(again - x).mean() < 0.02


def test_renormalise_fits_the_box_and_centres_the_mass_like_prepare_digit():
    # A small 6 × 12 bar in a corner of a 44 × 44 field.
    field = np.zeros((1, 44, 44, 1), np.float32)
    field[0, 3:15, 30:36] = 0.6
    out = renormalise(tf.constant(field)).numpy()[0, ..., 0]
    assert out.shape == (28, 28) and np.isclose(out.max(), 1.0)
    height, width, (row, col) = box_and_mass(out)
    assert height == DIGIT_BOX and abs(width - 10) <= 1  # aspect ratio kept
    # A whole-pixel shift, as prepare_digit makes, lands within half a pixel.
    assert abs(row - 14) <= 0.5 + 1e-5 and abs(col - 14) <= 0.5 + 1e-5


def test_renormalise_keeps_blank_digits_blank():
    out = renormalise(tf.zeros((2, 28, 28, 1))).numpy()
    assert np.all(out == 0)


def test_augmentation_changes_digits_into_mnist_shaped_ones():
    x = digits()
    augmented = augment_batch(tf.constant(x), seed=0).numpy()
    assert augmented.shape == x.shape
    assert augmented.min() >= 0.0 and np.allclose(augmented.max(axis=(1, 2, 3)), 1.0)
    assert np.abs(augmented - x).mean() > 0.01
    sides, distances = [], []
    for image in augmented[..., 0]:
        height, width, (row, col) = box_and_mass(image)
        sides.append(max(height, width))
        distances.append(max(abs(row - 14), abs(col - 14)))
    # Resampling may leave an edge pixel just above the faint-ink cut, or a faint
    # speck (MNIST has a few) just below it.
    assert np.mean(np.abs(np.array(sides) - DIGIT_BOX) <= 1) >= 0.95
    assert max(sides) <= DIGIT_BOX + 1
    assert max(distances) <= 1


def test_augmentation_varies_between_batches_and_seeds():
    x = tf.constant(digits(8))
    first, second = augment_batch(x, seed=0).numpy(), augment_batch(x, seed=0).numpy()
    assert np.abs(first - second).mean() > 0.01


def test_max_filter_matches_max_pooling():
    x = tf.constant(np.random.default_rng(0).random((3, 11, 13, 1), dtype=np.float32))
    for size in (2, 3, 5):
        pooled = tf.nn.max_pool2d(x, ksize=size, strides=1, padding="SAME")
        assert np.array_equal(max_filter(x, size).numpy(), pooled.numpy())
