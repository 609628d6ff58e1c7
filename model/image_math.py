"""The arithmetic the image page teaches, on plain numpy arrays.

Everything here works on the full-resolution arrays; only the display helpers
(`display_stride`, `sample_vector`) thin data out, and they say by how much.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from model.images import DecodedImage, to_8bit, to_grayscale

# ITU-R 601-2 luma, as in Pillow's convert("L").
LUMA_WEIGHTS = (0.299, 0.587, 0.114)
# Pillow works in 16-bit fixed point: the weights times 65536, rounded.
PILLOW_LUMA_WEIGHTS = (19595, 38470, 7471)
DIGIT_MODEL_SIDE = 28  # the digit model reads 28 × 28 grayscale images, like MNIST
PREVIEW_SIDE = 480


@dataclass(frozen=True)
class LumaWorking:
    """L = 0.299 R + 0.587 G + 0.114 B for one pixel, worked out two ways."""

    rgb: tuple[int, int, int]
    terms: tuple[float, float, float]  # 0.299 R, 0.587 G, 0.114 B
    exact: float  # their sum
    rounded: int  # the sum rounded half up: the decimal answer
    pillow: int  # Pillow's integer version, (19595 R + 38470 G + 7471 B + 32768) >> 16


def luma_by_hand(red: int, green: int, blue: int) -> LumaWorking:
    rgb = (int(red), int(green), int(blue))
    terms = tuple(w * v for w, v in zip(LUMA_WEIGHTS, rgb, strict=True))
    exact = sum(terms)
    fixed = sum(w * v for w, v in zip(PILLOW_LUMA_WEIGHTS, rgb, strict=True))
    return LumaWorking(
        rgb=rgb,
        terms=terms,
        exact=exact,
        rounded=math.floor(exact + 0.5),
        pillow=(fixed + 32768) >> 16,
    )


def channel_names(channels: int) -> tuple[str, ...]:
    """What each channel of an (H, W) or (H, W, C) image holds."""
    return {
        1: ("gray",),
        2: ("gray", "alpha"),
        3: ("red", "green", "blue"),
        4: ("red", "green", "blue", "alpha"),
    }[channels]


def intensity_histogram(values: np.ndarray) -> np.ndarray:
    """How many values are 0, 1, ..., 255: shape (256,), for a uint8 array."""
    return np.bincount(values.ravel(), minlength=256)


def neighbourhood(array: np.ndarray, row: int, col: int, radius: int = 3):
    """The (2·radius+1)-square of pixels around (row, col).

    Near an edge the square slides inwards rather than shrinking, so it keeps its
    size whenever the image is big enough. Returns the window (a view, not a copy)
    and the row and column of its top-left pixel in the full image.
    """
    size = 2 * radius + 1
    height, width = array.shape[:2]
    top = min(max(row - radius, 0), max(height - size, 0))
    left = min(max(col - radius, 0), max(width - size, 0))
    return array[top : top + size, left : left + size], top, left


def display_stride(height: int, width: int, max_cells: int = 200) -> int:
    """Keep every n-th row and column so a view has at most max_cells per side."""
    return max(1, math.ceil(max(height, width) / max_cells))


def vector_step(length: int, max_points: int) -> int:
    """Keep every k-th value so a plot of a long vector has at most max_points."""
    return max(1, math.ceil(length / max_points))


def sample_vector(vector: np.ndarray, max_points: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    """Every k-th value of a long 1-D vector and its indices, for plotting."""
    step = vector_step(vector.size, max_points)
    indices = np.arange(0, vector.size, step)
    return indices, vector[::step]


def resize_for_digit_model(gray: np.ndarray, side: int = DIGIT_MODEL_SIDE) -> np.ndarray:
    """Squash an (H, W) grayscale image to side × side.

    BOX resampling: each output pixel is the average of the block of input pixels
    it covers, so nothing is skipped however large the photo.
    """
    small = Image.fromarray(gray).resize((side, side), Image.Resampling.BOX)
    return np.asarray(small)


def preview(pixels8: np.ndarray, side: int = PREVIEW_SIDE) -> np.ndarray:
    """A small copy for showing the whole photo at a glance (at most side pixels)."""
    img = Image.fromarray(pixels8)
    if img.mode == "LA":  # displays take gray, RGB or RGBA, not gray + alpha
        img = img.convert("RGBA")
    img.thumbnail((side, side), Image.Resampling.LANCZOS)
    return np.asarray(img)


@dataclass(frozen=True)
class ImageAnalysis:
    """Everything the image page shows that does not depend on the chosen pixel."""

    decoded: DecodedImage
    pixels8: np.ndarray  # the image on the 0-255 scale (== decoded.array for 8-bit files)
    gray: np.ndarray  # (H, W) uint8, Pillow's convert("L")
    histograms: dict[str, np.ndarray] = field(repr=False)  # channel name -> 256 counts
    gray_histogram: np.ndarray = field(repr=False)
    digit_input: np.ndarray = field(repr=False)  # (28, 28) uint8
    preview: np.ndarray = field(repr=False)
    value_min: np.generic = field(default=np.uint8(0))  # of decoded.array, full resolution
    value_max: np.generic = field(default=np.uint8(0))

    @property
    def pixel_count(self) -> int:
        return self.decoded.height * self.decoded.width

    @property
    def value_count(self) -> int:
        return self.decoded.array.size


def analyse_image(decoded: DecodedImage) -> ImageAnalysis:
    pixels8 = to_8bit(decoded.array)
    gray = to_grayscale(pixels8)
    names = channel_names(decoded.channels)
    planes = [pixels8] if pixels8.ndim == 2 else [pixels8[:, :, i] for i in range(len(names))]
    histograms = {
        name: intensity_histogram(plane) for name, plane in zip(names, planes, strict=True)
    }
    return ImageAnalysis(
        decoded=decoded,
        pixels8=pixels8,
        gray=gray,
        histograms=histograms,
        # A one-channel image is its own grayscale: no need to count twice.
        gray_histogram=histograms["gray"] if names[0] == "gray" else intensity_histogram(gray),
        digit_input=resize_for_digit_model(gray),
        preview=preview(pixels8),
        value_min=decoded.array.min(),
        value_max=decoded.array.max(),
    )


def describe_dtype(dtype: np.dtype) -> str:
    """What kind of number each value is, in words."""
    return {
        "uint8": "whole numbers from 0 to 255 (8 bits, one byte each)",
        "uint16": "whole numbers from 0 to 65,535 (16 bits, two bytes each)",
        "int32": "whole numbers stored in 32 bits (4 bytes each)",
        "float32": "decimal numbers stored in 32 bits (4 bytes each)",
        "bool": "True or False",
    }.get(np.dtype(dtype).name, f"{np.dtype(dtype).name} numbers")
