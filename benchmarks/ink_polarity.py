"""Which ink a picture has, guessed from the picture: accuracy with and without the guess.

Three sets, made from the same MNIST test digits: photos of dark ink on
unevenly lit paper (the robustness benchmark's photo transform: noise, blur,
JPEG), the same strokes drawn white on the black canvas, and the MNIST digits
themselves as 28 × 28 white-on-black files. Each picture is read three ways:
as today's CLI read it without a flag (the canvas steps), as with `--photo`
(the photo steps), and with the ink guessed (`--ink auto`, the new default).

    MNIST_PATH=/path/to/mnist.npz python benchmarks/ink_polarity.py [--limit N]

Prints a markdown table, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from robustness import Transform, canvas_picture, pen_points  # noqa: E402

from model.digits.data import ENV_VAR, load_bundled_sample, load_mnist  # noqa: E402
from model.preprocess import guess_ink, prepare_digit, prepare_for_ink  # noqa: E402

SETS = {
    "photo: dark ink on paper": "dark-on-light",
    "canvas: white on black": "light-on-dark",
    "MNIST file, 28 × 28": "light-on-dark",
}
WAYS = ("no flag (canvas steps)", "--photo", "ink guessed")
PHOTO = Transform("photo", photo=True)
DRAWN = Transform("drawn")
CHUNK = 100


def pictures(index: int, digit: np.ndarray) -> list[np.ndarray]:
    rng = np.random.default_rng(index)  # the robustness benchmark's pictures for this digit
    points = pen_points(digit)
    return [canvas_picture(points, PHOTO, rng), canvas_picture(points, DRAWN, rng), digit]


def prepared_inputs(task: tuple[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(digits, sets, ways, 28, 28) uint8 inputs, and (digits, sets) whether the guess was right."""
    first, digits = task
    out = np.zeros((len(digits), len(SETS), len(WAYS), 28, 28), np.uint8)
    right = np.zeros((len(digits), len(SETS)), bool)
    for i, digit in enumerate(digits):
        for s, (picture, truth) in enumerate(
            zip(pictures(first + i, digit), SETS.values(), strict=True)
        ):
            right[i, s] = guess_ink(picture) == truth
            ways = (
                prepare_digit(picture),
                prepare_digit(picture, photo=True),
                prepare_for_ink(picture),
            )
            for w, prepared in enumerate(ways):
                if not prepared.blank:
                    out[i, s, w] = np.round(prepared.input * 255)
    return out, right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=2000, help="test digits to use")
    parser.add_argument("--model", default="default")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    data = load_mnist() if os.environ.get(ENV_VAR) else load_bundled_sample()
    x, y = data.x_test[: args.limit], data.y_test[: args.limit]
    print(f"{len(x):,} digits of the {data.test_description}.")
    tasks = [(i, x[i : i + CHUNK]) for i in range(0, len(x), CHUNK)]
    # Workers start before TensorFlow is imported (a fork of TensorFlow can hang).
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        parts = pool.map(prepared_inputs, tasks)
    inputs = np.concatenate([p[0] for p in parts])
    guessed_right = np.concatenate([p[1] for p in parts])

    from model.files.persistence import load_model
    from model.network.inference import DigitClassifier

    classifier = DigitClassifier(load_model(args.model)[0])
    accuracy: dict[str, dict[str, float]] = {}
    for s, name in enumerate(SETS):
        accuracy[name] = {}
        for w, way in enumerate(WAYS):
            probabilities = classifier.probabilities(inputs[:, s, w].astype(np.float32) / 255)
            accuracy[name][way] = float(np.mean(np.argmax(probabilities, axis=1) == y))
    guess = {name: float(guessed_right[:, s].mean()) for s, name in enumerate(SETS)}

    print(f"\nModel {args.model!r}; accuracy on {len(x):,} digits per set.\n")
    print("| Set | ink guessed right | " + " | ".join(WAYS) + " |")
    print("|---|---:|" + "---:|" * len(WAYS))
    for name in SETS:
        cells = " | ".join(f"{accuracy[name][way]:.2%}" for way in WAYS)
        print(f"| {name} | {guess[name]:.2%} | {cells} |")
    print(json.dumps({"digits": len(x), "model": args.model, "guess": guess, "accuracy": accuracy}))


if __name__ == "__main__":
    main()
