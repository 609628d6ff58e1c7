"""Training augmentation: digits distorted the way people draw them.

`augment_batch` runs inside the tf.data pipeline of model/training/trainer.py, on
batches of (B, 28, 28, 1) float32 digits in [0, 1].

Most of it ignores what digit it distorts. One part does not: MNIST's writers
rarely put a flag on a 1 (the short stroke that leads into its top) or a foot
under it, as many people, Europeans above all, do; a flagged 1 then reads as a
7. So a share of the training 1s gets a flag, and some a foot, drawn with the
digit's own pen before the other distortions.
"""

from __future__ import annotations

import functools
import math

import keras
import tensorflow as tf

ONE = 1
FLAG_SHARE = 0.4  # of the training 1s, this share gets a flag...
FOOT_SHARE = 0.15  # ...and, independently, this share a foot
# A flag leaves the top of the 1 downwards and to the left: its length as a
# share of the 1's height, and its angle below the horizontal. A 7's bar is
# longer and near horizontal, so the two stay apart.
FLAG_LENGTH = (0.2, 0.45)
FLAG_DROP = (math.radians(25), math.radians(65))
FLAG_SPREAD = math.radians(35)  # the least angle between flag and stroke...
MIN_FLAG_DROP = math.radians(12)  # ...and a 1 too slanted to leave room for a flag gets none
FOOT_LENGTH = (0.35, 0.6)  # the foot's width as a share of the 1's height, centred on its base
# Lean: how far right the top is of the base, as a share of the height. A 1
# leaning back (top left of its base) with a flag reads as an upside-down V,
# and a strongly leaning one with a flat foot as an L; people draw neither.
MIN_LEAN_FOR_FLAG = -0.1
MAX_LEAN_FOR_FOOT = 0.3
# Proportions: this share of all digits has its rows remapped by t -> t ** g
# inside the ink's top-to-bottom span (t from 0 at the top to 1 at the base),
# with log g uniform in ±LOG_GAMMA. At g = 0.67 the upper half of a digit
# shrinks to its upper 36%, and the lower half grows to the lower 64%.
PROPORTION_SHARE = 0.5
LOG_GAMMA = 0.4
# ...except 4s and 9s: a 4 whose upper part grows looks like a 9, and a 9 whose
# loop shrinks like a 4, each still labelled as the other. Measured over three
# seeds each, official test 9s read as 4s: 14, 17 and 19 with every digit
# stretched; 17, 10 and 14 with 4s and 9s kept; 9 for the recipe before.
KEEP_PROPORTIONS = (4, 9)
# Narrow and wide: this share of all digits has its columns scaled about the
# ink's centre by a factor with log uniform in LOG_WIDTH (narrow reaches
# further: narrow 2s and closed 8s are what the 1-bias misreads). Off (0) in
# the shipped recipe; benchmarks/hands/recipe_study.py switches it on.
WIDTH_SHARE = 0.0
LOG_WIDTH = (-0.6, 0.3)  # factor 0.55 to 1.35
# ...except, when a study sets it, these digits: a narrowed 7 is a 1 with a flag,
# and a widened flagged 1 a 7, each still labelled as the other.
KEEP_WIDTHS: tuple[int, ...] = ()
# ...or made only narrower, or only wider (up to exp(LOG_WIDTH[1])): a 1 made narrower is
# still a 1 and a 7 made wider still a 7; it is the other way round that each turns into
# the other.
ONLY_NARROWER: tuple[int, ...] = ()
ONLY_WIDER: tuple[int, ...] = ()
# Low-resolution scans: this share of all digits shrunk to LOWRES_SIZE pixels a side
# (area average) and scaled back up pixel by pixel, thresholded at half: blobby, with
# hard edges. Off (0) in the shipped recipe.
LOWRES_SHARE = 0.0
LOWRES_SIZE = (9, 15)
# Pen weight: shares of all digits thickened by one pixel, by two (a small digit
# drawn with a wide marker, its loops closing up), and thinned by one.
THICK_SHARE = 0.2
THICKER_SHARE = 0.1
THIN_SHARE = 0.15


def augment_batch(images: tf.Tensor, seed: int, digits: tf.Tensor | None = None) -> tf.Tensor:
    """Random rotation, slant, scale, shift and stroke thickness: digits as people draw them.

    images: (B, 28, 28, 1) float32 in [0, 1]; digits: (B,) their labels, if
    known, so that some 1s get a flag or a foot.
    """
    if digits is not None:
        images = flag_ones(images, digits, seed)
    images = reproportion(images, seed, digits)
    if WIDTH_SHARE > 0:  # off by default: the shipped recipe's pipeline stays as it was
        images = rewidth(images, seed, digits)
    if LOWRES_SHARE > 0:  # off by default, as above
        images = low_resolution(images, seed)
    affine = _affine_augmenter(seed)
    images = affine(images, training=True)
    # Stroke thickness: a 2×2 max filter thickens by one pixel, a 3×3 one by two
    # (a small digit drawn with a wide pen), and a 2×2 min filter thins.
    thick = max_filter(images, 2)
    thicker = max_filter(images, 3)
    thin = -max_filter(-images, 2)
    choice = tf.random.uniform((tf.shape(images)[0], 1, 1, 1), 0, 1)
    images = tf.where(choice < THICK_SHARE, thick, images)
    thicker_from = THICK_SHARE + THICKER_SHARE
    images = tf.where((choice >= THICK_SHARE) & (choice < thicker_from), thicker, images)
    images = tf.where(choice > 1.0 - THIN_SHARE, thin, images)
    return tf.clip_by_value(images, 0.0, 1.0)


def max_filter(images: tf.Tensor, size: int) -> tf.Tensor:
    """The brightest pixel of each size × size window: tf.nn.max_pool2d(stride 1, "SAME").

    Separable shifted maxima, several times faster on a CPU than the pooling op.
    Values are in [-1, 1] (negated digits are thinned with it), so -1 pads.
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


# One augmenter per seed, built once: its layers carry their own random state.
@functools.cache
def _affine_augmenter(seed: int) -> keras.Sequential:
    return keras.Sequential(
        [
            # factor is a fraction of a full turn: 0.045 × 360° ≈ ±16°.
            keras.layers.RandomRotation(0.045, fill_mode="constant", seed=seed),
            # Slant: a horizontal shear of up to ±0.25.
            keras.layers.RandomShear(x_factor=0.25, fill_mode="constant", seed=seed + 3),
            keras.layers.RandomZoom(0.12, fill_mode="constant", seed=seed + 1),
            keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant", seed=seed + 2),
        ],
        name="augment",
    )


def flag_ones(images: tf.Tensor, digits: tf.Tensor, seed: int) -> tf.Tensor:
    """Give a random share of the 1s a flag at the top and some a foot at the base.

    images: (B, H, W, 1) float32 in [0, 1]; digits: (B,) integer labels. Other
    digits, and images with no ink, come back unchanged. Each stroke is drawn
    with the digit's own pen width, estimated as its ink per row.
    """
    batch = tf.shape(images)[0]
    height, width = images.shape[1], images.shape[2]
    ink = images[..., 0]
    rows = tf.range(height, dtype=tf.float32)
    cols = tf.range(width, dtype=tf.float32)
    top, bottom = _ink_span(images, 0.5)
    tall = tf.maximum(bottom - top + 1, 1.0)
    pen = tf.clip_by_value(tf.reduce_sum(ink, axis=[1, 2]) / tall, 1.0, 4.0)

    def column_at(row: tf.Tensor) -> tf.Tensor:
        """The ink's mean column in the two rows from `row` towards the middle: (B,)."""
        near = tf.abs(rows[tf.newaxis] - row[:, tf.newaxis]) < 1.5  # (B, H)
        weight = ink * tf.cast(near, tf.float32)[..., tf.newaxis]
        return tf.reduce_sum(weight * cols, axis=[1, 2]) / tf.maximum(
            tf.reduce_sum(weight, axis=[1, 2]), 1e-6
        )

    def uniform(low: float, high: float, offset: int) -> tf.Tensor:
        return tf.random.uniform((batch,), low, high, seed=seed + offset)

    # The flag starts half a pen below the top, on the stroke's centre line.
    start_y, start_x = top + pen / 2, column_at(top + 0.5)
    base_y, base_x = bottom - pen / 2, column_at(bottom - 0.5)
    lean = (start_x - base_x) / tall
    # A slanted 1's stroke itself leaves the top down and to the left: the flag
    # keeps FLAG_SPREAD above it, or it would lie along the stroke.
    stroke_drop = tf.atan2(tall, tf.maximum(start_x - base_x, 1e-6))
    drop = tf.minimum(uniform(*FLAG_DROP, 12), stroke_drop - FLAG_SPREAD)
    length = uniform(*FLAG_LENGTH, 11) * tall
    flag = _segment(
        (start_y, start_x),
        (start_y + length * tf.sin(drop), start_x - length * tf.cos(drop)),
        pen,
        height,
        width,
    )
    half_foot = uniform(*FOOT_LENGTH, 13) * tall / 2
    foot = _segment((base_y, base_x - half_foot), (base_y, base_x + half_foot), pen, height, width)

    is_one = tf.equal(tf.cast(digits, tf.int32), ONE) & (bottom >= top)
    flag_fits = (lean >= MIN_LEAN_FOR_FLAG) & (drop >= MIN_FLAG_DROP)
    with_flag = is_one & flag_fits & (uniform(0, 1, 14) < FLAG_SHARE)
    with_foot = is_one & (tf.abs(lean) <= MAX_LEAN_FOR_FOOT) & (uniform(0, 1, 15) < FOOT_SHARE)
    added = tf.maximum(
        flag * tf.cast(with_flag, tf.float32)[:, tf.newaxis, tf.newaxis],
        foot * tf.cast(with_foot, tf.float32)[:, tf.newaxis, tf.newaxis],
    )
    return tf.maximum(images, added[..., tf.newaxis])


def _ink_span(images: tf.Tensor, threshold: float) -> tuple[tf.Tensor, tf.Tensor]:
    """The first and last rows with ink above `threshold`, (B,) each; a blank image's
    top comes out below its bottom (H and -1)."""
    height = images.shape[1]
    rows = tf.range(height, dtype=tf.float32)
    inked_rows = tf.reduce_max(images[..., 0], axis=2) > threshold  # (B, H)
    top = tf.reduce_min(tf.where(inked_rows, rows, float(height)), axis=1)
    bottom = tf.reduce_max(tf.where(inked_rows, rows, -1.0), axis=1)
    return top, bottom


def _segment(start, end, pen: tf.Tensor, height: int, width: int) -> tf.Tensor:
    """(B, H, W) anti-aliased line segments from start to end ((B,) y and x each), pen wide.

    Each pixel's ink is how far it lies inside the pen's edge, clipped to [0, 1].
    """
    (y0, x0), (y1, x1) = start, end
    y = tf.range(height, dtype=tf.float32)[tf.newaxis, :, tf.newaxis]
    x = tf.range(width, dtype=tf.float32)[tf.newaxis, tf.newaxis, :]

    def per_image(value: tf.Tensor) -> tf.Tensor:
        return value[:, tf.newaxis, tf.newaxis]

    y0, x0, y1, x1, pen = map(per_image, (y0, x0, y1, x1, pen))
    dy, dx = y1 - y0, x1 - x0
    along = ((y - y0) * dy + (x - x0) * dx) / tf.maximum(dy * dy + dx * dx, 1e-6)
    along = tf.clip_by_value(along, 0.0, 1.0)
    distance = tf.sqrt((y - y0 - along * dy) ** 2 + (x - x0 - along * dx) ** 2)
    return tf.clip_by_value(pen / 2 + 0.5 - distance, 0.0, 1.0)


def reproportion(images: tf.Tensor, seed: int, digits: tf.Tensor | None = None) -> tf.Tensor:
    """Stretch the top or the bottom part of a share of the digits, squeezing the other.

    images: (B, H, W, 1) float32 in [0, 1]. Each chosen digit's rows between its
    first and last inked row are resampled (linearly) from t ** g of that span,
    so its top, base and width stay where they were. Blank images, digits not
    chosen, and (when `digits`, their labels, are given) 4s and 9s come back unchanged.
    """
    batch = tf.shape(images)[0]
    height = images.shape[1]
    rows = tf.range(height, dtype=tf.float32)
    top, bottom = (row[:, tf.newaxis] for row in _ink_span(images, 0.1))
    span = tf.maximum(bottom - top, 1.0)
    log_gamma = tf.random.uniform((batch, 1), -LOG_GAMMA, LOG_GAMMA, seed=seed + 21)
    chosen = tf.random.uniform((batch, 1), 0, 1, seed=seed + 22) < PROPORTION_SHARE
    if digits is not None:
        chosen &= _not_among(digits, KEEP_PROPORTIONS)
    gamma = tf.where(chosen & (bottom > top), tf.exp(log_gamma), 1.0)
    t = tf.clip_by_value((rows[tf.newaxis] - top) / span, 0.0, 1.0)  # (B, H)
    inside = (rows[tf.newaxis] >= top) & (rows[tf.newaxis] <= bottom)
    source = tf.where(inside, top + span * t**gamma, rows[tf.newaxis])
    low = tf.floor(source)
    frac = (source - low)[:, :, tf.newaxis, tf.newaxis]
    low = tf.cast(low, tf.int32)
    high = tf.minimum(low + 1, height - 1)
    above = tf.gather(images, low, axis=1, batch_dims=1)
    below = tf.gather(images, high, axis=1, batch_dims=1)
    return above * (1.0 - frac) + below * frac


def rewidth(images: tf.Tensor, seed: int, digits: tf.Tensor | None = None) -> tf.Tensor:
    """Make a WIDTH_SHARE of the digits narrower or wider about their ink's centre column.

    images: (B, H, W, 1) float32 in [0, 1]. Columns are resampled linearly;
    ink pushed past the edges is lost, blank images and digits not chosen (and,
    when `digits`, their labels, are given, those in KEEP_WIDTHS) come back unchanged.
    """
    batch = tf.shape(images)[0]
    width = images.shape[2]
    cols = tf.range(width, dtype=tf.float32)
    ink = tf.reduce_sum(images[..., 0], axis=1)  # (B, W)
    centre = tf.reduce_sum(ink * cols, axis=1, keepdims=True) / tf.maximum(
        tf.reduce_sum(ink, axis=1, keepdims=True), 1e-6
    )
    log_factor = tf.random.uniform((batch, 1), *LOG_WIDTH, seed=seed + 31)
    chosen = tf.random.uniform((batch, 1), 0, 1, seed=seed + 32) < WIDTH_SHARE
    if digits is not None:
        chosen &= _not_among(digits, KEEP_WIDTHS)
        narrower_only = ~_not_among(digits, ONLY_NARROWER)
        wider_only = ~_not_among(digits, ONLY_WIDER)
        log_factor = tf.where(narrower_only, -tf.abs(log_factor), log_factor)
        log_factor = tf.where(wider_only, tf.minimum(tf.abs(log_factor), LOG_WIDTH[1]), log_factor)
    factor = tf.where(chosen, tf.exp(log_factor), 1.0)
    source = centre + (cols[tf.newaxis] - centre) / factor  # (B, W): where each column reads from
    outside = (source < 0) | (source > width - 1)
    source = tf.clip_by_value(source, 0.0, width - 1.0)
    low = tf.floor(source)
    frac = (source - low)[:, tf.newaxis, :, tf.newaxis]
    low = tf.cast(low, tf.int32)
    high = tf.minimum(low + 1, width - 1)
    left = tf.gather(images, low, axis=2, batch_dims=1)
    right = tf.gather(images, high, axis=2, batch_dims=1)
    keep = tf.cast(~outside, tf.float32)[:, tf.newaxis, :, tf.newaxis]
    return (left * (1.0 - frac) + right * frac) * keep


def low_resolution(images: tf.Tensor, seed: int) -> tf.Tensor:
    """A LOWRES_SHARE of the digits as a low-resolution scan scaled up: blocky, hard-edged.

    Each chosen digit is averaged down to n × n pixels (n drawn from LOWRES_SIZE, one n
    per batch so the resize has one shape), scaled back up by nearest neighbour and
    thresholded at half, so its loops close or open the way a coarse scan's do.
    """
    height, width = images.shape[1], images.shape[2]
    size = tf.random.uniform((), LOWRES_SIZE[0], LOWRES_SIZE[1] + 1, tf.int32, seed=seed + 41)
    small = tf.image.resize(images, tf.stack([size, size]), method="area")
    blocky = tf.image.resize(small, (height, width), method="nearest")
    blocky = tf.cast(blocky >= 0.5, images.dtype)
    chosen = tf.random.uniform((tf.shape(images)[0], 1, 1, 1), 0, 1, seed=seed + 42) < LOWRES_SHARE
    return tf.where(chosen, blocky, images)


def _not_among(digits: tf.Tensor, kept: tuple[int, ...]) -> tf.Tensor:
    """(B, 1) booleans: which labels are none of `kept`."""
    labels = tf.cast(tf.reshape(digits, (-1, 1)), tf.int32)
    return tf.reduce_all(labels != tf.constant(kept or (-1,), tf.int32)[tf.newaxis], axis=1)[
        :, tf.newaxis
    ]
