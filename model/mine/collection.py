"""A learner's own digits: the model's inputs, labels, the drawings, and a fixed held-out share.

Each digit keeps the prepared 28 × 28 input the model reads and, downscaled to
56 × 56, the drawing it was prepared from, so that a later change to the
preprocessing can prepare it again. One digit in five of each class is held
out: the 2nd, 7th, 12th… kept of that class, so two of a class already give one
to test on. The flag is fixed when the digit is kept and never moves, so a run
never trains on a digit that an earlier score was measured on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from model.digits.mnist import NUM_CLASSES, SIDE

MAX_DIGITS = 3000  # per browser: ten of each digit is 100, a whole class's pooled files 3,000
DRAWING_SIDE = 56  # the drawing kept beside the input: 5 canvas pixels per kept pixel
HOLD_OUT_EVERY = 5  # one in five of each class is held out...
HOLD_OUT_FIRST = 1  # ...starting with the second (index 1) of the class
TOO_FEW = 3  # a class with fewer digits than this says nothing about the model


class CollectionFull(ValueError):
    """Adding would take the set past MAX_DIGITS; the message says so."""


@dataclass(frozen=True, eq=False)
class MyDigits:
    x: np.ndarray  # (N, 28, 28) uint8, the prepared inputs, white on black
    y: np.ndarray  # (N,) uint8 labels 0..9
    drawings: np.ndarray  # (N, 56, 56) uint8, the drawings in grey, downscaled
    held_out: np.ndarray  # (N,) bool: never trained on, only scored

    @classmethod
    def empty(cls) -> MyDigits:
        return cls(
            np.zeros((0, SIDE, SIDE), np.uint8),
            np.zeros(0, np.uint8),
            np.zeros((0, DRAWING_SIDE, DRAWING_SIDE), np.uint8),
            np.zeros(0, bool),
        )

    def __len__(self) -> int:
        return len(self.y)

    def counts(self) -> np.ndarray:
        """(10,) how many digits of each class."""
        return np.bincount(self.y, minlength=NUM_CLASSES)[:NUM_CLASSES]

    def training(self) -> tuple[np.ndarray, np.ndarray]:
        keep = ~self.held_out
        return self.x[keep], self.y[keep]

    def testing(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[self.held_out], self.y[self.held_out]

    def added(self, inputs: np.ndarray, labels, drawings: np.ndarray | None = None) -> MyDigits:
        """These digits kept after the others; their held-out flags follow the rule above.

        inputs: (K, 28, 28) or one (28, 28), uint8 or floats in [0, 1].
        drawings: matching pictures of any size (grey or RGBA), or None.
        """
        inputs = as_stored_inputs(inputs)
        labels = np.atleast_1d(np.asarray(labels)).astype(np.uint8)
        if len(self) + len(labels) > MAX_DIGITS:
            raise CollectionFull(
                f"{MAX_DIGITS:,} digits are the most one browser keeps: delete some, or "
                "download them and start a new set."
            )
        if drawings is None:
            pictures = np.stack([drawing_thumbnail(x) for x in inputs]) if len(inputs) else None
        else:
            pictures = np.stack([drawing_thumbnail(d) for d in _as_list(drawings)])
        flags = held_out_flags(self.counts(), labels)
        return self._with(
            np.concatenate([self.x, inputs]),
            np.concatenate([self.y, labels]),
            np.concatenate([self.drawings, pictures]) if pictures is not None else self.drawings,
            np.concatenate([self.held_out, flags]),
        )

    def merged(self, other: MyDigits) -> tuple[MyDigits, int]:
        """`other`'s digits after these, their flags kept, up to MAX_DIGITS; and how many did not fit."""
        room = max(0, MAX_DIGITS - len(self))
        kept = min(room, len(other))
        return (
            self._with(
                np.concatenate([self.x, other.x[:kept]]),
                np.concatenate([self.y, other.y[:kept]]),
                np.concatenate([self.drawings, other.drawings[:kept]]),
                np.concatenate([self.held_out, other.held_out[:kept]]),
            ),
            len(other) - kept,
        )

    def relabeled(self, index: int, label: int) -> MyDigits:
        if not 0 <= label < NUM_CLASSES:
            raise ValueError(f"a label is a digit from 0 to 9, not {label}")
        y = self.y.copy()
        y[index] = label
        return self._with(self.x, y, self.drawings, self.held_out)

    def without(self, index: int) -> MyDigits:
        keep = np.arange(len(self)) != index
        return self._with(self.x[keep], self.y[keep], self.drawings[keep], self.held_out[keep])

    def _with(self, x, y, drawings, held_out) -> MyDigits:
        return MyDigits(x, y, drawings, held_out)


def held_out_flags(counts_before: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """For digits kept in this order after `counts_before` of each class: which are held out."""
    counts = np.array(counts_before, dtype=np.int64).copy()
    flags = np.zeros(len(labels), bool)
    for i, label in enumerate(labels):
        flags[i] = counts[label] % HOLD_OUT_EVERY == HOLD_OUT_FIRST
        counts[label] += 1
    return flags


def as_stored_inputs(inputs: np.ndarray) -> np.ndarray:
    """(K, 28, 28) uint8 from prepared inputs, uint8 or floats in [0, 1] (the prepared byte levels)."""
    array = np.asarray(inputs)
    if array.shape == (SIDE, SIDE):
        array = array[np.newaxis]
    if array.ndim != 3 or array.shape[1:] != (SIDE, SIDE):
        raise ValueError(f"expected 28×28 inputs, got an array of shape {array.shape}")
    if array.dtype == np.uint8:
        return array.copy()
    return np.round(np.clip(array, 0, 1) * 255).astype(np.uint8)


def drawing_thumbnail(picture: np.ndarray) -> np.ndarray:
    """(56, 56) uint8 grey from a drawing: RGBA or RGB (the canvas), grey, uint8 or [0, 1] floats."""
    array = np.asarray(picture)
    if array.dtype != np.uint8:
        array = np.round(np.clip(array, 0, 1) * 255).astype(np.uint8)
    if array.ndim == 3:
        # The canvas paints white on black: the brightest channel is the ink; a
        # transparent pixel is no ink.
        grey = array[..., :3].max(axis=2)
        if array.shape[2] == 4:
            grey = (grey.astype(np.uint16) * array[..., 3] // 255).astype(np.uint8)
        array = grey
    image = Image.fromarray(array).resize((DRAWING_SIDE, DRAWING_SIDE), Image.Resampling.BOX)
    return np.asarray(image, dtype=np.uint8)


def _as_list(drawings) -> list[np.ndarray]:
    # One picture (grey 2-D, or H × W × channels), or else a stack of them.
    one = isinstance(drawings, np.ndarray) and (
        drawings.ndim == 2 or (drawings.ndim == 3 and drawings.shape[-1] in (3, 4))
    )
    return [drawings] if one else list(drawings)
