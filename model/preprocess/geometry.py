"""Where the ink is and how big: boxes, centre of mass, scaling, pasting into 28×28.

Coordinates are (row, col) with pixel centres at integer positions.
"""

from __future__ import annotations

from math import floor

import numpy as np
from PIL import Image
from scipy import ndimage

from model.digits.mnist import SIDE

DIGIT_BOX = 20  # MNIST scaled every digit to fit this box, leaving a 4 px margin
# Where MNIST put the centre of mass, (row, col) with pixel centres at 0..27:
# measured on the official test digits it is (14.0, 14.0) ± 0.3, half a pixel
# below and right of the geometric centre 13.5 (MNIST counted from pixel
# corners). Matching it is worth half a percent of accuracy to the seed model
# on drawn digits. A whole-pixel shift lands within half a pixel of it.
CENTER_TARGET = SIDE / 2
# The most `straighten` shears: one column per row, 45°. Slants measured on
# handwriting fonts and MNIST stay well inside it; beyond it a "slant" is
# more likely the digit's own shape (a 1 drawn as a long diagonal, a 7).
MAX_SHEAR = 1.0


def scaled_size(size: tuple[int, ...], longest: int) -> tuple[int, ...]:
    """`size` scaled so that its longest side is `longest`, aspect ratio kept.

    Works on (rows, cols) as well as PIL's (width, height); no side goes below 1.
    """
    scale = longest / max(size)
    return tuple(max(1, round(side * scale)) for side in size)


def resize(
    img: np.ndarray,
    size: tuple[int, int],
    resample: Image.Resampling = Image.Resampling.BILINEAR,
) -> np.ndarray:
    """Resize a float image to (rows, cols). PIL widens its filters when shrinking: anti-aliased."""
    picture = Image.fromarray(np.ascontiguousarray(img, dtype=np.float32))  # mode "F"
    resized = picture.resize((size[1], size[0]), resample)
    return np.clip(np.asarray(resized, dtype=np.float32), 0, 1)


def ink_bbox(img: np.ndarray, threshold: float = 0.0) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the pixels above `threshold`, bottom/right exclusive."""
    ink = np.asarray(img) > threshold
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(ink.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def center_of_mass(img: np.ndarray) -> tuple[float, float]:
    """(row, col) of the intensity-weighted mean position of a 2-D image."""
    # float64: SciPy sums in the input's type, and float32 sums would drift.
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D image, got shape {img.shape}")
    if img.sum() <= 0:
        raise ValueError("the image has no ink, so no centre of mass")
    row, col = ndimage.center_of_mass(img)
    return float(row), float(col)


def fit_into_box(crop: np.ndarray, box: int = DIGIT_BOX) -> np.ndarray:
    """Scale so the longer side is `box` pixels, keeping the aspect ratio.

    Returns the scaled digit itself, (h, w) with max(h, w) == box, not padded.
    """
    return resize(crop, scaled_size(crop.shape, box))


def paste_centered(digit: np.ndarray, *, by_mass: bool = True) -> np.ndarray:
    """Place a digit of at most 28×28 into a 28×28 black field.

    By mass: a whole-pixel shift puts its centre of mass within half a pixel of
    CENTER_TARGET, unless that would push ink out of the field. Otherwise the
    digit's box is centred.
    """
    height, width = digit.shape
    if by_mass:
        mass_row, mass_col = center_of_mass(digit)
        top = min(max(floor(CENTER_TARGET - mass_row + 0.5), 0), SIDE - height)
        left = min(max(floor(CENTER_TARGET - mass_col + 0.5), 0), SIDE - width)
    else:
        top, left = (SIDE - height) // 2, (SIDE - width) // 2
    field = np.zeros((SIDE, SIDE), dtype=np.float32)
    field[top : top + height, left : left + width] = digit
    return field


def straighten(img: np.ndarray) -> tuple[np.ndarray, float]:
    """The digit sheared upright, and the shear taken out (columns per row).

    The slant is the one a line fitted through the ink would have: the ink's
    second moments give how far its column moves per row down (mu11 / mu02),
    clipped to ±MAX_SHEAR. Each row is then shifted sideways by that much
    times its distance from the centre of mass, so the centre of mass stays
    where it was and the ink leans neither way. A positive shear is ink whose
    bottom lies right of its top (leaning left, "\\"); handwriting's usual
    rightward lean is negative. A picture with no ink comes back unchanged.
    """
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D image, got shape {img.shape}")
    total = img.sum()
    if total <= 0:
        return img.astype(np.float32), 0.0
    rows, cols = np.indices(img.shape)
    mass_row, mass_col = center_of_mass(img)
    mu02 = ((rows - mass_row) ** 2 * img).sum() / total
    mu11 = ((rows - mass_row) * (cols - mass_col) * img).sum() / total
    shear = float(np.clip(mu11 / mu02, -MAX_SHEAR, MAX_SHEAR)) if mu02 > 0 else 0.0
    # Output (r, c) is read from input (r, c + shear * (r - mass_row)).
    matrix = np.array([[1.0, 0.0], [shear, 1.0]])
    offset = np.array([0.0, -shear * mass_row])
    upright = ndimage.affine_transform(img, matrix, offset=offset, order=1, mode="constant")
    return np.clip(upright, 0, 1).astype(np.float32), shear
