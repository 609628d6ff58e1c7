"""The arithmetic the image page teaches, on plain numpy arrays.

Everything here works on the full-resolution arrays; only the display helpers
(`display_stride`, `sample_vector`) thin data out, and they say by how much.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from model.digits.mnist import SIDE
from model.images.decoding import DecodedImage, to_grayscale
from model.images.eight_bit import EightBitScale, row_blocks

# ITU-R 601-2 luma, as in Pillow's convert("L").
LUMA_WEIGHTS = (0.299, 0.587, 0.114)
# Pillow works in 16-bit fixed point: the weights times 65536, rounded.
PILLOW_LUMA_WEIGHTS = (19595, 38470, 7471)
PREVIEW_SIDE = 480
# Threads that analyse an image's blocks of rows at once (each holds one block).
ANALYSIS_THREADS = min(4, os.cpu_count() or 1)


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


def resize_for_digit_model(gray: np.ndarray, side: int = SIDE) -> np.ndarray:
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
class StridedView:
    """Every `step`-th row and column of an image: real pixels, not averages, for display."""

    values: np.ndarray  # image[::step, ::step], as numpy decoded it
    pixels8: np.ndarray  # the same pixels on 0-255
    step: int
    height: int  # of the whole image
    width: int


@dataclass(frozen=True)
class ImageAnalysis:
    """What the image page shows of one image, computed once from every pixel.

    Only the decoded array is full size. Whatever depends on the chosen pixel, or
    is a thinned-out view for display, is read from it when needed
    (`pixel8`, `gray_at`, `view`, ...), so no full-size copy is kept: a 49-megapixel
    RGBA image costs its 196 MB and little more.
    """

    decoded: DecodedImage
    scale: EightBitScale  # how values map onto 0-255 (== the values for uint8 files)
    histograms: dict[str, np.ndarray] = field(repr=False)  # channel name -> 256 counts
    gray_histogram: np.ndarray = field(repr=False)  # of the grayscale image
    digit_input: np.ndarray = field(repr=False)  # (28, 28) uint8
    preview: np.ndarray = field(repr=False)
    value_min: np.generic = field(default=np.uint8(0))  # numpy's image.min(), every value
    value_max: np.generic = field(default=np.uint8(0))
    flat_repr: str = ""  # numpy's repr of the flattened grayscale image

    @property
    def array(self) -> np.ndarray:
        return self.decoded.array

    @property
    def pixel_count(self) -> int:
        return self.decoded.height * self.decoded.width

    @property
    def value_count(self) -> int:
        return self.decoded.array.size

    @property
    def nbytes(self) -> int:
        """Memory held, for the cache's byte budget."""
        small = [*self.histograms.values(), self.gray_histogram, self.digit_input, self.preview]
        return self.decoded.array.nbytes + sum(a.nbytes for a in small)

    def gray(self) -> np.ndarray:
        """The whole grayscale image, (H, W) uint8, made a block of rows at a time."""
        gray = np.empty((self.decoded.height, self.decoded.width), dtype=np.uint8)
        for rows in row_blocks(self.array.shape):
            gray[rows] = to_grayscale(self.scale.apply(self.array[rows]))
        return gray

    def pixel8(self, row: int, col: int) -> np.ndarray:
        """image[row][col] on 0-255: one number, or one per channel."""
        return np.atleast_1d(self.scale.apply(self.array[row, col]))

    def gray_at(self, row: int, col: int) -> np.uint8:
        """gray[row][col]: Pillow's convert("L") of that one pixel."""
        pixel = self.pixel8(row, col).reshape(1, 1, -1)
        return to_grayscale(pixel if pixel.shape[2] > 1 else pixel[:, :, 0])[0, 0]

    def view(self, max_cells: int) -> StridedView:
        """The image thinned out to at most max_cells rows and columns."""
        height, width = self.decoded.height, self.decoded.width
        step = display_stride(height, width, max_cells)
        values = self.array[::step, ::step]
        return StridedView(values, self.scale.apply(values), step, height, width)

    def gray_view(self, max_cells: int) -> StridedView:
        """The grayscale image, thinned out like `view` (convert("L") works pixel by pixel)."""
        view = self.view(max_cells)
        gray = to_grayscale(view.pixels8)
        return StridedView(gray, gray, view.step, view.height, view.width)

    def flat_samples(self, max_points: int) -> tuple[np.ndarray, np.ndarray]:
        """Every k-th value of gray.flatten() and its index, for plotting (see sample_vector)."""
        indices = np.arange(0, self.pixel_count, vector_step(self.pixel_count, max_points))
        rows, cols = np.divmod(indices, self.decoded.width)
        pixels8 = self.scale.apply(self.array[rows, cols])  # (n,) or (n, channels)
        # As an n × 1 image, so that convert("L") gives exactly gray.flatten()[indices].
        gray = to_grayscale(pixels8[:, None] if pixels8.ndim == 1 else pixels8[:, None, :])
        return indices, gray.ravel()


def analyse_image(decoded: DecodedImage) -> ImageAnalysis:
    """Histograms, grayscale, digit input and preview, from every pixel.

    One pass over blocks of rows: each block is put on 0-255, counted, turned to
    grayscale and shrunk for the preview, so only a block per thread is ever
    converted. The grayscale image (one byte per pixel) is kept only until the
    digit input is made from it.
    """
    array = decoded.array
    height, width = decoded.height, decoded.width
    names = channel_names(decoded.channels)
    scale = EightBitScale.of(array)
    gray = np.empty((height, width), dtype=np.uint8)
    # Shrink by a whole factor first (a box average: every pixel counts), leaving at
    # least twice the preview's side for the final, smooth resize.
    factor = max(1, max(height, width) // (2 * PREVIEW_SIDE))

    def analyse_rows(rows: slice) -> tuple[np.ndarray, np.ndarray]:
        block8 = Image.fromarray(scale.apply(array[rows]))
        gray[rows] = to_grayscale(np.asarray(block8))
        # Pillow counts every band in one pass, several times faster than np.bincount.
        counts = np.reshape(block8.histogram(), (len(names), 256))
        return counts, np.asarray(block8.reduce(factor))

    # Pillow and numpy let go of the GIL while they work, so blocks of rows run in
    # parallel threads: on two cores a 49-megapixel image is analysed in half the time.
    # Each thread's blocks are smaller, so that the blocks in flight together hold no
    # more than one block did without threads: the server's peak memory stays put.
    parts = row_blocks(array.shape, multiple=factor, share=ANALYSIS_THREADS)
    with ThreadPoolExecutor(max_workers=ANALYSIS_THREADS) as pool:
        blocks = list(pool.map(analyse_rows, parts))
    counts = np.sum([block_counts for block_counts, _ in blocks], axis=0, dtype=np.int64)
    histograms = dict(zip(names, counts, strict=True))
    return ImageAnalysis(
        decoded=decoded,
        scale=scale,
        histograms=histograms,
        # A one-channel image is its own grayscale: no need to count twice.
        gray_histogram=histograms["gray"] if names[0] == "gray" else gray_histogram(gray),
        digit_input=resize_for_digit_model(gray),
        preview=preview(np.concatenate([shrunk for _, shrunk in blocks])),
        value_min=array.min(),
        value_max=array.max(),
        flat_repr=repr(gray.ravel()),
    )


def gray_histogram(gray: np.ndarray) -> np.ndarray:
    """intensity_histogram of a big (H, W) uint8 array, counted by Pillow in blocks."""
    counts = np.zeros(256, dtype=np.int64)
    for rows in row_blocks(gray.shape):
        counts += np.asarray(Image.fromarray(gray[rows]).histogram())
    return counts


def describe_dtype(dtype: np.dtype) -> str:
    """What kind of number each value is, in words."""
    return {
        "uint8": "whole numbers from 0 to 255 (8 bits, one byte each)",
        "uint16": "whole numbers from 0 to 65,535 (16 bits, two bytes each)",
        "int32": "whole numbers stored in 32 bits (4 bytes each)",
        "float32": "decimal numbers stored in 32 bits (4 bytes each)",
        "bool": "True or False",
    }.get(np.dtype(dtype).name, f"{np.dtype(dtype).name} numbers")
