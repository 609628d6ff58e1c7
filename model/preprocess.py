"""Turn a canvas drawing or a photo into the 28×28 input of an MNIST CNN.

MNIST digits were made in a fixed way: white ink on black, cropped to the ink,
scaled to fit a 20×20 box with the aspect ratio kept (anti-aliased), then pasted
into a 28×28 field so that the centre of mass of the ink sits at the centre.
A model trained on MNIST only works well on inputs made the same way, so
`prepare_digit` repeats those steps and returns every intermediate image, for
pages that want to show them.

Coordinates are (row, col) with pixel centres at integer positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil, floor

import numpy as np
from PIL import Image

MNIST_SIZE = 28  # side of the model's input
DIGIT_BOX = 20  # MNIST scaled every digit to fit this box, leaving a 4 px margin
# Where MNIST put the centre of mass, (row, col) with pixel centres at 0..27:
# measured on the official test digits it is (14.0, 14.0) ± 0.3, half a pixel
# below and right of the geometric centre 13.5 (MNIST counted from pixel
# corners). Matching it is worth half a percent of accuracy to the seed model
# on drawn digits. A whole-pixel shift lands within half a pixel of it.
CENTER_TARGET = MNIST_SIZE / 2
MAX_WORKING_SIDE = 512  # bigger images are shrunk first: 20×20 needs far less detail
MIN_CONTRAST = 0.1  # ink fainter than this (on a 0..1 scale) counts as nothing drawn
FAINT_INK = 0.2  # pixels below this fraction of the brightest ink don't count for the box
SPECK_FRACTION = 0.02  # ink blobs smaller than this share of the longer side are specks
BACKGROUND_SIDE = 128  # the paper is estimated on a copy this small: lighting is smooth
# The closing window, as a share of that copy: wider than any stroke, and than a
# filled-in loop, which a narrower window takes for paper (at 0.15, photos of the
# robustness benchmark lost 1.6 points of accuracy that way).
BACKGROUND_WINDOW = 0.3
NOISE_SIGMAS = 5.0  # photo ink must stand this many noise deviations above the paper
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
# MNIST's strokes, measured on the official test digits as 2 · area / outline
# once a digit fits the 20-pixel box: median 2.3 pixels, 90% between 1.5 and
# 3.8. A pen much thinner or thicker than that, for the digit's size, is
# brought back inside: a tiny digit drawn with a fat pen is a blob otherwise.
THIN_STROKE, THICK_STROKE = 1.6, 3.4  # widths (of 20) outside these are changed...
THIN_TARGET, THICK_TARGET = 2.0, 2.8  # ...to these
# Thinning never takes more than this share of the average stroke from each
# side, so that the thinner parts of an uneven stroke (a photo's) survive.
MAX_THINNING = 0.35
PART_LOST = 0.01  # ...and stops before it erases more than this share of the ink for good
STROKE_WORK_SIDE = 100  # strokes are changed at 5 pixels per pixel of the 20-pixel box


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
    image: np.ndarray | Image.Image, *, mnist_style: bool = True, photo: bool = False
) -> PreparedDigit:
    """Make the 28×28 model input for a drawing or photo of one digit.

    `image` is an (H, W), (H, W, 2), (H, W, 3) or (H, W, 4) array (uint8, or float in
    [0, 1]) or a PIL image of any mode. With `mnist_style=False` the whole image
    is resized to 28×28 without cropping or centring, for comparison. With
    `photo=True` the ink is separated from unevenly lit paper first.
    Blank input gives `blank=True` and `input=None`; it never raises.
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
    clean = np.where(_dilate(kept), ink, np.float32(0))
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
            title = f"Stroke width kept: {before:.1f} of 20 px, as in MNIST"
        else:
            title = f"Stroke width {before:.1f} → {after:.1f} of 20 px, nearer MNIST"
        steps.append(Step("stroke", title, crop))
        fitted = fit_into_box(crop, DIGIT_BOX)
        steps.append(Step("fit20", "Fitted into 20×20 (aspect ratio kept)", fitted))
        pasted = paste_centered(fitted, by_mass=False)
        steps.append(Step("pasted", "Pasted into 28×28, box centred", pasted))
        centered = paste_centered(fitted, by_mass=True)
        steps.append(Step("centered", "Shifted so the centre of mass is central", centered))
        final = centered / centered.max()
        steps.append(Step("normalized", "Rescaled so the brightest pixel is 1", final))
    else:
        final = _resize(clean, (MNIST_SIZE, MNIST_SIZE))
        steps.append(Step("resized", "Whole image resized to 28×28", final))

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


# --- Reading the input -------------------------------------------------------


def working_grayscale(image: np.ndarray | Image.Image) -> np.ndarray:
    """The image as (H, W) float32 in [0, 1], longer side at most MAX_WORKING_SIDE."""
    if isinstance(image, np.ndarray):
        pixels = _checked_array(image)
        if max(pixels.shape[:2]) <= MAX_WORKING_SIDE:
            return _gray(pixels)  # a canvas never needs the trip through PIL
        picture = Image.fromarray(pixels)
    elif isinstance(image, Image.Image):
        picture = _standard_mode(image)
    else:
        raise ValueError(f"expected a numpy array or PIL image, got {type(image).__name__}")
    if max(picture.size) > MAX_WORKING_SIDE:
        scale = MAX_WORKING_SIDE / max(picture.size)
        size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
        if picture.mode == "RGB":
            picture = picture.convert("L")  # one band is cheaper to shrink than three
        # BOX averages each output pixel's area; reducing_gap shrinks by whole
        # factors first, which keeps a 4000×3000 photo fast.
        picture = picture.resize(size, Image.Resampling.BOX, reducing_gap=2.0)
    return _gray(np.asarray(picture))


def _gray(pixels: np.ndarray) -> np.ndarray:
    """(H, W), (H, W, 3) or (H, W, 4) uint8 to (H, W) float32 luma in [0, 1]."""
    if pixels.ndim == 2:
        return pixels.astype(np.float32) / 255
    if pixels.shape[2] == 4:
        return _composite(pixels)
    return _luma(pixels)


def _luma(pixels: np.ndarray) -> np.ndarray:
    # ITU-R 601 weights, as PIL's own convert("L") uses.
    return pixels[..., :3] @ (np.float32([0.299, 0.587, 0.114]) / 255)


def _standard_mode(image: Image.Image) -> Image.Image:
    """The same picture in mode L, RGB or RGBA."""
    if image.width == 0 or image.height == 0:
        raise ValueError("image is empty")
    mode = image.mode
    if mode in ("L", "RGB", "RGBA"):
        return image
    if image.has_transparency_data:  # LA, PA, RGBa, or a palette with a clear colour
        return image.convert("RGBA")
    if mode == "F" or mode.startswith("I"):
        return Image.fromarray(_to_uint8(_high_depth_to_unit(np.asarray(image))))
    try:
        return image.convert("RGB")
    except ValueError as error:
        raise ValueError(f"cannot read a PIL image in mode {mode!r}") from error


def _checked_array(image: np.ndarray) -> np.ndarray:
    """A valid image array as contiguous uint8: (H, W), (H, W, 3) or (H, W, 4).

    Gray + alpha, (H, W, 2), becomes (H, W, 4) with the gray in all three colours.
    """
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (2, 3, 4)):
        raise ValueError(
            f"expected an (H, W), (H, W, 2), (H, W, 3) or (H, W, 4) image, got shape {image.shape}"
        )
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"image is empty: shape {image.shape}")
    if image.ndim == 3 and image.shape[2] == 2:
        image = image[..., [0, 0, 0, 1]]
    return np.ascontiguousarray(_to_uint8(image))


def _to_uint8(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
            raise ValueError("float images must hold values in [0, 1]")
        return np.round(array * 255).astype(np.uint8)
    if np.issubdtype(array.dtype, np.integer):
        if array.min() < 0 or array.max() > 255:
            raise ValueError("integer images must hold values in 0..255 (or use uint8)")
        return array.astype(np.uint8)
    raise ValueError(f"unsupported image dtype {array.dtype}")


def _high_depth_to_unit(array: np.ndarray) -> np.ndarray:
    # PIL's 16-bit, 32-bit integer and float modes: guess the full-scale value.
    values = array.astype(np.float64)
    if np.issubdtype(array.dtype, np.floating):
        full_scale = 1.0 if values.max() <= 1 else 255.0
    else:
        full_scale = 255.0 if values.max() <= 255 else 65535.0
    return np.clip(values / full_scale, 0, 1)


def _composite(rgba: np.ndarray) -> np.ndarray:
    """Flatten (H, W, 4) uint8 onto a backdrop so that the ink survives."""
    luma = _luma(rgba)
    alpha = rgba[..., 3].astype(np.float32) / 255
    if alpha.min() == 1:
        return luma
    visible = alpha > 0.5
    if visible.mean() < 0.5:
        # Sparse content on transparency, like canvas strokes: the content is the
        # ink, so it goes on the backdrop that contrasts with it.
        weight = alpha.sum()
        ink_level = (alpha * luma).sum() / weight if weight > 0 else 0.0
        backdrop = 0.0 if ink_level > 0.5 else 1.0
    else:
        # Mostly opaque content, like a scan with a transparent margin: the
        # transparent part continues the content's own background.
        backdrop = 1.0 if np.median(luma[visible]) > 0.5 else 0.0
    return alpha * luma + (1 - alpha) * np.float32(backdrop)


# --- Finding the ink ---------------------------------------------------------


def white_on_black(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Ink as white on black, and whether the input was dark ink on light paper.

    The border tells the background level; the ink is whatever departs from it,
    and the side (lighter or darker) with more departure is the ink's.
    """
    band = max(1, min(gray.shape) // 50)
    border = np.concatenate(
        [gray[:band].ravel(), gray[-band:].ravel(), gray[:, :band].ravel(), gray[:, -band:].ravel()]
    )
    level = np.float32(np.median(border))
    lighter = np.clip(gray - level, 0, 1)
    darker = np.clip(level - gray, 0, 1)
    if darker.sum() > lighter.sum():
        return darker, True
    return lighter, False


def photo_ink(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, bool]:
    """Separate ink from unevenly lit paper.

    Returns (background, ink, cut, inverted): the estimated paper (H, W), the ink
    (H, W) as relative contrast against the paper, the threshold above which a
    pixel is ink, and whether the ink is darker than the paper.
    """
    height, width = gray.shape
    shrink = max(1.0, max(height, width) / BACKGROUND_SIDE)
    small_size = (max(1, round(width / shrink)), max(1, round(height / shrink)))
    small = _resize(gray, small_size[::-1], Image.Resampling.BOX)
    window = 2 * round(BACKGROUND_WINDOW * max(small_size) / 2) + 1  # odd, wider than a stroke
    # Ink is a minority of strong outliers on one side of the local mean: dark
    # ink skews the residual negative, chalk on a board skews it positive.
    residual = small - _mean_filter(small, window)
    inverted = bool((residual**3).sum() <= 0)
    # A grey closing (max then min filter) erases dark strokes and keeps the
    # lighting; an opening does the same for light strokes.
    if inverted:
        estimate = _min_filter(_max_filter(small, window), window)
    else:
        estimate = _max_filter(_min_filter(small, window), window)
    background = _resize(estimate, (height, width))

    # Dividing by the paper's brightness makes the ink equally strong in the
    # shadow and in the light.
    if inverted:
        signed = 1 - gray / np.maximum(background, 1 / 255)
    else:
        signed = (gray - background) / np.maximum(1 - background, 1 / 255)
    sample = signed[::4, ::4]  # statistics of the paper's grain; every 16th pixel is enough
    median = float(np.median(sample))
    spread = 1.4826 * float(np.median(np.abs(sample - median)))  # robust sigma
    ink = np.clip(signed, 0, 1).astype(np.float32)
    cut = max(otsu_threshold(ink), median + NOISE_SIGMAS * spread, MIN_CONTRAST)
    return background, ink, cut, inverted


def otsu_threshold(values: np.ndarray) -> float:
    """Otsu's threshold for values in [0, 1]: the cut that best splits them in two."""
    levels = np.clip(np.round(np.ravel(values) * 255), 0, 255).astype(np.int64)
    counts = np.bincount(levels, minlength=256).astype(np.float64)
    grey = np.arange(256, dtype=np.float64)
    below = np.cumsum(counts)  # pixels at or below each level
    above = below[-1] - below
    mass_below = np.cumsum(counts * grey)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_below = mass_below / below
        mean_above = (mass_below[-1] - mass_below) / above
        between = below * above * (mean_below - mean_above) ** 2
    between = np.nan_to_num(between)
    return (int(np.argmax(between)) + 0.5) / 255


def remove_specks(mask: np.ndarray, min_extent: int) -> np.ndarray:
    """Drop 8-connected blobs whose bounding box is under `min_extent` on both sides."""
    mask = np.asarray(mask, dtype=bool)
    box = ink_bbox(mask)  # the search only needs the part of the image with ink
    if box is None:
        return mask
    top, left, bottom, right = box
    kept = np.zeros_like(mask)
    kept[top:bottom, left:right] = _drop_small_components(mask[top:bottom, left:right], min_extent)
    return kept


def _drop_small_components(mask: np.ndarray, min_extent: int) -> np.ndarray:
    run_rows, run_first, run_last, run_of, parent = _ink_runs(mask)
    count = len(parent)
    top = np.full(count, mask.shape[0])
    bottom = np.full(count, -1)
    left = np.full(count, mask.shape[1])
    right = np.full(count, -1)
    np.minimum.at(top, parent, run_rows)
    np.maximum.at(bottom, parent, run_rows)
    np.minimum.at(left, parent, run_first)
    np.maximum.at(right, parent, run_last)
    extent = np.maximum(bottom - top, right - left) + 1
    keep_run = extent[parent] >= min_extent
    return mask & keep_run[np.maximum(run_of, 0)]


def count_blobs(mask: np.ndarray) -> int:
    """How many 8-connected pieces of ink a mask holds."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return 0
    return len(np.unique(_ink_runs(mask)[4]))


def _ink_runs(
    mask: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The mask's horizontal runs of ink, joined into 8-connected blobs.

    Returns (row, first column, last column) of every run, the run index of each
    pixel (-1 off the ink), and each run's blob: the index of its blob's first run.
    A stroke has few runs, so joining runs rather than pixels is quick even for a
    large mask.
    """
    starts = mask.copy()
    starts[:, 1:] &= ~mask[:, :-1]
    ends = mask.copy()
    ends[:, :-1] &= ~mask[:, 1:]
    run_rows, run_first = np.nonzero(starts)  # both row-major, so run i pairs up
    _, run_last = np.nonzero(ends)
    run_of = np.cumsum(starts.ravel()).reshape(mask.shape) - 1  # run index of each ink pixel

    # Runs touch when any pixel of one has an ink pixel below it, straight or diagonal.
    pairs = []
    for upper, lower in (
        (np.s_[:-1, :], np.s_[1:, :]),
        (np.s_[:-1, :-1], np.s_[1:, 1:]),
        (np.s_[:-1, 1:], np.s_[1:, :-1]),
    ):
        touching = mask[upper] & mask[lower]
        pair = np.stack([run_of[upper][touching], run_of[lower][touching]])
        # Neighbouring pixels of the same two runs come one after another: keep one.
        first = np.ones(pair.shape[1], dtype=bool)
        first[1:] = np.any(pair[:, 1:] != pair[:, :-1], axis=0)
        pairs.append(pair[:, first])
    a, b = np.concatenate(pairs, axis=1)

    # Union-find: hook each root onto the smallest root it touches, then jump
    # pointers until every run points at its root.
    parent = np.arange(len(run_rows))
    while True:
        root_a, root_b = parent[a], parent[b]
        differ = root_a != root_b
        if not differ.any():
            break
        low = np.minimum(root_a, root_b)[differ]
        high = np.maximum(root_a, root_b)[differ]
        np.minimum.at(parent, high, low)
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped

    return run_rows, run_first, run_last, run_of, parent


def ink_bbox(img: np.ndarray, threshold: float = 0.0) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the pixels above `threshold`, bottom/right exclusive."""
    ink = np.asarray(img) > threshold
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(ink.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


# --- MNIST geometry ----------------------------------------------------------


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
    scale = STROKE_WORK_SIDE / max(crop.shape)
    if scale < 1:
        size = (max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale)))
        crop = _resize(crop, size)
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
        current, after = _measured(_grow(np.pad(current, 1), 1))
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
        eroded = -_grow(-eroded, 1)  # erosion: the dilation of the negative
        probe = -_grow(-eroded, keep)
        opened = _grow(probe, steps + keep + 2) > cut
        if np.count_nonzero(mask & ~opened) > PART_LOST * ink:
            break
        measured = _measured(eroded)
        if measured is None:
            break
        best, after = measured
        if after <= THICK_TARGET:
            break
    return best, after


def center_of_mass(img: np.ndarray) -> tuple[float, float]:
    """(row, col) of the intensity-weighted mean position of a 2-D image."""
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D image, got shape {img.shape}")
    total = img.sum()
    if total <= 0:
        raise ValueError("the image has no ink, so no centre of mass")
    row = img.sum(axis=1) @ np.arange(img.shape[0]) / total
    col = img.sum(axis=0) @ np.arange(img.shape[1]) / total
    return float(row), float(col)


def fit_into_box(crop: np.ndarray, box: int = DIGIT_BOX) -> np.ndarray:
    """Scale so the longer side is `box` pixels, keeping the aspect ratio.

    Returns the scaled digit itself, (h, w) with max(h, w) == box, not padded.
    """
    height, width = crop.shape
    scale = box / max(height, width)
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    return _resize(crop, size)


def paste_centered(digit: np.ndarray, *, by_mass: bool = True) -> np.ndarray:
    """Place a digit of at most 28×28 into a 28×28 black field.

    By mass: a whole-pixel shift puts its centre of mass within half a pixel of
    CENTER_TARGET, unless that would push ink out of the field. Otherwise the
    digit's box is centred.
    """
    height, width = digit.shape
    if by_mass:
        mass_row, mass_col = center_of_mass(digit)
        top = min(max(floor(CENTER_TARGET - mass_row + 0.5), 0), MNIST_SIZE - height)
        left = min(max(floor(CENTER_TARGET - mass_col + 0.5), 0), MNIST_SIZE - width)
    else:
        top, left = (MNIST_SIZE - height) // 2, (MNIST_SIZE - width) // 2
    field = np.zeros((MNIST_SIZE, MNIST_SIZE), dtype=np.float32)
    field[top : top + height, left : left + width] = digit
    return field


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


# --- Small image operations --------------------------------------------------


def _resize(
    img: np.ndarray,
    size: tuple[int, int],
    resample: Image.Resampling = Image.Resampling.BILINEAR,
) -> np.ndarray:
    """Resize a float image to (rows, cols). PIL widens its filters when shrinking: anti-aliased."""
    picture = Image.fromarray(np.ascontiguousarray(img, dtype=np.float32))  # mode "F"
    resized = picture.resize((size[1], size[0]), resample)
    return np.clip(np.asarray(resized, dtype=np.float32), 0, 1)


def _window_view(img: np.ndarray, size: int, axis: int) -> np.ndarray:
    """Sliding windows of `size` along one axis, same shape as `img` plus a window axis.

    The border is padded by continuing the image linearly (odd reflection), so a
    lighting ramp stays a ramp and filters don't invent a step at the edge.
    """
    half = size // 2
    pad = [(0, 0), (0, 0)]
    pad[axis] = (half, half)
    padded = np.pad(img, pad, mode="reflect", reflect_type="odd")
    return np.lib.stride_tricks.sliding_window_view(padded, size, axis=axis)


def _max_filter(img: np.ndarray, size: int) -> np.ndarray:
    # A square window's max is a row max of a column max: 2·size work per pixel.
    columns = _window_view(img, size, axis=0).max(axis=-1)
    return _window_view(columns, size, axis=1).max(axis=-1)


def _min_filter(img: np.ndarray, size: int) -> np.ndarray:
    return -_max_filter(-img, size)


def _mean_filter(img: np.ndarray, size: int) -> np.ndarray:
    columns = _window_view(img, size, axis=0).mean(axis=-1)
    return _window_view(columns, size, axis=1).mean(axis=-1)


def _grow(img: np.ndarray, radius: int) -> np.ndarray:
    """Grey dilation by a disc of about `radius`: 3×3 squares and crosses in turn (an octagon)."""
    for step in range(radius):
        padded = np.pad(img, 1, mode="edge")
        height, width = img.shape
        grown = img.copy()
        shifts = [(0, 1), (2, 1), (1, 0), (1, 2)]
        if step % 2 == 0:
            shifts += [(0, 0), (0, 2), (2, 0), (2, 2)]
        for row, col in shifts:
            np.maximum(grown, padded[row : row + height, col : col + width], out=grown)
        img = grown
    return img


def _dilate(mask: np.ndarray) -> np.ndarray:
    """Grow a mask by one pixel in all eight directions: a 3×3 square, as rows then columns."""
    tall = mask.copy()
    tall[1:] |= mask[:-1]
    tall[:-1] |= mask[1:]
    grown = tall.copy()
    grown[:, 1:] |= tall[:, :-1]
    grown[:, :-1] |= tall[:, 1:]
    return grown
