"""Training augmentation: digits distorted the way people draw them, then made MNIST-like again.

`augment_batch` runs inside the tf.data pipeline of model/trainer.py, on
batches of (B, 28, 28, 1) float32 digits in [0, 1]. Each digit is
1. warped once: rotated, slanted, stretched or squeezed sideways, and bent by
   a smooth random displacement (an elastic distortion: a wobbly hand);
2. drawn with a lighter or heavier pen (erosion or dilation);
3. re-normalised the MNIST way, as prepare_digit does to every drawing: cropped
   to its ink, scaled so its longer side is 20 pixels, aspect ratio kept,
   placed so its centre of mass is at (14, 14), brightest pixel 1.
Step 3 means the model trains on what it will be given: a heavy pen makes
strokes wider *relative to the digit*, not a bigger digit, and a stretched
digit is as tall as any other.
"""

from __future__ import annotations

import math

import tensorflow as tf

from model.mnist import SIDE

DIGIT_BOX = 20  # MNIST's digits fit a 20 × 20 box...
CENTER = SIDE / 2  # ...with the centre of mass here, pixel centres at 0..27 (model/preprocess)
PAD = 8  # room around the digit while it is warped and thickened
WORK = SIDE + 2 * PAD
FAINT_INK = 0.2  # as prepare_digit: fainter pixels do not count for the ink's box

MAX_ROTATION = math.radians(16)
MAX_SLANT = 0.3  # horizontal shear
ASPECT_RANGE = (0.75, 1.3)  # width multiplied by this
ELASTIC_GRID = 5  # random displacements on a 5 × 5 grid, smoothly interpolated
MAX_ELASTIC = 2.0  # pixels: the largest displacement's scale
# Pen weight, as (max-filter size, probability): 2 and 3 thicken by one and two
# pixels, 5 by four (a small digit drawn with a fat pen: loops close up).
THICKEN = ((2, 0.2), (3, 0.1), (5, 0.05))
THIN_PROBABILITY = 0.15  # a 2 × 2 min filter: a finer pen


def augment_batch(images: tf.Tensor, seed: int) -> tf.Tensor:
    """Warped, re-weighted and re-normalised digits: (B, 28, 28, 1) float32 in [0, 1]."""
    images = tf.pad(images, [[0, 0], [PAD, PAD], [PAD, PAD], [0, 0]])
    images = warp(images, seed)
    images = pen_weight(images, seed)
    return renormalise(images)


def warp(images: tf.Tensor, seed: int) -> tf.Tensor:
    """Rotation, slant, aspect and elastic distortion in one bilinear resampling."""
    batch = tf.shape(images)[0]
    side = tf.shape(images)[1]

    def uniform(low: float, high: float, offset: int) -> tf.Tensor:
        return tf.random.uniform((batch, 1, 1), low, high, seed=seed + offset)

    angle = uniform(-MAX_ROTATION, MAX_ROTATION, 1)
    slant = uniform(-MAX_SLANT, MAX_SLANT, 2)
    aspect = tf.exp(uniform(math.log(ASPECT_RANGE[0]), math.log(ASPECT_RANGE[1]), 3))
    # For each output pixel, where to sample the input: relative to the centre,
    # undo the aspect, the slant and the rotation.
    centre = (tf.cast(side, tf.float32) - 1) / 2
    grid = tf.range(side, dtype=tf.float32) - centre
    y, x = tf.meshgrid(grid, grid, indexing="ij")  # (side, side) each
    y, x = y[tf.newaxis], x[tf.newaxis]
    cos, sin = tf.cos(angle), tf.sin(angle)
    x_rot, y_rot = cos * x - sin * y, sin * x + cos * y
    x_in = x_rot / aspect + slant * y_rot
    y_in = y_rot

    strength = uniform(0.0, MAX_ELASTIC, 4)[..., tf.newaxis]  # (B, 1, 1, 1)
    coarse = tf.random.uniform((batch, ELASTIC_GRID, ELASTIC_GRID, 2), -1, 1, seed=seed + 5)
    field = tf.image.resize(coarse, (side, side), method="bicubic") * strength
    y_in = y_in + field[..., 0] + centre
    x_in = x_in + field[..., 1] + centre
    return _bilinear(images, y_in, x_in)


def _bilinear(images: tf.Tensor, y: tf.Tensor, x: tf.Tensor) -> tf.Tensor:
    """Sample (B, H, W, 1) images at (B, H, W) float positions; black outside."""
    shape = tf.shape(images)
    batch, height, width = shape[0], shape[1], shape[2]
    flat = tf.reshape(images, [-1])
    y0, x0 = tf.floor(y), tf.floor(x)
    total = tf.zeros_like(y)
    for dy in (0.0, 1.0):
        for dx in (0.0, 1.0):
            yy, xx = y0 + dy, x0 + dx
            weight = (1 - tf.abs(y - yy)) * (1 - tf.abs(x - xx))
            inside = (yy >= 0) & (yy <= tf.cast(height - 1, tf.float32))
            inside &= (xx >= 0) & (xx <= tf.cast(width - 1, tf.float32))
            row = tf.clip_by_value(tf.cast(yy, tf.int32), 0, height - 1)
            col = tf.clip_by_value(tf.cast(xx, tf.int32), 0, width - 1)
            base = tf.range(batch)[:, tf.newaxis, tf.newaxis] * height * width
            values = tf.gather(flat, base + row * width + col)
            total += tf.where(inside, weight * values, 0.0)
    return total[..., tf.newaxis]


def pen_weight(images: tf.Tensor, seed: int) -> tf.Tensor:
    """Thicken or thin the strokes of some digits, each by a pen chosen at random."""
    choice = tf.random.uniform((tf.shape(images)[0], 1, 1, 1), 0, 1, seed=seed + 6)
    out, low = images, 0.0
    for size, probability in THICKEN:
        chosen = (choice >= low) & (choice < low + probability)
        out = tf.where(chosen, max_filter(images, size), out)
        low += probability
    thin = -max_filter(-images, 2)
    return tf.where(choice > 1 - THIN_PROBABILITY, thin, out)


def max_filter(images: tf.Tensor, size: int) -> tf.Tensor:
    """The brightest pixel of each size × size window, as tf.nn.max_pool2d(stride 1, SAME).

    Separable shifted maxima: several times faster on a CPU than the pooling op.
    Values are in [-1, 1] (negated images are thinned with it), so -1 pads.
    """
    before, after = (size - 1) // 2, size // 2
    height, width = images.shape[1], images.shape[2]  # static: the batches' digits have a size
    rows = tf.pad(images, [[0, 0], [before, after], [0, 0], [0, 0]], constant_values=-1.0)
    images = rows[:, :height]
    for offset in range(1, size):
        images = tf.maximum(images, rows[:, offset : offset + height])
    cols = tf.pad(images, [[0, 0], [0, 0], [before, after], [0, 0]], constant_values=-1.0)
    images = cols[:, :, :width]
    for offset in range(1, size):
        images = tf.maximum(images, cols[:, :, offset : offset + width])
    return images


def renormalise(images: tf.Tensor) -> tf.Tensor:
    """(B, H, W, 1) digits of any size -> (B, 28, 28, 1), made the way MNIST made its digits.

    Cropped to the ink (pixels above FAINT_INK of the brightest), scaled so the
    longer side is DIGIT_BOX with the aspect ratio kept, shifted a whole pixel
    at a time so the centre of mass lands on CENTER, divided by the brightest
    pixel. A digit with no ink comes back black.
    """
    shape = tf.shape(images)
    height, width = tf.cast(shape[1], tf.float32), tf.cast(shape[2], tf.float32)
    peak = tf.reduce_max(images, axis=[1, 2, 3])
    ink = images[..., 0] > FAINT_INK * peak[:, tf.newaxis, tf.newaxis]
    top, bottom = _extent(tf.reduce_any(ink, axis=2))
    left, right = _extent(tf.reduce_any(ink, axis=1))
    scale = tf.maximum(bottom - top, right - left) / DIGIT_BOX  # input pixels per output pixel
    middle_y, middle_x = (top + bottom) / 2, (left + right) / 2  # pixel-edge coordinates

    def crop(shift_y: tf.Tensor, shift_x: tf.Tensor) -> tf.Tensor:
        # Output pixel i (centre at i + 0.5 in edge coordinates) shows input
        # point middle + (i + 0.5 - SIDE / 2 - shift) · scale; crop_and_resize
        # wants the first and last pixel centres, over (size - 1).
        first_y = middle_y + (0.5 - SIDE / 2 - shift_y) * scale - 0.5
        last_y = middle_y + (SIDE - 0.5 - SIDE / 2 - shift_y) * scale - 0.5
        first_x = middle_x + (0.5 - SIDE / 2 - shift_x) * scale - 0.5
        last_x = middle_x + (SIDE - 0.5 - SIDE / 2 - shift_x) * scale - 0.5
        boxes = tf.stack(
            [
                first_y / (height - 1),
                first_x / (width - 1),
                last_y / (height - 1),
                last_x / (width - 1),
            ],
            axis=1,
        )
        return tf.image.crop_and_resize(
            images, boxes, tf.range(shape[0]), (SIDE, SIDE), extrapolation_value=0.0
        )

    zero = tf.zeros_like(scale)
    boxed = crop(zero, zero)  # the ink's box centred
    mass_y, mass_x = _centre_of_mass(boxed[..., 0])
    # Whole pixels, as prepare_digit shifts, and never pushing the box out of the field.
    room_y = tf.floor((SIDE - (bottom - top) / scale) / 2)
    room_x = tf.floor((SIDE - (right - left) / scale) / 2)
    shift_y = tf.clip_by_value(tf.floor(CENTER - mass_y + 0.5), -room_y, room_y)
    shift_x = tf.clip_by_value(tf.floor(CENTER - mass_x + 0.5), -room_x, room_x)
    centred = tf.nn.relu(crop(shift_y, shift_x))
    brightest = tf.reduce_max(centred, axis=[1, 2, 3], keepdims=True)
    return tf.math.divide_no_nan(centred, brightest)


def _extent(any_ink: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """(B, N) bool -> first and one-past-last index with ink, as float (0, 0 when none)."""
    n = tf.shape(any_ink)[1]
    first = tf.argmax(tf.cast(any_ink, tf.int32), axis=1, output_type=tf.int32)
    last = n - tf.argmax(tf.cast(any_ink[:, ::-1], tf.int32), axis=1, output_type=tf.int32)
    has_ink = tf.reduce_any(any_ink, axis=1)
    first = tf.where(has_ink, first, 0)
    last = tf.where(has_ink, last, n)
    return tf.cast(first, tf.float32), tf.cast(last, tf.float32)


def _centre_of_mass(images: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """(B, H, W) -> (row, col) of each image's mass, pixel centres at 0, 1, …"""
    total = tf.maximum(tf.reduce_sum(images, axis=[1, 2]), 1e-6)
    rows = tf.range(tf.shape(images)[1], dtype=tf.float32)
    cols = tf.range(tf.shape(images)[2], dtype=tf.float32)
    row = tf.reduce_sum(tf.reduce_sum(images, axis=2) * rows, axis=1) / total
    col = tf.reduce_sum(tf.reduce_sum(images, axis=1) * cols, axis=1) / total
    return row, col
