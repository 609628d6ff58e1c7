"""Turn a canvas drawing or a photo into the 28×28 input of an MNIST CNN.

MNIST digits were made in a fixed way: white ink on black, cropped to the ink,
scaled to fit a 20×20 box with the aspect ratio kept (anti-aliased), then pasted
into a 28×28 field so that the centre of mass of the ink sits at the centre.
A model trained on MNIST only works well on inputs made the same way, so
`prepare_digit` repeats those steps and returns every intermediate image, for
pages that want to show them.

The steps live in short modules, in the order they run: `grayscale` (reading
the input), `ink` (separating ink from paper), `strokes` (stroke width) and
`geometry` (boxes, centre of mass, scaling); `digit` strings them together.
"""

from model.preprocess.digit import (
    INK_WORDS,
    Ink,
    PreparedDigit,
    Step,
    doubts,
    guess_ink,
    prepare_digit,
    prepare_for_ink,
)

__all__ = [
    "INK_WORDS",
    "Ink",
    "PreparedDigit",
    "Step",
    "doubts",
    "guess_ink",
    "prepare_digit",
    "prepare_for_ink",
]
