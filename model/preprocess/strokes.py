"""Stroke width: measure it, and thin or thicken a digit's strokes into MNIST's range.

MNIST's strokes, measured on the official test digits as 2 · area / outline
once a digit fits the 20-pixel box: median 2.3 pixels, 90% between 1.5 and
3.8. A pen much thinner or thicker than that, for the digit's size, is brought
back inside: a tiny digit drawn with a fat pen is a blob otherwise.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from model.preprocess.geometry import DIGIT_BOX, ink_bbox, resize, scaled_size
from model.preprocess.ink import FAINT_INK

THIN_STROKE, THICK_STROKE = 1.6, 3.4  # widths (of 20) outside these are changed...
THIN_TARGET, THICK_TARGET = 2.0, 2.8  # ...to these
# Thinning never takes more than this share of the average stroke from each
# side, so that the thinner parts of an uneven stroke (a photo's) survive.
MAX_THINNING = 0.35
PART_LOST = 0.01  # ...and stops before it erases more than this share of the ink for good
STROKE_WORK_SIDE = 100  # strokes are changed at 5 pixels per pixel of the 20-pixel box
PLUS_SIGN = ndimage.generate_binary_structure(2, 1)  # the four direct neighbours


def stroke_width(mask: np.ndarray) -> float:
    """Average width of the strokes in a binary mask, in its pixels: 2 · area / outline.

    A stroke of length L and width w has area L·w and an outline of about 2·L.
    The outline is counted as pixel edges between ink and paper, times π/4:
    edges along x and y overcount a line's length by 4/π on average over angles.
    """
    mask = np.pad(np.asarray(mask, dtype=bool), 1)
    edges = np.count_nonzero(mask[:, 1:] != mask[:, :-1]) + np.count_nonzero(mask[1:] != mask[:-1])
    return 2 * float(mask.sum()) / (edges * np.pi / 4) if edges else 0.0


def match_stroke_width(crop: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Thicken or thin a cropped digit's strokes into MNIST's range.

    `crop` is the ink (float, cropped to it) and `mask` its pixels that count as
    ink. One pixel at a time, the strokes grow (or shrink) on every side until
    their width, relative to the digit's size, reaches the target. Returns the
    new crop (cropped to its ink) and the stroke width before and after, in
    pixels of the 20-pixel box; the same crop and equal widths when the strokes
    are MNIST-like already, or cannot be thinned without losing a part.
    """
    before = stroke_width(mask) * DIGIT_BOX / max(crop.shape)
    if THIN_STROKE <= before <= THICK_STROKE:
        return crop, before, before
    # The box will have 20 pixels; 5 working pixels to each of them are plenty,
    # and keep the pixel-by-pixel growing and shrinking quick on a big photo.
    if max(crop.shape) > STROKE_WORK_SIDE:
        crop = resize(crop, scaled_size(crop.shape, STROKE_WORK_SIDE))
    if before < THIN_STROKE:
        changed, after = _thicken(crop, before)
    else:
        changed, after = _thin(crop, before)
    return changed, before, after


def _measured(image: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The image cropped to its ink and its stroke width (of 20), measured the way
    prepare_digit's ink mask was made: ink above a fifth of the brightest."""
    cut = FAINT_INK * float(image.max())
    box = ink_bbox(image, cut)
    if box is None:
        return None
    top, left, bottom, right = box
    cropped = np.ascontiguousarray(image[top:bottom, left:right])
    return cropped, stroke_width(cropped > cut) * DIGIT_BOX / max(cropped.shape)


def _thicken(crop: np.ndarray, before: float) -> tuple[np.ndarray, float]:
    current, after = crop, before
    # Each step adds 2 pixels to the width and to the box: the ratio climbs
    # towards 1, so the target is always reached, long before this bound.
    for _ in range(STROKE_WORK_SIDE):
        if after >= THIN_TARGET:
            break
        current, after = _measured(grow(np.pad(current, 1), 1))
    return current, after


def _thin(crop: np.ndarray, before: float) -> tuple[np.ndarray, float]:
    """Erode while every part of the digit stays at least THIN_TARGET wide.

    Eroding by k pixels, then k + `keep` more, erases exactly the parts that
    would end up thinner than 2·keep; growing the rest back shows whether any
    ink vanished (the 2 extra pixels forgive crumbs off corners and wobbly
    edges). So a fine tail on a fat loop stops the thinning, where a plain
    erosion would rub the tail out.
    """
    cut = FAINT_INK * float(crop.max())
    mask = crop > cut
    ink = np.count_nonzero(mask)
    keep = max(1, round(THIN_TARGET * max(crop.shape) / DIGIT_BOX / 2))
    best, after = crop, before
    eroded = crop
    for steps in range(1, int(MAX_THINNING * stroke_width(mask)) + 1):
        eroded = -grow(-eroded, 1)  # erosion: the dilation of the negative
        probe = -grow(-eroded, keep)
        opened = grow(probe, steps + keep + 2) > cut
        if np.count_nonzero(mask & ~opened) > PART_LOST * ink:
            break
        measured = _measured(eroded)
        if measured is None:
            break
        best, after = measured
        if after <= THICK_TARGET:
            break
    return best, after


def grow(img: np.ndarray, radius: int) -> np.ndarray:
    """Grey dilation by a disc of about `radius`: 3×3 squares and plus signs in turn (an octagon).

    One window at a time, not one octagon: past the border each step repeats
    the edge pixels anew, which a single large window would not.
    """
    for step in range(radius):
        if step % 2 == 0:  # size=3 rather than a footprint: SciPy then filters rows and columns
            img = ndimage.maximum_filter(img, size=3, mode="nearest")
        else:
            img = ndimage.maximum_filter(img, footprint=PLUS_SIGN, mode="nearest")
    return img
