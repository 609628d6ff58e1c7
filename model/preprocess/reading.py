"""Reading one picture of a digit: prepare the model's input, then run every layer on it.

`read_digit` is what the draw page does with a drawing, a photo or an MNIST
sample, in one call; the CLI does the same in batches (model/predict.py).

A reading can look twice: at the input as prepared, and at a copy sheared
upright (`straighten`), and average the two sets of probabilities. People
slant their digits far more than MNIST's writers did; the upright copy is
closer to what the model learned, while the copy as drawn keeps what
shearing blurs. Measured on the other-hands benchmark (README), averaging
the two reads slanted handwriting better than either copy alone, and MNIST's
own test digits no worse. Activations and saliency follow the input as
prepared: one pass, whose numbers the pages show and recompute.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import atan, degrees

import numpy as np

from model.network.inference import DigitClassifier, Forward, Verdict
from model.preprocess import Ink, PreparedDigit, doubts, prepare_for_ink
from model.preprocess.digit import eight_bit
from model.preprocess.geometry import straighten


@dataclass(frozen=True)
class Upright:
    """The second look: the input sheared upright, and what the model made of it."""

    input: np.ndarray  # (28, 28) float32 byte levels k / 255, like the prepared input
    shear: float  # columns per row taken out; negative for a rightward lean
    probabilities: np.ndarray  # (10,)

    @property
    def lean_degrees(self) -> float:
        """How far the ink leaned before, in degrees from upright; positive to the right."""
        return degrees(atan(-self.shear))


@dataclass(frozen=True)
class Reading(Verdict):
    prepared: PreparedDigit  # every step, and why there is no digit when there is none
    forward: Forward | None  # every layer's output; None when the picture holds no digit
    ink_guessed: bool  # the ink (prepared.ink) was judged from the picture, not given
    upright: Upright | None = None  # the second look; None when reading once

    @property
    def doubts(self) -> tuple[str, ...]:
        """Why the input looks unlike an MNIST digit, in words; () if it doesn't."""
        return doubts(self.prepared.input) if self.forward is not None else ()

    @property
    def probabilities(self) -> np.ndarray:
        """The prediction: the pass on the input, averaged with the upright copy's if read."""
        if self.forward is None:
            raise ValueError("the picture holds no digit, so there is no prediction")
        return averaged(self.forward, self.upright)


def averaged(forward: Forward, upright: Upright | None) -> np.ndarray:
    """The prediction from one pass and, if read, the upright copy's probabilities."""
    return mean_reading(forward.probabilities, None if upright is None else upright.probabilities)


def mean_reading(as_prepared: np.ndarray, upright: np.ndarray | None) -> np.ndarray:
    """Probabilities, (10,) or (N, 10), as read once or averaged with the upright copy's."""
    return as_prepared if upright is None else (as_prepared + upright) / 2


def upright_copy(digit: np.ndarray) -> tuple[np.ndarray, float]:
    """A prepared input sheared upright, on the same byte levels, and the shear taken out."""
    upright, shear = straighten(digit)
    return eight_bit(upright), shear


def read_digit(
    classifier: DigitClassifier,
    pixels: np.ndarray,
    *,
    mnist_style: bool = True,
    ink: Ink | None = None,
    upright: bool = True,
) -> Reading:
    """Prepare `pixels` (uint8, see `prepare_digit`) and run the model on the result.

    `ink` says which ink the picture has; None guesses it from the picture.
    With `upright`, the model also reads the input sheared upright, and the
    prediction averages the two.
    """
    prepared = prepare_for_ink(pixels, ink, mnist_style=mnist_style)
    if prepared.blank:
        return Reading(prepared, None, ink_guessed=ink is None)
    forward = classifier.forward(prepared.input)  # one pass, every layer
    second = second_look(classifier, prepared.input) if upright else None
    return Reading(prepared, forward, ink_guessed=ink is None, upright=second)


def second_look(classifier: DigitClassifier, digit: np.ndarray) -> Upright:
    """The model's reading of a prepared input's upright copy."""
    copy, shear = upright_copy(digit)
    return Upright(copy, shear, classifier.probabilities(copy)[0])


def read_inputs(
    classifier: DigitClassifier, inputs: np.ndarray, *, upright: bool = True
) -> np.ndarray:
    """(N, 10) predictions for prepared inputs (N, 28, 28) in [0, 1], as `Reading` makes them.

    For the CLI and the benchmarks, which read many digits at once.
    """
    drawn = classifier.probabilities(inputs)
    if not upright:
        return drawn
    copies = np.stack([upright_copy(d)[0] for d in inputs]) if len(inputs) else inputs
    return mean_reading(drawn, classifier.probabilities(copies))
