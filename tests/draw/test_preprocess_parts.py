"""The image operations under prepare_digit, against small reference implementations.

The references are plain numpy, written for clarity (windows by striding,
neighbours by shifting, blobs by flood fill); the library calls must agree with
them on random images and on the edge cases: borders, single rows and columns,
windows wider than the image.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest
from scipy import ndimage

from model.preprocess.geometry import center_of_mass, fit_into_box, scaled_size
from model.preprocess.ink import count_blobs, dilate, remove_specks, square_filter
from model.preprocess.strokes import grow

SHAPES = [(1, 1), (1, 9), (9, 1), (2, 2), (13, 40), (40, 13), (64, 64)]


def random_image(shape: tuple[int, int], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


# --- Square window filters with a linearly continued border -------------------


def reference_square_filter(img: np.ndarray, size: int, reduce) -> np.ndarray:
    """Down the columns, then along the rows; each pass pads by odd reflection."""
    half = size // 2
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (half, half)
        padded = np.pad(img, pad, mode="reflect", reflect_type="odd")
        windows = np.lib.stride_tricks.sliding_window_view(padded, size, axis=axis)
        img = reduce(windows, axis=-1)
    return img


FILTERS = {
    "max": (ndimage.maximum_filter1d, np.max),
    "min": (ndimage.minimum_filter1d, np.min),
    "mean": (ndimage.uniform_filter1d, np.mean),
}


@pytest.mark.parametrize("kind", list(FILTERS))
@pytest.mark.parametrize("size", [1, 3, 9, 39])  # 39: the widest window a photo gets
@pytest.mark.parametrize("shape", SHAPES)
def test_square_filters_match_the_reference(kind, size, shape):
    filter1d, reduce = FILTERS[kind]
    img = random_image(shape, seed=size)
    result = square_filter(filter1d, img, size)
    assert result.shape == img.shape
    np.testing.assert_allclose(result, reference_square_filter(img, size, reduce), atol=1e-6)


def test_a_lighting_ramp_stays_a_ramp():
    # Odd reflection continues a ramp past the border, so the local mean of a
    # smoothly lit page is the page itself, right up to the edges. SciPy's own
    # modes (nearest, reflect, mirror) would bend it there.
    rows, cols = np.mgrid[0:50, 0:70].astype(np.float32)
    ramp = 0.2 + 0.004 * rows + 0.008 * cols
    np.testing.assert_allclose(square_filter(ndimage.uniform_filter1d, ramp, 21), ramp, atol=1e-5)
    # The max over a window of a rising ramp is the ramp half a window on.
    lifted = square_filter(ndimage.maximum_filter1d, ramp, 21)
    np.testing.assert_allclose(lifted, ramp + 10 * (0.004 + 0.008), atol=1e-5)


# --- Dilation ------------------------------------------------------------------


def reference_grow(img: np.ndarray, radius: int) -> np.ndarray:
    """3×3 squares and plus signs in turn, each step padding with the edge pixels."""
    height, width = img.shape
    for step in range(radius):
        padded = np.pad(img, 1, mode="edge")
        shifts = [(1, 1), (0, 1), (2, 1), (1, 0), (1, 2)]
        if step % 2 == 0:
            shifts += [(0, 0), (0, 2), (2, 0), (2, 2)]
        img = np.max([padded[r : r + height, c : c + width] for r, c in shifts], axis=0)
    return img


@pytest.mark.parametrize("radius", [0, 1, 2, 5])
@pytest.mark.parametrize("shape", SHAPES)
def test_grow_matches_the_reference(radius, shape):
    img = random_image(shape, seed=radius) - 0.5  # signed: thinning grows the negative
    np.testing.assert_array_equal(grow(img, radius), reference_grow(img, radius))


def test_grow_makes_an_octagon():
    dot = np.zeros((11, 11), np.float32)
    dot[5, 5] = 1
    grown = grow(dot, 2)  # a 3×3 square, then a plus sign: 5×5 without its corners
    expected = np.ones((5, 5), np.float32)
    expected[[0, 0, -1, -1], [0, -1, 0, -1]] = 0
    np.testing.assert_array_equal(grown[3:8, 3:8], expected)
    assert grown.sum() == expected.sum()


def reference_dilate(mask: np.ndarray) -> np.ndarray:
    padded = np.pad(mask, 1)  # outside the image is paper
    height, width = mask.shape
    return np.any(
        [padded[r : r + height, c : c + width] for r in range(3) for c in range(3)], axis=0
    )


@pytest.mark.parametrize("shape", SHAPES)
def test_dilate_matches_the_reference(shape):
    mask = random_image(shape, seed=1) < 0.1
    mask[0, -1] = True  # ink on the border must not wrap around
    np.testing.assert_array_equal(dilate(mask), reference_dilate(mask))


# --- Blobs -----------------------------------------------------------------------


def flood_fill_blobs(mask: np.ndarray) -> list[list[tuple[int, int]]]:
    """8-connected components by breadth-first search, the slow obvious way."""
    seen = np.zeros_like(mask)
    found = []
    for start in zip(*np.nonzero(mask), strict=True):
        if seen[start]:
            continue
        seen[start] = True
        queue, blob = deque([start]), []
        while queue:
            row, col = queue.popleft()
            blob.append((row, col))
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    r, c = row + dr, col + dc
                    inside = 0 <= r < mask.shape[0] and 0 <= c < mask.shape[1]
                    if inside and mask[r, c] and not seen[r, c]:
                        seen[r, c] = True
                        queue.append((r, c))
        found.append(blob)
    return found


@pytest.mark.parametrize("density", [0.0, 0.05, 0.3, 0.6, 1.0])
@pytest.mark.parametrize("shape", SHAPES)
def test_blobs_match_a_flood_fill(density, shape):
    mask = np.random.default_rng(len(shape) + int(10 * density)).random(shape) < density
    blobs = flood_fill_blobs(mask)
    assert count_blobs(mask) == len(blobs)
    expected = np.zeros_like(mask)
    for blob in blobs:
        rows, cols = zip(*blob, strict=True)
        if max(max(rows) - min(rows), max(cols) - min(cols)) + 1 >= 3:
            expected[rows, cols] = True
    np.testing.assert_array_equal(remove_specks(mask, 3), expected)


# --- Geometry ----------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_center_of_mass_matches_the_formula(shape):
    img = random_image(shape, seed=3).astype(np.float64)
    total = img.sum()
    row = (img.sum(axis=1) @ np.arange(shape[0])) / total
    col = (img.sum(axis=0) @ np.arange(shape[1])) / total
    assert center_of_mass(img) == pytest.approx((row, col), rel=1e-12)


@pytest.mark.parametrize(
    "size, longest, expected",
    [
        ((280, 280), 20, (20, 20)),
        ((3000, 4000), 512, (384, 512)),
        ((4000, 3000), 512, (512, 384)),
        ((1, 600), 20, (1, 20)),  # never below one pixel
        ((7, 3), 20, (20, 9)),  # blown up: 8.57 rounds to 9
        ((100, 100), 100, (100, 100)),
    ],
)
def test_scaled_size(size, longest, expected):
    assert scaled_size(size, longest) == expected


def test_fit_into_box_keeps_the_aspect_ratio():
    assert fit_into_box(np.ones((90, 30), np.float32)).shape == (20, 7)
    assert fit_into_box(np.ones((2, 1), np.float32)).shape == (20, 10)


@pytest.mark.parametrize("marks", [1, 3, 64, 65, 300])
def test_each_marks_largest_value_is_ndimage_maximums(marks):
    from model.preprocess.digit import _largest_per_mark

    rng = np.random.default_rng(marks)
    mask = np.zeros((200, 200), bool)
    for _ in range(marks):
        row, col = rng.integers(0, 196, 2)
        mask[row : row + rng.integers(1, 5), col : col + rng.integers(1, 5)] = True
    labels, count = ndimage.label(mask, structure=np.ones((3, 3)))
    values = ndimage.distance_transform_edt(mask)
    expected = ndimage.maximum(values, labels, np.arange(1, count + 1))
    np.testing.assert_array_equal(_largest_per_mark(values, labels, count), expected)
