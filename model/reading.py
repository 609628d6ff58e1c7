"""Reading one picture of a digit: prepare the model's input, then run every layer on it.

`read_digit` is what the draw page does with a drawing, a photo or an MNIST
sample, in one call; the CLI does the same in batches (model/predict.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.inference import DigitClassifier, Forward
from model.preprocess import Ink, PreparedDigit, doubts, prepare_for_ink


@dataclass(frozen=True)
class Reading:
    prepared: PreparedDigit  # every step, and why there is no digit when there is none
    forward: Forward | None  # every layer's output; None when the picture holds no digit
    ink_guessed: bool  # the ink (prepared.ink) was judged from the picture, not given

    @property
    def doubts(self) -> tuple[str, ...]:
        """Why the input looks unlike an MNIST digit, in words; () if it doesn't."""
        return doubts(self.prepared.input) if self.forward is not None else ()


def read_digit(
    classifier: DigitClassifier,
    pixels: np.ndarray,
    *,
    mnist_style: bool = True,
    ink: Ink | None = None,
) -> Reading:
    """Prepare `pixels` (uint8, see `prepare_digit`) and run the model on the result.

    `ink` says which ink the picture has; None guesses it from the picture.
    """
    prepared = prepare_for_ink(pixels, ink, mnist_style=mnist_style)
    forward = None if prepared.blank else classifier.forward(prepared.input)  # one pass
    return Reading(prepared, forward, ink_guessed=ink is None)
