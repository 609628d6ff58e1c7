"""Any image's values on the 0-255 scale: the one rule every picture of it uses.

numpy sees uint8 (0-255), uint16 (0-65,535), int32 or float32 values, depending
on the file. Pictures, histograms and the grayscale image need 0-255, so:

- uint8 stays as it is;
- uint16 is divided by 257 and rounded (65,535 / 257 = 255 exactly);
- int32 and float32 are stretched from their minimum to their maximum. Only
  finite values set the stretch: +inf shows as 255, -inf and NaN as 0.

The rule is worked out once per image (`EightBitScale.of`) and then applied to
any part of it: one pixel, a thinned-out view, or the whole image a block of
rows at a time, so that no full-size float copy of a big image is ever made.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

# Values converted at a time: 4 M values are 32 MB as float64, however big the image.
BLOCK_VALUES = 1 << 22


def row_blocks(shape: tuple[int, ...], multiple: int = 1, share: int = 1) -> Iterator[slice]:
    """Slices of whole rows covering an array of this shape, about BLOCK_VALUES / share each.

    Each block but the last has a multiple of `multiple` rows.
    """
    per_row = max(1, int(np.prod(shape[1:], dtype=np.int64)))
    rows = max(multiple, BLOCK_VALUES // share // per_row // multiple * multiple)
    for top in range(0, shape[0], rows):
        yield slice(top, top + rows)


def finite_range(array: np.ndarray) -> tuple[float, float]:
    """The smallest and largest finite value; (0, 0) if there is none."""
    if array.dtype.kind in "iub":
        return (float(array.min()), float(array.max())) if array.size else (0.0, 0.0)
    low, high = np.inf, -np.inf
    for block in row_blocks(array.shape):
        part = array[block]
        finite = np.isfinite(part)
        low = min(low, float(np.min(part, where=finite, initial=np.inf)))
        high = max(high, float(np.max(part, where=finite, initial=-np.inf)))
    return (low, high) if low <= high else (0.0, 0.0)


@dataclass(frozen=True)
class EightBitScale:
    """How one image's values map onto 0-255."""

    kind: Literal["uint8", "uint16", "stretch"]
    low: float = 0.0  # shown as 0
    high: float = 255.0  # shown as 255

    @classmethod
    def of(cls, array: np.ndarray) -> EightBitScale:
        if array.dtype == np.uint8:
            return cls("uint8")
        if array.dtype == np.uint16:
            return cls("uint16", 0.0, 65535.0)
        low, high = finite_range(array)
        return cls("stretch", low, high)

    def apply(self, values: np.ndarray) -> np.ndarray:
        """The values on 0-255 as uint8, same shape (uint8 input is returned as it is)."""
        values = np.asarray(values)
        if values.ndim == 0:  # one value of a gray image: give back one uint8 number
            return self.apply(values.reshape(1))[0]
        if self.kind == "uint8":
            return values
        out = np.empty(values.shape, dtype=np.uint8)
        for block in row_blocks(values.shape):
            out[block] = self._convert(values[block])
        return out

    def _convert(self, block: np.ndarray) -> np.ndarray:
        if self.kind == "uint16":
            # round(v / 257) without floats: v / 257 is never exactly halfway.
            return ((block.astype(np.uint32) + 128) // 257).astype(np.uint8)
        scale = 255 / (self.high - self.low) if self.high > self.low else 0.0
        with np.errstate(invalid="ignore", over="ignore"):  # inf × 0; the cases are set below
            stretched = (block.astype(np.float64) - self.low) * scale
            np.round(stretched, out=stretched)
            np.clip(stretched, 0, 255, out=stretched)
        if block.dtype.kind == "f":
            stretched[np.isnan(block) | np.isneginf(block)] = 0
            stretched[np.isposinf(block)] = 255
        return stretched.astype(np.uint8)
