"""The blockwise analysis, and the byte-bounded store of analyses.

The analysis keeps only the decoded array at full size; everything else is read
from it when needed. These tests check each such reading against the plain,
full-size computation: Pillow's convert("L") and numpy on the whole image.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from components.image.store import ByteBudgetLRU
from model.images import analysis as image_math
from model.images import eight_bit
from model.images.decoding import decode_image
from model.images.eight_bit import EightBitScale

RNG = np.random.default_rng(7)


def encode(img: Image.Image, fmt: str = "PNG", **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **params)
    return buffer.getvalue()


# --- The analysis: every reading equals the full-size computation -------------------------------


def full_size(decoded) -> tuple[np.ndarray, np.ndarray]:
    """(the image on 0-255, its grayscale) the plain way, whole."""
    pixels8 = EightBitScale.of(decoded.array).apply(decoded.array)
    if pixels8.ndim == 2:
        return pixels8, pixels8
    if pixels8.shape[2] == 2:
        return pixels8, pixels8[:, :, 0]
    return pixels8, np.asarray(Image.fromarray(pixels8).convert("L"))


IMAGES = {
    "RGB": lambda: Image.fromarray(RNG.integers(0, 256, (61, 83, 3), dtype=np.uint8)),
    "RGBA": lambda: Image.fromarray(RNG.integers(0, 256, (61, 83, 4), dtype=np.uint8)),
    "LA": lambda: Image.fromarray(RNG.integers(0, 256, (61, 83, 2), dtype=np.uint8)),
    "L": lambda: Image.fromarray(RNG.integers(0, 256, (61, 83), dtype=np.uint8)),
    "I;16": lambda: Image.fromarray(RNG.integers(0, 65536, (61, 83)).astype(np.uint16)),
}


@pytest.mark.parametrize("mode", IMAGES)
def test_every_reading_of_the_analysis_matches_the_whole_image(mode, monkeypatch):
    monkeypatch.setattr(eight_bit, "BLOCK_VALUES", 500)  # many blocks, an odd last one
    decoded = decode_image(encode(IMAGES[mode]()))
    analysis = image_math.analyse_image(decoded)
    pixels8, gray = full_size(decoded)
    names = image_math.channel_names(decoded.channels)
    planes = [pixels8] if pixels8.ndim == 2 else [pixels8[:, :, i] for i in range(len(names))]
    for name, plane in zip(names, planes, strict=True):
        np.testing.assert_array_equal(
            analysis.histograms[name], np.bincount(plane.ravel(), None, 256)
        )
    np.testing.assert_array_equal(analysis.gray_histogram, np.bincount(gray.ravel(), None, 256))
    np.testing.assert_array_equal(analysis.gray(), gray)
    np.testing.assert_array_equal(analysis.digit_input, image_math.resize_for_digit_model(gray))
    assert analysis.flat_repr == repr(gray.ravel())
    indices, values = analysis.flat_samples(1000)
    np.testing.assert_array_equal(values, gray.ravel()[indices])
    for row, col in [(0, 0), (60, 82), (17, 45)]:
        assert analysis.gray_at(row, col) == gray[row, col]
        np.testing.assert_array_equal(analysis.pixel8(row, col), np.atleast_1d(pixels8[row, col]))
    view = analysis.view(20)
    np.testing.assert_array_equal(view.pixels8, pixels8[:: view.step, :: view.step])
    np.testing.assert_array_equal(view.values, decoded.array[:: view.step, :: view.step])
    assert analysis.preview.shape[:2] == (61, 83)
    assert analysis.nbytes < decoded.array.nbytes + 100_000  # no second full-size copy


def test_preview_of_a_big_image_is_at_most_480_pixels():
    decoded = decode_image(encode(Image.new("RGB", (2000, 1100), (10, 200, 30))))
    preview = image_math.analyse_image(decoded).preview
    assert max(preview.shape[:2]) == 480 and preview[100, 100].tolist() == [10, 200, 30]


# --- The store: bounded by bytes, least recently used first ---------------------------------------


def test_store_drops_the_least_recently_used_to_stay_in_budget():
    cache = ByteBudgetLRU(budget=100)
    cache.put("a", "A", 40)
    cache.put("b", "B", 40)
    assert cache.get("a") == "A"  # a is now the most recently used
    cache.put("c", "C", 40)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    assert cache.total_bytes == 80
    cache.make_room(70)  # room for an image about to be decoded
    assert len(cache) == 0


def test_store_never_keeps_more_than_its_budget():
    cache = ByteBudgetLRU(budget=100)
    cache.put("small", 1, 10)
    cache.put("huge", 2, 500)
    assert cache.get("huge") is None and cache.total_bytes <= 100
