"""The digit input: `prepare_digit` runs the steps, `doubts` says when the result is un-MNIST-like."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

import numpy as np

from model.mnist import SIDE
from model.preprocess.geometry import (
    DIGIT_BOX,
    center_of_mass,
    fit_into_box,
    ink_bbox,
    paste_centered,
    resize,
)
from model.preprocess.grayscale import working_grayscale
from model.preprocess.ink import (
    FAINT_INK,
    MIN_CONTRAST,
    count_blobs,
    dilate,
    photo_ink,
    remove_specks,
    white_on_black,
)
from model.preprocess.strokes import match_stroke_width

SPECK_FRACTION = 0.02  # ink blobs smaller than this share of the longer side are specks
BLANK_MESSAGE = "Nothing drawn"
# What an MNIST digit looks like, measured on the 10,000 official test digits:
# at most 33% of the 28×28 pixels above 0.5, never under half as tall as wide
# (ink above 0.3), and at most 3 separate pieces of ink at least 4 pixels
# across. Inputs beyond these bounds, with some slack, are unlike anything the
# model was trained on.
MAX_INK_COVERAGE = 0.4
MIN_HEIGHT_TO_WIDTH = 0.45
MAX_BLOBS = 3
MIN_BLOB_EXTENT = 4


@dataclass(frozen=True)
class Step:
    """One intermediate image.

    `image` is 2-D float32 in [0, 1]. It shows white ink on black, except the
    "grayscale" and "background" steps, which show the picture's own tones.
    """

    name: str
    title: str
    image: np.ndarray


@dataclass(frozen=True)
class PreparedDigit:
    """The model input and how it was made.

    `bbox` is (top, left, bottom, right), bottom and right exclusive, in the
    coordinates of the working grayscale image: the first step's image, which is
    the input shrunk so that its longer side is at most MAX_WORKING_SIDE.
    `center_of_mass` is (row, col) in the final 28×28 input.
    """

    input: np.ndarray | None  # (28, 28) float32 in [0, 1], white on black; None when blank
    steps: tuple[Step, ...]
    blank: bool
    inverted: bool  # dark ink on light paper was found and turned into white on black
    bbox: tuple[int, int, int, int] | None
    center_of_mass: tuple[float, float] | None
    message: str | None


def prepare_digit(
    image: np.ndarray, *, mnist_style: bool = True, photo: bool = False
) -> PreparedDigit:
    """Make the 28×28 model input for a drawing or photo of one digit.

    `image` is a uint8 array: (H, W), (H, W, 2) gray + alpha, (H, W, 3) or
    (H, W, 4); anything else raises ValueError. With `mnist_style=False` the
    whole image is resized to 28×28 without cropping or centring, for
    comparison. With `photo=True` the ink is separated from unevenly lit paper
    first. Blank input gives `blank=True` and `input=None`.
    """
    gray = working_grayscale(image)  # (H, W)
    steps = [Step("grayscale", "Grayscale", gray)]

    if photo:
        background, ink, cut, inverted = photo_ink(gray)
        steps.append(Step("background", "Estimated paper, lighting included", background))
        contrast = "darker" if inverted else "lighter"
        steps.append(Step("ink", f"Ink: how much {contrast} than the paper", ink))
    else:
        ink, inverted = white_on_black(gray)
        title = "Inverted to white ink on black" if inverted else "White ink on black"
        steps.append(Step("ink", title, ink))
        peak = float(ink.max())
        if peak < MIN_CONTRAST:
            return _blank(steps, inverted)
        cut = FAINT_INK * peak

    min_extent = max(2, ceil(SPECK_FRACTION * max(gray.shape)))
    kept = remove_specks(ink > cut, min_extent)
    if photo:
        mask_image = kept.astype(np.float32)
        steps.append(Step("ink_mask", "Ink mask: thresholded, specks removed", mask_image))
    if not kept.any():
        return _blank(steps, inverted)

    # Keep the grey levels of the strokes and their one-pixel fringe (soft,
    # anti-aliased edges) but nothing else: faint noise and specks go.
    clean = np.where(dilate(kept), ink, np.float32(0))
    if photo:
        # Photo ink is noisy: stretch so a typical stroke pixel, not the noisiest one, is white.
        clean = np.clip(clean / np.float32(np.percentile(ink[kept], 90)), 0, 1)
    bbox = ink_bbox(kept, 0)

    if mnist_style:
        top, left, bottom, right = bbox
        crop = clean[top:bottom, left:right]
        steps.append(Step("bbox", f"Cropped to the ink ({crop.shape[0]}×{crop.shape[1]})", crop))
        crop, before, after = match_stroke_width(crop, kept[top:bottom, left:right])
        if after == before:
            title = f"Stroke width kept: {before:.1f} of {DIGIT_BOX} px, as in MNIST"
        else:
            title = f"Stroke width {before:.1f} → {after:.1f} of {DIGIT_BOX} px, nearer MNIST"
        steps.append(Step("stroke", title, crop))
        fitted = fit_into_box(crop, DIGIT_BOX)
        steps.append(
            Step("fit20", f"Fitted into {DIGIT_BOX}×{DIGIT_BOX} (aspect ratio kept)", fitted)
        )
        pasted = paste_centered(fitted, by_mass=False)
        steps.append(Step("pasted", f"Pasted into {SIDE}×{SIDE}, box centred", pasted))
        centered = paste_centered(fitted, by_mass=True)
        steps.append(Step("centered", "Shifted so the centre of mass is central", centered))
        final = centered / centered.max()
        steps.append(Step("normalized", "Rescaled so the brightest pixel is 1", final))
    else:
        final = resize(clean, (SIDE, SIDE))
        steps.append(Step("resized", f"Whole image resized to {SIDE}×{SIDE}", final))

    return PreparedDigit(
        input=final,
        steps=tuple(steps),
        blank=False,
        inverted=inverted,
        bbox=bbox,
        center_of_mass=center_of_mass(final),
        message=None,
    )


def _blank(steps: list[Step], inverted: bool) -> PreparedDigit:
    return PreparedDigit(None, tuple(steps), True, inverted, None, None, BLANK_MESSAGE)


def doubts(digit: np.ndarray) -> tuple[str, ...]:
    """Why a 28×28 input in [0, 1] looks unlike an MNIST digit, in words; () if it doesn't."""
    digit = np.asarray(digit, dtype=np.float32)
    reasons = []
    coverage = float((digit > 0.5).mean())
    if coverage > MAX_INK_COVERAGE:
        reasons.append(
            f"ink covers {coverage:.0%} of the image; an MNIST digit covers at most a third"
        )
    box = ink_bbox(digit, 0.3)
    if box is not None:
        top, left, bottom, right = box
        if (bottom - top) < MIN_HEIGHT_TO_WIDTH * (right - left):
            reasons.append("it is much wider than tall; MNIST digits never are")
    blobs = count_blobs(remove_specks(digit > 0.3, MIN_BLOB_EXTENT))
    if blobs > MAX_BLOBS:
        reasons.append(f"it is {blobs} separate marks; a digit is one to three strokes")
    return tuple(reasons)
