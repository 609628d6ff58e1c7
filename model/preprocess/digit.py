"""The digit input: `prepare_digit` runs the steps, `doubts` says when the result is un-MNIST-like.

`guess_ink` tells dark ink on light paper (photos, scans) from light ink on
dark (the canvas, MNIST files), for callers that do not know which they have.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil, pi
from typing import Literal

import numpy as np
from scipy import ndimage

from model.digits.mnist import SIDE
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
    EIGHT_CONNECTED,
    FAINT_INK,
    MIN_CONTRAST,
    count_blobs,
    dilate,
    ink_is_dark,
    photo_ink,
    remove_specks,
    white_on_black,
)
from model.preprocess.strokes import THICK_STROKE, THIN_STROKE, match_stroke_width

SPECK_FRACTION = 0.02  # ink blobs smaller than this share of the longer side are specks
# A mark hardly bigger than the round dot that fits inside it is a dot, not a
# stroke. Measured as the mark's area over that largest inside disc's: a pen
# dot on the canvas is 0.70 to 0.95 (pens 6 to 40 px), and 1.04 to 1.13 if
# the pen slid 3 px while clicking. Digits have more ink: 1.29 or more on all
# 10,000 official MNIST test digits (1% under 2.2), 1.22 or more on the first
# 1,000 redrawn 80 px tall with a 36 px pen, whose loops have closed up, and
# 1.6 or more at 80 px with the default pen. Only redrawn at 60 px with a
# 40 px pen (blobs the default model reads half the time) do 1 in 100 fall
# below. A picture whose every mark is a dot is treated as empty: the model
# reads a lone dot as "0, 97% sure" otherwise.
DOT_LIMIT = 1.15
FEW_MARKS = 64  # up to this many marks, each mark's widest point is found mark by mark

Ink = Literal["dark-on-light", "light-on-dark"]
INK_WORDS: dict[str, str] = {
    "dark-on-light": "dark ink on light paper",
    "light-on-dark": "light ink on a dark background",
}
# Why a picture holds no digit (`PreparedDigit.empty_reason`), in words that fit any source.
NO_INK, ONLY_SPECKS, ONLY_DOTS = "no ink", "specks", "dots"
EMPTY_MESSAGES = {
    NO_INK: "No ink found: nothing stands out from the background",
    ONLY_SPECKS: "Too little ink for a digit: only specks, too small to be strokes",
    ONLY_DOTS: "Too little ink for a digit: only dots, no strokes",
}
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
    message: str | None  # why there is no digit, as a sentence; None when there is one
    empty_reason: str | None = None  # NO_INK, ONLY_SPECKS or ONLY_DOTS; None when there is a digit

    @property
    def ink(self) -> Ink:
        """Which ink the steps took the picture to have."""
        return "dark-on-light" if self.inverted else "light-on-dark"


def guess_ink(image: np.ndarray) -> Ink:
    """Dark ink on light paper, or light ink on dark, judged from the picture itself."""
    return "dark-on-light" if ink_is_dark(working_grayscale(image)) else "light-on-dark"


def prepare_for_ink(
    image: np.ndarray, ink: Ink | None = None, *, mnist_style: bool = True
) -> PreparedDigit:
    """`prepare_digit` for a picture of either kind; `ink` None means guess it.

    Dark ink on light paper is how photos and scans come, so it gets the photo
    steps, which take out uneven light; light ink on dark (the canvas, MNIST
    files) gets the plain steps. Either way the ink side is the one given.
    """
    ink = ink or guess_ink(image)
    dark = ink == "dark-on-light"
    return prepare_digit(image, mnist_style=mnist_style, photo=dark, dark_ink=dark)


def prepare_digit(
    image: np.ndarray,
    *,
    mnist_style: bool = True,
    photo: bool = False,
    dark_ink: bool | None = None,
) -> PreparedDigit:
    """Make the 28×28 model input for a drawing or photo of one digit.

    `image` is a uint8 array: (H, W), (H, W, 2) gray + alpha, (H, W, 3) or
    (H, W, 4); anything else raises ValueError. With `mnist_style=False` the
    whole image is resized to 28×28 without cropping or centring, for
    comparison. With `photo=True` the ink is separated from unevenly lit paper
    first. `dark_ink` says whether the ink is darker than its background;
    None judges it from the picture. A picture with no digit in it (blank,
    specks, dots) gives `blank=True`, `input=None` and the reason.
    """
    gray = working_grayscale(image)  # (H, W)
    steps = [Step("grayscale", "Gray levels only, colour dropped", gray)]

    if photo:
        background, ink, cut, inverted = photo_ink(gray, dark_ink)
        steps.append(
            Step("background", "The paper alone, shadows included (estimated)", background)
        )
        contrast = "darker" if inverted else "lighter"
        steps.append(Step("ink", f"Ink: how much {contrast} than the paper, as white", ink))
    else:
        ink, inverted = white_on_black(gray, dark_ink)
        title = "Dark ink turned white, paper black" if inverted else "White ink on black, as MNIST"
        steps.append(Step("ink", title, ink))
        peak = float(ink.max())
        if peak < MIN_CONTRAST:
            return _empty(steps, inverted, NO_INK)
        cut = FAINT_INK * peak

    min_extent = max(2, ceil(SPECK_FRACTION * max(gray.shape)))
    kept = remove_specks(ink > cut, min_extent)
    if photo:
        mask_image = kept.astype(np.float32)
        steps.append(Step("ink_mask", "What counts as ink, specks dropped", mask_image))
    if not kept.any():
        return _empty(steps, inverted, ONLY_SPECKS if (ink > cut).any() else NO_INK)
    bbox = ink_bbox(kept, 0)
    if only_dots(kept, bbox):
        return _empty(steps, inverted, ONLY_DOTS)

    # Keep the grey levels of the strokes and their one-pixel fringe (soft,
    # anti-aliased edges) but nothing else: faint noise and specks go.
    clean = np.where(dilate(kept), ink, np.float32(0))
    if photo:
        # Photo ink is noisy: stretch so a typical stroke pixel, not the noisiest one, is white.
        clean = np.clip(clean / np.float32(np.percentile(ink[kept], 90)), 0, 1)

    if mnist_style:
        top, left, bottom, right = bbox
        crop = clean[top:bottom, left:right]
        title = f"Cut down to the ink: {crop.shape[0]}×{crop.shape[1]} pixels"
        steps.append(Step("bbox", title, crop))
        crop, before, after = match_stroke_width(crop, kept[top:bottom, left:right])
        # Widths as they will be once the digit is 20 pixels tall, MNIST's size.
        mnist = f"MNIST's are {THIN_STROKE}–{THICK_STROKE}"
        if after == before:
            title = f"Lines {before:.1f} px thick at MNIST's size; {mnist}: kept"
        else:
            change = "thinner" if after < before else "thicker"
            title = f"Lines made {change}, {before:.1f} → {after:.1f} px at MNIST's size ({mnist})"
        steps.append(Step("stroke", title, crop))
        fitted = fit_into_box(crop, DIGIT_BOX)
        steps.append(
            Step("fit20", f"Shrunk to fit {DIGIT_BOX}×{DIGIT_BOX} pixels, shape kept", fitted)
        )
        pasted = paste_centered(fitted, by_mass=False)
        steps.append(Step("pasted", f"Put in the middle of {SIDE}×{SIDE} pixels", pasted))
        centered = paste_centered(fitted, by_mass=True)
        title = "Moved so the ink's centre of mass is the middle"
        steps.append(Step("centered", title, centered))
        final = eight_bit(centered / centered.max())
        steps.append(Step("normalized", "Brightest pixel made white: the model's input", final))
    else:
        final = eight_bit(resize(clean, (SIDE, SIDE)))
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


def eight_bit(image: np.ndarray) -> np.ndarray:
    """Values in [0, 1] rounded to the 256 levels of a byte, k / 255, as MNIST's pixels are.

    So the 784 numbers a page shows, 0 to 255, are exactly what the model reads, ÷ 255.
    """
    return (np.round(image * 255) / 255).astype(np.float32)


def _empty(steps: list[Step], inverted: bool, reason: str) -> PreparedDigit:
    message = EMPTY_MESSAGES[reason]
    return PreparedDigit(None, tuple(steps), True, inverted, None, None, message, reason)


def only_dots(mask: np.ndarray, bbox: tuple[int, int, int, int]) -> bool:
    """Whether every mark in a binary mask is a dot: under DOT_LIMIT times the largest disc in it."""
    top, left, bottom, right = bbox
    marks = np.pad(mask[top:bottom, left:right], 1)  # the edge of the crop is paper too
    labels, count = ndimage.label(marks, structure=EIGHT_CONNECTED)
    areas = ndimage.sum_labels(marks, labels, np.arange(1, count + 1))
    # The distance from a mark's innermost pixel to the paper is the radius of the
    # largest disc inside it (plus half a pixel: distances run between pixel centres).
    radii = _largest_per_mark(ndimage.distance_transform_edt(marks), labels, count) + 0.5
    return bool(np.all(areas < DOT_LIMIT * pi * np.square(radii)))


def _largest_per_mark(values: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """The largest of `values` in each of the `count` labelled marks, as ndimage.maximum.

    ndimage.maximum sorts every pixel of the crop by its label: 4 of the 10 ms a
    drawing took to prepare. A drawing has a few marks; each one's maximum is taken
    inside its own bounding box instead. A picture of many specks keeps the sort.
    """
    if count > FEW_MARKS:
        return ndimage.maximum(values, labels, np.arange(1, count + 1))
    return np.array(
        [
            values[box][labels[box] == mark].max()
            for mark, box in enumerate(ndimage.find_objects(labels, count), start=1)
        ]
    )


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
